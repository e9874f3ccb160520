r"""Numpy-only kernels of the SERVQUAL module (no pandas, no pydantic).

Item statistics come from pairwise :class:`~satmodels.stats.moments.Moments`
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

from .._typing import FloatArray, IntArray
from ..stats._student import t_quantile
from ..stats.moments import Moments

__all__: list[str] = []

#: Relative size below which a variance computed by cancellation is zero.
_RTOL = 1e-10


def _item_stats(
    m: Moments, plus: IntArray, minus: IntArray | None
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    r"""Means, variances, sizes and mean covariance of item variables.

    Item variable i is column ``plus[i]`` minus column ``minus[i]`` (or the
    column itself when ``minus`` is None). With case weights the variance
    uses the unbiased weighted divisor :math:`W - \sum w^2 / W` and the
    covariance of two means is :math:`s_{ij} \sum_{ij} w^2 / (W_i W_j)`,
    so a mean's variance is :math:`s^2 / n_{eff}` with Kish's (1965)
    effective size :math:`n_{eff} = W^2 / \sum w^2`; without weights
    these are :math:`n - 1`, :math:`s_{ij} n_{ij} / (n_i n_j)` and n.

    Returns
    -------
    mean, var : ndarray, shape (k,)
    size : ndarray, shape (k,)
        Respondents behind each item variable (Kish's effective size with
        weights).
    sigma : ndarray, shape (k, k)
        Covariance matrix of the k item means.
    """
    count, pair_mean, comoment = m.count, m.pair_mean, m.comoment
    cov = m.covariance()
    weight_sum, weight_sq = m.weight_sum, m.weight_sq_sum
    a = plus
    b = a if minus is None else minus
    n = count[a, b]
    if m.weighted:
        w, q, quad = weight_sum[a, b], weight_sq[a, b], weight_sq
    else:  # unit weights: W = sum w^2 = n
        w = n.astype(np.float64)
        q = w
        quad = count.astype(np.float64)
    if minus is None:
        mean = pair_mean[a, a].copy()
        var = cov[a, a].copy()
        cross = cov[np.ix_(a, a)]
        q_ij = quad[np.ix_(a, a)]
    else:
        mean = pair_mean[a, b] - pair_mean[b, a]
        spread = m.pair_sumsq[a, b] + m.pair_sumsq[b, a]
        with np.errstate(divide="ignore", invalid="ignore"):
            div = w - q / w  # n - 1 without weights (q = w = n)
            var = np.where(div > 0, (spread - 2.0 * comoment[a, b]) / div, np.nan)
            # rounding: a difference that is constant has variance exactly 0
            var = np.where(var <= _RTOL * spread / div, 0.0, var)
        cross = (
            cov[np.ix_(a, a)]
            - cov[np.ix_(a, b)]
            - cov[np.ix_(b, a)]
            + cov[np.ix_(b, b)]
        )
        q_ij = np.minimum.reduce(
            [
                quad[np.ix_(a, a)],
                quad[np.ix_(a, b)],
                quad[np.ix_(b, a)],
                quad[np.ix_(b, b)],
            ]
        )
        q_ij = np.minimum(q_ij, np.minimum.outer(q, q))
    mean = np.where(n > 0, mean, np.nan)  # no respondent: no estimate
    with np.errstate(divide="ignore", invalid="ignore"):
        size = np.where(q > 0, w * w / q, 0.0)  # n without weights
        sigma = np.where(q_ij > 0, np.nan_to_num(cross) * q_ij / np.outer(w, w), 0.0)
        diag = np.where((n > 1) & (size > 1), var / size, np.nan)
    idx = np.arange(len(a))
    sigma[idx, idx] = diag
    return mean, var, size, sigma


def _combine(
    mean: FloatArray, sigma: FloatArray, n: FloatArray, weights: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
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
    n_min = np.where(used, n[None, :], np.inf).min(axis=1)
    n_min = np.where(np.isfinite(n_min), n_min, 0.0)
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
    # scipy.stats.t.ppf(p, df), as every estimates table computes it
    # (scipy.special.stdtrit below 1e5 df)
    df = np.asarray(df, dtype=np.float64)
    q = np.full(df.shape, np.nan)
    with np.errstate(invalid="ignore"):
        has_df = df > 0
    q[has_df] = t_quantile(df[has_df], 0.5 + confidence_level / 2.0)
    return est - q * se, est + q * se


def _welch_df(
    se1: FloatArray, df1: FloatArray, se2: FloatArray, df2: FloatArray
) -> FloatArray:
    """Welch (1947) / Satterthwaite (1946) degrees of freedom."""
    v1, v2 = se1**2, se2**2
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (v1 + v2) ** 2 / (v1**2 / df1 + v2**2 / df2)
    return np.where(np.isfinite(out), out, np.minimum(df1, df2))
