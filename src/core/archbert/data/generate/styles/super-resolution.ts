/**
 * Single-image super-resolution (ESPCN, Shi et al., 2016; EDSR, Lim et al.,
 * 2017): convs at the low resolution (residual blocks without norms in EDSR),
 * then an upscaling step: a sub-pixel conv (a conv to C·r² channels and a
 * pixel shuffle, exported as a 6-D reshape, transpose and reshape) or a
 * strided transposed conv (FSRCNN), and a conv back to RGB.
 */
import type { Rng } from '../../rng.js';
import type { GraphBuilder } from '../graph-builder.js';
import type { DenseBody } from './unet.js';

/** Depth-to-space by r: [C·r², H, W] → [C, H·r, W·r]. */
export function pixelShuffle(b: GraphBuilder, x: number, r: number): number {
  const { c, h, w } = b.img(x);
  const out = c / (r * r);
  const r1 = b.simple('reshape', x, undefined, { outShape: [1, out, r, r, h, w] });
  const t = b.simple('transpose', r1, undefined, { outShape: [1, out, h, r, w, r] });
  return b.simple('reshape', t, { kind: 'image', c: out, h: h * r, w: w * r });
}

export function superResolution(b: GraphBuilder, rng: Rng, x: number, width: number, act: string): DenseBody {
  const scale = rng.pick([2, 3, 4]);
  const blocks = rng.int(2, 8);
  const subPixel = rng.chance(0.65);
  let y = b.act(b.conv(x, width, rng.pick([3, 5]), { bias: true }), act);
  const head = y;
  for (let i = 0; i < blocks; i++) {
    const r = b.conv(b.act(b.conv(y, width, 3, { bias: true }), act), width, 3, { bias: true });
    y = b.elementwise('add', y, r);
  }
  y = b.elementwise('add', b.conv(y, width, 3, { bias: true }), head);
  if (subPixel) y = pixelShuffle(b, b.conv(y, width * scale * scale, 3, { bias: true }), scale);
  else y = b.act(b.transposedConv(y, width, scale * 2, scale), act);
  const out = b.conv(y, 3, 3, { bias: true });
  return {
    out,
    levels: blocks,
    summary: `${blocks} residual blocks at low resolution; ${subPixel ? 'a sub-pixel convolution' : 'a transposed convolution'} upscaling ${scale}x, then a 3x3 convolution to rgb`,
  };
}
