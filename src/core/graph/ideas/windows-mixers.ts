/**
 * Ideas of the hierarchical vision transformers and MLP mixers: attention in
 * local windows (Swin, MaxViT's block attention) or over a dilated grid
 * (MaxViT), shifted windows, patch merging, relative position bias, and
 * MLP-Mixer's token- and channel-mixing MLPs.
 */
import type { IdeaDetector } from './detector.js';
import { found, type IdeaContext } from './context.js';
import { attentionSites } from './transformer.js';

type Partition = 'window' | 'grid';

/**
 * How the tokens of an attention were cut from the image: a rank-6 reshape splitting H = a·b and W = c·d;
 * tokens made of the inner factors (b·d) are a local window, of the outer ones (a·c) a dilated grid.
 */
function partitionOf(ctx: IdeaContext, score: number, tokens: number): { kind: Partition; reshape: number } | null {
  const through = (j: number) => ctx.isPlumbing(j) || ctx.isNorm(j) || ctx.cat(j) === 'linear' || ctx.cat(j) === 'mul' || ctx.cat(j) === 'div';
  for (const r of ctx.walk('backward', score, through, (j) => ctx.cat(j) === 'reshape' && ctx.rank(j) === 6, 16)) {
    const R = ctx.shape(r)!;
    const src = ctx.preds[r]![0];
    const I = src === undefined ? null : ctx.shape(src);
    if (!I || I.length !== 4 || !R.every((d) => typeof d === 'number')) continue;
    const n = R as number[];
    let pairs: [number, number, number, number] | null = null; // outer H, inner H, outer W, inner W
    if (n[1]! * n[2]! === I[1] && n[3]! * n[4]! === I[2]) pairs = [n[1]!, n[2]!, n[3]!, n[4]!]; // NHWC
    else if (n[2]! * n[3]! === I[2] && n[4]! * n[5]! === I[3]) pairs = [n[2]!, n[3]!, n[4]!, n[5]!]; // NCHW
    if (!pairs) continue;
    const inner = pairs[1] * pairs[3];
    const outer = pairs[0] * pairs[2];
    if (inner === outer) continue;
    if (tokens === inner) return { kind: 'window', reshape: r };
    if (tokens === outer) return { kind: 'grid', reshape: r };
  }
  return null;
}

function partitioned(ctx: IdeaContext, kind: Partition): number[] {
  return attentionSites(ctx)
    .filter((a) => {
      const s = ctx.shape(a.score);
      const t = s?.[s.length - 1];
      return typeof t === 'number' && partitionOf(ctx, a.score, t)?.kind === kind;
    })
    .map((a) => a.softmax);
}

/** a roll: two slices of one tensor concatenated back to its own shape */
function isRoll(ctx: IdeaContext, c: number): boolean {
  const ps = ctx.preds[c]!;
  if (ps.length !== 2 || !ps.every((p) => ctx.cat(p) === 'slice')) return false;
  const src = ps.map((p) => ctx.preds[p]![0]);
  if (src[0] === undefined || src[0] !== src[1]) return false;
  return JSON.stringify(ctx.shape(src[0]!)) === JSON.stringify(ctx.shape(c));
}

export const WINDOW_MIXER_IDEAS: IdeaDetector[] = [
  { id: 'window_attention', detect: (ctx) => found(ctx, partitioned(ctx, 'window')) },
  { id: 'grid_attention', detect: (ctx) => found(ctx, partitioned(ctx, 'grid')) },
  {
    // the map is rolled (slice + concat on a spatial axis) right before it is cut into windows
    id: 'shifted_windows',
    detect(ctx) {
      const parts = new Set<number>();
      const rolls: number[] = [];
      for (const c of ctx.all('concat').filter((c) => isRoll(ctx, c))) {
        const r = ctx.walk('forward', c, (j) => ctx.cat(j) === 'slice' || ctx.cat(j) === 'concat' || ctx.cat(j) === 'pad', (j) => ctx.cat(j) === 'reshape' && ctx.rank(j) === 6, 6);
        if (r.length) {
          rolls.push(c);
          for (const x of r) parts.add(x);
        }
      }
      return rolls.length ? found(ctx, rolls, parts.size) : null;
    },
  },
  {
    // four strided slices of one map concatenated (4C), then norm and a linear 4C → 2C
    id: 'patch_merging',
    detect(ctx) {
      const hits = ctx.all('concat').filter((c) => {
        const ps = ctx.preds[c]!;
        if (ps.length !== 4) return false;
        const roots = ps.map((p) => ctx.behind(p, (j) => ctx.cat(j) === 'slice'));
        if (!ps.every((p) => ctx.cat(p) === 'slice') || new Set(roots).size !== 1) return false;
        return ctx.walk('forward', c, (j) => ctx.isNorm(j) || ctx.isPlumbing(j), (j) => ctx.cat(j) === 'linear', 3).some((l) => {
          const n = ctx.nodes[l]!;
          return !!n.inChannels && !!n.outChannels && 2 * n.outChannels === n.inChannels;
        });
      });
      return found(ctx, hits);
    },
  },
  {
    // a learned table of (2w−1)² entries per head added to the w²×w² window scores
    id: 'relative_position_bias',
    detect(ctx) {
      const hits: number[] = [];
      for (const a of attentionSites(ctx)) {
        const s = ctx.shape(a.score);
        const t = s?.[s.length - 1];
        if (typeof t !== 'number') continue;
        const w = Math.round(Math.sqrt(t));
        if (w * w !== t || w < 2) continue;
        const bias = ctx.walk('forward', a.score, (j) => ['mul', 'div', 'reshape', 'add'].includes(ctx.cat(j)) && j !== a.softmax, (j) => ctx.cat(j) === 'add' && ctx.nodes[j]!.params > 0, 4);
        if (bias.some((b) => ctx.nodes[b]!.params % ((2 * w - 1) * (2 * w - 1)) === 0)) hits.push(a.softmax);
      }
      return found(ctx, hits);
    },
  },
  {
    // transpose → linear → activation → linear → transpose: an MLP across the token axis
    id: 'token_mixing_mlp',
    detect(ctx) {
      const hits = ctx.all('linear').filter((l) => {
        if (ctx.cat(ctx.preds[l]![0] ?? l) !== 'transpose') return false;
        return ctx.walk('forward', l, (j) => ctx.isAct(j) || ctx.cat(j) === 'dropout', (j) => ctx.cat(j) === 'linear', 3).some((l2) =>
          ctx.walk('forward', l2, (j) => ctx.cat(j) === 'dropout', (j) => ctx.cat(j) === 'transpose', 2).length > 0,
        );
      });
      return found(ctx, hits);
    },
  },
  {
    // beside token mixing: norm → linear → activation → linear per token across channels
    id: 'channel_mixing_mlp',
    detect(ctx, known) {
      if (!known.token_mixing_mlp) return null;
      const hits = ctx.all('linear').filter((l) => {
        const p = ctx.preds[l]![0];
        if (p === undefined || !ctx.isNorm(p)) return false;
        return ctx.walk('forward', l, (j) => ctx.isAct(j) || ctx.cat(j) === 'dropout', (j) => ctx.cat(j) === 'linear', 3).length > 0;
      });
      return found(ctx, hits);
    },
  },
];
