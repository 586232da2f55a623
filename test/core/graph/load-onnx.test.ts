/**
 * ONNX loading: hand-made fixtures (expected figures hand-computed from
 * fixtures/scripts/onnx-graph-fixtures.ts) and the stripped torchvision
 * exports (parameter counts against PyTorch's own figures in
 * fixtures/models/reference.json, written by training/export_torchvision.py).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { loadGraph } from '../../../src/core/graph/load.js';
import { encodeModel } from '../../../src/core/graph/onnx-builder.js';
import type { ArchGraph, ParamInfo } from '../../../src/core/graph/types.js';
import { tinyResnet, attention, seBlock, dwSeparable, localFunction, ifSubgraph, oldOpset7, dtypes } from '../../../fixtures/scripts/onnx-graph-fixtures.js';

const G = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'graphs');
const M = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'models');
const numel = (p: ParamInfo) => p.shape.reduce((a, b) => a * b, 1);
const count = (g: ArchGraph, trainable: boolean) =>
  Object.values(g.initializers).filter((p) => p.trainable === trainable).reduce((a, p) => a + numel(p), 0);
const node = (g: ArchGraph, id: string) => {
  const n = g.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id} in ${g.nodes.map((x) => x.id).join(', ')}`);
  return n;
};

describe('hand-made ONNX fixtures', () => {
  it('tiny_resnet: nodes, generated ids, attrs, params, value_info', async () => {
    const g = await loadGraph(join(G, 'tiny_resnet.onnx'));
    expect(g.format).toBe('onnx');
    expect(g.name).toBe('tiny_resnet');
    expect(g.opset).toBe(13);
    expect(g.nodes).toHaveLength(3 + 3 + 2 + 5);
    expect(g.nodes.map((n) => n.id).slice(0, 4)).toEqual(['stem.conv', 'stem.bn', 'stem.relu', 'Conv_3']);
    expect(new Set(g.nodes.map((n) => n.id)).size).toBe(g.nodes.length);
    const conv = node(g, 'stem.conv');
    expect(conv.attrs).toEqual({ kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], group: 1, dilations: [1, 1] });
    expect(conv.params.map((p) => [p.name, p.shape, p.dtype, p.trainable])).toEqual([['stem.conv.weight', [16, 3, 3, 3], 'float32', true]]);
    const bn = node(g, 'stem.bn');
    expect(bn.attrs.epsilon).toBe(1e-5); // float32 1e-5 tidied back to its decimal
    expect(bn.attrs.momentum).toBe(0.9);
    expect(bn.params.map((p) => p.trainable)).toEqual([true, true, false, false]);
    expect(node(g, 'fc').attrs).toEqual({ alpha: 1, beta: 1, transB: 1 });
    expect(count(g, true)).toBe(5306);
    expect(count(g, false)).toBe(96);
    expect(g.inputs).toEqual([{ name: 'input', shape: [1, 3, 32, 32], dtype: 'float32' }]);
    expect(g.outputs).toEqual([{ name: 'logits', shape: [1, 10], dtype: 'float32' }]);
    expect(g.valueInfo.pooled).toEqual({ name: 'pooled', shape: [1, 16, 1, 1], dtype: 'float32' });
    expect(g.metadata).toMatchObject({ producer_name: 'archbert onnx-builder', ir_version: '7', fixture: 'tiny_resnet' });
    // small tensors keep their contents
    expect(g.initializers['stem.bn.running_var'].values).toEqual(new Array(16).fill(1));
  });

  it('dw_separable: group attr; Clip min/max scalars are not trainable', async () => {
    const g = await loadGraph(join(G, 'dw_separable.onnx'));
    expect(node(g, 'dw.conv').attrs.group).toBe(32);
    expect(node(g, 'dw.conv').params[0].shape).toEqual([32, 1, 3, 3]);
    const clip = node(g, 'relu6');
    expect(clip.params.map((p) => [p.name, p.shape, p.trainable, p.values])).toEqual([
      ['clip.min', [], false, [0]],
      ['clip.max', [], false, [6]],
    ]);
    // dw 288 + bn 64, pw 2048 + bn 128
    expect(count(g, true)).toBe(288 + 64 + 2048 + 128);
  });

  it('attention: symbolic batch dim, int64 shape constants and the scalar scale are buffers', async () => {
    const g = await loadGraph(join(G, 'attention.onnx'));
    expect(g.opset).toBe(17);
    expect(g.inputs[0].shape).toEqual(['batch', 16, 32]);
    expect(g.outputs[0].shape).toEqual(['batch', 16, 32]);
    const hs = g.initializers.heads_shape;
    expect(hs).toMatchObject({ dtype: 'int64', shape: [4], trainable: false, values: [0, 16, 4, 8] });
    expect(g.initializers.inv_sqrt_d).toMatchObject({ shape: [], trainable: false });
    expect(g.initializers.inv_sqrt_d.values![0]).toBeCloseTo(1 / Math.sqrt(8), 6);
    expect(count(g, true)).toBe(64 + 4 * (1024 + 32));
    expect(node(g, 'k_t').attrs.perm).toEqual([0, 2, 3, 1]);
    expect(node(g, 'scores').params).toEqual([]);
  });

  it('if_subgraph: branches as subgraphs, outer-scope weight attached inside', async () => {
    const g = await loadGraph(join(G, 'if_subgraph.onnx'));
    const iff = node(g, 'branch');
    expect(iff.subgraphs!.map((s) => [s.name, s.parentAttr, s.nodes.length])).toEqual([
      ['then_graph', 'then_branch', 2],
      ['else_graph', 'else_branch', 1],
    ]);
    const conv = iff.subgraphs![0].nodes[0];
    expect(conv.params.map((p) => p.name)).toEqual(['conv.weight']);
    expect(conv.params[0]).toBe(g.initializers['conv.weight']); // one tensor, shared object
    expect(g.inputs.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['x', 'float32', [1, 8, 8, 8]],
      ['cond', 'bool', []],
    ]);
  });

  it('loop_scan: Loop and Scan bodies with their own inputs; trip count/cond are not weights', async () => {
    const g = await loadGraph(join(G, 'loop_scan.onnx'));
    const loop = node(g, 'loop');
    expect(loop.subgraphs![0]).toMatchObject({ name: 'loop_body', parentAttr: 'body' });
    expect(loop.subgraphs![0].inputs.map((t) => t.name)).toEqual(['iter', 'cond_in', 'acc_in']);
    expect(loop.subgraphs![0].nodes[1].params.map((p) => p.name)).toEqual(['step']); // outer scope
    expect(node(g, 'scan').attrs.num_scan_inputs).toBe(1);
    expect(g.initializers.trips).toMatchObject({ trainable: false, values: [3] });
    expect(g.initializers.keep_going).toMatchObject({ dtype: 'bool', trainable: false });
  });

  it('symbolic_dims: dim_param → string, missing dim → null', async () => {
    const g = await loadGraph(join(G, 'symbolic_dims.onnx'));
    expect(g.inputs[0].shape).toEqual(['N', 3, 'H', 'W']);
    expect(g.outputs[0].shape).toEqual(['N', 8, null, null]);
  });

  it('external_data: loads with the weight file absent, dims from the proto', async () => {
    const g = await loadGraph(join(G, 'external_data.onnx'));
    expect(count(g, true)).toBe(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
    expect(node(g, 'fc0').params.map((p) => p.shape)).toEqual([[256, 784], [256]]);
    expect(g.initializers['fc2.bias'].values).toBeUndefined(); // never read from the absent file
  });

  it('local_function: calls are inlined with attribute references resolved', async () => {
    const g = await loadGraph(join(G, 'local_function.onnx'));
    expect(g.nodes.map((n) => [n.id, n.op, n.fromFunction])).toEqual([
      ['layer1/mm', 'MatMul', 'custom:LinearAct'],
      ['layer1/act', 'LeakyRelu', 'custom:LinearAct'],
      ['layer2/mm', 'MatMul', 'custom:LinearAct'],
      ['layer2/act', 'LeakyRelu', 'custom:LinearAct'],
    ]);
    expect(node(g, 'layer1/mm').inputs).toEqual(['x', 'w1']);
    expect(node(g, 'layer1/mm').outputs).toEqual(['layer1/XW']);
    expect(node(g, 'layer1/act').outputs).toEqual(['h']);
    expect(node(g, 'layer1/act').attrs.alpha).toBe(0.1);
    expect(node(g, 'layer2/act').attrs.alpha).toBe(0.2);
    expect(node(g, 'layer2/mm').params.map((p) => p.name)).toEqual(['w2']);
    expect(g.metadata['opset.custom']).toBe('1');
  });

  it('old_opset7: initializers listed as inputs are not graph inputs; old attrs kept', async () => {
    const g = await loadGraph(join(G, 'old_opset7.onnx'));
    expect(g.opset).toBe(7);
    expect(g.inputs.map((t) => t.name)).toEqual(['data']);
    expect(g.nodes.map((n) => n.id)).toEqual(['Conv_0', 'BatchNormalization_1', 'Relu_2', 'Upsample_3']);
    expect(g.nodes[1].attrs.spatial).toBe(1);
    expect(g.nodes[3].attrs).toEqual({ mode: 'nearest', scales: [1, 1, 2, 2] });
    expect(count(g, true)).toBe(108 + 4 + 8);
    expect(count(g, false)).toBe(8);
  });

  it('dtypes: fp16 and int8 weights are trainable, int64 indices and quantization params are not', async () => {
    const g = await loadGraph(join(G, 'dtypes.onnx'));
    const i = g.initializers;
    expect([i.w_fp16.dtype, i.w_fp16.trainable]).toEqual(['float16', true]);
    expect([i.w_int8.dtype, i.w_int8.trainable]).toEqual(['int8', true]);
    expect([i.table.trainable, i.ids.trainable, i.ids.values]).toEqual([true, false, [1, 4, 9]]);
    expect([i.w_scale.trainable, i.w_zero.trainable]).toEqual([false, false]);
    expect(node(g, 'to_half').attrs.to).toBe(10);
    expect(i.w_fp16.values).toHaveLength(48); // float16 raw data decoded
    expect(Math.max(...i.w_fp16.values!.map(Math.abs))).toBeLessThanOrEqual(0.1);
  });

  it('detects ONNX by content, not by extension', async () => {
    const g = await loadGraph(join(G, 'renamed_onnx.bin'));
    expect(g.format).toBe('onnx');
    expect(g.nodes).toHaveLength(13);
  });
});

describe('onnx-builder output runs in onnxruntime-node', () => {
  const cases = { tinyResnet, attention, seBlock, dwSeparable, localFunction, ifSubgraph, oldOpset7, dtypes };
  for (const [name, spec] of Object.entries(cases)) {
    it(name, async () => {
      const s = spec();
      const session = await ort.InferenceSession.create(encodeModel(s));
      const feeds: Record<string, ort.Tensor> = {};
      for (const inp of s.graph.inputs) {
        const shape = inp.shape!.map((d) => (typeof d === 'number' ? d : 2));
        const n = shape.reduce((a, b) => a * b, 1);
        feeds[inp.name] = inp.dtype === 'bool' ? new ort.Tensor('bool', new Uint8Array(n).fill(1), shape) : new ort.Tensor('float32', new Float32Array(n).fill(0.5), shape);
      }
      const out = await session.run(feeds);
      const first = out[s.graph.outputs[0].name];
      expect(first.dims.length).toBeGreaterThan(0);
      expect(Array.from(first.data as Float32Array).every(Number.isFinite)).toBe(true);
    });
  }
});

interface Ref {
  params: number;
  buffers: { bn_running_stats: number };
  input: number[];
  task: string;
}
const refs = JSON.parse(readFileSync(join(M, 'reference.json'), 'utf8')) as Record<string, Ref>;

describe('stripped torchvision exports', () => {
  for (const [name, ref] of Object.entries(refs)) {
    it(`${name}: trainable params equal PyTorch's parameters(), buffers equal BN running stats`, async () => {
      const g = await loadGraph(join(M, `${name}.onnx`));
      expect(g.format).toBe('onnx');
      expect(g.opset).toBe(13);
      expect(count(g, true)).toBe(ref.params);
      expect(count(g, false)).toBe(ref.buffers.bn_running_stats);
      expect(g.inputs[0].shape).toEqual(ref.input);
      // every weight is attached to the node(s) that read it
      const attached = new Set(g.nodes.flatMap((n) => [n, ...(n.subgraphs ?? []).flatMap((s) => s.nodes)]).flatMap((n) => n.params.map((p) => p.name)));
      for (const p of Object.values(g.initializers)) if (p.trainable) expect(attached.has(p.name)).toBe(true);
    });
  }

  it('published torchvision parameter counts', () => {
    expect(refs.resnet18.params).toBe(11_689_512);
    expect(refs.resnet50.params).toBe(25_557_032);
    expect(refs.mobilenet_v2.params).toBe(3_504_872);
    if (refs.vit_b_16) expect(refs.vit_b_16.params).toBe(86_567_656);
  });
});
