/**
 * Cell networks in the style of the original ArchBERT's AutoNet set (DARTS-like):
 * a stem, then normal and reduction cells, each a small DAG whose nodes sum two
 * cell operations drawn from CELL_OPS, concatenated at the cell output.
 */
import type { Rng } from '../../rng.js';
import { convUnit, factorizedReduce, invertedResidual, normAct, selfAttention, sepConv, squeezeExcite, type ConvStyle } from '../blocks.js';
import type { GeneratedArch } from '../generated-arch.js';
import { GraphBuilder } from '../graph-builder.js';
import { finishConvClassifier, pickConvStyle, stem } from './conv-network.js';

/** The cell operations of the DARTS-style search space, extended. */
export const CELL_OPS = [
  'sep_conv_3x3',
  'sep_conv_5x5',
  'sep_conv_7x7',
  'dil_conv_3x3',
  'dil_conv_5x5',
  'conv_1x1',
  'conv_3x3',
  'conv_5x5',
  'conv_7x7',
  'conv_1x7_7x1',
  'depthwise_3x3',
  'max_pool_3x3',
  'avg_pool_3x3',
  'skip_connect',
  'squeeze_excite',
  'self_attention',
  'mlp_block',
  'inverted_residual',
] as const;
export type CellOp = (typeof CELL_OPS)[number];

/** One cell operation from x to `out` channels (stride 2 in a reduction cell), as its layer pattern. */
function cellOp(b: GraphBuilder, op: CellOp, x: number, out: number, stride: number, st: ConvStyle, rng: Rng): number {
  switch (op) {
    case 'sep_conv_3x3':
    case 'sep_conv_5x5':
    case 'sep_conv_7x7': {
      const k = Number(op[9]);
      const y = sepConv(b, x, out, k, stride, st);
      return sepConv(b, y, out, k, 1, st);
    }
    case 'dil_conv_3x3':
    case 'dil_conv_5x5':
      return sepConv(b, x, out, Number(op[9]), stride, st, 2);
    case 'conv_1x1':
    case 'conv_3x3':
    case 'conv_5x5':
    case 'conv_7x7':
      return convUnit(b, x, out, Number(op[5]), st, { stride });
    case 'conv_1x7_7x1': {
      const a = st.preActivation ? b.act(x, st.act) : x;
      const c1 = b.conv(a, out, [1, 7], { stride });
      const c2 = b.conv(c1, out, [7, 1], { bias: !st.norm });
      return normAct(b, c2, st, !st.preActivation);
    }
    case 'depthwise_3x3': {
      const c = b.img(x).c;
      const dw = b.conv(x, c, 3, { stride, groups: c, bias: !st.norm });
      const y = normAct(b, dw, st);
      return c === out ? y : b.conv(y, out, 1);
    }
    case 'max_pool_3x3':
    case 'avg_pool_3x3': {
      const p = b.pool(x, op === 'max_pool_3x3' ? 'max_pool' : 'avg_pool', 3, stride);
      return b.img(p).c === out ? p : convUnit(b, p, out, 1, st);
    }
    case 'skip_connect':
      if (stride === 1 && b.img(x).c === out) return x;
      return factorizedReduce(b, x, out, stride, st);
    case 'squeeze_excite': {
      const y = stride === 1 && b.img(x).c === out ? x : convUnit(b, x, out, 1, st, { stride });
      return squeezeExcite(b, y, st, rng);
    }
    case 'self_attention': {
      const y = stride === 1 && b.img(x).c === out ? x : convUnit(b, x, out, 1, st, { stride });
      const s = b.img(y);
      if (s.h * s.w > 1024) return convUnit(b, y, out, 3, st);
      return selfAttention(b, y, rng);
    }
    case 'mlp_block': {
      const e = rng.pick([2, 4]);
      const c1 = b.conv(x, out * e, 1, { stride, bias: true });
      const a = b.act(c1, st.act);
      return b.conv(a, out, 1, { bias: true });
    }
    case 'inverted_residual':
      return invertedResidual(b, x, out, stride, st, rng.pick([3, 6]), 3, false, rng);
  }
}

export function cellNetwork(rng: Rng, seed: number): GeneratedArch {
  const b = new GraphBuilder();
  const st = pickConvStyle(rng);
  const large = rng.chance(0.3);
  const res = large ? rng.pick([160, 192, 224]) : 32;
  const classes = large ? rng.pick([100, 1000]) : rng.pick([10, 10, 100]);
  const width = large ? rng.pick([16, 24, 32, 48]) : rng.pick([8, 16, 24, 32, 36, 48]);
  const cells = rng.int(4, 18);
  const nodesPerCell = rng.int(2, 5);
  const opCount = rng.int(2, 7);
  // Attention over every pixel is only affordable at CIFAR resolution.
  const candidates = CELL_OPS.filter((o) => !large || o !== 'self_attention');
  const ops = rng.sample(candidates, opCount) as CellOp[];
  // Normal and reduction cells each get their own genotype (as in DARTS).
  // The first intermediate node reads both cell inputs, so every cell output stays live
  // (otherwise a whole cell can be dead code, and the cell-op record would overstate the graph).
  const genotype = () =>
    Array.from({ length: nodesPerCell }, (_, i) => [0, 1].map((j) => ({ op: rng.pick(ops), input: i === 0 ? j : rng.int(0, i + 1) })));
  const normalG = genotype();
  const reduceG = genotype();
  const reductionAt = new Set([Math.floor(cells / 3), Math.floor((2 * cells) / 3)]);

  // DARTS uses a 3·C-channel stem on CIFAR.
  const stemWidth = large ? width : Math.min(3 * width, 96);
  const { x: s, kind: stemKind } = stem(b, rng, { kind: 'image', c: 3, h: res, w: res }, stemWidth, st, large);
  let prevPrev = s;
  let prev = s;
  let c = width;
  let reductions = 0;
  const used = new Set<string>();
  for (let cell = 0; cell < cells; cell++) {
    const reduction = reductionAt.has(cell);
    if (reduction) {
      c *= 2;
      reductions++;
    }
    // Preprocess the two inputs to c channels at the current resolution.
    const hPrev = b.img(prev).h;
    const p0 = b.img(prevPrev).h > hPrev ? factorizedReduce(b, prevPrev, c, 2, st) : convUnit(b, prevPrev, c, 1, st);
    const p1 = convUnit(b, prev, c, 1, st);
    const states = [p0, p1];
    const g = reduction ? reduceG : normalG;
    for (const pair of g) {
      const outs = pair.map(({ op, input }) => {
        used.add(op);
        const stride = reduction && input < 2 ? 2 : 1;
        return cellOp(b, op, states[input]!, c, stride, st, rng);
      });
      states.push(outs[0] === outs[1] ? outs[0]! : b.elementwise('add', outs[0]!, outs[1]!));
    }
    // The cell output concatenates its intermediate nodes (an identity node may repeat a state: once).
    const out = b.concat([...new Set(states.slice(2))]);
    prevPrev = prev;
    prev = out;
  }
  return finishConvClassifier(
    b,
    rng,
    prev,
    { style: 'cell', seed, res, classes, width, st, stemKind },
    { cells, reductionCells: reductions, cellOps: [...used].sort(), blockKind: null },
  );
}
