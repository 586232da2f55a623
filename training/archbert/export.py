#!/usr/bin/python3
"""Export a trained ArchBERT checkpoint to the ONNX set TypeScript runs, with
its manifest, parity file and measured metrics.

    /usr/bin/python3 training/archbert/export.py --data training/out/archbert-data \
        [--ckpt training/out/archbert-ckpt] [--out models/archbert] [--caption-limit 0]

Writes (atomically) into --out:
  text_encoder.onnx, arch_encoder.onnx, reasoning_head.onnx, qa_head.onnx,
  caption_decoder.onnx (one step), caption_cross_kv.onnx + caption_decoder_step.onnx
  (the cross-attention keys/values once per search, then one step from a
  key/value cache: decoder_cache.py), vocab.json, answers.json, ops.json,
  bins.json (copied from the dataset), training_only.npz (the training-only
  tensors, for a later --init-from-set), parity.json (saved inputs and the
  PyTorch outputs, checked by test/core/archbert/model/parity.test.ts with onnxruntime-node) and
  manifest.json (data hash, commit, seed, hyper-parameters, training time,
  parameter counts, sha256 of every file, metrics on "heldout" and "test").
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data import BOS, collate_graphs, load_dataset, pad_numbers, pad_tokens  # noqa: E402
from decoder_cache import (CROSS_KV, CROSS_KV_AXES, CROSS_KV_INPUTS, CROSS_KV_OUTPUTS, STEP, STEP_AXES,  # noqa: E402
                           STEP_INPUTS, STEP_OUTPUTS, CaptionDecoderStep, CrossKV)
from evaluate import evaluate_split  # noqa: E402
from model import TRAINING_ONLY_FILE, ArchBert, Config, count_params, last_valid_state, training_only_state  # noqa: E402
from train import torch_load  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
OPSET = 14


class TextExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask):
        return self.m(input_ids, attention_mask)


class NumberTextExport(TextExport):
    """The text encoder of a set with the number channel (Config.number_channel): a third input."""

    def forward(self, input_ids, attention_mask, numbers):
        return self.m(input_ids, attention_mask, numbers)


def text_export(text_encoder, cfg):
    """The text encoder's export wrapper and signature name (a third input with the number channel)."""
    if cfg.number_channel:
        return NumberTextExport(text_encoder).eval(), "text_encoder_numbers"
    return TextExport(text_encoder).eval(), "text_encoder"


TEXT_AXES = {"input_ids": {0: "batch", 1: "length"}, "attention_mask": {0: "batch", 1: "length"},
             "embedding": {0: "batch"}, "token_states": {0: "batch", 1: "length"}}

SIGNATURES = {
    "text_encoder": (["input_ids", "attention_mask"], ["embedding", "token_states"], TEXT_AXES),
    # a set trained with the number channel: the same encoder with a third input
    "text_encoder_numbers": (["input_ids", "attention_mask", "numbers"], ["embedding", "token_states"],
                             {**TEXT_AXES, "numbers": {0: "batch", 1: "length"}}),
    "arch_encoder": (["ops", "bins", "adj", "node_mask"], ["embedding", "node_states"],
                     {"ops": {0: "batch", 1: "nodes"}, "bins": {0: "batch", 1: "nodes"},
                      "adj": {0: "batch", 1: "nodes", 2: "nodes"}, "node_mask": {0: "batch", 1: "nodes"},
                      "embedding": {0: "batch"}, "node_states": {0: "batch", 1: "nodes"}}),
    "reasoning_head": (["text_embedding", "arch_embedding"], ["prob"],
                       {"text_embedding": {0: "batch"}, "arch_embedding": {0: "batch"}, "prob": {0: "batch"}}),
    "qa_head": (["question_embedding", "arch_embedding"], ["logits"],
                {"question_embedding": {0: "batch"}, "arch_embedding": {0: "batch"}, "logits": {0: "batch"}}),
    # a set trained with Config.head_graph_state: the heads' third input, the [graph] node's state
    "reasoning_head_graph_state": (["text_embedding", "arch_embedding", "arch_graph_state"], ["prob"],
                                   {"text_embedding": {0: "batch"}, "arch_embedding": {0: "batch"},
                                    "arch_graph_state": {0: "batch"}, "prob": {0: "batch"}}),
    "qa_head_graph_state": (["question_embedding", "arch_embedding", "arch_graph_state"], ["logits"],
                            {"question_embedding": {0: "batch"}, "arch_embedding": {0: "batch"},
                             "arch_graph_state": {0: "batch"}, "logits": {0: "batch"}}),
    # Config.head_node_attention as well: the node states and their mask, as the caption decoder reads them
    "reasoning_head_node_attention": (["text_embedding", "arch_embedding", "arch_graph_state", "node_states",
                                       "node_mask"], ["prob"],
                                      {"text_embedding": {0: "batch"}, "arch_embedding": {0: "batch"},
                                       "arch_graph_state": {0: "batch"}, "node_states": {0: "batch", 1: "nodes"},
                                       "node_mask": {0: "batch", 1: "nodes"}, "prob": {0: "batch"}}),
    "qa_head_node_attention": (["question_embedding", "arch_embedding", "arch_graph_state", "node_states",
                                "node_mask"], ["logits"],
                               {"question_embedding": {0: "batch"}, "arch_embedding": {0: "batch"},
                                "arch_graph_state": {0: "batch"}, "node_states": {0: "batch", 1: "nodes"},
                                "node_mask": {0: "batch", 1: "nodes"}, "logits": {0: "batch"}}),
    "caption_decoder": (["input_ids", "node_states", "node_mask"], ["logits"],
                        {"input_ids": {0: "batch", 1: "prefix"}, "node_states": {0: "batch", 1: "nodes"},
                         "node_mask": {0: "batch", 1: "nodes"}, "logits": {0: "batch"}}),
    CROSS_KV: (CROSS_KV_INPUTS, CROSS_KV_OUTPUTS, CROSS_KV_AXES),
    STEP: (STEP_INPUTS, STEP_OUTPUTS, STEP_AXES),
}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_json_atomic(path: Path, obj, indent=None):
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, indent=indent) + "\n")
    os.replace(tmp, path)


def write_training_only(out: Path, state: dict):
    """The tensors no ONNX part holds (model.py TRAINING_ONLY_PREFIXES), as a numpy archive (no pickle):
    a few hundred KB that let a continuation of this set start its MLM / MAM heads and temperature trained."""
    import numpy as np
    tmp = out / (TRAINING_ONLY_FILE + ".tmp")
    with open(tmp, "wb") as fh:
        np.savez(fh, **{k: v.detach().cpu().numpy() for k, v in training_only_state(state).items()})
    os.replace(tmp, out / TRAINING_ONLY_FILE)


def git_commit() -> str | None:
    try:
        c = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "training/archbert"], cwd=REPO,
                               capture_output=True, text=True).stdout.strip()
        return c + ("+dirty(training/archbert)" if dirty else "")
    except Exception:  # noqa: BLE001
        return None


def head_signature(cfg: Config, name: str) -> str:
    """The SIGNATURES key of a pair head ("reasoning_head", "qa_head"): with cfg.head_graph_state it
    takes the [graph] node's state as a third input, with cfg.head_node_attention the node states
    and their mask after it."""
    if cfg.head_node_attention:
        return name + "_node_attention"
    return name + "_graph_state" if cfg.head_graph_state else name


def head_example(cfg: Config, e, states, mask):
    """Example inputs of a pair head, given [B, E] embeddings and [B, N, H] node states with their mask."""
    if not cfg.head_graph_state:
        return (e, e.flip(0))
    g = last_valid_state(states, mask)
    return (e, e.flip(0), g, states, mask) if cfg.head_node_attention else (e, e.flip(0), g)


def export_onnx(module, name, example, out: Path, signature=None):
    inputs, outputs, axes = SIGNATURES[signature or name]
    tmp = out / f"{name}.onnx.tmp"
    with torch.no_grad():
        torch.onnx.export(module, example, str(tmp), input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL)
    import onnx
    onnx.checker.check_model(onnx.load(str(tmp)))
    os.replace(tmp, out / f"{name}.onnx")


def export_cached_pair(dec, states, mask, out: Path):
    """caption_cross_kv + caption_decoder_step (decoder_cache.py) of a trained decoder; the step is
    traced with a non-empty past, two new tokens and 3 hypotheses over 2 of the 3 architectures
    of `states` (all axes vary)."""
    cross = CrossKV(dec).eval()
    export_onnx(cross, CROSS_KV, (states,), out)
    attn = dec.blocks[0].attn
    past = torch.randn(len(dec.blocks), 2, 2, attn.h, 4, attn.d)
    with torch.no_grad():
        cross_kv = cross(states)
    export_onnx(CaptionDecoderStep(dec).eval(), STEP,
                (torch.randint(7, dec.out.out_features, (3, 2)), past, torch.tensor([1, 0, 1]), cross_kv, mask,
                 torch.tensor([2, 0, 2])), out)


def same_training_content(trained: Path, data: Path, ckpt_hash: str) -> dict:
    """The checkpoint saw only `trained`'s train split and vocabulary files; accept `data` for
    export and evaluation when those are identical (row for row), and say so in the manifest."""
    m = json.loads((trained / "manifest.json").read_text())
    if m.get("data_hash") != ckpt_hash:
        sys.exit(f"{trained}: data hash {m.get('data_hash')} is not the checkpoint's {ckpt_hash}")
    for f in ("vocab.json", "answers.json", "ops.json", "bins.json"):
        if sha256(trained / f) != sha256(data / f):
            sys.exit(f"{data / f}: differs from {trained / f}; the models cannot be evaluated on it")
    rows = 0
    for f in ("graphs.jsonl", "texts.jsonl", "qa.jsonl", "statements.jsonl"):
        def train_rows(path):
            with open(path) as fh:
                for line in fh:
                    if '"split":"train"' in line or json.loads(line).get("split") == "train":
                        yield line
        for a, b in __import__("itertools").zip_longest(train_rows(trained / f), train_rows(data / f)):
            if a != b:
                sys.exit(f"{data / f}: its train split differs from {trained / f}")
            rows += 1
    return {"hash": ckpt_hash, "dir": os.path.relpath(trained, REPO), "train_rows_compared": rows,
            "check": "train-split rows of graphs/texts/qa/statements and vocab/answers/ops/bins identical"}


def tolist(t):
    return t.detach().tolist()


def training_summary(state, depth=0):
    """How a checkpoint was trained; for a run started with --init-from, the run it started from too
    (read from that checkpoint when it is still there), so the manifest keeps the whole history."""
    device = state.get("device", "cpu")
    threads = state.get("threads", state["args"].get("threads", 1))
    out = {"minutes": round(state["elapsed"] / 60, 2), "steps": state["step"],
           "epochs_completed": state["epoch"], "epochs_planned": state["args"]["epochs"],
           "finished": bool(state.get("finished")), "torch_threads": threads, "device": device,
           "note": f"on {threads} CPU thread(s) of a shared 2-core machine" if device == "cpu" else f"trained on {device} (fp32)",
           "log": state["log"]}
    src = state["args"].get("init_from")
    if src and depth < 4:
        path = Path(src) if Path(src).is_absolute() else REPO / src
        if path.is_file():
            init = torch_load(path, map_location="cpu")
            out["initialised_from"] = {"checkpoint": src, **training_summary(init, depth + 1)}
            out["minutes_total"] = round(out["minutes"] + out["initialised_from"].get("minutes_total", out["initialised_from"]["minutes"]), 2)
            out["steps_total"] = out["steps"] + out["initialised_from"].get("steps_total", out["initialised_from"]["steps"])
        else:
            out["initialised_from"] = {"checkpoint": src, "note": "checkpoint not found at export time"}
    init_source = state.get("init_source")
    if init_source and not src:
        # continued from a shipped set (train.py --init-from-set): its history, as its manifest had it
        before = init_source["training"]
        out["initialised_from"] = {"model_set": init_source["model_set"], "data_hash": init_source["data_hash"],
                                   "carried_over": init_source["report"], **before}
        out["minutes_total"] = round(out["minutes"] + before.get("minutes_total", before.get("minutes", 0)), 2)
        out["steps_total"] = out["steps"] + before.get("steps_total", before.get("steps", 0))
    if state.get("interpolation"):
        # interpolate.py: the weights are this run's averaged with the set it started from
        out["interpolation"] = state["interpolation"]
    return out


def model_title(state) -> str:
    if state.get("interpolation"):
        i = state["interpolation"]
        return (f"ArchBERT, the model set {i['base_set']} and a run continued from it averaged in weight space "
                f"(interpolate.py, alpha {i['alpha']})")
    if state.get("init_source"):
        return f"ArchBERT, continued from the model set {state['init_source']['model_set']} (train.py --init-from-set)"
    if state["args"].get("init_from"):
        return "ArchBERT, continued from a checkpoint (train.py --init-from)"
    return "ArchBERT (CPU rebuild), trained from scratch"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(REPO / "training/out/archbert-data"))
    ap.add_argument("--ckpt", default=str(REPO / "training/out/archbert-ckpt"))
    ap.add_argument("--out", default=str(REPO / "models/archbert"))
    ap.add_argument("--caption-limit", type=int, default=500,
                    help="caption metrics on the first N graphs (with captions, split order) of a split; 0 = all")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--skip-eval", action="store_true", help="no metrics (development only)")
    ap.add_argument("--trained-on", default=None,
                    help="the dataset the checkpoint was trained on, when --data is a rebuild of it that differs only "
                         "outside the train split (e.g. evaluation fields added); checked row by row")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    ds = load_dataset(args.data, REPO / "training/out/archbert-cache")
    # a full checkpoint or a joined slim one (gpu/join_slim.py: no optimizer / RNG state), maybe saved on a GPU
    state = torch_load(Path(args.ckpt) / "last.pt", map_location="cpu")
    trained_on = None
    if state["data_hash"] != ds.data_hash():
        if not args.trained_on:
            sys.exit(f"{args.ckpt}: checkpoint was trained on data {state['data_hash']}, dataset is {ds.data_hash()}")
        trained_on = same_training_content(Path(args.trained_on), Path(args.data), state["data_hash"])
    cfg = Config(**state["cfg"])
    model = ArchBert(cfg)
    model.load_state_dict(state["model"])
    model.eval()

    # ---- ONNX, traced on shapes different from the parity inputs (dynamic axes must hold)
    torch.manual_seed(0)
    ids = torch.randint(7, cfg.vocab_size, (3, 11))
    am = torch.ones(3, 11, dtype=torch.long)
    am[1, 8:] = 0
    # .eval() on the wrapper too: torch.onnx.export restores the wrapper's mode
    # afterwards, recursively, which would put the text encoder back in training mode
    nums = torch.full((3, 11), -1.0)
    nums[0, 2], nums[2, 4:6] = 1.38, 7.6
    text_module, text_signature = text_export(model.text, cfg)
    export_onnx(text_module, "text_encoder", (ids, am, nums) if cfg.number_channel else (ids, am), out, text_signature)
    some = sorted(ds.graphs, key=lambda g: g.n)[:3]
    ops, bins, adj, mask = collate_graphs(some)
    export_onnx(model.arch, "arch_encoder", (ops, bins, adj, mask), out)
    e = torch.nn.functional.normalize(torch.randn(3, cfg.embed), dim=-1)
    _, states = model.arch(ops, bins, adj, mask)
    for name, head in (("reasoning_head", model.reasoning), ("qa_head", model.qa)):
        export_onnx(head, name, head_example(cfg, e, states, mask), out, head_signature(cfg, name))
    export_onnx(model.caption, "caption_decoder", (torch.randint(7, cfg.vocab_size, (3, 5)), states, mask), out)
    export_cached_pair(model.caption, states, mask, out)
    # the first version's one-file cached step, replaced by the pair: a stale copy in --out would be
    # listed in the manifest (and shipped) although no runtime reads it any more
    (out / "caption_decoder_cached.onnx").unlink(missing_ok=True)

    for f in ("vocab.json", "answers.json", "ops.json", "bins.json"):
        shutil.copyfile(Path(args.data) / f, out / (f + ".tmp"))
        os.replace(out / (f + ".tmp"), out / f)
    write_training_only(out, model.state_dict())

    # ---- parity: a few real inputs (with padding) and the PyTorch outputs
    model.eval()
    test = ds.split("test") or ds.graphs
    pg = [g for g in sorted(test, key=lambda g: g.n) if g.n >= 4][:2] or test[:2]
    texts = [t for g in pg for t in (g.queries[:1] + g.captions[:1])][:3]
    if cfg.number_channel:  # the parity texts must exercise the channel: one that states a quantity first
        stated = next(((t, tok) for g in test for t, tok in g.queries + g.captions if tuple(tok) in ds.numbers), None)
        texts = ([stated] if stated else []) + texts[:2]
    with torch.no_grad():
        t_ids, t_mask = pad_tokens([tok for _, tok in texts])
        t_num = pad_numbers([tok for _, tok in texts], ds.numbers)
        t_emb, t_states = model.text(t_ids, t_mask, t_num)
        g_ops, g_bins, g_adj, g_mask = collate_graphs(pg)
        g_emb, g_states = model.arch(g_ops, g_bins, g_adj, g_mask)
        te, ge = t_emb[: len(pg)], g_emb
        if te.shape[0] < ge.shape[0]:
            te = te.repeat(ge.shape[0], 1)[: ge.shape[0]]
        gs = last_valid_state(g_states, g_mask) if cfg.head_graph_state else None
        node_in = (g_states, g_mask) if cfg.head_node_attention else (None, None)
        prob = model.reasoning(te, ge, gs, *node_in)
        qa_logits = model.qa(te, ge, gs, *node_in)
        cap = pg[0].captions[0][1] if pg[0].captions else [BOS]
        prefix = torch.tensor([[BOS] + [t for t in cap if t > 6][:4]] * len(pg))
        c_logits = model.caption(prefix, g_states, g_mask)
    head_state = {"arch_graph_state": tolist(gs)} if gs is not None else {}
    if cfg.head_node_attention:
        head_state.update(node_states=tolist(g_states), node_mask=tolist(g_mask))
    parity = {
        "note": "inputs and PyTorch outputs written by training/archbert/export.py; "
                "test/core/archbert/model/parity.test.ts runs the ONNX files on them with onnxruntime-node",
        "text_encoder": {"inputs": {"input_ids": tolist(t_ids), "attention_mask": tolist(t_mask),
                                    **({"numbers": tolist(t_num)} if cfg.number_channel else {})},
                         "outputs": {"embedding": tolist(t_emb), "token_states": tolist(t_states)}},
        "arch_encoder": {"inputs": {"ops": tolist(g_ops), "bins": tolist(g_bins), "adj": tolist(g_adj),
                                    "node_mask": tolist(g_mask)},
                         "outputs": {"embedding": tolist(g_emb), "node_states": tolist(g_states)}},
        "reasoning_head": {"inputs": {"text_embedding": tolist(te), "arch_embedding": tolist(ge), **head_state},
                           "outputs": {"prob": tolist(prob)}},
        "qa_head": {"inputs": {"question_embedding": tolist(te), "arch_embedding": tolist(ge), **head_state},
                    "outputs": {"logits": tolist(qa_logits)}},
        "caption_decoder": {"inputs": {"input_ids": tolist(prefix), "node_states": tolist(g_states),
                                       "node_mask": tolist(g_mask)},
                            "outputs": {"logits": tolist(c_logits)}},
    }
    write_json_atomic(out / "parity.json", parity)

    # ---- metrics
    metrics = {}
    t_eval = time.time()
    if not args.skip_eval:
        limit = args.caption_limit or None
        for split, fam in (("heldout", False), ("test", True)):
            r = evaluate_split(model, ds, split, include_family=fam, caption_limit=limit)
            if r is not None:
                metrics[split] = r
                print(split, json.dumps({k: v for k, v in r.items()}, default=str)[:600], flush=True)
    eval_seconds = round(time.time() - t_eval, 1)

    files = {}
    for f in sorted(out.iterdir()):
        if f.name == "manifest.json" or f.suffix == ".tmp" or not f.is_file():  # eval/: the packed splits
            continue
        files[f.name] = {"bytes": f.stat().st_size, "sha256": sha256(f)}
    parts = model.parts()
    manifest = {
        "model": model_title(state),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": git_commit(),
        "data": {"hash": ds.data_hash(), "dir": os.path.relpath(args.data, REPO), "manifest": ds.manifest,
                 **({"trained_on": trained_on} if trained_on else {})},
        "seed": state["args"]["seed"],
        "hyperparameters": {"config": cfg.to_dict(), "train_args": state["args"],
                            "loss_weights": __import__("train").LOSS_WEIGHTS, "opset": OPSET},
        "training": training_summary(state),
        "parameters": {name: count_params(m) for name, m in parts.items()},
        "parameters_total": sum(count_params(m) for m in parts.values()),
        "files": files,
        "bytes_total": sum(v["bytes"] for v in files.values()),
        "metrics": metrics,
        "metrics_definitions": "training/archbert/README.md#metrics",
        "caption_limit": args.caption_limit or None,
        "eval_seconds": eval_seconds,
        "versions": {"torch": torch.__version__, "onnx": __import__("onnx").__version__, "python": sys.version.split()[0]},
    }
    write_json_atomic(out / "manifest.json", manifest, indent=1)
    print(f"exported to {out}: {manifest['bytes_total'] / 1e6:.2f} MB, {manifest['parameters_total']:,} parameters",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
