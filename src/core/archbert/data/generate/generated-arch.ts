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

/** The task a generated architecture is described with (the dataset's `task`), from its record. */
export function generatedTask(meta: GeneratedMeta): string {
  switch (meta.task) {
    case 'segmentation':
      return 'semantic segmentation';
    case 'super_resolution':
      return 'image super-resolution';
    case 'generation':
      return meta.modality === 'signal' ? 'audio generation' : 'language modeling';
    case 'classification':
      return meta.modality === 'image' ? 'image classification' : meta.modality === 'signal' ? 'time series classification' : 'text classification';
  }
}
