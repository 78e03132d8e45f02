import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decide, demoDatabase, type RunningServer, seatNewMember, signIn, startServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

describe("a rule's last stage can be the receiving party's countersignature, after which the text is signed", () => {
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

  const stages = (sign: Record<string, unknown> = {}) => [
    { id: 'potus', name: 'US president', mode: 'all', approverUserIds: ['u-us-principal'] },
    {
      id: 'ru-sign',
      name: 'Russian countersignature',
      kind: 'countersignature',
      mode: 'all',
      approverUserIds: [sign.approver ?? 'placeholder'],
    },
  ];

  test('a countersignature is the last stage, given by principals of a receiving party', async () => {
    const rubio = await signIn(server.url, 'us@demo.parley');
    const first = await rubio.post(`${N}/transmission-rules`, {
      name: 'Signed in Moscow',
      fromPartyIds: ['us'],
      toPartyIds: ['ru'],
      stages: [...stages({ approver: ruPrincipalId })].reverse(),
    });
    assert.equal(first.status, 400, JSON.stringify(first.body));
    assert.equal(first.body.field, 'stages[0].kind');
    const wrongSigner = await rubio.post(`${N}/transmission-rules`, {
      name: 'Signed in Moscow',
      fromPartyIds: ['us'],
      toPartyIds: ['ru'],
      stages: stages({ approver: 'u-ua-principal' }),
    });
    assert.equal(wrongSigner.status, 400);
    assert.equal(wrongSigner.body.field, 'stages[1].approverUserIds');
    assert.match(wrongSigner.body.detail, /Volodymyr Zelensky is not a principal of Russia/);
  });

  test('the text goes out when the approvals clear it; the receiving principal signs what it received', async () => {
    const rubio = await signIn(server.url, 'us@demo.parley');
    const rule = await rubio.post(`${N}/transmission-rules`, {
      name: 'Signed in Moscow',
      fromPartyIds: ['us'],
      toPartyIds: ['ru'],
      stages: stages({ approver: ruPrincipalId }),
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const text = await rubio.post(`${N}/versions`, {
      parentId: null,
      kind: 'draft',
      label: 'Memorandum for signature',
      authorPartyId: 'us',
      points: [{ id: 'sig-1', title: 'Ceasefire', text: 'A ceasefire holds along the line of contact.' }],
    });
    assert.equal(text.status, 201, JSON.stringify(text.body));
    const id = text.body.id;
    const hash = text.body.contentHash;
    assert.equal((await rubio.post(`${N}/versions/${id}/transmit`, { partyIds: ['ua'] })).status, 200);
    const signer = await signIn(server.url, 'ru-principal@example.org', 'a long test password');
    const early = await decide(signer, N, id, { ruleId: rule.body.id, stageId: 'ru-sign', contentHash: hash });
    assert.equal(early.status, 404, 'a party cannot sign, or learn of, a text that has not reached it');

    const approveAs = async (email: string, ruleId: string, stageId: string) => {
      const answer = await decide(await signIn(server.url, email), N, id, { ruleId, stageId, contentHash: hash });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body;
    };
    const afterPotus = await approveAs('us-principal@demo.parley', rule.body.id, 'potus');
    const state = afterPotus.rules.find((r: any) => r.ruleId === rule.body.id).status;
    assert.equal(state.cleared, true);
    assert.equal(state.complete, false, 'the countersignature is still open');
    assert.equal(state.signedAt, null);
    assert.equal(
      (await signer.get(`${N}/versions/${id}`)).status,
      404,
      "the presidents' rule still holds the text back from Russia",
    );
    await approveAs('us-principal@demo.parley', 'rule-presidents-before-moscow', 'stage-presidents');
    await approveAs('ua-principal@demo.parley', 'rule-presidents-before-moscow', 'stage-presidents');
    assert.equal(
      (await signer.get(`${N}/versions/${id}`)).status,
      200,
      'cleared by every rule, the text reached Russia',
    );

    const sendBack = await decide(signer, N, id, {
      ruleId: rule.body.id,
      stageId: 'ru-sign',
      contentHash: hash,
      decision: 'send_back',
      comment: 'Point 1 should name the monitors',
    });
    assert.equal(sendBack.status, 400, 'the receiving party signs or does not: it sends nothing back');
    assert.equal(sendBack.body.field, 'decision');
    assert.match(sendBack.body.detail, /is a countersignature: .*signs the text it received \("approve"\) or does not/);

    const signed = await decide(signer, N, id, { ruleId: rule.body.id, stageId: 'ru-sign', contentHash: hash });
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    const final = signed.body.rules.find((r: any) => r.ruleId === rule.body.id).status;
    assert.equal(final.complete, true);
    assert.ok(final.signedAt, 'the text is signed');
    const events = await server.store.db
      .selectFrom('audit_events')
      .select('entity_id')
      .where('action', '=', 'version.sign')
      .execute();
    assert.deepEqual(
      events.map((e) => e.entity_id),
      [id],
      'the signature is audited',
    );
    const withdraw = await rubio.post(`${N}/versions/${id}/withdraw`, {});
    assert.equal(withdraw.status, 403);
    assert.match(withdraw.body.detail, /signed/);
  });
});
