#!/usr/bin/python3
"""Add the cached caption decoder pair (`caption_cross_kv.onnx` +
`caption_decoder_step.onnx`, decoder_cache.py) to a model set exported before
it existed.

    /usr/bin/python3 training/archbert/add_cached_decoder.py --models models/archbert

The pair makes `describe`'s widened beam several times faster than re-running
the whole prefix, but export.py writes it only for a checkpoint, and the
checkpoint of an older set is not kept. The decoder's weights are rebuilt from
the set's own ONNX files (weights_from_onnx.py, checked bit for bit), the pair
is exported from them and checked against the set's `caption_decoder` (a
greedy decode and a beam-like reordered decode over random architecture
states, both run in PyTorch from the same weights: decoder_cache.greedy_parity
and beam_parity), and the manifest gets the files' sizes and sha256 plus a note
of what was added when. The one-file cached step of the first version
(`caption_decoder_cached.onnx`, which recomputed the cross-attention keys and
values at every step) is removed when the set has it: the runtime no longer
reads it, and it would be 5 MB of dead weight. Nothing else of the set changes.
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
from decoder_cache import CROSS_KV, STEP, beam_parity, greedy_parity  # noqa: E402
from export import export_cached_pair, sha256, write_json_atomic  # noqa: E402
from weights_from_onnx import rebuild, verify  # noqa: E402

FILES = (f"{CROSS_KV}.onnx", f"{STEP}.onnx")
REPLACED = "caption_decoder_cached.onnx"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", required=True, help="the model set folder (rewritten in place: two files added)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    models = Path(args.models)
    manifest = json.loads((models / "manifest.json").read_text())
    if all(f in manifest.get("files", {}) for f in FILES):
        print(f"{models}: already has {' + '.join(FILES)}")
        return 0
    cfg, state, _m, _missing = rebuild(models)
    dec = verify(cfg, state, models).eval().caption
    torch.manual_seed(0)
    states, mask = torch.randn(3, 40, cfg.hidden), torch.ones(3, 40)
    mask[1, 25:] = 0
    mask[2, 7:] = 0
    greedy = greedy_parity(dec, states, mask, bos=5, steps=30)
    beam = beam_parity(dec, states, mask, bos=5, steps=30)
    if max(greedy, beam) > 1e-4:
        sys.exit(f"the cached step differs from the full decoder by {max(greedy, beam):.2e}; nothing written")
    with tempfile.TemporaryDirectory(dir=models) as td:
        export_cached_pair(dec, states, mask, Path(td))
        for f in FILES:
            os.replace(Path(td) / f, models / f)
    for f in FILES:
        manifest["files"][f] = {"bytes": (models / f).stat().st_size, "sha256": sha256(models / f)}
    replaced = manifest["files"].pop(REPLACED, None) is not None
    manifest["files"] = dict(sorted(manifest["files"].items()))
    manifest["bytes_total"] = sum(v["bytes"] for v in manifest["files"].values())
    manifest.setdefault("added_later", []).append({
        "files": list(FILES), "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "how": "training/archbert/add_cached_decoder.py: weights rebuilt from caption_decoder.onnx",
        **({"removed": REPLACED} if replaced else {}),
        "greedy_parity_max_abs": float(greedy), "beam_parity_max_abs": float(beam)})
    write_json_atomic(models / "manifest.json", manifest, indent=1)
    # the manifest no longer lists it, so the file goes only after the manifest is written
    if replaced:
        (models / REPLACED).unlink(missing_ok=True)
    for f in FILES:
        print(f"{models / f}: {(models / f).stat().st_size:,} bytes")
    print(f"parity with the full decoder: greedy {greedy:.2e}, beam-reordered {beam:.2e}"
          + (f"; {REPLACED} removed" if replaced else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
