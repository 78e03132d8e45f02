import { createReadStream, createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { Kysely, Transaction } from 'kysely';
import { verifyAuditChain, type AuditVerdict } from './audit.ts';
import { isPostgresLocation, printableLocation, type Engine, type EngineName } from './engine.ts';
import { openEngine } from './engines/index.ts';
import { migrate, migrationNames } from './migrate.ts';
import type { Database } from './schema.ts';

/**
 * Backups that belong to no engine: every row of every table, in an order a restore can insert them
 * in, read in one consistent snapshot. A backup of SQLite restores into PostgreSQL and back, and
 * `parley migrate` is the same copy without the file between.
 *
 * The file is gzip'd JSON lines:
 *
 *     {"format":"parley-backup","version":1,"engine":"sqlite","migrations":["0001-initial",…],"createdAt":"…","tables":[…]}
 *     {"table":"users","columns":["id","email",…]}
 *     ["u-1","ana@example.org",…]          one line per row, values in the order of "columns"
 *     …
 *     {"end":{"users":12,"sessions":3,…}}   the rows of each table, so that a cut file is noticed
 */

export const BACKUP_FORMAT = 'parley-backup';
export const BACKUP_VERSION = 1;
/** Rows read, and written, at a time: the database is never held in memory whole. */
const PAGE = 1000;
/** Most placeholders one insert takes (SQLite allows 32,766; PostgreSQL 65,535). */
const MAX_PARAMETERS = 30_000;
/** Longest line a backup may hold: far above any row Parley writes, low enough to bound a hostile file. */
const MAX_LINE = 64 * 1024 * 1024;

type TableName = keyof Database;

/** Every table, parents before children (as the foreign keys require), with the columns of its key. */
/** Tables an engine keeps for itself, never backed up. */
const ENGINE_TABLES = new Set(['parley_clock']);

export const TABLES: readonly { name: TableName; key: readonly string[] }[] = [
  { name: 'users', key: ['id'] },
  { name: 'sessions', key: ['token_hash'] },
  { name: 'sign_in_strikes', key: ['key'] },
  { name: 'sign_in_known', key: ['account', 'address'] },
  { name: 'password_setups', key: ['user_id'] },
  { name: 'negotiations', key: ['id'] },
  { name: 'parties', key: ['negotiation_id', 'id'] },
  { name: 'memberships', key: ['id'] },
  // A version's parent is a version: a restore inserts one whose parent comes later without it, then links it.
  { name: 'versions', key: ['id'] },
  { name: 'version_recipients', key: ['version_id', 'party_id'] },
  { name: 'positions', key: ['id'] },
  { name: 'issues', key: ['negotiation_id', 'id'] },
  { name: 'red_lines', key: ['id'] },
  { name: 'preferences', key: ['id'] },
  { name: 'rounds', key: ['id'] },
  { name: 'statements', key: ['id'] },
  { name: 'tracks', key: ['id'] },
  { name: 'transmission_rules', key: ['negotiation_id', 'id'] },
  { name: 'text_approvals', key: ['id'] },
  { name: 'analyses', key: ['id'] },
  { name: 'releases', key: ['id'] },
  { name: 'invitations', key: ['id'] },
  { name: 'proposals', key: ['id'] },
  { name: 'drafts', key: ['id'] },
  { name: 'amendments', key: ['id'] },
  { name: 'agreement_marks', key: ['id'] },
  { name: 'bracket_closures', key: ['id'] },
  { name: 'version_attributions', key: ['version_id'] },
  { name: 'audit_events', key: ['seq'] },
  { name: 'audit_checkpoints', key: ['seq'] },
];

/** A value as a backup holds it: Parley's columns are text and integers. */
export type Value = string | number | null;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  /** The engine the backup was read from. */
  engine: EngineName;
  /** The migrations the database had, in order: the schema its rows fit. */
  migrations: string[];
  createdAt: string;
  /** The tables that follow, in order. */
  tables: string[];
}

/** What a backup is made of, in order: a header, then each table's columns and rows, then the counts. */
export type BackupRecord =
  | { kind: 'header'; header: BackupHeader }
  | { kind: 'table'; table: string; columns: string[] }
  | { kind: 'rows'; table: string; rows: Value[][] }
  | { kind: 'end'; counts: Record<string, number> };

/** A backup that cannot be read or restored, said so that the operator knows what to do. */
export class BackupError extends Error {}

// Tables chosen at run time are beyond Kysely's types; TABLES and the database's own list keep this honest.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/**
 * Reads every row of the database in one snapshot (a read transaction on SQLite, a read-only
 * REPEATABLE READ transaction on PostgreSQL), a page at a time. Fails when the database holds a
 * table this Parley does not know how to back up.
 *
 * @example
 * for await (const record of readDatabase(engine)) console.log(record.kind);
 */
export async function* readDatabase(
  engine: Engine,
  { pageSize = PAGE }: { pageSize?: number } = {},
): AsyncGenerator<BackupRecord> {
  const db = engine.db as AnyDb;
  // The engine's own tables (PostgreSQL's count of each process's commits) and other schemas (a
  // job queue's) are not Parley's data: a restored database makes its own.
  const present = (await db.introspection.getTables()).filter(
    (t) => !ENGINE_TABLES.has(t.name) && (t.schema === undefined || t.schema === 'public'),
  );
  const known = new Set<string>(TABLES.map((t) => t.name));
  const unknown = present.filter((t) => !known.has(t.name)).map((t) => t.name);
  if (unknown.length > 0)
    throw new BackupError(`the database holds tables this Parley cannot back up (${unknown.join(', ')})`);
  const columnsOf = new Map(present.map((t) => [t.name, t.columns.map((c) => c.name)]));
  const tables = TABLES.filter((t) => columnsOf.has(t.name));
  const applied = await db.selectFrom('kysely_migration').select('name').orderBy('name').execute();
  yield {
    kind: 'header',
    header: {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      engine: engine.name,
      migrations: applied.map((row) => row.name as string),
      createdAt: new Date().toISOString(),
      tables: tables.map((t) => t.name),
    },
  };
  let builder = engine.db.startTransaction();
  if (engine.name === 'postgres') builder = builder.setIsolationLevel('repeatable read').setAccessMode('read only');
  const trx = (await builder.execute()) as unknown as AnyDb & { commit(): { execute(): Promise<void> } };
  try {
    const counts: Record<string, number> = {};
    for (const { name, key } of tables) {
      const columns = columnsOf.get(name)!;
      const keyAt = key.map((column) => columns.indexOf(column));
      yield { kind: 'table', table: name, columns };
      let count = 0;
      let last: Value[] | null = null;
      while (true) {
        let query = trx.selectFrom(name).select(columns);
        if (last) {
          const after = keyAt.map((i) => last![i]);
          query =
            key.length === 1
              ? query.where(key[0]!, '>', after[0])
              : query.where((eb) => eb(eb.refTuple(key[0]!, key[1]!), '>', eb.tuple(after[0], after[1])));
        }
        for (const column of key) query = query.orderBy(column);
        const page = (await query.limit(pageSize).execute()) as Record<string, unknown>[];
        if (page.length === 0) break;
        const rows = page.map((row) => columns.map((column) => plainValue(row[column], name, column)));
        count += rows.length;
        last = rows.at(-1)!;
        yield { kind: 'rows', table: name, rows };
        if (page.length < pageSize) break;
      }
      counts[name] = count;
    }
    yield { kind: 'end', counts };
  } finally {
    // Read only: nothing to keep; ending it lets go of the snapshot.
    await trx.commit().execute();
  }
}

function plainValue(value: unknown, table: string, column: string): Value {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new BackupError(`${table}.${column} holds a ${typeof value}, which a backup cannot carry`);
}

export interface BackupSummary {
  file: string;
  engine: EngineName;
  migrations: string[];
  counts: Record<string, number>;
}

/**
 * Writes a backup of the database to `file` (gzip'd JSON lines). The file appears only once it is
 * complete: until then it is written beside, under another name.
 *
 * @example
 * const summary = await writeBackup(store.engine, 'parley-2025-11-24.backup.gz');
 */
export async function writeBackup(engine: Engine, file: string): Promise<BackupSummary> {
  const partial = `${file}.partial-${process.pid}`;
  let header: BackupHeader | null = null;
  let counts: Record<string, number> = {};
  async function* lines(): AsyncGenerator<string> {
    for await (const record of readDatabase(engine)) {
      if (record.kind === 'header') {
        header = record.header;
        yield `${JSON.stringify(record.header)}\n`;
      } else if (record.kind === 'table') yield `${JSON.stringify({ table: record.table, columns: record.columns })}\n`;
      else if (record.kind === 'rows') yield record.rows.map((row) => `${JSON.stringify(row)}\n`).join('');
      else {
        counts = record.counts;
        yield `${JSON.stringify({ end: record.counts })}\n`;
      }
    }
  }
  try {
    await pipeline(Readable.from(lines()), createGzip(), createWriteStream(partial));
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    if (error instanceof BackupError) throw error;
    throw new BackupError(`cannot write the backup ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { engine: from, migrations } = header!;
  return { file, engine: from, migrations, counts };
}

/**
 * Reads a backup file, checking as it goes that it is one, whole and well formed; a damaged or cut
 * file fails with what is wrong with it (a restore reading it then writes nothing).
 *
 * @example
 * await restore('restored.db', readBackup('parley.backup.gz'));
 */
export async function* readBackup(file: string): AsyncGenerator<BackupRecord> {
  if (!existsSync(file)) throw new BackupError(`there is no backup file ${file}`);
  const damaged = (why: string) => new BackupError(`the backup file ${file} is damaged: ${why}; nothing was restored`);
  const source = createReadStream(file);
  const gunzip = createGunzip();
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);

  let lineNumber = 0;
  let header: BackupHeader | null = null;
  let table: { name: string; columns: string[]; count: number } | null = null;
  const seenTables: string[] = [];
  let page: Value[][] = [];
  let ended = false;
  const counts: Record<string, number> = {};

  const flush = function* (): Generator<BackupRecord> {
    if (table && page.length > 0) yield { kind: 'rows', table: table.name, rows: page };
    page = [];
  };
  const closeTable = () => {
    if (table) counts[table.name] = table.count;
    table = null;
  };

  function* take(line: string): Generator<BackupRecord> {
    lineNumber++;
    if (line.trim() === '') return;
    if (ended) throw damaged(`line ${lineNumber} follows the end`);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw damaged(`line ${lineNumber} is not JSON`);
    }
    if (!header) {
      header = parseHeader(value, file);
      yield { kind: 'header', header };
      return;
    }
    if (Array.isArray(value)) {
      if (!table) throw damaged(`line ${lineNumber} is a row outside any table`);
      if (value.length !== table.columns.length)
        throw damaged(`line ${lineNumber} has ${value.length} values where ${table.name} has ${table.columns.length}`);
      for (const item of value)
        if (item !== null && typeof item !== 'string' && typeof item !== 'number')
          throw damaged(`line ${lineNumber} holds a value that is neither text, a number nor null`);
      page.push(value as Value[]);
      table.count++;
      if (page.length >= PAGE) yield* flush();
      return;
    }
    if (typeof value === 'object' && value !== null && 'table' in value) {
      yield* flush();
      closeTable();
      const { table: name, columns } = value as { table: unknown; columns: unknown };
      const expected = header.tables[seenTables.length];
      if (typeof name !== 'string' || name !== expected)
        throw damaged(`line ${lineNumber} starts table ${JSON.stringify(name)} where ${expected ?? 'the end'} was due`);
      if (
        !Array.isArray(columns) ||
        columns.length === 0 ||
        !columns.every((c): c is string => typeof c === 'string' && /^[a-z_][a-z0-9_]*$/.test(c))
      )
        throw damaged(`line ${lineNumber} names the columns of ${name} wrongly`);
      seenTables.push(name);
      table = { name, columns, count: 0 };
      yield { kind: 'table', table: name, columns };
      return;
    }
    if (typeof value === 'object' && value !== null && 'end' in value) {
      yield* flush();
      closeTable();
      const end = (value as { end: unknown }).end;
      if (seenTables.length !== header.tables.length)
        throw damaged(`it ends after ${seenTables.length} of its ${header.tables.length} tables`);
      for (const name of seenTables)
        if (typeof end !== 'object' || end === null || (end as Record<string, unknown>)[name] !== counts[name])
          throw damaged(`table ${name} has ${counts[name]} rows where the backup's end counts another number`);
      ended = true;
      yield { kind: 'end', counts };
      return;
    }
    throw damaged(`line ${lineNumber} is neither a row, a table nor the end`);
  }

  let pending = '';
  // One decoder for the whole stream: a character whose bytes two chunks share is decoded whole.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      pending += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        yield* take(line);
      }
      if (pending.length > MAX_LINE) throw damaged(`line ${lineNumber + 1} is longer than ${MAX_LINE} characters`);
    }
    pending += decoder.decode();
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw damaged(error instanceof Error ? error.message : String(error));
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  if (pending.trim() !== '') yield* take(pending);
  if (!header) throw damaged('it is empty');
  if (!ended) throw damaged('it stops before its end (cut short?)');
}

function parseHeader(value: unknown, file: string): BackupHeader {
  const header = value as Partial<BackupHeader> | null;
  if (typeof header !== 'object' || header === null || header.format !== BACKUP_FORMAT)
    throw new BackupError(`${file} is not a Parley backup (made by \`parley backup\`)`);
  if (header.version !== BACKUP_VERSION)
    throw new BackupError(
      `${file} is a backup of format ${String(header.version)}; this Parley reads format ${BACKUP_VERSION}: restore it with the Parley that made it, or a newer one`,
    );
  const { migrations, tables } = header;
  if (
    !Array.isArray(migrations) ||
    !migrations.every((m) => typeof m === 'string') ||
    !Array.isArray(tables) ||
    !tables.every((t) => typeof t === 'string')
  )
    throw new BackupError(`the backup file ${file} is damaged: its header lacks its migrations or tables`);
  const known = new Set<string>(TABLES.map((t) => t.name));
  const stranger = tables.find((t) => !known.has(t as TableName));
  if (stranger !== undefined)
    throw new BackupError(
      `${file} holds a table this Parley does not know (${stranger}): restore it with the Parley that made it, or a newer one`,
    );
  return header as BackupHeader;
}

/** Checks that a backup's schema is one this Parley knows: its migrations, in order, are the first of ours. */
function requireKnownMigrations(migrations: readonly string[]): string {
  const newer = migrations.find((name, i) => migrationNames[i] !== name);
  if (newer !== undefined || migrations.length === 0)
    throw new BackupError(
      migrations.length === 0
        ? 'the backup names no migration: it is not a backup of a Parley database'
        : `the backup comes from a newer Parley (its database has migration ${newer}, which this Parley does not know): upgrade Parley, then restore it`,
    );
  return migrations.at(-1)!;
}

export interface RestoreSummary {
  location: string;
  counts: Record<string, number>;
  /** The restored database's audit chain, walked after the restore. */
  audit: AuditVerdict;
  /** The engine's integrity check of the restored database: none when sound. */
  problems: string[];
}

/**
 * Fills an empty database (an SQLite file not made yet, or an empty PostgreSQL database) with a
 * backup's rows, in one transaction: it keeps all of them or none. The database is brought to the
 * backup's migration level first, filled, then migrated on to this Parley's; its audit chain must
 * verify before anything is kept.
 *
 * @example
 * const summary = await restore('postgres://…/parley', readBackup('parley.backup.gz'));
 */
export async function restore(location: string, records: AsyncIterable<BackupRecord>): Promise<RestoreSummary> {
  const shown = printableLocation(location);
  const iterator = records[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done || first.value.kind !== 'header') throw new BackupError('the backup has no header');
  const level = requireKnownMigrations(first.value.header.migrations);

  const newFile = !isPostgresLocation(location) && !existsSync(location);
  let engine: Engine;
  try {
    engine = await openEngine(location, { migrateTo: level });
  } catch (error) {
    removeNewFile(newFile, location);
    throw new BackupError(
      `cannot restore into ${shown}: ${error instanceof Error ? error.message : String(error)}; restore into a new, empty database`,
    );
  }
  let kept = false;
  try {
    await requireEmpty(engine, shown);
    const counts = await fill(engine, iterator);
    kept = true;
    await migrate(engine.db);
    return {
      location: shown,
      counts,
      audit: await verifyAuditChain(engine.db),
      problems: await engine.integrityCheck(),
    };
  } finally {
    // A restore that stopped early lets its source go (a database's snapshot, a file).
    await iterator.return?.();
    await engine.close();
    if (!kept) removeNewFile(newFile, location);
  }
}

/** A restore that made an SQLite file and kept nothing in it leaves no file behind. */
function removeNewFile(made: boolean, file: string): void {
  if (!made) return;
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
}

async function requireEmpty(engine: Engine, shown: string): Promise<void> {
  const db = engine.db as AnyDb;
  const holding: string[] = [];
  for (const table of await db.introspection.getTables()) {
    const row = await db.selectFrom(table.name).select(db.fn.countAll().as('n')).executeTakeFirst();
    const n = Number(row?.n ?? 0);
    if (n > 0) holding.push(`${n} ${table.name}`);
  }
  if (holding.length > 0)
    throw new BackupError(
      `${shown} is not empty (it holds ${holding.join(', ')}): a restore fills only an empty database. Restore into a new one (an SQLite file that does not exist yet, or a PostgreSQL database just made with createdb), then point Parley at it; nothing was written`,
    );
}

async function fill(engine: Engine, iterator: AsyncIterator<BackupRecord>): Promise<Record<string, number>> {
  const trx = (await engine.db.startTransaction().execute()) as unknown as Transaction<Database> & {
    commit(): { execute(): Promise<void> };
    rollback(): { execute(): Promise<void> };
  };
  const any = trx as unknown as AnyDb;
  try {
    await engine.beginWrite(trx);
    let columns: string[] = [];
    let table = '';
    const versionIds = new Set<string>();
    const unlinked: [id: Value, parent: Value][] = [];
    const linkVersions = async () => {
      for (const [id, parent] of unlinked)
        await any.updateTable('versions').set({ parent_id: parent }).where('id', '=', id).execute();
      unlinked.length = 0;
    };
    while (true) {
      const next = await iterator.next();
      if (next.done) throw new BackupError('the backup stops before its end (cut short?); nothing was restored');
      const record = next.value;
      if (record.kind === 'header') throw new BackupError('the backup has a second header; nothing was restored');
      if (record.kind === 'table') {
        if (table === 'versions') await linkVersions();
        ({ table, columns } = record);
        continue;
      }
      if (record.kind === 'rows') {
        let rows = record.rows;
        if (table === 'versions') rows = rows.map((row) => deferParent(row, columns, versionIds, unlinked));
        const perInsert = Math.max(1, Math.min(500, Math.floor(MAX_PARAMETERS / columns.length)));
        for (let i = 0; i < rows.length; i += perInsert) {
          const values = rows
            .slice(i, i + perInsert)
            .map((row) => Object.fromEntries(columns.map((column, j) => [column, row[j]])));
          await any.insertInto(table).values(values).execute();
        }
        continue;
      }
      if (table === 'versions') await linkVersions();
      const audit = await verifyAuditChain(trx);
      if (!audit.ok)
        throw new BackupError(
          `the backup's audit log is broken at event ${audit.seq}: ${audit.reason}; nothing was restored`,
        );
      await engine.endWrite(trx);
      await trx.commit().execute();
      return record.counts;
    }
  } catch (error) {
    await trx
      .rollback()
      .execute()
      .catch(() => {});
    if (error instanceof BackupError) throw error;
    throw new BackupError(
      `the restore failed, and wrote nothing: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** A version whose parent is not in yet goes in without it; `unlinked` remembers the link for later. */
function deferParent(row: Value[], columns: string[], seen: Set<string>, unlinked: [Value, Value][]): Value[] {
  const id = row[columns.indexOf('id')];
  const at = columns.indexOf('parent_id');
  seen.add(String(id));
  if (at === -1 || row[at] === null || seen.has(String(row[at]))) return row;
  unlinked.push([id!, row[at]!]);
  return row.map((value, i) => (i === at ? null : value));
}

export interface MigrationSummary extends RestoreSummary {
  from: string;
  /** Tables whose rows differ in number between the two databases after the copy: none when whole. */
  mismatches: string[];
}

/**
 * Copies a whole database into an empty one, as a backup and its restore would, without a file:
 * SQLite to PostgreSQL when a team outgrows one machine (or back). Then counts each table's rows on
 * both sides and walks the new database's audit chain.
 *
 * @example
 * const summary = await migrateDatabase('parley.db', 'postgres://parley@db.example.org/parley');
 */
export async function migrateDatabase(from: string, to: string): Promise<MigrationSummary> {
  let source: Engine;
  try {
    source = await openEngine(from);
  } catch (error) {
    throw new BackupError(error instanceof Error ? error.message : String(error));
  }
  try {
    const summary = await restore(to, readDatabase(source));
    const target = await openEngine(to);
    try {
      const mismatches: string[] = [];
      for (const { name } of TABLES) {
        const [here, there] = await Promise.all([rowCount(source, name), rowCount(target, name)]);
        if (here !== there)
          mismatches.push(`${name}: ${here} in ${printableLocation(from)}, ${there} in ${summary.location}`);
      }
      return { ...summary, from: printableLocation(from), mismatches };
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

async function rowCount(engine: Engine, table: TableName): Promise<number> {
  const db = engine.db as AnyDb;
  const row = await db.selectFrom(table).select(db.fn.countAll().as('n')).executeTakeFirst();
  return Number(row?.n ?? 0);
}
