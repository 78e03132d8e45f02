import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VISIBILITIES, type Id, type Membership, type Visibility } from '../../src/core/model.ts';
import {
  canActForParty,
  canSeeNegotiation,
  canSeeOwned,
  canSeePoint,
  canSeeTrack,
  canSeeVersion,
  canWriteDraft,
  ownedVisibilityRule,
  readerView,
  viewerScope,
  visiblePoints,
  type OwnedVisibilityRule,
  type ViewerScope,
} from '../../src/core/visibility.ts';
import { coalition, membership, party, point, track, version } from './builders.ts';

// The table: the US, Ukraine, Russia, France and Germany; France and Germany propose together as the E3.
const parties = [party('us'), party('ua'), party('ru'), party('fr'), party('de'), coalition('e3', ['fr', 'de'])];
const memberships: Membership[] = [
  membership('u-us', 'us'),
  membership('u-ua', 'ua', { role: 'principal' }),
  membership('u-ru', 'ru'),
  membership('u-fr', 'fr'),
  membership('u-de', 'de'),
  membership('u-e3', 'e3'),
  membership('u-med', null),
];

const scopeOf = (userId: Id, isAdmin = false): ViewerScope => viewerScope(userId, isAdmin, memberships, parties);
const admin = scopeOf('u-admin', true);
const mediator = scopeOf('u-med');
const us = scopeOf('u-us');
const ru = scopeOf('u-ru');
const fr = scopeOf('u-fr');
const de = scopeOf('u-de');
const e3Delegate = scopeOf('u-e3');
const outsider = scopeOf('u-nobody');

describe('viewerScope', () => {
  test('a party member also works inside the coalitions their party belongs to', () => {
    assert.deepEqual(fr.partyIds, ['e3', 'fr']);
    assert.deepEqual(de.partyIds, ['de', 'e3']);
    assert.equal(fr.isMember, true);
    assert.equal(fr.isMediator, false);
  });

  test("a coalition's own delegate does not become a member of the coalition's parties", () => {
    assert.deepEqual(e3Delegate.partyIds, ['e3']);
  });

  test('a party outside every coalition opens only its own party', () => {
    assert.deepEqual(ru.partyIds, ['ru']);
  });

  test("a mediator belongs to no party; an outsider is no member; other users' memberships are ignored", () => {
    assert.deepEqual(mediator, {
      userId: 'u-med',
      isOperator: false,
      isMediator: true,
      partyIds: [],
      isMember: true,
      sendingPartyIds: [],
    });
    assert.deepEqual(outsider, {
      userId: 'u-nobody',
      isOperator: false,
      isMediator: false,
      partyIds: [],
      isMember: false,
      sendingPartyIds: [],
    });
    assert.deepEqual(admin, {
      userId: 'u-admin',
      isOperator: true,
      isMediator: false,
      partyIds: [],
      isMember: false,
      sendingPartyIds: [],
    });
  });

  test('only members and the command line operator open the negotiation', () => {
    assert.equal(canSeeNegotiation(admin), true);
    assert.equal(canSeeNegotiation(mediator), true);
    assert.equal(canSeeNegotiation(ru), true);
    assert.equal(canSeeNegotiation(outsider), false);
  });
});

describe('party material (positions, red lines, preferences)', () => {
  test("a party's internal position is hidden from other parties and from mediators", () => {
    const internal = { partyId: 'ru', visibility: 'party' as const };
    assert.equal(canSeeOwned(ru, internal), true);
    assert.equal(canSeeOwned(us, internal), false);
    assert.equal(canSeeOwned(fr, internal), false);
    assert.equal(canSeeOwned(mediator, internal), false);
    assert.equal(canSeeOwned(outsider, internal), false);
    assert.equal(canSeeOwned(admin, internal), true);
  });

  test('a mediator sees what a party shared with mediators, other parties do not', () => {
    const shared = { partyId: 'ru', visibility: 'mediator' as const };
    assert.equal(canSeeOwned(mediator, shared), true);
    assert.equal(canSeeOwned(ru, shared), true);
    assert.equal(canSeeOwned(us, shared), false);
    assert.equal(canSeeOwned(fr, shared), false);
  });

  test('public material is seen by every member and by no outsider', () => {
    const published = { partyId: 'ru', visibility: 'public' as const };
    for (const scope of [ru, us, fr, de, e3Delegate, mediator, admin])
      assert.equal(canSeeOwned(scope, published), true, scope.userId);
    assert.equal(canSeeOwned(outsider, published), false);
  });

  test("a French delegate sees the E3 coalition's internal material but not Germany's", () => {
    assert.equal(canSeeOwned(fr, { partyId: 'e3', visibility: 'party' }), true);
    assert.equal(canSeeOwned(fr, { partyId: 'de', visibility: 'party' }), false);
    assert.equal(canSeeOwned(fr, { partyId: 'de', visibility: 'mediator' }), false);
    assert.equal(canSeeOwned(de, { partyId: 'fr', visibility: 'party' }), false);
  });

  test("a coalition's own delegate does not see its member parties' internal material", () => {
    assert.equal(canSeeOwned(e3Delegate, { partyId: 'e3', visibility: 'party' }), true);
    assert.equal(canSeeOwned(e3Delegate, { partyId: 'fr', visibility: 'party' }), false);
  });

  test('members act for their own party and its coalitions only; mediators act for no party', () => {
    assert.equal(canActForParty(fr, 'fr'), true);
    assert.equal(canActForParty(fr, 'e3'), true);
    assert.equal(canActForParty(fr, 'de'), false);
    assert.equal(canActForParty(e3Delegate, 'fr'), false);
    assert.equal(canActForParty(mediator, 'ru'), false);
    assert.equal(canActForParty(outsider, 'ru'), false);
    assert.equal(canActForParty(admin, 'ru'), true);
  });

  test('property: canSeeOwned agrees with the data rule of ownedVisibilityRule and with the policy written by hand, for every viewer × visibility × owner', () => {
    // The rule as data, interpreted the way a query would: no restriction, or owner IN (...) OR visibility IN (...).
    const interpret = (rule: OwnedVisibilityRule, item: { partyId: Id; visibility: Visibility }): boolean =>
      rule.all || rule.ownerPartyIds.includes(item.partyId) || rule.visibilities.includes(item.visibility);
    // The policy in words, independent of both renderings.
    const expected: Record<string, (owner: Id, visibility: Visibility) => boolean> = {
      admin: () => true,
      mediator: (_owner, visibility) => visibility !== 'party',
      'member of party A (ru)': (owner, visibility) => owner === 'ru' || visibility === 'public',
      'member of a coalition member (fr)': (owner, visibility) =>
        owner === 'fr' || owner === 'e3' || visibility === 'public',
      outsider: () => false,
    };
    const viewers: Record<string, ViewerScope> = {
      admin,
      mediator,
      'member of party A (ru)': ru,
      'member of a coalition member (fr)': fr,
      outsider,
    };
    const owners = parties.map((p) => p.id);
    let checked = 0;
    for (const [kind, scope] of Object.entries(viewers)) {
      const rule = ownedVisibilityRule(scope);
      for (const visibility of VISIBILITIES) {
        for (const owner of owners) {
          const item = { partyId: owner, visibility };
          const actual = canSeeOwned(scope, item);
          const label = `${kind} looking at ${owner}'s ${visibility} material`;
          assert.equal(actual, interpret(rule, item), `${label}: canSeeOwned disagrees with ownedVisibilityRule`);
          assert.equal(actual, expected[kind]!(owner, visibility), `${label}: policy broken`);
          checked++;
        }
      }
    }
    assert.equal(checked, 5 * VISIBILITIES.length * owners.length);
  });

  test('property: a non-member who is not the operator sees nothing, whatever rule shape', () => {
    assert.deepEqual(ownedVisibilityRule(outsider), { all: false, ownerPartyIds: [], visibilities: [] });
    // Even a forged scope naming parties sees nothing while it is not a member.
    const forged: ViewerScope = {
      userId: 'x',
      isOperator: false,
      isMediator: true,
      partyIds: ['ru'],
      isMember: false,
      sendingPartyIds: ['ru'],
    };
    for (const visibility of VISIBILITIES) {
      for (const p of parties)
        assert.equal(canSeeOwned(forged, { partyId: p.id, visibility }), false, `${p.id}/${visibility}`);
    }
  });

  test('the rule as data: administrators unrestricted, mediators add "mediator" visibility, members only "public"', () => {
    assert.deepEqual(ownedVisibilityRule(admin), { all: true });
    assert.deepEqual(ownedVisibilityRule(mediator), {
      all: false,
      ownerPartyIds: [],
      visibilities: ['public', 'mediator'],
    });
    assert.deepEqual(ownedVisibilityRule(fr), { all: false, ownerPartyIds: ['e3', 'fr'], visibilities: ['public'] });
  });
});

describe('versions', () => {
  test('a version reaches a party only once transmitted', () => {
    const usDraft = version('v-us', { authorPartyId: 'us', kind: 'proposal' });
    assert.equal(canSeeVersion(us, usDraft, []), true, 'the author has it from the start');
    assert.equal(canSeeVersion(ru, usDraft, []), false, 'not yet transmitted to Russia');
    assert.equal(canSeeVersion(fr, usDraft, []), false);
    assert.equal(canSeeVersion(ru, usDraft, ['ru']), true, 'transmitted to Russia');
    assert.equal(canSeeVersion(fr, usDraft, ['ru']), false, 'transmitted to Russia only');
    assert.equal(canSeeVersion(outsider, usDraft, ['ru']), false);
  });

  test('a version transmitted to a coalition reaches the delegates of its member parties', () => {
    const usDraft = version('v-us', { authorPartyId: 'us' });
    assert.equal(canSeeVersion(fr, usDraft, ['e3']), true);
    assert.equal(canSeeVersion(de, usDraft, ['e3']), true);
    assert.equal(canSeeVersion(ru, usDraft, ['e3']), false);
  });

  test('a mediator sees every version except an internal draft, which stays inside its author party', () => {
    const shared = version('v-ru', { authorPartyId: 'ru' });
    const internal = version('v-ru-internal', { authorPartyId: 'ru', internal: true });
    assert.equal(canSeeVersion(mediator, shared, []), true);
    assert.equal(canSeeVersion(mediator, internal, []), false);
    assert.equal(canSeeVersion(ru, internal, []), true);
    assert.equal(canSeeVersion(us, internal, ['us']), false, 'listing a recipient does not leak an internal draft');
    assert.equal(canSeeVersion(admin, internal, []), true);
  });

  test("a French delegate sees the E3 coalition's internal draft but not Germany's", () => {
    assert.equal(canSeeVersion(fr, version('v-e3', { authorPartyId: 'e3', internal: true }), []), true);
    assert.equal(canSeeVersion(fr, version('v-de', { authorPartyId: 'de', internal: true }), []), false);
    assert.equal(canSeeVersion(e3Delegate, version('v-fr', { authorPartyId: 'fr', internal: true }), []), false);
  });

  test('a text of the table (no author) reaches parties only once transmitted; mediators see it', () => {
    const tableText = version('v-table', { authorPartyId: null });
    assert.equal(canSeeVersion(ru, tableText, []), false);
    assert.equal(canSeeVersion(ru, tableText, ['ru', 'us']), true);
    assert.equal(canSeeVersion(mediator, tableText, []), true);
  });
});

describe('tracks', () => {
  const euNato = track('t-eu-nato', ['us', 'ua', 'e3'], ['p2']);
  const tracks = [euNato];

  test('a point in a track is hidden from parties outside the track', () => {
    const inTrack = point('p2', 2, { trackId: 't-eu-nato' });
    assert.equal(canSeePoint(ru, inTrack, tracks), false);
    assert.equal(canSeePoint(us, inTrack, tracks), true);
    assert.equal(canSeePoint(fr, inTrack, tracks), true, 'France is in the track through the E3');
    assert.equal(canSeePoint(mediator, inTrack, tracks), true);
    assert.equal(canSeePoint(admin, inTrack, tracks), true);
    assert.equal(canSeePoint(outsider, inTrack, tracks), false);
  });

  test('a track is seen by its parties and the mediators only; outsiders never', () => {
    assert.equal(canSeeTrack(ru, euNato), false);
    assert.equal(canSeeTrack(de, euNato), true);
    assert.equal(canSeeTrack(mediator, euNato), true);
    assert.equal(canSeeTrack(outsider, track('t-open', ['us'])), false);
  });

  test('a point outside any track is seen by everyone who sees the version', () => {
    assert.equal(canSeePoint(ru, point('p1', 1), tracks), true);
  });

  test('the same point in a version that does not assign it to the track stays visible', () => {
    // p2 is listed in the track, but this version does not put it there (trackId null).
    assert.equal(canSeePoint(ru, point('p2', 2, { trackId: null }), tracks), true);
  });

  test('a point assigned to an unknown track is seen by administrators only', () => {
    const orphan = point('p9', 9, { trackId: 't-missing' });
    assert.equal(canSeePoint(admin, orphan, tracks), true);
    assert.equal(canSeePoint(mediator, orphan, tracks), false);
    assert.equal(canSeePoint(us, orphan, tracks), false);
  });

  test('visiblePoints removes the track points a viewer may not see and keeps the rest of the version', () => {
    const v = version('v1', {
      label: 'Framework',
      points: [point('p1', 1), point('p2', 2, { trackId: 't-eu-nato' }), point('p3', 3)],
    });
    const forRussia = visiblePoints(ru, v, tracks);
    assert.deepEqual(
      forRussia.points.map((p) => p.id),
      ['p1', 'p3'],
    );
    assert.equal(forRussia.label, 'Framework');
    assert.deepEqual(
      visiblePoints(us, v, tracks).points.map((p) => p.id),
      ['p1', 'p2', 'p3'],
    );
    assert.equal(v.points.length, 3, 'the original version is not changed');
  });
});

describe('merged and split points name their origins only where the reader may know of them', () => {
  const sanctions = track('t-sanctions', ['us', 'ua'], ['p-old-track']);
  const v = version('v2', {
    points: [
      point('p-merged', 1, { derivedFrom: ['p-a', 'p-in-track'] }),
      point('p-track-merged', 2, { trackId: 't-sanctions', derivedFrom: ['p-b'] }),
      point('p-from-old', 3, { derivedFrom: ['p-old-track'] }),
    ],
  });
  const view = (scope: ViewerScope, elsewhere: Id[] = []) =>
    readerView(scope, v, [], 'hash', [sanctions], [], new Set(elsewhere));

  test("a reader outside a track is not told that a point was made from the track's points", () => {
    const seen = view(ru, ['p-in-track']);
    assert.deepEqual(
      seen.points.map((p) => [p.id, p.derivedFrom]),
      [
        ['p-merged', ['p-a']],
        // Its only origin was a point of the track: it says nothing of where it came from.
        ['p-from-old', undefined],
      ],
    );
    assert.ok(!JSON.stringify(seen).includes('p-in-track'));
    assert.ok(!JSON.stringify(seen).includes('p-old-track'));
  });

  test("the track's parties and the mediators read every origin", () => {
    for (const scope of [us, mediator])
      assert.deepEqual(
        view(scope).points.map((p) => p.derivedFrom),
        [['p-a', 'p-in-track'], ['p-b'], ['p-old-track']],
      );
  });
});

describe('drafts', () => {
  test("a party's draft is its delegates' (a coalition's, its member parties'); the table's, the mediators'", () => {
    assert.equal(canWriteDraft(us, { partyId: 'us' }), true);
    assert.equal(canWriteDraft(ru, { partyId: 'us' }), false);
    assert.equal(canWriteDraft(mediator, { partyId: 'us' }), false, 'a party draft is not shared with the mediators');
    assert.equal(canWriteDraft(mediator, { partyId: null }), true);
    assert.equal(canWriteDraft(us, { partyId: null }), false);
    assert.equal(canWriteDraft(fr, { partyId: 'e3' }), true);
    assert.equal(canWriteDraft(fr, { partyId: 'de' }), false);
    assert.equal(canWriteDraft(outsider, { partyId: null }), false);
  });
});
