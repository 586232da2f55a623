/**
 * Cholesky factorisation A = LLᵀ of a symmetric positive definite matrix, the
 * solves with it and log det A. H-score, SFDA, TransRate and the probes use
 * these in place of inverses; a null factor tells them to fall back to an eigen
 * pseudo-inverse. Large matrices are factorised blocked in the SIMD kernel's
 * memory, small ones by 4×4 tiles in plain loops.
 */
import { dotBlock } from './kernels.js';
import { dotsKernel, ensureMemory } from './wasm/dots.js';

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
  ensureMemory(kern, need);
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

/** S[a*4+b] = Σ_{t<len} L[(i0+a)·n + t]·L[(j0+b)·n + t] for a < bi, b < bj: one tile of prefix dot products. */
function prefixDots(L: Float64Array, n: number, i0: number, bi: number, j0: number, bj: number, len: number, S: Float64Array): void {
  S.fill(0);
  dotBlock(L, i0 * n, L, j0 * n, len, 0, bi, 0, bj, S, 4, false, n);
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
