import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { graphDeps } from '../../../../src/commands/archbert/dataset.js';
import { summarize } from '../../../../src/core/archbert/facts/arch-summary.js';
import { contradictions } from '../../../../src/core/archbert/facts/fact-check.js';
import { queries } from '../../../../src/core/archbert/data/queries.js';
import { Rng } from '../../../../src/core/archbert/data/rng.js';
import { repoRoot } from '../../../helpers/cli.js';
import { FIXTURE_MODELS, generatedSummaries } from './generated-summaries.js';

const SUMMARIES = generatedSummaries(120);

describe('query grammar', () => {
  it('never states something the facts contradict (generated graphs)', () => {
    const bad: string[] = [];
    for (const s of SUMMARIES) {
      for (const q of queries(s, new Rng(7), 6)) {
        const c = contradictions(q.text, s);
        if (c.length) bad.push(`${s.id}: "${q.text}" → ${c.map((m) => `${m.negated ? 'not ' : ''}${m.key}`).join(', ')}`);
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it("a query fits the architecture it was made from, and a graph lacking a stated property does not fit", () => {
    const miss: string[] = [];
    let discriminating = 0;
    for (const s of SUMMARIES) {
      for (const q of queries(s, new Rng(3), 8)) {
        if (!q.fits(s)) miss.push(`${s.id}: "${q.text}"`);
        // Every other summary that fits must really share what the text names (checked on the depth phrase, which is exact).
        const depth = /(\d+) (weighted )?layers/.exec(q.text);
        for (const o of SUMMARIES) {
          if (o === s) continue;
          if (!q.fits(o)) discriminating++;
          else if (depth && !/-layer/.test(q.text) && o.weightedLayers !== Number(depth[1])) miss.push(`${o.id} fits "${q.text}" with ${o.weightedLayers} layers`);
        }
      }
    }
    expect(miss.slice(0, 5)).toEqual([]);
    expect(discriminating).toBeGreaterThan(0);
  });

  it('never contradicts the facts of the real exports (fixtures/models), family names included', async () => {
    const bad: string[] = [];
    for (const [name, family, task] of FIXTURE_MODELS) {
      const a = await graphDeps.analyzeFile(join(repoRoot, 'fixtures', 'models', `${name}.onnx`));
      const s = summarize(a.opGraph, a.facts, { id: name, name, source: 'real', family, variant: null, task });
      for (const q of queries(s, new Rng(11), 10)) {
        const c = contradictions(q.text, s);
        if (c.length) bad.push(`${name}: "${q.text}" → ${c.map((m) => `${m.negated ? 'not ' : ''}${m.key}`).join(', ')}`);
      }
    }
    expect(bad.slice(0, 8)).toEqual([]);
  });
});
