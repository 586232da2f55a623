/**
 * Keras / TF.js layers / TF.js graph / native JSON loading.
 *
 * The tfjs_* fixtures were written by TF.js itself (fixtures/scripts/tfjs/),
 * with TF.js's own parameter counts, weight shapes and per-layer output
 * shapes in tfjs_reference.json: the loader's translation of every layer is
 * checked against them, both with the weights manifest (tfjs-layers) and
 * without it (the same topology as Keras model.to_json(): shapes computed
 * from the layer configs alone).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGraph } from '../../../src/core/graph/load.js';
import type { ArchGraph, ParamInfo } from '../../../src/core/graph/types.js';

const G = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'graphs');
const numel = (p: ParamInfo) => p.shape.reduce((a, b) => a * b, 1);
const sum = (g: ArchGraph, pred: (p: ParamInfo) => boolean) => Object.values(g.initializers).filter(pred).reduce((a, p) => a + numel(p), 0);
const trainable = (g: ArchGraph) => sum(g, (p) => p.trainable);
const buffers = (g: ArchGraph) => sum(g, (p) => p.role === 'buffer');
const node = (g: ArchGraph, id: string) => {
  const n = g.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id} in ${g.nodes.map((x) => x.id).join(', ')}`);
  return n;
};

interface TfjsRef {
  params: number;
  trainable: number;
  non_trainable: number;
  weights: Record<string, number[]>;
  output_shapes: Record<string, (number | null)[] | (number | null)[][]>;
}
const refs = JSON.parse(readFileSync(join(G, 'tfjs_reference.json'), 'utf8')) as Record<string, TfjsRef>;

describe('TF.js layers models written by TF.js (checked against TF.js figures)', () => {
  for (const [name, ref] of Object.entries(refs)) {
    for (const variant of ['json', 'keras.json'] as const) {
      it(`${name}.${variant}: params, weight shapes and every layer's output shape`, async () => {
        const g = await loadGraph(join(G, `${name}.${variant}`));
        expect(g.format).toBe(variant === 'json' ? 'tfjs-layers' : 'keras');
        expect(trainable(g)).toBe(ref.trainable);
        expect(buffers(g)).toBe(ref.non_trainable);
        expect(trainable(g) + buffers(g)).toBe(ref.params);
        // same multiset of weight shapes as TF.js built
        const mine = Object.values(g.initializers).map((p) => JSON.stringify(p.shape)).sort();
        expect(mine).toEqual(Object.values(ref.weights).map((s) => JSON.stringify(s)).sort());
        if (variant === 'json') {
          // with a manifest, the manifest's names are used for unattached weights only; attached ones keep layer/weight names
          expect(g.metadata.format).toBe('layers-model');
        }
        for (const [layer, shape] of Object.entries(ref.output_shapes)) {
          const vi = g.valueInfo[layer];
          if (!vi) continue; // nested models: their output is the inner layer's tensor
          const expected = (shape as (number | null)[]).map((d, i) => (d === null && i === 0 ? 'batch' : d));
          expect([layer, vi.shape]).toEqual([layer, expected]);
        }
        expect(g.nodes.every((n) => n.layout === 'NHWC')).toBe(true);
      });
    }
  }

  it('tfjs_cnn: layers translated to ONNX ops with attrs and sourceOp', async () => {
    const g = await loadGraph(join(G, 'tfjs_cnn.json'));
    expect(g.nodes.map((n) => `${n.id}:${n.op}`)).toEqual([
      'conv1:Conv', 'bn1:BatchNormalization', 'relu1:Clip', 'dw2:Conv', 'act2:Relu', 'sep3/depthwise:Conv', 'sep3:Conv',
      'sep3/activation:Relu', 'pool3:MaxPool', 'conv4:Conv', 'conv4/activation:Elu', 'gap:GlobalAveragePool', 'gap/flatten:Flatten',
      'drop:Dropout', 'logits:Gemm', 'logits/activation:Softmax',
    ]);
    expect(node(g, 'conv1')).toMatchObject({ sourceOp: 'Conv2D', attrs: { kernel_shape: [3, 3], strides: [2, 2], dilations: [1, 1], group: 1, auto_pad: 'SAME_UPPER' } });
    expect(node(g, 'conv1').inputs).toEqual(['conv1_input', 'conv1/kernel']); // use_bias false
    expect(node(g, 'dw2').attrs.group).toBe(16);
    expect(node(g, 'dw2').params.map((p) => [p.name, p.shape])).toEqual([['dw2/depthwise_kernel', [3, 3, 16, 1]], ['dw2/bias', [16]]]);
    expect(node(g, 'sep3/depthwise').attrs.group).toBe(16);
    expect(node(g, 'sep3').params.map((p) => p.shape)).toEqual([[1, 1, 16, 32], [32]]);
    expect(node(g, 'relu1').attrs).toEqual({ min: 0, max: 6 });
    expect(node(g, 'bn1').params.map((p) => [p.name, p.trainable, p.role])).toEqual([
      ['bn1/gamma', true, 'weight'], ['bn1/beta', true, 'weight'], ['bn1/moving_mean', false, 'buffer'], ['bn1/moving_variance', false, 'buffer'],
    ]);
    expect(node(g, 'pool3').attrs).toMatchObject({ kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] });
    expect(node(g, 'conv4').attrs.kernel_shape).toEqual([1, 3]);
    expect(node(g, 'logits').attrs).toEqual({ transB: 0 });
    expect(node(g, 'logits/activation').attrs).toEqual({ axis: -1 });
    expect(g.inputs).toEqual([{ name: 'conv1_input', shape: ['batch', 32, 32, 3], dtype: 'float32' }]);
  });

  it('tfjs_rnn: Embedding → Gather, bidirectional LSTM, GRU, SimpleRNN with ONNX attrs', async () => {
    const g = await loadGraph(join(G, 'tfjs_rnn.json'));
    expect(node(g, 'embed')).toMatchObject({ op: 'Gather', inputs: ['embed/embeddings', 'tokens'] });
    expect(node(g, 'bilstm')).toMatchObject({ op: 'LSTM', sourceOp: 'Bidirectional', attrs: { hidden_size: 16, direction: 'bidirectional', layout: 1 } });
    expect(node(g, 'bilstm').params.map((p) => p.shape)).toEqual([[32, 64], [16, 64], [64], [32, 64], [16, 64], [64]]);
    expect(node(g, 'gru')).toMatchObject({ op: 'GRU', attrs: { hidden_size: 24, linear_before_reset: 0 } });
    expect(node(g, 'srnn')).toMatchObject({ op: 'RNN', attrs: { hidden_size: 6 } });
    expect(node(g, 'proj').op).toBe('MatMul'); // Dense on a sequence
    expect(node(g, 'proj/bias_add').op).toBe('Add');
    expect(g.inputs[0]).toEqual({ name: 'tokens', shape: ['batch', 20], dtype: 'int32' });
  });

  it('tfjs_shared: a shared layer called twice is two nodes over one set of weights', async () => {
    const g = await loadGraph(join(G, 'tfjs_shared.json'));
    const a = node(g, 'shared_conv');
    const b = node(g, 'shared_conv#1');
    expect(a.inputs[0]).toBe('left');
    expect(b.inputs[0]).toBe('right');
    expect(a.params[0]).toBe(b.params[0]);
    expect(node(g, 'mean3')).toMatchObject({ op: 'Mean', inputs: ['gmp_l', 'gmp_r', 'prod'] });
    expect(g.outputs.map((t) => t.name)).toEqual(['out1', 'out2']);
  });

  it('tfjs_functional: nested Sequential inlined under its layer name', async () => {
    const g = await loadGraph(join(G, 'tfjs_functional.json'));
    expect(node(g, 'inner_block/inner_conv').inputs[0]).toBe('residual');
    expect(node(g, 'cat').inputs).toEqual(['residual', 'inner_block/inner_sigmoid']);
    expect(node(g, 'pad').attrs.pads).toEqual([0, 1, 2, 0, 0, 1, 2, 0]);
    expect(node(g, 'up')).toMatchObject({ op: 'Upsample', attrs: { scales: [1, 2, 2, 1], mode: 'nearest' } });
  });
});

describe('hand-written Keras JSON', () => {
  it('Keras 2 functional transformer block: MultiHeadAttention decomposed, params 33,732', async () => {
    const g = await loadGraph(join(G, 'keras2_transformer.json'));
    expect(g.format).toBe('keras');
    expect(g.metadata.keras_version).toBe('2.11.0');
    expect(trainable(g)).toBe(33_732);
    expect(buffers(g)).toBe(0);
    const mha = g.nodes.filter((n) => n.sourceOp === 'MultiHeadAttention');
    expect(mha.filter((n) => n.op === 'Einsum')).toHaveLength(6);
    expect(node(g, 'mha/query').inputs).toEqual(['ln1', 'mha/query/kernel']);
    expect(node(g, 'mha/key').inputs[0]).toBe('ln1'); // value= kwarg → key defaults to value
    expect(node(g, 'mha/query').params[0].shape).toEqual([64, 4, 16]);
    expect(node(g, 'mha/attention_output').params[0].shape).toEqual([4, 16, 64]);
    expect(node(g, 'mha/inv_sqrt_dk').constValue).toEqual({ shape: [], values: [0.25], dtype: 'float32' });
    expect(node(g, 'ln1')).toMatchObject({ op: 'LayerNormalization', attrs: { axis: -1, epsilon: 1e-6 } });
    expect(node(g, 'mlp1/activation').op).toBe('Gelu');
    expect(g.valueInfo.pool.shape).toEqual(['batch', 64]);
    expect(g.outputs).toEqual([{ name: 'head', shape: ['batch', 4], dtype: 'float32' }]);
  });

  it('Keras 3 Sequential with dtype policies and batch_shape: 34,954 trainable, 128 buffers', async () => {
    const g = await loadGraph(join(G, 'keras3_sequential.json'));
    expect(trainable(g)).toBe(34_954);
    expect(buffers(g)).toBe(128);
    expect(g.valueInfo.flatten.shape).toEqual(['batch', 1600]);
    expect(node(g, 'dense').params.map((p) => p.shape)).toEqual([[1600, 10], [10]]);
  });

  it('Keras 3 Functional with __keras_tensor__ args: 1,082 trainable, residual Add wired', async () => {
    const g = await loadGraph(join(G, 'keras3_functional.json'));
    expect(trainable(g)).toBe(1082);
    expect(buffers(g)).toBe(32);
    expect(node(g, 'add').inputs).toEqual(['stem_relu', 'pw']);
    expect(node(g, 'dw').attrs.group).toBe(16);
    expect(node(g, 'dw/activation')).toMatchObject({ op: 'Clip', attrs: { min: 0, max: 6 } });
    expect(node(g, 'stem_relu').op).toBe('Relu');
  });

  it('legacy Keras Sequential whose config is the layer list', async () => {
    const g = await loadGraph(join(G, 'keras_legacy_list.json'));
    expect(trainable(g)).toBe(25_450);
    expect(g.inputs[0].shape).toEqual(['batch', 784]);
  });
});

describe('TF.js graph model', () => {
  it('tfjs_graph_block: fused ops unfused, weights from the manifest, axes read from the shard', async () => {
    const g = await loadGraph(join(G, 'tfjs_graph_block.json'));
    expect(g.format).toBe('tfjs-graph');
    expect(g.nodes.map((n) => `${n.id}:${n.op}`)).toEqual([
      'stem/Conv2D:Conv', 'stem/Conv2D/activation:Clip', 'dw/depthwise:Conv', 'dw/depthwise/activation:Clip', 'pw/Conv2D:Conv',
      'pw/Conv2D/batchnorm:BatchNormalization', 'mean:ReduceMean', 'head/MatMul:Gemm', 'probs:Softmax', 'Identity:Identity',
    ]);
    expect(node(g, 'stem/Conv2D')).toMatchObject({ sourceOp: '_FusedConv2D', layout: 'NHWC', attrs: { kernel_shape: [3, 3], strides: [2, 2], group: 1, auto_pad: 'SAME_UPPER' } });
    expect(node(g, 'stem/Conv2D').inputs).toEqual(['images', 'stem/kernel', 'stem/bias']);
    expect(node(g, 'dw/depthwise').attrs.group).toBe(16);
    expect(node(g, 'pw/Conv2D/batchnorm').params.map((p) => p.role)).toEqual(['weight', 'weight', 'buffer', 'buffer']);
    expect(node(g, 'mean').attrs).toEqual({ keepdims: 0, axes: [1, 2] });
    expect(g.initializers['mean/reduction_indices']).toMatchObject({ values: [1, 2], trainable: false, role: 'constant' });
    expect(node(g, 'head/MatMul').inputs).toEqual(['mean', 'head/kernel', 'head/bias']);
    expect(node(g, 'Identity').inputs).toEqual(['probs']); // control dependency dropped
    expect(trainable(g)).toBe(1290);
    expect(buffers(g)).toBe(48);
    expect(g.inputs).toEqual([{ name: 'images', shape: ['batch', 32, 32, 3], dtype: 'float32' }]);
    expect(g.outputs.map((t) => t.name)).toEqual(['Identity']);
  });
});

describe('native archbert graph', () => {
  it('native_residual: params appended to inputs, shared initializer, generated id, layout', async () => {
    const g = await loadGraph(join(G, 'native_residual.json'));
    expect(g.format).toBe('native');
    expect(trainable(g)).toBe(834);
    expect(buffers(g)).toBe(16);
    expect(node(g, 'conv1').inputs).toEqual(['x', 'conv1.weight', 'conv1.bias']);
    expect(node(g, 'fc').inputs).toEqual(['flat', 'fc.weight', 'fc.bias']);
    expect(node(g, 'fc').params.map((p) => p.name)).toEqual(['fc.bias', 'fc.weight']);
    expect(node(g, 'Add_4').inputs).toEqual(['c2', 'r1']);
    expect(node(g, 'bn1').params.map((p) => p.role)).toEqual(['weight', 'weight', 'buffer', 'buffer']);
    expect(g.nodes.every((n) => n.layout === 'NCHW')).toBe(true);
    expect(g.inputs[0].shape).toEqual(['batch', 3, 16, 16]);
    expect(g.metadata.framework).toBe('pytorch');
  });
});

describe('README', () => {
  it("the native-format example in README.md loads", async () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Model formats'));
    const block = /```json\n([\s\S]*?)```/.exec(section)![1]!;
    const { parseGraph } = await import('../../../src/core/graph/load.js');
    const g = parseGraph(new TextEncoder().encode(block), 'README.md');
    expect(g.format).toBe('native');
    expect(trainable(g)).toBe(432 + 16 + 32 + 160 + 10);
    expect(buffers(g)).toBe(32);
  });
});

describe('translated JSON models give the hand-computed MACs through the analysis', () => {
  // The loaders' job is ONNX semantics that shape inference and MAC counting understand; these
  // MAC totals are hand-computed from the layer definitions (batch 1).
  it('keras3_sequential: 26²·32·9 + 11²·64·288 + 1,600·10 = 2,440,960', async () => {
    const { analyzeGraph } = await import('../../../src/core/graph/analyze.js');
    const { facts } = analyzeGraph(await loadGraph(join(G, 'keras3_sequential.json')));
    expect(facts.macs).toBe(26 * 26 * 32 * 9 + 11 * 11 * 64 * 288 + 1600 * 10);
  });
  it('keras2_transformer: QKV 3·8·64², scores and context 2·4·8²·16, out 8·64², MLP 2·8·64·128, head 256', async () => {
    const { analyzeGraph } = await import('../../../src/core/graph/analyze.js');
    const { facts } = analyzeGraph(await loadGraph(join(G, 'keras2_transformer.json')));
    expect(facts.macs).toBe(3 * 8 * 64 * 64 + 2 * 4 * 8 * 8 * 16 + 8 * 64 * 64 + 2 * 8 * 64 * 128 + 64 * 4);
  });
  it('tfjs_misc: transposed convs (input elements × out × k), dilated conv, time-distributed dense, conv1d', async () => {
    const { analyzeGraph } = await import('../../../src/core/graph/analyze.js');
    const { facts } = analyzeGraph(await loadGraph(join(G, 'tfjs_misc.json')));
    expect(facts.macs).toBe(10 * 12 * 6 * 4 * 9 + 20 * 24 * 4 * 5 * 6 + 34 * 65 * 3 * 5 * 9 + 5 * 3 * 7 + 5 * 4 * 5 * 2 + 8 * 2);
  });
  it('tfjs_graph_block: stem 16²·16·27 + dw 16²·16·9 + pw 16²·24·16 + head 240', async () => {
    const { analyzeGraph } = await import('../../../src/core/graph/analyze.js');
    const { facts } = analyzeGraph(await loadGraph(join(G, 'tfjs_graph_block.json')));
    expect(facts.macs).toBe(16 * 16 * 16 * 27 + 16 * 16 * 16 * 9 + 16 * 16 * 24 * 16 + 240);
  });
});
