/**
 * Element-level helpers for the small constant tensors shape inference folds
 * (shape arithmetic such as Shape → Gather → Concat → Reshape): sizes, flat
 * offsets and a row-major walk, all bounded by MAX_VALUES so folding never
 * materialises a large tensor.
 */

/** Contents are tracked only for tensors with at most this many elements. */
export const MAX_VALUES = 4096;

export const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Row-major flat offset of a multi-index. */
export function flatIndex(shape: number[], idx: number[]): number {
  let off = 0;
  for (let i = 0; i < shape.length; i++) off = off * shape[i]! + idx[i]!;
  return off;
}

/** Calls f for every multi-index of `shape` in row-major order (small tensors only); undefined when too large. */
export function mapIndex(shape: number[], f: (idx: number[], flat: number) => number): number[] | undefined {
  const n = numel(shape);
  if (n > MAX_VALUES) return undefined;
  const out: number[] = [];
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    out.push(f(idx, k));
    for (let i = shape.length - 1; i >= 0; i--) {
      if (++idx[i]! < shape[i]!) break;
      idx[i] = 0;
    }
  }
  return out;
}
