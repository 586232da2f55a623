/**
 * Attention without Q/K/V projections (Luong dot / general scores, Bahdanau additive scores)
 * and the adds of recurrent cells that are no residuals.
 *
 * The small graphs are written op for op as torch.onnx.export (opset 13) writes
 * nn.GRUCell / nn.LSTMCell / nn.RNNCell unrolled over time steps:
 *   GRUCell(x, h):  gi = Gemm(x, W_ih), gh = Gemm(h, W_hh), split in r|z|n;
 *                   r = σ(i_r + h_r), z = σ(i_z + h_z), n = tanh(i_n + r⊙h_n), h' = (h − n)⊙z + n
 *   LSTMCell(x, (h, c)): gates = Gemm(h) + Gemm(x), split in i|f|g|o;
 *                   c' = σ(f)⊙c + σ(i)⊙tanh(g), h' = σ(o)⊙tanh(c')
 *   RNNCell(x, h):  h' = tanh(Gemm(h) + Gemm(x))
 * None of these adds is a skip connection, so every such model has residual 0 unless
 * it adds a real skip (counted exactly: one per time step in the GNMT-style stack).
 * The real exports (training/out/real, gitignored) are checked when present, with the
 * attention/residual counts that follow from each architecture's published depth.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeModel, type NodeSpec, type TensorSpec } from '../../../src/core/graph/onnx-builder.js';
import { parseGraph } from '../../../src/core/graph/load.js';
import { analyzeGraph, describeFacts } from '../../../src/core/graph/analyze.js';
import { repoRoot } from '../../helpers/cli.js';

// ---- a tiny ONNX graph writer over onnx-builder ----------------------------------------------
class B {
  nodes: NodeSpec[] = [];
  inits: TensorSpec[] = [];
  private k = 0;
  constructor(public inputs: Array<{ name: string; shape: number[]; dtype?: string }>) {}
  w(dims: number[]): string {
    const name = `w${this.k++}`;
    this.inits.push({ name, dims });
    return name;
  }
  ints(values: number[], scalar = false): string {
    const name = `i${this.k++}`;
    this.inits.push({ name, dims: scalar ? [] : [values.length], dtype: 'int64', data: values });
    return name;
  }
  op(op: string, inputs: string[], attrs: NodeSpec['attrs'] = {}, nOut = 1): string[] {
    const name = `/${op}_${this.k++}`;
    const outputs = Array.from({ length: nOut }, (_, i) => `${name}_out${i}`);
    this.nodes.push({ op, inputs, outputs, name, attrs });
    return outputs;
  }
  one(op: string, inputs: string[], attrs: NodeSpec['attrs'] = {}): string {
    return this.op(op, inputs, attrs)[0]!;
  }
  gemm(x: string, inDim: number, outDim: number): string {
    return this.one('Gemm', [x, this.w([outDim, inDim]), this.w([outDim])], { transB: 1 });
  }
  analyze(outputs: string[]) {
    const bytes = encodeModel({
      graph: { nodes: this.nodes, inputs: this.inputs.map((i) => ({ name: i.name, shape: i.shape, dtype: i.dtype })), outputs: outputs.map((name) => ({ name, shape: null })), initializers: this.inits },
    });
    return analyzeGraph(parseGraph(bytes, 'test.onnx'));
  }
}

const E = 8; // input features
const H = 8; // hidden size
const S = 6; // source length
const T = 4; // time steps

/** x[:, t] of a [1, T, E] sequence */
const step = (b: B, seq: string, t: number) => b.one('Gather', [seq, b.ints([t], true)], { axis: 1 });
/** the input sequence through one projection (as a token embedding): every step then has a common ancestor node */
const embedded = (b: B) => b.one('MatMul', ['x', b.w([E, E])]);

function gruCell(b: B, x: string, inDim: number, h: string): string {
  const [ir, iz, inn] = b.op('Split', [b.gemm(x, inDim, 3 * H), b.ints([H, H, H])], { axis: 1 }, 3) as [string, string, string];
  const [hr, hz, hn] = b.op('Split', [b.gemm(h, H, 3 * H), b.ints([H, H, H])], { axis: 1 }, 3) as [string, string, string];
  const r = b.one('Sigmoid', [b.one('Add', [hr, ir])]);
  const z = b.one('Sigmoid', [b.one('Add', [hz, iz])]);
  const n = b.one('Tanh', [b.one('Add', [inn, b.one('Mul', [hn, r])])]);
  return b.one('Add', [b.one('Mul', [b.one('Sub', [h, n]), z]), n]);
}

function lstmCell(b: B, x: string, inDim: number, h: string, c: string): [string, string] {
  const gates = b.one('Add', [b.gemm(h, H, 4 * H), b.gemm(x, inDim, 4 * H)]);
  const [i, f, g, o] = b.op('Split', [gates, b.ints([H, H, H, H])], { axis: 1 }, 4) as [string, string, string, string];
  const c2 = b.one('Add', [b.one('Mul', [b.one('Sigmoid', [f]), c]), b.one('Mul', [b.one('Sigmoid', [i]), b.one('Tanh', [g])])]);
  return [b.one('Mul', [b.one('Sigmoid', [o]), b.one('Tanh', [c2])]), c2];
}

const rnnCell = (b: B, x: string, inDim: number, h: string) => b.one('Tanh', [b.one('Add', [b.gemm(h, H, H), b.gemm(x, inDim, H)])]);

const seqInputs = (...extra: Array<{ name: string; shape: number[] }>) => [{ name: 'x', shape: [1, T, E] }, { name: 'h0', shape: [1, H] }, { name: 'c0', shape: [1, H] }, ...extra];

describe('recurrent cells unrolled by the exporter: no residual blocks', () => {
  it('GRUCell, two stacked layers over 4 steps: gate sums and h′ = (h − n)⊙z + n are not skips', () => {
    const b = new B(seqInputs());
    const seq = embedded(b);
    let h1 = 'h0';
    let h2 = 'h0';
    const outs: string[] = [];
    for (let t = 0; t < T; t++) {
      h1 = gruCell(b, step(b, seq, t), E, h1);
      h2 = gruCell(b, h1, H, h2);
      outs.push(b.gemm(h2, H, 3));
    }
    const { facts } = b.analyze(outs);
    expect(facts.ops.add).toBe(2 * T * 4); // the 4 adds of each cell are all there
    expect(facts.blocks.residual).toBe(0);
    expect(facts.blocks.attention).toBe(0);
  });

  it('LSTMCell, two stacked layers: the gate sum and the cell update f⊙c + i⊙g are not skips', () => {
    const b = new B(seqInputs());
    const seq = embedded(b);
    let s1: [string, string] = ['h0', 'c0'];
    let s2: [string, string] = ['h0', 'c0'];
    for (let t = 0; t < T; t++) {
      s1 = lstmCell(b, step(b, seq, t), E, ...s1);
      s2 = lstmCell(b, s1[0], H, ...s2);
    }
    const { facts } = b.analyze([s2[0]]);
    expect(facts.ops.add).toBe(2 * T * 2);
    expect(facts.blocks.residual).toBe(0);
  });

  it('RNNCell (Elman): tanh(W·x + U·h) is no skip', () => {
    const b = new B(seqInputs());
    const seq = embedded(b);
    let h = 'h0';
    for (let t = 0; t < T; t++) h = rnnCell(b, step(b, seq, t), E, h);
    expect(b.analyze([h]).facts.blocks.residual).toBe(0);
  });

  it('a skip between stacked unrolled cells (GNMT: h¹ + h²) is still one residual per step', () => {
    for (const kind of ['lstm', 'gru'] as const) {
      const b = new B(seqInputs());
      const seq = embedded(b);
      let s1: [string, string] = ['h0', 'c0'];
      let s2: [string, string] = ['h0', 'c0'];
      const outs: string[] = [];
      for (let t = 0; t < T; t++) {
        const x = step(b, seq, t);
        if (kind === 'lstm') {
          s1 = lstmCell(b, x, E, ...s1);
          s2 = lstmCell(b, s1[0], H, ...s2);
        } else {
          s1 = [gruCell(b, x, E, s1[0]), 'c0'];
          s2 = [gruCell(b, s1[0], H, s2[0]), 'c0'];
        }
        outs.push(b.gemm(b.one('Add', [s1[0], s2[0]]), H, 3));
      }
      expect(b.analyze(outs).facts.blocks.residual, kind).toBe(T);
    }
  });

  it('highway layers: the gated interpolation T⊙H(x) + (1 − T)⊙x (H a two-layer MLP) is no residual', () => {
    const b = new B([{ name: 'x', shape: [1, H] }]);
    let x = b.one('Relu', [b.gemm('x', H, H)]);
    for (let l = 0; l < 3; l++) {
      const g = b.one('Sigmoid', [b.gemm(x, H, H)]);
      const one = b.w([]);
      const hx = b.one('Relu', [b.gemm(b.one('Relu', [b.gemm(x, H, H)]), H, H)]);
      x = b.one('Add', [b.one('Mul', [hx, g]), b.one('Mul', [x, b.one('Sub', [one, g])])]);
    }
    expect(b.analyze([x]).facts.blocks.residual).toBe(0);
  });
});

// ---- encoder–decoder attention over recurrent states ------------------------------------------
type Score = 'dot' | 'general' | 'additive';
/**
 * src[1,S,E] → ONNX GRU encoder → enc[1,S,H]; a GRUCell decoder unrolled over T steps, each
 * attending over enc: scores (dot h·enc, general h·W·enc, additive v·tanh(W·enc + U·h)) →
 * softmax → weighted sum of enc (bmm, or α⊙enc → ReduceSum) → context → next cell input.
 */
function seq2seq(score: Score, weightedSum: 'matmul' | 'mul_sum') {
  const b = new B([
    { name: 'src', shape: [S, 1, E] },
    { name: 'x', shape: [1, T, E] },
  ]);
  const [y, hN] = b.op('GRU', ['src', b.w([1, 3 * H, E]), b.w([1, 3 * H, H]), b.w([1, 6 * H])], { hidden_size: H }, 2) as [string, string];
  const enc = b.one('Transpose', [b.one('Squeeze', [y, b.ints([1])])], { perm: [1, 0, 2] }); // [1,S,H]
  let h = b.one('Squeeze', [hN, b.ints([0])]); // [1,H]
  const seq = embedded(b);
  const keys = score === 'additive' ? b.one('MatMul', [enc, b.w([H, H])]) : score === 'general' ? b.one('MatMul', [enc, b.w([H, H])]) : enc;
  const outs: string[] = [];
  for (let t = 0; t < T; t++) {
    let sc: string;
    if (score === 'additive') {
      const q = b.one('Unsqueeze', [b.gemm(h, H, H), b.ints([1])]); // [1,1,H]
      const e = b.one('Tanh', [b.one('Add', [keys, q])]); // [1,S,H]
      sc = b.one('Squeeze', [b.one('MatMul', [e, b.w([H, 1])]), b.ints([2])]); // v: [1,S]
    } else {
      sc = b.one('Squeeze', [b.one('MatMul', [keys, b.one('Unsqueeze', [h, b.ints([2])])]), b.ints([2])]); // [1,S]
    }
    const a = b.one('Softmax', [sc], { axis: -1 });
    const ctx =
      weightedSum === 'matmul'
        ? b.one('Squeeze', [b.one('MatMul', [b.one('Unsqueeze', [a, b.ints([1])]), enc]), b.ints([1])])
        : b.one('ReduceSum', [b.one('Mul', [b.one('Unsqueeze', [a, b.ints([2])]), enc]), b.ints([1])], { keepdims: 0 });
    h = gruCell(b, b.one('Concat', [step(b, seq, t), ctx], { axis: 1 }), E + H, h);
    outs.push(b.gemm(h, H, 5));
  }
  return b.analyze(outs);
}

describe('attention without Q/K/V projections', () => {
  it.each([
    ['dot', 'matmul'],
    ['general', 'matmul'],
    ['additive', 'matmul'],
    ['additive', 'mul_sum'],
    ['dot', 'mul_sum'],
  ] as Array<[Score, 'matmul' | 'mul_sum']>)('%s scores, %s weighted sum: one attention block per decoder step, no residual', (score, ws) => {
    const { facts } = seq2seq(score, ws);
    expect(facts.blocks.attention).toBe(T);
    expect(facts.blocks.residual).toBe(0);
    // the GRU encoder makes the family; the attention is reported, not denied
    expect(facts.family.guess).toBe('gru');
    expect(facts.family.evidence.join(' ')).toMatch(new RegExp(`${T} attention blocks over the recurrent states`));
    expect(facts.family.evidence.join(' ')).not.toMatch(/no convolutions or attention/);
  });

  it('Luong dot score as sum(h⊙enc) → softmax → weighted sum is attention', () => {
    const b = new B([{ name: 'enc', shape: [1, S, H] }, { name: 'h', shape: [1, H] }]);
    const enc = b.one('Tanh', [b.one('MatMul', ['enc', b.w([H, H])])]);
    const q = b.one('Unsqueeze', [b.gemm('h', H, H), b.ints([1])]);
    const sc = b.one('ReduceSum', [b.one('Mul', [enc, q]), b.ints([2])], { keepdims: 0 });
    const a = b.one('Softmax', [sc], { axis: -1 });
    const ctx = b.one('MatMul', [b.one('Unsqueeze', [a, b.ints([1])]), enc]);
    expect(b.analyze([ctx]).facts.blocks.attention).toBe(1);
  });

  it('no weighted sum of values, no attention: a tanh → linear → softmax classifier head, a soft-argmax', () => {
    const cls = new B([{ name: 'x', shape: [1, H] }]);
    const p = cls.one('Softmax', [cls.gemm(cls.one('Tanh', [cls.gemm('x', H, H)]), H, 4)], { axis: -1 });
    expect(cls.analyze([p]).facts.blocks.attention).toBe(0);
    // soft-argmax: softmax over bins times the (constant) bin values, summed
    const sa = new B([{ name: 'x', shape: [1, H] }]);
    const bins = sa.one('Softmax', [sa.gemm(sa.one('Tanh', [sa.gemm('x', H, H)]), H, 16)], { axis: -1 });
    const v = sa.one('ReduceSum', [sa.one('Mul', [bins, sa.w([16])]), sa.ints([1])], { keepdims: 0 });
    expect(sa.analyze([v]).facts.blocks.attention).toBe(0);
  });
});

// ---- the real exports (training/out/real is gitignored: checked when present) ------------------
const real = join(repoRoot, 'training', 'out', 'real');
/**
 * [attention, residual] from each architecture's published depth. Transformer layers: one
 * self-attention and two residual adds each (decoder layers of an encoder–decoder Transformer:
 * two attentions, three adds); MaxViT: per block an MBConv skip plus block- and grid-attention
 * with two adds each. Seq2seq: one additive attention per decoder step (tgt_len 8), no skip.
 */
const REAL: Record<string, [number, number]> = {
  'seq2seq_attention_gru_256.onnx': [8, 0],
  'seq2seq_attention_gru_512.onnx': [8, 0],
  'bert_base.onnx': [12, 24], // 12 layers
  'bert_tiny.onnx': [2, 4], // 2 layers
  'gpt2_small.onnx': [12, 24], // 12 layers
  'gpt_nano.onnx': [3, 6], // 3 layers
  'vit_b_16.onnx': [12, 24], // ViT-B: 12 layers
  'vit_l_16.onnx': [24, 48], // ViT-L: 24 layers
  'swin_t.onnx': [12, 24], // Swin-T depths 2-2-6-2
  'swin_b.onnx': [24, 48], // Swin-B depths 2-2-18-2
  'transformer_base.onnx': [18, 30], // 6 encoder (1 attn, 2 adds) + 6 decoder layers (2 attn, 3 adds)
  'maxvit_t.onnx': [22, 55], // MaxViT-T: 2-2-5-2 = 11 blocks × (2 attentions; 1 + 2 + 2 adds)
};
const RECURRENT = ['gru_2x256_text_classifier.onnx', 'bilstm_3x512_text_classifier.onnx', 'rnn_language_model_2x650.onnx', 'lstm_language_model_2x200.onnx'];

describe.runIf(existsSync(join(real, 'seq2seq_attention_gru_256.onnx')))('real exports (training/out/real)', () => {
  it.each(Object.keys(REAL).filter((f) => existsSync(join(real, f))))('%s: attention and residual blocks as the architecture has them', async (file) => {
    const f = await describeFacts(join(real, file));
    expect([f.blocks.attention, f.blocks.residual]).toEqual(REAL[file]);
  });
  it('seq2seq with attention: gru family, with its attention as evidence', async () => {
    const f = await describeFacts(join(real, 'seq2seq_attention_gru_256.onnx'));
    expect(f.family.guess).toBe('gru');
    expect(f.family.evidence[1]).toBe('8 attention blocks over the recurrent states (softmax-weighted sums)');
  });
  it.each(RECURRENT.filter((f) => existsSync(join(real, f))))('%s (ONNX LSTM/GRU/RNN ops): no residual, no attention', async (file) => {
    const f = await describeFacts(join(real, file));
    expect([f.blocks.attention, f.blocks.residual]).toEqual([0, 0]);
  });
});

// ---- the committed torchvision exports keep their counts ---------------------------------------
const fixtures = join(repoRoot, 'fixtures', 'models');
/** [attention, residual]: torchvision's block configurations (MobileNetV3-Large in LR-ASPP: 10 bneck skips plus the head's add of its two classifier branches, which this analysis counts). */
const FIXTURES: Record<string, [number, number]> = {
  'resnet18.onnx': [0, 8],
  'resnet50.onnx': [0, 16],
  'vgg11.onnx': [0, 0],
  'mobilenet_v2.onnx': [0, 10],
  'mobilenet_v3_small.onnx': [0, 6],
  'efficientnet_b0.onnx': [0, 9],
  'densenet121.onnx': [0, 0],
  'squeezenet1_0.onnx': [0, 0],
  'shufflenet_v2_x1_0.onnx': [0, 0],
  'regnet_y_400mf.onnx': [0, 16],
  'convnext_tiny.onnx': [0, 18],
  'vit_b_16.onnx': [12, 24],
  'lraspp_mobilenet_v3_large.onnx': [0, 11],
  'ssdlite320_mobilenet_v3_large.onnx': [0, 10],
};
describe.runIf(existsSync(join(fixtures, 'resnet18.onnx')))('torchvision fixtures: attention and residual counts unchanged', () => {
  it.each(Object.keys(FIXTURES))('%s', async (file) => {
    const f = await describeFacts(join(fixtures, file));
    expect([f.blocks.attention, f.blocks.residual]).toEqual(FIXTURES[file]);
  });
});
