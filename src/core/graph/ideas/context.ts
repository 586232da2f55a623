/**
 * What every design-idea detector reads: the analysed OpGraph with its edges
 * indexed both ways, the block counts, the signature, and (when the graph was
 * loaded from a file) the source nodes behind each op, whose op types and
 * attributes (a transpose's permutation, a reduce's kind) the OpGraph folds
 * into coarse categories. Detectors built on this are plain functions.
 */
import type { ArchGraph, ArchNode, BlockCounts, Dim, OpGraph, OpNode } from '../types.js';
import { ACTIVATIONS, NORMS } from '../categories.js';
import { reach } from '../walk.js';

/** One present idea: how many instances (null when the idea is not countable) and the node ids that show it. */
export interface IdeaFinding {
  count: number | null;
  evidence: string[];
}

export interface IdeaInput {
  og: OpGraph;
  blocks: BlockCounts;
  inputs: Array<{ name: string; shape: Dim[] | null; dtype: string }>;
  outputs: Array<{ name: string; shape: Dim[] | null; dtype: string }>;
  /** A causal attention mask was seen in the source graph (analyze.ts decides it). */
  causalMask?: boolean;
  /** The loaded source graph, when there is one (generated OpGraphs have none). */
  source?: ArchGraph;
}

const ACT = new Set<string>(ACTIVATIONS.filter((a) => a !== 'softmax' && a !== 'log_softmax'));
const NORM = new Set<string>(NORMS);
const CONVS = new Set(['conv', 'depthwise_conv', 'grouped_conv', 'dilated_conv']);
const PLUMBING = new Set(['reshape', 'flatten', 'transpose', 'dropout', 'other', 'split', 'slice', 'gather', 'pad']);

export class IdeaContext {
  readonly nodes: OpNode[];
  readonly preds: number[][];
  readonly succ: number[][];
  readonly inputNodes: Set<number>;
  readonly outputNodes: Set<number>;
  private readonly raw = new Map<string, ArchNode>();
  private readonly ancestorMemo = new Map<number, Set<number>>();
  private readonly shared = new Map<string, unknown>();

  constructor(readonly input: IdeaInput) {
    const g = input.og;
    this.nodes = g.nodes;
    this.preds = g.nodes.map(() => []);
    this.succ = g.nodes.map(() => []);
    for (const [a, b] of g.edges) {
      if (!this.preds[b]!.includes(a)) this.preds[b]!.push(a);
      if (!this.succ[a]!.includes(b)) this.succ[a]!.push(b);
    }
    this.inputNodes = new Set(g.inputNodes);
    this.outputNodes = new Set(g.outputNodes);
    for (const n of input.source?.nodes ?? []) this.raw.set(n.id, n);
  }

  /** a structure several detectors read (attention sites, skip joins), computed once per graph */
  memo<T>(key: string, compute: () => T): T {
    if (!this.shared.has(key)) this.shared.set(key, compute());
    return this.shared.get(key) as T;
  }

  get size(): number {
    return this.nodes.length;
  }
  cat(i: number): string {
    return this.nodes[i]!.category;
  }
  id(i: number): string {
    return this.nodes[i]!.id;
  }
  /** indices of the nodes of one of the categories, in graph order */
  all(...cats: string[]): number[] {
    const s = new Set(cats);
    const out: number[] = [];
    for (let i = 0; i < this.nodes.length; i++) if (s.has(this.cat(i))) out.push(i);
    return out;
  }
  isAct(i: number): boolean {
    return ACT.has(this.cat(i));
  }
  isNorm(i: number): boolean {
    return NORM.has(this.cat(i));
  }
  isConv(i: number): boolean {
    return CONVS.has(this.cat(i));
  }
  isPlumbing(i: number): boolean {
    return PLUMBING.has(this.cat(i));
  }
  kernel(i: number): [number, number] | null {
    return this.nodes[i]!.kernel;
  }
  /** a conv whose kernel is 1 (1×1 in 2-D, 1 in 1-D) */
  isPointwise(i: number): boolean {
    const k = this.kernel(i);
    return this.cat(i) === 'conv' && !!k && k[0] === 1 && k[1] === 1;
  }
  /** largest kernel side (0 for ops without a kernel) */
  kmax(i: number): number {
    const k = this.kernel(i);
    return k ? Math.max(k[0], k[1]) : 0;
  }
  shape(i: number): Dim[] | null {
    return this.nodes[i]!.outShape;
  }
  rank(i: number): number {
    return this.shape(i)?.length ?? -1;
  }
  /** a conv on 1-D data (rank-3 output: batch, channels, length) */
  is1d(i: number): boolean {
    return this.rank(i) === 3;
  }
  /** the op computes on channels-last data (Keras / TF.js sources) */
  nhwc(i: number): boolean {
    return this.rawNodes(i)[0]?.layout === 'NHWC';
  }
  /** spatial size [H, W] of a rank-4 output (NCHW, or NHWC for channels-last sources), null otherwise */
  hw(i: number): [number, number] | null {
    const s = this.shape(i);
    if (!s || s.length !== 4) return null;
    const [h, w] = this.nhwc(i) ? [s[1], s[2]] : [s[2], s[3]];
    return typeof h === 'number' && typeof w === 'number' ? [h, w] : null;
  }
  /** channels of a rank-4 output (null when unknown) */
  channels(i: number): number | null {
    const s = this.shape(i);
    if (!s || s.length !== 4) return null;
    const c = this.nhwc(i) ? s[3] : s[1];
    return typeof c === 'number' ? c : null;
  }
  /** the source nodes folded into op i (empty without a source graph) */
  rawNodes(i: number): ArchNode[] {
    return this.nodes[i]!.sources.map((s) => this.raw.get(s)).filter((n): n is ArchNode => !!n);
  }
  /** the source node that writes a tensor (null without a source graph) */
  producerOf(tensor: string): ArchNode | null {
    const byOut = this.memo('producers', () => {
      const m = new Map<string, ArchNode>();
      for (const n of this.input.source?.nodes ?? []) for (const t of n.outputs) if (t) m.set(t, n);
      return m;
    });
    return byOut.get(tensor) ?? null;
  }
  rawOp(i: number): string | null {
    return this.rawNodes(i)[0]?.op ?? null;
  }

  /**
   * Nodes reachable from `start` along preds (backward) or succ (forward), passing through nodes `through`
   * accepts and collecting those `hit` accepts (a hit ends its path), at most `maxSteps` hops.
   */
  walk(dir: 'forward' | 'backward', start: number, through: (i: number) => boolean, hit: (i: number) => boolean, maxSteps = 8): number[] {
    return reach(dir === 'forward' ? this.succ : this.preds, start, through, hit, maxSteps);
  }
  /** the node behind i, looking back through norms, activations and single-input plumbing */
  behind(i: number, alsoThrough: (j: number) => boolean = () => false): number {
    let j = i;
    for (let s = 0; s < 6; s++) {
      const p = this.preds[j]!;
      if (p.length !== 1) break;
      if (!(this.isNorm(j) || this.isAct(j) || this.isPlumbing(j) || alsoThrough(j))) break;
      j = p[0]!;
    }
    return j;
  }
  ancestors(i: number): Set<number> {
    const memo = this.ancestorMemo.get(i);
    if (memo) return memo;
    const out = new Set<number>();
    const st = [...this.preds[i]!];
    while (st.length) {
      const j = st.pop()!;
      if (out.has(j)) continue;
      out.add(j);
      st.push(...this.preds[j]!);
    }
    if (this.ancestorMemo.size < 4096) this.ancestorMemo.set(i, out);
    return out;
  }
  descendants(i: number): Set<number> {
    return this.memo(`descendants:${i}`, () => {
      const out = new Set<number>();
      const st = [...this.succ[i]!];
      while (st.length) {
        const j = st.pop()!;
        if (out.has(j)) continue;
        out.add(j);
        st.push(...this.succ[j]!);
      }
      return out;
    });
  }
  /** position of each node in a topological order (the OpGraph's node order need not be one) */
  private topoRank(): Int32Array {
    return this.memo('topoRank', () => {
      const n = this.nodes.length;
      const indeg = new Int32Array(n);
      for (let i = 0; i < n; i++) indeg[i] = this.preds[i]!.length;
      const rank = new Int32Array(n).fill(-1);
      const queue: number[] = [];
      for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i);
      let r = 0;
      for (let q = 0; q < queue.length; q++) {
        const i = queue[q]!;
        rank[i] = r++;
        for (const j of this.succ[i]!) if (--indeg[j] === 0) queue.push(j);
      }
      for (let i = 0; i < n; i++) if (rank[i] === -1) rank[i] = r++; // cycles (should not occur): last
      return rank;
    });
  }
  /**
   * The branches that join at `heads` (≤ 30 of them): for each head, the nodes (itself included) that only it
   * depends on, i.e. the branch between the heads' latest shared inputs and the join. Walks back from the
   * heads in reverse topological order and stops where the branches merge, so a join costs the size of its
   * branches, not of the graph; null when they do not merge within `limit` nodes.
   */
  branches(heads: number[], limit = 4000): number[][] | null {
    const rank = this.topoRank();
    const mask = new Map<number, number>();
    const heap: number[] = []; // max-heap on rank
    const push = (i: number) => {
      heap.push(i);
      for (let c = heap.length - 1; c > 0; ) {
        const p = (c - 1) >> 1;
        if (rank[heap[p]!]! >= rank[heap[c]!]!) break;
        [heap[p], heap[c]] = [heap[c]!, heap[p]!];
        c = p;
      }
    };
    const pop = (): number => {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length) {
        heap[0] = last;
        for (let c = 0; ; ) {
          const l = 2 * c + 1;
          const r = l + 1;
          let m = c;
          if (l < heap.length && rank[heap[l]!]! > rank[heap[m]!]!) m = l;
          if (r < heap.length && rank[heap[r]!]! > rank[heap[m]!]!) m = r;
          if (m === c) break;
          [heap[m], heap[c]] = [heap[c]!, heap[m]!];
          c = m;
        }
      }
      return top;
    };
    const single = (m: number) => m !== 0 && (m & (m - 1)) === 0;
    let open = 0; // queued nodes that belong to one branch only
    const add = (i: number, bit: number) => {
      const old = mask.get(i);
      if (old === undefined) {
        mask.set(i, bit);
        push(i);
        if (single(bit)) open++;
        return;
      }
      const m = old | bit;
      if (m === old) return;
      if (single(old)) open--;
      mask.set(i, m);
    };
    heads.forEach((h, k) => add(h, 1 << k));
    const out: number[][] = heads.map(() => []);
    const done = new Set<number>();
    for (let steps = 0; heap.length && open > 0; steps++) {
      if (steps > limit) return null;
      const i = pop();
      if (done.has(i)) continue;
      done.add(i);
      const m = mask.get(i)!;
      if (!single(m)) continue; // shared: the branches have merged here
      open--;
      out[31 - Math.clz32(m)]!.push(i);
      for (const p of this.preds[i]!) add(p, m);
    }
    for (const b of out) b.sort((x, y) => x - y);
    return out;
  }
  /**
   * The two sides of a join of a and b: the nodes on each side (a, b included) that are not common to both,
   * i.e. the branches between their latest shared input and the join (both empty when they do not merge
   * within a few thousand nodes).
   */
  sides(a: number, b: number): [number[], number[]] {
    const br = this.branches([a, b]);
    return br ? [br[0]!, br[1]!] : [[], []];
  }
  /** the image input [C, H, W] when the model reads one rank-4 NCHW image */
  imageInput(): [number, number, number] | null {
    for (const inp of this.input.inputs) {
      const s = inp.shape;
      if (!s || s.length !== 4 || !s.slice(1).every((d) => typeof d === 'number')) continue;
      const [a, b, c] = s.slice(1) as [number, number, number];
      // an image has a few channels and a spatial extent (a [B, Z, 1, 1] latent is none)
      if (a <= 4 && b > 1 && c > 1) return [a, b, c];
      if (c <= 4 && a > 1 && b > 1) return [c, a, b]; // channels-last
    }
    return null;
  }
}

/** A finding from node indices: count = their number unless given, evidence = their ids (first 12). */
export function found(ctx: IdeaContext, idx: number[], count?: number | null): IdeaFinding | null {
  if (!idx.length && !count) return null;
  const ids = [...new Set(idx)].sort((a, b) => a - b).map((i) => ctx.id(i));
  return { count: count === undefined ? ids.length : count, evidence: ids.slice(0, 12) };
}
