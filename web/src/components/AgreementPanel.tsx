import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, describeError, unwrap, type Schemas } from '../api/client';
import { keys, useNegotiation, type Party, type Point, type Seat, type Track, type Version } from '../api/queries';
import { Failure, Loading } from './Status';
import './AgreementPanel.css';

type Agreement = Schemas['Agreement'];
type PointAgreement = Agreement['status']['points'][number];
type Spans = Schemas['ProvenanceSpan'][];

/** Query keys under the live topics the server names (`agreement`, `bracket`; provenance follows the versions). */
const agreementKey = (id: string, versionId: string) => ['agreement', id, versionId] as const;
const provenanceKey = (id: string, versionId: string) => ['versions', id, 'provenance', versionId] as const;

const versionPath = (id: string, versionId: string) => ({ params: { path: { id, versionId } } });

/** A party's name, never its id. */
const nameOf = (parties: Party[], partyId: string | null) =>
  partyId === null
    ? 'the mediators'
    : (parties.find((p) => p.id === partyId)?.name ?? 'a party no longer at the table');
const names = (parties: Party[], ids: string[]) => ids.map((id) => nameOf(parties, id)).join(', ');

/**
 * Nothing is agreed until everything is agreed, on the text page: a banner that says what still stands
 * in the way; per point, who marked it agreed, whose marks an edit voided, and a button for a party's
 * principal or lead to mark it (or take the mark back); for the pen-holder, each open bracket closed
 * by choosing an alternative or dropping its language; and where each word came from, coloured by party.
 */
export function AgreementPanel({
  id,
  version,
  seat,
  parties,
  tracks,
  onVersion,
}: {
  id: string;
  version: Version;
  seat: Seat;
  parties: Party[];
  tracks: Track[];
  /** Takes the page to another version (the one a bracket's closing made). */
  onVersion?: (versionId: string) => void;
}) {
  const agreement = useQuery({
    queryKey: agreementKey(id, version.id),
    queryFn: () =>
      unwrap(api.GET('/api/negotiations/{id}/versions/{versionId}/agreement', versionPath(id, version.id))),
  });
  if (agreement.error && !agreement.data) return <Failure error={agreement.error} what="the agreement" />;
  if (!agreement.data) return <Loading what="the agreement" />;
  const data = agreement.data;
  const complete = data.status.overall.complete;
  return (
    <section className="agreement" aria-labelledby="agreement-title">
      <h2 id="agreement-title">Agreement ad referendum</h2>
      <p className={`agreement-banner ${complete ? 'complete' : 'open'}`} role="status" data-testid="agreement-status">
        {data.obstacles}
        {data.lockedAt ? ` The text is locked since ${new Date(data.lockedAt).toLocaleString()}.` : ''}
      </p>
      {!data.lockedAt && !version.withdrawnAt && version.authorPartyId === null ? (
        <WholeText id={id} version={version} seat={seat} parties={parties} data={data} />
      ) : null}
      <ol className="agreement-points">
        {data.status.points.map((p) => (
          <PointMarks
            key={p.pointId ?? `n${p.number}`}
            id={id}
            version={version}
            seat={seat}
            parties={parties}
            state={p}
            point={version.points.find((q) => q.id === p.pointId)}
            locked={data.lockedAt !== null}
          />
        ))}
      </ol>
      {isPenHolder(seat, version) && !data.lockedAt && !version.withdrawnAt ? (
        <BracketClosing id={id} version={version} parties={parties} onVersion={onVersion} />
      ) : null}
      <Provenance id={id} version={version} parties={parties} tracks={tracks} />
    </section>
  );
}

/**
 * For the text as a whole: a mediator makes a shared text of the table the text under negotiation (the
 * one the agreement, and its lock, are about); a party's principal or lead agrees the whole text for
 * the party in one step (every point it is at the table on with no bracket open).
 */
function WholeText({
  id,
  version,
  seat,
  parties,
  data,
}: {
  id: string;
  version: Version;
  seat: Seat;
  parties: Party[];
  data: Agreement;
}) {
  const client = useQueryClient();
  const negotiation = useNegotiation(id);
  const refresh = (answer?: Agreement) => {
    if (answer) client.setQueryData(agreementKey(id, version.id), answer);
    void client.invalidateQueries({ queryKey: ['agreement', id] });
  };
  const current = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH('/api/negotiations/{id}', {
          params: { path: { id } },
          body: { revision: negotiation.data!.revision, currentVersionId: version.id },
        }),
      ),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.negotiation(id) });
      void client.invalidateQueries({ queryKey: ['negotiation', id] });
      refresh();
    },
  });
  const agree = useMutation({
    mutationFn: (partyId: string) =>
      unwrap(
        api.PUT('/api/negotiations/{id}/versions/{versionId}/agreement', {
          ...versionPath(id, version.id),
          body: { partyId },
        }),
      ),
    onSuccess: (answer) => refresh(answer),
  });
  // The reader's own parties still awaited on a point they may agree now (no bracket open in it).
  const awaited = seat.sendingPartyIds.filter((partyId) =>
    data.status.points.some((p) => !p.withheld && !p.openBrackets && p.awaiting.includes(partyId)),
  );
  const error = current.error ?? agree.error;
  return (
    <div className="agreement-whole">
      {seat.isMediator && !data.underNegotiation && !version.internal ? (
        <button
          type="button"
          className="secondary"
          disabled={current.isPending || !negotiation.data}
          onClick={() => current.mutate()}
        >
          Make this the text under negotiation
        </button>
      ) : null}
      {data.underNegotiation ? <p className="hint">This is the text under negotiation.</p> : null}
      {awaited.map((partyId) => (
        <button key={partyId} type="button" disabled={agree.isPending} onClick={() => agree.mutate(partyId)}>
          Agree the whole text for {nameOf(parties, partyId)}
        </button>
      ))}
      {error ? (
        <span className="error" role="alert">
          {describeError(error)}
        </span>
      ) : null}
    </div>
  );
}

function isPenHolder(seat: Seat, version: Version): boolean {
  return version.authorPartyId === null ? seat.isMediator : seat.sendingPartyIds.includes(version.authorPartyId);
}

function PointMarks({
  id,
  version,
  seat,
  parties,
  state,
  point,
  locked,
}: {
  id: string;
  version: Version;
  seat: Seat;
  parties: Party[];
  state: PointAgreement;
  point: Point | undefined;
  locked: boolean;
}) {
  const client = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const change = useMutation({
    mutationFn: async ({ partyId, agree }: { partyId: string; agree: boolean }) => {
      const path = { params: { path: { id, versionId: version.id, pointId: state.pointId! } } };
      return agree
        ? unwrap(
            api.PUT('/api/negotiations/{id}/versions/{versionId}/points/{pointId}/agreement', {
              ...path,
              body: { partyId },
            }),
          )
        : unwrap(
            api.DELETE('/api/negotiations/{id}/versions/{versionId}/points/{pointId}/agreement', {
              params: { ...path.params, query: { partyId } },
            }),
          );
    },
    onSuccess: (answer) => {
      setError(null);
      client.setQueryData(agreementKey(id, version.id), answer);
      void client.invalidateQueries({ queryKey: ['agreement', id] });
    },
    onError: setError,
  });
  const title = point ? `${state.number}. ${point.title}` : `${state.number}.`;
  if (state.withheld)
    return (
      <li className="agreement-point withheld">
        <span className="agreement-point-title">Point {state.number}</span>
        <span>{state.agreed ? 'agreed' : 'not agreed'} (negotiated in a separate format you are not part of)</span>
      </li>
    );
  // The reader's own parties at the table on this point, for which they mark.
  const mine = [...state.agreedBy, ...state.awaiting].filter((p) => seat.sendingPartyIds.includes(p));
  const standing = !version.withdrawnAt && version.authorPartyId === null && !locked;
  return (
    <li className={`agreement-point ${state.agreed ? 'agreed' : ''}`} data-point={state.number}>
      <span className="agreement-point-title">{title}</span>
      <span className="agreement-point-state">
        {state.agreed ? 'Agreed' : 'Not agreed'}
        {state.agreedBy.length > 0 ? `; agreed by ${names(parties, state.agreedBy)}` : ''}
        {state.awaiting.length > 0 ? `; awaiting ${names(parties, state.awaiting)}` : ''}
        {state.openBrackets ? `; ${state.openBrackets} bracket${state.openBrackets === 1 ? '' : 's'} open` : ''}
      </span>
      {state.voidMarks.length > 0 ? (
        <span className="agreement-void" role="note">
          Void since the wording changed:{' '}
          {names(
            parties,
            state.voidMarks.map((m) => m.partyId),
          )}
        </span>
      ) : null}
      {standing
        ? mine.map((partyId) => {
            const agreed = state.agreedBy.includes(partyId);
            return (
              <button
                key={partyId}
                type="button"
                className={agreed ? 'secondary' : ''}
                disabled={change.isPending}
                onClick={() => change.mutate({ partyId, agree: !agreed })}
              >
                {agreed
                  ? `Take back ${nameOf(parties, partyId)}'s agreement`
                  : `Mark agreed for ${nameOf(parties, partyId)}`}
              </button>
            );
          })
        : null}
      {error ? (
        <span className="error" role="alert">
          {describeError(error)}
        </span>
      ) : null}
    </li>
  );
}

/** The pen-holder closes an open bracket: an alternative chosen, or its language dropped, with whose agreement. */
function BracketClosing({
  id,
  version,
  parties,
  onVersion,
}: {
  id: string;
  version: Version;
  parties: Party[];
  onVersion?: (versionId: string) => void;
}) {
  const open = version.points.flatMap((point) => point.brackets.map((bracket) => ({ point, bracket })));
  if (open.length === 0) return null;
  return (
    <div className="bracket-closing">
      <h3>Close a bracket</h3>
      {open.map(({ point, bracket }) => (
        <BracketForm
          key={bracket.id}
          id={id}
          version={version}
          point={point}
          bracket={bracket}
          parties={parties}
          onVersion={onVersion}
        />
      ))}
    </div>
  );
}

function BracketForm({
  id,
  version,
  point,
  bracket,
  parties,
  onVersion,
}: {
  id: string;
  version: Version;
  point: Point;
  bracket: Point['brackets'][number];
  parties: Party[];
  onVersion?: (versionId: string) => void;
}) {
  const client = useQueryClient();
  const formId = useId();
  const [choice, setChoice] = useState('0');
  const [agreedBy, setAgreedBy] = useState<string[]>([]);
  const close = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/negotiations/{id}/versions/{versionId}/brackets/{bracketId}/close', {
          params: { path: { id, versionId: version.id, bracketId: bracket.id } },
          body: choice === 'drop' ? { drop: true, agreedBy } : { choose: Number(choice), agreedBy },
        }),
      ),
    onSuccess: (answer) => {
      void client.invalidateQueries({ queryKey: ['versions', id] });
      void client.invalidateQueries({ queryKey: ['agreement', id] });
      void client.invalidateQueries({ queryKey: ['negotiation', id] });
      onVersion?.(answer.version.id);
    },
  });
  const singles = parties.filter((p) => p.kind === 'party');
  return (
    <form
      className="bracket-form"
      aria-label={`Close the bracket in point ${point.number}`}
      onSubmit={(event) => {
        event.preventDefault();
        close.mutate();
      }}
    >
      <fieldset>
        <legend>
          Point {point.number}: {point.title}
        </legend>
        {bracket.alternatives.map((alternative, index) => (
          <label key={index}>
            <input
              type="radio"
              name={`${formId}-choice`}
              value={String(index)}
              checked={choice === String(index)}
              onChange={() => setChoice(String(index))}
            />
            {String.fromCharCode(65 + index)}: {alternative.text}
          </label>
        ))}
        <label>
          <input
            type="radio"
            name={`${formId}-choice`}
            value="drop"
            checked={choice === 'drop'}
            onChange={() => setChoice('drop')}
          />
          Drop the language
        </label>
      </fieldset>
      <fieldset>
        <legend>Agreed by</legend>
        {singles.map((party) => (
          <label key={party.id}>
            <input
              type="checkbox"
              checked={agreedBy.includes(party.id)}
              onChange={(event) =>
                setAgreedBy(event.target.checked ? [...agreedBy, party.id] : agreedBy.filter((p) => p !== party.id))
              }
            />
            {party.name}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={close.isPending || agreedBy.length === 0}>
        Close the bracket in a new version
      </button>
      {close.error ? (
        <span className="error" role="alert">
          {describeError(close.error)}
        </span>
      ) : null}
      {close.data ? <span role="status">Closed in “{close.data.version.label}”.</span> : null}
    </form>
  );
}

/** A colour per party, from a fixed palette (the version's own words stay plain). */
const PALETTE = ['#fde68a', '#bfdbfe', '#bbf7d0', '#fbcfe8', '#ddd6fe', '#fed7aa', '#a5f3fc', '#e5e7eb'];

/** Where each word came from: spans coloured by party, each with a note on hover or focus. */
function Provenance({
  id,
  version,
  parties,
  tracks: _tracks,
}: {
  id: string;
  version: Version;
  parties: Party[];
  tracks: Track[];
}) {
  const [shown, setShown] = useState(false);
  const provenance = useQuery({
    queryKey: provenanceKey(id, version.id),
    enabled: shown,
    queryFn: () =>
      unwrap(api.GET('/api/negotiations/{id}/versions/{versionId}/provenance', versionPath(id, version.id))),
  });
  const colour = (partyId: string | null) =>
    partyId === null ? 'transparent' : PALETTE[parties.findIndex((p) => p.id === partyId) % PALETTE.length];
  return (
    <div className="provenance">
      <button type="button" className="secondary" aria-expanded={shown} onClick={() => setShown(!shown)}>
        {shown ? 'Hide where the words came from' : 'Show where the words came from'}
      </button>
      {shown && provenance.error ? <Failure error={provenance.error} what="the provenance" /> : null}
      {shown && provenance.data ? (
        <div className="provenance-points">
          <p className="provenance-legend">
            {parties
              .filter((p) => p.kind === 'party')
              .map((p) => (
                <span key={p.id} style={{ background: colour(p.id) }}>
                  {p.name}
                </span>
              ))}
          </p>
          {version.points.map((point) => {
            const spans = provenance.data.provenance[point.id];
            if (!spans) return null;
            return (
              <p key={point.id}>
                <strong>{point.number}. </strong>
                <Coloured text={point.text} spans={spans.text} note={(s) => noteOf(s, parties)} colour={colour} />
              </p>
            );
          })}
        </div>
      ) : null}
    </div>
  );
}

function noteOf(span: Spans[number], parties: Party[]): string {
  const by = span.amendmentId ? `an amendment of ${nameOf(parties, span.partyId)}` : nameOf(parties, span.partyId);
  return `Brought by ${by}${span.roundId ? ', in a round of the talks' : ''}`;
}

function Coloured({
  text,
  spans,
  note,
  colour,
}: {
  text: string;
  spans: Spans;
  note: (span: Spans[number]) => string;
  colour: (partyId: string | null) => string | undefined;
}) {
  return (
    <>
      {spans.map((span) => (
        <span
          key={span.start}
          className="provenance-span"
          style={{ background: colour(span.partyId) }}
          title={note(span)}
          aria-label={`${text.slice(span.start, span.end)} (${note(span)})`}
          tabIndex={0}
        >
          {text.slice(span.start, span.end)}
        </span>
      ))}
    </>
  );
}
