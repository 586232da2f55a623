/**
 * `archbert ask` about named design ideas, answered from facts.ideas (issue
 * 16). Expected values come from the papers, not from the code under test:
 * - SqueezeNet 1.0: 8 fire modules (fire2 … fire9), no channel shuffle.
 * - ShuffleNet V2 1.0x: a channel shuffle in every unit (4 + 8 + 4 = 16).
 * - ResNet-50: bottleneck blocks of 1x1 / 3x3 / 1x1 convs, no channel
 *   shuffle, no asymmetric 1xn / nx1 convs, no transposed convs, no class token.
 * - Inception-v3: 1x7 / 7x1 and 1x3 / 3x1 factorised convolutions.
 * - Swin-T: shifted windows in every second block.
 * - ViT-B/16: a class token and a 16x16 stride-16 patch embedding.
 * - ResNeXt-50 32x4d: cardinality 32 (grouped 3x3 convs).
 * - DeepLabV3: an ASPP head.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { answerQuestion } from '../../../src/core/archbert/ask.js';
import { analyzeModelFile, type AnalyzedModel } from '../../../src/core/archbert/facts/model-file.js';
import { ideaMention, IDEA_PHRASES } from '../../../src/core/archbert/language/idea-phrases.js';
import { IDEA_IDS } from '../../../src/core/graph/ideas/registry.js';
import { repoRoot } from '../../helpers/cli.js';

const FILES: Record<string, string> = {
  squeezenet: 'fixtures/models/squeezenet1_0.onnx',
  shufflenet: 'fixtures/models/shufflenet_v2_x1_0.onnx',
  resnet50: 'fixtures/models/resnet50.onnx',
  vit: 'fixtures/models/vit_b_16.onnx',
  inception: 'fixtures/reference/inception_v3.onnx',
  swin: 'fixtures/reference/swin_t.onnx',
  resnext: 'fixtures/reference/resnext50_32x4d.onnx',
  deeplab: 'fixtures/reference/deeplabv3_resnet50.onnx',
};
const M: Record<string, AnalyzedModel> = {};
const ask = (model: string, q: string) => answerQuestion(q, M[model]!.summary, M[model]!.opGraph, null, M[model]!.facts.ideas);
const askWithoutIdeas = (model: string, q: string) => answerQuestion(q, M[model]!.summary, M[model]!.opGraph, null);

beforeAll(async () => {
  for (const [k, f] of Object.entries(FILES)) M[k] = await analyzeModelFile(join(repoRoot, f));
}, 120_000);

describe('idea phrases', () => {
  it('name only ideas of the catalogue', () => {
    for (const id of Object.keys(IDEA_PHRASES)) expect(IDEA_IDS).toContain(id);
  });
  it('find the longest phrase, in plural, hyphenated and abbreviated forms', () => {
    expect(ideaMention('does it use asymmetric 1xn / nx1 convs?')?.id).toBe('factorised_convolution');
    expect(ideaMention('atrous spatial pyramid pooling')?.id).toBe('aspp');
    expect(ideaMention('fused-mbconv blocks')?.id).toBe('fused_mbconv');
    expect(ideaMention('any fire modules')?.text).toBe('fire modules');
    expect(ideaMention('does it use batch norm?')).toBeNull();
  });
});

describe('ask about design ideas', () => {
  it('counts fire modules', () => {
    expect(ask('squeezenet', 'how many fire modules?')).toMatchObject({ kind: 'value', value: 8, confidence: 1 });
    expect(ask('squeezenet', 'It has 8 fire modules.')).toMatchObject({ kind: 'statement', value: true });
    expect(ask('squeezenet', 'It has 6 fire modules.')).toMatchObject({ kind: 'statement', value: false });
    expect(ask('squeezenet', 'does it use fire modules?').evidence.length).toBeGreaterThan(0);
    expect(ask('resnet50', 'how many fire modules?')).toMatchObject({ value: 0 });
  });
  it('channel shuffle: yes for ShuffleNet, no for ResNet-50 and SqueezeNet', () => {
    const a = ask('shufflenet', 'does it use channel shuffle?');
    expect(a).toMatchObject({ kind: 'yes_no', value: true });
    expect(a.evidence.length).toBeGreaterThan(0);
    expect(ask('resnet50', 'does it use channel shuffle?')).toMatchObject({ value: false, evidence: [] });
    expect(ask('squeezenet', 'does it use channel shuffle?')).toMatchObject({ value: false });
    expect(ask('resnet50', "it doesn't use channel shuffle")).toMatchObject({ kind: 'statement', value: true });
  });
  it('asymmetric 1xn / nx1 convolutions are understood, not read as "convolutions"', () => {
    // without ideas, "asymmetric" is a qualifier the vocabulary does not know: not decided by the facts (no longer "Yes: 53 conv ops")
    expect(askWithoutIdeas('resnet50', 'does it use asymmetric 1xn / nx1 convolutions?')).toMatchObject({ confidence: 0, value: false });
    expect(ask('resnet50', 'does it use asymmetric 1xn / nx1 convolutions?')).toMatchObject({ value: false });
    expect(ask('inception', 'does it use asymmetric 1xn / nx1 convolutions?')).toMatchObject({ value: true });
    expect(ask('resnet50', 'does it use deconvolution?')).toMatchObject({ value: false });
  });
  it('transformer and mixing ideas', () => {
    expect(ask('swin', 'does it use shifted windows?')).toMatchObject({ value: true });
    expect(ask('vit', 'does it use shifted windows?')).toMatchObject({ value: false });
    expect(ask('vit', 'does it have a class token?')).toMatchObject({ value: true });
    expect(ask('resnet50', 'does it have a class token?')).toMatchObject({ value: false });
    expect(ask('vit', 'does it use patch embedding?')).toMatchObject({ value: true });
    expect(ask('resnet50', 'does it use patch embedding?')).toMatchObject({ value: false });
  });
  it('counts an idea named right after the count words, whatever noun follows (not "operations" as MACs)', () => {
    // ShuffleNet V2 1.0x: a channel shuffle in every unit, 4 + 8 + 4 = 16.
    expect(ask('shufflenet', 'how many channel shuffle operations are there?')).toMatchObject({ kind: 'value', value: 16 });
    expect(ask('squeezenet', 'number of fire modules?')).toMatchObject({ value: 8 });
    // not an idea the detector counts per instance: left to the rules
    expect(ask('resnet50', 'how many operations are there?')).toEqual(askWithoutIdeas('resnet50', 'how many operations are there?'));
  });
  it('repairs typos in idea words and chat shorthand', () => {
    expect(ask('shufflenet', 'channel shufle?')).toMatchObject({ value: true });
    expect(ask('resnet50', 'channel shufle?')).toMatchObject({ value: false });
    expect(ask('resnet50', 'fam?')).toMatchObject({ value: 'resnet' });
    expect(ask('resnet50', 'wat task?')).toMatchObject({ kind: 'value' });
    expect(ask('resnet50', 'whats this model for')).toMatchObject({ kind: 'value', value: 'image classification' });
  });
  it('cardinality and ASPP', () => {
    expect(ask('resnext', 'does it use cardinality?')).toMatchObject({ value: true });
    expect(ask('resnet50', 'does it use cardinality?')).toMatchObject({ value: false });
    expect(ask('deeplab', 'does it use ASPP?')).toMatchObject({ value: true });
    expect(ask('resnet50', 'does it use ASPP?')).toMatchObject({ value: false });
  });
  it('leaves questions the rules already answer (or that name no idea) as they are', () => {
    for (const [m, q] of [
      ['resnet50', 'does it use convolutions?'],
      ['resnet50', 'does it use atrous convolutions?'],
      ['resnet50', 'does it use squeeze-and-excitation?'],
      ['resnet50', 'does it use grouped convolutions?'],
      ['resnet50', 'how many parameters does it have?'],
      ['swin', 'does it use layer norm?'],
      ['shufflenet', 'does it use channel shuffle and batch norm?'],
    ] as const) {
      expect(ask(m, q)).toEqual(askWithoutIdeas(m, q));
    }
  });
});

describe('a contrast naming a design idea asks each half', () => {
  // ShuffleNetV2 has channel shuffle and no SE; ResNet-50 has neither; SqueezeNet has fire modules.
  it('holds when the first half holds and the second does not', () => {
    expect(ask('shufflenet', 'does it use channel shuffle but no squeeze-and-excitation?')).toMatchObject({ kind: 'yes_no', value: true, confidence: 1 });
    expect(ask('shufflenet', 'it has channel shuffle instead of squeeze-and-excitation')).toMatchObject({ kind: 'statement', value: true });
    expect(ask('squeezenet', 'fire modules and no channel shuffle?')).toMatchObject({ value: true });
    // Before, the idea half was dropped: the first read "Yes: no squeeze excitation", the second "Yes" of a ResNet.
    expect(ask('shufflenet', 'does it use squeeze-and-excitation and no channel shuffle?').value).toBe(false);
    expect(ask('resnet50', 'does it use channel shuffle but no squeeze-and-excitation?').value).toBe(false);
    expect(ask('squeezenet', 'does it use fire modules, without relu?').value).toBe(false);
  });

  it('excludes every item of a list after the cue, keeping the "and" inside a name', () => {
    expect(ask('shufflenet', 'does it use channel shuffle but no layer norm or attention?').value).toBe(true);
    expect(ask('shufflenet', 'does it use channel shuffle, without layer norm, attention or squeeze-and-excitation?').value).toBe(true);
    // Each excluded item is asked on its own: batch norm being there makes it false, whatever relu does.
    expect(ask('shufflenet', 'does it use channel shuffle but no relu and no batch norm?').value).toBe(false);
    expect(ask('shufflenet', 'does it use channel shuffle but no layer norm and no batch norm?').value).toBe(false);
  });

  it('says both halves in the answer, and leaves feature-only contrasts to the rules', () => {
    expect(ask('shufflenet', 'does it use squeeze-and-excitation and no channel shuffle?').answer).toMatch(/^No: no squeeze excitation in the graph; 16 channel shuffle/);
    expect(ask('resnet50', 'does it have relu and no layer norm?')).toMatchObject({ value: true, answer: expect.stringMatching(/^Yes: \d+ relu op\(s\) in the graph; no layer norm in the graph/) });
  });
});
