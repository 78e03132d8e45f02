import { useState, type FormEvent } from 'react';
import { describeError } from '../api/client';
import { useSession } from '../session';

export function SignInPage() {
  const { signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email, password);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="page narrow">
      <h1>Parley</h1>
      <p className="lede">Several parties negotiate one agreement, and a mediator helps them find it.</p>
      <form onSubmit={submit} className="card form" aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">Sign in</h2>
        <label htmlFor="email">E-mail</label>
        <input
          id="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="hint">
        Invited? Open the link you were sent to choose your password. The Geneva demo's accounts are listed in the
        README (demo only).
      </p>
    </main>
  );
}
