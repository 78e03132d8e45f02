import { describe, it } from 'node:test';
import { assertJsonMatches, checkProblem } from './check.ts';
import { analyzeJson } from './cli-json.ts';
import { fixtureFiles, loadFixture } from './fixtures.ts';

// The large fixtures: per-issue merging (the engine `auto` picks) against brute force.
// Enumeration and branch and bound are checked on the small fixtures and random domains.
describe('GENIUS fixtures (large): per-issue merging equals brute force', () => {
  for (const name of ['Travel', 'Energy']) {
    it(`${name}: frontier, counts, representatives and the four points are exact; so is parley analyze --json`, async () => {
      const oracle = checkProblem(loadFixture(name), ['auto'], name);
      const { domain, profiles } = fixtureFiles(name);
      assertJsonMatches(await analyzeJson([domain, ...profiles]), oracle, name);
    });
  }
});
