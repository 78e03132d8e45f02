/**
 * Small factories for core tests: each returns a complete object of the model with plain defaults,
 * and takes the fields a test cares about as overrides. Not a test file.
 */
import type {
  Approval,
  ApprovalStage,
  Bracket,
  Issue,
  Membership,
  Party,
  Point,
  Position,
  RedLine,
  RedLineConstraint,
  Round,
  Track,
  Version,
} from '../../src/core/model.ts';

export const NEGOTIATION = 'neg-1';

export function point(id: string, number: number, overrides: Partial<Point> = {}): Point {
  return {
    id,
    number,
    title: `Point ${id}`,
    text: `Text of ${id}.`,
    brackets: [],
    issueIds: [],
    trackId: null,
    ...overrides,
  };
}

/** A bracket whose alternatives are the given texts (proposed by nobody in particular). */
export function bracket(id: string, ...texts: string[]): Bracket {
  return { id, alternatives: texts.map((text) => ({ text, proposedBy: [] })) };
}

export function version(id: string, overrides: Partial<Version> = {}): Version {
  return {
    id,
    negotiationId: NEGOTIATION,
    parentId: null,
    kind: 'draft',
    label: `Version ${id}`,
    summary: '',
    authorPartyId: null,
    internal: false,
    points: [],
    optionChoices: {},
    source: null,
    createdAt: '2025-11-23T12:00:00Z',
    createdBy: null,
    ...overrides,
  };
}

export function party(id: string, overrides: Partial<Party> = {}): Party {
  return {
    id,
    negotiationId: NEGOTIATION,
    name: id.toUpperCase(),
    shortName: id.toUpperCase(),
    kind: 'party',
    memberPartyIds: [],
    pointIds: [],
    revision: 1,
    ...overrides,
  };
}

export function coalition(id: string, memberPartyIds: string[], overrides: Partial<Party> = {}): Party {
  return party(id, { kind: 'coalition', memberPartyIds, ...overrides });
}

export function membership(userId: string, partyId: string | null, overrides: Partial<Membership> = {}): Membership {
  return {
    id: `m-${userId}-${partyId ?? 'mediator'}`,
    negotiationId: NEGOTIATION,
    userId,
    partyId,
    role: partyId === null ? 'mediator' : 'negotiator',
    title: '',
    ...overrides,
  };
}

export function position(
  partyId: string,
  pointId: string,
  stance: Position['stance'],
  overrides: Partial<Position> = {},
): Position {
  return {
    id: `pos-${partyId}-${pointId}`,
    negotiationId: NEGOTIATION,
    versionId: 'v1',
    pointId,
    partyId,
    stance,
    proposedText: null,
    rationale: '',
    visibility: 'public',
    source: null,
    supportsOption: null,
    supportsAlternative: null,
    carriedFromVersionId: null,
    stale: false,
    revision: 1,
    updatedAt: '2025-11-23T12:00:00Z',
    updatedBy: null,
    ...overrides,
  };
}

/** An issue with options `<id>-<suffix>` labelled by the given labels. */
export function issue(
  id: string,
  name: string,
  options: Record<string, string>,
  overrides: Partial<Issue> = {},
): Issue {
  return {
    id,
    negotiationId: NEGOTIATION,
    name,
    description: '',
    pointIds: [],
    options: Object.entries(options).map(([optionId, label]) => ({ id: optionId, label, description: '' })),
    revision: 1,
    ...overrides,
  };
}

export function redLine(
  id: string,
  partyId: string,
  title: string,
  constraint: RedLineConstraint,
  overrides: Partial<RedLine> = {},
): RedLine {
  return {
    id,
    negotiationId: NEGOTIATION,
    partyId,
    title,
    description: '',
    constraint,
    visibility: 'public',
    source: null,
    revision: 1,
    ...overrides,
  };
}

export function track(id: string, partyIds: string[], pointIds: string[] = []): Track {
  return { id, negotiationId: NEGOTIATION, name: `Track ${id}`, description: '', pointIds, partyIds, revision: 1 };
}

export function stage(
  id: string,
  mode: ApprovalStage['mode'],
  approverUserIds: string[],
  deadline: string | null = null,
): ApprovalStage {
  return { id, name: `Stage ${id}`, mode, approverUserIds, deadline };
}

let approvalCounter = 0;
export function approval(stageId: string, userId: string, decision: Approval['decision'], at: string): Approval {
  approvalCounter += 1;
  return {
    id: `ap-${approvalCounter}`,
    ruleId: 'rule-1',
    stageId,
    versionId: 'v-1',
    contentHash: 'h-1',
    userId,
    decision,
    comment: '',
    at,
  };
}

export function round(id: string, startsOn: string, overrides: Partial<Round> = {}): Round {
  return {
    id,
    negotiationId: NEGOTIATION,
    title: `Round ${id}`,
    startsOn,
    endsOn: null,
    place: 'Geneva',
    participants: [],
    agendaPointIds: [],
    versionId: null,
    outcomeVersionId: null,
    outcome: '',
    statements: [],
    source: null,
    revision: 1,
    ...overrides,
  };
}
