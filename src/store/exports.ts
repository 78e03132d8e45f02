import {
  draftingLanguage,
  languageBehind,
  pointInLanguage,
  requireLanguage,
  textLanguages,
} from '../core/languages.ts';
import type { Id, Negotiation, VersionView } from '../core/model.ts';
import { canSeeTrack } from '../core/visibility.ts';
import type { ExportAmendment, ExportInput, WorkflowStep } from '../formats/types.ts';
import { agreementOn } from './agreement.ts';
import { describeAmendment, listAmendments } from './amendments.ts';
import { partyName, peopleNames } from './names.ts';
import { listPositions } from './positions.ts';
import { versionProvenance } from './provenance.ts';
import type { NegotiationContext, Store } from './store.ts';
import { getVersion } from './texts.ts';
import { versionApprovals } from './transmission.ts';

/**
 * What a version's export is made of, as the reader sees it: gathered only from the reader-view
 * reads (the version, its positions, the agreement on it, provenance, approvals and transmissions,
 * amendments), so a file holds nothing the reader could not read in the app. Points read in `lang`.
 *
 * @example (await exportInput(store, ctx, 'v3', { lang: 'uk', compare: 'v2', now: store.nowIso() })).version.points[0].title
 */
export async function exportInput(
  store: Store,
  ctx: NegotiationContext,
  versionId: Id,
  options: { lang?: string; compare?: Id; now: string },
): Promise<ExportInput> {
  const negotiation = ctx.negotiation;
  const drafting = draftingLanguage(negotiation);
  const all = textLanguages(negotiation);
  const lang = requireLanguage(negotiation, options.lang ?? drafting);
  const version = await getVersion(store, ctx, versionId);
  const compareWith = options.compare === undefined ? null : await getVersion(store, ctx, options.compare);
  const [positions, agreement, provenance, approvals, amendments, nameOf] = await Promise.all([
    listPositions(store, ctx, { versionId }),
    agreementOn(store, ctx, versionId),
    versionProvenance(store, ctx, versionId),
    versionApprovals(store, ctx, versionId),
    listAmendments(store, ctx, versionId),
    peopleNames(store.db, ctx),
  ]);
  const approvalSteps: WorkflowStep[] = approvals.rules.flatMap((rule) =>
    rule.approvals.map((approval) => ({
      kind: approval.decision === 'approve' ? 'approved' : approval.decision === 'reject' ? 'rejected' : 'sent_back',
      at: approval.at,
      partyId: ctx.memberships.find((m) => m.userId === approval.userId && m.partyId !== null)?.partyId ?? null,
      actor: nameOf(approval.userId),
      note: `${rule.ruleName}${approval.comment ? `: ${approval.comment}` : ''}`,
    })),
  );
  const workflow: WorkflowStep[] = [
    {
      kind: 'written' as const,
      at: version.createdAt,
      partyId: version.authorPartyId,
      actor: null,
      note: version.authorPartyId
        ? `written by ${partyName(ctx.parties, version.authorPartyId)}`
        : 'written by the mediators',
    },
    ...approvalSteps,
    ...(version.transmissions ?? [])
      .filter((t) => t.partyId !== version.authorPartyId)
      .map((t) => ({
        kind: 'transmitted' as const,
        at: t.at,
        partyId: t.partyId,
        actor: null,
        note: `received by ${partyName(ctx.parties, t.partyId)}`,
      })),
    ...(agreement.status.overall.complete && negotiation.lockedAt && negotiation.lockedVersionId === versionId
      ? [{ kind: 'agreed' as const, at: negotiation.lockedAt, partyId: null, actor: null, note: 'agreed by all' }]
      : []),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const complete = agreement.status.overall.complete;
  return {
    negotiation: { id: negotiation.id, title: negotiation.title, summary: negotiation.summary },
    version: inLanguage(version, lang, drafting),
    lang,
    languages: {
      drafting,
      all,
      authentic: negotiation.languages?.authentic ?? [drafting],
      prevailing: negotiation.languages?.prevailing ?? null,
    },
    languageBehind: pointsBehind(version, negotiation, lang),
    parties: ctx.parties,
    tracks: ctx.tracks.filter((track) => canSeeTrack(ctx.scope, track)),
    status: {
      label: complete ? 'Agreed ad referendum' : 'Draft — not agreed',
      agreed: complete,
      obstacles: agreement.obstacles,
    },
    positions,
    provenance: provenance.provenance,
    compareWith: compareWith && inLanguage(compareWith, lang, drafting),
    workflow,
    amendments: amendments.map((a): ExportAmendment => ({
      id: a.id,
      partyId: a.partyId,
      pointId: a.change.kind === 'addPoint' ? null : a.change.pointId,
      state: a.state,
      description: describeAmendment(ctx.parties, version.points, a),
      justification: a.justification,
    })),
    generatedAt: options.now,
  };
}

/** A version with its points' wording in `lang` (as it is where a point has no translation). */
function inLanguage(version: VersionView, lang: string, drafting: string): VersionView {
  return { ...version, points: version.points.map((point) => pointInLanguage(point, lang, drafting).point) };
}

/**
 * The points whose text in `lang` is behind another language (`core/languages.ts` records which
 * ones are out of date when a version is made), or missing: a missing text is behind the drafting one.
 */
function pointsBehind(
  version: VersionView,
  negotiation: Pick<Negotiation, 'languages'>,
  lang: string,
): ExportInput['languageBehind'] {
  const languages = { drafting: draftingLanguage(negotiation), all: textLanguages(negotiation) };
  return languageBehind(version.points, languages).flatMap((point) => {
    const behind = point.missing.includes(lang) ? [languages.drafting] : (point.of[lang] ?? []);
    return behind.length > 0 ? [{ pointId: point.pointId, behind }] : [];
  });
}
