/**
 * Shape functions of the operators that create tensors rather than transform
 * one: Constant, and the sources of shape arithmetic (Shape, Size,
 * ConstantOfShape, Range), whose contents are folded so that shapes computed
 * at run time in the graph are still known statically.
 */
import { attrInt, normAxis } from './attrs.js';
import { formatShape, ShapeError, unknown, type ShapeFn } from './shape-fn.js';
import { MAX_VALUES, numel } from './small-tensors.js';

const constant: ShapeFn = ({ node }) => {
  const a = node.attrs;
  const cv = node.constValue ?? node.tensorAttrs?.value;
  if (cv) return [{ shape: cv.shape, values: cv.values }];
  const v = a.value ?? a.value_ints ?? a.value_int ?? a.value_floats ?? a.value_float;
  if (typeof v === 'number') return [{ shape: [], values: [v] }];
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return [{ shape: [v.length], values: v as number[] }];
  const p = node.params[0];
  if (p) return [{ shape: p.shape, values: p.values }];
  // The loaders keep a Constant's tensor in constValue/tensorAttrs/params even when its contents are dropped.
  throw new ShapeError('the Constant carries no value');
};

/** The input's shape as a 1-D tensor (optionally a start:end range of it). */
const shapeOf: ShapeFn = ({ node, x }) => {
  if (!x) return unknown();
  const a = node.attrs;
  const r = x.length;
  const start = a.start !== undefined ? normAxis(attrInt(a.start, 0), r) : 0;
  const end = a.end !== undefined ? normAxis(attrInt(a.end, r), r) : r;
  const v = x.slice(Math.max(0, start), Math.min(r, end));
  return [{ shape: [v.length], values: v }];
};

const size: ShapeFn = ({ x }) => [{ shape: [], values: x ? [numel(x)] : undefined }];

const constantOfShape: ShapeFn = ({ node, ins }) => {
  const v = ins[0]?.values;
  if (!v) return unknown();
  const a = node.attrs;
  const tv = node.tensorAttrs?.value?.values?.[0];
  const fill = tv !== undefined ? tv : typeof a.value === 'number' ? a.value : Array.isArray(a.value) && typeof a.value[0] === 'number' ? (a.value[0] as number) : 0;
  const n = numel(v);
  if (!(n <= MAX_VALUES)) return [{ shape: v }]; // too large to fold (or NaN: not a shape, dropped by the driver)
  if (!Number.isInteger(n) || n < 0) throw new ShapeError(`the requested shape ${formatShape(v)} is not a list of sizes`);
  return [{ shape: v, values: new Array(n).fill(fill) }];
};

const range: ShapeFn = ({ ins }) => {
  const [st, lim, dl] = ins.map((x) => x.values?.[0]);
  if (st === undefined || lim === undefined || dl === undefined) return unknown();
  if (dl === 0) throw new ShapeError('Range with delta 0');
  const n = Math.max(Math.ceil((lim - st) / dl), 0);
  return [{ shape: [n], values: n <= MAX_VALUES ? Array.from({ length: n }, (_, i) => st + i * dl) : undefined }];
};

export const CONSTANT_SHAPES: Record<string, ShapeFn> = {
  Constant: constant,
  Shape: shapeOf,
  Size: size,
  ConstantOfShape: constantOfShape,
  Range: range,
};
