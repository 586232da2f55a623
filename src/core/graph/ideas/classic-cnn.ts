/**
 * Ideas of the classic CNNs: plain conv stacks (AlexNet/VGG), a large strided
 * stem, Network-in-Network's mlpconv and global-average-pool head,
 * Inception's parallel branches, factorised n×1/1×n convs and auxiliary
 * classifiers, SqueezeNet's fire modules and DenseNet's dense connectivity.
 */
import type { IdeaDetector } from './detector.js';
import { found, type IdeaContext } from './context.js';

/** conv ops that are not pointwise (a spatial / temporal kernel) */
const spatialConvs = (ctx: IdeaContext) => ctx.all('conv', 'grouped_conv', 'dilated_conv', 'depthwise_conv').filter((i) => ctx.kmax(i) > 1);

/** the first conv fed by the graph input (through pads / norms only) */
function stemConv(ctx: IdeaContext): number | null {
  for (const i of ctx.inputNodes) {
    let j = i;
    for (let s = 0; s < 4 && !ctx.isConv(j) && ctx.cat(j) !== 'transposed_conv'; s++) {
      if (!(ctx.cat(j) === 'pad' || ctx.isNorm(j)) || ctx.succ[j]!.length !== 1) break;
      j = ctx.succ[j]![0]!;
    }
    if (ctx.isConv(j) && ctx.hw(j)) return j;
  }
  return null;
}

/** a concat of ≥ 2 parallel branches that each hold a short conv path (Inception, fire, ASPP): the conv kernels per branch */
export function parallelConvBranches(ctx: IdeaContext, c: number): number[][] | null {
  return ctx.memo(`branches:${c}`, () => convBranches(ctx, c));
}

function convBranches(ctx: IdeaContext, c: number): number[][] | null {
  const ps = ctx.preds[c]!;
  // Inception, fire and ASPP join 2–6 branches; DenseNet's concats of every earlier layer are none of them
  if (ps.length < 2 || ps.length > 8) return null;
  const own = ctx.branches(ps);
  if (!own) return null;
  const branches: number[][] = [];
  for (const mine of own) {
    const weighted = mine.filter((x) => ctx.isConv(x) || ctx.cat(x) === 'linear' || ctx.cat(x) === 'transposed_conv');
    if (weighted.length > 4) return null;
    branches.push(weighted.filter((x) => ctx.isConv(x)));
  }
  return branches;
}

export const CLASSIC_CNN_IDEAS: IdeaDetector[] = [
  {
    // a first conv of kernel ≥ 7 and stride ≥ 2 that is not a patch cutter (kernel = stride)
    id: 'large_kernel_stem',
    detect(ctx) {
      const s = stemConv(ctx);
      if (s === null) return null;
      const k = ctx.kernel(s);
      const st = ctx.nodes[s]!.stride;
      if (!k || !st || Math.min(k[0], k[1]) < 7 || Math.max(st[0], st[1]) < 2 || (k[0] === st[0] && k[1] === st[1])) return null;
      return found(ctx, [s], 1);
    },
  },
  {
    // a spatial conv followed (through activations) by two 1×1 convs: a per-pixel MLP
    id: 'mlpconv',
    detect(ctx) {
      const hits = ctx.all('conv').filter((i) => {
        if (ctx.kmax(i) < 3 || !ctx.hw(i)) return false;
        return ctx.walk('forward', i, (j) => ctx.isAct(j) || ctx.isNorm(j), (j) => ctx.isPointwise(j), 3).some((p) =>
          ctx.walk('forward', p, (j) => ctx.isAct(j) || ctx.isNorm(j), (j) => ctx.isPointwise(j), 3).length > 0,
        );
      });
      return found(ctx, hits);
    },
  },
  {
    // the classifier reads a global average pool: pool → (flatten, norm, dropout) → ≤ 1 linear/1×1 conv → output
    id: 'global_average_pooling_head',
    detect(ctx) {
      const pools = ctx.all('global_avg_pool', 'adaptive_pool', 'reduce', 'avg_pool').filter((i) => {
        if (ctx.cat(i) === 'reduce' && ctx.rawOp(i) !== 'ReduceMean') return false;
        if (ctx.cat(i) === 'avg_pool' || ctx.cat(i) === 'adaptive_pool') {
          const hw = ctx.hw(i);
          if (!hw || hw[0] !== 1 || hw[1] !== 1) return false;
        }
        if (ctx.succ[i]!.some((j) => ctx.cat(j) === 'mul' || ctx.isConv(j) && !ctx.isPointwise(j))) return false; // SE gates, pooling branches
        return reachesOutput(ctx, i);
      });
      // a mean over the tokens folded into the final norm by the exporter's clustering (MLP-Mixer's head)
      const folded = ctx.all('layer_norm').filter((i) => {
        const p = ctx.preds[i]![0];
        const last = ctx.rawNodes(i).at(-1)?.op;
        return p !== undefined && last === 'ReduceMean' && ctx.rank(i) < ctx.rank(p) && reachesOutput(ctx, i);
      });
      return found(ctx, [...pools, ...folded]);
    },
  },
  {
    // concat of ≥ 3 parallel short branches with different kernel sizes, none dilated (that is ASPP)
    id: 'inception_branches',
    detect(ctx) {
      if (ctx.all('embedding').length) return null;
      const hits = ctx.all('concat').filter((c) => {
        if (ctx.rank(c) !== 4) return false;
        const br = parallelConvBranches(ctx, c);
        if (!br || br.length < 3) return false;
        if (br.some((b) => b.some((x) => ctx.cat(x) === 'dilated_conv'))) return false;
        const kinds = new Set(br.map((b) => b.map((x) => ctx.kernel(x)?.join('x')).sort().join('|')));
        return kinds.size >= 2 && br.filter((b) => b.length > 0).length >= 3;
      });
      return found(ctx, hits);
    },
  },
  {
    // ≥ 2 class-vector outputs of one width, each from its own linear head: the extra ones read intermediate features
    id: 'auxiliary_classifier',
    detect(ctx) {
      const heads = [...ctx.outputNodes]
        .filter((o) => ctx.rank(o) === 2)
        .map((o) => ({ o, head: ctx.behind(o, (j) => ctx.cat(j) === 'softmax' || ctx.cat(j) === 'log_softmax'), width: ctx.shape(o)![1] }))
        .filter((h) => ctx.cat(h.head) === 'linear' && typeof h.width === 'number' && h.width >= 2);
      if (heads.length < 2) return null;
      const width = heads[0]!.width;
      if (!heads.every((h) => h.width === width) || new Set(heads.map((h) => h.head)).size !== heads.length) return null;
      // the main head is the deepest; each auxiliary head is not downstream of another head
      const aux = heads.filter((h) => heads.some((k) => k !== h && ctx.ancestors(k.head).size > ctx.ancestors(h.head).size));
      return aux.length ? found(ctx, aux.map((h) => h.head)) : null;
    },
  },
  {
    // 2-D convs with 1×n and n×1 kernels (n ≥ 3), both orientations present
    id: 'factorised_convolution',
    detect(ctx) {
      const asym = ctx.all('conv', 'grouped_conv', 'depthwise_conv', 'dilated_conv').filter((i) => {
        const k = ctx.kernel(i);
        return !!k && ctx.hw(i) && Math.min(k[0], k[1]) === 1 && Math.max(k[0], k[1]) >= 3;
      });
      const rows = asym.filter((i) => ctx.kernel(i)![0] === 1);
      const cols = asym.filter((i) => ctx.kernel(i)![1] === 1);
      return rows.length && cols.length ? found(ctx, asym) : null;
    },
  },
  {
    // squeeze 1×1 conv → expand 1×1 and expand 3×3 in parallel → concat
    id: 'fire_module',
    detect(ctx) {
      const hits = ctx.all('concat').filter((c) => {
        const ps = ctx.preds[c]!;
        if (ps.length !== 2) return false;
        const convs = ps.map((p) => ctx.behind(p));
        if (!convs.every((x) => ctx.cat(x) === 'conv')) return false;
        const ks = convs.map((x) => ctx.kmax(x)).sort();
        if (ks[0] !== 1 || ks[1] !== 3) return false;
        const sq = convs.map((x) => ctx.behind(ctx.preds[x]![0] ?? x));
        return sq[0] === sq[1] && ctx.isPointwise(sq[0]!) && (ctx.nodes[sq[0]!]!.outChannels ?? 0) < (ctx.nodes[c]!.outChannels ?? 0);
      });
      return found(ctx, hits);
    },
  },
  {
    // a concat joining a feature map with a conv path computed from it at the same resolution, ≥ 3 times
    id: 'dense_connectivity',
    detect(ctx) {
      const downOrUp = (j: number) =>
        ['max_pool', 'avg_pool', 'resize', 'transposed_conv', 'global_avg_pool', 'adaptive_pool'].includes(ctx.cat(j)) ||
        (ctx.nodes[j]!.stride ?? [1, 1]).some((s) => s > 1);
      const hits = ctx.all('concat').filter((c) => {
        if (ctx.rank(c) !== 4) return false;
        const ps = ctx.preds[c]!;
        return ps.some((p) =>
          ps.some((q) => {
            if (p === q || !ctx.ancestors(q).has(p)) return false;
            // every op between p and q keeps the resolution and a weighted layer lies between
            const after = ctx.descendants(p);
            const between = [...ctx.ancestors(q), q].filter((x) => after.has(x));
            return between.some((x) => ctx.isConv(x)) && !between.some(downOrUp);
          }),
        );
      });
      return hits.length >= 3 ? found(ctx, hits) : null;
    },
  },
  {
    // no skips, no parallel branches, no attention or recurrence: a chain of ≥ 3 spatial convs
    id: 'plain_conv_stack',
    detect(ctx, known) {
      if (ctx.input.blocks.residual || ctx.input.blocks.attention || ctx.all('lstm', 'gru', 'rnn', 'embedding').length) return null;
      if (ctx.all('transposed_conv').length >= ctx.all('conv').length) return null; // a generator or an autoencoder's decoder
      const convs = spatialConvs(ctx).filter((i) => ctx.hw(i));
      if (convs.length < 3) return null;
      const multiBranch = ctx.all('concat').some((c) => {
        const br = parallelConvBranches(ctx, c);
        return !!br && br.filter((b) => b.length > 0).length >= 2;
      });
      if (multiBranch || known.dense_connectivity) return null;
      return found(ctx, convs);
    },
  },
];

/** i reaches a graph output through plumbing, norms, activations and at most one weighted layer */
export function reachesOutput(ctx: IdeaContext, i: number): boolean {
  let frontier = [i];
  let weighted = 0;
  for (let s = 0; s < 8; s++) {
    if (frontier.some((j) => ctx.outputNodes.has(j))) return true;
    const next = frontier.flatMap((j) => ctx.succ[j]!);
    if (!next.length) return false;
    for (const j of next) if (ctx.cat(j) === 'linear' || ctx.isPointwise(j)) weighted++;
    if (weighted > 1 || next.some((j) => !(ctx.isPlumbing(j) || ctx.isNorm(j) || ctx.isAct(j) || ctx.cat(j) === 'softmax' || ctx.cat(j) === 'linear' || ctx.isPointwise(j)))) return false;
    frontier = next;
  }
  return false;
}
