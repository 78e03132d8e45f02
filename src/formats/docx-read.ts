/**
 * Reads the paragraphs of a Word file (.docx): each with its style and its text as it reads now
 * (insertions kept, deletions left out), the highlighted runs marked. Bounded before anything grows:
 * the file's size, the number of its entries, the bytes its parts inflate to (a zip bomb is stopped
 * as it inflates, not after), XML with a document type or entity declarations refused before it is
 * read, nesting depth bounded; one pass over the XML.
 */
import { Unzip, UnzipInflate } from 'fflate';
import { FileRefused, IMPORT_LIMITS, megabytes } from './errors.ts';

/** One paragraph of a Word file. */
export interface DocxParagraph {
  /** The paragraph style's id (`Heading2`, `Title`, `ParleyNote`), or '' for none. */
  style: string;
  /** The list level of a paragraph Word numbers itself (`w:numPr`; 0 the outermost), or null. */
  listLevel: number | null;
  /** The paragraph's text, its runs joined. */
  text: string;
  /** The runs of the text in order, with whether each is highlighted. */
  runs: { text: string; highlighted: boolean }[];
}

const DOCUMENT_PART = 'word/document.xml';

/** The paragraph styles a Parley file marks its own words with (`docx.ts`), so an import can leave them out. */
export const DOCX_STYLES = { cover: 'ParleyCover', note: 'ParleyNote' } as const;

/** The paragraphs of a .docx, in order. */
export function readDocx(bytes: Uint8Array): DocxParagraph[] {
  if (bytes.length > IMPORT_LIMITS.fileBytes)
    throw new FileRefused(413, `the file is larger than ${megabytes(IMPORT_LIMITS.fileBytes)}; split the text`);
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b)
    throw new FileRefused(422, 'the file is not a Word document (.docx is a zip archive, and this is none)');
  const xml = unzipPart(bytes, DOCUMENT_PART);
  return paragraphsOf(decodeUtf8(xml, DOCUMENT_PART));
}

/** One part of a zip archive, inflated under the limits; the others are counted, never inflated. */
function unzipPart(bytes: Uint8Array, wanted: string): Uint8Array {
  let entries = 0;
  let inflated = 0;
  let chunks: Uint8Array[] | null = null;
  let done = false;
  let refusal: FileRefused | null = null;
  const unzip = new Unzip((file) => {
    entries += 1;
    if (entries > IMPORT_LIMITS.zipEntries) {
      refusal ??= new FileRefused(
        422,
        `the archive holds more than ${IMPORT_LIMITS.zipEntries} entries; a Word document holds a few dozen`,
      );
      return;
    }
    if (file.name !== wanted) return;
    if (chunks !== null) {
      // Word reads the archive's directory, this reader the entries in order: with two parts of one
      // name they could show different texts, so such a file is refused.
      refusal ??= new FileRefused(
        422,
        `the archive holds ${wanted} twice; a Word document holds each part once (save it again from Word)`,
      );
      return;
    }
    chunks = [];
    const into = chunks;
    file.ondata = (error, chunk, final) => {
      if (refusal) return;
      if (error) {
        refusal = new FileRefused(
          422,
          `the Word document is damaged (${DOCUMENT_PART} does not inflate: ${error.message})`,
        );
        return;
      }
      inflated += chunk.length;
      if (inflated > IMPORT_LIMITS.unzippedBytes) {
        refusal = new FileRefused(
          413,
          `the Word document's text inflates to more than ${megabytes(IMPORT_LIMITS.unzippedBytes)}; it is refused as a zip bomb would be`,
        );
        file.terminate();
        return;
      }
      into.push(chunk);
      if (final) done = true;
    };
    try {
      file.start();
    } catch {
      refusal = new FileRefused(
        422,
        `the Word document's text is stored with a compression Parley does not read (method ${file.compression})`,
      );
    }
  });
  unzip.register(UnzipInflate);
  // Fed in small slices, so no one slice can inflate to more than a bounded amount before it is counted.
  const SLICE = 16 * 1024;
  try {
    for (let at = 0; at < bytes.length && !refusal; at += SLICE)
      unzip.push(bytes.subarray(at, Math.min(at + SLICE, bytes.length)), at + SLICE >= bytes.length);
  } catch (error) {
    if (!refusal)
      refusal = new FileRefused(422, `the file is not a readable zip archive (${(error as Error).message})`);
  }
  if (refusal) throw refusal as FileRefused;
  if (chunks === null || !done)
    throw new FileRefused(422, `the file is a zip archive but no Word document: it has no ${DOCUMENT_PART}`);
  const parts = chunks as Uint8Array[];
  const out = new Uint8Array(inflated);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** UTF-8 text, or a clear refusal: a malformed byte is never replaced silently. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FileRefused(422, `${what} is not valid UTF-8; save it as UTF-8 text and send it again`);
  }
}

/** Refuses XML that declares a document type or entities: no entity is ever expanded. */
export function refuseDeclarations(xml: string, what: string): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new FileRefused(
      422,
      `${what} declares a document type or entities (<!DOCTYPE, <!ENTITY>), which Parley refuses: entities can expand without bound or read other files`,
    );
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML character data with its five entities and character references written out. */
export function unescapeXml(text: string, what: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{1,8});/g, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || code === 0)
        throw new FileRefused(422, `${what} holds a character reference to no character (${whole})`);
      return String.fromCodePoint(code);
    }
    const known = ENTITIES[name];
    if (known === undefined) throw new FileRefused(422, `${what} refers to an entity it does not define (${whole})`);
    return known;
  });
}

/** One tag at a place: its closing slash, name, attributes and self-closing slash (sticky: bounded by the tag). */
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
/** Comments, CDATA and processing instructions: where each ends. */
const SKIPPED: [string, string][] = [
  ['<!--', '-->'],
  ['<![CDATA[', ']]>'],
  ['<?', '?>'],
];

/**
 * The paragraphs of WordprocessingML, read in one pass of its tags: `w:p` paragraphs, their style
 * (`w:pStyle`), text (`w:t`, tabs and breaks), highlighting (`w:highlight`); deleted text
 * (`w:delText`) and field instructions left out. Nesting deeper than the limit is refused. Each
 * character is looked at a bounded number of times, whatever the file holds.
 */
export function paragraphsOf(xml: string): DocxParagraph[] {
  refuseDeclarations(xml, DOCUMENT_PART);
  const notWellFormed = (why: string) => new FileRefused(422, `${DOCUMENT_PART} is not well-formed XML (${why})`);
  const paragraphs: DocxParagraph[] = [];
  const stack: string[] = [];
  let paragraph: DocxParagraph | null = null;
  let highlighted = false;
  let inText = false;
  let textStart = 0;
  for (let at = xml.indexOf('<'); at !== -1;) {
    const skipped = SKIPPED.find(([open]) => xml.startsWith(open, at));
    if (skipped) {
      const end = xml.indexOf(skipped[1], at + skipped[0].length);
      if (end === -1) throw notWellFormed(`"${skipped[0]}" is never closed`);
      if (skipped[0] === '<![CDATA[' && inText && paragraph)
        addText(paragraph, xml.slice(at + skipped[0].length, end), highlighted);
      at = xml.indexOf('<', end + skipped[1].length);
      continue;
    }
    TAG.lastIndex = at;
    const match = TAG.exec(xml);
    if (!match) throw notWellFormed(`a "<" that opens no tag, near character ${at}`);
    const [, closing, name = '', attributes = '', selfClosing] = match;
    const next = TAG.lastIndex;
    if (inText && paragraph && (closing || name !== 'w:t')) {
      // Text runs up to the tag that ends it.
      addText(paragraph, unescapeXml(xml.slice(textStart, at), DOCUMENT_PART), highlighted);
      textStart = next;
    }
    at = xml.indexOf('<', next);
    if (closing) {
      const open = stack.pop();
      if (open !== undefined && open !== name) throw notWellFormed(`</${name}> closes <${open}>`);
      if (open === undefined) throw notWellFormed(`</${name}> closes nothing`);
      if (name === 'w:t') {
        inText = false;
      } else if (name === 'w:p' && paragraph) {
        paragraph.text = paragraph.runs.map((r) => r.text).join('');
        paragraphs.push(paragraph);
        paragraph = null;
      } else if (name === 'w:r') highlighted = false;
      continue;
    }
    if (!selfClosing) {
      stack.push(name);
      if (stack.length > IMPORT_LIMITS.xmlDepth)
        throw new FileRefused(
          422,
          `${DOCUMENT_PART} nests elements more than ${IMPORT_LIMITS.xmlDepth} deep; a Word document does not`,
        );
    }
    switch (name) {
      case 'w:p':
        if (!selfClosing) paragraph = { style: '', listLevel: null, text: '', runs: [] };
        break;
      case 'w:pStyle':
        if (paragraph) paragraph.style = attribute(attributes, 'w:val') ?? '';
        break;
      case 'w:r':
        highlighted = false;
        break;
      case 'w:numPr':
        if (paragraph && stack.includes('w:pPr')) paragraph.listLevel ??= 0;
        break;
      case 'w:ilvl':
        if (paragraph && stack.includes('w:numPr'))
          paragraph.listLevel = Number(attribute(attributes, 'w:val') ?? 0) || 0;
        break;
      case 'w:highlight':
        highlighted = (attribute(attributes, 'w:val') ?? 'none') !== 'none';
        break;
      case 'w:t':
        if (!selfClosing) {
          inText = true;
          textStart = next;
        }
        break;
      case 'w:tab':
        if (paragraph && stack.includes('w:r')) addText(paragraph, '\t', highlighted);
        break;
      case 'w:br':
        if (paragraph) addText(paragraph, '\n', highlighted);
        break;
    }
  }
  if (stack.length > 0) throw notWellFormed(`<${stack.at(-1)}> is never closed`);
  return paragraphs;
}

function addText(paragraph: DocxParagraph, text: string, highlighted: boolean): void {
  if (!text) return;
  const last = paragraph.runs.at(-1);
  if (last && last.highlighted === highlighted) last.text += text;
  else paragraph.runs.push({ text, highlighted });
}

function attribute(attributes: string, name: string): string | undefined {
  const at = attributes.indexOf(`${name}=`);
  if (at === -1) return undefined;
  const quote = attributes[at + name.length + 1];
  const end = attributes.indexOf(quote!, at + name.length + 2);
  return attributes.slice(at + name.length + 2, end);
}
