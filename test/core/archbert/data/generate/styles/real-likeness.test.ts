/**
 * Generated styles look, to the facts, like the real networks they imitate:
 * where the generator's record says "Swin-like", "RegNet's regular design" or
 * "language model", the facts read from the graph (pooling, the op after the
 * patch conv, key ideas, the output's structure) agree with what those real
 * networks show. Each check here guards a mismatch that once made a held-out
 * real family unanswerable.
 */
import { describe, expect, it } from 'vitest';
import { graphDeps } from '../../../../../../src/commands/archbert/dataset.js';
import { generateArchitecture, type GeneratorStyle } from '../../../../../../src/core/archbert/data/generate.js';
import { generatedTask } from '../../../../../../src/core/archbert/data/generate/generated-arch.js';
import { summarize, type ArchSummary } from '../../../../../../src/core/archbert/facts/arch-summary.js';
import { hasCausalAttention } from '../../../../../../src/core/archbert/facts/generated-meta.js';
import { specificTask } from '../../../../../../src/core/archbert/ask/answers/common.js';
import type { GeneratedArch } from '../../../../../../src/core/archbert/data/generate/generated-arch.js';

const N = 120;

function generated(style: GeneratorStyle): Array<{ a: GeneratedArch; s: ArchSummary }> {
  return Array.from({ length: N }, (_, i) => {
    const a = generateArchitecture(i * 17 + 3, style);
    const facts = graphDeps.factsOf(a.graph, { name: a.name, input: a.meta.input, causalMask: hasCausalAttention(a.meta) });
    const s = summarize(a.graph, facts, { id: a.id, name: a.name, source: 'generated', family: null, variant: null, task: generatedTask(a.meta), generated: a.meta });
    return { a, s };
  });
}

describe('generated styles look like the real networks they imitate', () => {
  it('recurrent language models: a vocabulary score per position, one-directional, described as language modelling', () => {
    const rec = generated('recurrent');
    const lms = rec.filter(({ a }) => a.meta.task === 'generation');
    expect(lms.length).toBeGreaterThan(N / 10);
    expect(lms.length).toBeLessThan(N);
    for (const { a, s } of rec) {
      const lm = a.meta.task === 'generation';
      expect(s.structure?.languageModel, a.id).toBe(lm);
      expect(s.structure?.pooledOutput, a.id).toBe(!lm);
      expect(specificTask(s), a.id).toBe(lm ? 'language modeling' : 'text classification');
      if (lm) expect(s.structure?.bidirectional, a.id).toBe(0);
    }
  });

  it('Swin-like ViTs permute the patch conv to channels-last, and most end in a global average pool as Swin does', () => {
    const swin = generated('vit').filter(({ a }) => a.meta.blockKind === 'windowed');
    expect(swin.length).toBeGreaterThan(10);
    for (const { a, s } of swin) expect(s.afterConv, a.id).toBe('transpose');
    const gap = swin.filter(({ s }) => s.pooling.includes('global_avg_pool'));
    expect(gap.length).toBeGreaterThan(swin.length / 2);
    expect(gap.length).toBeLessThan(swin.length);
    for (const { a, s } of gap) expect(s.pooling, a.id).toEqual(['global_avg_pool']);
  });

  it("RegNet's regular design: grouped blocks of one width, never read as ResNet's narrowing bottleneck", () => {
    const stage = generated('stage').filter(({ a }) => a.meta.blockKind === 'resnext');
    const regular = stage.filter(({ s }) => s.ideas?.regular_stage_design !== undefined);
    expect(regular.length).toBeGreaterThan(0);
    for (const { a, s } of regular) {
      expect(s.ideas?.bottleneck_residual, a.id).toBeUndefined();
      expect(s.ideas?.grouped_convolution, a.id).not.toBeUndefined();
    }
    // the other ResNeXt-style networks keep the expanding bottleneck
    expect(stage.some(({ s }) => s.ideas?.bottleneck_residual !== undefined)).toBe(true);
  });
});
