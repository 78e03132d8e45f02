import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * The installation's audit key: an Ed25519 key that signs checkpoints of the audit chain and the
 * receipts parties keep. It lives outside the database (`PARLEY_AUDIT_KEY_FILE`, PEM), so that whoever
 * holds the database alone cannot forge a signature; it is made on first use when the file is absent,
 * readable by its owner only. Its public key is what anyone verifies with.
 */
export interface AuditKey {
  /** The public key, SPKI PEM: served and printed, to be kept outside Parley. */
  publicKeyPem: string;
  /** A short name of the public key: the first 16 hex digits of the SHA-256 of its DER form. */
  keyId: string;
  /** The Ed25519 signature of `message`, base64. */
  sign(message: string): string;
  /** Whether the key file was made just now. */
  created: boolean;
}

/**
 * Where the audit key lives: `PARLEY_AUDIT_KEY_FILE` if set; else beside an SQLite database file
 * (`parley.db` → `parley.db.audit-key.pem`); else `parley-audit-key.pem` in the working folder.
 *
 * @example
 * auditKeyFile('data/parley.db', {}) // 'data/parley.db.audit-key.pem'
 */
export function auditKeyFile(location: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.PARLEY_AUDIT_KEY_FILE) return resolve(env.PARLEY_AUDIT_KEY_FILE);
  if (!/^postgres(ql)?:\/\//.test(location)) return resolve(`${location}.audit-key.pem`);
  return resolve('parley-audit-key.pem');
}

/**
 * Loads the audit key from `file`, making it (mode 0600) when the file is absent. A file that is not an
 * Ed25519 private key is refused with what is wrong, never replaced.
 *
 * @example
 * const key = loadAuditKey('/etc/parley/audit-key.pem');
 * const signature = key.sign(head);
 * verifyAuditSignature(key.publicKeyPem, head, signature); // true
 */
export function loadAuditKey(file: string): AuditKey {
  let privateKey: KeyObject;
  let created = false;
  if (!existsSync(file)) {
    // Written whole under another name, then linked into place: another server starting at the same
    // moment either makes the key or reads the one made, never a half-written file.
    const pair = generateKeyPairSync('ed25519');
    mkdirSync(dirname(file), { recursive: true });
    const draft = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(draft, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    chmodSync(draft, 0o600);
    try {
      linkSync(draft, file);
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  try {
    privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `the audit key file ${file} holds no private key (${error instanceof Error ? error.message : String(error)}): restore it from its backup, or point PARLEY_AUDIT_KEY_FILE at it`,
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(
      `the audit key file ${file} holds a ${privateKey.asymmetricKeyType} key; Parley signs with Ed25519`,
    );
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    publicKeyPem,
    keyId: auditKeyId(publicKeyPem),
    sign: (message) => sign(null, Buffer.from(message, 'utf8'), privateKey).toString('base64'),
    created,
  };
}

/** The short name of a public key (SPKI PEM): 16 hex digits of the SHA-256 of its DER form. */
export function auditKeyId(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** Whether `signature` (base64) is the signature of `message` by the key whose public half is `publicKeyPem`. */
export function verifyAuditSignature(publicKeyPem: string, message: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(message, 'utf8'), createPublicKey(publicKeyPem), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
