import { describe, expect, it } from 'vitest';
import { GraphBuilder, generateArchitecture, totalParams, type GeneratorStyle } from '../../../../src/core/archbert/data/generate.js';
import { OP_CATEGORIES } from '../../../../src/core/graph/categories.js';
import { topoOrder } from '../../../../src/core/archbert/model/featurize.js';

describe('generateArchitecture', () => {
  it('is deterministic: the same seed gives the same graph', () => {
    for (const seed of [1, 42, 123456]) expect(JSON.stringify(generateArchitecture(seed))).toBe(JSON.stringify(generateArchitecture(seed)));
    expect(JSON.stringify(generateArchitecture(1).graph)).not.toBe(JSON.stringify(generateArchitecture(2).graph));
  });

  it('produces valid DAGs with known categories, consistent edges and one output', () => {
    const styles = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const a = generateArchitecture(seed);
      styles.add(a.meta.style);
      const g = a.graph;
      const n = g.nodes.length;
      for (const nd of g.nodes) expect(OP_CATEGORIES as readonly string[]).toContain(nd.category);
      for (const [x, y] of g.edges) expect(x >= 0 && x < n && y >= 0 && y < n && x < y).toBe(true); // built in data-flow order
      expect(topoOrder(n, g.edges)).toHaveLength(n);
      expect(g.outputNodes).toHaveLength(1);
      expect(g.inputNodes.length).toBeGreaterThanOrEqual(1);
      // every node except sources has an input, and everything reaches the output
      const hasIn = new Set(g.edges.map(([, y]) => y));
      for (let i = 0; i < n; i++) if (!g.inputNodes.includes(i) && g.nodes[i]!.category !== 'embedding') expect(hasIn.has(i)).toBe(true);
      const rev = new Map<number, number[]>();
      for (const [x, y] of g.edges) rev.set(y, [...(rev.get(y) ?? []), x]);
      const seen = new Set<number>();
      const stack = [...g.outputNodes];
      while (stack.length) {
        const v = stack.pop()!;
        if (seen.has(v)) continue;
        seen.add(v);
        stack.push(...(rev.get(v) ?? []));
      }
      expect(seen.size).toBe(n);
      if (a.meta.style === 'cell' || a.meta.style === 'stage') expect(a.meta.cells).toBeGreaterThanOrEqual(4);
      if (a.meta.style === 'cell' || a.meta.style === 'stage') expect(a.meta.cells).toBeLessThanOrEqual(18);
    }
    expect([...styles].sort()).toEqual(['cell', 'recurrent', 'stage', 'transformer', 'vit']);
  });

  it('each style can be asked for', () => {
    for (const s of ['cell', 'stage', 'vit', 'transformer', 'recurrent'] as GeneratorStyle[]) expect(generateArchitecture(7, s).meta.style).toBe(s);
  });
});

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
