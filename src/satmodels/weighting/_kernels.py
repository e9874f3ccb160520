r"""Numeric kernels of weighting: raking, post-stratification, trimming.

Every adjustment here is a factor per *cell* of the cross-classification of
the margin variables: raking and post-stratification multiply each row's
starting weight by its cell's factor (Deville & Särndal 1992, sec. 4: the
raking-ratio calibration weights are :math:`w_i g_i` with :math:`g_i`
constant within the cells of the margins' cross-classification). So the
factors need only the cells' weighted totals, which an engine computes in one
grouped aggregation; the rows are weighted afterwards.

References
----------
.. [1] Deming, W. E., & Stephan, F. F. (1940). On a least squares adjustment
   of a sampled frequency table when the expected marginal totals are known.
   The Annals of Mathematical Statistics, 11(4), 427-444.
.. [2] Deville, J.-C., & Särndal, C.-E. (1992). Calibration estimators in
   survey sampling. Journal of the American Statistical Association,
   87(418), 376-382.
.. [3] Kish, L. (1965). Survey Sampling. Wiley, sec. 11.7.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._typing import FloatArray, IntArray

__all__ = ["ipf", "kish", "trim"]


def ipf(
    cell_totals: FloatArray,
    cell_codes: Sequence[IntArray],
    targets: Sequence[FloatArray],
    *,
    max_iter: int,
    tolerance: float,
) -> tuple[FloatArray, int, float]:
    r"""Fit cell factors to margin totals by iterative proportional fitting.

    Deming & Stephan (1940): cycle over the margins; for margin :math:`m`
    multiply every cell's factor by :math:`T_{m,l} / \hat T_{m,l}`, the
    population total of the cell's level :math:`l` over its current
    weighted total.

    Parameters
    ----------
    cell_totals : (c,) array
        Starting weighted total of each cell (all positive).
    cell_codes : sequence of (c,) int arrays
        For each margin, the level index of each cell.
    targets : sequence of arrays
        For each margin, the population total of each level.

    Returns
    -------
    factors : (c,) array
        The factor of each cell.
    iterations : int
        Full cycles run.
    change : float
        The largest absolute difference between a margin's achieved and
        target total after the last cycle (the convergence measure of
        ``survey::rake``, Lumley 2010, sec. 7.4).
    """
    factors = np.ones_like(cell_totals)
    change = np.inf
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - returned
        for codes, target in zip(cell_codes, targets, strict=True):
            achieved = np.bincount(
                codes, weights=cell_totals * factors, minlength=target.size
            )
            factors *= (target / achieved)[codes]
        change = max(
            float(
                np.max(
                    np.abs(
                        np.bincount(
                            codes, weights=cell_totals * factors, minlength=t.size
                        )
                        - t
                    )
                )
            )
            for codes, t in zip(cell_codes, targets, strict=True)
        )
        if change <= tolerance:
            break
    return factors, iterations, change


def trim(weights: FloatArray, lower: float, upper: float) -> FloatArray:
    """Cap weights to ``[lower, upper]``; share what was cut evenly.

    The weights outside the bounds are set to the bound and the total moved
    is spread in equal amounts over the weights that were inside them, so the
    sum of the weights is kept (``survey::trimWeights`` with
    ``strict = FALSE``; Lumley 2010, sec. 7.5; Potter 1990). The shared
    amount may push an inside weight just past a bound: one pass, as the R
    function does.
    """
    outside = (weights < lower) | (weights > upper)
    if not outside.any():
        return weights.copy()
    inside = ~outside
    if not inside.any():  # nothing left to share the cut with: undefined
        return np.full_like(weights, np.nan)
    clipped = np.clip(weights, lower, upper)
    moved = float(np.sum(clipped - weights))
    out = clipped.copy()
    out[inside] -= moved / int(inside.sum())
    return out


def kish(total: float, squares: float, n: int) -> tuple[float, float]:
    r"""Kish's effective sample size and the design effect of weighting.

    Kish (1965, eq. 11.7.6) from the sum and the sum of squares of the
    ``n`` weights: :math:`n_{\text{eff}} = (\sum w)^2 / \sum w^2` and
    :math:`\text{deff} = n \sum w^2 / (\sum w)^2 = 1 + \text{CV}^2(w)`.
    """
    n_eff = total * total / squares
    return n_eff, n / n_eff
