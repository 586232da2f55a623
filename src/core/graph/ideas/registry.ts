/**
 * The catalogue of design ideas: every detector in one ordered list (the key
 * order of `ideas` in the facts), and `findIdeas`, which runs them over an
 * analysed graph. Order matters only where a detector reads an earlier one's
 * finding (channel mixing after token mixing, ConvMixer after the patch stem,
 * the plain stack after dense connectivity, the heads before the generic
 * fully convolutional head).
 */
import type { IdeaDetector } from './detector.js';
import { IdeaContext, type IdeaFinding, type IdeaInput } from './context.js';
import { BLOCK_IDEAS } from './blocks.js';
import { OP_IDEAS } from './ops.js';
import { CLASSIC_CNN_IDEAS } from './classic-cnn.js';
import { RESIDUAL_IDEAS } from './residual-variants.js';
import { TRANSFORMER_IDEAS } from './transformer.js';
import { EFFICIENT_CNN_IDEAS } from './efficient-cnn.js';
import { WINDOW_MIXER_IDEAS } from './windows-mixers.js';
import { DENSE_PREDICTION_IDEAS } from './dense-prediction.js';
import { GENERATIVE_POINT_IDEAS } from './generative-points.js';
import { SEQUENCE_IDEAS } from './sequence.js';

export type { IdeaFinding, IdeaInput } from './context.js';

export const IDEA_DETECTORS: readonly IdeaDetector[] = [
  ...BLOCK_IDEAS,
  ...OP_IDEAS,
  ...CLASSIC_CNN_IDEAS,
  ...RESIDUAL_IDEAS,
  ...TRANSFORMER_IDEAS,
  ...EFFICIENT_CNN_IDEAS,
  ...WINDOW_MIXER_IDEAS,
  ...DENSE_PREDICTION_IDEAS,
  ...GENERATIVE_POINT_IDEAS,
  ...SEQUENCE_IDEAS,
];

/** every idea id, in registry order (the schema's enum) */
export const IDEA_IDS: readonly string[] = IDEA_DETECTORS.map((d) => d.id);

/** The ideas present in the graph, keyed by id in registry order. */
export function findIdeas(input: IdeaInput): Record<string, IdeaFinding> {
  const ctx = new IdeaContext(input);
  const out: Record<string, IdeaFinding> = {};
  for (const d of IDEA_DETECTORS) {
    const f = d.detect(ctx, out);
    if (f) out[d.id] = f;
  }
  return out;
}
