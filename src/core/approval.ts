import type { Approval, ApprovalStage, Id, IsoTime, Membership, Party, Track } from './model.ts';
import { canSeeTrack, viewerScope } from './visibility.ts';

export const STAGE_STATES = ['waiting', 'pending', 'overdue', 'approved', 'rejected', 'sent_back'] as const;
/**
 * - `waiting`: an earlier stage is not complete yet;
 * - `pending`: open for decisions, deadline not passed;
 * - `overdue`: open, and its deadline has passed (decisions are still taken: a deadline is a target);
 * - `approved` / `rejected`: decided;
 * - `sent_back`: a principal asked for a revised text. It holds the text back like a refusal, but the
 *   stage stays open: a principal who sent it back may still approve this text (and, at an `any`
 *   stage, another principal may approve it), which clears it.
 */
export type StageState = (typeof STAGE_STATES)[number];

export interface StageStatus {
  stageId: Id;
  name: string;
  state: StageState;
  approvedBy: Id[];
  rejectedBy: Id[];
  /** Approvers whose latest decision sends the text back for revision. */
  sentBackBy: Id[];
  /** Approvers whose decision is still needed to complete the stage. */
  awaiting: Id[];
  deadline: IsoTime | null;
}

export interface ApprovalStatus {
  /** `sent_back`: the open stage sent this text back for revision; it still takes decisions. */
  state: 'in_progress' | 'approved' | 'rejected' | 'sent_back';
  /** The stage open for decisions now, if any. */
  currentStageId: Id | null;
  stages: StageStatus[];
  /** True when every stage is approved (a countersignature included). */
  complete: boolean;
  /** True when every stage before a countersignature is approved: the text may go to the recipients. */
  cleared: boolean;
  /** When the receiving party's countersignature completed, the text is signed; null until then, or without one. */
  signedAt: IsoTime | null;
}

export const isCountersignature = (stage: Pick<ApprovalStage, 'kind'>) => stage.kind === 'countersignature';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The instant a deadline passes, in milliseconds. A deadline given as a date alone lasts until that
 * day has ended everywhere on earth (at 24:00 in UTC−12), so no party loses part of its last day.
 */
export function deadlineInstant(deadline: IsoTime): number {
  if (DATE_ONLY.test(deadline)) return Date.parse(`${deadline}T23:59:59.999-12:00`);
  return Date.parse(deadline);
}

/**
 * A deadline in words: a date alone is the end of that day (as `deadlineInstant` counts it), a time is
 * given as written.
 *
 * @example deadlineWords('2026-03-31') // 'the end of 2026-03-31 (it passes when that day has ended everywhere)'
 */
export function deadlineWords(deadline: IsoTime): string {
  return DATE_ONLY.test(deadline) ? `the end of ${deadline} (it passes when that day has ended everywhere)` : deadline;
}

function latestDecisions(stage: ApprovalStage, approvals: Approval[]): Map<Id, Approval> {
  const latest = new Map<Id, Approval>();
  for (const approval of approvals) {
    if (approval.stageId !== stage.id || !stage.approverUserIds.includes(approval.userId)) continue;
    const before = latest.get(approval.userId);
    if (!before || Date.parse(before.at) <= Date.parse(approval.at)) latest.set(approval.userId, approval);
  }
  return latest;
}

interface StageOutcome {
  approvedBy: Id[];
  rejectedBy: Id[];
  sentBackBy: Id[];
  decided: 'approved' | 'rejected' | 'sent_back' | null;
}

function stageOutcome(stage: ApprovalStage, approvals: Approval[]): StageOutcome {
  const latest = [...latestDecisions(stage, approvals).values()];
  const by = (decision: Approval['decision']) => latest.filter((a) => a.decision === decision).map((a) => a.userId);
  const decisions = { approvedBy: by('approve'), rejectedBy: by('reject'), sentBackBy: by('send_back') };
  const { approvedBy, rejectedBy, sentBackBy } = decisions;
  if (stage.mode === 'all') {
    if (rejectedBy.length > 0) return { ...decisions, decided: 'rejected' };
    if (sentBackBy.length > 0) return { ...decisions, decided: 'sent_back' };
    if (stage.approverUserIds.every((id) => approvedBy.includes(id))) return { ...decisions, decided: 'approved' };
  } else {
    if (approvedBy.length > 0) return { ...decisions, decided: 'approved' };
    if (stage.approverUserIds.every((id) => rejectedBy.includes(id))) return { ...decisions, decided: 'rejected' };
    if (sentBackBy.length > 0) return { ...decisions, decided: 'sent_back' };
  }
  return { ...decisions, decided: null };
}

/**
 * Where an approval chain stands at `now`: stages are taken in order; a stage opens when the one
 * before it is approved. `all` needs every named principal: one rejection rejects it, and otherwise
 * one send-back sends it back. `any` needs one approval: it is rejected only when every principal
 * rejected, and sent back when no one approved, not everyone rejected, and at least one principal
 * sent it back. A rejected chain takes no more decisions on this text; a sent-back one does (its
 * open stage stays open), so the principal who sent it back may approve it after all. A later
 * decision of the same person replaces an earlier one.
 */
export function approvalStatus(
  policy: { stages: ApprovalStage[] },
  approvals: Approval[],
  now: IsoTime,
): ApprovalStatus {
  const stages: StageStatus[] = [];
  let open = true;
  let state: ApprovalStatus['state'] = 'approved';
  let currentStageId: Id | null = null;
  for (const stage of policy.stages) {
    const outcome = stageOutcome(stage, approvals);
    let stageState: StageState;
    if (!open) stageState = 'waiting';
    else if (outcome.decided) stageState = outcome.decided;
    else
      stageState = stage.deadline !== null && Date.parse(now) > deadlineInstant(stage.deadline) ? 'overdue' : 'pending';
    if (open && stageState !== 'approved') {
      open = false;
      state = stageState === 'rejected' || stageState === 'sent_back' ? stageState : 'in_progress';
      if (stageState !== 'rejected') currentStageId = stage.id;
    }
    const awaiting =
      stageState === 'approved' || stageState === 'rejected'
        ? []
        : stage.approverUserIds.filter((id) => !outcome.approvedBy.includes(id));
    stages.push({
      stageId: stage.id,
      name: stage.name,
      state: stageState,
      approvedBy: outcome.approvedBy,
      rejectedBy: outcome.rejectedBy,
      sentBackBy: outcome.sentBackBy,
      awaiting,
      deadline: stage.deadline,
    });
  }
  const gating = stages.filter((_, index) => !isCountersignature(policy.stages[index]!));
  const countersignature = policy.stages.findIndex(isCountersignature);
  let signedAt: IsoTime | null = null;
  if (countersignature >= 0 && stages[countersignature]!.state === 'approved') {
    const stage = policy.stages[countersignature]!;
    const decisions = [...latestDecisions(stage, approvals).values()].filter((a) => a.decision === 'approve');
    signedAt = decisions.map((a) => a.at).sort((a, b) => Date.parse(a) - Date.parse(b))[decisions.length - 1] ?? null;
  }
  return {
    state,
    currentStageId,
    stages,
    complete: state === 'approved',
    cleared: gating.every((stage) => stage.state === 'approved'),
    signedAt,
  };
}

/**
 * Why a person may not decide on the current stage, or null when they may.
 * Only named principals of the open stage decide, and only while the chain is in progress or sent
 * back (a send-back may be withdrawn by a later decision; a rejection is final for this text).
 */
export function decisionRefusal(
  policy: { stages: ApprovalStage[] },
  approvals: Approval[],
  stageId: Id,
  userId: Id,
  now: IsoTime,
): string | null {
  const status = approvalStatus(policy, approvals, now);
  const stage = policy.stages.find((s) => s.id === stageId);
  if (!stage) return `this approval chain has no stage "${stageId}"`;
  if (status.state === 'approved' || status.state === 'rejected')
    return `the approval chain is already ${status.state}`;
  if (status.currentStageId !== stageId) {
    const open = policy.stages.find((s) => s.id === status.currentStageId);
    return `stage "${stage.name}" is not open for decisions; the open stage is "${open?.name ?? status.currentStageId}"`;
  }
  if (!stage.approverUserIds.includes(userId))
    return `you are not one of the principals who approve stage "${stage.name}"`;
  return null;
}

/** An approval stage that could never finish on some texts: its principals cannot read a track's points. */
export interface BlindStage {
  index: number;
  stage: ApprovalStage;
  track: Track;
  /** The principals outside the track: at an `all` stage those who block it, at an `any` stage all of them. */
  outside: Id[];
}

/**
 * The first approval stage of a rule that could not finish on a text holding a track's points, or
 * null. A text a rule governs may hold the points of any track (whoever writes a text descending
 * from, or copying, the author's text: a party of the track, a mediator), and a principal outside a
 * track reads such a text with those points withheld, so cannot decide on it as a whole. An `all`
 * stage then needs every principal to take part in every track; an `any` stage one who does. A
 * countersignature is not checked: it holds nothing back (the text has gone out when it opens), and
 * the receiving party signs only a text it reads in full.
 *
 * @example blindStage(rule, [murrayTrack], memberships, parties) // { index: 0, track: murrayTrack, outside: ['u-qld'] }
 */
export function blindStage(
  terms: { stages: ApprovalStage[] },
  tracks: Track[],
  memberships: Membership[],
  parties: Party[],
): BlindStage | null {
  for (const [index, stage] of terms.stages.entries()) {
    if (isCountersignature(stage)) continue;
    const scopes = stage.approverUserIds.map((userId) => viewerScope(userId, false, memberships, parties));
    for (const track of tracks) {
      const outside = scopes.filter((scope) => !canSeeTrack(scope, track)).map((scope) => scope.userId);
      const blocked = stage.mode === 'all' ? outside.length > 0 : outside.length === stage.approverUserIds.length;
      if (blocked) return { index, stage, track, outside };
    }
  }
  return null;
}
