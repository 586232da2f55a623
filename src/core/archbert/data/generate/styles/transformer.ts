/**
 * Text transformers: token and position embeddings, then pre- or post-norm
 * layers of self-attention and a two-layer MLP; encoders end in a pooled
 * classifier, causal decoders mostly in a language-modelling head.
 */
import type { Rng } from '../../rng.js';
import { selfAttentionSeq } from '../blocks.js';
import type { GeneratedArch } from '../generated-arch.js';
import { GraphBuilder } from '../graph-builder.js';

export function transformerNetwork(rng: Rng, seed: number): GeneratedArch {
  const b = new GraphBuilder();
  const d = rng.pick([64, 128, 192, 256, 384, 512, 768]);
  const t = rng.pick([32, 64, 128, 256, 512]);
  const vocab = rng.pick([1000, 5000, 8000, 16000, 30000, 50000]);
  const layers = rng.int(2, 12);
  const act = rng.pick(['gelu', 'gelu', 'relu', 'silu']);
  const norm = rng.chance(0.85) ? 'layer_norm' : 'rms_norm';
  const preNorm = rng.chance(0.6);
  const causal = rng.chance(0.35);
  const generative = causal && rng.chance(0.7);
  const ff = d * rng.pick([2, 4]);
  // A gated feed-forward (GLU family: SwiGLU, GEGLU): one projection to 2·ff split in halves, one gating the other.
  const gate = rng.chance(0.3) ? rng.pick(['silu', 'gelu', 'sigmoid']) : null;
  const feedForward = (f0: number): number => {
    if (!gate) return b.linear(b.act(b.linear(f0, ff), act), d);
    const halves = b.simple('split', b.linear(f0, 2 * ff), { kind: 'seq', t, d: ff });
    return b.linear(b.simple('mul', [halves, b.act(halves, gate)], { kind: 'seq', t, d: ff }), d);
  };
  let x = b.markInput(b.embedding(vocab, d, t));
  const pos = b.embedding(t, d, t);
  x = b.elementwise('add', x, pos);
  if (rng.chance(0.5)) x = b.simple('dropout', x);
  for (let l = 0; l < layers; l++) {
    const a0 = preNorm ? b.norm(x, norm) : x;
    const attn = selfAttentionSeq(b, a0, rng, causal);
    x = b.elementwise('add', x, attn);
    if (!preNorm) x = b.norm(x, norm);
    const f0 = preNorm ? b.norm(x, norm) : x;
    const f = feedForward(f0);
    x = b.elementwise('add', x, f);
    if (!preNorm) x = b.norm(x, norm);
  }
  if (preNorm) x = b.norm(x, norm);
  let out: number;
  let headKind: string;
  const classes = generative ? vocab : rng.pick([2, 3, 5, 20]);
  if (generative) {
    out = b.linear(x, vocab, false);
    headKind = 'a language-modelling head over the vocabulary';
  } else {
    const pooled = rng.chance(0.5) ? b.simple('reduce', x, { kind: 'seq', t: 1, d }) : b.simple('gather', x, { kind: 'seq', t: 1, d });
    out = b.linear(pooled, classes);
    headKind = b.nodes[pooled]!.category === 'reduce' ? 'mean pooling then a linear classifier' : 'the first token then a linear classifier';
  }
  return {
    id: `gen-transformer-${seed}`,
    name: `autonet_transformer_${seed}`,
    seed,
    graph: b.build([out]),
    meta: {
      style: 'transformer',
      task: generative ? 'generation' : 'classification',
      modality: 'text',
      input: [1, t],
      numClasses: classes,
      cells: layers,
      reductionCells: 0,
      cellOps: [],
      blockKind: causal ? 'decoder' : 'encoder',
      activation: gate ?? act,
      norm,
      width: d,
      head: headKind,
    },
  };
}
