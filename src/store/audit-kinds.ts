import type { CollectionName } from './collections.ts';

/**
 * Every kind of event Parley appends to its audit chain, as `entity.verb`, with the entity the event
 * is about and what it means. A change records one of these and nothing else: `record({ action })`
 * takes only a member, and the entity comes from here.
 *
 * The strings are hashed into the chain (`audit.ts`): an event's action and entity are part of what
 * `parley audit verify` checks, so a kind is never renamed, only added. `docs/audit-events.md` lists
 * them for readers of the log; a test keeps the two the same.
 *
 * @example
 * await record({ action: 'version.withdraw', entityId: version.id, negotiationId, before: null, after });
 * auditEntity('approval.send_back'); // 'transmission_rule'
 */
export const AUDIT_KINDS = {
  'user.create': {
    entity: 'user',
    meaning:
      'an account was made: by an administrator or the command line, by the demo, or by accepting an invitation with a new e-mail',
  },
  'user.password_link': { entity: 'user', meaning: 'a link to choose a password was issued or renewed' },
  'user.password': {
    entity: 'user',
    meaning: 'a password was chosen or changed, or its hash renewed at sign-in (never the hash itself)',
  },
  'negotiation.create': { entity: 'negotiation', meaning: 'a negotiation was convened' },
  'negotiation.update': {
    entity: 'negotiation',
    meaning: "the negotiation's title, summary or current text changed",
  },
  'negotiation.languages': {
    entity: 'negotiation',
    meaning: "the languages of the negotiation's text were set: drafting, translated, authentic, prevailing",
  },
  'membership.create': { entity: 'membership', meaning: 'someone took a seat at the table' },
  'membership.update': { entity: 'membership', meaning: "a seat's role or title changed" },
  'membership.remove': { entity: 'membership', meaning: 'a seat was removed' },
  'invitation.create': { entity: 'invitation', meaning: 'a seat was offered to an e-mail' },
  'invitation.consent': {
    entity: 'invitation',
    meaning: "the party's principal or lead consented to a seat offered in its delegation",
  },
  'invitation.accept': { entity: 'invitation', meaning: 'the invited person took the seat' },
  'invitation.revoke': { entity: 'invitation', meaning: 'an invitation was revoked, or its party declined the seat' },
  'proposal.create': {
    entity: 'proposal',
    meaning: "a change of seats or of a coalition was proposed, waiting for the parties' consent",
  },
  'proposal.consent': { entity: 'proposal', meaning: 'a party consented to a proposal' },
  'proposal.accept': { entity: 'proposal', meaning: 'the last consent came and the proposed change was made' },
  'proposal.decline': {
    entity: 'proposal',
    meaning: 'a proposal was declined or withdrawn, or closed because its subject went away',
  },
  'party.create': { entity: 'party', meaning: 'a party or a coalition came to the table' },
  'party.update': { entity: 'party', meaning: "a party's name, or a coalition's scope or members, changed" },
  'track.create': { entity: 'track', meaning: 'a separate format was opened for some points among some parties' },
  'track.update': { entity: 'track', meaning: "a track's name, points or parties changed" },
  'issue.create': { entity: 'issue', meaning: 'an issue and its options were defined' },
  'issue.update': {
    entity: 'issue',
    meaning: 'an issue changed, or one of its options was retired (with the texts whose content hash changed)',
  },
  'version.create': { entity: 'version', meaning: 'a text (a version of the document) was written' },
  'version.transmit': {
    entity: 'version',
    meaning: 'a text went to more parties or to the mediators, by a send or at the approval that cleared it',
  },
  'version.withdraw': { entity: 'version', meaning: 'a text was withdrawn' },
  'version.sign': { entity: 'version', meaning: "the receiving party's countersignature completed on a text" },
  'draft.create': {
    entity: 'draft',
    meaning: "a draft was opened from a version (or empty), for a party or the table's text",
  },
  'draft.save': { entity: 'draft', meaning: 'a draft was saved at its next revision (a fingerprint, not the words)' },
  'draft.issue': {
    entity: 'draft',
    meaning: "a draft was issued as a version (recorded after that version's version.create)",
  },
  'draft.discard': { entity: 'draft', meaning: 'a draft was discarded' },
  'position.create': { entity: 'position', meaning: 'a party took a position on a point' },
  'position.update': { entity: 'position', meaning: 'a position changed' },
  'position.carry': {
    entity: 'position',
    meaning: 'a position was carried to a new text whose point did not change',
  },
  'red_line.create': { entity: 'red_line', meaning: 'a party stated a red line' },
  'red_line.update': { entity: 'red_line', meaning: 'a red line changed' },
  'preference.create': { entity: 'preference', meaning: "a party recorded its preferences over the issues' options" },
  'preference.update': { entity: 'preference', meaning: "a party's preferences changed" },
  'round.create': { entity: 'round', meaning: 'a round (a meeting) was recorded' },
  'round.update': { entity: 'round', meaning: 'a round changed, or was cancelled' },
  'statement.create': { entity: 'statement', meaning: 'a public statement was recorded' },
  'statement.update': { entity: 'statement', meaning: 'a public statement was retracted (it stays, marked)' },
  'transmission_rule.create': { entity: 'transmission_rule', meaning: 'a transmission rule was set' },
  'transmission_rule.update': {
    entity: 'transmission_rule',
    meaning: 'a change of a rule was proposed or consented to, or took effect (a removal included)',
  },
  'approval.approve': {
    entity: 'transmission_rule',
    meaning: 'a principal approved a text at a stage of a rule (bound to its content hash)',
  },
  'approval.reject': {
    entity: 'transmission_rule',
    meaning: 'a principal rejected a text at a stage of a rule',
  },
  'approval.send_back': {
    entity: 'transmission_rule',
    meaning: 'a principal sent a text back at a stage of a rule, to be revised',
  },
  'analysis.create': {
    entity: 'analysis',
    meaning: 'a settlement analysis was run (what it used, never the utilities)',
  },
  'release.create': { entity: 'release', meaning: 'a mediator released analysed packages to a party' },
  'amendment.propose': {
    entity: 'amendment',
    meaning: "a party's member proposed an amendment to a version (internal to the party until tabled)",
  },
  'amendment.update': { entity: 'amendment', meaning: "an amendment's change or justification was edited, as a draft" },
  'amendment.table': {
    entity: 'amendment',
    meaning: "the party's principal or lead tabled an amendment, to the mediators or to the table",
  },
  'amendment.decide': {
    entity: 'amendment',
    meaning: 'the pen-holder accepted (perhaps with changes) or rejected an amendment',
  },
  'amendment.withdraw': { entity: 'amendment', meaning: 'its party withdrew an amendment' },
  'amendment.consolidate': {
    entity: 'amendment',
    meaning:
      'the pen-holder consolidated the accepted amendments into a new version; the pending ones were carried to it or orphaned, with why',
  },
  'agreement.mark': {
    entity: 'agreement',
    meaning: "a party's principal or lead marked a point's wording agreed ad referendum (bound to its content hash)",
  },
  'agreement.mark_text': {
    entity: 'agreement',
    meaning:
      "a party's principal or lead agreed the whole text ad referendum: every point it is at the table on and with no bracket open was marked, in one step",
  },
  'agreement.take_back': { entity: 'agreement', meaning: "a party's principal or lead took back its mark on a point" },
  'agreement.lock': {
    entity: 'agreement',
    meaning: 'every point was agreed, no bracket open and every track closed: the text was locked',
  },
  'agreement.reopen': {
    entity: 'agreement',
    meaning: 'a mediator reopened a point of the locked text, with the reason; its marks were taken back',
  },
  'track.close': { entity: 'track', meaning: 'a mediator closed a track whose points were agreed' },
  'track.reopen': { entity: 'track', meaning: 'a mediator reopened a closed track' },
  'bracket.close': {
    entity: 'bracket',
    meaning:
      'the pen-holder closed a bracket (an alternative chosen, or its language dropped) in a new version, with whose agreement',
  },
} as const satisfies Record<string, { entity: string; meaning: string }>;

/** An audit event's kind: one of `AUDIT_KINDS`. */
export type AuditAction = keyof typeof AUDIT_KINDS;
/** What an audit event is about: `version`, `transmission_rule`, … */
export type AuditEntity = (typeof AUDIT_KINDS)[AuditAction]['entity'];

/** Every audit kind, in the order of `AUDIT_KINDS`. */
export const AUDIT_ACTIONS = Object.keys(AUDIT_KINDS) as AuditAction[];

/** The entity an event of this kind is about. */
export function auditEntity(action: AuditAction): AuditEntity {
  return AUDIT_KINDS[action].entity;
}

/** Whether a stored event's action is a kind Parley writes. */
export function isAuditAction(action: string): action is AuditAction {
  return Object.hasOwn(AUDIT_KINDS, action);
}

/**
 * The entity each collection's rows are recorded as by `Store.insert` (`<entity>.create`) and
 * `Store.replace` (`<entity>.update`): the type makes both kinds members of `AUDIT_KINDS`.
 */
export const COLLECTION_ENTITIES = {
  parties: 'party',
  issues: 'issue',
  rounds: 'round',
  tracks: 'track',
  statements: 'statement',
  positions: 'position',
  redLines: 'red_line',
  preferences: 'preference',
  transmissionRules: 'transmission_rule',
} as const satisfies Record<CollectionName, AuditEntity>;

/** The entity a collection's rows are recorded as. */
export type CollectionEntity<C extends CollectionName> = (typeof COLLECTION_ENTITIES)[C];

/** The entities that have a `<entity>.create` kind. */
export type CreatedEntity = {
  [A in AuditAction]: A extends `${infer E}.create` ? E : never;
}[AuditAction];
