/**
 * What every command shares: output helpers (JSON on stdout, warnings on
 * stderr, colour only on a TTY and never with NO_COLOR) and the action
 * wrapper that lets a command return an exit code.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Command } from 'commander';

const colorWanted = (stream: NodeJS.WriteStream): boolean =>
  Boolean(stream.isTTY) && !('NO_COLOR' in process.env && process.env.NO_COLOR !== undefined);

/** Colours for human output on stdout (level 0 = plain text when piped or NO_COLOR). */
export const color: ChalkInstance = new Chalk({ level: colorWanted(process.stdout) ? 1 : 0 });
/** Colours for stderr messages. */
export const colorErr: ChalkInstance = new Chalk({ level: colorWanted(process.stderr) ? 1 : 0 });

/** True when progress bars and other interactive output are appropriate. */
export function interactive(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI;
}

/** Machine output: exactly one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Human output line on stdout. */
export function print(line = ''): void {
  process.stdout.write(line + '\n');
}

/** A warning on stderr (never on stdout, so --json stays parseable). */
export function warn(message: string): void {
  process.stderr.write(colorErr.yellow('warning: ') + message + '\n');
}

/** An informational line on stderr. */
export function info(message: string): void {
  process.stderr.write(message + '\n');
}

let pendingExitCode = 0;

/** Exit code a command asked for by returning a number from its action. */
export function takeExitCode(): number {
  const code = pendingExitCode;
  pendingExitCode = 0;
  return code;
}

/**
 * Wraps a command action. Throwing InputError/WorkError is the normal way to
 * fail; returning a number sets the exit code for a run that completed.
 */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<number | void> | number | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const code = await fn(...args);
    if (typeof code === 'number') pendingExitCode = code;
  };
}

/** Adds --json to a command (every command has it). */
export function withJson(cmd: Command): Command {
  return cmd.option('--json', 'machine-readable JSON on stdout (nothing else is printed there)');
}

/** Parses a positive integer option value, for commander's option parser argument. */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new (class extends Error {
      code = 'commander.invalidArgument';
    })(`expected a positive integer, got '${value}'`);
  }
  return n;
}
