/**
 * Hand-written knowledge about the real architecture families: what each is
 * for, its key idea and the year of its paper. Keys are familyKey() of the
 * exporter's family names (training/archbert/export_real.py). `related` lists
 * families that are easy to confuse with it, for hard-negative statements.
 * Years are those of the first paper (arXiv or venue, whichever came first).
 */
import { table } from '../../graph/formats/table.js';

export interface FamilyInfo {
  display: string;
  purpose: string;
  keyIdea: string;
  year: number;
  related: string[];
}

export const FAMILY_KNOWLEDGE: Record<string, FamilyInfo> = table({
  alexnet: { display: 'AlexNet', purpose: 'large-scale image classification', keyIdea: 'a deep stack of large convolutions trained on gpus with relu and dropout, which won imagenet 2012', year: 2012, related: ['vgg', 'lenet'] },
  lenet: { display: 'LeNet', purpose: 'handwritten digit recognition', keyIdea: 'small stacks of convolution and subsampling layers followed by fully connected layers', year: 1998, related: ['alexnet', 'mlp'] },
  vgg: { display: 'VGG', purpose: 'image classification', keyIdea: 'very deep plain stacks of small 3x3 convolutions', year: 2014, related: ['alexnet', 'resnet'] },
  googlenet: { display: 'GoogLeNet', purpose: 'image classification', keyIdea: 'inception modules that run parallel convolution branches of different sizes and a pooling branch, then concatenate them', year: 2014, related: ['inception', 'vgg'] },
  inception: { display: 'Inception', purpose: 'image classification', keyIdea: 'inception modules with factorized convolutions such as 1x7 followed by 7x1', year: 2015, related: ['googlenet', 'resnet'] },
  resnet: { display: 'ResNet', purpose: 'image classification and a backbone for detection and segmentation', keyIdea: 'residual learning with identity shortcut connections that make very deep networks trainable', year: 2015, related: ['resnext', 'wideresnet', 'regnet'] },
  wideresnet: { display: 'Wide ResNet', purpose: 'image classification', keyIdea: 'residual networks made wider and shallower', year: 2016, related: ['resnet', 'resnext'] },
  resnext: { display: 'ResNeXt', purpose: 'image classification', keyIdea: 'residual bottlenecks with grouped convolutions (cardinality)', year: 2016, related: ['resnet', 'wideresnet', 'regnet'] },
  densenet: { display: 'DenseNet', purpose: 'image classification', keyIdea: 'dense connectivity: each layer receives the concatenated features of all earlier layers in its block', year: 2016, related: ['resnet', 'googlenet'] },
  squeezenet: { display: 'SqueezeNet', purpose: 'image classification with very few parameters', keyIdea: 'fire modules that squeeze channels with 1x1 convolutions before expanding', year: 2016, related: ['mobilenetv2', 'shufflenetv2'] },
  mobilenetv2: { display: 'MobileNetV2', purpose: 'efficient image classification on mobile devices', keyIdea: 'inverted residual blocks with linear bottlenecks and depthwise separable convolutions', year: 2018, related: ['mobilenetv3', 'mnasnet', 'efficientnet'] },
  mobilenetv3: { display: 'MobileNetV3', purpose: 'efficient image classification on mobile devices', keyIdea: 'architecture search plus squeeze-and-excitation and hard swish activations in inverted residual blocks', year: 2019, related: ['mobilenetv2', 'mnasnet', 'efficientnet'] },
  shufflenetv2: { display: 'ShuffleNetV2', purpose: 'efficient image classification on mobile devices', keyIdea: 'channel split and channel shuffle around depthwise convolutions', year: 2018, related: ['mobilenetv2', 'squeezenet'] },
  mnasnet: { display: 'MNASNet', purpose: 'efficient image classification on mobile devices', keyIdea: 'platform-aware neural architecture search for latency', year: 2018, related: ['mobilenetv2', 'efficientnet'] },
  efficientnet: { display: 'EfficientNet', purpose: 'accurate and efficient image classification', keyIdea: 'compound scaling of depth, width and resolution of an mbconv baseline', year: 2019, related: ['efficientnetv2', 'mobilenetv3', 'mnasnet'] },
  efficientnetv2: { display: 'EfficientNetV2', purpose: 'image classification with faster training', keyIdea: 'fused-mbconv blocks in early stages and training-aware architecture search', year: 2021, related: ['efficientnet', 'regnet'] },
  regnet: { display: 'RegNet', purpose: 'image classification', keyIdea: 'design spaces whose stage widths and depths follow a quantized linear rule', year: 2020, related: ['resnext', 'efficientnet'] },
  convnext: { display: 'ConvNeXt', purpose: 'image classification', keyIdea: 'a pure convnet modernized with transformer design choices: 7x7 depthwise convolutions, layer norm and gelu', year: 2022, related: ['resnet', 'swin'] },
  vit: { display: 'ViT', purpose: 'image classification', keyIdea: 'a transformer encoder applied to a sequence of image patches', year: 2020, related: ['swin', 'mlpmixer', 'maxvit'] },
  swin: { display: 'Swin Transformer', purpose: 'image classification and a backbone for dense prediction', keyIdea: 'hierarchical vision transformer with self-attention in shifted local windows', year: 2021, related: ['vit', 'convnext', 'maxvit'] },
  maxvit: { display: 'MaxViT', purpose: 'image classification', keyIdea: 'multi-axis attention combining blocked local and dilated global attention with mbconv', year: 2022, related: ['vit', 'swin'] },
  mlpmixer: { display: 'MLP-Mixer', purpose: 'image classification', keyIdea: 'only multilayer perceptrons that alternately mix tokens and channels of image patches', year: 2021, related: ['vit'] },
  fasterrcnn: { display: 'Faster R-CNN', purpose: 'object detection', keyIdea: 'a region proposal network sharing features with a region-based detection head', year: 2015, related: ['maskrcnn', 'retinanet', 'fcos'] },
  maskrcnn: { display: 'Mask R-CNN', purpose: 'instance segmentation', keyIdea: 'faster r-cnn with an extra mask branch and roi align', year: 2017, related: ['fasterrcnn', 'keypointrcnn'] },
  keypointrcnn: { display: 'Keypoint R-CNN', purpose: 'human keypoint detection', keyIdea: 'mask r-cnn style heads that predict keypoint heatmaps', year: 2017, related: ['maskrcnn', 'fasterrcnn'] },
  retinanet: { display: 'RetinaNet', purpose: 'object detection', keyIdea: 'a one-stage detector with a feature pyramid trained with focal loss', year: 2017, related: ['fcos', 'ssd', 'fasterrcnn'] },
  fcos: { display: 'FCOS', purpose: 'object detection', keyIdea: 'anchor-free per-pixel detection with a centerness branch', year: 2019, related: ['retinanet', 'fasterrcnn'] },
  ssd: { display: 'SSD', purpose: 'object detection', keyIdea: 'single-shot detection from default boxes on multi-scale feature maps', year: 2015, related: ['ssdlite', 'retinanet'] },
  ssdlite: { display: 'SSDlite', purpose: 'object detection on mobile devices', keyIdea: 'ssd with depthwise separable prediction layers on a mobile backbone', year: 2018, related: ['ssd', 'retinanet'] },
  fcn: { display: 'FCN', purpose: 'semantic segmentation', keyIdea: 'fully convolutional networks that upsample coarse predictions to pixels', year: 2014, related: ['deeplabv3', 'unet'] },
  deeplabv3: { display: 'DeepLabV3', purpose: 'semantic segmentation', keyIdea: 'atrous spatial pyramid pooling with dilated convolutions', year: 2017, related: ['fcn', 'lraspp'] },
  lraspp: { display: 'LR-ASPP', purpose: 'semantic segmentation on mobile devices', keyIdea: 'a lite reduced atrous spatial pyramid pooling head on mobilenetv3', year: 2019, related: ['deeplabv3', 'fcn'] },
  unet: { display: 'U-Net', purpose: 'biomedical image segmentation', keyIdea: 'a symmetric encoder-decoder whose decoder concatenates the encoder features of the same resolution', year: 2015, related: ['fcn', 'autoencoder'] },
  resnet3d: { display: 'ResNet3D', purpose: 'video action recognition', keyIdea: 'residual networks with 3d or factorized (2+1)d spatio-temporal convolutions', year: 2017, related: ['s3d', 'mvit'] },
  s3d: { display: 'S3D', purpose: 'video action recognition', keyIdea: 'separable spatio-temporal inception convolutions', year: 2017, related: ['resnet3d', 'mvit'] },
  mvit: { display: 'MViT', purpose: 'video recognition', keyIdea: 'multiscale vision transformers with pooling attention', year: 2021, related: ['vit', 'swin'] },
  raft: { display: 'RAFT', purpose: 'optical flow estimation', keyIdea: 'all-pairs correlation volumes refined by a recurrent convolutional update operator', year: 2020, related: ['unet'] },
  lstm: { display: 'LSTM', purpose: 'sequence modelling such as text classification and language modelling', keyIdea: 'gated recurrent cells with a memory cell that mitigates vanishing gradients', year: 1997, related: ['gru', 'rnn'] },
  gru: { display: 'GRU', purpose: 'sequence modelling such as text classification and language modelling', keyIdea: 'gated recurrent units whose update and reset gates control a single hidden state', year: 2014, related: ['lstm', 'rnn'] },
  rnn: { display: 'RNN', purpose: 'sequence modelling', keyIdea: 'a simple elman recurrence over a hidden state', year: 1990, related: ['lstm', 'gru'] },
  seq2seq: { display: 'Seq2Seq', purpose: 'machine translation', keyIdea: 'a recurrent encoder-decoder whose decoder reads the encoder states through learned alignment weights', year: 2014, related: ['transformer', 'gru'] },
  transformer: { display: 'Transformer', purpose: 'machine translation', keyIdea: 'an encoder-decoder built only from multi-head attention and feed-forward layers', year: 2017, related: ['bert', 'gpt', 'seq2seq'] },
  bert: { display: 'BERT', purpose: 'language understanding such as text classification', keyIdea: 'a bidirectional transformer encoder pre-trained with masked language modelling', year: 2018, related: ['gpt', 'transformer'] },
  gpt: { display: 'GPT', purpose: 'language modelling and text generation', keyIdea: 'a decoder-only transformer with causal self-attention trained to predict the next token', year: 2018, related: ['bert', 'transformer'] },
  textcnn: { display: 'TextCNN', purpose: 'text classification', keyIdea: 'parallel one-dimensional convolutions of several widths over word embeddings with max-over-time pooling', year: 2014, related: ['lstm', 'tcn'] },
  tcn: { display: 'TCN', purpose: 'sequence modelling', keyIdea: 'causal dilated one-dimensional convolutions with residual blocks', year: 2018, related: ['wavenet', 'lstm'] },
  wavenet: { display: 'WaveNet', purpose: 'audio generation', keyIdea: 'stacks of dilated causal convolutions with gated activations', year: 2016, related: ['tcn'] },
  autoencoder: { display: 'Autoencoder', purpose: 'learning compressed representations by reconstruction', keyIdea: 'an encoder that compresses the input to a bottleneck and a decoder that reconstructs it', year: 2006, related: ['vae', 'unet'] },
  vae: { display: 'VAE', purpose: 'generative modelling of images', keyIdea: 'an encoder predicting a latent gaussian, sampled with the reparameterization trick and decoded', year: 2013, related: ['autoencoder', 'dcgan'] },
  dcgan: { display: 'DCGAN', purpose: 'image generation with adversarial training', keyIdea: 'an adversarially trained pair of all-convolutional networks: a generator that upsamples noise into images and a discriminator that tells real from fake', year: 2015, related: ['vae', 'autoencoder'] },
  pointnet: { display: 'PointNet', purpose: 'point cloud classification', keyIdea: 'a shared per-point mlp followed by a symmetric max function over all points', year: 2016, related: ['mlp'] },
  // Families the structural rules name from the design ideas (graph/family/by-ideas.ts), so that a text can name them too.
  xception: { display: 'Xception', purpose: 'image classification', keyIdea: 'inception modules taken to the extreme: depthwise separable convolutions with residual connections in entry, middle and exit flows', year: 2016, related: ['inception', 'mobilenetv1'] },
  mobilenetv1: { display: 'MobileNetV1', purpose: 'efficient image classification on mobile devices', keyIdea: 'a plain stack of depthwise separable convolutions, thinned by width and resolution multipliers', year: 2017, related: ['mobilenetv2', 'xception'] },
  convmixer: { display: 'ConvMixer', purpose: 'image classification', keyIdea: 'a patch embedding, then blocks that mix space with depthwise convolutions and channels with pointwise ones, all at one resolution', year: 2022, related: ['mlpmixer', 'vit'] },
  nin: { display: 'Network in Network', purpose: 'image classification', keyIdea: 'mlpconv layers (convolutions followed by 1x1 convolutions) and global average pooling instead of fully connected layers', year: 2013, related: ['alexnet', 'vgg'] },
  yolo: { display: 'YOLO', purpose: 'real-time object detection', keyIdea: 'one network that predicts boxes, objectness and class scores for every cell of a grid over the image', year: 2015, related: ['ssd', 'retinanet'] },
  centernet: { display: 'CenterNet', purpose: 'object detection', keyIdea: 'objects as points: a heatmap of object centres, with box size and offset regressed at each peak and no anchors', year: 2019, related: ['fcos', 'retinanet'] },
  espcn: { display: 'ESPCN', purpose: 'single-image super-resolution', keyIdea: 'convolutions at low resolution and one sub-pixel convolution (pixel shuffle) that upsamples at the end', year: 2016, related: ['srcnn'] },
  srcnn: { display: 'SRCNN', purpose: 'single-image super-resolution', keyIdea: 'three convolutions that map an upsampled blurry image to a sharp one', year: 2014, related: ['espcn'] },
  poseheatmap: { display: 'Pose Heatmap Net', purpose: 'human pose estimation', keyIdea: 'a backbone followed by deconvolution layers that predict one heatmap per keypoint', year: 2018, related: ['keypointrcnn'] },
  mlp: { display: 'MLP', purpose: 'classification from flat feature vectors', keyIdea: 'stacked fully connected layers with nonlinear activations', year: 1986, related: ['lenet', 'autoencoder'] },
});

export function familyInfo(key: string | null): FamilyInfo | null {
  return key === null ? null : (FAMILY_KNOWLEDGE[key] ?? null);
}
