import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { TooManyRequests } from '../../src/server/problems.ts';
import { SignInGuard } from '../../src/server/sign-in-guard.ts';
import { storeStrikes } from '../../src/store/sign-in-strikes.ts';
import { Store } from '../../src/store/store.ts';
import { freshDatabase, TEST_ENGINE } from '../helpers.ts';

/**
 * The sign-in back-off is one, however many server processes share the database: for any sequence of
 * right and wrong passwords at one account from a few addresses, with the clock moving between them,
 * sending each attempt to either of two processes gives the same answers as sending all to one. The
 * guards are the server's (their counts in memory and in the database, `storeStrikes`); the password
 * check itself is left out (its answer is the generated one), so each run takes milliseconds.
 */
const RULE = { free: 2, firstDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 20_000 };

describe(`sign-in back-off over two processes equals one process, for generated attempts (${TEST_ENGINE})`, () => {
  let store: Store;
  let clock = Date.parse('2026-01-01T00:00:00Z');
  before(async () => {
    store = await Store.open(await freshDatabase(), { now: () => new Date(clock) });
  });
  after(() => store.close());

  const guard = () => new SignInGuard({ now: () => clock, address: RULE, account: RULE, shared: storeStrikes(store) });

  type Attempt = { process: 0 | 1; address: number; right: boolean; wait: number };
  const answer = async (on: SignInGuard, run: string, attempt: Attempt): Promise<string> => {
    try {
      const ok = await on.attempt(
        `198.51.100.${attempt.address}-${run}`,
        `${run}@example.org`,
        async () => attempt.right,
        (outcome) => outcome.status === 'fulfilled' && !outcome.value,
      );
      return ok ? 'signed in' : 'wrong';
    } catch (error) {
      if (error instanceof TooManyRequests) return `refused: ${error.message}`;
      throw error;
    }
  };

  test('whichever process takes each attempt, the answers are those of one process', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            process: fc.constantFrom(0 as const, 1 as const),
            address: fc.integer({ min: 1, max: 3 }),
            right: fc.boolean(),
            wait: fc.integer({ min: 0, max: 3000 }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        async (attempts) => {
          runs++;
          const one = guard();
          const two = [guard(), guard()];
          const alone: string[] = [];
          const spread: string[] = [];
          const start = clock;
          for (const attempt of attempts) {
            clock += attempt.wait;
            alone.push(await answer(one, `one-${runs}`, attempt));
          }
          clock = start;
          for (const attempt of attempts) {
            clock += attempt.wait;
            spread.push(await answer(two[attempt.process]!, `two-${runs}`, attempt));
          }
          assert.deepEqual(spread, alone);
          // The next run starts with every window of this one passed.
          clock += 60_000;
        },
      ),
      { numRuns: 60 },
    );
  });
});
