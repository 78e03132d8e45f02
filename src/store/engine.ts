import type { Kysely, Transaction } from 'kysely';
import { DomainError } from '../core/errors.ts';
import type { ChangeClock } from './read-cache.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

/** The database engines Parley runs on. */
export type EngineName = 'sqlite' | 'postgres';

/**
 * One storage engine, as the store sees it: everything that differs between SQLite and PostgreSQL is
 * here, and only here. The store's commands and reads are written once, in Kysely, for both; where
 * the SQL itself differs (reading inside stored JSON), `dialect.ts` picks it by `name`.
 *
 * Each adapter is tested by the same contract suite: the store and API tests run on both engines.
 */
export interface Engine {
  readonly name: EngineName;
  /** Where the data is, as the operator named it, without its password. */
  readonly location: string;
  /**
   * PostgreSQL only: the URL to open more connections to the same database with (the job queue's).
   * It holds the password: never print it (print `location`).
   */
  readonly connectionUrl?: string;
  readonly db: Db;
  /** Moves whenever a table may have changed, by this process or (as far as the engine tells) another. */
  readonly clock: ChangeClock;
  /**
   * Called first in every transaction that changes data. SQLite lets one writer in at a time by
   * itself; PostgreSQL takes a lock every Parley process on the database waits for, so that the rules
   * checked inside one change (a revision, an approval, a count) hold until it commits, as on SQLite.
   */
  beginWrite(trx: Transaction<Database>): Promise<void>;
  /**
   * Called last in every transaction that changes data, before it commits: fails when the
   * transaction already ended (PostgreSQL would answer the commit with a mere warning then, and a
   * change that was undone would be answered as kept).
   */
  endWrite(trx: Transaction<Database>): Promise<void>;
  /**
   * Tells every other process on the database, when `trx` commits, which negotiations it changed
   * (null: something outside any one negotiation, such as an account).
   */
  announce(trx: Transaction<Database>, negotiationIds: ReadonlySet<string | null>): Promise<void>;
  /**
   * Calls `listener` with the negotiations another process changed, soon after it commits (null when
   * it cannot tell which). Returns a function that stops listening.
   */
  onChangeElsewhere(listener: (negotiationIds: (string | null)[]) => void): () => void;
  /** A constraint the database enforced, as the error a person can act on; null for any other error. */
  constraintError(error: unknown): DomainError | null;
  /** Whether `error` lost the whole transaction (the disk, a lock, a connection), not one change in it. */
  failsTheTransaction(error: unknown): boolean;
  /** The database's own check of its files and constraints: problems found, none when it is sound. */
  integrityCheck(): Promise<string[]>;
  close(): Promise<void>;
}

/** Whether a location names a PostgreSQL database rather than an SQLite file. */
export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** A location fit to print: a PostgreSQL URL loses its password. */
export function printableLocation(location: string): string {
  if (!isPostgresLocation(location)) return location;
  try {
    const url = new URL(location);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://…';
  }
}

/** The errors a constraint gives, the same on every engine (checks in code come first; these are the backstop). */
export const duplicateId = () =>
  new DomainError(
    'conflict',
    'something with this id exists already; choose another id, or leave it out to get a new one',
    'id',
  );
export const missingReference = () => new DomainError('invalid', 'this refers to something that does not exist');
export const brokenRule = () => new DomainError('invalid', 'this change breaks a rule of the data');

export interface OpenOptions {
  /**
   * Brings the schema up to this migration (by name) rather than the latest: a restore fills a
   * database at the level its backup was taken at, then migrates it on.
   */
  migrateTo?: string;
}

/**
 * A text PostgreSQL cannot keep: it holds the character U+0000 (NUL), which no PostgreSQL text
 * can. SQLite keeps it; on PostgreSQL such an input is refused, as a request to change it, or a
 * lookup that could match nothing.
 */
export const unstorableText = () =>
  new DomainError(
    'invalid',
    'this text holds the character U+0000 (NUL), which the database cannot keep; remove it and send the text again',
  );

/** Whether an error is PostgreSQL's refusal of a text it cannot keep (a NUL, or bytes outside its encoding). */
export function isUnstorableText(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === '22021' || code === '22P05';
}
