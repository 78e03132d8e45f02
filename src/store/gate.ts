import { forbidden } from '../core/errors.ts';
import { fingerprint, fingerprintAll } from '../core/gate.ts';
import type { Id, Party, TransmissionRule, Version } from '../core/model.ts';
import { type GateContext, type TextRecord, gateRefusals, holds, wordsReason } from '../core/transmission.ts';
import { canSeeVersion } from '../core/visibility.ts';
import { listEntities } from './collections.ts';
import type { Executor, NegotiationContext, Store } from './store.ts';
import { partyName, peopleNames } from './names.ts';
import { requireUnaltered, textApprovals, textRecords } from './texts.ts';
import { recordedApprovals } from './audit-state.ts';

/**
 * The gate, applied to every channel that carries words to another party. This module is the one
 * place the store asks whether words, a text or a coalition's new members may reach a party; the
 * measure itself is `core/gate.ts`, the rules `core/transmission.ts`.
 */

type Records = (TextRecord & { version: Version; contentHash: string })[];

/**
 * The parties that receive something sent to these: each party itself and, for a coalition, each
 * of its member parties, whose delegates read what the coalition receives.
 */
export function receivingParties(parties: Party[], partyIds: Id[]): Id[] {
  const out = new Set<Id>();
  for (const id of partyIds) {
    out.add(id);
    const party = parties.find((p) => p.id === id);
    if (party?.kind === 'coalition') for (const member of party.memberPartyIds) out.add(member);
  }
  return [...out];
}

/** How reasons name things to this reader: parties by name, versions by label where the reader may see them. */
export function gateContext(ctx: NegotiationContext, records: Records): GateContext {
  return {
    parties: ctx.parties,
    partyName: (id) => partyName(ctx.parties, id),
    describe: (versionId) => {
      const record = records.find((r) => r.version.id === versionId);
      if (!record || !canSeeVersion(ctx.scope, record.version, record.recipientPartyIds))
        return 'an earlier text you have not received';
      return `version "${record.version.label || versionId}"`;
    },
  };
}

/** The tables that hold what a party reads at the table outside the texts it holds. */
const READ_TABLES = [
  'negotiations',
  'parties',
  'issues',
  'statements',
  'rounds',
  'transmission_rules',
  'tracks',
  'red_lines',
  'positions',
  'versions',
  'version_recipients',
] as const;

/**
 * The fingerprints of everything a party reads at the table outside the texts it holds: the
 * negotiation's title and summary, the parties' names, the issues and their options, public statements,
 * rounds, the rules, its tracks, public red lines, and public positions on texts it holds. Its language
 * is the party's already: no rule can hold it back any more, so a governed text's new language is
 * counted without it (and a copy sent in pieces finds less of the text left to carry with each piece).
 */
export async function partyReads(
  store: Store,
  ctx: NegotiationContext,
  db: Executor,
  partyId: Id,
): Promise<Set<number>> {
  const negotiationId = ctx.negotiation.id;
  const load = async () => {
    const prints = new Set<number>();
    const add = (...texts: (string | null | undefined)[]) => {
      for (const t of texts) if (t) fingerprint(t, prints);
    };
    const negotiation = (await db
      .selectFrom('negotiations')
      .select('data')
      .where('id', '=', negotiationId)
      .executeTakeFirst()) as { data: string } | undefined;
    if (negotiation) {
      const { title, summary } = JSON.parse(negotiation.data) as { title: string; summary: string };
      add(title, summary);
    }
    for (const party of await listEntities(db, 'parties', negotiationId)) add(party.name, party.shortName);
    for (const issue of await listEntities(db, 'issues', negotiationId))
      add(issue.name, issue.description, ...issue.options.flatMap((o) => [o.label, o.description]));
    for (const st of await listEntities(db, 'statements', negotiationId))
      add(st.quote, st.speaker, st.affiliation, st.source);
    for (const r of await listEntities(db, 'rounds', negotiationId))
      add(
        r.title,
        r.outcome,
        r.place,
        r.source,
        ...r.participants.flatMap((p) => p.people),
        ...r.statements.flatMap((x) => [x.title, x.text, x.source]),
      );
    for (const rule of await listEntities(db, 'transmissionRules', negotiationId)) add(rule.name, rule.description);
    const own = new Set([partyId, ...ctx.parties.filter((p) => p.memberPartyIds.includes(partyId)).map((p) => p.id)]);
    for (const track of await listEntities(db, 'tracks', negotiationId))
      if (track.partyIds.some((id) => own.has(id))) add(track.name, track.description);
    // Public material only, filtered in SQL: a party's own material is not what others read.
    const publicOnly = { owned: { all: false as const, ownerPartyIds: [], visibilities: ['public' as const] } };
    for (const line of await listEntities(db, 'redLines', negotiationId, publicOnly))
      add(line.title, line.description, line.source);
    const records = await textRecords(store, ctx, db);
    const readable = new Set(records.filter((r) => holds(r, partyId, ctx.parties)).map((r) => r.version.id));
    for (const position of await listEntities(db, 'positions', negotiationId, publicOnly))
      if (readable.has(position.versionId)) add(position.proposedText, position.rationale, position.source);
    return prints;
  };
  // Inside a transaction the connection is the transaction's: read there, uncached.
  if (db !== store.db) return load();
  return store.reads.get(`party-reads ${negotiationId} ${partyId}`, READ_TABLES, load);
}

/**
 * The gate's context for these recipients: names as the reader knows them, and what each recipient
 * already reads at the table (only for those a rule holds texts back from: the others need nothing).
 */
export async function recipientsContext(
  store: Store,
  ctx: NegotiationContext,
  db: Executor,
  records: Records,
  rules: Pick<TransmissionRule, 'toPartyIds' | 'removedAt'>[],
  recipients: Id[],
): Promise<GateContext> {
  const guarded = new Set(rules.filter((r) => r.removedAt === null).flatMap((r) => r.toPartyIds));
  const reads = new Map<Id, Set<number>>();
  for (const party of receivingParties(ctx.parties, recipients))
    if (guarded.has(party)) reads.set(party, await partyReads(store, ctx, db, party));
  return { ...gateContext(ctx, records), reads: (partyId) => reads.get(partyId) };
}

/**
 * Why the rules hold a text back from some of `recipients`, in words, one line per recipient and
 * rule; empty when it may go to all. A coalition among the recipients is gated as each of its members.
 */
export async function textRefusals(
  store: Store,
  ctx: NegotiationContext,
  db: Executor,
  text: TextRecord & { contentHash: string; altered?: boolean },
  recipients: Id[],
  records: Records,
): Promise<{ partyId: Id; line: string }[]> {
  if (recipients.length === 0) return [];
  // A text altered outside Parley goes nowhere, whatever its approvals say.
  requireUnaltered(text);
  const rules = await listEntities(db, 'transmissionRules', ctx.negotiation.id);
  if (rules.every((rule) => rule.removedAt !== null)) return [];
  // Only decisions the log recorded count: a row inserted into the table is refused, loudly.
  const approvals = await recordedApprovals(db, ctx.negotiation.id, await textApprovals(db, ctx.negotiation.id));
  const names = await peopleNames(db, ctx);
  const context = gateContext(ctx, records);
  const lines: { partyId: Id; line: string }[] = [];
  for (const recipient of recipients) {
    for (const party of receivingParties(ctx.parties, [recipient])) {
      // A member already holding the text gets nothing new through its coalition.
      if (party !== recipient && holds(text, party, ctx.parties)) continue;
      const refusals = gateRefusals(rules, text, party, records, approvals, store.nowIso(), names, {
        ...context,
        ...(await recipientsContext(store, ctx, db, records, rules, [party])),
      });
      for (const refusal of refusals) {
        const via = party === recipient ? '' : ` (a member of ${context.partyName!(recipient)})`;
        lines.push({
          partyId: recipient,
          line: `to ${context.partyName!(party)}${via}: the rule "${refusal.ruleName}" governs this text (${refusal.reason}) and ${refusal.needs}`,
        });
      }
    }
  }
  return lines;
}

/**
 * Why words written by the reader may not reach `recipients` yet: they carry the language of a
 * governed text that one of them has not received. `channel` names where the words go ("the
 * statement's quote"). Null when they may go.
 */
export async function wordsRefusal(
  store: Store,
  ctx: NegotiationContext,
  db: Executor,
  channel: string,
  words: string[],
  recipients: Id[],
  about: Id | null = null,
): Promise<string | null> {
  if (recipients.length === 0) return null;
  const prints = fingerprintAll(words);
  if (prints.size === 0) return null;
  const rules = (await listEntities(db, 'transmissionRules', ctx.negotiation.id)).filter(
    (rule: TransmissionRule) => rule.removedAt === null,
  );
  if (rules.length === 0) return null;
  const records = await textRecords(store, ctx, db);
  const sees = (record: TextRecord) => canSeeVersion(ctx.scope, record.version as Version, record.recipientPartyIds);
  const lines: string[] = [];
  for (const party of receivingParties(ctx.parties, recipients)) {
    if (!rules.some((rule) => rule.toPartyIds.includes(party))) continue;
    // What the party already reads at the table is its own: the governed text's new language is the rest.
    const withReads = await recipientsContext(store, ctx, db, records, rules, [party]);
    for (const rule of rules) {
      const reason = wordsReason(rule, prints, party, records, sees, withReads, about);
      if (reason) lines.push(`${reason} (the rule "${rule.name}" holds it back until it is approved and sent)`);
    }
  }
  if (lines.length === 0) return null;
  return `${channel} may not go to the table yet: ${[...new Set(lines)].join('; ')}. Send the text itself once its approvals are complete, or write in your own words.`;
}

/** Refuses words that carry a governed text to a party that has not received it (see `wordsRefusal`). */
export async function requireWordsMayGo(
  store: Store,
  ctx: NegotiationContext,
  channel: string,
  words: string[],
  recipients: Id[],
  db: Executor = store.db,
  about: Id | null = null,
): Promise<void> {
  const refusal = await wordsRefusal(store, ctx, db, channel, words, recipients, about);
  if (refusal) throw forbidden(refusal);
}

/**
 * The member parties of a coalition, whose delegations read its own material (`party` or `mediator`
 * visibility); none for a party, whose own material stays with it.
 */
export function coalitionMembers(ctx: NegotiationContext, partyId: Id): Id[] {
  const party = ctx.parties.find((p) => p.id === partyId);
  return party?.kind === 'coalition' ? party.memberPartyIds : [];
}

/** Every party at the table: the audience of what is public to it. */
export function everyParty(ctx: NegotiationContext): Id[] {
  return ctx.parties.map((p) => p.id);
}

/**
 * Why parties joining a coalition may not do so yet: the coalition holds texts the rules hold back
 * from one of them, so joining would hand them over. Null when they may join.
 */
export async function coalitionJoinRefusal(
  store: Store,
  ctx: NegotiationContext,
  db: Executor,
  coalitionId: Id,
  joiningPartyIds: Id[],
): Promise<string | null> {
  if (joiningPartyIds.length === 0) return null;
  const records = await textRecords(store, ctx, db);
  const held = records.filter(
    (r) => r.recipientPartyIds.includes(coalitionId) || r.version.authorPartyId === coalitionId,
  );
  const lines: string[] = [];
  for (const text of held) {
    const refusals = await textRefusals(
      store,
      ctx,
      db,
      text,
      joiningPartyIds.filter((p) => !holds(text, p, ctx.parties)),
      records,
    );
    for (const { line } of refusals) lines.push(`version "${text.version.label || text.version.id}" ${line}`);
  }
  if (lines.length === 0) return null;
  const name = ctx.parties.find((p) => p.id === coalitionId)?.name ?? coalitionId;
  return `joining ${name} would hand over texts the rules hold back: ${lines.join('; ')}`;
}
