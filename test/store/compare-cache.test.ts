import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareVersions } from '../../src/core/compare.ts';
import type { Point } from '../../src/core/model.ts';
import { ComparisonCache } from '../../src/store/compare-cache.ts';
import { ComparisonWorker } from '../../src/store/compare-worker.ts';

const point = (id: string, text: string): Point => ({
  id,
  number: 1,
  title: 'T',
  text,
  brackets: [],
  issueIds: [],
  trackId: null,
});

test("a comparison is computed once per pair of texts, and each reader's texts get their own entry", async () => {
  const cache = new ComparisonCache(10);
  let computed = 0;
  const compute = async (a: Point[], b: Point[]) => {
    computed++;
    return compareVersions(a, b);
  };
  const base = [point('p1', 'the old text')];
  const proposal = [point('p1', 'the new text')];
  const first = await cache.compare(base, proposal, compute);
  const again = await cache.compare(base, structuredClone(proposal), compute);
  assert.equal(computed, 1);
  assert.deepEqual(again, first);
  again.points[0]!.kinds.push('moved');
  assert.deepEqual(
    (await cache.compare(base, proposal, compute)).points[0]!.kinds,
    ['changed'],
    'a caller cannot change what the next one reads',
  );
  await cache.compare(base, [point('p1', 'the new text'), point('p2', 'a point only some readers see')], compute);
  assert.equal(computed, 2, 'other texts, another entry');
});

test('the oldest entry leaves when the cache is full', async () => {
  const cache = new ComparisonCache(2);
  let computed = 0;
  const compute = async (a: Point[], b: Point[]) => {
    computed++;
    return compareVersions(a, b);
  };
  for (const text of ['a', 'b', 'c', 'a']) await cache.compare([point('p', 'x')], [point('p', text)], compute);
  assert.equal(computed, 4, '"a" had left when "c" came in');
});

test('a long comparison on the worker thread gives the same answer as in place', async () => {
  const worker = new ComparisonWorker();
  try {
    const long = (word: string) => Array.from({ length: 3000 }, (_, i) => `${word}${i % 97}`).join(' ');
    const base = [point('p1', long('alpha')), point('p2', long('beta'))];
    const proposal = [point('p2', long('beta')), point('p1', `${long('alpha')} and more`)];
    assert.deepEqual(await worker.compare(base, proposal), compareVersions(base, proposal));
  } finally {
    await worker.close();
  }
});
