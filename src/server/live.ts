import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { userByToken } from '../store/accounts.ts';
import type { Store } from '../store/store.ts';

/**
 * What a live screen is told: which of its readings changed. A topic is named only when the
 * subscriber's own answer to one of the topic's reads changed, and those answers come from the very
 * routes the screen reads, run as the subscriber: a write the subscriber may not see changes none of
 * its answers, so it causes no event at all, not even a bare "something happened".
 */
/**
 * The live streams one account may hold at once (its tabs, in every negotiation): each costs a look
 * at every write, so one account cannot make the server look for it without end.
 */
export const LIVE_STREAMS_PER_ACCOUNT = 6;

export const LIVE_TOPICS = {
  negotiation: ['', '/seat', '/parties', '/members', '/tracks', '/invitations', '/proposals'],
  versions: ['/versions', '/document'],
  positions: ['/positions'],
  approvals: [],
  issues: ['/issues'],
  'red-lines': ['/red-lines'],
  preferences: ['/preferences', '/utilities'],
  rounds: ['/rounds'],
  statements: ['/statements'],
  'transmission-rules': ['/transmission-rules'],
  releases: ['/releases'],
  analyses: ['/analyses'],
  progress: ['/progress'],
  amendment: ['/amendments'],
  /** The reader's own drafts (their party's; the table's for a mediator): only a draft's owners hear it. */
  draft: ['/drafts'],
  agreement: ['/agreement'],
  bracket: ['/brackets'],
} as const satisfies Record<string, readonly string[]>;
export type LiveTopic = keyof typeof LIVE_TOPICS;

interface Subscriber {
  negotiationId: string;
  token: string;
  userId: string;
  response: ServerResponse;
  /** The fingerprint of each topic as last sent (or as found when the stream opened); null while it opens. */
  seen: Map<LiveTopic, string> | null;
}

/** How long the hub gathers writes before it looks: a burst of writes gives one event per screen. */
const GATHER_MS = 60;
/** A comment line this often keeps proxies from closing a quiet stream; the sessions are checked as often. */
const HEARTBEAT_MS = 20_000;

/** Lets the server answer other requests between two of the hub's reads. */
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

export class LiveHub {
  readonly #app: FastifyInstance;
  readonly #store: Store;
  readonly #subscribers = new Set<Subscriber>();
  /** Negotiations written to since the last look (null: a write outside any one negotiation). */
  #dirty = new Set<string | null>();
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #checkingSessions = false;
  readonly #heartbeat: NodeJS.Timeout;

  constructor(app: FastifyInstance, store: Store, heartbeatMs = HEARTBEAT_MS) {
    this.#app = app;
    this.#store = store;
    this.#heartbeat = setInterval(() => {
      for (const subscriber of this.#subscribers) subscriber.response.write(': still here\n\n');
      void this.#checkSessions();
    }, heartbeatMs);
    this.#heartbeat.unref();
  }

  /** Whether the account may open one more stream (it holds fewer than LIVE_STREAMS_PER_ACCOUNT). */
  admits(userId: string): boolean {
    let held = 0;
    for (const subscriber of this.#subscribers) if (subscriber.userId === userId) held++;
    return held < LIVE_STREAMS_PER_ACCOUNT;
  }

  /**
   * Opens a stream: takes the subscriber's fingerprints now, so the first event names only what
   * changed after. The stream counts for its account from this moment, and is forgotten as soon as
   * it closes, even while it opens.
   */
  async subscribe(negotiationId: string, token: string, userId: string, response: ServerResponse): Promise<void> {
    const subscriber: Subscriber = { negotiationId, token, userId, response, seen: null };
    this.#subscribers.add(subscriber);
    response.on('close', () => this.#subscribers.delete(subscriber));
    // Closed before it was followed (its 'close' came and went).
    if (response.destroyed || !response.socket || response.socket.destroyed) this.#subscribers.delete(subscriber);
    if (!this.#subscribers.has(subscriber)) return;
    const fingerprints = await this.#fingerprints(subscriber, () => this.#subscribers.has(subscriber));
    if (!this.#subscribers.has(subscriber)) return;
    if (fingerprints === null) {
      this.#end(subscriber);
      return;
    }
    subscriber.seen = fingerprints;
    // The client reloads everything on each `ready`: after a reconnection, that is how it catches up.
    response.write(`retry: 1000\nevent: ready\ndata: {}\n\n`);
  }

  /** Something was written: the negotiation's subscribers (every subscriber, for null) are looked at shortly. */
  touch(negotiationId: string | null): void {
    if (this.#subscribers.size === 0) return;
    this.#dirty.add(negotiationId);
    this.#timer ??= setTimeout(() => {
      this.#timer = null;
      void this.#look();
    }, GATHER_MS);
  }

  /** Ends every stream (the server is closing). */
  close(): void {
    clearInterval(this.#heartbeat);
    if (this.#timer) clearTimeout(this.#timer);
    for (const subscriber of this.#subscribers) subscriber.response.end();
    this.#subscribers.clear();
  }

  /** Tells a subscriber that it may no longer read, and closes its stream. */
  #end(subscriber: Subscriber, say = false): void {
    this.#subscribers.delete(subscriber);
    if (say) subscriber.response.write(`event: ended\ndata: {}\n\n`);
    subscriber.response.end();
  }

  /** A session that expired (or ended) ends its streams even when nothing is written. */
  async #checkSessions(): Promise<void> {
    if (this.#checkingSessions) return;
    this.#checkingSessions = true;
    try {
      const valid = new Map<string, boolean>();
      for (const subscriber of [...this.#subscribers]) {
        if (!valid.has(subscriber.token))
          valid.set(subscriber.token, (await userByToken(this.#store, subscriber.token)) !== null);
        if (!valid.get(subscriber.token) && this.#subscribers.has(subscriber)) this.#end(subscriber, true);
      }
    } finally {
      this.#checkingSessions = false;
    }
  }

  /** Looks once at a time; writes that arrive meanwhile are looked at right after. */
  async #look(): Promise<void> {
    if (this.#running) {
      await this.#running;
      if (this.#dirty.size > 0) this.touch([...this.#dirty][0]!);
      return;
    }
    const dirty = this.#dirty;
    this.#dirty = new Set();
    this.#running = (async () => {
      // The streams of one session in one negotiation (tabs) get the same answers: one look serves them all.
      const looks = new Map<string, Promise<Map<LiveTopic, string> | null>>();
      for (const subscriber of [...this.#subscribers]) {
        if (subscriber.seen === null) continue;
        if (!dirty.has(null) && !dirty.has(subscriber.negotiationId)) continue;
        const key = `${subscriber.negotiationId}\n${subscriber.token}`;
        let look = looks.get(key);
        if (!look) looks.set(key, (look = this.#fingerprints(subscriber)));
        const now = await look;
        if (!this.#subscribers.has(subscriber)) continue;
        if (now === null) {
          this.#end(subscriber, true);
          continue;
        }
        const seen = subscriber.seen;
        const changed = [...now].filter(([topic, print]) => seen.get(topic) !== print).map(([t]) => t);
        subscriber.seen = now;
        if (changed.length > 0)
          subscriber.response.write(`event: change\ndata: ${JSON.stringify({ topics: changed })}\n\n`);
      }
    })();
    try {
      await this.#running;
    } finally {
      this.#running = null;
    }
    if (this.#dirty.size > 0) this.touch([...this.#dirty][0]!);
  }

  /**
   * The subscriber's answer to each topic's reads, hashed; null when they may no longer read the
   * negotiation, or when `wanted` says the answers are no longer needed (a stream closed while it opens).
   */
  async #fingerprints(subscriber: Subscriber, wanted = () => true): Promise<Map<LiveTopic, string> | null> {
    const base = `/api/negotiations/${encodeURIComponent(subscriber.negotiationId)}`;
    const read = async (path: string) => {
      if (!wanted()) return { status: 410, body: '' };
      // The reads may all be answered from the cache, without ever waiting: without this pause, one
      // look at many streams would hold the server for as long as it takes.
      await yieldToOthers();
      const answer = await this.#app.inject({
        method: 'GET',
        url: base + path,
        headers: { authorization: `Bearer ${subscriber.token}` },
      });
      return { status: answer.statusCode, body: answer.body };
    };
    const seat = await read('/seat');
    if (seat.status !== 200) return null;
    const prints = new Map<LiveTopic, string>();
    for (const [topic, paths] of Object.entries(LIVE_TOPICS) as [LiveTopic, readonly string[]][]) {
      const hash = createHash('sha256');
      for (const path of paths) {
        const { status, body } = path === '/seat' ? seat : await read(path);
        hash.update(`${path} ${status}\n${body}\n`);
      }
      if (topic === 'approvals') {
        const versions = await read('/versions?withdrawn=true');
        const ids = versions.status === 200 ? (JSON.parse(versions.body) as { id: string }[]).map((v) => v.id) : [];
        for (const id of ids) {
          const { status, body } = await read(`/versions/${encodeURIComponent(id)}/approvals`);
          hash.update(`${id} ${status}\n${body}\n`);
        }
      }
      prints.set(topic, hash.digest('base64url'));
      if (!wanted()) return null;
    }
    return prints;
  }
}
