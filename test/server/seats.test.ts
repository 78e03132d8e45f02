import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createUser } from '../../src/store/accounts.ts';
import { seatMember } from '../../src/store/members.ts';
import { Store } from '../../src/store/store.ts';
import { client, convene, signIn, startServer, freshDatabase, type RunningServer } from '../helpers.ts';

type Client = ReturnType<typeof client>;

/**
 * Seats by consent: a party's delegation is the party's once it has a principal or lead; one person
 * holds one seat in a negotiation; a party joins a coalition only with its own and the coalition's
 * consent; seating by e-mail is always an invitation, and the inviter learns nothing of the account.
 */
describe('seats and coalitions change only with the consent of the parties they touch', () => {
  let server: RunningServer;
  const N = '/api/negotiations/harbour';
  const PASSWORD = 'a long password';
  const people = ['mira', 'ana', 'pia', 'olu', 'ben', 'zed', 'kim', 'cam'] as const;
  const as: Record<string, Client> = {};
  const email = (who: string) => `${who}@example.org`;

  /** Invites, has the party's head consent when asked, and accepts signed in: the whole path to a seat. */
  async function seat(by: Client, who: string, partyId: string | null, role: string, consenter?: Client) {
    const invited = await by.post(`${N}/members`, { email: email(who), partyId, role });
    assert.equal(invited.status, 201, JSON.stringify(invited.body));
    if (invited.body.proposal?.state === 'open') {
      assert.ok(consenter, `the seat of ${who} awaits consent`);
      const consent = await consenter.post(`${N}/proposals/${invited.body.proposal.id}/decision`, {
        decision: 'accept',
      });
      assert.equal(consent.status, 200, JSON.stringify(consent.body));
    }
    const accepted = await as[who]!.post(`/api/me/invitations/${invited.body.invitation.id}/accept`, {});
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    return accepted.body.id as string;
  }
  const memberId = async (who: string) =>
    ((await as.mira!.get(`${N}/members`)).body as any[]).find((m) => m.email === email(who))?.id as string | undefined;
  const roleOf = async (who: string) =>
    ((await as.mira!.get(`${N}/members`)).body as any[]).find((m) => m.email === email(who))?.role as
      string | undefined;

  before(async () => {
    const file = await freshDatabase('seats');
    const setup = await Store.open(file);
    for (const who of people)
      await createUser(setup, null, { email: email(who), name: who.toUpperCase(), password: PASSWORD });
    await setup.close();
    server = await startServer(file);
    for (const who of people) as[who] = await signIn(server.url, email(who), PASSWORD);
    const mira = as.mira!;
    await convene(server.store, email('mira'), 'harbour', 'Harbour');
    for (const id of ['port', 'union', 'city'])
      assert.equal((await mira.post(`${N}/parties`, { id, name: `The ${id}`, shortName: id })).status, 201);
    // Before a party has a principal or lead, the convenor seats its first ones.
    await seat(mira, 'ana', 'port', 'lead');
    await seat(mira, 'olu', 'union', 'lead');
  });

  test('the inviter gets the same answer whether the e-mail has an account or not, and no name', async () => {
    const mira = as.mira!;
    const withAccount = await mira.post(`${N}/members`, { email: email('zed'), partyId: 'city', role: 'observer' });
    const without = await mira.post(`${N}/members`, { email: 'nobody@example.org', partyId: 'city', role: 'observer' });
    assert.equal(withAccount.status, 201);
    assert.equal(without.status, without.status);
    const shape = (body: any) =>
      JSON.stringify(body)
        .replaceAll(body.invitation.id, 'ID')
        .replaceAll(body.token, 'TOKEN')
        .replaceAll(body.invitation.email, 'EMAIL')
        .replace(/"(createdAt|expiresAt)":"[^"]+"/g, '"$1":"T"');
    assert.equal(shape(withAccount.body), shape(without.body));
    assert.ok(!JSON.stringify(withAccount.body).includes('ZED'), 'the account holder is not named');
    assert.equal((await mira.get(`${N}/members`)).body.length, 3, 'no one is seated before accepting');
    const anon = client(server.url);
    const previewA = await anon.get(`/api/invitations/${withAccount.body.token}`);
    const previewB = await anon.get(`/api/invitations/${without.body.token}`);
    assert.deepEqual(Object.keys(previewA.body).sort(), Object.keys(previewB.body).sort());
    for (const body of [withAccount.body, without.body])
      assert.equal((await mira.call('DELETE', `${N}/invitations/${body.invitation.id}`)).status, 200);
  });

  test('a mediator cannot seat itself in a party: one person, one seat', async () => {
    const mira = as.mira!;
    const self = await mira.post(`${N}/members`, { email: email('mira'), partyId: 'port', role: 'adviser' });
    assert.equal(self.status, 400);
    assert.equal(self.body.field, 'email');
    assert.match(self.body.detail, /already holds a seat in this negotiation \(mediator\).*one seat/);
    const twice = await mira.post(`${N}/members`, { email: email('olu'), partyId: 'city', role: 'lead' });
    assert.equal(twice.status, 400, 'no one sits in two delegations');
    assert.match(twice.body.detail, /lead of The union/);
    const moved = await mira.patch(`${N}/members/${await memberId('mira')}`, { partyId: 'port', role: 'lead' });
    assert.equal(moved.status, 400, 'nor moves its own seat into a party');
  });

  test("a mediator's invitation into a party with a lead waits for the lead; the person cannot accept before", async () => {
    const invited = await as.mira!.post(`${N}/members`, { email: email('ben'), partyId: 'port', role: 'adviser' });
    assert.equal(invited.status, 201);
    assert.equal(invited.body.proposal.state, 'open');
    assert.deepEqual(invited.body.proposal.awaitingPartyIds, ['port']);
    const mine = (await as.ben!.get('/api/me/invitations')).body as any[];
    assert.equal(mine.length, 1);
    assert.equal(mine[0].awaitingPartyConsent, true);
    const early = await as.ben!.post(`/api/me/invitations/${invited.body.invitation.id}/accept`, {});
    assert.equal(early.status, 403);
    assert.match(early.body.detail, /The port has not yet consented/);
    const early2 = await client(server.url).post('/api/invitations/accept', {
      token: invited.body.token,
      name: '',
      password: PASSWORD,
    });
    assert.equal(early2.status, 403, 'nor by the link');
    const proposal = `${N}/proposals/${invited.body.proposal.id}/decision`;
    for (const who of ['mira', 'olu', 'ben', 'zed']) {
      const tried = await as[who]!.post(proposal, { decision: 'accept' });
      assert.ok([403, 404].includes(tried.status), `${who} does not consent for the port: ${tried.status}`);
    }
    assert.equal((await as.olu!.get(`${N}/proposals`)).body.length, 0, "the union does not see the port's seats");
    assert.equal((await as.ana!.get(`${N}/proposals?state=open`)).body.length, 1, 'the port lead sees it');
    assert.equal((await as.ana!.post(proposal, { decision: 'accept' })).status, 200);
    const accepted = await as.ben!.post(`/api/me/invitations/${invited.body.invitation.id}/accept`, {});
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    assert.equal(await roleOf('ben'), 'adviser');
  });

  test("the party's lead invites into its own party directly, and no one else's", async () => {
    const own = await as.ana!.post(`${N}/members`, { email: email('pia'), partyId: 'port', role: 'principal' });
    assert.equal(own.status, 201);
    assert.equal(own.body.proposal, null);
    assert.equal(own.body.invitation.partyConsentBy !== null, true);
    const other = await as.ana!.post(`${N}/members`, { email: email('kim'), partyId: 'union', role: 'adviser' });
    assert.equal(other.status, 403);
    assert.match(other.body.detail, /principal or lead of The union/);
    const adviser = await as.ben!.post(`${N}/members`, { email: email('kim'), partyId: 'port', role: 'adviser' });
    assert.equal(adviser.status, 403, 'a member without the role invites no one');
    assert.equal((await as.pia!.post(`/api/me/invitations/${own.body.invitation.id}/accept`, {})).status, 201);
  });

  test('seat changes: the lead or principal does them; a mediator proposes; others are refused', async () => {
    const ben = (await memberId('ben'))!;
    const byMediator = await as.mira!.patch(`${N}/members/${ben}`, { role: 'negotiator' });
    assert.equal(byMediator.status, 202, JSON.stringify(byMediator.body));
    assert.equal(await roleOf('ben'), 'adviser', 'a proposal changes nothing yet');
    assert.equal((await as.olu!.patch(`${N}/members/${ben}`, { role: 'lead' })).status, 403, "another party's lead");
    const himself = await as.ben!.patch(`${N}/members/${ben}`, { role: 'lead' });
    assert.equal(himself.status, 403, 'a member without the role');
    assert.match(himself.body.detail, /only the principal or the lead of The port/);
    assert.equal(
      (await as.olu!.post(`${N}/proposals/${byMediator.body.id}/decision`, { decision: 'accept' })).status,
      404,
    );
    const accepted = await as.pia!.post(`${N}/proposals/${byMediator.body.id}/decision`, { decision: 'accept' });
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.state, 'accepted');
    assert.equal(await roleOf('ben'), 'negotiator', 'the principal consented: it took effect');

    const direct = await as.ana!.patch(`${N}/members/${ben}`, { role: 'adviser' });
    assert.equal(direct.status, 200, 'the lead changes it directly');
    assert.equal(direct.body.role, 'adviser');

    const removal = await as.mira!.call('DELETE', `${N}/members/${ben}`);
    assert.equal(removal.status, 202);
    const declined = await as.ana!.post(`${N}/proposals/${removal.body.id}/decision`, { decision: 'decline' });
    assert.equal(declined.status, 200);
    assert.equal(declined.body.state, 'declined');
    assert.equal(await roleOf('ben'), 'adviser', 'declined: ben keeps his seat');
    assert.equal((await as.olu!.call('DELETE', `${N}/members/${ben}`)).status, 403);
    assert.equal((await as.ben!.call('DELETE', `${N}/members/${await memberId('ana')}`)).status, 403);

    const audit = await server.store.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity', '=', 'proposal')
      .execute();
    assert.ok(
      ['proposal.create', 'proposal.consent', 'proposal.accept', 'proposal.decline'].every((a) =>
        audit.some((e) => e.action === a),
      ),
      'every step of consent is audited',
    );
  });

  test("a removal the mediator proposes takes effect when the party's lead accepts it, and the proposal is accepted", async () => {
    const invited = await as.olu!.post(`${N}/members`, { email: email('cam'), partyId: 'union', role: 'adviser' });
    assert.equal(invited.status, 201, JSON.stringify(invited.body));
    assert.equal((await as.cam!.post(`/api/me/invitations/${invited.body.invitation.id}/accept`, {})).status, 201);
    const cam = (await memberId('cam'))!;
    const removal = await as.mira!.call('DELETE', `${N}/members/${cam}`);
    assert.equal(removal.status, 202);
    assert.ok(await memberId('cam'), 'a proposal changes nothing yet');
    const accepted = await as.olu!.post(`${N}/proposals/${removal.body.id}/decision`, { decision: 'accept' });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.state, 'accepted', 'accepted, not closed by its own effect');
    assert.equal(await memberId('cam'), undefined, 'the party consented: the seat is gone');
  });

  test("a mediator does not read a party's drafts, positions or red lines by seating itself or a proxy", async () => {
    const issue = await as.mira!.post(`${N}/issues`, {
      id: 'berths',
      name: 'Berths',
      options: [
        { id: 'port', label: 'Port' },
        { id: 'union', label: 'Union' },
      ],
    });
    assert.equal(issue.status, 201, JSON.stringify(issue.body));
    const redLine = await as.ana!.post(`${N}/red-lines`, {
      partyId: 'port',
      title: 'Port keeps the berths',
      constraint: { kind: 'forbid', issueId: 'berths', optionIds: ['union'] },
    });
    assert.equal(redLine.status, 201, JSON.stringify(redLine.body));
    const draft = await as.ana!.post(`${N}/versions`, {
      parentId: null,
      authorPartyId: 'port',
      internal: true,
      kind: 'draft',
      label: 'Port draft',
      summary: '',
      points: [{ id: 'p1', title: 'Berths', text: 'The port keeps every berth.', issueIds: [] }],
    });
    assert.equal(draft.status, 201, JSON.stringify(draft.body));
    const readsSecrets = async (reader: Client) => {
      const lines = await reader.get(`${N}/red-lines`);
      const versions = await reader.get(`${N}/versions`);
      if (lines.status === 404 && versions.status === 404) return false; // not at the table at all
      return (
        (lines.body as any[]).some((l) => l.id === redLine.body.id) ||
        (versions.body as any[]).some((v) => v.id === draft.body.id)
      );
    };
    assert.equal(await readsSecrets(as.ana!), true);
    // Itself: refused outright. A proxy account: waits for the port, which declines.
    await as.mira!.post(`${N}/members`, { email: email('mira'), partyId: 'port', role: 'observer' });
    const proxy = await as.mira!.post(`${N}/members`, { email: email('cam'), partyId: 'port', role: 'observer' });
    assert.equal(proxy.body.proposal.state, 'open');
    assert.equal((await as.cam!.post(`/api/me/invitations/${proxy.body.invitation.id}/accept`, {})).status, 403);
    assert.equal(
      (await as.ana!.post(`${N}/proposals/${proxy.body.proposal.id}/decision`, { decision: 'decline' })).status,
      200,
    );
    assert.equal(
      (await as.cam!.post(`/api/me/invitations/${proxy.body.invitation.id}/accept`, {})).status,
      404,
      'declined: the invitation is withdrawn',
    );
    // Nor by promoting a member it seated to lead, to then act for the party.
    const ben = (await memberId('ben'))!;
    assert.equal((await as.mira!.patch(`${N}/members/${ben}`, { role: 'lead' })).status, 202);
    assert.equal(await roleOf('ben'), 'adviser');
    assert.equal(await readsSecrets(as.mira!), false);
    assert.equal(await readsSecrets(as.cam!), false);
  });

  test('one seat holds at acceptance too: an invitation that would give a second seat is refused', async () => {
    const invited = await as.mira!.post(`${N}/members`, { email: email('kim'), partyId: 'city', role: 'lead' });
    assert.equal(invited.status, 201);
    // Meanwhile the operator at the command line seats Kim elsewhere.
    const kim = await server.store.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', email('kim'))
      .executeTakeFirstOrThrow();
    await seatMember(server.store, await server.store.operatorContext('harbour'), {
      userId: kim.id,
      partyId: 'union',
      role: 'observer',
      title: '',
    });
    const signedIn = await as.kim!.post(`/api/me/invitations/${invited.body.invitation.id}/accept`, {});
    assert.equal(signedIn.status, 400);
    assert.match(signedIn.body.detail, /you already hold a seat in this negotiation \(observer of The union\)/);
    const byLink = await client(server.url).post('/api/invitations/accept', {
      token: invited.body.token,
      name: '',
      password: PASSWORD,
    });
    assert.equal(byLink.status, 400, 'by the link as well');
    assert.equal(
      ((await as.mira!.get(`${N}/members`)).body as any[]).filter((m) => m.email === email('kim')).length,
      1,
    );
    await assert.rejects(
      seatMember(server.store, await server.store.operatorContext('harbour'), {
        userId: kim.id,
        partyId: 'city',
        role: 'lead',
        title: '',
      }),
      /already holds a seat/,
    );
  });

  test("a coalition is made and joined only with each party's consent, and a joining party reads nothing before", async () => {
    const proposed = await as.mira!.post(`${N}/parties`, {
      id: 'owners',
      name: 'Owners',
      shortName: 'OWN',
      kind: 'coalition',
      memberPartyIds: ['port', 'city'],
    });
    assert.equal(proposed.status, 202, JSON.stringify(proposed.body));
    // The city has a lead since the last test? No: Kim's invitation was never accepted; the convenor consents for it.
    assert.deepEqual(proposed.body.awaitingPartyIds, ['port']);
    assert.ok(!((await as.mira!.get(`${N}/parties`)).body as any[]).some((p) => p.id === 'owners'));
    for (const who of ['olu', 'ben', 'mira'])
      assert.ok(
        [403, 404].includes(
          (await as[who]!.post(`${N}/proposals/${proposed.body.id}/decision`, { decision: 'accept' })).status,
        ),
        `${who} does not consent for the port`,
      );
    const made = await as.ana!.post(`${N}/proposals/${proposed.body.id}/decision`, { decision: 'accept' });
    assert.equal(made.body.state, 'accepted');
    const owners = ((await as.mira!.get(`${N}/parties`)).body as any[]).find((p) => p.id === 'owners');
    assert.deepEqual(owners.memberPartyIds, ['port', 'city']);

    const internal = await as.ana!.post(`${N}/versions`, {
      parentId: null,
      authorPartyId: 'owners',
      internal: true,
      kind: 'draft',
      label: 'Owners draft',
      summary: '',
      points: [{ id: 'o1', title: 'Owners', text: 'The owners keep the quays.', issueIds: [] }],
    });
    assert.equal(internal.status, 201, JSON.stringify(internal.body));
    const unionSees = async () =>
      ((await as.olu!.get(`${N}/versions`)).body as any[]).some((v) => v.id === internal.body.id);

    const join = await as.mira!.patch(`${N}/parties/owners`, {
      revision: owners.revision,
      memberPartyIds: ['port', 'city', 'union'],
    });
    assert.equal(join.status, 202, JSON.stringify(join.body));
    assert.deepEqual(join.body.awaitingPartyIds, ['port', 'union']);
    assert.equal(await unionSees(), false);
    assert.equal((await as.olu!.post(`${N}/proposals/${join.body.id}/decision`, { decision: 'accept' })).status, 200);
    assert.equal(await unionSees(), false, "the union's own consent is not the coalition's");
    const joined = await as.ana!.post(`${N}/proposals/${join.body.id}/decision`, { decision: 'accept' });
    assert.equal(joined.body.state, 'accepted');
    assert.equal(await unionSees(), true, 'at the last consent the union joins');

    // The union's lead proposes to take the city out; the port declines.
    const current = ((await as.mira!.get(`${N}/parties`)).body as any[]).find((p) => p.id === 'owners');
    const leave = await as.olu!.patch(`${N}/parties/owners`, {
      revision: current.revision,
      memberPartyIds: ['port', 'union'],
    });
    assert.equal(leave.status, 202);
    assert.equal((await as.ben!.post(`${N}/proposals/${leave.body.id}/decision`, { decision: 'decline' })).status, 403);
    assert.equal((await as.pia!.post(`${N}/proposals/${leave.body.id}/decision`, { decision: 'decline' })).status, 200);
    assert.equal(
      ((await as.mira!.get(`${N}/parties`)).body as any[]).find((p) => p.id === 'owners').memberPartyIds.length,
      3,
    );
    assert.equal((await as.zed!.get(`${N}/proposals`)).status, 404, 'an outsider does not learn of the proposals');
  });

  test("the convenor's earlier invitations into a party wait for the consent of its first lead, once there is one", async () => {
    const observer = await as.mira!.post(`${N}/members`, { email: email('cam'), partyId: 'city', role: 'observer' });
    assert.equal(observer.body.proposal, null, 'the city has no principal or lead yet: the convenor seats');
    const lead = await as.mira!.post(`${N}/members`, { email: email('zed'), partyId: 'city', role: 'lead' });
    assert.equal((await as.zed!.post(`/api/me/invitations/${lead.body.invitation.id}/accept`, {})).status, 201);
    const before = await server.store.db
      .selectFrom('audit_events')
      .select('seq')
      .orderBy('seq', 'desc')
      .executeTakeFirst();
    const early = await as.cam!.post(`/api/me/invitations/${observer.body.invitation.id}/accept`, {});
    assert.equal(early.status, 403, 'now the city has a lead, whose consent the seat awaits');
    const after = await server.store.db
      .selectFrom('audit_events')
      .select('seq')
      .orderBy('seq', 'desc')
      .executeTakeFirst();
    assert.equal(after?.seq, before?.seq, 'a refused acceptance writes nothing');
    const pending = ((await as.zed!.get(`${N}/proposals?state=open`)).body as any[]).find(
      (p) => p.terms.kind === 'invitation' && p.terms.invitationId === observer.body.invitation.id,
    );
    assert.ok(pending, "the city's lead is asked for consent");
    assert.equal((await as.zed!.post(`${N}/proposals/${pending.id}/decision`, { decision: 'accept' })).status, 200);
    assert.equal((await as.cam!.post(`/api/me/invitations/${observer.body.invitation.id}/accept`, {})).status, 201);
  });
});
