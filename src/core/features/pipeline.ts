/**
 * From `--zoo` and `--data` to one FeatureSet per model: load the zoo and the
 * dataset, sample, extract (or read precomputed features), and hand the
 * result to scoring as ModelFeatures.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError } from '../errors.js';
import { readNpy, type NpyArray } from '../io/npy.js';
import { checkInputFile, MAX_TEXT_INPUT_BYTES, readJsonInput } from '../io/files.js';
import { labelsFromValues } from '../etran/labels.js';
import type { ModelFeatures } from '../etran/score.js';
import type { Matrix } from '../etran/types.js';
import type { SessionOpener } from '../runtime/session.js';
import { FeatureCache, sha256 } from './cache.js';
import { loadDataset, stratifiedSample, type Dataset, type PrecomputedDataset } from './datasets.js';
import { extractFeatures, featureKey, type ExtractResult, type ModelFailure, type ProgressEvent } from './extract.js';
import type { FeatureSet } from './featureset.js';
import { DEFAULT_CHUNK_SIZE, planChunks, unitNumber, type ShardSpec } from './shards.js';
import { loadZoo } from './zoo.js';

export interface PipelineOptions {
  zoo?: string;
  data: string;
  maxImages?: number;
  seed?: number;
  batchSize?: number;
  strict?: boolean;
  /** Cache directory, or null for no cache. */
  cacheDir: string | null;
  opener: SessionOpener;
  onProgress?: (e: ProgressEvent) => void;
  /** Called once the dataset is known, before extraction (for the progress display). */
  onStart?: (info: { models: string[]; images: number; task: string }) => void;
  /** Images per unit of work (default DEFAULT_CHUNK_SIZE). */
  chunkSize?: number;
  /** Only this shard's units, written to the cache; no features are returned. */
  shard?: ShardSpec | null;
}

export interface PipelineResult extends ExtractResult {
  dataset: Dataset;
  /** Images in the (sampled) listing. */
  images: number;
  warnings: string[];
}

/** The dataset, read with its nesting bound (a value nested past what recursive code can walk is bad input, not a crash). */
async function readDataset(data: string): Promise<Dataset> {
  await checkFeaturesDirJson(data);
  try {
    return await loadDataset(data);
  } catch (err) {
    // A value nested past what recursive code can walk (e.g. a JSON bomb in a label list) is bad input, not a crash.
    if (err instanceof RangeError) throw new InputError(data, `input nested too deeply to read (${err.message})`);
    throw err;
  }
}

export async function buildFeatureSets(opts: PipelineOptions): Promise<PipelineResult> {
  const dataset = await readDataset(opts.data);
  if (dataset.kind === 'precomputed') {
    if (opts.maxImages) throw new InputError(opts.data, '--max-images applies to images, not to precomputed features');
    if (opts.shard) throw new InputError(opts.data, '--shard applies to extraction from images, not to precomputed features');
    const { features, failures, warnings } = await loadPrecomputed(dataset);
    return { dataset, images: features[0]?.rows ?? 0, features, failures, skipped: [], messages: [], seconds: 0, setupSeconds: 0, warnings };
  }
  if (!opts.zoo) throw new InputError(null, `--zoo is required: ${opts.data} holds images, not precomputed features`);
  const zoo = await loadZoo(opts.zoo);
  const items = opts.maxImages ? stratifiedSample(dataset.items, opts.maxImages, opts.seed ?? 0) : dataset.items;
  const sampled = { ...dataset, items };
  opts.onStart?.({ models: zoo.models.map((m) => m.name), images: items.length, task: dataset.task });
  const result = await extractFeatures(zoo.models, sampled, {
    opener: opts.opener,
    cache: opts.cacheDir ? new FeatureCache(opts.cacheDir) : null,
    batchSize: opts.batchSize,
    strict: opts.strict,
    onProgress: opts.onProgress,
    chunkSize: opts.chunkSize,
    shard: opts.shard,
  });
  // The dataset's own notes (entries skipped as not regular files, zero-size boxes) are said, not only counted.
  return { ...result, dataset: sampled, images: items.length, warnings: [...(dataset.warnings ?? []), ...zoo.warnings, ...result.warnings] };
}

/** How far the cache is with one model: its units, those in the cache, the numbers of those that are not (unit k is shard k mod N's). */
export interface ModelUnitStatus {
  name: string;
  units: number;
  done: number;
  missing: number[];
  /** Why its units cannot be named (its file unreadable), when so. */
  error?: string;
}

export interface CacheStatus {
  task: string;
  images: number;
  chunkSize: number;
  /** Units per model. */
  chunks: number;
  models: ModelUnitStatus[];
}

/**
 * Which units of a zoo on a target are in the cache, without running anything:
 * the same listing, sample and chunks as extraction, each unit's key looked up.
 * What a user reads after a failed array task to see what it left undone.
 */
export async function cacheStatus(opts: { zoo?: string; data: string; maxImages?: number; seed?: number; chunkSize?: number; cacheDir: string }): Promise<CacheStatus> {
  const dataset = await readDataset(opts.data);
  if (dataset.kind === 'precomputed') throw new InputError(opts.data, '--status applies to extraction from images, not to precomputed features');
  if (!opts.zoo) throw new InputError(null, `--zoo is required: ${opts.data} holds images, not precomputed features`);
  const zoo = await loadZoo(opts.zoo);
  const items = opts.maxImages ? stratifiedSample(dataset.items, opts.maxImages, opts.seed ?? 0) : dataset.items;
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const chunks = await planChunks(items, chunkSize);
  const cache = new FeatureCache(opts.cacheDir);
  const models: ModelUnitStatus[] = [];
  for (const [m, model] of zoo.models.entries()) {
    const bytes = await readFile(model.path).catch((err: Error) => err);
    if (bytes instanceof Error) {
      models.push({ name: model.name, units: chunks.length, done: 0, missing: chunks.map((_, c) => unitNumber(m, c, chunks.length)), error: `${model.path}: ${bytes.message}` });
      continue;
    }
    const modelHash = sha256(bytes);
    const missing: number[] = [];
    for (const [c, ch] of chunks.entries()) if (!(await cache.has(featureKey(modelHash, model, ch.listing, dataset.task)))) missing.push(unitNumber(m, c, chunks.length));
    models.push({ name: model.name, units: chunks.length, done: chunks.length - missing.length, missing });
  }
  return { task: dataset.task, images: items.length, chunkSize, chunks: chunks.length, models };
}

/** `format` of the manifest.json that `etran features` writes. */
export const FEATURES_FORMAT = 'etran-features/1';

/** One model of a features manifest. */
export interface ManifestModel {
  name: string;
  rows: number;
  cols: number;
  features: string;
  probs: string | null;
  probs_cols?: number | null;
}

export interface FeaturesManifest {
  format?: string;
  task: string;
  models: ManifestModel[];
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
/** A file name inside the features directory: no path separators, no '..', ends in .npy. */
const isOwnNpy = (v: unknown): v is string => typeof v === 'string' && v === basename(v) && v !== '..' && v.endsWith('.npy') && !v.includes('\\');

/** True for the manifest.json of an `etran features` output (earlier ones lack `format`, so it is optional). */
export function isFeaturesManifest(doc: unknown): doc is FeaturesManifest {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return false;
  const d = doc as Record<string, unknown>;
  if (d.format !== undefined && d.format !== FEATURES_FORMAT) return false;
  if (typeof d.task !== 'string' || !Array.isArray(d.models)) return false;
  return d.models.every((m: unknown) => {
    if (typeof m !== 'object' || m === null) return false;
    const e = m as Record<string, unknown>;
    return typeof e.name === 'string' && isCount(e.rows) && isCount(e.cols) && isOwnNpy(e.features) && (e.probs === null || e.probs === undefined || isOwnNpy(e.probs));
  });
}

/**
 * In a directory of precomputed features, labels.json and manifest.json are
 * read with a size and nesting bound first (labels.txt checked to be a
 * regular file of bounded size), so a hostile one is one line
 * naming it rather than a stack overflow; label values must be strings or numbers.
 */
async function checkFeaturesDirJson(data: string): Promise<void> {
  const st = await stat(data).catch(() => null);
  if (!st?.isDirectory()) return;
  const labelsFile = join(data, 'labels.json');
  if (await stat(labelsFile).catch(() => null)) {
    const doc = await readJsonInput(labelsFile);
    const list = Array.isArray(doc) ? doc : (doc as { labels?: unknown } | null)?.labels;
    if (Array.isArray(list)) {
      const bad = list.findIndex((v) => typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v)));
      if (bad >= 0) throw new InputError(labelsFile, `label ${bad + 1} is ${JSON.stringify(list[bad])?.slice(0, 40)}; labels must be strings or numbers`);
    }
  }
  const manifestFile = join(data, 'manifest.json');
  if (await stat(manifestFile).catch(() => null)) await readJsonInput(manifestFile);
  const labelsText = join(data, 'labels.txt');
  if (await stat(labelsText).catch(() => null)) await checkInputFile(labelsText, MAX_TEXT_INPUT_BYTES);
}

/** The first NaN or ±Inf of an array as "NaN at row r, column c" (1-based), or null. */
function nonFinite(data: ArrayLike<number>, cols: number): string | null {
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (!Number.isFinite(v)) return `${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf'} at row ${Math.floor(k / cols) + 1}, column ${(k % cols) + 1}`;
  }
  return null;
}

/** What the manifest says a model's files hold, when there is a manifest. */
interface Expected {
  cols: number;
  probCols: number | null;
}

/** Reads one model's arrays; a problem with them is that model's failure (its file and the reason), not the run's. */
async function loadPrecomputedModel(ds: PrecomputedDataset, name: string, path: string, probPath: string | undefined, expected: Expected | null, targets: Float32Array | null): Promise<FeatureSet> {
  const n = ds.labels.length;
  const X = await readNpy(path);
  if (X.shape.length !== 2) throw new InputError(path, `features must be 2-D (N × D), got shape (${X.shape.join(', ')})`);
  if (X.shape[0] !== n) throw new InputError(path, `${X.shape[0]} feature rows but ${n} labels`);
  if (expected && X.shape[1] !== expected.cols) throw new InputError(path, `${X.shape[1]} feature columns but manifest.json says ${expected.cols}`);
  const cols = X.shape[1]!;
  checkFloat(X, path, 'features');
  const bad = nonFinite(X.data as Float32Array, cols);
  if (bad) throw new InputError(path, `features contain ${bad}`);
  let probs: Float32Array | null = null;
  let probCols = 0;
  if (probPath) {
    const P = await readNpy(probPath);
    if (P.shape.length !== 2 || P.shape[0] !== n) throw new InputError(probPath, `expected ${n} rows of source probabilities, got shape (${P.shape.join(', ')})`);
    if (expected?.probCols != null && P.shape[1] !== expected.probCols) throw new InputError(probPath, `${P.shape[1]} probability columns but manifest.json says ${expected.probCols}`);
    checkFloat(P, probPath, 'source probabilities');
    const badP = nonFinite(P.data as Float32Array, P.shape[1]!);
    if (badP) throw new InputError(probPath, `source probabilities contain ${badP}`);
    probs = Float32Array.from(P.data as Float32Array);
    probCols = P.shape[1]!;
  }
  return {
    name,
    task: ds.task,
    rows: n,
    cols,
    X: Float32Array.from(X.data as Float32Array),
    probs,
    probCols,
    targets,
    labels: ds.labels,
    images: n,
    seconds: 0,
    skipped: [],
    featureTensor: path,
    provider: 'precomputed',
    cached: true,
  };
}

function checkFloat(a: NpyArray, path: string, what: string): void {
  if (a.dtype !== 'float32' && a.dtype !== 'float64') throw new InputError(path, `${what} have dtype ${a.dtype}; expected float32 or float64`);
}

/**
 * Precomputed features. With a manifest.json (written by `etran features`)
 * only the models and files it lists are used, their shapes checked against
 * it; without one every MODEL.npy is used, its rows checked against the
 * labels, with a warning that stale files cannot be told apart. A model whose
 * arrays are bad (wrong rows, NaN/Inf, unreadable) is a failure; the rest are ranked.
 */
async function loadPrecomputed(ds: PrecomputedDataset): Promise<{ features: FeatureSet[]; failures: ModelFailure[]; warnings: string[] }> {
  const n = ds.labels.length;
  const warnings: string[] = [];
  const failures: ModelFailure[] = [];
  let targets: Float32Array | null = null;
  if (ds.targets) {
    const t = await readNpy(ds.targets);
    if (t.shape.length !== 2 || t.shape[0] !== n) throw new InputError(ds.targets, `expected ${n} rows of box targets, got shape (${t.shape.join(', ')})`);
    checkFloat(t, ds.targets, 'box targets');
    const bad = nonFinite(t.data as Float32Array, t.shape[1]!);
    if (bad) throw new InputError(ds.targets, `box targets contain ${bad}`);
    targets = Float32Array.from(t.data as Float32Array);
  }
  const manifestFile = join(ds.source, 'manifest.json');
  const plan: Array<{ name: string; path: string; probPath?: string; expected: Expected | null }> = [];
  if (await stat(manifestFile).catch(() => null)) {
    const manifest = await readJsonInput(manifestFile);
    if (!isFeaturesManifest(manifest)) throw new InputError(manifestFile, 'not a manifest of `etran features` (expected {task, models: [{name, rows, cols, features, probs}]})');
    const listed = new Set<string>();
    for (const m of manifest.models) {
      listed.add(m.features);
      if (m.probs) listed.add(m.probs);
      if (m.rows !== n) {
        failures.push({ name: m.name, message: `${manifestFile}: model ${m.name} has ${m.rows} rows but labels.json has ${n} labels` });
        continue;
      }
      plan.push({ name: m.name, path: join(ds.source, m.features), probPath: m.probs ? join(ds.source, m.probs) : undefined, expected: { cols: m.cols, probCols: m.probs_cols ?? null } });
    }
    const unlisted = [...ds.features.values(), ...ds.probs.values()].map((p) => basename(p)).filter((f) => !listed.has(f));
    if (unlisted.length > 0) warnings.push(`${ds.source}: ${unlisted.length} .npy file(s) not in manifest.json ignored (${unlisted.slice(0, 3).join(', ')}${unlisted.length > 3 ? ', …' : ''})`);
  } else {
    warnings.push(`${ds.source}: no manifest.json; every MODEL.npy is used with its rows checked against the labels (files left from another dataset with the same row count cannot be detected)`);
    for (const [name, path] of [...ds.features.entries()].sort()) plan.push({ name, path, probPath: ds.probs.get(name), expected: null });
  }
  const out: FeatureSet[] = [];
  for (const p of plan.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    try {
      out.push(await loadPrecomputedModel(ds, p.name, p.path, p.probPath, p.expected, targets));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      failures.push({ name: p.name, message: err.message });
    }
  }
  return { features: out, failures, warnings };
}

function toMatrix(data: Float32Array, rows: number, cols: number): Matrix {
  return { rows, cols, data: Float64Array.from(data) };
}

/** FeatureSets → what scoring takes (statistics in Float64). */
export function toModelFeatures(sets: FeatureSet[]): ModelFeatures[] {
  return sets.map((fs) => {
    const m: ModelFeatures = { name: fs.name, X: toMatrix(fs.X, fs.rows, fs.cols), labels: labelsFromValues(fs.labels) };
    if (fs.probs) m.sourceProbs = toMatrix(fs.probs, fs.rows, fs.probCols);
    if (fs.targets) m.targets = toMatrix(fs.targets, fs.rows, fs.targets.length / fs.rows);
    return m;
  });
}
