/**
 * Over 450 lines: one table, a translator per Keras layer class; each entry is short and they are read by lookup, not in order.
 *
 * Keras layer → ONNX-semantics nodes, output shapes and weights.
 *
 * Each translator receives the layer config and its input shapes (Keras
 * shapes: batch first, `null` = unknown, channels-last unless
 * data_format = channels_first) and returns the nodes to emit (ONNX op names
 * and attribute names), the layer's output shapes, and the weights the layer
 * owns with their shapes computed from the config (the same formulas Keras'
 * `build()` uses). The caller swaps in weights-manifest shapes when a TF.js
 * manifest is present.
 *
 * Weights are node INPUTS in ONNX order (Conv [x, W, B], Gemm [x, W, C],
 * Gather [table, ids], BatchNormalization [x, γ, β, mean, var]) in Keras
 * layout (Conv kernel HWIO, Dense kernel [in, out]: Gemm/MatMul without
 * transB); shape inference reads output channels from the weight's element
 * count, which is layout independent.
 */
import type { AttrValue, Dim } from '../types.js';
import { table } from './table.js';

export type Shape = Dim[] | null;

export interface WeightSpec {
  /** Keras weight name within the layer (kernel, bias, gamma, moving_mean …). */
  name: string;
  shape: number[] | null;
  trainable: boolean;
  role: 'weight' | 'buffer';
}

export interface EmitNode {
  /** Suffix of the node id after the layer id ('' for the main node). */
  suffix: string;
  op: string;
  /** Inputs: '$in0', '$in1'… (layer inputs), '@kernel' (a weight), '%x' (an internal tensor), '' (omitted). */
  inputs: string[];
  /** Outputs: '$out0'… (layer outputs) or '%x' (internal tensors). */
  outputs: string[];
  attrs?: Record<string, AttrValue>;
}

export interface LayerResult {
  nodes: EmitNode[];
  outShapes: Shape[];
  weights: WeightSpec[];
}

type Cfg = Record<string, unknown>;

export class LayerConfigError extends Error {}

// ---------------------------------------------------------------- config helpers
const num = (v: unknown, dflt: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : dflt);
const bool = (v: unknown, dflt: boolean): boolean => (typeof v === 'boolean' ? v : dflt);
const str = (v: unknown, dflt: string): string => (typeof v === 'string' ? v : dflt);

/** An int or tuple config value expanded to `n` ints (kernel_size: 3 → [3, 3]). */
function tuple(v: unknown, n: number, dflt: number): number[] {
  let out: unknown[];
  if (typeof v === 'number') out = new Array(n).fill(v);
  else if (Array.isArray(v) && v.length === n) out = v;
  else if (Array.isArray(v) && v.length === 1) out = new Array(n).fill(v[0]);
  else if (v === undefined || v === null) out = new Array(n).fill(dflt);
  else throw new LayerConfigError(`expected ${n} positive integers, got ${JSON.stringify(v)}`);
  // kernel sizes, strides, dilations, pool and upsampling sizes are all positive integers
  if (!out.every((x) => Number.isSafeInteger(x) && (x as number) > 0)) throw new LayerConfigError(`expected ${n} positive integers, got ${JSON.stringify(v)}`);
  return out as number[];
}

/** An optional positive-integer config value (groups, depth_multiplier …). */
function posIntOr(cfg: Cfg, key: string, dflt: number): number {
  return cfg[key] === undefined || cfg[key] === null ? dflt : posInt(cfg, key);
}

/** A positive integer config value (units, filters …). */
function posInt(cfg: Cfg, key: string): number {
  const v = cfg[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new LayerConfigError(`'${key}' must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

const known = (d: Dim | undefined): d is number => typeof d === 'number';
const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

/** Activation name from a config value (string, or a serialized function/object in newer Keras). */
export function activationName(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as Cfg;
    const c = o.config as Cfg | undefined;
    if (typeof c === 'string') return c;
    if (c && typeof c.name === 'string') return c.name;
    if (typeof o.class_name === 'string') return o.class_name.toLowerCase();
  }
  return 'linear';
}

/** Keras activation → ONNX op (+ attrs); null for linear. Unknown names keep the Keras name as the op. */
export function activationOp(name: string): { op: string; attrs?: Record<string, AttrValue> } | null {
  switch (name.toLowerCase()) {
    case 'linear':
    case 'none':
      return null;
    case 'relu': return { op: 'Relu' };
    case 'relu6': return { op: 'Clip', attrs: { min: 0, max: 6 } };
    case 'sigmoid': return { op: 'Sigmoid' };
    case 'hard_sigmoid': return { op: 'HardSigmoid' };
    case 'tanh': return { op: 'Tanh' };
    case 'softmax': return { op: 'Softmax', attrs: { axis: -1 } };
    case 'log_softmax': return { op: 'LogSoftmax', attrs: { axis: -1 } };
    case 'elu': return { op: 'Elu' };
    case 'selu': return { op: 'Selu' };
    case 'gelu': return { op: 'Gelu' };
    case 'swish':
    case 'silu': return { op: 'Swish' };
    case 'hard_swish':
    case 'hard_silu': return { op: 'HardSwish' };
    case 'softplus': return { op: 'Softplus' };
    case 'softsign': return { op: 'Softsign' };
    case 'mish': return { op: 'Mish' };
    case 'leaky_relu': return { op: 'LeakyRelu', attrs: { alpha: 0.2 } };
    case 'exponential': return { op: 'Exp' };
    default: return { op: name };
  }
}

/** Appends the fused activation of Dense/Conv layers as its own node. */
function withActivation(main: EmitNode, cfg: Cfg): EmitNode[] {
  const act = activationOp(activationName(cfg.activation));
  if (!act) return [main];
  const out = main.outputs[0];
  main.outputs[0] = '%pre_act';
  return [main, { suffix: '/activation', op: act.op, inputs: ['%pre_act'], outputs: [out], attrs: act.attrs }];
}

function channelsFirst(cfg: Cfg): boolean {
  return str(cfg.data_format, 'channels_last') === 'channels_first';
}

/** Output length of a conv/pool window (keras conv_utils.conv_output_length). */
function convLength(len: Dim, k: number, padding: string, stride: number, dilation: number): Dim {
  if (!known(len)) return null;
  const dk = k + (k - 1) * (dilation - 1);
  let out: number;
  if (padding === 'same' || padding === 'causal') out = len;
  else if (padding === 'valid') out = len - dk + 1;
  else if (padding === 'full') out = len + dk - 1;
  else throw new LayerConfigError(`unknown padding '${padding}'`);
  return Math.floor((out + stride - 1) / stride);
}

/** keras conv_utils.deconv_output_length. */
function deconvLength(len: Dim, k: number, padding: string, stride: number, dilation: number, outPad: number | null): Dim {
  if (!known(len)) return null;
  const dk = k + (k - 1) * (dilation - 1);
  if (outPad === null) {
    if (padding === 'valid') return len * stride + Math.max(dk - stride, 0);
    if (padding === 'full') return len * stride - (stride + dk - 2);
    return len * stride;
  }
  const pad = padding === 'same' ? Math.floor(dk / 2) : padding === 'valid' ? 0 : dk - 1;
  return (len - 1) * stride + dk - 2 * pad + outPad;
}

/** ONNX window attrs for Keras padding: same → SAME_UPPER (TF pads the extra pixel at the end), causal → left pad. */
function padAttrs(padding: string, kernel: number[], dil: number[]): Record<string, AttrValue> {
  if (padding === 'same') return { auto_pad: 'SAME_UPPER' };
  if (padding === 'causal') return { pads: [...kernel.map((k, i) => (k - 1) * dil[i]!), ...kernel.map(() => 0)] };
  return { pads: new Array(kernel.length * 2).fill(0) };
}

interface Geometry {
  rank: number; // spatial rank
  cf: boolean;
  chAxis: number;
  spatial: number[]; // axes
}

function geometry(inShape: Shape, rank: number, cfg: Cfg): Geometry {
  const cf = channelsFirst(cfg);
  if (inShape && inShape.length !== rank + 2) throw new LayerConfigError(`expects a rank-${rank + 2} input, got [${inShape.join(', ')}]`);
  const spatial = Array.from({ length: rank }, (_, i) => (cf ? i + 2 : i + 1));
  return { rank, cf, chAxis: cf ? 1 : rank + 1, spatial };
}

function layoutOf(g: Geometry): 'NCHW' | 'NHWC' {
  return g.cf ? 'NCHW' : 'NHWC';
}

// ---------------------------------------------------------------- translators
type Translator = (cfg: Cfg, ins: Shape[], cls: string) => LayerResult & { layout?: 'NCHW' | 'NHWC' };

const ELEMENTWISE_SAME = (op: string, attrs?: (cfg: Cfg) => Record<string, AttrValue>): Translator => (cfg, ins) => ({
  nodes: [{ suffix: '', op, inputs: ['$in0'], outputs: ['$out0'], attrs: attrs?.(cfg) }],
  outShapes: [ins[0] ?? null],
  weights: [],
});

function conv(rank: number, opts: { transpose?: boolean } = {}): Translator {
  return (cfg, ins) => {
    const x = ins[0] ?? null;
    const g = geometry(x, rank, cfg);
    const filters = posInt(cfg, 'filters');
    const kernel = tuple(cfg.kernel_size, rank, 1);
    const strides = tuple(cfg.strides, rank, 1);
    const dil = tuple(cfg.dilation_rate, rank, 1);
    const groups = posIntOr(cfg, 'groups', 1);
    const padding = str(cfg.padding, 'valid').toLowerCase();
    const cin = x ? x[g.chAxis] : null;
    const useBias = bool(cfg.use_bias, true);
    let out: Shape = null;
    const weights: WeightSpec[] = [];
    const attrs: Record<string, AttrValue> = { kernel_shape: kernel, strides, dilations: dil, group: groups };
    if (opts.transpose) {
      const outPad = cfg.output_padding == null ? null : tuple(cfg.output_padding, rank, 0);
      weights.push({ name: 'kernel', shape: known(cin) ? [...kernel, filters / groups, cin] : null, trainable: true, role: 'weight' });
      if (x) {
        out = x.slice();
        out[g.chAxis] = filters;
        g.spatial.forEach((ax, i) => (out![ax] = deconvLength(x[ax] ?? null, kernel[i]!, padding, strides[i]!, dil[i]!, outPad ? outPad[i]! : null)));
        const sp = g.spatial.map((ax) => out![ax]);
        if (sp.every(known)) attrs.output_shape = sp as number[];
      }
      if (padding === 'same') attrs.auto_pad = 'SAME_UPPER';
    } else {
      weights.push({ name: 'kernel', shape: known(cin) ? [...kernel, cin / groups, filters] : null, trainable: true, role: 'weight' });
      Object.assign(attrs, padAttrs(padding, kernel, dil));
      if (x) {
        out = x.slice();
        out[g.chAxis] = filters;
        g.spatial.forEach((ax, i) => (out![ax] = convLength(x[ax] ?? null, kernel[i]!, padding, strides[i]!, dil[i]!)));
      }
    }
    if (useBias) weights.push({ name: 'bias', shape: [filters], trainable: true, role: 'weight' });
    const main: EmitNode = { suffix: '', op: opts.transpose ? 'ConvTranspose' : 'Conv', inputs: ['$in0', '@kernel', useBias ? '@bias' : ''], outputs: ['$out0'], attrs };
    if (!useBias) main.inputs.pop();
    return { nodes: withActivation(main, cfg), outShapes: [out], weights, layout: layoutOf(g) };
  };
}

function depthwise(rank: number, separable: boolean): Translator {
  return (cfg, ins) => {
    const x = ins[0] ?? null;
    const g = geometry(x, rank, cfg);
    const kernel = tuple(cfg.kernel_size, rank, 1);
    const strides = tuple(cfg.strides, rank, 1);
    const dil = tuple(cfg.dilation_rate, rank, 1);
    const mult = posIntOr(cfg, 'depth_multiplier', 1);
    const padding = str(cfg.padding, 'valid').toLowerCase();
    const cin = x ? x[g.chAxis] : null;
    const useBias = bool(cfg.use_bias, true);
    const dwOut = known(cin) ? cin * mult : null;
    const weights: WeightSpec[] = [{ name: 'depthwise_kernel', shape: known(cin) ? [...kernel, cin, mult] : null, trainable: true, role: 'weight' }];
    const dwAttrs: Record<string, AttrValue> = { kernel_shape: kernel, strides, dilations: dil, ...padAttrs(padding, kernel, dil) };
    if (known(cin)) dwAttrs.group = cin;
    let out: Shape = null;
    if (x) {
      out = x.slice();
      g.spatial.forEach((ax, i) => (out![ax] = convLength(x[ax] ?? null, kernel[i]!, padding, strides[i]!, dil[i]!)));
      out[g.chAxis] = dwOut;
    }
    if (!separable) {
      if (useBias) weights.push({ name: 'bias', shape: dwOut === null ? null : [dwOut], trainable: true, role: 'weight' });
      const main: EmitNode = { suffix: '', op: 'Conv', inputs: useBias ? ['$in0', '@depthwise_kernel', '@bias'] : ['$in0', '@depthwise_kernel'], outputs: ['$out0'], attrs: dwAttrs };
      return { nodes: withActivation(main, cfg), outShapes: [out], weights, layout: layoutOf(g) };
    }
    const filters = posInt(cfg, 'filters');
    weights.push({ name: 'pointwise_kernel', shape: dwOut === null ? null : [...kernel.map(() => 1), dwOut, filters], trainable: true, role: 'weight' });
    if (useBias) weights.push({ name: 'bias', shape: [filters], trainable: true, role: 'weight' });
    if (out) out[g.chAxis] = filters;
    const ones = kernel.map(() => 1);
    const nodes: EmitNode[] = [
      { suffix: '/depthwise', op: 'Conv', inputs: ['$in0', '@depthwise_kernel'], outputs: ['%dw'], attrs: dwAttrs },
      ...withActivation(
        {
          suffix: '',
          op: 'Conv',
          inputs: useBias ? ['%dw', '@pointwise_kernel', '@bias'] : ['%dw', '@pointwise_kernel'],
          outputs: ['$out0'],
          attrs: { kernel_shape: ones, strides: ones, dilations: ones, group: 1, pads: [...ones, ...ones].map(() => 0) },
        },
        cfg,
      ),
    ];
    return { nodes, outShapes: [out], weights, layout: layoutOf(g) };
  };
}

function pool(rank: number, op: 'MaxPool' | 'AveragePool'): Translator {
  return (cfg, ins) => {
    const x = ins[0] ?? null;
    const g = geometry(x, rank, cfg);
    const kernel = tuple(cfg.pool_size, rank, 2);
    const strides = cfg.strides == null ? kernel : tuple(cfg.strides, rank, 1);
    const padding = str(cfg.padding, 'valid').toLowerCase();
    let out: Shape = null;
    if (x) {
      out = x.slice();
      g.spatial.forEach((ax, i) => (out![ax] = convLength(x[ax] ?? null, kernel[i]!, padding, strides[i]!, 1)));
    }
    const attrs: Record<string, AttrValue> = { kernel_shape: kernel, strides, ...padAttrs(padding, kernel, kernel.map(() => 1)) };
    // TF's SAME average pooling excludes the padding from the mean
    if (op === 'AveragePool') attrs.count_include_pad = 0;
    return { nodes: [{ suffix: '', op, inputs: ['$in0'], outputs: ['$out0'], attrs }], outShapes: [out], weights: [], layout: layoutOf(g) };
  };
}

function globalPool(rank: number, op: 'GlobalAveragePool' | 'GlobalMaxPool'): Translator {
  return (cfg, ins) => {
    const x = ins[0] ?? null;
    const g = geometry(x, rank, cfg);
    const keep = bool(cfg.keepdims, false);
    let kept: Shape = null;
    if (x) {
      kept = x.slice();
      for (const ax of g.spatial) kept[ax] = 1;
    }
    if (keep) return { nodes: [{ suffix: '', op, inputs: ['$in0'], outputs: ['$out0'] }], outShapes: [kept], weights: [], layout: layoutOf(g) };
    // Keras drops the pooled axes: GlobalXPool (dims kept) → Flatten, as PyTorch exports do
    const out: Shape = x ? [x[0] ?? null, x[g.chAxis] ?? null] : null;
    return {
      nodes: [
        { suffix: '', op, inputs: ['$in0'], outputs: ['%pooled'] },
        { suffix: '/flatten', op: 'Flatten', inputs: ['%pooled'], outputs: ['$out0'], attrs: { axis: 1 } },
      ],
      outShapes: [out],
      weights: [],
      layout: layoutOf(g),
    };
  };
}

const dense: Translator = (cfg, ins) => {
  const x = ins[0] ?? null;
  const units = posInt(cfg, 'units');
  const cin = x ? x[x.length - 1] : null;
  const useBias = bool(cfg.use_bias, true);
  const weights: WeightSpec[] = [{ name: 'kernel', shape: known(cin) ? [cin, units] : null, trainable: true, role: 'weight' }];
  if (useBias) weights.push({ name: 'bias', shape: [units], trainable: true, role: 'weight' });
  const out: Shape = x ? [...x.slice(0, -1), units] : null;
  let nodes: EmitNode[];
  if (x && x.length === 2) {
    const main: EmitNode = { suffix: '', op: 'Gemm', inputs: useBias ? ['$in0', '@kernel', '@bias'] : ['$in0', '@kernel'], outputs: ['$out0'], attrs: { transB: 0 } };
    nodes = withActivation(main, cfg);
  } else {
    // Dense on rank > 2 (applied to the last axis): MatMul (+ Add), as tf2onnx exports it
    const mm: EmitNode = { suffix: '', op: 'MatMul', inputs: ['$in0', '@kernel'], outputs: ['$out0'] };
    nodes = useBias ? [{ ...mm, outputs: ['%mm'] }, { suffix: '/bias_add', op: 'Add', inputs: ['%mm', '@bias'], outputs: ['$out0'] }] : [mm];
    const last = nodes[nodes.length - 1]!;
    nodes = [...nodes.slice(0, -1), ...withActivation(last, cfg)];
  }
  return { nodes, outShapes: [out], weights };
};

/** Normalised axis list of a norm layer (axis may be an int or a list; default -1). */
function axesOf(v: unknown, rank: number | null): number[] {
  const list = Array.isArray(v) ? (v as unknown[]) : [v ?? -1];
  return list.map((a) => {
    const n = num(a, -1);
    return n < 0 && rank !== null ? n + rank : n;
  });
}

const batchNorm: Translator = (cfg, ins) => {
  const x = ins[0] ?? null;
  const axes = axesOf(cfg.axis, x ? x.length : null);
  const dims = x ? axes.map((a) => x[a]) : [];
  const c = x && dims.every(known) ? prod(dims as number[]) : null;
  const shape = c === null ? null : [c];
  const scale = bool(cfg.scale, true);
  const center = bool(cfg.center, true);
  const weights: WeightSpec[] = [];
  if (scale) weights.push({ name: 'gamma', shape, trainable: true, role: 'weight' });
  if (center) weights.push({ name: 'beta', shape, trainable: true, role: 'weight' });
  weights.push({ name: 'moving_mean', shape, trainable: false, role: 'buffer' }, { name: 'moving_variance', shape, trainable: false, role: 'buffer' });
  const channelsLast = x ? axes.length === 1 && axes[0] === x.length - 1 && x.length > 2 : true;
  return {
    nodes: [
      {
        suffix: '',
        op: 'BatchNormalization',
        inputs: ['$in0', scale ? '@gamma' : '', center ? '@beta' : '', '@moving_mean', '@moving_variance'],
        outputs: ['$out0'],
        attrs: { epsilon: num(cfg.epsilon, 1e-3), momentum: num(cfg.momentum, 0.99) },
      },
    ],
    outShapes: [x],
    weights,
    layout: channelsLast ? 'NHWC' : 'NCHW',
  };
};

const layerNorm: Translator = (cfg, ins) => {
  const x = ins[0] ?? null;
  const axes = axesOf(cfg.axis, x ? x.length : null);
  const dims = x ? axes.map((a) => x[a]) : [];
  const shape = x && dims.every(known) ? (dims as number[]) : null;
  const scale = bool(cfg.scale, true);
  const center = bool(cfg.center, true);
  const weights: WeightSpec[] = [];
  if (scale) weights.push({ name: 'gamma', shape, trainable: true, role: 'weight' });
  if (center) weights.push({ name: 'beta', shape, trainable: true, role: 'weight' });
  return {
    nodes: [
      {
        suffix: '',
        op: 'LayerNormalization',
        inputs: ['$in0', scale ? '@gamma' : '', center ? '@beta' : ''],
        outputs: ['$out0'],
        attrs: { axis: Math.min(...axes) - (x ? x.length : 0), epsilon: num(cfg.epsilon, 1e-3) },
      },
    ],
    outShapes: [x],
    weights,
  };
};

const groupNorm: Translator = (cfg, ins) => {
  const x = ins[0] ?? null;
  const axis = axesOf(cfg.axis, x ? x.length : null)[0]!;
  const c = x ? x[axis] ?? null : null;
  const shape = known(c) ? [c] : null;
  const weights: WeightSpec[] = [];
  if (bool(cfg.scale, true)) weights.push({ name: 'gamma', shape, trainable: true, role: 'weight' });
  if (bool(cfg.center, true)) weights.push({ name: 'beta', shape, trainable: true, role: 'weight' });
  return {
    nodes: [{ suffix: '', op: 'GroupNormalization', inputs: ['$in0', weights[0] ? '@gamma' : '', weights[1] ? '@beta' : ''], outputs: ['$out0'], attrs: { num_groups: num(cfg.groups, 32), epsilon: num(cfg.epsilon, 1e-3) } }],
    outShapes: [x],
    weights,
    layout: x && axis === x.length - 1 ? 'NHWC' : 'NCHW',
  };
};

const activationLayer: Translator = (cfg, ins) => {
  const act = activationOp(activationName(cfg.activation));
  const x = ins[0] ?? null;
  if (!act) return { nodes: [{ suffix: '', op: 'Identity', inputs: ['$in0'], outputs: ['$out0'] }], outShapes: [x], weights: [] };
  return { nodes: [{ suffix: '', op: act.op, inputs: ['$in0'], outputs: ['$out0'], attrs: act.attrs }], outShapes: [x], weights: [] };
};

const reluLayer: Translator = (cfg, ins) => {
  const max = cfg.max_value;
  const slope = num(cfg.negative_slope, 0);
  const thr = num(cfg.threshold, 0);
  let node: EmitNode;
  if (typeof max === 'number' && slope === 0 && thr === 0) node = { suffix: '', op: 'Clip', inputs: ['$in0'], outputs: ['$out0'], attrs: { min: 0, max } };
  else if (slope !== 0) node = { suffix: '', op: 'LeakyRelu', inputs: ['$in0'], outputs: ['$out0'], attrs: { alpha: slope } };
  else if (thr !== 0) node = { suffix: '', op: 'ThresholdedRelu', inputs: ['$in0'], outputs: ['$out0'], attrs: { alpha: thr } };
  else node = { suffix: '', op: 'Relu', inputs: ['$in0'], outputs: ['$out0'] };
  return { nodes: [node], outShapes: [ins[0] ?? null], weights: [] };
};

const prelu: Translator = (cfg, ins) => {
  const x = ins[0] ?? null;
  const shared = Array.isArray(cfg.shared_axes) ? (cfg.shared_axes as number[]) : cfg.shared_axes == null ? [] : [num(cfg.shared_axes, 0)];
  let shape: number[] | null = null;
  if (x) {
    const s = x.slice(1).map((d, i) => (shared.includes(i + 1) ? 1 : d));
    if (s.every(known)) shape = s as number[];
  }
  return {
    nodes: [{ suffix: '', op: 'PRelu', inputs: ['$in0', '@alpha'], outputs: ['$out0'] }],
    outShapes: [x],
    weights: [{ name: 'alpha', shape, trainable: true, role: 'weight' }],
  };
};

const flatten: Translator = (_cfg, ins) => {
  const x = ins[0] ?? null;
  const rest = x ? x.slice(1) : [];
  const out: Shape = x ? [x[0] ?? null, rest.every(known) ? prod(rest as number[]) : null] : null;
  return { nodes: [{ suffix: '', op: 'Flatten', inputs: ['$in0'], outputs: ['$out0'], attrs: { axis: 1 } }], outShapes: [out], weights: [] };
};

const reshape: Translator = (cfg, ins) => {
  const x = ins[0] ?? null;
  const target = Array.isArray(cfg.target_shape) ? (cfg.target_shape as number[]) : null;
  if (!target) throw new LayerConfigError('Reshape without target_shape');
  let t: Dim[] = target.slice();
  if (x) {
    const total = x.slice(1);
    const neg = t.indexOf(-1);
    if (neg >= 0 && total.every(known)) {
      const rest = t.filter((d, i) => i !== neg) as number[];
      t[neg] = prod(total as number[]) / prod(rest);
    } else if (neg >= 0) t[neg] = null;
  } else t = t.map((d) => (d === -1 ? null : d));
  return {
    nodes: [{ suffix: '', op: 'Reshape', inputs: ['$in0'], outputs: ['$out0'], attrs: { shape: [0, ...target] } }],
    outShapes: [[x ? x[0] ?? null : null, ...t]],
    weights: [],
  };
};

const permute: Translator = (cfg, ins) => {
  const dims = Array.isArray(cfg.dims) ? (cfg.dims as number[]) : [];
  const x = ins[0] ?? null;
  const perm = [0, ...dims];
  return { nodes: [{ suffix: '', op: 'Transpose', inputs: ['$in0'], outputs: ['$out0'], attrs: { perm } }], outShapes: [x ? perm.map((p) => x[p] ?? null) : null], weights: [] };
};

function broadcastShapes(shapes: Shape[]): Shape {
  if (shapes.some((s) => !s)) return null;
  const ss = shapes as Dim[][];
  const r = Math.max(...ss.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < r; i++) {
    let d: Dim = 1;
    for (const s of ss) {
      const v = s[s.length - r + i];
      if (v === undefined || v === 1) continue;
      d = d === 1 ? v : known(d) && known(v) ? Math.max(d, v) : d ?? v;
    }
    out.push(d);
  }
  return out;
}

/** Add/Subtract/Multiply/Average/Maximum/Minimum: n-ary merges become a chain (or Sum/Mean/Max/Min). */
function merge(op: string, nary: string | null): Translator {
  return (_cfg, ins) => {
    const out = broadcastShapes(ins);
    const n = ins.length;
    if (n < 2) throw new LayerConfigError(`a merge layer needs at least 2 inputs, got ${n}`);
    if (n === 2 || !nary) {
      const nodes: EmitNode[] = [];
      let acc = '$in0';
      for (let i = 1; i < n; i++) {
        const o = i === n - 1 ? '$out0' : `%acc${i}`;
        nodes.push({ suffix: i === 1 ? '' : `/${i}`, op, inputs: [acc, `$in${i}`], outputs: [o] });
        acc = o;
      }
      return { nodes, outShapes: [out], weights: [] };
    }
    return { nodes: [{ suffix: '', op: nary, inputs: ins.map((_, i) => `$in${i}`), outputs: ['$out0'] }], outShapes: [out], weights: [] };
  };
}

const concatenate: Translator = (cfg, ins) => {
  const axis = num(cfg.axis, -1);
  let out: Shape = null;
  if (ins.every((s) => s)) {
    const ss = ins as Dim[][];
    const r = ss[0]!.length;
    const ax = axis < 0 ? axis + r : axis;
    out = ss[0]!.slice();
    const parts = ss.map((s) => s[ax]);
    out[ax] = parts.every(known) ? (parts as number[]).reduce((a, b) => a + b, 0) : null;
  }
  return { nodes: [{ suffix: '', op: 'Concat', inputs: ins.map((_, i) => `$in${i}`), outputs: ['$out0'], attrs: { axis } }], outShapes: [out], weights: [] };
};

const embedding: Translator = (cfg, ins) => {
  const x = ins[0] ?? null;
  const vocab = posInt(cfg, 'input_dim');
  const dim = posInt(cfg, 'output_dim');
  return {
    nodes: [{ suffix: '', op: 'Gather', inputs: ['@embeddings', '$in0'], outputs: ['$out0'], attrs: { axis: 0 } }],
    outShapes: [x ? [...x, dim] : null],
    weights: [{ name: 'embeddings', shape: [vocab, dim], trainable: true, role: 'weight' }],
  };
};

/** Keras activation names → the ONNX recurrent ops' activation names. */
const ONNX_RECURRENT_FN: Record<string, string> = table({
  sigmoid: 'Sigmoid', hard_sigmoid: 'HardSigmoid', tanh: 'Tanh', relu: 'Relu', elu: 'Elu', softsign: 'Softsign', softplus: 'Softplus', linear: 'Affine',
});

/**
 * The ONNX `activations` attribute of a Keras recurrent layer, per direction
 * (LSTM: f = recurrent_activation, g = h = activation; GRU: f, g; RNN: the
 * activation), so that the gate functions a model really uses (an older
 * Keras LSTM's hard_sigmoid) reach the `activations` fact. Only when the
 * config names them; otherwise ONNX's defaults hold, which are Keras' too.
 */
function recurrentActivations(cell: 'LSTM' | 'GRU' | 'RNN', cfg: Cfg): string[] | null {
  if (cfg.activation === undefined && cfg.recurrent_activation === undefined) return null;
  const fn = (v: unknown, dflt: string) => ONNX_RECURRENT_FN[v === undefined ? dflt : activationName(v)] ?? null;
  const g = fn(cfg.activation, 'tanh');
  const f = fn(cfg.recurrent_activation, 'sigmoid');
  const names = cell === 'LSTM' ? [f, g, g] : cell === 'GRU' ? [f, g] : [g];
  // An activation ONNX's cells cannot name (swish …): leave the attribute out rather than claim another function.
  return names.every((n): n is string => n !== null) ? names : null;
}

/**
 * LSTM / GRU / SimpleRNN (optionally inside Bidirectional): one ONNX LSTM/GRU/RNN
 * node, batch-major (layout = 1), then plumbing to Keras' output shape
 * (return_sequences → [batch, time, dirs·units], else [batch, dirs·units]).
 */
function recurrent(cell: 'LSTM' | 'GRU' | 'RNN', cfg: Cfg, ins: Shape[], bidirectional: boolean, prefixes: string[]): LayerResult {
  const x = ins[0] ?? null;
  const units = posInt(cfg, 'units');
  const gates = cell === 'LSTM' ? 4 : cell === 'GRU' ? 3 : 1;
  const cin = x ? x[x.length - 1] : null;
  const useBias = bool(cfg.use_bias, true);
  const resetAfter = cell === 'GRU' && bool(cfg.reset_after, true);
  const weights: WeightSpec[] = [];
  for (const p of prefixes) {
    weights.push({ name: `${p}kernel`, shape: known(cin) ? [cin, gates * units] : null, trainable: true, role: 'weight' });
    weights.push({ name: `${p}recurrent_kernel`, shape: [units, gates * units], trainable: true, role: 'weight' });
    if (useBias) weights.push({ name: `${p}bias`, shape: resetAfter ? [2, gates * units] : [gates * units], trainable: true, role: 'weight' });
  }
  const dirs = bidirectional ? 2 : 1;
  const seq = bool(cfg.return_sequences, false);
  const attrs: Record<string, AttrValue> = {
    hidden_size: units,
    direction: bidirectional ? 'bidirectional' : bool(cfg.go_backwards, false) ? 'reverse' : 'forward',
    layout: 1,
  };
  if (cell === 'GRU') attrs.linear_before_reset = resetAfter ? 1 : 0;
  const gateFns = recurrentActivations(cell, cfg);
  if (gateFns) attrs.activations = Array.from({ length: dirs }, () => gateFns).flat();
  const inputs = ['$in0', ...weights.map((w) => `@${w.name}`)];
  const batch = x ? x[0] ?? null : null;
  const time = x ? x[1] ?? null : null;
  const nodes: EmitNode[] = [
    { suffix: '', op: cell, inputs, outputs: ['%Y', '%Y_h', ...(cell === 'LSTM' ? ['%Y_c'] : [])], attrs },
    seq
      ? { suffix: '/sequence', op: 'Reshape', inputs: ['%Y'], outputs: ['$out0'], attrs: { shape: [0, 0, dirs * units] } }
      : { suffix: '/last', op: 'Reshape', inputs: ['%Y_h'], outputs: ['$out0'], attrs: { shape: [0, dirs * units] } },
  ];
  const outShapes: Shape[] = [seq ? [batch, time, dirs * units] : [batch, dirs * units]];
  if (bool(cfg.return_state, false) && !bidirectional) {
    nodes.push({ suffix: '/state_h', op: 'Reshape', inputs: ['%Y_h'], outputs: ['$out1'], attrs: { shape: [0, units] } });
    outShapes.push([batch, units]);
    if (cell === 'LSTM') {
      nodes.push({ suffix: '/state_c', op: 'Reshape', inputs: ['%Y_c'], outputs: ['$out2'], attrs: { shape: [0, units] } });
      outShapes.push([batch, units]);
    }
  }
  return { nodes, outShapes, weights };
}

const RNN_CELLS: Record<string, 'LSTM' | 'GRU' | 'RNN'> = table({ LSTM: 'LSTM', CuDNNLSTM: 'LSTM', GRU: 'GRU', CuDNNGRU: 'GRU', SimpleRNN: 'RNN' });

const bidirectionalLayer: Translator = (cfg, ins) => {
  const inner = cfg.layer as Cfg | undefined;
  const cls = inner && typeof inner.class_name === 'string' ? inner.class_name : '';
  const cell = RNN_CELLS[cls];
  if (!cell || !inner?.config) throw new LayerConfigError(`Bidirectional over '${cls || 'unknown'}' is not supported`);
  const mode = str(cfg.merge_mode, 'concat');
  const r = recurrent(cell, inner.config as Cfg, ins, true, ['forward_', 'backward_']);
  if (mode !== 'concat') {
    // sum/mul/ave keep `units` features: express as the concat result reduced pairwise (shape only)
    const units = posInt(inner.config as Cfg, 'units');
    const s = r.outShapes[0]!;
    r.outShapes[0] = s ? [...s.slice(0, -1), units] : null;
    const last = r.nodes[r.nodes.length - 1]!;
    last.attrs = { shape: bool((inner.config as Cfg).return_sequences, false) ? [0, 0, 2, units] : [0, 2, units] };
    last.outputs = ['%pair'];
    r.nodes.push({ suffix: '/merge', op: mode === 'mul' ? 'ReduceProd' : mode === 'ave' ? 'ReduceMean' : 'ReduceSum', inputs: ['%pair'], outputs: ['$out0'], attrs: { axes: [-2], keepdims: 0 } });
  }
  return r;
};

/**
 * Keras MultiHeadAttention, decomposed as Keras computes it (EinsumDense
 * projections, scaled dot product, softmax, output projection), so MACs and
 * the attention block are visible to the analysis.
 */
const multiHeadAttention: Translator = (cfg, ins) => {
  const q = ins[0] ?? null;
  const v = ins[1] ?? q;
  const k = ins[2] ?? v;
  const heads = posInt(cfg, 'num_heads');
  const keyDim = posInt(cfg, 'key_dim');
  const valueDim = posIntOr(cfg, 'value_dim', keyDim);
  const eq = q ? q[q.length - 1] : null;
  const ek = k ? k[k.length - 1] : null;
  const ev = v ? v[v.length - 1] : null;
  const outDim = cfg.output_shape === undefined || cfg.output_shape === null ? eq : Array.isArray(cfg.output_shape) ? posInt({ output_shape: cfg.output_shape[0] }, 'output_shape') : posInt(cfg, 'output_shape');
  const useBias = bool(cfg.use_bias, true);
  const W = (name: string, shape: Dim[]): WeightSpec => ({ name, shape: shape.every(known) ? (shape as number[]) : null, trainable: true, role: 'weight' });
  const weights: WeightSpec[] = [W('query/kernel', [eq, heads, keyDim])];
  if (useBias) weights.push(W('query/bias', [heads, keyDim]));
  weights.push(W('key/kernel', [ek, heads, keyDim]));
  if (useBias) weights.push(W('key/bias', [heads, keyDim]));
  weights.push(W('value/kernel', [ev, heads, valueDim]));
  if (useBias) weights.push(W('value/bias', [heads, valueDim]));
  weights.push(W('attention_output/kernel', [heads, valueDim, outDim ?? null]));
  if (useBias) weights.push(W('attention_output/bias', [outDim ?? null]));
  const proj = (name: string, input: string, out: string): EmitNode[] => [
    { suffix: `/${name}`, op: 'Einsum', inputs: [input, `@${name}/kernel`], outputs: [useBias ? `%${out}0` : `%${out}`], attrs: { equation: 'abc,cde->abde' } },
    ...(useBias ? [{ suffix: `/${name}/bias_add`, op: 'Add', inputs: [`%${out}0`, `@${name}/bias`], outputs: [`%${out}`] }] : []),
  ];
  const kIn = ins.length > 2 ? '$in2' : ins.length > 1 ? '$in1' : '$in0';
  const vIn = ins.length > 1 ? '$in1' : '$in0';
  const nodes: EmitNode[] = [
    ...proj('query', '$in0', 'q'),
    ...proj('key', kIn, 'k'),
    ...proj('value', vIn, 'v'),
    { suffix: '/scale', op: 'Mul', inputs: ['%q', '%inv_sqrt_dk'], outputs: ['%qs'] },
    { suffix: '/scores', op: 'Einsum', inputs: ['%k', '%qs'], outputs: ['%scores'], attrs: { equation: 'aecd,abcd->acbe' } },
    { suffix: '/softmax', op: 'Softmax', inputs: ['%scores'], outputs: ['%probs'], attrs: { axis: -1 } },
    { suffix: '/context', op: 'Einsum', inputs: ['%probs', '%v'], outputs: ['%ctx'], attrs: { equation: 'acbe,aecd->abcd' } },
    { suffix: '/attention_output', op: 'Einsum', inputs: ['%ctx', '@attention_output/kernel'], outputs: [useBias ? '%o0' : '$out0'], attrs: { equation: 'abcd,cde->abe' } },
    ...(useBias ? [{ suffix: '/attention_output/bias_add', op: 'Add', inputs: ['%o0', '@attention_output/bias'], outputs: ['$out0'] }] : []),
  ];
  // 1/√key_dim as a Constant node (not a weight)
  nodes.unshift({ suffix: '/inv_sqrt_dk', op: 'Constant', inputs: [], outputs: ['%inv_sqrt_dk'], attrs: { value_float: 1 / Math.sqrt(keyDim) } });
  return { nodes, outShapes: [q ? [...q.slice(0, -1), outDim ?? null] : null], weights };
};

const zeroPadding = (rank: number): Translator => (cfg, ins) => {
  const x = ins[0] ?? null;
  const g = geometry(x, rank, cfg);
  const p = cfg.padding;
  let pairs: number[][];
  if (typeof p === 'number') pairs = new Array(rank).fill([p, p]);
  else if (Array.isArray(p) && p.every((e) => typeof e === 'number')) pairs = rank === 1 ? [p as number[]] : (p as number[]).map((e) => [e, e]);
  else if (Array.isArray(p)) pairs = (p as unknown[]).map((e) => (typeof e === 'number' ? [e, e] : (e as number[])));
  else pairs = new Array(rank).fill([1, 1]);
  const begin = new Array(rank + 2).fill(0);
  const end = new Array(rank + 2).fill(0);
  g.spatial.forEach((ax, i) => {
    begin[ax] = pairs[i]![0];
    end[ax] = pairs[i]![1];
  });
  const out = x ? x.map((d, i) => (known(d) ? d + begin[i] + end[i] : d)) : null;
  return { nodes: [{ suffix: '', op: 'Pad', inputs: ['$in0'], outputs: ['$out0'], attrs: { pads: [...begin, ...end], mode: 'constant' } }], outShapes: [out], weights: [], layout: layoutOf(g) };
};

const upSampling = (rank: number): Translator => (cfg, ins) => {
  const x = ins[0] ?? null;
  const g = geometry(x, rank, cfg);
  const size = tuple(cfg.size, rank, 2);
  const scales = new Array(rank + 2).fill(1);
  g.spatial.forEach((ax, i) => (scales[ax] = size[i]));
  const out = x ? x.map((d, i) => (known(d) ? d * scales[i] : d)) : null;
  const mode = str(cfg.interpolation, 'nearest') === 'nearest' ? 'nearest' : 'linear';
  return { nodes: [{ suffix: '', op: 'Upsample', inputs: ['$in0'], outputs: ['$out0'], attrs: { scales, mode } }], outShapes: [out], weights: [], layout: layoutOf(g) };
};

/** Cropping1D/2D/3D → Slice over the spatial axes (ONNX opset-1 style attrs: starts/ends/axes). */
const cropping = (rank: number): Translator => (cfg, ins) => {
  const x = ins[0] ?? null;
  const g = geometry(x, rank, cfg);
  const c = cfg.cropping;
  let pairs: number[][];
  if (typeof c === 'number') pairs = new Array(rank).fill([c, c]);
  else if (Array.isArray(c) && c.every((e) => typeof e === 'number')) pairs = rank === 1 ? [c as number[]] : (c as number[]).map((e) => [e, e]);
  else if (Array.isArray(c)) pairs = (c as unknown[]).map((e) => (typeof e === 'number' ? [e, e] : (e as number[])));
  else pairs = new Array(rank).fill([rank === 1 ? 1 : 0, rank === 1 ? 1 : 0]);
  if (pairs.length !== rank || !pairs.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isSafeInteger(v) && v >= 0))) {
    throw new LayerConfigError(`cropping must give ${rank} pairs of non-negative integers, got ${JSON.stringify(c)}`);
  }
  const out = x ? x.slice() : null;
  g.spatial.forEach((ax, i) => {
    if (out && known(out[ax])) out[ax] = (out[ax] as number) - pairs[i]![0]! - pairs[i]![1]!;
  });
  const INT_MAX = 2147483647;
  return {
    nodes: [{ suffix: '', op: 'Slice', inputs: ['$in0'], outputs: ['$out0'], attrs: { axes: g.spatial, starts: pairs.map((p) => p[0]!), ends: pairs.map((p) => (p[1] ? -p[1] : INT_MAX)) } }],
    outShapes: [out],
    weights: [],
    layout: layoutOf(g),
  };
};

/** RepeatVector(n): [batch, f] → [batch, n, f], as Unsqueeze + Tile. */
const repeatVector: Translator = (cfg, ins) => {
  const x = ins[0] ?? null;
  const n = posInt(cfg, 'n');
  const nodes: EmitNode[] = [
      { suffix: '/unsqueeze', op: 'Unsqueeze', inputs: ['$in0'], outputs: ['%u'], attrs: { axes: [1] } },
      { suffix: '/repeats', op: 'Constant', inputs: [], outputs: ['%reps'], attrs: { value_ints: [1, n, 1] } },
      { suffix: '', op: 'Tile', inputs: ['%u', '%reps'], outputs: ['$out0'] },
  ];
  return {
    nodes,
    outShapes: [x ? [x[0] ?? null, n, ...x.slice(1)] : null],
    weights: [],
  };
};

/** Layers that act on the last axis or elementwise: TimeDistributed(layer) is the layer itself. */
const PER_STEP = new Set(['Dense', 'Activation', 'Dropout', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax', 'LayerNormalization']);

/**
 * TimeDistributed(layer): the inner layer applied to every step of axis 1.
 * Dense-like inner layers translate as themselves (they already act on the
 * last axis); others become one TimeDistributed node whose weights and
 * output shape are those of the inner layer on one step.
 */
const timeDistributed: Translator = (cfg, ins) => {
  const inner = cfg.layer as Cfg | undefined;
  const cls = inner && typeof inner.class_name === 'string' ? inner.class_name : '';
  const icfg = (inner?.config ?? {}) as Cfg;
  const tr = Object.hasOwn(TRANSLATORS, cls) ? TRANSLATORS[cls] : undefined;
  if (!tr) throw new LayerConfigError(`TimeDistributed over '${cls || 'unknown'}' is not supported`);
  const x = ins[0] ?? null;
  if (PER_STEP.has(cls)) return tr(icfg, ins, cls);
  const step = x ? [x[0] ?? null, ...x.slice(2)] : null;
  const r = tr(icfg, [step], cls);
  const o = r.outShapes[0] ?? null;
  return {
    nodes: [{ suffix: '', op: 'TimeDistributed', inputs: ['$in0', ...r.weights.map((w) => `@${w.name}`)], outputs: ['$out0'], attrs: { layer: cls } }],
    outShapes: [o && x ? [o[0] ?? null, x[1] ?? null, ...o.slice(1)] : null],
    weights: r.weights,
    layout: r.layout,
  };
};

const dropout = ELEMENTWISE_SAME('Dropout', (cfg) => ({ ratio: num(cfg.rate, 0.5) }));
const identity = ELEMENTWISE_SAME('Identity');

const softmaxLayer: Translator = (cfg, ins) => ({
  nodes: [{ suffix: '', op: 'Softmax', inputs: ['$in0'], outputs: ['$out0'], attrs: { axis: typeof cfg.axis === 'number' ? cfg.axis : -1 } }],
  outShapes: [ins[0] ?? null],
  weights: [],
});

const rescaling: Translator = (cfg, ins) => ({
  nodes: [
    { suffix: '/scale', op: 'Constant', inputs: [], outputs: ['%scale'], attrs: { value_float: num(cfg.scale, 1) } },
    { suffix: '/offset', op: 'Constant', inputs: [], outputs: ['%offset'], attrs: { value_float: num(cfg.offset, 0) } },
    { suffix: '', op: 'Mul', inputs: ['$in0', '%scale'], outputs: ['%scaled'] },
    { suffix: '/add', op: 'Add', inputs: ['%scaled', '%offset'], outputs: ['$out0'] },
  ],
  outShapes: [ins[0] ?? null],
  weights: [],
});

/** Keras Normalization (preprocessing): (x − mean) / √variance with adapted, non-learned statistics. */
const normalization: Translator = (cfg, ins) => {
  const x = ins[0] ?? null;
  const axes = axesOf(cfg.axis, x ? x.length : null);
  const dims = x ? axes.map((a) => x[a]) : [];
  const shape = x && dims.every(known) ? (dims as number[]) : null;
  return {
    nodes: [
      { suffix: '', op: 'Sub', inputs: ['$in0', '@mean'], outputs: ['%centered'] },
      { suffix: '/sqrt', op: 'Sqrt', inputs: ['@variance'], outputs: ['%std'] },
      { suffix: '/div', op: 'Div', inputs: ['%centered', '%std'], outputs: ['$out0'] },
    ],
    outShapes: [x],
    weights: [
      { name: 'mean', shape, trainable: false, role: 'buffer' },
      { name: 'variance', shape, trainable: false, role: 'buffer' },
      { name: 'count', shape: [], trainable: false, role: 'buffer' },
    ],
  };
};

const TFOP_MAP: Record<string, string> = table({
  '__operators__.add': 'Add', 'math.add': 'Add', 'math.subtract': 'Sub', 'math.multiply': 'Mul', 'math.truediv': 'Div',
  'nn.relu': 'Relu', 'nn.relu6': 'Clip', 'math.sigmoid': 'Sigmoid', 'nn.sigmoid': 'Sigmoid', 'math.tanh': 'Tanh',
  'nn.silu': 'Swish', 'nn.swish': 'Swish', 'nn.gelu': 'Gelu', 'nn.softmax': 'Softmax', 'math.reduce_mean': 'ReduceMean',
});

/** TFOpLambda: a TF function called in the functional API (tf.nn.relu(x) …); known elementwise ones map to ops. */
const tfOpLambda: Translator = (cfg, ins) => {
  const fn = str(cfg.function, '');
  const op = TFOP_MAP[fn] ?? `tf.${fn || 'op'}`;
  const attrs = op === 'Clip' ? { min: 0, max: 6 } : undefined;
  const elementwise = op in { Relu: 1, Clip: 1, Sigmoid: 1, Tanh: 1, Swish: 1, Gelu: 1, Softmax: 1 };
  const binary = op in { Add: 1, Sub: 1, Mul: 1, Div: 1 };
  const out = elementwise ? ins[0] ?? null : binary ? broadcastShapes(ins.length ? ins : [null]) : null;
  return { nodes: [{ suffix: '', op, inputs: ins.map((_, i) => `$in${i}`), outputs: ['$out0'], attrs }], outShapes: [out], weights: [] };
};

export const TRANSLATORS: Record<string, Translator> = table({
  Dense: dense,
  Conv1D: conv(1), Conv2D: conv(2), Conv3D: conv(3),
  Convolution1D: conv(1), Convolution2D: conv(2), Convolution3D: conv(3),
  Conv1DTranspose: conv(1, { transpose: true }), Conv2DTranspose: conv(2, { transpose: true }), Conv3DTranspose: conv(3, { transpose: true }),
  Deconvolution2D: conv(2, { transpose: true }),
  DepthwiseConv1D: depthwise(1, false), DepthwiseConv2D: depthwise(2, false),
  SeparableConv1D: depthwise(1, true), SeparableConv2D: depthwise(2, true),
  SeparableConvolution1D: depthwise(1, true), SeparableConvolution2D: depthwise(2, true),
  MaxPooling1D: pool(1, 'MaxPool'), MaxPooling2D: pool(2, 'MaxPool'), MaxPooling3D: pool(3, 'MaxPool'),
  MaxPool1D: pool(1, 'MaxPool'), MaxPool2D: pool(2, 'MaxPool'), MaxPool3D: pool(3, 'MaxPool'),
  AveragePooling1D: pool(1, 'AveragePool'), AveragePooling2D: pool(2, 'AveragePool'), AveragePooling3D: pool(3, 'AveragePool'),
  AvgPool1D: pool(1, 'AveragePool'), AvgPool2D: pool(2, 'AveragePool'), AvgPool3D: pool(3, 'AveragePool'),
  GlobalAveragePooling1D: globalPool(1, 'GlobalAveragePool'), GlobalAveragePooling2D: globalPool(2, 'GlobalAveragePool'),
  GlobalAveragePooling3D: globalPool(3, 'GlobalAveragePool'),
  GlobalAvgPool1D: globalPool(1, 'GlobalAveragePool'), GlobalAvgPool2D: globalPool(2, 'GlobalAveragePool'),
  GlobalMaxPooling1D: globalPool(1, 'GlobalMaxPool'), GlobalMaxPooling2D: globalPool(2, 'GlobalMaxPool'), GlobalMaxPooling3D: globalPool(3, 'GlobalMaxPool'),
  GlobalMaxPool1D: globalPool(1, 'GlobalMaxPool'), GlobalMaxPool2D: globalPool(2, 'GlobalMaxPool'),
  BatchNormalization: batchNorm, SyncBatchNormalization: batchNorm,
  LayerNormalization: layerNorm, GroupNormalization: groupNorm,
  Activation: activationLayer, ReLU: reluLayer, PReLU: prelu, Softmax: softmaxLayer,
  LeakyReLU: (cfg, ins) => ({ nodes: [{ suffix: '', op: 'LeakyRelu', inputs: ['$in0'], outputs: ['$out0'], attrs: { alpha: num(cfg.negative_slope ?? cfg.alpha, 0.3) } }], outShapes: [ins[0] ?? null], weights: [] }),
  ELU: (cfg, ins) => ({ nodes: [{ suffix: '', op: 'Elu', inputs: ['$in0'], outputs: ['$out0'], attrs: { alpha: num(cfg.alpha, 1) } }], outShapes: [ins[0] ?? null], weights: [] }),
  ThresholdedReLU: (cfg, ins) => ({ nodes: [{ suffix: '', op: 'ThresholdedRelu', inputs: ['$in0'], outputs: ['$out0'], attrs: { alpha: num(cfg.theta, 1) } }], outShapes: [ins[0] ?? null], weights: [] }),
  Flatten: flatten, Reshape: reshape, Permute: permute,
  Dropout: dropout, SpatialDropout1D: dropout, SpatialDropout2D: dropout, SpatialDropout3D: dropout, AlphaDropout: dropout,
  GaussianDropout: dropout, GaussianNoise: identity, ActivityRegularization: identity, Masking: identity,
  Add: merge('Add', 'Sum'), Subtract: merge('Sub', null), Multiply: merge('Mul', null), Average: merge('Mean', 'Mean'),
  Maximum: merge('Max', 'Max'), Minimum: merge('Min', 'Min'),
  Concatenate: concatenate,
  Embedding: embedding,
  LSTM: (cfg, ins) => recurrent('LSTM', cfg, ins, false, ['']),
  CuDNNLSTM: (cfg, ins) => recurrent('LSTM', cfg, ins, false, ['']),
  GRU: (cfg, ins) => recurrent('GRU', cfg, ins, false, ['']),
  CuDNNGRU: (cfg, ins) => recurrent('GRU', cfg, ins, false, ['']),
  SimpleRNN: (cfg, ins) => recurrent('RNN', cfg, ins, false, ['']),
  Bidirectional: bidirectionalLayer,
  MultiHeadAttention: multiHeadAttention,
  ZeroPadding1D: zeroPadding(1), ZeroPadding2D: zeroPadding(2), ZeroPadding3D: zeroPadding(3),
  UpSampling1D: upSampling(1), UpSampling2D: upSampling(2), UpSampling3D: upSampling(3),
  Rescaling: rescaling, Normalization: normalization,
  TFOpLambda: tfOpLambda,
  Cropping1D: cropping(1), Cropping2D: cropping(2), Cropping3D: cropping(3),
  RepeatVector: repeatVector, TimeDistributed: timeDistributed,
});
