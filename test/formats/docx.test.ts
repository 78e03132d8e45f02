import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { unzipSync } from 'fflate';
import { XMLParser } from 'fast-xml-parser';
import { renderPointText } from '../../src/core/document.ts';
import type { Point } from '../../src/core/model.ts';
import { versionDocx } from '../../src/formats/docx.ts';
import { readDocx } from '../../src/formats/docx-read.ts';
import { DOCX_MEDIA_TYPE, recogniseFile } from '../../src/formats/import-text.ts';
import { exportInput, versionView } from './input.ts';
import { bracket, point } from '../core/builders.ts';

const points: Point[] = [
  point('pt-a', 1, { title: 'Sovereignty', text: 'The sovereignty of both parties is confirmed.' }),
  point('pt-b', 2, {
    title: 'Water shares',
    text: 'Each party takes [[br-1]] of the flow at the border.\nThe commission reviews the shares every year.',
    brackets: [bracket('br-1', 'half', 'a share set by the commission')],
  }),
  point('pt-c', 3, { title: 'Navigation', text: 'Ships of both parties navigate freely.', trackId: 'tr-1' }),
];

/** word/document.xml of a .docx read by an independent reader: unzip and a general XML parser. */
function documentXml(bytes: Uint8Array): { xml: string; tree: unknown } {
  const files = unzipSync(bytes);
  const xml = new TextDecoder().decode(files['word/document.xml']);
  const tree = new XMLParser({ ignoreAttributes: false, preserveOrder: true }).parse(xml);
  return { xml, tree };
}

/** Every element named `name` in a preserveOrder tree, with its attributes. */
function elements(tree: unknown, name: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) {
        if (key === name) found.push(((node as Record<string, unknown>)[':@'] ?? {}) as Record<string, string>);
        if (key !== ':@') walk(value);
      }
  };
  walk(tree);
  return found;
}

describe('a version as a Word file', () => {
  test('the cover names the negotiation, the version, where it stands, its date and content hash', async () => {
    const paragraphs = readDocx(await versionDocx(exportInput(points)));
    const cover = paragraphs.slice(0, 8).map((p) => p.text);
    assert.equal(cover[0], 'Water treaty');
    assert.ok(cover.includes('Text v2'));
    assert.ok(cover.includes('Draft — not agreed'));
    assert.ok(cover.includes('Dated 2025-11-23'));
    assert.ok(cover.some((line) => line.includes('c0ffee')));
  });

  test('points are numbered headings with their titles, brackets highlighted, a track point marked', async () => {
    const paragraphs = readDocx(await versionDocx(exportInput(points)));
    const headings = paragraphs.filter((p) => p.style === 'Heading2').map((p) => p.text);
    assert.deepEqual(headings, ['1. Sovereignty', '2. Water shares', '3. Navigation']);
    const shares = paragraphs.find((p) => p.text.startsWith('Each party takes'))!;
    assert.equal(shares.text, 'Each party takes [half] / [a share set by the commission] of the flow at the border.');
    assert.deepEqual(
      shares.runs.filter((r) => r.highlighted).map((r) => r.text),
      ['[half]', '[a share set by the commission]'],
    );
    assert.ok(paragraphs.some((p) => p.style === 'ParleyNote' && p.text.includes('Rhine basin')));
  });

  test('a point negotiated in a format the reader is outside of keeps only its number', async () => {
    const input = exportInput(points.slice(0, 2), {
      version: versionView('v2', points.slice(0, 2), {
        separateFormat: { pointNumbers: [3], note: 'negotiated in a separate format' },
      }),
    });
    const paragraphs = readDocx(await versionDocx(input));
    assert.ok(paragraphs.some((p) => p.text === '3. Negotiated in a separate format'));
    assert.ok(!paragraphs.some((p) => p.text.includes('navigate')));
  });

  test('an export read back by the importer keeps the points, numbers, titles and brackets', async () => {
    const bytes = await versionDocx(exportInput(points));
    const recognised = await recogniseFile({ bytes, name: 'water.docx', mediaType: DOCX_MEDIA_TYPE });
    assert.equal(recognised.title, 'Water treaty');
    assert.deepEqual(
      recognised.points.map((p) => [p.number, p.title, renderPointText(p)]),
      points.map((p) => [p.number, p.title, renderPointText(p)]),
    );
    assert.deepEqual(
      recognised.points[1]!.brackets.map((b) => b.alternatives.map((a) => a.text)),
      [['half', 'a share set by the commission']],
    );
  });

  test('property: any numbered text with brackets survives export and import', async () => {
    const word = fc.stringMatching(/^[A-Za-zÀ-ÿА-я]{1,10}$/);
    const phrase = fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
    const pointArb = fc.record({
      title: phrase,
      before: phrase,
      alternatives: fc.option(fc.array(phrase, { minLength: 2, maxLength: 3 }), { nil: undefined }),
      after: phrase,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(pointArb, { minLength: 1, maxLength: 6 }), async (drafts) => {
        const made: Point[] = drafts.map((d, i) =>
          point(`p${i}`, i + 1, {
            title: d.title,
            text: d.alternatives ? `${d.before} [[b${i}]] ${d.after}.` : `${d.before} ${d.after}.`,
            brackets: d.alternatives ? [bracket(`b${i}`, ...d.alternatives)] : [],
          }),
        );
        const bytes = await versionDocx(exportInput(made));
        const back = await recogniseFile({ bytes, name: 'x.docx', mediaType: DOCX_MEDIA_TYPE });
        assert.deepEqual(
          back.points.map((p) => ({ n: p.number, t: p.title, text: renderPointText(p), b: p.brackets.length })),
          made.map((p) => ({ n: p.number, t: p.title, text: renderPointText(p), b: p.brackets.length })),
        );
      }),
      { numRuns: 40 },
    );
  });
});

describe('a comparison as Word tracked changes', () => {
  const before = [
    point('pt-a', 1, { title: 'Sovereignty', text: 'The sovereignty of both parties is confirmed.' }),
    point('pt-b', 2, { title: 'Water shares', text: 'Each party takes half of the flow.' }),
    point('pt-gone', 3, { title: 'Fisheries', text: 'Fishing stays as it is.' }),
  ];
  const after = [
    point('pt-a', 1, { title: 'Sovereignty', text: 'The sovereignty of both parties is confirmed.' }),
    point('pt-b', 2, { title: 'Water shares', text: 'Each party takes a third of the flow.' }),
    point('pt-new', 3, { title: 'Navigation', text: 'Ships navigate freely.' }),
  ];
  // "a third" (characters 17–24 of point 2's text) came with Germany's amendment; the rest is the table's.
  const provenance = {
    'pt-a': { title: [], text: [] },
    'pt-b': {
      title: [],
      text: [
        { start: 0, end: 17, versionId: 'v1', amendmentId: null, partyId: null, roundId: null },
        { start: 17, end: 24, versionId: 'v2', amendmentId: 'am-1', partyId: 'de', roundId: null },
        { start: 24, end: 37, versionId: 'v1', amendmentId: null, partyId: null, roundId: null },
      ],
    },
  };
  const input = exportInput(after, {
    version: versionView('v2', after, { authorPartyId: 'fr' }),
    compareWith: versionView('v1', before, { label: 'Text v1' }),
    provenance,
  });

  test('changes are w:ins and w:del with the party that made each as author, in a file that tracks revisions', async () => {
    const bytes = await versionDocx(input);
    const { tree } = documentXml(bytes);
    const insertions = elements(tree, 'w:ins');
    const deletions = elements(tree, 'w:del');
    assert.ok(insertions.length >= 2 && deletions.length >= 2, 'insertions and deletions are marked');
    const authors = new Set([...insertions, ...deletions].map((a) => a['@_w:author']));
    assert.ok(authors.has('Germany'), 'the amendment is signed by the party that brought it');
    assert.ok(authors.has('Parley'), 'where provenance does not say, Parley signs');
    assert.ok(!authors.has('France'), "the later text's author party is not taken to have made every change");
    for (const mark of [...insertions, ...deletions]) {
      assert.match(mark['@_w:id'] ?? '', /^\d+$/);
      assert.equal(mark['@_w:date'], '2025-11-23T12:00:00Z');
    }
    const settings = new TextDecoder().decode(unzipSync(bytes)['word/settings.xml']);
    assert.match(settings, /<w:trackRevisions\/>/);
  });

  test('the text of the change is where Word shows it: the deleted words in w:delText, the inserted in w:t', async () => {
    const { xml } = documentXml(await versionDocx(input));
    assert.match(xml, /<w:del [^>]*w:author="Germany"[^>]*>.*?<w:delText[^>]*>half<\/w:delText>/s);
    assert.match(xml, /<w:ins [^>]*w:author="Germany"[^>]*>.*?<w:t[^>]*>a third<\/w:t>/s);
    assert.match(xml, /<w:delText[^>]*>Fishing stays as it is.<\/w:delText>/);
  });

  test('read as it stands, the comparison is the later text', async () => {
    const recognised = await recogniseFile({
      bytes: await versionDocx(input),
      name: 'compare.docx',
      mediaType: DOCX_MEDIA_TYPE,
    });
    assert.deepEqual(
      recognised.points.map((p) => [p.number, p.title, p.text]),
      after.map((p) => [p.number, p.title, p.text]),
    );
  });

  test("where the reader may not know who made a change, and the text is the table's, Parley signs it", async () => {
    const bytes = await versionDocx({ ...input, version: versionView('v2', after), provenance: null });
    const { tree } = documentXml(bytes);
    const authors = new Set([...elements(tree, 'w:ins'), ...elements(tree, 'w:del')].map((a) => a['@_w:author']));
    assert.deepEqual([...authors], ['Parley']);
  });
});
