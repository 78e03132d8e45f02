import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './openapi';

/** The API's named shapes (Version, Position, …), as the OpenAPI document describes them. */
export type Schemas = components['schemas'];

/** A refusal of the API, with the problem's own words: what was wrong and how to fix it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly field?: string,
    /** With a 409: the thing as it stands now, to re-apply a change on. */
    readonly current?: unknown,
  ) {
    super(detail);
  }
}

let csrfToken: string | null = null;
/** The session's CSRF token, sent with every change (the session cookie alone is not enough). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const listeners = new Set<() => void>();
/** Called when the server says the session has ended (signed out elsewhere, expired, password changed). */
export function onSessionEnded(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const session: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !request.url.endsWith('/api/auth/session'))
      for (const listener of listeners) listener();
    return response;
  },
};

/** The typed client of the HTTP API; the browser's session cookie goes with every request. */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(session);

/**
 * The answer's data, or an ApiError with the problem's detail. openapi-fetch returns either
 * `data` or `error`; every screen wants the data and a sentence to show otherwise.
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<Exclude<T, undefined>> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) {
    const problem = (error ?? {}) as { detail?: string; title?: string; field?: string; current?: unknown };
    throw new ApiError(
      response.status,
      problem.detail ?? problem.title ?? `the server answered ${response.status}`,
      problem.field,
      problem.current,
    );
  }
  return data as Exclude<T, undefined>;
}

/** What to tell a person about a failed request. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.field ? `${error.field}: ${error.detail}` : error.detail;
  if (error instanceof TypeError) return 'the server cannot be reached; check the connection and try again';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Sends a file as the raw body of a POST (an import), with its media type and the session's CSRF
 * token, and answers the JSON the server returns, or an ApiError with the problem's words.
 */
export async function sendFile<T>(url: string, file: File): Promise<T> {
  const headers: Record<string, string> = { 'content-type': file.type || 'application/octet-stream' };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(url, { method: 'POST', credentials: 'same-origin', headers, body: file });
  if (response.status === 401) for (const listener of listeners) listener();
  const text = await response.text();
  let body: { detail?: string; title?: string; field?: string } = {};
  try {
    body = text ? (JSON.parse(text) as typeof body) : {};
  } catch {
    body = {};
  }
  if (!response.ok)
    throw new ApiError(
      response.status,
      body.detail ?? body.title ?? `the server answered ${response.status}`,
      body.field,
    );
  return body as T;
}
