import type { Algorithm, Options } from '@node-rs/argon2';
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/**
 * argon2id with m=19 MiB, t=2, p=1: the first of the configurations OWASP's Password Storage Cheat
 * Sheet recommends. Hashes are PHC strings (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), so a stored hash
 * says its own cost, and one below this is rehashed at the next sign-in (`needsRehash`). The native
 * module hashes on libuv's thread pool: the event loop never waits for it.
 */
export const ARGON2 = {
  algorithm: 2 as Algorithm.Argon2id, // a const enum, which the type-only import cannot name as a value
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} satisfies Options;

/** Largest scrypt memory a stored hash may ask of a verification (Parley wrote N=2^15, r=8: 32 MiB). */
const SCRYPT_MAXMEM = 64 * 1024 * 1024;

/**
 * The argon2 binding, loaded when a password is first hashed or checked: its loader is a large
 * CommonJS file that costs tens of milliseconds to import, which commands that only read the
 * database (`parley analyze --db … --as`) need not pay.
 */
let argon2: Promise<typeof import('@node-rs/argon2')> | undefined;
const loadArgon2 = () => (argon2 ??= import('@node-rs/argon2'));

/** Hashes a password with argon2id at `ARGON2`'s cost, off the event loop. */
export async function hashPassword(password: string): Promise<string> {
  return (await loadArgon2()).hash(password, ARGON2);
}

/**
 * Checks a password against a stored hash: argon2id, or the scrypt hashes (`scrypt$N$r$p$salt$key`)
 * that Parley wrote before; false for anything else, such as an account that has no password yet.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$argon2id$')) {
    try {
      return await (await loadArgon2()).verify(stored, password);
    } catch {
      return false;
    }
  }
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  try {
    const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
      N: Number(n),
      r: Number(r),
      p: Number(p),
      maxmem: SCRYPT_MAXMEM,
    });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}

/** Whether a stored hash is weaker than what `hashPassword` writes now (scrypt, or argon2id at a lower cost). */
export function needsRehash(stored: string): boolean {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  if (!match) return true;
  const [m, t, p] = match.slice(1).map(Number) as [number, number, number];
  return m < ARGON2.memoryCost || t < ARGON2.timeCost || p < ARGON2.parallelism;
}

/**
 * What the password column holds while an account waits for its person to choose a password: it
 * matches no password, and it is no hash, so no one (the administrator included) knows one that works.
 */
export const NO_PASSWORD = '!no-password';

/** A new bearer token (256 random bits). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens are kept only as their SHA-256, so a copy of the database opens no session. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
