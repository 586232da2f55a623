import { beforeAll, describe, expect, it } from 'vitest';
import { bestChecked, checkClaims } from '../../../src/core/archbert/describe.js';
import { analyzeModelFile, type AnalyzedModel } from '../../../src/core/archbert/facts/model-file.js';
import { ideaLabel } from '../../../src/core/archbert/language/idea-phrases.js';
import { repoRoot } from '../../helpers/cli.js';

describe('claim checking of a generated description', () => {
  let resnet: AnalyzedModel;
  beforeAll(async () => {
    resnet = await analyzeModelFile(`${repoRoot}/fixtures/models/resnet18.onnx`);
  });

  it('keeps consistent sentences, removes contradicted ones, corrects wrong counts, and flags each change', () => {
    const text =
      'a convolutional network for image classification. it uses batch normalization and relu. it has depthwise convolutions and self-attention. there is no layer normalization. it has 11.7m parameters. it has 3m parameters.';
    const r = checkClaims(text, resnet.summary);
    // The corrected count repeats a kept sentence: said once.
    expect(r.summary).toBe('a convolutional network for image classification. it uses batch normalization and relu. there is no layer normalization. it has 11.7m parameters.');
    expect(r.flags.map((f) => [f.claim, f.action]).sort()).toEqual([['3m parameters', 'corrected'], ['depthwise convolutions', 'removed'], ['self-attention', 'removed']].sort());
    // total = 11,689,512 trainable (torchvision) + 9,600 BN buffers
    expect(r.flags.find((f) => f.claim === '3m parameters')!.facts).toMatch(/11\.7m parameters \(11,699,112\)/);
    expect(r.flags.find((f) => f.claim === 'self-attention')!.facts).toBe('the graph has no attention block');
  });

  it('a negation covers its own clause: a mixed sentence is checked word by word', () => {
    // ResNet-18 has batch norm and no LSTM, no layer norm.
    const r = checkClaims('it has batch normalization but no lstm. it has layer normalization but no batch normalization. it uses relu and no layer normalization. layer normalization is not used.', resnet.summary);
    expect(r.summary).toBe('it has batch normalization but no lstm. it uses relu and no layer normalization. layer normalization is not used.');
    expect(r.flags.map((f) => [f.claim, f.facts]).sort()).toEqual([
      ['batch normalization', 'the graph has batch norm'],
      ['layer normalization', 'the graph has no layer norm'],
    ]);
  });

  it('a family or task the facts contradict removes the sentence; purposes naming several tasks are left alone', () => {
    const r = checkClaims('this is a u-net model for dense per-pixel classification. this is a vit model for classifying images. the resnet family is designed for image classification and a backbone for detection and segmentation. a resnet for image classification.', resnet.summary);
    expect(r.summary).toBe('the resnet family is designed for image classification and a backbone for detection and segmentation. a resnet for image classification.');
    expect(r.flags.map((f) => f.claim).sort()).toEqual(['dense per-pixel classification', 'vit'].sort());
    // A bracketed model name is not a family claim ("mobilenet" inside it is not checked as one); not being this file's name, it is cut.
    expect(checkClaims('this is a ssd model (ssd_mobilenet_v3) for detection.', resnet.summary).flags.map((f) => f.claim)).toEqual(['(ssd_mobilenet_v3)', 'detection']);
  });

  it('a design idea the detectors do not find removes the sentence; one said absent that they find too', async () => {
    const convnext = (await analyzeModelFile(`${repoRoot}/fixtures/models/convnext_tiny.onnx`)).summary;
    expect(Object.hasOwn(convnext.ideas!, 'layer_scale')).toBe(true);
    const r = checkClaims('ideas: dense blocks, fire modules. it has no fire modules. it uses layer scale. it is built without layer scale.', convnext);
    expect(r.summary).toBe('it has no fire modules. it uses layer scale.');
    expect(r.flags.map((f) => f.claim)).toEqual(['dense blocks', 'fire modules', 'layer scale']);
    expect(r.flags[0]!.facts).toBe(`the idea detectors do not find ${ideaLabel('dense_connectivity')} in the graph`);
    // An idea's words make no family claim: "no channel shuffle" of a ResNet stands, "a shufflenet" does not.
    const r2 = checkClaims('it has no channel shuffle. this is a shufflenet.', resnet.summary);
    expect(r2.summary).toBe('it has no channel shuffle.');
    expect(r2.flags.map((f) => f.claim)).toEqual(['shufflenetv2']);
    // A summary without ideas (an index written before they were recorded) is not checked for them.
    expect(checkClaims('ideas: dense blocks.', { ...convnext, ideas: undefined }).flags).toEqual([]);
  });

  it('parameter counts in every unit of the one unit table (mil, bn, g, millions read since issue 14) are checked', () => {
    for (const claim of ['25 mil parameters', '2 bn parameters', '1.2g parameters', '3 millions parameters']) {
      const r = checkClaims(`it has ${claim}.`, resnet.summary);
      expect(r.flags.map((f) => [f.claim, f.action])).toEqual([[claim, 'corrected']]);
      expect(r.summary).toBe('it has 11.7m parameters.');
    }
    // The right count in those units stands.
    expect(checkClaims('it has 11.7 mil parameters.', resnet.summary).flags).toEqual([]);
    expect(checkClaims('it has 0.0117 bn parameters.', resnet.summary).flags).toEqual([]);
  });

  it('bestChecked keeps the hypothesis the facts confirm most', () => {
    const r = bestChecked(['this is a u-net model for dense per-pixel classification.', 'a convolutional network for image classification. it uses batch normalization.'], resnet.summary);
    expect(r.summary).toBe('a convolutional network for image classification. it uses batch normalization.');
    expect(r.flags).toEqual([]);
  });

  it('a negated claim about something present is flagged', () => {
    const r = checkClaims('it does not use batch normalization.', resnet.summary);
    expect(r.summary).toBe('');
    expect(r.flags[0]!.facts).toBe('the graph has batch norm');
  });

  it('canonical block names and weighted-layer counts are checked too', () => {
    const r = checkClaims('blocks: residual connection, squeeze-and-excitation. 30 weighted layers, 11.7m parameters.', resnet.summary);
    expect(r.flags.map((f) => [f.claim, f.action])).toEqual([['squeeze-and-excitation', 'removed'], ['30 weighted layers', 'corrected']]);
    expect(r.summary).toBe(`${resnet.summary.weightedLayers} weighted layers, 11.7m parameters.`);
    expect(resnet.summary.weightedLayers).toBe(21); // 20 conv (incl. 3 downsample 1x1) + 1 linear
  });

  it('kernel sizes are checked, parameter ranges are not read as counts', () => {
    expect(checkClaims('its convolutions use 3x3 and 7x7 kernels.', resnet.summary).flags).toEqual([]);
    expect(checkClaims('its convolutions use 5x5 kernels.', resnet.summary).flags[0]!.claim).toBe('5x5');
    expect(checkClaims('a model with 5m to 25m parameters.', resnet.summary).flags).toEqual([]);
  });
});

describe('bracketed variants and repeats', () => {
  let resnet: AnalyzedModel;
  beforeAll(async () => {
    resnet = await analyzeModelFile(`${repoRoot}/fixtures/models/resnet18.onnx`);
  });
  it('cuts a variant the file name does not bear out, keeps one it does, drops a sentence with an unclosed bracket', () => {
    const r = checkClaims('this is a resnet model (50) for image classification. a resnet (resnet18) for image classification. this is a resnet model (custom depth, blocks [ 2, 2 for image classification.', resnet.summary);
    expect(r.summary).toBe('this is a resnet model for image classification. a resnet (resnet18) for image classification.');
    expect(r.flags.map((f) => [f.claim, f.action])).toEqual([['(50)', 'corrected'], ['(custom depth, blocks [ 2, 2 for image classification.', 'removed']]);
  });
  it('says a list item repeated in a row once, without a flag', () => {
    const r = checkClaims('pooling: max pooling, global average pooling, global average pooling. normalization: batch normalization, batch normalization.', resnet.summary);
    expect(r.summary).toBe('pooling: max pooling, global average pooling. normalization: batch normalization.');
    expect(r.flags).toEqual([]);
  });
  it('keeps a sentence repeated up to commas and "and" once', () => {
    expect(checkClaims('it uses conv layers with 1x1, 3x3, and 7x7 kernels. it uses conv layers with 1x1, 3x3 and 7x7 kernels.', resnet.summary).summary).toBe('it uses conv layers with 1x1, 3x3, and 7x7 kernels.');
  });
});
