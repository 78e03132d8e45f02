import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Redirect, useLocation } from 'wouter';
import { api, describeError, unwrap, type Schemas } from '../api/client';
import { keys, useNegotiations } from '../api/queries';
import { Await } from '../components/Status';
import { useSession } from '../session';
import { NewNegotiation } from './NewNegotiation';

/** The negotiations the account has a seat in; with only one, straight to it. */
export function NegotiationsPage() {
  const { user, signOut } = useSession();
  const negotiations = useNegotiations();
  const invitations = useQuery({
    queryKey: ['me', 'invitations'],
    queryFn: () => unwrap(api.GET('/api/me/invitations')),
  });
  const waiting = invitations.data ?? [];
  return (
    <main className="page narrow">
      <header className="row spread">
        <h1>Your negotiations</h1>
        <span>
          {user?.name} · <Link href="/account">Account</Link> ·{' '}
          <button type="button" className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </span>
      </header>
      {waiting.length > 0 ? <MyInvitations list={waiting} /> : null}
      <Await query={negotiations} what="your negotiations">
        {(list) =>
          list.length === 1 &&
          invitations.isSuccess &&
          waiting.length === 0 &&
          !new URLSearchParams(location.search).has('all') ? (
            <Redirect to={`/n/${encodeURIComponent(list[0]!.id)}`} replace />
          ) : list.length === 0 ? (
            <p>You have no seat at any table yet. Open a negotiation below, or ask a convenor to invite you.</p>
          ) : (
            <ul className="cards">
              {list.map((n) => (
                <li key={n.id} className="card">
                  <Link href={`/n/${encodeURIComponent(n.id)}`}>
                    <strong>{n.title}</strong>
                  </Link>
                  <p>{n.summary}</p>
                </li>
              ))}
            </ul>
          )
        }
      </Await>
      <NewNegotiation />
    </main>
  );
}

type Offer = Schemas['InvitationOffer'];

/** The invitations addressed to the signed-in account: each accepted here, no link needed. */
function MyInvitations({ list }: { list: Offer[] }) {
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const accept = useMutation({
    mutationFn: (invitationId: string) =>
      unwrap(api.POST('/api/me/invitations/{invitationId}/accept', { params: { path: { invitationId } } })),
    onSuccess: async (membership) => {
      await client.invalidateQueries({ queryKey: ['me', 'invitations'] });
      await client.invalidateQueries({ queryKey: keys.negotiations() });
      navigate(`/n/${encodeURIComponent(membership.negotiationId)}`);
    },
  });
  return (
    <section className="card" aria-labelledby="my-invitations">
      <h2 id="my-invitations">Invitations for you</h2>
      <ul>
        {list.map((offer) => (
          <li key={offer.id} data-testid="my-invitation">
            <strong>{offer.negotiationTitle}</strong>:{' '}
            {offer.partyName ? `${offer.role} of ${offer.partyName}` : offer.role}
            {offer.title ? `, ${offer.title}` : ''}{' '}
            {offer.awaitingPartyConsent ? (
              <span className="hint">(awaiting the consent of {offer.partyName}'s principal or lead)</span>
            ) : (
              <button
                type="button"
                className="primary"
                disabled={accept.isPending}
                onClick={() => accept.mutate(offer.id)}
                aria-label={`Accept the seat in ${offer.negotiationTitle}`}
              >
                Accept the seat
              </button>
            )}
          </li>
        ))}
      </ul>
      {accept.error ? (
        <p className="error" role="alert">
          {describeError(accept.error)}
        </p>
      ) : null}
    </section>
  );
}
