/**
 * `etran`: energy-based transferability estimation and baselines:
 * rank a zoo of models for a target dataset, score features, evaluate scores.
 * Each subcommand lives in src/commands/ and registers itself here.
 */
import { createProgram, runProgram } from './program.js';
import { VERSION } from './version.js';
import { fileURLToPath } from 'node:url';

export async function main(argv: string[]): Promise<number> {
  const program = createProgram(
    'etran',
    'Rank pre-trained models by how well they will transfer to your data, without fine-tuning them (ETran and standard baselines).',
    VERSION,
  );
  for (const register of await etranCommands()) register(program);
  return runProgram(program, argv);
}

/** Commands are loaded lazily so a missing optional piece never breaks --help. */
async function etranCommands(): Promise<Array<(p: import('commander').Command) => void>> {
  const mods = await Promise.all([
    // registered commands go here
    import('../commands/score.js'),
    import('../commands/eval.js'),
    import('../commands/rank.js'),
    import('../commands/features.js'),
  ] as Promise<{ register: (p: import('commander').Command) => void }>[]);
  return mods.map((m) => m.register);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
