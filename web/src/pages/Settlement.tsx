import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { describeError } from '../api/client';
import {
  analysisKeys,
  requestAnalysis,
  useAnalyses,
  useAnalysis,
  useIssues,
  useNegotiation,
  useParties,
  useRedLines,
  useReleases,
  useSeat,
  useVersions,
  type AnalysisSummary,
  type Issue,
  type Party,
  type RedLine,
  type Release,
} from '../api/queries';
import { partyName } from '../components/SettlementPackages';
import { SettlementResult } from '../components/SettlementResult';
import { PackageTable } from '../components/SettlementTable';
import { Await } from '../components/Status';
import './Settlement.css';

/**
 * The settlement view: an analysis of a version on what the reader may see (a mediator: the
 * preferences parties shared with the mediators; a party: its own), its frontier and solutions, and
 * the packages a mediator released, each party seeing those released to it with its own utility.
 */
export default function SettlementPage({ id }: { id: string }) {
  const seat = useSeat(id);
  const parties = useParties(id);
  const issues = useIssues(id);
  const isMediator = seat.data?.isMediator ?? false;
  return (
    <div className="settle">
      <h1>Settlement</h1>
      <p className="lede">
        {isMediator
          ? 'Analyse a version with the preferences the parties shared with the mediators and every red line you may see, then release chosen packages to chosen parties.'
          : `Analyse a version on ${seat.data?.party?.name ?? 'your party'}'s own preferences and the red lines you may see, and read the packages the mediators released to you.`}
      </p>
      <Releases id={id} isMediator={isMediator} parties={parties.data} issues={issues.data} />
      <AnalysisDesk id={id} isMediator={isMediator} parties={parties.data} issues={issues.data} />
    </div>
  );
}

function Releases({
  id,
  isMediator,
  parties,
  issues,
}: {
  id: string;
  isMediator: boolean;
  parties: Party[] | undefined;
  issues: Issue[] | undefined;
}) {
  const releases = useReleases(id);
  return (
    <section aria-labelledby="settle-releases" className="card" data-testid="releases">
      <h2 id="settle-releases">{isMediator ? 'Packages released so far' : 'Packages released to you'}</h2>
      <Await query={releases} what="the released packages">
        {(list) =>
          list.length === 0 ? (
            <p>{isMediator ? 'No package has been released yet.' : 'The mediators have released no package to you.'}</p>
          ) : isMediator ? (
            <MediatorReleases releases={list} parties={parties} />
          ) : (
            list.map((release) => <PartyRelease key={release.id} release={release} parties={parties} issues={issues} />)
          )
        }
      </Await>
    </section>
  );
}

function MediatorReleases({ releases, parties }: { releases: Release[]; parties: Party[] | undefined }) {
  return (
    <div className="scroll">
      <table>
        <caption className="hint">Each party sees its own utility for the packages; you see none here.</caption>
        <thead>
          <tr>
            <th scope="col">Released to</th>
            <th scope="col">When</th>
            <th scope="col">Packages</th>
          </tr>
        </thead>
        <tbody>
          {releases.map((r) => (
            <tr key={r.id}>
              <th scope="row">{partyName(parties, r.partyId)}</th>
              <td>{new Date(r.releasedAt).toLocaleString()}</td>
              <td>{r.packages.length}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PartyRelease({
  release,
  parties,
  issues,
}: {
  release: Release;
  parties: Party[] | undefined;
  issues: Issue[] | undefined;
}) {
  const name = partyName(parties, release.partyId);
  return (
    <PackageTable
      caption={`Released to ${name} on ${new Date(release.releasedAt).toLocaleString()}`}
      rows={release.packages.map((p, i) => ({
        key: `${release.id}-${i}`,
        name: `Package ${i + 1}`,
        choices: p.choices,
        utilities: { [release.partyId]: p.utility },
      }))}
      partyIds={[release.partyId]}
      parties={parties}
      issues={issues}
      utilityHeader={() => `Utility for ${name} (your own preferences)`}
      testId="released-package"
    />
  );
}

/** The red lines a conflict names ("red line rl-…"), among those the reader sees. */
function redLinesIn(conflict: string[], redLines: RedLine[] | undefined): string[] {
  return conflict.flatMap((c) => {
    const id = /^red line (\S+)$/.exec(c)?.[1];
    return id && redLines?.some((r) => r.id === id) ? [id] : [];
  });
}

function AnalysisDesk({
  id,
  isMediator,
  parties,
  issues,
}: {
  id: string;
  isMediator: boolean;
  parties: Party[] | undefined;
  issues: Issue[] | undefined;
}) {
  const client = useQueryClient();
  const negotiation = useNegotiation(id);
  const versions = useVersions(id);
  const redLines = useRedLines(id);
  const analyses = useAnalyses(id);
  const [chosen, setChosen] = useState<string>('');
  const [setAside, setSetAside] = useState<string[]>([]);
  const [whatIfOpen, setWhatIfOpen] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  // The one the reader opened, else their newest: a reload keeps their work.
  const shownId = openId ?? analyses.data?.[0]?.id;
  const opened = useAnalysis(id, shownId);
  const current = negotiation.data?.currentVersionId ?? '';
  const versionId = chosen || current;
  const run = useMutation({
    mutationFn: (input: { versionId: string; setAside: string[] }) =>
      requestAnalysis(id, { ...(input.versionId ? { versionId: input.versionId } : {}), setAside: input.setAside }),
    onSuccess: (record) => {
      client.setQueryData(analysisKeys.one(id, record.id), record);
      setOpenId(record.id);
      void client.invalidateQueries({ queryKey: analysisKeys.list(id) });
    },
  });
  const labelOf = (v: string) => {
    const version = versions.data?.find((x) => x.id === v);
    return version ? `${version.label}${v === current ? ' (current)' : ''}` : v;
  };
  const visibleAside = setAside.filter((r) => redLines.data?.some((line) => line.id === r));
  const runForm = useRef<HTMLFormElement>(null);
  return (
    <>
      <section aria-labelledby="settle-run" className="card">
        <h2 id="settle-run">Run an analysis</h2>
        <form
          ref={runForm}
          className="settle-run-form"
          onSubmit={(e) => {
            e.preventDefault();
            run.mutate({ versionId, setAside: visibleAside });
          }}
        >
          <div className="row settle-run">
            <label htmlFor="settle-version">Version</label>
            <select id="settle-version" value={versionId} onChange={(e) => setChosen(e.target.value)}>
              {(versions.data ?? []).map((v) => (
                <option key={v.id} value={v.id}>
                  {labelOf(v.id)}
                </option>
              ))}
            </select>
            <button type="submit" className="primary" disabled={run.isPending}>
              {run.isPending
                ? 'Analysing…'
                : visibleAside.length > 0
                  ? `Run the what-if analysis (${visibleAside.length} red line${visibleAside.length === 1 ? '' : 's'} set aside)`
                  : 'Run the analysis'}
            </button>
          </div>
          {(redLines.data ?? []).length > 0 ? (
            <details className="settle-what-if" open={whatIfOpen} onToggle={(e) => setWhatIfOpen(e.currentTarget.open)}>
              <summary>
                What-if: set aside red lines for this analysis
                {visibleAside.length > 0 ? ` (${visibleAside.length} set aside)` : ''}
              </summary>
              <fieldset>
                <legend>Set aside for this analysis</legend>
                <p className="hint">
                  A what-if: the analysis does not hold to the red lines you tick. Nothing changes for their parties:
                  the red lines stay as stated, and the result says which ones were set aside.
                </p>
                {(redLines.data ?? []).map((line) => (
                  <label key={line.id}>
                    <input
                      type="checkbox"
                      checked={setAside.includes(line.id)}
                      onChange={(e) =>
                        setSetAside(e.target.checked ? [...setAside, line.id] : setAside.filter((r) => r !== line.id))
                      }
                    />{' '}
                    “{line.title}” of {partyName(parties, line.partyId)}
                  </label>
                ))}
                {setAside.length > 0 ? (
                  <button type="button" className="link" onClick={() => setSetAside([])}>
                    Hold to every red line again
                  </button>
                ) : null}
              </fieldset>
            </details>
          ) : null}
        </form>
        <p className="hint">
          {isMediator
            ? 'It uses the preferences parties shared with the mediators; parties that shared none are left out.'
            : 'It uses your party’s own preferences and red lines, and no other party’s preferences.'}
        </p>
        {run.error ? (
          <p role="alert" className="error">
            Could not analyse: {describeError(run.error)}
          </p>
        ) : null}
        {versions.error ? (
          <p role="alert" className="error">
            Could not load the versions: {describeError(versions.error)}
          </p>
        ) : null}
      </section>
      <section aria-labelledby="settle-earlier" className="card" data-testid="earlier-analyses">
        <h2 id="settle-earlier">Your analyses</h2>
        <Await query={analyses} what="your analyses">
          {(list) =>
            list.length === 0 ? (
              <p>You have run no analysis of this negotiation yet.</p>
            ) : (
              <AnalysisList
                list={list}
                shownId={shownId}
                onOpen={setOpenId}
                labelOf={labelOf}
                parties={parties}
                redLines={redLines.data}
              />
            )
          }
        </Await>
      </section>
      {shownId ? (
        opened.data ? (
          <SettlementResult
            key={opened.data.id}
            negotiationId={id}
            analysis={opened.data}
            isMediator={isMediator}
            versionLabel={labelOf(opened.data.versionId)}
            parties={parties}
            issues={issues}
            redLines={redLines.data}
            running={run.isPending}
            onRunAgain={() => run.mutate({ versionId: opened.data.versionId, setAside: opened.data.setAside })}
            onSetAside={(conflict) => {
              const lines = redLinesIn(conflict, redLines.data);
              setSetAside([...new Set([...setAside, ...opened.data.setAside, ...lines])]);
              setChosen(opened.data.versionId);
              setWhatIfOpen(true);
              runForm.current?.scrollIntoView({ block: 'start' });
              runForm.current?.querySelector('summary')?.focus();
            }}
            canSetAside={redLinesIn(opened.data.result.conflict, redLines.data).length > 0}
          />
        ) : (
          <Await query={opened} what="the analysis">
            {() => null}
          </Await>
        )
      ) : null}
    </>
  );
}

/** The reader's own analyses, newest first: each can be opened again. */
function AnalysisList({
  list,
  shownId,
  onOpen,
  labelOf,
  parties,
  redLines,
}: {
  list: AnalysisSummary[];
  shownId: string | undefined;
  onOpen: (id: string) => void;
  labelOf: (versionId: string) => string;
  parties: Party[] | undefined;
  redLines: RedLine[] | undefined;
}) {
  return (
    <div className="scroll">
      <table className="settle-list">
        <caption className="hint">Only you see these: no one else, not even your own delegation.</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Version</th>
            <th scope="col">Found</th>
            <th scope="col">Parties</th>
            <th scope="col">What-if</th>
            <th scope="col">Inputs</th>
            <th scope="col">
              <span className="settle-sr">Open</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((a) => {
            const when = new Date(a.createdAt).toLocaleString();
            const shown = a.id === shownId;
            return (
              <tr key={a.id} aria-current={shown ? 'true' : undefined} data-testid="earlier-analysis">
                <th scope="row">{when}</th>
                <td data-label="Version">{labelOf(a.versionId)}</td>
                <td data-label="Found">
                  {a.agreementPossible
                    ? a.frontierSize === null
                      ? 'a frontier too long to list'
                      : `${a.frontierSize} package${a.frontierSize === 1 ? '' : 's'} on the frontier`
                    : 'no agreement possible'}
                </td>
                <td data-label="Parties">
                  {a.included.length} included
                  {a.excluded.length > 0 ? `, ${a.excluded.length} left out` : ''}
                </td>
                <td data-label="What-if">
                  {a.setAside.length === 0 ? (
                    '—'
                  ) : (
                    <span
                      title={a.setAside
                        .map((r) => {
                          const line = redLines?.find((l) => l.id === r);
                          return line ? `${line.title} (${partyName(parties, line.partyId)})` : r;
                        })
                        .join('; ')}
                    >
                      {a.setAside.length} red line{a.setAside.length === 1 ? '' : 's'} set aside
                    </span>
                  )}
                </td>
                <td data-label="Inputs">
                  {a.stale ? (
                    <span className="badge stale">inputs changed since: run again</span>
                  ) : (
                    <span className="badge support">up to date</span>
                  )}
                </td>
                <td data-label="Open">
                  {shown ? (
                    <span className="hint">shown below</span>
                  ) : (
                    <button type="button" className="link" onClick={() => onOpen(a.id)}>
                      Open<span className="settle-sr"> the analysis run {when}</span>
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
