/**
 * The WebAssembly SIMD dot-product kernel (dots.wat) and the two routines built
 * on it: rows of a Gram matrix XᵀX, and rows of X·Mᵀ. f64x2 arithmetic makes
 * them ~3× faster than the best scalar JavaScript loop (kernels.ts dotBlock).
 *
 * The routines are self-contained functions (no free variables besides their
 * arguments and globals) because parallel.ts also ships their source text to
 * worker threads, where they run on the worker's own kernel instance (the
 * `.toString()` rule of kernels.ts).
 */
import { DOTS_WASM_BASE64 } from './dots.wasm.js';

// The subset of the WebAssembly JS API used here (the project's lib settings carry no DOM types).
declare namespace WebAssembly {
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: Record<string, unknown>;
  }
}

export interface DotsKernel {
  mem: WebAssembly.Memory;
  dots: (a: number, b: number, k: number, ni: number, nj: number, out: number, ldo: number, lower: number, ioff: number) => void;
  /** p += A·v over rows/columns [k1, n) of a symmetric A stored in its lower triangle (byte addresses, row stride ld). */
  symv: (m: number, ld: number, v: number, p: number, k1: number, n: number) => void;
  /** Applies H = I − β v vᵀ (v over rows [k1, n)) to the rows of W (n×m, m even); u is m doubles of scratch. */
  reflect: (w: number, m: number, v: number, u: number, k1: number, n: number, beta: number) => void;
  /** Solves (L Lᵀ) X = B in place, L n×n lower (row stride ldl), B n×m (m even). */
  cholsolve: (l: number, ldl: number, b: number, m: number, n: number) => void;
}

/** Grows the kernel's memory to at least `bytes`. */
export function ensureMemory(kern: DotsKernel, bytes: number): void {
  const have = kern.mem.buffer.byteLength;
  if (bytes > have) kern.mem.grow(Math.ceil((bytes - have) / 65536));
}

/** A fresh kernel instance (own linear memory), or null when WebAssembly SIMD is unavailable. */
export function instantiateDots(base64: string): DotsKernel | null {
  try {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    return {
      mem: inst.exports.mem as WebAssembly.Memory,
      dots: inst.exports.dots as DotsKernel['dots'],
      symv: inst.exports.symv as DotsKernel['symv'],
      reflect: inst.exports.reflect as DotsKernel['reflect'],
      cholsolve: inst.exports.cholsolve as DotsKernel['cholsolve'],
    };
  } catch {
    return null;
  }
}

let local: DotsKernel | null | undefined;

/** This thread's kernel instance (created on first use). */
export function dotsKernel(): DotsKernel | null {
  if (local === undefined) local = instantiateDots(DOTS_WASM_BASE64);
  return local;
}

export { DOTS_WASM_BASE64 };

/**
 * Rows [i0, i1) (lower triangle, j ≤ i) of G = Σ_i s_i²(x_i − c)(x_i − c)ᵀ,
 * written into G (d×d, row-major). X is N×d row-major; center and rowScale optional.
 * i0 must be a multiple of 4.
 */
export function gramRowsWasm(
  kern: DotsKernel, X: Float64Array, n: number, d: number, center: Float64Array | null, rowScale: Float64Array | null,
  i0: number, i1: number, G: Float64Array, panelRows: number,
): void {
  const dp = (d + 3) & ~3; // feature rows of the panel, padded for the 4-row blocks
  const i1p = Math.min(dp, (i1 + 3) & ~3);
  const len = panelRows; // even
  const pBytes = dp * len * 8;
  const gRows = i1p - i0;
  const need = pBytes + gRows * dp * 8;
  const have = kern.mem.buffer.byteLength;
  if (need > have) kern.mem.grow(Math.ceil((need - have) / 65536));
  const P = new Float64Array(kern.mem.buffer, 0, dp * len);
  const Gs = new Float64Array(kern.mem.buffer, pBytes, gRows * dp);
  P.fill(0);
  Gs.fill(0);
  for (let r0 = 0; r0 < n; r0 += len) {
    const m = Math.min(len, n - r0);
    for (let t = 0; t < m; t++) {
      const o = (r0 + t) * d;
      const s = rowScale ? rowScale[r0 + t]! : 1;
      if (center) for (let j = 0; j < d; j++) P[j * len + t] = (X[o + j]! - center[j]!) * s;
      else if (s !== 1) for (let j = 0; j < d; j++) P[j * len + t] = X[o + j]! * s;
      else for (let j = 0; j < d; j++) P[j * len + t] = X[o + j]!;
    }
    if (m < len) for (let j = 0; j < d; j++) for (let t = m; t < len; t++) P[j * len + t] = 0;
    kern.dots(i0 * len * 8, 0, len, gRows, i1p, pBytes, dp, 1, i0);
  }
  for (let i = i0; i < i1; i++) {
    const src = (i - i0) * dp;
    for (let j = 0; j <= i; j++) G[i * d + j] = Gs[src + j]!;
  }
}

/**
 * Rows [r0, r1) of A·Bᵀ (A m×k, B n×k, row-major) into out (m×n), through
 * stripes of 64 rows copied into the kernel's memory with padding.
 */
export function abtRowsWasm(
  kern: DotsKernel, A: Float64Array, B: Float64Array, n: number, k: number, r0: number, r1: number, out: Float64Array,
): void {
  const kp = (k + 1) & ~1;
  const np = (n + 1) & ~1;
  const stripe = 64;
  const bBytes = np * kp * 8;
  const aBytes = stripe * kp * 8;
  const need = bBytes + aBytes + stripe * np * 8;
  const have = kern.mem.buffer.byteLength;
  if (need > have) kern.mem.grow(Math.ceil((need - have) / 65536));
  const Bp = new Float64Array(kern.mem.buffer, 0, np * kp);
  const Ap = new Float64Array(kern.mem.buffer, bBytes, stripe * kp);
  const Op = new Float64Array(kern.mem.buffer, bBytes + aBytes, stripe * np);
  Bp.fill(0);
  Ap.fill(0);
  for (let j = 0; j < n; j++) for (let t = 0; t < k; t++) Bp[j * kp + t] = B[j * k + t]!;
  for (let s0 = r0; s0 < r1; s0 += stripe) {
    const m = Math.min(stripe, r1 - s0);
    for (let i = 0; i < m; i++) for (let t = 0; t < k; t++) Ap[i * kp + t] = A[(s0 + i) * k + t]!;
    if (m < stripe) Ap.fill(0, m * kp);
    Op.fill(0);
    kern.dots(bBytes, 0, kp, (m + 3) & ~3, np, bBytes + aBytes, np, 0, 0);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[(s0 + i) * n + j] = Op[i * np + j]!;
  }
}
