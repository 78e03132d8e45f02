import { notFound } from '../core/errors.ts';
import type { Id, Track, Version, Visibility } from '../core/model.ts';
import {
  canSeeHistoryEvent,
  canSeePoint,
  type AmendmentAudience,
  type HistorySubject,
  type ViewerScope,
} from '../core/visibility.ts';
import type { ChainPoint } from './audit.ts';
import { partyName, partyNames } from './names.ts';
import type { NegotiationContext, Store } from './store.ts';

/**
 * The history of a negotiation as one reader may read it (`GET …/history`), and the receipts of the
 * events that concern the reader's party (`GET …/receipts`): both read the audit log and apply the one
 * rule of `canSeeHistoryEvent` (core/visibility.ts), each event described by what it is about as it
 * stands now.
 */

/** The kinds of event a party holds a receipt of: a text sent or received, an approval, a countersignature, a mark. */
export const RECEIPT_KINDS: readonly string[] = [
  'version.transmit',
  'version.sign',
  'approval.approve',
  'approval.reject',
  'approval.send_back',
  'agreement.mark',
  'agreement.mark_text',
];

/** What each kind of event says happened, in the words of docs/audit-events.md, after the actor's name. */
const WORDS: Record<string, string> = {
  'negotiation.create': 'convened the negotiation',
  'negotiation.update': "changed the negotiation's title, summary or current text",
  'negotiation.languages': "set the languages of the negotiation's text",
  'membership.create': 'took a seat at the table',
  'membership.update': "changed a seat's role or title",
  'membership.remove': 'removed a seat',
  'invitation.create': 'offered a seat',
  'invitation.consent': 'consented to a seat offered in the delegation',
  'invitation.accept': 'took the seat offered',
  'invitation.revoke': 'revoked an invitation, or declined the seat',
  'proposal.create': 'proposed a change of seats or of a coalition',
  'proposal.consent': 'consented to a proposal',
  'proposal.accept': 'gave the last consent: the proposed change was made',
  'proposal.decline': 'declined or withdrew a proposal',
  'party.create': 'brought a party or a coalition to the table',
  'party.update': "changed a party's name, or a coalition's scope or members",
  'track.create': 'opened a separate format',
  'track.update': "changed a track's name, points or parties",
  'track.close': 'closed a track whose points were agreed',
  'track.reopen': 'reopened a closed track',
  'issue.create': 'defined an issue and its options',
  'issue.update': 'changed an issue, or retired one of its options',
  'version.create': 'wrote a text',
  'version.transmit': 'sent a text',
  'version.withdraw': 'withdrew a text',
  'version.sign': "completed the receiving party's countersignature on a text",
  'draft.create': 'opened a draft',
  'draft.save': 'saved a draft',
  'draft.issue': 'issued a draft as a text',
  'draft.discard': 'discarded a draft',
  'position.create': 'took a position on a point',
  'position.update': 'changed a position',
  'position.carry': 'carried a position to a new text',
  'red_line.create': 'stated a red line',
  'red_line.update': 'changed a red line',
  'preference.create': 'recorded preferences over the options',
  'preference.update': 'changed preferences',
  'round.create': 'recorded a round',
  'round.update': 'changed or cancelled a round',
  'statement.create': 'recorded a public statement',
  'statement.update': 'retracted a public statement',
  'transmission_rule.create': 'set a transmission rule',
  'transmission_rule.update': 'proposed, consented to or completed a change of a transmission rule',
  'approval.approve': 'approved a text',
  'approval.reject': 'rejected a text',
  'approval.send_back': 'sent a text back to be revised',
  'analysis.create': 'ran a settlement analysis',
  'release.create': 'released analysed packages to a party',
  'amendment.propose': 'proposed an amendment',
  'amendment.update': 'edited an amendment',
  'amendment.table': 'tabled an amendment',
  'amendment.decide': 'decided on an amendment',
  'amendment.withdraw': 'withdrew an amendment',
  'amendment.consolidate': 'consolidated the accepted amendments into a new text',
  'agreement.mark': "marked a point's wording agreed ad referendum",
  'agreement.mark_text': 'agreed the whole text ad referendum',
  'agreement.take_back': 'took back a mark of agreement',
  'agreement.lock': 'locked the agreed text',
  'agreement.reopen': 'reopened a point of the locked text',
  'bracket.close': 'closed a bracket',
};

/** One event of the history as its reader may read it: who did what and when, by name. */
export interface HistoryEntry {
  seq: number;
  at: string;
  action: string;
  /** Who did it, by name ("Parley" for what the installation did itself). */
  actor: string;
  /** The party the actor sat for, or "the mediators", or null. */
  actorParty: string | null;
  /** What happened, in words, naming only what the reader may know. */
  what: string;
  /** Whether the reader's party holds a receipt of this event (`GET …/receipts/:seq`). */
  receipt: boolean;
}

export interface HistoryPage {
  entries: HistoryEntry[];
  /**
   * Pass as `before` for the next (older) page; null when no older event is left. A page may hold
   * fewer entries than asked (even none) and still have a next one: one request looks at a bounded
   * number of events of the log, however long it is.
   */
  nextBefore: number | null;
}

/** The receipts the reader's party holds, a page at a time, newest first. */
export interface ReceiptPage {
  receipts: Receipt[];
  /** As for the history: pass as `before` for older receipts; null when none is left. */
  nextBefore: number | null;
}

/** How many events one request reads from the log at a time, and at most in all. */
export const HISTORY_BATCH = 200;
export const HISTORY_SCAN_LIMIT = 2000;

/** A receipt a party keeps outside Parley: an event of the log, the chain head after it, signed. */
export interface Receipt {
  format: 'parley-receipt-v1';
  negotiationId: Id;
  event: { seq: number; hash: string; action: string; at: string };
  head: ChainPoint;
  /** The content hash of the text (or point) the event is about; null where the reader is not told it. */
  contentHash: string | null;
  /** The audit key that signed it; null when the installation has no key loaded (then unsigned). */
  keyId: string | null;
  /** Ed25519 over `receiptMessage(...)`, base64; null when unsigned. */
  signature: string | null;
  /** Said when the receipt is unsigned, and why. */
  note?: string;
}

/**
 * The one line a receipt's signature covers.
 *
 * @example receiptMessage({ event: { seq: 7, hash: 'ab' }, head: { seq: 9, hash: 'cd' }, contentHash: null })
 * // 'parley-receipt-v1 7 ab 9 cd -'
 */
export function receiptMessage(receipt: Pick<Receipt, 'event' | 'head' | 'contentHash'>): string {
  const { event, head, contentHash } = receipt;
  return `parley-receipt-v1 ${event.seq} ${event.hash} ${head.seq} ${head.hash} ${contentHash ?? '-'}`;
}

interface EventRow {
  seq: number;
  hash: string;
  at: string;
  actor_id: string | null;
  action: string;
  entity_id: string;
  after: string | null;
}

interface Described {
  entry: HistoryEntry;
  /** For a receipt kind: the content hash the receipt names (null when withheld from the reader). */
  contentHash?: string | null;
}

/** The history of a negotiation a reader may read, newest first, `limit` at a time, older than `before`. */
export async function history(
  store: Store,
  ctx: NegotiationContext,
  page: { before?: number; limit?: number } = {},
): Promise<HistoryPage> {
  const found = await readableEvents(store, ctx, page, () => true);
  return { entries: found.described.map((d) => d.entry), nextBefore: found.nextBefore };
}

/** The receipts the reader's party holds in a negotiation, newest first, `limit` at a time, older than `before`. */
export async function listReceipts(
  store: Store,
  ctx: NegotiationContext,
  page: { before?: number; limit?: number } = {},
): Promise<ReceiptPage> {
  const found = await readableEvents(store, ctx, page, (d) => d.entry.receipt, RECEIPT_KINDS);
  const head = await chainHead(store);
  return { receipts: found.described.map((d) => issueReceipt(store, ctx, d, head)), nextBefore: found.nextBefore };
}

/** One receipt of the reader's party, by the event's sequence number; "not found" for any other. */
export async function getReceipt(store: Store, ctx: NegotiationContext, seq: number): Promise<Receipt> {
  const rows = await eventRows(store, ctx, seq + 1, 1, RECEIPT_KINDS);
  const row = rows[0]?.seq === seq ? rows[0] : undefined;
  const described = row ? describe(ctx, await loadFacts(store, ctx, [row]), row) : null;
  if (!row || !described?.entry.receipt)
    throw notFound(
      `receipt ${seq}: your party holds no receipt of event ${seq} in this negotiation; GET …/receipts lists those it holds`,
    );
  return issueReceipt(store, ctx, { ...described, hash: row.hash }, await chainHead(store));
}

async function chainHead(store: Store): Promise<ChainPoint> {
  const last = await store.db
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last ?? { seq: 0, hash: '0'.repeat(64) };
}

function issueReceipt(
  store: Store,
  ctx: NegotiationContext,
  d: Described & { hash: string },
  head: ChainPoint,
): Receipt {
  const rowHash = d.hash;
  const unsigned: Omit<Receipt, 'keyId' | 'signature'> = {
    format: 'parley-receipt-v1',
    negotiationId: ctx.negotiation.id,
    event: { seq: d.entry.seq, hash: rowHash, action: d.entry.action, at: d.entry.at },
    head,
    contentHash: d.contentHash ?? null,
  };
  const key = store.auditKey;
  if (!key)
    return {
      ...unsigned,
      keyId: null,
      signature: null,
      note: 'unsigned: this installation has no audit key loaded, so the receipt proves nothing by itself; `parley audit verify --receipt` still checks it against the log',
    };
  return { ...unsigned, keyId: key.keyId, signature: key.sign(receiptMessage(unsigned)) };
}

/** The negotiation's events older than `before`, newest first, at most `limit`, of the given kinds if any. */
function eventRows(
  store: Store,
  ctx: NegotiationContext,
  before: number | undefined,
  limit: number,
  actions?: readonly string[],
): Promise<EventRow[]> {
  let query = store.db
    .selectFrom('audit_events')
    .select(['seq', 'hash', 'at', 'actor_id', 'action', 'entity_id', 'after'])
    .where('negotiation_id', '=', ctx.negotiation.id);
  if (before !== undefined) query = query.where('seq', '<', before);
  if (actions) query = query.where('action', 'in', [...actions]);
  return query.orderBy('seq', 'desc').limit(limit).execute();
}

/**
 * The events the reader may read, newest first, older than `page.before`, until `page.limit` are
 * found or `HISTORY_SCAN_LIMIT` events were looked at (read `HISTORY_BATCH` at a time), whichever
 * comes first; `nextBefore` is where the next request goes on, null when the log has no older event.
 */
async function readableEvents(
  store: Store,
  ctx: NegotiationContext,
  page: { before?: number; limit?: number },
  keep: (d: Described) => boolean,
  actions?: readonly string[],
): Promise<{ described: (Described & { hash: string })[]; nextBefore: number | null }> {
  const want = Math.min(Math.max(page.limit ?? 50, 1), 200);
  const described: (Described & { hash: string })[] = [];
  let cursor = page.before;
  let looked = 0;
  let facts: Facts | undefined;
  while (described.length < want && looked < HISTORY_SCAN_LIMIT) {
    const batch = Math.min(HISTORY_BATCH, HISTORY_SCAN_LIMIT - looked);
    const rows = await eventRows(store, ctx, cursor, batch, actions);
    if (rows.length === 0) return { described, nextBefore: null };
    facts = await loadFacts(store, ctx, rows, facts);
    for (const row of rows) {
      looked++;
      cursor = row.seq;
      const d = describe(ctx, facts, row);
      if (d && keep(d)) described.push({ ...d, hash: row.hash });
      if (described.length === want) break;
    }
    if (rows.length < batch && cursor === rows.at(-1)!.seq) return { described, nextBefore: null };
  }
  return { described, nextBefore: cursor ?? null };
}

interface TextFacts {
  version: Version;
  recipientPartyIds: Id[];
}

/** What the rule needs about the entities the events concern, as they stand now. */
interface Facts {
  texts: Map<Id, TextFacts>;
  owned: Map<Id, { partyId: Id; visibility: Visibility }>;
  drafts: Map<Id, Id | null>;
  amendments: Map<Id, { partyId: Id; tabledTo: AmendmentAudience; versionId: Id }>;
  invitations: Map<Id, Id | null>;
  analyses: Map<Id, Id>;
  releases: Map<Id, Id>;
  brackets: Map<Id, Id>;
  /** The party each person sits for (null: a mediator). */
  seatOf: Map<Id, Id | null>;
  names: Map<Id, string>;
}

async function loadFacts(store: Store, ctx: NegotiationContext, rows: EventRow[], known?: Facts): Promise<Facts> {
  const db = store.db;
  if (known) {
    const names = await actorNames(store, rows, known.names);
    return { ...known, names, texts: await loadTexts(store, ctx, versionsOf(rows, known), known.texts) };
  }
  const n = ctx.negotiation.id;
  const owned = new Map<Id, { partyId: Id; visibility: Visibility }>();
  for (const table of ['positions', 'red_lines', 'preferences'] as const)
    for (const row of await db
      .selectFrom(table)
      .select(['id', 'party_id', 'visibility'])
      .where('negotiation_id', '=', n)
      .execute())
      owned.set(row.id, { partyId: row.party_id, visibility: row.visibility as Visibility });
  const pairs = async <T>(query: Promise<T[]>, entry: (row: T) => [Id, Id | null]) => new Map((await query).map(entry));
  const drafts = await pairs(
    db.selectFrom('drafts').select(['id', 'party_id']).where('negotiation_id', '=', n).execute(),
    (r) => [r.id, r.party_id],
  );
  const amendments = new Map(
    (
      await db
        .selectFrom('amendments')
        .select(['id', 'party_id', 'tabled_to', 'version_id'])
        .where('negotiation_id', '=', n)
        .execute()
    ).map((r) => [r.id, { partyId: r.party_id, tabledTo: r.tabled_to as AmendmentAudience, versionId: r.version_id }]),
  );
  const invitations = await pairs(
    db.selectFrom('invitations').select(['id', 'party_id']).where('negotiation_id', '=', n).execute(),
    (r) => [r.id, r.party_id],
  );
  const seatOf = new Map<Id, Id | null>(ctx.memberships.map((m) => [m.userId, m.partyId]));
  const analyses = new Map<Id, Id>();
  for (const r of await db
    .selectFrom('analyses')
    .select(['id', 'requested_by'])
    .where('negotiation_id', '=', n)
    .execute())
    analyses.set(r.id, r.requested_by);
  const releases = new Map(
    (await db.selectFrom('releases').select(['id', 'party_id']).where('negotiation_id', '=', n).execute()).map(
      (r) => [r.id, r.party_id] as [Id, Id],
    ),
  );
  const brackets = new Map(
    (
      await db
        .selectFrom('bracket_closures')
        .select(['id', 'closed_in_version_id'])
        .where('negotiation_id', '=', n)
        .execute()
    ).map((r) => [r.id, r.closed_in_version_id] as [Id, Id]),
  );
  const names = await actorNames(store, rows, new Map());
  const facts = {
    texts: new Map<Id, TextFacts>(),
    owned,
    drafts: drafts as Map<Id, Id | null>,
    amendments,
    invitations: invitations as Map<Id, Id | null>,
    analyses,
    releases,
    brackets,
    seatOf,
    names,
  };
  return { ...facts, texts: await loadTexts(store, ctx, versionsOf(rows, facts), facts.texts) };
}

/** The versions the rows' events are about (read, with their recipients, only for the events at hand). */
function versionsOf(rows: EventRow[], facts: Pick<Facts, 'amendments' | 'brackets'>): Id[] {
  const ids = new Set<Id>();
  for (const row of rows) {
    const [entity] = row.action.split('.');
    if (entity === 'version' || row.action === 'amendment.consolidate') ids.add(row.entity_id);
    else if (entity === 'amendment') {
      const versionId = facts.amendments.get(row.entity_id)?.versionId;
      if (versionId) ids.add(versionId);
    } else if (entity === 'bracket') {
      const versionId = facts.brackets.get(row.entity_id);
      if (versionId) ids.add(versionId);
    } else if (entity === 'approval' || entity === 'agreement') {
      const versionId = text(parse(row.after).versionId);
      if (versionId !== null) ids.add(versionId);
    }
  }
  return [...ids];
}

/** `texts` with the versions it did not hold yet among `ids`, each with the parties it reached. */
async function loadTexts(
  store: Store,
  ctx: NegotiationContext,
  ids: Id[],
  texts: Map<Id, TextFacts>,
): Promise<Map<Id, TextFacts>> {
  const missing = ids.filter((id) => !texts.has(id));
  const n = ctx.negotiation.id;
  for (let i = 0; i < missing.length; i += 500) {
    const slice = missing.slice(i, i + 500);
    const versions = await store.db
      .selectFrom('versions')
      .select(['id', 'data'])
      .where('negotiation_id', '=', n)
      .where('id', 'in', slice)
      .execute();
    for (const v of versions) texts.set(v.id, { version: JSON.parse(v.data) as Version, recipientPartyIds: [] });
    for (const r of await store.db
      .selectFrom('version_recipients')
      .select(['version_id', 'party_id'])
      .where('negotiation_id', '=', n)
      .where('version_id', 'in', slice)
      .execute())
      texts.get(r.version_id)?.recipientPartyIds.push(r.party_id);
  }
  return texts;
}

/** `names` with the names of the rows' actors it did not hold yet. */
async function actorNames(store: Store, rows: EventRow[], names: Map<Id, string>): Promise<Map<Id, string>> {
  const actors = [...new Set(rows.map((r) => r.actor_id).filter((id): id is Id => id !== null && !names.has(id)))];
  for (let i = 0; i < actors.length; i += 500) {
    const slice = actors.slice(i, i + 500);
    for (const u of await store.db.selectFrom('users').select(['id', 'name']).where('id', 'in', slice).execute())
      names.set(u.id, u.name);
  }
  return names;
}

const parse = (json: string | null): Record<string, unknown> => {
  if (json === null) return {};
  const value = JSON.parse(json) as unknown;
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
};
const idList = (value: unknown): Id[] =>
  Array.isArray(value) ? value.filter((x): x is Id => typeof x === 'string') : [];
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * One event as the reader may read it, or null when the rule hides it. Each kind names the subjects
 * it is about; the words name only those subjects, and a text by its label only where the reader holds it.
 */
function describe(ctx: NegotiationContext, facts: Facts, row: EventRow): Described | null {
  const { scope, parties, tracks } = ctx;
  const after = parse(row.after);
  const actorParty = row.actor_id === null ? undefined : facts.seatOf.get(row.actor_id);
  const textOf = (versionId: Id | null): TextFacts | undefined =>
    versionId === null ? undefined : facts.texts.get(versionId);
  const versionSubject = (t: TextFacts | undefined): HistorySubject =>
    t ? { kind: 'version', version: t.version, recipientPartyIds: t.recipientPartyIds } : { kind: 'hidden' };
  const [entity] = row.action.split('.');
  let subjects: HistorySubject[];
  let about: TextFacts | undefined;
  let concerned: (Id | null)[] | null = null;
  let contentHash: string | null = text(after.contentHash);
  let detail = '';
  switch (entity) {
    case 'negotiation':
    case 'party':
    case 'membership':
    case 'issue':
    case 'round':
    case 'statement':
    case 'transmission_rule':
      subjects = [{ kind: 'table' }];
      break;
    case 'track': {
      const track = tracks.find((t) => t.id === row.entity_id);
      subjects = [track ? { kind: 'track', track } : { kind: 'hidden' }];
      break;
    }
    case 'invitation':
      subjects = facts.invitations.has(row.entity_id)
        ? [{ kind: 'party', partyIds: [facts.invitations.get(row.entity_id) ?? null] }]
        : [{ kind: 'hidden' }];
      break;
    case 'proposal':
      subjects = [{ kind: 'party', partyIds: [null] }];
      break;
    case 'position':
    case 'red_line':
    case 'preference': {
      const item = facts.owned.get(row.entity_id);
      subjects = [item ? { kind: 'owned', ...item } : { kind: 'hidden' }];
      if (item) detail = ` of ${partyName(parties, item.partyId)}`;
      break;
    }
    case 'draft':
      subjects = facts.drafts.has(row.entity_id)
        ? [{ kind: 'party', partyIds: [facts.drafts.get(row.entity_id) ?? null] }]
        : [{ kind: 'hidden' }];
      break;
    case 'analysis': {
      const by = facts.analyses.get(row.entity_id);
      subjects =
        by === undefined ? [{ kind: 'hidden' }] : [{ kind: 'party', partyIds: [facts.seatOf.get(by) ?? null] }];
      break;
    }
    case 'release': {
      const partyId = facts.releases.get(row.entity_id);
      subjects = partyId === undefined ? [{ kind: 'hidden' }] : [{ kind: 'party', partyIds: [partyId, null] }];
      if (partyId !== undefined) detail = ` (${partyName(parties, partyId)})`;
      break;
    }
    case 'amendment': {
      if (row.action === 'amendment.consolidate') {
        about = textOf(row.entity_id);
        subjects = [versionSubject(about)];
        break;
      }
      const amendment = facts.amendments.get(row.entity_id);
      about = amendment ? textOf(amendment.versionId) : undefined;
      subjects =
        amendment && about
          ? [
              {
                kind: 'amendment',
                amendment,
                version: about.version,
                recipientPartyIds: about.recipientPartyIds,
                internalStep: row.action === 'amendment.propose' || row.action === 'amendment.update',
              },
            ]
          : [{ kind: 'hidden' }];
      if (amendment) detail = ` of ${partyName(parties, amendment.partyId)}`;
      break;
    }
    case 'bracket':
      about = textOf(facts.brackets.get(row.entity_id) ?? null);
      subjects = [versionSubject(about)];
      break;
    case 'version': {
      about = textOf(row.entity_id);
      subjects = [versionSubject(about)];
      const author = about?.version.authorPartyId ?? null;
      if (row.action === 'version.transmit') {
        const to = idList(after.partyIds);
        const mediators = after.sharedWithMediators === true || (about !== undefined && author === null);
        concerned = [author, ...to, ...(mediators ? [null] : [])];
        // A party told of a transmission learns of the parties it may know of: itself and the author.
        const named =
          scope.isMediator || (author !== null && scope.partyIds.includes(author))
            ? to
            : to.filter((p) => scope.partyIds.includes(p));
        detail = named.length > 0 ? ` to ${partyNames(parties, named)}` : mediators ? ' to the mediators' : '';
      } else if (row.action === 'version.sign') {
        concerned = [author, actorParty ?? null];
      }
      break;
    }
    case 'approval': {
      about = textOf(text(after.versionId));
      const approver = text(after.userId);
      concerned = [
        approver === null ? null : (facts.seatOf.get(approver) ?? null),
        about?.version.authorPartyId ?? null,
      ];
      subjects = [versionSubject(about)];
      break;
    }
    case 'agreement': {
      if (row.action === 'agreement.lock' || row.action === 'agreement.reopen') {
        subjects = [{ kind: 'table' }];
        break;
      }
      about = textOf(text(after.versionId));
      const partyId = text(after.partyId);
      concerned = [partyId, null];
      subjects = [versionSubject(about)];
      const pointId = text(after.pointId);
      if (about && pointId !== null && !visiblePoint(scope, about.version, pointId, tracks))
        subjects.push({ kind: 'hidden' });
      if (partyId !== null) detail = ` for ${partyName(parties, partyId)}`;
      break;
    }
    default:
      subjects = [{ kind: 'hidden' }];
  }
  if (concerned !== null) subjects.push({ kind: 'party', partyIds: concerned });
  if (!canSeeHistoryEvent(scope, subjects)) return null;
  if (about && !about.version.points.every((point) => canSeePoint(scope, point, tracks))) contentHash = null;
  const label = about ? ` "${about.version.label}"` : '';
  const actorName =
    row.actor_id === null ? 'Parley' : (facts.names.get(row.actor_id) ?? 'a person no longer at the table');
  const words = WORDS[row.action] ?? row.action;
  return {
    entry: {
      seq: row.seq,
      at: row.at,
      action: row.action,
      actor: actorName,
      actorParty:
        actorParty === undefined ? null : actorParty === null ? 'the mediators' : partyName(parties, actorParty),
      what: `${words}${label}${detail}`,
      receipt: RECEIPT_KINDS.includes(row.action),
    },
    ...(RECEIPT_KINDS.includes(row.action) ? { contentHash } : {}),
  };
}

function visiblePoint(scope: ViewerScope, version: Version, pointId: Id, tracks: Track[]): boolean {
  const point = version.points.find((p) => p.id === pointId);
  return point ? canSeePoint(scope, point, tracks) : true;
}
