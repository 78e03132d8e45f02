// `parley serve` makes and prints the audit key, serves its public half and signs checkpoints until it
// stops; `parley audit verify` then checks the log against them, with the key file beside the
// database or a copy of the public key, and names the check that fails.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { loadAuditKey } from '../../src/store/audit-key.ts';
import { tempDir } from '../helpers.ts';
import { BIN, parley } from './command.ts';

describe('the audit key and checkpoints of parley serve', () => {
  test('serve prints and serves the public key and signs at shutdown; verify checks the log against it', async () => {
    const dir = tempDir();
    const db = join(dir, 'parley.db');
    const child = spawn(process.execPath, [BIN, 'serve', '--db', db, '--port', '0', '--checkpoint-events', '5'], {
      env: { ...process.env, PORT: '', PARLEY_LOG: '', PARLEY_AUDIT_KEY_FILE: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let said = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        said += chunk.toString();
        const match = /serving (http:\/\/\S+)/.exec(said);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`parley serve exited with ${code}: ${said}`)));
    });
    const keyFile = `${db}.audit-key.pem`;
    assert.ok(existsSync(keyFile), 'the key is made beside the database');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600, 'readable by its owner only');
    const key = (await (await fetch(`${url}/api/audit/key`)).json()) as { keyId: string; publicKeyPem: string };
    assert.match(
      said,
      new RegExp(`Made the audit key ${keyFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(key id ${key.keyId}\\)`),
    );
    assert.ok(said.includes(key.publicKeyPem), 'the public key is printed at start');
    child.kill('SIGTERM');
    await exited;

    const intact = parley(['audit', 'verify', '--db', db]);
    assert.equal(intact.code, 0, intact.stdout + intact.stderr);
    assert.match(intact.stdout, /^chain: audit log intact: (\d+) events/m);
    const events = Number(/audit log intact: (\d+) events/.exec(intact.stdout)![1]);
    assert.match(
      intact.stdout,
      new RegExp(
        `^checkpoints: \\d+ signed, the last at event ${events} \\(.*, shutdown, key ${key.keyId}\\) matches the log$`,
        'm',
      ),
    );

    // A copy of the public key kept elsewhere verifies as well; another key finds every checkpoint forged.
    const copy = join(dir, 'public.pem');
    writeFileSync(copy, key.publicKeyPem);
    assert.equal(parley(['audit', 'verify', '--db', db, '--public-key', copy]).code, 0);
    const other = join(dir, 'other.pem');
    writeFileSync(other, loadAuditKey(join(dir, 'other-private.pem')).publicKeyPem);
    const forged = parley(['audit', 'verify', '--db', db, '--public-key', other]);
    assert.equal(forged.code, 1);
    assert.match(
      forged.stdout,
      /^checkpoints: FAILED, checkpoint signature \(event \d+\): .*not signed by the installation's key/m,
    );

    // The last two events deleted by hand.
    const tamper = new Database(db);
    tamper.prepare('delete from audit_events where seq > ?').run(events - 2);
    tamper.close();
    const cut = parley(['audit', 'verify', '--db', db]);
    assert.equal(cut.code, 1, cut.stdout);
    assert.match(cut.stdout, /^chain: audit log intact/m, 'the chain alone sees nothing');
    assert.match(
      cut.stdout,
      new RegExp(`^checkpoints: FAILED, truncation \\(event ${events}\\): .*the last 2 events were deleted`, 'm'),
    );

    const unreadable = parley(['audit', 'verify', '--db', db, '--public-key', join(dir, 'missing.pem')]);
    assert.equal(unreadable.code, 2);
    assert.match(unreadable.stderr, /missing\.pem holds no public key/);
  });
});
