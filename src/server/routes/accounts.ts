import { z } from 'zod';
import { DomainError } from '../../core/errors.ts';
import { changePassword, createUser, endSession, listSessions, login, logout } from '../../store/accounts.ts';
import { acceptInvitation, invitationByToken } from '../../store/invitations.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { clearSessionCookie, csrfTokenFor, setSessionCookie } from '../web-session.ts';
import { created, me, open, problems, type App } from './shared.ts';

/** Signing in and out, and accounts. */
export function accountsRoutes(app: App, store: Store, loginAttemptsPerMinute: number): void {
  const loginLimit = {
    max: loginAttemptsPerMinute,
    timeWindow: '1 minute',
    // Counted per address and account, so one guessed account does not lock out a whole office.
    keyGenerator: (request: { ip: string; body?: unknown }) =>
      `${request.ip} ${String((request.body as { email?: unknown } | undefined)?.email ?? '')
        .trim()
        .toLowerCase()}`,
    errorResponseBuilder: (_request: unknown, context: { after: string }) =>
      Object.assign(new Error(`too many sign-in attempts for this account; try again in ${context.after}`), {
        statusCode: 429,
      }),
  };
  app.post(
    '/api/auth/login',
    {
      config: { public: true, rateLimit: loginLimit },
      schema: {
        tags: ['auth'],
        security: [],
        body: s.loginSchema,
        response: {
          200: z.object({ token: z.string(), expiresAt: z.string(), user: s.userSchema }),
          ...problems,
          429: s.problemSchema,
        },
      },
    },
    async (request) => {
      const session = await login(store, request.body.email, request.body.password);
      if (!session) throw new DomainError('unauthenticated', 'the e-mail or the password is wrong');
      return session;
    },
  );
  const webSession = z.object({
    user: s.userSchema,
    csrfToken: z.string().describe('Send it as the "x-csrf-token" header with every request that changes something'),
  });
  app.post(
    '/api/auth/session',
    {
      config: { public: true, rateLimit: loginLimit },
      schema: {
        tags: ['auth'],
        security: [],
        summary: 'Sign in the browser',
        description:
          "Public: an e-mail and a password open a session held in an HttpOnly, SameSite=Strict cookie, which the page's scripts never read. The answer gives the CSRF token that every change made with the cookie must carry as the x-csrf-token header. API clients use POST /api/auth/login and a bearer token instead.",
        body: s.loginSchema,
        response: { 200: webSession.extend({ expiresAt: z.string() }), ...problems, 429: s.problemSchema },
      },
    },
    async (request, reply) => {
      const session = await login(store, request.body.email, request.body.password);
      if (!session) throw new DomainError('unauthenticated', 'the e-mail or the password is wrong');
      setSessionCookie(request, reply, session.token, session.expiresAt);
      return { user: session.user, expiresAt: session.expiresAt, csrfToken: csrfTokenFor(session.token) };
    },
  );
  app.get(
    '/api/auth/session',
    {
      schema: {
        tags: ['auth'],
        summary: "The browser's session",
        description: 'Any signed-in account: who it is, and the CSRF token its changes carry.',
        response: { 200: webSession, ...problems },
      },
    },
    async (request) => ({ user: me(request), csrfToken: csrfTokenFor(request.token!) }),
  );
  app.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], response: { 204: z.null(), ...problems } } },
    async (request, reply) => {
      await logout(store, request.token!);
      if (request.viaCookie) clearSessionCookie(request, reply);
      return reply.code(204).send(null);
    },
  );
  app.get('/api/me', { schema: { tags: ['auth'], response: { 200: s.userSchema, ...problems } } }, (request) =>
    me(request),
  );
  app.post(
    '/api/users',
    { schema: { tags: ['people'], body: s.userCreateSchema, response: { 201: s.userSchema, ...problems } } },
    async (request, reply) => {
      if (!me(request).isAdmin) throw new DomainError('forbidden', 'only an administrator creates accounts');
      return created(reply, await createUser(store, me(request).id, request.body));
    },
  );
  app.post(
    '/api/me/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your password',
        description:
          'Any signed-in account, for itself, with its current password. Every other session of the account ends.',
        body: s.passwordChangeSchema,
        response: { 200: z.object({ endedSessions: z.number().int() }), ...problems },
      },
    },
    async (request) => changePassword(store, me(request), request.token!, request.body),
  );
  app.get(
    '/api/me/sessions',
    {
      schema: {
        tags: ['auth'],
        summary: 'Your open sessions',
        description: 'Any signed-in account, for itself: when each session began and ends, and which one is asking.',
        response: { 200: z.array(s.sessionSchema), ...problems },
      },
    },
    async (request) => listSessions(store, me(request), request.token!),
  );
  app.delete(
    '/api/me/sessions/:sessionId',
    {
      schema: {
        tags: ['auth'],
        summary: 'End one of your sessions',
        description: 'Any signed-in account, for its own sessions (sign out on another device).',
        params: z.object({ sessionId: z.string().min(1).max(64) }),
        response: { 204: z.null(), ...problems },
      },
    },
    async (request, reply) => {
      await endSession(store, me(request), request.params.sessionId);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/invitations/:token',
    {
      config: open,
      schema: {
        tags: ['auth'],
        security: [],
        summary: 'What an invitation offers',
        description: 'Public: the holder of the link learns the negotiation, the e-mail and the seat before accepting.',
        params: z.object({ token: z.string().min(10).max(200) }),
        response: { 200: s.invitationPreviewSchema, ...problems },
      },
    },
    async (request) => invitationByToken(store, request.params.token),
  );
  app.post(
    '/api/invitations/accept',
    {
      config: { public: true, rateLimit: { max: loginAttemptsPerMinute, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        security: [],
        summary: 'Accept an invitation',
        description:
          'Public, with the one-time token: choose your name and password (or give the password of the account the e-mail has), take the seat, and get a session token.',
        body: s.acceptSchema,
        response: {
          201: z.object({ token: z.string(), expiresAt: z.string(), membership: s.membershipSchema }),
          ...problems,
        },
      },
    },
    async (request, reply) => created(reply, await acceptInvitation(store, request.body)),
  );
}
