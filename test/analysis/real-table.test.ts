import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { add, compare, ONE, ZERO } from '../../src/analysis/index.ts';
import { measureOn } from '../../bench/real-table.ts';
import { realTableDomain } from '../../bench/synthetic.ts';

describe('the real-table benchmark cases', () => {
  it('are seeded domains of 3–5 options an issue, weights summing to 1, each issue scored up to 1', () => {
    const table = realTableDomain({ parties: 7, issues: 28, seed: 1 });
    assert.deepEqual(realTableDomain({ parties: 7, issues: 28, seed: 1 }), table);
    assert.notDeepEqual(realTableDomain({ parties: 7, issues: 28, seed: 2 }), table);
    assert.equal(table.parties.length, 7);
    assert.equal(table.space.issues.length, 28);
    const sizes = new Set(table.space.issues.map((issue) => issue.options.length));
    assert.deepEqual([...sizes].sort(), [3, 4, 5]);
    for (const party of table.parties) {
      assert.ok(party.utility.kind === 'additive');
      assert.equal(compare(party.utility.weights.reduce(add, ZERO), ONE), 0);
      for (const row of party.utility.evaluations)
        assert.equal(
          compare(
            row.reduce((a, b) => (compare(a, b) >= 0 ? a : b)),
            ONE,
          ),
          0,
        );
    }
  });

  it('are answered alike by the engine, the frontier-first path and enumeration, each stopped at its time limit', async () => {
    const table = { parties: 3, issues: 6, seed: 4 };
    const answers = await Promise.all(
      (['engine', 'frontier', 'enumerate'] as const).map((method) => measureOn(method, table, 60)),
    );
    for (const answer of answers) assert.ok(!('failed' in answer), JSON.stringify(answer));
    const [engine, ...baselines] = answers as Exclude<(typeof answers)[number], { failed: string }>[];
    assert.ok(engine!.points.nash !== null);
    for (const baseline of baselines) assert.deepEqual(baseline.points, engine!.points);
    const stopped = await measureOn('frontier', { parties: 7, issues: 28, seed: 1 }, 0.05);
    assert.deepEqual(stopped, { failed: '> 0.05 s' });
  });
});
