/**
 * DeepLab-style segmenters (Chen et al., 2017): a residual backbone whose last
 * stage keeps the resolution and dilates its 3x3 convs instead (atrous
 * convolution), then atrous spatial pyramid pooling (a 1x1 conv, three 3x3
 * convs at different rates and an image-pooling branch, concatenated and
 * projected), a 1x1 classifier and a bilinear resize to the input size.
 */
import type { Rng } from '../../rng.js';
import { convUnit, normAct, type ConvStyle } from '../blocks.js';
import type { GraphBuilder } from '../graph-builder.js';
import type { DenseBody } from './unet.js';

/** A ResNet basic block with optional dilation (stride 1 when dilated). */
function residualBlock(b: GraphBuilder, x: number, out: number, stride: number, dilation: number, st: ConvStyle): number {
  const y1 = convUnit(b, x, out, 3, st, { stride, dilation });
  let y2 = b.conv(y1, out, 3, { dilation, bias: !st.norm });
  if (st.norm) y2 = b.norm(y2, st.norm);
  let sc = x;
  if (stride !== 1 || b.img(x).c !== out) {
    sc = b.conv(x, out, 1, { stride, bias: !st.norm });
    if (st.norm) sc = b.norm(sc, st.norm);
  }
  return b.act(b.elementwise('add', y2, sc), st.act);
}

export function deeplab(b: GraphBuilder, rng: Rng, x: number, width: number, classes: number, st: ConvStyle, inputSize: number): DenseBody {
  const stages = rng.int(3, 4);
  let y = x;
  let c = width;
  for (let s = 0; s < stages; s++) {
    const last = s === stages - 1;
    const blocks = rng.int(1, 3);
    for (let i = 0; i < blocks; i++) {
      // the last stage keeps the resolution and dilates instead (output stride 8 or 16)
      const stride = i === 0 && s > 0 && !last ? 2 : 1;
      y = residualBlock(b, y, c, stride, last ? rng.pick([2, 2, 4]) : 1, st);
    }
    if (!last) c *= 2;
  }
  const rates = rng.pick([
    [6, 12, 18],
    [12, 24, 36],
    [3, 6, 9],
  ]);
  const { h, w } = b.img(y);
  const aspp = rng.pick([128, 256]);
  const branches = [convUnit(b, y, aspp, 1, st), ...rates.map((r) => convUnit(b, y, aspp, 3, st, { dilation: r }))];
  if (rng.chance(0.7)) {
    // image pooling: the global context as one more branch, broadcast back to the map
    const g = normAct(b, b.conv(b.globalPool(y, 'global_avg_pool'), aspp, 1, { bias: !st.norm }), st);
    branches.push(b.resize(g, h, w));
  }
  const fused = convUnit(b, b.concat(branches), aspp, 1, st);
  const logits = b.conv(fused, classes, 1, { bias: true });
  const out = b.resize(logits, inputSize, inputSize);
  return { out, levels: stages, summary: `a dilated residual backbone with atrous rates ${rates.join(', ')} in the pyramid; a 1x1 classifier resized to the input` };
}
