import assert from 'node:assert/strict';
import { Store } from '../../src/store/store.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { client, startServer, tempDir } from '../helpers.ts';
import { BIN, parley } from './command.ts';

/** Starts the built `parley serve` on a free port and waits until it says where it serves. */
async function serve(file: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--db', file, '--port', '0'], {
    env: { ...process.env, PORT: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stderr.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /serving (http:\/\/\S+)/.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${seen}`)));
  });
  return { child, url };
}

describe('the parley command', () => {
  let db: string;
  before(() => {
    db = join(tempDir(), 'cli.db');
    const loaded = parley(['demo', '--db', db]);
    assert.equal(loaded.code, 0, loaded.stderr);
  });

  test('export prints the current plan as Markdown with its brackets UN-style', () => {
    const result = parley(['export', '--db', db]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^# Geneva 2025/);
    assert.match(result.stdout, /^### 1\. /m);
    assert.match(result.stdout, /\[[^\]]+\] \/ \[[^\]]+\]/, 'a bracket shows its alternatives as [A] / [B]');
    assert.doesNotMatch(result.stdout, /\[\[/, 'no raw placeholder is left');
  });

  test('export as an account shows only what that account may see', () => {
    const asRussia = parley(['export', '--db', db, '--as', 'ru@demo.parley', '--version', 'v-us-28']);
    assert.equal(asRussia.code, 0, asRussia.stderr);
    assert.match(asRussia.stdout, /US 28-point plan/);
    assert.doesNotMatch(
      asRussia.stdout,
      /\*\*(UA|US|FR|DE|UK|EU|E3)\*\*[^\n]*_\((internal|shared with mediator)\)_/,
      "Russia sees no other party's internal or mediator-only position",
    );
    const hidden = parley(['export', '--db', db, '--as', 'ru@demo.parley', '--version', 'v-geneva-19']);
    assert.equal(hidden.code, 1);
    assert.match(hidden.stderr, /not found, or you may not see it/);
    const asUkraine = parley(['export', '--db', db, '--as', 'ua@demo.parley', '--version', 'v-us-28']);
    assert.match(asUkraine.stdout, /\*\*UA\*\*[^\n]*_\(internal\)_/, 'Ukraine sees its own internal positions');
    assert.doesNotMatch(
      asUkraine.stdout,
      /\*\*RU\*\*[^\n]*_\((internal|shared with mediator)\)_/,
      "but none of Russia's",
    );
  });

  test('audit verify passes on an untouched database and names the event altered by hand', () => {
    const copy = join(tempDir(), 'tampered.db');
    const source = new Database(db);
    source.exec(`VACUUM INTO '${copy}'`);
    source.close();
    const intact = parley(['audit', 'verify', '--db', copy]);
    assert.equal(intact.code, 0, intact.stdout + intact.stderr);
    assert.match(intact.stdout, /audit log intact: \d+ events/);

    const tamper = new Database(copy);
    const victim = tamper
      .prepare("select seq from audit_events where action = 'position.create' order by seq limit 1 offset 3")
      .get() as { seq: number };
    tamper.prepare("update audit_events set after = replace(after, 'support', 'oppose') where seq = ?").run(victim.seq);
    tamper.close();
    const broken = parley(['audit', 'verify', '--db', copy]);
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, new RegExp(`audit log broken at event ${victim.seq}\\b`));
  });

  test('audit verify notices a deleted event', () => {
    const copy = join(tempDir(), 'gap.db');
    const source = new Database(db);
    source.exec(`VACUUM INTO '${copy}'`);
    source.close();
    const tamper = new Database(copy);
    tamper.prepare('delete from audit_events where seq = 5').run();
    tamper.close();
    const broken = parley(['audit', 'verify', '--db', copy]);
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /event 5 is missing/);
  });

  test('user add creates an account without a password and prints the link where the person chooses one; refuses a duplicate and any password; user link renews the link until a password is chosen', async () => {
    const created = parley([
      'user',
      'add',
      '--db',
      db,
      '--email',
      'clerk@example.org',
      '--name',
      'Clerk',
      '--base-url',
      'http://parley.example/',
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /created account clerk@example.org/);
    const link = /http:\/\/parley\.example\/set-password\/(\S+)/.exec(created.stdout);
    assert.ok(link, created.stdout);
    const again = parley(['user', 'add', '--db', db, '--email', 'clerk@example.org', '--name', 'Clerk']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists already/);
    for (const [args, env] of [
      [['--password', 'long-enough-secret'], {}],
      [[], { PARLEY_PASSWORD: 'long-enough-secret' }],
    ] as const) {
      const withPassword = parley(['user', 'add', '--db', db, '--email', 'y@example.org', '--name', 'Y', ...args], env);
      assert.equal(withPassword.code, 2, 'the operator never chooses a password that works');
      assert.match(withPassword.stderr, /chooses their own password/);
    }
    // The link was lost: `user link` prints a new one, and the first no longer works.
    const renewed = parley([
      'user',
      'link',
      '--db',
      db,
      '--email',
      'clerk@example.org',
      '--base-url',
      'http://parley.example',
    ]);
    assert.equal(renewed.code, 0, renewed.stderr);
    const fresh = /http:\/\/parley\.example\/set-password\/(\S+)/.exec(renewed.stdout);
    assert.ok(fresh && fresh[1] !== link[1], renewed.stdout);
    assert.equal(parley(['user', 'link', '--db', db, '--email', 'nobody@example.org']).code, 2);
    // The person chooses the password with the new link, and then signs in with it.
    const server = await startServer(db);
    const stale = await client(server.url).post('/api/password-links/choose', {
      token: link[1],
      password: 'clerk-chose-this',
    });
    assert.equal(stale.status, 404, 'the first link no longer works');
    const chosen = await client(server.url).post('/api/password-links/choose', {
      token: fresh[1],
      password: 'clerk-chose-this',
    });
    assert.equal(chosen.status, 201, JSON.stringify(chosen.body));
    const signedIn = await client(server.url).post('/api/auth/login', {
      email: 'clerk@example.org',
      password: 'clerk-chose-this',
    });
    assert.equal(signedIn.status, 200);
    // Once a password is chosen, no link is made: the operator would choose one.
    const afterChoice = parley(['user', 'link', '--db', db, '--email', 'clerk@example.org']);
    assert.equal(afterChoice.code, 1);
    assert.match(afterChoice.stderr, /has chosen a password already/);
  });

  test('usage errors exit 2 with a message; --help exits 0', () => {
    assert.equal(parley(['export', '--bogus']).code, 2);
    assert.equal(parley(['demo']).code, 2);
    assert.match(parley(['demo']).stderr, /--db/);
    assert.equal(parley(['serve', '--port', 'eighty']).code, 2);
    assert.equal(parley(['export', '--format', 'odt', '--db', db]).code, 2);
    for (const command of [[], ['serve'], ['demo'], ['export'], ['audit', 'verify'], ['user', 'add']]) {
      const help = parley([...command, '--help']);
      assert.equal(help.code, 0, `${command.join(' ')} --help`);
      assert.match(help.stdout, /Usage: parley/);
    }
  });

  test('a reader that closes the pipe early ends the command quietly, without a stack trace', async () => {
    const fixture = join(import.meta.dirname, '../fixtures/genius/ParsCat');
    const profiles = ['profile1.xml', 'profile2.xml', 'profile3.xml'].map((f) => join(fixture, f));
    const child = spawn(
      process.execPath,
      [BIN, 'analyze', '--json', '--genius', join(fixture, 'domain.xml'), ...profiles],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|at .*:\d+/);
  });

  test('loading the demo twice fails without touching the data', () => {
    const result = parley(['demo', '--db', db]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /already holds the negotiation "geneva-2025"/);
    assert.equal(parley(['audit', 'verify', '--db', db]).code, 0);
  });

  test('serve fills an empty database with the demo and answers on the port given', async () => {
    const { child, url } = await serve(join(tempDir(), 'serve.db'));
    try {
      const health = await fetch(`${url}/api/health`);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const login = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'mediator@demo.parley', password: 'parley-demo' }),
      });
      assert.equal(login.status, 200);
      const { token } = (await login.json()) as { token: string };
      const negotiations = (await (
        await fetch(`${url}/api/negotiations`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { id: string }[];
      assert.deepEqual(
        negotiations.map((n) => n.id),
        ['geneva-2025'],
      );
      const docs = await fetch(`${url}/api/openapi.json`);
      const spec = (await docs.json()) as { openapi: string; paths: Record<string, unknown> };
      assert.match(spec.openapi, /^3\./);
      assert.ok(spec.paths['/api/negotiations/{id}/document'], 'the OpenAPI document describes the routes');
      assert.equal((await fetch(`${url}/api/docs`)).status, 200);
    } finally {
      child.kill('SIGTERM');
    }
  });

  test('an acknowledged write survives the server being killed (SIGKILL) the moment after', async () => {
    const file = join(tempDir(), 'kill.db');
    const { child, url } = await serve(file);
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'us@demo.parley', password: 'parley-demo' }),
    });
    const { token } = (await login.json()) as { token: string };
    const written = await fetch(`${url}/api/negotiations/geneva-2025/positions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ versionId: 'v-e3-counter', pointId: 'pt-1', partyId: 'us', stance: 'oppose' }),
    });
    assert.equal(written.status, 201);
    const { id } = (await written.json()) as { id: string };
    // Then waves of twenty at once, committed together: the server is killed as the last wave is
    // answered, and every change answered must be in the file.
    const patch = (revision: number, serial: number) =>
      fetch(`${url}/api/negotiations/geneva-2025/positions/${id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ revision, rationale: `wave ${serial}` }),
      });
    let revision = 1;
    const answered: number[] = [];
    for (let wave = 0; wave < 5; wave++) {
      // All of a wave carry the same revision: one wins, the others are refused with 409.
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => patch(revision, wave * 20 + i)));
      assert.deepEqual(
        answers.map((a) => a.status).sort(),
        [200, ...Array.from({ length: 19 }, () => 409)],
        `wave ${wave}: exactly one of twenty writers on the same revision wins`,
      );
      const won = answers.find((a) => a.status === 200)!;
      revision = ((await won.json()) as { revision: number }).revision;
      answered.push(revision);
    }
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const reopened = await Store.open(file);
    try {
      const row = await reopened.db
        .selectFrom('positions')
        .select(['id', 'revision'])
        .where('id', '=', id)
        .executeTakeFirst();
      assert.ok(row, 'the position answered 201 is in the file');
      assert.equal(row.revision, Math.max(...answered), 'every answered change is in the file');
      assert.equal((await reopened.verifyAudit()).ok, true, 'and so are their audit events, chained');
    } finally {
      await reopened.close();
    }
  });
});
