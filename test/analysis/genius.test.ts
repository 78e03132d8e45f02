import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  analyzeNegotiation,
  exactUtility,
  GeniusFormatError,
  geniusFileKind,
  parseDecimal,
  parseGeniusDomain,
  parseGeniusProfile,
  rational,
  scaleParty,
  toNumber,
  writeGeniusDomain,
  writeGeniusProfile,
  ZERO,
  type Preferences,
} from '../../src/analysis/index.ts';
import { analyzeJson } from './cli-json.ts';
import { FIXTURES, fixtureFiles, fixtureNames, loadFixture } from './fixtures.ts';
import { randomProblem } from './random.ts';

const DOMAIN = `<negotiation_template><utility_space><objective index="0" name="d">
  <issue index="1" name="Colour" type="discrete"><item index="1" value="red"/><item index="2" value="blue"/></issue>
  <issue index="2" name="Size" type="integer" lowerbound="1" upperbound="3"/>
</objective></utility_space></negotiation_template>`;

function profile(
  body: string,
  weights = '<weight index="1" value="0.5"/><weight index="2" value="0.5"/>',
  extra = '',
): string {
  return `<utility_space><objective index="0" name="d">${body}${weights}</objective>${extra}</utility_space>`;
}
const GOOD_ISSUES = `<issue index="1" name="Colour" type="discrete"><item value="red" evaluation="2"/><item value="blue" evaluation="8"/></issue>
  <issue index="2" name="Size" type="integer"><evaluator ftype="linear" slope="0.25" offset="0.5"/></issue>`;

function expectError(run: () => unknown, fileName: string, element: RegExp, detail: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof GeniusFormatError, `not a GeniusFormatError: ${String(error)}`);
    assert.equal(error.fileName, fileName);
    assert.match(error.element, element);
    assert.match(error.message, detail);
    assert.ok(error.message.startsWith(`${fileName}: `));
    return true;
  });
}

describe('GENIUS XML', () => {
  it('identifies files by their root element, not their names', () => {
    for (const name of fixtureNames()) {
      const { domain, profiles } = fixtureFiles(name);
      assert.equal(geniusFileKind(readFileSync(domain, 'utf8'), domain), 'domain');
      for (const file of profiles) assert.equal(geniusFileKind(readFileSync(file, 'utf8'), file), 'profile');
    }
    // Grocery's profiles are named like domains.
    assert.ok(fixtureFiles('Grocery').profiles.some((file) => file.endsWith('Grocery_domain_mary.xml')));
  });

  it('normalises discrete evaluations by the issue’s largest and clamps integer evaluators, as GENIUS does', () => {
    const space = parseGeniusDomain(DOMAIN, 'd.xml');
    assert.deepEqual(space.issues[1]!.options, ['1', '2', '3']);
    const party = parseGeniusProfile(profile(GOOD_ISSUES), 'p.xml', space);
    const scaled = scaleParty(party);
    // red: 0.5 × 2/8; size 3: 0.5 × clamp(0.25 × (3 − 1) + 0.5) = 0.5 × 1.
    assert.equal(toNumber(exactUtility(scaled, [0, 2])), 0.5 * 0.25 + 0.5 * 1);
    assert.equal(toNumber(exactUtility(scaled, [1, 0])), 0.5 + 0.5 * 0.5);
    // Vacation: slope −0.1666… over weeks 1..4; EnergyGrid: offset 1, slope −0.15 over 8..14.
    const vacation = loadFixture('Vacation');
    const weeks = vacation.parties[0]!.utility;
    assert.ok(weeks.kind === 'additive');
    assert.equal(toNumber(weeks.evaluations[2]![3]!), 1 - 3 * 0.16666666666666666);
  });

  it('utilities are exact to 1e-12 against a naive floating-point sum of weight × evaluation', () => {
    for (const name of fixtureNames().filter((n) => !n.startsWith('10issues'))) {
      const problem = loadFixture(name);
      for (const party of problem.parties) {
        const utility = party.utility;
        assert.ok(utility.kind === 'additive');
        const scaled = scaleParty(party);
        for (let k = 0; k < 200; k++) {
          const outcome = problem.space.issues.map(
            (issue, i) => (k * 31 + i * 17 + ((k * i) % 7)) % issue.options.length,
          );
          const naive = outcome.reduce((sum, option, i) => {
            const raw = utility.rawEvaluations?.[i];
            const evaluation = raw
              ? toNumber(raw[option]!) / Math.max(...raw.map(toNumber))
              : toNumber(utility.evaluations[i]![option]!);
            return sum + toNumber(utility.weights[i]!) * evaluation;
          }, 0);
          assert.ok(Math.abs(toNumber(exactUtility(scaled, outcome)) - naive) < 1e-12, `${name}`);
        }
      }
    }
  });

  it('writes hyper-rectangle conditions as INCLUDES or EXCLUDES ranges', () => {
    const space = parseGeniusDomain(DOMAIN, 'd.xml');
    const nonlinear = `<utility_space type="nonlinear"><objective><utility maxutility="10"><ufun type="PlainUfun" aggregation="sum">
      <hyperRectangle utility="4"><EXCLUDES index="2" min="2" max="2"/></hyperRectangle>
      <hyperRectangle utility="6"><INCLUDES index="2" min="2" max="3"/></hyperRectangle></ufun></utility></objective></utility_space>`;
    const party = parseGeniusProfile(nonlinear, 'n.xml', space);
    const again = parseGeniusProfile(writeGeniusProfile(space, party), 'w.xml', space);
    for (const size of [0, 1, 2])
      assert.deepEqual(exactUtility(scaleParty(again), [0, size]), exactUtility(scaleParty(party), [0, size]));
    assert.equal(toNumber(exactUtility(scaleParty(party), [0, 2])), 1);
  });

  it('discretises real issues as the file says (21 points by default) and evaluates them linearly', () => {
    const domain = `<negotiation_template><utility_space><objective>
      <issue index="1" name="Price" type="real" lowerbound="0" upperbound="1" number_of_discretization_steps="5"/>
      <issue index="2" name="Rate" type="real"><range lowerbound="1" upperbound="3"/></issue>
    </objective></utility_space></negotiation_template>`;
    const space = parseGeniusDomain(domain, 'real.xml');
    assert.deepEqual(space.issues[0]!.options, ['0', '0.25', '0.5', '0.75', '1']);
    assert.equal(space.issues[1]!.options.length, 21);
    assert.equal(space.issues[1]!.options[20], '3');
    const party = parseGeniusProfile(
      `<utility_space><objective>
        <issue index="1" name="Price" type="real"><evaluator ftype="linear" slope="-1" offset="1"/></issue>
        <issue index="2" name="Rate" type="real"><evaluator ftype="linear" slope="0.5" offset="-0.5"/></issue>
        <weight index="1" value="0.6"/><weight index="2" value="0.4"/></objective></utility_space>`,
      'real-profile.xml',
      space,
    );
    // Price 0.25 → 1 − 0.25; Rate 2 (option 10) → 0.5 × 2 − 0.5.
    assert.deepEqual(exactUtility(scaleParty(party), [1, 10]), parseDecimal('0.65'));
  });

  it("matches profile issues by the domain's own issue numbers, not by position", () => {
    const domain = `<negotiation_template><utility_space><objective>
      <issue index="7" name="Colour" type="discrete"><item value="red"/><item value="blue"/></issue>
      <issue index="3" name="Size" type="discrete"><item value="S"/><item value="L"/></issue>
    </objective></utility_space></negotiation_template>`;
    const space = parseGeniusDomain(domain, 'numbered.xml');
    const party = parseGeniusProfile(
      `<utility_space><objective>
        <issue index="3" name="Size"><item value="S" evaluation="1"/><item value="L" evaluation="4"/></issue>
        <issue index="7" name="Colour"><item value="red" evaluation="2"/><item value="blue" evaluation="1"/></issue>
        <weight index="7" value="0.25"/><weight index="3" value="0.75"/></objective></utility_space>`,
      'numbered-profile.xml',
      space,
    );
    assert.deepEqual(exactUtility(scaleParty(party), [0, 1]), parseDecimal('1'));
    assert.deepEqual(exactUtility(scaleParty(party), [1, 0]), parseDecimal('0.3125'));
  });

  it('reads reservation values (0 when absent) and the ANAC 2014 hyper-rectangle profiles', () => {
    assert.equal(toNumber(loadFixture('Party').parties[0]!.reservation), 0);
    assert.equal(toNumber(loadFixture('Supermarket').parties[1]!.reservation), 0.5);
    const nonlinear = loadFixture('10issuesDiscountedwithRV');
    const utility = nonlinear.parties[0]!.utility;
    assert.ok(utility.kind === 'hyperrectangle');
    assert.equal(utility.rectangles.length, 20);
    assert.equal(toNumber(utility.maxUtility), 635);
  });

  it('writes domains and profiles that read back to the same utilities', () => {
    for (const name of ['Laptop', 'Vacation', 'EnergyGrid', '10issuesDiscountedwithRV']) {
      const problem = loadFixture(name);
      const space = parseGeniusDomain(writeGeniusDomain(problem.space), 'written-domain.xml');
      assert.deepEqual(
        space.issues.map((i) => i.options),
        problem.space.issues.map((i) => i.options),
      );
      problem.parties.forEach((party, p) => {
        const again = parseGeniusProfile(writeGeniusProfile(space, party), `written-${p}.xml`, space);
        assert.deepEqual(again.reservation, party.reservation);
        const before = scaleParty(party);
        const after = scaleParty(again);
        for (let k = 0; k < 50; k++) {
          const outcome = space.issues.map((issue, i) => (k * 7 + i * 3) % issue.options.length);
          assert.deepEqual(exactUtility(after, outcome), exactUtility(before, outcome), `${name} party ${p}`);
        }
      });
    }
    // Weights like 7/13 have no decimal form: refused by name rather than written approximately.
    const random = randomProblem(3, { parties: 2, issues: 3, maxOptions: 4, values: 'fine' });
    assert.throws(
      () => writeGeniusProfile(random.space, random.parties[0]!),
      /profile "p0": the weight of issue "i0" is \d+\/\d+, which has no exact decimal form.*round it to a decimal/,
    );
  });

  it('writes profiles that read back to identical rationals: evaluations like 5/9 as integers over a common denominator', () => {
    const decimal = fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(1n, 10n, 100n, 1000n, 8n));
    const domain = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }).chain((sizes) =>
      fc.record({
        sizes: fc.constant(sizes),
        // Weights in thousandths summing to 1000, as GENIUS files have them.
        weights: fc
          .array(fc.integer({ min: 0, max: 1000 }), { minLength: sizes.length, maxLength: sizes.length })
          .map((raw) => {
            const total = raw.reduce((a, b) => a + b, 0) || 1;
            const thousandths = raw.map((r) => Math.floor((r * 1000) / total));
            thousandths[0]! += 1000 - thousandths.reduce((a, b) => a + b, 0);
            return thousandths.map((t) => rational(BigInt(t), 1000n));
          }),
        // Scores over any integer denominator: 5/9, 2/7, …
        scores: fc.tuple(
          ...sizes.map((size) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: size, maxLength: size })),
        ),
        divisor: fc.integer({ min: 1, max: 13 }),
        reservation: decimal,
      }),
    );
    fc.assert(
      fc.property(domain, ({ sizes, weights, scores, divisor, reservation }) => {
        const space = {
          name: 'written',
          issues: sizes.map((size, i) => ({
            name: `issue ${i + 1}`,
            type: 'discrete' as const,
            options: Array.from({ length: size }, (_, o) => `option ${o + 1}`),
          })),
        };
        const evaluations = scores.map((row) => {
          const best = Math.max(...row);
          return row.map((score) => (best === 0 ? ZERO : rational(BigInt(score), BigInt(best))));
        });
        const party: Preferences = {
          name: 'written',
          reservation: rational(BigInt(reservation[0]), reservation[1]),
          utility: {
            kind: 'additive',
            weights,
            evaluations,
            rawEvaluations: scores.map((row) => row.map((score) => rational(BigInt(score), BigInt(divisor)))),
          },
        };
        const readSpace = parseGeniusDomain(writeGeniusDomain(space), 'domain.xml');
        const again = parseGeniusProfile(writeGeniusProfile(readSpace, party), 'profile.xml', readSpace);
        assert.ok(again.utility.kind === 'additive');
        assert.deepEqual(again.reservation, party.reservation);
        assert.deepEqual(again.utility.weights, weights);
        assert.deepEqual(again.utility.evaluations, evaluations);
      }),
      { numRuns: 200 },
    );
  });

  it('writes rectangle utilities that are not decimals over a common denominator, so they read back exactly', () => {
    const space = parseGeniusDomain(DOMAIN, 'd.xml');
    const party: Preferences = {
      name: 'thirds',
      reservation: ZERO,
      utility: {
        kind: 'hyperrectangle',
        maxUtility: rational(7n, 3n),
        weight: rational(1n),
        rectangles: [
          { utility: rational(1n, 3n), conditions: [{ issue: 1, options: [0, 1] }] },
          { utility: rational(2n), conditions: [{ issue: 1, options: [2] }] },
        ],
      },
    };
    const again = scaleParty(parseGeniusProfile(writeGeniusProfile(space, party), 'w.xml', space));
    for (const outcome of [
      [0, 0],
      [1, 1],
      [1, 2],
    ])
      assert.deepEqual(exactUtility(again, outcome), exactUtility(scaleParty(party), outcome));
    assert.deepEqual(exactUtility(again, [0, 2]), rational(6n, 7n));
  });

  it('reproduces the shipped pareto.xml of the 10^10-outcome ANAC 2014 domain', async () => {
    const problem = loadFixture('10issuesDiscountedwithRV');
    const shipped = readFileSync(join(FIXTURES, '10issuesDiscountedwithRV', 'pareto.xml'), 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => line.split(',').map(Number));
    const frontier = analyzeNegotiation(problem).frontier!;
    assert.equal(frontier.size, shipped.length);
    const ours = Array.from({ length: frontier.size }, (_, i) =>
      [0, 1].map((p) => toNumber({ num: frontier.exactNumerator(i, p), den: frontier.scaled[p]!.denominator })),
    );
    ours.sort((a, b) => a[0]! - b[0]!);
    shipped.sort((a, b) => a[0]! - b[0]!);
    // pareto.xml holds single-precision floats.
    ours.forEach((point, i) => point.forEach((u, p) => assert.ok(Math.abs(u - shipped[i]![p]!) < 1e-6, `point ${i}`)));
    // parley analyze --json reports the same frontier.
    const { domain, profiles } = fixtureFiles('10issuesDiscountedwithRV');
    const json = await analyzeJson([domain, ...profiles]);
    const reported = json.pareto.map((point) => point.utilities).sort((a, b) => a[0]! - b[0]!);
    reported.forEach((point, i) =>
      point.forEach((u, p) => assert.ok(Math.abs(u - ours[i]![p]!) < 1e-12, `reported point ${i}`)),
    );
    assert.equal(json.paretoSize, shipped.length);
  });
});

describe('GENIUS XML: hostile and broken files get clear errors', () => {
  const space = parseGeniusDomain(DOMAIN, 'd.xml');

  it('refuses entity declarations (billion laughs) without expanding them', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><negotiation_template>&lol2;</negotiation_template>`;
    expectError(() => parseGeniusDomain(bomb, 'bomb.xml'), 'bomb.xml', /DOCTYPE/, /not allowed/);
  });

  it('refuses documents nested too deep or too large', () => {
    const deep = `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`;
    expectError(() => parseGeniusDomain(deep, 'deep.xml'), 'deep.xml', /<a>/, /nested deeper/);
    const huge = `<negotiation_template>${' '.repeat(40 * 1024 * 1024)}</negotiation_template>`;
    expectError(() => parseGeniusDomain(huge, 'huge.xml'), 'huge.xml', /document/, /limit/);
    const wide = `<negotiation_template><utility_space><objective><issue name="n" type="integer" lowerbound="0" upperbound="999999999999"/></objective></utility_space></negotiation_template>`;
    expectError(() => parseGeniusDomain(wide, 'wide.xml'), 'wide.xml', /issue name="n"/, /limit/);
  });

  it('never hangs on pathological markup, and caps the size of the domain', { timeout: 20_000 }, () => {
    const unterminated = `<negotiation_template>${'<a'.repeat(2_000_000)}`;
    expectError(() => parseGeniusDomain(unterminated, 'open.xml'), 'open.xml', /document/, /not well-formed/);
    const issues = Array.from(
      { length: 20 },
      (_, i) => `<issue index="${i + 1}" name="n${i}" type="integer" lowerbound="0" upperbound="99999"/>`,
    ).join('');
    expectError(
      () =>
        parseGeniusDomain(
          `<negotiation_template><utility_space><objective>${issues}</objective></utility_space></negotiation_template>`,
          'many.xml',
        ),
      'many.xml',
      /issue name="n10"/,
      /more than 1000000 options in all/,
    );
  });

  it('reports malformed XML and wrong root elements', () => {
    expectError(
      () => parseGeniusDomain('<negotiation_template><utility_space>', 'cut.xml'),
      'cut.xml',
      /document/,
      /not well-formed/,
    );
    expectError(
      () => parseGeniusDomain('<utility_space/>', 'p.xml'),
      'p.xml',
      /<utility_space>/,
      /not a GENIUS domain/,
    );
    expectError(
      () => parseGeniusProfile(DOMAIN, 'd2.xml', space),
      'd2.xml',
      /<negotiation_template>/,
      /not a GENIUS profile/,
    );
  });

  it('reports wrong references between profile and domain', () => {
    const wrongIssue = GOOD_ISSUES.replace('name="Colour"', 'name="Flavour"');
    expectError(
      () => parseGeniusProfile(profile(wrongIssue), 'p.xml', space),
      'p.xml',
      /issue name="Flavour"/,
      /not "Flavour"/,
    );
    const wrongValue = GOOD_ISSUES.replace('value="blue"', 'value="green"');
    expectError(
      () => parseGeniusProfile(profile(wrongValue), 'p.xml', space),
      'p.xml',
      /item .*value="green"/,
      /not an option/,
    );
    const missingValue = GOOD_ISSUES.replace('<item value="blue" evaluation="8"/>', '');
    expectError(
      () => parseGeniusProfile(profile(missingValue), 'p.xml', space),
      'p.xml',
      /issue/,
      /no evaluation for option "blue"/,
    );
    expectError(
      () =>
        parseGeniusProfile(
          profile(GOOD_ISSUES, '<weight index="1" value="0.5"/><weight index="7" value="0.5"/>'),
          'p.xml',
          space,
        ),
      'p.xml',
      /weight index="7"/,
      /refers to no issue/,
    );
  });

  it('reports weights that do not sum to 1, negative or non-numeric values', () => {
    expectError(
      () =>
        parseGeniusProfile(
          profile(GOOD_ISSUES, '<weight index="1" value="0.5"/><weight index="2" value="0.7"/>'),
          'p.xml',
          space,
        ),
      'p.xml',
      /weight/,
      /sum to 1.2, not 1/,
    );
    expectError(
      () =>
        parseGeniusProfile(
          profile(GOOD_ISSUES, '<weight index="1" value="1.5"/><weight index="2" value="-0.5"/>'),
          'p.xml',
          space,
        ),
      'p.xml',
      /weight index="2"/,
      /negative/,
    );
    expectError(
      () => parseGeniusProfile(profile(GOOD_ISSUES.replace('evaluation="8"', 'evaluation="eight"')), 'p.xml', space),
      'p.xml',
      /item/,
      /not a decimal/,
    );
    expectError(
      () => parseGeniusProfile(profile(GOOD_ISSUES, undefined, '<reservation value="NaN"/>'), 'p.xml', space),
      'p.xml',
      /reservation/,
      /not a decimal/,
    );
  });

  it('reports broken hyper-rectangle profiles', () => {
    const nonlinear = (body: string) =>
      `<utility_space type="nonlinear"><objective>${body}</objective></utility_space>`;
    expectError(
      () =>
        parseGeniusProfile(
          nonlinear('<utility maxutility="0"><ufun type="PlainUfun" aggregation="sum"/></utility>'),
          'n.xml',
          space,
        ),
      'n.xml',
      /<utility>/,
      /positive/,
    );
    expectError(
      () =>
        parseGeniusProfile(
          nonlinear(
            '<utility maxutility="5"><ufun type="PlainUfun" aggregation="sum"><hyperRectangle utility="1"><INCLUDES index="9" min="0" max="1"/></hyperRectangle></ufun></utility>',
          ),
          'n.xml',
          space,
        ),
      'n.xml',
      /INCLUDES index="9"/,
      /refers to no issue/,
    );
  });
});
