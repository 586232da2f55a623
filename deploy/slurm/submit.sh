#!/bin/bash
# Submits sharded extraction as a Slurm array of SHARDS tasks and the rank step that waits
# for all of them (afterok: it runs only if every task succeeded).
#   ZOO=/shared/zoo DATA=/shared/target CACHE=/shared/etran-cache SHARDS=16 deploy/slurm/submit.sh
# Prints the two job ids. Variables read by the job scripts: ZOO DATA CACHE (required),
# CHUNK_SIZE MAX_IMAGES SEED DEVICE ETRAN OUT (optional).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${ZOO:?set ZOO}" "${DATA:?set DATA}" "${CACHE:?set CACHE}"
shards=${SHARDS:-16}
export ZOO DATA CACHE SHARDS=$shards
array=$(sbatch --parsable --array="0-$((shards - 1))" --export=ALL "$here/extract-array.sbatch")
array=${array%%;*} # --parsable prints "id" or "id;cluster"
rank=$(sbatch --parsable --dependency="afterok:$array" --export=ALL "$here/rank.sbatch")
echo "extraction array: $array ($shards tasks); rank: ${rank%%;*}"
