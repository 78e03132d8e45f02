import { createQueryId, type Compilable, type CompiledQuery, type QueryResult, type RootOperationNode } from 'kysely';
import { engineOf } from './dialect.ts';
import type { Executor } from './store.ts';

/** Stands in for the value at `index` while a query is compiled once. */
class Slot {
  constructor(readonly index: number) {}
}

interface Template {
  sql: string;
  query: RootOperationNode;
  /** For each parameter of the SQL: the value's index, or a value fixed in the query itself. */
  parameters: readonly (Slot | { fixed: unknown })[];
}

/** Most query shapes kept compiled; Parley's hot queries have far fewer. */
const TEMPLATE_LIMIT = 500;
const templates = new Map<string, Template>();

/**
 * Runs a Kysely query compiled once per `shape` and then run again with new `values`: building and
 * compiling a query cost more than SQLite's running of it on the write path (the profile of a
 * position update: Kysely's builder and compiler a quarter of the request).
 *
 * `build` receives `slot(i)` to put where the i-th value goes. Everything that changes the SQL must
 * be part of `shape`, such as whether a filter is there and the length of a list; the values, never.
 * Templates are kept per engine: the same shape compiles to SQLite's SQL and to PostgreSQL's.
 */
export function runPrepared<R>(
  executor: Executor,
  shape: string,
  values: readonly unknown[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a slot stands for a value of any column's type
  build: (slot: (index: number) => any) => Compilable<R>,
): Promise<QueryResult<R>> {
  const key = `${engineOf(executor)} ${shape}`;
  let template = templates.get(key);
  if (!template) {
    template = compileTemplate(shape, values.length, build);
    if (templates.size >= TEMPLATE_LIMIT) templates.delete(templates.keys().next().value!);
    templates.set(key, template);
  }
  const query: CompiledQuery<R> = {
    sql: template.sql,
    query: template.query,
    queryId: createQueryId(),
    parameters: template.parameters.map((p) => (p instanceof Slot ? values[p.index] : p.fixed)),
  };
  return executor.executeQuery(query);
}

function compileTemplate(
  shape: string,
  count: number,
  build: (slot: (index: number) => unknown) => Compilable<unknown>,
): Template {
  const compiled = build((index) => new Slot(index)).compile();
  const used = compiled.parameters.filter((p): p is Slot => p instanceof Slot).map((p) => p.index);
  // A value used twice or not at all means the shape does not say what the SQL is: refuse loudly.
  if (used.length !== count || new Set(used).size !== count || used.some((i) => i < 0 || i >= count))
    throw new Error(`prepared query "${shape}" places its ${count} values as [${used.join(', ')}]`);
  return {
    sql: compiled.sql,
    query: compiled.query,
    parameters: compiled.parameters.map((p) => (p instanceof Slot ? p : { fixed: p })),
  };
}
