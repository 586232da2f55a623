import { describe, expect, it } from 'vitest';
import { totalParams } from '../../../../../src/core/archbert/data/generate.js';
import { GraphBuilder } from '../../../../../src/core/archbert/data/generate/graph-builder.js';

describe('GraphBuilder parameter and MAC counts (hand-computed)', () => {
  it('conv, depthwise conv, batch norm and linear', () => {
    const b = new GraphBuilder();
    const c = b.markInput(b.conv(-1, 16, 3, { fromInput: { kind: 'image', c: 3, h: 32, w: 32 }, stride: 2 }));
    // 16·3·3·3 = 432 weights, no bias; output 16×16×16; MACs = 16·16·16 · 27
    expect(b.nodes[c]!.params).toBe(432);
    expect(b.nodes[c]!.macs).toBe(16 * 16 * 16 * 27);
    expect(b.nodes[c]!.outShape).toEqual([1, 16, 16, 16]);
    const dw = b.conv(c, 16, 3, { groups: 16, bias: true });
    expect(b.nodes[dw]!.category).toBe('depthwise_conv');
    expect(b.nodes[dw]!.params).toBe(16 * 9 + 16);
    expect(b.nodes[dw]!.macs).toBe(16 * 16 * 16 * 9);
    const bn = b.norm(dw, 'batch_norm');
    expect([b.nodes[bn]!.params, b.nodes[bn]!.buffers]).toEqual([32, 32]);
    const fc = b.linear(b.flatten(b.globalPool(bn, 'global_avg_pool')), 10);
    expect(b.nodes[fc]!.params).toBe(16 * 10 + 10);
    expect(b.nodes[fc]!.macs).toBe(160);
    const g = b.build([fc]);
    expect(totalParams(g)).toBe(432 + 160 + 32 + 170);
  });

  it('LSTM and GRU follow the ONNX weight layout (W, R and two biases per direction)', () => {
    const b = new GraphBuilder();
    const e = b.markInput(b.embedding(1000, 64, 20));
    expect(b.nodes[e]!.params).toBe(64000);
    const l = b.recurrent(e, 'lstm', 128, true);
    // torch.nn.LSTM(64, 128, bidirectional=True) has 2·(4·128·64 + 4·128·128 + 2·4·128) = 198656 parameters
    expect(b.nodes[l]!.params).toBe(198656);
    expect(b.nodes[l]!.outChannels).toBe(256);
    const g = b.recurrent(l, 'gru', 32, false);
    // torch.nn.GRU(256, 32): 3·32·256 + 3·32·32 + 2·3·32 = 27840
    expect(b.nodes[g]!.params).toBe(27840);
  });
});
