import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { assertRefused, decide, demoDatabase, type RunningServer, signIn, startServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';
const V19 = 'v-geneva-19';

type Client = Awaited<ReturnType<typeof signIn>>;

describe('positions that say what they mean, and carry across versions', () => {
  let server: RunningServer;
  let us: Client;
  let ua: Client;
  before(async () => {
    server = await startServer(await demoDatabase());
    us = await signIn(server.url, 'us@demo.parley');
    ua = await signIn(server.url, 'ua@demo.parley');
  });

  test('a position names the option and the bracket alternative it supports, and nothing that is not there', async () => {
    const draft = await ua.post(`${N}/versions`, {
      parentId: null,
      kind: 'draft',
      label: 'Kyiv working text',
      authorPartyId: 'ua',
      points: (await ua.get(`${N}/versions/${V19}`)).body.points,
    });
    assert.equal(draft.status, 201, JSON.stringify(draft.body));
    const on21 = { versionId: draft.body.id, pointId: 'pt-21', partyId: 'ua', stance: 'support' };
    const supports = {
      supportsOption: { issueId: 'issue-donetsk', optionId: 'opt-donetsk-contact-line' },
      supportsAlternative: { bracketId: 'br-donetsk', alternative: 1 },
    };
    await assertRefused(
      ua.post(`${N}/positions`, { ...on21, supportsOption: { issueId: 'issue-army-cap', optionId: 'x' } }),
      'supportsOption.issueId',
      /point 14 decides no issue "issue-army-cap"/,
    );
    await assertRefused(
      ua.post(`${N}/positions`, { ...on21, supportsOption: { issueId: 'issue-donetsk', optionId: 'opt-nope' } }),
      'supportsOption.optionId',
      /no option "opt-nope"/,
    );
    await assertRefused(
      ua.post(`${N}/positions`, { ...on21, supportsAlternative: { bracketId: 'br-ghost', alternative: 0 } }),
      'supportsAlternative.bracketId',
      /no bracket "br-ghost"/,
    );
    await assertRefused(
      ua.post(`${N}/positions`, { ...on21, supportsAlternative: { bracketId: 'br-donetsk', alternative: 2 } }),
      'supportsAlternative.alternative',
      /has 2 alternatives/,
    );
    await assertRefused(
      ua.post(`${N}/positions`, {
        ...on21,
        supportsOption: { issueId: 'issue-donetsk', optionId: 'opt-donetsk-ukrainian' },
        supportsAlternative: { bracketId: 'br-donetsk', alternative: 1 },
      }),
      'supportsAlternative',
      /alternative B of bracket "br-donetsk" stands for option "opt-donetsk-contact-line"/,
    );
    await assertRefused(
      ua.post(`${N}/positions/batch`, {
        positions: [
          { ...on21, pointId: 'pt-1' },
          { ...on21, supportsAlternative: { bracketId: 'br-donetsk', alternative: 5 } },
        ],
      }),
      'positions[1].supportsAlternative.alternative',
      /alternatives/,
    );
    const made = await ua.post(`${N}/positions`, { ...on21, ...supports });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.deepEqual(made.body.supportsOption, supports.supportsOption);
    assert.deepEqual(made.body.supportsAlternative, supports.supportsAlternative);
    assert.equal(made.body.stale, false);
    assert.equal(made.body.carriedFromVersionId, null);
  });

  test('a new version carries positions on unchanged points, and marks them stale on changed ones until restated', async () => {
    const base = (await us.get(`${N}/versions/${V19}`)).body;
    const before19 = (await ua.get(`${N}/positions?version=${V19}`)).body as any[];
    const uaOn21 = before19.find((p) => p.partyId === 'ua' && p.pointId === 'pt-21');
    const uaOn24 = before19.find((p) => p.partyId === 'ua' && p.pointId === 'pt-24');
    assert.ok(uaOn21 && uaOn24, 'the demo has Ukraine on points 21 and 24');
    const points = base.points.map((point: any) =>
      point.id === 'pt-21'
        ? { ...point, text: `${point.text} Both presidents meet before the end of the year.` }
        : point,
    );
    const next = await us.post(`${N}/versions`, {
      parentId: V19,
      kind: 'draft',
      label: 'Post-Geneva, rev. 1',
      authorPartyId: 'us',
      points,
    });
    assert.equal(next.status, 201, JSON.stringify(next.body));
    const id = next.body.id;
    assert.equal((await us.post(`${N}/versions/${id}/transmit`, { partyIds: ['ua'] })).status, 200);

    const carried = (await ua.get(`${N}/positions?version=${id}`)).body as any[];
    const on24 = carried.find((p) => p.partyId === 'ua' && p.pointId === 'pt-24');
    const on21 = carried.find((p) => p.partyId === 'ua' && p.pointId === 'pt-21');
    assert.equal(on24.carriedFromVersionId, V19);
    assert.equal(on24.stale, false, 'point 24 did not change: the position holds');
    assert.equal(on24.stance, uaOn24.stance);
    assert.equal(on21.stale, true, 'point 21 changed: the earlier position is stale');
    assert.equal(on21.proposedText, uaOn21.proposedText);
    assert.deepEqual(on21.supportsAlternative, uaOn21.supportsAlternative);
    assert.equal(
      carried.filter((p) => p.partyId === 'ua').length,
      before19.filter((p) => p.partyId === 'ua').length,
      "every one of Ukraine's positions on a point the new text keeps is carried",
    );

    const progress = (await ua.get(`${N}/progress`)).body.versions.find((v: any) => v.versionId === id);
    const point21 = progress.points.find((p: any) => p.pointId === 'pt-21');
    assert.equal(point21.stances.ua, undefined, 'a stale position is not counted');
    assert.equal(progress.points.find((p: any) => p.pointId === 'pt-24').stances.ua, on24.stance);

    assert.equal(
      (await ua.post(`${N}/positions`, { versionId: id, pointId: 'pt-24', partyId: 'ua', stance: 'oppose' })).status,
      409,
      'a carried position that holds is changed with PATCH, not taken twice',
    );
    const restated = await ua.post(`${N}/positions`, {
      versionId: id,
      pointId: 'pt-21',
      partyId: 'ua',
      stance: 'amend',
      proposedText: 'Only after a ceasefire on the line of contact.',
      visibility: 'public',
    });
    assert.equal(restated.status, 201, JSON.stringify(restated.body));
    assert.equal(restated.body.id, on21.id, 'restating replaces the stale position');
    assert.equal(restated.body.stale, false);
    assert.equal(restated.body.carriedFromVersionId, null);
    const kept = await ua.patch(`${N}/positions/${on24.id}`, { revision: on24.revision });
    assert.equal(kept.status, 200, JSON.stringify(kept.body));
    assert.equal(kept.body.carriedFromVersionId, null, 'a PATCH restates the position on this version');
    const events = await server.store.db
      .selectFrom('audit_events')
      .select('entity_id')
      .where('action', '=', 'position.carry')
      .execute();
    assert.ok(
      events.some((e) => e.entity_id === on24.id),
      'carrying is audited',
    );
  });

  test('a carried position reaches no one who could not see it where it was taken', async () => {
    // The post-Geneva text never went to Russia. A text derived from it does, once both presidents
    // approve; Ukraine's public positions on the post-Geneva text must not travel with it.
    const base = (await us.get(`${N}/versions/${V19}`)).body;
    const next = await us.post(`${N}/versions`, {
      parentId: V19,
      kind: 'draft',
      label: 'For Moscow',
      authorPartyId: 'us',
      points: base.points,
    });
    assert.equal(next.status, 201, JSON.stringify(next.body));
    const id = next.body.id;
    assert.equal((await us.post(`${N}/versions/${id}/transmit`, { partyIds: ['ua'] })).status, 200);
    const hash = next.body.contentHash;
    for (const email of ['us-principal@demo.parley', 'ua-principal@demo.parley']) {
      const president = await signIn(server.url, email);
      const decided = await decide(president, N, id, {
        ruleId: 'rule-presidents-before-moscow',
        stageId: 'stage-presidents',
        contentHash: hash,
      });
      assert.equal(decided.status, 200, JSON.stringify(decided.body));
    }
    const ru = await signIn(server.url, 'ru@demo.parley');
    assert.equal((await ru.get(`${N}/versions/${id}`)).status, 200, 'Russia has the new text');
    const seenByRussia = (await ru.get(`${N}/positions?version=${id}`)).body as any[];
    const uaPublic = ((await ua.get(`${N}/positions?version=${id}`)).body as any[]).filter(
      (p) => p.partyId === 'ua' && p.visibility === 'public',
    );
    assert.ok(uaPublic.length > 0, 'Ukraine has public positions on the new text');
    assert.deepEqual(
      seenByRussia.filter((p) => p.carriedFromVersionId !== null),
      [],
      'Russia sees no position carried from a text it never received',
    );
  });
});
