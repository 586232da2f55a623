/**
 * A small ONNX model writer for tests and fixture scripts.
 *
 * Describe a model as plain data (nodes, initializers, inputs/outputs,
 * value_info, subgraphs, model-local functions) and `encodeModel` returns the
 * ModelProto bytes. Initializers with `data` (explicit numbers, 'random' or
 * 'zeros') are written as little-endian raw_data, so models built with data
 * run in onnxruntime-node; without `data` only dims and dtype are written
 * (a "stripped" model, as the fixtures in fixtures/models are), and
 * `external` writes an external-data reference instead.
 */
import onnxProto from 'onnx-proto';
import type { Dim } from './types.js';
import { DTYPE_CODES } from './formats/onnx-tensor.js';

const { onnx } = onnxProto;

export interface TensorSpec {
  name: string;
  dtype?: string; // default float32
  dims: number[];
  /** Contents: numbers (row-major), 'random' (deterministic, small), 'zeros'; omitted = dims only. */
  data?: number[] | 'random' | 'zeros';
  /** Weights stored in an external file (which need not exist). */
  external?: { location: string; offset?: number; length?: number };
}

export interface ValueSpec {
  name: string;
  dtype?: string; // default float32
  /** null = unknown rank; strings are symbolic dims (dim_param); null entries are unknown dims. */
  shape: Dim[] | null;
}

export type AttrSpec =
  | number // INT when an integer, else FLOAT
  | string
  | number[] // INTS when all integers, else FLOATS
  | string[]
  | { float: number }
  | { floats: number[] }
  | { tensor: TensorSpec }
  | { graph: GraphSpec }
  | { graphs: GraphSpec[] }
  | { ref: string }; // attribute reference inside a function body

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attrs?: Record<string, AttrSpec>;
}

export interface GraphSpec {
  name?: string;
  nodes: NodeSpec[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  initializers?: TensorSpec[];
  valueInfo?: ValueSpec[];
}

export interface FunctionSpec {
  name: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes?: string[];
  nodes: NodeSpec[];
  opset?: number;
}

export interface ModelSpec {
  graph: GraphSpec;
  opset?: number; // default 13
  irVersion?: number; // default: the IR version that goes with the opset
  extraOpsets?: Array<{ domain: string; version: number }>;
  functions?: FunctionSpec[];
  producerName?: string;
  metadata?: Record<string, string>;
  docString?: string;
}

/** IR version released with each opset (onnx/helper.py VERSION_TABLE). */
export function irVersionFor(opset: number): number {
  if (opset <= 8) return 3;
  if (opset === 9) return 4;
  if (opset === 10) return 5;
  if (opset === 11) return 6;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

function dtypeCode(dtype: string | undefined): number {
  const code = DTYPE_CODES[dtype ?? 'float32'];
  if (code === undefined) throw new Error(`onnx-builder: unknown dtype ${dtype}`);
  return code;
}

function floatToHalf(v: number): number {
  const f32 = new Float32Array([v]);
  const x = new Uint32Array(f32.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (((x >>> 23) & 0xff) === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  if (exp >= 31) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    const m = (mant | 0x800000) >> (1 - exp);
    return sign | ((m + 0x1000) >> 13);
  }
  return sign | (exp << 10) | ((mant + 0x1000) >> 13);
}

/** Deterministic pseudo-random values in [-0.1, 0.1) (integers in [0, 4) for integer dtypes). */
function randomValues(n: number, seed: number, integer: boolean): number[] {
  let s = (seed >>> 0) || 1;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = integer ? s % 4 : (s / 2 ** 32 - 0.5) * 0.2;
  }
  return out;
}

function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

function rawData(dtype: string, values: number[]): Uint8Array {
  const bytes: Record<string, number> = { float32: 4, float64: 8, int64: 8, int32: 4, int16: 2, uint16: 2, int8: 1, uint8: 1, bool: 1, float16: 2 };
  const size = bytes[dtype];
  if (!size) throw new Error(`onnx-builder: cannot write data of dtype ${dtype}`);
  const out = new Uint8Array(size * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    const o = i * size;
    switch (dtype) {
      case 'float32': view.setFloat32(o, v, true); break;
      case 'float64': view.setFloat64(o, v, true); break;
      case 'int64': view.setBigInt64(o, BigInt(Math.trunc(v)), true); break;
      case 'int32': view.setInt32(o, v, true); break;
      case 'int16': view.setInt16(o, v, true); break;
      case 'uint16': view.setUint16(o, v, true); break;
      case 'int8': view.setInt8(o, v); break;
      case 'uint8': case 'bool': view.setUint8(o, v); break;
      case 'float16': view.setUint16(o, floatToHalf(v), true); break;
    }
  });
  return out;
}

export function tensorProto(t: TensorSpec): onnxProto.onnx.ITensorProto {
  const dtype = t.dtype ?? 'float32';
  const proto: onnxProto.onnx.ITensorProto = { name: t.name, dataType: dtypeCode(dtype), dims: t.dims };
  if (t.external) {
    proto.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    proto.externalData = [{ key: 'location', value: t.external.location }];
    if (t.external.offset !== undefined) proto.externalData.push({ key: 'offset', value: String(t.external.offset) });
    if (t.external.length !== undefined) proto.externalData.push({ key: 'length', value: String(t.external.length) });
  } else if (t.data !== undefined) {
    const n = t.dims.reduce((a, b) => a * b, 1);
    const integer = !dtype.startsWith('float');
    const values = t.data === 'zeros' ? new Array<number>(n).fill(0) : t.data === 'random' ? randomValues(n, hashName(t.name), integer) : t.data;
    if (values.length !== n) throw new Error(`onnx-builder: ${t.name} has ${values.length} values for dims [${t.dims}]`);
    proto.rawData = rawData(dtype, values);
  }
  return proto;
}

function valueInfo(v: ValueSpec): onnxProto.onnx.IValueInfoProto {
  const tensorType: onnxProto.onnx.TypeProto.ITensor = { elemType: dtypeCode(v.dtype) };
  if (v.shape) {
    tensorType.shape = {
      dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})),
    };
  }
  return { name: v.name, type: { tensorType } };
}

const enc = new TextEncoder();
const AT = onnx.AttributeProto.AttributeType;

function attribute(name: string, a: AttrSpec): onnxProto.onnx.IAttributeProto {
  if (typeof a === 'number') return Number.isInteger(a) ? { name, type: AT.INT, i: a } : { name, type: AT.FLOAT, f: a };
  if (typeof a === 'string') return { name, type: AT.STRING, s: enc.encode(a) };
  if (Array.isArray(a)) {
    if (a.every((x) => typeof x === 'string')) return { name, type: AT.STRINGS, strings: (a as string[]).map((s) => enc.encode(s)) };
    const nums = a as number[];
    return nums.every(Number.isInteger) ? { name, type: AT.INTS, ints: nums } : { name, type: AT.FLOATS, floats: nums };
  }
  if ('float' in a) return { name, type: AT.FLOAT, f: a.float };
  if ('floats' in a) return { name, type: AT.FLOATS, floats: a.floats };
  if ('tensor' in a) return { name, type: AT.TENSOR, t: tensorProto(a.tensor) };
  if ('graph' in a) return { name, type: AT.GRAPH, g: graphProto(a.graph) };
  if ('graphs' in a) return { name, type: AT.GRAPHS, graphs: a.graphs.map(graphProto) };
  return { name, refAttrName: a.ref };
}

function nodeProto(n: NodeSpec): onnxProto.onnx.INodeProto {
  return {
    opType: n.op,
    input: n.inputs,
    output: n.outputs,
    name: n.name ?? '',
    domain: n.domain ?? '',
    attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
  };
}

export function graphProto(g: GraphSpec): onnxProto.onnx.IGraphProto {
  return {
    name: g.name ?? 'graph',
    node: g.nodes.map(nodeProto),
    input: g.inputs.map(valueInfo),
    output: g.outputs.map(valueInfo),
    initializer: (g.initializers ?? []).map(tensorProto),
    valueInfo: (g.valueInfo ?? []).map(valueInfo),
  };
}

/** The ModelProto (not yet encoded). */
export function modelProto(spec: ModelSpec): onnxProto.onnx.ModelProto {
  const opset = spec.opset ?? 13;
  const hasFunctions = (spec.functions?.length ?? 0) > 0;
  return onnx.ModelProto.create({
    irVersion: spec.irVersion ?? Math.max(irVersionFor(opset), hasFunctions ? 8 : 0),
    producerName: spec.producerName ?? 'archbert onnx-builder',
    opsetImport: [{ domain: '', version: opset }, ...(spec.extraOpsets ?? [])],
    graph: graphProto(spec.graph),
    docString: spec.docString ?? '',
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    functions: (spec.functions ?? []).map((f) => ({
      name: f.name,
      domain: f.domain,
      input: f.inputs,
      output: f.outputs,
      attribute: f.attributes ?? [],
      node: f.nodes.map(nodeProto),
      opsetImport: [{ domain: '', version: f.opset ?? opset }],
    })),
  });
}

/** Encodes a model to ONNX protobuf bytes. */
export function encodeModel(spec: ModelSpec): Uint8Array {
  return onnx.ModelProto.encode(modelProto(spec)).finish();
}
