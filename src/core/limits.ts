/**
 * How many of a thing one negotiation (or one party in it) holds at most: every request's work is bounded by what it may
 * touch, so what it may touch is bounded too. Stated in the OpenAPI document (`LIMITS` in
 * server/schemas.ts) and the README; a create beyond them is refused with 400.
 */
export const COUNT_LIMITS = {
  issuesPerNegotiation: 100,
  optionsPerIssue: 100,
  /** Counted per party: a count over the negotiation would tell a party how many red lines others hold. */
  redLinesPerParty: 40,
  /** Drafts not yet issued, per party (or for the mediators): counted per owner, so the refusal tells nothing of others'. */
  openDraftsPerOwner: 20,
  /** Languages of a negotiation's text besides its drafting language. */
  languages: 10,
} as const;

/**
 * How long an id or a text may be, and how much one point or version holds: the entities' schemas
 * (`core/schemas.ts`) keep them, and with `COUNT_LIMITS` they make the `LIMITS` the OpenAPI document states.
 */
export const TEXT_LIMITS = {
  idLength: 100,
  pointText: 20_000,
  pointsPerVersion: 500,
  versionText: 500_000,
  /**
   * Amendments proposed to one version, all parties together: what one consolidation applies or re-anchors.
   * Each party may propose its share (this divided by the number of parties at the table).
   */
  amendmentsPerVersion: 1000,
  bracketsPerPoint: 50,
  alternativesPerBracket: 20,
  /** The points of the parent one point may be merged from (a merge of many is still one point). */
  derivedFromPerPoint: 50,
  labelLength: 300,
} as const;
