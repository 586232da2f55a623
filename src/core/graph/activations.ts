/**
 * The `activations` fact: every activation function the model applies, in
 * categories.ts order. Standalone activation ops count directly; a fused
 * recurrent op (ONNX LSTM / GRU / RNN) applies its gate and cell functions
 * inside itself, so they are read from its `activations` attribute, or the
 * ONNX defaults when absent (LSTM: f = Sigmoid, g = Tanh, h = Tanh; GRU:
 * f = Sigmoid, g = Tanh; RNN: Tanh). Recurrent cells unrolled op by op
 * already show their Sigmoid / Tanh ops.
 */
import type { ArchNode } from './types.js';
import { ACTIVATIONS } from './categories.js';
import { table } from './formats/table.js';

/** ONNX recurrent activation names → our categories (Affine and ThresholdedRelu have none). */
const RECURRENT_ACTIVATION: Record<string, string> = table({
  relu: 'relu',
  tanh: 'tanh',
  scaledtanh: 'tanh',
  sigmoid: 'sigmoid',
  hardsigmoid: 'hard_sigmoid',
  leakyrelu: 'leaky_relu',
  elu: 'elu',
  softsign: 'softsign',
  softplus: 'softplus',
});

/** The ONNX defaults per recurrent category, for nodes without an `activations` attribute. */
const DEFAULT_GATES: Record<string, string[]> = table({ lstm: ['sigmoid', 'tanh'], gru: ['sigmoid', 'tanh'], rnn: ['tanh'] });
const CELL_OPS: Record<string, string> = table({ LSTM: 'lstm', GRU: 'gru', RNN: 'rnn' });

/** Gate/cell activations of the fused recurrent ops in a source graph (and its subgraphs), as categories. */
export function recurrentGateActivations(nodes: ArchNode[]): string[] {
  const out = new Set<string>();
  const visit = (ns: ArchNode[]) => {
    for (const n of ns) {
      const cell = CELL_OPS[n.op];
      if (cell) {
        const named = Array.isArray(n.attrs.activations) ? n.attrs.activations.filter((a): a is string => typeof a === 'string') : [];
        for (const a of named.length ? named.map((x) => RECURRENT_ACTIVATION[x.toLowerCase()]) : DEFAULT_GATES[cell]!) if (a) out.add(a);
      }
      for (const g of n.subgraphs ?? []) visit(g.nodes);
    }
  };
  visit(nodes);
  return [...out];
}

/**
 * Activations present, in categories.ts order. `recurrent` are the gate
 * activations read from the source graph; without it (an OpGraph built
 * directly, e.g. a generated architecture) each recurrent category present
 * adds its ONNX defaults.
 */
export function listActivations(ops: Record<string, number>, recurrent?: string[]): string[] {
  const present = new Set<string>(Object.keys(ops).filter((k) => (ops[k] ?? 0) > 0));
  const gates = recurrent ?? Object.keys(DEFAULT_GATES).filter((c) => present.has(c)).flatMap((c) => DEFAULT_GATES[c]!);
  for (const a of gates) present.add(a);
  return ACTIVATIONS.filter((a) => present.has(a));
}
