// On SQLite, the server and the `parley` command share one file: a change the command makes reaches
// the screens open on the server (SQLite's data_version, looked at while someone listens).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { genevaScenario } from '../../src/demo/geneva.ts';
import { loadScenario } from '../../src/demo/load.ts';
import { Store } from '../../src/store/store.ts';
import { BIN } from '../cli/command.ts';
import { client, signIn, startServer, tempDir } from '../helpers.ts';
import { follow, topicsOf } from './cluster.ts';

const N = '/api/negotiations/geneva-2025';

/** Runs the built `parley` without blocking this process (whose server must keep answering). */
function parleyAsync(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

test('on SQLite, a seat offered by the `parley` command in another process reaches the live streams open on the server', async () => {
  const file = join(tempDir(), 'shared.db');
  const store = await Store.open(file);
  await loadScenario(store, genevaScenario);
  await store.close();
  const server = await startServer(file);
  const mediator = await signIn(server.url, 'mediator@demo.parley');
  const before = (await mediator.get<any[]>(`${N}/invitations`)).body;
  const login = await client(server.url).post<{ token: string }>('/api/auth/login', {
    email: 'mediator@demo.parley',
    password: 'parley-demo',
  });
  const stream = await follow(`${server.url}${N}/events`, login.body.token);
  try {
    const invited = await parleyAsync([
      'invite',
      '--db',
      file,
      '--negotiation',
      'geneva-2025',
      '--as',
      'mediator@demo.parley',
      '--email',
      'co-mediator@example.org',
      '--role',
      'mediator',
    ]);
    assert.equal(invited.code, 0, invited.output);
    const change = await stream.next((e) => e.event === 'change');
    assert.ok(topicsOf(change).includes('negotiation'), `the invitation is in the negotiation topic: ${change.data}`);
    const afterwards = (await mediator.get<any[]>(`${N}/invitations`)).body;
    assert.equal(afterwards.length, before.length + 1, 'the server reads the invitation the command wrote');
  } finally {
    stream.close();
  }
});
