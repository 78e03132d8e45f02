import { DomainError } from '../core/errors.ts';

/** Exit codes of the `parley` command. */
export const EXIT = { ok: 0, failed: 1, usage: 2, limit: 3 } as const;

/** An error the command line reports as one line on stderr, with its exit code, and no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}

/** A refusal of the store as the command line reports it (exit 1, the field at fault first); anything else as it is. */
export function commandFailure(error: unknown): unknown {
  if (error instanceof DomainError)
    return new CliError(error.field ? `${error.field}: ${error.message}` : error.message, EXIT.failed);
  return error;
}
