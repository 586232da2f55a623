/**
 * OpGraph → the architecture encoder's input: op ids, six shape bins per node
 * and directed edges. The only implementation (the Python trainer reads the
 * dataset's arrays; inference calls this same function).
 *
 * Op ids: 0 = pad, 1 = [mask] (Masked Architecture Modelling), then
 * OP_CATEGORIES in order.
 *
 * Bins per node, index 0 = unknown / not applicable:
 *   [out_channels, in_channels, kernel_h, kernel_w, stride, dilation]
 *   channels: the original ArchBERT's 391 values {1, 3, 10, 8…56 step 8,
 *             64…4080 step 16, 4096…8192 step 32}; spatial (kernel):
 *             {1, 3, 5, 7, 9, 11, 14, 16}; stride {1, 2, 3, 4, 8, 16, 32};
 *             dilation {1, 2, 3, 4, 6, 8, 12, 16, 24}.
 *   A value maps to the nearest bin value (ties go to the smaller value).
 *   The stride/dilation bin is the larger of the two axes.
 *
 * Graphs over MAX_NODES are coarsened, never cut: see coarsen() for the rule.
 *
 * One extra "[graph]" node, last, with no edges, carries three whole-graph
 * sizes in bin columns 7–9 (0 on every other node; its own six node columns
 * are 0): parameters, weighted layers and nodes before coarsening, binned by
 * the bin layout (bin-layout.ts: "log", the default, bins log10(1 + params),
 * log2(1 + layers), log2(1 + nodes); "bucket" bins params and layers on edges
 * aligned with the text's size buckets; "blocks" adds columns 10–15, the count
 * of each block kind; "output" adds column 16, the output width). Why: the
 * encoder would otherwise have to add up per-node bins to know a size, and
 * coarsening drops repeated blocks, so "how many parameters / layers" was
 * unanswerable from the nodes alone for big graphs.
 * The transformer layers let every node attend to it.
 */
import { OP_CATEGORIES, ACTIVATIONS, NORMS } from '../../graph/categories.js';
import type { BlockCounts, OpGraph, OpNode } from '../../graph/types.js';
import { WEIGHTED as WEIGHTED_CATEGORIES } from '../facts/arch-summary.js';
import { topoOrder } from './topo-order.js';
import { findBlocks } from '../../graph/blocks.js';
import { BIN_FEATURES, BIN_VALUES, LOG_LAYOUT, OUTPUT_WIDTH_FEATURE, binIndex, blockKindOfFeature, graphFeatureBin, type BinLayout } from './bin-layout.js';

// The bin tables and bins.json live in bin-layout.ts; re-exported for the callers that import them from here.
export { BIN_FEATURES, BIN_VALUES, LOG_LAYOUT, BUCKET_LAYOUT, binIndex, binsFile, type BinLayout } from './bin-layout.js';

export const MAX_NODES = 512;
export const OP_PAD = 0;
export const OP_MASK = 1;
export const GRAPH_OP_NAME = '[graph]';
export const OP_VOCAB: readonly string[] = ['[pad]', '[mask]', ...OP_CATEGORIES, GRAPH_OP_NAME];
const OP_ID = new Map(OP_VOCAB.map((c, i) => [c, i]));
const OTHER_ID = OP_ID.get('other')!;
const GRAPH_OP = OP_ID.get(GRAPH_OP_NAME)!;

/** Columns per node in `bins` in the log layout (the arch encoder's input is [B, N, columns of the layout]). */
export const BIN_COLUMNS = BIN_FEATURES.length;
const NODE_COLUMNS = 6;
const WEIGHTED_SET = new Set<string>(WEIGHTED_CATEGORIES);

export function opId(category: string): number {
  return OP_ID.get(category) ?? OTHER_ID;
}

/** A node's six shape bins, then 0 in each whole-graph column of a layout `width` columns wide. */
export function nodeBins(n: OpNode, width: number = BIN_COLUMNS): number[] {
  const ch = BIN_VALUES.channels;
  const stride = n.stride ? Math.max(n.stride[0], n.stride[1]) : null;
  const dil = n.dilation ? Math.max(n.dilation[0], n.dilation[1]) : null;
  return [
    binIndex(ch, n.outChannels),
    binIndex(ch, n.inChannels),
    binIndex(BIN_VALUES.spatial, n.kernel ? n.kernel[0] : null),
    binIndex(BIN_VALUES.spatial, n.kernel ? n.kernel[1] : null),
    binIndex(BIN_VALUES.stride, stride),
    binIndex(BIN_VALUES.dilation, dil),
    ...new Array<number>(width - NODE_COLUMNS).fill(0),
  ];
}

/**
 * The bins of the "[graph]" node: whole-graph counts of the graph as given (before coarsening),
 * binned by the layout's features after the six node columns (parameters, weighted layers,
 * nodes; in the "blocks" layout the count of each block kind; in "output" also the output width).
 * `blocks`: the graph's counts when the caller has them already (the facts' ArchFacts.blocks,
 * the same findBlocks result).
 */
export function graphBins(g: OpGraph, layout: BinLayout = LOG_LAYOUT, blocks?: BlockCounts): number[] {
  let params = 0;
  let weighted = 0;
  for (const n of g.nodes) {
    params += n.params;
    if (WEIGHTED_SET.has(n.category)) weighted++;
  }
  // the three size columns come first after the node columns, in every layout
  const sizes = [params, weighted, g.nodes.length];
  const graphFeatures = layout.features.slice(NODE_COLUMNS);
  // block detection walks the graph: only for a layout that has block columns, and only when not given
  const counts = graphFeatures.some((f) => blockKindOfFeature(f.name)) ? (blocks ?? findBlocks(g).counts) : undefined;
  return [
    ...new Array<number>(NODE_COLUMNS).fill(0),
    ...graphFeatures.map((f, i) => {
      if (f.name === OUTPUT_WIDTH_FEATURE) {
        const width = graphOutputWidth(g);
        return width === null ? 0 : graphFeatureBin(f, width);
      }
      const kind = blockKindOfFeature(f.name);
      return graphFeatureBin(f, kind ? (counts![kind] ?? 0) : sizes[i]!);
    }),
  ];
}

/**
 * The graph's output width: the most channels any output node produces (a
 * classifier's class count, a language model's vocabulary), from its
 * outChannels or else the last dimension of its inferred shape; null when no
 * output node's width is known.
 */
export function graphOutputWidth(g: OpGraph): number | null {
  let width: number | null = null;
  for (const i of g.outputNodes) {
    const n = g.nodes[i];
    if (!n) continue;
    const last = n.outShape?.[n.outShape.length - 1];
    const w = n.outChannels ?? (typeof last === 'number' ? last : null);
    if (w !== null && Number.isFinite(w) && w > 0 && (width === null || w > width)) width = w;
  }
  return width;
}

export interface Featurized {
  ops: number[];
  bins: number[][];
  edges: Array<[number, number]>;
  /** Rows of ops/bins: the (coarsened) graph's nodes, then the [graph] node. */
  n: number;
  coarsened: boolean;
  /** Node count before coarsening, and the stages that were applied. */
  originalNodes: number;
  coarsening: string[];
}

/** Mutable working graph for coarsening: nodes in topological order. */
interface WorkNode {
  op: number;
  bins: number[];
  succ: Set<number>;
  pred: Set<number>;
  alive: boolean;
}

/**
 * Featurizes an OpGraph, coarsening it when it has more than maxNodes nodes. The layout must be
 * the one of the model set (or dataset) the features are for; the default is the log layout (the bundled set uses "blocks": ModelSet.binLayout).
 * `blocks`: the graph's block counts when already found (graphBins).
 */
export function featurize(g: OpGraph, maxNodes = MAX_NODES, layout: BinLayout = LOG_LAYOUT, blocks?: BlockCounts): Featurized {
  const n0 = g.nodes.length;
  const order = topoOrder(n0, g.edges);
  const pos = new Array<number>(n0);
  order.forEach((v, i) => (pos[v] = i));
  const work: WorkNode[] = order.map((v) => ({
    op: opId(g.nodes[v]!.category),
    bins: nodeBins(g.nodes[v]!, layout.features.length),
    succ: new Set(),
    pred: new Set(),
    alive: true,
  }));
  for (const [a, b] of g.edges) {
    const pa = pos[a]!;
    const pb = pos[b]!;
    if (pa === pb) continue;
    work[pa]!.succ.add(pb);
    work[pb]!.pred.add(pa);
  }
  // one slot is kept for the [graph] node
  const limit = maxNodes - 1;
  const stages = n0 > limit ? coarsen(work, limit) : [];
  const f = compact(work, n0, stages);
  f.ops.push(GRAPH_OP);
  f.bins.push(graphBins(g, layout, blocks));
  f.n++;
  return f;
}

function compact(work: WorkNode[], originalNodes: number, stages: string[]): Featurized {
  const newIndex = new Array<number>(work.length).fill(-1);
  const ops: number[] = [];
  const bins: number[][] = [];
  work.forEach((w, i) => {
    if (!w.alive) return;
    newIndex[i] = ops.length;
    ops.push(w.op);
    bins.push(w.bins);
  });
  const edges: Array<[number, number]> = [];
  work.forEach((w, i) => {
    if (!w.alive) return;
    for (const s of [...w.succ].sort((a, b) => a - b)) edges.push([newIndex[i]!, newIndex[s]!]);
  });
  return { ops, bins, edges, n: ops.length, coarsened: stages.length > 0, originalNodes, coarsening: stages };
}

const ELEMENTWISE = new Set<number>(
  [...ACTIVATIONS, ...NORMS, 'dropout', 'clip', 'reshape', 'flatten', 'transpose'].map((c) => opId(c)),
);
const PLUMBING = new Set<number>(['dropout', 'reshape', 'flatten', 'transpose', 'slice', 'gather', 'split', 'pad'].map((c) => opId(c)));

/** Live nodes, tracked incrementally (recounting in every loop test would be quadratic). */
const LIVE = new WeakMap<WorkNode[], number>();
function liveCount(work: WorkNode[]): number {
  let c = LIVE.get(work);
  if (c === undefined) {
    c = 0;
    for (const w of work) if (w.alive) c++;
    LIVE.set(work, c);
  }
  return c;
}
function markDead(work: WorkNode[], v: number): void {
  if (!work[v]!.alive) return;
  const c = liveCount(work);
  work[v]!.alive = false;
  LIVE.set(work, c - 1);
}

/** Removes node v, merging it into u (u inherits v's other edges). */
function mergeInto(work: WorkNode[], v: number, u: number): void {
  const nv = work[v]!;
  const nu = work[u]!;
  for (const p of nv.pred) {
    work[p]!.succ.delete(v);
    if (p !== u) {
      work[p]!.succ.add(u);
      nu.pred.add(p);
    }
  }
  for (const s of nv.succ) {
    work[s]!.pred.delete(v);
    if (s !== u) {
      nu.succ.add(s);
      work[s]!.pred.add(u);
    }
  }
  nv.succ.clear();
  nv.pred.clear();
  markDead(work, v);
}

/** Removes node v, connecting each predecessor to each successor. */
function bypass(work: WorkNode[], v: number): void {
  const nv = work[v]!;
  for (const p of nv.pred) {
    work[p]!.succ.delete(v);
    for (const s of nv.succ) {
      work[p]!.succ.add(s);
      work[s]!.pred.add(p);
    }
  }
  for (const s of nv.succ) work[s]!.pred.delete(v);
  nv.succ.clear();
  nv.pred.clear();
  markDead(work, v);
}

/**
 * The coarsening rule, applied in stages, each only while the graph is still
 * over the limit (stages that were needed are recorded in the output):
 *
 *  1. "plumbing": drop data-movement ops that carry no computation
 *     (dropout, reshape, flatten, transpose, slice, gather, split, pad),
 *     connecting their inputs to their outputs;
 *  2. "repeats": a run of k ≥ 3 identical consecutive units (a unit = up to
 *     400 consecutive nodes in topological order; identical = node by node the
 *     same op, bins and successor offsets) loses its middle units, from the
 *     second on, until the graph fits or only the first and last remain; if
 *     still over the limit, a second pass does the same to runs of 2 or more,
 *     down to one unit;
 *  3. "elementwise": fold norms, activations and other elementwise ops into
 *     their single producer when that producer has no other consumer
 *     (conv→bn→relu becomes one conv node);
 *  4. "window": split the live nodes, in topological order, into exactly
 *     `limit` runs of consecutive nodes (sizes differ by at most one) and merge
 *     each run into one node with the op and bins of its first weighted member
 *     (or its first member). This always lands exactly on the limit.
 */
export function coarsen(work: WorkNode[], maxNodes: number): string[] {
  const stages: string[] = [];
  const over = () => liveCount(work) > maxNodes;

  if (over()) {
    stages.push('plumbing');
    for (let v = 0; v < work.length && over(); v++) if (work[v]!.alive && PLUMBING.has(work[v]!.op)) bypass(work, v);
  }
  if (over()) {
    stages.push('repeats');
    collapseRepeats(work, 3, maxNodes);
    if (over()) collapseRepeats(work, 2, maxNodes);
  }
  if (over()) {
    stages.push('elementwise');
    for (let v = 0; v < work.length && over(); v++) {
      const nv = work[v]!;
      if (!nv.alive || !ELEMENTWISE.has(nv.op) || nv.pred.size !== 1) continue;
      const u = [...nv.pred][0]!;
      if (work[u]!.succ.size !== 1) continue;
      mergeInto(work, v, u);
    }
  }
  if (over()) {
    stages.push('window');
    // Exactly maxNodes groups of consecutive nodes, sizes differing by at most one,
    // so the graph lands on the limit instead of far below it.
    const live = work.map((w, i) => (w.alive ? i : -1)).filter((i) => i >= 0);
    const L = live.length;
    for (let g = 0; g < maxNodes; g++) {
      const group = live.slice(Math.floor((g * L) / maxNodes), Math.floor(((g + 1) * L) / maxNodes));
      if (group.length < 2) continue;
      const keep = group.find((i) => COARSEN_KEEP_OPS.has(work[i]!.op)) ?? group[0]!;
      for (const i of group) if (i !== keep) mergeInto(work, i, keep);
    }
  }
  return stages;
}

const COARSEN_KEEP_OPS = new Set<number>(
  ['conv', 'depthwise_conv', 'grouped_conv', 'dilated_conv', 'transposed_conv', 'linear', 'matmul', 'embedding', 'attention', 'lstm', 'gru', 'rnn'].map(
    (c) => opId(c),
  ),
);

/** Longest repeating unit, in nodes, the repeat search considers (a DARTS cell is 30–250 nodes). */
const MAX_PERIOD = 400;

/**
 * Reduces runs of ≥ minRun identical consecutive units (see coarsen, stage 2).
 *
 * A unit is a stretch of P consecutive live nodes (topological order); two
 * units are identical when node k of each has the same op, the same bins and
 * the same successor offsets (successor rank − own rank). Edges crossing unit
 * boundaries are therefore part of the pattern, so a cell that reads the two
 * previous cells (DARTS) repeats as well as a residual block does.
 * Candidate periods come from the next occurrences of the same node signature;
 * windows are compared by a polynomial hash, then verified exactly.
 */
function collapseRepeats(work: WorkNode[], minRun: number, maxNodes: number): void {
  const live = work.map((w, i) => (w.alive ? i : -1)).filter((i) => i >= 0);
  const n = live.length;
  const rank = new Map(live.map((v, r) => [v, r]));
  const intern = new Map<string, number>();
  const ids = live.map((v, r) => {
    const w = work[v]!;
    const offs = [...w.succ].map((x) => (rank.get(x) ?? r) - r).sort((a, b) => a - b);
    const key = `${w.op}:${w.bins.join(',')}>${offs.join(',')}`;
    let id = intern.get(key);
    if (id === undefined) intern.set(key, (id = intern.size + 1));
    return id;
  });
  // Prefix hashes mod 2^32: H(a, p) = P[a+p] − P[a]·B^p.
  const B = 0x9e3779b1;
  const pre = new Uint32Array(n + 1);
  const pow = new Uint32Array(n + 1);
  pow[0] = 1;
  for (let i = 0; i < n; i++) {
    pre[i + 1] = (Math.imul(pre[i]!, B) + ids[i]!) >>> 0;
    pow[i + 1] = Math.imul(pow[i]!, B) >>> 0;
  }
  const hash = (a: number, p: number) => (pre[a + p]! - Math.imul(pre[a]!, pow[p]!)) >>> 0;
  const same = (a: number, b: number, p: number) => {
    if (hash(a, p) !== hash(b, p)) return false;
    for (let k = 0; k < p; k++) if (ids[a + k] !== ids[b + k]) return false;
    return true;
  };
  // Next occurrence of each position's signature, for candidate periods.
  const nextSame = new Int32Array(n).fill(-1);
  const lastSeen = new Map<number, number>();
  for (let i = n - 1; i >= 0; i--) {
    nextSame[i] = lastSeen.get(ids[i]!) ?? -1;
    lastSeen.set(ids[i]!, i);
  }
  let i = 0;
  while (i < n && liveCount(work) > maxNodes) {
    let bestP = 0;
    let bestReps = 1;
    for (let j = nextSame[i]!; j !== -1 && j - i <= MAX_PERIOD && i + 2 * (j - i) <= n; j = nextSame[j]!) {
      const p = j - i;
      let reps = 1;
      while (i + (reps + 1) * p <= n && same(i, i + reps * p, p)) reps++;
      if (reps >= minRun && reps * p > bestReps * bestP) {
        bestP = p;
        bestReps = reps;
      }
    }
    if (bestP === 0) {
      i++;
      continue;
    }
    // Keep the first unit and, for runs of 3+, the last; drop the ones between, one unit
    // at a time from the second on, only while the graph is still over the limit.
    const lastKept = minRun >= 3 ? bestReps - 1 : bestReps;
    for (let u = 1; u < lastKept && liveCount(work) > maxNodes; u++) {
      for (let k = i + u * bestP; k < i + (u + 1) * bestP; k++) bypass(work, live[k]!);
    }
    i += bestReps * bestP;
  }
}

export { OTHER_ID };
