/**
 * Every idea of the registry, positive and negative, on real graphs: a model
 * whose paper names the idea, and one without it (a near miss where there is
 * one: ResNet-18 for the bottleneck, GoogLeNet for factorised convs,
 * ShuffleNetV2's channel shuffle for YOLO's passthrough reorganisation).
 */
import { describe, expect, it } from 'vitest';
import { IDEA_IDS } from '../../../../src/core/graph/ideas/registry.js';
import { factsOf } from './real-graphs.js';

/** idea → [a model that has it, a model that does not] */
const CASES: Record<string, [string, string]> = {
  residual: ['resnet18', 'vgg11'],
  depthwise_separable: ['mobilenet_v2', 'resnet50'],
  squeeze_excitation: ['efficientnet_b0', 'mobilenet_v2'],
  attention: ['vit_b_16', 'resnet50'],
  inverted_residual: ['mobilenet_v2', 'shufflenet_v2_x1_0'],
  feature_pyramid: ['retinanet_r50_fpn', 'resnet50'],
  batch_norm: ['resnet18', 'vit_b_16'],
  layer_norm: ['vit_b_16', 'resnet18'],
  gelu: ['vit_b_16', 'resnet18'],
  hard_swish: ['mobilenet_v3_small', 'mobilenet_v2'],
  dropout: ['swin_t', 'resnet18'],
  weight_norm: ['tcn_seq_mnist', 'wavenet'],
  large_kernel_stem: ['resnet18', 'vit_b_16'],
  mlpconv: ['nin_cifar10', 'resnet50'],
  global_average_pooling_head: ['resnet18', 'vgg11'],
  inception_branches: ['googlenet', 'squeezenet1_0'],
  factorised_convolution: ['inception_v3', 'googlenet'],
  fire_module: ['squeezenet1_0', 'googlenet'],
  dense_connectivity: ['densenet121', 'unet_original'],
  plain_conv_stack: ['vgg11', 'resnet18'],
  bottleneck_residual: ['resnet50', 'resnet18'],
  wide_blocks: ['wide_resnet50_2', 'resnet50'],
  pre_activation_residual: ['preact_resnet18_cifar', 'resnet18'],
  extreme_inception_flow: ['xception', 'mobilenet_v2'],
  layer_scale: ['convnext_tiny', 'vit_b_16'],
  multi_head_self_attention: ['vit_b_16', 'resnet50'],
  cross_attention: ['transformer_base_mt', 'bert_base'],
  causal_mask: ['gpt1', 'bert_base'],
  encoder_decoder_transformer: ['transformer_base_mt', 'gpt1'],
  patch_embedding: ['vit_b_16', 'resnet18'],
  class_token: ['vit_b_16', 'swin_t'],
  learned_position_embedding: ['vit_b_16', 'swin_t'],
  sinusoidal_position_encoding: ['transformer_base_mt', 'bert_base'],
  token_embedding: ['bert_base', 'vit_b_16'],
  segment_embedding: ['bert_base', 'gpt1'],
  tied_embeddings: ['gpt1', 'gru_language_model'],
  pooler_cls: ['bert_base', 'gpt1'],
  grouped_convolution: ['resnext50_32x4d', 'resnet50'],
  channel_shuffle: ['shufflenet_v1_g3', 'resnext50_32x4d'],
  regular_stage_design: ['regnet_y_400mf', 'resnext50_32x4d'],
  fused_mbconv: ['efficientnet_v2_s', 'efficientnet_b0'],
  mixed_kernel_sizes_nas: ['mnasnet1_0', 'mobilenet_v2'],
  convmixer_block: ['convmixer_768_32', 'convnext_tiny'],
  window_attention: ['swin_t', 'vit_b_16'],
  grid_attention: ['maxvit_t', 'swin_t'],
  shifted_windows: ['swin_t', 'maxvit_t'],
  patch_merging: ['swin_t', 'vit_b_16'],
  relative_position_bias: ['swin_t', 'vit_b_16'],
  token_mixing_mlp: ['mlp_mixer_b16', 'vit_b_16'],
  channel_mixing_mlp: ['mlp_mixer_b16', 'vit_b_16'],
  atrous_convolution: ['deeplabv3_resnet50', 'resnet50'],
  aspp: ['deeplabv3_resnet50', 'fcn_resnet50'],
  transposed_conv_upsampling: ['dcgan_generator', 'deeplabv3_resnet50'],
  resize_upsampling: ['deeplabv3_resnet50', 'centernet_r18'],
  pixel_shuffle: ['espcn_x3', 'srcnn'],
  passthrough_reorg: ['yolov2_voc', 'shufflenet_v2_x1_0'],
  encoder_decoder_skip_concat: ['unet_original', 'conv_vae'],
  crop_and_concat: ['unet_original', 'densenet121'],
  anchor_box_head: ['retinanet_r50_fpn', 'yolov2_voc'],
  grid_box_head: ['yolov2_voc', 'fcn_resnet50'],
  anchor_free_centre_head: ['centernet_r18', 'simple_baseline_pose_r50'],
  keypoint_heatmap_head: ['simple_baseline_pose_r50', 'centernet_r18'],
  fully_convolutional_head: ['fcn_resnet50', 'resnet50'],
  latent_to_image_generator: ['dcgan_generator', 'conv_vae'],
  variational_latent: ['conv_vae', 'dcgan_generator'],
  conv_encoder_decoder: ['conv_vae', 'unet_original'],
  symmetric_max_pool: ['pointnet_tnet', 'textcnn_kim'],
  shared_pointwise_mlp: ['pointnet_tnet', 'textcnn_kim'],
  transform_net: ['pointnet_tnet', 'vit_b_16'],
  recurrent_cell: ['bilstm_text_classifier', 'textcnn_kim'],
  lstm_gates: ['bilstm_text_classifier', 'gru_language_model'],
  gru_gates: ['gru_language_model', 'bilstm_text_classifier'],
  bidirectional: ['bilstm_text_classifier', 'gru_language_model'],
  stacked_recurrent: ['gru_language_model', 'textcnn_kim'],
  max_over_time_pooling: ['textcnn_kim', 'pointnet_tnet'],
  parallel_kernel_widths: ['textcnn_kim', 'googlenet'],
  dilated_causal_conv: ['tcn_seq_mnist', 'textcnn_kim'],
  gated_activation: ['wavenet', 'tcn_seq_mnist'],
  skip_connections_to_output: ['wavenet', 'tcn_seq_mnist'],
};

/** ideas no model file of the repository shows; tested on hand-written graphs (hand-graphs.test.ts) */
const HAND_ONLY = new Set(['local_response_norm', 'auxiliary_classifier', 'gated_linear_unit', 'recurrent_attention']);

describe('idea detectors on real graphs', () => {
  it('every registered idea has a positive and a negative case', () => {
    for (const id of IDEA_IDS) expect(CASES[id] !== undefined || HAND_ONLY.has(id), id).toBe(true);
  });

  it.each(Object.entries(CASES).map(([id, [yes, no]]) => [id, yes, no]))('%s: present in %s, absent in %s', async (id, yes, no) => {
    const [p, n] = await Promise.all([factsOf(yes), factsOf(no)]);
    expect(p.ideas[id], `${id} in ${yes}`).toBeDefined();
    expect(n.ideas[id], `${id} in ${no}`).toBeUndefined();
  }, 60_000);

  it('ideas that only hand-written graphs show are absent from every real model here', async () => {
    const models = [...new Set(Object.values(CASES).flat())];
    for (const m of models) for (const id of HAND_ONLY) expect((await factsOf(m)).ideas[id], `${id} in ${m}`).toBeUndefined();
  }, 120_000);

  it('counts: ResNet-50 has 16 bottlenecks, SqueezeNet 8 fire modules, ShuffleNetV2 16 shuffles, DenseNet-121 58 dense concats', async () => {
    expect((await factsOf('resnet50')).ideas.bottleneck_residual?.count).toBe(16);
    expect((await factsOf('squeezenet1_0')).ideas.fire_module?.count).toBe(8);
    expect((await factsOf('shufflenet_v2_x1_0')).ideas.channel_shuffle?.count).toBe(16);
    expect((await factsOf('densenet121')).ideas.dense_connectivity?.count).toBe(58);
  });
});
