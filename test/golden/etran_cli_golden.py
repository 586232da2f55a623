#!/usr/bin/python3
"""Golden values for the `etran score` / `etran eval` tests (correlation, LEEP, NCE).

Run with Debian's Python (numpy, scipy):
    /usr/bin/python3 test/golden/etran_cli_golden.py [--out PATH]
Writes test/golden/etran_cli_golden.json (or PATH): seeded inputs and what
scipy's correlation functions and our own reference LEEP / NCE return on them,
so the TypeScript tests compare against independent numbers without Python.

LEEP and NCE are written here from their definitions (Nguyen et al., ICML 2020;
Tran et al., ICCV 2019), computed the way thuml/LogME computes them, since the
rounding of the published values depends on it: the joint distribution is built
from probabilities already divided by N (LEEP) or by adding 1/N per sample
(NCE), and NCE adds 1e−20 inside its logarithm. `leep_prob_mean` is the variant
of the ETran / SFDA benchmark code: the mean of the expected empirical
prediction itself, without the log.

To check a re-run against the committed file without overwriting it:
    /usr/bin/python3 test/golden/etran_cli_golden.py --out /tmp/c.json
    /usr/bin/python3 test/golden/compare_golden.py test/golden/etran_cli_golden.json /tmp/c.json
"""
import argparse
import json
import math
import os
import warnings

import numpy as np
import scipy
from scipy.special import softmax
from scipy.stats import kendalltau, pearsonr, weightedtau

HERE = os.path.dirname(os.path.abspath(__file__))


def nan_to_none(v):
    v = float(v)
    return None if math.isnan(v) else v


def listify(a):
    return [None if (isinstance(v, float) and math.isnan(v)) else v for v in np.asarray(a, dtype=float).tolist()]

# ------------------------------------------------------------------ reference LEEP and NCE


def leep(source_probs, target_labels):
    """LEEP from the source model's class probabilities θ(x_i) (N × C_s) and target labels y_i.

    P̂(y, z) = Σ_{i: y_i = y} θ(x_i)_z / N (each θ divided by N before summing),
    P̂(y | z) = P̂(y, z) / Σ_y P̂(y, z), expected prediction p_i = Σ_z θ(x_i)_z · P̂(y_i | z).
    Returns (mean log p_i, mean p_i): the paper's score and the benchmark variant.
    """
    n = source_probs.shape[0]
    target_labels = target_labels.reshape(-1)
    target_count = int(np.max(target_labels) + 1)
    scaled = source_probs / float(n)
    joint = np.stack([np.sum(scaled[target_labels == c], axis=0) for c in range(target_count)])
    target_given_source = (joint / joint.sum(axis=0, keepdims=True)).T
    expected = source_probs @ target_given_source
    own_class = expected[np.arange(n), target_labels]
    return np.mean(np.log(own_class)), np.mean(own_class)


def nce(source_labels, target_labels):
    """NCE: −H(Y | Z) with Z the source model's hard labels, from the empirical joint.

    The joint accumulates 1/N per sample; only source classes that occur enter,
    and P̂(y | z) + 1e−20 is what goes into the logarithm.
    """
    n = len(source_labels)
    joint = np.zeros((int(np.max(target_labels) + 1), int(np.max(source_labels) + 1)), dtype=float)
    for z, y in zip(source_labels, target_labels):
        joint[int(y), int(z)] += 1.0 / n
    source_marginal = joint.sum(axis=0)
    seen = source_marginal != 0
    target_given_source = (joint[:, seen] / source_marginal[seen]).T + 1e-20
    entropy_per_source = np.sum(-target_given_source * np.log(target_given_source), axis=1)
    return -np.sum(entropy_per_source * source_marginal[seen])

# ------------------------------------------------------------------ the three groups of cases


def correlation_case(name, x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wt = weightedtau(x, y).statistic
        wt_rev = weightedtau(y, x).statistic
        kt = kendalltau(x, y).statistic
        try:
            pr = pearsonr(x, y).statistic
        except ValueError:
            pr = float("nan")
    return {
        "name": name,
        "x": listify(x),
        "y": listify(y),
        "weightedtau": nan_to_none(wt),
        "weightedtau_swapped": nan_to_none(wt_rev),
        "kendalltau": nan_to_none(kt),
        "pearson": nan_to_none(pr),
    }


def correlation_cases(rng):
    cases = []

    def add(name, x, y):
        cases.append(correlation_case(name, x, y))

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
    return cases


def source_cases(rng):
    cases = []
    for k, (n, source_count, target_count, temp) in enumerate([(60, 7, 4, 1.0), (120, 12, 5, 3.0), (40, 3, 6, 0.5)]):
        logits = rng.normal(size=(n, source_count)) * temp
        labels = rng.integers(0, target_count, size=n)
        labels[:target_count] = np.arange(target_count)  # every class present
        # make the source predictions informative for some classes
        logits[np.arange(n), labels % source_count] += 1.5
        probs = softmax(logits, axis=1)
        leep_log, leep_mean = leep(probs, labels)
        cases.append({
            "name": f"seeded #{k} N={n} C_s={source_count} C_t={target_count}",
            "logits": logits.tolist(),
            "probs": probs.tolist(),
            "labels": labels.tolist(),
            "leep": float(leep_log),
            "leep_prob_mean": float(leep_mean),
            "nce": float(nce(np.argmax(probs, axis=1), labels)),
        })
    return cases


def eval_cases(rng):
    """`etran eval` on the published 11×11 table: seeded score vectors (with a tie) against each dataset's accuracies."""
    with open(os.path.join(HERE, "..", "..", "fixtures", "transferability", "ground_truth.json")) as f:
        ground_truth = json.load(f)["supervised_finetune_acc"]
    cases = []
    for dataset, acc in ground_truth.items():
        names = list(acc.keys())
        truth = np.array([acc[n] for n in names])
        scores = np.round(rng.normal(size=len(names)), 3)
        scores[3] = scores[5]  # a tie across models
        top = int(np.argmax(scores))  # first of any tie; the tool takes the worst of a tie at the top
        top_tied = np.flatnonzero(scores == scores[top])
        cases.append({
            "dataset": dataset,
            "scores": {n: float(s) for n, s in zip(names, scores)},
            "weighted_tau": float(weightedtau(scores, truth).statistic),
            "kendall_tau": float(kendalltau(scores, truth).statistic),
            "pearson": float(pearsonr(scores, truth).statistic),
            "top1_regret": float(truth.max() - truth[top_tied].min()),
        })
    return cases


def main():
    parser = argparse.ArgumentParser(description="golden values for etran score / etran eval")
    parser.add_argument("--out", default=os.path.join(HERE, "etran_cli_golden.json"))
    args = parser.parse_args()
    rng = np.random.default_rng(20261127)  # one stream, drawn in this order: correlation, source, eval
    out = {
        "generator": "test/golden/etran_cli_golden.py",
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__},
        "correlation": correlation_cases(rng),
        "source": source_cases(rng),
    }
    out["eval_11x11"] = eval_cases(rng)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
    print(f"wrote {args.out}: {len(out['correlation'])} correlation cases, {len(out['source'])} LEEP/NCE cases, "
          f"{len(out['eval_11x11'])} eval cases on the 11x11 table")


if __name__ == "__main__":
    main()
