import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/**
 * Knows when tables changed, so that what was read from them can be kept until they do.
 *
 * Every statement this process sends through Kysely passes here: a write counts against the tables
 * it names (raw SQL and schema changes against everything). A write by another connection, such as
 * the `parley` command on the same file while the server runs, is seen through SQLite's
 * `data_version`, which moves whenever another connection commits. A stamp taken before a read is
 * therefore different from one taken after any change that read could have missed.
 */
export class ChangeClock implements KyselyPlugin {
  private readonly counts = new Map<string, number>();
  private everything = 0;
  /** `data_version` as read in this turn of the event loop; asked again in the next turn. */
  private external: number | null = null;

  constructor(private readonly externalVersion: () => number = () => 0) {}

  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
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
        this.everything++;
    }
    return node;
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
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

function tableName(node: OperationNode | undefined): string | null {
  if (!node) return null;
  if (node.kind === 'TableNode')
    return (node as unknown as { table: { identifier: { name: string } } }).table.identifier.name;
  if (node.kind === 'AliasNode') return tableName((node as unknown as { node: OperationNode }).node);
  return null;
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
