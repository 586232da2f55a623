"""Continued training from a shipped model set on a rebuilt dataset (`train.py --init-from-set`).

A new dataset brings a new vocabulary and answer list (new words: the design
ideas; new answers), so the shipped weights cannot be loaded as they are. This
carries every weight over by *meaning*:

- token-indexed rows (text and caption token embeddings, the caption output
  layer's rows and bias, the MLM bias) are copied by token string; a token
  the old vocabulary lacked keeps the fresh initialisation of `ArchBert`;
- QA output rows are copied by answer string; a new answer keeps the fresh
  row and the prior bias (`-log A`, as model.py starts every answer);
- every other tensor must have the same shape in both configurations
  (hidden sizes, layers, ops and bins unchanged: refused otherwise);
- `graph_readout` on a set trained without it: the projection gets a third
  block of zero columns, so the start embedding is exactly the shipped one's
  and training decides what the [graph] node adds;
- bin columns the dataset appends (the "blocks" layout after "log": block
  counts on the [graph] node): their embedding tables start at zero, so
  again the start embeddings are the shipped set's;
- `head_graph_state` on a set trained without it: the reasoning and QA heads'
  first layers get zero columns for the [graph] node's state, so the heads
  start answering exactly as the shipped set's;
- `head_node_attention` on a set trained without it: likewise zero columns for the
  node readout (model.py NodeReadout, whose own weights start fresh).

The source is the checkpoint weights_from_onnx.py rebuilds from the set's ONNX
files (the MLM / MAM heads and the temperature, never exported, start fresh).
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import torch

from model import Config, node_readout_width

# state-dict keys whose first axis is a token id, and whose first axis is an answer id
TOKEN_ROWS = ("text.tok.weight", "text.mlm_bias", "caption.tok.weight", "caption.out.weight", "caption.out.bias")


# ArchEncoder's embedding table of one bin column
BIN_TABLE = re.compile(r"arch\.bins\.\d+\.weight")

# QAHead.net = Linear, GELU, Dropout, Linear: the last one has a row per answer
ANSWER_ROWS = ("qa.net.3.weight", "qa.net.3.bias")

# the heads' first layers: the columns after the pair features read the [graph] node's state
HEAD_INPUT_LAYERS = ("reasoning.net.0.weight", "qa.net.0.weight")


def read_list(path: Path, field: str) -> list:
    return json.loads(path.read_text())[field]


def row_map(old: list, new: list) -> list:
    """(new index, old index) for every entry of `new` that `old` has."""
    where = {s: i for i, s in enumerate(old)}
    return [(j, where[s]) for j, s in enumerate(new) if s in where]


def with_zero_columns(key: str, src, dst, widths_fit: bool):
    """src's columns, then zero columns up to dst's width (an input the source never read), so the
    layer computes what it did; refused unless the rows agree and `widths_fit`."""
    if src.shape[0] != dst.shape[0] or not widths_fit:
        raise ValueError(f"{key}: shape {tuple(src.shape)} cannot grow into {tuple(dst.shape)}")
    return torch.cat([src, torch.zeros(dst.shape[0], dst.shape[1] - src.shape[1])], 1)


def carry_over(src_state: dict, src_cfg: dict, dst_state: dict, dst_cfg: dict, old_tokens: list, new_tokens: list,
               old_answers: list, new_answers: list) -> tuple[dict, dict]:
    """dst_state (a fresh ArchBert's) with the source weights carried over; and a report."""
    out = {k: v.clone() for k, v in dst_state.items()}
    tok = row_map(old_tokens, new_tokens)
    ans = row_map(old_answers, new_answers)
    answer_keys = ANSWER_ROWS
    readout_added = bool(dst_cfg.get("graph_readout")) and not bool(src_cfg.get("graph_readout"))
    head_state_added = bool(dst_cfg.get("head_graph_state")) and not bool(src_cfg.get("head_graph_state"))
    node_attention_added = bool(dst_cfg.get("head_node_attention")) and not bool(src_cfg.get("head_node_attention"))
    # what the heads' first layers read beyond the source's inputs: zero columns (model.py head_width)
    head_columns_added = ((dst_cfg["hidden"] if head_state_added else 0)
                          + (node_readout_width(Config(**dst_cfg)) if node_attention_added else 0))
    added_bins = [k for k in dst_state if BIN_TABLE.fullmatch(k) and k not in src_state]
    for k in added_bins:
        out[k] = torch.zeros_like(dst_state[k])
    for k, dst in dst_state.items():
        if k not in src_state:
            continue  # a tensor the source never had keeps its fresh value (an added bin table: zero)
        src = src_state[k]
        if k in TOKEN_ROWS or k in answer_keys:
            pairs = tok if k in TOKEN_ROWS else ans
            j = torch.tensor([a for a, _ in pairs], dtype=torch.long)
            i = torch.tensor([b for _, b in pairs], dtype=torch.long)
            if src.shape[1:] != dst.shape[1:]:
                raise ValueError(f"{k}: shape {tuple(src.shape)} cannot map onto {tuple(dst.shape)}")
            out[k][j] = src[i]
        elif k == "arch.proj.weight" and readout_added:
            out[k] = with_zero_columns(k, src, dst, src.shape[1] * 3 == dst.shape[1] * 2)
        elif k in HEAD_INPUT_LAYERS and head_columns_added:
            out[k] = with_zero_columns(k, src, dst, dst.shape[1] - src.shape[1] == head_columns_added)
        else:
            if src.shape != dst.shape:
                raise ValueError(f"{k}: shape {tuple(src.shape)} in the source, {tuple(dst.shape)} here "
                                 "(continued training keeps the hidden sizes, layers, ops and bins)")
            out[k] = src.clone()
    # a new answer starts at the prior, as ArchBert.__init__ starts every answer
    bias_key = answer_keys[1]
    carried = {j for j, _ in ans}
    prior = -math.log(max(2, len(new_answers)))
    for j in range(len(new_answers)):
        if j not in carried:
            out[bias_key][j] = prior
    report = {"tokens_carried": len(tok), "tokens_new": len(new_tokens) - len(tok),
              "answers_carried": len(ans), "answers_new": len(new_answers) - len(ans),
              "readout_added": readout_added, "head_state_added": head_state_added,
              "head_node_attention_added": node_attention_added,
              "bin_tables_added": len(added_bins),
              "fresh": sorted(k for k in dst_state if k not in src_state)}
    return out, report
