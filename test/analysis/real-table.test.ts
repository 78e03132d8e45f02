import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { add, compare, ONE, ZERO } from '../../src/analysis/index.ts';
import { measureOn, negmasRun, pythonLowerBound } from '../../bench/real-table.ts';
import { seededDraft } from '../../bench/real-table-worker.ts';
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

  it('are answered alike by the points, the desk, the frontier-first path and enumeration, each stopped at its time limit', async () => {
    const table = { parties: 3, issues: 6, seed: 4 };
    const answers = await Promise.all(
      (['points', 'desk', 'frontier', 'enumerate'] as const).map((method) => measureOn(method, table, 60)),
    );
    for (const answer of answers) assert.ok(!('failed' in answer), JSON.stringify(answer));
    const [points, ...others] = answers as Exclude<(typeof answers)[number], { failed: string }>[];
    assert.ok(points!.points.nash !== null);
    for (const other of others) assert.deepEqual(other.points, points!.points);
    const stopped = await measureOn('frontier', { parties: 7, issues: 28, seed: 1 }, 0.05);
    assert.deepEqual(stopped, { failed: '> 0.05 s' });
  });

  it("draw the desk's draft from the seed: the same package each time, one valid option an issue", () => {
    const problem = realTableDomain({ parties: 4, issues: 20, seed: 9 });
    const draft = seededDraft(problem, 9);
    assert.deepEqual(seededDraft(problem, 9), draft);
    assert.notDeepEqual(seededDraft(problem, 10), draft);
    draft.forEach((option, i) =>
      assert.ok(Number.isInteger(option) && option >= 0 && option < problem.space.issues[i]!.options.length),
    );
  });

  it('run NegMAS where python3 imports it, its frontier the size of the exact one', async (t) => {
    const problem = realTableDomain({ parties: 3, issues: 6, seed: 4 });
    const run = negmasRun(problem, 120);
    if (run === null) return t.skip('python3 cannot import negmas here (PYTHONPATH may name a checkout)');
    const [answer, exact] = await Promise.all([run, measureOn('frontier', { parties: 3, issues: 6, seed: 4 }, 60)]);
    assert.ok(!('failed' in answer) && !('failed' in exact), JSON.stringify([answer, exact]));
    assert.equal(answer.frontierSize, exact.frontierSize);
  });

  it('floor a Python brute force by enumerating every outcome and summing its utilities, stopped at the limit', async (t) => {
    const problem = realTableDomain({ parties: 3, issues: 6, seed: 4 });
    const run = pythonLowerBound(problem, 60);
    if (run === null) return t.skip('python3 is not on the PATH');
    const answer = await run;
    assert.ok(!('failed' in answer) && answer.ms >= 0, JSON.stringify(answer));
    const stopped = await pythonLowerBound(realTableDomain({ parties: 7, issues: 28, seed: 1 }), 0.5);
    assert.deepEqual(stopped, { failed: '> 0.5 s' });
  });
});
