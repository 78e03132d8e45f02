import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  OperationNode,
  QueryResult,
  RootOperationNode,
} from 'kysely';

/**
 * Knows when tables changed, so that what was read from them can be kept until they do.
 *
 * Every statement this process sends through Kysely is counted where it runs (`countingChanges`),
 * whether it was built for the occasion or compiled once and run again: a write counts against the
 * table it names, raw SQL and schema changes against everything; statements that only open, end or
 * mark a transaction change nothing. A write by another connection, such as the `parley` command on
 * the same file while the server runs, is seen through SQLite's `data_version`, which moves whenever
 * another connection commits. A stamp taken before a read is therefore different from one taken
 * after any change that read could have missed.
 */
export class ChangeClock {
  private readonly counts = new Map<string, number>();
  private everything = 0;
  /** The engine's version as read in this turn of the event loop; asked again in the next turn. */
  private external: number | string | Promise<number | string> | null = null;
  /** Whether the version asked in this turn is already due to be forgotten at its end. */
  private forgetting = false;

  /**
   * `externalVersion` moves whenever another connection commits: SQLite's `data_version`, read at
   * once; on PostgreSQL the other processes' count of their commits, which takes a query.
   * `askPerArrival`: whether each request asks again (`arrived`), for servers whose clients may
   * know of another process's commit within one turn (several servers behind a proxy: PostgreSQL).
   */
  constructor(
    private readonly externalVersion: () => number | string | Promise<number | string> = () => 0,
    private readonly askPerArrival = true,
  ) {}

  /**
   * Something arrived from outside (a request): its sender may know of a commit made after the
   * engine's version was last asked, so the next stamp asks again. Within one turn the version is
   * shared only by what arrived before it was asked: one asked in another phase of the loop (a
   * timer, an immediate) would otherwise serve a request that arrived after it, in the next poll.
   */
  arrived(): void {
    if (this.askPerArrival) this.external = null;
  }

  /**
   * Counts what a statement about to run may change, and returns it (the tables, null for
   * everything) so that it can be counted again once the change is committed (`recount`).
   */
  count(query: CompiledQuery): (string | null)[] {
    const node: RootOperationNode = query.query;
    let touched: (string | null)[];
    switch (node.kind) {
      case 'SelectQueryNode':
        touched = [];
        break;
      case 'InsertQueryNode':
        touched = [tableName(node.into)];
        break;
      case 'UpdateQueryNode':
        touched = [tableName(node.table)];
        break;
      case 'DeleteQueryNode':
        touched = node.from.froms.map(tableName);
        break;
      default:
        touched = TRANSACTION_CONTROL.test(query.sql) || SAYS_NOTHING.test(query.sql) ? [] : [null];
    }
    this.recount(touched);
    return touched;
  }

  /**
   * Counts again what a change touched, once it is committed (or undone). A read that ran between
   * the statement and the commit, on another connection (PostgreSQL's pool), saw the rows as they
   * were before the change, yet took its stamp after the first count: without this second one, what
   * it read would be served after the commit, as long as nothing else touched its tables.
   */
  recount(touched: Iterable<string | null>): void {
    for (const table of touched) {
      if (table === null) this.everything++;
      else this.counts.set(table, (this.counts.get(table) ?? 0) + 1);
    }
  }

  /**
   * A value that changes whenever one of `tables` may have changed: a string when the engine answers
   * at once, a promise of one when it must be asked.
   */
  stamp(tables: readonly string[]): string | Promise<string> {
    if (this.external === null) {
      const asked = this.externalVersion();
      this.external = asked;
      if (typeof asked === 'object')
        asked.then(
          (value) => {
            if (this.external === asked) this.external = value;
          },
          () => {
            if (this.external === asked) this.external = null;
          },
        );
      // One forgetting per turn, however often a request made it ask again within it.
      if (!this.forgetting) {
        this.forgetting = true;
        setImmediate(() => {
          this.forgetting = false;
          this.external = null;
        });
      }
    }
    const local = () => {
      let stamp = `${this.everything}`;
      for (const table of tables) stamp += `.${this.counts.get(table) ?? 0}`;
      return stamp;
    };
    const external = this.external;
    if (typeof external !== 'object') return `${external}.${local()}`;
    // The local counts are taken now, before the read, like the engine's version.
    const counted = local();
    return external.then((value) => `${value}.${counted}`);
  }
}

/** Statements that begin, end or mark a transaction: they change no table themselves. */
const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|savepoint|release)\b/i;
/**
 * Raw statements that change no table of Parley's: its raw selects only read, lock, or notify, and
 * PostgreSQL's count of the process's own commits (parley_clock) is for the other processes.
 */
const SAYS_NOTHING = /^\s*(select\b|with counted as \(\s*insert into parley_clock\b)/i;

function tableName(node: OperationNode | undefined): string | null {
  if (!node) return null;
  if (node.kind === 'TableNode')
    return (node as unknown as { table: { identifier: { name: string } } }).table.identifier.name;
  if (node.kind === 'AliasNode') return tableName((node as unknown as { node: OperationNode }).node);
  return null;
}

/** `dialect`, with every statement its connections run counted by `clock` first. */
export function countingChanges(dialect: Dialect, clock: ChangeClock): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => new CountingDriver(dialect.createDriver(), clock),
  };
}

class CountingDriver implements Driver {
  private readonly inner = new WeakMap<DatabaseConnection, DatabaseConnection>();
  /** What each connection's open transaction has written: counted again when it ends. */
  private readonly writing = new WeakMap<DatabaseConnection, Set<string | null>>();

  constructor(
    private readonly driver: Driver,
    private readonly clock: ChangeClock,
  ) {}

  init(): Promise<void> {
    return this.driver.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.driver.acquireConnection();
    // A write is counted when it is sent, and again when it is committed: at the end of its
    // transaction, or at its own end when it runs alone.
    const counted: DatabaseConnection = {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        const alone = this.touched(counted, query);
        if (CHECKING_READS) checkStatement(query);
        try {
          return await connection.executeQuery<R>(query);
        } finally {
          this.clock.recount(alone);
        }
      },
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => {
        const alone = this.touched(counted, query);
        if (CHECKING_READS) checkStatement(query);
        const clock = this.clock;
        const rows = connection.streamQuery<R>(query, chunkSize);
        return (async function* () {
          try {
            yield* rows;
          } finally {
            clock.recount(alone);
          }
        })();
      },
    };
    this.inner.set(counted, connection);
    return counted;
  }

  /** Counts what `query` may change; returns what to count again when it ends, if it runs outside a transaction. */
  private touched(connection: DatabaseConnection, query: CompiledQuery): (string | null)[] {
    const touched = this.clock.count(query);
    const transaction = this.writing.get(connection);
    if (!transaction) return touched;
    for (const table of touched) transaction.add(table);
    return [];
  }

  // The driver's own transaction statements run on the counted connection: they count as nothing.
  async beginTransaction(...args: Parameters<Driver['beginTransaction']>): Promise<void> {
    await this.driver.beginTransaction(...args);
    this.writing.set(args[0], new Set());
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.driver.commitTransaction(connection);
    } finally {
      this.ended(connection);
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.driver.rollbackTransaction(connection);
    } finally {
      this.ended(connection);
    }
  }

  private ended(connection: DatabaseConnection): void {
    const written = this.writing.get(connection);
    this.writing.delete(connection);
    if (written) this.clock.recount(written);
  }

  savepoint(...args: Parameters<NonNullable<Driver['savepoint']>>): Promise<void> {
    return this.driver.savepoint!(...args);
  }

  rollbackToSavepoint(...args: Parameters<NonNullable<Driver['rollbackToSavepoint']>>): Promise<void> {
    return this.driver.rollbackToSavepoint!(...args);
  }

  releaseSavepoint(...args: Parameters<NonNullable<Driver['releaseSavepoint']>>): Promise<void> {
    return this.driver.releaseSavepoint!(...args);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.driver.releaseConnection(this.inner.get(connection) ?? connection);
  }

  destroy(): Promise<void> {
    return this.driver.destroy();
  }
}

/**
 * Values read from the database, each kept with the stamp of the tables it was read from and served
 * again while the stamp holds. The stamp is taken before the read starts, so a change made while it
 * runs makes the value stale at once. Values are frozen: a caller that tried to change a shared one
 * would fail loudly instead of changing what the next reader gets.
 */
export class ReadCache {
  private readonly entries = new Map<string, { stamp: string; value: Promise<unknown> }>();

  constructor(
    private readonly clock: ChangeClock,
    private readonly limit = 5000,
  ) {}

  get<T>(key: string, tables: readonly string[], load: () => Promise<T>): Promise<T> {
    if (CHECKING_READS)
      try {
        checkNested(key, tables);
      } catch (error) {
        return Promise.reject(error);
      }
    const stamp = this.clock.stamp(tables);
    if (typeof stamp === 'string') return this.lookUp(key, stamp, tables, load);
    return stamp.then((taken) => this.lookUp(key, taken, tables, load));
  }

  private lookUp<T>(key: string, stamp: string, tables: readonly string[], load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.stamp === stamp) return hit.value as Promise<T>;
    const value = checkedLoad(key, tables, load).then(deepFreeze);
    const entry = { stamp, value };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }
}

/**
 * Under test (`PARLEY_CHECK_READS=1`), every cached read runs with the tables it declares, and each
 * statement it sends is checked against them: a read that touches a table it did not declare would
 * be served stale after that table changed, possibly with what its reader may no longer see. Such a
 * read fails loudly instead of passing, and is kept in `undeclaredReads`, which the test helpers
 * check once every test of a file has run, so that no code path that catches errors can hide it.
 */
const CHECKING_READS = process.env.PARLEY_CHECK_READS === '1';
/** Under test: every cached read found touching a table it does not declare, as a sentence. */
export const undeclaredReads: string[] = [];
/** Whether cached reads are checked against their tables in this process. */
export const checkingReads = CHECKING_READS;
interface ReadFrame {
  key: string;
  tables: ReadonlySet<string>;
}
const reading = new AsyncLocalStorage<readonly ReadFrame[]>();

function undeclared(frames: readonly ReadFrame[], key: string, used: Iterable<string>): never | void {
  for (const frame of frames)
    for (const table of used)
      if (!frame.tables.has(table)) {
        const message = `the cached read "${frame.key}" declares the tables [${[...frame.tables].join(', ')}] but ${
          key === frame.key ? 'reads' : `depends on "${key}", which reads`
        } the table "${table}": add it to its tables`;
        undeclaredReads.push(message);
        throw new Error(message);
      }
}

/** A cached read inside another's load: the outer one's value depends on the inner one's tables too. */
function checkNested(key: string, tables: readonly string[]): void {
  const frames = reading.getStore();
  if (frames) undeclared(frames, key, tables);
}

function checkedLoad<T>(key: string, tables: readonly string[], load: () => Promise<T>): Promise<T> {
  if (!CHECKING_READS) return load();
  const frames = [...(reading.getStore() ?? []), { key, tables: new Set(tables) }];
  return reading.run(frames, load);
}

/** The tables a statement reads or writes, from its SQL (identifiers after from, join, into, update). */
export function tablesOf(sql: string): Set<string> {
  const tables = new Set<string>();
  for (const match of sql.matchAll(/\b(?:from|join|into|update)\s+"?([A-Za-z_][A-Za-z0-9_]*)"?/gi))
    tables.add(match[1]!);
  return tables;
}

/** Under test: checks a statement about to run against the cached reads it runs for. */
function checkStatement(query: CompiledQuery): void {
  const frames = reading.getStore();
  if (frames && frames.length > 0) undeclared(frames, frames[frames.length - 1]!.key, tablesOf(query.sql));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
