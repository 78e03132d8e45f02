import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/**
 * Migration 0010: the tables of the single negotiating text. Each names its party within its
 * negotiation (keys as migration 0009 made them), and is read by negotiation first.
 */
export async function singleTextTables(db: Kysely<unknown>): Promise<void> {
  const negotiation = (c: ColumnDefinitionBuilder) => c.notNull().references('negotiations.id').onDelete('cascade');
  await db.schema
    .createTable('drafts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('negotiation_id', 'text', negotiation)
    .addColumn('base_version_id', 'text', (c) => c.references('versions.id'))
    .addColumn('party_id', 'text')
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('issued_version_id', 'text', (c) => c.references('versions.id'))
    .addForeignKeyConstraint('drafts_party', ['negotiation_id', 'party_id'], 'parties', ['negotiation_id', 'id'])
    .execute();
  await sql`create index drafts_by_negotiation on drafts (negotiation_id, party_id)`.execute(db);

  await db.schema
    .createTable('amendments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('negotiation_id', 'text', negotiation)
    .addColumn('version_id', 'text', (c) => c.notNull().references('versions.id'))
    .addColumn('party_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('tabled_to', 'text')
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('amendments_party', ['negotiation_id', 'party_id'], 'parties', ['negotiation_id', 'id'])
    .execute();
  await sql`create index amendments_by_version on amendments (negotiation_id, version_id)`.execute(db);

  await db.schema
    .createTable('agreement_marks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('negotiation_id', 'text', negotiation)
    .addColumn('point_id', 'text', (c) => c.notNull())
    .addColumn('party_id', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('withdrawn_at', 'text')
    .addForeignKeyConstraint('agreement_marks_party', ['negotiation_id', 'party_id'], 'parties', [
      'negotiation_id',
      'id',
    ])
    .execute();
  await sql`create index agreement_marks_by_point on agreement_marks (negotiation_id, point_id)`.execute(db);

  await db.schema
    .createTable('bracket_closures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('negotiation_id', 'text', negotiation)
    .addColumn('bracket_id', 'text', (c) => c.notNull())
    .addColumn('version_id', 'text', (c) => c.notNull().references('versions.id'))
    .addColumn('closed_in_version_id', 'text', (c) => c.notNull().references('versions.id'))
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await sql`create index bracket_closures_by_negotiation on bracket_closures (negotiation_id, bracket_id)`.execute(db);

  await db.schema
    .createTable('version_attributions')
    .addColumn('version_id', 'text', (c) => c.primaryKey().references('versions.id').onDelete('cascade'))
    .addColumn('negotiation_id', 'text', negotiation)
    .addColumn('data', 'text', (c) => c.notNull())
    .execute();
}
