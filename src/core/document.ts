import type { Bracket, Id, Point } from './model.ts';

/** A problem found in a document, with the place it was found (`points[3].brackets[0]`). */
export interface DocumentProblem {
  path: string;
  message: string;
}

/** A placeholder `[[id]]` found in a text: where it starts and ends (exclusive), and the id inside. */
interface Placeholder {
  start: number;
  end: number;
  id: Id;
}

/** The characters of a placeholder's id: anything but `]` and white space (one sticky match, linear). */
const ID_RUN = /[^\]\s]*/y;

/**
 * The placeholders `[[id]]` of a text, left to right, without overlaps: an id is one or more
 * characters that are neither `]` nor white space. One pass: where a candidate fails, no candidate
 * starting inside it can succeed, so the scan resumes where the failed one stopped. Linear in the
 * text, whatever it holds (a regular expression here backtracked quadratically on `[[[[…`).
 */
export function findPlaceholders(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  let i = text.indexOf('[[');
  while (i !== -1) {
    ID_RUN.lastIndex = i + 2;
    ID_RUN.exec(text);
    const j = ID_RUN.lastIndex;
    if (j > i + 2 && text.charCodeAt(j) === 0x5d && text.charCodeAt(j + 1) === 0x5d) {
      found.push({ start: i, end: j + 2, id: text.slice(i + 2, j) });
      i = text.indexOf('[[', j + 2);
    } else {
      // Every start in (i, j - 2] would scan to the same j and fail the same way.
      i = text.indexOf('[[', Math.max(i + 1, j - 1));
    }
  }
  return found;
}

/** The bracket ids a point's text refers to, in order of appearance. */
export function placeholderIds(text: string): Id[] {
  return findPlaceholders(text).map((placeholder) => placeholder.id);
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
    if (seen.has(point.id))
      problems.push({
        path: `${at}.id`,
        message: `point id "${point.id}" appears twice; point ids must be unique in a version`,
      });
    seen.add(point.id);
    if (point.number !== index + 1) {
      problems.push({
        path: `${at}.number`,
        message: `point "${point.id}" is numbered ${point.number} but stands at position ${index + 1}; number points 1..n in order`,
      });
    }
    const placed = placeholderIds(point.text);
    const bracketIds = new Set<Id>();
    point.brackets.forEach((bracket, b) => {
      if (bracketIds.has(bracket.id))
        problems.push({
          path: `${at}.brackets[${b}].id`,
          message: `bracket id "${bracket.id}" appears twice in point "${point.id}"`,
        });
      bracketIds.add(bracket.id);
      const uses = placed.filter((id) => id === bracket.id).length;
      if (uses !== 1) {
        problems.push({
          path: `${at}.brackets[${b}]`,
          message: `bracket "${bracket.id}" must appear exactly once in the text as [[${bracket.id}]], found ${uses} times`,
        });
      }
      if (bracket.alternatives.length < 2) {
        problems.push({
          path: `${at}.brackets[${b}].alternatives`,
          message: `bracket "${bracket.id}" needs at least two alternatives; with one, write it into the text`,
        });
      }
    });
    for (const id of placed) {
      if (!bracketIds.has(id))
        problems.push({
          path: `${at}.text`,
          message: `the text refers to [[${id}]] but point "${point.id}" has no bracket with that id`,
        });
    }
  });
  return problems;
}

/**
 * The characters of text a list of points holds, in every language: titles, texts and every bracket
 * alternative, and the same in each translation.
 */
export function pointsTextLength(points: Pick<Point, 'title' | 'text' | 'brackets' | 'translations'>[]): number {
  let total = 0;
  for (const point of points) {
    total += point.title.length + point.text.length;
    for (const bracket of point.brackets)
      for (const alternative of bracket.alternatives) total += alternative.text.length;
    for (const translation of Object.values(point.translations ?? {})) {
      total += translation.title.length + translation.text.length;
      for (const wording of Object.values(translation.alternatives)) for (const t of wording) total += t.length;
    }
  }
  return total;
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
  const brackets = new Map(point.brackets.map((bracket) => [bracket.id, bracket]));
  let rendered = '';
  let from = 0;
  for (const placeholder of findPlaceholders(point.text)) {
    const bracket = brackets.get(placeholder.id);
    if (!bracket) continue;
    rendered += point.text.slice(from, placeholder.start) + renderBracket(bracket);
    from = placeholder.end;
  }
  return rendered + point.text.slice(from);
}
