import type { Issue, Party, Point, Position, Version } from '../api/queries';
import './PositionBadge.css';

export type Stance = Position['stance'];
export type Visibility = Position['visibility'];

/** The stances, from the most to the least agreeable: the order the matrix's arrows follow. */
export const STANCES: Stance[] = ['support', 'amend', 'oppose', 'red_line'];

/** A stance in words (colour is never the only signal). */
export const STANCE_WORDS: Record<Stance, string> = {
  support: 'support',
  amend: 'amend',
  oppose: 'oppose',
  red_line: 'red line',
};

/** The short form for a dense cell; the title and the screen reader get the word. */
export const STANCE_ABBREVIATIONS: Record<Stance, string> = {
  support: 'sup',
  amend: 'amd',
  oppose: 'opp',
  red_line: 'RL',
};

/** The badge class of a stance in styles.css. */
export const stanceClass = (stance: Stance): string => (stance === 'red_line' ? 'red-line' : stance);

export const VISIBILITY_WORDS: Record<Visibility, string> = {
  party: 'internal to the party',
  mediator: 'shared with the mediators',
  public: 'public',
};

/** A bracket's alternative by its place: 0 is A. */
export const alternativeLetter = (index: number): string => String.fromCharCode(65 + index);

/**
 * What the position supports, in words: "option <label>" of an issue of the point, or "[B]" of one
 * of its brackets (with the bracket's id when the point has several). Null when it names neither.
 */
export function supportsWords(position: Position, point?: Point, issues?: Issue[]): string | null {
  const parts: string[] = [];
  const option = position.supportsOption;
  if (option) {
    const issue = issues?.find((i) => i.id === option.issueId);
    const label = issue?.options.find((o) => o.id === option.optionId)?.label ?? option.optionId;
    parts.push(`option “${label}”`);
  }
  const alternative = position.supportsAlternative;
  if (alternative) {
    const several = (point?.brackets.length ?? 0) > 1;
    parts.push(`[${alternativeLetter(alternative.alternative)}]${several ? ` of ${alternative.bracketId}` : ''}`);
  }
  return parts.length ? parts.join(', ') : null;
}

/**
 * One party's position on one point, compact: the party, the stance in words with its colour, what it
 * supports, and "stale" when the point changed since the party took it.
 */
export function PositionBadge({
  position,
  party,
  point,
  issues,
}: {
  position: Position;
  party?: Pick<Party, 'shortName' | 'name'>;
  point?: Point;
  issues?: Issue[];
}) {
  const supports = supportsWords(position, point, issues);
  const classes = ['badge', stanceClass(position.stance), position.stale ? 'stale' : ''].filter(Boolean).join(' ');
  return (
    <span
      className={classes}
      data-stance={position.stance}
      title={position.stale ? 'Stale: the point changed since the party took this position' : undefined}
    >
      {party ? (
        <strong>
          <abbr title={party.name}>{party.shortName}</abbr>{' '}
        </strong>
      ) : null}
      {STANCE_WORDS[position.stance]}
      {supports ? ` · ${supports}` : ''}
      {position.stale ? ' · stale' : ''}
    </span>
  );
}

/** One position, a badge that opens to its wording, rationale and audience. */
export function PositionDetails({
  position,
  party,
  point,
  issues,
  version,
}: {
  position: Position;
  party?: Party;
  point?: Point;
  issues?: Issue[];
  version?: Version;
}) {
  return (
    <details className="position" data-party={position.partyId}>
      <summary>
        <PositionBadge position={position} party={party} point={point} issues={issues} />
      </summary>
      <PositionBody position={position} point={point} issues={issues} version={version} />
    </details>
  );
}

export function PositionBody({
  position,
  point,
  issues,
  version,
}: {
  position: Position;
  point?: Point;
  issues?: Issue[];
  version?: Version;
}) {
  const supports = supportsWords(position, point, issues);
  const alternative = position.supportsAlternative;
  const bracketText =
    alternative && point
      ? point.brackets.find((b) => b.id === alternative.bracketId)?.alternatives[alternative.alternative]?.text
      : undefined;
  return (
    <dl className="position-body">
      <dt>Stance</dt>
      <dd>{STANCE_WORDS[position.stance]}</dd>
      {supports ? (
        <>
          <dt>Supports</dt>
          <dd>
            {supports}
            {bracketText ? `: “${bracketText}”` : ''}
          </dd>
        </>
      ) : null}
      <dt>Proposed wording</dt>
      <dd className="wording">{position.proposedText ?? <span className="hint">none</span>}</dd>
      <dt>Rationale</dt>
      <dd>{position.rationale || <span className="hint">none given</span>}</dd>
      <dt>Seen by</dt>
      <dd>{VISIBILITY_WORDS[position.visibility]}</dd>
      {position.stale ? (
        <>
          <dt>Stale</dt>
          <dd>the point changed since the party took this position; it counts again once restated</dd>
        </>
      ) : null}
      {position.carriedFromVersionId && position.carriedFromVersionId !== version?.id ? (
        <>
          <dt>Taken on</dt>
          <dd>an earlier version ({position.carriedFromVersionId}), carried forward</dd>
        </>
      ) : null}
      <dt>Updated</dt>
      <dd>{position.updatedAt.slice(0, 16).replace('T', ' ')}</dd>
    </dl>
  );
}
