/**
 * A file refused as it came in, with what was wrong in words a person can act on, and the HTTP
 * status it answers with: 413 too large, 415 a kind of file Parley does not read, 422 a file of a
 * kind it reads that it cannot read (not well-formed, hostile, or holding more than a text may).
 */
export class FileRefused extends Error {
  constructor(
    readonly statusCode: 413 | 415 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'FileRefused';
  }
}

/** What an imported file may be and hold: bounds that keep reading it linear and small. */
export const IMPORT_LIMITS = {
  /** The file as sent. */
  fileBytes: 5 * 1024 * 1024,
  /** A .docx's parts as read, uncompressed, all together: a zip bomb stops here. */
  unzippedBytes: 20 * 1024 * 1024,
  /** The entries of a .docx (Word's own have a few dozen). */
  zipEntries: 1000,
  /** How deep elements of an XML part may nest (Word's stay under 20). */
  xmlDepth: 100,
} as const;

/** "5 MB" */
export function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
