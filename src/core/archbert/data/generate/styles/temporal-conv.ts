/**
 * Temporal convolutional networks over 1-D signals [C, L], whose convs are
 * causal (each step sees only the past: the input is padded on the left by
 * (k−1)·d, then a valid conv) and dilated 1, 2, 4, … so the receptive field
 * grows exponentially:
 * - WaveNet (van den Oord et al., 2016): gated activation units tanh ⊙ σ over
 *   the two halves of a dilated conv, 1x1 residual and skip convs, the skips
 *   summed into a head that predicts a distribution per time step;
 * - TCN (Bai et al., 2018): residual blocks of two dilated causal convs with
 *   ReLU (or gated linear units, as in gated convolutional networks) and a
 *   classifier on the last time step.
 */
import type { Rng } from '../../rng.js';
import type { GeneratedArch } from '../generated-arch.js';
import { GraphBuilder } from '../graph-builder.js';

/** A causal conv: left pad by (k−1)·d, then a valid k-tap conv with dilation d (length kept). */
function causalConv(b: GraphBuilder, x: number, out: number, k: number, d: number): number {
  const s = b.img(x);
  const padded = b.simple('pad', x, { kind: 'image', c: s.c, h: s.h + (k - 1) * d, w: 1 });
  return b.conv(padded, out, [k, 1], { dilation: d, valid: true, bias: true });
}

/** The first op reads the input: a pad in front of a causal conv, as exported (the pad is the graph's input node). */
function inputCausalConv(b: GraphBuilder, channels: number, length: number, out: number, k: number): number {
  const padded = b.markInput(b.simple('pad', [], { kind: 'image', c: channels, h: length + (k - 1), w: 1 }));
  return b.conv(padded, out, [k, 1], { valid: true, bias: true });
}

export function temporalConvNetwork(rng: Rng, seed: number): GeneratedArch {
  const b = new GraphBuilder('1d');
  const wavenet = rng.chance(0.5);
  const length = rng.pick([128, 256, 512, 1024]);
  const inC = wavenet ? 256 : rng.pick([1, 2, 8, 40, 64]);
  const c = rng.pick([16, 32, 64, 128]);
  const k = wavenet ? 2 : rng.pick([2, 3, 5, 7]);
  const perStack = rng.int(3, wavenet ? 8 : 6);
  const stacks = wavenet ? rng.int(1, 3) : 1;
  const glu = !wavenet && rng.chance(0.4);
  const classes = wavenet ? 256 : rng.pick([2, 5, 10, 35]);
  let x = inputCausalConv(b, inC, length, c, k);
  let act = 'relu';
  let head: string;
  let out: number;
  if (wavenet) {
    act = 'tanh';
    const skipC = c * rng.pick([1, 2]);
    let skips: number | null = null;
    for (let s = 0; s < stacks; s++) {
      for (let l = 0; l < perStack; l++) {
        const halves = b.simple('split', causalConv(b, x, 2 * c, k, 2 ** l), { kind: 'image', c, h: length, w: 1 });
        const gated = b.simple('mul', [b.act(halves, 'tanh'), b.act(halves, 'sigmoid')]);
        const skip = b.conv(gated, skipC, [1, 1], { bias: true });
        skips = skips === null ? skip : b.elementwise('add', skips, skip);
        x = b.elementwise('add', x, b.conv(gated, c, [1, 1], { bias: true }));
      }
    }
    const h1 = b.conv(b.act(skips!, 'relu'), skipC, [1, 1], { bias: true });
    out = b.act(b.conv(b.act(h1, 'relu'), classes, [1, 1], { bias: true }), 'softmax');
    head = 'the summed skip connections, two 1x1 convolutions and a softmax over 256 levels per time step';
  } else {
    for (let l = 0; l < perStack; l++) {
      const d = 2 ** l;
      const unit = (from: number) => {
        if (!glu) return b.act(causalConv(b, from, c, k, d), 'relu');
        // gated linear unit: a ⊙ σ(b) over the two halves of one conv
        const halves = b.simple('split', causalConv(b, from, 2 * c, k, d), { kind: 'image', c, h: length, w: 1 });
        return b.simple('mul', [halves, b.act(halves, 'sigmoid')]);
      };
      let y = unit(x);
      if (rng.chance(0.5)) y = b.simple('dropout', y);
      y = unit(y);
      x = b.act(b.elementwise('add', x, y), 'relu');
    }
    const last = b.simple('slice', x, { kind: 'seq', t: 1, d: c }, { outShape: [1, c] });
    out = b.linear(last, classes);
    head = 'the last time step then a linear classifier';
  }
  return {
    id: `gen-tcn-${seed}`,
    name: `autonet_${wavenet ? 'wavenet' : 'tcn'}_${seed}`,
    seed,
    graph: b.build([out]),
    meta: {
      style: 'temporal_conv',
      task: wavenet ? 'generation' : 'classification',
      modality: 'signal',
      input: [1, inC, length],
      numClasses: classes,
      cells: perStack * stacks,
      reductionCells: 0,
      cellOps: [],
      blockKind: wavenet ? 'wavenet' : glu ? 'gated_tcn' : 'tcn',
      activation: act,
      norm: null,
      width: c,
      head: `${k}-tap causal convolutions dilated 1 to ${2 ** (perStack - 1)}; ${head}`,
    },
  };
}
