import { describe, expect, it } from 'vitest';
import { generateArchitecture, type GeneratorStyle } from '../../../../src/core/archbert/data/generate.js';
import { OP_CATEGORIES } from '../../../../src/core/graph/categories.js';
import { topoOrder } from '../../../../src/core/archbert/model/topo-order.js';

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
    expect([...styles].sort()).toEqual(['cell', 'dense_prediction', 'mixer', 'recurrent', 'stage', 'temporal_conv', 'transformer', 'vit']);
  });

  it('each style can be asked for', () => {
    for (const s of ['cell', 'stage', 'vit', 'transformer', 'recurrent', 'mixer', 'dense_prediction', 'temporal_conv'] as GeneratorStyle[])
      expect(generateArchitecture(7, s).meta.style).toBe(s);
  });
});
