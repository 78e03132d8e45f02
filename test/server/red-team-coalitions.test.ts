import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../src/core/errors.ts';
import { userByEmail } from '../../src/store/accounts.ts';
import { insertEntity } from '../../src/store/collections.ts';
import { Store } from '../../src/store/store.ts';
import { createVersion, getVersion, listVersions } from '../../src/store/versions.ts';
import { demoDatabase } from '../helpers.ts';

/**
 * Red team, coalitions: a coalition's delegates read its texts from the moment they are written, so
 * a text written "as a coalition" that includes Russia reaches Russia at once. It must pass the gate
 * for each member party as it is written.
 */

const N = 'geneva-2025';
const GOVERNED = 'v-geneva-19';

async function as(store: Store, email: string) {
  const user = await userByEmail(store, email);
  assert.ok(user, email);
  return store.context(user, N);
}

describe('red team: writing as a coalition that includes Russia', () => {
  for (const [writer, member] of [
    ['us@demo.parley', 'us'],
    ['eu@demo.parley', 'eu'],
  ] as const)
    test(`${member}'s lead writing the governed text as a coalition with Russia is refused`, async () => {
      const store = await Store.open(await demoDatabase());
      await store.change(null, async (trx) => {
        await insertEntity(trx, 'parties', {
          id: 'with-ru',
          name: 'Contact group',
          shortName: 'CG',
          kind: 'coalition' as const,
          memberPartyIds: [member, 'ru'],
          negotiationId: N,
          pointIds: [],
          revision: 1,
        });
      });
      const ctx = await as(store, writer);
      const text = await getVersion(store, ctx, GOVERNED);
      const attempt = createVersion(store, ctx, {
        parentId: null,
        kind: 'draft',
        label: 'Contact group paper',
        summary: '',
        authorPartyId: 'with-ru',
        points: text.points.filter((p) => p.trackId === null).map((p, i) => ({ ...p, number: i + 1 })),
        optionChoices: {},
        source: null,
      });
      await assert.rejects(attempt, (error: unknown) => {
        assert.ok(error instanceof DomainError, String(error));
        assert.equal(error.kind, 'forbidden', error.message);
        assert.match(error.message, /Presidents approve/);
        return true;
      });
      const ru = await as(store, 'ru@demo.parley');
      const read = JSON.stringify(await listVersions(store, ru));
      assert.ok(!read.includes('Contact group paper'), 'Russia reads no such text');
      await store.close();
    });
});
