/**
 * `etran`: energy-based transferability estimation and baselines:
 * rank a zoo of models for a target dataset, score features, evaluate scores.
 * Each subcommand lives in src/commands/etran/ and registers itself here.
 */
import { createProgram, runProgram } from './program.js';
import { VERSION } from './version.js';
import { ARGV_LIMITS_HELP, checkArgv } from './arg-bounds.js';
import { fileURLToPath } from 'node:url';

export async function main(argv: string[]): Promise<number> {
  // Before anything else (see arg-bounds.ts). `score` and `eval` never start ONNX Runtime and take
  // one argument per model, so only each argument is bounded there; rank and features are bounded in total too.
  const named = argv.find((a) => !a.startsWith('-'));
  const tooLong = checkArgv('etran', argv, { total: !(named === 'score' || named === 'eval') });
  if (tooLong !== null) return tooLong;
  const program = createProgram(
    'etran',
    'Rank pre-trained models by how well they will transfer to your data, without fine-tuning them (ETran and standard baselines).',
    VERSION,
  );
  program.addHelpText('after', `\n${ARGV_LIMITS_HELP}`);
  for (const register of await etranCommands(argv)) register(program);
  return runProgram(program, argv);
}

/**
 * Commands are loaded lazily so a missing optional piece never breaks --help.
 * When argv names a command, only that module is loaded: `etran score` does not
 * pay for the ONNX Runtime, sharp and ink modules that rank/features import
 * (about 0.5 s of start-up); --help and unknown commands load them all.
 */
const COMMANDS: Record<string, () => Promise<{ register: (p: import('commander').Command) => void }>> = {
  score: () => import('../commands/etran/score.js'),
  eval: () => import('../commands/etran/eval.js'),
  rank: () => import('../commands/etran/rank.js'),
  features: () => import('../commands/etran/features.js'),
};

async function etranCommands(argv: string[]): Promise<Array<(p: import('commander').Command) => void>> {
  const named = argv.find((a) => !a.startsWith('-'));
  const loaders = named !== undefined && Object.prototype.hasOwnProperty.call(COMMANDS, named) ? [COMMANDS[named]!] : Object.values(COMMANDS);
  const mods = await Promise.all(loaders.map((load) => load()));
  return mods.map((m) => m.register);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
