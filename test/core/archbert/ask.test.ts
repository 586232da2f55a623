import { beforeAll, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../../src/core/archbert/ask.js';
import { parseQuestion, sentenceKind } from '../../../src/core/archbert/language/question.js';
import { analyzeModelFile, type AnalyzedModel } from '../../../src/core/archbert/facts/model-file.js';
import { repoRoot } from '../../helpers/cli.js';

describe('question understanding (rules)', () => {
  it('tells yes/no questions, wh-questions and statements apart', () => {
    expect(sentenceKind('does it use depthwise convolutions?')).toBe('yes_no');
    expect(sentenceKind('is there any batch norm')).toBe('yes_no');
    expect(sentenceKind('which normalisation layers does it use?')).toBe('wh');
    expect(sentenceKind('how many parameters?')).toBe('wh');
    expect(sentenceKind('this model uses attention')).toBe('statement');
    expect(sentenceKind('It has more than 10M parameters.')).toBe('statement');
  });

  it('parses intents', () => {
    expect(parseQuestion('does it use depthwise convolutions?')).toMatchObject({ kind: 'yes_no', intent: { type: 'presence', keys: ['depthwise_conv'], negated: false } });
    expect(parseQuestion('which normalisation layers does it use?')).toMatchObject({ kind: 'choice', intent: { type: 'which', what: 'norm' } });
    expect(parseQuestion('what task is it for?')).toMatchObject({ kind: 'value', intent: { type: 'what', what: 'task' } });
    expect(parseQuestion('this model uses attention')).toMatchObject({ kind: 'statement', intent: { type: 'presence', keys: ['attention'] } });
    expect(parseQuestion('this network has no batch norm')).toMatchObject({ kind: 'statement', intent: { type: 'presence', keys: ['batch_norm'], negated: true } });
    expect(parseQuestion('is it under 5M params?')).toMatchObject({ kind: 'yes_no', intent: { type: 'params_bound', kind: 'max_params', value: 5e6 } });
    expect(parseQuestion('how many parameters does it have?')).toMatchObject({ kind: 'value', intent: { type: 'count', what: 'params' } });
    expect(parseQuestion('which of these does it use: relu, gelu, silu?')).toMatchObject({ kind: 'choice', intent: { type: 'which_of', options: ['relu', 'gelu', 'silu'], negated: false } });
    expect(parseQuestion('is this a detection model?')).toMatchObject({ kind: 'yes_no', intent: { type: 'task_is', task: 'detection' } });
    expect(parseQuestion('is it a resnet?')).toMatchObject({ kind: 'yes_no', intent: { type: 'family_is', family: 'resnet' } });
  });
});

describe('answers from the facts', () => {
  let convnext: AnalyzedModel;
  let resnet: AnalyzedModel;
  beforeAll(async () => {
    convnext = await analyzeModelFile(`${repoRoot}/fixtures/models/convnext_tiny.onnx`);
    resnet = await analyzeModelFile(`${repoRoot}/fixtures/models/resnet18.onnx`);
  });

  it('yes/no with evidence nodes from the graph', () => {
    const a = answerQuestion('does it use depthwise convolutions?', convnext.summary, convnext.opGraph, null);
    expect(a).toMatchObject({ kind: 'yes_no', value: true, confidence: 1 });
    expect(a.answer).toMatch(/^Yes/);
    expect(a.evidence.length).toBeGreaterThan(0);
    const ids = new Set(convnext.opGraph.nodes.flatMap((n) => n.sources));
    for (const e of a.evidence) {
      expect(e.op).toBe('depthwise_conv');
      expect(ids.has(e.node)).toBe(true);
    }
    const b = answerQuestion('does it use depthwise convolutions?', resnet.summary, resnet.opGraph, null);
    expect(b.answer).toMatch(/^No/);
    expect(b.value).toBe(false);
  });

  it('choice, value and statements', () => {
    expect(answerQuestion('which normalisation layers does it use?', convnext.summary, convnext.opGraph, null).value).toEqual(['layer normalization']);
    expect(answerQuestion('which normalization does resnet use?', resnet.summary, resnet.opGraph, null).value).toEqual(['batch normalization']);
    expect(answerQuestion('how many parameters does it have?', resnet.summary, resnet.opGraph, null).value).toBe(resnet.facts.params.total);
    expect(answerQuestion('this model uses attention', convnext.summary, convnext.opGraph, null)).toMatchObject({ kind: 'statement', value: false });
    expect(answerQuestion('It has more than 10M parameters.', resnet.summary, resnet.opGraph, null)).toMatchObject({ value: true }); // 11.7M
    expect(answerQuestion('which of these does it use: relu, gelu, silu?', convnext.summary, convnext.opGraph, null).value).toEqual(['gelu']);
  });

  it('when the learned heads contradict the facts, the facts win and the answer says so', () => {
    const a = answerQuestion('this model uses attention', convnext.summary, convnext.opGraph, { qa: [{ answer: 'yes', prob: 0.9 }], statementProb: 0.93 });
    expect(a.value).toBe(false);
    expect(a.answer).toMatch(/^False/);
    expect(a.answer).toMatch(/learned model said true.*facts win/);
    const b = answerQuestion('which normalisation layers does it use?', convnext.summary, convnext.opGraph, { qa: [{ answer: 'batch normalization', prob: 0.8 }], statementProb: null });
    expect(b.value).toEqual(['layer normalization']);
    expect(b.answer).toMatch(/learned model said batch normalization.*facts win/);
    const c = answerQuestion('which normalisation layers does it use?', convnext.summary, convnext.opGraph, { qa: [{ answer: 'layer normalization', prob: 0.8 }], statementProb: null });
    expect(c.answer).not.toMatch(/learned/);
    // a head that answered another kind of question (yes/no, a kernel size) misread it: no disagreement is reported
    for (const wrongKind of ['no', '3x3']) {
      const d = answerQuestion('which normalisation layers does it use?', convnext.summary, convnext.opGraph, { qa: [{ answer: wrongKind, prob: 0.8 }], statementProb: null });
      expect(d.value).toEqual(['layer normalization']);
      expect(d.answer, wrongKind).not.toMatch(/learned/);
    }
  });

  it('a question the rules miss is understood from the learned answer, answered from the facts', () => {
    const a = answerQuestion('tell me its heft', resnet.summary, resnet.opGraph, { qa: [{ answer: '5m to 25m', prob: 0.7 }], statementProb: null });
    expect(a.value).toBe(resnet.facts.params.total);
    expect(a.answer).toMatch(/understood from the learned model/);
  });
});
