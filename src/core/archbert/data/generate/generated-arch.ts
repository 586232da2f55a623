/**
 * What the generator returns: the graph and a record of the choices that made
 * it (style, depth, block kind, activation, …). The record is ground truth for
 * the caption and QA grammars, which may only say what the graph really is.
 */
import type { OpGraph } from '../../../graph/types.js';

export type { GeneratedMeta, GeneratorStyle } from '../../facts/generated-meta.js';
import type { GeneratedMeta } from '../../facts/generated-meta.js';

export interface GeneratedArch {
  id: string;
  name: string;
  seed: number;
  graph: OpGraph;
  meta: GeneratedMeta;
}
