/**
 * The words people use for the named design ideas of the idea catalogue
 * (src/core/graph/ideas/registry.ts): how papers and blog posts describe
 * each idea ("fire modules", "channel shuffle", "cardinality", "shifted
 * windows", "atrous spatial pyramid pooling" …), and `ideaMention`, which
 * finds the longest such phrase in a text. The first phrase of each idea is
 * its label in answers. Only ideas whose words are not already a feature of
 * the feature vocabulary need to be here, but listing those too is harmless:
 * ask keeps the feature vocabulary's answer when it names the whole phrase.
 */
import { allMentions, compilePhrases, longestMention, type PhraseMention } from './phrase-table.js';

/** Idea id → the phrases that name it (singular; plurals, hyphens/spaces and "conv" for "convolution" are matched too). */
export const IDEA_PHRASES: Readonly<Record<string, readonly string[]>> = Object.assign(Object.create(null) as object, {
  depthwise_separable: ['depthwise separable convolution', 'depthwise-separable convolution', 'separable convolution'],
  squeeze_excitation: ['squeeze-and-excitation', 'squeeze-excitation', 'channel attention gate'],
  inverted_residual: ['inverted residual', 'mbconv', 'inverted bottleneck', 'linear bottleneck'],
  feature_pyramid: ['feature pyramid', 'fpn', 'top-down pathway with lateral connection'],
  local_response_norm: ['local response normalization', 'local response normalisation', 'lrn'],
  hard_swish: ['hard-swish', 'h-swish', 'hswish'],
  causal_mask: ['causal mask', 'causal masking', 'look-ahead mask', 'autoregressive mask'],
  bidirectional: ['bidirectional recurrence', 'bidirectional'],
  lstm_gates: ['lstm gate', 'forget gate', 'input, forget and output gate'],
  gru_gates: ['gru gate', 'update and reset gate', 'reset gate', 'update gate'],
  fire_module: ['fire module', 'squeeze and expand module', 'squeeze-expand module', 'squeezenet module'],
  channel_shuffle: ['channel shuffle', 'channel shuffling', 'shuffled channel', 'shuffle unit', 'shufflenet unit', 'shuffle channel', 'shuffles the channel'],
  grouped_convolution: ['grouped convolution', 'group convolution', 'cardinality', 'aggregated residual transformation', 'split-transform-merge'],
  dense_connectivity: ['dense connectivity', 'dense block', 'densely connected block', 'densely connected layer', 'dense connection', 'feature reuse by concatenation'],
  shifted_windows: ['shifted window', 'shifted-window attention', 'cyclic shift'],
  window_attention: ['windowed attention', 'local window attention', 'window attention', 'window-based self-attention'],
  atrous_convolution: ['atrous convolution', 'dilated convolution', 'hole algorithm'],
  aspp: ['atrous spatial pyramid pooling', 'aspp', 'aspp module'],
  encoder_decoder_skip_concat: ['u-net style skip', 'u-net skip', 'skip concatenation', 'concatenated skip connection', 'encoder-decoder with skip connection', 'encoder-decoder with skip concatenation', 'u-shaped encoder-decoder', 'u-shaped network', 'u-shaped net', 'u-shaped architecture', 'contracting and expanding path'],
  crop_and_concat: ['crop and concatenate', 'crop-and-concat', 'cropped skip connection', 'center-crop', 'centre-crop', 'cropped encoder feature'],
  patch_embedding: ['patch embedding', 'patchify stem', 'patchify', 'patch projection', 'image patch as token'],
  class_token: ['class token', 'cls token', 'classification token'],
  learned_position_embedding: ['learned position embedding', 'learnable position embedding', 'position embedding', 'positional embedding', 'learned positional encoding'],
  sinusoidal_position_encoding: ['sinusoidal position encoding', 'sinusoidal positional encoding', 'fixed positional encoding', 'sine-cosine position encoding'],
  token_mixing_mlp: ['token-mixing mlp', 'token mixing', 'spatial mixing mlp', 'mlp across patches'],
  channel_mixing_mlp: ['channel-mixing mlp', 'channel mixing'],
  fused_mbconv: ['fused-mbconv', 'fused mbconv', 'fused inverted residual'],
  extreme_inception_flow: ['extreme inception', 'entry, middle and exit flow', 'entry flow', 'middle flow', 'exit flow'],
  pixel_shuffle: ['pixel shuffle', 'sub-pixel convolution', 'depth to space', 'depth-to-space', 'efficient sub-pixel'],
  transposed_conv_upsampling: ['transposed convolution upsampling', 'deconvolution', 'deconvolutional layer', 'deconv layer', 'deconv', 'fractionally strided convolution', 'learned upsampling', 'up-convolution', 'upconvolution'],
  resize_upsampling: ['bilinear upsampling', 'nearest-neighbour upsampling', 'nearest neighbor upsampling', 'interpolation upsampling', 'resize upsampling'],
  cross_attention: ['cross-attention', 'encoder-decoder attention', 'cross attention layer'],
  layer_scale: ['layer scale', 'layerscale', 'per-channel residual scaling'],
  factorised_convolution: ['asymmetric 1xn / nx1 convolution', 'asymmetric 1xn and nx1 convolution', '1xn / nx1 convolution', '1xn and nx1 convolution', 'nx1 and 1xn convolution', 'asymmetric convolution', 'factorised convolution', 'factorized convolution', 'spatially separable convolution', 'spatially factorised convolution', 'spatially factorized convolution', '1xn convolution', 'nx1 convolution'],
  inception_branches: ['inception module', 'inception block', 'inception-style branch', 'parallel branches of different kernel', 'multi-branch module'],
  auxiliary_classifier: ['auxiliary classifier', 'auxiliary head', 'auxiliary loss head', 'side classifier'],
  mixed_kernel_sizes_nas: ['mixed kernel size', 'searched kernel size', 'architecture search', 'neural architecture search', 'nas-found kernel', 'found by nas', 'nas-designed', 'nas-searched', 'searched architecture', 'automl', 'nas'],
  regular_stage_design: ['regular stage design', 'regular design space', 'constant group width', 'quantized linear width'],
  convmixer_block: ['convmixer block', 'convmixer layer', 'patches are all you need'],
  mlpconv: ['mlpconv', 'network in network', 'micro network'],
  global_average_pooling_head: ['global average pooling head', 'gap head', 'global average pooling instead of fully connected'],
  large_kernel_stem: ['large kernel stem', 'large-kernel stem'],
  plain_conv_stack: ['plain convolution stack', 'plain stack of convolutions', 'vgg-style stack', 'plain network'],
  bottleneck_residual: ['bottleneck residual', 'bottleneck block', 'bottleneck design', 'bottleneck unit', '1x1-3x3-1x1 bottleneck'],
  pre_activation_residual: ['pre-activation residual', 'pre-activation', 'preactivation', 'full pre-activation', 'identity mapping'],
  wide_blocks: ['wide residual block', 'widened residual block', 'wide block'],
  weight_norm: ['weight normalization', 'weight norm', 'weightnorm'],
  grid_attention: ['grid attention', 'block attention', 'multi-axis attention', 'dilated global attention'],
  patch_merging: ['patch merging', 'patch merge'],
  relative_position_bias: ['relative position bias', 'relative positional bias', 'relative position encoding'],
  latent_to_image_generator: ['latent to image generator', 'generator from a latent vector', 'noise to image'],
  variational_latent: ['variational latent', 'reparameterization trick', 'reparameterisation trick', 'mean and log-variance', 'variational bottleneck'],
  conv_encoder_decoder: ['convolutional encoder-decoder', 'conv encoder-decoder', 'convolutional autoencoder'],
  symmetric_max_pool: ['symmetric max pooling over points', 'max pooling over the points', 'max pool over the points', 'max pool over points', 'max over all points', 'symmetric function', 'symmetric max pooling', 'symmetric max pool', 'max pooling over points', 'order-invariant pooling'],
  shared_pointwise_mlp: ['shared point-wise mlp', 'shared pointwise mlp', 'shared mlp over points', 'per-point mlp', 'mlp applied to each point', 'mlp applied to every point', 'same mlp on every point', 'shared mlp'],
  transform_net: ['transform net', 't-net', 'tnet', 'input transform', 'feature transform', 'spatial transformer'],
  passthrough_reorg: ['passthrough layer', 'reorg layer', 'space to depth', 'space-to-depth'],
  anchor_box_head: ['anchor box', 'anchor boxes head', 'anchor-based head', 'default box', 'prior box'],
  grid_box_head: ['grid of box prediction', 'grid cell prediction', 'per-cell box prediction'],
  anchor_free_centre_head: ['anchor-free head', 'anchor free', 'centre heatmap', 'center heatmap', 'centerness', 'objects as points'],
  keypoint_heatmap_head: ['keypoint heatmap', 'keypoint heatmaps head', 'joint heatmap', 'pose heatmap'],
  fully_convolutional_head: ['fully convolutional head', 'fully convolutional network', '1x1 convolution classifier head'],
  dilated_causal_conv: ['dilated causal convolution', 'causal dilated convolution', 'temporal convolutional network'],
  gated_activation: ['gated activation unit', 'gated activation', 'tanh-sigmoid gate'],
  gated_linear_unit: ['gated linear unit', 'glu', 'swiglu', 'geglu'],
  skip_connections_to_output: ['skip connections to the output', 'skip connections summed at the output'],
  max_over_time_pooling: ['max-over-time pooling', 'max over time pooling', 'temporal max pooling'],
  parallel_kernel_widths: ['parallel filter widths', 'multiple filter widths', 'parallel kernel widths', 'filters of several widths'],
  stacked_recurrent: ['stacked recurrent', 'stacked lstm', 'stacked gru', 'multi-layer lstm', 'deep lstm'],
  recurrent_attention: ['attention over recurrent states', 'attention over hidden states', 'additive attention', 'bahdanau attention'],
  encoder_decoder_transformer: ['encoder-decoder transformer', 'seq2seq transformer', 'transformer encoder-decoder'],
  token_embedding: ['token embedding', 'word embedding', 'embedding lookup'],
  segment_embedding: ['segment embedding', 'token type embedding', 'token-type embedding'],
  tied_embeddings: ['tied embeddings', 'weight tying', 'tied input and output embeddings', 'shared input-output embedding'],
  pooler_cls: ['pooler', 'cls pooler', 'pooled cls output'],
});

/** Compiled once; longer phrases first, so "atrous spatial pyramid pooling" wins over "aspp" parts and "fused mbconv" over "mbconv". */
const TABLE = compilePhrases(IDEA_PHRASES);

export type IdeaMention = PhraseMention;

/** The longest idea phrase in a text, or null. */
export function ideaMention(text: string): IdeaMention | null {
  return longestMention(TABLE, text);
}

/**
 * Every idea phrase in a text, in text order, none overlapping another:
 * longer phrases claim their words first ("fused mbconv" before "mbconv"),
 * so one stretch of words names one idea.
 */
export function ideaMentions(text: string): IdeaMention[] {
  return allMentions(TABLE, text);
}

/** The idea's name in answers (its first phrase). */
export function ideaLabel(id: string): string {
  return IDEA_PHRASES[id]?.[0] ?? id.replace(/_/g, ' ');
}
