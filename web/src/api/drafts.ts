import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from './client';

/** Drafts: texts written in place, saved at a revision as they are typed, issued as versions. */
export type Draft = Schemas['Draft'];
export type DraftPoint = Draft['points'][number];

/** Under the live topic `draft`: a save by another editor of the same draft refreshes it. */
export const draftKeys = {
  one: (id: string, draftId: string) => ['draft', id, draftId] as const,
};

const item = (id: string, itemId: string) => ({ params: { path: { id, itemId } } });

export const useDraft = (id: string, draftId: string) =>
  useQuery({
    queryKey: draftKeys.one(id, draftId),
    queryFn: () => unwrap(api.GET('/api/negotiations/{id}/drafts/{itemId}', item(id, draftId))),
    // The editor keeps what is typed: a draft read once, then saved; a newer one arrives as a 409.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });

export const createDraft = (
  id: string,
  body: { baseVersionId: string | null; partyId: string | null; label: string },
) => unwrap(api.POST('/api/negotiations/{id}/drafts', { params: { path: { id } }, body }));

export const saveDraft = (
  id: string,
  draftId: string,
  body: {
    revision: number;
    label: string;
    summary: string;
    points: DraftPoint[];
    optionChoices?: Record<string, string>;
  },
) => unwrap(api.PUT('/api/negotiations/{id}/drafts/{itemId}', { ...item(id, draftId), body }));

export const issueDraft = (id: string, draftId: string) =>
  unwrap(api.POST('/api/negotiations/{id}/drafts/{itemId}/issue', item(id, draftId)));
