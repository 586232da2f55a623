/**
 * Ideas on hand-written OpGraphs (no source graph, as the dataset generator
 * builds them): local response norm, which no model file here has, and
 * small positive / negative pairs that pin a detector's rule down
 * (a fire module vs two unrelated branches; a channel shuffle vs a reshape
 * that only splits channels; a bottleneck vs a block that does not expand).
 */
import { describe, expect, it } from 'vitest';
import type { OpGraph, OpNode } from '../../../../src/core/graph/types.js';
import { factsFromOpGraph } from '../../../../src/core/graph/facts.js';

const node = (id: string, category: string, extra: Partial<OpNode> = {}): OpNode => ({
  id, category, outChannels: null, inChannels: null, kernel: null, stride: null, dilation: null, groups: null, params: 0, buffers: 0, macs: 0, outShape: null, sources: [id], ...extra,
});
const conv = (id: string, k: number, cin: number, cout: number, hw = 8): OpNode =>
  node(id, 'conv', { kernel: [k, k], stride: [1, 1], dilation: [1, 1], groups: 1, inChannels: cin, outChannels: cout, params: k * k * cin * cout, outShape: [1, cout, hw, hw] });
const chain = (n: number): Array<[number, number]> => Array.from({ length: n - 1 }, (_, i) => [i, i + 1] as [number, number]);

function ideasOf(nodes: OpNode[], edges: Array<[number, number]>, outputNodes = [nodes.length - 1]) {
  const og: OpGraph = { nodes, edges, inputNodes: [0], outputNodes };
  return factsFromOpGraph(og, { format: 'native', inputs: [{ name: 'x', shape: [1, 3, 32, 32], dtype: 'float32' }], outputs: [{ name: 'y', shape: null, dtype: 'float32' }] }).ideas;
}

describe('ideas on hand-written graphs', () => {
  it('local_response_norm: an lrn op is the idea; a batch norm is not', () => {
    const withLrn = ideasOf([conv('c', 11, 3, 64, 55), node('r', 'relu'), node('n', 'lrn')], chain(3));
    expect(withLrn.local_response_norm).toEqual({ count: 1, evidence: ['n'] });
    const withBn = ideasOf([conv('c', 11, 3, 64, 55), node('r', 'relu'), node('n', 'batch_norm')], chain(3));
    expect(withBn.local_response_norm).toBeUndefined();
    expect(withBn.batch_norm?.count).toBe(1);
  });

  it('fire_module: squeeze 1×1 → (1×1 ‖ 3×3) → concat; two branches from different squeezes are not one', () => {
    const fire = ideasOf(
      [conv('sq', 1, 64, 16), node('a', 'relu'), conv('e1', 1, 16, 64), conv('e3', 3, 16, 64), node('r1', 'relu'), node('r3', 'relu'), node('cat', 'concat', { outChannels: 128, outShape: [1, 128, 8, 8] })],
      [[0, 1], [1, 2], [1, 3], [2, 4], [3, 5], [4, 6], [5, 6]],
    );
    expect(fire.fire_module).toEqual({ count: 1, evidence: ['cat'] });
    const notFire = ideasOf(
      [conv('sq', 1, 64, 16), node('a', 'relu'), conv('e1', 1, 16, 64), conv('sq2', 1, 16, 16), conv('e3', 3, 16, 64), node('cat', 'concat', { outChannels: 128, outShape: [1, 128, 8, 8] })],
      [[0, 1], [1, 2], [1, 3], [3, 4], [2, 5], [4, 5]],
    );
    expect(notFire.fire_module).toBeUndefined();
  });

  it('channel_shuffle: [N,C,H,W] → [N,g,C/g,H,W] → swap → back; a reshape that only splits channels is no shuffle', () => {
    const shuffle = ideasOf(
      [conv('c', 1, 24, 24), node('r1', 'reshape', { outShape: [1, 3, 8, 8, 8] }), node('t', 'transpose', { outShape: [1, 8, 3, 8, 8] }), node('r2', 'reshape', { outShape: [1, 24, 8, 8] })],
      chain(4),
    );
    expect(shuffle.channel_shuffle).toEqual({ count: 1, evidence: ['t'] });
    const noSwap = ideasOf(
      [conv('c', 1, 24, 24), node('r1', 'reshape', { outShape: [1, 3, 8, 8, 8] }), node('t', 'transpose', { outShape: [1, 3, 8, 8, 8] }), node('r2', 'reshape', { outShape: [1, 24, 8, 8] })],
      chain(4),
    );
    expect(noSwap.channel_shuffle).toBeUndefined();
  });

  it('bottleneck_residual: 1×1 reduce → 3×3 → 1×1 expand + skip; a block whose last 1×1 does not expand is not one', () => {
    const block = (outLast: number) =>
      ideasOf(
        [conv('in', 3, 3, 256), conv('a', 1, 256, 64), node('ra', 'relu'), conv('b', 3, 64, 64), node('rb', 'relu'), conv('c', 1, 64, outLast), node('add', 'add')],
        [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6], [0, 6]],
      );
    expect(block(256).bottleneck_residual).toEqual({ count: 1, evidence: ['add'] });
    expect(block(256).residual?.count).toBe(1);
    expect(block(64).bottleneck_residual).toBeUndefined();
  });

  it('gated_linear_unit: a projection split in halves, one gating the other; a gate from a different tensor is not one', () => {
    const glu = ideasOf(
      [node('fc', 'linear', { inChannels: 64, outChannels: 256, outShape: [1, 10, 256] }), node('a', 'slice', { outShape: [1, 10, 128] }), node('b', 'slice', { outShape: [1, 10, 128] }), node('g', 'sigmoid'), node('m', 'mul')],
      [[0, 1], [0, 2], [2, 3], [1, 4], [3, 4]],
    );
    expect(glu.gated_linear_unit).toEqual({ count: 1, evidence: ['m'] });
    const notGlu = ideasOf(
      [node('fc', 'linear', { inChannels: 64, outChannels: 128, outShape: [1, 10, 128] }), node('fc2', 'linear', { inChannels: 64, outChannels: 128 }), node('a', 'slice'), node('g', 'sigmoid'), node('m', 'mul')],
      [[0, 1], [0, 2], [1, 3], [2, 4], [3, 4]],
    );
    expect(notGlu.gated_linear_unit).toBeUndefined();
  });

  it('auxiliary_classifier: a second class vector of the same width read from an intermediate feature; one head is not', () => {
    const nodes = [
      conv('c1', 3, 3, 32), node('p1', 'global_avg_pool', { outShape: [1, 32, 1, 1] }), node('f1', 'flatten', { outShape: [1, 32] }), node('aux', 'linear', { inChannels: 32, outChannels: 10, outShape: [1, 10] }),
      conv('c2', 3, 32, 64), node('p2', 'global_avg_pool', { outShape: [1, 64, 1, 1] }), node('f2', 'flatten', { outShape: [1, 64] }), node('main', 'linear', { inChannels: 64, outChannels: 10, outShape: [1, 10] }),
    ];
    const edges: Array<[number, number]> = [[0, 1], [1, 2], [2, 3], [0, 4], [4, 5], [5, 6], [6, 7]];
    expect(ideasOf(nodes, edges, [3, 7]).auxiliary_classifier).toEqual({ count: 1, evidence: ['aux'] });
    expect(ideasOf(nodes, edges, [7]).auxiliary_classifier).toBeUndefined();
  });

  it('recurrent_attention: scores of a decoder state against LSTM encoder states; the same attention over a linear projection is not', () => {
    const graph = (encoder: string) =>
      ideasOf(
        [
          node('enc', encoder, { outShape: [1, 20, 64] }),
          node('q', 'linear', { inChannels: 64, outChannels: 64, outShape: [1, 1, 64] }),
          node('kt', 'transpose', { outShape: [1, 64, 20] }),
          node('score', 'matmul', { outShape: [1, 1, 20] }),
          node('sm', 'softmax', { outShape: [1, 1, 20] }),
          node('ctx', 'matmul', { outShape: [1, 1, 64] }),
        ],
        [[0, 1], [0, 2], [1, 3], [2, 3], [3, 4], [4, 5], [0, 5]],
      );
    expect(graph('lstm').recurrent_attention).toEqual({ count: 1, evidence: ['sm'] });
    expect(graph('linear').recurrent_attention).toBeUndefined();
  });
});
