#!/bin/bash
# One ArchBERT training run on a remote CUDA machine (a copy of this working
# tree plus the packed dataset .gpu/data, made by gpu/pack_data.py and carried
# along). Writes into $OUT: train.log, and after every checkpoint (each minute,
# epoch end, the end) the weights-only slim.pt.partN + slim.json that
# gpu/join_slim.py turns back into a last.pt for export.py.
#
#   OUT=/some/dir bash training/archbert/gpu/run.sh --hidden 128 --ff 512 ... --max-minutes 6.5
#
# Arguments go to train.py after the fixed ones (a later option wins).
# ARCHBERT_DEVICE / PYTHON override the device and interpreter (a CPU dry run here:
# ARCHBERT_DEVICE=cpu PYTHON=/usr/bin/python3 OUT=/tmp/x bash training/archbert/gpu/run.sh ...).
set -u -o pipefail
cd "$(dirname "$0")/../../.."
: "${OUT:?OUT must name the folder whose files come back}"
mkdir -p "$OUT"
PY=${PYTHON:-python3}
DEVICE=${ARCHBERT_DEVICE:-cuda}
{
  date -u
  nvidia-smi -L 2>&1 || echo "(no nvidia-smi)"
  "$PY" -c 'import sys, torch, numpy; print("python", sys.version.split()[0], "torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available(), "numpy", numpy.__version__)'
  du -sh .gpu/data
  PYTHONUNBUFFERED=1 "$PY" training/archbert/train.py --device "$DEVICE" --data .gpu/data --cache "" \
    --ckpt /tmp/archbert-ckpt --slim-dir "$OUT" --ckpt-minutes 1 --threads 8 "$@"
  rc=$?
  echo "train.py exit $rc"; date -u
  ls -la "$OUT"
  exit $rc
} 2>&1 | tee "$OUT/train.log"
