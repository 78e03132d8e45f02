// The crash test: a built `parley serve` is killed (SIGKILL) at a random moment while several
// people write, then the database is opened again and checked: every write that was answered 2xx is
// there with the content it was answered with, nothing is half-written (each entity written is the
// `after` of its last audit event), the audit chain verifies and the engine's integrity check is
// clean. PARLEY_CRASH_CYCLES cycles per engine (default 20; `npm run soak` runs more), with a seed
// printed so that a failing run can be repeated (PARLEY_CRASH_SEED).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { genevaScenario } from '../../src/demo/geneva.ts';
import { loadScenario } from '../../src/demo/load.ts';
import { Store } from '../../src/store/store.ts';
import { client, newPostgresDatabase, tempDir, TEST_ENGINE } from '../helpers.ts';
import { BIN } from '../cli/command.ts';

const CYCLES = Number(process.env.PARLEY_CRASH_CYCLES ?? 20);
const SEED = Number(process.env.PARLEY_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const N = '/api/negotiations/geneva-2025';
/** The parties whose leads write, two positions each, while the mediator records statements. */
const WRITERS = ['ua', 'ru', 'us', 'eu'];
/** Most writes answered before the kill (at least one). */
const MOST_ACKS_BEFORE_KILL = 40;

/** A small seeded generator (mulberry32): the same seed, the same kills. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts the built `parley serve` on a free port; resolves once it answers /api/health. */
async function serve(location: string): Promise<{ child: ChildProcess; url: string; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--db', location, '--port', '0', '--no-demo'], {
    env: { ...process.env, PORT: '', PARLEY_LOG: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /serving (http:\/\/\S+)/.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`parley serve exited with ${code} before serving: ${seen}`)));
  });
  const health = await fetch(`${url}/api/health`);
  assert.equal(health.status, 200, 'the restarted server is healthy');
  return { child, url, exited };
}

type Ack =
  | { entity: 'position'; id: string; revision: number; rationale: string }
  | { entity: 'statement'; id: string; quote: string };

interface Writer {
  token: string;
  /** The position it rewrites, and the revision it last saw; null for the mediator, who records statements. */
  position: { id: string; revision: number } | null;
}

/** Fills the database with the demo, and signs in the writers (their sessions outlive every crash). */
async function prepare(location: string): Promise<Writer[]> {
  const store = await Store.open(location);
  await loadScenario(store, genevaScenario);
  const positions = await store.db
    .selectFrom('positions')
    .select(['id', 'party_id', 'revision'])
    .where('version_id', '=', 'v-us-28')
    .orderBy('id')
    .execute();
  await store.close();
  const { child, url, exited } = await serve(location);
  const writers: Writer[] = [];
  const login = async (email: string) => {
    const answer = await client(url).post<{ token: string }>('/api/auth/login', { email, password: 'parley-demo' });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.token;
  };
  for (const party of WRITERS) {
    const token = await login(`${party}@demo.parley`);
    for (const position of positions.filter((p) => p.party_id === party).slice(0, 2))
      writers.push({ token, position: { id: position.id, revision: position.revision } });
  }
  writers.push({ token: await login('mediator@demo.parley'), position: null });
  child.kill('SIGKILL');
  await exited;
  return writers;
}

/** One writer's loop: write, remember what was answered 2xx, until the server is gone. */
async function write(
  url: string,
  writer: Writer,
  label: string,
  acked: (ack: Ack) => void,
  touched: Map<string, 'position' | 'statement'>,
): Promise<void> {
  const as = client(url, writer.token);
  for (let n = 1; ; n++) {
    const content = `${label}-${n}`;
    let answer;
    try {
      if (writer.position) {
        touched.set(writer.position.id, 'position');
        answer = await as.patch(`${N}/positions/${writer.position.id}`, {
          revision: writer.position.revision,
          rationale: content,
        });
      } else
        answer = await as.post(`${N}/statements`, {
          speaker: 'A spokesperson',
          date: '2025-11-24T12:00:00.000Z',
          quote: content,
          stance: 'neutral',
          source: 'the crash test',
        });
    } catch {
      return; // The server is gone: this write was never answered.
    }
    assert.ok(
      answer.status >= 200 && answer.status < 300,
      `${content}: ${answer.status} ${JSON.stringify(answer.body)}`,
    );
    if (writer.position) {
      writer.position.revision = answer.body.revision;
      acked({ entity: 'position', id: writer.position.id, revision: answer.body.revision, rationale: content });
    } else {
      touched.set(answer.body.id, 'statement');
      acked({ entity: 'statement', id: answer.body.id, quote: content });
    }
  }
}

/** Everything the database must hold after a crash. */
async function check(
  location: string,
  label: string,
  acks: Ack[],
  touched: Map<string, 'position' | 'statement'>,
  writers: Writer[],
): Promise<void> {
  const store = await Store.open(location);
  try {
    const events = async (entity: string, id: string) =>
      (
        await store.db
          .selectFrom('audit_events')
          .select(['seq', 'after'])
          .where('entity', '=', entity)
          .where('entity_id', '=', id)
          .orderBy('seq')
          .execute()
      ).map((event) => ({ seq: event.seq, after: event.after === null ? null : JSON.parse(event.after) }));
    for (const ack of acks) {
      const kept = await events(ack.entity, ack.id);
      if (ack.entity === 'position')
        assert.ok(
          kept.some((e) => e.after?.revision === ack.revision && e.after?.rationale === ack.rationale),
          `the answered write "${ack.rationale}" (position ${ack.id}, revision ${ack.revision}) is in the audit log`,
        );
      else
        assert.ok(
          kept.some((e) => e.after?.quote === ack.quote),
          `the answered statement "${ack.quote}" is in the audit log`,
        );
    }
    // Statements written in this cycle whose answer was lost are checked as well.
    const unanswered = await store.db
      .selectFrom('statements')
      .select('id')
      .where('data', 'like', `%"quote":"${label}-%`)
      .execute();
    for (const { id } of unanswered) touched.set(id, 'statement');
    // Nothing half-written: each entity written (answered or not) is exactly its last event's `after`.
    for (const [id, entity] of touched) {
      const table = entity === 'position' ? 'positions' : 'statements';
      const row = await store.db.selectFrom(table).select(['data', 'revision']).where('id', '=', id).executeTakeFirst();
      const last = (await events(entity, id)).at(-1);
      if (!row) {
        assert.equal(last, undefined, `${entity} ${id} has an audit event but is missing`);
        continue;
      }
      assert.ok(last, `${entity} ${id} is stored without its audit event`);
      // The demo's own events (an entity no write of this test reached) name fewer fields: those must hold.
      const stored = { ...JSON.parse(row.data), revision: row.revision } as Record<string, unknown>;
      const named = Object.fromEntries(Object.keys(last.after ?? {}).map((key) => [key, stored[key]]));
      assert.deepEqual(named, last.after, `${entity} ${id} is whole`);
    }
    // Statements no write was answered for may or may not be there; any that is has its event (above).
    const verdict = await store.verifyAudit();
    assert.ok(verdict.ok, `the audit chain verifies: ${JSON.stringify(verdict)}`);
    assert.deepEqual(await store.integrityCheck(), [], 'the engine finds nothing wrong');
    // The next cycle writes on from what is stored (a write may have been kept without its answer).
    for (const writer of writers)
      if (writer.position)
        writer.position.revision = (await store.db
          .selectFrom('positions')
          .select('revision')
          .where('id', '=', writer.position.id)
          .executeTakeFirstOrThrow())!.revision;
  } finally {
    await store.close();
  }
}

async function crashCycles(location: string, engine: string): Promise<void> {
  const seed = SEED + (engine === 'postgres' ? 1 : 0);
  console.log(`crash test on ${engine}: ${CYCLES} cycles, seed ${SEED} (repeat with PARLEY_CRASH_SEED=${SEED})`);
  const next = random(seed);
  const writers = await prepare(location);
  const times: number[] = [];
  const phases = { serve: 0, writes: 0, check: 0 };
  let answered = 0;
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    const started = performance.now();
    const { child, url, exited } = await serve(location);
    const served = performance.now();
    const killAfter = 1 + Math.floor(next() * MOST_ACKS_BEFORE_KILL);
    const acks: Ack[] = [];
    const touched = new Map<string, 'position' | 'statement'>();
    const acked = (ack: Ack) => {
      acks.push(ack);
      if (acks.length === killAfter) child.kill('SIGKILL');
    };
    const label = `s${SEED}-c${cycle}`;
    try {
      await Promise.all(writers.map((w, i) => write(url, w, `${label}-w${i}`, acked, touched)));
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const killed = performance.now();
    await check(location, label, acks, touched, writers);
    phases.serve += served - started;
    phases.writes += killed - served;
    phases.check += performance.now() - killed;
    answered += acks.length;
    times.push(performance.now() - started);
  }
  const ms = (total: number) => Math.round(total / CYCLES);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(
    `crash test on ${engine}: ${CYCLES} cycles, ${answered} answered writes checked; a cycle took ${Math.round(mean)} ms on average, ${Math.round(Math.max(...times))} ms at most (start-up ${ms(phases.serve)}, writes until the kill ${ms(phases.writes)}, checks ${ms(phases.check)} ms on average)`,
  );
}

describe('a server killed while people write keeps every answered write, and nothing half-written', () => {
  test('on SQLite', async (t) => {
    if (TEST_ENGINE === 'postgres') return t.skip('the SQLite cycles run when the tests run on SQLite');
    await crashCycles(join(tempDir(), 'crash.db'), 'sqlite');
  });

  test('on PostgreSQL', async (t) => {
    if (!process.env.PARLEY_TEST_POSTGRES)
      return t.skip('PostgreSQL is not at hand (set PARLEY_TEST_POSTGRES to a server URL)');
    await crashCycles(await newPostgresDatabase(), 'postgres');
  });
});
