#!/usr/bin/python3
"""Golden values for NCTI and PCA (test/core/etran/ncti.test.ts, test/core/etran/pca.test.ts).

Run with Debian's Python (numpy, scikit-learn):
    /usr/bin/python3 test/golden/ncti_golden.py
Writes test/golden/ncti_golden.json.

Our own script, written from the facts of the official NCTI routine
(BUserName/NCTI: PCA to 64 dimensions; shrinkage α = max(exp(−Σ first 32
explained variances), 1e−10); scikit-learn's LinearDiscriminantAnalysis,
solver 'svd' when α hits 1e−10, else solver 'eigen' with shrinkage α; the three
terms: nuclear norm of the centred LDA transform, mean true-class posterior, log
of the summed per-class nuclear norms of the posteriors; across models
minmax + minmax − minmax). Where the TypeScript documents a deliberate
difference, this script does the same: exact PCA (svd_solver='full' instead
of the unseeded randomized default), k = min(64, D, N − 1) cut to the numerical
rank, a term equal for all models contributing 0.

Inputs are generated from a seeded mulberry32 stream (src/core/random.ts) with
plain float arithmetic, so the test rebuilds the same doubles without storing them.
"""
import json
import os

import numpy as np
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis


def mulberry32(seed):
    state = [seed & 0xFFFFFFFF]

    def imul(a, b):
        return (a * b) & 0xFFFFFFFF

    def rnd():
        state[0] = (state[0] + 0x6D2B79F5) & 0xFFFFFFFF
        t = state[0]
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return rnd


def make(spec):
    """X[i, j] = scale·(sep·centre[y_i, j] + (u − ½)·(1 + j mod 5)); listed columns set to 0.75."""
    rnd = mulberry32(spec['seed'])
    sizes = spec['sizes']
    C, d = len(sizes), spec['d']
    y = np.repeat(np.arange(C), sizes)
    centre = [[rnd() - 0.5 for _ in range(d)] for _ in range(C)]
    X = np.empty((len(y), d))
    for i in range(len(y)):
        row = centre[y[i]]
        for j in range(d):
            X[i, j] = spec['scale'] * (spec['sep'] * row[j] + (rnd() - 0.5) * (1 + j % 5))
    for j in spec.get('const_cols', []):
        X[:, j] = 0.75
    return X, y


def nuclear(A):
    return float(np.linalg.norm(A, ord='nuc')) if A.size else 0.0


def ncti_terms(X, y, pca_dims=64):
    N, D = X.shape
    C = len(np.unique(y))
    k = min(pca_dims, D, N - 1)
    pca = PCA(n_components=k, svd_solver='full')
    Z = pca.fit_transform(X)
    ev = pca.explained_variance_
    rank = int(np.sum(ev > ev[0] * 10 * max(N, D) * 2.0 ** -52))
    Z, ev = Z[:, :rank], ev[:rank]
    alpha = max(np.exp(-ev[:32].sum()), 1e-10)
    if alpha == 1e-10:
        lda, solver = LinearDiscriminantAnalysis(solver='svd'), 'svd'
    else:
        lda, solver = LinearDiscriminantAnalysis(solver='eigen', shrinkage=float(alpha)), 'eigen'
    F = lda.fit_transform(Z, y)
    F = F - F.mean(axis=0, keepdims=True)
    seli = nuclear(F)
    P = lda.predict_proba(Z)
    ncc = float(P[np.arange(N), y].sum() / N)
    vc = float(np.log(sum(nuclear(P[y == c]) for c in range(C))))
    return {'seli': seli, 'ncc': ncc, 'vc': vc}, solver, (float(alpha) if solver == 'eigen' else None), rank


def combine(terms):
    out = np.zeros(len(terms))
    for key, sign in (('seli', 1), ('ncc', 1), ('vc', -1)):
        t = np.array([x[key] for x in terms])
        if t.max() > t.min():
            out += sign * (t - t.min()) / (t.max() - t.min())
    return out.tolist()


def spec(name, seed, sizes, d, scale, sep=2.0, **kw):
    return dict(name=name, seed=seed, sizes=sizes, d=d, scale=scale, sep=sep, **kw)


CASES = [
    spec('eigen-light-shrinkage', 1, [30, 30, 30, 30], 20, 0.6, sep=1.0),
    spec('eigen-heavy-shrinkage', 2, [30, 30, 30, 30], 20, 0.05),
    spec('svd', 3, [30, 30, 30, 30, 30], 80, 3.0, sep=0.5),
    spec('n<d-eigen', 4, [14, 13, 13], 100, 0.05, sep=0.5),
    spec('n<d-svd', 5, [13, 13, 12, 12], 120, 5.0),
    spec('n<64-eigen', 6, [10, 10, 10], 40, 0.2, sep=0.7),
    spec('singleton-eigen', 7, [12, 12, 12, 12, 12, 1], 30, 0.3, sep=1.0),
    spec('singleton-svd', 8, [12, 12, 12, 12, 12, 1], 30, 4.0, sep=1.0),
    spec('binary-eigen', 9, [45, 35], 16, 0.4, sep=1.0),
    spec('binary-svd', 10, [45, 35], 16, 6.0, sep=1.0),
    spec('many-classes-svd', 11, [4] * 20 + [3] * 60, 70, 2.0, sep=0.6),
    spec('many-classes-eigen', 12, [4] * 20 + [3] * 60, 70, 0.02, sep=0.6),
    spec('constant-columns', 13, [30, 30, 30], 25, 0.5, const_cols=[0, 7, 24]),
    spec('rank-deficient', 14, [20, 20], 12, 0.5, const_cols=list(range(6, 12))),
    # posteriors saturated at 0/1: the per-class nuclear norms of nearly rank-one blocks
    spec('saturated-svd', 41, [100] * 10, 60, 2.0, sep=3.0),
    spec('saturated-eigen', 42, [100] * 10, 60, 0.05, sep=6.0),
]

# One ranking: five models of the same 150 images (same labels), different features.
COMBO = [
    spec('model-a', 21, [30] * 5, 40, 0.3, sep=1.0),
    spec('model-b', 22, [30] * 5, 40, 0.3, sep=3.0),
    spec('model-c', 23, [30] * 5, 90, 2.0, sep=0.6),
    spec('model-d', 24, [30] * 5, 20, 0.1, sep=2.0),
    spec('model-e', 25, [30] * 5, 70, 1.0, sep=0.5),
]

PCA_CASES = [
    dict(spec('pca-tall', 31, [20, 20], 6, 1.0), components=4),
    dict(spec('pca-wide', 32, [6, 6], 30, 1.0), components=5),
    dict(spec('pca-share-0.8', 33, [25, 25], 12, 1.0), share=0.8),
    dict(spec('pca-share-0.5-wide', 34, [5, 5], 20, 1.0), share=0.5),
]


def main():
    out = {'cases': [], 'combo': {}, 'pca': []}
    for s in CASES:
        X, y = make(s)
        terms, solver, alpha, k = ncti_terms(X, y)
        out['cases'].append({**s, 'terms': terms, 'solver': solver, 'shrinkage': alpha, 'k': k})
        print(f"{s['name']:22s} k={k:3d} {solver:5s} alpha={alpha} {terms}")
    models = []
    for s in COMBO:
        X, y = make(s)
        terms, solver, alpha, k = ncti_terms(X, y)
        models.append({**s, 'terms': terms, 'solver': solver, 'shrinkage': alpha, 'k': k})
    out['combo'] = {'models': models, 'values': combine([m['terms'] for m in models])}
    print('combo', [m['solver'] for m in models], out['combo']['values'])
    for s in PCA_CASES:
        X, _ = make(s)
        p = PCA(n_components=s.get('components', s.get('share')), svd_solver='full')
        Z = p.fit_transform(X)
        out['pca'].append({**s, 'k': int(p.n_components_), 'explained_variance': p.explained_variance_.tolist(),
                           'total_variance': float(np.var(X, axis=0, ddof=1).sum()), 'projected': Z.ravel().tolist()})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'ncti_golden.json')
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
