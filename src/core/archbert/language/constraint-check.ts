/**
 * Whether an architecture's facts meet a stated constraint (constraints.ts):
 * parameter bounds, features present or absent, task, family, input modality
 * and counted quantities. `find` ranks by it, `ask` answers with it, and
 * `describe` checks a caption's family and task claims with it, so the three
 * never disagree about what a graph is.
 */
import type { ArchSummary } from '../facts/arch-summary.js';
import type { Constraint } from './constraints.js';
import type { TaskKey } from './tasks.js';
import { hasFeature } from './feature-phrases.js';
import { quantityHolds } from './quantity.js';

/** Whether the facts meet one constraint. */
export function satisfies(s: ArchSummary, c: Constraint): boolean {
  switch (c.kind) {
    case 'max_params':
      return s.params <= c.value;
    case 'min_params':
      return s.params >= c.value;
    case 'has':
      return hasFeature(s, c.key);
    case 'has_any':
      return c.keys.some((k) => hasFeature(s, k));
    case 'lacks':
      return !hasFeature(s, c.key);
    case 'task':
      return taskMatches(s, c.task);
    case 'family':
      return familyAgrees(s, c.family);
    case 'modality':
      // An audio model's input is a 1-D signal to the graph rules.
      return s.modality === c.modality || (c.modality === 'signal' && s.modality === 'audio');
    case 'input_size': {
      // [batch, channels, H, W] or [batch, H, W, channels]: the two spatial dims; an unknown (dynamic) size does not exclude.
      const dims = spatialDims(s.input);
      return dims === null || (dims[0] === c.height && dims[1] === c.width);
    }
    case 'quantity':
      // A count the facts cannot give (a presence-only feature) does not exclude the entry.
      return quantityHolds(s, c) ?? true;
  }
}

/** The input's spatial size when known: [H, W] of a 4-D image input (channels first or last); null otherwise. */
export function spatialDims(input: ArchSummary['input']): [number, number] | null {
  if (!input || input.length !== 4) return null;
  const [, a, b, c] = input;
  if (typeof a === 'number' && a <= 4 && typeof b === 'number' && typeof c === 'number') return [b, c];
  if (typeof c === 'number' && c <= 4 && typeof a === 'number' && typeof b === 'number') return [a, b];
  return null;
}

/** Whether an architecture's task matches a task key (the facts' task guess, in the dataset's wording). */
export function taskMatches(s: ArchSummary, task: TaskKey): boolean {
  const t = s.task.toLowerCase();
  const st = s.structure;
  // What the outputs predict tells a text classifier (one vector per sequence) from a language model (a vocabulary distribution per token).
  if (st && (st.tokenInputs > 0 || s.recurrent.length > 0)) {
    if (task === 'classification') return st.pooledOutput;
    if (task === 'language_model') return st.languageModel;
    if (task === 'seq2seq') return st.encoderDecoder;
    if (task === 'generation' && (st.languageModel || st.encoderDecoder)) return true;
  }
  if (task === 'language_model') return st ? st.languageModel : t.includes('language') || t === 'sequence modeling';
  if (task === 'seq2seq') return st ? st.encoderDecoder : t.includes('translation') || t === 'sequence modeling';
  // Without the structure facts (an old index), "sequence modeling" cannot tell a recurrent text classifier from a language model: both match.
  if (t === 'sequence modeling' && (task === 'classification' || task === 'sequence')) return true;
  switch (task) {
    case 'detection':
      return t.includes('detection') || t.includes('keypoint');
    case 'segmentation':
      return t.includes('segmentation');
    case 'classification':
      return t.includes('classification');
    case 'generation':
      return t.includes('generation') || t.includes('reconstruction') || t.includes('autoencod');
    case 'sequence':
      return t.includes('sequence') || t.includes('language') || t.includes('translation') || Boolean(st && (st.languageModel || st.encoderDecoder));
  }
}

/**
 * Families the structural rules (graph/family.ts) name more broadly than the
 * family vocabulary: one ShuffleNet rule for v1 and v2 (channel shuffle),
 * one DeepLab rule (ASPP).
 */
const STRUCTURAL_NAME: Readonly<Record<string, string>> = Object.assign(Object.create(null) as object, {
  shufflenetv2: 'shufflenet',
  deeplabv3: 'deeplab',
});

/**
 * Whether the facts' family guess (structural rules, src/core/graph/family.ts)
 * agrees with a named family. The rules cannot tell EfficientNetV2 from
 * EfficientNet (same blocks), so "efficientnetv2" accepts either.
 */
export function familyAgrees(s: ArchSummary, family: string): boolean {
  const k = s.familyKey?.replace(/[^a-z0-9]/g, '') ?? null;
  if (k === null) return false;
  // The graph rules name both generations "efficientnet"; V2 is the one with fused-MBConv stages.
  // The rules name the transformer stacks "bert-like" / "gpt-like".
  if ((family === 'bert' || family === 'gpt') && k === `${family}like`) return true;
  if (family === 'efficientnetv2') return k === 'efficientnetv2' || (k === 'efficientnet' && (s.structure ? s.structure.fusedMBConv > 0 : true));
  return k === family || STRUCTURAL_NAME[family] === k;
}
