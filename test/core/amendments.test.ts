import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { documentProblems } from '../../src/core/document.ts';
import { DomainError } from '../../src/core/errors.ts';
import { TEXT_LIMITS } from '../../src/core/limits.ts';
import type { Id, Point } from '../../src/core/model.ts';
import {
  type AmendmentChange,
  type AmendmentLike,
  type DeleteChange,
  type InsertChange,
  type ReplaceChange,
  amendmentChangeSchema,
  checkAnchor,
  consolidate,
  findConflicts,
  mapOffset,
  reanchor,
} from '../../src/core/amendments.ts';
import { bracket, point } from './builders.ts';

// Replays a failing run: FC_SEED=<the seed fast-check printed> node scripts/test.js core/amendments
if (process.env.FC_SEED) fc.configureGlobal({ seed: Number(process.env.FC_SEED) });

const TEXT = 'A ceasefire takes effect on [[br-date]] along the line of contact.';
const points: Point[] = [
  point('pt-1', 1, { title: 'Sovereignty', text: 'Sovereignty is confirmed.' }),
  point('pt-2', 2, { title: 'Ceasefire', text: TEXT, brackets: [bracket('br-date', '1 December', '1 January')] }),
  point('pt-3', 3, { title: 'Army', text: 'The army is capped at 600,000.' }),
];
const span = (quote: string) => ({ start: TEXT.indexOf(quote), end: TEXT.indexOf(quote) + quote.length, quote });
const replace = (quote: string, text: string): ReplaceChange => ({
  kind: 'replace',
  pointId: 'pt-2',
  field: 'text',
  ...span(quote),
  text,
});
const newPointId = (amendmentId: Id) => `new-${amendmentId}`;

/** The DomainError a function throws: its field and message. */
function refusal(run: () => unknown): { field: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof DomainError, `expected a DomainError, got ${String(error)}`);
    assert.equal(error.kind, 'invalid');
    return { field: error.field, message: error.message };
  }
  assert.fail('expected the change to be refused');
}

describe('the change schema', () => {
  test('accepts each kind, and refuses an unknown kind or a negative offset', () => {
    for (const change of [
      replace('ceasefire', 'truce'),
      { kind: 'insert', pointId: 'pt-2', field: 'title', at: 0, text: 'Full ' },
      { kind: 'delete', pointId: 'pt-2', field: 'text', start: 0, end: 2, quote: 'A ' },
      { kind: 'addPoint', afterPointId: null, title: 'Preamble', text: 'The parties…' },
      { kind: 'deletePoint', pointId: 'pt-3', quote: 'Army' },
    ])
      assert.ok(amendmentChangeSchema.safeParse(change).success, JSON.stringify(change));
    assert.equal(amendmentChangeSchema.safeParse({ kind: 'rewrite', pointId: 'pt-2' }).success, false);
    assert.equal(amendmentChangeSchema.safeParse({ ...replace('ceasefire', 'truce'), start: -1 }).success, false);
  });
});

describe('checkAnchor', () => {
  test('a replacement whose quote is what the text holds passes', () => {
    checkAnchor(points, replace('ceasefire', 'truce'));
    checkAnchor(points, replace('on [[br-date]] along', 'from [[br-date]], along'));
  });

  const refusals: [string, AmendmentChange, string, RegExp][] = [
    [
      'an unknown point',
      { ...replace('ceasefire', 'truce'), pointId: 'pt-9' },
      'change.pointId',
      /there is no point "pt-9" in this version/,
    ],
    [
      'an offset beyond the text',
      { ...replace('ceasefire', 'truce'), end: 500 },
      'change.end',
      /point 2's text has 66 characters, so an offset runs from 0 to 66; end is 500/,
    ],
    [
      'a span that ends before it starts',
      { ...replace('ceasefire', 'truce'), start: 11, end: 2 },
      'change.end',
      /the span ends \(at 2\) before it starts \(at 11\)/,
    ],
    [
      'a quote that is not what the text holds, saying what it holds',
      { ...replace('ceasefire', 'truce'), quote: 'armistice' },
      'change.quote',
      /the quoted text “armistice” is not what point 2's text holds at 2–11: it holds “ceasefire”/,
    ],
    [
      'an empty replacement span',
      { kind: 'delete', pointId: 'pt-2', field: 'text', start: 3, end: 3, quote: '' },
      'change.end',
      /the span 3–3 of point 2's text is empty: a delete takes at least one character; .*send an insert/,
    ],
    [
      'a replacement that changes nothing',
      replace('ceasefire', 'ceasefire'),
      'change.text',
      /the replacement would change nothing/,
    ],
    [
      'an empty insertion',
      { kind: 'insert', pointId: 'pt-2', field: 'text', at: 2, text: '' },
      'change.text',
      /the insertion is empty and would change nothing/,
    ],
    [
      'an insertion whose context is not what the text holds',
      { kind: 'insert', pointId: 'pt-2', field: 'text', at: 2, text: 'full ', before: 'An ' },
      'change.before',
      /the text just before offset 2 of point 2's text is “A ”, not “An ”/,
    ],
    [
      'a deletion of a point quoting another title',
      { kind: 'deletePoint', pointId: 'pt-3', quote: 'Ceasefire' },
      'change.quote',
      /point 3 is titled “Army”, not “Ceasefire”; quote the title of the point to delete/,
    ],
    [
      'a point added after an unknown point',
      { kind: 'addPoint', afterPointId: 'pt-9', title: 'New', text: 'Words.' },
      'change.afterPointId',
      /there is no point "pt-9" in this version to put the new point after/,
    ],
    [
      'an empty new point',
      { kind: 'addPoint', afterPointId: null, title: '', text: '' },
      'change.text',
      /the new point has neither a title nor a text/,
    ],
    [
      'a new point that holds a placeholder',
      { kind: 'addPoint', afterPointId: null, title: 'New', text: 'On [[br-date]].' },
      'change.text',
      /a new point has no brackets, but its text holds \[\[br-date\]\]/,
    ],
  ];
  for (const [what, change, field, message] of refusals)
    test(`refuses ${what}, naming the field`, () => {
      const got = refusal(() => checkAnchor(points, change));
      assert.equal(got.field, field);
      assert.match(got.message, message);
    });

  test('a long quote is shortened in the message, keeping both ends', () => {
    const long = point('pt-1', 1, { text: 'x'.repeat(200) });
    const got = refusal(() =>
      checkAnchor([long], {
        kind: 'delete',
        pointId: 'pt-1',
        field: 'text',
        start: 0,
        end: 200,
        quote: 'y'.repeat(200),
      }),
    );
    assert.match(got.message, /“y{29}…y{29}” is not what point 1's text holds at 0–200: it holds “x{29}…x{29}”/);
  });

  test('the field path is the one given, for a change inside a request', () => {
    const got = refusal(() => checkAnchor(points, replace('ceasefire', 'ceasefire'), 'amendments[3].change'));
    assert.equal(got.field, 'amendments[3].change.text');
  });

  test('an offset between the two halves of a character is refused', () => {
    const flagged = point('pt-1', 1, { text: 'Flag 🇺🇦 here' });
    const got = refusal(() =>
      checkAnchor([flagged], { kind: 'insert', pointId: 'pt-1', field: 'text', at: 6, text: 'x' }),
    );
    assert.equal(got.field, 'change.at');
    assert.match(got.message, /offset 6 falls inside a character of point 1's text/);
  });

  test('a span with the point number too high for the title is checked against the title', () => {
    const got = refusal(() =>
      checkAnchor(points, { kind: 'insert', pointId: 'pt-2', field: 'title', at: 10, text: ' now' }),
    );
    assert.match(got.message, /point 2's title has 9 characters/);
  });
});

describe('checkAnchor and bracket placeholders', () => {
  const placeholder = span('[[br-date]]');

  test('a span that cuts through a placeholder is refused at either end, saying where the bracket is', () => {
    for (const [start, end, field] of [
      [placeholder.start + 3, placeholder.end, 'change.start'],
      [placeholder.start - 3, placeholder.start + 2, 'change.end'],
    ] as const) {
      const got = refusal(() =>
        checkAnchor(points, {
          kind: 'delete',
          pointId: 'pt-2',
          field: 'text',
          start,
          end,
          quote: TEXT.slice(start, end),
        }),
      );
      assert.equal(got.field, field);
      assert.match(
        got.message,
        new RegExp(
          `falls inside the bracket \\[\\[br-date\\]\\] \\(characters ${placeholder.start}–${placeholder.end} of point 2's text\\): a bracket is amended as a whole or not at all; move the offset to ${placeholder.start} or ${placeholder.end}`,
        ),
      );
    }
  });

  test('an insertion inside a placeholder is refused', () => {
    const got = refusal(() =>
      checkAnchor(points, { kind: 'insert', pointId: 'pt-2', field: 'text', at: placeholder.start + 1, text: 'x' }),
    );
    assert.equal(got.field, 'change.at');
    assert.match(got.message, /inside the bracket \[\[br-date\]\]/);
  });

  test('a whole placeholder may be deleted, or moved inside the span that holds it', () => {
    checkAnchor(points, replace('on [[br-date]]', 'soon'));
    checkAnchor(points, replace('on [[br-date]] along', 'along [[br-date]] on'));
  });

  test('a new text may not repeat a bracket that stands outside the span, nor name one the point lacks', () => {
    const twice = refusal(() => checkAnchor(points, replace('ceasefire', 'ceasefire [[br-date]]')));
    assert.equal(twice.field, 'change.text');
    assert.match(twice.message, /would hold the bracket \[\[br-date\]\] twice/);
    const unknown = refusal(() => checkAnchor(points, replace('ceasefire', 'ceasefire [[br-new]]')));
    assert.match(
      unknown.message,
      /would hold \[\[br-new\]\], which is not one of its brackets: an amendment cannot open a bracket/,
    );
  });

  test('a placeholder made at the junction of old and new words is refused', () => {
    const odd = point('pt-1', 1, { text: 'Ends br-x]] here' });
    const got = refusal(() =>
      checkAnchor([odd], { kind: 'insert', pointId: 'pt-1', field: 'text', at: 5, text: '[[' }),
    );
    assert.match(got.message, /would hold \[\[br-x\]\], which is not one of its brackets/);
  });

  test('consolidation drops the bracket whose placeholder was deleted, and keeps the one that moved', () => {
    const dropped = consolidate(points, [{ id: 'a1', change: replace('on [[br-date]]', 'soon') }], { newPointId });
    assert.equal(dropped.points[1]!.text, 'A ceasefire takes effect soon along the line of contact.');
    assert.deepEqual(dropped.points[1]!.brackets, []);
    const moved = consolidate(points, [{ id: 'a1', change: replace('on [[br-date]] along', 'along [[br-date]] on') }], {
      newPointId,
    });
    assert.equal(moved.points[1]!.brackets.length, 1);
    assert.deepEqual(documentProblems(moved.points), []);
  });

  test('two amendments that together place one bracket twice are refused', () => {
    // Each alone is fine: one moves the placeholder into its new words, the other keeps it.
    const got = refusal(() =>
      consolidate(
        points,
        [
          { id: 'a1', change: replace('on [[br-date]]', 'on [[br-date]] at once') },
          { id: 'a2', change: { kind: 'insert', pointId: 'pt-2', field: 'text', at: 0, text: '[[br-date]] ' } },
        ],
        { newPointId },
      ),
    );
    assert.equal(got.field, 'accepted');
    assert.match(
      got.message,
      /together, amendments "a2", "a1": point 2's text would hold the bracket \[\[br-date\]\] twice/,
    );
  });
});

describe('findConflicts', () => {
  const ins = (atOffset: number, text = 'x'): InsertChange => ({
    kind: 'insert',
    pointId: 'pt-2',
    field: 'text',
    at: atOffset,
    text,
  });
  const del = (start: number, end: number): DeleteChange => ({
    kind: 'delete',
    pointId: 'pt-2',
    field: 'text',
    start,
    end,
    quote: TEXT.slice(start, end),
  });
  const reasons = (...changes: AmendmentChange[]) =>
    findConflicts(
      points,
      changes.map((change, i) => ({ id: `a${i + 1}`, change })),
    ).map((c) => `${c.ids.join('+')}: ${c.reason}`);

  test('names each kind of conflict in words', () => {
    assert.deepEqual(reasons(del(0, 10), del(5, 15)), ["a1+a2: both change characters 5–10 of point 2's text"]);
    assert.deepEqual(reasons(ins(5), ins(5)), [
      "a1+a2: both insert at character 5 of point 2's text, so the order of the two insertions would be a guess",
    ]);
    assert.deepEqual(reasons(del(0, 10), ins(5)), [
      "a1+a2: one inserts at character 5 of point 2's text, inside the span the other changes",
    ]);
    assert.deepEqual(reasons(ins(5), del(5, 10), ins(10)), [
      "a1+a3: both insert at one place of point 2's text once characters 5–10 are deleted, so the order of the two insertions would be a guess",
    ]);
    const deletion: AmendmentChange = { kind: 'deletePoint', pointId: 'pt-2', quote: 'Ceasefire' };
    assert.deepEqual(reasons(ins(5), deletion), ["a1+a2: one changes point 2's text, and the other deletes the point"]);
    assert.deepEqual(reasons(deletion, deletion), ['a1+a2: both delete point 2']);
    assert.deepEqual(reasons({ kind: 'addPoint', afterPointId: 'pt-2', title: 'New', text: '' }, deletion), [
      'a1+a2: one adds a point after point 2, which the other deletes',
    ]);
  });

  test('adjacent spans, an insertion at a span’s edge, and changes to other fields or points do not conflict', () => {
    assert.deepEqual(reasons(del(0, 5), del(6, 10), ins(10), ins(0)), []);
    assert.deepEqual(reasons(ins(5), { ...ins(5), field: 'title' }), []);
    assert.deepEqual(reasons(ins(5), { ...ins(5), pointId: 'pt-3' }), []);
  });

  test('reports every pair among several overlapping spans', () => {
    assert.deepEqual(reasons(del(0, 30), del(2, 4), del(10, 12), del(3, 11)).length, 5);
  });
});

describe('consolidate', () => {
  test('applies replacements, insertions, deletions and points added or deleted at once, renumbering', () => {
    const result = consolidate(
      points,
      [
        { id: 'a1', change: replace('ceasefire', 'truce') },
        { id: 'a2', change: { kind: 'insert', pointId: 'pt-2', field: 'text', at: 0, text: 'From today, ' } },
        { id: 'a3', change: { kind: 'deletePoint', pointId: 'pt-1', quote: 'Sovereignty' } },
        {
          id: 'a4',
          change: { kind: 'addPoint', afterPointId: 'pt-3', title: 'Monitoring', text: 'The OSCE monitors.' },
        },
        { id: 'a5', change: { kind: 'addPoint', afterPointId: null, title: 'Preamble', text: '', issueIds: ['i1'] } },
        { id: 'a6', change: { kind: 'addPoint', afterPointId: 'pt-3', title: 'Review', text: 'Yearly.' } },
        { id: 'a7', change: { kind: 'delete', pointId: 'pt-3', field: 'title', start: 0, end: 1, quote: 'A' } },
      ],
      { newPointId },
    );
    assert.deepEqual(
      result.points.map((p) => [p.number, p.id, p.title]),
      [
        [1, 'new-a5', 'Preamble'],
        [2, 'pt-2', 'Ceasefire'],
        [3, 'pt-3', 'rmy'],
        [4, 'new-a4', 'Monitoring'],
        [5, 'new-a6', 'Review'],
      ],
    );
    assert.equal(result.points[1]!.text, 'From today, A truce takes effect on [[br-date]] along the line of contact.');
    assert.deepEqual(result.points[0]!.issueIds, ['i1']);
    assert.deepEqual(documentProblems(result.points), []);
    assert.deepEqual(result.edits.added, [
      { pointId: 'new-a5', amendmentId: 'a5' },
      { pointId: 'new-a4', amendmentId: 'a4' },
      { pointId: 'new-a6', amendmentId: 'a6' },
    ]);
    assert.deepEqual(result.edits.deleted, [{ pointId: 'pt-1', amendmentId: 'a3' }]);
    const textEdits = result.edits.fields.find((f) => f.pointId === 'pt-2' && f.field === 'text')!;
    assert.deepEqual(textEdits.spans, [
      { oldStart: 0, oldEnd: 0, newStart: 0, newEnd: 12, amendmentId: 'a2' },
      { oldStart: 2, oldEnd: 11, newStart: 14, newEnd: 19, amendmentId: 'a1' },
    ]);
    // Provenance: each new span holds its amendment's words.
    assert.equal(result.points[1]!.text.slice(14, 19), 'truce');
    // The position map: "takes" moved from 12 to 20; inside the replaced word there is no place.
    assert.equal(mapOffset(textEdits, 12, 'after'), 20);
    assert.equal(mapOffset(textEdits, 5, 'after'), null);
    assert.equal(mapOffset(textEdits, 0, 'after'), 12);
    assert.equal(mapOffset(textEdits, 0, 'before'), 0);
    assert.equal(mapOffset(undefined, 7, 'before'), 7);
  });

  test('refuses conflicting amendments, naming both and the reason', () => {
    const got = refusal(() =>
      consolidate(
        points,
        [
          { id: 'a1', change: replace('ceasefire', 'truce') },
          { id: 'a2', change: replace('ceasefire takes', 'truce took') },
        ],
        { newPointId },
      ),
    );
    assert.equal(got.field, 'accepted');
    assert.match(
      got.message,
      /amendments "a1" and "a2" cannot both be applied: both change characters 2–11 of point 2's text; reject one/,
    );
  });

  test('refuses an amendment whose anchor does not hold, naming its place in the list', () => {
    const got = refusal(() =>
      consolidate(
        points,
        [
          { id: 'a1', change: replace('ceasefire', 'truce') },
          { id: 'a2', change: { ...replace('line', 'front'), quote: 'war' } },
        ],
        { newPointId },
      ),
    );
    assert.equal(got.field, 'accepted[1].change.quote');
  });

  test('refuses an amendment listed twice', () => {
    const got = refusal(() =>
      consolidate(
        points,
        [
          { id: 'a1', change: replace('ceasefire', 'truce') },
          { id: 'a1', change: replace('line', 'front') },
        ],
        { newPointId },
      ),
    );
    assert.equal(got.field, 'accepted[1].id');
    assert.match(got.message, /amendment "a1" is listed twice/);
  });

  test('refuses an outcome beyond a version’s limits: too many points, too long a point', () => {
    const full = Array.from({ length: TEXT_LIMITS.pointsPerVersion - 1 }, (_, i) => point(`p${i}`, i + 1));
    const adds = [0, 1].map((i) => ({
      id: `a${i}`,
      change: { kind: 'addPoint', afterPointId: null, title: 'New', text: '' } as AmendmentChange,
    }));
    assert.match(
      refusal(() => consolidate(full, adds, { newPointId })).message,
      /would hold 501 points, more than the 500 a version holds/,
    );
    const long = [point('p1', 1, { text: 'x'.repeat(TEXT_LIMITS.pointText - 5) })];
    const lengthen = [0, 1].map((i) => ({
      id: `a${i}`,
      change: { kind: 'insert', pointId: 'p1', field: 'text', at: i, text: 'yyyy' } as AmendmentChange,
    }));
    assert.match(
      refusal(() => consolidate(long, lengthen, { newPointId })).message,
      /would hold 20,003 characters of text, more than the 20,000 a point holds/,
    );
  });
});

describe('reanchor', () => {
  const accepted = [{ id: 'a1', change: replace('ceasefire', 'full and lasting truce') }];
  const { points: next, edits } = consolidate(points, accepted, { newPointId });
  const NEXT = next[1]!.text;

  test('shifts an untouched span by the edits before it, keeping the amendment’s other fields', () => {
    const pending = [{ id: 'p1', change: replace('line of contact', 'front line'), author: 'ua' }];
    const { reanchored, orphaned } = reanchor(points, next, edits, pending);
    assert.deepEqual(orphaned, []);
    const change = reanchored[0]!.change;
    assert.equal(reanchored[0]!.author, 'ua');
    assert.ok(change.kind === 'replace');
    assert.equal(change.start, NEXT.indexOf('line of contact'));
    assert.equal(NEXT.slice(change.start, change.end), 'line of contact');
  });

  test('orphans a touched span whose quote is no longer in the text', () => {
    const { reanchored, orphaned } = reanchor(points, next, edits, [
      { id: 'p1', change: replace('ceasefire takes', 'ceasefire took') },
    ]);
    assert.deepEqual(reanchored, []);
    assert.deepEqual(
      orphaned.map((o) => o.reason),
      ["the quoted text “ceasefire takes” is no longer in point 2's text"],
    );
  });

  test('re-finds an overlapped span by a unique quote, and orphans one whose quote is ambiguous', () => {
    const base = [point('pt-1', 1, { text: 'the army and the navy and the air force' })];
    const accept = [
      {
        id: 'a1',
        change: {
          kind: 'replace',
          pointId: 'pt-1',
          field: 'text',
          start: 0,
          end: 8,
          quote: 'the army',
          text: 'the navy, the army',
        } as AmendmentChange,
      },
    ];
    const result = consolidate(base, accept, { newPointId });
    const pending: AmendmentLike[] = [
      {
        id: 'p1',
        change: {
          kind: 'replace',
          pointId: 'pt-1',
          field: 'text',
          start: 4,
          end: 12,
          quote: 'army and',
          text: 'army, and',
        },
      },
      {
        id: 'p2',
        change: { kind: 'replace', pointId: 'pt-1', field: 'text', start: 0, end: 3, quote: 'the', text: 'The' },
      },
    ];
    const { reanchored, orphaned } = reanchor(base, result.points, result.edits, pending);
    const p1 = reanchored[0]!.change;
    assert.ok(p1.kind === 'replace');
    assert.equal(result.points[0]!.text.slice(p1.start, p1.end), 'army and');
    assert.deepEqual(
      orphaned.map((o) => o.reason),
      ["the quoted text “the” appears 4 times in point 1's text, so its place is no longer certain"],
    );
  });

  test('orphans a change to a deleted point', () => {
    const gone = consolidate(
      points,
      [{ id: 'a1', change: { kind: 'deletePoint', pointId: 'pt-2', quote: 'Ceasefire' } }],
      { newPointId },
    );
    const { orphaned } = reanchor(points, gone.points, gone.edits, [{ id: 'p1', change: replace('line', 'front') }]);
    assert.deepEqual(
      orphaned.map((o) => o.reason),
      ['point 2 was deleted'],
    );
  });

  test('finds an insertion inside rewritten words again by its context, and takes its context afresh', () => {
    const base = [point('pt-1', 1, { text: 'Troops withdraw within 30 days of signature.' })];
    const accept = [
      {
        id: 'a1',
        change: {
          kind: 'replace',
          pointId: 'pt-1',
          field: 'text',
          start: 0,
          end: 14,
          quote: 'Troops withdra',
          text: 'All forces withdra',
        } as AmendmentChange,
      },
    ];
    const result = consolidate(base, accept, { newPointId });
    const pending: AmendmentLike[] = [
      {
        id: 'p1',
        change: {
          kind: 'insert',
          pointId: 'pt-1',
          field: 'text',
          at: 7,
          text: 'foreign ',
          before: 's ',
          after: 'withdraw within',
        },
      },
      { id: 'p2', change: { kind: 'insert', pointId: 'pt-1', field: 'text', at: 7, text: 'foreign ' } },
      {
        id: 'p3',
        change: { kind: 'insert', pointId: 'pt-1', field: 'text', at: 22, text: ' (thirty)', before: 'within' },
      },
    ];
    const { reanchored, orphaned } = reanchor(base, result.points, result.edits, pending);
    assert.deepEqual(
      reanchored.map((a) => a.change),
      [
        {
          kind: 'insert',
          pointId: 'pt-1',
          field: 'text',
          at: 11,
          text: 'foreign ',
          before: 's ',
          after: 'withdraw within',
        },
        { kind: 'insert', pointId: 'pt-1', field: 'text', at: 26, text: ' (thirty)', before: 'within' },
      ],
    );
    assert.deepEqual(
      orphaned.map((o) => o.reason),
      [
        "the words around the insertion point in point 1's text were rewritten, and the insertion carries no context to find its place again",
      ],
    );
  });

  test('a point to add after a deleted point follows the point before it; a deletion quotes the new title', () => {
    const accept: AmendmentLike[] = [
      { id: 'a1', change: { kind: 'deletePoint', pointId: 'pt-2', quote: 'Ceasefire' } },
      { id: 'a2', change: { kind: 'insert', pointId: 'pt-3', field: 'title', at: 4, text: ' size' } },
      { id: 'a3', change: { kind: 'addPoint', afterPointId: 'pt-1', title: 'Added', text: '' } },
    ];
    const result = consolidate(points, accept, { newPointId });
    const pending: AmendmentLike[] = [
      { id: 'p1', change: { kind: 'addPoint', afterPointId: 'pt-2', title: 'Later', text: 'x' } },
      { id: 'p2', change: { kind: 'deletePoint', pointId: 'pt-3', quote: 'Army' } },
      { id: 'p3', change: { kind: 'deletePoint', pointId: 'pt-2', quote: 'Ceasefire' } },
    ];
    const { reanchored, orphaned } = reanchor(points, result.points, result.edits, pending);
    assert.deepEqual(
      reanchored.map((a) => a.change),
      [
        { kind: 'addPoint', afterPointId: 'new-a3', title: 'Later', text: 'x' },
        { kind: 'deletePoint', pointId: 'pt-3', quote: 'Army size' },
      ],
    );
    assert.deepEqual(
      orphaned.map((o) => o.reason),
      ['point 2 was deleted'],
    );
  });

  test('an amendment whose anchor fails against the new points is orphaned with the check’s message', () => {
    // The insertion now stands in a point that cannot hold more.
    const base = [point('pt-1', 1, { text: 'x'.repeat(TEXT_LIMITS.pointText - 10) })];
    const result = consolidate(
      base,
      [{ id: 'a1', change: { kind: 'insert', pointId: 'pt-1', field: 'text', at: 0, text: 'y'.repeat(8) } }],
      { newPointId },
    );
    const { orphaned } = reanchor(base, result.points, result.edits, [
      { id: 'p1', change: { kind: 'insert', pointId: 'pt-1', field: 'text', at: 5, text: 'zzzz' } },
    ]);
    assert.match(orphaned[0]!.reason, /would hold 20,002 characters, more than the 20,000 it may hold/);
  });
});

// ---- Properties ----------------------------------------------------------------------------------

const WORDS = ['peace', 'army', 'the', 'line', 'of', 'contact', 'a', 'zone', 'Kyiv', 'é', '🇺🇦'];

/** Points whose texts are words and bracket placeholders, each bracket placed once. */
const pointsArb = fc
  .array(
    fc.record({
      title: fc.array(fc.constantFrom(...WORDS), { maxLength: 4 }),
      tokens: fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.constant('BRACKET')), { maxLength: 14 }),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .map((specs) =>
    specs.map(({ title, tokens }, i) => {
      const brackets: Point['brackets'] = [];
      const text = tokens
        .map((token) => {
          if (token !== 'BRACKET') return token;
          const id = `b${i}-${brackets.length}`;
          brackets.push(bracket(id, 'x', 'y'));
          return `[[${id}]]`;
        })
        .join(' ');
      return point(`pt-${i}`, i + 1, { title: title.join(' '), text, brackets });
    }),
  );

const seedArb = fc.record({
  kind: fc.constantFrom('replace', 'replace', 'insert', 'insert', 'delete', 'delete', 'addPoint', 'deletePoint'),
  pick: fc.nat(),
  title: fc.boolean(),
  a: fc.nat(),
  b: fc.nat(),
  words: fc.array(fc.constantFrom(...WORDS), { maxLength: 3 }),
  moveBrackets: fc.boolean(),
  context: fc.nat(6),
});
type Seed = typeof seedArb extends fc.Arbitrary<infer T> ? T : never;

/** Moves an offset off the inside of a placeholder and off the middle of a character. */
function snap(text: string, offset: number): number {
  for (const match of text.matchAll(/\[\[[^\]\s]+\]\]/g))
    if (match.index < offset && offset < match.index + match[0].length) return match.index;
  const code = text.charCodeAt(offset);
  return code >= 0xdc00 && code <= 0xdfff ? offset - 1 : offset;
}

/** A valid change to the points made from a seed, or null when the seed fits none. */
function changeFrom(points: Point[], seed: Seed): AmendmentChange | null {
  const target = points[seed.pick % points.length]!;
  const words = seed.words.join(' ');
  if (seed.kind === 'addPoint') {
    const after = seed.a % (points.length + 1);
    return {
      kind: 'addPoint',
      afterPointId: after === 0 ? null : points[after - 1]!.id,
      title: words,
      text: `${words}.`,
    };
  }
  if (seed.kind === 'deletePoint') return { kind: 'deletePoint', pointId: target.id, quote: target.title };
  const field = seed.title ? 'title' : 'text';
  const value = target[field];
  if (seed.kind === 'insert') {
    const at = snap(value, seed.a % (value.length + 1));
    return {
      kind: 'insert',
      pointId: target.id,
      field,
      at,
      text: `${words} `,
      before: value.slice(Math.max(0, at - seed.context), at),
      after: value.slice(at, at + seed.context),
    };
  }
  if (value.length === 0) return null;
  const start = snap(value, seed.a % value.length);
  let end = snap(value, Math.min(value.length, start + 1 + (seed.b % 12)));
  if (end <= start) end = start + 1;
  const placeholderEnd = /^\[\[[^\]\s]+\]\]/.exec(value.slice(start))?.[0].length;
  if (placeholderEnd && end < start + placeholderEnd) end = start + placeholderEnd;
  if (end < value.length && /[\udc00-\udfff]/.test(value[end]!)) end++;
  const quote = value.slice(start, end);
  if (seed.kind === 'delete') return { kind: 'delete', pointId: target.id, field, start, end, quote };
  const kept = seed.moveBrackets ? (quote.match(/\[\[[^\]\s]+\]\]/g) ?? []).join(' ') : '';
  let text = [words, kept].filter(Boolean).join(' ');
  if (text === quote) text += '!';
  return { kind: 'replace', pointId: target.id, field, start, end, quote, text };
}

const changesFrom = (points: Point[], seeds: Seed[], prefix: string): AmendmentLike[] =>
  seeds.flatMap((seed, i) => {
    const change = changeFrom(points, seed);
    if (!change) return [];
    checkAnchor(points, change); // the generator makes valid changes only
    return [{ id: `${prefix}${i}`, change }];
  });

/** A largest subset of the amendments, in order, no two of which conflict. */
function compatible(points: Point[], amendments: AmendmentLike[]): AmendmentLike[] {
  const chosen: AmendmentLike[] = [];
  for (const amendment of amendments)
    if (findConflicts(points, [...chosen, amendment]).length === 0) chosen.push(amendment);
  return chosen;
}

/** Consolidates one amendment, re-anchors the others to the result, and goes on with the next. */
function oneByOne(points: Point[], accepted: AmendmentLike[]): Point[] {
  let current = points;
  let rest = accepted;
  while (rest.length > 0) {
    const [first, ...others] = rest;
    const step = consolidate(current, [first!], { newPointId });
    const moved = reanchor(current, step.points, step.edits, others);
    assert.deepEqual(moved.orphaned, [], 'no accepted amendment is orphaned by another it does not conflict with');
    current = step.points;
    rest = moved.reanchored;
  }
  return current;
}

describe('properties', () => {
  test('consolidating non-conflicting amendments at once equals applying them one by one, re-anchoring the rest', () => {
    fc.assert(
      fc.property(pointsArb, fc.array(seedArb, { maxLength: 12 }), (points, seeds) => {
        const accepted = compatible(points, changesFrom(points, seeds, 'a'));
        const atOnce = consolidate(points, accepted, { newPointId });
        assert.deepEqual(atOnce.points, oneByOne(points, accepted));
        assert.deepEqual(documentProblems(atOnce.points), []);
        // Provenance: every new span holds the words of the amendment that brought them.
        const byId = new Map(accepted.map((a) => [a.id, a.change]));
        for (const fieldEdits of atOnce.edits.fields) {
          const value = atOnce.points.find((p) => p.id === fieldEdits.pointId)![fieldEdits.field];
          for (const s of fieldEdits.spans) {
            const change = byId.get(s.amendmentId)!;
            assert.equal(
              value.slice(s.newStart, s.newEnd),
              change.kind === 'delete' ? '' : (change as { text: string }).text,
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  test('re-anchoring keeps each pending amendment’s quote at its new offsets, or orphans it with a reason', () => {
    fc.assert(
      fc.property(
        pointsArb,
        fc.array(seedArb, { maxLength: 10 }),
        fc.array(seedArb, { maxLength: 10 }),
        (points, acceptedSeeds, pendingSeeds) => {
          const accepted = compatible(points, changesFrom(points, acceptedSeeds, 'a'));
          const pending = changesFrom(points, pendingSeeds, 'p');
          const result = consolidate(points, accepted, { newPointId });
          const { reanchored, orphaned } = reanchor(points, result.points, result.edits, pending);
          assert.equal(reanchored.length + orphaned.length, pending.length);
          for (const { change } of reanchored) {
            checkAnchor(result.points, change);
            if (change.kind === 'replace' || change.kind === 'delete') {
              const target = result.points.find((p) => p.id === change.pointId)!;
              assert.equal(target[change.field].slice(change.start, change.end), change.quote);
            }
          }
          for (const { reason } of orphaned) assert.ok(reason.length > 10, reason);
          // A pending amendment that conflicts with no accepted one always finds its place.
          const orphanedIds = new Set(orphaned.map((o) => o.amendment.id));
          for (const amendment of pending)
            if (findConflicts(points, [...accepted, amendment]).length === 0)
              assert.ok(!orphanedIds.has(amendment.id), amendment.id);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('findConflicts finds exactly the pairs that overlap or conflict', () => {
    fc.assert(
      fc.property(pointsArb, fc.array(seedArb, { maxLength: 14 }), (points, seeds) => {
        const amendments = changesFrom(points, seeds, 'a');
        const found = findConflicts(points, amendments).map((c) => c.ids.join('+'));
        assert.deepEqual(new Set(found).size, found.length, 'each pair once');
        assert.deepEqual(new Set(found), bruteForceConflicts(amendments));
      }),
      { numRuns: 500 },
    );
  });
});

/** Every pair checked against the rules, as written. */
function bruteForceConflicts(amendments: AmendmentLike[]): Set<string> {
  const pairs = new Set<string>();
  const empties = (change: AmendmentChange) =>
    change.kind === 'delete' || (change.kind === 'replace' && change.text === '');
  amendments.forEach((x, i) =>
    amendments.slice(i + 1).forEach((y) => {
      const a = x.change;
      const b = y.change;
      let clash = false;
      for (const [p, q] of [
        [a, b],
        [b, a],
      ] as const) {
        if (p.kind === 'deletePoint' && q.kind === 'deletePoint' && p.pointId === q.pointId) clash = true;
        if (p.kind === 'deletePoint' && q.kind !== 'addPoint' && q.kind !== 'deletePoint' && q.pointId === p.pointId)
          clash = true;
        if (p.kind === 'deletePoint' && q.kind === 'addPoint' && q.afterPointId === p.pointId) clash = true;
      }
      if (
        (a.kind === 'replace' || a.kind === 'delete' || a.kind === 'insert') &&
        (b.kind === 'replace' || b.kind === 'delete' || b.kind === 'insert') &&
        a.pointId === b.pointId &&
        a.field === b.field
      ) {
        if (a.kind !== 'insert' && b.kind !== 'insert') clash ||= a.start < b.end && b.start < a.end;
        else if (a.kind === 'insert' && b.kind !== 'insert') clash ||= b.start < a.at && a.at < b.end;
        else if (b.kind === 'insert' && a.kind !== 'insert') clash ||= a.start < b.at && b.at < a.end;
        else if (a.kind === 'insert' && b.kind === 'insert') {
          const [from, to] = [Math.min(a.at, b.at), Math.max(a.at, b.at)];
          let covered = true;
          for (let c = from; c < to && covered; c++)
            covered = amendments.some(({ change: d }) => {
              if (d.kind !== 'delete' && d.kind !== 'replace') return false;
              return empties(d) && d.pointId === a.pointId && d.field === a.field && d.start <= c && c < d.end;
            });
          clash ||= covered;
        }
      }
      if (clash) pairs.add(`${x.id}+${y.id}`);
    }),
  );
  return pairs;
}

describe('the largest input', () => {
  test(`consolidates and re-anchors ${TEXT_LIMITS.amendmentsPerVersion} amendments to ${TEXT_LIMITS.pointsPerVersion} points of ${TEXT_LIMITS.versionText.toLocaleString('en')} characters`, () => {
    const perPoint = TEXT_LIMITS.versionText / TEXT_LIMITS.pointsPerVersion - 20;
    const sentence = 'The parties agree to a lasting peace along the line. ';
    const big = Array.from({ length: TEXT_LIMITS.pointsPerVersion }, (_, i) =>
      point(`pt-${i}`, i + 1, {
        title: `Point ${i}`,
        text: sentence.repeat(Math.ceil(perPoint / sentence.length)).slice(0, perPoint),
      }),
    );
    // Per point: one accepted replacement of word 5, and one pending replacement elsewhere; 500 of each.
    const make = (i: number, word: number, text: string): AmendmentChange => {
      const value = big[i]!.text;
      const start = value.indexOf(sentence, word * sentence.length);
      return { kind: 'replace', pointId: `pt-${i}`, field: 'text', start, end: start + 3, quote: 'The', text };
    };
    const accepted = big.map((_, i) => ({ id: `a${i}`, change: make(i, 5, 'Both') }));
    const pending = big.map((_, i) => ({ id: `p${i}`, change: make(i, 9, 'All') }));
    assert.equal(accepted.length + pending.length, TEXT_LIMITS.amendmentsPerVersion);
    const result = consolidate(big, [...accepted], { newPointId });
    const { reanchored, orphaned } = reanchor(big, result.points, result.edits, pending);
    assert.equal(orphaned.length, 0);
    assert.equal(reanchored.length, pending.length);
    // Conflicts over all 1,000 at once: none, found without comparing every pair.
    assert.deepEqual(findConflicts(big, [...accepted, ...pending]), []);
    // All 1,000 accepted at once.
    const all = consolidate(big, [...accepted, ...pending], { newPointId });
    assert.equal(all.points.length, TEXT_LIMITS.pointsPerVersion);
  });

  test('1,000 deletions over one stretch: findConflicts stops at its limit, and consolidation names the first pair', () => {
    const text = 'a'.repeat(TEXT_LIMITS.pointText);
    const one = [point('pt-1', 1, { text })];
    const nested = Array.from({ length: TEXT_LIMITS.amendmentsPerVersion }, (_, i) => ({
      id: `d${i}`,
      change: {
        kind: 'delete',
        pointId: 'pt-1',
        field: 'text',
        start: i,
        end: text.length - i,
        quote: text.slice(i, text.length - i),
      } as AmendmentChange,
    }));
    assert.equal(findConflicts(one, nested, { limit: 1 }).length, 1);
    const got = refusal(() => consolidate(one, nested, { newPointId }));
    assert.match(
      got.message,
      /amendments "d0" and "d1" cannot both be applied: both change characters 1–19,?999 of point 1's text \(and other pairs conflict too\)/,
    );
  });
});
