/**
 * Elementary dense-matrix helpers on row-major Float64Arrays (element (i, j) of
 * an r×c matrix at i*c + j, the layout of every module in this folder): the
 * identity, transpose, trace and matrix–vector product.
 */

/** The n×n identity, row-major. */
export function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
}

/** Transposes an r×c row-major matrix. */
export function transpose(A: Float64Array, r: number, c: number): Float64Array {
  const T = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) T[j * r + i] = A[i * c + j]!;
  return T;
}

/** Sum of the diagonal of an n×n matrix. */
export function trace(A: Float64Array, n: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) t += A[i * n + i]!;
  return t;
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
