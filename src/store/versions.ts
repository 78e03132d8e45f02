import type { Transaction } from 'kysely';
import type { VersionComparison } from '../core/compare.ts';
import { documentProblems } from '../core/document.ts';
import { forbidden, invalid } from '../core/errors.ts';
import type { Id, Version, VersionView } from '../core/model.ts';
import { isCountersignature } from '../core/approval.ts';
import { type OptionLabels, type TextRecord, contentHash, optionLabels, ruleStatus } from '../core/transmission.ts';
import { canSendForParty } from '../core/visibility.ts';
import { listEntities, readEntities } from './collections.ts';
import { requireMediator, requireParty } from './guards.ts';
import type { Database } from './schema.ts';
import type { Executor, NegotiationContext, Recorder, Store } from './store.ts';
import { requireUnlocked, requireUnlockedIn } from './agreement.ts';
import { carryPositions } from './positions.ts';
import { listTracks } from './tracks.ts';
import { getVersion, requireStanding, requireUnaltered, textApprovals, textRecords } from './texts.ts';
import { requireWordsMayGo, textRefusals } from './gate.ts';
import { partyName } from './names.ts';
import { versionWords } from '../core/gate.ts';
import {
  draftingLanguage,
  textLanguages,
  translationProblems,
  versionInLanguage,
  withLanguageStatus,
} from '../core/languages.ts';

/** Versions of the document: writing them, comparing and sending them (reading them as each reader may is `texts.ts`). Each command checks the policy, writes the change and its audit event in one transaction. */

/** Compares a version with another (by default its parent) point by point and word by word. */
export async function compare(
  store: Store,
  ctx: NegotiationContext,
  versionId: Id,
  baseId?: Id,
  lang?: string,
): Promise<{ base: VersionView; proposal: VersionView; comparison: VersionComparison }> {
  const proposal = versionInLanguage(await getVersion(store, ctx, versionId), ctx.negotiation, lang);
  const baseVersionId = baseId ?? proposal.parentId;
  if (!baseVersionId)
    throw invalid('base', `version "${versionId}" has no parent; name the version to compare with in ?base=`);
  const base = versionInLanguage(await getVersion(store, ctx, baseVersionId), ctx.negotiation, lang);
  return {
    base,
    proposal,
    comparison: await store.comparisons.compare(base.points, proposal.points, (a, b) =>
      store.comparisonWorker.compare(a, b),
    ),
  };
}

/**
 * Records a new immutable version. Party members write for their party (or coalition), mediators
 * for the table (authorPartyId null). The author party receives it at once; others when transmitted.
 */
export async function createVersion(
  store: Store,
  ctx: NegotiationContext,
  draft: Omit<Version, 'id' | 'negotiationId' | 'createdAt' | 'createdBy' | 'internal'> & {
    id?: Id;
    internal?: boolean;
  },
  options: {
    /**
     * More work in the version's transaction, after it is written (a closed bracket's record, an
     * amendment's spans): when it throws, the version is not made either.
     */
    alsoInTransaction?: (trx: Transaction<Database>, record: Recorder, version: Version) => Promise<void>;
  } = {},
): Promise<VersionView> {
  requireUnlocked(ctx);
  if (draft.authorPartyId === null) requireMediator(ctx, 'write a version for the whole table');
  else requireParty(ctx, draft.authorPartyId, 'write a version for');
  if (draft.authorPartyId === null && draft.internal)
    throw invalid('internal', 'only a party keeps internal drafts; a text of the table is shared');
  // A party's new text stays inside the party until the party sends it (to a party or the mediators).
  const input = { ...draft, internal: draft.internal ?? draft.authorPartyId !== null };
  const parent =
    input.parentId === null
      ? null
      : await getVersion(store, ctx, input.parentId).catch(() => {
          throw invalid('parentId', `version "${input.parentId}" does not exist or you may not see it`);
        });
  if (input.kind === 'proposal' && input.parentId === null)
    throw invalid('parentId', 'a proposal is branched from a base version: give parentId');
  const problem = documentProblems(input.points)[0];
  if (problem) throw invalid(problem.path, problem.message);
  // Translations only in the negotiation's languages; which of them are behind is the server's to say.
  const languages = { drafting: draftingLanguage(ctx.negotiation), all: textLanguages(ctx.negotiation) };
  const untranslatable = translationProblems(input.points, languages, parent?.points)[0];
  if (untranslatable) throw invalid(untranslatable.path, untranslatable.message);
  input.points = withLanguageStatus(input.points, parent?.points ?? null, languages.all, languages.drafting);
  // A merged or split point names the points of its parent it was made from, and nothing else.
  input.points.forEach((point, index) => {
    for (const origin of point.derivedFrom ?? [])
      if (!parent?.points.some((p) => p.id === origin))
        throw invalid(
          `points[${index}].derivedFrom`,
          `"${origin}" is no point of the version this text follows${parent ? ` ("${parent.label}")` : ' (it has none)'}; a point is merged or split only from points of its parent`,
        );
  });
  const issues = await readEntities(store, 'issues', ctx.negotiation.id);
  for (const [issueId, optionId] of Object.entries(input.optionChoices)) {
    const issue = issues.find((i) => i.id === issueId);
    if (!issue) throw invalid(`optionChoices.${issueId}`, `unknown issue "${issueId}"`);
    const option = issue.options.find((o) => o.id === optionId);
    if (!option) throw invalid(`optionChoices.${issueId}`, `issue "${issue.name}" has no option "${optionId}"`);
    // A text carried over from its parent may keep a retired option; a new choice may not be one.
    const parentChoice =
      parent && Object.hasOwn(parent.optionChoices, issueId) ? parent.optionChoices[issueId] : undefined;
    if (option.retiredAt && parentChoice !== optionId)
      throw invalid(
        `optionChoices.${issueId}`,
        `option "${option.label}" of "${issue.name}" was retired on ${option.retiredAt}; choose another`,
      );
  }
  input.points.forEach((point, index) => {
    for (const issueId of point.issueIds)
      if (!issues.some((i) => i.id === issueId))
        throw invalid(`points[${index}].issueIds`, `unknown issue "${issueId}"`);
    point.brackets.forEach((bracket, b) =>
      bracket.alternatives.forEach((alternative, a) => {
        for (const [issueId, optionId] of Object.entries(alternative.choices ?? {})) {
          const issue = issues.find((i) => i.id === issueId);
          if (!issue?.options.some((o) => o.id === optionId && !o.retiredAt))
            throw invalid(
              `points[${index}].brackets[${b}].alternatives[${a}].choices.${issueId}`,
              issue ? `issue "${issue.name}" has no open option "${optionId}"` : `unknown issue "${issueId}"`,
            );
        }
        for (const partyId of alternative.proposedBy)
          if (!ctx.parties.some((p) => p.id === partyId))
            throw invalid(
              `points[${index}].brackets[${b}].alternatives[${a}].proposedBy`,
              `"${partyId}" is not a party of this negotiation`,
            );
      }),
    );
  });
  const tracks = await listTracks(store, ctx);
  input.points.forEach((point, index) => {
    // A track the author may not see gets the same answer as one that does not exist.
    if (point.trackId !== null && !tracks.some((t) => t.id === point.trackId))
      throw invalid(`points[${index}].trackId`, `track "${point.trackId}" does not exist or you may not see it`);
  });
  // A coalition's delegates read its texts as they are written: a text written as a coalition goes at
  // once to each member party, so it passes the gate for each (a US+RU coalition is no way round a
  // rule that holds US texts back from Russia).
  const author = ctx.parties.find((p) => p.id === input.authorPartyId);
  if (author?.kind === 'coalition')
    await requireWordsMayGo(
      store,
      ctx,
      `a text written as ${author.name}`,
      versionWords({ ...input, summary: input.summary }),
      author.memberPartyIds,
    );
  const version: Version = {
    ...input,
    id: input.id ?? store.id(),
    negotiationId: ctx.negotiation.id,
    createdAt: store.nowIso(),
    createdBy: ctx.user.id,
  };
  await store.change(ctx.user.id, async (trx, record) => {
    await requireUnlockedIn(trx, ctx.negotiation.id);
    await insertVersion(
      trx,
      version,
      version.authorPartyId ? [version.authorPartyId] : [],
      version.createdAt,
      optionLabels(issues),
    );
    await record({
      action: 'version.create',
      entityId: version.id,
      negotiationId: version.negotiationId,
      before: null,
      after: version,
    });
    if (parent) {
      const seen = new Set(parent.points.map((point) => point.id));
      await carryPositions(trx, record, await storedVersion(trx, parent.id), seen, version, () => store.id());
    }
    await options.alsoInTransaction?.(trx, record, version);
  });
  return getVersion(store, ctx, version.id);
}

/** What a send did: the parties it reached, and those the rules still hold it back from, with why. */
export interface Delivery {
  sentTo: { partyId: Id; partyName: string }[];
  heldBack: { partyId: Id; partyName: string; reason: string }[];
}

/**
 * Sends a version to more parties, or shares it with the mediators. Only the author party's
 * principal or lead sends its texts (a mediator sends the table's); the negotiation's transmission
 * rules decide whether each recipient may have it yet, by the text's content, not its id. The text
 * goes to each recipient the rules allow; the answer names those it reached and those still held
 * back, with why. When it can go to none of them (and is not shared with the mediators either),
 * nothing happens and the refusal says why.
 */
export async function transmitVersion(
  store: Store,
  ctx: NegotiationContext,
  versionId: Id,
  partyIds: Id[],
  toMediators = false,
): Promise<VersionView & Delivery> {
  const version = await getVersion(store, ctx, versionId);
  requireStanding(version, 'send');
  if (version.authorPartyId === null) requireMediator(ctx, 'send a text of the table');
  else {
    requireParty(ctx, version.authorPartyId, 'send texts of');
    if (!canSendForParty(ctx.scope, version.authorPartyId))
      throw forbidden(
        `only the principal or the lead of ${partyName(ctx.parties, version.authorPartyId)} sends its texts to others; ask them to send this one`,
      );
  }
  if (partyIds.length === 0 && !toMediators)
    throw invalid('partyIds', 'name at least one party to send the text to, or set toMediators');
  for (const partyId of partyIds)
    if (!ctx.parties.some((p) => p.id === partyId))
      throw invalid('partyIds', `"${partyId}" is not a party of this negotiation`);
  const delivery: Delivery = { sentTo: [], heldBack: [] };
  await store.change(ctx.user.id, async (trx, record) => {
    // Read inside the transaction, so that no decision or rule slips in between the check and the send.
    const records = await textRecords(store, ctx, trx);
    const text = records.find((r) => r.version.id === versionId)!;
    requireUnaltered(text);
    const clear: Id[] = [];
    const held: Delivery['heldBack'] = [];
    // Each recipient on its own: one held back does not keep the text from the others.
    for (const partyId of [...new Set(partyIds)].filter((p) => !text.recipientPartyIds.includes(p))) {
      const refusal = await gate(store, ctx, trx, text, [partyId], records);
      if (refusal === null) clear.push(partyId);
      else held.push({ partyId, partyName: partyName(ctx.parties, partyId), reason: refusal });
    }
    if (held.length > 0 && clear.length === 0 && !toMediators)
      throw forbidden(held.length === 1 ? held[0]!.reason : held.map((h) => `${h.partyName}: ${h.reason}`).join(' '));
    const added = await addRecipients(trx, ctx.negotiation.id, versionId, clear, store.nowIso());
    const shared = text.version.internal && (toMediators || clear.length > 0);
    if (shared) await markShared(trx, text.version);
    await record({
      action: 'version.transmit',
      entityId: versionId,
      negotiationId: ctx.negotiation.id,
      before: null,
      after: {
        partyIds: added,
        ...(held.length > 0 ? { heldBack: held.map((h) => h.partyId) } : {}),
        sharedWithMediators: shared || !text.version.internal,
        contentHash: text.contentHash,
      },
    });
    delivery.sentTo = added.map((partyId) => ({ partyId, partyName: partyName(ctx.parties, partyId) }));
    delivery.heldBack = held;
  });
  return { ...(await getVersion(store, ctx, versionId)), ...delivery };
}

/**
 * Why the rules hold a text back from some of `recipients`, in words; null when it may go to all. A
 * coalition is gated as each of its member parties (see `store/gate.ts`).
 */
export async function gate(
  store: Store,
  ctx: NegotiationContext,
  db: Executor,
  text: TextRecord & { contentHash: string },
  recipients: Id[],
  records: TextRecord[],
): Promise<string | null> {
  const lines = await textRefusals(store, ctx, db, text, recipients, records as Parameters<typeof textRefusals>[5]);
  return lines.length === 0
    ? null
    : `this text may not be sent yet: ${lines.map((l) => l.line).join('; ')}. An approval holds for this exact text (content hash ${text.contentHash}); any edit needs a new approval.`;
}

/** Writes a version row and its first recipients. */
export async function insertVersion(
  trx: Transaction<Database>,
  version: Version,
  recipientPartyIds: Id[],
  at: string,
  labels: OptionLabels,
): Promise<void> {
  await trx
    .insertInto('versions')
    .values({
      id: version.id,
      negotiation_id: version.negotiationId,
      revision: 1,
      data: JSON.stringify(version),
      parent_id: version.parentId,
      author_party_id: version.authorPartyId,
      internal: version.internal ? 1 : 0,
      created_at: version.createdAt,
      content_hash: contentHash(version, labels),
    })
    .execute();
  await addRecipients(trx, version.negotiationId, version.id, recipientPartyIds, at);
}

/** Adds recipients to a version; returns the parties that did not have it yet. */
export async function addRecipients(
  trx: Transaction<Database>,
  negotiationId: Id,
  versionId: Id,
  partyIds: Id[],
  at: string,
): Promise<Id[]> {
  const existing = await trx
    .selectFrom('version_recipients')
    .select('party_id')
    .where('version_id', '=', versionId)
    .execute();
  const added = [...new Set(partyIds)].filter((id) => !existing.some((e) => e.party_id === id));
  if (added.length > 0)
    await trx
      .insertInto('version_recipients')
      .values(
        added.map((party_id) => ({ version_id: versionId, negotiation_id: negotiationId, party_id, received_at: at })),
      )
      .execute();
  return added;
}

/** A party's internal draft becomes shared (the mediators see it) once the party sends it anywhere. */
export async function markShared(trx: Transaction<Database>, version: Version): Promise<void> {
  await trx
    .updateTable('versions')
    .set({ internal: 0, data: JSON.stringify({ ...version, internal: false }) })
    .where('id', '=', version.id)
    .execute();
}

/**
 * Withdraws a version: it stays in the history and the audit, marked, but is no longer sent,
 * approved, current or counted in progress. Its author party's principal or lead withdraws it (a
 * mediator a text of the table).
 */
export async function withdrawVersion(store: Store, ctx: NegotiationContext, versionId: Id): Promise<VersionView> {
  const version = await getVersion(store, ctx, versionId);
  if (version.authorPartyId === null) requireMediator(ctx, 'withdraw a text of the table');
  else {
    requireParty(ctx, version.authorPartyId, 'withdraw texts of');
    if (!canSendForParty(ctx.scope, version.authorPartyId))
      throw forbidden(
        `only the principal or the lead of ${partyName(ctx.parties, version.authorPartyId)} withdraws its texts`,
      );
  }
  if (version.withdrawnAt) return version;
  await store.change(ctx.user.id, async (trx, record) => {
    const signed = await signature(trx, ctx.negotiation.id, versionId, store.nowIso());
    if (signed) throw forbidden(`“${version.label}” was signed on ${signed}: a signed text is not withdrawn`);
    const stored = await storedVersion(trx, versionId);
    const after = { ...stored, withdrawnAt: store.nowIso() };
    await trx
      .updateTable('versions')
      .set({ data: JSON.stringify(after) })
      .where('id', '=', versionId)
      .execute();
    await record({
      action: 'version.withdraw',
      entityId: versionId,
      negotiationId: ctx.negotiation.id,
      before: null,
      after: { withdrawnAt: after.withdrawnAt },
    });
  });
  return getVersion(store, ctx, versionId);
}

/** A version as stored, every point included: for writes, never returned to a reader as it is. */
async function storedVersion(trx: Transaction<Database>, versionId: Id): Promise<Version> {
  const row = await trx.selectFrom('versions').select('data').where('id', '=', versionId).executeTakeFirstOrThrow();
  return JSON.parse(row.data) as Version;
}

/** When a version was signed: the receiving party's countersignature completed on its exact text. */
export async function signature(db: Executor, negotiationId: Id, versionId: Id, now: string): Promise<string | null> {
  const row = await db.selectFrom('versions').select('content_hash').where('id', '=', versionId).executeTakeFirst();
  if (!row) return null;
  const rules = await listEntities(db, 'transmissionRules', negotiationId);
  const approvals = await textApprovals(db, negotiationId);
  for (const rule of rules) {
    const countersignature = rule.stages.find(isCountersignature);
    if (!countersignature) continue;
    const own = approvals.filter((a) => a.ruleId === rule.id);
    // Signed is this version: a copy with the same words, by whoever, was not the one signed.
    if (!own.some((a) => a.stageId === countersignature.id && a.versionId === versionId)) continue;
    const status = ruleStatus(rule, own, row.content_hash, now);
    if (status.signedAt) return status.signedAt;
  }
  return null;
}
