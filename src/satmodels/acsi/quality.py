r"""Measurement-quality statistics of a PLS path model (numpy kernels).

All functions take indicator correlation (or covariance) matrices, possibly
a batch ``(B, p, p)``, and the block structure, so that the same code serves
the point estimate and the bootstrap replicates.

* Cronbach's alpha (Cronbach 1951) on the block's matrix:
  :math:`\alpha = \frac{k}{k-1}\left(1 - \frac{\mathrm{tr}\,S}{1'S1}\right)`
  (standardized alpha when S is a correlation matrix).
* Composite reliability (Werts, Linn & Jöreskog 1974; "Dillon-Goldstein's
  rho"): :math:`\rho_C = (\sum\lambda)^2 / ((\sum\lambda)^2 +
  \sum(1-\lambda^2))` with standardized PLS loadings.
* :math:`\rho_A` (Dijkstra & Henseler 2015, eq. 8):
  :math:`\rho_A = (\hat w'\hat w)^2 \, \frac{\hat w'(S - \mathrm{diag}\,S)
  \hat w}{\hat w'(\hat w\hat w' - \mathrm{diag}(\hat w\hat w'))\hat w}`
  with weights scaled to a unit-variance composite.
* Average variance extracted (Fornell & Larcker 1981):
  :math:`\mathrm{AVE} = \frac1k\sum\lambda^2`.
* HTMT (Henseler, Ringle & Sarstedt 2015, eq. 6): mean heterotrait-
  heteromethod correlation over the geometric mean of the two blocks'
  mean monotrait-heteromethod correlations. A single-item block has no
  monotrait correlation; it counts as 1 (the seminr convention).
* Outer VIF: :math:`\mathrm{VIF}_i = [S_{jj}^{-1}]_{ii}` on the block's
  correlation matrix; inner VIF: the same on the predecessors' latent
  correlation matrix (Hair et al. 2017, ch. 5-6).

References
----------
.. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal
   structure of tests. Psychometrika, 16(3), 297-334.
.. [2] Werts, C. E., Linn, R. L., & Jöreskog, K. G. (1974). Intraclass
   reliability estimates. Educational and Psychological Measurement, 34,
   25-33.
.. [3] Dijkstra, T. K., & Henseler, J. (2015). Consistent partial least
   squares path modeling. MIS Quarterly, 39(2), 297-316.
.. [4] Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation
   models with unobservable variables and measurement error. Journal of
   Marketing Research, 18(1), 39-50.
.. [5] Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion
   for assessing discriminant validity in variance-based structural
   equation modeling. Journal of the Academy of Marketing Science, 43,
   115-135.
.. [6] Hair, J. F., Hult, G. T. M., Ringle, C. M., & Sarstedt, M. (2017).
   A primer on partial least squares structural equation modeling
   (2nd ed.). Sage.
"""

from __future__ import annotations

import numpy as np

from .._typing import FloatArray
from ._pls_kernel import Layout

__all__ = [
    "ave",
    "cronbach_alpha",
    "htmt",
    "inner_vif",
    "outer_vif",
    "rho_a",
    "rho_c",
]


def cronbach_alpha(s: FloatArray, lay: Layout) -> FloatArray:
    """Cronbach's alpha per block, shape (J,) (NaN for one-item blocks)."""
    out = np.full(lay.j, np.nan)
    for k, idx in enumerate(lay.members):
        m = idx.size
        if m < 2:
            continue
        sub = s[np.ix_(idx, idx)]
        out[k] = m / (m - 1) * (1.0 - np.trace(sub) / sub.sum())
    return out


def rho_c(loadings: FloatArray, lay: Layout) -> FloatArray:
    """Composite reliability per block from standardized loadings, (J,)."""
    out = np.empty(lay.j)
    for k, idx in enumerate(lay.members):
        lam = loadings[idx]
        num = lam.sum() ** 2
        out[k] = num / (num + np.sum(1.0 - lam**2))
    return out


def rho_a(s: FloatArray, w: FloatArray, lay: Layout) -> FloatArray:
    """Dijkstra-Henseler rho_A per block (1 for one-item blocks), (J,).

    ``s`` is the correlation matrix and ``w`` (p,) the own-block weights of
    standardized indicators scaled to a unit-variance composite.
    """
    out = np.ones(lay.j)
    for k, idx in enumerate(lay.members):
        if idx.size < 2:
            continue
        wk = w[idx]
        sub = s[np.ix_(idx, idx)]
        ww = np.outer(wk, wk)
        num = wk @ (sub - np.diag(np.diag(sub))) @ wk
        den = wk @ (ww - np.diag(np.diag(ww))) @ wk
        out[k] = (wk @ wk) ** 2 * num / den
    return out


def ave(loadings: FloatArray, lay: Layout) -> FloatArray:
    """Average variance extracted per block, (J,)."""
    return np.array([np.mean(loadings[idx] ** 2) for idx in lay.members])


def htmt(r: FloatArray, lay: Layout) -> FloatArray:
    """HTMT ratios for a batch of correlation matrices, (B, J, J), NaN diagonal.

    The sums of correlations within and between blocks are the block
    matrix ``M' R M`` (M the p x J indicator-to-block mask), so all pairs
    take two small matrix products; a batch holding a NaN correlation takes
    the block-by-block loop, which confines the NaN to its own pairs.
    """
    if not np.isfinite(r).all():
        return _htmt_loop(r, lay)
    mask = lay.mask.astype(np.float64)
    size = mask.sum(axis=0)  # indicators per block
    blk = mask.T @ r @ mask  # (B, J, J) sums of correlations
    trace = np.diagonal(r, axis1=1, axis2=2) @ mask  # (B, J)
    pairs = size * (size - 1)
    mono = np.where(
        size > 1,
        (np.diagonal(blk, axis1=1, axis2=2) - trace) / np.where(pairs > 0, pairs, 1.0),
        1.0,
    )
    hetero = blk / np.outer(size, size)
    denom = mono[:, :, None] * mono[:, None, :]
    # not defined when a block's indicators do not correlate positively on
    # average (Henseler et al. 2015, eq. 6 needs a positive monotrait mean)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(denom > 0, hetero / np.sqrt(denom), np.nan)
    out[:, np.arange(lay.j), np.arange(lay.j)] = np.nan
    return out


def _htmt_loop(r: FloatArray, lay: Layout) -> FloatArray:
    """HTMT pair by pair (batches with undefined correlations)."""
    b = r.shape[0]
    mono = np.ones((b, lay.j))
    for k, idx in enumerate(lay.members):
        m = idx.size
        if m > 1:
            sub = r[:, idx[:, None], idx[None, :]]
            mono[:, k] = (sub.sum(axis=(1, 2)) - np.trace(sub, axis1=1, axis2=2)) / (
                m * (m - 1)
            )
    out = np.full((b, lay.j, lay.j), np.nan)
    for i, ii in enumerate(lay.members):
        for j in range(i + 1, lay.j):
            jj = lay.members[j]
            hetero = r[:, ii[:, None], jj[None, :]].mean(axis=(1, 2))
            denom = mono[:, i] * mono[:, j]
            with np.errstate(invalid="ignore", divide="ignore"):
                val = np.where(denom > 0, hetero / np.sqrt(denom), np.nan)
            out[:, i, j] = val
            out[:, j, i] = val
    return out


def outer_vif(r: FloatArray, lay: Layout) -> FloatArray:
    """Variance inflation factor of each indicator within its block, (p,)."""
    out = np.ones(lay.p)
    for idx in lay.members:
        if idx.size > 1:
            out[idx] = np.diag(np.linalg.pinv(r[np.ix_(idx, idx)]))
    return out


def inner_vif(lcor: FloatArray, lay: Layout) -> FloatArray:
    """VIF of each predecessor in each structural regression, (J, J) [src, tgt]."""
    out = np.full((lay.j, lay.j), np.nan)
    for k, pred in enumerate(lay.predecessors):
        if pred.size:
            out[pred, k] = np.diag(np.linalg.pinv(lcor[np.ix_(pred, pred)]))
    return out
