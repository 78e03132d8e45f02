import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { zipSync } from 'fflate';
import { IMPORT_LIMITS } from '../../src/formats/errors.ts';
import { demoDatabase, largestTextPoints, probeHealth, signIn, startServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The largest files the import takes: just under its limit, as many points as a file may carry and more. */
function largestFiles(): { name: string; mediaType: string; bytes: Uint8Array }[] {
  const limit = IMPORT_LIMITS.fileBytes - 4096;
  const words = (i: number) => `word${i % 97} `.repeat(20);
  let markdown = '';
  for (let i = 0; markdown.length < limit - 400; i++) markdown += `${i + 1}. Article ${i + 1}\n\n${words(i)}\n\n`;
  const articles: string[] = [];
  let size = 0;
  for (let i = 0; size < limit - 1000; i++) {
    const article = `<article eId="art_${i}"><num>${i + 1}</num><heading>Article ${i + 1}</heading><content><p>${words(i)}&amp;</p></content></article>`;
    articles.push(article);
    size += article.length;
  }
  const akn = `<?xml version="1.0" encoding="UTF-8"?><akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act name="act"><meta/><body>${articles.join('')}</body></act></akomaNtoso>`;
  // A Word file whose document part is as large as a zip of the import's limit inflates to.
  const paragraphs: string[] = [];
  size = 0;
  for (let i = 0; size < IMPORT_LIMITS.unzippedBytes / 2; i++) {
    const paragraph = `<w:p><w:r><w:t>${i + 1}. Article ${i + 1} ${words(i)}</w:t></w:r></w:p>`;
    paragraphs.push(paragraph);
    size += paragraph.length;
  }
  const documentXml = `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraphs.join('')}</w:body></w:document>`;
  const encode = (text: string) => new TextEncoder().encode(text);
  const docx = zipSync({
    '[Content_Types].xml': encode(
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    'word/document.xml': encode(documentXml),
  });
  return [
    { name: 'largest.md', mediaType: 'text/markdown', bytes: encode(markdown) },
    { name: 'largest.akn.xml', mediaType: 'application/akn+xml', bytes: encode(akn) },
    { name: 'largest.docx', mediaType: DOCX, bytes: docx },
  ];
}

describe('the largest files in and out while /api/health is probed', () => {
  test('imports at the size limit and exports of the largest text answer, and the server keeps answering (prints the worst health wait)', async () => {
    const server = await startServer(await demoDatabase());
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'mediator@demo.parley', password: 'parley-demo' }),
    });
    const { token } = (await login.json()) as { token: string };
    const points = largestTextPoints();
    const made = await mediator.post(`${N}/versions`, {
      parentId: null,
      kind: 'draft',
      label: 'The largest text',
      authorPartyId: null,
      points,
    });
    assert.equal(made.status, 201, JSON.stringify(made.body).slice(0, 300));
    const changed = await mediator.post(`${N}/versions`, {
      parentId: made.body.id,
      kind: 'draft',
      label: 'The largest text, every point changed',
      authorPartyId: null,
      points: points.map((point) => ({ ...point, text: point.text.replace(/word1/g, 'term1') })),
    });
    assert.equal(changed.status, 201, JSON.stringify(changed.body).slice(0, 300));

    const probe = probeHealth(server.url);
    const timed = async (what: string, work: () => Promise<Response>, expect: (answer: Response) => Promise<void>) => {
      probe.doing(what);
      const started = performance.now();
      const answer = await work();
      await expect(answer);
      console.log(`${(performance.now() - started).toFixed(0).padStart(6)} ms  ${what}`);
    };
    const auth = { authorization: `Bearer ${token}` };
    try {
      for (const file of largestFiles()) {
        assert.ok(file.bytes.byteLength <= IMPORT_LIMITS.fileBytes, `${file.name} fits the limit`);
        await timed(
          `preview ${file.name} (${(file.bytes.byteLength / 1024 / 1024).toFixed(1)} MB)`,
          () =>
            fetch(`${server.url}${N}/imports/preview?name=${file.name}`, {
              method: 'POST',
              headers: { ...auth, 'content-type': file.mediaType },
              body: file.bytes,
            }),
          async (answer) => {
            const body = (await answer.json()) as { detail?: string; points?: unknown[] };
            // Each of these files holds more points than a version may: refused in words, not read in full.
            assert.equal(answer.status, 422, JSON.stringify(body).slice(0, 300));
            assert.match(body.detail!, /more than the 500 a version holds|points/);
          },
        );
      }
      for (const format of ['md', 'docx', 'akn']) {
        await timed(
          `export the largest text as ${format}`,
          () => fetch(`${server.url}${N}/versions/${changed.body.id}/export?format=${format}`, { headers: auth }),
          async (answer) => {
            assert.equal(answer.status, 200);
            assert.ok((await answer.arrayBuffer()).byteLength > 10_000);
          },
        );
      }
      await timed(
        'export the largest comparison as docx (tracked changes)',
        () =>
          fetch(`${server.url}${N}/versions/${changed.body.id}/export?format=docx&compare=${made.body.id}`, {
            headers: auth,
          }),
        async (answer) => {
          assert.equal(answer.status, 200);
          assert.ok((await answer.arrayBuffer()).byteLength > 0);
        },
      );
    } finally {
      const { during } = await probe.stop();
      for (const [what, ms] of during) console.log(`health waited ${ms.toFixed(0).padStart(5)} ms during ${what}`);
    }
  });
});
