/**
 * Error types shared by core and commands.
 *
 * Core code never prints or exits: it throws one of these, and the command
 * layer turns them into a one-line message and an exit code
 * (DESIGN.md: 0 success, 1 failure while working, 2 bad usage or bad input).
 */

/** Bad usage or bad input (exit code 2). `file` is the offending path, when there is one. */
export class InputError extends Error {
  readonly file: string | null;
  constructor(file: string | null, message: string) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'InputError';
    this.file = file;
  }
}

/** A failure while doing valid work (exit code 1), e.g. a runtime that cannot start. */
export class WorkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkError';
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

/** Exit code for any thrown value. */
export function exitCodeFor(err: unknown): number {
  return err instanceof InputError ? EXIT_BAD_INPUT : EXIT_FAILURE;
}
