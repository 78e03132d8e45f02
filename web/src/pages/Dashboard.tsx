import { lazy, Suspense } from 'react';
import { Link } from 'wouter';
import {
  useApprovals,
  useDocumentWhen,
  useMembers,
  useNegotiation,
  useParties,
  useProgress,
  useRedLineReport,
  useRounds,
  useSeat,
  useUtilities,
  useVersions,
  type Progress,
  type RedLineReport,
  type Round,
  type Seat,
  type Utilities,
  type Version,
} from '../api/queries';
import { Await, Failure, Loading } from '../components/Status';
import { deadlinePassed, deadlineText, formatDate, formatSpan, partyNamer } from '../components/dashboardFormat';
import './Dashboard.css';

// uPlot is loaded only when the chart is drawn: the first page stays small.
const ProgressChart = lazy(() => import('../components/ProgressChart'));

type Namer = (id: string | null | undefined) => string;

/** Where things stand: the current text, what waits for approval, the last round, red lines, progress. */
export function DashboardPage({ id }: { id: string }) {
  const negotiation = useNegotiation(id);
  const seat = useSeat(id);
  const versions = useVersions(id);
  // The current version is usually among the versions the reader has; the document is asked for
  // only when it is not (then the newest text the reader received stands in for it).
  const currentId = negotiation.data?.currentVersionId ?? null;
  const listed = versions.data?.find((v) => v.id === currentId);
  const fallback = useDocumentWhen(id, versions.isSuccess && !listed);
  const current = listed
    ? { data: listed, error: null, isPending: false }
    : versions.error
      ? { data: undefined, error: versions.error, isPending: false }
      : fallback;
  const parties = useParties(id);
  const name = partyNamer(parties.data);
  return (
    <div className="dashboard">
      <h1>Where things stand</h1>
      <div className="grid">
        <section className="card" aria-labelledby="dash-current">
          <h2 id="dash-current">Current version</h2>
          <Await query={current} what="the current version">
            {(version) => (
              <CurrentVersion
                version={version}
                currentId={negotiation.data?.currentVersionId ?? null}
                seat={seat.data}
                name={name}
              />
            )}
          </Await>
        </section>
        <section className="card" aria-labelledby="dash-approvals">
          <h2 id="dash-approvals">Open approvals</h2>
          <Await query={versions} what="the versions">
            {(list) => <OpenApprovals id={id} versions={list} name={name} />}
          </Await>
        </section>
        <section className="card" aria-labelledby="dash-round">
          <h2 id="dash-round">Last round</h2>
          <LastRound id={id} name={name} versions={versions.data} />
        </section>
        <section className="card" aria-labelledby="dash-red-lines">
          <h2 id="dash-red-lines">Red lines the current draft crosses</h2>
          {current.data ? (
            <RedLines id={id} version={current.data} name={name} />
          ) : current.isPending ? (
            <Loading what="the red lines" />
          ) : (
            <p className="hint">There is no draft to check yet.</p>
          )}
        </section>
      </div>
      <section className="card" aria-labelledby="dash-progress">
        <h2 id="dash-progress">Progress over the rounds</h2>
        <ProgressPanel id={id} versions={versions.data} />
      </section>
      <section className="card" aria-labelledby="dash-utilities">
        <h2 id="dash-utilities">
          {seat.data?.isMediator ? 'What each version is worth to the parties' : 'Your utility of each version'}
        </h2>
        <UtilitiesPanel id={id} versions={versions.data} name={name} />
      </section>
    </div>
  );
}

function CurrentVersion({
  version,
  currentId,
  seat,
  name,
}: {
  version: Version;
  currentId: string | null;
  seat: Seat | undefined;
  name: Namer;
}) {
  const party = seat?.party ?? null;
  const has =
    party && (version.authorPartyId === party.id || version.recipientPartyIds.includes(party.id))
      ? `${party.shortName} has it`
      : null;
  return (
    <div data-testid="current-version">
      <p className="dash-big">
        <Link href="/text">{version.label}</Link>
      </p>
      <dl className="dash-facts">
        <dt>Date</dt>
        <dd>{formatDate(version.createdAt)}</dd>
        <dt>Written by</dt>
        <dd>{name(version.authorPartyId)}</dd>
        <dt>Points</dt>
        <dd>{version.points.length}</dd>
        {seat && !seat.isMediator ? (
          <>
            <dt>Your party</dt>
            <dd>{has ?? `${party?.shortName ?? 'Your party'} has not received it`}</dd>
          </>
        ) : null}
      </dl>
      {currentId && currentId !== version.id ? (
        <p className="hint" role="note">
          The table&apos;s current version has not reached you yet: this is the newest text you have received.
        </p>
      ) : null}
      {version.withdrawnAt ? <span className="badge stale">withdrawn</span> : null}
    </div>
  );
}

function OpenApprovals({ id, versions, name }: { id: string; versions: Version[]; name: Namer }) {
  const members = useMembers(id);
  const names = new Map((members.data ?? []).map((m) => [m.userId, m.name]));
  const nameOf = (userId: string) => names.get(userId) ?? userId;
  if (versions.length === 0) return <p className="hint">No version yet.</p>;
  return (
    <ul className="dash-list">
      {versions.map((version) => (
        <VersionApprovals key={version.id} id={id} version={version} nameOf={nameOf} name={name} />
      ))}
      <li className="dash-none hint">No text you have received waits for an approval.</li>
    </ul>
  );
}

function VersionApprovals({
  id,
  version,
  nameOf,
  name,
}: {
  id: string;
  version: Version;
  nameOf: (userId: string) => string;
  name: Namer;
}) {
  const approvals = useApprovals(id, version.id);
  if (approvals.isPending) return null;
  if (approvals.error)
    return (
      <li>
        <Failure error={approvals.error} what={`the approvals of ${version.label}`} />
      </li>
    );
  // A rule's stages wait on this text only while a party it governs has not received the text yet.
  const held = (rule: { governs: { partyId: string }[] }) =>
    rule.governs.filter((g) => !version.recipientPartyIds.includes(g.partyId)).map((g) => g.partyId);
  // Once the stages before it cleared the text, only a countersignature can still be open: the
  // receiving party's principals sign the text they received, so it waits on them.
  const open = (approvals.data?.rules ?? []).flatMap((rule) =>
    rule.status.state === 'in_progress' && (rule.status.cleared || held(rule).length > 0)
      ? rule.status.stages
          .filter((stage) => stage.state === 'pending' || stage.state === 'overdue')
          .map((stage) => ({ rule, stage, countersignature: rule.status.cleared }))
      : [],
  );
  return (
    <>
      {open.map(({ rule, stage, countersignature }) => {
        const overdue = stage.state === 'overdue' || (stage.deadline !== null && deadlinePassed(stage.deadline));
        return (
          <li key={`${rule.ruleId} ${stage.stageId}`} className="dash-approval">
            <div>
              <strong>{version.label}</strong>: {stage.name}{' '}
              {overdue ? <span className="badge overdue">overdue</span> : <span className="badge amend">open</span>}
            </div>
            <div className="hint">
              {countersignature
                ? `${rule.ruleName}; a countersignature of the text ${rule.governs.map((g) => name(g.partyId)).join(', ')} received`
                : `${rule.ruleName}; then it may go to ${held(rule).map(name).join(', ')}`}
            </div>
            <div>
              {stage.deadline ? (
                <>
                  Deadline <time dateTime={stage.deadline}>{deadlineText(stage.deadline)}</time>
                </>
              ) : (
                'No deadline'
              )}
              {stage.awaiting.length > 0 ? <> · awaiting {stage.awaiting.map(nameOf).join(', ')}</> : null}
              {stage.approvedBy.length > 0 ? <> · approved by {stage.approvedBy.map(nameOf).join(', ')}</> : null}
            </div>
            <Link href={`/approvals?version=${encodeURIComponent(version.id)}`}>Go to the approvals</Link>
          </li>
        );
      })}
    </>
  );
}

/** The round that began last, and the newest joint statement (perhaps of an earlier round). */
function LastRound({ id, name, versions }: { id: string; name: Namer; versions: Version[] | undefined }) {
  const rounds = useRounds(id);
  const label = (versionId: string | null) =>
    versionId ? (versions?.find((v) => v.id === versionId)?.label ?? 'a version you have not received') : null;
  return (
    <Await query={rounds} what="the rounds">
      {(list) => {
        const standing = [...list].filter((r) => !r.cancelledAt).sort((a, b) => a.startsOn.localeCompare(b.startsOn));
        const last = standing[standing.length - 1];
        if (!last) return <p className="hint">No round has been held yet.</p>;
        const joint = standing
          .flatMap((round) => round.statements.map((statement) => ({ round, statement })))
          .sort((a, b) => a.statement.date.localeCompare(b.statement.date))
          .pop();
        return (
          <div data-testid="last-round">
            <p className="dash-big">{last.title}</p>
            <p>
              {formatSpan(last.startsOn, last.endsOn)}
              {last.place ? ` · ${last.place}` : ''}
              {last.participants.length > 0 ? ` · ${last.participants.map((p) => name(p.partyId)).join(', ')}` : ''}
            </p>
            {label(last.versionId) ? <p className="hint">Discussed: {label(last.versionId)}</p> : null}
            {last.outcome ? <p className="dash-clamp">{last.outcome}</p> : null}
            {joint ? <JointStatement round={joint.round} statement={joint.statement} last={last} name={name} /> : null}
            {!joint || joint.round.id !== last.id ? (
              <p className="hint">No joint statement came of this round.</p>
            ) : null}
            <Link href="/rounds">All rounds and statements</Link>
          </div>
        );
      }}
    </Await>
  );
}

function JointStatement({
  round,
  statement,
  last,
  name,
}: {
  round: Round;
  statement: Round['statements'][number];
  last: Round;
  name: Namer;
}) {
  return (
    <figure className="dash-statement" data-testid="joint-statement">
      <figcaption>
        <strong>{statement.title}</strong> · {formatDate(statement.date)}
        {round.id !== last.id ? ` · of the ${round.title}` : ''}
        {statement.signatoryPartyIds.length > 0
          ? ` · signed by ${statement.signatoryPartyIds.map((p) => name(p)).join(', ')}`
          : ''}
      </figcaption>
      <blockquote className="dash-clamp">{statement.text}</blockquote>
    </figure>
  );
}

function RedLines({ id, version, name }: { id: string; version: Version; name: Namer }) {
  const report = useRedLineReport(id, version.id);
  return (
    <Await query={report} what="the red-line report">
      {(data) => <RedLineList report={data} version={version} name={name} />}
    </Await>
  );
}

function RedLineList({ report, version, name }: { report: RedLineReport; version: Version; name: Namer }) {
  const numberOf = (pointId: string) => version.points.find((p) => p.id === pointId)?.number;
  const wording = (pointId: string, bracketId: string, letter: string) => {
    const bracket = version.points.find((p) => p.id === pointId)?.brackets.find((b) => b.id === bracketId);
    const index = letter.charCodeAt(0) - 65;
    return bracket?.alternatives[index]?.text ?? null;
  };
  return (
    <div data-testid="red-lines">
      {report.crossings.length === 0 ? (
        <p>The draft crosses no red line you may see.</p>
      ) : (
        <ul className="dash-list">
          {report.crossings.map((crossing) => (
            <li key={crossing.redLineId}>
              <span className="badge red-line">red line</span> <strong>{name(crossing.partyId)}</strong>: “
              {crossing.title}” — {crossing.reason}
              {crossing.pointIds.length > 0 ? (
                <span className="hint"> (point {crossing.pointIds.map((p) => numberOf(p) ?? p).join(', ')})</span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {report.alternatives.length > 0 ? (
        <details>
          <summary>
            {report.alternatives.length} bracket alternative{report.alternatives.length === 1 ? '' : 's'} would cross
            one
          </summary>
          <ul className="dash-list">
            {report.alternatives.map((a) => {
              const text = wording(a.pointId, a.bracketId, a.alternative);
              return (
                <li key={`${a.bracketId} ${a.alternative} ${a.redLineId}`}>
                  Point {a.pointNumber}, alternative {a.alternative}
                  {text ? (
                    <>
                      {' '}
                      (<span className="bracket">{text}</span>)
                    </>
                  ) : null}
                  : {name(a.partyId)}’s “{a.title}”
                </li>
              );
            })}
          </ul>
        </details>
      ) : null}
      {report.warnings.length > 0 ? (
        <ul className="dash-list">
          {report.warnings.map((w) => (
            <li key={`${w.pointId} ${w.issueId} ${w.bracketId ?? ''}`} className="hint">
              Point {w.pointNumber}: {w.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export interface ProgressRow {
  key: string;
  label: string;
  date: string | null;
  version: string;
  agreed: number;
  contested: number;
  open: number;
  brackets: number;
  redLinesCrossed: number;
  distance: number | null;
}

/** The points of the curve: one per round when rounds were held, else one per version. */
export function progressRows(progress: Progress, versions: Version[] | undefined): ProgressRow[] {
  const label = (versionId: string) => versions?.find((v) => v.id === versionId)?.label ?? versionId;
  if (progress.series.rounds.length > 0)
    return progress.series.rounds.map((r) => ({
      key: r.roundId,
      label: r.title,
      date: r.startsOn,
      version: label(r.versionId),
      ...r.progress,
    }));
  return progress.versions.map((v) => ({
    key: v.versionId,
    label: label(v.versionId),
    date: versions?.find((x) => x.id === v.versionId)?.createdAt ?? null,
    version: label(v.versionId),
    ...v,
  }));
}

/** "Are the differences narrowing?", answered in one sentence from the first and the last point of the curve. */
export function narrowingAnswer(rows: ProgressRow[]): string {
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (!first || !last || rows.length < 2) return 'Not yet known: there is only one measurement so far.';
  const changes: string[] = [];
  const say = (what: string, a: number, b: number) => {
    if (a !== b) changes.push(`${what} ${b < a ? 'fell' : 'rose'} from ${a} to ${b}`);
  };
  say('red lines crossed', first.redLinesCrossed, last.redLinesCrossed);
  say('contested points', first.contested, last.contested);
  say('points agreed', first.agreed, last.agreed);
  let distance = 0;
  if (first.distance !== null && last.distance !== null) {
    distance = last.distance - first.distance;
    if (Math.abs(distance) > 1e-9)
      changes.push(
        `the distance between positions went from ${first.distance.toFixed(2)} to ${last.distance.toFixed(2)}`,
      );
  }
  const score =
    last.redLinesCrossed - first.redLinesCrossed + (last.contested - first.contested) - (last.agreed - first.agreed);
  const narrowing = distance < 0 || (distance === 0 && score < 0);
  const widening = distance > 0 || (distance === 0 && score > 0);
  const span = `from ${first.label} to ${last.label}`;
  if (changes.length === 0) return `Not so far: nothing changed ${span}.`;
  const detail = changes.join(', ');
  if (narrowing) return `Yes, the differences are narrowing: ${span}, ${detail}.`;
  if (widening) return `No, the differences are widening: ${span}, ${detail}.`;
  return `Not clearly: ${span}, ${detail}.`;
}

function ProgressPanel({ id, versions }: { id: string; versions: Version[] | undefined }) {
  const progress = useProgress(id);
  return (
    <Await query={progress} what="the progress">
      {(data) => {
        const rows = progressRows(data, versions);
        if (rows.length === 0) return <p className="hint">Nothing to measure yet.</p>;
        return (
          <>
            <p className="dash-answer" data-testid="narrowing">
              <strong>Are the differences narrowing?</strong>{' '}
              {/* Stances known earlier and stale or silent now: fewer stances are no narrowing. */}
              {data.series.trend === 'unknown' && data.series.trendNote && data.series.rounds.length >= 2
                ? `Not known: ${data.series.trendNote}.`
                : narrowingAnswer(rows)}
            </p>
            <Suspense fallback={<Loading what="the chart" />}>
              <ProgressChart rows={rows} />
            </Suspense>
            <details className="dash-table">
              <summary>The figures as a table</summary>
              <div className="scroll">
                <table data-testid="progress-table">
                  <caption className="hint">
                    Each {data.series.rounds.length > 0 ? 'round, measured on the text it produced' : 'version'}, as far
                    as you may see it
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">{data.series.rounds.length > 0 ? 'Round' : 'Version'}</th>
                      <th scope="col">Date</th>
                      {data.series.rounds.length > 0 ? <th scope="col">Text</th> : null}
                      <th scope="col">Agreed</th>
                      <th scope="col">Contested</th>
                      <th scope="col">Open</th>
                      <th scope="col">Brackets open</th>
                      <th scope="col">Red lines crossed</th>
                      <th scope="col">Distance</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((row) => (
                      <tr key={row.key}>
                        <th scope="row">{row.label}</th>
                        <td>{formatDate(row.date)}</td>
                        {data.series.rounds.length > 0 ? <td>{row.version}</td> : null}
                        <td>{row.agreed}</td>
                        <td>{row.contested}</td>
                        <td>{row.open}</td>
                        <td>{row.brackets}</td>
                        <td>{row.redLinesCrossed}</td>
                        <td>{row.distance === null ? '—' : row.distance.toFixed(2)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          </>
        );
      }}
    </Await>
  );
}

function UtilitiesPanel({ id, versions, name }: { id: string; versions: Version[] | undefined; name: Namer }) {
  const utilities = useUtilities(
    id,
    versions?.map((v) => v.id),
  );
  if (!versions) return <Loading what="the versions" />;
  return (
    <Await query={utilities} what="the utilities">
      {(data) => <UtilityTable data={data} versions={versions} name={name} />}
    </Await>
  );
}

function UtilityTable({ data, versions, name }: { data: Utilities; versions: Version[]; name: Namer }) {
  if (data.parties.length === 0)
    return (
      <p className="hint">
        {data.basis === 'own'
          ? 'Your party has stated no preferences yet: set them to see what each version is worth to it.'
          : 'No party has shared its preferences with the mediators.'}
      </p>
    );
  const label = (versionId: string) => versions.find((v) => v.id === versionId)?.label ?? versionId;
  return (
    <div className="scroll" data-testid="utilities">
      <p className="hint">
        {data.basis === 'own'
          ? 'From your own party’s preferences: 0 is the worst outcome for it on every issue, 100 the best. The mark is its reservation value.'
          : 'From the preferences each party shared with the mediators: 0 is the worst outcome for it, 100 the best.'}
      </p>
      <table className="dash-utilities">
        <thead>
          <tr>
            <th scope="col">Version</th>
            {data.parties.map((p) => (
              <th scope="col" key={p.partyId}>
                {name(p.partyId)}
                {p.illustrative ? <span className="hint"> (illustrative)</span> : null}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.versions.map((version) => (
            <tr key={version.versionId}>
              <th scope="row">
                {label(version.versionId)}
                {version.openIssueIds.length > 0 ? (
                  <div className="hint">
                    leaves {version.openIssueIds.length} issue{version.openIssueIds.length === 1 ? '' : 's'} open
                  </div>
                ) : null}
              </th>
              {version.utilities.map((u) => {
                const party = data.parties.find((p) => p.partyId === u.partyId);
                return (
                  <td key={u.partyId}>
                    <UtilityBar utility={u} reservation={party?.reservation ?? null} who={name(u.partyId)} />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function UtilityBar({
  utility,
  reservation,
  who,
}: {
  utility: Utilities['versions'][number]['utilities'][number];
  reservation: number | null;
  who: string;
}) {
  const low = utility.utility ?? utility.lowest ?? 0;
  const high = utility.utility ?? utility.highest ?? low;
  const words =
    utility.utility !== null
      ? `${Math.round(utility.utility * 100)}`
      : utility.lowest !== null && utility.highest !== null
        ? `${Math.round(utility.lowest * 100)}–${Math.round(utility.highest * 100)}`
        : 'unknown';
  const below = reservation !== null && high < reservation;
  return (
    <div className="dash-utility">
      <div
        className="dash-bar"
        role="img"
        aria-label={`${who}: ${words} out of 100${below ? ', below its reservation value' : ''}`}
      >
        <span className="dash-bar-low" style={{ width: `${low * 100}%` }} />
        <span className="dash-bar-range" style={{ left: `${low * 100}%`, width: `${(high - low) * 100}%` }} />
        {reservation !== null ? (
          <span className="dash-bar-reservation" style={{ left: `${reservation * 100}%` }} />
        ) : null}
      </div>
      <span className="dash-utility-words">
        {words}
        {below ? <span className="badge oppose">below reservation</span> : null}
      </span>
    </div>
  );
}
