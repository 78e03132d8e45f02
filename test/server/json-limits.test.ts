import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { JSON_LIMITS, jsonShapeProblem } from '../../src/server/json-limits.ts';
import { Store } from '../../src/store/store.ts';
import { freshDatabase } from '../helpers.ts';

/** The deepest nesting of a JSON value. */
const depthOf = (value: unknown): number =>
  value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value as object).map(depthOf)) : 0;

describe('JSON bodies too deep or too wide are refused before they are parsed', () => {
  test('property: the raw scan measures depth as the parsed value has it, strings with brackets, quotes and escapes included', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value);
        const problem = jsonShapeProblem(text, { depth: depthOf(value), itemsPerContainer: 10_000 });
        assert.equal(problem, null, text);
        if (depthOf(value) > 0) {
          const tight = jsonShapeProblem(text, { depth: depthOf(value) - 1, itemsPerContainer: 10_000 });
          assert.equal(tight?.status, 400, text);
        }
      }),
      { numRuns: 1000 },
    );
    assert.equal(jsonShapeProblem('{"a":"[[[[\\"{{{{"}', { depth: 1, itemsPerContainer: 1 }), null);
  });

  let app: FastifyInstance;
  let store: Store;
  before(async () => {
    store = await Store.open(await freshDatabase('json'));
    app = await buildApp({ store, logger: false });
  });
  after(async () => {
    await app.close();
    await store.close();
  });
  const send = (payload: string) =>
    app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload });

  for (const [name, body] of [
    ['arrays', '['.repeat(500_000) + ']'.repeat(500_000)],
    ['objects', '{"a":'.repeat(150_000) + '1' + '}'.repeat(150_000)],
    ['objects in a string-keyed field', `{"email":"a","password":${'['.repeat(40)}${']'.repeat(40)}}`],
  ] as const) {
    test(`nesting beyond ${JSON_LIMITS.depth} levels (${name}) gets 400 naming the limit, before sign-in`, async () => {
      const answer = await send(body);
      assert.equal(answer.statusCode, 400);
      assert.match(answer.headers['content-type'] as string, /problem\+json/);
      assert.match(answer.json().detail, new RegExp(`at most ${JSON_LIMITS.depth} levels`));
    });
  }

  test(`more than ${JSON_LIMITS.itemsPerContainer.toLocaleString('en')} items in one array or object get 413 naming the limit`, async () => {
    for (const body of [
      `{"email":"a","password":"b","x":[${Array(200_000).fill('0').join(',')}]}`,
      `{${Array.from({ length: 60_000 }, (_, i) => `"k${i}":0`).join(',')}}`,
    ]) {
      const answer = await send(body);
      assert.equal(answer.statusCode, 413);
      assert.match(answer.json().detail, /at most 10,000 in one/);
    }
  });

  test('a body within the limits is parsed as before: malformed JSON and prototype keys are still refused', async () => {
    assert.equal((await send(`{"email":"a@b.c","password":"x"}`)).statusCode, 401);
    const nested = `{"email":"a@b.c","password":"x","n":${'['.repeat(JSON_LIMITS.depth - 1)}${']'.repeat(JSON_LIMITS.depth - 1)}}`;
    assert.notEqual((await send(nested)).statusCode, 413);
    assert.notEqual((await send(nested)).json().detail.includes('levels'), true);
    assert.equal((await send('{"email":')).statusCode, 400);
    assert.equal((await send('{"__proto__":{"x":1},"email":"a","password":"b"}')).statusCode, 400);
  });
});
