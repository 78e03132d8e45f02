import type { Kysely, Transaction } from 'kysely';
import type {
  Issue,
  Party,
  Position,
  Preference,
  PublicStatement,
  RedLine,
  Round,
  Track,
  TransmissionRule,
} from '../core/model.ts';
import type { OwnedVisibilityRule } from '../core/visibility.ts';
import { runPrepared } from './prepared.ts';
import type { ReadCache } from './read-cache.ts';
import type { Database } from './schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * How each collection of a negotiation maps to its table: the entity goes whole into `data`; `columns`
 * copies the fields queries filter on. This is the only place those copies are written.
 */
export const collections = {
  parties: { table: 'parties', columns: (_: Party) => ({}) },
  issues: { table: 'issues', columns: (_: Issue) => ({}) },
  rounds: { table: 'rounds', columns: (_: Round) => ({}) },
  tracks: { table: 'tracks', columns: (_: Track) => ({}) },
  statements: { table: 'statements', columns: (_: PublicStatement) => ({}) },
  positions: {
    table: 'positions',
    columns: (p: Position) => ({
      party_id: p.partyId,
      visibility: p.visibility,
      version_id: p.versionId,
      point_id: p.pointId,
    }),
  },
  redLines: { table: 'red_lines', columns: (r: RedLine) => ({ party_id: r.partyId, visibility: r.visibility }) },
  preferences: {
    table: 'preferences',
    columns: (p: Preference) => ({ party_id: p.partyId, visibility: p.visibility }),
  },
  transmissionRules: { table: 'transmission_rules', columns: (_: TransmissionRule) => ({}) },
} as const;

export type CollectionName = keyof typeof collections;
export type EntityOf<C extends CollectionName> = Parameters<(typeof collections)[C]['columns']>[0];

type Row = { id: string; negotiation_id: string; revision: number; data: string };

// Kysely's types cannot follow a table chosen at run time; the collection map above keeps it honest.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const anyTable = (db: Executor, _table: string) => db as unknown as Kysely<any>;

export function rowToEntity<C extends CollectionName>(row: Row): EntityOf<C> {
  return { ...JSON.parse(row.data), revision: row.revision } as EntityOf<C>;
}

export async function insertEntity<C extends CollectionName>(
  db: Executor,
  name: C,
  entity: EntityOf<C>,
): Promise<void> {
  const { table, row } = storedRow(name, entity);
  const columns = Object.keys(row);
  await runPrepared(db, `insert ${table} ${columns.join(',')}`, Object.values(row), (slot) =>
    anyTable(db, table)
      .insertInto(table)
      .values(Object.fromEntries(columns.map((column, i) => [column, slot(i)]))),
  );
}

/** Writes a new state of an entity, guarded by its previous revision (the caller has checked it). */
export async function replaceEntity<C extends CollectionName>(
  db: Executor,
  name: C,
  entity: EntityOf<C>,
  previousRevision: number,
): Promise<boolean> {
  const { table, row } = storedRow(name, entity);
  const { id, negotiation_id: negotiationId, ...changed } = row;
  const columns = Object.keys(changed);
  const result = await runPrepared(
    db,
    `replace ${table} ${columns.join(',')}`,
    [...Object.values(changed), negotiationId, id, previousRevision],
    (slot) =>
      anyTable(db, table)
        .updateTable(table)
        .set(Object.fromEntries(columns.map((column, i) => [column, slot(i)])))
        // An id names a party, an issue or a rule within its negotiation only.
        .where('negotiation_id', '=', slot(columns.length))
        .where('id', '=', slot(columns.length + 1))
        .where('revision', '=', slot(columns.length + 2)),
  );
  return Number(result.numAffectedRows) === 1;
}

/** The row an entity is stored as: the entity whole in `data`, and the columns queries filter on. */
function storedRow<C extends CollectionName>(name: C, entity: EntityOf<C>) {
  const spec = collections[name];
  const { revision, ...data } = entity as EntityOf<C> & { revision: number };
  const row: Record<string, unknown> = {
    id: entity.id,
    negotiation_id: entity.negotiationId,
    revision,
    data: JSON.stringify(data),
    ...(spec.columns as (e: EntityOf<C>) => object)(entity),
  };
  // A column without a value is left out, as Kysely leaves it out of a statement it builds.
  for (const [column, value] of Object.entries(row)) if (value === undefined) delete row[column];
  return { table: spec.table, row };
}

export interface ListFilter {
  /** For owned collections (positions, red lines, preferences): the visibility rule of the reader. */
  owned?: OwnedVisibilityRule;
  versionId?: string;
  partyId?: string;
  id?: string;
}

/**
 * `listEntities` outside a transaction, through the store's read cache: the same rows, kept until
 * the collection's table changes. A transaction reads the database itself (`listEntities(trx, …)`).
 */
export function readEntities<C extends CollectionName>(
  store: { db: Executor; reads: ReadCache },
  name: C,
  negotiationId: string,
  filter: ListFilter = {},
): Promise<EntityOf<C>[]> {
  const key = `entities ${name} ${negotiationId} ${JSON.stringify(filter)}`;
  return store.reads.get(key, [collections[name].table], () => listEntities(store.db, name, negotiationId, filter));
}

/**
 * Lists a collection of one negotiation. Owned material is filtered in SQL by the reader's visibility
 * rule, so nothing the reader may not see leaves the database.
 */
export async function listEntities<C extends CollectionName>(
  db: Executor,
  name: C,
  negotiationId: string,
  filter: ListFilter = {},
): Promise<EntityOf<C>[]> {
  const { table } = collections[name];
  const rule = filter.owned && !filter.owned.all ? filter.owned : null;
  const values: unknown[] = [negotiationId];
  const slotFor = (value: unknown) => values.push(value) - 1;
  // The slots are taken in the same order as the shape names them, whatever the values.
  const id = filter.id !== undefined ? slotFor(filter.id) : null;
  const versionId = filter.versionId !== undefined ? slotFor(filter.versionId) : null;
  const partyId = filter.partyId !== undefined ? slotFor(filter.partyId) : null;
  const owners = rule ? rule.ownerPartyIds.map(slotFor) : [];
  const visibilities = rule ? rule.visibilities.map(slotFor) : [];
  const shape = `list ${table} id:${id !== null} version:${versionId !== null} party:${partyId !== null} owned:${
    rule ? `${owners.length},${visibilities.length}` : 'all'
  }`;
  const result = await runPrepared<Row>(db, shape, values, (slot) => {
    let query = anyTable(db, table)
      .selectFrom(table)
      .select(['id', 'negotiation_id', 'revision', 'data'])
      .where('negotiation_id', '=', slot(0));
    if (id !== null) query = query.where('id', '=', slot(id));
    if (versionId !== null) query = query.where('version_id', '=', slot(versionId));
    if (partyId !== null) query = query.where('party_id', '=', slot(partyId));
    if (rule) {
      query = query.where((eb) => {
        const allowed = [];
        if (owners.length > 0) allowed.push(eb('party_id', 'in', owners.map(slot)));
        if (visibilities.length > 0) allowed.push(eb('visibility', 'in', visibilities.map(slot)));
        return allowed.length > 0 ? eb.or(allowed) : eb.val(false);
      });
    }
    return query.orderBy('id');
  });
  return result.rows.map((row) => rowToEntity<C>(row));
}
