/**
 * Static shape inference over an ArchGraph, in ONNX operator semantics.
 *
 * Every tensor gets a fully numeric shape or `null` (unknown): a partly known
 * shape is treated as unknown, so downstream figures are either exact or
 * absent, never silently wrong. Small integer tensors (shape arithmetic:
 * Shape → Gather → Concat → Reshape, as exported for ViT/attention) are
 * constant-folded: their `values` are tracked so Reshape/Slice/Expand/Resize
 * targets computed at run time in the graph are still known statically.
 *
 * Symbolic input dims are replaced by an assumed value (batch-like dims → 1)
 * and every assumption is reported in `notes`; `inputShapes` overrides.
 *
 * Channels-last nodes (`layout: 'NHWC'`, from Keras/TF loaders) keep their
 * tensors channels-last: conv/pool/norm read the channel axis as the last one.
 */
import type { ArchGraph, ArchNode, AttrValue, Dim } from './types.js';
import { table } from './formats/table.js';

export interface TensorState {
  /** Fully known shape, or null. */
  shape: number[] | null;
  /** Constant-folded contents (small tensors only), when statically known. */
  values?: number[];
}

export interface ShapeResult {
  tensors: Map<string, TensorState>;
  /** Nodes in a topological order (the input order when it already is one). */
  order: ArchNode[];
  notes: string[];
  /** Input shapes actually used (after assumptions / overrides). */
  inputShapes: Record<string, number[] | null>;
}

const MAX_VALUES = 4096;
const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);

/**
 * ONNX Runtime's fused/contrib variants computed like their base op (the fused
 * activation or layout change does not alter shapes, weights or MACs).
 */
const BASE_OP: Record<string, string> = table({ FusedConv: 'Conv', FusedGemm: 'Gemm', FusedMatMul: 'FusedMatMul', NhwcConv: 'Conv' });
export function baseOp(op: string): string {
  return BASE_OP[op] ?? op;
}

export function attrInt(a: AttrValue | undefined, dflt: number): number {
  return typeof a === 'number' ? a : typeof a === 'boolean' ? Number(a) : dflt;
}
export function attrInts(a: AttrValue | undefined): number[] | null {
  if (Array.isArray(a) && a.every((x) => typeof x === 'number')) return a as number[];
  if (typeof a === 'number') return [a];
  return null;
}

/** Orders nodes so producers come before consumers (Kahn; stable on the given order). */
export function topoOrder(nodes: ArchNode[]): ArchNode[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.outputs.forEach((t) => t && producer.set(t, i)));
  const indeg = new Array(nodes.length).fill(0);
  const succ: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    const deps = new Set<number>();
    for (const t of n.inputs) {
      const p = t ? producer.get(t) : undefined;
      if (p !== undefined && p !== i) deps.add(p);
    }
    for (const p of deps) {
      succ[p]!.push(i);
      indeg[i]++;
    }
  });
  let inOrder = true;
  nodes.forEach((n, i) => {
    for (const t of n.inputs) {
      const p = t ? producer.get(t) : undefined;
      if (p !== undefined && p >= i) inOrder = false;
    }
  });
  if (inOrder) return nodes;
  const out: ArchNode[] = [];
  const ready: number[] = [];
  indeg.forEach((d, i) => d === 0 && ready.push(i));
  ready.reverse();
  while (ready.length) {
    const i = ready.pop()!;
    out.push(nodes[i]!);
    for (const s of succ[i]!) if (--indeg[s] === 0) ready.push(s);
  }
  // Cycles (malformed graphs): append the rest in file order so nothing is lost.
  if (out.length < nodes.length) {
    const seen = new Set(out);
    for (const n of nodes) if (!seen.has(n)) out.push(n);
  }
  return out;
}

/** Broadcast shapes numpy-style; null when incompatible or unknown. */
export function broadcast(shapes: Array<number[] | null>): number[] | null {
  if (shapes.some((s) => s === null)) return null;
  const ss = shapes as number[][];
  const r = Math.max(0, ...ss.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    let d = 1;
    for (const s of ss) {
      const v = s[s.length - r + i];
      if (v === undefined || v === 1) continue;
      if (d !== 1 && d !== v) return null;
      d = v;
    }
    out.push(d);
  }
  return out;
}

function broadcastValues(op: string, a: TensorState, b: TensorState, outShape: number[] | null): number[] | undefined {
  if (!a.values || !b.values || !outShape || !a.shape || !b.shape) return undefined;
  const n = numel(outShape);
  if (n > MAX_VALUES) return undefined;
  const f0 = binaryFn(op);
  if (!f0) return undefined;
  // fast paths: equal sizes, or one side a single value
  const av = a.values;
  const bv = b.values;
  if (av.length === n && bv.length === n) return av.map((x, i) => f0(x, bv[i]!));
  if (av.length === n && bv.length === 1) return av.map((x) => f0(x, bv[0]!));
  if (av.length === 1 && bv.length === n) return bv.map((y) => f0(av[0]!, y));
  const idx = (s: number[], flat: number) => {
    // map flat index of outShape to flat index of s (broadcast)
    let rem = flat;
    let off = 0;
    let stride = 1;
    const coords: number[] = new Array(outShape.length);
    for (let i = outShape.length - 1; i >= 0; i--) {
      coords[i] = rem % outShape[i]!;
      rem = Math.floor(rem / outShape[i]!);
    }
    for (let i = s.length - 1; i >= 0; i--) {
      const c = coords[outShape.length - s.length + i]!;
      off += (s[i] === 1 ? 0 : c) * stride;
      stride *= s[i]!;
    }
    return off;
  };
  const f = binaryFn(op);
  if (!f) return undefined;
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(f(a.values[idx(a.shape, k)]!, b.values[idx(b.shape, k)]!));
  return out;
}

function binaryFn(op: string): ((x: number, y: number) => number) | null {
  switch (op) {
    case 'Add': return (x, y) => x + y;
    case 'Sub': return (x, y) => x - y;
    case 'Mul': return (x, y) => x * y;
    // Integer shape arithmetic: ONNX integer Div truncates.
    case 'Div': return (x, y) => (Number.isInteger(x) && Number.isInteger(y) ? Math.trunc(x / y) : x / y);
    case 'Max': return Math.max;
    case 'Min': return Math.min;
    case 'Equal': return (x, y) => Number(x === y);
    case 'Less': return (x, y) => Number(x < y);
    case 'Greater': return (x, y) => Number(x > y);
    case 'Pow': return (x, y) => x ** y;
    case 'Mod': return (x, y) => x % y;
    default: return null;
  }
}

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

/** Weight tensor of a node's input slot (initializer / attached param), when known. */
function constShape(g: ArchGraph, node: ArchNode, name: string): number[] | null {
  const p = node.params.find((q) => q.name === name) ?? g.initializers[name];
  return p ? p.shape : null;
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

export function inferShapes(g: ArchGraph, opts: { inputShapes?: Record<string, number[]> } = {}): ShapeResult {
  const T = new Map<string, TensorState>();
  const notes: string[] = [];
  const inputShapes: Record<string, number[] | null> = Object.create(null);

  for (const p of Object.values(g.initializers)) T.set(p.name, { shape: p.shape, values: p.values });
  for (const n of g.nodes) for (const p of n.params) if (!T.has(p.name)) T.set(p.name, { shape: p.shape, values: p.values });

  for (const inp of g.inputs) {
    if (T.has(inp.name) && g.initializers[inp.name]) continue; // old-opset initializers listed as inputs
    const override = opts.inputShapes?.[inp.name];
    if (override) {
      T.set(inp.name, { shape: override });
      inputShapes[inp.name] = override;
      continue;
    }
    const shape = assumeDims(inp.name, inp.shape, inp.dtype, notes);
    T.set(inp.name, { shape });
    inputShapes[inp.name] = shape;
  }
  if (opts.inputShapes) {
    for (const name of Object.keys(opts.inputShapes)) {
      if (!g.inputs.some((i) => i.name === name)) notes.push(`--input-shape names '${name}', which is not a graph input (inputs: ${g.inputs.map((i) => i.name).join(', ')})`);
    }
  }

  const order = topoOrder(g.nodes);
  for (const node of order) {
    let outs: TensorState[];
    try {
      outs = inferNode(g, node, (t) => (t ? T.get(t) ?? { shape: null } : { shape: null }));
    } catch {
      outs = [];
    }
    node.outputs.forEach((t, i) => {
      if (!t) return;
      let st = outs[i] ?? { shape: null };
      if (st.shape && (st.shape.some((d) => !Number.isFinite(d) || d < 0))) st = { shape: null };
      if (!st.shape) {
        const vi = g.valueInfo[t];
        if (vi?.shape && vi.shape.every((d) => typeof d === 'number' && d >= 0)) st = { ...st, shape: vi.shape as number[] };
      }
      if (st.values && st.values.length > MAX_VALUES) delete st.values;
      T.set(t, st);
    });
  }
  return { tensors: T, order, notes, inputShapes };
}

/** Replaces symbolic/unknown input dims by assumed values, noting each assumption. */
function assumeDims(name: string, shape: Dim[] | null, dtype: string, notes: string[]): number[] | null {
  if (!shape) {
    notes.push(`input '${name}' has no known rank; shapes downstream are unknown (pass --input-shape ${name}=...)`);
    return null;
  }
  const out: number[] = [];
  const assumed: string[] = [];
  const isInt = /int/.test(dtype);
  shape.forEach((d, i) => {
    if (typeof d === 'number' && d > 0) {
      out.push(d);
      return;
    }
    let v: number;
    if (i === 0) v = 1; // batch
    else if (shape.length === 4 && !isInt) v = i === 1 || (i === 3 && shape[1] !== 3 && shape[3] === 3) ? 3 : 224;
    else if (isInt && shape.length <= 3) v = 128; // token sequence length
    else v = 1;
    out.push(v);
    assumed.push(`dim ${i}${d === null ? '' : ` '${d}'`} = ${v}`);
  });
  if (assumed.length) notes.push(`input '${name}': symbolic ${assumed.join(', ')} assumed (override with --input-shape ${name}=${out.join('x')})`);
  return out;
}

function norm(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Inputs given as attribute (old opsets) or as a constant input (newer ones). */
function intsFrom(node: ArchNode, attr: string, inputIdx: number, get: (t: string) => TensorState): number[] | null {
  const a = attrInts(node.attrs[attr]);
  if (a) return a;
  const t = node.inputs[inputIdx];
  if (!t) return null;
  return get(t).values ?? null;
}

const UNARY_SAME = new Set([
  'Relu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'PRelu', 'Elu', 'Selu', 'Celu', 'Gelu', 'Erf', 'HardSigmoid', 'HardSwish', 'Softplus',
  'Softsign', 'Mish', 'Softmax', 'LogSoftmax', 'Hardmax', 'Sqrt', 'Exp', 'Log', 'Abs', 'Reciprocal', 'Sin', 'Cos', 'Not', 'Sign',
  'Round', 'IsNaN', 'IsInf', 'ThresholdedRelu', 'Shrink', 'BatchNormalization', 'InstanceNormalization', 'LayerNormalization',
  'GroupNormalization', 'RMSNormalization', 'SimplifiedLayerNormalization', 'SkipLayerNormalization', 'LRN', 'Dropout', 'Clip',
  'MeanVarianceNormalization', 'CumSum', 'Trilu', 'BiasGelu', 'FastGelu', 'QuickGelu', 'LpNormalization', 'Swish',
  'DequantizeLinear', 'QuantizeLinear', 'DynamicQuantizeLinear',
]);
const VALUE_UNARY: Record<string, (x: number) => number> = table({
  Identity: (x) => x, Cast: (x) => x, Neg: (x) => -x, Floor: Math.floor, Ceil: Math.ceil, Sqrt: Math.sqrt, Abs: Math.abs,
  Reciprocal: (x) => 1 / x, Round: (x) => Math.round(x), Sign: Math.sign, Exp: Math.exp, Log: Math.log,
});
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Mod', 'BitShift', 'Sum', 'Mean', 'PRelu']);

function inferNode(g: ArchGraph, node: ArchNode, get: (t: string) => TensorState): TensorState[] {
  const ins = node.inputs.map((t) => get(t));
  const s0 = ins[0]?.shape ?? null;
  const op = baseOp(node.op);
  const a = node.attrs;

  if (op === 'Constant') {
    const cv = node.constValue ?? node.tensorAttrs?.value;
    if (cv) return [{ shape: cv.shape, values: cv.values }];
    const v = a.value ?? a.value_ints ?? a.value_int ?? a.value_floats ?? a.value_float;
    if (typeof v === 'number') return [{ shape: a.value_int !== undefined || a.value_float !== undefined ? [] : [], values: [v] }];
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return [{ shape: [v.length], values: v as number[] }];
    const p = node.params[0];
    if (p) return [{ shape: p.shape, values: p.values }];
    return [{ shape: null }];
  }
  if (op in VALUE_UNARY) {
    const f = VALUE_UNARY[op]!;
    return [{ shape: s0, values: ins[0]?.values?.map(f) }];
  }
  if (op === 'Dropout') return [{ shape: s0 }, { shape: s0 }];
  if (UNARY_SAME.has(op) && op !== 'PRelu') {
    if (op === 'LayerNormalization' || op === 'SkipLayerNormalization') return [{ shape: s0 }, { shape: null }, { shape: null }, { shape: s0 }];
    return [{ shape: s0 }];
  }
  if (BINARY.has(op)) {
    const shape = broadcast(ins.map((x) => x.shape));
    let values: number[] | undefined;
    if (ins.length === 2) values = broadcastValues(op === 'Sum' ? 'Add' : op, ins[0]!, ins[1]!, shape);
    return [{ shape, values }];
  }
  if (op === 'Where') {
    const shape = broadcast(ins.map((x) => x.shape));
    let values: number[] | undefined;
    if (shape && ins.every((x) => x.values && x.shape && numel(x.shape) === numel(shape))) {
      values = ins[0]!.values!.map((c, i) => (c ? ins[1]!.values![i]! : ins[2]!.values![i]!));
    } else if (shape && numel(shape) <= MAX_VALUES && ins.every((x) => x.values && x.shape && (numel(x.shape) === numel(shape) || numel(x.shape) === 1))) {
      const at = (x: TensorState, i: number) => (x.values!.length === 1 ? x.values![0]! : x.values![i]!);
      values = Array.from({ length: numel(shape) }, (_, i) => (at(ins[0]!, i) ? at(ins[1]!, i) : at(ins[2]!, i)));
    }
    return [{ shape, values }];
  }
  switch (op) {
    case 'Shape': {
      if (!s0) return [{ shape: null }];
      let v = s0.slice();
      const r = s0.length;
      const start = a.start !== undefined ? norm(attrInt(a.start, 0), r) : 0;
      const end = a.end !== undefined ? norm(attrInt(a.end, r), r) : r;
      v = v.slice(Math.max(0, start), Math.min(r, end));
      return [{ shape: [v.length], values: v }];
    }
    case 'Size':
      return [{ shape: [], values: s0 ? [numel(s0)] : undefined }];
    case 'ConstantOfShape': {
      const v = ins[0]?.values;
      if (!v) return [{ shape: null }];
      const tv = node.tensorAttrs?.value?.values?.[0];
      const fill = tv !== undefined ? tv : typeof a.value === 'number' ? a.value : Array.isArray(a.value) && typeof a.value[0] === 'number' ? (a.value[0] as number) : 0;
      const n = numel(v);
      return [{ shape: v, values: n <= MAX_VALUES ? new Array(n).fill(fill) : undefined }];
    }
    case 'Range': {
      const [st, lim, dl] = ins.map((x) => x.values?.[0]);
      if (st === undefined || lim === undefined || dl === undefined || dl === 0) return [{ shape: null }];
      const n = Math.max(Math.ceil((lim - st) / dl), 0);
      return [{ shape: [n], values: n <= MAX_VALUES ? Array.from({ length: n }, (_, i) => st + i * dl) : undefined }];
    }
    case 'Conv':
    case 'ConvInteger':
    case 'QLinearConv': {
      const wIdx = op === 'QLinearConv' ? 3 : 1;
      const wName = node.inputs[wIdx] ?? '';
      const w = get(wName).shape ?? constShape(g, node, wName);
      if (!s0 || !w) return [{ shape: null }];
      const L = layoutOf(node, s0.length);
      const { kernel, strides, dil, pads, autoPad } = windowAttrs(node, L.spatialAxes.length, w);
      if (!kernel) return [{ shape: null }];
      const group = attrInt(a.group, 1);
      const cin = s0[L.channelAxis]!;
      // Output channels from the weight's element count: layout independent (ONNX OIHW, Keras HWIO).
      const m = numel(w) / (numel(kernel) * (cin / group));
      if (!Number.isInteger(m)) return [{ shape: null }];
      const out = s0.slice();
      out[L.channelAxis] = m;
      L.spatialAxes.forEach((ax, i) => {
        out[ax] = windowOut(s0[ax]!, kernel[i]!, strides[i] ?? 1, dil[i] ?? 1, pads[i] ?? 0, pads[i + kernel.length] ?? 0, autoPad, false);
      });
      return [{ shape: out }];
    }
    case 'ConvTranspose': {
      const w = get(node.inputs[1] ?? '').shape;
      if (!s0 || !w) return [{ shape: null }];
      const L = layoutOf(node, s0.length);
      const ns = L.spatialAxes.length;
      const { kernel, strides, dil, pads, autoPad } = windowAttrs(node, ns, w);
      if (!kernel) return [{ shape: null }];
      const group = attrInt(a.group, 1);
      const cin = s0[L.channelAxis]!;
      const m = (numel(w) * group) / (numel(kernel) * cin);
      const outPad = attrInts(a.output_padding) ?? new Array(ns).fill(0);
      const outShapeAttr = attrInts(a.output_shape);
      const out = s0.slice();
      out[L.channelAxis] = m;
      L.spatialAxes.forEach((ax, i) => {
        if (outShapeAttr) {
          out[ax] = outShapeAttr[outShapeAttr.length - ns + i]!;
          return;
        }
        const st = strides[i] ?? 1;
        if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') out[ax] = s0[ax]! * st;
        else out[ax] = st * (s0[ax]! - 1) + (outPad[i] ?? 0) + ((kernel[i]! - 1) * (dil[i] ?? 1) + 1) - (pads[i] ?? 0) - (pads[i + ns] ?? 0);
      });
      return [{ shape: out }];
    }
    case 'MaxPool':
    case 'AveragePool':
    case 'LpPool': {
      if (!s0) return [{ shape: null }];
      const L = layoutOf(node, s0.length);
      const { kernel, strides, dil, pads, autoPad } = windowAttrs(node, L.spatialAxes.length, null);
      if (!kernel) return [{ shape: null }];
      const ceil = attrInt(a.ceil_mode, 0) === 1;
      const out = s0.slice();
      L.spatialAxes.forEach((ax, i) => {
        out[ax] = windowOut(s0[ax]!, kernel[i]!, strides[i] ?? 1, dil[i] ?? 1, pads[i] ?? 0, pads[i + kernel.length] ?? 0, autoPad, ceil);
      });
      return [{ shape: out }, { shape: out }];
    }
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
    case 'GlobalLpPool': {
      if (!s0) return [{ shape: null }];
      const L = layoutOf(node, s0.length);
      const out = s0.slice();
      for (const ax of L.spatialAxes) out[ax] = 1;
      return [{ shape: out }];
    }
    case 'Gemm': {
      const b = ins[1]?.shape;
      if (!s0 || !b || s0.length !== 2 || b.length !== 2) return [{ shape: null }];
      const m = attrInt(a.transA, 0) ? s0[1]! : s0[0]!;
      const n = attrInt(a.transB, 0) ? b[0]! : b[1]!;
      return [{ shape: [m, n] }];
    }
    case 'MatMul':
    case 'MatMulInteger':
    case 'FusedMatMul': {
      const b = ins[1]?.shape;
      return [{ shape: matmulShape(s0, b ?? null, op === 'FusedMatMul' ? attrInt(a.transA, 0) === 1 : false, op === 'FusedMatMul' ? attrInt(a.transB, 0) === 1 : false) }];
    }
    case 'Einsum': {
      const r = einsumShape(String(a.equation ?? ''), ins.map((x) => x.shape));
      return [{ shape: r ? r.out : null }];
    }
    case 'Flatten': {
      if (!s0) return [{ shape: null }];
      const ax = norm(attrInt(a.axis, 1), s0.length);
      return [{ shape: [numel(s0.slice(0, ax)), numel(s0.slice(ax))], values: ins[0]?.values }];
    }
    case 'Reshape': {
      const target = op === 'Reshape' ? (ins[1]?.values ?? attrInts(a.shape)) : null;
      if (!target) return [{ shape: null }];
      const allowZero = attrInt(a.allowzero, 0) === 1;
      const out = target.map((d, i) => (d === 0 && !allowZero ? (s0 ? s0[i]! : NaN) : d));
      const neg = out.indexOf(-1);
      if (neg >= 0) {
        if (!s0) return [{ shape: null }];
        const known = out.reduce((p, d, i) => (i === neg ? p : p * d), 1);
        out[neg] = known === 0 ? 0 : numel(s0) / known;
      }
      if (out.some((d) => !Number.isInteger(d) || d < 0)) return [{ shape: null }];
      return [{ shape: out, values: ins[0]?.values }];
    }
    case 'Transpose': {
      if (!s0) return [{ shape: null }];
      const perm = attrInts(a.perm) ?? s0.map((_, i) => s0.length - 1 - i);
      const out = perm.map((p) => s0[p]!);
      const v = ins[0]?.values;
      return [{ shape: out, values: v ? mapIndex(out, (idx) => v[flatIndex(s0, perm.reduce((acc, p, i) => ((acc[p] = idx[i]!), acc), new Array<number>(s0.length)))]!) : undefined }];
    }
    case 'Squeeze': {
      if (!s0) return [{ shape: null }];
      const axes = intsFrom(node, 'axes', 1, get)?.map((x) => norm(x, s0.length));
      const out = s0.filter((d, i) => (axes ? !axes.includes(i) : d !== 1));
      return [{ shape: out, values: ins[0]?.values }];
    }
    case 'Unsqueeze': {
      if (!s0) return [{ shape: null }];
      const axesRaw = intsFrom(node, 'axes', 1, get);
      if (!axesRaw) return [{ shape: null }];
      const r = s0.length + axesRaw.length;
      const axes = axesRaw.map((x) => norm(x, r)).sort((x, y) => x - y);
      const out: number[] = [];
      let k = 0;
      for (let i = 0; i < r; i++) out.push(axes.includes(i) ? 1 : s0[k++]!);
      return [{ shape: out, values: ins[0]?.values }];
    }
    case 'Concat': {
      const shapes = ins.filter((_, i) => node.inputs[i]).map((x) => x.shape);
      if (shapes.some((s) => !s) || shapes.length === 0) return [{ shape: null }];
      const ss = shapes as number[][];
      const r = ss[0]!.length;
      const ax = norm(attrInt(a.axis, 0), r);
      const out = ss[0]!.slice();
      out[ax] = ss.reduce((p, s) => p + (s[ax] ?? 0), 0);
      const present = ins.filter((_, i) => node.inputs[i]);
      const values = r === 1 && present.every((x) => x.values) ? present.flatMap((x) => x.values!) : undefined;
      return [{ shape: out, values }];
    }
    case 'Split': {
      if (!s0) return node.outputs.map(() => ({ shape: null }));
      const ax = norm(attrInt(a.axis, 0), s0.length);
      let sizes = intsFrom(node, 'split', 1, get);
      const n = node.outputs.length;
      if (!sizes) {
        const numOut = attrInt(a.num_outputs, n);
        const chunk = Math.ceil(s0[ax]! / numOut);
        sizes = Array.from({ length: numOut }, (_, i) => Math.min(chunk, s0[ax]! - chunk * i));
      }
      return sizes.map((sz) => {
        const o = s0.slice();
        o[ax] = sz;
        return { shape: o };
      });
    }
    case 'Slice': {
      if (!s0) return [{ shape: null }];
      let starts: number[] | null, ends: number[] | null, axes: number[] | null, steps: number[] | null;
      if (a.starts !== undefined) {
        starts = attrInts(a.starts);
        ends = attrInts(a.ends);
        axes = attrInts(a.axes);
        steps = null;
      } else {
        starts = ins[1]?.values ?? null;
        ends = ins[2]?.values ?? null;
        axes = node.inputs[3] ? ins[3]?.values ?? null : null;
        steps = node.inputs[4] ? ins[4]?.values ?? null : null;
        if ((node.inputs[3] && !axes) || (node.inputs[4] && !steps)) return [{ shape: null }];
      }
      if (!starts || !ends) return [{ shape: null }];
      const out = s0.slice();
      const ranges: Array<[number, number, number]> = s0.map((d) => [0, d, 1]);
      starts.forEach((st, i) => {
        const ax = norm(axes ? axes[i]! : i, s0.length);
        const d = s0[ax]!;
        const step = steps ? steps[i]! : 1;
        const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
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
      const values = v ? mapIndex(out, (idx) => v[flatIndex(s0, idx.map((k, ax) => ranges[ax]![0] + k * ranges[ax]![2]))]!) : undefined;
      return [{ shape: out, values }];
    }
    case 'Gather': {
      const idx = ins[1];
      if (!s0 || !idx?.shape) return [{ shape: null }];
      const ax = norm(attrInt(a.axis, 0), s0.length);
      const out = [...s0.slice(0, ax), ...idx.shape, ...s0.slice(ax + 1)];
      let values: number[] | undefined;
      if (s0.length === 1 && ins[0]?.values && idx.values) values = idx.values.map((i) => ins[0]!.values![i < 0 ? i + s0[0]! : i]!);
      return [{ shape: out, values }];
    }
    case 'GatherElements':
      return [{ shape: ins[1]?.shape ?? null }];
    case 'GatherND': {
      const idx = ins[1]?.shape;
      if (!s0 || !idx) return [{ shape: null }];
      const bd = attrInt(a.batch_dims, 0);
      const last = idx[idx.length - 1]!;
      return [{ shape: [...idx.slice(0, -1), ...s0.slice(bd + last)] }];
    }
    case 'ScatterND':
    case 'ScatterElements':
    case 'Scatter':
      return [{ shape: s0 }];
    case 'Expand': {
      const target = ins[1]?.values;
      if (!s0 || !target) return [{ shape: null }];
      const shape = broadcast([s0, target]);
      return [{ shape }];
    }
    case 'Tile': {
      const reps = ins[1]?.values;
      if (!s0 || !reps || reps.length !== s0.length) return [{ shape: null }];
      return [{ shape: s0.map((d, i) => d * reps[i]!) }];
    }
    case 'Pad': {
      if (!s0) return [{ shape: null }];
      let pads = attrInts(a.pads) ?? attrInts(a.paddings) ?? ins[1]?.values ?? null;
      if (!pads) return [{ shape: null }];
      const axesIn = node.inputs[3] ? ins[3]?.values : undefined;
      const out = s0.slice();
      if (axesIn) {
        axesIn.forEach((axr, i) => {
          const ax = norm(axr, s0.length);
          out[ax] = s0[ax]! + pads![i]! + pads![i + axesIn.length]!;
        });
      } else {
        if (pads.length !== 2 * s0.length) return [{ shape: null }];
        s0.forEach((d, i) => (out[i] = d + pads![i]! + pads![i + s0.length]!));
      }
      return [{ shape: out }];
    }
    case 'Resize':
    case 'Upsample': {
      if (!s0) return [{ shape: null }];
      let scales: number[] | null | undefined;
      let sizes: number[] | null | undefined;
      if (op === 'Upsample') scales = attrInts(a.scales) ?? ins[1]?.values;
      else if (node.inputs.length >= 4 && node.inputs[3]) sizes = ins[3]?.values;
      else if (node.inputs.length >= 3 && node.inputs[2]) scales = ins[2]?.values;
      else if (node.inputs.length === 2) scales = ins[1]?.values; // opset 10
      const axes = attrInts(a.axes);
      if (sizes && sizes.length) {
        if (axes) {
          const out = s0.slice();
          axes.forEach((ax, i) => (out[norm(ax, s0.length)] = sizes![i]!));
          return [{ shape: out }];
        }
        return [{ shape: sizes.length === s0.length ? sizes.slice() : null }];
      }
      if (scales && scales.length) {
        const out = s0.slice();
        if (axes) axes.forEach((ax, i) => (out[norm(ax, s0.length)] = Math.floor(s0[norm(ax, s0.length)]! * scales![i]!)));
        else if (scales.length === s0.length) s0.forEach((d, i) => (out[i] = Math.floor(d * scales![i]! + 1e-9)));
        else return [{ shape: null }];
        return [{ shape: out }];
      }
      return [{ shape: null }];
    }
    case 'ReduceMean':
    case 'ReduceSum':
    case 'ReduceMax':
    case 'ReduceMin':
    case 'ReduceProd':
    case 'ReduceL1':
    case 'ReduceL2':
    case 'ReduceLogSumExp':
    case 'ReduceSumSquare':
    case 'ArgMax':
    case 'ArgMin': {
      if (!s0) return [{ shape: null }];
      const keep = attrInt(a.keepdims, 1) === 1;
      let axes: number[] | null;
      if (op === 'ArgMax' || op === 'ArgMin') axes = [attrInt(a.axis, 0)];
      else axes = attrInts(a.axes) ?? (node.inputs[1] ? ins[1]?.values ?? null : []);
      if (axes === null) return [{ shape: null }];
      let ax = axes.map((x) => norm(x, s0.length));
      if (ax.length === 0) ax = attrInt(a.noop_with_empty_axes, 0) ? [] : s0.map((_, i) => i);
      const out: number[] = [];
      s0.forEach((d, i) => {
        if (ax.includes(i)) {
          if (keep) out.push(1);
        } else out.push(d);
      });
      const v = ins[0]?.values;
      const f = REDUCE_FN[op];
      let values: number[] | undefined;
      if (v && f && v.length > 0) {
        const acc = new Map<number, number[]>();
        mapIndex(s0, (idx, k) => {
          const key = flatIndex(s0, idx.map((c, i) => (ax.includes(i) ? 0 : c)));
          const list = acc.get(key) ?? [];
          list.push(v[k]!);
          acc.set(key, list);
          return 0;
        });
        values = [...acc.keys()].sort((x, y) => x - y).map((key) => f(acc.get(key)!));
      }
      return [{ shape: out, values }];
    }
    case 'TopK': {
      const k = ins[1]?.values?.[0] ?? (typeof a.k === 'number' ? a.k : undefined);
      if (!s0 || k === undefined) return [{ shape: null }, { shape: null }];
      const ax = norm(attrInt(a.axis, -1), s0.length);
      const out = s0.slice();
      out[ax] = Math.min(k, s0[ax]!);
      return [{ shape: out }, { shape: out }];
    }
    case 'RoiAlign':
    case 'MaxRoiPool': {
      const rois = ins[1]?.shape;
      if (!s0 || !rois) return [{ shape: null }];
      const pooled = attrInts(a.pooled_shape);
      const oh = pooled ? pooled[0]! : attrInt(a.output_height, 1);
      const ow = pooled ? pooled[1]! : attrInt(a.output_width, 1);
      return [{ shape: [rois[0]!, s0[1]!, oh, ow] }];
    }
    case 'LSTM':
    case 'GRU':
    case 'RNN': {
      const hidden = attrInt(a.hidden_size, 0);
      if (!s0 || !hidden) return node.outputs.map(() => ({ shape: null }));
      const dirs = a.direction === 'bidirectional' ? 2 : 1;
      const batchFirst = attrInt(a.layout, 0) === 1;
      const [seq, batch] = batchFirst ? [s0[1]!, s0[0]!] : [s0[0]!, s0[1]!];
      const y = batchFirst ? [batch, seq, dirs, hidden] : [seq, dirs, batch, hidden];
      const h = batchFirst ? [batch, dirs, hidden] : [dirs, batch, hidden];
      return [{ shape: y }, { shape: h }, { shape: h }];
    }
    case 'OneHot': {
      const depth = ins[1]?.values?.[0];
      if (!s0 || depth === undefined) return [{ shape: null }];
      const out = s0.slice();
      out.splice(norm(attrInt(a.axis, -1), s0.length + 1), 0, depth);
      return [{ shape: out }];
    }
    case 'DepthToSpace':
    case 'SpaceToDepth': {
      if (!s0 || s0.length !== 4) return [{ shape: null }];
      const b = attrInt(a.blocksize, 1);
      const [n, c, h, w] = s0 as [number, number, number, number];
      return [{ shape: op === 'DepthToSpace' ? [n, c / (b * b), h * b, w * b] : [n, c * b * b, h / b, w / b] }];
    }
    case 'NonMaxSuppression':
    case 'NonZero':
    case 'Unique':
      return node.outputs.map(() => ({ shape: null }));
    case 'Attention':
    case 'MultiHeadAttention': {
      // com.microsoft Attention: [B, S, hidden_in] with packed QKV weights [hidden_in, 3*hidden]
      if (!s0) return [{ shape: null }];
      if (node.domain === 'com.microsoft' && op === 'Attention') {
        const w = ins[1]?.shape;
        if (!w) return [{ shape: null }];
        const qkvSizes = attrInts(a.qkv_hidden_sizes);
        const vHidden = qkvSizes ? qkvSizes[2]! : w[1]! / 3;
        return [{ shape: [s0[0]!, s0[1]!, vHidden] }];
      }
      const v = ins[2]?.shape;
      if (s0.length === 3 && v?.length === 3) return [{ shape: [s0[0]!, s0[1]!, v[2]!] }];
      if (s0.length === 4 && v?.length === 4) return [{ shape: [s0[0]!, s0[1]!, s0[2]!, v[3]!] }];
      return [{ shape: s0 }];
    }
    default:
      return node.outputs.map(() => ({ shape: null }));
  }
}

const REDUCE_FN: Record<string, (xs: number[]) => number> = table({
  ReduceMax: (xs) => Math.max(...xs),
  ReduceMin: (xs) => Math.min(...xs),
  ReduceSum: (xs) => xs.reduce((a, b) => a + b, 0),
  ReduceProd: (xs) => xs.reduce((a, b) => a * b, 1),
  ReduceMean: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
});

/** Row-major flat offset of a multi-index. */
function flatIndex(shape: number[], idx: number[]): number {
  let off = 0;
  for (let i = 0; i < shape.length; i++) off = off * shape[i]! + idx[i]!;
  return off;
}

/** Calls f for every multi-index of `shape` in row-major order (small tensors only); undefined when too large. */
function mapIndex(shape: number[], f: (idx: number[], flat: number) => number): number[] | undefined {
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

/** ONNX MatMul (numpy matmul) output shape, with optional transposes (FusedMatMul). */
export function matmulShape(a: number[] | null, b: number[] | null, transA = false, transB = false): number[] | null {
  if (!a || !b || a.length === 0 || b.length === 0) return null;
  let A = a.length === 1 ? [1, a[0]!] : a.slice();
  let B = b.length === 1 ? [b[0]!, 1] : b.slice();
  if (transA) A = [...A.slice(0, -2), A[A.length - 1]!, A[A.length - 2]!];
  if (transB) B = [...B.slice(0, -2), B[B.length - 1]!, B[B.length - 2]!];
  if (A[A.length - 1] !== B[B.length - 2]) return null;
  const batch = broadcast([A.slice(0, -2), B.slice(0, -2)]);
  if (!batch) return null;
  const out = [...batch, A[A.length - 2]!, B[B.length - 1]!];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.pop();
  return out;
}

/**
 * Einsum: output shape and the size of every index letter. Handles explicit
 * ("bhid,bhjd->bhij") and implicit equations; '...' broadcasts leading dims.
 */
export function einsumShape(eq: string, shapes: Array<number[] | null>): { out: number[]; sizes: Map<string, number> } | null {
  if (!eq || shapes.some((s) => !s)) return null;
  const clean = eq.replace(/\s+/g, '');
  const [lhs, rhsRaw] = clean.split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  if (terms.length !== shapes.length) return null;
  const sizes = new Map<string, number>();
  let ellipsis: number[] = [];
  for (let t = 0; t < terms.length; t++) {
    const term = terms[t]!;
    const s = shapes[t]!;
    const parts = term.split('...');
    const head = parts[0]!;
    const tail = parts.length > 1 ? parts[1]! : '';
    const nEll = s.length - head.length - tail.length;
    if (parts.length === 1 && nEll !== 0) return null;
    [...head].forEach((c, i) => setSize(sizes, c, s[i]!));
    [...tail].forEach((c, i) => setSize(sizes, c, s[head.length + nEll + i]!));
    if (parts.length > 1) {
      const ell = s.slice(head.length, head.length + nEll);
      const b = broadcast([ellipsis, ell]);
      if (!b) return null;
      ellipsis = b;
    }
  }
  let rhs: string;
  if (rhsRaw !== undefined) rhs = rhsRaw;
  else {
    const counts = new Map<string, number>();
    for (const c of terms.join('').replace(/\./g, '')) counts.set(c, (counts.get(c) ?? 0) + 1);
    rhs = (clean.includes('...') ? '...' : '') + [...counts].filter(([, n]) => n === 1).map(([c]) => c).sort().join('');
  }
  const out: number[] = [];
  const parts = rhs.split('...');
  for (const c of parts[0]!) out.push(sizes.get(c) ?? NaN);
  if (parts.length > 1) {
    out.push(...ellipsis);
    for (const c of parts[1]!) out.push(sizes.get(c) ?? NaN);
  }
  if (out.some((d) => Number.isNaN(d))) return null;
  // Ellipsis dims count towards the product like ordinary letters.
  ellipsis.forEach((d, i) => sizes.set(`…${i}`, d));
  return { out, sizes };
}

function setSize(m: Map<string, number>, c: string, d: number) {
  const prev = m.get(c);
  if (prev === undefined || prev === 1) m.set(c, d);
}
