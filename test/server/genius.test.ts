// GENIUS both ways through the API: a researcher imports an ANAC domain with its profiles as a new
// negotiation and runs the settlement desk on it (Nash and Kalai-Smorodinsky as the engine finds them
// on the same files); a reader exports the issues and the preferences they may see, and nothing
// more; hostile files are refused with a clear error and nothing saved.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { analyzeNegotiation } from '../../src/analysis/analyze.ts';
import { parseGeniusDomain, parseGeniusProfile } from '../../src/analysis/genius.ts';
import { parseDecimal, toNumber } from '../../src/analysis/rational.ts';
import { analyse, demoDatabase, startServer, type RunningServer } from '../helpers.ts';
import { client } from '../helpers.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'genius');
const fixture = (folder: string, file: string) => readFileSync(join(FIXTURES, folder, file), 'utf8');
const zipOf = (files: Record<string, string>) =>
  zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])));

let server: RunningServer;
const tokens = new Map<string, string>();
async function tokenOf(email: string): Promise<string> {
  if (!tokens.has(email)) {
    const answer = await client(server.url).post<{ token: string }>('/api/auth/login', {
      email,
      password: 'parley-demo',
    });
    assert.equal(answer.status, 200);
    tokens.set(email, answer.body.token);
  }
  return tokens.get(email)!;
}
async function importZip(email: string, body: Uint8Array, type = 'application/zip') {
  const response = await fetch(`${server.url}/api/imports/genius`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenOf(email)}`, 'content-type': type },
    body: Buffer.from(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: text ? JSON.parse(text) : null,
  };
}
async function exportZip(email: string, negotiationId: string) {
  const response = await fetch(`${server.url}/api/negotiations/${negotiationId}/export?format=genius`, {
    headers: { authorization: `Bearer ${await tokenOf(email)}` },
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes };
}
async function negotiationCount(): Promise<number> {
  const row = await server.store.db
    .selectFrom('negotiations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

before(async () => {
  server = await startServer(await demoDatabase());
});

describe('a researcher imports an ANAC domain and runs the settlement desk on it', () => {
  for (const [folder, domain, profiles] of [
    ['Laptop', 'laptop_domain.xml', ['laptop_buyer_utility.xml', 'laptop_seller_utility.xml']],
    ['ItexvsCypress', 'ItexvsCypress_domain.xml', ['ItexvsCypress_Cypress.xml', 'ItexvsCypress_Itex.xml']],
  ] as const) {
    test(`${folder}: Nash and Kalai-Smorodinsky as analyzeNegotiation finds them on the same files`, async () => {
      const files = Object.fromEntries([domain, ...profiles].map((f) => [f, fixture(folder, f)]));
      const answer = await importZip('mediator@demo.parley', zipOf(files));
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      const { negotiation, parties, notes } = answer.body;
      assert.deepEqual(
        parties.map((p: { file: string }) => p.file),
        [...profiles],
      );
      const researcher = client(server.url, await tokenOf('mediator@demo.parley'));
      const N = `/api/negotiations/${negotiation.id}`;
      const issues = (await researcher.get(`${N}/issues`)).body as {
        id: string;
        name: string;
        options: { id: string; label: string }[];
      }[];
      const preferences = (await researcher.get(`${N}/preferences`)).body as { visibility: string }[];
      assert.equal(preferences.length, profiles.length);
      assert.ok(
        preferences.every((p) => p.visibility === 'mediator'),
        'shared with the mediators',
      );
      const analysis = await analyse(researcher, N);
      assert.equal(analysis.status, 201, JSON.stringify(analysis.body));
      const result = analysis.body.result;

      // The engine on the files themselves.
      const space = parseGeniusDomain(files[domain]!, domain);
      const problem = {
        space,
        parties: profiles.map((p) => parseGeniusProfile(files[p]!, p, space)),
      };
      const expected = analyzeNegotiation(problem);
      const labels = (choices: Record<string, string>) =>
        Object.fromEntries(
          Object.entries(choices).map(([issueId, optionId]) => {
            const issue = issues.find((i) => i.id === issueId)!;
            return [issue.name, issue.options.find((o) => o.id === optionId)!.label];
          }),
        );
      const ofOutcome = (outcome: readonly number[]) =>
        Object.fromEntries(space.issues.map((issue, i) => [issue.name, issue.options[outcome[i]!]!]));
      assert.deepEqual(labels(result.nash.choices), ofOutcome(expected.nash!.outcome));
      assert.deepEqual(labels(result.kalaiSmorodinsky.choices), ofOutcome(expected.kalaiSmorodinsky!.outcome));
      assert.equal(result.frontierSize, expected.frontier!.size, 'the same Pareto frontier');
      // Utilities agree, up to the weights' sum (hand-written files are divided by it; the notes say so).
      const partyIds = parties.map((p: { id: string }) => p.id);
      problem.parties.forEach((party, p) => {
        if (party.utility.kind !== 'additive') throw new Error('additive');
        const sum = party.utility.weights.reduce((a, w) => a + toNumber(w), 0);
        const got = result.nash.utilities[partyIds[p]] * sum;
        assert.ok(Math.abs(got - toNumber(expected.nash!.utilities[p]!)) < 1e-9, `${profiles[p]}: ${got}`);
        if (Math.abs(sum - 1) > 1e-12)
          assert.ok(notes.some((n: string) => n.includes(profiles[p]!) && /divided/.test(n)));
      });
    });
  }

  test('the imported negotiation exports back as the same domain, and as the profiles the importer sees', async () => {
    const files = {
      'travel_domain.xml': fixture('Travel', 'travel_domain.xml'),
      'travel_chox.xml': fixture('Travel', 'travel_chox.xml'),
      'travel_fanny.xml': fixture('Travel', 'travel_fanny.xml'),
    };
    const imported = await importZip('mediator@demo.parley', zipOf(files));
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    const out = await exportZip('mediator@demo.parley', imported.body.negotiation.id);
    assert.equal(out.status, 200);
    assert.equal(out.headers.get('content-type'), 'application/zip');
    assert.match(out.headers.get('content-disposition') ?? '', /^attachment; filename="[a-z0-9-]+-genius\.zip"$/);
    const entries = unzipSync(out.bytes);
    const names = Object.keys(entries);
    assert.equal(names.length, 3, names.join(', '));
    const text = (name: string) => new TextDecoder().decode(entries[name]);
    const domainName = names.find((n) => n.endsWith('-domain.xml'))!;
    const original = parseGeniusDomain(files['travel_domain.xml'], 'travel_domain.xml');
    const back = parseGeniusDomain(text(domainName), domainName);
    assert.deepEqual(
      back.issues.map((i) => [i.name, i.options]),
      original.issues.map((i) => [i.name, i.options]),
    );
    // Each profile reads back to exactly the preferences Parley holds (what the settlement desk computes
    // with), and these are the original file's to double precision (Travel's weights have 17 digits).
    const reader = client(server.url, await tokenOf('mediator@demo.parley'));
    const N = `/api/negotiations/${imported.body.negotiation.id}`;
    const issues = (await reader.get(`${N}/issues`)).body as { id: string; options: { id: string }[] }[];
    const preferences = (await reader.get(`${N}/preferences`)).body as any[];
    for (const [file, party] of imported.body.parties.map((p: any) => [p.file, p] as const)) {
      const exported = names.find((n) => n.endsWith(`-${party.name.replace(/_/g, '-')}.xml`))!;
      assert.ok(exported, `a profile for ${party.name} in ${names.join(', ')}`);
      const held = preferences.find((p) => p.partyId === party.id);
      const a = parseGeniusProfile(files[file as keyof typeof files], file, original);
      const b = parseGeniusProfile(text(exported), exported, back);
      if (a.utility.kind !== 'additive' || b.utility.kind !== 'additive') throw new Error('additive');
      const bu = b.utility;
      const au = a.utility;
      issues.forEach((issue, i) => {
        assert.deepEqual(bu.weights[i], parseDecimal(String(held.weights[issue.id])), `${file}: weight ${i} exactly`);
        assert.ok(Math.abs(toNumber(bu.weights[i]!) - toNumber(au.weights[i]!)) < 1e-15);
        issue.options.forEach((option, o) => {
          const best = Math.max(...issue.options.map((x) => held.scores[issue.id][x.id]));
          assert.ok(Math.abs(toNumber(bu.evaluations[i]![o]!) - held.scores[issue.id][option.id] / best) < 1e-15);
          assert.deepEqual(bu.evaluations[i]![o], au.evaluations[i]![o], `${file}: evaluation ${i}.${o} exactly`);
        });
      });
      assert.deepEqual(b.reservation, a.reservation);
    }
  });
});

describe('a GENIUS export holds exactly the preferences the reader may see', () => {
  test("each reader's zip has one profile per preference their own listing shows", async () => {
    for (const email of ['mediator@demo.parley', 'us@demo.parley', 'ru@demo.parley', 'kushner@demo.parley']) {
      const reader = client(server.url, await tokenOf(email));
      const seen = (await reader.get('/api/negotiations/geneva-2025/preferences')).body as { partyId: string }[];
      const parties = (await reader.get('/api/negotiations/geneva-2025/parties')).body as {
        id: string;
        shortName: string;
      }[];
      const out = await exportZip(email, 'geneva-2025');
      assert.equal(out.status, 200, new TextDecoder().decode(out.bytes));
      const profiles = Object.keys(unzipSync(out.bytes)).filter((n) => !n.endsWith('-domain.xml'));
      assert.equal(profiles.length, seen.length, `${email}: ${profiles.join(', ')}`);
      const slug = (s: string) =>
        s
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-+|-+$/g, '');
      const unseen = parties.filter((p) => !seen.some((s) => s.partyId === p.id));
      for (const party of unseen)
        assert.ok(
          !profiles.some((n) => n.endsWith(`-${slug(party.shortName)}.xml`)),
          `${email} gets no profile of ${party.shortName}`,
        );
    }
  });

  test('an outsider is refused the export as any negotiation they do not sit in', async () => {
    const out = await exportZip('mediator@demo.parley', 'no-such-negotiation');
    assert.equal(out.status, 404);
  });
});

describe('hostile GENIUS files are refused with a clear error, and nothing is saved', () => {
  const laptop = () => ({
    'laptop_domain.xml': fixture('Laptop', 'laptop_domain.xml'),
    'laptop_buyer_utility.xml': fixture('Laptop', 'laptop_buyer_utility.xml'),
  });
  const cases: [string, () => Uint8Array, RegExp, number?][] = [
    [
      'a DOCTYPE with entities',
      () =>
        zipOf({
          ...laptop(),
          'laptop_domain.xml': `<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>\n${laptop()['laptop_domain.xml'].replace(/^<\?xml[^>]*>/, '')}`,
        }),
      /DOCTYPE and entity declarations are not allowed/,
    ],
    [
      'deep nesting',
      () => zipOf({ ...laptop(), 'deep.xml': `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}` }),
      /nest deeper than/,
    ],
    [
      'a zip bomb (a small zip of a huge file)',
      () => zipSync({ 'bomb.xml': [new Uint8Array(50 * 1024 * 1024), { level: 9 }] }),
      /zip bomb/,
    ],
    ['a body that is no zip', () => strToU8('<negotiation_template/>'), /not a zip archive/],
    [
      'a nonlinear (hyper-rectangle) profile',
      () =>
        zipOf({
          'domain.xml': fixture('10issuesDiscountedwithRV', '10issuesDiscountedwithRV-domain.xml'),
          'profile-1.xml': fixture('10issuesDiscountedwithRV', 'profile-1.xml'),
        }),
      /nonlinear .* additive|issues; a negotiation|options; an issue/,
    ],
    ['no profile', () => zipOf({ 'laptop_domain.xml': laptop()['laptop_domain.xml'] }), /no GENIUS profile/],
    [
      'invalid UTF-8',
      () =>
        zipSync({
          ...Object.fromEntries(Object.entries(laptop()).map(([n, t]) => [n, strToU8(t)])),
          'bad.xml': new Uint8Array([0x3c, 0xff, 0xfe, 0x3e]),
        }),
      /not UTF-8/,
    ],
    ['an oversize body', () => new Uint8Array(6 * 1024 * 1024).fill(0x50), /larger than/, 413],
  ];
  for (const [what, body, message, status = 400] of cases) {
    test(what, async () => {
      const before = await negotiationCount();
      const answer = await importZip('mediator@demo.parley', body());
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assert.match(answer.type, /problem\+json/);
      assert.match(answer.body.detail, message);
      assert.equal(await negotiationCount(), before, 'nothing is saved');
    });
  }

  test('a zip sent to a JSON route is still refused as not JSON', async () => {
    const response = await fetch(`${server.url}/api/negotiations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenOf('mediator@demo.parley')}`, 'content-type': 'application/zip' },
      body: Buffer.from(zipOf(laptop())),
    });
    assert.equal(response.status, 415);
  });
});
