/**
 * The formats a version goes out in, by name: what the command's `--format` and the API's `?format=`
 * accept. Each entry renders an `ExportInput` (the reader's view) to a file's bytes; a `print`
 * format renders a page that the edge prints (PDF: Chromium printing the page, `server/pdf.ts`).
 * Formats are loaded when used, so the command starts without them.
 */
import type { ExportInput } from './types.ts';

export interface VersionFormat {
  /** What `--format` and `?format=` say. */
  name: string;
  description: string;
  mediaType: string;
  extension: string;
  /** `file`: `render` gives the file; `print`: `render` gives the HTML page that is printed to the file. */
  kind: 'file' | 'print';
  render(input: ExportInput): Promise<Uint8Array | string>;
  /** `print` formats: the running head and foot of every page (HTML templates; see `server/pdf.ts`). */
  frame?(input: ExportInput): Promise<{ header: string; footer: string }>;
}

export const VERSION_FORMATS: readonly VersionFormat[] = [
  {
    name: 'md',
    description: 'Markdown: numbered points, brackets UN-style, and the positions the reader may see',
    mediaType: 'text/markdown; charset=utf-8',
    extension: 'md',
    kind: 'file',
    async render(input) {
      const { versionMarkdown } = await import('../core/markdown.ts');
      return versionMarkdown(input.negotiation.title, input.version, input.positions, input.parties);
    },
  },
  {
    name: 'docx',
    description:
      'Word: a cover, numbered points, brackets highlighted; with a comparison, the changes as tracked changes',
    mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extension: 'docx',
    kind: 'file',
    async render(input) {
      const { versionDocx } = await import('./docx.ts');
      return versionDocx(input);
    },
  },
  {
    name: 'pdf',
    description:
      'PDF (A4, printed by Chromium): a cover, the points with numbered lines, the status on every page and the content hash in the footer',
    mediaType: 'application/pdf',
    extension: 'pdf',
    kind: 'print',
    async render(input) {
      const { printPage } = await import('./print.ts');
      return printPage(input);
    },
    async frame(input) {
      const { printFrame } = await import('./print.ts');
      return printFrame(input);
    },
  },
  {
    name: 'akn',
    description:
      'Akoma Ntoso 3.0 (OASIS LegalDocML): articles with eIds from stable point ids, brackets, the workflow, and the amendments',
    mediaType: 'application/akn+xml',
    extension: 'akn.xml',
    kind: 'file',
    async render(input) {
      const { toAkomaNtoso } = await import('./akn.ts');
      return toAkomaNtoso(input);
    },
  },
];

/** The format named `name`, or undefined. */
export function versionFormat(name: string): VersionFormat | undefined {
  return VERSION_FORMATS.find((format) => format.name === name);
}

/**
 * The file name a version's export is downloaded as: the negotiation and version labels, the
 * language and the format's extension, in letters, digits and hyphens only.
 *
 * @example exportFileName('Geneva talks', 'Table text 28', 'uk', 'docx') // 'geneva-talks-table-text-28.uk.docx'
 */
export function exportFileName(negotiation: string, version: string, lang: string, extension: string): string {
  const slug = (s: string) =>
    s
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'text';
  return `${slug(negotiation)}-${slug(version)}.${lang}.${extension}`;
}
