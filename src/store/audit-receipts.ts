import { eventHash } from './audit.ts';
import { verifyAuditSignature, auditKeyId } from './audit-key.ts';
import type { Db } from './engine.ts';
import { receiptMessage, type Receipt } from './history.ts';

/** What the log says of one receipt: whether it holds, and why not in words when it does not. */
export type ReceiptVerdict = { ok: true; detail: string } | { ok: false; reason: string };

/**
 * Checks a receipt against the log and the audit key: the log still holds its event unchanged (the
 * same hash at that sequence number, and the event still hashes to it: `verifyAuditChain` checks
 * the links), nothing after it was cut (the log reaches the receipt's head, and the event there has
 * the head's hash), and the signature is the audit key's (`publicKeyPem`). A receipt without a
 * signature is checked against the log only, and said to be unsigned.
 *
 * @example await verifyReceipt(store.db, JSON.parse(readFileSync('receipt.json', 'utf8')), publicKeyPem)
 */
export async function verifyReceipt(db: Db, input: unknown, publicKeyPem: string | null): Promise<ReceiptVerdict> {
  const shape = receiptShape(input);
  if (typeof shape === 'string') return { ok: false, reason: `not a Parley receipt: ${shape}` };
  const receipt = shape;
  const { event, head } = receipt;
  let signed = 'unsigned (the installation had no audit key loaded): checked against the log only';
  if (receipt.signature !== null) {
    if (publicKeyPem === null)
      return {
        ok: false,
        reason: 'the receipt is signed, but no public key was given to check it with (--public-key)',
      };
    const keyId = auditKeyId(publicKeyPem);
    if (receipt.keyId !== keyId)
      return { ok: false, reason: `signed by key ${receipt.keyId}, not by this installation's key ${keyId}` };
    if (!verifyAuditSignature(publicKeyPem, receiptMessage(receipt), receipt.signature))
      return {
        ok: false,
        reason: 'the signature does not verify: the receipt was altered or forged after it was issued',
      };
    signed = `signed by key ${keyId}`;
  }
  const rows = await db.selectFrom('audit_events').selectAll().where('seq', 'in', [event.seq, head.seq]).execute();
  const at = (seq: number) => rows.find((row) => row.seq === seq);
  const held = at(event.seq);
  if (!held) return { ok: false, reason: `the log no longer holds event ${event.seq} (${event.action})` };
  if (held.hash !== event.hash || held.action !== event.action || held.negotiation_id !== receipt.negotiationId)
    return {
      ok: false,
      reason: `event ${event.seq} (${event.action}) was changed: the log holds another event at that place`,
    };
  if (eventHash(held) !== held.hash)
    return {
      ok: false,
      reason: `event ${event.seq} (${event.action}) was altered: its content no longer matches the hash the receipt holds`,
    };
  const last = await db.selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (!last || last.seq < head.seq)
    return {
      ok: false,
      reason: `the log was cut: it ends at event ${last?.seq ?? 0}, but the receipt saw it reach event ${head.seq}`,
    };
  const headRow = at(head.seq);
  if (!headRow || headRow.hash !== head.hash)
    return {
      ok: false,
      reason: `the log was rewritten after the receipt: event ${head.seq}, the head the receipt saw, has another hash`,
    };
  return {
    ok: true,
    detail: `event ${event.seq} (${event.action}, ${event.at}) is in the log unchanged, and the log still reaches event ${head.seq} as the receipt saw it; ${signed}`,
  };
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The receipt, or what is wrong with its shape. */
function receiptShape(input: unknown): Receipt | string {
  if (input === null || typeof input !== 'object') return 'it is not a JSON object';
  const r = input as Partial<Receipt>;
  if (r.format !== 'parley-receipt-v1') return `its format is ${JSON.stringify(r.format)}, not "parley-receipt-v1"`;
  if (typeof r.negotiationId !== 'string') return 'it names no negotiation';
  const e = r.event;
  if (!e || !Number.isInteger(e.seq) || e.seq < 1 || typeof e.hash !== 'string' || !HEX64.test(e.hash))
    return 'its event has no sequence number or hash';
  if (typeof e.action !== 'string' || typeof e.at !== 'string') return 'its event has no action or time';
  const h = r.head;
  if (!h || !Number.isInteger(h.seq) || h.seq < e.seq || typeof h.hash !== 'string' || !HEX64.test(h.hash))
    return 'its head is missing, or before its event';
  if (r.contentHash !== null && typeof r.contentHash !== 'string') return 'its content hash is not text';
  if (r.signature !== null && typeof r.signature !== 'string') return 'its signature is not text';
  if (r.keyId !== null && typeof r.keyId !== 'string') return 'its key id is not text';
  return r as Receipt;
}
