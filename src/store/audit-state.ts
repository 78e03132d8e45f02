import type { Approval, Id, Version } from '../core/model.ts';
import { DomainError } from '../core/errors.ts';
import { contentHash, optionLabels } from '../core/transmission.ts';
import { eventHash } from './audit.ts';
import type { Db } from './engine.ts';
import type { Executor } from './store.ts';
import { listEntities } from './collections.ts';

/**
 * The state is the log: every row that matters (positions, decisions on texts, who received which text,
 * seats and roles, administrators, transmission rules, texts and their content hashes) was made by an
 * audit event that says what it became. `verifyAuditState` rebuilds that state from the log alone, in one
 * pass over it, and compares it with the live tables, one pass over each, naming every row that differs.
 *
 * What it cannot check: fields an event never carried. Events written before this check existed carry
 * everything it compares, except that a `version.transmit` made by an approval does not say whether a
 * party's internal text became shared (it always does: any send shares it). Tables it does not rebuild
 * (red lines, preferences, issues, parties, rounds, statements, drafts, amendments, marks, closures)
 * are protected by the chain alone.
 */

/** One row that differs from the state the log describes. */
export interface StateDifference {
  /** The table the row is in: `positions`, `text_approvals`, `version_recipients`, … */
  table: string;
  /** The row: its id (`v-geneva-19 → ru` for a recipient). */
  id: string;
  /** The field that differs, or `row` when the row itself is missing or unexplained. */
  field: string;
  /** `differs`: the field is not what the log says; `unrecorded`: no event made the row; `missing`: the log made it, the table lost it. */
  problem: 'differs' | 'unrecorded' | 'missing';
  /** In words, with the values: for the operator who holds the database (never sent over HTTP). */
  detail: string;
}

export interface StateVerdict {
  ok: boolean;
  /** Rows compared, per table. */
  rows: Record<string, number>;
  differences: StateDifference[];
}

type Json = Record<string, unknown>;

const APPROVAL_ACTIONS = ['approval.approve', 'approval.reject', 'approval.send_back'] as const;

/** The fields of an entity that are its state: everything but its bookkeeping. */
function stateOf(entity: Json): Json {
  const { revision: _r, negotiationId: _n, ...rest } = entity;
  return rest;
}

/** A value in one canonical spelling (keys sorted), so that two equal values compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Json).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'string' ? `'${value}'` : canonical(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** The top-level fields on which two states differ (a field absent on one side and null on the other is the same). */
function differingFields(logged: Json, stored: Json): string[] {
  const keys = [...new Set([...Object.keys(logged), ...Object.keys(stored)])].sort();
  return keys.filter((key) => canonical(logged[key] ?? null) !== canonical(stored[key] ?? null));
}

class Report {
  readonly differences: StateDifference[] = [];
  readonly rows: Record<string, number> = {};

  counted(table: string): void {
    this.rows[table] = (this.rows[table] ?? 0) + 1;
  }

  differs(table: string, id: string, field: string, logged: unknown, stored: unknown): void {
    this.differences.push({
      table,
      id,
      field,
      problem: 'differs',
      detail: `${table} ${id}: the log says ${field} ${shown(logged)}, the table says ${shown(stored)}`,
    });
  }

  /** Each field of `stored` that is not what `logged` says. */
  compare(table: string, id: string, logged: Json, stored: Json): void {
    for (const field of differingFields(logged, stored)) this.differs(table, id, field, logged[field], stored[field]);
  }

  unrecorded(table: string, id: string, detail = `${table} ${id} is in the table but no event made it`): void {
    this.differences.push({ table, id, field: 'row', problem: 'unrecorded', detail });
  }

  missing(table: string, id: string, detail = `${table} ${id}: the log made it, the table no longer has it`): void {
    this.differences.push({ table, id, field: 'row', problem: 'missing', detail });
  }
}

/** The state the log describes, keyed as the tables are. */
interface LoggedState {
  users: Map<Id, { email: unknown; isAdmin: boolean }>;
  memberships: Map<Id, { userId: unknown; partyId: unknown; role: unknown; title: unknown }>;
  positions: Map<Id, Json>;
  /** By negotiation and id: a rule's id names it within its negotiation. */
  rules: Map<string, Json>;
  approvals: Map<Id, Json>;
  versions: Map<Id, { negotiationId: Id | null; version: Json; internal: boolean; withdrawnAt: unknown }>;
  /** `versionId partyId` → how the party received it. */
  recipients: Map<string, string>;
}

/** One pass over the log, in order, keeping what each event says the row became. */
async function loggedState(db: Db): Promise<LoggedState> {
  const state: LoggedState = {
    users: new Map(),
    memberships: new Map(),
    positions: new Map(),
    rules: new Map(),
    approvals: new Map(),
    versions: new Map(),
    recipients: new Map(),
  };
  let from = 1;
  const pageSize = 1000;
  while (true) {
    const rows = await db
      .selectFrom('audit_events')
      .select(['seq', 'action', 'entity_id', 'negotiation_id', 'after'])
      .where('seq', '>=', from)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const row of rows) apply(state, row);
    if (rows.length < pageSize) return state;
    from = rows[rows.length - 1]!.seq + 1;
  }
}

function apply(
  state: LoggedState,
  event: { seq: number; action: string; entity_id: string; negotiation_id: string | null; after: string | null },
): void {
  const after = (event.after === null ? null : JSON.parse(event.after)) as Json | null;
  const id = event.entity_id;
  const received = (versionId: Id, partyIds: unknown) => {
    if (Array.isArray(partyIds))
      for (const partyId of partyIds as Id[]) state.recipients.set(`${versionId} ${partyId}`, `event ${event.seq}`);
  };
  switch (event.action) {
    case 'user.create':
      state.users.set(id, { email: after?.email, isAdmin: after?.isAdmin === true });
      break;
    case 'membership.create':
    case 'membership.update':
      state.memberships.set(id, {
        userId: after?.userId,
        partyId: after?.partyId ?? null,
        role: after?.role,
        title: after?.title,
      });
      break;
    case 'membership.remove':
      state.memberships.delete(id);
      break;
    case 'position.create':
    case 'position.update':
    case 'position.carry':
      if (after) state.positions.set(id, stateOf(after));
      break;
    case 'transmission_rule.create':
    case 'transmission_rule.update':
      if (after) state.rules.set(`${event.negotiation_id} ${id}`, stateOf(after));
      break;
    case 'approval.approve':
    case 'approval.reject':
    case 'approval.send_back':
      if (after && typeof after.id === 'string') state.approvals.set(after.id, { ...after, ruleId: id });
      break;
    case 'version.create': {
      if (!after) break;
      const { recipientPartyIds, ...version } = after;
      state.versions.set(id, {
        negotiationId: event.negotiation_id,
        version,
        internal: version.internal === true,
        withdrawnAt: version.withdrawnAt ?? null,
      });
      // A text goes first to its author party (the demo's texts name their first recipients).
      received(id, recipientPartyIds ?? (version.authorPartyId ? [version.authorPartyId] : []));
      break;
    }
    case 'version.transmit': {
      const partyIds = (after?.partyIds ?? []) as Id[];
      received(id, partyIds);
      const logged = state.versions.get(id);
      // Any send shares a party's internal text with the mediators.
      if (logged && (partyIds.length > 0 || after?.sharedWithMediators === true)) logged.internal = false;
      break;
    }
    case 'version.withdraw': {
      const logged = state.versions.get(id);
      if (logged) logged.withdrawnAt = after?.withdrawnAt ?? null;
      break;
    }
  }
}

/**
 * Rebuilds the state from the log and compares it with the live tables. Bounded: one pass over the
 * log and one over each table compared.
 */
export async function verifyAuditState(db: Db): Promise<StateVerdict> {
  const logged = await loggedState(db);
  const report = new Report();

  for (const row of await db.selectFrom('users').select(['id', 'email', 'is_admin']).execute()) {
    report.counted('users');
    const user = logged.users.get(row.id);
    if (!user) {
      report.unrecorded('users', row.id);
      continue;
    }
    if ((row.is_admin === 1) !== user.isAdmin)
      report.differs('users', row.id, 'administrator', user.isAdmin, row.is_admin === 1);
    if (user.email !== undefined && user.email !== row.email)
      report.differs('users', row.id, 'email', user.email, row.email);
  }

  const memberships = await db
    .selectFrom('memberships')
    .select(['id', 'user_id', 'party_id', 'role', 'title'])
    .execute();
  for (const row of memberships) {
    report.counted('memberships');
    const seat = logged.memberships.get(row.id);
    if (!seat) report.unrecorded('memberships', row.id);
    else
      report.compare('memberships', row.id, seat, {
        userId: row.user_id,
        partyId: row.party_id,
        role: row.role,
        title: row.title,
      });
  }
  const seats = new Set(memberships.map((m) => m.id));
  for (const id of logged.memberships.keys()) if (!seats.has(id)) report.missing('memberships', id);

  const positions = await db
    .selectFrom('positions')
    .select(['id', 'party_id', 'visibility', 'version_id', 'point_id', 'data'])
    .execute();
  for (const row of positions) {
    report.counted('positions');
    const position = logged.positions.get(row.id);
    if (!position) {
      report.unrecorded('positions', row.id);
      continue;
    }
    const data = stateOf(JSON.parse(row.data) as Json);
    report.compare('positions', row.id, position, data);
    // The columns that reads filter on are the entity's too: a changed column shows the row to others.
    const columns = {
      partyId: row.party_id,
      visibility: row.visibility,
      versionId: row.version_id,
      pointId: row.point_id,
    };
    for (const [field, value] of Object.entries(columns))
      if (position[field] !== value && data[field] === position[field])
        report.differs('positions', row.id, `${field} (column)`, position[field], value);
  }
  const positionIds = new Set(positions.map((p) => p.id));
  for (const id of logged.positions.keys()) if (!positionIds.has(id)) report.missing('positions', id);

  const rules = await db.selectFrom('transmission_rules').select(['id', 'negotiation_id', 'data']).execute();
  for (const row of rules) {
    report.counted('transmission_rules');
    const key = `${row.negotiation_id} ${row.id}`;
    const rule = logged.rules.get(key);
    if (!rule) report.unrecorded('transmission_rules', row.id);
    else report.compare('transmission_rules', row.id, rule, stateOf(JSON.parse(row.data) as Json));
  }
  const ruleKeys = new Set(rules.map((r) => `${r.negotiation_id} ${r.id}`));
  for (const key of logged.rules.keys())
    if (!ruleKeys.has(key)) report.missing('transmission_rules', key.slice(key.indexOf(' ') + 1));

  const approvals = await db
    .selectFrom('text_approvals')
    .select(['id', 'rule_id', 'stage_id', 'version_id', 'content_hash', 'user_id', 'data'])
    .execute();
  for (const row of approvals) {
    report.counted('text_approvals');
    const approval = logged.approvals.get(row.id);
    if (!approval) {
      report.unrecorded('text_approvals', row.id);
      continue;
    }
    const data = JSON.parse(row.data) as Json;
    report.compare('text_approvals', row.id, approvalFields(approval), {
      ruleId: row.rule_id,
      stageId: row.stage_id,
      versionId: row.version_id,
      contentHash: row.content_hash,
      userId: row.user_id,
      decision: data.decision,
    });
    for (const field of differingFields(approvalFields(approval), approvalFields({ ...data, ruleId: row.rule_id })))
      report.differs('text_approvals', row.id, `${field} (data)`, approval[field], data[field]);
  }
  const approvalIds = new Set(approvals.map((a) => a.id));
  for (const id of logged.approvals.keys()) if (!approvalIds.has(id)) report.missing('text_approvals', id);

  const versions = await db
    .selectFrom('versions')
    .select(['id', 'negotiation_id', 'data', 'content_hash', 'internal', 'author_party_id'])
    .execute();
  const labels = new Map<Id, ReturnType<typeof optionLabels>>();
  for (const row of versions) {
    report.counted('versions');
    let negotiationLabels = labels.get(row.negotiation_id);
    if (!negotiationLabels) {
      negotiationLabels = optionLabels(await listEntities(db, 'issues', row.negotiation_id));
      labels.set(row.negotiation_id, negotiationLabels);
    }
    const stored = JSON.parse(row.data) as Version;
    const hash = contentHash(stored, negotiationLabels);
    if (hash !== row.content_hash)
      report.differences.push({
        table: 'versions',
        id: row.id,
        field: 'content_hash',
        problem: 'differs',
        detail: `versions ${row.id}: its content no longer matches its stored content hash (${row.content_hash.slice(0, 12)}…, the content gives ${hash.slice(0, 12)}…): the text was altered outside Parley`,
      });
    const version = logged.versions.get(row.id);
    if (!version) {
      report.unrecorded('versions', row.id);
      continue;
    }
    const loggedHash = contentHash(version.version as unknown as Version, negotiationLabels);
    if (loggedHash !== hash)
      report.differences.push({
        table: 'versions',
        id: row.id,
        field: 'content',
        problem: 'differs',
        detail: `versions ${row.id}: its content is not the content the log recorded (the log's gives ${loggedHash.slice(0, 12)}…, the table's ${hash.slice(0, 12)}…)`,
      });
    if (version.internal !== (row.internal === 1))
      report.differs('versions', row.id, 'internal', version.internal, row.internal === 1);
    if ((version.withdrawnAt ?? null) !== (stored.withdrawnAt ?? null))
      report.differs('versions', row.id, 'withdrawnAt', version.withdrawnAt ?? null, stored.withdrawnAt ?? null);
    if ((version.version.authorPartyId ?? null) !== row.author_party_id)
      report.differs('versions', row.id, 'authorPartyId', version.version.authorPartyId ?? null, row.author_party_id);
  }
  const versionIds = new Set(versions.map((v) => v.id));
  for (const id of logged.versions.keys()) if (!versionIds.has(id)) report.missing('versions', id);

  const recipients = await db.selectFrom('version_recipients').select(['version_id', 'party_id']).execute();
  const held = new Set<string>();
  for (const row of recipients) {
    report.counted('version_recipients');
    const key = `${row.version_id} ${row.party_id}`;
    held.add(key);
    if (!logged.recipients.has(key))
      report.unrecorded(
        'version_recipients',
        `${row.version_id} → ${row.party_id}`,
        `version_recipients ${row.version_id} → ${row.party_id}: no event sent it`,
      );
  }
  for (const [key, by] of logged.recipients)
    if (!held.has(key)) {
      const [versionId, partyId] = key.split(' ');
      report.missing(
        'version_recipients',
        `${versionId} → ${partyId}`,
        `version_recipients ${versionId} → ${partyId}: ${by} sent it, the table no longer has it`,
      );
    }

  return { ok: report.differences.length === 0, rows: report.rows, differences: report.differences };
}

/** What a decision on a text is: who, at which stage of which rule, on which text and hash, deciding what. */
function approvalFields(approval: Json): Json {
  const { ruleId, stageId, versionId, contentHash: hash, userId, decision } = approval;
  return { ruleId, stageId, versionId, contentHash: hash, userId, decision };
}

/**
 * The decisions on texts of a negotiation, for a decision of its own (a send, an approval, a
 * countersignature): each row must be the one its audit event recorded, unchanged, or nothing is
 * decided and the answer says the stored approvals were altered outside Parley. A forged row (a
 * principal's approval inserted into the table) therefore releases nothing.
 */
export async function recordedApprovals(db: Executor, negotiationId: Id, approvals: Approval[]): Promise<Approval[]> {
  if (approvals.length === 0) return approvals;
  const events = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('negotiation_id', '=', negotiationId)
    .where('action', 'in', [...APPROVAL_ACTIONS])
    .execute();
  const byId = new Map<Id, Json>();
  for (const event of events) {
    // An event whose fields no longer give its hash vouches for nothing.
    if (event.after === null || eventHash(event) !== event.hash) continue;
    const after = JSON.parse(event.after) as Json;
    if (typeof after.id === 'string' && event.action === `approval.${String(after.decision)}`)
      byId.set(after.id, { ...after, ruleId: event.entity_id });
  }
  const altered = approvals.filter((approval) => {
    const logged = byId.get(approval.id);
    return !logged || differingFields(approvalFields(logged), approvalFields(approval as unknown as Json)).length > 0;
  });
  if (altered.length > 0)
    throw new DomainError(
      'conflict',
      `the stored decisions on texts were altered outside Parley: ${altered
        .map((a) => `decision ${a.id} on version ${a.versionId}`)
        .join(
          ', ',
        )} ${altered.length === 1 ? 'is' : 'are'} not what the audit log recorded, so nothing is sent or decided on them; an administrator should run "parley audit verify" and restore the table from a backup`,
    );
  return approvals;
}
