import { describe, expect, it } from 'vitest';
import { contradictions } from '../../../../src/core/archbert/facts/fact-check.js';
import { claimHolds, statements } from '../../../../src/core/archbert/data/statements.js';
import { Rng } from '../../../../src/core/archbert/data/rng.js';
import { generatedSummaries } from './generated-summaries.js';

const SUMMARIES = generatedSummaries(120);

describe('statements', () => {
  it('statement labels agree with the facts; about half are false, most negatives hard', () => {
    let pos = 0;
    let neg = 0;
    let hard = 0;
    for (const s of SUMMARIES) {
      for (const st of statements(s, new Rng(5), 10)) {
        if (st.label) pos++;
        else neg++;
        if (st.hardNegative) hard++;
        // single-claim statements: the fact checker must agree with the label
        const slot = st.template.replace(/^(swap|easy):/, '');
        if (['norm', 'act', 'pool', 'conv', 'rec', 'kernel', 'block'].includes(slot)) {
          const c = contradictions(st.text, s);
          expect(c.length === 0, `${st.label} "${st.text}"`).toBe(st.label === 1);
        }
      }
    }
    expect(pos / (pos + neg)).toBeGreaterThan(0.4);
    expect(pos / (pos + neg)).toBeLessThan(0.6);
    expect(hard / neg).toBeGreaterThan(0.5);
  });

  it('parameter claims are "about right" within a factor of 1.25', () => {
    const s = SUMMARIES[0]!;
    expect(claimHolds(s, { slot: 'params', value: s.params * 1.2 })).toBe(true);
    expect(claimHolds(s, { slot: 'params', value: s.params * 2.5 })).toBe(false);
    expect(claimHolds(s, { slot: 'params', value: s.params / 10 })).toBe(false);
  });

  it('set-slot claims hold when the value is present, negated ones when it is absent', () => {
    for (const s of SUMMARIES.slice(0, 30)) {
      expect(claimHolds(s, { slot: 'block', value: 'attention', negated: true })).toBe(s.blocks.attention === 0);
      expect(claimHolds(s, { slot: 'block', value: 'residual' })).toBe(s.blocks.residual > 0);
      for (const n of s.norms) expect(claimHolds(s, { slot: 'norm', value: n })).toBe(true);
      expect(claimHolds(s, { slot: 'kernel', value: '13x13' })).toBe(s.kernelSizes.includes('13x13'));
    }
  });
});
