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
  const spec = collections[name];
  const { revision, ...data } = entity as EntityOf<C> & { revision: number };
  await anyTable(db, spec.table)
    .insertInto(spec.table)
    .values({
      id: entity.id,
      negotiation_id: entity.negotiationId,
      revision,
      data: JSON.stringify(data),
      ...(spec.columns as (e: EntityOf<C>) => object)(entity),
    })
    .execute();
}

/** Writes a new state of an entity, guarded by its previous revision (the caller has checked it). */
export async function replaceEntity<C extends CollectionName>(
  db: Executor,
  name: C,
  entity: EntityOf<C>,
  previousRevision: number,
): Promise<boolean> {
  const spec = collections[name];
  const { revision, ...data } = entity as EntityOf<C> & { revision: number };
  const result = await anyTable(db, spec.table)
    .updateTable(spec.table)
    .set({ revision, data: JSON.stringify(data), ...(spec.columns as (e: EntityOf<C>) => object)(entity) })
    .where('id', '=', entity.id)
    .where('revision', '=', previousRevision)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
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
  const spec = collections[name];
  let query = anyTable(db, spec.table)
    .selectFrom(spec.table)
    .select(['id', 'negotiation_id', 'revision', 'data'])
    .where('negotiation_id', '=', negotiationId);
  if (filter.id !== undefined) query = query.where('id', '=', filter.id);
  if (filter.versionId !== undefined) query = query.where('version_id', '=', filter.versionId);
  if (filter.partyId !== undefined) query = query.where('party_id', '=', filter.partyId);
  const rule = filter.owned;
  if (rule && !rule.all) {
    query = query.where((eb) => {
      const allowed = [];
      if (rule.ownerPartyIds.length > 0) allowed.push(eb('party_id', 'in', rule.ownerPartyIds));
      if (rule.visibilities.length > 0) allowed.push(eb('visibility', 'in', rule.visibilities));
      return allowed.length > 0 ? eb.or(allowed) : eb.val(false);
    });
  }
  const rows = (await query.orderBy('id').execute()) as Row[];
  return rows.map((row) => rowToEntity<C>(row));
}
