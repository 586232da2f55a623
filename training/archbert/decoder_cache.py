"""The caption decoder split for incremental decoding: the cross-attention
keys/values of an architecture computed once per search (`CrossKV`), and one
step that feeds only the new token(s) from a self-attention key/value cache
(`CaptionDecoderStep`). Issue 17: describe's widened beam re-ran the whole
prefix for every hypothesis at every step; the first cached step still
recomputed every node's cross K/V at every step, most of a step's time for
graphs of ~500 nodes.

Written from CaptionDecoder's own submodules (model.py is not changed), so the
pair computes exactly what CaptionDecoder.states computes for the same prefix:

  * cross-attention: a block's keys/values are its `cross.k` / `cross.v` of
    the node states, which do not depend on the prefix, so they are computed
    once per architecture ([A, N, H], not once per hypothesis) and gathered to
    the hypotheses by `arch_rows` at each step;
  * self-attention: the keys/values of earlier positions are the ones the
    full decoder computes for them (pre-norm: a position's K/V depends only
    on positions before it), kept in `past_kv` and extended by the new ones;
    a new token attends to every past position and to new ones up to itself
    (the causal mask of the full decoder, where the masked terms are
    exp(-1e4) = 0 in float32);
  * positions continue from the past length (past_kv's length axis), so no
    separate offset input can disagree with the cache;
  * the cache is reordered inside the model: `past_rows[i]` is the row of
    past_kv that hypothesis i continues (beam search keeps a hypothesis'
    parent's cache), so the runtime never copies the cache.

ONNX signatures:
  caption_cross_kv.onnx
    node_states [A, N, H] f32      the architectures (padding rows are masked at each step)
    -> cross_kv [L, 2, A, h, N, d] f32, cross-attention keys (0) / values (1) per layer
  caption_decoder_step.onnx
    input_ids [B, t] int64       the new token(s) of each hypothesis
    past_kv [L, 2, Bp, h, P, d]  f32, self-attention keys (0) / values (1) per layer; P = 0 at the first step
    past_rows [B] int64          row of past_kv each hypothesis continues
    cross_kv [L, 2, A, h, N, d] f32, node_mask [A, N] f32   the architectures, from caption_cross_kv
    arch_rows [B] int64          architecture of each hypothesis
    -> logits [B, V] (the last new position), present_kv [L, 2, B, h, P + t, d]
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn

from model import NEG, CaptionDecoder

CROSS_KV_INPUTS = ["node_states"]
CROSS_KV_OUTPUTS = ["cross_kv"]
CROSS_KV_AXES = {"node_states": {0: "archs", 1: "nodes"}, "cross_kv": {2: "archs", 4: "nodes"}}
STEP_INPUTS = ["input_ids", "past_kv", "past_rows", "cross_kv", "node_mask", "arch_rows"]
STEP_OUTPUTS = ["logits", "present_kv"]
STEP_AXES = {
    "input_ids": {0: "batch", 1: "new"},
    "past_kv": {2: "past_batch", 4: "past"},
    "past_rows": {0: "batch"},
    "cross_kv": {2: "archs", 4: "nodes"},
    "node_mask": {0: "archs", 1: "nodes"},
    "arch_rows": {0: "batch"},
    "logits": {0: "batch"},
    "present_kv": {2: "batch", 4: "total"},
}
# the export names of the pair (export.py SIGNATURES, add_cached_decoder.py, the runtime's heads.ts)
CROSS_KV, STEP = "caption_cross_kv", "caption_decoder_step"


def _heads(x, attn):
    """[B, T, D] -> [B, h, T, d] as Attention splits its projections."""
    b, t, _ = x.shape
    return x.view(b, t, attn.h, attn.d).transpose(1, 2)


def _attend(attn, q, k, v, bias):
    """Attention.forward from already split q [B,h,T,d], k/v [B,h,S,d]; bias broadcasts to [B,h,T,S]."""
    b, _, t, _ = q.shape
    att = torch.softmax((q @ k.transpose(-1, -2)) / math.sqrt(attn.d) + bias, -1)
    return attn.o((att @ v).transpose(1, 2).reshape(b, t, attn.h * attn.d))


class CrossKV(nn.Module):
    """The cross-attention keys/values of every decoder block for a batch of architectures."""

    def __init__(self, dec: CaptionDecoder):
        super().__init__()
        self.dec = dec

    def forward(self, node_states):
        return torch.stack([torch.stack([_heads(blk.cross.k(node_states), blk.cross),
                                         _heads(blk.cross.v(node_states), blk.cross)])
                            for blk in self.dec.blocks])


class CaptionDecoderStep(nn.Module):
    """One incremental step of a trained CaptionDecoder (eval mode: dropout is the identity)."""

    def __init__(self, dec: CaptionDecoder):
        super().__init__()
        self.dec = dec

    def forward(self, input_ids, past_kv, past_rows, cross_kv, node_mask, arch_rows):
        dec = self.dec
        t = input_ids.shape[1]
        p = past_kv.shape[4]
        pos = torch.arange(t, device=input_ids.device).unsqueeze(0) + p
        x = dec.tok(input_ids) + dec.pos(pos)
        # new token j (absolute position p + j) sees keys 0 .. p + j
        key_pos = torch.arange(t, device=input_ids.device).unsqueeze(0) + p  # [1, t]
        all_pos = torch.arange(t, device=input_ids.device).unsqueeze(1)      # [t, 1]: j
        causal = (key_pos > all_pos + p).to(x.dtype) * NEG                   # [t, t] over the new keys
        self_bias = torch.cat([torch.zeros(t, p, dtype=x.dtype, device=x.device), causal], 1)  # [t, p + t]
        mem_bias = ((1.0 - node_mask) * NEG).unsqueeze(1).unsqueeze(1).index_select(0, arch_rows)  # [B,1,1,N]
        presents = []
        for i, blk in enumerate(dec.blocks):
            past = past_kv[i].index_select(1, past_rows)  # [2, B, h, p, d]
            h = blk.ln1(x)
            k = torch.cat([past[0], _heads(blk.attn.k(h), blk.attn)], 2)
            v = torch.cat([past[1], _heads(blk.attn.v(h), blk.attn)], 2)
            presents.append(torch.stack([k, v]))
            x = x + _attend(blk.attn, _heads(blk.attn.q(h), blk.attn), k, v, self_bias)
            # keys and values are split while they are per architecture and only then gathered to
            # the hypotheses: splitting the gathered [2, B, h, N, d] copied B times more (in ONNX a
            # slice is a copy), which at N = 512 cost as much as the projections it saves
            ck = cross_kv[i, 0].index_select(0, arch_rows)  # [B, h, N, d]
            cv = cross_kv[i, 1].index_select(0, arch_rows)
            x = x + _attend(blk.cross, _heads(blk.cross.q(blk.ln_c(x)), blk.cross), ck, cv, mem_bias)
            x = x + blk.ff(blk.ln2(x))
        logits = dec.out(dec.ln(x[:, -1]))
        return logits, torch.stack(presents)


def empty_past(dec: CaptionDecoder, batch: int = 1) -> torch.Tensor:
    """The cache before the first step: no past positions."""
    a = dec.blocks[0].attn
    return torch.zeros(len(dec.blocks), 2, batch, a.h, 0, a.d)


def greedy_parity(dec: CaptionDecoder, node_states, node_mask, bos: int, steps: int = 20) -> float:
    """Max |full-prefix logits - step logits| over a greedy decode of `steps` tokens for
    every architecture of the batch (no stop at [eos]: every step is compared); the
    cross K/V are computed once, before the first step, as the runtime does."""
    dec.eval()
    step = CaptionDecoderStep(dec).eval()
    A = node_states.shape[0]
    rows = torch.arange(A)
    seq = torch.full((A, 1), bos, dtype=torch.long)
    past = empty_past(dec, 1)
    past_rows = torch.zeros(A, dtype=torch.long)
    worst = 0.0
    with torch.no_grad():
        cross = CrossKV(dec).eval()(node_states)
        for _ in range(steps):
            full = dec(seq, node_states, node_mask)
            logits, past = step(seq[:, -1:], past, past_rows, cross, node_mask, rows)
            past_rows = rows
            worst = max(worst, (full - logits).abs().max().item())
            seq = torch.cat([seq, full.argmax(-1, keepdim=True)], 1)
    return worst


def beam_parity(dec: CaptionDecoder, node_states, node_mask, bos: int, steps: int = 20) -> float:
    """Max |full-prefix logits - step logits| while the hypotheses are reordered as a beam
    reorders them (rows duplicated, swapped and dropped, several hypotheses per architecture),
    with forced tokens so every step is compared."""
    dec.eval()
    step = CaptionDecoderStep(dec).eval()
    g = torch.Generator().manual_seed(1)
    A, V = node_states.shape[0], dec.out.out_features
    arch_rows = torch.tensor([a % A for a in range(A + 2)])
    seq = torch.full((len(arch_rows), 1), bos, dtype=torch.long)
    past, past_rows = empty_past(dec, 1), torch.zeros(len(arch_rows), dtype=torch.long)
    worst = 0.0
    with torch.no_grad():
        cross = CrossKV(dec).eval()(node_states)
        for i in range(steps):
            full = dec(seq, node_states.index_select(0, arch_rows), node_mask.index_select(0, arch_rows))
            logits, past = step(seq[:, -1:], past, past_rows, cross, node_mask, arch_rows)
            worst = max(worst, (full - logits).abs().max().item())
            # the next step's hypotheses continue these parents (a beam's survivors; the count varies)
            parents = torch.randint(0, len(arch_rows), (len(arch_rows) - (i % 3 == 2) + (i % 3 == 0),), generator=g)
            past_rows, arch_rows = parents, arch_rows.index_select(0, parents)
            seq = torch.cat([seq.index_select(0, parents), torch.randint(7, V, (len(parents), 1), generator=g)], 1)
    return worst
