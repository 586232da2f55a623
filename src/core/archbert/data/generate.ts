/**
 * Seeded random architectures in the style of the original ArchBERT's AutoNet
 * set (DARTS-like cell networks), plus stage-based CNNs and sequence models,
 * built DIRECTLY as OpGraphs: one node per compute op, with shapes, parameter
 * counts and MACs computed here from the shapes, using the same conventions
 * as the ONNX analysis (conv: out·in/groups·kh·kw (+bias), MACs per output
 * element; linear: in·out (+bias); norms: 2 learned params per channel, batch
 * norm 2 buffers per channel; parameter-free ops: 0 params, 0 MACs).
 *
 * Same seed → the same graph, byte for byte.
 */
import type { OpGraph, OpNode } from '../../graph/types.js';
import { Rng } from './rng.js';

export type GeneratorStyle = 'cell' | 'stage' | 'vit' | 'transformer' | 'recurrent';

export interface GeneratedMeta {
  style: GeneratorStyle;
  task: 'classification' | 'generation';
  modality: 'image' | 'text';
  input: number[];
  numClasses: number;
  /** Cells / blocks stacked in the body (normal + reduction for cell networks). */
  cells: number;
  reductionCells: number;
  /** Cell ops (cell networks) or block kind (stage networks), human-readable ids. */
  cellOps: string[];
  blockKind: string | null;
  activation: string;
  norm: string | null;
  width: number;
  head: string;
}

export interface GeneratedArch {
  id: string;
  name: string;
  seed: number;
  graph: OpGraph;
  meta: GeneratedMeta;
}

type Shape = { kind: 'image'; c: number; h: number; w: number } | { kind: 'seq'; t: number; d: number };

/** Builds an OpGraph node by node, tracking each node's output shape. */
export class GraphBuilder {
  readonly nodes: OpNode[] = [];
  readonly edges: Array<[number, number]> = [];
  readonly shapes: Shape[] = [];
  readonly inputNodes: number[] = [];

  private push(category: string, inputs: number[], shape: Shape, fields: Partial<OpNode> = {}): number {
    const id = this.nodes.length;
    // A sequence of length 1 only arises after pooling / flattening: a plain [batch, features] vector.
    const outShape = shape.kind === 'image' ? [1, shape.c, shape.h, shape.w] : shape.t === 1 ? [1, shape.d] : [1, shape.t, shape.d];
    this.nodes.push({
      id: `${category}_${id}`,
      category,
      outChannels: fields.outChannels ?? (shape.kind === 'image' ? shape.c : shape.d),
      inChannels: fields.inChannels ?? null,
      kernel: fields.kernel ?? null,
      stride: fields.stride ?? null,
      dilation: fields.dilation ?? null,
      groups: fields.groups ?? null,
      params: fields.params ?? 0,
      buffers: fields.buffers ?? 0,
      macs: fields.macs ?? 0,
      outShape,
      sources: [`${category}_${id}`],
    });
    this.shapes.push(shape);
    for (const i of inputs) this.edges.push([i, id]);
    return id;
  }

  shape(x: number): Shape {
    return this.shapes[x]!;
  }

  img(x: number): { c: number; h: number; w: number } {
    const s = this.shapes[x]!;
    if (s.kind !== 'image') throw new Error('expected an image tensor');
    return s;
  }

  seq(x: number): { t: number; d: number } {
    const s = this.shapes[x]!;
    if (s.kind !== 'seq') throw new Error('expected a sequence tensor');
    return s;
  }

  /** The first compute node fed by the graph input (the input itself is not a node). */
  markInput(x: number): number {
    this.inputNodes.push(x);
    return x;
  }

  conv(
    x: number,
    out: number,
    k: number | [number, number],
    opts: { stride?: number; dilation?: number; groups?: number; bias?: boolean; fromInput?: Shape } = {},
  ): number {
    const s = opts.fromInput ?? this.shape(x);
    if (s.kind !== 'image') throw new Error('conv on a sequence');
    const [kh, kw] = typeof k === 'number' ? [k, k] : k;
    const stride = opts.stride ?? 1;
    const dil = opts.dilation ?? 1;
    const groups = opts.groups ?? 1;
    const h = Math.floor((s.h - 1) / stride) + 1;
    const w = Math.floor((s.w - 1) / stride) + 1;
    const perOut = (s.c / groups) * kh * kw;
    const category =
      groups > 1 && groups === s.c ? 'depthwise_conv' : groups > 1 ? 'grouped_conv' : dil > 1 ? 'dilated_conv' : 'conv';
    return this.push(category, opts.fromInput ? [] : [x], { kind: 'image', c: out, h, w }, {
      inChannels: s.c,
      kernel: [kh, kw],
      stride: [stride, stride],
      dilation: [dil, dil],
      groups,
      params: out * perOut + (opts.bias ? out : 0),
      macs: out * h * w * perOut,
    });
  }

  norm(x: number, kind: string): number {
    const s = this.shape(x);
    const c = s.kind === 'image' ? s.c : s.d;
    return this.push(kind, [x], s, { inChannels: c, params: kind === 'lrn' ? 0 : 2 * c, buffers: kind === 'batch_norm' ? 2 * c : 0 });
  }

  act(x: number, kind: string): number {
    const s = this.shape(x);
    const c = s.kind === 'image' ? s.c : s.d;
    return this.push(kind, [x], s, { inChannels: c, params: kind === 'prelu' ? c : 0 });
  }

  pool(x: number, kind: 'max_pool' | 'avg_pool', k: number, stride: number): number {
    const s = this.img(x);
    const h = Math.floor((s.h - 1) / stride) + 1;
    const w = Math.floor((s.w - 1) / stride) + 1;
    return this.push(kind, [x], { kind: 'image', c: s.c, h, w }, { inChannels: s.c, kernel: [k, k], stride: [stride, stride] });
  }

  globalPool(x: number, kind: 'global_avg_pool' | 'global_max_pool' | 'adaptive_pool'): number {
    const s = this.img(x);
    return this.push(kind, [x], { kind: 'image', c: s.c, h: 1, w: 1 }, { inChannels: s.c });
  }

  elementwise(kind: 'add' | 'mul' | 'sub' | 'div', a: number, b: number): number {
    return this.push(kind, [a, b], this.shape(a));
  }

  concat(xs: number[]): number {
    if (xs.length === 1) return xs[0]!;
    const first = this.shape(xs[0]!);
    if (first.kind === 'image') {
      const c = xs.reduce((sum, x) => sum + this.img(x).c, 0);
      return this.push('concat', xs, { ...first, c });
    }
    const d = xs.reduce((sum, x) => sum + this.seq(x).d, 0);
    return this.push('concat', xs, { ...first, d });
  }

  /** Image [C,H,W] → sequence of H·W tokens of width C (reshape + transpose, as exported). */
  toTokens(x: number): number {
    const s = this.img(x);
    const r = this.push('reshape', [x], { kind: 'seq', t: s.h * s.w, d: s.c });
    return this.push('transpose', [r], { kind: 'seq', t: s.h * s.w, d: s.c });
  }

  toImage(x: number, h: number, w: number): number {
    const s = this.seq(x);
    const t = this.push('transpose', [x], { kind: 'seq', ...s });
    return this.push('reshape', [t], { kind: 'image', c: s.d, h, w });
  }

  flatten(x: number): number {
    const s = this.shape(x);
    const d = s.kind === 'image' ? s.c * s.h * s.w : s.t * s.d;
    return this.push('flatten', [x], { kind: 'seq', t: 1, d });
  }

  linear(x: number, out: number, bias = true): number {
    const s = this.shape(x);
    const { t, d } = s.kind === 'seq' ? s : { t: s.h * s.w, d: s.c };
    const shape: Shape = s.kind === 'seq' ? { kind: 'seq', t, d: out } : { ...s, c: out };
    return this.push('linear', [x], shape, { inChannels: d, params: d * out + (bias ? out : 0), macs: t * d * out });
  }

  /** Scaled dot-product attention as exported op by op: scores = QKᵀ, softmax, ·V. */
  matmul(a: number, b: number, shape: Shape, macs: number): number {
    return this.push('matmul', [a, b], shape, { macs });
  }

  simple(kind: string, x: number | number[], shape?: Shape, fields: Partial<OpNode> = {}): number {
    const xs = Array.isArray(x) ? x : [x];
    return this.push(kind, xs, shape ?? this.shape(xs[0]!), fields);
  }

  embedding(vocab: number, d: number, t: number): number {
    return this.push('embedding', [], { kind: 'seq', t, d }, { inChannels: vocab, params: vocab * d });
  }

  recurrent(x: number, kind: 'lstm' | 'gru' | 'rnn', hidden: number, bidirectional: boolean): number {
    const s = this.seq(x);
    const gates = kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
    const dirs = bidirectional ? 2 : 1;
    // ONNX LSTM/GRU/RNN weights: W [gates·H, I], R [gates·H, H], B [2·gates·H] per direction.
    const params = dirs * (gates * hidden * s.d + gates * hidden * hidden + 2 * gates * hidden);
    const macs = s.t * dirs * gates * hidden * (s.d + hidden);
    return this.push(kind, [x], { kind: 'seq', t: s.t, d: dirs * hidden }, { inChannels: s.d, params, macs });
  }

  /**
   * The OpGraph of everything that reaches an output. Dead ops (e.g. a cell
   * input no intermediate node reads) are dropped, as an ONNX exporter would.
   */
  build(outputs: number[]): OpGraph {
    const preds: number[][] = this.nodes.map(() => []);
    for (const [a, b] of this.edges) preds[b]!.push(a);
    const live = new Uint8Array(this.nodes.length);
    const stack = [...outputs];
    while (stack.length) {
      const v = stack.pop()!;
      if (live[v]) continue;
      live[v] = 1;
      stack.push(...preds[v]!);
    }
    const index = new Array<number>(this.nodes.length).fill(-1);
    const nodes: OpNode[] = [];
    this.nodes.forEach((n, i) => {
      if (!live[i]) return;
      index[i] = nodes.length;
      nodes.push({ ...n, id: `${n.category}_${nodes.length}`, sources: [`${n.category}_${nodes.length}`] });
    });
    const seen = new Set<string>();
    const edges: Array<[number, number]> = [];
    for (const [a, b] of this.edges) {
      if (!live[a] || !live[b]) continue;
      const key = `${a}:${b}`;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push([index[a]!, index[b]!]);
    }
    return {
      nodes,
      edges,
      inputNodes: this.inputNodes.filter((i) => live[i]).map((i) => index[i]!),
      outputNodes: outputs.map((o) => index[o]!),
    };
  }
}

// ---------------------------------------------------------------------------
// Configuration space

const ACTS = ['relu', 'relu', 'relu', 'relu6', 'leaky_relu', 'elu', 'gelu', 'silu', 'hard_swish', 'mish', 'prelu', 'selu'] as const;
const NORM_CHOICES: ReadonlyArray<readonly [string | null, number]> = [
  ['batch_norm', 10],
  ['group_norm', 2],
  ['instance_norm', 1],
  ['layer_norm', 1],
  [null, 1],
];

/** The cell operations of the DARTS-style search space, extended. */
export const CELL_OPS = [
  'sep_conv_3x3',
  'sep_conv_5x5',
  'sep_conv_7x7',
  'dil_conv_3x3',
  'dil_conv_5x5',
  'conv_1x1',
  'conv_3x3',
  'conv_5x5',
  'conv_7x7',
  'conv_1x7_7x1',
  'depthwise_3x3',
  'max_pool_3x3',
  'avg_pool_3x3',
  'skip_connect',
  'squeeze_excite',
  'self_attention',
  'mlp_block',
  'inverted_residual',
] as const;
export type CellOp = (typeof CELL_OPS)[number];

export const BLOCK_KINDS = ['basic', 'bottleneck', 'inverted_residual', 'convnext', 'vgg', 'dense', 'resnext'] as const;

interface ConvStyle {
  act: string;
  norm: string | null;
  /** DARTS order: activation → conv → norm; otherwise conv → norm → activation. */
  preActivation: boolean;
}

function normAct(b: GraphBuilder, x: number, st: ConvStyle, withAct = true): number {
  let y = x;
  if (st.norm) y = b.norm(y, st.norm);
  if (withAct) y = b.act(y, st.act);
  return y;
}

/** A conv "unit" in the network's style: act→conv→norm or conv→norm→act. */
function convUnit(b: GraphBuilder, x: number, out: number, k: number | [number, number], st: ConvStyle, opts: Parameters<GraphBuilder['conv']>[3] = {}): number {
  if (st.preActivation) {
    const a = b.act(x, st.act);
    const c = b.conv(a, out, k, { bias: !st.norm, ...opts });
    return st.norm ? b.norm(c, st.norm) : c;
  }
  const c = b.conv(x, out, k, { bias: !st.norm, ...opts });
  return normAct(b, c, st);
}

function sepConv(b: GraphBuilder, x: number, out: number, k: number, stride: number, st: ConvStyle, dilation = 1): number {
  const c = b.img(x).c;
  const pre = st.preActivation ? b.act(x, st.act) : x;
  const dw = b.conv(pre, c, k, { stride, groups: c, dilation });
  const pw = b.conv(dw, out, 1, { bias: !st.norm });
  let y = st.norm ? b.norm(pw, st.norm) : pw;
  if (!st.preActivation) y = b.act(y, st.act);
  return y;
}

function squeezeExcite(b: GraphBuilder, x: number, st: ConvStyle, rng: Rng): number {
  const c = b.img(x).c;
  const r = Math.max(4, Math.round(c / rng.pick([4, 8, 16])));
  const p = b.globalPool(x, 'global_avg_pool');
  const f1 = b.conv(p, r, 1, { bias: true });
  const a = b.act(f1, st.act === 'hard_swish' ? 'relu' : st.act);
  const f2 = b.conv(a, c, 1, { bias: true });
  const g = b.act(f2, st.act === 'hard_swish' ? 'hard_sigmoid' : 'sigmoid');
  return b.simple('mul', [x, g], b.shape(x));
}

function selfAttention(b: GraphBuilder, x: number, rng: Rng): number {
  const s = b.img(x);
  const tok = b.toTokens(x);
  const ln = b.norm(tok, 'layer_norm');
  const out = selfAttentionSeq(b, ln, rng);
  const back = b.toImage(out, s.h, s.w);
  return back;
}

/** Multi-head self-attention over a token sequence, in the op pattern PyTorch exports. */
/**
 * window: tokens attend only within windows of this many tokens (Swin-style), so the
 * score matrix is t × window instead of t × t; masked: an additive mask (causal or shifted windows).
 */
function selfAttentionSeq(b: GraphBuilder, x: number, rng: Rng, causal = false, window?: number): number {
  const { t, d } = b.seq(x);
  const span = window ? Math.min(t, window) : t;
  const fused = rng.chance(0.5);
  let q: number, k: number, v: number;
  if (fused) {
    const qkv = b.linear(x, 3 * d);
    const sp = b.simple('split', qkv, { kind: 'seq', t, d });
    q = sp;
    k = sp;
    v = sp;
  } else {
    q = b.linear(x, d);
    k = b.linear(x, d);
    v = b.linear(x, d);
  }
  const kt = b.simple('transpose', k);
  const scores = b.matmul(q, kt, { kind: 'seq', t, d: span }, t * span * d);
  const scaled = b.simple(rng.chance(0.5) ? 'div' : 'mul', scores);
  const masked = causal ? b.simple('add', scaled) : scaled;
  const attn = b.act(masked, 'softmax');
  const ctx = b.matmul(attn, v, { kind: 'seq', t, d }, t * span * d);
  return b.linear(ctx, d);
}

function cellOp(b: GraphBuilder, op: CellOp, x: number, out: number, stride: number, st: ConvStyle, rng: Rng): number {
  switch (op) {
    case 'sep_conv_3x3':
    case 'sep_conv_5x5':
    case 'sep_conv_7x7': {
      const k = Number(op[9]);
      const y = sepConv(b, x, out, k, stride, st);
      return sepConv(b, y, out, k, 1, st);
    }
    case 'dil_conv_3x3':
    case 'dil_conv_5x5':
      return sepConv(b, x, out, Number(op[9]), stride, st, 2);
    case 'conv_1x1':
    case 'conv_3x3':
    case 'conv_5x5':
    case 'conv_7x7':
      return convUnit(b, x, out, Number(op[5]), st, { stride });
    case 'conv_1x7_7x1': {
      const a = st.preActivation ? b.act(x, st.act) : x;
      const c1 = b.conv(a, out, [1, 7], { stride });
      const c2 = b.conv(c1, out, [7, 1], { bias: !st.norm });
      return normAct(b, c2, st, !st.preActivation);
    }
    case 'depthwise_3x3': {
      const c = b.img(x).c;
      const dw = b.conv(x, c, 3, { stride, groups: c, bias: !st.norm });
      const y = normAct(b, dw, st);
      return c === out ? y : b.conv(y, out, 1);
    }
    case 'max_pool_3x3':
    case 'avg_pool_3x3': {
      const p = b.pool(x, op === 'max_pool_3x3' ? 'max_pool' : 'avg_pool', 3, stride);
      return b.img(p).c === out ? p : convUnit(b, p, out, 1, st);
    }
    case 'skip_connect':
      if (stride === 1 && b.img(x).c === out) return x;
      return factorizedReduce(b, x, out, stride, st);
    case 'squeeze_excite': {
      const y = stride === 1 && b.img(x).c === out ? x : convUnit(b, x, out, 1, st, { stride });
      return squeezeExcite(b, y, st, rng);
    }
    case 'self_attention': {
      const y = stride === 1 && b.img(x).c === out ? x : convUnit(b, x, out, 1, st, { stride });
      const s = b.img(y);
      if (s.h * s.w > 1024) return convUnit(b, y, out, 3, st);
      return selfAttention(b, y, rng);
    }
    case 'mlp_block': {
      const e = rng.pick([2, 4]);
      const c1 = b.conv(x, out * e, 1, { stride, bias: true });
      const a = b.act(c1, st.act);
      return b.conv(a, out, 1, { bias: true });
    }
    case 'inverted_residual':
      return invertedResidual(b, x, out, stride, st, rng.pick([3, 6]), 3, false, rng);
  }
}

function factorizedReduce(b: GraphBuilder, x: number, out: number, stride: number, st: ConvStyle): number {
  const a = b.act(x, st.act);
  if (stride === 1) {
    const c = b.conv(a, out, 1);
    return st.norm ? b.norm(c, st.norm) : c;
  }
  const half = Math.floor(out / 2);
  const c1 = b.conv(a, half, 1, { stride });
  const c2 = b.conv(a, out - half, 1, { stride });
  const cat = b.concat([c1, c2]);
  return st.norm ? b.norm(cat, st.norm) : cat;
}

function invertedResidual(b: GraphBuilder, x: number, out: number, stride: number, st: ConvStyle, expand: number, k: number, se: boolean, rng: Rng): number {
  const c = b.img(x).c;
  const hidden = c * expand;
  let y = x;
  if (expand !== 1) y = normAct(b, b.conv(y, hidden, 1), st);
  y = normAct(b, b.conv(y, hidden, k, { stride, groups: hidden }), st);
  if (se) y = squeezeExcite(b, y, st, rng);
  y = b.conv(y, out, 1);
  if (st.norm) y = b.norm(y, st.norm);
  if (stride === 1 && c === out) y = b.elementwise('add', y, x);
  return y;
}

/** Fused-MBConv: a 3x3 conv expanding (or keeping) channels, then a 1x1 projection; residual when shapes match. */
function fusedMBConv(b: GraphBuilder, x: number, out: number, stride: number, st: ConvStyle, expand: number): number {
  const c = b.img(x).c;
  let y = normAct(b, b.conv(x, c * expand, 3, { stride, bias: !st.norm }), st);
  if (expand !== 1) {
    y = b.conv(y, out, 1, { bias: !st.norm });
    if (st.norm) y = b.norm(y, st.norm);
  } else if (c !== out) y = normAct(b, b.conv(y, out, 1, { bias: !st.norm }), st, false);
  if (stride === 1 && c === out) y = b.elementwise('add', y, x);
  return y;
}

// ---------------------------------------------------------------------------
// Network styles

function stem(b: GraphBuilder, rng: Rng, inShape: Shape, width: number, st: ConvStyle, large: boolean): { x: number; kind: string } {
  if (!large) {
    const c = b.markInput(b.conv(-1, width, 3, { fromInput: inShape, bias: !st.norm }));
    return { x: st.norm ? b.norm(c, st.norm) : c, kind: 'a 3x3 convolution' };
  }
  const kind = rng.pick(['conv7', 'conv3x2', 'patchify'] as const);
  if (kind === 'conv7') {
    const c = b.markInput(b.conv(-1, width, 7, { fromInput: inShape, stride: 2, bias: !st.norm }));
    const y = normAct(b, c, st);
    return { x: b.pool(y, 'max_pool', 3, 2), kind: 'a strided 7x7 convolution followed by max pooling' };
  }
  if (kind === 'conv3x2') {
    const c = b.markInput(b.conv(-1, Math.max(8, width / 2), 3, { fromInput: inShape, stride: 2, bias: !st.norm }));
    const y = normAct(b, c, st);
    const c2 = b.conv(y, width, 3, { stride: 2, bias: !st.norm });
    return { x: normAct(b, c2, st), kind: 'two strided 3x3 convolutions' };
  }
  const c = b.markInput(b.conv(-1, width, 4, { fromInput: inShape, stride: 4, bias: true }));
  return { x: st.norm ? b.norm(c, st.norm) : c, kind: 'a 4x4 patchify convolution' };
}

function head(b: GraphBuilder, x: number, classes: number, st: ConvStyle, rng: Rng): { out: number; kind: string } {
  const poolKind = rng.weighted([
    ['global_avg_pool', 8],
    ['global_max_pool', 1],
    ['adaptive_pool', 1],
  ] as const);
  let y = b.globalPool(x, poolKind);
  y = b.flatten(y);
  let kind = poolKind.replace(/_/g, ' ');
  if (rng.chance(0.3)) y = b.simple('dropout', y);
  if (rng.chance(0.25)) {
    const hidden = rng.pick([256, 512, 1024]);
    y = b.act(b.linear(y, hidden), st.act);
    if (rng.chance(0.5)) y = b.simple('dropout', y);
    kind += ' then a two-layer classifier';
  } else kind += ' then a linear classifier';
  y = b.linear(y, classes);
  if (rng.chance(0.15)) {
    y = b.act(y, 'softmax');
    kind += ' with softmax';
  }
  return { out: y, kind };
}

function pickStyle(rng: Rng): ConvStyle & { name: string } {
  const act = rng.pick(ACTS);
  const norm = rng.weighted(NORM_CHOICES);
  return { act, norm, preActivation: rng.chance(0.5), name: '' };
}

function cellNetwork(rng: Rng, seed: number): GeneratedArch {
  const b = new GraphBuilder();
  const st = pickStyle(rng);
  const large = rng.chance(0.3);
  const res = large ? rng.pick([160, 192, 224]) : 32;
  const classes = large ? rng.pick([100, 1000]) : rng.pick([10, 10, 100]);
  const width = large ? rng.pick([16, 24, 32, 48]) : rng.pick([8, 16, 24, 32, 36, 48]);
  const cells = rng.int(4, 18);
  const nodesPerCell = rng.int(2, 5);
  const opCount = rng.int(2, 7);
  // Attention over every pixel is only affordable at CIFAR resolution.
  const candidates = CELL_OPS.filter((o) => !large || o !== 'self_attention');
  const ops = rng.sample(candidates, opCount) as CellOp[];
  // Normal and reduction cells each get their own genotype (as in DARTS).
  // The first intermediate node reads both cell inputs, so every cell output stays live
  // (otherwise a whole cell can be dead code, and the cell-op record would overstate the graph).
  const genotype = () =>
    Array.from({ length: nodesPerCell }, (_, i) => [0, 1].map((j) => ({ op: rng.pick(ops), input: i === 0 ? j : rng.int(0, i + 1) })));
  const normalG = genotype();
  const reduceG = genotype();
  const reductionAt = new Set([Math.floor(cells / 3), Math.floor((2 * cells) / 3)]);

  // DARTS uses a 3·C-channel stem on CIFAR.
  const stemWidth = large ? width : Math.min(3 * width, 96);
  const { x: s, kind: stemKind } = stem(b, rng, { kind: 'image', c: 3, h: res, w: res }, stemWidth, st, large);
  let prevPrev = s;
  let prev = s;
  let c = width;
  let reductions = 0;
  const used = new Set<string>();
  for (let cell = 0; cell < cells; cell++) {
    const reduction = reductionAt.has(cell);
    if (reduction) {
      c *= 2;
      reductions++;
    }
    // Preprocess the two inputs to c channels at the current resolution.
    const hPrev = b.img(prev).h;
    const p0 = b.img(prevPrev).h > hPrev ? factorizedReduce(b, prevPrev, c, 2, st) : convUnit(b, prevPrev, c, 1, st);
    const p1 = convUnit(b, prev, c, 1, st);
    const states = [p0, p1];
    const g = reduction ? reduceG : normalG;
    for (const pair of g) {
      const outs = pair.map(({ op, input }) => {
        used.add(op);
        const stride = reduction && input < 2 ? 2 : 1;
        return cellOp(b, op, states[input]!, c, stride, st, rng);
      });
      states.push(outs[0] === outs[1] ? outs[0]! : b.elementwise('add', outs[0]!, outs[1]!));
    }
    // The cell output concatenates its intermediate nodes (an identity node may repeat a state: once).
    const out = b.concat([...new Set(states.slice(2))]);
    prevPrev = prev;
    prev = out;
  }
  const h = head(b, prev, classes, st, rng);
  return {
    id: `gen-cell-${seed}`,
    name: `autonet_cell_${seed}`,
    seed,
    graph: b.build([h.out]),
    meta: {
      style: 'cell',
      task: 'classification',
      modality: 'image',
      input: [1, 3, res, res],
      numClasses: classes,
      cells,
      reductionCells: reductions,
      cellOps: [...used].sort(),
      blockKind: null,
      activation: st.act,
      norm: st.norm,
      width,
      head: `${stemKind}; ${h.kind}`,
    },
  };
}

function stageNetwork(rng: Rng, seed: number): GeneratedArch {
  const b = new GraphBuilder();
  const st = pickStyle(rng);
  st.preActivation = false;
  const blockKind = rng.pick(BLOCK_KINDS);
  if (blockKind === 'convnext') {
    st.norm = rng.chance(0.7) ? 'layer_norm' : st.norm;
    st.act = rng.chance(0.7) ? 'gelu' : st.act;
  }
  const large = rng.chance(0.6);
  const res = large ? rng.pick([160, 192, 224, 256]) : rng.pick([32, 64]);
  const classes = large ? rng.pick([100, 1000]) : rng.pick([10, 100, 200]);
  const width = rng.pick([16, 24, 32, 48, 64, 96]);
  const nStages = rng.int(2, 5);
  const total = rng.int(4, 18);
  const perStage = Array.from({ length: nStages }, () => 1);
  for (let i = nStages; i < total; i++) perStage[rng.int(0, nStages - 1)]!++;
  // SE in inverted residuals (MobileNetV3 / EfficientNet) and after the grouped 3x3 of bottlenecks (RegNetY).
  const useSE = (blockKind === 'inverted_residual' && rng.chance(0.5)) || ((blockKind === 'resnext' || blockKind === 'bottleneck') && rng.chance(0.35));
  // Fused-MBConv (a full 3x3 expansion conv, no depthwise) in the early stages (EfficientNetV2).
  const fusedStages = blockKind === 'inverted_residual' && rng.chance(0.4) ? rng.int(1, Math.max(1, nStages - 1)) : 0;
  const growth = rng.pick([12, 16, 24, 32]);
  const { x: s0, kind: stemKind } = stem(b, rng, { kind: 'image', c: 3, h: res, w: res }, width, st, large);
  let x = s0;
  let c = width;
  for (let stage = 0; stage < nStages; stage++) {
    const out = stage === 0 ? c : Math.min(2048, c * 2);
    for (let i = 0; i < perStage[stage]!; i++) {
      const stride = i === 0 && stage > 0 ? 2 : 1;
      const inC = b.img(x).c;
      switch (blockKind) {
        case 'basic': {
          const y1 = convUnit(b, x, out, 3, st, { stride });
          let y2 = b.conv(y1, out, 3, { bias: !st.norm });
          if (st.norm) y2 = b.norm(y2, st.norm);
          let sc = x;
          if (stride !== 1 || inC !== out) {
            sc = b.conv(x, out, 1, { stride, bias: !st.norm });
            if (st.norm) sc = b.norm(sc, st.norm);
          }
          x = b.act(b.elementwise('add', y2, sc), st.act);
          break;
        }
        case 'bottleneck':
        case 'resnext': {
          const mid = Math.max(8, out / 4) * (blockKind === 'resnext' ? 2 : 1);
          const groups = blockKind === 'resnext' ? rng.pick([8, 16, 32].filter((g) => mid % g === 0).concat([1])) : 1;
          const y1 = convUnit(b, x, mid, 1, st);
          let y2 = convUnit(b, y1, mid, 3, st, { stride, groups });
          if (useSE) y2 = squeezeExcite(b, y2, st, rng);
          let y3 = b.conv(y2, out * 2, 1, { bias: !st.norm });
          if (st.norm) y3 = b.norm(y3, st.norm);
          let sc = x;
          if (stride !== 1 || inC !== out * 2) {
            sc = b.conv(x, out * 2, 1, { stride, bias: !st.norm });
            if (st.norm) sc = b.norm(sc, st.norm);
          }
          x = b.act(b.elementwise('add', y3, sc), st.act);
          break;
        }
        case 'inverted_residual':
          if (stage < fusedStages) x = fusedMBConv(b, x, out, stride, st, rng.pick([1, 4]));
          else x = invertedResidual(b, x, out, stride, st, i === 0 && stage === 0 ? 1 : rng.pick([3, 4, 6]), rng.pick([3, 3, 5]), useSE, rng);
          break;
        case 'convnext': {
          if (stride === 2) {
            if (st.norm) x = b.norm(x, st.norm);
            x = b.conv(x, out, 2, { stride: 2, bias: true });
          }
          const cc = b.img(x).c;
          let y = b.conv(x, cc, 7, { groups: cc, bias: true });
          if (st.norm) y = b.norm(y, st.norm);
          y = b.simple('transpose', y);
          y = b.linear(y, cc * 4);
          y = b.act(y, st.act);
          y = b.linear(y, cc);
          y = b.simple('transpose', y);
          if (rng.chance(0.5)) y = b.simple('mul', y); // layer scale
          x = b.elementwise('add', y, x);
          break;
        }
        case 'vgg': {
          x = convUnit(b, x, out, 3, st);
          if (i === perStage[stage]! - 1) x = b.pool(x, 'max_pool', 2, 2);
          break;
        }
        case 'dense': {
          if (stride === 2) {
            // Transition: norm, act, 1x1 conv halving channels, 2x2 average pooling.
            const t = convUnit(b, x, Math.max(8, Math.floor(inC / 2)), 1, { ...st, preActivation: true });
            x = b.pool(t, 'avg_pool', 2, 2);
          }
          const y1 = convUnit(b, x, 4 * growth, 1, { ...st, preActivation: true });
          const y2 = convUnit(b, y1, growth, 3, { ...st, preActivation: true });
          x = b.concat([x, y2]);
          break;
        }
      }
    }
    c = out;
  }
  if (blockKind === 'dense' || blockKind === 'convnext') x = st.norm ? b.norm(x, st.norm) : x;
  const h = head(b, x, classes, st, rng);
  return {
    id: `gen-stage-${seed}`,
    name: `autonet_stage_${seed}`,
    seed,
    graph: b.build([h.out]),
    meta: {
      style: 'stage',
      task: 'classification',
      modality: 'image',
      input: [1, 3, res, res],
      numClasses: classes,
      cells: total,
      reductionCells: nStages - 1,
      cellOps: [],
      blockKind,
      activation: st.act,
      norm: st.norm,
      width,
      head: `${stemKind}; ${h.kind}`,
    },
  };
}

function transformerNetwork(rng: Rng, seed: number): GeneratedArch {
  const b = new GraphBuilder();
  const d = rng.pick([64, 128, 192, 256, 384, 512, 768]);
  const t = rng.pick([32, 64, 128, 256, 512]);
  const vocab = rng.pick([1000, 5000, 8000, 16000, 30000, 50000]);
  const layers = rng.int(2, 12);
  const act = rng.pick(['gelu', 'gelu', 'relu', 'silu']);
  const norm = rng.chance(0.85) ? 'layer_norm' : 'rms_norm';
  const preNorm = rng.chance(0.6);
  const causal = rng.chance(0.35);
  const generative = causal && rng.chance(0.7);
  const ff = d * rng.pick([2, 4]);
  let x = b.markInput(b.embedding(vocab, d, t));
  const pos = b.embedding(t, d, t);
  x = b.elementwise('add', x, pos);
  if (rng.chance(0.5)) x = b.simple('dropout', x);
  for (let l = 0; l < layers; l++) {
    const a0 = preNorm ? b.norm(x, norm) : x;
    const attn = selfAttentionSeq(b, a0, rng, causal);
    x = b.elementwise('add', x, attn);
    if (!preNorm) x = b.norm(x, norm);
    const f0 = preNorm ? b.norm(x, norm) : x;
    const f = b.linear(b.act(b.linear(f0, ff), act), d);
    x = b.elementwise('add', x, f);
    if (!preNorm) x = b.norm(x, norm);
  }
  if (preNorm) x = b.norm(x, norm);
  let out: number;
  let headKind: string;
  const classes = generative ? vocab : rng.pick([2, 3, 5, 20]);
  if (generative) {
    out = b.linear(x, vocab, false);
    headKind = 'a language-modelling head over the vocabulary';
  } else {
    const pooled = rng.chance(0.5) ? b.simple('reduce', x, { kind: 'seq', t: 1, d }) : b.simple('gather', x, { kind: 'seq', t: 1, d });
    out = b.linear(pooled, classes);
    headKind = b.nodes[pooled]!.category === 'reduce' ? 'mean pooling then a linear classifier' : 'the first token then a linear classifier';
  }
  return {
    id: `gen-transformer-${seed}`,
    name: `autonet_transformer_${seed}`,
    seed,
    graph: b.build([out]),
    meta: {
      style: 'transformer',
      task: generative ? 'generation' : 'classification',
      modality: 'text',
      input: [1, t],
      numClasses: classes,
      cells: layers,
      reductionCells: 0,
      cellOps: [],
      blockKind: causal ? 'decoder' : 'encoder',
      activation: act,
      norm,
      width: d,
      head: headKind,
    },
  };
}

/**
 * Vision transformers: a patchify convolution, then either global attention over all
 * patches (ViT-like, optional class token) or a hierarchy of windowed-attention stages
 * joined by patch merging (Swin-like: shifted windows are a slice + concat "roll").
 */
function visionTransformerNetwork(rng: Rng, seed: number): GeneratedArch {
  const b = new GraphBuilder();
  const res = rng.pick([32, 64, 224, 224]);
  const hierarchical = rng.chance(0.45);
  const patch = res === 32 ? rng.pick([2, 4]) : res === 64 ? rng.pick([4, 8]) : hierarchical ? 4 : rng.pick([14, 16, 32]);
  let d = rng.pick(hierarchical ? [48, 64, 96, 128] : [64, 128, 192, 256, 384, 512, 768]);
  const act = rng.pick(['gelu', 'gelu', 'gelu', 'relu', 'silu']);
  const norm = rng.chance(0.9) ? 'layer_norm' : 'batch_norm';
  const mlpRatio = rng.pick([2, 3, 4]);
  const classes = res === 224 ? rng.pick([100, 1000]) : rng.pick([10, 100, 200]);
  const width = d;
  let grid = Math.floor(res / patch);
  let x = b.markInput(b.conv(-1, d, patch, { fromInput: { kind: 'image', c: 3, h: res, w: res }, stride: patch, bias: true }));
  x = b.toTokens(x);
  if (hierarchical) x = b.norm(x, norm);
  const useCls = !hierarchical && rng.chance(0.6);
  if (useCls) x = b.simple('concat', x, { kind: 'seq', t: grid * grid + 1, d }, { params: d });
  // Learned position embedding: an add whose second operand is a parameter tensor.
  if (!hierarchical || rng.chance(0.3)) {
    const { t } = b.seq(x);
    x = b.simple('add', x, b.shape(x), { params: t * d });
  }
  const block = (x0: number, window?: number, shifted = false): number => {
    let y = b.norm(x0, norm);
    if (shifted) y = b.simple('concat', [b.simple('slice', y), b.simple('slice', y)]);
    if (window) y = b.simple('reshape', y);
    let a = selfAttentionSeq(b, y, rng, shifted, window);
    if (window) a = b.simple('reshape', a);
    const x1 = b.elementwise('add', x0, a);
    const m = b.linear(b.act(b.linear(b.norm(x1, norm), d * mlpRatio), act), d);
    return b.elementwise('add', x1, m);
  };
  let layers = 0;
  let merges = 0;
  if (hierarchical) {
    const stages = rng.int(2, 4);
    const window = rng.pick([4, 7, 8]) ** 2;
    for (let st = 0; st < stages; st++) {
      if (st > 0 && grid >= 2) {
        // Patch merging: 2×2 neighbouring tokens concatenated (4d), normalised, projected to 2d.
        const parts = [0, 1, 2, 3].map(() => b.simple('slice', x, { kind: 'seq', t: (grid / 2) ** 2, d }));
        x = b.concat(parts);
        x = b.norm(x, norm);
        x = b.linear(x, 2 * d, false);
        d *= 2;
        grid = Math.floor(grid / 2);
        merges++;
      }
      const depth = rng.pick([1, 2, 2, 3, 4]);
      for (let i = 0; i < depth; i++) {
        x = block(x, window, i % 2 === 1);
        layers++;
      }
    }
  } else {
    const depth = rng.int(2, 12);
    for (let i = 0; i < depth; i++) x = block(x);
    layers = depth;
  }
  x = b.norm(x, norm);
  const pooled = useCls ? b.simple('gather', x, { kind: 'seq', t: 1, d }) : b.simple('reduce', x, { kind: 'seq', t: 1, d });
  const out = b.linear(pooled, classes);
  return {
    id: `gen-vit-${seed}`,
    name: `autonet_vit_${seed}`,
    seed,
    graph: b.build([out]),
    meta: {
      style: 'vit',
      task: 'classification',
      modality: 'image',
      input: [1, 3, res, res],
      numClasses: classes,
      cells: layers,
      reductionCells: merges,
      cellOps: [],
      blockKind: hierarchical ? 'windowed' : 'global',
      activation: act,
      norm,
      width,
      head: `a ${patch}x${patch} patch embedding; ${useCls ? 'the class token' : 'the mean over tokens'} then a linear classifier`,
    },
  };
}

function recurrentNetwork(rng: Rng, seed: number): GeneratedArch {
  const b = new GraphBuilder();
  const kind = rng.pick(['lstm', 'lstm', 'gru', 'gru', 'rnn'] as const);
  const d = rng.pick([32, 64, 100, 128, 256, 300]);
  const t = rng.pick([16, 32, 64, 128, 256]);
  const vocab = rng.pick([1000, 5000, 10000, 20000, 30000]);
  const layers = rng.int(1, 4);
  const hidden = rng.pick([32, 64, 128, 256, 512]);
  const bidir = rng.chance(0.5);
  const classes = rng.pick([2, 4, 5, 10, 20]);
  let x = b.markInput(b.embedding(vocab, d, t));
  if (rng.chance(0.4)) x = b.simple('dropout', x);
  for (let l = 0; l < layers; l++) {
    x = b.recurrent(x, kind, hidden, bidir);
    if (l < layers - 1 && rng.chance(0.3)) x = b.simple('dropout', x);
  }
  const { d: hd } = b.seq(x);
  const pool = rng.pick(['last', 'mean', 'max'] as const);
  let y =
    pool === 'last'
      ? b.simple('gather', x, { kind: 'seq', t: 1, d: hd })
      : b.simple('reduce', x, { kind: 'seq', t: 1, d: hd });
  const act = rng.pick(['relu', 'tanh', 'relu']);
  if (rng.chance(0.4)) y = b.act(b.linear(y, rng.pick([64, 128])), act);
  const out = b.linear(y, classes);
  const final = rng.chance(0.3) ? b.act(out, classes === 2 && rng.chance(0.5) ? 'sigmoid' : 'softmax') : out;
  return {
    id: `gen-recurrent-${seed}`,
    name: `autonet_${kind}_${seed}`,
    seed,
    graph: b.build([final]),
    meta: {
      style: 'recurrent',
      task: 'classification',
      modality: 'text',
      input: [1, t],
      numClasses: classes,
      cells: layers,
      reductionCells: 0,
      cellOps: [],
      blockKind: `${bidir ? 'bidirectional ' : ''}${kind}`,
      activation: act,
      norm: null,
      width: hidden,
      // "max over time", not "max pooling": the op is a reduction, and captions must name graph ops truthfully.
      head: `${pool === 'last' ? 'the last hidden state' : `the ${pool} over time`} then a linear classifier`,
    },
  };
}

/** The style mix of the generated set (AutoNet cells dominate, as in the original). */
const STYLE_WEIGHTS: ReadonlyArray<readonly [GeneratorStyle, number]> = [
  ['cell', 50],
  ['stage', 23],
  ['vit', 10],
  ['transformer', 10],
  ['recurrent', 7],
];

/** One generated architecture; the seed fixes everything (style included, unless given). */
export function generateArchitecture(seed: number, style?: GeneratorStyle): GeneratedArch {
  const rng = new Rng(seed);
  const s = style ?? rng.weighted(STYLE_WEIGHTS);
  switch (s) {
    case 'cell':
      return cellNetwork(rng, seed);
    case 'stage':
      return stageNetwork(rng, seed);
    case 'vit':
      return visionTransformerNetwork(rng, seed);
    case 'transformer':
      return transformerNetwork(rng, seed);
    case 'recurrent':
      return recurrentNetwork(rng, seed);
  }
}

/** Sum of learned parameters of a generated graph. */
export function totalParams(g: OpGraph): number {
  return g.nodes.reduce((s, n) => s + n.params, 0);
}
