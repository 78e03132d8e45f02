import { describe, it } from 'node:test';
import { checkProblem } from './check.ts';
import { loadFixture } from './fixtures.ts';

describe('GENIUS fixtures (3 parties, large): per-issue merging equals brute force', () => {
  // EnergyGrid: 924,385 frontier outcomes share 589 utility vectors.
  for (const name of ['ParsCat', 'EnergyGrid']) {
    it(`${name}: frontier, counts, representatives and the four points are exact`, () => {
      checkProblem(loadFixture(name), ['auto'], name);
    });
  }
});
