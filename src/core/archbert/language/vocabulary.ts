/**
 * Words for the things the facts name: canonical names (the QA answer strings)
 * and paraphrases (the grammar's synonyms). Shared by the caption grammar, the
 * QA and statement generators and the tests that check captions against facts.
 */

/** Canonical answer string and paraphrases for each op category / block kind. */
export const NAMES: Record<string, { canon: string; say: string[] }> = table({
  // normalisation
  batch_norm: { canon: 'batch normalization', say: ['batch normalization', 'batch norm', 'batchnorm'] },
  layer_norm: { canon: 'layer normalization', say: ['layer normalization', 'layer norm', 'layernorm'] },
  group_norm: { canon: 'group normalization', say: ['group normalization', 'group norm', 'groupnorm'] },
  instance_norm: { canon: 'instance normalization', say: ['instance normalization', 'instance norm'] },
  rms_norm: { canon: 'rms normalization', say: ['rms normalization', 'rmsnorm'] },
  lrn: { canon: 'local response normalization', say: ['local response normalization', 'lrn'] },
  // activations
  relu: { canon: 'relu', say: ['relu', 'rectified linear units', 'rectifiers'] },
  relu6: { canon: 'relu6', say: ['relu6', 'clipped relu (relu6)'] },
  leaky_relu: { canon: 'leaky relu', say: ['leaky relu', 'leaky rectified linear units'] },
  prelu: { canon: 'prelu', say: ['prelu', 'parametric relu'] },
  elu: { canon: 'elu', say: ['elu', 'exponential linear units'] },
  selu: { canon: 'selu', say: ['selu', 'scaled exponential linear units'] },
  celu: { canon: 'celu', say: ['celu'] },
  gelu: { canon: 'gelu', say: ['gelu', 'gaussian error linear units'] },
  silu: { canon: 'silu', say: ['silu', 'swish', 'silu (swish)'] },
  hard_swish: { canon: 'hard swish', say: ['hard swish', 'h-swish', 'hardswish'] },
  hard_sigmoid: { canon: 'hard sigmoid', say: ['hard sigmoid', 'h-sigmoid'] },
  sigmoid: { canon: 'sigmoid', say: ['sigmoid', 'logistic sigmoid'] },
  tanh: { canon: 'tanh', say: ['tanh', 'hyperbolic tangent'] },
  softmax: { canon: 'softmax', say: ['softmax'] },
  log_softmax: { canon: 'log softmax', say: ['log softmax', 'log-softmax'] },
  softplus: { canon: 'softplus', say: ['softplus'] },
  softsign: { canon: 'softsign', say: ['softsign'] },
  mish: { canon: 'mish', say: ['mish'] },
  // pooling
  max_pool: { canon: 'max pooling', say: ['max pooling', 'max-pooling'] },
  avg_pool: { canon: 'average pooling', say: ['average pooling', 'avg pooling', 'mean pooling windows'] },
  global_avg_pool: { canon: 'global average pooling', say: ['global average pooling', 'gap'] },
  global_max_pool: { canon: 'global max pooling', say: ['global max pooling'] },
  adaptive_pool: { canon: 'adaptive pooling', say: ['adaptive pooling', 'adaptive average pooling'] },
  // convolutions and other weighted layers
  conv: { canon: 'convolution', say: ['convolutions', 'standard convolutions', 'conv layers', 'convolutional layers'] },
  depthwise_conv: { canon: 'depthwise convolution', say: ['depthwise convolutions', 'channel-wise convolutions'] },
  grouped_conv: { canon: 'grouped convolution', say: ['grouped convolutions', 'group convolutions'] },
  dilated_conv: { canon: 'dilated convolution', say: ['dilated convolutions', 'atrous convolutions'] },
  transposed_conv: { canon: 'transposed convolution', say: ['transposed convolutions', 'deconvolutions', 'up-convolutions'] },
  linear: { canon: 'fully connected layer', say: ['fully connected layers', 'linear layers', 'dense layers'] },
  matmul: { canon: 'matrix multiplication', say: ['matrix multiplications', 'matmuls'] },
  embedding: { canon: 'embedding', say: ['an embedding layer', 'token embeddings', 'an embedding table'] },
  attention: { canon: 'attention', say: ['attention', 'multi-head attention'] },
  lstm: { canon: 'lstm', say: ['lstm', 'long short-term memory', 'lstm layers'] },
  gru: { canon: 'gru', say: ['gru', 'gated recurrent units', 'gru layers'] },
  rnn: { canon: 'simple rnn', say: ['simple rnn', 'vanilla recurrent layers', 'elman rnn'] },
  // structure
  add: { canon: 'addition', say: ['element-wise addition', 'addition'] },
  mul: { canon: 'multiplication', say: ['element-wise multiplication', 'multiplication'] },
  concat: { canon: 'concatenation', say: ['concatenation', 'channel concatenation', 'feature concatenation'] },
  dropout: { canon: 'dropout', say: ['dropout'] },
  resize: { canon: 'upsampling', say: ['upsampling', 'resizing'] },
  flatten: { canon: 'flatten', say: ['flattening', 'a flatten op'] },
  reshape: { canon: 'reshape', say: ['reshaping', 'a reshape'] },
  transpose: { canon: 'transpose', say: ['a transpose', 'transposition'] },
  pad: { canon: 'padding', say: ['padding'] },
  split: { canon: 'split', say: ['a split'] },
  reduce: { canon: 'reduction', say: ['a reduction (mean)', 'a reduction'] },
  gather: { canon: 'gather', say: ['a gather'] },
  // blocks
  residual: { canon: 'residual connection', say: ['residual connections', 'skip connections', 'shortcut connections', 'identity shortcuts', 'residual blocks'] },
  depthwise_separable: {
    canon: 'depthwise separable convolution',
    say: ['depthwise separable convolutions', 'separable convolutions', 'depthwise-separable convolutions', 'depthwise plus pointwise convolutions'],
  },
  squeeze_excitation: { canon: 'squeeze-and-excitation', say: ['squeeze-and-excitation blocks', 'se blocks', 'squeeze-excitation channel attention'] },
  inverted_residual: { canon: 'inverted residual', say: ['inverted residual blocks', 'mbconv blocks', 'inverted bottlenecks'] },
  feature_pyramid: { canon: 'feature pyramid', say: ['a feature pyramid', 'an fpn', 'a feature pyramid network'] },
  attention_block: { canon: 'attention', say: ['self-attention', 'attention blocks', 'multi-head self-attention'] },
});
import { table } from '../../graph/formats/table.js';

export function canon(key: string): string {
  return NAMES[key]?.canon ?? key.replace(/_/g, ' ');
}

/** Every paraphrase of a key (for the fact checker). */
export function surfaceForms(key: string): string[] {
  return NAMES[key]?.say ?? [key.replace(/_/g, ' ')];
}

/** 1234 → "1.2k", 25_557_032 → "25.6m", 4.1e9 → "4.1b" (lower-case: the tokenizer lower-cases anyway). */
export function formatCount(n: number): string {
  const fmt = (v: number) => (v >= 100 ? Math.round(v).toString() : v >= 10 ? v.toFixed(1).replace(/\.0$/, '') : v.toFixed(1).replace(/\.0$/, ''));
  if (n >= 1e9) return fmt(n / 1e9) + 'b';
  if (n >= 1e6) return fmt(n / 1e6) + 'm';
  if (n >= 1e3) return fmt(n / 1e3) + 'k';
  return String(Math.round(n));
}

/**
 * Parameter-count ranges: the answers of "how many parameters" and the size words.
 * The labels are answer strings shared with the QA answers (src/core/archbert/ask/answer-strings.ts): change both together.
 */
export const PARAM_RANGES: ReadonlyArray<{ label: string; lo: number; hi: number; size: string[] }> = [
  { label: 'under 100k', lo: 0, hi: 1e5, size: ['tiny', 'very small', 'minuscule'] },
  { label: '100k to 1m', lo: 1e5, hi: 1e6, size: ['very small', 'tiny', 'lightweight', 'efficient'] },
  { label: '1m to 5m', lo: 1e6, hi: 5e6, size: ['small', 'lightweight', 'compact', 'mobile-sized', 'efficient'] },
  { label: '5m to 25m', lo: 5e6, hi: 25e6, size: ['medium-sized', 'mid-sized', 'moderately sized'] },
  { label: '25m to 100m', lo: 25e6, hi: 100e6, size: ['large', 'big', 'heavy'] },
  { label: 'over 100m', lo: 100e6, hi: Infinity, size: ['very large', 'huge', 'massive'] },
];

/**
 * Below this many parameters a model is "lightweight" (the QA's yes/no). The questions state the
 * bound, because some mobile designs (MobileNetV3-Large 5.5m, EfficientNet-B0 5.3m) sit just above it.
 */
export const LIGHTWEIGHT_MAX = 5e6;

export function paramRange(params: number): (typeof PARAM_RANGES)[number] {
  return PARAM_RANGES.find((r) => params >= r.lo && params < r.hi) ?? PARAM_RANGES[PARAM_RANGES.length - 1]!;
}

/** Weighted-layer count buckets (the answers of "how many layers"). */
export const LAYER_BUCKETS: ReadonlyArray<{ label: string; lo: number; hi: number }> = [
  { label: '1 to 5', lo: 1, hi: 6 },
  { label: '6 to 10', lo: 6, hi: 11 },
  { label: '11 to 20', lo: 11, hi: 21 },
  { label: '21 to 50', lo: 21, hi: 51 },
  { label: '51 to 100', lo: 51, hi: 101 },
  { label: '101 to 200', lo: 101, hi: 201 },
  { label: 'over 200', lo: 201, hi: Infinity },
];

export function layerBucket(n: number): string {
  return (LAYER_BUCKETS.find((b) => n >= b.lo && n < b.hi) ?? LAYER_BUCKETS[0]!).label;
}

/** Words for the kind of network. */
export const KIND_WORDS: Record<string, string[]> = table({
  convolutional: ['convolutional network', 'cnn', 'convnet', 'convolutional neural network'],
  transformer: ['transformer', 'attention-based network', 'transformer network'],
  recurrent: ['recurrent network', 'rnn', 'recurrent neural network'],
  mlp: ['multilayer perceptron', 'mlp', 'fully connected network'],
  hybrid: ['hybrid convolution-attention network', 'convolutional network with attention', 'hybrid cnn-transformer'],
});

export const KIND_CANON: Record<string, string> = table({
  convolutional: 'convolutional network',
  transformer: 'transformer',
  recurrent: 'recurrent network',
  mlp: 'multilayer perceptron',
  hybrid: 'hybrid convolution-attention network',
});
