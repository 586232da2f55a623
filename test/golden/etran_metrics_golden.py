#!/usr/bin/python3
"""Golden values for the transferability metrics (test/core/etran/metrics-golden.test.ts).

Run with Debian's Python (numpy, scipy, scikit-learn, torch for the energy score):
    /usr/bin/python3 test/golden/etran_metrics_golden.py [--out PATH]
Writes test/golden/etran_metrics_golden.json (or PATH): seeded inputs and every
metric computed on them by our own numpy reference code, written from the papers
and the documented behaviour of the authors' repositories. Nothing here shares
code with the TypeScript implementation, so agreement means two independent
computations of the same definition agree.

Where a score's published value depends on how it is computed, this script
computes it the same way (see each function): ETran's LDA with
eigh(inv(Sw')·Sb), SFDA with scipy.linalg.eigh(Sb, Sw'), LogME's fixed point
and stopping rule, H-score's pinv threshold, the energy score's torch.logsumexp
on float32. LDA, SFDA, LogME and H-score live in reference_metrics.py (shared
with bench/etran_official.py); the rest is below.

To check a re-run against the committed file without overwriting it:
    /usr/bin/python3 test/golden/etran_metrics_golden.py --out /tmp/m.json
    /usr/bin/python3 test/golden/compare_golden.py test/golden/etran_metrics_golden.json /tmp/m.json
"""
import argparse
import json
import os
import sys

import numpy as np
from sklearn.covariance import LedoitWolf
from sklearn.decomposition import PCA

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from reference_metrics import (  # noqa: E402
    class_mean_rows, fit_shrinkage_lda, h_score, lda_posteriors, lda_score, logme_evidence, row_softmax,
    sfda_score)

# ------------------------------------------------------------------ the other reference scores


def energy_score(features32, tail_per_mille=5):
    """ETran's S_en: the mean of the lowest 5·N//1000 energies logsumexp(x_i).

    Computed as ETran does, with torch.logsumexp on float32 rows; the mean stays in
    float32 too.
    """
    energies = torch.logsumexp(torch.from_numpy(features32), dim=-1).numpy()
    count = tail_per_mille * len(energies) // 1000
    return np.sort(energies)[:count].mean()


def regression_score(features, targets):
    """ETran's regression component: −MSE of the least-squares fit W = V·S⁻¹·Uᵀ·T (thin SVD), in float64."""
    u, s, vt = np.linalg.svd(features, full_matrices=False)
    weights = vt.T @ np.linalg.inv(np.diag(s)) @ u.T @ targets
    return -np.mean((features @ weights - targets) ** 2)


def regression_truncated(features, targets, share):
    """The same fit on the fewest singular directions holding `share` of Σ s²; returns (score, k)."""
    u, s, vt = np.linalg.svd(features, full_matrices=False)
    energy = np.cumsum(s ** 2) / np.sum(s ** 2)
    k = int(np.searchsorted(energy, share - 1e-12) + 1)
    weights = vt[:k].T @ np.diag(1 / s[:k]) @ u[:, :k].T @ targets
    return -np.mean((features @ weights - targets) ** 2), k


def regularized_h_score(features, labels):
    """Regularised H-score (Ibrahim et al., 2022), as TLlib defines it; returns (score, α).

    Centred features f, Ledoit–Wolf covariance Σ_α with shrinkage α (scikit-learn),
    g = class-mean rows of f: tr(pinv(Σ_α, rcond=1e−15) · (1 − α)·Cov g).
    """
    centred = features - np.mean(features, axis=0, keepdims=True)
    ledoit_wolf = LedoitWolf(assume_centered=False).fit(centred)
    alpha = ledoit_wolf.shrinkage_
    class_cov = np.cov(class_mean_rows(centred, labels), rowvar=False)
    return np.trace(np.linalg.pinv(ledoit_wolf.covariance_, rcond=1e-15) @ ((1 - alpha) * class_cov)), alpha


def coding_rate(rows, eps=1e-4):
    """½·log det(I + ZᵀZ / (n·ε)) for the n×d rows Z (the rate–distortion estimate TransRate uses)."""
    n, d = rows.shape
    _, log_det = np.linalg.slogdet(np.eye(d) + (1 / (n * eps) * rows.T) @ rows)
    return 0.5 * log_det


def transrate(features, labels, eps=1e-4):
    """TransRate (Huang et al., ICML 2022): R(Z) − (1/C)·Σ_c R(Z_c) on the centred features Z."""
    centred = features - np.mean(features, axis=0, keepdims=True)
    class_count = int(labels.max() + 1)
    per_class = sum(coding_rate(centred[(labels == c).flatten()], eps) for c in range(class_count))
    return coding_rate(centred, eps) - per_class / class_count


def gbc(features, labels, pca_dims=None):
    """GBC (Pándy et al., CVPR 2022) with spherical Gaussians, in float64: −Σ_{c≠c'} BC(c, c').

    Each class is a Gaussian with its mean and one variance s = mean of its per-dimension
    variances (each floored at 1e−4). Over ordered pairs, with s̄ = (s₁ + s₂)/2:
    BC = exp(−(Σ(μ₁ − μ₂)²/(8·s̄) + ½·(log s̄ − ½·log s₁ − ½·log s₂))).
    Optionally on a PCA projection first, as google-research's stable_transfer allows.
    """
    if pca_dims is not None:
        features = PCA(n_components=pca_dims).fit_transform(features)
    gaussians = []
    for c in np.unique(labels):
        rows = features[labels == c]
        gaussians.append((rows.mean(axis=0), np.mean(np.maximum(rows.var(axis=0), 1e-4))))
    total = 0.0
    for i, (mean_a, var_a) in enumerate(gaussians):
        for j, (mean_b, var_b) in enumerate(gaussians):
            if i == j:
                continue
            var_avg = (var_a + var_b) / 2
            mahalanobis_term = np.sum((mean_a - mean_b) ** 2 / var_avg) / 8
            log_det_term = np.log(var_avg) - 0.5 * np.log(var_a) - 0.5 * np.log(var_b)
            total += np.exp(-(mahalanobis_term + 0.5 * log_det_term))
    return -total

# ------------------------------------------------------------------ independent formulas for the LDA options


def lda_closed(features, labels, scale=1.0):
    """Nearest-class-mean LDA with identity covariance: softmax(scale·(x·mᵀ − ½‖m‖² + log prior))."""
    class_count = labels.max() + 1
    means = np.stack([features[labels == c].mean(0) for c in range(class_count)])
    priors = np.bincount(labels) / len(labels)
    scores = (features @ means.T - 0.5 * (means ** 2).sum(1) + np.log(priors)) * scale
    return row_softmax(scores)[np.arange(len(labels)), labels].mean()


def lda_pooled_variance(features, labels):
    """lda_closed scaled by 1/s², s² the pooled within-class variance per entry."""
    class_count = labels.max() + 1
    means = np.stack([features[labels == c].mean(0) for c in range(class_count)])
    pooled = ((features - means[labels]) ** 2).sum() / features.size
    return lda_closed(features, labels, 1 / pooled)


def lda_shrinkage_projection(features, labels):
    """The shrinkage LDA with the generalized eigen-problem (SFDA's first fit), scored as S_cls."""
    coef, intercept, _ = fit_shrinkage_lda(features, labels, 'sfda')
    return lda_posteriors(features, coef, intercept)[np.arange(len(labels)), labels].mean()

# ------------------------------------------------------------------ inputs


def make_case(rng, n, d, c, scale=1.0, relu=False, sep=1.0):
    y = np.concatenate([np.arange(c), rng.integers(0, c, n - c)])
    rng.shuffle(y)
    means = rng.normal(0, sep, (c, d))
    X = means[y] + rng.normal(0, 1.0, (n, d))
    if relu:
        X = np.maximum(X, 0)
    X = (X * scale).astype(np.float32).astype(np.float64)
    return X, y


def all_metrics(X, y, T=None, pca_dims=None):
    out = {}
    out['energy'] = float(energy_score(X.astype(np.float32))) if len(X) >= 200 else None
    out['lda'] = float(lda_score(X, y))
    out['lda_closed_form_numpy'] = float(lda_closed(X, y))
    out['lda_shrinkage_projection'] = float(lda_shrinkage_projection(X, y))
    out['lda_pooled_variance'] = float(lda_pooled_variance(X, y))
    unit_rows = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-300)
    out['lda_l2'] = float(lda_closed(unit_rows, y))
    out['logme'] = float(logme_evidence(X, y))
    out['logme_corrected'] = float(logme_evidence(X, y, corrected=True))
    out['hscore'] = float(h_score(X, y))
    rh, alpha = regularized_h_score(X, y)
    out['regularized_hscore'] = float(rh)
    out['ledoit_wolf_shrinkage'] = float(alpha)
    out['sfda'] = float(sfda_score(X, y))
    out['transrate'] = float(transrate(X, y))
    out['transrate_eps_1e-2'] = float(transrate(X, y, eps=1e-2))
    out['gbc'] = float(gbc(X, y))
    if pca_dims is not None:
        out['gbc_pca'] = float(gbc(X, y, pca_dims))
        out['gbc_pca_dims'] = pca_dims
    if T is not None:
        out['regression'] = float(regression_score(X, T))
        r, k = regression_truncated(X, T, 0.9)
        out['regression_share_0.9'] = float(r)
        out['regression_share_0.9_k'] = k
    return out


def main():
    parser = argparse.ArgumentParser(description='golden values for the transferability metrics')
    parser.add_argument('--out', default=os.path.join(HERE, 'etran_metrics_golden.json'))
    args = parser.parse_args()
    rng = np.random.default_rng(20231001)
    cases = []
    X, y = make_case(rng, 300, 20, 5, sep=0.6)
    T = X[:, :4] @ rng.normal(0, 0.3, (4, 4)) + rng.normal(0, 0.5, (300, 4))
    cases.append(('basic', X, y, T, 8))
    X, y = make_case(rng, 40, 64, 4, sep=0.5)
    T = rng.normal(0, 1, (40, 3))
    cases.append(('n_lt_d', X, y, T, None))
    X, y = make_case(rng, 240, 12, 3, sep=0.7)
    X[:, 3] = 1.0
    X[:, 7] = 0.3
    cases.append(('constant_columns', X, y, None, None))
    X, y = make_case(rng, 250, 48, 4, scale=30.0, relu=True, sep=1.0)
    cases.append(('high_norm', X, y, None, None))
    out = {'generator': 'test/golden/etran_metrics_golden.py',
           'versions': {'numpy': np.__version__, 'torch': torch.__version__ if torch else None},
           'cases': []}
    for name, X, y, T, pca in cases:
        case = {'name': name, 'n': int(X.shape[0]), 'd': int(X.shape[1]), 'c': int(y.max() + 1),
                'X': X.ravel().tolist(), 'y': y.tolist(),
                'metrics': all_metrics(X, y, T, pca)}
        if T is not None:
            case['T'] = T.ravel().tolist()
            case['t_cols'] = int(T.shape[1])
        out['cases'].append(case)
        print(name, json.dumps(case['metrics'], indent=None))
    with open(args.out, 'w') as fh:
        json.dump(out, fh)


if __name__ == '__main__':
    main()
