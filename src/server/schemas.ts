import { z } from 'zod';
import {
  APPROVAL_DECISIONS,
  APPROVAL_MODES,
  PARTY_KINDS,
  ROLES,
  STANCES,
  STATEMENT_STANCES,
  VERSION_KINDS,
  VISIBILITIES,
} from '../core/model.ts';
import * as entity from '../core/schemas.ts';
import { DIFF_GRANULARITIES, POINT_CHANGE_KINDS } from '../core/compare.ts';
import { pointsTextLength, renumber } from '../core/document.ts';
import { STAGE_STATES } from '../core/approval.ts';
import { COUNT_LIMITS, TEXT_LIMITS } from '../core/limits.ts';
import { JSON_LIMITS } from './json-limits.ts';
import * as amendmentChanges from '../core/amendments.ts';
import { AMENDMENT_STATES, JUSTIFICATION_LENGTH } from '../core/amendment-states.ts';

/**
 * The request and response shapes of the HTTP API. The same schemas validate requests at the
 * boundary and generate the OpenAPI document. The entities themselves (a negotiation, a party, a
 * version...) are written once in `core/schemas.ts`, where `core/model.ts` takes their types from:
 * a response is an entity, or an entity as one reader sees it (`approvalSchema`, `memberSchema`);
 * what is written here is HTTP's own: request bodies, parameters, problems and the answers made for
 * one route.
 */
/** The limits every request keeps, stated in the OpenAPI document and enforced with 400 or 413. */
export const LIMITS = { ...TEXT_LIMITS, ...COUNT_LIMITS } as const;

export const API_DESCRIPTION = (bodyLimit: number) =>
  [
    'Negotiate one structured agreement among several parties, with a mediator. Sign in with POST /api/auth/login and send the token as `Authorization: Bearer <token>`; every route needs it unless it says `security: []`.',
    '',
    `Limits: a request body of at most ${bodyLimit.toLocaleString('en')} bytes (413 above), nesting objects and arrays at most ${JSON_LIMITS.depth} deep (400 deeper) and holding at most ${JSON_LIMITS.itemsPerContainer.toLocaleString('en')} items in one object or array (413 above); ids of 1–${LIMITS.idLength} characters from A–Z, a–z, 0–9 and \`. _ : -\` (400 otherwise); a point's text of at most ${LIMITS.pointText.toLocaleString('en')} characters, ${LIMITS.bracketsPerPoint} brackets of ${LIMITS.alternativesPerBracket} alternatives; a version of at most ${LIMITS.pointsPerVersion} points and ${LIMITS.versionText.toLocaleString('en')} characters of text in all (every language counted; each translation of a point's text at most ${LIMITS.pointText.toLocaleString('en')} characters, as the text itself); a negotiation of at most ${LIMITS.issuesPerNegotiation} issues of ${LIMITS.optionsPerIssue} options (labels of ${LIMITS.labelLength} characters), ${LIMITS.redLinesPerParty} red lines per party and ${LIMITS.openDraftsPerOwner} drafts not yet issued per party (and for the mediators); a point merged from at most ${LIMITS.derivedFromPerPoint} points. Text must be valid Unicode (no lone surrogates).`,
    '',
    'Errors are application/problem+json with a `detail` that says what to change. Comparisons mark changes word by word within a fixed budget per comparison; beyond it, changes are marked by sentence or as whole texts, and `comparison.coarse` says so.',
  ].join('\n');

const text = (max: number = LIMITS.pointText) => z.string().max(max);
const name = z.string().trim().min(1).max(300);
export const idSchema = entity.idSchema;
const isoTime = z
  .string()
  .max(40)
  .refine(
    (v) => !Number.isNaN(Date.parse(v)),
    'must be an ISO-8601 date or time, e.g. 2025-11-27 or 2025-11-27T23:59:00-05:00',
  )
  .describe(
    'An ISO-8601 date or time with its offset, e.g. "2025-11-27" or "2025-11-27T23:59:00-05:00"; a date alone lasts to the end of that day everywhere on earth',
  )
  .meta({ example: '2025-11-27T23:59:00-05:00' });
const ids = entity.idsSchema;
const revision = z
  .number()
  .int()
  .min(0)
  .describe('The revision your change is based on; a stale one gets 409 and the current state');
const source = text(4000).nullable();

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    field: z.string().optional(),
    current: z.unknown().optional(),
    retryAfter: z.number().int().optional().describe('For 429: seconds to wait, as the Retry-After header says'),
    retryAt: z.string().optional().describe('For 429: when to try again').meta({ example: '2025-11-27T10:00:32.000Z' }),
  })
  .meta({ id: 'Problem', description: 'An error, as application/problem+json (RFC 9457)' });

export const negotiationSchema = entity.negotiationSchema;
export const negotiationCreateSchema = z.object({
  title: name,
  summary: text(),
  id: idSchema
    .optional()
    .describe('Unique across the installation, so only an administrator chooses it; leave it out and Parley gives one'),
});
export const negotiationPatchSchema = z.object({
  revision,
  title: name.optional(),
  summary: text().optional(),
  currentVersionId: idSchema.nullable().optional(),
});

/** `?lang=uk`: a reading in one of the negotiation's languages. */
export const langQuery = entity.languageSchema
  .optional()
  .describe(
    "Read the points' wording in this language (one of the negotiation's: 400 otherwise, naming them); a point not translated into it keeps its drafting-language wording",
  );

export const languagesPutSchema = entity.languagesSchema.extend({ revision }).meta({
  id: 'LanguagesPut',
  description:
    "The negotiation's languages: drafting (the points' own text), others (their translations), which are equally authentic, and the one that prevails (null when none does)",
  example: { revision: 3, drafting: 'en', others: ['uk', 'ru'], authentic: ['en', 'uk', 'ru'], prevailing: null },
});

export const partySchema = entity.partySchema;
export const partyCreateSchema = z.object({
  id: idSchema.optional().describe('Unique within the negotiation; default: a new UUID'),
  name,
  shortName: z.string().trim().min(1).max(40),
  kind: z.enum(PARTY_KINDS).default('party'),
  memberPartyIds: ids.default([]),
  pointIds: ids.default([]).describe('For a coalition: the points it negotiates as one (empty: all)'),
});
export const partyPatchSchema = z.object({
  revision,
  name: name.optional(),
  shortName: z.string().trim().min(1).max(40).optional(),
  memberPartyIds: ids.optional(),
  pointIds: ids.optional(),
});

export const membershipSchema = entity.membershipSchema;
/** A membership with the name and e-mail of its person: a member as the negotiation's list shows it. */
export const memberSchema = membershipSchema.extend({ name: z.string(), email: z.string() }).meta({ id: 'Member' });
const emailSchema = z
  .string()
  .trim()
  .min(3)
  .max(320)
  .describe('An e-mail address, e.g. "yermak@example.org"')
  .meta({ example: 'yermak@example.org' });
export const seatSchema = z
  .object({
    membership: membershipSchema,
    party: partySchema.nullable(),
    isMediator: z.boolean(),
    partyIds: ids.describe('The parties whose internal material the reader sees: their own and its coalitions'),
    sendingPartyIds: ids.describe('The parties whose texts the reader sends (as principal or lead)'),
  })
  .meta({ id: 'Seat' });
export const memberCreateSchema = z.object({
  email: emailSchema.describe(
    'The person to invite. The answer is an invitation whether the e-mail has an account or not: the person accepts it',
  ),
  partyId: idSchema.nullable().describe('The party of the seat; null for a mediator'),
  role: z.enum(ROLES),
  title: text(300).default(''),
});
export const memberPatchSchema = z.object({
  partyId: idSchema
    .nullable()
    .optional()
    .describe('A seat stays in its party: to sit elsewhere, a person is removed and invited again'),
  role: z.enum(ROLES).optional(),
  title: text(300).optional(),
});
export const invitationSchema = z
  .object({
    id: idSchema,
    negotiationId: idSchema,
    email: z.string(),
    partyId: idSchema.nullable(),
    role: z.enum(ROLES),
    title: z.string(),
    createdBy: idSchema,
    createdAt: z.string(),
    expiresAt: z.string(),
    acceptedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    partyConsentBy: idSchema
      .nullable()
      .describe(
        'The principal or lead who consented to the seat for its party; null while none has (or none was needed)',
      ),
  })
  .meta({ id: 'Invitation' });
const proposalTermsSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('invitation'),
    invitationId: idSchema,
    email: z.string(),
    partyId: idSchema,
    role: z.enum(ROLES),
    title: z.string(),
  }),
  z.object({
    kind: z.literal('seat_change'),
    membershipId: idSchema,
    userId: idSchema,
    partyId: idSchema,
    role: z.enum(ROLES),
    title: z.string(),
  }),
  z.object({ kind: z.literal('seat_removal'), membershipId: idSchema, userId: idSchema, partyId: idSchema }),
  z.object({
    kind: z.literal('coalition'),
    coalitionId: idSchema,
    create: z
      .object({ name: z.string(), shortName: z.string(), pointIds: ids })
      .nullable()
      .describe('For a new coalition: made at the last consent'),
    previousMemberPartyIds: ids,
    memberPartyIds: ids,
  }),
]);
export const proposalSchema = z
  .object({
    id: idSchema,
    negotiationId: idSchema,
    terms: proposalTermsSchema,
    partyIds: ids.describe('The parties whose consent it needs, each given by its principal or lead'),
    consents: z.array(
      z.object({
        partyId: idSchema,
        userId: idSchema,
        at: z.string(),
        as: z.enum(['head', 'convenor']).describe("convenor: a mediator's, while the party had no principal or lead"),
      }),
    ),
    awaitingPartyIds: ids.describe('The parties whose consent is still awaited'),
    proposedBy: idSchema,
    createdAt: z.string(),
    state: z.enum(['open', 'accepted', 'declined']),
    closedBy: idSchema.nullable(),
    closedAt: z.string().nullable(),
  })
  .meta({
    id: 'Proposal',
    description:
      "A change to a party's seats or a coalition's members, waiting for the consent of the parties it touches; it takes effect at the last one",
  });
export const proposalDecisionSchema = z.object({
  decision: z
    .enum(['accept', 'decline'])
    .describe('accept: consent for the parties you head; decline: refuse it (or withdraw your own proposal)'),
});
export const seatedSchema = z
  .object({
    kind: z.literal('invitation'),
    invitation: invitationSchema,
    token: z.string().describe('The one-time token; shown only now'),
    link: z.string().describe('The link to pass on: it opens a page where the person accepts the seat'),
    proposal: proposalSchema
      .nullable()
      .describe("When the party's principal or lead must first consent to the seat: the proposal awaiting them"),
  })
  .meta({
    id: 'Seated',
    description: 'The invitation made: the same whether the e-mail has an account or not',
  });
export const invitationPreviewSchema = z
  .object({
    id: idSchema,
    negotiationId: idSchema,
    negotiationTitle: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    title: z.string(),
    partyName: z.string().nullable(),
    expiresAt: z.string(),
    awaitingPartyConsent: z
      .boolean()
      .describe("True while the party's principal or lead has not consented: the seat cannot be taken yet"),
  })
  .meta({ id: 'InvitationOffer' });
export const acceptSchema = z.object({
  token: z.string().min(10).max(200),
  name: z.string().trim().max(300).default(''),
  password: z.string().min(1).max(1000),
});
export const passwordChangeSchema = z.object({
  currentPassword: z.string().min(1).max(1000),
  newPassword: z.string().min(8).max(1000),
});
export const sessionSchema = z
  .object({ id: z.string(), createdAt: z.string(), expiresAt: z.string(), current: z.boolean() })
  .meta({ id: 'Session' });

export const userSchema = entity.userSchema;
export const userCreateSchema = z.object({
  email: z.string().trim().max(320),
  name,
  isAdmin: z.boolean().default(false),
});
/** The account a route is about. */
export const userParams = z.object({ userId: idSchema });
export const passwordLinkSchema = z
  .object({
    token: z.string().describe('The one-time token; shown only now'),
    link: z.string().describe('The link to pass on to the person: it opens a page where they choose their password'),
    expiresAt: z.string(),
  })
  .meta({ id: 'PasswordLink' });
export const userCreatedSchema = userSchema
  .extend({ passwordLink: passwordLinkSchema })
  .meta({ id: 'UserCreated', description: 'The new account, without a password until its person chooses one' });
export const passwordLinkPreviewSchema = z.object({ email: z.string(), name: z.string(), expiresAt: z.string() });
export const choosePasswordSchema = z.object({
  token: z.string().min(10).max(200),
  password: z.string().min(8).max(1000),
});
export const loginSchema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1000),
});

export const pointSchema = entity.pointSchema;

/** A version as its reader sees it. */
export const versionSchema = entity.versionViewSchema;
/** Points of a new version: numbers may be left out, and the points are then numbered 1..n in order. */
const newPointsSchema = z
  .array(
    pointSchema.extend({
      number: z.number().int().min(1).optional().describe('Omit on every point to number them 1..n in order'),
    }),
  )
  .min(1)
  .max(LIMITS.pointsPerVersion)
  .refine((points) => pointsTextLength(points) <= LIMITS.versionText, {
    message: `the points hold more than ${LIMITS.versionText.toLocaleString('en')} characters of text in all, every language counted; split the text into several versions or shorten it`,
  })
  .transform((points) =>
    points.every((p) => p.number === undefined)
      ? renumber(points.map((p) => ({ ...p, number: 0 })))
      : points.map((p) => ({ ...p, number: p.number ?? 0 })),
  );

export const versionCreateSchema = z.object({
  parentId: idSchema.nullable(),
  kind: z.enum(VERSION_KINDS),
  label: name,
  summary: text().default(''),
  authorPartyId: idSchema.nullable(),
  internal: z
    .boolean()
    .optional()
    .describe(
      "A party's text stays internal to the party (true) until it sends it; a text of the table is never internal",
    ),
  points: newPointsSchema,
  optionChoices: z.record(idSchema, idSchema).default({}),
  source: source.default(null),
});
/** A draft, with every point as it stands. */
export const draftSchema = entity.draftSchema;
export const draftSummarySchema = entity.draftSchema
  .omit({ points: true, optionChoices: true })
  .extend({ pointCount: z.number().int() })
  .meta({ id: 'DraftSummary', description: 'A draft as listed: everything but its points' });
export const draftCreateSchema = z.object({
  baseVersionId: idSchema
    .nullable()
    .describe('The version to draft from (one you see); null to begin with no point')
    .meta({ example: 'v-geneva-19' }),
  partyId: idSchema
    .nullable()
    .describe("Your party (its delegates write the draft), or null for a text of the table (the mediators')"),
  label: name,
});
/** Points of a draft as they are saved: numbered 1..n in the order given, whatever numbers they carry. */
const draftPointsSchema = z
  .array(
    pointSchema.extend({
      number: z.number().int().min(1).optional().describe('Ignored: a draft numbers its points 1..n in order'),
    }),
  )
  .max(LIMITS.pointsPerVersion)
  .refine((points) => pointsTextLength(points) <= LIMITS.versionText, {
    message: `the points hold more than ${LIMITS.versionText.toLocaleString('en')} characters of text in all, every language counted; shorten the text`,
  })
  .transform((points) => renumber(points.map((p) => ({ ...p, number: 0 }))));
export const draftSaveSchema = z.object({
  revision,
  label: name,
  summary: text().default(''),
  points: draftPointsSchema,
  optionChoices: z
    .record(idSchema, idSchema)
    .optional()
    .describe('What the text settles on each issue it decides: issue id → option id (kept as it was when left out)')
    .meta({ example: { 'issue-army': 'opt-army-800k' } }),
});
export const transmitSchema = z.object({
  partyIds: ids.default([]).describe('The parties to send the text to'),
  toMediators: z
    .boolean()
    .default(false)
    .describe("Share the party's text with the mediators (sending it to any party shares it with them too)"),
});

export const deliverySchema = versionSchema
  .extend({
    sentTo: z
      .array(z.object({ partyId: idSchema, partyName: z.string() }))
      .describe('The parties this send reached (not those that had the text already)'),
    heldBack: z
      .array(z.object({ partyId: idSchema, partyName: z.string(), reason: z.string() }))
      .describe('The parties the rules still hold the text back from, each with the refusal: who must approve first'),
  })
  .meta({
    id: 'Delivery',
    description:
      'The version as it stands after the send, with the parties it reached and those the rules held it back from',
  });

const wordChangeSchema = z.object({ kind: z.enum(['same', 'added', 'removed']), text: z.string() });
export const comparisonSchema = z
  .object({
    base: versionSchema,
    proposal: versionSchema,
    comparison: z.object({
      points: z.array(
        z.object({
          pointId: idSchema,
          kinds: z.array(z.enum(POINT_CHANGE_KINDS)),
          baseNumber: z.number().nullable(),
          proposalNumber: z.number().nullable(),
          baseTitle: z.string().nullable(),
          proposalTitle: z.string().nullable(),
          from: ids.nullable().describe('For a merged point or a part of a split: the base points it was made from'),
          into: ids
            .nullable()
            .describe('For a base point merged or split into others: the points of the proposal it went into'),
          words: z.array(wordChangeSchema).nullable(),
          granularity: z.enum(DIFF_GRANULARITIES).nullable(),
        }),
      ),
      summary: z.record(z.string(), z.number()),
      coarse: z.object({ pointIds: ids, reason: z.string() }).nullable(),
    }),
  })
  .meta({
    id: 'Comparison',
    description: 'A version compared with its base point by point (stable ids) and word by word',
  });

const supportsOptionSchema = entity.supportsOptionSchema;
const supportsAlternativeSchema = entity.supportsAlternativeSchema;

export const positionSchema = entity.positionSchema;
export const positionCreateSchema = z.object({
  versionId: idSchema,
  pointId: idSchema,
  partyId: idSchema,
  stance: z.enum(STANCES),
  proposedText: text().nullable().default(null),
  rationale: text().default(''),
  visibility: z
    .enum(VISIBILITIES)
    .default('party')
    .describe('party: only your party; mediator: also the mediators; public: everyone who sees the version'),
  source: source.default(null),
  supportsOption: supportsOptionSchema.nullable().default(null),
  supportsAlternative: supportsAlternativeSchema.nullable().default(null),
});
export const positionPatchSchema = z.object({
  revision,
  stance: z.enum(STANCES).optional(),
  proposedText: text().nullable().optional(),
  rationale: text().optional(),
  visibility: z.enum(VISIBILITIES).optional(),
  source: source.optional(),
  supportsOption: supportsOptionSchema.nullable().optional(),
  supportsAlternative: supportsAlternativeSchema.nullable().optional(),
});

/** An option as a request writes it: retiring one is a route of its own. */
const optionSchema = entity.issueOptionSchema.omit({ retiredAt: true });
export const issueSchema = entity.issueSchema;
export const issueCreateSchema = z.object({
  id: idSchema.optional(),
  name,
  description: text().default(''),
  pointIds: ids.default([]),
  options: z.array(optionSchema).min(2).max(LIMITS.optionsPerIssue),
});
export const issuePatchSchema = z.object({
  revision,
  name: name.optional(),
  description: text().optional(),
  pointIds: ids.optional(),
  options: z.array(optionSchema).min(2).max(LIMITS.optionsPerIssue).optional(),
});

export const constraintSchema = entity.redLineConstraintSchema;
export const redLineSchema = entity.redLineSchema;
export const redLineCreateSchema = z.object({
  partyId: idSchema,
  title: name,
  description: text().default(''),
  constraint: constraintSchema,
  visibility: z.enum(VISIBILITIES).default('party'),
  source: source.default(null),
});
export const redLinePatchSchema = z.object({
  revision,
  title: name.optional(),
  description: text().optional(),
  constraint: constraintSchema.optional(),
  visibility: z.enum(VISIBILITIES).optional(),
  source: source.optional(),
});
export const redLineReportSchema = z
  .object({
    crossings: z.array(
      z.object({ redLineId: idSchema, partyId: idSchema, title: z.string(), reason: z.string(), pointIds: ids }),
    ),
    alternatives: z.array(
      z.object({
        pointId: idSchema,
        pointNumber: z.number().int(),
        bracketId: idSchema,
        alternative: z.string(),
        redLineId: idSchema,
        partyId: idSchema,
        title: z.string(),
        reason: z.string(),
        where: z.string(),
      }),
    ),
    warnings: z
      .array(
        z.object({
          pointId: idSchema,
          pointNumber: z.number().int(),
          issueId: idSchema,
          namedOptionId: idSchema,
          chosenOptionId: idSchema,
          bracketId: idSchema.nullable(),
          alternative: z.string().nullable(),
          message: z.string(),
        }),
      )
      .describe("Wording that names an option (by its label) while the text's choices settle the issue on another"),
    message: z.string(),
  })
  .meta({ id: 'RedLineReport' });

const scoreTable = z.record(idSchema, z.record(idSchema, z.number().min(0).max(1)));
export const preferenceSchema = entity.preferenceSchema;
export const preferencePutSchema = z.object({
  revision: revision.nullable().default(null).describe('null (or 0) to create; the current revision to replace'),
  weights: z.record(idSchema, z.number().min(0).max(1)),
  scores: scoreTable,
  reservation: z.number().min(0).max(1),
  visibility: z.enum(['party', 'mediator']).default('party'),
  illustrative: z.boolean().default(false),
  note: text().default(''),
});

/** A joint statement as a request writes it. */
const roundStatementInput = z.object({
  id: idSchema,
  title: name,
  date: isoTime,
  text: text(),
  signatoryPartyIds: ids,
  source: source.default(null),
});
const roundFields = {
  title: name,
  startsOn: isoTime,
  endsOn: isoTime.nullable().default(null),
  place: text(300).default(''),
  participants: z
    .array(z.object({ partyId: idSchema, people: z.array(text(300)).max(100) }))
    .max(100)
    .default([]),
  agendaPointIds: ids.default([]),
  versionId: idSchema.nullable().default(null),
  outcomeVersionId: idSchema.nullable().default(null),
  outcome: text().default(''),
  statements: z.array(roundStatementInput).max(50).default([]),
  source: source.default(null),
};
export const roundSchema = entity.roundSchema;
export const roundCreateSchema = z.object(roundFields);
export const roundPatchSchema = z.object({
  revision,
  title: roundFields.title.optional(),
  startsOn: isoTime.optional(),
  endsOn: isoTime.nullable().optional(),
  place: text(300).optional(),
  outcome: text().optional(),
  outcomeVersionId: idSchema.nullable().optional(),
  statements: z.array(roundStatementInput).max(50).optional(),
});

export const statementSchema = entity.publicStatementSchema;
export const statementCreateSchema = z.object({
  speaker: name,
  affiliation: text(300).default(''),
  partyId: idSchema.nullable().default(null),
  date: isoTime,
  quote: text(),
  stance: z.enum(STATEMENT_STANCES),
  pointIds: ids.default([]),
  source: z.string().trim().min(1, 'say where it was said or reported').max(4000),
});

export const trackSchema = entity.trackSchema;
export const trackCreateSchema = z.object({
  name,
  description: text().default(''),
  pointIds: ids.default([]),
  partyIds: ids.min(2),
});
export const trackPatchSchema = z.object({
  revision,
  name: name.optional(),
  description: text().optional(),
  pointIds: ids.optional(),
  partyIds: ids.min(2).optional(),
});

const stageKind = entity.stageKindSchema;
const stageSchema = z.object({
  id: idSchema,
  name,
  kind: stageKind.default('approval'),
  mode: z.enum(APPROVAL_MODES),
  approverUserIds: ids.min(1),
  deadline: isoTime.nullable().default(null),
});
const ruleTerms = {
  name,
  description: text().default(''),
  fromPartyIds: ids.min(1).describe('Texts written by these parties, or derived from theirs, are governed'),
  toPartyIds: ids.min(1).describe('Governed texts reach these parties only after every stage approved the exact text'),
  stages: z.array(stageSchema).min(1).max(20),
  lateDecisions: entity.lateDecisionsSchema
    .default('allowed')
    .describe('After a deadline: allowed (the default; the decision is marked late) or refused'),
};
const ruleTermsSchema = z.object(ruleTerms);
export const transmissionRuleSchema = entity.transmissionRuleSchema;
export const ruleCreateSchema = z.object({ id: idSchema.optional(), ...ruleTerms });
export const ruleChangeSchema = z
  .object({ revision, terms: ruleTermsSchema.optional(), remove: z.boolean().default(false) })
  .refine((body) => body.remove !== (body.terms !== undefined), {
    message: 'send either the new terms, or remove: true',
    path: ['terms'],
  });

/** An approval as its reader sees it: the hash of a text they may not read and another party's comment are withheld. */
const approvalSchema = entity.approvalSchema.extend({
  contentHash: z
    .string()
    .nullable()
    .describe('The hash of the text decided on; null where points of that text are withheld from you'),
  comment: z.string().nullable().describe("null: the comment stays with the approver's party"),
});
export const textApprovalsSchema = z
  .object({
    versionId: idSchema,
    contentHash: z.string().nullable(),
    rules: z.array(
      z.object({
        ruleId: idSchema,
        ruleName: z.string(),
        governs: z.array(z.object({ partyId: idSchema, reason: z.string() })),
        status: z.object({
          state: z
            .enum(['in_progress', 'approved', 'rejected', 'sent_back'])
            .describe('sent_back: the open stage sent this text back for revision; it still takes decisions'),
          currentStageId: idSchema.nullable(),
          complete: z.boolean(),
          cleared: z.boolean().describe('Every stage before a countersignature approved: the text may go out'),
          signedAt: z
            .string()
            .nullable()
            .describe("When the receiving party's countersignature completed: the text is signed"),
          stages: z.array(
            z.object({
              stageId: idSchema,
              name: z.string(),
              state: z.enum(STAGE_STATES),
              approvedBy: ids,
              rejectedBy: ids,
              sentBackBy: ids.describe('Principals whose latest decision sends this text back for revision'),
              awaiting: ids,
              deadline: z.string().nullable(),
            }),
          ),
        }),
        approvals: z.array(approvalSchema),
        void: z
          .array(approvalSchema)
          .describe('Decisions on an earlier text of this line: they do not hold for this text'),
      }),
    ),
  })
  .meta({ id: 'TextApprovals', description: 'Where each rule that governs a text stands for that exact text' });
export const decisionSchema = z.object({
  ruleId: idSchema,
  stageId: idSchema,
  decision: z
    .enum(APPROVAL_DECISIONS)
    .describe(
      'approve; reject (final for this text: only a revised text can be approved); send_back (asks for a revised text: holds it back like a refusal, the comment says what to revise, and you may still approve this text later). A countersignature takes approve or reject only',
    ),
  comment: text()
    .default('')
    .describe("Seen only by your own party's members. Required with send_back: say what to revise"),
  contentHash: z.string().length(64).describe('The contentHash of the text you read: the decision is bound to it'),
});

const versionTotals = {
  versionId: idSchema,
  agreed: z.number().int(),
  contested: z.number().int(),
  open: z.number().int(),
  unknown: z
    .number()
    .int()
    .describe('Stances unknown: a party at the table on a point, silent there or its position stale; never agreement'),
  brackets: z.number().int().describe('Brackets open in the text, as UN negotiators count them'),
  redLinesCrossed: z.number().int(),
  distance: z.number().nullable(),
};
export const progressSchema = z
  .object({
    versions: z.array(
      z.object({
        ...versionTotals,
        points: z.array(
          z.object({
            pointId: idSchema,
            number: z.number().int(),
            title: z.string(),
            state: z.enum(['agreed', 'contested', 'open']),
            stances: z.record(z.string(), z.enum(STANCES)),
            unknown: ids.describe('The parties at the table on the point whose stance on this wording is unknown'),
            brackets: z.number().int(),
            redLinesCrossed: z.number().int(),
            distance: z.number().nullable(),
          }),
        ),
      }),
    ),
    series: z.object({
      trend: z.enum(['narrowing', 'widening', 'steady', 'unknown']),
      trendNote: z.string().nullable().describe('Why the trend is unknown, in words'),
      rounds: z.array(
        z.object({
          roundId: idSchema,
          title: z.string(),
          startsOn: z.string(),
          versionId: idSchema,
          progress: z.object(versionTotals),
          distanceChange: z.number().nullable(),
          stancesLost: z
            .number()
            .int()
            .describe('Stances known in the previous round that are unknown in this one (stale or silent)'),
        }),
      ),
    }),
  })
  .meta({
    id: 'Progress',
    description:
      'Points agreed, contested, red lines crossed and the distance between positions, per version and per round',
  });

const choicesSchema = z.record(z.string(), z.string()).describe('One option per issue: {issueId: optionId}');
const packageSchema = z.object({
  choices: choicesSchema,
  utilities: z.record(z.string(), z.number()).describe('{partyId: utility}, for the parties included'),
});
export const analysisSchema = z
  .object({
    id: idSchema,
    status: z.literal('done'),
    versionId: idSchema,
    requestedBy: idSchema,
    createdAt: z.string(),
    stale: z.boolean().describe('An issue, preference or red line it used has changed since'),
    setAside: ids.describe('The red lines the requester set aside for this what-if analysis: not held to'),
    result: z.object({
      included: ids,
      excluded: ids.describe('Parties whose preferences you may not see, or that have none'),
      redLinesApplied: ids,
      outcomes: z.string(),
      frontier: z
        .array(packageSchema)
        .describe(
          'The Pareto frontier: all of it up to 2,000 packages; beyond, a sample of about 200 spread along it (each party’s best and packages evenly spaced in its order). GET …/analyses/{analysisId}/frontier streams all of it.',
        ),
      frontierIndexes: z
        .array(z.number().int())
        .describe("Each listed package's position in the whole frontier (the streamed listing's `index`)"),
      frontierTruncated: z
        .boolean()
        .describe('`frontier` is a sample: the frontier has more than 2,000 packages, or was not listed'),
      frontierSize: z
        .number()
        .int()
        .nullable()
        .describe('The number of packages on the frontier, exactly; null when it was not listed'),
      frontierListed: z
        .boolean()
        .optional()
        .describe(
          'False when the frontier was too long to compute within the analysis budget (more than 200,000 packages held, or out of time): `frontier` then holds Pareto-optimal packages found without it (the bargaining points and the best packages for weights spread over the parties), in its order, `frontierIndexes` is empty, and `notes` says so. Absent from analyses stored before it existed (their frontier was listed)',
        ),
      frontierSizeAtMost: z
        .string()
        .nullable()
        .optional()
        .describe('When the frontier was not listed: an upper bound of its number of packages, a decimal string')
        .meta({ example: '37252902984619140625' }),
      nash: packageSchema.nullable(),
      kalaiSmorodinsky: packageSchema.nullable(),
      maxWelfare: packageSchema.nullable(),
      egalitarian: packageSchema.nullable(),
      pointStatus: z
        .record(
          z.enum(['nash', 'kalaiSmorodinsky', 'maxWelfare', 'egalitarian']),
          z.object({
            status: z.enum(['optimal', 'best-found', 'none', 'not-found']),
            gap: z.string().nullable().describe('With best-found: how much better the criterion could be, a decimal'),
          }),
        )
        .optional()
        .describe(
          'How each point was settled: proved optimal, or the best found within the time budget and its proven gap',
        ),
      agreementPossible: z.boolean(),
      conflict: z
        .array(z.string())
        .describe('When no agreement is possible: red lines and reservation values that cannot all hold'),
      draft: z
        .object({
          choices: choicesSchema,
          utilities: z.record(z.string(), z.number()),
          crosses: ids,
          paretoOptimal: z.boolean(),
          improvements: z
            .array(packageSchema)
            .describe(
              'Packages at least as good for every included party and better for one, best first: by welfare over the frontier when it was listed, else searched directly by the Nash product of the gains over the draft',
            ),
          ranked: z
            .object({
              byParty: z
                .record(z.string(), z.array(packageSchema))
                .describe('{partyId: the best improvements by that party’s gain}'),
              complete: z.boolean().describe('Every ranking proved within the time budget'),
            })
            .optional()
            .describe('When the frontier was not listed: the improvements ranked by each party’s gain'),
        })
        .nullable(),
      draftOpenIssues: ids,
      notes: z.array(z.string()),
    }),
  })
  .meta({
    id: 'Analysis',
    description: "The settlement engine on the negotiation's own data, as the requester may see it",
  });
export const analysisCreateSchema = z.object({
  versionId: idSchema.optional().describe('Default: the current version'),
  setAside: ids
    .max(100)
    .default([])
    .describe(
      'A what-if: red lines (that you may see) the analysis does not hold to. A red line you may not see is refused as a made-up id.',
    ),
});
const utilityOf = z.number().min(0).max(1).nullable();
export const utilitiesSchema = z
  .object({
    basis: z
      .enum(['own', 'shared'])
      .describe("own: your party's own preferences (and your coalitions'); shared: those shared with the mediators"),
    parties: z.array(
      z.object({
        partyId: idSchema,
        reservation: z.number().describe('Below this utility the party would rather have no agreement'),
        illustrative: z.boolean(),
      }),
    ),
    versions: z.array(
      z.object({
        versionId: idSchema,
        openIssueIds: ids.describe("Issues the version's option choices leave open"),
        utilities: z.array(
          z.object({
            partyId: idSchema,
            utility: utilityOf.describe('When the version settles every issue; null otherwise'),
            lowest: utilityOf.describe("With every open issue settled the party's worst way"),
            highest: utilityOf.describe("With every open issue settled the party's best way"),
          }),
        ),
      }),
    ),
  })
  .meta({
    id: 'Utilities',
    description: "What each version you see is worth to a party, from that party's preferences; stored nowhere",
  });
export const analysisSummarySchema = z
  .object({
    id: idSchema,
    versionId: idSchema,
    createdAt: z.string(),
    stale: z.boolean().describe('An issue, preference or red line it used has changed since'),
    setAside: ids.describe('The red lines set aside for this what-if analysis'),
    agreementPossible: z.boolean(),
    frontierSize: z.number().int().nullable().describe('Packages on its Pareto frontier; null when it was not listed'),
    included: ids,
    excluded: ids.describe('Parties whose preferences you may not see, or that have none'),
  })
  .meta({ id: 'AnalysisSummary', description: 'One of your analyses, without its frontier' });
export const analysisJobSchema = z
  .object({
    jobId: idSchema,
    state: z
      .enum(['queued', 'running', 'done', 'failed'])
      .describe(
        'queued: waiting for a free worker; running; done: `analysisId` is the result; failed: `error` says why',
      ),
    versionId: idSchema.nullable().describe('The version asked for; null: the current one when the job runs'),
    setAside: ids.describe('The red lines set aside for this what-if analysis'),
    createdAt: z.string(),
    analysisId: idSchema.nullable().describe('When done: the analysis, at GET …/analyses/{analysisId}'),
    error: z.string().nullable().describe('When failed: what went wrong and what to do'),
  })
  .meta({
    id: 'AnalysisJob',
    description: 'An analysis you asked for that did not finish within the request: follow it until it is done',
  });
export const releaseCreateSchema = z.object({
  partyIds: ids.min(1),
  frontierIndexes: z.array(z.number().int().min(0)).max(100).default([]),
  points: z
    .array(z.enum(['nash', 'kalaiSmorodinsky', 'maxWelfare', 'egalitarian']))
    .max(4)
    .default([]),
});
export const releaseSchema = z
  .object({
    id: idSchema,
    analysisId: idSchema.nullable(),
    partyId: idSchema,
    releasedAt: z.string(),
    packages: z.array(
      z.object({
        choices: choicesSchema,
        utility: z.number().nullable().describe("The receiving party's own utility; null for others"),
      }),
    ),
  })
  .meta({ id: 'Release' });

// Amendments to a version (store/amendments.ts).
export const amendmentChangeSchema = amendmentChanges.amendmentChangeSchema.meta({ id: 'AmendmentChange' });
const justification = z
  .string()
  .max(JUSTIFICATION_LENGTH)
  .describe('Why the party proposes it, in its words')
  .meta({ example: 'The audit of international aid is not part of a peace settlement.' });
export const amendmentCreateSchema = z.object({
  partyId: idSchema
    .optional()
    .describe('The party (or coalition) proposing it; by default the party you sit for. It must hold the version.'),
  change: amendmentChangeSchema,
  justification: justification.default(''),
});
export const amendmentPatchSchema = z.object({
  revision,
  change: amendmentChangeSchema.optional(),
  justification: justification.optional(),
});
export const amendmentTableSchema = z.object({
  to: z
    .enum(['mediators', 'table'])
    .describe(
      "mediators: the mediators (and, for a party's text, its author party) read it; table: every party holding the version (a track's point: the track's parties)",
    ),
});
export const amendmentDecisionSchema = z.object({
  decision: z.enum(['accept', 'reject']),
  change: amendmentChangeSchema.optional().describe('Accept with changes: the change as the pen-holder accepts it'),
  note: z.string().max(JUSTIFICATION_LENGTH).optional().describe('Why, for the party and the record'),
});
export const consolidateSchema = z.object({
  label: name.describe("The new version's label").meta({ example: 'Consolidated text, 2nd reading' }),
  summary: text(10_000).optional().describe("The new version's summary (by default the amended version's)"),
});
export const amendmentSchema = z
  .object({
    id: idSchema,
    versionId: idSchema,
    partyId: idSchema,
    partyName: z.string(),
    state: z.enum(AMENDMENT_STATES),
    tabledTo: z.enum(['mediators', 'table']).nullable().describe('null while internal to the party'),
    revision: z.number().int(),
    change: amendmentChangeSchema,
    justification: z.string(),
    createdAt: z.string(),
    tabledAt: z.string().nullable(),
    decision: z
      .object({
        decision: z.enum(['accept', 'reject']),
        note: z.string(),
        at: z.string(),
        proposedChange: amendmentChangeSchema
          .nullable()
          .describe("Accepted with changes: the party's change (`change` is the one accepted)"),
      })
      .nullable(),
    withdrawnAt: z.string().nullable(),
    orphanedReason: z.string().nullable().describe('Why consolidation could not carry it to the new text'),
    consolidatedIn: idSchema.nullable().describe('The version consolidation made from it (or left it behind in)'),
    carriedFrom: z.array(idSchema).describe('The versions it was proposed to before, oldest first'),
    conflicts: z
      .array(z.object({ withId: idSchema, reason: z.string() }))
      .describe('Other amendments you see that cannot be applied with it, and why'),
  })
  .meta({ id: 'Amendment' });
/*
 * Nothing is agreed until everything is agreed: marks of agreement, the lock, brackets closed, provenance.
 */
export const agreementViewSchema = z
  .object({
    versionId: idSchema,
    underNegotiation: z
      .boolean()
      .describe('Whether this version is the text under negotiation, the one the lock is about'),
    status: entity.agreementStatusSchema,
    obstacles: z
      .string()
      .describe('What still stands in the way, in words with names; "The agreement is complete." when nothing does')
      .meta({ example: '3 points not agreed: 4, 9, 17; 2 brackets open; the track "EU/NATO" open' }),
    lockedAt: z.string().nullable().describe('When the agreement became complete and its text locked'),
  })
  .meta({ id: 'Agreement', description: 'Where the agreement stands on a version, as the reader may see it' });
export const agreementMarkBodySchema = z.object({
  partyId: idSchema.describe('The party (not a coalition) you mark for, as its principal or lead'),
});
export const agreementReopenSchema = z.object({
  pointId: idSchema.describe('The point of the locked text to reopen'),
  reason: z.string().trim().min(1).max(2000).describe('Why: the record keeps it'),
});
export const bracketCloseSchema = z
  .object({
    choose: z.number().int().min(0).max(99).optional().describe('The place of the alternative that stands: 0 is A'),
    drop: z.literal(true).optional().describe('Drop the language: nothing stands at its place'),
    agreedBy: ids.min(1).describe('The parties whose agreement closes the bracket'),
    roundId: idSchema.nullable().optional().describe('The round in which it was agreed'),
    label: name.optional().describe("The new version's label; default: the old label and which bracket closed"),
  })
  .refine((b) => (b.choose === undefined) !== (b.drop === undefined), {
    message: 'give either choose (the place of the alternative, 0 for A) or drop: true',
    path: ['choose'],
  })
  .meta({ example: { choose: 1, agreedBy: ['ua', 'us'], roundId: 'r-geneva' } });
export const bracketClosureSchema = z
  .object({
    bracketId: idSchema,
    pointId: idSchema,
    versionId: idSchema,
    closedInVersionId: idSchema,
    how: z.union([z.object({ chosen: z.number().int() }), z.object({ dropped: z.literal(true) })]),
    agreedBy: ids,
    roundId: idSchema.nullable(),
    by: idSchema,
    at: z.string(),
  })
  .meta({ id: 'BracketClosure', description: 'How the pen-holder closed a bracket, with whose agreement' });
export const bracketClosedSchema = z.object({ version: versionSchema, closure: bracketClosureSchema });
export const bracketLivesSchema = z
  .object({
    versionId: idSchema,
    lives: z.array(
      entity.bracketLifeSchema.extend({
        closure: z
          .object({
            agreedBy: ids,
            agreedByNames: z.array(z.string()),
            roundId: idSchema.nullable(),
            by: z.string().describe('The name of the person who closed it'),
            at: z.string(),
          })
          .nullable()
          .describe(
            'As recorded when the pen-holder closed it; null for a bracket still open or closed by other wording',
          ),
      }),
    ),
    counts: z.array(z.object({ versionId: idSchema, roundId: idSchema.nullable(), open: z.number().int() })),
  })
  .meta({ id: 'BracketLives', description: "Each bracket's life over the versions you received that led to this one" });
export const provenanceSchema = z
  .object({ versionId: idSchema, provenance: entity.versionProvenanceSchema })
  .meta({ id: 'Provenance', description: 'Where every character of a version came from, as you may know it' });

const hex64 = z.string().meta({ example: '9f2c4e1a7b3d5f6e8a0c2b4d6f8e0a1c3b5d7f9e1a2c4b6d8f0e2a4c6b8d0f1e' });
export const historyEntrySchema = z
  .object({
    seq: z.number().int().describe("The event's sequence number in the audit log"),
    at: z.string().meta({ example: '2025-11-23T14:05:00.000Z' }),
    action: z.string().describe('The kind of event (docs/audit-events.md)').meta({ example: 'version.transmit' }),
    actor: z.string().describe('Who did it, by name'),
    actorParty: z.string().nullable().describe('The party they sat for, or "the mediators"'),
    what: z.string().describe('What happened, naming only what you may know'),
    receipt: z.boolean().describe('Whether your party holds a receipt of it (GET …/receipts/:seq)'),
  })
  .meta({ id: 'HistoryEntry' });
export const historyPageSchema = z
  .object({
    entries: z.array(historyEntrySchema),
    nextBefore: z
      .number()
      .int()
      .nullable()
      .describe(
        'Pass as ?before= for the next (older) page; null when no older event is left. A page may hold fewer entries than asked, even none, and still have a next one: one request reads a bounded part of the log',
      ),
  })
  .meta({ id: 'HistoryPage', description: 'Who did what and when, newest first, as you may know it' });
export const receiptSchema = z
  .object({
    format: z.literal('parley-receipt-v1'),
    negotiationId: idSchema,
    event: z.object({
      seq: z.number().int(),
      hash: hex64,
      action: z.string().meta({ example: 'approval.approve' }),
      at: z.string().meta({ example: '2025-11-23T14:05:00.000Z' }),
    }),
    head: z.object({ seq: z.number().int(), hash: hex64 }).describe('The chain head when the receipt was issued'),
    contentHash: hex64.nullable().describe('The content hash of the text or point; null where you are not told it'),
    keyId: z.string().nullable().meta({ example: '3fa9c2d41b0e7a65' }),
    signature: z
      .string()
      .nullable()
      .describe(
        'Ed25519 (base64) by the audit key over "parley-receipt-v1 <seq> <eventHash> <headSeq> <headHash> <contentHash or ->"; null when unsigned',
      )
      .meta({ example: 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c2v3b4n5m6q7w8e9r0t1y2u3i4o5p6a7s8d9f0g1h2j3k4==' }),
    note: z.string().optional(),
  })
  .meta({
    id: 'Receipt',
    description: 'A receipt to keep outside Parley; `parley audit verify --receipt FILE` checks it',
  });
// ------------------------------------------------------------ the audit log

const hashExample = '9f2c4e7a1b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8';
const auditKeyIdSchema = z
  .string()
  .describe("The audit key's id: the first 16 hex digits of the SHA-256 of its public key (DER)")
  .meta({ example: '3a5f0c2e9b7d1486' });

export const auditKeySchema = z
  .object({
    keyId: auditKeyIdSchema,
    publicKeyPem: z
      .string()
      .describe("The installation's Ed25519 public key (SPKI PEM), which verifies its checkpoints and receipts")
      .meta({ example: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA…\n-----END PUBLIC KEY-----\n' }),
  })
  .describe("The installation's audit key, public half");

export const auditCheckpointSchema = z
  .object({
    seq: z.number().int().describe('The sequence number of the event signed: the chain head then'),
    hash: z.string().describe('That event’s hash (SHA-256, hex)').meta({ example: hashExample }),
    at: z
      .string()
      .describe('An ISO-8601 date and time: when it was signed')
      .meta({ example: '2025-11-27T10:00:32.000Z' }),
    keyId: auditKeyIdSchema,
    signature: z
      .string()
      .describe('Ed25519 over the line "parley-audit-v1 <seq> <hash>", base64')
      .meta({ example: 'q0Xr…Ag==' }),
    reason: z.enum(['events', 'time', 'start', 'shutdown']).describe('Why it was signed'),
    message: z
      .string()
      .describe('The line signed')
      .meta({ example: `parley-audit-v1 183 ${hashExample}` }),
  })
  .describe('A signed checkpoint of the audit chain, to copy and keep outside Parley');

export const auditFindingSchema = z.object({
  check: z.string().describe('The check that found it: chain, truncation, re-hashed events, …'),
  severity: z.enum(['failure', 'warning']),
  seq: z.number().int().nullable().describe('The event concerned, if one'),
  message: z.string(),
});

export const auditVerifySchema = z.object({
  ok: z.boolean().describe('No check of the chain or the checkpoints failed (the state has its own verdict)'),
  events: z.number().describe('Events in the chain that verify, from the first'),
  seq: z.number().optional().describe('Where the chain breaks, if it does'),
  reason: z.string().optional(),
  checkpoints: z.number().describe('Checkpoints the database holds'),
  findings: z.array(auditFindingSchema),
  state: z
    .object({
      ok: z.boolean(),
      rows: z.record(z.string(), z.number()),
      differences: z.array(
        z.object({
          table: z.string(),
          id: z.string(),
          field: z.string(),
          problem: z.enum(['differs', 'unrecorded', 'missing']),
        }),
      ),
    })
    .describe(
      'The state the log describes compared with the live tables: each row that differs, by table, id and field (never its values)',
    ),
});

/** What a GENIUS import made: the new negotiation, a party per profile, and notes on how the files were read. */
export const geniusImportedSchema = z
  .object({
    negotiation: negotiationSchema,
    parties: z.array(
      z.object({
        id: entity.idSchema,
        name: z.string(),
        file: z.string().describe('The profile the party was made from').meta({ example: 'laptop_buyer_utility.xml' }),
      }),
    ),
    issues: z.number().int(),
    notes: z
      .array(z.string())
      .describe('How the files were read: weights scaled to add up to 1, discount factors left out')
      .meta({ example: ['laptop_buyer_utility.xml: the discount factor 0.42441038 is left out'] }),
  })
  .meta({ id: 'GeniusImported' });
export const geniusExportQuery = z.object({
  format: z.enum(['genius']).describe('genius: a zip of the GENIUS domain and the profiles you may see'),
});
/* The text in and out: a version's file in a format, and a file in as a new version or negotiation. */

export const exportQuerySchema = z.object({
  format: z
    .string()
    .default('md')
    .describe('The format: md (Markdown), docx (Word), and the others `parley export --help` lists')
    .meta({ example: 'docx' }),
  lang: entity.languageSchema
    .optional()
    .describe("The language of the text (one of the negotiation's); its drafting language when not given"),
  compare: idSchema
    .optional()
    .describe('A version to compare with: the file shows the changes from it (Word: as tracked changes)')
    .meta({ example: 'v-table-28' }),
});
export const exportFileSchema = z
  .string()
  .describe('The file, with its media type and a Content-Disposition naming it (`attachment; filename=…`)');

export const importQuerySchema = z.object({
  name: z
    .string()
    .max(255)
    .default('')
    .describe("The file's name; its extension says the kind of file where the media type does not")
    .meta({ example: 'geneva-19.docx' }),
});
export const importVersionQuerySchema = importQuerySchema.extend({
  label: z
    .string()
    .max(LIMITS.labelLength)
    .optional()
    .describe("The new version's label; the file's title when not given"),
  parentId: idSchema
    .optional()
    .describe('The version the new one follows; the text under negotiation when not given')
    .meta({ example: 'v-geneva-19' }),
  authorPartyId: idSchema
    .optional()
    .describe('The party it is written for; a mediator writes for the table, a delegate for their own party')
    .meta({ example: 'ua' }),
});
export const importNegotiationQuerySchema = importQuerySchema.extend({
  title: z
    .string()
    .max(LIMITS.labelLength)
    .optional()
    .describe("The negotiation's title; the file's title when not given"),
});
export const recognisedTextSchema = z
  .object({
    title: z.string(),
    lang: z.string(),
    points: z.array(entity.pointSchema),
    notes: z.array(z.string()).describe('What was left out or changed, to read before saving'),
  })
  .meta({
    id: 'RecognisedText',
    description: 'What an import recognised in a file: its title and points; nothing is saved',
  });
export const importedNegotiationSchema = z.object({
  negotiation: negotiationSchema,
  version: versionSchema,
});
