import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { auditKeyFile, auditKeyId, loadAuditKey, verifyAuditSignature } from '../../src/store/audit-key.ts';
import { tempDir } from '../helpers.ts';

describe('the audit key', () => {
  test('is made on first use, readable by its owner only, and the same key is loaded again', () => {
    const file = join(tempDir(), 'keys', 'audit.pem');
    const made = loadAuditKey(file);
    assert.equal(made.created, true);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const again = loadAuditKey(file);
    assert.equal(again.created, false);
    assert.equal(again.publicKeyPem, made.publicKeyPem);
    assert.equal(again.keyId, auditKeyId(made.publicKeyPem));
    assert.match(made.keyId, /^[0-9a-f]{16}$/);
  });

  test('a signature verifies with the public key only for the message signed, and not with another key', () => {
    const dir = tempDir();
    const key = loadAuditKey(join(dir, 'a.pem'));
    const other = loadAuditKey(join(dir, 'b.pem'));
    const signature = key.sign('head 42 abc');
    assert.equal(verifyAuditSignature(key.publicKeyPem, 'head 42 abc', signature), true);
    assert.equal(verifyAuditSignature(key.publicKeyPem, 'head 43 abc', signature), false);
    assert.equal(verifyAuditSignature(other.publicKeyPem, 'head 42 abc', signature), false);
    assert.equal(verifyAuditSignature(key.publicKeyPem, 'head 42 abc', 'not base64 at all'), false);
  });

  test('a file that holds no Ed25519 private key is refused with what is wrong, and left as it is', () => {
    const file = join(tempDir(), 'broken.pem');
    writeFileSync(file, 'not a key');
    assert.throws(() => loadAuditKey(file), /holds no private key/);
  });

  test('lives where PARLEY_AUDIT_KEY_FILE says, else beside an SQLite file', () => {
    assert.match(auditKeyFile('/data/parley.db', {}), /\/data\/parley\.db\.audit-key\.pem$/);
    assert.match(auditKeyFile('postgres://db/parley', { PARLEY_AUDIT_KEY_FILE: '/etc/p.pem' }), /^\/etc\/p\.pem$/);
    assert.match(auditKeyFile('postgres://db/parley', {}), /parley-audit-key\.pem$/);
  });
});
