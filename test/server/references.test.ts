import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { assertRefused, demoDatabase, signIn, startServer, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';

describe('every reference is checked: nothing is stored that refers to what does not exist', () => {
  let server: RunningServer;
  let mediator: Awaited<ReturnType<typeof signIn>>;
  before(async () => {
    server = await startServer(await demoDatabase());
    mediator = await signIn(server.url, 'mediator@demo.parley');
  });

  test('an issue on a point no version has, an agenda point, a track point, a statement point', async () => {
    const options = [
      { id: 'a', label: 'A' },
      { id: 'b', label: 'B' },
    ];
    await assertRefused(
      mediator.post(`${N}/issues`, { name: 'Ghost', pointIds: ['pt-99'], options }),
      'pointIds',
      /"pt-99"/,
    );
    await assertRefused(
      mediator.post(`${N}/rounds`, { title: 'R', startsOn: '2025-12-01', agendaPointIds: ['pt-42'] }),
      'agendaPointIds',
      /"pt-42"/,
    );
    await assertRefused(
      mediator.post(`${N}/tracks`, { name: 'T', partyIds: ['us', 'ua'], pointIds: ['pt-77'] }),
      'pointIds',
      /"pt-77"/,
    );
    await assertRefused(
      mediator.post(`${N}/statements`, {
        speaker: 'S',
        date: '2025-12-01',
        quote: 'q',
        stance: 'neutral',
        source: 'test',
        pointIds: ['pt-55'],
      }),
      'pointIds',
      /"pt-55"/,
    );
    assert.equal((await mediator.post(`${N}/issues`, { name: 'Real', pointIds: ['pt-1'], options })).status, 201);
  });

  test('a round that ends before it starts', async () => {
    await assertRefused(
      mediator.post(`${N}/rounds`, { title: 'Backwards', startsOn: '2025-12-02', endsOn: '2025-12-01' }),
      'endsOn',
      /before it starts/,
    );
  });

  test('a score for an option or an issue that does not exist', async () => {
    const ua = await signIn(server.url, 'ua@demo.parley');
    const current = ((await ua.get(`${N}/preferences`)).body as any[]).find((p) => p.partyId === 'ua');
    const withExtra = {
      ...current,
      scores: { ...current.scores, 'issue-army-cap': { ...current.scores['issue-army-cap'], 'rent-9': 0.5 } },
    };
    const { weights, scores, reservation, visibility } = withExtra;
    await assertRefused(
      ua.put(`${N}/parties/ua/preferences`, { revision: current.revision, weights, scores, reservation, visibility }),
      'scores.issue-army-cap.rent-9',
      /no option "rent-9"/,
    );
    await assertRefused(
      ua.put(`${N}/parties/ua/preferences`, {
        revision: current.revision,
        weights,
        scores: { ...current.scores, 'issue-x': { a: 1 } },
        reservation,
        visibility,
      }),
      'scores.issue-x',
      /unknown issue/,
    );
  });

  test('a point on an unknown issue, a bracket proposed by an unknown party, a negotiation id with a slash', async () => {
    const us = await signIn(server.url, 'us@demo.parley');
    await assertRefused(
      us.post(`${N}/versions`, {
        parentId: null,
        kind: 'draft',
        label: 'L',
        authorPartyId: 'us',
        points: [{ id: 'p', title: 'T', text: 'x', issueIds: ['issue-none'] }],
      }),
      'points[0].issueIds',
      /unknown issue/,
    );
    const bracket = {
      id: 'b1',
      alternatives: [
        { text: 'A', proposedBy: ['us'] },
        { text: 'B', proposedBy: ['atlantis'] },
      ],
    };
    await assertRefused(
      us.post(`${N}/versions`, {
        parentId: null,
        kind: 'draft',
        label: 'L',
        authorPartyId: 'us',
        points: [{ id: 'p', title: 'T', text: 'x [[b1]]', brackets: [bracket] }],
      }),
      'points[0].brackets[0].alternatives[1].proposedBy',
      /"atlantis"/,
    );
    const slash = await mediator.post('/api/negotiations', { id: 'a/b', title: 'T', summary: '' });
    assert.equal(slash.status, 400);
    assert.equal(slash.body.field, 'body.id');
  });
});
