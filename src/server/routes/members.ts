import { z } from 'zod';
import { listInvitations, revokeInvitation } from '../../store/invitations.ts';
import { addMember, listMembers, removeMember, updateMember } from '../../store/members.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import type { User } from '../../core/model.ts';
import { created, ctx, negotiationParams, problems, type App } from './shared.ts';

const memberParams = z.object({ id: s.idSchema, memberId: s.idSchema });
const invitationParams = z.object({ id: s.idSchema, invitationId: s.idSchema });

/** The people at the table and their roles, and the invitations of those who have no account yet. */
export function membersRoutes(app: App, store: Store): void {
  /** A member as listed, read anew after the change (the request's context predates it). */
  const member = async (request: { user: User | null; params: { id: string } }, memberId: string) =>
    (await listMembers(store, await ctx(store, request))).find((m) => m.id === memberId)!;
  app.get(
    '/api/negotiations/:id/members',
    {
      schema: {
        tags: ['people'],
        summary: 'The people at the table',
        description: 'Every member of the negotiation: name, e-mail, party, role and title.',
        params: negotiationParams,
        response: { 200: z.array(s.memberSchema), ...problems },
      },
    },
    async (request) => listMembers(store, await ctx(store, request)),
  );
  app.post(
    '/api/negotiations/:id/members',
    {
      schema: {
        tags: ['people'],
        summary: 'Seat a person, or invite them',
        description:
          "A mediator of the negotiation (its convenor). An e-mail with an account is seated at once; one without gets an invitation whose one-time link is returned here (Parley sends no mail). A mediator's seat has partyId null.",
        params: negotiationParams,
        body: s.memberCreateSchema,
        response: { 201: s.seatedSchema, ...problems },
      },
    },
    async (request, reply) => {
      const seated = await addMember(store, await ctx(store, request), request.body);
      if (seated.kind === 'invitation') {
        const link = `${request.protocol}://${request.host}/invite/${seated.token}`;
        return created(reply, {
          kind: 'invitation' as const,
          invitation: seated.invitation,
          token: seated.token,
          link,
        });
      }
      return created(reply, { kind: 'membership' as const, ...(await member(request, seated.membership.id)) });
    },
  );
  app.patch(
    '/api/negotiations/:id/members/:memberId',
    {
      schema: {
        tags: ['people'],
        summary: "Change a person's seat",
        description: 'A mediator of the negotiation. Access follows at once, for tokens already issued too.',
        params: memberParams,
        body: s.memberPatchSchema,
        response: { 200: s.memberSchema, ...problems },
      },
    },
    async (request) => {
      await updateMember(store, await ctx(store, request), request.params.memberId, request.body);
      return member(request, request.params.memberId);
    },
  );
  app.delete(
    '/api/negotiations/:id/members/:memberId',
    {
      schema: {
        tags: ['people'],
        summary: 'Remove a person from the table',
        description:
          'A mediator of the negotiation. The person loses access at once; the last mediator cannot be removed.',
        params: memberParams,
        response: { 204: z.null(), ...problems },
      },
    },
    async (request, reply) => {
      await removeMember(store, await ctx(store, request), request.params.memberId);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/negotiations/:id/invitations',
    {
      schema: {
        tags: ['people'],
        summary: 'The invitations of the negotiation',
        description:
          'A mediator of the negotiation: open, accepted, revoked and expired invitations (never their tokens).',
        params: negotiationParams,
        response: { 200: z.array(s.invitationSchema), ...problems },
      },
    },
    async (request) => listInvitations(store, await ctx(store, request)),
  );
  app.delete(
    '/api/negotiations/:id/invitations/:invitationId',
    {
      schema: {
        tags: ['people'],
        summary: 'Revoke an invitation',
        description: 'A mediator of the negotiation. The link stops working at once.',
        params: invitationParams,
        response: { 200: s.invitationSchema, ...problems },
      },
    },
    async (request) => revokeInvitation(store, await ctx(store, request), request.params.invitationId),
  );
}
