#!/usr/bin/python3
"""Golden values for the `etran score` / `etran eval` tests (correlation, LEEP, NCE).

Run with Debian's Python (numpy 1.24, scipy 1.10):
    /usr/bin/python3 test/golden/etran_cli_golden.py
It writes test/golden/etran_cli_golden.json next to itself: the seeded inputs
and what scipy / the official formulas return on them, so the TypeScript
tests compare against independent numbers without needing Python.

LEEP and NCE are the code of thuml/LogME (LEEP.py, NCE.py) verbatim in
behaviour; `leep_prob_mean` is the ETran/SFDA benchmark's variant (mean of
the empirical prediction, no log: SFDA metrics.py `LEEP`).
"""
import json
import math
import os

import numpy as np
import scipy
from scipy.special import softmax
from scipy.stats import kendalltau, pearsonr, weightedtau


def nan_to_none(v):
    v = float(v)
    return None if math.isnan(v) else v


def listify(a):
    return [None if (isinstance(v, float) and math.isnan(v)) else v for v in np.asarray(a, dtype=float).tolist()]


# --- correlation cases -------------------------------------------------------
rng = np.random.default_rng(20261127)
cases = []


def add(name, x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wt = weightedtau(x, y).statistic
            wt_rev = weightedtau(y, x).statistic
            kt = kendalltau(x, y).statistic
            try:
                pr = pearsonr(x, y).statistic
            except ValueError:
                pr = float("nan")
    cases.append({
        "name": name,
        "x": listify(x),
        "y": listify(y),
        "weightedtau": nan_to_none(wt),
        "weightedtau_swapped": nan_to_none(wt_rev),
        "kendalltau": nan_to_none(kt),
        "pearson": nan_to_none(pr),
    })


add("scipy docstring example", [12, 2, 1, 12, 2], [1, 4, 7, 1, 0])
add("scipy docstring NaN example", [12, 2, 1, 12, 2], [1, 4, 7, 1, np.nan])
add("two elements", [0.3, 0.1], [1.0, 2.0])
add("identical order", np.arange(11.0), np.arange(11.0) * 2 + 1)
add("reversed order", np.arange(11.0), -np.arange(11.0))
for k in range(6):
    n = int(rng.integers(5, 15))
    add(f"random continuous #{k} (n={n})", rng.normal(size=n), rng.normal(size=n))
for k in range(6):
    n = int(rng.integers(6, 20))
    add(f"ties in both (n={n}) #{k}", rng.integers(0, 4, size=n), rng.integers(0, 3, size=n))
add("ties in x only", [1, 1, 2, 2, 3, 3, 4], [0.1, 0.5, 0.2, 0.9, 0.3, 0.7, 0.4])
add("joint ties", [1, 1, 1, 2, 2, 3], [5, 5, 4, 5, 5, 1])
x = rng.normal(size=12)
y = x + rng.normal(size=12) * 0.5
x[[2, 7]] = np.nan
add("NaN in x (sorts lowest)", x, y)
x = rng.normal(size=9)
y = rng.normal(size=9)
y[4] = np.nan
x[1] = x[3]
add("NaN in y plus a tie in x", x, y)
add("constant x (undefined)", [1, 1, 1, 1], [1, 2, 3, 4])
n = 300
xi = rng.integers(0, 25, size=n).astype(float)
yi = xi + rng.integers(0, 10, size=n)
add("n=300 with many ties", xi, yi)
add("11x11-like scores vs accuracies", rng.normal(size=11), np.round(rng.uniform(70, 97, size=11), 2))


# --- LEEP / NCE (thuml/LogME) ---------------------------------------------------
def LEEP(pseudo_source_label, target_label):
    N, C_s = pseudo_source_label.shape
    target_label = target_label.reshape(-1)
    C_t = int(np.max(target_label) + 1)
    normalized_prob = pseudo_source_label / float(N)
    joint = np.zeros((C_t, C_s), dtype=float)
    for i in range(C_t):
        this_class = normalized_prob[target_label == i]
        row = np.sum(this_class, axis=0)
        joint[i] = row
    p_target_given_source = (joint / joint.sum(axis=0, keepdims=True)).T
    empirical_prediction = pseudo_source_label @ p_target_given_source
    empirical_prob = np.array([predict[label] for predict, label in zip(empirical_prediction, target_label)])
    return np.mean(np.log(empirical_prob)), np.mean(empirical_prob)


def NCE(source_label, target_label):
    C_t = int(np.max(target_label) + 1)
    C_s = int(np.max(source_label) + 1)
    N = len(source_label)
    joint = np.zeros((C_t, C_s), dtype=float)
    for s, t in zip(source_label, target_label):
        s = int(s)
        t = int(t)
        joint[t, s] += 1.0 / N
    p_z = joint.sum(axis=0, keepdims=True)
    p_target_given_source = (joint / p_z).T
    mask = p_z.reshape(-1) != 0
    p_target_given_source = p_target_given_source[mask] + 1e-20
    entropy_y_given_z = np.sum(-p_target_given_source * np.log(p_target_given_source), axis=1, keepdims=True)
    conditional_entropy = np.sum(entropy_y_given_z * p_z.reshape((-1, 1))[mask])
    return -conditional_entropy


source_cases = []
for k, (N, C_s, C_t, temp) in enumerate([(60, 7, 4, 1.0), (120, 12, 5, 3.0), (40, 3, 6, 0.5)]):
    logits = rng.normal(size=(N, C_s)) * temp
    y = rng.integers(0, C_t, size=N)
    y[:C_t] = np.arange(C_t)  # every class present
    # make the source predictions informative for some classes
    logits[np.arange(N), y % C_s] += 1.5
    probs = softmax(logits, axis=1)
    leep_log, leep_mean = LEEP(probs, y)
    nce = NCE(np.argmax(probs, axis=1), y)
    source_cases.append({
        "name": f"seeded #{k} N={N} C_s={C_s} C_t={C_t}",
        "logits": logits.tolist(),
        "probs": probs.tolist(),
        "labels": y.tolist(),
        "leep": float(leep_log),
        "leep_prob_mean": float(leep_mean),
        "nce": float(nce),
    })

out = {
    "generator": "test/golden/etran_cli_golden.py",
    "versions": {"numpy": np.__version__, "scipy": scipy.__version__},
    "correlation": cases,
    "source": source_cases,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "etran_cli_golden.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print(f"wrote {path}: {len(cases)} correlation cases, {len(source_cases)} LEEP/NCE cases")


# --- `etran eval` on the published 11x11 table --------------------------------
# Seeded score vectors (with a tie) against each dataset's fine-tuning accuracies.
gt_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures", "transferability", "ground_truth.json")
with open(gt_path) as f:
    gt = json.load(f)["supervised_finetune_acc"]
eval_cases = []
for dataset, acc in gt.items():
    names = list(acc.keys())
    truth = np.array([acc[n] for n in names])
    scores = np.round(rng.normal(size=len(names)), 3)
    scores[3] = scores[5]  # a tie across models
    top = int(np.argmax(scores))  # first of any tie; the tool takes the worst of a tie at the top
    top_tied = np.flatnonzero(scores == scores[top])
    eval_cases.append({
        "dataset": dataset,
        "scores": {n: float(s) for n, s in zip(names, scores)},
        "weighted_tau": float(weightedtau(scores, truth).statistic),
        "kendall_tau": float(kendalltau(scores, truth).statistic),
        "pearson": float(pearsonr(scores, truth).statistic),
        "top1_regret": float(truth.max() - truth[top_tied].min()),
    })
out["eval_11x11"] = eval_cases
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print(f"added {len(eval_cases)} eval cases on the 11x11 table")
