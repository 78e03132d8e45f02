import { createHash } from 'node:crypto';
import { approvalStatus, deadlineInstant, type ApprovalStatus } from './approval.ts';
import { type Carried, carries, fingerprintAll, newLanguage, pointWords, versionWords } from './gate.ts';
import { pointRenderings } from './languages.ts';
import type { Approval, Id, IsoTime, Party, Point, TransmissionRule, Version } from './model.ts';

/**
 * Transmission rules: which texts may reach which party, bound to the text itself. A rule governs a
 * text for a recipient when the text was written by one of the rule's parties, descends from such a
 * text, or carries language of such a text that the recipient has not received; the text then goes
 * to the recipient only when every stage of every governing rule approved that exact content.
 */

type Content = Pick<Version, 'kind' | 'label' | 'summary' | 'points' | 'optionChoices' | 'source'>;

/**
 * What a text's option choices mean: the label of each option it chooses, by issue and option id.
 * The meaning is part of the text: relabelling an option a text chooses makes it another text.
 */
export type OptionLabels = (issueId: Id, optionId: Id) => string | undefined;

/** The labels of the issues' options, as the content hash reads them. */
export function optionLabels(issues: { id: Id; options: { id: Id; label: string }[] }[]): OptionLabels {
  const labels = new Map<string, string>();
  for (const issue of issues)
    for (const option of issue.options) labels.set(`${issue.id}\u0000${option.id}`, option.label);
  return (issueId, optionId) => labels.get(`${issueId}\u0000${optionId}`);
}

/** A choice in canonical form: issue, option and what the option says. */
function canonicalChoice(issueId: Id, optionId: Id, labels: OptionLabels): unknown[] {
  return [issueId, optionId, labels(issueId, optionId) ?? null];
}

/**
 * A point's translations in canonical form (by language, each its title, text and alternatives by
 * bracket), or null when it has none: a point in one language keeps the hash it always had.
 */
function canonicalTranslations(point: Pick<Point, 'translations'>): unknown[] | null {
  const langs = Object.keys(point.translations ?? {}).sort();
  if (langs.length === 0) return null;
  return langs.map((lang) => {
    const t = point.translations![lang]!;
    const alternatives = Object.keys(t.alternatives)
      .sort()
      .map((id) => [id, t.alternatives[id]]);
    return [lang, t.title, t.text, alternatives];
  });
}

/**
 * A point in canonical form: every field a reader reads, with the labels of the options its
 * alternatives choose, and its text in every language it has (which status is behind is derived, and
 * left out).
 */
export function canonicalPoint(point: Point, labels: OptionLabels): unknown[] {
  const translations = canonicalTranslations(point);
  const canonical = [
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
          .map((k) => canonicalChoice(k, a.choices![k]!, labels));
        return choices.length ? [a.text, [...a.proposedBy].sort(), choices] : [a.text, [...a.proposedBy].sort()];
      }),
    ]),
    [...point.issueIds].sort(),
    point.trackId,
  ];
  // Translations join the canonical form only when there are some, so texts in one language keep their hash.
  return translations ? [...canonical, translations] : canonical;
}

const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * The SHA-256 (hex) of everything a recipient reads in a version: kind, label, summary, points,
 * option choices and source, in a canonical order, with the label of every option the text (or one
 * of its bracket alternatives) chooses. Two versions with the same hash are the same text, whatever
 * their ids; any edit gives another hash, so an approval never covers an edited text, nor a text whose
 * chosen options were relabelled since ("ceded in full" is not what was approved as "stays Ukrainian").
 *
 * @example contentHash(version, optionLabels(issues)) // 'f3b1…' (64 hex digits)
 */
export function contentHash(version: Content, labels: OptionLabels): string {
  const choices = Object.keys(version.optionChoices)
    .sort()
    .map((issue) => canonicalChoice(issue, version.optionChoices[issue]!, labels));
  return sha256([
    'parley/text/1',
    version.kind,
    version.label,
    version.summary,
    version.points.map((point) => canonicalPoint(point, labels)),
    choices,
    version.source,
  ]);
}

/**
 * The hash of a point's language (title, text, bracket alternatives, and the same in every translation
 * it has), whatever its id or number.
 */
export function languageHash(point: Pick<Point, 'title' | 'text' | 'brackets' | 'translations'>): string {
  const translations = canonicalTranslations(point);
  const own = [
    'parley/language/1',
    point.title,
    point.text,
    point.brackets.map((b) => b.alternatives.map((a) => a.text)),
  ];
  return sha256(translations ? [...own, translations] : own);
}

/**
 * The hash of the language of each of a point's renderings (its own words, then each translation's),
 * for the gate: the same wording is the same language in whichever slot it stands, so a governed text
 * copied into another text's Ukrainian is found as surely as one copied into its English.
 */
export function renderingHashes(point: Point): string[] {
  return pointRenderings(point).map(languageHash);
}

/** A version with what the rules need to know of it. */
export interface TextRecord {
  version: Pick<Version, 'id' | 'parentId' | 'authorPartyId' | 'points'> &
    Partial<Pick<Version, 'label' | 'summary' | 'internal' | 'source'>>;
  recipientPartyIds: Id[];
}

/** The parties of the table as the rules need them: a coalition with its member parties. */
export type TableParty = Pick<Party, 'id' | 'kind' | 'memberPartyIds'>;

/** How the rules read a table: its coalitions, and how a text is named to whoever reads the reason. */
export interface GateContext {
  /** The parties and coalitions of the table; without them a coalition is read as a party of its own. */
  parties?: TableParty[];
  /** A version as the reader of the reason may know it (its label, or that they have not received it). */
  describe?: (versionId: Id) => string;
  /** A party's name. */
  partyName?: (partyId: Id) => string;
  /**
   * The fingerprints of what a party already reads outside the texts it holds (issues, statements,
   * rounds, public positions…): language it has, which no rule can hold back from it any more.
   */
  reads?: (partyId: Id) => Set<number> | undefined;
}

const describeDefault = (versionId: Id) => `version "${versionId}"`;

/**
 * Whether a party's text falls under a rule's authors: the party is one of them, or a coalition one of
 * them belongs to (a text written "as the coalition" is still its members' text).
 */
export function writtenUnder(from: ReadonlySet<Id>, authorPartyId: Id | null, parties: TableParty[]): boolean {
  if (authorPartyId === null) return false;
  if (from.has(authorPartyId)) return true;
  const author = parties.find((p) => p.id === authorPartyId);
  return author?.kind === 'coalition' && author.memberPartyIds.some((member) => from.has(member));
}

/**
 * Whether a party holds a text: it is the author or a recipient, itself or through a coalition it
 * belongs to (whose texts its delegates read).
 */
export function holds(record: TextRecord, partyId: Id, parties: TableParty[]): boolean {
  const through = [
    partyId,
    ...parties.filter((p) => p.kind === 'coalition' && p.memberPartyIds.includes(partyId)).map((p) => p.id),
  ];
  return through.some((id) => record.recipientPartyIds.includes(id) || record.version.authorPartyId === id);
}

/** Each record's points as fingerprints, kept per version object (versions are immutable). */
const pointPrints = new WeakMap<object, { number: number; fingerprints: Set<number> }[]>();

function printsOf(version: TextRecord['version']): { number: number; fingerprints: Set<number> }[] {
  let prints = pointPrints.get(version);
  if (!prints) {
    // Each piece a reader reads as one: a point's title and text, and each of its alternatives.
    // Each language of a point is read on its own: its Ukrainian is as much the point's language as its English.
    prints = version.points.flatMap((point) =>
      pointRenderings(point).flatMap((rendering) => {
        const [title, text, ...alternatives] = pointWords(rendering);
        return [`${title}\n${text}`, ...alternatives].map((piece) => ({
          number: point.number,
          fingerprints: fingerprintAll([piece]),
        }));
      }),
    );
    // The summary is part of what a recipient reads: it counts as one more piece ("point 0"). The
    // label is the text's name, which people may speak of without carrying its language.
    const extra = fingerprintAll([version.summary ?? '']);
    if (extra.size > 0) prints = [...prints, { number: 0, fingerprints: extra }];
    pointPrints.set(version, prints);
  }
  return prints;
}

/**
 * The governed language that words carry to a recipient who has not received it, as a reason in
 * words; null when they carry none. `governed(record)` says which texts the rule governs by authorship
 * or lineage; `sees(record)` which of them the writer could have read (one cannot copy what one never
 * saw). Language the recipient holds (or reads with the words: `readWith`, or reads elsewhere at the
 * table: `context.reads`), and language written
 * before the governed text in texts the rule does not govern, is nobody's to hold back. Linear in the
 * negotiation's text.
 */
export function carriedLanguage(
  words: Set<number>,
  exclude: Id | null,
  recipient: Id,
  all: TextRecord[],
  governed: (record: TextRecord) => boolean,
  sees: (record: TextRecord) => boolean,
  context: GateContext = {},
  readWith: Id | null = null,
): { source: Id; carried: Carried } | null {
  if (words.size === 0) return null;
  const parties = context.parties ?? [];
  const held = new Set<number>();
  const reads = context.reads?.(recipient) ?? new Set<number>();
  for (const record of all)
    if (holds(record, recipient, parties) || record.version.id === readWith)
      for (const p of printsOf(record.version)) addAll(held, p.fingerprints);
  const older = new Set<number>();
  for (const record of all) {
    const isGoverned = governed(record);
    if (isGoverned && record.version.id !== exclude && !holds(record, recipient, parties) && sees(record)) {
      const fresh = newLanguage(printsOf(record.version), union(held, reads, older));
      const carried = carries(words, fresh);
      if (carried) return { source: record.version.id, carried };
    }
    if (!isGoverned) for (const p of printsOf(record.version)) addAll(older, p.fingerprints);
  }
  return null;
}

function addAll(into: Set<number>, from: Set<number>): void {
  for (const f of from) into.add(f);
}

/** A read-only union of sets, for `has` only. */
function union(...sets: Set<number>[]): Set<number> {
  return { has: (f: number) => sets.some((set) => set.has(f)) } as Set<number>;
}

/** Whether a rule governs a record by its author or its lineage (not by copied language). */
function governedByLine(
  rule: Pick<TransmissionRule, 'fromPartyIds'>,
  record: TextRecord,
  byId: Map<Id, TextRecord>,
  parties: TableParty[],
): { by: 'author' } | { by: 'lineage'; ancestor: Id; author: Id } | null {
  const from = new Set(rule.fromPartyIds);
  if (writtenUnder(from, record.version.authorPartyId, parties)) return { by: 'author' };
  const seen = new Set<Id>();
  for (
    let parent = record.version.parentId;
    parent !== null && !seen.has(parent);
    parent = byId.get(parent)?.version.parentId ?? null
  ) {
    seen.add(parent);
    const author = byId.get(parent)?.version.authorPartyId ?? null;
    if (author !== null && writtenUnder(from, author, parties)) return { by: 'lineage', ancestor: parent, author };
  }
  return null;
}

/** The texts a version's author could have read when writing it: what its party holds; for a table text, what the mediators see. */
function seenByAuthor(version: TextRecord['version'], parties: TableParty[]): (record: TextRecord) => boolean {
  const holder = version.authorPartyId;
  if (holder === null) return (record) => record.version.internal !== true;
  return (record) => holds(record, holder, parties);
}

/**
 * Why a rule governs a text for a recipient, in words; null when it does not. It does when the text
 * was written by one of the rule's author parties (or a coalition of one), descends from such a text,
 * or carries such a text's language that the recipient has not received: the same words, or a near
 * copy by the measure of `core/gate.ts` (whitespace, invisible characters, look-alike letters, case,
 * punctuation, reordering and small edits do not make another text).
 */
export function governingReason(
  rule: Pick<TransmissionRule, 'fromPartyIds' | 'toPartyIds' | 'removedAt'>,
  text: TextRecord,
  recipient: Id,
  all: TextRecord[],
  context: GateContext = {},
): string | null {
  if (rule.removedAt !== null || !rule.toPartyIds.includes(recipient)) return null;
  const parties = context.parties ?? [];
  const describe = context.describe ?? describeDefault;
  const partyName = context.partyName ?? ((id: Id) => id);
  const { version } = text;
  // The author side holds its own text: a coalition's text is its members' own, not sent to them.
  if (holds({ version, recipientPartyIds: [] }, recipient, parties)) return null;
  const byId = new Map(all.map((record) => [record.version.id, record]));
  const line = governedByLine(rule, text, byId, parties);
  if (line?.by === 'author') return `it was written by ${partyName(version.authorPartyId!)}`;
  if (line?.by === 'lineage')
    return `it descends from ${describe(line.ancestor)}, written by ${partyName(line.author)}`;
  const sees = seenByAuthor(version, parties);
  const governed = (record: TextRecord) => governedByLine(rule, record, byId, parties) !== null;
  // The same language, point for point, however short.
  const held = new Set(
    all.filter((r) => holds(r, recipient, parties)).flatMap((r) => r.version.points.flatMap(renderingHashes)),
  );
  const exact = new Map<string, Id>();
  for (const record of all)
    if (record.version.id !== version.id && governed(record) && sees(record))
      for (const point of record.version.points)
        for (const hash of renderingHashes(point)) exact.set(hash, record.version.id);
  for (const point of version.points)
    for (const hash of renderingHashes(point)) {
      const source = exact.get(hash);
      if (source !== undefined && !held.has(hash))
        return `point ${point.number} carries language of ${describe(source)} that ${partyName(recipient)} has not received`;
    }
  // A near copy: the same language, edited.
  const words = fingerprintAll(
    versionWords({
      summary: version.summary ?? '',
      label: version.label,
      source: version.source,
      points: version.points,
    }),
  );
  const found = carriedLanguage(words, version.id, recipient, all, governed, sees, context);
  if (found)
    return `${copyWords(found.carried)} ${describe(found.source)} that ${partyName(recipient)} has not received`;
  return null;
}

/** How much of a governed text some words carry, in words for a refusal. */
export function copyWords(carried: Carried): string {
  const share = `${Math.round((100 * carried.shared) / carried.of)} %`;
  return carried.pointNumber === null || carried.pointNumber === 0
    ? `it carries ${share} of the new language of`
    : `it carries ${share} of the new language of point ${carried.pointNumber} of`;
}

/**
 * Why words (a statement, a position's wording, a summary: any channel) may not reach a recipient: a
 * rule holds back a governed text they carry. `sees` says which texts the writer could have read;
 * `about`, the version the words are read with (a position's): whoever reads them holds that version,
 * so its own language is not held back from them.
 */
export function wordsReason(
  rule: Pick<TransmissionRule, 'fromPartyIds' | 'toPartyIds' | 'removedAt'>,
  words: Set<number>,
  recipient: Id,
  all: TextRecord[],
  sees: (record: TextRecord) => boolean,
  context: GateContext = {},
  about: Id | null = null,
): string | null {
  if (rule.removedAt !== null || !rule.toPartyIds.includes(recipient)) return null;
  const parties = context.parties ?? [];
  const byId = new Map(all.map((record) => [record.version.id, record]));
  const governed = (record: TextRecord) => governedByLine(rule, record, byId, parties) !== null;
  const found = carriedLanguage(words, about, recipient, all, governed, sees, context, about);
  if (!found) return null;
  const describe = context.describe ?? describeDefault;
  return `${copyWords(found.carried)} ${describe(found.source)}, which ${(context.partyName ?? ((id: Id) => id))(recipient)} has not received`;
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
  context: GateContext = {},
): GateRefusal[] {
  const refusals: GateRefusal[] = [];
  for (const rule of rules) {
    const reason = governingReason(rule, text, recipient, all, context);
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
