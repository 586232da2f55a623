"""Checkpoint files of train.py: one atomic last.pt (the default, as the bundled
set was trained), or the same checkpoint split into parts of a bounded size
(last.pt.partN + last.json with the sha256 of every part), so that a run can
travel between short GPU windows whose file transfers cap each file (16 MiB)
and resume, optimizer and random states included, in the next window.

The weights-only "slim" copy (slim.pt.partN + slim.json, joined by
gpu/join_slim.py) is written by the same part writer.

Optionally the AdamW moments are stored as bfloat16 (`--opt-state-dtype`):
they are two thirds of a checkpoint, and a moment stored to 8 bits of
mantissa changes the next steps far less than restarting the optimizer would.
bfloat16, not float16: the second moment of small gradients (~1e-10) would
underflow to 0 in float16 and turn the next step into a division by ~eps.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import os
from pathlib import Path

import torch

# AdamW's per-parameter moment buffers; "step" stays as saved (a bfloat16 step count is exact only to 256).
MOMENT_KEYS = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")


def save_atomic(obj, path: Path):
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def torch_load(path, map_location=None):
    """torch.load of our own checkpoints (plain Python objects besides tensors):
    torch ≥ 2.6 defaults to weights_only=True, which refuses them; 1.13 has no such argument."""
    try:
        return torch.load(path, map_location=map_location, weights_only=False)
    except TypeError:
        return torch.load(path, map_location=map_location)


def torch_load_bytes(data: bytes, map_location=None):
    return torch_load(io.BytesIO(data), map_location=map_location)


def save_parts(obj, folder: Path, part_bytes: int, stem: str, extra: dict | None = None):
    """torch.save(obj) split into folder/STEM.pt.part0, part1, … (each ≤ part_bytes,
    so a size-capped file transfer takes them). All parts are written under
    temporary names first, then renamed; parts left over from a bigger earlier
    save are deleted; STEM.json (written last) lists the parts with their
    sha256, which join_parts checks (a save cut short between two renames is
    detected, not silently joined)."""
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    torch.save(obj, buf)
    data = buf.getvalue()
    n = max(1, math.ceil(len(data) / part_bytes))
    chunks = [data[i * part_bytes: (i + 1) * part_bytes] for i in range(n)]
    prefix = f"{stem}.pt.part"
    for i, c in enumerate(chunks):
        (folder / f".{prefix}{i}.tmp").write_bytes(c)
    for i in range(n):
        os.replace(folder / f".{prefix}{i}.tmp", folder / f"{prefix}{i}")
    for f in folder.glob(prefix + "*"):
        if f.name[len(prefix):].isdigit() and int(f.name[len(prefix):]) >= n:
            f.unlink()
    tmp = folder / f".{stem}.json.tmp"
    tmp.write_text(json.dumps({"parts": [f"{prefix}{i}" for i in range(n)], "bytes": len(data),
                               "sha256": [hashlib.sha256(c).hexdigest() for c in chunks], **(extra or {})}) + "\n")
    os.replace(tmp, folder / f"{stem}.json")


def join_parts(folder: Path, stem: str) -> bytes:
    """The bytes save_parts wrote, checked part by part against STEM.json."""
    meta = json.loads((folder / f"{stem}.json").read_text())
    data = b""
    for i, name in enumerate(meta["parts"]):
        path = folder / name
        if not path.exists():
            raise ValueError(f"{path}: missing part")
        part = path.read_bytes()
        if "sha256" in meta and hashlib.sha256(part).hexdigest() != meta["sha256"][i]:
            raise ValueError(f"{path}: sha256 differs from {stem}.json's (a save cut short, or a stale part)")
        data += part
    if len(data) != meta["bytes"]:
        raise ValueError(f"{folder}: parts hold {len(data)} bytes, {stem}.json says {meta['bytes']}")
    return data


def save_slim(obj, folder: Path, part_bytes: int):
    """The weights-only copy: slim.pt.partN + slim.json (gpu/join_slim.py joins them)."""
    save_parts(obj, folder, part_bytes, "slim",
               {"step": obj.get("step"), "epoch": obj.get("epoch"), "finished": obj.get("finished")})


def compact_optimizer_state(opt_state: dict, dtype: str) -> dict:
    """A copy of optimizer.state_dict() with the moment buffers cast to `dtype`
    ("float32" returns the state itself, unchanged)."""
    if dtype == "float32":
        return opt_state
    to = getattr(torch, dtype)
    state = {}
    for pid, s in opt_state["state"].items():
        state[pid] = {k: (v.detach().to("cpu", to) if k in MOMENT_KEYS and torch.is_tensor(v) else v) for k, v in s.items()}
    return {**opt_state, "state": state}


def restore_optimizer_state(opt_state: dict) -> dict:
    """Moments saved in a compact dtype back to float32 (load_state_dict would cast
    them to the parameters' dtype too; done here so the rule does not depend on it)."""
    state = {}
    for pid, s in opt_state["state"].items():
        state[pid] = {k: (v.float() if k in MOMENT_KEYS and torch.is_tensor(v) and v.dtype != torch.float32 else v)
                      for k, v in s.items()}
    return {**opt_state, "state": state}


def save_checkpoint(obj, ckpt_dir: Path, split_bytes: int = 0):
    """last.pt (split_bytes = 0), or last.pt.partN + last.json. Whichever form is
    written, the other is removed afterwards, so a folder never holds two
    checkpoints that could disagree."""
    ckpt_dir.mkdir(parents=True, exist_ok=True)
    if split_bytes <= 0:
        save_atomic(obj, ckpt_dir / "last.pt")
        stale = [ckpt_dir / "last.json", *ckpt_dir.glob("last.pt.part*")]
    else:
        save_parts(obj, ckpt_dir, split_bytes, "last",
                   {"step": obj.get("step"), "epoch": obj.get("epoch"), "finished": obj.get("finished")})
        stale = [ckpt_dir / "last.pt"]
    for f in stale:
        if f.exists():
            f.unlink()


def checkpoint_exists(ckpt_dir: Path) -> bool:
    return (ckpt_dir / "last.pt").exists() or (ckpt_dir / "last.json").exists()


def load_checkpoint(ckpt_dir: Path, map_location="cpu"):
    """The checkpoint in ckpt_dir (either form), or None when there is none."""
    if (ckpt_dir / "last.pt").exists():
        return torch_load(ckpt_dir / "last.pt", map_location=map_location)
    if (ckpt_dir / "last.json").exists():
        return torch_load_bytes(join_parts(ckpt_dir, "last"), map_location=map_location)
    return None


def largest_file_bytes(folder: Path) -> int:
    return max((f.stat().st_size for f in folder.iterdir() if f.is_file()), default=0)


def join_checkpoint(ckpt_dir: Path) -> Path:
    """A split checkpoint (last.pt.partN + last.json) as one last.pt, which
    export.py reads; the parts are removed (a later resumed call reads last.pt
    and writes parts again when it is given --ckpt-split-mib)."""
    data = join_parts(ckpt_dir, "last")
    state = torch_load_bytes(data, map_location="cpu")
    save_atomic(state, ckpt_dir / "last.pt")
    for f in [ckpt_dir / "last.json", *ckpt_dir.glob("last.pt.part*")]:
        f.unlink()
    return ckpt_dir / "last.pt"


if __name__ == "__main__":
    import sys
    if len(sys.argv) != 3 or sys.argv[1] != "join":
        sys.exit("usage: /usr/bin/python3 training/archbert/checkpoint_files.py join CKPT_DIR\n"
                 "  joins CKPT_DIR/last.pt.partN (train.py --ckpt-split-mib) into CKPT_DIR/last.pt for export.py")
    out = join_checkpoint(Path(sys.argv[2]))
    st = torch_load(out, map_location="cpu")
    print(f"{out}: {out.stat().st_size / 2 ** 20:.1f} MiB, epoch {st['epoch']}, step {st['step']}, "
          f"{st['elapsed'] / 60:.1f} min trained, finished {st.get('finished')}")
