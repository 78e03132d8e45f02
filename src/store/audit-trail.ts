import { AsyncLocalStorage } from 'node:async_hooks';
import type { ChainPoint } from './audit.ts';

/**
 * What one request's changes added to the audit chain: the events, in order, and the chain head once
 * their commit was made. The server opens one per request (`withAuditTrail`) and answers with it
 * (the `Parley-Audit` header), so every change comes back with where it stands in the log.
 */
export interface AuditTrail {
  events: ChainPoint[];
  head: ChainPoint | null;
}

const trails = new AsyncLocalStorage<AuditTrail>();
/**
 * Trails open now. While one is, Node tracks every promise for the storage (on Node 20 that cost the
 * reads 10–15 % in the server benchmark), so the storage is switched off whenever none is open: reads
 * run without it, and a change made outside a trail has none.
 */
let open = 0;

/** Runs `work` with a fresh trail that the changes it makes fill in; returns the trail. Close it with `closeAuditTrail`. */
export function withAuditTrail(work: () => void): AuditTrail {
  const trail: AuditTrail = { events: [], head: null };
  open++;
  trails.run(trail, work);
  return trail;
}

/** Ends a trail opened by `withAuditTrail` (once its answer is sent); the last one switches the storage off. */
export function closeAuditTrail(): void {
  if (open > 0 && --open === 0) trails.disable();
}

/** The trail of the request in progress, if any. */
export function currentAuditTrail(): AuditTrail | undefined {
  return trails.getStore();
}

/**
 * The `Parley-Audit` header for a trail: the change's (last) event, the first one when it made
 * several, and the chain head after its commit.
 *
 * @example auditHeader({ events: [{ seq: 7, hash: 'ab…' }], head: { seq: 8, hash: 'cd…' } })
 * // 'seq=7; hash=ab…; head-seq=8; head-hash=cd…'
 */
export function auditHeader(trail: AuditTrail): string | null {
  const last = trail.events.at(-1);
  if (!last || !trail.head) return null;
  const first = trail.events[0]!;
  return [
    `seq=${last.seq}`,
    `hash=${last.hash}`,
    ...(first.seq !== last.seq ? [`first-seq=${first.seq}`] : []),
    `head-seq=${trail.head.seq}`,
    `head-hash=${trail.head.hash}`,
  ].join('; ');
}
