r"""Numpy kernels of c = b / a: weighted means, linearisation variances, Fieller.

With case weights :math:`w_r` the aggregates are
:math:`\bar c_w = \sum w c / \sum w` and :math:`R = \sum w b / \sum w a`;
their variances are the linearisation (Taylor) variances
:math:`\frac{n}{n-1}\sum w_r^2 z_r^2 / (\sum w)^2` with
:math:`z_r = c_r - \bar c_w` or :math:`z_r = (b_r - R a_r)/\bar a_w`
(Cochran 1977, eqs. 6.9 and 6.13; Wolter 2007, ch. 6).

References
----------
.. [1] Cochran, W. G. (1977). Sampling Techniques (3rd ed.), ch. 6. Wiley.
.. [2] Fieller, E. C. (1954). Some problems in interval estimation. JRSS B,
   16(2), 175-185.
.. [3] Franz, V. H. (2007). Ratios: a short guide to confidence limits and
   proper use. arXiv:0710.2024.
.. [4] Wolter, K. M. (2007). Introduction to Variance Estimation (2nd ed.).
   Springer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from .._typing import FloatArray

__all__ = ["Aggregates", "aggregates", "fieller", "t_quantile"]


def _linearised_var(z: FloatArray, w: FloatArray, used: FloatArray) -> FloatArray:
    """Var of a weighted mean: n/(n-1) * sum (w z)^2 / (sum w)^2, per column."""
    return _cross_var(z, z, w, used)


def _cross_var(
    za: FloatArray, zb: FloatArray, w: FloatArray, used: FloatArray
) -> FloatArray:
    """Covariance of two weighted means (linearisation), per column."""
    wa = np.where(used > 0, w[:, None] * za, 0.0)
    wb = np.where(used > 0, w[:, None] * zb, 0.0)
    wsum = (w[:, None] * used).sum(axis=0)
    n = used.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = n / (n - 1) * (wa * wb).sum(axis=0) / wsum**2
    return np.where(n > 1, v, np.nan)


def _wmean(x: FloatArray, w: FloatArray, used: FloatArray) -> FloatArray:
    """Weighted mean per column over the used cells (NaN when none)."""
    wu = w[:, None] * used
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = (np.where(used > 0, x, 0.0) * wu).sum(axis=0) / wu.sum(axis=0)
    return out


@dataclass(frozen=True, slots=True)
class Aggregates:
    """Per-column aggregates of paired a, b and their ratios c."""

    n: FloatArray
    abar: FloatArray
    bbar: FloatArray
    cbar: FloatArray
    rom: FloatArray
    se_c: FloatArray
    se_r: FloatArray
    vaa: FloatArray
    vbb: FloatArray
    vab: FloatArray


def aggregates(
    a: FloatArray, b: FloatArray, c: FloatArray, used: FloatArray, w: FloatArray
) -> Aggregates:
    """Means, both aggregates and their linearisation variances, per column.

    ``used`` (0/1, same shape as ``a``) marks the cells that enter; the
    variances are NaN where fewer than two respondents are used.
    """
    abar = _wmean(a, w, used)
    bbar = _wmean(b, w, used)
    cbar = _wmean(c, w, used)
    with np.errstate(divide="ignore", invalid="ignore"):
        rom = bbar / abar
        se_r = np.sqrt(_linearised_var((b - rom * a) / abar, w, used))
    return Aggregates(
        n=used.sum(axis=0),
        abar=abar,
        bbar=bbar,
        cbar=cbar,
        rom=rom,
        se_c=np.sqrt(_linearised_var(c - cbar, w, used)),
        se_r=se_r,
        vaa=_linearised_var(a - abar, w, used),
        vbb=_linearised_var(b - bbar, w, used),
        vab=_cross_var(a - abar, b - bbar, w, used),
    )


def t_quantile(level: float, n: FloatArray) -> FloatArray:
    """Two-sided t critical value with n - 1 degrees of freedom (NaN if n < 2)."""
    # Student t quantile (what scipy.stats.t.ppf computes), without the
    # cost of importing scipy.stats in the CLI
    q = np.asarray(special.stdtrit(np.maximum(n - 1, 1), 0.5 + level / 2))
    return np.where(n > 1, q, np.nan)


def fieller(  # noqa: PLR0917
    abar: FloatArray,
    bbar: FloatArray,
    vaa: FloatArray,
    vbb: FloatArray,
    vab: FloatArray,
    t: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    r"""Fieller (1954) limits for bbar/abar; (-inf, inf) when unbounded.

    Solves the quadratic :math:`q_a\theta^2 - 2 q_b \theta + q_c \le 0` with
    :math:`q_a = \bar a^2 - t^2 v_{aa}`, :math:`q_b = \bar a \bar b - t^2
    v_{ab}`, :math:`q_c = \bar b^2 - t^2 v_{bb}` (Franz 2007, eq. 6); the set
    is a bounded interval only when :math:`q_a > 0`, i.e. when :math:`\bar a`
    is significantly different from 0. NaN where the variances are undefined
    (fewer than two respondents).
    """
    t2 = t * t
    qa = abar * abar - t2 * vaa
    qb = abar * bbar - t2 * vab
    qc = bbar * bbar - t2 * vbb
    disc = qb * qb - qa * qc
    bounded = (qa > 0) & (disc >= 0)
    defined = np.isfinite(vaa) & np.isfinite(vbb) & np.isfinite(vab) & np.isfinite(t)
    with np.errstate(invalid="ignore", divide="ignore"):
        root = np.sqrt(np.maximum(disc, 0.0))
        low = np.where(bounded, (qb - root) / qa, -np.inf)
        high = np.where(bounded, (qb + root) / qa, np.inf)
    return np.where(defined, low, np.nan), np.where(defined, high, np.nan)
