import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analysisJobs } from '../../src/store/analysis-jobs.ts';
import { analyse, demoDatabase, signIn, startServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

interface Line {
  kind: string;
  size?: number;
  index?: number;
  stale?: boolean;
  included?: string[];
  choices?: Record<string, string>;
  utilities?: Record<string, number>;
  count?: string;
}

describe('the settlement desk streams the whole frontier of an analysis as NDJSON', () => {
  test("its requester gets every package in the analysis's order between a header and an end line; anyone else 404", async () => {
    const server = await startServer(await demoDatabase());
    analysisJobs(server.store).answerWithinMs = 600_000;
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const ua = await signIn(server.url, 'ua@demo.parley');
    const analysis = await analyse(mediator, N);
    assert.equal(analysis.status, 201, JSON.stringify(analysis.body));
    const result = analysis.body.result;
    assert.equal(result.frontierTruncated, false);
    assert.deepEqual(
      result.frontierIndexes,
      result.frontier.map((_: unknown, i: number) => i),
    );

    const answer = await mediator.get<string>(`${N}/analyses/${analysis.body.id}/frontier`);
    assert.equal(answer.status, 200);
    assert.match(answer.contentType, /^application\/x-ndjson/);
    const lines = answer.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Line);
    const [head, ...rest] = lines;
    const end = rest.pop();
    assert.equal(head?.kind, 'frontier');
    assert.equal(head?.stale, false);
    assert.deepEqual(head?.included, result.included);
    assert.equal(head?.size, result.frontierSize);
    assert.deepEqual(end, { kind: 'end', size: result.frontierSize });
    assert.deepEqual(
      rest.map((line) => line.index),
      rest.map((_, i) => i),
    );
    assert.deepEqual(
      rest.map(({ choices, utilities }) => ({ choices, utilities })),
      result.frontier,
    );
    assert.ok(rest.every((line) => line.kind === 'package' && BigInt(line.count!) >= 1n));

    // Another member of the table, a made-up id: the same 404, which tells nothing.
    const other = await ua.get<any>(`${N}/analyses/${analysis.body.id}/frontier`);
    assert.equal(other.status, 404);
    assert.match(other.body.detail, /was not found, or you may not see it/);
    assert.equal((await mediator.get<any>(`${N}/analyses/no-such-analysis/frontier`)).status, 404);
  });
});
