/**
 * U-Nets (Ronneberger et al., 2015): a contracting path of double 3x3 convs
 * and 2x2 max pools, an expanding path that upsamples (2x2 transposed conv,
 * or bilinear resize + conv) and concatenates the encoder map of the same
 * scale before its double conv, and a 1x1 conv giving per-pixel class scores.
 */
import type { Rng } from '../../rng.js';
import { convUnit, type ConvStyle } from '../blocks.js';
import type { GraphBuilder } from '../graph-builder.js';

export interface DenseBody {
  out: number;
  /** e.g. "4 levels, transposed-conv upsampling" (for the record's head text) */
  summary: string;
  levels: number;
}

/** The U-Net body and head from the first conv's input x (an image), with `classes` output maps at the input resolution. */
export function unet(b: GraphBuilder, rng: Rng, x: number, width: number, classes: number, st: ConvStyle): DenseBody {
  const levels = rng.int(3, 4);
  const learnedUp = rng.chance(0.6);
  const double = (from: number, c: number) => convUnit(b, convUnit(b, from, c, 3, st), c, 3, st);
  const skips: number[] = [];
  let y = x;
  let c = width;
  for (let l = 0; l < levels; l++) {
    y = double(y, c);
    skips.push(y);
    y = b.pool(y, 'max_pool', 2, 2);
    c *= 2;
  }
  y = double(y, c);
  for (let l = levels - 1; l >= 0; l--) {
    c /= 2;
    const skip = skips[l]!;
    const { h, w } = b.img(skip);
    const up = learnedUp ? b.transposedConv(y, c, 2, 2) : convUnit(b, b.resize(y, h, w), c, 3, st);
    y = double(b.concat([skip, up]), c);
  }
  const out = b.conv(y, classes, 1, { bias: true });
  return { out, levels, summary: `a ${levels}-level u-shaped encoder-decoder with ${learnedUp ? 'transposed-conv' : 'bilinear'} upsampling; a 1x1 convolution giving per-pixel class scores` };
}
