/**
 * SqueezeNet's fire module (Iandola et al., 2016): a 1x1 "squeeze" conv to
 * few channels, then 1x1 and 3x3 "expand" convs side by side on the squeezed
 * map, concatenated. Drawn as torchvision exports it (conv → relu per branch).
 */
import { normAct, type ConvStyle } from './blocks.js';
import type { GraphBuilder } from './graph-builder.js';

/** One fire module from x to `out` channels (half from each expand branch), squeezing to out/8 first. */
export function fireModule(b: GraphBuilder, x: number, out: number, st: ConvStyle): number {
  const squeeze = Math.max(8, Math.round(out / 8));
  const s = normAct(b, b.conv(x, squeeze, 1, { bias: !st.norm }), st);
  const half = Math.floor(out / 2);
  const e1 = normAct(b, b.conv(s, half, 1, { bias: !st.norm }), st);
  const e3 = normAct(b, b.conv(s, out - half, 3, { bias: !st.norm }), st);
  return b.concat([e1, e3]);
}
