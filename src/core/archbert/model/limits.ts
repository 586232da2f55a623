/**
 * How much text the learned model reads: the token lengths the encoders and
 * the caption decoder were trained with, and the longest question or query the
 * commands accept. The dataset builder (data/dataset.ts) truncates its token
 * sequences to the same limits, so training and run time read alike.
 */

/** Token ids of a query, question or statement, [cls] and [sep] included. */
export const MAX_TEXT_TOKENS = 64;
/**
 * Longest question (ask) or query (find) in characters. The text encoder reads
 * only the first MAX_TEXT_TOKENS tokens (about 300 characters); the rule-based
 * parser reads all of it, and a paragraph is the most anyone asks. A longer text
 * is bad input (exit 2), not something to cut silently.
 */
export const MAX_TEXT_CHARS = 1000;
/** Token ids of a caption, [bos] and [eos] included: the decoder's longest output. */
export const MAX_CAPTION_TOKENS = 96;
