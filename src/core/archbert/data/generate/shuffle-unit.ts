/**
 * ShuffleNet units (Zhang et al., 2018; Ma et al., 2018): channel shuffle
 * lets information cross the groups of grouped 1x1 convs (v1) or the two
 * halves of a channel split (v2). The shuffle is exported as reshape to
 * [N, g, C/g, H, W], a transpose of the two group axes, and a reshape back.
 */
import { normAct, type ConvStyle } from './blocks.js';
import type { GraphBuilder } from './graph-builder.js';

/** Channel shuffle over g groups: reshape (5-D) → transpose → reshape, no weights. */
export function channelShuffle(b: GraphBuilder, x: number, g: number): number {
  const { c, h, w } = b.img(x);
  const r1 = b.simple('reshape', x, undefined, { outShape: [1, g, c / g, h, w] });
  const t = b.simple('transpose', r1, undefined, { outShape: [1, c / g, g, h, w] });
  return b.simple('reshape', t, undefined, { outShape: [1, c, h, w] });
}

/** ShuffleNetV2 unit: split the channels in half, one half through 1x1 → depthwise 3x3 → 1x1, concat, shuffle; both halves convolved when downsampling. */
export function shuffleV2Unit(b: GraphBuilder, x: number, out: number, stride: number, st: ConvStyle): number {
  const c = b.img(x).c;
  const half = Math.floor(out / 2);
  const branch = (from: number) => {
    const p1 = normAct(b, b.conv(from, half, 1, { bias: !st.norm }), st);
    const dw = b.conv(p1, half, 3, { stride, groups: half, bias: !st.norm });
    return normAct(b, b.conv(st.norm ? b.norm(dw, st.norm) : dw, half, 1, { bias: !st.norm }), st);
  };
  let left: number;
  let right: number;
  if (stride === 1 && c === out) {
    const shape = { kind: 'image' as const, ...b.img(x), c: c / 2 };
    left = b.simple('slice', x, shape);
    right = branch(b.simple('slice', x, shape));
  } else {
    const dw = b.conv(x, c, 3, { stride, groups: c, bias: !st.norm });
    left = normAct(b, b.conv(st.norm ? b.norm(dw, st.norm) : dw, out - half, 1, { bias: !st.norm }), st);
    right = branch(x);
  }
  return channelShuffle(b, b.concat([left, right]), 2);
}

/** ShuffleNetV1 unit: grouped 1x1 → shuffle → depthwise 3x3 → grouped 1x1; added to x, or concatenated with its 3x3 average pool when downsampling. */
export function shuffleV1Unit(b: GraphBuilder, x: number, out: number, stride: number, st: ConvStyle, groups: number): number {
  const c = b.img(x).c;
  const branchOut = stride === 1 && c === out ? out : out - c;
  // at least two channels per group, or the shuffle would move nothing
  const mid = Math.max(2 * groups, Math.round(branchOut / 4 / groups) * groups);
  const g1 = c % groups === 0 ? groups : 1;
  let y = normAct(b, b.conv(x, mid, 1, { groups: g1, bias: !st.norm }), st);
  y = channelShuffle(b, y, groups);
  y = b.conv(y, mid, 3, { stride, groups: mid, bias: !st.norm });
  if (st.norm) y = b.norm(y, st.norm);
  y = b.conv(y, branchOut, 1, { groups: branchOut % groups === 0 ? groups : 1, bias: !st.norm });
  if (st.norm) y = b.norm(y, st.norm);
  const joined = stride === 1 && c === out ? b.elementwise('add', y, x) : b.concat([b.pool(x, 'avg_pool', 3, stride), y]);
  return b.act(joined, st.act);
}
