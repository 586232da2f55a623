/**
 * The values wrong options are drawn from, common and plausible ones first:
 * the "which of these" QA options (qa.ts) and the swapped values of hard
 * negative statements (statements.ts) should be believable.
 */

export const COMMON_ACTS = ['relu', 'gelu', 'silu', 'relu6', 'hard_swish', 'leaky_relu', 'sigmoid', 'tanh', 'elu', 'mish'];
export const COMMON_NORMS = ['batch_norm', 'layer_norm', 'group_norm', 'instance_norm'];
export const COMMON_KERNELS = ['1x1', '3x3', '5x5', '7x7', '11x11', '1x7', '7x1', '2x2', '4x4'];
export const COMMON_TASKS = [
  'image classification',
  'object detection',
  'semantic segmentation',
  'text classification',
  'language modeling',
  'machine translation',
  'image generation',
  'video classification',
];
