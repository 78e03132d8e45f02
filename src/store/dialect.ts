import { PostgresAdapter, sql, type Kysely, type RawBuilder } from 'kysely';
import type { EngineName } from './engine.ts';

/**
 * The few pieces of SQL that differ between the engines, each written once per engine here; every
 * other query is Kysely's, compiled for the engine it runs on.
 */

/** Which engine a Kysely instance or transaction speaks to. */
export function engineOf(executor: Pick<Kysely<unknown>, 'getExecutor'>): EngineName {
  return executor.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** The JSON value at `path` in a column of JSON text, as text: a string's characters, a number's digits, an array or object as JSON; null when absent. */
export function jsonText(engine: EngineName, column: string, path: readonly string[]): RawBuilder<string | null> {
  return engine === 'postgres'
    ? sql<string | null>`(${sql.ref(column)}::jsonb #>> ${pathArray(path)})`
    : sql<string | null>`json_extract(${sql.ref(column)}, ${`$.${path.join('.')}`})`;
}

/** Whether the JSON value at `path` in a column of JSON text is `true` (a number 1/0 on SQLite, a boolean on PostgreSQL). */
export function jsonTrue(
  engine: EngineName,
  column: string,
  path: readonly string[],
): RawBuilder<number | boolean | null> {
  return engine === 'postgres'
    ? sql<boolean | null>`(${sql.ref(column)}::jsonb #> ${pathArray(path)}) = 'true'::jsonb`
    : sql<number | null>`json_extract(${sql.ref(column)}, ${`$.${path.join('.')}`})`;
}

function pathArray(path: readonly string[]) {
  return sql`${`{${path.join(',')}}`}::text[]`;
}

/**
 * The order rows were inserted in, to break ties of equal times: SQLite's rowid; on PostgreSQL the
 * row's id (tables there have no insertion order to ask for).
 */
export function insertionOrder(engine: EngineName): RawBuilder<unknown> {
  return engine === 'postgres' ? sql`id` : sql`rowid`;
}
