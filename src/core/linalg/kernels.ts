/**
 * The scalar inner loops every dense product is built from: the register-blocked
 * dot-product block `dotBlock`, the panel packer `packPanel`, and the two
 * row-range drivers over them, `gramRowsScalar` (rows of XᵀX) and
 * `abtRowsScalar` (rows of A·Bᵀ). They are the fallback when WebAssembly SIMD is
 * unavailable (wasm/dots.ts holds the fast counterparts), used alike on the
 * calling thread (gram.ts) and in the worker threads (parallel.ts), so both
 * paths run one loop and give bit-identical results.
 *
 * The `.toString()` rule: parallel.ts builds its workers from the source text of
 * these functions (`${dotBlock.toString()}`), so each one may refer only to its
 * arguments, JavaScript globals (Math, Float64Array) and the other functions
 * shipped with it under the same name (gramRowsScalar calls packPanel and
 * dotBlock). Nothing else from this module, and nothing imported: a bundler or
 * test transform rewrites imported names (and a module-level constant would be
 * undefined in the worker), which would break the worker silently. That is why
 * this module imports nothing.
 */


/**
 * out[i*ldo + j] += Σ_{t<k} A[aOff + i*ld + t] · B[bOff + j*ld + t] for i in [i0, i1),
 * j in [j0, j1): dot products between rows of A and rows of B (row-major, rows
 * `ld` apart; ld = k when the rows are stored back to back, ld > k for dot
 * products over a prefix of each row). 4×4 register blocking: 8 loads feed 16
 * multiply-adds.
 */
export function dotBlock(
  A: Float64Array, aOff: number, B: Float64Array, bOff: number, k: number,
  i0: number, i1: number, j0: number, j1: number, out: Float64Array, ldo: number, lowerOnly: boolean, ld = k,
): void {
  for (let i = i0; i < i1; i += 4) {
    const iEnd = Math.min(i + 4, i1);
    const jStop = lowerOnly ? Math.min(j1, iEnd) : j1;
    for (let j = j0; j < jStop; j += 4) {
      const jEnd = Math.min(j + 4, jStop);
      if (iEnd - i === 4 && jEnd - j === 4) {
        const a0 = aOff + i * ld, a1 = a0 + ld, a2 = a1 + ld, a3 = a2 + ld;
        const b0 = bOff + j * ld, b1 = b0 + ld, b2 = b1 + ld, b3 = b2 + ld;
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
            const a = aOff + ii * ld, b = bOff + jj * ld;
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

/** Panel width for the SIMD Gram kernel: PANEL_ROWS, or N rounded up to even when smaller. */
export function panelRowsFor(n: number): number {
  return Math.min(PANEL_ROWS, (n + 1) & ~1);
}

/**
 * Rows [i0, i1) (lower triangle, j ≤ i) of G = Σ_i s_i²(x_i − c)(x_i − c)ᵀ
 * accumulated into G (d×d, row-major), from transposed panels of `panelRows`
 * rows of X (N×d): the scalar twin of wasm/dots.ts `gramRowsWasm`.
 */
export function gramRowsScalar(
  X: Float64Array, n: number, d: number, center: Float64Array | null, rowScale: Float64Array | null,
  i0: number, i1: number, G: Float64Array, panelRows: number,
): void {
  const P = new Float64Array(d * panelRows);
  for (let r0 = 0; r0 < n; r0 += panelRows) {
    const len = Math.min(panelRows, n - r0);
    packPanel(X, d, r0, len, center, rowScale, P);
    dotBlock(P, 0, P, 0, len, i0, i1, 0, d, G, d, true);
  }
}

/**
 * Rows [r0, r1) of A·Bᵀ (A m×k, B n×k, row-major) accumulated into out (m×n),
 * in stripes of `stripe` rows of A so that a stripe stays in cache while all of
 * B streams by: the scalar twin of wasm/dots.ts `abtRowsWasm`.
 */
export function abtRowsScalar(
  A: Float64Array, B: Float64Array, n: number, k: number, r0: number, r1: number, out: Float64Array, stripe: number,
): void {
  for (let i = r0; i < r1; i += stripe) dotBlock(A, 0, B, 0, k, i, Math.min(r1, i + stripe), 0, n, out, n, false);
}
