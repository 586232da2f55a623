/**
 * The shape of one design-idea detector: an id from the vocabulary and a plain
 * function over the analysed graph. `known` holds the ideas found by the
 * detectors before it in registry order, so a detector may build on them
 * (channel-mixing MLPs only count beside token-mixing ones).
 */
import type { IdeaContext, IdeaFinding } from './context.js';

export interface IdeaDetector {
  id: string;
  detect(ctx: IdeaContext, known: Readonly<Record<string, IdeaFinding>>): IdeaFinding | null;
}
