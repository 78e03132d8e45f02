import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError, invalid } from '../core/errors.ts';
import type { User } from '../core/model.ts';
import type { NegotiationContext, Store } from '../store/store.ts';
import { problemFor, sendProblem } from './problems.ts';
import * as s from './schemas.ts';
import { LANDING_PAGE } from './landing.ts';
import { consentToRuleChange, createRule, decideOnText, listRules, proposeRuleChange, versionApprovals } from '../store/transmission.ts';
import { createUser, login, logout, userByToken } from '../store/accounts.ts';
import { createIssue, listIssues, updateIssue } from '../store/issues.ts';
import { addMember, listMembers } from '../store/members.ts';
import { createNegotiation, listNegotiations, updateNegotiation } from '../store/negotiations.ts';
import { addParty } from '../store/parties.ts';
import { createPosition, listPositions, updatePosition } from '../store/positions.ts';
import { listPreferences, putPreference } from '../store/preferences.ts';
import { progress } from '../store/progress.ts';
import { createRedLine, listRedLines, redLineReport, updateRedLine } from '../store/red-lines.ts';
import { createRound, listRounds, updateRound } from '../store/rounds.ts';
import { createStatement, listStatements } from '../store/statements.ts';
import { createTrack, listTracks, updateTrack } from '../store/tracks.ts';
import { compare, createVersion, document, getVersion, listVersions, transmitVersion } from '../store/versions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
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
}

const negotiationParams = z.object({ id: s.idSchema });
const itemParams = z.object({ id: s.idSchema, itemId: s.idSchema });
const changeParams = z.object({ id: s.idSchema, itemId: s.idSchema, changeId: s.idSchema });
const open = { public: true };
/** Longer path parameters than any id are refused before routing, with a problem that says so. */
const MAX_PARAM_LENGTH = 300;
const problems = { 400: s.problemSchema, 401: s.problemSchema, 403: s.problemSchema, 404: s.problemSchema, 409: s.problemSchema, 413: s.problemSchema };

/**
 * Builds the HTTP API. Every route under /api but health, login and the OpenAPI document needs a
 * bearer token; each loads the negotiation through the store, which applies the visibility policy.
 */
export async function buildApp({ store, bodyLimit = 1024 * 1024, logger = true, loginAttemptsPerMinute = 10 }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger === false ? false : { level: logger === 'debug' ? 'debug' : 'error' },
    // Requests are not logged one by one: the log holds what went wrong, never a token or a body.
    logController: new LogController({ disableRequestLogging: logger !== 'debug' }),
    bodyLimit,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    ajv: { customOptions: { removeAdditional: false } },
    frameworkErrors: (error, _request, reply) => sendProblem(reply, problemFor(error, { bodyLimit })),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('user', null);
  app.setErrorHandler((error, request, reply) => {
    const problem = problemFor(error, { bodyLimit });
    if (problem.status >= 500) request.log.error({ err: error, method: request.method, route: request.routeOptions.url }, 'unexpected error');
    return sendProblem(reply, problem);
  });
  // The documentation's own routes are public; every other route is public only where it says so.
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs')) route.config = { ...(route.config ?? {}), public: true };
    for (const method of [route.method].flat()) routeTable.push({ method, url: route.url, public: route.config?.public === true });
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, { status: 404, title: 'Not Found', detail: `there is no route ${request.method} ${request.url.split('?')[0]}; the API is described at /api/docs` }),
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
  await app.register(fastifyHelmet, {
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
  app.addHook('onSend', async (request, reply) => {
    // Answers of the API are confidential: no cache, shared or private, keeps them.
    if (request.url.startsWith('/api/') && !request.url.startsWith('/api/docs')) reply.header('cache-control', 'no-store');
  });
  // preHandler: the key needs the e-mail from the parsed body.
  await app.register(fastifyRateLimit, { global: false, hook: 'preHandler' });

  // Decided on the route the router matched (after decoding the path), never on the raw URL: a route
  // is public only when it declares so; a request that matched no route gets the 404 anyway.
  app.addHook('onRequest', async (request) => {
    if (request.is404 || request.routeOptions.config.public === true) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new DomainError('unauthenticated', 'send your token as "Authorization: Bearer <token>"; get one from POST /api/auth/login');
    const user = await userByToken(store, match[1]!);
    if (!user) throw new DomainError('unauthenticated', 'this token is unknown or expired; sign in again with POST /api/auth/login');
    request.user = user;
  });

  // Text is stored as UTF-8: a lone surrogate would silently become U+FFFD in the database while the
  // audit kept the original, so it is refused here, in any field, before anything is written.
  app.addHook('preValidation', async (request) => {
    const at = malformedTextAt(request.body);
    if (at !== null) throw invalid(at || 'body', `the text at ${at || 'the top of the body'} holds a lone surrogate (\\ud800–\\udfff without its pair), which is not valid Unicode; send well-formed text`);
  });

  const me = (request: { user: User | null }): User => request.user as User;
  const ctx = (request: { user: User | null; params: { id: string } }): Promise<NegotiationContext> => store.context(request.user as User, request.params.id);
  const created = <T>(reply: FastifyReply, body: T) => reply.code(201).send(body);

  app.get('/', { config: open, schema: { hide: true } }, (_request, reply) => reply.type('text/html; charset=utf-8').send(LANDING_PAGE));
  app.get('/api/openapi.json', { config: open, schema: { hide: true } }, () => app.swagger());

  app.get('/api/health', { config: open, schema: { tags: ['system'], security: [], response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => {
    await store.db.selectFrom('negotiations').select('id').limit(1).execute();
    return { status: 'ok' as const };
  });

  const loginLimit = {
    max: loginAttemptsPerMinute,
    timeWindow: '1 minute',
    // Counted per address and account, so one guessed account does not lock out a whole office.
    keyGenerator: (request: { ip: string; body?: unknown }) => `${request.ip} ${String((request.body as { email?: unknown } | undefined)?.email ?? '').trim().toLowerCase()}`,
    errorResponseBuilder: (_request: unknown, context: { after: string }) =>
      Object.assign(new Error(`too many sign-in attempts for this account; try again in ${context.after}`), { statusCode: 429 }),
  };
  app.post('/api/auth/login', { config: { public: true, rateLimit: loginLimit }, schema: { tags: ['auth'], security: [], body: s.loginSchema, response: { 200: z.object({ token: z.string(), expiresAt: z.string(), user: s.userSchema }), ...problems, 429: s.problemSchema } } }, async (request) => {
    const session = await login(store, request.body.email, request.body.password);
    if (!session) throw new DomainError('unauthenticated', 'the e-mail or the password is wrong');
    return session;
  });
  app.post('/api/auth/logout', { schema: { tags: ['auth'], response: { 204: z.null(), ...problems } } }, async (request, reply) => {
    await logout(store, /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')![1]!);
    return reply.code(204).send(null);
  });
  app.get('/api/me', { schema: { tags: ['auth'], response: { 200: s.userSchema, ...problems } } }, (request) => me(request));
  app.post('/api/users', { schema: { tags: ['people'], body: s.userCreateSchema, response: { 201: s.userSchema, ...problems } } }, async (request, reply) => {
    if (!me(request).isAdmin) throw new DomainError('forbidden', 'only an administrator creates accounts');
    return created(reply, await createUser(store, me(request).id, request.body));
  });

  // Negotiations
  app.get('/api/negotiations', { schema: { tags: ['negotiations'], response: { 200: z.array(s.negotiationSchema), ...problems } } }, (request) => listNegotiations(store, me(request)));
  app.post('/api/negotiations', { schema: { tags: ['negotiations'], body: s.negotiationCreateSchema, response: { 201: s.negotiationSchema, ...problems } } }, async (request, reply) =>
    created(reply, await createNegotiation(store, me(request), request.body)),
  );
  app.get('/api/negotiations/:id', { schema: { tags: ['negotiations'], params: negotiationParams, response: { 200: s.negotiationSchema, ...problems } } }, async (request) => (await ctx(request)).negotiation);
  app.patch('/api/negotiations/:id', { schema: { tags: ['negotiations'], params: negotiationParams, body: s.negotiationPatchSchema, response: { 200: s.negotiationSchema, ...problems } } }, async (request) => {
    const { revision, ...patch } = request.body;
    return updateNegotiation(store, await ctx(request), revision, patch);
  });

  // Parties and people
  app.get('/api/negotiations/:id/parties', { schema: { tags: ['people'], params: negotiationParams, response: { 200: z.array(s.partySchema), ...problems } } }, async (request) => (await ctx(request)).parties);
  app.post('/api/negotiations/:id/parties', { schema: { tags: ['people'], params: negotiationParams, body: s.partyCreateSchema, response: { 201: s.partySchema, ...problems } } }, async (request, reply) =>
    created(reply, await addParty(store, await ctx(request), request.body)),
  );
  app.get('/api/negotiations/:id/members', { schema: { tags: ['people'], params: negotiationParams, response: { 200: z.array(s.memberSchema), ...problems } } }, async (request) => listMembers(store, await ctx(request)));
  app.post('/api/negotiations/:id/members', { schema: { tags: ['people'], params: negotiationParams, body: s.memberCreateSchema, response: { 201: s.memberSchema, ...problems } } }, async (request, reply) => {
    const context = await ctx(request);
    const membership = await addMember(store, context, request.body);
    const listed = (await listMembers(store, await store.context(me(request), context.negotiation.id))).find((m) => m.id === membership.id)!;
    return created(reply, listed);
  });

  // The document and its versions
  app.get('/api/negotiations/:id/document', { schema: { tags: ['document'], params: negotiationParams, querystring: z.object({ version: s.idSchema.optional() }), response: { 200: s.versionSchema, ...problems } } }, async (request) =>
    document(store, await ctx(request), request.query.version),
  );
  app.get('/api/negotiations/:id/versions', { schema: { tags: ['document'], params: negotiationParams, response: { 200: z.array(s.versionSchema), ...problems } } }, async (request) => listVersions(store, await ctx(request)));
  app.post('/api/negotiations/:id/versions', { schema: { tags: ['document'], params: negotiationParams, body: s.versionCreateSchema, response: { 201: s.versionSchema, ...problems } } }, async (request, reply) =>
    created(reply, await createVersion(store, await ctx(request), request.body)),
  );
  app.get('/api/negotiations/:id/versions/:itemId', { schema: { tags: ['document'], params: itemParams, response: { 200: s.versionSchema, ...problems } } }, async (request) =>
    getVersion(store, await ctx(request), request.params.itemId),
  );
  app.get('/api/negotiations/:id/versions/:itemId/compare', { schema: { tags: ['document'], params: itemParams, querystring: z.object({ base: s.idSchema.optional() }), response: { 200: s.comparisonSchema, ...problems } } }, async (request) =>
    compare(store, await ctx(request), request.params.itemId, request.query.base),
  );
  app.post('/api/negotiations/:id/versions/:itemId/transmit', { schema: { tags: ['document'], params: itemParams, body: s.transmitSchema, response: { 200: s.versionSchema, ...problems } } }, async (request) =>
    transmitVersion(store, await ctx(request), request.params.itemId, request.body.partyIds, request.body.toMediators),
  );
  app.get('/api/negotiations/:id/versions/:itemId/approvals', { schema: { tags: ['approvals'], params: itemParams, response: { 200: s.textApprovalsSchema, ...problems } } }, async (request) =>
    versionApprovals(store, await ctx(request), request.params.itemId),
  );
  app.post('/api/negotiations/:id/versions/:itemId/approvals', { schema: { tags: ['approvals'], params: itemParams, body: s.decisionSchema, response: { 200: s.textApprovalsSchema, ...problems } } }, async (request) =>
    decideOnText(store, await ctx(request), request.params.itemId, request.body),
  );
  app.get('/api/negotiations/:id/versions/:itemId/red-lines', { schema: { tags: ['red lines'], params: itemParams, response: { 200: s.redLineReportSchema, ...problems } } }, async (request) =>
    redLineReport(store, await ctx(request), request.params.itemId),
  );

  // Positions
  app.get('/api/negotiations/:id/positions', { schema: { tags: ['positions'], params: negotiationParams, querystring: z.object({ version: s.idSchema.optional() }), response: { 200: z.array(s.positionSchema), ...problems } } }, async (request) =>
    listPositions(store, await ctx(request), { versionId: request.query.version }),
  );
  app.post('/api/negotiations/:id/positions', { schema: { tags: ['positions'], params: negotiationParams, body: s.positionCreateSchema, response: { 201: s.positionSchema, ...problems } } }, async (request, reply) =>
    created(reply, await createPosition(store, await ctx(request), request.body)),
  );
  app.patch('/api/negotiations/:id/positions/:itemId', { schema: { tags: ['positions'], params: itemParams, body: s.positionPatchSchema, response: { 200: s.positionSchema, ...problems } } }, async (request) => {
    const { revision, ...patch } = request.body;
    return updatePosition(store, await ctx(request), request.params.itemId, revision, patch);
  });

  // Issues, red lines, preferences
  app.get('/api/negotiations/:id/issues', { schema: { tags: ['issues'], params: negotiationParams, response: { 200: z.array(s.issueSchema), ...problems } } }, async (request) => listIssues(store, await ctx(request)));
  app.post('/api/negotiations/:id/issues', { schema: { tags: ['issues'], params: negotiationParams, body: s.issueCreateSchema, response: { 201: s.issueSchema, ...problems } } }, async (request, reply) =>
    created(reply, await createIssue(store, await ctx(request), request.body)),
  );
  app.patch('/api/negotiations/:id/issues/:itemId', { schema: { tags: ['issues'], params: itemParams, body: s.issuePatchSchema, response: { 200: s.issueSchema, ...problems } } }, async (request) => {
    const { revision, ...patch } = request.body;
    return updateIssue(store, await ctx(request), request.params.itemId, revision, patch);
  });
  app.get('/api/negotiations/:id/red-lines', { schema: { tags: ['red lines'], params: negotiationParams, response: { 200: z.array(s.redLineSchema), ...problems } } }, async (request) => listRedLines(store, await ctx(request)));
  app.post('/api/negotiations/:id/red-lines', { schema: { tags: ['red lines'], params: negotiationParams, body: s.redLineCreateSchema, response: { 201: s.redLineSchema, ...problems } } }, async (request, reply) =>
    created(reply, await createRedLine(store, await ctx(request), request.body)),
  );
  app.patch('/api/negotiations/:id/red-lines/:itemId', { schema: { tags: ['red lines'], params: itemParams, body: s.redLinePatchSchema, response: { 200: s.redLineSchema, ...problems } } }, async (request) => {
    const { revision, ...patch } = request.body;
    return updateRedLine(store, await ctx(request), request.params.itemId, revision, patch);
  });
  app.get('/api/negotiations/:id/preferences', { schema: { tags: ['preferences'], params: negotiationParams, response: { 200: z.array(s.preferenceSchema), ...problems } } }, async (request) => listPreferences(store, await ctx(request)));
  app.put('/api/negotiations/:id/parties/:itemId/preferences', { schema: { tags: ['preferences'], params: itemParams, body: s.preferencePutSchema, response: { 200: s.preferenceSchema, ...problems } } }, async (request) => {
    const { revision, ...input } = request.body;
    return putPreference(store, await ctx(request), request.params.itemId, revision, input);
  });

  // Rounds, statements, tracks
  app.get('/api/negotiations/:id/rounds', { schema: { tags: ['rounds'], params: negotiationParams, response: { 200: z.array(s.roundSchema), ...problems } } }, async (request) => listRounds(store, await ctx(request)));
  app.post('/api/negotiations/:id/rounds', { schema: { tags: ['rounds'], params: negotiationParams, body: s.roundCreateSchema, response: { 201: s.roundSchema, ...problems } } }, async (request, reply) =>
    created(reply, await createRound(store, await ctx(request), request.body)),
  );
  app.patch('/api/negotiations/:id/rounds/:itemId', { schema: { tags: ['rounds'], params: itemParams, body: s.roundPatchSchema, response: { 200: s.roundSchema, ...problems } } }, async (request) => {
    const { revision, ...patch } = request.body;
    return updateRound(store, await ctx(request), request.params.itemId, revision, patch);
  });
  app.get('/api/negotiations/:id/statements', { schema: { tags: ['statements'], params: negotiationParams, response: { 200: z.array(s.statementSchema), ...problems } } }, async (request) => listStatements(store, await ctx(request)));
  app.post('/api/negotiations/:id/statements', { schema: { tags: ['statements'], params: negotiationParams, body: s.statementCreateSchema, response: { 201: s.statementSchema, ...problems } } }, async (request, reply) =>
    created(reply, await createStatement(store, await ctx(request), request.body)),
  );
  app.get('/api/negotiations/:id/tracks', { schema: { tags: ['tracks'], params: negotiationParams, response: { 200: z.array(s.trackSchema), ...problems } } }, async (request) => listTracks(store, await ctx(request)));
  app.post('/api/negotiations/:id/tracks', { schema: { tags: ['tracks'], params: negotiationParams, body: s.trackCreateSchema, response: { 201: s.trackSchema, ...problems } } }, async (request, reply) =>
    created(reply, await createTrack(store, await ctx(request), request.body)),
  );

  app.patch('/api/negotiations/:id/tracks/:itemId', { schema: { tags: ['tracks'], params: itemParams, body: s.trackPatchSchema, response: { 200: s.trackSchema, ...problems } } }, async (request) => {
    const { revision, ...patch } = request.body;
    return updateTrack(store, await ctx(request), request.params.itemId, revision, patch);
  });

  // Transmission rules
  app.get('/api/negotiations/:id/transmission-rules', { schema: { tags: ['approvals'], params: negotiationParams, response: { 200: z.array(s.transmissionRuleSchema), ...problems } } }, async (request) =>
    listRules(store, await ctx(request)),
  );
  app.post('/api/negotiations/:id/transmission-rules', { schema: { tags: ['approvals'], params: negotiationParams, body: s.ruleCreateSchema, response: { 201: s.transmissionRuleSchema, ...problems } } }, async (request, reply) =>
    created(reply, await createRule(store, await ctx(request), request.body)),
  );
  app.post('/api/negotiations/:id/transmission-rules/:itemId/changes', { schema: { tags: ['approvals'], params: itemParams, body: s.ruleChangeSchema, response: { 200: s.transmissionRuleSchema, ...problems } } }, async (request) =>
    proposeRuleChange(store, await ctx(request), request.params.itemId, request.body.revision, request.body.remove ? null : request.body.terms!),
  );
  app.post('/api/negotiations/:id/transmission-rules/:itemId/changes/:changeId/consent', { schema: { tags: ['approvals'], params: changeParams, response: { 200: s.transmissionRuleSchema, ...problems } } }, async (request) =>
    consentToRuleChange(store, await ctx(request), request.params.itemId, request.params.changeId),
  );

  // Progress
  app.get('/api/negotiations/:id/progress', { schema: { tags: ['progress'], params: negotiationParams, response: { 200: s.progressSchema, ...problems } } }, async (request) => progress(store, await ctx(request)));

  // Administration
  app.get('/api/audit/verify', { schema: { tags: ['system'], response: { 200: z.object({ ok: z.boolean(), events: z.number(), seq: z.number().optional(), reason: z.string().optional() }), ...problems } } }, async (request) => {
    if (!me(request).isAdmin) throw new DomainError('forbidden', 'only an administrator verifies the audit log');
    return store.verifyAudit();
  });

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
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        const childPath = path ? `${path}.${key}` : key;
        if (LONE_SURROGATE.test(key)) return childPath;
        stack.push([child, childPath]);
      }
    }
  }
  return null;
}
