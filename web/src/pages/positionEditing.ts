import { api, ApiError } from '../api/client';
import type { Issue, Point, Position } from '../api/queries';
import type { Stance, Visibility } from '../components/PositionBadge';

/** What a person fills in for a position: the same fields on a new one and on a change. */
export interface PositionFields {
  stance: Stance;
  proposedText: string | null;
  rationale: string;
  visibility: Visibility;
  supportsOption: Position['supportsOption'];
  supportsAlternative: Position['supportsAlternative'];
}

export const fieldsOf = (position: Position): PositionFields => ({
  stance: position.stance,
  proposedText: position.proposedText,
  rationale: position.rationale,
  visibility: position.visibility,
  supportsOption: position.supportsOption,
  supportsAlternative: position.supportsAlternative,
});

/** The issues a point decides: the ones it names, and the ones that name it. */
export const issuesOfPoint = (point: Point, issues: Issue[]): Issue[] =>
  issues.filter((issue) => point.issueIds.includes(issue.id) || issue.pointIds.includes(point.id));

/** The answer of a change: the stored position, or the server's refusal (a 409 with the current state). */
export type SaveResult = { ok: true; position: Position } | { ok: false; error: ApiError; current: Position | null };

function refusal(error: unknown, response: Response): { ok: false; error: ApiError; current: Position | null } {
  const problem = (error ?? {}) as { detail?: string; title?: string; field?: string; current?: unknown };
  const current =
    response.status === 409 && problem.current && typeof problem.current === 'object'
      ? (problem.current as Position)
      : null;
  return {
    ok: false,
    error: new ApiError(
      response.status,
      problem.detail ?? problem.title ?? `the server answered ${response.status}`,
      problem.field,
    ),
    current,
  };
}

/**
 * Records a party's position on a point: a new one (POST), or a change of the one at `base` (PATCH
 * with its revision). Network failures throw; refusals are returned with the server's words.
 */
export async function savePosition(
  negotiationId: string,
  target: { versionId: string; pointId: string; partyId: string },
  fields: PositionFields,
  base: { positionId: string; revision: number } | null,
): Promise<SaveResult> {
  if (base) {
    const { data, error, response } = await api.PATCH('/api/negotiations/{id}/positions/{itemId}', {
      params: { path: { id: negotiationId, itemId: base.positionId } },
      body: { revision: base.revision, ...fields },
    });
    return data && response.ok ? { ok: true, position: data } : refusal(error, response);
  }
  const { data, error, response } = await api.POST('/api/negotiations/{id}/positions', {
    params: { path: { id: negotiationId } },
    body: { ...target, ...fields },
  });
  return data && response.ok ? { ok: true, position: data } : refusal(error, response);
}

/** Records the same position on many points in one transaction (all or none). */
export async function saveBatch(
  negotiationId: string,
  targets: { versionId: string; pointId: string; partyId: string }[],
  fields: Omit<PositionFields, 'supportsOption' | 'supportsAlternative'>,
): Promise<{ ok: true; positions: Position[] } | { ok: false; error: ApiError }> {
  const { data, error, response } = await api.POST('/api/negotiations/{id}/positions/batch', {
    params: { path: { id: negotiationId } },
    body: { positions: targets.map((target) => ({ ...target, ...fields })) },
  });
  if (data && response.ok) return { ok: true, positions: data };
  return { ok: false, error: refusal(error, response).error };
}
