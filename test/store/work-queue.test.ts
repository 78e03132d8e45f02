import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TooBusy, WorkQueue } from '../../src/store/work-queue.ts';

/** A job that ends when the test says so. */
function job<T>(value: T) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  let started = false;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    run: async () => {
      started = true;
      await done;
      return value;
    },
    get started() {
      return started;
    },
    finish: () => finish(),
    fail: (error: Error) => fail(error),
  };
}

const limits = { perServer: 2, perAccount: 1, waiting: 2, waitingPerAccount: 1, retryAfterSeconds: 7 };

describe('heavy work is limited per account and per server, queued beyond, refused when the queue is full', () => {
  test('an account runs one job at a time; its next waits, and a third is refused with the time to come back', async () => {
    const queue = new WorkQueue(limits);
    const [a1, a2] = [job(1), job(2)];
    const first = queue.run('alice', a1.run);
    const second = queue.run('alice', a2.run);
    assert.equal(a1.started, true);
    assert.equal(a2.started, false, 'waits while the account runs one');
    assert.throws(
      () => queue.run('alice', async () => 3),
      (error: unknown) =>
        error instanceof TooBusy && error.retryAfter === 7 && /you have 1 running and 1 waiting/.test(error.message),
    );
    a1.finish();
    assert.equal(await first, 1);
    assert.equal(a2.started, true, 'starts once the first ended');
    a2.finish();
    assert.equal(await second, 2);
    assert.deepEqual(queue.load, { running: 0, waiting: 0 });
  });

  test('the server runs at most perServer jobs; others wait in order, a busy account letting the next pass; the full queue refuses', async () => {
    const queue = new WorkQueue(limits);
    const [a, b, a2, c, d] = [job('a'), job('b'), job('a2'), job('c'), job('d')];
    const runs = [
      queue.run('alice', a.run),
      queue.run('bob', b.run),
      queue.run('alice', a2.run),
      queue.run('carol', c.run),
    ];
    assert.deepEqual([a.started, b.started, a2.started, c.started], [true, true, false, false]);
    assert.throws(() => queue.run('dave', d.run), /the server runs 2 and 2 wait already/);
    b.finish();
    await runs[1];
    // alice still runs one: carol, behind her in line, goes first.
    assert.deepEqual([a2.started, c.started], [false, true]);
    a.finish();
    await runs[0];
    assert.equal(a2.started, true);
    a2.finish();
    c.finish();
    await Promise.all(runs);
    assert.deepEqual(queue.load, { running: 0, waiting: 0 });
  });

  test('a job that fails frees its slot for the next', async () => {
    const queue = new WorkQueue({ ...limits, perServer: 1 });
    const [a, b] = [job(1), job(2)];
    const first = queue.run('alice', a.run);
    const second = queue.run('bob', b.run);
    a.fail(new Error('out of memory'));
    await assert.rejects(first, /out of memory/);
    assert.equal(b.started, true);
    b.finish();
    assert.equal(await second, 2);
  });
});
