/**
 * Over 450 lines: one format reader (NodeDef decoding, weight manifest, fused-op expansion) whose steps share the node table.
 *
 * TF.js graph-model `model.json` (modelTopology.node = TensorFlow NodeDefs in
 * proto3 JSON, weightsManifest = the Const tensors) → ArchGraph.
 *
 * - TF ops are translated to ONNX semantics where one exists (Conv2D → Conv,
 *   DepthwiseConv2dNative → Conv with group = in channels, MatMul → MatMul /
 *   Gemm, FusedBatchNormV3 → BatchNormalization, MaxPool/AvgPool, Mean →
 *   ReduceMean, ConcatV2 → Concat, BiasAdd/AddV2 → Add, activations …), with
 *   `sourceOp` the TF op, attributes renamed (strides/ksize/dilations from
 *   NHWC lists to spatial lists, SAME → auto_pad SAME_UPPER) and `layout`
 *   from data_format (NHWC by default). Fused grappler ops
 *   (_FusedConv2D, FusedDepthwiseConv2dNative, _FusedMatMul) are unfused
 *   into the conv/matmul node (bias as its B/C input) followed by its
 *   BatchNorm / activation nodes, ids `<node>/batchnorm`, `<node>/activation`.
 * - Const nodes listed in the weights manifest become initializers (shape
 *   and dtype from the manifest; contents of small tensors read from the
 *   weight shards when those files sit next to model.json). Other Const
 *   nodes become ONNX Constant nodes with their inline value.
 * - Axis/shape/perm/pads arguments that TF passes as Const inputs are folded
 *   into ONNX attributes when their values are known.
 * - Trainable: the ONNX rule (onnx-params.ts) over the translated ops; TF
 *   graph models are frozen, so "trainable" means "a learned weight".
 * - Functions in modelTopology.library (While/If bodies) become `subgraphs`
 *   of the nodes that call them (best effort: their own references are not
 *   validated).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../../errors.js';
import type { ArchGraph, ArchNode, AttrValue, Dim, ParamInfo, TensorInfo } from '../types.js';
import { attachParams } from './onnx-params.js';
import { MAX_VALUES, tidyFloat32 } from './onnx-tensor.js';
import { table } from './table.js';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

interface NodeDef {
  name: string;
  op: string;
  input: string[];
  attr: Obj;
}

const TF_DTYPES: Record<string, string> = table({
  DT_FLOAT: 'float32', DT_HALF: 'float16', DT_DOUBLE: 'float64', DT_INT32: 'int32', DT_INT64: 'int64', DT_INT8: 'int8',
  DT_UINT8: 'uint8', DT_INT16: 'int16', DT_UINT16: 'uint16', DT_BOOL: 'bool', DT_STRING: 'string', DT_BFLOAT16: 'bfloat16',
  DT_COMPLEX64: 'complex64',
});
const tfDtype = (v: unknown): string => (typeof v === 'string' ? TF_DTYPES[v] ?? v.replace(/^DT_/, '').toLowerCase() : 'float32');

const b64 = (s: unknown): string => (typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : '');

/** Plain value of a TF AttrValue (proto3 JSON). */
function attrValue(a: unknown): AttrValue | undefined {
  if (!isObj(a)) return undefined;
  if ('i' in a) return Number(a.i);
  if ('f' in a) return tidyFloat32(Number(a.f));
  if ('b' in a) return Boolean(a.b);
  if ('s' in a) return b64(a.s);
  if ('type' in a) return tfDtype(a.type);
  if (isObj(a.list)) {
    const l = a.list;
    if (Array.isArray(l.i)) return l.i.map(Number);
    if (Array.isArray(l.f)) return l.f.map((x) => tidyFloat32(Number(x)));
    if (Array.isArray(l.s)) return l.s.map(b64);
    if (Array.isArray(l.type)) return l.type.map(tfDtype);
    if (Array.isArray(l.b)) return l.b.map((x) => Number(Boolean(x)));
    return [];
  }
  return undefined;
}

function shapeOf(s: unknown): Dim[] | null {
  if (!isObj(s) || s.unknownRank) return null;
  const dims = Array.isArray(s.dim) ? s.dim : [];
  return dims.map((d, i) => {
    const n = isObj(d) ? Number(d.size ?? 0) : NaN;
    return Number.isFinite(n) && n >= 0 ? n : i === 0 ? 'batch' : null;
  });
}

/** Inline value of a Const tensor attr (small tensors only). */
function inlineTensor(t: unknown): { shape: number[]; values?: number[]; dtype: string } | undefined {
  if (!isObj(t)) return undefined;
  const shape = (shapeOf(t.tensorShape) ?? []).map((d) => (typeof d === 'number' ? d : 0));
  const dtype = tfDtype(t.dtype);
  const n = shape.reduce((a, b) => a * b, 1);
  let values: number[] | undefined;
  const list = (t.intVal ?? t.int64Val ?? t.floatVal ?? t.doubleVal ?? t.boolVal ?? t.halfVal) as unknown;
  if (Array.isArray(list) && list.length) {
    const v = list.map((x) => Number(x));
    values = v.length === n ? v : v.length === 1 && n <= MAX_VALUES ? new Array(n).fill(v[0]) : undefined;
  } else if (typeof t.tensorContent === 'string' && n <= MAX_VALUES) {
    values = decode(Buffer.from(t.tensorContent, 'base64'), dtype, n);
  }
  return values ? { shape, values, dtype } : { shape, dtype };
}

function decode(buf: Buffer, dtype: string, n: number): number[] | undefined {
  const size: Record<string, number> = table({ float32: 4, int32: 4, int64: 8, float64: 8, uint8: 1, int8: 1, bool: 1, int16: 2, uint16: 2 });
  const s = size[dtype];
  if (!s || buf.length < s * n) return undefined;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const o = i * s;
    switch (dtype) {
      case 'float32': out.push(tidyFloat32(buf.readFloatLE(o))); break;
      case 'float64': out.push(buf.readDoubleLE(o)); break;
      case 'int32': out.push(buf.readInt32LE(o)); break;
      case 'int64': out.push(Number(buf.readBigInt64LE(o))); break;
      case 'int16': out.push(buf.readInt16LE(o)); break;
      case 'uint16': out.push(buf.readUInt16LE(o)); break;
      case 'int8': out.push(buf.readInt8(o)); break;
      default: out.push(buf.readUInt8(o));
    }
  }
  return out;
}

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
  values?: number[];
}

/**
 * Weight specs of the manifest; for small tensors, their values read from the
 * shard files when present (weights are laid out back to back across a
 * group's shards, in manifest order).
 */
function readManifest(v: unknown, file: string): Map<string, ManifestWeight> {
  const out = new Map<string, ManifestWeight>();
  if (v === undefined || v === null) return out;
  if (!Array.isArray(v)) throw new InputError(file, 'weightsManifest must be a list of weight groups');
  const dir = dirname(file);
  const bytesOf: Record<string, number> = table({ float32: 4, int32: 4, int64: 8, float16: 2, uint8: 1, int8: 1, bool: 1, int16: 2, uint16: 2, complex64: 8 });
  for (const group of v) {
    const ws = isObj(group) ? group.weights : undefined;
    if (!Array.isArray(ws)) throw new InputError(file, 'weightsManifest group without a weights list');
    const paths = isObj(group) && Array.isArray(group.paths) ? group.paths.filter((p): p is string => typeof p === 'string') : [];
    // shards, opened lazily, only if every shard exists and no path escapes the model's folder
    const shardFiles = paths.map((p) => join(dir, p));
    const inside = paths.length > 0 && paths.every((p) => !p.includes('..') && !p.startsWith('/'));
    // A shard that exists but is no regular file (a directory, a FIFO that would block the read, a device) is bad input.
    if (inside) for (const [i, f] of shardFiles.entries()) if (existsSync(f) && !statSync(f).isFile()) throw new InputError(file, `weight file ${paths[i]} is not a regular file`);
    const shardsOk = inside && shardFiles.every((f) => existsSync(f));
    let offset = 0;
    let offsetsValid = true;
    for (const w of ws) {
      if (!isObj(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
        throw new InputError(file, `weightsManifest entry ${JSON.stringify(w).slice(0, 80)} needs a name and a shape of non-negative integers`);
      }
      const shape = w.shape as number[];
      const dtype = typeof w.dtype === 'string' ? w.dtype : 'float32';
      const n = shape.reduce((a, b) => a * b, 1);
      const q = isObj(w.quantization) ? w.quantization : null;
      const stored = q && typeof q.dtype === 'string' ? q.dtype : dtype;
      const size = bytesOf[stored];
      const entry: ManifestWeight = { name: w.name, shape, dtype };
      if (shardsOk && offsetsValid && size && !q && n <= MAX_VALUES && (dtype === 'int32' || dtype === 'int64' || n <= 16)) {
        let buf: Buffer | undefined;
        try {
          buf = readRange(shardFiles, offset, n * size);
        } catch (e) {
          throw new InputError(file, `cannot read weight files ${paths.join(', ')} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
        }
        if (buf) entry.values = decode(buf, dtype, n);
      }
      if (!size) offsetsValid = false; // strings: variable length, later offsets unknown
      offset += n * (size ?? 0);
      out.set(w.name, entry);
    }
  }
  return out;
}

/** Bytes [offset, offset+length) of the concatenation of `files`, or undefined. */
function readRange(files: string[], offset: number, length: number): Buffer | undefined {
  const out = Buffer.alloc(length);
  let got = 0;
  let base = 0;
  for (const f of files) {
    const size = statSync(f).size;
    const start = offset + got - base;
    if (start >= 0 && start < size) {
      const fd = openSync(f, 'r');
      try {
        got += readSync(fd, out, got, Math.min(length - got, size - start), start);
      } finally {
        closeSync(fd);
      }
    }
    base += size;
    if (got === length) return out;
  }
  return undefined;
}

// ---------------------------------------------------------------- translation

const ACTIVATIONS: Record<string, { op: string; attrs?: Record<string, AttrValue> }> = table({
  Relu: { op: 'Relu' },
  Relu6: { op: 'Clip', attrs: { min: 0, max: 6 } },
  Elu: { op: 'Elu' },
  Selu: { op: 'Selu' },
  Sigmoid: { op: 'Sigmoid' },
  Tanh: { op: 'Tanh' },
  Softplus: { op: 'Softplus' },
  Softsign: { op: 'Softsign' },
  Swish: { op: 'Swish' },
  LeakyRelu: { op: 'LeakyRelu' },
  Prelu: { op: 'PRelu' },
  Gelu: { op: 'Gelu' },
});

const SIMPLE: Record<string, string> = table({
  BiasAdd: 'Add', Add: 'Add', AddV2: 'Add', AddN: 'Sum', Sub: 'Sub', Mul: 'Mul', RealDiv: 'Div', Div: 'Div',
  Maximum: 'Max', Minimum: 'Min', Sqrt: 'Sqrt', Rsqrt: 'Rsqrt', Exp: 'Exp', Log: 'Log', Neg: 'Neg', Abs: 'Abs',
  Square: 'Square', Pow: 'Pow', Erf: 'Erf', Floor: 'Floor', Identity: 'Identity', IdentityN: 'Identity', StopGradient: 'Identity',
  Softmax: 'Softmax', LogSoftmax: 'LogSoftmax', Cast: 'Cast', Shape: 'Shape', Einsum: 'Einsum', Tile: 'Tile',
  ResizeBilinear: 'Resize', ResizeNearestNeighbor: 'Resize', Where: 'Where', Select: 'Where', SelectV2: 'Where',
  NonMaxSuppressionV3: 'NonMaxSuppression', NonMaxSuppressionV4: 'NonMaxSuppression', NonMaxSuppressionV5: 'NonMaxSuppression',
  TopKV2: 'TopK', ArgMax: 'ArgMax', Fill: 'ConstantOfShape', Range: 'Range',
  BatchMatMul: 'MatMul', BatchMatMulV2: 'MatMul', BatchMatMulV3: 'MatMul',
});

interface Emit {
  nodes: ArchNode[];
  /** tensor names for the TF outputs 0..k of this node */
  outputs: string[];
}

/** Spatial part of an NHWC/NCHW 4-element list (strides, ksize, dilations). */
function spatial(list: AttrValue | undefined, nchw: boolean, rank = 2): number[] | undefined {
  if (!Array.isArray(list) || list.length !== rank + 2) return undefined;
  const l = list as number[];
  return nchw ? l.slice(2) : l.slice(1, rank + 1);
}

interface Ctx {
  file: string;
  manifest: Map<string, ManifestWeight>;
  /** Known contents of Const tensors (manifest values or inline). */
  constValues: Map<string, number[]>;
  /** Shapes of Const tensors / weights. */
  constShapes: Map<string, number[]>;
  initializers: Record<string, ParamInfo>;
  ids: Set<string>;
}

/** "node:1" → "node:1", "node:0"/"node" → "node"; "^node" (control) → null. */
function tensorRef(input: string): string | null {
  if (input.startsWith('^')) return null;
  const m = /^(.*?)(?::(\d+))?$/.exec(input)!;
  const idx = m[2] ? Number(m[2]) : 0;
  return idx === 0 ? m[1]! : `${m[1]}:${idx}`;
}

function translate(n: NodeDef, ctx: Ctx): Emit {
  const a: Record<string, AttrValue> = Object.create(null);
  for (const [k, v] of Object.entries(n.attr)) {
    const val = attrValue(v);
    if (val !== undefined) a[k] = val;
  }
  const ins = n.input.map(tensorRef).filter((x): x is string => x !== null);
  const nchw = a.data_format === 'NCHW' || a.data_format === 'NCDHW';
  const layout: ArchNode['layout'] = nchw ? 'NCHW' : 'NHWC';
  const mk = (id: string, op: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}): ArchNode => ({
    id,
    op,
    sourceOp: n.op,
    attrs,
    inputs,
    outputs,
    params: [],
    layout,
  });
  const vals = (t: string | undefined) => (t ? ctx.constValues.get(t) : undefined);
  const shp = (t: string | undefined) => (t ? ctx.constShapes.get(t) : undefined);
  const uid = (base: string) => {
    let id = base;
    for (let k = 1; ctx.ids.has(id); k++) id = `${base}_${k}`;
    ctx.ids.add(id);
    return id;
  };
  const id = uid(n.name);
  const single = (op: string, inputs: string[], attrs: Record<string, AttrValue> = {}): Emit => ({ nodes: [mk(id, op, inputs, [n.name], attrs)], outputs: [n.name] });

  /** Appends fused BiasAdd / FusedBatchNorm / activation nodes after a main node. */
  const fused = (op: string, mainInputs: string[], attrs: Record<string, AttrValue>, extra: string[]): Emit => {
    const ops = (Array.isArray(a.fused_ops) ? (a.fused_ops as string[]) : []).slice();
    const nodes: ArchNode[] = [];
    let cur = `${n.name}/${op.toLowerCase()}`;
    const hasBias = ops[0] === 'BiasAdd';
    const hasBn = ops[0] === 'FusedBatchNorm';
    if (hasBias) {
      // the bias becomes the conv's B / the Gemm's C input (ONNX has both)
      nodes.push(mk(id, op, [...mainInputs, extra[0] ?? ''], [cur], attrs));
    } else if (hasBn) {
      nodes.push(mk(id, op, mainInputs, [cur], attrs));
      nodes.push(mk(uid(`${n.name}/batchnorm`), 'BatchNormalization', [cur, ...extra.slice(0, 4)], [`${n.name}/bn`], { epsilon: typeof a.epsilon === 'number' ? a.epsilon : 1e-3 }));
      cur = `${n.name}/bn`;
    } else nodes.push(mk(id, op, mainInputs, [cur], attrs));
    const act = ops.find((o) => ACTIVATIONS[o]);
    if (act) {
      const spec = ACTIVATIONS[act]!;
      const attrs2 = { ...(spec.attrs ?? {}) };
      if (act === 'LeakyRelu' && typeof a.leakyrelu_alpha === 'number') attrs2.alpha = a.leakyrelu_alpha;
      nodes.push(mk(uid(`${n.name}/activation`), spec.op, act === 'Prelu' ? [cur, extra[1] ?? ''] : [cur], [`${n.name}/act`], attrs2));
      cur = `${n.name}/act`;
    }
    // the last node produces the TF node's output tensor
    nodes[nodes.length - 1]!.outputs = [n.name];
    return { nodes, outputs: [n.name] };
  };

  const convAttrs = (w: number[] | undefined, depthwise: boolean): Record<string, AttrValue> => {
    const out: Record<string, AttrValue> = Object.create(null);
    if (w && w.length === 4) {
      out.kernel_shape = w.slice(0, 2);
      out.group = depthwise ? w[2]! : 1;
    } else if (!depthwise) out.group = 1;
    const st = spatial(a.strides, nchw);
    if (st) out.strides = st;
    const dil = spatial(a.dilations, nchw);
    if (dil) out.dilations = dil;
    const pad = a.padding;
    if (pad === 'SAME') out.auto_pad = 'SAME_UPPER';
    else if (pad === 'VALID') out.pads = [0, 0, 0, 0];
    else if (pad === 'EXPLICIT' && Array.isArray(a.explicit_paddings)) {
      const e = a.explicit_paddings as number[];
      const sp = nchw ? [2, 3] : [1, 2];
      out.pads = [e[sp[0]! * 2]!, e[sp[1]! * 2]!, e[sp[0]! * 2 + 1]!, e[sp[1]! * 2 + 1]!];
    }
    return out;
  };

  switch (n.op) {
    case 'Conv2D':
    case 'DepthwiseConv2dNative':
      return single('Conv', ins.slice(0, 2), convAttrs(shp(ins[1]), n.op !== 'Conv2D'));
    case '_FusedConv2D':
    case 'FusedDepthwiseConv2dNative':
      return fused('Conv', ins.slice(0, 2), convAttrs(shp(ins[1]), n.op !== '_FusedConv2D'), ins.slice(2));
    case 'Conv2DBackpropInput': {
      // inputs: output_shape, filter [kh, kw, out, in], x
      const w = shp(ins[1]);
      const attrs: Record<string, AttrValue> = { ...convAttrs(w, false) };
      delete attrs.pads;
      const os = vals(ins[0]);
      if (os && os.length === 4) attrs.output_shape = nchw ? os.slice(2) : os.slice(1, 3);
      return single('ConvTranspose', [ins[2] ?? '', ins[1] ?? ''], attrs);
    }
    case 'MatMul':
    case '_FusedMatMul': {
      const tA = a.transpose_a === true ? 1 : 0;
      const tB = a.transpose_b === true ? 1 : 0;
      if (n.op === 'MatMul' && !tA && !tB) return single('MatMul', ins.slice(0, 2));
      const attrs = { transA: tA, transB: tB };
      if (n.op === 'MatMul') return single('Gemm', ins.slice(0, 2), attrs);
      return fused('Gemm', ins.slice(0, 2), attrs, ins.slice(2));
    }
    case 'FusedBatchNorm':
    case 'FusedBatchNormV2':
    case 'FusedBatchNormV3':
      return single('BatchNormalization', ins.slice(0, 5), { epsilon: typeof a.epsilon === 'number' ? a.epsilon : 1e-3 });
    case 'MaxPool':
    case 'AvgPool': {
      const attrs: Record<string, AttrValue> = Object.create(null);
      const k = spatial(a.ksize, nchw);
      if (k) attrs.kernel_shape = k;
      const st = spatial(a.strides, nchw);
      if (st) attrs.strides = st;
      if (a.padding === 'SAME') attrs.auto_pad = 'SAME_UPPER';
      else attrs.pads = [0, 0, 0, 0];
      if (n.op === 'AvgPool') attrs.count_include_pad = 0;
      return single(n.op === 'MaxPool' ? 'MaxPool' : 'AveragePool', [ins[0] ?? ''], attrs);
    }
    case 'Mean':
    case 'Max':
    case 'Sum':
    case 'Min':
    case 'Prod': {
      const op = { Mean: 'ReduceMean', Max: 'ReduceMax', Sum: 'ReduceSum', Min: 'ReduceMin', Prod: 'ReduceProd' }[n.op]!;
      const attrs: Record<string, AttrValue> = { keepdims: a.keep_dims === true ? 1 : 0 };
      const ax = vals(ins[1]);
      if (ax) attrs.axes = ax;
      return single(op, [ins[0] ?? ''], attrs);
    }
    case 'Reshape': {
      const s = vals(ins[1]);
      return single('Reshape', ins.slice(0, 2), s ? { shape: s } : {});
    }
    case 'Squeeze':
      return single('Squeeze', [ins[0] ?? ''], Array.isArray(a.squeeze_dims) && a.squeeze_dims.length ? { axes: a.squeeze_dims } : {});
    case 'ExpandDims': {
      const ax = vals(ins[1]);
      return single('Unsqueeze', [ins[0] ?? ''], ax ? { axes: ax } : {});
    }
    case 'ConcatV2': {
      const axisT = ins[ins.length - 1];
      const ax = vals(axisT);
      return single('Concat', ins.slice(0, -1), ax ? { axis: ax[0]! } : {});
    }
    case 'Pack': {
      return single('Concat', ins, { axis: typeof a.axis === 'number' ? a.axis : 0, new_axis: 1 });
    }
    case 'Transpose': {
      const p = vals(ins[1]);
      return single('Transpose', [ins[0] ?? ''], p ? { perm: p } : {});
    }
    case 'Pad':
    case 'PadV2':
    case 'MirrorPad': {
      const p = vals(ins[1]);
      const attrs: Record<string, AttrValue> = { mode: n.op === 'MirrorPad' ? (a.mode === 'SYMMETRIC' ? 'edge' : 'reflect') : 'constant' };
      if (p && p.length % 2 === 0) {
        const r = p.length / 2;
        attrs.pads = [...Array.from({ length: r }, (_, i) => p[2 * i]!), ...Array.from({ length: r }, (_, i) => p[2 * i + 1]!)];
      }
      return single('Pad', [ins[0] ?? ''], attrs);
    }
    case 'GatherV2':
    case 'Gather': {
      const ax = vals(ins[2]);
      return single('Gather', ins.slice(0, 2), { axis: ax ? ax[0]! : 0 });
    }
    case 'StridedSlice':
    case 'Slice':
      return single('Slice', ins);
    case 'LeakyRelu':
      return single('LeakyRelu', ins, { alpha: typeof a.alpha === 'number' ? a.alpha : 0.2 });
    case 'Softmax':
      return single('Softmax', ins, { axis: -1 });
    case 'Einsum':
      return single('Einsum', ins, { equation: String(a.equation ?? '') });
  }
  if (ACTIVATIONS[n.op]) {
    const s = ACTIVATIONS[n.op]!;
    return single(s.op, ins, { ...(s.attrs ?? {}) });
  }
  if (SIMPLE[n.op]) return single(SIMPLE[n.op]!, ins);
  // No ONNX equivalent: keep the TF op and its attributes.
  return single(n.op, ins, a);
}

function parseNodes(list: unknown, file: string, where: string): NodeDef[] {
  if (!Array.isArray(list)) throw new InputError(file, `${where}: expected a list of nodes`);
  // A NodeDef's name is its output tensor's name: TensorFlow refuses a graph where two nodes share one.
  const names = new Set<string>();
  return list.map((x, i) => {
    if (!isObj(x) || typeof x.name !== 'string' || !x.name || typeof x.op !== 'string' || !x.op) {
      throw new InputError(file, `${where}: node ${i} needs a name and an op`);
    }
    if (names.has(x.name)) throw new InputError(file, `${where}: two nodes are named '${x.name}' (each name may be assigned once)`);
    names.add(x.name);
    const input = Array.isArray(x.input) ? x.input.filter((s): s is string => typeof s === 'string') : [];
    return { name: x.name, op: x.op, input, attr: isObj(x.attr) ? x.attr : {} };
  });
}

/** Parses a TF.js graph-model document (already detected as such). */
export function parseTfjsGraph(doc: Record<string, unknown>, file: string): ArchGraph {
  const topo = doc.modelTopology as Obj;
  const defs = parseNodes(topo.node, file, 'modelTopology.node');
  const manifest = readManifest(doc.weightsManifest, file);
  const library = isObj(topo.library) && Array.isArray(topo.library.function) ? topo.library.function : [];
  const graph = convertDefs(defs, manifest, file, library, 0);
  // Signature names the real inputs/outputs ("x:0"), when present.
  const sig = isObj(doc.signature) ? doc.signature : null;
  if (sig && isObj(sig.outputs)) {
    const outs = Object.values(sig.outputs)
      .map((o) => (isObj(o) && typeof o.name === 'string' ? tensorRef(o.name) : null))
      .filter((x): x is string => !!x);
    if (outs.length) graph.outputs = outs.map((t) => ({ name: t, shape: null, dtype: 'float32' }));
  }
  const metadata: Record<string, string> = Object.create(null);
  for (const k of ['format', 'generatedBy', 'convertedBy']) if (typeof doc[k] === 'string') metadata[k] = doc[k] as string;
  graph.metadata = metadata;
  attachParams(graph);
  return graph;
}

function convertDefs(defs: NodeDef[], manifest: Map<string, ManifestWeight>, file: string, library: unknown[], depth: number): ArchGraph {
  if (depth > 16) throw new InputError(file, 'functions nested deeper than 16 levels');
  const ctx: Ctx = { file, manifest, constValues: new Map(), constShapes: new Map(), initializers: Object.create(null), ids: new Set() };
  const inputs: TensorInfo[] = [];
  const nodes: ArchNode[] = [];
  const defined = new Set<string>();
  const used = new Set<string>();
  for (const d of defs) {
    defined.add(d.name);
    for (const i of d.input) {
      const t = tensorRef(i);
      if (t) used.add(t.replace(/:\d+$/, ''));
    }
  }
  for (const d of defs) {
    if (d.op === 'Placeholder' || d.op === 'PlaceholderWithDefault' && !d.input.length) {
      const attr = d.attr;
      const shape = isObj(attr.shape) ? shapeOf(attr.shape.shape) : null;
      inputs.push({ name: d.name, shape, dtype: isObj(attr.dtype) ? tfDtype(attr.dtype.type) : 'float32' });
      continue;
    }
    if (d.op === 'Const') {
      const m = manifest.get(d.name);
      if (m) {
        const p: ParamInfo = { name: d.name, shape: m.shape, dtype: m.dtype, trainable: true };
        if (m.values) {
          p.values = m.values;
          ctx.constValues.set(d.name, m.values);
        }
        ctx.constShapes.set(d.name, m.shape);
        ctx.initializers[d.name] = p;
        continue;
      }
      const t = isObj(d.attr.value) ? inlineTensor(d.attr.value.tensor) : undefined;
      const node: ArchNode = { id: d.name, op: 'Constant', sourceOp: 'Const', attrs: {}, inputs: [], outputs: [d.name], params: [] };
      if (t) {
        node.constValue = t;
        ctx.constShapes.set(d.name, t.shape);
        if (t.values) ctx.constValues.set(d.name, t.values);
      }
      ctx.ids.add(d.name);
      nodes.push(node);
      continue;
    }
    if (d.op === 'NoOp') continue;
    const e = translate(d, ctx);
    // control flow: attach library function bodies as subgraphs
    const fnNames = Object.entries(d.attr)
      .filter(([, v]) => isObj(v) && isObj(v.func) && typeof v.func.name === 'string')
      .map(([k, v]) => [k, ((v as Obj).func as Obj).name as string] as const);
    if (fnNames.length) {
      const subs: ArchGraph[] = [];
      for (const [attr, fname] of fnNames) {
        const f = library.find((x) => isObj(x) && isObj(x.signature) && x.signature.name === fname) as Obj | undefined;
        if (!f) continue;
        const body = convertFunction(f, manifest, file, library, depth + 1);
        body.parentAttr = attr;
        subs.push(body);
      }
      if (subs.length) e.nodes[0]!.subgraphs = subs;
    }
    nodes.push(...e.nodes);
  }
  // every referenced node must exist
  for (const d of defs) {
    for (const i of d.input) {
      const t = tensorRef(i) ?? i.slice(1);
      const base = t.replace(/:\d+$/, '');
      if (!defined.has(base)) throw new InputError(file, `node '${d.name}' (${d.op}) reads '${i}', which no node defines`);
    }
  }
  // outputs: nodes nobody consumes (signature may override)
  const outputs: TensorInfo[] = defs
    .filter((d) => !used.has(d.name) && d.op !== 'Const' && d.op !== 'NoOp' && d.op !== 'Placeholder')
    .map((d) => ({ name: d.name, shape: null, dtype: 'float32' }));
  if (!nodes.length && !inputs.length) throw new InputError(file, 'the graph model has no nodes');
  return { format: 'tfjs-graph', name: '', nodes, inputs, outputs, valueInfo: Object.create(null), initializers: ctx.initializers, metadata: {} };
}

/** A library function (FunctionDef) as a subgraph: its node_def list, inputs from the signature. */
function convertFunction(f: Obj, manifest: Map<string, ManifestWeight>, file: string, library: unknown[], depth: number): ArchGraph {
  const sig = f.signature as Obj;
  const argNames = Array.isArray(sig.inputArg) ? sig.inputArg.map((x) => (isObj(x) && typeof x.name === 'string' ? x.name : '')).filter(Boolean) : [];
  const raw = Array.isArray(f.nodeDef) ? f.nodeDef : [];
  // function-internal refs look like "node:output_name:0"; reduce them to "node"
  const defs = parseNodes(raw, file, `function ${String(sig.name)}`).map((d) => ({ ...d, input: d.input.map((i) => i.replace(/^(\^?[^:]+):[^:]+:(\d+)$/, '$1:$2')) }));
  const args: NodeDef[] = argNames.map((name) => ({ name, op: 'Placeholder', input: [], attr: {} }));
  const g = convertDefs([...args, ...defs], manifest, file, library, depth);
  g.name = String(sig.name ?? '');
  return g;
}
