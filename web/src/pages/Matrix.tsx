import { VersionOptions } from '../components/VersionOptions';
import * as Dialog from '@radix-ui/react-dialog';
import { useMemo, useState } from 'react';
import {
  useDocument,
  useIssues,
  useNegotiation,
  useParties,
  usePositionsOn,
  useRounds,
  useVersions,
  type Issue,
  type Party,
  type Point,
  type Position,
  type Round,
  type Version,
} from '../api/queries';
import {
  PositionBadge,
  PositionBody,
  STANCE_ABBREVIATIONS,
  STANCE_WORDS,
  STANCES,
  stanceClass,
  type Stance,
} from '../components/PositionBadge';
import { Failure, Loading, RefreshFailed } from '../components/Status';
import './Matrix.css';

/**
 * How contested a point is, in two numbers the reader can check: how many different stances the
 * visible positions take, and how many of them oppose it or draw a red line on it.
 */
export function contestedness(positions: Position[]): { stances: number; against: number } {
  return {
    stances: new Set(positions.map((p) => p.stance)).size,
    against: positions.filter((p) => p.stance === 'oppose' || p.stance === 'red_line').length,
  };
}

/** The comparison a reader may choose: the version of the previous round, or the parent version. */
interface Base {
  key: string;
  versionId: string;
  label: string;
}

/**
 * The versions to compare with: the version of the round before the one that discussed this version
 * (or, when no round did, of the last round before the version was made), and the parent version.
 */
export function comparisonBases(version: Version, versions: Version[], rounds: Round[]): Base[] {
  const known = new Map(versions.map((v) => [v.id, v]));
  const bases: Base[] = [];
  const withVersions = rounds
    .filter((r) => r.versionId && !r.cancelledAt && known.has(r.versionId))
    .sort((a, b) => a.startsOn.localeCompare(b.startsOn));
  const own = withVersions.filter((r) => r.versionId === version.id);
  const before = own.length
    ? withVersions.filter((r) => r.startsOn < own[0]!.startsOn && r.versionId !== version.id)
    : withVersions.filter((r) => r.versionId !== version.id && r.startsOn <= version.createdAt);
  const previous = before.at(-1);
  if (previous)
    bases.push({
      key: 'round',
      versionId: previous.versionId!,
      label: `the previous round, ${previous.title} (${known.get(previous.versionId!)!.label})`,
    });
  if (version.parentId && known.has(version.parentId))
    bases.push({
      key: 'parent',
      versionId: version.parentId,
      label: `the parent version, ${known.get(version.parentId)!.label}`,
    });
  return bases;
}

type SortBy = 'number' | 'contested';

export default function MatrixPage({ id }: { id: string }) {
  const [versionId, setVersionId] = useState<string | undefined>(undefined);
  const [baseKey, setBaseKey] = useState<string | null>(null);
  const negotiation = useNegotiation(id);
  const versions = useVersions(id);
  const document = useDocument(id, versionId);
  const positions = usePositionsOn(id, document.data?.id);
  const parties = useParties(id);
  const issues = useIssues(id);
  const rounds = useRounds(id);
  const bases = useMemo(
    () => (document.data && versions.data ? comparisonBases(document.data, versions.data, rounds.data ?? []) : []),
    [document.data, versions.data, rounds.data],
  );
  const base = baseKey === 'none' ? undefined : (bases.find((b) => b.key === baseKey) ?? bases[0]);
  const basePositions = usePositionsOn(id, base?.versionId);

  const readings = [document, positions, parties, issues];
  const failed = readings.find((q) => q.error && q.data === undefined);
  const unrefreshed = readings.find((q) => q.error && q.data !== undefined);
  return (
    <div className="matrix-page">
      <h1>Positions</h1>
      <div className="row matrix-controls">
        <label>
          Version{' '}
          <select
            value={versionId ?? document.data?.id ?? ''}
            onChange={(e) => {
              setVersionId(e.target.value || undefined);
              setBaseKey(null);
            }}
            disabled={!versions.data}
          >
            <VersionOptions
              versions={versions.data}
              shown={document.data}
              currentVersionId={negotiation.data?.currentVersionId}
            />
          </select>
        </label>
        <label>
          Changes since{' '}
          <select value={base?.key ?? 'none'} onChange={(e) => setBaseKey(e.target.value)}>
            {bases.map((b) => (
              <option key={b.key} value={b.key}>
                {b.label}
              </option>
            ))}
            <option value="none">(show no changes)</option>
          </select>
        </label>
      </div>
      {versions.error ? <Failure error={versions.error} what="the versions" /> : null}
      {rounds.error ? <Failure error={rounds.error} what="the rounds" /> : null}
      {basePositions.error ? <Failure error={basePositions.error} what="the earlier positions" /> : null}
      {unrefreshed ? <RefreshFailed error={unrefreshed.error} what="the positions" /> : null}
      {failed ? (
        <Failure error={failed.error} what="the positions" />
      ) : !document.data || !positions.data || !parties.data || !issues.data ? (
        <Loading what="the positions" />
      ) : (
        <Heatmap
          version={document.data}
          positions={positions.data}
          basePositions={base ? basePositions.data : undefined}
          baseLabel={base?.label}
          parties={parties.data}
          issues={issues.data}
        />
      )}
    </div>
  );
}

/** Where a stance moved: towards agreement (up) or away from it (down), in the order support … red line. */
const direction = (from: Stance, to: Stance) => (STANCES.indexOf(to) < STANCES.indexOf(from) ? '↑' : '↓');

type Row = { point: Point } | { number: number };

function Heatmap({
  version,
  positions,
  basePositions,
  baseLabel,
  parties,
  issues,
}: {
  version: Version;
  positions: Position[];
  basePositions: Position[] | undefined;
  baseLabel: string | undefined;
  parties: Party[];
  issues: Issue[];
}) {
  const [sortBy, setSortBy] = useState<SortBy>('number');
  const [open, setOpen] = useState<{
    position: Position | null;
    was: Position | null;
    point: Point;
    party: Party;
  } | null>(null);
  const at = (list: Position[] | undefined, pointId: string, partyId: string) =>
    list?.find((p) => p.pointId === pointId && p.partyId === partyId) ?? null;
  const rows: Row[] = [
    ...version.points.map((point) => ({ point })),
    ...(version.separateFormat?.pointNumbers ?? []).map((number) => ({ number })),
  ];
  const score = (row: Row) => {
    if (!('point' in row)) return { stances: -1, against: -1 };
    return contestedness(positions.filter((p) => p.pointId === row.point.id));
  };
  const numberOf = (row: Row) => ('point' in row ? row.point.number : row.number);
  rows.sort((a, b) => {
    if (sortBy === 'contested') {
      const [x, y] = [score(a), score(b)];
      if (x.stances !== y.stances) return y.stances - x.stances;
      if (x.against !== y.against) return y.against - x.against;
    }
    return numberOf(a) - numberOf(b);
  });
  const changes = basePositions
    ? positions.filter((p) => {
        const was = at(basePositions, p.pointId, p.partyId);
        return !was || was.stance !== p.stance;
      }).length
    : 0;

  const sortButton = (key: SortBy, label: string) => (
    <button type="button" className="link sort" onClick={() => setSortBy(key)} aria-pressed={sortBy === key}>
      {label}
      {sortBy === key ? ' ▾' : ''}
    </button>
  );

  return (
    <>
      <p className="hint">
        {version.label}: {version.points.length} points you may see × {parties.length} parties. A cell shows the party’s
        stance where you may see its position; an empty cell means none you may see.{' '}
        {basePositions && baseLabel
          ? `Marked with an arrow: ${changes} stance${changes === 1 ? '' : 's'} changed or new since ${baseLabel}.`
          : ''}
      </p>
      <ul className="matrix-legend" aria-label="Legend">
        {STANCES.map((s) => (
          <li key={s}>
            <span className={`badge ${stanceClass(s)}`}>{STANCE_ABBREVIATIONS[s]}</span> {STANCE_WORDS[s]}
          </li>
        ))}
        <li>
          <span className="badge support stale">sup*</span> stale
        </li>
      </ul>
      <div className="scroll matrix-scroll">
        <table className="matrix">
          <caption className="visually-hidden">
            Positions on {version.label}: points in rows, parties in columns
          </caption>
          <thead>
            <tr>
              <th scope="col" aria-sort={sortBy === 'number' ? 'ascending' : 'none'}>
                {sortButton('number', 'Point')}
              </th>
              <th scope="col" aria-sort={sortBy === 'contested' ? 'descending' : 'none'}>
                {sortButton('contested', 'Contested')}
              </th>
              {parties.map((party) => (
                <th key={party.id} scope="col" className="party">
                  <abbr title={party.name}>{party.shortName}</abbr>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              if (!('point' in row))
                return (
                  <tr key={`separate-${row.number}`} className="separate">
                    <th scope="row">{row.number}.</th>
                    <td colSpan={parties.length + 1} className="hint">
                      Negotiated in a separate format
                    </td>
                  </tr>
                );
              const { point } = row;
              const { stances, against } = score(row);
              return (
                <tr key={point.id} data-point={point.id}>
                  <th scope="row" className="point-cell">
                    <span className="number">{point.number}.</span> {point.title}
                  </th>
                  <td className="contested-cell">
                    {stances} stance{stances === 1 ? '' : 's'}
                    {against ? `, ${against} against` : ''}
                    {point.brackets.length ? (
                      <span className="hint">
                        {' '}
                        · {point.brackets.length} bracket{point.brackets.length === 1 ? '' : 's'}
                      </span>
                    ) : null}
                  </td>
                  {parties.map((party) => {
                    const position = at(positions, point.id, party.id);
                    const was = basePositions ? at(basePositions, point.id, party.id) : null;
                    const changed = basePositions !== undefined && (position?.stance ?? null) !== (was?.stance ?? null);
                    if (!position && !changed)
                      return (
                        <td key={party.id} className="cell empty">
                          <span className="visually-hidden">no position you may see</span>
                        </td>
                      );
                    const cls = position ? stanceClass(position.stance) : 'none';
                    const changeWords = changed
                      ? position && was
                        ? `${direction(was.stance, position.stance)} was ${STANCE_WORDS[was.stance]}`
                        : position
                          ? 'new'
                          : `was ${STANCE_WORDS[was!.stance]}`
                      : null;
                    return (
                      <td key={party.id} className={`cell ${cls}${changed ? ' changed' : ''}`} data-party={party.id}>
                        <button
                          type="button"
                          className="cell-button"
                          onClick={() => setOpen({ position, was, point, party })}
                          aria-label={`${party.shortName} on point ${point.number}: ${
                            position ? STANCE_WORDS[position.stance] : 'no position you may see'
                          }${position?.stale ? ', stale' : ''}${changeWords ? `, ${changeWords}` : ''}`}
                        >
                          <span aria-hidden="true">
                            {position ? STANCE_ABBREVIATIONS[position.stance] : '–'}
                            {position?.stale ? '*' : ''}
                          </span>
                          {changeWords ? (
                            <span className="change" aria-hidden="true">
                              {changeWords}
                            </span>
                          ) : null}
                        </button>
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Dialog.Root open={open !== null} onOpenChange={(next) => (next ? null : setOpen(null))}>
        <Dialog.Portal>
          <Dialog.Overlay className="dialog-overlay" />
          <Dialog.Content className="dialog-content">
            {open ? (
              <>
                <Dialog.Title>
                  {open.party.name} on point {open.point.number}
                </Dialog.Title>
                <Dialog.Description className="hint">{open.point.title}</Dialog.Description>
                {open.position ? (
                  <>
                    <PositionBadge position={open.position} party={open.party} point={open.point} issues={issues} />
                    <PositionBody position={open.position} point={open.point} issues={issues} version={version} />
                  </>
                ) : (
                  <p>No position you may see on this version.</p>
                )}
                {basePositions && baseLabel ? (
                  <p className="hint">
                    In {baseLabel}:{' '}
                    {open.was
                      ? `${STANCE_WORDS[open.was.stance]}${open.was.proposedText ? `, proposing “${open.was.proposedText}”` : ''}`
                      : 'no position you may see'}
                    .
                  </p>
                ) : null}
                <Dialog.Close asChild>
                  <button type="button" className="primary">
                    Close
                  </button>
                </Dialog.Close>
              </>
            ) : null}
          </Dialog.Content>
        </Dialog.Portal>
      </Dialog.Root>
    </>
  );
}
