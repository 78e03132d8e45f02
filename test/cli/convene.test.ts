import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyse, client, signIn, startServer, tempDir } from '../helpers.ts';
import { parley } from './command.ts';

describe('convening and the settlement desk from the command line', () => {
  test('a convenor opens a negotiation, invites by e-mail and lists the people; the printed link works', async () => {
    const db = join(tempDir(), 'convene.db');
    assert.equal(parley(['user', 'add', '--db', db, '--email', 'mira@example.org', '--name', 'Mira']).code, 0);
    const opened = parley([
      'negotiation',
      'create',
      '--db',
      db,
      '--as',
      'mira@example.org',
      '--title',
      'Harbour',
      '--id',
      'harbour',
    ]);
    assert.equal(opened.code, 0, opened.stderr);
    assert.match(opened.stdout, /opened negotiation harbour/);
    const invited = parley([
      'invite',
      '--db',
      db,
      '--negotiation',
      'harbour',
      '--as',
      'mira@example.org',
      '--email',
      'olu@example.org',
      '--role',
      'mediator',
      '--base-url',
      'http://parley.example',
    ]);
    assert.equal(invited.code, 0, invited.stderr);
    const link = /http:\/\/parley\.example\/invite\/(\S+)/.exec(invited.stdout);
    assert.ok(link, invited.stdout);
    const wrong = parley([
      'invite',
      '--db',
      db,
      '--negotiation',
      'harbour',
      '--as',
      'mira@example.org',
      '--email',
      'x@example.org',
      '--role',
      'lead',
      '--party',
      'nope',
    ]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /"nope" is not a party/);

    const server = await startServer(db);
    const accepted = await client(server.url).post('/api/invitations/accept', {
      token: link[1],
      name: 'Olu',
      password: 'co-mediator-pass',
    });
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    await server.app.close();
    await server.store.close();
    const members = parley(['members', '--db', db, '--negotiation', 'harbour', '--as', 'olu@example.org']);
    assert.equal(members.code, 0, members.stderr);
    assert.match(members.stdout, /Mira <mira@example\.org>\tmediator\tConvenor/);
    assert.match(members.stdout, /Olu <olu@example\.org>\tmediator/);
  });

  test('parley analyze --db answers what the API answers, as the same account sees it', async () => {
    const db = join(tempDir(), 'demo.db');
    assert.equal(parley(['demo', '--db', db]).code, 0);
    const cli = parley(['analyze', '--db', db, '--negotiation', 'geneva-2025', '--as', 'ua@demo.parley', '--json']);
    assert.equal(cli.code, 0, cli.stderr);
    const fromCli = JSON.parse(cli.stdout);
    const server = await startServer(db);
    const ua = await signIn(server.url, 'ua@demo.parley');
    const api = (await analyse(ua, '/api/negotiations/geneva-2025', {})).body;
    assert.deepEqual(fromCli, { versionId: api.versionId, ...api.result });
    assert.deepEqual(fromCli.included, ['ua'], 'Ukraine analyses on its own preferences');
    const text = parley(['analyze', '--db', db, '--negotiation', 'geneva-2025', '--as', 'mediator@demo.parley']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /parties used: .*; left out: /);
    assert.equal(parley(['analyze', '--db', db]).code, 2, '--db needs --negotiation');
  });
});
