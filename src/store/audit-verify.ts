import { auditKeyId, verifyAuditSignature } from './audit-key.ts';
import { verifyAuditChain, type AuditVerdict } from './audit.ts';
import {
  chainHead,
  checkpointMessage,
  DEFAULT_CADENCE,
  listCheckpoints,
  type ChainHead,
  type Checkpoint,
  type CheckpointCadence,
} from './audit-checkpoints.ts';
import type { Db } from './engine.ts';

/**
 * The log checks of `audit verify`: the hash chain, and the chain against the signed checkpoints.
 * The chain alone proves that no event changed unless every later one was re-hashed; the checkpoints,
 * signed with a key the database does not hold, catch re-hashing, truncation, prepended rows, a
 * replaced chain and deleted or forged checkpoints. Events after the last checkpoint are covered by
 * no signature yet: a warning, not a failure, unless the server had stopped before them.
 */

/** The check a finding comes from. */
export type LogCheck =
  | 'chain'
  | 'prepended events'
  | 'checkpoint signature'
  | 'truncation'
  | 're-hashed events'
  | 'replaced chain'
  | 'deleted checkpoints'
  | 'events after shutdown'
  | 'uncovered events'
  | 'no public key';

export interface LogFinding {
  check: LogCheck;
  /** A failure fails the verification; a warning is said but does not. */
  severity: 'failure' | 'warning';
  /** The event (or checkpoint's event) concerned, when there is one. */
  seq: number | null;
  message: string;
}

export interface LogReport {
  /** No finding is a failure. */
  ok: boolean;
  /** The chain walk (`verifyAuditChain`). */
  chain: AuditVerdict;
  head: ChainHead | null;
  /** How many checkpoints the database holds. */
  checkpoints: number;
  /** The last checkpoint whose signature holds, if any. */
  lastCheckpoint: Checkpoint | null;
  findings: LogFinding[];
}

export interface LogCheckOptions {
  /** The installation's public key (SPKI PEM); without it the checkpoints are not checked (a warning). */
  publicKeyPem?: string;
  /** The cadence the server signed at, to tell deleted checkpoints (default: the server's default). */
  cadence?: CheckpointCadence;
  now?: Date;
}

/** Most changes one commit takes (store.ts): a checkpoint every N events may come up to this many late. */
const BATCH_SLACK = 64;

/**
 * Checks the audit log: the chain, rows before its first event, and every checkpoint against it.
 *
 * @example
 * const report = await verifyAuditLog(store.db, { publicKeyPem });
 * for (const finding of report.findings) console.log(`${finding.check}: ${finding.message}`);
 */
export async function verifyAuditLog(db: Db, options: LogCheckOptions = {}): Promise<LogReport> {
  const cadence = options.cadence ?? DEFAULT_CADENCE;
  const now = options.now ?? new Date();
  const findings: LogFinding[] = [];
  const fail = (check: LogCheck, seq: number | null, message: string) =>
    findings.push({ check, severity: 'failure', seq, message });
  const warn = (check: LogCheck, seq: number | null, message: string) =>
    findings.push({ check, severity: 'warning', seq, message });

  const chain = await verifyAuditChain(db);
  if (!chain.ok) fail('chain', chain.seq, chain.reason);
  const head = await chainHead(db);

  const before = await db.selectFrom('audit_events').select('seq').where('seq', '<=', 0).orderBy('seq').execute();
  if (before.length > 0)
    fail(
      'prepended events',
      before[0]!.seq,
      `${before.length} event${before.length === 1 ? '' : 's'} stand before the first one (seq ${before.map((row) => row.seq).join(', ')}): the chain starts at event 1`,
    );

  const checkpoints = await listCheckpoints(db);
  const report = (lastCheckpoint: Checkpoint | null): LogReport => ({
    ok: findings.every((finding) => finding.severity !== 'failure'),
    chain,
    head,
    checkpoints: checkpoints.length,
    lastCheckpoint,
    findings,
  });
  if (!options.publicKeyPem) {
    warn(
      'no public key',
      null,
      `no public key to check the ${checkpoints.length} checkpoint${checkpoints.length === 1 ? '' : 's'} with: give the installation's public key (GET /api/audit/key) with --public-key FILE`,
    );
    return report(null);
  }
  const publicKeyPem = options.publicKeyPem;
  const keyId = auditKeyId(publicKeyPem);

  // Signatures: a checkpoint not signed by the installation's key is forged, and trusted for nothing.
  const signed: Checkpoint[] = [];
  for (const checkpoint of checkpoints) {
    if (verifyAuditSignature(publicKeyPem, checkpointMessage(checkpoint.seq, checkpoint.hash), checkpoint.signature))
      signed.push(checkpoint);
    else
      fail(
        'checkpoint signature',
        checkpoint.seq,
        `the checkpoint of event ${checkpoint.seq} (at ${checkpoint.at}) is not signed by the installation's key ${keyId}${checkpoint.keyId !== keyId ? ` (it names key ${checkpoint.keyId})` : ''}: it was forged or altered`,
      );
  }

  // Each signed head against the log.
  const hashes = await eventHashes(
    db,
    signed.map((checkpoint) => checkpoint.seq),
  );
  let matched = 0;
  const rehashed: Checkpoint[] = [];
  for (const checkpoint of signed) {
    const hash = hashes.get(checkpoint.seq);
    if (hash === checkpoint.hash) matched++;
    else if (hash === undefined && (head === null || checkpoint.seq > head.seq)) {
      fail(
        'truncation',
        checkpoint.seq,
        head === null
          ? `the log holds no event, but a checkpoint signed event ${checkpoint.seq} (at ${checkpoint.at}): every event was deleted`
          : `the log ends at event ${head.seq}, but a checkpoint signed event ${checkpoint.seq} (at ${checkpoint.at}): the last ${checkpoint.seq - head.seq} events were deleted`,
      );
      break;
    } else rehashed.push(checkpoint);
  }
  if (rehashed.length > 0 && matched === 0 && signed.length > 0)
    fail(
      'replaced chain',
      rehashed[0]!.seq,
      `none of the ${signed.length} signed checkpoints matches the log (the first signed event ${rehashed[0]!.seq} with another hash): the whole chain was replaced`,
    );
  else if (rehashed.length > 0) {
    const [first] = rehashed;
    fail(
      're-hashed events',
      first!.seq,
      `event ${first!.seq} is ${hashes.has(first!.seq) ? 'not the event' : 'missing, yet'} a checkpoint signed (at ${first!.at})${rehashed.length > 1 ? `, nor do ${rehashed.length - 1} later checkpoints match` : ''}: the log was altered at or before event ${first!.seq} and re-hashed`,
    );
  }

  // Checkpoints deleted: none at all though the log is older than the cadence, or a silence longer
  // than both the cadence's events and twice its minutes while a server ran.
  const first = await db.selectFrom('audit_events').select(['seq', 'at']).orderBy('seq').limit(1).executeTakeFirst();
  const minutes = (from: string, to: string | Date) => (new Date(to).getTime() - new Date(from).getTime()) / 60_000;
  if (checkpoints.length === 0 && first && minutes(first.at, now) > cadence.everyMinutes)
    fail(
      'deleted checkpoints',
      null,
      `the log has events since ${first.at}, more than ${cadence.everyMinutes} minutes ago, but no checkpoint: the checkpoints were deleted, or no server with the audit key has run since`,
    );
  for (let i = 1; i < signed.length; i++) {
    const [a, b] = [signed[i - 1]!, signed[i]!];
    if (a.reason === 'shutdown' || b.reason === 'start') continue;
    if (b.seq - a.seq > cadence.everyEvents + BATCH_SLACK && minutes(a.at, b.at) > 2 * cadence.everyMinutes + 1)
      fail(
        'deleted checkpoints',
        b.seq,
        `between the checkpoints of event ${a.seq} (at ${a.at}) and event ${b.seq} (at ${b.at}) the running server signed nothing for ${b.seq - a.seq} events and ${Math.round(minutes(a.at, b.at))} minutes, though it signs every ${cadence.everyEvents} events and ${cadence.everyMinutes} minutes: checkpoints were deleted`,
      );
  }

  // Events no signature covers yet.
  const last = signed.at(-1) ?? null;
  if (head && head.seq > 0 && (!last || head.seq > last.seq) && !findings.some((f) => f.check === 'truncation')) {
    const count = head.seq - (last?.seq ?? 0);
    if (last?.reason === 'shutdown')
      fail(
        'events after shutdown',
        last.seq + 1,
        `${count} event${count === 1 ? ' was' : 's were'} written after the server stopped at event ${last.seq} (at ${last.at}), and no server has signed since: appended by hand, or by the parley command while no server ran (start the server to sign them)`,
      );
    else
      warn(
        'uncovered events',
        (last?.seq ?? 0) + 1,
        `${count} event${count === 1 ? '' : 's'} after the last checkpoint${last ? ` (event ${last.seq}, at ${last.at})` : ''} ${count === 1 ? 'is' : 'are'} not yet covered by a signature`,
      );
  }
  return report(last);
}

/** The hashes of the events `seqs`, by sequence number (those missing are absent). */
async function eventHashes(db: Db, seqs: number[]): Promise<Map<number, string>> {
  const hashes = new Map<number, string>();
  for (let i = 0; i < seqs.length; i += 500) {
    const rows = await db
      .selectFrom('audit_events')
      .select(['seq', 'hash'])
      .where('seq', 'in', seqs.slice(i, i + 500))
      .execute();
    for (const row of rows) hashes.set(row.seq, row.hash);
  }
  return hashes;
}
