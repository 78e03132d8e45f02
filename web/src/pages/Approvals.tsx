import * as Dialog from '@radix-ui/react-dialog';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useSearchParams } from 'wouter';
import { api, describeError, unwrap } from '../api/client';
import {
  keys,
  useApprovals,
  useDocument,
  useMembers,
  useParties,
  useRules,
  useSeat,
  useVersions,
  type Party,
  type Rule,
  type Seat,
  type TextApprovals,
  type Version,
} from '../api/queries';
import { useSession } from '../session';
import { Await, Loading } from '../components/Status';
import { deadlinePassed, deadlineText } from '../components/dashboardFormat';
import './Approvals.css';

type RuleState = TextApprovals['rules'][number];
type StageStatus = RuleState['status']['stages'][number];
type Approval = RuleState['approvals'][number];
type Decision = Approval['decision'];

const when = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';

const STAGE_WORDS: Record<StageStatus['state'], string> = {
  waiting: 'waiting for the stage before',
  pending: 'open',
  overdue: 'overdue',
  approved: 'approved',
  rejected: 'refused',
  sent_back: 'sent back for revision',
};
const STAGE_BADGE: Record<StageStatus['state'], string> = {
  waiting: 'stale',
  pending: 'amend',
  overdue: 'overdue',
  approved: 'support',
  rejected: 'oppose',
  sent_back: 'amend',
};
const RULE_WORDS: Record<RuleState['status']['state'], [string, string]> = {
  in_progress: ['in progress', 'amend'],
  approved: ['approved', 'support'],
  rejected: ['refused', 'oppose'],
  sent_back: ['sent back for revision', 'amend'],
};
/** A decision in words, and its badge: colour is never the only signal. */
const DECISION_WORDS: Record<Decision, [string, string]> = {
  approve: ['approved', 'support'],
  reject: ['refused', 'oppose'],
  send_back: ['sent back', 'amend'],
};
const DECISION_VERB: Record<Decision, string> = {
  approve: 'Approve this text…',
  reject: 'Refuse this text…',
  send_back: 'Send back for revision…',
};

interface Names {
  person: (userId: string) => string;
  party: (partyId: string) => string;
}

/** For one version the reader sees: the rules that govern it, who decided, who is awaited, and its sending. */
export default function ApprovalsPage({ id }: { id: string }) {
  const versions = useVersions(id);
  const current = useDocument(id);
  const members = useMembers(id);
  const parties = useParties(id);
  const seat = useSeat(id);
  const [search, setSearch] = useSearchParams();
  const pickerId = useId();
  const names: Names = {
    // Names, never ids: someone no longer seated is said so.
    person: (userId) => members.data?.find((m) => m.userId === userId)?.name || 'a former member',
    party: (partyId) => parties.data?.find((p) => p.id === partyId)?.name ?? 'a former party',
  };
  return (
    <section aria-labelledby="approvals-title">
      <h1 id="approvals-title">Approvals and sending</h1>
      <Await query={versions} what="the versions">
        {(list) => {
          if (list.length === 0) return <p className="status">You have received no version of the text yet.</p>;
          const asked = search.get('version');
          // Without a version in the address, the current text is the default: wait for it.
          if (!asked && current.isPending) return <Loading what="the current text" />;
          const version =
            list.find((v) => v.id === asked) ?? list.find((v) => v.id === current.data?.id) ?? list[list.length - 1]!;
          return (
            <>
              {asked && asked !== version.id ? (
                <p className="error" role="alert">
                  You have no version &ldquo;{asked}&rdquo;; showing {version.label} instead.
                </p>
              ) : null}
              <div className="approvals-picker">
                <label htmlFor={pickerId}>Version</label>
                <select
                  id={pickerId}
                  value={version.id}
                  onChange={(e) => {
                    const next = new URLSearchParams(search);
                    next.set('version', e.target.value);
                    setSearch(next);
                  }}
                >
                  {list.map((v) => (
                    <option key={v.id} value={v.id}>
                      {v.label} — {v.authorPartyId ? names.party(v.authorPartyId) : 'the table'}
                      {v.id === current.data?.id ? ' (current)' : ''}
                    </option>
                  ))}
                </select>
              </div>
              <VersionApprovals
                id={id}
                version={version}
                versions={list}
                names={names}
                seat={seat.data}
                parties={parties.data ?? []}
              />
            </>
          );
        }}
      </Await>
    </section>
  );
}

function VersionApprovals({
  id,
  version,
  versions,
  names,
  seat,
  parties,
}: {
  id: string;
  version: Version;
  versions: Version[];
  names: Names;
  seat?: Seat;
  parties: Party[];
}) {
  const approvals = useApprovals(id, version.id);
  const rules = useRules(id);
  return (
    <>
      <div className="card approvals-text">
        <h2>{version.label}</h2>
        <p className="approvals-hash">
          Content hash: <code data-testid="content-hash">{version.contentHash ?? 'withheld from you'}</code>
        </p>
        {version.separateFormat ? <p className="hint">{version.separateFormat.note}.</p> : null}
        {version.withdrawnAt ? (
          <p>
            <span className="badge stale">withdrawn</span> on {when(version.withdrawnAt)}
          </p>
        ) : null}
        <Transmissions version={version} names={names} />
      </div>
      <Await query={approvals} what="the approvals">
        {(state) =>
          state.rules.length === 0 ? (
            <p className="status">No transmission rule governs this text: its author party sends it as it sees fit.</p>
          ) : (
            <>
              <h2>Rules that govern this text</h2>
              {state.rules.map((ruleState) => (
                <RuleCard
                  key={ruleState.ruleId}
                  id={id}
                  version={version}
                  state={ruleState}
                  rule={rules.data?.find((r) => r.id === ruleState.ruleId)}
                  names={names}
                  label={(versionId) => versions.find((v) => v.id === versionId)?.label ?? 'an earlier version'}
                />
              ))}
            </>
          )
        }
      </Await>
      {seat ? <SendForm id={id} version={version} seat={seat} parties={parties} /> : null}
    </>
  );
}

/** When the text reached each party the reader may know of. */
function Transmissions({ version, names }: { version: Version; names: Names }) {
  const sent = version.transmissions ?? [];
  if (sent.length === 0) return null;
  return (
    <div className="approvals-transmissions">
      <h3>Received by</h3>
      <ul data-testid="transmissions">
        {sent.map((t) => (
          <li key={t.partyId}>
            <strong>{names.party(t.partyId)}</strong> {t.partyId === version.authorPartyId ? '(author) on ' : 'on '}
            <time dateTime={t.at}>{when(t.at)}</time>
          </li>
        ))}
      </ul>
    </div>
  );
}

function RuleCard({
  id,
  version,
  state,
  rule,
  names,
  label,
}: {
  id: string;
  version: Version;
  state: RuleState;
  rule?: Rule;
  names: Names;
  label: (versionId: string) => string;
}) {
  const { user } = useSession();
  const [word, badge] = RULE_WORDS[state.status.state];
  return (
    <article className="card approvals-rule" aria-labelledby={`rule-${state.ruleId}`} data-testid="rule">
      <div className="row">
        <h3 id={`rule-${state.ruleId}`}>{state.ruleName}</h3>
        <span className={`badge ${badge}`}>{word}</span>
        {state.status.cleared && state.status.state !== 'approved' ? (
          <span className="badge support">cleared to go out</span>
        ) : null}
        {state.status.signedAt ? <span className="badge support">signed {when(state.status.signedAt)}</span> : null}
      </div>
      {rule?.description ? <p className="hint">{rule.description}</p> : null}
      <Cleared state={state} rule={rule} names={names} />
      <ul className="approvals-governs">
        {state.governs.map((g) => (
          <li key={g.partyId}>
            Holds this text back from <strong>{names.party(g.partyId)}</strong>: {g.reason}
          </li>
        ))}
      </ul>
      <ol className="approvals-stages">
        {state.status.stages.map((stage, index) => {
          const terms = rule?.stages.find((s) => s.id === stage.stageId);
          // A sent-back stage stays open: its principals may still decide on this text.
          const open =
            state.status.currentStageId === stage.stageId &&
            (state.status.state === 'in_progress' || state.status.state === 'sent_back');
          const mine = open && !!user && (terms?.approverUserIds.includes(user.id) ?? stage.awaiting.includes(user.id));
          return (
            <Stage
              key={stage.stageId}
              index={index}
              stage={stage}
              countersignature={terms?.kind === 'countersignature'}
              mode={terms?.mode}
              approvals={state.approvals.filter((a) => a.stageId === stage.stageId)}
              names={names}
              decide={
                mine ? { id, version, ruleId: state.ruleId, userId: user.id, approvals: state.approvals } : undefined
              }
            />
          );
        })}
      </ol>
      {state.void.length > 0 ? (
        <details className="approvals-void">
          <summary>
            {state.void.length === 1 ? '1 decision' : `${state.void.length} decisions`} on an earlier text, void for
            this one
          </summary>
          <ul>
            {state.void.map((a) => (
              <li key={a.id}>
                <span className="badge stale">void</span> {names.person(a.userId)} {DECISION_WORDS[a.decision][0]}{' '}
                {label(a.versionId)} on {when(a.at)}
                {a.contentHash ? (
                  <>
                    {' '}
                    (content hash <code>{a.contentHash.slice(0, 12)}…</code>)
                  </>
                ) : null}
                : the text changed since.
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </article>
  );
}

/**
 * When the stages before any countersignature are approved, the decision that cleared the text
 * released it, in the same step, to the parties the rule held it back from (unless another rule
 * still holds it): said with the name and time of that decision. It is the decision that completed
 * the last of those stages (the last approval at an `all` stage, the first at an `any` stage), never
 * the receiving party's countersignature, which comes after.
 */
function Cleared({ state, rule, names }: { state: RuleState; rule?: Rule; names: Names }) {
  if (!state.status.cleared || !rule) return null;
  const clearing = clearingDecision(state, rule);
  if (!clearing) return null;
  const to = state.governs.map((g) => names.party(g.partyId)).join(', ');
  return (
    <p className="approvals-cleared" data-testid="cleared">
      <span className="badge support">released</span> Cleared by the approval of {names.person(clearing.userId)} on{' '}
      <time dateTime={clearing.at}>{when(clearing.at)}</time>: from then on the text goes to {to}, unless another rule
      still holds it back.
    </p>
  );
}

/** The approval that completed the last stage before any countersignature. */
function clearingDecision(state: RuleState, rule: Pick<Rule, 'stages'>): Approval | undefined {
  const gating = rule.stages.filter((stage) => stage.kind !== 'countersignature');
  const last = gating[gating.length - 1];
  if (!last) return undefined;
  // Each person's latest decision at that stage counts (the decisions come oldest first).
  const latest = new Map<string, Approval>();
  for (const a of state.approvals) if (a.stageId === last.id) latest.set(a.userId, a);
  const approvals = [...latest.values()]
    .filter((a) => a.decision === 'approve')
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return last.mode === 'any' ? approvals[0] : approvals[approvals.length - 1];
}

function Stage({
  index,
  stage,
  countersignature,
  mode,
  approvals,
  names,
  decide,
}: {
  index: number;
  stage: StageStatus;
  countersignature: boolean;
  mode?: 'all' | 'any';
  approvals: Approval[];
  names: Names;
  decide?: { id: string; version: Version; ruleId: string; userId: string; approvals: Approval[] };
}) {
  // The latest decision of each person on this stage: a later one replaces an earlier one.
  const latest = new Map<string, Approval>();
  for (const a of approvals) latest.set(a.userId, a);
  const overdue = stage.state === 'overdue';
  // A date alone is the end of that day (wherever it is still that day): not passed during it.
  const passed = stage.deadline !== null && deadlinePassed(stage.deadline);
  const myDecision = decide ? latest.get(decide.userId)?.decision : undefined;
  return (
    <li className={`approvals-stage stage-${stage.state}`} data-testid="stage">
      <div className="row">
        <strong>
          Stage {index + 1}: {stage.name}
        </strong>
        {countersignature ? <span className="badge">countersignature by the receiving party</span> : null}
        <span className={`badge ${STAGE_BADGE[stage.state]}`}>{STAGE_WORDS[stage.state]}</span>
        {mode ? <span className="hint">{mode === 'all' ? 'all of them must approve' : 'any one of them'}</span> : null}
      </div>
      {stage.deadline ? (
        <p className="approvals-deadline">
          Deadline: <time dateTime={stage.deadline}>{deadlineText(stage.deadline)}</time>{' '}
          {overdue ? <span className="badge overdue">overdue</span> : passed ? '(passed)' : null}
        </p>
      ) : null}
      {latest.size > 0 ? (
        <ul className="approvals-decisions" aria-label={`Decisions at stage ${index + 1}`}>
          {[...latest.values()].map((a) => (
            <li key={a.id} data-testid="decision">
              <span className={`badge ${DECISION_WORDS[a.decision][1]}`}>{DECISION_WORDS[a.decision][0]}</span>{' '}
              {names.person(a.userId)}, <time dateTime={a.at}>{when(a.at)}</time>
              {a.late ? (
                <>
                  {' '}
                  <span className="badge overdue">late</span>
                </>
              ) : null}
              {a.comment ? (
                <span className="approvals-comment">
                  {a.decision === 'send_back' ? ' — what to revise: ' : ': '}&ldquo;{a.comment}&rdquo;
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {stage.state === 'sent_back' ? (
        <p className="approvals-sent-back" data-testid="sent-back">
          Sent back for revision by {stage.sentBackBy.map(names.person).join(', ')}: the text does not go out. Write a
          revised text and ask for approval again{mode === 'any' ? ', or another principal may approve this one' : ''}.
        </p>
      ) : null}
      {stage.awaiting.length > 0 ? (
        <p data-testid="awaiting">
          {stage.state === 'waiting' ? 'Will be asked of' : 'Awaiting'}: {stage.awaiting.map(names.person).join(', ')}
        </p>
      ) : null}
      {decide ? (
        <div className="row approvals-actions">
          {myDecision !== 'approve' ? <DecisionDialog decision="approve" stage={stage} {...decide} /> : null}
          {myDecision !== 'reject' ? <DecisionDialog decision="reject" stage={stage} {...decide} /> : null}
          {/* A countersignature is given or not: the receiving party sends nothing back. */}
          {myDecision !== 'send_back' && !countersignature ? (
            <DecisionDialog decision="send_back" stage={stage} {...decide} />
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

/** A principal's decision on the exact text, confirmed in a dialog that names the text's hash. */
function DecisionDialog({
  id,
  version,
  ruleId,
  stage,
  decision,
}: {
  id: string;
  version: Version;
  ruleId: string;
  stage: StageStatus;
  decision: Decision;
}) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const commentId = useId();
  const verb = { approve: 'Approve', reject: 'Refuse', send_back: 'Send back' }[decision];
  // A send-back asks for a revision: its comment says what to revise.
  const needsComment = decision === 'send_back';
  const hash = version.contentHash;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!hash) return;
    if (needsComment && comment.trim() === '') {
      setError('Say what to revise: a send-back needs a comment.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await unwrap(
        api.POST('/api/negotiations/{id}/versions/{itemId}/approvals', {
          params: { path: { id, itemId: version.id } },
          body: { ruleId, stageId: stage.stageId, decision, comment, contentHash: hash },
        }),
      );
      client.setQueryData(keys.approvals(id, version.id), answer);
      // The last approval may have sent the text on: the versions and what depends on them change.
      await Promise.all([
        client.invalidateQueries({ queryKey: ['approvals', id] }),
        client.invalidateQueries({ queryKey: ['versions', id] }),
      ]);
      setOpen(false);
      setComment('');
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setError(null);
      }}
    >
      <Dialog.Trigger asChild>
        <button type="button" className={decision === 'approve' ? 'primary approvals-decide' : 'approvals-decide'}>
          {DECISION_VERB[decision]}
        </button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog-content">
          <Dialog.Title>
            {needsComment ? `Send ${version.label} back for revision` : `${verb} ${version.label}`}
          </Dialog.Title>
          <Dialog.Description>
            At stage &ldquo;{stage.name}&rdquo;. Your decision is bound to this exact text, whose content hash is{' '}
            <code className="approvals-hash-full">{hash ?? 'withheld'}</code>. Any edit makes it another text, which
            needs a decision of its own.
            {needsComment
              ? ' Sending it back holds it back like a refusal until a revised text is approved, or until you approve this one after all.'
              : null}
          </Dialog.Description>
          {hash ? (
            <form className="form" onSubmit={submit}>
              <label htmlFor={commentId}>
                {needsComment
                  ? 'What to revise (required, seen only by your own party)'
                  : 'Comment (optional, seen only by your own party)'}
              </label>
              <textarea
                id={commentId}
                rows={3}
                value={comment}
                required={needsComment}
                aria-required={needsComment}
                onChange={(e) => {
                  setComment(e.target.value);
                  if (needsComment) setError(null);
                }}
              />
              {error ? (
                <p className="error" role="alert">
                  {error}
                </p>
              ) : null}
              <div className="row">
                <button type="submit" className="primary" disabled={busy}>
                  {busy ? 'Recording…' : needsComment ? 'Send this exact text back' : `${verb} this exact text`}
                </button>
                <Dialog.Close asChild>
                  <button type="button" className="approvals-cancel">
                    Cancel
                  </button>
                </Dialog.Close>
              </div>
            </form>
          ) : (
            <p className="error" role="alert">
              {version.separateFormat
                ? `Point${version.separateFormat.pointNumbers.length === 1 ? '' : 's'} ${version.separateFormat.pointNumbers.join(', ')} of this text ${version.separateFormat.pointNumbers.length === 1 ? 'is' : 'are'} negotiated in a separate format you are not part of, so you cannot decide on it as a whole: a principal of a party in that format decides on it.`
                : 'Some points of this text are withheld from you, so you cannot decide on it as a whole.'}
            </p>
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** Sending the version on: only the author party's principal or lead (a mediator for a text of the table). */
function SendForm({ id, version, seat, parties }: { id: string; version: Version; seat: Seat; parties: Party[] }) {
  const client = useQueryClient();
  const [chosen, setChosen] = useState<string[]>([]);
  const [toMediators, setToMediators] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [held, setHeld] = useState<{ partyId: string; partyName: string; reason: string }[]>([]);
  const [busy, setBusy] = useState(false);
  const mayNotSend =
    version.authorPartyId === null ? !seat.isMediator : !seat.sendingPartyIds.includes(version.authorPartyId);
  if (mayNotSend || version.withdrawnAt) return null;
  const others = parties.filter((p) => p.id !== version.authorPartyId && !version.recipientPartyIds.includes(p.id));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    setHeld([]);
    try {
      const { sentTo, heldBack, ...answer } = await unwrap(
        api.POST('/api/negotiations/{id}/versions/{itemId}/transmit', {
          params: { path: { id, itemId: version.id } },
          body: { partyIds: chosen, toMediators },
        }),
      );
      client.setQueryData(keys.version(id, version.id), answer);
      await Promise.all([
        client.invalidateQueries({ queryKey: ['versions', id] }),
        client.invalidateQueries({ queryKey: ['approvals', id] }),
      ]);
      // Said by name: who received it now, and who the rules still hold it back from.
      const reached = sentTo.map((p) => p.partyName);
      setDone(
        reached.length || toMediators
          ? `Sent ${version.label}${reached.length ? ` to ${reached.join(', ')}` : ''}${toMediators ? `${reached.length ? ' and' : ''} to the mediators` : ''}.`
          : `${version.label} went to no one new: every party you chose has it already.`,
      );
      setHeld(heldBack);
      setChosen([]);
      setToMediators(false);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card form approvals-send" onSubmit={submit} aria-labelledby="send-title">
      <h2 id="send-title">Send this text</h2>
      {others.length === 0 && !version.internal ? (
        <p className="status">Every party of the negotiation has this text already.</p>
      ) : (
        <>
          <fieldset>
            <legend>To the parties that have not received it</legend>
            {others.map((p) => (
              <label key={p.id} className="approvals-check">
                <input
                  type="checkbox"
                  checked={chosen.includes(p.id)}
                  onChange={(e) => setChosen(e.target.checked ? [...chosen, p.id] : chosen.filter((x) => x !== p.id))}
                />{' '}
                {p.name}
              </label>
            ))}
            {version.internal ? (
              <label className="approvals-check">
                <input type="checkbox" checked={toMediators} onChange={(e) => setToMediators(e.target.checked)} /> Share
                with the mediators
              </label>
            ) : null}
          </fieldset>
          <p className="hint">
            The negotiation&rsquo;s rules decide, by the text&rsquo;s content, who may have it yet.
          </p>
          {error ? (
            <p className="error" role="alert" data-testid="send-refusal">
              {error}
            </p>
          ) : null}
          {done ? (
            <p role="status" className="approvals-sent" data-testid="send-done">
              {done}
            </p>
          ) : null}
          {held.length > 0 ? (
            <div className="error approvals-held" role="alert" data-testid="send-held">
              <p>Held back from {held.map((h) => h.partyName).join(', ')}: the rules do not let it go there yet.</p>
              <ul>
                {held.map((h) => (
                  <li key={h.partyId}>
                    <strong>{h.partyName}</strong>: {h.reason}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <button type="submit" className="primary" disabled={busy || (chosen.length === 0 && !toMediators)}>
            {busy ? 'Sending…' : 'Send'}
          </button>
        </>
      )}
    </form>
  );
}
