import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import {
  keys,
  useIssues,
  useParties,
  useRedLines,
  useSeat,
  type Issue,
  type Party,
  type RedLine,
  type Seat,
} from '../api/queries';
import { Await, Failure, Loading } from '../components/Status';
import { StaleNotice, useProblems, useRevisedDraft } from '../components/forms';
import { constraintWords } from './Convening';
import './Forms.css';

type Visibility = RedLine['visibility'];
type Kind = RedLine['constraint']['kind'];
interface Condition {
  issueId: string;
  optionIds: string[];
}
/** What the form holds: a red line being written or changed. */
interface Draft {
  partyId: string;
  title: string;
  description: string;
  kind: Kind;
  conditions: Condition[];
  visibility: Visibility;
  source: string;
}

export const VISIBILITY_CHOICES: [Visibility, string, string][] = [
  ['party', 'Within the party', 'only the members of your party (and of its coalitions) read it'],
  ['mediator', 'Shared with the mediators', 'your party and the mediators read it'],
  ['public', 'Public', 'every party at the table reads it'],
];
const VISIBILITY_WORDS = Object.fromEntries(VISIBILITY_CHOICES.map(([v, words]) => [v, words])) as Record<
  Visibility,
  string
>;
const KIND_WORDS: Record<Kind, string> = {
  forbid: 'Never any of these options',
  require: 'Only these options',
  forbid_combination: 'Never these options together',
};
const FIELDS = ['partyId', 'title', 'description', 'constraint', 'visibility', 'source'] as const;

function draftOf(line: RedLine): Draft {
  const c = line.constraint;
  return {
    partyId: line.partyId,
    title: line.title,
    description: line.description,
    kind: c.kind,
    conditions:
      c.kind === 'forbid_combination'
        ? c.conditions.map((x) => ({ issueId: x.issueId, optionIds: [...x.optionIds] }))
        : [{ issueId: c.issueId, optionIds: [...c.optionIds] }],
    visibility: line.visibility,
    source: line.source ?? '',
  };
}

function emptyDraft(partyId: string, issues: Issue[]): Draft {
  const issueId = issues[0]?.id ?? '';
  return {
    partyId,
    title: '',
    description: '',
    kind: 'forbid',
    conditions: [{ issueId, optionIds: [] }],
    visibility: 'party',
    source: '',
  };
}

function constraintOf(draft: Draft): RedLine['constraint'] {
  if (draft.kind === 'forbid_combination') return { kind: draft.kind, conditions: draft.conditions };
  const first = draft.conditions[0] ?? { issueId: '', optionIds: [] };
  return { kind: draft.kind, issueId: first.issueId, optionIds: first.optionIds };
}

/** A party's red lines: those the reader may see, and for their own party, stating and changing them. */
export default function RedLinesPage({ id }: { id: string }) {
  const seat = useSeat(id);
  const parties = useParties(id);
  const issues = useIssues(id);
  if (seat.isPending || parties.isPending || issues.isPending) return <Loading what="the red lines" />;
  if (!seat.data || !parties.data || !issues.data)
    return <Failure error={seat.error ?? parties.error ?? issues.error} what="the red lines" />;
  const own = parties.data.filter((p) => seat.data.partyIds.includes(p.id));
  return (
    <div className="forms-page">
      <h1>Red lines</h1>
      <p className="lede">
        A red line is a party&rsquo;s non-negotiable principle, stated over the issues&rsquo; options; every draft is
        checked against the red lines its reader may see.
      </p>
      {own.length > 0 && issues.data.length > 0 ? (
        <details className="card add" open={false}>
          <summary>State a red line</summary>
          <RedLineForm id={id} seat={seat.data} parties={own} issues={issues.data} />
        </details>
      ) : own.length > 0 ? (
        <p className="status">A red line is stated over the issues&rsquo; options: there is no issue yet.</p>
      ) : null}
      <RedLineList id={id} seat={seat.data} parties={parties.data} own={own} issues={issues.data} />
    </div>
  );
}

function RedLineList({
  id,
  seat,
  parties,
  own,
  issues,
}: {
  id: string;
  seat: Seat;
  parties: Party[];
  own: Party[];
  issues: Issue[];
}) {
  const redLines = useRedLines(id);
  const [editing, setEditing] = useState<string | null>(null);
  const partyName = (partyId: string) => parties.find((p) => p.id === partyId)?.name ?? 'a party no longer listed';
  return (
    <section aria-labelledby="red-lines-list" className="card">
      <h2 id="red-lines-list">Red lines you may see</h2>
      <p className="hint">
        {seat.isMediator
          ? 'Those the parties shared with the mediators, and the public ones.'
          : "Your party's own, and those other parties made public. No one else's is listed here."}
      </p>
      <Await query={redLines} what="the red lines">
        {(list) =>
          list.length === 0 ? (
            <p>No red line is visible to you.</p>
          ) : (
            <ul className="cards" data-testid="red-lines">
              {list.map((line) => (
                <li key={line.id} className="form-item" data-testid="red-line">
                  <h3>
                    <span className="badge red-line">red line</span> {line.title}
                  </h3>
                  <p>
                    {partyName(line.partyId)} ·{' '}
                    <span className={`badge vis-${line.visibility}`}>{VISIBILITY_WORDS[line.visibility]}</span>
                  </p>
                  <p>{constraintWords(line.constraint, issues)}</p>
                  {line.description ? <p className="hint">{line.description}</p> : null}
                  {line.source ? <p className="hint">Source: {line.source}</p> : null}
                  {own.some((p) => p.id === line.partyId) ? (
                    editing === line.id ? (
                      <RedLineForm
                        id={id}
                        seat={seat}
                        parties={own}
                        issues={issues}
                        line={line}
                        onDone={() => setEditing(null)}
                      />
                    ) : (
                      <button type="button" onClick={() => setEditing(line.id)} aria-label={`Change “${line.title}”`}>
                        Change
                      </button>
                    )
                  ) : null}
                </li>
              ))}
            </ul>
          )
        }
      </Await>
    </section>
  );
}

/** Writes a new red line, or changes one at the revision it was read at. */
function RedLineForm({
  id,
  seat,
  parties,
  issues,
  line,
  onDone,
}: {
  id: string;
  seat: Seat;
  parties: Party[];
  issues: Issue[];
  line?: RedLine;
  onDone?: () => void;
}) {
  const client = useQueryClient();
  const f = useId();
  /** The draft, the state it was opened or last saved from, and its revision. */
  const { draft, setDraft, revision, setRevision, reapply, takeCurrent } = useRevisedDraft<Draft, number>(
    () => (line ? draftOf(line) : emptyDraft(parties[0]!.id, issues)),
    line?.revision ?? 0,
  );
  const [done, setDone] = useState('');
  const save = useMutation({
    mutationFn: async ({ draft, revision }: { draft: Draft; revision: number }) => {
      const fields = {
        title: draft.title,
        description: draft.description,
        constraint: constraintOf(draft),
        visibility: draft.visibility,
        source: draft.source.trim() || null,
      };
      return line
        ? unwrap(
            api.PATCH('/api/negotiations/{id}/red-lines/{itemId}', {
              params: { path: { id, itemId: line.id } },
              body: { revision, ...fields },
            }),
          )
        : unwrap(
            api.POST('/api/negotiations/{id}/red-lines', {
              params: { path: { id } },
              body: { partyId: draft.partyId, ...fields },
            }),
          );
    },
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: keys.redLines(id).slice(0, 2) });
      setDone(line ? `Saved: “${saved.title}”.` : `Stated: “${saved.title}”.`);
      setRevision(saved.revision);
      if (!line) setDraft(emptyDraft(draft.partyId, issues));
      onDone?.();
    },
  });
  const problems = useProblems(save.error, FIELDS);
  const stale = problems.stale as RedLine | null | undefined;
  const sends = seat.sendingPartyIds.includes(draft.partyId);
  const set = (patch: Partial<Draft>) => {
    setDone('');
    setDraft((d) => ({ ...d, ...patch }));
  };
  const setCondition = (index: number, patch: Partial<Condition>) =>
    set({ conditions: draft.conditions.map((c, i) => (i === index ? { ...c, ...patch } : c)) });
  const setKind = (kind: Kind) => {
    let conditions = draft.conditions;
    if (kind === 'forbid_combination' && conditions.length < 2)
      conditions = [
        ...conditions,
        { issueId: issues.find((i) => i.id !== conditions[0]?.issueId)?.id ?? '', optionIds: [] },
      ];
    if (kind !== 'forbid_combination') conditions = conditions.slice(0, 1);
    set({ kind, conditions });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ draft, revision });
  };
  const shown = draft.kind === 'forbid_combination' ? draft.conditions : draft.conditions.slice(0, 1);
  return (
    <form
      className="form"
      noValidate
      onSubmit={submit}
      aria-label={line ? `Change the red line “${line.title}”` : 'State a red line'}
    >
      {line ? null : (
        <>
          <label htmlFor={`${f}-party`}>Party</label>
          <select
            id={`${f}-party`}
            value={draft.partyId}
            onChange={(e) => set({ partyId: e.target.value })}
            {...problems.control('partyId')}
          >
            {parties.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          {problems.at('partyId')}
        </>
      )}
      <label htmlFor={`${f}-title`}>Title</label>
      <input
        id={`${f}-title`}
        value={draft.title}
        maxLength={300}
        onChange={(e) => set({ title: e.target.value })}
        {...problems.control('title')}
      />
      {problems.at('title')}
      <label htmlFor={`${f}-description`}>Description (optional)</label>
      <textarea
        id={`${f}-description`}
        rows={2}
        value={draft.description}
        onChange={(e) => set({ description: e.target.value })}
        {...problems.control('description')}
      />
      {problems.at('description')}
      <fieldset {...problems.control('constraint')}>
        <legend>What the red line forbids or requires</legend>
        <label htmlFor={`${f}-kind`}>Kind</label>
        <select id={`${f}-kind`} value={draft.kind} onChange={(e) => setKind(e.target.value as Kind)}>
          {(Object.keys(KIND_WORDS) as Kind[]).map((k) => (
            <option key={k} value={k}>
              {KIND_WORDS[k]}
            </option>
          ))}
        </select>
        {shown.map((condition, index) => {
          const issue = issues.find((i) => i.id === condition.issueId);
          return (
            <div key={index} className="condition">
              <label htmlFor={`${f}-issue-${index}`}>
                {draft.kind === 'forbid_combination' ? `Issue ${index + 1}` : 'Issue'}
              </label>
              <select
                id={`${f}-issue-${index}`}
                value={condition.issueId}
                onChange={(e) => setCondition(index, { issueId: e.target.value, optionIds: [] })}
              >
                {issues.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.name}
                  </option>
                ))}
              </select>
              <fieldset className="choices">
                <legend>Options of {issue?.name ?? 'the issue'}</legend>
                {(issue?.options ?? [])
                  .filter((o) => !o.retiredAt || condition.optionIds.includes(o.id))
                  .map((o) => (
                    <label key={o.id} className="check">
                      <input
                        type="checkbox"
                        checked={condition.optionIds.includes(o.id)}
                        onChange={(e) =>
                          setCondition(index, {
                            optionIds: e.target.checked
                              ? [...condition.optionIds, o.id]
                              : condition.optionIds.filter((x) => x !== o.id),
                          })
                        }
                      />{' '}
                      {o.label}
                    </label>
                  ))}
              </fieldset>
              {draft.kind === 'forbid_combination' && draft.conditions.length > 2 ? (
                <button
                  type="button"
                  className="small"
                  onClick={() => set({ conditions: draft.conditions.filter((_, i) => i !== index) })}
                >
                  Remove issue {index + 1}
                </button>
              ) : null}
            </div>
          );
        })}
        {draft.kind === 'forbid_combination' ? (
          <button
            type="button"
            className="small"
            onClick={() => set({ conditions: [...draft.conditions, { issueId: issues[0]?.id ?? '', optionIds: [] }] })}
          >
            Add an issue to the combination
          </button>
        ) : null}
        <p className="hint">In words: {constraintWords(constraintOf(draft), issues)}</p>
        {problems.at('constraint')}
      </fieldset>
      <fieldset className="choices" {...problems.control('visibility')}>
        <legend>Who reads it</legend>
        {VISIBILITY_CHOICES.map(([value, words, meaning]) => (
          <label key={value} className="check">
            <input
              type="radio"
              name={`${f}-visibility`}
              value={value}
              checked={draft.visibility === value}
              disabled={value !== 'party' && !sends}
              onChange={() => set({ visibility: value })}
            />{' '}
            {words}: <span className="hint">{meaning}</span>
          </label>
        ))}
        {sends ? null : (
          <p className="hint">Only your party&rsquo;s principal or lead shares a red line beyond the party.</p>
        )}
        {problems.at('visibility')}
      </fieldset>
      <label htmlFor={`${f}-source`}>Source (optional)</label>
      <input
        id={`${f}-source`}
        value={draft.source}
        onChange={(e) => set({ source: e.target.value })}
        {...problems.control('source')}
      />
      {problems.at('source')}
      {stale ? (
        <StaleNotice
          what={`The red line “${stale.title}”`}
          busy={save.isPending}
          onReapply={() => save.mutate({ draft: reapply(draftOf(stale), stale.revision), revision: stale.revision })}
          onTakeCurrent={() => {
            takeCurrent(draftOf(stale), stale.revision);
            save.reset();
          }}
        >
          <p>
            <strong>{stale.title}</strong> ({VISIBILITY_WORDS[stale.visibility]}):{' '}
            {constraintWords(stale.constraint, issues)}
          </p>
          {stale.description ? <p className="hint">{stale.description}</p> : null}
        </StaleNotice>
      ) : null}
      {problems.general}
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : line ? 'Save the red line' : 'State the red line'}
        </button>
        {onDone ? (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        ) : null}
      </div>
      <p role="status" className="done">
        {done}
      </p>
    </form>
  );
}
