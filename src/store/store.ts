import { randomUUID } from 'node:crypto';
import { CompiledQuery, type Transaction } from 'kysely';
import { conflict, notFound } from '../core/errors.ts';
import type { Id, Membership, Negotiation, Party, Track, User } from '../core/model.ts';
import { canSeeNegotiation, viewerScope, type ViewerScope } from '../core/visibility.ts';
import type { AuditKey } from './audit-key.ts';
import { currentAuditTrail, type AuditTrail } from './audit-trail.ts';
import { appendAuditEvent, verifyAuditChain, type AuditChange, type AuditVerdict, type ChainPoint } from './audit.ts';
import type { CollectionEntity } from './audit-kinds.ts';
import { insertEntity, listEntities, replaceEntity, type CollectionName, type EntityOf } from './collections.ts';
import { ComparisonCache } from './compare-cache.ts';
import { ComparisonWorker } from './compare-worker.ts';
import type { Db, Engine, EngineName } from './engine.ts';
import { openEngine } from './engines/index.ts';
import { ReadCache } from './read-cache.ts';
import { membershipFromRow } from './seats.ts';
import type { Database } from './schema.ts';

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
  /** The installation's audit key, which signs checkpoints and receipts (`parley serve` loads it); none in most tests. */
  auditKey?: AuditKey;
}

export type Executor = Db | Transaction<Database>;
/** Appends one audit event, of a kind of `AUDIT_KINDS`, in the transaction of the change. */
export type Recorder = (change: AuditChange) => Promise<void>;
type Work<T> = (trx: Transaction<Database>, record: Recorder) => Promise<T>;
interface QueuedChange {
  actorId: Id | null;
  work: Work<unknown>;
  /** The request's trail, which hears of the events this change appended once they are committed. */
  trail: AuditTrail | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Most changes one commit takes: enough to spread its cost, few enough to keep each answer prompt. */
const MAX_CHANGES_PER_COMMIT = 64;
/** How long the changes of one commit may run before it takes no more of them. */
const COMMIT_TIME_BUDGET_MS = 20;

/**
 * The store: every read takes the reader and applies the visibility policy of `core/visibility.ts` in
 * its queries; every change is one transaction that writes the new state and appends its audit event.
 */
export class Store {
  readonly now: () => Date;
  private readonly newId: () => string;
  readonly sessionHours: number;
  /** The installation's audit key (kept outside the database), or undefined when this store signs nothing. */
  auditKey: AuditKey | undefined;
  /** Comparisons already computed, by the content of the two sides as the reader sees them. */
  readonly comparisons = new ComparisonCache(200);
  /** Long comparisons run on a worker thread, off the event loop. */
  readonly comparisonWorker = new ComparisonWorker();

  /** What was read, kept until the tables it came from change (`read-cache.ts`). */
  readonly reads: ReadCache;

  /** The database, through Kysely: the same queries on every engine. */
  readonly db: Db;

  constructor(
    readonly engine: Engine,
    options: StoreOptions = {},
  ) {
    this.db = engine.db;
    this.reads = new ReadCache(engine.clock);
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    this.sessionHours = options.sessionHours ?? 12;
    this.auditKey = options.auditKey;
  }

  /**
   * Opens the database at `location` and migrates it: a PostgreSQL URL (`postgres://…`), or an
   * SQLite file (created when missing).
   *
   * @example
   * const store = await Store.open(process.env.DATABASE_URL ?? 'parley.db');
   */
  static async open(location: string, options: StoreOptions = {}): Promise<Store> {
    return new Store(await openEngine(location), options);
  }

  /** Which engine holds the data. */
  get engineName(): EngineName {
    return this.engine.name;
  }

  private readonly closing: (() => Promise<void>)[] = [];

  /** Runs `stop` first when the store closes (work that uses the database, such as the job queue). */
  whenClosing(stop: () => Promise<void>): void {
    this.closing.push(stop);
  }

  async close(): Promise<void> {
    for (const stop of this.closing.splice(0).reverse()) await stop();
    await this.comparisonWorker.close();
    await this.engine.close();
  }

  /**
   * Calls `listener` with the negotiations another process changed (null: it cannot tell which),
   * soon after it commits. Returns a function that stops listening.
   */
  onChangeElsewhere(listener: (negotiationIds: (string | null)[]) => void): () => void {
    return this.engine.onChangeElsewhere(listener);
  }

  /** Audit events recorded since the listeners were last told. */
  private recorded = 0;
  private readonly committedListeners = new Set<(events: number) => void>();

  /**
   * Calls `listener` after each commit of this process with how many audit events it recorded (a
   * change undone alone may be counted). Returns a function that stops listening.
   */
  onCommitted(listener: (events: number) => void): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  private tellCommitted(): void {
    const events = this.recorded;
    this.recorded = 0;
    if (events > 0) for (const listener of this.committedListeners) listener(events);
  }

  nowIso(): string {
    return this.now().toISOString();
  }

  id(): string {
    return this.newId();
  }

  /** Changes waiting for the commit in progress to end; they are committed together after it. */
  private readonly queued: QueuedChange[] = [];
  private committing = false;

  /**
   * Runs `work` in a transaction; each change it records is appended to the audit chain in it. The
   * answer comes only once the transaction is committed, so an answered change is durable.
   *
   * Changes that arrive in the same turn of the event loop, or while a commit is in progress, are
   * committed together (group commit): one synchronous commit, the costliest step of a small write,
   * then serves them all. Each runs in a savepoint of its own, in the order they came, so one that
   * fails is undone alone and the others are kept; if the transaction as a whole fails (the disk, a
   * lock, another process's commit), each is tried again on its own. A commit takes no more changes
   * once its own have run for `COMMIT_TIME_BUDGET_MS`, so a slow change delays few others.
   */
  change<T>(actorId: Id | null, work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push({
        actorId,
        work,
        trail: currentAuditTrail(),
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      if (this.committing) return;
      this.committing = true;
      // After the requests already received in this turn of the event loop: their changes join.
      setImmediate(() => void this.commitQueued());
    });
  }

  private async commitQueued(): Promise<void> {
    while (this.queued.length > 0) {
      const batch = this.queued.splice(0, MAX_CHANGES_PER_COMMIT);
      try {
        if (batch.length === 1) await this.commitAlone(batch[0]!);
        else await this.commitTogether(batch);
      } catch (error) {
        // Only a fault of this code gets here: every change of the batch not answered yet hears of it.
        for (const change of batch) change.reject(error);
      }
      this.tellCommitted();
      // A commit runs to its end without letting requests in; those that came meanwhile are read now.
      if (this.queued.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
    this.committing = false;
  }

  private async commitAlone(change: QueuedChange): Promise<void> {
    try {
      const appended: ChainPoint[] = [];
      const value = await this.db.transaction().execute(async (trx) => {
        await this.engine.beginWrite(trx);
        const touched = new Set<string | null>();
        const value = await change.work(trx, this.recorder(trx, change.actorId, touched, appended));
        if (touched.size > 0) await this.engine.announce(trx, touched);
        await this.engine.endWrite(trx);
        return value;
      });
      noteOnTrail(change.trail, appended, appended.at(-1));
      change.resolve(value);
    } catch (error) {
      change.reject(this.engine.constraintError(error) ?? error);
    }
  }

  private async commitTogether(batch: QueuedChange[]): Promise<void> {
    let outcomes: Outcome[];
    /** The events each change of the batch appended (none for one that was undone). */
    const appended: ChainPoint[][] = [];
    try {
      outcomes = await this.db.transaction().execute(async (trx) => {
        await this.engine.beginWrite(trx);
        const touched = new Set<string | null>();
        const started = performance.now();
        const done: Outcome[] = [];
        for (const [index, change] of batch.entries()) {
          if (index > 0 && performance.now() - started > COMMIT_TIME_BUDGET_MS) {
            // The rest waits for the next commit, first in line.
            this.queued.unshift(...batch.splice(index));
            break;
          }
          await trx.executeQuery(CompiledQuery.raw(`savepoint change_${index}`));
          const events: ChainPoint[] = [];
          appended[index] = events;
          try {
            const value = await change.work(trx, this.recorder(trx, change.actorId, touched, events));
            await trx.executeQuery(CompiledQuery.raw(`release change_${index}`));
            done.push({ ok: true, value });
          } catch (error) {
            // A failure of the database rather than of this change: the whole batch is tried again.
            if (this.engine.failsTheTransaction(error)) throw error;
            // Should undoing fail, the transaction is lost: the catch below tries each change alone.
            await trx.executeQuery(CompiledQuery.raw(`rollback to change_${index}`));
            await trx.executeQuery(CompiledQuery.raw(`release change_${index}`));
            events.length = 0;
            done.push({ ok: false, error });
          }
        }
        if (touched.size > 0) await this.engine.announce(trx, touched);
        await this.engine.endWrite(trx);
        return done;
      });
    } catch {
      // Nothing of the batch was committed, and nothing answered: no change fails for another's sake.
      for (const change of batch) await this.commitAlone(change);
      return;
    }
    const head = appended.flat().at(-1);
    batch.forEach((change, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) noteOnTrail(change.trail, appended[index] ?? [], head);
      if (outcome.ok) change.resolve(outcome.value);
      else change.reject(this.engine.constraintError(outcome.error) ?? outcome.error);
    });
  }

  /**
   * A write that is not part of the negotiation's record (sessions), outside the audit chain, that
   * other processes on the database still hear of. On PostgreSQL it is a transaction of its own, to
   * count it for the other processes; on SQLite one statement, which its file tells them of (a
   * transaction there would hold the process's one connection, and a sign-in would wait behind
   * the reads of a spray of others).
   */
  unaudited<T>(work: (db: Executor) => Promise<T>): Promise<T> {
    if (this.engine.name === 'sqlite') return work(this.db);
    return this.db.transaction().execute(async (trx) => {
      await this.engine.beginWrite(trx);
      const value = await work(trx);
      await this.engine.endWrite(trx);
      return value;
    });
  }

  private recorder(
    trx: Transaction<Database>,
    actorId: Id | null,
    touched: Set<string | null>,
    appended: ChainPoint[],
  ): Recorder {
    return async (change) => {
      touched.add(change.negotiationId);
      this.recorded++;
      appended.push(await appendAuditEvent(trx, { ...change, at: this.nowIso(), actorId }));
    };
  }

  /** The engine's own check of the database: the problems it found, none when it is sound. */
  integrityCheck(): Promise<string[]> {
    return this.engine.integrityCheck();
  }

  verifyAudit(): Promise<AuditVerdict> {
    return verifyAuditChain(this.db);
  }

  /** Loads a negotiation for a reader, or answers "not found" when it does not exist or they are not in it. */
  async context(user: User, negotiationId: Id, operator = false): Promise<NegotiationContext> {
    // Membership is asked first, in one query that costs the same whether the negotiation is missing
    // or only closed to this person: neither the answer nor its timing tells the two apart.
    // The person's negotiations are looked up in memory, at the same cost for both.
    const mine = await this.reads.get(`member-of ${user.id}`, ['memberships'], async () => {
      const rows = await this.db
        .selectFrom('memberships')
        .select('negotiation_id')
        .where('user_id', '=', user.id)
        .execute();
      return rows.map((row) => row.negotiation_id);
    });
    if (!mine.includes(negotiationId) && !operator) throw notFound(`negotiation "${negotiationId}"`);
    const table = await this.reads.get(
      `table ${negotiationId}`,
      ['negotiations', 'parties', 'memberships', 'tracks'],
      () => this.loadTable(negotiationId),
    );
    if (!table) throw notFound(`negotiation "${negotiationId}"`);
    const scope = viewerScope(user.id, operator, table.memberships, table.parties);
    if (!canSeeNegotiation(scope)) throw notFound(`negotiation "${negotiationId}"`);
    return { user, scope, ...table };
  }

  /** A negotiation and who sits at its table: what every request about it starts from. */
  private async loadTable(negotiationId: Id): Promise<Omit<NegotiationContext, 'user' | 'scope'> | null> {
    const row = await this.db
      .selectFrom('negotiations')
      .select(['id', 'revision', 'data'])
      .where('id', '=', negotiationId)
      .executeTakeFirst();
    if (!row) return null;
    const negotiation = { ...JSON.parse(row.data), revision: row.revision } as Negotiation;
    const parties = await listEntities(this.db, 'parties', negotiationId);
    const memberships = (
      await this.db.selectFrom('memberships').selectAll().where('negotiation_id', '=', negotiationId).execute()
    ).map(membershipFromRow);
    const tracks = await listEntities(this.db, 'tracks', negotiationId);
    return { negotiation, parties, memberships, tracks };
  }

  /**
   * The command line's view of a negotiation: everything in it, for the operator who holds the
   * database file (`parley export` without `--as`). Never reached over HTTP.
   */
  async operatorContext(negotiationId: Id): Promise<NegotiationContext> {
    return this.context({ id: 'operator', email: '', name: 'Operator', isAdmin: false }, negotiationId, true);
  }

  /** Inserts an entity of a collection and records `<entity>.create`. */
  async insert<C extends CollectionName>(
    ctx: NegotiationContext,
    name: C,
    entity: CollectionEntity<C>,
    value: EntityOf<C>,
  ): Promise<EntityOf<C>> {
    return this.change(ctx.user.id, async (trx, record) => {
      await insertEntity(trx, name, value);
      await record({
        action: `${entity}.create`,
        entityId: value.id,
        negotiationId: ctx.negotiation.id,
        before: null,
        after: value,
      });
      return value;
    });
  }

  /** Replaces an entity when `revision` is still current; otherwise answers 409 with the current state. */
  async replace<C extends CollectionName>(
    ctx: NegotiationContext,
    name: C,
    entity: CollectionEntity<C>,
    current: EntityOf<C>,
    revision: number,
    next: EntityOf<C>,
  ): Promise<EntityOf<C>> {
    const currentRevision = (current as { revision: number }).revision;
    if (currentRevision !== revision)
      throw conflict(`${entity.replace('_', ' ')} "${current.id}"`, revision, current as { revision: number });
    const after = { ...next, revision: currentRevision + 1 } as EntityOf<C>;
    return this.change(ctx.user.id, async (trx, record) => {
      if (!(await replaceEntity(trx, name, after, currentRevision))) {
        const fresh = (await listEntities(trx, name, ctx.negotiation.id, { id: current.id }))[0];
        throw conflict(
          `${entity.replace('_', ' ')} "${current.id}"`,
          revision,
          (fresh ?? current) as { revision: number },
        );
      }
      await record({
        action: `${entity}.update`,
        entityId: current.id,
        negotiationId: ctx.negotiation.id,
        before: current,
        after,
      });
      return after;
    });
  }
}

/** Tells a request's trail of the events its change appended, and of the chain head after their commit. */
function noteOnTrail(trail: AuditTrail | undefined, events: ChainPoint[], head: ChainPoint | undefined): void {
  if (!trail || events.length === 0 || !head) return;
  trail.events.push(...events);
  if (!trail.head || head.seq > trail.head.seq) trail.head = head;
}
