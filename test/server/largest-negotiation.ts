import type { Bracket, Issue, Point, Position, RedLine, Stance } from '../../src/core/model.ts';
import type { Scenario, ScenarioVersion } from '../../src/demo/scenario.ts';
import { LIMITS } from '../../src/server/schemas.ts';

/** The negotiation's id, and the accounts that read it (all with the demo password). */
export const LARGEST = {
  id: 'largest',
  mediator: 'mediator@largest.test',
  leads: ['p0@largest.test', 'p1@largest.test', 'p2@largest.test'],
};

const PARTIES = ['p0', 'p1', 'p2', 'p3', 'p4'];
const STANCES: Stance[] = ['support', 'amend', 'oppose', 'red_line'];
const VERSIONS = 3;

/** `length` characters of words that repeat little, so that texts and labels share prefixes but rarely whole words. */
function words(seed: number, length: number): string {
  let state = seed;
  let out = '';
  while (out.length < length) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += `w${(state % 5000).toString(36)} `;
  }
  return out.slice(0, length).trimEnd();
}

/**
 * An option label of the longest length allowed; the labels of one issue are prefixes of one
 * another ("w1", "w1 w2", …), the worst case for a matcher that restarts at every position.
 */
function label(issue: number, option: number): string {
  const stem = words(issue + 1, LIMITS.labelLength);
  return `${stem.slice(0, Math.max(2, Math.floor(((option + 1) * LIMITS.labelLength) / LIMITS.optionsPerIssue) - 4))} o${option}`;
}

/**
 * The largest negotiation the documented limits allow, as plain data for `loadScenario`: the most
 * issues, each with the most options with the longest labels; versions of the most points and the
 * most text, every point deciding every issue, its text and its bracket alternatives naming options;
 * every party's position on every point of every version; the most red lines.
 */
export function largestScenario(): Scenario {
  const at = '2026-01-10T09:00:00.000Z';
  const id = LARGEST.id;
  const issues: Omit<Issue, 'negotiationId' | 'revision'>[] = Array.from(
    { length: LIMITS.issuesPerNegotiation },
    (_, i) => ({
      id: `i${i}`,
      name: `Issue ${i} ${words(1000 + i, 200)}`.slice(0, 300),
      description: words(2000 + i, 500),
      pointIds: Array.from({ length: LIMITS.pointsPerVersion }, (_, p) => `pt${p}`),
      options: Array.from({ length: LIMITS.optionsPerIssue }, (_, o) => ({
        id: `i${i}o${o}`,
        label: label(i, o),
        description: '',
      })),
    }),
  );
  const perPoint = Math.floor(LIMITS.versionText / LIMITS.pointsPerVersion);
  const points = (v: number): Point[] =>
    Array.from({ length: LIMITS.pointsPerVersion }, (_, p) => {
      const named = issues[p % issues.length]!;
      const alternatives = [0, 1].map((a) => ({
        text: `${named.options[(p + a) % 100]!.label} ${words(v * 7 + p * 3 + a, 60)}`,
        proposedBy: [PARTIES[a]!],
        choices: { [named.id]: named.options[(p + a + 1) % 100]!.id },
      }));
      const bracket: Bracket = { id: `b${p}`, alternatives };
      const used = alternatives.reduce((sum, a) => sum + a.text.length, 0) + 600;
      const text = `${named.options[p % 100]!.label} [[b${p}]] ${words(v * 100_000 + p, perPoint - used)}`;
      return {
        id: `pt${p}`,
        number: p + 1,
        title: `Point ${p + 1}`,
        text,
        brackets: [bracket],
        issueIds: issues.map((issue) => issue.id),
        trackId: null,
      };
    });
  const choices = Object.fromEntries(issues.map((issue, i) => [issue.id, issue.options[(i * 7) % 100]!.id]));
  const versions: ScenarioVersion[] = Array.from({ length: VERSIONS }, (_, v) => ({
    id: `v${v}`,
    parentId: v === 0 ? null : `v${v - 1}`,
    kind: 'draft',
    label: `Draft ${v + 1}`,
    summary: words(v, 2000),
    authorPartyId: null,
    internal: false,
    points: points(v),
    optionChoices: choices,
    source: null,
    createdAt: at,
    createdBy: null,
    recipientPartyIds: PARTIES,
  }));
  const positions: Omit<Position, 'negotiationId' | 'revision'>[] = versions.flatMap((version, v) =>
    version.points.flatMap((point, p) =>
      PARTIES.map((party, k) => ({
        id: `pos-${v}-${p}-${k}`,
        versionId: version.id,
        pointId: point.id,
        partyId: party,
        stance: STANCES[(p + k + v) % 4]!,
        proposedText: null,
        rationale: words(p * 5 + k, 200),
        visibility: 'public' as const,
        source: null,
        supportsOption: null,
        supportsAlternative: null,
        carriedFromVersionId: null,
        stale: false,
        updatedAt: at,
        updatedBy: null,
      })),
    ),
  );
  const redLines: Omit<RedLine, 'negotiationId' | 'revision'>[] = Array.from(
    { length: LIMITS.redLinesPerParty * PARTIES.length },
    (_, r) => ({
      id: `rl${r}`,
      partyId: PARTIES[r % PARTIES.length]!,
      title: `Red line ${r}`,
      description: '',
      constraint: {
        kind: 'forbid_combination',
        conditions: Array.from({ length: 20 }, (_, c) => ({
          issueId: `i${(r + c) % issues.length}`,
          optionIds: Array.from({ length: LIMITS.optionsPerIssue - 1 }, (_, o) => `i${(r + c) % issues.length}o${o}`),
        })),
      },
      visibility: 'public',
      source: null,
    }),
  );
  const user = (email: string, n: number, partyId: string | null) => ({
    id: `u${n}`,
    email,
    name: `Person ${n}`,
    isAdmin: false,
    memberships: [{ partyId, role: partyId ? ('lead' as const) : ('mediator' as const), title: '' }],
  });
  return {
    negotiation: {
      id,
      title: 'The largest negotiation the limits allow',
      summary: '',
      currentVersionId: `v${VERSIONS - 1}`,
      createdAt: at,
    },
    parties: PARTIES.map((party) => ({
      id: party,
      name: `Party ${party}`,
      shortName: party.toUpperCase(),
      kind: 'party',
      memberPartyIds: [],
      pointIds: [],
    })),
    users: [user(LARGEST.mediator, 0, null), ...LARGEST.leads.map((email, n) => user(email, n + 1, PARTIES[n]!))],
    issues,
    versions,
    positions,
    redLines,
    preferences: PARTIES.map((party) => ({
      id: `pref-${party}`,
      partyId: party,
      weights: Object.fromEntries(issues.map((issue) => [issue.id, 1 / issues.length])),
      scores: Object.fromEntries(
        issues.map((issue) => [issue.id, Object.fromEntries(issue.options.map((o, k) => [o.id, k / 99]))]),
      ),
      reservation: 0.2,
      visibility: 'mediator',
      illustrative: true,
      note: '',
    })),
    rounds: Array.from({ length: VERSIONS }, (_, v) => ({
      id: `r${v}`,
      title: `Round ${v + 1}`,
      startsOn: `2026-01-${String(11 + v).padStart(2, '0')}`,
      endsOn: null,
      place: 'Geneva',
      participants: PARTIES.map((partyId) => ({ partyId, people: [] })),
      agendaPointIds: versions[v]!.points.map((p) => p.id),
      versionId: `v${v}`,
      outcomeVersionId: null,
      outcome: '',
      statements: [],
      source: null,
    })),
    statements: [],
    tracks: [],
    transmissionRules: [],
    approvals: [],
  };
}
