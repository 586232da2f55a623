/**
 * Ideas of the efficient CNNs: grouped convs (cardinality), ShuffleNet's
 * channel shuffle, EfficientNetV2's fused-MBConv, searched mixtures of
 * depthwise kernel sizes (MnasNet, EfficientNet), ConvMixer's blocks,
 * RegNet's constant group width.
 */
import type { IdeaDetector } from './detector.js';
import { found } from './context.js';
import { skipJoins } from './residual-variants.js';

export const EFFICIENT_CNN_IDEAS: IdeaDetector[] = [
  { id: 'grouped_convolution', detect: (ctx) => found(ctx, ctx.all('grouped_conv')) },
  {
    // RegNet's regular design space: one group width (channels per group) in every grouped conv while the widths change by stage
    id: 'regular_stage_design',
    detect(ctx) {
      const gc = ctx.all('grouped_conv').filter((i) => ctx.nodes[i]!.groups && ctx.nodes[i]!.outChannels);
      if (gc.length < 6) return null;
      const groupWidths = new Set(gc.map((i) => ctx.nodes[i]!.outChannels! / ctx.nodes[i]!.groups!));
      const widths = new Set(gc.map((i) => ctx.nodes[i]!.outChannels));
      return groupWidths.size === 1 && widths.size >= 3 ? found(ctx, gc, null) : null;
    },
  },
  {
    // reshape [N, C, H, W] → [N, g, C/g, H, W], swap the two group axes, reshape back
    id: 'channel_shuffle',
    detect(ctx) {
      const hits = ctx.all('transpose').filter((t) => {
        const r1 = ctx.preds[t]![0];
        const r2 = ctx.succ[t]!.find((x) => ctx.cat(x) === 'reshape' || ctx.cat(x) === 'flatten');
        if (r1 === undefined || r2 === undefined || ctx.cat(r1) !== 'reshape') return false;
        const a = ctx.shape(r1);
        const b = ctx.shape(t);
        const c = ctx.shape(r2);
        if (!a || !b || !c || a.length !== 5 || c.length !== 4) return false;
        // the group axes swapped, the spatial axes kept
        return a[1] === b[2] && a[2] === b[1] && a[3] === b[3] && a[4] === b[4] && a[1] !== 1 && a[2] !== 1 && c[2] === a[3];
      });
      return found(ctx, hits);
    },
  },
  {
    // a full 3×3 conv that widens (in → e·in) followed by a linear 1×1 projection back (no activation after it)
    id: 'fused_mbconv',
    detect(ctx) {
      const hits = ctx.all('conv').filter((c) => {
        const n = ctx.nodes[c]!;
        if (ctx.kmax(c) !== 3 || !n.inChannels || !n.outChannels || n.outChannels < 2 * n.inChannels || ctx.inputNodes.has(c)) return false;
        return ctx.walk('forward', c, (x) => ctx.isNorm(x) || ctx.isAct(x) || ctx.cat(x) === 'mul' || ctx.cat(x) === 'dropout', (x) => ctx.isPointwise(x), 4).some((p) => {
          const q = ctx.nodes[p]!;
          if (!q.outChannels || !q.inChannels || q.outChannels >= q.inChannels) return false;
          return ctx.walk('forward', p, (x) => ctx.isNorm(x) || ctx.cat(x) === 'dropout', (x) => ctx.isAct(x), 3).length === 0;
        });
      });
      return found(ctx, hits);
    },
  },
  {
    // inverted-residual blocks whose depthwise kernels are not all one size (3×3 and 5×5 mixed)
    id: 'mixed_kernel_sizes_nas',
    detect(ctx) {
      if (!ctx.input.blocks.inverted_residual) return null;
      const dws = ctx.all('depthwise_conv').filter((i) => ctx.hw(i));
      const sizes = new Set(dws.map((i) => ctx.kmax(i)));
      return sizes.size >= 2 ? found(ctx, dws, null) : null;
    },
  },
  {
    // after a patch stem: depthwise k×k conv (+ act, norm) with a residual add, then a 1×1 conv, at constant resolution
    id: 'convmixer_block',
    detect(ctx, known) {
      if (!known.patch_embedding) return null;
      const hits = skipJoins(ctx)
        .filter((j) => {
          const convs = j.body.filter((x) => ctx.isConv(x));
          if (convs.length !== 1 || ctx.cat(convs[0]!) !== 'depthwise_conv' || ctx.kmax(convs[0]!) < 3) return false;
          return ctx.walk('forward', j.add, (x) => ctx.isNorm(x) || ctx.isAct(x), (x) => ctx.isPointwise(x), 3).length > 0;
        })
        .map((j) => j.add);
      return found(ctx, hits);
    },
  },
];
