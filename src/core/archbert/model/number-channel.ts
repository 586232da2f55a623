/**
 * The text encoder's number channel: for each token of a tokenized text, the
 * value of the quantity it spells, as log10(1 + value), or NO_NUMBER.
 *
 * Why: word pieces carry no magnitude. "24", "240" and "2.4m" are unrelated
 * ids to the encoder, so a query stating "fewer than 40m parameters" or
 * "exactly 24 attention blocks" could be matched only through the few size
 * words the training text used. A set whose text_encoder takes a `numbers`
 * input (training/archbert/model.py, Config.number_channel) adds a learned
 * function of this value to each token's embedding.
 *
 * One implementation: the dataset build writes these values next to each
 * row's token ids (data/dataset.ts) and the runtime computes them from the
 * same ids (embed.ts); the trainer only reads them.
 *
 * What counts as a number (on the tokenizer's words: a start piece and its
 * "##" continuations):
 *  - digits with an optional decimal part and scale suffix: "24", "61.1m",
 *    "500k", "1.2b" (k = 10^3, m / mn = 10^6, b / bn = 10^9);
 *  - a count joined to a noun: "4-layer", "18-cell" → 4, 18;
 *  - thousands groups: "1,000", "12,000", "1,280" → 1000, 12000, 1280 (a group
 *    joins when it is "000" or follows a single digit, so a list "64, 128"
 *    stays two numbers);
 *  - a scale word after a bare number multiplies it: "12 million" → 1.2e7;
 *  - a range's bare first number takes the second's scale: "between 4 and 12
 *    million", "4 to 12m" → 4e6 and 1.2e7.
 * Kernel sizes ("3x3"), versions ("v2") and names ("resnet-50") are not
 * quantities and get NO_NUMBER. Every piece of a quantity's words (the
 * number, its comma groups and its scale word) carries its value.
 */

import { pieceWords, type PieceWord } from './tokenizer.js';

/** The channel value of a token that spells no quantity. */
export const NO_NUMBER = -1;

const SUFFIX_SCALE = new Map<string, number>([
  ['', 1],
  ['k', 1e3],
  ['m', 1e6],
  ['mn', 1e6],
  ['b', 1e9],
  ['bn', 1e9],
]);

const SCALE_WORDS = new Map<string, number>([
  ['thousand', 1e3],
  ['k', 1e3],
  ['million', 1e6],
  ['millions', 1e6],
  ['mil', 1e6],
  ['mn', 1e6],
  ['m', 1e6],
  ['billion', 1e9],
  ['billions', 1e9],
  ['bn', 1e9],
  ['b', 1e9],
]);

const RANGE_JOINERS = new Set(['to', 'and', 'or', '-', '–']);

const PLAIN = /^(\d+(?:\.\d+)?)([a-z]{0,2})$/;
const COUNT_NOUN = /^(\d+)-[a-z]+$/;

interface Quantity {
  /** The digits' value and the magnitude a suffix or scale word gives it (1 when none). */
  base: number;
  scale: number;
  /** A count joined to its noun ("4-layer"): never a range's bare first number. */
  counted: boolean;
  /** Word indices the quantity spans. */
  first: number;
  last: number;
}

function parseWord(text: string): { base: number; scale: number; counted: boolean } | null {
  const m = PLAIN.exec(text);
  if (m) {
    const scale = SUFFIX_SCALE.get(m[2]!);
    return scale === undefined ? null : { base: Number(m[1]), scale, counted: false };
  }
  const c = COUNT_NOUN.exec(text);
  return c ? { base: Number(c[1]), scale: 1, counted: true } : null;
}

function quantities(ws: readonly PieceWord[]): Quantity[] {
  const out: Quantity[] = [];
  for (let i = 0; i < ws.length; i++) {
    const parsed = parseWord(ws[i]!.text);
    if (!parsed) continue;
    const q: Quantity = { ...parsed, first: i, last: i };
    // The tokenizer keeps no space, so "1,000" and a list "64, 128" read alike: a group joins
    // when it is "000" or the number before it is a single digit ("1,280"), which lists rarely are.
    if (/^\d{1,3}$/.test(ws[i]!.text)) {
      while (ws[q.last + 1]?.text === ',' && /^\d{3}$/.test(ws[q.last + 2]?.text ?? '') && (ws[q.last + 2]!.text === '000' || q.base < 10)) {
        q.base = q.base * 1000 + Number(ws[q.last + 2]!.text);
        q.last += 2;
      }
    }
    const scaleWord = SCALE_WORDS.get(ws[q.last + 1]?.text ?? '');
    if (q.scale === 1 && scaleWord !== undefined) {
      q.scale = scaleWord;
      q.last += 1;
    }
    out.push(q);
    i = q.last;
  }
  // "4 and 12 million": a bare number joined to a scaled one takes its scale
  for (let k = 0; k + 1 < out.length; k++) {
    const a = out[k]!;
    const b = out[k + 1]!;
    if (a.scale === 1 && !a.counted && b.scale !== 1 && b.first === a.last + 2 && RANGE_JOINERS.has(ws[a.last + 1]!.text)) a.scale = b.scale;
  }
  return out;
}

/** log10(1 + value) rounded to 4 decimals, the form datasets store and sets are fed. */
export function channelValue(value: number): number {
  return Math.round(Math.log10(1 + value) * 1e4) / 1e4;
}

/** The number channel of a token sequence, given its piece strings (specials included). */
export function numberChannel(pieces: readonly string[]): number[] {
  const out = new Array<number>(pieces.length).fill(NO_NUMBER);
  const ws = pieceWords(pieces);
  for (const q of quantities(ws)) {
    const value = q.base * q.scale;
    if (!Number.isFinite(value)) continue;
    const x = channelValue(value);
    for (let w = q.first; w <= q.last; w++) for (const p of ws[w]!.pieces) out[p] = x;
  }
  return out;
}

/** The channel as the dataset stores it: [position, value] for the tokens that spell a quantity. */
export function sparseNumberChannel(pieces: readonly string[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  numberChannel(pieces).forEach((x, i) => {
    if (x !== NO_NUMBER) out.push([i, x]);
  });
  return out;
}
