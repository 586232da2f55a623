/**
 * Vision transformers: a patchify convolution, then either global attention over all
 * patches (ViT-like, optional class token) or a hierarchy of windowed-attention stages
 * joined by patch merging (Swin-like: shifted windows are a slice + concat "roll").
 */
import type { Rng } from '../../rng.js';
import { selfAttentionSeq } from '../blocks.js';
import type { GeneratedArch } from '../generated-arch.js';
import { GraphBuilder } from '../graph-builder.js';

export function visionTransformerNetwork(rng: Rng, seed: number): GeneratedArch {
  const b = new GraphBuilder();
  const res = rng.pick([32, 64, 224, 224]);
  const hierarchical = rng.chance(0.45);
  const patch = res === 32 ? rng.pick([2, 4]) : res === 64 ? rng.pick([4, 8]) : hierarchical ? 4 : rng.pick([14, 16, 32]);
  let d = rng.pick(hierarchical ? [48, 64, 96, 128] : [64, 128, 192, 256, 384, 512, 768]);
  const act = rng.pick(['gelu', 'gelu', 'gelu', 'relu', 'silu']);
  const norm = rng.chance(0.9) ? 'layer_norm' : 'batch_norm';
  const mlpRatio = rng.pick([2, 3, 4]);
  const classes = res === 224 ? rng.pick([100, 1000]) : rng.pick([10, 100, 200]);
  const width = d;
  let grid = Math.floor(res / patch);
  let x = b.markInput(b.conv(-1, d, patch, { fromInput: { kind: 'image', c: 3, h: res, w: res }, stride: patch, bias: true }));
  x = b.toTokens(x);
  if (hierarchical) x = b.norm(x, norm);
  const useCls = !hierarchical && rng.chance(0.6);
  if (useCls) x = b.simple('concat', x, { kind: 'seq', t: grid * grid + 1, d }, { params: d });
  // Learned position embedding: an add whose second operand is a parameter tensor.
  if (!hierarchical || rng.chance(0.3)) {
    const { t } = b.seq(x);
    x = b.simple('add', x, b.shape(x), { params: t * d });
  }
  const block = (x0: number, window?: number, shifted = false): number => {
    let y = b.norm(x0, norm);
    if (shifted) y = b.simple('concat', [b.simple('slice', y), b.simple('slice', y)]);
    if (window) y = b.simple('reshape', y);
    let a = selfAttentionSeq(b, y, rng, shifted, window);
    if (window) a = b.simple('reshape', a);
    const x1 = b.elementwise('add', x0, a);
    const m = b.linear(b.act(b.linear(b.norm(x1, norm), d * mlpRatio), act), d);
    return b.elementwise('add', x1, m);
  };
  let layers = 0;
  let merges = 0;
  if (hierarchical) {
    const stages = rng.int(2, 4);
    const window = rng.pick([4, 7, 8]) ** 2;
    for (let st = 0; st < stages; st++) {
      if (st > 0 && grid >= 2) {
        // Patch merging: 2×2 neighbouring tokens concatenated (4d), normalised, projected to 2d.
        const parts = [0, 1, 2, 3].map(() => b.simple('slice', x, { kind: 'seq', t: (grid / 2) ** 2, d }));
        x = b.concat(parts);
        x = b.norm(x, norm);
        x = b.linear(x, 2 * d, false);
        d *= 2;
        grid = Math.floor(grid / 2);
        merges++;
      }
      const depth = rng.pick([1, 2, 2, 3, 4]);
      for (let i = 0; i < depth; i++) {
        x = block(x, window, i % 2 === 1);
        layers++;
      }
    }
  } else {
    const depth = rng.int(2, 12);
    for (let i = 0; i < depth; i++) x = block(x);
    layers = depth;
  }
  x = b.norm(x, norm);
  const pooled = useCls ? b.simple('gather', x, { kind: 'seq', t: 1, d }) : b.simple('reduce', x, { kind: 'seq', t: 1, d });
  const out = b.linear(pooled, classes);
  return {
    id: `gen-vit-${seed}`,
    name: `autonet_vit_${seed}`,
    seed,
    graph: b.build([out]),
    meta: {
      style: 'vit',
      task: 'classification',
      modality: 'image',
      input: [1, 3, res, res],
      numClasses: classes,
      cells: layers,
      reductionCells: merges,
      cellOps: [],
      blockKind: hierarchical ? 'windowed' : 'global',
      activation: act,
      norm,
      width,
      head: `a ${patch}x${patch} patch embedding; ${useCls ? 'the class token' : 'the mean over tokens'} then a linear classifier`,
    },
  };
}
