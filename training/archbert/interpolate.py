#!/usr/bin/python3
"""Weight-space interpolation between a shipped set and a run continued from it.

    /usr/bin/python3 training/archbert/interpolate.py --data D --ckpt C --base-set models/archbert \
        --alpha 0.5 --out-ckpt C2
    /usr/bin/python3 training/archbert/export.py --data D --ckpt C2 --out training/out/next-set-X

Why: runs continued from the bundled set on fresh generated graphs gain on
the generated val/test splits and lose a few hand-written NL queries (runs Q
and R, README). Wortsman et al., "Robust fine-tuning of zero-shot models"
(WiSE-FT, CVPR 2022) report that averaging the weights of a model and of its
fine-tuned copy, theta = (1 - alpha) * theta_base + alpha * theta_tuned, keeps
most of the fine-tuning gain in distribution while recovering much of what
the base model did better under a distribution shift; both models lie in one
basin because one was started from the other (checked here: the run's
checkpoint must name the base set as its start).

The base set's weights are carried into the run's configuration by meaning
(warm_start.py, as train.py --init-from-set does); what the base set never
had takes the run's value whole:
- token and answer rows the base vocabulary / answer list lacks;
- tensors the base set could not supply (training-only tensors of a set
  exported before training_only.npz, tensors its configuration lacks),
  except an added bin table, which the carry-over starts at zero: the base
  set computes exactly what a zero table computes, so it is interpolated
  with zero like any other weight.

The written checkpoint is the run's, with the interpolated weights, no
optimizer state (it is not for resuming) and an `interpolation` record that
export.py puts into the manifest's training history.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from checkpoint_files import load_checkpoint, save_checkpoint  # noqa: E402
from data import manifest_hash  # noqa: E402
from model import ArchBert, Config  # noqa: E402
from train import base_set_state  # noqa: E402
from warm_start import ANSWER_ROWS, BIN_TABLE, TOKEN_ROWS, read_list, row_map  # noqa: E402


def rows_only_tuned(n: int, carried: list) -> torch.Tensor:
    """Boolean mask of the n rows no carried (new, old) pair fills."""
    mask = torch.ones(n, dtype=torch.bool)
    if carried:
        mask[torch.tensor([j for j, _ in carried], dtype=torch.long)] = False
    return mask


def interpolate(base: dict, tuned: dict, alpha: float, whole_tuned: set, row_tuned: dict) -> dict:
    """(1 - alpha) * base + alpha * tuned for every tensor; the tensors named in whole_tuned and the rows
    marked in row_tuned (key -> boolean mask over the first axis) are the tuned model's."""
    if base.keys() != tuned.keys():
        raise ValueError(f"the two states name different tensors: {sorted(base.keys() ^ tuned.keys())[:5]}")
    out = {}
    for k, t in tuned.items():
        if base[k].shape != t.shape:
            raise ValueError(f"{k}: shape {tuple(base[k].shape)} in the base, {tuple(t.shape)} in the run")
        if k in whole_tuned or not t.is_floating_point():
            out[k] = t.clone()
            continue
        mixed = (1.0 - alpha) * base[k] + alpha * t
        if k in row_tuned:
            mixed[row_tuned[k]] = t[row_tuned[k]]
        out[k] = mixed
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="the dataset the run was trained on (its vocabulary and answers)")
    ap.add_argument("--ckpt", required=True, help="the run's checkpoint directory (train.py --init-from-set BASE)")
    ap.add_argument("--base-set", required=True, help="the model set the run started from")
    ap.add_argument("--alpha", type=float, required=True, help="weight of the run: 0 = the base set, 1 = the run")
    ap.add_argument("--out-ckpt", required=True)
    args = ap.parse_args(argv)
    if not 0 <= args.alpha <= 1:
        sys.exit(f"--alpha {args.alpha}: a weight between 0 and 1")
    data, base_dir = Path(args.data), Path(args.base_set)
    for need in (data / "manifest.json", data / "vocab.json", data / "answers.json"):
        if not need.is_file():
            sys.exit(f"{need}: missing (--data takes an `archbert dataset build` folder)")
    state = load_checkpoint(Path(args.ckpt), map_location="cpu")
    if state is None:
        sys.exit(f"{args.ckpt}: no checkpoint there")
    start = (state.get("init_source") or {}).get("model_set")
    if start is None or Path(start).resolve() != base_dir.resolve():
        sys.exit(f"{args.ckpt}: the run started from {start or 'no model set'}, not from {args.base_set}; "
                 "interpolation needs the set a run continued from")
    if not (base_dir / "manifest.json").is_file():
        sys.exit(f"{base_dir / 'manifest.json'}: missing (--base-set takes a model set folder)")
    data_hash = manifest_hash(json.loads((data / "manifest.json").read_text()))
    if state["data_hash"] != data_hash:
        sys.exit(f"{args.ckpt}: checkpoint was trained on data {state['data_hash']}, {data} is {data_hash}")

    cfg = Config(**state["cfg"])
    tokens, answers = read_list(data / "vocab.json", "tokens"), read_list(data / "answers.json", "answers")
    model = ArchBert(cfg)
    ds = SimpleNamespace(root=str(data), vocab={"tokens": tokens}, answers=answers)
    base, report, missing = base_set_state(model, base_dir, ds)
    fresh = set(report["fresh"]) | set(missing)
    whole_tuned = {k for k in fresh if not BIN_TABLE.fullmatch(k)}
    tok = row_map(read_list(base_dir / "vocab.json", "tokens"), tokens)
    ans = row_map(read_list(base_dir / "answers.json", "answers"), answers)
    row_tuned = {k: rows_only_tuned(state["model"][k].shape[0], tok) for k in TOKEN_ROWS}
    row_tuned.update({k: rows_only_tuned(state["model"][k].shape[0], ans) for k in ANSWER_ROWS})
    mixed = interpolate(base, state["model"], args.alpha, whole_tuned, row_tuned)

    out = {k: v for k, v in state.items() if k != "opt"}
    out["model"] = mixed
    out["interpolation"] = {
        "base_set": args.base_set, "run_ckpt": args.ckpt, "alpha": args.alpha,
        "formula": "(1 - alpha) * base + alpha * run (interpolate.py)",
        "run_only": sorted(whole_tuned),
        "run_only_rows": {k: int(m.sum()) for k, m in row_tuned.items() if m.any()},
    }
    save_checkpoint(out, Path(args.out_ckpt))
    print(f"wrote {args.out_ckpt}: alpha {args.alpha}; the run's own values for {sorted(whole_tuned)} and "
          f"{out['interpolation']['run_only_rows']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
