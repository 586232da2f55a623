/**
 * Recurrent text models: an embedding, 1–4 LSTM, GRU or plain RNN layers, then
 * either a classifier (optionally bidirectional layers; the last state or a
 * reduction over time, and a linear layer) or, for a language model, a linear
 * layer scoring the whole vocabulary at every position (unidirectional, as a
 * next-token predictor must be; the word-level LSTM/GRU LMs of Zaremba et al.).
 */
import type { Rng } from '../../rng.js';
import type { GeneratedArch } from '../generated-arch.js';
import { GraphBuilder } from '../graph-builder.js';

export function recurrentNetwork(rng: Rng, seed: number): GeneratedArch {
  const b = new GraphBuilder();
  const kind = rng.pick(['lstm', 'lstm', 'gru', 'gru', 'rnn'] as const);
  const languageModel = rng.chance(0.3);
  const d = rng.pick([32, 64, 100, 128, 200, 256, 300, 650]);
  const t = rng.pick([16, 32, 35, 64, 128, 256]);
  const vocab = rng.pick([1000, 5000, 10000, 20000, 30000]);
  const layers = rng.int(1, 4);
  const hidden = languageModel ? d : rng.pick([32, 64, 128, 256, 512]);
  const bidir = !languageModel && rng.chance(0.5);
  const classes = languageModel ? vocab : rng.pick([2, 4, 5, 10, 20]);
  let x = b.markInput(b.embedding(vocab, d, t));
  if (rng.chance(languageModel ? 0.7 : 0.4)) x = b.simple('dropout', x);
  for (let l = 0; l < layers; l++) {
    x = b.recurrent(x, kind, hidden, bidir);
    if ((l < layers - 1 || languageModel) && rng.chance(0.3)) x = b.simple('dropout', x);
  }
  const { d: hd } = b.seq(x);
  const pool = rng.pick(['last', 'mean', 'max'] as const);
  const act = rng.pick(['relu', 'tanh', 'relu']);
  let final: number;
  if (languageModel) {
    final = b.linear(x, vocab);
  } else {
    let y =
      pool === 'last'
        ? b.simple('gather', x, { kind: 'seq', t: 1, d: hd })
        : b.simple('reduce', x, { kind: 'seq', t: 1, d: hd });
    if (rng.chance(0.4)) y = b.act(b.linear(y, rng.pick([64, 128])), act);
    const out = b.linear(y, classes);
    final = rng.chance(0.3) ? b.act(out, classes === 2 && rng.chance(0.5) ? 'sigmoid' : 'softmax') : out;
  }
  return {
    id: `gen-recurrent-${seed}`,
    name: `autonet_${kind}_${seed}`,
    seed,
    graph: b.build([final]),
    meta: {
      style: 'recurrent',
      task: languageModel ? 'generation' : 'classification',
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
      head: languageModel ? 'a linear layer scoring the vocabulary at every position' : `${pool === 'last' ? 'the last hidden state' : `the ${pool} over time`} then a linear classifier`,
    },
  };
}
