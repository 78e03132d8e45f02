import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeError, unwrap } from '../api/client';
import {
  useIssues,
  useNegotiation,
  useParties,
  useRedLines,
  useReleases,
  useSeat,
  useVersions,
  type Analysis,
  type Issue,
  type Party,
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
  const negotiation = useNegotiation(id);
  const versions = useVersions(id);
  const redLines = useRedLines(id);
  const [chosen, setChosen] = useState<string>('');
  const [analysis, setAnalysis] = useState<Analysis | null>(null);
  const current = negotiation.data?.currentVersionId ?? '';
  const versionId = chosen || current;
  const run = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/negotiations/{id}/analyses', {
          params: { path: { id } },
          body: versionId ? { versionId } : {},
        }),
      ),
    onSuccess: setAnalysis,
  });
  const labelOf = (v: string) => {
    const version = versions.data?.find((x) => x.id === v);
    return version ? `${version.label}${v === current ? ' (current)' : ''}` : v;
  };
  return (
    <>
      <section aria-labelledby="settle-run" className="card">
        <h2 id="settle-run">Run an analysis</h2>
        <form
          className="row settle-run"
          onSubmit={(e) => {
            e.preventDefault();
            run.mutate();
          }}
        >
          <label htmlFor="settle-version">Version</label>
          <select id="settle-version" value={versionId} onChange={(e) => setChosen(e.target.value)}>
            {(versions.data ?? []).map((v) => (
              <option key={v.id} value={v.id}>
                {labelOf(v.id)}
              </option>
            ))}
          </select>
          <button type="submit" className="primary" disabled={run.isPending}>
            {run.isPending ? 'Analysing…' : 'Run the analysis'}
          </button>
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
      {analysis ? (
        <SettlementResult
          key={analysis.id}
          negotiationId={id}
          analysis={analysis}
          isMediator={isMediator}
          versionLabel={labelOf(analysis.versionId)}
          parties={parties}
          issues={issues}
          redLines={redLines.data}
        />
      ) : null}
    </>
  );
}
