import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_REPORTED, checkRedLines, constraintProblems, crossingReason } from '../../src/core/redlines.ts';
import { issue, party, point, redLine, version } from './builders.ts';

const army = issue('army', 'Armed-forces ceiling', {
  'army-600': '600,000',
  'army-800': '800,000',
  'army-none': 'no cap',
});
const nato = issue('nato', 'NATO membership', {
  'nato-never': 'never',
  'nato-open': 'left open',
  'nato-join': 'joins',
});
const land = issue('land', 'Donbas', {
  'land-cede': 'ceded',
  'land-freeze': 'frozen on the line',
  'land-keep': 'kept',
});
const issues = [army, nato, land];
const parties = [party('ua', { shortName: 'Ukraine' }), party('ru', { shortName: 'Russia' })];

const points = [
  point('p1', 1, { issueIds: ['army'] }),
  point('p2', 2, { issueIds: ['nato'] }),
  point('p3', 3, { issueIds: ['land', 'army'] }),
  point('p4', 4),
];

const noSmallArmy = redLine('rl-army', 'ua', 'No army below 800,000', {
  kind: 'forbid',
  issueId: 'army',
  optionIds: ['army-600'],
});
const neverNato = redLine('rl-nato', 'ru', 'Ukraine never in NATO', {
  kind: 'require',
  issueId: 'nato',
  optionIds: ['nato-never'],
});
const noCedeAndCap = redLine('rl-combo', 'ua', 'Not both territory and a cap', {
  kind: 'forbid_combination',
  conditions: [
    { issueId: 'land', optionIds: ['land-cede'] },
    { issueId: 'army', optionIds: ['army-600', 'army-800'] },
  ],
});

describe('crossingReason', () => {
  test('forbid is crossed when the text settles the issue on a forbidden option, and only then', () => {
    assert.equal(
      crossingReason(noSmallArmy.constraint, { army: 'army-600' }, issues),
      'settles Armed-forces ceiling on 600,000',
    );
    assert.equal(crossingReason(noSmallArmy.constraint, { army: 'army-800' }, issues), null);
    assert.equal(crossingReason(noSmallArmy.constraint, {}, issues), null, 'an open issue crosses no forbid');
  });

  test('require is crossed when the text settles the issue on another option', () => {
    assert.equal(
      crossingReason(neverNato.constraint, { nato: 'nato-open' }, issues),
      'settles NATO membership on left open',
    );
    assert.equal(crossingReason(neverNato.constraint, { nato: 'nato-never' }, issues), null);
  });

  test('require is not crossed when the text leaves the issue open', () => {
    assert.equal(crossingReason(neverNato.constraint, {}, issues), null);
    assert.equal(crossingReason(neverNato.constraint, { army: 'army-600' }, issues), null);
  });

  test('forbid_combination is crossed only when every condition is met', () => {
    assert.equal(
      crossingReason(noCedeAndCap.constraint, { land: 'land-cede', army: 'army-800' }, issues),
      'settles Donbas on ceded and settles Armed-forces ceiling on 800,000',
    );
    assert.equal(crossingReason(noCedeAndCap.constraint, { land: 'land-cede', army: 'army-none' }, issues), null);
    assert.equal(crossingReason(noCedeAndCap.constraint, { land: 'land-cede' }, issues), null, 'one condition open');
    assert.equal(crossingReason(noCedeAndCap.constraint, { army: 'army-600' }, issues), null);
  });

  test('a reason falls back to ids when the issue is unknown', () => {
    assert.equal(
      crossingReason({ kind: 'forbid', issueId: 'gone', optionIds: ['x'] }, { gone: 'x' }, issues),
      'settles gone on x',
    );
  });
});

describe('checkRedLines', () => {
  test('forbid/require/forbid_combination red lines and the message "This draft crosses N red lines: …"', () => {
    const draft = version('v1', { points, optionChoices: { army: 'army-600', nato: 'nato-open', land: 'land-cede' } });
    const report = checkRedLines(draft, [noSmallArmy, neverNato, noCedeAndCap], issues, parties);
    assert.deepEqual(
      report.crossings.map((c) => c.redLineId),
      ['rl-army', 'rl-nato', 'rl-combo'],
    );
    assert.equal(
      report.message,
      'This draft crosses 3 red lines: ' +
        'Ukraine: "No army below 800,000" (settles Armed-forces ceiling on 600,000); ' +
        'Russia: "Ukraine never in NATO" (settles NATO membership on left open); ' +
        'Ukraine: "Not both territory and a cap" (settles Donbas on ceded and settles Armed-forces ceiling on 600,000).',
    );
  });

  test('each crossing names the points that decide the issues involved', () => {
    const draft = version('v1', { points, optionChoices: { army: 'army-600', nato: 'nato-open', land: 'land-cede' } });
    const byId = Object.fromEntries(
      checkRedLines(draft, [noSmallArmy, neverNato, noCedeAndCap], issues, parties).crossings.map((c) => [
        c.redLineId,
        c,
      ]),
    );
    assert.deepEqual(byId['rl-army']!.pointIds, ['p1', 'p3']);
    assert.deepEqual(byId['rl-nato']!.pointIds, ['p2']);
    assert.deepEqual(byId['rl-combo']!.pointIds, ['p1', 'p3']);
    assert.equal(byId['rl-nato']!.partyId, 'ru');
    assert.equal(byId['rl-nato']!.title, 'Ukraine never in NATO');
  });

  test('one crossing is "1 red line"; none is "crosses no red line"', () => {
    const one = checkRedLines(
      version('v1', { points, optionChoices: { army: 'army-600' } }),
      [noSmallArmy, neverNato],
      issues,
      parties,
    );
    assert.equal(
      one.message,
      'This draft crosses 1 red line: Ukraine: "No army below 800,000" (settles Armed-forces ceiling on 600,000).',
    );
    const none = checkRedLines(
      version('v1', { points, optionChoices: { army: 'army-800', nato: 'nato-never' } }),
      [noSmallArmy, neverNato, noCedeAndCap],
      issues,
      parties,
    );
    assert.deepEqual(none.crossings, []);
    assert.equal(none.message, 'This draft crosses no red line.');
  });

  test('only the red lines passed in are checked, so a filtered list reveals nothing else', () => {
    const draft = version('v1', { points, optionChoices: { army: 'army-600', nato: 'nato-open' } });
    const report = checkRedLines(draft, [neverNato], issues, parties);
    assert.deepEqual(
      report.crossings.map((c) => c.redLineId),
      ['rl-nato'],
    );
    assert.doesNotMatch(report.message, /army/i);
  });

  test('an unknown party is named by its id', () => {
    const report = checkRedLines(
      version('v1', { points, optionChoices: { army: 'army-600' } }),
      [{ ...noSmallArmy, partyId: 'xx' }],
      issues,
      parties,
    );
    assert.match(report.message, /^This draft crosses 1 red line: xx: /);
  });
});

describe('constraintProblems', () => {
  test('a well-formed constraint has no problems', () => {
    assert.deepEqual(constraintProblems(noSmallArmy.constraint, issues), []);
    assert.deepEqual(constraintProblems(noCedeAndCap.constraint, issues), []);
  });

  test('unknown issues, unknown options and empty option lists are reported', () => {
    assert.deepEqual(constraintProblems({ kind: 'forbid', issueId: 'nope', optionIds: ['x'] }, issues), [
      'unknown issue "nope"; use the id of one of the negotiation\'s issues',
    ]);
    assert.deepEqual(constraintProblems({ kind: 'require', issueId: 'army', optionIds: ['army-1m'] }, issues), [
      'issue "Armed-forces ceiling" has no option "army-1m"',
    ]);
    assert.deepEqual(constraintProblems({ kind: 'forbid', issueId: 'army', optionIds: [] }, issues), [
      'name at least one option of issue "Armed-forces ceiling"',
    ]);
  });

  test('a forbidden combination needs at least two conditions', () => {
    const problems = constraintProblems(
      { kind: 'forbid_combination', conditions: [{ issueId: 'army', optionIds: ['army-600'] }] },
      issues,
    );
    assert.deepEqual(problems, ['a forbidden combination needs at least two conditions']);
  });
});

test("a choice is read from the draft's own entries: an issue id an object inherits is left open, not crossed", () => {
  const constraint = { kind: 'require' as const, issueId: 'toString', optionIds: ['a'] };
  assert.equal(crossingReason(constraint, {}, []), null);
  assert.equal(crossingReason({ kind: 'forbid', issueId: 'constructor', optionIds: ['a'] }, {}, []), null);
});

describe('red lines against what the open brackets could still make of a draft', () => {
  test('an alternative that names its option is reported when choosing it would cross a red line', () => {
    const bracketed = point('pt-6', 6, {
      text: 'The army is capped at [[cap]].',
      issueIds: ['army'],
      brackets: [
        {
          id: 'cap',
          alternatives: [
            { text: '600,000', proposedBy: ['us'], choices: { army: 'army-600' } },
            { text: '800,000', proposedBy: ['ua'], choices: { army: 'army-800' } },
          ],
        },
      ],
    });
    const draft = version('v', { points: [bracketed], optionChoices: {} });
    const report = checkRedLines(draft, [noSmallArmy], [army, nato], [party('ua')]);
    assert.equal(report.crossings.length, 0, 'the settled text crosses nothing');
    assert.equal(report.alternatives.length, 1);
    assert.deepEqual(
      {
        point: report.alternatives[0]!.pointNumber,
        alternative: report.alternatives[0]!.alternative,
        redLine: report.alternatives[0]!.redLineId,
      },
      { point: 6, alternative: 'A', redLine: noSmallArmy.id },
    );
    assert.match(report.message, /Choosing alternative A of point 6 would cross UA's red line/);
    const settled = checkRedLines(
      { ...draft, optionChoices: { army: 'army-600' } },
      [noSmallArmy],
      [army, nato],
      [party('ua')],
    );
    assert.equal(settled.crossings.length, 1);
    assert.equal(settled.alternatives.length, 0, 'a red line the text already crosses is not reported again');
  });
});

describe('wording against choices', () => {
  test('a point whose wording names one option while the choices settle on another gets a warning', () => {
    const draft = version('v', {
      points: [point('p1', 1, { issueIds: ['army'], text: 'The armed forces are capped at 800,000 personnel.' })],
      optionChoices: { army: 'army-600' },
    });
    const report = checkRedLines(draft, [], issues, parties);
    assert.equal(report.warnings.length, 1);
    assert.equal(report.warnings[0]!.namedOptionId, 'army-800');
    assert.equal(report.warnings[0]!.chosenOptionId, 'army-600');
    assert.match(
      report.message,
      /Warning: point 1 reads "800,000" on Armed-forces ceiling, but the choices settle it on "600,000"/,
    );
  });

  test('wording that names the chosen option, or an issue the text leaves open, is not flagged', () => {
    const agreeing = version('v', {
      points: [point('p1', 1, { issueIds: ['army'], text: 'A cap of 600 000, not 800,000.' })],
      optionChoices: { army: 'army-600' },
    });
    assert.deepEqual(checkRedLines(agreeing, [], issues, parties).warnings, []);
    const open = version('v', { points: [point('p1', 1, { issueIds: ['army'], text: 'Capped at 800,000.' })] });
    assert.deepEqual(checkRedLines(open, [], issues, parties).warnings, []);
  });

  test('a bracket alternative whose wording names another option than the one it stands for is flagged', () => {
    const draft = version('v', {
      points: [
        point('p3', 3, {
          issueIds: ['land'],
          text: 'On Donbas: [[b1]]',
          brackets: [
            {
              id: 'b1',
              alternatives: [
                { text: 'the line is frozen on the line', proposedBy: ['ua'], choices: { land: 'land-freeze' } },
                { text: 'the region is ceded', proposedBy: ['ru'], choices: { land: 'land-keep' } },
              ],
            },
          ],
        }),
      ],
    });
    const warnings = checkRedLines(draft, [], issues, parties).warnings;
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.alternative, 'B');
    assert.match(
      warnings[0]!.message,
      /alternative B of bracket "b1" in point 3 reads "ceded" on Donbas, but it stands for "kept"/,
    );
  });

  const oblasts = issue('oblasts', 'Territory', {
    'ob-d': 'Donetsk',
    'ob-dl': 'Donetsk and Luhansk',
    'ob-none': 'none',
  });
  const caps = issue('caps', 'Army', { 'cap-cap': 'cap', 'cap-capital': 'capital', 'cap-free': 'free' });
  const settled = (text: string, optionChoices: Record<string, string>) =>
    checkRedLines(
      version('v', { points: [point('p1', 1, { issueIds: ['oblasts', 'caps'], text })], optionChoices }),
      [],
      [oblasts, caps],
      parties,
    ).warnings;

  test('a label that is a prefix of another raises no false warning: the longer label is the one the wording names', () => {
    assert.deepEqual(settled('Donetsk and Luhansk are ceded in full.', { oblasts: 'ob-dl' }), []);
    assert.deepEqual(settled('The capital stays where it is.', { caps: 'cap-capital' }), []);
    assert.deepEqual(settled('A cap on the army, and the capital is kept.', { caps: 'cap-cap' }), [], 'names both');
    assert.deepEqual(settled('The capital is kept.', { caps: 'cap-cap' }).length, 1, '"capital" is not the word "cap"');
  });

  test('wording naming the longer label while the choices settle on the shorter one is flagged, with the label it reads', () => {
    const [warning, ...rest] = settled('Donetsk and Luhansk are ceded in full.', { oblasts: 'ob-d' });
    assert.equal(rest.length, 0);
    assert.equal(warning!.namedOptionId, 'ob-dl');
    assert.match(warning!.message, /reads "Donetsk and Luhansk" on Territory, but the choices settle it on "Donetsk"/);
    assert.deepEqual(settled('Donetsk is ceded; Luhansk is not.', { oblasts: 'ob-d' }), []);
  });

  test('labels are compared whatever the case, the width of letters or the punctuation', () => {
    const [warning] = settled('ＤＯＮＥＴＳＫ, and — Luhansk!', { oblasts: 'ob-none' });
    assert.equal(warning!.namedOptionId, 'ob-dl');
  });
});

describe('a report is bounded', () => {
  test(`at most ${MAX_REPORTED} alternatives' crossings and warnings are listed, and the message says there are more`, () => {
    const points = Array.from({ length: 150 }, (_, i) =>
      point(`p${i}`, i + 1, {
        issueIds: ['army'],
        text: `Capped at 800,000. [[b${i}]]`,
        brackets: [
          {
            id: `b${i}`,
            alternatives: [
              { text: 'a', proposedBy: ['ua'], choices: { army: 'army-600' } },
              { text: 'b', proposedBy: ['ru'], choices: { army: 'army-600' } },
            ],
          },
        ],
      }),
    );
    const report = checkRedLines(
      version('v', { points, optionChoices: { army: 'army-none' } }),
      [noSmallArmy],
      issues,
      parties,
    );
    assert.equal(report.alternatives.length, MAX_REPORTED);
    assert.match(report.message, /More alternatives would cross a red line than the 200 listed\./);
    assert.equal(report.warnings.length, 150, 'fewer warnings than the limit: all listed');
    const many = checkRedLines(
      version('v', {
        points: [...points, ...points.map((p) => ({ ...p, id: `q${p.id}`, number: p.number + 150 }))],
        optionChoices: { army: 'army-none' },
      }),
      [],
      issues,
      parties,
    );
    assert.equal(many.warnings.length, MAX_REPORTED);
    assert.match(many.message, /in more places than the 200 listed/);
  });
});
