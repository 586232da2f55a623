/**
 * Small dense Float64 kernels for the transferability metrics.
 *
 * Everything here works on row-major Float64Arrays (element (i, j) of an r×c
 * matrix at i*c + j). The metrics need few primitives, each written as a tight
 * loop rather than through ml-matrix, whose nested-array storage is several
 * times slower at the sizes that matter (D = 2048):
 *
 * - Gram matrices (XᵀX through transposed row panels, XXᵀ, A·Bᵀ): a
 *   WebAssembly SIMD dot-product kernel (wasm/dots.wat, f64x2, ~3× the best
 *   scalar loop), split across worker threads when large (parallel.ts);
 *   the register-blocked scalar `dotBlock` is the fallback;
 * - the symmetric eigen-decomposition: blocked Householder tridiagonalisation
 *   (LAPACK dsytrd/dlatrd scheme, products and updates in the SIMD kernel), then
 *   implicit QL with Wilkinson shifts (EISPACK tql2). It returns VᵀB for a few
 *   right-hand sides B instead of V, which is all LogME and a pseudo-inverse
 *   need and saves the O(n³) accumulation of V;
 * - blocked Cholesky factorisation and solves (H-score, SFDA, TransRate use
 *   these in place of inverses, with a pseudo-inverse fallback when singular).
 */
import type { Labels, Matrix } from './types.js';
import { parallelGramPanels, parallelMatmulABt, threadCount } from './parallel.js';
import { abtRowsWasm, dotsKernel, ensureMemory, gramRowsWasm } from './wasm/dots.js';

// ---------------------------------------------------------------- basics

/** Column means of an N×D matrix. */
export function columnMeans(X: Matrix): Float64Array {
  const { rows: n, cols: d, data } = X;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) mean[j]! += data[o + j]!;
  }
  for (let j = 0; j < d; j++) mean[j]! /= n;
  return mean;
}

export interface ClassStats {
  /** C×D class means, row-major. */
  means: Float64Array;
  /** Samples per class. */
  counts: Float64Array;
  /** Priors n_c / N. */
  priors: Float64Array;
}

/** Per-class means and priors (labels must be contiguous 0..C−1). */
export function classStats(X: Matrix, y: Labels): ClassStats {
  const { rows: n, cols: d, data } = X;
  const c = y.numClasses;
  const means = new Float64Array(c * d);
  const counts = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const k = y.ids[i]!;
    counts[k]! += 1;
    const o = i * d;
    const m = k * d;
    for (let j = 0; j < d; j++) means[m + j]! += data[o + j]!;
  }
  const priors = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    const inv = counts[k]! > 0 ? 1 / counts[k]! : 0;
    for (let j = 0; j < d; j++) means[k * d + j]! *= inv;
    priors[k] = counts[k]! / n;
  }
  return { means, counts, priors };
}

// ---------------------------------------------------------------- products

/**
 * A zeroed Float64Array for a large intermediate that will feed gramT or
 * matmulABt: in shared memory when worker threads are in use, so they read it
 * without a copy.
 */
export function largeArray(len: number): Float64Array {
  return threadCount() > 1 ? new Float64Array(new SharedArrayBuffer(len * 8)) : new Float64Array(len);
}

/**
 * out[i*ldo + j] += Σ_t A[i*k + t] · B[j*k + t] for i in [i0, i1), j in [j0, j1):
 * dot products between rows of A and rows of B (both row-major with row length k).
 * 4×4 register blocking: 8 loads feed 16 multiply-adds.
 */
export function dotBlock(
  A: Float64Array, aOff: number, B: Float64Array, bOff: number, k: number,
  i0: number, i1: number, j0: number, j1: number, out: Float64Array, ldo: number, lowerOnly: boolean,
): void {
  for (let i = i0; i < i1; i += 4) {
    const iEnd = Math.min(i + 4, i1);
    const jStop = lowerOnly ? Math.min(j1, iEnd) : j1;
    for (let j = j0; j < jStop; j += 4) {
      const jEnd = Math.min(j + 4, jStop);
      if (iEnd - i === 4 && jEnd - j === 4) {
        const a0 = aOff + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        const b0 = bOff + j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (let t = 0; t < k; t++) {
          const x0 = A[a0 + t]!, x1 = A[a1 + t]!, x2 = A[a2 + t]!, x3 = A[a3 + t]!;
          const y0 = B[b0 + t]!, y1 = B[b1 + t]!, y2 = B[b2 + t]!, y3 = B[b3 + t]!;
          s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
          s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
          s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
          s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
        }
        let o = i * ldo + j;
        out[o]! += s00; out[o + 1]! += s01; out[o + 2]! += s02; out[o + 3]! += s03; o += ldo;
        out[o]! += s10; out[o + 1]! += s11; out[o + 2]! += s12; out[o + 3]! += s13; o += ldo;
        out[o]! += s20; out[o + 1]! += s21; out[o + 2]! += s22; out[o + 3]! += s23; o += ldo;
        out[o]! += s30; out[o + 1]! += s31; out[o + 2]! += s32; out[o + 3]! += s33;
      } else {
        for (let ii = i; ii < iEnd; ii++) {
          const jj1 = lowerOnly ? Math.min(jEnd, ii + 1) : jEnd;
          for (let jj = j; jj < jj1; jj++) {
            const a = aOff + ii * k, b = bOff + jj * k;
            let s = 0;
            for (let t = 0; t < k; t++) s += A[a + t]! * B[b + t]!;
            out[ii * ldo + jj]! += s;
          }
        }
      }
    }
  }
}

/** Copies the lower triangle of an n×n matrix onto its upper triangle. */
export function mirrorLower(G: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) G[j * n + i] = G[i * n + j]!;
}

/** Rows per transposed panel in XᵀX: a D×256 panel (4 MiB at D = 2048) stays in L2/L3. */
export const PANEL_ROWS = 256;

/**
 * Packs rows [r0, r0+len) of X (minus `center`, optionally scaled per row by `rowScale`)
 * transposed into P (D×len, row-major).
 */
export function packPanel(
  X: Float64Array, d: number, r0: number, len: number, center: Float64Array | null,
  rowScale: Float64Array | null, P: Float64Array,
): void {
  for (let t = 0; t < len; t++) {
    const o = (r0 + t) * d;
    const s = rowScale ? rowScale[r0 + t]! : 1;
    if (center) for (let j = 0; j < d; j++) P[j * len + t] = (X[o + j]! - center[j]!) * s;
    else for (let j = 0; j < d; j++) P[j * len + t] = X[o + j]! * s;
  }
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
  if (kern) {
    gramRowsWasm(kern, data, n, d, center, rowScale, 0, d, out, panelRowsFor(n));
  } else {
    const P = new Float64Array(d * PANEL_ROWS);
    for (let r0 = 0; r0 < n; r0 += PANEL_ROWS) {
      const len = Math.min(PANEL_ROWS, n - r0);
      packPanel(data, d, r0, len, center, rowScale, P);
      dotBlock(P, 0, P, 0, len, 0, d, 0, d, out, d, true);
    }
  }
  mirrorLower(out, d);
  return out;
}

/** Panel width for the SIMD Gram kernel: PANEL_ROWS, or N rounded up to even when smaller. */
export function panelRowsFor(n: number): number {
  return Math.min(PANEL_ROWS, (n + 1) & ~1);
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

/** A·Bᵀ for A (m×k) and B (n×k), both row-major: m×n. */
export function matmulABt(A: Float64Array, m: number, B: Float64Array, n: number, k: number): Float64Array {
  // Block over A's rows so a stripe of A stays in cache while all of B streams by.
  const stripe = 64;
  const par = parallelMatmulABt(A, m, B, n, k, stripe);
  if (par) return par;
  const out = new Float64Array(m * n);
  const kern = dotsKernel();
  if (kern) {
    abtRowsWasm(kern, A, B, n, k, 0, m, out);
    return out;
  }
  for (let i0 = 0; i0 < m; i0 += stripe) dotBlock(A, 0, B, 0, k, i0, Math.min(m, i0 + stripe), 0, n, out, n, false);
  return out;
}

/** y = A x for a symmetric/general n×n row-major A. */
export function matVec(A: Float64Array, n: number, x: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * n;
    for (let j = 0; j < n; j++) s += A[o + j]! * x[j]!;
    y[i] = s;
  }
  return y;
}

export function trace(A: Float64Array, n: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) t += A[i * n + i]!;
  return t;
}

// ---------------------------------------------------------------- symmetric eigen

/**
 * Householder reduction of the symmetric matrix in `a` (lower triangle, row-major,
 * overwritten) to tridiagonal (d, e). Reflector k is H_k = I − β_k v vᵀ with v
 * stored in column k below the diagonal (v_{k+1} included), β_k in betas[k].
 *
 * Each step's rank-2 update A ← A − v wᵀ − w vᵀ is deferred and fused with the
 * next step's product p = β A v: one pass over the trailing triangle per step
 * instead of two, which halves the memory traffic that bounds this phase.
 */
function tridiagonalize(a: Float64Array, n: number, d: Float64Array, e: Float64Array, betas: Float64Array, kStart = 0): void {
  const p = new Float64Array(n);
  const v = new Float64Array(n);
  const vp = new Float64Array(n); // previous step's v and w (pending update)
  const wp = new Float64Array(n);
  let pending = false;
  for (let k = kStart; k < n - 2; k++) {
    // Bring column k up to date.
    if (pending) {
      const vk = vp[k]!, wk = wp[k]!;
      for (let i = k; i < n; i++) a[i * n + k]! -= vp[i]! * wk + wp[i]! * vk;
    }
    d[k] = a[k * n + k]!;
    const x0 = a[(k + 1) * n + k]!;
    let sigma = 0;
    for (let i = k + 2; i < n; i++) {
      const t = a[i * n + k]!;
      sigma += t * t;
    }
    if (sigma === 0) {
      e[k] = x0;
      betas[k] = 0;
      if (pending) {
        for (let i = k + 1; i < n; i++) {
          const o = i * n, vpi = vp[i]!, wpi = wp[i]!;
          for (let j = k + 1; j <= i; j++) a[o + j]! -= vpi * wp[j]! + wpi * vp[j]!;
        }
        pending = false;
      }
      continue;
    }
    const norm = Math.sqrt(x0 * x0 + sigma);
    const alpha = x0 <= 0 ? norm : -norm;
    const v0 = x0 - alpha;
    a[(k + 1) * n + k] = v0;
    const beta = 2 / (v0 * v0 + sigma);
    betas[k] = beta;
    e[k] = alpha;
    v[k + 1] = v0;
    for (let i = k + 2; i < n; i++) v[i] = a[i * n + k]!;
    p.fill(0, k + 1, n);
    if (pending) {
      for (let i = k + 1; i < n; i++) {
        const o = i * n, vi = v[i]!, vpi = vp[i]!, wpi = wp[i]!;
        let s = 0;
        for (let j = k + 1; j < i; j++) {
          const aij = a[o + j]! - (vpi * wp[j]! + wpi * vp[j]!);
          a[o + j] = aij;
          s += aij * v[j]!;
          p[j]! += aij * vi;
        }
        const aii = a[o + i]! - 2 * vpi * wpi;
        a[o + i] = aii;
        p[i]! += s + aii * vi;
      }
    } else {
      for (let i = k + 1; i < n; i++) {
        const o = i * n, vi = v[i]!;
        let s = 0;
        for (let j = k + 1; j < i; j++) {
          const aij = a[o + j]!;
          s += aij * v[j]!;
          p[j]! += aij * vi;
        }
        p[i]! += s + a[o + i]! * vi;
      }
    }
    let pv = 0;
    for (let i = k + 1; i < n; i++) {
      p[i]! *= beta;
      pv += p[i]! * v[i]!;
    }
    const K = 0.5 * beta * pv;
    for (let i = k + 1; i < n; i++) {
      vp[i] = v[i]!;
      wp[i] = p[i]! - K * v[i]!;
    }
    pending = true;
  }
  // Flush the last pending update into the trailing 2×2 block.
  if (pending && n >= 2) {
    for (let i = n - 2; i < n; i++) {
      const o = i * n, vpi = vp[i]!, wpi = wp[i]!;
      for (let j = n - 2; j <= i; j++) a[o + j]! -= vpi * wp[j]! + wpi * vp[j]!;
    }
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + n - 2]!;
    e[n - 2] = a[(n - 1) * n + n - 2]!;
  }
  if (n >= 1) d[n - 1] = a[(n - 1) * n + n - 1]!;
  e[n - 1] = 0;
}

/** Panel width of the blocked reduction. */
const TRI_NB = 32;

/**
 * Blocked Householder reduction (LAPACK dsytrd/dlatrd, lower): panels of
 * TRI_NB columns are reduced against the matrix as it stood at the panel's
 * start, with the panel's own updates applied on the fly through V and W
 * (A_cur = A − V Wᵀ − W Vᵀ); after the panel the trailing matrix receives all
 * of them at once, a rank-2·TRI_NB update run by the SIMD dot kernel. The
 * per-column products with the trailing matrix become read-only, halving the
 * memory traffic again, and half the flops move into the fast kernel.
 *
 * Works in the kernel's linear memory; on return `a` holds the same state the
 * unblocked routine would have reached at the returned column (reflectors in
 * the columns before it, the updated trailing matrix after), so the unblocked
 * routine finishes from there. Returns 0 (nothing done) without WebAssembly or
 * for small n.
 */
function tridiagonalizeBlocked(a: Float64Array, n: number, d: Float64Array, e: Float64Array, betas: Float64Array): number {
  const nb = TRI_NB;
  if (n < 4 * nb) return 0;
  const kern = dotsKernel();
  if (!kern) return 0;
  const np = ((n + 3) & ~3) + 4;
  const mBytes = np * np * 8;
  const uBytes = np * 2 * nb * 8;
  const vBytes = mBytes + 2 * uBytes; // v, then p, n doubles each
  const pBytes = vBytes + np * 8;
  const need = pBytes + np * 8;
  if (need > kern.mem.buffer.byteLength) kern.mem.grow(Math.ceil((need - kern.mem.buffer.byteLength) / 65536));
  const M = new Float64Array(kern.mem.buffer, 0, np * np);
  const U1 = new Float64Array(kern.mem.buffer, mBytes, np * 2 * nb);
  const U2 = new Float64Array(kern.mem.buffer, mBytes + uBytes, np * 2 * nb);
  const v = new Float64Array(kern.mem.buffer, vBytes, np);
  const p = new Float64Array(kern.mem.buffer, pBytes, np);
  M.fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) M[i * np + j] = a[i * n + j]!;
  const Vc = new Float64Array(nb * n); // column q of V at q*n
  const Wc = new Float64Array(nb * n);
  const col = new Float64Array(n);
  const c1 = new Float64Array(nb);
  const c2 = new Float64Array(nb);
  let k0 = 0;
  while (n - k0 - 2 > 2 * nb) {
    Vc.fill(0);
    Wc.fill(0);
    for (let j = 0; j < nb; j++) {
      const k = k0 + j;
      // Current column k, rows ≥ k: A0 − Σ_q (V[i][q] W[k][q] + W[i][q] V[k][q]).
      for (let i = k; i < n; i++) col[i] = M[i * np + k]!;
      for (let q = 0; q < j; q++) {
        const wk = Wc[q * n + k]!, vk = Vc[q * n + k]!;
        const vo = q * n;
        for (let i = k; i < n; i++) col[i]! -= Vc[vo + i]! * wk + Wc[vo + i]! * vk;
      }
      d[k] = col[k]!;
      const x0 = col[k + 1]!;
      let sigma = 0;
      for (let i = k + 2; i < n; i++) sigma += col[i]! * col[i]!;
      if (sigma === 0) {
        // No reflection: v = 0, w = 0 (column q stays zero in V and W).
        e[k] = x0;
        betas[k] = 0;
        for (let i = k + 1; i < n; i++) M[i * np + k] = 0;
        continue;
      }
      const norm = Math.sqrt(x0 * x0 + sigma);
      const alpha = x0 <= 0 ? norm : -norm;
      const v0 = x0 - alpha;
      const beta = 2 / (v0 * v0 + sigma);
      betas[k] = beta;
      e[k] = alpha;
      v[k + 1] = v0;
      for (let i = k + 2; i < n; i++) v[i] = col[i]!;
      for (let i = k + 1; i < n; i++) M[i * np + k] = v[i]!; // reflector kept in column k
      // p = A0_tr v (read-only pass over the trailing lower triangle, SIMD).
      p.fill(0, k + 1, n);
      kern.symv(0, np, vBytes, pBytes, k + 1, n);
      // − V (Wᵀ v) − W (Vᵀ v) over the panel so far.
      for (let q = 0; q < j; q++) {
        const vo = q * n;
        let sw = 0, sv = 0;
        for (let i = k + 1; i < n; i++) {
          sw += Wc[vo + i]! * v[i]!;
          sv += Vc[vo + i]! * v[i]!;
        }
        c1[q] = sw;
        c2[q] = sv;
      }
      for (let q = 0; q < j; q++) {
        const vo = q * n, a1 = c1[q]!, a2 = c2[q]!;
        for (let i = k + 1; i < n; i++) p[i]! -= Vc[vo + i]! * a1 + Wc[vo + i]! * a2;
      }
      let pv = 0;
      for (let i = k + 1; i < n; i++) {
        p[i]! *= beta;
        pv += p[i]! * v[i]!;
      }
      const K = 0.5 * beta * pv;
      const vo = j * n;
      for (let i = k + 1; i < n; i++) {
        Vc[vo + i] = v[i]!;
        Wc[vo + i] = p[i]! - K * v[i]!;
      }
    }
    // Trailing update M[t0.., t0..] −= V Wᵀ + W Vᵀ: rows of U1 = [V W], U2 = −[W V].
    const t0 = k0 + nb;
    const rows = (n - t0 + 3) & ~3;
    U1.fill(0, t0 * 2 * nb, (t0 + rows) * 2 * nb);
    U2.fill(0, t0 * 2 * nb, (t0 + rows) * 2 * nb);
    for (let i = t0; i < n; i++) {
      const o = i * 2 * nb;
      for (let q = 0; q < nb; q++) {
        const vq = Vc[q * n + i]!, wq = Wc[q * n + i]!;
        U1[o + q] = vq;
        U1[o + nb + q] = wq;
        U2[o + q] = -wq;
        U2[o + nb + q] = -vq;
      }
    }
    kern.dots(mBytes + t0 * 2 * nb * 8, mBytes + uBytes + t0 * 2 * nb * 8, 2 * nb, rows, rows, (t0 * np + t0) * 8, np, 1, 0);
    k0 = t0;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = M[i * np + j]!;
  return k0;
}

export interface SymEig {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** VᵀB (n×m, row k = eigenvector k · B) when B was given, rows in the order of `values`. */
  vtb: Float64Array | null;
}

/**
 * Eigen-decomposition of a symmetric n×n matrix (only its lower triangle is read).
 *
 * Householder reduction to tridiagonal form T = QᵀAQ on the lower triangle
 * (row-wise, so every inner loop walks contiguous memory), then the implicit
 * QL iteration with Wilkinson shifts (tql2). The eigenvectors are V = Q·Z; rather
 * than accumulating them (O(n³) more work), the reflectors and the QL rotations
 * are applied to B, giving VᵀB directly. Pass the identity as B to get Vᵀ.
 */
export function symEig(A: Float64Array, n: number, B: Float64Array | null = null, m = 0): SymEig {
  const a = Float64Array.from(A);
  const d = new Float64Array(n);
  const e = new Float64Array(n); // e[i] couples i and i+1
  const betas = new Float64Array(n);
  const k0 = tridiagonalizeBlocked(a, n, d, e, betas);
  tridiagonalize(a, n, d, e, betas, k0);
  // W = QᵀB = H_{n-3} ... H_0 B.
  let W: Float64Array | null = null;
  if (B) W = applyReflectors(a, n, betas, B, m);
  tql2(d, e, n, W, m);

  // Ascending order, eigenvalues and the rows of VᵀB together.
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i]! - d[j]!);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = d[order[i]!]!;
  let vtb: Float64Array | null = null;
  if (W) {
    vtb = new Float64Array(n * m);
    for (let i = 0; i < n; i++) vtb.set(W.subarray(order[i]! * m, order[i]! * m + m), i * m);
  }
  return { values, vtb };
}

/** QᵀB = H_{n-3} ⋯ H_0 B for the reflectors stored by the tridiagonalisation (SIMD when available). */
function applyReflectors(a: Float64Array, n: number, betas: Float64Array, B: Float64Array, m: number): Float64Array {
  const W = Float64Array.from(B);
  const kern = n >= 64 && m >= 2 ? dotsKernel() : null;
  if (kern) {
    const mp = (m + 1) & ~1;
    const wBytes = n * mp * 8;
    const vOff = wBytes;
    const uOff = vOff + n * 8;
    ensureMemory(kern, uOff + mp * 8);
    const Wk = new Float64Array(kern.mem.buffer, 0, n * mp);
    const vk = new Float64Array(kern.mem.buffer, vOff, n);
    Wk.fill(0);
    for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) Wk[i * mp + c] = B[i * m + c]!;
    for (let k = 0; k < n - 2; k++) {
      const beta = betas[k]!;
      if (beta === 0) continue;
      for (let i = k + 1; i < n; i++) vk[i] = a[i * n + k]!;
      kern.reflect(0, mp, vOff, uOff, k + 1, n, beta);
    }
    for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) W[i * m + c] = Wk[i * mp + c]!;
    return W;
  }
  const u = new Float64Array(m);
  for (let k = 0; k < n - 2; k++) {
    const beta = betas[k]!;
    if (beta === 0) continue;
    u.fill(0);
    for (let i = k + 1; i < n; i++) {
      const vi = a[i * n + k]!;
      if (vi === 0) continue;
      const o = i * m;
      for (let c = 0; c < m; c++) u[c]! += vi * W[o + c]!;
    }
    for (let i = k + 1; i < n; i++) {
      const f = beta * a[i * n + k]!;
      if (f === 0) continue;
      const o = i * m;
      for (let c = 0; c < m; c++) W[o + c]! -= f * u[c]!;
    }
  }
  return W;
}

/**
 * Implicit QL with shifts on the symmetric tridiagonal (d, e), e[i] coupling
 * i and i+1 (JAMA/EISPACK tql2). Rotations are applied to the rows of W (n×m).
 */
function tql2(d: Float64Array, e: Float64Array, n: number, W: Float64Array | null, m: number): void {
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let mm = l;
    while (mm < n) {
      if (Math.abs(e[mm]!) <= eps * tst1) break;
      mm++;
    }
    if (mm > l) {
      let iter = 0;
      do {
        if (++iter > 60) break; // never seen in practice; keeps a pathological input from looping
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.sqrt(p * p + 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        p = d[mm]!;
        let c = 1, c2 = c, c3 = c;
        const el1 = e[l + 1]!;
        let s = 0, s2 = 0;
        for (let i = mm - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.sqrt(p * p + e[i]! * e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          if (W) {
            const oi = i * m, o1 = oi + m;
            for (let k = 0; k < m; k++) {
              const wi = W[oi + k]!, w1 = W[o1 + k]!;
              W[o1 + k] = s * wi + c * w1;
              W[oi + k] = c * wi - s * w1;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}

/** The n×n identity, row-major. */
export function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
}

// ---------------------------------------------------------------- Cholesky

/**
 * Cholesky factor L (lower, row-major, A = LLᵀ) of a symmetric n×n matrix, or
 * null when a pivot is not safely positive: d_j ≤ relTol · max_i A_ii. The
 * default relTol (1e−12) is far above rounding level, so a null means "treat
 * this matrix as singular" (callers then fall back to an eigen pseudo-inverse).
 */
export function cholesky(A: Float64Array, n: number, relTol = 1e-12): Float64Array | null {
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, A[i * n + i]!);
  if (!(maxDiag > 0)) return null;
  const tol = relTol * maxDiag;
  if (n >= 4 * CHOL_NB) {
    const blocked = choleskyBlocked(A, n, tol);
    if (blocked !== undefined) return blocked;
  }
  const L = new Float64Array(n * n);
  const S = new Float64Array(16);
  // Left-looking, by 4×4 tiles: tile(I, J) = A_IJ − L_I,<J · L_J,<Jᵀ (a register-blocked
  // 4×4 dot product over the common prefix of the rows), then a small triangular
  // solve against the diagonal tile L_JJ (or a 4×4 Cholesky when I = J).
  for (let i0 = 0; i0 < n; i0 += 4) {
    const bi = Math.min(4, n - i0);
    for (let j0 = 0; j0 <= i0; j0 += 4) {
      const bj = Math.min(4, n - j0);
      prefixDots(L, n, i0, bi, j0, bj, j0, S);
      for (let a = 0; a < bi; a++) {
        const i = i0 + a;
        const jl = j0 === i0 ? a + 1 : bj;
        for (let b = 0; b < jl; b++) {
          const j = j0 + b;
          let s = A[i * n + j]! - S[a * 4 + b]!;
          for (let q = j0; q < j; q++) s -= L[i * n + q]! * L[j * n + q]!;
          if (i === j) {
            if (!(s > tol)) return null;
            L[i * n + i] = Math.sqrt(s);
          } else {
            L[i * n + j] = s / L[j * n + j]!;
          }
        }
      }
    }
  }
  return L;
}

const CHOL_NB = 48;

/**
 * Right-looking blocked Cholesky in the SIMD kernel's memory: each panel of
 * CHOL_NB columns is factorised against the already-updated trailing matrix,
 * then the trailing matrix receives the panel's rank-CHOL_NB update through the
 * dot kernel (most of the n³/6 flops). undefined when WebAssembly is unavailable.
 */
function choleskyBlocked(A: Float64Array, n: number, tol: number): Float64Array | null | undefined {
  const kern = dotsKernel();
  if (!kern) return undefined;
  const nb = CHOL_NB;
  const np = ((n + 3) & ~3) + 4;
  const mBytes = np * np * 8;
  const pBytes = np * nb * 8;
  const need = mBytes + 2 * pBytes;
  if (need > kern.mem.buffer.byteLength) kern.mem.grow(Math.ceil((need - kern.mem.buffer.byteLength) / 65536));
  const M = new Float64Array(kern.mem.buffer, 0, np * np);
  const P1 = new Float64Array(kern.mem.buffer, mBytes, np * nb);
  const P2 = new Float64Array(kern.mem.buffer, mBytes + pBytes, np * nb);
  M.fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) M[i * np + j] = A[i * n + j]!;
  for (let k0 = 0; k0 < n; k0 += nb) {
    const k1 = Math.min(n, k0 + nb);
    // Panel: columns [k0, k1) of L for rows ≥ k0 (left-looking within the panel).
    for (let j = k0; j < k1; j++) {
      const oj = j * np;
      let s = M[oj + j]!;
      for (let q = k0; q < j; q++) s -= M[oj + q]! * M[oj + q]!;
      if (!(s > tol)) return null;
      const ljj = Math.sqrt(s);
      M[oj + j] = ljj;
      const inv = 1 / ljj;
      for (let i = j + 1; i < n; i++) {
        const oi = i * np;
        let t = M[oi + j]!;
        for (let q = k0; q < j; q++) t -= M[oi + q]! * M[oj + q]!;
        M[oi + j] = t * inv;
      }
    }
    if (k1 >= n) break;
    // Trailing update M[k1.., k1..] −= L_panel L_panelᵀ (lower), via P1 = L rows, P2 = −L rows.
    const rows = (n - k1 + 3) & ~3;
    const w = k1 - k0; // ≤ nb; pad the dot length to nb (even) with zeros
    P1.fill(0, k1 * nb, (k1 + rows) * nb);
    P2.fill(0, k1 * nb, (k1 + rows) * nb);
    for (let i = k1; i < n; i++) {
      for (let q = 0; q < w; q++) {
        const l = M[i * np + k0 + q]!;
        P1[i * nb + q] = l;
        P2[i * nb + q] = -l;
      }
    }
    kern.dots(mBytes + k1 * nb * 8, mBytes + pBytes + k1 * nb * 8, nb, rows, rows, (k1 * np + k1) * 8, np, 1, 0);
  }
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) L[i * n + j] = M[i * np + j]!;
  return L;
}

/** S[a*4+b] = Σ_{t<len} L[(i0+a)·n + t]·L[(j0+b)·n + t] for a < bi, b < bj. */
function prefixDots(L: Float64Array, n: number, i0: number, bi: number, j0: number, bj: number, len: number, S: Float64Array): void {
  if (bi === 4 && bj === 4) {
    const a0 = i0 * n, a1 = a0 + n, a2 = a1 + n, a3 = a2 + n;
    const b0 = j0 * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
    let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
    let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
    for (let t = 0; t < len; t++) {
      const x0 = L[a0 + t]!, x1 = L[a1 + t]!, x2 = L[a2 + t]!, x3 = L[a3 + t]!;
      const y0 = L[b0 + t]!, y1 = L[b1 + t]!, y2 = L[b2 + t]!, y3 = L[b3 + t]!;
      s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
      s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
      s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
      s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
    }
    S[0] = s00; S[1] = s01; S[2] = s02; S[3] = s03; S[4] = s10; S[5] = s11; S[6] = s12; S[7] = s13;
    S[8] = s20; S[9] = s21; S[10] = s22; S[11] = s23; S[12] = s30; S[13] = s31; S[14] = s32; S[15] = s33;
    return;
  }
  for (let a = 0; a < bi; a++) {
    for (let b = 0; b < bj; b++) {
      const o1 = (i0 + a) * n, o2 = (j0 + b) * n;
      let s = 0;
      for (let t = 0; t < len; t++) s += L[o1 + t]! * L[o2 + t]!;
      S[a * 4 + b] = s;
    }
  }
}

/**
 * Solves (LLᵀ) X = B in place for B n×m (row-major; each column a right-hand side).
 * Inner loops run along the m right-hand sides, which are contiguous.
 */
export function choleskySolveInPlace(L: Float64Array, n: number, B: Float64Array, m: number): void {
  const kern = n >= 64 && m >= 2 ? dotsKernel() : null;
  if (kern) {
    // Same operations in the same order, f64x2 along the right-hand sides.
    const mp = (m + 1) & ~1;
    const lBytes = n * n * 8;
    ensureMemory(kern, lBytes + n * mp * 8);
    new Float64Array(kern.mem.buffer, 0, n * n).set(L);
    const Bk = new Float64Array(kern.mem.buffer, lBytes, n * mp);
    Bk.fill(0);
    for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) Bk[i * mp + c] = B[i * m + c]!;
    kern.cholsolve(0, n, lBytes, mp, n);
    for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) B[i * m + c] = Bk[i * mp + c]!;
    return;
  }
  // Forward: L Y = B.
  for (let i = 0; i < n; i++) {
    const oi = i * m;
    const li = i * n;
    for (let j = 0; j < i; j++) {
      const l = L[li + j]!;
      if (l === 0) continue;
      const oj = j * m;
      for (let c = 0; c < m; c++) B[oi + c]! -= l * B[oj + c]!;
    }
    const inv = 1 / L[li + i]!;
    for (let c = 0; c < m; c++) B[oi + c]! *= inv;
  }
  // Backward: Lᵀ X = Y, column-oriented so L is read by rows.
  for (let i = n - 1; i >= 0; i--) {
    const oi = i * m;
    const li = i * n;
    const inv = 1 / L[li + i]!;
    for (let c = 0; c < m; c++) B[oi + c]! *= inv;
    for (let j = 0; j < i; j++) {
      const l = L[li + j]!;
      if (l === 0) continue;
      const oj = j * m;
      for (let c = 0; c < m; c++) B[oj + c]! -= l * B[oi + c]!;
    }
  }
}

/** log det A from its Cholesky factor. */
export function choleskyLogDet(L: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(L[i * n + i]!);
  return 2 * s;
}

/** Transposes an r×c row-major matrix. */
export function transpose(A: Float64Array, r: number, c: number): Float64Array {
  const T = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) T[j * r + i] = A[i * c + j]!;
  return T;
}

/**
 * Σ_c wᵀ_c pinv(A) w_c-style quadratic forms: returns Bᵀ pinv(A) B (m×m) for a
 * symmetric n×n A and B (n×m), with numpy's pinv cut-off: singular values
 * (|eigenvalues|) ≤ rcond · max kept out.
 */
export function pinvQuadratic(A: Float64Array, n: number, B: Float64Array, m: number, rcond: number): { Q: Float64Array; dropped: number } {
  const { values, vtb } = symEig(A, n, B, m);
  let maxAbs = 0;
  for (let i = 0; i < n; i++) maxAbs = Math.max(maxAbs, Math.abs(values[i]!));
  const cut = rcond * maxAbs;
  const Q = new Float64Array(m * m);
  let dropped = 0;
  for (let k = 0; k < n; k++) {
    const lam = values[k]!;
    if (!(Math.abs(lam) > cut)) {
      dropped++;
      continue;
    }
    const inv = 1 / lam;
    const row = k * m;
    for (let a = 0; a < m; a++) {
      const fa = vtb![row + a]! * inv;
      if (fa === 0) continue;
      for (let b = 0; b < m; b++) Q[a * m + b]! += fa * vtb![row + b]!;
    }
  }
  return { Q, dropped };
}

// ---------------------------------------------------------------- shared statistics

export interface CentredScatter {
  /** Column means μ. */
  mean: Float64Array;
  /** S = Σ_i (x_i − μ)(x_i − μ)ᵀ (D×D, not divided by anything). */
  scatter: Float64Array;
}

const scatterCache = new WeakMap<Float64Array, CentredScatter>();

/**
 * The centred scatter matrix of X, computed once per feature matrix and shared
 * by every metric that needs it (LogME's XᵀX = S + NμμᵀN, covariances, within-class
 * scatter). Keyed by the identity of X.data: the metrics never modify their input,
 * and callers must not modify a matrix after scoring it.
 */
export function centredScatter(X: Matrix): CentredScatter {
  const hit = scatterCache.get(X.data);
  if (hit) return hit;
  const mean = columnMeans(X);
  const scatter = gramT(X, mean);
  const out = { mean, scatter };
  scatterCache.set(X.data, out);
  return out;
}

/** Softmax of each row of an r×c matrix in place (numpy order: subtract row max, exp, divide by sum). */
export function softmaxRowsInPlace(Z: Float64Array, r: number, c: number): void {
  for (let i = 0; i < r; i++) {
    const o = i * c;
    let mx = -Infinity;
    for (let j = 0; j < c; j++) if (Z[o + j]! > mx) mx = Z[o + j]!;
    let s = 0;
    for (let j = 0; j < c; j++) {
      const v = Math.exp(Z[o + j]! - mx);
      Z[o + j] = v;
      s += v;
    }
    for (let j = 0; j < c; j++) Z[o + j]! /= s;
  }
}

// ---------------------------------------------------------------- top eigenpairs (PCA)

export interface SymEigTop {
  /** All eigenvalues, ascending (as symEig). */
  values: Float64Array;
  /** How many eigenvectors were computed. */
  k: number;
  /** k×n: row j is the unit eigenvector of the j-th largest eigenvalue, values[n − 1 − j]. */
  vectors: Float64Array;
}

/**
 * The eigenvectors of the k largest eigenvalues of a symmetric n×n matrix
 * (lower triangle read), without the O(n³) accumulation that symEig(A, n, I)
 * spends on all n of them (24 s against 3 s at n = 2048).
 *
 * Same Householder tridiagonalisation T = QᵀAQ as symEig and all eigenvalues
 * by tql2; then inverse iteration on T for each wanted eigenvalue (LAPACK
 * dstein's scheme: LU of T − σI with partial pivoting, a zero pivot replaced by
 * ε‖T‖, a pseudo-random start, σ nudged apart within a cluster, modified
 * Gram–Schmidt against the vectors already found in the same cluster, clusters
 * being runs of eigenvalues closer than 10⁻³‖T‖₁); finally v = Q z through the
 * stored reflectors (H_{n−3} first). `k` may be a function of the ascending
 * eigenvalues, to choose the count after seeing the spectrum. Signs are arbitrary.
 */
export function symEigTop(A: Float64Array, n: number, k: number | ((valuesAscending: Float64Array) => number)): SymEigTop {
  const a = Float64Array.from(A);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const betas = new Float64Array(n);
  const k0 = tridiagonalizeBlocked(a, n, d, e, betas);
  tridiagonalize(a, n, d, e, betas, k0);
  const dq = Float64Array.from(d);
  const eq = Float64Array.from(e);
  tql2(dq, eq, n, null, 0);
  const values = dq.sort();
  const want = Math.max(0, Math.min(n, Math.floor(typeof k === 'function' ? k(values) : k)));
  const Z = tridiagonalTopVectors(d, e, n, values, want);
  backTransform(a, n, betas, Z, want);
  return { values, k: want, vectors: Z };
}

/** Inverse iteration on the tridiagonal (d, e) for values[n−1], …, values[n−k]: k×n, row per vector. */
function tridiagonalTopVectors(d0: Float64Array, e0: Float64Array, n: number, values: Float64Array, k: number): Float64Array {
  const Z = new Float64Array(k * n);
  let tnorm = 0;
  for (let i = 0; i < n; i++) {
    tnorm = Math.max(tnorm, Math.abs(d0[i]!) + (i < n - 1 ? Math.abs(e0[i]!) : 0) + (i > 0 ? Math.abs(e0[i - 1]!) : 0));
  }
  if (!(tnorm > 0) || !Number.isFinite(tnorm)) {
    for (let j = 0; j < k; j++) Z[j * n + j] = 1; // T = 0: any orthonormal set
    return Z;
  }
  // Work on T/‖T‖ so that growth in the solves cannot overflow.
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    d[i] = d0[i]! / tnorm;
    e[i] = e0[i]! / tnorm;
  }
  const eps = 2 ** -52;
  const ortol = 1e-3;
  const tiny = eps; // replaces an exactly zero pivot (‖T‖ = 1 now)
  const dl = new Float64Array(n), dg = new Float64Array(n), du = new Float64Array(n), du2 = new Float64Array(n);
  const swap = new Uint8Array(n);
  const x = new Float64Array(n);
  const prev = new Float64Array(n);
  let seed = 0x2545f491;
  const rand = (): number => {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
    return ((seed >>> 0) / 4294967296) * 2 - 1;
  };
  let clusterStart = 0;
  let prevSigma = Infinity;
  for (let j = 0; j < k; j++) {
    const lam = values[n - 1 - j]! / tnorm;
    if (j > 0 && values[n - j]! / tnorm - lam > ortol) clusterStart = j;
    let sigma = lam;
    if (j > clusterStart) {
      const pertol = 10 * eps * Math.max(Math.abs(lam), eps);
      if (prevSigma - sigma < pertol) sigma = prevSigma - pertol;
    }
    prevSigma = sigma;
    // LU of T − σI with partial pivoting (LAPACK dgttrf): L unit lower with multipliers dl, U with diagonals dg, du, du2.
    for (let i = 0; i < n; i++) {
      dg[i] = d[i]! - sigma;
      dl[i] = e[i]!;
      du[i] = e[i]!;
      du2[i] = 0;
      swap[i] = 0;
    }
    for (let i = 0; i < n - 1; i++) {
      if (Math.abs(dg[i]!) >= Math.abs(dl[i]!)) {
        if (dg[i] !== 0) {
          const f = dl[i]! / dg[i]!;
          dl[i] = f;
          dg[i + 1]! -= f * du[i]!;
        } else dl[i] = 0;
      } else {
        const f = dg[i]! / dl[i]!;
        dg[i] = dl[i]!;
        dl[i] = f;
        const t = du[i]!;
        du[i] = dg[i + 1]!;
        dg[i + 1] = t - f * dg[i + 1]!;
        if (i < n - 2) {
          du2[i] = du[i + 1]!;
          du[i + 1] = -f * du[i + 1]!;
        }
        swap[i] = 1;
      }
    }
    for (let i = 0; i < n; i++) if (dg[i] === 0) dg[i] = tiny;
    for (let i = 0; i < n; i++) x[i] = rand();
    normalizeVec(x, n);
    for (let it = 0; it < 12; it++) {
      prev.set(x);
      // Solve L y = P b, then U x = y.
      for (let i = 0; i < n - 1; i++) {
        if (swap[i]) {
          const t = x[i]!;
          x[i] = x[i + 1]!;
          x[i + 1] = t - dl[i]! * x[i]!;
        } else x[i + 1]! -= dl[i]! * x[i]!;
      }
      x[n - 1]! /= dg[n - 1]!;
      if (n > 1) x[n - 2] = (x[n - 2]! - du[n - 2]! * x[n - 1]!) / dg[n - 2]!;
      for (let i = n - 3; i >= 0; i--) x[i] = (x[i]! - du[i]! * x[i + 1]! - du2[i]! * x[i + 2]!) / dg[i]!;
      // Modified Gram–Schmidt against the cluster's vectors found so far.
      for (let q = clusterStart; q < j; q++) {
        const o = q * n;
        let s = 0;
        for (let i = 0; i < n; i++) s += Z[o + i]! * x[i]!;
        for (let i = 0; i < n; i++) x[i]! -= s * Z[o + i]!;
      }
      if (!normalizeVec(x, n)) {
        for (let i = 0; i < n; i++) x[i] = rand(); // collapsed: restart from fresh noise
        normalizeVec(x, n);
        continue;
      }
      if (it >= 1) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += x[i]! * prev[i]!;
        const sgn = dot < 0 ? -1 : 1;
        let diff = 0;
        for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(x[i]! - sgn * prev[i]!));
        if (diff <= 4 * eps * Math.sqrt(n)) break;
      }
    }
    Z.set(x, j * n);
  }
  return Z;
}

function normalizeVec(x: Float64Array, n: number): boolean {
  let mx = 0;
  for (let i = 0; i < n; i++) mx = Math.max(mx, Math.abs(x[i]!));
  if (!(mx > 0) || !Number.isFinite(mx)) return false;
  let s = 0;
  for (let i = 0; i < n; i++) {
    x[i]! /= mx;
    s += x[i]! * x[i]!;
  }
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < n; i++) x[i]! *= inv;
  return true;
}

/** Z (k×n, rows in T's basis) ← rows of (Q Zᵀ)ᵀ: Q = H_0 ⋯ H_{n−3}, applied H_{n−3} first (SIMD when available). */
function backTransform(a: Float64Array, n: number, betas: Float64Array, Z: Float64Array, k: number): void {
  if (k === 0 || n < 3) return;
  const kern = n >= 64 && k >= 2 ? dotsKernel() : null;
  if (kern) {
    const mp = (k + 1) & ~1;
    const wBytes = n * mp * 8;
    const vOff = wBytes;
    const uOff = vOff + n * 8;
    ensureMemory(kern, uOff + mp * 8);
    const Wk = new Float64Array(kern.mem.buffer, 0, n * mp);
    const vk = new Float64Array(kern.mem.buffer, vOff, n);
    Wk.fill(0);
    for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) Wk[i * mp + j] = Z[j * n + i]!;
    for (let r = n - 3; r >= 0; r--) {
      const beta = betas[r]!;
      if (beta === 0) continue;
      for (let i = r + 1; i < n; i++) vk[i] = a[i * n + r]!;
      kern.reflect(0, mp, vOff, uOff, r + 1, n, beta);
    }
    for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) Z[j * n + i] = Wk[i * mp + j]!;
    return;
  }
  for (let j = 0; j < k; j++) {
    const o = j * n;
    for (let r = n - 3; r >= 0; r--) {
      const beta = betas[r]!;
      if (beta === 0) continue;
      let s = 0;
      for (let i = r + 1; i < n; i++) s += a[i * n + r]! * Z[o + i]!;
      if (s === 0) continue;
      const f = beta * s;
      for (let i = r + 1; i < n; i++) Z[o + i]! -= f * a[i * n + r]!;
    }
  }
}
