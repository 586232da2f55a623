/**
 * Words that may stand right before a feature phrase without changing what
 * it names ("any convolutions", "standard 3x3 convolutions", "2d convs"), and
 * `unknownQualifier`, which finds a word there that is not one of them and
 * not a word of the vocabulary either ("deformable convolutions", "octave
 * convolutions", "ghost-convolution").
 *
 * Why: the feature vocabulary matches "convolutions" inside "deformable
 * convolutions", so without this check a question about a kind of
 * convolution the facts do not record is answered about convolutions in
 * general ("Yes: 53 conv op(s)"). A word the vocabulary does not know that
 * qualifies the feature means the question asks about something narrower
 * than what the facts can check; ask then says the facts do not decide.
 * The list is of words that do not narrow a feature to a kind the facts
 * could miss: function words, everyday size/position/number words, and
 * the kinds the vocabulary knows under other words.
 */
import { familyMention } from './families.js';
import { featurePhrases } from './feature-phrases.js';
import { ideaMention } from './idea-phrases.js';
import { statedTasks } from './tasks.js';

/**
 * Harmless qualifiers, grouped by why they are harmless. Kernel sizes, numbers
 * and "2d"/"1d" are recognised by pattern (HARMLESS_PATTERN).
 */
const HARMLESS_QUALIFIERS = new Set([
  // function words: articles, pronouns, quantifiers, prepositions, conjunctions, negation
  'a', 'an', 'the', 'its', 'it', 'their', 'this', 'that', 'these', 'those', 'any', 'some', 'all', 'each', 'every', 'both', 'only', 'no', 'not',
  'of', 'with', 'without', 'in', 'on', 'for', 'by', 'to', 'at', 'from', 'into', 'after', 'before', 'between', 'and', 'or', 'nor', 'but', 'than',
  'many', 'much', 'more', 'most', 'few', 'fewer', 'less', 'several', 'multiple', 'other', 'same', 'such', 'own', 'there', 'here', 'also', 'even',
  'which', 'what', 'how', 'whether', 'if', 'any?', 'so', 'just', 'still', 'ever', 'never', 'too', 'very', 'really',
  // verbs that introduce the feature ("does it use …", "relies on …")
  'use', 'uses', 'used', 'using', 'have', 'has', 'had', 'having', 'contain', 'contains', 'containing', 'include', 'includes', 'including',
  'employ', 'employs', 'apply', 'applies', 'applied', 'rely', 'relies', 'feature', 'features', 'do', 'does', 'did', 'is', 'are', 'was', 'were',
  'be', 'been', 'get', 'gets', 'see', 'find', 'count', 'number', 'total', 'built', 'made', 'make', 'makes', 'stack', 'stacks', 'put', 'add', 'adds',
  // words that do not narrow the feature to another kind of it
  'standard', 'regular', 'normal', 'plain', 'vanilla', 'ordinary', 'simple', 'basic', 'classic', 'classical', 'usual', 'conventional', 'traditional',
  'typical', 'common', 'ordinary', 'proper', 'actual', 'real', 'explicit', 'full', 'fully', 'whole', 'entire', 'true',
  'small', 'large', 'big', 'huge', 'tiny', 'wide', 'narrow', 'deep', 'shallow', 'long', 'short', 'heavy', 'light', 'cheap', 'expensive',
  'first', 'last', 'final', 'initial', 'early', 'later', 'late', 'middle', 'intermediate', 'hidden', 'inner', 'outer', 'internal', 'main',
  'input', 'output', 'extra', 'additional', 'single', 'double', 'separate', 'parallel', 'sequential', 'stacked', 'repeated', 'consecutive',
  'successive', 'several', 'learned', 'learnable', 'trainable', 'trained', 'weighted', 'unweighted', 'biased', 'bias', 'same-padded', 'padded',
  'spatial', 'temporal', 'channel-wise', 'per-channel', 'global', 'image', 'feature', 'features', 'layer', 'layers', 'model', 'network', 'net',
  'two-dimensional', 'one-dimensional', 'three-dimensional', 'square', 'odd', 'even',
  // kinds the vocabulary knows under other words (conv kinds, attention kinds, pooling/norm words)
  'pointwise', 'point-wise', 'depthwise', 'depth-wise', 'channelwise', 'group', 'grouped', 'groupwise', 'dilated', 'atrous', 'transposed',
  'separable', 'strided', 'stride', 'downsampling', 'upsampling', 'conv', 'convolutional', 'self', 'multi-head', 'multihead', 'scaled',
  'dot-product', 'batch', 'instance', 'average', 'max', 'mean', 'fc', 'dense', 'linear', 'nonlinear', 'non-linear', 'residual', 'skip',
]);

/** Numbers, kernel sizes ("3x3", "7×7"), dimensionalities ("2d", "1-d"), strides ("s2"), number words. */
const HARMLESS_PATTERN = /^(?:\d+(?:\.\d+)?(?:[x×]\d+)*(?:-?d)?|\d+-?d|s\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|single|dozens?)$/;

/** Whether a word is a harmless qualifier: listed, a number-like word, or a word the vocabularies know. */
export function isHarmlessQualifier(word: string): boolean {
  const w = word.toLowerCase();
  if (HARMLESS_QUALIFIERS.has(w) || HARMLESS_PATTERN.test(w)) return true;
  // A word of the feature or idea vocabulary, a family or a task names something the facts record.
  if (featurePhrases(w).length || ideaMention(w) !== null || familyMention(w) !== null || statedTasks(w).length) return true;
  return false;
}

/**
 * The word that qualifies the feature phrase spanning [start, end) of
 * `text` (end: when given, the phrase's words are tried after the words
 * before it, to see whether those form another phrase) when it is not harmless: the first part of a hyphenated compound
 * ("ghost-convolution"), else the word directly before the phrase. Null when
 * there is none or it is harmless.
 */
export function unknownQualifier(text: string, start: number, end?: number): string | null {
  const before = text.slice(0, start);
  const m = /([a-z0-9][a-z0-9'×]*)(-|\s+)$/.exec(before.toLowerCase());
  if (!m) return null;
  const word = m[1]!.replace(/'s$/, '');
  if (isHarmlessQualifier(word)) return null;
  // Part of another phrase of the vocabulary with a word of this one ("fully connected (linear) layers": "fully
  // connected layers"): the words before say the same feature again, they do not narrow it.
  const upTo = before.slice(0, before.length - m[2]!.length).toLowerCase();
  const lastWords = /(?:[a-z0-9'×-]+\s+){0,3}[a-z0-9'×-]+$/.exec(upTo)?.[0] ?? '';
  const phraseWords = end === undefined ? [] : text.slice(start, end).toLowerCase().split(/[\s-]+/).filter(Boolean);
  for (const w of phraseWords) {
    const probe = `${lastWords} ${w}`;
    if (featurePhrases(probe).some((p) => p.start < lastWords.length && p.end > lastWords.length - word.length)) return null;
  }
  return word;
}
