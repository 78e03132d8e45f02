import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createUser } from '../../src/store/accounts.ts';
import { Store } from '../../src/store/store.ts';
import { analyse, convene as openNegotiation, signIn, startServer, freshDatabase } from '../helpers.ts';

/** A small seeded generator, so that every run builds the same negotiations. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return { next, int: (n: number) => Math.floor(next() * n), score: () => Math.round(next() * 100) / 100 };
}

interface World {
  issues: { id: string; options: string[] }[];
  parties: string[];
  /** Each party's preferences and whether it shares them with the mediators. */
  preferences: Record<
    string,
    {
      weights: Record<string, number>;
      scores: Record<string, Record<string, number>>;
      reservation: number;
      shared: boolean;
    }
  >;
  redLines: { id?: string; partyId: string; visibility: 'party' | 'mediator' | 'public'; constraint: any }[];
  draft: Record<string, string>;
}

/** A random negotiation: 3–4 issues of 2–4 options, red lines on one option and on a combination. */
function randomWorld(seed: number, parties: number, sharing: 'all' | 'some' | 'none'): World {
  const g = generator(seed);
  const issues = Array.from({ length: 3 + g.int(2) }, (_, i) => ({
    id: `i${i}`,
    options: Array.from({ length: 2 + g.int(3) }, (_, o) => `i${i}o${o}`),
  }));
  const names = Array.from({ length: parties }, (_, p) => `p${p}`);
  const preferences: World['preferences'] = {};
  names.forEach((party, p) => {
    const raw = issues.map(() => 1 + g.int(9));
    const total = raw.reduce((a, b) => a + b, 0);
    // Weights in hundredths that add up to exactly 1.
    const hundredths = raw.map((r) => Math.floor((r / total) * 100));
    hundredths[0]! += 100 - hundredths.reduce((a, b) => a + b, 0);
    const weights = Object.fromEntries(issues.map((issue, i) => [issue.id, hundredths[i]! / 100]));
    const scores = Object.fromEntries(
      issues.map((issue) => [issue.id, Object.fromEntries(issue.options.map((o) => [o, g.score()]))]),
    );
    const shared = sharing === 'all' || (sharing === 'some' && p % 2 === 0);
    preferences[party] = { weights, scores, reservation: Math.round(g.next() * 30) / 100, shared };
  });
  const pick = (issue: { options: string[] }) => issue.options[g.int(issue.options.length)]!;
  const redLines: World['redLines'] = [
    {
      partyId: names[0]!,
      visibility: 'public',
      constraint: { kind: 'forbid', issueId: issues[0]!.id, optionIds: [pick(issues[0]!)] },
    },
    {
      partyId: names[1]!,
      visibility: 'mediator',
      constraint: {
        kind: 'forbid_combination',
        conditions: [
          { issueId: issues[1]!.id, optionIds: [pick(issues[1]!)] },
          { issueId: issues[2]!.id, optionIds: [pick(issues[2]!)] },
        ],
      },
    },
    {
      partyId: names[parties - 1]!,
      visibility: 'party',
      constraint: { kind: 'require', issueId: issues[2]!.id, optionIds: issues[2]!.options.slice(0, 2) },
    },
  ];
  return {
    issues,
    parties: names,
    preferences,
    redLines,
    draft: Object.fromEntries(issues.map((issue) => [issue.id, pick(issue)])),
  };
}

type Vector = number[];
const EPS = 1e-9;

/** The oracle: every package enumerated, the hard constraints applied, the solutions by their definitions. */
function bruteForce(world: World, included: string[], redLines: World['redLines']) {
  const outcomes: Record<string, string>[] = [{}];
  for (const issue of world.issues) {
    const next: Record<string, string>[] = [];
    for (const partial of outcomes) for (const option of issue.options) next.push({ ...partial, [issue.id]: option });
    outcomes.splice(0, outcomes.length, ...next);
  }
  const crosses = (o: Record<string, string>, c: any): boolean =>
    c.kind === 'forbid'
      ? c.optionIds.includes(o[c.issueId])
      : c.kind === 'require'
        ? !c.optionIds.includes(o[c.issueId])
        : c.conditions.every((cond: any) => cond.optionIds.includes(o[cond.issueId]));
  const feasible = outcomes.filter((o) => !redLines.some((r) => crosses(o, r.constraint)));
  const utility = (party: string, o: Record<string, string>) => {
    const pref = world.preferences[party]!;
    return world.issues.reduce((sum, issue) => {
      const best = Math.max(...issue.options.map((opt) => pref.scores[issue.id]![opt]!));
      return sum + (best === 0 ? 0 : (pref.weights[issue.id]! * pref.scores[issue.id]![o[issue.id]!]!) / best);
    }, 0);
  };
  const vectors = feasible.map((o) => included.map((p) => utility(p, o)));
  const dominated = (a: Vector) =>
    vectors.some((b) => b.every((x, i) => x >= a[i]! - EPS) && b.some((x, i) => x > a[i]! + EPS));
  const frontier = vectors.filter((v) => !dominated(v));
  const r = included.map((p) => world.preferences[p]!.reservation);
  const rational = vectors.filter((v) => v.every((u, i) => u >= r[i]! - EPS));
  const best = (score: (v: Vector) => number, among: Vector[]) =>
    among.length === 0 ? null : Math.max(...among.map(score));
  return {
    frontier,
    nash: best(
      (v) => v.reduce((prod, u, i) => prod * (u - r[i]!), 1),
      rational.filter((v) => v.every((u, i) => u > r[i]! + EPS)),
    ),
    maxWelfare: best((v) => v.reduce((a, b) => a + b, 0), rational),
    egalitarian: best((v) => Math.min(...v.map((u, i) => u - r[i]!)), rational),
    kalaiSmorodinsky: (() => {
      // Ideal point over the individually rational packages; parties with nothing to gain are left out.
      const ir = frontier.filter((v) => v.every((u, i) => u >= r[i]! - EPS));
      if (ir.length === 0) return null;
      const spans = included.map((_, i) => Math.max(...ir.map((v) => v[i]!)) - r[i]!);
      const counted = spans.flatMap((span, i) => (span > EPS ? [i] : []));
      return best((v) => (counted.length === 0 ? 1 : Math.min(...counted.map((i) => (v[i]! - r[i]!) / spans[i]!))), ir);
    })(),
    ksScore: (v: Vector, frontierVectors: Vector[]) => {
      const ir = frontierVectors.filter((x) => x.every((u, i) => u >= r[i]! - EPS));
      const spans = included.map((_, i) => Math.max(...ir.map((x) => x[i]!)) - r[i]!);
      const counted = spans.flatMap((span, i) => (span > EPS ? [i] : []));
      return counted.length === 0 ? 1 : Math.min(...counted.map((i) => (v[i]! - r[i]!) / spans[i]!));
    },
    draft: included.map((p) => utility(p, world.draft)),
    r,
  };
}

const sameSet = (a: Vector[], b: Vector[]) => {
  const key = (v: Vector) => v.map((x) => x.toFixed(9)).join(',');
  assert.deepEqual([...new Set(a.map(key))].sort(), [...new Set(b.map(key))].sort());
};

async function convene(world: World) {
  const file = await freshDatabase('settlement');
  const setup = await Store.open(file);
  await createUser(setup, null, { email: 'mediator@example.org', name: 'Mediator', password: 'mediator-pass' });
  for (const party of world.parties)
    await createUser(setup, null, { email: `${party}@example.org`, name: party, password: 'party-password' });
  await setup.close();
  const server = await startServer(file);
  const mediator = await signIn(server.url, 'mediator@example.org', 'mediator-pass');
  const N = '/api/negotiations/desk';
  const ok = async (answer: Promise<{ status: number; body: any }>) => {
    const a = await answer;
    assert.ok(a.status === 200 || a.status === 201, JSON.stringify(a.body));
    return a.body;
  };
  await openNegotiation(server.store, 'mediator@example.org', 'desk', 'Desk');
  const leads: Record<string, Awaited<ReturnType<typeof signIn>>> = {};
  for (const party of world.parties) {
    await ok(mediator.post(`${N}/parties`, { id: party, name: party, shortName: party }));
    const invited = await ok(
      mediator.post(`${N}/members`, { email: `${party}@example.org`, partyId: party, role: 'lead' }),
    );
    leads[party] = await signIn(server.url, `${party}@example.org`, 'party-password');
    await ok(leads[party]!.post(`/api/me/invitations/${invited.invitation.id}/accept`, {}));
  }
  for (const issue of world.issues)
    await ok(
      mediator.post(`${N}/issues`, {
        id: issue.id,
        name: issue.id,
        options: issue.options.map((id) => ({ id, label: id })),
      }),
    );
  for (const party of world.parties) {
    const { shared, ...pref } = world.preferences[party]!;
    await ok(
      leads[party]!.put(`${N}/parties/${party}/preferences`, { ...pref, visibility: shared ? 'mediator' : 'party' }),
    );
  }
  for (const redLine of world.redLines) {
    redLine.id = (
      await ok(
        leads[redLine.partyId]!.post(`${N}/red-lines`, {
          partyId: redLine.partyId,
          title: 'Red line',
          constraint: redLine.constraint,
          visibility: redLine.visibility,
        }),
      )
    ).id;
  }
  const version = await ok(
    mediator.post(`${N}/versions`, {
      parentId: null,
      kind: 'draft',
      label: 'Draft',
      authorPartyId: null,
      points: [{ id: 'pt', title: 'All', text: 'All issues.', issueIds: world.issues.map((i) => i.id) }],
      optionChoices: world.draft,
    }),
  );
  await ok(mediator.post(`${N}/versions/${version.id}/transmit`, { partyIds: world.parties }));
  return { server, mediator, leads, N, versionId: version.id as string };
}

const vectorOf = (point: { utilities: Record<string, number> }, included: string[]) =>
  included.map((p) => point.utilities[p]!);

function checkAgainstOracle(result: any, world: World, included: string[], visibleRedLines: World['redLines']) {
  assert.deepEqual(result.included, included);
  assert.deepEqual([...result.excluded].sort(), world.parties.filter((p) => !included.includes(p)).sort());
  assert.deepEqual([...result.redLinesApplied].sort(), visibleRedLines.map((r) => r.id).sort());
  if (included.length === 0) {
    assert.equal(result.frontier.length, 0);
    assert.equal(result.nash, null);
    return;
  }
  const oracle = bruteForce(world, included, visibleRedLines);
  sameSet(
    result.frontier.map((p: any) => vectorOf(p, included)),
    oracle.frontier,
  );
  const r = oracle.r;
  const value = {
    nash: (v: Vector) => v.reduce((prod, u, i) => prod * (u - r[i]!), 1),
    maxWelfare: (v: Vector) => v.reduce((a, b) => a + b, 0),
    egalitarian: (v: Vector) => Math.min(...v.map((u, i) => u - r[i]!)),
  } as const;
  for (const name of ['nash', 'maxWelfare', 'egalitarian'] as const) {
    if (oracle[name] === null) assert.equal(result[name], null, name);
    else {
      assert.ok(result[name], `${name} exists`);
      assert.ok(Math.abs(value[name](vectorOf(result[name], included)) - oracle[name]!) < 1e-7, `${name} is optimal`);
      for (const [issueId, optionId] of Object.entries(result[name].choices as Record<string, string>)) {
        for (const redLine of visibleRedLines) {
          const c = redLine.constraint;
          if (c.kind === 'forbid' && c.issueId === issueId)
            assert.ok(!c.optionIds.includes(optionId), `${name} respects ${redLine.id}`);
        }
      }
    }
  }
  if (oracle.kalaiSmorodinsky === null) assert.equal(result.kalaiSmorodinsky, null);
  else {
    const score = oracle.ksScore(vectorOf(result.kalaiSmorodinsky, included), oracle.frontier);
    assert.ok(Math.abs(score - oracle.kalaiSmorodinsky) < 1e-7, 'Kalai-Smorodinsky is optimal');
  }
  assert.ok(result.draft, 'the draft settles every issue');
  assert.deepEqual(
    vectorOf(result.draft, included).map((x) => x.toFixed(9)),
    oracle.draft.map((x) => x.toFixed(9)),
  );
}

for (const [seed, parties, sharing] of [
  [11, 2, 'all'],
  [23, 3, 'some'],
  [37, 4, 'none'],
  [41, 3, 'all'],
] as const) {
  describe(`the settlement desk on a random negotiation (seed ${seed}, ${parties} parties, preferences shared: ${sharing})`, () => {
    const world = randomWorld(seed, parties, sharing);
    let desk: Awaited<ReturnType<typeof convene>>;
    before(async () => {
      desk = await convene(world);
    });

    test("the mediator's analysis uses the shared preferences and the red lines it may see, exactly", async () => {
      const answer = await analyse(desk.mediator, desk.N, {});
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      const included = world.parties.filter((p) => world.preferences[p]!.shared);
      const visible = world.redLines.filter((r) => r.visibility !== 'party');
      checkAgainstOracle(answer.body.result, world, included, visible);
      assert.equal((await desk.mediator.get(`${desk.N}/analyses/${answer.body.id}`)).body.stale, false);
    });

    test("each party's analysis uses its own preferences and the red lines it can see, and nothing of another's", async () => {
      for (const party of world.parties) {
        const answer = await analyse(desk.leads[party]!, desk.N, { versionId: desk.versionId });
        assert.equal(answer.status, 201, JSON.stringify(answer.body));
        const visible = world.redLines.filter((r) => r.visibility === 'public' || r.partyId === party);
        checkAgainstOracle(answer.body.result, world, [party], visible);
        const text = JSON.stringify(answer.body);
        for (const other of world.parties.filter((p) => p !== party))
          assert.ok(!text.includes(`"${other}":`), `${party} receives no utility of ${other}`);
        assert.equal(
          (await desk.mediator.get(`${desk.N}/analyses/${answer.body.id}`)).status,
          404,
          "an analysis is its requester's",
        );
      }
    });

    test("a released package reaches only its recipient, with the recipient's own utility", async () => {
      const analysis = (await analyse(desk.mediator, desk.N, {})).body;
      const first = world.parties[0]!;
      const points = analysis.result.nash ? ['nash'] : [];
      const frontierIndexes = analysis.result.frontier.length > 0 ? [0] : [];
      if (points.length + frontierIndexes.length === 0) return;
      const released = await desk.mediator.post(`${desk.N}/analyses/${analysis.id}/releases`, {
        partyIds: [first],
        points,
        frontierIndexes,
      });
      assert.equal(released.status, 201, JSON.stringify(released.body));
      const seen = (await desk.leads[first]!.get(`${desk.N}/releases`)).body;
      assert.equal(seen.length, 1);
      const oracle = bruteForce(world, [first], []);
      for (const pkg of seen[0].packages) {
        assert.equal(typeof pkg.utility, 'number');
        assert.deepEqual(Object.keys(pkg).sort(), ['choices', 'utility']);
        const own = world.issues.reduce((sum, issue) => {
          const pref = world.preferences[first]!;
          const best = Math.max(...issue.options.map((o) => pref.scores[issue.id]![o]!));
          return (
            sum + (best === 0 ? 0 : (pref.weights[issue.id]! * pref.scores[issue.id]![pkg.choices[issue.id]]!) / best)
          );
        }, 0);
        assert.ok(Math.abs(pkg.utility - own) < 1e-9);
        assert.ok(oracle.r.length === 1);
      }
      for (const other of world.parties.slice(1))
        assert.deepEqual((await desk.leads[other]!.get(`${desk.N}/releases`)).body, [], `${other} sees no release`);
    });

    test('a what-if sets aside red lines the requester sees and holds to the rest; one it may not see is refused as a made-up id', async () => {
      const visible = world.redLines.filter((r) => r.visibility !== 'party');
      const aside = visible[0]!;
      const answer = await analyse(desk.mediator, desk.N, { setAside: [aside.id] });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      assert.deepEqual(answer.body.setAside, [aside.id], 'the answer says what was set aside');
      const included = world.parties.filter((p) => world.preferences[p]!.shared);
      checkAgainstOracle(
        answer.body.result,
        world,
        included,
        visible.filter((r) => r !== aside),
      );
      assert.ok(answer.body.result.notes.some((n: string) => n.startsWith('what-if:') && n.includes(aside.id!)));
      // The red line kept in its party: the mediator cannot tell it from an id that names nothing.
      const kept = world.redLines.find((r) => r.visibility === 'party')!;
      const hidden = await analyse(desk.mediator, desk.N, { setAside: [kept.id] });
      const missing = await analyse(desk.mediator, desk.N, { setAside: ['no-such-red-line'] });
      assert.equal(hidden.status, 400);
      assert.equal(missing.status, hidden.status);
      assert.equal(
        JSON.stringify(hidden.body).split(kept.id!).join('<id>'),
        JSON.stringify(missing.body).split('no-such-red-line').join('<id>'),
      );
      // Nothing of anyone's data changed: the red line still binds an analysis that does not set it aside.
      const again = await analyse(desk.mediator, desk.N, {});
      assert.ok(again.body.result.redLinesApplied.includes(aside.id));
    });

    test('each requester lists their own analyses only, newest first, summed up and marked stale as the full one is', async () => {
      const party = world.parties[0]!;
      const lead = desk.leads[party]!;
      const older = (await analyse(lead, desk.N, {})).body;
      const newer = (await analyse(lead, desk.N, { versionId: desk.versionId })).body;
      const list = (await lead.get(`${desk.N}/analyses`)).body as any[];
      assert.deepEqual(
        list.slice(0, 2).map((a) => a.id),
        [newer.id, older.id],
        'newest first',
      );
      for (const [a, b] of list.slice(1).map((a, i) => [list[i], a])) assert.ok(a.createdAt >= b.createdAt);
      const summary = list[0];
      assert.deepEqual(Object.keys(summary).sort(), [
        'agreementPossible',
        'createdAt',
        'excluded',
        'frontierSize',
        'id',
        'included',
        'setAside',
        'stale',
        'versionId',
      ]);
      assert.equal(summary.frontierSize, newer.result.frontierSize);
      assert.deepEqual(summary.included, newer.result.included);
      assert.deepEqual(summary.excluded, newer.result.excluded);
      assert.equal(summary.agreementPossible, newer.result.agreementPossible);
      assert.equal(summary.versionId, desk.versionId);
      // Every listed one is the requester's own: no one else reads it, nor lists it.
      const others = [desk.mediator, ...world.parties.slice(1).map((p) => desk.leads[p]!)];
      for (const other of others) {
        const theirs = ((await other.get(`${desk.N}/analyses`)).body as any[]).map((a) => a.id);
        for (const a of list) {
          assert.ok(!theirs.includes(a.id), 'an analysis is listed to its requester only');
          assert.equal((await other.get(`${desk.N}/analyses/${a.id}`)).status, 404);
        }
      }
      for (const a of list) assert.equal((await lead.get(`${desk.N}/analyses/${a.id}`)).body.stale, a.stale);
    });

    test('an analysis goes stale when a preference it used changes', async () => {
      const party = world.parties[0]!;
      const analysis = (await analyse(desk.leads[party]!, desk.N, {})).body;
      const current = ((await desk.leads[party]!.get(`${desk.N}/preferences`)).body as any[]).find(
        (p) => p.partyId === party,
      );
      const { shared, ...pref } = world.preferences[party]!;
      const changed = await desk.leads[party]!.put(`${desk.N}/parties/${party}/preferences`, {
        ...pref,
        reservation: 0.01,
        visibility: shared ? 'mediator' : 'party',
        revision: current.revision,
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal((await desk.leads[party]!.get(`${desk.N}/analyses/${analysis.id}`)).body.stale, true);
      const listed = ((await desk.leads[party]!.get(`${desk.N}/analyses`)).body as any[]).find(
        (a) => a.id === analysis.id,
      );
      assert.equal(listed.stale, true, 'the list marks it stale too');
    });
  });
}
