import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createUser } from '../../src/store/accounts.ts';
import { Store } from '../../src/store/store.ts';
import { client, convene, signIn, startServer, freshDatabase, type RunningServer } from '../helpers.ts';

type Client = ReturnType<typeof client>;

/** A negotiation convened from an empty database by an account with no administrator rights. */
describe('a convenor runs a new negotiation without an administrator', () => {
  let server: RunningServer;
  let convenor: Client;
  let N = '';
  before(async () => {
    const file = await freshDatabase('empty');
    const setup = await Store.open(file);
    await createUser(setup, null, { email: 'mira@example.org', name: 'Mira Castellan', password: 'mediator-pass' });
    await createUser(setup, null, { email: 'ana@example.org', name: 'Ana Lind', password: 'operator-pass' });
    await setup.close();
    server = await startServer(file);
    convenor = await signIn(server.url, 'mira@example.org', 'mediator-pass');
  });

  test('any signed-in account opens a negotiation and becomes its convenor', async () => {
    const opened = await convenor.post('/api/negotiations', {
      title: 'Harbour agreement',
      summary: 'Three parties share a harbour.',
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    N = `/api/negotiations/${opened.body.id}`;
    const members = (await convenor.get(`${N}/members`)).body;
    assert.deepEqual(
      members.map((m: any) => [m.email, m.role, m.partyId, m.title]),
      [['mira@example.org', 'mediator', null, 'Convenor']],
    );
  });

  test('the convenor adds parties and a coalition scoped to some points, and edits them at a revision', async () => {
    for (const [id, name] of [
      ['port', 'Port authority'],
      ['union', "Dockers' union"],
      ['city', 'City council'],
    ] as const) {
      const answer = await convenor.post(`${N}/parties`, { id, name, shortName: id.toUpperCase() });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
    }
    const coalition = await convenor.post(`${N}/parties`, {
      id: 'public',
      name: 'Public owners',
      shortName: 'PUB',
      kind: 'coalition',
      memberPartyIds: ['port', 'city'],
      pointIds: ['pt-berths'],
    });
    assert.equal(coalition.status, 201, JSON.stringify(coalition.body));
    assert.deepEqual(coalition.body.pointIds, ['pt-berths']);
    const scopedParty = await convenor.post(`${N}/parties`, { name: 'Scoped', shortName: 'S', pointIds: ['x'] });
    assert.equal(scopedParty.status, 400, 'only a coalition is scoped');
    const renamed = await convenor.patch(`${N}/parties/city`, { revision: 1, name: 'City of Harbourtown' });
    assert.equal(renamed.status, 200);
    assert.equal(
      (await convenor.patch(`${N}/parties/city`, { revision: 1, name: 'Again' })).status,
      409,
      'a stale revision',
    );
  });

  test('every seat is an invitation: an account accepts it signed in; an e-mail without one sets a password by the link', async () => {
    const invitedAna = await convenor.post(`${N}/members`, {
      email: 'ANA@example.org',
      partyId: 'port',
      role: 'lead',
      title: 'Harbour master',
    });
    assert.equal(invitedAna.status, 201, JSON.stringify(invitedAna.body));
    assert.equal(invitedAna.body.kind, 'invitation', 'an account is not seated without accepting');
    assert.ok(!JSON.stringify(invitedAna.body).includes('Ana Lind'), 'the inviter learns no name');
    const ana = await signIn(server.url, 'ana@example.org', 'operator-pass');
    const offers = (await ana.get('/api/me/invitations')).body as any[];
    assert.deepEqual(
      offers.map((o) => [o.negotiationTitle, o.role, o.partyName]),
      [['Harbour agreement', 'lead', 'Port authority']],
    );
    const seated = await ana.post(`/api/me/invitations/${invitedAna.body.invitation.id}/accept`, {});
    assert.equal(seated.status, 201, JSON.stringify(seated.body));
    assert.equal(seated.body.partyId, 'port');

    const invited = await convenor.post(`${N}/members`, {
      email: 'olu@example.org',
      partyId: 'union',
      role: 'lead',
      title: 'Shop steward',
    });
    assert.equal(invited.status, 201, JSON.stringify(invited.body));
    assert.equal(invited.body.kind, 'invitation');
    assert.match(invited.body.link, /\/invite\/[A-Za-z0-9_-]{20,}$/);
    const anon = client(server.url);
    const preview = await anon.get(`/api/invitations/${invited.body.token}`);
    assert.equal(preview.status, 200);
    assert.deepEqual(preview.body, {
      id: invited.body.invitation.id,
      negotiationId: N.split('/').at(-1),
      negotiationTitle: 'Harbour agreement',
      email: 'olu@example.org',
      role: 'lead',
      title: 'Shop steward',
      partyName: "Dockers' union",
      expiresAt: invited.body.invitation.expiresAt,
      awaitingPartyConsent: false,
    });
    const listed = (await convenor.get(`${N}/invitations`)).body;
    assert.ok(!JSON.stringify(listed).includes(invited.body.token), 'the token is shown once, never listed');

    const accepted = await anon.post('/api/invitations/accept', {
      token: invited.body.token,
      name: 'Olu Mensah',
      password: 'union-secret',
    });
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    const olu = client(server.url, accepted.body.token);
    assert.equal((await olu.get(N)).status, 200, 'the new member is signed in and at the table');
    assert.equal(
      (
        await anon.post('/api/invitations/accept', {
          token: invited.body.token,
          name: 'Again',
          password: 'union-secret',
        })
      ).status,
      404,
      'the link works once',
    );
    assert.equal((await anon.get(`/api/invitations/${invited.body.token}`)).status, 404);
    const members = (await convenor.get(`${N}/members`)).body.map(
      (m: any) => `${m.name} <${m.email}> ${m.partyId ?? 'mediator'} ${m.role}`,
    );
    assert.deepEqual(members.sort(), [
      'Ana Lind <ana@example.org> port lead',
      'Mira Castellan <mira@example.org> mediator mediator',
      'Olu Mensah <olu@example.org> union lead',
    ]);
  });

  test('a revoked or expired invitation opens nothing', async () => {
    const invited = await convenor.post(`${N}/members`, {
      email: 'late@example.org',
      partyId: 'city',
      role: 'adviser',
    });
    assert.equal(
      (await convenor.post(`${N}/members`, { email: 'late@example.org', partyId: 'city', role: 'adviser' })).status,
      400,
      'one open invitation per e-mail',
    );
    const revoked = await convenor.call('DELETE', `${N}/invitations/${invited.body.invitation.id}`);
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revokedAt);
    const anon = client(server.url);
    assert.equal(
      (await anon.post('/api/invitations/accept', { token: invited.body.token, name: 'Late', password: 'long-enough' }))
        .status,
      404,
    );

    const file = await freshDatabase('expiry');
    const early = await Store.open(file, { now: () => new Date('2026-01-01T00:00:00Z') });
    await createUser(early, null, { email: 'c@example.org', name: 'C', password: 'convenor-pass' });
    await early.close();
    const clock = { now: new Date('2026-01-01T00:00:00Z') };
    const later = await startServer(file, { now: () => clock.now });
    const c = await signIn(later.url, 'c@example.org', 'convenor-pass');
    await convene(later.store, 'c@example.org', 'n2', 'T');
    await c.post('/api/negotiations/n2/parties', { id: 'p2', name: 'P', shortName: 'P' });
    const offer = await c.post('/api/negotiations/n2/members', {
      email: 'slow@example.org',
      partyId: 'p2',
      role: 'lead',
    });
    clock.now = new Date('2026-01-09T00:00:00Z');
    const answer = await client(later.url).post('/api/invitations/accept', {
      token: offer.body.token,
      name: 'Slow',
      password: 'long-enough',
    });
    assert.equal(answer.status, 404, 'a week later the link has expired');
    assert.match(answer.body.detail, /expired/);
  });

  test('a seat given by mistake is changed at once, for a token issued before', async () => {
    const ana = await signIn(server.url, 'ana@example.org', 'operator-pass');
    const secret = await ana.post(`${N}/red-lines`, {
      partyId: 'port',
      title: 'Port keeps the berths',
      constraint: { kind: 'forbid', issueId: 'none', optionIds: ['x'] },
    });
    assert.equal(secret.status, 400, 'no issue yet: the red line is refused with the field');
    await convenor.post(`${N}/issues`, {
      id: 'berths',
      name: 'Berths',
      options: [
        { id: 'port', label: 'Port' },
        { id: 'union', label: 'Union' },
      ],
    });
    const redLine = await ana.post(`${N}/red-lines`, {
      partyId: 'port',
      title: 'Port keeps the berths',
      constraint: { kind: 'forbid', issueId: 'berths', optionIds: ['union'] },
    });
    assert.equal(redLine.status, 201, JSON.stringify(redLine.body));

    const twice = await convenor.post(`${N}/members`, { email: 'olu@example.org', partyId: 'port', role: 'observer' });
    assert.equal(twice.status, 400, 'a person holds one seat: Olu, with the union, is not seated with the port');
    assert.match(twice.body.detail, /already holds a seat in this negotiation \(lead of Dockers' union\)/);

    // The port's lead seats an observer, by mistake, and removes her: access follows at once.
    const mistake = await ana.post(`${N}/members`, { email: 'kit@example.org', partyId: 'port', role: 'observer' });
    assert.equal(mistake.status, 201, JSON.stringify(mistake.body));
    assert.equal(mistake.body.proposal, null, "the port's lead needs no one's consent for the port's seats");
    const took = await client(server.url).post('/api/invitations/accept', {
      token: mistake.body.token,
      name: 'Kit',
      password: 'kit-password',
    });
    assert.equal(took.status, 201, JSON.stringify(took.body));
    const kit = client(server.url, took.body.token);
    assert.ok(
      ((await kit.get(`${N}/red-lines`)).body as any[]).some((r) => r.id === redLine.body.id),
      'while seated with the port, she reads its secrets',
    );
    assert.equal(
      (await kit.patch(`${N}/members/${took.body.membership.id}`, { role: 'lead' })).status,
      403,
      'a member does not change seats, not even her own',
    );
    const byMediator = await convenor.call('DELETE', `${N}/members/${took.body.membership.id}`);
    assert.equal(byMediator.status, 202, "the convenor only proposes to remove a seat in the port's delegation");
    const removed = await ana.call('DELETE', `${N}/members/${took.body.membership.id}`);
    assert.equal(removed.status, 204);
    assert.equal(
      (await kit.get(`${N}/red-lines`)).status,
      404,
      'the same token reads them no more: she is no longer at the table',
    );

    const members = (await convenor.get(`${N}/members`)).body as any[];
    const anaSeat = members.find((m) => m.email === 'ana@example.org');
    const moved = await ana.patch(`${N}/members/${anaSeat.id}`, { partyId: 'city', role: 'negotiator' });
    assert.equal(moved.status, 400, 'a seat does not move to another party');
    assert.match(moved.body.detail, /remove the seat of lead of Port authority, and invite the person/);
  });

  test('the last mediator cannot leave or lose the role', async () => {
    const mira = ((await convenor.get(`${N}/members`)).body as any[]).find((m) => m.email === 'mira@example.org');
    const leave = await convenor.call('DELETE', `${N}/members/${mira.id}`);
    assert.equal(leave.status, 400);
    assert.match(leave.body.detail, /last mediator/);
  });

  test('changing the password ends the other sessions; sessions are listed without their tokens', async () => {
    const first = await signIn(server.url, 'ana@example.org', 'operator-pass');
    const login = await client(server.url).post('/api/auth/login', {
      email: 'ana@example.org',
      password: 'operator-pass',
    });
    const second = client(server.url, login.body.token);
    const sessions = (await second.get('/api/me/sessions')).body as any[];
    assert.ok(sessions.length >= 2);
    assert.equal(sessions.filter((s) => s.current).length, 1);
    assert.ok(!JSON.stringify(sessions).includes(login.body.token));
    assert.equal(
      (await second.post('/api/me/password', { currentPassword: 'wrong-one', newPassword: 'new-operator-pass' }))
        .status,
      403,
    );
    const changed = await second.post('/api/me/password', {
      currentPassword: 'operator-pass',
      newPassword: 'new-operator-pass',
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.ok(changed.body.endedSessions >= 1);
    assert.equal((await first.get('/api/me')).status, 401, 'the other session ended');
    assert.equal((await second.get('/api/me')).status, 200, 'the session that changed it goes on');
    assert.equal(
      (await client(server.url).post('/api/auth/login', { email: 'ana@example.org', password: 'operator-pass' }))
        .status,
      401,
    );
  });
});
