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
#
# Chunked runs (issue 17; README "Next set (issue 17): options and chunked runs"):
#   ARCHBERT_CKPT  the resumable checkpoint's folder (default /tmp/archbert-ckpt, which
#                  stays on the machine while it is held, so the next call of the same
#                  lease resumes from it);
#   CKPT_IN        a carried folder with a split checkpoint (last.json + last.pt.partN)
#                  to resume from on a fresh machine; copied in when ARCHBERT_CKPT has none;
#   RETURN_CKPT=1  copy the resumable checkpoint (give train.py --ckpt-split-mib 15) to
#                  $OUT/ckpt, so it comes back (files of at most 16 MiB).
set -u -o pipefail
cd "$(dirname "$0")/../../.."
: "${OUT:?OUT must name the folder whose files come back}"
mkdir -p "$OUT"
PY=${PYTHON:-python3}
DEVICE=${ARCHBERT_DEVICE:-cuda}
CKPT=${ARCHBERT_CKPT:-/tmp/archbert-ckpt}
mkdir -p "$CKPT"
if [ -n "${CKPT_IN:-}" ] && [ ! -e "$CKPT/last.pt" ] && [ ! -e "$CKPT/last.json" ]; then
  cp "$CKPT_IN"/last.json "$CKPT_IN"/last.pt.part* "$CKPT"/ || { echo "CKPT_IN=$CKPT_IN: no split checkpoint"; exit 2; }
fi
{
  date -u
  nvidia-smi -L 2>&1 || echo "(no nvidia-smi)"
  "$PY" -c 'import sys, torch, numpy; print("python", sys.version.split()[0], "torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available(), "numpy", numpy.__version__)'
  du -sh .gpu/data
  PYTHONUNBUFFERED=1 "$PY" training/archbert/train.py --device "$DEVICE" --data .gpu/data --cache "" \
    --ckpt "$CKPT" --slim-dir "$OUT" --ckpt-minutes 1 --threads 8 "$@"
  rc=$?
  if [ "${RETURN_CKPT:-0}" = 1 ]; then
    mkdir -p "$OUT/ckpt" && cp "$CKPT"/last.json "$CKPT"/last.pt.part* "$OUT/ckpt/" \
      || echo "RETURN_CKPT: no split checkpoint in $CKPT (train.py --ckpt-split-mib 15)"
  fi
  echo "train.py exit $rc"; date -u
  ls -la "$OUT"
  exit $rc
} 2>&1 | tee "$OUT/train.log"
