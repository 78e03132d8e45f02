import { Link, Redirect } from 'wouter';
import { useNegotiations } from '../api/queries';
import { Await } from '../components/Status';
import { useSession } from '../session';
import { NewNegotiation } from './NewNegotiation';

/** The negotiations the account has a seat in; with only one, straight to it. */
export function NegotiationsPage() {
  const { user, signOut } = useSession();
  const negotiations = useNegotiations();
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
      <Await query={negotiations} what="your negotiations">
        {(list) =>
          list.length === 1 && !new URLSearchParams(location.search).has('all') ? (
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
