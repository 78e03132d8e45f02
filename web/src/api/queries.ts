import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api, ApiError, unwrap, type Schemas } from './client';

export type Version = Schemas['Version'];
export type Point = Schemas['Point'];
export type Position = Schemas['Position'];
export type Party = Schemas['Party'];
export type Member = Schemas['Member'];
export type Issue = Schemas['Issue'];
export type RedLine = Schemas['RedLine'];
export type RedLineReport = Schemas['RedLineReport'];
export type Round = Schemas['Round'];
export type Statement = Schemas['PublicStatement'];
export type Track = Schemas['Track'];
export type Rule = Schemas['TransmissionRule'];
export type TextApprovals = Schemas['TextApprovals'];
export type Progress = Schemas['Progress'];
export type Analysis = Schemas['Analysis'];
export type Release = Schemas['Release'];
export type Seat = Schemas['Seat'];
export type Comparison = Schemas['Comparison'];
export type Invitation = Schemas['Invitation'];
export type Proposal = Schemas['Proposal'];
export type Preference = Schemas['Preference'];

/**
 * Query keys begin with the live topic they belong to (see src/server/live.ts), then the
 * negotiation: an event naming a topic refreshes exactly the queries under it.
 */
export const keys = {
  negotiations: () => ['negotiations'] as const,
  negotiation: (id: string) => ['negotiation', id, 'detail'] as const,
  seat: (id: string) => ['negotiation', id, 'seat'] as const,
  parties: (id: string) => ['negotiation', id, 'parties'] as const,
  members: (id: string) => ['negotiation', id, 'members'] as const,
  tracks: (id: string) => ['negotiation', id, 'tracks'] as const,
  invitations: (id: string) => ['negotiation', id, 'invitations'] as const,
  proposals: (id: string) => ['negotiation', id, 'proposals'] as const,
  versions: (id: string, withdrawn = false) => ['versions', id, 'list', withdrawn] as const,
  document: (id: string, version?: string, lang?: string) =>
    ['versions', id, 'document', version ?? null, lang ?? null] as const,
  version: (id: string, version: string) => ['versions', id, 'one', version] as const,
  compare: (id: string, version: string, base?: string, lang?: string) =>
    ['versions', id, 'compare', version, base ?? null, lang ?? null] as const,
  positions: (id: string, version?: string) => ['positions', id, version ?? null] as const,
  approvals: (id: string, version: string) => ['approvals', id, version] as const,
  issues: (id: string) => ['issues', id] as const,
  redLines: (id: string) => ['red-lines', id, 'list'] as const,
  redLineReport: (id: string, version: string) => ['red-lines', id, 'report', version] as const,
  preferences: (id: string) => ['preferences', id] as const,
  rounds: (id: string, cancelled = false) => ['rounds', id, cancelled] as const,
  statements: (id: string, retracted = false) => ['statements', id, retracted] as const,
  rules: (id: string) => ['transmission-rules', id] as const,
  releases: (id: string) => ['releases', id] as const,
  progress: (id: string) => ['progress', id] as const,
};

/** Readings that depend on more than their own topic: a red-line report on the versions and issues too. */
const ALSO_REFRESHES: Record<string, string[]> = {
  versions: ['red-lines', 'approvals'],
  issues: ['red-lines'],
  positions: ['progress'],
  // An analysis goes stale when its inputs change (the server names `analyses` too; this covers a reconnection).
  'red-lines': ['analyses'],
  preferences: ['analyses'],
};

/** Refreshes what a live event says changed, for one negotiation. */
export function refreshTopics(client: QueryClient, negotiationId: string, topics: string[]): void {
  const all = new Set(topics.flatMap((topic) => [topic, ...(ALSO_REFRESHES[topic] ?? [])]));
  for (const topic of all) void client.invalidateQueries({ queryKey: [topic, negotiationId] });
  if (all.has('negotiation')) void client.invalidateQueries({ queryKey: keys.negotiations() });
}

const path = (id: string) => ({ params: { path: { id } } });
const item = (id: string, itemId: string) => ({ params: { path: { id, itemId } } });

export const useNegotiations = () =>
  useQuery({ queryKey: keys.negotiations(), queryFn: () => unwrap(api.GET('/api/negotiations')) });
export const useNegotiation = (id: string) =>
  useQuery({ queryKey: keys.negotiation(id), queryFn: () => unwrap(api.GET('/api/negotiations/{id}', path(id))) });
export const useSeat = (id: string) =>
  useQuery({ queryKey: keys.seat(id), queryFn: () => unwrap(api.GET('/api/negotiations/{id}/seat', path(id))) });
export const useParties = (id: string) =>
  useQuery({
    queryKey: keys.parties(id),
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/parties', path(id))),
  });
export const useMembers = (id: string) =>
  useQuery({
    queryKey: keys.members(id),
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/members', path(id))),
  });
export const useTracks = (id: string) =>
  useQuery({ queryKey: keys.tracks(id), queryFn: () => unwrap(api.GET('/api/negotiations/{id}/tracks', path(id))) });
export const useInvitations = (id: string, enabled = true) =>
  useQuery({
    queryKey: keys.invitations(id),
    enabled,
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/invitations', path(id))),
  });
/** Seat and coalition changes awaiting (or given) the consent of the parties they touch. */
export const useProposals = (id: string) =>
  useQuery({
    queryKey: keys.proposals(id),
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/proposals', path(id))),
  });
export const useVersions = (id: string, withdrawn = false) =>
  useQuery({
    queryKey: keys.versions(id, withdrawn),
    queryFn: () =>
      unwrap(
        api.GET('/api/negotiations/{id}/versions', {
          params: { path: { id }, query: { withdrawn: withdrawn ? 'true' : 'false' } },
        }),
      ),
  });
/** The document (a version, by default the current one); with `lang`, its points' wording in that language. */
export const useDocument = (id: string, version?: string, lang?: string, enabled = true) =>
  useQuery({
    queryKey: keys.document(id, version, lang),
    enabled,
    queryFn: () =>
      unwrap(api.GET('/api/negotiations/{id}/document', { params: { path: { id }, query: { version, lang } } })),
  });
export const useVersion = (id: string, version: string | undefined) =>
  useQuery({
    queryKey: keys.version(id, version ?? ''),
    enabled: !!version,
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/versions/{itemId}', item(id, version!))),
  });
export const useCompare = (id: string, version: string | undefined, base?: string, lang?: string) =>
  useQuery({
    queryKey: keys.compare(id, version ?? '', base, lang),
    enabled: !!version,
    queryFn: () =>
      unwrap(
        api.GET('/api/negotiations/{id}/versions/{itemId}/compare', {
          params: { path: { id, itemId: version! }, query: { base, lang } },
        }),
      ),
  });
export const usePositions = (id: string, version?: string) =>
  useQuery({
    queryKey: keys.positions(id, version),
    queryFn: () =>
      unwrap(api.GET('/api/negotiations/{id}/positions', { params: { path: { id }, query: { version } } })),
  });
export const useApprovals = (id: string, version: string | undefined) =>
  useQuery({
    queryKey: keys.approvals(id, version ?? ''),
    enabled: !!version,
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/versions/{itemId}/approvals', item(id, version!))),
  });
export const useIssues = (id: string) =>
  useQuery({ queryKey: keys.issues(id), queryFn: () => unwrap(api.GET('/api/negotiations/{id}/issues', path(id))) });
export const useRedLines = (id: string) =>
  useQuery({
    queryKey: keys.redLines(id),
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/red-lines', path(id))),
  });
export const useRedLineReport = (id: string, version: string | undefined) =>
  useQuery({
    queryKey: keys.redLineReport(id, version ?? ''),
    enabled: !!version,
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/versions/{itemId}/red-lines', item(id, version!))),
  });
export const usePreferences = (id: string) =>
  useQuery({
    queryKey: keys.preferences(id),
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/preferences', path(id))),
  });
export const useRounds = (id: string, cancelled = false) =>
  useQuery({
    queryKey: keys.rounds(id, cancelled),
    queryFn: () =>
      unwrap(
        api.GET('/api/negotiations/{id}/rounds', {
          params: { path: { id }, query: { cancelled: cancelled ? 'true' : 'false' } },
        }),
      ),
  });
export const useStatements = (id: string, retracted = false) =>
  useQuery({
    queryKey: keys.statements(id, retracted),
    queryFn: () =>
      unwrap(
        api.GET('/api/negotiations/{id}/statements', {
          params: { path: { id }, query: { retracted: retracted ? 'true' : 'false' } },
        }),
      ),
  });
export const useRules = (id: string) =>
  useQuery({
    queryKey: keys.rules(id),
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/transmission-rules', path(id))),
  });
export const useReleases = (id: string) =>
  useQuery({
    queryKey: keys.releases(id),
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/releases', path(id))),
  });
export const useProgress = (id: string) =>
  useQuery({
    queryKey: keys.progress(id),
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/progress', path(id))),
  });

// --- The text and the positions matrix ---

/** The positions on one version, once it is known (nothing is asked before: no version means no reading). */
export const usePositionsOn = (id: string, version: string | undefined) =>
  useQuery({
    queryKey: keys.positions(id, version ?? ''),
    enabled: !!version,
    queryFn: () =>
      unwrap(api.GET('/api/negotiations/{id}/positions', { params: { path: { id }, query: { version: version! } } })),
  });

// The dashboard: what each version is worth to the reader's party (or, for a mediator, to each party
// that shared its preferences). Under the preferences topic, and keyed by the versions the reader
// sees, so that a new version or a changed preference both bring a fresh answer.
export type Utilities = Schemas['Utilities'];
export const useUtilities = (id: string, versionIds: string[] | undefined) =>
  useQuery({
    queryKey: ['preferences', id, 'utilities', versionIds ?? []] as const,
    enabled: versionIds !== undefined,
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/utilities', path(id))),
  });
/** The document as it stands, asked for only when `enabled` (the dashboard has it from the versions when it can). */
export const useDocumentWhen = (id: string, enabled: boolean) =>
  useQuery({
    queryKey: keys.document(id),
    enabled,
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/document', { params: { path: { id } } })),
  });

// ---------------------------------------------------------------- settlement: one's own analyses

export type AnalysisSummary = Schemas['AnalysisSummary'];
/** Under the live topic `analyses`: the reader's list, and each analysis they open. */
export const analysisKeys = {
  list: (id: string) => ['analyses', id, 'list'] as const,
  one: (id: string, itemId: string) => ['analyses', id, 'one', itemId] as const,
};
export const useAnalyses = (id: string) =>
  useQuery({
    queryKey: analysisKeys.list(id),
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/analyses', path(id))),
  });
export type AnalysisJob = Schemas['AnalysisJob'];

/**
 * Asks for an analysis. A long one is answered 202 with a job: it is followed (each look waits on
 * the server until the job ends, up to 10 s) until its analysis is there, which is then read.
 */
export async function requestAnalysis(id: string, body: { versionId?: string; setAside: string[] }): Promise<Analysis> {
  const answer = await api.POST('/api/negotiations/{id}/analyses', { params: { path: { id } }, body });
  if (answer.response.status !== 202) return (await unwrap(Promise.resolve(answer))) as Analysis;
  let job = answer.data as AnalysisJob;
  while (job.state === 'queued' || job.state === 'running')
    job = await unwrap(
      api.GET('/api/negotiations/{id}/analysis-jobs/{itemId}', {
        params: { path: { id, itemId: job.jobId }, query: { wait: 10 } },
      }),
    );
  if (job.state === 'failed' || !job.analysisId)
    throw new ApiError(400, job.error ?? 'the analysis failed; run it again', 'versionId');
  return unwrap(api.GET('/api/negotiations/{id}/analyses/{itemId}', item(id, job.analysisId)));
}
export const useAnalysis = (id: string, itemId: string | undefined) =>
  useQuery({
    queryKey: analysisKeys.one(id, itemId ?? ''),
    enabled: !!itemId,
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/analyses/{itemId}', item(id, itemId!))),
  });
