/**
 * Hand-made graphs with hand-computed parameters, MACs and shapes.
 * Every expected number below is worked out in the comment next to it.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/graph/analyze.js';
import { inferShapes } from '../../../src/core/graph/shape-inference/infer.js';
import { windowOut } from '../../../src/core/graph/shape-inference/conv-pool.js';
import { einsumShape, matmulShape } from '../../../src/core/graph/shape-inference/matmul.js';
import { factsFromOpGraph } from '../../../src/core/graph/facts.js';
import type { ArchGraph, ArchNode, AttrValue, OpGraph, OpNode, ParamInfo } from '../../../src/core/graph/types.js';

// ---- tiny builder --------------------------------------------------------------------------
class G {
  nodes: ArchNode[] = [];
  inits: Record<string, ParamInfo> = {};
  private k = 0;
  constructor(
    public inputs: ArchGraph['inputs'],
    public outputs: string[] = [],
  ) {}
  w(name: string, shape: number[], opts: { trainable?: boolean; values?: number[]; dtype?: string } = {}): string {
    this.inits[name] = { name, shape, dtype: opts.dtype ?? 'float32', trainable: opts.trainable ?? true, values: opts.values };
    return name;
  }
  ints(values: number[]): string {
    return this.w(`c${this.k++}`, [values.length], { values, dtype: 'int64' });
  }
  op(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, nOut = 1): string {
    const id = `${op}_${this.k++}`;
    const outputs = Array.from({ length: nOut }, (_, i) => `${id}:${i}`);
    const params = inputs.filter((t) => this.inits[t]).map((t) => this.inits[t]!);
    this.nodes.push({ id, op, sourceOp: op, attrs, inputs, outputs, params });
    return outputs[0]!;
  }
  graph(): ArchGraph {
    const outs = this.outputs.length ? this.outputs : [this.nodes[this.nodes.length - 1]!.outputs[0]!];
    return {
      format: 'onnx',
      name: 'test',
      nodes: this.nodes,
      inputs: this.inputs,
      outputs: outs.map((name) => ({ name, shape: null, dtype: 'float32' })),
      valueInfo: {},
      initializers: this.inits,
      metadata: {},
      opset: 13,
    };
  }
}
const img = (n: number | string, c: number, h: number, w: number) => [{ name: 'x', shape: [n, c, h, w], dtype: 'float32' }];

describe('hand-made CNN: params, buffers, MACs, depth, blocks', () => {
  // x[1,3,32,32] → conv3x3(3→8,pad1,bias) → BN → ReLU → maxpool2 → dw3x3(8,pad1) → conv1x1(8→16) → GAP → flatten → Gemm(16→10)
  const b = new G(img(1, 3, 32, 32));
  let t = b.op('Conv', ['x', b.w('c1.w', [8, 3, 3, 3]), b.w('c1.b', [8])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
  t = b.op('BatchNormalization', [t, b.w('bn.g', [8]), b.w('bn.b', [8]), b.w('bn.m', [8]), b.w('bn.v', [8])]);
  t = b.op('Relu', [t]);
  t = b.op('MaxPool', [t], { kernel_shape: [2, 2], strides: [2, 2] });
  t = b.op('Conv', [t, b.w('dw.w', [8, 1, 3, 3])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 8 });
  t = b.op('Conv', [t, b.w('pw.w', [16, 8, 1, 1])], { kernel_shape: [1, 1] });
  t = b.op('GlobalAveragePool', [t]);
  t = b.op('Flatten', [t], { axis: 1 });
  b.op('Gemm', [t, b.w('fc.w', [10, 16]), b.w('fc.b', [10])], { transB: 1 });
  const { facts, opGraph } = analyzeGraph(b.graph());

  it('counts trainable params and BN running stats as buffers', () => {
    // conv1 8·3·9+8 = 224; BN γ,β 16; dw 8·9 = 72; pw 16·8 = 128; fc 160+10 = 170 → 610
    expect(facts.params.trainable).toBe(610);
    expect(facts.params.buffers).toBe(16); // running mean + var
    expect(facts.params.total).toBe(626);
    expect(facts.params.by_category).toEqual({ conv: 352, batch_norm: 16, depthwise_conv: 72, linear: 170 });
  });
  it('counts MACs of products only', () => {
    // conv1 (8·32·32)·27 = 221184; dw (8·16·16)·9 = 18432; pw (16·16·16)·8 = 32768; fc 16·10 = 160
    expect(facts.macs).toBe(221184 + 18432 + 32768 + 160);
  });
  it('categorises, measures depth and finds the depthwise-separable block', () => {
    expect(facts.ops).toEqual({ conv: 2, depthwise_conv: 1, linear: 1, batch_norm: 1, relu: 1, flatten: 1, max_pool: 1, global_avg_pool: 1 });
    expect(facts.depth).toBe(4);
    expect(facts.blocks.depthwise_separable).toBe(1);
    // the pointwise conv widens 8 → 16 with no expansion before: not an inverted residual
    expect(facts.blocks.inverted_residual).toBe(0);
    expect(facts.kernel_sizes).toEqual(['1x1', '3x3']);
    expect(facts.activations).toEqual(['relu']);
    expect(facts.norms).toEqual(['batch_norm']);
    expect(facts.task.guess).toBe('classification');
    expect(facts.outputs[0]!.shape).toEqual([1, 10]);
    expect(opGraph.edges.length).toBe(opGraph.nodes.length - 1); // a chain
  });
});

describe('shape inference', () => {
  it('window sizes: padding, ceil_mode, auto_pad', () => {
    expect(windowOut(112, 3, 2, 1, 0, 0, 'NOTSET', false)).toBe(55);
    expect(windowOut(112, 3, 2, 1, 0, 0, 'NOTSET', true)).toBe(56);
    expect(windowOut(224, 7, 2, 1, 3, 3, 'NOTSET', false)).toBe(112);
    expect(windowOut(15, 3, 2, 1, 0, 0, 'SAME_UPPER', false)).toBe(8);
    expect(windowOut(15, 3, 2, 1, 0, 0, 'VALID', false)).toBe(7);
    // ceil_mode: ceil((6+2-3)/2)+1 = 4; the last window starts at 6 < 6+1 (inside the left-padded input): kept
    expect(windowOut(6, 3, 2, 1, 1, 1, 'NOTSET', true)).toBe(4);
    // ceil((5+2-2)/2)+1 = 4, but the 4th window would start at 6 ≥ 5+1 (only right padding): dropped, as PyTorch does
    expect(windowOut(5, 2, 2, 1, 1, 1, 'NOTSET', true)).toBe(3);
    expect(windowOut(5, 2, 2, 1, 0, 0, 'NOTSET', true)).toBe(3);
  });
  it('MatMul broadcast and Einsum', () => {
    expect(matmulShape([2, 3, 4, 5], [5, 6])).toEqual([2, 3, 4, 6]);
    expect(matmulShape([4, 5], [7, 5, 6])).toEqual([7, 4, 6]);
    expect(matmulShape([5], [3, 5, 6])).toEqual([3, 6]);
    const e = einsumShape('bhid,bhjd->bhij', [[1, 12, 197, 64], [1, 12, 197, 64]])!;
    expect(e.out).toEqual([1, 12, 197, 197]);
    expect(einsumShape('...ij,jk', [[2, 3, 4], [4, 5]])!.out).toEqual([2, 3, 5]);
  });
  it('Reshape 0/-1, Transpose, Slice, Squeeze/Unsqueeze (attr and input forms), Gather, Concat, Split, Pad, Resize, ConvTranspose', () => {
    const b = new G(img('N', 8, 16, 16));
    const r = b.op('Reshape', ['x', b.ints([0, 0, -1])]); // [1,8,256]
    const tr = b.op('Transpose', [r], { perm: [0, 2, 1] }); // [1,256,8]
    const sl = b.op('Slice', [tr, b.ints([1]), b.ints([-1]), b.ints([1])]); // [1,254,8]
    const sl2 = b.op('Slice', [tr], { starts: [0], ends: [10], axes: [2] }); // [1,256,8] (end clamps)
    const un = b.op('Unsqueeze', [sl], { axes: [0] }); // [1,1,254,8]
    const un13 = b.op('Unsqueeze', [sl, b.ints([-1])]); // [1,254,8,1]
    const sq = b.op('Squeeze', [un13, b.ints([3])]); // [1,254,8]
    const ga = b.op('Gather', [tr, b.w('idx', [], { values: [0], dtype: 'int64' })], { axis: 1 }); // [1,8]
    const cc = b.op('Concat', ['x', 'x'], { axis: 1 }); // [1,16,16,16]
    const sp = b.op('Split', [cc, b.ints([4, 12])], { axis: 1 }, 2); // [1,4,16,16], [1,12,16,16]
    const pd = b.op('Pad', ['x', b.ints([0, 0, 1, 2, 0, 0, 3, 4])]); // [1,8,20,22]
    const rs = b.op('Resize', ['x', '', b.w('sc', [4], { values: [1, 1, 2, 2] })], { mode: 'nearest' }); // [1,8,32,32]
    const ct = b.op('ConvTranspose', ['x', b.w('ct.w', [8, 4, 4, 4])], { kernel_shape: [4, 4], strides: [2, 2], pads: [1, 1, 1, 1] }); // [1,4,32,32]
    const g = b.graph();
    const res = inferShapes(g);
    const s = (t: string) => res.tensors.get(t)?.shape;
    expect(s(r)).toEqual([1, 8, 256]);
    expect(s(tr)).toEqual([1, 256, 8]);
    expect(s(sl)).toEqual([1, 254, 8]);
    expect(s(sl2)).toEqual([1, 256, 8]);
    expect(s(un)).toEqual([1, 1, 254, 8]);
    expect(s(un13)).toEqual([1, 254, 8, 1]);
    expect(s(sq)).toEqual([1, 254, 8]);
    expect(s(ga)).toEqual([1, 8]);
    expect(s(cc)).toEqual([1, 16, 16, 16]);
    expect(s(sp)).toEqual([1, 4, 16, 16]);
    expect(s(`${sp.split(':')[0]}:1`)).toEqual([1, 12, 16, 16]);
    expect(s(pd)).toEqual([1, 8, 20, 22]);
    expect(s(rs)).toEqual([1, 8, 32, 32]);
    expect(s(ct)).toEqual([1, 4, 32, 32]);
    expect(res.notes.join(' ')).toMatch(/dim 0 'N' = 1 assumed/);
  });
  it('folds Shape → Gather → Unsqueeze → Concat → Reshape (dynamic-batch flatten)', () => {
    const b = new G(img('batch', 4, 2, 2));
    const sh = b.op('Shape', ['x']);
    const g0 = b.op('Gather', [sh, b.w('i0', [], { values: [0], dtype: 'int64' })], { axis: 0 });
    const u = b.op('Unsqueeze', [g0], { axes: [0] });
    const cat = b.op('Concat', [u, b.ints([-1])], { axis: 0 });
    const r = b.op('Reshape', ['x', cat]);
    const out = b.op('MatMul', [r, b.w('W', [16, 3])]);
    const { facts, opGraph } = analyzeGraph(b.graph());
    expect(facts.outputs[0]!.shape).toEqual([1, 3]);
    expect(facts.macs).toBe(48);
    // shape plumbing is folded away: reshape → linear remain
    expect(opGraph.nodes.map((n) => n.category)).toEqual(['reshape', 'linear']);
    expect(facts.params.trainable).toBe(48);
    void out;
  });
  it('--input-shape overrides symbolic dims and changes MACs', () => {
    const b = new G(img('N', 3, 'H' as unknown as number, 'W' as unknown as number));
    b.op('Conv', ['x', b.w('w', [4, 3, 1, 1])], { kernel_shape: [1, 1] });
    const def = analyzeGraph(b.graph());
    expect(def.facts.macs).toBe(4 * 224 * 224 * 3); // assumed 1x3x224x224
    expect(def.facts.notes!.join(' ')).toMatch(/assumed/);
    const o = analyzeGraph(b.graph(), { inputShapes: { x: [2, 3, 10, 10] } });
    expect(o.facts.macs).toBe(2 * 4 * 100 * 3);
    expect(() => analyzeGraph(b.graph(), { inputShapes: { nope: [1] } })).toThrow(/not an input/);
  });
});

describe('parameters', () => {
  it('counts a tied weight once, and exporter Identity aliases as distinct parameters', () => {
    const b = new G([{ name: 'x', shape: [1, 4], dtype: 'float32' }]);
    const W = b.w('W', [4, 4]);
    const z = b.w('zeros', [4]);
    const alias = b.op('Identity', [z]); // torch de-duplicated an equal-valued second bias
    let t = b.op('MatMul', ['x', W]);
    t = b.op('Add', [t, z]);
    t = b.op('MatMul', [t, W]); // tied
    t = b.op('Add', [t, alias]);
    const { facts } = analyzeGraph(b.graph());
    expect(facts.params.trainable).toBe(16 + 4 + 4);
    expect(facts.ops).toEqual({ linear: 2 }); // bias adds fused into the linear layers
    expect(facts.macs).toBe(32);
  });
  it('ignores int64 shape tensors and scalar constants', () => {
    const b = new G([{ name: 'x', shape: [1, 4, 4], dtype: 'float32' }]);
    let t = b.op('Reshape', ['x', b.ints([1, 16])]);
    t = b.op('Mul', [t, b.w('half', [], { values: [0.5] })]);
    const { facts } = analyzeGraph(b.graph());
    expect(facts.params.total).toBe(0);
  });
  it('LSTM: params from W, R, B; MACs = steps × (|W| + |R|)', () => {
    const b = new G([{ name: 'x', shape: [5, 1, 8], dtype: 'float32' }]);
    b.op('LSTM', ['x', b.w('W', [1, 64, 8]), b.w('R', [1, 64, 16]), b.w('B', [1, 128])], { hidden_size: 16 }, 3);
    const { facts } = analyzeGraph(b.graph());
    expect(facts.params.trainable).toBe(512 + 1024 + 128);
    expect(facts.macs).toBe(5 * (512 + 1024));
    expect(facts.outputs[0]!.shape).toEqual([5, 1, 1, 16]);
    expect(facts.ops).toEqual({ lstm: 1 });
    expect(facts.task.guess).toBe('sequence');
  });
});

describe('quantised and sequence graphs', () => {
  it('QDQ conv: int8 weight and int32 bias count, scales and zero points do not', () => {
    const b = new G(img(1, 4, 8, 8));
    const wq = b.op('DequantizeLinear', [b.w('wq', [8, 4, 3, 3], { dtype: 'int8' }), b.w('ws', [8]), b.w('wz', [8], { dtype: 'int8' })], { axis: 0 });
    const bq = b.op('DequantizeLinear', [b.w('bq', [8], { dtype: 'int32' }), b.w('bs', [8])]);
    b.op('Conv', ['x', wq, bq], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    const { facts } = analyzeGraph(b.graph());
    expect(facts.params.trainable).toBe(288 + 8);
    expect(facts.macs).toBe(8 * 64 * 36);
    expect(facts.ops).toEqual({ conv: 1 });
  });
  it("ONNX Runtime's FusedConv / FusedGemm count like Conv / Gemm", () => {
    const b = new G(img(1, 3, 8, 8));
    const c = b.op('FusedConv', ['x', b.w('w', [4, 3, 3, 3]), b.w('b', [4])], { kernel_shape: [3, 3], activation: 'Relu' });
    const f = b.op('Flatten', [c]);
    b.op('FusedGemm', [f, b.w('fc', [144, 2])], { activation: 'Relu' });
    const { facts } = analyzeGraph(b.graph());
    expect(facts.ops).toMatchObject({ conv: 1, linear: 1 });
    expect(facts.params.trainable).toBe(108 + 4 + 288);
    expect(facts.macs).toBe(4 * 36 * 27 + 288); // 6x6 output
  });
  it('token ids → embedding → attention with a constant [S, S] Where mask → generation, gpt-like', () => {
    const S = 8;
    const b = new G([{ name: 'ids', shape: [1, S], dtype: 'int64' }]);
    const e = b.op('Gather', [b.w('E', [100, 16]), 'ids']);
    const q = b.op('MatMul', [e, b.w('Wq', [16, 16])]);
    const k = b.op('MatMul', [e, b.w('Wk', [16, 16])]);
    const v = b.op('MatMul', [e, b.w('Wv', [16, 16])]);
    const sc = b.op('MatMul', [q, b.op('Transpose', [k], { perm: [0, 2, 1] })]);
    const masked = b.op('Where', [b.w('causal', [S, S], { dtype: 'bool' }), sc, b.w('ninf', [], { values: [-1e9] })]);
    const att = b.op('MatMul', [b.op('Softmax', [masked], { axis: -1 }), v]);
    b.op('Add', [att, e]);
    const { facts } = analyzeGraph(b.graph());
    expect(facts.ops).toMatchObject({ embedding: 1, linear: 3, matmul: 2, softmax: 1 });
    expect(facts.params.trainable).toBe(1600 + 3 * 256); // the bool mask is no parameter
    expect(facts.blocks).toMatchObject({ attention: 1, residual: 1 });
    expect(facts.task.guess).toBe('generation');
    expect(facts.family.guess).toBe('gpt-like');
    // q,k,v 3·(8·16·16) + QKᵀ 8·8·16 + AV 8·8·16
    expect(facts.macs).toBe(3 * 2048 + 1024 + 1024);
  });
  it('decomposed activations: x·sigmoid(x) = silu, x·hardsigmoid(x) = hard_swish, x·tanh(softplus(x)) = mish', () => {
    const b = new G(img(1, 4, 4, 4));
    const silu = b.op('Mul', ['x', b.op('Sigmoid', ['x'])]);
    const c = b.op('Conv', [silu, b.w('w', [4, 4, 1, 1])], { kernel_shape: [1, 1] });
    const hs = b.op('Mul', [c, b.op('HardSigmoid', [c], { alpha: 1 / 6, beta: 0.5 })]);
    const c2 = b.op('Conv', [hs, b.w('w2', [4, 4, 1, 1])], { kernel_shape: [1, 1] });
    b.op('Mul', [c2, b.op('Tanh', [b.op('Softplus', [c2])])]);
    const { facts } = analyzeGraph(b.graph());
    expect(facts.ops).toEqual({ conv: 2, silu: 1, hard_swish: 1, mish: 1 });
  });
});

describe('blocks', () => {
  it('residual add over a conv path, SE gate, decomposed attention, GELU and LayerNorm folding', () => {
    const b = new G(img(1, 16, 8, 8));
    // residual: x → conv → relu → conv → add(x)
    let t = b.op('Conv', ['x', b.w('a', [16, 16, 3, 3])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    t = b.op('Relu', [t]);
    t = b.op('Conv', [t, b.w('b', [16, 16, 3, 3])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    const res = b.op('Add', [t, 'x']);
    // SE: GAP → 1x1 (16→4) → relu → 1x1 (4→16) → sigmoid → mul
    let s = b.op('GlobalAveragePool', [res]);
    s = b.op('Conv', [s, b.w('se1', [4, 16, 1, 1]), b.w('se1b', [4])], { kernel_shape: [1, 1] });
    s = b.op('Relu', [s]);
    s = b.op('Conv', [s, b.w('se2', [16, 4, 1, 1]), b.w('se2b', [16])], { kernel_shape: [1, 1] });
    s = b.op('Sigmoid', [s]);
    const se = b.op('Mul', [res, s]);
    // tokens: [1,16,64] → [1,64,16]
    const tok = b.op('Transpose', [b.op('Reshape', [se, b.ints([1, 16, 64])])], { perm: [0, 2, 1] });
    // decomposed LayerNorm
    const mean = b.op('ReduceMean', [tok], { axes: [-1] });
    const d = b.op('Sub', [tok, mean]);
    const v = b.op('ReduceMean', [b.op('Pow', [d, b.w('two', [], { values: [2] })])], { axes: [-1] });
    const ln = b.op('Add', [b.op('Mul', [b.op('Div', [d, b.op('Sqrt', [b.op('Add', [v, b.w('eps', [], { values: [1e-5] })])])]), b.w('g', [16])]), b.w('beta', [16])]);
    // attention: q, k, v projections; softmax(q kᵀ / 4) v
    const q = b.op('MatMul', [ln, b.w('Wq', [16, 16])]);
    const k = b.op('MatMul', [ln, b.w('Wk', [16, 16])]);
    const vv = b.op('MatMul', [ln, b.w('Wv', [16, 16])]);
    const sc = b.op('Div', [b.op('MatMul', [q, b.op('Transpose', [k], { perm: [0, 2, 1] })]), b.w('four', [], { values: [4] })]);
    const att = b.op('MatMul', [b.op('Softmax', [sc], { axis: -1 }), vv]);
    // GELU (erf form): x·0.5·(1+erf(x/√2))
    const e = b.op('Erf', [b.op('Div', [att, b.w('sqrt2', [], { values: [Math.SQRT2] })])]);
    const gelu = b.op('Mul', [b.op('Mul', [att, b.op('Add', [e, b.w('one', [], { values: [1] })])]), b.w('halfc', [], { values: [0.5] })]);
    b.outputs = [gelu];
    const { facts } = analyzeGraph(b.graph());
    expect(facts.blocks.residual).toBe(1);
    expect(facts.blocks.squeeze_excitation).toBe(1);
    expect(facts.blocks.attention).toBe(1);
    expect(facts.activations).toEqual(['relu', 'gelu', 'sigmoid', 'softmax']);
    expect(facts.norms).toEqual(['layer_norm']);
    expect(facts.ops.layer_norm).toBe(1);
    expect(facts.ops.gelu).toBe(1);
    expect(facts.ops.matmul).toBe(2); // QKᵀ and ·V
    expect(facts.ops.linear).toBe(3);
    // params: 2·2304 convs + SE (64+4 + 64+16) + LN 32 + 3·256 = 4608 + 148 + 32 + 768
    expect(facts.params.trainable).toBe(4608 + 148 + 32 + 768);
    // MACs: convs 2·(16·64·144) = 294912; SE 64 + 64; q,k,v 3·(64·16·16) = 49152; QKᵀ 64·64·16 = 65536; AV 64·16·64 = 65536
    expect(facts.macs).toBe(294912 + 128 + 49152 + 65536 + 65536);
    // longest path: conv, conv, SE 1x1, SE 1x1, then one projection (the attention products carry no weight)
    expect(facts.depth).toBe(5);
  });
  it('arithmetic on one tensor (box decoding) is no residual: the branches must differ in weighted depth', () => {
    const b = new G(img(1, 4, 8, 8));
    const c = b.op('Conv', ['x', b.w('w', [4, 4, 1, 1])], { kernel_shape: [1, 1] });
    const m = b.op('Mul', [c, b.op('Exp', [c])]);
    b.op('Add', [m, b.op('Sigmoid', [c])]);
    expect(analyzeGraph(b.graph()).facts.blocks.residual).toBe(0);
  });
  it('products after a data-dependent op: MACs are a lower bound, said in the notes', () => {
    const b = new G([{ name: 'x', shape: [4, 8], dtype: 'float32' }]);
    const s = b.op('Gemm', ['x', b.w('W1', [8, 8])]); // 4·8·8 = 256
    const keep = b.op('NonZero', [b.op('Relu', [s])]);
    const g = b.op('Gather', [s, b.op('Reshape', [keep, b.ints([-1])])], { axis: 0 });
    b.op('Gemm', [g, b.w('W2', [8, 2])]);
    const { facts } = analyzeGraph(b.graph());
    expect(facts.macs).toBe(256);
    expect(facts.notes!.join(' ')).toMatch(/MACs are a lower bound: 1 product op/);
  });
  it('feature pyramid: upsample + lateral add', () => {
    const b = new G(img(1, 8, 16, 16));
    const c4 = b.op('Conv', ['x', b.w('l', [8, 8, 1, 1])], { kernel_shape: [1, 1] });
    const c5 = b.op('Conv', ['x', b.w('d', [8, 8, 3, 3])], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
    const up = b.op('Resize', [c5, '', b.w('s', [4], { values: [1, 1, 2, 2] })]);
    b.op('Add', [c4, up]);
    const { facts } = analyzeGraph(b.graph());
    expect(facts.blocks.feature_pyramid).toBe(1);
    expect(facts.blocks.residual).toBe(0);
  });
});

describe('channels-last (Keras/TF) nodes', () => {
  it('NHWC conv, depthwise conv and dense: shapes, params and MACs from Keras weight layouts', () => {
    const b = new G([{ name: 'x', shape: [1, 32, 32, 3], dtype: 'float32' }]);
    const nhwc = <T extends string>(t: T) => {
      b.nodes[b.nodes.length - 1]!.layout = 'NHWC';
      return t;
    };
    // Conv2D(8, 3x3, 'same', stride 2): kernel HWIO [3,3,3,8] → [1,16,16,8]
    let t = nhwc(b.op('Conv', ['x', b.w('k1', [3, 3, 3, 8]), b.w('b1', [8])], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }));
    // DepthwiseConv2D(3x3, 'valid'): kernel [3,3,8,1], group 8 → [1,14,14,8]
    t = nhwc(b.op('Conv', [t, b.w('dk', [3, 3, 8, 1])], { kernel_shape: [3, 3], group: 8, auto_pad: 'VALID' }));
    t = nhwc(b.op('GlobalAveragePool', [t])); // [1,1,1,8]
    t = b.op('Flatten', [t], { axis: 1 });
    b.op('MatMul', [t, b.w('dense', [8, 4])]);
    const { facts, opGraph } = analyzeGraph(b.graph());
    expect(opGraph.nodes.map((n) => n.outShape)).toEqual([[1, 16, 16, 8], [1, 14, 14, 8], [1, 1, 1, 8], [1, 8], [1, 4]]);
    expect(facts.ops).toMatchObject({ conv: 1, depthwise_conv: 1, linear: 1 });
    expect(facts.params.trainable).toBe(216 + 8 + 72 + 32);
    // conv (16·16·8)·27 = 55296; dw (14·14·8)·9 = 14112; dense 32
    expect(facts.macs).toBe(55296 + 14112 + 32);
    expect(opGraph.nodes[0]!.inChannels).toBe(3);
    expect(opGraph.nodes[0]!.outChannels).toBe(8);
  });
});

describe('task and family rules', () => {
  const unet = (squash: boolean) => {
    const b = new G(img(1, 3, 16, 16));
    const e1 = b.op('Relu', [b.op('Conv', ['x', b.w('e1', [8, 3, 3, 3])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] })]);
    let down = b.op('MaxPool', [e1], { kernel_shape: [2, 2], strides: [2, 2] });
    const skips = [e1];
    for (let i = 0; i < 2; i++) {
      const e = b.op('Relu', [b.op('Conv', [down, b.w(`e${i + 2}`, [8, 8, 3, 3])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] })]);
      skips.push(e);
      down = b.op('MaxPool', [e], { kernel_shape: [2, 2], strides: [2, 2] });
    }
    let up = down; // [1,8,2,2]
    for (let i = 2; i >= 0; i--) {
      const u = b.op('ConvTranspose', [up, b.w(`u${i}`, [8, 8, 2, 2])], { kernel_shape: [2, 2], strides: [2, 2] });
      up = b.op('Relu', [b.op('Conv', [b.op('Concat', [u, skips[i]!], { axis: 1 }), b.w(`d${i}`, [8, 16, 3, 3])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] })]);
    }
    const out = b.op('Conv', [up, b.w('head', [3, 8, 1, 1])], { kernel_shape: [1, 1] });
    if (squash) b.op('Tanh', [out]);
    return analyzeGraph(b.graph()).facts;
  };
  it('encoder-decoder with skip concats: per-pixel scores → segmentation, unet', () => {
    const f = unet(false);
    expect(f.outputs[0]!.shape).toEqual([1, 3, 16, 16]);
    expect(f.task.guess).toBe('segmentation');
    expect(f.family.guess).toBe('unet');
  });
  it('the same net squashing an RGB output with tanh → generation (image to image)', () => {
    expect(unet(true).task.guess).toBe('generation');
  });
  it('CIFAR-style ResNet (3x3 stem, no max_pool) → resnet; pre-activation and 4x wider → wide_resnet', () => {
    const net = (preact: boolean, width: number) => {
      const b = new G(img(1, 3, 8, 8));
      const conv = (x: string, cin: number, cout: number, name: string) =>
        b.op('Conv', [x, b.w(name, [cout, cin, 3, 3])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
      const bn = (x: string, c: number, name: string) => b.op('BatchNormalization', [x, b.w(`${name}g`, [c]), b.w(`${name}b`, [c]), b.w(`${name}m`, [c]), b.w(`${name}v`, [c])]);
      let x = conv('x', 3, 16, 'stem');
      if (!preact) x = b.op('Relu', [bn(x, 16, 'bn0')]);
      x = conv(x, 16, width, 'proj');
      for (let k = 0; k < 2; k++) {
        let y: string;
        if (preact) y = conv(b.op('Relu', [bn(conv(b.op('Relu', [bn(x, width, `a${k}`)]), width, width, `c${k}a`), width, `b${k}`)]), width, width, `c${k}b`);
        else y = bn(conv(b.op('Relu', [bn(conv(x, width, width, `c${k}a`), width, `a${k}`)]), width, width, `c${k}b`), width, `b${k}`);
        x = b.op('Add', [y, x]);
        if (!preact) x = b.op('Relu', [x]);
      }
      b.op('Gemm', [b.op('Flatten', [b.op('GlobalAveragePool', [x])]), b.w('fc', [width, 10])]);
      return analyzeGraph(b.graph()).facts;
    };
    const r = net(false, 16);
    expect(r.blocks.residual).toBe(2);
    expect(r.family.guess).toBe('resnet');
    expect(net(true, 64).family.guess).toBe('wide_resnet');
  });
  it('a noise vector decoded by transposed convs → generation', () => {
    const b = new G([{ name: 'z', shape: [1, 16], dtype: 'float32' }]);
    const r = b.op('Reshape', ['z', b.ints([1, 16, 1, 1])]);
    const u = b.op('ConvTranspose', [r, b.w('u', [16, 3, 4, 4])], { kernel_shape: [4, 4] });
    b.op('Tanh', [u]);
    const f = analyzeGraph(b.graph()).facts;
    expect(f.outputs[0]!.shape).toEqual([1, 3, 4, 4]);
    expect(f.task.guess).toBe('generation');
    // ConvTranspose MACs: every input element × Cout × kernel = 16 · 3 · 16
    expect(f.macs).toBe(16 * 3 * 16);
  });
});

describe('factsFromOpGraph on a generated OpGraph', () => {
  const node = (id: string, category: string, extra: Partial<OpNode> = {}): OpNode => ({
    id, category, outChannels: null, inChannels: null, kernel: null, stride: null, dilation: null, groups: null, params: 0, buffers: 0, macs: 0, outShape: null, sources: [id], ...extra,
  });
  it('depth, blocks and params come from the nodes alone', () => {
    const og: OpGraph = {
      nodes: [
        node('stem', 'conv', { kernel: [3, 3], stride: [1, 1], params: 432, macs: 1000, outChannels: 16, inChannels: 3 }),
        node('bn', 'batch_norm', { params: 32, buffers: 32 }),
        node('act', 'relu'),
        node('c1', 'conv', { kernel: [3, 3], params: 2304, macs: 2000, outChannels: 16, inChannels: 16 }),
        node('add', 'add'),
        node('gap', 'global_avg_pool', { outShape: [1, 16, 1, 1] }),
        node('fc', 'linear', { params: 170, macs: 160, outShape: [1, 10] }),
      ],
      edges: [[0, 1], [1, 2], [2, 3], [3, 4], [2, 4], [4, 5], [5, 6]],
      inputNodes: [0],
      outputNodes: [6],
    };
    const f = factsFromOpGraph(og, { format: 'native', inputs: [{ name: 'x', shape: [1, 3, 32, 32], dtype: 'float32' }], outputs: [{ name: 'y', shape: [1, 10], dtype: 'float32' }] });
    expect(f.params).toEqual({ total: 432 + 32 + 2304 + 170 + 32, trainable: 432 + 32 + 2304 + 170, buffers: 32, by_category: { conv: 2736, batch_norm: 32, linear: 170 } });
    expect(f.macs).toBe(3160);
    expect(f.depth).toBe(3);
    expect(f.blocks.residual).toBe(1);
    expect(f.task.guess).toBe('classification');
    expect(f.kernel_sizes).toEqual(['3x3']);
  });
});
