/**
 * MLP-Mixers (Tolstikhin et al., 2021): a patch embedding, then layers of a
 * token-mixing MLP (applied across the patches: transpose, MLP over the token
 * axis, transpose back) and a channel-mixing MLP (per patch, across
 * channels), each pre-normed with a residual; mean over tokens, classifier.
 */
import type { Rng } from '../../rng.js';
import type { GeneratedArch } from '../generated-arch.js';
import { GraphBuilder } from '../graph-builder.js';

export function mlpMixerNetwork(rng: Rng, seed: number): GeneratedArch {
  const b = new GraphBuilder();
  const res = rng.pick([32, 64, 224, 224]);
  const patch = res === 32 ? rng.pick([4, 8]) : res === 64 ? rng.pick([8, 16]) : rng.pick([16, 32]);
  const d = rng.pick([64, 128, 256, 512, 768]);
  const act = rng.pick(['gelu', 'gelu', 'gelu', 'relu', 'silu']);
  const norm = rng.chance(0.85) ? 'layer_norm' : 'batch_norm';
  const classes = res === 224 ? rng.pick([100, 1000]) : rng.pick([10, 100, 200]);
  const grid = Math.floor(res / patch);
  const t = grid * grid;
  const tokenHidden = Math.max(16, t * rng.pick([1, 2, 4]));
  const channelHidden = d * rng.pick([2, 4]);
  const depth = rng.int(2, 12);
  let x = b.markInput(b.conv(-1, d, patch, { fromInput: { kind: 'image', c: 3, h: res, w: res }, stride: patch, bias: true }));
  x = b.toTokens(x);
  for (let l = 0; l < depth; l++) {
    // token mixing: [T, D] → [D, T], an MLP over T, back to [T, D]
    const across = b.simple('transpose', b.norm(x, norm), { kind: 'seq', t: d, d: t });
    const mixed = b.linear(b.act(b.linear(across, tokenHidden), act), t);
    x = b.elementwise('add', x, b.simple('transpose', mixed, { kind: 'seq', t, d }));
    // channel mixing: an MLP over D for each token
    x = b.elementwise('add', x, b.linear(b.act(b.linear(b.norm(x, norm), channelHidden), act), d));
  }
  x = b.norm(x, norm);
  const out = b.linear(b.simple('reduce', x, { kind: 'seq', t: 1, d }), classes);
  return {
    id: `gen-mixer-${seed}`,
    name: `autonet_mixer_${seed}`,
    seed,
    graph: b.build([out]),
    meta: {
      style: 'mixer',
      task: 'classification',
      modality: 'image',
      input: [1, 3, res, res],
      numClasses: classes,
      cells: depth,
      reductionCells: 0,
      cellOps: [],
      blockKind: 'mixer',
      activation: act,
      norm,
      width: d,
      head: `a ${patch}x${patch} patch embedding; the mean over tokens then a linear classifier`,
    },
  };
}
