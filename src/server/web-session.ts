import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.ts';

/**
 * The browser's session. The token lives in an HttpOnly, SameSite=Strict cookie that page scripts
 * cannot read; every request that changes something must also carry the session's CSRF token in a
 * header, which only a page of Parley's own origin can learn (from GET /api/auth/session). API
 * clients keep sending bearer tokens and need neither.
 */
export const SESSION_COOKIE = 'parley_session';
export const CSRF_HEADER = 'x-csrf-token';

/** The CSRF token of a session: derived from its secret token, so it needs no storage and dies with it. */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`parley csrf\n${sessionToken}`).digest('base64url');
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a cookie-authenticated request that changes something without the session's CSRF token,
 * or that a page of another origin sent (the Origin header, where the browser gives one).
 */
export function checkCookieRequest(request: FastifyRequest, sessionToken: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let host: string | null = null;
    try {
      host = new URL(origin).host;
    } catch {
      host = null;
    }
    if (host !== request.headers.host)
      throw new DomainError('forbidden', `a request from ${origin} may not use this site's session; sign in there`);
  }
  const sent = request.headers[CSRF_HEADER];
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const given = Buffer.from(typeof sent === 'string' ? sent : '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new DomainError(
      'forbidden',
      `a change made with the browser's session needs the "${CSRF_HEADER}" header from GET /api/auth/session; reload the page`,
    );
}

/** Whether the connection reached us over TLS (directly, or through a proxy that says so). */
const overTls = (request: FastifyRequest) =>
  request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: string) {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: overTls(request),
    path: '/',
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: overTls(request), path: '/' });
}
