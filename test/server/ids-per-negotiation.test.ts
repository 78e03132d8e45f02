import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { demoDatabase, signIn, startServer, type RunningServer } from '../helpers.ts';

const GENEVA = '/api/negotiations/geneva-2025';
const RULE = 'rule-presidents-before-moscow';

/**
 * The ids a client chooses (parties, issues, transmission rules) name a thing within its own
 * negotiation: another negotiation may use the same ids, and choosing one never tells anyone that it
 * is in use elsewhere. Only the administrator names a negotiation, whose id is unique everywhere.
 */
describe('ids are scoped to their negotiation', () => {
  let server: RunningServer;
  let other: string;
  before(async () => {
    server = await startServer(await demoDatabase());
    // Russia's lead convenes talks of its own, naming things as the Geneva talks do.
    const lavrov = await signIn(server.url, 'ru@demo.parley');
    const made = await lavrov.post('/api/negotiations', { title: 'Talks in Istanbul', summary: '' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    other = `/api/negotiations/${made.body.id}`;
  });

  test('a party or an issue may take an id another negotiation uses, and each stays its own', async () => {
    const lavrov = await signIn(server.url, 'ru@demo.parley');
    for (const [id, name, shortName] of [
      ['us', 'United States of America', 'USA'],
      ['ua', 'Ukraine', 'UA'],
      ['ru', 'Russian Federation', 'RF'],
    ]) {
      const party = await lavrov.post(`${other}/parties`, { id, name, shortName });
      assert.equal(party.status, 201, `party "${id}": ${JSON.stringify(party.body)}`);
    }
    const issue = await lavrov.post(`${other}/issues`, {
      id: 'issue-donetsk',
      name: 'Donetsk',
      options: [
        { id: 'a', label: 'Frozen' },
        { id: 'b', label: 'Returned' },
      ],
    });
    assert.equal(issue.status, 201, JSON.stringify(issue.body));

    // Changing Istanbul's "us" leaves Geneva's alone, and the other way round.
    const renamed = await lavrov.patch(`${other}/parties/us`, { revision: 1, name: 'The United States' });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    const mediator = await signIn(server.url, 'mediator@demo.parley');
    const genevaUs = ((await mediator.get(`${GENEVA}/parties`)).body as any[]).find((p) => p.id === 'us');
    assert.equal(genevaUs.name, 'United States');
    const genevaIssue = ((await mediator.get(`${GENEVA}/issues`)).body as any[]).find((i) => i.id === 'issue-donetsk');
    assert.notEqual(genevaIssue.name, 'Donetsk');
    const renamedInGeneva = await mediator.patch(`${GENEVA}/parties/us`, {
      revision: genevaUs.revision,
      name: 'United States (delegation)',
    });
    assert.equal(renamedInGeneva.status, 200, JSON.stringify(renamedInGeneva.body));
    const istanbulUs = ((await lavrov.get(`${other}/parties`)).body as any[]).find((p) => p.id === 'us');
    assert.equal(istanbulUs.name, 'The United States');
    assert.equal(istanbulUs.revision, 2);

    // Within one negotiation an id is still one thing.
    const twice = await lavrov.post(`${other}/parties`, { id: 'us', name: 'Again', shortName: 'AG' });
    assert.equal(twice.status, 400);
    assert.match(twice.body.detail, /exists already/);
  });

  test('a transmission rule may take an id another negotiation uses; each governs its own texts', async () => {
    // Seat the US president as the principal of Istanbul's "us" (Istanbul's parties exist from the test above).
    const negotiationId = other.split('/').at(-1)!;
    await server.store.db
      .insertInto('memberships')
      .values({
        id: 'm-istanbul-potus',
        negotiation_id: negotiationId,
        user_id: 'u-us-principal',
        party_id: 'us',
        role: 'principal',
        title: 'President',
      })
      .execute();
    const trump = await signIn(server.url, 'us-principal@demo.parley');
    const rule = await trump.post(`${other}/transmission-rules`, {
      id: RULE,
      name: 'The president approves',
      fromPartyIds: ['us'],
      toPartyIds: ['ru'],
      stages: [{ id: 'potus', name: 'President', mode: 'any', approverUserIds: ['u-us-principal'] }],
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const inGeneva = ((await trump.get(`${GENEVA}/transmission-rules`)).body as any[]).find((r) => r.id === RULE);
    assert.equal(inGeneva.stages[0].id, 'stage-presidents', "Geneva's rule is untouched");
    assert.deepEqual(inGeneva.fromPartyIds, ['us', 'ua']);
    const inIstanbul = ((await trump.get(`${other}/transmission-rules`)).body as any[]).filter((r) => r.id === RULE);
    assert.equal(inIstanbul.length, 1);
    assert.equal(inIstanbul[0].stages[0].id, 'potus');
  });

  test('only the administrator names a negotiation, and a refusal is the same whether the name is taken or not', async () => {
    const lavrov = await signIn(server.url, 'ru@demo.parley');
    const taken = await lavrov.post('/api/negotiations', { id: 'geneva-2025', title: 'Geneva', summary: '' });
    const free = await lavrov.post('/api/negotiations', { id: 'never-used-anywhere', title: 'Free', summary: '' });
    assert.equal(taken.status, 400);
    assert.match(taken.body.detail, /administrator/);
    assert.deepEqual(
      { status: free.status, detail: free.body.detail },
      { status: taken.status, detail: taken.body.detail },
    );
    const admin = await signIn(server.url, 'admin@demo.parley');
    assert.equal(
      (await admin.post('/api/negotiations', { id: 'named-talks', title: 'Named', summary: '' })).status,
      201,
    );
  });
});
