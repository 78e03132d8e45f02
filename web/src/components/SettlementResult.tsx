import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, describeError, unwrap } from '../api/client';
import { keys, type Analysis, type Issue, type Party, type RedLine } from '../api/queries';
import { FrontierBars } from './FrontierBars';
import { FrontierScatter, type Axis } from './FrontierScatter';
import { ParallelCoordinates } from './ParallelCoordinates';
import { frontierNameOf, packagesOf, partyName, type PointName } from './SettlementPackages';
import { PackageTable, rowOf, type PackageRow } from './SettlementTable';

function names(parties: Party[] | undefined, ids: string[]): string {
  return ids.map((id) => partyName(parties, id)).join(', ');
}

/** A conflict the engine names ("red line rl-…"), with the red line's title and party when the reader sees it. */
function conflictInWords(text: string, redLines: RedLine[] | undefined, parties: Party[] | undefined): string {
  const match = /^red line (\S+)$/.exec(text);
  const line = match ? redLines?.find((r) => r.id === match[1]) : undefined;
  return line ? `the red line “${line.title}” of ${partyName(parties, line.partyId)}` : text;
}

/** The chart that fits the number of parties plotted: bars for one, a scatter for two, parallel coordinates beyond. */
function FrontierChart({
  packages,
  axes,
  versionLabel,
}: {
  packages: ReturnType<typeof packagesOf>;
  axes: Axis[];
  versionLabel: string;
}) {
  if (axes.length === 0) return <p className="hint">Choose at least one party to plot.</p>;
  if (axes.length === 1)
    return <FrontierBars packages={packages} axis={axes[0]!} caption={`Utility of each package, ${versionLabel}`} />;
  if (axes.length === 2)
    return (
      <FrontierScatter
        packages={packages}
        x={axes[0]!}
        y={axes[1]!}
        caption={`Pareto frontier for ${axes[0]!.name} and ${axes[1]!.name}, ${versionLabel}`}
      />
    );
  return (
    <ParallelCoordinates
      packages={packages}
      axes={axes}
      caption={`Pareto frontier for ${axes.map((a) => a.name).join(', ')}, ${versionLabel}`}
    />
  );
}

/** What one analysis found, as the requester may see it; for a mediator, the release of chosen packages too. */
export function SettlementResult({
  negotiationId,
  analysis,
  isMediator,
  versionLabel,
  parties,
  issues,
  redLines,
  running,
  onRunAgain,
  onSetAside,
  canSetAside,
}: {
  negotiationId: string;
  analysis: Analysis;
  isMediator: boolean;
  versionLabel: string;
  parties: Party[] | undefined;
  issues: Issue[] | undefined;
  redLines: RedLine[] | undefined;
  /** An analysis is running: the button to run this one again waits. */
  running: boolean;
  /** Runs this analysis again on today's inputs: the same version, the same red lines set aside. */
  onRunAgain: () => void;
  /** Ticks the conflict's red lines in the what-if form. */
  onSetAside: (conflict: string[]) => void;
  /** Whether the conflict names red lines the reader sees, which a what-if may set aside. */
  canSetAside: boolean;
}) {
  const result = analysis.result;
  const packages = useMemo(() => packagesOf(result), [result]);
  const [plotted, setPlotted] = useState<string[]>(result.included);
  const axes = result.included
    .filter((p) => plotted.includes(p))
    .map((p) => ({ id: p, name: partyName(parties, p, true) }));
  const leftOutNotes = result.notes.filter((n) => !n.startsWith('left out') && !n.startsWith('what-if:'));
  const whatIf = analysis.setAside.length > 0;

  return (
    <section
      aria-labelledby="settle-result"
      className="settle-result"
      data-testid="analysis"
      data-analysis-id={analysis.id}
    >
      <h2 id="settle-result">
        {whatIf ? 'What-if analysis' : 'Analysis'} of {versionLabel}{' '}
        {whatIf ? <span className="badge amend">what-if</span> : null}{' '}
        {analysis.stale ? <span className="badge stale">inputs changed since: run again</span> : null}
      </h2>
      {analysis.stale ? (
        <p className="row">
          <span>An issue, a preference or a red line it used has changed since it ran.</span>
          <button type="button" className="primary" onClick={onRunAgain} disabled={running}>
            {running ? 'Analysing…' : 'Run again'}
          </button>
        </p>
      ) : null}
      <p className="hint">
        Run {new Date(analysis.createdAt).toLocaleString()} over {Number(result.outcomes).toLocaleString()} possible
        packages. Included: {names(parties, result.included) || 'nobody'}.
      </p>

      {whatIf ? (
        <div className="card settle-what-if-note" data-testid="what-if">
          <h3>
            A what-if: {analysis.setAside.length} red line{analysis.setAside.length === 1 ? '' : 's'} set aside
          </h3>
          <p>
            This analysis did not hold to these red lines. Their parties still hold them: what it finds may cross them,
            and nothing of any party’s data was changed.
          </p>
          <ul>
            {analysis.setAside.map((r) => (
              <li key={r}>{conflictInWords(`red line ${r}`, redLines, parties)}</li>
            ))}
          </ul>
        </div>
      ) : null}

      {!result.agreementPossible ? (
        <div className="card settle-conflict" role="note">
          <h3>No agreement is possible on this data</h3>
          {result.conflict.length > 0 ? (
            <>
              <p>These requirements cannot all hold; dropping any one of them makes agreement possible:</p>
              <ul>
                {result.conflict.map((c) => (
                  <li key={c}>{conflictInWords(c, redLines, parties)}</li>
                ))}
              </ul>
            </>
          ) : null}
          {canSetAside ? (
            <p>
              <button type="button" onClick={() => onSetAside(result.conflict)}>
                Set these red lines aside for a what-if
              </button>{' '}
              <span className="hint">ticks them in the form above; nothing runs until you do.</span>
            </p>
          ) : null}
        </div>
      ) : null}

      {packages.length > 0 ? (
        <div className="card">
          <h3>
            The Pareto frontier{' '}
            <span className="hint">
              {result.frontierSize === null
                ? `(too long to list: at most ${BigInt(result.frontierSizeAtMost ?? '0').toLocaleString('en')} packages; ${result.frontier.length} Pareto-optimal packages shown, spread along it)`
                : `(${result.frontierSize} package${result.frontierSize === 1 ? '' : 's'}${result.frontierTruncated ? `, ${result.frontier.length} shown, spread along it` : ''})`}
            </span>
          </h3>
          {result.included.length > 2 ? (
            <fieldset className="settle-plot-parties">
              <legend>Parties to plot</legend>
              {result.included.map((p) => (
                <label key={p}>
                  <input
                    type="checkbox"
                    checked={plotted.includes(p)}
                    onChange={(e) => setPlotted(e.target.checked ? [...plotted, p] : plotted.filter((q) => q !== p))}
                  />{' '}
                  {partyName(parties, p)}
                </label>
              ))}
            </fieldset>
          ) : null}
          <FrontierChart packages={packages} axes={axes} versionLabel={versionLabel} />
          {isMediator ? (
            <ReleaseForm
              negotiationId={negotiationId}
              analysisId={analysis.id}
              packages={packages}
              parties={parties}
              issues={issues}
              included={result.included}
            />
          ) : (
            <PackageTable
              caption="The frontier's packages, the bargaining solutions and the draft"
              rows={packages.map(rowOf)}
              partyIds={result.included}
              parties={parties}
              issues={issues}
              testId="frontier-table"
            />
          )}
        </div>
      ) : null}

      <div className="card">
        <h3>The draft: this version's own choices</h3>
        {result.draft ? (
          <>
            <p>
              {result.included.map((p) => (
                <span key={p} className="settle-utility">
                  {partyName(parties, p)}: <strong>{result.draft!.utilities[p]?.toFixed(3) ?? '—'}</strong>
                </span>
              ))}
            </p>
            <p>
              {result.draft.paretoOptimal
                ? 'It is on the Pareto frontier: no package makes someone better off without making someone worse off.'
                : result.draft.ranked
                  ? `It is not Pareto-optimal: packages make everyone at least as well off, and someone better off; the best ${result.draft.improvements.length} are shown.`
                  : `It is not Pareto-optimal: ${result.draft.improvements.length} package${result.draft.improvements.length === 1 ? '' : 's'} make everyone at least as well off, and someone better off.`}
            </p>
            {result.draft.crosses.length > 0 ? (
              <p>
                <span className="badge red-line">crosses red lines</span>{' '}
                {result.draft.crosses.map((c) => conflictInWords(`red line ${c}`, redLines, parties)).join('; ')}
              </p>
            ) : null}
            {result.draft.improvements.length > 0 ? (
              <PackageTable
                caption={
                  result.draft.ranked
                    ? 'Packages that improve on the draft, the largest Nash product of the gains over it first'
                    : 'Packages that improve on the draft, largest welfare first'
                }
                rows={result.draft.improvements.map((p, i): PackageRow => ({
                  key: `i${i}`,
                  name: frontierNameOf(packages, p.choices) ?? `Improvement ${i + 1}`,
                  choices: p.choices,
                  utilities: p.utilities,
                }))}
                partyIds={result.included}
                parties={parties}
                issues={issues}
                testId="improvements-table"
              />
            ) : null}
          </>
        ) : (
          <p>
            {result.draftOpenIssues.length > 0
              ? `The draft leaves ${result.draftOpenIssues.length} issue${result.draftOpenIssues.length === 1 ? '' : 's'} open, so it has no utilities and nothing improves on it yet: ${result.draftOpenIssues
                  .map((i) => issues?.find((x) => x.id === i)?.name ?? i)
                  .join('; ')}.`
              : 'The draft chooses no options yet.'}
          </p>
        )}
      </div>

      <div className="card">
        <h3>What the analysis left out, and what it held to</h3>
        {result.excluded.length > 0 ? (
          <p>
            <strong>Left out:</strong> {names(parties, result.excluded)}, as their preferences are not shared with you
            or not stated.
          </p>
        ) : (
          <p>No party was left out.</p>
        )}
        {result.redLinesApplied.length > 0 ? (
          <details>
            <summary>
              {result.redLinesApplied.length} red line{result.redLinesApplied.length === 1 ? '' : 's'} applied as hard
              constraints
            </summary>
            <ul>
              {result.redLinesApplied.map((r) => (
                <li key={r}>{conflictInWords(`red line ${r}`, redLines, parties)}</li>
              ))}
            </ul>
          </details>
        ) : (
          <p>No red line applied.</p>
        )}
        {whatIf ? (
          <p>
            <strong>Set aside for this what-if:</strong>{' '}
            {analysis.setAside.map((r) => conflictInWords(`red line ${r}`, redLines, parties)).join('; ')}.
          </p>
        ) : null}
        {leftOutNotes.length > 0 ? (
          <ul>
            {leftOutNotes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        ) : null}
      </div>
    </section>
  );
}

/** The mediator picks packages of the analysis and releases them to chosen parties. */
function ReleaseForm({
  negotiationId,
  analysisId,
  packages,
  parties,
  issues,
  included,
}: {
  negotiationId: string;
  analysisId: string;
  packages: ReturnType<typeof packagesOf>;
  parties: Party[] | undefined;
  issues: Issue[] | undefined;
  included: string[];
}) {
  const client = useQueryClient();
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [recipients, setRecipients] = useState<Set<string>>(new Set());
  const release = useMutation({
    mutationFn: () => {
      const picked = packages.filter((p) => chosen.has(p.key));
      const frontierIndexes = picked.flatMap((p) => (p.frontierIndex === null ? [] : [p.frontierIndex]));
      const points = picked.flatMap((p): PointName[] => (p.frontierIndex === null && p.point ? [p.point] : []));
      return unwrap(
        api.POST('/api/negotiations/{id}/analyses/{itemId}/releases', {
          params: { path: { id: negotiationId, itemId: analysisId } },
          body: { partyIds: [...recipients], frontierIndexes, points },
        }),
      );
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.releases(negotiationId) });
    },
  });
  const toggle = (set: Set<string>, key: string, on: boolean) => {
    const next = new Set(set);
    if (on) next.add(key);
    else next.delete(key);
    return next;
  };
  const count = chosen.size;
  return (
    <form
      className="settle-release"
      onSubmit={(e) => {
        e.preventDefault();
        release.mutate();
      }}
    >
      <PackageTable
        caption="The frontier's packages, the bargaining solutions and the draft: tick the ones to release"
        rows={packages.map(rowOf)}
        partyIds={included}
        parties={parties}
        issues={issues}
        selected={chosen}
        onSelect={(key, on) => {
          setChosen(toggle(chosen, key, on));
          release.reset();
        }}
        selectable={(row) => {
          const p = packages.find((q) => q.key === row.key);
          return !!p && (p.frontierIndex !== null || p.point !== null);
        }}
        testId="frontier-table"
      />
      <fieldset className="settle-recipients">
        <legend>Release the ticked packages to</legend>
        {(parties ?? []).map((p) => (
          <label key={p.id}>
            <input
              type="checkbox"
              checked={recipients.has(p.id)}
              onChange={(e) => {
                setRecipients(toggle(recipients, p.id, e.target.checked));
                release.reset();
              }}
            />{' '}
            {p.name}
          </label>
        ))}
        <p className="hint">
          Each party sees the packages with its own utility only, computed from its own preferences; never another
          party&apos;s, and nothing of this analysis.
        </p>
      </fieldset>
      <button type="submit" className="primary" disabled={release.isPending || count === 0 || recipients.size === 0}>
        {release.isPending
          ? 'Releasing…'
          : `Release ${count} package${count === 1 ? '' : 's'} to ${recipients.size} part${recipients.size === 1 ? 'y' : 'ies'}`}
      </button>
      {release.error ? (
        <p role="alert" className="error">
          Could not release: {describeError(release.error)}
        </p>
      ) : null}
      {release.data ? (
        <p role="status">
          Released {count} package{count === 1 ? '' : 's'} to{' '}
          {names(
            parties,
            release.data.map((r) => r.partyId),
          )}
          .
        </p>
      ) : null}
    </form>
  );
}
