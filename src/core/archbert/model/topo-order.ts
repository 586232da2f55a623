/**
 * A deterministic topological order of a graph given as a node count and
 * directed edges: the order featurize.ts lays an OpGraph's nodes out in (the
 * encoder reads nodes as a sequence, and coarsening cuts that sequence into
 * repeating units, so the same graph must always come out in the same order).
 */

/** Kahn's algorithm, smallest index first, so the order is deterministic; cycles keep file order. */
export function topoOrder(n: number, edges: ReadonlyArray<readonly [number, number]>): number[] {
  // Fast path: graphs built in data-flow order (all generated ones, most exports) are already sorted.
  if (edges.every(([a, b]) => a < b)) return Array.from({ length: n }, (_, i) => i);
  const indeg = new Array<number>(n).fill(0);
  const succ: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of edges) {
    succ[a]!.push(b);
    indeg[b]!++;
  }
  const heap = new MinHeap();
  for (let i = 0; i < n; i++) if (indeg[i] === 0) heap.push(i);
  const order: number[] = [];
  const placed = new Uint8Array(n);
  let scan = 0;
  while (order.length < n) {
    if (heap.size === 0) {
      // A cycle (should not happen in an OpGraph): place the first unplaced node.
      while (placed[scan]) scan++;
      heap.push(scan);
    }
    const v = heap.pop();
    if (placed[v]) continue;
    placed[v] = 1;
    order.push(v);
    for (const w of succ[v]!) if (--indeg[w]! === 0 && !placed[w]) heap.push(w);
  }
  return order;
}

class MinHeap {
  private a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  push(x: number): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= a[i]!) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): number {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}
