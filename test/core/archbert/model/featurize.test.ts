import { describe, expect, it } from 'vitest';
import { BIN_COLUMNS, BIN_VALUES, GRAPH_OP_NAME, OP_VOCAB, binIndex, binsFile, featurize, graphBins, nodeBins, opId } from '../../../../src/core/archbert/model/featurize.js';
import { topoOrder } from '../../../../src/core/archbert/model/topo-order.js';
import { GraphBuilder, generateArchitecture } from '../../../../src/core/archbert/data/generate.js';
import { OP_CATEGORIES } from '../../../../src/core/graph/categories.js';
import type { OpGraph, OpNode } from '../../../../src/core/graph/types.js';

function node(category: string, extra: Partial<OpNode> = {}): OpNode {
  return {
    id: category, category, outChannels: null, inChannels: null, kernel: null, stride: null, dilation: null, groups: null,
    params: 0, buffers: 0, macs: 0, outShape: null, sources: [], ...extra,
  };
}

describe('bins', () => {
  it('has the original ArchBERT channel table: 391 values from 1 to 8192', () => {
    const ch = BIN_VALUES.channels;
    expect(ch).toHaveLength(391);
    expect(ch.slice(0, 6)).toEqual([1, 3, 8, 10, 16, 24]);
    expect(ch).toContain(56);
    expect(ch).toContain(64);
    expect(ch).toContain(4080);
    expect(ch).toContain(4096);
    expect(ch[ch.length - 1]).toBe(8192);
    expect(ch).toContain(80);
    expect(ch).not.toContain(88);
  });
  it('maps values to the nearest bin (1-based), 0 for unknown', () => {
    const ch = BIN_VALUES.channels;
    expect(binIndex(ch, null)).toBe(0);
    expect(binIndex(ch, 0)).toBe(0);
    expect(ch[binIndex(ch, 64) - 1]).toBe(64);
    expect(ch[binIndex(ch, 3) - 1]).toBe(3);
    expect(ch[binIndex(ch, 9) - 1]).toBe(8); // tie 8/10 goes to the smaller
    expect(ch[binIndex(ch, 100) - 1]).toBe(96);
    expect(ch[binIndex(ch, 104) - 1]).toBe(96); // tie 96/112 → smaller
    expect(ch[binIndex(ch, 1000) - 1]).toBe(992); // 1000 is between 992 and 1008: tie → 992
    expect(ch[binIndex(ch, 100000) - 1]).toBe(8192);
    expect(BIN_VALUES.spatial[binIndex(BIN_VALUES.spatial, 13) - 1]).toBe(14);
  });
  it('gives each node [out, in, kh, kw, stride, dilation] and 0 in the three graph columns', () => {
    const b = nodeBins(node('depthwise_conv', { outChannels: 32, inChannels: 32, kernel: [3, 5], stride: [2, 2], dilation: [1, 2] }));
    expect(b).toEqual([
      binIndex(BIN_VALUES.channels, 32), binIndex(BIN_VALUES.channels, 32), 2, 3, 2, 2, 0, 0, 0,
    ]);
    expect(nodeBins(node('relu'))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(binsFile().features.map((f) => f.name)).toEqual([
      'out_channels', 'in_channels', 'kernel_h', 'kernel_w', 'stride', 'dilation',
      'graph_log10_params', 'graph_log2_weighted_layers', 'graph_log2_nodes',
    ]);
    expect(BIN_COLUMNS).toBe(9);
  });
  it('gives the [graph] node log-scale whole-graph sizes (hand-computed)', () => {
    // 25.6 M parameters (ResNet-50's published count), 54 weighted layers, 1000 nodes
    const nodes = [
      node('conv', { params: 25_557_032 }),
      ...Array.from({ length: 52 }, () => node('conv')),
      node('linear'),
      ...Array.from({ length: 946 }, () => node('relu')),
    ];
    const b = graphBins({ nodes, edges: [], inputNodes: [0], outputNodes: [999] });
    expect(b.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
    // log10(1 + 25,557,032) = 7.4075 → nearest grid value 7.4 (grid 1.0, 1.1, … → index (7.4 - 1) / 0.1 + 1 = 65)
    expect(BIN_VALUES.log10Params[b[6]! - 1]).toBe(7.4);
    expect(b[6]).toBe(65);
    // log2(55) = 5.781 → 5.75 (grid 1, 1.25, … → index (5.75 - 1) / 0.25 + 1 = 20)
    expect(BIN_VALUES.log2Count[b[7]! - 1]).toBe(5.75);
    expect(b[7]).toBe(20);
    // log2(1001) = 9.967 → 10
    expect(BIN_VALUES.log2Count[b[8]! - 1]).toBe(10);
    // no parameters, no weighted layers: the unknown bin
    expect(graphBins({ nodes: [node('relu')], edges: [], inputNodes: [0], outputNodes: [0] }).slice(6)).toEqual([0, 0, 1]);
  });
  it('numbers ops: 0 pad, 1 mask, then the shared categories', () => {
    expect(OP_VOCAB.slice(0, 2)).toEqual(['[pad]', '[mask]']);
    expect(opId(OP_CATEGORIES[0]!)).toBe(2);
    expect(opId('no_such_category')).toBe(opId('other'));
  });
});

describe('featurize', () => {
  it('keeps a small graph as is, in topological order', () => {
    // deliberately listed out of order: relu(0) ← conv(1) ← input; add(2) ← conv, relu
    const g: OpGraph = {
      nodes: [node('relu'), node('conv', { outChannels: 16, inChannels: 3, kernel: [3, 3], stride: [1, 1] }), node('add')],
      edges: [[1, 0], [0, 2], [1, 2]],
      inputNodes: [1],
      outputNodes: [2],
    };
    const f = featurize(g);
    expect(f.coarsened).toBe(false);
    expect(f.n).toBe(4); // three nodes and the [graph] node, last and unconnected
    expect(f.ops).toEqual([opId('conv'), opId('relu'), opId('add'), opId(GRAPH_OP_NAME)]);
    expect(f.bins[3]).toEqual(graphBins(g));
    expect(f.edges).toEqual([[0, 1], [0, 2], [1, 2]]);
    expect(topoOrder(3, g.edges)).toEqual([1, 0, 2]);
  });

  it('coarsens a long repeated residual stack by collapsing repeats, never cutting the end', () => {
    const b = new GraphBuilder();
    let x = b.markInput(b.conv(-1, 64, 3, { fromInput: { kind: 'image', c: 3, h: 32, w: 32 } }));
    for (let i = 0; i < 100; i++) {
      const y = b.norm(b.conv(b.act(b.norm(b.conv(x, 64, 3), 'batch_norm'), 'relu'), 64, 3), 'batch_norm');
      x = b.act(b.elementwise('add', y, x), 'relu');
    }
    const head = b.linear(b.flatten(b.globalPool(x, 'global_avg_pool')), 10);
    const g = b.build([head]);
    expect(g.nodes.length).toBeGreaterThan(512);
    const f = featurize(g);
    expect(f.coarsened).toBe(true);
    expect(f.n).toBeLessThanOrEqual(512);
    expect(f.coarsening).toContain('repeats');
    expect(f.coarsening).not.toContain('window');
    // repeats are dropped only until the graph fits: it stays close to the limit
    expect(f.n).toBeGreaterThan(480);
    // the head survives: the last op before the [graph] node is the classifier, the pooling is still there
    expect(f.ops[f.n - 2]).toBe(opId('linear'));
    expect(f.ops[f.n - 1]).toBe(opId(GRAPH_OP_NAME));
    // the [graph] node counts the layers of the graph as given, before repeats were dropped (201 convs + 1 linear)
    expect(BIN_VALUES.log2Count[f.bins[f.n - 1]![7]! - 1]).toBe(7.75); // log2(203) = 7.665
    expect(f.ops).toContain(opId('global_avg_pool'));
    // edges stay valid and acyclic in index order
    for (const [a, c] of f.edges) {
      expect(a).toBeLessThan(c);
      expect(c).toBeLessThan(f.n);
    }
  });

  it('falls back to windowed merging for huge graphs with no repeats, and always fits', () => {
    const n = 3000;
    const cats = ['conv', 'linear', 'gelu', 'concat', 'max_pool'];
    const nodes = Array.from({ length: n }, (_, i) => node(cats[(i * 7) % 5]!, { outChannels: 8 + (i % 300), kernel: [1 + (i % 3) * 2, 1] }));
    const edges: Array<[number, number]> = [];
    for (let i = 1; i < n; i++) edges.push([i - 1, i]);
    for (let i = 5; i < n; i += 5) edges.push([i - 5, i]);
    const f = featurize({ nodes, edges, inputNodes: [0], outputNodes: [n - 1] });
    expect(f.n).toBeLessThanOrEqual(512);
    expect(f.coarsening).toContain('window');
    expect(f.n).toBe(512); // the window stage lands exactly on the limit
    expect(f.originalNodes).toBe(n);
  });

  it('fits every generated graph into 512 nodes with valid edges', () => {
    for (let seed = 0; seed < 150; seed++) {
      const f = featurize(generateArchitecture(seed).graph);
      expect(f.n).toBeLessThanOrEqual(512);
      expect(f.ops.every((o) => o >= 2 && o < OP_VOCAB.length)).toBe(true);
      expect(f.bins.every((b) => b.length === BIN_COLUMNS)).toBe(true);
      expect(f.ops.filter((o) => o === opId(GRAPH_OP_NAME))).toHaveLength(1);
      for (const [a, c] of f.edges) expect(a >= 0 && c < f.n && a !== c).toBe(true);
    }
  });
});

describe('repeats on cell networks', () => {
  it('collapses repeated DARTS cells (which read the two previous cells) without the lossy window stage', () => {
    const a = generateArchitecture(6, 'cell');
    expect(a.meta.cells).toBeGreaterThanOrEqual(15);
    expect(a.graph.nodes.length).toBeGreaterThan(800);
    const f = featurize(a.graph);
    expect(f.coarsening).toEqual(['plumbing', 'repeats']);
    expect(f.n).toBeGreaterThan(480);
    expect(f.n).toBeLessThanOrEqual(512);
  });
});
