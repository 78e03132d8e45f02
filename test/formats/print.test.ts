// The print page and its PDF, read back as a reader would: `pdftotext` for the words (points, line
// numbers, the status on every page, the content hash in every footer) and `pdftoppm` for the first
// page as an image, kept in test-results/pdf/ to be looked at.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { renderPointText } from '../../src/core/document.ts';
import type { Point, VersionView } from '../../src/core/model.ts';
import { printFrame, printPage, wrapRuns, PRINT_MEASURE } from '../../src/formats/print.ts';
import { versionFormat } from '../../src/formats/index.ts';
import type { ExportInput } from '../../src/formats/types.ts';
import { closePrinter, printPdf, printVersion, PrintUnavailable } from '../../src/server/pdf.ts';
import { document } from '../../src/store/texts.ts';
import { contextOf, decide, demoDatabase, signIn, startServer, tempDir } from '../helpers.ts';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-results', 'pdf');
after(() => closePrinter());

function point(number: number, title: string, text: string, extra: Partial<Point> = {}): Point {
  return { id: `p-${number}`, number, title, text, brackets: [], issueIds: [], trackId: null, ...extra };
}

function inputOf(version: VersionView, extra: Partial<ExportInput> = {}): ExportInput {
  return {
    negotiation: { id: 'n-1', title: 'Treaty of <Test> & Co', summary: 'A text to print.' },
    version,
    lang: 'en',
    languages: { drafting: 'en', all: ['en'], authentic: ['en'], prevailing: null },
    languageBehind: [],
    parties: [],
    tracks: [],
    status: { label: 'Draft — not agreed', agreed: false, obstacles: '2 brackets open' },
    positions: [],
    provenance: null,
    compareWith: null,
    workflow: [],
    amendments: [],
    generatedAt: '2025-12-01T10:00:00.000Z',
    ...extra,
  };
}

function versionOf(points: Point[], extra: Partial<VersionView> = {}): VersionView {
  return {
    id: 'v-1',
    negotiationId: 'n-1',
    parentId: null,
    kind: 'draft',
    label: 'Table text 3',
    summary: '',
    authorPartyId: null,
    internal: false,
    points,
    optionChoices: {},
    source: null,
    createdAt: '2025-11-30T09:00:00.000Z',
    createdBy: null,
    recipientPartyIds: [],
    contentHash: 'a'.repeat(64),
    separateFormat: null,
    ...extra,
  };
}

/** The PDF's text, page by page (pdftotext separates pages with a form feed). */
function pdfPages(pdf: Uint8Array, name: string): string[] {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.pdf`);
  writeFileSync(file, pdf);
  const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  return text.split('\f').filter((page) => page.trim() !== '');
}

/** A long text: many lines, so that the PDF runs over several pages. */
const longText = Array.from({ length: 60 }, (_, i) => `Clause ${i + 1} of the article holds some words.`).join(' ');

test('wrapping keeps every line within the measure, keeps every word and starts a line at each line break', () => {
  const runs = [
    { text: 'Territory: ', bracket: false },
    { text: '[the line of contact] / [the administrative border]', bracket: true },
    { text: ` applies.\nSecond paragraph ${'x'.repeat(PRINT_MEASURE + 10)} end.`, bracket: false },
  ];
  const lines = wrapRuns(runs, 30);
  for (const line of lines) assert.ok(line.map((r) => r.text).join('').length <= 30, JSON.stringify(line));
  const words = (s: string) => s.split(/\s+/).filter(Boolean).join('');
  assert.equal(
    words(
      lines
        .flat()
        .map((r) => r.text)
        .join(' '),
    ),
    words(runs.map((r) => r.text).join(' ')),
  );
  assert.ok(
    lines.some((line) => line[0]?.text.startsWith('Second paragraph')),
    'a line break starts a line',
  );
  assert.ok(lines.flat().some((r) => r.bracket && r.text.includes('[the line')));
});

test('the print page escapes every text, carries its language and loads nothing', () => {
  const html = printPage(
    inputOf(versionOf([point(1, '<script>alert(1)</script>', 'A & B <img src=x onerror=alert(1)>')]), { lang: 'uk' }),
  );
  assert.ok(!html.includes('<script>alert'), 'a title is escaped');
  assert.ok(!html.includes('<img'), 'a text is escaped');
  assert.match(html, /<html lang="uk" xml:lang="uk">/);
  assert.doesNotMatch(html, /<[^>]*\b(src|href)=|url\(|@import/i, 'nothing is loaded from anywhere');
  const frame = printFrame(inputOf(versionOf([])));
  assert.match(frame.header, /Draft — not agreed/);
  assert.match(frame.footer, new RegExp('a'.repeat(64)));
  assert.match(frame.footer, /class="pageNumber"/);
  assert.match(frame.header, /Treaty of &lt;Test&gt; &amp; Co/);
});

test('the PDF holds the points with numbered lines, brackets UN-style, the status on every page and the hash in every footer', async () => {
  const points = [
    point(1, 'Sovereignty', "Ukraine's sovereignty will be confirmed."),
    point(2, 'Territory', 'Territory: [[br-t]] are frozen along the line of contact.', {
      brackets: [
        {
          id: 'br-t',
          alternatives: [
            { text: 'Kherson and Zaporizhzhia', proposedBy: [] },
            { text: 'the southern regions', proposedBy: [] },
          ],
        },
      ],
    }),
    point(3, 'A long article', longText),
    point(4, 'Elections', 'Elections will be held in 100 days.'),
  ];
  const input = inputOf(versionOf(points));
  const pdf = await printVersion(versionFormat('pdf')!, input);
  assert.equal(Buffer.from(pdf.subarray(0, 5)).toString(), '%PDF-');
  const pages = pdfPages(pdf, 'print-en');
  assert.ok(pages.length >= 2, `the long text runs over pages (${pages.length})`);
  for (const [i, page] of pages.entries()) {
    assert.match(page, /Draft — not agreed/, `the status on page ${i + 1}`);
    assert.match(page, new RegExp(`Content hash \\(SHA-256\\): ${'a'.repeat(64)}`), `the hash on page ${i + 1}`);
    assert.match(page, new RegExp(`Page ${i + 1} of ${pages.length}`));
  }
  const all = pages.join('\n');
  for (const p of points) assert.match(all, new RegExp(`${p.number}\\. ${p.title}`));
  assert.match(all, /\[Kherson and Zaporizhzhia\] \/ \[the southern regions\]/);
  // Lines are numbered in the margin, one number a line, on through the text.
  const numbered = all
    .split('\n')
    .map((line) => /^\s*(\d+)\s{2,}\S/.exec(line)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  assert.ok(numbered.length > 20, `numbered lines: ${numbered.length}`);
  assert.deepEqual(
    numbered,
    numbered.map((_, i) => i + 1),
    'line numbers run 1, 2, 3… through the text',
  );
  assert.match(all, /^\s*1\s+Ukraine's sovereignty will be confirmed\./m);

  // The first page as an image: kept to be looked at, and not blank.
  const first = join(ARTIFACTS, 'print-en-page1');
  execFileSync('pdftoppm', [
    '-png',
    '-r',
    '60',
    '-f',
    '1',
    '-l',
    '1',
    '-singlefile',
    join(ARTIFACTS, 'print-en.pdf'),
    first,
  ]);
  const png = readFileSync(`${first}.png`);
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  const gray = execFileSync('pdftoppm', [
    '-gray',
    '-r',
    '30',
    '-f',
    '1',
    '-l',
    '1',
    '-singlefile',
    join(ARTIFACTS, 'print-en.pdf'),
  ]);
  const pixels = pgmPixels(gray);
  const dark = pixels.filter((v) => v < 128).length;
  assert.ok(dark > pixels.length * 0.005, `the first page has ink (${dark} of ${pixels.length} pixels dark)`);
  assert.ok(dark < pixels.length * 0.5, 'the first page is not a black sheet');
});

/** The pixels of a binary PGM (P5) image. */
function pgmPixels(pgm: Buffer): Uint8Array {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 50).toString('latin1'));
  assert.ok(header, 'a PGM image');
  const [whole, width, height] = header;
  return new Uint8Array(pgm.subarray(whole.length, whole.length + Number(width) * Number(height)));
}

test('Cyrillic prints: a Russian page holds its own words', async () => {
  const input = inputOf(
    versionOf([point(1, 'Суверенитет', 'Суверенитет Украины будет подтверждён.')], { label: 'Текст 3' }),
    { lang: 'ru', status: { label: 'Проект — не согласован', agreed: false, obstacles: '' } },
  );
  const pages = pdfPages(await printPdf(printPage(input), printFrame(input)), 'print-ru');
  assert.match(pages[0]!, /1\. Суверенитет/);
  assert.match(pages[0]!, /Суверенитет Украины будет подтверждён\./);
  assert.match(pages[0]!, /Проект — не согласован/);
});

test("a Russian reader's PDF of the post-Geneva text holds no point of the track Russia is not in", async () => {
  const server = await startServer(await demoDatabase());
  // The text reaches Moscow once both presidents approved it (Zelensky did in the demo).
  const trump = await signIn(server.url, 'us-principal@demo.parley');
  const N = '/api/negotiations/geneva-2025';
  const hash = (await trump.get<any>(`${N}/versions/v-geneva-19`)).body.contentHash;
  const approved = await decide(trump, N, 'v-geneva-19', {
    ruleId: 'rule-presidents-before-moscow',
    stageId: 'stage-presidents',
    contentHash: hash,
  });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  const mediator = await contextOf(server.store, 'mediator@demo.parley');
  const full = await document(server.store, mediator, 'v-geneva-19');
  const withheld = full.points.filter((p) => p.trackId !== null);
  assert.ok(withheld.length >= 3, 'the text holds points of the EU and NATO track');
  const ru = await contextOf(server.store, 'ru@demo.parley');
  const version = await document(server.store, ru, 'v-geneva-19');
  const input = inputOf(version, { negotiation: { id: ru.negotiation.id, title: ru.negotiation.title, summary: '' } });
  const pages = pdfPages(await printVersion(versionFormat('pdf')!, input), 'print-ru-reader');
  const all = pages.join('\n').replace(/\s+/g, ' ');
  for (const p of withheld) {
    assert.ok(!all.includes(`${p.number}. ${p.title}`), `the title of point ${p.number} is not printed`);
    const words = renderPointText(p).replace(/\s+/g, ' ').slice(0, 40);
    assert.ok(!all.includes(words), `the text of point ${p.number} is not printed`);
    assert.match(all, new RegExp(`${p.number}\\. Negotiated in a separate format`));
  }
  const read = version.points[0]!;
  assert.ok(all.includes(`${read.number}. ${read.title}`), 'the points Russia reads are printed');
  assert.match(all, /Content hash withheld/);
});

test('without Chromium the PDF is refused with how to install it', async () => {
  await closePrinter();
  const before = process.env.PARLEY_CHROMIUM;
  process.env.PARLEY_CHROMIUM = join(tempDir(), 'no-chromium');
  try {
    await assert.rejects(printPdf('<p>x</p>', { header: '', footer: '' }), (error: unknown) => {
      assert.ok(error instanceof PrintUnavailable);
      assert.match(
        error.message,
        /PDF export needs Chromium: install it \(Debian: apt-get install chromium\) or set PARLEY_CHROMIUM/,
      );
      return true;
    });
  } finally {
    if (before === undefined) delete process.env.PARLEY_CHROMIUM;
    else process.env.PARLEY_CHROMIUM = before;
  }
});
