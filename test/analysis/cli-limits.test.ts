import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { writeGeniusDomain, writeGeniusProfile } from '../../src/analysis/genius.ts';
import { parley } from '../cli/command.ts';
import { tempDir } from '../helpers.ts';
import { fixtureFiles } from './fixtures.ts';
import { opposedDomain } from '../../bench/synthetic.ts';

describe('parley analyze --genius runs within a time and a memory limit', () => {
  /** Five profiles over 30 issues of 8 options, opposed: an analysis that runs for minutes. */
  let large: string[];
  before(() => {
    const dir = tempDir();
    const problem = opposedDomain({ parties: 5, issues: 30, options: 8, seed: 7 });
    large = [join(dir, 'domain.xml'), ...problem.parties.map((_, i) => join(dir, `profile-${i}.xml`))];
    writeFileSync(large[0]!, writeGeniusDomain(problem.space));
    problem.parties.forEach((party, i) => writeFileSync(large[i + 1]!, writeGeniusProfile(problem.space, party)));
  });

  test('past --time-limit it stops, says which limit and how to raise it, and exits 3', () => {
    const run = parley(['analyze', '--genius', ...large, '--time-limit', '1']);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /the analysis did not finish within 1 s; allow it longer with --time-limit SECONDS/);
    assert.equal(run.stdout, '', 'no partial answer');
  });

  test('past --memory-limit it stops, says which limit and how to raise it, and exits 3', () => {
    const run = parley(['analyze', '--genius', ...large, '--memory-limit', '64', '--time-limit', '50']);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /the analysis needed more than 64 MB of memory; allow it more with --memory-limit MB/);
  });

  test('a limit that is not a whole number is a usage error', () => {
    const files = fixtureFiles('Energy');
    for (const [flag, value] of [
      ['--time-limit', 'soon'],
      ['--memory-limit', '-5'],
      ['--time-limit', '99999999'],
    ] as const) {
      const run = parley(['analyze', '--genius', files.domain, ...files.profiles, flag, value]);
      assert.equal(run.code, 2, `${flag} ${value}: ${run.stderr}`);
      assert.match(run.stderr, new RegExp(`${flag}: "${value}" is not a whole number`));
    }
  });

  test('within its limits an analysis answers as before, and 0 lifts them', () => {
    const files = fixtureFiles('Energy');
    const limited = parley(['analyze', '--genius', files.domain, ...files.profiles, '--json']);
    const unlimited = parley([
      'analyze',
      '--genius',
      files.domain,
      ...files.profiles,
      '--json',
      '--time-limit',
      '0',
      '--memory-limit',
      '0',
    ]);
    assert.equal(limited.code, 0, limited.stderr);
    assert.equal(unlimited.code, 0, unlimited.stderr);
    assert.deepEqual(JSON.parse(limited.stdout), JSON.parse(unlimited.stdout));
  });
});
