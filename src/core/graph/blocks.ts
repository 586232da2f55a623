/**
 * Structural blocks found on the OpGraph (counts). Definitions:
 *
 * - residual: an add whose (≥2) inputs come from branches that share an
 *   ancestor and differ in weighted depth (a skip joins a computed path),
 *   excluding feature-pyramid merges and the adds of recurrent cells and
 *   additive attention, which also join branches of different depth but are
 *   no skip connections: a gate pre-activation W·x + U·h whose sum only feeds
 *   sigmoid/tanh (LSTM/GRU/Elman cells unrolled by the exporter), a gated
 *   interpolation or cell update (GRU's n + z⊙(h − n), LSTM's f⊙c + i⊙g,
 *   highway's T⊙H + (1−T)⊙x), and the query+key sum of an additive score.
 * - depthwise_separable: a depthwise conv followed (through norms,
 *   activations and SE gating only) by a 1x1 conv.
 * - squeeze_excitation: global pool → FC/1x1 conv → activation → FC/1x1 conv
 *   → sigmoid/hard-sigmoid → mul with the pooled tensor's branch.
 * - attention: fused attention ops, plus each softmax over scores that
 *   produces a weighted sum of values (an activation×activation product ·V, or
 *   mul → reduce-sum). Scores are an activation×activation product (QKᵀ or
 *   Luong's dot score, with or without Q/K projections, through
 *   scaling/masking) or an additive (Bahdanau / concat) score v·tanh(·): a
 *   linear layer on a tanh.
 * - inverted_residual (MobileNetV2 "linear bottleneck"): a depthwise conv
 *   followed (through norm/activation/SE) by a 1x1 projection conv whose output
 *   passes no activation, optionally preceded by a 1x1 expansion conv
 *   (out > in). `withSkip` counts those whose projection feeds a residual add.
 * - feature_pyramid: an add merging an upsampled (resize / transposed conv)
 *   coarser map with a lateral branch.
 */
import type { BlockCounts, OpGraph } from './types.js';
import { ACTIVATIONS, NORMS } from './categories.js';
import { isWeighted, opTopoOrder } from './depth.js';
import { CONV_LIKE } from './categorize.js';
import { reach } from './walk.js';

export interface BlockDetail {
  counts: BlockCounts;
  invertedResidualWithSkip: number;
}

const ACT = new Set<string>(ACTIVATIONS.filter((a) => a !== 'softmax' && a !== 'log_softmax'));
const NORM = new Set<string>(NORMS);
const SHAPE_ONLY = new Set(['reshape', 'flatten', 'transpose', 'dropout', 'other']);
/** ops that only select or rearrange values (a fused gate projection is split into its gates). */
const PLUMBING = new Set([...SHAPE_ONLY, 'split', 'slice']);

export function findBlocks(g: OpGraph): BlockDetail {
  const n = g.nodes.length;
  const preds: number[][] = Array.from({ length: n }, () => []);
  const succ: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of g.edges) {
    preds[b]!.push(a);
    succ[a]!.push(b);
  }
  const cat = (i: number) => g.nodes[i]!.category;
  const is1x1 = (i: number) => {
    const k = g.nodes[i]!.kernel;
    return cat(i) === 'conv' && (!k || (k[0] === 1 && k[1] === 1));
  };
  const isUpsample = (i: number) => cat(i) === 'resize' || cat(i) === 'transposed_conv';

  const forward = (start: number, through: (i: number) => boolean, hit: (i: number) => boolean, maxSteps = 8) => reach(succ, start, through, hit, maxSteps);
  const backward = (start: number, through: (i: number) => boolean, hit: (i: number) => boolean, maxSteps = 8) => reach(preds, start, through, hit, maxSteps);

  // Ancestor test by marking (O(N) per query; fine for thousands of nodes).
  const mark = new Int32Array(n).fill(-1);
  let stamp = 0;
  const shareAncestor = (a: number, b: number): boolean => {
    stamp++;
    const st = [a];
    mark[a] = stamp;
    while (st.length) {
      const i = st.pop()!;
      for (const p of preds[i]!) if (mark[p] !== stamp) {
        mark[p] = stamp;
        st.push(p);
      }
    }
    const seen = new Set<number>([b]);
    const st2 = [b];
    while (st2.length) {
      const i = st2.pop()!;
      if (mark[i] === stamp) return true;
      for (const p of preds[i]!) if (!seen.has(p)) {
        seen.add(p);
        st2.push(p);
      }
    }
    return false;
  };

  const isAncestor = (a: number, b: number): boolean => {
    const seen = new Set<number>([b]);
    const st = [b];
    while (st.length) {
      const i = st.pop()!;
      if (i === a) return true;
      for (const p of preds[i]!) if (!seen.has(p)) {
        seen.add(p);
        st.push(p);
      }
    }
    return false;
  };

  const counts: BlockCounts = { residual: 0, depthwise_separable: 0, squeeze_excitation: 0, attention: 0, inverted_residual: 0, feature_pyramid: 0 };

  // attention (first: the adds of additive scores are not residuals)
  const scoreOps = new Set(['add', 'sub', 'mul', 'div', 'reshape', 'transpose', 'other', 'slice', 'dropout', 'clip']);
  const viaShape = (j: number) => SHAPE_ONLY.has(cat(j));
  /** a product of two computed tensors (not of a tensor and a constant) */
  const productOfTwo = (j: number) => new Set(preds[j]!).size >= 2;
  const scoreAdds = new Set<number>();
  for (let i = 0; i < n; i++) {
    const c = cat(i);
    if (c === 'attention') {
      counts.attention++;
      continue;
    }
    if (c !== 'softmax') continue;
    // the weights must make a weighted sum of computed values: a product with them (·V), or
    // α⊙values → reduce-sum (a mul by a constant, as in a soft-argmax, is no attention)
    const av = forward(i, viaShape, (j) => cat(j) === 'matmul' || cat(j) === 'mul', 4).filter(
      (j) => cat(j) === 'matmul' || (productOfTwo(j) && forward(j, viaShape, (k) => cat(k) === 'reduce', 3).length > 0),
    );
    if (!av.length) continue;
    // dot-product scores (QKᵀ, Luong's h·enc): an activation×activation product, or sum(q⊙k)
    const qk = backward(i, (j) => scoreOps.has(cat(j)), (j) => cat(j) === 'matmul' || cat(j) === 'reduce', 5).filter(
      (j) => cat(j) === 'matmul' || backward(j, viaShape, (k) => cat(k) === 'mul' && productOfTwo(k), 2).length > 0,
    );
    if (qk.length) {
      counts.attention++;
      continue;
    }
    // additive scores (Bahdanau v·tanh(W·k + U·q), or v·tanh(W·[q; k])): a linear layer on a tanh
    const v = backward(i, (j) => scoreOps.has(cat(j)), (j) => cat(j) === 'linear', 5);
    const tanhs = v.flatMap((j) => backward(j, viaShape, (k) => cat(k) === 'tanh', 3));
    if (!tanhs.length) continue;
    counts.attention++;
    for (const t of tanhs) for (const a of backward(t, viaShape, (k) => cat(k) === 'add', 3)) scoreAdds.add(a);
  }

  // Recurrent-cell arithmetic (exporters unroll LSTMCell/GRUCell/RNNCell into these ops).
  /** the node behind i, looking back through plumbing with one input */
  const behind = (i: number): number => {
    let j = i;
    for (let step = 0; step < 4 && PLUMBING.has(cat(j)) && preds[j]!.length === 1; step++) j = preds[j]![0]!;
    return j;
  };
  const isGate = (i: number): boolean => {
    const j = behind(i);
    const c = cat(j);
    // z, or 1 − z
    return c === 'sigmoid' || c === 'hard_sigmoid' || (c === 'sub' && preds[j]!.some((p) => ['sigmoid', 'hard_sigmoid'].includes(cat(behind(p)))));
  };
  /** a mul by a gate (z⊙h, f⊙c, i⊙g): the mul node, else -1 */
  const gatedProduct = (i: number): number => {
    const j = behind(i);
    return cat(j) === 'mul' && preds[j]!.some(isGate) ? j : -1;
  };
  /** what the gates of a gated product are computed from: the sigmoid, its pre-activation sum, the
   * projections and the tensors they read (4 steps back through plumbing, adds and projections) */
  const gateSources = (mul: number): Set<number> => {
    const out = new Set<number>();
    const pre = (k: number) => PLUMBING.has(cat(k)) || cat(k) === 'add' || cat(k) === 'linear' || CONV_LIKE.has(cat(k));
    for (const gate of preds[mul]!.filter(isGate)) {
      let sig = behind(gate);
      if (cat(sig) === 'sub') sig = behind(preds[sig]!.find((p) => ['sigmoid', 'hard_sigmoid'].includes(cat(behind(p))))!);
      out.add(sig);
      let frontier = [sig];
      for (let step = 0; step < 4 && frontier.length; step++) {
        const next: number[] = [];
        for (const f of frontier) for (const p of preds[f]!) if (!out.has(p)) {
          out.add(p);
          if (pre(p)) next.push(p);
        }
        frontier = next;
      }
    }
    return out;
  };
  /** the gates of two gated products belong to one cell: computed from the same tensors (f and i of an LSTM, z and 1 − z) */
  const sameCell = (m1: number, m2: number): boolean => {
    const s1 = gateSources(m1);
    for (const k of gateSources(m2)) if (s1.has(k)) return true;
    return false;
  };
  const isProjection = (i: number): boolean => {
    const c = cat(behind(i));
    return c === 'linear' || CONV_LIKE.has(c);
  };
  const recurrentAdd = (i: number, ps: number[]): boolean => {
    if (ps.length !== 2) return false;
    // gate pre-activation: W·x + U·h (or W·x + r⊙(U·h)) whose sum feeds nothing but sigmoid/tanh
    const consumers = forward(i, (j) => PLUMBING.has(cat(j)), (j) => !PLUMBING.has(cat(j)), 4);
    const saturating = consumers.length > 0 && consumers.every((j) => ['sigmoid', 'tanh', 'hard_sigmoid'].includes(cat(j)));
    if (saturating && ps.every((p) => isProjection(p) || gatedProduct(p) >= 0)) return true;
    // gated interpolation / cell update: both terms gated by gates of one cell, or n + z⊙(h − n).
    // (the sum of two gated outputs of different layers, h¹ + h² between stacked cells, is a skip)
    const [a, b] = ps as [number, number];
    const ga = gatedProduct(a);
    const gb = gatedProduct(b);
    if (ga >= 0 && gb >= 0 && sameCell(ga, gb)) return true;
    const lerp = (g: number, other: number) =>
      g >= 0 && preds[g]!.some((f) => {
        const d = behind(f);
        return cat(d) === 'sub' && preds[d]!.some((x) => behind(x) === behind(other));
      });
    return lerp(ga, b) || lerp(gb, a);
  };
  const residualAdds = new Set<number>();
  // weighted layers on the longest path ending at each node
  const wdepth = new Array<number>(n).fill(0);
  for (const i of opTopoOrder(g)) {
    let m = 0;
    for (const p of preds[i]!) m = Math.max(m, wdepth[p]!);
    wdepth[i] = m + (isWeighted(g.nodes[i]!.category, g.nodes[i]!.params) ? 1 : 0);
  }
  const inputs = new Set(g.inputNodes);
  for (let i = 0; i < n; i++) {
    if (cat(i) !== 'add') continue;
    const ps = [...new Set(preds[i]!)];
    if (ps.length === 1 && inputs.has(i)) {
      // the skip is the graph input itself, joined with a path computed from it
      counts.residual++;
      residualAdds.add(i);
      continue;
    }
    if (ps.length < 2) continue;
    if (scoreAdds.has(i) || recurrentAdd(i, ps)) continue;
    const up = ps.filter(isUpsample);
    if (up.length > 0 && up.length < ps.length) {
      counts.feature_pyramid++;
      continue;
    }
    // a skip joins a computed path: the branches share an ancestor and differ in weighted depth
    // (box-decoding arithmetic on one tensor, or parallel convs of equal depth, is no residual)
    let joined = false;
    for (let x = 0; x < ps.length && !joined; x++) {
      for (let y = x + 1; y < ps.length && !joined; y++) joined = wdepth[ps[x]!] !== wdepth[ps[y]!] && shareAncestor(ps[x]!, ps[y]!);
    }
    if (joined) {
      counts.residual++;
      residualAdds.add(i);
    }
  }

  const passDw = (i: number) => NORM.has(cat(i)) || ACT.has(cat(i)) || cat(i) === 'mul' || cat(i) === 'dropout';
  let irSkip = 0;
  for (let i = 0; i < n; i++) {
    if (cat(i) !== 'depthwise_conv') continue;
    const pw = forward(i, passDw, is1x1);
    if (pw.length) counts.depthwise_separable++;
    // inverted residual: the 1x1 projection is linear (no activation before the next op that is not a norm)
    const proj = pw.find((p) => forward(p, (j) => NORM.has(cat(j)) || cat(j) === 'dropout', (j) => ACT.has(cat(j)), 4).length === 0);
    if (proj === undefined) continue;
    const expand = backward(i, (j) => NORM.has(cat(j)) || ACT.has(cat(j)), (j) => is1x1(j) || cat(j) === 'depthwise_conv' || cat(j) === 'add', 4);
    const e = expand.find((j) => is1x1(j));
    const projIn = g.nodes[proj]!.inChannels;
    const projOut = g.nodes[proj]!.outChannels;
    // With an expansion conv it must widen; without one the projection must not widen.
    if (e !== undefined) {
      const ei = g.nodes[e]!.inChannels;
      const eo = g.nodes[e]!.outChannels;
      if (ei !== null && eo !== null && eo <= ei) continue;
    } else if (projIn !== null && projOut !== null && projOut > projIn) continue;
    counts.inverted_residual++;
    // with skip: the projection's residual add also takes the block's own input (an ancestor of the depthwise conv)
    const adds = forward(proj, (j) => NORM.has(cat(j)) || cat(j) === 'dropout', (j) => residualAdds.has(j), 4);
    const blockStart = e ?? i;
    if (adds.some((a) => preds[a]!.some((p) => isAncestor(p, blockStart)))) irSkip++;
  }

  // squeeze-excitation
  const isFc = (i: number) => cat(i) === 'linear' || is1x1(i);
  const isPool = (i: number) => ['global_avg_pool', 'global_max_pool', 'adaptive_pool', 'reduce', 'avg_pool'].includes(cat(i));
  const skipShape = (i: number) => SHAPE_ONLY.has(cat(i));
  for (let i = 0; i < n; i++) {
    if (cat(i) !== 'mul') continue;
    const ps = [...new Set(preds[i]!)];
    // the gated tensor may be the graph input itself (other = -1)
    const fedByInput = inputs.has(i);
    if (!(ps.length === 2 || (ps.length === 1 && fedByInput))) continue;
    let found = false;
    for (const gate of ps) {
      if (found) break;
      const gc = cat(gate);
      if (gc !== 'sigmoid' && gc !== 'hard_sigmoid') continue;
      const other = ps.find((p) => p !== gate) ?? -1;
      for (const fc2 of backward(gate, skipShape, isFc, 3)) {
        for (const act of backward(fc2, skipShape, (j) => ACT.has(cat(j)), 3)) {
          for (const fc1 of backward(act, skipShape, isFc, 3)) {
            for (const pool of backward(fc1, skipShape, isPool, 3)) {
              const src = preds[pool]!;
              if (other === -1 ? inputs.has(pool) : src.some((s) => s === other || shareAncestor(s, other))) found = true;
            }
          }
        }
      }
    }
    if (found) counts.squeeze_excitation++;
  }

  return { counts, invertedResidualWithSkip: irSkip };
}
