import { describe, expect, it } from 'vitest';
import { ALPHABET, SPECIAL_TOKENS, Tokenizer } from '../../../../src/core/archbert/model/tokenizer.js';
import { knownWordIds } from '../../../../src/core/archbert/model/unknown-words.js';

// A hand-made vocabulary: the specials, the alphabet as start and "##" pieces, a few whole words.
const WORDS = ['network', 'with', 'layers', 'about', 'params', 'mnasnet', 'style', '3x3', 'convolutions', 'no'];
const tok = new Tokenizer([...SPECIAL_TOKENS, ...ALPHABET, ...[...ALPHABET].map((c) => `##${c}`), ...WORDS]);

/** The words the encoder reads of a text, as text. */
const read = (text: string) => tok.decode(knownWordIds(tok.encode(text).ids, tok));

describe('knownWordIds', () => {
  it('leaves out a name the vocabulary spells in letter pieces', () => {
    expect(tok.tokenize('regnet network')).toEqual(['r', '##e', '##g', '##n', '##e', '##t', 'network']);
    expect(read('RegNet network with 91 layers')).toBe('network with 91 layers');
  });

  it('keeps a number spelled in pieces whole: the number channel reads its magnitude', () => {
    expect(tok.tokenize('61.1m')).toEqual(['6', '##1', '##.', '##1', '##m']);
    expect(read('about 61.1m params')).toBe('about 61.1m params');
    // "1,280" is three words ("1" "," "280" ← "2" "##8" "##0") that the channel reads as one quantity
    const thousands = tok.encode('about 1,280 params').ids;
    expect(knownWordIds(thousands, tok)).toEqual(thousands);
  });

  it('keeps the vocabulary words between joiners of an unknown word, each as its one id', () => {
    const ids = knownWordIds(tok.encode('MNASNet-style network').ids, tok);
    expect(ids).toEqual([tok.id('[cls]'), tok.id('mnasnet'), tok.id('style'), tok.id('network'), tok.id('[sep]')]);
  });

  it('leaves out single letters and other non-quantities split from an unknown word', () => {
    // "x" is a vocabulary token (every letter is), yet as the part of "x_16gf" it is a piece, not a word; "16gf" is no quantity.
    expect(read('x_16gf network')).toBe('network');
    expect(read('4x4 convolutions, no 3x3')).toBe('convolutions, no 3x3');
  });

  it('changes nothing in a text of vocabulary words and is idempotent', () => {
    const ids = tok.encode('network with 3x3 convolutions, no x').ids;
    expect(knownWordIds(ids, tok)).toEqual(ids);
    const once = knownWordIds(tok.encode('ConvNeXt-style network about 12.5m params').ids, tok);
    expect(knownWordIds(once, tok)).toEqual(once);
    expect(tok.decode(once)).toBe('style network about 12.5m params');
  });

  it('keeps an id outside the vocabulary as one [unk] word rather than indexing past it', () => {
    expect(knownWordIds([tok.id('[cls]'), 99999, tok.id('network')], tok)).toEqual([tok.id('[cls]'), 99999, tok.id('network')]);
  });
});
