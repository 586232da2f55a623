#!/usr/bin/python3
"""The five metrics of the `etran score` benchmark computed the official way.

Usage: /usr/bin/python3 bench/etran_official.py FEATURES.npy LABELS.npy [energy,lda,logme,hscore,sfda]
Prints one JSON object: each metric's value and seconds, the total, and the
BLAS thread count. Used by bench/etran-score.bench.ts to compare speed and
values with `etran score --metrics energy,lda,logme,hscore,sfda`.

Each routine follows its reference code (behaviour, and the expensive
linear algebra, which is the point of the comparison). All but energy are
imported from test/golden/official_metrics.py, the transcription the golden
values are made with:
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
import os
import sys
import time

import numpy as np
from scipy.special import logsumexp

# LDA, LogME, h_score and SFDA: the one transcription of the upstream code, shared
# with the golden-value script (test/golden/etran_metrics_golden.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "golden"))
from official_metrics import LDA_Score, LogME_fixed_point, SFDA_Score, h_score  # noqa: E402


# ---------------------------------------------------------------- energy (the other four are imported above)
def energy_score(X):
    e = logsumexp(X, axis=-1)  # float32 in, float32 out, as torch.logsumexp on float32
    chs = list(np.argsort(e)[0 : int(0.5 * 10) * len(e) // 1000])
    return float(e[chs].mean())


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
        ("lda", lambda: float(LDA_Score(X, y))),
        ("logme", lambda: float(LogME_fixed_point(X, y))),
        ("hscore", lambda: float(h_score(X, y))),
        ("sfda", lambda: float(SFDA_Score(X, y))),
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
