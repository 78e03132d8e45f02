import { z } from 'zod';
import { DomainError, invalid } from '../../core/errors.ts';
import {
  changePassword,
  choosePassword,
  createAccount,
  endSession,
  listSessions,
  login,
  logout,
  passwordSetupByToken,
  renewPasswordLink,
} from '../../store/accounts.ts';
import { acceptInvitation, invitationByToken } from '../../store/invitations.ts';
import type { Store } from '../../store/store.ts';
import { TooManyRequests } from '../problems.ts';
import * as s from '../schemas.ts';
import type { SignInGuard } from '../sign-in-guard.ts';
import { clearSessionCookie, csrfTokenFor, setSessionCookie } from '../web-session.ts';
import { created, me, open, problems, type App } from './shared.ts';

/** A password check that failed because the password was wrong (what the sign-in guard counts). */
const wrongPassword = (field: string) => (outcome: PromiseSettledResult<unknown>) =>
  outcome.status === 'rejected' &&
  outcome.reason instanceof DomainError &&
  (outcome.reason.kind === 'unauthenticated' ||
    (outcome.reason.kind === 'forbidden' && outcome.reason.field === field));
/** A link's token that matched nothing (counted like a wrong password: guessing one is guessing a secret). */
const unknownLink = (outcome: PromiseSettledResult<unknown>) =>
  outcome.status === 'rejected' && outcome.reason instanceof DomainError && outcome.reason.kind === 'not_found';

/** Signing in and out, and accounts. Every check of a password goes through the sign-in guard. */
export function accountsRoutes(app: App, store: Store, loginAttemptsPerMinute: number, guard: SignInGuard): void {
  const signIn = (address: string, email: string, password: string) =>
    guard.attempt(
      address,
      email,
      () => login(store, email, password),
      (outcome) => outcome.status === 'fulfilled' && outcome.value === null,
    );
  const loginLimit = {
    max: loginAttemptsPerMinute,
    timeWindow: '1 minute',
    // Counted per address and account, so one guessed account does not lock out a whole office.
    keyGenerator: (request: { ip: string; body?: unknown }) =>
      `${request.ip} ${String((request.body as { email?: unknown } | undefined)?.email ?? '')
        .trim()
        .toLowerCase()}`,
    errorResponseBuilder: (_request: unknown, context: { ttl: number }) =>
      new TooManyRequests(
        'too many sign-in attempts for this account from your address',
        context.ttl,
        new Date(Date.now() + context.ttl),
      ),
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
      const session = await signIn(request.ip, request.body.email, request.body.password);
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
      const session = await signIn(request.ip, request.body.email, request.body.password);
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
    {
      // The person chooses the password: one sent by the administrator is refused, not silently dropped.
      preValidation: async (request) => {
        const body = request.body as Record<string, unknown> | null | undefined;
        if (body && typeof body === 'object' && 'password' in body)
          throw invalid(
            'body.password',
            'an administrator does not choose passwords: create the account without one, and pass the link of the answer (passwordLink) to the person, who chooses theirs',
          );
      },
      schema: {
        tags: ['people'],
        body: s.userCreateSchema,
        response: { 201: s.userCreatedSchema, ...problems },
      },
    },
    async (request, reply) => {
      if (!me(request).isAdmin) throw new DomainError('forbidden', 'only an administrator creates accounts');
      const made = await createAccount(store, me(request).id, request.body);
      return created(reply, {
        ...made.user,
        passwordLink: {
          token: made.token,
          link: `${request.protocol}://${request.host}/set-password/${made.token}`,
          expiresAt: made.expiresAt,
        },
      });
    },
  );
  app.post(
    '/api/users/:userId/password-link',
    {
      schema: {
        tags: ['people'],
        description:
          'A new one-time link for an account whose person has not chosen a password yet (its first link was lost or expired); the earlier link stops working. An account with a password gets none (403): no administrator chooses a password that works.',
        params: s.userParams,
        response: { 201: s.passwordLinkSchema, ...problems },
      },
    },
    async (request, reply) => {
      if (!me(request).isAdmin) throw new DomainError('forbidden', 'only an administrator renews password links');
      const made = await renewPasswordLink(store, me(request).id, request.params.userId);
      return created(reply, {
        token: made.token,
        link: `${request.protocol}://${request.host}/set-password/${made.token}`,
        expiresAt: made.expiresAt,
      });
    },
  );
  app.get(
    '/api/password-links/:token',
    {
      config: open,
      schema: {
        tags: ['auth'],
        security: [],
        summary: 'Whose account a password link opens',
        description:
          'Public: the holder of the one-time link an administrator was given for a new account learns its e-mail and name before choosing the password.',
        params: z.object({ token: z.string().min(10).max(200) }),
        response: { 200: s.passwordLinkPreviewSchema, ...problems },
      },
    },
    async (request) => passwordSetupByToken(store, request.params.token),
  );
  app.post(
    '/api/password-links/choose',
    {
      config: { public: true, rateLimit: { max: loginAttemptsPerMinute, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        security: [],
        summary: 'Choose the password of a new account',
        description:
          'Public, with the one-time token of the link an administrator was given: the person of the account chooses its password (until then no password signs it in) and gets a session token. The link then no longer works.',
        body: s.choosePasswordSchema,
        response: {
          201: z.object({ token: z.string(), expiresAt: z.string(), user: s.userSchema }),
          ...problems,
          429: s.problemSchema,
        },
      },
    },
    async (request, reply) =>
      created(reply, await guard.attempt(request.ip, null, () => choosePassword(store, request.body), unknownLink)),
  );
  app.post(
    '/api/me/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your password',
        description:
          'Any signed-in account, for itself, with its current password. Every other session of the account ends. A wrong current password counts as a failed sign-in of the account (429 with Retry-After past a few).',
        body: s.passwordChangeSchema,
        response: { 200: z.object({ endedSessions: z.number().int() }), ...problems, 429: s.problemSchema },
      },
    },
    async (request) =>
      guard.attempt(
        request.ip,
        me(request).email,
        () => changePassword(store, me(request), request.token!, request.body),
        wrongPassword('currentPassword'),
        { fromSession: true },
      ),
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
          429: s.problemSchema,
        },
      },
    },
    async (request, reply) =>
      created(
        reply,
        await guard.attempt(request.ip, null, () => acceptInvitation(store, request.body), wrongPassword('password')),
      ),
  );
}
