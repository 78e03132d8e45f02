import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions, wordDiff, type PointComparison } from '../../src/core/compare.ts';
import { renumber } from '../../src/core/document.ts';
import { bracket, point } from './builders.ts';
import type { Point } from '../../src/core/model.ts';

const kindsById = (points: PointComparison[]) => Object.fromEntries(points.map((p) => [p.pointId, p.kinds]));
const base: Point[] = [point('a', 1), point('b', 2), point('c', 3), point('d', 4)];

describe('compareVersions', () => {
  test('identical versions are unchanged point by point', () => {
    const result = compareVersions(base, base);
    assert.deepEqual(kindsById(result.points), {
      a: ['unchanged'],
      b: ['unchanged'],
      c: ['unchanged'],
      d: ['unchanged'],
    });
    assert.equal(result.summary.unchanged, 4);
    assert.equal(result.summary.changed, 0);
  });

  test('a renumbered point keeps its id and is reported renumbered, not changed', () => {
    // 'a' is dropped: b, c, d move up one number, same text.
    const proposal = renumber([base[1]!, base[2]!, base[3]!]);
    const result = compareVersions(base, proposal);
    assert.deepEqual(kindsById(result.points), {
      b: ['renumbered'],
      c: ['renumbered'],
      d: ['renumbered'],
      a: ['removed'],
    });
    const b = result.points.find((p) => p.pointId === 'b')!;
    assert.equal(b.baseNumber, 2);
    assert.equal(b.proposalNumber, 1);
  });

  test('a point moved before others is reported moved; the ones it jumped over are only renumbered', () => {
    const proposal = renumber([base[3]!, base[0]!, base[1]!, base[2]!]);
    const result = compareVersions(base, proposal);
    assert.deepEqual(kindsById(result.points), {
      d: ['moved'],
      a: ['renumbered'],
      b: ['renumbered'],
      c: ['renumbered'],
    });
    assert.equal(result.summary.moved, 1);
    assert.equal(result.summary.renumbered, 3);
  });

  test('a moved point whose text also changed is both moved and changed', () => {
    const proposal = renumber([{ ...base[3]!, text: 'New text of d.' }, base[0]!, base[1]!, base[2]!]);
    assert.deepEqual(kindsById(compareVersions(base, proposal).points).d, ['moved', 'changed']);
  });

  test('a new point is added, a dropped point removed, and the order is proposal first then removed in base order', () => {
    const proposal = [point('a', 1), point('new', 2), point('d', 3)];
    const result = compareVersions(base, proposal);
    assert.deepEqual(
      result.points.map((p) => p.pointId),
      ['a', 'new', 'd', 'b', 'c'],
    );
    assert.deepEqual(kindsById(result.points), {
      a: ['unchanged'],
      new: ['added'],
      d: ['renumbered'],
      b: ['removed'],
      c: ['removed'],
    });
    const added = result.points.find((p) => p.pointId === 'new')!;
    assert.deepEqual([added.baseNumber, added.proposalNumber, added.words], [null, 2, null]);
    const removed = result.points.find((p) => p.pointId === 'b')!;
    assert.deepEqual([removed.baseNumber, removed.proposalNumber, removed.words], [2, null, null]);
    assert.deepEqual(result.summary, {
      added: 1,
      removed: 2,
      moved: 0,
      renumbered: 1,
      changed: 0,
      merged: 0,
      split: 0,
      unchanged: 1,
    });
  });

  test('two points merged into one are reported merged, with where they came from and went, never removed', () => {
    // b and c become one new point m; a and d stay.
    const merged = point('m', 2, {
      title: 'Point b + Point c',
      text: 'Text of b.\n\nText of c.',
      derivedFrom: ['b', 'c'],
    });
    const proposal = renumber([base[0]!, merged, base[3]!]);
    const result = compareVersions(base, proposal);
    assert.deepEqual(kindsById(result.points), {
      a: ['unchanged'],
      m: ['merged'],
      d: ['renumbered'],
      b: ['merged'],
      c: ['merged'],
    });
    const m = result.points.find((p) => p.pointId === 'm')!;
    assert.deepEqual(m.from, ['b', 'c']);
    assert.equal(m.baseNumber, 2);
    assert.ok(
      m.words!.every((w) => w.kind === 'same'),
      'the merged text is the two texts, nothing lost',
    );
    assert.deepEqual(result.points.find((p) => p.pointId === 'b')!.into, ['m']);
    assert.deepEqual(result.points.find((p) => p.pointId === 'c')!.into, ['m']);
    assert.equal(result.summary.removed, 0);
    assert.equal(result.summary.added, 0);
  });

  test('a merge that keeps one of the ids reports the kept point merged and the other merged into it', () => {
    const kept = point('b', 2, { text: 'Text of b. Text of c.', derivedFrom: ['b', 'c'] });
    const proposal = renumber([base[0]!, kept, base[3]!]);
    const result = compareVersions(base, proposal);
    assert.deepEqual(kindsById(result.points), {
      a: ['unchanged'],
      b: ['merged', 'changed'],
      d: ['renumbered'],
      c: ['merged'],
    });
    assert.deepEqual(result.points.find((p) => p.pointId === 'c')!.into, ['b']);
  });

  test('a point split in two (keeping its id in the first part) reports both parts split from it', () => {
    const first = point('b', 2, { text: 'First half.' });
    const second = point('b2', 3, { text: 'Second half.', derivedFrom: ['b'] });
    const proposal = renumber([base[0]!, first, second, base[2]!, base[3]!]);
    const result = compareVersions(base, proposal);
    const kinds = kindsById(result.points);
    assert.deepEqual(kinds.b, ['split', 'changed']);
    assert.deepEqual(kinds.b2, ['split', 'changed']);
    assert.deepEqual(result.points.find((p) => p.pointId === 'b2')!.from, ['b']);
    assert.equal(result.summary.added, 0);
  });

  test('a point split into two new ones is reported split into them, not removed', () => {
    const one = point('x', 2, { text: 'Text of', derivedFrom: ['b'] });
    const two = point('y', 3, { text: 'b.', derivedFrom: ['b'] });
    const proposal = renumber([base[0]!, one, two, base[2]!, base[3]!]);
    const result = compareVersions(base, proposal);
    const b = result.points.find((p) => p.pointId === 'b')!;
    assert.deepEqual(b.kinds, ['split']);
    assert.deepEqual(b.into, ['x', 'y']);
    assert.deepEqual(kindsById(result.points).x, ['split', 'changed']);
    assert.equal(result.summary.removed, 0);
  });

  test('an origin that is no point of the base is ignored: the point is added', () => {
    const stray = point('z', 5, { derivedFrom: ['nowhere'] });
    const result = compareVersions(base, [...base, stray]);
    assert.deepEqual(kindsById(result.points).z, ['added']);
  });

  test('a changed text is reported changed with a word diff', () => {
    const before = [point('a', 1, { text: 'The army is capped at 600,000 troops.' })];
    const after = [point('a', 1, { text: 'The army is capped at 800,000 troops.' })];
    const [a] = compareVersions(before, after).points;
    assert.deepEqual(a!.kinds, ['changed']);
    assert.ok(a!.words!.some((w) => w.kind === 'removed' && w.text.includes('600')));
    assert.ok(a!.words!.some((w) => w.kind === 'added' && w.text.includes('800')));
  });

  test('a changed title alone is reported changed', () => {
    const [a] = compareVersions([point('a', 1, { title: 'Army' })], [point('a', 1, { title: 'Armed forces' })]).points;
    assert.deepEqual(a!.kinds, ['changed']);
    assert.deepEqual([a!.baseTitle, a!.proposalTitle], ['Army', 'Armed forces']);
  });

  test('points are compared on their rendered text: a changed bracket alternative is a change, a renamed bracket id is not', () => {
    const before = point('a', 1, { text: 'Cap: [[x]].', brackets: [bracket('x', '600,000', '800,000')] });
    const newAlternative = { ...before, brackets: [bracket('x', '600,000', 'no cap')] };
    const renamedId = { ...before, text: 'Cap: [[y]].', brackets: [bracket('y', '600,000', '800,000')] };
    assert.deepEqual(compareVersions([before], [newAlternative]).points[0]!.kinds, ['changed']);
    assert.deepEqual(compareVersions([before], [renamedId]).points[0]!.kinds, ['unchanged']);
  });

  test('a point matched by id is compared even when its title and number both differ', () => {
    const result = compareVersions(
      [point('a', 1, { title: 'Old' }), point('b', 2)],
      [point('b', 1), point('a', 2, { title: 'New' })],
    );
    // One of the two swapped points is moved; whichever it is, 'a' is also changed and nothing is added or removed.
    assert.equal(result.summary.added + result.summary.removed, 0);
    assert.equal(result.summary.moved, 1);
    assert.ok(kindsById(result.points).a!.includes('changed'));
  });
});

describe('wordDiff', () => {
  test('word diff marks removed and added words and keeps the rest', () => {
    const changes = wordDiff('Ukraine will not join NATO', 'Ukraine will join NATO later');
    assert.deepEqual(
      changes.filter((c) => c.kind === 'removed').map((c) => c.text.trim()),
      ['not'],
    );
    assert.deepEqual(
      changes.filter((c) => c.kind === 'added').map((c) => c.text.trim()),
      ['later'],
    );
    // Reassembling the kept and removed runs gives the base, the kept and added runs the proposal
    // (up to whitespace: jsdiff's diffWords ignores whitespace and kept runs carry the proposal's).
    const words = (kinds: string[]) =>
      changes
        .filter((c) => kinds.includes(c.kind))
        .map((c) => c.text)
        .join('')
        .replace(/\s+/g, ' ')
        .trim();
    assert.equal(words(['same', 'removed']), 'Ukraine will not join NATO');
    assert.equal(words(['same', 'added']), 'Ukraine will join NATO later');
  });

  test('adjacent runs of one kind are merged', () => {
    const changes = wordDiff('a b c', 'x y z');
    for (let i = 1; i < changes.length; i++) assert.notEqual(changes[i]!.kind, changes[i - 1]!.kind);
  });

  test('equal texts give one kept run', () => {
    assert.deepEqual(wordDiff('same text', 'same text'), [{ kind: 'same', text: 'same text' }]);
  });
});
