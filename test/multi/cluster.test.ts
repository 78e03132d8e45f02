// Two `parley serve` processes on one PostgreSQL database, behind nginx, behave as one server: what
// one writes the other reads at once, a session opened on one works on the other (and ends on both),
// live events reach every process's streams, filtered per reader, and the rules checked inside a
// change (a revision, an approval) hold across processes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { seatNewMember, signIn, type client } from '../helpers.ts';
import { parley } from '../cli/command.ts';
import { demoOnPostgres, follow, SKIP_WITHOUT_POSTGRES, startCluster, topicsOf, type Cluster } from './cluster.ts';

const N = '/api/negotiations/geneva-2025';
const RULE = 'rule-presidents-before-moscow';
const STAGE = 'stage-presidents';

type Client = ReturnType<typeof client>;

/** Signs in with a fresh token (no token shared with another test), through `url`. */
async function freshSignIn(url: string, email: string) {
  const answer = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'parley-demo' }),
  });
  assert.equal(answer.status, 200, await answer.clone().text());
  return ((await answer.json()) as { token: string }).token;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A Ukrainian position kept inside the party, as `as` reads it. */
async function ukrainianPosition(as: Client) {
  const found = (await as.get<any[]>(`${N}/positions?version=v-geneva-19`)).body.find(
    (p) => p.partyId === 'ua' && p.visibility === 'party',
  );
  assert.ok(found, 'the demo has a Ukrainian position kept in the party');
  return found;
}

describe(
  'several servers on one PostgreSQL database, behind nginx, behave as one',
  { skip: SKIP_WITHOUT_POSTGRES },
  () => {
    let db: Awaited<ReturnType<typeof demoOnPostgres>>;
    let cluster: Cluster;
    let A: string;
    let B: string;
    let sql: pg.Client;
    before(async () => {
      db = await demoOnPostgres();
      cluster = await startCluster(db.url, 2);
      [A, B] = cluster.servers as [string, string];
      sql = new pg.Client({ connectionString: db.url });
      await sql.connect();
    });
    after(async () => {
      await sql?.end();
      await cluster?.stop();
      await db?.drop();
    });

    test('a change through one server is read through the other at once: positions, the document, the table, members', async () => {
      const uaA = await signIn(A, 'ua@demo.parley');
      const uaB = await signIn(B, 'ua@demo.parley');
      const mediatorA = await signIn(A, 'mediator@demo.parley');
      const mediatorB = await signIn(B, 'mediator@demo.parley');

      // Each read is made on B first, so that B holds it in its cache when A writes.
      const before = await ukrainianPosition(uaB);
      const changed = await uaA.patch<any>(`${N}/positions/${before.id}`, {
        revision: before.revision,
        rationale: 'changed on server A',
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      const seen = (await uaB.get<any[]>(`${N}/positions?version=v-geneva-19`)).body.find((p) => p.id === before.id);
      assert.equal(seen.revision, changed.body.revision, 'B reads the revision A wrote');
      assert.equal(seen.rationale, 'changed on server A');

      const table = (await mediatorB.get<any>(N)).body;
      const versions = (await mediatorB.get<any[]>(`${N}/versions`)).body;
      const documentBefore = (await mediatorB.get<any>(`${N}/document`)).body;
      const other = versions.find((v) => v.id !== documentBefore.id && !v.withdrawnAt && !v.internal);
      assert.ok(other, 'the mediator reads another text to make current');
      const renamed = await mediatorA.patch<any>(N, {
        revision: table.revision,
        title: `${table.title} (moved on A)`,
        currentVersionId: other.id,
      });
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
      assert.equal((await mediatorB.get<any>(N)).body.title, `${table.title} (moved on A)`);
      assert.equal(
        (await mediatorB.get<any>(`${N}/document`)).body.id,
        other.id,
        'B serves the document A made current',
      );
      // Ukraine's reading of the negotiation (a different reader of the same cached table) follows too.
      assert.equal((await uaB.get<any>(N)).body.title, `${table.title} (moved on A)`);

      const membersBefore = (await mediatorB.get<any[]>(`${N}/members`)).body;
      const invitationsBefore = (await mediatorB.get<any[]>(`${N}/invitations`)).body;
      const newcomer = await seatNewMember(A, N, {
        email: 'second-server@example.org',
        name: 'Olena Marchenko (test)',
        password: 'a long test password',
        partyId: 'ua',
        role: 'adviser',
        title: 'Adviser',
      });
      const membersAfter = (await mediatorB.get<any[]>(`${N}/members`)).body;
      assert.equal(membersAfter.length, membersBefore.length + 1, 'B lists the member seated through A');
      assert.ok(
        membersAfter.some((m) => m.userId === newcomer || m.id === newcomer || m.email === 'second-server@example.org'),
      );
      assert.notDeepEqual((await mediatorB.get<any[]>(`${N}/invitations`)).body, invitationsBefore);
      // The newcomer, signed in on B, reads the table at once: B's record of whom they sit with is current.
      const newcomerB = await signIn(B, 'second-server@example.org', 'a long test password');
      assert.equal((await newcomerB.get(`${N}/seat`)).status, 200);
    });

    test('no answer of one server is older than a write the other answered, while its live hub reads the same things', async () => {
      const uaA = await signIn(A, 'ua@demo.parley');
      const uaB = await signIn(B, 'ua@demo.parley');
      // Ukraine's stream on B: B's hub reads Ukraine's positions after each of A's writes, filling B's cache.
      const stream = await follow(`${B}${N}/events`, await freshSignIn(B, 'ua@demo.parley'));
      try {
        let position = await ukrainianPosition(uaA);
        for (let i = 0; i < 40; i++) {
          const written = await uaA.patch<any>(`${N}/positions/${position.id}`, {
            revision: position.revision,
            rationale: `write ${i} on A`,
          });
          assert.equal(written.status, 200, JSON.stringify(written.body));
          const read = (await uaB.get<any[]>(`${N}/positions?version=v-geneva-19`)).body.find(
            (p) => p.id === position.id,
          );
          assert.equal(read.rationale, `write ${i} on A`, `B answered an older state after write ${i}`);
          position = written.body;
        }
      } finally {
        stream.close();
      }
    });

    test('a session opened through one server works on the other, and signing out on one ends it on both', async () => {
      const token = await freshSignIn(A, 'ru@demo.parley');
      const onB = await fetch(`${B}/api/me`, { headers: bearer(token) });
      assert.equal(onB.status, 200, 'B knows the session A opened');
      assert.equal(((await onB.json()) as { email: string }).email, 'ru@demo.parley');
      assert.equal((await fetch(`${B}${N}/seat`, { headers: bearer(token) })).status, 200);

      const out = await fetch(`${A}/api/auth/logout`, { method: 'POST', headers: bearer(token) });
      assert.equal(out.status, 204);
      const afterOut = await fetch(`${B}/api/me`, { headers: bearer(token) });
      assert.equal(afterOut.status, 401, 'B refuses the session A ended, although B had just accepted it');
      assert.equal((await fetch(`${B}${N}/seat`, { headers: bearer(token) })).status, 401);
    });

    test("the browser's cookie session and its CSRF token, taken from one server, work on the other; without the token, refused on both", async () => {
      const opened = await fetch(`${A}/api/auth/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ua@demo.parley', password: 'parley-demo' }),
      });
      assert.equal(opened.status, 200);
      const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0]!;
      const { csrfToken } = (await opened.json()) as { csrfToken: string };
      const read = await fetch(`${B}/api/auth/session`, { headers: { cookie } });
      assert.equal(read.status, 200);
      assert.equal(
        ((await read.json()) as { csrfToken: string }).csrfToken,
        csrfToken,
        'one CSRF token on every server',
      );

      const ua = await signIn(B, 'ua@demo.parley');
      for (const [url, label] of [
        [B, 'B'],
        [cluster.proxy, 'nginx'],
      ] as const) {
        const mine = await ukrainianPosition(ua);
        const patch = (headers: Record<string, string>) =>
          fetch(`${url}${N}/positions/${mine.id}`, {
            method: 'PATCH',
            headers: { 'content-type': 'application/json', cookie, ...headers },
            body: JSON.stringify({ revision: mine.revision, rationale: `by cookie through ${label}` }),
          });
        const withoutToken = await patch({});
        assert.equal(withoutToken.status, 403, `${label}: a change with the cookie alone is refused`);
        // Through nginx the browser names nginx's host in Origin: the servers see it as their own (Host passed on).
        const origin = new URL(url).origin;
        const withToken = await patch({ 'x-csrf-token': csrfToken, origin });
        assert.equal(withToken.status, 200, `${label}: ${await withToken.text()}`);
      }
    });

    test('a live stream on one server hears a change made through the other, and a reader who may not see it hears nothing', async () => {
      const uaA = await signIn(A, 'ua@demo.parley');
      const mediatorA = await signIn(A, 'mediator@demo.parley');
      const [uaToken, ruToken, mediatorToken] = await Promise.all(
        ['ua@demo.parley', 'ru@demo.parley', 'mediator@demo.parley'].map((email) => freshSignIn(B, email)),
      );
      const uaStream = await follow(`${B}${N}/events`, uaToken!);
      const ruStream = await follow(`${B}${N}/events`, ruToken!);
      // Through nginx (either server): the proxy passes events on as they come, unbuffered.
      const mediatorStream = await follow(`${cluster.proxy}${N}/events`, mediatorToken!);
      try {
        const mine = await ukrainianPosition(uaA);
        const kept = await uaA.patch<any>(`${N}/positions/${mine.id}`, {
          revision: mine.revision,
          rationale: 'kept inside Ukraine, written on A',
        });
        assert.equal(kept.status, 200, JSON.stringify(kept.body));
        await uaStream.next((e) => e.event === 'change' && topicsOf(e).includes('positions'));

        // A marker every reader sees: Russia's and the mediator's first change must be this one.
        const marker = await mediatorA.post<any>(`${N}/statements`, {
          speaker: 'A spokesperson',
          date: '2025-11-26',
          quote: 'Talks continue on two servers.',
          stance: 'neutral',
          source: 'https://example.org/briefing',
        });
        assert.equal(marker.status, 201, JSON.stringify(marker.body));
        const first = await ruStream.next((e) => e.event === 'change');
        assert.deepEqual(topicsOf(first), ['statements'], "Russia heard nothing of Ukraine's internal change");
        const mediatorFirst = await mediatorStream.next((e) => e.event === 'change');
        assert.deepEqual(topicsOf(mediatorFirst), ['statements'], 'nor did the mediator, with whom it was not shared');
      } finally {
        for (const stream of [uaStream, ruStream, mediatorStream]) stream.close();
      }
    });

    test('50 clients update one position with the same revision through both servers: one winner per revision, the rest 409', async () => {
      const CLIENTS = 50;
      const ROUNDS = 4;
      const token = await freshSignIn(cluster.proxy, 'ua@demo.parley');
      const ua = await signIn(A, 'ua@demo.parley');
      const start = await ukrainianPosition(ua);
      let revision = start.revision as number;
      const winners: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const answers = await Promise.all(
          Array.from({ length: CLIENTS }, async (_, i) => {
            const answer = await fetch(`${cluster.proxy}${N}/positions/${start.id}`, {
              method: 'PATCH',
              headers: { 'content-type': 'application/json', ...bearer(token) },
              body: JSON.stringify({ revision, rationale: `round ${round}, client ${i}` }),
            });
            return { status: answer.status, body: (await answer.json()) as { revision?: number; rationale?: string } };
          }),
        );
        const statuses = answers.map((a) => a.status);
        const won = answers.filter((a) => a.status === 200);
        assert.equal(won.length, 1, `round ${round}: exactly one winner (answers: ${JSON.stringify(statuses)})`);
        assert.equal(
          statuses.filter((s) => s === 409).length,
          CLIENTS - 1,
          `round ${round}: every other client hears 409`,
        );
        assert.equal(won[0]!.body.revision, revision + 1);
        winners.push(won[0]!.body.revision!);
        revision += 1;
        // Whichever server is asked next, it reads the winner's words.
        for (const url of cluster.servers) {
          const reader = await signIn(url, 'ua@demo.parley');
          const now = (await reader.get<any[]>(`${N}/positions?version=v-geneva-19`)).body.find(
            (p) => p.id === start.id,
          );
          assert.equal(now.revision, revision);
          assert.equal(now.rationale, won[0]!.body.rationale);
        }
      }
      assert.equal(revision, start.revision + winners.length, 'the final revision counts the winners');
      const { rows } = await sql.query(
        "select count(*)::int as n from audit_events where action = 'position.update' and entity_id = $1",
        [start.id],
      );
      assert.ok(rows[0].n >= ROUNDS, 'every winning update is in the audit');
      const verified = parley(['audit', 'verify', '--db', db.url]);
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
      assert.match(verified.stdout, /audit log intact/);
    });

    test('the last approvals of a governed text, sent at once through both servers, transmit it exactly once', async () => {
      /** How many times the text went to Russia, as the audit records it. */
      const transmissions = async (versionId: string) =>
        (
          await sql.query<{ after: string }>(
            "select after from audit_events where action = 'version.transmit' and entity_id = $1",
            [versionId],
          )
        ).rows.filter((row) => (JSON.parse(row.after) as { partyIds: string[] }).partyIds.includes('ru')).length;
      const zelenskyA = await signIn(A, 'ua-principal@demo.parley');
      const zelenskyB = await signIn(B, 'ua-principal@demo.parley');
      const trumpA = await signIn(A, 'us-principal@demo.parley');
      const trumpB = await signIn(B, 'us-principal@demo.parley');
      const ru = await signIn(B, 'ru@demo.parley');

      // Two principals, each of whose approvals completes the rule once the other's is in.
      const hash = (await trumpA.get<any>(`${N}/versions/v-geneva-19`)).body.contentHash;
      const decision = (as: Client, choice: string, comment = '') =>
        as.post<any>(`${N}/versions/v-geneva-19/approvals`, {
          ruleId: RULE,
          stageId: STAGE,
          contentHash: hash,
          decision: choice,
          comment,
        });
      const back = await decision(zelenskyA, 'send_back', 'Territory first.');
      assert.equal(back.status, 200, JSON.stringify(back.body));
      assert.equal((await ru.get(`${N}/versions/v-geneva-19`)).status, 404);
      const [trumps, zelenskys] = await Promise.all([decision(trumpA, 'approve'), decision(zelenskyB, 'approve')]);
      assert.equal(trumps.status, 200, JSON.stringify(trumps.body));
      assert.equal(zelenskys.status, 200, JSON.stringify(zelenskys.body));
      assert.equal(await transmissions('v-geneva-19'), 1, 'one transmission, whichever approval came last');
      assert.equal((await ru.get(`${N}/versions/v-geneva-19`)).status, 200, 'Russia reads the text');

      // The same principal's last approval, sent through both servers at once: one decision, one transmission.
      const us = await signIn(A, 'us@demo.parley');
      const original = (await us.get<any>(`${N}/versions/v-geneva-19`)).body;
      const copy = await us.post<any>(`${N}/versions`, {
        label: 'Post-Geneva text, US copy',
        summary: original.summary,
        kind: original.kind,
        points: original.points.map((p: any) => ({ ...p, text: `${p.text} (US copy)` })),
        optionChoices: original.optionChoices,
        source: original.source,
        parentId: null,
        authorPartyId: 'us',
      });
      assert.equal(copy.status, 201, JSON.stringify(copy.body));
      const sent = await us.post<any>(`${N}/versions/${copy.body.id}/transmit`, { partyIds: ['ua'] });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      const copyHash = copy.body.contentHash;
      const onCopy = (as: Client) =>
        as.post<any>(`${N}/versions/${copy.body.id}/approvals`, {
          ruleId: RULE,
          stageId: STAGE,
          contentHash: copyHash,
          decision: 'approve',
        });
      assert.equal((await onCopy(zelenskyA)).status, 200);
      const twice = await Promise.all([onCopy(trumpA), onCopy(trumpB)]);
      assert.deepEqual(
        twice.map((a) => a.status).sort(),
        [200, 403],
        `one decision is taken, the other finds the text approved: ${JSON.stringify(twice.map((a) => a.body))}`,
      );
      assert.match(twice.find((a) => a.status === 403)!.body.detail, /already approved/);
      assert.equal(await transmissions(copy.body.id), 1);
      assert.equal((await ru.get(`${N}/versions/${copy.body.id}`)).status, 200);
      const verified = parley(['audit', 'verify', '--db', db.url]);
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    });
  },
);
