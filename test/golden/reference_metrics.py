"""Reference computations of four transferability scores in numpy/scipy: LDA, SFDA, LogME, H-score.

Our own code, written from the papers and from the documented behaviour of the
authors' repositories. It exists so that the TypeScript metrics
(src/core/etran/) can be checked against numbers computed independently, with
the same expensive linear algebra the published scores use: where a choice of
operation changes the result (which eigen-solver, which pseudo-inverse
threshold, when an iteration stops) we make the same choice, and say so.

Two users, one copy:
- test/golden/etran_metrics_golden.py makes the golden values the TypeScript
  tests compare against;
- bench/etran_official.py times these computations beside `etran score`.

What each score is, and where its behaviour is documented:
- lda_score: ETran's classification score S_cls (Gholami et al., ICCV 2023;
  github.com/mgholamikn/ETran). A shrinkage LDA whose discriminant directions
  come from numpy.linalg.eigh applied to inv(Sw')·Sb; the score is the mean
  posterior of each sample's true class.
- sfda_score: SFDA (Shao et al., ECCV 2022; github.com/TencentARC/SFDA). The
  same shrinkage LDA with the generalized problem scipy.linalg.eigh(Sb, Sw'),
  then "ConfMix" (each sample pulled towards the other classes' mean as far as
  it is unsure of its own class) and a second LDA fit on the mixed features.
- logme_evidence: LogME (You et al., ICML 2021; github.com/thuml/LogME), the
  fixed-point maximisation of a Bayesian linear model's evidence per class.
- h_score: H-score (Bao et al., ICIP 2019), as the Transfer-Learning-Library
  (TLlib, github.com/thuml/Transfer-Learning-Library) defines it.
ETran's energy score is not here: the golden generator computes it with
torch.logsumexp and the benchmark with scipy's logsumexp.

Labels are assumed to be 0..C−1 with every class present (both callers make
them so).
"""
import numpy as np
import scipy.linalg

# ------------------------------------------------------------------ small building blocks


def population_covariance(rows):
    """Covariance of the rows with divisor N (numpy.cov(bias=1) over the columns)."""
    return np.atleast_2d(np.cov(np.asarray(rows).T, bias=1))


def shrink_to_scaled_identity(cov, alpha):
    """(1 − α)·S + α·(tr S / D)·I: the shrinkage both LDA scores apply to Sw and St."""
    d = cov.shape[0]
    target_scale = np.trace(cov) / d
    shrunk = (1.0 - alpha) * cov
    shrunk[np.diag_indices(d)] += alpha * target_scale
    return shrunk


def top_eigenvalue_estimate(a, rounds=3):
    """Largest eigenvalue of a symmetric PSD matrix by a few power-iteration rounds.

    Starts from the row sums; each round normalises A·x to y, then A·y to x, and the
    estimate is xᵀ·A·y. Three rounds, as both LDA scores use to pick their shrinkage.
    """
    x = a.sum(axis=1)
    for _ in range(rounds):
        ax = a @ x
        y = ax / np.linalg.norm(ax, 2)
        ay = a @ y
        x = ay / np.linalg.norm(ay, 2)
    return (x @ a) @ y


def row_softmax(scores):
    """exp(z − max z) / Σ exp(z − max z) for each row."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    weights = np.exp(shifted)
    return weights / weights.sum(axis=1, keepdims=True)


def per_class_means(features, labels, class_count):
    """Row c holds the mean of the samples of class c (sums accumulated sample by sample)."""
    sums = np.zeros((class_count, features.shape[1]))
    np.add.at(sums, labels, features)
    return sums / np.bincount(labels)[:, None]


def true_class_mean(probabilities, labels):
    """Mean over samples of the probability given to the sample's own class."""
    return np.sum(probabilities[np.arange(len(labels)), labels]) / len(labels)

# ------------------------------------------------------------------ shrinkage LDA (ETran and SFDA)


def fit_shrinkage_lda(features, labels, solver, alpha=None):
    """Fit the shrinkage LDA shared by ETran's S_cls and SFDA; returns (coef, intercept, alpha).

    Sw = Σ_c prior_c · Cov(X_c) (population covariances), St = Cov(X). When α is
    not given it is max(exp(−5·λmax(Sw)), 1e−10), λmax from top_eigenvalue_estimate.
    Sw' and St' are both shrunk towards (tr/D)·I by α, and Sb = St' − Sw'.
    The discriminant basis V (columns ordered by decreasing eigenvalue) comes from
      solver 'etran': numpy.linalg.eigh(inv(Sw') @ Sb)   (that matrix is not
                      symmetric; eigh reads its lower triangle, as ETran does),
      solver 'sfda':  scipy.linalg.eigh(Sb, Sw')          (generalized problem).
    Class scores are linear: coef = M·V·Vᵀ (M: class means), and
    intercept_c = −½·m_c·coef_c + log prior_c.
    """
    class_count = int(labels.max()) + 1
    priors = np.bincount(labels) / float(len(labels))
    means = per_class_means(features, labels, class_count)

    within = np.zeros((features.shape[1], features.shape[1]))
    for c in range(class_count):
        within += priors[c] * population_covariance(features[labels == c, :])
    if alpha is None:
        alpha = max(np.exp(-5 * top_eigenvalue_estimate(within)), 1e-10)
    total_shrunk = shrink_to_scaled_identity(population_covariance(features), alpha)
    within_shrunk = shrink_to_scaled_identity(within, alpha)
    between = total_shrunk - within_shrunk

    if solver == 'etran':
        eigenvalues, basis = np.linalg.eigh(np.linalg.inv(within_shrunk) @ between)
    elif solver == 'sfda':
        eigenvalues, basis = scipy.linalg.eigh(between, within_shrunk)
    else:
        raise ValueError(f'unknown LDA solver {solver!r}')
    basis = basis[:, np.argsort(eigenvalues)[::-1]]

    coef = (means @ basis) @ basis.T
    intercept = -0.5 * np.diag(means @ coef.T) + np.log(priors)
    return coef, intercept, alpha


def lda_posteriors(features, coef, intercept):
    """Softmax over the linear class scores X·coefᵀ + intercept."""
    return row_softmax(features @ coef.T + intercept)


def lda_score(features, labels):
    """ETran's S_cls: mean true-class posterior of the shrinkage LDA fitted with the 'etran' solver."""
    coef, intercept, _ = fit_shrinkage_lda(features, labels, 'etran')
    return true_class_mean(lda_posteriors(features, coef, intercept), labels)


def sfda_score(features, labels):
    """SFDA: shrinkage LDA ('sfda' solver), ConfMix, a second fit with the same α, mean true-class posterior.

    ConfMix: the first fit's posteriors P are sharpened once more by a softmax
    (exp(P) / Σ exp(P), no max shift: P ≤ 1), p_i is sample i's sharpened probability
    of its own class c, and the sample becomes p_i·x_i + (1 − p_i)·m̄_c, where m̄_c is
    the mean of the other classes' means. The input array is left untouched.
    """
    class_count = int(labels.max()) + 1
    coef, intercept, alpha = fit_shrinkage_lda(features, labels, 'sfda')
    posteriors = lda_posteriors(features, coef, intercept)
    sharpened = np.exp(posteriors) / np.exp(posteriors).sum(axis=1, keepdims=True)

    means = per_class_means(features, labels, class_count)
    others_mean = (np.sum(means, axis=0)[None, :] - means) / (class_count - 1)
    mixed = features.copy()
    for c in range(class_count):
        rows = np.where(labels == c)[0]
        confidence = sharpened[rows, c].reshape(-1, 1)
        mixed[rows] = confidence * features[rows] + (1 - confidence) * others_mean[c]

    coef, intercept, _ = fit_shrinkage_lda(mixed, labels, 'sfda', alpha=alpha)
    return true_class_mean(lda_posteriors(mixed, coef, intercept), labels)

# ------------------------------------------------------------------ LogME


def feature_spectrum(features):
    """(U, s): left singular vectors and singular values of X, the way LogME obtains them.

    N > D: from the SVD of the D×D Gram matrix XᵀX = V·Λ·Vᵀ: s = √λ, U = X·V / s,
    keeping only directions with s > 1e−10. Otherwise the thin SVD of X itself.
    """
    n, d = features.shape
    if n > d:
        _, gram_eigenvalues, vt = np.linalg.svd(features.T @ features)
        singular = np.sqrt(gram_eigenvalues)
        kept = int(np.sum(singular > 1e-10))
        u = (features @ vt.T)[:, :kept] / singular[:kept].reshape(1, -1)
        return u, singular[:kept]
    u, singular, _ = np.linalg.svd(features, full_matrices=False)
    return u, singular


def logme_class_evidence(sigma, proj_sq, residual_outside, n, d, corrected):
    """Maximised log evidence / N of one target vector (You et al., Algorithm 1).

    sigma: σ_i = s_i² (column), proj_sq: (uᵢᵀy)² (column), residual_outside: the part of
    ‖y‖² outside the span of U. Fixed point from α = β = 1, at most 11 rounds, stopping
    once the ratio t = α/β moves by at most 1e−3 relatively:
      γ = Σ σ/(σ+t), m² = Σ σ·x²/(t+σ)², r² = Σ x²/(1+σ/t)² + residual,
      α = γ/(m² + 1e−5), β = (N − γ)/(r² + 1e−5).
    Evidence: D/2·log α + N/2·log β − ½Σ log(α + β·σ) − β/2·r² − α/2·m² − N/2·log 2π.
    `corrected` also counts the D − k directions with σ = 0 (−½·log α each), which the
    published evidence leaves out when k < D.
    """
    alpha, beta = 1.0, 1.0
    for _ in range(11):
        ratio = alpha / beta
        gamma = (sigma / (sigma + ratio)).sum()
        m2 = (sigma * proj_sq / ((ratio + sigma) ** 2)).sum()
        res2 = (proj_sq / ((1 + sigma / ratio) ** 2)).sum() + residual_outside
        alpha = gamma / (m2 + 1e-5)
        beta = (n - gamma) / (res2 + 1e-5)
        if abs(alpha / beta - ratio) / ratio <= 1e-3:
            break
    evidence = d / 2.0 * np.log(alpha) + n / 2.0 * np.log(beta) \
        - 0.5 * np.sum(np.log(alpha + beta * sigma)) - beta / 2.0 * res2 \
        - alpha / 2.0 * m2 - n / 2.0 * np.log(2 * np.pi)
    k = sigma.shape[0]
    if corrected and d > k:
        evidence -= 0.5 * (d - k) * np.log(alpha)
    return evidence / n


def logme_evidence(features, labels, corrected=False):
    """LogME for classification: the mean over classes of the per-class evidence of a one-hot target."""
    features = features.astype(np.float64)
    n, d = features.shape
    u, singular = feature_spectrum(features)
    sigma = singular.reshape(-1, 1) ** 2
    per_class = []
    for c in range(int(labels.max()) + 1):
        target = (labels == c).astype(np.float64).reshape(-1, 1)
        proj_sq = (u.T @ target) ** 2
        residual_outside = (target ** 2).sum() - proj_sq.sum()
        per_class.append(logme_class_evidence(sigma, proj_sq, residual_outside, n, d, corrected))
    return np.mean(per_class)

# ------------------------------------------------------------------ H-score


def class_mean_rows(features, labels):
    """Each row replaced by the mean feature vector of its class."""
    out = np.zeros_like(features)
    for c in range(int(labels.max()) + 1):
        out[labels == c] = np.mean(features[labels == c, :], axis=0)
    return out


def h_score(features, labels):
    """H-score: tr(pinv(Cov f) · Cov g), g = class-mean rows; sample covariances, pinv with rcond=1e−15."""
    feature_cov = np.cov(features, rowvar=False)
    class_cov = np.cov(class_mean_rows(features, labels), rowvar=False)
    return np.trace(np.linalg.pinv(feature_cov, rcond=1e-15) @ class_cov)
