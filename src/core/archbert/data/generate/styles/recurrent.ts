/**
 * Recurrent text classifiers: an embedding, 1–4 LSTM, GRU or plain RNN layers
 * (optionally bidirectional), the last state or a reduction over time, and a
 * linear classifier.
 */
import type { Rng } from '../../rng.js';
import type { GeneratedArch } from '../generated-arch.js';
import { GraphBuilder } from '../graph-builder.js';

export function recurrentNetwork(rng: Rng, seed: number): GeneratedArch {
  const b = new GraphBuilder();
  const kind = rng.pick(['lstm', 'lstm', 'gru', 'gru', 'rnn'] as const);
  const d = rng.pick([32, 64, 100, 128, 256, 300]);
  const t = rng.pick([16, 32, 64, 128, 256]);
  const vocab = rng.pick([1000, 5000, 10000, 20000, 30000]);
  const layers = rng.int(1, 4);
  const hidden = rng.pick([32, 64, 128, 256, 512]);
  const bidir = rng.chance(0.5);
  const classes = rng.pick([2, 4, 5, 10, 20]);
  let x = b.markInput(b.embedding(vocab, d, t));
  if (rng.chance(0.4)) x = b.simple('dropout', x);
  for (let l = 0; l < layers; l++) {
    x = b.recurrent(x, kind, hidden, bidir);
    if (l < layers - 1 && rng.chance(0.3)) x = b.simple('dropout', x);
  }
  const { d: hd } = b.seq(x);
  const pool = rng.pick(['last', 'mean', 'max'] as const);
  let y =
    pool === 'last'
      ? b.simple('gather', x, { kind: 'seq', t: 1, d: hd })
      : b.simple('reduce', x, { kind: 'seq', t: 1, d: hd });
  const act = rng.pick(['relu', 'tanh', 'relu']);
  if (rng.chance(0.4)) y = b.act(b.linear(y, rng.pick([64, 128])), act);
  const out = b.linear(y, classes);
  const final = rng.chance(0.3) ? b.act(out, classes === 2 && rng.chance(0.5) ? 'sigmoid' : 'softmax') : out;
  return {
    id: `gen-recurrent-${seed}`,
    name: `autonet_${kind}_${seed}`,
    seed,
    graph: b.build([final]),
    meta: {
      style: 'recurrent',
      task: 'classification',
      modality: 'text',
      input: [1, t],
      numClasses: classes,
      cells: layers,
      reductionCells: 0,
      cellOps: [],
      blockKind: `${bidir ? 'bidirectional ' : ''}${kind}`,
      activation: act,
      norm: null,
      width: hidden,
      // "max over time", not "max pooling": the op is a reduction, and captions must name graph ops truthfully.
      head: `${pool === 'last' ? 'the last hidden state' : `the ${pool} over time`} then a linear classifier`,
    },
  };
}
