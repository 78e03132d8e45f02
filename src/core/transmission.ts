import { createHash } from 'node:crypto';
import { approvalStatus, deadlineInstant, type ApprovalStatus } from './approval.ts';
import type { Approval, Id, IsoTime, Point, TransmissionRule, Version } from './model.ts';

/**
 * Transmission rules: which texts may reach which party, bound to the text itself. A rule governs a
 * text for a recipient when the text was written by one of the rule's parties, descends from such a
 * text, or carries language of such a text that the recipient has not received; the text then goes
 * to the recipient only when every stage of every governing rule approved that exact content.
 */

type Content = Pick<Version, 'kind' | 'label' | 'summary' | 'points' | 'optionChoices' | 'source'>;

function canonicalPoint(point: Point): unknown[] {
  return [
    point.id,
    point.number,
    point.title,
    point.text,
    point.brackets.map((b) => [
      b.id,
      // An alternative's choices join the canonical form only when it has some, so texts without keep their hash.
      b.alternatives.map((a) => {
        const choices = Object.keys(a.choices ?? {})
          .sort()
          .map((k) => [k, a.choices![k]]);
        return choices.length ? [a.text, [...a.proposedBy].sort(), choices] : [a.text, [...a.proposedBy].sort()];
      }),
    ]),
    [...point.issueIds].sort(),
    point.trackId,
  ];
}

const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * The SHA-256 (hex) of everything a recipient reads in a version: kind, label, summary, points,
 * option choices and source, in a canonical order. Two versions with the same hash are the same
 * text, whatever their ids; any edit gives another hash, so an approval never covers an edited text.
 *
 * @example contentHash(version) // 'f3b1…' (64 hex digits)
 */
export function contentHash(version: Content): string {
  const choices = Object.keys(version.optionChoices)
    .sort()
    .map((issue) => [issue, version.optionChoices[issue]]);
  return sha256([
    'parley/text/1',
    version.kind,
    version.label,
    version.summary,
    version.points.map(canonicalPoint),
    choices,
    version.source,
  ]);
}

/** The hash of a point's language (title, text, bracket alternatives), whatever its id or number. */
export function languageHash(point: Pick<Point, 'title' | 'text' | 'brackets'>): string {
  return sha256([
    'parley/language/1',
    point.title,
    point.text,
    point.brackets.map((b) => b.alternatives.map((a) => a.text)),
  ]);
}

/** A version with what the rules need to know of it. */
export interface TextRecord {
  version: Pick<Version, 'id' | 'parentId' | 'authorPartyId' | 'points'>;
  recipientPartyIds: Id[];
}

/** Why a rule governs a text for a recipient, in words; null when it does not. */
export function governingReason(
  rule: Pick<TransmissionRule, 'fromPartyIds' | 'toPartyIds' | 'removedAt'>,
  text: TextRecord,
  recipient: Id,
  all: TextRecord[],
): string | null {
  if (rule.removedAt !== null || !rule.toPartyIds.includes(recipient)) return null;
  const from = new Set(rule.fromPartyIds);
  const { version } = text;
  if (version.authorPartyId !== null && from.has(version.authorPartyId))
    return `it was written by ${version.authorPartyId}`;
  const byId = new Map(all.map((record) => [record.version.id, record]));
  const seen = new Set<Id>();
  for (
    let parent = version.parentId;
    parent !== null && !seen.has(parent);
    parent = byId.get(parent)?.version.parentId ?? null
  ) {
    seen.add(parent);
    const author = byId.get(parent)?.version.authorPartyId ?? null;
    if (author !== null && from.has(author)) return `it descends from version "${parent}", written by ${author}`;
  }
  // Copied language: a point of a governed text that the recipient does not hold yet, found in a text
  // the sender holds (one cannot copy what one has not seen).
  const holder = version.authorPartyId;
  const held = new Set(
    all.filter((r) => r.recipientPartyIds.includes(recipient)).flatMap((r) => r.version.points.map(languageHash)),
  );
  const governed = new Map<string, Id>();
  for (const record of all) {
    if (
      record.version.id === version.id ||
      record.version.authorPartyId === null ||
      !from.has(record.version.authorPartyId)
    )
      continue;
    if (holder !== null && !record.recipientPartyIds.includes(holder) && record.version.authorPartyId !== holder)
      continue;
    for (const point of record.version.points) governed.set(languageHash(point), record.version.id);
  }
  for (const point of version.points) {
    const hash = languageHash(point);
    const source = governed.get(hash);
    if (source !== undefined && !held.has(hash))
      return `point ${point.number} carries language of version "${source}" that ${recipient} has not received`;
  }
  return null;
}

/** Where one rule stands for one text: its stages, counted over the decisions bound to that text. */
export function ruleStatus(
  rule: Pick<TransmissionRule, 'stages'>,
  approvals: Approval[],
  hash: string,
  now: IsoTime,
): ApprovalStatus {
  return approvalStatus(
    rule,
    approvals.filter((approval) => approval.contentHash === hash),
    now,
  );
}

/** What a gated transmission still needs, for the refusal: one line per unsatisfied rule. */
export interface GateRefusal {
  ruleId: Id;
  ruleName: string;
  reason: string;
  needs: string;
}

/**
 * The rules that hold a text back from a recipient: each governing rule whose stages have not all
 * approved this exact content. `names` turns user ids into people's names for the message.
 */
export function gateRefusals(
  rules: TransmissionRule[],
  text: TextRecord & { contentHash: string },
  recipient: Id,
  all: TextRecord[],
  approvals: Approval[],
  now: IsoTime,
  names: (userId: Id) => string,
): GateRefusal[] {
  const refusals: GateRefusal[] = [];
  for (const rule of rules) {
    const reason = governingReason(rule, text, recipient, all);
    if (reason === null) continue;
    const status = ruleStatus(
      rule,
      approvals.filter((a) => a.ruleId === rule.id),
      text.contentHash,
      now,
    );
    if (status.cleared) continue;
    const open = status.stages.find((stage) => stage.state !== 'approved');
    const stage = rule.stages.find((s) => s.id === open?.stageId);
    let needs: string;
    if (status.state === 'rejected')
      needs = `stage "${open?.name}" rejected this text; write a revised text and ask for approval again`;
    else if (status.state === 'sent_back') {
      // Named, so the author side knows whose comment says what to revise.
      const by = (open?.sentBackBy ?? []).map(names).join(' and ');
      const others = stage?.mode === 'any' ? (open?.awaiting ?? []).map(names).join(' or ') : '';
      needs =
        `stage "${open?.name}" sent this text back for revision (sent back by ${by}); write a revised text and ask for approval again` +
        (others ? `, or it needs the approval of ${others}` : '');
    } else {
      const who = (open?.awaiting ?? []).map(names).join(stage?.mode === 'any' ? ' or ' : ' and ');
      const deadline = stage?.deadline
        ? `, deadline ${stage.deadline}${Date.parse(now) > deadlineInstant(stage.deadline) ? ' (passed)' : ''}`
        : '';
      needs = `stage "${open?.name}" still needs the approval of ${who}${deadline}`;
    }
    refusals.push({ ruleId: rule.id, ruleName: rule.name, reason, needs });
  }
  return refusals;
}

/** The principals a rule names, over all its stages. */
export function namedPrincipals(rule: Pick<TransmissionRule, 'stages'>): Id[] {
  return [...new Set(rule.stages.flatMap((stage) => stage.approverUserIds))].sort();
}
