import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../../src/core/errors.ts';
import type { Id, Point } from '../../src/core/model.ts';
import { agreementOn } from '../../src/store/agreement.ts';
import { closeBracket } from '../../src/store/brackets.ts';
import { setLanguages } from '../../src/store/languages.ts';
import { createPosition } from '../../src/store/positions.ts';
import { Store } from '../../src/store/store.ts';
import { getVersion } from '../../src/store/texts.ts';
import { createVersion, transmitVersion } from '../../src/store/versions.ts';
import { transform, transformation } from '../core/transformations.ts';
import { assertForbidden, contextOf, demoDatabase, signIn, startServer, type RunningServer } from '../helpers.ts';

/**
 * Languages at the table: which language of a point is behind when a version is made, what an approval
 * covers, the gate over every language, and reading in a language. On the Geneva demo, whose text is
 * in English, Ukrainian and Russian.
 */

const as = (store: Store, who: string) => contextOf(store, `${who}@demo.parley`);
const TRILINGUAL = { drafting: 'en', others: ['uk', 'ru'], authentic: ['en', 'uk', 'ru'], prevailing: null };

async function withLanguages(store: Store): Promise<void> {
  const mediator = await as(store, 'mediator');
  if (JSON.stringify(mediator.negotiation.languages) !== JSON.stringify(TRILINGUAL))
    await setLanguages(store, mediator, mediator.negotiation.revision, TRILINGUAL);
}

/** A point of a text of the table, in English, Ukrainian and Russian. */
function trilingual(n: number, trackId: Id | null = null): Point {
  return {
    id: `p-lang-${n}`,
    number: n,
    title: `Article ${n}`,
    text: `The parties settle the matters of article ${n} in good faith.`,
    brackets: [],
    issueIds: [],
    trackId,
    translations: {
      uk: { title: `Стаття ${n}`, text: `Сторони врегульовують питання статті ${n} сумлінно.`, alternatives: {} },
      ru: { title: `Статья ${n}`, text: `Стороны урегулируют вопросы статьи ${n} добросовестно.`, alternatives: {} },
    },
  };
}

async function tableText(
  store: Store,
  points: Point[],
  parentId: Id | null = null,
  label = 'A text in three languages',
) {
  const mediator = await as(store, 'mediator');
  return createVersion(store, mediator, {
    parentId,
    kind: 'draft',
    label,
    summary: '',
    authorPartyId: null,
    points,
    optionChoices: {},
    source: null,
  });
}

const invalidWith = async (work: Promise<unknown>, pattern: RegExp) =>
  assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof DomainError, String(error));
    assert.equal(error.kind, 'invalid', error.message);
    assert.match(error.message, pattern);
    return true;
  });

describe('a point’s languages fall behind and catch up as versions are made', () => {
  let store: Store;
  before(async () => {
    store = await Store.open(await demoDatabase());
    await withLanguages(store);
  });
  after(() => store.close());

  test('an edit in English marks the Ukrainian and Russian behind on that point only; updating the Ukrainian clears it; the status says so', async () => {
    const first = await tableText(store, [trilingual(1), trilingual(2), trilingual(3)]);
    const edited = first.points.map((p) =>
      p.number === 2 ? { ...p, text: 'The parties settle the matters of article 2 within a month.' } : p,
    );
    const second = await tableText(store, edited, first.id, 'English edited');
    assert.deepEqual(
      second.points.map((p) => p.languagesBehind ?? null),
      [null, { uk: ['en'], ru: ['en'] }, null],
    );
    const mediator = await as(store, 'mediator');
    const status = await agreementOn(store, mediator, second.id);
    assert.match(status.obstacles, /point 2: the Ukrainian text is behind the English/);
    assert.match(status.obstacles, /point 2: the Russian text is behind the English/);
    const caughtUp = second.points.map((p) =>
      p.number === 2
        ? {
            ...p,
            translations: {
              ...p.translations,
              uk: { ...p.translations!.uk!, text: 'Сторони врегульовують питання статті 2 протягом місяця.' },
            },
          }
        : p,
    );
    const third = await tableText(store, caughtUp, second.id, 'Ukrainian updated');
    assert.deepEqual(third.points[1]!.languagesBehind, { ru: ['en'] });
    const after = await agreementOn(store, mediator, third.id);
    assert.doesNotMatch(after.obstacles, /Ukrainian text is behind/);
    assert.match(after.obstacles, /point 2: the Russian text is behind the English/);
  });

  test('closing a bracket closes it in every language: the chosen alternative in each, none behind', async () => {
    const point: Point = {
      ...trilingual(1),
      text: 'The parties [[b-verb]] settle the matter.',
      brackets: [
        {
          id: 'b-verb',
          alternatives: [
            { text: 'shall', proposedBy: [] },
            { text: 'may', proposedBy: [] },
          ],
        },
      ],
      translations: {
        uk: {
          title: 'Стаття 1',
          text: 'Сторони [[b-verb]] врегулювати питання.',
          alternatives: { 'b-verb': ['зобовʼязані', 'можуть'] },
        },
        ru: {
          title: 'Статья 1',
          text: 'Стороны [[b-verb]] урегулировать вопрос.',
          alternatives: { 'b-verb': ['обязаны', 'могут'] },
        },
      },
    };
    const text = await tableText(store, [point], null, 'A bracket in three languages');
    const mediator = await as(store, 'mediator');
    const { version } = await closeBracket(store, mediator, text.id, 'b-verb', { choose: 1, agreedBy: ['us', 'ua'] });
    const closed = version.points[0]!;
    assert.equal(closed.text, 'The parties may settle the matter.');
    assert.equal(closed.translations!.uk!.text, 'Сторони можуть врегулювати питання.');
    assert.equal(closed.translations!.ru!.text, 'Стороны могут урегулировать вопрос.');
    assert.deepEqual(closed.translations!.uk!.alternatives, {});
    assert.equal(closed.languagesBehind, undefined);
  });

  test('the status sent by a writer is ignored', async () => {
    const first = await tableText(store, [trilingual(1)]);
    const forged = first.points.map((p) => ({ ...p, text: `${p.text} Amended.`, languagesBehind: {} }));
    const second = await tableText(store, forged, first.id, 'forged status');
    assert.deepEqual(second.points[0]!.languagesBehind, { uk: ['en'], ru: ['en'] });
    const claimed = await tableText(store, [{ ...trilingual(1), languagesBehind: { uk: ['ru'] } }]);
    assert.equal(claimed.points[0]!.languagesBehind, undefined);
  });

  test('a translation in a language the negotiation does not have, or missing a bracket, is refused with a clear error', async () => {
    const french = {
      ...trilingual(1),
      translations: { fr: { title: 'Article 1', text: 'Les parties…', alternatives: {} } },
    };
    await invalidWith(
      tableText(store, [french]),
      /not in French \(fr\); its languages are English \(en\), Ukrainian \(uk\), Russian \(ru\)/,
    );
    const bracketed: Point = {
      ...trilingual(1),
      text: 'The parties [[b1]] settle.',
      brackets: [
        {
          id: 'b1',
          alternatives: [
            { text: 'shall', proposedBy: [] },
            { text: 'may', proposedBy: [] },
          ],
        },
      ],
    };
    await invalidWith(
      tableText(store, [bracketed]),
      /Ukrainian text of point 1 must hold each of the point's brackets once/,
    );
  });

  test('the languages are set by a mediator only, within the negotiation’s languages, and the drafting language stays once there are versions', async () => {
    const ua = await as(store, 'ua');
    await assert.rejects(
      setLanguages(store, ua, ua.negotiation.revision, TRILINGUAL),
      (e: unknown) => (e as DomainError).kind === 'forbidden',
    );
    const mediator = await as(store, 'mediator');
    await invalidWith(
      setLanguages(store, mediator, mediator.negotiation.revision, {
        ...TRILINGUAL,
        drafting: 'uk',
        others: ['en', 'ru'],
      }),
      /drafted in English \(en\).*the drafting language stays en/,
    );
    await invalidWith(
      setLanguages(store, mediator, mediator.negotiation.revision, { ...TRILINGUAL, authentic: ['en', 'fr'] }),
      /French \(fr\) is not one of the text's languages/,
    );
    await invalidWith(
      setLanguages(store, mediator, mediator.negotiation.revision, {
        ...TRILINGUAL,
        others: ['uk'],
        authentic: ['en', 'uk'],
      }),
      /translated into Russian \(ru\); keep it among the languages/,
    );
  });
});

describe('an approval covers every language', () => {
  test('a text approved, then the same text with its Ukrainian changed, is not approved', async () => {
    const store = await Store.open(await demoDatabase());
    try {
      await withLanguages(store);
      const us = await as(store, 'us-principal');
      const text = await createVersion(store, us, {
        parentId: 'v-us-28',
        kind: 'proposal',
        label: 'US text in three languages',
        summary: '',
        authorPartyId: 'us',
        points: [trilingual(1)],
        optionChoices: {},
        source: null,
      });
      const copy = await createVersion(store, us, {
        parentId: text.parentId,
        kind: text.kind,
        label: text.label,
        summary: '',
        authorPartyId: 'us',
        points: [
          {
            ...trilingual(1),
            translations: {
              ...trilingual(1).translations,
              uk: { title: 'Стаття 1', text: 'Інший текст статті.', alternatives: {} },
            },
          },
        ],
        optionChoices: {},
        source: null,
      });
      assert.notEqual(copy.contentHash, text.contentHash, 'the Ukrainian is part of what is approved');
      const same = await createVersion(store, us, {
        parentId: text.parentId,
        kind: text.kind,
        label: text.label,
        summary: '',
        authorPartyId: 'us',
        points: [trilingual(1)],
        optionChoices: {},
        source: null,
      });
      assert.equal(same.contentHash, text.contentHash, 'the same words in every language are the same text');
    } finally {
      await store.close();
    }
  });
});

describe('red team: the gate reads every language', () => {
  let store: Store;
  let governed: string;
  before(async () => {
    store = await Store.open(await demoDatabase());
    await withLanguages(store);
    // The longest open point of the US–Ukrainian Geneva text that Russia never received.
    const text = await getVersion(store, await as(store, 'us'), 'v-geneva-19');
    const held = JSON.stringify(await getVersion(store, await as(store, 'ru'), 'v-us-28'));
    governed = text.points
      .filter((p) => p.trackId === null && !held.includes(p.text.slice(0, 40)))
      .map((p) => p.text.replace(/\[\[[^\]]*\]\]/g, ' '))
      .sort((a, b) => b.length - a.length)[0]!
      .slice(0, 300);
  });
  after(() => store.close());

  test('property: a governed text copied into a translation of a text of the table (any language, title or text, disguised) is held back from Russia', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('uk', 'ru'),
        fc.constantFrom('title', 'text'),
        transformation,
        async (lang, field, t) => {
          const copy = transform(governed, t);
          const p = trilingual(1);
          const smuggled = {
            ...p,
            id: `p-smuggle-${n++}`,
            translations: { ...p.translations, [lang]: { ...p.translations![lang]!, [field]: copy } },
          };
          const made = await tableText(store, [smuggled], null, `Smuggled ${n}`);
          const mediator = await as(store, 'mediator');
          await assertForbidden(transmitVersion(store, mediator, made.id, ['ru']), /Presidents approve|carries/);
        },
      ),
      { numRuns: 12 },
    );
  });

  test('the governed text’s own Ukrainian, copied into another text’s English or into a position’s wording, is held back', async () => {
    const us = await as(store, 'us-principal');
    const ukrainian =
      'Україна зберігає збройні сили чисельністю до восьмисот тисяч осіб у мирний час, а партнери фінансують їх утримання протягом десяти років.';
    // A US text with a Ukrainian translation; the rule holds US texts back from Russia.
    const usText = await createVersion(store, us, {
      parentId: 'v-us-28',
      kind: 'proposal',
      label: 'US text with its Ukrainian',
      summary: '',
      authorPartyId: 'us',
      points: [
        {
          ...trilingual(1),
          id: 'p-us-forces',
          title: 'Armed forces',
          text: 'Ukraine keeps armed forces of up to 800,000 in peacetime, paid for by its partners for ten years.',
          translations: { uk: { title: 'Збройні сили', text: ukrainian, alternatives: {} } },
        },
      ],
      optionChoices: {},
      source: null,
    });
    await transmitVersion(store, us, usText.id, ['ua'], true);
    const mediator = await as(store, 'mediator');
    const copied = await tableText(
      store,
      [{ ...trilingual(1), id: 'p-copied', text: ukrainian }],
      null,
      'Copied Ukrainian',
    );
    await assertForbidden(transmitVersion(store, mediator, copied.id, ['ru']), /carries|Presidents approve/);
    const ua = await as(store, 'ua');
    await assertForbidden(
      createPosition(store, ua, {
        versionId: 'v-table-28',
        pointId: 'pt-1',
        partyId: 'ua',
        stance: 'amend',
        proposedText: ukrainian,
        rationale: '',
        visibility: 'public',
        source: null,
      }),
      /may not go/,
    );
  });

  test('a text in three languages of the parties’ own words goes to Russia', async () => {
    const mediator = await as(store, 'mediator');
    const made = await tableText(store, [trilingual(1), trilingual(2)], null, 'Own words');
    const sent = await transmitVersion(store, mediator, made.id, ['ru']);
    assert.deepEqual(sent.heldBack, []);
  });
});

describe('reading in a language over HTTP', () => {
  let server: RunningServer;
  let store: Store;
  before(async () => {
    server = await startServer(await demoDatabase());
    store = server.store;
    await withLanguages(store);
  });

  test('?lang=uk gives the points in Ukrainian; an unknown language is a 400 naming the languages; a Russian reader gets no track point in any language', async () => {
    const first = await tableText(store, [trilingual(1), trilingual(2, 'track-eu-nato')]);
    const mediator = await as(store, 'mediator');
    await transmitVersion(store, mediator, first.id, ['ru', 'ua']);
    const ua = await signIn(server.url, 'ua@demo.parley');
    const read = await ua.get(`/api/negotiations/geneva-2025/versions/${first.id}?lang=uk`);
    assert.equal(read.status, 200);
    assert.equal((read.body as { points: Point[] }).points[0]!.title, 'Стаття 1');
    const doc = await ua.get(`/api/negotiations/geneva-2025/document?version=${first.id}&lang=ru`);
    assert.equal((doc.body as { points: Point[] }).points[0]!.title, 'Статья 1');
    const french = await ua.get(`/api/negotiations/geneva-2025/versions/${first.id}?lang=fr`);
    assert.equal(french.status, 400);
    assert.match(
      JSON.stringify(french.body),
      /not in French \(fr\); its languages are English \(en\), Ukrainian \(uk\), Russian \(ru\)/,
    );
    const ru = await signIn(server.url, 'ru@demo.parley');
    for (const lang of ['', '?lang=uk', '?lang=ru']) {
      const seen = JSON.stringify((await ru.get(`/api/negotiations/geneva-2025/versions/${first.id}${lang}`)).body);
      assert.ok(
        !seen.includes('Стаття 2') && !seen.includes('Статья 2') && !seen.includes('article 2'),
        `track point leaked${lang}`,
      );
    }
    const compared = await ua.get(
      `/api/negotiations/geneva-2025/versions/${first.id}/compare?base=${first.id}&lang=uk`,
    );
    assert.equal(compared.status, 200);
    assert.match(JSON.stringify(compared.body), /Стаття 1/);
  });

  test('the size limits count every language: a text within them in English but not with its translations is refused, and so is a translation too long', async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const words = (n: number, seed: string) => `${seed} `.repeat(Math.ceil(n / (seed.length + 1))).slice(0, n);
    const points = Array.from({ length: 30 }, (_, i) => ({
      id: `p-big-${i}`,
      title: `Article ${i + 1}`,
      text: words(6000, `clause${i}`),
      translations: {
        uk: { title: `Stattia ${i + 1}`, text: words(6000, `stattia${i}`), alternatives: {} },
        ru: { title: `Statia ${i + 1}`, text: words(6000, `statia${i}`), alternatives: {} },
      },
    }));
    const body = { parentId: null, kind: 'draft', label: 'Long text', authorPartyId: null, points };
    const tooLong = await mediator.post('/api/negotiations/geneva-2025/versions', body);
    assert.equal(tooLong.status, 400, JSON.stringify(tooLong.body).slice(0, 300));
    assert.match(JSON.stringify(tooLong.body), /characters of text in all, every language counted/);
    const english = await mediator.post('/api/negotiations/geneva-2025/versions', {
      ...body,
      points: points.map(({ translations: _t, ...p }) => p),
    });
    assert.equal(english.status, 201, 'the same text in English alone is within the limits');
    const longTranslation = await mediator.post('/api/negotiations/geneva-2025/versions', {
      ...body,
      points: [
        {
          ...points[0]!,
          text: 'Short.',
          translations: { uk: { title: 'T', text: 'x'.repeat(20_001), alternatives: {} } },
        },
      ],
    });
    assert.equal(longTranslation.status, 400);
    assert.match(JSON.stringify(longTranslation.body), /translations/);
  });

  test('PUT /languages: a mediator sets them, recorded; a party member is refused', async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const now = (await mediator.get('/api/negotiations/geneva-2025')).body as { revision: number };
    const put = await mediator.put('/api/negotiations/geneva-2025/languages', {
      revision: now.revision,
      ...TRILINGUAL,
      prevailing: 'en',
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual((put.body as { languages: unknown }).languages, { ...TRILINGUAL, prevailing: 'en' });
    const events = await store.db
      .selectFrom('audit_events')
      .select(['after'])
      .where('action', '=', 'negotiation.languages')
      .execute();
    assert.deepEqual(JSON.parse(events.at(-1)!.after!).languages, { ...TRILINGUAL, prevailing: 'en' });
    const ua = await signIn(server.url, 'ua@demo.parley');
    const refused = await ua.put('/api/negotiations/geneva-2025/languages', {
      revision: now.revision + 1,
      ...TRILINGUAL,
    });
    assert.equal(refused.status, 403);
  });
});
