/**
 * The words of a negotiation as types. Everything here is plain data: ids are strings chosen at the
 * edge (readable ones such as `pt-21` in the demo, UUIDs for things made through the API), times are
 * ISO-8601 strings handed in by the caller.
 *
 * Each entity's shape is written once, as a zod schema in `core/schemas.ts`; the types here are what
 * those schemas give (`z.output`), so the store, the rules and the HTTP API cannot disagree on a
 * field. This file imports the schemas for their types only: loading it loads no zod.
 */
import type { z } from 'zod';
import type * as schemas from './schemas.ts';

export type Id = string;
/** An ISO-8601 timestamp or date, e.g. `2025-11-23` or `2025-11-23T18:00:00Z`. */
export type IsoTime = string;

export const DELEGATION_ROLES = ['principal', 'lead', 'negotiator', 'adviser', 'observer'] as const;
/** A member's role inside a party's delegation. */
export type DelegationRole = (typeof DELEGATION_ROLES)[number];
/** Every role a person can hold in a negotiation; a mediator belongs to no party. */
export const ROLES = [...DELEGATION_ROLES, 'mediator'] as const;
export type Role = (typeof ROLES)[number];

export type Negotiation = z.output<typeof schemas.negotiationSchema>;

export const PARTY_KINDS = ['party', 'coalition'] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];

/** A side at the table. A coalition lists the parties that propose together through it. */
export type Party = z.output<typeof schemas.partySchema>;

export type User = z.output<typeof schemas.userSchema>;

/** A person's place in one negotiation: a role in a party's delegation, or mediator (partyId null). */
export type Membership = z.output<typeof schemas.membershipSchema>;

/** One alternative wording inside a bracket, with the parties that put it forward. */
export type BracketAlternative = z.output<typeof schemas.bracketAlternativeSchema>;

/**
 * Contested language inside a point. The point's text holds the placeholder `[[<bracket id>]]` where
 * the bracket stands; rendered UN-style as `[alternative A] / [alternative B]`.
 */
export type Bracket = z.output<typeof schemas.bracketSchema>;

/** A numbered article of the agreement. `id` survives renumbering, merging and dropping of others. */
export type Point = z.output<typeof schemas.pointSchema>;
export type PointTranslation = z.output<typeof schemas.pointTranslationSchema>;

export const VERSION_KINDS = ['draft', 'proposal'] as const;
/** `draft`: a text of the main line; `proposal`: a counter-proposal branched from a base version. */
export type VersionKind = (typeof VERSION_KINDS)[number];

/** An immutable snapshot of the document. Versions form a tree through `parentId`. */
export type Version = z.output<typeof schemas.versionSchema>;

/** A version as one person sees it: the points they may see, and who has received it. */
export type VersionView = z.output<typeof schemas.versionViewSchema>;

/** A text being drafted in place, saved at a revision, issued as a version when ready. */
export type Draft = z.output<typeof schemas.draftSchema>;

export const STANCES = ['support', 'amend', 'oppose', 'red_line'] as const;
export type Stance = (typeof STANCES)[number];

export const VISIBILITIES = ['party', 'mediator', 'public'] as const;
/**
 * Who sees a party's material: `party` only its own members; `mediator` its members and the mediators;
 * `public` everyone at the table who can see the thing it is about.
 */
export type Visibility = (typeof VISIBILITIES)[number];

/** A party's stance on a point of a version. */
export type Position = z.output<typeof schemas.positionSchema>;

export type IssueOption = z.output<typeof schemas.issueOptionSchema>;

/** A negotiable dimension behind one or more points, with its discrete options. */
export type Issue = z.output<typeof schemas.issueSchema>;

/** A condition on one issue: the text settles it on one of `optionIds`. */
export type OptionCondition = z.output<typeof schemas.optionConditionSchema>;

/**
 * What a red line forbids, over issues' options:
 * - `forbid`: the text must not settle the issue on any of these options;
 * - `require`: the text must settle the issue on one of these options (leaving it open does not cross it);
 * - `forbid_combination`: the text must not meet all these conditions at once.
 */
export type RedLineConstraint = z.output<typeof schemas.redLineConstraintSchema>;

/** A party's non-negotiable principle, checked against every draft. */
export type RedLine = z.output<typeof schemas.redLineSchema>;

/**
 * A party's private utility over the issues' options, GENIUS style: issue weights × option scores
 * (scores in [0, 1]), and the reservation value (the utility of no deal).
 */
export type Preference = z.output<typeof schemas.preferenceSchema>;

/** A statement issued at a round (a joint statement), with the parties that signed it. */
export type RoundStatement = z.output<typeof schemas.roundStatementSchema>;

export type RoundParticipant = z.output<typeof schemas.roundParticipantSchema>;

/** A meeting of the talks. */
export type Round = z.output<typeof schemas.roundSchema>;

export const STATEMENT_STANCES = ['supports', 'opposes', 'mixed', 'neutral'] as const;
export type StatementStance = (typeof STATEMENT_STANCES)[number];

/** What someone said in public about the plan; the speaker need not be at the table. */
export type PublicStatement = z.output<typeof schemas.publicStatementSchema>;

/** A separate format: some points negotiated among some parties. */
export type Track = z.output<typeof schemas.trackSchema>;

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
export type ApprovalStage = z.output<typeof schemas.approvalStageSchema>;

/**
 * The negotiation's rule for what may go to whom: a text written by one of `fromPartyIds`, or
 * derived from one (by lineage, or by carrying its language), reaches `toPartyIds` only after every
 * stage approved that exact text (its content hash). Rules add up: a text goes to a party only when
 * every rule that governs it there is satisfied, so writing another rule can never weaken one.
 * Changing or removing a rule needs the consent of every principal it names.
 */
export type TransmissionRule = z.output<typeof schemas.transmissionRuleSchema>;

/** The parts of a rule that a change may set. */
export type RuleTerms = z.output<typeof schemas.ruleTermsSchema>;

export type RuleChange = z.output<typeof schemas.ruleChangeSchema>;

/**
 * `approve` clears the text at this stage; `reject` refuses it, for good (only a new text, with
 * another content hash, can be approved); `send_back` asks for a revised text: it holds the text
 * back like a refusal, its comment says what to revise, and the principal may still approve this
 * text later (a change of mind). A countersignature takes `approve` or `reject` only.
 */
export const APPROVAL_DECISIONS = ['approve', 'reject', 'send_back'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/** A principal's decision on one stage of a rule, bound to one text by its content hash. */
export type Approval = z.output<typeof schemas.approvalSchema>;

/** A party's provisional agreement (ad referendum) to a point's wording, bound to its content hash. */
export type AgreementMark = z.output<typeof schemas.agreementMarkSchema>;

/** A mark whose content hash is no longer the point's: void, and shown as such. */
export type VoidMark = z.output<typeof schemas.voidMarkSchema>;

/** Where one point stands: agreed by every party at the table on it, with no bracket left, or not. */
export type PointAgreement = z.output<typeof schemas.pointAgreementSchema>;

/** Nothing is agreed until everything is agreed: each point, and what stands in the way of the whole. */
export type AgreementStatus = z.output<typeof schemas.agreementStatusSchema>;

/** Where a run of characters `[start, end)` of a point's title or text came from. */
export type ProvenanceSpan = z.output<typeof schemas.provenanceSpanSchema>;

/** A point's provenance: spans over its title and over its text. */
export type PointProvenance = z.output<typeof schemas.pointProvenanceSchema>;

/** A version's provenance, by point id. */
export type VersionProvenance = z.output<typeof schemas.versionProvenanceSchema>;

/** How a bracket closed: one alternative chosen, its language dropped, or other wording put in its place. */
export type BracketClosure = z.output<typeof schemas.bracketClosureSchema>;

/** A bracket's life: where it opened, how its alternatives changed, where and how it closed. */
export type BracketLife = z.output<typeof schemas.bracketLifeSchema>;
