/**
 * What the text encoder reads of a text: its words the vocabulary knows.
 *
 * Why: a word outside the vocabulary is spelled in letter pieces ("regnet" →
 * r ##e ##g ##n ##e ##t). The vocabulary is built from the training text, so
 * such pieces are rare there and their embeddings carry little learned
 * meaning, yet a name spelled in six of them outweighs the few words around
 * it. Measured with run H's set on the held-out families (whose names the
 * training text never uses), queries naming "RegNet" or "Swin" ranked the
 * ConvNeXt graphs first whatever else they stated. Left out, the name stops
 * pulling and the stated layers, blocks and ideas decide.
 *
 * Per word (a start piece and its "##" pieces, tokenizer.ts pieceWords):
 *  - a word of one piece is kept (a vocabulary word, punctuation, a special);
 *  - a word the number channel reads as a quantity ("61.1m", "1,280") is kept
 *    whole: the channel gives the encoder its magnitude (number-channel.ts);
 *  - any other word is split at its joiners ("mnasnet-style" → "mnasnet",
 *    "style"); the parts that are vocabulary words of two or more characters
 *    stay, each as its one id, and the rest is left out (single letters such
 *    as the "x" of "x_16gf" are pieces, not words).
 *
 * Applied where every text meets the encoder (embed.ts embedTokenIds), so
 * `find`, `ask` and `archbert eval` read texts alike, and by `archbert dataset
 * build` to the ids it writes for queries, questions and statements, so the
 * trainer reads what the runtime will feed. Datasets built before this rule
 * hold those words; `archbert eval --keep-unknown-words` reads such ids as
 * written (as export.py did for the sets trained on them, run H and older).
 */
import { NO_NUMBER, numberChannel } from './number-channel.js';
import { pieceWords, SPECIAL, type Tokenizer } from './tokenizer.js';

const JOINERS = /[-_/.]/;

/** The ids of a tokenized text with its unknown words left out (see the header). */
export function knownWordIds(ids: readonly number[], tokenizer: Tokenizer): number[] {
  const pieces = ids.map((id) => tokenizer.tokens[id] ?? tokenizer.tokens[SPECIAL.unk]!);
  const numbers = numberChannel(pieces);
  const out: number[] = [];
  for (const word of pieceWords(pieces)) {
    if (word.pieces.length === 1 || word.pieces.some((p) => numbers[p] !== NO_NUMBER)) {
      for (const p of word.pieces) out.push(ids[p]!);
      continue;
    }
    for (const part of word.text.split(JOINERS)) {
      if (part.length > 1 && tokenizer.has(part)) out.push(tokenizer.id(part));
    }
  }
  return out;
}
