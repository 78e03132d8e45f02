import type { Id } from '../core/model.ts';

/** How much heavy work (analyses) runs at once, and how much may wait for a turn. */
export interface WorkLimits {
  /** Jobs running at once on the server. */
  perServer: number;
  /** Jobs of one account running at once. */
  perAccount: number;
  /** Jobs waiting on the server; one more is refused (429). */
  waiting: number;
  /** Jobs of one account waiting. */
  waitingPerAccount: number;
  /** What a refusal's Retry-After says, in seconds. */
  retryAfterSeconds: number;
}

/** Refused because too much of the same work runs and waits already: answered 429 with Retry-After. */
export class TooBusy extends Error {
  readonly statusCode = 429;
  constructor(
    message: string,
    readonly retryAfter: number,
  ) {
    super(message);
  }
}

interface Waiting {
  account: Id;
  start: () => void;
}

/**
 * Heavy jobs limited per server and per account: a job starts at once when both have a free slot,
 * else waits its turn in order (a job whose account is busy lets the next one pass), else, when the
 * queue is full for the server or the account, is refused with `TooBusy`.
 *
 * @example
 * const queue = new WorkQueue({ perServer: 2, perAccount: 1, waiting: 8, waitingPerAccount: 2, retryAfterSeconds: 5 });
 * const result = await queue.run(user.id, () => analyzeInWorker(problem));
 */
export class WorkQueue {
  private readonly running = new Map<Id, number>();
  private runningTotal = 0;
  private readonly queue: Waiting[] = [];

  constructor(public limits: WorkLimits) {}

  /** Jobs running and waiting, for the tests and the logs. */
  get load(): { running: number; waiting: number } {
    return { running: this.runningTotal, waiting: this.queue.length };
  }

  run<T>(account: Id, job: () => Promise<T>): Promise<T> {
    const go = async (): Promise<T> => {
      try {
        return await job();
      } finally {
        this.running.set(account, (this.running.get(account) ?? 1) - 1);
        this.runningTotal--;
        this.next();
      }
    };
    if (this.free(account)) {
      this.take(account);
      return go();
    }
    const waitingOfAccount = this.queue.filter((w) => w.account === account).length;
    if (this.queue.length >= this.limits.waiting || waitingOfAccount >= this.limits.waitingPerAccount) {
      const whose =
        waitingOfAccount >= this.limits.waitingPerAccount
          ? `you have ${this.limits.perAccount} running and ${waitingOfAccount} waiting already`
          : `the server runs ${this.runningTotal} and ${this.queue.length} wait already`;
      throw new TooBusy(
        `too many analyses at once: ${whose}; try again in ${this.limits.retryAfterSeconds} s`,
        this.limits.retryAfterSeconds,
      );
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ account, start: () => go().then(resolve, reject) });
    });
  }

  private free(account: Id): boolean {
    return this.runningTotal < this.limits.perServer && (this.running.get(account) ?? 0) < this.limits.perAccount;
  }

  private take(account: Id): void {
    this.running.set(account, (this.running.get(account) ?? 0) + 1);
    this.runningTotal++;
  }

  /** Starts the first waiting jobs that now have a free slot, in order. */
  private next(): void {
    for (let i = 0; i < this.queue.length && this.runningTotal < this.limits.perServer;) {
      const waiting = this.queue[i]!;
      if (!this.free(waiting.account)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.take(waiting.account);
      waiting.start();
    }
  }
}
