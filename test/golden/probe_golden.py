#!/usr/bin/python3
"""Golden values for `probe` and `stratifiedFolds` (test/core/etran/probe.test.ts, folds.test.ts).

Run with Debian's Python (numpy, scikit-learn):
    /usr/bin/python3 test/golden/probe_golden.py
Writes test/golden/probe_golden.json.

probe: for each case the folds are drawn here (numpy, fixed seed) and stored;
each fold is fitted by scikit-learn on StandardScaler(train fold)-transformed
features:
  - lda, shrinkage δ fixed: LinearDiscriminantAnalysis(solver='lsqr', shrinkage=δ);
  - lda, shrinkage 'auto' (ours: Ledoit-Wolf on the pooled class-centred rows):
    δ = sklearn.covariance.ledoit_wolf_shrinkage(class-centred rows,
    assume_centered=True), then the same LDA with shrinkage=δ;
  - ridge λ: RidgeClassifier(alpha=λ).
  - lda, shrinkage 'auto-per-class': scikit-learn's own shrinkage='auto'
    (Ledoit-Wolf per class), LinearDiscriminantAnalysis(solver='lsqr', shrinkage='auto');
    sklearn_auto records how often it agrees with the pooled default.

folds: the documented dealing rule re-implemented here with its own mulberry32.
"""
import json
import os
import warnings

import numpy as np
from sklearn.covariance import ledoit_wolf_shrinkage
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.linear_model import RidgeClassifier
from sklearn.preprocessing import StandardScaler


def mulberry32(seed):
    a = seed & 0xFFFFFFFF

    def imul(x, y):
        return (x * y) & 0xFFFFFFFF

    def nxt():
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = a
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return nxt


def stratified_folds(y, k, seed):
    rand = mulberry32(seed)
    fold = np.zeros(len(y), dtype=int)
    offset = 0
    for c in range(int(y.max()) + 1):
        idx = [i for i in range(len(y)) if y[i] == c]
        for t in range(len(idx) - 1, 0, -1):
            s = int(np.floor(rand() * (t + 1)))
            idx[t], idx[s] = idx[s], idx[t]
        for t, i in enumerate(idx):
            fold[i] = (offset + t) % k
        offset = (offset + len(idx)) % k
    return fold


def make_case(rng, n, d, c, sep, counts=None):
    mu = rng.standard_normal((c, d))
    if counts is None:
        y = np.concatenate([np.arange(c), rng.integers(0, c, n - c)])
    else:
        y = np.concatenate([np.full(m, k) for k, m in enumerate(counts)])
    rng.shuffle(y)
    X = sep * mu[y] + rng.standard_normal((len(y), d))
    X = X * rng.uniform(0.5, 3.0, d) + rng.uniform(-2, 2, d)  # unequal scales and offsets
    return X, y


def random_folds(rng, y, k):
    """Any valid fold assignment (not ours): random, every fold non-empty."""
    f = np.arange(len(y)) % k
    rng.shuffle(f)
    return f


def fold_fit(X, y, folds, config):
    k = folds.max() + 1
    pred = np.zeros(len(y), dtype=int)
    shrinkages = []
    for f in range(k):
        tr, te = folds != f, folds == f
        sc = StandardScaler().fit(X[tr])
        Z, Zt = sc.transform(X[tr]), sc.transform(X[te])
        kind = config['classifier']
        if kind == 'lda':
            s = config['shrinkage']
            if s == 'auto':
                R = Z.copy()
                for c in np.unique(y[tr]):
                    R[y[tr] == c] -= Z[y[tr] == c].mean(0)
                s = float(ledoit_wolf_shrinkage(R, assume_centered=True))
                shrinkages.append(s)
            elif s == 'auto-per-class':
                s = 'auto'  # scikit-learn's own rule: Ledoit-Wolf per class
            model = LinearDiscriminantAnalysis(solver='lsqr', shrinkage=s)
        else:
            model = RidgeClassifier(alpha=config['lambda'])
        model.fit(Z, y[tr])
        pred[te] = model.predict(Zt)
    return pred, shrinkages


def main():
    # A one-sample class makes scikit-learn's per-class covariance warn; expected here.
    warnings.filterwarnings('ignore', message='Only one sample available')
    rng = np.random.default_rng(20261127)
    cases = []
    specs = [
        ('primal-3c', dict(n=90, d=6, c=3, sep=0.8)),
        ('dual-4c', dict(n=40, d=60, c=4, sep=0.35)),
        ('binary', dict(n=70, d=10, c=2, sep=0.4)),
        ('many-classes', dict(n=150, d=20, c=30, sep=1.2)),
        ('singleton', dict(n=0, d=7, c=4, sep=0.9, counts=[20, 1, 15, 12])),
        ('constant-columns', dict(n=80, d=8, c=3, sep=0.7)),
    ]
    for name, sp in specs:
        X, y = make_case(rng, sp['n'], sp['d'], sp['c'], sp['sep'], sp.get('counts'))
        folds = random_folds(rng, y, 5)
        if name == 'constant-columns':
            X[:, 2] = 3.25  # constant everywhere
            X[:, 5] = 0.0  # constant except in fold 0 (sparse, like a rarely active ReLU)
            te0 = np.flatnonzero(folds == 0)[:2]
            X[te0, 5] = [1.5, -0.5]
        configs = [
            dict(classifier='lda', shrinkage='auto'),
            dict(classifier='lda', shrinkage='auto-per-class'),
            dict(classifier='lda', shrinkage=0.3),
            dict(classifier='lda', shrinkage=1.0),
            dict(classifier='ridge', **{'lambda': 1.0}),
            dict(classifier='ridge', **{'lambda': 25.0}),
        ]
        if X.shape[0] * 0.8 > X.shape[1] and name != 'constant-columns':
            configs.append(dict(classifier='lda', shrinkage=0.0))
        runs = []
        for cfg in configs:
            pred, shr = fold_fit(X, y, folds, cfg)
            runs.append(dict(config=cfg, predicted=pred.tolist(), accuracy=float(np.mean(pred == y)), shrinkage=shr))
        sk_pred = np.array(runs[1]['predicted'])
        ours_auto = np.array(runs[0]['predicted'])
        cases.append(dict(
            name=name, n=int(X.shape[0]), d=int(X.shape[1]), c=int(y.max() + 1),
            X=X.ravel().tolist(), y=y.tolist(), folds=folds.tolist(), runs=runs,
            sklearn_auto=dict(accuracy=float(np.mean(sk_pred == y)),
                              agreement_with_pooled=float(np.mean(sk_pred == ours_auto))),
        ))
    # Folds: the documented rule, with unequal classes (one with a single sample).
    fold_cases = []
    for seed, k, counts in [(0, 5, [7, 3, 12, 1, 5]), (12345, 3, [4, 4, 4, 4]), (7, 10, [25, 17, 2, 9, 31, 6])]:
        y = np.concatenate([np.full(m, c) for c, m in enumerate(counts)])
        np.random.default_rng(seed).shuffle(y)
        fold_cases.append(dict(seed=seed, k=k, y=y.tolist(), folds=stratified_folds(y, k, seed).tolist()))
    out = dict(
        generator='test/golden/probe_golden.py',
        sklearn=__import__('sklearn').__version__,
        cases=cases,
        fold_cases=fold_cases,
    )
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'probe_golden.json')
    with open(path, 'w') as fh:
        json.dump(out, fh)
    for c in cases:
        print(c['name'], [(r['config'], round(r['accuracy'], 4)) for r in c['runs']],
              'sklearn auto', round(c['sklearn_auto']['accuracy'], 4),
              'agree', round(c['sklearn_auto']['agreement_with_pooled'], 3))


if __name__ == '__main__':
    main()
