/**
 * unknownQualifier: a word the vocabulary does not know, right before a
 * feature phrase, narrows it to a kind the facts do not record.
 */
import { describe, expect, it } from 'vitest';
import { isHarmlessQualifier, unknownQualifier } from '../../../../src/core/archbert/language/qualifiers.js';

const before = (text: string, phrase: string) => unknownQualifier(text, text.indexOf(phrase));

describe('unknownQualifier', () => {
  it('finds an unknown word before the phrase or in a hyphenated compound', () => {
    expect(before('does it use deformable convolutions', 'convolutions')).toBe('deformable');
    expect(before('does it use octave convolutions', 'convolutions')).toBe('octave');
    expect(before('any ghost-convolutions', 'convolutions')).toBe('ghost');
  });

  it('lets harmless qualifiers, sizes and vocabulary words pass (negative)', () => {
    for (const [text, phrase] of [
      ['does it use convolutions', 'convolutions'],
      ['does it use any convolutions', 'convolutions'],
      ['does it use standard convolutions', 'convolutions'],
      ['does it use 3x3 convolutions', 'convolutions'],
      ['does it use 2d convolutions', 'convolutions'],
      ['does it use pointwise convolutions', 'convolutions'],
      ['does resnet use convolutions', 'convolutions'],
      ['relu activations', 'activations'],
    ] as const) {
      expect(before(text, phrase), text).toBeNull();
    }
    expect(unknownQualifier('convolutions', 0)).toBeNull();
  });

  it('lets the words of another vocabulary phrase pass when the phrase is said twice', () => {
    // "fully connected (linear) layers": "fully connected layers" names the same feature as "linear layers"
    const text = 'number of fully connected linear layers';
    const start = text.indexOf('linear layers');
    expect(unknownQualifier(text, start, start + 'linear layers'.length)).toBeNull();
    const other = 'number of oddly connected linear layers';
    const at = other.indexOf('linear layers');
    expect(unknownQualifier(other, at, at + 'linear layers'.length)).toBe('connected');
  });

  it('knows number words and kernel sizes by pattern, not by list', () => {
    expect(isHarmlessQualifier('7x7')).toBe(true);
    expect(isHarmlessQualifier('1d')).toBe(true);
    expect(isHarmlessQualifier('twelve')).toBe(true);
    expect(isHarmlessQualifier('involution')).toBe(false);
    // names from a user are words, not object keys
    expect(isHarmlessQualifier('constructor')).toBe(false);
  });
});
