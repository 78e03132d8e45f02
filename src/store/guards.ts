import { forbidden, invalid } from '../core/errors.ts';
import type { Id } from '../core/model.ts';
import { canActAsMediator, canActForParty, canSendForParty } from '../core/visibility.ts';
import { partyName } from './names.ts';
import type { NegotiationContext } from './store.ts';

/** The policy checks the commands share, each one line of the policy in `core/visibility.ts` with its message. */

export function requireMediator(ctx: NegotiationContext, action: string): void {
  if (!canActAsMediator(ctx.scope)) throw forbidden(`only a mediator may ${action}`);
}

export function requireParty(ctx: NegotiationContext, partyId: Id, action: string): void {
  if (!ctx.parties.some((p) => p.id === partyId))
    throw invalid('partyId', `"${partyId}" is not a party of this negotiation`);
  if (!canActForParty(ctx.scope, partyId))
    throw forbidden(`only members of ${partyName(ctx.parties, partyId)} may ${action} it`);
}

/**
 * Material shared beyond the party (with the mediators, or with the table) is sent by the party's
 * principal or lead, as its texts are: a member who may not send a text cannot publish it as a
 * position, a red line or a preference either.
 */
export function requireSender(ctx: NegotiationContext, partyId: Id, visibility: string, what: string): void {
  if (visibility === 'party' || canSendForParty(ctx.scope, partyId)) return;
  throw forbidden(
    `only the principal or the lead of ${partyName(ctx.parties, partyId)} shares ${what} beyond the party (visibility "${visibility}"); keep it "party", or ask them to share it`,
  );
}

/** The operator at the command line, who holds the database file; never an account over HTTP. */
export function requireOperator(ctx: NegotiationContext, action: string): void {
  if (!ctx.scope.isOperator) throw forbidden(`only the operator at the command line may ${action}`);
}
