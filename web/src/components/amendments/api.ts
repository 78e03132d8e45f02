import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { Version } from '../../api/queries';
import type { Amendment, AmendmentChange } from './anchor';

/** Under the live topic `amendment`: an event naming it refreshes these readings. */
export const amendmentKeys = {
  all: (id: string) => ['amendment', id] as const,
  ofVersion: (id: string, versionId: string) => ['amendment', id, 'version', versionId] as const,
};

const item = (id: string, itemId: string) => ({ params: { path: { id, itemId } } });

/** The amendments to a version the reader may see (the server leaves out the rest). */
export const useAmendments = (id: string, versionId: string | undefined) =>
  useQuery({
    queryKey: amendmentKeys.ofVersion(id, versionId ?? ''),
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/versions/{itemId}/amendments', item(id, versionId!))),
    enabled: !!versionId,
  });

export const propose = (
  id: string,
  versionId: string,
  body: { partyId?: string; change: AmendmentChange; justification: string },
) => unwrap(api.POST('/api/negotiations/{id}/versions/{itemId}/amendments', { ...item(id, versionId), body }));

export const edit = (id: string, amendment: Amendment, body: { change: AmendmentChange; justification: string }) =>
  unwrap(
    api.PATCH('/api/negotiations/{id}/amendments/{itemId}', {
      ...item(id, amendment.id),
      body: { revision: amendment.revision, ...body },
    }),
  );

export const table = (id: string, amendmentId: string, to: 'mediators' | 'table') =>
  unwrap(api.POST('/api/negotiations/{id}/amendments/{itemId}/table', { ...item(id, amendmentId), body: { to } }));

export const decide = (
  id: string,
  amendmentId: string,
  body: { decision: 'accept' | 'reject'; change?: AmendmentChange; note?: string },
) => unwrap(api.POST('/api/negotiations/{id}/amendments/{itemId}/decision', { ...item(id, amendmentId), body }));

export const withdraw = (id: string, amendmentId: string) =>
  unwrap(api.POST('/api/negotiations/{id}/amendments/{itemId}/withdraw', item(id, amendmentId)));

export const consolidate = (
  id: string,
  versionId: string,
  body: { label: string; summary?: string },
): Promise<Version> =>
  unwrap(api.POST('/api/negotiations/{id}/versions/{itemId}/consolidate', { ...item(id, versionId), body }));

/** After a change: the amendments, and (a consolidation made one) the versions. */
export async function refresh(client: QueryClient, id: string, versions = false): Promise<void> {
  await client.invalidateQueries({ queryKey: amendmentKeys.all(id) });
  if (versions) await client.invalidateQueries({ queryKey: ['versions', id] });
}
