/**
 * Depth = the number of weighted layers (conv of any kind, linear, recurrent
 * cells) on the longest input→output path of the OpGraph. Embedding lookups,
 * activation×activation products and norms do not count, so ResNet-50 → 50
 * (49 convs on the main path + fc), ResNet-18 → 18, VGG-11 → 11.
 */
import type { OpGraph } from './types.js';
import { WEIGHTED } from './categorize.js';

/** Topological order of OpGraph node indices (Kahn); nodes on cycles are appended last. */
export function opTopoOrder(g: OpGraph): number[] {
  const n = g.nodes.length;
  const indeg = new Array<number>(n).fill(0);
  const succ: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of g.edges) {
    succ[a]!.push(b);
    indeg[b]!++;
  }
  const order: number[] = [];
  const stack: number[] = [];
  for (let i = n - 1; i >= 0; i--) if (indeg[i] === 0) stack.push(i);
  while (stack.length) {
    const i = stack.pop()!;
    order.push(i);
    for (const s of succ[i]!) if (--indeg[s]! === 0) stack.push(s);
  }
  if (order.length < n) {
    const seen = new Set(order);
    for (let i = 0; i < n; i++) if (!seen.has(i)) order.push(i);
  }
  return order;
}

export function isWeighted(category: string, params: number): boolean {
  return WEIGHTED.has(category) || (category === 'attention' && params > 0);
}

export function depthOf(g: OpGraph): number {
  const n = g.nodes.length;
  if (n === 0) return 0;
  const preds: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of g.edges) preds[b]!.push(a);
  const best = new Array<number>(n).fill(0);
  for (const i of opTopoOrder(g)) {
    const node = g.nodes[i]!;
    let m = 0;
    for (const p of preds[i]!) m = Math.max(m, best[p]!);
    best[i] = m + (isWeighted(node.category, node.params) ? 1 : 0);
  }
  const ends = g.outputNodes.length ? g.outputNodes : best.map((_, i) => i);
  let d = 0;
  for (const i of ends) d = Math.max(d, best[i]!); // a loop: spreading huge arrays overflows the stack
  return d;
}
