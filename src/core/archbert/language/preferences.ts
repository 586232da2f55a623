/**
 * What a query wishes for besides its hard constraints (constraints.ts): the
 * network kinds it names without a cue ("a convnet", "transformer for
 * images"), which rank a model up but exclude none, and a size preference
 * ("the largest ConvNeXt", "smallest variant") among equally fitting models.
 */
import { expandQuery } from './query-text.js';

/** Network kinds a query names without a cue ("a convnet", "transformer for images"); null when none. Not a hard constraint: hybrids half-match. */
export function kindMentions(query: string): Array<'convolutional' | 'transformer'> {
  const q = expandQuery(query);
  const out: Array<'convolutional' | 'transformer'> = [];
  // "inspired by transformers", "like a transformer", "not a transformer": a comparison, not what the network is.
  const negated = (idx: number) => /(inspired by|like|than|versus|vs\.?|instead of|rather than|not|non|no|without)[- ](an? |the )?$/.test(q.slice(Math.max(0, idx - 24), idx));
  const conv = /\b(convnets?|conv ?nets?|cnns?|convolutional(?! layers?| kernels?| filters?)|all-convolutional|pure conv)\b/.exec(q);
  if (conv && !negated(conv.index)) out.push('convolutional');
  const tr = /\btransformers?\b(?![- ]?(?:free|less)\b)/.exec(q);
  if (tr && !negated(tr.index)) out.push('transformer');
  return out;
}

/** +1: the query wants the biggest fitting model ("largest", "the big variant"); -1: the smallest; 0: no preference. */
export function sizePreference(query: string): -1 | 0 | 1 {
  const q = query.toLowerCase();
  if (/\b(largest|biggest|heaviest|deepest|widest)\b|\b(larger|bigger|big|large|huge|largest) (variant|version|model|one)\b/.test(q)) return 1;
  if (/\b(smallest|tiniest|lightest|shallowest)\b|\b(smaller|small|tiny|lighter|little) (variant|version|one)\b/.test(q)) return -1;
  return 0;
}
