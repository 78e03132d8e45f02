import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, describeError, unwrap } from '../api/client';
import type { paths } from '../api/openapi';
import {
  keys,
  useParties,
  useRounds,
  useSeat,
  useStatements,
  useVersions,
  type Party,
  type Round,
  type Statement,
  type Version,
} from '../api/queries';
import { RetractStatement } from '../components/RetractStatement';
import { Await } from '../components/Status';
import { formatDate, formatSpan, partyNamer, pointNamer } from '../components/dashboardFormat';
import './Rounds.css';

type Namer = (id: string | null | undefined) => string;
type RoundBody = paths['/api/negotiations/{id}/rounds']['post']['requestBody']['content']['application/json'];
type StatementBody = paths['/api/negotiations/{id}/statements']['post']['requestBody']['content']['application/json'];

const STANCE_WORDS: Record<Statement['stance'], string> = {
  supports: 'supports',
  opposes: 'opposes',
  mixed: 'mixed',
  neutral: 'neutral',
};
const STANCE_CLASS: Record<Statement['stance'], string> = {
  supports: 'support',
  opposes: 'oppose',
  mixed: 'amend',
  neutral: '',
};

/** Rounds of talks, as a timeline, and the feed of public statements; mediators record both. */
export default function RoundsPage({ id }: { id: string }) {
  const seat = useSeat(id);
  const parties = useParties(id);
  const versions = useVersions(id);
  const partyName = partyNamer(parties.data);
  const pointName = pointNamer(versions.data);
  const mediator = seat.data?.isMediator ?? false;
  return (
    <div className="rounds-page">
      <h1>Rounds and statements</h1>
      <div className="rounds-columns">
        <section aria-labelledby="rounds-timeline">
          <h2 id="rounds-timeline">Rounds of talks</h2>
          {mediator ? (
            <RoundForm id={id} parties={parties.data ?? []} versions={versions.data ?? []} pointName={pointName} />
          ) : null}
          <Timeline id={id} partyName={partyName} pointName={pointName} versions={versions.data} />
        </section>
        <section aria-labelledby="rounds-statements">
          <h2 id="rounds-statements">Public statements</h2>
          {mediator ? (
            <StatementForm id={id} parties={parties.data ?? []} versions={versions.data ?? []} pointName={pointName} />
          ) : null}
          <Feed id={id} partyName={partyName} pointName={pointName} mediator={mediator} />
        </section>
      </div>
    </div>
  );
}

function Timeline({
  id,
  partyName,
  pointName,
  versions,
}: {
  id: string;
  partyName: Namer;
  pointName: (id: string) => string;
  versions: Version[] | undefined;
}) {
  const [cancelled, setCancelled] = useState(false);
  const rounds = useRounds(id, cancelled);
  const label = (versionId: string | null) =>
    versionId ? (versions?.find((v) => v.id === versionId)?.label ?? versionId) : null;
  return (
    <>
      <label className="rounds-toggle">
        <input type="checkbox" checked={cancelled} onChange={(e) => setCancelled(e.target.checked)} /> Show cancelled
        rounds
      </label>
      <Await query={rounds} what="the rounds">
        {(list) =>
          list.length === 0 ? (
            <p className="hint">No round has been recorded yet.</p>
          ) : (
            <ol className="timeline" data-testid="timeline">
              {[...list]
                .sort((a, b) => a.startsOn.localeCompare(b.startsOn))
                .map((round) => (
                  <RoundItem key={round.id} round={round} partyName={partyName} pointName={pointName} label={label} />
                ))}
            </ol>
          )
        }
      </Await>
    </>
  );
}

function RoundItem({
  round,
  partyName,
  pointName,
  label,
}: {
  round: Round;
  partyName: Namer;
  pointName: (id: string) => string;
  label: (id: string | null) => string | null;
}) {
  return (
    <li className={`card timeline-item${round.cancelledAt ? ' cancelled' : ''}`}>
      <h3>
        {round.title} {round.cancelledAt ? <span className="badge stale">cancelled</span> : null}
      </h3>
      <p className="hint">
        <time dateTime={round.startsOn}>{formatSpan(round.startsOn, round.endsOn)}</time>
        {round.place ? ` · ${round.place}` : ''}
      </p>
      <dl className="round-facts">
        {round.participants.length > 0 ? (
          <>
            <dt>Participants</dt>
            <dd>
              <ul>
                {round.participants.map((p) => (
                  <li key={p.partyId}>
                    <strong>{partyName(p.partyId)}</strong>
                    {p.people.length > 0 ? `: ${p.people.join(', ')}` : ''}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
        {round.agendaPointIds.length > 0 ? (
          <>
            <dt>Agenda</dt>
            <dd>{round.agendaPointIds.map(pointName).join('; ')}</dd>
          </>
        ) : null}
        {label(round.versionId) ? (
          <>
            <dt>Text discussed</dt>
            <dd>{label(round.versionId)}</dd>
          </>
        ) : null}
        {label(round.outcomeVersionId) ? (
          <>
            <dt>Text produced</dt>
            <dd>{label(round.outcomeVersionId)}</dd>
          </>
        ) : null}
        {round.outcome ? (
          <>
            <dt>Outcome</dt>
            <dd>{round.outcome}</dd>
          </>
        ) : null}
      </dl>
      {round.statements.length > 0 ? (
        <div>
          <h4>Statements issued</h4>
          {round.statements.map((s) => (
            <figure key={s.id} className="round-statement">
              <figcaption>
                <strong>{s.title}</strong> · {formatDate(s.date)}
                {s.signatoryPartyIds.length > 0 ? ` · ${s.signatoryPartyIds.map((p) => partyName(p)).join(', ')}` : ''}
              </figcaption>
              <blockquote>{s.text}</blockquote>
              {s.source ? <Source text={s.source} /> : null}
            </figure>
          ))}
        </div>
      ) : null}
      {round.source ? <Source text={round.source} /> : null}
    </li>
  );
}

const hostOf = (address: string) => {
  try {
    return new URL(address).hostname;
  } catch {
    return address;
  }
};

/** A source as recorded: its web addresses as links, the rest as text. */
function Source({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s;,)]+)/g);
  return (
    <p className="hint source">
      Source:{' '}
      {parts.map((part, i) =>
        /^https?:\/\//.test(part) ? (
          <a key={i} href={part} rel="noreferrer noopener" target="_blank">
            {hostOf(part)}
          </a>
        ) : (
          <span key={i}>{part}</span>
        ),
      )}
    </p>
  );
}

function Feed({
  id,
  partyName,
  pointName,
  mediator,
}: {
  id: string;
  partyName: Namer;
  pointName: (id: string) => string;
  mediator: boolean;
}) {
  const statements = useStatements(id);
  const [retracted, setRetracted] = useState('');
  const [speaker, setSpeaker] = useState('');
  const [party, setParty] = useState('');
  const [point, setPoint] = useState('');
  const ids = { speaker: useId(), party: useId(), point: useId() };
  return (
    <Await query={statements} what="the public statements">
      {(list) => {
        const speakers = [...new Set(list.map((s) => s.speaker))].sort();
        const partyIds = [...new Set(list.map((s) => s.partyId ?? ''))].sort();
        const pointIds = [...new Set(list.flatMap((s) => s.pointIds))].sort((a, b) =>
          pointName(a).localeCompare(pointName(b), undefined, { numeric: true }),
        );
        const shown = list
          .filter(
            (s) =>
              (!speaker || s.speaker === speaker) &&
              (!party || (s.partyId ?? '-') === party) &&
              (!point || s.pointIds.includes(point)),
          )
          .sort((a, b) => b.date.localeCompare(a.date));
        return (
          <>
            <div className="row feed-filters" role="group" aria-label="Filter the statements">
              <span>
                <label htmlFor={ids.speaker}>Speaker</label>
                <select id={ids.speaker} value={speaker} onChange={(e) => setSpeaker(e.target.value)}>
                  <option value="">Anyone</option>
                  {speakers.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              </span>
              <span>
                <label htmlFor={ids.party}>Party</label>
                <select id={ids.party} value={party} onChange={(e) => setParty(e.target.value)}>
                  <option value="">Any party</option>
                  {partyIds.map((p) => (
                    <option key={p || '-'} value={p || '-'}>
                      {p ? partyName(p) : 'No party'}
                    </option>
                  ))}
                </select>
              </span>
              <span>
                <label htmlFor={ids.point}>Point</label>
                <select id={ids.point} value={point} onChange={(e) => setPoint(e.target.value)}>
                  <option value="">Any point</option>
                  {pointIds.map((p) => (
                    <option key={p} value={p}>
                      {pointName(p)}
                    </option>
                  ))}
                </select>
              </span>
            </div>
            <p className="hint" aria-live="polite">
              {shown.length} of {list.length} statement{list.length === 1 ? '' : 's'}
            </p>
            <p role="status" className="hint">
              {retracted}
            </p>
            <ul className="feed" data-testid="statements">
              {shown.map((s) => (
                <li key={s.id} className="card">
                  <figure>
                    <blockquote>{s.quote}</blockquote>
                    <figcaption>
                      <strong>{s.speaker}</strong>
                      {s.affiliation ? `, ${s.affiliation}` : ''}
                      {s.partyId ? ` (${partyName(s.partyId)})` : ''} ·{' '}
                      <time dateTime={s.date}>{formatDate(s.date)}</time>{' '}
                      <span className={`badge ${STANCE_CLASS[s.stance]}`}>{STANCE_WORDS[s.stance]}</span>
                    </figcaption>
                  </figure>
                  {s.pointIds.length > 0 ? (
                    <p className="hint">Points: {s.pointIds.map(pointName).join('; ')}</p>
                  ) : null}
                  <Source text={s.source} />
                  {mediator ? <RetractStatement id={id} statement={s} onRetracted={setRetracted} /> : null}
                </li>
              ))}
            </ul>
          </>
        );
      }}
    </Await>
  );
}

/** The points a reader may name, newest numbering first, for the agenda and a statement's points. */
function pointChoices(versions: Version[], pointName: (id: string) => string) {
  const ids = new Set(versions.flatMap((v) => v.points.map((p) => p.id)));
  return [...ids]
    .map((id) => ({ id, name: pointName(id) }))
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}

const selected = (select: HTMLSelectElement) => [...select.selectedOptions].map((o) => o.value);
const today = () => new Date().toISOString().slice(0, 10);

function StatementForm({
  id,
  parties,
  versions,
  pointName,
}: {
  id: string;
  parties: Party[];
  versions: Version[];
  pointName: (id: string) => string;
}) {
  const client = useQueryClient();
  const [done, setDone] = useState<string | null>(null);
  const record = useMutation({
    mutationFn: (body: StatementBody) =>
      unwrap(api.POST('/api/negotiations/{id}/statements', { params: { path: { id } }, body })),
    onSuccess: (statement) => {
      setDone(`Recorded: ${statement.speaker}, ${formatDate(statement.date)}.`);
      void client.invalidateQueries({ queryKey: keys.statements(id).slice(0, 2) });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    setDone(null);
    record.mutate(
      {
        speaker: field('speaker'),
        affiliation: field('affiliation'),
        partyId: field('partyId') || null,
        date: field('date'),
        quote: field('quote'),
        stance: field('stance') as Statement['stance'],
        pointIds: selected(form.elements.namedItem('pointIds') as HTMLSelectElement),
        source: field('source'),
      },
      { onSuccess: () => form.reset() },
    );
  };
  const f = useId();
  return (
    <details className="card record">
      <summary>Record a public statement</summary>
      <form className="form" onSubmit={submit}>
        <label htmlFor={`${f}-speaker`}>Speaker</label>
        <input id={`${f}-speaker`} name="speaker" required maxLength={300} />
        <label htmlFor={`${f}-affiliation`}>Office or affiliation</label>
        <input id={`${f}-affiliation`} name="affiliation" maxLength={300} />
        <label htmlFor={`${f}-party`}>Party</label>
        <select id={`${f}-party`} name="partyId" defaultValue="">
          <option value="">No party</option>
          {parties.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <label htmlFor={`${f}-date`}>Date</label>
        <input id={`${f}-date`} name="date" type="date" required defaultValue={today()} />
        <label htmlFor={`${f}-quote`}>Quote</label>
        <textarea id={`${f}-quote`} name="quote" required rows={3} />
        <label htmlFor={`${f}-stance`}>Stance</label>
        <select id={`${f}-stance`} name="stance" defaultValue="neutral">
          {Object.entries(STANCE_WORDS).map(([value, words]) => (
            <option key={value} value={value}>
              {words}
            </option>
          ))}
        </select>
        <label htmlFor={`${f}-points`}>Points named</label>
        <select id={`${f}-points`} name="pointIds" multiple size={5} aria-describedby={`${f}-points-hint`}>
          {pointChoices(versions, pointName).map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <p className="hint" id={`${f}-points-hint`}>
          Hold Ctrl (⌘ on a Mac) to choose several.
        </p>
        <label htmlFor={`${f}-source`}>Source</label>
        <input
          id={`${f}-source`}
          name="source"
          required
          maxLength={4000}
          placeholder="https://… (where it was said or reported)"
        />
        <button type="submit" className="primary" disabled={record.isPending}>
          {record.isPending ? 'Recording…' : 'Record the statement'}
        </button>
        {record.error ? (
          <p className="error" role="alert">
            Not recorded: {describeError(record.error)}
          </p>
        ) : null}
        {done ? <p role="status">{done}</p> : null}
      </form>
    </details>
  );
}

function RoundForm({
  id,
  parties,
  versions,
  pointName,
}: {
  id: string;
  parties: Party[];
  versions: Version[];
  pointName: (id: string) => string;
}) {
  const client = useQueryClient();
  const [done, setDone] = useState<string | null>(null);
  const record = useMutation({
    mutationFn: (body: RoundBody) =>
      unwrap(api.POST('/api/negotiations/{id}/rounds', { params: { path: { id } }, body })),
    onSuccess: (round) => {
      setDone(`Recorded: ${round.title}, ${formatDate(round.startsOn)}.`);
      void client.invalidateQueries({ queryKey: ['rounds', id] });
      void client.invalidateQueries({ queryKey: keys.progress(id) });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim();
    const statementText = field('statementText');
    setDone(null);
    record.mutate(
      {
        title: field('title'),
        startsOn: field('startsOn'),
        endsOn: field('endsOn') || null,
        place: field('place'),
        participants: parties
          .map((p) => ({
            partyId: p.id,
            people: field(`people-${p.id}`)
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
            present: (form.elements.namedItem(`present-${p.id}`) as HTMLInputElement).checked,
          }))
          .filter((p) => p.present || p.people.length > 0)
          .map(({ partyId, people }) => ({ partyId, people })),
        agendaPointIds: selected(form.elements.namedItem('agenda') as HTMLSelectElement),
        versionId: field('versionId') || null,
        outcomeVersionId: field('outcomeVersionId') || null,
        outcome: field('outcome'),
        statements: statementText
          ? [
              {
                id: `rs-${Date.now().toString(36)}`,
                title: field('statementTitle') || 'Joint statement',
                date: field('statementDate') || field('startsOn'),
                text: statementText,
                signatoryPartyIds: selected(form.elements.namedItem('signatories') as HTMLSelectElement),
                source: field('statementSource') || null,
              },
            ]
          : [],
        source: field('source') || null,
      },
      { onSuccess: () => form.reset() },
    );
  };
  const f = useId();
  const versionOptions = (
    <>
      <option value="">None</option>
      {versions.map((v) => (
        <option key={v.id} value={v.id}>
          {v.label}
        </option>
      ))}
    </>
  );
  return (
    <details className="card record">
      <summary>Record a round</summary>
      <form className="form" onSubmit={submit}>
        <label htmlFor={`${f}-title`}>Title</label>
        <input id={`${f}-title`} name="title" required maxLength={300} />
        <div className="row">
          <span>
            <label htmlFor={`${f}-starts`}>From</label>
            <input id={`${f}-starts`} name="startsOn" type="date" required defaultValue={today()} />
          </span>
          <span>
            <label htmlFor={`${f}-ends`}>To</label>
            <input id={`${f}-ends`} name="endsOn" type="date" />
          </span>
        </div>
        <label htmlFor={`${f}-place`}>Place</label>
        <input id={`${f}-place`} name="place" maxLength={300} />
        <fieldset>
          <legend>Participants</legend>
          {parties.map((p) => (
            <div key={p.id} className="participant">
              <label className="record-present">
                <input type="checkbox" name={`present-${p.id}`} /> {p.name}
              </label>
              <input
                name={`people-${p.id}`}
                aria-label={`People of ${p.name}, separated by commas`}
                placeholder="names, separated by commas"
              />
            </div>
          ))}
        </fieldset>
        <label htmlFor={`${f}-agenda`}>Agenda</label>
        <select id={`${f}-agenda`} name="agenda" multiple size={5}>
          {pointChoices(versions, pointName).map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <label htmlFor={`${f}-version`}>Text discussed</label>
        <select id={`${f}-version`} name="versionId" defaultValue="">
          {versionOptions}
        </select>
        <label htmlFor={`${f}-outcome-version`}>Text produced</label>
        <select id={`${f}-outcome-version`} name="outcomeVersionId" defaultValue="">
          {versionOptions}
        </select>
        <label htmlFor={`${f}-outcome`}>Outcome</label>
        <textarea id={`${f}-outcome`} name="outcome" rows={3} />
        <fieldset>
          <legend>Joint statement (optional)</legend>
          <label htmlFor={`${f}-st-title`}>Title</label>
          <input id={`${f}-st-title`} name="statementTitle" maxLength={300} placeholder="Joint statement" />
          <label htmlFor={`${f}-st-date`}>Date</label>
          <input id={`${f}-st-date`} name="statementDate" type="date" />
          <label htmlFor={`${f}-st-text`}>Text</label>
          <textarea id={`${f}-st-text`} name="statementText" rows={3} />
          <label htmlFor={`${f}-st-signatories`}>Signed by</label>
          <select id={`${f}-st-signatories`} name="signatories" multiple size={4}>
            {parties.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <label htmlFor={`${f}-st-source`}>Its source</label>
          <input id={`${f}-st-source`} name="statementSource" maxLength={4000} />
        </fieldset>
        <label htmlFor={`${f}-source`}>Source of the record</label>
        <input id={`${f}-source`} name="source" maxLength={4000} />
        <button type="submit" className="primary" disabled={record.isPending}>
          {record.isPending ? 'Recording…' : 'Record the round'}
        </button>
        {record.error ? (
          <p className="error" role="alert">
            Not recorded: {describeError(record.error)}
          </p>
        ) : null}
        {done ? <p role="status">{done}</p> : null}
      </form>
    </details>
  );
}
