#!/usr/bin/python3
"""Join the slim checkpoint parts written by `train.py --slim-dir` (slim.pt.part0,
part1, …, listed in slim.json) into DST_DIR/last.pt, which export.py reads
(`--ckpt DST_DIR`): model weights, cfg, args, epoch, step, elapsed, log,
finished, data_hash; no optimizer or RNG state, so it cannot be resumed.

    /usr/bin/python3 training/archbert/gpu/join_slim.py SRC_DIR DST_DIR
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import torch


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        sys.exit(__doc__)
    src, dst = Path(argv[0]), Path(argv[1])
    meta_path = src / "slim.json"
    if not meta_path.exists():
        sys.exit(f"{meta_path}: not found (train.py --slim-dir writes it with the parts)")
    meta = json.loads(meta_path.read_text())
    data = b""
    for i, name in enumerate(meta["parts"]):
        if not (src / name).exists():
            sys.exit(f"{src / name}: missing part")
        part = (src / name).read_bytes()
        if "sha256" in meta and hashlib.sha256(part).hexdigest() != meta["sha256"][i]:
            sys.exit(f"{src / name}: sha256 differs from slim.json's (the save was cut short between two parts)")
        data += part
    if len(data) != meta["bytes"]:
        sys.exit(f"{src}: parts hold {len(data)} bytes, slim.json says {meta['bytes']} (a save was cut short?)")
    dst.mkdir(parents=True, exist_ok=True)
    tmp = dst / "last.pt.tmp"
    tmp.write_bytes(data)
    try:
        state = torch.load(tmp, map_location="cpu", weights_only=False)
    except TypeError:
        state = torch.load(tmp, map_location="cpu")
    missing = [k for k in ("model", "cfg", "args", "epoch", "step", "elapsed", "log", "data_hash") if k not in state]
    if missing:
        tmp.unlink()
        sys.exit(f"{src}: joined checkpoint lacks {missing}")
    os.replace(tmp, dst / "last.pt")
    n = sum(v.numel() for v in state["model"].values())
    print(f"{dst / 'last.pt'}: {len(data) / 2 ** 20:.1f} MiB, {n:,} weights, epoch {state['epoch']}, "
          f"step {state['step']}, {state['elapsed'] / 60:.1f} min on {state.get('device', '?')}, "
          f"finished {state.get('finished')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
