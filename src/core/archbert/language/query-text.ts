/**
 * The query text as the rules and the text encoder read it: `expandQuery`
 * (lower case, spelling repaired, brackets and BiLSTM-style words opened up)
 * for the phrase and constraint parsers, `encoderQueryText` (abbreviations
 * and British spellings in the training text's words) for the encoder.
 */
import { FIRST_LAYER, canonicalPhrasing } from './phrasing-aliases.js';
import { correctSpelling } from './spelling.js';

/** Lower case, single spaces, and "BiLSTM"/"biGRU" spelled out ("bidirectional lstm"), so the feature forms see one word per feature. */
export function expandQuery(query: string): string {
  return correctSpelling(query.toLowerCase())
    // "inverted residual (MBConv) blocks": an aside in brackets reads as part of the phrase.
    .replace(/[()[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\bbi-?(lstm|gru|rnn)(s?)\b/g, 'bidirectional $1$2')
    .replace(FIRST_LAYER, 'stem')
    // For retrieval an inverted bottleneck is any block that expands in the middle (MBConv or ConvNeXt's); `ask` keeps the block rule's meaning.
    .replace(/\binverted[- ]bottlenecks?(?: blocks?| layers?)?\b/g, 'inverted-bottleneck blocks');
}

/** Spelling the training text does not use (British forms), mapped before the text encoder sees the query. */
export function normalizeQueryText(q: string): string {
  return q
    .replace(/normalis(ation|ed|e)/gi, 'normaliz$1')
    .replace(/\b(optimi|recogni|summari)s(e|ed|es|ing|ation)\b/gi, '$1z$2')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The query as the text encoder reads it: lower case, typos repaired, and
 * everyday abbreviations ("dw convs", "LN", "w/o") in the words the training
 * text uses (phrasing-aliases.ts), since the encoder has never seen them.
 */
export function encoderQueryText(q: string): string {
  return normalizeQueryText(canonicalPhrasing(correctSpelling(q.toLowerCase())));
}
