/**
 * Structure facts (src/core/archbert/facts/structure.ts) and the query / question
 * forms that use them: windowed and shifted attention, patch merging, RNN
 * direction, per-token (language model) vs pooled (classifier) output,
 * kernel sizes per conv kind, the stem. Recurrent models are built here with
 * the ONNX writer (real LSTM/GRU ops with a `direction` attribute); the
 * window-attention shapes on a hand-made OpGraph; conv nets are the bundled
 * fixtures.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../../../src/core/archbert/ask.js';
import { canonicalCaption, captions } from '../../../../src/core/archbert/data/describe-text.js';
import { Rng } from '../../../../src/core/archbert/data/rng.js';
import { checkClaims } from '../../../../src/core/archbert/describe.js';
import { rankCandidates, type Candidate } from '../../../../src/core/archbert/find.js';
import { parseConstraints } from '../../../../src/core/archbert/language/constraints.js';
import { satisfies } from '../../../../src/core/archbert/language/constraint-check.js';
import { featurePhrases, hasFeature } from '../../../../src/core/archbert/language/feature-phrases.js';
import { analyzeModelFile, type AnalyzedModel } from '../../../../src/core/archbert/facts/model-file.js';
import { structureFacts } from '../../../../src/core/archbert/facts/structure.js';
import { encodeModel, type NodeSpec, type TensorSpec } from '../../../../src/core/graph/onnx-builder.js';
import type { OpGraph, OpNode } from '../../../../src/core/graph/types.js';
import { repoRoot } from '../../../helpers/cli.js';

const kinds = (q: string) =>
  parseConstraints(q).map((c) =>
    'key' in c ? `${c.kind}:${c.key}` : 'keys' in c ? `${c.kind}:${c.keys.join('|')}` : c.kind === 'task' ? `task:${c.task}` : c.kind === 'modality' ? `modality:${c.modality}` : c.kind === 'family' ? `family:${c.family}` : c.kind === 'input_size' ? `input:${c.height}x${c.width}` : `${c.kind}:${c.value}`,
  );

/** A token model: embedding (vocab 100, dim 16) → one GRU/LSTM (hidden 8, 1 or 2 directions) → per-token vocabulary scores or one 4-class vector. */
function tokenModel(cell: 'GRU' | 'LSTM' | 'RNN', dirs: 1 | 2, head: 'lm' | 'classifier'): Uint8Array {
  const T = 8;
  const H = 8;
  const gates = cell === 'GRU' ? 3 : cell === 'LSTM' ? 4 : 1;
  const init: TensorSpec[] = [
    { name: 'emb', dims: [100, 16], data: 'random' },
    { name: 'W', dims: [dirs, gates * H, 16], data: 'random' },
    { name: 'R', dims: [dirs, gates * H, H], data: 'random' },
    { name: 'B', dims: [dirs, 2 * gates * H], data: 'random' },
  ];
  const nodes: NodeSpec[] = [
    { op: 'Gather', inputs: ['emb', 'ids'], outputs: ['x'] },
    { op: 'Transpose', inputs: ['x'], outputs: ['xt'], attrs: { perm: [1, 0, 2] } },
    { op: cell, inputs: ['xt', 'W', 'R', 'B'], outputs: ['y', 'yh'], attrs: { hidden_size: H, direction: dirs === 2 ? 'bidirectional' : 'forward' } },
  ];
  if (head === 'lm') {
    init.push({ name: 'shape3', dtype: 'int64', dims: [3], data: [1, T, dirs * H] }, { name: 'Wout', dims: [dirs * H, 100], data: 'random' });
    nodes.push(
      { op: 'Transpose', inputs: ['y'], outputs: ['yt'], attrs: { perm: [2, 0, 1, 3] } },
      { op: 'Reshape', inputs: ['yt', 'shape3'], outputs: ['feat'] },
      { op: 'MatMul', inputs: ['feat', 'Wout'], outputs: ['logits'] },
    );
  } else {
    init.push({ name: 'shape2', dtype: 'int64', dims: [2], data: [1, dirs * H] }, { name: 'Wfc', dims: [4, dirs * H], data: 'random' }, { name: 'bfc', dims: [4], data: 'random' });
    nodes.push(
      { op: 'Transpose', inputs: ['yh'], outputs: ['ht'], attrs: { perm: [1, 0, 2] } },
      { op: 'Reshape', inputs: ['ht', 'shape2'], outputs: ['feat'] },
      { op: 'Gemm', inputs: ['feat', 'Wfc', 'bfc'], outputs: ['logits'], attrs: { transB: 1 } },
    );
  }
  return encodeModel({
    graph: {
      name: `${cell}-${dirs}-${head}`,
      nodes,
      inputs: [{ name: 'ids', dtype: 'int64', shape: [1, T] }],
      outputs: [{ name: 'logits', shape: head === 'lm' ? [1, T, 100] : [1, 4] }],
      initializers: init,
    },
  });
}

function opNode(id: string, category: string, outShape: number[] | null, extra: Partial<OpNode> = {}): OpNode {
  return { id, category, outChannels: null, inChannels: null, kernel: null, stride: null, dilation: null, groups: null, params: 0, buffers: 0, macs: null, outShape, sources: [id], ...extra };
}

describe('structure facts on hand-made graphs', () => {
  it('windowed attention: windows folded into the leading dims of a square attention map; global attention does not count', () => {
    // q·kᵀ → softmax → ·v, once per window (4 windows of 16 tokens, 2 heads), once globally (64 tokens).
    const og: OpGraph = {
      nodes: [
        opNode('qk_w', 'matmul', [4, 2, 16, 16]),
        opNode('sm_w', 'softmax', [4, 2, 16, 16]),
        opNode('av_w', 'matmul', [4, 2, 16, 8]),
        opNode('qk_g', 'matmul', [1, 2, 64, 64]),
        opNode('sm_g', 'softmax', [1, 2, 64, 64]),
        opNode('av_g', 'matmul', [1, 2, 64, 8]),
        opNode('sm_vit', 'softmax', [12, 197, 197]),
      ],
      edges: [[0, 1], [1, 2], [3, 4], [4, 5]],
      inputNodes: [0, 3],
      outputNodes: [2, 5, 6],
    };
    const st = structureFacts(og, { inputs: [{ name: 'x', shape: [1, 3, 32, 32], dtype: 'float32' }], outputs: [] });
    expect(st.windowAttention).toBe(1);
    expect(st.softmaxAttention).toBe(2); // the rank-3 map feeds nothing here
  });

  it('a roll is two slices of one tensor concatenated; patch merging is four strided slices (chains) concatenated', () => {
    const og: OpGraph = {
      nodes: [
        opNode('x', 'layer_norm', [1, 8, 8, 16]),
        opNode('s1', 'slice', [1, 3, 8, 16]),
        opNode('s2', 'slice', [1, 5, 8, 16]),
        opNode('roll', 'concat', [1, 8, 8, 16]),
        ...[0, 1, 2, 3].flatMap((k) => [opNode(`h${k}`, 'slice', [1, 4, 8, 16]), opNode(`w${k}`, 'slice', [1, 4, 4, 16])]),
        opNode('merge', 'concat', [1, 4, 4, 64]),
        opNode('other', 'concat', [1, 8, 8, 32]),
      ],
      edges: [
        [0, 1], [0, 2], [1, 3], [2, 3],
        [3, 4], [4, 5], [3, 6], [6, 7], [3, 8], [8, 9], [3, 10], [10, 11],
        [5, 12], [7, 12], [9, 12], [11, 12],
        [0, 13], [3, 13],
      ],
      inputNodes: [0],
      outputNodes: [12, 13],
    };
    const st = structureFacts(og, { inputs: [{ name: 'x', shape: [1, 3, 32, 32], dtype: 'float32' }], outputs: [] });
    expect(st.shiftedWindows).toBe(1);
    expect(st.patchMerging).toBe(1);
  });
});

describe('fused-MBConv (EfficientNetV2) on a hand-made graph', () => {
  const conv = (id: string, k: number, cin: number, cout: number, shape: number[]) => opNode(id, 'conv', shape, { kernel: [k, k], stride: [1, 1], inChannels: cin, outChannels: cout });
  // x → [3x3 24→96 → bn → silu → 1x1 96→24 → bn] + x → [3x3 24→24 → bn → silu] + · ; then a plain 3x3 64→128 → relu → 1x1 128→32 with no add (SSD-like extras)
  const nodes = [
    conv('stem', 3, 3, 24, [1, 24, 16, 16]),
    conv('expand', 3, 24, 96, [1, 96, 16, 16]), opNode('bn1', 'batch_norm', [1, 96, 16, 16]), opNode('act1', 'silu', [1, 96, 16, 16]),
    conv('project', 1, 96, 24, [1, 24, 16, 16]), opNode('bn2', 'batch_norm', [1, 24, 16, 16]), opNode('add1', 'add', [1, 24, 16, 16]),
    conv('single', 3, 24, 24, [1, 24, 16, 16]), opNode('bn3', 'batch_norm', [1, 24, 16, 16]), opNode('act3', 'silu', [1, 24, 16, 16]), opNode('add2', 'add', [1, 24, 16, 16]),
  ];
  const edges: Array<[number, number]> = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6], [0, 6], [6, 7], [7, 8], [8, 9], [9, 10], [6, 10]];
  const x = [{ name: 'x', shape: [1, 3, 16, 16], dtype: 'float32' }];

  it('counts the expanding block and the expand-ratio-1 block when a residual one exists', () => {
    expect(structureFacts({ nodes, edges, inputNodes: [0], outputNodes: [10] }, { inputs: x, outputs: [] }).fusedMBConv).toBe(2);
  });

  it('3x3-expand then 1x1-project without any residual (SSD extras) is not fused-MBConv', () => {
    const noAdd: Array<[number, number]> = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]];
    expect(structureFacts({ nodes: nodes.slice(0, 6), edges: noAdd, inputNodes: [0], outputNodes: [5] }, { inputs: x, outputs: [] }).fusedMBConv).toBe(0);
  });
});

describe('recurrent direction and what the output predicts (real GRU/LSTM ops)', () => {
  const models: Record<string, AnalyzedModel> = {};
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archbert-structure-'));
    for (const [name, bytes] of Object.entries({
      bigru_clf: tokenModel('GRU', 2, 'classifier'),
      gru_lm: tokenModel('GRU', 1, 'lm'),
      bilstm_lm: tokenModel('LSTM', 2, 'lm'),
      lstm_clf: tokenModel('LSTM', 1, 'classifier'),
      birnn_clf: tokenModel('RNN', 2, 'classifier'),
    })) {
      writeFileSync(join(dir, `${name}.onnx`), bytes);
      models[name] = await analyzeModelFile(join(dir, `${name}.onnx`));
    }
  });

  it('reads the direction attribute through the output shape [seq, directions, batch, hidden]', () => {
    expect(models.bigru_clf!.summary.structure).toMatchObject({ bidirectional: 1, recurrentLayers: 1 });
    expect(models.gru_lm!.summary.structure).toMatchObject({ bidirectional: 0, recurrentLayers: 1 });
    expect(hasFeature(models.bilstm_lm!.summary, 'bidirectional')).toBe(true);
    expect(hasFeature(models.lstm_clf!.summary, 'unidirectional')).toBe(true);
    expect(hasFeature(models.bigru_clf!.summary, 'unidirectional')).toBe(false);
  });

  it('Keras / TF.js Bidirectional(LSTM) (batch-major output) is found from the weights too', async () => {
    for (const f of ['tfjs_rnn.keras.json', 'tfjs_rnn.json']) {
      const k = await analyzeModelFile(`${repoRoot}/fixtures/graphs/${f}`);
      // Embedding(1000) → Bidirectional(LSTM) → GRU → … → SimpleRNN → Dense(3)
      expect(k.summary.structure, f).toMatchObject({ bidirectional: 1, recurrentLayers: 3, vocab: 1000, languageModel: false, pooledOutput: true });
    }
  });

  it('per-token vocabulary scores = language model; one vector per sequence = classifier', () => {
    expect(models.gru_lm!.summary.structure).toMatchObject({ vocab: 100, perTokenVocabOutput: true, languageModel: true, pooledOutput: false });
    expect(models.bigru_clf!.summary.structure).toMatchObject({ vocab: 100, languageModel: false, pooledOutput: true });
    const lm = { kind: 'task', task: 'language_model', text: '' } as const;
    const clf = { kind: 'task', task: 'classification', text: '' } as const;
    expect(satisfies(models.gru_lm!.summary, lm)).toBe(true);
    expect(satisfies(models.gru_lm!.summary, clf)).toBe(false);
    expect(satisfies(models.lstm_clf!.summary, clf)).toBe(true);
    expect(satisfies(models.lstm_clf!.summary, lm)).toBe(false);
  });

  it('find ranks by direction and head', () => {
    const cands: Candidate[] = Object.entries(models).map(([name, m]) => ({ file: `${name}.onnx`, name, summary: m.summary, score: 0 }));
    const top = (q: string) => rankCandidates(q, cands, parseConstraints(q), 4).map((r) => r.name);
    expect(top('bidirectional GRU text classifier')[0]).toBe('bigru_clf');
    expect(top('a BiLSTM language model')[0]).toBe('bilstm_lm');
    expect(top('next-word prediction with a unidirectional recurrent net')[0]).toBe('gru_lm');
    expect(top('sentence classifier built on a single-direction LSTM')[0]).toBe('lstm_clf');
  });

  it('the recurrent cell names the family: LSTM, GRU, and a plain (Elman) RNN', () => {
    expect([models.lstm_clf!.facts.family.guess, models.bigru_clf!.facts.family.guess, models.birnn_clf!.facts.family.guess]).toEqual(['lstm', 'gru', 'rnn']);
    expect(answerQuestion('which family?', models.birnn_clf!.summary, models.birnn_clf!.opGraph, null).value).toBe('rnn');
    expect(answerQuestion('is it bidirectional?', models.birnn_clf!.summary, models.birnn_clf!.opGraph, null).value).toBe(true);
  });

  it('ask: direction and language-model questions', () => {
    const ask = (m: string, q: string) => answerQuestion(q, models[m]!.summary, models[m]!.opGraph, null);
    expect(ask('bigru_clf', 'is the GRU bidirectional?')).toMatchObject({ kind: 'yes_no', value: true });
    expect(ask('gru_lm', 'is it bidirectional?').value).toBe(false);
    expect(ask('gru_lm', 'is this a language model?')).toMatchObject({ value: true, answer: expect.stringMatching(/^Yes: .*every position/) });
    expect(ask('bigru_clf', 'is it a language model?').value).toBe(false);
    expect(ask('bigru_clf', 'is this a text classifier?').value).toBe(true);
    expect(ask('bilstm_lm', 'does it use a biLSTM?').value).toBe(true);
    expect(ask('gru_lm', 'what is the vocabulary size?')).toMatchObject({ kind: 'value', value: 100 });
    expect(ask('bigru_clf', 'how big is the vocabulary?').value).toBe(100);
    const e = ask('bigru_clf', 'is it bidirectional?').evidence;
    expect(e.map((x) => x.op)).toEqual(['gru']);
  });
});

describe('kernels, stem, windows and counts on the bundled fixtures', () => {
  const m: Record<string, AnalyzedModel> = {};
  beforeAll(async () => {
    for (const name of ['convnext_tiny', 'resnet50', 'regnet_y_400mf', 'vit_b_16', 'mobilenet_v3_small'])
      m[name] = await analyzeModelFile(`${repoRoot}/fixtures/models/${name}.onnx`);
  });

  it('kernel sizes per conv kind and the stem', () => {
    const c = m.convnext_tiny!.summary.structure!;
    expect(c.kernelsByKind.depthwise_conv).toEqual(['7x7']);
    expect(c.stem).toEqual({ kernel: '4x4', stride: 4, category: 'conv' });
    expect(m.resnet50!.summary.structure!.stem).toEqual({ kernel: '7x7', stride: 2, category: 'conv' });
    expect(m.resnet50!.summary.structure!.maxBodyKernel).toBe(3); // the 7x7 stem is not a large body kernel
    expect(m.regnet_y_400mf!.summary.structure!.kernelsByKind.grouped_conv).toEqual(['3x3']);
    expect(m.vit_b_16!.summary.structure).toMatchObject({ windowAttention: 0, stem: { kernel: '16x16', stride: 16 } });
  });

  it('parses kernel, stem, range, direction and task forms', () => {
    expect(kinds('a pure conv net with 7x7 depthwise convs and layer norm')).toEqual(['has:kernel:depthwise_conv:7x7', 'has:layer_norm']);
    expect(kinds('residual net with grouped 3x3 convolutions, no SE')).toEqual(['has:kernel:grouped_conv:3x3', 'lacks:squeeze_excitation']);
    expect(kinds('cnn using big depthwise kernels')).toEqual(['has:kernel:depthwise_conv:large']);
    expect(kinds('with 3-by-3 filters only')).toEqual(['has:kernel:any:3x3']);
    expect(kinds('a classifier whose stem is a 4x4 stride-4 patchify conv')).toEqual(['task:classification']);
    expect(kinds('model with a 7x7 stride-2 stem')).toEqual(['has:stem:7x7:2']);
    expect(kinds('between 15M and 25M params')).toEqual(['min_params:15000000', 'max_params:25000000']);
    expect(kinds('an 80-100M parameter model')).toEqual(['min_params:80000000', 'max_params:100000000']);
    expect(kinds('transformer with shifted windows')).toEqual(['has:shifted_windows']);
    expect(kinds('vision transformer without windowed attention')).toEqual(['lacks:window_attention', 'modality:image']);
    expect(kinds('next-token language model')).toEqual(['task:language_model', 'modality:text']);
    expect(kinds('english to german translation model')).toEqual(['task:seq2seq']);
    expect(kinds('a RegNetY with SE')).toEqual(['has:squeeze_excitation', 'family:regnet']);
    expect(kinds('a language model that is not recurrent')).toEqual(['lacks:recurrent', 'task:language_model', 'modality:text']);
    expect(kinds('attention-free image model')).toEqual(['lacks:attention', 'modality:image']);
    expect(kinds('classifier with fused-MBConv blocks and SE')).toEqual(['has:fused_mbconv', 'has:squeeze_excitation', 'task:classification']);
    expect(kinds('a 2-layer GRU language model')).toEqual(['task:language_model', 'modality:text']);
    expect(kinds('GRU with two stacked layers')).toEqual(['has:gru', 'has:count:layer:2']);
    // A bound on the layer count (quantity.ts), not on the parameters.
    expect(kinds('under 3 layers')).toEqual(['quantity:3']);
    expect(kinds('vision transformer with 16x16 patches')).toEqual(['has:stem:16x16:16:patchify', 'modality:image']);
    expect(kinds('transformer using patch size 4 and relative position bias')).toEqual(['has:stem:4x4:4:patchify', 'has:relative_position_bias']);
    expect(kinds('convnet with layer scale and inverted bottlenecks')).toEqual(['has:layer_scale', 'has:inverted_bottleneck']);
    expect(kinds('bottlenecks with grouped-convolutions and squeeze-excitation')).toEqual(['has:grouped_conv', 'has:squeeze_excitation']);
    expect(featurePhrases('sigmoid-gated channel attention').map((p) => p.key)).toEqual(['sigmoid', 'squeeze_excitation']);
    expect(featurePhrases('squeeze-excitation').map((p) => p.phrase)).toEqual(['squeeze-excitation']); // the text as written
    expect(kinds('a 28M-parameter transformer')).toEqual(['min_params:18666667', 'max_params:42000000']);
    expect(kinds('about 50M parameters')).toEqual(['min_params:33333333', 'max_params:75000000']);
    expect(kinds('under ~5M params')).toEqual(['max_params:5000000']);
  });

  it('ranks by kernels, stem, SE and net kind', () => {
    const cands: Candidate[] = Object.entries(m).map(([name, a]) => ({ file: `${name}.onnx`, name, summary: a.summary, score: 0 }));
    const top = (q: string) => rankCandidates(q, cands, parseConstraints(q), 5).map((r) => r.name);
    expect(top('pure conv net with 7x7 depthwise convs')[0]).toBe('convnext_tiny');
    expect(top('convnet with grouped 3x3 convolutions and SE')[0]).toBe('regnet_y_400mf');
    expect(top('convolutional classifier whose stem is a 4x4 stride-4 patchify conv')[0]).toBe('convnext_tiny');
    expect(top('image model with a patchify stem and self-attention')[0]).toBe('vit_b_16');
    expect(top('network with large kernels but no attention')[0]).toBe('convnext_tiny');
    expect(top('3x3 depthwise convolutions and hard swish')[0]).toBe('mobilenet_v3_small');
    expect(top('convnet with inverted bottlenecks, layer norm and layer scale')[0]).toBe('convnext_tiny');
    expect(top('transformer with 16x16 patches')[0]).toBe('vit_b_16');
    // superlatives order equally fitting models by size, but only under a hard constraint
    expect(top('the largest convnet with batch norm')[0]).toBe('resnet50');
    expect(top('smallest convnet with batch norm')[0]).toBe('mobilenet_v3_small');
    const why = rankCandidates('7x7 depthwise convs', cands, [], 1)[0]!.why;
    expect(why).toMatch(/has 7x7 depthwise conv/);
  });

  it('ask: counts of norm / conv / linear layers and attention blocks, kernel and stem questions', () => {
    const ask = (name: string, q: string) => answerQuestion(q, m[name]!.summary, m[name]!.opGraph, null);
    const s = m.convnext_tiny!.summary;
    const norms = ['batch_norm', 'layer_norm', 'group_norm', 'instance_norm', 'rms_norm', 'lrn'].reduce((a, k) => a + (s.ops[k] ?? 0), 0);
    expect(norms).toBeGreaterThan(0);
    for (const q of ['how many normalization layers are there?', 'how many norm layers', 'number of normalisation layers']) expect(ask('convnext_tiny', q)).toMatchObject({ kind: 'value', value: norms });
    expect(ask('resnet50', 'how many norm layers?').value).toBe(m.resnet50!.summary.ops.batch_norm);
    expect(ask('resnet50', 'how many conv layers?').value).toBe(53); // torchvision ResNet-50: 53 convolutions
    expect(ask('resnet50', 'how many linear layers?').value).toBe(1);
    expect(ask('vit_b_16', 'how many attention blocks?').value).toBe(12); // ViT-B/16: 12 encoder blocks
    expect(ask('resnet50', 'how many layer norms?').value).toBe(0);
    expect(ask('resnet50', 'how many 3x3 convolutions?').value).toBe(16); // one per bottleneck: 3 + 4 + 6 + 3
    expect(ask('convnext_tiny', 'does it have 7x7 depthwise convolutions?').value).toBe(true);
    expect(ask('resnet50', 'does it use 7x7 depthwise convs?').value).toBe(false);
    expect(ask('convnext_tiny', 'does it use a patchify stem?')).toMatchObject({ value: true, answer: expect.stringMatching(/4x4 conv with stride 4/) });
    expect(ask('resnet50', 'is the stem a patchify conv?').value).toBe(false);
    expect(ask('convnext_tiny', 'does it use large kernels?').value).toBe(true);
    expect(ask('resnet50', 'does it use large kernels?').value).toBe(false);
    expect(ask('vit_b_16', 'does it use windowed attention?').value).toBe(false);
    expect(ask('vit_b_16', 'is it hierarchical?').value).toBe(false);
    expect(ask('resnet50', 'is it hierarchical?').value).toBe(true);
    expect(ask('convnext_tiny', 'does it use layer scale?').value).toBe(true);
    expect(ask('resnet50', 'does it use layer scale?').value).toBe(false);
    expect(ask('vit_b_16', 'is it a 12-layer transformer?').value).toBe(true); // ViT-B: 12 encoder layers
    expect(ask('vit_b_16', 'does it use 16x16 patches?').value).toBe(true);
    // ConvNeXt's blocks are not MBConv (the block rule), but the answer names what it has instead.
    expect(ask('convnext_tiny', 'does it use inverted residual blocks?')).toMatchObject({ value: false, answer: expect.stringMatching(/18 depthwise conv → expand → project/) });
  });

  it('the new phrases do not misread the captions describe checks: no sentence of a true caption is removed', () => {
    for (const [name, a] of Object.entries(m)) {
      const rng = new Rng(7);
      for (const text of [canonicalCaption(a.summary), ...captions(a.summary, rng, 10)]) {
        const removed = checkClaims(text, a.summary).flags.filter((f) => f.action === 'removed');
        expect(removed, `${name}: ${text}`).toEqual([]);
      }
    }
  });

  it('ask: "X or Y" is true when either is there; "count the …" is a count', () => {
    const ask = (name: string, q: string) => answerQuestion(q, m[name]!.summary, m[name]!.opGraph, null);
    expect(ask('convnext_tiny', 'does it use batch norm or layer norm?')).toMatchObject({ kind: 'yes_no', value: true });
    expect(ask('convnext_tiny', 'does it use batch norm and layer norm?').value).toBe(false);
    expect(ask('resnet50', 'does it use gelu or silu?').value).toBe(false);
    expect(ask('convnext_tiny', 'count the normalization layers')).toMatchObject({ kind: 'value', value: m.convnext_tiny!.summary.ops.layer_norm });
    expect(ask('vit_b_16', 'what is the window size?').value).toBe('none');
  });

  it('ask: mixed polarity, any pooling, "is it convolutional", outputs and classes', () => {
    const ask = (name: string, q: string) => answerQuestion(q, m[name]!.summary, m[name]!.opGraph, null);
    expect(ask('convnext_tiny', 'it uses layer norm and no batch norm')).toMatchObject({ kind: 'statement', value: true });
    expect(ask('resnet50', 'it uses layer norm and no batch norm').value).toBe(false);
    expect(ask('convnext_tiny', 'does the network use any pooling?').value).toBe(true);
    expect(ask('convnext_tiny', 'is it convolutional?')).toMatchObject({ kind: 'yes_no', value: true });
    expect(ask('vit_b_16', 'is it convolutional?').value).toBe(false);
    expect(ask('resnet50', 'how many classes does it predict?')).toMatchObject({ kind: 'value', value: 1000 });
    expect(ask('resnet50', 'what does the model output?')).toMatchObject({ kind: 'value', value: '1x1000' });
    // ResNet-50: 25,557,032 weights + BN buffers as the facts count them (25.6m)
    expect(ask('resnet50', 'does it have 25.6M parameters?').value).toBe(true);
    expect(ask('resnet50', 'it has 11.7m parameters').value).toBe(false);
    expect(ask('resnet50', 'is it between 20M and 30M params?').value).toBe(true);
    expect(ask('resnet50', 'is it between 30M and 40M params?').value).toBe(false);
  });

  it('ask: kernels of one conv kind, the stem', () => {
    const ask = (name: string, q: string) => answerQuestion(q, m[name]!.summary, m[name]!.opGraph, null);
    expect(ask('convnext_tiny', 'what kernel size do the depthwise convolutions use?')).toMatchObject({ kind: 'choice', value: ['7x7'] });
    expect(ask('convnext_tiny', 'which kernel sizes does it use?').value).toEqual(['2x2', '4x4', '7x7']);
    expect(ask('regnet_y_400mf', 'which kernel sizes do the grouped convs have?').value).toEqual(['3x3']);
    expect(ask('resnet50', 'what kernel size is the stem?')).toMatchObject({ kind: 'value', value: '7x7' });
    expect(ask('resnet50', 'what stride does the stem use').value).toBe(2);
    expect(ask('vit_b_16', 'what is the stem?').answer).toMatch(/16x16 conv with stride 16/);
  });
});
