import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { demoDatabase, signIn, startServer, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

describe('documents over the API: versions, renumbering, comparison, red lines', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase());
  });

  test('a counter-proposal posted without numbers is numbered in order, keeps point ids, and compares point by point', async () => {
    const ua = await signIn(server.url, 'ua@demo.parley');
    const base = (await ua.get(`${N}/versions/v-us-28`)).body;
    const [first, second, third, ...rest] = base.points;
    // Drop point 2, move point 3 to the end, rewrite point 1.
    const points = [{ ...first, text: `${first.text} Its territorial integrity is respected.` }, ...rest, third].map(({ number: _n, ...p }: any) => p);
    const created = await ua.post(`${N}/versions`, { parentId: 'v-us-28', kind: 'proposal', label: 'Ukrainian counter-proposal', authorPartyId: 'ua', internal: true, points });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.points.map((p: any) => p.number), points.map((_p: unknown, i: number) => i + 1));
    assert.deepEqual(created.body.recipientPartyIds, ['ua']);

    const compared = (await ua.get(`${N}/versions/${created.body.id}/compare`)).body.comparison;
    const kinds = Object.fromEntries(compared.points.map((p: any) => [p.pointId, p.kinds]));
    assert.deepEqual(kinds[second.id], ['removed']);
    assert.ok(kinds[third.id].includes('moved'));
    assert.deepEqual(kinds[first.id], ['changed']);
    assert.deepEqual(kinds[rest[0].id], ['renumbered'], 'a point after the dropped one is renumbered, not changed');
    const added = compared.points.find((p: any) => p.pointId === first.id).words.filter((w: any) => w.kind === 'added').map((w: any) => w.text).join('');
    assert.match(added, /territorial integrity/);

    const us = await signIn(server.url, 'us@demo.parley');
    assert.equal((await us.get(`${N}/versions/${created.body.id}`)).status, 404, 'an internal draft stays inside its party');
    assert.equal((await (await signIn(server.url, 'mediator@demo.parley')).get(`${N}/versions/${created.body.id}`)).status, 404, 'even from the mediator');
  });

  test('points with numbers out of order are refused, naming the point', async () => {
    const ua = await signIn(server.url, 'ua@demo.parley');
    const answer = await ua.post(`${N}/versions`, {
      parentId: 'v-us-28',
      kind: 'proposal',
      label: 'Out of order',
      authorPartyId: 'ua',
      points: [
        { id: 'pt-1', number: 2, title: 'a', text: 'a' },
        { id: 'pt-2', number: 1, title: 'b', text: 'b' },
      ],
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.field, 'points[0].number');
  });

  test('a bracket without its placeholder is refused with the fix', async () => {
    const ua = await signIn(server.url, 'ua@demo.parley');
    const answer = await ua.post(`${N}/versions`, {
      parentId: 'v-us-28',
      kind: 'proposal',
      label: 'Bracketed',
      authorPartyId: 'ua',
      points: [{ id: 'pt-6', title: 'army', text: 'The army is capped.', brackets: [{ id: 'cap', alternatives: [{ text: '600,000', proposedBy: ['us'] }, { text: '800,000', proposedBy: ['ua'] }] }] }],
    });
    assert.equal(answer.status, 400);
    assert.match(answer.body.detail, /\[\[cap\]\]/);
  });

  test('the red-line check names what the US draft crosses, only among the red lines the reader may see', async () => {
    const ua = await signIn(server.url, 'ua@demo.parley');
    const ru = await signIn(server.url, 'ru@demo.parley');
    const uaReport = (await ua.get(`${N}/versions/v-us-28/red-lines`)).body;
    const ruReport = (await ru.get(`${N}/versions/v-us-28/red-lines`)).body;
    assert.match(uaReport.message, /^This draft crosses \d+ red lines?: /);
    assert.ok(uaReport.crossings.some((c: any) => c.partyId === 'ua'));
    const uaRedLines = ((await ua.get(`${N}/red-lines`)).body as any[]).map((r) => r.id);
    for (const crossing of uaReport.crossings) assert.ok(uaRedLines.includes(crossing.redLineId));
    const ruRedLines = ((await ru.get(`${N}/red-lines`)).body as any[]).map((r) => r.id);
    for (const crossing of ruReport.crossings) assert.ok(ruRedLines.includes(crossing.redLineId), 'no crossing of an invisible red line is reported');
  });
});
