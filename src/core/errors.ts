/**
 * The failures a person can act on. The server turns each into its HTTP status with a problem+json
 * body; the command line into a message and an exit code.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not_found' | 'forbidden' | 'conflict' | 'unauthenticated',
    message: string,
    /** For `invalid`: the field at fault, as a path (`points[2].text`). */
    readonly field?: string,
    /** For `conflict`: the current state, so the client can merge and retry. */
    readonly current?: unknown,
  ) {
    super(message);
  }
}

export const invalid = (field: string, message: string) => new DomainError('invalid', message, field);
/** Unknown and invisible things get the same answer, so a secret's existence is never revealed. */
export const notFound = (what: string) => new DomainError('not_found', `${what} was not found, or you may not see it`);
export const forbidden = (message: string) => new DomainError('forbidden', message);
export const conflict = (what: string, expected: number, current: { revision: number }) =>
  new DomainError(
    'conflict',
    `${what} changed since revision ${expected}: it is now at revision ${current.revision}. Apply your change to the current state (included) and send it with revision ${current.revision}.`,
    undefined,
    current,
  );
