/**
 * The graph builder the generator draws with: it appends one OpGraph node per
 * compute op, tracks each node's output shape, and computes parameter counts
 * and MACs from the shapes with the conventions of the ONNX analysis (conv:
 * out·in/groups·kh·kw (+bias), MACs per output element; linear: in·out
 * (+bias); norms: 2 learned params per channel, batch norm 2 buffers per
 * channel; parameter-free ops: 0 params, 0 MACs), so a generated graph reads
 * like an exported one.
 */
import type { OpGraph, OpNode } from '../../../graph/types.js';

/** A node's output: an image tensor [C,H,W] or a token sequence [T,D] (batch 1 left out). */
export type Shape = { kind: 'image'; c: number; h: number; w: number } | { kind: 'seq'; t: number; d: number };

/** Builds an OpGraph node by node, tracking each node's output shape. */
export class GraphBuilder {
  readonly nodes: OpNode[] = [];
  readonly edges: Array<[number, number]> = [];
  readonly shapes: Shape[] = [];
  readonly inputNodes: number[] = [];

  /**
   * '1d': image tensors are 1-D signals [C, L] (h = L, w = 1), exported as rank-3 [1, C, L] with kx1
   * kernels, as a Conv1d network (TCN, WaveNet) is.
   */
  constructor(readonly layout: '2d' | '1d' = '2d') {}

  private push(category: string, inputs: number[], shape: Shape, fields: Partial<OpNode> = {}): number {
    const id = this.nodes.length;
    // A sequence of length 1 only arises after pooling / flattening: a plain [batch, features] vector.
    // fields.outShape: a tensor of another rank than the tracked shape (the 5-D and 6-D reshapes of channel shuffle, pixel shuffle, window partitions).
    const image = (c: number, h: number, w: number) => (this.layout === '1d' ? [1, c, h] : [1, c, h, w]);
    const outShape = fields.outShape ?? (shape.kind === 'image' ? image(shape.c, shape.h, shape.w) : shape.t === 1 ? [1, shape.d] : [1, shape.t, shape.d]);
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
    opts: { stride?: number; dilation?: number; groups?: number; bias?: boolean; fromInput?: Shape; valid?: boolean } = {},
  ): number {
    const s = opts.fromInput ?? this.shape(x);
    if (s.kind !== 'image') throw new Error('conv on a sequence');
    const [kh, kw] = typeof k === 'number' ? [k, k] : k;
    const stride = opts.stride ?? 1;
    const dil = opts.dilation ?? 1;
    const groups = opts.groups ?? 1;
    // 'same' padding, unless valid (no padding: a causal conv after its own left pad)
    const lost = opts.valid ? [dil * (kh - 1), dil * (kw - 1)] : [0, 0];
    const h = Math.floor((s.h - lost[0]! - 1) / stride) + 1;
    const w = Math.floor((s.w - lost[1]! - 1) / stride) + 1;
    const perOut = (s.c / groups) * kh * kw;
    const category =
      groups > 1 && groups === s.c ? 'depthwise_conv' : groups > 1 ? 'grouped_conv' : dil > 1 ? 'dilated_conv' : 'conv';
    return this.push(category, opts.fromInput ? [] : [x], { kind: 'image', c: out, h, w }, {
      inChannels: s.c,
      kernel: [kh, kw],
      stride: this.layout === '1d' ? [stride, 1] : [stride, stride],
      dilation: this.layout === '1d' ? [dil, 1] : [dil, dil],
      groups,
      params: out * perOut + (opts.bias ? out : 0),
      macs: out * h * w * perOut,
    });
  }

  /** A learned upsampling: a k×k transposed conv with stride s (s× the resolution). */
  transposedConv(x: number, out: number, k: number, stride: number): number {
    const s = this.img(x);
    const h = s.h * stride;
    const w = s.w * stride;
    return this.push('transposed_conv', [x], { kind: 'image', c: out, h, w }, {
      inChannels: s.c,
      kernel: [k, k],
      stride: [stride, stride],
      dilation: [1, 1],
      groups: 1,
      params: s.c * out * k * k + out,
      macs: s.c * s.h * s.w * out * k * k,
    });
  }

  /** Interpolation (bilinear / nearest) to h×w: no weights. */
  resize(x: number, h: number, w: number): number {
    const s = this.img(x);
    return this.push('resize', [x], { kind: 'image', c: s.c, h, w }, { inChannels: s.c });
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

  /** A matrix product of attention (scores = QKᵀ, or weights · V); the caller gives its MACs, which depend on the attention span. */
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
