import { z } from 'zod';
import { COUNT_LIMITS, TEXT_LIMITS } from './limits.ts';
import {
  APPROVAL_DECISIONS,
  APPROVAL_MODES,
  PARTY_KINDS,
  ROLES,
  STAGE_KINDS,
  STANCES,
  STATEMENT_STANCES,
  VERSION_KINDS,
  VISIBILITIES,
} from './model.ts';

/**
 * The shape of each thing a negotiation holds, written once. `core/model.ts` names their types
 * (`Negotiation` is `z.output<typeof negotiationSchema>`), the store reads and writes them, and the
 * HTTP API answers with them: `server/schemas.ts` builds its request bodies and the OpenAPI document
 * on these, and the component names and descriptions given here are the document's.
 *
 * Only zod, a pure library, is imported; `core/model.ts` imports this file for its types alone, so
 * what loads `model.ts` at run time (the command line's start-up) does not load zod.
 */

const text = (max: number = TEXT_LIMITS.pointText) => z.string().max(max);

export const idSchema = z
  .string()
  .min(1)
  .max(TEXT_LIMITS.idLength)
  .regex(/^[A-Za-z0-9._:-]+$/, 'an id uses only A–Z, a–z, 0–9 and . _ : -')
  // Ids key records (option choices, scores): a name every object inherits would find what it has not.
  .refine((id) => !(id in Object.prototype) && id !== 'prototype', 'this id is a reserved word; choose another')
  .describe('An id, e.g. "pt-21" or a UUID: 1–100 characters from A–Z, a–z, 0–9 and . _ : -')
  .meta({ example: 'pt-21' });
export const idsSchema = z.array(idSchema).max(1000);
const ids = idsSchema;

/** A language as a BCP 47 tag, lower-case primary subtag: `en`, `uk`, `ru`, `pt-BR`. */
export const languageSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/, 'a BCP 47 language tag such as en, uk, ru or pt-BR')
  .meta({ example: 'uk' });

/**
 * The languages a negotiation's text is written in. `drafting` is the language of each point's own
 * `title` and `text`; the others are in the points' `translations`. `authentic` lists the languages
 * that are equally authentic, as a treaty's final clauses say; `prevailing`, when set, is the one
 * that prevails in case of divergence.
 */
export const languagesSchema = z
  .object({
    drafting: languageSchema,
    others: z.array(languageSchema).max(COUNT_LIMITS.languages).default([]),
    authentic: z
      .array(languageSchema)
      .max(COUNT_LIMITS.languages + 1)
      .default([]),
    prevailing: languageSchema.nullable().default(null),
  })
  .meta({
    id: 'Languages',
    example: { drafting: 'en', others: ['uk', 'ru'], authentic: ['en', 'uk', 'ru'], prevailing: null },
  });

export const negotiationSchema = z
  .object({
    id: idSchema,
    title: z.string(),
    summary: z.string(),
    /** The version everyone works from now (the head of the main line). */
    currentVersionId: idSchema.nullable(),
    createdAt: z.string(),
    /** Set when the agreement became complete: the text is locked until a mediator reopens a point. */
    lockedAt: z
      .string()
      .nullable()
      .optional()
      .describe(
        'Set when the agreement is complete: no new text, amendment or closed bracket until a mediator reopens a point',
      ),
    /** The text that was complete when the negotiation locked. */
    lockedVersionId: idSchema.nullable().optional(),
    languages: languagesSchema
      .optional()
      .describe('The languages of the text; absent for a text in one language, its drafting language English'),
    revision: z.number().int(),
  })
  .meta({ id: 'Negotiation' });

export const partySchema = z
  .object({
    id: idSchema,
    negotiationId: idSchema,
    name: z.string(),
    shortName: z.string(),
    kind: z.enum(PARTY_KINDS),
    memberPartyIds: ids,
    pointIds: ids.describe("A coalition's scope: the points it negotiates as one; empty for all"),
    revision: z.number().int(),
  })
  .meta({ id: 'Party' });

export const userSchema = z
  .object({
    id: idSchema,
    email: z.string(),
    name: z.string(),
    /** Administrators run the installation (accounts, the audit log); they read a negotiation only as a member of it. */
    isAdmin: z.boolean(),
  })
  .meta({ id: 'User' });

export const membershipSchema = z
  .object({
    id: idSchema,
    negotiationId: idSchema,
    userId: idSchema,
    partyId: idSchema.nullable(),
    role: z.enum(ROLES),
    /** What the person is called in that delegation, e.g. "Secretary of State". */
    title: z.string(),
  })
  .meta({ id: 'Membership' });

export const bracketAlternativeSchema = z.object({
  text: text(),
  proposedBy: ids,
  choices: z
    .record(idSchema, idSchema)
    .optional()
    .describe('The options this wording stands for: {issueId: optionId}; the red-line report checks them'),
});

export const bracketSchema = z.object({
  id: idSchema,
  alternatives: z.array(bracketAlternativeSchema).min(2).max(TEXT_LIMITS.alternativesPerBracket),
});

/**
 * A point in another language: its title, its text (with the same bracket placeholders) and, by
 * bracket id, its alternatives' wording in the order of the point's own.
 */
export const pointTranslationSchema = z.object({
  title: text(500),
  text: text(),
  alternatives: z
    .record(idSchema, z.array(text()).max(TEXT_LIMITS.alternativesPerBracket))
    .default({})
    .describe("By bracket id, the alternatives' wording in this language, in the bracket's order"),
});

export const pointSchema = z
  .object({
    id: idSchema,
    number: z.number().int().min(1),
    title: text(500),
    text: text()
      .describe('The wording; each bracket stands in it as the placeholder [[bracket-id]], once')
      .meta({ example: 'Territory: [[br-donetsk]] Kherson and Zaporizhzhia are frozen along the line of contact.' }),
    brackets: z.array(bracketSchema).max(TEXT_LIMITS.bracketsPerPoint).default([]),
    /** The issues this point decides (for red-line checks and analysis). */
    issueIds: ids.default([]),
    /** When set, the point is negotiated in a separate track and seen only by that track's parties. */
    trackId: idSchema.nullable().default(null),
    derivedFrom: ids
      .max(TEXT_LIMITS.derivedFromPerPoint)
      .optional()
      .describe(
        'The points of the parent version this point was made from, when it merges them or was split from one; not part of the content hash',
      )
      .meta({ example: ['p-4', 'p-5'] }),
    translations: z
      .record(languageSchema, pointTranslationSchema)
      .optional()
      .describe("The point in the negotiation's other languages, by language tag"),
    languagesBehind: z
      .record(languageSchema, z.array(languageSchema).max(COUNT_LIMITS.languages + 1))
      .optional()
      .describe(
        'By language, the languages its wording of this point is behind: changed in those since, not in this one. Computed by the server when a version is made (anything sent is ignored); not part of the content hash',
      )
      .meta({ example: { uk: ['en'], ru: ['en'] } }),
  })
  .meta({ id: 'Point' });

export const versionSchema = z.object({
  id: idSchema,
  negotiationId: idSchema,
  parentId: idSchema.nullable(),
  kind: z.enum(VERSION_KINDS),
  label: z.string(),
  summary: z.string(),
  /** The party or coalition that wrote it; null for a text of the mediator or of the table as a whole. */
  authorPartyId: idSchema.nullable(),
  /** An internal draft stays inside its author party: mediators do not see it either. */
  internal: z.boolean(),
  points: z.array(pointSchema),
  /** What this text settles on each issue: issue id → option id. Issues the text leaves open are absent. */
  optionChoices: z.record(z.string(), z.string()),
  source: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  withdrawnAt: z
    .string()
    .nullable()
    .optional()
    .describe('Set when its author withdrew it: kept in the history, counted no more'),
});

/**
 * A text being drafted in place: the points as they stand, saved at a revision as they are typed, and
 * issued as a version (a child of `baseVersionId`) when ready. A party's draft stays inside the party;
 * a draft of the table's text stays with the mediators.
 */
export const draftSchema = z
  .object({
    id: idSchema,
    negotiationId: idSchema,
    baseVersionId: idSchema.nullable().describe('The version it was opened from; null for a text begun empty'),
    partyId: idSchema.nullable().describe('The party whose draft it is; null for a text of the table (the mediators)'),
    label: z.string(),
    summary: z.string(),
    points: z.array(pointSchema),
    /** Carried from the base version to the issued one: what the text settles on each issue. */
    optionChoices: z.record(z.string(), z.string()),
    revision: z.number().int(),
    createdBy: idSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
    issuedVersionId: idSchema.nullable().describe('The version it was issued as; an issued draft is kept, read-only'),
  })
  .meta({ id: 'Draft' });

export const versionViewSchema = versionSchema
  .extend({
    recipientPartyIds: ids,
    /** The canonical content's hash is `core/transmission.ts`'s: what an approval is bound to. */
    contentHash: z
      .string()
      .nullable()
      .describe('SHA-256 of the canonical text: what approvals are bound to; null where points are withheld from you'),
    separateFormat: z
      .object({ pointNumbers: z.array(z.number().int()), note: z.string() })
      .nullable()
      .describe('Points negotiated in a separate format you are not part of: only their numbers are shown'),
    /** When each of `recipientPartyIds` received the text (the author party: when it was written). */
    transmissions: z
      .array(z.object({ partyId: idSchema, at: z.string() }))
      .optional()
      .describe('When each of the recipients you may know of received the text, oldest first'),
  })
  .meta({ id: 'Version', description: 'An immutable snapshot of the document, with the points the reader may see' });

export const supportsOptionSchema = z
  .object({ issueId: idSchema, optionId: idSchema })
  .describe('The option of one of the issues the point decides that the party supports')
  .meta({ example: { issueId: 'issue-donetsk', optionId: 'opt-donetsk-contact-line' } });
export const supportsAlternativeSchema = z
  .object({
    bracketId: idSchema,
    alternative: z.number().int().min(0).max(99).describe('The place of the alternative in its bracket: 0 is A'),
  })
  .describe("The alternative of one of the point's brackets that the party supports")
  .meta({ example: { bracketId: 'br-donetsk', alternative: 1 } });

export const positionSchema = z
  .object({
    id: idSchema,
    negotiationId: idSchema,
    versionId: idSchema,
    pointId: idSchema,
    partyId: idSchema,
    stance: z.enum(STANCES),
    /** The wording the party proposes instead (for `amend`). */
    proposedText: z.string().nullable(),
    rationale: z.string(),
    visibility: z.enum(VISIBILITIES),
    source: z.string().nullable(),
    supportsOption: supportsOptionSchema.nullable(),
    supportsAlternative: supportsAlternativeSchema.nullable(),
    carriedFromVersionId: idSchema
      .nullable()
      .describe('Set when a new version carried the position forward: the version the party took it on'),
    stale: z
      .boolean()
      .describe(
        'True when the point changed since the party took the position: shown, not counted in progress, until restated (any PATCH restates it)',
      ),
    revision: z.number().int(),
    updatedAt: z.string(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: 'Position' });

export const issueOptionSchema = z.object({
  id: idSchema,
  label: z.string().trim().min(1).max(TEXT_LIMITS.labelLength),
  description: text().default(''),
  retiredAt: z.string().nullable().optional().describe('Set when retired: no new draft may choose it'),
});

export const issueSchema = z
  .object({
    id: idSchema,
    negotiationId: idSchema,
    name: z.string(),
    description: z.string(),
    pointIds: ids,
    options: z.array(issueOptionSchema),
    revision: z.number().int(),
  })
  .meta({ id: 'Issue' });

const optionIds = z.array(idSchema).min(1).max(COUNT_LIMITS.optionsPerIssue);
export const optionConditionSchema = z.object({ issueId: idSchema, optionIds });
export const redLineConstraintSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('forbid'), issueId: idSchema, optionIds }),
    z.object({ kind: z.literal('require'), issueId: idSchema, optionIds }),
    z.object({ kind: z.literal('forbid_combination'), conditions: z.array(optionConditionSchema).min(2).max(20) }),
  ])
  .meta({ id: 'RedLineConstraint' });

export const redLineSchema = z
  .object({
    id: idSchema,
    negotiationId: idSchema,
    partyId: idSchema,
    title: z.string(),
    description: z.string(),
    constraint: redLineConstraintSchema,
    visibility: z.enum(VISIBILITIES),
    source: z.string().nullable(),
    revision: z.number().int(),
  })
  .meta({ id: 'RedLine' });

export const preferenceSchema = z
  .object({
    id: idSchema,
    negotiationId: idSchema,
    partyId: idSchema,
    weights: z.record(z.string(), z.number()),
    scores: z.record(z.string(), z.record(z.string(), z.number())),
    reservation: z.number(),
    /** Only `party` or `mediator`: preferences are never public. */
    visibility: z.enum(['party', 'mediator']),
    /** True where the numbers are modelled for illustration rather than reported. */
    illustrative: z.boolean(),
    note: z.string(),
    revision: z.number().int(),
  })
  .meta({ id: 'Preference' });

export const roundStatementSchema = z.object({
  id: idSchema,
  title: z.string(),
  date: z.string(),
  text: z.string(),
  signatoryPartyIds: ids,
  source: z.string().nullable(),
});
export const roundParticipantSchema = z.object({ partyId: idSchema, people: z.array(z.string()) });

export const roundSchema = z
  .object({
    id: idSchema,
    negotiationId: idSchema,
    title: z.string(),
    startsOn: z.string(),
    endsOn: z.string().nullable(),
    place: z.string(),
    participants: z.array(roundParticipantSchema),
    agendaPointIds: ids,
    /** The version on the table when the round opened. */
    versionId: idSchema.nullable(),
    /** The version the round produced, if any. */
    outcomeVersionId: idSchema.nullable(),
    outcome: z.string(),
    statements: z.array(roundStatementSchema),
    source: z.string().nullable(),
    cancelledAt: z.string().nullable().optional().describe('Set when the round was cancelled'),
    revision: z.number().int(),
  })
  .meta({ id: 'Round' });

export const publicStatementSchema = z
  .object({
    id: idSchema,
    negotiationId: idSchema,
    speaker: z.string(),
    affiliation: z.string(),
    /** The party the speaker speaks for, when they speak for one at the table. */
    partyId: idSchema.nullable(),
    date: z.string(),
    quote: z.string(),
    stance: z.enum(STATEMENT_STANCES),
    pointIds: ids,
    source: z.string(),
    /** Recorded in error, or withdrawn by its speaker. */
    retractedAt: z.string().nullable().optional().describe('Set when the statement was retracted'),
  })
  .meta({ id: 'PublicStatement' });

export const trackSchema = z
  .object({
    id: idSchema,
    negotiationId: idSchema,
    name: z.string(),
    description: z.string(),
    pointIds: ids,
    partyIds: ids,
    closedAt: z
      .string()
      .nullable()
      .optional()
      .describe("Set when the track's work is done; until then the agreement is not complete"),
    revision: z.number().int(),
  })
  .meta({ id: 'Track' });

export const stageKindSchema = z
  .enum(STAGE_KINDS)
  .describe(
    "approval (the default): the author side's principals approve before the text goes out; countersignature: the last stage, by principals of a receiving party once the text reached them, after which the text is signed",
  );
export const lateDecisionsSchema = z.enum(['allowed', 'refused']);

export const approvalStageSchema = z.object({
  id: idSchema,
  name: z.string(),
  /** Absent on stages stored before countersignatures existed: an approval. */
  kind: stageKindSchema.optional(),
  mode: z.enum(APPROVAL_MODES),
  approverUserIds: ids,
  deadline: z.string().nullable(),
});

/** The parts of a rule that a change may set. */
export const ruleTermsSchema = z.object({
  name: z.string(),
  description: z.string(),
  fromPartyIds: ids,
  toPartyIds: ids,
  stages: z.array(approvalStageSchema),
  /**
   * What a decision after a stage's deadline does: `allowed` (the default, when absent: a deadline is
   * a target, and the late decision is marked) or `refused`. Consenting principals read every term
   * they consent to, the late decisions included.
   */
  lateDecisions: lateDecisionsSchema.optional(),
});

export const ruleChangeSchema = z.object({
  id: idSchema,
  /** The new terms, or null to remove the rule. */
  terms: ruleTermsSchema.nullable(),
  proposedBy: idSchema,
  proposedAt: z.string(),
  /** The principals named by the rule who consented so far. */
  consentedBy: ids,
});

export const transmissionRuleSchema = z
  .object({
    id: idSchema,
    negotiationId: idSchema,
    ...ruleTermsSchema.shape,
    /** A change (or the removal) waiting for the consent of the principals the rule names. */
    pendingChange: ruleChangeSchema.nullable(),
    /** Set when the rule was removed with the consent of its principals; it then governs nothing. */
    removedAt: z.string().nullable(),
    createdAt: z.string(),
    createdBy: z.string().nullable(),
    revision: z.number().int(),
  })
  .meta({
    id: 'TransmissionRule',
    description:
      "What may go to whom: governed texts reach the rule's recipients only after its stages approve the exact text",
  });

export const approvalSchema = z.object({
  id: idSchema,
  ruleId: idSchema,
  stageId: idSchema,
  /** The version the decision was taken on; the decision holds for every version with the same content. */
  versionId: idSchema,
  contentHash: z.string(),
  userId: idSchema,
  decision: z.enum(APPROVAL_DECISIONS),
  comment: z.string(),
  at: z.string(),
  late: z.boolean().optional().describe("Taken after the stage's deadline"),
});

/*
 * The single negotiating text: provisional agreement on points, where each character came from, and
 * the life of each bracket. `core/agreement.ts`, `core/provenance.ts` and `core/brackets.ts` compute them.
 */

export const agreementMarkSchema = z
  .object({
    pointId: idSchema,
    /** The party (never a coalition) that agrees the point's wording ad referendum. */
    partyId: idSchema,
    contentHash: z
      .string()
      .describe("The point's content hash when it was marked: the mark holds for that wording only"),
    at: z.string(),
    /** The person who marked it for the party. */
    by: idSchema,
  })
  .meta({ id: 'AgreementMark', description: "A party's provisional agreement (ad referendum) to one point's wording" });

export const voidMarkSchema = agreementMarkSchema
  .pick({ partyId: true, contentHash: true, at: true, by: true })
  .describe('A mark bound to an earlier wording of the point: it no longer counts, and is shown so');

export const pointAgreementSchema = z.object({
  /** Null where the reader may not know the point (a track they are outside of): only its number is shown. */
  pointId: idSchema.nullable(),
  number: z.number().int(),
  agreed: z.boolean(),
  /** The parties whose mark holds for the current wording. */
  agreedBy: ids,
  /** The parties at the table on this point without a valid mark. */
  awaiting: ids,
  voidMarks: z.array(voidMarkSchema),
  /** Null where withheld from the reader. */
  openBrackets: z.number().int().nullable(),
  /** True where the point is negotiated in a track the reader is outside of: who marked it is withheld. */
  withheld: z.boolean(),
  languagesBehind: z
    .array(z.object({ language: languageSchema, behind: z.array(languageSchema) }))
    .optional()
    .describe(
      'The authentic languages whose text of this point is out of date (behind `behind`) or missing (`behind` empty): the point is not agreed until they are brought up to date',
    ),
});

export const agreementStatusSchema = z
  .object({
    points: z.array(pointAgreementSchema),
    overall: z.object({
      complete: z.boolean(),
      pointsNotAgreed: z.array(z.number().int()),
      openBrackets: z.number().int(),
      openTracks: ids,
      /** Open tracks the reader is outside of, counted but not named. */
      otherOpenTracks: z.number().int(),
    }),
  })
  .meta({
    id: 'AgreementStatus',
    description:
      'Nothing is agreed until everything is agreed: where each point stands, and what still stands in the way',
  });

export const provenanceSpanSchema = z
  .object({
    start: z.number().int().min(0),
    /** Exclusive. */
    end: z.number().int().min(1),
    versionId: idSchema,
    amendmentId: idSchema.nullable(),
    partyId: idSchema.nullable(),
    roundId: idSchema.nullable(),
  })
  .meta({ id: 'ProvenanceSpan', description: 'Where a run of characters of a field came from' });

export const pointProvenanceSchema = z.object({
  title: z.array(provenanceSpanSchema),
  text: z.array(provenanceSpanSchema),
});

export const versionProvenanceSchema = z
  .record(idSchema, pointProvenanceSchema)
  .describe("Each point's provenance, by point id: spans cover every character of its title and text once, in order")
  .meta({ id: 'VersionProvenance' });

export const bracketClosureSchema = z.union([
  z.object({ chosen: z.number().int().min(0) }).describe('The placeholder was replaced by this alternative (0 is A)'),
  z.object({ dropped: z.literal(true) }).describe('The language went: nothing stands at its place'),
  z.object({ unknown: z.literal(true) }).describe('Other wording stands at its place'),
]);

export const bracketLifeSchema = z
  .object({
    bracketId: idSchema,
    opened: z.object({ versionId: idSchema, roundId: idSchema.nullable(), pointId: idSchema }),
    /** The alternatives when the bracket opened, then each time they changed. */
    alternatives: z.array(
      z.object({ versionId: idSchema, roundId: idSchema.nullable(), alternatives: z.array(bracketAlternativeSchema) }),
    ),
    closed: z
      .object({ versionId: idSchema, roundId: idSchema.nullable(), pointId: idSchema, how: bracketClosureSchema })
      .nullable(),
  })
  .meta({ id: 'BracketLife', description: 'A bracket from the version that opened it to the one that closed it' });
