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
} as const;
