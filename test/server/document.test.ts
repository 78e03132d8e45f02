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
    const points = [{ ...first, text: `${first.text} Its territorial integrity is respected.` }, ...rest, third].map(
      ({ number: _n, ...p }: any) => p,
    );
    const created = await ua.post(`${N}/versions`, {
      parentId: 'v-us-28',
      kind: 'proposal',
      label: 'Ukrainian counter-proposal',
      authorPartyId: 'ua',
      internal: true,
      points,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(
      created.body.points.map((p: any) => p.number),
      points.map((_p: unknown, i: number) => i + 1),
    );
    assert.deepEqual(created.body.recipientPartyIds, ['ua']);

    const compared = (await ua.get(`${N}/versions/${created.body.id}/compare`)).body.comparison;
    const kinds = Object.fromEntries(compared.points.map((p: any) => [p.pointId, p.kinds]));
    assert.deepEqual(kinds[second.id], ['removed']);
    assert.ok(kinds[third.id].includes('moved'));
    assert.deepEqual(kinds[first.id], ['changed']);
    assert.deepEqual(kinds[rest[0].id], ['renumbered'], 'a point after the dropped one is renumbered, not changed');
    const added = compared.points
      .find((p: any) => p.pointId === first.id)
      .words.filter((w: any) => w.kind === 'added')
      .map((w: any) => w.text)
      .join('');
    assert.match(added, /territorial integrity/);

    const us = await signIn(server.url, 'us@demo.parley');
    assert.equal(
      (await us.get(`${N}/versions/${created.body.id}`)).status,
      404,
      'an internal draft stays inside its party',
    );
    assert.equal(
      (await (await signIn(server.url, 'mediator@demo.parley')).get(`${N}/versions/${created.body.id}`)).status,
      404,
      'even from the mediator',
    );
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
      points: [
        {
          id: 'pt-6',
          title: 'army',
          text: 'The army is capped.',
          brackets: [
            {
              id: 'cap',
              alternatives: [
                { text: '600,000', proposedBy: ['us'] },
                { text: '800,000', proposedBy: ['ua'] },
              ],
            },
          ],
        },
      ],
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
    for (const crossing of ruReport.crossings)
      assert.ok(ruRedLines.includes(crossing.redLineId), 'no crossing of an invisible red line is reported');
  });

  test('a mediator relabels an issue and adds an option, but cannot drop one that texts refer to', async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const issue = ((await mediator.get(`${N}/issues`)).body as any[])[0];
    const relabelled = await mediator.patch(`${N}/issues/${issue.id}`, {
      revision: issue.revision,
      options: [
        ...issue.options.map((o: any, i: number) => (i === 0 ? { ...o, label: `${o.label} (revised)` } : o)),
        { id: 'opt-new', label: 'A new option' },
      ],
    });
    assert.equal(relabelled.status, 200, JSON.stringify(relabelled.body));
    assert.equal(relabelled.body.revision, issue.revision + 1);
    assert.equal(relabelled.body.options.length, issue.options.length + 1);
    const dropped = await mediator.patch(`${N}/issues/${issue.id}`, {
      revision: relabelled.body.revision,
      options: relabelled.body.options.slice(1),
    });
    assert.equal(dropped.status, 400);
    assert.match(dropped.body.detail, /cannot be removed/);
    const stale = await mediator.patch(`${N}/issues/${issue.id}`, { revision: issue.revision, name: 'Stale rename' });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.current.revision, issue.revision + 1);
  });

  test("a mediator changes a track's parties; a party lead may not", async () => {
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const track = ((await mediator.get(`${N}/tracks`)).body as any[])[0];
    const ua = await signIn(server.url, 'ua@demo.parley');
    assert.equal(
      (await ua.patch(`${N}/tracks/${track.id}`, { revision: track.revision, partyIds: ['ua', 'us'] })).status,
      403,
    );
    const narrowed = await mediator.patch(`${N}/tracks/${track.id}`, {
      revision: track.revision,
      partyIds: ['ua', 'us'],
    });
    assert.equal(narrowed.status, 200, JSON.stringify(narrowed.body));
    assert.deepEqual(narrowed.body.partyIds, ['ua', 'us']);
    const eu = await signIn(server.url, 'eu@demo.parley');
    assert.ok(
      !((await eu.get(`${N}/tracks`)).body as any[]).some((t) => t.id === track.id),
      'a party taken out of the track no longer sees it',
    );
  });

  test('an id that exists already gets 409, not a server error', async () => {
    const admin = await signIn(server.url, 'admin@demo.parley');
    const again = await admin.post('/api/negotiations', { id: 'geneva-2025', title: 'Again', summary: '' });
    assert.equal(again.status, 409);
    assert.match(again.body.detail, /exists already/);
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const issue = await mediator.post(`${N}/issues`, {
      id: 'issue-dup',
      name: 'A',
      options: [
        { id: 'a', label: 'A' },
        { id: 'b', label: 'B' },
      ],
    });
    assert.equal(issue.status, 201);
    assert.equal(
      (
        await mediator.post(`${N}/issues`, {
          id: 'issue-dup',
          name: 'A',
          options: [
            { id: 'a', label: 'A' },
            { id: 'b', label: 'B' },
          ],
        })
      ).status,
      409,
    );
  });
});
