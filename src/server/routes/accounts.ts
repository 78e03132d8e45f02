import { z } from 'zod';
import { DomainError } from '../../core/errors.ts';
import { createUser, login, logout } from '../../store/accounts.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { created, me, problems, type App } from './shared.ts';

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
  app.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], response: { 204: z.null(), ...problems } } },
    async (request, reply) => {
      await logout(store, /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')![1]!);
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
}
