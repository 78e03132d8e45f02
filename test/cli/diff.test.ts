import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { renderPointText } from '../../src/core/document.ts';
import type { Point } from '../../src/core/model.ts';
import { trackPointIds, versions as demoVersions } from '../../src/demo/geneva/versions.ts';
import { comparisonText } from '../../src/cli/diff-text.ts';
import { compareVersions } from '../../src/core/compare.ts';
import { buildApp } from '../../src/server/app.ts';
import { login } from '../../src/store/accounts.ts';
import { Store } from '../../src/store/store.ts';
import { getVersion } from '../../src/store/texts.ts';
import { decideOnText } from '../../src/store/transmission.ts';
import { compare, createVersion } from '../../src/store/versions.ts';
import { contextOf, demoDatabase } from '../helpers.ts';
import { parley } from './command.ts';

const N = 'geneva-2025';
const US28_LABEL = 'US 28-point plan (20 Nov 2025)';
/** Words only the US internal draft holds: no other party may ever read them. */
const SECRET = 'Fallback-Kestrel-Clause';

/** Runs `parley diff` piped (never a terminal), with colours not asked for either way. */
const diff = (...args: string[]) => parley(['diff', ...args], { NO_COLOR: '' });

/** The words of a text, lower case, of five letters or more (short ones are everywhere). */
const wordsOf = (text: string) => new Set(text.toLowerCase().match(/[\p{L}]{5,}/gu) ?? []);
const pointWords = (points: Point[]) =>
  points.flatMap((point) => [...wordsOf(`${point.title} ${renderPointText(point)}`)]);

/** The prose of a comparison as JSON (the ids of issues and options aside): labels, summaries, titles, texts, words. */
function proseOf(body: any): string {
  const points = [...body.base.points, ...body.proposal.points] as Point[];
  return [
    ...[body.base, body.proposal].flatMap((side) => [side.label, side.summary]),
    ...points.flatMap((point) => [
      point.title,
      point.text,
      ...point.brackets.flatMap((b) => b.alternatives.map((a) => a.text)),
    ]),
    ...body.comparison.points.flatMap((point: any) => [
      point.baseTitle,
      point.proposalTitle,
      ...(point.words ?? []).map((w: any) => w.text),
    ]),
  ].join(' ');
}

describe('parley diff', () => {
  let db: string;
  let draftId: string;
  let routeAnswer: unknown;
  before(async () => {
    db = await demoDatabase();
    const store = await Store.open(db);
    try {
      // Both presidents approve the post-Geneva text, so it reaches Russia, which sits outside the
      // EU–NATO track: Russia then reads it without the track's points.
      const trump = await contextOf(store, 'us-principal@demo.parley', N);
      const v19 = await getVersion(store, trump, 'v-geneva-19');
      await decideOnText(store, trump, 'v-geneva-19', {
        ruleId: 'rule-presidents-before-moscow',
        stageId: 'stage-presidents',
        decision: 'approve',
        comment: '',
        contentHash: v19.contentHash!,
      });
      // A US internal draft, labelled like the US plan Russia did receive.
      const us = await contextOf(store, 'us@demo.parley', N);
      const us28 = await getVersion(store, us, 'v-us-28');
      const draft = await createVersion(store, us, {
        parentId: 'v-us-28',
        kind: 'draft',
        label: US28_LABEL,
        summary: '',
        authorPartyId: 'us',
        internal: true,
        points: us28.points.map((point) =>
          point.number === 2 ? { ...point, text: `${point.text} ${SECRET} applies.` } : point,
        ),
        optionChoices: {},
        source: null,
      });
      draftId = draft.id;
      // What the API's compare route answers the US lead for the same two versions.
      const app = await buildApp({ store, logger: false });
      try {
        const session = await login(store, 'us@demo.parley', 'parley-demo');
        assert.ok(session);
        const answer = await app.inject({
          method: 'GET',
          url: `/api/negotiations/${N}/versions/v-geneva-19/compare?base=v-us-28`,
          headers: { authorization: `Bearer ${session.token}` },
        });
        assert.equal(answer.statusCode, 200, answer.body);
        routeAnswer = answer.json();
      } finally {
        await app.close();
      }
    } finally {
      await store.close();
    }
  });

  test('piped, a changed point shows its removed words as [-…-] and its added words as {+…+}', () => {
    const result = diff('v-us-28', 'v-e3-counter', '--db', db);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^--- v-us-28: US 28-point plan/m);
    assert.match(result.stdout, /^Point 6 → 5: armed forces size \(renumbered, changed\)$/m);
    assert.match(result.stdout, /limited to \[-600-\]\{\+800\+\},000 personnel/);
    assert.match(result.stdout, /^Point 26: amnesty \(removed\)\n {4}\[-Everyone involved/m);
    assert.match(result.stdout, /1 point is unchanged \(point 1\); --all shows them/);
    assert.ok(!result.stdout.includes('\u001b['), 'no colour codes when piped');
    const all = diff('v-us-28', 'v-e3-counter', '--db', db, '--all');
    assert.match(all.stdout, /^Point 1: .*\(unchanged\)$/m);
  });

  test('on a terminal, removed words are red and struck through, added words green', async () => {
    const store = await Store.open(db);
    try {
      const result = await compare(store, await store.operatorContext(N), 'v-e3-counter', 'v-us-28');
      const text = comparisonText(result, { all: false, color: true });
      assert.ok(
        text.includes('limited to \u001b[31m\u001b[9m600\u001b[29m\u001b[39m\u001b[32m800\u001b[39m,000'),
        text,
      );
      assert.doesNotMatch(text, /\[-|\{\+/);
    } finally {
      await store.close();
    }
  });

  test('--json is what the API compare route answers for the same reader and versions', () => {
    const result = diff('v-us-28', 'v-geneva-19', '--db', db, '--as', 'us@demo.parley', '--json');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), routeAnswer);
  });

  test('versions are named by label too, matched among those the reader may see', () => {
    const byLabel = diff('us 28-point plan (20 nov 2025)', 'E3 counter-proposal (23 Nov 2025)', '--db', db, '--json');
    assert.notEqual(byLabel.code, 0, 'the operator sees two versions with that label');
    assert.equal(byLabel.code, 2);
    assert.match(byLabel.stderr, /the label "us 28-point plan \(20 nov 2025\)" names 2 versions; name one by its id/);
    assert.match(byLabel.stderr, /v-us-28 \("US 28-point plan/);
    assert.ok(byLabel.stderr.includes(draftId), byLabel.stderr);

    // Russia never received the US internal draft: for Russia the label names the US plan alone,
    // and nothing tells that another text bears it.
    const asRussia = diff(
      US28_LABEL,
      'E3 counter-proposal (23 Nov 2025)',
      '--db',
      db,
      '--as',
      'ru@demo.parley',
      '--json',
    );
    assert.equal(asRussia.code, 0, asRussia.stderr);
    const body = JSON.parse(asRussia.stdout);
    assert.equal(body.base.id, 'v-us-28');
    assert.equal(body.proposal.id, 'v-e3-counter');
  });

  test('as a Russian member, a US internal draft is refused exactly as export refuses it', () => {
    for (const name of [draftId, 'v-no-such-version']) {
      const exported = parley(['export', '--db', db, '--as', 'ru@demo.parley', '--version', name]);
      assert.equal(exported.code, 1);
      for (const args of [
        ['v-us-28', name],
        [name, 'v-us-28'],
      ]) {
        const result = diff(...args, '--db', db, '--as', 'medinsky@demo.parley');
        assert.equal(result.code, exported.code);
        assert.equal(result.stderr, exported.stderr, 'the same refusal for an internal draft and for nothing at all');
        assert.equal(result.stdout, '');
      }
    }
    const refused = diff('v-us-28', draftId, '--db', db, '--as', 'ru@demo.parley');
    assert.equal(refused.stderr, `parley: version "${draftId}" was not found, or you may not see it\n`);
    // Its own party reads the draft, and the operator too.
    for (const as of [['--as', 'witkoff@demo.parley'], []]) {
      const seen = diff('v-us-28', draftId, '--db', db, ...as);
      assert.equal(seen.code, 0, seen.stderr);
      assert.match(seen.stdout, new RegExp(`\\{\\+${SECRET} applies\\.\\+\\}`));
    }
  });

  test('a reader outside a track reads no word of the points it withholds, as text or JSON', () => {
    const v19 = demoVersions.find((version) => version.id === 'v-geneva-19')!;
    const withheld = v19.points.filter((point) => trackPointIds.includes(point.id));
    const seenByRussia = new Set(
      [
        ...demoVersions.filter((version) => version.id !== 'v-geneva-19').flatMap((version) => version.points),
        ...v19.points.filter((point) => !trackPointIds.includes(point.id)),
      ].flatMap((point) => pointWords([point])),
    );
    const secret = [...new Set(pointWords(withheld))].filter((word) => !seenByRussia.has(word));
    assert.ok(secret.length >= 3, `the track's points hold words of their own: ${secret.join(', ')}`);

    const operator = diff('v-us-28', 'v-geneva-19', '--db', db);
    assert.equal(operator.code, 0, operator.stderr);
    const operatorWords = wordsOf(operator.stdout);
    for (const word of secret) assert.ok(operatorWords.has(word), `the operator reads "${word}"`);

    const asRussia = (format: string[]) =>
      diff('v-us-28', 'v-geneva-19', '--db', db, '--as', 'ru@demo.parley', ...format);
    const text = asRussia([]);
    for (const format of [[], ['--json'], ['--all']]) {
      const result = format.length === 0 ? text : asRussia(format);
      assert.equal(result.code, 0, result.stderr);
      const shown = wordsOf(format[0] === '--json' ? proseOf(JSON.parse(result.stdout)) : result.stdout);
      for (const word of secret) assert.ok(!shown.has(word), `Russia reads "${word}" (${format.join(' ')})`);
    }
    const numbers = withheld.map((point) => point.number).sort((a, b) => a - b);
    assert.ok(
      text.stdout.includes(
        `v-geneva-19: points ${numbers.join(', ')} are negotiated in a separate format you are not part of`,
      ),
      text.stdout,
    );
  });
});

describe('parley diff on merged and split points', () => {
  test('a merge and a split are said as such, with the points they came from and went into, never as removed', () => {
    const point = (id: string, number: number, text: string, derivedFrom?: string[]): Point => ({
      id,
      number,
      title: `Title ${id}`,
      text,
      brackets: [],
      issueIds: [],
      trackId: null,
      ...(derivedFrom ? { derivedFrom } : {}),
    });
    const view = (id: string, points: Point[]) =>
      ({ id, label: id, points, separateFormat: null }) as unknown as Parameters<typeof comparisonText>[0]['base'];
    const base = [point('a', 1, 'One.'), point('b', 2, 'Two.'), point('c', 3, 'Three and four.')];
    const proposal = [
      point('a', 1, 'One. Two.', ['a', 'b']),
      point('c', 2, 'Three'),
      point('c2', 3, 'and four.', ['c']),
    ];
    const text = comparisonText(
      { base: view('v1', base), proposal: view('v2', proposal), comparison: compareVersions(base, proposal) },
      { all: false, color: false },
    );
    assert.match(text, /^Point 2: Title b \(merged\)\n {4}merged into point 1$/m);
    assert.match(text, /^Point 1: Title a \(merged, changed\)\n {4}merged from points 1, 2$/m);
    assert.match(text, /^Point 3: Title c2 \(split, changed\)\n {4}title: .*\n {4}split from point 3$/m);
    assert.match(text, /^Point 3 → 2: Title c \(split, renumbered, changed\)\n {4}split from point 3$/m);
    assert.doesNotMatch(text, /removed/);
  });
});
