import type { ReactNode } from 'react';
import { Link, useRoute } from 'wouter';
import { useNegotiation, useSeat, type Seat } from '../api/queries';
import { useLive, type LiveState } from '../live';
import { useSession } from '../session';
import { Failure, Loading } from './Status';

const PAGES: [path: string, label: string][] = [
  ['/', 'Dashboard'],
  ['/text', 'Text'],
  ['/matrix', 'Positions'],
  ['/compare', 'Compare'],
  ['/approvals', 'Approvals'],
  ['/rounds', 'Rounds & statements'],
  ['/red-lines', 'Red lines'],
  ['/preferences', 'Preferences'],
  ['/settlement', 'Settlement'],
  ['/tracks', 'Tracks'],
  ['/rules', 'Rules'],
  ['/convening', 'Convening'],
  ['/history', 'History'],
];

/** "Whose eyes": the seat the reader reads through, said in words on every page. */
export function eyesOf(seat: Seat, name: string): string {
  if (seat.isMediator) return `${name}, mediator`;
  const role = seat.membership.role;
  return `${name}, ${role} of ${seat.party?.name ?? 'a party'}`;
}

function NavLink({ path, label }: { path: string; label: string }) {
  const [active] = useRoute(path === '/' ? '/' : path);
  return (
    <Link href={path} className={active ? 'active' : undefined} aria-current={active ? 'page' : undefined}>
      {label}
    </Link>
  );
}

const LIVE_WORDS: Record<LiveState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  ended: 'no longer live',
};

/** The frame of every page of one negotiation: its title, whose eyes, the menu, and the live stream. */
export function NegotiationLayout({ id, children }: { id: string; children: ReactNode }) {
  const { user, signOut } = useSession();
  const negotiation = useNegotiation(id);
  const seat = useSeat(id);
  const live = useLive(id);
  if (negotiation.isPending || seat.isPending) return <Loading what="the negotiation" />;
  if (negotiation.error || !negotiation.data || !seat.data)
    return (
      <main className="page">
        <Failure error={negotiation.error ?? seat.error} what="the negotiation" />
        <p>
          <Link href="~/">Your negotiations</Link>
        </p>
      </main>
    );
  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to the page
      </a>
      <header className="top">
        <div className="brand">
          <Link href="~/?all" aria-label="Parley: your negotiations">
            Parley
          </Link>
          <span className="title">{negotiation.data.title}</span>
        </div>
        <div className="eyes" data-testid="eyes" title="You see what this seat may see, and nothing else">
          <span className="eyes-label">Reading as</span> <strong>{eyesOf(seat.data, user?.name ?? '')}</strong>
          <span className={`live live-${live}`} aria-live="polite">
            {LIVE_WORDS[live]}
          </span>
        </div>
        <div className="account">
          <Link href="~/account">Account</Link>
          <button type="button" className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
        <nav aria-label="Negotiation" className="tabs">
          {PAGES.map(([path, label]) => (
            <NavLink key={path} path={path} label={label} />
          ))}
        </nav>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
