/**
 * From `--zoo` and `--data` to one FeatureSet per model: load the zoo and the
 * dataset, sample, extract (or read precomputed features), and hand the
 * result to scoring as ModelFeatures.
 */
import { InputError } from '../errors.js';
import { readNpy } from '../io/npy.js';
import { labelsFromValues } from '../etran/labels.js';
import type { ModelFeatures } from '../etran/score.js';
import type { Matrix } from '../etran/types.js';
import type { SessionOpener } from '../runtime/session.js';
import { FeatureCache } from './cache.js';
import { loadDataset, stratifiedSample, type Dataset, type PrecomputedDataset } from './datasets.js';
import { extractFeatures, type ExtractResult, type ProgressEvent } from './extract.js';
import type { FeatureSet } from './featureset.js';
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
}

export interface PipelineResult extends ExtractResult {
  dataset: Dataset;
  /** Images in the (sampled) listing. */
  images: number;
  warnings: string[];
}

export async function buildFeatureSets(opts: PipelineOptions): Promise<PipelineResult> {
  const dataset = await loadDataset(opts.data);
  if (dataset.kind === 'precomputed') {
    if (opts.maxImages) throw new InputError(opts.data, '--max-images applies to images, not to precomputed features');
    const features = await loadPrecomputed(dataset);
    return { dataset, images: features[0]?.rows ?? 0, features, failures: [], skipped: [], messages: [], seconds: 0, setupSeconds: 0, warnings: [] };
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
  });
  return { ...result, dataset: sampled, images: items.length, warnings: zoo.warnings };
}

async function loadPrecomputed(ds: PrecomputedDataset): Promise<FeatureSet[]> {
  const n = ds.labels.length;
  let targets: Float32Array | null = null;
  if (ds.targets) {
    const t = await readNpy(ds.targets);
    if (t.shape.length !== 2 || t.shape[0] !== n) throw new InputError(ds.targets, `expected ${n} rows of box targets, got shape (${t.shape.join(', ')})`);
    targets = Float32Array.from(t.data as Float32Array);
  }
  const out: FeatureSet[] = [];
  for (const [name, path] of [...ds.features.entries()].sort()) {
    const X = await readNpy(path);
    if (X.shape.length !== 2) throw new InputError(path, `features must be 2-D (N × D), got shape (${X.shape.join(', ')})`);
    if (X.shape[0] !== n) throw new InputError(path, `${X.shape[0]} feature rows but ${n} labels`);
    if (X.dtype !== 'float32' && X.dtype !== 'float64') throw new InputError(path, `features have dtype ${X.dtype}; expected float32 or float64`);
    let probs: Float32Array | null = null;
    let probCols = 0;
    const probPath = ds.probs.get(name);
    if (probPath) {
      const P = await readNpy(probPath);
      if (P.shape.length !== 2 || P.shape[0] !== n) throw new InputError(probPath, `expected ${n} rows of source probabilities, got shape (${P.shape.join(', ')})`);
      probs = Float32Array.from(P.data as Float32Array);
      probCols = P.shape[1]!;
    }
    out.push({
      name,
      task: ds.task,
      rows: n,
      cols: X.shape[1]!,
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
    });
  }
  return out;
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
