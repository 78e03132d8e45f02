import type { AmendmentChange } from '../core/amendments.ts';
import type {
  Approval,
  Id,
  Issue,
  Negotiation,
  Party,
  Position,
  Preference,
  PublicStatement,
  RedLine,
  Role,
  Round,
  Track,
  TransmissionRule,
  Version,
} from '../core/model.ts';

/** Fields the store fills in itself when a scenario is loaded. */
type Stored = 'negotiationId' | 'revision';

export interface ScenarioUser {
  id: Id;
  email: string;
  name: string;
  isAdmin: boolean;
  memberships: { partyId: Id | null; role: Role; title: string }[];
}

/** A version of the scenario with the parties it has been transmitted to (its author party included). */
export type ScenarioVersion = Omit<Version, 'negotiationId'> & { recipientPartyIds: Id[] };

/**
 * An amendment of the scenario, tabled (to `tabledTo`), and decided when `decision` is set; one with
 * `consolidatedIn` was folded into that version (a child of the amended one) by its pen-holder, and the
 * loader checks that consolidating it gives that version's wording. `newPointId`: the id of the point
 * an `addPoint` amendment added there.
 */
export interface ScenarioAmendment {
  id: Id;
  versionId: Id;
  partyId: Id;
  change: AmendmentChange;
  justification: string;
  createdBy: Id;
  createdAt: string;
  tabledTo: 'mediators' | 'table' | null;
  tabledAt: string | null;
  decision: { decision: 'accept' | 'reject'; note: string; at: string } | null;
  consolidatedIn?: Id;
  newPointId?: Id;
}

/**
 * A whole negotiation as plain data, loaded by `loadScenario` in one go. Ids are readable and fixed so
 * that documentation, tests and links can name them. Lists are in creation order: a version comes after
 * its parent, an approval after its rule.
 */
export interface Scenario {
  negotiation: Omit<Negotiation, 'revision'>;
  parties: Omit<Party, Stored>[];
  users: ScenarioUser[];
  issues: Omit<Issue, Stored>[];
  versions: ScenarioVersion[];
  positions: Omit<Position, Stored>[];
  redLines: Omit<RedLine, Stored>[];
  preferences: Omit<Preference, Stored>[];
  rounds: Omit<Round, Stored>[];
  statements: Omit<PublicStatement, 'negotiationId'>[];
  tracks: Omit<Track, Stored>[];
  transmissionRules: Omit<TransmissionRule, Stored>[];
  /** Decisions on texts; each is bound to the content of its version when loaded. */
  approvals: Omit<Approval, 'contentHash'>[];
  /** Amendments, after their versions (none when absent). */
  amendments?: ScenarioAmendment[];
}
