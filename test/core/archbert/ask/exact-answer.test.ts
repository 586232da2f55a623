import { beforeAll, describe, expect, it } from 'vitest';
import { exactAnswer } from '../../../../src/core/archbert/ask/exact-answer.js';
import { analyzeModelFile, type AnalyzedModel } from '../../../../src/core/archbert/facts/model-file.js';
import type { Intent } from '../../../../src/core/archbert/language/question.js';
import { repoRoot } from '../../../helpers/cli.js';

describe('exact answers: one function per question kind', () => {
  let m: AnalyzedModel;
  beforeAll(async () => {
    m = await analyzeModelFile(`${repoRoot}/fixtures/models/resnet18.onnx`);
  });

  it('every question kind the parser produces has an answer', () => {
    const intents: Intent[] = [
      { type: 'presence', keys: ['batch_norm'], negated: false, phrase: 'batch norm' },
      { type: 'size_of', what: 'classes' },
      { type: 'params_bound', kind: 'max_params', value: 5e6, text: 'under 5m' },
      { type: 'quantity', constraints: [{ kind: 'quantity', what: 'residual', cmp: '>', value: 4, text: 'more than 4 residual blocks' }] },
      { type: 'modality_is', modality: 'image' },
      { type: 'kernel_cmp', larger: true, size: 9, text: '3x3', all: false },
      { type: 'inputs_are', count: 1 },
      { type: 'task_is', task: 'classification' },
      { type: 'family_is', family: 'resnet' },
      { type: 'kind_is', kind: 'convolutional' },
      { type: 'lightweight' },
      { type: 'which', what: 'norm' },
      { type: 'stem', part: 'all' },
      { type: 'which_of', options: ['relu', 'gelu'], negated: false },
      { type: 'count', what: 'params' },
      { type: 'what', what: 'task' },
      { type: 'causal' },
    ];
    for (const intent of intents) expect(exactAnswer(intent, 'value', m.summary, m.opGraph).answer, intent.type).not.toBe('');
    expect(exactAnswer({ type: 'presence', keys: ['batch_norm'], negated: false, phrase: 'batch norm' }, 'yes_no', m.summary, m.opGraph).value).toBe(true);
    expect(exactAnswer({ type: 'quantity', constraints: [{ kind: 'quantity', what: 'residual', cmp: '=', value: 8, text: '8 residual blocks' }] }, 'statement', m.summary, m.opGraph).value).toBe(true);
  });

  it('a kind no function answers gets the empty answer, not a method of Object.prototype', () => {
    for (const type of ['constructor', 'toString', '__proto__', 'nothing']) {
      expect(exactAnswer({ type } as unknown as Intent, 'value', m.summary, m.opGraph)).toEqual({ answer: '', value: '', evidence: [] });
    }
  });
});
