import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { analysisJobs } from '../../src/store/analysis-jobs.ts';
import { Store } from '../../src/store/store.ts';
import { loadAuditKey, verifyAuditSignature } from '../../src/store/audit-key.ts';
import { convene, readStreamStart, freshDatabase, tempDir } from '../helpers.ts';
import { createAccount, createUser } from '../../src/store/accounts.ts';
import { seatMember } from '../../src/store/members.ts';
import type { Role } from '../../src/core/model.ts';
import { tokenHash } from '../../src/store/passwords.ts';

/**
 * The access matrix of DESIGN.md ("Secrets are the product"), generated from the route table: every
 * route the app serves must have an entry below, and each entry says, for every kind of reader and
 * every object it is applied to, who is let through. The expectations are written out by hand, from
 * the design, never computed by the policy functions they check.
 *
 * The table: parties A, B, C and the coalition K of A and C; a principal, a lead and an adviser for
 * each party; a mediator; an outsider; an administrator; no token; an expired token. Every
 * visibility: positions and red lines kept in the party, shared with the mediators and public;
 * preferences kept and shared; A's internal draft, A's draft shared with the mediators, A's draft
 * sent to B, A's draft released to C by A's principal under a transmission rule, K's internal draft,
 * the mediator's table text sent to all, and a table text with one point negotiated in a track of A
 * and B (so C is outside it).
 *
 * And what was withdrawn (Parley never deletes): A's draft sent to B and A's internal draft, both
 * withdrawn, with positions on them; a cancelled round on the withdrawn draft; a retracted statement;
 * a retired option. A withdrawn thing stays in the history, marked, and leaves progress and the
 * default listings; no withdrawal widens who sees it, and no one sends or approves it any more.
 */

/**
 * DESIGN.md: "Administrators keep the installation, not the secrets." An administrator who sits at
 * no table runs the installation (accounts, the audit) and reads nothing of a negotiation, not even
 * what the table shares; the convenor (here the mediator) opens it and seats its people.
 */
const ADMIN_SEES_SECRETS = false;

const READERS = ['aP', 'aL', 'aA', 'bL', 'cL', 'med', 'out', 'admin', 'none', 'expired'] as const;
type Reader = (typeof READERS)[number];
const SIGNED_IN: Reader[] = ['aP', 'aL', 'aA', 'bL', 'cL', 'med', 'out', 'admin'];
const WHO: Record<Reader, string> = {
  aP: "A's principal",
  aL: "A's lead",
  aA: "A's adviser",
  bL: "B's lead",
  cL: "C's lead (in coalition K with A)",
  med: 'the mediator',
  out: 'an outsider',
  admin: 'the administrator',
  none: 'no token',
  expired: 'an expired token',
};

const ACCOUNTS = [
  'admin',
  'aP',
  'aL',
  'aA',
  'bP',
  'bL',
  'bA',
  'cP',
  'cL',
  'cA',
  'med',
  'out',
  'spare',
  'probe',
] as const;
type Account = (typeof ACCOUNTS)[number];
const emailOf = (account: Account) => `user-${account.toLowerCase()}@matrix.test`;
const PASSWORD = 'matrix-password';

const NEG = 'neg-main';
const OTHER = 'neg-other';
const N = `/api/negotiations/${NEG}`;
const PA = 'pa';
const PB = 'pb';
const PC = 'pc';
const PK = 'pk';
const MADE_UP = 'made-up-id-0';

// Who is who, written out.
/** A's delegation (and, through A, coalition K). */
const A: Reader[] = ['aP', 'aL', 'aA'];
/** Those who send A's texts and share A's material: its principal and its lead, not its adviser. */
const A_SEND: Reader[] = ['aP', 'aL'];
/** Everyone who holds a role in the negotiation. */
const AT_TABLE: Reader[] = ['aP', 'aL', 'aA', 'bL', 'cL', 'med'];
/** The track's parties (A and B) and the mediator. */
const TRACK: Reader[] = ['aP', 'aL', 'aA', 'bL', 'med'];

/** The drafts: A's (written by its adviser), coalition K's (by C's lead), the table's (by the mediator). */
const DRAFT_KEYS = ['a', 'k', 't'] as const;
type DraftKey = (typeof DRAFT_KEYS)[number];
const DRAFTS: Record<DraftKey, { what: string; seen: Reader[]; partyId: string | null }> = {
  a: { what: "A's draft", seen: A, partyId: PA },
  k: { what: "coalition K's draft", seen: [...A, 'cL'], partyId: PK },
  t: { what: "the mediator's draft of the table's text", seen: ['med'], partyId: null },
};

/** Seen by everyone at the table: the administrator, who sits at no table, does not see it. */
const table = (readers: Reader[]): Reader[] => readers;
/** A secret of some of the table: the administrator keeps the installation, not the secrets. */
const secret = (readers: Reader[]): Reader[] => (ADMIN_SEES_SECRETS ? [...readers, 'admin'] : readers);

const VERSION_KEYS = ['v0', 'vtrack', 'vaint', 'vamed', 'vab', 'vac', 'vk', 'vabw', 'vaintw'] as const;
type VersionKey = (typeof VERSION_KEYS)[number];
const VERSION_NAME: Record<VersionKey, string> = {
  v0: "the mediator's table text, sent to all",
  vtrack: 'the table text with a point in the track of A and B, sent to all',
  vaint: "A's internal draft",
  vamed: "A's draft shared with the mediators",
  vab: "A's draft sent to B",
  vac: "A's draft released to C by A's principal under the rule",
  vk: "coalition K's internal draft",
  vabw: "A's draft sent to B, then withdrawn",
  vaintw: "A's internal draft, withdrawn",
};
/** Who reads each version. */
const VERSION_SEEN: Record<VersionKey, Reader[]> = {
  v0: table(AT_TABLE),
  vtrack: table(AT_TABLE),
  vaint: secret(A),
  vamed: secret([...A, 'med']),
  vab: secret([...A, 'bL', 'med']),
  vac: secret([...A, 'cL', 'med']),
  vk: secret([...A, 'cL']),
  // Withdrawing a text changes no one's sight of it: still only those it had reached.
  vabw: secret([...A, 'bL', 'med']),
  vaintw: secret(A),
};
const WRITTEN_BY_A: VersionKey[] = ['vaint', 'vamed', 'vab', 'vac', 'vabw', 'vaintw'];
/** The versions withdrawn in the set-up: in the history, marked, out of progress and the default listing. */
const WITHDRAWN: VersionKey[] = ['vabw', 'vaintw'];
const STANDING: VersionKey[] = VERSION_KEYS.filter((v) => !WITHDRAWN.includes(v));
/** Who reads the track's point, and what is derived from it. */
const TRACK_SEEN = secret(TRACK);

const POSITION_KEYS = [
  'posA1',
  'posA2',
  'posA3',
  'posB1',
  'posB2',
  'posK1',
  'posA4',
  'posA5',
  'posB3',
  'posC1',
  'posW1',
  'posW2',
  'posW3',
] as const;
type PositionKey = (typeof POSITION_KEYS)[number];
interface PositionSpec {
  what: string;
  by: Reader;
  party: string;
  version: VersionKey;
  point: string;
  visibility: 'party' | 'mediator' | 'public';
  /** Who reads it. */
  seen: Reader[];
  /** Who may change it. */
  changes: Reader[];
}
const POSITIONS: Record<PositionKey, PositionSpec> = {
  posA1: {
    what: "A's position kept in the party",
    by: 'aA',
    party: PA,
    version: 'v0',
    point: 'p1',
    visibility: 'party',
    seen: secret(A),
    changes: secret(A),
  },
  posA2: {
    what: "A's position shared with the mediators",
    by: 'aL',
    party: PA,
    version: 'v0',
    point: 'p2',
    visibility: 'mediator',
    seen: secret([...A, 'med']),
    changes: secret(A_SEND),
  },
  posA3: {
    what: "A's public position",
    by: 'aL',
    party: PA,
    version: 'v0',
    point: 'p3',
    visibility: 'public',
    seen: table(AT_TABLE),
    changes: table(A_SEND),
  },
  posB1: {
    what: "B's position kept in the party",
    by: 'bL',
    party: PB,
    version: 'v0',
    point: 'p1',
    visibility: 'party',
    seen: secret(['bL']),
    changes: secret(['bL']),
  },
  posB2: {
    what: "B's public position on the track's point",
    by: 'bL',
    party: PB,
    version: 'vtrack',
    point: 'p-trk',
    visibility: 'public',
    seen: TRACK_SEEN,
    changes: secret(['bL']),
  },
  posK1: {
    what: "K's position kept in the coalition",
    by: 'cL',
    party: PK,
    version: 'v0',
    point: 'p2',
    visibility: 'party',
    seen: secret([...A, 'cL']),
    changes: secret([...A, 'cL']),
  },
  posA4: {
    what: "A's public position on its internal draft",
    by: 'aL',
    party: PA,
    version: 'vaint',
    point: 'p1',
    visibility: 'public',
    seen: secret(A),
    changes: secret(A_SEND),
  },
  posA5: {
    what: "A's position shared with the mediators on its draft sent to B",
    by: 'aL',
    party: PA,
    version: 'vab',
    point: 'p2',
    visibility: 'mediator',
    seen: secret([...A, 'med']),
    changes: secret(A_SEND),
  },
  posB3: {
    what: "B's public position on A's draft sent to B",
    by: 'bL',
    party: PB,
    version: 'vab',
    point: 'p1',
    visibility: 'public',
    seen: secret([...A, 'bL', 'med']),
    changes: secret(['bL']),
  },
  posC1: {
    what: "C's position shared with the mediators",
    by: 'cL',
    party: PC,
    version: 'v0',
    point: 'p1',
    visibility: 'mediator',
    seen: secret(['cL', 'med']),
    changes: secret(['cL']),
  },
  posW1: {
    what: "B's public position on A's draft sent to B, then withdrawn",
    by: 'bL',
    party: PB,
    version: 'vabw',
    point: 'p1',
    visibility: 'public',
    seen: secret([...A, 'bL', 'med']),
    changes: secret(['bL']),
  },
  posW2: {
    what: "A's public position on its internal draft, withdrawn",
    by: 'aL',
    party: PA,
    version: 'vaintw',
    point: 'p1',
    visibility: 'public',
    seen: secret(A),
    changes: secret(A_SEND),
  },
  posW3: {
    what: "A's position shared with the mediators on its draft sent to B, then withdrawn",
    by: 'aL',
    party: PA,
    version: 'vabw',
    point: 'p2',
    visibility: 'mediator',
    seen: secret([...A, 'med']),
    changes: secret(A_SEND),
  },
};

const RED_LINE_KEYS = ['rlAparty', 'rlAmed', 'rlApub', 'rlBpub', 'rlBmed', 'rlKparty'] as const;
type RedLineKey = (typeof RED_LINE_KEYS)[number];
interface RedLineSpec {
  what: string;
  by: Reader;
  party: string;
  visibility: 'party' | 'mediator' | 'public';
  constraint: unknown;
  seen: Reader[];
  changes: Reader[];
}
const RED_LINES: Record<RedLineKey, RedLineSpec> = {
  rlAparty: {
    what: "A's red line kept in the party",
    by: 'aA',
    party: PA,
    visibility: 'party',
    constraint: { kind: 'forbid', issueId: 'i1', optionIds: ['x'] },
    seen: secret(A),
    changes: secret(A),
  },
  rlAmed: {
    what: "A's red line shared with the mediators",
    by: 'aL',
    party: PA,
    visibility: 'mediator',
    constraint: { kind: 'forbid', issueId: 'i2', optionIds: ['x'] },
    seen: secret([...A, 'med']),
    changes: secret(A_SEND),
  },
  rlApub: {
    what: "A's public red line",
    by: 'aL',
    party: PA,
    visibility: 'public',
    constraint: { kind: 'require', issueId: 'i1', optionIds: ['y'] },
    seen: table(AT_TABLE),
    changes: table(A_SEND),
  },
  rlBpub: {
    what: "B's public red line on the track's issue",
    by: 'bL',
    party: PB,
    visibility: 'public',
    constraint: { kind: 'forbid', issueId: 'itrk', optionIds: ['x'] },
    seen: table(AT_TABLE),
    changes: table(['bL']),
  },
  rlBmed: {
    what: "B's red line shared with the mediators",
    by: 'bL',
    party: PB,
    visibility: 'mediator',
    constraint: {
      kind: 'forbid_combination',
      conditions: [
        { issueId: 'i1', optionIds: ['x'] },
        { issueId: 'i2', optionIds: ['x'] },
      ],
    },
    seen: secret(['bL', 'med']),
    changes: secret(['bL']),
  },
  rlKparty: {
    what: "K's red line kept in the coalition",
    by: 'cL',
    party: PK,
    visibility: 'party',
    constraint: { kind: 'forbid', issueId: 'i2', optionIds: ['y'] },
    seen: secret([...A, 'cL']),
    changes: secret([...A, 'cL']),
  },
};

/**
 * The option choices of each version: i1 and i2 decided by points 1 and 2, itrk by the track's point;
 * the withdrawn draft sent to B chose option r of iret before r was retired, and keeps it.
 */
/** Amendments of the set-up: whose, on which version, tabled to whom, and who reads each. */
const AMENDMENT_KEYS = ['amAint', 'amAmed', 'amBtable', 'amAtrk', 'amKint'] as const;
type AmendmentKey = (typeof AMENDMENT_KEYS)[number];
const AMENDMENTS: Record<
  AmendmentKey,
  {
    what: string;
    by: Reader;
    partyId: string;
    version: VersionKey;
    pointId: string;
    to: 'mediators' | 'table' | null;
    seen: Reader[];
  }
> = {
  amAint: {
    what: "A's amendment kept in the party",
    by: 'aA',
    partyId: PA,
    version: 'v0',
    pointId: 'p3',
    to: null,
    seen: secret(A),
  },
  amAmed: {
    what: "A's amendment tabled to the mediators",
    by: 'aA',
    partyId: PA,
    version: 'v0',
    pointId: 'p2',
    to: 'mediators',
    seen: secret([...A, 'med']),
  },
  amBtable: {
    what: "B's amendment tabled to the table",
    by: 'bL',
    partyId: PB,
    version: 'v0',
    pointId: 'p1',
    to: 'table',
    seen: table(AT_TABLE),
  },
  amAtrk: {
    what: "A's amendment to the track's point, tabled to the table",
    by: 'aL',
    partyId: PA,
    version: 'vtrack',
    pointId: 'p-trk',
    to: 'table',
    seen: TRACK_SEEN,
  },
  amKint: {
    what: "K's amendment to its own draft, kept in the coalition",
    by: 'aA',
    partyId: PK,
    version: 'vk',
    pointId: 'p3',
    to: null,
    seen: secret([...A, 'cL']),
  },
};
const amendmentsSeen = (reader: Reader, version?: VersionKey) =>
  AMENDMENT_KEYS.filter(
    (k) => (version === undefined || AMENDMENTS[k].version === version) && AMENDMENTS[k].seen.includes(reader),
  ).map((k) => w.amendment[k]);

const CHOICES: Record<VersionKey, Record<string, string>> = {
  v0: { i1: 'x', i2: 'x' },
  vtrack: { i1: 'x', i2: 'x', itrk: 'x' },
  vaint: { i1: 'y', i2: 'x' },
  vamed: { i1: 'y', i2: 'y' },
  vab: { i1: 'y', i2: 'x' },
  vac: { i1: 'y', i2: 'y' },
  vk: { i1: 'x', i2: 'y' },
  vabw: { i1: 'y', i2: 'x', iret: 'r' },
  vaintw: { i1: 'x', i2: 'y' },
};
/** The red lines each version crosses, worked out by hand from CHOICES and the constraints above. */
const CROSSES: Record<VersionKey, RedLineKey[]> = {
  v0: ['rlAparty', 'rlAmed', 'rlApub', 'rlBmed'],
  vtrack: ['rlAparty', 'rlAmed', 'rlApub', 'rlBmed', 'rlBpub'],
  vaint: ['rlAmed'],
  vamed: ['rlKparty'],
  vab: ['rlAmed'],
  vac: ['rlKparty'],
  vk: ['rlAparty', 'rlApub', 'rlKparty'],
  vabw: ['rlAmed'],
  vaintw: ['rlAparty', 'rlApub', 'rlKparty'],
};
/** Crossings that rest only on the track's point: withheld from readers outside the track. */
const TRACK_ONLY_CROSSINGS: Partial<Record<VersionKey, RedLineKey[]>> = { vtrack: ['rlBpub'] };

function crossingsFor(reader: Reader, version: VersionKey): RedLineKey[] {
  return CROSSES[version].filter(
    (key) =>
      RED_LINES[key].seen.includes(reader) &&
      !((TRACK_ONLY_CROSSINGS[version] ?? []).includes(key) && !TRACK_SEEN.includes(reader)),
  );
}

const PREFERENCE_KEYS = ['prefA', 'prefB', 'prefK'] as const;
type PreferenceKey = (typeof PREFERENCE_KEYS)[number];
const PREFERENCES: Record<
  PreferenceKey,
  { what: string; by: Reader; party: string; visibility: 'party' | 'mediator'; seen: Reader[]; changes: Reader[] }
> = {
  prefA: {
    what: "A's preferences kept in the party",
    by: 'aA',
    party: PA,
    visibility: 'party',
    seen: secret(A),
    changes: secret(A),
  },
  prefB: {
    what: "B's preferences shared with the mediators",
    by: 'bL',
    party: PB,
    visibility: 'mediator',
    seen: secret(['bL', 'med']),
    changes: secret(['bL']),
  },
  prefK: {
    what: "K's preferences kept in the coalition",
    by: 'cL',
    party: PK,
    visibility: 'party',
    seen: secret([...A, 'cL']),
    changes: secret([...A, 'cL']),
  },
};

const NEGOTIATIONS_OF: Record<Reader, string[]> = {
  aP: [NEG],
  aL: [NEG],
  aA: [NEG],
  bL: [NEG, OTHER],
  cL: [NEG],
  med: [NEG],
  out: [],
  admin: [],
  none: [],
  expired: [],
};
const MEMBER_ACCOUNTS: Account[] = ['aP', 'aL', 'aA', 'bP', 'bL', 'bA', 'cP', 'cL', 'cA', 'med'];

const V0_POINTS = [
  { id: 'p1', title: 'Ceasefire', text: 'The parties cease fire along the line of contact.', issueIds: ['i1'] },
  { id: 'p2', title: 'Forces', text: 'Forces withdraw twenty kilometres.', issueIds: ['i2'] },
  { id: 'p3', title: 'Review', text: 'A commission reviews the implementation.', issueIds: [] },
];
/** A party's counter-proposal: its own wording of point 1, the other points as on the table. */
const partyPoints = (marker: string) => [
  { ...V0_POINTS[0]!, text: `${marker} the party's own wording of the ceasefire` },
  V0_POINTS[1]!,
  V0_POINTS[2]!,
];

// ---------------------------------------------------------------- the world the matrix walks

interface World {
  user: Record<Account, string>;
  token: Record<Reader, string | null>;
  version: Record<VersionKey, string>;
  hash: Record<VersionKey, string>;
  position: Record<PositionKey, string>;
  redLine: Record<RedLineKey, string>;
  amendment: Record<AmendmentKey, string>;
  preference: Record<PreferenceKey, string>;
  draft: Record<DraftKey, string>;
  round1: string;
  round2: string;
  /** A round planned on A's draft sent to B, cancelled when A withdrew the draft. */
  round3: string;
  statement: string;
  /** A statement recorded in error, retracted. */
  statement2: string;
  track: string;
  rule: string;
  approval: string;
  /** An open invitation to the main negotiation, for the mediator to revoke. */
  invitation: string;
  /** The mediator's proposed change of B's adviser's seat, awaiting B's principal or lead. */
  proposal: string;
  /** The proposal of the mediator's invitation into B, awaiting B's principal or lead. */
  invitationProposal: string;
  /** An invitation to the outsider's e-mail in talks of their own, for them to accept signed in. */
  outInvitation: string;
  /** The mediator's analysis, and the packages of it released to A. */
  analysis: string;
  /** An analysis A's adviser asked for: theirs alone, not their party's (A's lead and principal never see it). */
  analysisA: string;
  /** An analysis job of the mediator's, and one of A's adviser's: each its requester's alone. */
  analysisJob: string;
  analysisJobA: string;
  /** The analyses those jobs made. */
  analysisOfJob: string;
  analysisOfJobA: string;
  release: string;
  pendingChange: string | null;
  /** What each reader may not receive, as strings that must not appear in any answer to them. */
  secrets: { what: string; strings: string[]; seen: Reader[] }[];
}
const w = {
  user: {},
  token: {},
  version: {},
  hash: {},
  position: {},
  redLine: {},
  amendment: {},
  preference: {},
  draft: {},
  pendingChange: null,
  secrets: [],
} as unknown as World;
const accountOf = (userId: string) => (Object.keys(w.user) as Account[]).find((a) => w.user[a] === userId) ?? userId;

let store: Store;
let app: FastifyInstance;
/** The store's clock runs this far from the real one: shifted back to sign in a token that has expired since. */
let clockShift = 0;

interface Req {
  method: string;
  url: string;
  body?: unknown;
  /** A body that is not JSON (a file: a zip, a Word or Markdown file), sent as it is with this media type. */
  contentType?: string;
}
interface Answer {
  status: number;
  contentType: string;
  text: string;
  body: any;
}

let requests = 0;
/** The app over real HTTP too, for the live stream, which never ends on its own. */
let liveUrl = '';
async function send(token: string | null, req: Req): Promise<Answer> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (req.method === 'GET' && /^\/api\/negotiations\/[^/]+\/events(\?|$)/.test(req.url)) {
    const { status, contentType, text } = await readStreamStart(liveUrl + req.url, headers);
    return { status, contentType, text, body: contentType.includes('json') && text ? JSON.parse(text) : text };
  }
  const res = await app.inject({
    method: req.method as 'GET',
    url: req.url,
    headers: req.contentType ? { ...headers, 'content-type': req.contentType } : headers,
    ...(req.body !== undefined ? { payload: req.body as object } : {}),
  });
  const contentType = String(res.headers['content-type'] ?? '');
  const text = res.body;
  return {
    status: res.statusCode,
    contentType,
    text,
    // NDJSON (a streamed listing) stays text: one JSON object a line.
    body: contentType.includes('json') && !contentType.includes('ndjson') && text ? JSON.parse(text) : text,
  };
}
/** A request of the matrix, counted. */
async function ask(reader: Reader, req: Req): Promise<Answer> {
  requests++;
  return send(w.token[reader], req);
}
/** A request of the set-up, which must succeed. */
async function must(
  reader: Reader,
  method: string,
  url: string,
  body?: unknown,
  status: number[] = [200, 201],
): Promise<any> {
  const answer = await send(w.token[reader], { method, url, body });
  if (!status.includes(answer.status))
    throw new Error(
      `set-up: ${method} ${url} as ${WHO[reader]} answered ${answer.status}: ${answer.text.slice(0, 400)}`,
    );
  return answer.body;
}

type Table =
  | 'positions'
  | 'red_lines'
  | 'amendments'
  | 'issues'
  | 'rounds'
  | 'tracks'
  | 'transmission_rules'
  | 'negotiations'
  | 'parties';
/** The current revision, read from the database (whoever asks), so an allowed write is not a stale one. */
async function revision(table: Table, id: string): Promise<number> {
  const row = await store.db
    .selectFrom(table as 'positions')
    .select('revision')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.revision;
}
/** A new amendment of `partyId` to a version (an insertion into point 3), tabled and accepted as asked: for a write that changes its state. */
async function freshAmendment(
  by: Reader,
  partyId: string,
  version: VersionKey,
  then: { table?: 'mediators' | 'table'; accept?: boolean } = {},
): Promise<string> {
  const made = await must(by, 'POST', `${N}/versions/${w.version[version]}/amendments`, {
    partyId,
    change: { kind: 'insert', pointId: 'p3', field: 'text', at: 0, text: 'Fresh words. ' },
    justification: 'fresh',
  });
  if (then.table) await must('aL', 'POST', `${N}/amendments/${made.id}/table`, { to: then.table });
  if (then.accept) await must('med', 'POST', `${N}/amendments/${made.id}/decision`, { decision: 'accept' });
  return made.id as string;
}
async function preferenceRevision(partyId: string): Promise<number | null> {
  const row = await store.db
    .selectFrom('preferences')
    .select('revision')
    .where('negotiation_id', '=', NEG)
    .where('party_id', '=', partyId)
    .executeTakeFirst();
  return row?.revision ?? null;
}
async function auditEvents(): Promise<number> {
  const row = await store.db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A fresh invitation, for a link holder to read or accept: to a negotiation of its own, whose title
 * the holder of a link is meant to learn (no reader of the matrix sits in it).
 */
let invited = 0;
const INVITING = 'neg-invite';
let inviter: string | null = null;
async function otherInvitation(email?: string): Promise<{ token: string; id: string }> {
  const as = async (method: string, url: string, body: unknown) => {
    const answer = await send(inviter, { method, url, body });
    if (answer.status !== 201) throw new Error(`set-up: ${method} ${url} answered ${answer.status}: ${answer.text}`);
    return answer.body;
  };
  if (invited === 0) {
    await convene(store, emailOf('spare'), INVITING, 'Talks that invite');
    await as('POST', `/api/negotiations/${INVITING}/parties`, { id: 'oi', name: 'Party I', shortName: 'I' });
  }
  const answer = await as('POST', `/api/negotiations/${INVITING}/members`, {
    email: email ?? `invitee-${++invited}@matrix.test`,
    partyId: 'oi',
    role: 'observer',
  });
  if (email) invited++;
  return { token: answer.token as string, id: answer.invitation.id as string };
}
/** A new account made by an administrator, and the one-time token with which its person chooses the password. */
let linked = 0;
/** An account made without a password, whose link the administrator renews. */
let renewable = '';
async function freshPasswordLink(): Promise<string> {
  const made = await createAccount(store, null, { email: `linked-${++linked}@matrix.test`, name: 'Linked person' });
  return made.token;
}
/** A draft's current revision, read from the database, so an allowed save is not a stale one. */
async function draftRevision(id: string): Promise<number> {
  const row = await store.db.selectFrom('drafts').select('revision').where('id', '=', id).executeTakeFirstOrThrow();
  return row.revision;
}
/** A draft of its own for each reader allowed to issue or discard one; the others try the set-up's. */
async function ownDraft(reader: Reader, key: DraftKey, allowed: readonly Reader[]): Promise<string> {
  if (!allowed.includes(reader)) return w.draft[key];
  const body = { baseVersionId: w.version.v0, partyId: DRAFTS[key].partyId, label: `Draft of ${reader}` };
  return (await must(reader, 'POST', `${N}/drafts`, body)).id as string;
}
/** The id of an account's seat in the main negotiation. */
async function seatOf(account: Account): Promise<string> {
  const row = await store.db
    .selectFrom('memberships')
    .select('id')
    .where('negotiation_id', '=', NEG)
    .where('user_id', '=', w.user[account])
    .executeTakeFirstOrThrow();
  return row.id;
}

// ---------------------------------------------------------------- the matrix

interface Case {
  /** What the route is applied to, in words. */
  object: string;
  /** The request, built when it is sent (a write reads the current revision first). */
  request: (reader: Reader) => Req | Promise<Req>;
  /** The signed-in readers let through: 200 for a read; 2xx, or 409 past the gate, for a write. */
  allowed: readonly Reader[];
  /** Who may see the object: every other signed-in reader must get the answer a made-up id gets. Defaults to `allowed`. */
  sees?: readonly Reader[];
  /** The id in the request that a made-up one replaces, for that comparison. */
  hiddenId?: string;
  /** For lists: the ids each allowed reader receives, exactly. */
  ids?: { of: (body: any) => string[]; expected: (reader: Reader) => string[] };
  /** Further expectations on what an allowed reader receives; returns what is wrong, or null. */
  check?: (reader: Reader, body: any) => string | null;
  /** Brings the state the write needs, once, before its first request in the write phase. */
  prepare?: () => Promise<void>;
  /**
   * For a write the object's state refuses (a withdrawn text is sent and approved by no one): the
   * status every reader who sees the object gets instead of passing, as problem+json, changing nothing.
   */
  refusedForState?: number;
  /**
   * For a route that answers a reference it may not show as an invalid field (just as a made-up id):
   * the status a reader who may not see the object gets, counted as a refusal.
   */
  hiddenAs?: number;
}
interface Entry {
  kind: 'public' | 'read' | 'write';
  /** Writes run in this order (0 by default): a later one changes what the earlier ones are applied to. */
  late?: number;
  cases: () => Case[];
}

const get = (url: string) => () => ({ method: 'GET', url });
/** A numbered Markdown file sent as an import's raw body. */
const importRequest = (url: string, by: string): Req => ({
  method: 'POST',
  url,
  body: `# Talks of ${by}\n\n## 1. Ceasefire\n\nThe wording of ${by}.\n`,
  contentType: 'text/markdown',
});

const sorted = (ids: string[]) => [...ids].sort();
const listIds = (body: any) => (body as { id: string }[]).map((item) => item.id);
/** The standing versions a reader sees: the default listing and progress leave the withdrawn ones out. */
const versionIds = (reader: Reader) =>
  STANDING.filter((v) => VERSION_SEEN[v].includes(reader)).map((v) => w.version[v]);
/** Every version a reader sees, withdrawn ones too (`?withdrawn=true`). */
const allVersionIds = (reader: Reader) =>
  VERSION_KEYS.filter((v) => VERSION_SEEN[v].includes(reader)).map((v) => w.version[v]);
const keyOf = (id: string) => VERSION_KEYS.find((v) => w.version[v] === id);
/** A withdrawn version is marked (withdrawnAt), a standing one not. */
function withdrawnMark(v: VersionKey, body: { withdrawnAt?: string | null }): string | null {
  const marked = typeof body.withdrawnAt === 'string';
  if (WITHDRAWN.includes(v) && !marked) return `${VERSION_NAME[v]} is not marked withdrawn`;
  if (!WITHDRAWN.includes(v) && marked) return `${VERSION_NAME[v]} is marked withdrawn (${body.withdrawnAt})`;
  return null;
}
const publicCase = (url: string): Case[] => [{ object: 'the route', request: get(url), allowed: SIGNED_IN }];
/** A route about the whole negotiation, read by everyone at the table; the outsider gets what a missing negotiation gets. */
const tableRead = (path: string, ids?: Case['ids'], check?: Case['check']): Case[] => [
  { object: 'the negotiation', request: get(`${N}${path}`), allowed: table(AT_TABLE), hiddenId: NEG, ids, check },
];

/** The version as a reader sees it: outside the track, the track's point is a number, and what it decides is withheld. */
function trackTextCheck(reader: Reader, body: any): string | null {
  const inside = TRACK_SEEN.includes(reader);
  const choices = sorted(Object.keys(body.optionChoices ?? {}));
  if (inside) {
    if (body.separateFormat !== null)
      return `separateFormat should be null inside the track, is ${JSON.stringify(body.separateFormat)}`;
    if (body.contentHash !== w.hash.vtrack) return 'the content hash is missing inside the track';
    if (choices.join() !== 'i1,i2,itrk') return `option choices ${choices.join()}`;
    return null;
  }
  if (JSON.stringify(body.separateFormat?.pointNumbers) !== '[4]')
    return `separateFormat should list point 4, is ${JSON.stringify(body.separateFormat)}`;
  if (body.contentHash !== null) return 'the content hash is given to a reader outside the track';
  if (body.summary !== '') return 'the summary is given to a reader outside the track';
  if (choices.join() !== 'i1,i2') return `option choices ${choices.join()} (the track's issue itrk must be withheld)`;
  return null;
}
const pointIds = (body: any) => (body.points as { id: string }[]).map((p) => p.id);
const expectedPoints = (v: VersionKey) => (reader: Reader) =>
  v === 'vtrack' && TRACK_SEEN.includes(reader) ? ['p1', 'p2', 'p3', 'p-trk'] : ['p1', 'p2', 'p3'];

const versionCases = (
  path: (v: VersionKey) => string,
  extra: Partial<Case> & { forVersion?: (v: VersionKey) => Partial<Case> } = {},
): Case[] =>
  VERSION_KEYS.map((v) => ({
    object: VERSION_NAME[v],
    request: get(`${N}/versions/${w.version[v]}${path(v)}`),
    allowed: VERSION_SEEN[v],
    hiddenId: w.version[v],
    ...extra,
    ...(extra.forVersion?.(v) ?? {}),
  }));

/** A version's Markdown holds the track's point only for a reader inside the track, and no position the reader may not see. */
const exportCheck =
  (v: VersionKey) =>
  (r: Reader, body: any): string | null => {
    const text = String(body);
    if (v === 'vtrack' && text.includes('mk:trackpoint:') !== TRACK_SEEN.includes(r))
      return TRACK_SEEN.includes(r) ? "the track's point is missing" : "the file holds the track's point";
    for (const p of POSITION_KEYS)
      if (POSITIONS[p].version === v && text.includes(`mk:${p}:`) && !POSITIONS[p].seen.includes(r))
        return `the file holds the position ${p}, which ${WHO[r]} may not see`;
    return null;
  };

/** The rounds as a reader sees them: a version it has not received is not named, nor a point outside its track. */
function roundsCheck(r: Reader, body: any): string | null {
  const rounds = body as {
    id: string;
    versionId: string | null;
    outcomeVersionId: string | null;
    agendaPointIds: string[];
    cancelledAt?: string | null;
  }[];
  const first = rounds.find((x) => x.id === w.round1);
  const second = rounds.find((x) => x.id === w.round2);
  const agenda = TRACK_SEEN.includes(r) ? ['p1', 'p-trk'] : ['p1'];
  if (JSON.stringify(first?.agendaPointIds) !== JSON.stringify(agenda))
    return `the first round's agenda reads ${JSON.stringify(first?.agendaPointIds)}`;
  if (first?.versionId !== w.version.vtrack) return 'the first round does not name the text everyone has';
  if (second?.versionId !== (VERSION_SEEN.vamed.includes(r) ? w.version.vamed : null))
    return `the second round names ${second?.versionId}`;
  if (second?.outcomeVersionId !== (VERSION_SEEN.vab.includes(r) ? w.version.vab : null))
    return `the second round's outcome is ${second?.outcomeVersionId}`;
  for (const standing of [first, second])
    if (typeof standing?.cancelledAt === 'string') return `round ${standing.id} is marked cancelled`;
  const third = rounds.find((x) => x.id === w.round3);
  if (third) {
    if (typeof third.cancelledAt !== 'string') return 'the cancelled round is not marked cancelled';
    // Cancelled, on a withdrawn text: still named only to those the text had reached.
    if (third.versionId !== (VERSION_SEEN.vabw.includes(r) ? w.version.vabw : null))
      return `the cancelled round names ${third.versionId}`;
    if (third.outcomeVersionId !== null) return `the cancelled round's outcome is ${third.outcomeVersionId}`;
    const thirdAgenda = TRACK_SEEN.includes(r) ? ['p-trk'] : [];
    if (JSON.stringify(third.agendaPointIds) !== JSON.stringify(thirdAgenda))
      return `the cancelled round's agenda reads ${JSON.stringify(third.agendaPointIds)}`;
  }
  return null;
}
/** The statements as a reader sees them: a point outside its track is not named, a retracted one is marked. */
function statementsCheck(r: Reader, body: any): string | null {
  const statements = body as { id: string; pointIds: string[]; retractedAt?: string | null }[];
  const first = statements.find((x) => x.id === w.statement);
  const expected = TRACK_SEEN.includes(r) ? ['p2', 'p-trk'] : ['p2'];
  if (JSON.stringify(first?.pointIds) !== JSON.stringify(expected))
    return `the statement names points ${JSON.stringify(first?.pointIds)}`;
  if (typeof first?.retractedAt === 'string') return 'the standing statement is marked retracted';
  const retracted = statements.find((x) => x.id === w.statement2);
  if (retracted) {
    if (typeof retracted.retractedAt !== 'string') return 'the retracted statement is not marked retracted';
    const points = TRACK_SEEN.includes(r) ? ['p-trk'] : [];
    if (JSON.stringify(retracted.pointIds) !== JSON.stringify(points))
      return `the retracted statement names points ${JSON.stringify(retracted.pointIds)}`;
  }
  return null;
}

/** The table text a bracket is closed in (written when the write phase reaches it). */
let bracketText = '';
const bracketOf = (id: string) => ({
  id,
  alternatives: [
    { text: 'at once', proposedBy: [PA] },
    { text: 'within a week', proposedBy: [PB] },
  ],
});
/** The agreement as a reader sees it: outside the track, the track's point is a number only. */
function agreementCheck(reader: Reader, body: any): string | null {
  const points = body.status.points as { pointId: string | null; withheld: boolean }[];
  const text = JSON.stringify(body);
  if (!TRACK_SEEN.includes(reader) && (text.includes('p-trk') || text.includes(w.track)))
    return "a reader outside the track learns of the track's point or the track";
  if (points.some((p) => p.withheld !== (p.pointId === null))) return 'a withheld point names its id';
  return null;
}

const MATRIX: Record<string, Entry> = {
  // The documentation, the landing page, health and sign-in answer everyone.
  'GET /api/docs': { kind: 'public', cases: () => publicCase('/api/docs') },
  'GET /api/docs/static/index.html': { kind: 'public', cases: () => publicCase('/api/docs/static/index.html') },
  'GET /api/docs/static/swagger-initializer.js': {
    kind: 'public',
    cases: () => publicCase('/api/docs/static/swagger-initializer.js'),
  },
  'GET /api/docs/json': { kind: 'public', cases: () => publicCase('/api/docs/json') },
  'GET /api/docs/yaml': { kind: 'public', cases: () => publicCase('/api/docs/yaml') },
  'GET /api/docs/static/*': { kind: 'public', cases: () => publicCase('/api/docs/static/swagger-ui.css') },
  'GET /': { kind: 'public', cases: () => publicCase('/') },
  // The web app's page and files: the same bytes for everyone, holding nothing of any negotiation.
  'GET /*': {
    kind: 'public',
    cases: () => [...publicCase(`/n/${NEG}/text`), ...publicCase('/invite/any-token-at-all')],
  },
  'POST /api/auth/session': {
    kind: 'public',
    cases: () => [
      {
        object: 'a valid sign-in of the browser',
        request: () => ({
          method: 'POST',
          url: '/api/auth/session',
          body: { email: emailOf('probe'), password: PASSWORD },
        }),
        allowed: SIGNED_IN,
      },
    ],
  },
  'GET /api/openapi.json': { kind: 'public', cases: () => publicCase('/api/openapi.json') },
  'GET /api/health': { kind: 'public', cases: () => publicCase('/api/health') },
  'POST /api/auth/login': {
    kind: 'public',
    cases: () => [
      {
        object: 'a valid sign-in',
        request: () => ({
          method: 'POST',
          url: '/api/auth/login',
          body: { email: emailOf('probe'), password: PASSWORD },
        }),
        allowed: SIGNED_IN,
      },
    ],
  },

  // ------------------------------------------------------------ reads
  'GET /api/me': {
    kind: 'read',
    cases: () => [
      {
        object: "the reader's own account",
        request: get('/api/me'),
        allowed: SIGNED_IN,
        ids: { of: (b) => [accountOf(b.id)], expected: (r) => [r] },
      },
    ],
  },
  'GET /api/auth/session': {
    kind: 'read',
    cases: () => [
      {
        object: "the reader's own session",
        request: get('/api/auth/session'),
        allowed: SIGNED_IN,
        ids: { of: (b) => [accountOf(b.user.id)], expected: (r) => [r] },
      },
    ],
  },
  'GET /api/negotiations/:id/seat': {
    kind: 'read',
    cases: () =>
      tableRead('/seat', { of: (b) => [accountOf(b.membership.userId)], expected: (r) => [r] }, (r, b) =>
        b.isMediator !== (r === 'med') ? `isMediator is ${b.isMediator}` : null,
      ),
  },
  // A stream: the matrix reads its first event (see `send`).
  'GET /api/negotiations/:id/events': {
    kind: 'read',
    cases: () =>
      tableRead('/events', undefined, (_r, b) =>
        String(b).includes('event: ready') ? null : `the stream began with ${JSON.stringify(String(b).slice(0, 80))}`,
      ),
  },
  'GET /api/negotiations': {
    kind: 'read',
    cases: () => [
      {
        object: 'the negotiations',
        request: get('/api/negotiations'),
        allowed: SIGNED_IN,
        ids: { of: listIds, expected: (r) => NEGOTIATIONS_OF[r] },
      },
    ],
  },
  'GET /api/negotiations/:id': {
    kind: 'read',
    cases: () => [
      {
        object: 'the negotiation',
        request: get(N),
        allowed: table(AT_TABLE),
        hiddenId: NEG,
        ids: { of: (b) => [b.id], expected: () => [NEG] },
      },
      {
        object: "another negotiation where only B's lead sits",
        request: get(`/api/negotiations/${OTHER}`),
        allowed: ['bL'],
        hiddenId: OTHER,
        ids: { of: (b) => [b.id], expected: () => [OTHER] },
      },
    ],
  },
  'GET /api/negotiations/:id/parties': {
    kind: 'read',
    cases: () => tableRead('/parties', { of: listIds, expected: () => [PA, PB, PC, PK] }),
  },
  'GET /api/negotiations/:id/members': {
    kind: 'read',
    cases: () =>
      tableRead('/members', {
        of: (b) => (b as { userId: string }[]).map((m) => accountOf(m.userId)),
        expected: () => MEMBER_ACCOUNTS,
      }),
  },
  'GET /api/negotiations/:id/document': {
    kind: 'read',
    cases: () => [
      {
        object: 'the current document (the table text with the track)',
        request: get(`${N}/document`),
        allowed: table(AT_TABLE),
        hiddenId: NEG,
        ids: { of: pointIds, expected: expectedPoints('vtrack') },
        check: (r, b) => (b.id === w.version.vtrack ? trackTextCheck(r, b) : `the current document is ${b.id}`),
      },
      ...VERSION_KEYS.map((v) => ({
        object: `${VERSION_NAME[v]}, asked by ?version=`,
        request: get(`${N}/document?version=${w.version[v]}`),
        allowed: VERSION_SEEN[v],
        hiddenId: w.version[v],
        ids: { of: pointIds, expected: expectedPoints(v) },
        check: (r: Reader, b: any) =>
          b.id !== w.version[v]
            ? `answered version ${b.id}`
            : (withdrawnMark(v, b) ?? (v === 'vtrack' ? trackTextCheck(r, b) : null)),
      })),
    ],
  },
  'GET /api/negotiations/:id/versions': {
    kind: 'read',
    cases: () => [
      // By default the withdrawn versions are left out, for everyone.
      ...tableRead('/versions', { of: listIds, expected: versionIds }),
      {
        object: 'the versions, withdrawn ones too (?withdrawn=true)',
        request: get(`${N}/versions?withdrawn=true`),
        allowed: table(AT_TABLE),
        hiddenId: NEG,
        ids: { of: listIds, expected: allVersionIds },
        check: (_r, b) => {
          for (const item of b as { id: string; withdrawnAt?: string | null }[]) {
            const key = keyOf(item.id);
            const wrong = key ? withdrawnMark(key, item) : null;
            if (wrong) return wrong;
          }
          return null;
        },
      },
    ],
  },
  'GET /api/negotiations/:id/versions/:itemId': {
    kind: 'read',
    cases: () =>
      versionCases(() => '', {
        forVersion: (v) => ({
          ids: { of: pointIds, expected: expectedPoints(v) },
          check: (r: Reader, b: any) => withdrawnMark(v, b) ?? (v === 'vtrack' ? trackTextCheck(r, b) : null),
        }),
      }),
  },
  'GET /api/negotiations/:id/versions/:itemId/compare': {
    kind: 'read',
    cases: () => [
      ...versionCases((v) => (v === 'v0' ? `/compare?base=${w.version.v0}` : '/compare'), {
        forVersion: (v) => ({
          check: (_r: Reader, b: any) =>
            b.base.id === w.version.v0 && b.proposal.id === w.version[v]
              ? null
              : `compared ${b.proposal.id} with ${b.base.id}`,
        }),
      }),
      {
        object: "the table text compared with A's internal draft as its base",
        request: get(`${N}/versions/${w.version.v0}/compare?base=${w.version.vaint}`),
        allowed: VERSION_SEEN.vaint,
        hiddenId: w.version.vaint,
      },
      {
        object: "the track's table text compared with A's draft sent to B as its base",
        request: get(`${N}/versions/${w.version.vtrack}/compare?base=${w.version.vab}`),
        allowed: VERSION_SEEN.vab,
        hiddenId: w.version.vab,
      },
      ...WITHDRAWN.map((v) => ({
        object: `the table text compared with ${VERSION_NAME[v]} as its base`,
        request: get(`${N}/versions/${w.version.v0}/compare?base=${w.version[v]}`),
        allowed: VERSION_SEEN[v],
        hiddenId: w.version[v],
        check: (_r: Reader, b: any) => withdrawnMark(v, b.base),
      })),
    ],
  },
  // A version's file holds what its reader may read and nothing more: the point of a track only
  // inside the track, a position only where the positions route shows it.
  'GET /api/negotiations/:id/versions/:itemId/export': {
    kind: 'read',
    cases: () => [
      ...versionCases(() => '/export?format=md', { forVersion: (v) => ({ check: exportCheck(v) }) }),
      {
        object: 'the table text as a Word file',
        request: get(`${N}/versions/${w.version.v0}/export?format=docx`),
        allowed: VERSION_SEEN.v0,
        hiddenId: w.version.v0,
        check: (_r, b) => (String(b).startsWith('PK') ? null : 'the Word file is no zip archive'),
      },
      {
        object: "the track's table text compared with A's draft sent to B",
        request: get(`${N}/versions/${w.version.vtrack}/export?format=docx&compare=${w.version.vab}`),
        allowed: VERSION_SEEN.vab.filter((r) => VERSION_SEEN.vtrack.includes(r)),
        hiddenId: w.version.vab,
      },
    ],
  },
  'GET /api/negotiations/:id/versions/:itemId/approvals': {
    kind: 'read',
    cases: () =>
      versionCases(() => '/approvals', {
        forVersion: (v) => ({
          ids: {
            of: (b) => (b.rules as { ruleId: string }[]).map((r) => r.ruleId),
            expected: () => (WRITTEN_BY_A.includes(v) ? [w.rule] : []),
          },
          check:
            v === 'vac'
              ? (r: Reader, b: any) => {
                  const decisions = b.rules[0]?.approvals ?? [];
                  if (decisions.length !== 1) return `${decisions.length} decisions on the released draft`;
                  const comment = secret(A).includes(r) ? "mk:comment: A's principal releases it" : null;
                  return decisions[0].comment === comment
                    ? null
                    : `the principal's comment reads ${JSON.stringify(decisions[0].comment)}, expected ${JSON.stringify(comment)}`;
                }
              : undefined,
        }),
      }),
  },
  'GET /api/negotiations/:id/versions/:itemId/red-lines': {
    kind: 'read',
    cases: () =>
      versionCases(() => '/red-lines', {
        forVersion: (v) => ({
          ids: {
            of: (b) => (b.crossings as { redLineId: string }[]).map((c) => c.redLineId),
            expected: (r) => crossingsFor(r, v).map((key) => w.redLine[key]),
          },
        }),
      }),
  },
  'GET /api/negotiations/:id/amendments': {
    kind: 'read',
    cases: () => tableRead('/amendments', { of: listIds, expected: (r) => amendmentsSeen(r) }),
  },
  'GET /api/negotiations/:id/versions/:itemId/amendments': {
    kind: 'read',
    cases: () =>
      versionCases(() => '/amendments', {
        forVersion: (v) => ({ ids: { of: listIds, expected: (r) => amendmentsSeen(r, v) } }),
      }),
  },
  'GET /api/negotiations/:id/positions': {
    kind: 'read',
    cases: () => [
      ...tableRead('/positions', {
        of: listIds,
        expected: (r) => POSITION_KEYS.filter((p) => POSITIONS[p].seen.includes(r)).map((p) => w.position[p]),
      }),
      {
        object: 'the positions on the table text (?version=)',
        request: get(`${N}/positions?version=${w.version.v0}`),
        allowed: table(AT_TABLE),
        hiddenId: NEG,
        ids: {
          of: listIds,
          expected: (r) =>
            POSITION_KEYS.filter((p) => POSITIONS[p].version === 'v0' && POSITIONS[p].seen.includes(r)).map(
              (p) => w.position[p],
            ),
        },
      },
      {
        object: "the positions on A's internal draft (?version=)",
        request: get(`${N}/positions?version=${w.version.vaint}`),
        allowed: table(AT_TABLE),
        ids: { of: listIds, expected: (r) => (POSITIONS.posA4.seen.includes(r) ? [w.position.posA4] : []) },
      },
      // A withdrawn version keeps its positions, for those who saw them and no one else.
      ...WITHDRAWN.map((v) => ({
        object: `the positions on ${VERSION_NAME[v]} (?version=)`,
        request: get(`${N}/positions?version=${w.version[v]}`),
        allowed: table(AT_TABLE),
        ids: {
          of: listIds,
          expected: (r: Reader) =>
            POSITION_KEYS.filter((p) => POSITIONS[p].version === v && POSITIONS[p].seen.includes(r)).map(
              (p) => w.position[p],
            ),
        },
      })),
    ],
  },
  'GET /api/negotiations/:id/issues': {
    kind: 'read',
    cases: () =>
      tableRead('/issues', { of: listIds, expected: () => ['i1', 'i2', 'iret', 'itrk'] }, (r, b) => {
        const issues = b as { id: string; pointIds: string[]; options: { id: string; retiredAt?: string | null }[] }[];
        const itrk = issues.find((i) => i.id === 'itrk');
        const expected = TRACK_SEEN.includes(r) ? ['p-trk'] : [];
        if (JSON.stringify(itrk?.pointIds) !== JSON.stringify(expected))
          return `the track's issue names points ${JSON.stringify(itrk?.pointIds)}`;
        // A retired option stays listed, marked.
        const options = issues.find((i) => i.id === 'iret')?.options ?? [];
        const retired = options.filter((o) => typeof o.retiredAt === 'string').map((o) => o.id);
        if (options.map((o) => o.id).join() !== 'x,y,r') return `issue iret lists options ${options.map((o) => o.id)}`;
        return retired.join() === 'r' ? null : `issue iret marks as retired ${JSON.stringify(retired)}, expected r`;
      }),
  },
  'GET /api/negotiations/:id/red-lines': {
    kind: 'read',
    cases: () =>
      tableRead('/red-lines', {
        of: listIds,
        expected: (r) => RED_LINE_KEYS.filter((k) => RED_LINES[k].seen.includes(r)).map((k) => w.redLine[k]),
      }),
  },
  'GET /api/negotiations/:id/export': {
    kind: 'read',
    // A GENIUS zip: the domain, and one profile for each party whose preferences the reader sees.
    cases: () =>
      tableRead('/export?format=genius', undefined, (reader, body: string) => {
        const profile = { prefA: 'pa', prefB: 'pb', prefK: 'k' } as const;
        for (const k of PREFERENCE_KEYS) {
          const present = body.includes(`-${profile[k]}.xml`);
          if (present !== PREFERENCES[k].seen.includes(reader))
            return `${PREFERENCES[k].what}: profile ${present ? 'given' : 'missing'}`;
        }
        return body.includes('-domain.xml') ? null : 'no domain file in the zip';
      }),
  },
  'GET /api/negotiations/:id/preferences': {
    kind: 'read',
    cases: () =>
      tableRead('/preferences', {
        of: listIds,
        expected: (r) => PREFERENCE_KEYS.filter((k) => PREFERENCES[k].seen.includes(r)).map((k) => w.preference[k]),
      }),
  },
  'GET /api/negotiations/:id/rounds': {
    kind: 'read',
    cases: () => [
      // By default the cancelled round is left out, for everyone.
      ...tableRead('/rounds', { of: listIds, expected: () => [w.round1, w.round2] }, roundsCheck),
      {
        object: 'the rounds, cancelled ones too (?cancelled=true)',
        request: get(`${N}/rounds?cancelled=true`),
        allowed: table(AT_TABLE),
        hiddenId: NEG,
        ids: { of: listIds, expected: () => [w.round1, w.round2, w.round3] },
        check: roundsCheck,
      },
    ],
  },
  'GET /api/negotiations/:id/statements': {
    kind: 'read',
    cases: () => [
      // By default the retracted statement is left out, for everyone.
      ...tableRead('/statements', { of: listIds, expected: () => [w.statement] }, statementsCheck),
      {
        object: 'the statements, retracted ones too (?retracted=true)',
        request: get(`${N}/statements?retracted=true`),
        allowed: table(AT_TABLE),
        hiddenId: NEG,
        ids: { of: listIds, expected: () => [w.statement, w.statement2] },
        check: statementsCheck,
      },
    ],
  },
  'GET /api/negotiations/:id/tracks': {
    kind: 'read',
    cases: () => tableRead('/tracks', { of: listIds, expected: (r) => (TRACK_SEEN.includes(r) ? [w.track] : []) }),
  },
  'GET /api/negotiations/:id/drafts': {
    kind: 'read',
    cases: () =>
      tableRead('/drafts', {
        of: listIds,
        expected: (r) => DRAFT_KEYS.filter((k) => DRAFTS[k].seen.includes(r)).map((k) => w.draft[k]),
      }),
  },
  'GET /api/negotiations/:id/drafts/:itemId': {
    kind: 'read',
    cases: () =>
      DRAFT_KEYS.map((k) => ({
        object: DRAFTS[k].what,
        request: get(`${N}/drafts/${w.draft[k]}`),
        allowed: secret(DRAFTS[k].seen),
        hiddenId: w.draft[k],
      })),
  },
  'GET /api/negotiations/:id/transmission-rules': {
    kind: 'read',
    cases: () => tableRead('/transmission-rules', { of: listIds, expected: () => [w.rule] }),
  },
  'GET /api/negotiations/:id/progress': {
    kind: 'read',
    cases: () =>
      tableRead(
        '/progress',
        { of: (b) => (b.versions as { versionId: string }[]).map((v) => v.versionId), expected: versionIds },
        (r, b) => {
          for (const measured of b.versions as {
            versionId: string;
            redLinesCrossed: number;
            points: { pointId: string }[];
          }[]) {
            const key = VERSION_KEYS.find((v) => w.version[v] === measured.versionId);
            if (!key) continue;
            const crossed = crossingsFor(r, key).length;
            if (measured.redLinesCrossed !== crossed)
              return `${VERSION_NAME[key]} counts ${measured.redLinesCrossed} red lines crossed, expected ${crossed}`;
            const points = measured.points.map((p) => p.pointId).join();
            if (points !== expectedPoints(key)(r).join()) return `${VERSION_NAME[key]} measures points ${points}`;
          }
          // The curve: the cancelled round counts no more; the second is measured by those who have one of its texts.
          const series = (b.series.rounds as { roundId: string }[]).map((x) => x.roundId);
          const second = VERSION_SEEN.vab.includes(r) || VERSION_SEEN.vamed.includes(r);
          const expected = [w.round1, ...(second ? [w.round2] : [])];
          return series.join() === expected.join() ? null : `the curve measures rounds ${series.join(', ')}`;
        },
      ),
  },
  'GET /api/audit/verify': {
    kind: 'read',
    cases: () => [
      {
        object: 'the audit chain',
        request: get('/api/audit/verify'),
        allowed: ['admin'],
        check: (_r, b) => (b.ok === true ? null : `the audit chain is broken: ${JSON.stringify(b)}`),
      },
    ],
  },
  // The public key verifies checkpoints and receipts: anyone may have it.
  'GET /api/audit/key': {
    kind: 'public',
    cases: () => [
      {
        object: "the installation's public key",
        request: get('/api/audit/key'),
        allowed: SIGNED_IN,
        check: (_r, b) =>
          b.keyId === store.auditKey!.keyId && b.publicKeyPem === store.auditKey!.publicKeyPem && !('sign' in b)
            ? null
            : `another key, or more than its public half: ${JSON.stringify(b)}`,
      },
    ],
  },
  // The chain head signed, to copy and publish: every signed-in account, none without a token.
  'GET /api/audit/checkpoints/latest': {
    kind: 'read',
    cases: () => [
      {
        object: 'the latest checkpoint',
        request: get('/api/audit/checkpoints/latest'),
        allowed: SIGNED_IN,
        check: (_r, b) =>
          verifyAuditSignature(store.auditKey!.publicKeyPem, b.message, b.signature) &&
          b.message === `parley-audit-v1 ${b.seq} ${b.hash}`
            ? null
            : `a checkpoint the key did not sign: ${JSON.stringify(b)}`,
      },
    ],
  },

  // ------------------------------------------------------------ writes (after every read)
  'POST /api/users': {
    kind: 'write',
    cases: () => [
      {
        object: 'a new account',
        request: (r) => ({
          method: 'POST',
          url: '/api/users',
          body: { email: `new-${r.toLowerCase()}@matrix.test`, name: 'New person' },
        }),
        allowed: ['admin'],
      },
    ],
  },
  'POST /api/users/:userId/password-link': {
    kind: 'write',
    // Only an administrator renews the link of an account whose person has not chosen a password yet.
    cases: () => [
      {
        object: 'a new account without a password',
        prepare: async () => {
          renewable = (
            await createAccount(store, null, { email: `renewed-${++linked}@matrix.test`, name: 'Renewed person' })
          ).user.id;
        },
        request: () => ({ method: 'POST', url: `/api/users/${renewable}/password-link` }),
        allowed: ['admin'],
      },
    ],
  },
  'POST /api/negotiations': {
    kind: 'write',
    // Any signed-in account opens a negotiation, and becomes its convenor.
    cases: () => [
      {
        object: 'a new negotiation',
        request: (r) => ({
          method: 'POST',
          url: '/api/negotiations',
          body: { title: `Talks opened by ${r}`, summary: '' },
        }),
        allowed: SIGNED_IN,
      },
    ],
  },
  'POST /api/imports/genius': {
    kind: 'write',
    // Any signed-in account opens a negotiation from a GENIUS domain, and becomes its convenor.
    cases: () => [
      {
        object: 'a new negotiation from the Laptop domain',
        request: () => ({
          method: 'POST',
          url: '/api/imports/genius',
          contentType: 'application/zip',
          body: Buffer.from(
            zipSync(
              Object.fromEntries(
                ['laptop_domain.xml', 'laptop_buyer_utility.xml'].map((f) => [
                  f,
                  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'genius', 'Laptop', f)),
                ]),
              ),
            ),
          ),
        }),
        allowed: SIGNED_IN,
      },
    ],
  },
  // A file in: the preview saves nothing and reads nothing of the table; an import writes a version
  // as writing one does, or opens a negotiation as opening one does.
  'POST /api/negotiations/:id/imports/preview': {
    kind: 'write',
    cases: () => [
      {
        object: 'a Markdown file, previewed',
        request: () => importRequest(`${N}/imports/preview?name=plan.md`, 'Previewed'),
        allowed: table(AT_TABLE),
        hiddenId: NEG,
      },
    ],
  },
  'POST /api/negotiations/:id/imports': {
    kind: 'write',
    cases: () =>
      (
        [
          ['a file imported as a draft of A', `&authorPartyId=${PA}`, table(A)],
          ['a file imported as a draft of B', `&authorPartyId=${PB}`, table(['bL'])],
          ["a file imported as the reader's own text (the table's for a mediator)", '', table(AT_TABLE)],
        ] as const
      ).map(([object, author, allowed]) => ({
        object,
        request: (r: Reader) => importRequest(`${N}/imports?name=plan.md&label=Imported%20by%20${r}${author}`, r),
        allowed,
        sees: table(AT_TABLE),
        hiddenId: NEG,
      })),
  },
  'POST /api/imports': {
    kind: 'write',
    cases: () => [
      {
        object: 'a file imported as a new negotiation',
        request: (r) => importRequest('/api/imports?name=talks.md', r),
        allowed: SIGNED_IN,
      },
    ],
  },
  'PATCH /api/negotiations/:id': {
    kind: 'write',
    cases: () => [
      {
        object: 'the negotiation',
        request: async () => ({
          method: 'PATCH',
          url: N,
          body: { revision: await revision('negotiations', NEG), title: 'mk:neg-main: Matrix talks' },
        }),
        allowed: table(['med']),
        sees: table(AT_TABLE),
        hiddenId: NEG,
      },
      {
        object: "another negotiation where only B's lead sits",
        request: async () => ({
          method: 'PATCH',
          url: `/api/negotiations/${OTHER}`,
          body: { revision: await revision('negotiations', OTHER), title: 'mk:neg-other: Other talks' },
        }),
        allowed: ['bL'],
        sees: ['bL'],
        hiddenId: OTHER,
      },
    ],
  },
  'PUT /api/negotiations/:id/languages': {
    kind: 'write',
    cases: () => [
      {
        object: "the negotiation's languages",
        request: async () => ({
          method: 'PUT',
          url: `${N}/languages`,
          body: {
            revision: await revision('negotiations', NEG),
            drafting: 'en',
            others: ['uk'],
            authentic: ['en', 'uk'],
            prevailing: null,
          },
        }),
        allowed: table(['med']),
        sees: table(AT_TABLE),
        hiddenId: NEG,
      },
      {
        object: "another negotiation's languages, where only B's lead sits",
        request: async () => ({
          method: 'PUT',
          url: `/api/negotiations/${OTHER}/languages`,
          body: {
            revision: await revision('negotiations', OTHER),
            drafting: 'en',
            others: ['fr'],
            authentic: [],
            prevailing: null,
          },
        }),
        allowed: ['bL'],
        sees: ['bL'],
        hiddenId: OTHER,
      },
    ],
  },
  'POST /api/negotiations/:id/parties': {
    kind: 'write',
    cases: () => [
      {
        object: 'a new party',
        request: (r) => ({
          method: 'POST',
          url: `${N}/parties`,
          body: { name: `Observer state ${r}`, shortName: `O-${r}` },
        }),
        allowed: ['med'],
        sees: table(AT_TABLE),
        hiddenId: NEG,
      },
    ],
  },
  'POST /api/negotiations/:id/members': {
    kind: 'write',
    cases: () => [
      {
        object: 'an invitation to a new adviser of B',
        request: (r) => ({
          method: 'POST',
          url: `${N}/members`,
          body: { email: `adviser-by-${r.toLowerCase()}@matrix.test`, partyId: PB, role: 'adviser' },
        }),
        // The mediator invites (B's lead then consents); B's lead invites into B directly.
        allowed: ['bL', 'med'],
        sees: table(AT_TABLE),
        hiddenId: NEG,
      },
    ],
  },
  'POST /api/negotiations/:id/versions': {
    kind: 'write',
    cases: () =>
      (
        [
          ['a draft of A', PA, table(A)],
          ['a draft of B', PB, table(['bL'])],
          ['a draft of coalition K', PK, table([...A, 'cL'])],
          ['a text of the table', null, table(['med'])],
        ] as const
      ).map(([object, author, allowed]) => ({
        object,
        request: (r: Reader) => ({
          method: 'POST',
          url: `${N}/versions`,
          body: {
            parentId: w.version.v0,
            kind: author ? 'proposal' : 'draft',
            label: `Text by ${r}`,
            authorPartyId: author,
            points: [{ id: 'p1', title: 'Ceasefire', text: `The wording of ${r}.` }],
          },
        }),
        allowed,
        sees: table(AT_TABLE),
        hiddenId: NEG,
      })),
  },
  'POST /api/negotiations/:id/versions/:itemId/transmit': {
    kind: 'write',
    // Sharing an internal draft with the mediators changes who sees it: after every other change.
    late: 1,
    cases: () => {
      const senders: Record<VersionKey, Reader[]> = {
        v0: table(['med']),
        vtrack: table(['med']),
        vaint: secret(A_SEND),
        vamed: secret(A_SEND),
        vab: secret(A_SEND),
        vac: secret(A_SEND),
        vk: secret([...A_SEND, 'cL']),
        vabw: [],
        vaintw: [],
      };
      return [
        ...STANDING.map((v) => ({
          object: `${VERSION_NAME[v]}, shared with the mediators`,
          request: () => ({
            method: 'POST',
            url: `${N}/versions/${w.version[v]}/transmit`,
            body: { toMediators: true },
          }),
          allowed: senders[v],
          sees: VERSION_SEEN[v],
          hiddenId: w.version[v],
        })),
        // A withdrawn text is sent to no one: not to the mediators, not to C, whoever asks.
        ...WITHDRAWN.flatMap((v) =>
          (
            [
              ['shared with the mediators', { toMediators: true }],
              ['sent to C', { partyIds: [PC] }],
            ] as const
          ).map(([how, body]) => ({
            object: `${VERSION_NAME[v]}, ${how}`,
            request: () => ({ method: 'POST', url: `${N}/versions/${w.version[v]}/transmit`, body }),
            allowed: senders[v],
            sees: VERSION_SEEN[v],
            hiddenId: w.version[v],
            refusedForState: 400,
          })),
        ),
      ];
    },
  },
  'POST /api/negotiations/:id/versions/:itemId/approvals': {
    kind: 'write',
    cases: () => [
      ...(['vaint', 'vamed', 'vab'] as const).map((v) => ({
        object: `a rejection of ${VERSION_NAME[v]} under the rule from A to C`,
        request: (r: Reader) => ({
          method: 'POST',
          url: `${N}/versions/${w.version[v]}/approvals`,
          body: {
            ruleId: w.rule,
            stageId: 'st1',
            decision: 'reject',
            comment: `rejected by ${r}`,
            contentHash: w.hash[v],
          },
        }),
        // Only the principal the rule names decides; an administrator does not approve for a party.
        allowed: ['aP'] as Reader[],
        sees: VERSION_SEEN[v],
        hiddenId: w.version[v],
      })),
      // A withdrawn text is approved by no one: an approval would release it to C.
      ...WITHDRAWN.map((v) => ({
        object: `an approval of ${VERSION_NAME[v]} under the rule from A to C`,
        request: (r: Reader) => ({
          method: 'POST',
          url: `${N}/versions/${w.version[v]}/approvals`,
          body: {
            ruleId: w.rule,
            stageId: 'st1',
            decision: 'approve',
            comment: `approved by ${r}`,
            contentHash: w.hash[v],
          },
        }),
        allowed: [] as Reader[],
        sees: VERSION_SEEN[v],
        hiddenId: w.version[v],
        refusedForState: 400,
      })),
    ],
  },
  'POST /api/negotiations/:id/positions': {
    kind: 'write',
    cases: () =>
      (
        [
          ['a position of A kept in the party', PA, 'p1', 'party', table(A)],
          ['a public position of A', PA, 'p2', 'public', table(A_SEND)],
          ['a position of K kept in the coalition', PK, 'p3', 'party', table([...A, 'cL'])],
          ['a public position of B', PB, 'p1', 'public', table(['bL'])],
          ['a position of C shared with the mediators', PC, 'p2', 'mediator', table(['cL'])],
        ] as const
      ).map(([object, partyId, pointId, visibility, allowed]) => ({
        object: `${object}, on the track's table text`,
        request: (r: Reader) => ({
          method: 'POST',
          url: `${N}/positions`,
          body: {
            versionId: w.version.vtrack,
            pointId,
            partyId,
            stance: 'support',
            visibility,
            rationale: `taken by ${r}`,
          },
        }),
        allowed,
        sees: table(AT_TABLE),
        hiddenId: NEG,
      })),
  },
  'POST /api/negotiations/:id/positions/batch': {
    kind: 'write',
    cases: () =>
      (
        [
          ['two positions of A kept in the party', PA, 'party', table(A)],
          ['two public positions of B', PB, 'public', table(['bL'])],
        ] as const
      ).map(([object, partyId, visibility, allowed]) => ({
        object: `${object}, on the mediator's text shared with all`,
        request: () => ({
          method: 'POST',
          url: `${N}/positions/batch`,
          body: {
            positions: ['p2', 'p3'].map((pointId) => ({
              versionId: w.version.v0,
              pointId,
              partyId,
              stance: 'oppose',
              visibility,
            })),
          },
        }),
        allowed,
        sees: table(AT_TABLE),
        hiddenId: NEG,
      })),
  },
  'PATCH /api/negotiations/:id/positions/:itemId': {
    kind: 'write',
    cases: () => [
      ...POSITION_KEYS.map((p) => ({
        object: POSITIONS[p].what,
        request: async (r: Reader) => ({
          method: 'PATCH',
          url: `${N}/positions/${w.position[p]}`,
          body: { revision: await revision('positions', w.position[p]), rationale: `changed by ${r}` },
        }),
        allowed: POSITIONS[p].changes,
        sees: POSITIONS[p].seen,
        hiddenId: w.position[p],
        // A position on a withdrawn text is kept as it was: everyone who sees it is told why.
        ...(WITHDRAWN.includes(POSITIONS[p].version) ? { refusedForState: 400 } : {}),
      })),
      {
        // Last: once public, the position is no longer A's secret.
        object: "A's position kept in the party, made public (only its principal or lead publishes)",
        request: async () => ({
          method: 'PATCH',
          url: `${N}/positions/${w.position.posA1}`,
          body: { revision: await revision('positions', w.position.posA1), visibility: 'public' },
        }),
        allowed: secret(A_SEND),
        sees: POSITIONS.posA1.seen,
        hiddenId: w.position.posA1,
      },
    ],
  },
  'POST /api/negotiations/:id/issues': {
    kind: 'write',
    cases: () => [
      {
        object: 'a new issue',
        request: (r) => ({
          method: 'POST',
          url: `${N}/issues`,
          body: {
            name: `Grain corridor ${r}`,
            options: [
              { id: 'x', label: 'Open' },
              { id: 'y', label: 'Closed' },
            ],
          },
        }),
        allowed: table(['med']),
        sees: table(AT_TABLE),
        hiddenId: NEG,
      },
    ],
  },
  'PATCH /api/negotiations/:id/issues/:itemId': {
    kind: 'write',
    cases: () =>
      ['i1', 'i2', 'itrk'].map((id) => ({
        object: `issue ${id}`,
        request: async (r: Reader) => ({
          method: 'PATCH',
          url: `${N}/issues/${id}`,
          body: { revision: await revision('issues', id), description: `described by ${r}` },
        }),
        allowed: table(['med']),
        sees: table(AT_TABLE),
      })),
  },
  'POST /api/negotiations/:id/red-lines': {
    kind: 'write',
    cases: () =>
      (
        [
          ['a red line of A kept in the party', PA, 'party', table(A)],
          ['a public red line of A', PA, 'public', table(A_SEND)],
          ['a red line of K kept in the coalition', PK, 'party', table([...A, 'cL'])],
          ['a red line of B shared with the mediators', PB, 'mediator', table(['bL'])],
        ] as const
      ).map(([object, partyId, visibility, allowed]) => ({
        object,
        request: (r: Reader) => ({
          method: 'POST',
          url: `${N}/red-lines`,
          body: {
            partyId,
            title: `A line of ${r}`,
            visibility,
            constraint: { kind: 'forbid', issueId: 'i1', optionIds: ['x'] },
          },
        }),
        allowed,
        sees: table(AT_TABLE),
        hiddenId: NEG,
      })),
  },
  'PATCH /api/negotiations/:id/red-lines/:itemId': {
    kind: 'write',
    cases: () => [
      ...RED_LINE_KEYS.map((k) => ({
        object: RED_LINES[k].what,
        request: async (r: Reader) => ({
          method: 'PATCH',
          url: `${N}/red-lines/${w.redLine[k]}`,
          body: { revision: await revision('red_lines', w.redLine[k]), description: `changed by ${r}` },
        }),
        allowed: RED_LINES[k].changes,
        sees: RED_LINES[k].seen,
        hiddenId: w.redLine[k],
      })),
      {
        object: "A's red line kept in the party, shared with the mediators (only its principal or lead shares)",
        request: async () => ({
          method: 'PATCH',
          url: `${N}/red-lines/${w.redLine.rlAparty}`,
          body: { revision: await revision('red_lines', w.redLine.rlAparty), visibility: 'mediator' },
        }),
        allowed: secret(A_SEND),
        sees: RED_LINES.rlAparty.seen,
        hiddenId: w.redLine.rlAparty,
      },
    ],
  },
  'PUT /api/negotiations/:id/parties/:itemId/preferences': {
    kind: 'write',
    cases: () =>
      [
        ...PREFERENCE_KEYS.map((k) => ({
          object: PREFERENCES[k].what,
          party: PREFERENCES[k].party,
          visibility: PREFERENCES[k].visibility,
          allowed: PREFERENCES[k].changes,
        })),
        { object: "C's preferences, not set yet", party: PC, visibility: 'party' as const, allowed: table(['cL']) },
        {
          object: "A's preferences, shared with the mediators (only its principal or lead shares)",
          party: PA,
          visibility: 'mediator' as const,
          allowed: secret(A_SEND),
        },
      ].map(({ object, party, visibility, allowed }) => ({
        object,
        request: async (r: Reader) => ({
          method: 'PUT',
          url: `${N}/parties/${party}/preferences`,
          body: {
            revision: await preferenceRevision(party),
            weights: { i1: 0.5, i2: 0.5 },
            scores: { i1: { x: 1, y: 0 }, i2: { x: 0, y: 1 } },
            reservation: 0.3,
            visibility,
            note: `set by ${r}`,
          },
        }),
        allowed,
        sees: table(AT_TABLE),
        hiddenId: NEG,
      })),
  },
  'POST /api/negotiations/:id/rounds': {
    kind: 'write',
    cases: () => [
      {
        object: 'a new round',
        request: (r) => ({
          method: 'POST',
          url: `${N}/rounds`,
          body: { title: `Round of ${r}`, startsOn: '2025-12-01' },
        }),
        allowed: table(['med']),
        sees: table(AT_TABLE),
        hiddenId: NEG,
      },
    ],
  },
  'PATCH /api/negotiations/:id/rounds/:itemId': {
    kind: 'write',
    cases: () =>
      [
        ["the round on the track's table text", w.round1],
        ["the round on A's drafts", w.round2],
        ["the cancelled round on A's withdrawn draft sent to B", w.round3],
      ].map(([object, id]) => ({
        object: object!,
        request: async (r: Reader) => ({
          method: 'PATCH',
          url: `${N}/rounds/${id}`,
          body: { revision: await revision('rounds', id!), outcome: `recorded by ${r}` },
        }),
        // The answer is the round as stored: it names the track's point and A's drafts.
        allowed: secret(['med']),
        sees: table(AT_TABLE),
      })),
  },
  'POST /api/negotiations/:id/statements': {
    kind: 'write',
    cases: () => [
      {
        object: 'a new public statement',
        request: (r) => ({
          method: 'POST',
          url: `${N}/statements`,
          body: {
            speaker: 'A spokesperson',
            date: '2025-12-02',
            quote: `Said before ${r}.`,
            stance: 'neutral',
            source: 'the matrix',
          },
        }),
        allowed: table(['med']),
        sees: table(AT_TABLE),
        hiddenId: NEG,
      },
    ],
  },
  'POST /api/negotiations/:id/drafts': {
    kind: 'write',
    cases: () =>
      DRAFT_KEYS.map((k) => ({
        object: `a new draft like ${DRAFTS[k].what}`,
        request: (r: Reader) => ({
          method: 'POST',
          url: `${N}/drafts`,
          body: { baseVersionId: w.version.v0, partyId: DRAFTS[k].partyId, label: `New draft of ${r}` },
        }),
        allowed: secret(DRAFTS[k].seen),
        sees: table(AT_TABLE),
        hiddenId: NEG,
      })),
  },
  'PUT /api/negotiations/:id/drafts/:itemId': {
    kind: 'write',
    cases: () =>
      DRAFT_KEYS.map((k) => ({
        object: DRAFTS[k].what,
        request: async (r: Reader) => ({
          method: 'PUT',
          url: `${N}/drafts/${w.draft[k]}`,
          body: {
            revision: await draftRevision(w.draft[k]),
            label: `mk:draft${k}: saved by ${r}`,
            summary: '',
            points: [{ id: 'p-new', title: 'A point', text: `written by ${r}` }],
          },
        }),
        allowed: secret(DRAFTS[k].seen),
        hiddenId: w.draft[k],
      })),
  },
  'POST /api/negotiations/:id/drafts/:itemId/issue': {
    kind: 'write',
    cases: () =>
      (['a', 't'] as const).map((k) => ({
        object: `${DRAFTS[k].what} (each owner issues one of its own)`,
        request: async (r: Reader) => ({
          method: 'POST',
          url: `${N}/drafts/${await ownDraft(r, k, DRAFTS[k].seen)}/issue`,
        }),
        allowed: secret(DRAFTS[k].seen),
        hiddenId: w.draft[k],
      })),
  },
  'DELETE /api/negotiations/:id/drafts/:itemId': {
    kind: 'write',
    cases: () =>
      DRAFT_KEYS.map((k) => ({
        object: `${DRAFTS[k].what} (each owner discards one of its own)`,
        request: async (r: Reader) => ({
          method: 'DELETE',
          url: `${N}/drafts/${await ownDraft(r, k, DRAFTS[k].seen)}`,
        }),
        allowed: secret(DRAFTS[k].seen),
        hiddenId: w.draft[k],
      })),
  },
  'POST /api/negotiations/:id/tracks': {
    kind: 'write',
    cases: () => [
      {
        // With B too: a track without B would leave a rule for B's texts, approved by B's principal, unable to finish.
        object: 'a new track of A, B and C',
        request: (r) => ({
          method: 'POST',
          url: `${N}/tracks`,
          body: { name: `Track of ${r}`, partyIds: [PA, PB, PC] },
        }),
        allowed: table(['med']),
        sees: table(AT_TABLE),
        hiddenId: NEG,
      },
    ],
  },
  'PATCH /api/negotiations/:id/tracks/:itemId': {
    kind: 'write',
    cases: () => [
      {
        object: 'the track of A and B',
        request: async (r) => ({
          method: 'PATCH',
          url: `${N}/tracks/${w.track}`,
          body: { revision: await revision('tracks', w.track), description: `changed by ${r}` },
        }),
        allowed: secret(['med']),
        sees: TRACK_SEEN,
        hiddenId: w.track,
      },
    ],
  },
  'POST /api/negotiations/:id/transmission-rules': {
    kind: 'write',
    cases: () =>
      (
        [
          ['a rule for texts of A', PA, PB, 'aP', table(['aP', 'aL', 'med'])],
          ['a rule for texts of B', PB, PC, 'bP', table(['bL', 'med'])],
        ] as const
      ).map(([object, from, to, approver, allowed]) => ({
        object,
        request: (r: Reader) => ({
          method: 'POST',
          url: `${N}/transmission-rules`,
          body: {
            name: `Rule of ${r}`,
            fromPartyIds: [from],
            toPartyIds: [to],
            stages: [{ id: 's1', name: 'The principal approves', mode: 'all', approverUserIds: [w.user[approver]] }],
          },
        }),
        allowed,
        sees: table(AT_TABLE),
        hiddenId: NEG,
      })),
  },
  'POST /api/negotiations/:id/transmission-rules/:itemId/changes': {
    kind: 'write',
    cases: () => [
      {
        object: 'the rule from A to C, its terms restated',
        request: async (r) => ({
          method: 'POST',
          url: `${N}/transmission-rules/${w.rule}/changes`,
          body: { revision: await revision('transmission_rules', w.rule), terms: ruleTerms(`restated by ${r}`) },
        }),
        allowed: table(['aP', 'aL', 'med']),
        sees: table(AT_TABLE),
        hiddenId: w.rule,
      },
    ],
  },
  'POST /api/negotiations/:id/transmission-rules/:itemId/changes/:changeId/consent': {
    kind: 'write',
    cases: () => [
      {
        object: 'the pending change of the rule from A to C',
        prepare: async () => {
          const row = await store.db
            .selectFrom('transmission_rules')
            .select('data')
            .where('id', '=', w.rule)
            .executeTakeFirstOrThrow();
          let pending = (JSON.parse(row.data) as { pendingChange: { id: string } | null }).pendingChange;
          if (!pending)
            pending = (
              await must('med', 'POST', `${N}/transmission-rules/${w.rule}/changes`, {
                revision: await revision('transmission_rules', w.rule),
                terms: ruleTerms('restated for the consent'),
              })
            ).pendingChange;
          w.pendingChange = pending!.id;
        },
        request: () => ({
          method: 'POST',
          url: `${N}/transmission-rules/${w.rule}/changes/${w.pendingChange ?? 'none-yet'}/consent`,
        }),
        // Only the principal the rule names consents; not the mediator, not the administrator.
        allowed: ['aP'],
        sees: table(AT_TABLE),
        hiddenId: w.rule,
      },
    ],
  },
  // Last of all: signing out ends the tokens the matrix uses.
  // Invitations read and accepted by the holder of a link (the web app's page for the link is `GET /*`).
  'GET /api/invitations/:token': {
    kind: 'public',
    cases: () => [
      {
        object: 'an open invitation',
        request: async () => get(`/api/invitations/${(await otherInvitation()).token}`)(),
        allowed: SIGNED_IN,
      },
    ],
  },
  'POST /api/invitations/accept': {
    kind: 'public',
    cases: () => [
      {
        object: 'an open invitation',
        request: async () => ({
          method: 'POST',
          url: '/api/invitations/accept',
          body: { token: (await otherInvitation()).token, name: 'Invited', password: PASSWORD },
        }),
        allowed: SIGNED_IN,
      },
    ],
  },
  // A new account's one-time link to choose its password, read and used by its holder.
  'GET /api/password-links/:token': {
    kind: 'public',
    cases: () => [
      {
        object: "a new account's password link",
        request: async () => get(`/api/password-links/${await freshPasswordLink()}`)(),
        allowed: SIGNED_IN,
      },
    ],
  },
  'POST /api/password-links/choose': {
    kind: 'public',
    cases: () => [
      {
        object: "a new account's password link",
        request: async () => ({
          method: 'POST',
          url: '/api/password-links/choose',
          body: { token: await freshPasswordLink(), password: PASSWORD },
        }),
        allowed: SIGNED_IN,
      },
    ],
  },
  'GET /api/negotiations/:id/proposals': {
    kind: 'read',
    cases: () =>
      tableRead('/proposals?state=open', {
        of: listIds,
        // Those they concern: the mediators, and the members of B (whose seats they change).
        expected: (r) => (r === 'med' || r === 'bL' ? [w.invitationProposal, w.proposal] : []),
      }),
  },
  'POST /api/negotiations/:id/proposals/:proposalId/decision': {
    kind: 'write',
    cases: () => [
      {
        object: "the proposed change of B's adviser's seat",
        request: () => ({
          method: 'POST',
          url: `${N}/proposals/${w.proposal}/decision`,
          body: { decision: 'accept' },
        }),
        // Only B's principal or lead consents for B; the mediator who proposed it sees it, but cannot.
        allowed: ['bL'],
        sees: ['bL', 'med'],
        hiddenId: w.proposal,
      },
    ],
  },
  'GET /api/me/invitations': {
    kind: 'read',
    cases: () => [
      {
        object: "the invitations to the reader's own e-mail",
        request: get('/api/me/invitations'),
        allowed: SIGNED_IN,
        ids: { of: listIds, expected: () => [] },
      },
    ],
  },
  'POST /api/me/invitations/:invitationId/accept': {
    kind: 'write',
    cases: () => [
      {
        object: "an invitation to the outsider's e-mail, in talks of its own",
        prepare: async () => {
          w.outInvitation = (await otherInvitation(emailOf('out'))).id;
        },
        request: () => ({ method: 'POST', url: `/api/me/invitations/${w.outInvitation}/accept`, body: {} }),
        allowed: ['out'],
        hiddenId: w.outInvitation,
      },
    ],
  },
  'GET /api/me/sessions': {
    kind: 'read',
    cases: () => [
      {
        object: "the reader's own sessions",
        request: get('/api/me/sessions'),
        allowed: SIGNED_IN,
        check: (_r, b) =>
          (b as { current: boolean }[]).filter((x) => x.current).length === 1
            ? null
            : 'exactly one session is the current one',
      },
    ],
  },
  'GET /api/negotiations/:id/invitations': {
    kind: 'read',
    cases: () => [
      {
        object: 'the invitations',
        request: get(`${N}/invitations`),
        // The mediator all; a principal or lead those into their party.
        allowed: ['aP', 'aL', 'bL', 'cL', 'med'],
        ids: { of: listIds, expected: (r) => (r === 'med' || r === 'bL' ? [w.invitation] : []) },
        sees: table(AT_TABLE),
        hiddenId: NEG,
      },
    ],
  },
  'PATCH /api/negotiations/:id/parties/:itemId': {
    kind: 'write',
    cases: () => [
      {
        object: 'party B',
        request: async () => ({
          method: 'PATCH',
          url: `${N}/parties/${PB}`,
          body: { revision: await revision('parties', PB), name: 'Party B' },
        }),
        allowed: ['med'],
        sees: table(AT_TABLE),
        hiddenId: NEG,
      },
    ],
  },
  'PATCH /api/negotiations/:id/members/:memberId': {
    kind: 'write',
    cases: () => [
      {
        object: "B's adviser's seat",
        request: async () => ({ method: 'PATCH', url: `${N}/members/${await seatOf('bA')}`, body: { title: '' } }),
        // B's lead changes it; the mediator proposes the change to B's lead (202).
        allowed: ['bL', 'med'],
        sees: table(AT_TABLE),
        hiddenId: NEG,
      },
    ],
  },
  'DELETE /api/negotiations/:id/members/:memberId': {
    kind: 'write',
    late: 1,
    cases: () => [
      {
        object: "C's adviser's seat (the mediator's request: B's adviser's, which it only proposes)",
        request: async (r) => ({ method: 'DELETE', url: `${N}/members/${await seatOf(r === 'med' ? 'bA' : 'cA')}` }),
        // C's lead removes it; the mediator only proposes a removal, to B's lead (202).
        allowed: ['cL', 'med'],
        sees: table(AT_TABLE),
        hiddenId: NEG,
      },
    ],
  },
  'DELETE /api/negotiations/:id/invitations/:invitationId': {
    kind: 'write',
    cases: () => [
      {
        object: 'an open invitation into B',
        request: () => ({ method: 'DELETE', url: `${N}/invitations/${w.invitation}` }),
        allowed: ['bL', 'med'],
        sees: table(AT_TABLE),
        hiddenId: NEG,
      },
    ],
  },
  'POST /api/me/password': {
    kind: 'write',
    late: 1,
    cases: () => [
      {
        object: "the reader's own password",
        request: () => ({
          method: 'POST',
          url: '/api/me/password',
          body: { currentPassword: PASSWORD, newPassword: PASSWORD },
        }),
        allowed: SIGNED_IN,
      },
    ],
  },
  'DELETE /api/me/sessions/:sessionId': {
    kind: 'write',
    cases: () => [
      {
        object: 'another session of the reader',
        request: async (reader) => {
          if (!SIGNED_IN.includes(reader)) return { method: 'DELETE', url: '/api/me/sessions/0000000000000000' };
          const login = await send(null, {
            method: 'POST',
            url: '/api/auth/login',
            body: { email: emailOf(reader as Account), password: PASSWORD },
          });
          return { method: 'DELETE', url: `/api/me/sessions/${tokenHash(login.body.token).slice(0, 16)}` };
        },
        allowed: SIGNED_IN,
      },
    ],
  },
  'GET /api/negotiations/:id/analyses/:itemId': {
    kind: 'read',
    cases: () => [
      {
        object: "the mediator's analysis",
        request: get(`${N}/analyses/${w.analysis}`),
        allowed: ['med'],
        hiddenId: w.analysis,
      },
      {
        object: "A's adviser's analysis",
        request: get(`${N}/analyses/${w.analysisA}`),
        allowed: ['aA'],
        hiddenId: w.analysisA,
      },
    ],
  },
  'GET /api/negotiations/:id/analyses/:itemId/frontier': {
    kind: 'read',
    cases: () => {
      // The whole listing, its requester's only: a header, a line per package, an end line.
      const listing = (_r: Reader, body: any): string | null => {
        const lines = String(body)
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { kind: string; size?: number });
        const [head, ...rest] = lines;
        if (head?.kind !== 'frontier') return `the listing starts with ${JSON.stringify(head)}`;
        if (rest.at(-1)?.kind !== 'end') return `the listing ends with ${JSON.stringify(rest.at(-1))}`;
        return rest.length - 1 === head.size ? null : `${rest.length - 1} packages for a frontier of ${head.size}`;
      };
      return [
        {
          object: "the mediator's analysis",
          request: get(`${N}/analyses/${w.analysis}/frontier`),
          allowed: ['med'],
          hiddenId: w.analysis,
          check: listing,
        },
        {
          object: "A's adviser's analysis",
          request: get(`${N}/analyses/${w.analysisA}/frontier`),
          allowed: ['aA'],
          hiddenId: w.analysisA,
          check: listing,
        },
      ];
    },
  },
  'GET /api/negotiations/:id/analysis-jobs/:itemId': {
    kind: 'read',
    cases: () => [
      {
        object: "the mediator's analysis job",
        request: get(`${N}/analysis-jobs/${w.analysisJob}`),
        allowed: ['med'],
        hiddenId: w.analysisJob,
      },
      {
        object: "A's adviser's analysis job",
        request: get(`${N}/analysis-jobs/${w.analysisJobA}`),
        allowed: ['aA'],
        hiddenId: w.analysisJobA,
      },
    ],
  },
  'GET /api/negotiations/:id/utilities': {
    kind: 'read',
    cases: () => {
      // Whose utilities each reader is told: its own party's and coalition's; the mediator's, what was shared with it.
      const parties = (r: Reader): string[] =>
        A.includes(r) ? [PA, PK] : r === 'bL' ? [PB] : r === 'cL' ? [PK] : r === 'med' ? [PB] : [];
      return tableRead(
        '/utilities',
        { of: (b) => (b.parties as { partyId: string }[]).map((p) => p.partyId), expected: parties },
        (r, b) => {
          const versions = (b.versions as { versionId: string; utilities: { partyId: string; lowest: unknown }[] }[])
            .map((v) => v.versionId)
            .sort();
          if (versions.join() !== sorted(versionIds(r)).join()) return `utilities of versions ${versions.join()}`;
          for (const version of b.versions as { utilities: { partyId: string; lowest: unknown }[] }[]) {
            const named = version.utilities.map((u) => u.partyId);
            if (named.join() !== sorted(parties(r)).join()) return `utilities of parties ${named.join()}`;
            if (version.utilities.some((u) => typeof u.lowest !== 'number')) return 'a utility is missing';
          }
          const basis = r === 'med' ? 'shared' : 'own';
          return b.basis === basis ? null : `the basis is ${b.basis}, expected ${basis}`;
        },
      );
    },
  },
  'GET /api/negotiations/:id/analyses': {
    kind: 'read',
    // Each reader lists their own analyses only: not even a colleague of the same party lists another's.
    cases: () =>
      tableRead(
        '/analyses',
        {
          of: listIds,
          expected: (r) =>
            r === 'med' ? [w.analysis, w.analysisOfJob] : r === 'aA' ? [w.analysisA, w.analysisOfJobA] : [],
        },
        (_r, b) => {
          const fields = (b as Record<string, unknown>[]).map((a) => Object.keys(a).sort().join());
          const summary = 'agreementPossible,createdAt,excluded,frontierSize,id,included,setAside,stale,versionId';
          return fields.every((f) => f === summary) ? null : `a summary holds ${fields.join('; ')}`;
        },
      ),
  },
  'GET /api/negotiations/:id/releases': {
    kind: 'read',
    cases: () =>
      tableRead(
        '/releases',
        { of: listIds, expected: (r) => ([...A, 'med'].includes(r) ? [w.release] : []) },
        (r, b) => {
          const utilities = (b as { packages: { utility: number | null }[] }[]).flatMap((release) =>
            release.packages.map((p) => p.utility),
          );
          if (A.includes(r) && utilities.some((u) => typeof u !== 'number'))
            return "A's members see A's own utility for each package";
          if (r === 'med' && utilities.some((u) => u !== null))
            return 'the mediator sees no party utility in a release';
          return null;
        },
      ),
  },
  'POST /api/negotiations/:id/analyses': {
    kind: 'write',
    // Before the writes that share A's red line with the mediators, so the scan's secrets still hold.
    late: -1,
    cases: () => [
      {
        object: 'the current version',
        request: () => ({ method: 'POST', url: `${N}/analyses`, body: {} }),
        allowed: table(AT_TABLE),
        hiddenId: NEG,
      },
      // An analysis reads a withdrawn text as the version routes do: only where the text had reached.
      ...WITHDRAWN.map((v) => ({
        object: VERSION_NAME[v],
        request: () => ({ method: 'POST', url: `${N}/analyses`, body: { versionId: w.version[v] } }),
        allowed: VERSION_SEEN[v],
        hiddenId: w.version[v],
        hiddenAs: 400,
      })),
      // A what-if sets aside only red lines the reader sees: another is refused as a made-up id.
      ...RED_LINE_KEYS.map((k) => ({
        object: `a what-if setting aside ${RED_LINES[k].what}`,
        request: () => ({ method: 'POST', url: `${N}/analyses`, body: { setAside: [w.redLine[k]] } }),
        allowed: RED_LINES[k].seen,
        hiddenId: w.redLine[k],
        hiddenAs: 400,
        check: (_reader: Reader, body: any) =>
          JSON.stringify(body.setAside) === JSON.stringify([w.redLine[k]]) &&
          !body.result.redLinesApplied.includes(w.redLine[k])
            ? null
            : `the answer sets aside ${JSON.stringify(body.setAside)} and applies ${JSON.stringify(body.result.redLinesApplied)}`,
      })),
    ],
  },
  'POST /api/negotiations/:id/analyses/:itemId/releases': {
    kind: 'write',
    cases: () => [
      {
        object: "a package of the mediator's analysis",
        request: () => ({
          method: 'POST',
          url: `${N}/analyses/${w.analysis}/releases`,
          body: { partyIds: [PB], frontierIndexes: [0] },
        }),
        allowed: ['med'],
        sees: table(AT_TABLE),
        hiddenId: NEG,
      },
    ],
  },
  'POST /api/negotiations/:id/versions/:itemId/amendments': {
    kind: 'write',
    cases: () => [
      ...(
        [
          ['v0', table(A), PA],
          ['vaint', secret(A), PA],
          ['vk', secret([...A, 'cL']), PK],
        ] as const
      ).map(([v, allowed, partyId]) => ({
        object: `${VERSION_NAME[v]}, amended for ${partyId}`,
        request: (r: Reader) => ({
          method: 'POST',
          url: `${N}/versions/${w.version[v]}/amendments`,
          body: {
            partyId,
            change: { kind: 'insert', pointId: 'p2', field: 'text', at: 0, text: `Words of ${r}. ` },
            justification: '',
          },
        }),
        allowed,
        sees: VERSION_SEEN[v],
        hiddenId: w.version[v],
      })),
      {
        object: VERSION_NAME.vaintw,
        request: () => ({
          method: 'POST',
          url: `${N}/versions/${w.version.vaintw}/amendments`,
          body: { partyId: PA, change: { kind: 'insert', pointId: 'p2', field: 'text', at: 0, text: 'x' } },
        }),
        allowed: [],
        sees: VERSION_SEEN.vaintw,
        hiddenId: w.version.vaintw,
        refusedForState: 400,
      },
    ],
  },
  'PATCH /api/negotiations/:id/amendments/:itemId': {
    kind: 'write',
    cases: () => [
      {
        object: AMENDMENTS.amAint.what,
        request: async (r: Reader) => ({
          method: 'PATCH',
          url: `${N}/amendments/${w.amendment.amAint}`,
          body: { revision: await revision('amendments', w.amendment.amAint), justification: `changed by ${r}` },
        }),
        allowed: secret(A),
        sees: AMENDMENTS.amAint.seen,
        hiddenId: w.amendment.amAint,
      },
    ],
  },
  'POST /api/negotiations/:id/amendments/:itemId/table': {
    kind: 'write',
    cases: () => [
      {
        object: `${AMENDMENTS.amAint.what} (each allowed reader tables a new one)`,
        request: async (r: Reader) => ({
          method: 'POST',
          url: `${N}/amendments/${A_SEND.includes(r) ? await freshAmendment('aA', PA, 'v0') : w.amendment.amAint}/table`,
          body: { to: 'mediators' },
        }),
        allowed: secret(A_SEND),
        sees: AMENDMENTS.amAint.seen,
        hiddenId: w.amendment.amAint,
      },
    ],
  },
  'POST /api/negotiations/:id/amendments/:itemId/decision': {
    kind: 'write',
    cases: () => [
      {
        object: `${AMENDMENTS.amAmed.what} (the mediator decides a new one)`,
        request: async (r: Reader) => ({
          method: 'POST',
          url: `${N}/amendments/${r === 'med' ? await freshAmendment('aA', PA, 'v0', { table: 'mediators' }) : w.amendment.amAmed}/decision`,
          body: { decision: 'reject', note: `by ${r}` },
        }),
        allowed: ['med'],
        sees: AMENDMENTS.amAmed.seen,
        hiddenId: w.amendment.amAmed,
      },
      {
        object: `${AMENDMENTS.amBtable.what} (the mediator decides a new one)`,
        request: async (r: Reader) => ({
          method: 'POST',
          url: `${N}/amendments/${r === 'med' ? await freshAmendment('aA', PA, 'v0', { table: 'table' }) : w.amendment.amBtable}/decision`,
          body: { decision: 'reject' },
        }),
        allowed: ['med'],
        sees: AMENDMENTS.amBtable.seen,
        hiddenId: w.amendment.amBtable,
      },
    ],
  },
  'POST /api/negotiations/:id/amendments/:itemId/withdraw': {
    kind: 'write',
    cases: () => [
      {
        object: `${AMENDMENTS.amAint.what} (each allowed reader withdraws a new one)`,
        request: async (r: Reader) => ({
          method: 'POST',
          url: `${N}/amendments/${A.includes(r) ? await freshAmendment('aA', PA, 'v0') : w.amendment.amAint}/withdraw`,
        }),
        allowed: secret(A),
        sees: AMENDMENTS.amAint.seen,
        hiddenId: w.amendment.amAint,
      },
    ],
  },
  'POST /api/negotiations/:id/versions/:itemId/consolidate': {
    kind: 'write',
    late: 1,
    cases: () => [
      {
        object: `${VERSION_NAME.v0}, with an accepted amendment`,
        request: async (r: Reader) => {
          if (r === 'med') await freshAmendment('aA', PA, 'v0', { table: 'mediators', accept: true });
          return {
            method: 'POST',
            url: `${N}/versions/${w.version.v0}/consolidate`,
            body: { label: `Consolidated by ${r}` },
          };
        },
        allowed: ['med'],
        sees: VERSION_SEEN.v0,
        hiddenId: w.version.v0,
      },
    ],
  },
  'POST /api/negotiations/:id/versions/:itemId/withdraw': {
    kind: 'write',
    late: 1,
    cases: () => [
      {
        object: VERSION_NAME.vab,
        request: () => ({ method: 'POST', url: `${N}/versions/${w.version.vab}/withdraw` }),
        allowed: secret(A_SEND),
        sees: VERSION_SEEN.vab,
        hiddenId: w.version.vab,
      },
      // Withdrawn already: its principal or lead may ask again (nothing changes); no one else learns of it.
      ...WITHDRAWN.map((v) => ({
        object: `${VERSION_NAME[v]}, again`,
        request: () => ({ method: 'POST', url: `${N}/versions/${w.version[v]}/withdraw` }),
        allowed: secret(A_SEND),
        sees: VERSION_SEEN[v],
        hiddenId: w.version[v],
      })),
    ],
  },
  'POST /api/negotiations/:id/rounds/:itemId/cancel': {
    kind: 'write',
    late: 1,
    cases: () => [
      {
        object: 'the second round',
        request: () => ({ method: 'POST', url: `${N}/rounds/${w.round2}/cancel` }),
        allowed: ['med'],
        sees: table(AT_TABLE),
        hiddenId: w.round2,
      },
      {
        object: 'the round cancelled in the set-up, again',
        request: () => ({ method: 'POST', url: `${N}/rounds/${w.round3}/cancel` }),
        allowed: ['med'],
        sees: table(AT_TABLE),
        hiddenId: w.round3,
      },
    ],
  },
  'POST /api/negotiations/:id/statements/:itemId/retract': {
    kind: 'write',
    late: 1,
    cases: () => [
      {
        object: 'the statement',
        request: () => ({ method: 'POST', url: `${N}/statements/${w.statement}/retract` }),
        allowed: ['med'],
        sees: table(AT_TABLE),
        hiddenId: w.statement,
      },
      {
        object: 'the statement retracted in the set-up, again',
        request: () => ({ method: 'POST', url: `${N}/statements/${w.statement2}/retract` }),
        allowed: ['med'],
        sees: table(AT_TABLE),
        hiddenId: w.statement2,
      },
    ],
  },
  'POST /api/negotiations/:id/issues/:itemId/options/:optionId/retire': {
    kind: 'write',
    late: 1,
    cases: () => [
      {
        object: 'a third option of issue i2',
        prepare: async () => {
          const issue = (await send(w.token.med, { method: 'GET', url: `${N}/issues` })).body.find(
            (i: { id: string }) => i.id === 'i2',
          );
          await must('med', 'PATCH', `${N}/issues/i2`, {
            revision: await revision('issues', 'i2'),
            options: [...issue.options, { id: 'z', label: 'Z' }],
          });
        },
        request: () => ({ method: 'POST', url: `${N}/issues/i2/options/z/retire` }),
        allowed: ['med'],
        sees: table(AT_TABLE),
        hiddenId: NEG,
      },
      {
        object: 'option r of issue iret, retired in the set-up, again',
        request: () => ({ method: 'POST', url: `${N}/issues/iret/options/r/retire` }),
        allowed: ['med'],
        sees: table(AT_TABLE),
        hiddenId: NEG,
      },
    ],
  },
  'POST /api/auth/logout': {
    kind: 'write',
    late: 2,
    cases: () => [
      {
        object: "the reader's own session",
        request: () => ({ method: 'POST', url: '/api/auth/logout' }),
        allowed: SIGNED_IN,
      },
    ],
  },
  // Nothing is agreed until everything is agreed: each party's principal or lead marks for its party,
  // a point of a track only for the track's parties; the mediators close tracks, reopen points and
  // hold the pen of the table's texts.
  // The history and the receipts read the audit log through the one visibility rule: no reader
  // learns, by a text's label in an event, of a text that did not reach it; a receipt of A's
  // principal's approval is held by A's delegation only.
  'GET /api/negotiations/:id/history': {
    kind: 'read',
    cases: () =>
      tableRead('/history', undefined, (r, b) => {
        const said = JSON.stringify(b);
        for (const v of VERSION_KEYS)
          if (!VERSION_SEEN[v].includes(r) && said.includes(`mk:${v}:`))
            return `the history names ${VERSION_NAME[v]}, which never reached ${WHO[r]}`;
        return null;
      }),
  },
  'GET /api/negotiations/:id/receipts': {
    kind: 'read',
    cases: () =>
      tableRead('/receipts', undefined, (r, b) => {
        const { receipts } = b as { receipts: { event: { action: string } }[] };
        const approvals = receipts.filter((x) => x.event.action === 'approval.approve');
        const expected = A.includes(r) ? 1 : 0;
        return approvals.length === expected ? null : `${approvals.length} receipts of approvals, expected ${expected}`;
      }),
  },
  'GET /api/negotiations/:id/receipts/:seq': {
    kind: 'read',
    cases: () => [
      {
        object: "the receipt of A's principal's approval",
        request: async () => {
          const row = await store.db
            .selectFrom('audit_events')
            .select('seq')
            .where('action', '=', 'approval.approve')
            .where('negotiation_id', '=', NEG)
            .executeTakeFirstOrThrow();
          return { method: 'GET', url: `${N}/receipts/${row.seq}` };
        },
        allowed: secret(A),
      },
    ],
  },
  'GET /api/negotiations/:id/agreement': {
    kind: 'read',
    cases: () => tableRead('/agreement', undefined, agreementCheck),
  },
  'GET /api/negotiations/:id/versions/:versionId/agreement': {
    kind: 'read',
    cases: () => versionCases(() => '/agreement', { check: agreementCheck }),
  },
  'GET /api/negotiations/:id/brackets': { kind: 'read', cases: () => tableRead('/brackets') },
  'GET /api/negotiations/:id/versions/:versionId/brackets': {
    kind: 'read',
    cases: () => versionCases(() => '/brackets'),
  },
  'GET /api/negotiations/:id/versions/:versionId/provenance': {
    kind: 'read',
    cases: () =>
      versionCases(() => '/provenance', {
        forVersion: (v) => ({
          check: (r: Reader, b: any) => {
            const shown = Object.keys(b.provenance).sort().join();
            const expected = [...expectedPoints(v)(r)].sort().join();
            return shown === expected ? null : `provenance of points ${shown}, expected ${expected}`;
          },
        }),
      }),
  },
  'PUT /api/negotiations/:id/versions/:versionId/agreement': {
    kind: 'write',
    cases: () => [
      {
        object: 'the whole table text, for A',
        request: () => ({
          method: 'PUT',
          url: `${N}/versions/${w.version.v0}/agreement`,
          body: { partyId: PA },
        }),
        allowed: table(A_SEND),
        sees: table(AT_TABLE),
      },
    ],
  },
  'PUT /api/negotiations/:id/versions/:versionId/points/:pointId/agreement': {
    kind: 'write',
    cases: () => [
      {
        object: 'point 1 of the table text, for A',
        request: () => ({
          method: 'PUT',
          url: `${N}/versions/${w.version.v0}/points/p1/agreement`,
          body: { partyId: PA },
        }),
        allowed: table(A_SEND),
        sees: table(AT_TABLE),
      },
      {
        object: "the track's point, for B",
        request: () => ({
          method: 'PUT',
          url: `${N}/versions/${w.version.vtrack}/points/p-trk/agreement`,
          body: { partyId: PB },
        }),
        allowed: secret(['bL']),
        sees: TRACK_SEEN,
        hiddenId: 'p-trk',
      },
    ],
  },
  'DELETE /api/negotiations/:id/versions/:versionId/points/:pointId/agreement': {
    kind: 'write',
    late: 1,
    cases: () => [
      {
        object: 'a mark on point 1 of the table text, for A',
        request: () => ({ method: 'DELETE', url: `${N}/versions/${w.version.v0}/points/p1/agreement?partyId=${PA}` }),
        allowed: table(A_SEND),
        sees: table(AT_TABLE),
      },
      {
        object: "a mark on the track's point, for B",
        request: () => ({
          method: 'DELETE',
          url: `${N}/versions/${w.version.vtrack}/points/p-trk/agreement?partyId=${PB}`,
        }),
        allowed: secret(['bL']),
        sees: TRACK_SEEN,
        hiddenId: 'p-trk',
      },
    ],
  },
  'POST /api/negotiations/:id/agreement/reopen': {
    kind: 'write',
    cases: () => [
      {
        // Nothing is locked: the mediator passes the gate and hears 409.
        object: 'point 1 of the text under negotiation',
        request: () => ({
          method: 'POST',
          url: `${N}/agreement/reopen`,
          body: { pointId: 'p1', reason: 'to revisit' },
        }),
        allowed: ['med'],
        sees: table(AT_TABLE),
      },
    ],
  },
  'POST /api/negotiations/:id/tracks/:trackId/close': {
    kind: 'write',
    cases: () => [
      {
        // Its point is not agreed: the mediator passes the gate and hears 409.
        object: 'the track of A and B',
        request: () => ({ method: 'POST', url: `${N}/tracks/${w.track}/close` }),
        allowed: ['med'],
        sees: TRACK_SEEN,
        hiddenId: w.track,
      },
    ],
  },
  'POST /api/negotiations/:id/tracks/:trackId/reopen': {
    kind: 'write',
    cases: () => [
      {
        object: 'the track of A and B, open',
        request: () => ({ method: 'POST', url: `${N}/tracks/${w.track}/reopen` }),
        allowed: ['med'],
        sees: TRACK_SEEN,
        hiddenId: w.track,
      },
    ],
  },
  'POST /api/negotiations/:id/versions/:versionId/brackets/:bracketId/close': {
    kind: 'write',
    late: 1,
    cases: () => [
      {
        object: 'a bracket of a table text the mediator wrote for it',
        prepare: async () => {
          bracketText = (
            await must('med', 'POST', `${N}/versions`, {
              parentId: w.version.v0,
              kind: 'draft',
              label: 'mk:vbr: a text of the table with a bracket',
              authorPartyId: null,
              points: [
                { ...V0_POINTS[0]!, text: 'The parties cease fire [[br-1]].', brackets: [bracketOf('br-1')] },
                V0_POINTS[1]!,
                V0_POINTS[2]!,
              ],
              optionChoices: CHOICES.v0,
            })
          ).id;
          await must('med', 'POST', `${N}/versions/${bracketText}/transmit`, { partyIds: [PA, PB, PC] });
        },
        request: () => ({
          method: 'POST',
          url: `${N}/versions/${bracketText}/brackets/br-1/close`,
          body: { choose: 0, agreedBy: [PA, PB] },
        }),
        allowed: ['med'],
        sees: table(AT_TABLE),
      },
      {
        object: "a bracket in A's draft shared with the mediators, which A's principal or lead close",
        request: () => ({
          method: 'POST',
          url: `${N}/versions/${w.version.vamed}/brackets/${MADE_UP}/close`,
          body: { choose: 0, agreedBy: [PA] },
        }),
        // No such bracket: its pen-holders hear 404 (a refusal by state), others 403 or 404.
        allowed: [],
        sees: VERSION_SEEN.vamed,
        hiddenId: w.version.vamed,
      },
    ],
  },
};

function ruleTerms(description: string) {
  return {
    name: 'mk:rule: A to C',
    description,
    fromPartyIds: [PA],
    toPartyIds: [PC],
    stages: [{ id: 'st1', name: "A's principal approves", mode: 'all', approverUserIds: [w.user.aP], deadline: null }],
  };
}

// ---------------------------------------------------------------- judging the answers

type Kind = 'leak' | 'refused' | 'wrong status' | 'server error';
interface Finding {
  phase: string;
  kind: Kind;
  reader: Reader;
  text: string;
}
const findings: Finding[] = [];
const cells = { routes: 0, cases: 0 };
const snippet = (answer: Answer) => `${answer.status} ${answer.text.slice(0, 300)}`;
const isProblem = (answer: Answer) => answer.contentType.startsWith('application/problem+json');

/** Everything a reader may not receive that appears in an answer to them. */
function scan(phase: string, reader: Reader, req: Req, answer: Answer, where: string): void {
  const sent = req.url + JSON.stringify(req.body ?? null);
  for (const item of w.secrets) {
    if (item.seen.includes(reader)) continue;
    for (const value of item.strings) {
      if (!sent.includes(value) && answer.text.includes(value))
        findings.push({ phase, kind: 'leak', reader, text: `${where}: received ${item.what} ("${value}")` });
    }
  }
}

function sameIds(phase: string, reader: Reader, where: string, got: string[], expected: string[]): void {
  const extra = got.filter((id) => !expected.includes(id));
  const missing = expected.filter((id) => !got.includes(id));
  if (extra.length > 0)
    findings.push({
      phase,
      kind: 'leak',
      reader,
      text: `${where}: received ${extra.join(', ')} beyond what it may see`,
    });
  if (missing.length > 0)
    findings.push({ phase, kind: 'refused', reader, text: `${where}: did not receive ${missing.join(', ')}` });
  if (got.length !== new Set(got).size)
    findings.push({ phase, kind: 'wrong status', reader, text: `${where}: received ${got.join(', ')}, with repeats` });
}

/** Judges one answer against the matrix; returns whether the reader passed the gate. */
function judge(phase: string, entry: Entry, c: Case, reader: Reader, req: Req, answer: Answer): boolean {
  const where = `${req.method} ${req.url} as ${WHO[reader]} (${c.object})`;
  const signedIn = SIGNED_IN.includes(reader);
  const passed =
    entry.kind === 'write'
      ? (answer.status >= 200 && answer.status < 300) || answer.status === 409
      : answer.status === 200;
  const sees = c.sees ?? c.allowed;
  const denied =
    answer.status === 403 ||
    answer.status === 404 ||
    (c.hiddenAs !== undefined && answer.status === c.hiddenAs && !sees.includes(reader));
  scan(phase, reader, req, answer, where);
  if (answer.status >= 500) {
    findings.push({ phase, kind: 'server error', reader, text: `${where}: ${snippet(answer)}` });
    return false;
  }
  if (entry.kind === 'public') {
    if (!(answer.status >= 200 && answer.status < 300) && answer.status !== 302)
      findings.push({
        phase,
        kind: 'wrong status',
        reader,
        text: `${where}: a public route answered ${snippet(answer)}`,
      });
    return true;
  }
  if (!signedIn) {
    if (answer.status !== 401 || !isProblem(answer))
      findings.push({
        phase,
        kind: passed ? 'leak' : 'wrong status',
        reader,
        text: `${where}: expected 401 problem+json, got ${answer.contentType} ${snippet(answer)}`,
      });
    return false;
  }
  if (c.refusedForState !== undefined && sees.includes(reader)) {
    if (answer.status !== c.refusedForState || !isProblem(answer))
      findings.push({
        phase,
        kind: passed ? 'leak' : 'wrong status',
        reader,
        text: `${where}: expected ${c.refusedForState} problem+json (the object's state refuses it), got ${answer.contentType} ${snippet(answer)}`,
      });
    return false;
  }
  const allowed = c.allowed.includes(reader);
  if (allowed && !passed)
    findings.push({
      phase,
      kind: denied ? 'refused' : 'wrong status',
      reader,
      text: `${where}: expected to pass, got ${snippet(answer)}`,
    });
  if (!allowed && !denied)
    findings.push({
      phase,
      kind: passed ? 'leak' : 'wrong status',
      reader,
      text: `${where}: expected 403 or 404, got ${snippet(answer)}`,
    });
  if (denied && !isProblem(answer))
    findings.push({
      phase,
      kind: 'wrong status',
      reader,
      text: `${where}: a refusal without problem+json (${answer.contentType})`,
    });
  if (allowed && passed && answer.status < 300) {
    if (c.ids) sameIds(phase, reader, where, c.ids.of(answer.body), c.ids.expected(reader));
    const wrong = c.check?.(reader, answer.body) ?? null;
    if (wrong !== null) findings.push({ phase, kind: 'leak', reader, text: `${where}: ${wrong}` });
  }
  return passed;
}

const normalize = (text: string, ...ids: string[]) => ids.reduce((t, id) => t.split(id).join('<id>'), text);
const madeUp = (req: Req, id: string): Req => ({
  method: req.method,
  url: req.url.split(id).join(MADE_UP),
  ...(req.contentType ? { contentType: req.contentType } : {}),
  ...(req.body !== undefined ? { body: JSON.parse(JSON.stringify(req.body).split(id).join(MADE_UP)) } : {}),
});

/** A forbidden object must answer exactly as a missing one: same status, same body but for the id. */
async function compareWithMissing(phase: string, c: Case, reader: Reader, req: Req, answer: Answer): Promise<void> {
  const id = c.hiddenId!;
  const missingReq = madeUp(req, id);
  const missing = await ask(reader, missingReq);
  const where = `${req.method} ${req.url} as ${WHO[reader]} (${c.object})`;
  const a = normalize(answer.text, id, MADE_UP);
  const b = normalize(missing.text, id, MADE_UP);
  if (answer.status !== missing.status || a !== b) {
    findings.push({
      phase,
      kind: 'leak',
      reader,
      text: `${where}: the forbidden object answers ${answer.status} ${a.slice(0, 200)}, a made-up id answers ${missing.status} ${b.slice(0, 200)}`,
    });
  }
}

/** The routes of the app, as the matrix keys them (HEAD duplicates GET). */
const appRoutes = () =>
  app.routeTable.filter((r) => r.method !== 'HEAD').map((r) => ({ key: `${r.method} ${r.url}`, public: r.public }));
const entriesOf = (kind: Entry['kind']) =>
  appRoutes().flatMap(({ key }) => (MATRIX[key]?.kind === kind ? [{ key, entry: MATRIX[key]! }] : []));

/** The findings of one phase, outside the administrator's column, which has its own test. */
function assertNone(phase: string): void {
  const found = findings.filter((f) => f.phase === phase && (f.reader !== 'admin' || f.kind === 'server error'));
  assert.equal(found.length, 0, `${found.length} findings:\n${found.map((f) => `[${f.kind}] ${f.text}`).join('\n')}`);
}

const recorded = new Map<string, { req: Req; answer: Answer }>();

describe('access matrix: every route against every kind of reader and every visibility', () => {
  before(async () => {
    const file = await freshDatabase('matrix');
    store = await Store.open(file, {
      now: () => new Date(Date.now() + clockShift),
      auditKey: loadAuditKey(`${tempDir()}/audit-key.pem`),
    });
    app = await buildApp({ store, logger: false });
    // Analyses are answered with their result, however long they run (the jobs are made apart, below).
    analysisJobs(store).answerWithinMs = 600_000;
    await app.listen({ port: 0, host: '127.0.0.1' });
    liveUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

    // Accounts, then one sign-in each: password hashing is slow on purpose.
    const users = await Promise.all(
      ACCOUNTS.map((a) =>
        createUser(store, null, {
          email: emailOf(a),
          name: `Account ${a}`,
          password: PASSWORD,
          isAdmin: a === 'admin',
        }),
      ),
    );
    ACCOUNTS.forEach((a, i) => (w.user[a] = users[i]!.id));
    const login = async (account: Account) => {
      const answer = await send(null, {
        method: 'POST',
        url: '/api/auth/login',
        body: { email: emailOf(account), password: PASSWORD },
      });
      assert.equal(answer.status, 200, answer.text);
      return answer.body.token as string;
    };
    w.token.none = null;
    for (const reader of SIGNED_IN) w.token[reader] = await login(reader as Account);
    inviter = await login('spare');
    // A token of the administrator signed in thirteen hours ago: sessions last twelve.
    clockShift = -13 * 3600_000;
    w.token.expired = await login('admin');
    clockShift = 0;

    // The negotiation, its parties and people: the mediator opens it and so convenes it.
    // The mediator opens it and so convenes it (named by the operator: over the API only an administrator names one).
    await convene(store, emailOf('med'), NEG, 'mk:neg-main: Matrix talks');
    for (const [id, name] of [
      [PA, 'Party A'],
      [PB, 'Party B'],
      [PC, 'Party C'],
    ] as const)
      await must('med', 'POST', `${N}/parties`, { id, name, shortName: id.toUpperCase(), kind: 'party' });
    await must('med', 'POST', `${N}/parties`, {
      id: PK,
      name: 'Coalition K',
      shortName: 'K',
      kind: 'coalition',
      memberPartyIds: [PA, PC],
    });
    const roles: [Account, string | null, string][] = [
      ['aP', PA, 'principal'],
      ['aL', PA, 'lead'],
      ['aA', PA, 'adviser'],
      ['bP', PB, 'principal'],
      ['bL', PB, 'lead'],
      ['bA', PB, 'adviser'],
      ['cP', PC, 'principal'],
      ['cL', PC, 'lead'],
      ['cA', PC, 'adviser'],
    ];
    // Seated by the operator, who holds the database: over HTTP each would be an invitation to accept.
    for (const [account, partyId, role] of roles)
      await seatMember(store, await store.operatorContext(NEG), {
        userId: w.user[account],
        partyId,
        role: role as Role,
        title: '',
      });
    // B's lead convenes another negotiation (one seat there: its convenor's).
    await convene(store, emailOf('bL'), OTHER, 'mk:neg-other: Other talks');
    await must('bL', 'POST', `/api/negotiations/${OTHER}/parties`, { id: 'ox', name: 'Party X', shortName: 'X' });
    const invitation = await must('med', 'POST', `${N}/members`, {
      email: 'invitee@matrix.test',
      partyId: PB,
      role: 'observer',
    });
    w.invitation = invitation.invitation.id;
    w.invitationProposal = invitation.proposal.id;
    // The mediator proposes a change to B's adviser's seat: it awaits B's principal or lead.
    w.proposal = (
      await must('med', 'PATCH', `${N}/members/${await seatOf('bA')}`, { title: 'Adviser to B' }, [202])
    ).id;

    // The mediator: issues, the table text sent to all, the track of A and B, the text with the track's point.
    const issuePoints = [
      ['i1', 'Ceasefire line', 'p1'],
      ['i2', 'Withdrawal', 'p2'],
      ['itrk', 'Sanctions relief', 'p-trk'],
    ] as const;
    for (const [id, name] of [
      ['i1', 'Ceasefire line', 'p1'],
      ['i2', 'Withdrawal', 'p2'],
      ['itrk', 'Sanctions relief', 'p-trk'],
    ] as const) {
      await must('med', 'POST', `${N}/issues`, {
        id,
        name,
        description: 'mk:issue:',
        options: [
          { id: 'x', label: 'X' },
          { id: 'y', label: 'Y' },
        ],
      });
    }
    // An issue with a third option, which a draft of A chooses before the mediator retires it.
    await must('med', 'POST', `${N}/issues`, {
      id: 'iret',
      name: 'Monitoring',
      description: 'mk:issue:',
      options: [
        { id: 'x', label: 'X' },
        { id: 'y', label: 'Y' },
        { id: 'r', label: 'R' },
      ],
    });
    const version = async (reader: Reader, body: object) =>
      (await must(reader, 'POST', `${N}/versions`, body)).id as string;
    w.version.v0 = await version('med', {
      parentId: null,
      kind: 'draft',
      label: 'mk:v0: Table text',
      authorPartyId: null,
      points: V0_POINTS,
      optionChoices: CHOICES.v0,
    });
    await must('med', 'POST', `${N}/versions/${w.version.v0}/transmit`, { partyIds: [PA, PB, PC] });
    w.track = (
      await must('med', 'POST', `${N}/tracks`, {
        name: 'mk:track: Sanctions track',
        partyIds: [PA, PB],
      })
    ).id;
    w.version.vtrack = await version('med', {
      parentId: w.version.v0,
      kind: 'draft',
      label: 'mk:vtrack: Table text with a track',
      summary: 'mk:tracksummary: sanctions are relieved in the track',
      authorPartyId: null,
      points: [
        ...V0_POINTS,
        {
          id: 'p-trk',
          title: 'mk:trackpoint: Sanctions',
          text: 'mk:trackpoint: sanctions are relieved in stages',
          issueIds: ['itrk'],
          trackId: w.track,
        },
      ],
      optionChoices: CHOICES.vtrack,
    });
    await must('med', 'POST', `${N}/versions/${w.version.vtrack}/transmit`, { partyIds: [PA, PB, PC] });
    await must('med', 'PATCH', N, {
      revision: await revision('negotiations', NEG),
      currentVersionId: w.version.vtrack,
    });

    // A's drafts: internal (written by its adviser), shared with the mediators, sent to B (by its lead).
    const draft = (v: VersionKey, author: string) => ({
      parentId: w.version.v0,
      kind: 'proposal',
      label: `mk:${v}: ${VERSION_NAME[v]}`,
      authorPartyId: author,
      points: partyPoints(`mk:${v}:`),
      optionChoices: CHOICES[v],
    });
    w.version.vaint = await version('aA', draft('vaint', PA));
    w.version.vamed = await version('aL', draft('vamed', PA));
    await must('aL', 'POST', `${N}/versions/${w.version.vamed}/transmit`, { toMediators: true });
    w.version.vab = await version('aL', draft('vab', PA));
    await must('aL', 'POST', `${N}/versions/${w.version.vab}/transmit`, { partyIds: [PB] });

    // The rule: a text of A reaches C only when A's principal approves it. The lead cannot send it before.
    w.rule = (
      await must('aL', 'POST', `${N}/transmission-rules`, { id: 'rule-a-to-c', ...ruleTerms('set by the lead of A') })
    ).id;
    w.version.vac = await version('aL', draft('vac', PA));
    await must('aL', 'POST', `${N}/versions/${w.version.vac}/transmit`, { partyIds: [PC] }, [403]);
    const held = await must('aP', 'GET', `${N}/versions/${w.version.vac}`);
    const approved = await must('aP', 'POST', `${N}/versions/${w.version.vac}/approvals`, {
      ruleId: w.rule,
      stageId: 'st1',
      decision: 'approve',
      comment: "mk:comment: A's principal releases it",
      contentHash: held.contentHash,
    });
    w.approval = approved.rules[0].approvals[0].id;
    w.version.vk = await version('cL', draft('vk', PK));
    // Two drafts of A that will be withdrawn: one sent to B (choosing the option to be retired), one kept inside.
    w.version.vabw = await version('aL', draft('vabw', PA));
    await must('aL', 'POST', `${N}/versions/${w.version.vabw}/transmit`, { partyIds: [PB] });
    w.version.vaintw = await version('aA', draft('vaintw', PA));
    // A's principal reads all nine texts in full (A is in the track and in K).
    for (const v of VERSION_KEYS) w.hash[v] = (await must('aP', 'GET', `${N}/versions/${w.version[v]}`)).contentHash;

    for (const p of POSITION_KEYS) {
      const s = POSITIONS[p];
      w.position[p] = (
        await must(s.by, 'POST', `${N}/positions`, {
          versionId: w.version[s.version],
          pointId: s.point,
          partyId: s.party,
          stance: 'oppose',
          visibility: s.visibility,
          rationale: `mk:${p}: ${s.what}`,
        })
      ).id;
    }
    for (const k of RED_LINE_KEYS) {
      const s = RED_LINES[k];
      w.redLine[k] = (
        await must(s.by, 'POST', `${N}/red-lines`, {
          partyId: s.party,
          title: `mk:${k}: ${s.what}`,
          visibility: s.visibility,
          constraint: s.constraint,
        })
      ).id;
    }
    // The track and the issues name their points once a version holds those points.
    await must('med', 'PATCH', `${N}/tracks/${w.track}`, {
      revision: await revision('tracks', w.track),
      pointIds: ['p-trk'],
    });
    for (const [id, , point] of issuePoints)
      await must('med', 'PATCH', `${N}/issues/${id}`, { revision: await revision('issues', id), pointIds: [point] });
    for (const k of PREFERENCE_KEYS) {
      const s = PREFERENCES[k];
      const body = {
        revision: null,
        weights: { i1: 0.5, i2: 0.5 },
        scores: { i1: { x: 1, y: 0 }, i2: { x: 0, y: 1 } },
        reservation: 0.4,
        visibility: s.visibility,
        note: `mk:${k}: ${s.what}`,
      };
      w.preference[k] = (await must(s.by, 'PUT', `${N}/parties/${s.party}/preferences`, body)).id;
    }
    w.analysis = (await must('med', 'POST', `${N}/analyses`, {})).id;
    w.analysisA = (await must('aA', 'POST', `${N}/analyses`, {})).id;
    analysisJobs(store).answerWithinMs = 0;
    w.analysisJob = (await must('med', 'POST', `${N}/analyses`, {}, [202])).jobId;
    w.analysisJobA = (await must('aA', 'POST', `${N}/analyses`, {}, [202])).jobId;
    await analysisJobs(store).settledHere(w.analysisJob);
    await analysisJobs(store).settledHere(w.analysisJobA);
    w.analysisOfJob = (await must('med', 'GET', `${N}/analysis-jobs/${w.analysisJob}`)).analysisId;
    w.analysisOfJobA = (await must('aA', 'GET', `${N}/analysis-jobs/${w.analysisJobA}`)).analysisId;
    analysisJobs(store).answerWithinMs = 600_000;
    w.release = (
      await must('med', 'POST', `${N}/analyses/${w.analysis}/releases`, { partyIds: [PA], frontierIndexes: [0] })
    )[0].id;
    w.round1 = (
      await must('med', 'POST', `${N}/rounds`, {
        title: 'mk:round1: Opening',
        startsOn: '2025-11-20',
        versionId: w.version.vtrack,
        agendaPointIds: ['p1', 'p-trk'],
      })
    ).id;
    w.round2 = (
      await must('med', 'POST', `${N}/rounds`, {
        title: 'mk:round2: Second round',
        startsOn: '2025-11-27',
        versionId: w.version.vamed,
        outcomeVersionId: w.version.vab,
        agendaPointIds: ['p2'],
      })
    ).id;
    w.statement = (
      await must('med', 'POST', `${N}/statements`, {
        speaker: 'mk:statement: A spokesperson',
        date: '2025-11-21',
        quote: 'We keep talking.',
        stance: 'neutral',
        pointIds: ['p2', 'p-trk'],
        source: 'the matrix',
      })
    ).id;
    // What is withdrawn: nothing is deleted, each stays in the history, marked.
    w.round3 = (
      await must('med', 'POST', `${N}/rounds`, {
        title: 'mk:round3: Round on the draft to be withdrawn',
        startsOn: '2025-11-24',
        versionId: w.version.vabw,
        agendaPointIds: ['p-trk'],
      })
    ).id;
    w.statement2 = (
      await must('med', 'POST', `${N}/statements`, {
        speaker: 'mk:statement2: A spokesperson, misquoted',
        date: '2025-11-22',
        quote: 'We walk out.',
        stance: 'opposes',
        pointIds: ['p-trk'],
        source: 'the matrix',
      })
    ).id;
    // Amendments: kept in the party, tabled to the mediators, tabled to the table, on the track's point.
    for (const k of AMENDMENT_KEYS) {
      const spec = AMENDMENTS[k];
      const made = await must(spec.by, 'POST', `${N}/versions/${w.version[spec.version]}/amendments`, {
        partyId: spec.partyId,
        change: { kind: 'insert', pointId: spec.pointId, field: 'text', at: 0, text: `mk:${k}: ` },
        justification: `mk:${k}: why`,
      });
      w.amendment[k] = made.id;
      if (spec.to)
        await must(spec.by === 'bL' ? 'bL' : 'aL', 'POST', `${N}/amendments/${made.id}/table`, { to: spec.to });
    }
    await must('aL', 'POST', `${N}/versions/${w.version.vabw}/withdraw`);
    await must('aP', 'POST', `${N}/versions/${w.version.vaintw}/withdraw`);
    await must('med', 'POST', `${N}/rounds/${w.round3}/cancel`);
    await must('med', 'POST', `${N}/statements/${w.statement2}/retract`);
    await must('med', 'POST', `${N}/issues/iret/options/r/retire`);

    // Drafts of A, of coalition K and of the table, each from a text its writer sees.
    for (const [k, reader, base] of [
      ['a', 'aA', w.version.vtrack],
      ['k', 'cL', w.version.v0],
      ['t', 'med', w.version.vtrack],
    ] as const)
      w.draft[k] = (
        await must(reader, 'POST', `${N}/drafts`, {
          baseVersionId: base,
          partyId: DRAFTS[k].partyId,
          label: `mk:draft${k}: ${DRAFTS[k].what}`,
        })
      ).id as string;

    // What each reader may not receive, anywhere.
    const add = (what: string, seen: Reader[], ...strings: string[]) => w.secrets.push({ what, seen, strings });
    for (const v of VERSION_KEYS) {
      add(VERSION_NAME[v], VERSION_SEEN[v], w.version[v], `mk:${v}:`);
      add(`the content hash of ${VERSION_NAME[v]}`, v === 'vtrack' ? TRACK_SEEN : VERSION_SEEN[v], w.hash[v]);
    }
    add('the track and its point', TRACK_SEEN, w.track, 'mk:track:', 'p-trk', 'mk:trackpoint:', 'mk:tracksummary:');
    for (const p of POSITION_KEYS) add(POSITIONS[p].what, POSITIONS[p].seen, w.position[p], `mk:${p}:`);
    for (const k of RED_LINE_KEYS) add(RED_LINES[k].what, RED_LINES[k].seen, w.redLine[k], `mk:${k}:`);
    for (const k of AMENDMENT_KEYS) add(AMENDMENTS[k].what, AMENDMENTS[k].seen, w.amendment[k], `mk:${k}:`);
    for (const k of PREFERENCE_KEYS) add(PREFERENCES[k].what, PREFERENCES[k].seen, w.preference[k], `mk:${k}:`);
    add("the comment of A's principal on its decision", secret(A), 'mk:comment:');
    add("the decision of A's principal", VERSION_SEEN.vac, w.approval);
    for (const k of DRAFT_KEYS) add(DRAFTS[k].what, secret(DRAFTS[k].seen), w.draft[k], `mk:draft${k}:`);
    add("the mediator's analysis", ['med'], w.analysis);
    add("A's adviser's analysis", ['aA'], w.analysisA);
    add('the packages released to A', [...A, 'med'], w.release);
    add(
      'the negotiation',
      table(AT_TABLE),
      'mk:neg-main:',
      'mk:issue:',
      'mk:round1:',
      'mk:round2:',
      'mk:round3:',
      'mk:statement:',
      'mk:statement2:',
      'mk:rule:',
      w.round1,
      w.round2,
      w.round3,
      w.statement,
      w.statement2,
    );
    add('the other negotiation', ['bL'], OTHER, 'mk:neg-other:');
    for (const account of MEMBER_ACCOUNTS) add(`the e-mail of ${account}`, table(AT_TABLE), emailOf(account));
    add("the outsider's e-mail", ['out', 'admin'], emailOf('out'));
  });

  after(async () => {
    await app?.close();
    await store?.close();
  });

  test('every route of the app has an entry in the access matrix, so a new route cannot escape it', () => {
    const routes = appRoutes();
    const missing = routes.filter((r) => !(r.key in MATRIX)).map((r) => r.key);
    assert.deepEqual(missing, [], `routes without an entry in the access matrix: ${missing.join(', ')}`);
    const stale = Object.keys(MATRIX).filter((key) => !routes.some((r) => r.key === key));
    assert.deepEqual(stale, [], `entries for routes the app no longer serves: ${stale.join(', ')}`);
    for (const route of routes) {
      assert.equal(
        MATRIX[route.key]!.kind === 'public',
        route.public,
        `${route.key}: public in the app ${route.public}, in the matrix ${MATRIX[route.key]!.kind}`,
      );
      assert.ok(MATRIX[route.key]!.cases().length > 0, `${route.key} is applied to no object`);
    }
    cells.routes = routes.length;
  });

  test('public routes answer every reader alike, with a token, an expired one or none', async () => {
    for (const { key, entry } of entriesOf('public')) {
      for (const c of entry.cases()) {
        cells.cases++;
        const statuses = new Set<number>();
        for (const reader of READERS) {
          const req = await c.request(reader);
          const answer = await ask(reader, req);
          statuses.add(answer.status);
          judge('public', entry, c, reader, req, answer);
        }
        if (statuses.size > 1)
          findings.push({
            phase: 'public',
            kind: 'wrong status',
            reader: 'none',
            text: `${key}: answers ${[...statuses].join(', ')} depending on the reader`,
          });
      }
    }
    assertNone('public');
  });

  test('without a valid token every other route answers 401 problem+json and changes nothing', async () => {
    for (const phase of ['read', 'write'] as const) {
      for (const { entry } of entriesOf(phase)) {
        for (const c of entry.cases()) {
          for (const reader of ['none', 'expired'] as const) {
            const before = await auditEvents();
            const req = await c.request(reader);
            judge('no token', entry, c, reader, req, await ask(reader, req));
            if ((await auditEvents()) !== before)
              findings.push({
                phase: 'no token',
                kind: 'leak',
                reader,
                text: `${req.method} ${req.url} as ${WHO[reader]}: changed the data`,
              });
          }
        }
      }
    }
    assertNone('no token');
  });

  test('each reader receives exactly the items the policy lets it see, and a reader outside the track never its points', async () => {
    for (const { key, entry } of entriesOf('read')) {
      const list = entry.cases();
      cells.cases += list.length;
      for (const [index, c] of list.entries()) {
        for (const reader of SIGNED_IN) {
          const req = await c.request(reader);
          const answer = await ask(reader, req);
          judge('read', entry, c, reader, req, answer);
          recorded.set(`${key}|${index}|${reader}`, { req, answer });
        }
      }
    }
    assertNone('read');
  });

  test('a forbidden read is indistinguishable from a missing one', async () => {
    let compared = 0;
    for (const { key, entry } of entriesOf('read')) {
      for (const [index, c] of entry.cases().entries()) {
        if (!c.hiddenId) continue;
        for (const reader of SIGNED_IN.filter((r) => !(c.sees ?? c.allowed).includes(r))) {
          const { req, answer } = recorded.get(`${key}|${index}|${reader}`)!;
          await compareWithMissing('missing', c, reader, req, answer);
          compared++;
        }
      }
    }
    assert.ok(compared > 50, `only ${compared} forbidden reads compared`);
    assertNone('missing');
  });

  test('each reader changes exactly what the policy lets it change; a refused change writes nothing and looks like a missing object', async () => {
    const writes = entriesOf('write').sort((a, b) => (a.entry.late ?? 0) - (b.entry.late ?? 0));
    for (const { entry } of writes) {
      for (const c of entry.cases()) {
        cells.cases++;
        await c.prepare?.();
        // The refused readers go first, while the object is as the set-up left it.
        const order = [
          ...SIGNED_IN.filter((r) => !c.allowed.includes(r)),
          ...SIGNED_IN.filter((r) => c.allowed.includes(r)),
        ];
        for (const reader of order) {
          const before = await auditEvents();
          const req = await c.request(reader);
          const answer = await ask(reader, req);
          const passed = judge('write', entry, c, reader, req, answer);
          if (!passed && (await auditEvents()) !== before)
            findings.push({
              phase: 'write',
              kind: 'leak',
              reader,
              text: `${req.method} ${req.url} as ${WHO[reader]} (${c.object}): refused with ${answer.status} but changed the data`,
            });
          if (!passed && c.hiddenId && !(c.sees ?? c.allowed).includes(reader))
            await compareWithMissing('write', c, reader, req, answer);
        }
      }
    }
    assertNone('write');
  });

  test('a signed-out token opens nothing', async () => {
    for (const reader of SIGNED_IN) {
      const answer = await ask(reader, { method: 'GET', url: '/api/me' });
      if (answer.status !== 401)
        findings.push({
          phase: 'signed out',
          kind: 'leak',
          reader,
          text: `GET /api/me with the signed-out token of ${WHO[reader]}: ${snippet(answer)}`,
        });
    }
    assertNone('signed out');
  });

  test('an administrator keeps the installation, not the secrets (DESIGN.md)', () => {
    const found = findings.filter((f) => f.reader === 'admin' && f.kind !== 'server error');
    assert.equal(
      found.length,
      0,
      `${found.length} findings in the administrator's column:\n${found.map((f) => `[${f.phase}, ${f.kind}] ${f.text}`).join('\n')}`,
    );
  });

  test('the matrix finds no leak and no server error', () => {
    const count = (kind: Kind) => findings.filter((f) => f.kind === kind).length;
    console.log(
      `access matrix: ${cells.routes} routes × ${READERS.length} readers, ${cells.cases} route × object cases (${cells.cases * READERS.length} cells), ${requests} requests, ` +
        `${count('leak')} leaks, ${count('refused')} wrongful refusals, ${count('wrong status')} wrong statuses, ${count('server error')} server errors`,
    );
    assert.equal(count('server error'), 0, 'server errors');
    assert.equal(count('leak'), 0, 'leaks');
  });
});
