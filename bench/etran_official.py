#!/usr/bin/python3
"""The five metrics of the `etran score` benchmark computed the published way, in numpy/scipy.

Usage: /usr/bin/python3 bench/etran_official.py FEATURES.npy LABELS.npy [energy,lda,logme,hscore,sfda]
Prints one JSON object: each metric's value, wall and CPU seconds, the totals,
and the BLAS library with its thread count. bench/etran-score.bench.ts runs it
beside `etran score --metrics energy,lda,logme,hscore,sfda` to compare speed
and values.

"The published way" means the expensive linear algebra the papers' own code
uses, which is what the speed comparison is about. lda, logme, hscore and sfda
come from test/golden/reference_metrics.py, our reference code the golden
values are made with (its header says what each computes and where the
behaviour is documented):
- lda: ETran's S_cls, shrinkage LDA with numpy.linalg.eigh(inv(Sw')·Sb);
- logme: LogME's fixed point over the spectrum taken from the SVD of XᵀX;
- hscore: tr(pinv(Cov f, rcond=1e−15)·Cov g);
- sfda: scipy.linalg.eigh(Sb, Sw'), ConfMix, a second fit.
energy is computed here: ETran's S_en, the mean of the lowest 5·N//1000 values
of logsumexp over each float32 row. ETran uses torch.logsumexp; scipy's gives
the same float32 arithmetic up to rounding and needs no torch.
"""
import json
import os
import sys
import time

import numpy as np
from scipy.special import logsumexp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "golden"))
from reference_metrics import h_score, lda_score, logme_evidence, sfda_score  # noqa: E402

ALL_METRICS = ["energy", "lda", "logme", "hscore", "sfda"]


def energy_score(features, tail_per_mille=5):
    """Mean of the lowest 5·N//1000 row energies logsumexp(x_i), in float32 like the input."""
    energies = logsumexp(features, axis=-1)
    count = tail_per_mille * len(energies) // 1000
    return float(np.sort(energies)[:count].mean())


def blas_threads():
    """Which BLAS numpy uses and with how many threads (threadpoolctl when installed)."""
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
    features = np.load(sys.argv[1])
    labels = np.load(sys.argv[2]).astype(np.int64)
    t_loaded = time.perf_counter()
    wanted = sys.argv[3].split(",") if len(sys.argv) > 3 else ALL_METRICS
    compute = {
        "energy": lambda: energy_score(features),
        "lda": lambda: float(lda_score(features, labels)),
        "logme": lambda: float(logme_evidence(features, labels)),
        "hscore": lambda: float(h_score(features, labels)),
        "sfda": lambda: float(sfda_score(features, labels)),
    }
    out = {"n": int(features.shape[0]), "d": int(features.shape[1]), "dtype": str(features.dtype), "metrics": {}}
    for name in ALL_METRICS:
        if name not in wanted:
            continue
        wall0 = time.perf_counter()
        cpu0 = time.process_time()  # CPU of all threads, BLAS included
        value = compute[name]()
        out["metrics"][name] = {"value": value, "seconds": time.perf_counter() - wall0, "cpu_seconds": time.process_time() - cpu0}
    out["load_seconds"] = t_loaded - t_start
    out["compute_seconds"] = time.perf_counter() - t_loaded
    out["blas"] = blas_threads()
    out["numpy"] = np.__version__
    print(json.dumps(out))


if __name__ == "__main__":
    main()
