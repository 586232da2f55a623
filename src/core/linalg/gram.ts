/**
 * Gram matrices and row-by-row products, the kernels that dominate large
 * problems: XᵀX (optionally centred and row-weighted), XXᵀ and A·Bᵀ.
 *
 * Each tries, in order: worker threads (parallel.ts, for large jobs), the
 * WebAssembly SIMD kernel (wasm/dots.ts, f64x2, ~3× the best scalar loop), and
 * the scalar loops of kernels.ts. Worker threads split the output rows and run
 * the same loop the calling thread would, so the result does not depend on the
 * thread count.
 */
import type { Matrix } from '../etran/types.js';
import { abtRowsScalar, gramRowsScalar, mirrorLower, PANEL_ROWS, panelRowsFor } from './kernels.js';
import { parallelGramPanels, parallelMatmulABt, threadCount } from './parallel.js';
import { abtRowsWasm, dotsKernel, gramRowsWasm } from './wasm/dots.js';

/**
 * A zeroed Float64Array for a large intermediate that will feed gramT or
 * matmulABt: in shared memory when worker threads are in use, so they read it
 * without a copy.
 */
export function largeArray(len: number): Float64Array {
  return threadCount() > 1 ? new Float64Array(new SharedArrayBuffer(len * 8)) : new Float64Array(len);
}

/**
 * G = Σ_i s_i² (x_i − c)(x_i − c)ᵀ (D×D, full symmetric): XᵀX, or the scatter
 * of centred data when `center` is given, weighted per row when `rowScale` is.
 * Large problems are split across worker threads (same arithmetic, same order
 * within each entry, so the result does not depend on the thread count).
 */
export function gramT(X: Matrix, center: Float64Array | null = null, rowScale: Float64Array | null = null): Float64Array {
  const { rows: n, cols: d, data } = X;
  const par = parallelGramPanels(data, n, d, center, rowScale);
  if (par) return par;
  const out = new Float64Array(d * d);
  const kern = dotsKernel();
  if (kern) gramRowsWasm(kern, data, n, d, center, rowScale, 0, d, out, panelRowsFor(n));
  else gramRowsScalar(data, n, d, center, rowScale, 0, d, out, PANEL_ROWS);
  mirrorLower(out, d);
  return out;
}

/**
 * acc += the lower triangle of gramT(X, center), for features read in blocks
 * of rows (etran/streaming.ts): the caller adds every block, then mirrors acc
 * once (kernels.ts mirrorLower). `scratch` (D×D, from largeArray) is reused
 * for each block, so no D×D array is allocated per block: with hundreds of
 * blocks, garbage D×D arrays would otherwise pile up faster than the
 * collector frees them.
 */
export function gramTAddLower(X: Matrix, center: Float64Array | null, acc: Float64Array, scratch: Float64Array): void {
  const { rows: n, cols: d, data } = X;
  scratch.fill(0);
  if (!parallelGramPanels(data, n, d, center, null, scratch)) {
    scratch.fill(0); // a failed parallel attempt may have written part of it
    const kern = dotsKernel();
    if (kern) gramRowsWasm(kern, data, n, d, center, null, 0, d, scratch, panelRowsFor(n));
    else gramRowsScalar(data, n, d, center, null, 0, d, scratch, PANEL_ROWS);
  }
  for (let i = 0; i < d; i++) {
    const o = i * d;
    for (let j = 0; j <= i; j++) acc[o + j]! += scratch[o + j]!;
  }
}

/** XXᵀ (N×N) for row-major X, rows optionally centred by `center`. */
export function gramRows(X: Matrix, center: Float64Array | null = null): Float64Array {
  const { rows: n, cols: d } = X;
  let data = X.data;
  if (center) {
    data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = X.data[i * d + j]! - center[j]!;
  }
  const out = matmulABt(data, n, data, n, d);
  // Exact symmetry (the two triangles can differ in the last bit).
  mirrorLower(out, n);
  return out;
}

/** Rows of A per stripe in A·Bᵀ: a stripe of A stays in cache while all of B streams by. */
const ABT_STRIPE = 64;

/** A·Bᵀ for A (m×k) and B (n×k), both row-major: m×n. */
export function matmulABt(A: Float64Array, m: number, B: Float64Array, n: number, k: number): Float64Array {
  const par = parallelMatmulABt(A, m, B, n, k, ABT_STRIPE);
  if (par) return par;
  const out = new Float64Array(m * n);
  const kern = dotsKernel();
  if (kern) abtRowsWasm(kern, A, B, n, k, 0, m, out);
  else abtRowsScalar(A, B, n, k, 0, m, out, ABT_STRIPE);
  return out;
}
