/**
 * Everyday abbreviations and surface forms rewritten to the wording the
 * feature vocabulary and the training text use: one table for the question
 * parser (question.ts), the answerers and the text the encoder reads (find's
 * query, query-text.ts encoderQueryText). Input is lower case.
 */

/** "the first conv", "initial convolution layer", "first layer": the stem, as the stem rules name it. */
export const FIRST_LAYER = /\b(?:first|initial|very first) (?:conv(?:olution)?s?|convolutional layers?|conv layers?|layer)\b/g;

/**
 * "dw convs", "FC layers", "squeeze-excitation modules" or "residual units"
 * name the same feature as the dataset's wording. Order matters: abbreviations
 * expand before the block-noun rules see them.
 */
const PHRASING_ALIASES: Array<[RegExp, string]> = [
  [FIRST_LAYER, 'stem'],
  // Chat shorthand: "w/ GELU", "w/o attention".
  [/\bw\/o\b/g, 'without'],
  [/\bw\/\s*/g, 'with '],
  [/\bdw\b/g, 'depthwise'],
  [/\bbn\b/g, 'batch norm'],
  [/\bgn\b/g, 'group norm'],
  [/\b(?:mhsa|mha|msa|w-msa|sw-msa)\b/g, 'self-attention'],
  [/\bmulti-?head(?:ed)? (?:self-)?attention\b/g, 'self-attention'],
  [/\bconcatenat(?:e|es|ed|ing)\b/g, 'concatenation'],
  // "is it residual?": the adjective alone names the skip connections.
  [/(?<!inverted )\bresidual\b(?![- ](?:connections?|blocks?|units?|modules?|layers?|links?|paths?|learning|adds?|additions?|bottlenecks?|branch(?:es)?|stages?))/g, 'residual connections'],
  [/\bbi-?(lstm|gru|rnn)(s?)\b/g, 'bidirectional $1$2'],
  [/\bdepth-wise\b/g, 'depthwise'],
  [/\bdepthwise[- ]separable\b/g, 'depthwise separable'],
  [/\bconvs\b/g, 'convolutions'],
  [/\bconv\b/g, 'convolution'],
  [/\bseparable convolution\b(?!s)/g, 'separable convolutions'],
  [/\bfc\b/g, 'fully connected'],
  [/\bfully-connected\b/g, 'fully connected'],
  [/\b(fully connected|linear|dense) layer\b(?!s)/g, '$1 layers'],
  [/\bln\b/g, 'layer norm'],
  [/\bsqueeze[- ](?:and[- ])?excit(?:ation|e)\b/g, 'squeeze-and-excitation'],
  [/\bse\b(?= (?:blocks?|modules?|units?|layers?|attention)\b)/g, 'squeeze-and-excitation'],
  // "<block> module/unit/layer/block(s)" names the block type whatever the noun.
  [/\b(inverted )?residual (?:modules?|blocks?|units?|layers?)\b/g, '$1residual blocks'],
  [/\bsqueeze-and-excitation (?:modules?|blocks?|units?|layers?)\b/g, 'squeeze-and-excitation blocks'],
  [/\bmbconv (?:modules?|blocks?|units?|layers?)\b/g, 'mbconv blocks'],
  [/\battention (?:modules?|blocks?|units?|layers?)\b/g, 'attention blocks'],
  [/\bdepthwise separable (?:modules?|blocks?|units?|layers?|convolutions?)\b/g, 'depthwise separable convolutions'],
  [/\bfeature pyramid (?:modules?|blocks?|units?|layers?|networks?)\b/g, 'feature pyramid'],
];

/** The text with every alias of PHRASING_ALIASES applied, in order. */
export function canonicalPhrasing(text: string): string {
  let t = text;
  for (const [re, to] of PHRASING_ALIASES) t = t.replace(re, to);
  return t;
}
