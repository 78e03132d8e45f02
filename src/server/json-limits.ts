/**
 * The shape a JSON body may have, checked on its raw text before it is parsed: nesting and width cost
 * the parser, the Unicode check and the validation time out of proportion to the bytes, before any
 * route knows who is asking. No request of the API nests deeper than 8 or holds more than 1,000 items
 * in one list (500 points, 500 positions, 1,000 ids).
 */
export const JSON_LIMITS = {
  /** Objects and arrays inside one another. */
  depth: 32,
  /** Keys of one object, or items of one array. */
  itemsPerContainer: 10_000,
} as const;

export interface JsonShapeProblem {
  status: 400 | 413;
  detail: string;
}

/**
 * The first way a JSON text breaks `JSON_LIMITS`, or null: one pass over the characters, counting the
 * open objects and arrays and the commas of each; strings are skipped (an escaped quote included).
 * It does not check that the text is JSON: the parser does, once this has passed.
 *
 * @example
 * jsonShapeProblem('{"points":[1,2,3]}'); // null
 * jsonShapeProblem('['.repeat(100)); // { status: 400, detail: 'the body nests objects and arrays 33 deep …' }
 */
export function jsonShapeProblem(
  text: string,
  limits: { depth: number; itemsPerContainer: number } = JSON_LIMITS,
): JsonShapeProblem | null {
  const items: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // To the closing quote: a backslash escapes the character after it.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      items.push(1);
      if (items.length > limits.depth)
        return {
          status: 400,
          detail: `the body nests objects and arrays ${items.length} deep (at character ${i}); the API accepts at most ${limits.depth} levels`,
        };
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      items.pop();
    } else if (c === COMMA && items.length > 0) {
      const count = ++items[items.length - 1]!;
      if (count > limits.itemsPerContainer)
        return {
          status: 413,
          detail: `an object or array of the body holds more than ${limits.itemsPerContainer.toLocaleString('en')} items (at character ${i}); the API accepts at most ${limits.itemsPerContainer.toLocaleString('en')} in one, so split the change`,
        };
    }
  }
  return null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
