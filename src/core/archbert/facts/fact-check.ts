/**
 * Checks a text against an architecture's facts: which layer types, blocks
 * and kernel sizes it mentions, and which of those mentions the facts
 * contradict. Used by the tests (the grammar must never contradict the
 * facts) and available to `describe` / `ask` to flag a generated claim.
 *
 * Mentions are found by longest-match over every paraphrase in
 * language/vocabulary.ts ("leaky relu" is not also a "relu"). A mention in the
 * scope of a negation ("does not use", "there is no", "without", "no …", "has
 * no", "… is not used"; language/negation-scope.ts) is a claim of absence: it
 * must be ABSENT from the facts.
 */
import { BLOCK_KINDS, CONV_KINDS, POOLING, RECURRENT, type ArchSummary } from './arch-summary.js';
import { ACTIVATIONS, NORMS } from '../../graph/categories.js';
import { NAMES } from '../language/vocabulary.js';
import { table } from '../../graph/formats/table.js';
import { negatedAt } from '../language/negation-scope.js';

/** Keys whose presence the facts decide, and how. */
const CHECKED: Record<string, (s: ArchSummary) => boolean> = table({});
for (const k of NORMS) CHECKED[k] = (s) => s.norms.includes(k);
for (const k of ACTIVATIONS) CHECKED[k] = (s) => s.activations.includes(k);
// Output activations are kept apart from the body's in the summary: either list counts.
for (const k of ['softmax', 'log_softmax']) CHECKED[k] = (s) => s.outputActivations.includes(k) || s.activations.includes(k);
for (const k of POOLING) CHECKED[k] = (s) => s.pooling.includes(k);
for (const k of CONV_KINDS) if (k !== 'conv') CHECKED[k] = (s) => s.convKinds.includes(k);
CHECKED.conv = (s) => s.convKinds.length > 0;
for (const k of RECURRENT) CHECKED[k] = (s) => s.recurrent.includes(k);
CHECKED.embedding = (s) => (s.ops.embedding ?? 0) > 0;
CHECKED.linear = (s) => (s.ops.linear ?? 0) > 0;
// Attention is checked as attention_block below (a block or an attention op).
for (const k of BLOCK_KINDS) if (k !== 'attention') CHECKED[k] = (s) => s.blocks[k] > 0;
CHECKED.attention_block = (s) => s.blocks.attention > 0 || (s.ops.attention ?? 0) > 0;
CHECKED.attention = CHECKED.attention_block;
CHECKED.normalization = (s) => s.norms.length > 0;

/** Extra surface forms not in NAMES (generic words the grammar uses). */
const EXTRA_FORMS: Array<[string, string]> = [
  ['normalization layers', 'normalization'],
  ['normalization', 'normalization'],
  ['self-attention', 'attention_block'],
  ['residual', 'residual'],
  ['separable convolutions', 'depthwise_separable'],
  ['depthwise convolutions', 'depthwise_conv'],
  ['convolution', 'conv'],
];

const FORMS: Array<[string, string]> = (() => {
  const forms: Array<[string, string]> = [];
  for (const [key, v] of Object.entries(NAMES)) {
    if (!(key in CHECKED)) continue;
    for (const f of v.say) forms.push([f.replace(/^(an?|the) /, ''), key]);
  }
  forms.push(...EXTRA_FORMS);
  // Longest first, so "leaky relu" wins over "relu" and "hard swish" over "swish".
  return forms.sort((a, b) => b[0].length - a[0].length || (a[0] < b[0] ? -1 : 1));
})();

export interface Mention {
  key: string;
  phrase: string;
  negated: boolean;
  /** Whether the facts agree with the mention (present, or absent for a negated one). */
  consistent: boolean;
}

/** Splits into sentences (period followed by a space or the end). */
function sentences(text: string): string[] {
  return text
    .toLowerCase()
    .split(/(?<=[.;?!])\s+/)
    .filter((s) => s.trim().length > 0);
}

const isWordChar = (c: string | undefined) => c !== undefined && /[a-z0-9]/.test(c);

/** Leftmost-longest phrase matches at word starts ("leaky relu activations" → leaky relu, not relu). */
function findPhrases(sentence: string): Array<{ key: string; phrase: string; start: number }> {
  const found: Array<{ key: string; phrase: string; start: number }> = [];
  let i = 0;
  while (i < sentence.length) {
    if (isWordChar(sentence[i]) && !isWordChar(sentence[i - 1]) && sentence[i - 1] !== '-') {
      const hit = FORMS.find(([f]) => sentence.startsWith(f, i) && !isWordChar(sentence[i + f.length]));
      if (hit) {
        found.push({ key: hit[1], phrase: hit[0], start: i });
        i += hit[0].length;
        continue;
      }
    }
    i++;
  }
  return found;
}

export function mentions(text: string, s: ArchSummary): Mention[] {
  const out: Mention[] = [];
  for (const sentence of sentences(text)) {
    for (const { key, phrase, start } of findPhrases(sentence)) {
      const negated = negatedAt(sentence, start, start + phrase.length);
      const present = CHECKED[key]!(s);
      out.push({ key, phrase, negated, consistent: negated ? !present : present });
    }
    // Kernel sizes of convolutions ("3x3 convolutions", "kernels are 1x1 and 3x3"), not of pooling windows;
    // a negated size ("no 7x7 convolutions") is not checked.
    if (!/kernel|conv|filter/.test(sentence)) continue;
    for (const m of sentence.matchAll(/\b(\d+)x(\d+)\b(?!\s*(max|average|avg) pooling)/g)) {
      if (negatedAt(sentence, m.index!, m.index! + m[0].length)) continue;
      const k = `${m[1]}x${m[2]}`;
      out.push({ key: `kernel:${k}`, phrase: k, negated: false, consistent: s.kernelSizes.includes(k) });
    }
  }
  return out;
}

/** The mentions the facts contradict (empty = consistent). */
export function contradictions(text: string, s: ArchSummary): Mention[] {
  return mentions(text, s).filter((m) => !m.consistent);
}
