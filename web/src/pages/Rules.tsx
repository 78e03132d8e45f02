import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, describeError, unwrap } from '../api/client';
import {
  keys,
  useMembers,
  useParties,
  useRules,
  useSeat,
  type Member,
  type Party,
  type Rule,
  type Seat,
} from '../api/queries';
import { Await, Failure, Loading } from '../components/Status';
import {
  isoToLocal,
  listed,
  localToIso,
  useRevisedDraft,
  StaleNotice,
  useProblems,
  whenWithZone,
  zoneWords,
} from '../components/forms';
import './Forms.css';

type Stage = Rule['stages'][number];
type Mode = Stage['mode'];
type Kind = NonNullable<Stage['kind']>;
type Late = NonNullable<Rule['lateDecisions']>;
/** A stage as the form holds it: its deadline as the reader's local date and time. */
interface StageDraft {
  id: string;
  name: string;
  kind: Kind;
  mode: Mode;
  approverUserIds: string[];
  deadline: string;
}
interface Draft {
  name: string;
  description: string;
  fromPartyIds: string[];
  toPartyIds: string[];
  stages: StageDraft[];
  lateDecisions: Late;
}

const MODE_WORDS: Record<Mode, string> = { all: 'all of them approve', any: 'any one of them approves' };
const KIND_WORDS: Record<Kind, string> = {
  approval: 'Approval by principals of the author parties, before the text goes out',
  countersignature: 'Countersignature by principals of a receiving party, once the text reached them (last stage)',
};

const blankStage = (n: number): StageDraft => ({
  id: `stage-${n}`,
  name: '',
  kind: 'approval',
  mode: 'all',
  approverUserIds: [],
  deadline: '',
});
function draftOf(
  rule?: Pick<Rule, 'name' | 'description' | 'fromPartyIds' | 'toPartyIds' | 'stages' | 'lateDecisions'>,
): Draft {
  if (!rule)
    return {
      name: '',
      description: '',
      fromPartyIds: [],
      toPartyIds: [],
      stages: [blankStage(1)],
      lateDecisions: 'allowed',
    };
  return {
    name: rule.name,
    description: rule.description,
    fromPartyIds: [...rule.fromPartyIds],
    toPartyIds: [...rule.toPartyIds],
    stages: rule.stages.map((s) => ({
      id: s.id,
      name: s.name,
      kind: s.kind ?? 'approval',
      mode: s.mode,
      approverUserIds: [...s.approverUserIds],
      deadline: isoToLocal(s.deadline),
    })),
    lateDecisions: rule.lateDecisions ?? 'allowed',
  };
}
function termsOf(draft: Draft) {
  return {
    ...draft,
    stages: draft.stages.map((s) => ({ ...s, deadline: localToIso(s.deadline) })),
  };
}

interface Names {
  party: (id: string) => string;
  person: (id: string) => string;
}

/** The negotiation's transmission rules: what may go to whom, after whose approval; made, changed with consent. */
export default function RulesPage({ id }: { id: string }) {
  const seat = useSeat(id);
  const parties = useParties(id);
  const members = useMembers(id);
  if (seat.isPending || parties.isPending || members.isPending) return <Loading what="the transmission rules" />;
  if (!seat.data || !parties.data || !members.data)
    return <Failure error={seat.error ?? parties.error ?? members.error} what="the transmission rules" />;
  const names: Names = {
    party: (pid) => parties.data.find((p) => p.id === pid)?.name ?? 'a party no longer listed',
    person: (uid) => members.data.find((m) => m.userId === uid)?.name || 'a person no longer seated',
  };
  const mayCreate = seat.data.isMediator || seat.data.sendingPartyIds.length > 0;
  return (
    <div className="forms-page">
      <h1>Transmission rules</h1>
      <p className="lede">
        A rule says what may go to whom: a text written by its author parties, or derived from theirs, reaches its
        recipients only once each stage approved that exact text. Only the principals a rule names can weaken it: a
        change takes effect when every one of them consented.
      </p>
      {mayCreate ? (
        <details className="card add">
          <summary>Make a rule</summary>
          <RuleForm id={id} seat={seat.data} parties={parties.data} members={members.data} names={names} />
        </details>
      ) : null}
      <RuleList id={id} seat={seat.data} parties={parties.data} members={members.data} names={names} />
    </div>
  );
}

function RuleList({
  id,
  seat,
  parties,
  members,
  names,
}: {
  id: string;
  seat: Seat;
  parties: Party[];
  members: Member[];
  names: Names;
}) {
  const rules = useRules(id);
  const [changing, setChanging] = useState<string | null>(null);
  const me = seat.membership.userId;
  return (
    <section className="card" aria-labelledby="rules-list">
      <h2 id="rules-list">Rules of this negotiation</h2>
      <Await query={rules} what="the transmission rules">
        {(list) =>
          list.length === 0 ? (
            <p>No rule: each author party sends its texts as it sees fit.</p>
          ) : (
            <ul className="cards" data-testid="rules">
              {list.map((rule) => {
                const principals = [...new Set(rule.stages.flatMap((s) => s.approverUserIds))];
                const mayPropose =
                  !rule.removedAt &&
                  (principals.includes(me) ||
                    seat.isMediator ||
                    rule.fromPartyIds.some((pid) => seat.sendingPartyIds.includes(pid)));
                return (
                  <li key={rule.id} className="form-item" data-testid="rule">
                    <h3>{rule.name}</h3>
                    {rule.removedAt ? (
                      <p className="hint">Removed on {whenWithZone(rule.removedAt)}: it governs nothing.</p>
                    ) : null}
                    <RuleTerms terms={rule} names={names} />
                    {rule.pendingChange ? (
                      <PendingChange id={id} rule={rule} me={me} names={names} principals={principals} />
                    ) : null}
                    {mayPropose && !rule.pendingChange ? (
                      changing === rule.id ? (
                        <RuleForm
                          id={id}
                          seat={seat}
                          parties={parties}
                          members={members}
                          names={names}
                          rule={rule}
                          onDone={() => setChanging(null)}
                        />
                      ) : (
                        <button
                          type="button"
                          onClick={() => setChanging(rule.id)}
                          aria-label={`Propose a change to ${rule.name}`}
                        >
                          Propose a change
                        </button>
                      )
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )
        }
      </Await>
    </section>
  );
}

type Terms = Pick<Rule, 'name' | 'description' | 'fromPartyIds' | 'toPartyIds' | 'stages' | 'lateDecisions'>;

/** A rule's terms in words, with parties' and people's names. */
function RuleTerms({ terms, names }: { terms: Terms; names: Names }) {
  return (
    <>
      {terms.description ? <p className="hint">{terms.description}</p> : null}
      <p>
        Texts of {listed(terms.fromPartyIds.map(names.party))} reach {listed(terms.toPartyIds.map(names.party))} only
        after:
      </p>
      <ol>
        {terms.stages.map((stage) => (
          <li key={stage.id}>
            <strong>{stage.name}</strong>
            {stage.kind === 'countersignature' ? ' (countersignature)' : ''}:{' '}
            {listed(stage.approverUserIds.map(names.person))}
            {stage.approverUserIds.length > 1 ? ` — ${MODE_WORDS[stage.mode]}` : ''}
            {stage.deadline ? `; deadline ${whenWithZone(stage.deadline)}` : '; no deadline'}
          </li>
        ))}
      </ol>
      <p className="hint">
        {(terms.lateDecisions ?? 'allowed') === 'allowed'
          ? 'A decision after a deadline still counts, marked late.'
          : 'A decision after a deadline is refused.'}
      </p>
    </>
  );
}

/** A change waiting for the principals' consent: what it would do, who consented, who is awaited. */
function PendingChange({
  id,
  rule,
  me,
  names,
  principals,
}: {
  id: string;
  rule: Rule;
  me: string;
  names: Names;
  principals: string[];
}) {
  const client = useQueryClient();
  const change = rule.pendingChange!;
  const consent = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/negotiations/{id}/transmission-rules/{itemId}/changes/{changeId}/consent', {
          params: { path: { id, itemId: rule.id, changeId: change.id } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.rules(id) }),
  });
  const awaiting = principals.filter((p) => !change.consentedBy.includes(p));
  return (
    <div className="stage card" data-testid="pending-change">
      <h4>
        {change.terms ? 'A change' : 'Removing the rule'}, proposed by {names.person(change.proposedBy)} on{' '}
        {whenWithZone(change.proposedAt)}
      </h4>
      {change.terms ? <RuleTerms terms={change.terms} names={names} /> : null}
      <p>
        {change.consentedBy.length > 0 ? `Consented: ${listed(change.consentedBy.map(names.person))}. ` : ''}
        Awaiting the consent of {listed(awaiting.map(names.person))}.
      </p>
      {awaiting.includes(me) ? (
        <button type="button" className="primary" disabled={consent.isPending} onClick={() => consent.mutate()}>
          {change.terms ? 'Consent to the change' : 'Consent to removing the rule'}
        </button>
      ) : null}
      {consent.error ? (
        <p className="error" role="alert">
          {describeError(consent.error)}
        </p>
      ) : null}
    </div>
  );
}

/** Makes a rule, or proposes a change to one (its terms, or its removal) at the revision it was read at. */
function RuleForm({
  id,
  seat,
  parties,
  members,
  names,
  rule,
  onDone,
}: {
  id: string;
  seat: Seat;
  parties: Party[];
  members: Member[];
  names: Names;
  rule?: Rule;
  onDone?: () => void;
}) {
  const client = useQueryClient();
  const f = useId();
  /** The draft, the state it was opened or last saved from, and its revision. */
  const { draft, setDraft, revision, setRevision, reapply, takeCurrent } = useRevisedDraft<Draft, number>(
    () => draftOf(rule),
    rule?.revision ?? 0,
  );
  const [done, setDone] = useState('');
  const save = useMutation({
    mutationFn: ({ draft, revision, remove }: { draft: Draft; revision: number; remove?: boolean }) =>
      rule
        ? unwrap(
            api.POST('/api/negotiations/{id}/transmission-rules/{itemId}/changes', {
              params: { path: { id, itemId: rule.id } },
              body: remove ? { revision, remove: true } : { revision, terms: termsOf(draft) },
            }),
          )
        : unwrap(
            api.POST('/api/negotiations/{id}/transmission-rules', { params: { path: { id } }, body: termsOf(draft) }),
          ),
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: keys.rules(id) });
      setRevision(saved.revision);
      setDone(
        !rule
          ? `Made: ${saved.name}.`
          : saved.pendingChange
            ? 'Proposed: it takes effect when every principal the rule names has consented.'
            : 'Changed: every principal the rule names has consented.',
      );
      if (!rule) setDraft(draftOf());
      onDone?.();
    },
  });
  const fields = [
    'name',
    'description',
    'fromPartyIds',
    'toPartyIds',
    'stages',
    'lateDecisions',
    ...draft.stages.flatMap((_, i) => [
      `stages.${i}`,
      `stages.${i}.name`,
      `stages.${i}.approverUserIds`,
      `stages.${i}.deadline`,
    ]),
  ].flatMap((field) => [field, `terms.${field}`]);
  const problems = useProblems(save.error, fields);
  // A change's problems name `terms.…`; each is shown beside the same control as the rule's own.
  const at = (field: string) => problems.at(field) ?? problems.at(`terms.${field}`);
  const control = (field: string) => ({ ...problems.control(field), ...problems.control(`terms.${field}`) });
  const stale = problems.stale as Rule | null | undefined;
  const set = (patch: Partial<Draft>) => {
    setDone('');
    setDraft((d) => ({ ...d, ...patch }));
  };
  const setStage = (index: number, patch: Partial<StageDraft>) =>
    set({ stages: draft.stages.map((s, i) => (i === index ? { ...s, ...patch } : s)) });
  const toggle = (list: string[], value: string, on: boolean) =>
    on ? [...list.filter((x) => x !== value), value] : list.filter((x) => x !== value);
  const nextStageId = () => {
    let n = draft.stages.length + 1;
    while (draft.stages.some((s) => s.id === `stage-${n}`)) n++;
    return `stage-${n}`;
  };
  const sendable = seat.isMediator ? parties : parties.filter((p) => seat.sendingPartyIds.includes(p.id));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ draft, revision });
  };
  const zone = zoneWords();
  return (
    <form
      className="form"
      noValidate
      onSubmit={submit}
      aria-label={rule ? `Propose a change to ${rule.name}` : 'Make a rule'}
    >
      <label htmlFor={`${f}-name`}>Name</label>
      <input
        id={`${f}-name`}
        value={draft.name}
        maxLength={300}
        onChange={(e) => set({ name: e.target.value })}
        {...control('name')}
      />
      {at('name')}
      <label htmlFor={`${f}-description`}>Description (optional)</label>
      <textarea
        id={`${f}-description`}
        rows={2}
        value={draft.description}
        onChange={(e) => set({ description: e.target.value })}
        {...control('description')}
      />
      {at('description')}
      <fieldset {...control('fromPartyIds')}>
        <legend>Texts written by (the author parties)</legend>
        {(rule ? parties : sendable).map((p) => (
          <label key={p.id} className="check">
            <input
              type="checkbox"
              checked={draft.fromPartyIds.includes(p.id)}
              onChange={(e) => set({ fromPartyIds: toggle(draft.fromPartyIds, p.id, e.target.checked) })}
            />{' '}
            {p.name}
          </label>
        ))}
        {at('fromPartyIds')}
      </fieldset>
      <fieldset {...control('toPartyIds')}>
        <legend>Reach only after approval (the recipients)</legend>
        {parties.map((p) => (
          <label key={p.id} className="check">
            <input
              type="checkbox"
              checked={draft.toPartyIds.includes(p.id)}
              onChange={(e) => set({ toPartyIds: toggle(draft.toPartyIds, p.id, e.target.checked) })}
            />{' '}
            {p.name}
          </label>
        ))}
        {at('toPartyIds')}
      </fieldset>
      {draft.stages.map((stage, index) => {
        const from = stage.kind === 'countersignature' ? draft.toPartyIds : draft.fromPartyIds;
        const principals = members.filter(
          (m) =>
            m.role === 'principal' &&
            m.partyId !== null &&
            (from.includes(m.partyId) || stage.approverUserIds.includes(m.userId)),
        );
        const s = `${f}-stage-${index}`;
        return (
          <fieldset key={stage.id} className="stage" {...control(`stages.${index}`)}>
            <legend>Stage {index + 1}</legend>
            <label htmlFor={`${s}-name`}>Name of the stage</label>
            <input
              id={`${s}-name`}
              value={stage.name}
              maxLength={300}
              onChange={(e) => setStage(index, { name: e.target.value })}
              {...control(`stages.${index}.name`)}
            />
            {at(`stages.${index}.name`)}
            <label htmlFor={`${s}-kind`}>Kind</label>
            <select
              id={`${s}-kind`}
              value={stage.kind}
              onChange={(e) => setStage(index, { kind: e.target.value as Kind })}
            >
              {(Object.keys(KIND_WORDS) as Kind[]).map((k) => (
                <option key={k} value={k}>
                  {KIND_WORDS[k]}
                </option>
              ))}
            </select>
            <fieldset {...control(`stages.${index}.approverUserIds`)}>
              <legend>Approvers</legend>
              {principals.length === 0 ? (
                <p className="hint">
                  {stage.kind === 'countersignature'
                    ? 'Choose the recipients first: their principals countersign.'
                    : 'Choose the author parties first: their principals approve.'}
                </p>
              ) : (
                principals.map((m) => (
                  <label key={m.userId} className="check">
                    <input
                      type="checkbox"
                      checked={stage.approverUserIds.includes(m.userId)}
                      onChange={(e) =>
                        setStage(index, { approverUserIds: toggle(stage.approverUserIds, m.userId, e.target.checked) })
                      }
                    />{' '}
                    {m.name}, principal of {names.party(m.partyId!)}
                  </label>
                ))
              )}
              {at(`stages.${index}.approverUserIds`)}
            </fieldset>
            <label htmlFor={`${s}-mode`}>With several approvers</label>
            <select
              id={`${s}-mode`}
              value={stage.mode}
              onChange={(e) => setStage(index, { mode: e.target.value as Mode })}
            >
              {(Object.keys(MODE_WORDS) as Mode[]).map((m) => (
                <option key={m} value={m}>
                  {MODE_WORDS[m]}
                </option>
              ))}
            </select>
            <label htmlFor={`${s}-deadline`}>
              Deadline (optional) <span className="zone">— in your time zone, {zone}</span>
            </label>
            <input
              id={`${s}-deadline`}
              type="datetime-local"
              value={stage.deadline}
              onChange={(e) => setStage(index, { deadline: e.target.value })}
              {...control(`stages.${index}.deadline`)}
            />
            {stage.deadline ? (
              <p className="hint" data-testid="deadline-words">
                {whenWithZone(localToIso(stage.deadline) ?? '')}
              </p>
            ) : null}
            {at(`stages.${index}.deadline`)}
            {at(`stages.${index}`)}
            {draft.stages.length > 1 ? (
              <button
                type="button"
                className="small"
                onClick={() => set({ stages: draft.stages.filter((_, i) => i !== index) })}
              >
                Remove stage {index + 1}
              </button>
            ) : null}
          </fieldset>
        );
      })}
      <button
        type="button"
        className="small"
        onClick={() => set({ stages: [...draft.stages, { ...blankStage(0), id: nextStageId() }] })}
      >
        Add a stage
      </button>
      {at('stages')}
      <fieldset {...control('lateDecisions')}>
        <legend>After a deadline</legend>
        <label className="check">
          <input
            type="radio"
            name={`${f}-late`}
            checked={draft.lateDecisions === 'allowed'}
            onChange={() => set({ lateDecisions: 'allowed' })}
          />{' '}
          A decision still counts, marked late
        </label>
        <label className="check">
          <input
            type="radio"
            name={`${f}-late`}
            checked={draft.lateDecisions === 'refused'}
            onChange={() => set({ lateDecisions: 'refused' })}
          />{' '}
          A decision is refused
        </label>
        {at('lateDecisions')}
      </fieldset>
      {stale ? (
        <StaleNotice
          what={`The rule “${stale.name}”`}
          busy={save.isPending}
          onReapply={() => save.mutate({ draft: reapply(draftOf(stale), stale.revision), revision: stale.revision })}
          onTakeCurrent={() => {
            takeCurrent(draftOf(stale), stale.revision);
            save.reset();
          }}
        >
          <RuleTerms terms={stale} names={names} />
          {stale.pendingChange ? <p>A change to it now awaits its principals&rsquo; consent.</p> : null}
        </StaleNotice>
      ) : null}
      {problems.general}
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? 'Sending…' : rule ? 'Propose the change' : 'Make the rule'}
        </button>
        {rule ? (
          <button
            type="button"
            className="danger"
            disabled={save.isPending}
            onClick={() => save.mutate({ draft, revision, remove: true })}
          >
            Propose removing the rule
          </button>
        ) : null}
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
