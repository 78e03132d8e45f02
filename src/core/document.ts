import type { Bracket, Id, Point } from './model.ts';

/** A problem found in a document, with the place it was found (`points[3].brackets[0]`). */
export interface DocumentProblem {
  path: string;
  message: string;
}

const PLACEHOLDER = /\[\[([^\]\s]+)\]\]/g;

/** The bracket ids a point's text refers to, in order of appearance. */
export function placeholderIds(text: string): Id[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1] as Id);
}

/**
 * Checks the rules every version's points obey: unique stable ids, numbers 1..n in order, every
 * bracket placed exactly once in its text and every placeholder backed by a bracket with two or more
 * alternatives. Returns no problems for a valid document.
 */
export function documentProblems(points: Point[]): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const seen = new Set<Id>();
  points.forEach((point, index) => {
    const at = `points[${index}]`;
    if (seen.has(point.id)) problems.push({ path: `${at}.id`, message: `point id "${point.id}" appears twice; point ids must be unique in a version` });
    seen.add(point.id);
    if (point.number !== index + 1) {
      problems.push({ path: `${at}.number`, message: `point "${point.id}" is numbered ${point.number} but stands at position ${index + 1}; number points 1..n in order` });
    }
    const placed = placeholderIds(point.text);
    const bracketIds = new Set<Id>();
    point.brackets.forEach((bracket, b) => {
      if (bracketIds.has(bracket.id)) problems.push({ path: `${at}.brackets[${b}].id`, message: `bracket id "${bracket.id}" appears twice in point "${point.id}"` });
      bracketIds.add(bracket.id);
      const uses = placed.filter((id) => id === bracket.id).length;
      if (uses !== 1) {
        problems.push({ path: `${at}.brackets[${b}]`, message: `bracket "${bracket.id}" must appear exactly once in the text as [[${bracket.id}]], found ${uses} times` });
      }
      if (bracket.alternatives.length < 2) {
        problems.push({ path: `${at}.brackets[${b}].alternatives`, message: `bracket "${bracket.id}" needs at least two alternatives; with one, write it into the text` });
      }
    });
    for (const id of placed) {
      if (!bracketIds.has(id)) problems.push({ path: `${at}.text`, message: `the text refers to [[${id}]] but point "${point.id}" has no bracket with that id` });
    }
  });
  return problems;
}

/** Numbers points 1..n in their current order; ids stay as they are. */
export function renumber(points: Point[]): Point[] {
  return points.map((point, index) => ({ ...point, number: index + 1 }));
}

/** A bracket in UN style: each alternative in square brackets, separated by slashes. */
export function renderBracket(bracket: Bracket): string {
  return bracket.alternatives.map((alternative) => `[${alternative.text}]`).join(' / ');
}

/** A point's text with its brackets written out UN-style. */
export function renderPointText(point: Pick<Point, 'text' | 'brackets'>): string {
  return point.text.replace(PLACEHOLDER, (whole, id: string) => {
    const bracket = point.brackets.find((b) => b.id === id);
    return bracket ? renderBracket(bracket) : whole;
  });
}
