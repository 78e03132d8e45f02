import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { demoDatabase, signIn, startServer, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';
const RULE = 'rule-presidents-before-moscow';

/** The post-Geneva text as the US reads it, reduced to what a new version takes. */
async function copyOf(server: RunningServer, versionId: string) {
  const us = await signIn(server.url, 'us@demo.parley');
  const v = (await us.get(`${N}/versions/${versionId}`)).body;
  return {
    label: v.label,
    summary: v.summary,
    kind: v.kind,
    points: v.points,
    optionChoices: v.optionChoices,
    source: v.source,
  };
}

async function russiaHas(server: RunningServer, versionId: string): Promise<boolean> {
  const ru = await signIn(server.url, 'ru@demo.parley');
  return (await ru.get(`${N}/versions/${versionId}`)).status === 200;
}

describe('transmission is governed by the negotiation, and bound to the text', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase());
  });

  test('no reader learns the id of a current text that has not reached it', async () => {
    const ru = await signIn(server.url, 'ru@demo.parley');
    const seen = JSON.stringify([(await ru.get(N)).body, (await ru.get('/api/negotiations')).body]);
    assert.ok(!seen.includes('v-geneva-19'), seen.slice(0, 300));
    assert.equal(
      (await ru.get(N)).body.currentVersionId,
      (await ru.get(`${N}/document`)).body.id,
      'its current text is the one it reads',
    );
    const us = await signIn(server.url, 'us@demo.parley');
    assert.equal((await us.get(N)).body.currentVersionId, 'v-geneva-19');
  });

  test('a US adviser who copies the 19-point text under a new id cannot send it to Russia, nor can the US lead', async () => {
    const kushner = await signIn(server.url, 'kushner@demo.parley');
    const copy = await kushner.post(`${N}/versions`, {
      ...(await copyOf(server, 'v-geneva-19')),
      parentId: null,
      authorPartyId: 'us',
      label: 'Copy',
    });
    assert.equal(copy.status, 201, JSON.stringify(copy.body));
    const byAdviser = await kushner.post(`${N}/versions/${copy.body.id}/transmit`, { partyIds: ['ru'] });
    assert.equal(byAdviser.status, 403, "an adviser does not send the party's texts");
    const rubio = await signIn(server.url, 'us@demo.parley');
    const byLead = await rubio.post(`${N}/versions/${copy.body.id}/transmit`, { partyIds: ['ru'] });
    assert.equal(byLead.status, 403, JSON.stringify(byLead.body));
    assert.match(byLead.body.detail, /Presidents approve/);
    assert.match(byLead.body.detail, /Donald Trump/, 'the refusal says who is still awaited');
    assert.equal(await russiaHas(server, copy.body.id), false);
  });

  test('a text that carries the 19-point language under another author, or descends from it, is governed too', async () => {
    const france = await signIn(server.url, 'fr@demo.parley');
    const text = await copyOf(server, 'v-geneva-19');
    const laundered = await france.post(`${N}/versions`, {
      ...text,
      parentId: null,
      authorPartyId: 'e3',
      label: 'E3 paper',
    });
    assert.equal(laundered.status, 201, JSON.stringify(laundered.body));
    const sent = await france.post(`${N}/versions/${laundered.body.id}/transmit`, { partyIds: ['ru'] });
    assert.equal(sent.status, 403, JSON.stringify(sent.body));
    assert.match(sent.body.detail, /carries language of version "Post-Geneva framework \(19 points/);
    const derived = await france.post(`${N}/versions`, {
      ...text,
      points: text.points.slice(0, 1),
      parentId: 'v-geneva-19',
      kind: 'proposal',
      authorPartyId: 'e3',
      label: 'E3 derived',
    });
    assert.equal(derived.status, 201, JSON.stringify(derived.body));
    const sentDerived = await france.post(`${N}/versions/${derived.body.id}/transmit`, { partyIds: ['ru'] });
    assert.equal(sentDerived.status, 403, 'a text branched from a US text is governed by its lineage');
    assert.match(sentDerived.body.detail, /descends from version "Post-Geneva framework \(19 points/);
    // Language Russia already holds (the 28-point plan went to everyone) is not held back.
    const old = await copyOf(server, 'v-us-28');
    const e3Old = await france.post(`${N}/versions`, {
      ...old,
      parentId: null,
      authorPartyId: 'e3',
      label: 'E3 restatement',
    });
    assert.equal((await france.post(`${N}/versions/${e3Old.body.id}/transmit`, { partyIds: ['ru'] })).status, 200);
  });

  test("a second, weaker rule cannot release the text while the presidents' rule is pending", async () => {
    const rubio = await signIn(server.url, 'us@demo.parley');
    const weaker = await rubio.post(`${N}/transmission-rules`, {
      name: 'Only the US president',
      fromPartyIds: ['us'],
      toPartyIds: ['ru'],
      stages: [{ id: 'potus', name: 'US president', mode: 'any', approverUserIds: ['u-us-principal'] }],
    });
    assert.equal(weaker.status, 201, JSON.stringify(weaker.body));
    const trump = await signIn(server.url, 'us-principal@demo.parley');
    const hash = (await rubio.get(`${N}/versions/v-geneva-19`)).body.contentHash;
    const approved = await trump.post(`${N}/versions/v-geneva-19/approvals`, {
      ruleId: weaker.body.id,
      stageId: 'potus',
      decision: 'approve',
      contentHash: hash,
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(
      await russiaHas(server, 'v-geneva-19'),
      false,
      "rules add up: the presidents' rule still holds the text",
    );
    assert.equal((await rubio.post(`${N}/versions/v-geneva-19/transmit`, { partyIds: ['ru'] })).status, 403);
  });

  test('a rule changes only with the consent of every principal it names, and the change is audited', async () => {
    const rubio = await signIn(server.url, 'us@demo.parley');
    const rule = ((await rubio.get(`${N}/transmission-rules`)).body as any[]).find((r) => r.id === RULE);
    const proposed = await rubio.post(`${N}/transmission-rules/${RULE}/changes`, {
      revision: rule.revision,
      remove: true,
    });
    assert.equal(proposed.status, 200, JSON.stringify(proposed.body));
    assert.equal(proposed.body.removedAt, null, 'a lead alone cannot remove it');
    assert.deepEqual(proposed.body.pendingChange.consentedBy, []);
    const adviser = await signIn(server.url, 'kushner@demo.parley');
    assert.equal(
      (await adviser.post(`${N}/transmission-rules/${RULE}/changes/${proposed.body.pendingChange.id}/consent`, {}))
        .status,
      403,
    );
    const trump = await signIn(server.url, 'us-principal@demo.parley');
    const half = await trump.post(
      `${N}/transmission-rules/${RULE}/changes/${proposed.body.pendingChange.id}/consent`,
      {},
    );
    assert.equal(half.status, 200, JSON.stringify(half.body));
    assert.equal(half.body.removedAt, null, 'one of two principals is not enough');
    assert.equal(
      (await rubio.post(`${N}/versions/v-geneva-19/transmit`, { partyIds: ['ru'] })).status,
      403,
      'the rule still governs',
    );
    const audit = await server.store.db
      .selectFrom('audit_events')
      .select(['action'])
      .where('entity', '=', 'transmission_rule')
      .execute();
    assert.ok(
      audit.filter((e) => e.action === 'transmission_rule.update').length >= 2,
      'the proposal and the consent are in the audit',
    );
  });

  test('an edit after approval voids the approval visibly, and a decision on a stale hash is refused', async () => {
    const rubio = await signIn(server.url, 'us@demo.parley');
    const text = await copyOf(server, 'v-geneva-19');
    const edited = {
      ...text,
      points: text.points.map((p: any, i: number) => (i === 0 ? { ...p, text: `${p.text} (revised)` } : p)),
    };
    const next = await rubio.post(`${N}/versions`, {
      ...edited,
      parentId: 'v-geneva-19',
      kind: 'draft',
      authorPartyId: 'us',
      label: '19 points, revised',
    });
    assert.equal(next.status, 201, JSON.stringify(next.body));
    assert.equal(
      (await rubio.post(`${N}/versions/${next.body.id}/transmit`, { partyIds: ['ua'] })).status,
      200,
      'Ukraine is no party the rule holds texts back from',
    );
    const state = (await rubio.get(`${N}/versions/${next.body.id}/approvals`)).body;
    const rule = state.rules.find((r: any) => r.ruleId === RULE);
    assert.equal(rule.approvals.length, 0, 'Zelensky approved the earlier text, not this one');
    assert.ok(
      rule.void.some((a: any) => a.userId === 'u-ua-principal' && a.versionId === 'v-geneva-19'),
      'his approval shows as void for the revised text',
    );
    assert.deepEqual([...rule.status.stages[0].awaiting].sort(), ['u-ua-principal', 'u-us-principal']);
    const zelensky = await signIn(server.url, 'ua-principal@demo.parley');
    const oldHash = (await rubio.get(`${N}/versions/v-geneva-19`)).body.contentHash;
    const stale = await zelensky.post(`${N}/versions/${next.body.id}/approvals`, {
      ruleId: RULE,
      stageId: 'stage-presidents',
      decision: 'approve',
      contentHash: oldHash,
    });
    assert.equal(stale.status, 409, 'a decision names the text it was taken on; another hash is another text');
    assert.equal(stale.body.current.contentHash, state.contentHash);
  });

  test('once both presidents approve the exact text it reaches Russia, without their comments', async () => {
    const fresh = await startServer(await demoDatabase());
    const trump = await signIn(fresh.url, 'us-principal@demo.parley');
    const hash = (await trump.get(`${N}/versions/v-geneva-19`)).body.contentHash;
    const answer = await trump.post(`${N}/versions/v-geneva-19/approvals`, {
      ruleId: RULE,
      stageId: 'stage-presidents',
      decision: 'approve',
      contentHash: hash,
      comment: 'Only for our eyes',
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const trumps = answer.body.rules[0].approvals.find((a: any) => a.userId === 'u-us-principal');
    assert.equal(trumps.late, true, 'after the Thursday deadline, the decision is taken and marked late');
    assert.equal(await russiaHas(fresh, 'v-geneva-19'), true);
    const ru = await signIn(fresh.url, 'ru@demo.parley');
    const seen = await ru.get(`${N}/versions/v-geneva-19/approvals`);
    assert.equal(seen.status, 200);
    const text = JSON.stringify(seen.body);
    assert.ok(
      !text.includes('Only for our eyes') && !text.includes('territory and NATO remain'),
      "the principals' comments stay with their parties",
    );
    assert.ok(seen.body.rules[0].approvals.every((a: any) => a.comment === null));
    const ua = await signIn(fresh.url, 'ua@demo.parley');
    const own = (await ua.get(`${N}/versions/v-geneva-19/approvals`)).body.rules[0].approvals;
    assert.ok(
      own.some((a: any) => a.userId === 'u-ua-principal' && /territory and NATO/.test(a.comment)),
      "Ukraine reads its president's comment",
    );
    assert.ok(
      own.some((a: any) => a.userId === 'u-us-principal' && a.comment === null),
      "but not the US president's",
    );
    const received = (await ru.get(`${N}/versions/v-geneva-19`)).body.transmissions;
    assert.deepEqual(
      received.map((t: any) => t.partyId).sort(),
      ['ru', 'us'],
      'Russia learns when it and the author received the text, not who else has it',
    );
    const sentAt = Date.parse(received.find((t: any) => t.partyId === 'ru').at);
    assert.ok(
      sentAt >= Date.parse(trumps.at) && sentAt - Date.parse(trumps.at) < 60_000,
      'it went out on the last approval',
    );
    // The author party knows where its own text went: it sent it, or its rule released it.
    const byAuthor = (await (await signIn(fresh.url, 'us@demo.parley')).get(`${N}/versions/v-geneva-19`)).body;
    assert.ok(
      byAuthor.transmissions.some((t: any) => t.partyId === 'ru'),
      'the US reads when Russia received its text',
    );
    assert.deepEqual(
      [...byAuthor.recipientPartyIds].sort(),
      [...byAuthor.transmissions.map((t: any) => t.partyId)].sort(),
    );
    // Ukraine, a recipient but not the author, still learns only its own receipt and the author's.
    const byUkraine = (await (await signIn(fresh.url, 'ua@demo.parley')).get(`${N}/versions/v-geneva-19`)).body;
    assert.ok(!byUkraine.recipientPartyIds.includes('ru'), 'Ukraine is not told that Russia has it');
    const byMediator = (await (await signIn(fresh.url, 'mediator@demo.parley')).get(`${N}/versions/v-geneva-19`)).body;
    assert.deepEqual(
      byMediator.transmissions.map((t: any) => t.partyId).sort(),
      [...byMediator.recipientPartyIds].sort(),
      'a mediator reads every transmission',
    );
    assert.ok((await fresh.store.verifyAudit()).ok);
  });

  test('a rule that refuses late decisions refuses them, and says so', async () => {
    const fresh = await startServer(await demoDatabase());
    const rubio = await signIn(fresh.url, 'us@demo.parley');
    const strict = await rubio.post(`${N}/transmission-rules`, {
      name: 'Strict',
      fromPartyIds: ['us'],
      toPartyIds: ['ru'],
      lateDecisions: 'refused',
      stages: [
        { id: 'potus', name: 'US president', mode: 'any', approverUserIds: ['u-us-principal'], deadline: '2025-11-27' },
      ],
    });
    assert.equal(strict.status, 201, JSON.stringify(strict.body));
    const trump = await signIn(fresh.url, 'us-principal@demo.parley');
    const hash = (await trump.get(`${N}/versions/v-geneva-19`)).body.contentHash;
    const late = await trump.post(`${N}/versions/v-geneva-19/approvals`, {
      ruleId: strict.body.id,
      stageId: 'potus',
      decision: 'approve',
      contentHash: hash,
    });
    assert.equal(late.status, 403);
    assert.match(late.body.detail, /deadline.*refuses late decisions/);
  });

  test('a change of mind replaces the decision, and both are in the audit', async () => {
    const fresh = await startServer(await demoDatabase());
    const zelensky = await signIn(fresh.url, 'ua-principal@demo.parley');
    const hash = (await zelensky.get(`${N}/versions/v-geneva-19`)).body.contentHash;
    const decide = (decision: string) =>
      zelensky.post(`${N}/versions/v-geneva-19/approvals`, {
        ruleId: RULE,
        stageId: 'stage-presidents',
        decision,
        contentHash: hash,
      });
    assert.equal((await decide('approve')).status, 400, 'he approved already: the same decision twice is refused');
    const changed = await decide('reject');
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.rules[0].status.state, 'rejected', 'his later decision replaces the earlier one');
    const events = await fresh.store.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', RULE)
      .execute();
    assert.ok(
      events.some((e) => e.action === 'approval.approve') && events.some((e) => e.action === 'approval.reject'),
    );
  });

  test('a principal sends the text back for revision: it stays held back, the refusal names them, and their later approval clears it', async () => {
    const fresh = await startServer(await demoDatabase());
    const trump = await signIn(fresh.url, 'us-principal@demo.parley');
    const hash = (await trump.get(`${N}/versions/v-geneva-19`)).body.contentHash;
    const decide = (decision: string, comment?: string) =>
      trump.post(`${N}/versions/v-geneva-19/approvals`, {
        ruleId: RULE,
        stageId: 'stage-presidents',
        decision,
        contentHash: hash,
        ...(comment === undefined ? {} : { comment }),
      });
    const silent = await decide('send_back', '  ');
    assert.equal(silent.status, 400, 'a send-back says what to revise');
    assert.equal(silent.body.field, 'comment');

    const REVISE = 'Point 7: write the NATO wording as agreed in Geneva';
    const sent = await decide('send_back', REVISE);
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    const state = sent.body.rules.find((r: any) => r.ruleId === RULE);
    assert.equal(state.status.state, 'sent_back');
    assert.equal(state.status.cleared, false);
    assert.deepEqual(state.status.stages[0].sentBackBy, ['u-us-principal']);
    assert.equal(state.status.stages[0].state, 'sent_back');

    const rubio = await signIn(fresh.url, 'us@demo.parley');
    const own = (await rubio.get(`${N}/versions/v-geneva-19/approvals`)).body.rules.find((r: any) => r.ruleId === RULE);
    assert.ok(
      own.approvals.some((a: any) => a.decision === 'send_back' && a.comment === REVISE),
      'his party reads what to revise',
    );
    const yermak = await signIn(fresh.url, 'ua@demo.parley');
    const other = (await yermak.get(`${N}/versions/v-geneva-19/approvals`)).body.rules.find(
      (r: any) => r.ruleId === RULE,
    );
    assert.ok(
      other.approvals.some((a: any) => a.decision === 'send_back' && a.comment === null),
      'another party sees the send-back, not its comment',
    );

    const transmit = await rubio.post(`${N}/versions/v-geneva-19/transmit`, { partyIds: ['ru'] });
    assert.equal(transmit.status, 403, JSON.stringify(transmit.body));
    assert.match(transmit.body.detail, /sent this text back for revision \(sent back by Donald Trump\)/);
    assert.equal(await russiaHas(fresh, 'v-geneva-19'), false, 'a sent-back text does not reach Russia');

    const events = await fresh.store.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', RULE)
      .execute();
    assert.ok(
      events.some((e) => e.action === 'approval.send_back'),
      'the send-back is audited',
    );

    assert.equal((await decide('send_back', REVISE)).status, 400, 'sending it back twice adds nothing');
    const approved = await decide('approve');
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const after = approved.body.rules.find((r: any) => r.ruleId === RULE).status;
    assert.equal(after.state, 'approved', 'his approval replaces his send-back');
    assert.deepEqual(after.stages[0].sentBackBy, []);
    assert.equal(await russiaHas(fresh, 'v-geneva-19'), true, 'the approval that cleared the text sent it on');
  });

  test('a principal who approved, then sent the text back, may approve it again', async () => {
    const fresh = await startServer(await demoDatabase());
    const zelensky = await signIn(fresh.url, 'ua-principal@demo.parley');
    const hash = (await zelensky.get(`${N}/versions/v-geneva-19`)).body.contentHash;
    const decide = (decision: string) =>
      zelensky.post(`${N}/versions/v-geneva-19/approvals`, {
        ruleId: RULE,
        stageId: 'stage-presidents',
        decision,
        comment: 'Revise point 12',
        contentHash: hash,
      });
    assert.equal((await decide('send_back')).status, 200);
    const again = await decide('approve');
    assert.equal(again.status, 200, 'only the latest decision counts as already taken');
    const stage = again.body.rules.find((r: any) => r.ruleId === RULE).status.stages[0];
    assert.deepEqual(stage.approvedBy, ['u-ua-principal']);
    assert.deepEqual(stage.sentBackBy, []);
    assert.ok(['pending', 'overdue'].includes(stage.state), stage.state);
  });

  test('a rule whose approver is not a principal of an author party is refused', async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const rule = (approverUserIds: string[], fromPartyIds = ['eu']) => ({
      name: 'EU texts to Russia',
      fromPartyIds,
      toPartyIds: ['ru'],
      stages: [{ id: 's', name: 'S', mode: 'all', approverUserIds }],
    });
    const foreign = await mediator.post(`${N}/transmission-rules`, rule(['u-us-principal']));
    assert.equal(foreign.status, 400, 'the US president cannot see every EU text, so the chain could never finish');
    assert.match(foreign.body.detail, /Donald Trump is not a principal of European Union/);
    assert.equal(
      (await mediator.post(`${N}/transmission-rules`, rule(['u-ru'], ['us']))).status,
      400,
      'a lead is not a principal',
    );
    const stranger = await signIn(server.url, 'eu@demo.parley');
    assert.equal(
      (await stranger.post(`${N}/transmission-rules`, rule(['u-us-principal'], ['us']))).status,
      403,
      'the EU cannot gate US texts',
    );
  });
});

describe("a party's draft stays inside the party until it sends it", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase());
  });

  test('a new draft is internal by default; the mediator sees it once the lead shares it', async () => {
    const ua = await signIn(server.url, 'ua@demo.parley');
    const draft = await ua.post(`${N}/versions`, {
      parentId: 'v-us-28',
      kind: 'proposal',
      label: 'Kyiv notes',
      authorPartyId: 'ua',
      points: [{ id: 'pt-1', title: 'Sovereignty', text: 'Ukraine is sovereign.' }],
    });
    assert.equal(draft.status, 201, JSON.stringify(draft.body));
    assert.equal(draft.body.internal, true);
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    assert.equal((await mediator.get(`${N}/versions/${draft.body.id}`)).status, 404);
    const umerov = await signIn(server.url, 'umerov@demo.parley');
    assert.equal((await umerov.get(`${N}/versions/${draft.body.id}`)).status, 200, 'the delegation reads it');
    assert.equal(
      (await umerov.post(`${N}/versions/${draft.body.id}/transmit`, { toMediators: true })).status,
      403,
      'a negotiator does not send it',
    );
    const shared = await ua.post(`${N}/versions/${draft.body.id}/transmit`, { toMediators: true });
    assert.equal(shared.status, 200, JSON.stringify(shared.body));
    assert.equal(shared.body.internal, false);
    assert.equal((await mediator.get(`${N}/versions/${draft.body.id}`)).status, 200);
    assert.equal(
      (await (await signIn(server.url, 'ru@demo.parley')).get(`${N}/versions/${draft.body.id}`)).status,
      404,
      'sharing with the mediators sends it to no party',
    );
  });

  test('an adviser cannot publish the unsent text as a public position; the lead can share a position', async () => {
    const kushner = await signIn(server.url, 'kushner@demo.parley');
    const leak = {
      versionId: 'v-us-28',
      pointId: 'pt-2',
      partyId: 'us',
      stance: 'amend',
      proposedText: 'The 19-point wording, for Moscow to read',
      visibility: 'public',
    };
    const answer = await kushner.post(`${N}/positions`, leak);
    assert.equal(answer.status, 403, JSON.stringify(answer.body));
    assert.match(answer.body.detail, /principal or the lead/);
    assert.equal(
      (await kushner.post(`${N}/positions`, { ...leak, visibility: 'party' })).status,
      201,
      'inside the party an adviser records positions freely',
    );
    const rubio = await signIn(server.url, 'us@demo.parley');
    assert.equal(
      (await rubio.post(`${N}/positions`, { ...leak, pointId: 'pt-5', visibility: 'mediator' })).status,
      201,
    );
  });

  test("another party's track id gets the same answer as a made-up one", async () => {
    const ru = await signIn(server.url, 'ru@demo.parley');
    const attempt = (trackId: string) =>
      ru.post(`${N}/versions`, {
        parentId: null,
        kind: 'draft',
        label: 'Probe',
        authorPartyId: 'ru',
        points: [{ id: 'p1', title: 'T', text: 'x', trackId }],
      });
    const real = await attempt('track-eu-nato');
    const fake = await attempt('track-nope');
    assert.equal(real.status, 400);
    assert.equal(fake.status, 400);
    assert.equal(real.body.detail.replace('track-eu-nato', 'ID'), fake.body.detail.replace('track-nope', 'ID'));
  });
});
