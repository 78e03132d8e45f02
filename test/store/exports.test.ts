import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../src/core/errors.ts';
import { versionDocx } from '../../src/formats/docx.ts';
import { readDocx } from '../../src/formats/docx-read.ts';
import { exportInput } from '../../src/store/exports.ts';
import { Store } from '../../src/store/store.ts';
import { createVersion } from '../../src/store/versions.ts';
import { contextOf, demoDatabase } from '../helpers.ts';

/** The Geneva demo with its text in English and Ukrainian, and a table text whose first point is translated. */
async function bilingual(): Promise<{ store: Store; versionId: string }> {
  const file = await demoDatabase();
  const setup = await Store.open(file);
  const row = await setup.db
    .selectFrom('negotiations')
    .select('data')
    .where('id', '=', 'geneva-2025')
    .executeTakeFirstOrThrow();
  const data = {
    ...JSON.parse(row.data),
    languages: { drafting: 'en', others: ['uk'], authentic: ['en', 'uk'], prevailing: null },
  };
  await setup.db
    .updateTable('negotiations')
    .set({ data: JSON.stringify(data) })
    .where('id', '=', 'geneva-2025')
    .execute();
  await setup.close();
  const store = await Store.open(file);
  const ctx = await contextOf(store, 'mediator@demo.parley');
  const version = await createVersion(store, ctx, {
    parentId: null,
    kind: 'draft',
    label: 'Bilingual text',
    summary: '',
    authorPartyId: null,
    points: [
      {
        id: 'pt-sov',
        number: 1,
        title: 'Sovereignty',
        text: 'Sovereignty is [[br-1]].',
        brackets: [
          {
            id: 'br-1',
            alternatives: [
              { text: 'confirmed', proposedBy: [] },
              { text: 'respected', proposedBy: [] },
            ],
          },
        ],
        issueIds: [],
        trackId: null,
        translations: {
          uk: {
            title: 'Суверенітет',
            text: 'Суверенітет [[br-1]].',
            alternatives: { 'br-1': ['підтверджено', 'поважається'] },
          },
        },
      },
      {
        id: 'pt-army',
        number: 2,
        title: 'Army',
        text: 'The army is capped.',
        brackets: [],
        issueIds: [],
        trackId: null,
      },
    ],
    optionChoices: {},
    source: null,
  });
  return { store, versionId: version.id };
}

describe("a version's export input", () => {
  test('points read in the language asked for; a point with no translation is said to be behind', async () => {
    const { store, versionId } = await bilingual();
    try {
      const ctx = await contextOf(store, 'mediator@demo.parley');
      const input = await exportInput(store, ctx, versionId, { lang: 'uk', now: '2025-11-25T10:00:00Z' });
      assert.equal(input.lang, 'uk');
      assert.deepEqual(input.languages.all, ['en', 'uk']);
      assert.equal(input.version.points[0]!.title, 'Суверенітет');
      assert.deepEqual(
        input.version.points[0]!.brackets[0]!.alternatives.map((a) => a.text),
        ['підтверджено', 'поважається'],
      );
      assert.equal(input.version.points[1]!.title, 'Army');
      assert.deepEqual(input.languageBehind, [{ pointId: 'pt-army', behind: ['en'] }]);
      assert.equal(input.generatedAt, '2025-11-25T10:00:00Z');
      const paragraphs = readDocx(await versionDocx(input)).map((p) => p.text);
      assert.ok(paragraphs.includes('1. Суверенітет'));
      assert.ok(paragraphs.includes('Суверенітет [підтверджено] / [поважається].'));
      assert.ok(paragraphs.includes('Language: uk, authentic'));
      assert.ok(paragraphs.some((p) => p.includes('The uk text of this point is behind the en text')));
    } finally {
      await store.close();
    }
  });

  test("a language the negotiation's text is not in is refused, naming those it is in", async () => {
    const { store, versionId } = await bilingual();
    try {
      const ctx = await contextOf(store, 'mediator@demo.parley');
      await assert.rejects(exportInput(store, ctx, versionId, { lang: 'ru', now: '2025-11-25T10:00:00Z' }), (error) => {
        assert.ok(error instanceof DomainError);
        assert.equal(error.field, 'lang');
        assert.match(error.message, /is not in Russian \(ru\); its languages are English \(en\), Ukrainian \(uk\)/);
        return true;
      });
    } finally {
      await store.close();
    }
  });
});
