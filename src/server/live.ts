import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

/**
 * What a live screen is told: which of its readings changed. A topic is named only when the
 * subscriber's own answer to one of the topic's reads changed, and those answers come from the very
 * routes the screen reads, run as the subscriber: a write the subscriber may not see changes none of
 * its answers, so it causes no event at all, not even a bare "something happened".
 */
export const LIVE_TOPICS = {
  negotiation: ['', '/seat', '/parties', '/members', '/tracks', '/invitations'],
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
} as const satisfies Record<string, readonly string[]>;
export type LiveTopic = keyof typeof LIVE_TOPICS;

interface Subscriber {
  negotiationId: string;
  token: string;
  response: ServerResponse;
  /** The fingerprint of each topic as last sent (or as found when the stream opened). */
  seen: Map<LiveTopic, string>;
}

/** How long the hub gathers writes before it looks: a burst of writes gives one event per screen. */
const GATHER_MS = 60;
/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 20_000;

export class LiveHub {
  readonly #app: FastifyInstance;
  readonly #subscribers = new Set<Subscriber>();
  /** Negotiations written to since the last look (null: a write outside any one negotiation). */
  #dirty = new Set<string | null>();
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  readonly #heartbeat: NodeJS.Timeout;

  constructor(app: FastifyInstance) {
    this.#app = app;
    this.#heartbeat = setInterval(() => {
      for (const subscriber of this.#subscribers) subscriber.response.write(': still here\n\n');
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  /** Opens a stream: takes the subscriber's fingerprints now, so the first event names only what changed after. */
  async subscribe(negotiationId: string, token: string, response: ServerResponse): Promise<void> {
    const subscriber: Subscriber = { negotiationId, token, response, seen: new Map() };
    const fingerprints = await this.#fingerprints(subscriber);
    if (fingerprints === null) {
      response.end();
      return;
    }
    subscriber.seen = fingerprints;
    this.#subscribers.add(subscriber);
    response.on('close', () => this.#subscribers.delete(subscriber));
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
      for (const subscriber of [...this.#subscribers]) {
        if (!dirty.has(null) && !dirty.has(subscriber.negotiationId)) continue;
        const now = await this.#fingerprints(subscriber);
        if (now === null) {
          subscriber.response.write(`event: ended\ndata: {}\n\n`);
          subscriber.response.end();
          this.#subscribers.delete(subscriber);
          continue;
        }
        const changed = [...now].filter(([topic, print]) => subscriber.seen.get(topic) !== print).map(([t]) => t);
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

  /** The subscriber's answer to each topic's reads, hashed; null when they may no longer read the negotiation. */
  async #fingerprints(subscriber: Subscriber): Promise<Map<LiveTopic, string> | null> {
    const base = `/api/negotiations/${encodeURIComponent(subscriber.negotiationId)}`;
    const read = async (path: string) => {
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
        const versions = await read('/versions?includeWithdrawn=true');
        const ids = versions.status === 200 ? (JSON.parse(versions.body) as { id: string }[]).map((v) => v.id) : [];
        for (const id of ids) {
          const { status, body } = await read(`/versions/${encodeURIComponent(id)}/approvals`);
          hash.update(`${id} ${status}\n${body}\n`);
        }
      }
      prints.set(topic, hash.digest('base64url'));
    }
    return prints;
  }
}
