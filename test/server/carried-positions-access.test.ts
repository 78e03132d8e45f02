import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decide, demoDatabase, type RunningServer, signIn, startServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';
type Client = Awaited<ReturnType<typeof signIn>>;

describe("a version made from another carries no party's position to a reader it was not for", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase());
  });

  const positions = async (c: Client, versionId: string) =>
    (await c.get(`${N}/positions?version=${versionId}`)).body as {
      partyId: string;
      pointId: string;
      visibility: string;
      carriedFromVersionId: string | null;
    }[];

  test("a track point moved out of its track, and the text sent to Russia, keeps the track's positions from Russia", async () => {
    const rubio = await signIn(server.url, 'us@demo.parley');
    const parent = (await rubio.get(`${N}/versions/v-geneva-19`)).body;
    const points = parent.points.map((p: { trackId: string | null }) => ({ ...p, trackId: null }));
    const made = await rubio.post(`${N}/versions`, {
      parentId: 'v-geneva-19',
      kind: 'draft',
      label: 'Everything on one table',
      authorPartyId: 'us',
      points,
      optionChoices: parent.optionChoices,
    });
    assert.equal(made.status, 201, JSON.stringify(made.body).slice(0, 300));
    const carried = (await positions(rubio, made.body.id)).filter((p) => p.pointId === 'pt-14');
    assert.ok(carried.length > 0, 'the positions on point 14 were carried');
    assert.equal((await rubio.post(`${N}/versions/${made.body.id}/transmit`, { partyIds: ['ua'] })).status, 200);
    for (const email of ['us-principal@demo.parley', 'ua-principal@demo.parley']) {
      const principal = await signIn(server.url, email);
      const decided = await decide(principal, N, made.body.id, {
        ruleId: 'rule-presidents-before-moscow',
        stageId: 'stage-presidents',
        contentHash: made.body.contentHash,
      });
      assert.equal(decided.status, 200, JSON.stringify(decided.body).slice(0, 300));
    }
    const sent = await rubio.post(`${N}/versions/${made.body.id}/transmit`, { partyIds: ['ru'] });
    assert.equal(sent.status, 200, JSON.stringify(sent.body).slice(0, 300));
    const ru = await signIn(server.url, 'ru@demo.parley');
    const view = (await ru.get(`${N}/versions/${made.body.id}`)).body;
    assert.ok(
      view.points.some((p: { id: string }) => p.id === 'pt-14'),
      'Russia reads point 14 in this text',
    );
    const seen = (await positions(ru, made.body.id)).filter((p) => p.pointId === 'pt-14');
    assert.deepEqual(seen, [], 'the positions were taken inside the track, which Russia is not part of');
    const progress = (await ru.get(`${N}/progress`)).body;
    assert.equal(
      progress.versions.some((v: { versionId: string }) => v.versionId === 'v-geneva-19'),
      false,
    );
  });

  test("Russia's own text made from the 28 points shows Russia no other party's internal position", async () => {
    const ua = await signIn(server.url, 'ua@demo.parley');
    const taken = new Set((await positions(ua, 'v-us-28')).filter((p) => p.partyId === 'ua').map((p) => p.pointId));
    const pointId = (await ua.get(`${N}/versions/v-us-28`)).body.points
      .map((p: { id: string }) => p.id)
      .find((id: string) => !taken.has(id));
    const internal = await ua.post(`${N}/positions`, {
      versionId: 'v-us-28',
      pointId,
      partyId: 'ua',
      stance: 'red_line',
      rationale: 'Kyiv internal: the real bottom line',
      visibility: 'party',
    });
    assert.equal(internal.status, 201, JSON.stringify(internal.body));
    const ru = await signIn(server.url, 'ru@demo.parley');
    const parent = (await ru.get(`${N}/versions/v-us-28`)).body;
    const made = await ru.post(`${N}/versions`, {
      parentId: 'v-us-28',
      kind: 'proposal',
      label: 'Moscow reading',
      authorPartyId: 'ru',
      points: parent.points,
      optionChoices: parent.optionChoices,
    });
    assert.equal(made.status, 201, JSON.stringify(made.body).slice(0, 300));
    const seen = await positions(ru, made.body.id);
    assert.ok(seen.length > 0);
    assert.ok(
      seen.every((p) => p.partyId === 'ru' || p.visibility === 'public'),
      JSON.stringify(seen.slice(0, 2)),
    );
    // Russia restating Ukraine's carried position is refused: it is not Russia's.
    const restated = await ru.post(`${N}/positions`, {
      versionId: made.body.id,
      pointId,
      partyId: 'ua',
      stance: 'support',
    });
    assert.equal(restated.status, 403);
    // Ukraine, once it receives the text, reads its own internal position on it, carried.
    assert.equal((await ru.post(`${N}/versions/${made.body.id}/transmit`, { partyIds: ['ua'] })).status, 200);
    const mine = (await positions(ua, made.body.id)).find((p) => p.pointId === pointId && p.partyId === 'ua');
    assert.equal(mine?.carriedFromVersionId, 'v-us-28');
  });
});
