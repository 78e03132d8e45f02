import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';
import { contentHash, optionLabels } from '../core/transmission.ts';
import { engineOf } from './dialect.ts';
import { scopeIdsToNegotiations } from './scope-ids.ts';
import { singleTextTables } from './single-text-schema.ts';
import { rehashTexts } from './texts.ts';

/**
 * Tables. Each collection of a negotiation keeps the whole entity as JSON in `data` and copies the
 * fields that queries filter on (party, visibility, version) into columns, written from the entity in
 * one place (`collections.ts`) so that the two never disagree.
 */
export interface EntityRow {
  id: string;
  negotiation_id: string;
  revision: number;
  data: string;
}

export interface OwnedRow extends EntityRow {
  party_id: string;
  visibility: string;
}

export interface Database {
  users: { id: string; email: string; name: string; password_hash: string; is_admin: number; created_at: string };
  sessions: { token_hash: string; user_id: string; created_at: string; expires_at: string };
  /** Failed password checks per client address and per account, shared by every server process (sign-in-strikes.ts). */
  sign_in_strikes: { key: string; failures: number; last_failure: number; until: number };
  /** Addresses an account signed in from, exempt from that account's back-off (sign-in-strikes.ts). */
  sign_in_known: { account: string; address: string; last_success: number };
  negotiations: { id: string; revision: number; data: string; created_at: string };
  parties: EntityRow;
  memberships: {
    id: string;
    negotiation_id: string;
    user_id: string;
    party_id: string | null;
    role: string;
    title: string;
  };
  versions: EntityRow & {
    parent_id: string | null;
    author_party_id: string | null;
    internal: number;
    created_at: string;
    content_hash: string;
  };
  version_recipients: { version_id: string; negotiation_id: string; party_id: string; received_at: string };
  positions: OwnedRow & { version_id: string; point_id: string };
  issues: EntityRow;
  red_lines: OwnedRow;
  preferences: OwnedRow;
  rounds: EntityRow;
  statements: EntityRow;
  tracks: EntityRow;
  transmission_rules: EntityRow;
  analyses: {
    id: string;
    negotiation_id: string;
    requested_by: string;
    version_id: string;
    inputs_key: string;
    data: string;
    created_at: string;
  };
  releases: {
    id: string;
    negotiation_id: string;
    analysis_id: string;
    party_id: string;
    data: string;
    created_by: string;
    created_at: string;
  };
  invitations: {
    id: string;
    negotiation_id: string;
    email: string;
    party_id: string | null;
    role: string;
    title: string;
    token_hash: string;
    created_by: string;
    created_at: string;
    expires_at: string;
    accepted_at: string | null;
    revoked_at: string | null;
    /** Who consented to the seat for its party (its principal or lead); null while none has. */
    party_consent_by: string | null;
  };
  /** Changes to seats and coalitions waiting for the consent of the parties they touch. */
  proposals: {
    id: string;
    negotiation_id: string;
    kind: string;
    subject_id: string;
    state: string;
    data: string;
    created_at: string;
  };
  /** An account made by an administrator, waiting for its person to choose a password (one open link each). */
  password_setups: {
    user_id: string;
    token_hash: string;
    created_by: string | null;
    created_at: string;
    expires_at: string;
  };
  text_approvals: {
    id: string;
    negotiation_id: string;
    rule_id: string;
    stage_id: string;
    version_id: string;
    content_hash: string;
    user_id: string;
    data: string;
    at: string;
  };
  /** A text being drafted in place, saved as it is typed, at a revision; issued as a version when ready. */
  drafts: {
    id: string;
    negotiation_id: string;
    base_version_id: string | null;
    /** The party whose draft it is; null for a text of the table (the mediators'). */
    party_id: string | null;
    revision: number;
    data: string;
    created_by: string;
    created_at: string;
    updated_at: string;
    /** The version it was issued as; null while it is being drafted. */
    issued_version_id: string | null;
  };
  /** A change a party proposes to a version: internal to the party until its principal or lead tables it. */
  amendments: {
    id: string;
    negotiation_id: string;
    version_id: string;
    party_id: string;
    /** draft, tabled, accepted, rejected, orphaned, withdrawn, consolidated */
    state: string;
    /** Who may read it once tabled: 'mediators' or 'table'; null while internal to the party. */
    tabled_to: string | null;
    revision: number;
    data: string;
    created_at: string;
  };
  /** A party's provisional agreement (ad referendum) to a point's wording, bound to its content hash. */
  agreement_marks: {
    id: string;
    negotiation_id: string;
    point_id: string;
    party_id: string;
    content_hash: string;
    data: string;
    at: string;
    /** Set when the party took its mark back. */
    withdrawn_at: string | null;
  };
  /** How a bracket was closed: which alternative, or its language dropped; when, and by whose agreement. */
  bracket_closures: {
    id: string;
    negotiation_id: string;
    bracket_id: string;
    /** The version in which the bracket was still open, and the one that closed it. */
    version_id: string;
    closed_in_version_id: string;
    data: string;
    at: string;
  };
  /** For a version made from amendments: which spans of its text each amendment brought (for provenance). */
  version_attributions: {
    version_id: string;
    negotiation_id: string;
    data: string;
  };
  audit_events: {
    seq: number;
    at: string;
    actor_id: string | null;
    action: string;
    entity: string;
    entity_id: string;
    negotiation_id: string | null;
    before: string | null;
    after: string | null;
    prev_hash: string;
    hash: string;
  };
  /** The chain head signed with the installation's audit key (`audit-checkpoints.ts`). */
  audit_checkpoints: {
    seq: number;
    hash: string;
    at: string;
    key_id: string;
    signature: string;
    /** Why it was written: `events` (every N), `time` (every M minutes), `start` or `shutdown` of a server. */
    reason: string;
  };
}

function entityTable(db: Kysely<unknown>, name: string) {
  return db.schema
    .createTable(name)
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('negotiation_id', 'text', (c) => c.notNull().references('negotiations.id').onDelete('cascade'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull());
}

/** Migrations, in order. Never edit one that has shipped: add the next. */
export const migrations: Record<string, Migration> = {
  '0001-initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('negotiations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await entityTable(db, 'parties').execute();
      await db.schema
        .createTable('memberships')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('negotiation_id', 'text', (c) => c.notNull().references('negotiations.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('party_id', 'text', (c) => c.references('parties.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('memberships_by_user')
        .on('memberships')
        .columns(['user_id', 'negotiation_id'])
        .execute();
      await entityTable(db, 'versions')
        .addColumn('parent_id', 'text', (c) => c.references('versions.id'))
        .addColumn('author_party_id', 'text', (c) => c.references('parties.id'))
        .addColumn('internal', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('version_recipients')
        .addColumn('version_id', 'text', (c) => c.notNull().references('versions.id').onDelete('cascade'))
        .addColumn('party_id', 'text', (c) => c.notNull().references('parties.id').onDelete('cascade'))
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('version_recipients_pk', ['version_id', 'party_id'])
        .execute();
      await entityTable(db, 'positions')
        .addColumn('party_id', 'text', (c) => c.notNull().references('parties.id'))
        .addColumn('visibility', 'text', (c) => c.notNull())
        .addColumn('version_id', 'text', (c) => c.notNull().references('versions.id'))
        .addColumn('point_id', 'text', (c) => c.notNull())
        .addUniqueConstraint('positions_one_per_party_point', ['version_id', 'point_id', 'party_id'])
        .execute();
      await entityTable(db, 'issues').execute();
      for (const owned of ['red_lines', 'preferences']) {
        await entityTable(db, owned)
          .addColumn('party_id', 'text', (c) => c.notNull().references('parties.id'))
          .addColumn('visibility', 'text', (c) => c.notNull())
          .execute();
      }
      await db.schema
        .createIndex('preferences_one_per_party')
        .on('preferences')
        .columns(['negotiation_id', 'party_id'])
        .unique()
        .execute();
      for (const plain of ['rounds', 'statements', 'tracks']) await entityTable(db, plain).execute();
      await entityTable(db, 'approval_policies')
        .addColumn('version_id', 'text', (c) => c.notNull().references('versions.id'))
        .execute();
      await db.schema
        .createTable('approvals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('policy_id', 'text', (c) => c.notNull().references('approval_policies.id').onDelete('cascade'))
        .addColumn('stage_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_events')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('entity', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('negotiation_id', 'text')
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      for (const table of [
        'parties',
        'versions',
        'positions',
        'issues',
        'red_lines',
        'rounds',
        'statements',
        'tracks',
        'approval_policies',
      ]) {
        await sql`create index ${sql.raw(`${table}_by_negotiation`)} on ${sql.table(table)} (negotiation_id)`.execute(
          db,
        );
      }
    },
  },
  '0002-transmission-rules': {
    /**
     * Approval chains move from one version to the negotiation: each old chain becomes a rule for
     * texts of its version's author, and each old decision is bound to the content of the version it
     * was taken on. Versions keep their content hash in a column.
     */
    async up(db: Kysely<unknown>) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const any = db as Kysely<any>;
      await any.schema
        .alterTable('versions')
        .addColumn('content_hash', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      const versions = await any.selectFrom('versions').select(['id', 'data', 'author_party_id']).execute();
      const hashes = new Map<string, string>();
      for (const row of versions) {
        // Without the options' labels, as texts were hashed then; 0006 adds them.
        const hash = contentHash(JSON.parse(row.data), () => undefined);
        hashes.set(row.id, hash);
        await any.updateTable('versions').set({ content_hash: hash }).where('id', '=', row.id).execute();
      }
      await entityTable(db, 'transmission_rules').execute();
      await sql`create index transmission_rules_by_negotiation on transmission_rules (negotiation_id)`.execute(db);
      await db.schema
        .createTable('text_approvals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('negotiation_id', 'text', (c) => c.notNull().references('negotiations.id').onDelete('cascade'))
        .addColumn('rule_id', 'text', (c) => c.notNull().references('transmission_rules.id'))
        .addColumn('stage_id', 'text', (c) => c.notNull())
        .addColumn('version_id', 'text', (c) => c.notNull().references('versions.id'))
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await sql`create index text_approvals_by_rule on text_approvals (rule_id, content_hash)`.execute(db);
      const authorOf = new Map(versions.map((row) => [row.id as string, row.author_party_id as string | null]));
      const policies = await any.selectFrom('approval_policies').selectAll().execute();
      for (const row of policies) {
        const policy = JSON.parse(row.data);
        const author = authorOf.get(row.version_id) ?? null;
        const rule = {
          id: row.id,
          negotiationId: row.negotiation_id,
          name: policy.name,
          description: `Converted from the approval chain of version "${row.version_id}".`,
          fromPartyIds: author ? [author] : [],
          toPartyIds: policy.transmitToPartyIds,
          stages: policy.stages,
          pendingChange: null,
          removedAt: null,
          createdAt: policy.transmittedAt ?? '1970-01-01T00:00:00.000Z',
          createdBy: null,
        };
        const { id: _id, ...data } = rule;
        await any
          .insertInto('transmission_rules')
          .values({
            id: row.id,
            negotiation_id: row.negotiation_id,
            revision: row.revision,
            data: JSON.stringify({ id: row.id, ...data }),
          })
          .execute();
        const approvals = await any.selectFrom('approvals').selectAll().where('policy_id', '=', row.id).execute();
        for (const old of approvals) {
          const decision = JSON.parse(old.data);
          const hash = hashes.get(row.version_id) ?? '';
          const approval = {
            id: old.id,
            ruleId: row.id,
            stageId: old.stage_id,
            versionId: row.version_id,
            contentHash: hash,
            userId: old.user_id,
            decision: decision.decision,
            comment: decision.comment ?? '',
            at: old.at,
          };
          await any
            .insertInto('text_approvals')
            .values({
              id: old.id,
              negotiation_id: row.negotiation_id,
              rule_id: row.id,
              stage_id: old.stage_id,
              version_id: row.version_id,
              content_hash: hash,
              user_id: old.user_id,
              data: JSON.stringify(approval),
              at: old.at,
            })
            .execute();
        }
      }
      await db.schema.dropTable('approvals').execute();
      await db.schema.dropTable('approval_policies').execute();
    },
  },
  '0003-invitations': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('invitations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('negotiation_id', 'text', (c) => c.notNull().references('negotiations.id').onDelete('cascade'))
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('party_id', 'text', (c) => c.references('parties.id'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('accepted_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await sql`create index invitations_by_negotiation on invitations (negotiation_id)`.execute(db);
      // Parties gain a scope (the points a coalition negotiates as one); empty means all.
      if (engineOf(db) === 'postgres')
        await sql`update parties set data = jsonb_set(data::jsonb, '{pointIds}', '[]'::jsonb)::text where (data::jsonb) -> 'pointIds' is null`.execute(
          db,
        );
      else
        await sql`update parties set data = json_set(data, '$.pointIds', json('[]')) where json_extract(data, '$.pointIds') is null`.execute(
          db,
        );
    },
  },
  '0004-settlement-desk': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('analyses')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('negotiation_id', 'text', (c) => c.notNull().references('negotiations.id').onDelete('cascade'))
        .addColumn('requested_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('version_id', 'text', (c) => c.notNull().references('versions.id'))
        .addColumn('inputs_key', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('releases')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('negotiation_id', 'text', (c) => c.notNull().references('negotiations.id').onDelete('cascade'))
        .addColumn('analysis_id', 'text', (c) => c.notNull().references('analyses.id'))
        .addColumn('party_id', 'text', (c) => c.notNull().references('parties.id'))
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await sql`create index releases_by_negotiation on releases (negotiation_id, party_id)`.execute(db);
    },
  },
  '0005-analyses-by-requester': {
    async up(db: Kysely<unknown>) {
      // The settlement page lists a reader's own analyses of a negotiation on every visit.
      await sql`create index analyses_by_requester on analyses (negotiation_id, requested_by, created_at)`.execute(db);
    },
  },
  '0006-meaning-in-content-hash': {
    /**
     * A text's content hash now holds the labels of the options it chooses. Every stored hash is
     * recomputed with the labels as they stand, and each decision bound to a text's old hash is bound
     * to its new one: the labels are those the decision was taken under, as far as the database knows.
     */
    async up(db: Kysely<unknown>) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const any = db as Kysely<any>;
      const negotiations = await any.selectFrom('negotiations').select('id').execute();
      for (const { id } of negotiations) {
        const issues = await any.selectFrom('issues').select('data').where('negotiation_id', '=', id).execute();
        const labels = optionLabels(issues.map((row: { data: string }) => JSON.parse(row.data)));
        for (const change of await rehashTexts(any, id, labels)) {
          const bound = await any
            .selectFrom('text_approvals')
            .select(['id', 'data'])
            .where('negotiation_id', '=', id)
            .where('content_hash', '=', change.before)
            .execute();
          for (const row of bound)
            await any
              .updateTable('text_approvals')
              .set({
                content_hash: change.after,
                data: JSON.stringify({ ...JSON.parse(row.data), contentHash: change.after }),
              })
              .where('id', '=', row.id)
              .execute();
        }
      }
    },
  },
  '0007-password-setups': {
    async up(db: Kysely<unknown>) {
      // An account an administrator makes has no password until its person chooses one with a one-time link.
      await db.schema
        .createTable('password_setups')
        .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      // Expired sessions are purged oldest first, a bounded number at a time.
      await sql`create index sessions_by_expiry on sessions (expires_at)`.execute(db);
    },
  },
  '0008-seats-by-consent': {
    async up(db: Kysely<unknown>) {
      // An invitation into a party records who consented to it for the party.
      await db.schema.alterTable('invitations').addColumn('party_consent_by', 'text').execute();
      // Seats and coalition memberships a party has not yet consented to wait here.
      await db.schema
        .createTable('proposals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('negotiation_id', 'text', (c) => c.notNull().references('negotiations.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await sql`create index proposals_by_negotiation on proposals (negotiation_id, state)`.execute(db);
    },
  },
  '0009-ids-per-negotiation': {
    // Parties, issues and rules are named within their negotiation: keys (negotiation_id, id).
    up: scopeIdsToNegotiations,
  },
  '0010-single-text': {
    // The single negotiating text: drafts, amendments, marks of agreement, closed brackets, provenance.
    up: singleTextTables,
  },
  '0011-audit-checkpoints': {
    // The chain head, signed with the audit key (kept outside the database) now and then.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0012-audit-by-negotiation': {
    // A decision checks the negotiation's approval events against their rows: read by negotiation and kind.
    async up(db: Kysely<unknown>) {
      await sql`create index audit_events_by_negotiation on audit_events (negotiation_id, action)`.execute(db);
    },
  },
  '0013-audit-history': {
    // The history reads a negotiation's events newest first, a page at a time: by negotiation and seq.
    async up(db: Kysely<unknown>) {
      await sql`create index audit_events_history on audit_events (negotiation_id, seq)`.execute(db);
    },
  },
  '0014-sign-in-strikes': {
    // The sign-in guard's back-off, counted in the database so that every server process on it applies it.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sign_in_strikes')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        // Milliseconds since the epoch (doubles: exact for them, and numbers on both engines).
        .addColumn('last_failure', 'double precision', (c) => c.notNull())
        .addColumn('until', 'double precision', (c) => c.notNull())
        .execute();
      await sql`create index sign_in_strikes_by_age on sign_in_strikes (last_failure)`.execute(db);
      await db.schema
        .createTable('sign_in_known')
        .addColumn('account', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('last_success', 'double precision', (c) => c.notNull())
        .addPrimaryKeyConstraint('sign_in_known_key', ['account', 'address'])
        .execute();
      await sql`create index sign_in_known_by_age on sign_in_known (last_success)`.execute(db);
    },
  },
};
