import type { Id } from '../core/model.ts';
import type { Executor, NegotiationContext, Store } from './store.ts';

/**
 * The gate, applied to every channel that carries words to another party. This module is the one
 * place the store asks whether words, a text or a coalition's new members may reach a party.
 */

/**
 * Why parties joining a coalition may not do so yet: the coalition holds texts the rules hold back
 * from one of them, so joining would hand them over. Null when they may join.
 */
export async function coalitionJoinRefusal(
  _store: Store,
  _ctx: NegotiationContext,
  _db: Executor,
  _coalitionId: Id,
  _joiningPartyIds: Id[],
): Promise<string | null> {
  return null;
}
