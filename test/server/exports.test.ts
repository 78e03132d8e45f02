import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { unzipSync } from 'fflate';
import { readDocx } from '../../src/formats/docx-read.ts';
import { DOCX_MEDIA_TYPE } from '../../src/formats/import-text.ts';
import { client, demoDatabase, startServer, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';
const TRACK_WORDS = 'TRACK-ONLY: the sanctions relief is sequenced with NATO';
const US_PRIVATE = 'US-PRIVATE: we can live with a third';
const UA_TO_MEDIATOR = 'UA-TO-MEDIATOR: only with guarantees';

/** Signs in and gives a client and a download function that keeps the bytes. */
async function session(url: string, email: string) {
  const login = await client(url).post<{ token: string }>('/api/auth/login', { email, password: 'parley-demo' });
  assert.equal(login.status, 200);
  const token = login.body.token;
  const download = async (path: string) => {
    const response = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      disposition: response.headers.get('content-disposition') ?? '',
      bytes: new Uint8Array(await response.arrayBuffer()),
    };
  };
  const upload = async (path: string, body: Uint8Array | string, type: string) => {
    const response = await fetch(url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body,
    });
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      body: text ? JSON.parse(text) : null,
    };
  };
  return { api: client(url, token), download, upload };
}

const textOf = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const docxText = (bytes: Uint8Array) =>
  readDocx(bytes)
    .map((p) => p.text)
    .join('\n');

describe('a version as a file, as its reader sees it', () => {
  let server: RunningServer;
  let versionId: string;
  let trackNumber: number;
  before(async () => {
    server = await startServer(await demoDatabase());
    const mediator = await session(server.url, 'mediator@demo.parley');
    // A text of the table of the mediators' own words, sent to every party; its third point is
    // negotiated in the EU–NATO track, which Russia is not part of.
    const points = ['Ceasefire', 'Prisoners', 'Sanctions', 'Elections', 'Monitoring'].map((title, i) => ({
      id: `pt-own-${i + 1}`,
      title,
      text: i === 2 ? TRACK_WORDS : `The parties agree on ${title.toLowerCase()} as the mediators propose.`,
      ...(i === 2 ? { trackId: 'track-eu-nato' } : {}),
    }));
    trackNumber = 3;
    const made = await mediator.api.post(`${N}/versions`, {
      parentId: null,
      kind: 'draft',
      label: 'Table text with a track point',
      authorPartyId: null,
      points,
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    versionId = made.body.id;
    const sent = await mediator.api.post(`${N}/versions/${versionId}/transmit`, {
      partyIds: ['us', 'ua', 'ru', 'eu', 'e3', 'fr', 'de', 'uk'],
    });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.deepEqual(sent.body.heldBack, [], JSON.stringify(sent.body.heldBack));
    const first = points[0]!.id;
    const us = await session(server.url, 'us@demo.parley');
    const ua = await session(server.url, 'ua@demo.parley');
    for (const [who, partyId, visibility, rationale] of [
      [us, 'us', 'party', US_PRIVATE],
      [ua, 'ua', 'mediator', UA_TO_MEDIATOR],
    ] as const) {
      const position = await who.api.post(`${N}/positions`, {
        versionId,
        pointId: first,
        partyId,
        stance: 'oppose',
        visibility,
        rationale,
      });
      assert.equal(position.status, 201, JSON.stringify(position.body));
    }
  });

  test("a Russian reader's Word and Markdown files hold no point of a track Russia is not in, and no private position", async () => {
    const ru = await session(server.url, 'ru@demo.parley');
    const docx = await ru.download(`${N}/versions/${versionId}/export?format=docx`);
    assert.equal(docx.status, 200);
    const md = await ru.download(`${N}/versions/${versionId}/export?format=md`);
    assert.equal(md.status, 200);
    for (const [name, text] of <[string, string][]>[
      ['docx', docxText(docx.bytes) + textOf(unzipSync(docx.bytes)['word/document.xml']!)],
      ['md', textOf(md.bytes)],
    ]) {
      assert.ok(!text.includes('TRACK-ONLY'), `the ${name} file holds the track's point`);
      assert.ok(!text.includes('US-PRIVATE'), `the ${name} file holds the US's internal position`);
      assert.ok(!text.includes('UA-TO-MEDIATOR'), `the ${name} file holds Ukraine's position for the mediators`);
      assert.match(text, new RegExp(`${trackNumber}\\. Negotiated in a separate format`), `${name}: the number stays`);
    }
    // Nor in another channel: the metadata of the Word file.
    const parts = unzipSync(docx.bytes);
    for (const [path, bytes] of Object.entries(parts))
      assert.ok(!textOf(bytes).includes('TRACK-ONLY'), `${path} holds the track's point`);
  });

  test('the mediator reads the track point and the positions shared with the mediators, not a party-internal one', async () => {
    const mediator = await session(server.url, 'mediator@demo.parley');
    const text = docxText((await mediator.download(`${N}/versions/${versionId}/export?format=docx`)).bytes);
    assert.ok(text.includes('TRACK-ONLY'));
    assert.ok(text.includes('UA-TO-MEDIATOR'));
    assert.ok(!text.includes('US-PRIVATE'));
    assert.ok(text.includes('EU and NATO competences'), 'the track point is marked with its track');
  });

  test('a file downloads with its media type and a file name from the negotiation, the version and the language', async () => {
    const mediator = await session(server.url, 'mediator@demo.parley');
    const docx = await mediator.download(`${N}/versions/v-geneva-19/export?format=docx&compare=v-table-28`);
    assert.equal(docx.status, 200);
    assert.equal(docx.type, DOCX_MEDIA_TYPE);
    assert.match(docx.disposition, /^attachment; filename="geneva-2025-[a-z0-9-]+\.en\.docx"$/);
    const xml = textOf(unzipSync(docx.bytes)['word/document.xml']!);
    assert.match(xml, /<w:ins [^>]*w:author="/);
    assert.match(xml, /<w:del [^>]*w:author="/);
    const md = await mediator.download(`${N}/versions/v-geneva-19/export`);
    assert.match(md.type, /^text\/markdown/);
    assert.match(md.disposition, /\.en\.md"$/);
  });

  test('an unknown format or language is a 400 that names the choices; a version the reader may not see is a 404', async () => {
    const ru = await session(server.url, 'ru@demo.parley');
    const format = await ru.api.get(`${N}/versions/${versionId}/export?format=odt`);
    assert.equal(format.status, 400);
    assert.match(format.body.detail, /choose one of md, docx/);
    const lang = await ru.api.get(`${N}/versions/${versionId}/export?format=md&lang=fr`);
    assert.equal(lang.status, 400);
    assert.match(
      lang.body.detail,
      /is not in French \(fr\); its languages are English \(en\), Ukrainian \(uk\), Russian \(ru\)/,
    );
    assert.equal((await ru.api.get(`${N}/versions/v-geneva-19/export?format=docx`)).status, 404);
    assert.equal(
      (await ru.api.get(`${N}/versions/${versionId}/export?format=docx&compare=v-geneva-19`)).status,
      404,
      'nor compared with one',
    );
  });
});

describe('a file imported as a version or a negotiation', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase());
  });
  const countVersions = async () => (await server.store.db.selectFrom('versions').select('id').execute()).length;

  test('the preview says what was recognised and saves nothing', async () => {
    const ua = await session(server.url, 'ua@demo.parley');
    const before = await countVersions();
    const preview = await ua.upload(
      `${N}/imports/preview?name=plan.md`,
      '# A plan\n\n## 1. Sovereignty\n\nConfirmed.\n\n## 2. Army\n\nThe army numbers [600,000] / [800,000].\n',
      'text/markdown',
    );
    assert.equal(preview.status, 200, JSON.stringify(preview.body));
    assert.equal(preview.body.title, 'A plan');
    assert.deepEqual(
      preview.body.points.map((p: any) => p.title),
      ['Sovereignty', 'Army'],
    );
    assert.equal(preview.body.points[1].brackets[0].alternatives.length, 2);
    assert.equal(await countVersions(), before);
  });

  test("a Word file exported and imported back is the reader's party's new version, the points keeping their ids and track", async () => {
    const ua = await session(server.url, 'ua@demo.parley');
    const exported = await ua.download(`${N}/versions/v-geneva-19/export?format=docx`);
    const made = await ua.upload(`${N}/imports?name=geneva.docx&label=From%20Word`, exported.bytes, DOCX_MEDIA_TYPE);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.label, 'From Word');
    assert.equal(made.body.authorPartyId, 'ua');
    assert.equal(made.body.kind, 'proposal');
    const original = (await ua.api.get(`${N}/versions/v-geneva-19`)).body;
    assert.deepEqual(
      made.body.points.map((p: any) => [p.id, p.number, p.title, p.trackId]),
      original.points.map((p: any) => [p.id, p.number, p.title, p.trackId]),
    );
    assert.deepEqual(
      made.body.points.map((p: any) => p.brackets.map((b: any) => b.id)),
      original.points.map((p: any) => p.brackets.map((b: any) => b.id)),
      'brackets with the same alternatives keep their ids',
    );
    assert.deepEqual(made.body.recipientPartyIds, ['ua'], "a party's import stays inside the party");
  });

  test('a numbered Word file opens a new negotiation, its convenor the person who imports it', async () => {
    const ru = await session(server.url, 'ru@demo.parley');
    const mediator = await session(server.url, 'mediator@demo.parley');
    const exported = await mediator.download(`${N}/versions/v-table-28/export?format=docx`);
    const made = await ru.upload('/api/imports?name=plan.docx&title=Our%20talks', exported.bytes, DOCX_MEDIA_TYPE);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.negotiation.title, 'Our talks');
    assert.equal(made.body.negotiation.currentVersionId, made.body.version.id);
    assert.equal(made.body.version.points.length, 28);
    const document = await ru.api.get(`/api/negotiations/${made.body.negotiation.id}/document`);
    assert.equal(document.status, 200);
  });

  test('hostile and wrong files get 413, 415 or 422 in words, and nothing is saved', async () => {
    const ua = await session(server.url, 'ua@demo.parley');
    const before = await countVersions();
    const negotiations = (await server.store.db.selectFrom('negotiations').select('id').execute()).length;
    const json = await ua.upload(`${N}/imports`, '{"points":[]}', 'application/json');
    assert.equal(json.status, 415);
    assert.match(json.body.detail, /Parley does not read application\/json/);
    assert.equal(json.type, 'application/problem+json; charset=utf-8');
    const big = await ua.upload(`${N}/imports`, '## 1. A\n\n' + 'x'.repeat(6 * 1024 * 1024), 'text/markdown');
    assert.equal(big.status, 413);
    assert.match(big.body.detail, /larger than the 5 MB/);
    const utf8 = await ua.upload(`${N}/imports`, new Uint8Array([0x23, 0x20, 0x31, 0x2e, 0xff]), 'text/plain');
    assert.equal(utf8.status, 422);
    assert.match(utf8.body.detail, /not valid UTF-8/);
    const none = await ua.upload('/api/imports', 'Dear all, no points here.', 'text/plain');
    assert.equal(none.status, 422);
    assert.match(none.body.detail, /no numbered point/);
    assert.equal(await countVersions(), before);
    assert.equal((await server.store.db.selectFrom('negotiations').select('id').execute()).length, negotiations);
  });

  test('an outsider cannot import into a negotiation they do not sit in (404, as for one that does not exist)', async () => {
    const outsider = await session(server.url, 'admin@demo.parley');
    const answer = await outsider.upload(`${N}/imports/preview`, '## 1. A\n\nB.', 'text/markdown');
    assert.equal(answer.status, 404);
  });
});
