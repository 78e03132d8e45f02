import { useId, useState, type ReactNode } from 'react';
import { useSearchParams } from 'wouter';
import {
  useCompare,
  useNegotiation,
  useParties,
  useVersions,
  type Comparison,
  type Point,
  type Version,
} from '../api/queries';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { Await } from '../components/Status';
import { ExportMenu } from '../components/TextFiles';
import './Compare.css';

type PointComparison = Comparison['comparison']['points'][number];
type Bracket = Point['brackets'][number];

/** The summary's kinds in the order a reader wants them, with the words each count is said in. */
const SUMMARY: [kind: string, words: string][] = [
  ['changed', 'changed'],
  ['added', 'added'],
  ['removed', 'removed'],
  ['merged', 'merged'],
  ['split', 'split'],
  ['moved', 'moved'],
  ['renumbered', 'renumbered'],
  ['unchanged', 'unchanged'],
];

/** A version's name in a picker: its label, its author, and withdrawn or internal when it is. */
function versionName(version: Version, partyName: (id: string) => string): string {
  const author = version.authorPartyId ? partyName(version.authorPartyId) : 'the table';
  const marks = [version.internal ? 'internal' : null, version.withdrawnAt ? 'withdrawn' : null].filter(Boolean);
  return `${version.label} — ${author}${marks.length ? ` (${marks.join(', ')})` : ''}`;
}

/** Two versions the reader sees, side by side, point by point and word by word. */
export default function ComparePage({ id }: { id: string }) {
  const versions = useVersions(id);
  const negotiation = useNegotiation(id);
  const parties = useParties(id);
  const [search, setSearch] = useSearchParams();
  const partyName = (partyId: string) => parties.data?.find((p) => p.id === partyId)?.name ?? partyId;
  return (
    <section aria-labelledby="compare-title">
      <h1 id="compare-title">Compare versions</h1>
      <Await query={versions} what="the versions">
        {(list) => {
          if (list.length === 0) return <p className="status">You have received no version of the text yet.</p>;
          // The version asked for in the address, else the current text, else the newest with a parent.
          const asked = search.get('version');
          const current = negotiation.data?.currentVersionId ?? null;
          const proposal =
            list.find((v) => v.id === asked) ??
            list.find((v) => v.id === current && v.parentId !== null) ??
            [...list].reverse().find((v) => v.parentId !== null) ??
            list[list.length - 1]!;
          const baseId = search.get('base') ?? proposal.parentId;
          const choose = (versionId: string, base: string | null) => {
            const next = new URLSearchParams(search);
            next.set('version', versionId);
            if (base) next.set('base', base);
            else next.delete('base');
            setSearch(next);
          };
          return (
            <>
              {asked && asked !== proposal.id ? (
                <p className="error" role="alert">
                  You have no version &ldquo;{asked}&rdquo;; showing {proposal.label} instead.
                </p>
              ) : null}
              <div className="compare-pickers row">
                <VersionSelect
                  label="Version"
                  value={proposal.id}
                  versions={list}
                  partyName={partyName}
                  // A new version is compared with its own parent unless the reader picks another base.
                  onChange={(versionId) => choose(versionId, list.find((v) => v.id === versionId)?.parentId ?? null)}
                />
                <VersionSelect
                  label="Compared with"
                  value={baseId ?? ''}
                  versions={list.filter((v) => v.id !== proposal.id)}
                  partyName={partyName}
                  placeholder={baseId ? undefined : 'Choose a version'}
                  onChange={(base) => choose(proposal.id, base)}
                />
                {baseId ? (
                  <ExportMenu id={id} versionId={proposal.id} compare={baseId} lang={search.get('lang') ?? undefined} />
                ) : null}
                <LanguageSwitch
                  languages={negotiation.data?.languages}
                  value={search.get('lang') ?? undefined}
                  onChange={(lang) => {
                    const next = new URLSearchParams(search);
                    if (lang) next.set('lang', lang);
                    else next.delete('lang');
                    setSearch(next);
                  }}
                />
              </div>
              {baseId ? (
                <ComparisonView
                  id={id}
                  versionId={proposal.id}
                  baseId={baseId}
                  lang={search.get('lang') ?? undefined}
                  partyName={partyName}
                />
              ) : (
                <p className="status">{proposal.label} has no parent: choose the version to compare it with.</p>
              )}
            </>
          );
        }}
      </Await>
    </section>
  );
}

function VersionSelect({
  label,
  value,
  versions,
  partyName,
  placeholder,
  onChange,
}: {
  label: string;
  value: string;
  versions: Version[];
  partyName: (id: string) => string;
  placeholder?: string;
  onChange: (versionId: string) => void;
}) {
  const selectId = useId();
  return (
    <div className="compare-picker">
      <label htmlFor={selectId}>{label}</label>
      <select id={selectId} value={value} onChange={(e) => onChange(e.target.value)}>
        {placeholder ? (
          <option value="" disabled>
            {placeholder}
          </option>
        ) : null}
        {versions.map((v) => (
          <option key={v.id} value={v.id}>
            {versionName(v, partyName)}
          </option>
        ))}
      </select>
    </div>
  );
}

function ComparisonView({
  id,
  versionId,
  baseId,
  lang,
  partyName,
}: {
  id: string;
  versionId: string;
  baseId: string;
  lang?: string;
  partyName: (id: string) => string;
}) {
  const comparison = useCompare(id, versionId, baseId, lang);
  const [changedOnly, setChangedOnly] = useState(false);
  const toggleId = useId();
  return (
    <Await query={comparison} what="the comparison">
      {({ base, proposal, comparison: result }) => {
        const basePoints = new Map(base.points.map((p) => [p.id, p]));
        const proposalPoints = new Map(proposal.points.map((p) => [p.id, p]));
        const shown = result.points.filter((p) => !changedOnly || !isUnchanged(p, basePoints, proposalPoints));
        const summary = SUMMARY.map(([kind, words]) => `${result.summary[kind] ?? 0} ${words}`);
        return (
          <>
            <div className="compare-heads">
              <div>
                <span className="compare-side-name">Base:</span> {versionName(base, partyName)}
              </div>
              <div>
                <span className="compare-side-name">Version:</span> {versionName(proposal, partyName)}
              </div>
            </div>
            <p className="compare-summary" data-testid="compare-summary" aria-live="polite">
              <strong>{proposal.label}</strong> against <strong>{base.label}</strong>: {summary.join(', ')}.
            </p>
            {base.separateFormat || proposal.separateFormat ? (
              <p className="hint">{(proposal.separateFormat ?? base.separateFormat)!.note}.</p>
            ) : null}
            {result.coarse ? <p className="hint">Note: {result.coarse.reason}.</p> : null}
            <p className="row">
              <input
                id={toggleId}
                type="checkbox"
                checked={changedOnly}
                onChange={(e) => setChangedOnly(e.target.checked)}
              />
              <label htmlFor={toggleId}>Changed points only</label>
              <span className="hint">(leaves out points that are unchanged or only renumbered)</span>
            </p>
            {shown.length === 0 ? <p className="status">No point differs between these two versions.</p> : null}
            <ol className="compare-points" aria-label={`Points of ${proposal.label} against ${base.label}`}>
              {shown.map((point) => (
                <PointRow
                  key={point.pointId}
                  point={point}
                  before={basePoints.get(point.pointId)}
                  after={proposalPoints.get(point.pointId)}
                  baseLabel={base.label}
                  proposalLabel={proposal.label}
                />
              ))}
            </ol>
          </>
        );
      }}
    </Await>
  );
}

/**
 * A point "changed only" leaves out: nothing about it differs, its brackets included, or only its
 * number, because points were added or removed before it.
 */
function isUnchanged(point: PointComparison, before: Map<string, Point>, after: Map<string, Point>): boolean {
  if (!point.kinds.every((kind) => kind === 'unchanged' || kind === 'renumbered')) return false;
  return bracketChanges(before.get(point.pointId), after.get(point.pointId)).length === 0;
}

/** What the kinds of a change say, in words (colour is never the only sign). */
function kindBadges(point: PointComparison): ReactNode[] {
  return point.kinds.map((kind) => {
    if (kind === 'moved')
      return (
        <span key={kind} className="badge compare-moved">
          moved: was point {point.baseNumber}, now {point.proposalNumber}
        </span>
      );
    if (kind === 'renumbered')
      return (
        <span key={kind} className="badge compare-renumbered">
          was point {point.baseNumber}, now {point.proposalNumber}
        </span>
      );
    const style = kind === 'added' ? 'support' : kind === 'removed' ? 'oppose' : kind === 'changed' ? 'amend' : '';
    return (
      <span key={kind} className={`badge ${style} compare-${kind}`}>
        {kind}
      </span>
    );
  });
}

function PointRow({
  point,
  before,
  after,
  baseLabel,
  proposalLabel,
}: {
  point: PointComparison;
  before?: Point;
  after?: Point;
  baseLabel: string;
  proposalLabel: string;
}) {
  const number = point.proposalNumber ?? point.baseNumber;
  const title = point.proposalTitle ?? point.baseTitle ?? '';
  const brackets = bracketChanges(before, after);
  const titleChanged =
    point.baseTitle !== null && point.proposalTitle !== null && point.baseTitle !== point.proposalTitle;
  const headingId = `compare-point-${point.pointId}`;
  return (
    <li
      className={`card compare-point ${point.kinds.map((k) => `is-${k}`).join(' ')}`}
      data-kinds={point.kinds.join(' ')}
      data-testid="compare-point"
      aria-labelledby={headingId}
    >
      <div className="row compare-point-head">
        <h2 id={headingId}>
          {point.proposalNumber === null ? `Point ${point.baseNumber} (removed)` : `Point ${number}`}: {title}
        </h2>
        {kindBadges(point)}
        {brackets.length > 0 ? <span className="badge amend compare-brackets-changed">brackets changed</span> : null}
      </div>
      {titleChanged ? (
        <p className="compare-title-change">
          Title: <del>{point.baseTitle}</del> <ins>{point.proposalTitle}</ins>
        </p>
      ) : null}
      <div className="compare-sides">
        <div className="compare-side compare-base">
          <h3 className="compare-side-label">
            {baseLabel}
            {point.baseNumber !== null ? `, point ${point.baseNumber}` : ''}
          </h3>
          {point.words ? (
            <p>
              {point.words.map((word, index) =>
                word.kind === 'added' ? null : word.kind === 'removed' ? (
                  <del key={index}>{word.text}</del>
                ) : (
                  <span key={index}>{word.text}</span>
                ),
              )}
            </p>
          ) : before ? (
            <p>
              <del>
                <PointText point={before} />
              </del>
            </p>
          ) : (
            <p className="hint">Not in {baseLabel}.</p>
          )}
        </div>
        <div className="compare-side compare-proposal">
          <h3 className="compare-side-label">
            {proposalLabel}
            {point.proposalNumber !== null ? `, point ${point.proposalNumber}` : ''}
          </h3>
          {point.words ? (
            <p>
              {point.words.map((word, index) =>
                word.kind === 'removed' ? null : word.kind === 'added' ? (
                  <ins key={index}>{word.text}</ins>
                ) : (
                  <span key={index}>{word.text}</span>
                ),
              )}
            </p>
          ) : after ? (
            <p>
              <ins>
                <PointText point={after} />
              </ins>
            </p>
          ) : (
            <p className="hint">Not in {proposalLabel}.</p>
          )}
        </div>
      </div>
      {point.granularity && point.granularity !== 'words' ? (
        <p className="hint">Shown {point.granularity === 'sentences' ? 'sentence by sentence' : 'as a whole'}.</p>
      ) : null}
      {brackets.length > 0 ? (
        <div className="compare-bracket-changes">
          <h3>Brackets</h3>
          <ul>
            {brackets.map((change) => (
              <li key={change.id}>{change.text}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </li>
  );
}

/** A point's wording with its brackets written out, each marked as a bracket. */
function PointText({ point }: { point: Point }) {
  const parts: ReactNode[] = [];
  const brackets = new Map(point.brackets.map((b) => [b.id, b]));
  const pattern = /\[\[([^\]]+)\]\]/g;
  let from = 0;
  for (const match of point.text.matchAll(pattern)) {
    const bracket = brackets.get(match[1]!);
    if (!bracket) continue;
    parts.push(point.text.slice(from, match.index));
    parts.push(
      <span key={match.index} className="bracket">
        {alternatives(bracket)}
      </span>,
    );
    from = match.index + match[0].length;
  }
  parts.push(point.text.slice(from));
  return <>{parts}</>;
}

const alternatives = (bracket: Bracket) => bracket.alternatives.map((a) => `[${a.text}]`).join(' / ');

/** How the brackets of a point differ between two versions, one sentence each. */
function bracketChanges(before?: Point, after?: Point): { id: string; text: ReactNode }[] {
  if (!before || !after) return [];
  const changes: { id: string; text: ReactNode }[] = [];
  const old = new Map(before.brackets.map((b) => [b.id, b]));
  const now = new Map(after.brackets.map((b) => [b.id, b]));
  for (const bracket of after.brackets) {
    const was = old.get(bracket.id);
    if (!was)
      changes.push({
        id: bracket.id,
        text: (
          <>
            <span className="badge support">bracket added</span> <ins className="bracket">{alternatives(bracket)}</ins>
          </>
        ),
      });
    else if (alternatives(was) !== alternatives(bracket))
      changes.push({
        id: bracket.id,
        text: (
          <>
            <span className="badge amend">bracket changed</span> <del className="bracket">{alternatives(was)}</del>{' '}
            became <ins className="bracket">{alternatives(bracket)}</ins>
          </>
        ),
      });
  }
  for (const bracket of before.brackets)
    if (!now.has(bracket.id))
      changes.push({
        id: bracket.id,
        text: (
          <>
            <span className="badge oppose">bracket resolved or removed</span>{' '}
            <del className="bracket">{alternatives(bracket)}</del>
          </>
        ),
      });
  return changes;
}
