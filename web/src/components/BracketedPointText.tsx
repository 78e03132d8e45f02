import { Fragment, type ReactNode } from 'react';
import type { Party, Point } from '../api/queries';
import { alternativeLetter } from './PositionBadge';

type Piece = { text: string } | { bracketId: string };

/** Whether a character may stand in a placeholder's id: anything but `]` and white space. */
const idChar = (c: string) => c !== ']' && !/\s/.test(c);

/**
 * A point's wording cut at its placeholders `[[bracket-id]]`, left to right. One pass: where a
 * candidate fails, no candidate starting inside it can succeed, so the scan resumes where it stopped.
 */
export function splitPlaceholders(text: string, bracketIds: Set<string>): Piece[] {
  const pieces: Piece[] = [];
  let from = 0;
  let i = text.indexOf('[[');
  while (i !== -1) {
    let j = i + 2;
    while (j < text.length && idChar(text[j]!)) j++;
    if (j > i + 2 && text.startsWith(']]', j) && bracketIds.has(text.slice(i + 2, j))) {
      if (i > from) pieces.push({ text: text.slice(from, i) });
      pieces.push({ bracketId: text.slice(i + 2, j) });
      from = j + 2;
      i = text.indexOf('[[', from);
    } else i = text.indexOf('[[', Math.max(i + 1, j - 1));
  }
  if (from < text.length) pieces.push({ text: text.slice(from) });
  return pieces;
}

/**
 * A point's wording with its brackets UN-style: each alternative in square brackets, separated by
 * slashes, each followed by the parties that put it forward.
 */
export function BracketedPointText({ point, parties }: { point: Point; parties: Party[] }) {
  const brackets = new Map(point.brackets.map((b) => [b.id, b]));
  const name = (id: string) => parties.find((p) => p.id === id);
  const pieces = splitPlaceholders(point.text, new Set(brackets.keys()));
  return (
    <p className="point-text">
      {pieces.map((piece, index) => {
        if ('text' in piece) return <Fragment key={index}>{piece.text}</Fragment>;
        const bracket = brackets.get(piece.bracketId)!;
        const alternatives: ReactNode[] = bracket.alternatives.map((alternative, a) => (
          <Fragment key={a}>
            {a > 0 ? ' / ' : null}
            <span className="alternative" data-alternative={alternativeLetter(a)}>
              <span className="visually-hidden">alternative {alternativeLetter(a)}: </span>[{alternative.text}]
              {alternative.proposedBy.length ? (
                <sup className="proposers">
                  {' '}
                  {alternative.proposedBy.map((p, k) => (
                    <Fragment key={p}>
                      {k > 0 ? ', ' : null}
                      <abbr title={`proposed by ${name(p)?.name ?? p}`}>{name(p)?.shortName ?? p}</abbr>
                    </Fragment>
                  ))}
                </sup>
              ) : null}
            </span>
          </Fragment>
        ));
        return (
          <span
            key={index}
            className="bracket"
            role="group"
            aria-label={`open bracket ${bracket.id}, ${bracket.alternatives.length} alternatives`}
          >
            {alternatives}
          </span>
        );
      })}
    </p>
  );
}
