import { VersionOptions } from '../components/VersionOptions';
import { Amendments } from '../components/amendments/Amendments';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { describeError } from '../api/client';
import {
  keys,
  useDocument,
  useIssues,
  useNegotiation,
  useParties,
  usePositionsOn,
  useSeat,
  useTracks,
  useVersions,
  type Issue,
  type Party,
  type Point,
  type Position,
  type Seat,
  type Track,
  type Version,
} from '../api/queries';
import { AgreementPanel } from '../components/AgreementPanel';
import { LanguageSwitch, languageNote } from '../components/LanguageSwitch';
import { BracketedPointText } from '../components/BracketedPointText';
import {
  alternativeLetter,
  PositionBadge,
  PositionBody,
  PositionDetails,
  STANCE_WORDS,
  STANCES,
  type Stance,
  type Visibility,
} from '../components/PositionBadge';
import { DraftFromVersion } from '../components/DraftFromVersion';
import { ExportMenu, ImportMenu } from '../components/TextFiles';
import { Failure, Loading, RefreshFailed } from '../components/Status';
import { fieldsOf, issuesOfPoint, saveBatch, savePosition, type PositionFields } from './positionEditing';
import './Text.css';

/** A point is contested when the visible positions on it disagree, or when it still has an open bracket. */
export function isContested(point: Point, positions: Position[]): boolean {
  if (point.brackets.length > 0) return true;
  return new Set(positions.filter((p) => p.pointId === point.id).map((p) => p.stance)).size > 1;
}

const NO_TRACK = '\u0000none';

/** The parties the reader may record positions for: their own and its coalitions (never a mediator's). */
function recordingParties(seat: Seat, parties: Party[]): Party[] {
  if (seat.isMediator) return [];
  return parties.filter((p) => seat.partyIds.includes(p.id));
}

/** The visibilities the reader may give a party's position: beyond the party only as its principal or lead. */
function allowedVisibilities(seat: Seat, partyId: string, current?: Visibility): Visibility[] {
  const all: Visibility[] = seat.sendingPartyIds.includes(partyId) ? ['party', 'mediator', 'public'] : ['party'];
  return current && !all.includes(current) ? [...all, current] : all;
}

export default function TextPage({ id }: { id: string }) {
  const [versionId, setVersionId] = useState<string | undefined>(undefined);
  const seat = useSeat(id);
  const negotiation = useNegotiation(id);
  const versions = useVersions(id);
  const document = useDocument(id, versionId);
  // The points as read in another language than the drafting one (amendments and marks stay on the drafted text).
  const [lang, setLang] = useState<string | undefined>(undefined);
  const localized = useDocument(id, document.data?.id, lang, lang !== undefined && document.data !== undefined);
  const drafting = negotiation.data?.languages?.drafting ?? 'en';
  const shownVersion = lang !== undefined ? localized.data : document.data;
  const positions = usePositionsOn(id, document.data?.id);
  const parties = useParties(id);
  const issues = useIssues(id);
  const tracks = useTracks(id);

  const readings = [seat, document, parties, issues, tracks, ...(lang !== undefined ? [localized] : [])];
  const pending = readings.find((q) => q.isPending);
  const failed = readings.find((q) => q.error && q.data === undefined);
  const unrefreshed = readings.find((q) => q.error && q.data !== undefined);
  return (
    <div className="text-page">
      <h1>The text</h1>
      <div className="row text-version">
        <label htmlFor="text-version">Version</label>
        <select
          id="text-version"
          value={versionId ?? document.data?.id ?? ''}
          onChange={(event) => setVersionId(event.target.value || undefined)}
          disabled={!versions.data}
        >
          <VersionOptions
            versions={versions.data}
            shown={document.data}
            currentVersionId={negotiation.data?.currentVersionId}
          />
        </select>
        {versions.error ? <Failure error={versions.error} what="the versions" /> : null}
        {document.data ? <ExportMenu id={id} versionId={document.data.id} lang={lang} /> : null}
        {seat.data && (seat.data.isMediator || seat.data.partyIds.length > 0) ? (
          <ImportMenu id={id} onVersion={setVersionId} />
        ) : null}
        <LanguageSwitch languages={negotiation.data?.languages} value={lang} onChange={setLang} />
      </div>
      <Amendments id={id} version={document.data} onVersion={setVersionId} />
      {unrefreshed ? <RefreshFailed error={unrefreshed.error} what="the text" /> : null}
      {failed ? (
        <Failure error={failed.error} what="the text" />
      ) : pending || !seat.data || !shownVersion || !parties.data || !issues.data || !tracks.data ? (
        <Loading what="the text" />
      ) : (
        <Document
          id={id}
          seat={seat.data}
          version={shownVersion}
          note={lang !== undefined ? (point) => languageNote(point, lang, drafting) : undefined}
          positions={positions.data}
          positionsError={positions.error}
          parties={parties.data}
          issues={issues.data}
          tracks={tracks.data}
        />
      )}
      {seat.data && document.data && parties.data && tracks.data ? (
        <AgreementPanel
          id={id}
          version={document.data}
          seat={seat.data}
          parties={parties.data}
          tracks={tracks.data}
          onVersion={setVersionId}
        />
      ) : null}
    </div>
  );
}

type Entry = { point: Point } | { number: number };

function Document({
  id,
  seat,
  version,
  note,
  positions,
  positionsError,
  parties,
  issues,
  tracks,
}: {
  id: string;
  seat: Seat;
  version: Version;
  /** What a reader in another language should know of a point (not translated, or behind). */
  note?: (point: Point) => string | null;
  positions: Position[] | undefined;
  positionsError: unknown;
  parties: Party[];
  issues: Issue[];
  tracks: Track[];
}) {
  const [track, setTrack] = useState('');
  const [issue, setIssue] = useState('');
  const [contestedOnly, setContestedOnly] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const onVersion = useMemo(() => positions ?? [], [positions]);
  const recorders = recordingParties(seat, parties);
  const canRecord = recorders.length > 0 && !version.withdrawnAt;

  const entries: Entry[] = useMemo(() => {
    const all: Entry[] = [
      ...version.points.map((point) => ({ point })),
      ...(version.separateFormat?.pointNumbers ?? []).map((number) => ({ number })),
    ];
    return all.sort((a, b) => ('point' in a ? a.point.number : a.number) - ('point' in b ? b.point.number : b.number));
  }, [version]);
  const filtering = track !== '' || issue !== '' || contestedOnly;
  const shown = entries.filter((entry) => {
    if (!('point' in entry)) return !filtering;
    const { point } = entry;
    if (track === NO_TRACK && point.trackId !== null) return false;
    if (track !== '' && track !== NO_TRACK && point.trackId !== track) return false;
    if (issue !== '' && !issuesOfPoint(point, issues).some((i) => i.id === issue)) return false;
    if (contestedOnly && !isContested(point, onVersion)) return false;
    return true;
  });
  const selectedHere = version.points.filter((p) => selected.has(p.id));
  const toggle = (pointId: string, on: boolean) =>
    setSelected((before) => {
      const next = new Set(before);
      if (on) next.add(pointId);
      else next.delete(pointId);
      return next;
    });
  const visibleTracks = tracks.filter((t) => version.points.some((p) => p.trackId === t.id));

  return (
    <>
      <section className="card text-head" aria-labelledby="text-title">
        <h2 id="text-title">{version.label}</h2>
        {version.summary ? <p>{version.summary}</p> : null}
        <p className="hint">
          {version.points.length + (version.separateFormat?.pointNumbers.length ?? 0)} points, dated{' '}
          {version.createdAt.slice(0, 10)}
          {version.withdrawnAt ? `; withdrawn on ${version.withdrawnAt.slice(0, 10)}` : ''}.
        </p>
        {version.separateFormat ? <p className="hint">{version.separateFormat.note}.</p> : null}
        <DraftFromVersion id={id} seat={seat} version={version} />
        {seat.isMediator ? (
          <p className="hint">As a mediator you see the positions shared with you; the parties record them.</p>
        ) : null}
      </section>

      <fieldset className="text-filters">
        <legend>Show</legend>
        <label>
          Track{' '}
          <select value={track} onChange={(e) => setTrack(e.target.value)}>
            <option value="">all points</option>
            <option value={NO_TRACK}>points of no track</option>
            {visibleTracks.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Issue{' '}
          <select value={issue} onChange={(e) => setIssue(e.target.value)}>
            <option value="">any issue</option>
            {issues.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" checked={contestedOnly} onChange={(e) => setContestedOnly(e.target.checked)} />{' '}
          contested only
        </label>
        <span className="hint" role="status">
          {shown.length} of {entries.length} points shown
        </span>
      </fieldset>

      {positionsError ? <Failure error={positionsError} what="the positions" /> : null}
      {!positions && !positionsError ? <Loading what="the positions" /> : null}

      {canRecord ? (
        <BatchRecorder
          id={id}
          seat={seat}
          version={version}
          points={selectedHere}
          positions={onVersion}
          recorders={recorders}
          onDone={() => setSelected(new Set())}
          onClear={() => setSelected(new Set())}
        />
      ) : null}

      <ol className="points" aria-label={`Points of ${version.label}`}>
        {shown.map((entry) =>
          'point' in entry ? (
            <PointItem
              key={entry.point.id}
              id={id}
              seat={seat}
              version={version}
              point={entry.point}
              note={note?.(entry.point) ?? null}
              positions={onVersion.filter((p) => p.pointId === entry.point.id)}
              parties={parties}
              issues={issues}
              tracks={tracks}
              recorders={canRecord ? recorders : []}
              selected={selected.has(entry.point.id)}
              onSelect={(on) => toggle(entry.point.id, on)}
            />
          ) : (
            <li key={`separate-${entry.number}`} className="card point separate" value={entry.number}>
              <h3>
                {entry.number}. <span className="hint">Negotiated in a separate format</span>
              </h3>
            </li>
          ),
        )}
      </ol>
    </>
  );
}

function PointItem({
  id,
  seat,
  version,
  point,
  note,
  positions,
  parties,
  issues,
  tracks,
  recorders,
  selected,
  onSelect,
}: {
  id: string;
  seat: Seat;
  version: Version;
  point: Point;
  note: string | null;
  positions: Position[];
  parties: Party[];
  issues: Issue[];
  tracks: Track[];
  recorders: Party[];
  selected: boolean;
  onSelect: (on: boolean) => void;
}) {
  const partyOf = (partyId: string) => parties.find((p) => p.id === partyId);
  const sorted = [...positions].sort((a, b) =>
    (partyOf(a.partyId)?.shortName ?? a.partyId).localeCompare(partyOf(b.partyId)?.shortName ?? b.partyId),
  );
  const trackName = point.trackId ? (tracks.find((t) => t.id === point.trackId)?.name ?? point.trackId) : null;
  const pointIssues = issuesOfPoint(point, issues);
  const contested = isContested(point, positions);
  const headingId = `point-${point.id}-title`;
  return (
    <li className="card point" value={point.number} data-point={point.id} aria-labelledby={headingId}>
      <div className="row spread point-head">
        <h3 id={headingId}>
          {point.number}. {point.title}
        </h3>
        {recorders.length ? (
          <label className="inline select-point">
            <input type="checkbox" checked={selected} onChange={(e) => onSelect(e.target.checked)} /> select point{' '}
            {point.number}
          </label>
        ) : null}
      </div>
      <p className="point-meta">
        {trackName ? <span className="tag">track: {trackName}</span> : null}
        {pointIssues.map((i) => (
          <span key={i.id} className="tag">
            issue: {i.name}
          </span>
        ))}
        {contested ? <span className="tag contested">contested</span> : null}
      </p>
      {note ? (
        <p className="hint language-note" data-testid="language-note">
          {note}
        </p>
      ) : null}
      <BracketedPointText point={point} parties={parties} />
      {sorted.length ? (
        <ul className="positions" aria-label={`Positions on point ${point.number}`}>
          {sorted.map((position) => (
            <li key={position.id}>
              <PositionDetails
                position={position}
                party={partyOf(position.partyId)}
                point={point}
                issues={issues}
                version={version}
              />
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">No position you may see on this point.</p>
      )}
      {recorders.length ? (
        <PositionRecorder
          id={id}
          seat={seat}
          version={version}
          point={point}
          positions={positions}
          recorders={recorders}
          parties={parties}
          issues={issues}
        />
      ) : null}
    </li>
  );
}

/** The four stances as radio buttons, one form's group. */
function StanceChoice({ name, value, onChange }: { name: string; value: Stance; onChange: (stance: Stance) => void }) {
  return (
    <fieldset className="stances">
      <legend>Stance</legend>
      {STANCES.map((stance) => (
        <label key={stance} className="inline">
          <input type="radio" name={name} value={stance} checked={value === stance} onChange={() => onChange(stance)} />{' '}
          {STANCE_WORDS[stance]}
        </label>
      ))}
    </fieldset>
  );
}

const OPTION_NONE = '';

/** The form of one party's position on one point: stance, what it supports, wording, rationale, audience. */
function PositionRecorder({
  id,
  seat,
  version,
  point,
  positions,
  recorders,
  parties,
  issues,
}: {
  id: string;
  seat: Seat;
  version: Version;
  point: Point;
  positions: Position[];
  recorders: Party[];
  parties: Party[];
  issues: Issue[];
}) {
  const client = useQueryClient();
  const formId = useId();
  const [open, setOpen] = useState(false);
  const [partyId, setPartyId] = useState(seat.party?.id ?? recorders[0]!.id);
  const existing = positions.find((p) => p.partyId === partyId);
  const [fields, setFields] = useState<PositionFields>(() => blankFields());
  const [base, setBase] = useState<{ positionId: string; revision: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Position | null>(null);
  // Sharing a rationale written for a narrower audience needs to be said, and meant.
  const [shareRationale, setShareRationale] = useState(false);
  const partyName = parties.find((p) => p.id === partyId)?.shortName ?? partyId;
  const widened = !!existing && WIDTH[fields.visibility] > WIDTH[existing.visibility] && fields.rationale.trim() !== '';

  const start = (forParty = partyId) => {
    const mine = positions.find((p) => p.partyId === forParty);
    setFields(mine ? fieldsOf(mine) : blankFields());
    setBase(mine ? { positionId: mine.id, revision: mine.revision } : null);
    setError(null);
    setConflict(null);
    setShareRationale(false);
    setOpen(true);
  };

  const submit = async (event?: FormEvent, at = base) => {
    event?.preventDefault();
    if (widened && !shareRationale) {
      setError(
        `The rationale was written for ${audience(existing!.visibility, partyName)}: confirm that ${audience(fields.visibility, partyName)} may read it, or edit or clear it.`,
      );
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = { ...fields, proposedText: fields.proposedText?.trim() ? fields.proposedText : null };
      const result = await savePosition(id, { versionId: version.id, pointId: point.id, partyId }, body, at);
      if (result.ok) {
        // Closed once the text shows the saved position: the button then reads "Change", not "Record".
        await client.invalidateQueries({ queryKey: keys.positions(id).slice(0, 2) });
        setConflict(null);
        setOpen(false);
      } else {
        setError(describeError(result.error));
        setConflict(result.current);
      }
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  if (!open)
    return (
      <div className="row recorder-closed">
        <button type="button" onClick={() => start()}>
          {existing ? `Change ${partyName}’s position` : `Record ${partyName}’s position`}
          <span className="visually-hidden"> on point {point.number}</span>
        </button>
      </div>
    );

  const linked = issuesOfPoint(point, issues);
  const optionValue = fields.supportsOption
    ? `${fields.supportsOption.issueId}\u0000${fields.supportsOption.optionId}`
    : OPTION_NONE;
  const alternativeValue = fields.supportsAlternative
    ? `${fields.supportsAlternative.bracketId}\u0000${fields.supportsAlternative.alternative}`
    : OPTION_NONE;
  const set = (patch: Partial<PositionFields>) => setFields((before) => ({ ...before, ...patch }));

  return (
    <form
      className="form recorder"
      aria-label={`${partyName}’s position on point ${point.number}`}
      onSubmit={(e) => void submit(e)}
    >
      {recorders.length > 1 ? (
        <>
          <label htmlFor={`${formId}-party`}>For</label>
          <select
            id={`${formId}-party`}
            value={partyId}
            onChange={(e) => {
              setPartyId(e.target.value);
              start(e.target.value);
            }}
          >
            {recorders.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </>
      ) : null}
      <StanceChoice name={`${formId}-stance`} value={fields.stance} onChange={(stance) => set({ stance })} />
      {linked.length ? (
        <>
          <label htmlFor={`${formId}-option`}>Supported option</label>
          <select
            id={`${formId}-option`}
            value={optionValue}
            onChange={(e) => {
              const [issueId, optionId] = e.target.value.split('\u0000');
              set({ supportsOption: issueId && optionId ? { issueId, optionId } : null });
            }}
          >
            <option value={OPTION_NONE}>none</option>
            {linked.map((issue) => (
              <optgroup key={issue.id} label={issue.name}>
                {issue.options
                  .filter((o) => !o.retiredAt || optionValue === `${issue.id}\u0000${o.id}`)
                  .map((o) => (
                    <option key={o.id} value={`${issue.id}\u0000${o.id}`}>
                      {o.label}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </>
      ) : null}
      {point.brackets.length ? (
        <>
          <label htmlFor={`${formId}-alternative`}>Supported bracket alternative</label>
          <select
            id={`${formId}-alternative`}
            value={alternativeValue}
            onChange={(e) => {
              const [bracketId, index] = e.target.value.split('\u0000');
              set({ supportsAlternative: bracketId && index ? { bracketId, alternative: Number(index) } : null });
            }}
          >
            <option value={OPTION_NONE}>none</option>
            {point.brackets.map((bracket) => (
              <optgroup key={bracket.id} label={`bracket ${bracket.id}`}>
                {bracket.alternatives.map((alternative, index) => (
                  <option key={index} value={`${bracket.id}\u0000${index}`}>
                    [{alternativeLetter(index)}]{' '}
                    {alternative.text.length > 80 ? `${alternative.text.slice(0, 80)}…` : alternative.text}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </>
      ) : null}
      <label htmlFor={`${formId}-wording`}>
        Proposed wording{fields.stance === 'amend' ? ' (an amendment needs one)' : ''}
      </label>
      <textarea
        id={`${formId}-wording`}
        rows={3}
        value={fields.proposedText ?? ''}
        onChange={(e) => set({ proposedText: e.target.value })}
      />
      <label htmlFor={`${formId}-rationale`}>Rationale</label>
      <textarea
        id={`${formId}-rationale`}
        rows={2}
        value={fields.rationale}
        onChange={(e) => set({ rationale: e.target.value })}
      />
      <label htmlFor={`${formId}-visibility`}>Seen by</label>
      <select
        id={`${formId}-visibility`}
        value={fields.visibility}
        onChange={(e) => {
          set({ visibility: e.target.value as Visibility });
          setShareRationale(false);
        }}
      >
        {allowedVisibilities(seat, partyId, existing?.visibility).map((v) => (
          <option key={v} value={v}>
            {v === 'party' ? `${partyName} only` : v === 'mediator' ? `${partyName} and the mediators` : 'everyone'}
          </option>
        ))}
      </select>
      {widened ? (
        <div className="warning" role="alert" data-testid="rationale-widened">
          <p>
            This rationale was written for {audience(existing!.visibility, partyName)}. Saved with this audience,{' '}
            {audience(fields.visibility, partyName)} will read it.
          </p>
          <label className="inline">
            <input type="checkbox" checked={shareRationale} onChange={(e) => setShareRationale(e.target.checked)} />{' '}
            Share this rationale with {audience(fields.visibility, partyName)}
          </label>{' '}
          <button
            type="button"
            onClick={() => {
              set({ rationale: '' });
              setShareRationale(false);
            }}
          >
            Clear the rationale
          </button>
        </div>
      ) : null}
      {!seat.sendingPartyIds.includes(partyId) ? (
        <p className="hint">Only {partyName}’s principal or lead may share a position beyond the party.</p>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {conflict ? (
        <div className="conflict" role="group" aria-label="The position as it stands now">
          <p>
            <strong>The position changed while you edited it.</strong> It now reads:
          </p>
          <PositionBadge position={conflict} party={parties.find((p) => p.id === conflict.partyId)} point={point} />
          <PositionBody position={conflict} point={point} issues={issues} version={version} />
          <div className="row">
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => void submit(undefined, current(conflict))}
            >
              Re-apply my changes
            </button>
            <button type="button" disabled={busy} onClick={() => start()}>
              Keep it as it is now
            </button>
          </div>
        </div>
      ) : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save position'}
        </button>
        <button type="button" onClick={() => setOpen(false)} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const current = (position: Position) => ({ positionId: position.id, revision: position.revision });

/** How far a visibility reaches: a change to a wider one shares what was written for a narrower one. */
const WIDTH: Record<Visibility, number> = { party: 0, mediator: 1, public: 2 };
const audience = (visibility: Visibility, partyName: string) =>
  visibility === 'party' ? `${partyName} only` : visibility === 'mediator' ? `the mediators` : 'everyone';

const blankFields = (): PositionFields => ({
  stance: 'support',
  proposedText: null,
  rationale: '',
  visibility: 'party',
  supportsOption: null,
  supportsAlternative: null,
});

/**
 * One position on several points at once: new ones in one transaction (all or none); a party's
 * current position on a selected point is changed in place, at its revision.
 */
function BatchRecorder({
  id,
  seat,
  version,
  points,
  positions,
  recorders,
  onDone,
  onClear,
}: {
  id: string;
  seat: Seat;
  version: Version;
  points: Point[];
  positions: Position[];
  recorders: Party[];
  onDone: () => void;
  onClear: () => void;
}) {
  const client = useQueryClient();
  const formId = useId();
  const [partyId, setPartyId] = useState(seat.party?.id ?? recorders[0]!.id);
  const [stance, setStance] = useState<Stance>('support');
  const [proposedText, setProposedText] = useState('');
  const [rationale, setRationale] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('party');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const partyName = recorders.find((p) => p.id === partyId)?.shortName ?? partyId;
  if (points.length === 0)
    return (
      <p className="hint batch-hint">
        To record one position on several points at once, select them (“select point …”) below.
        {message ? (
          <span className={message.error ? 'error' : undefined} role={message.error ? 'alert' : 'status'}>
            {' '}
            {message.text}
          </span>
        ) : null}
      </p>
    );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    const fields = { stance, proposedText: proposedText.trim() ? proposedText : null, rationale, visibility };
    const standing = (point: Point) =>
      positions.find((p) => p.pointId === point.id && p.partyId === partyId && !p.stale);
    const fresh = points.filter((point) => !standing(point));
    const changed = points.filter((point) => standing(point));
    const done: number[] = [];
    const failures: string[] = [];
    try {
      if (fresh.length) {
        const result = await saveBatch(
          id,
          fresh.map((point) => ({ versionId: version.id, pointId: point.id, partyId })),
          fields,
        );
        if (result.ok) done.push(...fresh.map((p) => p.number));
        else
          failures.push(
            `new positions on points ${fresh.map((p) => p.number).join(', ')}: ${describeError(result.error)}`,
          );
      }
      for (const point of changed) {
        const mine = standing(point)!;
        const result = await savePosition(
          id,
          { versionId: version.id, pointId: point.id, partyId },
          { ...fieldsOf(mine), ...fields },
          current(mine),
        );
        if (result.ok) done.push(point.number);
        else failures.push(`point ${point.number}: ${describeError(result.error)}`);
      }
    } catch (caught) {
      failures.push(describeError(caught));
    } finally {
      setBusy(false);
      await client.invalidateQueries({ queryKey: keys.positions(id).slice(0, 2) });
    }
    done.sort((a, b) => a - b);
    if (failures.length)
      setMessage({
        error: true,
        text: `${done.length ? `Recorded on points ${done.join(', ')}. ` : ''}Not recorded: ${failures.join('; ')}`,
      });
    else {
      setMessage({ error: false, text: `${partyName}’s position recorded on points ${done.join(', ')}.` });
      onDone();
    }
  };

  return (
    <form className="form card batch" aria-label="One position on the selected points" onSubmit={(e) => void submit(e)}>
      <h2>
        One position on {points.length} selected point{points.length === 1 ? '' : 's'} (
        {points.map((p) => p.number).join(', ')})
      </h2>
      {recorders.length > 1 ? (
        <>
          <label htmlFor={`${formId}-party`}>For</label>
          <select id={`${formId}-party`} value={partyId} onChange={(e) => setPartyId(e.target.value)}>
            {recorders.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </>
      ) : null}
      <StanceChoice name={`${formId}-stance`} value={stance} onChange={setStance} />
      <label htmlFor={`${formId}-wording`}>
        Proposed wording{stance === 'amend' ? ' (an amendment needs one)' : ''}
      </label>
      <textarea
        id={`${formId}-wording`}
        rows={2}
        value={proposedText}
        onChange={(e) => setProposedText(e.target.value)}
      />
      <label htmlFor={`${formId}-rationale`}>Rationale</label>
      <textarea id={`${formId}-rationale`} rows={2} value={rationale} onChange={(e) => setRationale(e.target.value)} />
      <label htmlFor={`${formId}-visibility`}>Seen by</label>
      <select
        id={`${formId}-visibility`}
        value={visibility}
        onChange={(e) => setVisibility(e.target.value as Visibility)}
      >
        {allowedVisibilities(seat, partyId).map((v) => (
          <option key={v} value={v}>
            {v === 'party' ? `${partyName} only` : v === 'mediator' ? `${partyName} and the mediators` : 'everyone'}
          </option>
        ))}
      </select>
      <p className="hint">
        Where {partyName} already holds a position on a selected point, it is changed to this one (what it supports
        stays).
      </p>
      {message ? (
        <p className={message.error ? 'error' : undefined} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : `Record on ${points.length} point${points.length === 1 ? '' : 's'}`}
        </button>
        <button type="button" onClick={onClear} disabled={busy}>
          Clear the selection
        </button>
      </div>
    </form>
  );
}
