/**
 * Everyday phrasings of `archbert ask` questions (found by the hand-written
 * set-2 evaluation): contrasts ("X instead of Y"), abbreviated / plural layer
 * names in counting questions, block types under any noun, and the family key
 * as the typed value. Expected counts come from the published architectures,
 * not from the code under test:
 * - ConvNeXt-T: stage depths [3, 3, 9, 3] = 18 blocks, one 7x7 depthwise conv
 *   each; convs = stem + 18 depthwise + 3 downsampling = 22; nn.Linear = 2 per
 *   block + classifier = 37; LayerNorm = 18 + stem + 3 downsampling + head = 23.
 * - RegNetY-400MF: depths [1, 3, 6, 6] = 16 Y-blocks, each with one SE module
 *   and a residual connection.
 * - MobileNetV2: 17 inverted-residual bottlenecks, 10 of them with a residual
 *   add; 52 convolutions each followed by a BatchNorm.
 * - EfficientNet-B0: 16 MBConv blocks, every one with SE.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../../src/core/archbert/ask.js';
import { parseQuestion, statementForm } from '../../../src/core/archbert/language/question.js';
import { analyzeModelFile, type AnalyzedModel } from '../../../src/core/archbert/facts/model-file.js';
import { repoRoot } from '../../helpers/cli.js';

const M: Record<string, AnalyzedModel> = {};
const ask = (model: string, q: string) => answerQuestion(q, M[model]!.summary, M[model]!.opGraph, null);

beforeAll(async () => {
  for (const m of ['convnext_tiny', 'regnet_y_400mf', 'mobilenet_v2', 'efficientnet_b0']) M[m] = await analyzeModelFile(`${repoRoot}/fixtures/models/${m}.onnx`);
});

describe('"X instead of Y" means uses X and does not use Y', () => {
  it('parses the contrast into used and excluded features', () => {
    expect(parseQuestion('is it using layer norm instead of batch norm?')).toMatchObject({ kind: 'yes_no', intent: { type: 'presence', keys: ['layer_norm'], absent: ['batch_norm'], negated: false } });
    expect(parseQuestion('does it use GELU rather than ReLU?').intent).toMatchObject({ keys: ['gelu'], absent: ['relu'] });
    expect(parseQuestion('it has layer normalisation and not batchnorm').intent).toMatchObject({ keys: ['layer_norm'], absent: ['batch_norm'] });
    expect(parseQuestion('does it use relu6, not relu?').intent).toMatchObject({ keys: ['relu6'], absent: ['relu'] });
    expect(parseQuestion('does it have gelu and no batch norm?').intent).toMatchObject({ keys: ['gelu'], absent: ['batch_norm'], negated: false });
    expect(parseQuestion('is there no batch norm and no lstm?').intent).toMatchObject({ keys: ['batch_norm'], absent: ['lstm'], negated: true });
    // A bound after "and no" is not a contrast.
    expect(parseQuestion('does it use gelu and no more than 30 layer norms?').intent).not.toMatchObject({ type: 'presence', absent: ['layer_norm'] });
    expect(statementForm('is it using layer norm instead of batch norm?', parseQuestion('is it using layer norm instead of batch norm?').intent)).toBe('it uses layer norm and does not use batch norm.');
  });

  it('answers from both halves of the contrast', () => {
    for (const q of ['is it using layer norm instead of batch norm?', 'does it use layer norm rather than batch norm', 'does it rely on gelu as opposed to relu?', 'it uses GELU but not ReLU', 'layer norm in place of batch norm?'])
      expect(ask('convnext_tiny', q).value, q).toBe(true);
    // "and no", "but no", "with no", ", without": the same contrast (before, "gelu and no batch norm?" asked whether both were absent).
    for (const q of ['does it have gelu and no batch norm?', 'it uses layer norm but no batch norm', 'gelu with no relu?', 'does it use layer norm, without batch norm?', 'is there no batch norm and no lstm?'])
      expect(ask('convnext_tiny', q).value, q).toBe(true);
    for (const q of ['is it using batch norm instead of layer norm?', 'does it use relu rather than gelu?', 'it uses layer norm and not gelu', 'does it have gelu and no layer norm?', 'is there no batch norm and no layer norm?'])
      expect(ask('convnext_tiny', q).value, q).toBe(false);
    // Both present: "instead of" fails on the excluded half.
    expect(ask('regnet_y_400mf', 'does it use relu instead of sigmoid?').value).toBe(false);
    expect(ask('mobilenet_v2', 'does it use relu6 instead of relu?').value).toBe(true);
    expect(ask('efficientnet_b0', 'is it using silu rather than relu?')).toMatchObject({ kind: 'yes_no', value: true });
    const a = ask('convnext_tiny', 'is it using layer norm instead of batch norm?');
    expect(a.answer).toMatch(/^Yes: 23 layer norm.*no batch norm/);
    expect(a.evidence.every((e) => e.op === 'layer_norm')).toBe(true);
  });
});

describe('counting questions name the category with abbreviations and plurals', () => {
  const cases: Array<[string, string, number]> = [
    ['convnext_tiny', 'how many depthwise convs are there', 18],
    ['convnext_tiny', 'how many dw convs?', 18],
    ['convnext_tiny', 'How many depth-wise conv layers does it have?', 18],
    ['convnext_tiny', 'number of depthwise convolutions?', 18],
    ['convnext_tiny', 'how many convs', 22],
    ['convnext_tiny', 'how many conv layers are there?', 22],
    ['convnext_tiny', 'how many FC layers?', 37],
    ['convnext_tiny', 'how many fully-connected layer are in it', 37],
    ['convnext_tiny', 'how many linear layers', 37],
    ['convnext_tiny', 'how many layer norms are there?', 23],
    ['convnext_tiny', 'how many LN layers?', 23],
    ['mobilenet_v2', 'how many BN layers are there', 52],
    ['mobilenet_v2', 'how many batchnorm layers?', 52],
    ['mobilenet_v2', 'how many dw convs does it have?', 17],
  ];
  it.each(cases)('%s: %s → %d', (model, q, n) => {
    expect(ask(model, q)).toMatchObject({ kind: 'value', value: n });
  });

  it('still tells depth and total weighted layers apart', () => {
    const s = M.convnext_tiny!.summary;
    expect(ask('convnext_tiny', 'how deep is it?').value).toBe(s.depth);
    expect(ask('convnext_tiny', 'how many layers does it have?').value).toBe(s.weightedLayers);
  });
});

describe('"how many <block> modules/blocks/units/layers" counts that block type', () => {
  const cases: Array<[string, string, number]> = [
    ['regnet_y_400mf', 'how many squeeze-excitation modules are in it?', 16],
    ['regnet_y_400mf', 'how many SE blocks?', 16],
    ['regnet_y_400mf', 'how many se units does it have', 16],
    ['regnet_y_400mf', 'How many squeeze and excitation layers are there?', 16],
    ['regnet_y_400mf', 'how many residual units?', 16],
    ['efficientnet_b0', 'how many squeeze-and-excitation modules?', 16],
    ['efficientnet_b0', 'how many MBConv blocks?', 16],
    ['efficientnet_b0', 'how many inverted residual units are there?', 16],
    ['mobilenet_v2', 'how many inverted residual modules are there?', 17],
    ['mobilenet_v2', 'how many inverted residual layers', 17],
    ['mobilenet_v2', 'how many residual blocks', 10],
    ['mobilenet_v2', 'how many depthwise-separable modules?', 17],
    ['convnext_tiny', 'how many attention modules are there?', 0],
  ];
  it.each(cases)('%s: %s → %d', (model, q, n) => {
    const a = ask(model, q);
    expect(a).toMatchObject({ kind: 'value', value: n });
    expect(a.answer).toMatch(/block\(s\)/);
  });
});

describe('the family value is the facts\' family key', () => {
  it('for every model, whatever the display name', () => {
    for (const q of ['what family is this?', 'which model family is it from?', 'what architecture family does this look like?']) {
      for (const m of Object.keys(M)) {
        const a = ask(m, q);
        expect(a.value, `${m}: ${q}`).toBe(M[m]!.facts.family.guess);
      }
    }
    expect(ask('regnet_y_400mf', 'what family is this?').value).toBe('regnet');
    expect(ask('mobilenet_v2', 'what family is this?')).toMatchObject({ value: 'mobilenet_v2', answer: expect.stringMatching(/^MobileNetV2/) });
    expect(ask('convnext_tiny', 'what family is this?').answer).toMatch(/^ConvNeXt/);
  });
});

describe('phrasings from nl-eval set 8 (its clean misses, in general form)', () => {
  it('reads "X is its only activation" and "is X the only norm" as exclusive, and says what else there is', () => {
    // RegNetY's SE blocks use a sigmoid gate beside the ReLUs; ConvNeXt normalises with LayerNorm only.
    const r = ask('regnet_y_400mf', 'ReLU is its only activation function.');
    expect(r.value).toBe(false);
    expect(r.answer).toMatch(/relu is not the only activation: the graph has relu, sigmoid/);
    expect(ask('regnet_y_400mf', 'its only activation function is relu').value).toBe(false);
    expect(ask('convnext_tiny', 'is layer norm the only norm?').value).toBe(true);
    expect(ask('convnext_tiny', 'is layer norm the only norm?').answer).toMatch(/layer norm is the only normalization in the graph \(23 op\(s\)\)/);
    expect(ask('mobilenet_v2', 'ReLU is its only activation function.').value).toBe(false); // ReLU6, not ReLU
  });
  it('repairs question words with a dropped letter and reads "MAC count"', () => {
    expect(parseQuestion('wich activation fn?').kind).toBe('choice');
    expect(ask('convnext_tiny', 'wich activation fn?').value).toEqual(['gelu']);
    expect(parseQuestion('Could you tell me the MAC count please?').intent).toMatchObject({ type: 'count', what: 'macs' });
  });
  it('reads "what sequence length does it expect" as the input length question', () => {
    expect(parseQuestion('what sequence length does it expect as input?').intent).toMatchObject({ type: 'size_of', what: 'max_len' });
    expect(ask('convnext_tiny', 'what sequence length does it expect as input?').value).toBe('none');
  });
});
