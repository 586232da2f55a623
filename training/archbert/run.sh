#!/bin/sh
# The whole ArchBERT pipeline, resumable at every step (npm run train:archbert).
#   1. export the real architectures (skips files already exported)
#   2. build the dataset with the TypeScript featurizer/tokenizer
#   3. train (continues from training/out/archbert-ckpt/last.pt if present)
#   4. export the ONNX set, manifest, parity file and metrics to models/archbert/
# Arguments are passed to train.py, e.g. `npm run train:archbert -- --max-minutes 30`.
# ARCHBERT_DATASET_ARGS adds options to `archbert dataset build`.
set -eu
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
DATA=${ARCHBERT_DATA:-training/out/archbert-data}
$PY training/archbert/export_real.py
# shellcheck disable=SC2086
npx tsx src/cli/archbert.ts dataset build --out "$DATA" --real training/out/real ${ARCHBERT_DATASET_ARGS:-}
# glibc malloc from the heap only, never handing memory back: the attention tensors (64 graphs x
# 4 heads x 512 x 512 floats) are otherwise mmap-ed and page-faulted afresh every step; measured
# 2x faster CPU steps (training/archbert/README.md, "Continued training")
MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=68719476736 $PY training/archbert/train.py --data "$DATA" "$@"
$PY training/archbert/export.py --data "$DATA"
node training/archbert/pack_eval_splits.mjs "$DATA"
