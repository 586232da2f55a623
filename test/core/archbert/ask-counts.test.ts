/**
 * Stated counts and terse phrasings (failure classes of the blind set-3
 * evaluation): compared counts ("fewer than 20 SE blocks"), bare topic nouns
 * ("norm layers?", "# params"), rhetorical negative questions ("doesn't it use
 * dropout?" asks whether it uses dropout), subject-less statements ("Uses GELU
 * activations."), task questions that also name the input, trainable vs total
 * parameters. Expected counts come from the published architectures:
 * - RegNetY-400MF: depths [1, 3, 6, 6] = 16 Y-blocks, one SE module each.
 * - EfficientNet-B0: 16 MBConv blocks, all with SE; SiLU + sigmoid gates.
 * - ConvNeXt-T: 18 blocks with one 7x7 depthwise conv each; LayerNorm only;
 *   28,589,128 parameters (torchvision's count), no buffers.
 * - ResNet-18: 11,689,512 trainable parameters (torchvision); its BatchNorm
 *   running statistics (2 per channel of the 20 BN layers, 9,600 channels)
 *   and num_batches_tracked are buffers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../../src/core/archbert/ask.js';
import { normalizeQuestion, parseQuestion, sentenceKind } from '../../../src/core/archbert/language/question.js';
import { analyzeModelFile, type AnalyzedModel } from '../../../src/core/archbert/facts/model-file.js';
import { parseQuantities, parseStatedCounts, compare } from '../../../src/core/archbert/language/quantity.js';
import { parseConstraints } from '../../../src/core/archbert/language/constraints.js';
import { satisfies } from '../../../src/core/archbert/language/constraint-check.js';
import { repoRoot } from '../../helpers/cli.js';

const M: Record<string, AnalyzedModel> = {};
const ask = (model: string, q: string) => answerQuestion(q, M[model]!.summary, M[model]!.opGraph, null);

beforeAll(async () => {
  for (const m of ['convnext_tiny', 'regnet_y_400mf', 'efficientnet_b0', 'resnet18']) M[m] = await analyzeModelFile(`${repoRoot}/fixtures/models/${m}.onnx`);
});

describe('quantity comparisons', () => {
  const q = (t: string) => parseQuantities(t).map((c) => `${c.what}${c.cmp}${c.value}`);
  it('reads the comparator, the number and what is counted', () => {
    expect(q('fewer than 20 squeeze-and-excitation blocks')).toEqual(['squeeze_excitation<20']);
    expect(q('graph depth above 200')).toEqual(['depth>200']);
    expect(q('with a depth of at least 50')).toEqual(['depth>=50']);
    expect(q('more than 100 layers')).toEqual(['layers>100']);
    expect(q('under 1g macs')).toEqual(['macs<1000000000']);
    expect(q('less than 5 gflops')).toEqual(['flops<5000000000']);
    expect(q('exactly 12 attention blocks')).toEqual(['attention=12']);
    expect(q('50 weighted layers or more')).toEqual(['layers>=50']);
    expect(q('at most two gru layers')).toEqual(['gru<=2']);
    expect(q('with at least 10 depthwise convolutions')).toEqual(['depthwise_conv>=10']);
  });
  it('leaves parameter bounds, kernel sizes and sizes in other units alone', () => {
    expect(q('under 5m parameters')).toEqual([]);
    expect(q('uses 3x3 convolutions')).toEqual([]);
    expect(q('under 20 mb')).toEqual([]);
    expect(parseStatedCounts('it uses 3x3 convolutions')).toEqual([]);
    expect(parseStatedCounts('it has 16 squeeze-and-excitation blocks').map((c) => `${c.what}${c.cmp}${c.value}`)).toEqual(['squeeze_excitation=16']);
  });
  it('compares at the boundary as stated', () => {
    expect([compare(20, '<', 20), compare(20, '<=', 20), compare(20, '>', 20), compare(20, '>=', 20), compare(20, '=', 20)]).toEqual([false, true, false, true, true]);
  });
  it('is a hard constraint for find', () => {
    const s = M.regnet_y_400mf!.summary;
    const holds = (text: string) => parseConstraints(text).every((c) => satisfies(s, c));
    expect(holds('fewer than 20 se blocks')).toBe(true);
    expect(holds('fewer than 16 se blocks')).toBe(false);
    expect(holds('at least 16 se blocks')).toBe(true);
    expect(holds(`graph depth above ${s.depth}`)).toBe(false);
    expect(holds(`graph depth above ${s.depth - 1}`)).toBe(true);
  });
});

describe('ask: compared and stated counts agree with "how many"', () => {
  it('checks the count, not only the presence', () => {
    expect(ask('regnet_y_400mf', 'how many SE blocks are there?').value).toBe(16);
    expect(ask('regnet_y_400mf', 'It has fewer than 16 SE blocks.')).toMatchObject({ kind: 'statement', value: false });
    expect(ask('regnet_y_400mf', 'It has fewer than 17 SE blocks.')).toMatchObject({ kind: 'statement', value: true });
    expect(ask('regnet_y_400mf', 'does it have at least 16 squeeze-excitation modules?')).toMatchObject({ kind: 'yes_no', value: true });
    expect(ask('regnet_y_400mf', 'it has 16 SE blocks')).toMatchObject({ kind: 'statement', value: true });
    expect(ask('regnet_y_400mf', 'it has 15 SE blocks')).toMatchObject({ kind: 'statement', value: false });
    expect(ask('convnext_tiny', 'are there more than 17 depthwise convolutions?').value).toBe(true);
    expect(ask('convnext_tiny', 'are there more than 18 depthwise convolutions?').value).toBe(false);
    const s = M.convnext_tiny!.summary;
    expect(ask('convnext_tiny', `is the graph depth above ${s.depth}?`).value).toBe(false);
  });
});

describe('ask: terse and rhetorical phrasings', () => {
  it('reads a bare topic noun as a request for the values', () => {
    expect(sentenceKind(normalizeQuestion('norm layers?'))).toBe('wh');
    expect(ask('convnext_tiny', 'norm layers?')).toMatchObject({ kind: 'choice', value: ['layer normalization'] });
    expect(ask('efficientnet_b0', 'activation fn?')).toMatchObject({ kind: 'choice' });
    expect((ask('efficientnet_b0', 'activation fn?').value as string[]).sort()).toEqual(['sigmoid', 'silu']);
    expect(ask('convnext_tiny', 'Kernel sizes used?')).toMatchObject({ kind: 'choice' });
    expect(ask('convnext_tiny', '# params')).toMatchObject({ kind: 'value', value: 28589128 });
    expect(ask('convnext_tiny', 'params?')).toMatchObject({ kind: 'value', value: 28589128 });
    expect(ask('regnet_y_400mf', 'num of SE blocks?')).toMatchObject({ kind: 'value', value: 16 });
    // A bare feature is still a yes/no question.
    expect(ask('convnext_tiny', 'depthwise convs?')).toMatchObject({ kind: 'yes_no', value: true });
    expect(ask('convnext_tiny', 'batch norm?')).toMatchObject({ kind: 'yes_no', value: false });
  });
  it('answers a negative question about the positive fact', () => {
    expect(ask('convnext_tiny', "doesn't it use dropout?")).toMatchObject({ kind: 'yes_no', value: false });
    expect(ask('convnext_tiny', "doesn't it use layer norm?")).toMatchObject({ kind: 'yes_no', value: true });
    expect(ask('convnext_tiny', "isn't it a transformer?")).toMatchObject({ kind: 'yes_no' });
    // A stated absence stays negated.
    expect(ask('convnext_tiny', 'does it lack batch norm?').value).toBe(true);
    expect(ask('convnext_tiny', 'does it have no batch norm?').value).toBe(true);
  });
  it('treats a subject-less sentence as a statement', () => {
    expect(ask('convnext_tiny', 'Uses GELU activations.')).toMatchObject({ kind: 'statement', value: true });
    expect(ask('convnext_tiny', 'Contains batch norm.')).toMatchObject({ kind: 'statement', value: false });
    expect(parseQuestion('uses gelu?').kind).toBe('yes_no');
  });
  it('checks the input modality a task question names', () => {
    expect(ask('convnext_tiny', 'Is this an image classification model?').value).toBe(true);
    expect(ask('convnext_tiny', 'is it a text classification model?').value).toBe(false);
  });
  it('gives trainable parameters without the buffers when asked', () => {
    const s = M.resnet18!.summary;
    expect(s.trainableParams).toBe(11689512);
    expect(ask('resnet18', 'how many trainable parameters does it have?').value).toBe(11689512);
    expect(ask('resnet18', 'how many parameters does it have?').value).toBe(s.params);
    expect(s.params).toBeGreaterThan(11689512);
  });
});

describe('ask: alternatives, parts and inputs', () => {
  it('reads a bare "X or Y?" as which of them', () => {
    expect(ask('convnext_tiny', 'BN or LN?')).toMatchObject({ kind: 'choice', value: ['layer normalization'] });
    expect(ask('convnext_tiny', 'relu, gelu or silu?')).toMatchObject({ kind: 'choice', value: ['gelu'] });
    // With a verb it stays a yes/no question: is either used?
    expect(ask('convnext_tiny', 'does it use BN or LN?')).toMatchObject({ kind: 'yes_no', value: true });
  });
  it('gives one part\'s parameters from the per-category count', () => {
    const by = M.convnext_tiny!.summary.paramsByCategory!;
    expect(ask('convnext_tiny', 'how many parameters are in the linear layers?').value).toBe(by.linear);
    expect(ask('convnext_tiny', 'params in the linear layers?').value).toBe(by.linear);
    // ConvNeXt-T's Linears, by hand: each block's MLP d→4d→d has 8d²+5d parameters, blocks [3, 3, 9, 3] at d = 96, 192, 384, 768,
    // plus the 768→1000 head: 3·74,208 + 3·295,872 + 9·1,181,568 + 3·4,722,432 + 769,000 = 26,680,648.
    expect(by.linear).toBe(26680648);
  });
  it('reads MHSA as self-attention', () => {
    expect(ask('vit_b_16' in M ? 'vit_b_16' : 'convnext_tiny', 'how many MHSA layers?').kind).toBe('value');
    expect(ask('convnext_tiny', 'does it use MHSA?').value).toBe(false);
  });
  it('answers input questions from the input', () => {
    expect(ask('convnext_tiny', 'does it take images as input?').value).toBe(true);
    expect(ask('convnext_tiny', 'does it take token ids as input?').value).toBe(false);
    expect(ask('convnext_tiny', 'what is the input?').value).toMatch(/3x224x224$/);
  });
});

describe('ask: heads and the residual adjective', () => {
  it('reads the head count off the attention maps', async () => {
    // ViT-B/16: 12 heads in each of its 12 encoder layers (Dosovitskiy et al., table 1).
    const vit = await analyzeModelFile(`${repoRoot}/fixtures/models/vit_b_16.onnx`);
    expect(answerQuestion('how many attention heads?', vit.summary, vit.opGraph, null).value).toBe(12);
    expect(ask('convnext_tiny', 'how many heads?').value).toBe('none');
  });
  it('takes "is it residual?" as asking for skip connections', () => {
    expect(ask('regnet_y_400mf', 'Is it residual?')).toMatchObject({ kind: 'yes_no', value: true });
    expect(ask('regnet_y_400mf', 'is it a residual network?')).toMatchObject({ kind: 'yes_no', value: true });
    expect(ask('efficientnet_b0', 'does it use inverted residual blocks?').value).toBe(true);
  });
});

describe('spelling, ranges and topic-first questions', () => {
  it('repairs misspelt domain words and leaves other words alone', async () => {
    const { correctSpelling } = await import('../../../src/core/archbert/language/spelling.js');
    expect(correctSpelling('activatons? normalisaton paramters convolutons transfomer recurent depthwize attenton')).toBe('activations? normalisation parameters convolutions transformer recurrent depthwise attention');
    // Near a domain word but meant as written.
    expect(correctSpelling('a small convnext, unidirectional, direction, detected, player')).toBe('a small convnext, unidirectional, direction, detected, player');
    expect(ask('efficientnet_b0', 'activatons?')).toMatchObject({ kind: 'choice' });
  });
  it('reads count ranges as two bounds', () => {
    expect(parseQuantities('model with 25 to 35 inverted residual blocks').map((c) => `${c.what}${c.cmp}${c.value}`)).toEqual(['inverted_residual>=25', 'inverted_residual<=35']);
    expect(parseQuantities('cnn with 15-20 squeeze-excitation modules').map((c) => `${c.what}${c.cmp}${c.value}`)).toEqual(['squeeze_excitation>=15', 'squeeze_excitation<=20']);
    const s = M.efficientnet_b0!.summary;
    const holds = (text: string) => parseConstraints(text).every((c) => satisfies(s, c));
    expect(holds('between 10 and 20 squeeze-excitation blocks')).toBe(true);
    expect(holds('17-20 squeeze-excitation blocks')).toBe(false);
  });
  it('keeps EfficientNet-B* out of "EfficientNetV2" (no fused-MBConv)', () => {
    const s = M.efficientnet_b0!.summary;
    expect(parseConstraints('EfficientNetV2 smaller than 60M').every((c) => satisfies(s, c))).toBe(false);
  });
  it('answers sentences that open with the topic', () => {
    expect(ask('convnext_tiny', 'kernel sizes used by the convolutions?')).toMatchObject({ kind: 'choice' });
    expect(ask('convnext_tiny', 'MACs for one forward pass at the exported input size?')).toMatchObject({ kind: 'value', value: M.convnext_tiny!.summary.macs });
    expect(ask('convnext_tiny', 'depthwise conv layer count?')).toMatchObject({ kind: 'value', value: 18 });
    expect(ask('convnext_tiny', 'Number of fully connected (linear) layers in the network?')).toMatchObject({ kind: 'value', value: 37 });
    expect(ask('convnext_tiny', 'How many input tensors does the model take?')).toMatchObject({ kind: 'value', value: 1 });
  });
});

describe('kernel sets, metric ranges, depth and MACs questions, question-word typos', () => {
  it('reads listed and exclusive kernel sizes', () => {
    const keys = (t: string) => parseConstraints(t).filter((c) => c.kind === 'has').map((c) => (c as { key: string }).key);
    expect(keys('with 3x3 and 5x5 kernels')).toEqual(['kernel:any:3x3', 'kernel:any:5x5']);
    expect(keys('a net using only 3x3 convs')).toEqual(['kernels-only:any:3x3']);
    expect(keys('with 1x1 and 3x3 kernels and nothing else')).toEqual(['kernels-only:any:1x1,3x3']);
    // ResNet-18: 7x7 stem, 3x3 body, 1x1 downsampling shortcuts.
    expect(ask('resnet18', 'does it only use 1x1 and 3x3 kernels?').value).toBe(false);
    expect(ask('resnet18', 'does it only use 1x1, 3x3 and 7x7 kernels?').value).toBe(true);
    expect(ask('convnext_tiny', 'it uses only 3x3 convolutions').value).toBe(false);
  });
  it('reads a range stated for the depth', () => {
    const d = M.resnet18!.summary.depth;
    expect(parseQuantities(`graph depth is between ${d - 2} and ${d + 2}`).map((c) => `${c.what}${c.cmp}${c.value}`)).toEqual([`depth>=${d - 2}`, `depth<=${d + 2}`]);
  });
  it('answers depth and MACs questions whatever else they name', () => {
    expect(ask('convnext_tiny', 'What are the MACs for one forward pass at the exported input size?').value).toBe(M.convnext_tiny!.summary.macs);
    expect(ask('convnext_tiny', "what's the graph depth").value).toBe(M.convnext_tiny!.summary.depth);
    expect(ask('convnext_tiny', 'whcih norm layers?')).toMatchObject({ kind: 'choice', value: ['layer normalization'] });
  });
});

describe('spelling leaves number words alone', () => {
  it('does not turn "three" into "there"', async () => {
    const { correctSpelling } = await import('../../../src/core/archbert/language/spelling.js');
    expect(correctSpelling('three stacked layers, whcih one')).toBe('three stacked layers, which one');
    // "only 1x1 and 3x3" means both and nothing else: a net with 3x3 kernels only does not fit it.
    expect(ask('resnet18', 'does it only use 3x3 kernels?').value).toBe(false);
  });
});

describe('transformer sizes and roles', () => {
  // ViT-B/16 (Dosovitskiy et al., table 1): 16x16 patches, width 768, MLP 3072, 12 layers, 12 heads; an encoder without a causal mask.
  let vit: AnalyzedModel;
  beforeAll(async () => {
    vit = await analyzeModelFile(`${repoRoot}/fixtures/models/vit_b_16.onnx`);
  });
  const askVit = (q: string) => answerQuestion(q, vit.summary, vit.opGraph, null);
  it('reads the published sizes off the graph', () => {
    expect(askVit('what patch size does it use?').value).toBe('16x16');
    expect(askVit('patch size?').value).toBe('16x16');
    expect(askVit('embedding dimension?').value).toBe(768);
    expect(askVit('what is the hidden size of the MLP?').value).toBe(3072);
    expect(askVit('how many transformer layers/encoder blocks?').value).toBe(12);
    expect(ask('resnet50' in M ? 'resnet50' : 'resnet18', 'patch size?').value).toBe('none');
  });
  it('tells the network kind from "the MLP" inside a sentence, and the role', () => {
    expect(askVit('It uses GELU in the MLP.')).toMatchObject({ kind: 'statement', value: true });
    expect(askVit('is it a transformer?').value).toBe(true);
    expect(askVit('It is an MLP.').value).toBe(false);
    expect(askVit('does it use a causal mask?').value).toBe(false);
    expect(ask('convnext_tiny', 'is it a CNN?').value).toBe(true);
    expect(ask('convnext_tiny', 'how many dense blocks?').value).toBe('');
  });
});

describe('polite wrappers, kernel comparisons, input counts, spelled amounts, modality choices', () => {
  it('answers the embedded question', () => {
    expect(ask('resnet18', 'Could you tell me how many trainable parameters this network has (not counting the batchnorm running stats)?').value).toBe(11689512);
    expect(ask('resnet18', 'do you know which normalization it uses?')).toMatchObject({ kind: 'choice', value: ['batch normalization'] });
    expect(ask('resnet18', 'can you tell me if it uses dropout?')).toMatchObject({ kind: 'yes_no', value: false });
  });
  it('compares kernel sizes by area', () => {
    expect(ask('resnet18', 'are any of the conv kernels bigger than 3x3?').value).toBe(true); // the 7x7 stem
    expect(ask('convnext_tiny', 'all kernels are at most 7x7').value).toBe(true);
    expect(ask('convnext_tiny', 'are any kernels larger than 7x7?').value).toBe(false);
  });
  it('checks a stated number of inputs and amounts said in words', () => {
    expect(ask('resnet18', 'the model takes a single input tensor').value).toBe(true);
    expect(ask('resnet18', 'it has two inputs').value).toBe(false);
    // ResNet-18 at 224x224: 1.82 GMACs (torchvision's 1.81 GFLOPS counts multiply-adds).
    expect(ask('resnet18', 'needs more than a billion MACs per forward pass').value).toBe(true);
    expect(ask('resnet18', 'needs more than half a billion MACs').value).toBe(true);
    expect(parseQuantities('more than half a billion macs').map((c) => c.value)).toEqual([5e8]);
  });
  it('offers the input modality as a choice when the question lists modalities', () => {
    expect(ask('resnet18', 'what sort of data goes in: images, text or audio?')).toMatchObject({ kind: 'choice', value: ['image'] });
  });
  it('reads a kernel list before "patch convs"', () => {
    expect(parseConstraints("doesn't use 16x16 or 32x32 patch convs").map((c) => `${c.kind}:${(c as { key?: string }).key}`)).toEqual(['lacks:kernel:any:16x16', 'lacks:kernel:any:32x32']);
  });
});

describe('exclusive activations, norms and per-kind kernels', () => {
  it('reads "X-only" and "only X" as the graph\'s one activation or norm', () => {
    const has = (t: string) => parseConstraints(t).filter((c) => c.kind === 'has').map((c) => (c as { key: string }).key);
    expect(has('ReLU-only residual net with batchnorm')).toEqual(['only:relu', 'batch_norm']);
    expect(has('uses only layer norm')).toEqual(['only:layer_norm']);
    expect(has('only 3x3 depthwise convs')).toEqual(['kernels-only:depthwise_conv:3x3']);
    expect(parseConstraints('efficientnet with 3x3 depthwise kernels, no 5x5').some((c) => c.kind === 'lacks' && c.key === 'kernel:any:5x5')).toBe(true);
    const s = M.convnext_tiny!.summary;
    const holds = (t: string) => parseConstraints(t).every((c) => satisfies(s, c));
    // ConvNeXt-T: GELU and LayerNorm only; its depthwise convs are all 7x7.
    expect([holds('gelu-only'), holds('relu-only'), holds('uses only layer norm'), holds('only 7x7 depthwise convs'), holds('only 3x3 depthwise convs')]).toEqual([true, false, true, true, false]);
    expect(ask('efficientnet_b0', 'does it only use relu?').value).toBe(false);
  });
});
