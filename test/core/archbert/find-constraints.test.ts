import { beforeAll, describe, expect, it } from 'vitest';
import { rankCandidates, whyString, type Candidate } from '../../../src/core/archbert/find.js';
import { parseConstraints } from '../../../src/core/archbert/language/constraints.js';
import { satisfies } from '../../../src/core/archbert/language/constraint-check.js';
import { analyzeModelFile, type AnalyzedModel } from '../../../src/core/archbert/facts/model-file.js';
import { repoRoot } from '../../helpers/cli.js';

const kinds = (q: string) =>
  parseConstraints(q).map((c) =>
    'key' in c ? `${c.kind}:${c.key}` : 'keys' in c ? `${c.kind}:${c.keys.join('|')}` : c.kind === 'task' ? `task:${c.task}` : c.kind === 'modality' ? `modality:${c.modality}` : c.kind === 'family' ? `family:${c.family}` : `${c.kind}:${c.value}`,
  );

describe('query constraints', () => {
  it('parameter bounds need a unit or the word parameters', () => {
    expect(kinds('a small cnn under 5M parameters')).toEqual(['max_params:5000000']);
    expect(kinds('fewer than 500k weights please')).toEqual(['max_params:500000']);
    expect(kinds('something with more than 1.5 billion params')).toEqual(['min_params:1500000000']);
    expect(kinds('at least 20 million parameters')).toEqual(['min_params:20000000']);
    expect(kinds('10M parameters or less')).toEqual(['max_params:10000000']);
    // A bound on the layer count (quantity.ts), not on the parameters.
    expect(kinds('under 3 layers')).toEqual(['quantity:3']);
    expect(kinds('under 20 MB')).toEqual([]);
  });

  it('presence and absence keep their scope across lists', () => {
    expect(kinds('a vision model without attention')).toEqual(['lacks:attention', 'modality:image']);
    expect(kinds('with batch norm and relu but no dropout')).toEqual(['has:batch_norm', 'has:relu', 'lacks:dropout']);
    expect(kinds('no attention or layer normalisation')).toEqual(['lacks:attention', 'lacks:layer_norm']);
    expect(kinds('network using depthwise convolutions')).toEqual(['has:depthwise_conv']);
    // a bare mention is left to the learned similarity
    expect(kinds('depthwise convolutions')).toEqual([]);
  });

  it('a recurrent net named as the noun is required, unless it is what the query compares against', () => {
    expect(kinds('an RNN that also has an attention mechanism')).toEqual(['has:recurrent', 'has:attention']);
    expect(kinds('an LSTM')).toEqual(['has:lstm']);
    expect(kinds('a vanilla RNN')).toEqual(['has:rnn']);
    expect(kinds('a recurrent network for text')).toEqual(['has:recurrent', 'modality:text']);
    expect(kinds('not an RNN')).toEqual(['lacks:recurrent']);
    expect(kinds('a transformer instead of an RNN')).toEqual([]);
    // "recurrence" is not the noun of the network
    expect(kinds('a transformer that replaces recurrence with attention')).toEqual(['has:attention']);
  });

  it('features joined by "or" ask for one of them, "and" for all', () => {
    expect(kinds('LSTM or GRU text model')).toEqual(['has_any:lstm|gru', 'modality:text']);
    expect(kinds('with batch norm or layer norm')).toEqual(['has_any:batch_norm|layer_norm']);
    expect(kinds('uses swish, gelu or relu')).toEqual(['has_any:silu|gelu|relu']);
    expect(kinds('with relu, batchnorm and dropout')).toEqual(['has:relu', 'has:batch_norm', 'has:dropout']);
    // absences joined by "or": neither is wanted
    expect(kinds('without dropout or attention')).toEqual(['lacks:dropout', 'lacks:attention']);
    expect(kinds('with se blocks or depthwise convs, without attention')).toEqual(['has_any:squeeze_excitation|depthwise_conv', 'lacks:attention']);
  });

  it('tasks', () => {
    expect(kinds('an object detector')).toEqual(['task:detection']);
    expect(kinds('something for semantic segmentation')).toEqual(['task:segmentation']);
    expect(kinds('image classifier under 5m parameters without attention')).toEqual(['max_params:5000000', 'lacks:attention', 'task:classification', 'modality:image']);
    expect(kinds('a sentiment model built from GRUs')).toEqual(['has:gru', 'modality:text']);
    expect(kinds('seq-to-seq model fed with source and target token ids')).toEqual(['task:seq2seq', 'modality:text']);
    expect(kinds('a sequence to sequence network')).toEqual(['task:seq2seq']);
    expect(kinds('a small ConvNeXt')).toEqual(['family:convnext']);
  });
});

describe('constraints against real facts', () => {
  let convnext: AnalyzedModel;
  let mobilenet: AnalyzedModel;
  let vit: AnalyzedModel;
  beforeAll(async () => {
    convnext = await analyzeModelFile(`${repoRoot}/fixtures/models/convnext_tiny.onnx`);
    mobilenet = await analyzeModelFile(`${repoRoot}/fixtures/models/mobilenet_v2.onnx`);
    vit = await analyzeModelFile(`${repoRoot}/fixtures/models/vit_b_16.onnx`);
  });

  it('checks each constraint kind', () => {
    const [under5m] = parseConstraints('under 5M parameters');
    expect(satisfies(mobilenet.summary, under5m!)).toBe(true); // 3.5M (published 3.4M + BN buffers)
    expect(satisfies(convnext.summary, under5m!)).toBe(false); // 28.6M
    const [noAttn] = parseConstraints('without attention');
    expect(satisfies(convnext.summary, noAttn!)).toBe(true);
    expect(satisfies(vit.summary, noAttn!)).toBe(false);
    const [ln] = parseConstraints('with layer norm');
    expect(satisfies(convnext.summary, ln!)).toBe(true);
    expect(satisfies(mobilenet.summary, ln!)).toBe(false);
  });

  it('constraint-satisfying models rank first whatever their learned score', () => {
    const cands: Candidate[] = [
      { file: 'vit.onnx', name: 'vit', summary: vit.summary, score: 0.9 },
      { file: 'convnext.onnx', name: 'convnext', summary: convnext.summary, score: 0.5 },
      { file: 'mobilenet.onnx', name: 'mobilenet', summary: mobilenet.summary, score: 0.1 },
    ];
    const q = 'image classifier under 5M parameters without attention';
    const r = rankCandidates(q, cands, parseConstraints(q), 3);
    expect(r.map((x) => x.name)).toEqual(['mobilenet', 'vit', 'convnext']);
    expect(r[0]!.why).toMatch(/3\.5m params meets "under 5m parameters"/);
    expect(r[0]!.why).toMatch(/no attention/);
    // without constraints: the learned order
    expect(rankCandidates(q, cands, [], 3, { exact: false }).map((x) => x.name)).toEqual(['vit', 'convnext', 'mobilenet']);
  });

  it('a larger share of named features confirmed by the facts ranks first, then the learned score', () => {
    const cands: Candidate[] = [
      { file: 'vit.onnx', name: 'vit', summary: vit.summary, score: 0.52 },
      { file: 'convnext.onnx', name: 'convnext', summary: convnext.summary, score: 0.5 },
    ];
    // convnext has both layer norm and depthwise conv (share 1), ViT only layer norm (0.5): the order flips; scores stay the cosine
    const r = rankCandidates('layer norm and depthwise convolutions', cands, [], 2);
    expect(r.map((x) => [x.name, x.score])).toEqual([['convnext', 0.5], ['vit', 0.52]]);
    expect(rankCandidates('layer norm and depthwise convolutions', cands, [], 2, { exact: false }).map((x) => x.name)).toEqual(['vit', 'convnext']);
  });

  it('a choice of features holds when one is there', () => {
    const [eitherNorm] = parseConstraints('with batch norm or layer norm');
    expect(eitherNorm!.kind).toBe('has_any');
    expect([convnext, mobilenet, vit].map((m) => satisfies(m.summary, eitherNorm!))).toEqual([true, true, true]);
    const [bothNorms, bnToo] = parseConstraints('with batch norm and layer norm');
    expect([convnext, mobilenet, vit].map((m) => satisfies(m.summary, bothNorms!) && satisfies(m.summary, bnToo!))).toEqual([false, false, false]);
    const [actChoice] = parseConstraints('uses gelu or swish');
    expect([convnext, mobilenet, vit].map((m) => satisfies(m.summary, actChoice!))).toEqual([true, false, true]);
    expect(whyString(mobilenet.summary, 'uses gelu or swish', [actChoice!])).toMatch(/no gelu or silu/);
    expect(whyString(vit.summary, 'uses gelu or swish', [actChoice!])).toMatch(/has gelu/);
  });

  it('why names what the facts show for the features a query mentions', () => {
    expect(whyString(convnext.summary, 'depthwise convolutions and layer norm', [])).toMatch(/has depthwise conv; has layer norm/);
  });
});

describe('family words', () => {
  it('reads family names said by their key idea and the rules\' -like names', async () => {
    const { familyAgrees } = await import('../../../src/core/archbert/language/constraint-check.js');
    const { familyMention } = await import('../../../src/core/archbert/language/families.js');
    expect([familyMention('a mixer model'), familyMention('a densely connected CNN'), familyMention('grouped convs and channel shuffle')]).toEqual(['mlpmixer', 'densenet', 'shufflenetv2']);
    const like = (k: string) => ({ familyKey: k }) as Parameters<typeof familyAgrees>[0];
    expect([familyAgrees(like('bertlike'), 'bert'), familyAgrees(like('gptlike'), 'gpt'), familyAgrees(like('gptlike'), 'bert')]).toEqual([true, true, false]);
  });
});

describe('query forms from nl-eval set 8', () => {
  it('reads "50M+ params" as a lower bound and "w/" as "with"', () => {
    expect(kinds('need a CNN classifier w/ only 1x1 and 3x3 kernels, batchnorm, 50M+ params')).toEqual([
      'min_params:50000000', 'has:kernels-only:any:1x1,3x3', 'has:batch_norm', 'task:classification',
    ]);
    expect(kinds('w/o attention')).toEqual(['lacks:attention']);
  });
});
