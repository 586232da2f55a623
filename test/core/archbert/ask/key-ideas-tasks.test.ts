/**
 * `archbert ask` about an architecture's key idea, its design ideas, its finer
 * task, and questions the facts only half cover (issue 16, part 4). Expected
 * values come from the papers, not from the code under test:
 * - SqueezeNet 1.0: built from fire modules (Iandola et al. 2016).
 * - ResNeXt-50 32x4d: aggregated residual transformations, i.e. grouped
 *   convolutions of cardinality 32 in bottleneck blocks (Xie et al. 2017).
 * - DenseNet-121: dense connectivity (Huang et al. 2017).
 * - Simple Baselines pose ResNet-50: keypoint heatmaps after deconvolutions
 *   (Xiao et al. 2018), a pose-estimation model.
 * - RetinaNet: anchor boxes on a feature pyramid (Lin et al. 2017), not anchor-free.
 * - TCN: dilated causal convolutions (Bai et al. 2018).
 * - ResNet-50: plain convolutions only, no deformable or octave convolutions,
 *   no attention; 16 bottleneck blocks (3 + 4 + 6 + 3).
 * - Simple Baselines: 3 deconvolution layers, 17 COCO keypoint heatmaps.
 * - DCGAN generator: a latent vector upsampled to an image; a convolutional
 *   VAE is generative too but is no noise-to-image generator.
 * - YOLOv2: a passthrough (reorg) layer. ESPCN: super-resolution (x3).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { answerQuestion } from '../../../../src/core/archbert/ask.js';
import { analyzeModelFile, type AnalyzedModel } from '../../../../src/core/archbert/facts/model-file.js';
import { repoRoot } from '../../../helpers/cli.js';

const FILES: Record<string, string> = {
  squeezenet: 'fixtures/models/squeezenet1_0.onnx',
  densenet: 'fixtures/models/densenet121.onnx',
  resnet50: 'fixtures/models/resnet50.onnx',
  resnext: 'fixtures/reference/resnext50_32x4d.onnx',
  pose: 'fixtures/reference/simple_baseline_pose_r50.onnx',
  retinanet: 'fixtures/reference/retinanet_r50_fpn.onnx',
  tcn: 'fixtures/reference/tcn_seq_mnist.onnx',
  pointnet: 'fixtures/reference/pointnet_tnet.onnx',
  vae: 'fixtures/reference/conv_vae.onnx',
  dcgan: 'fixtures/reference/dcgan_generator.onnx',
  yolo: 'fixtures/reference/yolov2_voc.onnx',
  espcn: 'fixtures/reference/espcn_x3.onnx',
};
const M: Record<string, AnalyzedModel> = {};
const ask = (model: string, q: string) => answerQuestion(q, M[model]!.summary, M[model]!.opGraph, null, M[model]!.facts.ideas, M[model]!.facts.task.detail);
const askRulesOnly = (model: string, q: string) => answerQuestion(q, M[model]!.summary, M[model]!.opGraph, null);

beforeAll(async () => {
  for (const [k, f] of Object.entries(FILES)) M[k] = await analyzeModelFile(join(repoRoot, f));
}, 180_000);

describe('key idea questions', () => {
  it('answers the key idea with the most characteristic idea, in several phrasings', () => {
    expect(ask('squeezenet', 'what is its key idea?')).toMatchObject({ kind: 'value', value: 'fire_module', confidence: 1 });
    expect(ask('resnext', 'What makes this architecture special?')).toMatchObject({ kind: 'value', value: 'grouped_convolution' });
    expect(ask('densenet', 'main building block?')).toMatchObject({ kind: 'value', value: 'dense_connectivity' });
    expect(ask('densenet', "what's the main design idea?").value).toBe('dense_connectivity');
    expect(ask('tcn', 'what is it known for?').value).toBe('dilated_causal_conv');
    expect(ask('squeezenet', 'what is its key idea?').evidence.length).toBeGreaterThan(0);
    // the value is the facts' idea id; the sentence names it in words
    expect(ask('squeezenet', 'what is its key idea?').answer).toMatch(/^Fire module \(8\)/);
  });

  it('lists the design ideas, most characteristic first, generic ones after', () => {
    const a = ask('resnext', 'which design ideas does it use?');
    expect(a.kind).toBe('choice');
    expect((a.value as string[]).slice(0, 2)).toEqual(['grouped_convolution', 'bottleneck_residual']);
    expect(a.value).toContain('batch_norm');
    expect((a.value as string[]).indexOf('batch_norm')).toBeGreaterThan(1);
  });

  it('leaves other questions to the rules (negative)', () => {
    // a feature question, a yes/no about the key idea, and a block list are not key-idea questions
    expect(ask('squeezenet', 'does it use batch norm?').kind).toBe('yes_no');
    expect(ask('squeezenet', 'is its key idea channel shuffle?').value).not.toBe('fire_module');
    expect(ask('resnext', 'which normalization layers does it use?').value).toEqual(['batch normalization']);
    // without the ideas there is nothing to answer from
    expect(askRulesOnly('squeezenet', 'what is its key idea?').value).not.toBe('fire_module');
  });
});

describe('finer task questions', () => {
  it('answers a finer task named in a yes/no question from task.detail', () => {
    expect(ask('pose', 'is it a pose estimation model?')).toMatchObject({ kind: 'yes_no', value: true, confidence: 1 });
    expect(ask('pose', 'does it do keypoint detection?').value).toBe(true);
    // a box detector is not a keypoint detector, though both are "detection"
    expect(ask('retinanet', 'does it do keypoint detection?').value).toBe(false);
    expect(ask('resnext', 'is it a pose estimation model?').value).toBe(false);
  });

  it('names the finer task where the coarse one would misname it, and only there', () => {
    expect(ask('pose', 'what is it for?').value).toBe('keypoint detection');
    expect(ask('pointnet', 'what task is it for?').value).toBe('point cloud classification');
    // classification and box detection keep the rules' answer
    expect(ask('resnext', 'what is it for?').value).toBe(askRulesOnly('resnext', 'what is it for?').value);
    expect(ask('retinanet', 'what task?').value).toBe(askRulesOnly('retinanet', 'what task?').value);
  });

  it("understands the purpose asked as \"what's it for?\" or \"what does it do?\", but not a part's role", () => {
    for (const q of ["what's it for?", 'what is this network for?', 'what does this model do?']) expect(ask('resnext', q).value, q).toBe('image classification');
    expect(ask('resnext', 'what does the first layer do?').value).not.toBe('image classification');
  });
});

describe('counts and conjunctions of ideas', () => {
  it('counts the ideas whose detectors count instances, also when the rules read "layers"', () => {
    expect(ask('resnet50', 'how many bottleneck blocks in resnet50')).toMatchObject({ kind: 'value', value: 16 });
    expect(ask('pose', 'how many keypoint heatmaps does it output?').value).toBe(17);
    expect(ask('pose', 'how many deconvolution layers upsample the features?').value).toBe(3);
    // a plain layer count stays the rules' (negative)
    expect(ask('pose', 'how many layers?').value).toBe(askRulesOnly('pose', 'how many layers?').value);
  });

  it('reads an aside in brackets as part of the idea phrase', () => {
    expect(ask('yolo', 'does it have the passthrough (reorg) layer')).toMatchObject({ value: true, confidence: 1 });
    expect(ask('dcgan', 'does it have the passthrough (reorg) layer').value).toBe(false);
  });

  it('makes a task or family statement false when the idea named with it is absent', () => {
    expect(ask('vae', 'It is a GAN generator that maps random noise to images.')).toMatchObject({ kind: 'statement', value: false });
    expect(ask('dcgan', 'It is a GAN generator that maps random noise to images.').value).toBe(true);
    // no idea named: the task alone decides (negative)
    expect(ask('vae', 'is it a generative model?').value).toBe(true);
  });

  it('names a finer task the coarse one is right about in the sentence only', () => {
    const a = ask('espcn', 'what is it for?');
    expect(a.value).toBe(askRulesOnly('espcn', 'what is it for?').value);
    expect(a.answer).toMatch(/super-resolution/);
  });
});

describe('half-understood questions', () => {
  it('marks a kind of feature the facts do not record as not decided', () => {
    for (const q of ['does it use deformable convolutions?', 'does it use octave convolutions?', 'how many deformable convs?']) {
      const a = ask('resnet50', q);
      expect(a.confidence, q).toBe(0);
      expect(a.answer, q).toMatch(/facts do not decide/);
      expect(a.evidence, q).toEqual([]);
      expect(a.value, q).toBe(false);
    }
  });

  it('answers the feature when the qualifier is harmless or the feature is absent (negative)', () => {
    expect(ask('resnet50', 'does it use 3x3 convolutions?')).toMatchObject({ value: true, confidence: 1 });
    expect(ask('resnet50', 'does it use standard convolutions?')).toMatchObject({ value: true, confidence: 1 });
    // no attention at all: no deformable attention either, and the facts say so
    expect(ask('resnet50', 'does it use deformable attention?')).toMatchObject({ value: false, confidence: 1 });
  });

  it('answers an idea when the family or a causal word is only part of the sentence', () => {
    expect(ask('retinanet', 'Is RetinaNet anchor-free?')).toMatchObject({ value: false, confidence: 1 });
    expect(ask('retinanet', 'is it a RetinaNet?').value).toBe(true);
    expect(ask('tcn', 'dilated causal convolutions?').value).toBe(true);
    expect(ask('resnet50', 'dilated causal convolutions?').value).toBe(false);
  });
});
