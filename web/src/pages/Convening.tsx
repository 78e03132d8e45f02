import * as Dialog from '@radix-ui/react-dialog';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, describeError, unwrap, type Schemas } from '../api/client';
import {
  keys,
  useDocument,
  useInvitations,
  useIssues,
  useMembers,
  useParties,
  useProposals,
  useRedLines,
  useSeat,
  type Invitation,
  type Issue,
  type Member,
  type Party,
  type Proposal,
  type RedLine,
} from '../api/queries';
import { Await, Failure, Loading } from '../components/Status';
import './Convening.css';

type Role = Member['role'];
const DELEGATION_ROLES: Role[] = ['principal', 'lead', 'negotiator', 'adviser', 'observer'];
const ROLE_WORDS: Record<Role, string> = {
  principal: 'principal',
  lead: 'lead',
  negotiator: 'negotiator',
  adviser: 'adviser',
  observer: 'observer',
  mediator: 'mediator',
};
const VISIBILITY_WORDS: Record<RedLine['visibility'], string> = {
  party: 'within the party',
  mediator: 'shared with the mediators',
  public: 'public',
};

/** A date and time as people read it, in the reader's own zone. */
function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A mutation whose failure is the server's sentence and whose success refreshes the given readings. */
function useChange<I, O>(fn: (input: I) => Promise<O>, refresh: (readonly unknown[])[], onDone?: (out: O) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async (out) => {
      await Promise.all(refresh.map((queryKey) => client.invalidateQueries({ queryKey })));
      onDone?.(out);
    },
  });
}

function ErrorLine({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {describeError(error)}
    </p>
  );
}

function seatWords(role: Role, partyId: string | null, parties: Party[]): string {
  if (role === 'mediator' || partyId === null) return ROLE_WORDS[role];
  return `${ROLE_WORDS[role]} of ${parties.find((p) => p.id === partyId)?.name ?? 'a party no longer listed'}`;
}

/** An id for an option, from its label: lower-case words joined by dashes, kept unique in the issue. */
function optionId(label: string, taken: Set<string>): string {
  const base =
    label
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'option';
  let id = base;
  for (let n = 2; taken.has(id) || id in Object.prototype; n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** The convening of a negotiation: who sits at the table for whom, what is negotiated, and the red lines. */
export default function ConveningPage({ id }: { id: string }) {
  const seat = useSeat(id);
  const parties = useParties(id);
  if (seat.isPending || parties.isPending) return <Loading what="the convening" />;
  if (!seat.data || !parties.data) return <Failure error={seat.error ?? parties.error} what="the convening" />;
  const convenor = seat.data.isMediator;
  /** The parties whose delegation the reader heads (principal or lead): seats in them are theirs to change. */
  const heads = seat.data.sendingPartyIds;
  return (
    <div className="convening">
      <h1>Convening</h1>
      <p className="lede">
        {convenor
          ? 'As a mediator you convene this table: the parties, the people and their seats, the issues and their options.'
          : heads.length > 0
            ? "Who sits at this table and what is negotiated. Your delegation's seats are yours: a mediator proposes, you accept."
            : 'Who sits at this table and what is negotiated. Only a mediator of the negotiation changes these.'}
      </p>
      <ProposalsSection id={id} parties={parties.data} heads={heads} me={seat.data.membership.userId} />
      <PartiesSection id={id} parties={parties.data} convenor={convenor} />
      <MembersSection id={id} parties={parties.data} convenor={convenor} heads={heads} />
      {convenor || heads.length > 0 ? <InvitationsSection id={id} parties={parties.data} /> : null}
      <IssuesSection id={id} convenor={convenor} />
      <RedLinesSection id={id} parties={parties.data} />
    </div>
  );
}

/* ---------- Proposals awaiting consent ---------- */

/** The parties a proposal still awaits, by name: "The port and The union". */
function awaitingWords(proposal: Proposal, parties: Party[]): string {
  const names = proposal.awaitingPartyIds.map(
    (p) => parties.find((x) => x.id === p)?.name ?? 'a party no longer at the table',
  );
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** What a proposal would change, in words, with people's and parties' names. */
function proposalWords(proposal: Proposal, parties: Party[], members: Member[]): string {
  const nameOf = (partyId: string) => parties.find((p) => p.id === partyId)?.name ?? 'a party no longer at the table';
  const person = (userId: string) => members.find((m) => m.userId === userId)?.name ?? 'a person no longer seated';
  const t = proposal.terms;
  switch (t.kind) {
    case 'invitation':
      return `Invite ${t.email} as ${seatWords(t.role, t.partyId, parties)}${t.title ? `, ${t.title}` : ''}`;
    case 'seat_change':
      return `Make ${person(t.userId)} ${seatWords(t.role, t.partyId, parties)}${t.title ? `, ${t.title}` : ''}`;
    case 'seat_removal':
      return `Remove ${person(t.userId)} from the delegation of ${nameOf(t.partyId)}`;
    case 'coalition': {
      const joining = t.memberPartyIds.filter((p) => !t.previousMemberPartyIds.includes(p)).map(nameOf);
      const leaving = t.previousMemberPartyIds.filter((p) => !t.memberPartyIds.includes(p)).map(nameOf);
      if (t.create) return `Form the coalition ${t.create.name} of ${t.memberPartyIds.map(nameOf).join(', ')}`;
      const coalition = nameOf(t.coalitionId);
      return [
        joining.length ? `${joining.join(', ')} join${joining.length === 1 ? 's' : ''} ${coalition}` : '',
        leaving.length ? `${leaving.join(', ')} leave${leaving.length === 1 ? 's' : ''} ${coalition}` : '',
      ]
        .filter(Boolean)
        .join('; ');
    }
  }
}

/**
 * Changes to seats and coalitions that wait for consent: a party's principal or lead accepts or
 * declines those awaiting their party; whoever proposed one may withdraw it.
 */
function ProposalsSection({ id, parties, heads, me }: { id: string; parties: Party[]; heads: string[]; me: string }) {
  const proposals = useProposals(id);
  const members = useMembers(id);
  const open = (proposals.data ?? []).filter((p) => p.state === 'open');
  if (open.length === 0) return null;
  return (
    <section aria-labelledby="proposals-title" className="card">
      <h2 id="proposals-title">Awaiting consent</h2>
      <p className="hint">
        A party's delegation and its coalitions change only with its principal or lead. Each change below takes effect
        at the last consent.
      </p>
      <ul className="proposals">
        {open.map((proposal) => (
          <ProposalItem
            key={proposal.id}
            id={id}
            proposal={proposal}
            words={proposalWords(proposal, parties, members.data ?? [])}
            awaiting={awaitingWords(proposal, parties)}
            mayConsent={proposal.awaitingPartyIds.some((p) => heads.includes(p))}
            mayDecline={proposal.proposedBy === me || proposal.partyIds.some((p) => heads.includes(p))}
          />
        ))}
      </ul>
    </section>
  );
}

function ProposalItem({
  id,
  proposal,
  words,
  awaiting,
  mayConsent,
  mayDecline,
}: {
  id: string;
  proposal: Proposal;
  words: string;
  awaiting: string;
  mayConsent: boolean;
  mayDecline: boolean;
}) {
  const decide = useChange(
    (decision: 'accept' | 'decline') =>
      unwrap(
        api.POST('/api/negotiations/{id}/proposals/{proposalId}/decision', {
          params: { path: { id, proposalId: proposal.id } },
          body: { decision },
        }),
      ),
    [keys.proposals(id), keys.members(id), keys.parties(id), keys.seat(id), keys.invitations(id)],
  );
  return (
    <li className="proposal" data-testid="proposal">
      <p>
        <strong>{words}</strong>
        <br />
        <span className="hint">
          Proposed {when(proposal.createdAt)}; awaiting {awaiting}.
        </span>
      </p>
      <div className="row">
        {mayConsent ? (
          <button
            type="button"
            className="primary"
            disabled={decide.isPending}
            onClick={() => decide.mutate('accept')}
            aria-label={`Consent: ${words}`}
          >
            Consent
          </button>
        ) : null}
        {mayDecline ? (
          <button
            type="button"
            disabled={decide.isPending}
            onClick={() => decide.mutate('decline')}
            aria-label={`Decline: ${words}`}
          >
            Decline
          </button>
        ) : null}
      </div>
      <ErrorLine error={decide.error} />
    </li>
  );
}

/* ---------- Parties and coalitions ---------- */

function PartiesSection({ id, parties, convenor }: { id: string; parties: Party[]; convenor: boolean }) {
  const nameOf = (partyId: string) => parties.find((p) => p.id === partyId)?.shortName ?? partyId;
  return (
    <section aria-labelledby="parties-title" className="card">
      <h2 id="parties-title">Parties and coalitions</h2>
      {parties.length === 0 ? (
        <p>No party sits at this table yet.</p>
      ) : (
        <div className="scroll">
          <table>
            <caption className="hint">
              {parties.length} {parties.length === 1 ? 'party' : 'parties and coalitions'}
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Short name</th>
                <th scope="col">Kind</th>
                <th scope="col">Members and scope</th>
                {convenor ? <th scope="col">Change</th> : null}
              </tr>
            </thead>
            <tbody>
              {parties.map((party) => (
                <tr key={party.id}>
                  <th scope="row">{party.name}</th>
                  <td>{party.shortName}</td>
                  <td>
                    <span className={`badge kind-${party.kind}`}>{party.kind}</span>
                  </td>
                  <td>
                    {party.kind === 'coalition' ? (
                      <>
                        {party.memberPartyIds.map(nameOf).join(', ')}
                        <br />
                        <span className="hint">
                          {party.pointIds.length === 0
                            ? 'on every point'
                            : `on ${party.pointIds.length} point${party.pointIds.length === 1 ? '' : 's'}`}
                        </span>
                      </>
                    ) : (
                      <span className="hint">takes part in every point</span>
                    )}
                  </td>
                  {convenor ? (
                    <td>
                      <RenameParty id={id} party={party} />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {convenor ? <AddParty id={id} parties={parties} /> : null}
    </section>
  );
}

function RenameParty({ id, party }: { id: string; party: Party }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(party.name);
  const [shortName, setShortName] = useState(party.shortName);
  const field = useId();
  const rename = useChange(
    () =>
      unwrap(
        api.PATCH('/api/negotiations/{id}/parties/{itemId}', {
          params: { path: { id, itemId: party.id } },
          body: { revision: party.revision, name, shortName },
        }),
      ),
    [keys.parties(id), keys.seat(id)],
    () => setOpen(false),
  );
  if (!open)
    return (
      <button
        type="button"
        onClick={() => {
          setName(party.name);
          setShortName(party.shortName);
          setOpen(true);
        }}
        aria-label={`Rename ${party.name}`}
      >
        Rename
      </button>
    );
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        rename.mutate(undefined);
      }}
    >
      <label htmlFor={`${field}-name`}>Name</label>
      <input id={`${field}-name`} required value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor={`${field}-short`}>Short name</label>
      <input
        id={`${field}-short`}
        required
        maxLength={40}
        value={shortName}
        onChange={(e) => setShortName(e.target.value)}
      />
      <div className="row">
        <button type="submit" disabled={rename.isPending}>
          Save
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      <ErrorLine error={rename.error} />
    </form>
  );
}

function AddParty({ id, parties }: { id: string; parties: Party[] }) {
  const [name, setName] = useState('');
  const [shortName, setShortName] = useState('');
  const [kind, setKind] = useState<Party['kind']>('party');
  const [members, setMembers] = useState<string[]>([]);
  const [points, setPoints] = useState<string[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const document = useDocument(id);
  const add = useChange(
    () =>
      unwrap(
        api.POST('/api/negotiations/{id}/parties', {
          params: { path: { id } },
          body: {
            name,
            shortName,
            kind,
            memberPartyIds: kind === 'coalition' ? members : [],
            pointIds: kind === 'coalition' ? points : [],
          },
        }),
      ),
    [keys.parties(id), keys.proposals(id)],
    (made) => {
      setDone(
        'terms' in made
          ? `Proposed: the coalition is made when ${awaitingWords(made, parties)} consent${made.awaitingPartyIds.length === 1 ? 's' : ''}.`
          : `${made.name} now sits at the table.`,
      );
      setName('');
      setShortName('');
      setMembers([]);
      setPoints([]);
    },
  );
  const toggle = (list: string[], value: string, on: boolean) =>
    on ? [...list, value] : list.filter((v) => v !== value);
  const single = parties.filter((p) => p.kind === 'party');
  return (
    <details className="add">
      <summary>Add a party or a coalition</summary>
      <form
        className="form"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          setDone(null);
          add.mutate(undefined);
        }}
      >
        <fieldset className="kinds">
          <legend>Kind</legend>
          <label>
            <input type="radio" name="kind" checked={kind === 'party'} onChange={() => setKind('party')} /> A party
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'coalition'} onChange={() => setKind('coalition')} /> A
            coalition of parties
          </label>
        </fieldset>
        <label htmlFor="party-name">Name</label>
        <input id="party-name" required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="party-short">Short name</label>
        <input
          id="party-short"
          required
          maxLength={40}
          value={shortName}
          onChange={(e) => setShortName(e.target.value)}
        />
        {kind === 'coalition' ? (
          <>
            <fieldset>
              <legend>Member parties (at least two)</legend>
              {single.length < 2 ? <p className="hint">Add at least two parties first.</p> : null}
              {single.map((p) => (
                <label key={p.id} className="check">
                  <input
                    type="checkbox"
                    checked={members.includes(p.id)}
                    onChange={(e) => setMembers(toggle(members, p.id, e.target.checked))}
                  />{' '}
                  {p.name}
                </label>
              ))}
            </fieldset>
            <fieldset>
              <legend>Scope: the points it negotiates as one (none checked: every point)</legend>
              {document.isPending ? (
                <Loading what="the points" />
              ) : !document.data ? (
                <p className="hint">There is no text yet, so the coalition negotiates every point.</p>
              ) : (
                <div className="points">
                  {document.data.points.map((pt) => (
                    <label key={pt.id} className="check">
                      <input
                        type="checkbox"
                        checked={points.includes(pt.id)}
                        onChange={(e) => setPoints(toggle(points, pt.id, e.target.checked))}
                      />{' '}
                      {pt.number}. {pt.title}
                    </label>
                  ))}
                </div>
              )}
            </fieldset>
          </>
        ) : null}
        <button type="submit" className="primary" disabled={add.isPending}>
          {kind === 'party' ? 'Add the party' : 'Add the coalition'}
        </button>
        <ErrorLine error={add.error} />
        {done ? (
          <p role="status" className="done">
            {done}
          </p>
        ) : null}
      </form>
    </details>
  );
}

/* ---------- Members ---------- */

function MembersSection({
  id,
  parties,
  convenor,
  heads,
}: {
  id: string;
  parties: Party[];
  convenor: boolean;
  heads: string[];
}) {
  const members = useMembers(id);
  /** A mediator changes (or, in a delegation with a head, proposes) any seat; a principal or lead those of their party. */
  const changes = (m: Member) => convenor || (m.partyId !== null && heads.includes(m.partyId));
  const anyChange = convenor || heads.length > 0;
  return (
    <section aria-labelledby="members-title" className="card">
      <h2 id="members-title">People at the table</h2>
      <Await query={members} what="the people at the table">
        {(list) => (
          <div className="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Seat</th>
                  <th scope="col">Title</th>
                  {anyChange ? <th scope="col">Change</th> : null}
                </tr>
              </thead>
              <tbody>
                {list.map((m) =>
                  changes(m) ? (
                    <EditableMember
                      key={m.id}
                      id={id}
                      member={m}
                      parties={parties}
                      lastMediator={m.role === 'mediator' && list.filter((x) => x.role === 'mediator').length === 1}
                    />
                  ) : (
                    <tr key={m.id}>
                      <th scope="row">{m.name}</th>
                      <td>{m.email}</td>
                      <td>{seatWords(m.role, m.partyId, parties)}</td>
                      <td>{m.title}</td>
                      {anyChange ? <td /> : null}
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          </div>
        )}
      </Await>
      {anyChange ? (
        <SeatPerson
          id={id}
          parties={convenor ? parties : parties.filter((p) => heads.includes(p.id))}
          convenor={convenor}
        />
      ) : null}
    </section>
  );
}

/** The party and role of a seat, as one choice: a mediator has no party. */
function SeatFields({
  prefix,
  mediators,
  parties,
  partyId,
  role,
  setPartyId,
  setRole,
}: {
  prefix: string;
  /** Whether a mediator's seat may be chosen (a mediator invites; a party's lead invites into the party only). */
  mediators: boolean;
  parties: Party[];
  partyId: string | null;
  role: Role;
  setPartyId: (v: string | null) => void;
  setRole: (v: Role) => void;
}) {
  return (
    <>
      <label htmlFor={`${prefix}-party`}>Party</label>
      <select
        id={`${prefix}-party`}
        value={partyId ?? ''}
        onChange={(e) => {
          const next = e.target.value || null;
          setPartyId(next);
          if (next === null) setRole('mediator');
          else if (role === 'mediator') setRole('adviser');
        }}
      >
        {mediators ? <option value="">None: a mediator</option> : null}
        {parties.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      <label htmlFor={`${prefix}-role`}>Role</label>
      <select id={`${prefix}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
        {(partyId === null ? (['mediator'] as Role[]) : DELEGATION_ROLES).map((r) => (
          <option key={r} value={r}>
            {ROLE_WORDS[r]}
          </option>
        ))}
      </select>
    </>
  );
}

function EditableMember({
  id,
  member,
  parties,
  lastMediator,
}: {
  id: string;
  member: Member;
  parties: Party[];
  /** The negotiation keeps a mediator: the last one is not removed (the server refuses it too). */
  lastMediator: boolean;
}) {
  const [editing, setEditing] = useState(false);
  const [role, setRole] = useState<Role>(member.role);
  const [title, setTitle] = useState(member.title);
  const [proposed, setProposed] = useState<string | null>(null);
  const prefix = useId();
  const refresh = [keys.members(id), keys.seat(id), keys.proposals(id)];
  const save = useChange(
    () =>
      unwrap(
        api.PATCH('/api/negotiations/{id}/members/{memberId}', {
          params: { path: { id, memberId: member.id } },
          body: { role, title },
        }),
      ),
    refresh,
    (out) => {
      setEditing(false);
      setProposed(
        'terms' in out ? `Proposed to ${awaitingWords(out, parties)}: the change waits for their consent.` : null,
      );
    },
  );
  return (
    <tr>
      <th scope="row">{member.name}</th>
      <td>{member.email}</td>
      <td>
        {editing ? (
          <form
            id={`${prefix}-form`}
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              save.mutate(undefined);
            }}
          >
            <label htmlFor={`${prefix}-role`}>Role</label>
            <select id={`${prefix}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {(member.partyId === null ? (['mediator'] as Role[]) : DELEGATION_ROLES).map((r) => (
                <option key={r} value={r}>
                  {ROLE_WORDS[r]}
                </option>
              ))}
            </select>
            <label htmlFor={`${prefix}-title`}>Title</label>
            <input id={`${prefix}-title`} value={title} onChange={(e) => setTitle(e.target.value)} />
          </form>
        ) : (
          seatWords(member.role, member.partyId, parties)
        )}
      </td>
      <td>{editing ? null : member.title}</td>
      <td>
        {/* Keyed apart: were the Change button's node reused as Save, the click opening the form would submit it. */}
        {editing ? (
          <div className="row" key="editing">
            <button type="submit" form={`${prefix}-form`} disabled={save.isPending}>
              Save
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        ) : (
          <div className="row" key="viewing">
            <button
              type="button"
              aria-label={`Change the seat of ${member.name}`}
              onClick={() => {
                setRole(member.role);
                setTitle(member.title);
                save.reset();
                setEditing(true);
              }}
            >
              Change
            </button>
            {lastMediator ? null : <RemoveMember id={id} member={member} parties={parties} />}
          </div>
        )}
        <ErrorLine error={save.error} />
        {proposed ? (
          <p role="status" className="done">
            {proposed}
          </p>
        ) : null}
      </td>
    </tr>
  );
}

function RemoveMember({ id, member, parties }: { id: string; member: Member; parties: Party[] }) {
  const [open, setOpen] = useState(false);
  const [proposed, setProposed] = useState<string | null>(null);
  const remove = useChange(
    () =>
      unwrap(
        api.DELETE('/api/negotiations/{id}/members/{memberId}', { params: { path: { id, memberId: member.id } } }),
      ),
    [keys.members(id), keys.seat(id), keys.proposals(id)],
    (out) => {
      setOpen(false);
      setProposed(
        out && typeof out === 'object' && 'terms' in out
          ? `Proposed to ${awaitingWords(out, parties)}: the removal waits for their consent.`
          : null,
      );
    },
  );
  return (
    <Dialog.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) remove.reset();
      }}
    >
      <Dialog.Trigger asChild>
        <button type="button" className="danger" aria-label={`Remove ${member.name}`}>
          Remove
        </button>
      </Dialog.Trigger>
      {proposed ? (
        <p role="status" className="done">
          {proposed}
        </p>
      ) : null}
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog-content">
          <Dialog.Title>Remove {member.name}?</Dialog.Title>
          <Dialog.Description>
            {member.name} ({seatWords(member.role, member.partyId, parties)}) loses access to this negotiation at once.
            Their account stays.
          </Dialog.Description>
          <ErrorLine error={remove.error} />
          <div className="row">
            <button
              type="button"
              className="primary danger-primary"
              disabled={remove.isPending}
              onClick={() => remove.mutate(undefined)}
            >
              Remove from the table
            </button>
            <Dialog.Close asChild>
              <button type="button" className="keep">
                Keep
              </button>
            </Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

type Seated = Schemas['Seated'];

function SeatPerson({ id, parties, convenor }: { id: string; parties: Party[]; convenor: boolean }) {
  const [email, setEmail] = useState('');
  const [partyId, setPartyId] = useState<string | null>(parties[0]?.id ?? null);
  const [role, setRole] = useState<Role>(parties.length ? 'adviser' : 'mediator');
  const [title, setTitle] = useState('');
  const [result, setResult] = useState<Seated | null>(null);
  const seat = useChange(
    () =>
      unwrap(
        api.POST('/api/negotiations/{id}/members', {
          params: { path: { id } },
          body: { email, partyId, role, title },
        }),
      ),
    [keys.members(id), keys.invitations(id), keys.proposals(id)],
    (seated) => {
      setResult(seated);
      setEmail('');
      setTitle('');
    },
  );
  return (
    <details className="add">
      <summary>Invite a person to a seat</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          setResult(null);
          seat.mutate(undefined);
        }}
      >
        <p className="hint">
          Every seat is an invitation the person accepts: a one-time link to pass on (Parley sends no mail), or, for a
          person who has an account, from their list of invitations once signed in. A seat in a party with a principal
          or lead waits for their consent. A person holds one seat in a negotiation.
        </p>
        <label htmlFor="seat-email">E-mail</label>
        <input id="seat-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <SeatFields
          prefix="seat"
          mediators={convenor}
          parties={parties}
          partyId={partyId}
          role={role}
          setPartyId={setPartyId}
          setRole={setRole}
        />
        <label htmlFor="seat-title">Title (optional)</label>
        <input id="seat-title" value={title} onChange={(e) => setTitle(e.target.value)} />
        <button type="submit" className="primary" disabled={seat.isPending}>
          Invite
        </button>
        <ErrorLine error={seat.error} />
      </form>
      {result ? <SeatedResult seated={result} parties={parties} /> : null}
    </details>
  );
}

function SeatedResult({ seated, parties }: { seated: Seated; parties: Party[] }) {
  const [copied, setCopied] = useState<string | null>(null);
  const { invitation, link, proposal } = seated;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied('Copied.');
    } catch {
      setCopied('The browser did not allow copying: select the link and copy it by hand.');
    }
  };
  return (
    <div className="invitation-link" role="status" data-testid="invitation-link">
      <p>
        An invitation was made for <strong>{invitation.email}</strong> to the seat of{' '}
        {seatWords(invitation.role, invitation.partyId, parties)}. Pass this link on; it works once, and is shown only
        now.
        {proposal && proposal.state === 'open'
          ? ` The seat can be taken once ${awaitingWords(proposal, parties)} consent${proposal.awaitingPartyIds.length === 1 ? 's' : ''}.`
          : ''}
      </p>
      <label htmlFor="invite-link">Invitation link</label>
      <div className="row">
        <input id="invite-link" readOnly value={link} onFocus={(e) => e.target.select()} className="link-field" />
        <button type="button" onClick={() => void copy()}>
          Copy the link
        </button>
      </div>
      <p className="hint">
        Expires {when(invitation.expiresAt)}. {copied}
      </p>
    </div>
  );
}

/* ---------- Invitations ---------- */

function invitationState(inv: Invitation, now: number): 'open' | 'accepted' | 'revoked' | 'expired' {
  if (inv.acceptedAt) return 'accepted';
  if (inv.revokedAt) return 'revoked';
  if (Date.parse(inv.expiresAt) <= now) return 'expired';
  return 'open';
}

function InvitationsSection({ id, parties }: { id: string; parties: Party[] }) {
  const invitations = useInvitations(id);
  const [now] = useState(() => Date.now());
  return (
    <section aria-labelledby="invitations-title" className="card">
      <h2 id="invitations-title">Invitations</h2>
      <Await query={invitations} what="the invitations">
        {(list) => {
          const open = list.filter((inv) => invitationState(inv, now) === 'open');
          const past = list.filter((inv) => invitationState(inv, now) !== 'open');
          return (
            <>
              {open.length === 0 ? (
                <p>No invitation is open.</p>
              ) : (
                <InvitationTable id={id} list={open} parties={parties} now={now} caption="Open invitations" />
              )}
              {past.length > 0 ? (
                <details>
                  <summary>Earlier invitations ({past.length})</summary>
                  <InvitationTable
                    id={id}
                    list={past}
                    parties={parties}
                    now={now}
                    caption="Accepted, revoked and expired"
                  />
                </details>
              ) : null}
            </>
          );
        }}
      </Await>
    </section>
  );
}

function InvitationTable({
  id,
  list,
  parties,
  now,
  caption,
}: {
  id: string;
  list: Invitation[];
  parties: Party[];
  now: number;
  caption: string;
}) {
  return (
    <div className="scroll">
      <table>
        <caption className="hint">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">E-mail</th>
            <th scope="col">Seat</th>
            <th scope="col">Made</th>
            <th scope="col">Expires</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {list.map((inv) => (
            <InvitationRow key={inv.id} id={id} inv={inv} parties={parties} state={invitationState(inv, now)} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function InvitationRow({
  id,
  inv,
  parties,
  state,
}: {
  id: string;
  inv: Invitation;
  parties: Party[];
  state: ReturnType<typeof invitationState>;
}) {
  const revoke = useChange(
    () =>
      unwrap(
        api.DELETE('/api/negotiations/{id}/invitations/{invitationId}', {
          params: { path: { id, invitationId: inv.id } },
        }),
      ),
    [keys.invitations(id)],
  );
  return (
    <tr>
      <th scope="row">{inv.email}</th>
      <td>
        {seatWords(inv.role, inv.partyId, parties)}
        {inv.title ? `, ${inv.title}` : ''}
      </td>
      <td>{when(inv.createdAt)}</td>
      <td>{when(inv.expiresAt)}</td>
      <td>
        <span className={`badge inv-${state}`}>{state}</span>{' '}
        {state === 'open' ? (
          <button
            type="button"
            aria-label={`Revoke the invitation of ${inv.email}`}
            disabled={revoke.isPending}
            onClick={() => revoke.mutate(undefined)}
          >
            Revoke
          </button>
        ) : null}
        <ErrorLine error={revoke.error} />
      </td>
    </tr>
  );
}

/* ---------- Issues ---------- */

function IssuesSection({ id, convenor }: { id: string; convenor: boolean }) {
  const issues = useIssues(id);
  return (
    <section aria-labelledby="issues-title" className="card">
      <h2 id="issues-title">Issues and their options</h2>
      <Await query={issues} what="the issues">
        {(list) =>
          list.length === 0 ? (
            <p>No issue is defined yet.</p>
          ) : (
            <ul className="issues">
              {list.map((issue) => (
                <IssueItem key={issue.id} id={id} issue={issue} convenor={convenor} />
              ))}
            </ul>
          )
        }
      </Await>
      {convenor ? <DefineIssue id={id} /> : null}
    </section>
  );
}

const plainOptions = (issue: Issue) =>
  issue.options.map((o) => ({ id: o.id, label: o.label, description: o.description }));

function IssueItem({ id, issue, convenor }: { id: string; issue: Issue; convenor: boolean }) {
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(issue.name);
  const [newOption, setNewOption] = useState('');
  const prefix = useId();
  const live = issue.options.filter((o) => !o.retiredAt).length;
  const refresh = [keys.issues(id)];
  const rename = useChange(
    () =>
      unwrap(
        api.PATCH('/api/negotiations/{id}/issues/{itemId}', {
          params: { path: { id, itemId: issue.id } },
          body: { revision: issue.revision, name },
        }),
      ),
    refresh,
    () => setRenaming(false),
  );
  const addOption = useChange(
    () => {
      const taken = new Set(issue.options.map((o) => o.id));
      const label = newOption.trim();
      return unwrap(
        api.PATCH('/api/negotiations/{id}/issues/{itemId}', {
          params: { path: { id, itemId: issue.id } },
          body: {
            revision: issue.revision,
            options: [...plainOptions(issue), { id: optionId(label, taken), label, description: '' }],
          },
        }),
      );
    },
    refresh,
    () => setNewOption(''),
  );
  const retire = useChange(
    (optionId: string) =>
      unwrap(
        api.POST('/api/negotiations/{id}/issues/{itemId}/options/{optionId}/retire', {
          params: { path: { id, itemId: issue.id, optionId } },
        }),
      ),
    refresh,
  );
  return (
    <li className="issue" aria-labelledby={`${prefix}-name`}>
      {renaming ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            rename.mutate(undefined);
          }}
        >
          <label htmlFor={`${prefix}-rename`}>Name of the issue</label>
          <input id={`${prefix}-rename`} required value={name} onChange={(e) => setName(e.target.value)} />
          <button type="submit" disabled={rename.isPending}>
            Save
          </button>
          <button type="button" onClick={() => setRenaming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <div className="row spread">
          <h3 id={`${prefix}-name`}>{issue.name}</h3>
          {convenor ? (
            <button
              type="button"
              aria-label={`Rename the issue ${issue.name}`}
              onClick={() => {
                setName(issue.name);
                rename.reset();
                setRenaming(true);
              }}
            >
              Rename
            </button>
          ) : null}
        </div>
      )}
      <ErrorLine error={rename.error} />
      {issue.description ? <p>{issue.description}</p> : null}
      <ul className="options" aria-label={`Options of ${issue.name}`}>
        {issue.options.map((o) => (
          <li key={o.id} className={o.retiredAt ? 'retired' : undefined}>
            <span>{o.label}</span>
            {o.description ? <span className="hint"> — {o.description}</span> : null}{' '}
            {o.retiredAt ? (
              <span className="badge stale" title={`Retired ${when(o.retiredAt)}`}>
                retired
              </span>
            ) : convenor && live > 2 ? (
              <button
                type="button"
                className="small"
                aria-label={`Retire the option ${o.label}`}
                disabled={retire.isPending}
                onClick={() => retire.mutate(o.id)}
              >
                Retire
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {convenor && live <= 2 ? (
        <p className="hint">An issue keeps at least two options: add one before retiring another.</p>
      ) : null}
      <ErrorLine error={retire.error} />
      {convenor ? (
        <details className="add-option">
          <summary>Add an option to {issue.name}</summary>
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              addOption.mutate(undefined);
            }}
          >
            <label htmlFor={`${prefix}-option`}>New option</label>
            <input id={`${prefix}-option`} required value={newOption} onChange={(e) => setNewOption(e.target.value)} />
            <button type="submit" disabled={addOption.isPending}>
              Add the option
            </button>
          </form>
        </details>
      ) : null}
      <ErrorLine error={addOption.error} />
    </li>
  );
}

function DefineIssue({ id }: { id: string }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [options, setOptions] = useState('');
  const labels = options
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const define = useChange(
    () => {
      const taken = new Set<string>();
      return unwrap(
        api.POST('/api/negotiations/{id}/issues', {
          params: { path: { id } },
          body: {
            name,
            description,
            options: labels.map((label) => ({ id: optionId(label, taken), label, description: '' })),
          },
        }),
      );
    },
    [keys.issues(id)],
    () => {
      setName('');
      setDescription('');
      setOptions('');
    },
  );
  return (
    <details className="add">
      <summary>Define an issue</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          define.mutate(undefined);
        }}
      >
        <label htmlFor="issue-name">Name</label>
        <input id="issue-name" required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="issue-description">Description (optional)</label>
        <textarea
          id="issue-description"
          rows={2}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <label htmlFor="issue-options">Options, one a line (at least two)</label>
        <textarea
          id="issue-options"
          rows={4}
          required
          value={options}
          onChange={(e) => setOptions(e.target.value)}
          aria-describedby="issue-options-count"
        />
        <p id="issue-options-count" className="hint">
          {labels.length} option{labels.length === 1 ? '' : 's'}
        </p>
        <button type="submit" className="primary" disabled={define.isPending}>
          Define the issue
        </button>
        <ErrorLine error={define.error} />
      </form>
    </details>
  );
}

/* ---------- Red lines ---------- */

function RedLinesSection({ id, parties }: { id: string; parties: Party[] }) {
  const redLines = useRedLines(id);
  const issues = useIssues(id);
  return (
    <section aria-labelledby="red-lines-title" className="card">
      <h2 id="red-lines-title">Red lines you may see</h2>
      <p className="hint">
        Each party's own red lines, those shared with you, and public ones. No one else's is listed here.
      </p>
      <Await query={redLines} what="the red lines">
        {(list) =>
          list.length === 0 ? (
            <p>No red line is visible to you.</p>
          ) : (
            <div className="scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Party</th>
                    <th scope="col">Red line</th>
                    <th scope="col">Constraint</th>
                    <th scope="col">Visibility</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((line) => (
                    <tr key={line.id}>
                      <td>{parties.find((p) => p.id === line.partyId)?.name ?? line.partyId}</td>
                      <th scope="row">
                        <span className="badge red-line">red line</span> {line.title}
                        {line.description ? <div className="hint">{line.description}</div> : null}
                      </th>
                      <td>{constraintWords(line.constraint, issues.data ?? [])}</td>
                      <td>
                        <span className={`badge vis-${line.visibility}`}>{VISIBILITY_WORDS[line.visibility]}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Await>
    </section>
  );
}

/** A red line's constraint in words, with the issues' names and the options' labels. */
export function constraintWords(constraint: RedLine['constraint'], issues: Issue[]): string {
  const issueName = (issueId: string) => issues.find((i) => i.id === issueId)?.name ?? `issue ${issueId}`;
  const labels = (issueId: string, optionIds: string[]) => {
    const issue = issues.find((i) => i.id === issueId);
    const words = optionIds.map((o) => `“${issue?.options.find((x) => x.id === o)?.label ?? o}”`);
    return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
  };
  switch (constraint.kind) {
    case 'forbid':
      return `Never ${labels(constraint.issueId, constraint.optionIds)} on ${issueName(constraint.issueId)}.`;
    case 'require':
      return `Only ${labels(constraint.issueId, constraint.optionIds)} on ${issueName(constraint.issueId)}.`;
    case 'forbid_combination':
      return `Never together: ${constraint.conditions
        .map((c) => `${labels(c.issueId, c.optionIds)} on ${issueName(c.issueId)}`)
        .join(' with ')}.`;
  }
}
