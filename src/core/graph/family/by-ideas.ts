/**
 * Family rules that read the named design ideas (ideas/registry.ts) and the
 * finer task (task-detail.ts): one rule per family, each written from its
 * paper's description of the architecture, tried in order before the
 * backbone rules of ../family.ts. A whole model is named by what makes it
 * that model (a detector by its head, a segmenter by its decoder), so the
 * head and task rules come first and the backbone a detector is built on
 * never names the detector. A rule that cannot tell says nothing (null):
 * a wrong family is worse than none.
 */
import type { IdeaFinding } from '../ideas/context.js';
import type { OpGraph } from '../types.js';

export interface IdeaFamilyInput {
  ideas: Record<string, IdeaFinding>;
  /** task.detail of the facts (null when the task rules could not name one) */
  taskDetail: string | null;
  /** the family the backbone rules give (resnet, mobilenet_v3, …), for the heads built on one */
  backbone: string | null;
  /** op counts by category (the facts' ops) */
  ops: Record<string, number>;
  og: OpGraph;
}

export interface FamilyRule {
  id: string;
  /** evidence lines when the family fits, else null */
  decide: (c: IdeaFamilyInput) => string[] | null;
}

/** "idea ×count" for evidence lines */
function say(c: IdeaFamilyInput, id: string): string {
  const f = c.ideas[id];
  return f ? `${id.replace(/_/g, ' ')}${f.count !== null ? ` ×${f.count}` : ''}` : id;
}

const has = (c: IdeaFamilyInput, ...ids: string[]) => ids.every((id) => id in c.ideas);
const none = (c: IdeaFamilyInput, ...ids: string[]) => ids.every((id) => !(id in c.ideas));
const count = (c: IdeaFamilyInput, id: string) => c.ideas[id]?.count ?? (id in c.ideas ? 1 : 0);

/** RoI pooling/align: a two-stage detector (Faster / Mask / Keypoint R-CNN) crops proposals from the pyramid */
const twoStage = (c: IdeaFamilyInput) => (c.ops.roi_align ?? 0) + (c.ops.roi_pool ?? 0) > 0;

/** The branch behind a two-stage detector's RoI crops: a transposed conv then a 1x1 conv (mask), then a resize (keypoints), or none. */
function rcnnBranch(og: OpGraph): 'mask' | 'keypoint' | null {
  const succ: number[][] = og.nodes.map(() => []);
  for (const [a, b] of og.edges) succ[a]!.push(b);
  let kind: 'mask' | 'keypoint' | null = null;
  og.nodes.forEach((n, i) => {
    if (n.category !== 'transposed_conv') return;
    // look past the activation that may follow the deconvolution
    const next = succ[i]!.flatMap((j) => (og.nodes[j]!.category.endsWith('_pool') || og.nodes[j]!.category === 'conv' || og.nodes[j]!.category === 'resize' ? [j] : succ[j]!));
    if (next.some((j) => og.nodes[j]!.category === 'conv' && og.nodes[j]!.kernel?.[0] === 1)) kind = 'mask';
    else if (kind === null && next.some((j) => og.nodes[j]!.category === 'resize')) kind = 'keypoint';
  });
  return kind;
}

/** Ordered: the first rule that fits names the family. */
export const IDEA_FAMILY_RULES: readonly FamilyRule[] = [
  // --- sequence models built from convolutions (the recurrent and attention ones are read in ../family.ts) ---
  {
    // WaveNet (van den Oord 2016): stacks of dilated causal convolutions with tanh·sigmoid gated units
    id: 'wavenet',
    decide: (c) => (has(c, 'dilated_causal_conv', 'gated_activation') ? [say(c, 'dilated_causal_conv'), `${say(c, 'gated_activation')} (tanh · sigmoid)`] : null),
  },
  {
    // TCN (Bai et al. 2018): residual blocks of dilated causal 1-D convolutions, no gating
    id: 'tcn',
    decide: (c) => (has(c, 'dilated_causal_conv', 'residual') && none(c, 'gated_activation', 'attention') ? [say(c, 'dilated_causal_conv'), `${say(c, 'residual')} residual blocks, no gated units`] : null),
  },
  {
    // TextCNN (Kim 2014): parallel 1-D convolutions of several widths over word embeddings, max over time
    id: 'textcnn',
    decide: (c) => (has(c, 'token_embedding', 'parallel_kernel_widths', 'max_over_time_pooling') && none(c, 'recurrent_cell', 'attention') ? [say(c, 'token_embedding'), say(c, 'parallel_kernel_widths'), say(c, 'max_over_time_pooling')] : null),
  },
  // --- point clouds ---
  {
    // PointNet (Qi et al. 2017): a shared per-point MLP and a symmetric max over the points
    id: 'pointnet',
    decide: (c) => (has(c, 'shared_pointwise_mlp', 'symmetric_max_pool') ? [say(c, 'shared_pointwise_mlp'), say(c, 'symmetric_max_pool'), ...(has(c, 'transform_net') ? [say(c, 'transform_net')] : [])] : null),
  },
  // --- vision transformers and mixers ---
  {
    // MaxViT (Tu et al. 2022): MBConv + block (window) attention + grid attention in every block
    id: 'maxvit',
    decide: (c) => (has(c, 'grid_attention', 'window_attention', 'inverted_residual') ? [say(c, 'grid_attention'), say(c, 'window_attention'), `${say(c, 'inverted_residual')} (MBConv)`] : null),
  },
  {
    // Swin (Liu et al. 2021): attention in shifted local windows, patch merging between stages
    id: 'swin',
    decide: (c) => (has(c, 'window_attention', 'shifted_windows') && none(c, 'grid_attention') ? [say(c, 'window_attention'), say(c, 'shifted_windows'), ...(has(c, 'patch_merging') ? [say(c, 'patch_merging')] : [])] : null),
  },
  {
    // MLP-Mixer (Tolstikhin et al. 2021): token-mixing and channel-mixing MLPs over patches, no attention
    id: 'mlp_mixer',
    decide: (c) => (has(c, 'token_mixing_mlp', 'patch_embedding') && none(c, 'attention') ? [say(c, 'patch_embedding'), say(c, 'token_mixing_mlp'), ...(has(c, 'channel_mixing_mlp') ? [say(c, 'channel_mixing_mlp')] : [])] : null),
  },
  {
    // Transformer (Vaswani et al. 2017): token embeddings into an encoder and a causally masked decoder that attends to it
    id: 'transformer',
    decide: (c) => (has(c, 'token_embedding', 'cross_attention', 'causal_mask') && none(c, 'recurrent_cell') ? [say(c, 'token_embedding'), say(c, 'cross_attention'), 'causal mask in the decoder (encoder-decoder)'] : null),
  },
  {
    // ConvMixer (Trockman & Kolter 2022): a patch stem, then depthwise (spatial) and pointwise (channel) mixing at one resolution
    id: 'convmixer',
    decide: (c) => (has(c, 'convmixer_block', 'patch_embedding') && none(c, 'attention') ? [say(c, 'patch_embedding'), say(c, 'convmixer_block')] : null),
  },
  {
    // ViT (Dosovitskiy et al. 2020): patch embedding, a class token and learned positions into a transformer encoder
    id: 'vit',
    decide: (c) => (has(c, 'patch_embedding', 'multi_head_self_attention') && (has(c, 'class_token') || has(c, 'learned_position_embedding')) && none(c, 'window_attention', 'grid_attention', 'token_embedding') ? [say(c, 'patch_embedding'), say(c, 'multi_head_self_attention'), ...['class_token', 'learned_position_embedding'].filter((i) => has(c, i)).map((i) => say(c, i))] : null),
  },
  // --- detection, keypoints, segmentation: the head names the model, whatever its backbone ---
  {
    // YOLOv2 (Redmon & Farhadi 2017): a fully convolutional grid of box + class predictions with a passthrough (reorg) layer
    id: 'yolo',
    decide: (c) => (has(c, 'grid_box_head') && c.taskDetail === 'object_detection' ? [say(c, 'grid_box_head'), ...(has(c, 'passthrough_reorg') ? [say(c, 'passthrough_reorg')] : [])] : null),
  },
  {
    // CenterNet (Zhou et al. 2019): objects as points: centre heatmaps + size/offset maps on an upsampled map
    id: 'centernet',
    decide: (c) => (has(c, 'anchor_free_centre_head') && c.taskDetail === 'object_detection' ? [say(c, 'anchor_free_centre_head'), ...(has(c, 'transposed_conv_upsampling') ? [say(c, 'transposed_conv_upsampling')] : [])] : null),
  },
  {
    // Simple Baselines (Xiao et al. 2018): a backbone + deconvolution layers → one heatmap per keypoint
    id: 'pose_heatmap',
    decide: (c) => (has(c, 'keypoint_heatmap_head') && c.taskDetail === 'keypoints' && none(c, 'anchor_box_head') ? [say(c, 'keypoint_heatmap_head'), ...(has(c, 'transposed_conv_upsampling') ? [say(c, 'transposed_conv_upsampling')] : [])] : null),
  },
  {
    // Faster / Mask / Keypoint R-CNN (Ren et al. 2015; He et al. 2017): a region proposal network, then RoI-aligned crops of the
    // pyramid into a box head; Mask R-CNN adds a deconvolution mask branch ending in a 1x1 per-class mask predictor, Keypoint
    // R-CNN a deconvolution keypoint branch whose heatmaps are upsampled again (no 1x1 predictor after the deconvolution)
    id: 'faster_rcnn',
    decide: (c) => (twoStage(c) && has(c, 'anchor_box_head') && c.taskDetail === 'object_detection' && rcnnBranch(c.og) === null ? [`${(c.ops.roi_align ?? 0) + (c.ops.roi_pool ?? 0)} RoI align/pool ops: region proposals cropped from the features (two-stage)`, say(c, 'anchor_box_head'), ...(has(c, 'feature_pyramid') ? [say(c, 'feature_pyramid')] : [])] : null),
  },
  {
    id: 'mask_rcnn',
    decide: (c) => (twoStage(c) && has(c, 'anchor_box_head') && rcnnBranch(c.og) === 'mask' ? ['RoI align ops: region proposals cropped from the features (two-stage)', 'a mask branch: transposed conv then a 1x1 per-class mask predictor'] : null),
  },
  {
    id: 'keypoint_rcnn',
    decide: (c) => (twoStage(c) && has(c, 'anchor_box_head') && rcnnBranch(c.og) === 'keypoint' ? ['RoI align ops: region proposals cropped from the features (two-stage)', 'a keypoint branch: transposed conv whose heatmaps are upsampled again'] : null),
  },
  {
    // RetinaNet (Lin et al. 2017): one-stage anchor heads on every level of a feature pyramid
    id: 'retinanet',
    decide: (c) => (has(c, 'anchor_box_head', 'feature_pyramid') && c.taskDetail === 'object_detection' && !twoStage(c) ? [say(c, 'anchor_box_head'), say(c, 'feature_pyramid')] : null),
  },
  {
    // FCOS (Tian et al. 2019): per-pixel, anchor-free box regression on every pyramid level (no anchors, no proposals, no centre heatmap)
    id: 'fcos',
    decide: (c) => (has(c, 'feature_pyramid') && c.taskDetail === 'object_detection' && none(c, 'anchor_box_head', 'anchor_free_centre_head', 'grid_box_head') && !twoStage(c) ? [say(c, 'feature_pyramid'), 'boxes regressed per pixel of every pyramid level, without anchors or proposals'] : null),
  },
  {
    // SSDlite (the MobileNetV2 paper, 2018): SSD's heads made of depthwise-separable convolutions on a mobile backbone
    id: 'ssdlite',
    decide: (c) => (has(c, 'anchor_box_head', 'depthwise_separable') && c.taskDetail === 'object_detection' && none(c, 'feature_pyramid') && !twoStage(c) ? [say(c, 'anchor_box_head'), `${say(c, 'depthwise_separable')} (mobile backbone and heads)`, 'boxes predicted from several backbone maps, no feature pyramid'] : null),
  },
  {
    // SSD (Liu et al. 2016): default boxes predicted from several feature maps of the backbone, no top-down pyramid
    id: 'ssd',
    decide: (c) => (has(c, 'anchor_box_head') && c.taskDetail === 'object_detection' && none(c, 'feature_pyramid', 'depthwise_separable') && !twoStage(c) ? [say(c, 'anchor_box_head'), 'boxes predicted from several backbone maps, no feature pyramid'] : null),
  },
  {
    // DeepLabV3 (Chen et al. 2017): atrous convolutions in the backbone + atrous spatial pyramid pooling
    id: 'deeplab',
    decide: (c) => (has(c, 'aspp') && c.taskDetail === 'semantic_segmentation' ? [say(c, 'aspp'), ...(has(c, 'atrous_convolution') ? [say(c, 'atrous_convolution')] : [])] : null),
  },
  {
    // U-Net (Ronneberger et al. 2015): a contracting path and an expanding path joined by skip concatenations
    id: 'unet',
    decide: (c) => (has(c, 'encoder_decoder_skip_concat') && (c.taskDetail === 'semantic_segmentation' || c.taskDetail === null || c.taskDetail === 'image_to_image') ? [say(c, 'encoder_decoder_skip_concat'), ...(has(c, 'crop_and_concat') ? [say(c, 'crop_and_concat')] : [])] : null),
  },
  {
    // FCN (Long et al. 2015): a classification backbone made fully convolutional, its coarse class map upsampled to pixels
    id: 'fcn',
    decide: (c) => (c.taskDetail === 'semantic_segmentation' && has(c, 'fully_convolutional_head') && (has(c, 'resize_upsampling') || has(c, 'transposed_conv_upsampling')) && none(c, 'aspp', 'encoder_decoder_skip_concat') && (c.backbone === 'resnet' || c.backbone === 'vgg') ? [say(c, 'fully_convolutional_head'), `a ${c.backbone} backbone, class map upsampled to the input size`] : null),
  },
  {
    // LR-ASPP (the MobileNetV3 paper, 2019): a light segmentation head on MobileNetV3, no atrous pyramid and no skip concatenations
    id: 'lraspp',
    decide: (c) => (c.taskDetail === 'semantic_segmentation' && c.backbone === 'mobilenet_v3' && none(c, 'aspp', 'encoder_decoder_skip_concat') ? ['a MobileNetV3 backbone (inverted residuals, hard-swish, squeeze-excitation)', 'a segmentation head without an atrous pyramid or skip concatenations', ...(has(c, 'resize_upsampling') ? [say(c, 'resize_upsampling')] : [])] : null),
  },
  // --- generative and image-to-image ---
  {
    // DCGAN (Radford et al. 2015): a latent vector projected and upsampled by strided transposed convs with batch norm
    id: 'dcgan',
    decide: (c) => (has(c, 'latent_to_image_generator', 'transposed_conv_upsampling') && none(c, 'variational_latent') ? [say(c, 'latent_to_image_generator'), say(c, 'transposed_conv_upsampling')] : null),
  },
  {
    // VAE (Kingma & Welling 2013): an encoder predicting a mean and a log-variance, sampled and decoded
    id: 'vae',
    decide: (c) => (has(c, 'variational_latent') ? [say(c, 'variational_latent'), ...(has(c, 'conv_encoder_decoder') ? [say(c, 'conv_encoder_decoder')] : [])] : null),
  },
  {
    // a convolutional autoencoder: an encoder that downsamples to a bottleneck and a decoder that reconstructs, no skips
    id: 'autoencoder',
    decide: (c) => (has(c, 'conv_encoder_decoder') && none(c, 'variational_latent', 'encoder_decoder_skip_concat', 'residual', 'attention') && c.taskDetail !== 'semantic_segmentation' ? [say(c, 'conv_encoder_decoder'), 'no skip connections between encoder and decoder'] : null),
  },
  {
    // ESPCN (Shi et al. 2016): convolutions at low resolution, then one sub-pixel (pixel shuffle) upsampling
    id: 'espcn',
    decide: (c) => (has(c, 'pixel_shuffle') && c.taskDetail === 'super_resolution' && none(c, 'residual', 'attention') ? [say(c, 'pixel_shuffle'), 'super-resolution output: the input upscaled'] : null),
  },
  // --- classification CNNs whose key idea the catalogue names ---
  {
    // Xception (Chollet 2017): entry / middle / exit flows of depthwise-separable convolutions with residual connections
    id: 'xception',
    decide: (c) => (has(c, 'extreme_inception_flow') ? [say(c, 'extreme_inception_flow'), ...(has(c, 'depthwise_separable') ? [say(c, 'depthwise_separable')] : [])] : null),
  },
  {
    // MobileNetV1 (Howard et al. 2017): a plain stack of depthwise-separable convolutions, no skips
    id: 'mobilenet_v1',
    decide: (c) => (count(c, 'depthwise_separable') >= 5 && none(c, 'residual', 'inverted_residual', 'channel_shuffle', 'attention', 'extreme_inception_flow', 'fire_module') ? [`${say(c, 'depthwise_separable')} in a plain stack`, 'no residual or inverted-residual blocks'] : null),
  },
  {
    // Network in Network (Lin et al. 2013): mlpconv layers (a conv followed by 1x1 convs) and global average pooling instead of FC layers
    id: 'nin',
    decide: (c) => (has(c, 'mlpconv') && none(c, 'residual', 'attention') ? [say(c, 'mlpconv'), ...(has(c, 'global_average_pooling_head') ? [say(c, 'global_average_pooling_head')] : [])] : null),
  },
  {
    // GoogLeNet (Szegedy et al. 2014): inception modules of 1x1 / 3x3 / 5x5 / pool branches, no factorised n×1 convolutions
    id: 'googlenet',
    decide: (c) => (has(c, 'inception_branches') && none(c, 'factorised_convolution', 'residual') ? [say(c, 'inception_branches'), 'no factorised n×1 / 1×n convolutions (those come with Inception-v2/v3)'] : null),
  },
  {
    // Inception-v3 (Szegedy et al. 2015): inception modules with factorised 1×n / n×1 convolutions
    id: 'inception',
    decide: (c) => (has(c, 'inception_branches', 'factorised_convolution') && none(c, 'residual') ? [say(c, 'inception_branches'), say(c, 'factorised_convolution')] : null),
  },
];
