/**
 * Options `rank` and `score` share for the ranking we advise: the zoo's track
 * record (--history, --target-name) and the bootstrap (--bootstrap), with the
 * parsing and checks both commands need.
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { historyPrior, parseHistory, type HistoryPrior, type HistoryRow } from '../../core/etran/history.js';
import { readInputFile } from '../../core/io/files.js';

export interface RankingCliOptions {
  history?: string;
  targetName?: string;
  bootstrap: number;
}

/** The most replicates we accept: beyond it the interval's last digit no longer moves and the run only gets slower. */
export const MAX_BOOTSTRAP = 100_000;
/** A history file larger than this is not a history of fine-tuning runs. */
const MAX_HISTORY_BYTES = 64 << 20;

export function parseBootstrap(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < 0 || n > MAX_BOOTSTRAP) throw new InputError(null, `--bootstrap: expected an integer from 0 to ${MAX_BOOTSTRAP} (0 turns it off), got '${v}'`);
  return n;
}

export function addRankingOptions(cmd: Command, bootstrapDefault: number, targetNameDefault: string): Command {
  return cmd
    .option('--history <file>', 'past fine-tuning results of the zoo on other datasets (CSV model,dataset,score or JSON [{model,dataset,score}], higher is better): a prior for `recommended`')
    .option('--target-name <name>', `the target dataset's name in --history; its rows are ignored (default: ${targetNameDefault})`)
    .option('--bootstrap <n>', `resample the target images N times (stratified) for p(best) and a 90 % rank interval; 0 turns it off`, parseBootstrap, bootstrapDefault);
}

/** Reads and checks --history (if given): read once, before any long work; the prior is computed once the models are known. */
export async function readHistoryOption(file: string | undefined): Promise<HistoryRow[] | undefined> {
  if (file === undefined) return undefined;
  const buf = await readInputFile(file, MAX_HISTORY_BYTES);
  return parseHistory(buf.toString('utf8'), file);
}

/** The prior of `models` from the rows read by readHistoryOption (undefined without --history). */
export function priorFor(rows: HistoryRow[] | undefined, models: string[], targetName: string | null): HistoryPrior | undefined {
  return rows ? historyPrior(rows, models, targetName) : undefined;
}
