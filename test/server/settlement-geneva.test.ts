import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { analyzeNegotiation, bargainingPoints, portableAnalysis } from '../../src/analysis/index.ts';
import { settlementOf, settlementProblem } from '../../src/core/settlement.ts';
import { preferences as demoPreferences } from '../../src/demo/geneva/stances.ts';
import { analyse, demoDatabase, signIn, startServer, TEST_ENGINE, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

describe(`the settlement desk on the Geneva demo with every party's preferences shared with the mediator (${TEST_ENGINE})`, () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase());
  });

  test('answers every bargaining point, proved optimal, equal to the frontier-first answer where the frontier is quick', async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    // Each party's lead shares its preferences with the mediator.
    let shared = 0;
    for (const { partyId } of demoPreferences) {
      // The E3 coalition's preferences are held by its members' leads (France's here).
      const lead = await signIn(server.url, `${partyId === 'e3' ? 'fr' : partyId}@demo.parley`);
      const own = ((await lead.get<any>(`${N}/preferences`)).body as any[]).find((p) => p.partyId === partyId);
      assert.ok(own, `${partyId} reads its own preferences`);
      const put = await lead.put<any>(`${N}/parties/${partyId}/preferences`, {
        revision: own.revision,
        weights: own.weights,
        scores: own.scores,
        reservation: own.reservation,
        visibility: 'mediator',
        illustrative: own.illustrative,
        note: own.note,
      });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      shared++;
    }
    assert.ok(shared >= 7, `${shared} parties shared their preferences`);
    assert.equal(((await mediator.get<any>(`${N}/preferences`)).body as any[]).length, shared);

    // As the red lines stand (no package keeps them all), then with every one set aside (what-if).
    const all = ((await mediator.get<any>(`${N}/red-lines`)).body as any[]).map((r) => r.id as string);
    for (const setAside of [[], all]) {
      const answer = await analyse(mediator, N, { setAside });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      const result = answer.body.result;
      assert.equal(result.included.length, shared, 'every shared preference is used');
      for (const name of ['nash', 'kalaiSmorodinsky', 'maxWelfare', 'egalitarian'] as const)
        assert.ok(
          ['optimal', 'none'].includes(result.pointStatus[name].status),
          `${name} is proved optimal, or proved not to exist: ${result.pointStatus[name].status}`,
        );

      // The same problem as the mediator sees it, answered from the frontier.
      const issues = (await mediator.get<any>(`${N}/issues`)).body;
      const preferences = (await mediator.get<any>(`${N}/preferences`)).body;
      const redLines = ((await mediator.get<any>(`${N}/red-lines`)).body as any[]).filter((r) =>
        result.redLinesApplied.includes(r.id),
      );
      assert.ok(setAside.every((id) => !result.redLinesApplied.includes(id)));
      const { problem, included, redLinesApplied } = settlementProblem(issues, preferences, redLines);
      assert.deepEqual(included, result.included);
      assert.deepEqual([...redLinesApplied].sort(), [...result.redLinesApplied].sort());
      // As the red lines stand, the frontier path answers quickly (no package keeps them all): the desk's points
      // equal its. With every red line set aside the frontier takes seconds (559,872 packages, 8 parties): the
      // desk's answer equals the direct engine's in-process, and on the same table with four parties'
      // preferences (small enough for the frontier) the direct points equal the frontier's.
      const reference = settlementOf(
        problem,
        included,
        [],
        redLinesApplied,
        portableAnalysis(
          setAside.length === 0
            ? analyzeNegotiation(problem, { points: 'frontier' })
            : analyzeNegotiation(problem, { frontierLimit: 0 }),
        ),
        {},
      );
      for (const name of ['nash', 'kalaiSmorodinsky', 'maxWelfare', 'egalitarian'] as const) {
        assert.deepEqual(result[name], reference[name], `${name} equals the reference answer`);
        assert.equal(result[name] === null, result.pointStatus[name].status === 'none');
      }
      assert.equal(result.agreementPossible, reference.agreementPossible);
      if (setAside.length > 0) {
        const four = { ...problem, parties: problem.parties.slice(0, 4) };
        const direct = bargainingPoints(four);
        const fromFrontier = analyzeNegotiation(four, { points: 'frontier' });
        assert.ok(fromFrontier.frontier!.size > 1);
        for (const name of ['nash', 'kalaiSmorodinsky', 'maxWelfare', 'egalitarian'] as const) {
          assert.equal(direct.status[name], 'optimal');
          assert.deepEqual(direct[name]!.utilities, fromFrontier[name]!.utilities, `four parties: ${name}`);
          assert.deepEqual(direct[name]!.outcome, fromFrontier[name]!.outcome, `four parties: ${name}`);
        }
        // A frontier too long for the desk is said so, with Pareto-optimal packages found without it.
        if (result.frontierListed === false) {
          assert.ok(result.frontier.length > 0 && result.frontierSizeAtMost !== null && result.frontierSize === null);
          assert.ok(result.notes.some((note: string) => note.startsWith('the Pareto frontier is not listed')));
        }
      }
      console.log(
        `Geneva, ${shared} parties shared, ${result.redLinesApplied.length} red lines: points ${Object.values(
          result.pointStatus,
        )
          .map((s: any) => s.status)
          .join(', ')}; agreement possible: ${result.agreementPossible}`,
      );
    }
  });
});
