"""Upstream transferability routines, transcribed once and shared.

Imported (via sys.path) by test/golden/etran_metrics_golden.py, which makes the
golden values the TypeScript metrics are tested against, and by
bench/etran_official.py, which times the official computation beside
`etran score`. One copy, so the benchmark compares against exactly the code the
goldens come from. Nothing here shares code with the TypeScript implementation.

Sources (behaviour and the expensive linear algebra kept as upstream has them):
- ShrinkageLDA / LDA_Score: mgholamikn/ETran metrics.py (eigh(inv(Sw')@Sb)).
- ShrinkageLDA / SFDA_Score: TencentARC/SFDA (scipy.linalg.eigh(Sb, Sw'), ConfMix, refit).
- truncated_svd / LogME_fixed_point: thuml/LogME `LogME._fit_fixed_point`.
- h_score: TLlib tllib/ranking/hscore.py.
The energy score is not here: the goldens use torch.logsumexp as upstream does,
the benchmark scipy's logsumexp (same float32 arithmetic, no torch needed).
"""
import numpy as np
from scipy import linalg


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
    X = X.copy()  # upstream mutates its argument (ConfMix writes into X)
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
    """LogME's fixed-point evidence; corrected=True adds the (D-k) log(alpha) term missing upstream when N < D."""
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
