import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decide, demoDatabase, type RunningServer, signIn, startServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';
type Client = Awaited<ReturnType<typeof signIn>>;

/** What each reader may see follows every change at once, for tokens issued (and values kept) before it. */
describe('kept reads follow changes of seats, coalitions, tracks and recipients at once', () => {
  let server: RunningServer;
  let mediator: Client;
  before(async () => {
    server = await startServer(await demoDatabase());
    mediator = await signIn(server.url, 'mediator@demo.parley');
  });

  test('a person removed from the table loses it on the next request, with the token they had', async () => {
    const medinsky = await signIn(server.url, 'medinsky@demo.parley');
    assert.equal((await medinsky.get(`${N}/document`)).status, 200);
    assert.equal((await medinsky.get(`${N}/positions`)).status, 200);
    const removed = await (await signIn(server.url, 'ru@demo.parley')).call('DELETE', `${N}/members/m-u-medinsky-1`);
    assert.equal(removed.status, 204, JSON.stringify(removed.body));
    assert.equal((await medinsky.get(`${N}/document`)).status, 404);
    assert.equal((await medinsky.get(`${N}/positions`)).status, 404);
    assert.equal((await medinsky.get(`${N}/versions`)).status, 404);
  });

  test('a negotiator made lead may share at once, and made adviser again may not', async () => {
    const witkoff = await signIn(server.url, 'witkoff@demo.parley');
    const position = (pointId: string) => ({
      versionId: 'v-us-28',
      pointId,
      partyId: 'us',
      stance: 'support',
      visibility: 'public',
    });
    assert.equal((await witkoff.post(`${N}/positions`, position('pt-1'))).status, 403);
    const promoted = await (
      await signIn(server.url, 'us@demo.parley')
    ).patch(`${N}/members/m-u-witkoff-1`, { role: 'lead' });
    assert.equal(promoted.status, 200, JSON.stringify(promoted.body));
    const shared = await witkoff.post(`${N}/positions`, position('pt-1'));
    assert.equal(shared.status, 201, JSON.stringify(shared.body));
    const demoted = await (
      await signIn(server.url, 'us@demo.parley')
    ).patch(`${N}/members/m-u-witkoff-1`, { role: 'adviser' });
    assert.equal(demoted.status, 200, JSON.stringify(demoted.body));
    assert.equal((await witkoff.post(`${N}/positions`, position('pt-2'))).status, 403);
  });

  test("a party taken out of a coalition no longer reads the coalition's internal positions", async () => {
    const fr = await signIn(server.url, 'fr@demo.parley');
    const uk = await signIn(server.url, 'uk@demo.parley');
    const secret = await fr.post(`${N}/positions`, {
      versionId: 'v-us-28',
      pointId: 'pt-27',
      partyId: 'e3',
      stance: 'oppose',
      rationale: 'E3 internal: we could live with it',
      visibility: 'party',
    });
    assert.equal(secret.status, 201, JSON.stringify(secret.body));
    const ids = async (c: Client) => ((await c.get(`${N}/positions`)).body as { id: string }[]).map((p) => p.id);
    assert.ok((await ids(uk)).includes(secret.body.id), 'the UK sits in the E3');
    const e3 = (await mediator.get(`${N}/parties`)).body.find((p: { id: string }) => p.id === 'e3');
    // The UK leaves with its own consent and that of France and Germany: the change is a proposal until then.
    const changed = await mediator.patch(`${N}/parties/e3`, { revision: e3.revision, memberPartyIds: ['fr', 'de'] });
    assert.equal(changed.status, 202, JSON.stringify(changed.body));
    for (const lead of ['fr', 'de', 'uk']) {
      const consent = await (
        await signIn(server.url, `${lead}@demo.parley`)
      ).post(`${N}/proposals/${changed.body.id}/decision`, { decision: 'accept' });
      assert.equal(consent.status, 200, JSON.stringify(consent.body));
    }
    assert.ok(!(await ids(uk)).includes(secret.body.id), 'the UK left the E3');
    assert.ok((await ids(fr)).includes(secret.body.id));
  });

  test("Russia reads the post-Geneva text once it is sent, and the track's points once it joins the track", async () => {
    const ru = await signIn(server.url, 'ru@demo.parley');
    const versionIds = async () => ((await ru.get(`${N}/versions`)).body as { id: string }[]).map((v) => v.id);
    const positionsOn = async (versionId: string) =>
      ((await ru.get(`${N}/positions?version=${versionId}`)).body as { pointId: string }[]).map((p) => p.pointId);
    assert.ok(!(await versionIds()).includes('v-geneva-19'));
    assert.deepEqual(await positionsOn('v-geneva-19'), []);
    const hash = (await mediator.get(`${N}/versions/v-geneva-19`)).body.contentHash;
    // The demo holds Zelensky's approval already; Trump's completes the stage.
    for (const email of ['us-principal@demo.parley']) {
      const principal = await signIn(server.url, email);
      const decided = await decide(principal, N, 'v-geneva-19', {
        ruleId: 'rule-presidents-before-moscow',
        stageId: 'stage-presidents',
        contentHash: hash,
      });
      assert.equal(decided.status, 200, JSON.stringify(decided.body));
    }
    assert.ok((await versionIds()).includes('v-geneva-19'), 'sent to Russia once both presidents approved');
    const outside = (await ru.get(`${N}/versions/v-geneva-19`)).body;
    assert.equal(outside.points.length, 13);
    assert.ok(!(await positionsOn('v-geneva-19')).includes('pt-14'));
    const track = (await mediator.get(`${N}/tracks`)).body[0];
    const joined = await mediator.patch(`${N}/tracks/${track.id}`, {
      revision: track.revision,
      partyIds: [...track.partyIds, 'ru'],
    });
    assert.equal(joined.status, 200, JSON.stringify(joined.body));
    assert.equal((await ru.get(`${N}/versions/v-geneva-19`)).body.points.length, 19);
    assert.ok((await positionsOn('v-geneva-19')).includes('pt-14'), "the E3's public position on point 14");
    const left = await mediator.patch(`${N}/tracks/${track.id}`, {
      revision: joined.body.revision,
      partyIds: track.partyIds,
    });
    assert.equal(left.status, 200, JSON.stringify(left.body));
    assert.equal((await ru.get(`${N}/versions/v-geneva-19`)).body.points.length, 13);
    assert.ok(!(await positionsOn('v-geneva-19')).includes('pt-14'));
  });
});
