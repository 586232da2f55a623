import { describe, expect, it } from 'vitest';
import { summarize, type ArchSummary } from '../../../../src/core/archbert/facts/arch-summary.js';
import { captions } from '../../../../src/core/archbert/data/describe-text.js';
import { queries } from '../../../../src/core/archbert/data/queries.js';
import { contradictions, mentions } from '../../../../src/core/archbert/facts/fact-check.js';
import { FAMILY_KNOWLEDGE } from '../../../../src/core/archbert/facts/family-knowledge.js';
import { generateArchitecture } from '../../../../src/core/archbert/data/generate.js';
import { qaPairs } from '../../../../src/core/archbert/data/qa.js';
import { claimHolds, statements } from '../../../../src/core/archbert/data/statements.js';
import { Rng } from '../../../../src/core/archbert/data/rng.js';
import { graphDeps } from '../../../../src/commands/archbert/dataset.js';

function generatedSummary(seed: number): ArchSummary {
  const a = generateArchitecture(seed);
  const facts = graphDeps.factsOf(a.graph, { name: a.name, input: a.meta.input });
  return summarize(a.graph, facts, {
    id: a.id, name: a.name, source: 'generated', family: null, variant: null,
    task: a.meta.modality === 'image' ? 'image classification' : 'text classification', generated: a.meta,
  });
}

const SUMMARIES = Array.from({ length: 120 }, (_, i) => generatedSummary(1000 + i));

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
  it('never states something the facts contradict (generated graphs, all caption levels and queries)', () => {
    const bad: string[] = [];
    for (const s of SUMMARIES) {
      const rng = new Rng(7);
      for (const t of [...captions(s, rng, 6), ...queries(s, rng, 6).map((q) => q.text)]) {
        const c = contradictions(t, s);
        if (c.length) bad.push(`${s.id}: "${t}" → ${c.map((m) => `${m.negated ? 'not ' : ''}${m.key}`).join(', ')}`);
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

describe('QA and statements', () => {
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
        expect(q.familyQuestion).toBe(false); // generated graphs have no family
      }
    }
  });

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
});

describe('canonical caption', () => {
  it('is deterministic, fact-consistent and names the facts in a fixed order', async () => {
    const { canonicalCaption } = await import('../../../../src/core/archbert/data/describe-text.js');
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
  const FIX: Array<[string, string, string]> = [
    ['convnext_tiny', 'ConvNeXt', 'image classification'],
    ['densenet121', 'DenseNet', 'image classification'],
    ['efficientnet_b0', 'EfficientNet', 'image classification'],
    ['lraspp_mobilenet_v3_large', 'LR-ASPP', 'semantic segmentation'],
    ['mobilenet_v2', 'MobileNetV2', 'image classification'],
    ['mobilenet_v3_small', 'MobileNetV3', 'image classification'],
    ['regnet_y_400mf', 'RegNet', 'image classification'],
    ['resnet18', 'ResNet', 'image classification'],
    ['resnet50', 'ResNet', 'image classification'],
    ['shufflenet_v2_x1_0', 'ShuffleNetV2', 'image classification'],
    ['squeezenet1_0', 'SqueezeNet', 'image classification'],
    ['ssdlite320_mobilenet_v3_large', 'SSDlite', 'object detection'],
    ['vgg11', 'VGG', 'image classification'],
    ['vit_b_16', 'ViT', 'image classification'],
  ];
  it('captions, canonical captions and queries never contradict the facts, family knowledge included', async () => {
    const { join } = await import('node:path');
    const { repoRoot } = await import('../../../helpers/cli.js');
    const { canonicalCaption } = await import('../../../../src/core/archbert/data/describe-text.js');
    const bad: string[] = [];
    for (const [name, family, task] of FIX) {
      const a = await graphDeps.analyzeFile(join(repoRoot, 'fixtures', 'models', `${name}.onnx`));
      const s = summarize(a.opGraph, a.facts, { id: name, name, source: 'real', family, variant: null, task });
      const rng = new Rng(11);
      for (const t of [canonicalCaption(s), ...captions(s, rng, 25), ...queries(s, rng, 10).map((q) => q.text)]) {
        const c = contradictions(t, s);
        if (c.length) bad.push(`${name}: "${t}" → ${c.map((m) => `${m.negated ? 'not ' : ''}${m.key}`).join(', ')}`);
      }
    }
    expect(bad.slice(0, 8)).toEqual([]);
  });
});
