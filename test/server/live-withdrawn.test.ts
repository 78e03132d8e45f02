import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  client,
  demoDatabase,
  follow,
  type RunningServer,
  seatNewMember,
  signIn,
  startServer,
  topicsOf,
} from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

/** The topics of every `change` event a stream receives, until `until` says enough (at most 5 s). */
async function changesUntil(
  url: string,
  token: string,
  act: () => Promise<void>,
  until: (topics: string[]) => boolean,
) {
  const stream = await follow(`${url}${N}/events`, token, 5000);
  try {
    await act();
    await stream.next((e) => e.event === 'change' && until(topicsOf(e))).catch(() => undefined);
    return stream.events.filter((e) => e.event === 'change').map(topicsOf);
  } finally {
    stream.close();
  }
}

describe('live events follow the approvals of withdrawn versions too', () => {
  let server: RunningServer;
  let principal: string;
  before(async () => {
    server = await startServer(await demoDatabase());
    principal = await seatNewMember(server.url, N, {
      email: 'de-principal@example.org',
      name: 'German chancellor (test)',
      password: 'a long test password',
      partyId: 'de',
      role: 'principal',
      title: 'Chancellor',
    });
  });

  test('a change to the rule that governs only a withdrawn text names the approvals topic', async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const rule = await mediator.post(`${N}/transmission-rules`, {
      name: 'Berlin clears German texts',
      fromPartyIds: ['de'],
      toPartyIds: ['ru'],
      stages: [{ id: 'chancellor', name: 'The chancellor', mode: 'all', approverUserIds: [principal] }],
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const lead = await signIn(server.url, 'de@demo.parley');
    const text = await lead.post(`${N}/versions`, {
      parentId: null,
      kind: 'draft',
      label: 'German note on reconstruction',
      authorPartyId: 'de',
      points: [{ id: 'de-1', title: 'Reconstruction', text: 'A fund for reconstruction opens in Frankfurt.' }],
    });
    assert.equal(text.status, 201, JSON.stringify(text.body));
    assert.equal((await lead.post(`${N}/versions/${text.body.id}/withdraw`, {})).status, 200);
    const before = (await lead.get(`${N}/versions/${text.body.id}/approvals`)).body;
    assert.equal(before.rules[0].ruleName, 'Berlin clears German texts');

    const chancellor = await signIn(server.url, 'de-principal@example.org', 'a long test password');
    const login = await client(server.url).post<{ token: string }>('/api/auth/login', {
      email: 'de@demo.parley',
      password: 'parley-demo',
    });
    const token = login.body.token;
    const seen = await changesUntil(
      server.url,
      token,
      async () => {
        const renamed = await chancellor.post(`${N}/transmission-rules/${rule.body.id}/changes`, {
          revision: rule.body.revision,
          terms: {
            name: 'Berlin clears German texts (renamed)',
            description: '',
            fromPartyIds: ['de'],
            toPartyIds: ['ru'],
            stages: rule.body.stages,
            lateDecisions: 'allowed',
          },
        });
        assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
        assert.equal(renamed.body.name, 'Berlin clears German texts (renamed)', 'its only principal consented');
      },
      (topics) => topics.includes('approvals'),
    );
    assert.ok(
      seen.some((topics) => topics.includes('approvals')),
      `the approvals of the withdrawn text changed: ${JSON.stringify(seen)}`,
    );
    const after = (await lead.get(`${N}/versions/${text.body.id}/approvals`)).body;
    assert.equal(after.rules[0].ruleName, 'Berlin clears German texts (renamed)');
  });
});
