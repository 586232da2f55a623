import { describe, expect, it } from 'vitest';
import { negatedAt } from '../../../../src/core/archbert/language/negation-scope.js';

/** Whether `phrase` (its first occurrence in `text`) reads as absent. */
const negated = (text: string, phrase: string) => {
  const at = text.indexOf(phrase);
  if (at < 0) throw new Error(`${phrase} not in ${text}`);
  return negatedAt(text, at, at + phrase.length);
};

describe('negation scope', () => {
  it('a negative cue covers the rest of its clause, a list included', () => {
    expect(negated('it does not use batch norm or dropout.', 'dropout')).toBe(true);
    expect(negated('it has no normalization layers, residual connections or attention.', 'attention')).toBe(true);
    expect(negated('neither lstm nor gru.', 'lstm')).toBe(true);
    expect(negated('there is no pooling.', 'pooling')).toBe(true);
    expect(negated('it uses relu activations throughout.', 'relu')).toBe(false);
  });

  it('a contrast word, a semicolon or a positive cue ends the scope', () => {
    expect(negated('it has batch norm but no lstm.', 'batch norm')).toBe(false);
    expect(negated('it has batch norm but no lstm.', 'lstm')).toBe(true);
    expect(negated('no batch norm, while gelu is used.', 'gelu')).toBe(false);
    expect(negated('it has no batch norm and uses relu.', 'relu')).toBe(false);
    // A positive verb right after a negative one is negated with it; one later in the clause ends the scope.
    expect(negated("it isn't using dropout.", 'dropout')).toBe(true);
    expect(negated("it isn't small and uses dropout.", 'dropout')).toBe(false);
    expect(negated('it works without dropout, with gelu.', 'gelu')).toBe(false);
    expect(negated('it does not use dropout; it uses gelu.', 'gelu')).toBe(false);
    // A decimal point is not the end of a clause.
    expect(negated('it has no dropout in its 3.5m parameters or attention.', 'attention')).toBe(true);
  });

  it('"instead of" and "rather than" deny what follows them only', () => {
    expect(negated('it uses layer norm instead of batch norm.', 'batch norm')).toBe(true);
    expect(negated('it uses layer norm instead of batch norm.', 'layer norm')).toBe(false);
    expect(negated('gelu rather than relu.', 'relu')).toBe(true);
  });

  it('words right after a phrase can deny it', () => {
    expect(negated('attention blocks are not used.', 'attention')).toBe(true);
    expect(negated("dropout isn't used.", 'dropout')).toBe(true);
    expect(negated('normalization: none.', 'normalization')).toBe(true);
    expect(negated('a batchnorm-free network with relu.', 'batchnorm')).toBe(true);
    expect(negated('a batchnorm-free network with relu.', 'relu')).toBe(false);
    // "less than" after a phrase is a bound on something else, not a denial.
    expect(negated('batch norm less than 200 layers.', 'batch norm')).toBe(false);
  });

  it('a cue inside a word is no cue ("note", "knowledge")', () => {
    expect(negated('note: it uses relu.', 'relu')).toBe(false);
    expect(negated('a knowledge-distilled network with relu.', 'relu')).toBe(false);
  });
});
