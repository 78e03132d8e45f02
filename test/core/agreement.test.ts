import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  agreementStatus,
  agreementStatusFor,
  obstaclesInWords,
  partiesAtTable,
  pointContentHash,
} from '../../src/core/agreement.ts';
import type { AgreementMark, Point, Track } from '../../src/core/model.ts';
import { viewerScope } from '../../src/core/visibility.ts';
import { bracket, coalition, issue, membership, party, point, track } from './builders.ts';

const parties = [party('us'), party('ua'), party('ru'), party('fr'), party('de'), coalition('e3', ['fr', 'de'])];
const issues = [issue('iss-land', 'Territory', { 'opt-line': 'Frozen along the line', 'opt-cede': 'Ceded' })];
const euNato: Track = track('t-nato', ['us', 'ua', 'e3']);

function mark(p: Point, partyId: string, overrides: Partial<AgreementMark> = {}): AgreementMark {
  return {
    pointId: p.id,
    partyId,
    contentHash: pointContentHash(p, issues),
    at: '2025-11-24T10:00:00Z',
    by: `u-${partyId}`,
    ...overrides,
  };
}
const everyone = (p: Point, ids = ['us', 'ua', 'ru', 'fr', 'de']) => ids.map((id) => mark(p, id));
const status = (points: Point[], marks: AgreementMark[], tracks: Track[] = []) =>
  agreementStatus({ points, parties, tracks, marks, issues });

describe('pointContentHash', () => {
  const withChoice = point('p1', 1, {
    text: 'Territory: [[br-land]].',
    brackets: [
      {
        id: 'br-land',
        alternatives: [
          { text: 'frozen', proposedBy: ['ua'], choices: { 'iss-land': 'opt-line' } },
          { text: 'ceded', proposedBy: ['ru'], choices: { 'iss-land': 'opt-cede' } },
        ],
      },
    ],
  });

  test('any edit of the wording gives another hash; renumbering does not', () => {
    const hash = pointContentHash(withChoice, issues);
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.equal(pointContentHash({ ...withChoice, number: 7 }, issues), hash);
    assert.notEqual(pointContentHash({ ...withChoice, text: 'Territory: [[br-land]]!' }, issues), hash);
    assert.notEqual(pointContentHash({ ...withChoice, title: 'Land' }, issues), hash);
    assert.notEqual(pointContentHash({ ...withChoice, trackId: 't-nato' }, issues), hash);
  });

  test('relabelling an option an alternative chooses changes the hash (the meaning is part of it)', () => {
    const relabelled = [issue('iss-land', 'Territory', { 'opt-line': 'Frozen along the line', 'opt-cede': 'Kept' })];
    assert.notEqual(pointContentHash(withChoice, relabelled), pointContentHash(withChoice, issues));
  });
});

describe('partiesAtTable', () => {
  test('the whole table is every party, not coalitions', () => {
    assert.deepEqual(partiesAtTable(point('p', 1), parties, []), ['us', 'ua', 'ru', 'fr', 'de']);
  });
  test("a track's point is at its parties' table, a coalition standing for its members", () => {
    assert.deepEqual(partiesAtTable(point('p', 1, { trackId: 't-nato' }), parties, [euNato]), ['us', 'ua', 'fr', 'de']);
  });
  test('a point assigned to an unknown track has no one at its table', () => {
    assert.deepEqual(partiesAtTable(point('p', 1, { trackId: 'gone' }), parties, [euNato]), []);
  });
});

describe('agreementStatus', () => {
  const p1 = point('p1', 1);
  const p2 = point('p2', 2);

  test('a point is agreed when every party at the table marked its current wording', () => {
    const result = status([p1, p2], [...everyone(p1), ...everyone(p2)]);
    assert.equal(result.points[0]!.agreed, true);
    assert.deepEqual(result.points[0]!.agreedBy, ['us', 'ua', 'ru', 'fr', 'de']);
    assert.deepEqual(result.overall, {
      complete: true,
      pointsNotAgreed: [],
      openBrackets: 0,
      openTracks: [],
      otherOpenTracks: 0,
    });
  });

  test('one party missing keeps the point, and the whole agreement, open', () => {
    const result = status([p1, p2], [...everyone(p1), ...everyone(p2, ['us', 'ua', 'fr', 'de'])]);
    assert.equal(result.points[1]!.agreed, false);
    assert.deepEqual(result.points[1]!.awaiting, ['ru']);
    assert.equal(result.overall.complete, false);
    assert.deepEqual(result.overall.pointsNotAgreed, [2]);
  });

  test('a mark on an earlier wording is void, shown, and does not count', () => {
    const edited = { ...p1, text: 'Text of p1, edited.' };
    const result = status([edited], everyone(p1));
    const entry = result.points[0]!;
    assert.equal(entry.agreed, false);
    assert.deepEqual(entry.agreedBy, []);
    assert.equal(entry.awaiting.length, 5);
    assert.deepEqual(
      entry.voidMarks.map((m) => m.partyId),
      ['us', 'ua', 'ru', 'fr', 'de'],
    );
    assert.equal(entry.voidMarks[0]!.contentHash, pointContentHash(p1, issues));
  });

  test('a valid mark supersedes the same party’s void one; only the latest void mark is listed', () => {
    const edited = { ...p1, text: 'New.' };
    const marks = [
      mark(p1, 'ru', { at: '2025-11-24T09:00:00Z', contentHash: 'old-1' }),
      mark(p1, 'ru', { at: '2025-11-24T11:00:00Z', contentHash: 'old-2' }),
      mark(p1, 'ua', { contentHash: 'old-1' }),
      mark(edited, 'ua'),
    ];
    const entry = status([edited], marks).points[0]!;
    assert.deepEqual(entry.agreedBy, ['ua']);
    assert.deepEqual(
      entry.voidMarks.map((m) => [m.partyId, m.contentHash]),
      [['ru', 'old-2']],
    );
  });

  test('a point with a bracket is not agreed even when every party marked it', () => {
    const contested = point('p1', 1, { text: 'Forces: [[br-cap]].', brackets: [bracket('br-cap', '600k', '800k')] });
    const result = status([contested], everyone(contested));
    assert.equal(result.points[0]!.agreed, false);
    assert.equal(result.points[0]!.openBrackets, 1);
    assert.equal(result.overall.openBrackets, 1);
    assert.equal(result.overall.complete, false);
  });

  test("a coalition's mark and a mark of a party outside the track do not count", () => {
    const onTrack = point('p1', 1, { trackId: 't-nato' });
    const marks = [...everyone(onTrack, ['us', 'ua', 'fr']), mark(onTrack, 'e3'), mark(onTrack, 'ru')];
    const entry = status([onTrack], marks, [{ ...euNato, closedAt: '2025-11-30' }]).points[0]!;
    assert.equal(entry.agreed, false);
    assert.deepEqual(entry.awaiting, ['de']);
    assert.deepEqual(entry.agreedBy, ['us', 'ua', 'fr']);
  });

  test('every point agreed is not enough while a track is open', () => {
    const onTrack = point('p1', 1, { trackId: 't-nato' });
    const marks = everyone(onTrack, ['us', 'ua', 'fr', 'de']);
    assert.equal(status([onTrack], marks, [euNato]).overall.complete, false);
    assert.deepEqual(status([onTrack], marks, [euNato]).overall.openTracks, ['t-nato']);
    assert.equal(status([onTrack], marks, [{ ...euNato, closedAt: '2025-11-30' }]).overall.complete, true);
  });

  test('an empty text is not a complete agreement', () => {
    assert.equal(status([], []).overall.complete, false);
    assert.equal(obstaclesInWords(status([], []), { track: String }), 'the text has no points');
  });
});

describe('agreementStatusFor', () => {
  const open = point('p1', 1);
  const onTrack = point('p2', 2, { trackId: 't-nato', text: 'NATO: [[br-x]].', brackets: [bracket('br-x', 'a', 'b')] });
  const points = [open, onTrack];
  const full = status(
    points,
    [...everyone(open), mark(onTrack, 'us'), mark(onTrack, 'ua', { contentHash: 'old' })],
    [euNato],
  );
  const scope = (userId: string, partyId: string | null) =>
    viewerScope(userId, false, [membership(userId, partyId)], parties);

  test('a party outside a track learns only that its point is not agreed', () => {
    const seen = agreementStatusFor(full, scope('u-ru', 'ru'), points, [euNato]);
    assert.deepEqual(seen.points[1], {
      pointId: null,
      number: 2,
      agreed: false,
      agreedBy: [],
      awaiting: [],
      voidMarks: [],
      openBrackets: null,
      withheld: true,
    });
    assert.deepEqual(seen.overall.pointsNotAgreed, [2]);
    assert.equal(seen.overall.openBrackets, 0);
    assert.deepEqual(seen.overall.openTracks, []);
    assert.equal(seen.overall.otherOpenTracks, 1);
    const words = obstaclesInWords(seen, { track: (id) => `name of ${id}`, party: (id) => id.toUpperCase() });
    assert.equal(words, '1 point not agreed: 2; 1 track you are not part of open');
    assert.doesNotMatch(JSON.stringify(seen), /p2|t-nato|br-x|old/);
  });

  test("the track's parties and the mediators see who marked it", () => {
    for (const reader of [scope('u-fr', 'fr'), scope('u-med', null)]) {
      const seen = agreementStatusFor(full, reader, points, [euNato]);
      assert.deepEqual(seen, full);
    }
  });
});

describe('obstaclesInWords', () => {
  test('names what stands in the way, with names and never ids', () => {
    const p4 = point('p4', 4);
    const p9 = point('p9', 9, {
      text: '[[b1]] and [[b2]]',
      brackets: [bracket('b1', 'x', 'y'), bracket('b2', 'x', 'y')],
    });
    const p17 = point('p17', 17);
    const result = status([p4, p9, p17], [...everyone(p17), ...everyone(p4, ['us', 'ua', 'fr', 'de'])], [euNato]);
    const names = { track: () => 'EU/NATO', party: (id: string) => ({ ru: 'Russia' })[id] ?? `Party ${id}` };
    assert.equal(
      obstaclesInWords(result, { track: names.track }),
      '2 points not agreed: 4, 9; 2 brackets open; the track "EU/NATO" open',
    );
    assert.match(obstaclesInWords(result, names), /awaiting Russia on 4, 9; Party us on 9/);
  });

  test('says the agreement is complete when it is', () => {
    const p1 = point('p1', 1);
    assert.equal(obstaclesInWords(status([p1], everyone(p1)), { track: String }), 'The agreement is complete.');
  });
});
