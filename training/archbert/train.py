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
run still anneals.
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
from data import (caption_io, load_dataset, collate_graphs, edge_index, hard_neighbours, mask_ops, mask_tokens,  # noqa: E402
                  pad_tokens)
from evaluate import evaluate_split  # noqa: E402
from model import ArchBert, Config, count_params  # noqa: E402

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
    for k, v in Config().to_dict().items():
        if k in ("vocab_size", "n_ops", "bin_sizes", "n_answers", "max_nodes", "max_text"):
            continue
        ap.add_argument("--" + k.replace("_", "-"), type=type(v), default=v)
    return ap.parse_args(argv)


def save_atomic(obj, path: Path):
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


class Sampler:
    """Epoch plan: anchors shuffled, grouped into size-sorted chunks (padding
    efficiency), each anchor joined by its mined hard neighbour."""

    def __init__(self, graphs, n_ops, batch, real_fraction, seed):
        self.graphs = graphs
        self.half = max(1, batch // 2)
        self.nb = hard_neighbours(graphs, n_ops, seed=seed)
        real = [i for i, g in enumerate(graphs) if g.source == "real"]
        gen = len(graphs) - len(real)
        self.real_factor = 1
        if real and gen and real_fraction > 0:
            self.real_factor = max(1, min(50, round(real_fraction * gen / ((1 - real_fraction) * len(real)))))
        self.pool = list(range(len(graphs))) + real * (self.real_factor - 1)

    def epoch(self, rng: random.Random):
        pool = self.pool[:]
        rng.shuffle(pool)
        chunk = self.half * 50
        batches = []
        for c in range(0, len(pool), chunk):
            part = sorted(pool[c: c + chunk], key=lambda i: self.graphs[i].n)
            for b in range(0, len(part), self.half):
                anchors = part[b: b + self.half]
                seen, members = set(), []
                for a in anchors + [self.nb[a] for a in anchors]:
                    if a not in seen:
                        seen.add(a)
                        members.append(a)
                batches.append(members)
        rng.shuffle(batches)
        return batches

    def steps_per_epoch(self):
        return math.ceil(len(self.pool) / self.half)


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


def train_step(model, ds, batch_idx, graphs, rng, trng, args):
    cfg = model.cfg
    G = [graphs[i] for i in batch_idx]
    B = len(G)
    ops, bins, adj, mask = collate_graphs(G)
    edges = edge_index(G, ops.shape[1])
    a_emb, a_states = model.arch(ops, bins, adj, mask, edges)
    losses = {}

    # contrastive (with false-negative masking for texts two graphs share)
    chosen = pick_texts(G, rng)
    t_ids, t_mask = pad_tokens([tok for _, tok in chosen])
    t_emb, t_states = model.text(t_ids, t_mask)
    scale = model.log_inv_temp.exp().clamp(max=100.0)
    logits = scale * t_emb @ a_emb.t()  # [text i, graph j]
    same = torch.tensor([[j != i and chosen[i][0] in ds.text_sets[G[j].idx] for j in range(B)] for i in range(B)])
    logits = logits.masked_fill(same, -1e4)
    target = torch.arange(B)
    losses["contrastive"] = 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target))

    # MLM on the same texts
    m_ids, m_labels = mask_tokens(t_ids, t_mask, cfg.vocab_size, trng)
    if (m_labels != -100).any():
        _, m_states = model.text(m_ids, t_mask)
        sel = m_labels != -100
        losses["mlm"] = F.cross_entropy(model.text.mlm_logits(m_states[sel]), m_labels[sel])

    # MAM on a quarter of the graphs (a separate masked pass)
    q = max(1, B // 4)
    o_ids, o_labels = mask_ops(ops[:q], mask[:q], cfg.n_ops, trng)
    if (o_labels != -100).any():
        keep = edges[0] < q * ops.shape[1]  # the first q graphs' edges
        _, mam_states = model.arch(o_ids, bins[:q], adj[:q], mask[:q], (edges[0][keep], edges[1][keep]))
        sel = o_labels != -100
        losses["mam"] = F.cross_entropy(model.arch.mam(mam_states[sel]), o_labels[sel])

    # reasoning
    st = [(i, pick_statement(g, rng)) for i, g in enumerate(G)]
    st = [(i, s) for i, s in st if s is not None]
    if st:
        s_ids, s_mask = pad_tokens([s["tokens"] for _, s in st])
        s_emb, _ = model.text(s_ids, s_mask)
        lab = torch.tensor([float(s["label"]) for _, s in st])
        lg = model.reasoning.logits(s_emb, a_emb[torch.tensor([i for i, _ in st])])
        losses["reasoning"] = F.binary_cross_entropy_with_logits(lg, lab)

    # QA (questions with at least one answer in the vocabulary)
    qs = []
    for i, g in enumerate(G):
        cand = [x for x in g.qa if x["answer_ids"]]
        if cand:
            qs.append((i, rng.choice(cand)))
    if qs:
        q_ids, q_mask = pad_tokens([x["tokens"] for _, x in qs])
        q_emb, _ = model.text(q_ids, q_mask)
        tgt = torch.zeros(len(qs), cfg.n_answers)
        for r, (_, x) in enumerate(qs):
            tgt[r, x["answer_ids"]] = 1.0
        lg = model.qa(q_emb, a_emb[torch.tensor([i for i, _ in qs])])
        # summed over answers (a mean over hundreds of mostly-negative labels vanishes)
        losses["qa"] = F.binary_cross_entropy_with_logits(lg, tgt, reduction="sum") / len(qs)

    # captioning, teacher forcing
    # at most half the batch: the vocabulary-sized output layer dominates the step
    caps = [(i, rng.choice(g.captions)) for i, g in enumerate(G) if g.captions][: max(1, B // 2)]
    if caps:
        io = [caption_io(tok) for _, (_, tok) in caps]
        d_in, _ = pad_tokens([x for x, _ in io])
        d_out, d_m = pad_tokens([y for _, y in io])
        rows = torch.tensor([i for i, _ in caps])
        lg = model.caption.all_logits(d_in, a_states[rows], mask[rows])
        d_out = d_out.masked_fill(d_m == 0, -100)
        losses["caption"] = F.cross_entropy(lg.reshape(-1, lg.shape[-1]), d_out.reshape(-1), ignore_index=-100)

    total = sum(LOSS_WEIGHTS[k] * v for k, v in losses.items())
    return total, {k: float(v) for k, v in losses.items()}


def lr_factor(step, progress, warmup):
    w = min(1.0, (step + 1) / max(1, warmup))
    return w * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    ckpt_dir = Path(args.ckpt)
    ckpt_dir.mkdir(parents=True, exist_ok=True)
    ckpt_path = ckpt_dir / "last.pt"

    t_load = time.time()
    ds = load_dataset(args.data, REPO / "training/out/archbert-cache")
    train_graphs = ds.split("train")
    print(f"data: {len(ds.graphs)} graphs ({len(train_graphs)} train), vocab {ds.vocab_size}, "
          f"{ds.n_ops} ops, {len(ds.answers)} answers, loaded in {time.time() - t_load:.1f}s", flush=True)

    cfg_kw = {k: getattr(args, k) for k in Config().to_dict() if hasattr(args, k)}
    cfg = Config(**{**cfg_kw, "vocab_size": ds.vocab_size, "n_ops": ds.n_ops, "bin_sizes": ds.bin_sizes,
                    "n_answers": len(ds.answers)})

    state = None
    if ckpt_path.exists() and not args.fresh:
        state = torch.load(ckpt_path)
        if state["data_hash"] != ds.data_hash() or state["cfg"] != cfg.to_dict():
            print("checkpoint belongs to other data or hyper-parameters: starting fresh (use another --ckpt to keep it)",
                  file=sys.stderr)
            state = None
        elif state["epoch"] >= args.epochs:
            print("checkpoint already finished: nothing to do (use --fresh to retrain)")
            return 0

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    model = ArchBert(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    sampler = Sampler(train_graphs, ds.n_ops, args.batch, args.real_fraction, args.seed)
    total_steps = args.epochs * sampler.steps_per_epoch()
    epoch, step, elapsed, log = 0, 0, 0.0, []
    rng = random.Random(args.seed)
    trng = torch.Generator().manual_seed(args.seed)
    if state is not None:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        epoch, step, elapsed, log = state["epoch"], state["step"], state["elapsed"], state["log"]
        rng.setstate(state["rng"])
        trng.set_state(state["trng"])
        torch.set_rng_state(state["torch_rng"])
        print(f"resumed at epoch {epoch}, step {step}, {elapsed / 60:.1f} min trained", flush=True)
    print(f"model: {count_params(model):,} exported parameters; {sampler.steps_per_epoch()} steps/epoch "
          f"(real ×{sampler.real_factor}), {total_steps} planned", flush=True)

    def checkpoint(finished=False, plan=None, pos=0):
        save_atomic({"model": model.state_dict(), "opt": opt.state_dict(), "cfg": cfg.to_dict(), "args": vars(args),
                     "epoch": epoch, "step": step, "elapsed": elapsed, "log": log, "rng": rng.getstate(),
                     "trng": trng.get_state(), "torch_rng": torch.get_rng_state(), "finished": finished,
                     "data_hash": ds.data_hash(), "plan": plan, "plan_pos": pos,
                     "total_steps": total_steps, "threads": args.threads}, ckpt_path)

    budget = args.max_minutes * 60
    stop = False
    last_ckpt = time.time()
    while epoch < args.epochs and not stop:
        # an interrupted epoch resumes at the same batch with the same plan
        if state is not None and state.get("plan") is not None and state["epoch"] == epoch:
            plan, pos = state["plan"], state["plan_pos"]
            state = None
        else:
            plan, pos = sampler.epoch(rng), 0
        sums, counts = {}, {}
        model.train()
        t_ep = time.time()
        while pos < len(plan):
            t0 = time.time()
            progress = max(step / max(1, total_steps), elapsed / budget)
            for gparam in opt.param_groups:
                gparam["lr"] = args.lr * lr_factor(step, progress, args.warmup)
            loss, parts = train_step(model, ds, plan[pos], train_graphs, rng, trng, args)
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
            if step % 50 == 0:
                avg = {k: round(sums[k] / counts[k], 4) for k in sums}
                print(f"epoch {epoch} step {step} ({pos}/{len(plan)}) {elapsed / 60:.1f} min "
                      f"lr {opt.param_groups[0]['lr']:.2e} {avg}", flush=True)
            if elapsed >= budget:
                stop = True
                break
            if time.time() - last_ckpt > args.ckpt_minutes * 60:
                checkpoint(plan=plan, pos=pos)
                last_ckpt = time.time()
        entry = {"epoch": epoch, "steps": pos, "complete": pos >= len(plan), "minutes": round(elapsed / 60, 2),
                 "epoch_seconds": round(time.time() - t_ep, 1),
                 "loss": {k: round(sums[k] / counts[k], 4) for k in sums}}
        if args.val_graphs and ds.split("val"):
            sub = ds.split("val")[: args.val_graphs]
            from types import SimpleNamespace
            vds = SimpleNamespace(split=lambda _n: sub, answers=ds.answers, vocab=ds.vocab)
            v = evaluate_split(model, vds, "val", include_family=True, with_caption=False)
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
    print(f"{'finished' if finished else 'stopped at the time budget'}: {step} steps, {elapsed / 60:.1f} min",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
