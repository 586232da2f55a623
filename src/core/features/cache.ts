/**
 * On-disk feature cache. An entry holds one unit of work (one model on one
 * chunk of the listing, see shards.ts) and is keyed by the hash of everything
 * that decides its features (model bytes, the chunk's listing, the model's
 * settings, the code's cache version), so a changed input is never served
 * stale; a model's features are its units' entries in listing order. A
 * listing of one chunk keys its single entry exactly as a whole model was
 * keyed before units, so the layout, and CACHE_VERSION, are unchanged.
 * Arrays are .npy files and metadata is JSON; meta.json is written last, so
 * an interrupted write leaves an entry that is simply not there.
 * What is read back is verified (each array's SHA-256 recorded in meta.json
 * at write time, its shape against the recorded rows and columns): a damaged
 * entry is reported and recomputed, never served and never fatal.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { parseJsonInput, readInputFile } from '../io/files.js';
import { decodeNpy, encodeNpy, readNpyBytes } from '../io/npy.js';
import type { FeatureSet } from './featureset.js';

/** Bump when extraction changes in a way that changes features, or the entry's layout changes (3: checksums in meta.json). */
export const CACHE_VERSION = 3;

/** meta.json holds the labels and skipped images of one entry: 256 MiB is far beyond any real one. */
const MAX_META_BYTES = 256 << 20;

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** meta.json of an entry: the FeatureSet without its arrays (they are the .npy files beside it), with the cache version and the arrays' checksums. */
export type CacheMeta = Omit<FeatureSet, 'X' | 'probs' | 'targets' | 'cached'> & {
  version: number;
  /** SHA-256 of each array file as written: X.npy, and probs.npy / targets.npy when present. */
  sums: Record<string, string>;
};

/** A cache look-up: the features, or null with the reason when an entry was there but damaged. */
export interface CacheRead {
  hit: FeatureSet | null;
  problem: string | null;
}

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Why a parsed meta.json cannot describe an entry, or null when it can. */
function metaProblem(m: Record<string, unknown>): string | null {
  if (typeof m.name !== 'string' || (m.task !== 'classification' && m.task !== 'detection')) return 'meta.json: no name or task';
  if (!isCount(m.rows) || !isCount(m.cols) || !isCount(m.probCols) || !isCount(m.images)) return 'meta.json: rows, cols, probCols or images is not a count';
  if (!Array.isArray(m.labels) || m.labels.length !== m.rows || !m.labels.every((l) => typeof l === 'string')) return `meta.json: labels are not ${String(m.rows)} strings`;
  if (!Array.isArray(m.skipped) || !m.skipped.every((e) => typeof e?.path === 'string' && typeof e?.reason === 'string')) return 'meta.json: skipped is not a list of {path, reason}';
  if (typeof m.sums !== 'object' || m.sums === null || typeof (m.sums as Record<string, unknown>)['X.npy'] !== 'string') return 'meta.json: no checksums';
  return null;
}

export class FeatureCache {
  constructor(readonly dir: string) {}

  private entry(key: string): string {
    return join(this.dir, 'features', key);
  }

  async get(key: string): Promise<FeatureSet | null> {
    return (await this.read(key)).hit;
  }

  /** Reads and verifies an entry: absent or from another cache version → a plain miss; damaged → a miss with the reason. */
  async read(key: string): Promise<CacheRead> {
    const dir = this.entry(key);
    const miss = (problem: string | null): CacheRead => ({ hit: null, problem });
    const metaPath = join(dir, 'meta.json');
    if (!(await fileExists(metaPath))) return miss(null);
    let meta: CacheMeta;
    try {
      const doc = parseJsonInput((await readInputFile(metaPath, MAX_META_BYTES)).toString('utf8'), metaPath);
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return miss('meta.json is not an object');
      if ((doc as { version?: unknown }).version !== CACHE_VERSION) return miss(null);
      const problem = metaProblem(doc as Record<string, unknown>);
      if (problem) return miss(problem);
      meta = doc as CacheMeta;
    } catch (err) {
      return miss(err instanceof Error ? err.message : String(err));
    }
    try {
      const array = async (file: string, cols: number) => {
        const path = join(dir, file);
        const bytes = await readNpyBytes(path);
        if (sha256(bytes) !== meta.sums[file]) throw new InputError(path, 'checksum differs from the one recorded when it was written');
        const a = decodeNpy(bytes, path);
        if (a.dtype !== 'float32' || a.shape.length !== 2 || a.shape[0] !== meta.rows || a.shape[1] !== cols) {
          throw new InputError(path, `${a.dtype} (${a.shape.join(', ')}), expected float32 (${meta.rows}, ${cols})`);
        }
        return a.data as Float32Array;
      };
      const X = await array('X.npy', meta.cols);
      const probs = meta.probCols > 0 ? await array('probs.npy', meta.probCols) : null;
      const targets = meta.task === 'detection' ? await array('targets.npy', 4) : null;
      return {
        problem: null,
        hit: {
          name: meta.name,
          task: meta.task,
          rows: meta.rows,
          cols: meta.cols,
          X,
          probs,
          probCols: meta.probCols,
          targets,
          labels: meta.labels,
          images: meta.images,
          seconds: typeof meta.seconds === 'number' ? meta.seconds : 0,
          skipped: meta.skipped,
          featureTensor: String(meta.featureTensor),
          stride: typeof meta.stride === 'number' ? meta.stride : undefined,
          provider: String(meta.provider),
          cached: true,
        },
      };
    } catch (err) {
      return miss(err instanceof Error ? err.message : String(err)); // a damaged entry is recomputed
    }
  }

  /**
   * Whether an entry is there and its meta.json describes one of this cache
   * version: what `etran features --status` counts. The arrays' checksums are
   * not read here (that is gigabytes on a large target); read() verifies them
   * and recomputes a damaged entry when it is used.
   */
  async has(key: string): Promise<boolean> {
    const metaPath = join(this.entry(key), 'meta.json');
    if (!(await fileExists(metaPath))) return false;
    try {
      const doc = parseJsonInput((await readInputFile(metaPath, MAX_META_BYTES)).toString('utf8'), metaPath);
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || (doc as { version?: unknown }).version !== CACHE_VERSION) return false;
      return metaProblem(doc as Record<string, unknown>) === null;
    } catch {
      return false;
    }
  }

  async put(key: string, fs: FeatureSet): Promise<void> {
    const dir = this.entry(key);
    const sums: Record<string, string> = {};
    const write = async (file: string, cols: number, data: Float32Array) => {
      const bytes = encodeNpy({ dtype: 'float32', shape: [fs.rows, cols], data });
      sums[file] = sha256(bytes);
      await writeFileAtomic(join(dir, file), bytes);
    };
    await write('X.npy', fs.cols, fs.X);
    if (fs.probs) await write('probs.npy', fs.probCols, fs.probs);
    if (fs.targets) await write('targets.npy', 4, fs.targets);
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
      sums,
    };
    await writeFileAtomic(join(dir, 'meta.json'), JSON.stringify(meta));
  }

  /**
   * A cached derived model (the graph with its feature output exposed), verified
   * against the checksum recorded beside it: its bytes, or null with the reason
   * when it is absent (reason null) or damaged.
   */
  async readModel(key: string): Promise<{ bytes: Uint8Array | null; problem: string | null }> {
    const path = this.modelPath(key);
    // Without its checksum (written by an earlier version) a model is simply rebuilt.
    if (!(await fileExists(path)) || !(await fileExists(`${path}.sha256`))) return { bytes: null, problem: null };
    try {
      const bytes = await readInputFile(path);
      const recorded = (await readInputFile(`${path}.sha256`, 1024)).toString('utf8').trim();
      if (sha256(bytes) !== recorded) return { bytes: null, problem: `${path}: checksum differs from the one recorded when it was written` };
      return { bytes, problem: null };
    } catch (err) {
      return { bytes: null, problem: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Writes a derived model, then its checksum (a model without a matching checksum is never used). */
  async putModel(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.modelPath(key);
    await writeFileAtomic(path, bytes);
    await writeFileAtomic(`${path}.sha256`, sha256(bytes) + '\n');
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
