import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../../src/core/errors.ts';
import type { Role } from '../../src/core/model.ts';
import { userByEmail } from '../../src/store/accounts.ts';
import { acceptInvitationSignedIn, inviteMember } from '../../src/store/invitations.ts';
import { removeMember, updateMember } from '../../src/store/members.ts';
import { decideProposal, listProposals } from '../../src/store/proposals.ts';
import { Store } from '../../src/store/store.ts';
import { contextOf, demoDatabase } from '../helpers.ts';

/**
 * A party's delegation is the party's: whatever the mediator, another party's lead or a US member
 * without the role try, in any order and as often as they like (change a seat, remove one, invite
 * someone in, consent to what they proposed themselves), the US delegation stays as it was until the
 * US's own principal or lead consents; and no one ends up with a second seat.
 */
const N = 'geneva-2025';
const OUTSIDERS = ['mediator@demo.parley', 'ru@demo.parley', 'eu@demo.parley', 'kushner@demo.parley'] as const;
const ROLES: Role[] = ['principal', 'lead', 'negotiator', 'adviser', 'observer'];

const attempt = fc.record({
  by: fc.constantFrom(...OUTSIDERS),
  action: fc.constantFrom('role', 'title', 'remove', 'invite-mediator', 'invite-ru-lead', 'invite-new', 'consent'),
  target: fc.nat(),
  role: fc.constantFrom(...ROLES),
});

const as = (store: Store, email: string) => contextOf(store, email);

/** The US delegation as it stands: who sits in it, with which role and title. */
async function delegation(store: Store): Promise<string> {
  const ctx = await store.operatorContext(N);
  return JSON.stringify(
    ctx.memberships
      .filter((m) => m.partyId === 'us')
      .map((m) => [m.userId, m.role, m.title])
      .sort(),
  );
}

describe('property: no one but its principal or lead changes a delegation', () => {
  test('any sequence of attempts by the mediator, another party or a member without the role leaves the US delegation as it was', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(attempt, { minLength: 1, maxLength: 6 }), async (attempts) => {
        const store = await Store.open(await demoDatabase());
        try {
          const before = await delegation(store);
          for (const a of attempts) {
            const ctx = await as(store, a.by);
            const seats = ctx.memberships.filter((m) => m.partyId === 'us');
            const seat = seats[a.target % seats.length]!;
            const work = async () => {
              if (a.action === 'role') await updateMember(store, ctx, seat.id, { role: a.role });
              else if (a.action === 'title') await updateMember(store, ctx, seat.id, { title: 'Envoy' });
              else if (a.action === 'remove') await removeMember(store, ctx, seat.id);
              else if (a.action.startsWith('invite')) {
                const email =
                  a.action === 'invite-mediator'
                    ? 'mediator@demo.parley'
                    : a.action === 'invite-ru-lead'
                      ? 'ru@demo.parley'
                      : `new-${a.target}@example.org`;
                const { invitation } = await inviteMember(store, ctx, {
                  email,
                  partyId: 'us',
                  role: a.role,
                  title: '',
                });
                // The invited account takes the seat at once, if it may.
                const invitee = await userByEmail(store, email);
                if (invitee) await acceptInvitationSignedIn(store, invitee, invitation.id);
              } else
                for (const proposal of await listProposals(store, ctx, { state: 'open' }))
                  await decideProposal(store, ctx, proposal.id, 'accept');
            };
            await work().catch((error: unknown) => {
              // A refusal is an answer; anything else is a bug.
              assert.ok(error instanceof DomainError, String(error));
            });
          }
          assert.equal(await delegation(store), before, attempts.map((a) => `${a.by} ${a.action}`).join(', '));
          const seatsOf = new Map<string, number>();
          for (const m of (await store.operatorContext(N)).memberships)
            seatsOf.set(m.userId, (seatsOf.get(m.userId) ?? 0) + 1);
          assert.ok(
            [...seatsOf.values()].every((n) => n === 1),
            'one seat a person',
          );
        } finally {
          await store.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
