import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { documentProblems, placeholderIds, renderBracket, renderPointText, renumber } from '../../src/core/document.ts';
import { bracket, point } from './builders.ts';

describe('placeholderIds', () => {
  test('finds the bracket ids a text refers to, in order, and ignores single brackets and spaces', () => {
    assert.deepEqual(placeholderIds('Ukraine [[b2]] and [[b1]], [not a placeholder], [[with space]], [[b2]].'), [
      'b2',
      'b1',
      'b2',
    ]);
    assert.deepEqual(placeholderIds('no brackets at all'), []);
  });
});

describe('documentProblems', () => {
  test('a valid document has no problems', () => {
    const points = [
      point('p1', 1),
      point('p2', 2, { text: 'The army is capped at [[army]].', brackets: [bracket('army', '600,000', '800,000')] }),
    ];
    assert.deepEqual(documentProblems(points), []);
  });

  test('a point id used twice is reported', () => {
    const problems = documentProblems([point('p1', 1), point('p1', 2)]);
    assert.deepEqual(
      problems.map((p) => p.path),
      ['points[1].id'],
    );
    assert.match(problems[0]!.message, /point id "p1" appears twice/);
  });

  test('points must be numbered 1..n in order', () => {
    const problems = documentProblems([point('p1', 1), point('p3', 3), point('p2', 2)]);
    assert.deepEqual(
      problems.map((p) => p.path),
      ['points[1].number', 'points[2].number'],
    );
    assert.match(problems[0]!.message, /numbered 3 but stands at position 2/);
  });

  test('placeholders without a bracket are reported', () => {
    const problems = documentProblems([point('p1', 1, { text: 'Sanctions are lifted [[when]].' })]);
    assert.deepEqual(problems, [
      { path: 'points[0].text', message: 'the text refers to [[when]] but point "p1" has no bracket with that id' },
    ]);
  });

  test('a bracket whose placeholder is missing from the text is reported', () => {
    const problems = documentProblems([
      point('p1', 1, { text: 'No placeholder here.', brackets: [bracket('b1', 'A', 'B')] }),
    ]);
    assert.deepEqual(
      problems.map((p) => p.path),
      ['points[0].brackets[0]'],
    );
    assert.match(problems[0]!.message, /found 0 times/);
  });

  test('a bracket placed twice in its text is reported', () => {
    const problems = documentProblems([
      point('p1', 1, { text: '[[b1]] and again [[b1]]', brackets: [bracket('b1', 'A', 'B')] }),
    ]);
    assert.deepEqual(
      problems.map((p) => p.path),
      ['points[0].brackets[0]'],
    );
    assert.match(problems[0]!.message, /found 2 times/);
  });

  test('a bracket with a single alternative is reported', () => {
    const problems = documentProblems([point('p1', 1, { text: 'X [[b1]]', brackets: [bracket('b1', 'only')] })]);
    assert.deepEqual(
      problems.map((p) => p.path),
      ['points[0].brackets[0].alternatives'],
    );
  });

  test('a bracket id used twice in one point is reported', () => {
    const problems = documentProblems([
      point('p1', 1, { text: '[[b1]]', brackets: [bracket('b1', 'A', 'B'), bracket('b1', 'C', 'D')] }),
    ]);
    assert.ok(
      problems.some((p) => p.path === 'points[0].brackets[1].id' && /bracket id "b1" appears twice/.test(p.message)),
      JSON.stringify(problems),
    );
  });

  test('the same bracket id may be used in two different points', () => {
    const points = [
      point('p1', 1, { text: '[[b]]', brackets: [bracket('b', 'A', 'B')] }),
      point('p2', 2, { text: '[[b]]', brackets: [bracket('b', 'C', 'D')] }),
    ];
    assert.deepEqual(documentProblems(points), []);
  });
});

describe('renumber', () => {
  test('renumbering numbers points 1..n in their order and keeps their ids', () => {
    const dropped = [point('p1', 1), point('p3', 3), point('p7', 7)];
    const renumbered = renumber(dropped);
    assert.deepEqual(
      renumbered.map((p) => [p.id, p.number]),
      [
        ['p1', 1],
        ['p3', 2],
        ['p7', 3],
      ],
    );
    assert.deepEqual(
      dropped.map((p) => p.number),
      [1, 3, 7],
      'the input is not changed',
    );
    assert.deepEqual(documentProblems(renumbered), []);
  });
});

describe('rendering brackets', () => {
  test('a bracket renders UN-style as [A] / [B]', () => {
    assert.equal(renderBracket(bracket('b', '600,000', '800,000', 'no cap')), '[600,000] / [800,000] / [no cap]');
  });

  test("a point's text renders its brackets in place and leaves unknown placeholders as written", () => {
    const p = point('p1', 1, {
      text: 'The army is capped at [[army]] troops; [[ghost]] stays.',
      brackets: [bracket('army', '600,000', '800,000')],
    });
    assert.equal(renderPointText(p), 'The army is capped at [600,000] / [800,000] troops; [[ghost]] stays.');
  });

  test('alternatives containing $ patterns are written literally', () => {
    const p = point('p1', 1, { text: 'Pay [[sum]].', brackets: [bracket('sum', '$& 100bn', '$1 frozen')] });
    assert.equal(renderPointText(p), 'Pay [$& 100bn] / [$1 frozen].');
  });
});
