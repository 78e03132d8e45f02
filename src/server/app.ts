import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import helmet from 'helmet';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { DomainError, invalid } from '../core/errors.ts';
import type { User } from '../core/model.ts';
import { purgeExpiredSessions, userByToken } from '../store/accounts.ts';
import { closeAnalysisWorkers } from '../analysis/worker.ts';
import { analysisJobs } from '../store/analysis-jobs.ts';
import { auditHeader, closeAuditTrail, withAuditTrail, type AuditTrail } from '../store/audit-trail.ts';
import { CheckpointSchedule, DEFAULT_CADENCE, type CheckpointCadence } from '../store/audit-checkpoints.ts';
import type { Store } from '../store/store.ts';
import { jsonShapeProblem } from './json-limits.ts';
import { MAX_PARAM_LENGTH, problemFor, sendProblem } from './problems.ts';
import { ROUTE_DOCS } from './route-docs.ts';
import * as s from './schemas.ts';
import { serializerCompiler } from './serializer.ts';
import { ACCOUNT_RULE, ADDRESS_RULE, KNOWN_ADDRESS_MS, SignInGuard, type SignInGuardOptions } from './sign-in-guard.ts';
import { purgeOldAddresses, purgeOldStrikes, storeStrikes } from '../store/sign-in-strikes.ts';
import { checkCookieRequest, SESSION_COOKIE } from './web-session.ts';
import { accountsRoutes } from './routes/accounts.ts';
import { analysesRoutes } from './routes/analyses.ts';
import { utilitiesRoutes } from './routes/utilities.ts';
import { issuesRoutes } from './routes/issues.ts';
import { membersRoutes } from './routes/members.ts';
import { negotiationsRoutes } from './routes/negotiations.ts';
import { partiesRoutes } from './routes/parties.ts';
import { positionsRoutes } from './routes/positions.ts';
import { preferencesRoutes } from './routes/preferences.ts';
import { progressRoutes } from './routes/progress.ts';
import { redLinesRoutes } from './routes/red-lines.ts';
import { roundsRoutes } from './routes/rounds.ts';
import { statementsRoutes } from './routes/statements.ts';
import { systemRoutes } from './routes/system.ts';
import { tracksRoutes } from './routes/tracks.ts';
import { draftsRoutes } from './routes/drafts.ts';
import { transmissionRulesRoutes } from './routes/transmission-rules.ts';
import { amendmentsRoutes } from './routes/amendments.ts';
import { versionsRoutes } from './routes/versions.ts';
import { exportsRoutes } from './routes/exports.ts';
import { importsRoutes } from './routes/imports.ts';
import { liveRoutes } from './routes/live.ts';
import { agreementRoutes } from './routes/agreement.ts';
import { historyRoutes } from './routes/history.ts';
import { geniusRoutes } from './routes/genius.ts';
import { LiveHub } from './live.ts';
import { webRoutes } from './web-app.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
    /** The token the reader signed in with, as a bearer or the browser's cookie (to end or list their own sessions). */
    token: string | null;
    /** True when the token came in the browser's session cookie, not an Authorization header. */
    viaCookie: boolean;
    /** What this request's changes appended to the audit chain, answered in the `Parley-Audit` header. */
    auditTrail: AuditTrail | null;
  }
  interface FastifyInstance {
    /** Every route the app serves, as registered: for the tests that walk them all. */
    routeTable: RouteEntry[];
  }
  interface FastifyContextConfig {
    /** Declared by a route that anyone may call without signing in; every other route needs a reader. */
    public?: boolean;
  }
}

/** One route of the app: its method, its path pattern and whether it is public. */
export interface RouteEntry {
  method: string;
  url: string;
  public: boolean;
}

export interface AppOptions {
  store: Store;
  /** Largest request body accepted, in bytes; larger ones get 413. */
  bodyLimit?: number;
  /** Log unexpected errors (on by default, to standard error, without tokens or bodies); `debug` logs every request. */
  logger?: boolean | 'debug';
  /** Sign-in attempts allowed per minute for one e-mail from one address; more get 429. */
  loginAttemptsPerMinute?: number;
  /** The sign-in guard's limits (back-off per address and per account, the hashing queue); see sign-in-guard.ts. */
  signIn?: Omit<SignInGuardOptions, 'now'>;
  /** A sign-in guard made by the caller (a test that watches its queue); by default one is made from `signIn`. */
  signInGuard?: SignInGuard;
  /**
   * Whom to believe about the client's address (Fastify's `trustProxy`): behind a reverse proxy, its
   * address, so that the sign-in limits count each client rather than the proxy. Default: no one.
   */
  trustProxy?: boolean | string | string[];
  /** How often expired sessions are purged, a bounded batch at a time (default 10 minutes). */
  sessionPurgeMs?: number;
  /** The built web app served at `/` (default: dist/web). */
  webRoot?: string;
  /** How often live streams get a keep-alive line and their sessions are checked (default 20 s). */
  liveHeartbeatMs?: number;
  /**
   * On PostgreSQL: how many analyses this process takes at once from the queue every process on the
   * database shares (default: one fewer than the cores, at least one); 0 takes none.
   */
  analysisWorkers?: number;
  /**
   * How often the server signs the audit chain's head with the store's audit key (`store.auditKey`;
   * without one it signs nothing): every `everyEvents` events (default 100) and every `everyMinutes`
   * minutes when the head moved (default 10), and at start and shutdown.
   */
  checkpoints?: Partial<CheckpointCadence>;
}

/**
 * Builds the HTTP API. Every route under /api but health, login and the OpenAPI document needs a
 * bearer token; each loads the negotiation through the store, which applies the visibility policy.
 */
export async function buildApp({
  store,
  bodyLimit = 1024 * 1024,
  logger = true,
  loginAttemptsPerMinute = 10,
  webRoot,
  liveHeartbeatMs,
  signIn,
  signInGuard,
  trustProxy = false,
  sessionPurgeMs = 10 * 60_000,
  analysisWorkers,
  checkpoints,
}: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    trustProxy,
    logger: logger === false ? false : { level: logger === 'debug' ? 'debug' : 'error' },
    // Requests are not logged one by one: the log holds what went wrong, never a token or a body.
    logController: new LogController({ disableRequestLogging: logger !== 'debug' }),
    bodyLimit,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    ajv: { customOptions: { removeAdditional: false } },
    frameworkErrors: (error, _request, reply) => sendProblem(reply, problemFor(error, { bodyLimit })),
  }).withTypeProvider<ZodTypeProvider>();
  // JSON bodies are measured before they are parsed: depth and width refused at the cost of one pass.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const shape = jsonShapeProblem(body as string);
    if (shape === null) return parseJson(request, body as string, done);
    done(
      shape.status === 400
        ? invalid('body', shape.detail)
        : Object.assign(new Error(shape.detail), { statusCode: shape.status }),
      undefined,
    );
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('user', null);
  app.decorateRequest('token', null);
  app.decorateRequest('viaCookie', false);
  app.decorateRequest('auditTrail', null);
  // Every change answers with its receipt in the log: its event's sequence number and hash, and the
  // chain head after its commit (`Parley-Audit: seq=…; hash=…; head-seq=…; head-hash=…`), in a header
  // so that the bodies keep their schemas. The trail is opened first, so the whole request runs in it.
  // Only requests that may write open one: a read changes nothing, and runs without the trail's cost.
  const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
  app.addHook('onRequest', (request, _reply, done) => {
    if (READS.has(request.method)) done();
    else request.auditTrail = withAuditTrail(done);
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    const header = request.auditTrail ? auditHeader(request.auditTrail) : null;
    if (header !== null) reply.header('parley-audit', header);
    done(null, payload);
  });
  const closeTrail = (request: { auditTrail: AuditTrail | null }) => {
    if (request.auditTrail === null) return;
    request.auditTrail = null;
    closeAuditTrail();
  };
  app.addHook('onResponse', (request, _reply, done) => {
    closeTrail(request);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    closeTrail(request);
    done();
  });
  app.setErrorHandler((error, request, reply) => {
    const problem = problemFor(error, { bodyLimit });
    // Work refused for now (429) says when to come back.
    const retryAfter = (error as { retryAfter?: unknown }).retryAfter;
    if (problem.status === 429 && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
    if (problem.status >= 500)
      request.log.error({ err: error, method: request.method, route: request.routeOptions.url }, 'unexpected error');
    return sendProblem(reply, problem);
  });
  // The documentation's own routes are public; every other route is public only where it says so.
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs')) route.config = { ...(route.config ?? {}), public: true };
    const schema = route.schema as { hide?: boolean; summary?: string; description?: string } | undefined;
    if (schema && !schema.hide && !route.url.startsWith('/api/docs')) {
      const docs = ROUTE_DOCS[`${[route.method].flat()[0]} ${route.url}`];
      if (!schema.summary && !docs)
        throw new Error(`route ${route.url} needs a summary and who may call it (route-docs.ts)`);
      if (!schema.summary && docs) [schema.summary, schema.description] = docs;
    }
    for (const method of [route.method].flat())
      routeTable.push({ method, url: route.url, public: route.config?.public === true });
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      status: 404,
      title: 'Not Found',
      detail: `there is no route ${request.method} ${request.url.split('?')[0]}; the API is described at /api/docs`,
    }),
  );

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Parley API', version: '0.1.0', description: s.API_DESCRIPTION(bodyLimit) },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  // One helmet for the server: @fastify/helmet built a new one, parsing the policy again, per request.
  const secureHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        fontSrc: ["'self'", 'data:'],
        upgradeInsecureRequests: null,
      },
    },
    // Parley serves plain HTTP on a trusted network or behind a TLS proxy, which sets HSTS itself.
    hsts: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  app.addHook('onRequest', (request, reply, done) =>
    secureHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)),
  );
  app.addHook('onSend', async (request, reply) => {
    // Answers of the API are confidential: no cache, shared or private, keeps them. Decided on the
    // route the router matched (it decodes the path: /%61pi/… is /api/…), not only on the raw URL.
    // The raw URL too: a path under /api that matched no API route is still an answer of the API.
    const api = (path: string | undefined) =>
      path === undefined || (path.startsWith('/api/') && !path.startsWith('/api/docs'));
    if (api(request.routeOptions.url) || api(request.url)) reply.header('cache-control', 'no-store');
  });
  await app.register(fastifyCookie);
  // Every write that succeeded tells the live screens of its negotiation to look again.
  const live = new LiveHub(app, store, liveHeartbeatMs);
  app.addHook('onResponse', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD' || reply.statusCode >= 400) return;
    const id = (request.params as { id?: unknown } | undefined)?.id;
    live.touch(request.url.startsWith('/api/negotiations/') && typeof id === 'string' ? id : null);
  });
  // A request's sender may know of a commit (made through another server) newer than the engine's
  // version the read cache last asked: its reads ask again. Only requests from the network:
  // the live hub's own reads (injected) share the version of their turn.
  app.server.prependListener('request', () => store.engine.clock.arrived());
  // Writes made by another process on the same database (another server behind the proxy, the
  // `parley` command) reach the live screens too, through the engine's notices.
  const stopListening = store.onChangeElsewhere((negotiationIds) => {
    for (const id of negotiationIds) live.touch(id);
  });
  app.addHook('preClose', async () => {
    stopListening();
    live.close();
  });
  // The browser that prints PDFs, when one was launched.
  app.addHook('onClose', async () => {
    const [{ closePrinter }, { closeFileWorker }] = await Promise.all([import('./pdf.ts'), import('./file-worker.ts')]);
    await Promise.all([closePrinter(), closeFileWorker()]);
  });
  // preHandler: the key needs the e-mail from the parsed body.
  await app.register(fastifyRateLimit, { global: false, hook: 'preHandler' });

  // Decided on the route the router matched (after decoding the path), never on the raw URL: a route
  // is public only when it declares so; a request that matched no route gets the 404 anyway.
  app.addHook('onRequest', async (request) => {
    if (request.is404 || request.routeOptions.config.public === true) return;
    const header = request.headers.authorization;
    const cookie = request.cookies[SESSION_COOKIE];
    let token: string;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match)
        throw new DomainError(
          'unauthenticated',
          'send your token as "Authorization: Bearer <token>"; get one from POST /api/auth/login',
        );
      token = match[1]!;
    } else if (cookie) {
      token = cookie;
    } else {
      throw new DomainError(
        'unauthenticated',
        'sign in: send your token as "Authorization: Bearer <token>" (from POST /api/auth/login), or sign in on the web page',
      );
    }
    const user = await userByToken(store, token);
    if (!user)
      throw new DomainError(
        'unauthenticated',
        header !== undefined
          ? 'this token is unknown or expired; sign in again with POST /api/auth/login'
          : 'your session has ended or expired; sign in again',
      );
    // The cookie is sent by the browser on its own, so a change made with it must prove it came from Parley's page.
    if (header === undefined) checkCookieRequest(request, token);
    request.user = user;
    request.token = token;
    request.viaCookie = header === undefined;
  });

  // Text is stored as UTF-8: a lone surrogate would silently become U+FFFD in the database while the
  // audit kept the original, so it is refused here, in any field, before anything is written.
  app.addHook('preValidation', async (request) => {
    const at = malformedTextAt(request.body);
    if (at !== null)
      throw invalid(
        at || 'body',
        `the text at ${at || 'the top of the body'} holds a lone surrogate (\\ud800–\\udfff without its pair), which is not valid Unicode; send well-formed text`,
      );
  });

  // Expired sessions go on a schedule too, not only at sign-in: a bounded batch each time; and with them
  // the sign-in guard's counts that have been forgotten (an hour without a failure, the window passed).
  const strikesKeptMs = Math.max(
    (signIn?.address ?? ADDRESS_RULE).forgetAfterMs,
    (signIn?.account ?? ACCOUNT_RULE).forgetAfterMs,
  );
  const purge = setInterval(() => {
    purgeExpiredSessions(store).catch((error: unknown) =>
      app.log.error({ err: error }, 'purging expired sessions failed'),
    );
    purgeOldStrikes(store, store.now().getTime(), strikesKeptMs)
      .then(() => purgeOldAddresses(store, store.now().getTime(), KNOWN_ADDRESS_MS))
      .catch((error: unknown) => app.log.error({ err: error }, 'purging old sign-in counts failed'));
  }, sessionPurgeMs);
  purge.unref();
  app.addHook('onClose', async () => clearInterval(purge));
  // Every server process works the analysis queue (on PostgreSQL, the one every process on the
  // database shares); the store stops it when it closes.
  await analysisJobs(store, { workers: analysisWorkers }).start();
  // The warm analysis workers idle in the pool go with the server.
  app.addHook('onClose', () => closeAnalysisWorkers());
  // The audit chain's head, signed now and then with the key the database does not hold.
  const cadence = { ...DEFAULT_CADENCE, ...checkpoints };
  const signing = new CheckpointSchedule(store, cadence, (error) =>
    app.log.error({ err: error }, 'signing a checkpoint of the audit log failed'),
  );
  await signing.start();
  app.addHook('onClose', () => signing.stop());

  systemRoutes(app, store, cadence);
  accountsRoutes(
    app,
    store,
    loginAttemptsPerMinute,
    signInGuard ??
      new SignInGuard({
        ...signIn,
        now: () => store.now().getTime(),
        shared: storeStrikes(store),
      }),
  );
  negotiationsRoutes(app, store);
  partiesRoutes(app, store);
  membersRoutes(app, store);
  versionsRoutes(app, store);
  exportsRoutes(app, store);
  await importsRoutes(app, store);
  amendmentsRoutes(app, store);
  positionsRoutes(app, store);
  issuesRoutes(app, store);
  redLinesRoutes(app, store);
  preferencesRoutes(app, store);
  roundsRoutes(app, store);
  statementsRoutes(app, store);
  tracksRoutes(app, store);
  draftsRoutes(app, store);
  transmissionRulesRoutes(app, store);
  progressRoutes(app, store);
  agreementRoutes(app, store);
  historyRoutes(app, store);
  analysesRoutes(app, store);
  utilitiesRoutes(app, store);
  geniusRoutes(app, store);
  liveRoutes(app, store, live);
  webRoutes(app, store, webRoot);

  await app.ready();
  return app;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string (value or key) in a JSON value that is not well-formed UTF-16, or null. Iterative: nesting depth cannot overflow it. */
export function malformedTextAt(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [item, path] = stack.pop()!;
    if (typeof item === 'string') {
      if (LONE_SURROGATE.test(item)) return path;
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], `${path}[${i}]`]);
    } else if (item !== null && typeof item === 'object' && !ArrayBuffer.isView(item)) {
      // A file's bytes (an import's body) hold no text to check here: the importer decodes them strictly.
      for (const [key, child] of Object.entries(item)) {
        const childPath = path ? `${path}.${key}` : key;
        if (LONE_SURROGATE.test(key)) return childPath;
        stack.push([child, childPath]);
      }
    }
  }
  return null;
}
