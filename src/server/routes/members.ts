import { z } from 'zod';
import {
  acceptInvitationSignedIn,
  inviteMember,
  listInvitations,
  listMyInvitations,
  revokeInvitation,
} from '../../store/invitations.ts';
import { listMembers, removeMember, updateMember } from '../../store/members.ts';
import { decideProposal, listProposals } from '../../store/proposals.ts';
import type { Store } from '../../store/store.ts';
import * as s from '../schemas.ts';
import type { User } from '../../core/model.ts';
import { created, ctx, me, negotiationParams, problems, type App } from './shared.ts';

const memberParams = z.object({ id: s.idSchema, memberId: s.idSchema });
const invitationParams = z.object({ id: s.idSchema, invitationId: s.idSchema });
const proposalParams = z.object({ id: s.idSchema, proposalId: s.idSchema });

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
        summary: 'Invite a person to a seat',
        description:
          "A mediator (any seat), or a party's principal or lead (a seat in their party). Always an invitation that the person accepts, with the same answer whether the e-mail has an account or not; its one-time link is returned here (Parley sends no mail). An invitation into a party with a principal or lead, made by someone else, waits for their consent (the proposal returned). A person holds one seat in a negotiation. A mediator's seat has partyId null.",
        params: negotiationParams,
        body: s.memberCreateSchema,
        response: { 201: s.seatedSchema, ...problems },
      },
    },
    async (request, reply) => {
      const made = await inviteMember(store, await ctx(store, request), request.body);
      const link = `${request.protocol}://${request.host}/invite/${made.token}`;
      return created(reply, { kind: 'invitation' as const, ...made, link });
    },
  );
  app.patch(
    '/api/negotiations/:id/members/:memberId',
    {
      schema: {
        tags: ['people'],
        summary: "Change a person's seat",
        description:
          "The role or title. In a party with a principal or lead, they change it (200); a mediator's change is a proposal that awaits their consent (202). Before the party has either, and for mediators' seats, a mediator changes it. A seat does not move to another party. Access follows at once, for tokens already issued too.",
        params: memberParams,
        body: s.memberPatchSchema,
        response: { 200: s.memberSchema, 202: s.proposalSchema, ...problems },
      },
    },
    async (request, reply) => {
      const outcome = await updateMember(store, await ctx(store, request), request.params.memberId, request.body);
      if (outcome.kind === 'proposal') return reply.code(202).send(outcome.proposal);
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
          "In a party with a principal or lead, they remove the seat (204); a mediator's removal is a proposal that awaits their consent (202). The person loses access at once; the last mediator cannot be removed.",
        params: memberParams,
        response: { 202: s.proposalSchema, 204: z.null(), ...problems },
      },
    },
    async (request, reply) => {
      const outcome = await removeMember(store, await ctx(store, request), request.params.memberId);
      if (outcome.kind === 'proposal') return reply.code(202).send(outcome.proposal);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/negotiations/:id/proposals',
    {
      schema: {
        tags: ['people'],
        summary: 'Seat and coalition changes awaiting consent',
        description:
          "Invitations into a party, changes of its seats and of coalitions' members that wait for (or received) the consent of the parties they touch. A mediator sees all; a party's members those that touch their party.",
        params: negotiationParams,
        querystring: z.object({ state: z.enum(['open', 'accepted', 'declined']).optional() }),
        response: { 200: z.array(s.proposalSchema), ...problems },
      },
    },
    async (request) => listProposals(store, await ctx(store, request), request.query),
  );
  app.post(
    '/api/negotiations/:id/proposals/:proposalId/decision',
    {
      schema: {
        tags: ['people'],
        summary: 'Consent to a proposal, or decline it',
        description:
          'accept: the principal or lead of a party the proposal awaits consents for it (a mediator, for a party with neither); at the last consent the change takes effect. decline: a principal or lead of a party it touches refuses it, or its proposer withdraws it.',
        params: proposalParams,
        body: s.proposalDecisionSchema,
        response: { 200: s.proposalSchema, ...problems },
      },
    },
    async (request) =>
      decideProposal(store, await ctx(store, request), request.params.proposalId, request.body.decision),
  );
  app.get(
    '/api/negotiations/:id/invitations',
    {
      schema: {
        tags: ['people'],
        summary: 'The invitations of the negotiation',
        description:
          "A mediator of the negotiation (all), or a party's principal or lead (those into their party): open, accepted, revoked and expired invitations (never their tokens).",
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
        description:
          "A mediator of the negotiation, or the principal or lead of the invitation's party. The link stops working at once.",
        params: invitationParams,
        response: { 200: s.invitationSchema, ...problems },
      },
    },
    async (request) => revokeInvitation(store, await ctx(store, request), request.params.invitationId),
  );
  app.get(
    '/api/me/invitations',
    {
      schema: {
        tags: ['people'],
        summary: 'The invitations addressed to you',
        description:
          "The open invitations to your account's e-mail, in any negotiation: accept one signed in, no link needed.",
        response: { 200: z.array(s.invitationPreviewSchema), ...problems },
      },
    },
    async (request) => listMyInvitations(store, me(request)),
  );
  app.post(
    '/api/me/invitations/:invitationId/accept',
    {
      schema: {
        tags: ['people'],
        summary: 'Accept an invitation, signed in',
        description:
          "An invitation to your account's e-mail: take the seat. Refused while the party's principal or lead has not consented, and when you already hold a seat in the negotiation (one person, one seat).",
        params: z.object({ invitationId: s.idSchema }),
        response: { 201: s.membershipSchema, ...problems },
      },
    },
    async (request, reply) =>
      created(reply, await acceptInvitationSignedIn(store, me(request), request.params.invitationId)),
  );
}
