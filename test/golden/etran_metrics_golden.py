#!/usr/bin/python3
"""Golden values for the transferability metrics (test/etran/metrics*.test.ts).

Run with Debian's Python (numpy, scipy, sklearn, torch for the energy score):
    /usr/bin/python3 test/golden/etran_metrics_golden.py
Writes test/golden/etran_metrics_golden.json: the inputs (generated here from a
fixed seed) and every metric computed THE OFFICIAL WAY, with the upstream code
transcribed as is: ETran metrics.py (LDA via eigh(inv(Sw')@Sb), Energy_Score via
torch.logsumexp on float32, the SVD regression), thuml/LogME fixed point,
TencentARC/SFDA (scipy.linalg.eigh(Sb, Sw')), TLlib h_score / regularized_h_score
(sklearn LedoitWolf) / transrate, google-research GBC. Nothing here shares code
with the TypeScript implementation. ETran LDA, SFDA, LogME and h_score live in
official_metrics.py (one copy, also used by bench/etran_official.py).
"""
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

# ------------------------------------------------------------------ upstream code (transcribed)
# ETran LDA, SFDA, LogME, h_score: one copy in official_metrics.py, shared with bench/etran_official.py.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from official_metrics import LDA_Score, LogME_fixed_point, SFDA_Score, ShrinkageLDA, h_score, softmax  # noqa: E402


def Energy_Score(logits, percent=0.5, tail='bot'):
    logits = torch.from_numpy(logits)
    energy_score = torch.logsumexp(logits, dim=-1).numpy()
    chs = list(np.argsort(energy_score)[0:int(percent * 10) * len(energy_score) // 1000])
    return energy_score[chs].mean()


def regression_score(X, T):
    # ETran's _solve_eigen2, in float64 (upstream casts X to float32 first).
    U, S, Vt = np.linalg.svd(X, full_matrices=False)
    x_hat2 = Vt.T @ np.linalg.inv(np.diag(S)) @ U.T @ T
    return -np.mean((X @ x_hat2 - T) ** 2)


def regression_truncated(X, T, share):
    U, S, Vt = np.linalg.svd(X, full_matrices=False)
    energy = np.cumsum(S ** 2) / np.sum(S ** 2)
    k = int(np.searchsorted(energy, share - 1e-12) + 1)
    W = Vt[:k].T @ np.diag(1 / S[:k]) @ U[:, :k].T @ T
    return -np.mean((X @ W - T) ** 2), k


def regularized_h_score(features, labels):
    f = features.copy()
    f = f - np.mean(f, axis=0, keepdims=True)
    y = labels
    C = int(y.max() + 1)
    g = np.zeros_like(f)
    cov = LedoitWolf(assume_centered=False).fit(f)
    alpha = cov.shrinkage_
    covf_alpha = cov.covariance_
    for i in range(C):
        Ef_i = np.mean(f[y == i, :], axis=0)
        g[y == i] = Ef_i
    covg = np.cov(g, rowvar=False)
    return np.trace(np.dot(np.linalg.pinv(covf_alpha, rcond=1e-15), (1 - alpha) * covg)), alpha


def coding_rate(features, eps=1e-4):
    f = features
    n, d = f.shape
    (_, rate) = np.linalg.slogdet((np.eye(d) + 1 / (n * eps) * f.transpose() @ f))
    return 0.5 * rate


def transrate(features, labels, eps=1e-4):
    f = features
    y = labels
    f = f - np.mean(f, axis=0, keepdims=True)
    Rf = coding_rate(f, eps)
    Rfy = 0.0
    C = int(y.max() + 1)
    for i in range(C):
        Rfy += coding_rate(f[(y == i).flatten()], eps)
    return Rf - Rfy / C


def gbc(features, labels, pca_dims=None):
    # google-research stable_transfer gbc.py, gaussian_type='spherical', in float64.
    if pca_dims is not None:
        features = PCA(n_components=pca_dims).fit_transform(features)
    stats = {}
    for c in np.unique(labels):
        cf = features[labels == c]
        stats[c] = (cf.mean(axis=0), np.maximum(cf.var(axis=0), 1e-4))
    total = 0.0
    for c1 in stats:
        for c2 in stats:
            if c1 == c2:
                continue
            mu1, v1 = stats[c1]
            mu2, v2 = stats[c2]
            s1, s2 = np.mean(v1), np.mean(v2)
            avg = (s1 + s2) / 2
            first = np.sum((mu1 - mu2) ** 2 / avg) / 8
            second = np.log(avg) - 0.5 * np.log(s1) - 0.5 * np.log(s2)
            total += np.exp(-(first + 0.5 * second))
    return -total

# ------------------------------------------------------------------ independent formulas for the options


def lda_closed(X, y, scale=1.0):
    C = y.max() + 1
    mu = np.stack([X[y == c].mean(0) for c in range(C)])
    pri = np.bincount(y) / len(y)
    Z = (X @ mu.T - 0.5 * (mu ** 2).sum(1) + np.log(pri)) * scale
    P = softmax(Z)
    return P[np.arange(len(y)), y].mean()


def lda_pooled_variance(X, y):
    C = y.max() + 1
    mu = np.stack([X[y == c].mean(0) for c in range(C)])
    s2 = ((X - mu[y]) ** 2).sum() / X.size
    return lda_closed(X, y, 1 / s2)


def lda_shrinkage_projection(X, y):
    m = ShrinkageLDA('sfda').fit(X, y)
    P = m.predict_proba(X)
    return P[np.arange(len(y)), y].mean()

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
    out['energy'] = float(Energy_Score(X.astype(np.float32))) if len(X) >= 200 else None
    out['lda'] = float(LDA_Score(X, y))
    out['lda_closed_form_numpy'] = float(lda_closed(X, y))
    out['lda_shrinkage_projection'] = float(lda_shrinkage_projection(X, y))
    out['lda_pooled_variance'] = float(lda_pooled_variance(X, y))
    Xl2 = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-300)
    out['lda_l2'] = float(lda_closed(Xl2, y))
    out['logme'] = float(LogME_fixed_point(X, y))
    out['logme_corrected'] = float(LogME_fixed_point(X, y, corrected=True))
    out['hscore'] = float(h_score(X, y))
    rh, alpha = regularized_h_score(X, y)
    out['regularized_hscore'] = float(rh)
    out['ledoit_wolf_shrinkage'] = float(alpha)
    out['sfda'] = float(SFDA_Score(X, y))
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
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'etran_metrics_golden.json')
    with open(path, 'w') as fh:
        json.dump(out, fh)


if __name__ == '__main__':
    main()
