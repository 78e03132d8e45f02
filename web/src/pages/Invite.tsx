import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { api, describeError, unwrap } from '../api/client';
import { Await } from '../components/Status';
import { useSession } from '../session';
import './Account.css';

/** An invitation's page: the holder of the link sees the seat offered, chooses a name and a password, and sits down. */
export function InvitePage({ token }: { token: string }) {
  const { user, signIn } = useSession();
  const [, navigate] = useLocation();
  const [busy, setBusy] = useState(false);
  const preview = useQuery({
    queryKey: ['invitation-preview', token],
    // Once accepted, the link is used: reading it again would only say so while the page moves on.
    enabled: !busy,
    retry: false,
    staleTime: Infinity,
    queryFn: () => unwrap(api.GET('/api/invitations/{token}', { params: { path: { token } } })),
  });
  const [hasAccount, setHasAccount] = useState(false);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent, email: string) => {
    event.preventDefault();
    setError(null);
    if (!hasAccount && password !== again) {
      setError('the two passwords differ; type the same one twice');
      return;
    }
    setBusy(true);
    try {
      const accepted = await unwrap(
        api.POST('/api/invitations/accept', { body: { token, name: hasAccount ? '' : name, password } }),
      );
      // The answer's bearer token is for API clients; the browser signs in with its cookie instead.
      await api
        .POST('/api/auth/logout', { headers: { authorization: `Bearer ${accepted.token}` } })
        .catch(() => undefined);
      await signIn(email, password);
      navigate(`/n/${encodeURIComponent(accepted.membership.negotiationId)}`, { replace: true });
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  };

  /** Signed in with the invited e-mail: the seat is taken with the session, no password asked. */
  const acceptSignedIn = async (invitationId: string) => {
    setError(null);
    setBusy(true);
    try {
      const membership = await unwrap(
        api.POST('/api/me/invitations/{invitationId}/accept', { params: { path: { invitationId } } }),
      );
      navigate(`/n/${encodeURIComponent(membership.negotiationId)}`, { replace: true });
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  };

  return (
    <main className="page narrow invite">
      <h1>Parley</h1>
      <Await query={preview} what="the invitation">
        {(offer) => (
          <>
            <section className="card" aria-labelledby="offer-title">
              <h2 id="offer-title">You are invited to a negotiation</h2>
              <dl className="facts">
                <dt>Negotiation</dt>
                <dd>{offer.negotiationTitle}</dd>
                <dt>Seat offered</dt>
                <dd data-testid="seat-offered">
                  {offer.partyName ? `${offer.role} of ${offer.partyName}` : offer.role}
                </dd>
                <dt>For the e-mail</dt>
                <dd>{offer.email}</dd>
                <dt>The link expires</dt>
                <dd>
                  {new Date(offer.expiresAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
                </dd>
              </dl>
              {offer.awaitingPartyConsent ? (
                <p className="hint" role="status">
                  The delegation of {offer.partyName} has not yet consented to this seat: its principal or lead does so
                  in Parley, and then you can take it.
                </p>
              ) : null}
              {user && user.email !== offer.email ? (
                <p className="hint">
                  You are signed in as {user.email}. Accepting signs this browser in as {offer.email} instead.
                </p>
              ) : null}
            </section>
            {user && user.email === offer.email ? (
              <section className="card" aria-labelledby="accept-signed-in">
                <h2 id="accept-signed-in">Take the seat</h2>
                <p>You are signed in as {user.email}, the e-mail this invitation is for.</p>
                {error ? (
                  <p className="error" role="alert">
                    {error}
                  </p>
                ) : null}
                <button type="button" className="primary" disabled={busy} onClick={() => void acceptSignedIn(offer.id)}>
                  {busy ? 'Taking the seat…' : 'Accept the seat'}
                </button>
              </section>
            ) : (
              <form className="card form" onSubmit={(e) => void submit(e, offer.email)} aria-labelledby="accept-title">
                <h2 id="accept-title">Take the seat</h2>
                <label className="check">
                  <input type="checkbox" checked={hasAccount} onChange={(e) => setHasAccount(e.target.checked)} /> I
                  already have a Parley account with {offer.email}
                </label>
                {hasAccount ? null : (
                  <>
                    <label htmlFor="invite-name">Your name, as the others at the table will read it</label>
                    <input
                      id="invite-name"
                      autoComplete="name"
                      required
                      value={name}
                      onChange={(e) => setName(e.target.value)}
                    />
                  </>
                )}
                <label htmlFor="invite-password">
                  {hasAccount ? 'The password of your account' : 'Choose a password (at least 8 characters)'}
                </label>
                <input
                  id="invite-password"
                  type="password"
                  autoComplete={hasAccount ? 'current-password' : 'new-password'}
                  required
                  minLength={hasAccount ? undefined : 8}
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
                {hasAccount ? null : (
                  <>
                    <label htmlFor="invite-again">The same password again</label>
                    <input
                      id="invite-again"
                      type="password"
                      autoComplete="new-password"
                      required
                      value={again}
                      onChange={(e) => setAgain(e.target.value)}
                    />
                  </>
                )}
                {error ? (
                  <p className="error" role="alert">
                    {error}
                  </p>
                ) : null}
                <button type="submit" className="primary" disabled={busy}>
                  {busy ? 'Taking the seat…' : 'Accept and sign in'}
                </button>
              </form>
            )}
          </>
        )}
      </Await>
      <p className="hint">
        <a href="/">{user ? 'Your negotiations' : 'Sign in instead'}</a>
      </p>
    </main>
  );
}
