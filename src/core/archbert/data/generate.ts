/**
 * The architecture generator's entry: seeded random architectures in the style
 * of the original ArchBERT's AutoNet set (DARTS-like cell networks), plus
 * stage-based CNNs, vision transformers, MLP-Mixers, text transformers,
 * recurrent models, dense-prediction networks (U-Net, DeepLab, super-resolution)
 * and temporal conv nets (WaveNet, TCN), built directly as OpGraphs (one node per compute op, with shapes,
 * parameter counts and MACs; see generate/graph-builder.ts).
 *
 * Layout: generate/graph-builder.ts draws nodes, generate/blocks.ts holds the
 * layer patterns, generate/styles/ one file per network style. Same seed → the
 * same graph, byte for byte.
 */
import type { OpGraph } from '../../graph/types.js';
import type { GeneratedArch, GeneratorStyle } from './generate/generated-arch.js';
import { cellNetwork } from './generate/styles/cell.js';
import { densePredictionNetwork } from './generate/styles/dense-prediction.js';
import { mlpMixerNetwork } from './generate/styles/mlp-mixer.js';
import { temporalConvNetwork } from './generate/styles/temporal-conv.js';
import { recurrentNetwork } from './generate/styles/recurrent.js';
import { stageNetwork } from './generate/styles/stage.js';
import { transformerNetwork } from './generate/styles/transformer.js';
import { visionTransformerNetwork } from './generate/styles/vision-transformer.js';
import { Rng } from './rng.js';

// The generator's public face: callers (the dataset builder, the fact summary, tests) import from here.
export type { GeneratedArch, GeneratedMeta, GeneratorStyle } from './generate/generated-arch.js';
export { generatedTask } from './generate/generated-arch.js';
export { GraphBuilder } from './generate/graph-builder.js';

/**
 * The style mix of the generated set (AutoNet cells dominate, as in the original; the later
 * styles bring the named design ideas of the idea catalogue: fire modules, channel shuffle,
 * inception branches in stage networks, token-mixing MLPs, U-Net / ASPP / pixel shuffle,
 * dilated causal and gated convolutions).
 */
const STYLE_WEIGHTS: ReadonlyArray<readonly [GeneratorStyle, number]> = [
  ['cell', 40],
  ['stage', 25],
  ['vit', 9],
  ['mixer', 4],
  ['transformer', 9],
  ['recurrent', 6],
  ['dense_prediction', 9],
  ['temporal_conv', 5],
];

/** One generated architecture; the seed fixes everything (style included, unless given). */
export function generateArchitecture(seed: number, style?: GeneratorStyle): GeneratedArch {
  const rng = new Rng(seed);
  const s = style ?? rng.weighted(STYLE_WEIGHTS);
  switch (s) {
    case 'cell':
      return cellNetwork(rng, seed);
    case 'stage':
      return stageNetwork(rng, seed);
    case 'vit':
      return visionTransformerNetwork(rng, seed);
    case 'transformer':
      return transformerNetwork(rng, seed);
    case 'recurrent':
      return recurrentNetwork(rng, seed);
    case 'mixer':
      return mlpMixerNetwork(rng, seed);
    case 'dense_prediction':
      return densePredictionNetwork(rng, seed);
    case 'temporal_conv':
      return temporalConvNetwork(rng, seed);
  }
}

/** Sum of learned parameters of a generated graph. */
export function totalParams(g: OpGraph): number {
  return g.nodes.reduce((s, n) => s + n.params, 0);
}
