/**
 * Stage networks: a stem, then 2–5 stages of one block kind (ResNet basic or
 * bottleneck, ResNeXt, MobileNet/EfficientNet inverted residual, ConvNeXt,
 * VGG, DenseNet, SqueezeNet fire modules, ShuffleNet units, Inception
 * modules), each stage after the first halving the resolution and
 * doubling the width. One function per block kind, in STAGE_BLOCKS.
 */
import type { Rng } from '../../rng.js';
import { convUnit, fusedMBConv, invertedResidual, squeezeExcite, type ConvStyle } from '../blocks.js';
import { fireModule } from '../fire-module.js';
import { inceptionModule } from '../inception-module.js';
import { shuffleV1Unit, shuffleV2Unit } from '../shuffle-unit.js';
import type { GeneratedArch } from '../generated-arch.js';
import { GraphBuilder } from '../graph-builder.js';
import { finishConvClassifier, pickConvStyle, stem } from './conv-network.js';

/** The block kinds a stage network is built from (recorded as GeneratedMeta.blockKind). */
export const STAGE_BLOCK_KINDS = ['basic', 'bottleneck', 'inverted_residual', 'convnext', 'vgg', 'dense', 'resnext', 'fire', 'shuffle', 'inception'] as const;
export type StageBlockKind = (typeof STAGE_BLOCK_KINDS)[number];

/** Where a block sits and what the network drew for all its blocks. */
interface StageBlockContext {
  b: GraphBuilder;
  rng: Rng;
  st: ConvStyle;
  /** Output channels of this stage. */
  out: number;
  /** 2 for the first block of every stage after the first, else 1. */
  stride: number;
  stage: number;
  /** Index of the block within its stage, and the stage's block count. */
  index: number;
  blocksInStage: number;
  /** Squeeze-and-excitation in inverted residuals and bottlenecks. */
  useSE: boolean;
  /** Stages before this one use fused MBConv instead of inverted residuals. */
  fusedStages: number;
  /** DenseNet growth rate. */
  growth: number;
  /** ShuffleNet: 0 for v2 units, else the groups of v1's grouped 1x1 convs; Inception: whether n×n convs are factorised. */
  shuffleGroups: number;
  factorised: boolean;
  /** Grouped bottlenecks: the channels per group of every grouped conv (RegNet), or 0 to draw the group count per block (ResNeXt). */
  groupWidth: number;
}

/** One block from x; returns the block's output node. */
type StageBlock = (x: number, ctx: StageBlockContext) => number;

/** The shortcut of a residual block: x itself, or a strided 1x1 projection when the shape changes. */
function shortcut(b: GraphBuilder, x: number, out: number, stride: number, st: ConvStyle): number {
  if (stride === 1 && b.img(x).c === out) return x;
  const sc = b.conv(x, out, 1, { stride, bias: !st.norm });
  return st.norm ? b.norm(sc, st.norm) : sc;
}

/** ResNet basic block: two 3x3 convs plus the shortcut, activation after the sum. */
const basicBlock: StageBlock = (x, { b, st, out, stride }) => {
  const y1 = convUnit(b, x, out, 3, st, { stride });
  let y2 = b.conv(y1, out, 3, { bias: !st.norm });
  if (st.norm) y2 = b.norm(y2, st.norm);
  return b.act(b.elementwise('add', y2, shortcut(b, x, out, stride, st)), st.act);
};

/** ResNet bottleneck (1x1 → 3x3 → 1x1 with 2·out channels), grouped and twice as wide for ResNeXt; SE after the 3x3 (RegNetY). */
function bottleneckBlock(grouped: boolean): StageBlock {
  return (x, { b, rng, st, out, stride, useSE, groupWidth }) => {
    let mid = Math.max(8, out / 4) * (grouped ? 2 : 1);
    let width = out * 2;
    // RegNet's regular design keeps the channels per group fixed across stages, the widths rounded to
    // a multiple of it (at least two groups), and its bottleneck ratio is 1: the three convs share one
    // width, so the block neither narrows nor widens (ResNeXt fixes the group count and expands 2x)
    if (grouped && groupWidth) width = mid = Math.max(2 * groupWidth, Math.round(width / groupWidth) * groupWidth);
    const groups = !grouped ? 1 : groupWidth ? mid / groupWidth : rng.pick([8, 16, 32].filter((g) => mid % g === 0).concat([1]));
    const y1 = convUnit(b, x, mid, 1, st);
    let y2 = convUnit(b, y1, mid, 3, st, { stride, groups });
    if (useSE) y2 = squeezeExcite(b, y2, st, rng);
    let y3 = b.conv(y2, width, 1, { bias: !st.norm });
    if (st.norm) y3 = b.norm(y3, st.norm);
    return b.act(b.elementwise('add', y3, shortcut(b, x, width, stride, st)), st.act);
  };
}

/** MobileNetV2/V3 and EfficientNet inverted residuals; fused MBConv in the early stages (EfficientNetV2). */
const invertedResidualBlock: StageBlock = (x, { b, rng, st, out, stride, stage, index, useSE, fusedStages }) => {
  if (stage < fusedStages) return fusedMBConv(b, x, out, stride, st, rng.pick([1, 4]));
  return invertedResidual(b, x, out, stride, st, index === 0 && stage === 0 ? 1 : rng.pick([3, 4, 6]), rng.pick([3, 3, 5]), useSE, rng);
};

/** ConvNeXt: 7x7 depthwise conv, norm, pointwise MLP (4x) as linears over channels-last, optional layer scale, residual. */
const convnextBlock: StageBlock = (x, { b, rng, st, out, stride }) => {
  if (stride === 2) {
    // Downsampling between stages: norm, then a 2x2 stride-2 conv.
    if (st.norm) x = b.norm(x, st.norm);
    x = b.conv(x, out, 2, { stride: 2, bias: true });
  }
  const cc = b.img(x).c;
  let y = b.conv(x, cc, 7, { groups: cc, bias: true });
  // channels-last before the norm, as the official block (and torchvision's) permutes, then normalises
  y = b.simple('transpose', y);
  if (st.norm) y = b.norm(y, st.norm);
  y = b.linear(y, cc * 4);
  y = b.act(y, st.act);
  y = b.linear(y, cc);
  y = b.simple('transpose', y);
  // layer scale: a learned per-channel vector (cc parameters) times the branch, as the idea detector reads it
  if (rng.chance(0.5)) y = b.simple('mul', y, undefined, { params: cc });
  return b.elementwise('add', y, x);
};

/** VGG: plain 3x3 conv units, max pooling after the last of each stage. */
const vggBlock: StageBlock = (x, { b, st, out, index, blocksInStage }) => {
  const y = convUnit(b, x, out, 3, st);
  return index === blocksInStage - 1 ? b.pool(y, 'max_pool', 2, 2) : y;
};

/** DenseNet layer: pre-activation 1x1 (4·growth) and 3x3 (growth) convs, concatenated onto x; a transition first when downsampling. */
const denseBlock: StageBlock = (x, { b, st, stride, growth }) => {
  const pre = { ...st, preActivation: true };
  if (stride === 2) {
    // Transition: norm, act, 1x1 conv halving channels, 2x2 average pooling.
    const t = convUnit(b, x, Math.max(8, Math.floor(b.img(x).c / 2)), 1, pre);
    x = b.pool(t, 'avg_pool', 2, 2);
  }
  const y1 = convUnit(b, x, 4 * growth, 1, pre);
  const y2 = convUnit(b, y1, growth, 3, pre);
  return b.concat([x, y2]);
};

/** SqueezeNet: fire modules, a 3x3 max pool (not a strided conv) before each later stage. */
const fireBlock: StageBlock = (x, { b, st, out, stride }) => fireModule(b, stride === 2 ? b.pool(x, 'max_pool', 3, 2) : x, out, st);

/** ShuffleNet v1 (grouped 1x1 convs) or v2 (channel split) units, channel shuffle in each. */
const shuffleBlock: StageBlock = (x, { b, st, out, stride, shuffleGroups }) =>
  shuffleGroups ? shuffleV1Unit(b, x, out, stride, st, shuffleGroups) : shuffleV2Unit(b, x, out, stride, st);

/** Inception modules; the first block of a later stage is a grid-reduction module. */
const inceptionBlock: StageBlock = (x, { b, rng, st, out, stride, factorised }) => inceptionModule(b, x, out, stride, st, rng, factorised);

const STAGE_BLOCKS: Record<StageBlockKind, StageBlock> = {
  fire: fireBlock,
  shuffle: shuffleBlock,
  inception: inceptionBlock,
  basic: basicBlock,
  bottleneck: bottleneckBlock(false),
  resnext: bottleneckBlock(true),
  inverted_residual: invertedResidualBlock,
  convnext: convnextBlock,
  vgg: vggBlock,
  dense: denseBlock,
};

export function stageNetwork(rng: Rng, seed: number): GeneratedArch {
  const b = new GraphBuilder();
  const st = pickConvStyle(rng);
  st.preActivation = false;
  const blockKind = rng.pick(STAGE_BLOCK_KINDS);
  if (blockKind === 'convnext') {
    st.norm = rng.chance(0.7) ? 'layer_norm' : st.norm;
    st.act = rng.chance(0.7) ? 'gelu' : st.act;
  }
  const large = rng.chance(0.6);
  const res = large ? rng.pick([160, 192, 224, 256]) : rng.pick([32, 64]);
  const classes = large ? rng.pick([100, 1000]) : rng.pick([10, 100, 200]);
  const width = rng.pick([16, 24, 32, 48, 64, 96]);
  // RegNet's regular design (a ResNeXt variant): four stages, one group width throughout (below)
  const regular = blockKind === 'resnext' && rng.chance(0.4);
  const nStages = regular ? 4 : rng.int(2, 5);
  const total = rng.int(regular ? 6 : 4, 18);
  const perStage = Array.from({ length: nStages }, () => 1);
  for (let i = nStages; i < total; i++) perStage[rng.int(0, nStages - 1)]!++;
  // Fused-MBConv (a full 3x3 expansion conv, no depthwise) in the early stages (EfficientNetV2).
  const fusedStages = blockKind === 'inverted_residual' && rng.chance(0.4) ? rng.int(1, Math.max(1, nStages - 1)) : 0;
  // SE in inverted residuals (MobileNetV3 / EfficientNet) and after the grouped 3x3 of bottlenecks (RegNetY);
  // EfficientNetV2's later MBConv stages keep EfficientNet's SE, so fused networks mostly have it too.
  const useSE = (blockKind === 'inverted_residual' && rng.chance(fusedStages ? 0.8 : 0.5)) || ((blockKind === 'resnext' || blockKind === 'bottleneck') && rng.chance(0.35));
  const growth = rng.pick([12, 16, 24, 32]);
  const shuffleGroups = blockKind === 'shuffle' && rng.chance(0.4) ? rng.pick([2, 4, 8].filter((g) => width % g === 0)) : 0;
  const factorised = blockKind === 'inception' && rng.chance(0.6);
  const groupWidth = regular ? rng.pick([8, 16, 24]) : 0;
  const { x: s0, kind: stemKind } = stem(b, rng, { kind: 'image', c: 3, h: res, w: res }, width, st, large);
  const block = STAGE_BLOCKS[blockKind];
  let x = s0;
  let c = width;
  for (let stage = 0; stage < nStages; stage++) {
    const out = stage === 0 ? c : Math.min(2048, c * 2);
    for (let i = 0; i < perStage[stage]!; i++) {
      const stride = i === 0 && stage > 0 ? 2 : 1;
      x = block(x, { b, rng, st, out, stride, stage, index: i, blocksInStage: perStage[stage]!, useSE, fusedStages, growth, shuffleGroups, factorised, groupWidth });
    }
    c = out;
  }
  if (blockKind === 'dense' || blockKind === 'convnext') x = st.norm ? b.norm(x, st.norm) : x;
  return finishConvClassifier(
    b,
    rng,
    x,
    { style: 'stage', seed, res, classes, width, st, stemKind },
    { cells: total, reductionCells: nStages - 1, cellOps: [], blockKind },
  );
}
