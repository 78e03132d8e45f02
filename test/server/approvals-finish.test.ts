import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { genevaScenario } from '../../src/demo/geneva.ts';
import { decide, demoDatabase, type RunningServer, seatNewMember, signIn, startServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';
const PRESIDENTS = 'rule-presidents-before-moscow';
const TRACK = genevaScenario.tracks.find((t) => t.id === 'track-eu-nato')!;
const v19 = genevaScenario.versions.find((v) => v.id === 'v-geneva-19')!;
const trackPointIds = v19.points.filter((p) => p.trackId === TRACK.id).map((p) => p.id);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('approvals that can finish: no rule whose principal cannot read the texts it decides on', () => {
  let server: RunningServer;
  let ruPrincipal: string;
  before(async () => {
    server = await startServer(await demoDatabase());
    ruPrincipal = await seatNewMember(server.url, N, {
      email: 'ru-principal@example.org',
      name: 'Vladimir Putin (test)',
      password: 'a long test password',
      partyId: 'ru',
      role: 'principal',
      title: 'President',
    });
  });

  test('an "all" stage whose principal is outside a track is refused, naming the track, the principal and the fix', async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const refused = await mediator.post(`${N}/transmission-rules`, {
      name: 'Kremlin clears Russian texts',
      fromPartyIds: ['ru', 'us'],
      toPartyIds: ['ua'],
      stages: [{ id: 'both', name: 'Both presidents', mode: 'all', approverUserIds: [ruPrincipal, 'u-us-principal'] }],
    });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.field, 'stages[0].approverUserIds');
    assert.match(refused.body.detail, /stage "Both presidents" could never finish/);
    assert.match(refused.body.detail, new RegExp(`track "${TRACK.name.replace(/[()]/g, '\\$&')}"`));
    assert.match(refused.body.detail, /Vladimir Putin \(test\) \(Russia\) is outside the track/);
    assert.match(refused.body.detail, /add Russia to the track/);
    assert.doesNotMatch(refused.body.detail, UUID, 'names, never ids');
    assert.ok(!refused.body.detail.includes(ruPrincipal));
  });

  test('a track that would leave a rule unable to finish is refused, when opened and when changed', async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const european = await mediator.post(`${N}/tracks`, {
      name: 'Frozen assets',
      description: 'Among the Europeans',
      pointIds: [],
      partyIds: ['eu', 'fr', 'de'],
    });
    assert.equal(european.status, 400, JSON.stringify(european.body));
    assert.equal(european.body.field, 'partyIds');
    assert.match(european.body.detail, /the rule "Presidents approve, then the text goes to Moscow/);
    assert.match(european.body.detail, /Volodymyr Zelensky \(Ukraine\) and Donald Trump \(United States\)/);
    assert.match(european.body.detail, /track "Frozen assets"/);
    assert.doesNotMatch(european.body.detail, UUID);
    assert.equal(
      (await mediator.get(`${N}/tracks`)).body.some((t: any) => t.name === 'Frozen assets'),
      false,
      'nothing was opened',
    );

    const track = (await mediator.get(`${N}/tracks`)).body.find((t: any) => t.id === TRACK.id);
    const narrowed = await mediator.patch(`${N}/tracks/${TRACK.id}`, {
      revision: track.revision,
      partyIds: TRACK.partyIds.filter((p) => p !== 'us'),
    });
    assert.equal(narrowed.status, 400, JSON.stringify(narrowed.body));
    assert.match(narrowed.body.detail, /Donald Trump \(United States\) is outside the track/);

    const shared = await mediator.post(`${N}/tracks`, {
      name: 'Prisoner exchanges',
      description: 'Between the presidents',
      pointIds: [],
      partyIds: ['us', 'ua'],
    });
    assert.equal(shared.status, 201, 'a track both presidents take part in leaves the rule able to finish');
  });

  test('an "any" stage passes when one of its principals takes part in every track, and fails when none does', async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const none = await mediator.post(`${N}/transmission-rules`, {
      name: 'Kremlin clears Russian texts',
      fromPartyIds: ['ru'],
      toPartyIds: ['ua'],
      stages: [{ id: 'one', name: 'The Kremlin', mode: 'any', approverUserIds: [ruPrincipal] }],
    });
    assert.equal(none.status, 400, JSON.stringify(none.body));
    assert.match(none.body.detail, /none of its principals \(Vladimir Putin \(test\) \(Russia\)\) takes part/);
    const one = await mediator.post(`${N}/transmission-rules`, {
      name: 'Either president clears',
      fromPartyIds: ['ru', 'us'],
      toPartyIds: ['ua'],
      stages: [
        { id: 'either', name: 'Either president', mode: 'any', approverUserIds: [ruPrincipal, 'u-us-principal'] },
      ],
    });
    assert.equal(one.status, 201, JSON.stringify(one.body));
  });

  test('a change to a rule that would leave it unable to finish is refused like a new rule', async () => {
    const trump = await signIn(server.url, 'us-principal@demo.parley');
    const rule = (await trump.get(`${N}/transmission-rules`)).body.find((r: any) => r.id === PRESIDENTS);
    const blind = await trump.post(`${N}/transmission-rules/${PRESIDENTS}/changes`, {
      revision: rule.revision,
      terms: {
        name: rule.name,
        description: rule.description,
        fromPartyIds: ['us', 'ua', 'ru'],
        toPartyIds: ['eu'],
        stages: [{ ...rule.stages[0], approverUserIds: [...rule.stages[0].approverUserIds, ruPrincipal] }],
        lateDecisions: 'allowed',
      },
    });
    assert.equal(blind.status, 400, JSON.stringify(blind.body));
    assert.match(blind.body.detail, /could never finish/);
  });

  test('a principal of a receiving party signs only what it reads: a countersignature is not refused for a track', async () => {
    const rubio = await signIn(server.url, 'us@demo.parley');
    const rule = await rubio.post(`${N}/transmission-rules`, {
      name: 'Signed in Moscow',
      fromPartyIds: ['us'],
      toPartyIds: ['ru'],
      stages: [
        { id: 'potus', name: 'US president', mode: 'all', approverUserIds: ['u-us-principal'] },
        { id: 'sign', name: 'Kremlin signs', kind: 'countersignature', mode: 'all', approverUserIds: [ruPrincipal] },
      ],
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
  });
});

describe('sending to several parties sends to those the rules allow, and says which were held and why', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase());
  });

  test('one party held back does not keep the text from the others', async () => {
    const rubio = await signIn(server.url, 'us@demo.parley');
    const text = await rubio.post(`${N}/versions`, {
      parentId: null,
      kind: 'draft',
      label: 'Prisoner exchange note',
      authorPartyId: 'us',
      points: [{ id: 'px-1', title: 'Exchange', text: 'All for all, within thirty days of signature.' }],
    });
    assert.equal(text.status, 201, JSON.stringify(text.body));
    const sent = await rubio.post(`${N}/versions/${text.body.id}/transmit`, { partyIds: ['ua', 'ru', 'eu'] });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.deepEqual(sent.body.sentTo.map((p: any) => p.partyName).sort(), ['European Union', 'Ukraine']);
    assert.deepEqual(
      sent.body.heldBack.map((p: any) => [p.partyId, p.partyName]),
      [['ru', 'Russia']],
    );
    assert.match(sent.body.heldBack[0].reason, /Presidents approve/);
    assert.match(sent.body.heldBack[0].reason, /Donald Trump/);
    assert.deepEqual([...sent.body.recipientPartyIds].sort(), ['eu', 'ua', 'us']);
    const ru = await signIn(server.url, 'ru@demo.parley');
    assert.equal((await ru.get(`${N}/versions/${text.body.id}`)).status, 404, 'Russia does not have it');
    const eu = await signIn(server.url, 'eu@demo.parley');
    assert.equal((await eu.get(`${N}/versions/${text.body.id}`)).status, 200, 'the EU has it');

    const again = await rubio.post(`${N}/versions/${text.body.id}/transmit`, { partyIds: ['ru'] });
    assert.equal(again.status, 403, 'held back from every party asked: nothing is sent, and the refusal says why');
    assert.match(again.body.detail, /Presidents approve/);
  });
});

describe('small leaks: what a track outsider reads of approvals and coalitions', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase());
    const trump = await signIn(server.url, 'us-principal@demo.parley');
    const hash = (await trump.get(`${N}/versions/v-geneva-19`)).body.contentHash;
    const approved = await decide(trump, N, 'v-geneva-19', {
      ruleId: PRESIDENTS,
      stageId: 'stage-presidents',
      contentHash: hash,
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
  });

  test('the approvals of a text whose track points Russia may not read withhold its hash, as the version view does', async () => {
    const ru = await signIn(server.url, 'ru@demo.parley');
    const view = (await ru.get(`${N}/versions/v-geneva-19`)).body;
    assert.equal(view.contentHash, null);
    const approvals = await ru.get(`${N}/versions/v-geneva-19/approvals`);
    assert.equal(approvals.status, 200);
    const hash = (await (await signIn(server.url, 'us@demo.parley')).get(`${N}/versions/v-geneva-19`)).body.contentHash;
    assert.ok(!JSON.stringify(approvals.body).includes(hash), 'no decision carries the withheld hash');
    const us = await signIn(server.url, 'us@demo.parley');
    const own = (await us.get(`${N}/versions/v-geneva-19/approvals`)).body;
    assert.equal(own.rules[0].approvals[0].contentHash, hash, 'a reader of the whole text sees it');
  });

  test("a coalition's scope names no point of a track the reader is outside of", async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const e3 = (await mediator.get(`${N}/parties`)).body.find((p: any) => p.id === 'e3');
    const open = v19.points.find((p) => p.trackId === null)!.id;
    const scoped = await mediator.patch(`${N}/parties/e3`, {
      revision: e3.revision,
      pointIds: [open, ...trackPointIds],
    });
    assert.equal(scoped.status, 200, JSON.stringify(scoped.body));
    const ru = await signIn(server.url, 'ru@demo.parley');
    const seen = (await ru.get(`${N}/parties`)).body.find((p: any) => p.id === 'e3');
    assert.deepEqual(seen.pointIds, [open]);
    const fr = await signIn(server.url, 'fr@demo.parley');
    assert.deepEqual(
      (await fr.get(`${N}/parties`)).body.find((p: any) => p.id === 'e3').pointIds,
      [open, ...trackPointIds],
      'a party of the track sees them',
    );
  });
});
