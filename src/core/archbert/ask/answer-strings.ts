/**
 * The facts' answer to a question in the learned QA head's vocabulary
 * (answers.json: "batch normalization", "5m-25m", "yes" …), so `ask` can say
 * when the head disagrees with the facts.
 */
import type { ArchSummary } from '../facts/arch-summary.js';
import { BLOCK_KINDS, isBlockKind, kernelOrder } from '../facts/arch-summary.js';
import { hasFeature } from '../language/feature-phrases.js';
import type { Intent } from '../language/question.js';
import { KIND_CANON, canon, layerBucket, paramRange } from '../language/vocabulary.js';

/** The canonical answer strings (as in answers.json) the facts give for an intent, when it maps to a QA template. */
export function factAnswerStrings(s: ArchSummary, intent: Intent): string[] | null {
  const none = (xs: string[]) => (xs.length ? xs : ['none']);
  switch (intent.type) {
    case 'which':
      switch (intent.what) {
        case 'norm':
          return none(s.norms.map(canon));
        case 'activation':
          return none(s.activations.map(canon));
        case 'pooling':
          return none(s.pooling.map(canon));
        case 'kernels':
          if (intent.convKind && s.structure) return none([...(s.structure.kernelsByKind[intent.convKind] ?? [])].sort(kernelOrder));
          return none([...s.kernelSizes]);
        case 'blocks':
          return none(BLOCK_KINDS.filter((b) => s.blocks[b] > 0).map((b) => canon(b === 'attention' ? 'attention_block' : b)));
        case 'conv_kinds':
          return none(s.convKinds.map(canon));
        case 'recurrent':
          return none(s.recurrent.map(canon));
      }
      break;
    case 'count':
      if (intent.what === 'params') return [paramRange(s.params).label];
      if (intent.what === 'layers') return [layerBucket(s.weightedLayers)];
      return null;
    case 'what':
      if (intent.what === 'task') return [s.task];
      if (intent.what === 'kind') return [KIND_CANON[s.kind]!];
      if (intent.what === 'after_conv') return s.afterConv ? [canon(s.afterConv)] : null;
      if (intent.what === 'modality') return [s.modality];
      return null;
    case 'lightweight':
      return [s.params < 5e6 ? 'yes' : 'no'];
    case 'presence':
      if (intent.keys.length === 1 && !intent.absent?.length && isBlockKind(intent.keys[0]!)) return [hasFeature(s, intent.keys[0]!) ? 'yes' : 'no'];
      return null;
    default:
      return null;
  }
  return null;
}
