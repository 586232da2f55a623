/**
 * Source-model predictions for LEEP and NCE: softmax probabilities over the
 * source model's own classes (N × C_s). Users often have logits instead; a
 * matrix whose rows are not probability vectors is taken as logits and
 * soft-maxed, and the caller is told so.
 */
import type { Matrix } from './types.js';

/** Rows of float32 probabilities sum to 1 within ~1e−6; logits almost never do. */
const ROW_SUM_TOLERANCE = 1e-3;

export interface SourceProbabilities {
  probs: Matrix;
  /** Why the input was soft-maxed, when it was (null when it already held probabilities). */
  softmaxReason: string | null;
}

/** Returns probabilities as given, or soft-maxed logits with the reason. */
export function asSourceProbabilities(m: Matrix): SourceProbabilities {
  const { rows, cols, data } = m;
  let reason: string | null = null;
  for (let i = 0; i < rows && reason === null; i++) {
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const v = data[i * cols + j]!;
      if (v < 0) {
        reason = `row ${i + 1} has a negative entry (${v})`;
        break;
      }
      sum += v;
    }
    if (reason === null && Math.abs(sum - 1) > ROW_SUM_TOLERANCE) reason = `row ${i + 1} sums to ${sum.toPrecision(6)}, not 1`;
  }
  if (reason === null) return { probs: m, softmaxReason: null };
  return { probs: softmaxRows(m), softmaxReason: reason };
}

/** Row-wise softmax with the max subtracted (no overflow). */
export function softmaxRows(m: Matrix): Matrix {
  const { rows, cols, data } = m;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let mx = -Infinity;
    for (let j = 0; j < cols; j++) mx = Math.max(mx, data[i * cols + j]!);
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(data[i * cols + j]! - mx);
      out[i * cols + j] = e;
      s += e;
    }
    for (let j = 0; j < cols; j++) out[i * cols + j]! /= s;
  }
  return { rows, cols, data: out };
}
