r"""The compared statistics of one segment, for a batch of moment matrices.

Every statistic the multigroup comparison tests is a function of a
segment's indicator moments (means, covariance, correlation) and of the
pooled fit: so the observed segments (a batch of one) and all permuted
segments (a batch of B) go through the same code.

Per segment g (standardized indicators, PLS weights :math:`w^{(g)}` with
:math:`w' R^{(g)} w = 1` per block):

* outer weights, loadings, path coefficients and the 0-100 indices
  (:mod:`._pls_kernel`, :mod:`.index`);
* MICOM step 3 (Henseler, Ringle & Sarstedt 2016, pp. 415-416): the
  composite scores of the pooled fit, :math:`\xi = D_0^{-1}(x - \bar x_0)
  W_0` (pooled means, standard deviations and weights), have in segment g
  the mean :math:`D_0^{-1}(\bar x^{(g)} - \bar x_0) W_0` and the variances
  :math:`\operatorname{diag}(W_0' D_0^{-1} S^{(g)} D_0^{-1} W_0)`
  (divisor :math:`n_g - 1`, as cSEM's ``matrixStats::colVars``);
* MICOM step 2 (Henseler et al. 2016, p. 414), per pair of segments: the
  correlation of the composites formed with each segment's weights on the
  pooled standardized data, :math:`c = w^{(a)\prime} R_0 w^{(b)} /
  \sqrt{w^{(a)\prime} R_0 w^{(a)}\, w^{(b)\prime} R_0 w^{(b)}}` block by
  block (:func:`composite_correlation`).

References
----------
.. [1] Henseler, J., Ringle, C. M., & Sarstedt, M. (2016). Testing
   measurement invariance of composites using partial least squares.
   International Marketing Review, 33(3), 405-431.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._typing import BoolArray, FloatArray
from ..scales import Scale
from ._pls_kernel import Layout, pls_outputs, pls_weights
from ._pls_options import PLSOptions
from .index import indices as _indices
from .index import raw_weights

__all__ = ["Pooled", "SegmentStats", "composite_correlation", "segment_stats"]


@dataclass(frozen=True, slots=True)
class Pooled:
    """What MICOM takes from the fit on all respondents."""

    mean: FloatArray  # (p,)
    sd: FloatArray  # (p,)
    corr: FloatArray  # (p, p)
    weights: FloatArray  # (p, J) block diagonal, unit-variance composites


@dataclass(frozen=True, slots=True)
class SegmentStats:
    """A batch of segment fits: every compared statistic, (B, ...) each."""

    weights: FloatArray  # (B, p) standardized outer weights
    loadings: FloatArray  # (B, p)
    paths: FloatArray  # (B, P) in the spec's path order
    indices: FloatArray  # (B, J) 0-100 indices (NaN without a scale)
    composite_weights: FloatArray  # (B, p) the weights MICOM's c compares
    score_mean: FloatArray  # (B, J) pooled composites' mean in the segment
    score_log_variance: FloatArray  # (B, J) their log variance
    ok: BoolArray  # (B,) converged and finite


def segment_stats(
    corr: FloatArray,
    cov: FloatArray,
    mean: FloatArray,
    sd: FloatArray,
    *,
    lay: Layout,
    paths: tuple[tuple[int, int], ...],
    opts: PLSOptions,
    scale: Scale | None,
    pooled: Pooled,
) -> SegmentStats:
    """Fit the batch (B, p, p) of segment correlation matrices and collect."""
    fit = pls_weights(
        corr, lay, scheme=opts.scheme, tol=opts.tol, max_iter=opts.max_iter
    )
    out = pls_outputs(corr, fit.weights, lay)
    w_own = fit.weights.sum(axis=2)
    b = corr.shape[0]
    if paths:
        src, tgt = zip(*paths, strict=True)
        path_values = out["paths"][:, list(src), list(tgt)]
    else:
        path_values = np.zeros((b, 0))
    if scale is None:
        idx = np.full((b, lay.j), np.nan)
    else:
        v = raw_weights(w_own, sd, scaled=True)
        idx = _indices(v, mean, scale.minimum, scale.maximum, lay)
    w0 = pooled.weights / pooled.sd[:, None]  # weights on raw answers
    score_mean = (mean - pooled.mean) @ w0
    score_var = np.einsum("pj,bpq,qj->bj", w0, cov, w0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_var = np.where(
            score_var > 0, np.log(np.where(score_var > 0, score_var, 1.0)), np.nan
        )
    values = np.concatenate(
        [w_own, out["loadings"], path_values, score_mean, log_var], axis=1
    )
    ok = fit.converged & np.all(np.isfinite(values), axis=1)
    return SegmentStats(
        weights=w_own,
        loadings=out["loadings"],
        paths=path_values,
        indices=idx,
        composite_weights=w_own,
        score_mean=score_mean,
        score_log_variance=log_var,
        ok=ok,
    )


def composite_correlation(
    wa: FloatArray, wb: FloatArray, corr: FloatArray, lay: Layout
) -> FloatArray:
    """MICOM's c per block: (B, p) weights of two segments -> (B, J)."""
    mask = lay.mask.astype(np.float64)
    a = wa[:, :, None] * mask  # (B, p, J)
    bb = wb[:, :, None] * mask
    ra, rb = corr @ a, corr @ bb
    num = np.sum(a * rb, axis=1)
    den = np.sqrt(np.sum(a * ra, axis=1) * np.sum(bb * rb, axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, np.nan)
