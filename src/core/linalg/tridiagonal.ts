/**
 * Householder reduction of a symmetric matrix to tridiagonal form T = QᵀAQ, the
 * first stage of both symmetric eigensolvers (symmetric-eigen.ts for all
 * eigenvalues and VᵀB, top-eigenvectors.ts for a few eigenvectors), and the
 * products with Q that take their results back to the original basis.
 *
 * Q is never formed: the reflectors H_k = I − β_k v vᵀ stay in the columns of
 * the reduced matrix below the diagonal, and qTransposeTimes / qTimesRows apply
 * them to just the vectors a caller needs.
 */
import { dotsKernel, ensureMemory, type DotsKernel } from './wasm/dots.js';

/** The reduced matrix: T's diagonal d and off-diagonal e (e[i] couples i and i+1), and the reflectors. */
export interface Tridiagonal {
  /** n×n: reflector k's vector in column k below the diagonal (v_{k+1} included). */
  a: Float64Array;
  d: Float64Array;
  e: Float64Array;
  /** β_k of reflector k (0: no reflection at step k). */
  betas: Float64Array;
}

/**
 * T = QᵀAQ for the symmetric n×n matrix A (lower triangle read; A is not
 * modified): the blocked reduction as far as it applies, the unblocked one for
 * the rest.
 */
export function householderTridiagonal(A: Float64Array, n: number): Tridiagonal {
  const a = Float64Array.from(A);
  const d = new Float64Array(n);
  const e = new Float64Array(n); // e[i] couples i and i+1
  const betas = new Float64Array(n);
  const k0 = tridiagonalizeBlocked(a, n, d, e, betas);
  tridiagonalize(a, n, d, e, betas, k0);
  return { a, d, e, betas };
}

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
  ensureMemory(kern, need);
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

/** QᵀB = H_{n-3} ⋯ H_0 B (B n×m, one vector per column) for the reflectors of a reduction (SIMD when available). */
export function qTransposeTimes(a: Float64Array, n: number, betas: Float64Array, B: Float64Array, m: number): Float64Array {
  const W = Float64Array.from(B);
  const kern = n >= 64 && m >= 2 ? dotsKernel() : null;
  if (kern) {
    reflectInKernel(kern, a, n, betas, W, m, false);
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

/** Z (k×n, one vector per row, in T's basis) ← rows of (Q Zᵀ)ᵀ: Q = H_0 ⋯ H_{n−3}, applied H_{n−3} first (SIMD when available). */
export function qTimesRows(a: Float64Array, n: number, betas: Float64Array, Z: Float64Array, k: number): void {
  if (k === 0 || n < 3) return;
  const kern = n >= 64 && k >= 2 ? dotsKernel() : null;
  if (kern) {
    reflectInKernel(kern, a, n, betas, Z, k, true);
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

/**
 * Applies the reflectors to m vectors in the SIMD kernel's memory, in place:
 * H_{n−3} ⋯ H_0 R (Qᵀ, H_0 first) on the columns of R (n×m), or, with
 * `rowsByQ`, H_0 ⋯ H_{n−3} (Q, H_{n−3} first) on the rows of R (m×n). The
 * kernel holds the vectors as columns of an n×m' matrix (m' = m rounded up to
 * even, for f64x2).
 */
function reflectInKernel(
  kern: DotsKernel, a: Float64Array, n: number, betas: Float64Array, R: Float64Array, m: number, rowsByQ: boolean,
): void {
  const mp = (m + 1) & ~1;
  const wBytes = n * mp * 8;
  const vOff = wBytes;
  const uOff = vOff + n * 8;
  ensureMemory(kern, uOff + mp * 8);
  const Wk = new Float64Array(kern.mem.buffer, 0, n * mp);
  const vk = new Float64Array(kern.mem.buffer, vOff, n);
  Wk.fill(0);
  if (rowsByQ) for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) Wk[i * mp + j] = R[j * n + i]!;
  else for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) Wk[i * mp + c] = R[i * m + c]!;
  for (let step = 0; step < n - 2; step++) {
    const k = rowsByQ ? n - 3 - step : step;
    const beta = betas[k]!;
    if (beta === 0) continue;
    for (let i = k + 1; i < n; i++) vk[i] = a[i * n + k]!;
    kern.reflect(0, mp, vOff, uOff, k + 1, n, beta);
  }
  if (rowsByQ) for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) R[j * n + i] = Wk[i * mp + j]!;
  else for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) R[i * m + c] = Wk[i * mp + c]!;
}
