/**
 * The ArchBERT text tokenizer: the only implementation (the Python trainer
 * reads token ids from the dataset files and never re-tokenizes).
 *
 * Deterministic, lower-cased, word level with a WordPiece-style fallback:
 *
 *  1. normalise: lower-case, Unicode NFKC, collapse whitespace;
 *  2. pre-tokenize into words and punctuation. A "word" is a run of letters and
 *     digits joined by '.', '-', '_' or '/' with no space, so "3x3", "5m",
 *     "25.6m", "resnet-50", "efficientnet_v2" and "1x1/3x3" each stay one
 *     pre-token; punctuation (",", ".", "?", "(" …) is its own pre-token;
 *  3. a pre-token in the vocabulary is one id; otherwise it is split by greedy
 *     longest match into a word-start piece and "##" continuation pieces. Every
 *     character of the alphabet exists both as a start piece and as a "##"
 *     piece, so any text over the alphabet encodes without [unk]; characters
 *     outside it become [unk].
 *
 * decode() inverts encode() exactly for normalised text over the alphabet
 * (pieces inside a word join without a space; a space separates pre-tokens
 * except before closing punctuation and after an opening bracket).
 */

export const SPECIAL_TOKENS = ['[pad]', '[unk]', '[cls]', '[sep]', '[mask]', '[bos]', '[eos]'] as const;
export const SPECIAL = { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4, bos: 5, eos: 6 } as const;

/** Characters every vocabulary can spell (as start and as "##" continuation pieces). */
export const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789.-_/,;:?!()%+=\'"×<>&*';

const WORD_JOINERS = '.-_/';
const NO_SPACE_BEFORE = new Set([',', '.', ';', ':', '?', '!', ')', '%']);
const NO_SPACE_AFTER = new Set(['(']);

/** Longest subword piece tried by the fallback, in characters. */
const MAX_PIECE = 12;

export interface VocabFile {
  tokens: string[];
  special: typeof SPECIAL;
}

export interface EncodeOptions {
  /** Add [cls] at the start and [sep] at the end (the dataset always does). */
  addSpecial?: boolean;
  /** Maximum length including specials; longer sequences are cut before [sep]. */
  maxLength?: number;
}

export interface Encoded {
  ids: number[];
  /** True when maxLength cut the sequence. */
  truncated: boolean;
}

/** Lower-case, NFKC, single spaces, canonical spacing around punctuation. */
export function normalizeText(text: string): string {
  return joinPreTokens(preTokenize(text));
}

function isWordChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c.charCodeAt(0) > 127;
}

/** Splits normalised text into words (joined by . - _ / between word characters) and punctuation. */
export function preTokenize(text: string): string[] {
  const s = text.normalize('NFKC').toLowerCase();
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (isWordChar(c)) {
      let j = i + 1;
      while (j < s.length) {
        const d = s[j]!;
        if (isWordChar(d)) j++;
        else if (WORD_JOINERS.includes(d) && j + 1 < s.length && isWordChar(s[j + 1]!) && !/\s/.test(s[j + 1]!)) j += 2;
        else break;
      }
      out.push(s.slice(i, j));
      i = j;
    } else {
      out.push(c);
      i++;
    }
  }
  return out;
}

function joinPreTokens(words: string[]): string {
  let out = '';
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    if (k > 0 && !NO_SPACE_BEFORE.has(w) && !NO_SPACE_AFTER.has(words[k - 1]!)) out += ' ';
    out += w;
  }
  return out;
}

/** A word of a tokenized text: its start piece joined with the "##" pieces after it, and their positions. */
export interface PieceWord {
  text: string;
  pieces: number[];
}

/** Groups piece strings into words (a "##" piece continues the word before it). */
export function pieceWords(pieces: readonly string[]): PieceWord[] {
  const out: PieceWord[] = [];
  pieces.forEach((p, i) => {
    if (p.startsWith('##') && out.length > 0) {
      const w = out[out.length - 1]!;
      w.text += p.slice(2);
      w.pieces.push(i);
    } else out.push({ text: p, pieces: [i] });
  });
  return out;
}

export class Tokenizer {
  readonly tokens: string[];
  private readonly index: Map<string, number>;

  constructor(tokens: string[]) {
    for (let i = 0; i < SPECIAL_TOKENS.length; i++) {
      if (tokens[i] !== SPECIAL_TOKENS[i]) throw new Error(`vocabulary must start with ${SPECIAL_TOKENS.join(' ')}`);
    }
    this.tokens = tokens;
    this.index = new Map(tokens.map((t, i) => [t, i]));
    if (this.index.size !== tokens.length) throw new Error('vocabulary has duplicate tokens');
  }

  get size(): number {
    return this.tokens.length;
  }

  /** True when the token (a whole word, a piece or a special) is in the vocabulary. */
  has(token: string): boolean {
    return this.index.has(token);
  }

  /** Id of one token, or [unk]. */
  id(token: string): number {
    return this.index.get(token) ?? SPECIAL.unk;
  }

  /** Token strings (pieces) of a text, without specials. */
  tokenize(text: string): string[] {
    const out: string[] = [];
    for (const word of preTokenize(text)) {
      if (this.index.has(word)) out.push(word);
      else out.push(...this.splitWord(word));
    }
    return out;
  }

  /** Greedy longest-match WordPiece split of one out-of-vocabulary pre-token. */
  private splitWord(word: string): string[] {
    const pieces: string[] = [];
    let start = 0;
    while (start < word.length) {
      let end = Math.min(word.length, start + MAX_PIECE);
      let piece: string | null = null;
      while (end > start) {
        const cand = (start === 0 ? '' : '##') + word.slice(start, end);
        if (this.index.has(cand)) {
          piece = cand;
          break;
        }
        end--;
      }
      if (piece === null) {
        // A character outside the alphabet: one [unk] for it, keep going.
        pieces.push(SPECIAL_TOKENS[SPECIAL.unk]);
        start += 1;
      } else {
        pieces.push(piece);
        start = end;
      }
    }
    return pieces;
  }

  encode(text: string, opts: EncodeOptions = {}): Encoded {
    const body = this.tokenize(text).map((t) => this.id(t));
    const addSpecial = opts.addSpecial ?? true;
    const reserve = addSpecial ? 2 : 0;
    let truncated = false;
    let ids = body;
    if (opts.maxLength !== undefined && body.length + reserve > opts.maxLength) {
      ids = body.slice(0, Math.max(0, opts.maxLength - reserve));
      truncated = true;
    }
    return { ids: addSpecial ? [SPECIAL.cls, ...ids, SPECIAL.sep] : ids, truncated };
  }

  /** Text of a sequence of ids; specials other than [unk] and [mask] are dropped. */
  decode(ids: readonly number[]): string {
    const words: string[] = [];
    for (const id of ids) {
      if (id === SPECIAL.pad || id === SPECIAL.cls || id === SPECIAL.sep || id === SPECIAL.bos || id === SPECIAL.eos) continue;
      const tok = this.tokens[id] ?? SPECIAL_TOKENS[SPECIAL.unk];
      if (tok.startsWith('##') && words.length > 0) words[words.length - 1] += tok.slice(2);
      else words.push(tok.startsWith('##') ? tok.slice(2) : tok);
    }
    return joinPreTokens(words);
  }

  toJSON(): VocabFile {
    return { tokens: this.tokens, special: SPECIAL };
  }

  static fromJSON(v: VocabFile): Tokenizer {
    return new Tokenizer(v.tokens);
  }
}

export interface BuildVocabOptions {
  /** A pre-token enters the vocabulary as a whole word when seen at least this often. */
  minFrequency?: number;
  /** Cap on whole-word entries (most frequent first, ties alphabetical). */
  maxWords?: number;
  /** Continuation pieces ("##" + suffix of length 2..4) seen at least this often are added too. */
  minPieceFrequency?: number;
}

/**
 * Builds a vocabulary from training text, deterministically: specials, the
 * alphabet as start and "##" pieces, frequent whole words, then frequent word
 * suffixes as "##" pieces (so rare numbers like "25.6m" split into few pieces).
 */
export function buildVocab(texts: Iterable<string>, opts: BuildVocabOptions = {}): Tokenizer {
  const minFrequency = opts.minFrequency ?? 2;
  const maxWords = opts.maxWords ?? 20000;
  const minPieceFrequency = opts.minPieceFrequency ?? 20;
  const counts = new Map<string, number>();
  for (const t of texts) for (const w of preTokenize(t)) counts.set(w, (counts.get(w) ?? 0) + 1);

  const tokens: string[] = [...SPECIAL_TOKENS];
  const seen = new Set<string>(tokens);
  const add = (t: string) => {
    if (!seen.has(t)) {
      seen.add(t);
      tokens.push(t);
    }
  };
  for (const c of ALPHABET) add(c);
  for (const c of ALPHABET) add('##' + c);

  const byFreq = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const words = [...counts].filter(([, n]) => n >= minFrequency).sort(byFreq).slice(0, maxWords);
  for (const [w] of words) add(w);

  // Suffix pieces of words that did not make it as whole words: what the fallback will need.
  const inVocab = new Set(words.map(([w]) => w));
  const pieceCounts = new Map<string, number>();
  const prefixCounts = new Map<string, number>();
  for (const [w, n] of counts) {
    if (inVocab.has(w)) continue;
    for (let len = 2; len <= 4; len++) {
      if (w.length > len) {
        const p = '##' + w.slice(w.length - len);
        pieceCounts.set(p, (pieceCounts.get(p) ?? 0) + n);
        const q = w.slice(0, len);
        prefixCounts.set(q, (prefixCounts.get(q) ?? 0) + n);
      }
    }
  }
  for (const [p] of [...pieceCounts].filter(([, n]) => n >= minPieceFrequency).sort(byFreq)) add(p);
  for (const [p] of [...prefixCounts].filter(([, n]) => n >= minPieceFrequency).sort(byFreq)) add(p);
  return new Tokenizer(tokens);
}
