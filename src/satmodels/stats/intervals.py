r"""Interval kernels shared by every model: bootstrap (percentile, BCa), Wilson.

Kernels on a matrix of replicate estimates ``(B, K)`` (one column per
statistic). Replicates that did not converge are removed *before* this
step and counted by the caller.

* Percentile interval: the :math:`\alpha/2` and :math:`1-\alpha/2`
  quantiles of the replicates (Efron & Tibshirani 1993, eq. 13.5).
* BCa interval (Efron 1987; Efron & Tibshirani 1993, eqs. 14.9-14.15):
  bias correction :math:`\hat z_0 = \Phi^{-1}(\#\{\theta^*_b <
  \hat\theta\}/B)` (ties count one half), acceleration from the jackknife
  values :math:`\hat\theta_{(i)}`,
  :math:`\hat a = \sum_i d_i^3 / (6 (\sum_i d_i^2)^{3/2})` with
  :math:`d_i = \bar\theta_{(\cdot)} - \hat\theta_{(i)}`, and quantile levels
  :math:`\Phi(\hat z_0 + (\hat z_0 + z_q)/(1 - \hat a(\hat z_0 + z_q)))`.
  The leave-one-out values come cheaply from Moments: the statistics of the
  sample without row i (or, for large n, without one of G random groups of
  rows - the grouped jackknife, Efron & Tibshirani 1993, section 11.5; the
  acceleration is a ratio of third to 3/2-th power of second moments of
  the influence values, so summing them over groups of m rows leaves its
  expectation unchanged).
  Matches ``scipy.stats.bootstrap(method="BCa")`` given the same replicates.
* Standard error: the replicates' standard deviation; ``t = estimate / se``;
  two-sided p from the standard normal (SmartPLS and seminr report the same
  t; SmartPLS takes p from a t distribution, which differs in the third
  decimal only for very few replicates).

References
----------
.. [1] Efron, B. (1987). Better bootstrap confidence intervals. Journal of
   the American Statistical Association, 82(397), 171-185.
.. [2] Efron, B., & Tibshirani, R. J. (1993). An introduction to the
   bootstrap. Chapman & Hall.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from .._typing import FloatArray

__all__ = [
    "Intervals",
    "bca_interval",
    "normal_quantile",
    "percentile_interval",
    "summarize",
    "wilson_interval",
]


def percentile_interval(
    reps: FloatArray, level: float
) -> tuple[FloatArray, FloatArray]:
    """Percentile interval of each column of ``reps`` (B, K)."""
    alpha = (1.0 - level) / 2.0
    lo = np.percentile(reps, 100 * alpha, axis=0)
    hi = np.percentile(reps, 100 * (1 - alpha), axis=0)
    return np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)


def acceleration(jack: FloatArray) -> FloatArray:
    """Jackknife acceleration of each column of ``jack`` (G, K)."""
    d = jack.mean(axis=0) - jack
    num = np.sum(d**3, axis=0)
    den = 6.0 * np.sum(d**2, axis=0) ** 1.5
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, 0.0)


def _quantiles(ordered: FloatArray, levels: FloatArray) -> FloatArray:
    """Per-column quantiles of column-sorted ``ordered`` (B, K) at ``levels`` (K,).

    Linear interpolation between order statistics (numpy's default
    ``method="linear"``).
    """
    b = ordered.shape[0]
    pos = np.clip(levels, 0.0, 1.0) * (b - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, b - 1)
    frac = pos - lo
    cols = np.arange(ordered.shape[1])
    low_v, high_v = ordered[lo, cols], ordered[hi, cols]
    return np.asarray(low_v + frac * (high_v - low_v), dtype=np.float64)


def bca_interval(
    reps: FloatArray, estimate: FloatArray, jack: FloatArray, level: float
) -> tuple[FloatArray, FloatArray]:
    """BCa interval of each column (B, K) around ``estimate`` (K,)."""
    b = reps.shape[0]
    below = np.sum(reps < estimate, axis=0) + 0.5 * np.sum(reps == estimate, axis=0)
    z0 = special.ndtri(below / b)
    a = acceleration(jack)
    alpha = (1.0 - level) / 2.0
    ordered = np.sort(reps, axis=0)
    out = []
    for q in (alpha, 1.0 - alpha):
        zq = special.ndtri(q)
        with np.errstate(divide="ignore", invalid="ignore"):
            adj = special.ndtr(z0 + (z0 + zq) / (1.0 - a * (z0 + zq)))
        adj = np.where(np.isfinite(adj), adj, q)
        out.append(_quantiles(ordered, adj))
    return out[0], out[1]


@dataclass(frozen=True, slots=True)
class Intervals:
    """Bootstrap summaries of K statistics."""

    se: FloatArray
    t: FloatArray
    p_value: FloatArray
    percentile_low: FloatArray
    percentile_high: FloatArray
    bca_low: FloatArray
    bca_high: FloatArray


def summarize(
    reps: FloatArray,
    estimate: FloatArray,
    jack: FloatArray | None,
    level: float,
) -> Intervals:
    """SE, t, p, percentile and BCa intervals of each column of ``reps``.

    Without jackknife values the acceleration is zero (bias-corrected
    percentile interval).
    """
    se = reps.std(axis=0, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(se > 0, estimate / se, np.nan)
    p = 2.0 * special.ndtr(-np.abs(t))
    plo, phi = percentile_interval(reps, level)
    jk = np.zeros((2, reps.shape[1])) if jack is None else jack
    blo, bhi = bca_interval(reps, estimate, jk, level)
    return Intervals(
        se=se,
        t=t,
        p_value=p,
        percentile_low=plo,
        percentile_high=phi,
        bca_low=blo,
        bca_high=bhi,
    )


def normal_quantile(confidence_level: float) -> float:
    """Two-sided standard-normal critical value ``z_{1 - (1 - level) / 2}``."""
    return float(special.ndtri(0.5 + confidence_level / 2.0))


def wilson_interval(
    successes: FloatArray, trials: FloatArray, confidence_level: float
) -> tuple[FloatArray, FloatArray]:
    r"""Wilson (1927) score interval for binomial proportions (vectorised).

    .. math:: \frac{x + z^2/2}{m + z^2} \pm \frac{z}{m + z^2}
              \sqrt{\frac{x (m - x)}{m} + \frac{z^2}{4}}

    ``trials`` may be a Kish effective sample size (weighted data), with
    ``successes = share * trials``. NaN where ``trials`` is not positive.

    References
    ----------
    .. [1] Wilson, E. B. (1927). Probable inference, the law of succession,
       and statistical inference. JASA, 22(158), 209-212.
    """
    z = normal_quantile(confidence_level)
    x = np.asarray(successes, dtype=np.float64)
    m = np.asarray(trials, dtype=np.float64)
    ok = m > 0
    safe = np.where(ok, m, 1.0)
    denom = safe + z * z
    centre = (x + z * z / 2.0) / denom
    half = z / denom * np.sqrt(np.maximum(x * (safe - x) / safe, 0.0) + z * z / 4.0)
    low = np.where(ok, np.clip(centre - half, 0.0, 1.0), np.nan)
    high = np.where(ok, np.clip(centre + half, 0.0, 1.0), np.nan)
    return low, high
