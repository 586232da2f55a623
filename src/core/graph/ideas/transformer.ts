/**
 * Ideas of transformers: multi-head self-attention, cross-attention, causal
 * masking, encoder–decoder stacks, and the embeddings around them (patch
 * embedding, class token, learned / sinusoidal positions, token and segment
 * embeddings, tied output projection, BERT's tanh pooler).
 */
import type { IdeaDetector } from './detector.js';
import { found, type IdeaContext } from './context.js';

export interface AttentionSite {
  softmax: number;
  /** the QKᵀ product */
  score: number;
  /** where the query and key paths start (the first op that is not plumbing or a scale) */
  qOrigin: number;
  kOrigin: number;
  heads: number;
}

const SCORE_PATH = new Set(['add', 'sub', 'mul', 'div', 'reshape', 'transpose', 'other', 'slice', 'dropout', 'clip']);

/** the op a query/key path starts from: back through plumbing, scaling and the q/k/v projection */
function origin(ctx: IdeaContext, i: number): number {
  let j = i;
  for (let s = 0; s < 10; s++) {
    const c = ctx.cat(j);
    const p = ctx.preds[j]!;
    if (p.length !== 1) break;
    if (ctx.isPlumbing(j) || ((c === 'mul' || c === 'div') && !ctx.nodes[j]!.params) || c === 'linear') j = p[0]!;
    else break;
  }
  return j;
}

/** every softmax over a QKᵀ product whose weights multiply values */
export function attentionSites(ctx: IdeaContext): AttentionSite[] {
  return ctx.memo('attentionSites', () => findAttentionSites(ctx));
}

function findAttentionSites(ctx: IdeaContext): AttentionSite[] {
  const out: AttentionSite[] = [];
  for (const s of ctx.all('softmax')) {
    const av = ctx.walk('forward', s, (j) => ctx.cat(j) === 'dropout' || ctx.cat(j) === 'reshape' || ctx.cat(j) === 'transpose', (j) => ctx.cat(j) === 'matmul', 3);
    if (!av.length) continue;
    const score = ctx.walk('backward', s, (j) => SCORE_PATH.has(ctx.cat(j)), (j) => ctx.cat(j) === 'matmul', 6).find((m) => ctx.preds[m]!.length === 2);
    if (score === undefined) continue;
    const [q, k] = ctx.preds[score]! as [number, number];
    const shp = ctx.shape(score);
    let heads = 1;
    if (shp && shp.length >= 4 && typeof shp[shp.length - 3] === 'number') heads = shp[shp.length - 3] as number;
    else if (shp && shp.length === 3 && typeof shp[0] === 'number') heads = shp[0] as number;
    out.push({ softmax: s, score, qOrigin: origin(ctx, q), kOrigin: origin(ctx, k), heads });
  }
  return out;
}

const isSelf = (ctx: IdeaContext, a: AttentionSite) => a.qOrigin === a.kOrigin || ctx.behind(a.qOrigin) === ctx.behind(a.kOrigin);

/** the stem conv from the image input, if its kernel equals its stride (non-overlapping patches) */
function patchStem(ctx: IdeaContext): number | null {
  for (const i of ctx.inputNodes) {
    if (!ctx.isConv(i) || !ctx.hw(i)) continue;
    const k = ctx.kernel(i);
    const s = ctx.nodes[i]!.stride;
    if (k && s && k[0] >= 2 && k[0] === s[0] && k[1] === s[1]) return i;
  }
  return null;
}

/** a token sequence [B, T, D] add of a stored table of ≥ T rows of D (weights or buffers) to a single input */
function positionAdds(ctx: IdeaContext, kind: 'params' | 'buffers'): number[] {
  return ctx.all('add').filter((a) => {
    const n = ctx.nodes[a]!;
    const s = n.outShape;
    if (!s || s.length !== 3 || typeof s[1] !== 'number' || typeof s[2] !== 'number' || ctx.preds[a]!.length !== 1) return false;
    const v = kind === 'params' ? n.params : n.buffers;
    const other = kind === 'params' ? n.buffers : n.params;
    if (!v || other || v % s[2] !== 0 || v / s[2] < s[1]) return false;
    // next to the embedding: the input is a token embedding, a patch sequence (conv / concat) or their scaling
    const src = ctx.behind(ctx.preds[a]![0]!, (j) => ctx.cat(j) === 'mul');
    return ['embedding', 'concat', 'conv', 'linear', 'gather'].includes(ctx.cat(src)) || ctx.walk('backward', a, (j) => ctx.isPlumbing(j) || ctx.cat(j) === 'mul', (j) => ctx.cat(j) === 'embedding' || ctx.isConv(j), 4).length > 0;
  });
}

const tokenEmbeddings = (ctx: IdeaContext) => ctx.all('embedding').filter((i) => ctx.inputNodes.has(i) || ctx.nodes[i]!.params === 0);

export const TRANSFORMER_IDEAS: IdeaDetector[] = [
  {
    // fused attention ops, or a softmax over QKᵀ with ≥ 2 heads whose queries and keys come from one tensor
    id: 'multi_head_self_attention',
    detect(ctx) {
      const sites = attentionSites(ctx).filter((a) => a.heads >= 2 && isSelf(ctx, a));
      return found(ctx, [...ctx.all('attention'), ...sites.map((a) => a.softmax)]);
    },
  },
  {
    // queries from one stream, keys from another computed stream (decoder over encoder states)
    id: 'cross_attention',
    detect(ctx) {
      const sites = attentionSites(ctx).filter((a) => !isSelf(ctx, a));
      return found(ctx, sites.map((a) => a.softmax));
    },
  },
  {
    id: 'causal_mask',
    detect(ctx) {
      const sites = attentionSites(ctx);
      if (ctx.input.causalMask) return found(ctx, sites.map((a) => a.softmax).concat(ctx.all('attention')), null);
      // a stored square [S, S] constant mixed into self-attention scores (a mask folded into arithmetic)
      const masked = sites.filter((a) => isSelf(ctx, a) && squareConstantOnScores(ctx, a));
      return masked.length ? found(ctx, masked.map((a) => a.softmax), null) : null;
    },
  },
  {
    id: 'encoder_decoder_transformer',
    detect: (ctx, known) => (known.cross_attention && known.multi_head_self_attention ? { count: null, evidence: known.cross_attention.evidence.slice(0, 4) } : null),
  },
  {
    id: 'patch_embedding',
    detect(ctx) {
      const s = patchStem(ctx);
      return s === null ? null : found(ctx, [s], 1);
    },
  },
  {
    // one learned D-vector concatenated to the patch sequence [B, T, D]
    id: 'class_token',
    detect(ctx) {
      const hits = ctx.all('concat').filter((c) => {
        const s = ctx.shape(c);
        return !!s && s.length === 3 && ctx.nodes[c]!.params > 0 && ctx.nodes[c]!.params === s[2] && ctx.preds[c]!.length === 1;
      });
      return found(ctx, hits);
    },
  },
  { id: 'learned_position_embedding', detect: (ctx) => found(ctx, positionAdds(ctx, 'params')) },
  {
    // a stored table (a buffer), or sin/cos computed in the graph from constants, added to the token embeddings
    id: 'sinusoidal_position_encoding',
    detect(ctx) {
      const stored = positionAdds(ctx, 'buffers');
      if (stored.length) return found(ctx, stored);
      const ops = new Set((ctx.input.source?.nodes ?? []).map((n) => n.op));
      if (!ops.has('Sin') || !ops.has('Cos')) return null;
      const adds = ctx.all('add').filter((a) => {
        const n = ctx.nodes[a]!;
        return ctx.rank(a) === 3 && ctx.preds[a]!.length === 1 && !n.params && ctx.cat(ctx.behind(ctx.preds[a]![0]!, (j) => ctx.cat(j) === 'mul')) === 'embedding';
      });
      return found(ctx, adds);
    },
  },
  { id: 'token_embedding', detect: (ctx) => found(ctx, tokenEmbeddings(ctx)) },
  {
    // a second embedding from an input, with a small table (≤ 16 rows), summed with the token embedding
    id: 'segment_embedding',
    detect(ctx) {
      const embs = ctx.all('embedding').filter((i) => ctx.inputNodes.has(i) && ctx.nodes[i]!.params > 0);
      if (embs.length < 2) return null;
      const hits = embs.filter((i) => {
        const d = ctx.nodes[i]!.outChannels;
        return !!d && ctx.nodes[i]!.params / d <= 16 && ctx.succ[i]!.some((j) => ctx.cat(j) === 'add');
      });
      return found(ctx, hits);
    },
  },
  {
    // the vocabulary projection has no weights of its own: it reuses the embedding table (vocab × D)
    id: 'tied_embeddings',
    detect(ctx) {
      const tables = ctx.all('embedding').map((i) => ctx.nodes[i]!.params).filter((p) => p > 0);
      const hits = ctx.all('linear', 'matmul').filter((i) => {
        const n = ctx.nodes[i]!;
        if (n.params > 0 || !n.inChannels || !n.outChannels || ctx.preds[i]!.length !== 1) return false;
        return tables.some((t) => t === n.inChannels! * n.outChannels!);
      });
      return found(ctx, hits);
    },
  },
  {
    // the first token's state selected from [B, T, D], a dense layer, tanh
    id: 'pooler_cls',
    detect(ctx) {
      const hits = ctx.all('tanh').filter((t) => {
        const l = ctx.preds[t]![0];
        if (l === undefined || ctx.cat(l) !== 'linear' || ctx.rank(l) !== 2) return false;
        const sel = ctx.behind(ctx.preds[l]![0] ?? l, () => false);
        const pick = ctx.walk('backward', l, (j) => ctx.cat(j) === 'reshape' || ctx.cat(j) === 'flatten', (j) => ctx.cat(j) === 'gather' || ctx.cat(j) === 'slice', 3);
        return pick.some((p) => ctx.preds[p]!.some((q) => ctx.rank(q) === 3)) && sel >= 0;
      });
      return found(ctx, hits);
    },
  },
];

/** a constant of shape [S, S] (S = the score's key length) reaches the score path between QKᵀ and the softmax */
function squareConstantOnScores(ctx: IdeaContext, a: AttentionSite): boolean {
  const g = ctx.input.source;
  const shp = ctx.shape(a.score);
  const S = shp?.[shp.length - 1];
  if (!g || typeof S !== 'number') return false;
  const isSquare = (shape: number[]) => shape.length >= 2 && shape.slice(-2).every((d) => d === S) && shape.slice(0, -2).every((d) => d === 1);
  const square = (t: string, depth: number): boolean => {
    const init = g.initializers[t];
    if (init) return isSquare(init.shape);
    const n = ctx.producerOf(t);
    if (!n || depth > 3) return false;
    if (n.op === 'Constant') return isSquare(n.constValue?.shape ?? []);
    if (n.op === 'Trilu') return true;
    return ['Cast', 'Mul', 'Sub', 'Unsqueeze', 'Expand', 'Not'].includes(n.op) && n.inputs.some((x) => x && square(x, depth + 1));
  };
  // the ops between QKᵀ and the softmax
  const path: number[] = [];
  const seen = new Set<number>();
  let frontier = [...ctx.preds[a.softmax]!];
  for (let step = 0; step < 6 && frontier.length; step++) {
    const next: number[] = [];
    for (const j of frontier) {
      if (seen.has(j) || j === a.score || !SCORE_PATH.has(ctx.cat(j))) continue;
      seen.add(j);
      path.push(j);
      next.push(...ctx.preds[j]!);
    }
    frontier = next;
  }
  return path.some((j) => ctx.rawNodes(j).some((r) => r.inputs.some((t) => t && square(t, 0))));
}
