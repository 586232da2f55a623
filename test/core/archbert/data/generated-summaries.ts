/**
 * Test fixture shared by the text-grammar tests (describe-text, queries, qa,
 * statements): summaries of generated architectures, made exactly as the
 * dataset builder makes them.
 */
import { graphDeps } from '../../../../src/commands/archbert/dataset.js';
import { summarize, type ArchSummary } from '../../../../src/core/archbert/facts/arch-summary.js';
import { hasCausalAttention } from '../../../../src/core/archbert/facts/generated-meta.js';
import { generateArchitecture, generatedTask, type GeneratorStyle } from '../../../../src/core/archbert/data/generate.js';

export function generatedSummary(seed: number, style?: GeneratorStyle): ArchSummary {
  const a = generateArchitecture(seed, style);
  const facts = graphDeps.factsOf(a.graph, { name: a.name, input: a.meta.input, causalMask: hasCausalAttention(a.meta) });
  return summarize(a.graph, facts, {
    id: a.id, name: a.name, source: 'generated', family: null, variant: null,
    task: generatedTask(a.meta), generated: a.meta,
  });
}

/** The summaries of generated seeds 1000, 1001, … (count of them). */
export function generatedSummaries(count: number): ArchSummary[] {
  return Array.from({ length: count }, (_, i) => generatedSummary(1000 + i));
}

/** Real exports in fixtures/models with the family and task the exporter gives them. */
export const FIXTURE_MODELS: Array<[name: string, family: string, task: string]> = [
  ['convnext_tiny', 'ConvNeXt', 'image classification'],
  ['densenet121', 'DenseNet', 'image classification'],
  ['efficientnet_b0', 'EfficientNet', 'image classification'],
  ['lraspp_mobilenet_v3_large', 'LR-ASPP', 'semantic segmentation'],
  ['mobilenet_v2', 'MobileNetV2', 'image classification'],
  ['mobilenet_v3_small', 'MobileNetV3', 'image classification'],
  ['regnet_y_400mf', 'RegNet', 'image classification'],
  ['resnet18', 'ResNet', 'image classification'],
  ['resnet50', 'ResNet', 'image classification'],
  ['shufflenet_v2_x1_0', 'ShuffleNetV2', 'image classification'],
  ['squeezenet1_0', 'SqueezeNet', 'image classification'],
  ['ssdlite320_mobilenet_v3_large', 'SSDlite', 'object detection'],
  ['vgg11', 'VGG', 'image classification'],
  ['vit_b_16', 'ViT', 'image classification'],
];
