/**
 * The normalised op vocabulary shared by every format, the facts, the JSON
 * Schema and the ArchBERT featurizer/text. Changing a name here changes the
 * public JSON and invalidates trained models: add, don't rename.
 */

export const ACTIVATIONS = [
  'relu',
  'relu6',
  'leaky_relu',
  'prelu',
  'elu',
  'selu',
  'celu',
  'gelu',
  'silu',
  'hard_swish',
  'hard_sigmoid',
  'sigmoid',
  'tanh',
  'softmax',
  'log_softmax',
  'softplus',
  'softsign',
  'mish',
] as const;

export const NORMS = ['batch_norm', 'layer_norm', 'group_norm', 'instance_norm', 'rms_norm', 'lrn'] as const;

export const OP_CATEGORIES = [
  // weighted layers
  'conv',
  'depthwise_conv',
  'grouped_conv',
  'dilated_conv',
  'transposed_conv',
  'linear',
  'matmul',
  'embedding',
  'attention',
  'lstm',
  'gru',
  'rnn',
  // normalisation and activations
  ...NORMS,
  ...ACTIVATIONS,
  // elementwise and structure
  'add',
  'sub',
  'mul',
  'div',
  'concat',
  'split',
  'slice',
  'gather',
  'reshape',
  'flatten',
  'transpose',
  'pad',
  'resize',
  'clip',
  'reduce',
  'dropout',
  // pooling
  'max_pool',
  'avg_pool',
  'global_avg_pool',
  'global_max_pool',
  'adaptive_pool',
  // detection
  'roi_align',
  'roi_pool',
  'nms',
  'topk',
  // anything else
  'other',
] as const;

export type Activation = (typeof ACTIVATIONS)[number];
export type Norm = (typeof NORMS)[number];
export type OpCategory = (typeof OP_CATEGORIES)[number];

export const TASKS = ['classification', 'detection', 'segmentation', 'sequence', 'generation', 'unknown'] as const;
export type Task = (typeof TASKS)[number];
