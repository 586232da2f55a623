/**
 * archbert's own JSON graph format (schema/native-graph.schema.json): what a
 * user can dump from any framework — nodes with ONNX op names, tensor names
 * on their inputs/outputs, attributes, and the weights each node owns.
 *
 *   {"format": "archbert-graph", "version": 1, "name": "...", "layout": "NCHW",
 *    "inputs":  [{"name": "x", "shape": [1, 3, 224, 224], "dtype": "float32"}],
 *    "outputs": [{"name": "logits"}],
 *    "initializers": [{"name": "...", "shape": [...]}],          (optional, shared weights)
 *    "nodes": [{"id": "conv1", "op": "Conv", "inputs": ["x"], "outputs": ["c1"],
 *               "attrs": {"kernel_shape": [7, 7], "strides": [2, 2], "pads": [3, 3, 3, 3]},
 *               "params": [{"name": "conv1.weight", "shape": [64, 3, 7, 7]}]}],
 *    "metadata": {"framework": "pytorch"}}
 *
 * A node's params are appended to its inputs (in order) unless already listed
 * there, so ONNX input positions hold (Conv [x, W, B]). `trainable` defaults
 * to true; `role` to 'weight' for trainable params and 'buffer' otherwise.
 * Every field is validated; errors name the JSON path (nodes[3].params[0].shape).
 */
import { InputError } from '../../errors.js';
import type { ArchGraph, ArchNode, AttrValue, Dim, ParamInfo, TensorInfo } from '../types.js';
import { checkGraph } from './check.js';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

export const NATIVE_FORMAT_VERSION = 1;

export function parseNative(doc: Record<string, unknown>, file: string): ArchGraph {
  const fail = (path: string, msg: string): never => {
    throw new InputError(file, `${path}: ${msg}`);
  };
  if (doc.version !== undefined && doc.version !== NATIVE_FORMAT_VERSION) fail('version', `unsupported version ${JSON.stringify(doc.version)} (this tool reads ${NATIVE_FORMAT_VERSION})`);
  const str = (v: unknown, path: string): string => (typeof v === 'string' && v.length > 0 ? v : fail(path, 'expected a non-empty string'));
  const arr = (v: unknown, path: string): unknown[] => (Array.isArray(v) ? v : fail(path, 'expected a list'));
  const layoutOf = (v: unknown, path: string): 'NCHW' | 'NHWC' | undefined =>
    v === undefined ? undefined : v === 'NCHW' || v === 'NHWC' ? v : fail(path, 'expected "NCHW" or "NHWC"');
  const graphLayout = layoutOf(doc.layout, 'layout');

  const dims = (v: unknown, path: string): Dim[] | null => {
    if (v === null || v === undefined) return null;
    return arr(v, path).map((d, i) =>
      d === null || (typeof d === 'string' && d.length > 0) || (Number.isSafeInteger(d) && (d as number) >= 0)
        ? (d as Dim)
        : fail(`${path}[${i}]`, 'expected a non-negative integer, a symbolic name or null'),
    );
  };
  const tensor = (v: unknown, path: string): TensorInfo => {
    if (!isObj(v)) return fail(path, 'expected an object {name, shape, dtype}');
    return { name: str(v.name, `${path}.name`), shape: dims(v.shape, `${path}.shape`), dtype: v.dtype === undefined ? 'float32' : str(v.dtype, `${path}.dtype`) };
  };
  const param = (v: unknown, path: string): ParamInfo => {
    if (!isObj(v)) return fail(path, 'expected an object {name, shape, dtype, trainable}');
    const shape = arr(v.shape, `${path}.shape`).map((d, i) =>
      Number.isSafeInteger(d) && (d as number) >= 0 ? (d as number) : fail(`${path}.shape[${i}]`, 'expected a non-negative integer'),
    );
    if (v.trainable !== undefined && typeof v.trainable !== 'boolean') fail(`${path}.trainable`, 'expected true or false');
    const trainable = v.trainable !== false;
    const role = v.role === undefined ? (trainable ? 'weight' : 'buffer') : v.role;
    if (role !== 'weight' && role !== 'buffer' && role !== 'constant') fail(`${path}.role`, 'expected "weight", "buffer" or "constant"');
    const p: ParamInfo = { name: str(v.name, `${path}.name`), shape, dtype: v.dtype === undefined ? 'float32' : str(v.dtype, `${path}.dtype`), trainable, role: role as ParamInfo['role'] };
    if (v.values !== undefined) {
      const vals = arr(v.values, `${path}.values`);
      const n = shape.reduce((a, b) => a * b, 1);
      if (vals.length !== n || !vals.every((x) => typeof x === 'number')) fail(`${path}.values`, `expected ${n} numbers`);
      p.values = vals as number[];
    }
    return p;
  };
  const attr = (v: unknown, path: string): AttrValue => {
    if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
    if (Array.isArray(v) && (v.every((x) => typeof x === 'number') || v.every((x) => typeof x === 'string'))) return v as number[] | string[];
    return fail(path, 'expected a number, string, boolean, null, or a list of numbers or of strings');
  };

  const initializers: Record<string, ParamInfo> = Object.create(null);
  const addInit = (p: ParamInfo, path: string) => {
    const prev = initializers[p.name];
    if (prev && (prev.shape.join() !== p.shape.join() || prev.dtype !== p.dtype)) fail(path, `param '${p.name}' is declared twice with different shapes`);
    if (!prev) initializers[p.name] = p;
    return initializers[p.name]!;
  };
  if (doc.initializers !== undefined) arr(doc.initializers, 'initializers').forEach((v, i) => addInit(param(v, `initializers[${i}]`), `initializers[${i}]`));

  const inputs = arr(doc.inputs ?? [], 'inputs').map((v, i) => tensor(v, `inputs[${i}]`));
  const outputs = arr(doc.outputs ?? [], 'outputs').map((v, i) => tensor(v, `outputs[${i}]`));
  const ids = new Set<string>();
  const nodes: ArchNode[] = arr(doc.nodes, 'nodes').map((v, i) => {
    const path = `nodes[${i}]`;
    if (!isObj(v)) return fail(path, 'expected an object {id, op, inputs, outputs, attrs, params}');
    const op = str(v.op, `${path}.op`);
    let id = v.id === undefined ? `${op}_${i}` : str(v.id, `${path}.id`);
    if (ids.has(id)) {
      if (v.id !== undefined) fail(`${path}.id`, `duplicate node id '${id}'`);
      for (let k = 1; ids.has(`${op}_${i}_${k}`); k++) id = `${op}_${i}_${k}`;
    }
    ids.add(id);
    const ins = arr(v.inputs ?? [], `${path}.inputs`).map((t, k) => (typeof t === 'string' ? t : fail(`${path}.inputs[${k}]`, 'expected a tensor name')));
    const outs = arr(v.outputs ?? [], `${path}.outputs`).map((t, k) => str(t, `${path}.outputs[${k}]`));
    const attrs: Record<string, AttrValue> = Object.create(null);
    if (v.attrs !== undefined) {
      if (!isObj(v.attrs)) fail(`${path}.attrs`, 'expected an object');
      for (const [k, a] of Object.entries(v.attrs as Obj)) attrs[k] = attr(a, `${path}.attrs.${k}`);
    }
    const params = arr(v.params ?? [], `${path}.params`).map((p, k) => addInit(param(p, `${path}.params[${k}]`), `${path}.params[${k}]`));
    for (const p of params) if (!ins.includes(p.name)) ins.push(p.name);
    // weights referenced by name from the shared initializers list
    for (const t of ins) {
      const p = initializers[t];
      if (p && !params.includes(p)) params.push(p);
    }
    const node: ArchNode = { id, op, sourceOp: v.sourceOp === undefined ? op : str(v.sourceOp, `${path}.sourceOp`), attrs, inputs: ins, outputs: outs, params };
    if (v.domain !== undefined) node.domain = str(v.domain, `${path}.domain`);
    const lay = layoutOf(v.layout, `${path}.layout`) ?? graphLayout;
    if (lay) node.layout = lay;
    return node;
  });
  if (!nodes.length) fail('nodes', 'the graph has no nodes');
  checkGraph(nodes, inputs, outputs, initializers, () => false, file);
  const metadata: Record<string, string> = Object.create(null);
  if (doc.metadata !== undefined) {
    if (!isObj(doc.metadata)) fail('metadata', 'expected an object of strings');
    for (const [k, m] of Object.entries(doc.metadata as Obj)) metadata[k] = typeof m === 'string' ? m : JSON.stringify(m);
  }
  const valueInfo: Record<string, TensorInfo> = Object.create(null);
  if (doc.valueInfo !== undefined) arr(doc.valueInfo, 'valueInfo').forEach((t, i) => {
    const ti = tensor(t, `valueInfo[${i}]`);
    valueInfo[ti.name] = ti;
  });
  return {
    format: 'native',
    name: typeof doc.name === 'string' ? doc.name : '',
    nodes,
    inputs,
    outputs,
    valueInfo,
    initializers,
    metadata,
  };
}
