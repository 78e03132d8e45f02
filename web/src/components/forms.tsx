import { useId, useState, type ReactNode } from 'react';
import { ApiError, describeError } from '../api/client';

/**
 * The parts every form of the party's own material shares: the API's refusal shown next to the
 * field it names, and a stale revision (409) answered with the current state and a way to re-apply.
 */

/** A field path as the API names it ("body.stages.0.name", "stages[0].name"), in one spelling: "stages.0.name". */
export function fieldPath(raw: string | undefined): string {
  return (raw ?? '')
    .replace(/^(body|params|querystring)\.?/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^\./, '');
}

/** Which of a form's fields a problem names: the longest whose path begins the problem's path. */
export function fieldOfProblem(raw: string | undefined, fields: readonly string[]): string | null {
  const path = fieldPath(raw);
  if (!path) return null;
  let best: string | null = null;
  for (const field of fields)
    if ((path === field || path.startsWith(`${field}.`)) && (best === null || field.length > best.length)) best = field;
  return best;
}

export interface FormProblems {
  /** Props for the control of `field`: marked invalid and described by its error when the API named it. */
  control: (field: string) => { 'aria-invalid'?: true; 'aria-describedby'?: string };
  /** The API's sentence, next to the field it names (nothing when it names another). */
  at: (field: string) => ReactNode;
  /** A refusal that names none of the form's fields, for the foot of the form. */
  general: ReactNode;
  /** With a 409: the thing as it stands now. */
  stale: unknown;
}

/** How a form shows a failed request: each problem next to its field, the rest at its foot. */
export function useProblems(error: unknown, fields: readonly string[]): FormProblems {
  const base = useId();
  const stale = error instanceof ApiError && error.status === 409 ? (error.current ?? null) : undefined;
  const field = error instanceof ApiError && stale === undefined ? fieldOfProblem(error.field, fields) : null;
  const idOf = (name: string) => `${base}-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return {
    control: (name) => (name === field ? { 'aria-invalid': true, 'aria-describedby': idOf(name) } : {}),
    at: (name) =>
      name === field ? (
        <p className="error field-error" id={idOf(name)} role="alert">
          {(error as ApiError).detail}
        </p>
      ) : null,
    general:
      error && field === null && stale === undefined ? (
        <p className="error" role="alert">
          {describeError(error)}
        </p>
      ) : null,
    stale,
  };
}

/**
 * Someone saved the thing while this form was open: what it is now, and the choice to save one's
 * own change over it (at its current revision) or to take the current state into the form.
 */
export function StaleNotice({
  what,
  children,
  onReapply,
  onTakeCurrent,
  busy,
}: {
  what: string;
  children: ReactNode;
  onReapply: () => void;
  onTakeCurrent: () => void;
  busy?: boolean;
}) {
  const title = useId();
  return (
    <div className="stale-notice" role="alert" aria-labelledby={title} data-testid="stale">
      <p id={title}>
        <strong>{what} changed while you were editing it.</strong> This is how it stands now:
      </p>
      <div className="stale-current">{children}</div>
      <p className="hint">
        Your changes are still in the form. Save them over the current state (what you did not change takes its current
        value), or take the current state instead.
      </p>
      <div className="row">
        <button type="button" className="primary" onClick={onReapply} disabled={busy}>
          Save my changes over it
        </button>
        <button type="button" onClick={onTakeCurrent} disabled={busy}>
          Take the current state
        </button>
      </div>
    </div>
  );
}

const plain = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One's own changes re-applied on the current state: what differs from what the form started from
 * (`base`) is kept, anything else takes its current value; records are merged key by key.
 *
 * @example rebase({ a: 1, b: 1 }, { a: 2, b: 1 }, { a: 1, b: 3 }) // { a: 2, b: 3 }
 */
export function rebase<T>(base: T, mine: T, current: T): T {
  if (plain(base) && plain(mine) && plain(current)) {
    const out: Record<string, unknown> = { ...current };
    for (const key of Object.keys(mine)) out[key] = rebase(base[key], mine[key], current[key]);
    return out as T;
  }
  return JSON.stringify(mine) === JSON.stringify(base) ? current : mine;
}

/**
 * A form's draft of a thing kept at a revision: the draft, the state it was opened or last saved from
 * (`base`: what the person changed since is theirs to re-apply), and the revision it is saved at. After
 * a stale save (409), `reapply` puts the person's changes on the current state and returns the result
 * to save; `takeCurrent` drops them for the current state.
 *
 * @example
 * const edit = useRevisedDraft(() => draftOf(track), track?.revision ?? 0);
 * // on 409: save.mutate({ draft: edit.reapply(draftOf(stale), stale.revision), revision: stale.revision });
 */
export function useRevisedDraft<D, R>(initial: () => D, initialRevision: R) {
  const [draft, setDraft] = useState<D>(initial);
  const [base, setBase] = useState<D>(draft);
  const [revision, setRevision] = useState<R>(initialRevision);
  const reapply = (current: D, at: R): D => {
    const merged = rebase(base, draft, current);
    setBase(current);
    setDraft(merged);
    setRevision(at);
    return merged;
  };
  const takeCurrent = (current: D, at: R) => {
    setBase(current);
    setDraft(current);
    setRevision(at);
  };
  return { draft, setDraft, base, setBase, revision, setRevision, reapply, takeCurrent };
}

/** A date and time as people read it, in the reader's zone, the zone named. */
export function whenWithZone(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });
}

/** The reader's time zone, in words: "Europe/Kyiv (UTC+02:00)". */
export function zoneWords(at = new Date()): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
  return `${zone} (${offsetOf(at)})`;
}

function offsetOf(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** A `datetime-local` value ("2025-11-27T23:59") as ISO-8601 with the reader's offset at that moment. */
export function localToIso(local: string): string | null {
  if (!local) return null;
  const date = new Date(local);
  if (Number.isNaN(date.getTime())) return local;
  return `${local.length === 16 ? `${local}:00` : local}${offsetOf(date).slice(3)}`;
}

/** An ISO-8601 time as a `datetime-local` value in the reader's zone. */
export function isoToLocal(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Names joined as people say them: "A", "A and B", "A, B and C". */
export function listed(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
