import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { demoDatabase, signIn, startServer, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

describe('a party records many positions in one request and one transaction', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase());
  });

  test('all are stored, each audited, or none when one is at fault', async () => {
    const us = await signIn(server.url, 'us@demo.parley');
    const made = await us.post(`${N}/versions`, {
      parentId: null,
      kind: 'draft',
      label: 'Batch',
      authorPartyId: 'us',
      points: [1, 2, 3].map((n) => ({ id: `b${n}`, title: `Point ${n}`, text: `Text ${n}.` })),
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const position = (pointId: string) => ({ versionId: made.body.id, pointId, partyId: 'us', stance: 'support' });
    const bad = await us.post(`${N}/positions/batch`, { positions: [position('b1'), position('b2'), position('b9')] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'positions[2].pointId');
    assert.equal(((await us.get(`${N}/positions?version=${made.body.id}`)).body as any[]).length, 0, 'none was stored');
    const twice = await us.post(`${N}/positions/batch`, { positions: [position('b1'), position('b1')] });
    assert.equal(twice.status, 400);
    const ok = await us.post(`${N}/positions/batch`, { positions: [position('b1'), position('b2'), position('b3')] });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(ok.body.length, 3);
    const audit = await server.store.db
      .selectFrom('audit_events')
      .select('entity_id')
      .where('action', '=', 'position.create')
      .execute();
    for (const p of ok.body)
      assert.ok(
        audit.some((e) => e.entity_id === p.id),
        `${p.id} is audited`,
      );
    assert.equal(
      (await us.post(`${N}/positions/batch`, { positions: [position('b1')] })).status,
      409,
      'a position that exists is a conflict',
    );
    const kushner = await signIn(server.url, 'kushner@demo.parley');
    assert.equal(
      (await kushner.post(`${N}/positions/batch`, { positions: [{ ...position('b1'), visibility: 'public' }] })).status,
      403,
    );
  });
});
