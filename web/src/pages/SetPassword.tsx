import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { api, describeError, unwrap } from '../api/client';
import { Await } from '../components/Status';
import { useSession } from '../session';
import './Account.css';

/**
 * The page of the one-time link an administrator was given for a new account: its person chooses the
 * password (the administrator never knew one) and is signed in.
 */
export function SetPasswordPage({ token }: { token: string }) {
  const { user, signIn } = useSession();
  const [, navigate] = useLocation();
  const [busy, setBusy] = useState(false);
  const preview = useQuery({
    queryKey: ['password-link-preview', token],
    // Once used, the link no longer works: reading it again would only say so while the page moves on.
    enabled: !busy,
    retry: false,
    staleTime: Infinity,
    queryFn: () => unwrap(api.GET('/api/password-links/{token}', { params: { path: { token } } })),
  });
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent, email: string) => {
    event.preventDefault();
    setError(null);
    if (password !== again) {
      setError('the two passwords differ; type the same one twice');
      return;
    }
    setBusy(true);
    try {
      const chosen = await unwrap(api.POST('/api/password-links/choose', { body: { token, password } }));
      // The answer's bearer token is for API clients; the browser signs in with its cookie instead.
      await api
        .POST('/api/auth/logout', { headers: { authorization: `Bearer ${chosen.token}` } })
        .catch(() => undefined);
      await signIn(email, password);
      navigate('/', { replace: true });
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  };

  return (
    <main className="page narrow invite">
      <h1>Parley</h1>
      <Await query={preview} what="the link">
        {(account) => (
          <>
            <section className="card" aria-labelledby="account-title">
              <h2 id="account-title">Your new Parley account</h2>
              <dl className="facts">
                <dt>Name</dt>
                <dd>{account.name}</dd>
                <dt>E-mail</dt>
                <dd>{account.email}</dd>
                <dt>The link expires</dt>
                <dd>
                  {new Date(account.expiresAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
                </dd>
              </dl>
              <p className="hint">
                The administrator who made the account set no password: only the one you choose here signs you in.
              </p>
              {user && user.email !== account.email ? (
                <p className="hint">
                  You are signed in as {user.email}. Choosing the password signs this browser in as {account.email}{' '}
                  instead.
                </p>
              ) : null}
            </section>
            <form className="card form" onSubmit={(e) => void submit(e, account.email)} aria-labelledby="choose-title">
              <h2 id="choose-title">Choose your password</h2>
              <label htmlFor="new-password">Password (at least 8 characters)</label>
              <input
                id="new-password"
                type="password"
                autoComplete="new-password"
                required
                minLength={8}
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
              <label htmlFor="new-password-again">The same password again</label>
              <input
                id="new-password-again"
                type="password"
                autoComplete="new-password"
                required
                value={again}
                onChange={(e) => setAgain(e.target.value)}
              />
              {error ? (
                <p className="error" role="alert">
                  {error}
                </p>
              ) : null}
              <button type="submit" className="primary" disabled={busy}>
                {busy ? 'Signing in…' : 'Choose the password and sign in'}
              </button>
            </form>
          </>
        )}
      </Await>
      <p className="hint">
        <a href="/">{user ? 'Your negotiations' : 'Sign in instead'}</a>
      </p>
    </main>
  );
}
