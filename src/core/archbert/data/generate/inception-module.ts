/**
 * Inception modules (Szegedy et al., 2015/2016): parallel branches of
 * different receptive fields (1x1; 1x1 → 3x3; 1x1 → 3x3 → 3x3; pool → 1x1)
 * concatenated on channels. Inception-v3 factorises an n×n conv into a 1×n
 * then an n×1 conv; the grid-reduction module downsamples in every branch.
 */
import type { Rng } from '../rng.js';
import { convUnit, type ConvStyle } from './blocks.js';
import type { GraphBuilder } from './graph-builder.js';

/** Channels per branch: `out` split into `parts`, the remainder to the first. */
function share(out: number, parts: number): number[] {
  const each = Math.floor(out / parts);
  return Array.from({ length: parts }, (_, i) => (i === 0 ? out - each * (parts - 1) : each));
}

/** One inception module from x to `out` channels; stride 2 makes it a grid-reduction module. */
export function inceptionModule(b: GraphBuilder, x: number, out: number, stride: number, st: ConvStyle, rng: Rng, factorised: boolean): number {
  const n = rng.pick([5, 7]);
  // An n×n receptive field as a 1×n then an n×1 conv (Inception-v3), or a plain 3×3.
  const spatial = (from: number, c: number, s: number) => {
    if (!factorised || s !== 1) return convUnit(b, from, c, 3, st, { stride: s });
    return convUnit(b, convUnit(b, from, c, [1, n], st), c, [n, 1], st);
  };
  if (stride !== 1) {
    const [c1, c2] = share(Math.max(16, out - b.img(x).c), 2) as [number, number];
    const a = convUnit(b, convUnit(b, x, c1, 1, st), c1, 3, st, { stride });
    const d = convUnit(b, spatial(convUnit(b, x, c2, 1, st), c2, 1), c2, 3, st, { stride });
    return b.concat([a, d, b.pool(x, 'max_pool', 3, stride)]);
  }
  const [c1, c2, c3, c4] = share(out, 4) as [number, number, number, number];
  const one = convUnit(b, x, c1, 1, st);
  const mid = spatial(convUnit(b, x, Math.max(8, Math.round(c2 * 0.75)), 1, st), c2, 1);
  // the double branch: a 3x3, then the (factorised) n×n
  const dbl = spatial(convUnit(b, convUnit(b, x, Math.max(8, Math.round(c3 * 0.66)), 1, st), c3, 3, st), c3, 1);
  const pool = convUnit(b, b.pool(x, rng.chance(0.7) ? 'avg_pool' : 'max_pool', 3, 1), c4, 1, st);
  return b.concat([one, mid, dbl, pool]);
}
