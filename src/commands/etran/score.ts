/**
 * `etran score`: transferability scores of one or more models from features
 * already extracted on the target data, and the ranking they imply.
 */
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { MAX_TEXT_INPUT_BYTES } from '../../core/io/files.js';
import { openFeatureRows, peekFeatureShape, readLabelsFile, readMatrixFile } from '../../core/etran/features-file.js';
import { gatherSample, labelsAt, rowSourceFromNpy, rowsAt, shouldStream, stratifiedSubsample, STREAM_ABOVE_BYTES, SUBSAMPLE_ROWS } from '../../core/etran/streaming.js';
import type { NpyRowReader } from '../../core/io/npy-chunks.js';
import { ACROSS_MODELS, METRIC_NAMES, isAcrossModels, perModelMetric } from '../../core/etran/metrics.js';
import { chooseRankBy, resolveMetrics, scoreModels, type ModelFeatures, type ScoreResult } from '../../core/etran/score.js';
import { asSourceProbabilities } from '../../core/etran/source-probs.js';
import type { Labels, Matrix } from '../../core/etran/types.js';
import { rankIntervalBar, rankIntervalText } from '../../ui/table.js';
import { action, color, print, printJson, warn, withJson } from '../common.js';
import { parseSeed } from './features.js';
import { addRankingOptions, priorFor, readHistoryOption, type RankingCliOptions } from './ranking-options.js';

interface ScoreCliOptions extends RankingCliOptions {
  seed: number;
  labels: string;
  sourceProbs?: string[];
  targets?: string;
  metrics?: string;
  rankBy?: string;
  weights?: string;
  metricOption?: string[];
  stream?: string;
  json?: boolean;
}

/** `NAME=PATH` or a bare `PATH` (NAME = file stem). */
export function parseNamedPath(spec: string): { name: string; path: string; named: boolean } {
  const m = /^([^=/\\]+)=(.+)$/.exec(spec);
  if (m) return { name: m[1]!, path: m[2]!, named: true };
  return { name: basename(spec, extname(spec)), path: spec, named: false };
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** `energy=0.2,lda=0.8` → weights of the ETran components. */
function parseWeights(text: string): { energy?: number; lda?: number; regression?: number } {
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const [k, v] = part.split('=').map((s) => s.trim());
    const num = Number(v);
    if (!k || !['energy', 'lda', 'regression'].includes(k) || v === undefined || v === '' || !Number.isFinite(num)) {
      throw new InputError(null, `--weights: expected e.g. energy=0.15,lda=0.85[,regression=1], got '${part}'`);
    }
    out[k] = num;
  }
  return out;
}

/** `leep.variant=prob-mean` → { leep: { variant: 'prob-mean' } }; values parse as JSON when they can. */
function parseMetricOptions(specs: string[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const m = /^([a-z_]+)\.([A-Za-z0-9_]+)=(.*)$/.exec(spec);
    if (!m) throw new InputError(null, `--metric-option: expected METRIC.KEY=VALUE (e.g. leep.variant=prob-mean), got '${spec}'`);
    const [, metric, key, raw] = m as unknown as [string, string, string, string];
    if (!(METRIC_NAMES as readonly string[]).includes(metric)) throw new InputError(null, `--metric-option: unknown metric '${metric}'`);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a bare word stays a string
    }
    (out[metric] ??= {})[key] = value;
  }
  return out;
}

function formatScore(v: number | null): string {
  if (v === null) return 'n/a';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(3);
  return v.toFixed(4);
}

/** The ranked table for humans: best first, the rank-by column highlighted on a TTY. */
function printTable(result: ScoreResult): void {
  const metrics = Object.keys(result.models[0]?.scores ?? {});
  const byName = new Map(result.models.map((m) => [m.name, m]));
  const boot = result.bootstrap !== undefined;
  const header = ['#', 'model', 'N', 'D', ...metrics, ...(boot ? ['p(best)', 'rank 90 %', ''] : [])];
  const rows = result.ranking.map((name, i) => {
    const m = byName.get(name)!;
    const conf = boot ? [m.p_best!.toFixed(2), rankIntervalText(...m.rank_interval!), rankIntervalBar(...m.rank_interval!, result.models.length)] : [];
    return [String(i + 1), name, String(m.n), String(m.d), ...metrics.map((k) => formatScore(m.scores[k] ?? null)), ...conf];
  });
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const rankCol = result.rankBy ? 4 + metrics.indexOf(result.rankBy) : -1;
  const line = (cells: string[], style: (s: string, j: number) => string) =>
    cells.map((c, j) => style(j === 1 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!), j)).join('  ');
  print(line(header, (s, j) => (j === rankCol ? color.bold.cyan(s) : color.bold(s))));
  rows.forEach((r, i) => print(line(r, (s, j) => (j === rankCol ? color.cyan(s) : i === 0 && j === 1 ? color.green(s) : s))));
  if (result.rankBy) print(color.dim(`ranked by ${result.rankBy} (higher is better)`));
  if (result.bootstrap) print(color.dim(`p(best), rank 90 %: ${result.bootstrap.n} stratified resamples of the images, recomputing ${result.bootstrap.recomputed.join(', ') || 'nothing'}`));
  if (result.history) print(color.dim(`history: ${result.history.datasets.length} past dataset(s), ${result.history.models_with_history} model(s) with a record`));
  if (result.streaming) {
    const { streamed, subsample: sub } = result.streaming;
    print(color.dim(`streamed (all ${sub.of} rows, in blocks): ${streamed.join(', ') || 'none'}; on a stratified subsample of ${sub.rows} rows (seed ${sub.seed}): ${sub.scores.join(', ') || 'none'}`));
  }
}

export function register(program: Command): void {
  const metricList = METRIC_NAMES.map((n) => `  ${n.padEnd(19)}${isAcrossModels(n) ? ACROSS_MODELS[n].summary : (perModelMetric(n)?.summary ?? '(not available in this build)')}`).join('\n');
  const cmd = withJson(
    program
      .command('score')
      .summary('score models for a target dataset from extracted features (ETran and baselines)')
      .description('Score how well each model will transfer to a target dataset, from its features on that data (the input of its last linear layer), and rank the models.')
      .argument('<features...>', 'NAME=FEATURES.npy (or .csv) per model; a bare path means NAME = file stem')
      .requiredOption('--labels <file>', 'target labels, one per feature row (.npy integers or strings, .csv, .txt)')
      .option('--source-probs <spec>', 'NAME=P.npy: a source model\'s softmax over its own classes (N × C_s), for leep/nce; repeat per model (a bare path when scoring one model); logits are detected and soft-maxed', collect)
      .option('--targets <file>', 'regression targets (N × K, e.g. normalised box cx,cy,w,h) for the regression metric and detection ETran')
      .option('--metrics <list>', `comma-separated metrics, or 'all' (default: all the inputs allow): ${METRIC_NAMES.join(',')}`)
      .option('--rank-by <metric>', 'metric that orders the ranking (default: recommended with ≥ 2 models, else the first metric)')
      .option('--seed <n>', 'seed of the folds (probe, knn), k-NN ties, NLEEP and the bootstrap', parseSeed, 0)
      .option('--weights <list>', 'ETran component weights, e.g. energy=0.15,lda=0.85 (defaults 0.15/0.85; 1/1/1 with --targets)')
      .option('--metric-option <METRIC.KEY=VALUE>', 'an option of one metric, e.g. leep.variant=prob-mean (repeatable)', collect)
      .option('--stream <mode>', `auto|always|never: read .npy features in blocks of rows instead of loading them (auto: when N·D·8 bytes exceed ${STREAM_ABOVE_BYTES / 2 ** 30} GiB)`, 'auto'),
  );
  addRankingOptions(cmd, 0, 'none: every history row is used')
    .addHelpText(
      'after',
      `
Metrics (all higher-is-better):
${metricList}

Examples:
  $ etran score --labels y.npy resnet50=r50.npy vit_b16=vit.npy
  $ etran score --labels y.npy --metrics energy,lda,etran,logme --json r50=r50.npy vit=vit.npy > scores.json
  $ etran score --labels y.txt --source-probs r50=r50_probs.npy --source-probs vit=vit_probs.npy r50=r50.npy vit=vit.npy
  $ etran score --labels box_classes.npy --targets boxes.npy yolo=yolo.npy detr=detr.npy

recommended is always reported; --history adds the zoo's track record to it.

Values that are undefined (etran with one model, leep without --source-probs
for that model, …) are null in --json output, with the reason on stderr.
Inputs must be regular files (no FIFO or device); a .npy file must be exactly
as long as its header's shape × dtype; .csv/.txt at most ${MAX_TEXT_INPUT_BYTES >> 20} MiB (use .npy
beyond). --metric-option values are checked (type and range) per metric.
Large features (--stream; automatic above N·D·8 = ${STREAM_ABOVE_BYTES / 2 ** 30} GiB): energy, lda,
regression, logme, hscore, regularized_hscore and gbc (without pcaDims) read
every row in blocks (memory grows with D² + C·D, not N·D); the other scores
and the bootstrap use one seeded, stratified subsample of at most
${SUBSAMPLE_ROWS} rows. The output says which ("streaming" in --json).
Exit codes: 0 ok, 1 failure while computing, 2 bad input (NaN/Inf features,
label count ≠ rows, one class only, empty file, wrong dtype, unknown metric,
bad option value).`,
    )
    .action(action(async (specs: string[], opts: ScoreCliOptions) => runScore(specs, opts)));
}

async function runScore(specs: string[], opts: ScoreCliOptions): Promise<number> {
  const feats = specs.map(parseNamedPath);
  const names = new Set<string>();
  for (const f of feats) {
    if (names.has(f.name)) throw new InputError(f.path, `model name '${f.name}' is used twice (name models with NAME=FILE)`);
    names.add(f.name);
  }
  // Source probabilities per model name.
  const probSpecs = (opts.sourceProbs ?? []).map(parseNamedPath);
  const probFor = new Map<string, string>();
  for (const p of probSpecs) {
    let name = p.name;
    if (!p.named) {
      if (feats.length !== 1) throw new InputError(p.path, '--source-probs needs NAME=FILE when more than one model is scored');
      name = feats[0]!.name;
    }
    if (!names.has(name)) throw new InputError(p.path, `--source-probs names model '${name}', which is not among the scored models (${[...names].join(', ')})`);
    if (probFor.has(name)) throw new InputError(p.path, `--source-probs given twice for model '${name}'`);
    probFor.set(name, p.path);
  }

  // Check the metric list before reading any (possibly large) file.
  const listed = opts.metrics?.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  // 'all' = every metric the inputs allow, as when no list is given.
  const requested = listed?.includes('all') ? undefined : listed;
  const metrics = resolveMetrics(requested, { models: feats.length, withSourceProbs: probFor.size, withTargets: opts.targets ? feats.length : 0 });
  chooseRankBy(opts.rankBy, metrics, feats.length);
  const weights = opts.weights ? parseWeights(opts.weights) : undefined;
  const metricOptions = parseMetricOptions(opts.metricOption ?? []);
  const history = priorFor(await readHistoryOption(opts.history), feats.map((f) => f.name), opts.targetName ?? null);

  const labels = await readLabelsFile(opts.labels);
  const n = labels.ids.length;
  const targets = opts.targets ? (await readMatrixFile(opts.targets, 'targets')).matrix : undefined;
  if (targets && targets.rows !== n) throw new InputError(opts.targets!, `targets have ${targets.rows} rows but ${opts.labels} has ${n} labels`);

  const mode = opts.stream ?? 'auto';
  if (mode !== 'auto' && mode !== 'always' && mode !== 'never') throw new InputError(null, `--stream: expected auto, always or never, got '${mode}'`);
  const models: ModelFeatures[] = [];
  const readers: NpyRowReader[] = [];
  try {
    for (const f of feats) {
      const shape = mode === 'never' ? null : await peekFeatureShape(f.path);
      // Fortran-order rows are not contiguous: under 'auto' such a file loads whole, as before.
      if (mode === 'always' || (shape && !shape.fortran && shouldStream(shape.rows, shape.cols, mode))) {
        const reader = await openFeatureRows(f.path);
        readers.push(reader);
        if (reader.rows !== n) throw new InputError(f.path, `features have ${reader.rows} rows but ${opts.labels} has ${n} labels`);
        models.push(await streamedModel(f.name, reader, labels, targets, probFor.get(f.name), opts.seed, opts.labels));
        continue;
      }
      models.push(await loadedModel(f.name, f.path, labels, targets, probFor.get(f.name), opts.labels));
    }
    const result = scoreModels(models, { metrics: requested, rankBy: opts.rankBy, weights, metricOptions, seed: opts.seed, history, bootstrap: opts.bootstrap });
    for (const w of result.warnings) warn(w);
    if (opts.json) {
      printJson({
        models: result.models,
        ranking: result.ranking,
        rank_by: result.rankBy,
        ...(result.bootstrap ? { bootstrap: result.bootstrap } : {}),
        ...(result.history ? { history: result.history } : {}),
        ...(result.streaming ? { streaming: result.streaming } : {}),
      });
    } else {
      printTable(result);
    }
    return 0;
  } finally {
    for (const r of readers) await r.close();
  }
}

/** A model whose features are loaded whole (the usual path). */
async function loadedModel(name: string, path: string, labels: Labels, targets: Matrix | undefined, probPath: string | undefined, labelsFile: string): Promise<ModelFeatures> {
  const n = labels.ids.length;
  const { matrix: X } = await readMatrixFile(path, 'features');
  if (X.rows !== n) throw new InputError(path, `features have ${X.rows} rows but ${labelsFile} has ${n} labels`);
  const model: ModelFeatures = { name, X, labels };
  if (targets) model.targets = targets;
  if (probPath) model.sourceProbs = await readSourceProbs(probPath, n, labelsFile);
  return model;
}

async function readSourceProbs(probPath: string, n: number, labelsFile: string): Promise<Matrix> {
  const { matrix: P } = await readMatrixFile(probPath, 'source probabilities');
  if (P.rows !== n) throw new InputError(probPath, `source probabilities have ${P.rows} rows but ${labelsFile} has ${n} labels`);
  const sp = asSourceProbabilities(P);
  if (sp.softmaxReason) warn(`${probPath}: rows are not probabilities (${sp.softmaxReason}); treating them as logits and applying softmax`);
  return sp.probs;
}

/**
 * A model whose features stream (core/etran/streaming.ts): the first pass reads
 * every block (checking each value) and keeps the stratified subsample's rows,
 * on which the scores that cannot stream run.
 */
async function streamedModel(
  name: string, reader: NpyRowReader, labels: Labels, targets: Matrix | undefined, probPath: string | undefined, seed: number, labelsFile: string,
): Promise<ModelFeatures> {
  const source = rowSourceFromNpy(reader);
  const sample = stratifiedSubsample(labels, SUBSAMPLE_ROWS, seed);
  const X = gatherSample(source, labels, sample);
  const model: ModelFeatures = { name, X, labels: labelsAt(labels, sample), streamed: { source, labels, sample, ...(targets ? { targets } : {}) } };
  if (targets) model.targets = rowsAt(targets, sample);
  if (probPath) model.sourceProbs = rowsAt(await readSourceProbs(probPath, labels.ids.length, labelsFile), sample);
  return model;
}
