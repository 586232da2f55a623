/**
 * The six structural blocks of `facts.blocks` as ideas, with the same ids and
 * counts (blocks.ts decides them); the evidence is the ops each block is
 * anchored on: the joining adds, the depthwise convs, the sigmoid gates, the
 * attention softmaxes, the upsampling ops of the pyramid.
 */
import type { BlockCounts } from '../types.js';
import type { IdeaDetector } from './detector.js';
import type { IdeaContext } from './context.js';

const anchors: Record<keyof BlockCounts, (ctx: IdeaContext) => number[]> = {
  residual: (ctx) => ctx.all('add').filter((i) => ctx.preds[i]!.length >= 2 || ctx.inputNodes.has(i)),
  depthwise_separable: (ctx) => ctx.all('depthwise_conv'),
  squeeze_excitation: (ctx) => ctx.all('sigmoid', 'hard_sigmoid').filter((i) => ctx.succ[i]!.some((j) => ctx.cat(j) === 'mul')),
  attention: (ctx) => ctx.all('attention', 'softmax'),
  inverted_residual: (ctx) => ctx.all('depthwise_conv'),
  feature_pyramid: (ctx) => ctx.all('resize', 'transposed_conv').filter((i) => ctx.succ[i]!.some((j) => ctx.cat(j) === 'add')),
};

export const BLOCK_IDEAS: IdeaDetector[] = (Object.keys(anchors) as Array<keyof BlockCounts>).map((kind) => ({
  id: kind,
  detect(ctx) {
    const count = ctx.input.blocks[kind];
    if (!count) return null;
    return { count, evidence: anchors[kind](ctx).slice(0, 12).map((i) => ctx.id(i)) };
  },
}));
