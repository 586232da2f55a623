/**
 * activations.ts: fused recurrent ops list the activations their gates apply
 * (ONNX defaults, or their `activations` attribute); other models list only
 * their own activation ops.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listActivations, recurrentGateActivations } from '../../../src/core/graph/activations.js';
import { describeFacts } from '../../../src/core/graph/analyze.js';
import type { ArchNode } from '../../../src/core/graph/types.js';
import { repoRoot } from '../../helpers/cli.js';

const ref = (f: string) => describeFacts(join(repoRoot, 'fixtures', 'reference', f));
const cell = (op: string, attrs: ArchNode['attrs'] = {}): ArchNode => ({ id: op, op, sourceOp: op, attrs, inputs: [], outputs: [], params: [] });

describe('recurrent gate activations', () => {
  it('a GRU language model lists sigmoid and tanh (fused ONNX GRU, default activations)', async () => {
    const f = await ref('gru_language_model.onnx');
    expect(f.ops.gru).toBeGreaterThan(0);
    expect(f.activations).toEqual(['sigmoid', 'tanh']);
  });
  it('a BiLSTM text classifier lists sigmoid and tanh', async () => {
    const f = await ref('bilstm_text_classifier.onnx');
    expect(f.ops.lstm).toBeGreaterThan(0);
    expect(f.activations).toEqual(['sigmoid', 'tanh']);
  });
  it("a Keras / TF.js recurrent layer's own gate functions reach the fact (tfjs-layers defaults to hard_sigmoid gates)", async () => {
    // fixtures/graphs/tfjs_rnn.json: a Bidirectional LSTM and a GRU with recurrent_activation "hard_sigmoid", a SimpleRNN with tanh;
    // the Dense layers add tanh and softmax.
    const f = await describeFacts(join(repoRoot, 'fixtures', 'graphs', 'tfjs_rnn.json'));
    expect(f.activations).toContain('hard_sigmoid');
    expect(f.activations).not.toContain('sigmoid');
    expect(f.activations).toContain('tanh');
  });
  it('a CNN without recurrent ops gets no gate activations (AlexNet: relu only)', async () => {
    expect((await ref('alexnet.onnx')).activations).toEqual(['relu']);
  });
  it('an explicit activations attribute wins over the defaults; RNN defaults to tanh', () => {
    expect(recurrentGateActivations([cell('LSTM', { activations: ['HardSigmoid', 'Relu', 'Relu'] })]).sort()).toEqual(['hard_sigmoid', 'relu']);
    expect(recurrentGateActivations([cell('RNN')])).toEqual(['tanh']);
    expect(recurrentGateActivations([cell('Conv'), cell('Relu')])).toEqual([]);
  });
  it('an OpGraph built directly (no source attributes) takes the defaults per recurrent category', () => {
    expect(listActivations({ lstm: 1, linear: 1 })).toEqual(['sigmoid', 'tanh']);
    expect(listActivations({ rnn: 1, relu: 2 })).toEqual(['relu', 'tanh']);
    expect(listActivations({ conv: 3, relu: 3 })).toEqual(['relu']);
    // source attributes given: only those
    expect(listActivations({ lstm: 1 }, ['relu'])).toEqual(['relu']);
  });
});
