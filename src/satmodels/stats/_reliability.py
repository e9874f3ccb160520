r"""Reliability kernels shared by the CSI and SERVQUAL modules (numpy only).

Cronbach's (1951) alpha, Feldt's (1965) interval, corrected item-total
correlations and alpha-if-item-deleted, all from a covariance matrix, so
they run on :class:`~satmodels.stats.moments.Moments` from any engine.

References
----------
.. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal structure
   of tests. Psychometrika, 16(3), 297-334.
.. [2] Feldt, L. S. (1965). The approximate sampling distribution of
   Kuder-Richardson reliability coefficient twenty. Psychometrika, 30(3),
   357-370.
.. [3] Nunnally, J. C., & Bernstein, I. H. (1994). Psychometric Theory
   (3rd ed.). McGraw-Hill.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .._typing import FloatArray

__all__ = ["_alpha", "_alpha_if_deleted", "_feldt_interval", "_item_total"]


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
    # F quantiles: scipy.stats.f.ppf(q, d1, d2) is special.fdtri(d1, d2, q)
    low = 1.0 - (1.0 - alpha) * float(special.fdtri(df1, df2, 1.0 - g / 2.0))
    high = 1.0 - (1.0 - alpha) * float(special.fdtri(df1, df2, g / 2.0))
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
