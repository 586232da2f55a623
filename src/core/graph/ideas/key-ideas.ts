/**
 * Which of the design ideas found in a graph are its key ideas: the one home
 * of that ranking, read by `ask` ("what is its key idea?", "which design
 * ideas does it use?") and by `describe`'s summary sentence.
 *
 * People name an architecture by the idea that sets it apart ("the one with
 * fire modules"), not by what every network of its kind has (batch norm, a
 * global-average-pooling head). So the ranking is by specificity:
 *   1. the ideas that define the structural family guess, in the order its
 *      paper presents them (the family rules of family.ts and
 *      family/by-ideas.ts decide the family from these same ideas);
 *   2. ideas that few architectures have (fire modules, channel shuffle,
 *      shifted windows, ASPP …);
 *   3. ideas shared by several families (grouped or depthwise convolutions,
 *      inverted residuals, squeeze-excitation …);
 *   4. generic ideas that say little about which architecture this is
 *      (residual connections, batch norm, token embeddings, a GAP head …).
 * Within a tier the catalogue's own order (registry order, the key order of
 * facts.ideas) is kept, so the ranking is stable. Plain data in, ids out.
 */
import type { IdeaFinding } from './context.js';

/**
 * Family guess (facts.family.guess, compared without case and punctuation)
 * → the ideas that make it that family, most characteristic first. Written
 * from each paper's own account of its contribution.
 */
const FAMILY_IDEAS: Readonly<Record<string, readonly string[]>> = Object.assign(Object.create(null) as object, {
  alexnet: ['large_kernel_stem', 'local_response_norm', 'dropout'],
  vgg: ['plain_conv_stack'],
  nin: ['mlpconv', 'global_average_pooling_head'],
  googlenet: ['inception_branches', 'auxiliary_classifier'],
  inception: ['inception_branches', 'factorised_convolution'],
  xception: ['extreme_inception_flow', 'depthwise_separable'],
  resnet: ['bottleneck_residual', 'residual'],
  preactresnet: ['pre_activation_residual', 'residual'],
  resnext: ['grouped_convolution', 'bottleneck_residual'],
  wideresnet: ['wide_blocks', 'residual'],
  densenet: ['dense_connectivity'],
  squeezenet: ['fire_module'],
  shufflenet: ['channel_shuffle', 'grouped_convolution', 'depthwise_separable'],
  shufflenetv2: ['channel_shuffle', 'depthwise_separable'],
  mobilenetv1: ['depthwise_separable'],
  mobilenetv2: ['inverted_residual', 'depthwise_separable'],
  mobilenetv3: ['inverted_residual', 'hard_swish', 'squeeze_excitation', 'mixed_kernel_sizes_nas'],
  mnasnet: ['mixed_kernel_sizes_nas', 'inverted_residual'],
  efficientnet: ['inverted_residual', 'squeeze_excitation', 'fused_mbconv'],
  efficientnetv2: ['fused_mbconv', 'inverted_residual', 'squeeze_excitation'],
  regnet: ['regular_stage_design', 'grouped_convolution', 'squeeze_excitation'],
  convnext: ['patch_embedding', 'inverted_residual', 'layer_scale'],
  convmixer: ['convmixer_block', 'patch_embedding'],
  vit: ['patch_embedding', 'class_token', 'learned_position_embedding', 'multi_head_self_attention'],
  swin: ['shifted_windows', 'window_attention', 'patch_merging', 'relative_position_bias'],
  maxvit: ['grid_attention', 'window_attention', 'inverted_residual'],
  mlpmixer: ['token_mixing_mlp', 'channel_mixing_mlp', 'patch_embedding'],
  unet: ['encoder_decoder_skip_concat', 'crop_and_concat'],
  fcn: ['fully_convolutional_head', 'transposed_conv_upsampling', 'resize_upsampling'],
  deeplab: ['aspp', 'atrous_convolution'],
  lraspp: ['squeeze_excitation', 'resize_upsampling'],
  retinanet: ['feature_pyramid', 'anchor_box_head'],
  fcos: ['feature_pyramid', 'fully_convolutional_head'],
  ssd: ['anchor_box_head'],
  ssdlite: ['anchor_box_head', 'depthwise_separable'],
  yolo: ['grid_box_head', 'passthrough_reorg'],
  centernet: ['anchor_free_centre_head', 'transposed_conv_upsampling'],
  poseheatmap: ['keypoint_heatmap_head', 'transposed_conv_upsampling'],
  fasterrcnn: ['anchor_box_head', 'feature_pyramid'],
  maskrcnn: ['anchor_box_head', 'feature_pyramid', 'transposed_conv_upsampling'],
  keypointrcnn: ['anchor_box_head', 'keypoint_heatmap_head', 'feature_pyramid'],
  dcgan: ['latent_to_image_generator', 'transposed_conv_upsampling'],
  vae: ['variational_latent', 'conv_encoder_decoder'],
  autoencoder: ['conv_encoder_decoder'],
  espcn: ['pixel_shuffle'],
  srcnn: ['plain_conv_stack'],
  pointnet: ['shared_pointwise_mlp', 'symmetric_max_pool', 'transform_net'],
  wavenet: ['dilated_causal_conv', 'gated_activation', 'skip_connections_to_output'],
  tcn: ['dilated_causal_conv', 'weight_norm'],
  textcnn: ['parallel_kernel_widths', 'max_over_time_pooling'],
  bertlike: ['multi_head_self_attention', 'segment_embedding', 'pooler_cls'],
  gptlike: ['causal_mask', 'multi_head_self_attention', 'tied_embeddings'],
  transformer: ['encoder_decoder_transformer', 'cross_attention', 'causal_mask', 'sinusoidal_position_encoding'],
  lstm: ['lstm_gates', 'bidirectional', 'stacked_recurrent', 'recurrent_attention'],
  gru: ['gru_gates', 'bidirectional', 'stacked_recurrent', 'recurrent_attention'],
  rnn: ['recurrent_cell', 'bidirectional', 'stacked_recurrent'],
});

/**
 * Ideas that only one or two architectures have: naming one of them names
 * the architecture (tier 2).
 */
const DISTINCTIVE = new Set([
  'fire_module', 'channel_shuffle', 'shifted_windows', 'grid_attention', 'token_mixing_mlp', 'convmixer_block', 'dense_connectivity',
  'aspp', 'extreme_inception_flow', 'inception_branches', 'factorised_convolution', 'mlpconv', 'regular_stage_design', 'mixed_kernel_sizes_nas',
  'fused_mbconv', 'wide_blocks', 'pre_activation_residual', 'encoder_decoder_skip_concat', 'variational_latent', 'latent_to_image_generator',
  'symmetric_max_pool', 'shared_pointwise_mlp', 'pixel_shuffle', 'keypoint_heatmap_head', 'anchor_free_centre_head', 'grid_box_head',
  'dilated_causal_conv', 'gated_activation', 'parallel_kernel_widths', 'max_over_time_pooling', 'passthrough_reorg', 'crop_and_concat',
]);

/**
 * Ideas most networks of a kind have, or that the kind of network already
 * says (tier 4): they are listed among the ideas but never lead.
 */
const GENERIC = new Set([
  'residual', 'batch_norm', 'layer_norm', 'dropout', 'gelu', 'attention', 'multi_head_self_attention', 'recurrent_cell', 'token_embedding',
  'global_average_pooling_head', 'plain_conv_stack', 'resize_upsampling', 'large_kernel_stem', 'fully_convolutional_head', 'stacked_recurrent',
]);

/** "mobilenet_v2", "MobileNetV2", "bert-like" → the FAMILY_IDEAS key. */
const familyKeyOf = (family: string) => family.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Whether an idea is generic (tier 4): present in many architectures, never an architecture's key idea by itself. */
export function isGenericIdea(id: string): boolean {
  return GENERIC.has(id);
}

/** The ideas that define a family (empty for a family without named ideas, or null). */
export function familyDefiningIdeas(family: string | null | undefined): readonly string[] {
  return family ? (FAMILY_IDEAS[familyKeyOf(family)] ?? []) : [];
}

/**
 * The present ideas' ids, most characteristic first (see the tiers above).
 * Every present idea is returned; callers that want only the key ones take
 * those that are not generic, or the first.
 */
export function keyIdeas(ideas: Readonly<Record<string, IdeaFinding | number | null>>, familyGuess?: string | null): string[] {
  const present = Object.keys(ideas);
  const defining = familyDefiningIdeas(familyGuess).filter((id) => present.includes(id));
  const tier = (id: string) => (DISTINCTIVE.has(id) ? 0 : GENERIC.has(id) ? 2 : 1);
  const rest = present
    .filter((id) => !defining.includes(id))
    .map((id, order) => ({ id, order }))
    .sort((a, b) => tier(a.id) - tier(b.id) || a.order - b.order)
    .map((x) => x.id);
  return [...defining, ...rest];
}
