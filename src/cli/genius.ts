import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DomainError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { CliError, EXIT } from './errors.ts';
import { readerContext } from './shared.ts';

/**
 * GENIUS from the command line, for `parley export --format genius [--out DIR]` and `parley import
 * --genius DOMAIN PROFILE…`: the same store commands as the API's, with files in a directory.
 */

/**
 * Writes the GENIUS domain and the profiles the account may see (`--as`; without it, the operator
 * sees every party's) into `out` (made when missing; by default a folder named after the
 * negotiation). Returns the paths written.
 */
export async function exportGeniusToDirectory(
  store: Store,
  options: { negotiation?: string; as?: string; out?: string },
): Promise<string[]> {
  const { exportGenius } = await import('../store/genius.ts');
  const ctx = await readerContext(store, options);
  let files;
  try {
    files = await exportGenius(store, ctx);
  } catch (error) {
    if (error instanceof DomainError) throw new CliError(error.message, EXIT.failed);
    throw error;
  }
  const out = options.out ?? files[0]!.name.replace(/-domain\.xml$/, '-genius');
  mkdirSync(out, { recursive: true });
  return files.map((file) => {
    const path = join(out, file.name);
    writeFileSync(path, file.text);
    return path;
  });
}

/**
 * A new negotiation from an ANAC domain and its profiles on disk, convened by the account `--as`
 * names (a negotiation needs a convenor with an account). Files larger than an import takes are
 * refused before they are read.
 */
export async function importGeniusFromFiles(store: Store, options: { as?: string; files: string[] }) {
  const [{ importGenius }, { GENIUS_IMPORT_LIMITS }, { userByEmail }] = await Promise.all([
    import('../store/genius.ts'),
    import('../formats/genius.ts'),
    import('../store/accounts.ts'),
  ]);
  if (!options.as)
    throw new CliError('name the account that convenes the new negotiation with --as <email>', EXIT.usage);
  const user = await userByEmail(store, options.as);
  if (!user) throw new CliError(`no account has the e-mail ${options.as}`, EXIT.usage);
  const files = options.files.map((path) => {
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      throw new CliError(`cannot read ${path}: no such file`, EXIT.usage);
    }
    if (size > GENIUS_IMPORT_LIMITS.maxFileBytes)
      throw new CliError(
        `${path} is ${size} bytes; a GENIUS file may have at most ${GENIUS_IMPORT_LIMITS.maxFileBytes}`,
        EXIT.failed,
      );
    const bytes = readFileSync(path);
    try {
      return { name: basename(path), text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      throw new CliError(`${path} is not UTF-8 text`, EXIT.failed);
    }
  });
  try {
    return await importGenius(store, user, files);
  } catch (error) {
    if (error instanceof DomainError) throw new CliError(error.message, EXIT.failed);
    throw error;
  }
}
