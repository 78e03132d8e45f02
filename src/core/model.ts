/**
 * The words of a negotiation as types. Everything here is plain data: ids are strings chosen at the
 * edge (readable ones such as `pt-21` in the demo, UUIDs for things made through the API), times are
 * ISO-8601 strings handed in by the caller.
 */

export type Id = string;
/** An ISO-8601 timestamp or date, e.g. `2025-11-23` or `2025-11-23T18:00:00Z`. */
export type IsoTime = string;

export const DELEGATION_ROLES = ['principal', 'lead', 'negotiator', 'adviser', 'observer'] as const;
/** A member's role inside a party's delegation. */
export type DelegationRole = (typeof DELEGATION_ROLES)[number];
/** Every role a person can hold in a negotiation; a mediator belongs to no party. */
export const ROLES = [...DELEGATION_ROLES, 'mediator'] as const;
export type Role = (typeof ROLES)[number];

export interface Negotiation {
  id: Id;
  title: string;
  summary: string;
  /** The version everyone works from now (the head of the main line). */
  currentVersionId: Id | null;
  createdAt: IsoTime;
  revision: number;
}

export const PARTY_KINDS = ['party', 'coalition'] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];

/** A side at the table. A coalition lists the parties that propose together through it. */
export interface Party {
  id: Id;
  negotiationId: Id;
  name: string;
  shortName: string;
  kind: PartyKind;
  memberPartyIds: Id[];
  /** A coalition's scope: the points it negotiates as one; empty for all (and for a party). */
  pointIds: Id[];
  revision: number;
}

export interface User {
  id: Id;
  email: string;
  name: string;
  /** Administrators run the installation (accounts, the audit log); they read a negotiation only as a member of it. */
  isAdmin: boolean;
}

/** A person's place in one negotiation: a role in a party's delegation, or mediator (partyId null). */
export interface Membership {
  id: Id;
  negotiationId: Id;
  userId: Id;
  partyId: Id | null;
  role: Role;
  /** What the person is called in that delegation, e.g. "Secretary of State". */
  title: string;
}

/** One alternative wording inside a bracket, with the parties that put it forward. */
export interface BracketAlternative {
  text: string;
  proposedBy: Id[];
  /** The options this wording stands for, when it settles issues: issue id → option id. */
  choices?: Record<Id, Id>;
}

/**
 * Contested language inside a point. The point's text holds the placeholder `[[<bracket id>]]` where
 * the bracket stands; rendered UN-style as `[alternative A] / [alternative B]`.
 */
export interface Bracket {
  id: Id;
  alternatives: BracketAlternative[];
}

/** A numbered article of the agreement. `id` survives renumbering, merging and dropping of others. */
export interface Point {
  id: Id;
  number: number;
  title: string;
  text: string;
  brackets: Bracket[];
  /** The issues this point decides (for red-line checks and analysis). */
  issueIds: Id[];
  /** When set, the point is negotiated in a separate track and seen only by that track's parties. */
  trackId: Id | null;
}

export const VERSION_KINDS = ['draft', 'proposal'] as const;
/** `draft`: a text of the main line; `proposal`: a counter-proposal branched from a base version. */
export type VersionKind = (typeof VERSION_KINDS)[number];

/** An immutable snapshot of the document. Versions form a tree through `parentId`. */
export interface Version {
  id: Id;
  negotiationId: Id;
  parentId: Id | null;
  kind: VersionKind;
  label: string;
  summary: string;
  /** The party or coalition that wrote it; null for a text of the mediator or of the table as a whole. */
  authorPartyId: Id | null;
  /** An internal draft stays inside its author party: mediators do not see it either. */
  internal: boolean;
  points: Point[];
  /** What this text settles on each issue: issue id → option id. Issues the text leaves open are absent. */
  optionChoices: Record<Id, Id>;
  source: string | null;
  createdAt: IsoTime;
  createdBy: Id | null;
  /** Set when its author withdrew it: it stays in the history, marked, and counts no more. */
  withdrawnAt?: IsoTime | null;
}

/** A version as one person sees it: the points they may see, and who has received it. */
export interface VersionView extends Version {
  recipientPartyIds: Id[];
  /**
   * SHA-256 of the text's canonical content (`core/transmission.ts`): what an approval is bound to.
   * Null for a reader from whom some points are withheld.
   */
  contentHash: string | null;
  /** Set when some points are negotiated in a separate format the reader is not part of. */
  separateFormat: { pointNumbers: number[]; note: string } | null;
  /** When each of `recipientPartyIds` received the text (the author party: when it was written). */
  transmissions?: { partyId: Id; at: IsoTime }[];
}

export const STANCES = ['support', 'amend', 'oppose', 'red_line'] as const;
export type Stance = (typeof STANCES)[number];

export const VISIBILITIES = ['party', 'mediator', 'public'] as const;
/**
 * Who sees a party's material: `party` only its own members; `mediator` its members and the mediators;
 * `public` everyone at the table who can see the thing it is about.
 */
export type Visibility = (typeof VISIBILITIES)[number];

/** A party's stance on a point of a version. */
export interface Position {
  id: Id;
  negotiationId: Id;
  versionId: Id;
  pointId: Id;
  partyId: Id;
  stance: Stance;
  /** The wording the party proposes instead (for `amend`). */
  proposedText: string | null;
  rationale: string;
  visibility: Visibility;
  source: string | null;
  /** The option of one of the point's issues the party supports, if it names one. */
  supportsOption: { issueId: Id; optionId: Id } | null;
  /** The alternative of one of the point's brackets the party supports (0 is alternative A). */
  supportsAlternative: { bracketId: Id; alternative: number } | null;
  /**
   * Set on a position a new version carried forward from an earlier one: the version where the
   * party took it.
   */
  carriedFromVersionId: Id | null;
  /**
   * True on a carried position whose point changed since the party took it: shown, but no longer
   * counted, until the party restates it.
   */
  stale: boolean;
  revision: number;
  updatedAt: IsoTime;
  updatedBy: Id | null;
}

export interface IssueOption {
  id: Id;
  label: string;
  description: string;
  /** Set when the option was retired: drafts keep referring to it, new ones may not choose it. */
  retiredAt?: IsoTime | null;
}

/** A negotiable dimension behind one or more points, with its discrete options. */
export interface Issue {
  id: Id;
  negotiationId: Id;
  name: string;
  description: string;
  pointIds: Id[];
  options: IssueOption[];
  revision: number;
}

/** A condition on one issue: the text settles it on one of `optionIds`. */
export interface OptionCondition {
  issueId: Id;
  optionIds: Id[];
}

/**
 * What a red line forbids, over issues' options:
 * - `forbid`: the text must not settle the issue on any of these options;
 * - `require`: the text must settle the issue on one of these options (leaving it open does not cross it);
 * - `forbid_combination`: the text must not meet all these conditions at once.
 */
export type RedLineConstraint =
  | { kind: 'forbid'; issueId: Id; optionIds: Id[] }
  | { kind: 'require'; issueId: Id; optionIds: Id[] }
  | { kind: 'forbid_combination'; conditions: OptionCondition[] };

/** A party's non-negotiable principle, checked against every draft. */
export interface RedLine {
  id: Id;
  negotiationId: Id;
  partyId: Id;
  title: string;
  description: string;
  constraint: RedLineConstraint;
  visibility: Visibility;
  source: string | null;
  revision: number;
}

/**
 * A party's private utility over the issues' options, GENIUS style: issue weights × option scores
 * (scores in [0, 1]), and the reservation value (the utility of no deal).
 */
export interface Preference {
  id: Id;
  negotiationId: Id;
  partyId: Id;
  weights: Record<Id, number>;
  scores: Record<Id, Record<Id, number>>;
  reservation: number;
  /** Only `party` or `mediator`: preferences are never public. */
  visibility: Exclude<Visibility, 'public'>;
  /** True where the numbers are modelled for illustration rather than reported. */
  illustrative: boolean;
  note: string;
  revision: number;
}

/** A statement issued at a round (a joint statement), with the parties that signed it. */
export interface RoundStatement {
  id: Id;
  title: string;
  date: IsoTime;
  text: string;
  signatoryPartyIds: Id[];
  source: string | null;
}

export interface RoundParticipant {
  partyId: Id;
  people: string[];
}

/** A meeting of the talks. */
export interface Round {
  id: Id;
  negotiationId: Id;
  title: string;
  startsOn: IsoTime;
  endsOn: IsoTime | null;
  place: string;
  participants: RoundParticipant[];
  agendaPointIds: Id[];
  /** The version on the table when the round opened. */
  versionId: Id | null;
  /** The version the round produced, if any. */
  outcomeVersionId: Id | null;
  outcome: string;
  statements: RoundStatement[];
  source: string | null;
  /** Set when the round was cancelled: it stays in the history, marked, and counts no more. */
  cancelledAt?: IsoTime | null;
  revision: number;
}

export const STATEMENT_STANCES = ['supports', 'opposes', 'mixed', 'neutral'] as const;
export type StatementStance = (typeof STATEMENT_STANCES)[number];

/** What someone said in public about the plan; the speaker need not be at the table. */
export interface PublicStatement {
  id: Id;
  negotiationId: Id;
  speaker: string;
  affiliation: string;
  /** The party the speaker speaks for, when they speak for one at the table. */
  partyId: Id | null;
  date: IsoTime;
  quote: string;
  stance: StatementStance;
  pointIds: Id[];
  source: string;
  /** Set when the statement was retracted (recorded in error, or withdrawn by its speaker). */
  retractedAt?: IsoTime | null;
}

/** A separate format: some points negotiated among some parties. */
export interface Track {
  id: Id;
  negotiationId: Id;
  name: string;
  description: string;
  pointIds: Id[];
  partyIds: Id[];
  revision: number;
}

export const APPROVAL_MODES = ['all', 'any'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

export const STAGE_KINDS = ['approval', 'countersignature'] as const;
/**
 * `approval`: the author side's principals approve the text before it goes to the recipients;
 * `countersignature`: the last stage, taken by principals of a receiving party once the text reached
 * them; when it is approved, the text is signed.
 */
export type StageKind = (typeof STAGE_KINDS)[number];

/** One stage of an approval chain: all of (or any of) the named principals must approve. */
export interface ApprovalStage {
  id: Id;
  name: string;
  /** Absent on stages stored before countersignatures existed: an approval. */
  kind?: StageKind;
  mode: ApprovalMode;
  approverUserIds: Id[];
  deadline: IsoTime | null;
}

/**
 * The negotiation's rule for what may go to whom: a text written by one of `fromPartyIds`, or
 * derived from one (by lineage, or by carrying its language), reaches `toPartyIds` only after every
 * stage approved that exact text (its content hash). Rules add up: a text goes to a party only when
 * every rule that governs it there is satisfied, so writing another rule can never weaken one.
 * Changing or removing a rule needs the consent of every principal it names.
 */
export interface TransmissionRule {
  id: Id;
  negotiationId: Id;
  name: string;
  description: string;
  fromPartyIds: Id[];
  toPartyIds: Id[];
  stages: ApprovalStage[];
  /**
   * What a decision after a stage's deadline does: `allowed` (the default: a deadline is a target,
   * and the late decision is marked) or `refused`.
   */
  lateDecisions?: 'allowed' | 'refused';
  /** A change (or the removal) waiting for the consent of the principals the rule names. */
  pendingChange: RuleChange | null;
  /** Set when the rule was removed with the consent of its principals; it then governs nothing. */
  removedAt: IsoTime | null;
  createdAt: IsoTime;
  createdBy: Id | null;
  revision: number;
}

/** The parts of a rule that a change may set. */
export type RuleTerms = Pick<
  TransmissionRule,
  'name' | 'description' | 'fromPartyIds' | 'toPartyIds' | 'stages' | 'lateDecisions'
>;

export interface RuleChange {
  id: Id;
  /** The new terms, or null to remove the rule. */
  terms: RuleTerms | null;
  proposedBy: Id;
  proposedAt: IsoTime;
  /** The principals named by the rule who consented so far. */
  consentedBy: Id[];
}

/**
 * `approve` clears the text at this stage; `reject` refuses it, for good (only a new text, with
 * another content hash, can be approved); `send_back` asks for a revised text: it holds the text
 * back like a refusal, its comment says what to revise, and the principal may still approve this
 * text later (a change of mind). A countersignature takes `approve` or `reject` only.
 */
export const APPROVAL_DECISIONS = ['approve', 'reject', 'send_back'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/** A principal's decision on one stage of a rule, bound to one text by its content hash. */
export interface Approval {
  id: Id;
  ruleId: Id;
  stageId: Id;
  /** The version the decision was taken on; the decision holds for every version with the same content. */
  versionId: Id;
  contentHash: string;
  userId: Id;
  decision: ApprovalDecision;
  comment: string;
  at: IsoTime;
  /** True when taken after the stage's deadline (under a rule that allows late decisions). */
  late?: boolean;
}
