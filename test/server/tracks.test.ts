import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { before, describe, test } from 'node:test';
import { genevaScenario } from '../../src/demo/geneva.ts';
import { BIN } from '../cli/command.ts';
import { demoDatabase, signIn, startServer, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';
const TRACK = genevaScenario.tracks.find((t) => t.id === 'track-eu-nato')!;
const v19 = genevaScenario.versions.find((v) => v.id === 'v-geneva-19')!;
const trackPoints = v19.points.filter((p) => p.trackId === TRACK.id);
/** Issues that only the track's points decide in the post-Geneva text. */
const trackOnlyIssues = Object.keys(v19.optionChoices).filter((issueId) => {
  const issue = genevaScenario.issues.find((i) => i.id === issueId)!;
  const decides = (p: (typeof v19.points)[number]) => p.issueIds.includes(issueId) || issue.pointIds.includes(p.id);
  return trackPoints.some(decides) && !v19.points.some((p) => p.trackId === null && decides(p));
});

describe("a track's secrets stay in the track, in every read", () => {
  let server: RunningServer;
  let ru: Awaited<ReturnType<typeof signIn>>;
  let file: string;
  before(async () => {
    file = await demoDatabase();
    server = await startServer(file);
    const trump = await signIn(server.url, 'us-principal@demo.parley');
    const hash = (await trump.get(`${N}/versions/v-geneva-19`)).body.contentHash;
    const approved = await trump.post(`${N}/versions/v-geneva-19/approvals`, {
      ruleId: 'rule-presidents-before-moscow',
      stageId: 'stage-presidents',
      decision: 'approve',
      contentHash: hash,
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    ru = await signIn(server.url, 'ru@demo.parley');
  });

  test('the demo holds track points and issues only they decide', () => {
    assert.ok(trackPoints.length >= 3);
    assert.ok(
      trackOnlyIssues.includes('issue-sanctions') && trackOnlyIssues.includes('issue-eu-role'),
      trackOnlyIssues.join(', '),
    );
  });

  test("Russia reads the post-Geneva text with the track's points as numbers only, and no choice they decide", async () => {
    const view = (await ru.get(`${N}/versions/v-geneva-19`)).body;
    assert.equal(view.points.length, v19.points.length - trackPoints.length);
    assert.deepEqual(
      view.separateFormat.pointNumbers,
      trackPoints.map((p) => p.number),
    );
    assert.match(view.separateFormat.note, /separate format/);
    for (const issueId of trackOnlyIssues)
      assert.ok(!(issueId in view.optionChoices), `Russia must not learn the choice on ${issueId}`);
    assert.ok('issue-army-cap' in view.optionChoices, 'choices of points Russia reads stay');
    assert.equal(view.summary, '', 'the summary, which speaks of the track, is withheld');
    assert.equal(view.contentHash, null);
    const text = JSON.stringify(view);
    for (const point of trackPoints) assert.ok(!text.includes(point.text.slice(0, 40)), `point ${point.number}'s text`);
    assert.ok(!text.includes(TRACK.id), 'not even the track id');
  });

  test('the red-line report tells Russia nothing decided only in the track', async () => {
    const report = (await ru.get(`${N}/versions/v-geneva-19/red-lines`)).body;
    const text = JSON.stringify(report);
    assert.ok(!/Central EU role|Role of the European Union/.test(text), text);
    for (const crossing of report.crossings)
      for (const id of crossing.pointIds) assert.ok(!trackPoints.some((p) => p.id === id), `crossing names ${id}`);
  });

  test('progress, comparisons, statements, issues and rounds name no track point for Russia', async () => {
    const hidden = new Set(TRACK.pointIds);
    const progress = (await ru.get(`${N}/progress`)).body.versions.find((v: any) => v.versionId === 'v-geneva-19');
    assert.ok(progress, 'Russia measures the text it received');
    for (const point of progress.points)
      assert.ok(!trackPoints.some((p) => p.id === point.pointId), `progress shows ${point.pointId}`);
    const comparison = (await ru.get(`${N}/versions/v-geneva-19/compare`)).body;
    for (const side of [comparison.proposal]) assert.ok(!side.points.some((p: any) => p.trackId !== null));
    for (const path of ['statements', 'issues', 'rounds']) {
      const items = (await ru.get(`${N}/${path}`)).body as any[];
      for (const item of items) {
        for (const id of item.pointIds ?? item.agendaPointIds ?? [])
          assert.ok(!hidden.has(id), `${path}: ${item.id} names ${id}`);
      }
    }
    const stubb = ((await ru.get(`${N}/statements`)).body as any[]).find((s) => /separate format/.test(s.quote));
    assert.ok(stubb, 'the public statement itself is public');
    assert.deepEqual(stubb.pointIds, [], "but not the list of the track's points");
  });

  test("the track's parties still see everything", async () => {
    const eu = await signIn(server.url, 'eu@demo.parley');
    const view = (await eu.get(`${N}/versions/v-geneva-19`)).body;
    assert.equal(view.points.length, v19.points.length);
    assert.equal(view.separateFormat, null);
    assert.ok(view.contentHash);
    for (const issueId of trackOnlyIssues) assert.ok(issueId in view.optionChoices);
    const stubb = ((await eu.get(`${N}/statements`)).body as any[]).find((s) => /separate format/.test(s.quote));
    assert.ok(stubb.pointIds.length > 0);
  });

  test("parley export as Russia shows the track's points as negotiated in a separate format", async () => {
    await server.app.close();
    await server.store.close();
    const out = execFileSync(
      process.execPath,
      [BIN, 'export', '--db', file, '--version', 'v-geneva-19', '--as', 'ru@demo.parley'],
      { encoding: 'utf8' },
    );
    for (const point of trackPoints) {
      assert.ok(!out.includes(point.title), `export shows "${point.title}"`);
      assert.match(out, new RegExp(`### ${point.number}\\. Negotiated in a separate format`));
    }
  });
});
