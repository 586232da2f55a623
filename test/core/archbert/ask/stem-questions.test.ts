/**
 * The first convolution is the stem: "how big is the first conv kernel?"
 * asks the stem's kernel, not a count of convolutions. AlexNet's first conv
 * is 11x11 with stride 4, ResNet-50's 7x7 with stride 2 (the papers).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { analyzeModelFile, type AnalyzedModel } from '../../../../src/core/archbert/facts/model-file.js';
import { askFromFacts } from '../../../helpers/ask.js';
import { repoRoot } from '../../../helpers/cli.js';

let alexnet: AnalyzedModel;
let resnet: AnalyzedModel;
const ask = askFromFacts;
beforeAll(async () => {
  alexnet = await analyzeModelFile(join(repoRoot, 'fixtures/reference/alexnet.onnx'));
  resnet = await analyzeModelFile(join(repoRoot, 'fixtures/models/resnet50.onnx'));
}, 60_000);

describe('the first convolution is the stem', () => {
  it('answers its kernel and stride', () => {
    expect(ask(alexnet, 'how big is the first conv kernel?')).toMatchObject({ kind: 'value', value: '11x11' });
    expect(ask(alexnet, 'what is the stride of the first convolution?')).toMatchObject({ value: 4 });
    expect(ask(resnet, 'kernel size of the stem?')).toMatchObject({ value: '7x7' });
    expect(ask(resnet, 'how big is the initial convolution layer kernel?')).toMatchObject({ value: '7x7' });
  });
  it('a count of convolutions stays a count', () => {
    expect(ask(alexnet, 'how many convs are there?')).toMatchObject({ value: 5 });
  });
});
