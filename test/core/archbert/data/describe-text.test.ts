import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { graphDeps } from '../../../../src/commands/archbert/dataset.js';
import { summarize } from '../../../../src/core/archbert/facts/arch-summary.js';
import { canonicalCaption, captions } from '../../../../src/core/archbert/data/describe-text.js';
import { contradictions, mentions } from '../../../../src/core/archbert/facts/fact-check.js';
import { FAMILY_KNOWLEDGE } from '../../../../src/core/archbert/facts/family-knowledge.js';
import { Rng } from '../../../../src/core/archbert/data/rng.js';
import { repoRoot } from '../../../helpers/cli.js';
import { FIXTURE_MODELS, generatedSummaries } from './generated-summaries.js';

const SUMMARIES = generatedSummaries(120);

describe('fact checker', () => {
  const s = SUMMARIES.find((x) => x.norms.includes('batch_norm') && x.activations.includes('relu') && !x.activations.includes('leaky_relu'))!;
  it('finds mentions by longest match and reads negated sentences as absence', () => {
    expect(contradictions('it uses batch normalization and relu.', s)).toEqual([]);
    expect(contradictions('it uses leaky relu.', s).map((m) => m.key)).toEqual(['leaky_relu']);
    expect(contradictions('it does not use batch norm.', s).map((m) => m.key)).toEqual(['batch_norm']);
    expect(contradictions('it does not use lstm.', s)).toEqual([]);
    expect(mentions('it uses leaky relu and relu6.', s).map((m) => m.key).sort()).toEqual(['leaky_relu', 'relu6']);
  });
  it('checks convolution kernel sizes but not pooling windows', () => {
    const k = s.kernelSizes[0]!;
    expect(contradictions(`it uses ${k} convolutions.`, s)).toEqual([]);
    expect(contradictions('it uses 13x13 convolutions.', s).map((m) => m.key)).toEqual(['kernel:13x13']);
    expect(contradictions('its cells mix 13x13 max pooling.', s).filter((m) => m.key.startsWith('kernel'))).toEqual([]);
  });
});

describe('caption grammar', () => {
  it('never states something the facts contradict (generated graphs, all caption levels)', () => {
    const bad: string[] = [];
    for (const s of SUMMARIES) {
      const rng = new Rng(7);
      for (const t of captions(s, rng, 6)) {
        const c = contradictions(t, s);
        if (c.length) bad.push(`${s.id}: "${t}" → ${c.map((m) => `${m.negated ? 'not ' : ''}${m.key}`).join(', ')}`);
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('varies: many distinct captions and openings for one graph, deterministic per seed', () => {
    const s = SUMMARIES[0]!;
    const a = captions(s, new Rng(1), 12);
    expect(new Set(a).size).toBeGreaterThanOrEqual(10);
    expect(captions(s, new Rng(1), 12)).toEqual(a);
    const lengths = a.map((t) => t.split(' ').length);
    expect(Math.max(...lengths)).toBeGreaterThan(Math.min(...lengths) * 1.5); // several levels of detail
  });

  it('family table: plausible years, and every related family is in the table', () => {
    for (const [key, info] of Object.entries(FAMILY_KNOWLEDGE)) {
      expect(info.year).toBeGreaterThan(1980);
      expect(info.year).toBeLessThanOrEqual(2023);
      for (const r of info.related) expect(FAMILY_KNOWLEDGE[r], `${key} → ${r}`).toBeDefined();
    }
  });
});

describe('canonical caption', () => {
  it('is deterministic, fact-consistent and names the facts in a fixed order', () => {
    for (const s of SUMMARIES.slice(0, 40)) {
      const c = canonicalCaption(s);
      expect(canonicalCaption(s)).toBe(c);
      expect(contradictions(c, s)).toEqual([]);
      expect(c).toContain(`normalization: ${s.norms.length ? '' : 'none'}`);
      expect(c.indexOf('normalization:')).toBeLessThan(c.indexOf('activations:'));
      expect(c.endsWith('parameters.')).toBe(true);
    }
  });
});

describe('caption grammar on real exports (fixtures/models)', () => {
  it('captions and canonical captions never contradict the facts, family knowledge included', async () => {
    const bad: string[] = [];
    for (const [name, family, task] of FIXTURE_MODELS) {
      const a = await graphDeps.analyzeFile(join(repoRoot, 'fixtures', 'models', `${name}.onnx`));
      const s = summarize(a.opGraph, a.facts, { id: name, name, source: 'real', family, variant: null, task });
      const rng = new Rng(11);
      for (const t of [canonicalCaption(s), ...captions(s, rng, 25)]) {
        const c = contradictions(t, s);
        if (c.length) bad.push(`${name}: "${t}" → ${c.map((m) => `${m.negated ? 'not ' : ''}${m.key}`).join(', ')}`);
      }
    }
    expect(bad.slice(0, 8)).toEqual([]);
  });
});
