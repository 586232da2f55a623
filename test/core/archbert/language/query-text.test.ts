import { describe, expect, it } from 'vitest';
import { encoderQueryText } from '../../../../src/core/archbert/language/query-text.js';
import { canonicalPhrasing } from '../../../../src/core/archbert/language/phrasing-aliases.js';

describe('the query as the text encoder reads it', () => {
  it('spells out everyday abbreviations in the training text\'s words', () => {
    expect(encoderQueryText('ConvNet w/ 7x7 DW convs + LN')).toBe('convnet with 7x7 depthwise convolutions + layer norm');
    expect(encoderQueryText('ViT w/o BN, under 20M params')).toBe('vit without batch norm, under 20m params');
    expect(encoderQueryText('resnet with SE modules and GN')).toBe('resnet with squeeze-and-excitation blocks and group norm');
  });

  it('maps British spellings and keeps what needs no rewriting', () => {
    expect(encoderQueryText('  Normalisation-free   detector ')).toBe('normalization-free detector');
    expect(encoderQueryText('a small image classifier')).toBe('a small image classifier');
  });

  it('shares its table with the question parser: "bn" and "w/o" read the same there', () => {
    expect(canonicalPhrasing('does it use bn w/o dropout')).toBe('does it use batch norm without dropout');
    expect(canonicalPhrasing('net w/gelu')).toBe('net with gelu');
    expect(canonicalPhrasing('net w/ gelu')).toBe('net with gelu');
    // "bn" inside a word is left alone.
    expect(canonicalPhrasing('bnorm')).toBe('bnorm');
  });
});
