/**
 * Ideas of generative models (a latent upsampled to an image, a variational
 * latent, a conv encoder–decoder) and of point-cloud networks (PointNet's
 * shared per-point MLP, symmetric max pooling over points, transform nets).
 */
import type { IdeaDetector } from './detector.js';
import { found, type IdeaContext } from './context.js';

const downsamples = (ctx: IdeaContext) =>
  ctx.all('conv', 'grouped_conv', 'depthwise_conv', 'dilated_conv', 'max_pool', 'avg_pool').filter((i) => ctx.hw(i) && (ctx.nodes[i]!.stride ?? [1, 1]).some((s) => s > 1));
const learnedUps = (ctx: IdeaContext) => ctx.all('transposed_conv').filter((i) => (ctx.nodes[i]!.stride ?? [1, 1]).some((s) => s > 1));

/** a 1-D conv with kernel 1 (the same MLP applied to every point) */
const pointwise1d = (ctx: IdeaContext, i: number) => ctx.isPointwise(i) && ctx.is1d(i);

/** max over the points of a per-point feature [B, C, N] → [B, C] */
function pointMaxPools(ctx: IdeaContext): number[] {
  return ctx.all('reduce', 'global_max_pool', 'max_pool').filter((i) => {
    if (ctx.cat(i) === 'reduce' && ctx.rawOp(i) !== 'ReduceMax') return false;
    const src = ctx.behind(ctx.preds[i]![0] ?? i);
    if (!pointwise1d(ctx, src)) return false;
    const s = ctx.shape(i);
    return !!s && (s.length === 2 || (s.length === 3 && s[2] === 1));
  });
}

export const GENERATIVE_POINT_IDEAS: IdeaDetector[] = [
  {
    // no image in (a vector or a 1×1 map), an image out through ≥ 2 upsamplings, tanh at the end
    id: 'latent_to_image_generator',
    detect(ctx) {
      const inp = ctx.input.inputs[0]?.shape;
      if (!inp || ctx.input.inputs.length !== 1 || ctx.imageInput()) return null;
      const latent = inp.length === 2 || (inp.length === 4 && inp[2] === 1 && inp[3] === 1);
      if (!latent) return null;
      const outs = [...ctx.outputNodes].filter((o) => ctx.cat(o) === 'tanh' && (ctx.hw(o)?.[0] ?? 0) >= 16);
      const ups = [...learnedUps(ctx), ...ctx.all('resize')];
      return outs.length && ups.length >= 2 ? found(ctx, [...outs, ...ups]) : null;
    },
  },
  {
    // two parallel projections of one feature (μ, log σ²) of one size; the second goes through exp, the two meet
    id: 'variational_latent',
    detect(ctx) {
      const hits: number[] = [];
      for (const l of ctx.all('linear', 'conv')) {
        for (const l2 of ctx.succ[ctx.preds[l]![0] ?? l] ?? []) {
          if (l2 <= l || ctx.cat(l2) !== ctx.cat(l) || ctx.nodes[l2]!.outChannels !== ctx.nodes[l]!.outChannels) continue;
          const exp = ctx.walk('forward', l2, (j) => ['mul', 'div', 'other'].includes(ctx.cat(j)) && ctx.rawOp(j) !== 'Exp', (j) => ctx.rawOp(j) === 'Exp', 3);
          if (!exp.length) continue;
          const meet = ctx.walk('forward', exp[0]!, (j) => ['mul', 'other'].includes(ctx.cat(j)), (j) => ctx.cat(j) === 'add' && ctx.preds[j]!.includes(l), 3);
          if (meet.length) hits.push(l, l2);
        }
      }
      return hits.length ? found(ctx, hits, hits.length / 2) : null;
    },
  },
  {
    // image in, image of the same size out: ≥ 2 strided downsamplings, then ≥ 2 transposed-conv upsamplings, no skip concat
    id: 'conv_encoder_decoder',
    detect(ctx, known) {
      const img = ctx.imageInput();
      if (!img || known.encoder_decoder_skip_concat) return null;
      const outs = [...ctx.outputNodes].filter((o) => {
        const hw = ctx.hw(o);
        return !!hw && hw[0] === img[1] && hw[1] === img[2];
      });
      const downs = downsamples(ctx);
      const ups = learnedUps(ctx);
      if (!outs.length || downs.length < 2 || ups.length < 2 || Math.min(...ups) < Math.max(...downs)) return null;
      return found(ctx, [...downs, ...ups], null);
    },
  },
  {
    id: 'symmetric_max_pool',
    detect: (ctx) => found(ctx, pointMaxPools(ctx)),
  },
  {
    // ≥ 2 stacked kernel-1 1-D convs feeding a max over the points
    id: 'shared_pointwise_mlp',
    detect(ctx, known) {
      if (!known.symmetric_max_pool) return null;
      const convs = ctx.all('conv').filter((i) => pointwise1d(ctx, i));
      return convs.length >= 2 ? found(ctx, convs) : null;
    },
  },
  {
    // a linear predicting k² values, reshaped to k×k, multiplied with the points / features it was computed from
    id: 'transform_net',
    detect(ctx) {
      const hits = ctx.all('matmul').filter((m) => {
        const ps = ctx.preds[m]!;
        // the other operand may be the graph input itself (the points), which is no op of the graph
        if (ps.length !== 2 && !(ps.length === 1 && ctx.inputNodes.has(m))) return false;
        return ps.some((p) => {
          let r = p;
          while (ctx.cat(r) === 'add' && ctx.preds[r]!.length === 1) r = ctx.preds[r]![0]!; // + identity
          const s = ctx.shape(r);
          if (ctx.cat(r) !== 'reshape' || !s || s.length < 2 || s[s.length - 1] !== s[s.length - 2] || (s[s.length - 1] as number) < 2) return false;
          const l = ctx.behind(ctx.preds[r]![0] ?? r);
          const k = s[s.length - 1] as number;
          const other = ps.find((q) => q !== p);
          if (ctx.cat(l) !== 'linear' || ctx.nodes[l]!.outChannels !== k * k) return false;
          // computed from what it transforms: the points (a graph input) or the features
          return other === undefined ? [...ctx.ancestors(l)].some((a) => ctx.inputNodes.has(a)) : [...ctx.ancestors(l)].some((a) => a === other || ctx.ancestors(other).has(a));
        });
      });
      return found(ctx, hits);
    },
  },
];
