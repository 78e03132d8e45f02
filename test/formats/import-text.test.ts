import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Zip, ZipPassThrough, strToU8, zipSync } from 'fflate';
import { renderPointText } from '../../src/core/document.ts';
import { FileRefused, IMPORT_LIMITS } from '../../src/formats/errors.ts';
import { DOCX_MEDIA_TYPE, recogniseFile } from '../../src/formats/import-text.ts';
import type { ImportFile } from '../../src/formats/types.ts';

const md = (text: string, name = 'plan.md'): ImportFile => ({
  bytes: strToU8(text),
  name,
  mediaType: 'text/markdown; charset=utf-8',
});
const txt = (text: string): ImportFile => ({ bytes: strToU8(text), name: 'plan.txt', mediaType: 'text/plain' });
const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
/** A .docx holding the given body XML (and any other entries). */
function docx(body: string, extra: Record<string, Uint8Array> = {}, level: 0 | 9 = 6 as 9): ImportFile {
  const xml = `<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${body}</w:body></w:document>`;
  const bytes = zipSync({ 'word/document.xml': [strToU8(xml), { level }], ...extra });
  return { bytes, name: 'plan.docx', mediaType: DOCX_MEDIA_TYPE };
}
const para = (text: string, style = '') =>
  `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;

/** Asserts a file is refused with the status and words given. */
async function assertRefused(file: ImportFile, status: number, words: RegExp): Promise<void> {
  await assert.rejects(recogniseFile(file), (error: unknown) => {
    assert.ok(error instanceof FileRefused, `a FileRefused, not ${String(error)}`);
    assert.equal(error.statusCode, status);
    assert.match(error.message, words);
    return true;
  });
}

describe('recognising a numbered text', () => {
  test('Markdown: the title, numbered headings as points with titles, text under them, brackets', async () => {
    const text = await recogniseFile(
      md(
        '# Water treaty\n\nA preamble.\n\n### 1. Sovereignty\n\nBoth parties are sovereign.\n\n## 2. **Water shares**\n\nEach takes [half] / [a third] of the flow.\nReviewed yearly.\n',
      ),
    );
    assert.equal(text.title, 'Water treaty');
    assert.deepEqual(
      text.points.map((p) => [p.number, p.title, p.text]),
      [
        [1, 'Sovereignty', 'Both parties are sovereign.'],
        [2, 'Water shares', 'Each takes [[br-2-1]] of the flow.\nReviewed yearly.'],
      ],
    );
    assert.deepEqual(
      text.points[1]!.brackets[0]!.alternatives.map((a) => a.text),
      ['half', 'a third'],
    );
    assert.ok(text.notes.some((n) => n.includes('before point 1') && n.includes('A preamble')));
  });

  test('plain text: "Article 1 — Title", "Point 2: Title", "3) Title" and a title on the line after "Article 4"', async () => {
    const text = await recogniseFile(
      txt(
        'Article 1 — Definitions\nIn this treaty, water means water.\n\nPoint 2: Shares\nEach takes half.\n\n3) Navigation\nShips pass.\n\nArticle 4\n\nFinal clauses\n\nThis treaty enters into force at once.\n',
      ),
    );
    assert.deepEqual(
      text.points.map((p) => [p.number, p.title, p.text]),
      [
        [1, 'Definitions', 'In this treaty, water means water.'],
        [2, 'Shares', 'Each takes half.'],
        [3, 'Navigation', 'Ships pass.'],
        [4, 'Final clauses', 'This treaty enters into force at once.'],
      ],
    );
  });

  test('a numbered sentence is a point with its text and no title, and the note says so', async () => {
    const text = await recogniseFile(txt('1. Both parties are sovereign.\n2. Each takes half.\n'));
    assert.deepEqual(
      text.points.map((p) => [p.number, p.title, p.text]),
      [
        [1, '', 'Both parties are sovereign.'],
        [2, '', 'Each takes half.'],
      ],
    );
    assert.ok(text.notes.includes('Point 1 has no title.'));
  });

  test('odd numbering is renumbered in order, and said; a lone bracket and "[[" are kept as text, and said', async () => {
    const text = await recogniseFile(md('## 1. A\n\nOne [maybe].\n\n## 4. B\n\nTwo [[x]].\n'));
    assert.deepEqual(
      text.points.map((p) => p.number),
      [1, 2],
    );
    assert.equal(text.points[1]!.text, 'Two [ [x] ].');
    assert.equal(text.points[0]!.brackets.length, 0);
    assert.ok(text.notes.some((n) => n.includes('numbers its points 1, 4')));
    assert.ok(text.notes.some((n) => n.includes('Point 1') && n.includes('no alternative')));
    assert.ok(text.notes.some((n) => n.includes('Point 2') && n.includes('[[')));
  });

  test("Word: headings, Word's own list numbering, highlighted brackets; deleted text left out", async () => {
    const numbered = (text: string) =>
      `<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>${text}</w:t></w:r></w:p>`;
    const text = await recogniseFile(
      docx(
        para('Water treaty', 'Title') +
          numbered('Sovereignty') +
          para('Both are sovereign.') +
          numbered('Shares') +
          `<w:p><w:r><w:t xml:space="preserve">Each takes </w:t></w:r><w:r><w:rPr><w:highlight w:val="yellow"/></w:rPr><w:t>[half]</w:t></w:r><w:r><w:t xml:space="preserve"> / </w:t></w:r><w:r><w:rPr><w:highlight w:val="yellow"/></w:rPr><w:t>[a third]</w:t></w:r><w:del w:id="1" w:author="x" w:date="2025-01-01T00:00:00Z"><w:r><w:delText>gone</w:delText></w:r></w:del><w:r><w:t>.</w:t></w:r></w:p>`,
      ),
    );
    assert.equal(text.title, 'Water treaty');
    assert.deepEqual(
      text.points.map((p) => [p.number, p.title, renderPointText(p)]),
      [
        [1, 'Sovereignty', 'Both are sovereign.'],
        [2, 'Shares', 'Each takes [half] / [a third].'],
      ],
    );
  });

  test('a title longer than a label may be is cut, and said', async () => {
    const text = await recogniseFile(md(`# ${'Long '.repeat(100)}\n\n## 1. A\n\nB.\n`));
    assert.ok(text.title.length <= 300);
    assert.ok(text.notes.some((n) => n.includes('cut')));
  });

  test('a file without a numbered point is refused, saying how to number', async () => {
    await assertRefused(txt('Just a letter.\n\nKind regards.'), 422, /no numbered point.*"1\.", "2\."/);
  });

  test('a kind of file Parley does not read is refused (415), naming the kinds it reads', async () => {
    await assertRefused({ bytes: strToU8('%PDF-1.7'), name: 'x.pdf', mediaType: 'application/pdf' }, 415, /Word/);
  });

  test('a generic media type is read by the file name', async () => {
    const text = await recogniseFile({
      bytes: strToU8('## 1. A\n\nText.'),
      name: 'x.md',
      mediaType: 'application/octet-stream',
    });
    assert.equal(text.points[0]!.title, 'A');
  });
});

describe('hostile files', () => {
  test('a file over the size limit is refused (413) before it is read', async () => {
    await assertRefused(md('#'.repeat(IMPORT_LIMITS.fileBytes + 1)), 413, /larger than|more than the 5 MB/);
  });

  test('a zip bomb is stopped as it inflates (413), not after', async () => {
    // 40 MB of one repeated paragraph compresses to about 40 KB.
    const body = para('1. Bomb').repeat(Math.ceil((40 * 1024 * 1024) / para('1. Bomb').length));
    const bomb = docx(body, {}, 9);
    assert.ok(bomb.bytes.length < 200_000, `the bomb is small (${bomb.bytes.length} bytes)`);
    await assertRefused(bomb, 413, /zip bomb/);
  });

  test('an archive holding the document part twice is refused (422): Word and Parley could read different texts', async () => {
    const parts: Uint8Array[] = [];
    const zip = new Zip((error, chunk) => {
      if (error) throw error;
      parts.push(chunk);
    });
    for (const text of ['1. Shown by Parley', '1. Shown by Word']) {
      const part = new ZipPassThrough('word/document.xml');
      zip.add(part);
      part.push(strToU8(`<w:document><w:body>${para(text)}</w:body></w:document>`), true);
    }
    zip.end();
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
    await assertRefused({ bytes, name: 'twice.docx', mediaType: DOCX_MEDIA_TYPE }, 422, /word\/document\.xml twice/);
  });

  test('an Akoma Ntoso file of more text than a version holds is refused (422) before anything is saved', async () => {
    const words = 'word '.repeat(3800);
    const articles = Array.from(
      { length: 30 },
      (_, i) =>
        `<article eId="art_${i}"><num>${i + 1}</num><heading>A${i}</heading><content><p>${words}</p></content></article>`,
    ).join('');
    const xml = `<?xml version="1.0" encoding="UTF-8"?><akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act name="act"><meta/><body>${articles}</body></act></akomaNtoso>`;
    await assertRefused(
      { bytes: strToU8(xml), name: 'long.akn.xml', mediaType: 'application/akn+xml' },
      422,
      /more than the 500,000 a version holds/,
    );
  });

  test('an archive with too many entries is refused (422)', async () => {
    const extra = Object.fromEntries(
      Array.from({ length: IMPORT_LIMITS.zipEntries + 1 }, (_, i) => [`x/${i}`, new Uint8Array(1)]),
    );
    await assertRefused(docx(para('1. A'), extra), 422, /more than 1000 entries/);
  });

  test('XML with a document type or entity declarations is refused before it is read (422)', async () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><w:document ${W}><w:body>${para('1. &lol2;')}</w:body></w:document>`;
    const bytes = zipSync({ 'word/document.xml': strToU8(xml) });
    await assertRefused({ bytes, name: 'x.docx', mediaType: DOCX_MEDIA_TYPE }, 422, /DOCTYPE|entities/);
    const external = `<?xml version="1.0"?><!DOCTYPE d SYSTEM "file:///etc/passwd"><w:document ${W}/>`;
    await assertRefused(
      { bytes: zipSync({ 'word/document.xml': strToU8(external) }), name: 'x.docx', mediaType: DOCX_MEDIA_TYPE },
      422,
      /DOCTYPE/,
    );
  });

  test('an undefined entity is refused, not left in the text', async () => {
    await assertRefused(docx(para('1. A &nbsp; B')), 422, /entity it does not define/);
  });

  test('deep nesting is refused (422)', async () => {
    await assertRefused(docx(`${'<w:sdt>'.repeat(500)}${'</w:sdt>'.repeat(500)}`), 422, /nests elements more than/);
  });

  test('invalid UTF-8 is refused (422), in a text file and inside a Word file', async () => {
    const bad = new Uint8Array([...strToU8('## 1. A\n\n'), 0xc3, 0x28]);
    await assertRefused({ bytes: bad, name: 'x.md', mediaType: 'text/markdown' }, 422, /not valid UTF-8/);
    const xml = new Uint8Array([
      ...strToU8(`<w:document ${W}><w:body><w:p><w:r><w:t>1. `),
      0xff,
      ...strToU8('</w:t></w:r></w:p></w:body></w:document>'),
    ]);
    await assertRefused(
      { bytes: zipSync({ 'word/document.xml': xml }), name: 'x.docx', mediaType: DOCX_MEDIA_TYPE },
      422,
      /not valid UTF-8/,
    );
  });

  test('a Word file that is no zip, or a zip without a document, is refused (422)', async () => {
    await assertRefused(
      { bytes: strToU8('hello'), name: 'x.docx', mediaType: DOCX_MEDIA_TYPE },
      422,
      /not a Word document/,
    );
    await assertRefused(
      { bytes: zipSync({ 'a.txt': strToU8('a') }), name: 'x.docx', mediaType: DOCX_MEDIA_TYPE },
      422,
      /no word\/document\.xml/,
    );
  });

  test('pathological texts are read in one pass: unclosed comments, runs of brackets and hashes', async () => {
    const n = 1_000_000;
    await assertRefused(docx('<!--'.repeat(n / 4)), 422, /never closed/);
    await assertRefused(md(`## 1. A\n\n${'[a] /'.repeat(n / 5)}`), 422, /more than the 20 a bracket holds/);
    await assertRefused(md(`#${' #'.repeat(n / 2)}x`), 422, /no numbered point/);
    await assertRefused(md('[['.repeat(n / 2)), 422, /no numbered point/);
  });

  test('property: no input crashes the reader; it recognises a text or refuses the file in words', async () => {
    const outcome = async (file: ImportFile) => {
      try {
        await recogniseFile(file);
      } catch (error) {
        assert.ok(error instanceof FileRefused, `refused as a FileRefused: ${String(error)}`);
        assert.ok(error.message.length > 10);
      }
    };
    const pieces = fc.constantFrom(
      '1. ',
      'Article 2 ',
      '## ',
      '# ',
      '[',
      ']',
      ' / ',
      '[[',
      ']]',
      '\n',
      '\n\n',
      'Positions:',
      '- **X** supports',
      '<w:p>',
      '</w:p>',
      '<w:t>',
      '</w:t>',
      '<w:r>',
      '&amp;',
      '&#0;',
      '&#x110000;',
      '<!--',
      '-->',
      '<![CDATA[',
      '<?x',
      'word',
    );
    const texty = fc.array(fc.oneof(pieces, fc.string()), { maxLength: 40 }).map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(texty, fc.constantFrom('md', 'txt', 'docx'), async (text, kind) => {
        if (kind === 'md') await outcome(md(text));
        else if (kind === 'txt') await outcome(txt(text));
        else await outcome(docx(text));
      }),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        await outcome({ bytes: new Uint8Array([0x50, 0x4b, ...bytes]), name: 'x.docx', mediaType: DOCX_MEDIA_TYPE });
        await outcome({ bytes, name: 'x.txt', mediaType: 'text/plain' });
      }),
      { numRuns: 300 },
    );
  });
});
