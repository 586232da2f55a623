/**
 * Dense-prediction networks, whose output is a map rather than a vector: U-Net
 * and DeepLab-style semantic segmenters (per-pixel class scores at the input
 * resolution) and super-resolution networks (an RGB image r× larger). One
 * file per kind (unet.ts, deeplab.ts, super-resolution.ts); this one draws
 * the kind, the input and the conv style, and writes the record.
 */
import type { Rng } from '../../rng.js';
import type { GeneratedArch } from '../generated-arch.js';
import { GraphBuilder } from '../graph-builder.js';
import { pickConvStyle } from './conv-network.js';
import { deeplab } from './deeplab.js';
import { superResolution } from './super-resolution.js';
import { unet } from './unet.js';

export const DENSE_KINDS = ['unet', 'deeplab', 'super_resolution'] as const;

export function densePredictionNetwork(rng: Rng, seed: number): GeneratedArch {
  const b = new GraphBuilder();
  const kind = rng.pick(DENSE_KINDS);
  const st = pickConvStyle(rng);
  st.preActivation = false;
  const sr = kind === 'super_resolution';
  if (sr) st.norm = null; // EDSR drops batch norm
  const res = sr ? rng.pick([24, 32, 48, 64]) : rng.pick([64, 96, 128, 256]);
  const width = sr ? rng.pick([32, 48, 64]) : rng.pick([16, 32, 64]);
  const classes = sr ? 3 : rng.pick([2, 5, 10, 21]);
  const stem = b.markInput(b.conv(-1, width, 3, { fromInput: { kind: 'image', c: 3, h: res, w: res }, bias: !st.norm }));
  const x = st.norm ? b.act(b.norm(stem, st.norm), st.act) : b.act(stem, st.act);
  const body = kind === 'unet' ? unet(b, rng, x, width, classes, st) : kind === 'deeplab' ? deeplab(b, rng, x, width, classes, st, res) : superResolution(b, rng, x, width, st.act);
  return {
    id: `gen-dense-${seed}`,
    name: `autonet_${kind}_${seed}`,
    seed,
    graph: b.build([body.out]),
    meta: {
      style: 'dense_prediction',
      task: sr ? 'super_resolution' : 'segmentation',
      modality: 'image',
      input: [1, 3, res, res],
      numClasses: classes,
      cells: body.levels,
      reductionCells: 0,
      cellOps: [],
      blockKind: kind,
      activation: st.act,
      norm: st.norm,
      width,
      head: `a 3x3 convolution; ${body.summary}`,
    },
  };
}
