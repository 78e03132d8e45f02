import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bracketHistory, openBracketCounts, type ChainVersion } from '../../src/core/brackets.ts';
import type { Bracket, BracketClosure, Point } from '../../src/core/model.ts';
import { bracket, point } from './builders.ts';

const army = bracket('br-army', '600,000', '800,000');
const land = bracket('br-land', 'frozen along the line of contact', 'ceded');
const v = (id: string, points: Point[], roundId: string | null = null): ChainVersion => ({ id, roundId, points });
const p6 = (text: string, brackets: Bracket[]) => point('pt-6', 6, { text, brackets });

describe('bracketHistory', () => {
  const v1 = v('v1', [p6('The army is capped at [[br-army]] and Donetsk is [[br-land]].', [army, land])], 'r1');

  test('a bracket replaced by one alternative closed with that choice, in the version and round that did it', () => {
    const v2 = v('v2', [p6('The army is capped at 800,000 and Donetsk is [[br-land]].', [land])], 'r2');
    const [armyLife, landLife] = bracketHistory([v1, v2]);
    assert.deepEqual(armyLife, {
      bracketId: 'br-army',
      opened: { versionId: 'v1', roundId: 'r1', pointId: 'pt-6' },
      alternatives: [{ versionId: 'v1', roundId: 'r1', alternatives: army.alternatives }],
      closed: { versionId: 'v2', roundId: 'r2', pointId: 'pt-6', how: { chosen: 1 } },
    });
    assert.equal(landLife!.closed, null, 'still open at the end of the chain');
  });

  test('several brackets closed at once, one chosen and one dropped', () => {
    const v2 = v('v2', [p6('The army is capped at 600,000 and Donetsk is .', [])]);
    const closures = bracketHistory([v1, v2]).map((life) => life.closed?.how);
    assert.deepEqual(closures, [{ chosen: 0 }, { dropped: true }]);
  });

  test('the choice is read at its place even when the rest of the point was edited', () => {
    const v2 = v('v2', [p6('Article 6. The army of Ukraine is capped at 600,000 and Donetsk is [[br-land]]', [land])]);
    assert.deepEqual(bracketHistory([v1, v2])[0]!.closed?.how, { chosen: 0 });
  });

  test('other wording at its place is unknown, not a choice', () => {
    const v2 = v('v2', [p6('The army is capped at 700,000 and Donetsk is [[br-land]].', [land])]);
    assert.deepEqual(bracketHistory([v1, v2])[0]!.closed?.how, { unknown: true });
  });

  test('a bracket whose point went is dropped; one moved into another point is still open', () => {
    const moved = point('pt-9', 1, { text: 'Forces: [[br-army]].', brackets: [army] });
    const history = bracketHistory([v1, v('v2', [moved])]);
    assert.equal(history[0]!.closed, null);
    assert.deepEqual(history[1]!.closed, { versionId: 'v2', roundId: null, pointId: 'pt-6', how: { dropped: true } });
    assert.deepEqual(bracketHistory([v1, v('v2', [moved]), v('v3', [])])[0]!.closed?.pointId, 'pt-9');
  });

  test('alternatives are recorded when they change, not when they stay', () => {
    const widened = bracket('br-army', '600,000', '800,000', 'no cap');
    const proposed: Bracket = {
      id: 'br-army',
      alternatives: widened.alternatives.map((a, i) => (i === 2 ? { ...a, proposedBy: ['ru'] } : a)),
    };
    const text = 'The army is capped at [[br-army]] and Donetsk is [[br-land]].';
    const chain = [
      v1,
      v('v2', [p6(text, [army, land])]),
      v('v3', [p6(text, [widened, land])]),
      v('v4', [p6(text, [proposed, land])]),
    ];
    assert.deepEqual(
      bracketHistory(chain)[0]!.alternatives.map((a) => [a.versionId, a.alternatives.length]),
      [
        ['v1', 2],
        ['v3', 3],
        ['v4', 3],
      ],
    );
  });

  test('a bracket id that comes back starts a new life', () => {
    const v2 = v('v2', [p6('The army is capped at 600,000 and Donetsk is [[br-land]].', [land])]);
    const lives = bracketHistory([v1, v2, v1]).filter((life) => life.bracketId === 'br-army');
    assert.equal(lives.length, 2);
    assert.deepEqual(lives[1]!.opened, { versionId: 'v1', roundId: 'r1', pointId: 'pt-6' });
  });
});

describe('openBracketCounts', () => {
  test('counts the brackets open in each version, in chain order', () => {
    const chain = [
      v('v1', [p6('[[br-army]] [[br-land]]', [army, land]), point('pt-7', 7)], 'r1'),
      v('v2', [p6('600,000 [[br-land]]', [land])]),
      v('v3', [p6('600,000 ceded', [])], 'r3'),
    ];
    assert.deepEqual(openBracketCounts(chain), [
      { versionId: 'v1', roundId: 'r1', open: 2 },
      { versionId: 'v2', roundId: null, open: 1 },
      { versionId: 'v3', roundId: 'r3', open: 0 },
    ]);
  });
});

describe('bracket lives through random rounds (property)', () => {
  // A point of literal pieces and brackets; each round keeps, chooses or drops each open bracket.
  type Action = { keep: true } | { chosen: number } | { dropped: true };
  const piece = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '.'), maxLength: 6 });
  const action: fc.Arbitrary<Action> = fc.oneof(
    fc.constant({ keep: true as const }),
    fc.nat({ max: 2 }).map((chosen) => ({ chosen })),
    fc.constant({ dropped: true as const }),
  );
  const alternativesFor = (id: string) =>
    bracket(id, `${id} first`, `${id} second one`, `${id} third`).alternatives.map((a, i) => ({
      ...a,
      text: i === 1 ? `Q ${id} two` : a.text.replace(id, `Q${id}`),
    }));

  test('each bracket closes with what was done to it, and the counts follow', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 2, maxLength: 6 }),
        fc.array(fc.array(action, { maxLength: 6 }), { maxLength: 4 }),
        (pieces, rounds) => {
          const ids = pieces.slice(1).map((_, i) => `b${i}`);
          const brackets = new Map(ids.map((id) => [id, { id, alternatives: alternativesFor(id) } as Bracket]));
          let wording = new Map<string, string | null>(ids.map((id) => [id, null])); // null: still a placeholder
          const render = () =>
            pieces.reduce(
              (text, p, i) => (i === 0 ? p : `${text}${wording.get(ids[i - 1]!) ?? `[[${ids[i - 1]}]]`}${p}`),
              '',
            );
          const chain: ChainVersion[] = [];
          const expected = new Map<string, { version: string; how: BracketClosure }>();
          const snapshot = (id: string) =>
            chain.push(
              v(id, [
                point('p', 1, {
                  text: render(),
                  brackets: ids.filter((b) => wording.get(b) === null).map((b) => brackets.get(b)!),
                }),
              ]),
            );
          snapshot('v0');
          rounds.forEach((acts, r) => {
            wording = new Map(wording);
            ids.forEach((id, i) => {
              const act = acts[i] ?? { keep: true };
              if (wording.get(id) !== null || 'keep' in act) return;
              const how: BracketClosure = act;
              wording.set(id, 'chosen' in act ? brackets.get(id)!.alternatives[act.chosen]!.text : '');
              expected.set(id, { version: `v${r + 1}`, how });
            });
            snapshot(`v${r + 1}`);
          });
          const history = bracketHistory(chain);
          assert.equal(history.length, ids.length);
          for (const life of history) {
            const want = expected.get(life.bracketId);
            if (!want) assert.equal(life.closed, null);
            else assert.deepEqual([life.closed?.versionId, life.closed?.how], [want.version, want.how]);
          }
          const counts = openBracketCounts(chain);
          chain.forEach((version, i) => {
            const open = history.filter((l) => l.closed === null || Number(l.closed.versionId.slice(1)) > i).length;
            assert.equal(counts[i]!.open, open, `version ${version.id}`);
          });
        },
      ),
    );
  });
});
