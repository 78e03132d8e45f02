import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Id, Point, Version } from '../../src/core/model.ts';
import { updateNegotiation } from '../../src/store/negotiations.ts';
import { addParty, updateParty } from '../../src/store/parties.ts';
import { createPosition, updatePosition } from '../../src/store/positions.ts';
import { createRound } from '../../src/store/rounds.ts';
import { createStatement } from '../../src/store/statements.ts';
import { Store } from '../../src/store/store.ts';
import { createRule, proposeRuleChange } from '../../src/store/transmission.ts';
import { createVersion, transmitVersion } from '../../src/store/versions.ts';
import { getVersion } from '../../src/store/texts.ts';
import { assertForbidden, contextOf, demoDatabase } from '../helpers.ts';

/**
 * Red team: the US's post-Geneva text (held back from Russia until both presidents approve) must not
 * reach Russia through any field another party reads, written by anyone who legitimately holds it
 * (the EU, the E3, the mediators). Each attack is the store command its route calls.
 */

const GOVERNED = 'v-geneva-19';

const as = (store: Store, email: string) => contextOf(store, email);

const refused = (work: Promise<unknown>, pattern: RegExp = /Presidents approve/) => assertForbidden(work, pattern);

/** The longest point of the governed text that Russia has not received, as a reader would retype it (≤ 300 characters). */
async function governedWords(store: Store): Promise<string> {
  const us = await as(store, 'us@demo.parley');
  const text = await getVersion(store, us, GOVERNED);
  const ru = await as(store, 'ru@demo.parley');
  const held = JSON.stringify(await getVersion(store, ru, 'v-us-28').catch(() => ''));
  const fresh = text.points
    .filter((p) => p.trackId === null && !held.includes(p.text.slice(0, 40)))
    .map((p) => p.text.replace(/\[\[[^\]]*\]\]/g, ' '))
    .sort((a, b) => b.length - a.length);
  assert.ok(fresh.length > 0);
  return fresh[0]!.slice(0, 300);
}

const own: Point = {
  id: 'p-own',
  number: 1,
  title: 'Preamble',
  text: 'The parties meet in good faith.',
  brackets: [],
  issueIds: [],
  trackId: null,
};

const draft = (authorPartyId: Id | null, extra: Partial<Version> = {}) => ({
  parentId: null,
  kind: 'draft' as const,
  label: 'Working paper',
  summary: '',
  authorPartyId,
  points: [own],
  optionChoices: {},
  source: null,
  ...extra,
});

describe('red team: every field another party reads passes the gate', () => {
  let store: Store;
  let words: string;
  before(async () => {
    store = await Store.open(await demoDatabase());
    words = await governedWords(store);
  });

  test("a version's label carrying the text, sent by the EU, is held back", async () => {
    const eu = await as(store, 'eu@demo.parley');
    const made = await createVersion(store, eu, draft('eu', { label: words }));
    await refused(transmitVersion(store, eu, made.id, ['ru']));
  });

  test("a version's source carrying the text, sent by the EU, is held back", async () => {
    const eu = await as(store, 'eu@demo.parley');
    const made = await createVersion(store, eu, draft('eu', { source: `Reported: ${words}` }));
    await refused(transmitVersion(store, eu, made.id, ['ru']));
  });

  test("the negotiation's summary, written by a mediator, is refused", async () => {
    const mediator = await as(store, 'mediator@demo.parley');
    await refused(updateNegotiation(store, mediator, mediator.negotiation.revision, { summary: words }));
  });

  test("a party's name, written by a mediator, is refused", async () => {
    const mediator = await as(store, 'mediator@demo.parley');
    await refused(addParty(store, mediator, { name: words, shortName: 'X', kind: 'party', memberPartyIds: [] }));
    const ru = mediator.parties.find((p) => p.id === 'ru')!;
    await refused(updateParty(store, mediator, 'ru', ru.revision, { name: words }));
  });

  test("a rule's name and description, which every party reads, are refused", async () => {
    const mediator = await as(store, 'mediator@demo.parley');
    const terms = {
      name: 'Europe informs the table',
      description: words,
      fromPartyIds: ['us'],
      toPartyIds: ['ru'],
      stages: [
        {
          id: 'stage-x',
          name: 'Trump approves',
          mode: 'all' as const,
          approverUserIds: ['u-us-principal'],
          deadline: null,
        },
      ],
      lateDecisions: 'allowed' as const,
    };
    await refused(createRule(store, mediator, terms));
    await refused(
      proposeRuleChange(store, mediator, 'rule-presidents-before-moscow', 1, {
        name: 'Presidents approve',
        description: words,
        fromPartyIds: ['us', 'ua'],
        toPartyIds: ['ru'],
        stages: [
          {
            id: 'stage-presidents',
            name: 'Presidents approve',
            mode: 'all',
            approverUserIds: ['u-ua-principal', 'u-us-principal'],
            deadline: null,
          },
        ],
        lateDecisions: 'allowed',
      }),
    );
  });

  test("a round's participants, source and joint statements' sources are refused", async () => {
    const mediator = await as(store, 'mediator@demo.parley');
    const round = (extra: object) =>
      createRound(store, mediator, {
        title: 'Abu Dhabi',
        startsOn: '2025-11-26',
        endsOn: null,
        place: 'Abu Dhabi',
        participants: [],
        agendaPointIds: [],
        versionId: null,
        outcomeVersionId: null,
        outcome: '',
        statements: [],
        source: null,
        ...extra,
      });
    await refused(round({ participants: [{ partyId: 'us', people: [words] }] }));
    await refused(round({ source: words }));
    await refused(
      round({
        statements: [
          { id: 's1', title: 'Joint', date: '2025-11-26', text: 'We met.', signatoryPartyIds: [], source: words },
        ],
      }),
    );
  });

  test("a statement's source is refused", async () => {
    const mediator = await as(store, 'mediator@demo.parley');
    await refused(
      createStatement(store, mediator, {
        speaker: 'A spokesperson',
        affiliation: 'Mediation',
        partyId: null,
        date: '2025-11-26',
        quote: 'Talks were constructive.',
        stance: 'neutral',
        pointIds: [],
        source: words,
      }),
    );
  });

  test("a public position's source is refused, and so is widening a party position that holds the text", async () => {
    const eu = await as(store, 'eu@demo.parley');
    const position = {
      versionId: 'v-us-28',
      pointId: 'pt-1',
      partyId: 'eu',
      stance: 'amend' as const,
      proposedText: 'Shorter wording.',
      rationale: '',
      visibility: 'public' as const,
      source: words,
    };
    await refused(createPosition(store, eu, position));
    const inside = await createPosition(store, eu, {
      ...position,
      source: null,
      rationale: words,
      visibility: 'party',
    });
    await refused(updatePosition(store, eu, inside.id, inside.revision, { visibility: 'public' }));
  });
});

/** Spellings a reader still reads as the text: each is a statement quoting a governed point so spelled. */
const spellings: Record<string, (text: string) => string> = {
  'negative squared letters': (t) => letters(t, 0x1f170),
  'negative circled letters': (t) => letters(t, 0x1f150),
  'regional indicator letters': (t) => letters(t, 0x1f1e6),
  'invisible tag characters': (t) => [...t].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join(''),
  'a right-to-left override over the reversed text': (t) => `\u202e${[...t].reverse().join('')}`,
  'each word reversed under its own override': (t) =>
    t
      .split(' ')
      .map((w) => `\u202e${[...w].reverse().join('')}\u202c`)
      .join(' '),
  'an Arabic tatweel after every third letter': (t) => [...t].map((c, i) => (i % 3 === 2 ? `${c}\u0640` : c)).join(''),
  'l33t digits and signs': (t) =>
    t.replace(/e/g, '3').replace(/a/g, '@').replace(/o/g, '0').replace(/s/g, '$').replace(/t/g, '7'),
  'small capitals': (t) =>
    t.toLowerCase().replace(/[a-z]/g, (c) => 'ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡxʏᴢ'[c.charCodeAt(0) - 97]!),
  'Greek epsilons': (t) => t.replace(/e/g, 'ε'),
  'HTML character references': (t) => t.replace(/[aeiou ]/g, (c) => (c === ' ' ? '&nbsp;' : `&#${c.charCodeAt(0)};`)),
};

function letters(text: string, base: number): string {
  return [...text]
    .map((c) => (/[a-z]/i.test(c) ? String.fromCodePoint(base + c.toUpperCase().charCodeAt(0) - 65) : c))
    .join('');
}

describe('red team: another spelling of the text is the text', () => {
  let store: Store;
  let words: string;
  before(async () => {
    store = await Store.open(await demoDatabase());
    words = await governedWords(store);
  });
  for (const [name, spell] of Object.entries(spellings))
    test(`a statement quoting the text in ${name} is refused`, async () => {
      const mediator = await as(store, 'mediator@demo.parley');
      await refused(
        createStatement(store, mediator, {
          speaker: 'A spokesperson',
          affiliation: 'Mediation',
          partyId: null,
          date: '2025-11-26',
          quote: spell(words),
          stance: 'neutral',
          pointIds: [],
          source: 'https://example.org',
        }),
      );
    });
});
