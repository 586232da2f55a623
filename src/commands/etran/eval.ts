/**
 * `etran eval`: how well a transferability score ranks models against their
 * true fine-tuning accuracy (weighted τ as scipy, Kendall τ-b, Pearson,
 * top-1 regret).
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { evaluateScores } from '../../core/etran/correlation.js';
import { scoresFromFile, truthFromFile } from '../../core/etran/eval-files.js';
import { MAX_JSON_DEPTH, MAX_JSON_INPUT_BYTES, readJsonInput } from '../../core/io/files.js';
import { action, color, print, printJson, warn, withJson } from '../common.js';

interface EvalCliOptions {
  scores: string;
  truth: string;
  metric: string;
  truthKey?: string;
  json?: boolean;
}

/** --scores and --truth: regular files of at most MAX_JSON_INPUT_BYTES, nested at most MAX_JSON_DEPTH deep. */
const readJson = (file: string): Promise<unknown> => readJsonInput(file);

const fmt = (v: number | null, digits = 4) => (v === null ? 'undefined' : v.toFixed(digits));

export function register(program: Command): void {
  withJson(
    program
      .command('eval')
      .summary('rank correlation of a transferability score with ground-truth accuracy')
      .description('Compare scores with ground truth (e.g. fine-tuning accuracy per model): weighted Kendall τ (as scipy.stats.weightedtau), Kendall τ-b, Pearson r and top-1 regret.')
      .requiredOption('--scores <file>', '`etran score --json` output, or a plain {"model": score} map')
      .requiredOption('--truth <file>', '{"model": accuracy} map (or a nested file with --truth-key)')
      .option('--metric <name>', 'which score of an `etran score --json` file to evaluate', 'etran')
      .option('--truth-key <path>', 'dotted path to the {"model": accuracy} map inside a nested truth file, e.g. supervised_finetune_acc.cifar10'),
  )
    .addHelpText(
      'after',
      `
Models present in only one of the two files are left out with a warning;
fewer than 2 in common is an error. When the scores file holds lda and energy
but no etran, the ETran combination is computed from them. top1_regret is the
best true accuracy minus the true accuracy of the top-scored model, in the
truth's own units (accuracy points).
Both files: regular JSON files of at most ${MAX_JSON_INPUT_BYTES >> 20} MiB, nested at most ${MAX_JSON_DEPTH} deep.

Examples:
  $ etran score --labels y.npy --json r50=r50.npy vit=vit.npy dn121=dn.npy > scores.json
  $ etran eval --scores scores.json --truth finetune_acc.json
  $ etran eval --scores scores.json --metric logme --truth fixtures/transferability/ground_truth.json \\
      --truth-key supervised_finetune_acc.cifar10 --json`,
    )
    .action(action(async (opts: EvalCliOptions) => runEval(opts)));
}

async function runEval(opts: EvalCliOptions): Promise<number> {
  const { scores, warnings } = scoresFromFile(await readJson(opts.scores), opts.scores, opts.metric);
  const truth = truthFromFile(await readJson(opts.truth), opts.truth, opts.truthKey);
  for (const w of warnings) warn(w);
  let result;
  try {
    result = evaluateScores(scores, truth);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(opts.scores, `${err.message} (truth: ${opts.truth})`);
    throw err;
  }
  const onlyIn = (file: string, names: string[]) => {
    if (names.length > 0) warn(`${names.length} model(s) only in ${file}, left out: ${names.join(', ')}`);
  };
  onlyIn(opts.scores, result.dropped.filter((n) => Object.prototype.hasOwnProperty.call(scores, n)));
  onlyIn(opts.truth, result.dropped.filter((n) => !Object.prototype.hasOwnProperty.call(scores, n)));
  if (opts.json) {
    printJson({
      metric: opts.metric,
      weighted_tau: result.weighted_tau,
      kendall_tau: result.kendall_tau,
      pearson: result.pearson,
      top1_regret: result.top1_regret,
      n: result.n,
    });
  } else {
    print(`${color.bold(opts.metric)} on ${result.n} models`);
    print(`  weighted τ   ${color.cyan(fmt(result.weighted_tau))}`);
    print(`  Kendall τ-b  ${fmt(result.kendall_tau)}`);
    print(`  Pearson r    ${fmt(result.pearson)}`);
    print(`  top-1 regret ${fmt(result.top1_regret, 2)}`);
  }
  for (const [k, v] of Object.entries({ weighted_tau: result.weighted_tau, kendall_tau: result.kendall_tau, pearson: result.pearson })) {
    if (v === null) warn(`${k} is undefined: the scores or the truth are constant over the common models`);
  }
  return 0;
}
