import {
  deadlineInstant,
  deadlineWords,
  decisionRefusal,
  isCountersignature,
  type ApprovalStatus,
} from '../core/approval.ts';
import { conflict, DomainError, forbidden, invalid, notFound } from '../core/errors.ts';
import type { Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { Recorder } from './store.ts';
import type { Approval, ApprovalDecision, Id, Party, RuleChange, RuleTerms, TransmissionRule } from '../core/model.ts';
import { type TextRecord, governingReason, namedPrincipals, ruleStatus } from '../core/transmission.ts';
import { canActAsMediator, canSendForParty } from '../core/visibility.ts';
import { everyParty, requireWordsMayGo } from './gate.ts';
import { blindStageProblem, listed, listRules, ruleOf } from './rules.ts';
import type { NegotiationContext, Store } from './store.ts';
import { addRecipients, gate, markShared } from './versions.ts';
import { recordedApprovals } from './audit-state.ts';
import { gateContext } from './gate.ts';
import { partyName, peopleNames } from './names.ts';
import { getVersion, listVersions, requireStanding, requireUnaltered, textApprovals, textRecords } from './texts.ts';

/**
 * The negotiation's transmission rules and the decisions bound to texts. Each command checks the
 * policy, writes, and records its audit event in one transaction. Reading the rules, and whether
 * each can finish, is `rules.ts`.
 */

/** The problems of a rule's terms against the negotiation, first one thrown. */
async function checkTerms(store: Store, ctx: NegotiationContext, terms: RuleTerms): Promise<void> {
  const party = (id: Id) => ctx.parties.some((p) => p.id === id);
  if (terms.fromPartyIds.length === 0) throw invalid('fromPartyIds', 'name the parties whose texts the rule governs');
  if (terms.toPartyIds.length === 0) throw invalid('toPartyIds', 'name the parties the rule holds texts back from');
  // Every party reads the rules (and their pending changes): their words pass the gate like any text.
  await requireWordsMayGo(
    store,
    ctx,
    "the rule's name and description",
    [terms.name, terms.description, ...terms.stages.map((s) => s.name)],
    everyParty(ctx),
  );
  for (const [field, ids] of [
    ['fromPartyIds', terms.fromPartyIds],
    ['toPartyIds', terms.toPartyIds],
  ] as const) {
    for (const id of ids) if (!party(id)) throw invalid(field, `"${id}" is not a party of this negotiation`);
  }
  const both = terms.toPartyIds.filter((id) => terms.fromPartyIds.includes(id));
  if (both.length > 0)
    throw invalid(
      'toPartyIds',
      `${listed(
        both.map((id) => partyName(ctx.parties, id)),
        'and',
      )} cannot be both an author and a recipient the rule holds texts back from`,
    );
  if (terms.stages.length === 0) throw invalid('stages', 'a rule needs at least one stage of approval');
  const name = await peopleNames(
    store.db,
    ctx,
    terms.stages.flatMap((stage) => stage.approverUserIds),
  );
  const stageIds = new Set<Id>();
  terms.stages.forEach((stage, index) => {
    if (stageIds.has(stage.id)) throw invalid(`stages[${index}].id`, `stage id "${stage.id}" appears twice`);
    stageIds.add(stage.id);
    if (stage.approverUserIds.length === 0)
      throw invalid(`stages[${index}].approverUserIds`, 'name at least one principal who approves');
    const countersigns = isCountersignature(stage);
    if (countersigns && index !== terms.stages.length - 1)
      throw invalid(`stages[${index}].kind`, 'a countersignature is the last stage of a rule; move it to the end');
    // Approvals come from principals of an author party, a countersignature from principals of a
    // receiving party, who see the text once it reached them.
    const parties = countersigns ? terms.toPartyIds : terms.fromPartyIds;
    const whose = countersigns
      ? 'a countersignature is given by principals of the receiving parties'
      : 'name principals of the parties whose texts the rule governs';
    for (const userId of stage.approverUserIds) {
      const principal = ctx.memberships.some(
        (m) => m.userId === userId && m.role === 'principal' && m.partyId !== null && parties.includes(m.partyId),
      );
      if (!principal) {
        const seated = ctx.memberships.some((m) => m.userId === userId);
        throw invalid(
          `stages[${index}].approverUserIds`,
          `${seated ? name(userId) : `"${userId}"`} is not a principal of ${listed(
            parties.map((id) => partyName(ctx.parties, id)),
            'or',
          )}; ${whose}`,
        );
      }
    }
  });
  // A principal outside a track cannot decide on a text that holds its points: such a rule would never finish.
  const blind = blindStageProblem(ctx, terms, ctx.tracks, name);
  if (blind) throw invalid(`stages[${blind.index}].approverUserIds`, blind.message);
}

/**
 * Adds a rule. A mediator records one for the table; a party's principal or lead for its own texts
 * (for every party it names as author). A new rule only ever adds a gate: rules add up.
 */
export async function createRule(
  store: Store,
  ctx: NegotiationContext,
  terms: RuleTerms & { id?: Id },
): Promise<TransmissionRule> {
  if (!canActAsMediator(ctx.scope)) {
    const foreign = terms.fromPartyIds.filter((id) => !canSendForParty(ctx.scope, id));
    if (foreign.length > 0)
      throw forbidden(
        `only a mediator, or the principal or lead of each author party, sets a rule for texts of ${listed(
          foreign.map((id) => partyName(ctx.parties, id)),
          'and',
        )}`,
      );
  }
  await checkTerms(store, ctx, terms);
  const rule: TransmissionRule = {
    ...terms,
    id: terms.id ?? store.id(),
    negotiationId: ctx.negotiation.id,
    pendingChange: null,
    removedAt: null,
    createdAt: store.nowIso(),
    createdBy: ctx.user.id,
    revision: 1,
  };
  return store.insert(ctx, 'transmissionRules', 'transmission_rule', rule);
}

/** The rule with the change applied, once every principal it names consented. */
function applied(rule: TransmissionRule, change: RuleChange, at: string): TransmissionRule {
  if (change.terms === null) return { ...rule, pendingChange: null, removedAt: at };
  return { ...rule, ...change.terms, pendingChange: null };
}

/**
 * Proposes to change or remove a rule (terms null). It takes effect when every principal the rule
 * names has consented; the proposer's consent counts when they are one of them.
 */
export async function proposeRuleChange(
  store: Store,
  ctx: NegotiationContext,
  ruleId: Id,
  revision: number,
  terms: RuleTerms | null,
): Promise<TransmissionRule> {
  const rule = await ruleOf(store, ctx, ruleId);
  if (rule.removedAt !== null) throw invalid('ruleId', `the rule "${rule.name}" was removed on ${rule.removedAt}`);
  const principals = namedPrincipals(rule);
  const mayPropose =
    principals.includes(ctx.user.id) ||
    canActAsMediator(ctx.scope) ||
    rule.fromPartyIds.some((id) => canSendForParty(ctx.scope, id));
  if (!mayPropose)
    throw forbidden(
      'only the principals the rule names, the leads of its author parties or a mediator propose a change to it',
    );
  if (terms) await checkTerms(store, ctx, terms);
  const change: RuleChange = {
    id: store.id(),
    terms,
    proposedBy: ctx.user.id,
    proposedAt: store.nowIso(),
    consentedBy: principals.includes(ctx.user.id) ? [ctx.user.id] : [],
  };
  const next = principals.every((id) => change.consentedBy.includes(id))
    ? applied(rule, change, store.nowIso())
    : { ...rule, pendingChange: change };
  return store.replace(ctx, 'transmissionRules', 'transmission_rule', rule, revision, next);
}

/** A principal named by the rule consents to its pending change; the last consent applies it. */
export async function consentToRuleChange(
  store: Store,
  ctx: NegotiationContext,
  ruleId: Id,
  changeId: Id,
): Promise<TransmissionRule> {
  const rule = await ruleOf(store, ctx, ruleId);
  const change = rule.pendingChange;
  if (!change || change.id !== changeId) throw notFound(`pending change "${changeId}" of rule "${rule.name}"`);
  const principals = namedPrincipals(rule);
  if (!principals.includes(ctx.user.id))
    throw forbidden(`only the principals the rule "${rule.name}" names consent to changing it`);
  if (change.consentedBy.includes(ctx.user.id))
    throw conflict(`your consent to the change of rule "${rule.name}"`, rule.revision, rule);
  const consented: RuleChange = { ...change, consentedBy: [...change.consentedBy, ctx.user.id].sort() };
  const next = principals.every((id) => consented.consentedBy.includes(id))
    ? applied(rule, consented, store.nowIso())
    : { ...rule, pendingChange: consented };
  return store.replace(ctx, 'transmissionRules', 'transmission_rule', rule, rule.revision, next);
}

/** A decision as a reader may see it: the comment stays with the approver's own party. */
export type ApprovalView = Omit<Approval, 'comment' | 'contentHash'> & {
  comment: string | null;
  /** Null where the reader's view of the text withholds its hash (points in a track they are outside of). */
  contentHash: string | null;
};

export interface TextApprovalState {
  ruleId: Id;
  ruleName: string;
  /** The recipients the rule holds this text back from, and why it governs the text. */
  governs: { partyId: Id; reason: string }[];
  status: ApprovalStatus;
  /** The decisions bound to this exact text. */
  approvals: ApprovalView[];
  /** Decisions taken on earlier texts of this line that do not hold for this one: the text changed since. */
  void: ApprovalView[];
}

function approvalView(ctx: NegotiationContext, approval: Approval, hashShown: boolean): ApprovalView {
  if (ctx.scope.isOperator) return approval;
  const approverParties = ctx.memberships
    .filter((m) => m.userId === approval.userId && m.partyId !== null)
    .map((m) => m.partyId as Id);
  const ownParty = approverParties.some((id) => ctx.scope.partyIds.includes(id));
  return {
    ...approval,
    comment: ownParty ? approval.comment : null,
    contentHash: hashShown ? approval.contentHash : null,
  };
}

/** Where every rule that governs a version stands for its exact text, as the reader may see it. */
export async function versionApprovals(
  store: Store,
  ctx: NegotiationContext,
  versionId: Id,
): Promise<{ versionId: Id; contentHash: string | null; rules: TextApprovalState[] }> {
  const view = await getVersion(store, ctx, versionId);
  const records = await textRecords(store, ctx);
  const text = records.find((r) => r.version.id === versionId)!;
  const rules = await listRules(store, ctx);
  const approvals = await textApprovals(store.db, ctx.negotiation.id);
  // The hash a reader's view withholds (points of a track they are outside of) is withheld here too.
  const hashes = new Map((await listVersions(store, ctx)).map((v) => [v.id, v.contentHash]));
  const visible = new Set(hashes.keys());
  const lineage = new Set<Id>();
  for (
    let parent = text.version.parentId;
    parent !== null && !lineage.has(parent);
    parent = records.find((r) => r.version.id === parent)?.version.parentId ?? null
  )
    lineage.add(parent);
  const states: TextApprovalState[] = [];
  // Reasons name parties and texts as this reader may know them: never a text they have not received.
  const reasons = gateContext(ctx, records);
  for (const rule of rules) {
    const governs = rule.toPartyIds.flatMap((partyId) => {
      const reason = governingReason(rule, text, partyId, records, reasons);
      return reason === null ? [] : [{ partyId, reason }];
    });
    if (governs.length === 0) continue;
    const own = approvals.filter((a) => a.ruleId === rule.id);
    states.push({
      ruleId: rule.id,
      ruleName: rule.name,
      governs,
      status: ruleStatus(rule, own, text.contentHash, store.nowIso()),
      approvals: own
        .filter((a) => a.contentHash === text.contentHash)
        .map((a) => approvalView(ctx, a, view.contentHash !== null)),
      void: own
        .filter(
          (a) =>
            a.contentHash !== text.contentHash &&
            (a.versionId === versionId || lineage.has(a.versionId)) &&
            visible.has(a.versionId),
        )
        .map((a) => approvalView(ctx, a, hashes.get(a.versionId) != null)),
    });
  }
  return { versionId, contentHash: view.contentHash, rules: states };
}

/**
 * A principal's decision on a stage of a rule, bound to the exact text they read (its content hash).
 * When the decision completes the rule, the text goes to the recipients it was held back from, in the
 * same transaction, wherever no other rule still holds it.
 */
export async function decideOnText(
  store: Store,
  ctx: NegotiationContext,
  versionId: Id,
  input: { ruleId: Id; stageId: Id; decision: ApprovalDecision; comment: string; contentHash: string },
): Promise<{ versionId: Id; contentHash: string | null; rules: TextApprovalState[] }> {
  const view = await getVersion(store, ctx, versionId);
  requireStanding(view, 'approve');
  if (view.separateFormat !== null || view.contentHash === null)
    throw forbidden(
      `point${(view.separateFormat?.pointNumbers.length ?? 0) === 1 ? '' : 's'} ${view.separateFormat?.pointNumbers.join(', ') ?? ''} of this text ${(view.separateFormat?.pointNumbers.length ?? 0) === 1 ? 'is' : 'are'} negotiated in a separate format you are not part of and withheld from you, so you cannot decide on it as a whole; a principal of a party in that format decides on it`,
    );
  if (input.contentHash !== view.contentHash) {
    const message = `version "${view.label}" has the content hash ${view.contentHash}; the hash you sent (${input.contentHash}) is another text. Read the version again and decide on what it says now`;
    throw new DomainError('conflict', message, 'contentHash', { contentHash: view.contentHash });
  }
  const rule = await ruleOf(store, ctx, input.ruleId);
  if (rule.removedAt !== null) throw invalid('ruleId', `the rule "${rule.name}" was removed on ${rule.removedAt}`);
  if (!rule.stages.some((stage) => stage.id === input.stageId))
    throw invalid(
      'stageId',
      `the rule "${rule.name}" has no stage "${input.stageId}"; its stages are ${rule.stages.map((stage) => `"${stage.name}" (stageId "${stage.id}")`).join(', ')}`,
    );
  const stage = rule.stages.find((st) => st.id === input.stageId)!;
  if (input.decision === 'send_back' && isCountersignature(stage))
    throw invalid(
      'decision',
      `stage "${stage.name}" is a countersignature: the receiving party signs the text it received ("approve") or does not ("reject"); "send_back" asks the author side for a revised text before it goes out`,
    );
  if (input.decision === 'send_back' && input.comment.trim() === '')
    throw invalid('comment', 'a send-back says what to revise: write it in the comment (seen only by your own party)');
  const late = stage.deadline !== null && Date.parse(store.nowIso()) > deadlineInstant(stage.deadline);
  if (late && rule.lateDecisions === 'refused')
    throw forbidden(
      `the deadline of stage "${stage.name}" (${deadlineWords(stage.deadline!)}) has passed, and the rule "${rule.name}" refuses late decisions`,
    );
  const approval: Approval = {
    id: store.id(),
    ruleId: rule.id,
    stageId: input.stageId,
    versionId,
    contentHash: view.contentHash,
    userId: ctx.user.id,
    decision: input.decision,
    comment: input.comment,
    at: store.nowIso(),
    ...(late ? { late: true } : {}),
  };
  await store.change(ctx.user.id, async (trx, record) => {
    const records = await textRecords(store, ctx, trx);
    const text = records.find((r) => r.version.id === versionId)!;
    requireUnaltered(text);
    const governed = rule.toPartyIds.filter(
      (partyId) => governingReason(rule, text, partyId, records, { parties: ctx.parties }) !== null,
    );
    const all = await recordedApprovals(trx, ctx.negotiation.id, await textApprovals(trx, ctx.negotiation.id));
    const bound = all.filter((a) => a.ruleId === rule.id && a.contentHash === text.contentHash);
    // A decision is a principal's: a person named in a stage who has since left that role decides no more.
    const principalOf = (partyIds: Id[]) =>
      ctx.memberships.some(
        (m) => m.userId === ctx.user.id && m.role === 'principal' && m.partyId !== null && partyIds.includes(m.partyId),
      );
    if (isCountersignature(stage)) {
      // Signed by the receiving side, on the text it received: the stages before it cleared it already.
      const received = rule.toPartyIds.filter(
        (p) => ctx.scope.partyIds.includes(p) && text.recipientPartyIds.includes(p),
      );
      if (received.length === 0)
        throw forbidden(
          `the text has not reached your party yet: stage "${stage.name}" countersigns it once it has been transmitted`,
        );
      // Only a text the rule governs for the signing party (as it stood before that party received it)
      // is signed under the rule: another text it holds is not the rule's to sign, nor to keep from withdrawal.
      const signing = received.filter(
        (p) => heldBackFrom(rule, records, versionId, p, ctx.parties) && principalOf([p]),
      );
      if (signing.length === 0)
        throw forbidden(
          received.some((p) => heldBackFrom(rule, records, versionId, p, ctx.parties))
            ? `only a principal of the receiving party countersigns at stage "${stage.name}"`
            : `the rule "${rule.name}" does not govern this text for your party, so its countersignature does not sign it`,
        );
    } else if (governed.length === 0)
      throw invalid(
        'ruleId',
        `the rule "${rule.name}" does not govern this text: it holds nothing back that a decision could release`,
      );
    else if (!principalOf(rule.fromPartyIds))
      throw forbidden(
        `only a principal of ${listed(
          rule.fromPartyIds.map((id) => partyName(ctx.parties, id)),
          'or',
        )} decides at stage "${stage.name}"; you no longer hold that role`,
      );
    const refusal = decisionRefusal(rule, bound, input.stageId, ctx.user.id, store.nowIso());
    if (refusal) throw forbidden(refusal);
    // Only the latest decision counts: deciding it again adds nothing, changing one's mind replaces it.
    const mine = bound.filter((a) => a.stageId === input.stageId && a.userId === ctx.user.id);
    const latest = mine.reduce<Approval | undefined>(
      (last, a) => (last && Date.parse(last.at) > Date.parse(a.at) ? last : a),
      undefined,
    );
    if (latest?.decision === input.decision) {
      throw invalid('decision', `you have already decided "${input.decision}" on this text at stage "${stage.name}"`);
    }
    await insertApproval(trx, record, ctx.negotiation.id, approval);
    const status = ruleStatus(rule, [...bound, approval], text.contentHash, store.nowIso());
    if (isCountersignature(stage)) {
      if (status.signedAt !== null)
        await record({
          action: 'version.sign',
          entityId: versionId,
          negotiationId: ctx.negotiation.id,
          before: null,
          after: { ruleId: rule.id, contentHash: text.contentHash, signedAt: status.signedAt },
        });
      return;
    }
    if (!status.cleared) return;
    const pending = governed.filter((partyId) => !text.recipientPartyIds.includes(partyId));
    const clear = [];
    for (const partyId of pending)
      if ((await gate(store, ctx, trx, text, [partyId], records)) === null) clear.push(partyId);
    if (clear.length === 0) return;
    const added = await addRecipients(trx, ctx.negotiation.id, versionId, clear, store.nowIso());
    if (text.version.internal) await markShared(trx, text.version);
    await record({
      action: 'version.transmit',
      entityId: versionId,
      negotiationId: ctx.negotiation.id,
      before: null,
      after: { partyIds: added, ruleId: rule.id, contentHash: text.contentHash },
    });
  });
  return versionApprovals(store, ctx, versionId);
}

/**
 * Whether a rule held (or holds) a text back from `partyId`: the rule's reason as it stood before the
 * party received the text, since language the party received is no longer copied to it.
 */
function heldBackFrom(
  rule: Pick<TransmissionRule, 'fromPartyIds' | 'toPartyIds' | 'removedAt'>,
  records: TextRecord[],
  versionId: Id,
  partyId: Id,
  parties: Party[],
): boolean {
  const before = records.map((r) =>
    r.version.id === versionId ? { ...r, recipientPartyIds: r.recipientPartyIds.filter((p) => p !== partyId) } : r,
  );
  const text = before.find((r) => r.version.id === versionId);
  return text !== undefined && governingReason(rule, text, partyId, before, { parties }) !== null;
}

/** Writes one decision on a text and its audit event (in the caller's transaction). */
export async function insertApproval(
  trx: Transaction<Database>,
  record: Recorder,
  negotiationId: Id,
  approval: Approval,
): Promise<void> {
  await trx
    .insertInto('text_approvals')
    .values({
      id: approval.id,
      negotiation_id: negotiationId,
      rule_id: approval.ruleId,
      stage_id: approval.stageId,
      version_id: approval.versionId,
      content_hash: approval.contentHash,
      user_id: approval.userId,
      data: JSON.stringify(approval),
      at: approval.at,
    })
    .execute();
  await record({
    action: `approval.${approval.decision}`,
    entityId: approval.ruleId,
    negotiationId,
    before: null,
    after: approval,
  });
}
