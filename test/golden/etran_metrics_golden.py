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
with the TypeScript implementation.
"""
import json
import os

import numpy as np
from scipy import linalg
from sklearn.covariance import LedoitWolf
from sklearn.decomposition import PCA

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

# ------------------------------------------------------------------ upstream code (transcribed)

def _cov(X, shrinkage=-1):
    emp_cov = np.cov(np.asarray(X).T, bias=1)
    if shrinkage < 0:
        return emp_cov
    n_features = emp_cov.shape[0]
    mu = np.trace(emp_cov) / n_features
    shrunk_cov = (1.0 - shrinkage) * emp_cov
    shrunk_cov.flat[:: n_features + 1] += shrinkage * mu
    return shrunk_cov


def softmax(X, copy=True):
    if copy:
        X = np.copy(X)
    max_prob = np.max(X, axis=1).reshape((-1, 1))
    X -= max_prob
    np.exp(X, X)
    sum_prob = np.sum(X, axis=1).reshape((-1, 1))
    X /= sum_prob
    return X


def iterative_A(A, max_iterations=3):
    x = A.sum(axis=1)
    for _ in range(max_iterations):
        temp = np.dot(A, x)
        y = temp / np.linalg.norm(temp, 2)
        temp = np.dot(A, y)
        x = temp / np.linalg.norm(temp, 2)
    return np.dot(np.dot(x.T, A), y)


def _class_means(X, y):
    classes, y = np.unique(y, return_inverse=True)
    cnt = np.bincount(y)
    means = np.zeros(shape=(len(classes), X.shape[1]))
    np.add.at(means, y, X)
    means /= cnt[:, None]
    means_ = np.zeros(shape=(len(classes), X.shape[1]))
    for i in range(len(classes)):
        means_[i] = (np.sum(means, axis=0) - means[i]) / (len(classes) - 1)
    return means, means_


class ShrinkageLDA:
    """ETran's LDA (eig_route='etran': eigh(inv(Sw')@Sb)) and SFDA's (eig_route='sfda': linalg.eigh(Sb, Sw'))."""

    def __init__(self, eig_route, shrinkage=None):
        self.eig_route = eig_route
        self.shrinkage = shrinkage

    def fit(self, X, y):
        _, y_t = np.unique(y, return_inverse=True)
        self.priors_ = np.bincount(y_t) / float(len(y))
        classes, y = np.unique(y, return_inverse=True)
        cnt = np.bincount(y)
        means = np.zeros(shape=(len(classes), X.shape[1]))
        np.add.at(means, y, X)
        means /= cnt[:, None]
        self.means_ = means
        cov = np.zeros(shape=(X.shape[1], X.shape[1]))
        for idx, group in enumerate(classes):
            Xg = X[y == group, :]
            cov += self.priors_[idx] * np.atleast_2d(_cov(Xg))
        Sw = cov
        if self.shrinkage is None:
            largest_evals_w = iterative_A(Sw, max_iterations=3)
            self.shrinkage = max(np.exp(-5 * largest_evals_w), 1e-10)
        St = _cov(X, shrinkage=self.shrinkage)
        n_features = Sw.shape[0]
        mu = np.trace(Sw) / n_features
        shrunk_Sw = (1.0 - self.shrinkage) * Sw
        shrunk_Sw.flat[:: n_features + 1] += self.shrinkage * mu
        Sb = St - shrunk_Sw
        if self.eig_route == 'etran':
            evals, evecs = np.linalg.eigh(np.linalg.inv(shrunk_Sw) @ Sb)
        else:
            evals, evecs = linalg.eigh(Sb, shrunk_Sw)
        evecs = evecs[:, np.argsort(evals)[::-1]]
        self.coef_ = np.dot(self.means_, evecs).dot(evecs.T)
        self.intercept_ = -0.5 * np.diag(np.dot(self.means_, self.coef_.T)) + np.log(self.priors_)
        return self

    def predict_proba(self, X):
        return softmax(np.dot(X, self.coef_.T) + self.intercept_)


def LDA_Score(X, y):
    n = len(y)
    prob = ShrinkageLDA('etran').fit(X, y).predict_proba(X)
    return np.sum(prob[np.arange(n), y]) / n


def SFDA_Score(X, y):
    X = X.copy()  # upstream mutates its argument
    n = len(y)
    num_classes = len(np.unique(y))
    SFDA_first = ShrinkageLDA('sfda')
    prob = SFDA_first.fit(X, y).predict_proba(X)
    prob = np.exp(prob) / np.exp(prob).sum(axis=1, keepdims=True)
    means, means_ = _class_means(X, y)
    for y_ in range(num_classes):
        indices = np.where(y == y_)[0]
        y_prob = np.take(prob, indices, axis=0)
        y_prob = y_prob[:, y_]
        X[indices] = y_prob.reshape(len(y_prob), 1) * X[indices] + (1 - y_prob.reshape(len(y_prob), 1)) * means_[y_]
    SFDA_second = ShrinkageLDA('sfda', shrinkage=SFDA_first.shrinkage)
    prob = SFDA_second.fit(X, y).predict_proba(X)
    return np.sum(prob[np.arange(n), y]) / n


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


def truncated_svd(x):
    u, s, vh = np.linalg.svd(x.transpose() @ x)
    s = np.sqrt(s)
    u_times_sigma = x @ vh.transpose()
    k = np.sum((s > 1e-10) * 1)
    s = s.reshape(-1, 1)
    s = s[:k]
    vh = vh[:k]
    u = u_times_sigma[:, :k] / s.reshape(1, -1)
    return u, s, vh


def LogME_fixed_point(f, y, corrected=False):
    f = f.astype(np.float64)
    N, D = f.shape
    if N > D:
        u, s, vh = truncated_svd(f)
    else:
        u, s, vh = np.linalg.svd(f, full_matrices=False)
    s = s.reshape(-1, 1)
    sigma = (s ** 2)
    k = sigma.shape[0]
    evidences = []
    for i in range(int(y.max() + 1)):
        y_ = (y == i).astype(np.float64).reshape(-1, 1)
        x = u.T @ y_
        x2 = x ** 2
        res_x2 = (y_ ** 2).sum() - x2.sum()
        alpha, beta = 1.0, 1.0
        for _ in range(11):
            t = alpha / beta
            gamma = (sigma / (sigma + t)).sum()
            m2 = (sigma * x2 / ((t + sigma) ** 2)).sum()
            res2 = (x2 / ((1 + sigma / t) ** 2)).sum() + res_x2
            alpha = gamma / (m2 + 1e-5)
            beta = (N - gamma) / (res2 + 1e-5)
            t_ = alpha / beta
            if abs(t_ - t) / t <= 1e-3:
                break
        evidence = D / 2.0 * np.log(alpha) + N / 2.0 * np.log(beta) \
            - 0.5 * np.sum(np.log(alpha + beta * sigma)) - beta / 2.0 * res2 \
            - alpha / 2.0 * m2 - N / 2.0 * np.log(2 * np.pi)
        if corrected and D > k:
            evidence -= 0.5 * (D - k) * np.log(alpha)
        evidences.append(evidence / N)
    return np.mean(evidences)


def h_score(features, labels):
    f = features
    y = labels
    covf = np.cov(f, rowvar=False)
    C = int(y.max() + 1)
    g = np.zeros_like(f)
    for i in range(C):
        Ef_i = np.mean(f[y == i, :], axis=0)
        g[y == i] = Ef_i
    covg = np.cov(g, rowvar=False)
    return np.trace(np.dot(np.linalg.pinv(covf, rcond=1e-15), covg))


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
