import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { genevaScenario } from '../../src/demo/geneva.ts';
import { demoDatabase, signIn, startServer, type RunningServer } from '../helpers.ts';

const N = '/api/negotiations/geneva-2025';
const ADMIN = 'admin@demo.parley';
const ACCOUNTS = [ADMIN, ...genevaScenario.users.map((u) => u.email)];

function partiesOf(email: string): string[] {
  const user = genevaScenario.users.find((u) => u.email === email);
  if (!user) return [];
  const own = new Set(user.memberships.map((m) => m.partyId).filter((p): p is string => p !== null));
  for (const party of genevaScenario.parties)
    if (party.kind === 'coalition' && party.memberPartyIds.some((m) => own.has(m))) own.add(party.id);
  return [...own];
}
const isMediator = (email: string) =>
  genevaScenario.users.find((u) => u.email === email)?.memberships.some((m) => m.role === 'mediator') ?? false;
const forParty = (party: string) => (email: string) => partiesOf(email).includes(party);
const forTable = (email: string) => isMediator(email);
const adminOnly = (email: string) => email === ADMIN;
const everyone = () => true;
/** Who sends a party's texts: its principal or lead (a French lead sends for the E3 too). */
const sendsFor = (party: string) => (email: string) => {
  const user = genevaScenario.users.find((u) => u.email === email);
  return (user?.memberships ?? []).some(
    (m) =>
      (m.role === 'principal' || m.role === 'lead') &&
      m.partyId !== null &&
      (m.partyId === party ||
        genevaScenario.parties.some((p) => p.id === party && p.memberPartyIds.includes(m.partyId!))),
  );
};

interface WriteAction {
  name: string;
  method: 'POST' | 'PATCH' | 'PUT';
  path: string;
  body: (email: string, n: number) => unknown;
  allowed: (email: string) => boolean;
}

const ACTIONS: WriteAction[] = [
  {
    name: 'take a position for Ukraine',
    method: 'POST',
    path: `${N}/positions`,
    body: () => ({
      versionId: 'v-us-28',
      pointId: 'pt-2',
      partyId: 'ua',
      stance: 'amend',
      proposedText: 'A pact among Russia, Ukraine and NATO.',
    }),
    allowed: forParty('ua'),
  },
  {
    name: 'state a red line for Russia',
    method: 'POST',
    path: `${N}/red-lines`,
    body: (_e, n) => ({
      partyId: 'ru',
      title: `No foreign troops ${n}`,
      constraint: genevaScenario.redLines.find((r) => r.partyId === 'ru')!.constraint,
    }),
    allowed: forParty('ru'),
  },
  {
    name: 'write a counter-proposal for the E3',
    method: 'POST',
    path: `${N}/versions`,
    body: (_e, n) => ({
      parentId: 'v-us-28',
      kind: 'proposal',
      label: `E3 note ${n}`,
      authorPartyId: 'e3',
      internal: true,
      points: [{ id: 'pt-1', number: 1, title: 'sovereignty', text: 'Ukraine is sovereign.' }],
    }),
    allowed: forParty('e3'),
  },
  {
    name: 'transmit the US draft',
    method: 'POST',
    path: `${N}/versions/v-us-28/transmit`,
    body: () => ({ partyIds: ['ru'] }),
    allowed: sendsFor('us'),
  },
  {
    name: 'define an issue',
    method: 'POST',
    path: `${N}/issues`,
    body: (_e, n) => ({
      name: `Grain corridor ${n}`,
      options: [
        { id: 'open', label: 'Open' },
        { id: 'closed', label: 'Closed' },
      ],
    }),
    allowed: forTable,
  },
  {
    name: 'record a round',
    method: 'POST',
    path: `${N}/rounds`,
    body: (_e, n) => ({ title: `Follow-up ${n}`, startsOn: '2025-11-30' }),
    allowed: forTable,
  },
  {
    name: 'record a public statement',
    method: 'POST',
    path: `${N}/statements`,
    body: () => ({
      speaker: 'A senator',
      date: '2025-11-24',
      quote: 'We are watching.',
      stance: 'neutral',
      source: 'demo test',
    }),
    allowed: forTable,
  },
  {
    name: 'open a track',
    method: 'POST',
    path: `${N}/tracks`,
    // The US and Ukraine take part: their presidents' rule must still be able to finish.
    body: (_e, n) => ({ name: `Humanitarian ${n}`, partyIds: ['ua', 'ru', 'us'] }),
    allowed: forTable,
  },
  {
    name: 'open a negotiation',
    method: 'POST',
    path: '/api/negotiations',
    body: (_e, n) => ({ title: `Other talks ${n}`, summary: '' }),
    allowed: everyone,
  },
  {
    name: 'create an account',
    method: 'POST',
    path: '/api/users',
    body: (_e, n) => ({ email: `new${n}@example.org`, name: 'New' }),
    allowed: adminOnly,
  },
  {
    name: 'add a party',
    method: 'POST',
    path: `${N}/parties`,
    body: (_e, n) => ({ name: `Observer state ${n}`, shortName: `O${n}` }),
    allowed: forTable,
  },
];

describe('permissions: every write route against every demo account', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase());
  });

  for (const action of ACTIONS) {
    test(`only those entitled may ${action.name}; everyone else gets 403, and the administrator, who is not at the table, 404`, async () => {
      let n = 0;
      for (const email of ACCOUNTS) {
        const account = await signIn(server.url, email);
        const answer = await account.call(action.method, action.path, action.body(email, ++n));
        if (email === ADMIN && action.path.startsWith(N)) {
          assert.equal(
            answer.status,
            404,
            `the administrator keeps the installation, not the negotiation: got ${answer.status}`,
          );
        } else if (action.allowed(email)) {
          assert.ok(
            [200, 201, 409].includes(answer.status),
            `${email} may ${action.name}: got ${answer.status} ${JSON.stringify(answer.body)}`,
          );
        } else {
          assert.equal(
            answer.status,
            403,
            `${email} may not ${action.name}: got ${answer.status} ${JSON.stringify(answer.body)}`,
          );
        }
      }
    });
  }

  test('every change made above is in the intact audit chain', async () => {
    const verdict = await server.store.verifyAudit();
    assert.ok(verdict.ok);
  });
});
