#!/usr/bin/python3
"""Rebuild the PyTorch weights of a shipped ArchBERT model set from its ONNX files.

    /usr/bin/python3 training/archbert/weights_from_onnx.py --models models/archbert --out training/out/bundled-ckpt

Why: the training checkpoint behind `models/archbert` is not kept (only the
exported ONNX files are), but two things need the weights in PyTorch: a
re-export (e.g. adding `caption_cross_kv.onnx` + `caption_decoder_step.onnx`
to a set exported before they existed) and continued training from the shipped set (`train.py
--init-from-set`).

How: the shipped manifest gives the config; a fresh `ArchBert(cfg)` is exported
with export.py's own code, once with every parameter set to distinct values.
Named initializers (`arch.op.weight` …) map by name; the ones the exporter
renamed (`onnx::MatMul_N`: transposed `nn.Linear` weights) map by their
values in that fresh export, and the shipped file must have the same graph
(node for node) for the number N to mean the same tensor. The rebuilt weights
are then exported again and every initializer must equal the shipped one bit
for bit, or nothing is written. Parameters that are not in the ONNX files
(the MLM and MAM heads, the contrastive temperature: training only) come
from the set's `training_only.npz` where export.py wrote one; in a set
exported before that file existed they keep a fresh initialisation and are
listed in the output's `not_in_onnx`.

Writes OUT/last.pt: {"model", "cfg", "args", "step", "elapsed", "epoch", "log",
"data_hash", "finished", "not_in_onnx", "source"}, readable by export.py.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export import export_onnx, head_example, head_signature, sha256, text_export  # noqa: E402
from model import TRAINING_ONLY_FILE, TRAINING_ONLY_PREFIXES, ArchBert, Config  # noqa: E402

# the exported modules (export.py names) and their prefix in ArchBert's state dict
PARTS = {"text_encoder": "text.", "arch_encoder": "arch.", "reasoning_head": "reasoning.",
         "qa_head": "qa.", "caption_decoder": "caption."}


def example_inputs(cfg: Config, name: str):
    """Small inputs of the right types; the exported graph does not depend on them (dynamic axes)."""
    g = torch.Generator().manual_seed(0)
    if name == "text_encoder":
        ids, am = torch.randint(7, cfg.vocab_size, (2, 5), generator=g), torch.ones(2, 5, dtype=torch.long)
        return (ids, am, torch.full((2, 5), 1.5)) if cfg.number_channel else (ids, am)
    n = 4
    ops = torch.randint(0, cfg.n_ops, (2, n), generator=g)
    bins = torch.zeros(2, n, len(cfg.bin_sizes), dtype=torch.long)
    adj = torch.zeros(2, n, n)
    adj[:, 0, 1] = adj[:, 1, 2] = adj[:, 2, 3] = 1.0
    mask = torch.ones(2, n)
    if name == "arch_encoder":
        return (ops, bins, adj, mask)
    e = torch.nn.functional.normalize(torch.randn(2, cfg.embed, generator=g), dim=-1)
    states = torch.randn(2, n, cfg.hidden, generator=g)
    if name in ("reasoning_head", "qa_head"):
        return head_example(cfg, e, states, mask)
    return (torch.randint(7, cfg.vocab_size, (2, 3), generator=g), states, mask)


def module_of(model: ArchBert, name: str):
    """The module export.py exports as `name`, and the signature it uses."""
    if name == "text_encoder":
        return text_export(model.text, model.cfg)
    module = {"arch_encoder": model.arch, "reasoning_head": model.reasoning, "qa_head": model.qa,
              "caption_decoder": model.caption}[name]
    return module, head_signature(model.cfg, name) if name in ("reasoning_head", "qa_head") else name


def export_part(model: ArchBert, name: str, tmp: Path) -> onnx.ModelProto:
    model.eval()
    module, signature = module_of(model, name)
    export_onnx(module, name, example_inputs(model.cfg, name), tmp, signature)
    return onnx.load(str(tmp / f"{name}.onnx"))


def node_signature(m: onnx.ModelProto):
    return [(n.op_type, tuple(n.input), tuple(n.output)) for n in m.graph.node]


def initializers(m: onnx.ModelProto) -> dict:
    return {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}


def param_key(name: str, prefix: str) -> str:
    """ONNX initializer name → state-dict key (the text encoder is exported through a wrapper, `m.`)."""
    return prefix + (name[2:] if name.startswith("m.") else name)


def rebuild(models_dir: Path):
    manifest = json.loads((models_dir / "manifest.json").read_text())
    cfg = Config(**manifest["hyperparameters"]["config"])
    torch.manual_seed(0)
    probe = ArchBert(cfg)
    # distinct values in every parameter, so a renamed initializer is found by its values
    with torch.no_grad():
        for i, p in enumerate(probe.parameters()):
            p.copy_(torch.randn(p.shape) + 10.0 * i)
    state = {k: v.clone() for k, v in ArchBert(cfg).state_dict().items()}
    loaded = set()
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        for name, prefix in PARTS.items():
            shipped = onnx.load(str(models_dir / f"{name}.onnx"))
            fresh = export_part(probe, name, tmp)
            if node_signature(fresh) != node_signature(shipped):
                sys.exit(f"{models_dir / (name + '.onnx')}: its graph is not the one model.py exports today; "
                         "cannot tell which initializer is which")
            fresh_init, shipped_init = initializers(fresh), initializers(shipped)
            probe_state = {k: v.numpy() for k, v in probe.state_dict().items() if k.startswith(prefix)}
            for iname, value in shipped_init.items():
                if iname.startswith("onnx::"):
                    f = fresh_init[iname]
                    hits = [k for k, v in probe_state.items() if v.shape == f.T.shape and np.array_equal(v, f.T)]
                    if len(hits) != 1:
                        sys.exit(f"{name}: initializer {iname} matches {len(hits)} parameters")
                    key, arr = hits[0], value.T
                else:
                    key, arr = param_key(iname, prefix), value
                    if key not in state:
                        sys.exit(f"{name}: initializer {iname} is no parameter of model.py's {prefix[:-1]}")
                if tuple(state[key].shape) != arr.shape:
                    sys.exit(f"{name}: {iname} has shape {arr.shape}, {key} {tuple(state[key].shape)}")
                state[key] = torch.tensor(np.array(arr, copy=True))  # (ascontiguousarray would make a 0-d scale 1-d)
                loaded.add(key)
    loaded |= read_training_only(models_dir, manifest, state, loaded)
    missing = sorted(k for k in state if k not in loaded)
    return cfg, state, manifest, missing


def read_training_only(models_dir: Path, manifest: dict, state: dict, loaded: set) -> set:
    """Fill `state` from the set's training_only.npz (export.py), when it has one: the tensors no ONNX part
    holds. Refused unless the manifest lists the file with its sha256, and unless every array is a
    training-only tensor of model.py's, of its shape, not already read from an ONNX file."""
    path = models_dir / TRAINING_ONLY_FILE
    if not path.exists():
        return set()  # a set exported before the file existed: those tensors start fresh
    entry = manifest.get("files", {}).get(TRAINING_ONLY_FILE)
    if not entry or entry.get("sha256") != sha256(path):
        sys.exit(f"{path}: not the file manifest.json lists for this set")
    read = set()
    with np.load(path, allow_pickle=False) as arrays:
        for key in arrays.files:
            if not key.startswith(TRAINING_ONLY_PREFIXES) or key not in state or key in loaded:
                sys.exit(f"{path}: {key} is no training-only tensor of model.py")
            if tuple(state[key].shape) != arrays[key].shape:
                sys.exit(f"{path}: {key} has shape {arrays[key].shape}, model.py {tuple(state[key].shape)}")
            state[key] = torch.tensor(arrays[key])
            read.add(key)
    return read


def verify(cfg: Config, state: dict, models_dir: Path):
    """Export the rebuilt weights and compare every initializer with the shipped file, bit for bit."""
    model = ArchBert(cfg)
    model.load_state_dict(state)
    with tempfile.TemporaryDirectory() as td:
        for name in PARTS:
            again = initializers(export_part(model, name, Path(td)))
            shipped = initializers(onnx.load(str(models_dir / f"{name}.onnx")))
            if again.keys() != shipped.keys():
                sys.exit(f"{name}: the re-export has other initializers than the shipped file")
            for k, v in shipped.items():
                if v.dtype != again[k].dtype or v.shape != again[k].shape or v.tobytes() != again[k].tobytes():
                    sys.exit(f"{name}: initializer {k} differs after the rebuild")
    return model


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", required=True, help="a model set folder (manifest.json + the five ONNX files)")
    ap.add_argument("--out", required=True, help="folder for last.pt")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    models_dir = Path(args.models)
    cfg, state, manifest, missing = rebuild(models_dir)
    verify(cfg, state, models_dir)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t = manifest.get("training", {})
    ckpt = {"model": state, "cfg": cfg.to_dict(), "args": manifest["hyperparameters"]["train_args"],
            "step": t.get("steps", 0), "elapsed": 60.0 * t.get("minutes", 0.0), "epoch": t.get("epochs_completed", 0),
            "log": t.get("log", []), "finished": t.get("finished", False), "data_hash": manifest["data"]["hash"],
            "not_in_onnx": missing, "source": {"models": str(models_dir), "manifest_created": manifest.get("created"),
                                               "training": t}}
    tmp = out / "last.pt.tmp"
    torch.save(ckpt, tmp)
    tmp.replace(out / "last.pt")
    print(f"{out / 'last.pt'}: {len(state) - len(missing)} tensors from the set's files (the ONNX ones equal bit "
          f"for bit on re-export); in none of them (fresh init): {', '.join(missing) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
