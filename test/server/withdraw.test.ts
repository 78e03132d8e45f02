import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { demoDatabase, signIn, startServer, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

describe('withdraw, never delete: versions, rounds, statements and options stay in the history, marked', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase());
  });

  test('a withdrawn version is gone from the listing and from progress, stays readable and marked, and is sent no more', async () => {
    const us = await signIn(server.url, 'us@demo.parley');
    const made = await us.post(`${N}/versions`, {
      parentId: 'v-us-28',
      kind: 'draft',
      label: 'US revision',
      authorPartyId: 'us',
      points: [{ id: 'pt-1', title: 'Sovereignty', text: 'Sovereignty is confirmed.' }],
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    await us.post(`${N}/positions`, { versionId: made.body.id, pointId: 'pt-1', partyId: 'us', stance: 'support' });
    const measured = async () =>
      ((await us.get(`${N}/progress`)).body.versions as any[]).some((v) => v.versionId === made.body.id);
    assert.equal(await measured(), true);
    const kushner = await signIn(server.url, 'kushner@demo.parley');
    assert.equal(
      (await kushner.post(`${N}/versions/${made.body.id}/withdraw`, {})).status,
      403,
      "an adviser does not withdraw the party's texts",
    );
    const withdrawn = await us.post(`${N}/versions/${made.body.id}/withdraw`, {});
    assert.equal(withdrawn.status, 200, JSON.stringify(withdrawn.body));
    assert.ok(withdrawn.body.withdrawnAt);
    assert.ok(
      !((await us.get(`${N}/versions`)).body as any[]).some((v) => v.id === made.body.id),
      'not in the default listing',
    );
    assert.ok(
      ((await us.get(`${N}/versions?withdrawn=true`)).body as any[]).some(
        (v) => v.id === made.body.id && v.withdrawnAt,
      ),
      'listed on request, marked',
    );
    assert.equal((await us.get(`${N}/versions/${made.body.id}`)).status, 200, 'still readable');
    assert.equal(await measured(), false, 'gone from progress');
    const sent = await us.post(`${N}/versions/${made.body.id}/transmit`, { partyIds: ['ua'] });
    assert.equal(sent.status, 400);
    assert.match(sent.body.detail, /withdrawn/);
    const taken = await us.post(`${N}/positions`, {
      versionId: made.body.id,
      pointId: made.body.points[0].id,
      partyId: 'us',
      stance: 'support',
    });
    assert.equal(taken.status, 400, 'no position is taken on a withdrawn text');
    assert.match(taken.body.detail, /withdrawn/);
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const negotiation = (await mediator.get(N)).body;
    assert.equal(
      (await mediator.call('PATCH', N, { revision: negotiation.revision, currentVersionId: made.body.id })).status,
      400,
      'nor can it be made current',
    );
    const audit = await server.store.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', made.body.id)
      .execute();
    assert.ok(audit.some((e) => e.action === 'version.withdraw'));
  });

  test('a cancelled round leaves the listing and the progress curve; a retracted statement the listing', async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const rounds = (await mediator.get(`${N}/rounds`)).body as any[];
    const counted = (await mediator.get(`${N}/progress`)).body.series.rounds.length;
    const round = rounds.find((r) => r.versionId !== null || r.outcomeVersionId !== null);
    assert.equal(
      (await (await signIn(server.url, 'us@demo.parley')).post(`${N}/rounds/${round.id}/cancel`, {})).status,
      403,
    );
    const cancelled = await mediator.post(`${N}/rounds/${round.id}/cancel`, {});
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.ok(cancelled.body.cancelledAt);
    assert.ok(!((await mediator.get(`${N}/rounds`)).body as any[]).some((r) => r.id === round.id));
    assert.ok(
      ((await mediator.get(`${N}/rounds?cancelled=true`)).body as any[]).some(
        (r) => r.id === round.id && r.cancelledAt,
      ),
    );
    assert.equal((await mediator.get(`${N}/progress`)).body.series.rounds.length, counted - 1);

    const statement = ((await mediator.get(`${N}/statements`)).body as any[])[0];
    const retracted = await mediator.post(`${N}/statements/${statement.id}/retract`, {});
    assert.equal(retracted.status, 200, JSON.stringify(retracted.body));
    assert.ok(retracted.body.retractedAt);
    assert.ok(!((await mediator.get(`${N}/statements`)).body as any[]).some((s) => s.id === statement.id));
    assert.ok(
      ((await mediator.get(`${N}/statements?retracted=true`)).body as any[]).some((s) => s.id === statement.id),
    );
    assert.equal((await mediator.post(`${N}/statements/nope/retract`, {})).status, 404);
  });

  test('a retired option stays on its issue and in the drafts that chose it, but no new draft may choose it', async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const army = ((await mediator.get(`${N}/issues`)).body as any[]).find((i) => i.id === 'issue-army-cap');
    const chosen = (await mediator.get(`${N}/versions/v-geneva-19`)).body.optionChoices['issue-army-cap'];
    const retired = await mediator.post(`${N}/issues/${army.id}/options/${chosen}/retire`, {});
    assert.equal(retired.status, 200, JSON.stringify(retired.body));
    assert.ok(retired.body.options.find((o: any) => o.id === chosen).retiredAt);
    const us = await signIn(server.url, 'us@demo.parley');
    const fresh = await us.post(`${N}/versions`, {
      parentId: null,
      kind: 'draft',
      label: 'New',
      authorPartyId: 'us',
      points: [{ id: 'p', title: 'Army', text: 'Army.' }],
      optionChoices: { 'issue-army-cap': chosen },
    });
    assert.equal(fresh.status, 400);
    assert.match(fresh.body.detail, /retired/);
    const carried = await us.post(`${N}/versions`, {
      parentId: 'v-geneva-19',
      kind: 'draft',
      label: 'Carried',
      authorPartyId: 'us',
      points: [{ id: 'p', title: 'Army', text: 'Army.' }],
      optionChoices: { 'issue-army-cap': chosen },
    });
    assert.equal(carried.status, 201, "a text that keeps its parent's choice may");
    const relabelled = await mediator.patch(`${N}/issues/${army.id}`, {
      revision: retired.body.revision,
      options: retired.body.options.map(({ retiredAt: _r, ...o }: any) => o),
    });
    assert.equal(relabelled.status, 200);
    assert.ok(
      relabelled.body.options.find((o: any) => o.id === chosen).retiredAt,
      'an edit of the issue does not undo the retirement',
    );
    assert.ok((await server.store.verifyAudit()).ok);
  });
});
