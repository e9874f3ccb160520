r"""Interaction terms of PLS path models from rows (private, numpy only).

Private helpers of :func:`satmodels.acsi.moderation`. Each approach turns
the respondents' rows into the variables of the interaction construct
``X.Z`` (Henseler & Chin 2010; Little et al. 2006):

* ``"two_stage"``: the main-effects model is fitted first; the product of
  the standardized scores of X and Z is the single indicator of ``X.Z``
  (Henseler & Chin 2010, section 2.4; Fassott et al. 2016);
* ``"product_indicator"``: every product of a standardized indicator of X
  with one of Z (Kenny & Judd 1984; Chin et al. 2003);
* ``"orthogonal"``: those products, each replaced by its residual from the
  OLS regression on all indicators of X and Z (Little et al. 2006).

Every moment is weighted by the case weights (weighted PLS, Becker &
Ismail 2016); the same code derives the variables of the fit and of each
bootstrap replicate, so the replicates re-run the whole procedure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._typing import FloatArray, IntArray
from ._pls_kernel import Layout, pls_weights
from ._pls_options import PLSOptions

__all__ = ["Design", "derive", "weighted_moments"]


@dataclass(frozen=True, slots=True)
class Design:
    """Where the interaction's ingredients sit among the indicators."""

    approach: str
    x_items: IntArray  # positions of X's indicators among the indicators
    z_items: IntArray
    lay: Layout  # the main-effects model (two-stage first stage)
    x_latent: int  # positions of X and Z in lay.latents
    z_latent: int
    names: tuple[str, ...]  # the derived columns


def weighted_moments(
    x: FloatArray, w: FloatArray | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    r"""Return the weighted mean, covariance and sds of the columns.

    The divisor is :math:`W - \sum w^2 / W` (numpy's ``aweights``), as
    :meth:`satmodels.stats.Moments.covariance`: ``n - 1`` unweighted.
    """
    if w is None:
        w = np.ones(x.shape[0])
    total = w.sum()
    mean = (w @ x) / total
    xc = x - mean
    cov = (xc * w[:, None]).T @ xc / (total - (w @ w) / total)
    return mean, cov, np.sqrt(np.clip(np.diag(cov), 0.0, None))


def _standardized(x: FloatArray, w: FloatArray | None) -> FloatArray:
    mean, _, sd = weighted_moments(x, w)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (x - mean) / sd


def derive(
    rows: FloatArray, w: FloatArray | None, d: Design, opts: PLSOptions
) -> tuple[FloatArray, bool]:
    """Return the interaction's columns for complete ``rows`` and whether defined.

    ``False`` when a first stage does not converge or a product is
    undefined (a constant indicator in a replicate).
    """
    if d.approach == "two_stage":
        mean, cov, sd = weighted_moments(rows, w)
        with np.errstate(divide="ignore", invalid="ignore"):
            corr = cov / sd[:, None] / sd[None, :]
        if not np.all(np.isfinite(corr)):
            return np.full((rows.shape[0], 1), np.nan), False
        s = corr if opts.scaled else cov
        fit = pls_weights(
            s[None], d.lay, scheme=opts.scheme, tol=opts.tol, max_iter=opts.max_iter
        )
        wt = fit.weights[0]
        z = (rows - mean) / sd if opts.scaled else rows - mean
        ok = bool(fit.converged[0]) and bool(np.all(np.isfinite(wt)))
        scores = z @ wt[:, [d.x_latent, d.z_latent]]
        return (scores[:, 0] * scores[:, 1])[:, None], ok
    xs = _standardized(rows[:, d.x_items], w)
    zs = _standardized(rows[:, d.z_items], w)
    prod = (xs[:, :, None] * zs[:, None, :]).reshape(rows.shape[0], -1)
    ok = bool(np.all(np.isfinite(prod)))
    if d.approach == "orthogonal" and ok:
        design = np.column_stack(
            [np.ones(rows.shape[0]), rows[:, d.x_items], rows[:, d.z_items]]
        )
        sw = np.ones(rows.shape[0]) if w is None else np.sqrt(w)
        coef = np.linalg.lstsq(design * sw[:, None], prod * sw[:, None], rcond=None)[0]
        prod = prod - design @ coef
    return prod, ok
