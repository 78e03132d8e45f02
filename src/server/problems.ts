import { isUnstorableText, unstorableText } from '../store/engine.ts';
import type { FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError } from '../core/errors.ts';

/** An error answer as application/problem+json (RFC 9457). */
export interface Problem {
  status: number;
  title: string;
  detail: string;
  field?: string;
  current?: unknown;
  /** For 429: seconds to wait (also sent as the Retry-After header), and the moment to try again. */
  retryAfter?: number;
  retryAt?: string;
}

/**
 * A request refused for now (429): its message says why and when to try again, and the answer
 * carries `Retry-After`.
 */
export class TooManyRequests extends Error {
  readonly statusCode = 429;
  readonly retryAfterSeconds: number;

  constructor(
    reason: string,
    waitMs: number,
    readonly retryAt: Date,
  ) {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    const wait = seconds < 120 ? `${seconds} second${seconds === 1 ? '' : 's'}` : `${Math.ceil(seconds / 60)} minutes`;
    super(`${reason}; try again in ${wait} (at ${retryAt.toISOString()})`);
    this.retryAfterSeconds = seconds;
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const DOMAIN_STATUS: Record<DomainError['kind'], number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
};

/** Longer path parameters than any id are refused before routing, with a problem that says so. */
export const MAX_PARAM_LENGTH = 300;

function problem(status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  return { status, title: TITLES[status] ?? 'Error', detail, ...extra };
}

/**
 * Turns anything thrown while answering a request into the problem a person can act on. Unknown
 * errors become a 500 without internals: the stack trace goes to the log, never to the client.
 */
export function problemFor(error: unknown, limits: { bodyLimit: number } = { bodyLimit: 1024 * 1024 }): Problem {
  if (error instanceof DomainError) {
    return problem(DOMAIN_STATUS[error.kind], error.message, {
      ...(error.field ? { field: error.field } : {}),
      ...(error.current !== undefined ? { current: error.current } : {}),
    });
  }
  // A read (outside any change) asked PostgreSQL about a text it cannot hold.
  if (isUnstorableText(error)) return problemFor(unstorableText(), limits);
  if (error instanceof TooManyRequests)
    return problem(429, error.message, { retryAfter: error.retryAfterSeconds, retryAt: error.retryAt.toISOString() });
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as { validationContext?: string }).validationContext ?? 'body';
    const first = error.validation[0];
    const path = (first?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const field = path ? `${context}.${path}` : context;
    const details = error.validation
      .map((v) => `${v.instancePath.replace(/^\//, '').replace(/\//g, '.') || context}: ${v.message}`)
      .join('; ');
    return problem(400, `invalid ${context}: ${details}`, { field });
  }
  const fastifyError = error as { code?: string; statusCode?: number; message?: string };
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(
        413,
        `the request body is larger than the server accepts (${limits.bodyLimit.toLocaleString('en')} bytes); send a smaller body, or split the change`,
      );
    case 'FST_ERR_BAD_URL':
      return problem(
        400,
        'the path is not a valid URL (a percent sign must start an escape such as %20, and the escapes must spell UTF-8)',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(415, 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'the body is empty; send a JSON document');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problem(400, `the body is not valid JSON: ${fastifyError.message ?? ''}`.trim());
  }
  if (error instanceof SyntaxError || (fastifyError.statusCode === 400 && /JSON/i.test(fastifyError.message ?? ''))) {
    return problem(400, `the body is not valid JSON: ${fastifyError.message ?? ''}`.trim());
  }
  if (fastifyError.statusCode === 414)
    return problem(414, 'a part of the path is longer than any id (ids have at most 100 characters); check the URL');
  // A service this server lacks (PDF printing without Chromium): the message says how to provide it.
  if (fastifyError.statusCode === 503 && error instanceof Error && error.name === 'PrintUnavailable')
    return problem(503, error.message);
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return problem(fastifyError.statusCode, fastifyError.message ?? 'the request was refused');
  }
  return problem(500, 'the server failed to answer this request; the error has been logged for the administrator');
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  const payload = { type: 'about:blank', ...body };
  if (body.retryAfter !== undefined) reply.header('retry-after', String(body.retryAfter));
  return reply
    .code(body.status)
    .type('application/problem+json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(payload);
}
