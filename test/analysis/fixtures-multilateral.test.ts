import { describe, it } from 'node:test';
import { assertJsonMatches, checkProblem } from './check.ts';
import { analyzeJson } from './cli-json.ts';
import { fixtureFiles, loadFixture } from './fixtures.ts';

describe('GENIUS fixtures (3 parties, large): per-issue merging equals brute force', () => {
  // EnergyGrid: 924,385 frontier outcomes share 589 utility vectors.
  for (const name of ['ParsCat', 'EnergyGrid']) {
    it(`${name}: frontier, counts, representatives and the four points are exact; so is parley analyze --json`, async () => {
      const oracle = checkProblem(loadFixture(name), ['auto'], name);
      const { domain, profiles } = fixtureFiles(name);
      assertJsonMatches(await analyzeJson([domain, ...profiles]), oracle, name);
    });
  }
});
