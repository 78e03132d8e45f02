import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { toNumber } from '../../src/analysis/index.ts';
import { oracleUtilities } from './check.ts';
import { fixtureFiles, loadFixture } from './fixtures.ts';
import { bruteForce } from './oracle.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'parley.js');

function parley(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
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
    const expected = new Set(oracle.frontier.map((v) => oracleUtilities(oracle, v).map((u) => toNumber(u).toFixed(9)).join()));
    for (const point of json.pareto) assert.ok(expected.has(point.utilities.map((u: number) => u.toFixed(9)).join()));
    assert.deepEqual(Object.keys(json.nash.outcome), ['Location', 'Travel', 'Duration (weeks)', 'Activities', 'Sleeping']);
    oracleUtilities(oracle, oracle.nash!).forEach((u, p) => assert.ok(Math.abs(json.nash.utilities[p] - toNumber(u)) < 1e-9));
  });

  it('--reservation overrides the profiles; with no zone of agreement the points are null and the conflict is named', () => {
    const { domain, profiles } = fixtureFiles('Laptop');
    const run = parley('analyze', '--genius', domain, ...profiles, '--reservation', '0.95,0.95', '--json');
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout);
    assert.equal(json.nash, null);
    assert.equal(json.kalaiSmorodinsky, null);
    assert.equal(json.agreement.possible, false);
    assert.deepEqual(json.agreement.conflict.map((c: { kind: string }) => c.kind), ['reservation', 'reservation']);
  });

  it('names the file and the element of a broken profile, with exit code 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-analyze-'));
    const broken = join(dir, 'broken.xml');
    writeFileSync(broken, '<utility_space><objective><issue index="1" name="Laptop"><item value="Dell" evaluation="x"/></issue></objective></utility_space>');
    const { domain } = fixtureFiles('Laptop');
    const run = parley('analyze', '--genius', domain, broken);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /broken\.xml: <issue name="Laptop" index="1"> <item value="Dell">: attribute evaluation="x" is not a decimal number/);
    const missing = parley('analyze', '--genius', join(dir, 'nope.xml'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.xml/);
  });
});
