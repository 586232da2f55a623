/**
 * Ideas of dense prediction (segmentation, detection, keypoints,
 * super-resolution): atrous convs and ASPP, fully convolutional heads,
 * U-Net skip concatenation and cropping, box heads (anchors over a pyramid,
 * YOLO's grid, CenterNet's centre maps), keypoint heatmaps, YOLO's
 * passthrough reorganisation, and the ways a decoder upsamples.
 */
import type { IdeaDetector } from './detector.js';
import { found, type IdeaContext } from './context.js';
import { parallelConvBranches } from './classic-cnn.js';

const isUp = (ctx: IdeaContext, j: number) => ctx.cat(j) === 'transposed_conv' || (ctx.cat(j) === 'resize' && ctx.rawOp(j) !== 'DepthToSpace');

/** rank-6 reshape → transpose → rank-4 reshape, as [channel factor, spatial factor] of the result against the input */
function spaceDepthReorg(ctx: IdeaContext, r2: number): [number, number] | null {
  if (ctx.cat(r2) !== 'reshape' || ctx.rank(r2) !== 4) return null;
  const t = ctx.preds[r2]![0];
  if (t === undefined || ctx.cat(t) !== 'transpose') return null;
  const r1 = ctx.preds[t]![0];
  if (r1 === undefined || ctx.cat(r1) !== 'reshape' || ctx.rank(r1) !== 6) return null;
  const src = ctx.preds[r1]![0];
  const a = src === undefined ? null : ctx.shape(src);
  const b = ctx.shape(r2);
  if (!a || !b || a.length !== 4 || !a.every((d) => typeof d === 'number') || !b.every((d) => typeof d === 'number')) return null;
  const [ca, ha] = [a[1] as number, a[2] as number];
  const [cb, hb] = [b[1] as number, b[2] as number];
  return [cb / ca, hb / ha];
}

/** the graph outputs (op indices) that are rank-4 maps with H, W > 1 */
const mapOutputs = (ctx: IdeaContext) => [...ctx.outputNodes].filter((o) => (ctx.hw(o)?.[0] ?? 0) > 1).sort((a, b) => a - b);

/** the conv that computes output o, looking back through activations, plumbing and upsampling resizes */
const headConv = (ctx: IdeaContext, o: number) => ctx.behind(o, (j) => ctx.cat(j) === 'resize' || ctx.cat(j) === 'softmax');

export const DENSE_PREDICTION_IDEAS: IdeaDetector[] = [
  { id: 'atrous_convolution', detect: (ctx) => found(ctx, ctx.all('dilated_conv').filter((i) => ctx.hw(i))) },
  {
    // parallel branches, ≥ 2 of them dilated with different rates, concatenated on channels
    id: 'aspp',
    detect(ctx) {
      const hits = ctx.all('concat').filter((c) => {
        const br = parallelConvBranches(ctx, c);
        if (!br || br.length < 3 || ctx.rank(c) !== 4) return false;
        const rates = new Set(br.flatMap((b) => b.filter((x) => ctx.cat(x) === 'dilated_conv').map((x) => ctx.nodes[x]!.dilation?.join('x'))));
        return rates.size >= 2;
      });
      return found(ctx, hits);
    },
  },
  { id: 'transposed_conv_upsampling', detect: (ctx) => found(ctx, ctx.all('transposed_conv').filter((i) => (ctx.nodes[i]!.stride ?? [1, 1]).some((s) => s > 1))) },
  {
    id: 'resize_upsampling',
    detect(ctx) {
      const hits = ctx.all('resize').filter((i) => {
        if (ctx.rawOp(i) === 'DepthToSpace') return false;
        const out = ctx.hw(i);
        const p = ctx.preds[i]![0];
        const inp = p === undefined ? null : ctx.hw(p);
        return !!out && !!inp && out[0] * out[1] > inp[0] * inp[1];
      });
      return found(ctx, hits);
    },
  },
  {
    // depth-to-space: channels r²·C → C at r× the resolution
    id: 'pixel_shuffle',
    detect(ctx) {
      const hits = [
        ...ctx.all('resize').filter((i) => ctx.rawOp(i) === 'DepthToSpace'),
        ...ctx.all('reshape').filter((i) => {
          const f = spaceDepthReorg(ctx, i);
          return !!f && f[1] >= 2 && Math.abs(f[0] * f[1] * f[1] - 1) < 1e-9;
        }),
      ];
      return found(ctx, hits);
    },
  },
  {
    // space-to-depth of a finer map (C → 4C at half the resolution) concatenated with a coarser one
    id: 'passthrough_reorg',
    detect(ctx) {
      const hits = ctx.all('reshape', 'other').filter((i) => {
        const f = ctx.rawOp(i) === 'SpaceToDepth' ? [4, 0.5] : spaceDepthReorg(ctx, i);
        return !!f && f[0] >= 4 && f[1] <= 0.5 && ctx.succ[i]!.some((j) => ctx.cat(j) === 'concat');
      });
      return found(ctx, hits);
    },
  },
  {
    // a concat of an upsampled decoder map with an encoder map of the same scale (no weights on the skip side)
    id: 'encoder_decoder_skip_concat',
    detect(ctx) {
      const hits = skipConcats(ctx).map((s) => s.concat);
      return hits.length >= 2 ? found(ctx, hits) : null;
    },
  },
  {
    // the skip features are cropped (sliced smaller) to the decoder's size before the concat
    id: 'crop_and_concat',
    detect(ctx) {
      const hits = skipConcats(ctx)
        .filter((s) => s.skip.some((x) => ctx.cat(x) === 'slice' && (() => {
          const p = ctx.preds[x]![0];
          const a = p === undefined ? null : ctx.hw(p);
          const b = ctx.hw(x);
          return !!a && !!b && b[0] * b[1] < a[0] * a[1];
        })()))
        .map((s) => s.concat);
      return hits.length >= 2 ? found(ctx, hits) : null;
    },
  },
  {
    // per-level conv heads reshaped to [B, anchors·H·W, K] and concatenated over ≥ 2 levels: one with K = 4 (boxes), one with K classes
    id: 'anchor_box_head',
    detect(ctx) {
      const levelConcats = ctx.all('concat').filter((c) => {
        const s = ctx.shape(c);
        if (!s || s.length !== 3 || ctx.preds[c]!.length < 2) return false;
        return ctx.preds[c]!.every((p) => ctx.walk('backward', p, (j) => ctx.isPlumbing(j), (j) => ctx.isConv(j) && ctx.rank(j) === 4, 4).length > 0 || (ctx.isPlumbing(p) && false));
      });
      const boxes = levelConcats.filter((c) => ctx.shape(c)![2] === 4);
      const classes = levelConcats.filter((c) => ctx.shape(c)![2] !== 4);
      return boxes.length && classes.length ? found(ctx, [...boxes, ...classes]) : null;
    },
  },
  {
    // one output grid at stride ≥ 16 from a 1×1 conv with A·(5 + C) channels (A ∈ {3, 5, 9} anchors)
    id: 'grid_box_head',
    detect(ctx) {
      const img = ctx.imageInput();
      if (!img) return null;
      const hits = mapOutputs(ctx).filter((o) => {
        const c = headConv(ctx, o);
        const hw = ctx.hw(o);
        const ch = ctx.nodes[c]!.outChannels;
        if (!ctx.isPointwise(c) || !hw || !ch || ctx.walk('backward', o, () => true, (j) => isUp(ctx, j), 6).length) return false;
        if (img[1] / hw[0] < 16) return false;
        return [3, 5, 9].some((a) => ch % a === 0 && ch / a >= 6);
      });
      return found(ctx, hits);
    },
  },
  {
    // ≥ 3 map outputs of one resolution from one feature map: a centre heatmap and 2-channel size / offset maps
    id: 'anchor_free_centre_head',
    detect(ctx) {
      const outs = mapOutputs(ctx);
      const two = outs.filter((o) => ctx.channels(o) === 2);
      const heat = outs.filter((o) => (ctx.channels(o) ?? 0) > 2);
      if (two.length < 2 || heat.length < 1) return null;
      const hw = JSON.stringify(ctx.hw(heat[0]!));
      return [...two, heat[0]!].every((o) => JSON.stringify(ctx.hw(o)) === hw) ? found(ctx, [...heat, ...two], heat.length) : null;
    },
  },
  {
    // one output map from a 1×1 conv below the input resolution, after a learned upsampling decoder: K heatmaps
    id: 'keypoint_heatmap_head',
    detect(ctx, known) {
      const img = ctx.imageInput();
      const outs = mapOutputs(ctx);
      if (!img || outs.length !== 1 || ctx.outputNodes.size !== 1 || known.anchor_free_centre_head || known.grid_box_head || known.encoder_decoder_skip_concat) return null;
      const o = outs[0]!;
      const hw = ctx.hw(o)!;
      if (!ctx.isPointwise(o) || hw[0] * 2 > img[1] || hw[0] * 8 < img[1]) return null;
      const ups = ctx.all('transposed_conv').filter((j) => ctx.ancestors(o).has(j));
      return ups.length >= 2 ? found(ctx, [o], ctx.channels(o)) : null;
    },
  },
  {
    // a map output computed by a 1×1 conv classifier (then possibly resized / softmaxed)
    id: 'fully_convolutional_head',
    detect(ctx, known) {
      if (known.anchor_free_centre_head || known.keypoint_heatmap_head) return null;
      return found(ctx, mapOutputs(ctx).map((o) => headConv(ctx, o)).filter((c) => ctx.isPointwise(c)));
    },
  },
];

interface SkipConcat {
  concat: number;
  skip: number[];
}

function skipConcats(ctx: IdeaContext): SkipConcat[] {
  const out: SkipConcat[] = [];
  for (const c of ctx.all('concat')) {
    const ps = ctx.preds[c]!;
    if (ps.length !== 2 || ctx.rank(c) !== 4) continue;
    const [a, b] = ctx.sides(ps[0]!, ps[1]!);
    const weighted = (s: number[]) => s.some((x) => ctx.isConv(x) || ctx.cat(x) === 'transposed_conv' || ctx.cat(x) === 'linear');
    const up = (s: number[]) => s.some((x) => isUp(ctx, x));
    if (up(a) && !weighted(b) && !up(b) && b.length <= 3) out.push({ concat: c, skip: b });
    else if (up(b) && !weighted(a) && !up(a) && a.length <= 3) out.push({ concat: c, skip: a });
  }
  return out;
}
