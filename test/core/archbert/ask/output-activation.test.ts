/**
 * "What activation is on the output?": the activation the outputs come out
 * of, not every activation of the body. A DCGAN generator ends in tanh (the
 * paper: tanh on the output layer, ReLU in the generator's body); ResNet-50
 * ends in a linear layer (raw logits, no softmax in the torchvision export).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { analyzeModelFile, type AnalyzedModel } from '../../../../src/core/archbert/facts/model-file.js';
import { askFromFacts } from '../../../helpers/ask.js';
import { repoRoot } from '../../../helpers/cli.js';

let dcgan: AnalyzedModel;
let resnet: AnalyzedModel;
const ask = askFromFacts;
beforeAll(async () => {
  dcgan = await analyzeModelFile(join(repoRoot, 'fixtures/reference/dcgan_generator.onnx'));
  resnet = await analyzeModelFile(join(repoRoot, 'fixtures/models/resnet50.onnx'));
}, 60_000);

describe('the output activation', () => {
  it('is the activation the outputs come out of', () => {
    const a = ask(dcgan, 'what activation is on the output?');
    expect(a).toMatchObject({ kind: 'value', value: 'tanh' });
    expect(a.evidence.length).toBe(1);
    expect(ask(dcgan, "what's the output activation function?")).toMatchObject({ value: 'tanh' });
  });
  it('is none when the outputs are raw scores', () => {
    expect(ask(resnet, 'what activation is on the output?')).toMatchObject({ value: 'none' });
  });
  it('a question about all activations still lists them all', () => {
    expect(ask(dcgan, 'which activations does it use?').value).toEqual(['relu', 'tanh']);
  });
});
