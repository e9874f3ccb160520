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
from typing import Any

import numpy as np

from .._typing import FloatArray
from ..stats._student import t_quantile as student_quantile

__all__ = ["Aggregates", "aggregates", "fieller", "t_quantile"]


def _zeroed(x: FloatArray, unused: np.ndarray[Any, np.dtype[np.bool_]]) -> FloatArray:
    """Set the cells not used (where ``x`` may be NaN) to 0, in place."""
    np.copyto(x, 0.0, where=unused)
    return x


def _cross_var(  # noqa: PLR0917 - the sums of one variance
    za: FloatArray,
    zb: FloatArray,
    w2: FloatArray,
    n: FloatArray,
    wsum: FloatArray,
    buf: FloatArray,
) -> FloatArray:
    """Covariance of two weighted means (linearisation), per column.

    ``n / (n - 1) * sum_r w_r^2 za_r zb_r / (sum w)^2`` over the used cells:
    ``za`` and ``zb`` are 0 in the others, so the sum over rows is one
    matrix-vector product with the squared weights ``w2`` (``buf`` holds
    the products: no further n x k temporary).
    """
    np.multiply(za, zb, out=buf)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = n / (n - 1) * (w2 @ buf) / wsum**2
    return np.where(n > 1, v, np.nan)


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
    n = used.sum(axis=0)
    wsum = w @ used
    unused = used <= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        # weighted means over the used cells (NaN when none): each masked
        # copy sums with one matrix-vector product, and is gone after it
        abar, bbar, cbar = (
            (w @ _zeroed(np.array(x, dtype=np.float64), unused)) / wsum
            for x in (a, b, c)
        )
        rom = bbar / abar
        za = _zeroed(a - abar, unused)
        zb = _zeroed(b - bbar, unused)
        zc = _zeroed(c - cbar, unused)
        zr = _zeroed((b - rom * a) / abar, unused)
    w2, buf = w * w, np.empty_like(za)
    vaa = _cross_var(za, za, w2, n, wsum, buf)
    vbb = _cross_var(zb, zb, w2, n, wsum, buf)
    vab = _cross_var(za, zb, w2, n, wsum, buf)
    return Aggregates(
        n=n,
        abar=abar,
        bbar=bbar,
        cbar=cbar,
        rom=rom,
        se_c=np.sqrt(_cross_var(zc, zc, w2, n, wsum, buf)),
        se_r=np.sqrt(_cross_var(zr, zr, w2, n, wsum, buf)),
        vaa=vaa,
        vbb=vbb,
        vab=vab,
    )


def t_quantile(level: float, n: FloatArray) -> FloatArray:
    """Two-sided t critical value with n - 1 degrees of freedom (NaN if n < 2).

    Student's t quantile (scipy.stats.t.ppf) from
    :func:`satmodels.stats._student.t_quantile`: no scipy for a large file.
    """
    n = np.asarray(n, dtype=np.float64)
    out = np.full(n.shape, np.nan)
    out[n > 1] = student_quantile(n[n > 1] - 1, 0.5 + level / 2)
    return out


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
