"""Bucket-aligned bins for the [graph] node's parameter and layer counts
(train.py --bucket-bins, issue 17): a check of a dataset's bins.json, and the
edges proposed for the featurizer.

The text states sizes in buckets (src/core/archbert/language/vocabulary.ts:
PARAM_RANGES "under 100k" … "over 100m", the lightweight bound 5m, and
LAYER_BUCKETS "1 to 5" … "over 200"). Today's bins are the nearest point of
a log grid (log10(1 + params) step 0.1, log2(1 + layers) step 0.25), so a
bucket edge can fall inside a bin: 20 and 21 weighted layers share a bin, as
do 99,999 and 100,000 parameters, and the encoder cannot tell "11 to 20
layers" from "21 to 50" for those graphs. The bins are made on the
TypeScript side (featurize.ts), which the runtime shares with the dataset
build; this file only checks a dataset and gives the edges to use there.

Semantics mirrored from featurize.ts binIndex (a feature without "binning"):
index (1-based) of the nearest value, ties to the smaller, 0 for x ≤ 0. The
proposed "binning": "interval" form: values are lower edges in raw units,
index = number of edges ≤ x (0 below the first).
"""
from __future__ import annotations

import math

PARAM_BUCKET_EDGES = (100_000, 1_000_000, 5_000_000, 25_000_000, 100_000_000)
LAYER_BUCKET_EDGES = (1, 6, 11, 21, 51, 101, 201)

# the bins.json feature names: today's (log grids) and the proposed interval form
PARAM_FEATURES = ("graph_log10_params", "graph_params")
LAYER_FEATURES = ("graph_log2_weighted_layers", "graph_weighted_layers")


def _transform(name: str, x: float) -> float:
    if name.startswith("graph_log10_"):
        return math.log10(1 + x)
    if name.startswith("graph_log2_"):
        return math.log2(1 + x)
    return x


def bin_index(feature: dict, x: float) -> int:
    """The bin of raw count x in one bins.json feature ({"name", "values", "binning"?})."""
    values = feature["values"]
    v = _transform(feature["name"], x)
    if feature.get("binning") == "interval":
        return sum(1 for e in values if e <= x)
    if not math.isfinite(v) or v <= 0:
        return 0
    if v <= values[0]:
        return 1
    if v >= values[-1]:
        return len(values)
    lo, hi = 0, len(values) - 1
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if values[mid] <= v:
            lo = mid
        else:
            hi = mid
    return lo + 1 if v - values[lo] <= values[hi] - v else hi + 1


def straddled_edges(bins_file: dict) -> list[str]:
    """Every bucket edge e whose two sides (e − 1 and e) share a bin, as
    readable lines; a missing graph feature is a problem too. [] = aligned."""
    problems = []
    by_name = {f["name"]: f for f in bins_file.get("features", [])}
    for names, edges in ((PARAM_FEATURES, PARAM_BUCKET_EDGES), (LAYER_FEATURES, LAYER_BUCKET_EDGES)):
        feature = next((by_name[n] for n in names if n in by_name), None)
        if feature is None:
            problems.append(f"bins.json has none of {', '.join(names)}")
            continue
        for e in edges:
            below, at = bin_index(feature, e - 1), bin_index(feature, e)
            if below == at:
                problems.append(f"{feature['name']}: {e - 1:,} and {e:,} share bin {at}")
    return problems


def _snap(grid: set, bucket_edges, half_step: float) -> list[int]:
    """The grid with each bucket edge in place of the grid edges less than half a
    step (a ratio, log scale) from it: no sliver bins such as [5.0m, 5.01m)."""
    edges = set(grid)
    for e in bucket_edges:
        edges = {g for g in edges if g == e or not (1 / half_step < g / e < half_step)} | {e}
    return sorted(edges)


def proposed_layer_edges() -> list[int]:
    """Every count 1…24 its own bin (exact layer counts are stated and asked), then
    quarter-octave steps to 2^15, with the bucket edges 51, 101, 201 put in place
    of the nearest steps."""
    steps, k = set(), math.floor(4 * math.log2(24)) + 1
    while round(2 ** (k / 4)) <= 2 ** 15:
        steps.add(round(2 ** (k / 4)))
        k += 1
    return sorted(set(range(1, 25)) | set(_snap(steps, [e for e in LAYER_BUCKET_EDGES if e > 24], 2 ** 0.125)))


def proposed_param_edges() -> list[int]:
    """log10 steps of 0.1 from 10 to 10^10 parameters (today's resolution), as
    integer lower edges (and 1: any parameter at all), with the bucket edges
    100k, 1m, 5m, 25m, 100m put in place of the nearest steps."""
    grid = {1} | {round(10 ** (k / 10)) for k in range(10, 101)}
    return _snap(grid, PARAM_BUCKET_EDGES, 10 ** 0.05)
