#!/usr/bin/python3
"""Train ArchBERT from the JSONL written by `archbert dataset build`.

    /usr/bin/python3 training/archbert/train.py --data training/out/archbert-data \
        [--ckpt training/out/archbert-ckpt] [--epochs 6] [--max-minutes 110] [--seed 1]

Losses per step (one batch of graphs, each paired with one of its texts):
  contrastive  symmetric InfoNCE between text and architecture embeddings,
               learned temperature; in-batch negatives plus a mined hard
               negative per graph (its most similar graph by op histogram /
               a same-family sibling) placed in the same batch; texts shared by
               two graphs are not counted as negatives;
  mlm          masked language modelling on the batch's texts (15 %, 80/10/10);
  mam          masked architecture modelling on a quarter of the graphs;
  reasoning    BCE of the reasoning head on one statement per graph
               (true / false / hard-negative false);
  qa           multi-label BCE of the QA head on one question per graph;
  caption      teacher-forced cross-entropy of the caption decoder.

Resumable: the checkpoint (model, optimizer, step, elapsed time, RNG states,
loss log) is written atomically every --ckpt-minutes and at each epoch end;
rerunning the same command continues. --max-minutes stops cleanly (checkpoint
saved, `finished: false` recorded) so export.py can still run; the learning
rate follows a cosine over max(step progress, time progress), so a cut-short
run still anneals. --chunk-minutes ends one call early (a window of a GPU
lease) while the schedule keeps --max-minutes as the whole run's budget;
--max-rss-gib ends it the same way once the process holds that much memory
(glibc tuned with MALLOC_MMAP_MAX_=0 keeps every freed page, so a long CPU
run grows until the kernel kills it; a rerun starts with a fresh heap);
--ckpt-split-mib writes the resumable checkpoint in parts of a bounded size.

Issue 17 options, all off by default (the bundled set's recipe is unchanged):
--graph-readout (model.py), --multi-positive (contrastive.py),
--family-negatives (sampler.py), --bucket-bins (bucket_bins.py), --anchor-weight
(start_set_arch_encoder).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bucket_bins import straddled_edges  # noqa: E402
from data import (caption_io, load_dataset, collate_graphs, dense_adj, edge_index, mask_ops, mask_tokens,  # noqa: E402
                  pad_numbers, pad_tokens)
from checkpoint_files import (checkpoint_exists, compact_optimizer_state, load_checkpoint,  # noqa: E402,F401
                              restore_optimizer_state, save_atomic, save_checkpoint, save_slim, torch_load)
from contrastive import multi_positive_infonce, positive_matrix  # noqa: E402
from device_model import DeviceModel  # noqa: E402
from evaluate import evaluate_split  # noqa: E402
from model import ArchBert, Config, count_params, last_valid_state  # noqa: E402
from sampler import Sampler  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
LOSS_WEIGHTS = {"contrastive": 1.0, "mlm": 0.5, "mam": 0.5, "reasoning": 1.0, "qa": 1.0, "caption": 1.0}


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(REPO / "training/out/archbert-data"))
    ap.add_argument("--ckpt", default=str(REPO / "training/out/archbert-ckpt"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch", type=int, default=16, help="graphs per step (half anchors, half mined neighbours)")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--real-fraction", type=float, default=0.2,
                    help="oversample real architectures to about this share of each epoch")
    ap.add_argument("--max-minutes", type=float, default=110.0, help="stop cleanly after this much training time")
    ap.add_argument("--ckpt-minutes", type=float, default=5.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--val-graphs", type=int, default=400, help="val graphs for the per-epoch check (0 = skip)")
    ap.add_argument("--fresh", action="store_true", help="ignore an existing checkpoint")
    ap.add_argument("--init-from", default=None,
                    help="start from the weights of this checkpoint (same hyper-parameters and data), with a new "
                         "optimizer and learning-rate schedule: continued training, e.g. on CPU after a GPU run")
    ap.add_argument("--init-from-set", default=None,
                    help="start from a shipped model set (e.g. models/archbert) on a rebuilt dataset: the weights are "
                         "rebuilt from its ONNX files (weights_from_onnx.py) and carried over by token and answer "
                         "string (warm_start.py); new optimizer and schedule")
    ap.add_argument("--device", default="cpu", help="cpu | cuda | cuda:N (batches are built on the CPU, with the "
                    "CPU random generators, then moved; the CPU path is unchanged)")
    ap.add_argument("--graph-agg", choices=("auto", "sparse", "dense"), default="auto",
                    help="GNN aggregation in training: sparse edge lists (CPU) or the dense adjacency the export "
                         "uses (auto: sparse on the CPU, dense elsewhere: model.py's sparse path allocates on the CPU)")
    ap.add_argument("--cache", default=str(REPO / "training/out/archbert-cache"),
                    help="dataset pickle cache folder ('' = none)")
    ap.add_argument("--slim-dir", default=None,
                    help="with every checkpoint also write a weights-only copy, split into slim.pt.partN files of at "
                         "most --slim-part-mib (gpu/join_slim.py joins them into a last.pt export.py reads)")
    ap.add_argument("--slim-part-mib", type=float, default=14.0)
    # issue 17 options; each off by default, so the bundled set's recipe runs exactly as before
    ap.add_argument("--multi-positive", action="store_true",
                    help="contrastive positives = every graph of the batch in the text's relevance list (contrastive.py)")
    ap.add_argument("--family-negatives", action="store_true",
                    help="batches of anchors, their mined neighbour and a same-family (real) / same-style (generated) "
                         "graph: a third of --batch anchors instead of half")
    ap.add_argument("--bucket-bins", action="store_true",
                    help="require a dataset whose bins.json puts every size-bucket edge of the text between two bins "
                         "(bucket_bins.py); refuses today's log-grid bins")
    ap.add_argument("--number-lr-factor", type=float, default=1.0,
                    help="with --number-channel: the channel's learning rate is this times --lr (param_groups)")
    ap.add_argument("--block-bins-lr-factor", type=float, default=1.0,
                    help="with a dataset of the \"blocks\" bin layout: the block-count bin tables' learning rate is this "
                         "times --lr (param_groups)")
    ap.add_argument("--output-bins-lr-factor", type=float, default=1.0,
                    help="with a dataset of the \"output\" bin layout: the output-width bin table's learning rate is "
                         "this times --lr (param_groups)")
    ap.add_argument("--canonical-caption-share", type=float, default=0.0,
                    help="share of the caption decoder's targets given to a graph's canonical (fact-list) caption when "
                         "it has one, the rest drawn from its other captions; 0 = one of all its captions, uniformly")
    ap.add_argument("--heads-only", action="store_true",
                    help="train only the reasoning and QA heads of a set continued with --init-from-set (or --init-from): "
                         "every other weight stays as it starts, so retrieval, the embedding and captions stay the set's, "
                         "and a step computes only the two heads' losses (HEAD_PREFIXES)")
    ap.add_argument("--freeze-text", action="store_true",
                    help="keep the text encoder of a set continued with --init-from-set (or --init-from) as it starts and "
                         "train the rest: queries, questions and statements are then embedded exactly as the set embeds "
                         "them, and the MLM loss, which moves only that encoder, is skipped. Needs a dataset in the set's "
                         "vocabulary (archbert dataset build --vocab SET/vocab.json)")
    ap.add_argument("--anchor-weight", type=float, default=0.0,
                    help="with --init-from-set: add this times the mean (1 - cosine) between each batch graph's "
                         "embedding and the one the set's own architecture encoder gives it (a frozen copy), so the "
                         "embeddings the set matched queries against move only as far as the other losses pay for "
                         "(0 = off)")
    ap.add_argument("--chunk-minutes", type=float, default=0.0,
                    help="stop this call (checkpoint saved) once this much wall-clock time has passed since it started, "
                         "start-up included; rerun the same command to continue. --max-minutes stays the whole run's "
                         "training budget, over which the learning rate anneals (0 = no chunking)")
    ap.add_argument("--max-rss-gib", type=float, default=0.0,
                    help="stop this call as --chunk-minutes does (checkpoint saved; rerun the same command to "
                         "continue) once the process's resident memory exceeds this many GiB, with exit status 75 "
                         "(0 = no limit)")
    ap.add_argument("--ckpt-split-mib", type=float, default=0.0,
                    help="write the resumable checkpoint as last.pt.partN files of at most this size + last.json "
                         "(0 = one last.pt)")
    ap.add_argument("--opt-state-dtype", choices=("float32", "bfloat16"), default="float32",
                    help="dtype the AdamW moments are saved in (bfloat16: a checkpoint about a third smaller; resuming "
                         "is then not bit-identical)")
    for k, v in Config().to_dict().items():
        if k in ("vocab_size", "n_ops", "bin_sizes", "n_answers", "max_nodes", "max_text"):
            continue
        if isinstance(v, bool):
            ap.add_argument("--" + k.replace("_", "-"), action="store_true", default=v)
        else:
            ap.add_argument("--" + k.replace("_", "-"), type=type(v), default=v)
    return ap.parse_args(argv)


def pick_texts(graphs, rng):
    """One contrastive text per graph: a query or a caption, 50/50 when both exist."""
    out = []
    for g in graphs:
        use_q = g.queries and (not g.captions or rng.random() < 0.5)
        out.append(rng.choice(g.queries if use_q else g.captions))
    return out


def pick_statement(g, rng):
    if not g.statements:
        return None
    pos = [s for s in g.statements if s["label"] == 1]
    neg = [s for s in g.statements if s["label"] == 0]
    if pos and (not neg or rng.random() < 0.5):
        return rng.choice(pos)
    hard = [s for s in neg if s.get("hard_negative")]
    return rng.choice(hard if hard and rng.random() < 0.5 else neg)


def pick_caption(g, rng, canonical_share=0.0):
    """The caption decoder's target for graph g. By default one of its captions, uniformly: a real
    architecture has one canonical caption (the fact list) among ten paraphrases, most of which open
    with the family's name, so the decoder learns to start by naming a family, and on a family it has
    never seen it names a wrong one. With canonical_share > 0 the canonical caption is the target that
    share of the time (a graph without one, or with no other caption, is drawn from as before)."""
    k = g.canonical_caption
    if canonical_share <= 0 or k is None or len(g.captions) < 2:
        return rng.choice(g.captions)
    if rng.random() < canonical_share:
        return g.captions[k]
    return rng.choice(g.captions[:k] + g.captions[k + 1:])


def train_step(model, ds, batch_idx, graphs, rng, trng, args, dev=torch.device("cpu"), sparse=True, anchor=None):
    """Batches, masks and targets are built on the CPU with the CPU generators
    (rng, trng: the same draws on every device) and moved to `dev`; on the CPU
    every .to(dev) is a no-op. sparse=False: dense adjacency (built on dev).
    anchor: the start set's frozen architecture encoder (--anchor-weight)."""
    cfg = model.cfg
    G = [graphs[i] for i in batch_idx]
    B = len(G)
    ops_c, bins_c, adj, mask_c = collate_graphs(G, with_adj=sparse)
    N = ops_c.shape[1]
    edges = edge_index(G, N)
    ops, bins, mask = ops_c.to(dev), bins_c.to(dev), mask_c.to(dev)
    if sparse:
        adj, edges = adj.to(dev), tuple(e.to(dev) for e in edges)
        arch_in = (ops, bins, adj, mask, edges)
    else:
        adj = dense_adj(edges, B, N, dev)
        arch_in = (ops, bins, adj, mask)
    a_emb, a_states = model.arch(*arch_in)
    losses = {}
    if anchor is not None:
        with torch.no_grad():
            start_emb = anchor(*arch_in)[0]
        losses["anchor"] = (1.0 - F.cosine_similarity(a_emb, start_emb, dim=-1)).mean()
    # the [graph] node's final state, for heads that read it (Config.head_graph_state)
    a_graph = last_valid_state(a_states, mask) if cfg.head_graph_state else None

    def graph_rows(idx):
        return None if a_graph is None else a_graph[torch.tensor(idx).to(dev)]

    def node_rows(idx):
        """The node states and mask of the given batch rows, for heads that read them (Config.head_node_attention)."""
        if not cfg.head_node_attention:
            return None, None
        ix = torch.tensor(idx).to(dev)
        return a_states[ix], mask[ix]

    # --heads-only: the contrastive, MLM, MAM and caption losses would move no trainable weight
    heads_only = getattr(args, "heads_only", False)
    freeze_text = getattr(args, "freeze_text", False)
    if not heads_only:
        # contrastive (with false-negative masking for texts two graphs share)
        chosen = pick_texts(G, rng)
        t_ids_c, t_mask_c = pad_tokens([tok for _, tok in chosen])
        t_ids, t_mask = t_ids_c.to(dev), t_mask_c.to(dev)
        t_num = pad_numbers([tok for _, tok in chosen], ds.numbers).to(dev)
        t_emb, t_states = model.text(t_ids, t_mask, t_num)
        scale = model.log_inv_temp.exp().clamp(max=100.0)
        logits = scale * t_emb @ a_emb.t()  # [text i, graph j]
        if getattr(args, "multi_positive", False):
            losses["contrastive"] = multi_positive_infonce(logits, positive_matrix(G, chosen, ds.text_sets))
        else:
            same = torch.tensor([[j != i and chosen[i][0] in ds.text_sets[G[j].idx] for j in range(B)] for i in range(B)])
            logits = logits.masked_fill(same.to(dev), -1e4)
            target = torch.arange(B).to(dev)
            losses["contrastive"] = 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target))

        # MLM on the same texts (it trains the text encoder alone: nothing to move under --freeze-text; the masks
        # are drawn all the same, so the MAM masks after them come from the generator as in a run without the flag)
        m_ids, m_labels = mask_tokens(t_ids_c, t_mask_c, cfg.vocab_size, trng)
        if not freeze_text and (m_labels != -100).any():
            m_ids, m_labels = m_ids.to(dev), m_labels.to(dev)
            _, m_states = model.text(m_ids, t_mask, t_num)
            sel = m_labels != -100
            losses["mlm"] = F.cross_entropy(model.text.mlm_logits(m_states[sel]), m_labels[sel])

        # MAM on a quarter of the graphs (a separate masked pass)
        q = max(1, B // 4)
        o_ids, o_labels = mask_ops(ops_c[:q], mask_c[:q], cfg.n_ops, trng)
        if (o_labels != -100).any():
            o_ids, o_labels = o_ids.to(dev), o_labels.to(dev)
            if sparse:
                keep = edges[0] < q * N  # the first q graphs' edges
                _, mam_states = model.arch(o_ids, bins[:q], adj[:q], mask[:q], (edges[0][keep], edges[1][keep]))
            else:
                _, mam_states = model.arch(o_ids, bins[:q], adj[:q], mask[:q])
            sel = o_labels != -100
            losses["mam"] = F.cross_entropy(model.arch.mam(mam_states[sel]), o_labels[sel])

    # reasoning
    st = [(i, pick_statement(g, rng)) for i, g in enumerate(G)]
    st = [(i, s) for i, s in st if s is not None]
    if st:
        s_ids, s_mask = pad_tokens([s["tokens"] for _, s in st])
        s_num = pad_numbers([s["tokens"] for _, s in st], ds.numbers)
        s_emb, _ = model.text(s_ids.to(dev), s_mask.to(dev), s_num.to(dev))
        lab = torch.tensor([float(s["label"]) for _, s in st]).to(dev)
        rows = [i for i, _ in st]
        lg = model.reasoning.logits(s_emb, a_emb[torch.tensor(rows).to(dev)], graph_rows(rows), *node_rows(rows))
        losses["reasoning"] = F.binary_cross_entropy_with_logits(lg, lab)

    # QA (questions with at least one answer in the vocabulary)
    qs = []
    for i, g in enumerate(G):
        cand = [x for x in g.qa if x["answer_ids"]]
        if cand:
            qs.append((i, rng.choice(cand)))
    if qs:
        q_ids, q_mask = pad_tokens([x["tokens"] for _, x in qs])
        q_num = pad_numbers([x["tokens"] for _, x in qs], ds.numbers)
        q_emb, _ = model.text(q_ids.to(dev), q_mask.to(dev), q_num.to(dev))
        tgt = torch.zeros(len(qs), cfg.n_answers)
        for r, (_, x) in enumerate(qs):
            tgt[r, x["answer_ids"]] = 1.0
        tgt = tgt.to(dev)
        rows = [i for i, _ in qs]
        lg = model.qa(q_emb, a_emb[torch.tensor(rows).to(dev)], graph_rows(rows), *node_rows(rows))
        # summed over answers (a mean over hundreds of mostly-negative labels vanishes)
        losses["qa"] = F.binary_cross_entropy_with_logits(lg, tgt, reduction="sum") / len(qs)

    if not heads_only:
        # captioning, teacher forcing
        # at most half the batch: the vocabulary-sized output layer dominates the step
        share = getattr(args, "canonical_caption_share", 0.0)
        caps = [(i, pick_caption(g, rng, share)) for i, g in enumerate(G) if g.captions][: max(1, B // 2)]
        if caps:
            io = [caption_io(tok) for _, (_, tok) in caps]
            d_in, _ = pad_tokens([x for x, _ in io])
            d_out, d_m = pad_tokens([y for _, y in io])
            rows = torch.tensor([i for i, _ in caps]).to(dev)
            lg = model.caption.all_logits(d_in.to(dev), a_states[rows], mask[rows])
            d_out = d_out.masked_fill(d_m == 0, -100).to(dev)
            losses["caption"] = F.cross_entropy(lg.reshape(-1, lg.shape[-1]), d_out.reshape(-1), ignore_index=-100)

    weights = {**LOSS_WEIGHTS, "anchor": getattr(args, "anchor_weight", 0.0)}
    total = sum(weights[k] * v for k, v in losses.items())
    return total, {k: float(v) for k, v in losses.items()}


# options that change what a step computes: a resumed run must keep them (a checkpoint
# written before they existed had them off)
TRAINING_OPTIONS = {"multi_positive": False, "family_negatives": False, "bucket_bins": False, "number_lr_factor": 1.0,
                    "block_bins_lr_factor": 1.0, "canonical_caption_share": 0.0, "output_bins_lr_factor": 1.0,
                    "heads_only": False, "freeze_text": False, "anchor_weight": 0.0}

# what --heads-only trains: the reasoning and QA heads (model.py ReasoningHead, QAHead)
HEAD_PREFIXES = ("reasoning.", "qa.")


def freeze_all_but_heads(model) -> None:
    """--heads-only: no gradient for any weight outside the heads. The encoders then build no autograd graph,
    and AdamW never sees their weights (param_groups keeps trainable ones only)."""
    for name, p in model.named_parameters():
        p.requires_grad_(name.startswith(HEAD_PREFIXES))


# what --freeze-text keeps: the text encoder (model.py TextEncoder), its MLM layers and number channel included
TEXT_PREFIX = "text."


def freeze_text_encoder(model) -> None:
    """--freeze-text: no gradient for the text encoder's weights; AdamW never sees them (param_groups)."""
    for name, p in model.named_parameters():
        if name.startswith(TEXT_PREFIX):
            p.requires_grad_(False)


def set_train_mode(model, heads_only: bool, freeze_text: bool = False) -> None:
    """Training mode; frozen parts (everything but the heads with --heads-only, the text encoder with
    --freeze-text) stay in eval mode, so what trains learns from the embeddings and states that inference
    gives it (no dropout upstream)."""
    model.train(not heads_only)
    if heads_only:
        for prefix in HEAD_PREFIXES:
            getattr(model, prefix.rstrip(".")).train()
    if freeze_text:
        model.text.eval()


def resident_gib() -> float:
    """The process's resident memory now, in GiB (Linux /proc/self/statm: resident pages × page size)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 30


def option_mismatch(saved_args: dict, args) -> list:
    """'--flag SAVED' for each training option the checkpoint was run with otherwise."""
    return [f"--{k.replace('_', '-')} {saved_args.get(k, default)}" for k, default in TRAINING_OPTIONS.items()
            if saved_args.get(k, default) != getattr(args, k)]


def same_cfg(saved: dict, cfg: Config) -> bool:
    """A checkpoint's config equals this run's, fields added since it was written
    taking their defaults (graph_readout off = the encoder it was trained with)."""
    return Config(**saved).to_dict() == cfg.to_dict()


def bin_table_params(bin_names: list, wanted) -> set:
    """State-dict names of the arch encoder's bin embedding tables whose bins.json feature name `wanted` accepts."""
    return {f"arch.bins.{i}.weight" for i, name in enumerate(bin_names) if wanted(name)}


def block_bin_params(bin_names: list) -> set:
    """The tables of the "blocks" layout's block-count columns (features named graph_blocks_*; bin-layout.ts)."""
    return bin_table_params(bin_names, lambda name: name.startswith("graph_blocks_"))


def output_bin_params(bin_names: list) -> set:
    """The table of the "output" layout's output-width column (graph_output_width; bin-layout.ts)."""
    return bin_table_params(bin_names, lambda name: name == "graph_output_width")


def param_groups(model, args, bin_names: list = ()) -> list:
    """One AdamW group, plus one per learning-rate factor other than 1: --number-lr-factor for the number
    channel, --block-bins-lr-factor for the block-count bin tables, --output-bins-lr-factor for the
    output-width table. Each starts at zero inside a trained encoder when a set is continued (warm_start.py),
    and Adam moves a weight by at most about lr per step, so at the continued run's small lr they would stay
    nearly silent; their lr is the factor times the rest's. Frozen weights (--heads-only) are left out."""
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    special = [([p for n, p in named if n.startswith("text.num.")], args.number_lr_factor)]
    # (flag, factor, the tables it moves, what they are, the layout that has them)
    for flag, factor, tables, what, layout in (
            ("--block-bins-lr-factor", args.block_bins_lr_factor, block_bin_params(list(bin_names)), "block-count columns", "blocks"),
            ("--output-bins-lr-factor", args.output_bins_lr_factor, output_bin_params(list(bin_names)), "output-width column", "output")):
        if factor != 1.0 and not tables:
            sys.exit(f"{flag}: the dataset's bins.json has no {what} (archbert dataset build --bins {layout})")
        special.append(([p for n, p in named if n in tables], factor))
    groups = [{"params": params, "lr_mult": factor} for params, factor in special if params and factor != 1.0]
    apart = {id(p) for g in groups for p in g["params"]}
    return [{"params": [p for _, p in named if id(p) not in apart]}] + groups


def lr_factor(step, progress, warmup):
    w = min(1.0, (step + 1) / max(1, warmup))
    return w * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def base_set_state(model, set_dir: Path, ds) -> tuple[dict, dict, list]:
    """A shipped set's weights in `model`'s configuration (built for `ds`), carried over by meaning
    (warm_start.py); the carry-over report; and the tensors the set's files could not supply
    (weights_from_onnx.py rebuild: they hold `model`-fresh values)."""
    from warm_start import carry_over, read_list
    from weights_from_onnx import rebuild, verify
    src_cfg, src_state, manifest, missing = rebuild(set_dir)
    verify(src_cfg, src_state, set_dir)
    if json.loads((set_dir / "ops.json").read_text()) != json.loads((Path(ds.root) / "ops.json").read_text()):
        sys.exit(f"{set_dir / 'ops.json'}: differs from the dataset's; the architecture encoder cannot carry over")
    src_bins = json.loads((set_dir / "bins.json").read_text())
    dst_bins = json.loads((Path(ds.root) / "bins.json").read_text())
    # the dataset may append bin columns (the "blocks" layout after "log"); the set's columns come first, unchanged
    if src_bins["features"] != dst_bins["features"][: len(src_bins["features"])]:
        sys.exit(f"{set_dir / 'bins.json'}: its columns are not the dataset's first columns; the architecture encoder "
                 "cannot carry over")
    state, report = carry_over(src_state, src_cfg.to_dict(), model.state_dict(), model.cfg.to_dict(),
                               read_list(set_dir / "vocab.json", "tokens"), ds.vocab["tokens"],
                               read_list(set_dir / "answers.json", "answers"), ds.answers)
    return state, report, missing


def start_set_arch_encoder(cfg: Config, set_dir: Path, ds):
    """The start set's architecture encoder in this run's configuration, frozen (--anchor-weight). Built
    without touching torch's global generator, so a resumed run draws what an uninterrupted one does."""
    rng_state = torch.get_rng_state()
    start = ArchBert(cfg)
    start.load_state_dict(base_set_state(start, set_dir, ds)[0])
    torch.set_rng_state(rng_state)
    arch = start.arch.eval()
    for p in arch.parameters():
        p.requires_grad_(False)
    return arch


def init_from_set(model, set_dir: Path, ds) -> dict:
    """Load a shipped set's weights into `model` (built for `ds`), carried over by meaning (warm_start.py)."""
    state, report, _missing = base_set_state(model, set_dir, ds)
    model.load_state_dict(state)
    manifest = json.loads((set_dir / "manifest.json").read_text())
    # kept in every checkpoint: the manifest's training history continues the shipped set's
    # the set's file hashes: a resumed --anchor-weight run rebuilds its anchor from the same files or stops
    return {"model_set": str(set_dir), "data_hash": manifest["data"]["hash"], "report": report,
            "training": manifest.get("training", {}), "set_files": manifest.get("files", {})}


def main(argv=None):
    args = parse_args(argv)
    # refused before the data load (minutes on a full dataset), and before the checkpoint directory exists
    if not 0 <= args.canonical_caption_share <= 1:
        sys.exit(f"--canonical-caption-share {args.canonical_caption_share}: a share, between 0 and 1")
    if not (math.isfinite(args.max_rss_gib) and args.max_rss_gib >= 0) or (
            args.max_rss_gib > 0 and not os.path.exists("/proc/self/statm")):
        sys.exit(f"--max-rss-gib {args.max_rss_gib:g}: a size ≥ 0 in GiB, read from /proc/self/statm (Linux)")
    if args.head_node_attention and not args.head_graph_state:
        # one exported head signature per step of the heads' inputs (export.py head_signature)
        sys.exit("--head-node-attention: needs --head-graph-state (the node readout comes after the [graph] node's state)")
    if args.anchor_weight < 0 or (args.anchor_weight and args.heads_only):
        sys.exit(f"--anchor-weight {args.anchor_weight}: a weight ≥ 0, for a run whose architecture encoder trains "
                 "(not --heads-only)")
    t_start = time.time()
    torch.set_num_threads(args.threads)
    dev = torch.device(args.device)
    if dev.type == "cuda":  # fail before the data load, not after it
        if not torch.cuda.is_available():
            sys.exit(f"--device {args.device}: torch {torch.__version__} sees no CUDA device")
        torch.zeros(1, device=dev).add_(1).item()
        print(f"device: {torch.cuda.get_device_name(dev)}, torch {torch.__version__}", flush=True)
    sparse = args.graph_agg == "sparse" or (args.graph_agg == "auto" and dev.type == "cpu")
    ckpt_dir = Path(args.ckpt)
    ckpt_dir.mkdir(parents=True, exist_ok=True)

    t_load = time.time()
    ds = load_dataset(args.data, args.cache or None)
    train_graphs = ds.split("train")
    print(f"data: {len(ds.graphs)} graphs ({len(train_graphs)} train), vocab {ds.vocab_size}, "
          f"{ds.n_ops} ops, {len(ds.answers)} answers, loaded in {time.time() - t_load:.1f}s", flush=True)
    if args.canonical_caption_share > 0:
        n_canon = sum(g.canonical_caption is not None for g in train_graphs)
        if not n_canon:
            sys.exit("--canonical-caption-share: no training graph has a caption marked canonical in texts.jsonl "
                     "(a dataset written before the flag?)")
        print(f"canonical captions: {n_canon} of {len(train_graphs)} training graphs; "
              f"{args.canonical_caption_share:.0%} of caption targets", flush=True)
    if args.bucket_bins:
        problems = straddled_edges(ds.bins_file)
        if problems:
            sys.exit("--bucket-bins: this dataset's bins.json puts size-bucket edges inside a bin (bucket_bins.py; "
                     "rebuild it with bucket-aligned bins):\n  " + "\n  ".join(problems))

    cfg_kw = {k: getattr(args, k) for k in Config().to_dict() if hasattr(args, k)}
    cfg = Config(**{**cfg_kw, "vocab_size": ds.vocab_size, "n_ops": ds.n_ops, "bin_sizes": ds.bin_sizes,
                    "n_answers": len(ds.answers)})

    state = None
    if checkpoint_exists(ckpt_dir) and not args.fresh:
        state = load_checkpoint(ckpt_dir, map_location="cpu")
        if state["data_hash"] != ds.data_hash() or not same_cfg(state["cfg"], cfg):
            print("checkpoint belongs to other data or hyper-parameters: starting fresh (use another --ckpt to keep it)",
                  file=sys.stderr)
            state = None
        elif option_mismatch(state["args"], args):
            sys.exit(f"{ckpt_dir}: checkpoint was trained with {', '.join(option_mismatch(state['args'], args))}; "
                     "resume with the same options, or use another --ckpt")
        elif state["epoch"] >= args.epochs:
            print("checkpoint already finished: nothing to do (use --fresh to retrain)")
            return 0

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    model = ArchBert(cfg).to(dev)
    # both flags keep the text encoder (and --heads-only the rest but the heads) as it starts: it must start trained
    frozen_text = "--heads-only" if args.heads_only else "--freeze-text" if args.freeze_text else None
    if frozen_text and state is None and not (args.init_from or args.init_from_set):
        sys.exit(f"{frozen_text}: the {'encoders' if args.heads_only else 'text encoder'} would stay random; continue "
                 "a set (--init-from-set) or a checkpoint (--init-from)")
    if args.heads_only:
        freeze_all_but_heads(model)
    elif args.freeze_text:
        freeze_text_encoder(model)
    bin_names = [f["name"] for f in ds.bins_file["features"]]
    opt = torch.optim.AdamW(param_groups(model, args, bin_names), lr=args.lr, weight_decay=args.weight_decay)
    sampler = Sampler(train_graphs, ds.n_ops, args.batch, args.real_fraction, args.seed, args.family_negatives)
    total_steps = args.epochs * sampler.steps_per_epoch()
    epoch, step, elapsed, log = 0, 0, 0.0, []
    init_source = None
    rng = random.Random(args.seed)
    trng = torch.Generator().manual_seed(args.seed)
    if state is not None:
        model.load_state_dict(state["model"])
        opt.load_state_dict(restore_optimizer_state(state["opt"]))
        epoch, step, elapsed, log = state["epoch"], state["step"], state["elapsed"], state["log"]
        init_source = state.get("init_source")
        rng.setstate(state["rng"])
        trng.set_state(state["trng"])
        torch.set_rng_state(state["torch_rng"])
        if dev.type == "cuda" and state.get("cuda_rng") is not None:
            torch.cuda.set_rng_state(state["cuda_rng"], dev)
        print(f"resumed at epoch {epoch}, step {step}, {elapsed / 60:.1f} min trained", flush=True)
    elif args.init_from:
        init = torch_load(Path(args.init_from), map_location="cpu")
        if init["data_hash"] != ds.data_hash() or not same_cfg(init["cfg"], cfg):
            sys.exit(f"{args.init_from}: trained on other data or hyper-parameters than this run")
        model.load_state_dict(init["model"])
        print(f"initialised from {args.init_from} (step {init.get('step')}, {init.get('elapsed', 0) / 60:.1f} min trained)", flush=True)
    elif args.init_from_set:
        init_source = init_from_set(model, Path(args.init_from_set), ds)
        if frozen_text and init_source["report"].get("tokens_new"):
            sys.exit(f"{frozen_text}: {init_source['report']['tokens_new']} of the dataset's tokens are new to "
                     f"{args.init_from_set}, and their frozen rows would stay random; train on data in the set's "
                     f"vocabulary (archbert dataset build --vocab {args.init_from_set}/vocab.json), or run without "
                     f"{frozen_text}")
        print(f"initialised from the model set {args.init_from_set}: {json.dumps(init_source['report'])}", flush=True)
    anchor = None
    if args.anchor_weight:
        if not (init_source or {}).get("model_set"):
            sys.exit("--anchor-weight: needs the set the run starts from (--init-from-set)")
        now = json.loads((Path(init_source["model_set"]) / "manifest.json").read_text()).get("files", {})
        if init_source.get("set_files", now) != now:
            sys.exit(f"--anchor-weight: {init_source['model_set']} is no longer the set this run started from "
                     "(its files changed); the anchor would hold the embeddings to another set")
        anchor = start_set_arch_encoder(cfg, Path(init_source["model_set"]), ds).to(dev)
        print(f"anchor: the embeddings of {init_source['model_set']}'s architecture encoder, weight "
              f"{args.anchor_weight}", flush=True)
    print(f"model: {count_params(model):,} exported parameters; {sampler.steps_per_epoch()} steps/epoch "
          f"(real ×{sampler.real_factor}), {total_steps} planned; device {dev}, "
          f"{'sparse' if sparse else 'dense'} aggregation", flush=True)

    # the last checkpoint's write time, carried across calls (the chunk stop keeps twice that in hand)
    save_seconds = [float((state or {}).get("save_seconds", 5.0))]

    def checkpoint(finished=False, plan=None, pos=0):
        t_save = time.time()
        full = {"model": model.state_dict(), "opt": compact_optimizer_state(opt.state_dict(), args.opt_state_dtype),
                "cfg": cfg.to_dict(), "args": vars(args),
                "epoch": epoch, "step": step, "elapsed": elapsed, "log": log, "rng": rng.getstate(),
                "trng": trng.get_state(), "torch_rng": torch.get_rng_state(), "finished": finished,
                "data_hash": ds.data_hash(), "plan": plan, "plan_pos": pos,
                "total_steps": total_steps, "threads": args.threads, "save_seconds": save_seconds[0],
                "init_source": init_source}
        if dev.type != "cpu":
            full["device"] = str(dev)
            if dev.type == "cuda":
                full["cuda_rng"] = torch.cuda.get_rng_state(dev)
        save_checkpoint(full, ckpt_dir, int(args.ckpt_split_mib * 2 ** 20))
        if args.slim_dir:
            slim = {k: full[k] for k in ("cfg", "args", "epoch", "step", "elapsed", "log", "finished", "data_hash",
                                         "total_steps", "threads", "init_source")}
            slim["model"] = {k: v.detach().cpu() for k, v in model.state_dict().items()}
            slim["device"] = str(dev)
            save_slim(slim, Path(args.slim_dir), int(args.slim_part_mib * 2 ** 20))
        save_seconds[0] = time.time() - t_save

    budget = args.max_minutes * 60
    chunk_end = t_start + args.chunk_minutes * 60 if args.chunk_minutes > 0 else None
    stop = chunk_stop = memory_stop = False
    first_step = True
    last_ckpt = time.time()
    while epoch < args.epochs and not stop:
        # an interrupted epoch resumes at the same batch with the same plan
        if state is not None and state.get("plan") is not None and state["epoch"] == epoch:
            plan, pos = state["plan"], state["plan_pos"]
            state = None
        else:
            plan, pos = sampler.epoch(rng), 0
        sums, counts = {}, {}
        set_train_mode(model, args.heads_only, args.freeze_text)
        t_ep = time.time()
        while pos < len(plan):
            t0 = time.time()
            progress = max(step / max(1, total_steps), elapsed / budget)
            for gparam in opt.param_groups:
                gparam["lr"] = args.lr * gparam.get("lr_mult", 1.0) * lr_factor(step, progress, args.warmup)
            loss, parts = train_step(model, ds, plan[pos], train_graphs, rng, trng, args, dev, sparse, anchor)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            for k, v in parts.items():
                sums[k] = sums.get(k, 0.0) + v
                counts[k] = counts.get(k, 0) + 1
            pos += 1
            step += 1
            elapsed += time.time() - t0
            if first_step:  # fail fast: the whole step path (and backward on the device) has run once
                first_step = False
                print(f"first step ok: {time.time() - t0:.2f}s ({time.time() - t_start:.1f}s after start), loss {float(loss):.4f} {parts}", flush=True)
            if step % 50 == 0:
                avg = {k: round(sums[k] / counts[k], 4) for k in sums}
                print(f"epoch {epoch} step {step} ({pos}/{len(plan)}) {elapsed / 60:.1f} min "
                      f"lr {opt.param_groups[0]['lr']:.2e} {avg}", flush=True)
            if elapsed >= budget:
                stop = True
                break
            if chunk_end is not None and time.time() + 2 * save_seconds[0] + 2 >= chunk_end:
                stop = chunk_stop = True
                break
            if args.max_rss_gib > 0 and resident_gib() > args.max_rss_gib:
                stop = chunk_stop = memory_stop = True
                break
            if time.time() - last_ckpt > args.ckpt_minutes * 60:
                checkpoint(plan=plan, pos=pos)
                last_ckpt = time.time()
        entry = {"epoch": epoch, "steps": pos, "complete": pos >= len(plan), "minutes": round(elapsed / 60, 2),
                 "epoch_seconds": round(time.time() - t_ep, 1),
                 "loss": {k: round(sums[k] / counts[k], 4) for k in sums}}
        if chunk_stop and pos < len(plan):
            entry["chunk_end"] = True  # the epoch goes on in the next call; its val check comes at its end
        elif args.val_graphs and ds.split("val"):
            sub = ds.split("val")[: args.val_graphs]
            from types import SimpleNamespace
            vds = SimpleNamespace(split=lambda _n: sub, answers=ds.answers, vocab=ds.vocab, numbers=ds.numbers)
            v = evaluate_split(model if dev.type == "cpu" else DeviceModel(model, dev), vds, "val",
                               include_family=True, with_caption=False)
            entry["val"] = {"r1": v["retrieval"]["r1"], "r5": v["retrieval"]["r5"],
                            "reasoning_acc": v["reasoning"]["accuracy"], "qa_em": v["qa"]["exact_match"]}
        log.append(entry)
        print("EPOCH " + json.dumps(entry), flush=True)
        if pos >= len(plan):
            epoch += 1
        checkpoint(finished=False, plan=None if pos >= len(plan) else plan, pos=pos)
        last_ckpt = time.time()
    finished = epoch >= args.epochs
    mid_epoch = not finished and pos < len(plan)
    checkpoint(finished=finished, plan=plan if mid_epoch else None, pos=pos if mid_epoch else 0)
    # exit 75 (EX_TEMPFAIL) after a memory stop, so a loop can tell "rerun me" from done
    # (`until train.py …; [ $? -ne 75 ]; do :; done`)
    if finished:
        why, status = "finished", 0
    elif elapsed >= budget:
        why, status = "stopped at the time budget", 0
    elif memory_stop:
        why, status = f"memory above --max-rss-gib {args.max_rss_gib:g} (rerun the same command to continue)", 75
    else:
        why, status = "chunk done (rerun the same command to continue)", 0
    print(f"{why}: {step} steps, {elapsed / 60:.1f} min", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
