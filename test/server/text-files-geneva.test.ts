// Issue "the text in and out", as a mediator of the Geneva demo would use it: the text under
// negotiation exported to Word (with the comparison as tracked changes), PDF and Akoma Ntoso, in
// English and in Ukrainian, each file opened by a real reader; and a numbered Word file imported as a
// new negotiation. (A researcher's ANAC domain through the settlement desk: test/server/genius.test.ts.)
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';
import { unzipSync } from 'fflate';
import { DOCX_MEDIA_TYPE } from '../../src/formats/import-text.ts';
import { demoDatabase, startServer, tempDir, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';
const SCHEMA = fileURLToPath(new URL('../fixtures/akn/akomantoso30.xsd', import.meta.url));
const CYRILLIC = /[\u0400-\u04FF]{4,}/;

describe('the Geneva text in and out, as its mediator would use it', () => {
  let server: RunningServer;
  let token: string;
  let text: { id: string; parentId: string; contentHash: string; points: { title: string }[] };
  const get = async (path: string) => {
    const answer = await fetch(server.url + path, { headers: { authorization: `Bearer ${token}` } });
    return {
      status: answer.status,
      type: answer.headers.get('content-type') ?? '',
      disposition: answer.headers.get('content-disposition') ?? '',
      bytes: new Uint8Array(await answer.arrayBuffer()),
    };
  };
  const file = (name: string, bytes: Uint8Array) => {
    const path = join(tempDir(), name);
    writeFileSync(path, bytes);
    return path;
  };

  before(async () => {
    server = await startServer(await demoDatabase());
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'mediator@demo.parley', password: 'parley-demo' }),
    });
    token = ((await login.json()) as { token: string }).token;
    const document = await get(`${N}/document`);
    text = JSON.parse(new TextDecoder().decode(document.bytes));
    assert.ok(text.parentId, 'the text under negotiation follows an earlier one');
  });

  for (const lang of ['en', 'uk']) {
    test(`Word in ${lang}: the text, and the comparison with the text before it as tracked changes`, async () => {
      const plain = await get(`${N}/versions/${text.id}/export?format=docx&lang=${lang}`);
      assert.equal(plain.status, 200);
      assert.equal(plain.type, DOCX_MEDIA_TYPE);
      assert.match(plain.disposition, new RegExp(`attachment; filename=".*\\.${lang}\\.docx"`));
      const body = new TextDecoder().decode(unzipSync(plain.bytes)['word/document.xml']);
      if (lang === 'uk') assert.match(body, CYRILLIC);
      const compared = await get(`${N}/versions/${text.id}/export?format=docx&lang=${lang}&compare=${text.parentId}`);
      assert.equal(compared.status, 200);
      const tracked = new TextDecoder().decode(unzipSync(compared.bytes)['word/document.xml']);
      assert.match(tracked, /<w:ins [^>]*w:author="[^"]+"/);
      assert.match(tracked, /<w:del [^>]*w:author="[^"]+"/);
    });

    test(`PDF in ${lang}: pages that say the status and end with the content hash`, async () => {
      const pdf = await get(`${N}/versions/${text.id}/export?format=pdf&lang=${lang}`);
      assert.equal(pdf.status, 200, new TextDecoder().decode(pdf.bytes).slice(0, 300));
      assert.equal(pdf.type, 'application/pdf');
      const pages = execFileSync(
        'pdftotext',
        ['-layout', '-enc', 'UTF-8', file(`geneva.${lang}.pdf`, pdf.bytes), '-'],
        {
          encoding: 'utf8',
        },
      )
        .split('\f')
        .filter((page) => page.trim() !== '');
      assert.ok(pages.length > 1, 'the 19 points run over several pages');
      for (const page of pages) {
        assert.match(page, /Draft — not agreed|Agreed ad referendum/);
        assert.ok(
          page.replace(/\s+/g, '').includes(text.contentHash.slice(0, 16)),
          'the hash at the foot of every page',
        );
      }
      if (lang === 'uk') assert.match(pages.join('\n'), CYRILLIC);
    });

    test(`Akoma Ntoso in ${lang}: valid against the OASIS schema, one expression in its language`, async () => {
      const akn = await get(`${N}/versions/${text.id}/export?format=akn&lang=${lang}`);
      assert.equal(akn.status, 200);
      assert.equal(akn.type, 'application/akn+xml');
      const xml = new TextDecoder().decode(akn.bytes);
      assert.match(xml, new RegExp(`<FRBRlanguage [^>]*language="${lang}"`));
      assert.match(xml, new RegExp(`xml:lang="${lang}"`));
      const run = spawnSync('xmllint', ['--noout', '--schema', SCHEMA, file(`geneva.${lang}.akn.xml`, akn.bytes)], {
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
    });
  }

  test('a numbered Word file opens a new negotiation with its points', async () => {
    const word = await get(`${N}/versions/${text.id}/export?format=docx`);
    const answer = await fetch(`${server.url}/api/imports?name=geneva-19.docx&title=Imported%20plan`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': DOCX_MEDIA_TYPE },
      body: word.bytes,
    });
    const made = (await answer.json()) as { negotiation: { title: string }; version: { points: { title: string }[] } };
    assert.equal(answer.status, 201, JSON.stringify(made).slice(0, 300));
    assert.equal(made.negotiation.title, 'Imported plan');
    assert.deepEqual(
      made.version.points.map((point) => point.title),
      text.points.map((point) => point.title),
    );
  });

  test('an Akoma Ntoso expression in Ukrainian opens a new negotiation drafted in Ukrainian', async () => {
    const akn = await get(`${N}/versions/${text.id}/export?format=akn&lang=uk`);
    const answer = await fetch(`${server.url}/api/imports?name=geneva-19.uk.akn.xml`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/akn+xml' },
      body: akn.bytes,
    });
    const made = (await answer.json()) as {
      negotiation: { languages?: { drafting: string } };
      version: { points: { title: string }[] };
    };
    assert.equal(answer.status, 201, JSON.stringify(made).slice(0, 300));
    assert.equal(made.negotiation.languages?.drafting, 'uk');
    assert.equal(made.version.points.length, text.points.length);
    assert.match(made.version.points[0]!.title, CYRILLIC);
  });
});
