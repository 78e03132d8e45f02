import { isDeepStrictEqual } from 'node:util';
import fastJson from 'fast-json-stringify';
import { serializerCompiler as checkingSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Responses are written from their JSON Schemas by fast-json-stringify, as Fastify does natively:
 * a compiled writer that emits only the properties the schema declares (so nothing a schema does not
 * name leaves the server), instead of re-validating every response with zod before
 * `JSON.stringify`. Under test (`PARLEY_CHECK_RESPONSES=1`, set by the test runner) every response is
 * still checked against its zod schema first, so a response that breaks its schema fails the tests.
 */

type Schema = z.ZodType;
type CompilerInput = { schema: unknown; method: string; url: string; httpStatus?: string };

/** The JSON Schema fast-json-stringify compiles: zod's output schema, with `null` unions made plain. */
export function responseJsonSchema(schema: Schema): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'output', target: 'draft-7', unrepresentable: 'any' });
  return simplify(json) as Record<string, unknown>;
}

/**
 * `anyOf: [X, {type: 'null'}]` (zod's `.nullable()`) becomes X with `null` added to its type: the
 * same values, and fast-json-stringify writes it without trying each branch in turn.
 */
function simplify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(simplify);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = simplify(value);
  const anyOf = out.anyOf as Record<string, unknown>[] | undefined;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const nullIndex = anyOf.findIndex((branch) => branch.type === 'null' && Object.keys(branch).length === 1);
    const other = anyOf[1 - nullIndex];
    if (nullIndex >= 0 && other && typeof other.type === 'string' && other.$ref === undefined) {
      const { anyOf: _dropped, ...rest } = out;
      return { ...rest, ...other, type: [other.type, 'null'] };
    }
  }
  return out;
}

const checkResponses = process.env.PARLEY_CHECK_RESPONSES === '1';

export function serializerCompiler(input: CompilerInput): (data: unknown) => string {
  const schema = input.schema as Schema;
  const compiled = fastJson(responseJsonSchema(schema) as unknown as Parameters<typeof fastJson>[0]);
  // A frozen value is one the store keeps between requests (`read-cache.ts`): it cannot change, so
  // its bytes are written once and served again for as long as the store keeps the value itself
  // (encoding a large answer to UTF-8 anew was a tenth of a positions read).
  const written = new WeakMap<object, Buffer>();
  const write = (data: unknown): string => {
    if (!data || typeof data !== 'object' || !Object.isFrozen(data)) return compiled(data);
    let bytes = written.get(data);
    if (bytes === undefined) {
      bytes = Buffer.from(compiled(data));
      written.set(data, bytes);
    }
    // Fastify sends a Buffer as it is; the type says string because that is what most writers give.
    return bytes as unknown as string;
  };
  if (!checkResponses) return write;
  const check = checkingSerializerCompiler(input as Parameters<typeof checkingSerializerCompiler>[0]);
  return (data) => {
    // Throws ResponseSerializationError when the response breaks its schema.
    const checked = check(data) as string;
    const written = write(data);
    const text = String(written);
    if (text !== checked && !isDeepStrictEqual(JSON.parse(text), JSON.parse(checked)))
      throw new Error(
        `the compiled writer of ${input.method} ${input.url} (${input.httpStatus}) wrote ${written.slice(0, 300)}, not ${checked.slice(0, 300)}`,
      );
    return written;
  };
}
