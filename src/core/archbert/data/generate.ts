/**
 * The architecture generator's entry: seeded random architectures in the style
 * of the original ArchBERT's AutoNet set (DARTS-like cell networks), plus
 * stage-based CNNs, vision transformers, text transformers and recurrent
 * models, built directly as OpGraphs (one node per compute op, with shapes,
 * parameter counts and MACs; see generate/graph-builder.ts).
 *
 * Layout: generate/graph-builder.ts draws nodes, generate/blocks.ts holds the
 * layer patterns, generate/styles/ one file per network style. Same seed → the
 * same graph, byte for byte.
 */
import type { OpGraph } from '../../graph/types.js';
import type { GeneratedArch, GeneratorStyle } from './generate/generated-arch.js';
import { cellNetwork } from './generate/styles/cell.js';
import { recurrentNetwork } from './generate/styles/recurrent.js';
import { stageNetwork } from './generate/styles/stage.js';
import { transformerNetwork } from './generate/styles/transformer.js';
import { visionTransformerNetwork } from './generate/styles/vision-transformer.js';
import { Rng } from './rng.js';

// The generator's public face: callers (the dataset builder, the fact summary, tests) import from here.
export type { GeneratedArch, GeneratedMeta, GeneratorStyle } from './generate/generated-arch.js';
export { GraphBuilder } from './generate/graph-builder.js';

/** The style mix of the generated set (AutoNet cells dominate, as in the original). */
const STYLE_WEIGHTS: ReadonlyArray<readonly [GeneratorStyle, number]> = [
  ['cell', 50],
  ['stage', 23],
  ['vit', 10],
  ['transformer', 10],
  ['recurrent', 7],
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
  }
}

/** Sum of learned parameters of a generated graph. */
export function totalParams(g: OpGraph): number {
  return g.nodes.reduce((s, n) => s + n.params, 0);
}
