/**
 * `etran features`: run a zoo on a target dataset and export each model's
 * features (and source probabilities, labels, box targets) as .npy files,
 * in the layout `etran rank --data DIR` reads back as precomputed features.
 * Also holds the extraction options and the progress wiring that `etran rank`
 * shares.
 */
import { readdir, stat, writeFile } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import { Option, type Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { buildFeatureSets, cacheStatus, FEATURES_FORMAT, isFeaturesManifest, type PipelineResult } from '../../core/features/pipeline.js';
import { DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE, MAX_SHARDS, parseShardOption, shardFromEnv, shardLabel, type ShardSpec } from '../../core/features/shards.js';
import { encodeNpy } from '../../core/io/npy.js';
import { replaceDirectory } from '../../core/io/atomic.js';
import { readJsonInput } from '../../core/io/files.js';
import { DEVICES, SessionOpener, type Device } from '../../core/runtime/session.js';
import { InkProgress, LogProgress, type ProgressReporter } from '../../ui/progress.js';
import { action, info, interactive, parsePositiveInt, print, printJson, warn, withJson } from '../common.js';

export interface ExtractionCliOptions {
  zoo?: string;
  data: string;
  maxImages?: number;
  seed: number;
  batchSize: number;
  device: Device;
  threads?: number;
  cache: string | false;
  strict?: boolean;
  json?: boolean;
  chunkSize?: number;
  shard?: ShardSpec | 'auto';
  shards?: number;
}

export const parseSeed = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InputError(null, `--seed: expected an integer from 0 to 4294967295, got '${v}'`);
  return n;
};

/**
 * ONNX Runtime starts every intra-op thread at session creation: 100,000 of
 * them exhaust memory before the first image. 1024 is beyond any machine's
 * core count, so no real setting is refused.
 */
export const MAX_THREADS = 1024;
/**
 * Images per inference batch at most: one 224×224 batch of 1024 is 600 MB of
 * input tensor before the model's activations; larger batches only run out
 * of memory (a large input_size needs a smaller batch still).
 */
export const MAX_BATCH_SIZE = 1024;

/** A positive integer of at most `max`, for commander's option parser; beyond it, bad usage (exit 2). */
export function boundedPositiveInt(option: string, max: number): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < 1 || n > max) throw new InputError(null, `${option}: expected an integer from 1 to ${max}, got '${v}'`);
    return n;
  };
}

/** Options shared by `rank` and `features`. */
export function addExtractionOptions(cmd: Command, zooRequired: boolean): Command {
  (zooRequired ? cmd.requiredOption('--zoo <dir>', 'directory of .onnx models [+ zoo.json]') : cmd.option('--zoo <dir>', 'directory of .onnx models [+ zoo.json] (not needed with precomputed features)'))
    .requiredOption('--data <path>', 'target data: ImageFolder dir, CSV/JSON list of path,label, COCO json (or dir with annotations.json), YOLO dir, or precomputed features dir')
    .option('--max-images <n>', 'use at most N images, class-stratified', parsePositiveInt)
    .option('--seed <n>', 'seed of the --max-images sample (rank: also of the probe folds, k-NN ties, NLEEP and the bootstrap)', parseSeed, 0)
    .option('--batch-size <n>', `images per inference batch (at most ${MAX_BATCH_SIZE})`, boundedPositiveInt('--batch-size', MAX_BATCH_SIZE), 32)
    .addOption(new Option('--device <device>', 'execution provider: auto tries CUDA and falls back to CPU').choices(DEVICES as string[]).default('auto'))
    .option('--threads <n>', `ONNX Runtime intra-op threads (default: one per core; at most ${MAX_THREADS})`, boundedPositiveInt('--threads', MAX_THREADS))
    .option('--cache <dir>', 'feature cache directory', '.cache/etran')
    .option('--no-cache', 'do not read or write the feature cache')
    .option('--strict', 'an unreadable image is an error (default: skipped and reported)')
    .option('--chunk-size <n>', `images per unit of work, one model × one chunk of the listing (default ${DEFAULT_CHUNK_SIZE}); shards and the run that merges them must use the same`, boundedPositiveInt('--chunk-size', MAX_CHUNK_SIZE))
    .option('--shard <I/N|auto>', 'extract only the units k with k mod N = I (0-based) into --cache and say how many are done; auto: I and N from the array-job variables of Kubernetes, Slurm or AWS Batch', parseShardOption)
    .option('--shards <n>', `with --shard auto: the number of shards (required under a Kubernetes Indexed Job: its completions; at most ${MAX_SHARDS})`, boundedPositiveInt('--shards', MAX_SHARDS));
  return cmd;
}

/**
 * The shard this run extracts (null: every unit), from --shard and --shards
 * (and the environment for --shard auto). A shard only fills the cache, so
 * --no-cache is bad usage with it.
 */
export function resolveShard(opts: ExtractionCliOptions, env: Record<string, string | undefined> = process.env): ShardSpec | null {
  if (opts.shards !== undefined && opts.shard !== 'auto') throw new InputError(null, '--shards goes with --shard auto (with --shard I/N the count is N)');
  if (opts.shard === undefined) return null;
  if (opts.cache === false) throw new InputError(null, '--shard fills the feature cache and cannot go with --no-cache; give --cache DIR on a filesystem every task shares');
  return opts.shard === 'auto' ? shardFromEnv(env, opts.shards) : opts.shard;
}

/** What a shard did, on stdout (--json: {"shard", "units", "done", "failed", "cached"}); exit 1 when some of its units failed. */
export function reportShard(r: PipelineResult, shard: ShardSpec, json: boolean | undefined): number {
  const u = r.units ?? { units: 0, done: 0, cached: 0, failed: 0 };
  if (json) printJson({ shard: shardLabel(shard), units: u.units, done: u.done, failed: u.failed, cached: u.cached });
  else print(`shard ${shardLabel(shard)}: ${u.done} of ${u.units} unit(s) in the cache (${u.cached} already there), ${u.failed} failed`);
  return u.failed > 0 ? 1 : 0;
}

/**
 * Runs extraction with progress on stderr (ink on a TTY, log lines otherwise).
 * `beforeExtraction` sees the task once the data is read and may throw (bad
 * usage found then is one line, before any model runs).
 */
export async function runExtraction(opts: ExtractionCliOptions, beforeExtraction?: (info: { task: string }) => void, shard: ShardSpec | null = null): Promise<PipelineResult> {
  let reporter: ProgressReporter | null = null;
  try {
    const result = await buildFeatureSets({
      zoo: opts.zoo,
      data: opts.data,
      maxImages: opts.maxImages,
      seed: opts.seed,
      batchSize: opts.batchSize,
      strict: opts.strict,
      cacheDir: opts.cache === false ? null : resolve(opts.cache),
      opener: new SessionOpener({ device: opts.device, intraOpThreads: opts.threads, spin: false }),
      chunkSize: opts.chunkSize,
      shard,
      onStart: ({ models, images, task }) => {
        beforeExtraction?.({ task });
        reporter = interactive() ? new InkProgress() : new LogProgress();
        reporter.start(models, images);
      },
      onProgress: (e) => reporter?.update(e),
    });
    return result;
  } finally {
    (reporter as ProgressReporter | null)?.stop();
  }
}

/** Prints what the user must know about an extraction: zoo warnings, device fallback, skipped images, failed models. */
export function reportExtraction(r: PipelineResult): void {
  for (const w of r.warnings) warn(w);
  for (const m of r.messages) info(m);
  if (r.skipped.length > 0) {
    warn(`${r.skipped.length} unreadable image(s) skipped (--strict makes this an error):`);
    for (const s of r.skipped.slice(0, 10)) warn(`  ${s.path}: ${s.reason}`);
    if (r.skipped.length > 10) warn(`  … and ${r.skipped.length - 10} more`);
  }
  for (const f of r.failures) warn(`model ${f.name} failed: ${f.message}`);
}

/** Per-model extraction figures, as in the --json contract. */
export function extractionSummary(r: PipelineResult): Record<string, { images: number; seconds: number; images_per_s: number | null; cached: boolean }> {
  // keyed by model names (file stems): no prototype, so a model called __proto__ or constructor is a plain key
  const out: Record<string, { images: number; seconds: number; images_per_s: number | null; cached: boolean }> = Object.create(null);
  for (const f of r.features) {
    // Time spent extracting in this run: 0 for features read from the cache.
    const seconds = f.cached ? 0 : f.seconds;
    out[f.name] = {
      images: f.images,
      seconds: Number(seconds.toFixed(3)),
      images_per_s: seconds > 0 ? Number((f.images / seconds).toFixed(2)) : null,
      cached: f.cached,
    };
  }
  return out;
}

/** When no model produced features there is nothing to rank or export. */
export function requireSomeFeatures(r: PipelineResult): void {
  if (r.features.length === 0) {
    const first = r.failures[0];
    throw new InputError(null, `no model could be used${first ? `: ${first.message}` : ''}`);
  }
}

export function register(program: Command): void {
  const cmd = program
    .command('features')
    .summary('extract each model\'s features on a target dataset and export them as .npy')
    .description(
      'Run every model of a zoo on the target images and write, per model, MODEL.npy (N × D float32: the input of its last linear layer, or RoI-pooled feature-map rows per ground-truth box for detectors) and MODEL.probs.npy (softmax of its logits), plus labels.json (and targets.npy for detection). The output directory is a valid --data for `etran rank`.',
    )
    .requiredOption('--out <dir>', 'output directory: absent, empty, or an earlier `etran features` output (replaced as a whole)')
    .option('--status', 'print how many units of each model are in --cache (runs nothing)');
  addExtractionOptions(cmd, true);
  // --shard and --status write no --out: the option stays required only without them.
  const out = cmd.options.find((o) => o.long === '--out')!;
  for (const name of ['shard', 'status']) cmd.on(`option:${name}`, () => void (out.mandatory = false));
  withJson(cmd)
    .addHelpText(
      'after',
      `
Examples:
  $ etran features --zoo models/zoo/classification --data fixtures/targets/classification --out feats/
  $ etran rank --data feats/                      # rank from the exported features, no inference
  $ etran features --zoo zoo/ --data coco/annotations.json --max-images 200 --seed 1 --out feats/ --json
  $ etran features --zoo zoo/ --data images/ --cache /shared/cache --shard 3/16   # one array task
  $ etran features --zoo zoo/ --data images/ --cache /shared/cache --status       # units done per model

Features are cached (--cache, default .cache/etran) by model bytes, data listing and
preprocessing; a second run with the same inputs does no inference.
With --shard (I/N, or auto under a Kubernetes Indexed Job, a Slurm array or an
AWS Batch array) only that shard's units go into --cache, and --out is not
written; a plain run with the same --zoo, --data, --max-images, --seed and
--chunk-size afterwards reads them back without inference.
--out is written as one unit: into a temporary sibling directory, renamed into
place at the end (an earlier output there is replaced whole, so no stale or
half-written arrays are left). Anything else at --out is refused before extraction.
Limits: --threads ≤ ${MAX_THREADS}, --batch-size ≤ ${MAX_BATCH_SIZE}.
Exit codes: 0 ok; 1 some model failed (the others are exported); 2 bad zoo, data or options.`,
    )
    .action(action(async (opts: ExtractionCliOptions & { out?: string; status?: boolean }) => runFeatures(opts)));
}

/**
 * What `--out` may be: absent, an empty directory, or an earlier features
 * output whose every file its manifest accounts for (so replacing it loses
 * nothing of the user's). Anything else is refused before extraction.
 */
export async function checkFeaturesOut(out: string): Promise<void> {
  const st = await stat(out).catch(() => null);
  if (!st) return;
  if (!st.isDirectory()) throw new InputError(out, '--out exists and is not a directory; choose a new directory');
  const entries = await readdir(out);
  if (entries.length === 0) return;
  const refuse = (why: string) => new InputError(out, `--out ${why}; give a new or empty directory, or an earlier \`etran features\` output`);
  if (!entries.includes('manifest.json')) throw refuse('is not empty and holds no manifest.json of `etran features`');
  const manifest = await readJsonInput(join(out, 'manifest.json'));
  if (!isFeaturesManifest(manifest)) throw refuse('holds a manifest.json that is not from `etran features`');
  const ours = new Set(['manifest.json', 'labels.json', 'targets.npy']);
  for (const m of manifest.models) {
    ours.add(m.features);
    if (m.probs) ours.add(m.probs);
  }
  const foreign = entries.filter((e) => !ours.has(e));
  if (foreign.length > 0) throw refuse(`holds files its manifest does not list (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''})`);
}

async function runFeatures(opts: ExtractionCliOptions & { out?: string; status?: boolean }): Promise<number> {
  if (opts.status) return runStatus(opts);
  const shard = resolveShard(opts);
  if (shard) {
    if (opts.out !== undefined) throw new InputError(null, '--out with --shard: a shard only fills the cache; write --out with one plain run once every shard is done');
    const result = await runExtraction(opts, undefined, shard);
    reportExtraction(result);
    return reportShard(result, shard, opts.json);
  }
  const out = opts.out!;
  await checkFeaturesOut(out); // before minutes of extraction, not after
  const result = await runExtraction(opts);
  reportExtraction(result);
  requireSomeFeatures(result);
  const first = result.features[0]!;
  if (result.features.some((f) => f.rows !== first.rows)) throw new InputError(null, 'models produced different numbers of rows; cannot share one labels file');
  const files: Array<Record<string, unknown>> = [];
  const manifest = {
    format: FEATURES_FORMAT,
    task: first.task,
    data: opts.data,
    zoo: opts.zoo,
    images: result.images,
    rows: first.rows,
    models: files, // filled below, as the arrays are written
    extraction: extractionSummary(result),
    skipped: result.skipped,
    failed: Object.fromEntries(result.failures.map((f) => [f.name, f.message])),
  };
  // Every file goes into a sibling temporary directory that replaces --out at the end:
  // a killed run leaves the previous output whole, never a mix of old and new arrays.
  await replaceDirectory(out, async (dir) => {
    for (const f of result.features) {
      await writeFile(join(dir, `${f.name}.npy`), encodeNpy({ dtype: 'float32', shape: [f.rows, f.cols], data: f.X }));
      if (f.probs) await writeFile(join(dir, `${f.name}.probs.npy`), encodeNpy({ dtype: 'float32', shape: [f.rows, f.probCols], data: f.probs }));
      files.push({
        name: f.name,
        rows: f.rows,
        cols: f.cols,
        features: `${f.name}.npy`,
        probs: f.probs ? `${f.name}.probs.npy` : null,
        probs_cols: f.probs ? f.probCols : null,
        feature_tensor: f.featureTensor,
        stride: f.stride ?? null,
      });
    }
    if (first.targets) await writeFile(join(dir, 'targets.npy'), encodeNpy({ dtype: 'float32', shape: [first.rows, 4], data: first.targets }));
    await writeFile(join(dir, 'labels.json'), JSON.stringify({ task: first.task, labels: first.labels }) + '\n');
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n'); // last: its presence means complete
  });
  if (opts.json) printJson({ out, ...manifest });
  else {
    for (const f of files) print(`${String(f.name).padEnd(20)} ${f.rows} × ${f.cols}  → ${join(out, String(f.features))}`);
    print(`labels: ${join(out, 'labels.json')}${first.targets ? `, box targets: ${join(out, 'targets.npy')}` : ''}`);
  }
  return result.failures.length > 0 ? 1 : 0;
}

/** `--status`: the units of each model in the cache, counted without running anything. */
async function runStatus(opts: ExtractionCliOptions & { out?: string }): Promise<number> {
  if (opts.shard !== undefined || opts.shards !== undefined) throw new InputError(null, '--status and --shard are exclusive');
  if (opts.out !== undefined) throw new InputError(null, '--status reads the cache and writes no --out');
  if (opts.cache === false) throw new InputError(null, '--status reads the feature cache and cannot go with --no-cache');
  const st = await cacheStatus({ zoo: opts.zoo, data: opts.data, maxImages: opts.maxImages, seed: opts.seed, chunkSize: opts.chunkSize, cacheDir: resolve(opts.cache) });
  const units = st.models.reduce((s, m) => s + m.units, 0);
  const done = st.models.reduce((s, m) => s + m.done, 0);
  if (opts.json) {
    printJson({ task: st.task, images: st.images, chunk_size: st.chunkSize, units_per_model: st.chunks, units, done, models: st.models });
    return 0;
  }
  const width = Math.max(5, ...st.models.map((m) => m.name.length));
  print(`${'model'.padEnd(width)}  units done`);
  for (const m of st.models) {
    const missing = m.missing.length > 0 ? `  missing: ${m.missing.slice(0, 8).join(', ')}${m.missing.length > 8 ? `, … (${m.missing.length})` : ''}` : '';
    print(`${m.name.padEnd(width)}  ${`${m.done}/${m.units}`.padStart(10)}${missing}${m.error ? `  (${m.error})` : ''}`);
  }
  print(`${done} of ${units} unit(s) in the cache: ${st.images} images in chunks of ${st.chunkSize}; unit k belongs to shard k mod N`);
  return 0;
}
