import type { Editor } from '@tiptap/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { ApiError, describeError } from '../api/client';
import { issueDraft, saveDraft, useDraft, type Draft, type DraftPoint } from '../api/drafts';
import { useIssues, useTracks, useVersion, type Issue, type Track, type Version } from '../api/queries';
import { bracketLabel, bracketSelection, cursorOffset, PointEditor, selectedSpan } from '../components/PointEditor';
import { Failure, Loading } from '../components/Status';
import './Drafting.css';

type Bracket = DraftPoint['brackets'][number];
interface Content {
  label: string;
  summary: string;
  points: DraftPoint[];
  /** What the text settles on each issue: issue id → option id. */
  optionChoices: Record<string, string>;
}
type SaveState = 'saved' | 'unsaved' | 'saving' | 'conflict' | 'failed';

/** How long typing may pause before the draft is saved. */
const SAVE_AFTER_MS = 700;

/** A fresh id, unique enough within one draft and of the characters ids allow. */
const freshId = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** The points as a save sends them: numbered by their order on the server. */
const forSaving = (points: DraftPoint[]) => points.map((point, index) => ({ ...point, number: index + 1 }));

/** Whether two versions of a point read the same. */
const samePoint = (a: DraftPoint | undefined, b: DraftPoint | undefined) =>
  JSON.stringify(a && { ...a, number: 0 }) === JSON.stringify(b && { ...b, number: 0 });

/** The drafting page: a draft's points edited in place, saved as they are typed, issued when ready. */
export default function DraftingPage({ id, draftId }: { id: string; draftId: string }) {
  const draft = useDraft(id, draftId);
  const issues = useIssues(id);
  const tracks = useTracks(id);
  const base = useVersion(id, draft.data?.baseVersionId ?? undefined);
  if (draft.error) return <Failure error={draft.error} what="the draft" />;
  if (!draft.data || !issues.data || !tracks.data || (draft.data.baseVersionId && !base.data))
    return <Loading what="the draft" />;
  return (
    <DraftEditor
      key={draft.data.id}
      id={id}
      draft={draft.data}
      issues={issues.data}
      tracks={tracks.data}
      base={base.data ?? null}
    />
  );
}

function DraftEditor({
  id,
  draft,
  issues,
  tracks,
  base,
}: {
  id: string;
  draft: Draft;
  issues: Issue[];
  tracks: Track[];
  base: Version | null;
}) {
  const [content, setContent] = useState<Content>({
    label: draft.label,
    summary: draft.summary,
    points: draft.points,
    optionChoices: draft.optionChoices,
  });
  const [state, setState] = useState<SaveState>('saved');
  const [problem, setProblem] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Draft | null>(null);
  const [issued, setIssued] = useState<Version | null>(
    draft.issuedVersionId ? ({ id: draft.issuedVersionId } as Version) : null,
  );
  /** Bumped to remake the editors after a change of structure (merge, split, a merge of two saves). */
  const [epoch, setEpoch] = useState(0);
  const revision = useRef(draft.revision);
  const latest = useRef(content);
  latest.current = content;
  const dirty = useRef(false);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const editors = useRef(new Map<string, Editor>());
  const baseIds = new Set(base?.points.map((p) => p.id) ?? []);

  const change = useCallback((update: (before: Content) => Content) => {
    setContent((before) => update(before));
    dirty.current = true;
    setState('unsaved');
  }, []);
  const changePoint = useCallback(
    (pointId: string, update: (point: DraftPoint) => DraftPoint) =>
      change((before) => ({ ...before, points: before.points.map((p) => (p.id === pointId ? update(p) : p)) })),
    [change],
  );

  /** Saves what stands now at the revision last read; a save under way is waited for first. */
  const save = useCallback(async (): Promise<boolean> => {
    while (inFlight.current) await inFlight.current;
    if (!dirty.current) return true;
    const run = (async () => {
      dirty.current = false;
      setState('saving');
      const now = latest.current;
      try {
        const saved = await saveDraft(id, draft.id, {
          revision: revision.current,
          label: now.label,
          summary: now.summary,
          points: forSaving(now.points),
          optionChoices: now.optionChoices,
        });
        revision.current = saved.revision;
        setProblem(null);
        setState(dirty.current ? 'unsaved' : 'saved');
        return true;
      } catch (error) {
        dirty.current = true;
        if (error instanceof ApiError && error.status === 409 && error.current) {
          setConflict(error.current as Draft);
          setState('conflict');
        } else {
          setProblem(describeError(error));
          setState('failed');
        }
        return false;
      }
    })();
    inFlight.current = run;
    try {
      return await run;
    } finally {
      inFlight.current = null;
    }
  }, [id, draft.id]);

  useEffect(() => {
    if (state !== 'unsaved' || conflict || issued) return;
    const timer = setTimeout(() => void save(), SAVE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [content, state, conflict, issued, save]);

  /** The points of the base a point stands for: its own id when the base has it, or those it was made from. */
  const origins = (point: DraftPoint) => point.derivedFrom ?? (baseIds.has(point.id) ? [point.id] : []);

  const move = (index: number, by: number) =>
    change((before) => {
      const points = [...before.points];
      const [point] = points.splice(index, 1);
      points.splice(index + by, 0, point!);
      return { ...before, points };
    });
  const remove = (pointId: string) =>
    change((before) => ({ ...before, points: before.points.filter((p) => p.id !== pointId) }));
  const add = (index: number) => {
    const point: DraftPoint = {
      id: freshId('pt'),
      number: 0,
      title: '',
      text: '',
      brackets: [],
      issueIds: [],
      trackId: null,
    };
    change((before) => {
      const points = [...before.points];
      points.splice(index + 1, 0, point);
      return { ...before, points };
    });
    setEpoch((e) => e + 1);
  };
  /** Merges a point with the next one: the first keeps its id, and both are named as where it came from. */
  const mergeWithNext = (index: number) => {
    change((before) => {
      const first = before.points[index]!;
      const second = before.points[index + 1]!;
      const merged: DraftPoint = {
        ...first,
        title: [first.title, second.title].filter(Boolean).join(' — '),
        text: [first.text, second.text].filter(Boolean).join(' '),
        brackets: [...first.brackets, ...second.brackets],
        issueIds: [...new Set([...first.issueIds, ...second.issueIds])],
        derivedFrom: [...new Set([...origins(first), ...origins(second)])],
      };
      const points = [...before.points];
      points.splice(index, 2, merged);
      return { ...before, points };
    });
    setEpoch((e) => e + 1);
  };
  /** Splits a point where the cursor stands: the second part is a new point made from the same origin. */
  const splitAtCursor = (point: DraftPoint) => {
    const editor = editors.current.get(point.id);
    if (!editor) return;
    const at = cursorOffset(editor);
    const head = point.text.slice(0, at).trimEnd();
    const tail = point.text.slice(at).trimStart();
    if (!head || !tail) {
      setProblem(`put the cursor inside the text of “${point.title || 'the point'}” where it is to be split`);
      return;
    }
    const holds = (text: string) => (bracket: Bracket) => text.includes(`[[${bracket.id}]]`);
    const second: DraftPoint = {
      ...point,
      id: freshId(point.id.slice(0, 60)),
      title: point.title ? `${point.title} (continued)` : '',
      text: tail,
      brackets: point.brackets.filter(holds(tail)),
      derivedFrom: origins(point),
    };
    change((before) => {
      const points = [...before.points];
      const index = points.findIndex((p) => p.id === point.id);
      points.splice(index, 1, { ...point, text: head, brackets: point.brackets.filter(holds(head)) }, second);
      return { ...before, points };
    });
    setEpoch((e) => e + 1);
  };

  /** A point of the base by its number and title, as a person names it. */
  const originName = (pointId: string) => {
    const point = base?.points.find((p) => p.id === pointId);
    return point ? `${point.number} (${point.title})` : 'no longer in it';
  };

  const issue = async () => {
    setProblem(null);
    if (!(await save())) return;
    try {
      setIssued(await issueDraft(id, draft.id));
    } catch (error) {
      setProblem(describeError(error));
    }
  };

  const resolve = async (points: DraftPoint[], label: string) => {
    if (!conflict) return;
    try {
      const saved = await saveDraft(id, draft.id, {
        revision: conflict.revision,
        label,
        summary: content.summary,
        points: forSaving(points),
        optionChoices: content.optionChoices,
      });
      revision.current = saved.revision;
      dirty.current = false;
      setContent({
        label: saved.label,
        summary: saved.summary,
        points: saved.points,
        optionChoices: saved.optionChoices,
      });
      setConflict(null);
      setState('saved');
      setEpoch((e) => e + 1);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && error.current) setConflict(error.current as Draft);
      else setProblem(describeError(error));
    }
  };

  if (issued)
    return (
      <section className="drafting" aria-labelledby="draft-title">
        <h1 id="draft-title">{content.label}</h1>
        <p role="status">
          Issued as a version. <Link href={`/compare?version=${encodeURIComponent(issued.id)}`}>Compare it</Link> with
          the text it was drafted from, or <Link href="/text">read it</Link>.
        </p>
      </section>
    );

  return (
    <section className="drafting" aria-labelledby="draft-title">
      <h1 id="draft-title">Drafting: {content.label}</h1>
      <p className="hint">
        {draft.partyId === null
          ? "A draft of the table's text, seen by the mediators."
          : 'A draft of your party, seen by its delegates only.'}{' '}
        {base ? `Drafted from “${base.label}”.` : 'Begun empty.'} Saved as you type.
      </p>
      <div className="row draft-head">
        <label>
          Label <input value={content.label} onChange={(e) => change((c) => ({ ...c, label: e.target.value }))} />
        </label>
        <span className={`draft-state draft-state-${state}`} role="status" aria-live="polite">
          {
            {
              saved: `Saved (revision ${revision.current})`,
              unsaved: 'Not saved yet',
              saving: 'Saving…',
              conflict: 'Someone else saved this draft: merge below',
              failed: 'Not saved',
            }[state]
          }
        </span>
        <button type="button" onClick={() => void issue()} disabled={state === 'conflict'}>
          Issue as version
        </button>
      </div>
      <label className="draft-summary">
        Summary
        <textarea value={content.summary} onChange={(e) => change((c) => ({ ...c, summary: e.target.value }))} />
      </label>
      {problem ? <p role="alert">{problem}</p> : null}
      {conflict ? (
        <MergeView mine={content} theirs={conflict} onMerge={(points, label) => void resolve(points, label)} />
      ) : null}
      <ol className="draft-points">
        {content.points.map((point, index) => (
          <PointCard
            key={`${point.id}:${epoch}`}
            point={point}
            index={index}
            count={content.points.length}
            issues={issues}
            tracks={tracks}
            readOnly={conflict !== null}
            onChange={(update) => changePoint(point.id, update)}
            onEditor={(editor) => {
              if (editor) editors.current.set(point.id, editor);
              else editors.current.delete(point.id);
            }}
            editor={() => editors.current.get(point.id)}
            onMove={(by) => move(index, by)}
            onRemove={() => remove(point.id)}
            onAdd={() => add(index)}
            onMerge={() => mergeWithNext(index)}
            onSplit={() => splitAtCursor(point)}
            origin={originName}
            settled={content.optionChoices}
            onSettle={(issueId, optionId) =>
              change((before) => {
                const optionChoices = { ...before.optionChoices };
                if (optionId) optionChoices[issueId] = optionId;
                else delete optionChoices[issueId];
                return { ...before, optionChoices };
              })
            }
          />
        ))}
      </ol>
      {content.points.length === 0 ? (
        <button type="button" onClick={() => add(-1)}>
          Add a point
        </button>
      ) : null}
    </section>
  );
}

function PointCard({
  point,
  index,
  count,
  issues,
  tracks,
  readOnly,
  onChange,
  onEditor,
  editor,
  onMove,
  onRemove,
  onAdd,
  onMerge,
  onSplit,
  origin,
  settled,
  onSettle,
}: {
  origin: (pointId: string) => string;
  /** What the text settles on each issue, and how to change it. */
  settled: Record<string, string>;
  onSettle: (issueId: string, optionId: string | null) => void;
  point: DraftPoint;
  index: number;
  count: number;
  issues: Issue[];
  tracks: Track[];
  readOnly: boolean;
  onChange: (update: (point: DraftPoint) => DraftPoint) => void;
  onEditor: (editor: Editor | null) => void;
  editor: () => Editor | undefined;
  onMove: (by: number) => void;
  onRemove: () => void;
  onAdd: () => void;
  onMerge: () => void;
  onSplit: () => void;
}) {
  const number = index + 1;
  const [bracketing, setBracketing] = useState<{ from: number; to: number; text: string } | null>(null);
  const [hint, setHint] = useState<string | null>(null);
  const startBracket = () => {
    const current = editor();
    const span = current ? selectedSpan(current) : null;
    if (!span) {
      setHint('select the words to bracket first (words of one line, without a bracket in them)');
      return;
    }
    setHint(null);
    setBracketing(span);
  };
  return (
    <li className="card draft-point" data-point={point.id} aria-label={`Point ${number}`}>
      <div className="row draft-point-head">
        <span className="draft-number">{number}.</span>
        <input
          aria-label={`Title of point ${number}`}
          value={point.title}
          readOnly={readOnly}
          onChange={(e) => onChange((p) => ({ ...p, title: e.target.value }))}
        />
      </div>
      <PointEditor
        point={point}
        label={`Text of point ${number}`}
        onText={(text) =>
          onChange((p) => ({ ...p, text, brackets: p.brackets.filter((b) => text.includes(`[[${b.id}]]`)) }))
        }
        onReady={onEditor}
      />
      {point.derivedFrom?.length ? (
        <p className="hint">
          Made from {point.derivedFrom.length > 1 ? 'points' : 'point'} {point.derivedFrom.map(origin).join('; ')} of
          the text it was drafted from
        </p>
      ) : null}
      {point.brackets.length > 0 ? <BracketList point={point} issues={issues} /> : null}
      {bracketing ? (
        <BracketForm
          span={bracketing}
          issues={issues}
          onCancel={() => setBracketing(null)}
          onDone={(bracket) => {
            const current = editor();
            setBracketing(null);
            if (!current) return;
            bracketSelection(current, bracketing, bracket);
            onChange((p) => ({ ...p, brackets: [...p.brackets, bracket] }));
          }}
        />
      ) : null}
      {hint ? <p role="alert">{hint}</p> : null}
      <div className="row draft-point-tags">
        <label>
          Track{' '}
          <select
            value={point.trackId ?? ''}
            onChange={(e) => onChange((p) => ({ ...p, trackId: e.target.value || null }))}
          >
            <option value="">the whole table</option>
            {tracks.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <details>
          <summary>Issues it decides ({point.issueIds.length})</summary>
          {issues.map((i) => (
            <label key={i.id} className="draft-issue">
              <input
                type="checkbox"
                checked={point.issueIds.includes(i.id)}
                onChange={(e) =>
                  onChange((p) => ({
                    ...p,
                    issueIds: e.target.checked ? [...p.issueIds, i.id] : p.issueIds.filter((x) => x !== i.id),
                  }))
                }
              />{' '}
              {i.name}
              {point.issueIds.includes(i.id) ? (
                <select
                  aria-label={`What the text settles on ${i.name}`}
                  value={settled[i.id] ?? ''}
                  disabled={readOnly}
                  onChange={(e) => onSettle(i.id, e.target.value || null)}
                >
                  <option value="">left open</option>
                  {i.options
                    .filter((o) => !o.retiredAt || o.id === settled[i.id])
                    .map((o) => (
                      <option key={o.id} value={o.id}>
                        settles on: {o.label}
                      </option>
                    ))}
                </select>
              ) : null}
            </label>
          ))}
        </details>
      </div>
      <div className="row draft-point-actions" role="group" aria-label={`Change point ${number}`}>
        <button type="button" onClick={startBracket} disabled={readOnly}>
          Bracket the selection
        </button>
        <button type="button" onClick={onSplit} disabled={readOnly}>
          Split at the cursor
        </button>
        <button type="button" onClick={onMerge} disabled={readOnly || index === count - 1}>
          Merge with the next point
        </button>
        <button type="button" onClick={() => onMove(-1)} disabled={readOnly || index === 0}>
          Move up
        </button>
        <button type="button" onClick={() => onMove(1)} disabled={readOnly || index === count - 1}>
          Move down
        </button>
        <button type="button" onClick={onAdd} disabled={readOnly}>
          Add a point after
        </button>
        <button type="button" onClick={onRemove} disabled={readOnly}>
          Remove
        </button>
      </div>
    </li>
  );
}

/** The options an alternative may stand for, as one choice: "issue: option". */
function optionChoices(issues: Issue[]) {
  return issues.flatMap((issue) =>
    issue.options
      .filter((o) => !o.retiredAt)
      .map((o) => ({ value: `${issue.id} ${o.id}`, label: `${issue.name}: ${o.label}` })),
  );
}

const choicesOf = (value: string): Record<string, string> => {
  const [issueId, optionId] = value.split(' ');
  return issueId && optionId ? { [issueId]: optionId } : {};
};

/** The form that turns the selected words into a bracket of alternatives, each standing for an option if it does. */
function BracketForm({
  span,
  issues,
  onCancel,
  onDone,
}: {
  span: { text: string };
  issues: Issue[];
  onCancel: () => void;
  onDone: (bracket: Bracket) => void;
}) {
  const [alternatives, setAlternatives] = useState([
    { text: span.text, option: '' },
    { text: '', option: '' },
  ]);
  const choices = optionChoices(issues);
  const set = (index: number, patch: Partial<{ text: string; option: string }>) =>
    setAlternatives((all) => all.map((a, i) => (i === index ? { ...a, ...patch } : a)));
  const ready = alternatives.filter((a) => a.text.trim()).length >= 2;
  return (
    <fieldset className="draft-bracket-form">
      <legend>Bracket “{span.text}”</legend>
      {alternatives.map((alternative, index) => (
        <div key={index} className="row">
          <label>
            Alternative {String.fromCharCode(65 + index)}{' '}
            <input value={alternative.text} onChange={(e) => set(index, { text: e.target.value })} />
          </label>
          <label>
            stands for{' '}
            <select value={alternative.option} onChange={(e) => set(index, { option: e.target.value })}>
              <option value="">no option</option>
              {choices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
        </div>
      ))}
      <div className="row">
        <button type="button" onClick={() => setAlternatives((all) => [...all, { text: '', option: '' }])}>
          Another alternative
        </button>
        <button
          type="button"
          disabled={!ready}
          onClick={() =>
            onDone({
              id: freshId('br'),
              alternatives: alternatives
                .filter((a) => a.text.trim())
                .map((a) => ({ text: a.text, proposedBy: [], choices: choicesOf(a.option) })),
            })
          }
        >
          Bracket it
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </fieldset>
  );
}

/** A point's brackets: each alternative, and the option it stands for. */
function BracketList({ point, issues }: { point: DraftPoint; issues: Issue[] }) {
  const name = (choices: Record<string, string> | undefined) =>
    Object.entries(choices ?? {})
      .map(([issueId, optionId]) => {
        const issue = issues.find((i) => i.id === issueId);
        return `${issue?.name ?? issueId}: ${issue?.options.find((o) => o.id === optionId)?.label ?? optionId}`;
      })
      .join('; ');
  return (
    <ul className="draft-brackets">
      {point.brackets.map((bracket, b) => (
        <li key={bracket.id}>
          Bracket {b + 1}: {bracketLabel(bracket)}
          <ul>
            {bracket.alternatives.map((alternative, a) => (
              <li key={a}>
                {String.fromCharCode(65 + a)}: {alternative.text}
                {name(alternative.choices) ? (
                  <span className="hint"> (stands for {name(alternative.choices)})</span>
                ) : null}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/**
 * Two saves of one draft, point by point: where theirs and yours differ, each reader chooses which to
 * keep; the merge is saved at their revision.
 */
function MergeView({
  mine,
  theirs,
  onMerge,
}: {
  mine: Content;
  theirs: Draft;
  onMerge: (points: DraftPoint[], label: string) => void;
}) {
  const ids = [
    ...mine.points.map((p) => p.id),
    ...theirs.points.map((p) => p.id).filter((pid) => !mine.points.some((p) => p.id === pid)),
  ];
  const differing = ids.filter(
    (pid) =>
      !samePoint(
        mine.points.find((p) => p.id === pid),
        theirs.points.find((p) => p.id === pid),
      ),
  );
  const [choice, setChoice] = useState<Record<string, 'mine' | 'theirs'>>({});
  const pick = (pid: string) => choice[pid] ?? 'mine';
  const merged = () =>
    ids
      .map((pid) =>
        differing.includes(pid) && pick(pid) === 'theirs'
          ? theirs.points.find((p) => p.id === pid)
          : mine.points.find((p) => p.id === pid),
      )
      .filter((p): p is DraftPoint => p !== undefined);
  const nameOf = (pid: string) => {
    const inMine = mine.points.findIndex((p) => p.id === pid);
    const point = mine.points[inMine] ?? theirs.points.find((p) => p.id === pid)!;
    const number = inMine >= 0 ? inMine + 1 : theirs.points.indexOf(point) + 1;
    return `Point ${number}${point.title ? `: ${point.title}` : ''}`;
  };
  const show = (point: DraftPoint | undefined) =>
    point ? `${point.title ? `${point.title}: ` : ''}${point.text}` : '(not in this save)';
  return (
    <section className="card draft-merge" aria-labelledby="merge-title">
      <h2 id="merge-title">Someone else saved this draft meanwhile</h2>
      <p className="hint">
        Their save is revision {theirs.revision}. Choose, for each point that differs, which wording to keep; then save
        the merge.
      </p>
      {differing.length === 0 ? <p>No point differs; only the label or the summary.</p> : null}
      <ul>
        {differing.map((pid) => (
          <li key={pid} className="draft-merge-point">
            <fieldset>
              <legend>{nameOf(pid)}</legend>
              <label>
                <input
                  type="radio"
                  checked={pick(pid) === 'theirs'}
                  onChange={() => setChoice((c) => ({ ...c, [pid]: 'theirs' }))}
                />{' '}
                Theirs: {show(theirs.points.find((p) => p.id === pid))}
              </label>
              <label>
                <input
                  type="radio"
                  checked={pick(pid) === 'mine'}
                  onChange={() => setChoice((c) => ({ ...c, [pid]: 'mine' }))}
                />{' '}
                Yours: {show(mine.points.find((p) => p.id === pid))}
              </label>
            </fieldset>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => onMerge(merged(), mine.label)}>
        Save the merge
      </button>
    </section>
  );
}
