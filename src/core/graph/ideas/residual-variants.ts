/**
 * Ideas about what a residual block holds: the 1×1-3×3-1×1 bottleneck, its
 * widened form, pre-activation ordering, Xception's separable flows, and a
 * learned per-channel scale on the branch (layer scale).
 */
import type { IdeaDetector } from './detector.js';
import { found, type IdeaContext } from './context.js';

export interface SkipJoin {
  add: number;
  /** the computed branch (nodes between the block input and the add), in graph order */
  body: number[];
  /** the shortcut side (empty for an identity skip, a projection conv otherwise) */
  shortcut: number[];
}

/** adds that join a computed branch with a short shortcut (identity or one projection) from the same input */
export function skipJoins(ctx: IdeaContext): SkipJoin[] {
  return ctx.memo('skipJoins', () => findSkipJoins(ctx));
}

function findSkipJoins(ctx: IdeaContext): SkipJoin[] {
  const out: SkipJoin[] = [];
  for (const a of ctx.all('add')) {
    const ps = ctx.preds[a]!;
    if (ps.length !== 2) continue;
    const [s0, s1] = ctx.sides(ps[0]!, ps[1]!);
    const weighted = (s: number[]) => s.filter((x) => ctx.isConv(x) || ctx.cat(x) === 'linear').length;
    const [body, shortcut] = weighted(s0) >= weighted(s1) ? [s0, s1] : [s1, s0];
    if (weighted(body) === 0 || weighted(shortcut) > 1 || body.length > 400) continue;
    if (!body.length) continue;
    // the block input is shared: the shortcut starts where the body starts
    const bodyPreds = body.flatMap((x) => ctx.preds[x]!).filter((p) => !body.includes(p));
    if (!bodyPreds.length) continue;
    out.push({ add: a, body, shortcut });
  }
  return out;
}

const bodyConvs = (ctx: IdeaContext, j: SkipJoin) => j.body.filter((x) => ctx.isConv(x));

/** the bottleneck joins: body convs exactly [1×1 reduce, k×k, 1×1 expand] */
function bottlenecks(ctx: IdeaContext): Array<SkipJoin & { mid: number; last: number }> {
  return ctx.memo('bottlenecks', () => findBottlenecks(ctx));
}

function findBottlenecks(ctx: IdeaContext): Array<SkipJoin & { mid: number; last: number }> {
  const out: Array<SkipJoin & { mid: number; last: number }> = [];
  for (const j of skipJoins(ctx)) {
    const cs = bodyConvs(ctx, j);
    if (cs.length !== 3 || j.body.some((x) => ctx.cat(x) === 'linear' || ctx.cat(x) === 'attention' || ctx.cat(x) === 'softmax')) continue;
    const [a, b, c] = cs as [number, number, number];
    const [na, nc] = [ctx.nodes[a]!, ctx.nodes[c]!];
    if (!ctx.isPointwise(a) || !ctx.isPointwise(c) || ctx.kmax(b) < 3 || ctx.cat(b) === 'depthwise_conv') continue;
    if (!(na.outChannels && na.inChannels && na.outChannels < na.inChannels) && !(nc.outChannels && na.outChannels && nc.outChannels >= 2 * na.outChannels)) continue;
    if (!(nc.outChannels && nc.inChannels && nc.outChannels > nc.inChannels)) continue;
    out.push({ ...j, mid: b, last: c });
  }
  return out;
}

export const RESIDUAL_IDEAS: IdeaDetector[] = [
  {
    id: 'bottleneck_residual',
    detect: (ctx) => found(ctx, bottlenecks(ctx).map((j) => j.add)),
  },
  {
    // the middle conv is a full conv (not grouped) and the block widens its output by at most 2× (ResNet's is 4×)
    id: 'wide_blocks',
    detect(ctx) {
      const bs = bottlenecks(ctx);
      if (!bs.length) return null;
      const wide = bs.every((b) => {
        const mid = ctx.nodes[b.mid]!;
        const last = ctx.nodes[b.last]!;
        return ctx.cat(b.mid) === 'conv' && mid.outChannels !== null && last.outChannels !== null && last.outChannels <= 2 * mid.outChannels;
      });
      return wide ? found(ctx, bs.map((b) => b.add)) : null;
    },
  },
  {
    // the branch ends in a bare conv (no norm/activation after it) and the sum goes on un-activated into the next block's norm
    id: 'pre_activation_residual',
    detect(ctx) {
      const hits = skipJoins(ctx)
        .filter((j) => {
          const last = ctx.preds[j.add]!.find((p) => j.body.includes(p));
          if (last === undefined) return false;
          const bare = ctx.behind(last, (x) => ctx.cat(x) === 'dropout');
          if (!(ctx.isConv(bare) && ctx.walk('backward', j.add, (x) => ctx.cat(x) === 'dropout', (x) => x === bare, 3).length)) return false;
          if (ctx.isNorm(last) || ctx.isAct(last)) return false;
          const next = ctx.succ[j.add]!;
          return next.length > 0 && !next.some((x) => ctx.isAct(x)) && next.some((x) => ctx.cat(x) === 'batch_norm');
        })
        .map((j) => j.add);
      return found(ctx, hits);
    },
  },
  {
    // residual branches holding ≥ 2 depthwise-separable convs and no 1×1 expansion (Xception's flows)
    id: 'extreme_inception_flow',
    detect(ctx) {
      const hits = skipJoins(ctx).filter((j) => {
        const dws = j.body.filter((x) => ctx.cat(x) === 'depthwise_conv');
        if (dws.length < 2) return false;
        return dws.every((d) => {
          const before = ctx.behind(ctx.preds[d]![0] ?? d);
          const n = ctx.nodes[before]!;
          const expands = ctx.isPointwise(before) && n.outChannels !== null && n.inChannels !== null && n.outChannels > n.inChannels;
          return !expands && ctx.walk('forward', d, (x) => ctx.isNorm(x) || ctx.isAct(x), (x) => ctx.isPointwise(x), 3).length > 0;
        });
      });
      return found(ctx, hits.map((j) => j.add));
    },
  },
  {
    // a mul by a learned per-channel vector on the branch, just before the residual add
    id: 'layer_scale',
    detect(ctx) {
      const adds = new Set(skipJoins(ctx).map((j) => j.add));
      const hits = ctx.all('mul').filter((m) => {
        const n = ctx.nodes[m]!;
        const s = n.outShape;
        const ch = s && s.length === 4 ? s[1] : s ? s[s.length - 1] : null;
        if (!n.params || ctx.preds[m]!.length !== 1 || (n.params !== n.outChannels && n.params !== ch)) return false;
        return ctx.walk('forward', m, (x) => ctx.cat(x) === 'dropout' || ctx.isPlumbing(x), (x) => adds.has(x), 3).length > 0;
      });
      return found(ctx, hits);
    },
  },
];
