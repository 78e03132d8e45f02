/**
 * No request holds the server: the largest negotiation the documented limits allow is built (straight
 * into the store, in one transaction), then the built `parley serve` is started on it in a process
 * of its own, as it runs in production (without the tests' check of every answer against its
 * schema), and every read route of the route table is called on it, as the mediator and as a
 * party's lead, and a batch of 500 positions is written, while a probe asks `GET /api/health`
 * through a socket of its own again and again. It prints each route's time and the probe's worst
 * wait during it, and fails if the probe ever waited over a second.
 */
import assert from 'node:assert/strict';
import { request as httpRequest, Agent } from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { RouteEntry } from '../../src/server/app.ts';
import { buildApp } from '../../src/server/app.ts';
import { loadScenario } from '../../src/demo/load.ts';
import { Store } from '../../src/store/store.ts';
import { BIN } from '../cli/command.ts';
import { signIn, freshDatabase } from '../helpers.ts';
import { LARGEST, largestScenario } from './largest-negotiation.ts';

/** The longest the health probe may wait for an answer. */
const HEALTH_LIMIT_MS = 1000;
/** Read routes left out, and why. */
const SKIPPED: Record<string, string> = {
  'GET /api/negotiations/:id/events': 'a live stream never ends; its looks run the reads walked here',
  'GET /api/audit/verify': "the administrator's walk of the whole audit chain, not a negotiation's read",
};

/** A route's pattern with the largest negotiation's ids. */
function concrete(url: string): string {
  return url
    .replace(':id', LARGEST.id)
    .replace('/versions/:itemId/compare', '/versions/v2/compare?base=v0')
    .replace('/versions/:itemId', '/versions/v2')
    .replace(':versionId', 'v2')
    .replace(':itemId', 'no-such-analysis')
    .replace(':token', 'no-such-invitation-token')
    .replace('*', 'index.html');
}

/**
 * Asks for /api/health over its own keep-alive socket, one request after another, until stopped. Each
 * wait is charged to what the test was doing when the probe was sent (`doing`).
 */
function healthProbe(url: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let running = true;
  let probes = 0;
  const worstDuring = new Map<string, number>();
  const state = { doing: 'starting' };
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const started = performance.now();
      const during = state.doing;
      const req = httpRequest(`${url}/api/health`, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`health answered ${res.statusCode}`));
          const waited = performance.now() - started;
          worstDuring.set(during, Math.max(worstDuring.get(during) ?? 0, waited));
          probes++;
          resolve();
        });
      });
      req.on('error', reject);
      req.end();
    });
  const loop = (async () => {
    while (running) await once();
  })();
  return {
    state,
    worstDuring,
    stop: async () => {
      running = false;
      await loop;
      agent.destroy();
      return { worst: Math.max(0, ...worstDuring.values()), probes };
    },
  };
}

const servers: ChildProcess[] = [];
// At the top level: an `after` registered inside a hook would run as soon as that hook ended.
after(async () => {
  for (const child of servers)
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
});

/** The built `parley serve` on a random port, on this database; stopped when the file ends. */
async function serve(file: string): Promise<string> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--db', file, '--port', '0', '--host', '127.0.0.1', '--no-demo'],
    {
      env: { ...process.env, PORT: '', PARLEY_CHECK_RESPONSES: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  servers.push(child);
  let seen = '';
  return new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /serving (http:\/\/\S+)/.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`parley serve exited with ${code}: ${seen}`)));
  });
}

describe('the largest negotiation the limits allow: no read holds the server', () => {
  let url: string;
  let routeTable: RouteEntry[];
  before(async () => {
    const file = await freshDatabase('largest');
    const started = performance.now();
    const store = await Store.open(file);
    const scenario = largestScenario();
    // One party's positions on the last version are left out: the test writes them as one batch.
    scenario.positions = scenario.positions.filter((p) => !(p.partyId === 'p0' && p.versionId === 'v2'));
    await loadScenario(store, scenario);
    // The route table, as the server registers it.
    const app = await buildApp({ store, logger: false });
    routeTable = app.routeTable;
    await app.close();
    await store.close();
    console.log(
      `built the largest negotiation in ${(performance.now() - started).toFixed(0)} ms: ` +
        `${scenario.issues.length} issues of ${scenario.issues[0]!.options.length} options, ` +
        `${scenario.versions.length} versions of ${scenario.versions[0]!.points.length} points ` +
        `(${JSON.stringify(scenario.versions[0]).length.toLocaleString('en')} bytes each), ` +
        `${scenario.positions.length} positions, ${scenario.redLines.length} red lines`,
    );
    url = await serve(file);
  });

  test(`every read route, as the mediator and as a lead, and a batch of 500 positions: /api/health never waits over ${HEALTH_LIMIT_MS} ms`, async () => {
    const readers = {
      mediator: await signIn(url, LARGEST.mediator),
      lead: await signIn(url, LARGEST.leads[0]!),
    };
    const routes = routeTable.filter(
      (r) => r.method === 'GET' && !SKIPPED[`${r.method} ${r.url}`] && !r.url.startsWith('/api/docs'),
    );
    assert.ok(routes.length > 25, `the route table holds ${routes.length} read routes`);
    const times: [string, number, number][] = [];
    const probe = healthProbe(url);
    for (const [who, as] of Object.entries(readers)) {
      for (const route of routes) {
        const label = `${who} ${route.method} ${route.url}`;
        probe.state.doing = label;
        const started = performance.now();
        const answer = await as.call('GET', concrete(route.url));
        times.push([label, performance.now() - started, answer.status]);
        assert.ok(answer.status < 500, `${route.url}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
      }
    }
    const positions = Array.from({ length: 500 }, (_, p) => ({
      versionId: 'v2',
      pointId: `pt${p}`,
      partyId: 'p0',
      stance: 'support',
      rationale: 'x'.repeat(1000),
      visibility: 'public',
      proposedText: null,
      supportsOption: { issueId: `i${p % 100}`, optionId: `i${p % 100}o3` },
    }));
    probe.state.doing = 'lead POST …/positions/batch (500)';
    const started = performance.now();
    const batch = await readers.lead.post(`/api/negotiations/${LARGEST.id}/positions/batch`, { positions });
    times.push([probe.state.doing, performance.now() - started, batch.status]);
    assert.equal(batch.status, 201, JSON.stringify(batch.body).slice(0, 300));
    const { worst, probes } = await probe.stop();

    for (const [route, ms, status] of times.sort((a, b) => b[1] - a[1]))
      console.log(
        `${ms.toFixed(0).padStart(6)} ms  ${status}  health waited ${(probe.worstDuring.get(route) ?? 0).toFixed(0).padStart(4)} ms  ${route}`,
      );
    console.log(`health: worst wait ${worst.toFixed(0)} ms over ${probes} probes`);
    assert.ok(probes > 0, 'the probe was answered');
    assert.ok(worst <= HEALTH_LIMIT_MS, `/api/health waited ${worst.toFixed(0)} ms`);
  });
});
