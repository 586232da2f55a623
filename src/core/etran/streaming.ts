/**
 * Scoring features too large to hold in memory (issue 18, "streaming scores").
 *
 * Above STREAM_ABOVE_BYTES (the N·D Float64 values a loaded feature matrix
 * would take), `etran score` does not load the features. Instead:
 * - the scores that are functions of class counts, means and Gram/scatter
 *   matrices (energy, lda, regression, logme, hscore, regularized_hscore, gbc
 *   without PCA) read the file in blocks of rows, a few passes each, so memory
 *   grows with D² + C·D rather than N·D (their `streamed` entry in metrics.ts);
 * - every other score (probe, knn, nleep, ncti, sfda, transrate, gbc with PCA)
 *   and the bootstrap run on one seeded, stratified subsample of at most
 *   SUBSAMPLE_ROWS rows, and the output says so.
 * Below the threshold nothing here runs and results are those of the
 * in-memory path, bit for bit.
 *
 * The passes are plain functions over a RowSource; their results are cached
 * per source, so the metrics that share a statistic read the file once for it.
 */
import { InputError } from '../errors.js';
import type { NpyRowReader } from '../io/npy-chunks.js';
import { gramTAddLower, largeArray, matmulABt } from '../linalg/gram.js';
import { mirrorLower } from '../linalg/kernels.js';
import { rowLogSumExp } from '../linalg/softmax.js';
import type { ClassStats } from '../linalg/statistics.js';
import { seededRandom } from '../random.js';
import type { Labels, Matrix } from './types.js';

/** Features stream when N·D·8 bytes (their Float64 size in memory) exceed this: 1 GiB. */
export const STREAM_ABOVE_BYTES = 2 ** 30;
/** The most rows the subsampled scores see when features stream. */
export const SUBSAMPLE_ROWS = 10_000;
/** A block of rows holds about this many Float64 values (32 MiB). */
const CHUNK_VALUES = 1 << 22;

/** Whether features of this shape stream under the given mode ('auto': above STREAM_ABOVE_BYTES). */
export function shouldStream(rows: number, cols: number, mode: 'auto' | 'always' | 'never' = 'auto'): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  return rows * cols * 8 > STREAM_ABOVE_BYTES;
}

/** Rows per block for D columns. */
export function chunkRowsFor(cols: number): number {
  return Math.max(1, Math.floor(CHUNK_VALUES / cols));
}

/** Features that can be read one block of rows at a time, in row order. */
export interface RowSource {
  rows: number;
  cols: number;
  chunkRows: number;
  /** Calls fn on each block (a matrix of consecutive rows, valid only during the call) and its first row. */
  forEachChunk(fn: (chunk: Matrix, start: number) => void): void;
  /** L2-normalised sources only: the all-zero rows the last complete pass saw. */
  zeroRows?: number;
}

/** A RowSource over a .npy reader; every block is checked finite, naming the file, row and column as a loaded file would. */
export function rowSourceFromNpy(reader: NpyRowReader, role = 'features', chunkRows = chunkRowsFor(reader.cols)): RowSource {
  const { rows, cols } = reader;
  return {
    rows,
    cols,
    chunkRows,
    forEachChunk(fn) {
      const buf = largeArray(Math.min(rows, chunkRows) * cols);
      for (let start = 0; start < rows; start += chunkRows) {
        const count = Math.min(chunkRows, rows - start);
        reader.readRows(start, count, buf);
        const data = count * cols === buf.length ? buf : buf.subarray(0, count * cols);
        for (let k = 0; k < data.length; k++) {
          const v = data[k]!;
          if (!Number.isFinite(v)) {
            const what = Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf';
            throw new InputError(reader.path, `${role} contain ${what} at row ${start + Math.floor(k / cols) + 1}, column ${(k % cols) + 1}`);
          }
        }
        fn({ rows: count, cols, data }, start);
      }
    },
  };
}

/** A RowSource over a matrix in memory (tests and benchmarks: the streamed code on data both paths can hold). */
export function rowSourceFromMatrix(X: Matrix, chunkRows = chunkRowsFor(X.cols)): RowSource {
  return {
    rows: X.rows,
    cols: X.cols,
    chunkRows,
    forEachChunk(fn) {
      for (let start = 0; start < X.rows; start += chunkRows) {
        const count = Math.min(chunkRows, X.rows - start);
        fn({ rows: count, cols: X.cols, data: X.data.subarray(start * X.cols, (start + count) * X.cols) }, start);
      }
    },
  };
}

/** The rows of `src` divided by their L2 norms (all-zero rows stay zero), as a source of its own with its own cached statistics. */
export function l2RowSource(src: RowSource): RowSource {
  const hit = l2Cache.get(src);
  if (hit) return hit;
  const out: RowSource = {
    rows: src.rows,
    cols: src.cols,
    chunkRows: src.chunkRows,
    forEachChunk(fn) {
      const d = src.cols;
      let zero = 0;
      let buf: Float64Array | null = null; // one block buffer per pass, not one per block
      src.forEachChunk((chunk, start) => {
        if (!buf || buf.length < chunk.data.length) buf = largeArray(chunk.data.length);
        const data = buf.length === chunk.data.length ? buf : buf.subarray(0, chunk.data.length);
        zero += l2NormalizeRows(chunk.data, chunk.rows, d, data);
        fn({ rows: chunk.rows, cols: d, data }, start);
      });
      out.zeroRows = zero;
    },
  };
  l2Cache.set(src, out);
  return out;
}
const l2Cache = new WeakMap<RowSource, RowSource>();

/** out = rows of data divided by their L2 norms (zero rows stay zero); returns how many rows were all zero. Same arithmetic as lda.ts. */
export function l2NormalizeRows(data: Float64Array, n: number, d: number, out: Float64Array): number {
  let zero = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += data[i * d + j]! ** 2;
    if (s === 0) zero++;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < d; j++) out[i * d + j] = data[i * d + j]! * inv;
  }
  return zero;
}

// ---------------------------------------------------------------- first pass: counts, means, energies

export interface FirstPassStats {
  /** Column means μ. */
  mean: Float64Array;
  /** Class means, counts and priors, as linalg/statistics.ts classStats gives them. */
  classes: ClassStats;
  /** Per-row energy logsumexp_j x_ij rounded to float32 (energy.ts). */
  energies: Float64Array;
  /** Columns whose values are all equal. */
  constantColumns: number;
}

const firstCache = new WeakMap<RowSource, FirstPassStats>();

/**
 * Column means, class means and counts, per-row energies and the constant
 * columns in one pass; every sum runs in row order, as the in-memory code
 * sums, so these equal the in-memory values bit for bit. `visit` sees each
 * block too (the subsample is gathered in the same pass).
 */
export function firstPass(src: RowSource, y: Labels, visit?: (chunk: Matrix, start: number) => void): FirstPassStats {
  const hit = firstCache.get(src);
  if (hit && !visit) return hit;
  const { rows: n, cols: d } = src;
  const C = y.numClasses;
  const colSum = new Float64Array(d);
  const means = new Float64Array(C * d);
  const counts = new Float64Array(C);
  const energies = new Float64Array(n);
  const first = new Float64Array(d);
  const varies = new Uint8Array(d);
  src.forEachChunk((chunk, start) => {
    const { data } = chunk;
    if (start === 0) first.set(data.subarray(0, d));
    for (let r = 0; r < chunk.rows; r++) {
      const i = start + r;
      const o = r * d;
      const k = y.ids[i]!;
      counts[k]! += 1;
      const m = k * d;
      for (let j = 0; j < d; j++) {
        const v = data[o + j]!;
        colSum[j]! += v;
        means[m + j]! += v;
        if (v !== first[j]) varies[j] = 1;
      }
      energies[i] = Math.fround(rowLogSumExp(data, o, d));
    }
    visit?.(chunk, start);
  });
  for (let j = 0; j < d; j++) colSum[j]! /= n;
  const priors = new Float64Array(C);
  for (let k = 0; k < C; k++) {
    const inv = counts[k]! > 0 ? 1 / counts[k]! : 0;
    for (let j = 0; j < d; j++) means[k * d + j]! *= inv;
    priors[k] = counts[k]! / n;
  }
  let constantColumns = 0;
  for (let j = 0; j < d; j++) if (!varies[j]) constantColumns++;
  const out = { mean: colSum, classes: { means, counts, priors }, energies, constantColumns };
  firstCache.set(src, out);
  return out;
}

// ---------------------------------------------------------------- second pass: centred scatter

export interface SecondPassStats {
  /** S = Σ_i (x_i − μ)(x_i − μ)ᵀ (D×D). */
  scatter: Float64Array;
  /** Σ_i ‖x_i − μ‖⁴ (Ledoit–Wolf, regularized_hscore). */
  sumNorm4: number;
  /** Σ_{i in c} (x_ij − μ_cj)² per class and column (C×D; GBC's spherical variances). */
  classSquares: Float64Array;
}

const secondCache = new WeakMap<RowSource, SecondPassStats>();

/** The centred scatter and the other sums that need the means first, in one pass. */
export function secondPass(src: RowSource, y: Labels): SecondPassStats {
  const hit = secondCache.get(src);
  if (hit) return hit;
  const { mean, classes } = firstPass(src, y);
  const d = src.cols;
  const scatter = new Float64Array(d * d);
  const classSquares = new Float64Array(y.numClasses * d);
  let sumNorm4 = 0;
  const scratch = largeArray(d * d);
  src.forEachChunk((chunk, start) => {
    gramTAddLower(chunk, mean, scatter, scratch);
    const { data } = chunk;
    for (let r = 0; r < chunk.rows; r++) {
      const o = r * d;
      const m = y.ids[start + r]! * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = data[o + j]! - mean[j]!;
        s += v * v;
        classSquares[m + j]! += (data[o + j]! - classes.means[m + j]!) ** 2;
      }
      sumNorm4 += s * s;
    }
  });
  mirrorLower(scatter, d);
  const out = { scatter, sumNorm4, classSquares };
  secondCache.set(src, out);
  return out;
}

/** XᵀX (uncentred, D×D) and XᵀT (D×K) in one pass: the least-squares fit of targets T (regression). */
export function crossProducts(src: RowSource, T: Matrix): { G: Float64Array; B: Float64Array } {
  const d = src.cols;
  const m = T.cols;
  const G = new Float64Array(d * d);
  const B = new Float64Array(d * m);
  const scratch = largeArray(d * d);
  src.forEachChunk((chunk, start) => {
    gramTAddLower(chunk, null, G, scratch);
    const { data } = chunk;
    for (let r = 0; r < chunk.rows; r++) {
      const t = (start + r) * m;
      for (let j = 0; j < d; j++) {
        const x = data[r * d + j]!;
        for (let c = 0; c < m; c++) B[j * m + c]! += x * T.data[t + c]!;
      }
    }
  });
  mirrorLower(G, d);
  return { G, B };
}

/**
 * XXᵀ (N×N) block by block, for N ≤ D where LogME and the regression work on
 * the row Gram: memory holds the N×N result (at most the N·D features' size)
 * and two blocks, but the file is read once per block (about N/block passes),
 * which is slow when a large file is also wide; N > D, the usual case, never
 * comes here.
 */
export function rowGram(src: RowSource): Float64Array {
  const n = src.rows;
  const d = src.cols;
  const K = new Float64Array(n * n);
  src.forEachChunk((a, sa) => {
    const A = Float64Array.from(a.data); // the source may reuse its block buffer
    src.forEachChunk((b, sb) => {
      if (sb > sa) return;
      const P = matmulABt(A, a.rows, b.data, b.rows, d);
      for (let r = 0; r < a.rows; r++) for (let c = 0; c < b.rows; c++) K[(sa + r) * n + sb + c] = P[r * b.rows + c]!;
    });
  });
  mirrorLower(K, n);
  return K;
}

/** Σ_i f(i, row i) over all rows, in row order (a pass for a per-row quantity). */
export function forEachRow(src: RowSource, fn: (data: Float64Array, offset: number, i: number) => void): void {
  src.forEachChunk((chunk, start) => {
    for (let r = 0; r < chunk.rows; r++) fn(chunk.data, r * chunk.cols, start + r);
  });
}

// ---------------------------------------------------------------- the subsample

/**
 * A seeded, stratified sample of at most `cap` rows, ascending: each class
 * keeps its share of the rows (rounded, at least min(n_c, 2) so that folds and
 * within-class statistics still see the class), drawn by a seeded partial
 * shuffle. All rows when N ≤ cap.
 */
export function stratifiedSubsample(y: Labels, cap: number, seed: number): Int32Array {
  const n = y.ids.length;
  if (n <= cap) return Int32Array.from({ length: n }, (_, i) => i);
  const byClass: number[][] = Array.from({ length: y.numClasses }, () => []);
  y.ids.forEach((c, i) => byClass[c]!.push(i));
  const rand = seededRandom(seed ^ 0x2c1b3c6d);
  const picked: number[] = [];
  for (const rows of byClass) {
    const take = Math.min(rows.length, Math.max(Math.min(rows.length, 2), Math.round((cap * rows.length) / n)));
    for (let k = 0; k < take; k++) {
      const j = k + Math.floor(rand() * (rows.length - k));
      [rows[k], rows[j]] = [rows[j]!, rows[k]!];
      picked.push(rows[k]!);
    }
  }
  return Int32Array.from(picked).sort();
}

/** The labels of the rows `idx` (same classes and names, so ids keep their meaning). */
export function labelsAt(y: Labels, idx: Int32Array): Labels {
  const ids = new Int32Array(idx.length);
  for (let k = 0; k < idx.length; k++) ids[k] = y.ids[idx[k]!]!;
  return { ids, numClasses: y.numClasses, names: y.names };
}

/** The rows idx (ascending) of a matrix in memory. */
export function rowsAt(X: Matrix, idx: Int32Array): Matrix {
  const d = X.cols;
  const data = largeArray(idx.length * d);
  for (let k = 0; k < idx.length; k++) data.set(X.data.subarray(idx[k]! * d, (idx[k]! + 1) * d), k * d);
  return { rows: idx.length, cols: d, data };
}

/**
 * Streamed features ready for scoring: the source, the full labels and the
 * subsample's rows (ascending). The subsample's values themselves are the
 * ModelFeatures' X (score.ts), gathered by gatherSample in the first pass.
 */
export interface StreamedFeatures {
  source: RowSource;
  labels: Labels;
  sample: Int32Array;
  /** Full regression targets (N × K), when given. */
  targets?: Matrix;
}

/** Runs the first pass over `src` (checking every value) and gathers the rows of `sample` on the way. */
export function gatherSample(src: RowSource, y: Labels, sample: Int32Array): Matrix {
  const d = src.cols;
  const data = largeArray(sample.length * d);
  let k = 0;
  firstPass(src, y, (chunk, start) => {
    while (k < sample.length && sample[k]! < start + chunk.rows) {
      const r = sample[k]! - start;
      data.set(chunk.data.subarray(r * d, (r + 1) * d), k * d);
      k++;
    }
  });
  return { rows: sample.length, cols: d, data };
}
