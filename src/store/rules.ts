import { blindStage } from '../core/approval.ts';
import { invalid, notFound } from '../core/errors.ts';
import type { Id, RuleTerms, Track, TransmissionRule } from '../core/model.ts';
import { readEntities } from './collections.ts';
import { partyName, peopleNames } from './names.ts';
import type { NegotiationContext, Store } from './store.ts';

/**
 * Reading the negotiation's transmission rules, and whether each can finish: what the commands on
 * rules (`transmission.ts`) and on tracks (`tracks.ts`) check before they write.
 */

/** Every rule of the negotiation, removed ones included (marked): the procedure is known at the table. */
export async function listRules(store: Store, ctx: NegotiationContext): Promise<TransmissionRule[]> {
  return readEntities(store, 'transmissionRules', ctx.negotiation.id);
}

/** One rule of the negotiation, removed or not; 404 when there is none with this id. */
export async function ruleOf(store: Store, ctx: NegotiationContext, ruleId: Id): Promise<TransmissionRule> {
  const rule = (await readEntities(store, 'transmissionRules', ctx.negotiation.id, { id: ruleId }))[0];
  if (!rule) throw notFound(`transmission rule "${ruleId}"`);
  return rule;
}

/** Names joined for a sentence: "A", "A and B", "A, B or C". */
export const listed = (names: string[], word: 'and' | 'or') =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} ${word} ${names[names.length - 1]}`;

/**
 * Why a stage of a rule could never finish because of a track, in words, with the way out; null
 * when every approval stage can finish whatever tracks its texts hold.
 */
export function blindStageProblem(
  ctx: Pick<NegotiationContext, 'parties' | 'memberships'>,
  terms: Pick<RuleTerms, 'stages'>,
  tracks: Track[],
  name: (userId: Id) => string,
): { index: number; message: string } | null {
  const blind = blindStage(terms, tracks, ctx.memberships, ctx.parties);
  if (!blind) return null;
  const { stage, track, outside } = blind;
  const who = (userId: Id) => {
    const party = ctx.memberships.find((m) => m.userId === userId && m.role === 'principal' && m.partyId !== null);
    return party ? `${name(userId)} (${partyName(ctx.parties, party.partyId!)})` : name(userId);
  };
  const trackParties = listed(
    track.partyIds.map((id) => partyName(ctx.parties, id)),
    'and',
  );
  const cause =
    stage.mode === 'all'
      ? `${listed(outside.map(who), 'and')} ${outside.length === 1 ? 'is' : 'are'} outside the track "${track.name}" (${trackParties})`
      : `none of its principals (${listed(outside.map(who), 'and')}) takes part in the track "${track.name}" (${trackParties})`;
  return {
    index: blind.index,
    message: `stage "${stage.name}" could never finish on a text that holds points of the track "${track.name}": ${cause}, and a principal outside a track reads such a text with those points withheld, so cannot decide on it. Name principals of ${trackParties} at this stage${stage.mode === 'all' ? ', make it an "any" stage with one of them among its principals,' : ','} or ask a mediator to add ${listed(
      [
        ...new Set(
          outside.flatMap((userId) =>
            ctx.memberships
              .filter((m) => m.userId === userId && m.role === 'principal' && m.partyId !== null)
              .map((m) => partyName(ctx.parties, m.partyId!)),
          ),
        ),
      ],
      'or',
    )} to the track`,
  };
}

/**
 * Refuses tracks that would leave an active rule (or a change waiting for consent) unable to finish:
 * a principal deciding at one of its stages would be outside a track whose points its texts may hold.
 */
export async function requireRulesCanFinish(store: Store, ctx: NegotiationContext, tracks: Track[]): Promise<void> {
  const rules = (await listRules(store, ctx)).filter((rule) => rule.removedAt === null);
  const name = await peopleNames(store.db, ctx);
  for (const rule of rules) {
    for (const [terms, which] of [
      [rule, `the rule "${rule.name}"`],
      [rule.pendingChange?.terms ?? null, `the change of the rule "${rule.name}" waiting for consent`],
    ] as const) {
      if (!terms) continue;
      const blind = blindStageProblem(ctx, terms, tracks, name);
      if (blind)
        throw invalid(
          'partyIds',
          `this would leave ${which} unable to finish: ${blind.message}; or change the rule first`,
        );
    }
  }
}
