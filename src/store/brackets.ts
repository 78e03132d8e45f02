import { bracketHistory, openBracketCounts, type ChainVersion } from '../core/brackets.ts';
import { findPlaceholders } from '../core/document.ts';
import { DomainError, forbidden, invalid, notFound } from '../core/errors.ts';
import type { BracketClosure, BracketLife, Id, Point, Version, VersionView } from '../core/model.ts';
import { canSeePoint, canSendForParty } from '../core/visibility.ts';
import { requireUnlocked } from './agreement.ts';
import { requireMediator } from './guards.ts';
import { partyName, peopleNames } from './names.ts';
import { listRounds } from './rounds.ts';
import type { Executor, NegotiationContext, Store } from './store.ts';
import { getVersion, listVersions, requireStanding, textForDecision, textRecords } from './texts.ts';
import { createVersion } from './versions.ts';

/**
 * Brackets with a life (`core/brackets.ts`): the pen-holder closes a bracket by choosing one of its
 * alternatives or dropping its language, which makes the next version; the closure records when, in
 * which round, by whom and with whose agreement. Each bracket's history is read over the versions the
 * reader may see.
 */

/** How a bracket was closed, as recorded when the pen-holder closed it. */
export interface BracketClosureRecord {
  bracketId: Id;
  pointId: Id;
  /** The version the bracket stood in, and the one that closed it. */
  versionId: Id;
  closedInVersionId: Id;
  how: { chosen: number } | { dropped: true };
  agreedBy: Id[];
  roundId: Id | null;
  by: Id;
  at: string;
}

/** What the pen-holder sends to close a bracket. */
export type BracketCloseInput = ({ choose: number; drop?: undefined } | { drop: true; choose?: undefined }) & {
  agreedBy: Id[];
  roundId?: Id | null;
  label?: string;
};

/** The recorded closures of a negotiation, oldest first. */
export async function bracketClosures(db: Executor, negotiationId: Id): Promise<BracketClosureRecord[]> {
  const rows = await db
    .selectFrom('bracket_closures')
    .select('data')
    .where('negotiation_id', '=', negotiationId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((row) => JSON.parse(row.data) as BracketClosureRecord);
}

/**
 * The point's text with a placeholder replaced by `wording`; when nothing replaces it, a doubled space
 * or a space before punctuation left at its place goes too.
 */
export function resolvePlaceholder(text: string, bracketId: Id, wording: string): string {
  const placeholder = findPlaceholders(text).find((p) => p.id === bracketId)!;
  let before = text.slice(0, placeholder.start);
  let after = text.slice(placeholder.end);
  if (wording === '') {
    if (/\s$/.test(before) && (/^\s/.test(after) || /^[.,;:)]/.test(after) || after === '')) before = before.trimEnd();
    else if (before === '') after = after.trimStart();
  }
  return before + wording + after;
}

/**
 * A point's translations with a bracket closed in each as in its own text: the chosen alternative's
 * wording in that language (the drafting language's where the translation has none), or nothing when
 * the bracket is dropped. Every language changes together, so none falls behind for the closing.
 */
function closedInTranslations(
  point: Point,
  bracketId: Id,
  choose: number | undefined,
  draftingWording: string,
): NonNullable<Point['translations']> {
  return Object.fromEntries(
    Object.entries(point.translations ?? {}).map(([lang, t]) => {
      const wording = choose === undefined ? '' : (t.alternatives[bracketId]?.[choose] ?? draftingWording);
      const { [bracketId]: _closed, ...alternatives } = t.alternatives;
      const text = findPlaceholders(t.text).some((p) => p.id === bracketId)
        ? resolvePlaceholder(t.text, bracketId, wording)
        : t.text;
      return [lang, { ...t, text, alternatives }];
    }),
  );
}

/** The pen-holder of a version: the mediators for a text of the table, the author's principal or lead for a party's. */
function requirePenHolder(ctx: NegotiationContext, version: Version): void {
  if (version.authorPartyId === null) {
    requireMediator(ctx, 'close a bracket in a text of the table (the mediators hold its pen)');
    return;
  }
  if (!canSendForParty(ctx.scope, version.authorPartyId))
    throw forbidden(
      `only the principal or the lead of ${partyName(ctx.parties, version.authorPartyId)} closes brackets in its text`,
    );
}

/**
 * Closes a bracket of a version: the alternative chosen stands at its place (or its language is
 * dropped), in a new version made from this one through `createVersion` (limits, gate and audit hold),
 * with the closure recorded in the same transaction. When the closed version was the negotiation's
 * current text, the new one becomes current. A bracket closed already in this version, or not in it,
 * is refused with what to do.
 */
export async function closeBracket(
  store: Store,
  ctx: NegotiationContext,
  versionId: Id,
  bracketId: Id,
  input: BracketCloseInput,
): Promise<{ version: VersionView; closure: BracketClosureRecord }> {
  requireUnlocked(ctx);
  await getVersion(store, ctx, versionId);
  const { version } = await textForDecision(store, ctx, versionId);
  requirePenHolder(ctx, version);
  requireStanding(version, 'close brackets in');
  const closures = await bracketClosures(store.db, ctx.negotiation.id);
  const earlier = closures.find((c) => c.bracketId === bracketId && c.versionId === versionId);
  if (earlier) throw alreadyClosed(await names(store, ctx), earlier);
  const point = version.points.find((p) => p.brackets.some((b) => b.id === bracketId));
  if (!point || !canSeePoint(ctx.scope, point, ctx.tracks)) {
    const later = closures.find((c) => c.bracketId === bracketId);
    throw notFound(
      `bracket "${bracketId}" open in version "${version.label}"${later ? ` (it was closed on ${later.at}; close the brackets still open in the newest version)` : ''}`,
    );
  }
  const bracket = point.brackets.find((b) => b.id === bracketId)!;
  if ((input.choose === undefined) === (input.drop === undefined))
    throw invalid('choose', 'give either choose (the place of the alternative, 0 for A) or drop: true');
  if (input.choose !== undefined && (input.choose < 0 || input.choose >= bracket.alternatives.length))
    throw invalid(
      'choose',
      `the bracket has ${bracket.alternatives.length} alternatives: choose 0 (A) to ${bracket.alternatives.length - 1} (${String.fromCharCode(64 + bracket.alternatives.length)})`,
    );
  if (input.agreedBy.length === 0)
    throw invalid('agreedBy', 'name the parties whose agreement closes the bracket (at least one)');
  for (const partyId of input.agreedBy)
    if (!ctx.parties.some((p) => p.id === partyId))
      throw invalid('agreedBy', `"${partyId}" is not a party of this negotiation`);
  const roundId = input.roundId ?? null;
  if (roundId !== null && !(await listRounds(store, ctx)).some((r) => r.id === roundId && !r.cancelledAt))
    throw invalid('roundId', `round "${roundId}" does not exist, was cancelled, or you may not see it`);
  const how: BracketClosureRecord['how'] = input.choose !== undefined ? { chosen: input.choose } : { dropped: true };
  const wording = input.choose !== undefined ? bracket.alternatives[input.choose]!.text : '';
  const points: Point[] = version.points.map((p) =>
    p.id !== point.id
      ? p
      : {
          ...p,
          text: resolvePlaceholder(p.text, bracketId, wording),
          brackets: p.brackets.filter((b) => b.id !== bracketId),
          ...(p.translations ? { translations: closedInTranslations(p, bracketId, input.choose, wording) } : {}),
        },
  );
  const letter =
    input.choose !== undefined ? `alternative ${String.fromCharCode(65 + input.choose)} chosen` : 'dropped';
  let closure: BracketClosureRecord | null = null;
  const made = await createVersion(
    store,
    ctx,
    {
      parentId: version.id,
      kind: version.kind,
      label: input.label ?? `${version.label}, bracket in point ${point.number} closed`,
      summary: `Point ${point.number}: the bracket ${bracketId} closed (${letter}).`,
      authorPartyId: version.authorPartyId,
      points,
      optionChoices: version.optionChoices,
      source: version.source,
    },
    {
      alsoInTransaction: async (trx, record, next) => {
        const again = (await bracketClosures(trx, ctx.negotiation.id)).find(
          (c) => c.bracketId === bracketId && c.versionId === versionId,
        );
        if (again) throw alreadyClosed(await names(store, ctx), again);
        closure = {
          bracketId,
          pointId: point.id,
          versionId,
          closedInVersionId: next.id,
          how,
          agreedBy: [...new Set(input.agreedBy)],
          roundId,
          by: ctx.user.id,
          at: next.createdAt,
        };
        const id = store.id();
        await trx
          .insertInto('bracket_closures')
          .values({
            id,
            negotiation_id: ctx.negotiation.id,
            bracket_id: bracketId,
            version_id: versionId,
            closed_in_version_id: next.id,
            data: JSON.stringify(closure),
            at: closure.at,
          })
          .execute();
        await record({
          action: 'bracket.close',
          entityId: id,
          negotiationId: ctx.negotiation.id,
          before: null,
          after: closure,
        });
        if (ctx.negotiation.currentVersionId === versionId) {
          const row = await trx
            .selectFrom('negotiations')
            .select(['data', 'revision'])
            .where('id', '=', ctx.negotiation.id)
            .executeTakeFirstOrThrow();
          const before = JSON.parse(row.data);
          const after = { ...before, currentVersionId: next.id };
          await trx
            .updateTable('negotiations')
            .set({ data: JSON.stringify(after), revision: row.revision + 1 })
            .where('id', '=', ctx.negotiation.id)
            .execute();
          await record({
            action: 'negotiation.update',
            entityId: ctx.negotiation.id,
            negotiationId: ctx.negotiation.id,
            before: { ...before, revision: row.revision },
            after: { ...after, revision: row.revision + 1 },
          });
        }
      },
    },
  );
  return { version: made, closure: closure! };
}

async function names(store: Store, ctx: NegotiationContext) {
  return peopleNames(store.db, ctx);
}

function alreadyClosed(person: (id: Id) => string, closure: BracketClosureRecord): DomainError {
  return new DomainError(
    'conflict',
    `bracket "${closure.bracketId}" was already closed in this version by ${person(closure.by)} on ${closure.at}: close the brackets still open in the version that closing made`,
  );
}

/** A bracket's life as a reader may see it, with its closure as recorded when the pen-holder closed it. */
export type BracketLifeView = BracketLife & {
  closure: { agreedBy: Id[]; agreedByNames: string[]; roundId: Id | null; by: string; at: string } | null;
};

/**
 * Each bracket's life over the chain of versions that led to `versionId`, as far as the reader may
 * see: the versions of the chain the reader received (a version they never received is left out, so
 * what changed in it reads as changed in the next one they have), and the brackets of points they may
 * see. Where the pen-holder recorded the closure, how it closed is as recorded, with whose agreement,
 * in which round and by whom. With the number of brackets open in each version of that chain.
 *
 * @example (await bracketLives(store, ctx, 'v3')).counts // [{ versionId: 'v1', roundId: 'r1', open: 3 }, …]
 */
export async function bracketLives(
  store: Store,
  ctx: NegotiationContext,
  versionId: Id,
): Promise<{
  versionId: Id;
  lives: BracketLifeView[];
  counts: { versionId: Id; roundId: Id | null; open: number }[];
}> {
  await getVersion(store, ctx, versionId);
  const visible = await listVersions(store, ctx);
  const seen = new Set(visible.map((v) => v.id));
  const stored = new Map((await textRecords(store, ctx)).map((r) => [r.version.id, r.version]));
  const rounds = await listRounds(store, ctx, visible);
  const roundOf = (id: Id) => rounds.find((r) => r.outcomeVersionId === id && !r.cancelledAt)?.id ?? null;
  const chain: Version[] = [];
  for (
    let at: Version | undefined = stored.get(versionId);
    at;
    at = at.parentId ? stored.get(at.parentId) : undefined
  ) {
    if (chain.length > stored.size) break;
    if (seen.has(at.id)) chain.unshift(at);
  }
  const chainVersions: ChainVersion[] = chain.map((v) => ({ id: v.id, roundId: roundOf(v.id), points: v.points }));
  const hidden = new Set(
    chain.flatMap((v) => v.points.filter((p) => !canSeePoint(ctx.scope, p, ctx.tracks)).map((p) => p.id)),
  );
  const closures = await store.reads.get(`bracket-closures ${ctx.negotiation.id}`, ['bracket_closures'], () =>
    bracketClosures(store.db, ctx.negotiation.id),
  );
  const person = await peopleNames(
    store.db,
    ctx,
    closures.map((c) => c.by),
  );
  const roundIds = new Set(rounds.map((r) => r.id));
  const lives = bracketHistory(chainVersions)
    .filter((life) => !hidden.has(life.opened.pointId) && !(life.closed && hidden.has(life.closed.pointId)))
    .map((life): BracketLifeView => {
      const recorded = life.closed
        ? closures.find((c) => c.bracketId === life.bracketId && c.closedInVersionId === life.closed!.versionId)
        : undefined;
      if (!recorded || !life.closed) return { ...life, closure: null };
      return {
        ...life,
        closed: { ...life.closed, how: recorded.how as BracketClosure },
        closure: {
          agreedBy: recorded.agreedBy,
          agreedByNames: recorded.agreedBy.map((id) => partyName(ctx.parties, id)),
          roundId: recorded.roundId !== null && roundIds.has(recorded.roundId) ? recorded.roundId : null,
          by: person(recorded.by),
          at: recorded.at,
        },
      };
    });
  // Counted as the reader sees the texts: a track's brackets only for its parties.
  const counts = openBracketCounts(
    chainVersions.map((v) => ({ ...v, points: v.points.filter((p) => !hidden.has(p.id)) })),
  );
  return { versionId, lives, counts };
}

/** The brackets of the text under negotiation as the reader sees it (for the live `bracket` topic). */
export async function bracketLivesNow(store: Store, ctx: NegotiationContext) {
  const visible = (await listVersions(store, ctx)).filter((v) => !v.withdrawnAt && !v.internal);
  const current =
    visible.find((v) => v.id === ctx.negotiation.currentVersionId) ??
    [...visible].reverse().find((v) => v.authorPartyId === null && v.kind === 'draft');
  if (!current) throw notFound('a text under negotiation');
  return bracketLives(store, ctx, current.id);
}
