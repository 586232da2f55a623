/**
 * The generator's record of a generated architecture (style, depth, block kind,
 * activation, …). It is part of the facts: the summary of a generated graph
 * carries it, and the caption and QA grammars may say only what it records.
 * Defined here, below the generator, so that facts/ does not depend on data/.
 */
export type GeneratorStyle = 'cell' | 'stage' | 'vit' | 'transformer' | 'recurrent' | 'mixer' | 'dense_prediction' | 'temporal_conv';

export interface GeneratedMeta {
  style: GeneratorStyle;
  task: 'classification' | 'generation' | 'segmentation' | 'super_resolution';
  modality: 'image' | 'text' | 'signal';
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

/** Whether the generator built causal (masked) self-attention: its record is what a generated graph has in place of a mask to read. */
export function hasCausalAttention(meta: Pick<GeneratedMeta, 'style' | 'blockKind'>): boolean {
  return meta.style === 'transformer' && meta.blockKind === 'decoder';
}
