/**
 * Dilated (atrous) convolutions of any kind: LR-ASPP's MobileNetV3-Large
 * backbone dilates the depthwise convs of its last stage (rate 2, as in the
 * paper's segmentation setting), which the categories file under depthwise
 * convs; they are dilated all the same. ResNet-50 has no dilation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { answerQuestion } from '../../../../src/core/archbert/ask.js';
import { analyzeModelFile, type AnalyzedModel } from '../../../../src/core/archbert/facts/model-file.js';
import { hasFeature } from '../../../../src/core/archbert/language/feature-phrases.js';
import { repoRoot } from '../../../helpers/cli.js';

let lraspp: AnalyzedModel;
let resnet: AnalyzedModel;
beforeAll(async () => {
  lraspp = await analyzeModelFile(join(repoRoot, 'fixtures/models/lraspp_mobilenet_v3_large.onnx'));
  resnet = await analyzeModelFile(join(repoRoot, 'fixtures/models/resnet50.onnx'));
}, 60_000);

describe('dilated convolutions of any kind', () => {
  it('a dilated depthwise conv counts as a dilated convolution', () => {
    expect(lraspp.summary.ops.dilated_conv ?? 0).toBe(0);
    expect(hasFeature(lraspp.summary, 'dilated_conv')).toBe(true);
    const a = answerQuestion('are there atrous (dilated) convolutions?', lraspp.summary, lraspp.opGraph, null, lraspp.facts.ideas);
    expect(a.value).toBe(true);
    expect(a.answer).toMatch(/dilation > 1.*depthwise conv/);
    expect(a.evidence.length).toBeGreaterThan(0);
  });
  it('a net without dilation has none', () => {
    expect(hasFeature(resnet.summary, 'dilated_conv')).toBe(false);
    expect(answerQuestion('does it use dilated convolutions?', resnet.summary, resnet.opGraph, null, resnet.facts.ideas).value).toBe(false);
  });
});
