/**
 * On-disk feature cache. An entry is keyed by the hash of everything that
 * decides the features (model bytes, the data listing, the model's settings,
 * the code's cache version), so a changed input is never served stale.
 * Arrays are .npy files and metadata is JSON; meta.json is written last, so
 * an interrupted write leaves an entry that is simply not there.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { readNpy, writeNpy } from '../io/npy.js';
import type { FeatureSet } from './featureset.js';

/** Bump when extraction changes in a way that changes features. */
export const CACHE_VERSION = 2;

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

export interface CacheMeta {
  version: number;
  name: string;
  task: FeatureSet['task'];
  rows: number;
  cols: number;
  probCols: number;
  labels: string[];
  images: number;
  seconds: number;
  skipped: Array<{ path: string; reason: string }>;
  featureTensor: string;
  stride?: number;
  provider: string;
}

export class FeatureCache {
  constructor(readonly dir: string) {}

  private entry(key: string): string {
    return join(this.dir, 'features', key);
  }

  async get(key: string): Promise<FeatureSet | null> {
    const dir = this.entry(key);
    let meta: CacheMeta;
    try {
      meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as CacheMeta;
    } catch {
      return null;
    }
    if (meta.version !== CACHE_VERSION) return null;
    try {
      const X = await readNpy(join(dir, 'X.npy'));
      const probs = meta.probCols > 0 ? await readNpy(join(dir, 'probs.npy')) : null;
      const targets = meta.task === 'detection' ? await readNpy(join(dir, 'targets.npy')) : null;
      return {
        name: meta.name,
        task: meta.task,
        rows: meta.rows,
        cols: meta.cols,
        X: X.data as Float32Array,
        probs: probs ? (probs.data as Float32Array) : null,
        probCols: meta.probCols,
        targets: targets ? (targets.data as Float32Array) : null,
        labels: meta.labels,
        images: meta.images,
        seconds: meta.seconds,
        skipped: meta.skipped,
        featureTensor: meta.featureTensor,
        stride: meta.stride,
        provider: meta.provider,
        cached: true,
      };
    } catch {
      return null; // a damaged entry is recomputed
    }
  }

  async put(key: string, fs: FeatureSet): Promise<void> {
    const dir = this.entry(key);
    await writeNpy(join(dir, 'X.npy'), { dtype: 'float32', shape: [fs.rows, fs.cols], data: fs.X });
    if (fs.probs) await writeNpy(join(dir, 'probs.npy'), { dtype: 'float32', shape: [fs.rows, fs.probCols], data: fs.probs });
    if (fs.targets) await writeNpy(join(dir, 'targets.npy'), { dtype: 'float32', shape: [fs.rows, 4], data: fs.targets });
    const meta: CacheMeta = {
      version: CACHE_VERSION,
      name: fs.name,
      task: fs.task,
      rows: fs.rows,
      cols: fs.cols,
      probCols: fs.probCols,
      labels: fs.labels,
      images: fs.images,
      seconds: fs.seconds,
      skipped: fs.skipped,
      featureTensor: fs.featureTensor,
      stride: fs.stride,
      provider: fs.provider,
    };
    await writeFileAtomic(join(dir, 'meta.json'), JSON.stringify(meta));
  }

  /** Path for a cached derived model (the graph with its feature output exposed). */
  modelPath(key: string): string {
    return join(this.dir, 'models', `${key}.onnx`);
  }
}

/** Hash of the data listing: paths, labels/boxes, and each file's size and mtime (cheap, and changes when a file does). */
export async function listingHash(items: Array<{ path: string; label?: string; boxes?: unknown }>): Promise<string> {
  const h = createHash('sha256');
  for (const it of items) {
    const st = await stat(it.path).catch(() => null);
    h.update(JSON.stringify([it.path, it.label ?? null, it.boxes ?? null, st ? st.size : -1, st ? st.mtimeMs : -1]));
    h.update('\n');
  }
  return h.digest('hex');
}

export async function fileExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
