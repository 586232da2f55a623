#!/usr/bin/python3
"""Pack the part of an ArchBERT dataset that train.py reads into a small
folder for a remote GPU run (the carry limit is tens of MB; the JSONL is 250 MB).

    /usr/bin/python3 training/archbert/gpu/pack_data.py training/out/archbert-data-rel .gpu/data [--format gz|xz]

Keeps the train and val splits only (train.py trains on "train" and checks on
the first --val-graphs of "val"; test/heldout are evaluated by export.py from
the full dataset afterwards), rows in their original order, so the sampler,
the hard-negative mining and the loss lines are the same as on the full
folder. The small JSON files (manifest with the data hash, vocab, ops, bins,
answers) are copied unchanged; data.py reads `X.jsonl.gz` / `X.jsonl.xz` when
`X.jsonl` is absent. A `pack.json` records what was dropped.
"""
from __future__ import annotations

import argparse
import gzip
import json
import lzma
import os
import shutil
from pathlib import Path

SMALL = ("manifest.json", "vocab.json", "ops.json", "bins.json", "answers.json")
ROWS = ("graphs.jsonl", "texts.jsonl", "qa.jsonl", "statements.jsonl")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--splits", default="train,val")
    ap.add_argument("--format", choices=("gz", "xz"), default="xz")
    args = ap.parse_args(argv)
    src, dst = Path(args.src), Path(args.dst)
    dst.mkdir(parents=True, exist_ok=True)
    keep_splits = set(args.splits.split(","))
    for f in SMALL:
        shutil.copyfile(src / f, dst / (f + ".tmp"))
        os.replace(dst / (f + ".tmp"), dst / f)
    keep_ids: set[str] = set()
    counts = {}
    for f in ROWS:
        out = dst / f"{f}.{args.format}"
        tmp = out.with_name(out.name + ".tmp")
        opener = (lambda p: gzip.open(p, "wt", compresslevel=9)) if args.format == "gz" else \
                 (lambda p: lzma.open(p, "wt", preset=6))
        kept = total = 0
        with open(src / f) as fin, opener(tmp) as fout:
            for line in fin:
                if not line.strip():
                    continue
                total += 1
                row = json.loads(line)
                if f == "graphs.jsonl":
                    ok = row["split"] in keep_splits
                    if ok:
                        keep_ids.add(row["id"])
                else:
                    ok = row["graph_id"] in keep_ids
                if ok:
                    fout.write(line if line.endswith("\n") else line + "\n")
                    kept += 1
        os.replace(tmp, out)
        for stale in ("gz", "xz"):
            if stale != args.format and (dst / f"{f}.{stale}").exists():
                (dst / f"{f}.{stale}").unlink()
        counts[f] = {"kept": kept, "of": total, "bytes": out.stat().st_size}
        print(f, counts[f], flush=True)
    (dst / "pack.json").write_text(json.dumps({"source": str(src), "splits": sorted(keep_splits),
                                               "format": args.format, "rows": counts}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
