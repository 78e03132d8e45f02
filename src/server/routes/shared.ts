import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { User } from '../../core/model.ts';
import type { NegotiationContext, Store } from '../../store/store.ts';
import * as s from '../schemas.ts';

/** The app as routes see it: Fastify with zod schemas. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export const negotiationParams = z.object({ id: s.idSchema });
export const itemParams = z.object({ id: s.idSchema, itemId: s.idSchema });
export const changeParams = z.object({ id: s.idSchema, itemId: s.idSchema, changeId: s.idSchema });
/** The errors every route may answer, for the OpenAPI document. */
export const problems = {
  400: s.problemSchema,
  401: s.problemSchema,
  403: s.problemSchema,
  404: s.problemSchema,
  409: s.problemSchema,
  413: s.problemSchema,
};
/** A route's config when anyone may call it without signing in; every other route needs a reader. */
export const open = { public: true };

/** The signed-in reader (every route that is not public has one). */
export const me = (request: { user: User | null }): User => request.user as User;

/** The negotiation of the path, as the reader may see it (404 when they may not). */
export const ctx = (
  store: Store,
  request: { user: User | null; params: { id: string } },
): Promise<NegotiationContext> => store.context(request.user as User, request.params.id);

export const created = <T>(reply: FastifyReply, body: T) => reply.code(201).send(body);
