/** The eval metric definitions (training/archbert/README.md "Metrics") on hand-computed cases (the QA answer pick: model/heads.test.ts). */
import { describe, expect, it } from 'vitest';
import { corpusBleu4, retrievalRank, rougeL, scoreByTemplate, words } from '../../../src/core/archbert/evaluate.js';

describe('archbert eval metrics', () => {
  it('retrieval rank: strictly higher scores, then equal scores earlier in gallery order', () => {
    const s = [0.1, 0.9, 0.5, 0.9, 0.3];
    expect(retrievalRank(s, new Set([3]))).toBe(2); // 0.9 at index 1 comes first
    expect(retrievalRank(s, new Set([1]))).toBe(1);
    expect(retrievalRank(s, new Set([4, 2]))).toBe(3); // best relevant 0.5: two items higher
    expect(retrievalRank(s, new Set([0]))).toBe(5);
  });

  it('words join ## pieces and drop special ids', () => {
    const vocab = ['[pad]', '[unk]', '[cls]', '[sep]', '[mask]', '[bos]', '[eos]', 'res', '##net', 'uses', '.'];
    expect(words([2, 7, 8, 9, 10, 3, 0], vocab)).toEqual(['resnet', 'uses', '.']);
  });

  it('ROUGE-L F1 from the LCS', () => {
    // LCS("a b c d", "a c d e") = 3 → P = 3/4, R = 3/4, F = 0.75
    expect(rougeL(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'e'])).toBeCloseTo(0.75, 12);
    expect(rougeL(['x'], ['a'])).toBe(0);
  });

  it('corpus BLEU-4: identical text = 1; brevity penalty; zero when a precision is zero', () => {
    const ref = 'the cat sat on the mat'.split(' ');
    expect(corpusBleu4([ref], [[ref]])).toBeCloseTo(1, 12);
    // hypothesis = first 5 words: all n-gram precisions 1, c = 5, r = 6 → BP = exp(1 − 6/5)
    expect(corpusBleu4([ref.slice(0, 5)], [[ref]])).toBeCloseTo(Math.exp(1 - 6 / 5), 12);
    // closest reference length, shorter on ties: hyp of 5 with refs of 4 and 6 → r = 4 → no penalty
    const h = 'a b c d e'.split(' ');
    expect(corpusBleu4([h], [['a b c d'.split(' '), 'a b c d e f'.split(' ')]])).toBeCloseTo(
      Math.exp((Math.log(5 / 5) + Math.log(4 / 4) + Math.log(3 / 3) + Math.log(2 / 2)) / 4),
      12,
    );
    expect(corpusBleu4([['a', 'b', 'c']], [[['a', 'b', 'c', 'd']]])).toBe(0); // no 4-gram in a 3-word hypothesis
    // clipping: "the the the the" vs "the cat": unigram precision clipped to 1/4 … 4-grams 0 → 0
    expect(corpusBleu4([['the', 'the', 'the', 'the']], [[['the', 'cat']]])).toBe(0);
  });

  it('scores per template as evaluate.py does: share correct and items, worst first, ties in first-seen order', () => {
    const items = [
      { template: 'swap:layers', correct: false },
      { template: 'key_idea', correct: true },
      { template: 'swap:layers', correct: true },
      { template: '__proto__', correct: true },
      { template: 'key_idea', correct: true },
      { template: 'swap:layers', correct: false },
      { template: 'idea_count', correct: false },
    ];
    const got = scoreByTemplate(items);
    expect(Object.entries(got)).toEqual([
      ['idea_count', { correct: 0, n: 1 }],
      ['swap:layers', { correct: 1 / 3, n: 3 }],
      ['key_idea', { correct: 1, n: 2 }],
      ['__proto__', { correct: 1, n: 1 }],
    ]);
    // a template named __proto__ is an own entry, not the prototype
    expect(Object.getPrototypeOf(got)).toBeNull();
    expect(JSON.parse(JSON.stringify(got)).__proto__).toEqual({ correct: 1, n: 1 });
    expect(scoreByTemplate([])).toEqual({});
  });
});
