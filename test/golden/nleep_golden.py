#!/usr/bin/env python3
"""Parity goldens for src/core/etran/gmm.ts and nleep.ts (our own script).

Reference: scikit-learn's GaussianMixture(covariance_type='full') with its
defaults and PCA(n_components=0.8, svd_solver='full'), run on small seeded
cases. Our k-means is not sklearn's, so each case records the labels
sklearn's own KMeans gives inside GaussianMixture (KMeans(n_clusters=K,
n_init=1, random_state=RandomState(0))); the tests hand them to fitGmm /
nleep as `initLabels` and must then reproduce sklearn to 1e-6.

- gmm: weights, means, covariances, lower bound, iterations and
  posteriors, with and without means_init (means_init replaces only the
  initial means; weights and covariances still come from the k-means labels);
- nleep: the whole NLEEP of the SFDA benchmark (PCA 80 %, 5·C components,
  LEEP over the posteriors), both the log mean (paper) and the probability
  mean (SFDA metrics.py).

Run: /usr/bin/python3 test/golden/nleep_golden.py  (writes nleep_golden.json)
"""
import json
import os

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.mixture import GaussianMixture

HERE = os.path.dirname(os.path.abspath(__file__))


def kmeans_labels(Z, k):
    """The labels GaussianMixture(random_state=0) initialises from."""
    return KMeans(n_clusters=k, n_init=1, random_state=np.random.RandomState(0)).fit(Z).labels_


def check_init(Z, k, labels):
    """Our reading of sklearn's initialisation: weights n_k/N from these labels."""
    gm0 = GaussianMixture(n_components=k, covariance_type="full", random_state=0, max_iter=0).fit(Z)
    counts = np.bincount(labels, minlength=k) + 10 * np.finfo(float).eps
    assert np.allclose(gm0.weights_, counts / Z.shape[0], rtol=0, atol=1e-15), "KMeans labels differ from GaussianMixture's"


def leep_from_posteriors(prob, y, c):
    n, k = prob.shape
    pyz = np.zeros((c, k))
    for cls in range(c):
        pyz[cls] = prob[y == cls].sum(axis=0) / n
    pz = pyz.sum(axis=0)
    py_x = prob @ (pyz / pz).T
    e = py_x[np.arange(n), y]
    return float(np.mean(np.log(e))), float(np.mean(e))


def clusters(rng, n, d, k, spread, sep):
    centres = rng.standard_normal((k, d)) * sep
    lab = np.arange(n) % k
    rng.shuffle(lab)
    A = rng.standard_normal((k, d, d)) * spread
    X = np.stack([centres[lab[i]] + A[lab[i]] @ rng.standard_normal(d) for i in range(n)])
    return X


def gmm_case(name, Z, k, perturb=None, seed=0):
    labels = kmeans_labels(Z, k)
    check_init(Z, k, labels)
    means_init = None
    if perturb is not None:
        rng = np.random.default_rng(seed)
        base = np.stack([Z[labels == j].mean(axis=0) for j in range(k)])
        means_init = base + perturb * rng.standard_normal(base.shape)
    gm = GaussianMixture(n_components=k, covariance_type="full", random_state=0, means_init=means_init).fit(Z)
    return {
        "name": name,
        "X": Z.tolist(),
        "components": k,
        "init_labels": labels.tolist(),
        "means_init": None if means_init is None else means_init.tolist(),
        "weights": gm.weights_.tolist(),
        "means": gm.means_.tolist(),
        "covariances": gm.covariances_.tolist(),
        "lower_bound": float(gm.lower_bound_),
        "n_iter": int(gm.n_iter_),
        "converged": bool(gm.converged_),
        "posteriors": gm.predict_proba(Z).tolist(),
        "score": float(gm.score(Z)),
    }


def nleep_case(name, X, y, per_class=5):
    c = int(y.max()) + 1
    pca = PCA(n_components=0.8, svd_solver="full").fit(X)
    Z = pca.transform(X)
    k = per_class * c
    labels = kmeans_labels(Z, k)
    check_init(Z, k, labels)
    gm = GaussianMixture(n_components=k, covariance_type="full", random_state=0).fit(Z)
    prob = gm.predict_proba(Z)
    log_mean, prob_mean = leep_from_posteriors(prob, y, c)
    return {
        "name": name,
        "X": X.tolist(),
        "labels": y.tolist(),
        "pca_k": int(pca.n_components_),
        "explained_variance": pca.explained_variance_.tolist(),
        "components": k,
        "init_labels": labels.tolist(),
        "lower_bound": float(gm.lower_bound_),
        "n_iter": int(gm.n_iter_),
        "nleep": log_mean,
        "nleep_prob_mean": prob_mean,
    }


def main():
    rng = np.random.default_rng(20261127)
    gmm = []
    # Three well-separated 2-D blobs.
    Z = clusters(rng, 60, 2, 3, 0.6, 4.0)
    gmm.append(gmm_case("blobs-2d-k3", Z, 3))
    gmm.append(gmm_case("blobs-2d-k3-means-init", Z, 3, perturb=0.3, seed=1))
    # Overlapping clusters in 4-D, more components than clusters.
    Z = clusters(rng, 90, 4, 3, 0.8, 1.5)
    gmm.append(gmm_case("overlap-4d-k5", Z, 5))
    gmm.append(gmm_case("overlap-4d-k5-means-init", Z, 5, perturb=0.2, seed=2))
    # Few samples per component in 5-D: covariances lean on reg_covar.
    Z = clusters(rng, 24, 5, 4, 0.5, 3.0)
    gmm.append(gmm_case("sparse-5d-k6", Z, 6))

    nleep = []
    # x = sep·μ_y + ε with an anisotropic ε, so 80 % of the variance is a few directions.
    for name, n, d, c, sep in [("nleep-3cls-d8", 90, 8, 3, 1.2), ("nleep-4cls-d12", 120, 12, 4, 0.8)]:
        mu = rng.standard_normal((c, d)) * sep
        y = np.arange(n) % c
        rng.shuffle(y)
        scales = np.linspace(2.0, 0.2, d)
        X = mu[y] + rng.standard_normal((n, d)) * scales
        nleep.append(nleep_case(name, X, y))

    out = {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "gmm": gmm,
        "nleep": nleep,
    }
    with open(os.path.join(HERE, "nleep_golden.json"), "w") as f:
        json.dump(out, f)
    for g in gmm:
        print(g["name"], "iter", g["n_iter"], "lb", g["lower_bound"], "conv", g["converged"])
    for g in nleep:
        print(g["name"], "k", g["pca_k"], "K", g["components"], "iter", g["n_iter"], "nleep", g["nleep"], g["nleep_prob_mean"])


if __name__ == "__main__":
    main()
