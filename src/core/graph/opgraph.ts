/**
 * Over 450 lines: one pass (fold plumbing, attach parameters, count) whose steps share the node and tensor maps.
 *
 * ArchGraph → OpGraph: keep compute ops, fold shape plumbing away, attach
 * parameters to the ops that consume them, and count them exactly.
 *
 * Rules (in order):
 * 1. Data tensors are those reachable from a graph input through real
 *    computation. Shape/Size outputs and constant-folded tensors (statically
 *    known small contents) are not data. A node with no data input (weight
 *    Transpose/Cast, Constant, shape arithmetic) is dropped; the parameters
 *    flowing through it attach to the first op that consumes them.
 * 2. Pass-through nodes on data (Identity, Cast, Squeeze, Unsqueeze, Expand)
 *    are dropped and their consumers wired to their producers.
 * 3. A product with a weight (MatMul/Gemm/Einsum) followed by an Add of a
 *    bias parameter is one `linear` op.
 * 4. Elementwise clusters that hang off a single tensor and leave through a
 *    single tensor are recognised as the op they decompose: GELU (Erf or
 *    tanh form), SiLU, hard-swish, hard-sigmoid, Mish, LayerNorm, RMSNorm,
 *    softmax (as exported by PyTorch below opset 17/14/…).
 *
 * Parameters (rules in params.ts): every weight tensor counts once however
 * many ops use it (tied weights). PyTorch's exporter de-duplicates
 * equal-valued initializers and re-creates the distinct parameters as
 * `Identity(initializer)` nodes: each such Identity output is a distinct
 * parameter and counts on its own. BatchNorm running mean/var, initializers
 * marked non-trainable, and square constants added to attention scores
 * (masks, pre-gathered position biases) are buffers.
 */
import type { ArchGraph, ArchNode, OpGraph, OpNode, ParamInfo } from './types.js';
import { attrInt, attrInts } from './shape-inference/attrs.js';
import { baseOp } from './shape-inference/base-op.js';
import { layoutOf } from './shape-inference/conv-pool.js';
import { inferShapes, type ShapeResult, type TensorState } from './shape-inference/infer.js';
import { categorize } from './categorize.js';
import { nodeMacs } from './macs.js';
import type { OpCategory } from './categories.js';
import { FLOAT, NON_WEIGHT_SLOTS, isParam, paramRecord, subgraphWeights, type ParamRecord } from './params.js';

export type { ParamRecord } from './params.js';

export interface ParamTotals {
  trainable: number;
  buffers: number;
  byCategory: Record<string, number>;
  /** Weight tensors no compute op consumes (excluded from the totals). */
  unused: number;
}

export interface FoldResult {
  opGraph: OpGraph;
  params: ParamTotals;
  shapes: ShapeResult;
  /** Square constants added to (or masking, via Where) attention scores: [S, S] ones look like causal masks. */
  attentionBiasShapes: number[][];
  /** Raw ONNX ops present (op type → count), for notes and evidence. */
  rawOps: Record<string, number>;
  notes: string[];
}

const DROP_ON_DATA = new Set(['Identity', 'Cast', 'CastLike', 'Squeeze', 'Unsqueeze', 'Expand', 'Shape', 'Size', 'Constant', 'ConstantOfShape', 'Range']);
const META = new Set(['Shape', 'Size']);

const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Elementwise/reduce ops that may be parts of a decomposed activation or norm. */
const CLUSTER_OPS = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sqrt', 'Reciprocal', 'Erf', 'Tanh', 'Sigmoid', 'HardSigmoid', 'Softplus', 'Exp', 'ReduceMean', 'ReduceSum', 'Clip', 'Relu', 'Neg']);

export function buildOpGraph(g: ArchGraph, opts: { inputShapes?: Record<string, number[]> } = {}): FoldResult {
  const shapes = inferShapes(g, opts);
  const T = shapes.tensors;
  const order = shapes.order;
  const st = (t: string): TensorState => (t ? T.get(t) ?? { shape: null } : { shape: null });
  const rawOps: Record<string, number> = Object.create(null);
  for (const n of order) rawOps[n.op] = (rawOps[n.op] ?? 0) + 1;

  // ---- 1. data tensors and parameter flow -------------------------------------------
  const initRec = new Map<string, ParamRecord>();
  const mkRec = paramRecord;
  const roleOf = (p: ParamInfo) => (p as ParamInfo & { role?: string }).role;
  for (const p of Object.values(g.initializers)) initRec.set(p.name, mkRec(p.name, p.shape, p.dtype, p.trainable, roleOf(p)));
  for (const n of order) for (const p of n.params) if (!initRec.has(p.name)) initRec.set(p.name, mkRec(p.name, p.shape, p.dtype, p.trainable, roleOf(p)));

  const data = new Set<string>();
  for (const i of g.inputs) if (!g.initializers[i.name]) data.add(i.name);
  const flow = new Map<string, ParamRecord[]>();
  const dequantized = new Set<ParamRecord>();
  for (const [name, rec] of initRec) flow.set(name, [rec]);
  const isDataNode: boolean[] = [];
  order.forEach((n, idx) => {
    const dataIn = !META.has(n.op) && n.inputs.some((t) => t && data.has(t));
    isDataNode[idx] = dataIn;
    if (dataIn) {
      for (const t of n.outputs) if (t && !st(t).values) data.add(t);
      return;
    }
    // weight preprocessing / constants: params pass through to the outputs
    const recs: ParamRecord[] = [];
    n.inputs.forEach((t, slot) => {
      if (!t || NON_WEIGHT_SLOTS[n.op]?.includes(slot)) return;
      for (const r of flow.get(t) ?? []) if (!recs.includes(r)) recs.push(r);
    });
    // Params attached to the node without an input slot (Keras-style loaders) flow too.
    for (const p of n.params) {
      const r = initRec.get(p.name);
      if (r && !n.inputs.includes(p.name) && !recs.includes(r)) recs.push(r);
    }
    if (n.op === 'DequantizeLinear') for (const r of recs) dequantized.add(r);
    for (const t of n.outputs) {
      if (!t) continue;
      if (n.op === 'Identity' && recs.length === 1 && t !== recs[0]!.name) {
        // exporter de-duplication alias: a distinct parameter of the source model
        const r = recs[0]!;
        flow.set(t, [mkRec(t, r.shape, r.dtype, r.trainable)]);
      } else flow.set(t, recs);
    }
  });

  // ---- 2. which data nodes stay ----------------------------------------------------------
  const kept: boolean[] = order.map((n, i) => isDataNode[i]! && !DROP_ON_DATA.has(n.op));
  const producer = new Map<string, number>();
  order.forEach((n, i) => n.outputs.forEach((t) => t && producer.set(t, i)));
  const consumers = new Map<string, number[]>();
  order.forEach((n, i) =>
    n.inputs.forEach((t) => {
      if (!t) return;
      const list = consumers.get(t);
      if (list) list.push(i);
      else consumers.set(t, [i]);
    }),
  );

  /** A data tensor resolved through dropped pass-through nodes to the tensor of a kept node or a graph input. */
  const resolveMemo = new Map<string, string[]>();
  const resolve = (t: string): string[] => {
    const m = resolveMemo.get(t);
    if (m) return m;
    resolveMemo.set(t, []);
    const p = producer.get(t);
    let out: string[];
    if (p === undefined || kept[p]) out = [t];
    else {
      out = [];
      for (const u of order[p]!.inputs) if (u && data.has(u)) for (const r of resolve(u)) if (!out.includes(r)) out.push(r);
    }
    resolveMemo.set(t, out);
    return out;
  };
  /** Kept consumers of a kept node's output tensor, looking through dropped nodes. */
  const keptConsumers = (t: string, seen = new Set<string>()): number[] => {
    if (seen.has(t)) return [];
    seen.add(t);
    const out: number[] = [];
    for (const c of consumers.get(t) ?? []) {
      if (!isDataNode[c]) continue;
      if (kept[c]) out.push(c);
      else for (const u of order[c]!.outputs) if (u && data.has(u)) out.push(...keptConsumers(u, seen));
    }
    return out;
  };
  const graphOutputs = new Set(g.outputs.flatMap((o) => resolve(o.name)));

  // Per-slot weight records of each kept node.
  const slotRecs = (n: ArchNode, slot: number): ParamRecord[] => {
    const t = n.inputs[slot];
    if (!t || data.has(t) || NON_WEIGHT_SLOTS[n.op]?.includes(slot)) return [];
    return flow.get(t) ?? [];
  };
  const isWeightSlot = (n: ArchNode, slot: number) => slotRecs(n, slot).some((r) => r.numel > 1);

  // ---- 3. linear + bias fusion; 4. elementwise clusters --------------------------------------
  const group = new Map<number, number>(); // node idx → group id
  const groups: Array<{ members: number[]; category: OpCategory | null; main: number; exit: string | null }> = [];
  const cat = new Map<number, OpCategory>();
  const catOf = (i: number): OpCategory => {
    let c = cat.get(i);
    if (c) return c;
    const n = order[i]!;
    const prod = n.inputs[0] ? producer.get(n.inputs[0]) : undefined;
    c = categorize(n, {
      inShapes: n.inputs.map((t) => st(t).shape),
      outShapes: n.outputs.map((t) => st(t).shape),
      isWeight: n.inputs.map((_, s) => isWeightSlot(n, s)),
      values: n.inputs.map((t) => st(t).values),
      producerOp: prod !== undefined ? order[prod]!.op : undefined,
      consumerOps: n.outputs[0] ? (consumers.get(n.outputs[0]) ?? []).map((c2) => order[c2]!.op) : [],
    });
    cat.set(i, c);
    return c;
  };
  order.forEach((n, i) => {
    if (!kept[i] || group.has(i)) return;
    if (!['MatMul', 'Gemm', 'Einsum', 'FusedMatMul'].includes(baseOp(n.op)) || catOf(i) !== 'linear') return;
    const out = n.outputs[0];
    if (!out) return;
    const cs = keptConsumers(out);
    if (cs.length !== 1) return;
    const a = order[cs[0]!]!;
    if (a.op !== 'Add' || group.has(cs[0]!)) return;
    const dataIns = a.inputs.filter((t) => t && data.has(t));
    const biasSlots = a.inputs.map((t, s) => (t && !data.has(t) ? slotRecs(a, s).length : 0));
    if (dataIns.length !== 1 || !biasSlots.some((k) => k > 0)) return;
    const gid = groups.length;
    groups.push({ members: [i, cs[0]!], category: 'linear', main: i, exit: a.outputs[0] ?? null });
    group.set(i, gid);
    group.set(cs[0]!, gid);
  });
  foldElementwiseClusters(order, kept, data, group, groups, resolve, producer, keptConsumers, graphOutputs, st);

  // ---- 5. build OpNodes ----------------------------------------------------------------------
  const nodes: OpNode[] = [];
  const nodeOf = new Map<number, number>(); // raw idx → OpNode idx
  const assigned = new Set<ParamRecord>();
  const totals: ParamTotals = { trainable: 0, buffers: 0, byCategory: {}, unused: 0 };
  const emitted = new Set<number>();

  /**
   * A square constant added to attention scores right before a softmax is a
   * mask (a buffer in the source model) or a position bias the exporter
   * pre-gathered from its learned table (Swin): neither is a learned tensor of
   * that shape, so it counts as a buffer, and is reported.
   */
  const attentionBiases: ParamRecord[] = [];
  /** The node's output reaches a Softmax within a few score-arithmetic hops. */
  const feedsSoftmax = (i: number): boolean => {
    const out = order[i]!.outputs[0];
    let frontier = out ? keptConsumers(out) : [];
    for (let hop = 0; hop < 4 && frontier.length; hop++) {
      if (frontier.some((c) => order[c]!.op === 'Softmax')) return true;
      frontier = frontier
        .filter((c) => ['Add', 'Where', 'Reshape', 'Mul', 'Div', 'Sub', 'Cast'].includes(order[c]!.op))
        .flatMap((c) => (order[c]!.outputs[0] ? keptConsumers(order[c]!.outputs[0]!) : []));
    }
    return false;
  };
  // Where(constant condition, scores, -inf) before a softmax: a constant (e.g. GPT-2's causal) mask
  const maskShapes: number[][] = [];
  order.forEach((n, i) => {
    const cond = n.inputs[0];
    if (n.op !== 'Where' || !kept[i] || !cond || data.has(cond) || !feedsSoftmax(i)) return;
    const sh = st(cond).shape;
    if (sh && sh.length >= 2 && sh[sh.length - 1] === sh[sh.length - 2]) maskShapes.push(sh);
  });
  const isAttentionBias = (i: number, r: ParamRecord): boolean => {
    const n = order[i]!;
    if (!(n.op === 'Add' || n.op === 'Where') || r.shape.length < 2) return false;
    const [a, b] = r.shape.slice(-2);
    if (a !== b || a! < 2) return false;
    if (!feedsSoftmax(i)) return false;
    attentionBiases.push(r);
    return true;
  };
  const paramsFor = (members: number[], category: string) => {
    let p = 0;
    let b = 0;
    for (const i of members) {
      const n = order[i]!;
      // control flow: weights used inside If/Loop/Scan bodies belong to this node;
      // params attached without an input slot (Keras-style loaders) too
      const slotless = n.params.filter((q) => !n.inputs.includes(q.name)).map((q) => initRec.get(q.name)!).filter(Boolean);
      for (const r of [...subgraphWeights(n, flow), ...slotless]) {
        if (assigned.has(r) || !FLOAT.test(r.dtype) || r.numel <= 1) continue;
        assigned.add(r);
        if (r.trainable) p += r.numel;
        else b += r.numel;
      }
      n.inputs.forEach((_, slot) => {
        for (const r of slotRecs(n, slot)) {
          if (assigned.has(r) || !isParam(r, n, dequantized)) continue;
          assigned.add(r);
          const bias = isAttentionBias(i, r);
          const buffer = bias || !r.trainable || (n.op === 'BatchNormalization' && (slot === 3 || slot === 4));
          if (buffer) b += r.numel;
          else p += r.numel;
        }
      });
    }
    totals.trainable += p;
    totals.buffers += b;
    if (p > 0) totals.byCategory[category] = (totals.byCategory[category] ?? 0) + p;
    return { p, b };
  };

  order.forEach((n, i) => {
    if (!kept[i] || emitted.has(i)) return;
    const gid = group.get(i);
    const members = gid !== undefined ? groups[gid]!.members : [i];
    // emit a group when its last member (in topological order) is reached
    if (gid !== undefined && members[members.length - 1] !== i && members.some((m) => !emitted.has(m) && m !== i && m > i)) return;
    members.forEach((m) => emitted.add(m));
    const main = gid !== undefined ? groups[gid]!.main : i;
    const category = gid !== undefined && groups[gid]!.category ? groups[gid]!.category! : catOf(main);
    const mainNode = order[main]!;
    const exitT = gid !== undefined ? groups[gid]!.exit : mainNode.outputs[0] ?? null;
    const { p, b } = paramsFor(members, category);
    let macs: number | null = 0;
    for (const m of members) {
      const mn = order[m]!;
      const v = nodeMacs(mn, mn.inputs.map((t) => st(t).shape), mn.outputs.map((t) => st(t).shape));
      macs = v === null || macs === null ? null : macs + v;
    }
    const geo = geometry(mainNode, category, st);
    const outShape = exitT ? st(exitT).shape : null;
    const idx = nodes.length;
    nodes.push({
      id: mainNode.id,
      category,
      outChannels: geo.outChannels ?? channelsOf(outShape, mainNode),
      inChannels: geo.inChannels ?? channelsOf(st(mainNode.inputs.find((t) => t && data.has(t)) ?? '').shape, mainNode),
      kernel: geo.kernel,
      stride: geo.stride,
      dilation: geo.dilation,
      groups: geo.groups,
      params: p,
      buffers: b,
      macs,
      outShape,
      sources: members.map((m) => order[m]!.id),
    });
    members.forEach((m) => nodeOf.set(m, idx));
  });

  // ---- 6. edges, input and output nodes ----------------------------------------------------
  const edges: Array<[number, number]> = [];
  const edgeSet = new Set<string>();
  const inputNodes = new Set<number>();
  const outputNodes = new Set<number>();
  const graphInputNames = new Set(g.inputs.map((x) => x.name));
  order.forEach((n, i) => {
    const to = nodeOf.get(i);
    if (to === undefined) return;
    for (const t of n.inputs) {
      if (!t || !data.has(t)) continue;
      for (const r of resolve(t)) {
        const p = producer.get(r);
        if (p === undefined) {
          if (graphInputNames.has(r)) inputNodes.add(to);
          continue;
        }
        const from = nodeOf.get(p);
        if (from === undefined || from === to) continue;
        const key = `${from},${to}`;
        if (!edgeSet.has(key)) {
          edgeSet.add(key);
          edges.push([from, to]);
        }
      }
    }
  });
  for (const o of g.outputs) {
    for (const r of resolve(o.name)) {
      const p = producer.get(r);
      const k = p !== undefined ? nodeOf.get(p) : undefined;
      if (k !== undefined) outputNodes.add(k);
    }
  }

  // weights never consumed by a compute op
  for (const r of initRec.values()) if (!assigned.has(r) && FLOAT.test(r.dtype) && r.numel > 1) totals.unused += r.numel;
  const notes: string[] = [...shapes.notes];
  if (attentionBiases.length) {
    const n = attentionBiases.reduce((a, r) => a + r.numel, 0);
    notes.push(`${attentionBiases.length} square constant(s) added to attention scores before softmax (masks or exporter-materialised position biases, ${n} values) are counted as buffers, not parameters`);
  }
  const cf = order.filter((n) => n.subgraphs?.length).map((n) => n.op);
  if (cf.length) notes.push(`control flow (${[...new Set(cf)].join(', ')}): weights inside the bodies are counted; their MACs are not (trip counts and branches are data-dependent)`);
  if (totals.unused > 0) notes.push(`${totals.unused} weight values are stored but not used by any compute op (not counted)`);

  return {
    opGraph: { nodes, edges, inputNodes: [...inputNodes].sort((a, b) => a - b), outputNodes: [...outputNodes].sort((a, b) => a - b) },
    params: totals,
    shapes,
    attentionBiasShapes: [...attentionBiases.map((r) => r.shape), ...maskShapes],
    rawOps,
    notes,
  };
}

function channelsOf(shape: number[] | null, n: ArchNode): number | null {
  if (!shape || shape.length === 0) return null;
  if (shape.length >= 4 || (shape.length === 3 && n.op.startsWith('Conv'))) return (n.layout === 'NHWC' ? shape[shape.length - 1] : shape[1]) ?? null;
  return shape[shape.length - 1] ?? null;
}

function pair(v: number[] | null): [number, number] | null {
  if (!v || v.length === 0) return null;
  return v.length === 1 ? [v[0]!, 1] : [v[v.length - 2]!, v[v.length - 1]!];
}

function geometry(n: ArchNode, category: string, st: (t: string) => TensorState) {
  const out = {
    outChannels: null as number | null,
    inChannels: null as number | null,
    kernel: null as [number, number] | null,
    stride: null as [number, number] | null,
    dilation: null as [number, number] | null,
    groups: null as number | null,
  };
  const x = st(n.inputs[0] ?? '').shape;
  const y = st(n.outputs[0] ?? '').shape;
  const op = baseOp(n.op);
  if (op === 'Conv' || op === 'ConvTranspose' || op === 'ConvInteger' || op === 'QLinearConv' || (op.endsWith('Pool') && !op.startsWith('Global'))) {
    const w = st(n.inputs[1] ?? '').shape;
    const nsp = x ? x.length - 2 : w ? w.length - 2 : 2;
    out.kernel = pair(attrInts(n.attrs.kernel_shape) ?? (w && n.layout !== 'NHWC' ? w.slice(2) : null));
    out.stride = pair(attrInts(n.attrs.strides) ?? new Array(Math.max(nsp, 1)).fill(1));
    out.dilation = pair(attrInts(n.attrs.dilations) ?? new Array(Math.max(nsp, 1)).fill(1));
    if (op !== 'MaxPool' && op !== 'AveragePool' && op !== 'LpPool') out.groups = attrInt(n.attrs.group, 1);
    if (x) out.inChannels = x[layoutOf(n, x.length).channelAxis] ?? null;
    if (y) out.outChannels = y[layoutOf(n, y.length).channelAxis] ?? null;
  } else if (category === 'linear' || category === 'matmul') {
    if (n.op === 'Gemm' && x) out.inChannels = attrInt(n.attrs.transA, 0) ? x[0]! : x[1]!;
    else if (x) out.inChannels = x[x.length - 1] ?? null;
    if (y) out.outChannels = y[y.length - 1] ?? null;
  }
  return out;
}

/** Rule 4: recognise decomposed activations/norms and fold each into one op. */
function foldElementwiseClusters(
  order: ArchNode[],
  kept: boolean[],
  data: Set<string>,
  group: Map<number, number>,
  groups: Array<{ members: number[]; category: OpCategory | null; main: number; exit: string | null }>,
  resolve: (t: string) => string[],
  producer: Map<string, number>,
  keptConsumers: (t: string) => number[],
  graphOutputs: Set<string>,
  st: (t: string) => TensorState,
) {
  const comp = new Map<number, number>(); // node → component id
  const compRoot: Array<string | null> = [];
  const compMembers: number[][] = [];
  order.forEach((n, i) => {
    if (!kept[i] || group.has(i) || !CLUSTER_OPS.has(n.op)) return;
    const roots = new Set<string>();
    const joins = new Set<number>();
    for (const t of n.inputs) {
      if (!t || !data.has(t)) continue;
      for (const r of resolve(t)) {
        const p = producer.get(r);
        const c = p !== undefined ? comp.get(p) : undefined;
        if (c !== undefined && compRoot[c] !== null) {
          roots.add(compRoot[c]!);
          joins.add(c);
        } else roots.add(r);
      }
    }
    if (roots.size !== 1) {
      const id = compRoot.length;
      compRoot.push(null);
      compMembers.push([i]);
      comp.set(i, id);
      return;
    }
    const root = [...roots][0]!;
    // merge joined components into one
    const ids = [...joins];
    let id: number;
    if (ids.length === 0) {
      id = compRoot.length;
      compRoot.push(root);
      compMembers.push([]);
    } else {
      id = ids[0]!;
      for (const o of ids.slice(1)) {
        for (const m of compMembers[o]!) comp.set(m, id);
        compMembers[id]!.push(...compMembers[o]!);
        compMembers[o] = [];
      }
    }
    compMembers[id]!.push(i);
    comp.set(i, id);
  });
  const tryFold = (members: number[], depth: number): void => {
    if (members.length < 2 || depth > 8) return;
    members.sort((a, b) => a - b);
    const set = new Set(members);
    const exits: string[] = [];
    for (const m of members) {
      for (const t of order[m]!.outputs) {
        if (!t || !data.has(t)) continue;
        if (graphOutputs.has(t) || keptConsumers(t).some((c) => !set.has(c))) exits.push(t);
      }
    }
    if (exits.length > 1) {
      // A member that also feeds the outside (e.g. a bias/position Add before a
      // decomposed LayerNorm) is a root for what follows it: split there.
      const t = exits[0]!;
      const sub = new Set<number>();
      for (const m of members) {
        const ins = order[m]!.inputs.filter((u) => u && data.has(u)).flatMap((u) => resolve(u));
        if (ins.some((u) => u === t || (producer.get(u) !== undefined && sub.has(producer.get(u)!)))) sub.add(m);
      }
      const rest = members.filter((m) => !sub.has(m) && producer.get(t) !== m);
      tryFold([...sub], depth + 1);
      tryFold(rest, depth + 1);
      return;
    }
    if (exits.length !== 1) return;
    const ops: Record<string, number> = Object.create(null);
    for (const m of members) ops[order[m]!.op] = (ops[order[m]!.op] ?? 0) + 1;
    const category = recognise(ops);
    if (!category) return;
    // x·σ(x) multiplies two data tensors; σ(f)·c with c a constant (an unrolled LSTM cell's
    // first step, c0 = 0) is a gate, not a SiLU / hard-swish.
    if ((category === 'silu' || (category === 'hard_swish' && ops.HardSigmoid)) && !members.some((m) => order[m]!.op === 'Mul' && order[m]!.inputs.filter((u) => u && data.has(u)).length >= 2)) return;
    const gid = groups.length;
    groups.push({ members, category, main: members[members.length - 1]!, exit: exits[0]! });
    for (const m of members) group.set(m, gid);
  };
  compMembers.forEach((members, id) => {
    if (compRoot[id] !== null) tryFold(members.slice(), 0);
  });
}

/** The op a decomposed cluster computes, from its multiset of ONNX ops; null when unsure. */
function recognise(ops: Record<string, number>): OpCategory | null {
  const has = (o: string) => (ops[o] ?? 0) > 0;
  const only = (allowed: string[]) => Object.keys(ops).every((o) => allowed.includes(o));
  if (has('Erf') && only(['Erf', 'Div', 'Mul', 'Add'])) return 'gelu';
  if (has('Tanh') && has('Pow') && only(['Tanh', 'Pow', 'Mul', 'Add'])) return 'gelu';
  if (has('Tanh') && has('Softplus') && only(['Tanh', 'Softplus', 'Mul'])) return 'mish';
  if (ops.Sigmoid === 1 && ops.Mul === 1 && only(['Sigmoid', 'Mul'])) return 'silu';
  if (ops.HardSigmoid === 1 && ops.Mul === 1 && only(['HardSigmoid', 'Mul'])) return 'hard_swish';
  if ((has('Clip') || has('Relu')) && has('Add') && only(['Clip', 'Relu', 'Add', 'Div', 'Mul'])) {
    // x·relu6(x+3)/6 when a Mul takes the root directly, relu6(x+3)/6 otherwise
    const muls = ops.Mul ?? 0;
    const divs = ops.Div ?? 0;
    return muls + divs >= 2 ? 'hard_swish' : 'hard_sigmoid';
  }
  if ((ops.ReduceMean ?? 0) >= 2 && has('Sub') && (has('Sqrt') || has('Pow')) && only(['ReduceMean', 'Sub', 'Pow', 'Mul', 'Add', 'Sqrt', 'Div', 'Reciprocal'])) {
    return 'layer_norm';
  }
  if (ops.ReduceMean === 1 && !has('Sub') && (has('Sqrt') || has('Reciprocal')) && only(['ReduceMean', 'Pow', 'Mul', 'Add', 'Sqrt', 'Div', 'Reciprocal'])) return 'rms_norm';
  if (has('Exp') && has('ReduceSum') && has('Div') && only(['Exp', 'ReduceSum', 'Div', 'Sub', 'ReduceMax'])) return 'softmax';
  return null;
}
