import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { zipSync } from 'fflate';
import type { Id, Point } from '../../src/core/model.ts';
import { FileRefused } from '../../src/formats/errors.ts';
import { geniusImport, geniusUnzip, GeniusMappingError } from '../../src/formats/genius.ts';
import { DOCX_MEDIA_TYPE, recogniseFile } from '../../src/formats/import-text.ts';
import { exportInput } from '../../src/store/exports.ts';
import { importVersion } from '../../src/store/imports.ts';
import { setLanguages } from '../../src/store/languages.ts';
import { createPosition } from '../../src/store/positions.ts';
import { createStatement } from '../../src/store/statements.ts';
import { Store } from '../../src/store/store.ts';
import { document, getVersion } from '../../src/store/texts.ts';
import { createVersion, transmitVersion } from '../../src/store/versions.ts';
import { assertForbidden, client, contextOf, demoDatabase, startServer, type RunningServer } from '../helpers.ts';

/**
 * Red team on the text's files and languages: a reader's file holds nothing its JSON views do not,
 * an import is written under the same policy as a version, and a governed text's translations are
 * held back as its own words are.
 */

const N = '/api/negotiations/geneva-2025';
const GOVERNED = 'v-geneva-19';
const as = (store: Store, email: string) => contextOf(store, email);

/** The longest translation of a governed point (in `lang`) that Russia does not read in any text it holds. */
async function governedTranslation(store: Store, lang: string): Promise<string> {
  const us = await as(store, 'us@demo.parley');
  const text = await getVersion(store, us, GOVERNED);
  const ru = await as(store, 'ru@demo.parley');
  const { listVersions } = await import('../../src/store/texts.ts');
  const held = JSON.stringify(await listVersions(store, ru));
  const fresh = text.points
    .filter((p) => p.trackId === null)
    .map((p) => p.translations?.[lang]?.text.replace(/\[\[[^\]]*\]\]/g, ' ') ?? '')
    .filter((t) => t.length > 80 && !held.includes(t.slice(0, 40)))
    .sort((a, b) => b.length - a.length);
  assert.ok(fresh.length > 0, `the governed text has no ${lang} translation Russia lacks`);
  return fresh[0]!.slice(0, 300);
}

const plain = (id: string, text: string, extra: Partial<Point> = {}): Point => ({
  id,
  number: 1,
  title: 'Preamble',
  text,
  brackets: [],
  issueIds: [],
  trackId: null,
  ...extra,
});

describe('red team: a governed text in another language is held back as its own words are', () => {
  let store: Store;
  before(async () => {
    store = await Store.open(await demoDatabase());
  });

  for (const lang of ['uk', 'ru']) {
    test(`its ${lang} translation copied into a new text's own words is held back from Russia`, async () => {
      const words = await governedTranslation(store, lang);
      const eu = await as(store, 'eu@demo.parley');
      const made = await createVersion(store, eu, {
        parentId: null,
        kind: 'draft',
        label: 'Working paper',
        summary: '',
        authorPartyId: 'eu',
        points: [plain('p-own', words)],
        optionChoices: {},
        source: null,
      });
      await assertForbidden(transmitVersion(store, eu, made.id, ['ru']), /approve/);
    });

    test(`its ${lang} translation put in a new text's ${lang} slot is held back from Russia`, async () => {
      const words = await governedTranslation(store, lang);
      const eu = await as(store, 'eu@demo.parley');
      const made = await createVersion(store, eu, {
        parentId: null,
        kind: 'draft',
        label: 'Working paper',
        summary: '',
        authorPartyId: 'eu',
        points: [
          plain('p-own', 'The parties meet in good faith.', {
            translations: { [lang]: { title: 'Преамбула', text: words, alternatives: {} } },
          }),
        ],
        optionChoices: {},
        source: null,
      });
      await assertForbidden(transmitVersion(store, eu, made.id, ['ru']), /approve/);
    });

    test(`its ${lang} translation in a public statement or position is refused`, async () => {
      const words = await governedTranslation(store, lang);
      const mediator = await as(store, 'mediator@demo.parley');
      await assertForbidden(
        createStatement(store, mediator, {
          speaker: 'A spokesperson',
          affiliation: 'Mediation',
          partyId: null,
          date: '2025-11-26',
          quote: words,
          stance: 'neutral',
          pointIds: [],
          source: 'https://example.org/briefing',
        }),
        /approve/,
      );
      const eu = await as(store, 'eu@demo.parley');
      await assertForbidden(
        createPosition(store, eu, {
          versionId: 'v-us-28',
          pointId: 'pt-1',
          partyId: 'eu',
          stance: 'amend',
          proposedText: words,
          rationale: '',
          visibility: 'public',
          source: null,
        }),
        /approve/,
      );
    });
  }

  test('a language held by some version cannot be removed (its translations stay in the hash and the gate)', async () => {
    const mediator = await as(store, 'mediator@demo.parley');
    const languages = mediator.negotiation.languages!;
    await assert.rejects(
      setLanguages(store, mediator, mediator.negotiation.revision, {
        ...languages,
        others: languages.others.filter((l) => l !== 'ru'),
        authentic: languages.authentic.filter((l) => l !== 'ru'),
        prevailing: null,
      }),
      /translated into Russian/,
    );
  });

  test('a delegate may not change the languages', async () => {
    const us = await as(store, 'us@demo.parley');
    await assertForbidden(
      setLanguages(store, us, us.negotiation.revision, { ...us.negotiation.languages!, prevailing: 'en' }),
      /mediator/i,
    );
  });

  test('languagesBehind sent by a client is replaced by what the server computes', async () => {
    const mediator = await as(store, 'mediator@demo.parley');
    const made = await createVersion(store, mediator, {
      parentId: null,
      kind: 'draft',
      label: 'Languages behind',
      summary: '',
      authorPartyId: null,
      points: [
        plain('p-lb', 'The parties meet in good faith.', {
          translations: { uk: { title: 'Преамбула', text: 'Сторони зустрічаються сумлінно.', alternatives: {} } },
          languagesBehind: { en: ['uk'], uk: [] },
        } as Partial<Point>),
      ],
      optionChoices: {},
      source: null,
    });
    const behind = (made.points[0] as Point & { languagesBehind?: Record<string, string[]> }).languagesBehind;
    assert.notDeepEqual(behind?.en, ['uk']);
  });
});

describe('red team: an export holds what the reader reads, nothing more', () => {
  let store: Store;
  before(async () => {
    store = await Store.open(await demoDatabase());
  });

  test('Russia cannot export the governed text, nor compare with it, nor with an internal draft of another party', async () => {
    const ru = await as(store, 'ru@demo.parley');
    const own = await document(store, ru);
    const now = store.nowIso();
    await assert.rejects(exportInput(store, ru, GOVERNED, { now }), /not found|may not see|version/i);
    await assert.rejects(exportInput(store, ru, own.id, { now, compare: GOVERNED }), /version/i);
    const us = await as(store, 'us@demo.parley');
    const internal = await createVersion(store, us, {
      parentId: null,
      kind: 'draft',
      label: 'US internal',
      summary: '',
      authorPartyId: 'us',
      points: [plain('p-int', 'US INTERNAL wording nobody else reads.')],
      optionChoices: {},
      source: null,
    });
    await assert.rejects(exportInput(store, ru, own.id, { now, compare: internal.id }), /version/i);
    const mediator = await as(store, 'mediator@demo.parley');
    await assert.rejects(exportInput(store, mediator, own.id, { now, compare: internal.id }), /version/i);
  });

  test("every field of a reader's export comes from that reader's JSON views", async () => {
    for (const email of ['ru@demo.parley', 'us@demo.parley', 'ua@demo.parley', 'mediator@demo.parley']) {
      const reader = await as(store, email);
      const version = await document(store, reader);
      for (const lang of ['en', 'uk', 'ru']) {
        const input = await exportInput(store, reader, version.id, { lang, now: store.nowIso() });
        const seen = new Set(version.points.map((p) => p.id));
        for (const point of input.version.points) assert.ok(seen.has(point.id), `${email} ${lang}: ${point.id}`);
        const tracks = new Set(input.tracks.map((t) => t.id));
        for (const point of input.version.points)
          if (point.trackId !== null) assert.ok(tracks.has(point.trackId), `${email}: track ${point.trackId}`);
        for (const position of input.positions)
          assert.ok(
            position.visibility === 'public' ||
              reader.scope.partyIds.includes(position.partyId) ||
              (reader.scope.isMediator && position.visibility === 'mediator'),
            `${email} reads position ${position.id}`,
          );
      }
    }
  });
});

describe('red team: imports are written under the policy a version is', () => {
  let server: RunningServer;
  let store: Store;
  const token = async (email: string) =>
    (await client(server.url).post<{ token: string }>('/api/auth/login', { email, password: 'parley-demo' })).body
      .token;
  const post = async (path: string, body: string | Uint8Array, type: string, bearer?: string) => {
    const response = await fetch(server.url + path, {
      method: 'POST',
      headers: { 'content-type': type, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body,
    });
    return { status: response.status, body: await response.text() };
  };
  before(async () => {
    server = await startServer(await demoDatabase());
    store = server.store;
  });

  test('a signed-out person cannot import a negotiation, and is told so before the file is read', async () => {
    const good = await post('/api/imports?name=t.md', '1. Preamble\n\nThe parties meet.\n', 'text/markdown');
    assert.equal(good.status, 401, good.body);
    const hostile = await post(
      '/api/imports?name=x.xml',
      '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><akomaNtoso/>',
      'application/akn+xml',
    );
    assert.equal(hostile.status, 401, hostile.body);
    const zip = await post('/api/imports/genius', new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), 'application/zip');
    assert.equal(zip.status, 401, zip.body);
  });

  test('a person outside the negotiation cannot preview or import into it', async () => {
    // The installation's administrator sits in no party of the demo and is no mediator of it.
    const bearer = await token('admin@demo.parley');
    const file = '1. Preamble\n\nThe parties meet.\n';
    for (const path of [`${N}/imports/preview?name=t.md`, `${N}/imports?name=t.md`]) {
      const answer = await post(path, file, 'text/markdown', bearer);
      assert.equal(answer.status, 404, `${path}: ${answer.status} ${answer.body}`);
    }
  });

  test('a delegate cannot import a text for another party, nor as the table', async () => {
    const bearer = await token('ru@demo.parley');
    const file = '1. Preamble\n\nThe parties meet.\n';
    for (const author of ['us', 'ua']) {
      const answer = await post(`${N}/imports?name=t.md&authorPartyId=${author}`, file, 'text/markdown', bearer);
      assert.equal(answer.status, 403, answer.body);
    }
    const ru = await as(store, 'ru@demo.parley');
    await assert.rejects(
      importVersion(store, ru, { title: 'x', lang: 'en', points: [plain('r1', 'The parties meet.')] } as never, {
        authorPartyId: null,
      }),
      /mediator|table|forbidden|may not/i,
    );
  });

  test("an imported point keeps no track or issue it does not continue from the importer's own view", async () => {
    const ru = await as(store, 'ru@demo.parley');
    const parent = await document(store, ru);
    const made = await importVersion(
      store,
      ru,
      {
        title: 'x',
        lang: 'en',
        points: [plain('r1', 'The parties meet.', { title: 'A new title', trackId: 'track-eu-nato', issueIds: ['x'] })],
      } as never,
      { parentId: parent.id },
    );
    const point = made.points.find((p) => p.title === 'A new title');
    assert.ok(point);
    assert.equal(point.trackId, null);
  });

  test('?lang= in other spellings is refused with a clear error, never a 500', async () => {
    const bearer = await token('ru@demo.parley');
    const ru = await as(store, 'ru@demo.parley');
    const version: Id = (await document(store, ru)).id;
    for (const lang of ['UK', 'uk-UA', '../etc', 'uk%00', 'x'.repeat(5000), 'en\r\nX-Evil: 1']) {
      const path = `${N}/versions/${version}/export?format=md&lang=${encodeURIComponent(lang)}`;
      const response = await fetch(server.url + path, { headers: { authorization: `Bearer ${bearer}` } });
      const body = await response.text();
      assert.ok(response.status === 400 || response.status === 414, `${lang.slice(0, 20)}: ${response.status} ${body}`);
      for (const route of [`${N}/document?lang=`, `${N}/versions/${version}?lang=`]) {
        const r = await fetch(server.url + route + encodeURIComponent(lang), {
          headers: { authorization: `Bearer ${bearer}` },
        });
        assert.ok(r.status === 400 || r.status === 414, `${route} ${lang.slice(0, 20)}: ${r.status}`);
      }
    }
  });
});

describe('red team: hostile file shapes are refused or read within bounds, never crash', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const refusedOrRead = async (work: () => Promise<unknown> | unknown) => {
    try {
      await work();
    } catch (error) {
      assert.ok(
        error instanceof FileRefused || error instanceof GeniusMappingError,
        `not a clear refusal: ${(error as Error).stack}`,
      );
    }
  };

  test('an Akoma Ntoso file of 100,000 empty elements, or one attribute of 4 MB', async () => {
    const empty = `<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act><body>${'<p/>'.repeat(100_000)}</body></act></akomaNtoso>`;
    await refusedOrRead(() => recogniseFile({ bytes: enc(empty), name: 'a.xml', mediaType: 'application/akn+xml' }));
    const wide = `<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act name="${'x'.repeat(4_000_000)}"><body/></act></akomaNtoso>`;
    await refusedOrRead(() => recogniseFile({ bytes: enc(wide), name: 'a.xml', mediaType: 'application/akn+xml' }));
  });

  test('a Word file whose document part is given twice, or among 999 tiny entries', async () => {
    const part = (words: string) =>
      enc(
        `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${words}</w:t></w:r></w:p></w:body></w:document>`,
      );
    const entries: Record<string, Uint8Array> = {};
    for (let i = 0; i < 999; i++) entries[`word/x${i}.xml`] = enc('<a/>');
    entries['word/document.xml'] = part('1. Preamble The parties meet.');
    await refusedOrRead(() => recogniseFile({ bytes: zipSync(entries), name: 'a.docx', mediaType: DOCX_MEDIA_TYPE }));
  });

  test('a GENIUS zip with names that climb out of a folder, absolute names and duplicates', async () => {
    const domain =
      '<negotiation_template><utility_space><objective index="0" name="root" type="objective" etype="objective"><issue index="1" name="Price" type="discrete" etype="discrete" vtype="discrete"><item index="1" value="low"/><item index="2" value="high"/></issue></objective></utility_space></negotiation_template>';
    const profile =
      '<utility_space><objective index="0" name="root" type="objective" etype="objective"><issue index="1" name="Price" type="discrete" etype="discrete" vtype="discrete"><item index="1" value="low" evaluation="1"/><item index="2" value="high" evaluation="0"/></issue><weight number="1" value="1"/></objective><reservation value="0"/></utility_space>';
    const bytes = zipSync({
      '../../etc/domain.xml': enc(domain),
      '/abs/party-a.xml': enc(profile),
      '..\\..\\party-b.xml': enc(profile),
    });
    await refusedOrRead(() => {
      const files = geniusUnzip(bytes);
      for (const file of files) assert.doesNotMatch(file.name, /\.\.\/|^\//);
      return geniusImport(files);
    });
  });
});

describe('red team: a refused import saves nothing', () => {
  test('a file recognised but refused as a version (a point over its length) leaves no negotiation behind', async () => {
    const store = await Store.open(await demoDatabase());
    const { userByEmail } = await import('../../src/store/accounts.ts');
    const { listNegotiations } = await import('../../src/store/negotiations.ts');
    const { importNegotiation } = await import('../../src/store/imports.ts');
    const user = (await userByEmail(store, 'ua@demo.parley'))!;
    const before = (await listNegotiations(store, user)).length;
    const long = `# Plan\n\n1. Preamble\n\n${'The parties meet in good faith. '.repeat(800)}\n\n2. End\n\nDone.\n`;
    const recognised = await recogniseFile({
      bytes: new TextEncoder().encode(long),
      name: 'p.md',
      mediaType: 'text/markdown',
    }).catch(() => null);
    if (recognised) await assert.rejects(importNegotiation(store, user, recognised, { fileName: 'p.md' }));
    assert.equal((await listNegotiations(store, user)).length, before);
    await store.close();
  });
});
