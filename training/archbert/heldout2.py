#!/usr/bin/python3
"""The second held-out split of issue 17: families the training data never had.

    /usr/bin/python3 training/archbert/heldout2.py --trained-on training/out/archbert-data-17h \
        --out training/out/archbert-heldout2
    npx tsx src/cli/archbert.ts eval --data training/out/archbert-heldout2 --other-dataset --splits heldout

The first held-out split (ConvNeXt, RegNet, Swin, EfficientNetV2, GRU) is
fixed by `splits.ts` and stays as it was. The families the knowledge issue
added (Xception, MobileNetV1, ConvMixer, Network in Network, YOLO, CenterNet,
ESPCN, SRCNN, pose heatmap nets) have no member in the exported gallery, so
they cannot be a split of the training dataset; their architectures are in
`fixtures/reference/` (written from the papers). This picks every reference
model whose family no graph of the training dataset has, builds a dataset of
them alone with `archbert dataset build --split heldout` (same featurizer,
texts, statements and questions as training data, every graph in the split
`heldout`), so the gallery of the retrieval metric is exactly these models
and a query's relevant list covers all of them.

A reference family counts as seen when a training family's key (lower case,
letters and digits) equals it or starts with it: `deeplab` is DeepLabV3,
`shufflenet` is close enough to ShuffleNetV2 to be left out.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# the reference's family ids → the display names of src/core/archbert/facts/family-knowledge.ts
DISPLAY = {"centernet": "CenterNet", "convmixer": "ConvMixer", "espcn": "ESPCN", "mobilenet_v1": "MobileNetV1",
           "nin": "Network in Network", "pose_heatmap": "Pose Heatmap Net", "srcnn": "SRCNN", "xception": "Xception",
           "yolo": "YOLO"}
# the reference's task_detail ids → the task strings of the exporter's index.json
TASKS = {"image_classification": "image classification", "object_detection": "object detection",
         "keypoints": "keypoint detection", "super_resolution": "super-resolution"}


def key(family: str) -> str:
    return re.sub(r"[^a-z0-9]", "", family.lower())


def unseen_models(expected: dict, trained_families: set) -> list:
    seen = {key(f) for f in trained_families}
    out = []
    for name, m in sorted(expected["models"].items()):
        k = key(m["family"])
        if any(s == k or s.startswith(k) for s in seen):
            continue
        if m["family"] not in DISPLAY or m["task_detail"] not in TASKS:
            sys.exit(f"fixtures/reference/expected.json: {name} ({m['family']}, {m['task_detail']}) is a new family "
                     "this script has no display name or task string for; add it to DISPLAY / TASKS")
        out.append({"file": f"{name}.onnx", "name": name, "family": DISPLAY[m["family"]], "variant": name,
                    "task": TASKS[m["task_detail"]]})
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trained-on", required=True, help="the training dataset (its graphs.jsonl names the families seen)")
    ap.add_argument("--reference", default=str(REPO / "fixtures/reference"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--bins", default=None,
                    help="bin layout (log | bucket | blocks | output); default: the one --trained-on's manifest records"
                         " (log for a dataset from before the manifest recorded it), so the split featurizes"
                         " as the set trained on it expects")
    args = ap.parse_args(argv)
    if args.bins is None:
        # `archbert eval --other-dataset` refuses a split whose bins.json differs from the set's
        args.bins = json.loads((Path(args.trained_on) / "manifest.json").read_text()).get("bins", "log")
    families = set()
    with open(Path(args.trained_on) / "graphs.jsonl") as fh:
        for line in fh:
            g = json.loads(line)
            if g.get("source") == "real":
                families.add(g["family"])
    expected = json.loads((Path(args.reference) / "expected.json").read_text())
    index = unseen_models(expected, families)
    print(f"{len(index)} reference models of unseen families: {', '.join(e['name'] for e in index)}", flush=True)
    out = Path(args.out)
    with tempfile.TemporaryDirectory() as td:
        real = Path(td) / "real"
        real.mkdir()
        for e in index:
            os.symlink(Path(args.reference).resolve() / e["file"], real / e["file"])
        (real / "index.json").write_text(json.dumps(index, indent=1))
        built = Path(td) / "data"
        subprocess.run(["npx", "tsx", "src/cli/archbert.ts", "dataset", "build", "--real", str(real), "--generated", "0",
                        "--bins", args.bins, "--split", "heldout", "--out", str(built)], cwd=REPO, check=True)
        m = json.loads((built / "manifest.json").read_text())
        m["heldout2"] = {"trained_on": os.path.relpath(args.trained_on, REPO), "models": [e["name"] for e in index]}
        (built / "manifest.json").write_text(json.dumps(m, indent=1) + "\n")
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(built, out)
    print(f"wrote {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
