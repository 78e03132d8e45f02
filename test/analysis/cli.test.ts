import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  analyzeNegotiation,
  frontierSample,
  parseGeniusDomain,
  parseGeniusProfile,
  rational,
  sub,
  toNumber,
  writeGeniusDomain,
  writeGeniusProfile,
  type NegotiationProblem,
} from '../../src/analysis/index.ts';
import { analysisJson } from '../../src/cli/analyze-genius.ts';
import { parley as run } from '../cli/command.ts';
import { oracleUtilities } from './check.ts';
import { fixtureFiles, loadFixture } from './fixtures.ts';
import { bruteForce } from './oracle.ts';
import { seeded } from './random.ts';

function parley(...args: string[]) {
  return run(args);
}

describe('parley analyze', () => {
  it('--json writes clean JSON with the frontier and the four points; the domain may come anywhere in the list', () => {
    const { domain, profiles } = fixtureFiles('Vacation');
    const run = parley('analyze', '--genius', profiles[0]!, domain, ...profiles.slice(1), '--json');
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout);
    const oracle = bruteForce(loadFixture('Vacation'));
    assert.equal(json.outcomes, '1600');
    assert.equal(json.parties.length, 3);
    assert.equal(json.parties[0].reservation, 0.3);
    assert.equal(json.pareto.length, oracle.frontier.length);
    const expected = new Set(
      oracle.frontier.map((v) =>
        oracleUtilities(oracle, v)
          .map((u) => toNumber(u).toFixed(9))
          .join(),
      ),
    );
    for (const point of json.pareto) assert.ok(expected.has(point.utilities.map((u: number) => u.toFixed(9)).join()));
    assert.deepEqual(Object.keys(json.nash.outcome), [
      'Location',
      'Travel',
      'Duration (weeks)',
      'Activities',
      'Sleeping',
    ]);
    oracleUtilities(oracle, oracle.nash!).forEach((u, p) =>
      assert.ok(Math.abs(json.nash.utilities[p] - toNumber(u)) < 1e-9),
    );
  });

  it('--reservation overrides the profiles; with no zone of agreement the points are null and the conflict is named', () => {
    const { domain, profiles } = fixtureFiles('Laptop');
    const run = parley('analyze', '--genius', domain, ...profiles, '--reservation', '0.95,0.95', '--json');
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout);
    assert.equal(json.nash, null);
    assert.equal(json.kalaiSmorodinsky, null);
    assert.equal(json.agreement.possible, false);
    assert.deepEqual(
      json.agreement.conflict.map((c: { kind: string; value: number }) => [c.kind, c.value]),
      [
        ['reservation', 0.95],
        ['reservation', 0.95],
      ],
    );
  });

  it('names the file and the element of a broken profile, with exit code 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-analyze-'));
    const broken = join(dir, 'broken.xml');
    writeFileSync(
      broken,
      '<utility_space><objective><issue index="1" name="Laptop"><item value="Dell" evaluation="x"/></issue></objective></utility_space>',
    );
    const { domain } = fixtureFiles('Laptop');
    const run = parley('analyze', '--genius', domain, broken);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /broken\.xml: <issue name="Laptop" index="1"> <item value="Dell">: attribute evaluation="x" is not a decimal number/,
    );
    const missing = parley('analyze', '--genius', join(dir, 'nope.xml'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.xml/);
  });

  it('streams large frontiers as the same JSON the library builds (every outcome Pareto-optimal)', () => {
    // Party 2's evaluations are 1 minus party 1's under the same weights: utilities always sum to 1.
    const random = seeded(11);
    const issues = Array.from({ length: 6 }, (_, i) => ({
      name: `issue ${i}`,
      type: 'discrete' as const,
      options: ['a', 'b', 'c', 'd'],
    }));
    const weights = [0.1, 0.15, 0.2, 0.25, 0.1, 0.2].map((w) => rational(BigInt(Math.round(w * 100)), 100n));
    // GENIUS divides by each issue's largest evaluation: with 0 and 1 among the options, both parties' evaluations are already normalised.
    const evaluations = issues.map((issue) =>
      issue.options.map((_, o) =>
        o < 2 ? rational(BigInt(o)) : rational(1n + BigInt(Math.floor(random() * 1e12)), 10n ** 12n + 2n),
      ),
    );
    const problem: NegotiationProblem = {
      space: { name: 'zero-sum', issues },
      parties: [
        { name: 'a', reservation: rational(0n), utility: { kind: 'additive', weights, evaluations } },
        {
          name: 'b',
          reservation: rational(0n),
          utility: {
            kind: 'additive',
            weights,
            evaluations: evaluations.map((row) => row.map((e) => sub(rational(1n), e))),
          },
        },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'parley-analyze-'));
    writeFileSync(join(dir, 'domain.xml'), writeGeniusDomain(problem.space));
    problem.parties.forEach((party, p) =>
      writeFileSync(join(dir, `party${p}.xml`), writeGeniusProfile(problem.space, party)),
    );
    const run = parley(
      'analyze',
      '--genius',
      join(dir, 'domain.xml'),
      join(dir, 'party0.xml'),
      join(dir, 'party1.xml'),
      '--json',
    );
    assert.equal(run.code, 0, run.stderr);
    const streamed = JSON.parse(run.stdout);
    // Every outcome is Pareto-optimal; some share a utility vector: over 2,000 vectors, so the JSON lists a sample.
    assert.equal(streamed.paretoOutcomes, '4096');
    assert.ok(streamed.paretoSize > 2000 && streamed.paretoSampled === true, `${streamed.paretoSize} vectors`);
    const space = parseGeniusDomain(writeGeniusDomain(problem.space), 'domain.xml');
    const reread: NegotiationProblem = {
      space,
      parties: problem.parties.map((party, p) =>
        parseGeniusProfile(writeGeniusProfile(space, party), `party${p}.xml`, space),
      ),
    };
    const files = [join(dir, 'party0.xml'), join(dir, 'party1.xml')];
    assert.deepEqual(streamed, JSON.parse(JSON.stringify(analysisJson(reread, files, analyzeNegotiation(reread)))));
  });

  it('above 2,000 vectors --json holds a sample and the exact size; --stream lists every vector as NDJSON, progress on stderr', () => {
    // Zero-sum over 7 issues of 4 options: every one of the 16,384 outcomes is Pareto-optimal.
    const random = seeded(5);
    const issues = Array.from({ length: 7 }, (_, i) => ({
      name: `issue ${i}`,
      type: 'discrete' as const,
      options: ['a', 'b', 'c', 'd'],
    }));
    const weights = [100, 150, 200, 150, 100, 200, 100].map((w) => rational(BigInt(w), 1000n));
    const evaluations = issues.map((issue) =>
      issue.options.map((_, o) =>
        o < 2 ? rational(BigInt(o)) : rational(BigInt(1 + Math.floor(random() * 998)), 999n),
      ),
    );
    const space = { name: 'zero-sum', issues };
    const party = (name: string, rows: typeof evaluations) => ({
      name,
      reservation: rational(0n),
      utility: { kind: 'additive' as const, weights, evaluations: rows },
    });
    const problem: NegotiationProblem = {
      space,
      parties: [
        party('a', evaluations),
        party(
          'b',
          evaluations.map((row) => row.map((e) => sub(rational(1n), e))),
        ),
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'parley-stream-'));
    const files = [join(dir, 'domain.xml'), join(dir, 'party0.xml'), join(dir, 'party1.xml')];
    writeFileSync(files[0]!, writeGeniusDomain(space));
    problem.parties.forEach((p, i) => writeFileSync(files[i + 1]!, writeGeniusProfile(space, p)));
    const frontier = analyzeNegotiation(problem).frontier!;
    assert.ok(frontier.size > 2000, `a frontier of ${frontier.size}`);

    const json = parley('analyze', '--genius', ...files, '--json');
    assert.equal(json.code, 0, json.stderr);
    const answer = JSON.parse(json.stdout);
    assert.equal(answer.paretoSize, frontier.size);
    assert.equal(answer.paretoOutcomes, '16384');
    assert.equal(answer.paretoSampled, true);
    assert.ok(answer.pareto.length <= 200);
    assert.deepEqual(answer.paretoIndexes, frontierSample(frontier));
    assert.ok(json.stdout.length < 100_000, `${json.stdout.length} bytes of JSON`);

    const stream = parley('analyze', '--genius', ...files, '--stream');
    assert.equal(stream.code, 0, stream.stderr);
    const lines = stream.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { index: number; utilities: number[]; count: string });
    assert.equal(lines.length, frontier.size);
    lines.forEach((line, index) => {
      assert.equal(line.index, index);
      assert.deepEqual(
        line.utilities,
        [0, 1].map((p) => toNumber(rational(frontier.exactNumerator(index, p), frontier.scaled[p]!.denominator))),
      );
    });
    assert.equal(
      lines.reduce((sum, line) => sum + Number(line.count), 0),
      16384,
    );
    // The sample is made of the listing's own lines.
    answer.paretoIndexes.forEach((index: number, k: number) =>
      assert.deepEqual(answer.pareto[k].utilities, lines[index]!.utilities),
    );
    assert.match(
      stream.stderr,
      new RegExp(`Pareto frontier: ${frontier.size} distinct utility vectors; writing them as NDJSON`),
    );
    assert.match(stream.stderr, new RegExp(`wrote ${frontier.size} frontier vectors`));
    // The same in process, without the worker and its limits.
    const direct = parley('analyze', '--genius', ...files, '--stream', '--time-limit', '0', '--memory-limit', '0');
    assert.equal(direct.stdout, stream.stdout);

    const both = parley('analyze', '--genius', ...files, '--stream', '--json');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--stream lists the frontier alone, a vector a line: leave out --json and --draft/);
  });

  it('--draft scores a package: utilities, Pareto-optimality and better packages for all', () => {
    const { domain, profiles } = fixtureFiles('Laptop');
    const run = parley(
      'analyze',
      '--genius',
      domain,
      ...profiles,
      '--json',
      '--draft',
      "Laptop=Dell; Harddisk=60 Gb; External Monitor=20'' LCD",
    );
    assert.equal(run.code, 0, run.stderr);
    const draft = JSON.parse(run.stdout).draft;
    assert.equal(draft.paretoOptimal, false);
    assert.ok(draft.improvements.length > 0);
    for (const better of draft.improvements)
      better.utilities.forEach((u: number, p: number) => assert.ok(u >= draft.utilities[p]));
    const bad = parley('analyze', '--genius', domain, ...profiles, '--draft', 'Laptop=Dull');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"Dull" is not an option of "Laptop"/);
  });
});
