import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../src/core/errors.ts';
import { insertEntity } from '../../src/store/collections.ts';
import { listIssues } from '../../src/store/issues.ts';
import { putPreference } from '../../src/store/preferences.ts';
import { Store } from '../../src/store/store.ts';
import { createPosition } from '../../src/store/positions.ts';
import { createRedLine } from '../../src/store/red-lines.ts';
import { createVersion } from '../../src/store/versions.ts';
import { getVersion, listVersions } from '../../src/store/texts.ts';
import { contextOf, demoDatabase } from '../helpers.ts';

/**
 * Red team, coalitions: a coalition's delegates read its texts from the moment they are written, so
 * a text written "as a coalition" that includes Russia reaches Russia at once. It must pass the gate
 * for each member party as it is written.
 */

const N = 'geneva-2025';
const GOVERNED = 'v-geneva-19';

const as = (store: Store, email: string) => contextOf(store, email);

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

describe("red team: a coalition's own material is read by each member party", () => {
  test("the US lead putting the governed text in a US+RU coalition's party position or red line is refused", async () => {
    const store = await Store.open(await demoDatabase());
    await store.change(null, async (trx) => {
      await insertEntity(trx, 'parties', {
        id: 'with-ru',
        name: 'Contact group',
        shortName: 'CG',
        kind: 'coalition' as const,
        memberPartyIds: ['us', 'ru'],
        negotiationId: N,
        pointIds: [],
        revision: 1,
      });
    });
    const us = await as(store, 'us@demo.parley');
    const text = await getVersion(store, us, GOVERNED);
    const words = text.points
      .filter((p) => p.trackId === null)
      .map((p) => p.text)
      .join(' ')
      .slice(0, 3000);
    const refused = (error: unknown) => {
      assert.ok(error instanceof DomainError, String(error));
      assert.equal(error.kind, 'forbidden', error.message);
      assert.match(error.message, /Presidents approve/);
      return true;
    };
    await assert.rejects(
      createPosition(store, us, {
        versionId: 'v-us-28',
        pointId: 'pt-1',
        partyId: 'with-ru',
        stance: 'amend',
        proposedText: 'Shorter.',
        rationale: words,
        visibility: 'party',
        source: null,
      }),
      refused,
    );
    await assert.rejects(
      createRedLine(store, us, {
        partyId: 'with-ru',
        title: 'Security',
        description: words.slice(0, 2000),
        constraint: { kind: 'forbid', issueId: 'issue-donetsk', optionIds: ['opt-donetsk-ceded'] },
        visibility: 'party',
        source: null,
      }),
      refused,
    );
    const issues = await listIssues(store, us);
    const weights = Object.fromEntries(issues.map((i) => [i.id, 1 / issues.length]));
    const scores = Object.fromEntries(issues.map((i) => [i.id, Object.fromEntries(i.options.map((o) => [o.id, 0.5]))]));
    await assert.rejects(
      putPreference(store, us, 'with-ru', null, {
        weights,
        scores,
        reservation: 0.3,
        visibility: 'party',
        illustrative: false,
        note: words.slice(0, 2000),
      }),
      refused,
    );
    await store.close();
  });
});
