import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  carryProvenance,
  originalProvenance,
  redactProvenance,
  redactVersionProvenance,
  type Origin,
} from '../../src/core/provenance.ts';
import type { ProvenanceSpan, VersionProvenance } from '../../src/core/model.ts';
import { point } from './builders.ts';

type TextPoint = { id: string; title: string; text: string };

/** The origin of each character, from spans. */
function perChar(spans: ProvenanceSpan[]): Origin[] {
  return spans.flatMap(({ start, end, ...origin }) => new Array<Origin>(end - start).fill(origin));
}

/** Spans cover [0, length) in order, once, with no empty span and no two adjacent spans of one origin. */
function assertCovers(spans: ProvenanceSpan[], length: number): void {
  let at = 0;
  spans.forEach((span, i) => {
    assert.equal(span.start, at, 'no gap, no overlap');
    assert.ok(span.end > span.start, 'no empty span');
    const previous = spans[i - 1];
    if (previous) {
      const { start: _a, end: _b, ...p } = previous;
      const { start: _c, end: _d, ...o } = span;
      assert.notDeepEqual(p, o, 'adjacent spans of one origin are merged');
    }
    at = span.end;
  });
  assert.equal(at, length, 'every character is covered');
}

function assertVersionCovered(points: TextPoint[], provenance: VersionProvenance): void {
  assert.deepEqual(Object.keys(provenance).sort(), points.map((p) => p.id).sort());
  for (const p of points) {
    assertCovers(provenance[p.id]!.title, p.title.length);
    assertCovers(provenance[p.id]!.text, p.text.length);
  }
}

const v1Points = [point('p1', 1, { title: 'Forces', text: 'The armed forces are capped at 600,000.' })];
const v1 = originalProvenance({ id: 'v1', roundId: 'r1', points: v1Points });
const from = (versionId: string, roundId: string | null, extra: Partial<Origin> = {}): Origin => ({
  versionId,
  amendmentId: null,
  partyId: null,
  roundId,
  ...extra,
});

describe('originalProvenance', () => {
  test('every character comes from the version', () => {
    assert.deepEqual(v1.p1!.text, [{ start: 0, end: 39, ...from('v1', 'r1') }]);
    assertVersionCovered(v1Points, v1);
  });
  test('an empty field has no span', () => {
    assert.deepEqual(originalProvenance({ id: 'v', points: [point('p', 1, { title: '' })] }).p!.title, []);
  });
});

describe('carryProvenance', () => {
  const next = (text: string, attributions = [] as Parameters<typeof carryProvenance>[2], budget?: number) =>
    carryProvenance(
      { points: v1Points, provenance: v1 },
      { points: [{ ...v1Points[0]!, text }], versionId: 'v2', roundId: 'r2' },
      attributions,
      budget,
    );

  test('unchanged characters keep their origin; the new words get the new version’s', () => {
    const text = 'The armed forces of Ukraine are capped at 800,000.';
    const spans = next(text).p1!.text;
    assertCovers(spans, text.length);
    const origins = perChar(spans);
    assert.deepEqual(origins[0], from('v1', 'r1'));
    assert.deepEqual(origins[text.indexOf('Ukraine')], from('v2', 'r2'));
    assert.deepEqual(origins[text.indexOf('capped')], from('v1', 'r1'));
    assert.deepEqual(origins[text.indexOf('800')], from('v2', 'r2'));
    assert.deepEqual(origins[text.length - 1], from('v1', 'r1'), 'the final full stop stays');
    assert.deepEqual(next(text).p1!.title, v1.p1!.title, 'an untouched title keeps its spans');
  });

  test('characters an amendment brought carry the amendment and its party', () => {
    const text = 'The armed forces of Ukraine are capped at 600,000.';
    const start = text.indexOf('of Ukraine');
    const spans = next(text, [
      { pointId: 'p1', field: 'text', start, end: start + 'of Ukraine '.length, amendmentId: 'am-1', partyId: 'ua' },
      // An attribution over unchanged words does not take them from their origin.
      { pointId: 'p1', field: 'text', start: 0, end: 3, amendmentId: 'am-2', partyId: 'ru' },
    ]).p1!.text;
    assertCovers(spans, text.length);
    const origins = perChar(spans);
    assert.deepEqual(origins[start], from('v2', 'r2', { amendmentId: 'am-1', partyId: 'ua' }));
    assert.deepEqual(origins[0], from('v1', 'r1'));
    assert.ok(!spans.some((s) => s.amendmentId === 'am-2'));
  });

  test('a point made by merging two carries the language of both', () => {
    const a = point('a', 1, { title: 'A', text: 'Sanctions are lifted in stages.' });
    const b = point('b', 2, { title: 'B', text: 'Frozen assets are invested in reconstruction.' });
    const before = carryProvenance(
      { points: [a], provenance: originalProvenance({ id: 'v1', roundId: null, points: [a] }) },
      { points: [a, b], versionId: 'v2', roundId: null },
    );
    const merged = point('c', 1, { title: 'Sanctions and assets', text: `${a.text} ${b.text}` });
    const result = carryProvenance(
      { points: [a, b], provenance: before },
      { points: [merged], versionId: 'v3', roundId: null, derivedFrom: { c: ['a', 'b'] } },
    );
    assertVersionCovered([merged], result);
    const origins = perChar(result.c!.text);
    assert.equal(origins[0]!.versionId, 'v1');
    assert.equal(origins[merged.text.indexOf('Frozen')]!.versionId, 'v2');
    assert.equal(origins[merged.text.indexOf('Frozen') - 1]!.versionId, 'v3', 'the joining space is new');
  });

  test('a point with no source is new; a point that went leaves no provenance', () => {
    const fresh = point('p9', 1, { title: 'New', text: 'Entirely new.' });
    const result = carryProvenance(
      { points: v1Points, provenance: v1 },
      { points: [fresh], versionId: 'v2', roundId: null },
    );
    assert.deepEqual(Object.keys(result), ['p9']);
    assert.deepEqual(result.p9!.text, [{ start: 0, end: 13, ...from('v2', null) }]);
  });

  test('beyond the budget the changed middle is new, the common beginning and end keep their origin', () => {
    const text = 'The armed forces of Ukraine are capped at 800,000.';
    const origins = perChar(next(text, [], 0).p1!.text);
    assert.deepEqual(origins[0], from('v1', 'r1'));
    assert.deepEqual(origins[text.indexOf('capped')], from('v2', 'r2'), 'not diffed: treated as new');
    assert.deepEqual(origins[text.length - 1], from('v1', 'r1'));
  });
});

describe('redactProvenance', () => {
  const spans: ProvenanceSpan[] = [
    { start: 0, end: 4, ...from('v1', null) },
    { start: 4, end: 9, ...from('v2', 'r2') },
    { start: 9, end: 15, ...from('v2', 'r2', { amendmentId: 'am-secret', partyId: 'ua' }) },
    { start: 15, end: 20, ...from('v2', 'r2') },
    { start: 20, end: 22, ...from('v2', 'r2', { amendmentId: 'am-known', partyId: 'us' }) },
  ];

  test('an amendment the reader may not know of reads as the version’s own, bounds included', () => {
    const seen = redactProvenance(spans, (id) => id === 'am-known');
    assert.deepEqual(seen, [
      { start: 0, end: 4, ...from('v1', null) },
      { start: 4, end: 20, ...from('v2', 'r2') },
      { start: 20, end: 22, ...from('v2', 'r2', { amendmentId: 'am-known', partyId: 'us' }) },
    ]);
    assert.doesNotMatch(JSON.stringify(seen), /am-secret|"ua"/);
  });

  test('the version’s own party may be restored so that the redacted run merges with it', () => {
    const own = spans.map((s) => (s.versionId === 'v2' && s.amendmentId === null ? { ...s, partyId: 'eu' } : s));
    const seen = redactVersionProvenance(
      { p: { title: [], text: own } },
      () => false,
      (v) => (v === 'v2' ? 'eu' : null),
    );
    assert.equal(seen.p!.text.length, 2);
  });
});

describe('provenance through random chains of edits (property)', () => {
  const edit = fc.record({
    field: fc.constantFrom('title' as const, 'text' as const),
    at: fc.nat(),
    remove: fc.nat({ max: 12 }),
    insert: fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'c'), maxLength: 12 }),
    amend: fc.boolean(),
  });
  const initial = fc.string({ unit: fc.constantFrom('a', 'b', ' '), maxLength: 40 });

  test('every character of every version is covered exactly once, in order', () => {
    fc.assert(
      fc.property(initial, initial, fc.array(edit, { maxLength: 8 }), fc.boolean(), (title, text, edits, poor) => {
        let points: TextPoint[] = [{ id: 'p', title, text }];
        let provenance = originalProvenance({ id: 'v0', points });
        edits.forEach((e, i) => {
          const old = points[0]![e.field];
          const at = e.at % (old.length + 1);
          const changed = old.slice(0, at) + e.insert + old.slice(at + e.remove);
          const nextPoints = [{ ...points[0]!, [e.field]: changed }];
          const attributions = e.amend
            ? [
                {
                  pointId: 'p',
                  field: e.field,
                  start: at,
                  end: at + e.insert.length,
                  amendmentId: `am-${i}`,
                  partyId: 'x',
                },
              ]
            : [];
          const before = new Set(
            Object.values(provenance.p!)
              .flat()
              .map((s) => s.versionId),
          );
          provenance = carryProvenance(
            { points, provenance },
            { points: nextPoints, versionId: `v${i + 1}`, roundId: null },
            attributions,
            poor ? 0 : undefined,
          );
          points = nextPoints;
          assertVersionCovered(points, provenance);
          for (const s of [...provenance.p!.title, ...provenance.p!.text])
            assert.ok(s.versionId === `v${i + 1}` || before.has(s.versionId), 'an origin comes from the history');
        });
      }),
    );
  });

  test('characters outside an edit keep their origin; the inserted ones are new', () => {
    const origins = fc.array(fc.constantFrom('v0', 'v1', 'v2'), { minLength: 60, maxLength: 60 });
    fc.assert(
      fc.property(initial, origins, edit, (text, versions, e) => {
        // Old characters carry several origins; the inserted ones use letters the old text has not.
        const old = perChar([...text].map((_, i) => ({ start: i, end: i + 1, ...from(versions[i]!, null) })));
        const oldSpans = old.map((o, i) => ({ start: i, end: i + 1, ...o }));
        const insert = e.insert.replace(/[ab c]/g, 'X') || 'Y';
        const at = e.at % (text.length + 1);
        const removed = Math.min(e.remove, text.length - at);
        const changed = text.slice(0, at) + insert + text.slice(at + removed);
        const result = carryProvenance(
          { points: [{ id: 'p', title: '', text }], provenance: { p: { title: [], text: oldSpans } } },
          { points: [{ id: 'p', title: '', text: changed }], versionId: 'new', roundId: null },
        );
        const now = perChar(result.p!.text);
        for (let i = 0; i < at; i++) assert.deepEqual(now[i], old[i]);
        for (let i = 0; i < insert.length; i++) assert.equal(now[at + i]!.versionId, 'new');
        for (let i = at + removed; i < text.length; i++) assert.deepEqual(now[i - removed + insert.length], old[i]);
      }),
    );
  });

  test('a version that changes nothing keeps the provenance it had', () => {
    fc.assert(
      fc.property(initial, initial, (title, text) => {
        const points = [{ id: 'p', title, text }];
        const provenance = originalProvenance({ id: 'v0', points });
        assert.deepEqual(
          carryProvenance({ points, provenance }, { points, versionId: 'v1', roundId: 'r' }),
          provenance,
        );
      }),
    );
  });
});
