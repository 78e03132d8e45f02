/**
 * A numbered text in, as points: from a Word file (.docx), Markdown or plain text. Recognises the
 * numbering (`1.`, `1)`, `Article 1`, `Point 1 —`, Word's own list numbering), headings as titles,
 * and bracketed language written UN-style (`[a] / [b]`) as a bracket with its alternatives. What it
 * cannot place it says in `notes`. Nothing here is saved: the store makes a version of what it
 * recognised when the person confirms. Every step is one pass over a bounded input.
 */
import { documentProblems, pointsTextLength } from '../core/document.ts';
import { TEXT_LIMITS } from '../core/limits.ts';
import type { Bracket, Point } from '../core/model.ts';
import { DOCX_STYLES, decodeUtf8, readDocx, type DocxParagraph } from './docx-read.ts';
import { FileRefused, IMPORT_LIMITS, megabytes } from './errors.ts';
import type { ImportFile, RecognisedText } from './types.ts';

/** One paragraph of the text, with what its form says it is. */
export interface TextBlock {
  kind: 'title' | 'heading' | 'paragraph' | 'note' | 'cover';
  text: string;
  /** Set where the file numbers the paragraph itself (Word's list numbering): its list level. */
  listLevel?: number | null;
}

/** A kind of file the importer reads: by media type or, for a generic one, by the file name's extension. */
export interface TextImport {
  name: string;
  mediaTypes: string[];
  extensions: string[];
  recognise(file: ImportFile): RecognisedText | Promise<RecognisedText>;
}

export const DOCX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The kinds of file a text is imported from. Each format that reads a text adds one entry. */
export const TEXT_IMPORTS: TextImport[] = [
  {
    name: 'Word (.docx)',
    mediaTypes: [DOCX_MEDIA_TYPE],
    extensions: ['docx'],
    recognise: (file) => recogniseBlocks(blocksFromDocx(readDocx(file.bytes)), file.name),
  },
  {
    name: 'Markdown (.md)',
    mediaTypes: ['text/markdown', 'text/x-markdown'],
    extensions: ['md', 'markdown'],
    recognise: (file) => recogniseBlocks(blocksFromMarkdown(textOf(file)), file.name),
  },
  {
    name: 'plain text (.txt)',
    mediaTypes: ['text/plain'],
    extensions: ['txt', 'text'],
    recognise: (file) => recogniseBlocks(blocksFromPlainText(textOf(file)), file.name),
  },
  {
    name: 'Akoma Ntoso (.akn.xml)',
    mediaTypes: ['application/akn+xml', 'application/xml', 'text/xml'],
    extensions: ['xml', 'akn'],
    async recognise(file) {
      const [{ fromAkomaNtoso, isAkomaNtoso }, { DomainError }] = await Promise.all([
        import('./akn.ts'),
        import('../core/errors.ts'),
      ]);
      if (!isAkomaNtoso(file))
        throw new FileRefused(
          415,
          `${file.name ? `"${file.name}"` : 'The file'} is XML but not Akoma Ntoso (its root element is not akomaNtoso); send an Akoma Ntoso act, bill or doc`,
        );
      try {
        const recognised = fromAkomaNtoso(file.bytes);
        if (recognised.points.length > TEXT_LIMITS.pointsPerVersion)
          throw new FileRefused(
            422,
            `the file has ${recognised.points.length} points, more than the ${TEXT_LIMITS.pointsPerVersion} a version holds; split it`,
          );
        return recognised;
      } catch (error) {
        if (error instanceof DomainError) throw new FileRefused(422, error.message);
        throw error;
      }
    },
  },
];

/** Media types that say only "some bytes": the file name's extension decides. */
const GENERIC_TYPES = new Set(['application/octet-stream', 'binary/octet-stream', '']);

/**
 * What a file holds as a text: its points, title, language and notes. Refuses a file too large
 * (413), of a kind it does not read (415), or one it cannot read (422), each with what to do.
 *
 * @example (await recogniseFile({ bytes, name: 'plan.md', mediaType: 'text/markdown' })).points[0].title // 'Sovereignty'
 */
export async function recogniseFile(file: ImportFile): Promise<RecognisedText> {
  if (file.bytes.length > IMPORT_LIMITS.fileBytes)
    throw new FileRefused(
      413,
      `the file is ${megabytes(file.bytes.length)}, more than the ${megabytes(IMPORT_LIMITS.fileBytes)} Parley reads; split the text into several files`,
    );
  const importer = importerFor(file);
  if (!importer)
    throw new FileRefused(
      415,
      `Parley does not read ${file.mediaType || 'this kind of file'}${file.name ? ` ("${file.name}")` : ''}; send ${TEXT_IMPORTS.map((i) => `${i.name} as ${i.mediaTypes[0]}`).join(', ')}`,
    );
  return withinVersionLimits(await importer.recognise(file));
}

/**
 * A recognised text held to what a version may hold, whatever format it came from: as many points,
 * as much text in each and in all, and every bracket placed once. Checked before anything is saved,
 * so an import that would be refused as a version opens no negotiation either.
 */
function withinVersionLimits(text: RecognisedText): RecognisedText {
  if (text.points.length > TEXT_LIMITS.pointsPerVersion)
    throw new FileRefused(
      422,
      `the file has ${text.points.length} points, more than the ${TEXT_LIMITS.pointsPerVersion} a version holds; split it`,
    );
  const long = text.points.find((point) => point.text.length > TEXT_LIMITS.pointText);
  if (long)
    throw new FileRefused(
      422,
      `point ${long.number} is longer than ${TEXT_LIMITS.pointText.toLocaleString('en')} characters; split it into several points`,
    );
  const total = pointsTextLength(text.points);
  if (total > TEXT_LIMITS.versionText)
    throw new FileRefused(
      422,
      `the text holds ${total.toLocaleString('en')} characters, more than the ${TEXT_LIMITS.versionText.toLocaleString('en')} a version holds; split it`,
    );
  const problem = documentProblems(text.points)[0];
  if (problem) throw new FileRefused(422, `the file's points cannot make a version: ${problem.message}`);
  return text;
}

/** The importer for a file: by its media type, or by its name's extension where the type says nothing. */
export function importerFor(file: Pick<ImportFile, 'name' | 'mediaType'>): TextImport | undefined {
  const mediaType = file.mediaType.split(';')[0]!.trim().toLowerCase();
  const byType = TEXT_IMPORTS.find((i) => i.mediaTypes.includes(mediaType));
  if (byType || !GENERIC_TYPES.has(mediaType)) return byType;
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? '';
  return TEXT_IMPORTS.find((i) => i.extensions.includes(extension));
}

function textOf(file: ImportFile): string {
  return decodeUtf8(file.bytes, file.name ? `"${file.name}"` : 'the file').replace(/^\uFEFF/, '');
}

/** A Word file's paragraphs as blocks: its Title, headings, Parley's own cover and notes, and the rest. */
export function blocksFromDocx(paragraphs: DocxParagraph[]): TextBlock[] {
  return paragraphs
    .filter((p) => p.text.trim() !== '')
    .map((p): TextBlock => {
      const style = p.style.toLowerCase();
      const kind: TextBlock['kind'] =
        p.style === DOCX_STYLES.cover
          ? 'cover'
          : p.style === DOCX_STYLES.note
            ? 'note'
            : style === 'title'
              ? 'title'
              : /^heading\d$|^berschrift\d$|^titre\d$/.test(style)
                ? 'heading'
                : 'paragraph';
      return { kind, text: p.text.replace(/\t/g, ' '), listLevel: p.listLevel };
    });
}

/** Markdown's paragraphs as blocks: `#` the title, `##`… headings, blank lines between paragraphs. */
export function blocksFromMarkdown(text: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  let lines: string[] = [];
  const flush = () => {
    if (lines.length > 0) blocks.push({ kind: 'paragraph', text: lines.join('\n') });
    lines = [];
  };
  let seenTitle = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const heading = /^(#{1,6})[ \t]+/.exec(line);
    if (heading) {
      flush();
      const title: boolean = heading[1]!.length === 1 && !seenTitle;
      seenTitle ||= title;
      // The closing hashes a heading may end with are not its words.
      let end = line.length;
      while (end > heading[0].length && ' \t#'.includes(line[end - 1]!)) end -= 1;
      blocks.push({ kind: title ? 'title' : 'heading', text: unemphasised(line.slice(heading[0].length, end)) });
    } else if (line.trim() === '') flush();
    else lines.push(line);
  }
  flush();
  return blocks;
}

/** Plain text's paragraphs as blocks, separated by blank lines; a numbered line starts a new one. */
export function blocksFromPlainText(text: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  let lines: string[] = [];
  const flush = () => {
    if (lines.length > 0) blocks.push({ kind: 'paragraph', text: lines.join('\n') });
    lines = [];
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line.trim() === '') flush();
    else {
      if (pointStart(line) && lines.length > 0) flush();
      lines.push(line);
    }
  }
  flush();
  return blocks;
}

function unemphasised(text: string): string {
  const match = /^(\*\*|__|\*|_)(.+)\1$/.exec(text.trim());
  return match ? match[2]!.trim() : text.trim();
}

const KEYWORD = /^(?:article|art\.|point|section|clause|§)[ \t]*(\d{1,4})\b[ \t]*(?:[.:)]|[—–-])?[ \t]*/i;
const NUMBERED = /^(\d{1,4})[.)](?:[ \t]+|$)/;

/** Where a paragraph starts a numbered point: its number and what follows the number. */
function pointStart(text: string): { number: number; rest: string } | null {
  const match = KEYWORD.exec(text) ?? NUMBERED.exec(text);
  if (!match) return null;
  return { number: Number(match[1]), rest: text.slice(match[0].length).trim() };
}

/** A short line that ends without a sentence's punctuation reads as a title. */
function readsAsTitle(text: string): boolean {
  return text.length > 0 && text.length <= 150 && !text.includes('\n') && !/[.;:!?,]$/.test(text);
}

interface Draft {
  number: number;
  title: string;
  paragraphs: string[];
}

/**
 * The points of a text given as blocks: each numbered block starts one, a heading's rest is its
 * title, the paragraphs up to the next its text; brackets recognised in the text. The notes say what
 * was left out or changed.
 */
export function recogniseBlocks(blocks: TextBlock[], fileName = ''): RecognisedText {
  const notes: string[] = [];
  const drafts: Draft[] = [];
  let title = '';
  const preamble: string[] = [];
  let parleyNotes = 0;
  let coverSeen = false;
  let positionsSkipped = 0;
  let skippingPositions = false;
  let listCounter = 0;
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index]!;
    const text = block.text.trim();
    if (!text) continue;
    if (block.kind === 'cover') {
      coverSeen = true;
      continue;
    }
    if (block.kind === 'note') {
      parleyNotes += 1;
      continue;
    }
    let start = pointStart(text);
    // A paragraph Word numbers itself carries no number in its text: it counts in its list.
    if (!start && block.listLevel === 0) start = { number: listCounter + 1, rest: text };
    if (start && block.listLevel === 0) listCounter = start.number;
    if (start) {
      skippingPositions = false;
      let pointTitle = '';
      const paragraphs: string[] = [];
      const rest = block.kind === 'paragraph' ? start.rest : unemphasised(start.rest);
      if (block.kind === 'heading' || block.kind === 'title') pointTitle = rest;
      else if (rest.includes('\n') && readsAsTitle(rest.split('\n')[0]!.trim())) {
        const [first, ...others] = rest.split('\n');
        pointTitle = first!.trim();
        paragraphs.push(others.join('\n'));
      } else if (rest === '') {
        const next = blocks[index + 1];
        if (next && next.kind !== 'note' && readsAsTitle(next.text.trim()) && !pointStart(next.text.trim())) {
          pointTitle = next.text.trim();
          index += 1;
        }
      } else if (readsAsTitle(rest) && blocks[index + 1] && !pointStart(blocks[index + 1]!.text.trim()))
        pointTitle = rest;
      else paragraphs.push(rest);
      drafts.push({ number: start.number, title: pointTitle, paragraphs });
      continue;
    }
    const current = drafts.at(-1);
    if (!current) {
      if (!title && (block.kind === 'title' || block.kind === 'heading')) title = text;
      else preamble.push(text);
      continue;
    }
    // Parley's own Markdown lists the positions under a point: they are not the text.
    if (text === 'Positions:') {
      skippingPositions = true;
      continue;
    }
    if (skippingPositions && /^- \*\*/.test(text)) {
      positionsSkipped += text.split('\n').filter((line) => line.startsWith('- **')).length;
      continue;
    }
    skippingPositions = false;
    if (block.kind === 'heading' || block.kind === 'title')
      notes.push(
        `The heading “${shorten(text)}” has no number: it and the text under it are kept in point ${current.number}.`,
      );
    current.paragraphs.push(text);
  }
  if (drafts.length === 0)
    throw new FileRefused(
      422,
      `no numbered point was found in ${fileName ? `"${fileName}"` : 'the file'}: number the points as "1.", "2." … or "Article 1", "Article 2" … at the start of a paragraph or heading`,
    );
  if (drafts.length > TEXT_LIMITS.pointsPerVersion)
    throw new FileRefused(
      422,
      `the file has ${drafts.length} points, more than the ${TEXT_LIMITS.pointsPerVersion} a version holds; split it`,
    );
  if (coverSeen) notes.push('The cover page Parley wrote was left out.');
  if (parleyNotes > 0) notes.push(`${parleyNotes} notes Parley added under points (tracks, positions) were left out.`);
  if (positionsSkipped > 0) notes.push(`${positionsSkipped} positions listed under points were left out.`);
  const before = preamble.filter((p) => !/^_\d+ points, dated [\d-]+\._$/.test(p));
  if (before.length > 0)
    notes.push(
      `${before.length} paragraph${before.length > 1 ? 's' : ''} before point ${drafts[0]!.number} ${before.length > 1 ? 'were' : 'was'} left out: “${shorten(before[0]!)}”${before.length > 1 ? ' …' : ''}`,
    );
  const numbers = drafts.map((d) => d.number);
  if (numbers.some((n, i) => n !== i + 1))
    notes.push(
      `The file numbers its points ${listed(numbers)}; they are numbered 1 to ${drafts.length} in the order they come.`,
    );
  const points = drafts.map((draft, index) => pointOf(draft, index + 1, notes));
  const total = points.reduce(
    (sum, p) =>
      sum +
      p.title.length +
      p.text.length +
      p.brackets.reduce((s, b) => s + b.alternatives.reduce((t, a) => t + a.text.length, 0), 0),
    0,
  );
  if (total > TEXT_LIMITS.versionText)
    throw new FileRefused(
      422,
      `the text holds ${total.toLocaleString('en')} characters, more than the ${TEXT_LIMITS.versionText.toLocaleString('en')} a version holds; split it`,
    );
  const fallback = fileName.replace(/\.[a-z0-9]+$/i, '').trim();
  let named = title || fallback || 'Imported text';
  if (named.length > TEXT_LIMITS.labelLength) {
    notes.push(`The title is longer than ${TEXT_LIMITS.labelLength} characters; it is cut there.`);
    named = named.slice(0, TEXT_LIMITS.labelLength).trimEnd();
  }
  return { title: named, points, lang: 'en', notes };
}

function pointOf(draft: Draft, number: number, notes: string[]): Point {
  const id = `pt-${number}`;
  let text = draft.paragraphs.join('\n').trim();
  if (text.includes('[['))
    notes.push(`Point ${number} holds “[[”, which Parley keeps for its brackets' places; it reads “[ [” here.`);
  text = text.replace(/\[\[/g, '[ [').replace(/\]\]/g, '] ]');
  const { text: withPlaceholders, brackets, single } = bracketsOf(text, number);
  if (single > 0)
    notes.push(
      `Point ${number} has ${single === 1 ? 'a bracketed phrase' : `${single} bracketed phrases`} with no alternative (“[…]” alone); kept as text. Write “[a] / [b]” for a bracket with alternatives.`,
    );
  if (!draft.title) notes.push(`Point ${number} has no title.`);
  if (draft.title.length > 500)
    throw new FileRefused(422, `the title of point ${number} is longer than 500 characters: “${shorten(draft.title)}”`);
  if (withPlaceholders.length > TEXT_LIMITS.pointText)
    throw new FileRefused(
      422,
      `point ${number} (“${shorten(draft.title || text)}”) is longer than ${TEXT_LIMITS.pointText.toLocaleString('en')} characters; split it into several points`,
    );
  if (brackets.length > TEXT_LIMITS.bracketsPerPoint)
    throw new FileRefused(
      422,
      `point ${number} has ${brackets.length} brackets, more than the ${TEXT_LIMITS.bracketsPerPoint} a point holds`,
    );
  const crowded = brackets.find((b) => b.alternatives.length > TEXT_LIMITS.alternativesPerBracket);
  if (crowded)
    throw new FileRefused(
      422,
      `a bracket of point ${number} has ${crowded.alternatives.length} alternatives, more than the ${TEXT_LIMITS.alternativesPerBracket} a bracket holds`,
    );
  return { id, number, title: draft.title, text: withPlaceholders, brackets, issueIds: [], trackId: null };
}

/** Two or more `[…]` joined by slashes: one bracket. Sticky and without nesting, so linear. */
const BRACKET_GROUP = /\[[^[\]\n]*\](?:[ \t]*\/[ \t]*\[[^[\]\n]*\])+/g;
const ALTERNATIVE = /\[([^[\]\n]*)\]/g;
const SINGLE = /\[[^[\]\n]*\]/g;

/** A text's brackets written UN-style, as brackets with alternatives and their placeholders. */
export function bracketsOf(text: string, pointNumber: number): { text: string; brackets: Bracket[]; single: number } {
  const brackets: Bracket[] = [];
  const replaced = text.replace(BRACKET_GROUP, (group) => {
    const id = `br-${pointNumber}-${brackets.length + 1}`;
    const alternatives = [...group.matchAll(ALTERNATIVE)].map((m) => ({ text: m[1]!.trim(), proposedBy: [] }));
    brackets.push({ id, alternatives });
    return `[[${id}]]`;
  });
  const single = (replaced.replace(/\[\[[^\]\s]+\]\]/g, '').match(SINGLE) ?? []).length;
  return { text: replaced, brackets, single };
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

function listed(numbers: number[]): string {
  const shown = numbers.slice(0, 12).join(', ');
  return numbers.length > 12 ? `${shown} …` : shown;
}
