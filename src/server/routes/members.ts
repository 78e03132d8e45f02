import { z } from 'zod';
import { addMember, listMembers } from '../../store/members.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import { created, ctx, me, negotiationParams, problems, type App } from './shared.ts';

/** The people at the table and their roles. */
export function membersRoutes(app: App, store: Store): void {
  app.get(
    '/api/negotiations/:id/members',
    {
      schema: { tags: ['people'], params: negotiationParams, response: { 200: z.array(s.memberSchema), ...problems } },
    },
    async (request) => listMembers(store, await ctx(store, request)),
  );
  app.post(
    '/api/negotiations/:id/members',
    {
      schema: {
        tags: ['people'],
        params: negotiationParams,
        body: s.memberCreateSchema,
        response: { 201: s.memberSchema, ...problems },
      },
    },
    async (request, reply) => {
      const context = await ctx(store, request);
      const membership = await addMember(store, context, request.body);
      const listed = (await listMembers(store, await store.context(me(request), context.negotiation.id))).find(
        (m) => m.id === membership.id,
      )!;
      return created(reply, listed);
    },
  );
}
