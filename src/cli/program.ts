/**
 * Builds a commander program with the toolkit's conventions and runs it:
 * usage errors exit 2, InputError exits 2, other failures exit 1, one-line
 * messages unless --debug asks for the stack.
 */
import { Command, CommanderError } from 'commander';
import { InputError, exitCodeFor } from '../core/errors.js';
import { colorErr, takeExitCode } from '../commands/common.js';

export function createProgram(name: string, description: string, version: string): Command {
  return new Command(name)
    .description(description)
    .version(version, '-V, --version')
    .option('--debug', 'print stack traces for errors')
    // A usage error is one line, like every bad-input error: the hint goes on the same line.
    .configureOutput({ outputError: (text, write) => write(`${text.trimEnd()} (add --help for usage)\n`) })
    .exitOverride();
}

let stdoutGuarded = false;

/** Parses argv, runs the chosen command and returns the process exit code. */
export async function runProgram(program: Command, argv: string[]): Promise<number> {
  // Commander's own usage errors must exit 2, not 1: route them through exitOverride.
  const applyOverride = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(applyOverride);
  };
  applyOverride(program);
  // `archbert describe m.onnx | head`: a reader that stops early is not an error; stop writing quietly.
  // Installed once per process (tests run main() many times in one process).
  if (!stdoutGuarded) {
    stdoutGuarded = true;
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return takeExitCode();
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version "errors" are successful exits; everything else is bad usage.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') return 0;
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    const label = err instanceof InputError ? 'error' : 'failed';
    process.stderr.write(`${colorErr.red(`${program.name()}: ${label}:`)} ${firstLine(message)}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    else if (!(err instanceof InputError) && !debug) process.stderr.write('(run with --debug for the stack trace)\n');
    return exitCodeFor(err);
  }
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? '';
  return line.length > 0 ? line : 'unknown error';
}
