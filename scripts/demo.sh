#!/usr/bin/env bash
# `npm run demo`: the bundled demos, run on the built CLIs (npm run build first;
# `npm run demo` does it). Each tool has its own section below: append yours
# as a new section; keep the whole demo under a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s%3N)
# Bold headings only on a terminal, and never with NO_COLOR (https://no-color.org): a log or a pipe gets plain text.
if [ -t 1 ] && [ -z "${NO_COLOR+set}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
section() { printf '\n%s== %s ==%s\n$ %s\n' "$bold" "$1" "$plain" "${*:2}"; }
run() { section "$@"; "${@:2}"; }

ETRAN="node bin/etran.js"
ETRAN_CACHE="$(mktemp -d)"   # a fresh cache: the demo shows a real extraction
trap 'rm -rf "$ETRAN_CACHE"' EXIT

# --- etran rank: classification -------------------------------------------
# Small CNNs trained by training/zoo on different source data (Fashion-MNIST,
# MNIST, subsets), ranked for an ImageFolder target of held-out clothing classes.
run "etran rank (classification)" $ETRAN rank --zoo models/zoo/classification --data fixtures/targets/classification --cache "$ETRAN_CACHE" --metrics leep,nce

# --- etran rank: detection ------------------------------------------------
# Tiny detectors trained on synthetic canvases; COCO-format target; one feature
# row per ground-truth box (RoI-pooled feature map), ETran with the box regression term.
if ls models/zoo/detection/*.onnx >/dev/null 2>&1; then
  run "etran rank (detection)" $ETRAN rank --zoo models/zoo/detection --data fixtures/targets/detection --cache "$ETRAN_CACHE"
else
  echo "(models/zoo/detection not present: detection demo skipped)"
fi

# --- etran rank: second run, from the feature cache ------------------------
section "etran rank (again: features from the cache, no inference)" $ETRAN rank --zoo models/zoo/classification --data fixtures/targets/classification --json --metrics leep "| (summary)"
$ETRAN rank --zoo models/zoo/classification --data fixtures/targets/classification --cache "$ETRAN_CACHE" --json --metrics leep 2>/dev/null \
  | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const j=JSON.parse(s);console.log("ranking:",j.ranking.slice(0,3).join(" > "),"… | all from cache:",Object.values(j.extraction).every((e)=>e.cached))})'

# --- archbert -----------------------------------------------------------------
# (archbert demo sections go here)
# archbert describe: the exact facts, plus the learned description (claims checked against the facts) once models/archbert is trained.
run "archbert describe" node bin/archbert.js describe fixtures/models/mobilenet_v2.onnx

echo; echo "demo finished in $(( ($(date +%s%3N) - start) / 100 ))" | sed -E 's/([0-9])$/.\1 s/' 
