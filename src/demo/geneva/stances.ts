/**
 * What each party holds: positions on points, red lines over options, and modelled preferences.
 * Public positions and red lines restate what officials said (with sources); private (`party`) and
 * shared-with-mediator entries not found in any report are marked illustrative in their source.
 */
import type { Stance, Visibility } from '../../core/model.ts';
import type { Scenario } from '../scenario.ts';
import { ARTICLE, cite, illustrative } from './sources.ts';

type PositionData = Scenario['positions'][number];
type RedLineData = Scenario['redLines'][number];
type PreferenceData = Scenario['preferences'][number];

const LEADS: Record<string, string | null> = { us: 'u-us', ua: 'u-ua', ru: 'u-ru', eu: 'u-eu', fr: 'u-fr', de: 'u-de', uk: 'u-uk', e3: null };

function pos(
  versionId: 'v-us-28' | 'v-geneva-19',
  n: number,
  partyId: string,
  stance: Stance,
  visibility: Visibility,
  rationale: string,
  source: string,
  updatedAt: string,
  proposedText: string | null = null,
): PositionData {
  const tag = versionId === 'v-us-28' ? '28' : '19';
  return {
    id: `pos-${partyId}-${tag}-pt${n}`,
    versionId,
    pointId: `pt-${n}`,
    partyId,
    stance,
    proposedText,
    rationale,
    visibility,
    source,
    updatedAt,
    updatedBy: LEADS[partyId] ?? null,
  };
}

const V28 = 'v-us-28';
const V19 = 'v-geneva-19';

export const positions: PositionData[] = [
  // United States on its own draft
  pos(V28, 21, 'us', 'support', 'public', 'Trump: Ukraine is losing land anyway; the territorial terms reflect the battlefield.', cite('S31'), '2025-11-21'),
  pos(V28, 6, 'us', 'support', 'public', 'Part of the US draft as delivered.', cite('S1', 'S2'), '2025-11-20'),
  pos(V28, 7, 'us', 'support', 'public', 'Part of the US draft as delivered; Lavrov says it reflects the Anchorage understandings.', cite('S1', 'S2', 'S39'), '2025-11-20'),
  pos(V28, 26, 'us', 'support', 'public', 'A White House official said the amnesty replaced an audit clause at Kyiv’s request.', cite('S43'), '2025-11-21'),
  pos(V28, 27, 'us', 'support', 'public', 'Trump wants a fast, binding deal and set Thursday 27 Nov as the target.', cite('S31'), '2025-11-21'),
  pos(V28, 10, 'us', 'amend', 'party', 'Willing to drop the payment for the guarantee if Europe carries more of the cost.', illustrative('private US fallback, modelled'), '2025-11-22', 'The United States gives Ukraine a security guarantee; European partners share its costs.'),
  pos(V28, 25, 'us', 'amend', 'mediator', 'The 100-day election date is negotiable; what matters is a vote soon after the fighting stops.', illustrative('shared with the mediator, modelled'), '2025-11-22', 'Ukraine holds elections soon after a ceasefire.'),

  // Ukraine on the US draft
  pos(V28, 21, 'ua', 'red_line', 'public', 'The delegation has no mandate on territory; giving up land needs a referendum and Zelensky will not sign it away. Only the line of contact is negotiable.', cite('S20', 'S41'), '2025-11-23'),
  pos(V28, 7, 'ua', 'amend', 'public', 'The NATO questions were bracketed in Geneva; Kyiv wants to soften the constitutional clause (our inference).', `${cite('S20')}; softening: ${illustrative('inference in the brief')}`, '2025-11-23', "Ukraine's accession depends on a consensus of the allies."),
  pos(V28, 6, 'ua', 'amend', 'mediator', 'Can live with a peacetime ceiling of 800,000, not 600,000.', illustrative('acceptance of 800k is reported only via an aggregator, low confidence', 'S52'), '2025-11-24', "In peacetime Ukraine's armed forces are limited to 800,000 personnel."),
  pos(V28, 5, 'ua', 'amend', 'public', 'Guarantees must be long-term and name their guarantors.', cite('S67'), '2025-11-24', 'Ukraine receives robust, long-term security guarantees from named guarantors.'),
  pos(V28, 26, 'ua', 'oppose', 'public', 'Umerov denied agreeing to the content; Stefanishyna says the amnesty is not among the 19 points. (The WSJ reported that Kyiv had asked for the amnesty wording; reports conflict.)', cite('S43b', 'S42', 'S43'), '2025-11-24'),
  pos(V28, 1, 'ua', 'support', 'public', 'Zelensky: Ukraine will keep its dignity and freedom and not betray the national interest.', cite('S30', 'S61'), '2025-11-21'),
  pos(V28, 25, 'ua', 'oppose', 'party', 'No vote can be held under martial law; an election date should follow its end, not a 100-day clock.', illustrative('no November comment on the clause was found', 'S57'), '2025-11-22', null),

  // Russia on the US draft
  pos(V28, 21, 'ru', 'support', 'public', 'Putin: the plan could be the basis of a settlement; Ukrainian forces must leave the claimed areas or Russia takes them by force.', cite('S37', 'S40', 'S62'), '2025-11-27'),
  pos(V28, 7, 'ru', 'support', 'public', 'Lavrov: the Anchorage understandings must stay in the text in letter and spirit.', cite('S39'), '2025-11-25'),
  pos(V28, 25, 'ru', 'support', 'public', "Putin: Kyiv's leadership is illegitimate, so signing with it means little without elections.", cite('S40'), '2025-11-27'),
  pos(V28, 14, 'ru', 'amend', 'public', 'Putin calls confiscation of the assets theft; they are not Europe’s to hand over.', `${cite('S54')}; date approximate`, '2025-11-27', 'Frozen Russian assets are released; any joint investment is agreed with Russia.'),
  pos(V28, 8, 'ru', 'red_line', 'party', 'No Western troops of any kind on Ukrainian soil.', illustrative('private Russian position, modelled'), '2025-11-21'),
  pos(V28, 6, 'ru', 'support', 'mediator', 'A ceiling is among the Anchorage principles.', illustrative('only an outlet gloss links the cap to Anchorage', 'S58'), '2025-11-25'),

  // European Union on the US draft
  pos(V28, 21, 'eu', 'oppose', 'public', 'Von der Leyen: borders cannot be changed by force.', cite('S23'), '2025-11-23'),
  pos(V28, 6, 'eu', 'oppose', 'public', 'Von der Leyen: no limits that leave Ukraine vulnerable; leaders are "concerned" by the limits.', cite('S23', 'S44'), '2025-11-23'),
  pos(V28, 14, 'eu', 'amend', 'public', 'Frozen assets and sanctions are EU matters that need EU consent.', cite('S19', 'S44'), '2025-11-24', 'Decisions on Russian assets held in the EU are taken by the EU.'),
  pos(V28, 11, 'eu', 'support', 'public', 'Costa calls the plan "a starting point"; a path to membership is welcome.', cite('S64'), '2025-11-24'),
  pos(V28, 24, 'eu', 'amend', 'public', 'Von der Leyen adds the return of abducted children.', cite('S23'), '2025-11-23', 'A committee oversees the exchange of all prisoners and bodies, the return of all deported children and civilians, and the reunion of families.'),
  pos(V28, 13, 'eu', 'amend', 'party', 'Relief only in stages with automatic snapback, and no G8 invitation before Russia complies.', illustrative('internal EU line, modelled'), '2025-11-23', 'Sanctions are eased in stages as the agreement is implemented and return automatically on a breach.'),

  // France
  pos(V28, 6, 'fr', 'red_line', 'public', 'Macron: no limit at all on the Ukrainian army.', cite('S46'), '2025-11-23'),
  pos(V28, 14, 'fr', 'oppose', 'public', 'Macron: Europeans alone decide about the assets they hold.', cite('S46'), '2025-11-23'),
  pos(V28, 21, 'fr', 'amend', 'public', 'Macron: only Ukrainians decide on concessions; no "capitulation".', cite('S46'), '2025-11-23', 'Any territorial arrangement is decided by Ukraine.'),
  pos(V28, 8, 'fr', 'oppose', 'party', 'The ban on troops would rule out the reassurance force France and the UK are preparing.', illustrative('private French reasoning, modelled', 'S46'), '2025-11-23'),

  // Germany
  pos(V28, 14, 'de', 'red_line', 'public', 'Merz: assets held in Brussels cannot go to the US; Europe must consent.', cite('S45', 'S45b'), '2025-11-23'),
  pos(V28, 21, 'de', 'oppose', 'public', 'Merz: some points are acceptable, others are not; borders must not change by force.', cite('S45', 'S44'), '2025-11-23'),
  pos(V28, 13, 'de', 'amend', 'party', 'No G8 return while the war goes on.', illustrative('private German position, modelled'), '2025-11-23', 'Sanctions are eased in stages and return automatically on a breach.'),

  // United Kingdom
  pos(V28, 8, 'uk', 'amend', 'public', 'The UK and France lead a coalition of about 20 countries planning a reassurance force.', cite('S46'), '2025-11-23', 'A reassurance force of willing countries may deploy after a ceasefire.'),
  pos(V28, 21, 'uk', 'oppose', 'public', 'The leaders’ statement of 22 Nov, signed by the UK: borders must not be changed by force.', cite('S44'), '2025-11-22'),
  pos(V28, 5, 'uk', 'amend', 'party', 'Guarantees must be concrete and backed by a US role.', illustrative('private British position, modelled'), '2025-11-23', 'Ukraine receives robust guarantees, with a US backstop.'),

  // E3 on the US draft (its counter-proposal)
  pos(V28, 3, 'e3', 'oppose', 'public', 'The counter-proposal deletes the point.', cite('S11'), '2025-11-23'),
  pos(V28, 6, 'e3', 'amend', 'public', 'The counter-proposal raises the ceiling.', cite('S11'), '2025-11-23', "In peacetime Ukraine's armed forces are limited to 800,000 personnel."),
  pos(V28, 7, 'e3', 'amend', 'public', 'Membership depends on an allied consensus that "does not exist".', cite('S11'), '2025-11-23', "Ukraine's accession to NATO depends on a consensus of the allies."),
  pos(V28, 10, 'e3', 'amend', 'public', 'A US guarantee that mirrors Article 5.', cite('S11'), '2025-11-23', 'The United States gives Ukraine a guarantee that mirrors Article 5.'),
  pos(V28, 14, 'e3', 'amend', 'public', 'Assets stay frozen until Russia pays compensation.', cite('S12'), '2025-11-23', 'Frozen Russian assets stay frozen until Russia compensates Ukraine.'),
  pos(V28, 21, 'e3', 'amend', 'public', 'Territorial talks start from the line of contact, with no advance recognition.', cite('S13', 'S2'), '2025-11-23', 'Talks on exchanging territory start from the line of contact; Ukraine forgoes military recovery.'),
  pos(V28, 26, 'e3', 'oppose', 'public', 'The amnesty point is absent from the counter-proposal.', cite('S14'), '2025-11-23'),
  pos(V28, 13, 'e3', 'support', 'party', 'Accepts phased relief and even a G8 return if the rest holds.', illustrative('the E3 text reportedly keeps point 13; the reasoning is modelled', 'S13', 'S15'), '2025-11-23'),
  pos(V28, 25, 'e3', 'amend', 'mediator', 'Elections should follow the end of martial law.', illustrative('E3 text on point 25 was not retrieved'), '2025-11-23', 'Ukraine holds elections after martial law ends.'),

  // On the post-Geneva framework: differences narrowing between the US, Ukraine and the E3
  pos(V19, 6, 'us', 'support', 'public', 'Agreed in Geneva.', illustrative('800k in the 19 points is reported only via an aggregator', 'S52'), '2025-11-24'),
  pos(V19, 5, 'us', 'support', 'public', "The readout calls Ukraine's security central to the framework.", cite('S17'), '2025-11-24'),
  pos(V19, 21, 'us', 'amend', 'public', 'Territory left for the two presidents to settle.', cite('S20', 'S21'), '2025-11-24', 'Ukraine withdraws from the part of Donetsk it controls, which becomes a demilitarised buffer zone.'),
  pos(V19, 24, 'us', 'support', 'public', 'Joint statement: substantial progress; a framework both delegations drafted.', cite('S17', 'S18'), '2025-11-24'),
  pos(V19, 28, 'us', 'support', 'mediator', 'The sequence is acceptable to both delegations.', illustrative('modelled'), '2025-11-24'),
  pos(V19, 6, 'ua', 'support', 'mediator', 'An 800,000 ceiling in peacetime is acceptable.', illustrative('reported only via an aggregator, low confidence', 'S52'), '2025-11-24'),
  pos(V19, 5, 'ua', 'support', 'public', 'Umerov: "common understanding on the core terms".', cite('S36'), '2025-11-25'),
  pos(V19, 21, 'ua', 'amend', 'public', 'Only the line of contact is negotiable; the question goes to the presidents.', cite('S41', 'S20'), '2025-11-24', 'Any exchange of territory is negotiated from the line of contact and needs Ukraine’s constitutional procedure.'),
  pos(V19, 24, 'ua', 'support', 'public', 'Joint statement with the US.', cite('S17', 'S18'), '2025-11-24'),
  pos(V19, 25, 'ua', 'support', 'party', 'Elections after martial law is what Kyiv wanted.', illustrative('modelled'), '2025-11-24'),
  pos(V19, 28, 'ua', 'support', 'mediator', 'Acceptable if the guarantees hold.', illustrative('modelled'), '2025-11-24'),
  pos(V19, 6, 'e3', 'support', 'mediator', 'Matches the E3 ceiling of 800,000.', illustrative('the E3 reaction to the 19 points was not reported', 'S11'), '2025-11-24'),
  pos(V19, 5, 'e3', 'support', 'mediator', 'An Article 5-like guarantee, as the E3 proposed.', illustrative('not reported', 'S11'), '2025-11-24'),
  pos(V19, 14, 'e3', 'amend', 'public', 'Europe must consent to anything about the assets it holds.', cite('S45b', 'S12'), '2025-11-24', 'The assets stay frozen until Russia compensates Ukraine; Europeans decide on the assets held in Europe.'),
  pos(V19, 21, 'e3', 'amend', 'mediator', 'Support the Ukrainian alternative.', illustrative('not reported', 'S13'), '2025-11-24', 'Any exchange of territory is negotiated from the line of contact.'),
  pos(V19, 14, 'eu', 'amend', 'public', 'Merz in Luanda: Europe must consent; assets and sanctions are EU matters.', cite('S45b', 'S19'), '2025-11-24', 'Decisions on Russian assets held in the EU are taken by the EU.'),
  pos(V19, 6, 'fr', 'oppose', 'public', 'Still a cap; France wants none.', `${cite('S46')}; applied to the 19 points: ${illustrative('not reported')}`, '2025-11-24'),
];

function redLine(
  id: string,
  partyId: string,
  title: string,
  description: string,
  constraint: RedLineData['constraint'],
  visibility: Visibility,
  source: string,
): RedLineData {
  return { id, partyId, title, description, constraint, visibility, source };
}

export const redLines: RedLineData[] = [
  redLine('rl-ua-donetsk', 'ua', 'No withdrawal from Donetsk', 'Ukraine will not hand over the part of Donetsk it holds; the constitution bars ceding land without a referendum.',
    { kind: 'forbid', issueId: 'issue-donetsk', optionIds: ['opt-donetsk-ceded'] }, 'public', cite('S20', 'S41', 'S57')),
  redLine('rl-ua-recognition', 'ua', 'No recognition of occupied land', 'No land is given up while Zelensky is president; occupied regions are not recognised as Russian.',
    { kind: 'forbid', issueId: 'issue-recognition', optionIds: ['opt-recog-de-facto'] }, 'public', cite('S41')),
  redLine('rl-ua-army', 'ua', 'Not below 800,000', 'A 600,000 ceiling would leave the front undermanned.',
    { kind: 'forbid', issueId: 'issue-army-cap', optionIds: ['opt-army-600k'] }, 'party', illustrative('private line; Kyiv reportedly accepted 800k (low confidence)', 'S52')),
  redLine('rl-ua-guarantee', 'ua', 'Guarantees with teeth', 'An unnamed or paid-for, easily voided guarantee is not enough.',
    { kind: 'forbid', issueId: 'issue-security-guarantees', optionIds: ['opt-guarantee-unnamed', 'opt-guarantee-us-paid'] }, 'mediator', illustrative('shared with the mediator; Zelensky seeks long-term guarantees', 'S67')),

  redLine('rl-eu-borders', 'eu', 'Borders cannot be changed by force', "Von der Leyen's first principle.",
    { kind: 'forbid', issueId: 'issue-recognition', optionIds: ['opt-recog-de-facto'] }, 'public', cite('S23', ARTICLE)),
  redLine('rl-eu-army', 'eu', 'No limits on Ukraine’s armed forces', "Von der Leyen's second principle. The brief reports it as no limits that leave Ukraine vulnerable, so we model it as ruling out the 600,000 cap, not every cap.",
    { kind: 'forbid', issueId: 'issue-army-cap', optionIds: ['opt-army-600k'] }, 'public', `${cite('S23', ARTICLE)}; modelling of the qualifier: ${illustrative('our reading')}`),
  redLine('rl-eu-role', 'eu', 'A central EU role', "Von der Leyen's third principle: the EU's central role in securing peace must be fully reflected.",
    { kind: 'require', issueId: 'issue-eu-role', optionIds: ['opt-eu-role-central'] }, 'public', cite('S23', 'S44', ARTICLE)),

  redLine('rl-ru-donbas', 'ru', 'Ukraine leaves Donbas', 'Ukrainian forces leave the claimed areas, or Russia takes them by force.',
    { kind: 'require', issueId: 'issue-donetsk', optionIds: ['opt-donetsk-ceded'] }, 'public', cite('S40', 'S62')),
  redLine('rl-ru-nato', 'ru', 'Ukraine never joins NATO', 'The Anchorage understandings must remain in the text, in letter and spirit.',
    { kind: 'require', issueId: 'issue-nato-membership', optionIds: ['opt-nato-ban'] }, 'public', cite('S39', 'S39b', 'S56')),
  redLine('rl-ru-recognition', 'ru', 'Gains recognised', "Russia's territorial gains must be recognised internationally.",
    { kind: 'forbid', issueId: 'issue-recognition', optionIds: ['opt-recog-none'] }, 'public', cite('S40', 'S62')),
  redLine('rl-ru-troops', 'ru', 'No Western troops', 'No Western forces in Ukraine under any label.',
    { kind: 'forbid', issueId: 'issue-foreign-troops', optionIds: ['opt-troops-reassurance', 'opt-troops-no-permanent'] }, 'party', illustrative('private Russian line, modelled')),

  redLine('rl-fr-no-cap', 'fr', 'No cap at all', 'Macron: no limit on the Ukrainian army.',
    { kind: 'forbid', issueId: 'issue-army-cap', optionIds: ['opt-army-600k', 'opt-army-800k'] }, 'public', cite('S46')),
  redLine('rl-de-assets', 'de', 'Assets not to the US', 'Merz: the assets held in Brussels cannot go to the United States; Europe must consent.',
    { kind: 'forbid', issueId: 'issue-frozen-assets', optionIds: ['opt-assets-us-vehicle'] }, 'public', cite('S45', 'S45b')),
  redLine('rl-uk-reassurance', 'uk', 'Room for a reassurance force', 'The UK will not sign away the coalition-of-the-willing force.',
    { kind: 'forbid', issueId: 'issue-foreign-troops', optionIds: ['opt-troops-no-nato'] }, 'mediator', illustrative('shared with the mediator; the force itself is reported', 'S46')),
  redLine('rl-e3-borders', 'e3', 'No change of borders by force', 'Leaders’ statement of 22 Nov: borders must not be changed by force.',
    { kind: 'forbid', issueId: 'issue-recognition', optionIds: ['opt-recog-de-facto'] }, 'public', cite('S44')),
  redLine('rl-e3-nato-consent', 'e3', 'NATO decides NATO matters', 'Elements that concern NATO need the consent of its members; a ban written for NATO by others is unacceptable.',
    { kind: 'forbid', issueId: 'issue-nato-membership', optionIds: ['opt-nato-ban'] }, 'public', cite('S44', 'S11')),

  redLine('rl-us-guarantee-nato', 'us', 'No Article 5 guarantee with NATO still open', 'The US will not give an Article 5-like guarantee while the way to NATO membership stays fully open.',
    { kind: 'forbid_combination', conditions: [
      { issueId: 'issue-security-guarantees', optionIds: ['opt-guarantee-article5'] },
      { issueId: 'issue-nato-membership', optionIds: ['opt-nato-open'] },
    ] }, 'party', illustrative('private US line, modelled')),
];

// ---------------------------------------------------------------------------------------------------
// Preferences: weights in points out of 100 (divided below), scores per option in [0, 1].

type Table = Record<string, [number, Record<string, number>]>;

function preference(partyId: string, visibility: 'party' | 'mediator', reservation: number, table: Table, note: string): PreferenceData {
  const weights: Record<string, number> = {};
  const scores: Record<string, Record<string, number>> = {};
  for (const [issueId, [points, optionScores]] of Object.entries(table)) {
    weights[issueId] = points / 100;
    scores[issueId] = optionScores;
  }
  return {
    id: `pref-${partyId}`,
    partyId,
    weights,
    scores,
    reservation,
    visibility,
    illustrative: true,
    note: `Modelled for illustration, not reported: ${note}`,
  };
}

export const preferences: PreferenceData[] = [
  preference('us', 'party', 0.35, {
    'issue-donetsk': [10, { 'opt-donetsk-ceded': 1, 'opt-donetsk-contact-line': 0.7, 'opt-donetsk-ukrainian': 0.3 }],
    'issue-recognition': [5, { 'opt-recog-de-facto': 1, 'opt-recog-none': 0.5 }],
    'issue-nato-membership': [8, { 'opt-nato-ban': 1, 'opt-nato-consensus': 0.8, 'opt-nato-open': 0.2 }],
    'issue-nato-enlargement': [3, { 'opt-enlarge-no': 0.8, 'opt-enlarge-no-commitment': 0.5 }],
    'issue-army-cap': [5, { 'opt-army-600k': 1, 'opt-army-800k': 0.8, 'opt-army-no-cap': 0.3 }],
    'issue-foreign-troops': [5, { 'opt-troops-no-nato': 1, 'opt-troops-no-permanent': 0.7, 'opt-troops-reassurance': 0.5 }],
    'issue-security-guarantees': [10, { 'opt-guarantee-unnamed': 0.6, 'opt-guarantee-us-paid': 1, 'opt-guarantee-article5': 0.4 }],
    'issue-frozen-assets': [12, { 'opt-assets-us-vehicle': 1, 'opt-assets-frozen': 0.3, 'opt-assets-eu-reparations': 0.4 }],
    'issue-sanctions': [10, { 'opt-sanctions-phased-g8': 1, 'opt-sanctions-snapback': 0.7, 'opt-sanctions-kept': 0.1 }],
    'issue-amnesty': [3, { 'opt-amnesty-full': 0.8, 'opt-amnesty-none': 0.5 }],
    'issue-aid-audit': [3, { 'opt-audit-full': 0.6, 'opt-audit-none': 0.5 }],
    'issue-elections': [4, { 'opt-elections-100-days': 1, 'opt-elections-after-martial-law': 0.6 }],
    'issue-eu-role': [4, { 'opt-eu-role-marginal': 0.8, 'opt-eu-role-central': 0.5 }],
    'issue-npp': [6, { 'opt-npp-shared': 1, 'opt-npp-ukraine': 0.5 }],
    'issue-ceasefire': [12, { 'opt-ceasefire-after-withdrawal': 1, 'opt-ceasefire-first': 0.6 }],
  }, 'the US is read as weighing a quick, durable deal and its economic terms (assets, sanctions, reconstruction) above territorial detail.'),

  preference('ua', 'mediator', 0.3, {
    'issue-donetsk': [20, { 'opt-donetsk-ceded': 0, 'opt-donetsk-contact-line': 0.7, 'opt-donetsk-ukrainian': 1 }],
    'issue-recognition': [10, { 'opt-recog-de-facto': 0, 'opt-recog-none': 1 }],
    'issue-nato-membership': [8, { 'opt-nato-ban': 0.1, 'opt-nato-consensus': 0.6, 'opt-nato-open': 1 }],
    'issue-nato-enlargement': [2, { 'opt-enlarge-no': 0.3, 'opt-enlarge-no-commitment': 1 }],
    'issue-army-cap': [12, { 'opt-army-600k': 0.1, 'opt-army-800k': 0.7, 'opt-army-no-cap': 1 }],
    'issue-foreign-troops': [5, { 'opt-troops-no-nato': 0.2, 'opt-troops-no-permanent': 0.7, 'opt-troops-reassurance': 1 }],
    'issue-security-guarantees': [18, { 'opt-guarantee-unnamed': 0.1, 'opt-guarantee-us-paid': 0.4, 'opt-guarantee-article5': 1 }],
    'issue-frozen-assets': [5, { 'opt-assets-us-vehicle': 0.3, 'opt-assets-frozen': 0.7, 'opt-assets-eu-reparations': 1 }],
    'issue-sanctions': [3, { 'opt-sanctions-phased-g8': 0.2, 'opt-sanctions-snapback': 0.6, 'opt-sanctions-kept': 1 }],
    'issue-amnesty': [3, { 'opt-amnesty-full': 0.3, 'opt-amnesty-none': 1 }],
    'issue-aid-audit': [2, { 'opt-audit-full': 0.4, 'opt-audit-none': 1 }],
    'issue-elections': [4, { 'opt-elections-100-days': 0.2, 'opt-elections-after-martial-law': 1 }],
    'issue-eu-role': [3, { 'opt-eu-role-marginal': 0.3, 'opt-eu-role-central': 1 }],
    'issue-npp': [2, { 'opt-npp-shared': 0.3, 'opt-npp-ukraine': 1 }],
    'issue-ceasefire': [3, { 'opt-ceasefire-after-withdrawal': 0.2, 'opt-ceasefire-first': 1 }],
  }, 'territory and guarantees dominate, following Kyiv’s public red lines; shared with the mediator.'),

  preference('ru', 'party', 0.45, {
    'issue-donetsk': [22, { 'opt-donetsk-ceded': 1, 'opt-donetsk-contact-line': 0.3, 'opt-donetsk-ukrainian': 0 }],
    'issue-recognition': [12, { 'opt-recog-de-facto': 1, 'opt-recog-none': 0 }],
    'issue-nato-membership': [15, { 'opt-nato-ban': 1, 'opt-nato-consensus': 0.3, 'opt-nato-open': 0 }],
    'issue-nato-enlargement': [6, { 'opt-enlarge-no': 1, 'opt-enlarge-no-commitment': 0.2 }],
    'issue-army-cap': [8, { 'opt-army-600k': 1, 'opt-army-800k': 0.5, 'opt-army-no-cap': 0 }],
    'issue-foreign-troops': [8, { 'opt-troops-no-nato': 1, 'opt-troops-no-permanent': 0.2, 'opt-troops-reassurance': 0 }],
    'issue-security-guarantees': [4, { 'opt-guarantee-unnamed': 1, 'opt-guarantee-us-paid': 0.6, 'opt-guarantee-article5': 0.1 }],
    'issue-frozen-assets': [6, { 'opt-assets-us-vehicle': 0.6, 'opt-assets-frozen': 0.3, 'opt-assets-eu-reparations': 0 }],
    'issue-sanctions': [8, { 'opt-sanctions-phased-g8': 1, 'opt-sanctions-snapback': 0.4, 'opt-sanctions-kept': 0 }],
    'issue-amnesty': [2, { 'opt-amnesty-full': 1, 'opt-amnesty-none': 0.3 }],
    'issue-aid-audit': [1, { 'opt-audit-full': 0.7, 'opt-audit-none': 0.5 }],
    'issue-elections': [3, { 'opt-elections-100-days': 1, 'opt-elections-after-martial-law': 0.4 }],
    'issue-eu-role': [2, { 'opt-eu-role-marginal': 1, 'opt-eu-role-central': 0.2 }],
    'issue-npp': [1, { 'opt-npp-shared': 1, 'opt-npp-ukraine': 0 }],
    'issue-ceasefire': [2, { 'opt-ceasefire-after-withdrawal': 1, 'opt-ceasefire-first': 0.2 }],
  }, 'Donbas, recognition and NATO dominate, after Putin’s and Lavrov’s statements; the high reservation value reflects the claim that Russia can take the land by force.'),

  preference('eu', 'party', 0.25, {
    'issue-donetsk': [10, { 'opt-donetsk-ceded': 0.1, 'opt-donetsk-contact-line': 0.7, 'opt-donetsk-ukrainian': 1 }],
    'issue-recognition': [14, { 'opt-recog-de-facto': 0, 'opt-recog-none': 1 }],
    'issue-nato-membership': [5, { 'opt-nato-ban': 0.2, 'opt-nato-consensus': 0.7, 'opt-nato-open': 1 }],
    'issue-nato-enlargement': [3, { 'opt-enlarge-no': 0.1, 'opt-enlarge-no-commitment': 1 }],
    'issue-army-cap': [12, { 'opt-army-600k': 0, 'opt-army-800k': 0.6, 'opt-army-no-cap': 1 }],
    'issue-foreign-troops': [4, { 'opt-troops-no-nato': 0.2, 'opt-troops-no-permanent': 0.7, 'opt-troops-reassurance': 1 }],
    'issue-security-guarantees': [10, { 'opt-guarantee-unnamed': 0.1, 'opt-guarantee-us-paid': 0.4, 'opt-guarantee-article5': 1 }],
    'issue-frozen-assets': [12, { 'opt-assets-us-vehicle': 0, 'opt-assets-frozen': 0.7, 'opt-assets-eu-reparations': 1 }],
    'issue-sanctions': [8, { 'opt-sanctions-phased-g8': 0.1, 'opt-sanctions-snapback': 0.7, 'opt-sanctions-kept': 1 }],
    'issue-amnesty': [2, { 'opt-amnesty-full': 0.2, 'opt-amnesty-none': 1 }],
    'issue-aid-audit': [2, { 'opt-audit-full': 0.6, 'opt-audit-none': 0.5 }],
    'issue-elections': [2, { 'opt-elections-100-days': 0.3, 'opt-elections-after-martial-law': 1 }],
    'issue-eu-role': [12, { 'opt-eu-role-marginal': 0, 'opt-eu-role-central': 1 }],
    'issue-npp': [2, { 'opt-npp-shared': 0.3, 'opt-npp-ukraine': 1 }],
    'issue-ceasefire': [2, { 'opt-ceasefire-after-withdrawal': 0.3, 'opt-ceasefire-first': 1 }],
  }, "weights follow von der Leyen's three principles (borders, armed forces, EU role) and the EU's stake in the assets and sanctions."),

  preference('e3', 'mediator', 0.3, {
    'issue-donetsk': [12, { 'opt-donetsk-ceded': 0.1, 'opt-donetsk-contact-line': 0.9, 'opt-donetsk-ukrainian': 1 }],
    'issue-recognition': [12, { 'opt-recog-de-facto': 0, 'opt-recog-none': 1 }],
    'issue-nato-membership': [8, { 'opt-nato-ban': 0, 'opt-nato-consensus': 0.9, 'opt-nato-open': 1 }],
    'issue-nato-enlargement': [4, { 'opt-enlarge-no': 0, 'opt-enlarge-no-commitment': 1 }],
    'issue-army-cap': [10, { 'opt-army-600k': 0.1, 'opt-army-800k': 0.8, 'opt-army-no-cap': 1 }],
    'issue-foreign-troops': [8, { 'opt-troops-no-nato': 0.1, 'opt-troops-no-permanent': 0.8, 'opt-troops-reassurance': 1 }],
    'issue-security-guarantees': [14, { 'opt-guarantee-unnamed': 0.1, 'opt-guarantee-us-paid': 0.4, 'opt-guarantee-article5': 1 }],
    'issue-frozen-assets': [10, { 'opt-assets-us-vehicle': 0, 'opt-assets-frozen': 1, 'opt-assets-eu-reparations': 0.9 }],
    'issue-sanctions': [5, { 'opt-sanctions-phased-g8': 0.5, 'opt-sanctions-snapback': 0.8, 'opt-sanctions-kept': 1 }],
    'issue-amnesty': [3, { 'opt-amnesty-full': 0.1, 'opt-amnesty-none': 1 }],
    'issue-aid-audit': [1, { 'opt-audit-full': 0.5, 'opt-audit-none': 0.6 }],
    'issue-elections': [2, { 'opt-elections-100-days': 0.5, 'opt-elections-after-martial-law': 1 }],
    'issue-eu-role': [6, { 'opt-eu-role-marginal': 0.1, 'opt-eu-role-central': 1 }],
    'issue-npp': [2, { 'opt-npp-shared': 0.5, 'opt-npp-ukraine': 1 }],
    'issue-ceasefire': [3, { 'opt-ceasefire-after-withdrawal': 0.4, 'opt-ceasefire-first': 1 }],
  }, 'scores follow the E3 counter-proposal (which scores highest by design); shared with the mediator.'),

  preference('fr', 'party', 0.3, {
    'issue-donetsk': [10, { 'opt-donetsk-ceded': 0.1, 'opt-donetsk-contact-line': 0.8, 'opt-donetsk-ukrainian': 1 }],
    'issue-recognition': [10, { 'opt-recog-de-facto': 0, 'opt-recog-none': 1 }],
    'issue-nato-membership': [6, { 'opt-nato-ban': 0.1, 'opt-nato-consensus': 0.8, 'opt-nato-open': 1 }],
    'issue-nato-enlargement': [4, { 'opt-enlarge-no': 0, 'opt-enlarge-no-commitment': 1 }],
    'issue-army-cap': [16, { 'opt-army-600k': 0, 'opt-army-800k': 0.4, 'opt-army-no-cap': 1 }],
    'issue-foreign-troops': [12, { 'opt-troops-no-nato': 0, 'opt-troops-no-permanent': 0.7, 'opt-troops-reassurance': 1 }],
    'issue-security-guarantees': [12, { 'opt-guarantee-unnamed': 0.1, 'opt-guarantee-us-paid': 0.4, 'opt-guarantee-article5': 1 }],
    'issue-frozen-assets': [10, { 'opt-assets-us-vehicle': 0, 'opt-assets-frozen': 1, 'opt-assets-eu-reparations': 0.8 }],
    'issue-sanctions': [5, { 'opt-sanctions-phased-g8': 0.3, 'opt-sanctions-snapback': 0.8, 'opt-sanctions-kept': 1 }],
    'issue-amnesty': [2, { 'opt-amnesty-full': 0.1, 'opt-amnesty-none': 1 }],
    'issue-aid-audit': [1, { 'opt-audit-full': 0.5, 'opt-audit-none': 0.6 }],
    'issue-elections': [2, { 'opt-elections-100-days': 0.4, 'opt-elections-after-martial-law': 1 }],
    'issue-eu-role': [6, { 'opt-eu-role-marginal': 0, 'opt-eu-role-central': 1 }],
    'issue-npp': [2, { 'opt-npp-shared': 0.4, 'opt-npp-ukraine': 1 }],
    'issue-ceasefire': [2, { 'opt-ceasefire-after-withdrawal': 0.4, 'opt-ceasefire-first': 1 }],
  }, "the armed-forces cap and the reassurance force weigh most, after Macron's statements."),

  preference('de', 'party', 0.3, {
    'issue-donetsk': [10, { 'opt-donetsk-ceded': 0.1, 'opt-donetsk-contact-line': 0.8, 'opt-donetsk-ukrainian': 1 }],
    'issue-recognition': [12, { 'opt-recog-de-facto': 0, 'opt-recog-none': 1 }],
    'issue-nato-membership': [6, { 'opt-nato-ban': 0.1, 'opt-nato-consensus': 0.9, 'opt-nato-open': 0.8 }],
    'issue-nato-enlargement': [4, { 'opt-enlarge-no': 0, 'opt-enlarge-no-commitment': 1 }],
    'issue-army-cap': [10, { 'opt-army-600k': 0.1, 'opt-army-800k': 0.8, 'opt-army-no-cap': 1 }],
    'issue-foreign-troops': [6, { 'opt-troops-no-nato': 0.3, 'opt-troops-no-permanent': 0.8, 'opt-troops-reassurance': 0.9 }],
    'issue-security-guarantees': [12, { 'opt-guarantee-unnamed': 0.1, 'opt-guarantee-us-paid': 0.4, 'opt-guarantee-article5': 1 }],
    'issue-frozen-assets': [18, { 'opt-assets-us-vehicle': 0, 'opt-assets-frozen': 0.8, 'opt-assets-eu-reparations': 1 }],
    'issue-sanctions': [6, { 'opt-sanctions-phased-g8': 0.2, 'opt-sanctions-snapback': 0.8, 'opt-sanctions-kept': 1 }],
    'issue-amnesty': [2, { 'opt-amnesty-full': 0.2, 'opt-amnesty-none': 1 }],
    'issue-aid-audit': [1, { 'opt-audit-full': 0.5, 'opt-audit-none': 0.6 }],
    'issue-elections': [2, { 'opt-elections-100-days': 0.4, 'opt-elections-after-martial-law': 1 }],
    'issue-eu-role': [7, { 'opt-eu-role-marginal': 0, 'opt-eu-role-central': 1 }],
    'issue-npp': [2, { 'opt-npp-shared': 0.4, 'opt-npp-ukraine': 1 }],
    'issue-ceasefire': [2, { 'opt-ceasefire-after-withdrawal': 0.4, 'opt-ceasefire-first': 1 }],
  }, "the frozen assets weigh most, after Merz's statements."),

  preference('uk', 'mediator', 0.3, {
    'issue-donetsk': [10, { 'opt-donetsk-ceded': 0.1, 'opt-donetsk-contact-line': 0.8, 'opt-donetsk-ukrainian': 1 }],
    'issue-recognition': [10, { 'opt-recog-de-facto': 0, 'opt-recog-none': 1 }],
    'issue-nato-membership': [8, { 'opt-nato-ban': 0.1, 'opt-nato-consensus': 0.8, 'opt-nato-open': 1 }],
    'issue-nato-enlargement': [4, { 'opt-enlarge-no': 0, 'opt-enlarge-no-commitment': 1 }],
    'issue-army-cap': [10, { 'opt-army-600k': 0.1, 'opt-army-800k': 0.8, 'opt-army-no-cap': 1 }],
    'issue-foreign-troops': [14, { 'opt-troops-no-nato': 0, 'opt-troops-no-permanent': 0.7, 'opt-troops-reassurance': 1 }],
    'issue-security-guarantees': [16, { 'opt-guarantee-unnamed': 0.1, 'opt-guarantee-us-paid': 0.4, 'opt-guarantee-article5': 1 }],
    'issue-frozen-assets': [8, { 'opt-assets-us-vehicle': 0.1, 'opt-assets-frozen': 0.9, 'opt-assets-eu-reparations': 1 }],
    'issue-sanctions': [5, { 'opt-sanctions-phased-g8': 0.3, 'opt-sanctions-snapback': 0.8, 'opt-sanctions-kept': 1 }],
    'issue-amnesty': [2, { 'opt-amnesty-full': 0.2, 'opt-amnesty-none': 1 }],
    'issue-aid-audit': [1, { 'opt-audit-full': 0.5, 'opt-audit-none': 0.6 }],
    'issue-elections': [2, { 'opt-elections-100-days': 0.4, 'opt-elections-after-martial-law': 1 }],
    'issue-eu-role': [4, { 'opt-eu-role-marginal': 0.3, 'opt-eu-role-central': 0.9 }],
    'issue-npp': [2, { 'opt-npp-shared': 0.4, 'opt-npp-ukraine': 1 }],
    'issue-ceasefire': [4, { 'opt-ceasefire-after-withdrawal': 0.4, 'opt-ceasefire-first': 1 }],
  }, 'guarantees and the reassurance force weigh most; shared with the mediator.'),
];
