/**
 * `archbert`: words and figures about neural architectures, text-to-architecture
 * search, and answers to questions about an architecture.
 * Each subcommand lives in src/commands/archbert/ and registers itself here.
 */
import { createProgram, runProgram } from './program.js';
import { VERSION } from './version.js';
import { ARGV_LIMITS_HELP, checkArgv } from './arg-bounds.js';
import { fileURLToPath } from 'node:url';

export async function main(argv: string[]): Promise<number> {
  // Before anything else: every archbert command may start ONNX Runtime, which a long command line crashes.
  const tooLong = checkArgv('archbert', argv);
  if (tooLong !== null) return tooLong;
  const program = createProgram(
    'archbert',
    'Understand neural architectures: describe a model file, find architectures from a text query, ask questions about a model.',
    VERSION,
  );
  program.addHelpText('after', `\n${ARGV_LIMITS_HELP}`);
  for (const register of await archbertCommands()) register(program);
  return runProgram(program, argv);
}

/** Commands are loaded lazily so a missing optional piece never breaks --help. */
async function archbertCommands(): Promise<Array<(p: import('commander').Command) => void>> {
  const mods = await Promise.all([
    // registered commands go here
    import('../commands/archbert/describe.js'),
    import('../commands/archbert/dataset.js'),
    import('../commands/archbert/find.js'),
    import('../commands/archbert/ask.js'),
    import('../commands/archbert/index.js'),
    import('../commands/archbert/eval.js'),
  ] as Promise<{ register: (p: import('commander').Command) => void }>[]);
  return mods.map((m) => m.register);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
