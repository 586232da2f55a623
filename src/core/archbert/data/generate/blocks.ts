/**
 * The block library of the generator: the layer patterns real networks are
 * made of (conv units in either order, separable and dilated convolutions,
 * squeeze-and-excitation, self-attention as exported op by op, factorized
 * reduction, inverted residuals and fused MBConv), each drawn onto a
 * GraphBuilder. The network styles (styles/) compose these.
 */
import type { Rng } from '../rng.js';
import type { GraphBuilder } from './graph-builder.js';

/** How a network's conv layers are dressed: one activation and norm throughout. */
export interface ConvStyle {
  act: string;
  norm: string | null;
  /** DARTS order: activation → conv → norm; otherwise conv → norm → activation. */
  preActivation: boolean;
}

/** The norm (if the style has one) and, unless withAct is false, the activation after a layer. */
export function normAct(b: GraphBuilder, x: number, st: ConvStyle, withAct = true): number {
  let y = x;
  if (st.norm) y = b.norm(y, st.norm);
  if (withAct) y = b.act(y, st.act);
  return y;
}

/** A conv "unit" in the network's style: act→conv→norm or conv→norm→act. */
export function convUnit(b: GraphBuilder, x: number, out: number, k: number | [number, number], st: ConvStyle, opts: Parameters<GraphBuilder['conv']>[3] = {}): number {
  if (st.preActivation) {
    const a = b.act(x, st.act);
    const c = b.conv(a, out, k, { bias: !st.norm, ...opts });
    return st.norm ? b.norm(c, st.norm) : c;
  }
  const c = b.conv(x, out, k, { bias: !st.norm, ...opts });
  return normAct(b, c, st);
}

/** Depthwise k×k then pointwise 1×1 (DARTS' separable conv; dilated when dilation > 1). */
export function sepConv(b: GraphBuilder, x: number, out: number, k: number, stride: number, st: ConvStyle, dilation = 1): number {
  const c = b.img(x).c;
  const pre = st.preActivation ? b.act(x, st.act) : x;
  const dw = b.conv(pre, c, k, { stride, groups: c, dilation });
  const pw = b.conv(dw, out, 1, { bias: !st.norm });
  let y = st.norm ? b.norm(pw, st.norm) : pw;
  if (!st.preActivation) y = b.act(y, st.act);
  return y;
}

/** Squeeze-and-excitation: global pool, bottleneck 1×1 convs, sigmoid gate multiplied back onto x. */
export function squeezeExcite(b: GraphBuilder, x: number, st: ConvStyle, rng: Rng): number {
  const c = b.img(x).c;
  const r = Math.max(4, Math.round(c / rng.pick([4, 8, 16])));
  const p = b.globalPool(x, 'global_avg_pool');
  const f1 = b.conv(p, r, 1, { bias: true });
  const a = b.act(f1, st.act === 'hard_swish' ? 'relu' : st.act);
  const f2 = b.conv(a, c, 1, { bias: true });
  const g = b.act(f2, st.act === 'hard_swish' ? 'hard_sigmoid' : 'sigmoid');
  return b.simple('mul', [x, g], b.shape(x));
}

/** Self-attention over the pixels of an image tensor: to tokens, layer norm, attention, back to an image. */
export function selfAttention(b: GraphBuilder, x: number, rng: Rng): number {
  const s = b.img(x);
  const tok = b.toTokens(x);
  const ln = b.norm(tok, 'layer_norm');
  const out = selfAttentionSeq(b, ln, rng);
  const back = b.toImage(out, s.h, s.w);
  return back;
}

/**
 * Multi-head self-attention over a token sequence, in the op pattern PyTorch exports.
 * window: tokens attend only within windows of this many tokens (Swin-style), so the
 * score matrix is t × window instead of t × t; causal: an additive mask (causal or shifted windows);
 * relativeBias: a learned bias table added to the scores.
 */
export function selfAttentionSeq(
  b: GraphBuilder,
  x: number,
  rng: Rng,
  causal = false,
  window?: number,
  relativeBias?: { heads: number; side: number },
): number {
  const { t, d } = b.seq(x);
  const span = window ? Math.min(t, window) : t;
  const fused = rng.chance(0.5);
  let q: number, k: number, v: number;
  if (fused) {
    const qkv = b.linear(x, 3 * d);
    const sp = b.simple('split', qkv, { kind: 'seq', t, d });
    q = sp;
    k = sp;
    v = sp;
  } else {
    q = b.linear(x, d);
    k = b.linear(x, d);
    v = b.linear(x, d);
  }
  const kt = b.simple('transpose', k);
  const scores = b.matmul(q, kt, { kind: 'seq', t, d: span }, t * span * d);
  const scaled = b.simple(rng.chance(0.5) ? 'div' : 'mul', scores);
  // Swin's relative position bias: a learned table of (2w−1)² entries per head added to the scores.
  const biased = relativeBias ? b.simple('add', scaled, undefined, { params: relativeBias.heads * (2 * relativeBias.side - 1) ** 2 }) : scaled;
  const masked = causal ? b.simple('add', biased) : biased;
  const attn = b.act(masked, 'softmax');
  const ctx = b.matmul(attn, v, { kind: 'seq', t, d }, t * span * d);
  return b.linear(ctx, d);
}

/** DARTS' factorized reduce: two strided 1×1 convs concatenated, halving the resolution without pooling. */
export function factorizedReduce(b: GraphBuilder, x: number, out: number, stride: number, st: ConvStyle): number {
  const a = b.act(x, st.act);
  if (stride === 1) {
    const c = b.conv(a, out, 1);
    return st.norm ? b.norm(c, st.norm) : c;
  }
  const half = Math.floor(out / 2);
  const c1 = b.conv(a, half, 1, { stride });
  const c2 = b.conv(a, out - half, 1, { stride });
  const cat = b.concat([c1, c2]);
  return st.norm ? b.norm(cat, st.norm) : cat;
}

/** MobileNetV2 inverted residual: 1×1 expand, depthwise k×k, optional SE, 1×1 project; residual when shapes match. */
export function invertedResidual(b: GraphBuilder, x: number, out: number, stride: number, st: ConvStyle, expand: number, k: number, se: boolean, rng: Rng): number {
  const c = b.img(x).c;
  const hidden = c * expand;
  let y = x;
  if (expand !== 1) y = normAct(b, b.conv(y, hidden, 1), st);
  y = normAct(b, b.conv(y, hidden, k, { stride, groups: hidden }), st);
  if (se) y = squeezeExcite(b, y, st, rng);
  y = b.conv(y, out, 1);
  if (st.norm) y = b.norm(y, st.norm);
  if (stride === 1 && c === out) y = b.elementwise('add', y, x);
  return y;
}

/** Fused-MBConv: a 3x3 conv expanding (or keeping) channels, then a 1x1 projection; residual when shapes match. */
export function fusedMBConv(b: GraphBuilder, x: number, out: number, stride: number, st: ConvStyle, expand: number): number {
  const c = b.img(x).c;
  let y = normAct(b, b.conv(x, c * expand, 3, { stride, bias: !st.norm }), st);
  if (expand !== 1) {
    y = b.conv(y, out, 1, { bias: !st.norm });
    if (st.norm) y = b.norm(y, st.norm);
  } else if (c !== out) y = normAct(b, b.conv(y, out, 1, { bias: !st.norm }), st, false);
  if (stride === 1 && c === out) y = b.elementwise('add', y, x);
  return y;
}
