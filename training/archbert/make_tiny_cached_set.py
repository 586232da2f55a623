#!/usr/bin/python3
"""Writes the tiny model set the TypeScript cache-parity test loads
(fixtures/archbert-tiny-cached/): test_pipeline.py's synthetic dataset, made
loadable by the CLI's ModelSet (which insists on this build's op list and
shape bins), trained for a few seconds and exported by export.py with the
cached caption decoder pair (caption_cross_kv +
caption_decoder_step). The weights mean nothing; the set exists so that
tests can compare the decoder with and without its cache without Python.

    /usr/bin/python3 training/archbert/make_tiny_cached_set.py [--out fixtures/archbert-tiny-cached]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import export  # noqa: E402
import train  # noqa: E402
from test_pipeline import make_synthetic  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
# what the test needs: the verified set, without parity.json (its 4 encoders are checked on the bundled set)
KEEP = ("text_encoder.onnx", "arch_encoder.onnx", "reasoning_head.onnx", "qa_head.onnx", "caption_decoder.onnx",
        "caption_cross_kv.onnx", "caption_decoder_step.onnx", "vocab.json", "answers.json", "ops.json", "bins.json")


def cli_compatible(data: Path, shipped: Path) -> None:
    """The shipped op list and bins replace the synthetic ones (ModelSet compares them with the
    featurizer); graphs get the extra whole-graph bin columns as 'unknown' (0)."""
    for f in ("ops.json", "bins.json"):
        shutil.copyfile(shipped / f, data / f)
    width = len(json.loads((shipped / "bins.json").read_text())["features"])
    rows = [json.loads(line) for line in (data / "graphs.jsonl").read_text().splitlines() if line]
    for g in rows:
        g["bins"] = [b + [0] * (width - len(b)) for b in g["bins"]]
    (data / "graphs.jsonl").write_text("".join(json.dumps(g) + "\n" for g in rows))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(REPO / "fixtures/archbert-tiny-cached"))
    ap.add_argument("--shipped", default=str(REPO / "models/archbert"), help="set whose ops.json / bins.json to use")
    ap.add_argument("--epochs", type=int, default=12)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        d, ck, out = Path(tmp) / "data", Path(tmp) / "ckpt", Path(tmp) / "models"
        make_synthetic(d, n_graphs=120)
        cli_compatible(d, Path(args.shipped))
        train.main(["--data", str(d), "--ckpt", str(ck), "--epochs", str(args.epochs), "--batch", "8", "--hidden", "32",
                    "--embed", "32", "--ff", "64", "--heads", "2", "--dec-layers", "2", "--val-graphs", "0",
                    "--warmup", "5", "--lr", "5e-3", "--cache", str(Path(tmp) / "cache")])
        export.main(["--data", str(d), "--ckpt", str(ck), "--out", str(out), "--skip-eval"])
        dest = Path(args.out)
        dest.mkdir(parents=True, exist_ok=True)
        manifest = json.loads((out / "manifest.json").read_text())
        manifest["files"] = {f: v for f, v in manifest["files"].items() if f in KEEP}
        manifest["note"] = "tiny synthetic set for the cache parity test; written by training/archbert/make_tiny_cached_set.py"
        for f in KEEP:
            shutil.copyfile(out / f, dest / f)
        (dest / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
        print(f"wrote {dest}: {sum(v['bytes'] for v in manifest['files'].values()) / 1e6:.2f} MB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
