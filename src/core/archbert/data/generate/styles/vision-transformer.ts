/**
 * Vision transformers: a patchify convolution, then either global attention over all
 * patches (ViT-like, optional class token, learned position embedding, optional layer
 * scale as in CaiT / DeiT III) or a hierarchy of windowed-attention stages joined by
 * patch merging (Swin-like: windows cut by a 6-D reshape, shifted windows a slice +
 * concat "roll", relative position bias).
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
  const heads = rng.pick([2, 3, 4]);
  const relativeBias = hierarchical && rng.chance(0.6);
  const classes = res === 224 ? rng.pick([100, 1000]) : rng.pick([10, 100, 200]);
  const width = d;
  let grid = Math.floor(res / patch);
  let x = b.markInput(b.conv(-1, d, patch, { fromInput: { kind: 'image', c: 3, h: res, w: res }, stride: patch, bias: true }));
  // Swin keeps the map channels-last: the patch conv's output is permuted, not flattened to a sequence first.
  x = hierarchical ? b.simple('transpose', x, { kind: 'seq', t: grid * grid, d }) : b.toTokens(x);
  if (hierarchical) x = b.norm(x, norm);
  const useCls = !hierarchical && rng.chance(0.6);
  // CaiT / DeiT III: each residual branch scaled by a learned per-channel vector (layer scale)
  const layerScale = !hierarchical && rng.chance(0.3);
  const scaled = (y: number) => (layerScale ? b.simple('mul', y, undefined, { params: d }) : y);
  if (useCls) x = b.simple('concat', x, { kind: 'seq', t: grid * grid + 1, d }, { params: d });
  // Learned position embedding: an add whose second operand is a parameter tensor.
  if (!hierarchical || rng.chance(0.3)) {
    const { t } = b.seq(x);
    x = b.simple('add', x, b.shape(x), { params: t * d });
  }
  /**
   * One transformer block. With a window side w (Swin): the tokens are laid out as the [1, H, W, C] map,
   * rolled by half a window on shifted blocks (two slices concatenated), cut into (H/w)·(W/w) windows of
   * w² tokens (a 6-D reshape and a transpose), attended within each window (scores masked on shifted
   * blocks, plus a relative position bias table of (2w−1)² entries per head when drawn), and put back.
   */
  const block = (x0: number, w?: number, shifted = false): number => {
    let y = b.norm(x0, norm);
    if (w) {
      y = b.simple('reshape', y, undefined, { outShape: [1, grid, grid, d] });
      if (shifted) {
        // torch.roll by half a window: two slices of the map concatenated back to its own shape
        const part = () => b.simple('slice', y, undefined, { outShape: [1, grid, grid, d] });
        y = b.simple('concat', [part(), part()], undefined, { outShape: [1, grid, grid, d] });
      }
      y = b.simple('reshape', y, undefined, { outShape: [1, grid / w, w, grid / w, w, d] });
      y = b.simple('transpose', y, undefined, { outShape: [1, grid / w, grid / w, w, w, d] });
      y = b.simple('reshape', y, undefined, { outShape: [(grid / w) ** 2, w * w, d] });
    }
    let a = selfAttentionSeq(b, y, rng, shifted, w ? w * w : undefined, w && relativeBias ? { heads, side: w } : undefined);
    if (w) a = b.simple('reshape', a, undefined, { outShape: [1, grid, grid, d] });
    if (w) a = b.simple('reshape', a);
    const x1 = b.elementwise('add', x0, scaled(a));
    const m = b.linear(b.act(b.linear(b.norm(x1, norm), d * mlpRatio), act), d);
    return b.elementwise('add', x1, scaled(m));
  };
  let layers = 0;
  let merges = 0;
  if (hierarchical) {
    const stages = rng.int(2, 4);
    const side = rng.pick([4, 7, 8]);
    // Swin's depths put most blocks in the third of four stages (2-2-6-2, 2-2-18-2)
    const swinDepths = stages === 4 && rng.chance(0.4) ? [2, 2, rng.pick([6, 6, 18]), 2] : null;
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
      const depth = swinDepths ? swinDepths[st]! : rng.pick([1, 2, 2, 3, 4]);
      // Windows tile the map exactly; a map no larger than one window is attended whole (Swin's last stage).
      // (and never w² = (H/w)²: a window partition must be told apart from a grid one).
      const w = [side, 4].find((c) => grid > c && grid % c === 0 && grid / c !== c);
      for (let i = 0; i < depth; i++) {
        x = block(x, w, w !== undefined && i % 2 === 1);
        layers++;
      }
    }
  } else {
    const depth = rng.int(2, 12);
    for (let i = 0; i < depth; i++) x = block(x);
    layers = depth;
  }
  x = b.norm(x, norm);
  // Swin (torchvision, timm) permutes the final map back to channels-first and global-average-pools it;
  // other hierarchical and global ViTs without a class token take the mean over tokens.
  const swinPool = hierarchical && rng.chance(0.7);
  const pooled = useCls
    ? b.simple('gather', x, { kind: 'seq', t: 1, d })
    : swinPool
      ? b.flatten(b.globalPool(b.simple('transpose', x, { kind: 'image', c: d, h: grid, w: grid }), 'global_avg_pool'))
      : b.simple('reduce', x, { kind: 'seq', t: 1, d });
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
      head: `a ${patch}x${patch} patch embedding; ${useCls ? 'the class token' : swinPool ? 'global average pooling' : 'the mean over tokens'} then a linear classifier`,
    },
  };
}
