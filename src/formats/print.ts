/**
 * The print page of a version: one self-contained HTML page (inline CSS, no script, no image, no
 * link to anything) that the edge prints to PDF with Chromium (`server/pdf.ts`). A4, a cover block,
 * the points with their lines numbered in the margin as treaty drafts are, brackets UN-style; the
 * status of the text at the top and its content hash at the foot of every page (`printFrame`), so
 * that a printed text can be matched to what was approved.
 */
import { findPlaceholders } from '../core/document.ts';
import type { Point } from '../core/model.ts';
import type { ExportInput } from './types.ts';

/**
 * Characters per numbered line. Lines are cut by the page itself (not by the printer) so that each
 * number stands for one line whatever prints it; at 10.5 pt in DejaVu Serif over 160 mm, 68
 * characters of ordinary Latin or Cyrillic text fit with room to spare.
 */
export const PRINT_MEASURE = 68;

/** Text safe in HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A run of a point's text: its own words, or a bracket's alternatives written UN-style. */
interface Run {
  text: string;
  bracket: boolean;
}

/** A point's text as runs: brackets as `[a] / [b]`, flagged so the page can mark them. */
function pointRuns(point: Pick<Point, 'text' | 'brackets'>): Run[] {
  const brackets = new Map(point.brackets.map((bracket) => [bracket.id, bracket]));
  const runs: Run[] = [];
  let from = 0;
  for (const placeholder of findPlaceholders(point.text)) {
    const bracket = brackets.get(placeholder.id);
    if (!bracket) continue;
    runs.push({ text: point.text.slice(from, placeholder.start), bracket: false });
    runs.push({ text: bracket.alternatives.map((a) => `[${a.text}]`).join(' / '), bracket: true });
    from = placeholder.end;
  }
  runs.push({ text: point.text.slice(from), bracket: false });
  return runs.filter((run) => run.text !== '');
}

/**
 * Runs cut into lines of at most `measure` characters, at spaces (a word longer than a line is cut
 * where the line ends); a line break in the text starts a new line. Each line is a list of runs.
 *
 * @example wrapRuns([{ text: 'a b c', bracket: false }], 3) // [[{ text: 'a b', … }], [{ text: 'c', … }]]
 */
export function wrapRuns(runs: Run[], measure = PRINT_MEASURE): Run[][] {
  const lines: Run[][] = [];
  let line: Run[] = [];
  let length = 0;
  const append = (text: string, bracket: boolean) => {
    const last = line[line.length - 1];
    if (last && last.bracket === bracket) last.text += text;
    else line.push({ text, bracket });
    length += text.length;
  };
  const breakLine = () => {
    lines.push(line);
    line = [];
    length = 0;
  };
  // Words with the spaces before them: a word never starts a line with a space.
  for (const run of runs) {
    const paragraphs = run.text.replace(/\r\n?/g, '\n').split('\n');
    paragraphs.forEach((paragraph, p) => {
      if (p > 0) breakLine();
      for (const match of paragraph.matchAll(/(\s*)(\S+)|(\s+)$/g)) {
        const space = (match[1] ?? match[3] ?? '').replace(/\s+/g, ' ');
        let word = match[2] ?? '';
        if (length > 0 && length + space.length + word.length > measure) breakLine();
        if (length > 0 && space) append(space, run.bracket && !!word);
        while (word.length > measure - length) {
          const room = measure - length;
          append(word.slice(0, room), run.bracket);
          word = word.slice(room);
          breakLine();
        }
        if (word) append(word, run.bracket);
      }
    });
  }
  if (line.length > 0 || lines.length === 0) lines.push(line);
  return lines;
}

function languageName(code: string, inLanguage: string): string {
  try {
    return new Intl.DisplayNames([inLanguage, 'en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

const STYLE = `
@page { size: A4; margin: 24mm 18mm 24mm 16mm; }
* { box-sizing: border-box; }
html { font-family: 'DejaVu Serif', 'Liberation Serif', 'Noto Serif', serif; font-size: 10.5pt; color: #000; }
body { margin: 0; counter-reset: line; }
.cover { border-bottom: 1.5pt solid #000; padding-bottom: 6mm; margin: 0 0 8mm 12mm; }
.cover h1 { font-size: 17pt; margin: 0 0 2mm; }
.cover .version { font-size: 13pt; margin: 0 0 4mm; }
.cover .status { display: inline-block; border: 1pt solid #000; padding: 1mm 3mm; font-weight: bold; margin: 0 0 3mm; }
.cover .status.agreed { background: #e8f3e8; }
.cover dl { display: grid; grid-template-columns: 38mm 1fr; gap: 1mm 4mm; margin: 3mm 0 0; font-size: 9.5pt; }
.cover dt { font-weight: bold; }
.cover dd { margin: 0; overflow-wrap: anywhere; }
.cover .summary { margin: 2mm 0; }
.point { margin: 0 0 5mm; }
.point h2 { font-size: 11pt; margin: 0 0 1.5mm; break-after: avoid; page-break-after: avoid; }
.point .note { font-size: 9pt; font-style: italic; margin: 1mm 0 0; }
.withheld h2 { font-weight: normal; font-style: italic; }
.point h2, .point .note { margin-left: 12mm; }
/* The numbers stand in a gutter inside the page's box: what lies in the page's margin is not printed. */
.lines { position: relative; padding-left: 12mm; }
.ln { counter-increment: line; position: relative; line-height: 1.45; white-space: pre-wrap; break-inside: avoid; }
.ln::before { content: counter(line); position: absolute; left: -12mm; width: 8mm; text-align: right;
  font-family: 'DejaVu Sans', 'Liberation Sans', sans-serif; font-size: 7.5pt; color: #444; line-height: 1.9; }
.br { font-weight: bold; }
`;

/** The status and hash as the running head and foot of every page (Chromium's header and footer templates). */
export function printFrame(input: ExportInput): { header: string; footer: string } {
  const style = "font-family: 'DejaVu Sans', 'Liberation Sans', sans-serif; font-size: 8pt; width: 100%;";
  const hash = input.version.contentHash
    ? `Content hash (SHA-256): ${input.version.contentHash}`
    : 'Content hash withheld: some points are negotiated in a separate format';
  return {
    header: `<div style="${style} margin: 0 18mm 0 28mm; display: flex; justify-content: space-between; gap: 4mm;" lang="${escapeHtml(input.lang)}"><span>${escapeHtml(input.negotiation.title)} — ${escapeHtml(input.version.label)}</span><b style="white-space: nowrap;">${escapeHtml(input.status.label)}</b></div>`,
    footer: `<div style="${style} margin: 0 18mm 0 28mm;"><div style="white-space: nowrap; font-size: 7pt;">${escapeHtml(hash)}</div><div style="text-align: right;">Page <span class="pageNumber"></span> of <span class="totalPages"></span></div></div>`,
  };
}

function renderLines(runs: Run[]): string {
  return wrapRuns(runs)
    .map(
      (line) =>
        `<div class="ln">${line.map((run) => (run.bracket ? `<span class="br">${escapeHtml(run.text)}</span>` : escapeHtml(run.text))).join('') || '&#8203;'}</div>`,
    )
    .join('\n');
}

/**
 * The print page of a version as the reader sees it (`input` is already the reader's view, in
 * `input.lang`): a cover block, then every point in number order, its lines numbered; a point the
 * reader may not see keeps its number only ("Negotiated in a separate format").
 */
export function printPage(input: ExportInput): string {
  const { version, lang } = input;
  const e = escapeHtml;
  const behind = new Map(input.languageBehind.map((entry) => [entry.pointId, entry.behind]));
  const separate = version.separateFormat?.pointNumbers ?? [];
  const entries: ({ point: Point } | { number: number })[] = [
    ...version.points.map((point) => ({ point })),
    ...separate.map((number) => ({ number })),
  ].sort((a, b) => ('point' in a ? a.point.number : a.number) - ('point' in b ? b.point.number : b.number));
  const points = entries.map((entry) => {
    if (!('point' in entry))
      return `<section class="point withheld"><h2>${entry.number}. Negotiated in a separate format</h2></section>`;
    const { point } = entry;
    const late = behind.get(point.id);
    const note = late?.length
      ? `<p class="note">The ${e(languageName(lang, 'en'))} text of this point is behind the ${e(late.map((l) => languageName(l, 'en')).join(', '))}.</p>`
      : '';
    return `<section class="point" id="point-${point.number}"><h2>${point.number}. ${e(point.title)}</h2>\n<div class="lines">\n${renderLines(pointRuns(point))}\n</div>${note}</section>`;
  });
  const languages = input.languages;
  const names = (codes: string[]) => codes.map((code) => languageName(code, 'en')).join(', ');
  const authentic =
    languages.all.length > 1
      ? `<dt>Languages</dt><dd>This text in ${e(languageName(lang, 'en'))}; equally authentic: ${e(names(languages.authentic))}${languages.prevailing ? `; ${e(languageName(languages.prevailing, 'en'))} prevails` : ''}</dd>`
      : '';
  const pointCount = version.points.length + separate.length;
  return `<!DOCTYPE html>
<html lang="${e(lang)}" xml:lang="${e(lang)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${e(input.negotiation.title)} — ${e(version.label)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="cover">
<h1>${e(input.negotiation.title)}</h1>
<p class="version">${e(version.label)}</p>
<p class="status${input.status.agreed ? ' agreed' : ''}">${e(input.status.label)}</p>
${input.negotiation.summary ? `<p class="summary">${e(input.negotiation.summary)}</p>` : ''}
${version.summary ? `<p class="summary">${e(version.summary)}</p>` : ''}
<dl>
<dt>Points</dt><dd>${pointCount}, dated ${e(version.createdAt.slice(0, 10))}</dd>
${input.status.obstacles ? `<dt>Still open</dt><dd>${e(input.status.obstacles)}</dd>` : ''}
${authentic}
<dt>Content hash</dt><dd>${version.contentHash ? `SHA-256 ${e(version.contentHash)}` : 'withheld: some points are negotiated in a separate format'}</dd>
<dt>Printed</dt><dd>${e(input.generatedAt)}</dd>
</dl>
</header>
<main>
${points.join('\n')}
</main>
</body>
</html>
`;
}
