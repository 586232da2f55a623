#!/usr/bin/python3
"""The five metrics of the `etran score` benchmark computed the official way.

Usage: /usr/bin/python3 bench/etran_official.py FEATURES.npy LABELS.npy [energy,lda,logme,hscore,sfda]
Prints one JSON object: each metric's value and seconds, the total, and the
BLAS thread count. Used by bench/etran-score.bench.ts to compare speed and
values with `etran score --metrics energy,lda,logme,hscore,sfda`.

Each routine follows its reference code (behaviour, and the expensive
linear algebra, which is the point of the comparison):
- energy: mgholamikn/ETran metrics.py `Energy_Score(X, 0.5, 'bot')` —
  logsumexp over float32 features, mean of the lowest 5N//1000 (torch's
  logsumexp there; scipy's here, same float32 arithmetic up to rounding).
- lda: ETran `LDA_Score` — shrinkage LDA, np.linalg.eigh(inv(Sw')·Sb),
  coef = μ V Vᵀ, mean softmax probability of the true class.
- logme: thuml/LogME `LogME._fit_fixed_point` with `truncated_svd` (SVD of XᵀX).
- hscore: TLlib `tllib/ranking/hscore.py` `h_score` — tr(pinv(Cov f, rcond=1e-15)·Cov g).
- sfda: TencentARC/SFDA `SFDA_Score` — scipy.linalg.eigh(Sb, Sw'), ConfMix, refit.
"""
import json
import sys
import time

import numpy as np
from scipy import linalg
from scipy.special import logsumexp


# ---------------------------------------------------------------- shared (ETran / SFDA)
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
    """The LDA of ETran (solver='etran': eigh(inv(Sw')Sb)) and of SFDA (solver='sfda': eigh(Sb, Sw'))."""

    def __init__(self, solver, shrinkage=None):
        self.solver = solver
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
        if self.solver == "etran":
            evals, evecs = np.linalg.eigh(np.linalg.inv(shrunk_Sw) @ Sb)
        else:
            evals, evecs = linalg.eigh(Sb, shrunk_Sw)
        evecs = evecs[:, np.argsort(evals)[::-1]]
        self.coef_ = np.dot(self.means_, evecs).dot(evecs.T)
        self.intercept_ = -0.5 * np.diag(np.dot(self.means_, self.coef_.T)) + np.log(self.priors_)
        return self

    def predict_proba(self, X):
        return softmax(np.dot(X, self.coef_.T) + self.intercept_)


# ---------------------------------------------------------------- the five metrics
def energy_score(X):
    e = logsumexp(X, axis=-1)  # float32 in, float32 out, as torch.logsumexp on float32
    chs = list(np.argsort(e)[0 : int(0.5 * 10) * len(e) // 1000])
    return float(e[chs].mean())


def lda_score(X, y):
    prob = ShrinkageLDA("etran").fit(X, y).predict_proba(X)
    n = len(y)
    return float(np.sum(prob[np.arange(n), y]) / n)


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


def logme_score(f, y):
    f = f.astype(np.float64)
    N, D = f.shape
    if N > D:
        u, s, vh = truncated_svd(f)
    else:
        u, s, vh = np.linalg.svd(f, full_matrices=False)
    s = s.reshape(-1, 1)
    sigma = s**2
    evidences = []
    for i in range(int(y.max() + 1)):
        y_ = (y == i).astype(np.float64).reshape(-1, 1)
        x = u.T @ y_
        x2 = x**2
        res_x2 = (y_**2).sum() - x2.sum()
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
        evidence = (
            D / 2.0 * np.log(alpha)
            + N / 2.0 * np.log(beta)
            - 0.5 * np.sum(np.log(alpha + beta * sigma))
            - beta / 2.0 * res2
            - alpha / 2.0 * m2
            - N / 2.0 * np.log(2 * np.pi)
        )
        evidences.append(evidence / N)
    return float(np.mean(evidences))


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
    return float(np.trace(np.dot(np.linalg.pinv(covf, rcond=1e-15), covg)))


def sfda_score(X, y):
    X = X.copy()  # ConfMix writes into X
    n = len(y)
    num_classes = len(np.unique(y))
    first = ShrinkageLDA("sfda")
    prob = first.fit(X, y).predict_proba(X)
    prob = np.exp(prob) / np.exp(prob).sum(axis=1, keepdims=True)
    means, means_ = _class_means(X, y)
    for y_ in range(num_classes):
        indices = np.where(y == y_)[0]
        y_prob = np.take(prob, indices, axis=0)[:, y_]
        X[indices] = y_prob.reshape(len(y_prob), 1) * X[indices] + (1 - y_prob.reshape(len(y_prob), 1)) * means_[y_]
    second = ShrinkageLDA("sfda", shrinkage=first.shrinkage)
    prob = second.fit(X, y).predict_proba(X)
    return float(np.sum(prob[np.arange(n), y]) / n)


def blas_threads():
    try:
        from threadpoolctl import threadpool_info

        info = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        if info:
            return {"threads": info[0]["num_threads"], "library": f"{info[0]['internal_api']} {info[0]['version']}", "source": "threadpoolctl"}
    except ImportError:
        pass
    return {"threads": None, "library": "unknown (threadpoolctl absent; see numpy.show_config())", "source": "none"}


def main():
    t_start = time.perf_counter()
    X = np.load(sys.argv[1])
    y = np.load(sys.argv[2]).astype(np.int64)
    t_loaded = time.perf_counter()
    wanted = sys.argv[3].split(",") if len(sys.argv) > 3 else ["energy", "lda", "logme", "hscore", "sfda"]
    out = {"n": int(X.shape[0]), "d": int(X.shape[1]), "dtype": str(X.dtype), "metrics": {}}
    for name, fn in [
        ("energy", lambda: energy_score(X)),
        ("lda", lambda: lda_score(X, y)),
        ("logme", lambda: logme_score(X, y)),
        ("hscore", lambda: h_score(X, y)),
        ("sfda", lambda: sfda_score(X, y)),
    ]:
        if name not in wanted:
            continue
        t0 = time.perf_counter()
        c0 = time.process_time()  # CPU of all threads (BLAS included)
        value = fn()
        out["metrics"][name] = {"value": value, "seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0}
    out["load_seconds"] = t_loaded - t_start
    out["compute_seconds"] = time.perf_counter() - t_loaded
    out["blas"] = blas_threads()
    out["numpy"] = np.__version__
    print(json.dumps(out))


if __name__ == "__main__":
    main()
