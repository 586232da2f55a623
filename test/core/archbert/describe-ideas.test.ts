/**
 * describe's sentence naming the design ideas (issue 16, part 4): built from
 * facts.ideas alone, most characteristic first. SqueezeNet 1.0 has 8 fire
 * modules (Iandola et al. 2016); ResNet-50 has none.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ideasSentence } from '../../../src/core/archbert/describe.js';
import { analyzeModelFile, type AnalyzedModel } from '../../../src/core/archbert/facts/model-file.js';
import { repoRoot, runCliInProcess } from '../../helpers/cli.js';

const M: Record<string, AnalyzedModel> = {};
beforeAll(async () => {
  M.squeezenet = await analyzeModelFile(join(repoRoot, 'fixtures/models/squeezenet1_0.onnx'));
  M.resnet50 = await analyzeModelFile(join(repoRoot, 'fixtures/models/resnet50.onnx'));
}, 120_000);

describe('ideasSentence', () => {
  it('names the ideas present, the key one first, with counts', () => {
    const s = ideasSentence(M.squeezenet!.facts.ideas, M.squeezenet!.facts.family.guess);
    expect(s).toMatch(/^Design ideas: fire module \(8\), /);
    expect(s.endsWith('.')).toBe(true);
  });

  it('names no idea that is absent, and says nothing without ideas (negative)', () => {
    const s = ideasSentence(M.resnet50!.facts.ideas, M.resnet50!.facts.family.guess);
    expect(s).toMatch(/^Design ideas: bottleneck residual \(16\)/);
    expect(s).not.toMatch(/fire module|channel shuffle/);
    expect(ideasSentence({}, 'resnet')).toBe('');
  });
});

describe('archbert describe --facts (text)', () => {
  it('lists the ideas, most characteristic first', async () => {
    const r = await runCliInProcess('archbert', ['describe', 'fixtures/models/squeezenet1_0.onnx', '--facts']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ideas\s+fire module ×8, /);
  });
});
