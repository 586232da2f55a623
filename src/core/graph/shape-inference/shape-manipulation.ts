/**
 * Shape functions of the operators that move, select or repeat elements
 * without computing on them: Reshape, Flatten, Transpose, Squeeze/Unsqueeze,
 * Concat, Split, Slice, Gather/Scatter, Expand, Tile, Pad, OneHot,
 * DepthToSpace/SpaceToDepth. Where the input is a folded constant (shape
 * arithmetic), its contents are carried along.
 */
import { attrInt, attrInts, intsFrom, intsMissing, normAxis } from './attrs.js';
import { broadcast } from './broadcast.js';
import { formatShape, ShapeError, unknown, type ShapeFn } from './shape-fn.js';
import { flatIndex, mapIndex, numel } from './small-tensors.js';


const flatten: ShapeFn = ({ node, ins, x }) => {
  if (!x) return unknown();
  const ax = normAxis(attrInt(node.attrs.axis, 1), x.length);
  return [{ shape: [numel(x.slice(0, ax)), numel(x.slice(ax))], values: ins[0]?.values }];
};

/** Target from the shape input (or the old `shape` attribute): 0 copies the input dim unless allowzero, -1 takes the rest. */
const reshape: ShapeFn = ({ node, ins, x }) => {
  const target = ins[1]?.values ?? attrInts(node.attrs.shape);
  if (!target) {
    if (!node.inputs[1]) throw new ShapeError('no target shape');
    return unknown();
  }
  const allowZero = attrInt(node.attrs.allowzero, 0) === 1;
  const out = target.map((d, i) => (d === 0 && !allowZero ? (x ? x[i]! : NaN) : d));
  const neg = out.indexOf(-1);
  if (neg >= 0) {
    if (!x) return unknown();
    const known = out.reduce((p, d, i) => (i === neg ? p : p * d), 1);
    out[neg] = known === 0 ? 0 : numel(x) / known;
  }
  if (out.some((d) => !Number.isInteger(d) || d < 0)) {
    if (!x) return unknown();
    throw new ShapeError(`target ${formatShape(target)} does not fit an input of shape ${formatShape(x)}`);
  }
  return [{ shape: out, values: ins[0]?.values }];
};

const transpose: ShapeFn = ({ node, ins, x }) => {
  if (!x) return unknown();
  const perm = attrInts(node.attrs.perm) ?? x.map((_, i) => x.length - 1 - i);
  const out = perm.map((p) => x[p]!);
  const v = ins[0]?.values;
  // element at output index idx comes from input index idx permuted back
  const source = (idx: number[]) => flatIndex(x, perm.reduce((acc, p, i) => ((acc[p] = idx[i]!), acc), new Array<number>(x.length)));
  return [{ shape: out, values: v ? mapIndex(out, (idx) => v[source(idx)]!) : undefined }];
};

/** Drops the listed axes (attribute or input), or every size-1 axis when none are listed. */
const squeeze: ShapeFn = ({ node, ins, x }) => {
  if (!x) return unknown();
  const axes = intsFrom(node, ins, 'axes', 1)?.map((ax) => normAxis(ax, x.length));
  const out = x.filter((d, i) => (axes ? !axes.includes(i) : d !== 1));
  return [{ shape: out, values: ins[0]?.values }];
};

const unsqueeze: ShapeFn = ({ node, ins, x }) => {
  if (!x) return unknown();
  const axesRaw = intsFrom(node, ins, 'axes', 1);
  if (!axesRaw) {
    if (intsMissing(node, 'axes', 1)) throw new ShapeError('no axes');
    return unknown();
  }
  const r = x.length + axesRaw.length;
  const axes = axesRaw.map((ax) => normAxis(ax, r)).sort((p, q) => p - q);
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < r; i++) out.push(axes.includes(i) ? 1 : x[k++]!);
  return [{ shape: out, values: ins[0]?.values }];
};

const concat: ShapeFn = ({ node, ins }) => {
  const present = ins.filter((_, i) => node.inputs[i]);
  if (present.length === 0) throw new ShapeError('no inputs');
  const shapes = present.map((t) => t.shape);
  if (shapes.some((s) => !s)) return unknown();
  const ss = shapes as number[][];
  const r = ss[0]!.length;
  const ax = normAxis(attrInt(node.attrs.axis, 0), r);
  const out = ss[0]!.slice();
  out[ax] = ss.reduce((p, s) => p + (s[ax] ?? 0), 0);
  const values = r === 1 && present.every((t) => t.values) ? present.flatMap((t) => t.values!) : undefined;
  return [{ shape: out, values }];
};

/** Sizes from the `split` attribute/input, else num_outputs (or the output count) equal chunks, the last one smaller. */
const split: ShapeFn = ({ node, ins, x }) => {
  if (!x) return unknown();
  const ax = normAxis(attrInt(node.attrs.axis, 0), x.length);
  let sizes = intsFrom(node, ins, 'split', 1);
  const n = node.outputs.length;
  if (!sizes) {
    const numOut = attrInt(node.attrs.num_outputs, n);
    if (!(numOut >= 0 && numOut < 2 ** 32)) throw new ShapeError(`num_outputs ${numOut} is not a count`);
    const chunk = Math.ceil(x[ax]! / numOut);
    // only the chunks the node has outputs for are needed
    sizes = Array.from({ length: Math.min(numOut, n) }, (_, i) => Math.min(chunk, x[ax]! - chunk * i));
  }
  return sizes.map((sz) => {
    const o = x.slice();
    o[ax] = sz;
    return { shape: o };
  });
};

/** Starts/ends/axes as attributes (opset < 10) or constant inputs with optional steps; out-of-range ends clamp. */
const slice: ShapeFn = ({ node, ins, x }) => {
  if (!x) return unknown();
  const a = node.attrs;
  let starts: number[] | null, ends: number[] | null, axes: number[] | null, steps: number[] | null;
  if (a.starts !== undefined) {
    starts = attrInts(a.starts);
    ends = attrInts(a.ends);
    axes = attrInts(a.axes);
    steps = null;
    if (!starts || !ends) throw new ShapeError('no starts or ends');
  } else {
    starts = ins[1]?.values ?? null;
    ends = ins[2]?.values ?? null;
    axes = node.inputs[3] ? ins[3]?.values ?? null : null;
    steps = node.inputs[4] ? ins[4]?.values ?? null : null;
    if ((node.inputs[3] && !axes) || (node.inputs[4] && !steps)) return unknown();
    if (!node.inputs[1] || !node.inputs[2]) throw new ShapeError('no starts or ends');
    if (!starts || !ends) return unknown();
  }
  const out = x.slice();
  const ranges: Array<[number, number, number]> = x.map((d) => [0, d, 1]);
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  starts.forEach((st, i) => {
    const ax = normAxis(axes ? axes[i]! : i, x.length);
    const d = x[ax]!;
    const step = steps ? steps[i]! : 1;
    let b = st < 0 ? st + d : st;
    let e = ends[i]! < 0 ? ends[i]! + d : ends[i]!;
    if (step > 0) {
      b = clamp(b, 0, d);
      e = clamp(e, 0, d);
      out[ax] = Math.max(0, Math.ceil((e - b) / step));
    } else {
      b = clamp(b, 0, d - 1);
      e = clamp(e, -1, d - 1);
      out[ax] = Math.max(0, Math.ceil((b - e) / -step));
    }
    ranges[ax] = [b, e, step];
  });
  const v = ins[0]?.values;
  const values = v ? mapIndex(out, (idx) => v[flatIndex(x, idx.map((k, ax) => ranges[ax]![0] + k * ranges[ax]![2]))]!) : undefined;
  return [{ shape: out, values }];
};

/** data[..., indices, ...] along `axis`: the indices' shape replaces that axis. */
const gather: ShapeFn = ({ node, ins, x }) => {
  const idx = ins[1];
  if (!x || !idx?.shape) {
    if (!node.inputs[1]) throw new ShapeError('no indices input');
    return unknown();
  }
  const ax = normAxis(attrInt(node.attrs.axis, 0), x.length);
  const out = [...x.slice(0, ax), ...idx.shape, ...x.slice(ax + 1)];
  let values: number[] | undefined;
  const data = ins[0]?.values;
  if (x.length === 1 && data && idx.values) values = idx.values.map((i) => data[i < 0 ? i + x[0]! : i]!);
  return [{ shape: out, values }];
};

/** Output has the indices' shape. */
const gatherElements: ShapeFn = ({ ins }) => [{ shape: ins[1]?.shape ?? null }];

const gatherND: ShapeFn = ({ node, ins, x }) => {
  const idx = ins[1]?.shape;
  if (!x || !idx) {
    if (!node.inputs[1]) throw new ShapeError('no indices input');
    return unknown();
  }
  const bd = attrInt(node.attrs.batch_dims, 0);
  const last = idx[idx.length - 1]!;
  return [{ shape: [...idx.slice(0, -1), ...x.slice(bd + last)] }];
};

/** Scatters write into a copy of the data input. */
const scatter: ShapeFn = ({ x }) => [{ shape: x }];

const expand: ShapeFn = ({ node, ins, x }) => {
  const target = ins[1]?.values;
  if (!x || !target) {
    if (!node.inputs[1]) throw new ShapeError('no target shape');
    return unknown();
  }
  const shape = broadcast([x, target]);
  if (!shape) throw new ShapeError(`${formatShape(x)} does not broadcast to ${formatShape(target)}`);
  return [{ shape }];
};

const tile: ShapeFn = ({ node, ins, x }) => {
  const reps = ins[1]?.values;
  if (!x || !reps) {
    if (!node.inputs[1]) throw new ShapeError('no repeats input');
    return unknown();
  }
  if (reps.length !== x.length) throw new ShapeError(`${reps.length} repeats for an input of rank ${x.length}`);
  return [{ shape: x.map((d, i) => d * reps[i]!) }];
};

/** Pads [begin..., end...] from the attribute (old opsets) or the pads input, optionally for the listed axes only. */
const pad: ShapeFn = ({ node, ins, x }) => {
  if (!x) return unknown();
  const pads = attrInts(node.attrs.pads) ?? attrInts(node.attrs.paddings) ?? ins[1]?.values ?? null;
  if (!pads) {
    if (!node.inputs[1]) throw new ShapeError('no pads');
    return unknown();
  }
  const axesIn = node.inputs[3] ? ins[3]?.values : undefined;
  const out = x.slice();
  if (axesIn) {
    axesIn.forEach((axr, i) => {
      const ax = normAxis(axr, x.length);
      out[ax] = x[ax]! + pads[i]! + pads[i + axesIn.length]!;
    });
  } else {
    if (pads.length !== 2 * x.length) throw new ShapeError(`${pads.length} pads for an input of rank ${x.length}`);
    x.forEach((d, i) => (out[i] = d + pads[i]! + pads[i + x.length]!));
  }
  return [{ shape: out }];
};

/** Inserts an axis of size `depth` at `axis`. */
const oneHot: ShapeFn = ({ node, ins, x }) => {
  const depth = ins[1]?.values?.[0];
  if (!x || depth === undefined) {
    if (!node.inputs[1]) throw new ShapeError('no depth input');
    return unknown();
  }
  const out = x.slice();
  out.splice(normAxis(attrInt(node.attrs.axis, -1), x.length + 1), 0, depth);
  return [{ shape: out }];
};

const depthSpace: ShapeFn = ({ node, op, x }) => {
  if (!x) return unknown();
  if (x.length !== 4) throw new ShapeError(`${op} takes a 4-D input, got ${formatShape(x)}`);
  const b = attrInt(node.attrs.blocksize, 1);
  const [n, c, h, w] = x as [number, number, number, number];
  return [{ shape: op === 'DepthToSpace' ? [n, c / (b * b), h * b, w * b] : [n, c * b * b, h / b, w / b] }];
};

export const SHAPE_MANIPULATION_SHAPES: Record<string, ShapeFn> = {
  Flatten: flatten,
  Reshape: reshape,
  Transpose: transpose,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  GatherElements: gatherElements,
  GatherND: gatherND,
  ScatterND: scatter,
  ScatterElements: scatter,
  Scatter: scatter,
  Expand: expand,
  Tile: tile,
  Pad: pad,
  OneHot: oneHot,
  DepthToSpace: depthSpace,
  SpaceToDepth: depthSpace,
};
