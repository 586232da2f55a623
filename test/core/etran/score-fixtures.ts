/**
 * Small seeded inputs for the `etran score` / `etran eval` CLI tests, written
 * as .npy/.csv files into a temporary directory at test time.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy, type NpyArray } from '../../../src/core/io/npy.js';
import { seededRandom } from '../../../src/core/random.js';
import type { Labels, Matrix } from '../../../src/core/etran/types.js';

export const rng = seededRandom;

/** Standard normal via Box–Muller. */
export function gauss(r: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Class-structured features: x = separation·μ_y + noise, μ_c random per class. */
export function classFeatures(n: number, d: number, labels: Int32Array, numClasses: number, separation: number, seed: number): Float64Array {
  const g = gauss(rng(seed));
  const mu = Float64Array.from({ length: numClasses * d }, g);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = separation * mu[labels[i]! * d + j]! + g();
  return x;
}

export function seededLabels(n: number, numClasses: number, seed: number): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: n }, (_, i) => (i < numClasses ? i : Math.floor(r() * numClasses)));
}

export function tmpDir(prefix = 'etran-score-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeNpyFile(dir: string, name: string, array: NpyArray): string {
  const path = join(dir, name);
  writeFileSync(path, encodeNpy(array));
  return path;
}

/** A 2-D array saved in Fortran (column-major) order, as numpy does for np.asfortranarray. */
export function writeFortranNpy(dir: string, name: string, rows: number, cols: number, rowMajor: Float64Array): string {
  const colMajor = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) colMajor[j * rows + i] = rowMajor[i * cols + j]!;
  const bytes = encodeNpy({ dtype: 'float64', shape: [rows, cols], data: colMajor });
  // Same header length: 'False' → 'True ' (the header is space-padded anyway).
  const text = Buffer.from(bytes).toString('latin1').replace("'fortran_order': False", "'fortran_order': True ");
  const path = join(dir, name);
  writeFileSync(path, Buffer.from(text, 'latin1'));
  return path;
}

export function writeText(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/**
 * Seeded class-structured data for the metric tests: x = scale·(sep·μ_y + ε),
 * μ and ε standard normal from a 32-bit LCG; rows 0..C−1 take classes 0..C−1
 * so every class is present, the rest are drawn uniformly.
 */
export function synthClasses(n: number, d: number, c: number, seed: number, sep = 1, scale = 1): { X: Matrix; y: Labels } {
  let s = seed >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const g = (): number => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const mu = Array.from({ length: c * d }, g);
  const ids = Array.from({ length: n }, (_, i) => (i < c ? i : Math.floor(u() * c)));
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = scale * (sep * mu[ids[i]! * d + j]! + g());
  const numClasses = Math.max(...ids) + 1;
  return { X: { rows: n, cols: d, data }, y: { ids: Int32Array.from(ids), numClasses, names: Array.from({ length: numClasses }, (_, k) => String(k)) } };
}

