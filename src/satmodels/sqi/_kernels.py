r"""Numeric kernels of the service quality indicator (private, numpy only).

The weighted daily index of Federal Express's "hierarchy of horrors" [1]_ is
a demerit total: with failure types :math:`j` weighted :math:`w_j` and counts
:math:`c_{jt}` on period :math:`t`,

.. math:: I_t = \sum_j w_j c_{jt}.

Under independent Poisson counts its variance is
:math:`\operatorname{Var}(I_t) = \sum_j w_j^2 \lambda_{jt}`, estimated by
:math:`\sum_j w_j^2 c_{jt}`; the u-chart of demerits per opportunity uses
the same variance (Montgomery 2009, sec. 7.3.3 [2]_). The EWMA follows
Montgomery (2009), sec. 9.2, eq. 9.22, 9.24 and 9.25.

References
----------
.. [1] Lovelock, C. H. (1996). Federal Express: quality improvement
   program. In Services Marketing (3rd ed.). Prentice Hall. (The twelve
   failure types of the Service Quality Indicator and their weights.)
.. [2] Montgomery, D. C. (2009). Introduction to Statistical Quality
   Control (6th ed.). Wiley.
"""

from __future__ import annotations

import numpy as np

from .._typing import FloatArray

__all__ = [
    "d2_moving_range",
    "ewma_path",
    "laney_sigma_z",
    "ols_slope",
    "pareto_shares",
    "u_chart_limits",
]

#: :math:`d_2` for moving ranges of two observations (Montgomery 2009,
#: Appendix Table VI).
D2_TWO = 1.128


def pareto_shares(
    totals: FloatArray, severity: FloatArray
) -> tuple[FloatArray, FloatArray]:
    r"""Shares of the weighted total by failure type, with delta-method SEs.

    With :math:`a_j = w_j C_j` and :math:`A = \sum_j a_j`, the share is
    :math:`s_j = a_j / A`; under independent Poisson totals :math:`C_j`
    (variance estimated by :math:`C_j`),

    .. math::

        \operatorname{Var}(s_j) \approx \frac{w_j^2 C_j (A - a_j)^2
            + a_j^2 \sum_{k \ne j} w_k^2 C_k}{A^4}.
    """
    a = severity * totals
    total = float(a.sum())
    if total <= 0:
        nan = np.full(a.shape, np.nan)
        return nan, nan.copy()
    share = a / total
    var_k = severity**2 * totals
    other = var_k.sum() - var_k
    # divided through by A^2 first, so that large totals do not overflow
    var = (var_k * (1.0 - share) ** 2 + share**2 * other) / total**2
    return share, np.sqrt(var)


def u_chart_limits(
    points: FloatArray,
    variance: FloatArray,
    opportunities: FloatArray,
    n_sigmas: float,
) -> tuple[float, FloatArray, FloatArray, FloatArray]:
    r"""Center line and per-period limits of a u (demerit) chart.

    :math:`\bar u = \sum_t I_t / \sum_t n_t`, and with
    :math:`\bar u_{(2)} = \sum_t \sum_j w_j^2 c_{jt} / \sum_t n_t`
    (equal to :math:`\bar u` for one type of weight 1),

    .. math:: \bar u \pm L \sqrt{\bar u_{(2)} / n_t}

    (Montgomery 2009, eq. 7.17 for variable :math:`n_t`; sec. 7.3.3 for
    demerits). A negative lower limit is set to 0.

    Returns
    -------
    center, sigma, lcl, ucl
    """
    n_total = float(opportunities.sum())
    center = float(points.sum()) / n_total
    second = float(variance.sum()) / n_total
    sigma = np.sqrt(second / opportunities)
    lcl = np.maximum(center - n_sigmas * sigma, 0.0)
    ucl = center + n_sigmas * sigma
    return center, sigma, lcl, ucl


def laney_sigma_z(u: FloatArray, center: float, sigma: FloatArray) -> float:
    r"""Laney's between-period spread :math:`\sigma_Z` of a u'-chart.

    The rates are standardized against the u-chart's own limits,
    :math:`z_t = (u_t - \bar u) / \sigma_{u_t}`, and their spread is the
    average moving range over :math:`d_2 = 1.128`,

    .. math:: \sigma_Z = \overline{MR}(z) / 1.128

    (Laney 2002, "Improved control charts for attributes", Quality
    Engineering 14(4), 531-537; the formula Minitab documents for its
    Laney U' chart). :math:`\sigma_Z = 1` is the Poisson model; above 1
    the periods vary more than Poisson counts would (overdispersion).
    """
    return d2_moving_range((u - center) / sigma)


def ewma_path(x: FloatArray, smoothing: float, center: float) -> FloatArray:
    r"""EWMA statistics :math:`z_t = \lambda x_t + (1 - \lambda) z_{t-1}`.

    Starts at :math:`z_0 = \mu_0` (Montgomery 2009, eq. 9.22).
    """
    z = np.empty_like(x)
    prev = center
    keep = 1.0 - smoothing
    for t, value in enumerate(x):
        prev = smoothing * value + keep * prev
        z[t] = prev
    return z


def ewma_sigma(n: int, smoothing: float, sigma: float) -> FloatArray:
    r"""Exact standard deviation of :math:`z_t`, :math:`t = 1, \dots, n`.

    .. math::

        \sigma_{z_t} = \sigma \sqrt{\frac{\lambda}{2 - \lambda}
            \left[1 - (1 - \lambda)^{2t}\right]}

    (Montgomery 2009, eq. 9.24 and 9.25).
    """
    t = np.arange(1, n + 1, dtype=np.float64)
    return sigma * np.sqrt(
        smoothing / (2.0 - smoothing) * (1.0 - (1.0 - smoothing) ** (2.0 * t))
    )


def d2_moving_range(x: FloatArray) -> float:
    r"""Process sigma of individual values from the average moving range.

    :math:`\hat\sigma = \overline{MR} / d_2` with :math:`d_2 = 1.128`
    (Montgomery 2009, eq. 6.33). NaN for fewer than two values.
    """
    if x.size < 2:
        return float("nan")
    return float(np.mean(np.abs(np.diff(x)))) / D2_TWO


def ols_slope(y: FloatArray) -> tuple[float, float, float]:
    r"""Least-squares slope of ``y`` on :math:`t = 0, 1, \dots` with its SE.

    .. math::

        \hat\beta = \frac{\sum (t - \bar t)(y_t - \bar y)}{\sum (t - \bar t)^2},
        \quad
        \widehat{se} = \sqrt{\frac{\sum e_t^2 / (n - 2)}{\sum (t - \bar t)^2}}.

    Returns ``(slope, standard_error, df)``; the SE is NaN below 3 points.
    """
    n = y.size
    if n < 2:
        return float("nan"), float("nan"), float("nan")
    t = np.arange(n, dtype=np.float64)
    tc = t - t.mean()
    sxx = float(tc @ tc)
    slope = float(tc @ (y - y.mean())) / sxx
    if n < 3:
        return slope, float("nan"), float("nan")
    resid = y - y.mean() - slope * tc
    se = float(np.sqrt(float(resid @ resid) / (n - 2) / sxx))
    return slope, se, float(n - 2)


def holm(pvalues: FloatArray) -> FloatArray:
    """Holm's (1979) step-down adjusted p-values (NaN entries kept NaN)."""
    out = np.full(pvalues.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(pvalues))
    m = ok.size
    if m == 0:
        return out
    order = ok[np.argsort(pvalues[ok], kind="stable")]
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * float(pvalues[i])))
        out[i] = running
    return out
