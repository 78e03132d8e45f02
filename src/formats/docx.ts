/**
 * A version as a Word file (.docx): a cover (the negotiation, the version, where the text stands,
 * its date and content hash), the numbered points with their titles, brackets highlighted with their
 * alternatives, points of a separate track marked; and a comparison of two versions as Word's own
 * revision marks (`w:ins` / `w:del`), each change signed by the party that brought it where the
 * reader may know it, so Word and LibreOffice show it as tracked changes.
 */
import {
  DeletedTextRun,
  Document,
  HeadingLevel,
  InsertedTextRun,
  Packer,
  PageBreak,
  Paragraph,
  TextRun,
  type ParagraphChild,
} from 'docx';
import { compareVersions, wordDiff, type WordChange } from '../core/compare.ts';
import { findPlaceholders, renderPointText } from '../core/document.ts';
import type { Id, Point, Position } from '../core/model.ts';
import { DOCX_STYLES } from './docx-read.ts';
import type { ExportInput } from './types.ts';

/** The revision author where the reader may not know who brought a change. */
export const UNKNOWN_AUTHOR = 'Parley';

const STANCE_WORDS: Record<Position['stance'], string> = {
  support: 'supports',
  amend: 'amends',
  oppose: 'opposes',
  red_line: 'red line',
};

/** The .docx file of `input`: the version, or its comparison with `input.compareWith` as tracked changes. */
export async function versionDocx(input: ExportInput): Promise<Uint8Array> {
  const body = input.compareWith ? comparisonBody(input) : textBody(input);
  const document = new Document({
    title: `${input.negotiation.title} — ${input.version.label}`,
    creator: 'Parley',
    description: `${input.status.label}. Content hash ${input.version.contentHash ?? 'withheld'}.`,
    features: { trackRevisions: input.compareWith !== null },
    styles: {
      paragraphStyles: [
        { id: DOCX_STYLES.cover, name: 'Parley cover', basedOn: 'Normal', run: { size: 24 } },
        { id: DOCX_STYLES.note, name: 'Parley note', basedOn: 'Normal', run: { italics: true, color: '555555' } },
      ],
    },
    sections: [{ children: [...cover(input), ...body] }],
  });
  // The file's own dates are the time handed in, not the clock of the machine that makes it.
  const buffer = await Packer.toBuffer(document, false, [{ path: 'docProps/core.xml', data: coreXml(input) }]);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function coreXml(input: ExportInput): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const at = input.generatedAt.replace(/\.\d+Z$/, 'Z');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${escape(`${input.negotiation.title} — ${input.version.label}`)}</dc:title>` +
    `<dc:creator>Parley</dc:creator><dc:language>${escape(input.lang)}</dc:language>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${escape(at)}</dcterms:created>` +
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${escape(at)}</dcterms:modified>` +
    '</cp:coreProperties>'
  );
}

function cover(input: ExportInput): Paragraph[] {
  const { version } = input;
  const line = (text: string, bold = false) =>
    new Paragraph({ style: DOCX_STYLES.cover, children: [new TextRun({ text, bold })] });
  const lines = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(input.negotiation.title)] }),
    line(input.compareWith ? `${input.compareWith.label} → ${version.label}` : version.label, true),
    line(input.status.label, true),
  ];
  if (input.status.obstacles && !input.status.agreed) lines.push(line(input.status.obstacles));
  lines.push(line(`Dated ${version.createdAt.slice(0, 10)}`));
  lines.push(line(`Content hash: ${version.contentHash ?? 'withheld (points negotiated in a separate format)'}`));
  const authentic = input.languages.authentic.includes(input.lang) ? ', authentic' : '';
  lines.push(line(`Language: ${input.lang}${authentic}`));
  if (input.compareWith)
    lines.push(
      line(
        `The changes from “${input.compareWith.label}” are shown as tracked changes, each with the party that made it where known.`,
      ),
    );
  if (version.summary) lines.push(line(version.summary));
  lines.push(line(`Made ${input.generatedAt.slice(0, 16).replace('T', ' ')} UTC`));
  lines.push(new Paragraph({ children: [new PageBreak()] }));
  return lines;
}

function heading(number: number | ParagraphChild, children: ParagraphChild[]): Paragraph {
  return new Paragraph({
    heading: HeadingLevel.HEADING_2,
    children: [typeof number === 'number' ? new TextRun(`${number}. `) : number, ...children],
  });
}

function note(text: string): Paragraph {
  return new Paragraph({ style: DOCX_STYLES.note, children: [new TextRun(text)] });
}

/** The points in order, with the numbers of those negotiated in a format the reader is not part of. */
function textBody(input: ExportInput): Paragraph[] {
  const { version } = input;
  const separate = version.separateFormat?.pointNumbers ?? [];
  const entries: ({ point: Point } | { number: number })[] = [
    ...version.points.map((point) => ({ point })),
    ...separate.map((number) => ({ number })),
  ];
  const numberOf = (entry: (typeof entries)[number]) => ('point' in entry ? entry.point.number : entry.number);
  entries.sort((a, b) => numberOf(a) - numberOf(b));
  const out: Paragraph[] = [];
  for (const entry of entries) {
    if (!('point' in entry)) {
      out.push(heading(entry.number, [new TextRun({ text: 'Negotiated in a separate format', italics: true })]));
      continue;
    }
    const { point } = entry;
    out.push(heading(point.number, [new TextRun(point.title)]));
    const marks = pointMarks(input, point);
    if (marks) out.push(note(marks));
    out.push(...pointParagraphs(point));
    out.push(...positionNotes(input, point.id));
  }
  return out;
}

/** What a point's heading does not say: its track, a translation behind. */
function pointMarks(input: ExportInput, point: Point): string {
  const marks: string[] = [];
  if (point.trackId) {
    const track = input.tracks.find((t) => t.id === point.trackId);
    const among = track?.partyIds.map((id) => partyName(input, id)).join(', ');
    marks.push(`Track point: negotiated in “${track?.name ?? 'a separate track'}”${among ? ` among ${among}` : ''}.`);
  }
  const behind = input.languageBehind.find((b) => b.pointId === point.id);
  if (behind && behind.behind.length > 0)
    marks.push(`The ${input.lang} text of this point is behind the ${behind.behind.join(', ')} text.`);
  return marks.join(' ');
}

/** A point's text in paragraphs, each bracket's alternatives highlighted: `[a] / [b]`. */
function pointParagraphs(point: Pick<Point, 'text' | 'brackets'>): Paragraph[] {
  const brackets = new Map(point.brackets.map((bracket) => [bracket.id, bracket]));
  const paragraphs: ParagraphChild[][] = [[]];
  const plain = (text: string) =>
    text.split('\n').forEach((line, index) => {
      if (index > 0) paragraphs.push([]);
      if (line) paragraphs.at(-1)!.push(new TextRun(line));
    });
  let from = 0;
  for (const placeholder of findPlaceholders(point.text)) {
    const bracket = brackets.get(placeholder.id);
    if (!bracket) continue;
    plain(point.text.slice(from, placeholder.start));
    bracket.alternatives.forEach((alternative, index) => {
      if (index > 0) paragraphs.at(-1)!.push(new TextRun(' / '));
      paragraphs.at(-1)!.push(new TextRun({ text: `[${alternative.text.replace(/\n/g, ' ')}]`, highlight: 'yellow' }));
    });
    from = placeholder.end;
  }
  plain(point.text.slice(from));
  return paragraphs.filter((children) => children.length > 0).map((children) => new Paragraph({ children }));
}

function positionNotes(input: ExportInput, pointId: Id): Paragraph[] {
  const onPoint = input.positions
    .filter((p) => p.pointId === pointId)
    .sort((a, b) => partyName(input, a.partyId).localeCompare(partyName(input, b.partyId)));
  return onPoint.map((position) => {
    const wording = position.proposedText ? ` — proposes: “${position.proposedText}”` : '';
    const rationale = position.rationale ? `: ${position.rationale}` : '';
    const shown =
      position.visibility === 'public'
        ? ''
        : position.visibility === 'party'
          ? ' (internal)'
          : ' (shared with the mediators)';
    return note(`${partyName(input, position.partyId)} ${STANCE_WORDS[position.stance]}${wording}${rationale}${shown}`);
  });
}

function partyName(input: ExportInput, partyId: Id): string {
  return input.parties.find((p) => p.id === partyId)?.name ?? 'a party no longer at the table';
}

/**
 * The comparison of `input.compareWith` (before) with `input.version` (after), point by point, every
 * change a Word revision: inserted and deleted runs with their author and the date of the later text.
 */
function comparisonBody(input: ExportInput): Paragraph[] {
  const before = input.compareWith!;
  const after = input.version;
  const comparison = compareVersions(before.points, after.points);
  const afterById = new Map(after.points.map((p) => [p.id, p]));
  const beforeById = new Map(before.points.map((p) => [p.id, p]));
  const revisions = new Revisions(input);
  const out: Paragraph[] = [];
  for (const compared of comparison.points) {
    const next = afterById.get(compared.pointId);
    const previous = beforeById.get(compared.pointId);
    const author = revisions.authorOf(next ?? null);
    if (compared.kinds.includes('added') && next) {
      out.push(
        heading(revisions.inserted(`${next.number}. `, author(0, 'title')), [
          revisions.inserted(next.title, author(0, 'title')),
        ]),
      );
      out.push(
        ...splitParagraphs([{ kind: 'added', text: renderPointText(next) }], revisions, (at) => author(at, 'text')),
      );
      continue;
    }
    if (!next && previous) {
      const deleter = revisions.unattributed();
      // The whole point goes, its number too: the file read as it stands now is the later text.
      out.push(
        heading(revisions.deleted(`${previous.number}. `, deleter), [revisions.deleted(previous.title, deleter)]),
      );
      out.push(...splitParagraphs([{ kind: 'removed', text: renderPointText(previous) }], revisions, () => deleter));
      continue;
    }
    if (!next) continue;
    const titleChanges =
      compared.baseTitle !== null && compared.baseTitle !== next.title
        ? wordDiff(compared.baseTitle, next.title)
        : [{ kind: 'same' as const, text: next.title }];
    out.push(
      heading(
        next.number,
        changeRuns(titleChanges, revisions, (at) => author(at, 'title')),
      ),
    );
    const marks = [pointMarks(input, next)];
    if (compared.kinds.includes('moved') && previous) marks.push(`Moved from point ${previous.number}.`);
    if (compared.from && compared.kinds.some((k) => k === 'merged' || k === 'split'))
      marks.push(
        `${compared.kinds.includes('merged') ? 'Merged from' : 'Split from'} point${compared.from.length > 1 ? 's' : ''} ${compared.from.map((id) => beforeById.get(id)?.number ?? '?').join(', ')}.`,
      );
    if (marks.join('')) out.push(note(marks.filter(Boolean).join(' ')));
    const words = compared.words ?? [{ kind: 'same' as const, text: renderPointText(next) }];
    out.push(...splitParagraphs(words, revisions, (at) => author(at, 'text')));
  }
  const separate = after.separateFormat?.pointNumbers ?? [];
  if (separate.length > 0)
    out.push(note(`Points ${separate.join(', ')} are negotiated in a separate format: not compared here.`));
  return out;
}

type AuthorAt = (renderedOffset: number, field: 'title' | 'text') => string;

/** The revision runs of a diff, the author of each insertion found at its place in the later text. */
function changeRuns(changes: WordChange[], revisions: Revisions, author: (at: number) => string): ParagraphChild[] {
  const runs: ParagraphChild[] = [];
  let at = 0;
  changes.forEach((change, index) => {
    if (!change.text) return;
    if (change.kind === 'same') runs.push(new TextRun(change.text));
    else if (change.kind === 'added') runs.push(revisions.inserted(change.text, author(at)));
    else {
      // A deletion is signed by whoever wrote what replaced it, where known; else by Parley.
      const replacement = changes[index + 1]?.kind === 'added' ? author(at) : revisions.unattributed();
      runs.push(revisions.deleted(change.text, replacement));
    }
    if (change.kind !== 'removed') at += change.text.length;
  });
  return runs;
}

/** A diff split into paragraphs at its line breaks, each paragraph's runs with their revision marks. */
function splitParagraphs(changes: WordChange[], revisions: Revisions, author: (at: number) => string): Paragraph[] {
  const paragraphs: WordChange[][] = [[]];
  const offsets: number[] = [0];
  let at = 0;
  for (const change of changes) {
    change.text.split('\n').forEach((line, index) => {
      if (index > 0) {
        if (change.kind !== 'removed') at += 1;
        paragraphs.push([]);
        offsets.push(at);
      }
      if (line) paragraphs.at(-1)!.push({ kind: change.kind, text: line });
      if (change.kind !== 'removed') at += line.length;
    });
  }
  return paragraphs
    .map((words, index) => ({ words, start: offsets[index]! }))
    .filter(({ words }) => words.length > 0)
    .map(({ words, start }) => new Paragraph({ children: changeRuns(words, revisions, (at) => author(start + at)) }));
}

/** Revision ids, dates and authors for one comparison. */
class Revisions {
  private next = 1;
  private readonly date: string;
  constructor(private readonly input: ExportInput) {
    this.date = input.version.createdAt.replace(/\.\d+Z$/, 'Z');
  }

  inserted(text: string, author: string): InsertedTextRun {
    return new InsertedTextRun({ text, id: this.next++, author, date: this.date });
  }

  deleted(text: string, author: string): DeletedTextRun {
    return new DeletedTextRun({ text, id: this.next++, author, date: this.date });
  }

  /**
   * The author of a change provenance does not attribute, or attributes to no party the reader may
   * know: Parley, never a guess (the later text's author party did not necessarily write it).
   */
  unattributed(): string {
    return UNKNOWN_AUTHOR;
  }

  /**
   * Who wrote the character at an offset of a point's rendered title or text in the later version:
   * the party of its provenance span where the reader may know it (provenance covers the drafting
   * language only), else Parley.
   */
  authorOf(point: Point | null): AuthorAt {
    const spans = point ? this.input.provenance?.[point.id] : undefined;
    if (!point || !spans || this.input.lang !== this.input.languages.drafting) return () => this.unattributed();
    const textOffsets = renderedOffsets(point);
    return (at, field) => {
      const raw = field === 'title' ? at : (textOffsets[Math.min(at, textOffsets.length - 1)] ?? 0);
      const span = spans[field].find((s) => s.start <= raw && raw < s.end);
      return span?.partyId ? partyName(this.input, span.partyId) : this.unattributed();
    };
  }
}

/** For each character of a point's rendered text, its offset in the stored text (a bracket: its placeholder's). */
function renderedOffsets(point: Pick<Point, 'text' | 'brackets'>): number[] {
  const brackets = new Map(point.brackets.map((bracket) => [bracket.id, bracket]));
  const offsets: number[] = [];
  let from = 0;
  for (const placeholder of findPlaceholders(point.text)) {
    const bracket = brackets.get(placeholder.id);
    if (!bracket) continue;
    for (let i = from; i < placeholder.start; i++) offsets.push(i);
    const width = bracket.alternatives.map((a) => `[${a.text}]`).join(' / ').length;
    for (let i = 0; i < width; i++) offsets.push(placeholder.start);
    from = placeholder.end;
  }
  for (let i = from; i < point.text.length; i++) offsets.push(i);
  offsets.push(point.text.length);
  return offsets;
}
