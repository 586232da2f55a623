import { describe, expect, it } from 'vitest';
import { qaPairs } from '../../../../src/core/archbert/data/qa.js';
import { Rng } from '../../../../src/core/archbert/data/rng.js';
import { generatedSummaries } from './generated-summaries.js';

const SUMMARIES = generatedSummaries(60);

describe('QA pairs', () => {
  it('answers come from the facts', () => {
    for (const s of SUMMARIES.slice(0, 60)) {
      for (const q of qaPairs(s, new Rng(3), 30)) {
        expect(q.answers.length).toBeGreaterThan(0);
        if (q.template === 'norm') expect(q.answers).toEqual(s.norms.length ? s.norms.map((n) => n.replace('_norm', ' normalization').replace('batch normalization', 'batch normalization')).sort() : ['none']);
        if (q.template === 'kernels') expect(q.answers).toEqual([...s.kernelSizes].sort());
        if (q.template === 'has_residual') expect(q.answers).toEqual([s.blocks.residual > 0 ? 'yes' : 'no']);
        if (q.template === 'not_used') {
          // every answer is one of the options, and is indeed unused
          const opts = q.question.split(': ')[1]!.replace('?', '').split(', ');
          for (const a of q.answers) expect(opts).toContain(a);
        }
        if (q.template === 'used_of') {
          // the answers are the options the network uses: some, not all
          const opts = q.question.split(': ')[1]!.replace('?', '').split(', ');
          for (const a of q.answers) expect(opts).toContain(a);
          expect(q.answers.length).toBeLessThan(opts.length);
        }
        expect(q.familyQuestion).toBe(false); // generated graphs have no family
      }
    }
  });
});
