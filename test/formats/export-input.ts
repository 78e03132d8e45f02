// A reader's ExportInput gathered from the store's reader-view functions, for the format tests.
// Stands in for store/exports.ts's exportInput(...) until it lands; swap it for that then.
import { draftingLanguage, pointInLanguage, textLanguages } from '../../src/core/languages.ts';
import type { Id } from '../../src/core/model.ts';
import type { ExportInput, WorkflowStep } from '../../src/formats/types.ts';
import { agreementOn } from '../../src/store/agreement.ts';
import { describeAmendment, listAmendments } from '../../src/store/amendments.ts';
import { listPositions } from '../../src/store/positions.ts';
import type { NegotiationContext, Store } from '../../src/store/store.ts';
import { getVersion } from '../../src/store/texts.ts';
import { listTracks } from '../../src/store/tracks.ts';
import { versionApprovals } from '../../src/store/transmission.ts';

const DECISIONS = { approve: 'approved', reject: 'rejected', send_back: 'sent_back' } as const;

export async function readerExportInput(
  store: Store,
  ctx: NegotiationContext,
  versionId: Id,
  lang = draftingLanguage(ctx.negotiation),
  generatedAt = '2025-11-25T12:00:00.000Z',
): Promise<ExportInput> {
  const view = await getVersion(store, ctx, versionId);
  const drafting = draftingLanguage(ctx.negotiation);
  const version = { ...view, points: view.points.map((p) => pointInLanguage(p, lang, drafting).point) };
  const agreement = await agreementOn(store, ctx, versionId);
  const approvals = (await versionApprovals(store, ctx, versionId)).rules.flatMap((rule) => rule.approvals);
  const workflow: WorkflowStep[] = [
    ...approvals.map((a) => ({
      kind: DECISIONS[a.decision],
      at: a.at,
      partyId: null,
      actor: null,
      note: a.comment ?? '',
    })),
    ...(view.transmissions ?? []).map((t) => ({
      kind: 'transmitted' as const,
      at: t.at,
      partyId: t.partyId,
      actor: null,
      note: '',
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const amendments = (await listAmendments(store, ctx, versionId)).map((a) => ({
    id: a.id,
    partyId: a.partyId,
    pointId: a.change.kind === 'addPoint' ? null : a.change.pointId,
    state: a.state,
    description: describeAmendment(ctx.parties, view.points, a),
    justification: a.justification,
  }));
  const languages = ctx.negotiation.languages;
  return {
    negotiation: { id: ctx.negotiation.id, title: ctx.negotiation.title, summary: ctx.negotiation.summary },
    version,
    lang,
    languages: {
      drafting,
      all: textLanguages(ctx.negotiation),
      authentic: languages?.authentic ?? [drafting],
      prevailing: languages?.prevailing ?? null,
    },
    languageBehind: [],
    parties: ctx.parties,
    tracks: await listTracks(store, ctx),
    status: {
      label: agreement.status.overall.complete ? 'Agreed ad referendum' : 'Draft — not agreed',
      agreed: agreement.status.overall.complete,
      obstacles: agreement.obstacles,
    },
    positions: await listPositions(store, ctx, { versionId }),
    provenance: null,
    compareWith: null,
    workflow,
    amendments,
    generatedAt,
  };
}
