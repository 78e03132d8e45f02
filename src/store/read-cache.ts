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
  /** `data_version` as read in this turn of the event loop; asked again in the next turn. */
  private external: number | null = null;

  constructor(private readonly externalVersion: () => number = () => 0) {}

  /** Counts what a statement about to run may change. */
  count(query: CompiledQuery): void {
    const node: RootOperationNode = query.query;
    switch (node.kind) {
      case 'SelectQueryNode':
        break;
      case 'InsertQueryNode':
        this.touch(node.into);
        break;
      case 'UpdateQueryNode':
        this.touch(node.table);
        break;
      case 'DeleteQueryNode':
        for (const from of node.from.froms) this.touch(from);
        break;
      default:
        if (!TRANSACTION_CONTROL.test(query.sql)) this.everything++;
    }
  }

  /** A value that changes whenever one of `tables` may have changed. */
  stamp(tables: readonly string[]): string {
    if (this.external === null) {
      this.external = this.externalVersion();
      setImmediate(() => {
        this.external = null;
      });
    }
    let stamp = `${this.external}.${this.everything}`;
    for (const table of tables) stamp += `.${this.counts.get(table) ?? 0}`;
    return stamp;
  }

  private touch(node: OperationNode | undefined): void {
    const table = tableName(node);
    if (table === null) this.everything++;
    else this.counts.set(table, (this.counts.get(table) ?? 0) + 1);
  }
}

/** Statements that begin, end or mark a transaction: they change no table themselves. */
const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|savepoint|release)\b/i;

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

  constructor(
    private readonly driver: Driver,
    private readonly clock: ChangeClock,
  ) {}

  init(): Promise<void> {
    return this.driver.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.driver.acquireConnection();
    const counted: DatabaseConnection = {
      executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        this.clock.count(query);
        return connection.executeQuery<R>(query);
      },
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => {
        this.clock.count(query);
        return connection.streamQuery<R>(query, chunkSize);
      },
    };
    this.inner.set(counted, connection);
    return counted;
  }

  // The driver's own transaction statements run on the counted connection: they count as nothing.
  beginTransaction(...args: Parameters<Driver['beginTransaction']>): Promise<void> {
    return this.driver.beginTransaction(...args);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.driver.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.driver.rollbackTransaction(connection);
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
    const stamp = this.clock.stamp(tables);
    const hit = this.entries.get(key);
    if (hit && hit.stamp === stamp) return hit.value as Promise<T>;
    const value = load().then(deepFreeze);
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

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
