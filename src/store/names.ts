import type { Id, Party } from '../core/model.ts';
import type { Executor, NegotiationContext } from './store.ts';

/** Names for the messages a person reads: parties and people by name, never by id. */

/** A party's name ("a party no longer at the table" for an id no longer among them). */
export function partyName(parties: Pick<Party, 'id' | 'name'>[], partyId: Id): string {
  return parties.find((p) => p.id === partyId)?.name ?? 'a party no longer at the table';
}

/** Parties' names as a list: "France, Germany and the United Kingdom". */
export function partyNames(parties: Pick<Party, 'id' | 'name'>[], partyIds: Id[]): string {
  const names = partyIds.map((p) => partyName(parties, p));
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** People's names by id, read once ("a person no longer seated in this negotiation" for an id no longer seated). */
export async function peopleNames(
  db: Executor,
  ctx: Pick<NegotiationContext, 'memberships'>,
  extra: Id[] = [],
): Promise<(userId: Id) => string> {
  const ids = [...new Set([...ctx.memberships.map((m) => m.userId), ...extra])];
  const people = ids.length ? await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute() : [];
  const byId = new Map(people.map((p) => [p.id, p.name]));
  return (userId) => byId.get(userId) || 'a person no longer seated in this negotiation';
}
