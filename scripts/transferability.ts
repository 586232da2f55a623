/**
 * `npm run transferability`: the transferability benchmark table from cached
 * fine-tuning results (no training).
 *
 *   npm run transferability                # collect runs, rank every target, write results/, print tables
 *   npx tsx scripts/transferability.ts --no-collect   # use only the committed results/finetune_runs.json
 *   npx tsx scripts/transferability.ts --readme       # also replace the tables between the README markers
 *
 * 1. Collects the per-run JSON files the Python fine-tuners cache under
 *    training/out/transferability/runs/ (when that folder exists) into the
 *    committed summary results/finetune_runs.json (runs found there override
 *    the summary's rows; rows only in the summary are kept).
 * 2. Ground truth per target: for each (model, seed), the grid config with the
 *    best validation accuracy / mAP (ties: first in grid order) gives its test
 *    value; a seed counts only when it is complete for EVERY model of the target
 *    (so every model's truth averages the same seeds); truth = mean over those
 *    seeds. Written, with per-seed values, std and a seed-noise analysis, to
 *    results/truth/TARGET.json ({"truth": {model: value}, ...}).
 * 3. Runs `etran rank --metrics all --json --truth results/truth/TARGET.json
 *    --truth-key truth` on every target (default metric settings: nothing is
 *    tuned on the benchmark), recomputes each metric's weighted τ and top-1
 *    regret with evaluateScores, checks them against rank's own --truth output,
 *    and writes results/transferability.json (atomically) in the issue's shape.
 * 4. Prints the README tables (markdown) on stdout; progress goes to stderr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { evaluateScores, weightedTau, type Evaluation } from '../src/core/etran/correlation.js';
import { METRIC_NAMES } from '../src/core/etran/metrics.js';
import { writeFileAtomicSync } from '../src/core/io/atomic.js';
import { RECOMMENDED_FORM } from '../src/core/etran/recommended.js';
import { leaveOneTargetOut, type BenchTarget, type Selection } from './recommended-selection.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export type Task = 'classification' | 'detection';
export const TASKS: Task[] = ['classification', 'detection'];
export const TARGETS: Record<Task, string[]> = {
  classification: ['classification', 'classification-fashion-noisy', 'classification-fashion-inverted', 'classification-digits', 'classification-digits-lowres'],
  detection: ['detection', 'detection-digits'],
};
const ZOO: Record<Task, string> = { classification: 'models/zoo/classification', detection: 'models/zoo/detection' };
/**
 * Table row order: ETran first, then the registry's canonical order (metrics.ts
 * METRIC_NAMES: its components energy and lda, the baselines, the probe scores,
 * recommended), so a metric added there gets a row here without a second list.
 */
export const METRIC_ORDER: string[] = ['etran', ...METRIC_NAMES.filter((name) => name !== 'etran')];
/** Rows added from the leave-one-target-out selection (recommended-selection.ts): honest held-out figures. */
export const LOTO_ROWS = ['recommended (LOTO)', 'recommended + history (LOTO)'];

/** One fine-tuning run: [task, target, model, seed, lr, wd, val, test, seconds]. */
export type RunRow = [Task, string, string, number, number, number, number, number, number];
export const RUN_COLUMNS = ['task', 'target', 'model', 'seed', 'lr', 'wd', 'val', 'test', 'seconds'];

export interface FinetuneRuns {
  description: string;
  columns: string[];
  protocol: Partial<Record<Task, Record<string, unknown>>>;
  splits: Record<string, unknown>;
  runs: RunRow[];
}

export interface TargetResult {
  truth: Record<string, number>;
  scores: Record<string, Record<string, number>>;
  weighted_tau: Record<string, number | null>;
  top1_regret: Record<string, number>;
}
export interface TaskResult {
  targets: Record<string, TargetResult>;
  mean_weighted_tau: Record<string, number | null>;
}
export type Benchmark = Record<Task, TaskResult>;

// ---------------------------------------------------------------- ground truth

function walkJson(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walkJson(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** Reads the Python fine-tuners' run files into the compact summary (merging into `prev`). */
export function collectRuns(runsDir: string, prev: FinetuneRuns | null): FinetuneRuns {
  const key = (r: RunRow): string => r.slice(0, 6).join('|');
  const rows = new Map<string, RunRow>((prev?.runs ?? []).map((r) => [key(r), r]));
  const protocol = { ...(prev?.protocol ?? {}) };
  const splits = { ...(prev?.splits ?? {}) };
  for (const file of walkJson(runsDir)) {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    const task = r.task as Task;
    const val = task === 'detection' ? r.val_map50 : r.val_acc;
    const test = task === 'detection' ? r.test_map50 : r.test_acc;
    const row: RunRow = [task, r.target, r.model, r.seed, r.lr, r.wd, val, test, r.seconds];
    if (row.some((v) => v === undefined || v === null)) throw new Error(`${file}: missing fields`);
    rows.set(key(row), row);
    protocol[task] = r.protocol;
    splits[r.target] = r.split;
  }
  const runs = [...rows.values()].sort((a, b) => key(a).localeCompare(key(b)));
  return {
    description:
      'Fine-tuning runs behind the transferability ground truth (training/transferability/). One row per (task, target, model, seed, lr, wd): ' +
      'val/test = accuracy (classification) or mAP@0.5 (detection) after the fixed protocol; seconds = wall time of the run on the shared 2-core machine, one thread.',
    columns: RUN_COLUMNS,
    protocol,
    splits,
    runs,
  };
}

/** The grid the protocol states, in its order (selection ties go to the first config). */
export function gridOf(protocol: Record<string, unknown>): Array<[number, number]> {
  const lrs = protocol.lr_grid as number[];
  const wds = (protocol.wd_grid as number[] | undefined) ?? [protocol.weight_decay as number];
  return lrs.flatMap((lr) => wds.map((wd): [number, number] => [lr, wd]));
}

export interface TruthDetail {
  task: Task;
  target: string;
  metric: 'test accuracy' | 'test mAP@0.5';
  seeds: number[];
  truth: Record<string, number>;
  std: Record<string, number | null>;
  per_seed: Record<string, Record<string, { test: number; lr: number; wd: number }>>;
  noise: NoiseAnalysis | null;
}

export interface NoiseAnalysis {
  /** √(mean over models of the sample variance across seeds). */
  pooled_seed_std: number;
  /** Standard error of the difference of two models' seed means under that pooled std. */
  diff_se: number;
  /** Std across models of their mean truth: the signal the metrics must rank. */
  between_model_std: number;
  pairs: number;
  /** Pairs whose mean gap exceeds 2 × diff_se. */
  pairs_separated: number;
  best: string;
  runner_up: string;
  top_gap: number;
  top_gap_exceeds_noise: boolean;
  /**
   * Mean weighted τ between the model rankings of two different seeds (over all
   * seed pairs): how well the fine-tuning itself re-ranks the models, a rough
   * ceiling for any metric's τ against a single seed (the seed mean is steadier).
   */
  seed_vs_seed_weighted_tau: number | null;
}

/** Six decimals: the truth is a mean of accuracies on a few hundred images; more digits are float noise. */
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
function sampleVar(xs: number[]): number {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
}

/** Ground truth of one target from the runs, or null when no seed is complete for every model. */
export function truthFor(all: FinetuneRuns, task: Task, target: string, models: string[]): TruthDetail | null {
  const protocol = all.protocol[task];
  if (!protocol) return null;
  const grid = gridOf(protocol);
  const per: Record<string, Record<string, { test: number; lr: number; wd: number }>> = {};
  const seedsByModel = new Map<string, Set<number>>();
  for (const model of models) {
    per[model] = {};
    seedsByModel.set(model, new Set());
    const mine = all.runs.filter((r) => r[0] === task && r[1] === target && r[2] === model);
    for (const seed of [...new Set(mine.map((r) => r[3]))].sort((a, b) => a - b)) {
      const configs = grid.map(([lr, wd]) => mine.find((r) => r[3] === seed && r[4] === lr && r[5] === wd));
      if (configs.some((c) => !c)) continue; // this seed's grid is not finished
      let best = configs[0]!;
      for (const c of configs) if (c![6] > best[6]) best = c!; // strict: ties keep the first in grid order
      per[model]![String(seed)] = { test: best[7], lr: best[4], wd: best[5] };
      seedsByModel.get(model)!.add(seed);
    }
  }
  const seeds = [...(seedsByModel.get(models[0]!) ?? [])].filter((s) => models.every((m) => seedsByModel.get(m)!.has(s))).sort((a, b) => a - b);
  if (seeds.length === 0) return null;
  const truth: Record<string, number> = {};
  const std: Record<string, number | null> = {};
  for (const m of models) {
    const v = seeds.map((s) => per[m]![String(s)]!.test);
    truth[m] = round6(mean(v));
    std[m] = v.length > 1 ? round6(Math.sqrt(sampleVar(v))) : null;
    for (const s of Object.keys(per[m]!)) if (!seeds.includes(Number(s))) delete per[m]![s];
  }
  return {
    task,
    target,
    metric: task === 'detection' ? 'test mAP@0.5' : 'test accuracy',
    seeds,
    truth,
    std,
    per_seed: per,
    noise: seeds.length > 1 ? noiseAnalysis(models.map((m) => seeds.map((s) => per[m]![String(s)]!.test)), models) : null,
  };
}

/** Do the gaps between models exceed the seed-to-seed noise? values[model][seed]. */
export function noiseAnalysis(values: number[][], models: string[]): NoiseAnalysis {
  const k = values[0]!.length;
  const pooled = Math.sqrt(mean(values.map(sampleVar)));
  const diffSe = pooled * Math.sqrt(2 / k);
  const means = values.map(mean);
  let pairs = 0;
  let separated = 0;
  for (let i = 0; i < means.length; i++) {
    for (let j = i + 1; j < means.length; j++) {
      pairs++;
      if (Math.abs(means[i]! - means[j]!) > 2 * diffSe) separated++;
    }
  }
  const order = means.map((_, i) => i).sort((a, b) => means[b]! - means[a]!);
  const taus: number[] = [];
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const t = weightedTau(values.map((v) => v[a]!), values.map((v) => v[b]!));
      if (t !== null) taus.push(t);
    }
  }
  const gap = means[order[0]!]! - means[order[1]!]!;
  return {
    pooled_seed_std: round6(pooled),
    diff_se: round6(diffSe),
    between_model_std: round6(Math.sqrt(sampleVar(means))),
    pairs,
    pairs_separated: separated,
    best: models[order[0]!]!,
    runner_up: models[order[1]!]!,
    top_gap: round6(gap),
    top_gap_exceeds_noise: gap > 2 * diffSe,
    seed_vs_seed_weighted_tau: taus.length > 0 ? round6(mean(taus)) : null,
  };
}

// ---------------------------------------------------------------- scoring

interface RankJson {
  models: Array<{ name: string; scores: Record<string, number | null> }>;
  eval?: Record<string, Evaluation>;
  failed?: Record<string, string>;
}

function runRank(task: Task, target: string, truthFile: string): RankJson {
  const args = ['--import', 'tsx', join(ROOT, 'src/cli/etran.ts'), 'rank', '--zoo', ZOO[task], '--data', `fixtures/targets/${target}`, '--metrics', 'all', '--bootstrap', '0', '--truth', truthFile, '--truth-key', 'truth', '--json'];
  const res = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 << 20 });
  if (res.status !== 0) throw new Error(`etran rank on ${target} exited ${res.status}: ${(res.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(res.stdout) as RankJson;
}

/** Scores, weighted τ and top-1 regret of every metric on one target. */
export function evaluateTarget(rank: RankJson, truth: Record<string, number>): TargetResult {
  const scores: Record<string, Record<string, number>> = {};
  for (const m of rank.models) {
    for (const [metric, v] of Object.entries(m.scores)) {
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      (scores[metric] ??= {})[m.name] = v;
    }
  }
  const ordered = METRIC_ORDER.filter((m) => scores[m]);
  const out: TargetResult = { truth, scores: {}, weighted_tau: {}, top1_regret: {} };
  for (const metric of ordered) {
    const e = evaluateScores(scores[metric]!, truth);
    out.scores[metric] = scores[metric]!;
    out.weighted_tau[metric] = e.weighted_tau;
    out.top1_regret[metric] = e.top1_regret;
    const fromRank = rank.eval?.[metric];
    if (fromRank && (fromRank.weighted_tau !== e.weighted_tau || fromRank.top1_regret !== e.top1_regret)) {
      throw new Error(`etran rank --truth disagrees with evaluateScores on ${metric}: ${fromRank.weighted_tau} vs ${e.weighted_tau}`);
    }
  }
  return out;
}

export function meanTau(targets: Record<string, TargetResult>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const metrics = [...METRIC_ORDER, ...LOTO_ROWS].filter((m) => Object.values(targets).some((t) => m in t.weighted_tau));
  for (const m of metrics) {
    const v = Object.values(targets).map((t) => t.weighted_tau[m]);
    out[m] = v.every((x) => typeof x === 'number') ? mean(v as number[]) : null; // a metric missing or undefined on a target has no mean
  }
  return out;
}

// ---------------------------------------------------------------- tables

const fmt = (v: number | null | undefined, d = 3): string => (v === null || v === undefined ? '–' : v.toFixed(d));

/** Markdown: metrics × targets, weighted τ (best per column in bold), plus mean regret. */
export function markdownTable(task: Task, res: TaskResult): string {
  const targets = Object.keys(res.targets);
  if (targets.length === 0) return `_${task}: no target has finished ground truth yet._\n`;
  const metrics = Object.keys(res.mean_weighted_tau);
  const short = (t: string): string => t.replace(/^classification-?/, '').replace(/^detection-?/, '') || (task === 'classification' ? 'fashion-heldout' : 'fashion');
  const head = ['metric', ...targets.map(short), '**mean τ_w**', 'mean top-1 regret'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  const best = (vals: Array<number | null>): number => Math.max(...vals.map((v) => (v === null ? -Infinity : v)));
  const bestPer = targets.map((t) => best(metrics.map((m) => res.targets[t]!.weighted_tau[m] ?? null)));
  const bestMean = best(metrics.map((m) => res.mean_weighted_tau[m] ?? null));
  for (const m of metrics) {
    const cells = targets.map((t, i) => {
      const v = res.targets[t]!.weighted_tau[m] ?? null;
      return v !== null && v === bestPer[i] ? `**${fmt(v)}**` : fmt(v);
    });
    const mt = res.mean_weighted_tau[m] ?? null;
    const regrets = targets.map((t) => res.targets[t]!.top1_regret[m]).filter((v): v is number => typeof v === 'number');
    lines.push(`| ${m} | ${cells.join(' | ')} | ${mt !== null && mt === bestMean ? `**${fmt(mt)}**` : fmt(mt)} | ${regrets.length === targets.length ? fmt(mean(regrets)) : '–'} |`);
  }
  return lines.join('\n') + '\n';
}

export function truthTable(details: TruthDetail[]): string {
  const head = ['target', 'seeds', 'best (mean)', 'runner-up', 'top gap', 'pooled seed std', 'model spread (std)', 'pairs apart > 2 SE', 'τ_w seed vs seed'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const d of details) {
    const n = d.noise;
    const best = Object.entries(d.truth).sort((a, b) => b[1] - a[1]);
    lines.push(
      `| ${d.target} | ${d.seeds.join(', ')} | ${best[0]![0]} (${fmt(best[0]![1])}) | ${best[1]![0]} (${fmt(best[1]![1])}) | ${fmt(best[0]![1] - best[1]![1])}${n ? (n.top_gap_exceeds_noise ? ' (> noise)' : ' (within noise)') : ''} | ${n ? fmt(n.pooled_seed_std) : '– (1 seed)'} | ${n ? fmt(n.between_model_std) : '–'} | ${n ? `${n.pairs_separated}/${n.pairs}` : '–'} | ${n ? fmt(n.seed_vs_seed_weighted_tau) : '–'} |`,
    );
  }
  return lines.join('\n') + '\n';
}

export function selectionTable(sel: Selection): string {
  const head = ['held-out target', 'components picked on the others', 'κ', 'τ_w', 'τ_w + history', 'history datasets'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const h of sel.held_out) lines.push(`| ${h.target} | ${h.components.join(' + ')} | ${h.kappa} | ${fmt(h.tau_without_history)} | ${fmt(h.tau_with_history)} | ${h.history_datasets} |`);
  lines.push(`| **shipped (all targets)** | ${sel.shipped.components.join(' + ')} | ${sel.shipped.kappa} | ${fmt(sel.shipped.mean_tau_without_history)} (in-sample mean) | ${fmt(sel.shipped.mean_tau_with_history)} (in-sample mean) | |`);
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------- main

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

const BEGIN = '<!-- transferability:begin (npm run transferability -- --readme) -->';
const END = '<!-- transferability:end -->';

/** Rewrites only the text between the README's two markers (the rest of the README belongs to others). */
function replaceReadmeTables(tables: string): void {
  const path = join(ROOT, 'README.md');
  const text = readFileSync(path, 'utf8');
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${BEGIN} … ${END} block`);
  writeFileAtomicSync(path, `${text.slice(0, a + BEGIN.length)}\n\n${tables}\n${text.slice(b)}`);
  log('README.md tables updated');
}

function main(argv: string[]): number {
  const collect = !argv.includes('--no-collect');
  const runsPath = join(ROOT, 'results/finetune_runs.json');
  const runsDir = join(ROOT, 'training/out/transferability/runs');
  let all: FinetuneRuns | null = existsSync(runsPath) ? (JSON.parse(readFileSync(runsPath, 'utf8')) as FinetuneRuns) : null;
  if (collect && existsSync(runsDir)) {
    all = collectRuns(runsDir, all);
    writeFileAtomicSync(runsPath, `{\n${Object.entries(all).map(([k, v]) => `  ${JSON.stringify(k)}: ${k === 'runs' ? `[\n${(v as RunRow[]).map((r) => `    ${JSON.stringify(r)}`).join(',\n')}\n  ]` : JSON.stringify(v)}`).join(',\n')}\n}\n`);
    log(`collected ${all.runs.length} runs into ${relative(ROOT, runsPath)}`);
  }
  if (!all) throw new Error(`no ${relative(ROOT, runsPath)} and no ${relative(ROOT, runsDir)}: run training/transferability/finetune_*.py first`);

  const bench = {} as Benchmark;
  const linear = {} as Benchmark;
  const details: TruthDetail[] = [];
  const linearDetails: TruthDetail[] = [];
  const linearPath = join(ROOT, 'results/linear_probe_runs.json');
  const linearRuns: FinetuneRuns | null = existsSync(linearPath) ? (JSON.parse(readFileSync(linearPath, 'utf8')) as FinetuneRuns) : null;
  const benchTargets: BenchTarget[] = [];
  for (const task of TASKS) {
    const zooModels = readdirSync(join(ROOT, ZOO[task])).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -5)).sort();
    const targets: Record<string, TargetResult> = {};
    const linearTargets: Record<string, TargetResult> = {};
    for (const target of TARGETS[task]) {
      const detail = truthFor(all, task, target, zooModels);
      if (!detail) {
        log(`${target}: ground truth not finished (no seed complete for all ${zooModels.length} models), left out`);
        continue;
      }
      details.push(detail);
      const truthFile = join(ROOT, 'results/truth', `${target}.json`);
      writeFileAtomicSync(truthFile, JSON.stringify(detail, null, 1) + '\n');
      log(`${target}: truth from seeds ${detail.seeds.join(',')}; running etran rank …`);
      const t0 = Date.now();
      const rank = runRank(task, target, relative(ROOT, truthFile));
      if (rank.failed) log(`${target}: models that failed in etran rank: ${Object.keys(rank.failed).join(', ')}`);
      targets[target] = evaluateTarget(rank, detail.truth);
      benchTargets.push({ name: target, task, truth: detail.truth, scores: targets[target]!.scores });
      log(`${target}: ranked in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const lin = linearRuns ? truthFor(linearRuns, task, target, zooModels) : null;
      if (lin) {
        linearDetails.push(lin);
        writeFileAtomicSync(join(ROOT, 'results/truth', `${target}.linear-probe.json`), JSON.stringify(lin, null, 1) + '\n');
        linearTargets[target] = evaluateTarget({ models: rank.models }, lin.truth);
      }
    }
    bench[task] = { targets, mean_weighted_tau: meanTau(targets) };
    linear[task] = { targets: linearTargets, mean_weighted_tau: meanTau(linearTargets) };
  }

  // recommended: the leave-one-target-out figures, and the check that the shipped form is the procedure's pick.
  const selection: Selection = leaveOneTargetOut(benchTargets);
  writeFileAtomicSync(join(ROOT, 'results/recommended-selection.json'), JSON.stringify(selection, null, 1) + '\n');
  for (const h of selection.held_out) {
    const t = bench[h.task as Task].targets[h.target]!;
    t.weighted_tau[LOTO_ROWS[0]!] = h.tau_without_history;
    if (h.tau_with_history !== null) t.weighted_tau[LOTO_ROWS[1]!] = h.tau_with_history;
  }
  for (const task of TASKS) bench[task].mean_weighted_tau = meanTau(bench[task].targets);
  const shipped = selection.shipped;
  const same = shipped.kappa === RECOMMENDED_FORM.kappa && shipped.components.join(',') === RECOMMENDED_FORM.components.join(',');
  log(`recommended: LOTO picks ${shipped.components.join('+')} with κ ${shipped.kappa} on all targets; shipped form ${RECOMMENDED_FORM.components.join('+')} with κ ${RECOMMENDED_FORM.kappa}`);
  writeFileAtomicSync(join(ROOT, 'results/transferability.json'), JSON.stringify(bench, null, 1) + '\n');
  if (linearRuns) writeFileAtomicSync(join(ROOT, 'results/transferability-linear-probe.json'), JSON.stringify(linear, null, 1) + '\n');
  log(`wrote results/transferability.json${linearRuns ? ', results/transferability-linear-probe.json' : ''} and results/recommended-selection.json`);

  const tables =
    `#### Classification: weighted τ per target (13 models)\n\n${markdownTable('classification', bench.classification)}\n` +
    `#### Detection: weighted τ per target (5 detectors)\n\n${markdownTable('detection', bench.detection)}\n` +
    `#### Ground truth and seed noise\n\n${truthTable(details)}` +
    (linearRuns
      ? `\n#### Against linear-probe accuracy (backbone frozen): classification\n\n${markdownTable('classification', linear.classification)}\n` +
        `#### Against linear-probe mAP (backbone frozen): detection\n\n${markdownTable('detection', linear.detection)}\n` +
        `#### Linear-probe ground truth and seed noise\n\n${truthTable(linearDetails)}`
      : '') +
    `\n#### recommended: leave-one-target-out\n\n${selectionTable(selection)}`;
  process.stdout.write(tables);
  if (argv.includes('--readme')) replaceReadmeTables(tables);
  if (!same) {
    log(`recommended.ts RECOMMENDED_FORM is not what the procedure picks: set it to { components: ${JSON.stringify(shipped.components)}, kappa: ${shipped.kappa} } and rerun`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    log(`transferability: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
