import { LIVE_STREAMS_PER_ACCOUNT, type LiveHub } from '../live.ts';
import * as s from '../schemas.ts';
import type { Store } from '../../store/store.ts';
import { ctx, negotiationParams, problems, type App } from './shared.ts';

/** The live stream of a negotiation: server-sent events naming what changed for this reader. */
export function liveRoutes(app: App, store: Store, live: LiveHub): void {
  app.get(
    '/api/negotiations/:id/events',
    {
      schema: {
        tags: ['negotiations'],
        summary: 'Live changes (server-sent events)',
        description:
          'Its members. A text/event-stream: `ready` when the stream opens (reload what you show: after a reconnection this is how a client catches up), then `change` with `{"topics": [...]}` each time an answer the reader would get from one of those reads changed (topics: negotiation, versions, positions, approvals, issues, red-lines, preferences, rounds, statements, transmission-rules, releases, progress, amendment, draft, agreement, bracket), and `ended` when the reader may no longer read the negotiation or their session ends. An event carries no content: the reads, with their visibility policy, do. ' +
          `One account follows at most ${LIVE_STREAMS_PER_ACCOUNT} streams at once (429 beyond).`,
        params: negotiationParams,
        response: { ...problems, 429: s.problemSchema },
      },
    },
    async (request, reply) => {
      // Refuses, with the usual problem, a reader who may not read the negotiation.
      const { user } = await ctx(store, request);
      if (!live.admits(user.id))
        throw Object.assign(
          new Error(
            `this account already follows ${LIVE_STREAMS_PER_ACCOUNT} live streams; close a tab of Parley (or sign out elsewhere) and reload`,
          ),
          { statusCode: 429 },
        );
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      // HEAD: the headers, and no stream to follow.
      if (request.method === 'HEAD') {
        reply.raw.end();
        return;
      }
      await live.subscribe(request.params.id, request.token!, user.id, reply.raw);
    },
  );
}
