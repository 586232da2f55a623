import { describe, expect, it } from 'vitest';
import { parseConstraints } from '../../../../src/core/archbert/language/constraints.js';
import { familyAgrees } from '../../../../src/core/archbert/language/constraint-check.js';
import { familyMention } from '../../../../src/core/archbert/language/families.js';

const kinds = (q: string) =>
  parseConstraints(q).map((c) =>
    'key' in c ? `${c.kind}:${c.key}` : 'keys' in c ? `${c.kind}:${c.keys.join('|')}` : c.kind === 'task' ? `task:${c.task}` : c.kind === 'modality' ? `modality:${c.modality}` : c.kind === 'family' ? `family:${c.family}` : c.kind === 'input_size' ? `input:${c.height}x${c.width}` : `${c.kind}:${c.value}`,
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

describe('family words', () => {
  it('reads family names said by their key idea and the rules\' -like names', () => {
    expect([familyMention('a mixer model'), familyMention('a densely connected CNN'), familyMention('grouped convs and channel shuffle')]).toEqual(['mlpmixer', 'densenet', 'shufflenetv2']);
    const like = (k: string) => ({ familyKey: k }) as Parameters<typeof familyAgrees>[0];
    expect([familyAgrees(like('bertlike'), 'bert'), familyAgrees(like('gptlike'), 'gpt'), familyAgrees(like('gptlike'), 'bert')]).toEqual([true, true, false]);
  });
});

describe('input resolution', () => {
  it('reads a stated input size, never a kernel or patch size', () => {
    expect(kinds('GELU image model at 224x224 input')).toContain('input:224x224');
    expect(kinds('a classifier for 299 x 299 images')).toContain('input:299x299');
    expect(kinds('input resolution 384x384, no attention')).toContain('input:384x384');
    expect(kinds('16x16 patches and 7x7 kernels').filter((k) => k.startsWith('input:'))).toEqual([]);
  });
});
