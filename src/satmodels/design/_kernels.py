r"""Variance kernels of design-based inference: Taylor and replication.

Taylor linearisation (Woodruff 1971; Wolter 2007, ch. 6): an estimator is
replaced by the weighted total of its linearised values :math:`z_i`; with
PSU totals :math:`u_{hk} = \sum_{i \in (h,k)} z_i`, the first-stage
with-replacement variance estimator (Cochran 1977, eq. 11.27; Lumley 2010,
sec. 2.2) is

.. math::

    \hat V = \sum_h (1 - f_h) \frac{n_h}{n_h - 1}
             \sum_{k=1}^{n_h} (u_{hk} - \bar u_h)^2,

with :math:`n_h` PSUs and sampling fraction :math:`f_h` in stratum
:math:`h`. Only PSU totals enter, so the sums merge across partitions.

Replication (Wolter 2007, ch. 2-4): :math:`\hat V = s \sum_r c_r
(\hat\theta_r - \tilde\theta)^2`.

References
----------
.. [1] Cochran, W. G. (1977). Sampling Techniques (3rd ed.). Wiley.
.. [2] Lumley, T. (2010). Complex Surveys. Wiley.
.. [3] Wolter, K. M. (2007). Introduction to Variance Estimation (2nd ed.).
   Springer.
.. [4] Woodruff, R. S. (1971). A simple method for approximating the
   variance of a complicated estimate. JASA, 66(334), 411-414.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._typing import FloatArray, IntArray

__all__ = ["Fitted", "replicate_variance", "taylor_variance"]


@dataclass(frozen=True, slots=True)
class Fitted:
    """Estimates, variances and design facts, from rows or from PSU sums."""

    estimate: FloatArray
    variance: FloatArray
    srs_variance: FloatArray  # simple random sampling with replacement
    n_obs: FloatArray  # answers of positive weight per statistic
    df: float
    method: str
    n_psu: int
    n_strata: int
    n: int


def taylor_variance(
    u: FloatArray, stratum: IntArray, fraction: FloatArray
) -> FloatArray:
    """Variance of the totals of ``u`` (PSUs x statistics) by strata.

    ``stratum`` is each PSU's stratum index, ``fraction`` each stratum's
    sampling fraction (0 for sampling with replacement). Every stratum must
    have at least two PSUs (the caller checks).
    """
    n_strata = int(stratum.max()) + 1
    n_h = np.bincount(stratum, minlength=n_strata).astype(np.float64)
    sums = np.zeros((n_strata, u.shape[1]))
    np.add.at(sums, stratum, u)
    centred = u - (sums / n_h[:, None])[stratum]
    squares = np.zeros_like(sums)
    np.add.at(squares, stratum, centred * centred)
    factor = (1.0 - fraction) * n_h / (n_h - 1.0)
    out: FloatArray = factor @ squares
    return out


def replicate_variance(
    full: FloatArray,
    replicates: FloatArray,
    scale: float,
    rscales: FloatArray,
    *,
    mse: bool,
) -> FloatArray:
    """Variance from replicate estimates (replicates x statistics)."""
    centre = full if mse else replicates.mean(axis=0)
    dev = replicates - centre
    out: FloatArray = scale * (rscales @ (dev * dev))
    return out
