/**
 * The requests the server benchmark and the soak send to a Parley loaded with the Geneva demo:
 * the reader's document and positions, and writes where every connection owns one position and
 * PATCHes it with the revision its previous write returned.
 */
import { request, type Client } from './load.ts';

export const NEGOTIATION = 'geneva-2025';
export const READER = 'ua@demo.parley';
/** Parties whose leads write in the benchmark (not the reader's party, so the reads stay the same). */
const WRITERS = ['us', 'eu', 'fr', 'de', 'uk', 'ru'];
const PASSWORD = 'parley-demo';

export const DOCUMENT_PATH = `/api/negotiations/${NEGOTIATION}/document`;
export const POSITIONS_PATH = `/api/negotiations/${NEGOTIATION}/positions`;

export async function api<T>(base: string, method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export const signIn = async (base: string, email: string) =>
  (await api<{ token: string }>(base, 'POST', '/api/auth/login', undefined, { email, password: PASSWORD })).token;

export interface OwnedPosition {
  token: string;
  id: string;
  revision: number;
}

/** One position per connection, each on a (version, point) its party has no position on yet. */
export async function createOwnedPositions(base: string, count: number): Promise<OwnedPosition[]> {
  const owned: OwnedPosition[] = [];
  for (const party of WRITERS) {
    if (owned.length >= count) break;
    const token = await signIn(base, `${party}@demo.parley`);
    const versions = await api<{ id: string; points: { id: string }[] }[]>(
      base,
      'GET',
      `/api/negotiations/${NEGOTIATION}/versions`,
      token,
    );
    const positions = await api<{ partyId: string; versionId: string; pointId: string }[]>(
      base,
      'GET',
      POSITIONS_PATH,
      token,
    );
    const taken = new Set(positions.filter((p) => p.partyId === party).map((p) => `${p.versionId} ${p.pointId}`));
    for (const version of versions) {
      for (const point of version.points) {
        if (owned.length >= count) break;
        if (taken.has(`${version.id} ${point.id}`)) continue;
        const created = await api<{ id: string; revision: number }>(base, 'POST', POSITIONS_PATH, token, {
          versionId: version.id,
          pointId: point.id,
          partyId: party,
          stance: 'support',
          rationale: 'benchmark position',
          visibility: 'party',
        });
        owned.push({ token, id: created.id, revision: created.revision });
      }
    }
  }
  if (owned.length < count)
    throw new Error(`only ${owned.length} free (version, point) slots for ${count} writing connections`);
  return owned;
}

let writeSerial = 0;

/** One client per owned position: PATCH with the last revision; anything but 200 (a 409 included) is an error. */
export function writeClients(owned: OwnedPosition[]): Client[] {
  return owned.map((position) => ({
    next: () =>
      request(
        'PATCH',
        `/api/negotiations/${NEGOTIATION}/positions/${position.id}`,
        { authorization: `Bearer ${position.token}`, 'content-type': 'application/json' },
        JSON.stringify({ revision: position.revision, rationale: `benchmark write ${++writeSerial}` }),
      ),
    onResponse: (response) => {
      if (response.status !== 200) return false;
      const revision = /"revision":(\d+)/.exec(response.body.toString('utf8'));
      if (!revision) return false;
      position.revision = Number(revision[1]);
      return true;
    },
  }));
}

/** `count` clients that each send the same prepared request. */
export function readClients(bytes: Buffer, count: number): Client[] {
  return Array.from({ length: count }, () => ({ next: () => bytes }));
}
