import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { VersionComparison } from '../core/compare.ts';
import { documentProblems } from '../core/document.ts';
import { conflict, DomainError, forbidden, invalid, notFound } from '../core/errors.ts';
import type {
  Approval,
  Id,
  Issue,
  Membership,
  Negotiation,
  Party,
  Position,
  Preference,
  PublicStatement,
  RedLine,
  Role,
  Round,
  Track,
  User,
  Version,
  VersionView,
} from '../core/model.ts';
import { progressSeries, versionProgress, type ProgressSeries, type VersionProgress } from '../core/progress.ts';
import { checkRedLines, constraintProblems, type RedLineReport } from '../core/redlines.ts';
import { contentHash, gateRefusals, type TextRecord } from '../core/transmission.ts';
import {
  canActAsMediator,
  canActForParty,
  canSeeNegotiation,
  canSeeTrack,
  canSeeVersion,
  canSendForParty,
  hiddenPointIds,
  ownedVisibilityRule,
  readerView,
  viewerScope,
  type ViewerScope,
} from '../core/visibility.ts';
import { ComparisonCache } from './compare-cache.ts';
import { ComparisonWorker } from './compare-worker.ts';
import { appendAuditEvent, verifyAuditChain, type AuditVerdict } from './audit.ts';
import { insertEntity, listEntities, replaceEntity, type CollectionName, type EntityOf } from './collections.ts';
import { openSqlite, type Db } from './db.ts';
import type { Database } from './schema.ts';
import { hashPassword, newToken, tokenHash, verifyPassword } from './passwords.ts';

/** Everything a request about one negotiation needs to decide what its reader may see. */
export interface NegotiationContext {
  user: User;
  scope: ViewerScope;
  negotiation: Negotiation;
  parties: Party[];
  memberships: Membership[];
  tracks: Track[];
}

export interface StoreOptions {
  /** The clock; tests pass a fixed one. */
  now?: () => Date;
  newId?: () => string;
  /** How long a login token stays valid. */
  sessionHours?: number;
}

type Executor = Db | Transaction<Database>;
type Change = { action: string; entity: string; entityId: string; negotiationId: string | null; before: unknown; after: unknown };
type Recorder = (change: Change) => Promise<void>;

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * The store: every read takes the reader and applies the visibility policy of `core/visibility.ts` in
 * its queries; every change is one transaction that writes the new state and appends its audit event.
 */
export class Store {
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly sessionHours: number;
  /** Comparisons already computed, by the content of the two sides as the reader sees them. */
  private readonly comparisons = new ComparisonCache(200);
  /** Long comparisons run on a worker thread, off the event loop. */
  private readonly comparisonWorker = new ComparisonWorker();

  constructor(
    readonly db: Db,
    options: StoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    this.sessionHours = options.sessionHours ?? 12;
  }

  /** Opens an SQLite file (created when missing) and migrates it. */
  static async open(file: string, options: StoreOptions = {}): Promise<Store> {
    return new Store(await openSqlite(file), options);
  }

  async close(): Promise<void> {
    await this.comparisonWorker.close();
    await this.db.destroy();
  }

  nowIso(): string {
    return this.now().toISOString();
  }

  id(): string {
    return this.newId();
  }

  /** Runs `work` in one transaction; each change it records is appended to the audit chain in it. */
  async change<T>(actorId: Id | null, work: (trx: Transaction<Database>, record: Recorder) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const record: Recorder = (change) => appendAuditEvent(trx, { ...change, at: this.nowIso(), actorId });
        return work(trx, record);
      });
    } catch (error) {
      throw constraintError(error) ?? error;
    }
  }

  verifyAudit(): Promise<AuditVerdict> {
    return verifyAuditChain(this.db);
  }

  // ---------------------------------------------------------------- people and sessions

  async createUser(actorId: Id | null, input: { email: string; name: string; password: string; isAdmin?: boolean; id?: Id }): Promise<User> {
    const email = input.email.trim().toLowerCase();
    if (!EMAIL.test(email)) throw invalid('email', `"${input.email}" is not an e-mail address`);
    if (input.password.length < 8) throw invalid('password', 'a password needs at least 8 characters');
    if (!input.name.trim()) throw invalid('name', 'give the person a name');
    const passwordHash = await hashPassword(input.password);
    const user: User = { id: input.id ?? this.id(), email, name: input.name.trim(), isAdmin: input.isAdmin ?? false };
    return this.change(actorId, async (trx, record) => {
      const existing = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
      if (existing) throw new DomainError('conflict', `an account with the e-mail ${email} exists already`, 'email', { email });
      await trx.insertInto('users').values({ id: user.id, email, name: user.name, password_hash: passwordHash, is_admin: user.isAdmin ? 1 : 0, created_at: this.nowIso() }).execute();
      await record({ action: 'user.create', entity: 'user', entityId: user.id, negotiationId: null, before: null, after: user });
      return user;
    });
  }

  async userByEmail(email: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
    return row ? { id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin === 1 } : null;
  }

  /** Checks a password and opens a session; null when the e-mail or the password is wrong (never which). */
  async login(email: string, password: string): Promise<{ token: string; user: User; expiresAt: string } | null> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
    const ok = row ? await verifyPassword(password, row.password_hash) : await verifyPassword(password, DUMMY_HASH);
    if (!row || !ok) return null;
    const token = newToken();
    const expiresAt = new Date(this.now().getTime() + this.sessionHours * 3600_000).toISOString();
    await this.db.insertInto('sessions').values({ token_hash: tokenHash(token), user_id: row.id, created_at: this.nowIso(), expires_at: expiresAt }).execute();
    return { token, user: { id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin === 1 }, expiresAt };
  }

  async userByToken(token: string): Promise<User | null> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id', 'users.email', 'users.name', 'users.is_admin', 'sessions.expires_at'])
      .where('sessions.token_hash', '=', tokenHash(token))
      .executeTakeFirst();
    if (!row || row.expires_at <= this.nowIso()) return null;
    return { id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin === 1 };
  }

  async logout(token: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash(token)).execute();
  }

  // ---------------------------------------------------------------- negotiations and membership

  /** The negotiations a person takes part in (an administrator too: the installation is not its secrets). */
  async listNegotiations(user: User): Promise<Negotiation[]> {
    const rows = await this.db
      .selectFrom('negotiations')
      .select(['id', 'revision', 'data'])
      .where('id', 'in', this.db.selectFrom('memberships').select('negotiation_id').where('user_id', '=', user.id))
      .orderBy('created_at')
      .execute();
    return rows.map((row) => ({ ...JSON.parse(row.data), revision: row.revision }) as Negotiation);
  }

  /** Loads a negotiation for a reader, or answers "not found" when it does not exist or they are not in it. */
  async context(user: User, negotiationId: Id, operator = false): Promise<NegotiationContext> {
    // Membership is asked first, in one query that costs the same whether the negotiation is missing
    // or only closed to this person: neither the answer nor its timing tells the two apart.
    const member = await this.db.selectFrom('memberships').select('id').where('negotiation_id', '=', negotiationId).where('user_id', '=', user.id).limit(1).executeTakeFirst();
    if (!member && !operator) throw notFound(`negotiation "${negotiationId}"`);
    const row = await this.db.selectFrom('negotiations').select(['id', 'revision', 'data']).where('id', '=', negotiationId).executeTakeFirst();
    if (!row) throw notFound(`negotiation "${negotiationId}"`);
    const negotiation = { ...JSON.parse(row.data), revision: row.revision } as Negotiation;
    const parties = await listEntities(this.db, 'parties', negotiationId);
    const memberships = (await this.db.selectFrom('memberships').selectAll().where('negotiation_id', '=', negotiationId).execute()).map(membershipFromRow);
    const scope = viewerScope(user.id, operator, memberships, parties);
    if (!canSeeNegotiation(scope)) throw notFound(`negotiation "${negotiationId}"`);
    const tracks = await listEntities(this.db, 'tracks', negotiationId);
    return { user, scope, negotiation, parties, memberships, tracks };
  }

  /**
   * The command line's view of a negotiation: everything in it, for the operator who holds the
   * database file (`parley export` without `--as`). Never reached over HTTP.
   */
  async operatorContext(negotiationId: Id): Promise<NegotiationContext> {
    return this.context({ id: 'operator', email: '', name: 'Operator', isAdmin: false }, negotiationId, true);
  }

  /** Opens a negotiation; any signed-in account may, and becomes its convenor (a mediator of it). */
  async createNegotiation(user: User, input: { title: string; summary: string; id?: Id }): Promise<Negotiation> {
    const negotiation: Negotiation = { id: input.id ?? this.id(), title: input.title, summary: input.summary, currentVersionId: null, createdAt: this.nowIso(), revision: 1 };
    const convenor: Membership = { id: this.id(), negotiationId: negotiation.id, userId: user.id, partyId: null, role: 'mediator', title: 'Convenor' };
    return this.change(user.id, async (trx, record) => {
      const { revision, ...data } = negotiation;
      await trx.insertInto('negotiations').values({ id: negotiation.id, revision, data: JSON.stringify(data), created_at: negotiation.createdAt }).execute();
      await record({ action: 'negotiation.create', entity: 'negotiation', entityId: negotiation.id, negotiationId: negotiation.id, before: null, after: negotiation });
      await trx.insertInto('memberships').values({ id: convenor.id, negotiation_id: negotiation.id, user_id: user.id, party_id: null, role: convenor.role, title: convenor.title }).execute();
      await record({ action: 'membership.create', entity: 'membership', entityId: convenor.id, negotiationId: negotiation.id, before: null, after: convenor });
      return negotiation;
    });
  }

  /** Changes a negotiation's title, summary or current version; mediators and administrators only. */
  async updateNegotiation(ctx: NegotiationContext, revision: number, patch: Partial<Pick<Negotiation, 'title' | 'summary' | 'currentVersionId'>>): Promise<Negotiation> {
    requireMediator(ctx, 'change the negotiation');
    if (patch.currentVersionId) {
      const versions = await this.listVersions(ctx);
      const target = versions.find((v) => v.id === patch.currentVersionId);
      if (!target || target.internal) throw invalid('currentVersionId', `version "${patch.currentVersionId}" is not a shared version of this negotiation`);
    }
    return this.change(ctx.user.id, async (trx, record) => {
      const row = await trx.selectFrom('negotiations').select(['revision', 'data']).where('id', '=', ctx.negotiation.id).executeTakeFirstOrThrow();
      const before = { ...JSON.parse(row.data), revision: row.revision } as Negotiation;
      if (before.revision !== revision) throw conflict(`negotiation "${before.id}"`, revision, before);
      const after: Negotiation = { ...before, ...patch, revision: before.revision + 1 };
      const { revision: next, ...data } = after;
      await trx.updateTable('negotiations').set({ revision: next, data: JSON.stringify(data) }).where('id', '=', after.id).execute();
      await record({ action: 'negotiation.update', entity: 'negotiation', entityId: after.id, negotiationId: after.id, before, after });
      return after;
    });
  }

  async addParty(ctx: NegotiationContext, input: Omit<Party, 'negotiationId' | 'revision' | 'id'> & { id?: Id }): Promise<Party> {
    requireMediator(ctx, 'add parties');
    if (ctx.parties.some((p) => p.id === input.id)) throw invalid('id', `a party "${input.id}" exists already`);
    for (const member of input.memberPartyIds) {
      if (!ctx.parties.some((p) => p.id === member && p.kind === 'party')) throw invalid('memberPartyIds', `"${member}" is not a party of this negotiation`);
    }
    if (input.kind === 'party' && input.memberPartyIds.length > 0) throw invalid('memberPartyIds', 'only a coalition has member parties');
    const party: Party = { ...input, id: input.id ?? this.id(), negotiationId: ctx.negotiation.id, revision: 1 };
    return this.insert(ctx, 'parties', 'party', party);
  }

  async addMember(ctx: NegotiationContext, input: { userId: Id; partyId: Id | null; role: Role; title: string }): Promise<Membership> {
    requireMediator(ctx, 'add people to the negotiation');
    if ((input.role === 'mediator') !== (input.partyId === null)) throw invalid('partyId', 'a mediator belongs to no party (partyId null); every other role needs a party');
    if (input.partyId !== null && !ctx.parties.some((p) => p.id === input.partyId)) throw invalid('partyId', `"${input.partyId}" is not a party of this negotiation`);
    const user = await this.db.selectFrom('users').select('id').where('id', '=', input.userId).executeTakeFirst();
    if (!user) throw invalid('userId', `no account has the id "${input.userId}"`);
    if (ctx.memberships.some((m) => m.userId === input.userId && m.partyId === input.partyId)) throw invalid('userId', 'this person already has a role there');
    const membership: Membership = { id: this.id(), negotiationId: ctx.negotiation.id, ...input };
    return this.change(ctx.user.id, async (trx, record) => {
      await trx.insertInto('memberships').values({ id: membership.id, negotiation_id: membership.negotiationId, user_id: membership.userId, party_id: membership.partyId, role: membership.role, title: membership.title }).execute();
      await record({ action: 'membership.create', entity: 'membership', entityId: membership.id, negotiationId: membership.negotiationId, before: null, after: membership });
      return membership;
    });
  }

  /** The people at the table, with their roles. */
  async listMembers(ctx: NegotiationContext): Promise<(Membership & { name: string; email: string })[]> {
    const users = await this.db.selectFrom('users').select(['id', 'name', 'email']).where('id', 'in', ctx.memberships.length ? ctx.memberships.map((m) => m.userId) : ['']).execute();
    return ctx.memberships.map((m) => {
      const u = users.find((x) => x.id === m.userId);
      return { ...m, name: u?.name ?? '', email: u?.email ?? '' };
    });
  }

  // ---------------------------------------------------------------- versions

  /**
   * Every version of the negotiation with its recipients, unfiltered: for the rules that decide what
   * may be sent (never returned to a reader as it is).
   */
  async textRecords(ctx: NegotiationContext, db: Executor = this.db): Promise<(TextRecord & { version: Version; contentHash: string })[]> {
    const rows = await db.selectFrom('versions').select(['id', 'data', 'content_hash']).where('negotiation_id', '=', ctx.negotiation.id).orderBy('created_at').orderBy('id').execute();
    const recipients = await db
      .selectFrom('version_recipients')
      .innerJoin('versions', 'versions.id', 'version_recipients.version_id')
      .select(['version_recipients.version_id', 'version_recipients.party_id'])
      .where('versions.negotiation_id', '=', ctx.negotiation.id)
      .execute();
    const byVersion = new Map<Id, Id[]>();
    for (const r of recipients) byVersion.set(r.version_id, [...(byVersion.get(r.version_id) ?? []), r.party_id]);
    return rows.map((row) => ({ version: JSON.parse(row.data) as Version, recipientPartyIds: byVersion.get(row.id) ?? [], contentHash: row.content_hash }));
  }

  /** Every version the reader may see, oldest first, as they may see it (`readerView`). */
  async listVersions(ctx: NegotiationContext): Promise<VersionView[]> {
    const records = await this.textRecords(ctx);
    const issues = await listEntities(this.db, 'issues', ctx.negotiation.id);
    const views: VersionView[] = [];
    for (const { version, recipientPartyIds, contentHash: hash } of records) {
      if (!canSeeVersion(ctx.scope, version, recipientPartyIds)) continue;
      const shownRecipients = ctx.scope.isOperator || ctx.scope.isMediator ? recipientPartyIds : recipientPartyIds.filter((p) => canActForParty(ctx.scope, p) || p === version.authorPartyId);
      views.push(readerView(ctx.scope, version, shownRecipients, hash, ctx.tracks, issues));
    }
    return views;
  }

  async getVersion(ctx: NegotiationContext, versionId: Id): Promise<VersionView> {
    const version = (await this.listVersions(ctx)).find((v) => v.id === versionId);
    if (!version) throw notFound(`version "${versionId}"`);
    return version;
  }

  /** The document as it stands: the current version, or the one asked for. */
  async document(ctx: NegotiationContext, versionId?: Id): Promise<VersionView> {
    const id = versionId ?? ctx.negotiation.currentVersionId;
    if (!id) throw notFound('a current version');
    if (versionId !== undefined) return this.getVersion(ctx, id);
    const visible = await this.listVersions(ctx);
    const current = visible.find((v) => v.id === id);
    if (current) return current;
    // The current text may not have reached this party yet: show the newest main-line text it has.
    const fallback = [...visible].reverse().find((v) => v.kind === 'draft' && !v.internal);
    if (!fallback) throw notFound('a version you may see');
    return fallback;
  }

  /** Compares a version with another (by default its parent) point by point and word by word. */
  async compare(ctx: NegotiationContext, versionId: Id, baseId?: Id): Promise<{ base: VersionView; proposal: VersionView; comparison: VersionComparison }> {
    const proposal = await this.getVersion(ctx, versionId);
    const baseVersionId = baseId ?? proposal.parentId;
    if (!baseVersionId) throw invalid('base', `version "${versionId}" has no parent; name the version to compare with in ?base=`);
    const base = await this.getVersion(ctx, baseVersionId);
    return { base, proposal, comparison: await this.comparisons.compare(base.points, proposal.points, (a, b) => this.comparisonWorker.compare(a, b)) };
  }

  /**
   * Records a new immutable version. Party members write for their party (or coalition), mediators
   * for the table (authorPartyId null). The author party receives it at once; others when transmitted.
   */
  async createVersion(ctx: NegotiationContext, draft: Omit<Version, 'id' | 'negotiationId' | 'createdAt' | 'createdBy' | 'internal'> & { id?: Id; internal?: boolean }): Promise<VersionView> {
    if (draft.authorPartyId === null) requireMediator(ctx, 'write a version for the whole table');
    else requireParty(ctx, draft.authorPartyId, 'write a version for');
    if (draft.authorPartyId === null && draft.internal) throw invalid('internal', 'only a party keeps internal drafts; a text of the table is shared');
    // A party's new text stays inside the party until the party sends it (to a party or the mediators).
    const input = { ...draft, internal: draft.internal ?? draft.authorPartyId !== null };
    if (input.parentId !== null) await this.getVersion(ctx, input.parentId).catch(() => {
      throw invalid('parentId', `version "${input.parentId}" does not exist or you may not see it`);
    });
    if (input.kind === 'proposal' && input.parentId === null) throw invalid('parentId', 'a proposal is branched from a base version: give parentId');
    const problem = documentProblems(input.points)[0];
    if (problem) throw invalid(problem.path, problem.message);
    const issues = await listEntities(this.db, 'issues', ctx.negotiation.id);
    for (const [issueId, optionId] of Object.entries(input.optionChoices)) {
      const issue = issues.find((i) => i.id === issueId);
      if (!issue) throw invalid(`optionChoices.${issueId}`, `unknown issue "${issueId}"`);
      if (!issue.options.some((o) => o.id === optionId)) throw invalid(`optionChoices.${issueId}`, `issue "${issue.name}" has no option "${optionId}"`);
    }
    const tracks = await this.listTracks(ctx);
    input.points.forEach((point, index) => {
      // A track the author may not see gets the same answer as one that does not exist.
      if (point.trackId !== null && !tracks.some((t) => t.id === point.trackId)) throw invalid(`points[${index}].trackId`, `track "${point.trackId}" does not exist or you may not see it`);
    });
    const version: Version = { ...input, id: input.id ?? this.id(), negotiationId: ctx.negotiation.id, createdAt: this.nowIso(), createdBy: ctx.user.id };
    await this.change(ctx.user.id, async (trx, record) => {
      await insertVersion(trx, version, version.authorPartyId ? [version.authorPartyId] : [], version.createdAt);
      await record({ action: 'version.create', entity: 'version', entityId: version.id, negotiationId: version.negotiationId, before: null, after: version });
    });
    return this.getVersion(ctx, version.id);
  }

  /**
   * Sends a version to more parties, or shares it with the mediators. Only the author party's
   * principal or lead sends its texts (a mediator sends the table's); the negotiation's transmission
   * rules decide whether each recipient may have it yet, by the text's content, not its id.
   */
  async transmitVersion(ctx: NegotiationContext, versionId: Id, partyIds: Id[], toMediators = false): Promise<VersionView> {
    const version = await this.getVersion(ctx, versionId);
    if (version.authorPartyId === null) requireMediator(ctx, 'send a text of the table');
    else {
      requireParty(ctx, version.authorPartyId, 'send texts of');
      if (!canSendForParty(ctx.scope, version.authorPartyId)) throw forbidden(`only the principal or the lead of "${version.authorPartyId}" sends its texts to others; ask them to send this one`);
    }
    if (partyIds.length === 0 && !toMediators) throw invalid('partyIds', 'name at least one party to send the text to, or set toMediators');
    for (const partyId of partyIds) if (!ctx.parties.some((p) => p.id === partyId)) throw invalid('partyIds', `"${partyId}" is not a party of this negotiation`);
    await this.change(ctx.user.id, async (trx, record) => {
      // Read inside the transaction, so that no decision or rule slips in between the check and the send.
      const records = await this.textRecords(ctx, trx);
      const text = records.find((r) => r.version.id === versionId)!;
      const refusals = await this.gate(ctx, trx, text, partyIds.filter((p) => !text.recipientPartyIds.includes(p)), records);
      if (refusals) throw forbidden(refusals);
      const added = await addRecipients(trx, versionId, partyIds, this.nowIso());
      const shared = text.version.internal && (toMediators || partyIds.length > 0);
      if (shared) await markShared(trx, text.version);
      await record({ action: 'version.transmit', entity: 'version', entityId: versionId, negotiationId: ctx.negotiation.id, before: null, after: { partyIds: added, sharedWithMediators: shared || !text.version.internal, contentHash: text.contentHash } });
    });
    return this.getVersion(ctx, versionId);
  }

  /** Why the rules hold a text back from some of `recipients`, in words; null when it may go to all. */
  async gate(ctx: NegotiationContext, db: Executor, text: TextRecord & { contentHash: string }, recipients: Id[], records: TextRecord[]): Promise<string | null> {
    if (recipients.length === 0) return null;
    const rules = await listEntities(db, 'transmissionRules', ctx.negotiation.id);
    const approvals = await textApprovals(db, ctx.negotiation.id);
    const people = await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ctx.memberships.length ? ctx.memberships.map((m) => m.userId) : ['']).execute();
    const names = (userId: Id) => people.find((p) => p.id === userId)?.name || userId;
    const lines: string[] = [];
    for (const recipient of recipients) {
      for (const refusal of gateRefusals(rules, text, recipient, records, approvals, this.nowIso(), names)) {
        lines.push(`to ${recipient}: the rule "${refusal.ruleName}" governs this text (${refusal.reason}) and ${refusal.needs}`);
      }
    }
    return lines.length === 0 ? null : `this text may not be sent yet: ${lines.join('; ')}. An approval holds for this exact text (content hash ${text.contentHash}); any edit needs a new approval.`;
  }

  // ---------------------------------------------------------------- positions

  /** Positions the reader may see: their own party's, the ones shared with them, and public ones, on points they may see. */
  async listPositions(ctx: NegotiationContext, filter: { versionId?: Id } = {}, visibleVersions?: VersionView[]): Promise<Position[]> {
    const versions = visibleVersions ?? (await this.listVersions(ctx));
    const positions = await listEntities(this.db, 'positions', ctx.negotiation.id, { owned: ownedVisibilityRule(ctx.scope), versionId: filter.versionId });
    return positions.filter((position) => {
      const version = versions.find((v) => v.id === position.versionId);
      return version !== undefined && version.points.some((point) => point.id === position.pointId);
    });
  }

  async createPosition(ctx: NegotiationContext, input: Omit<Position, 'id' | 'negotiationId' | 'revision' | 'updatedAt' | 'updatedBy'>): Promise<Position> {
    requireParty(ctx, input.partyId, 'take positions for');
    requireSender(ctx, input.partyId, input.visibility, 'a position');
    await this.requireVisiblePoint(ctx, input.versionId, input.pointId);
    checkStance(input);
    const existing = await listEntities(this.db, 'positions', ctx.negotiation.id, { versionId: input.versionId, partyId: input.partyId });
    const same = existing.find((p) => p.pointId === input.pointId);
    if (same) throw conflict(`the position of "${input.partyId}" on point "${input.pointId}"`, 0, same);
    const position: Position = { ...input, id: this.id(), negotiationId: ctx.negotiation.id, revision: 1, updatedAt: this.nowIso(), updatedBy: ctx.user.id };
    return this.insert(ctx, 'positions', 'position', position);
  }

  async updatePosition(ctx: NegotiationContext, positionId: Id, revision: number, patch: Partial<Pick<Position, 'stance' | 'proposedText' | 'rationale' | 'visibility' | 'source'>>): Promise<Position> {
    const current = (await this.listPositions(ctx)).find((p) => p.id === positionId);
    if (!current) throw notFound(`position "${positionId}"`);
    requireParty(ctx, current.partyId, 'change positions of');
    requireSender(ctx, current.partyId, patch.visibility ?? current.visibility, 'a position');
    const next = { ...current, ...patch, updatedAt: this.nowIso(), updatedBy: ctx.user.id };
    checkStance(next);
    return this.replace(ctx, 'positions', 'position', current, revision, next);
  }

  private async requireVisiblePoint(ctx: NegotiationContext, versionId: Id, pointId: Id): Promise<void> {
    const version = await this.getVersion(ctx, versionId).catch(() => {
      throw invalid('versionId', `version "${versionId}" does not exist or you may not see it`);
    });
    if (!version.points.some((p) => p.id === pointId)) throw invalid('pointId', `version "${versionId}" has no point "${pointId}" you may see`);
  }

  // ---------------------------------------------------------------- issues, red lines, preferences

  /** The issues, with the points behind them that the reader may see named. */
  async listIssues(ctx: NegotiationContext): Promise<Issue[]> {
    const hidden = await this.hiddenPoints(ctx);
    return (await listEntities(this.db, 'issues', ctx.negotiation.id)).map((issue) => ({ ...issue, pointIds: issue.pointIds.filter((id) => !hidden.has(id)) }));
  }

  /** Point ids this reader may not see named anywhere: those of tracks they are outside of. */
  async hiddenPoints(ctx: NegotiationContext): Promise<Set<Id>> {
    if (ctx.tracks.every((track) => canSeeTrack(ctx.scope, track))) return new Set();
    return hiddenPointIds(ctx.scope, ctx.tracks, (await this.textRecords(ctx)).map((r) => r.version));
  }

  async createIssue(ctx: NegotiationContext, input: Omit<Issue, 'id' | 'negotiationId' | 'revision'> & { id?: Id }): Promise<Issue> {
    requireMediator(ctx, 'define issues');
    if (input.options.length < 2) throw invalid('options', 'an issue needs at least two options');
    if (new Set(input.options.map((o) => o.id)).size !== input.options.length) throw invalid('options', 'option ids must be unique within the issue');
    const issue: Issue = { ...input, id: input.id ?? this.id(), negotiationId: ctx.negotiation.id, revision: 1 };
    return this.insert(ctx, 'issues', 'issue', issue);
  }

  /**
   * Renames or re-describes an issue, links it to other points, relabels or adds options. Options are
   * never removed: versions, red lines and preferences refer to them.
   */
  async updateIssue(ctx: NegotiationContext, id: Id, revision: number, patch: Partial<Pick<Issue, 'name' | 'description' | 'pointIds' | 'options'>>): Promise<Issue> {
    requireMediator(ctx, 'define issues');
    const current = (await listEntities(this.db, 'issues', ctx.negotiation.id, { id }))[0];
    if (!current) throw notFound(`issue "${id}"`);
    if (patch.options) {
      const kept = new Set(patch.options.map((o) => o.id));
      const dropped = current.options.filter((o) => !kept.has(o.id));
      if (dropped.length > 0) throw invalid('options', `options cannot be removed (drafts, red lines and preferences refer to them): keep ${dropped.map((o) => `"${o.id}"`).join(', ')}`);
      if (kept.size !== patch.options.length) throw invalid('options', 'option ids must be unique within the issue');
    }
    return this.replace(ctx, 'issues', 'issue', current, revision, { ...current, ...patch });
  }

  async listRedLines(ctx: NegotiationContext): Promise<RedLine[]> {
    return listEntities(this.db, 'redLines', ctx.negotiation.id, { owned: ownedVisibilityRule(ctx.scope) });
  }

  async createRedLine(ctx: NegotiationContext, input: Omit<RedLine, 'id' | 'negotiationId' | 'revision'>): Promise<RedLine> {
    requireParty(ctx, input.partyId, 'state red lines for');
    requireSender(ctx, input.partyId, input.visibility, 'a red line');
    const problem = constraintProblems(input.constraint, await this.listIssues(ctx))[0];
    if (problem) throw invalid('constraint', problem);
    const redLine: RedLine = { ...input, id: this.id(), negotiationId: ctx.negotiation.id, revision: 1 };
    return this.insert(ctx, 'redLines', 'red_line', redLine);
  }

  async updateRedLine(ctx: NegotiationContext, id: Id, revision: number, patch: Partial<Pick<RedLine, 'title' | 'description' | 'constraint' | 'visibility' | 'source'>>): Promise<RedLine> {
    const current = (await this.listRedLines(ctx)).find((r) => r.id === id);
    if (!current) throw notFound(`red line "${id}"`);
    requireParty(ctx, current.partyId, 'change red lines of');
    requireSender(ctx, current.partyId, patch.visibility ?? current.visibility, 'a red line');
    if (patch.constraint) {
      const problem = constraintProblems(patch.constraint, await this.listIssues(ctx))[0];
      if (problem) throw invalid('constraint', problem);
    }
    return this.replace(ctx, 'redLines', 'red_line', current, revision, { ...current, ...patch });
  }

  /** Which of the red lines the reader may see a version crosses. */
  async redLineReport(ctx: NegotiationContext, versionId: Id): Promise<RedLineReport> {
    const version = await this.getVersion(ctx, versionId);
    return checkRedLines(version, await this.listRedLines(ctx), await this.listIssues(ctx), ctx.parties);
  }

  async listPreferences(ctx: NegotiationContext): Promise<Preference[]> {
    return listEntities(this.db, 'preferences', ctx.negotiation.id, { owned: ownedVisibilityRule(ctx.scope) });
  }

  /** Sets a party's preferences (creating them, or replacing them at `revision`). */
  async putPreference(ctx: NegotiationContext, partyId: Id, revision: number | null, input: Omit<Preference, 'id' | 'negotiationId' | 'revision' | 'partyId'>): Promise<Preference> {
    requireParty(ctx, partyId, 'set preferences for');
    requireSender(ctx, partyId, input.visibility, 'preferences');
    const issues = await this.listIssues(ctx);
    for (const [issueId, weight] of Object.entries(input.weights)) {
      const issue = issues.find((i) => i.id === issueId);
      if (!issue) throw invalid(`weights.${issueId}`, `unknown issue "${issueId}"`);
      if (!(weight >= 0)) throw invalid(`weights.${issueId}`, 'weights are zero or more');
      for (const option of issue.options) {
        const score = input.scores[issueId]?.[option.id];
        if (score === undefined || score < 0 || score > 1) throw invalid(`scores.${issueId}.${option.id}`, `give option "${option.label}" of "${issue.name}" a score between 0 and 1`);
      }
    }
    const total = Object.values(input.weights).reduce((a, b) => a + b, 0);
    if (Math.abs(total - 1) > 1e-6) throw invalid('weights', `the weights add up to ${total}; they must add up to 1`);
    if (input.reservation < 0 || input.reservation > 1) throw invalid('reservation', 'the reservation value is a utility between 0 and 1');
    const current = (await listEntities(this.db, 'preferences', ctx.negotiation.id, { partyId }))[0];
    if (!current) {
      if (revision !== null && revision !== 0) throw notFound(`preferences of "${partyId}"`);
      return this.insert(ctx, 'preferences', 'preference', { ...input, id: this.id(), partyId, negotiationId: ctx.negotiation.id, revision: 1 });
    }
    if (revision === null) throw conflict(`the preferences of "${partyId}"`, 0, current);
    return this.replace(ctx, 'preferences', 'preference', current, revision, { ...current, ...input });
  }

  // ---------------------------------------------------------------- rounds, statements, tracks

  /** Rounds are public at the table, but a version the reader has not received is not named to them. */
  async listRounds(ctx: NegotiationContext, visibleVersions?: VersionView[]): Promise<Round[]> {
    const rounds = await listEntities(this.db, 'rounds', ctx.negotiation.id);
    const visible = new Set((visibleVersions ?? (await this.listVersions(ctx))).map((v) => v.id));
    const shown = (id: Id | null) => (id !== null && visible.has(id) ? id : null);
    const hidden = await this.hiddenPoints(ctx);
    return rounds
      .map((round) => ({ ...round, versionId: shown(round.versionId), outcomeVersionId: shown(round.outcomeVersionId), agendaPointIds: round.agendaPointIds.filter((id) => !hidden.has(id)) }))
      .sort((a, b) => Date.parse(a.startsOn) - Date.parse(b.startsOn));
  }

  async createRound(ctx: NegotiationContext, input: Omit<Round, 'id' | 'negotiationId' | 'revision'>): Promise<Round> {
    requireMediator(ctx, 'record rounds');
    await this.checkRoundReferences(ctx, input);
    return this.insert(ctx, 'rounds', 'round', { ...input, id: this.id(), negotiationId: ctx.negotiation.id, revision: 1 });
  }

  async updateRound(ctx: NegotiationContext, id: Id, revision: number, patch: Partial<Omit<Round, 'id' | 'negotiationId' | 'revision'>>): Promise<Round> {
    requireMediator(ctx, 'record rounds');
    const current = (await listEntities(this.db, 'rounds', ctx.negotiation.id, { id }))[0];
    if (!current) throw notFound(`round "${id}"`);
    const next = { ...current, ...patch };
    await this.checkRoundReferences(ctx, next);
    return this.replace(ctx, 'rounds', 'round', current, revision, next);
  }

  private async checkRoundReferences(ctx: NegotiationContext, round: Omit<Round, 'id' | 'negotiationId' | 'revision'>): Promise<void> {
    const versions = await this.listVersions(ctx);
    for (const field of ['versionId', 'outcomeVersionId'] as const) {
      const id = round[field];
      if (id !== null && !versions.some((v) => v.id === id)) throw invalid(field, `version "${id}" does not exist or you may not see it`);
    }
    const partyIds = [...round.participants.map((p) => p.partyId), ...round.statements.flatMap((s) => s.signatoryPartyIds)];
    for (const partyId of partyIds) if (!ctx.parties.some((p) => p.id === partyId)) throw invalid('participants', `"${partyId}" is not a party of this negotiation`);
  }

  async listStatements(ctx: NegotiationContext): Promise<PublicStatement[]> {
    const statements = (await listEntities(this.db, 'statements', ctx.negotiation.id)) as (PublicStatement & { revision?: number })[];
    const hidden = await this.hiddenPoints(ctx);
    return statements
      .map(({ revision: _revision, ...s }) => ({ ...s, pointIds: s.pointIds.filter((id) => !hidden.has(id)) })).sort((a, b) => Date.parse(a.date) - Date.parse(b.date) || a.id.localeCompare(b.id));
  }

  async createStatement(ctx: NegotiationContext, input: Omit<PublicStatement, 'id' | 'negotiationId'>): Promise<PublicStatement> {
    requireMediator(ctx, 'record public statements');
    if (input.partyId !== null && !ctx.parties.some((p) => p.id === input.partyId)) throw invalid('partyId', `"${input.partyId}" is not a party of this negotiation`);
    // Statements are records of what was said: they carry no revision of their own.
    const statement: PublicStatement = { ...input, id: this.id(), negotiationId: ctx.negotiation.id };
    await this.insert(ctx, 'statements', 'statement', { ...statement, revision: 1 } as PublicStatement);
    return statement;
  }

  async listTracks(ctx: NegotiationContext): Promise<Track[]> {
    return ctx.tracks.filter((track) => canSeeTrack(ctx.scope, track));
  }

  async createTrack(ctx: NegotiationContext, input: Omit<Track, 'id' | 'negotiationId' | 'revision'>): Promise<Track> {
    requireMediator(ctx, 'open tracks');
    for (const partyId of input.partyIds) if (!ctx.parties.some((p) => p.id === partyId)) throw invalid('partyIds', `"${partyId}" is not a party of this negotiation`);
    if (input.partyIds.length < 2) throw invalid('partyIds', 'a track is negotiated among at least two parties');
    return this.insert(ctx, 'tracks', 'track', { ...input, id: this.id(), negotiationId: ctx.negotiation.id, revision: 1 });
  }

  async updateTrack(ctx: NegotiationContext, id: Id, revision: number, patch: Partial<Pick<Track, 'name' | 'description' | 'pointIds' | 'partyIds'>>): Promise<Track> {
    requireMediator(ctx, 'change tracks');
    const current = ctx.tracks.find((t) => t.id === id);
    if (!current) throw notFound(`track "${id}"`);
    for (const partyId of patch.partyIds ?? []) if (!ctx.parties.some((p) => p.id === partyId)) throw invalid('partyIds', `"${partyId}" is not a party of this negotiation`);
    if (patch.partyIds && patch.partyIds.length < 2) throw invalid('partyIds', 'a track is negotiated among at least two parties');
    return this.replace(ctx, 'tracks', 'track', current, revision, { ...current, ...patch });
  }

  // ---------------------------------------------------------------- progress

  /** Progress of one version as the reader may see it. */
  async versionProgress(ctx: NegotiationContext, versionId: Id): Promise<VersionProgress> {
    const version = await this.getVersion(ctx, versionId);
    const positions = await this.listPositions(ctx, { versionId });
    const report = await this.redLineReport(ctx, versionId);
    return versionProgress(version.id, version.points, positions, report.crossings);
  }

  /** Progress of every version the reader sees, and the curve over the rounds. */
  async progress(ctx: NegotiationContext): Promise<{ versions: VersionProgress[]; series: ProgressSeries }> {
    const versions = await this.listVersions(ctx);
    const positions = await this.listPositions(ctx, {}, versions);
    const redLines = await this.listRedLines(ctx);
    const issues = await this.listIssues(ctx);
    const measured = versions.map((version) =>
      versionProgress(version.id, version.points, positions.filter((p) => p.versionId === version.id), checkRedLines(version, redLines, issues, ctx.parties).crossings),
    );
    const series = progressSeries(await this.listRounds(ctx, versions), (id) => measured.find((m) => m.versionId === id) ?? null);
    return { versions: measured, series };
  }

  // ---------------------------------------------------------------- shared write paths

  async insert<C extends CollectionName>(ctx: NegotiationContext, name: C, entity: string, value: EntityOf<C>): Promise<EntityOf<C>> {
    return this.change(ctx.user.id, async (trx, record) => {
      await insertEntity(trx, name, value);
      await record({ action: `${entity}.create`, entity, entityId: value.id, negotiationId: ctx.negotiation.id, before: null, after: value });
      return value;
    });
  }

  /** Replaces an entity when `revision` is still current; otherwise answers 409 with the current state. */
  async replace<C extends CollectionName>(ctx: NegotiationContext, name: C, entity: string, current: EntityOf<C>, revision: number, next: EntityOf<C>): Promise<EntityOf<C>> {
    const currentRevision = (current as { revision: number }).revision;
    if (currentRevision !== revision) throw conflict(`${entity.replace('_', ' ')} "${current.id}"`, revision, current as { revision: number });
    const after = { ...next, revision: currentRevision + 1 } as EntityOf<C>;
    return this.change(ctx.user.id, async (trx, record) => {
      if (!(await replaceEntity(trx, name, after, currentRevision))) {
        const fresh = (await listEntities(trx, name, ctx.negotiation.id, { id: current.id }))[0];
        throw conflict(`${entity.replace('_', ' ')} "${current.id}"`, revision, (fresh ?? current) as { revision: number });
      }
      await record({ action: `${entity}.update`, entity, entityId: current.id, negotiationId: ctx.negotiation.id, before: current, after });
      return after;
    });
  }
}

/** A valid hash to compare against when the e-mail is unknown, so that timing does not tell accounts apart. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** A constraint the database enforced, as the error a person can act on (checks in code come first; this is the backstop). */
function constraintError(error: unknown): DomainError | null {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_CONSTRAINT')) return null;
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return new DomainError('conflict', 'something with this id exists already; choose another id, or leave it out to get a new one', 'id');
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return new DomainError('invalid', 'this refers to something that does not exist');
  return new DomainError('invalid', 'this change breaks a rule of the data');
}

function membershipFromRow(row: { id: string; negotiation_id: string; user_id: string; party_id: string | null; role: string; title: string }): Membership {
  return { id: row.id, negotiationId: row.negotiation_id, userId: row.user_id, partyId: row.party_id, role: row.role as Role, title: row.title };
}

function requireMediator(ctx: NegotiationContext, action: string): void {
  if (!canActAsMediator(ctx.scope)) throw forbidden(`only a mediator may ${action}`);
}

function requireParty(ctx: NegotiationContext, partyId: Id, action: string): void {
  if (!ctx.parties.some((p) => p.id === partyId)) throw invalid('partyId', `"${partyId}" is not a party of this negotiation`);
  if (!canActForParty(ctx.scope, partyId)) throw forbidden(`only members of "${partyId}" may ${action} it`);
}

/**
 * Material shared beyond the party (with the mediators, or with the table) is sent by the party's
 * principal or lead, as its texts are: a member who may not send a text cannot publish it as a
 * position, a red line or a preference either.
 */
function requireSender(ctx: NegotiationContext, partyId: Id, visibility: string, what: string): void {
  if (visibility === 'party' || canSendForParty(ctx.scope, partyId)) return;
  throw forbidden(`only the principal or the lead of "${partyId}" shares ${what} beyond the party (visibility "${visibility}"); keep it "party", or ask them to share it`);
}

function checkStance(position: Pick<Position, 'stance' | 'proposedText'>): void {
  if (position.stance === 'amend' && !position.proposedText?.trim()) throw invalid('proposedText', 'an amendment needs the wording the party proposes (proposedText)');
}

/** Writes a version row and its first recipients. */
export async function insertVersion(trx: Transaction<Database>, version: Version, recipientPartyIds: Id[], at: string): Promise<void> {
  await trx
    .insertInto('versions')
    .values({
      id: version.id,
      negotiation_id: version.negotiationId,
      revision: 1,
      data: JSON.stringify(version),
      parent_id: version.parentId,
      author_party_id: version.authorPartyId,
      internal: version.internal ? 1 : 0,
      created_at: version.createdAt,
      content_hash: contentHash(version),
    })
    .execute();
  await addRecipients(trx, version.id, recipientPartyIds, at);
}

/** Every decision taken on texts of a negotiation, oldest first. */
export async function textApprovals(db: Executor, negotiationId: Id): Promise<Approval[]> {
  const rows = await db.selectFrom('text_approvals').select('data').where('negotiation_id', '=', negotiationId).orderBy('at').orderBy('id').execute();
  return rows.map((row) => JSON.parse(row.data) as Approval);
}

/** A party's internal draft becomes shared (the mediators see it) once the party sends it anywhere. */
export async function markShared(trx: Transaction<Database>, version: Version): Promise<void> {
  await trx.updateTable('versions').set({ internal: 0, data: JSON.stringify({ ...version, internal: false }) }).where('id', '=', version.id).execute();
}

/** Adds recipients to a version; returns the parties that did not have it yet. */
export async function addRecipients(trx: Transaction<Database>, versionId: Id, partyIds: Id[], at: string): Promise<Id[]> {
  const existing = await trx.selectFrom('version_recipients').select('party_id').where('version_id', '=', versionId).execute();
  const added = [...new Set(partyIds)].filter((id) => !existing.some((e) => e.party_id === id));
  if (added.length > 0) await trx.insertInto('version_recipients').values(added.map((party_id) => ({ version_id: versionId, party_id, received_at: at }))).execute();
  return added;
}

