import { sql, type Kysely } from 'kysely';
import { engineOf } from './dialect.ts';

/**
 * Migration 0009: the ids a client may choose (parties, issues, transmission rules) name a thing
 * within its negotiation, not across the installation. Their keys become (negotiation_id, id), and
 * every reference to a party or a rule carries its negotiation: a negotiation may call its party
 * "us" whatever another negotiation calls its own, and creating one never tells anyone that an id is
 * in use elsewhere.
 */

/** Tables whose own id is now unique within its negotiation only. */
const SCOPED = ['parties', 'issues', 'transmission_rules'] as const;

/** References to a scoped table: [table, column, referenced table, what a delete of the target does]. */
const REFERENCES: readonly [string, string, (typeof SCOPED)[number], 'cascade' | null][] = [
  ['memberships', 'party_id', 'parties', 'cascade'],
  ['versions', 'author_party_id', 'parties', null],
  ['version_recipients', 'party_id', 'parties', 'cascade'],
  ['positions', 'party_id', 'parties', null],
  ['red_lines', 'party_id', 'parties', null],
  ['preferences', 'party_id', 'parties', null],
  ['invitations', 'party_id', 'parties', null],
  ['releases', 'party_id', 'parties', null],
  ['text_approvals', 'rule_id', 'transmission_rules', null],
];

export async function scopeIdsToNegotiations(db: Kysely<unknown>): Promise<void> {
  if (engineOf(db) === 'postgres') await onPostgres(db);
  else await onSqlite(db);
}

/** PostgreSQL changes keys in place (the migration runs in one transaction). */
async function onPostgres(db: Kysely<unknown>): Promise<void> {
  await addRecipientsNegotiation(db);
  const constraints = await sql<{ table: string; name: string; type: string }>`
    select conrelid::regclass::text as "table", conname as name, contype as type from pg_constraint
    where (contype = 'f' and confrelid in ('parties'::regclass, 'issues'::regclass, 'transmission_rules'::regclass))
       or (contype = 'p' and conrelid in ('parties'::regclass, 'issues'::regclass, 'transmission_rules'::regclass))
    order by contype`.execute(db);
  // Foreign keys first ('f' sorts before 'p'): a primary key cannot go while a reference leans on it.
  for (const c of constraints.rows)
    await sql`alter table ${sql.table(c.table)} drop constraint ${sql.id(c.name)}`.execute(db);
  for (const table of SCOPED)
    await sql`alter table ${sql.table(table)} add primary key (negotiation_id, id)`.execute(db);
  for (const [table, column, target, onDelete] of REFERENCES)
    await sql`alter table ${sql.table(table)} add foreign key (negotiation_id, ${sql.ref(column)})
      references ${sql.table(target)} (negotiation_id, id)${onDelete ? sql` on delete cascade` : sql``}`.execute(db);
}

/** A recipient row names its party within the version's negotiation. */
const RECIPIENTS_NEGOTIATION = sql`(select negotiation_id from versions where versions.id = version_recipients.version_id)`;

async function addRecipientsNegotiation(db: Kysely<unknown>): Promise<void> {
  await sql`alter table version_recipients add column negotiation_id text`.execute(db);
  await sql`update version_recipients set negotiation_id = ${RECIPIENTS_NEGOTIATION}`.execute(db);
  await sql`alter table version_recipients alter column negotiation_id set not null`.execute(db);
}

/**
 * SQLite cannot change a key in place: each table is rebuilt from its own definition, changed where
 * it names a key or a reference, with foreign keys off and in one transaction (SQLite's documented
 * way), and the references checked before the commit.
 */
async function onSqlite(db: Kysely<unknown>): Promise<void> {
  const tables = [...new Set([...SCOPED, ...REFERENCES.map(([table]) => table)])];
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin immediate`.execute(db);
    try {
      for (const table of tables) await rebuild(db, table);
      const broken = await sql`pragma foreign_key_check`.execute(db);
      if (broken.rows.length > 0)
        throw new Error(
          `${broken.rows.length} references do not hold after the change: ${JSON.stringify(broken.rows[0])}`,
        );
      await sql`commit`.execute(db);
    } catch (error) {
      await sql`rollback`.execute(db);
      throw error;
    }
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

async function rebuild(db: Kysely<unknown>, table: string): Promise<void> {
  const definitions = await sql<{ type: string; sql: string }>`
    select type, sql from sqlite_master where tbl_name = ${table} and sql is not null order by type desc`.execute(db);
  const create = definitions.rows.find((d) => d.type === 'table');
  if (!create) throw new Error(`the table ${table} is missing`);
  const indexes = definitions.rows.filter((d) => d.type === 'index').map((d) => d.sql);
  let definition = create.sql;
  const constraints: string[] = [];
  const change = (pattern: RegExp, replacement: string) => {
    if (!pattern.test(definition)) throw new Error(`the table ${table} is not as Parley made it: ${pattern} not found`);
    definition = definition.replace(pattern, replacement);
  };
  if ((SCOPED as readonly string[]).includes(table)) {
    change(/"id" text primary key/, '"id" text not null');
    constraints.push(`constraint "${table}_pk" primary key ("negotiation_id", "id")`);
  }
  if (table === 'version_recipients')
    change(
      /"version_id" text not null references "versions" \("id"\) on delete cascade/,
      '$& , "negotiation_id" text not null',
    );
  for (const [owner, column, target, onDelete] of REFERENCES) {
    if (owner !== table) continue;
    change(
      new RegExp(`"${column}" text( not null)? references "${target}" \\("id"\\)( on delete cascade)?`),
      `"${column}" text$1`,
    );
    constraints.push(
      `foreign key ("negotiation_id", "${column}") references "${target}" ("negotiation_id", "id")${onDelete ? ' on delete cascade' : ''}`,
    );
  }
  definition = definition.replace(/\)\s*$/, `, ${constraints.join(', ')})`);
  const renamed = definition.replace(/^CREATE TABLE "?\w+"?/i, `create table "${table}_rebuilt"`);
  const columns = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
  const list = sql.join(columns.rows.map((c) => sql.ref(c.name)));
  await sql.raw(renamed).execute(db);
  if (table === 'version_recipients')
    await sql`insert into version_recipients_rebuilt (${list}, negotiation_id)
      select ${list}, ${RECIPIENTS_NEGOTIATION} from version_recipients`.execute(db);
  else
    await sql`insert into ${sql.table(`${table}_rebuilt`)} (${list}) select ${list} from ${sql.table(table)}`.execute(
      db,
    );
  await sql`drop table ${sql.table(table)}`.execute(db);
  await sql`alter table ${sql.table(`${table}_rebuilt`)} rename to ${sql.table(table)}`.execute(db);
  for (const index of indexes) await sql.raw(index).execute(db);
}
