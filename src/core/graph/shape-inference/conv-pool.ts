/**
 * Shape functions of windowed operators (Conv and its integer/quantised and
 * transposed forms, max/average/Lp pooling, global pooling) and the window
 * geometry they share with the MAC count (macs.ts).
 *
 * Channels-last nodes (`layout: 'NHWC'`, from Keras/TF loaders) keep their
 * tensors channels-last: the channel axis is then the last one.
 */
import type { ArchGraph, ArchNode } from '../types.js';
import { attrInt, attrInts } from './attrs.js';
import { formatShape, ShapeError, unknown, type ShapeFn } from './shape-fn.js';
import { numel } from './small-tensors.js';

/** Spatial output size of a conv/pool window along one axis (ONNX formula, incl. auto_pad and ceil_mode). */
export function windowOut(
  inSize: number, k: number, stride: number, dil: number, padBegin: number, padEnd: number, autoPad: string, ceil: boolean,
): number {
  const eff = (k - 1) * dil + 1;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(inSize / stride);
  if (autoPad === 'VALID') return Math.floor((inSize - eff) / stride) + 1;
  const num = inSize + padBegin + padEnd - eff;
  let out = (ceil ? Math.ceil(num / stride) : Math.floor(num / stride)) + 1;
  // ceil_mode: the last window must start inside the (left-padded) input.
  if (ceil && (out - 1) * stride >= inSize + padBegin) out -= 1;
  return out;
}

export interface Layout {
  channelAxis: number;
  spatialAxes: number[];
}

export function layoutOf(node: ArchNode, rank: number): Layout {
  const spatial: number[] = [];
  if (node.layout === 'NHWC' || node.op === 'NhwcConv') {
    for (let i = 1; i < rank - 1; i++) spatial.push(i);
    return { channelAxis: rank - 1, spatialAxes: spatial };
  }
  for (let i = 2; i < rank; i++) spatial.push(i);
  return { channelAxis: 1, spatialAxes: spatial };
}

/**
 * Conv-like window geometry: kernel, strides, dilations, pads per spatial axis.
 * Kernel comes from kernel_shape, or the weight's trailing dims (ONNX layout).
 */
export function windowAttrs(node: ArchNode, nSpatial: number, weightShape: number[] | null) {
  let kernel = attrInts(node.attrs.kernel_shape);
  if (!kernel && weightShape && weightShape.length === nSpatial + 2) kernel = weightShape.slice(2);
  const strides = attrInts(node.attrs.strides) ?? new Array(nSpatial).fill(1);
  const dil = attrInts(node.attrs.dilations) ?? new Array(nSpatial).fill(1);
  const pads = attrInts(node.attrs.pads) ?? new Array(2 * nSpatial).fill(0);
  const autoPad = typeof node.attrs.auto_pad === 'string' ? node.attrs.auto_pad : 'NOTSET';
  return { kernel, strides, dil, pads, autoPad };
}

/** Weight tensor of a node's input slot (initializer / attached param), when known. */
function constShape(g: ArchGraph, node: ArchNode, name: string): number[] | null {
  const p = node.params.find((q) => q.name === name) ?? g.initializers[name];
  return p ? p.shape : null;
}

const NO_KERNEL = 'no kernel_shape, and the weight does not give one';

const conv: ShapeFn = ({ graph, node, op, ins, x }) => {
  const wIdx = op === 'QLinearConv' ? 3 : 1;
  const wName = node.inputs[wIdx] ?? '';
  const w = ins[wIdx]?.shape ?? constShape(graph, node, wName);
  if (!x) return unknown();
  if (!w) {
    if (!wName) throw new ShapeError('no weight input');
    return unknown();
  }
  const L = layoutOf(node, x.length);
  const { kernel, strides, dil, pads, autoPad } = windowAttrs(node, L.spatialAxes.length, w);
  if (!kernel) throw new ShapeError(NO_KERNEL);
  const group = attrInt(node.attrs.group, 1);
  const cin = x[L.channelAxis];
  if (cin === undefined) throw new ShapeError(`input ${formatShape(x)} has no channel axis`);
  // Output channels from the weight's element count: layout independent (ONNX OIHW, Keras HWIO).
  const m = numel(w) / (numel(kernel) * (cin / group));
  if (!Number.isInteger(m)) throw new ShapeError(`a weight of ${numel(w)} values is not a whole number of ${kernel.join('x')} kernels over ${cin} input channels in ${group} group(s)`);
  const out = x.slice();
  out[L.channelAxis] = m;
  L.spatialAxes.forEach((ax, i) => {
    out[ax] = windowOut(x[ax]!, kernel[i]!, strides[i] ?? 1, dil[i] ?? 1, pads[i] ?? 0, pads[i + kernel.length] ?? 0, autoPad, false);
  });
  return [{ shape: out }];
};

const convTranspose: ShapeFn = ({ node, ins, x }) => {
  const w = ins[1]?.shape ?? null;
  if (!x) return unknown();
  if (!w) {
    if (!node.inputs[1]) throw new ShapeError('no weight input');
    return unknown();
  }
  const a = node.attrs;
  const L = layoutOf(node, x.length);
  const ns = L.spatialAxes.length;
  const { kernel, strides, dil, pads, autoPad } = windowAttrs(node, ns, w);
  if (!kernel) throw new ShapeError(NO_KERNEL);
  const group = attrInt(a.group, 1);
  const cin = x[L.channelAxis]!;
  const m = (numel(w) * group) / (numel(kernel) * cin);
  const outPad = attrInts(a.output_padding) ?? new Array(ns).fill(0);
  const outShapeAttr = attrInts(a.output_shape);
  const out = x.slice();
  out[L.channelAxis] = m;
  L.spatialAxes.forEach((ax, i) => {
    if (outShapeAttr) {
      out[ax] = outShapeAttr[outShapeAttr.length - ns + i]!;
      return;
    }
    const st = strides[i] ?? 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') out[ax] = x[ax]! * st;
    else out[ax] = st * (x[ax]! - 1) + (outPad[i] ?? 0) + ((kernel[i]! - 1) * (dil[i] ?? 1) + 1) - (pads[i] ?? 0) - (pads[i + ns] ?? 0);
  });
  return [{ shape: out }];
};

/** Outputs: the pooled tensor, and MaxPool's optional argmax indices of the same shape. */
const pool: ShapeFn = ({ node, x }) => {
  if (!x) return unknown();
  const L = layoutOf(node, x.length);
  const { kernel, strides, dil, pads, autoPad } = windowAttrs(node, L.spatialAxes.length, null);
  if (!kernel) throw new ShapeError('no kernel_shape');
  const ceil = attrInt(node.attrs.ceil_mode, 0) === 1;
  const out = x.slice();
  L.spatialAxes.forEach((ax, i) => {
    out[ax] = windowOut(x[ax]!, kernel[i]!, strides[i] ?? 1, dil[i] ?? 1, pads[i] ?? 0, pads[i + kernel.length] ?? 0, autoPad, ceil);
  });
  return [{ shape: out }, { shape: out }];
};

const globalPool: ShapeFn = ({ node, x }) => {
  if (!x) return unknown();
  const out = x.slice();
  for (const ax of layoutOf(node, x.length).spatialAxes) out[ax] = 1;
  return [{ shape: out }];
};

export const CONV_POOL_SHAPES: Record<string, ShapeFn> = {
  Conv: conv,
  ConvInteger: conv,
  QLinearConv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
};
