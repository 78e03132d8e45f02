import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { api, ApiError, describeError, unwrap } from '../api/client';
import { Await } from '../components/Status';
import { useSession } from '../session';
import './Account.css';

const SESSIONS_KEY = ['account', 'sessions'] as const;

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The signed-in account: its password, its open sessions, and signing out. */
export function AccountPage() {
  const { user, signOut } = useSession();
  return (
    <main className="page narrow account-page">
      <header className="row spread">
        <h1>Your account</h1>
        <Link href="/?all">Your negotiations</Link>
      </header>
      <p>
        Signed in as <strong>{user?.name}</strong> ({user?.email}).
      </p>
      <PasswordForm />
      <Sessions />
      <Checkpoint />
      <section className="card" aria-labelledby="sign-out-title">
        <h2 id="sign-out-title">Sign out</h2>
        <p>Ends this browser's session. Your other sessions stay open.</p>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </section>
    </main>
  );
}

function PasswordForm() {
  const client = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    mutationFn: () => unwrap(api.POST('/api/me/password', { body: { currentPassword: current, newPassword: next } })),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setAgain('');
      void client.invalidateQueries({ queryKey: SESSIONS_KEY });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.reset();
    if (next !== again) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    change.mutate();
  };
  const ended = change.data?.endedSessions;
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="password-title">
      <h2 id="password-title">Change your password</h2>
      <p className="hint">Changing it ends every other session of your account: other browsers must sign in again.</p>
      <label htmlFor="current-password">Current password</label>
      <input
        id="current-password"
        type="password"
        autoComplete="current-password"
        required
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
      />
      <label htmlFor="new-password">New password (at least 8 characters)</label>
      <input
        id="new-password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        value={next}
        onChange={(e) => setNext(e.target.value)}
      />
      <label htmlFor="new-password-again">New password again</label>
      <input
        id="new-password-again"
        type="password"
        autoComplete="new-password"
        required
        value={again}
        onChange={(e) => setAgain(e.target.value)}
      />
      {mismatch ? (
        <p className="error" role="alert">
          The two new passwords differ; type the same one twice.
        </p>
      ) : null}
      {change.error ? (
        <p className="error" role="alert">
          {describeError(change.error)}
        </p>
      ) : null}
      {ended !== undefined ? (
        <p className="done" role="status">
          Your password is changed.{' '}
          {ended === 0
            ? 'No other session was open.'
            : `${ended} other session${ended === 1 ? ' was' : 's were'} ended.`}
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={change.isPending}>
        Change the password
      </button>
    </form>
  );
}

function Sessions() {
  const client = useQueryClient();
  const sessions = useQuery({ queryKey: SESSIONS_KEY, queryFn: () => unwrap(api.GET('/api/me/sessions')) });
  const end = useMutation({
    mutationFn: (sessionId: string) =>
      unwrap(api.DELETE('/api/me/sessions/{sessionId}', { params: { path: { sessionId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: SESSIONS_KEY }),
  });
  return (
    <section className="card sessions" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Open sessions</h2>
      <Await query={sessions} what="your sessions">
        {(list) => (
          <div className="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Began</th>
                  <th scope="col">Ends</th>
                  <th scope="col">
                    <span className="visually-hidden">End it</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((s) => (
                  <tr key={s.id}>
                    <td>
                      {when(s.createdAt)} {s.current ? <span className="badge current">this browser</span> : null}
                    </td>
                    <td>{when(s.expiresAt)}</td>
                    <td>
                      {s.current ? (
                        <span className="hint">sign out below</span>
                      ) : (
                        <button
                          type="button"
                          disabled={end.isPending}
                          aria-label={`End the session begun ${when(s.createdAt)}`}
                          onClick={() => end.mutate(s.id)}
                        >
                          End
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Await>
      {end.error ? (
        <p className="error" role="alert">
          {describeError(end.error)}
        </p>
      ) : null}
    </section>
  );
}

/**
 * The latest signed checkpoint of the installation's audit log, to copy and keep (or publish) outside
 * Parley: with the public key, it later proves the history up to it was not rewritten.
 */
function Checkpoint() {
  const checkpoint = useQuery({
    queryKey: ['audit', 'checkpoint'],
    // None signed yet (or a server that signs none): said plainly, not as an error.
    queryFn: () =>
      unwrap(api.GET('/api/audit/checkpoints/latest')).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }),
  });
  return (
    <section className="card checkpoint" aria-labelledby="checkpoint-title">
      <h2 id="checkpoint-title">The audit log's latest checkpoint</h2>
      <p className="hint">
        The installation signs the head of its audit log now and then. Copy this and keep it outside Parley: with the
        public key (<a href="/api/audit/key">/api/audit/key</a>), it shows later that no one rewrote the history up to
        it.
      </p>
      <Await query={checkpoint} what="the latest checkpoint">
        {(c) =>
          c === null ? (
            <p>No checkpoint is signed yet.</p>
          ) : (
            <pre className="scroll" aria-label="The checkpoint, to copy">
              {`${c.message}\nsigned ${c.at} with key ${c.keyId}\nsignature ${c.signature}`}
            </pre>
          )
        }
      </Await>
    </section>
  );
}
