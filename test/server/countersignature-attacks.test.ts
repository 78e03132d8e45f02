import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decide, demoDatabase, type RunningServer, seatNewMember, signIn, startServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

describe('a countersignature binds only texts its rule governs, and only principals decide', () => {
  let server: RunningServer;
  let ruPrincipalId: string;
  before(async () => {
    server = await startServer(await demoDatabase());
    ruPrincipalId = await seatNewMember(server.url, N, {
      email: 'ru-principal@example.org',
      name: 'Russian principal (test)',
      password: 'a long test password',
      partyId: 'ru',
      role: 'principal',
      title: 'President',
    });
  });

  test("a rule about one party's texts does not let the receiver sign, and freeze, another party's text", async () => {
    // A rule for US texts to Russia (with its approval stage before Russia countersigns).
    const rubio = await signIn(server.url, 'us@demo.parley');
    const rule = await rubio.post(`${N}/transmission-rules`, {
      name: 'US texts are signed in Moscow',
      fromPartyIds: ['us'],
      toPartyIds: ['ru'],
      stages: [
        { id: 'potus', name: 'US president', mode: 'all', approverUserIds: ['u-us-principal'] },
        {
          id: 'ru-sign',
          name: 'Signed in Moscow',
          kind: 'countersignature',
          mode: 'all',
          approverUserIds: [ruPrincipalId],
        },
      ],
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    // The E3 sends Russia a text of its own, which that rule does not govern.
    const fr = await signIn(server.url, 'fr@demo.parley');
    const text = await fr.post(`${N}/versions`, {
      parentId: null,
      kind: 'draft',
      label: 'E3 note to Moscow',
      authorPartyId: 'e3',
      points: [{ id: 'e3-note-1', title: 'Talks', text: 'The E3 propose talks in Geneva on 1 December.' }],
    });
    assert.equal(text.status, 201, JSON.stringify(text.body));
    const sent = await fr.post(`${N}/versions/${text.body.id}/transmit`, { partyIds: ['ru'] });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    const hash = text.body.contentHash;
    // The US president approves "this" text under the US rule (nothing to release, so refused)…
    const trump = await signIn(server.url, 'us-principal@demo.parley');
    const approved = await decide(trump, N, text.body.id, {
      ruleId: rule.body.id,
      stageId: 'potus',
      contentHash: hash,
    });
    assert.notEqual(approved.status, 200, 'the US president sees no E3 text to approve');
    // …so the countersignature, which comes after that stage, cannot be given either.
    const signer = await signIn(server.url, 'ru-principal@example.org', 'a long test password');
    const signed = await decide(signer, N, text.body.id, {
      ruleId: rule.body.id,
      stageId: 'ru-sign',
      contentHash: hash,
    });
    assert.notEqual(signed.status, 200, JSON.stringify(signed.body));
    const withdrawn = await fr.post(`${N}/versions/${text.body.id}/withdraw`, {});
    assert.equal(withdrawn.status, 200, JSON.stringify(withdrawn.body));
  });

  test('under a rule of a countersignature alone, the receiver signs only the texts the rule governs', async () => {
    const rubio = await signIn(server.url, 'us@demo.parley');
    const rule = await rubio.post(`${N}/transmission-rules`, {
      name: 'Signed in Moscow, nothing before',
      fromPartyIds: ['us'],
      toPartyIds: ['ru'],
      stages: [
        { id: 'ru-sign', name: 'Signed', kind: 'countersignature', mode: 'all', approverUserIds: [ruPrincipalId] },
      ],
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const fr = await signIn(server.url, 'fr@demo.parley');
    const text = await fr.post(`${N}/versions`, {
      parentId: null,
      kind: 'draft',
      label: 'Another E3 note',
      authorPartyId: 'e3',
      points: [{ id: 'e3-note-2', title: 'Talks', text: 'The E3 propose talks in Vienna.' }],
    });
    assert.equal((await fr.post(`${N}/versions/${text.body.id}/transmit`, { partyIds: ['ru'] })).status, 200);
    const signer = await signIn(server.url, 'ru-principal@example.org', 'a long test password');
    const sign = (versionId: string, contentHash: string) =>
      signer.post(`${N}/versions/${versionId}/approvals`, {
        ruleId: rule.body.id,
        stageId: 'ru-sign',
        decision: 'approve',
        contentHash,
      });
    const signed = await sign(text.body.id, text.body.contentHash);
    assert.equal(signed.status, 403, JSON.stringify(signed.body).slice(0, 300));
    assert.match(signed.body.detail, /does not govern this text/);
    const withdrawn = await fr.post(`${N}/versions/${text.body.id}/withdraw`, {});
    assert.equal(withdrawn.status, 200, 'the E3 still withdraws its own text');
    // A US text Russia received is the rule's to sign.
    const us28 = (await signer.get(`${N}/versions/v-us-28`)).body;
    const usSigned = await sign('v-us-28', us28.contentHash);
    assert.equal(usSigned.status, 200, JSON.stringify(usSigned.body).slice(0, 300));
  });

  test('a principal moved to another role no longer approves what leaves the party', async () => {
    // The US delegation is the US's: its lead changes the seat (a mediator could only propose it).
    const usLead = await signIn(server.url, 'us@demo.parley');
    const demoted = await usLead.patch(`${N}/members/m-u-us-principal-1`, { role: 'adviser' });
    assert.equal(demoted.status, 200, JSON.stringify(demoted.body));
    const trump = await signIn(server.url, 'us-principal@demo.parley');
    const hash = (await trump.get(`${N}/versions/v-geneva-19`)).body.contentHash;
    const approved = await decide(trump, N, 'v-geneva-19', {
      ruleId: 'rule-presidents-before-moscow',
      stageId: 'stage-presidents',
      contentHash: hash,
    });
    assert.equal(approved.status, 403, JSON.stringify(approved.body).slice(0, 300));
    const ru = await signIn(server.url, 'ru@demo.parley');
    assert.equal((await ru.get(`${N}/versions/v-geneva-19`)).status, 404, 'the text stays out of Moscow');
    const restored = await usLead.patch(`${N}/members/m-u-us-principal-1`, { role: 'principal' });
    assert.equal(restored.status, 200);
  });
});
