import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, describeError } from '../../api/client';
import { useNegotiation, useParties, useSeat, useVersions, type Seat, type Version } from '../../api/queries';
import { Failure, Loading } from '../Status';
import {
  anchorFromSelection,
  describeChange,
  formFieldOf,
  stateInWords,
  type Amendment,
  type Captured,
  type SpanKind,
} from './anchor';
import { consolidate, decide, refresh, table, useAmendments, withdraw } from './api';
import { ProposeForm, type Start } from './ProposeForm';
import './Amendments.css';

/** Who holds a version's pen: the mediators for a text of the table; the author party's principal or lead for its own. */
export const holdsPen = (seat: Seat, version: Pick<Version, 'authorPartyId'>) =>
  version.authorPartyId === null ? seat.isMediator : seat.sendingPartyIds.includes(version.authorPartyId);

/**
 * Amendments on the text page: a party's members propose them (from words selected in the text, or a
 * form), its principal or lead tables them; the pen-holder decides on each and consolidates the
 * accepted ones into the next version. Follows the live topic `amendment`.
 */
export function Amendments({
  id,
  version,
  onVersion,
}: {
  id: string;
  version: Version | undefined;
  onVersion: (versionId: string) => void;
}) {
  const seat = useSeat(id);
  const parties = useParties(id);
  const amendments = useAmendments(id, version?.id);
  const versions = useVersions(id);
  const [start, setStart] = useState<Start | null>(null);
  const [captured, setCaptured] = useState<Captured | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  const heading = useRef<HTMLHeadingElement | null>(null);

  const proposers =
    seat.data && parties.data && !seat.data.isMediator
      ? parties.data.filter((p) => seat.data!.partyIds.includes(p.id))
      : [];
  const mayPropose = !!version && !version.withdrawnAt && proposers.length > 0;

  // Words selected in a point's text or title: offered for an amendment (a selection elsewhere is left alone).
  useEffect(() => {
    if (!mayPropose || !version) return;
    const follow = () => {
      const selection = document.getSelection();
      const inPoints = (node: Node | null | undefined) =>
        !!node && !!(node instanceof Element ? node : node.parentElement)?.closest('ol.points');
      if (!selection || !inPoints(selection.anchorNode)) return;
      setCaptured(anchorFromSelection(selection, version.points));
    };
    document.addEventListener('selectionchange', follow);
    return () => document.removeEventListener('selectionchange', follow);
  }, [mayPropose, version]);
  useEffect(() => {
    setCaptured(null);
    setStart(null);
  }, [version?.id]);

  if (!version || !seat.data || !parties.data) return null;
  const list = amendments.data ?? [];
  const label = (versionId: string) =>
    versionId === version.id
      ? version.label
      : (versions.data?.find((v) => v.id === versionId)?.label ?? 'a new version');
  const own = list.filter((a) => seat.data!.partyIds.includes(a.partyId));
  const pen = holdsPen(seat.data, version);
  const before = pen
    ? list.filter((a) => a.state === 'tabled' || a.state === 'accepted' || a.state === 'rejected')
    : [];
  const begin = (next: Start) => {
    // Where the reader was, to go back to once the form closes (the heading when that was the selection bar).
    const from = document.activeElement;
    opener.current = from instanceof HTMLElement && !from.closest('.amend-bar') ? from : null;
    setStart(next);
    setCaptured(null);
  };
  const close = () => {
    setStart(null);
    requestAnimationFrame(() => (opener.current?.isConnected ? opener.current : heading.current)?.focus());
  };

  return (
    <section className="card amendments" aria-labelledby="amendments-title">
      <h2 id="amendments-title" ref={heading} tabIndex={-1}>
        Amendments to {version.label}
      </h2>
      {amendments.error ? <Failure error={amendments.error} what="the amendments" /> : null}
      {amendments.isPending ? <Loading what="the amendments" /> : null}
      {mayPropose ? (
        <p className="hint">
          Select words of a point’s text or title below to amend them, or{' '}
          <button type="button" onClick={() => begin({ mode: 'span' })}>
            Propose an amendment…
          </button>
        </p>
      ) : null}
      {own.length ? (
        <OwnAmendments
          id={id}
          seat={seat.data}
          version={version}
          amendments={own}
          label={label}
          onEdit={(a) => begin({ mode: 'span', editing: a })}
        />
      ) : null}
      {pen ? <PenHolder id={id} version={version} amendments={before} all={list} onVersion={onVersion} /> : null}
      {!pen && !own.length && !mayPropose && !amendments.isPending ? (
        <p className="hint">No amendment you may see.</p>
      ) : null}

      {start && mayPropose ? (
        <div className="amend-dock">
          <ProposeForm
            key={JSON.stringify(start)}
            id={id}
            version={version}
            proposers={proposers}
            start={start}
            onClose={close}
          />
        </div>
      ) : captured && mayPropose ? (
        <SelectionBar
          captured={captured}
          version={version}
          onChoose={(kind, anchor) => begin({ mode: 'span', kind, anchor })}
          onDismiss={() => setCaptured(null)}
        />
      ) : null}
    </section>
  );
}

const SPAN_ACTIONS: [SpanKind, string][] = [
  ['replace', 'Replace…'],
  ['insertBefore', 'Insert before…'],
  ['insertAfter', 'Insert after…'],
  ['delete', 'Delete…'],
];

/** The words selected in the text, and what may be done with them. */
function SelectionBar({
  captured,
  version,
  onChoose,
  onDismiss,
}: {
  captured: Captured;
  version: Version;
  onChoose: (kind: SpanKind, anchor: NonNullable<Extract<Captured, { anchor: unknown }>['anchor']>) => void;
  onDismiss: () => void;
}) {
  if ('refusal' in captured)
    return (
      <div className="amend-dock amend-bar" role="region" aria-label="The selected words">
        <p className="error" role="alert" data-testid="selection-refusal">
          {captured.refusal}
        </p>
        <button type="button" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    );
  const { anchor } = captured;
  const point = version.points.find((p) => p.id === anchor.pointId)!;
  return (
    <div className="amend-dock amend-bar" role="region" aria-label="The selected words">
      <p data-testid="selection">
        Point {point.number}, {anchor.field}: “
        {anchor.quote.length > 80 ? `${anchor.quote.slice(0, 80)}…` : anchor.quote}”
      </p>
      <div className="row">
        {SPAN_ACTIONS.map(([kind, words]) => (
          <button key={kind} type="button" onClick={() => onChoose(kind, anchor)}>
            {words}
          </button>
        ))}
        <button type="button" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}

/** Runs one action on an amendment, keeping its error next to it. */
function useAction(id: string) {
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const run = async (action: () => Promise<unknown>, versions = false): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      await refresh(client, id, versions);
      return true;
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(describeError(caught)));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, clear: () => setError(null) };
}

const ErrorLine = ({ error, id }: { error: Error | null; id?: string }) =>
  error ? (
    <p className="error" role="alert" id={id}>
      {error instanceof ApiError ? error.detail : describeError(error)}
    </p>
  ) : null;

/** The reader's party's amendments: their state; a draft edited or withdrawn; tabled by the principal or lead. */
function OwnAmendments({
  id,
  seat,
  version,
  amendments,
  label,
  onEdit,
}: {
  id: string;
  seat: Seat;
  version: Version;
  amendments: Amendment[];
  label: (versionId: string) => string;
  onEdit: (amendment: Amendment) => void;
}) {
  const names = [...new Set(amendments.map((a) => a.partyName))].join(' and ');
  return (
    <div className="own-amendments">
      <h3>{names}’s amendments</h3>
      <ul className="amendment-list">
        {amendments.map((amendment) => (
          <OwnAmendment
            key={amendment.id}
            id={id}
            seat={seat}
            version={version}
            amendment={amendment}
            label={label}
            onEdit={onEdit}
          />
        ))}
      </ul>
    </div>
  );
}

function OwnAmendment({
  id,
  seat,
  version,
  amendment,
  label,
  onEdit,
}: {
  id: string;
  seat: Seat;
  version: Version;
  amendment: Amendment;
  label: (versionId: string) => string;
  onEdit: (amendment: Amendment) => void;
}) {
  const { busy, error, run } = useAction(id);
  const sends = seat.sendingPartyIds.includes(amendment.partyId);
  const open = !version.withdrawnAt;
  const draft = amendment.state === 'draft';
  const toMediators = amendment.state === 'tabled' && amendment.tabledTo === 'mediators';
  return (
    <li className="amendment" data-testid="own-amendment" data-state={amendment.state}>
      <p>
        <span className={`tag amendment-state state-${amendment.state}`} data-testid="amendment-state">
          {stateInWords(amendment, label)}
        </span>{' '}
        <span data-testid="amendment-change">{describeChange(amendment.change, version.points)}</span>
      </p>
      {amendment.justification ? <p className="hint">Justification: {amendment.justification}</p> : null}
      {amendment.decision?.note ? <p className="hint">The pen-holder’s note: {amendment.decision.note}</p> : null}
      {amendment.decision?.proposedChange ? (
        <p className="hint">As proposed: {describeChange(amendment.decision.proposedChange, version.points)}</p>
      ) : null}
      <Conflicts amendment={amendment} all={[]} version={version} />
      {open && (draft || (sends && amendment.state === 'tabled')) ? (
        <div className="row">
          {draft ? (
            <button type="button" disabled={busy} onClick={() => onEdit(amendment)}>
              Edit
            </button>
          ) : null}
          {sends && draft ? (
            <button type="button" disabled={busy} onClick={() => void run(() => table(id, amendment.id, 'mediators'))}>
              Table to the mediators
            </button>
          ) : null}
          {sends && (draft || toMediators) ? (
            <button type="button" disabled={busy} onClick={() => void run(() => table(id, amendment.id, 'table'))}>
              Table to the table
            </button>
          ) : null}
          <button type="button" disabled={busy} onClick={() => void run(() => withdraw(id, amendment.id))}>
            Withdraw
          </button>
        </div>
      ) : null}
      {draft && !sends ? <p className="hint">Only {amendment.partyName}’s principal or lead tables it.</p> : null}
      <ErrorLine error={error} />
    </li>
  );
}

/** Conflicts among the amendments the reader sees, in words. */
function Conflicts({ amendment, all, version }: { amendment: Amendment; all: Amendment[]; version: Version }) {
  if (!amendment.conflicts.length) return null;
  return (
    <ul className="conflicts" aria-label="Conflicts">
      {amendment.conflicts.map((c) => {
        const other = all.find((a) => a.id === c.withId);
        return (
          <li key={c.withId} className="warning" data-testid="amendment-conflict">
            Conflicts with{' '}
            {other
              ? `${other.partyName}’s amendment (${describeChange(other.change, version.points)})`
              : 'another amendment'}
            : {c.reason}
          </li>
        );
      })}
    </ul>
  );
}

/** The pen-holder's view: each tabled amendment decided one by one, then consolidation. */
function PenHolder({
  id,
  version,
  amendments,
  all,
  onVersion,
}: {
  id: string;
  version: Version;
  amendments: Amendment[];
  all: Amendment[];
  onVersion: (versionId: string) => void;
}) {
  const accepted = amendments.filter((a) => a.state === 'accepted').length;
  // A complete agreement locks its text: nothing is decided or consolidated until a point is reopened.
  const lockedAt = useNegotiation(id).data?.lockedAt ?? null;
  if (lockedAt)
    return (
      <div className="pen-holder">
        <p className="hint">
          The agreement is complete and its text locked since {new Date(lockedAt).toLocaleString()}: no amendment is
          decided or consolidated until a mediator reopens a point.
        </p>
      </div>
    );
  return (
    <div className="pen-holder">
      <h3>Tabled amendments to decide</h3>
      <p className="hint">You hold the pen of this text: accept, reject, or accept with changes, one by one.</p>
      {amendments.length ? (
        <ul className="amendment-list">
          {amendments.map((amendment) => (
            <Decision key={amendment.id} id={id} version={version} amendment={amendment} all={all} />
          ))}
        </ul>
      ) : (
        <p className="hint">No amendment is tabled to you on this version.</p>
      )}
      {!version.withdrawnAt ? (
        <Consolidate id={id} version={version} accepted={accepted} onVersion={onVersion} />
      ) : null}
    </div>
  );
}

function Decision({
  id,
  version,
  amendment,
  all,
}: {
  id: string;
  version: Version;
  amendment: Amendment;
  all: Amendment[];
}) {
  const formId = useId();
  const { busy, error, run, clear } = useAction(id);
  const [open, setOpen] = useState<'reject' | 'change' | null>(null);
  const [note, setNote] = useState('');
  const change = amendment.change;
  const [text, setText] = useState('text' in change ? change.text : '');
  const [title, setTitle] = useState(change.kind === 'addPoint' ? change.title : '');
  const changeable = change.kind === 'replace' || change.kind === 'insert' || change.kind === 'addPoint';
  const where = error instanceof ApiError ? formFieldOf(error.field) : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (open === 'reject')
      void run(() => decide(id, amendment.id, { decision: 'reject', note })).then((ok) => ok && setOpen(null));
    else if (open === 'change') {
      const changed = change.kind === 'addPoint' ? { ...change, title, text } : { ...change, text };
      void run(() => decide(id, amendment.id, { decision: 'accept', change: changed, note })).then(
        (ok) => ok && setOpen(null),
      );
    }
  };
  const fieldError = (name: string) =>
    where === name ? <ErrorLine error={error} id={`${formId}-${name}-problem`} /> : null;
  const invalid = (name: string) =>
    where === name ? { 'aria-invalid': true as const, 'aria-describedby': `${formId}-${name}-problem` } : {};

  return (
    <li className="amendment" data-testid="tabled-amendment" data-state={amendment.state}>
      <p>
        <strong>{amendment.partyName}</strong>{' '}
        <span className={`tag amendment-state state-${amendment.state}`}>
          {stateInWords(amendment, () => version.label)}
        </span>{' '}
        <span data-testid="amendment-change">{describeChange(change, version.points)}</span>
      </p>
      {amendment.justification ? <p className="hint">Justification: {amendment.justification}</p> : null}
      {amendment.decision?.note ? <p className="hint">Your note: {amendment.decision.note}</p> : null}
      <Conflicts amendment={amendment} all={all} version={version} />
      {amendment.state === 'tabled' && !version.withdrawnAt ? (
        open ? (
          <form
            className="form decision"
            aria-label={open === 'reject' ? 'Reject the amendment' : 'Accept with changes'}
            onSubmit={submit}
          >
            {open === 'change' && change.kind === 'addPoint' ? (
              <>
                <label htmlFor={`${formId}-title`}>Title of the new point</label>
                <input
                  id={`${formId}-title`}
                  value={title}
                  {...invalid('title')}
                  onChange={(e) => setTitle(e.target.value)}
                />
                {fieldError('title')}
              </>
            ) : null}
            {open === 'change' ? (
              <>
                <label htmlFor={`${formId}-text`}>
                  {change.kind === 'addPoint' ? 'Text of the new point' : 'Wording as accepted'}
                </label>
                <textarea
                  id={`${formId}-text`}
                  rows={3}
                  value={text}
                  {...invalid('text')}
                  onChange={(e) => setText(e.target.value)}
                />
                {fieldError('text')}
              </>
            ) : null}
            <label htmlFor={`${formId}-note`}>
              {open === 'reject' ? 'Why (the party reads it)' : 'Note (optional)'}
            </label>
            <textarea
              id={`${formId}-note`}
              rows={2}
              value={note}
              {...invalid('note')}
              onChange={(e) => setNote(e.target.value)}
            />
            {fieldError('note')}
            {where !== 'title' && where !== 'text' && where !== 'note' ? <ErrorLine error={error} /> : null}
            <div className="row">
              <button type="submit" className="primary" disabled={busy}>
                {open === 'reject' ? 'Reject' : 'Accept with these changes'}
              </button>
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  setOpen(null);
                  clear();
                }}
              >
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <>
            <div className="row">
              <button
                type="button"
                className="primary"
                disabled={busy}
                onClick={() => void run(() => decide(id, amendment.id, { decision: 'accept' }))}
              >
                Accept
              </button>
              {changeable ? (
                <button type="button" disabled={busy} onClick={() => setOpen('change')}>
                  Accept with changes…
                </button>
              ) : null}
              <button type="button" disabled={busy} onClick={() => setOpen('reject')}>
                Reject…
              </button>
            </div>
            <ErrorLine error={error} />
          </>
        )
      ) : null}
    </li>
  );
}

/** The accepted amendments made into the next version; the page then shows it. */
function Consolidate({
  id,
  version,
  accepted,
  onVersion,
}: {
  id: string;
  version: Version;
  accepted: number;
  onVersion: (versionId: string) => void;
}) {
  const formId = useId();
  const [label, setLabel] = useState('');
  const [summary, setSummary] = useState('');
  const { busy, error, run } = useAction(id);
  const [missing, setMissing] = useState(false);
  const where = error instanceof ApiError ? formFieldOf(error.field) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!label.trim()) {
      setMissing(true);
      return;
    }
    setMissing(false);
    let made: Version | null = null;
    void run(async () => {
      made = await consolidate(id, version.id, { label, ...(summary.trim() ? { summary } : {}) });
    }, true).then((ok) => {
      if (ok && made) onVersion((made as Version).id);
    });
  };
  return (
    <form className="form consolidate" aria-label="Consolidate into a new version" onSubmit={submit}>
      <h3>Consolidate</h3>
      <p className="hint">
        {accepted
          ? `${accepted} accepted amendment${accepted === 1 ? '' : 's'} make the next version; the pending ones are carried to it.`
          : 'Accept an amendment first: consolidation makes the next version from the accepted ones.'}
      </p>
      <label htmlFor={`${formId}-label`}>Label of the new version</label>
      <input
        id={`${formId}-label`}
        value={label}
        aria-invalid={missing || where === 'label' ? true : undefined}
        aria-describedby={missing || where === 'label' ? `${formId}-label-problem` : undefined}
        onChange={(e) => setLabel(e.target.value)}
      />
      {missing ? (
        <p className="error" role="alert" id={`${formId}-label-problem`}>
          Give the new version a label.
        </p>
      ) : where === 'label' ? (
        <ErrorLine error={error} id={`${formId}-label-problem`} />
      ) : null}
      <label htmlFor={`${formId}-summary`}>Summary (optional; by default this version’s)</label>
      <textarea id={`${formId}-summary`} rows={2} value={summary} onChange={(e) => setSummary(e.target.value)} />
      {where === 'summary' ? <ErrorLine error={error} /> : null}
      {where !== 'label' && where !== 'summary' ? <ErrorLine error={error} /> : null}
      <button type="submit" className="primary" disabled={busy || accepted === 0}>
        {busy ? 'Consolidating…' : 'Consolidate into a new version'}
      </button>
    </form>
  );
}
