/**
 * What the generator returns: the graph and a record of the choices that made
 * it (style, depth, block kind, activation, …). The record is ground truth for
 * the caption and QA grammars, which may only say what the graph really is.
 */
import type { OpGraph } from '../../../graph/types.js';

export type GeneratorStyle = 'cell' | 'stage' | 'vit' | 'transformer' | 'recurrent';

export interface GeneratedMeta {
  style: GeneratorStyle;
  task: 'classification' | 'generation';
  modality: 'image' | 'text';
  input: number[];
  numClasses: number;
  /** Cells / blocks stacked in the body (normal + reduction for cell networks). */
  cells: number;
  reductionCells: number;
  /** Cell ops (cell networks) or block kind (stage networks), human-readable ids. */
  cellOps: string[];
  blockKind: string | null;
  activation: string;
  norm: string | null;
  width: number;
  head: string;
}

export interface GeneratedArch {
  id: string;
  name: string;
  seed: number;
  graph: OpGraph;
  meta: GeneratedMeta;
}
