/**
 * The parties at the Geneva table and the demo accounts of their delegations. Names are those of the
 * officials the sources name; the accounts are demo logins (the loader sets the password), not theirs.
 */
import type { Scenario, ScenarioUser } from '../scenario.ts';

export const parties: Scenario['parties'] = [
  { id: 'us', name: 'United States', shortName: 'US', kind: 'party', memberPartyIds: [], pointIds: [] },
  { id: 'ua', name: 'Ukraine', shortName: 'UA', kind: 'party', memberPartyIds: [], pointIds: [] },
  { id: 'ru', name: 'Russia', shortName: 'RU', kind: 'party', memberPartyIds: [], pointIds: [] },
  { id: 'eu', name: 'European Union', shortName: 'EU', kind: 'party', memberPartyIds: [], pointIds: [] },
  { id: 'fr', name: 'France', shortName: 'FR', kind: 'party', memberPartyIds: [], pointIds: [] },
  { id: 'de', name: 'Germany', shortName: 'DE', kind: 'party', memberPartyIds: [], pointIds: [] },
  { id: 'uk', name: 'United Kingdom', shortName: 'UK', kind: 'party', memberPartyIds: [], pointIds: [] },
  {
    id: 'e3',
    name: 'E3 (France, Germany, United Kingdom)',
    shortName: 'E3',
    kind: 'coalition',
    memberPartyIds: ['fr', 'de', 'uk'],
    pointIds: [],
  },
];

function user(
  id: string,
  email: string,
  name: string,
  partyId: string | null,
  role: ScenarioUser['memberships'][number]['role'],
  title: string,
): ScenarioUser {
  return { id, email, name, isAdmin: false, memberships: [{ partyId, role, title }] };
}

/**
 * Leads and principals use the fixed `<party>@demo.parley` and `<party>-principal@demo.parley`
 * addresses; further delegation members (S22, S24, S25, S26, S27, S29, S40, S68) use their surname.
 * The E3's national security advisers sit in their own national delegations: the coalition acts
 * through its member parties.
 */
export const users: ScenarioUser[] = [
  user('u-mediator', 'mediator@demo.parley', 'Mira Castellan', null, 'mediator', 'Mediator (fictional; no party)'),

  user(
    'u-us-principal',
    'us-principal@demo.parley',
    'Donald Trump',
    'us',
    'principal',
    'President of the United States',
  ),
  user('u-us', 'us@demo.parley', 'Marco Rubio', 'us', 'lead', 'Secretary of State'),
  user('u-witkoff', 'witkoff@demo.parley', 'Steve Witkoff', 'us', 'negotiator', 'Special Envoy'),
  user('u-driscoll', 'driscoll@demo.parley', 'Daniel Driscoll', 'us', 'negotiator', 'Secretary of the Army'),
  user('u-kushner', 'kushner@demo.parley', 'Jared Kushner', 'us', 'adviser', 'Informal adviser'),

  user('u-ua-principal', 'ua-principal@demo.parley', 'Volodymyr Zelensky', 'ua', 'principal', 'President of Ukraine'),
  user('u-ua', 'ua@demo.parley', 'Andriy Yermak', 'ua', 'lead', 'Head of the Office of the President'),
  user(
    'u-umerov',
    'umerov@demo.parley',
    'Rustem Umerov',
    'ua',
    'negotiator',
    'Secretary of the National Security and Defense Council',
  ),
  user('u-kyslytsya', 'kyslytsya@demo.parley', 'Serhiy Kyslytsya', 'ua', 'negotiator', 'First Deputy Foreign Minister'),
  user('u-budanov', 'budanov@demo.parley', 'Kyrylo Budanov', 'ua', 'adviser', 'Chief of Defence Intelligence'),
  user('u-hnatov', 'hnatov@demo.parley', 'Andrii Hnatov', 'ua', 'adviser', 'Chief of the General Staff'),

  user('u-ru', 'ru@demo.parley', 'Yuri Ushakov', 'ru', 'lead', 'Presidential aide for foreign policy'),
  user('u-medinsky', 'medinsky@demo.parley', 'Vladimir Medinsky', 'ru', 'negotiator', 'Presidential aide'),

  user(
    'u-eu',
    'eu@demo.parley',
    'Björn Seibert',
    'eu',
    'lead',
    'Head of Cabinet of the President of the European Commission',
  ),
  user(
    'u-fr',
    'fr@demo.parley',
    'Emmanuel Bonne',
    'fr',
    'lead',
    'Diplomatic adviser to the President (national security adviser)',
  ),
  user(
    'u-de',
    'de@demo.parley',
    'Günter Sautter',
    'de',
    'lead',
    'Foreign and security policy adviser to the Chancellor',
  ),
  user('u-uk', 'uk@demo.parley', 'Jonathan Powell', 'uk', 'lead', 'National Security Adviser'),
];
