/**
 * ONNX ModelProto → ArchGraph.
 *
 * - Any opset (the loader records ops as written; opset only matters to the
 *   analysis). Unnamed nodes get ids `<OpType>_<index>`, made unique.
 * - Attributes: ints/floats/strings (and their lists) go to `attrs` (floats
 *   tidied to their shortest float32 decimal); TENSOR(S) attributes go to
 *   `tensorAttrs` (shape, dtype, values of small tensors); GRAPH(S)
 *   attributes (If/Loop/Scan bodies) become `subgraphs`, each with
 *   `parentAttr` naming the attribute; sparse tensors and type protos are
 *   summarised (shape only / omitted).
 * - `Constant` nodes carry `constValue` (value, value_int(s), value_float(s)).
 * - Initializers (dense and sparse): dims and dtype always; contents only for
 *   small tensors (≤ 1024 elements) whose data is inline. Large `raw_data` is
 *   never copied or decoded, and initializers whose data lives in an external
 *   file load from their dims alone (the file is not opened).
 * - Graph inputs exclude initializers (IR < 4 lists weights as inputs too).
 * - Model-local functions (IR ≥ 8) are INLINED: a call becomes the function's
 *   nodes, ids `<caller>/<inner>`, internal tensors renamed `<caller>/<name>`,
 *   attribute references resolved from the call; each inlined node records
 *   `fromFunction`. Shape inference, MACs and block detection then see the
 *   real ops.
 * - Validation (bad input → InputError, never a crash): the protobuf must
 *   decode, hold a graph, every node must have an op type, every tensor a
 *   node reads must be defined (by a node, graph input, initializer or the
 *   enclosing scope), dims must be non-negative integers, and the graph must
 *   be acyclic.
 * - Params: see onnx-params.ts for the trainable rule.
 */
import onnxProto from 'onnx-proto';
import { InputError } from '../../errors.js';
import type { ArchGraph, ArchNode, AttrValue, ParamInfo, TensorInfo } from '../types.js';
import { attachParams } from './onnx-params.js';
import { checkGraph } from './check.js';
import { dtypeName, tensorValues, tidyFloat32, toNum, type Int64, type TensorData } from './onnx-tensor.js';

const { onnx } = onnxProto;
type IGraph = onnxProto.onnx.IGraphProto;
type INode = onnxProto.onnx.INodeProto;
type IAttr = onnxProto.onnx.IAttributeProto;
type ITensor = onnxProto.onnx.ITensorProto;
type IValueInfo = onnxProto.onnx.IValueInfoProto;
type IFunction = onnxProto.onnx.IFunctionProto;

const AT = onnx.AttributeProto.AttributeType;
const MAX_NESTING = 32;
const utf8 = new TextDecoder('utf-8');

interface Ctx {
  file: string;
  functions: Map<string, IFunction>;
}

/** Parses ONNX protobuf bytes. Throws InputError for anything that is not a valid ONNX model. */
export function parseOnnx(buf: Uint8Array, file: string): ArchGraph {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(buf);
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new InputError(file, `not a valid ONNX model: protobuf decoding failed (${why}); the file is truncated or corrupt`);
  }
  if (!model.graph) throw new InputError(file, 'not an ONNX model: the protobuf holds no graph');
  if (toNum(model.irVersion) <= 0 && !model.opsetImport?.length) {
    throw new InputError(file, 'not an ONNX model: no IR version and no opset import');
  }
  const functions = new Map<string, IFunction>();
  for (const f of model.functions ?? []) functions.set(`${f.domain ?? ''}::${f.name ?? ''}`, f);
  const ctx: Ctx = { file, functions };

  let opset: number | undefined;
  const metadata: Record<string, string> = Object.create(null);
  for (const o of model.opsetImport ?? []) {
    const dom = o.domain ?? '';
    if (dom === '' || dom === 'ai.onnx') opset = toNum(o.version);
    else metadata[`opset.${dom}`] = String(toNum(o.version));
  }
  if (model.producerName) metadata.producer_name = model.producerName;
  if (model.producerVersion) metadata.producer_version = model.producerVersion;
  metadata.ir_version = String(toNum(model.irVersion));
  if (model.domain) metadata.domain = model.domain;
  if (toNum(model.modelVersion)) metadata.model_version = String(toNum(model.modelVersion));
  if (model.docString) metadata.doc_string = model.docString.slice(0, 1000);
  for (const kv of model.metadataProps ?? []) if (kv.key) metadata[kv.key] = kv.value ?? '';

  const graph = convertGraph(model.graph, ctx, [], 0);
  if (graph.nodes.length === 0 && graph.outputs.length === 0) {
    throw new InputError(file, 'not an ONNX model: the graph has no nodes and no outputs');
  }
  graph.metadata = metadata;
  if (opset !== undefined) graph.opset = opset;
  attachParams(graph);
  return graph;
}

function dims(d: Int64[] | null | undefined, ctx: Ctx, what: string): number[] {
  return (d ?? []).map((x) => {
    const n = toNum(x);
    if (!Number.isSafeInteger(n) || n < 0) throw new InputError(ctx.file, `${what} has an invalid dimension ${n}`);
    return n;
  });
}

const product = (s: number[]) => s.reduce((a, b) => a * b, 1);

function paramInfo(t: ITensor, ctx: Ctx, nameOverride?: string): ParamInfo {
  const name = nameOverride ?? t.name ?? '';
  const shape = dims(t.dims, ctx, `initializer '${name}'`);
  const p: ParamInfo = { name, shape, dtype: dtypeName(t.dataType), trainable: true };
  const external = t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL;
  if (!external) {
    const v = tensorValues(t as TensorData, product(shape));
    if (v) p.values = v;
  }
  return p;
}

function tensorSummary(t: ITensor, ctx: Ctx, what: string): { shape: number[]; values?: number[]; dtype: string } {
  const p = paramInfo(t, ctx, what);
  return p.values ? { shape: p.shape, values: p.values, dtype: p.dtype } : { shape: p.shape, dtype: p.dtype };
}

function tensorInfo(vi: IValueInfo): TensorInfo {
  const name = vi.name ?? '';
  const type = vi.type;
  const tt = type?.tensorType ?? type?.sparseTensorType;
  if (!tt) {
    const kind = type?.sequenceType ? 'sequence' : type?.mapType ? 'map' : type?.optionalType ? 'optional' : 'unknown';
    return { name, shape: null, dtype: kind };
  }
  const shape = tt.shape
    ? (tt.shape.dim ?? []).map((d) => {
        const which = (d as onnxProto.onnx.TensorShapeProto.Dimension).value;
        if (which === 'dimParam' || (which === undefined && d.dimParam)) return d.dimParam || null;
        if (which === 'dimValue' || (which === undefined && d.dimValue != null)) {
          const n = toNum(d.dimValue);
          return Number.isSafeInteger(n) && n >= 0 ? n : null;
        }
        return null;
      })
    : null;
  return { name, shape, dtype: dtypeName(tt.elemType) };
}

/** The attribute's kind; older files may leave `type` unset, so infer it from the populated field. */
function attrKind(a: IAttr): number {
  if (a.type) return a.type;
  if (a.floats?.length) return AT.FLOATS;
  if (a.ints?.length) return AT.INTS;
  if (a.strings?.length) return AT.STRINGS;
  if (a.graphs?.length) return AT.GRAPHS;
  if (a.tensors?.length) return AT.TENSORS;
  if (a.g) return AT.GRAPH;
  if (a.t) return AT.TENSOR;
  if (a.s?.length) return AT.STRING;
  if (a.f) return AT.FLOAT;
  return AT.INT;
}

interface Scope {
  /** Names defined by this graph and the enclosing ones, innermost first (visible to a subgraph). */
  outer: Array<Set<string>>;
  depth: number;
}

function convertGraph(g: IGraph, ctx: Ctx, outer: Array<Set<string>>, depth: number, parentAttr?: string): ArchGraph {
  if (depth > MAX_NESTING) throw new InputError(ctx.file, `subgraphs nested deeper than ${MAX_NESTING} levels`);
  // Null-prototype maps: tensor names such as "constructor" must not hit Object.prototype.
  const initializers: Record<string, ParamInfo> = Object.create(null);
  for (const t of g.initializer ?? []) {
    const p = paramInfo(t, ctx);
    initializers[p.name] = p;
  }
  for (const st of g.sparseInitializer ?? []) {
    const name = st.values?.name ?? '';
    const shape = dims(st.dims, ctx, `sparse initializer '${name}'`);
    initializers[name] = { name, shape, dtype: dtypeName(st.values?.dataType), trainable: true };
  }
  const inputs = (g.input ?? []).map(tensorInfo).filter((t) => !Object.hasOwn(initializers, t.name));
  const outputs = (g.output ?? []).map(tensorInfo);
  const valueInfo: Record<string, TensorInfo> = Object.create(null);
  for (const vi of g.valueInfo ?? []) {
    const t = tensorInfo(vi);
    if (t.name) valueInfo[t.name] = t;
  }

  // Every name this graph defines, for subgraph scoping and reference checks.
  // (a chain of per-graph sets, not one merged copy: many If/Loop bodies must not each copy every outer name)
  const defined = new Set<string>([...inputs.map((t) => t.name), ...Object.keys(initializers)]);
  for (const n of g.node ?? []) for (const o of n.output ?? []) if (o) defined.add(o);

  const nodes: ArchNode[] = [];
  const ids = new Set<string>();
  const scope: Scope = { outer: [defined, ...outer], depth };
  (g.node ?? []).forEach((n, i) => {
    for (const an of convertNode(n, i, ctx, scope, ids, '', new Map(), 0)) nodes.push(an);
  });

  checkGraph(nodes, inputs, outputs, initializers, (t) => outer.some((s) => s.has(t)), ctx.file);
  const out: ArchGraph = {
    format: 'onnx',
    name: g.name ?? '',
    nodes,
    inputs,
    outputs,
    valueInfo,
    initializers,
    metadata: {},
  };
  if (parentAttr) out.parentAttr = parentAttr;
  return out;
}

function uniqueId(base: string, ids: Set<string>): string {
  let id = base;
  for (let k = 1; ids.has(id); k++) id = `${base}_${k}`;
  ids.add(id);
  return id;
}

/**
 * Converts one NodeProto (inlining it when it calls a model-local function).
 * `prefix`/`rename`/`callAttrs` are set while inlining a function body.
 */
function convertNode(
  n: INode,
  index: number,
  ctx: Ctx,
  scope: Scope,
  ids: Set<string>,
  prefix: string,
  rename: Map<string, string>,
  fnDepth: number,
  callAttrs?: Map<string, IAttr>,
  fromFunction?: string,
): ArchNode[] {
  const op = n.opType ?? '';
  if (!op) throw new InputError(ctx.file, `node ${index}${n.name ? ` ('${n.name}')` : ''} has no op type`);
  const domain = n.domain ?? '';
  const id = uniqueId(prefix + (n.name || `${op}_${index}`), ids);
  const mapName = (t: string) => (t === '' ? '' : rename.get(t) ?? (prefix ? `${prefix}${t}` : t));
  const inputs = (n.input ?? []).map(mapName);
  const outputs = (n.output ?? []).map(mapName);

  // Attributes, with function attribute references resolved against the call site.
  const attrsIn: IAttr[] = [];
  for (const a of n.attribute ?? []) {
    if (a.refAttrName) {
      const v = callAttrs?.get(a.refAttrName);
      if (v) attrsIn.push({ ...v, name: a.name, refAttrName: null });
    } else attrsIn.push(a);
  }

  const fn = ctx.functions.get(`${domain}::${op}`);
  if (fn) {
    if (fnDepth >= 16) throw new InputError(ctx.file, `function '${op}' calls itself (or nests deeper than 16)`);
    const inner = new Map<string, string>();
    (fn.input ?? []).forEach((name, k) => inner.set(name, inputs[k] ?? ''));
    (fn.output ?? []).forEach((name, k) => inner.set(name, outputs[k] ?? `${id}/${name}`));
    const called = new Map<string, IAttr>();
    for (const a of attrsIn) if (a.name) called.set(a.name, a);
    const result: ArchNode[] = [];
    (fn.node ?? []).forEach((fnNode, k) => {
      for (const an of convertNode(fnNode, k, ctx, scope, ids, `${id}/`, inner, fnDepth + 1, called, `${domain}:${op}`)) {
        result.push(an);
      }
    });
    return result;
  }

  const attrs: Record<string, AttrValue> = Object.create(null);
  const tensorAttrs: NonNullable<ArchNode['tensorAttrs']> = {};
  const subgraphs: ArchGraph[] = [];
  for (const a of attrsIn) {
    const name = a.name ?? '';
    switch (attrKind(a)) {
      case AT.FLOAT: attrs[name] = tidyFloat32(a.f ?? 0); break;
      case AT.INT: attrs[name] = toNum(a.i); break;
      case AT.STRING: attrs[name] = utf8.decode(a.s ?? new Uint8Array()); break;
      case AT.FLOATS: attrs[name] = (a.floats ?? []).map(tidyFloat32); break;
      case AT.INTS: attrs[name] = (a.ints ?? []).map(toNum); break;
      case AT.STRINGS: attrs[name] = (a.strings ?? []).map((s) => utf8.decode(s)); break;
      case AT.TENSOR: if (a.t) tensorAttrs[name] = tensorSummary(a.t, ctx, `${id}.${name}`); break;
      case AT.TENSORS:
        (a.tensors ?? []).forEach((t, k) => (tensorAttrs[`${name}[${k}]`] = tensorSummary(t, ctx, `${id}.${name}`)));
        break;
      case AT.SPARSE_TENSOR:
        if (a.sparseTensor) {
          tensorAttrs[name] = { shape: dims(a.sparseTensor.dims, ctx, `${id}.${name}`), dtype: dtypeName(a.sparseTensor.values?.dataType) };
        }
        break;
      case AT.GRAPH:
        if (a.g) subgraphs.push(convertSubgraph(a.g, ctx, scope, name));
        break;
      case AT.GRAPHS:
        (a.graphs ?? []).forEach((sg, k) => subgraphs.push(convertSubgraph(sg, ctx, scope, `${name}[${k}]`)));
        break;
      default:
        break; // TYPE_PROTO(S): no bearing on structure
    }
  }
  const node: ArchNode = { id, op, sourceOp: op, attrs, inputs, outputs, params: [] };
  if (domain && domain !== 'ai.onnx') node.domain = domain;
  if (Object.keys(tensorAttrs).length) node.tensorAttrs = tensorAttrs;
  if (subgraphs.length) node.subgraphs = subgraphs;
  if (fromFunction) node.fromFunction = fromFunction;
  if (op === 'Constant' && !node.domain) {
    const c = constantValue(attrs, tensorAttrs);
    if (c) node.constValue = c;
  }
  return [node];
}

function convertSubgraph(g: IGraph, ctx: Ctx, scope: Scope, attr: string): ArchGraph {
  return convertGraph(g, ctx, scope.outer, scope.depth + 1, attr);
}

function constantValue(
  attrs: Record<string, AttrValue>,
  tensorAttrs: NonNullable<ArchNode['tensorAttrs']>,
): ArchNode['constValue'] | undefined {
  if (tensorAttrs.value) return tensorAttrs.value;
  if (tensorAttrs.sparse_value) return tensorAttrs.sparse_value;
  const num = (v: AttrValue | undefined) => (typeof v === 'number' ? v : undefined);
  const list = (v: AttrValue | undefined) => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined);
  if (num(attrs.value_int) !== undefined) return { shape: [], values: [num(attrs.value_int)!], dtype: 'int64' };
  if (num(attrs.value_float) !== undefined) return { shape: [], values: [num(attrs.value_float)!], dtype: 'float32' };
  const ints = list(attrs.value_ints);
  if (ints) return { shape: [ints.length], values: ints.length <= 1024 ? ints : undefined, dtype: 'int64' };
  const floats = list(attrs.value_floats);
  if (floats) return { shape: [floats.length], values: floats.length <= 1024 ? floats : undefined, dtype: 'float32' };
  return undefined;
}
