#!/usr/bin/python3
"""Add `caption_decoder_cached.onnx` to a model set exported before it existed.

    /usr/bin/python3 training/archbert/add_cached_decoder.py --models models/archbert

The KV-cached caption step (decoder_cache.py) makes `describe`'s widened beam
about twice as fast, but export.py writes it only for a checkpoint, and the
checkpoint of an older set is not kept. The decoder's weights are rebuilt from
the set's own ONNX files (weights_from_onnx.py, checked bit for bit), the
cached step is exported from them and checked against the set's
`caption_decoder` (greedy decode over random architecture states, both run in
PyTorch from the same weights: decoder_cache.greedy_parity), and the manifest
gets the file's size and sha256 plus a note of what was added when. Nothing
else of the set changes.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from decoder_cache import CachedCaptionDecoder, greedy_parity  # noqa: E402
from export import export_onnx, sha256, write_json_atomic  # noqa: E402
from model import ArchBert  # noqa: E402
from weights_from_onnx import rebuild, verify  # noqa: E402

NAME = "caption_decoder_cached"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", required=True, help="the model set folder (rewritten in place: one file added)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    models = Path(args.models)
    manifest = json.loads((models / "manifest.json").read_text())
    if f"{NAME}.onnx" in manifest.get("files", {}):
        print(f"{models}: already has {NAME}.onnx")
        return 0
    cfg, state, _m, _missing = rebuild(models)
    model = verify(cfg, state, models).eval()
    dec = model.caption
    torch.manual_seed(0)
    states, mask = torch.randn(3, 40, cfg.hidden), torch.ones(3, 40)
    mask[1, 25:] = 0
    mask[2, 7:] = 0
    diff = greedy_parity(dec, states, mask, bos=5, steps=30)
    if diff > 1e-4:
        sys.exit(f"the cached step differs from the full decoder by {diff:.2e}; nothing written")
    attn = dec.blocks[0].attn
    with tempfile.TemporaryDirectory(dir=models) as td:
        # traced as export.py traces it: a non-empty past, two new tokens, 3 hypotheses over 2 of 3 architectures
        past = torch.randn(cfg.dec_layers, 2, 2, attn.h, 4, attn.d)
        export_onnx(CachedCaptionDecoder(dec).eval(), NAME,
                    (torch.randint(7, cfg.vocab_size, (3, 2)), past, torch.tensor([1, 0, 1]), states, mask,
                     torch.tensor([2, 0, 2])), Path(td))
        os.replace(Path(td) / f"{NAME}.onnx", models / f"{NAME}.onnx")
    f = models / f"{NAME}.onnx"
    manifest["files"][f.name] = {"bytes": f.stat().st_size, "sha256": sha256(f)}
    manifest["files"] = dict(sorted(manifest["files"].items()))
    manifest["bytes_total"] = sum(v["bytes"] for v in manifest["files"].values())
    manifest.setdefault("added_later", []).append({
        "file": f.name, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "how": "training/archbert/add_cached_decoder.py: weights rebuilt from caption_decoder.onnx",
        "greedy_parity_max_abs": float(diff)})
    write_json_atomic(models / "manifest.json", manifest, indent=1)
    print(f"{f}: {f.stat().st_size:,} bytes; greedy parity with the full decoder {diff:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
