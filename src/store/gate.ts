import { forbidden } from '../core/errors.ts';
import { fingerprintAll } from '../core/gate.ts';
import type { Id, Party, TransmissionRule, Version } from '../core/model.ts';
import { type GateContext, type TextRecord, gateRefusals, holds, wordsReason } from '../core/transmission.ts';
import { canSeeVersion } from '../core/visibility.ts';
import { listEntities } from './collections.ts';
import type { Executor, NegotiationContext, Store } from './store.ts';
import { textApprovals, textRecords } from './texts.ts';

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
  const partyName = (id: Id) => {
    const party = ctx.parties.find((p) => p.id === id);
    return party ? party.name : `"${id}"`;
  };
  return {
    parties: ctx.parties,
    partyName,
    describe: (versionId) => {
      const record = records.find((r) => r.version.id === versionId);
      if (!record || !canSeeVersion(ctx.scope, record.version, record.recipientPartyIds))
        return 'an earlier text you have not received';
      return `version "${record.version.label || versionId}"`;
    },
  };
}

async function peopleNames(ctx: NegotiationContext, db: Executor): Promise<(userId: Id) => string> {
  const ids = [...new Set(ctx.memberships.map((m) => m.userId))];
  const people = ids.length ? await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute() : [];
  return (userId: Id) => people.find((p) => p.id === userId)?.name || 'a principal';
}

/**
 * Why the rules hold a text back from some of `recipients`, in words, one line per recipient and
 * rule; empty when it may go to all. A coalition among the recipients is gated as each of its members.
 */
export async function textRefusals(
  store: Store,
  ctx: NegotiationContext,
  db: Executor,
  text: TextRecord & { contentHash: string },
  recipients: Id[],
  records: Records,
): Promise<{ partyId: Id; line: string }[]> {
  if (recipients.length === 0) return [];
  const rules = await listEntities(db, 'transmissionRules', ctx.negotiation.id);
  if (rules.every((rule) => rule.removedAt !== null)) return [];
  const approvals = await textApprovals(db, ctx.negotiation.id);
  const names = await peopleNames(ctx, db);
  const context = gateContext(ctx, records);
  const lines: { partyId: Id; line: string }[] = [];
  for (const recipient of recipients) {
    for (const party of receivingParties(ctx.parties, [recipient])) {
      // A member already holding the text gets nothing new through its coalition.
      if (party !== recipient && holds(text, party, ctx.parties)) continue;
      for (const refusal of gateRefusals(rules, text, party, records, approvals, store.nowIso(), names, context)) {
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
  const context = gateContext(ctx, records);
  const sees = (record: TextRecord) => canSeeVersion(ctx.scope, record.version as Version, record.recipientPartyIds);
  const lines: string[] = [];
  for (const party of receivingParties(ctx.parties, recipients)) {
    for (const rule of rules) {
      const reason = wordsReason(rule, prints, party, records, sees, context, about);
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
