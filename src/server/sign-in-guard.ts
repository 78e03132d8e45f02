import { availableParallelism } from 'node:os';
import { TooManyRequests } from './problems.ts';

/**
 * Guards every check of a password (sign-in, password change, accepting an invitation, choosing a
 * password) against guessing and against one client holding the others:
 *
 * - **Back-off, not lockout.** Failed checks are counted per client address (across accounts) and
 *   per account (across addresses). Past a few free failures each further one opens a window, doubling
 *   up to a ceiling, in which the key is refused with 429 and `Retry-After` before any hashing; when
 *   the window has passed the right password works again. The account's count is not applied to an
 *   address that signed the account in successfully before, so a guesser elsewhere cannot keep the
 *   person out from where they usually work.
 * - **A fair, bounded queue.** Hashing runs on libuv's thread pool; at most `concurrency` checks run at
 *   once, and each address holds at most `perAddress` of them, running or waiting: more are refused at
 *   once. Waiting addresses are served in turn, so a spray from one address delays another's sign-in
 *   only until one of the checks already running ends.
 *
 * The counts are kept in memory and, given `shared` (the server passes the store's), in the database:
 * every server process on it then applies every other's failures, so two processes behind a proxy do
 * not give a guesser twice the attempts. The queue, and the addresses exempt from an account's count,
 * are each process's own.
 */

/** When failures start to cost, and how much. */
export interface BackoffRule {
  /** Failures allowed before the first window. */
  free: number;
  /** The first window; each further failure doubles it. */
  firstDelayMs: number;
  /** The longest window. */
  maxDelayMs: number;
  /** A key with no failure for this long starts again from zero (longer than `maxDelayMs`). */
  forgetAfterMs: number;
}

interface Strikes {
  failures: number;
  lastFailure: number;
  until: number;
}

/** Most keys each table keeps; the oldest are forgotten first. */
const MAX_KEYS = 100_000;

/** Failed attempts per key, and the window in which the next one is refused. */
export class Backoff {
  private readonly strikes = new Map<string, Strikes>();

  constructor(readonly rule: BackoffRule) {}

  /** The end of the window that the key's `failures`-th failure at `now` opens (0: none, still free). */
  windowEnd(failures: number, now: number): number {
    const over = failures - this.rule.free;
    return over > 0 ? now + Math.min(this.rule.maxDelayMs, this.rule.firstDelayMs * 2 ** Math.min(over - 1, 30)) : 0;
  }

  /** When the key may try again (milliseconds since the epoch); 0 when it may now. */
  blockedUntil(key: string, now: number): number {
    const entry = this.current(key, now);
    return entry && entry.until > now ? entry.until : 0;
  }

  fail(key: string, now: number): void {
    const entry = this.current(key, now) ?? { failures: 0, lastFailure: now, until: 0 };
    entry.failures += 1;
    entry.lastFailure = now;
    const end = this.windowEnd(entry.failures, now);
    if (end > 0) entry.until = end;
    this.strikes.delete(key);
    this.strikes.set(key, entry);
    if (this.strikes.size > MAX_KEYS) this.strikes.delete(this.strikes.keys().next().value!);
  }

  private current(key: string, now: number): Strikes | undefined {
    const entry = this.strikes.get(key);
    if (entry && now - entry.lastFailure >= this.rule.forgetAfterMs && entry.until <= now) {
      this.strikes.delete(key);
      return undefined;
    }
    return entry;
  }
}

/** Runs work at most `concurrency` at a time, at most `perAddress` held by one address, addresses served in turn. */
export class FairQueue {
  private running = 0;
  /** Waiting starts by address; the Map's order is the turn. */
  private readonly waiting = new Map<string, (() => void)[]>();
  private readonly held = new Map<string, number>();

  constructor(
    readonly concurrency: number,
    readonly perAddress: number,
  ) {}

  /** How many checks the address holds, running or waiting. */
  holding(address: string): number {
    return this.held.get(address) ?? 0;
  }

  /** Runs `work` in the address's turn; throws `full` (without running it) when the address holds its share already. */
  async run<T>(address: string, work: () => Promise<T>, full: () => Error): Promise<T> {
    const held = this.holding(address);
    if (held >= this.perAddress) throw full();
    this.held.set(address, held + 1);
    try {
      if (this.running < this.concurrency) this.running += 1;
      else
        await new Promise<void>((start) => {
          const queue = this.waiting.get(address);
          if (queue) queue.push(start);
          else this.waiting.set(address, [start]);
        });
      try {
        return await work();
      } finally {
        this.next(address);
      }
    } finally {
      const left = this.holding(address) - 1;
      if (left > 0) this.held.set(address, left);
      else this.held.delete(address);
    }
  }

  /**
   * Hands the slot that ended to the next address in turn (which then goes to the back), or frees it.
   * The address whose check ended goes after the others waiting: it has just had its turn.
   */
  private next(ended: string): void {
    const mine = this.waiting.get(ended);
    if (mine && this.waiting.size > 1) {
      this.waiting.delete(ended);
      this.waiting.set(ended, mine);
    }
    const first = this.waiting.entries().next();
    if (first.done) {
      this.running -= 1;
      return;
    }
    const [address, queue] = first.value;
    const start = queue.shift()!;
    this.waiting.delete(address);
    if (queue.length > 0) this.waiting.set(address, queue);
    start();
  }
}

/** How long an address that signed an account in stays exempt from that account's back-off. */
export const KNOWN_ADDRESS_MS = 30 * 86_400_000;
/** Addresses remembered per account. */
const KNOWN_ADDRESSES_PER_ACCOUNT = 10;

export interface SignInGuardOptions {
  /** The clock, in milliseconds (the store's, so tests can move it). */
  now: () => number;
  /** Checks running at once (default: the cores, 2 to 4). */
  concurrency?: number;
  /** Checks one address may hold, running or waiting (default 8). */
  perAddress?: number;
  /** Failures from one address, across accounts (default: 10 free, then 1 s doubling to 15 min). */
  address?: BackoffRule;
  /** Failures on one account, across addresses (default: 5 free, then 1 s doubling to 15 min). */
  account?: BackoffRule;
  /** Where every server process on the database counts failures too (sign-in-strikes.ts). */
  shared?: SharedStrikes;
}

/** Counts of failures that every server process reads and adds to (keys `address:…`, `account:…`). */
export interface SharedStrikes {
  /** The stored windows of these keys (absent: none). */
  read(keys: readonly string[]): Promise<Map<string, { readonly until: number }>>;
  /** One more failure of `key` at `now`; its count after it (from one again once forgotten). */
  add(key: string, now: number, forgetAfterMs: number): Promise<number>;
  /** Refuses `key` until at least `until`. */
  hold(key: string, until: number): Promise<void>;
  /** When `account` last signed in from `address`, or null. */
  knownSince(account: string, address: string): Promise<number | null>;
  /** Records that `account` signed in from `address` at `now`. */
  remember(account: string, address: string, now: number): Promise<void>;
}

export const ADDRESS_RULE: BackoffRule = {
  free: 10,
  firstDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};
export const ACCOUNT_RULE: BackoffRule = {
  free: 5,
  firstDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

export class SignInGuard {
  readonly queue: FairQueue;
  private readonly byAddress: Backoff;
  private readonly byAccount: Backoff;
  private readonly known = new Map<string, Map<string, number>>();
  private readonly now: () => number;
  private readonly shared: SharedStrikes | undefined;

  constructor(options: SignInGuardOptions) {
    this.now = options.now;
    this.shared = options.shared;
    this.queue = new FairQueue(
      options.concurrency ?? Math.min(4, Math.max(2, availableParallelism())),
      options.perAddress ?? 8,
    );
    this.byAddress = new Backoff(options.address ?? ADDRESS_RULE);
    this.byAccount = new Backoff(options.account ?? ACCOUNT_RULE);
  }

  /**
   * Runs one password check for `account` (an e-mail, or null where the check names none) from
   * `address`. Refused with 429 while either is in a back-off window or the address holds its share
   * of the queue; `failed` tells from the outcome whether the password was wrong. A check made inside
   * a session (a password change) passes `fromSession`: the person is signed in already, so an
   * address that signed the account in before is not exempt from the account's back-off.
   */
  async attempt<T>(
    address: string,
    account: string | null,
    work: () => Promise<T>,
    failed: (outcome: PromiseSettledResult<T>) => boolean,
    { fromSession = false }: { fromSession?: boolean } = {},
  ): Promise<T> {
    const key = account?.trim().toLowerCase() ?? null;
    const now = this.now();
    let addressUntil = this.byAddress.blockedUntil(address, now);
    let exempt = key !== null && !fromSession && this.isKnown(key, address, now);
    if (key !== null && !fromSession && !exempt && this.shared) {
      // Known to the process that signed the person in, which may be another.
      const since = await this.shared.knownSince(key, address);
      exempt = since !== null && now - since < KNOWN_ADDRESS_MS;
    }
    let accountUntil = key !== null && !exempt ? this.byAccount.blockedUntil(key, now) : 0;
    const addressKey = `address:${address}`;
    const accountKey = key === null ? null : `account:${key}`;
    if (this.shared) {
      // Another process's failures count here too.
      const stored = await this.shared.read(accountKey !== null && !exempt ? [addressKey, accountKey] : [addressKey]);
      const until = (k: string) => {
        const end = stored.get(k)?.until ?? 0;
        return end > now ? end : 0;
      };
      addressUntil = Math.max(addressUntil, until(addressKey));
      if (accountKey !== null && !exempt) accountUntil = Math.max(accountUntil, until(accountKey));
    }
    if (addressUntil > 0 || accountUntil > 0) {
      const until = Math.max(addressUntil, accountUntil);
      throw new TooManyRequests(
        accountUntil >= addressUntil
          ? 'too many failed sign-ins for this account'
          : 'too many failed sign-ins from your address',
        until - now,
        new Date(until),
      );
    }
    const outcome = await this.queue
      .run(address, work, () => {
        return new TooManyRequests('sign-ins from your address are already waiting', 1000, new Date(now + 1000));
      })
      .then(
        (value): PromiseSettledResult<T> => ({ status: 'fulfilled', value }),
        (reason: unknown): PromiseSettledResult<T> => {
          if (reason instanceof TooManyRequests) throw reason;
          return { status: 'rejected', reason };
        },
      );
    const at = this.now();
    if (failed(outcome)) {
      this.byAddress.fail(address, at);
      if (key !== null) this.byAccount.fail(key, at);
      await this.share(addressKey, this.byAddress, at);
      if (accountKey !== null) await this.share(accountKey, this.byAccount, at);
    } else if (key !== null && outcome.status === 'fulfilled') {
      this.remember(key, address, at);
      await this.shared?.remember(key, address, at);
    }
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  }

  /** Counts the failure where every process reads it, and opens the window its count calls for. */
  private async share(key: string, backoff: Backoff, now: number): Promise<void> {
    if (!this.shared) return;
    const failures = await this.shared.add(key, now, backoff.rule.forgetAfterMs);
    const end = backoff.windowEnd(failures, now);
    if (end > 0) await this.shared.hold(key, end);
  }

  private isKnown(account: string, address: string, now: number): boolean {
    const seen = this.known.get(account)?.get(address);
    return seen !== undefined && now - seen < KNOWN_ADDRESS_MS;
  }

  private remember(account: string, address: string, now: number): void {
    const addresses = this.known.get(account) ?? new Map<string, number>();
    addresses.delete(address);
    addresses.set(address, now);
    if (addresses.size > KNOWN_ADDRESSES_PER_ACCOUNT) addresses.delete(addresses.keys().next().value!);
    this.known.delete(account);
    this.known.set(account, addresses);
    if (this.known.size > MAX_KEYS) this.known.delete(this.known.keys().next().value!);
  }
}
