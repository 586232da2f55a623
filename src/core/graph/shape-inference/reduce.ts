/**
 * Shape functions of reductions: Reduce* over listed axes (attribute or
 * input; all axes when none are listed), ArgMax/ArgMin over one axis, and
 * TopK. Small constant inputs are reduced too (shape arithmetic).
 */
import { table } from '../formats/table.js';
import { attrInt, attrInts, normAxis } from './attrs.js';
import { ShapeError, unknown, type ShapeFn } from './shape-fn.js';
import { flatIndex, mapIndex } from './small-tensors.js';

/** Reductions whose contents are folded. */
const REDUCE_FN: Record<string, (xs: number[]) => number> = table({
  ReduceMax: (xs) => Math.max(...xs),
  ReduceMin: (xs) => Math.min(...xs),
  ReduceSum: (xs) => xs.reduce((a, b) => a + b, 0),
  ReduceProd: (xs) => xs.reduce((a, b) => a * b, 1),
  ReduceMean: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
});

const reduce: ShapeFn = ({ node, op, ins, x }) => {
  if (!x) return unknown();
  const a = node.attrs;
  const keep = attrInt(a.keepdims, 1) === 1;
  let axes: number[] | null;
  if (op === 'ArgMax' || op === 'ArgMin') axes = [attrInt(a.axis, 0)];
  else axes = attrInts(a.axes) ?? (node.inputs[1] ? ins[1]?.values ?? null : []);
  if (axes === null) return unknown();
  let ax = axes.map((i) => normAxis(i, x.length));
  if (ax.length === 0) ax = attrInt(a.noop_with_empty_axes, 0) ? [] : x.map((_, i) => i);
  const out: number[] = [];
  x.forEach((d, i) => {
    if (ax.includes(i)) {
      if (keep) out.push(1);
    } else out.push(d);
  });
  const v = ins[0]?.values;
  const f = REDUCE_FN[op];
  let values: number[] | undefined;
  if (v && f && v.length > 0) {
    // group the elements by their index with the reduced axes zeroed, in row-major order of the groups
    const acc = new Map<number, number[]>();
    mapIndex(x, (idx, k) => {
      const key = flatIndex(x, idx.map((c, i) => (ax.includes(i) ? 0 : c)));
      const list = acc.get(key) ?? [];
      list.push(v[k]!);
      acc.set(key, list);
      return 0;
    });
    values = [...acc.keys()].sort((p, q) => p - q).map((key) => f(acc.get(key)!));
  }
  return [{ shape: out, values }];
};

/** Outputs: values and indices, both with `k` along the axis. */
const topK: ShapeFn = ({ node, ins, x }) => {
  const k = ins[1]?.values?.[0] ?? (typeof node.attrs.k === 'number' ? node.attrs.k : undefined);
  if (!x || k === undefined) {
    if (!x || node.inputs[1]) return unknown();
    throw new ShapeError('no k');
  }
  const ax = normAxis(attrInt(node.attrs.axis, -1), x.length);
  const out = x.slice();
  out[ax] = Math.min(k, x[ax]!);
  return [{ shape: out }, { shape: out }];
};

export const REDUCE_SHAPES: Record<string, ShapeFn> = {
  ReduceMean: reduce,
  ReduceSum: reduce,
  ReduceMax: reduce,
  ReduceMin: reduce,
  ReduceProd: reduce,
  ReduceL1: reduce,
  ReduceL2: reduce,
  ReduceLogSumExp: reduce,
  ReduceSumSquare: reduce,
  ArgMax: reduce,
  ArgMin: reduce,
  TopK: topK,
};
