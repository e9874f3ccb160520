r"""Numpy-only kernels of the SERVQUAL module (no pandas, no pydantic).

Item statistics come from pairwise :class:`~satmodels.moments.Moments`
arrays. For a difference variable :math:`d_i = X_a - X_b` (a gap
:math:`P_i - E_i`, a measure of service adequacy :math:`P_i - A_i`, ...)
over the :math:`n_i` rows that observe both columns,

.. math::

    \bar d_i = \bar X_{a|b} - \bar X_{b|a}, \qquad
    s^2_{d_i} = \frac{SS_{a|b} + SS_{b|a} - 2 C_{ab}}{n_i - 1},

the paired-difference variance :math:`\operatorname{var} X_a +
\operatorname{var} X_b - 2 \operatorname{cov}(X_a, X_b)` (Student 1908;
any paired t-test text). Scores of dimensions and of the whole instrument
are linear combinations :math:`a^\top \bar d` of the item means, whose
variance is :math:`a^\top \Sigma a` with
:math:`\Sigma_{ij} = \operatorname{cov}(d_i, d_j)\, n_{ij} / (n_i n_j)`, the
covariance of two means over partly overlapping samples (exact with
complete data, where it is :math:`\operatorname{cov}(d_i, d_j) / n`;
unbiased under data missing completely at random otherwise).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from .._typing import FloatArray, IntArray

__all__: list[str] = []

#: Relative size below which a variance computed by cancellation is zero.
_RTOL = 1e-10


def _item_stats(  # noqa: PLR0917 - the arrays of one Moments
    count: IntArray,
    pair_mean: FloatArray,
    comoment: FloatArray,
    pair_sumsq: FloatArray,
    cov: FloatArray,
    plus: IntArray,
    minus: IntArray | None,
) -> tuple[FloatArray, FloatArray, IntArray, FloatArray]:
    """Means, variances, counts and mean covariance of item variables.

    Item variable i is column ``plus[i]`` minus column ``minus[i]`` (or the
    column itself when ``minus`` is None).

    Returns
    -------
    mean, var : ndarray, shape (k,)
    n : ndarray of int, shape (k,)
    sigma : ndarray, shape (k, k)
        Covariance matrix of the k item means.
    """
    a = plus
    if minus is None:
        n = count[a, a].astype(np.int64)
        mean = pair_mean[a, a].copy()
        var = cov[a, a].copy()
        cross = cov[np.ix_(a, a)]
        n_ij = count[np.ix_(a, a)].astype(np.float64)
    else:
        b = minus
        n = count[a, b].astype(np.int64)
        mean = pair_mean[a, b] - pair_mean[b, a]
        spread = pair_sumsq[a, b] + pair_sumsq[b, a]
        with np.errstate(divide="ignore", invalid="ignore"):
            var = np.where(n > 1, (spread - 2.0 * comoment[a, b]) / (n - 1.0), np.nan)
            # rounding: a difference that is constant has variance exactly 0
            var = np.where(var <= _RTOL * spread / (n - 1.0), 0.0, var)
        cross = (
            cov[np.ix_(a, a)]
            - cov[np.ix_(a, b)]
            - cov[np.ix_(b, a)]
            + cov[np.ix_(b, b)]
        )
        n_ij = np.minimum.reduce(
            [
                count[np.ix_(a, a)],
                count[np.ix_(a, b)],
                count[np.ix_(b, a)],
                count[np.ix_(b, b)],
            ]
        ).astype(np.float64)
        n_ij = np.minimum(n_ij, np.minimum.outer(n, n))
    mean = np.where(n > 0, mean, np.nan)  # no respondent: no estimate
    nf = n.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = np.where(n_ij > 0, np.nan_to_num(cross) * n_ij / np.outer(nf, nf), 0.0)
        diag = np.where(n > 1, var / nf, np.nan)
    idx = np.arange(len(a))
    sigma[idx, idx] = diag
    return mean, var, n, sigma


def _combine(
    mean: FloatArray, sigma: FloatArray, n: IntArray, weights: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, IntArray]:
    """Linear combinations ``weights @ mean`` with standard errors.

    Returns estimate, standard error, degrees of freedom (smallest item
    count among the items used, minus one) and that smallest count.
    """
    used = weights != 0
    est = _apply(weights, mean)
    sig = np.nan_to_num(sigma)
    var = np.einsum("ri,ij,rj->r", weights, sig, weights)
    size = np.einsum("ri,ij,rj->r", np.abs(weights), np.abs(sig), np.abs(weights))
    var = np.where(np.abs(var) <= _RTOL * size, 0.0, var)
    nan_item = ~np.isfinite(np.diagonal(sigma))
    bad = (used & nan_item[None, :]).any(axis=1)
    se = np.where(bad | (var < 0), np.nan, np.sqrt(np.maximum(var, 0.0)))
    big = np.iinfo(np.int64).max
    n_min = np.where(used, n[None, :], big).min(axis=1)
    n_min = np.where(n_min == big, 0, n_min).astype(np.int64)
    df = np.maximum(n_min - 1.0, 0.0)
    return est, se, df, n_min


def _apply(weights: FloatArray, values: FloatArray) -> FloatArray:
    """``weights @ values``, NaN only where a used (non-zero) value is NaN."""
    missing = ~np.isfinite(values)
    out: FloatArray = weights @ np.where(missing, 0.0, values)
    hit = ((weights != 0) & missing[None, :]).any(axis=1)
    return np.where(hit, np.nan, out)


def _t_interval(
    est: FloatArray, se: FloatArray, df: FloatArray, confidence_level: float
) -> tuple[FloatArray, FloatArray]:
    """Student t interval ``est -/+ t_{(1+level)/2, df} se``."""
    with np.errstate(invalid="ignore"):
        q = np.where(df > 0, stats.t.ppf(0.5 + confidence_level / 2.0, df), np.nan)
    return est - q * se, est + q * se


def _t_test(
    est: FloatArray, se: FloatArray, df: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Return the t statistic against zero and its two-sided p-value."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(se > 0, est / se, np.where(est == 0, np.nan, np.inf * est))
        p = np.where(df > 0, 2.0 * stats.t.sf(np.abs(t), df), np.nan)
    return t, p


def _welch_df(
    se1: FloatArray, df1: FloatArray, se2: FloatArray, df2: FloatArray
) -> FloatArray:
    """Welch (1947) / Satterthwaite (1946) degrees of freedom."""
    v1, v2 = se1**2, se2**2
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (v1 + v2) ** 2 / (v1**2 / df1 + v2**2 / df2)
    return np.where(np.isfinite(out), out, np.minimum(df1, df2))


def _alpha(cov: FloatArray) -> float:
    r"""Cronbach's (1951) alpha from a k x k covariance matrix.

    :math:`\alpha = \frac{k}{k-1}\left(1 - \frac{\sum_i s_i^2}{\sum_{ij}
    s_{ij}}\right)`.
    """
    k = int(cov.shape[0])
    total = float(cov.sum())
    if k < 2 or total <= 0:
        return float("nan")
    return k / (k - 1.0) * (1.0 - float(np.trace(cov)) / total)


def _feldt_interval(
    alpha: float, n: int, k: int, confidence_level: float
) -> tuple[float, float]:
    r"""Feldt's (1965) interval for Cronbach's alpha.

    :math:`(1-\hat\alpha)/(1-\alpha)` follows F with
    :math:`(n-1, (n-1)(k-1))` degrees of freedom, so the interval is
    :math:`[1 - (1-\hat\alpha) F_{1-\gamma/2},\ 1 - (1-\hat\alpha)
    F_{\gamma/2}]` with :math:`\gamma = 1 - \text{level}` (Feldt 1965,
    the form pingouin's ``cronbach_alpha`` uses).
    """
    if not np.isfinite(alpha) or n < 2 or k < 2:
        return float("nan"), float("nan")
    df1 = n - 1.0
    df2 = df1 * (k - 1.0)
    g = 1.0 - confidence_level
    low = 1.0 - (1.0 - alpha) * float(stats.f.ppf(1.0 - g / 2.0, df1, df2))
    high = 1.0 - (1.0 - alpha) * float(stats.f.ppf(g / 2.0, df1, df2))
    return low, high


def _item_total(cov: FloatArray) -> FloatArray:
    r"""Corrected item-total correlations :math:`r(x_i, T - x_i)`.

    From the covariance matrix: :math:`\operatorname{cov}(x_i, T - x_i) =
    \sum_j s_{ij} - s_{ii}` and :math:`\operatorname{var}(T - x_i) =
    \sum_{jl} s_{jl} - 2\sum_j s_{ij} + s_{ii}` (Nunnally & Bernstein
    1994).
    """
    row = cov.sum(axis=1)
    diag = np.diag(cov)
    rest_var = cov.sum() - 2.0 * row + diag
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (row - diag) / np.sqrt(diag * rest_var)
    return np.where(np.isfinite(r), r, np.nan)


def _alpha_if_deleted(cov: FloatArray) -> FloatArray:
    """Cronbach's alpha of the remaining items when each item is dropped."""
    k = cov.shape[0]
    out = np.full(k, np.nan)
    if k < 3:
        return out
    for i in range(k):
        keep = np.delete(np.arange(k), i)
        out[i] = _alpha(cov[np.ix_(keep, keep)])
    return out
