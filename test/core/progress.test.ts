import { describe, test } from 'node:test';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { progressSeries, stanceDistance, versionProgress, type VersionProgress } from '../../src/core/progress.ts';
import type { RedLineCrossing } from '../../src/core/redlines.ts';
import { bracket, point, position, round } from './builders.ts';

const bracketed = point('p3', 3, { text: 'Cap: [[cap]].', brackets: [bracket('cap', '600,000', '800,000')] });
const points = [point('p1', 1), point('p2', 2), bracketed, point('p4', 4)];

describe('versionProgress', () => {
  test('agreed needs two supporters and no brackets', () => {
    const progress = versionProgress(
      'v1',
      points,
      [
        position('us', 'p1', 'support'),
        position('ua', 'p1', 'support'),
        position('us', 'p2', 'support'),
        position('us', 'p3', 'support'),
        position('ua', 'p3', 'support'),
      ],
      [],
    );
    const state = Object.fromEntries(progress.points.map((p) => [p.pointId, p.state]));
    assert.equal(state.p1, 'agreed', 'two supporters, no bracket');
    assert.equal(state.p2, 'open', 'one supporter is not agreement');
    assert.equal(state.p3, 'contested', 'two supporters but a bracket remains');
    assert.equal(state.p4, 'open', 'nobody took a position');
    assert.deepEqual([progress.agreed, progress.contested, progress.open], [1, 1, 2]);
  });

  test('a point is contested when any party amends, opposes or holds a red line, even alone', () => {
    for (const stance of ['amend', 'oppose', 'red_line'] as const) {
      const progress = versionProgress(
        'v1',
        [point('p1', 1)],
        [position('us', 'p1', 'support'), position('ua', 'p1', 'support'), position('ru', 'p1', stance)],
        [],
      );
      assert.equal(progress.points[0]!.state, 'contested', stance);
      const alone = versionProgress('v1', [point('p1', 1)], [position('ru', 'p1', stance)], []);
      assert.equal(alone.points[0]!.state, 'contested', `${stance} alone`);
    }
  });

  test('only positions on the measured version count', () => {
    const progress = versionProgress(
      'v2',
      [point('p1', 1)],
      [
        position('us', 'p1', 'support', { versionId: 'v2' }),
        position('ua', 'p1', 'support', { versionId: 'v2' }),
        position('ru', 'p1', 'red_line', { versionId: 'v1' }),
      ],
      [],
    );
    assert.equal(progress.points[0]!.state, 'agreed');
    assert.deepEqual(progress.points[0]!.stances, { us: 'support', ua: 'support' });
  });

  test('red-line crossings are counted on the version and on the points they name', () => {
    const crossings: RedLineCrossing[] = [
      { redLineId: 'rl1', partyId: 'ua', title: 'x', reason: 'r', pointIds: ['p1', 'p3'] },
      { redLineId: 'rl2', partyId: 'ru', title: 'y', reason: 'r', pointIds: ['p3'] },
    ];
    const progress = versionProgress('v1', points, [], crossings);
    assert.equal(progress.redLinesCrossed, 2);
    assert.deepEqual(
      progress.points.map((p) => p.redLinesCrossed),
      [1, 0, 2, 0],
    );
    assert.equal(progress.points[2]!.brackets, 1);
    assert.equal(progress.brackets, 1, 'the version counts the brackets left in its text');
  });

  test("the version's distance is the mean over points with two positions or more, null when there are none", () => {
    const progress = versionProgress(
      'v1',
      points,
      [
        position('us', 'p1', 'support'),
        position('ru', 'p1', 'red_line'), // distance 1
        position('us', 'p2', 'support'),
        position('ua', 'p2', 'support'), // distance 0
        position('ua', 'p4', 'oppose'), // one position: no distance
      ],
      [],
    );
    assert.deepEqual(
      progress.points.map((p) => p.distance),
      [1, 0, null, null],
    );
    assert.equal(progress.distance, 0.5);
    assert.equal(versionProgress('v1', points, [position('us', 'p1', 'support')], []).distance, null);
  });
});

describe('stanceDistance', () => {
  test('distance narrows when stances converge', () => {
    const apart = stanceDistance(['support', 'red_line'])!;
    const closer = stanceDistance(['support', 'oppose'])!;
    const closest = stanceDistance(['support', 'amend'])!;
    assert.equal(apart, 1);
    assert.ok(closer < apart && closest < closer, `${apart} > ${closer} > ${closest}`);
    assert.equal(stanceDistance(['amend', 'amend']), 0);
  });

  test('distance is the mean over all pairs, scaled to 0..1, and null under two stances', () => {
    // pairs: support–amend 1, support–red_line 3, amend–red_line 2 → 6 / 3 pairs / 3
    assert.equal(stanceDistance(['support', 'amend', 'red_line']), 6 / 3 / 3);
    assert.equal(stanceDistance(['oppose']), null);
    assert.equal(stanceDistance([]), null);
  });
});

describe('progressSeries', () => {
  const measured = (versionId: string, distance: number | null): VersionProgress => ({
    versionId,
    points: [],
    agreed: 0,
    contested: 0,
    open: 0,
    unknown: 0,
    brackets: 0,
    redLinesCrossed: 0,
    distance,
  });

  test('the series reports narrowing when the distance falls from the first to the last round', () => {
    const rounds = [
      round('r2', '2025-11-30', { outcomeVersionId: 'v2' }),
      round('r1', '2025-11-23', { outcomeVersionId: 'v1' }),
    ];
    const byVersion: Record<string, VersionProgress> = { v1: measured('v1', 0.8), v2: measured('v2', 0.5) };
    const series = progressSeries(rounds, (id) => byVersion[id] ?? null);
    assert.deepEqual(
      series.rounds.map((r) => r.roundId),
      ['r1', 'r2'],
      'rounds in date order',
    );
    assert.equal(series.rounds[0]!.distanceChange, null);
    assert.ok(Math.abs(series.rounds[1]!.distanceChange! - -0.3) < 1e-12);
    assert.equal(series.trend, 'narrowing');
    assert.equal('points' in series.rounds[0]!.progress, false, 'per-point detail is left out');
  });

  test('the series reports widening when the distance rises, steady when it stays', () => {
    const rounds = [
      round('r1', '2025-11-23', { outcomeVersionId: 'v1' }),
      round('r2', '2025-11-30', { outcomeVersionId: 'v2' }),
    ];
    assert.equal(progressSeries(rounds, (id) => measured(id, id === 'v1' ? 0.2 : 0.6)).trend, 'widening');
    assert.equal(progressSeries(rounds, (id) => measured(id, 0.4)).trend, 'steady');
  });

  test('the series reports unknown with fewer than two measured distances', () => {
    const rounds = [
      round('r1', '2025-11-23', { outcomeVersionId: 'v1' }),
      round('r2', '2025-11-30', { outcomeVersionId: 'v2' }),
    ];
    assert.equal(progressSeries(rounds, (id) => measured(id, id === 'v1' ? 0.5 : null)).trend, 'unknown');
    assert.equal(progressSeries([], () => null).trend, 'unknown');
  });

  test('a round is measured on the version it produced, else on the one it discussed; rounds without one, or that the viewer cannot see, are left out', () => {
    const rounds = [
      round('r1', '2025-11-20', { versionId: 'v0', outcomeVersionId: 'v1' }),
      round('r2', '2025-11-21', { versionId: 'v1' }),
      round('r3', '2025-11-22'),
      round('r4', '2025-11-23', { versionId: 'v-secret' }),
    ];
    const series = progressSeries(rounds, (id) => (id === 'v-secret' ? null : measured(id, 0.5)));
    assert.deepEqual(
      series.rounds.map((r) => [r.roundId, r.versionId]),
      [
        ['r1', 'v1'],
        ['r2', 'v1'],
      ],
    );
  });

  test('rounds are ordered by the instant they start, whatever offset their times are written in', () => {
    const rounds = [
      round('r-late', '2025-11-23T09:00:00Z', { versionId: 'v2' }),
      round('r-early', '2025-11-23T10:00:00+02:00', { versionId: 'v1' }),
    ];
    const series = progressSeries(rounds, (id) => measured(id, id === 'v1' ? 0.8 : 0.4));
    assert.deepEqual(
      series.rounds.map((r) => r.roundId),
      ['r-early', 'r-late'],
    );
    assert.equal(series.trend, 'narrowing');
  });

  test('the trend compares the first and last rounds that have a distance, skipping rounds without one', () => {
    const rounds = [
      round('r1', '2025-11-20', { versionId: 'v1' }),
      round('r2', '2025-11-21', { versionId: 'v2' }),
      round('r3', '2025-11-22', { versionId: 'v3' }),
    ];
    const distances: Record<string, number | null> = { v1: 0.9, v2: null, v3: 0.3 };
    const series = progressSeries(rounds, (id) => measured(id, distances[id] ?? null));
    assert.equal(series.trend, 'narrowing');
    assert.equal(series.rounds[2]!.distanceChange, null, 'the change is measured against the previous round only');
  });
});

describe('stanceDistance counted by stance', () => {
  test("property: equals the mean of every pair's distance, computed pair by pair", () => {
    const score = { support: 0, amend: 1, oppose: 2, red_line: 3 } as const;
    fc.assert(
      fc.property(fc.array(fc.constantFrom('support', 'amend', 'oppose', 'red_line'), { maxLength: 40 }), (stances) => {
        let total = 0;
        let pairs = 0;
        for (let i = 0; i < stances.length; i++)
          for (let j = i + 1; j < stances.length; j++) {
            total += Math.abs(score[stances[i]!] - score[stances[j]!]);
            pairs++;
          }
        assert.equal(stanceDistance(stances), pairs === 0 ? null : total / pairs / 3);
      }),
    );
  });
});

describe('a stale or silent party is unknown, never agreement', () => {
  const table = () => ['us', 'ua', 'ru'];

  test('a point two parties support while the third is silent is open, and the silent party is named unknown', () => {
    const progress = versionProgress(
      'v1',
      [point('p1', 1)],
      [position('us', 'p1', 'support'), position('ua', 'p1', 'support')],
      [],
      table,
    );
    assert.equal(progress.points[0]!.state, 'open');
    assert.deepEqual(progress.points[0]!.unknown, ['ru']);
    assert.equal(progress.unknown, 1);
  });

  test('right after a new version, stances gone stale make the trend unknown, not narrowing, and it says why', () => {
    const rounds = [
      round('r1', '2025-11-23', { outcomeVersionId: 'v1', title: 'Geneva' }),
      round('r2', '2025-11-30', { outcomeVersionId: 'v2', title: 'Abu Dhabi' }),
    ];
    // Round 1: the three parties far apart on p1. Round 2: a new text; Russia's position on p1 went
    // stale (the store leaves stale positions out), the others still support.
    const v1 = versionProgress(
      'v1',
      [point('p1', 1)],
      [position('us', 'p1', 'support'), position('ua', 'p1', 'support'), position('ru', 'p1', 'red_line')],
      [],
      table,
    );
    const v2 = versionProgress(
      'v2',
      [point('p1', 1)],
      [position('us', 'p1', 'support', { versionId: 'v2' }), position('ua', 'p1', 'support', { versionId: 'v2' })],
      [],
      table,
    );
    assert.ok(v2.distance! < v1.distance!, 'measured on what is known, the distance fell');
    const series = progressSeries(rounds, (id) => ({ v1, v2 })[id] ?? null);
    assert.equal(series.trend, 'unknown');
    assert.match(series.trendNote!, /1 stance taken by "Geneva" is unknown by "Abu Dhabi"/);
    assert.equal(series.rounds[1]!.distanceChange, null);
    assert.equal(series.rounds[1]!.stancesLost, 1);
    // Once Russia restates its stance, the trend reads again.
    const restated = versionProgress(
      'v2',
      [point('p1', 1)],
      [
        position('us', 'p1', 'support', { versionId: 'v2' }),
        position('ua', 'p1', 'support', { versionId: 'v2' }),
        position('ru', 'p1', 'amend', { versionId: 'v2' }),
      ],
      [],
      table,
    );
    const after = progressSeries(rounds, (id) => ({ v1, v2: restated })[id] ?? null);
    assert.equal(after.trend, 'narrowing');
    assert.equal(after.trendNote, null);
  });
});
