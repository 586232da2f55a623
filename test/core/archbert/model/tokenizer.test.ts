import { describe, expect, it } from 'vitest';
import { ALPHABET, SPECIAL, SPECIAL_TOKENS, Tokenizer, buildVocab, normalizeText, preTokenize } from '../../../../src/core/archbert/model/tokenizer.js';

const corpus = [
  'A ResNet-50 with 25.6M parameters uses 3x3 convolutions, batch normalization and ReLU.',
  'a lightweight mobile network with depthwise separable convolutions (about 3.5m parameters).',
  'which normalization does it use?',
  'it uses 1x1 and 3x3 kernels; no attention.',
  'the efficientnet_v2 family is held out.',
];

describe('pre-tokenizer', () => {
  it('keeps numbers with units, kernel sizes and hyphenated names as one word', () => {
    expect(preTokenize('ResNet-50 has 25.6M params, 3x3 convs (5M).')).toEqual([
      'resnet-50', 'has', '25.6m', 'params', ',', '3x3', 'convs', '(', '5m', ')', '.',
    ]);
  });
  it('splits a sentence-final period from the last word', () => {
    expect(preTokenize('uses relu.')).toEqual(['uses', 'relu', '.']);
    expect(preTokenize('about 1.5m.')).toEqual(['about', '1.5m', '.']);
  });
  it('normalises case and spacing canonically and idempotently', () => {
    const n = normalizeText('  Uses   ReLU ,BatchNorm( 3x3 )  ');
    expect(n).toBe('uses relu, batchnorm (3x3)');
    expect(normalizeText(n)).toBe(n);
  });
});

describe('Tokenizer', () => {
  const tok = buildVocab([...corpus, ...corpus], { minFrequency: 2, minPieceFrequency: 2 });

  it('starts with the special tokens at the contract ids', () => {
    expect(tok.tokens.slice(0, SPECIAL_TOKENS.length)).toEqual([...SPECIAL_TOKENS]);
    expect(SPECIAL).toEqual({ pad: 0, unk: 1, cls: 2, sep: 3, mask: 4, bos: 5, eos: 6 });
  });

  it('round-trips training text exactly (after normalisation)', () => {
    for (const t of corpus) expect(tok.decode(tok.encode(t).ids)).toBe(normalizeText(t));
  });

  it('round-trips unseen words and numbers through subword pieces, without [unk]', () => {
    const t = 'a convnext-tiny with 28.59m parameters and 7x7 depthwise kernels at 4.47 gmacs';
    const ids = tok.encode(t).ids;
    expect(ids).not.toContain(SPECIAL.unk);
    expect(tok.decode(ids)).toBe(normalizeText(t));
    // the unseen number is split into more than one piece
    expect(tok.tokenize('28.59m').length).toBeGreaterThan(1);
  });

  it('keeps frequent words whole', () => {
    expect(tok.tokenize('3x3 convolutions')).toEqual(['3x3', 'convolutions']);
  });

  it('marks characters outside the alphabet as [unk] and keeps going', () => {
    const ids = tok.encode('relu ☃ gelu', { addSpecial: false }).ids;
    expect(ids).toContain(SPECIAL.unk);
    expect(tok.decode(ids)).toBe('relu [unk] gelu');
  });

  it('adds [cls]/[sep] and truncates to maxLength, reporting it', () => {
    const r = tok.encode('which normalization does it use?', { maxLength: 4 });
    expect(r.ids).toHaveLength(4);
    expect(r.ids[0]).toBe(SPECIAL.cls);
    expect(r.ids[3]).toBe(SPECIAL.sep);
    expect(r.truncated).toBe(true);
    expect(tok.encode('relu').truncated).toBe(false);
  });

  it('is deterministic and serialisable', () => {
    const again = buildVocab([...corpus, ...corpus], { minFrequency: 2, minPieceFrequency: 2 });
    expect(again.tokens).toEqual(tok.tokens);
    const back = Tokenizer.fromJSON(JSON.parse(JSON.stringify(tok.toJSON())));
    expect(back.encode(corpus[0]!).ids).toEqual(tok.encode(corpus[0]!).ids);
  });

  it('spells every alphabet character', () => {
    for (const c of ALPHABET) {
      expect(tok.id(c)).not.toBe(SPECIAL.unk);
      expect(tok.id('##' + c)).not.toBe(SPECIAL.unk);
    }
  });
});
