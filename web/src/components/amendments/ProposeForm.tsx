import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, describeError } from '../../api/client';
import type { Party, Point, Version } from '../../api/queries';
import {
  describeChange,
  formFieldOf,
  occurrences,
  spanChange,
  type Amendment,
  type AmendmentChange,
  type Anchor,
  type Field,
  type SpanKind,
} from './anchor';
import { edit, propose, refresh } from './api';

export type Mode = 'span' | 'addPoint' | 'deletePoint';

/** What the form starts from: a selected span, a point, or a draft amendment to edit. */
export interface Start {
  mode: Mode;
  kind?: SpanKind;
  anchor?: Anchor;
  pointId?: string;
  editing?: Amendment;
}

type Problems = Partial<Record<'quote' | 'text' | 'title' | 'justification' | 'point' | 'form', string>>;

const KIND_WORDS: Record<SpanKind, string> = {
  replace: 'Replace the words',
  insertBefore: 'Insert before the words',
  insertAfter: 'Insert after the words',
  delete: 'Delete the words',
};

/** The form's fields of a draft amendment being edited. */
function fromAmendment(amendment: Amendment, version: Version): Start & { text: string; title: string } {
  const change = amendment.change;
  if (change.kind === 'addPoint')
    return {
      mode: 'addPoint',
      pointId: change.afterPointId ?? '',
      editing: amendment,
      text: change.text,
      title: change.title,
    };
  if (change.kind === 'deletePoint')
    return { mode: 'deletePoint', pointId: change.pointId, editing: amendment, text: '', title: '' };
  const point = version.points.find((p) => p.id === change.pointId);
  const raw = point ? point[change.field] : '';
  if (change.kind === 'insert') {
    const after = change.after ?? '';
    const before = change.before ?? '';
    const anchor: Anchor = after
      ? { pointId: change.pointId, field: change.field, start: change.at, end: change.at + after.length, quote: after }
      : {
          pointId: change.pointId,
          field: change.field,
          start: change.at - before.length,
          end: change.at,
          quote: before,
        };
    return {
      mode: 'span',
      kind: after ? 'insertBefore' : 'insertAfter',
      anchor,
      editing: amendment,
      text: change.text,
      title: '',
    };
  }
  const anchor: Anchor = {
    pointId: change.pointId,
    field: change.field,
    start: change.start,
    end: change.end,
    quote: raw.slice(change.start, change.end) || change.quote,
  };
  return {
    mode: 'span',
    kind: change.kind,
    anchor,
    editing: amendment,
    text: change.kind === 'replace' ? change.text : '',
    title: '',
  };
}

/**
 * Proposing (or editing a draft) amendment: a span of a point's text or title replaced, inserted
 * before or after, or deleted; a point added after another; a point deleted. Opened from words
 * selected in the text, or filled in by hand (the point, and the words as they stand).
 */
export function ProposeForm({
  id,
  version,
  proposers,
  start,
  onClose,
}: {
  id: string;
  version: Version;
  proposers: Party[];
  start: Start;
  onClose: () => void;
}) {
  const client = useQueryClient();
  const formId = useId();
  const editing = start.editing;
  const initial = editing ? fromAmendment(editing, version) : { ...start, text: '', title: '' };
  const firstPoint = version.points[0]?.id ?? '';
  const [mode, setMode] = useState<Mode>(initial.mode);
  const [kind, setKind] = useState<SpanKind>(initial.kind ?? 'replace');
  const [pointId, setPointId] = useState(initial.anchor?.pointId ?? initial.pointId ?? firstPoint);
  const [field, setField] = useState<Field>(initial.anchor?.field ?? 'text');
  const [quote, setQuote] = useState(initial.anchor?.quote ?? '');
  // Where the selected words stand: the exact place, even when the words stand more than once.
  const [exact, setExact] = useState<number | null>(initial.anchor?.start ?? null);
  const [text, setText] = useState(initial.text);
  const [title, setTitle] = useState(initial.title);
  const [justification, setJustification] = useState(editing?.justification ?? '');
  const [partyId, setPartyId] = useState(editing?.partyId ?? proposers[0]?.id ?? '');
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLElement | null>(null);
  useEffect(() => first.current?.focus(), []);

  const point = version.points.find((p) => p.id === pointId);
  const pointName = (p: Point) => `${p.number}. ${p.title.length > 60 ? `${p.title.slice(0, 60)}…` : p.title}`;

  /** The change the form describes, or the problems to show next to its fields. */
  const change = (): AmendmentChange | Problems => {
    if (mode === 'addPoint') {
      const problems: Problems = {};
      if (!title.trim()) problems.title = 'Give the new point a title.';
      if (!text.trim()) problems.text = 'Give the new point its text.';
      if (Object.keys(problems).length) return problems;
      return { kind: 'addPoint', afterPointId: pointId || null, title, text };
    }
    if (!point) return { point: 'Choose the point.' };
    if (mode === 'deletePoint') return { kind: 'deletePoint', pointId: point.id, quote: point.title };
    const raw = point[field];
    if (!quote) return { quote: `Quote the words of point ${point.number}’s ${field} to amend, as they stand.` };
    let at = exact !== null && raw.slice(exact, exact + quote.length) === quote ? exact : null;
    if (at === null) {
      const found = occurrences(raw, quote);
      if (found.length === 0)
        return {
          quote: `“${quote}” is not in point ${point.number}’s ${field}; copy the words exactly as they stand.`,
        };
      if (found.length > 1)
        return {
          quote: `“${quote}” stands ${found.length} times in point ${point.number}’s ${field}; quote more of the words around it so that it stands once.`,
        };
      at = found[0]!;
    }
    if ((kind === 'replace' || kind.startsWith('insert')) && !text.trim())
      return { text: kind === 'replace' ? 'Give the words that replace them.' : 'Give the words to insert.' };
    return spanChange({ pointId: point.id, field, start: at, end: at + quote.length, quote }, kind, raw, text);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const made = change();
    if (!('kind' in made)) {
      setProblems(made);
      return;
    }
    setBusy(true);
    setProblems({});
    try {
      if (editing) await edit(id, editing, { change: made, justification });
      else await propose(id, version.id, { partyId: partyId || undefined, change: made, justification });
      await refresh(client, id);
      onClose();
    } catch (caught) {
      const where = caught instanceof ApiError ? formFieldOf(caught.field) : null;
      const message = caught instanceof ApiError ? caught.detail : describeError(caught);
      setProblems({
        [where && where !== 'note' && where !== 'label' && where !== 'summary' ? where : 'form']: message,
      });
    } finally {
      setBusy(false);
    }
  };

  const problem = (name: keyof Problems): { 'aria-invalid'?: true; 'aria-describedby'?: string } =>
    problems[name] ? { 'aria-invalid': true, 'aria-describedby': `${formId}-${name}-problem` } : {};
  const shown = (name: keyof Problems): ReactNode =>
    problems[name] ? (
      <p className="error field-problem" id={`${formId}-${name}-problem`} role="alert">
        {problems[name]}
      </p>
    ) : null;
  const partyName = proposers.find((p) => p.id === partyId)?.name ?? 'your party';
  const preview = (() => {
    const made = change();
    return 'kind' in made ? describeChange(made, version.points) : null;
  })();

  return (
    <form
      className="form card amend-form"
      aria-label={editing ? 'Edit the draft amendment' : `Propose an amendment to ${version.label}`}
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <h2>{editing ? 'Edit the draft amendment' : 'Propose an amendment'}</h2>
      {proposers.length > 1 && !editing ? (
        <>
          <label htmlFor={`${formId}-party`}>For</label>
          <select id={`${formId}-party`} value={partyId} onChange={(e) => setPartyId(e.target.value)}>
            {proposers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </>
      ) : null}
      <label htmlFor={`${formId}-mode`}>What it does</label>
      <select
        id={`${formId}-mode`}
        ref={(element) => {
          if (!start.anchor) first.current = element;
        }}
        value={mode === 'span' ? kind : mode}
        onChange={(e) => {
          const value = e.target.value;
          if (value === 'addPoint' || value === 'deletePoint') setMode(value);
          else {
            setMode('span');
            setKind(value as SpanKind);
          }
          setProblems({});
        }}
      >
        {(Object.keys(KIND_WORDS) as SpanKind[]).map((k) => (
          <option key={k} value={k}>
            {KIND_WORDS[k]}
          </option>
        ))}
        <option value="addPoint">Add a point</option>
        <option value="deletePoint">Delete a point</option>
      </select>

      <label htmlFor={`${formId}-point`}>{mode === 'addPoint' ? 'After' : 'Point'}</label>
      <select
        id={`${formId}-point`}
        value={pointId}
        {...problem('point')}
        onChange={(e) => {
          setPointId(e.target.value);
          setExact(null);
        }}
      >
        {mode === 'addPoint' ? <option value="">(first, before every point)</option> : null}
        {version.points.map((p) => (
          <option key={p.id} value={p.id}>
            {pointName(p)}
          </option>
        ))}
      </select>
      {shown('point')}

      {mode === 'span' ? (
        <>
          <fieldset className="stances">
            <legend>In its</legend>
            {(['text', 'title'] as const).map((f) => (
              <label key={f} className="inline">
                <input
                  type="radio"
                  name={`${formId}-field`}
                  checked={field === f}
                  onChange={() => {
                    setField(f);
                    setExact(null);
                  }}
                />{' '}
                {f}
              </label>
            ))}
          </fieldset>
          <label htmlFor={`${formId}-quote`}>The words as they stand</label>
          <textarea
            id={`${formId}-quote`}
            rows={2}
            value={quote}
            {...problem('quote')}
            onChange={(e) => {
              setQuote(e.target.value);
              setExact(null);
            }}
          />
          {shown('quote')}
          {kind !== 'delete' ? (
            <>
              <label htmlFor={`${formId}-text`}>{kind === 'replace' ? 'Replaced by' : 'Words to insert'}</label>
              <textarea
                id={`${formId}-text`}
                ref={(element) => {
                  if (start.anchor) first.current = element;
                }}
                rows={3}
                value={text}
                {...problem('text')}
                onChange={(e) => setText(e.target.value)}
              />
              {shown('text')}
            </>
          ) : null}
        </>
      ) : null}

      {mode === 'addPoint' ? (
        <>
          <label htmlFor={`${formId}-title`}>Title of the new point</label>
          <input
            id={`${formId}-title`}
            value={title}
            {...problem('title')}
            onChange={(e) => setTitle(e.target.value)}
          />
          {shown('title')}
          <label htmlFor={`${formId}-text`}>Text of the new point</label>
          <textarea
            id={`${formId}-text`}
            rows={3}
            value={text}
            {...problem('text')}
            onChange={(e) => setText(e.target.value)}
          />
          {shown('text')}
        </>
      ) : null}

      <label htmlFor={`${formId}-justification`}>Justification</label>
      <textarea
        id={`${formId}-justification`}
        rows={2}
        value={justification}
        {...problem('justification')}
        onChange={(e) => setJustification(e.target.value)}
      />
      {shown('justification')}
      {preview ? (
        <p className="hint" data-testid="amendment-preview">
          {preview}
        </p>
      ) : null}
      <p className="hint">It stays within {partyName} until its principal or lead tables it.</p>
      {shown('form')}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : editing ? 'Save the draft' : 'Propose the amendment'}
        </button>
        <button type="button" onClick={onClose} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
