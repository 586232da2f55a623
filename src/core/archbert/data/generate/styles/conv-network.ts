/**
 * What the two convolutional image styles (cell and stage networks) share: the
 * random conv style, the stem, the classifier head, and the finished record
 * (the head drawn last, then the graph and its GeneratedMeta).
 */
import type { Rng } from '../../rng.js';
import { normAct, type ConvStyle } from '../blocks.js';
import type { GeneratedArch, GeneratedMeta } from '../generated-arch.js';
import type { GraphBuilder, Shape } from '../graph-builder.js';

const ACTS = ['relu', 'relu', 'relu', 'relu6', 'leaky_relu', 'elu', 'gelu', 'silu', 'hard_swish', 'mish', 'prelu', 'selu'] as const;
const NORM_CHOICES: ReadonlyArray<readonly [string | null, number]> = [
  ['batch_norm', 10],
  ['group_norm', 2],
  ['instance_norm', 1],
  ['layer_norm', 1],
  [null, 1],
];

/** A random conv style: activation (ReLU most often), norm (batch norm most often) and layer order. */
export function pickConvStyle(rng: Rng): ConvStyle {
  const act = rng.pick(ACTS);
  const norm = rng.weighted(NORM_CHOICES);
  return { act, norm, preActivation: rng.chance(0.5) };
}

/** The stem: a 3x3 conv at CIFAR size; at ImageNet size a strided 7x7 + max pool, two strided 3x3s, or a 4x4 patchify. */
export function stem(b: GraphBuilder, rng: Rng, inShape: Shape, width: number, st: ConvStyle, large: boolean): { x: number; kind: string } {
  if (!large) {
    const c = b.markInput(b.conv(-1, width, 3, { fromInput: inShape, bias: !st.norm }));
    return { x: st.norm ? b.norm(c, st.norm) : c, kind: 'a 3x3 convolution' };
  }
  const kind = rng.pick(['conv7', 'conv3x2', 'patchify'] as const);
  if (kind === 'conv7') {
    const c = b.markInput(b.conv(-1, width, 7, { fromInput: inShape, stride: 2, bias: !st.norm }));
    const y = normAct(b, c, st);
    return { x: b.pool(y, 'max_pool', 3, 2), kind: 'a strided 7x7 convolution followed by max pooling' };
  }
  if (kind === 'conv3x2') {
    const c = b.markInput(b.conv(-1, Math.max(8, width / 2), 3, { fromInput: inShape, stride: 2, bias: !st.norm }));
    const y = normAct(b, c, st);
    const c2 = b.conv(y, width, 3, { stride: 2, bias: !st.norm });
    return { x: normAct(b, c2, st), kind: 'two strided 3x3 convolutions' };
  }
  const c = b.markInput(b.conv(-1, width, 4, { fromInput: inShape, stride: 4, bias: true }));
  return { x: st.norm ? b.norm(c, st.norm) : c, kind: 'a 4x4 patchify convolution' };
}

/** Global pooling, optional dropout and hidden layer, a linear classifier, sometimes a softmax; `kind` says which in words. */
export function classifierHead(b: GraphBuilder, x: number, classes: number, st: ConvStyle, rng: Rng): { out: number; kind: string } {
  const poolKind = rng.weighted([
    ['global_avg_pool', 8],
    ['global_max_pool', 1],
    ['adaptive_pool', 1],
  ] as const);
  let y = b.globalPool(x, poolKind);
  y = b.flatten(y);
  let kind = poolKind.replace(/_/g, ' ');
  if (rng.chance(0.3)) y = b.simple('dropout', y);
  if (rng.chance(0.25)) {
    const hidden = rng.pick([256, 512, 1024]);
    y = b.act(b.linear(y, hidden), st.act);
    if (rng.chance(0.5)) y = b.simple('dropout', y);
    kind += ' then a two-layer classifier';
  } else kind += ' then a linear classifier';
  y = b.linear(y, classes);
  if (rng.chance(0.15)) {
    y = b.act(y, 'softmax');
    kind += ' with softmax';
  }
  return { out: y, kind };
}

/** The parts of GeneratedMeta that say what the body of a conv network is. */
export type ConvBody = Pick<GeneratedMeta, 'cells' | 'reductionCells' | 'cellOps' | 'blockKind'>;

/**
 * Finishes a conv image classifier whose body ends at x: draws the classifier
 * head and returns the graph with its record (input [1, 3, res, res]).
 */
export function finishConvClassifier(
  b: GraphBuilder,
  rng: Rng,
  x: number,
  net: { style: 'cell' | 'stage'; seed: number; res: number; classes: number; width: number; st: ConvStyle; stemKind: string },
  body: ConvBody,
): GeneratedArch {
  const h = classifierHead(b, x, net.classes, net.st, rng);
  return {
    id: `gen-${net.style}-${net.seed}`,
    name: `autonet_${net.style}_${net.seed}`,
    seed: net.seed,
    graph: b.build([h.out]),
    meta: {
      style: net.style,
      task: 'classification',
      modality: 'image',
      input: [1, 3, net.res, net.res],
      numClasses: net.classes,
      cells: body.cells,
      reductionCells: body.reductionCells,
      cellOps: body.cellOps,
      blockKind: body.blockKind,
      activation: net.st.act,
      norm: net.st.norm,
      width: net.width,
      head: `${net.stemKind}; ${h.kind}`,
    },
  };
}
