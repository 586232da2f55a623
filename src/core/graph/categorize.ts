/**
 * ONNX op (+ attributes and what its inputs are) → normalised category of
 * categories.ts. The one place where op names meet the shared vocabulary.
 */
import type { ArchNode } from './types.js';
import { attrInt, attrInts } from './shape-inference/attrs.js';
import { baseOp } from './shape-inference/base-op.js';
import type { OpCategory } from './categories.js';
import { table } from './formats/table.js';

export interface CategorizeContext {
  /** Shape of each input slot (null when unknown / omitted). */
  inShapes: Array<number[] | null>;
  outShapes: Array<number[] | null>;
  /** Per input slot: true when it carries a weight (initializer-derived, not activations). */
  isWeight: boolean[];
  /** Per input slot: constant-folded contents, when known. */
  values: Array<number[] | undefined>;
  /** Ops of the producers / consumers (for GroupNorm-as-InstanceNorm detection). */
  producerOp?: string;
  consumerOps?: string[];
}

const SIMPLE: Record<string, OpCategory> = table({
  ConvTranspose: 'transposed_conv',
  LSTM: 'lstm',
  GRU: 'gru',
  RNN: 'rnn',
  BatchNormalization: 'batch_norm',
  LayerNormalization: 'layer_norm',
  SkipLayerNormalization: 'layer_norm',
  GroupNormalization: 'group_norm',
  RMSNormalization: 'rms_norm',
  SimplifiedLayerNormalization: 'rms_norm',
  SkipSimplifiedLayerNormalization: 'rms_norm',
  LRN: 'lrn',
  Relu: 'relu',
  LeakyRelu: 'leaky_relu',
  PRelu: 'prelu',
  Elu: 'elu',
  Selu: 'selu',
  Celu: 'celu',
  Gelu: 'gelu',
  FastGelu: 'gelu',
  BiasGelu: 'gelu',
  QuickGelu: 'gelu',
  Swish: 'silu',
  HardSwish: 'hard_swish',
  HardSigmoid: 'hard_sigmoid',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Softmax: 'softmax',
  LogSoftmax: 'log_softmax',
  Softplus: 'softplus',
  Softsign: 'softsign',
  Mish: 'mish',
  Add: 'add',
  Sum: 'add',
  Sub: 'sub',
  Mul: 'mul',
  Div: 'div',
  Concat: 'concat',
  Split: 'split',
  Slice: 'slice',
  Reshape: 'reshape',
  Flatten: 'flatten',
  Transpose: 'transpose',
  Pad: 'pad',
  Resize: 'resize',
  Upsample: 'resize',
  DepthToSpace: 'resize',
  Dropout: 'dropout',
  MaxPool: 'max_pool',
  AveragePool: 'avg_pool',
  LpPool: 'avg_pool',
  GlobalAveragePool: 'global_avg_pool',
  GlobalMaxPool: 'global_max_pool',
  GlobalLpPool: 'global_avg_pool',
  AdaptiveAvgPool2d: 'adaptive_pool',
  AdaptiveMaxPool2d: 'adaptive_pool',
  RoiAlign: 'roi_align',
  MaxRoiPool: 'roi_pool',
  NonMaxSuppression: 'nms',
  TopK: 'topk',
  Attention: 'attention',
  MultiHeadAttention: 'attention',
  GroupQueryAttention: 'attention',
  PackedAttention: 'attention',
  DecoderMaskedMultiHeadAttention: 'attention',
});

const REDUCE = new Set(['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSumExp', 'ReduceSumSquare']);

/** The categories counted as weighted layers for `depth`. */
export const WEIGHTED = new Set<string>(['conv', 'depthwise_conv', 'grouped_conv', 'dilated_conv', 'transposed_conv', 'linear', 'lstm', 'gru', 'rnn']);
export const CONV_LIKE = new Set<string>(['conv', 'depthwise_conv', 'grouped_conv', 'dilated_conv']);

export function categorize(node: ArchNode, ctx: CategorizeContext): OpCategory {
  const op = baseOp(node.op);
  if (op === 'Conv' || op === 'ConvInteger' || op === 'QLinearConv') return convCategory(node, ctx);
  if (op === 'Gemm' || op === 'MatMul' || op === 'MatMulInteger' || op === 'QLinearMatMul' || op === 'FusedMatMul' || op === 'Einsum') {
    const wSlots = op === 'QLinearMatMul' ? [0, 3] : [0, 1];
    return wSlots.some((i) => ctx.isWeight[i]) ? 'linear' : 'matmul';
  }
  if (op === 'Gather') return ctx.isWeight[0] ? 'embedding' : 'gather';
  if (op === 'EmbedLayerNormalization') return 'embedding';
  if (op === 'Clip') {
    const min = ctx.values[1]?.[0] ?? (typeof node.attrs.min === 'number' ? node.attrs.min : undefined);
    const max = ctx.values[2]?.[0] ?? (typeof node.attrs.max === 'number' ? node.attrs.max : undefined);
    if (min === 0 && max === 6) return 'relu6';
    if (min === 0 && max === undefined) return 'relu';
    return 'clip';
  }
  if (op === 'InstanceNormalization') {
    // PyTorch exports GroupNorm as Reshape → InstanceNormalization → Reshape (→ Mul → Add).
    if (ctx.producerOp === 'Reshape' && ctx.consumerOps?.includes('Reshape')) return 'group_norm';
    return 'instance_norm';
  }
  if (REDUCE.has(op)) {
    const s = ctx.inShapes[0];
    const axes = attrInts(node.attrs.axes) ?? ctx.values[1] ?? null;
    if ((op === 'ReduceMean' || op === 'ReduceMax') && s && s.length === 4 && axes) {
      const ax = axes.map((a) => (a < 0 ? a + 4 : a)).sort();
      const spatial = node.layout === 'NHWC' ? [1, 2] : [2, 3];
      if (ax.length === 2 && ax[0] === spatial[0] && ax[1] === spatial[1]) return op === 'ReduceMean' ? 'global_avg_pool' : 'global_max_pool';
    }
    return 'reduce';
  }
  return SIMPLE[op] ?? 'other';
}

/**
 * conv vs depthwise (group == in_channels, out a multiple of it) vs grouped
 * vs dilated (any dilation > 1 on an ungrouped conv).
 */
function convCategory(node: ArchNode, ctx: CategorizeContext): OpCategory {
  const group = attrInt(node.attrs.group, 1);
  const x = ctx.inShapes[0];
  const y = ctx.outShapes[0];
  const chAxis = node.layout === 'NHWC' && x ? x.length - 1 : 1;
  const cin = x ? x[chAxis] : undefined;
  const cout = y ? y[node.layout === 'NHWC' ? y.length - 1 : 1] : undefined;
  if (group > 1) {
    if (cin === undefined || (group === cin && (cout === undefined || cout % cin === 0))) return 'depthwise_conv';
    return 'grouped_conv';
  }
  const dil = attrInts(node.attrs.dilations);
  if (dil && dil.some((d) => d > 1)) return 'dilated_conv';
  return 'conv';
}
