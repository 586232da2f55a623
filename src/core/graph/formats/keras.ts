/**
 * Keras `model.to_json()` and TF.js layers-model `model.json` → ArchGraph.
 *
 * - Sequential (Keras 2 dict or old list config) and Functional/Model
 *   (Keras 2/TF.js `inbound_nodes` lists and Keras 3 `__keras_tensor__`
 *   args), nested models inlined with their layer name as id prefix
 *   (`outer/inner`), shared layers called twice get `#1`, `#2` ids.
 * - Each layer becomes ONNX-semantics nodes (keras-layers.ts) with
 *   `sourceOp` = the Keras class, `layout: 'NHWC'` (or 'NCHW' for
 *   channels_first), weights as node inputs.
 * - Shapes: Keras shapes are propagated from batch_input_shape / batch_shape
 *   / input_shape (batch None → symbolic "batch") and recorded in
 *   `valueInfo` for every tensor; weight shapes follow from the config.
 * - A TF.js `weightsManifest` is authoritative: its shapes replace the
 *   computed ones (matched by layer name and weight name), and manifest
 *   weights no layer claims are kept in `initializers` (unattached).
 * - BatchNormalization moving_mean/moving_variance and Normalization
 *   mean/variance/count are buffers (trainable: false); frozen layers
 *   (`trainable: false` in the config) still hold learned weights and stay
 *   trainable: true, as PyTorch's parameters() would count them.
 * Unknown layer classes become a node with op = the class name (no ONNX
 * equivalent), their output shape unknown, and any manifest weights attached.
 */
import { InputError } from '../../errors.js';
import type { ArchGraph, ArchNode, Dim, ModelFormat, ParamInfo, TensorInfo } from '../types.js';
import { KERAS_MODEL_CLASSES } from './detect.js';
import { LayerConfigError, TRANSLATORS, type Shape, type WeightSpec } from './keras-layers.js';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const MAX_NESTING = 32;

interface ManifestEntry {
  name: string;
  segments: string[];
  shape: number[];
  dtype: string;
  used: boolean;
}

interface State {
  file: string;
  nodes: ArchNode[];
  ids: Set<string>;
  shapes: Map<string, Shape>;
  inputDtypes: Map<string, string>;
  initializers: Record<string, ParamInfo>;
  manifest: ManifestEntry[] | null;
  unresolved: string[];
}

/** Parses a Keras / TF.js layers-model document (already detected as such). */
export function parseKeras(doc: Obj, file: string, flavour: ModelFormat): ArchGraph {
  let model: unknown;
  let manifest: ManifestEntry[] | null = null;
  const metadata: Record<string, string> = Object.create(null);
  if (flavour === 'tfjs-layers') {
    const topo = doc.modelTopology as Obj;
    model = isObj(topo.model_config) ? topo.model_config : topo;
    manifest = readManifest(doc.weightsManifest, file);
    for (const k of ['format', 'generatedBy', 'convertedBy']) if (typeof doc[k] === 'string') metadata[k] = doc[k] as string;
    if (typeof topo.keras_version === 'string') metadata.keras_version = topo.keras_version;
  } else {
    model = doc;
    if (typeof doc.keras_version === 'string') metadata.keras_version = doc.keras_version;
    if (typeof doc.backend === 'string') metadata.backend = doc.backend;
  }
  if (!isObj(model) || typeof model.class_name !== 'string' || !KERAS_MODEL_CLASSES.has(model.class_name)) {
    throw new InputError(file, 'not a Keras model: expected a Sequential, Functional or Model class_name');
  }
  const st: State = {
    file,
    nodes: [],
    ids: new Set(),
    shapes: new Map(),
    inputDtypes: new Map(),
    initializers: Object.create(null),
    manifest,
    unresolved: [],
  };
  let res: { inputs: string[]; outputs: string[]; name: string };
  try {
    res = convertModel(model, '', null, st, 0);
  } catch (e) {
    if (e instanceof LayerConfigError) throw new InputError(file, e.message);
    throw e;
  }
  // Manifest weights that no layer claimed: the model holds them, so keep them (unattached).
  for (const m of manifest ?? []) {
    if (m.used) continue;
    const buffer = /moving_(mean|variance)$/.test(m.name);
    st.initializers[m.name] = { name: m.name, shape: m.shape, dtype: m.dtype, trainable: !buffer, role: buffer ? 'buffer' : 'weight' };
  }
  if (st.unresolved.length) metadata.unresolved_weights = st.unresolved.join(', ');
  const info = (t: string): TensorInfo => ({ name: t, shape: st.shapes.get(t) ?? null, dtype: st.inputDtypes.get(t) ?? 'float32' });
  const valueInfo: Record<string, TensorInfo> = Object.create(null);
  for (const [t, s] of st.shapes) if (s) valueInfo[t] = info(t);
  return {
    format: flavour,
    name: res.name,
    nodes: st.nodes,
    inputs: res.inputs.map(info),
    outputs: res.outputs.map(info),
    valueInfo,
    initializers: st.initializers,
    metadata,
  };
}

function readManifest(v: unknown, file: string): ManifestEntry[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) throw new InputError(file, 'weightsManifest must be a list of weight groups');
  const out: ManifestEntry[] = [];
  for (const group of v) {
    const ws = isObj(group) ? group.weights : undefined;
    if (!Array.isArray(ws)) throw new InputError(file, 'weightsManifest group without a weights list');
    for (const w of ws) {
      if (!isObj(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
        throw new InputError(file, `weightsManifest entry ${JSON.stringify(w).slice(0, 80)} needs a name and a shape of non-negative integers`);
      }
      const name = w.name.replace(/:\d+$/, '');
      out.push({ name, segments: name.split('/'), shape: w.shape as number[], dtype: typeof w.dtype === 'string' ? w.dtype : 'float32', used: false });
    }
  }
  return out;
}

/** Keras shape from an InputLayer / first-layer config; batch None → "batch". */
function inputShapeOf(cfg: Obj): Dim[] | null {
  const full = cfg.batch_input_shape ?? cfg.batch_shape ?? cfg.batchInputShape;
  const conv = (d: unknown, i: number): Dim => (typeof d === 'number' && d >= 0 ? d : i === 0 ? 'batch' : null);
  if (Array.isArray(full)) return full.map(conv);
  const part = cfg.input_shape ?? cfg.inputShape;
  if (Array.isArray(part)) return ['batch', ...part.map((d, i) => conv(d, i + 1))];
  if (typeof cfg.input_dim === 'number') return ['batch', cfg.input_dim];
  return null;
}

function dtypeOf(cfg: Obj): string {
  const d = cfg.dtype;
  const name = typeof d === 'string' ? d : isObj(d) && isObj(d.config) && typeof d.config.name === 'string' ? d.config.name : 'float32';
  return name === 'mixed_float16' ? 'float16' : name;
}

function uniqueId(base: string, ids: Set<string>): string {
  let id = base;
  for (let k = 1; ids.has(id); k++) id = `${base}_${k}`;
  ids.add(id);
  return id;
}

function layerName(layer: Obj, index: number): string {
  const cfg = isObj(layer.config) ? layer.config : {};
  return typeof layer.name === 'string' ? layer.name : typeof cfg.name === 'string' ? cfg.name : `layer_${index}`;
}

const isModel = (layer: Obj) => typeof layer.class_name === 'string' && KERAS_MODEL_CLASSES.has(layer.class_name);

/** A tensor reference [layer, node, tensor] as a map key. */
const refKey = (layer: string, node: number, tensor: number) => `${layer}\u0000${node}\u0000${tensor}`;

/**
 * Tensor references of one inbound node: Keras 2 / TF.js
 * `[[layer, node, tensor, kwargs], ...]` (kwargs may hold more refs, e.g.
 * MultiHeadAttention's value/key), or Keras 3 `{args, kwargs}` holding
 * `__keras_tensor__` objects.
 */
function inboundRefs(node: unknown): Array<[string, number, number]> {
  const refs: Array<[string, number, number]> = [];
  const isRef = (x: unknown): x is [string, number, number] =>
    Array.isArray(x) && x.length >= 3 && typeof x[0] === 'string' && typeof x[1] === 'number' && typeof x[2] === 'number';
  const walk = (x: unknown, depth: number) => {
    if (depth > 16) return;
    if (isObj(x)) {
      if (x.class_name === '__keras_tensor__' && isObj(x.config) && isRef(x.config.keras_history)) {
        const h = x.config.keras_history;
        refs.push([h[0], h[1], h[2]]);
        return;
      }
      for (const v of Object.values(x)) walk(v, depth + 1);
    } else if (Array.isArray(x)) {
      if (isRef(x)) {
        refs.push([x[0], x[1], x[2]]);
        const kwargs = (x as unknown[])[3];
        if (isObj(kwargs)) walk(kwargs, depth + 1);
        return;
      }
      for (const v of x) walk(v, depth + 1);
    }
  };
  if (isObj(node)) {
    walk(node.args, 0);
    walk(node.kwargs, 0);
  } else walk(node, 0);
  return refs;
}

/** input_layers / output_layers: a list of refs, or one flat ref. */
function refList(v: unknown): Array<[string, number, number]> {
  if (!Array.isArray(v)) return [];
  if (v.length >= 3 && typeof v[0] === 'string') return [[v[0], Number(v[1]) || 0, Number(v[2]) || 0]];
  return v.filter((r) => Array.isArray(r) && typeof r[0] === 'string').map((r) => [r[0], Number(r[1]) || 0, Number(r[2]) || 0]);
}

function convertModel(model: Obj, prefix: string, bound: string[] | null, st: State, depth: number): { inputs: string[]; outputs: string[]; name: string } {
  if (depth > MAX_NESTING) throw new InputError(st.file, `models nested deeper than ${MAX_NESTING} levels`);
  const cfgRaw = model.config;
  const cfg: Obj = isObj(cfgRaw) ? cfgRaw : {};
  const layers: unknown[] = Array.isArray(cfgRaw) ? cfgRaw : Array.isArray(cfg.layers) ? cfg.layers : [];
  const name = typeof cfg.name === 'string' ? cfg.name : typeof model.name === 'string' ? model.name : '';
  if (!layers.every(isObj)) throw new InputError(st.file, `model '${name}': every layer must be an object`);
  const ls = layers as Obj[];
  // Keras itself refuses a model whose layers share a name ("All layer names should be unique"); the
  // references between layers and the weights are by name, so a duplicate would silently merge layers.
  const names = new Set<string>();
  ls.forEach((layer, i) => {
    const lname = layerName(layer, i);
    if (names.has(lname)) throw new InputError(st.file, `model '${name}': two layers are named '${lname}' (layer names must be unique)`);
    names.add(lname);
  });

  if (model.class_name === 'Sequential' || !Array.isArray(cfg.input_layers ?? null) && !ls.some((l) => Array.isArray(l.inbound_nodes) && l.inbound_nodes.length)) {
    return convertSequential(ls, name, prefix, bound, st, depth);
  }

  const tensors = new Map<string, string>();
  const inputRefs = refList(cfg.input_layers);
  const inputs: string[] = [];
  const pending: Array<{ layer: Obj; index: number; call: number; refs: Array<[string, number, number]> }> = [];
  ls.forEach((layer, i) => {
    const lname = layerName(layer, i);
    if (layer.class_name === 'InputLayer') {
      const k = inputRefs.findIndex((r) => r[0] === lname);
      let t: string;
      if (bound) {
        t = bound[k >= 0 ? k : inputs.length] ?? '';
        if (!t) throw new InputError(st.file, `nested model '${name}' has more inputs than its call provides`);
      } else {
        t = prefix + lname;
        const lc = isObj(layer.config) ? layer.config : {};
        st.shapes.set(t, inputShapeOf(lc));
        st.inputDtypes.set(t, dtypeOf(lc));
      }
      tensors.set(refKey(lname, 0, 0), t);
      inputs.push(t);
      return;
    }
    const nodes = Array.isArray(layer.inbound_nodes) ? layer.inbound_nodes : [];
    nodes.forEach((n, call) => pending.push({ layer, index: i, call, refs: inboundRefs(n) }));
  });
  // Node indices in refs: Keras renumbers a layer's calls from 0 within the model, TF.js keeps the
  // layer's own numbering (a nested model's first outer call is node 1). Offset by the smallest
  // index the model refers to, so both read the same.
  const minRef = new Map<string, number>();
  for (const r of [...pending.flatMap((p) => p.refs), ...refList(cfg.output_layers)]) minRef.set(r[0], Math.min(minRef.get(r[0]) ?? r[1], r[1]));
  // Process calls once their inputs exist (the layer list is usually, not always, topological).
  let progress = true;
  while (pending.length && progress) {
    progress = false;
    for (let j = 0; j < pending.length; j++) {
      const p = pending[j]!;
      const ins = p.refs.map((r) => tensors.get(refKey(...r)));
      if (ins.some((t) => t === undefined)) continue;
      const lname = layerName(p.layer, p.index);
      const outs = convertLayer(p.layer, lname, ins as string[], prefix, p.call, st, depth);
      outs.forEach((t, k) => tensors.set(refKey(lname, p.call + (minRef.get(lname) ?? 0), k), t));
      pending.splice(j--, 1);
      progress = true;
    }
  }
  if (pending.length) {
    const p = pending[0]!;
    const missing = p.refs.find((r) => !tensors.has(refKey(...r)))!;
    throw new InputError(st.file, `layer '${layerName(p.layer, p.index)}' reads '${missing[0]}' (node ${missing[1]}, tensor ${missing[2]}), which no layer produces`);
  }
  const resolve = (r: [string, number, number]) => {
    const t = tensors.get(refKey(...r));
    if (t === undefined) throw new InputError(st.file, `model '${name}' output '${r[0]}' is not produced by any layer`);
    return t;
  };
  const orderedInputs = inputRefs.length ? inputRefs.map(resolve) : inputs;
  const outputs = refList(cfg.output_layers).map(resolve);
  if (!outputs.length) throw new InputError(st.file, `model '${name}' has no output_layers`);
  return { inputs: orderedInputs, outputs, name };
}

function convertSequential(layers: Obj[], name: string, prefix: string, bound: string[] | null, st: State, depth: number) {
  let cur: string;
  let start = 0;
  const first = layers[0];
  if (bound) {
    cur = bound[0] ?? '';
    if (first?.class_name === 'InputLayer') start = 1;
  } else {
    const fc = first && isObj(first.config) ? first.config : {};
    // Keras names a Sequential's implicit input after its first layer ("conv1_input")
    const inputName = first?.class_name === 'InputLayer' ? layerName(first, 0) : `${first ? layerName(first, 0) : name || 'sequential'}_input`;
    cur = prefix + inputName;
    st.shapes.set(cur, inputShapeOf(fc));
    st.inputDtypes.set(cur, dtypeOf(fc));
    if (first?.class_name === 'InputLayer') start = 1;
  }
  const input = cur;
  for (let i = start; i < layers.length; i++) {
    const layer = layers[i]!;
    cur = convertLayer(layer, layerName(layer, i), [cur], prefix, 0, st, depth)[0] ?? '';
    if (!cur) throw new InputError(st.file, `Sequential model '${name}': layer ${i} has no output`);
  }
  return { inputs: bound ? [] : [input], outputs: [cur], name };
}

/** Manifest entry for weight `wname` (e.g. "kernel", "forward_kernel", "query/kernel") of layer `lname`. */
function findManifest(st: State, prefix: string, lname: string, wname: string): ManifestEntry | undefined {
  if (!st.manifest) return undefined;
  const dir = /^(forward|backward)_/.exec(wname)?.[1];
  const base = (dir ? wname.slice(dir.length + 1) : wname).split('/');
  const scope = prefix.split('/').filter(Boolean);
  let best: ManifestEntry | undefined;
  let bestScore = -1;
  for (const m of st.manifest) {
    if (m.used) continue;
    const seg = m.segments;
    const li = seg.indexOf(lname);
    if (li < 0 || seg.length - base.length <= li) continue;
    if (!base.every((b, i) => seg[seg.length - base.length + i] === b)) continue;
    if (dir && !seg.slice(li + 1).some((s) => s.startsWith(dir))) continue;
    const score = scope.filter((s) => seg.slice(0, li).includes(s)).length;
    if (score > bestScore) {
      best = m;
      bestScore = score;
    }
  }
  return best;
}

/** Emits one layer call; returns its output tensor names. */
function convertLayer(layer: Obj, lname: string, ins: string[], prefix: string, call: number, st: State, depth: number): string[] {
  const cls = typeof layer.class_name === 'string' ? layer.class_name : '';
  const cfg: Obj = isObj(layer.config) ? layer.config : {};
  const base = `${prefix}${lname}${call ? `#${call}` : ''}`;
  if (isModel(layer)) {
    return convertModel(layer, `${base}/`, ins, st, depth + 1).outputs;
  }
  const inShapes = ins.map((t) => st.shapes.get(t) ?? null);
  const tr = TRANSLATORS[cls];
  const id = uniqueId(base, st.ids);
  if (!tr) {
    // No ONNX equivalent known: one node named after the Keras class, weights from the manifest.
    const params: ParamInfo[] = [];
    for (const m of st.manifest ?? []) {
      if (!m.used && m.segments.includes(lname)) {
        m.used = true;
        const p: ParamInfo = { name: m.name, shape: m.shape, dtype: m.dtype, trainable: true, role: 'weight' };
        st.initializers[m.name] = p;
        params.push(p);
      }
    }
    const attrs: ArchNode['attrs'] = {};
    for (const [k, v] of Object.entries(cfg)) {
      if (k === 'name' || k === 'trainable' || k === 'dtype') continue;
      if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') attrs[k] = v;
      else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) attrs[k] = v as number[];
    }
    st.nodes.push({ id, op: cls || 'Unknown', sourceOp: cls, attrs, inputs: ins, outputs: [id], params, layout: 'NHWC' });
    st.shapes.set(id, null);
    return [id];
  }
  let r: ReturnType<typeof tr>;
  try {
    r = tr(cfg, inShapes, cls);
  } catch (e) {
    if (e instanceof LayerConfigError) throw new InputError(st.file, `layer '${lname}' (${cls}): ${e.message}`);
    throw e;
  }
  // Weights: one ParamInfo per layer weight, shared by every call of the layer.
  const weightName = new Map<string, string>();
  for (const w of r.weights) {
    const pname = `${prefix}${lname}/${w.name}`;
    if (!st.initializers[pname]) {
      const m = findManifest(st, prefix, lname, w.name);
      let shape = w.shape;
      let dtype = 'float32';
      if (m) {
        m.used = true;
        shape = m.shape;
        dtype = m.dtype;
      }
      if (!shape) {
        st.unresolved.push(pname);
        continue;
      }
      if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        throw new InputError(st.file, `layer '${lname}' (${cls}): weight '${w.name}' would have shape [${shape.join(', ')}]; the layer config or input shape is inconsistent`);
      }
      st.initializers[pname] = { name: pname, shape, dtype, trainable: w.trainable, role: w.role };
    }
    weightName.set(w.name, pname);
  }
  const outName = (k: number) => (k === 0 ? id : `${id}:${k}`);
  const mapTensor = (t: string): string => {
    if (t === '') return '';
    if (t.startsWith('$in')) return ins[Number(t.slice(3))] ?? '';
    if (t.startsWith('$out')) return outName(Number(t.slice(4)));
    if (t.startsWith('@')) return weightName.get(t.slice(1)) ?? '';
    if (t.startsWith('%')) return `${id}/${t.slice(1)}`;
    return t;
  };
  for (const e of r.nodes) {
    const nid = e.suffix ? uniqueId(id + e.suffix, st.ids) : id;
    const inputs = e.inputs.map(mapTensor);
    const node: ArchNode = {
      id: nid,
      op: e.op,
      sourceOp: cls,
      attrs: { ...(e.attrs ?? {}) },
      inputs,
      outputs: e.outputs.map(mapTensor),
      params: inputs.filter((t) => t && Object.hasOwn(st.initializers, t)).map((t) => st.initializers[t]!),
      layout: r.layout ?? (channelsFirstCfg(cfg) ? 'NCHW' : 'NHWC'),
    };
    if (e.op === 'Constant' && typeof e.attrs?.value_float === 'number') node.constValue = { shape: [], values: [e.attrs.value_float], dtype: 'float32' };
    if (e.op === 'Constant' && Array.isArray(e.attrs?.value_ints)) {
      const v = e.attrs.value_ints as number[];
      node.constValue = { shape: [v.length], values: v, dtype: 'int64' };
    }
    st.nodes.push(node);
  }
  const n = Math.max(1, r.outShapes.length);
  const outs: string[] = [];
  for (let k = 0; k < n; k++) {
    outs.push(outName(k));
    st.shapes.set(outName(k), r.outShapes[k] ?? null);
  }
  return outs;
}

function channelsFirstCfg(cfg: Obj): boolean {
  return cfg.data_format === 'channels_first';
}
