r"""Consistent PLS (PLSc) on a batch of correlation matrices (numpy kernel).

Dijkstra & Henseler (2015, section "Consistent partial least squares"):
with mode A weights :math:`\hat w_j` scaled to a unit-variance composite
(:math:`\hat w_j' S_{jj} \hat w_j = 1`),

* correction factor (eq. 11):
  :math:`\hat c_j^2 = \frac{\hat w_j'(S_{jj} - \mathrm{diag}\,S_{jj})\hat w_j}
  {\hat w_j'(\hat w_j\hat w_j' - \mathrm{diag}(\hat w_j\hat w_j'))\hat w_j}`;
* consistent loadings :math:`\hat\lambda_j = \hat c_j \hat w_j` (eq. 12);
* reliability of the composite, :math:`\rho_A = (\hat w_j'\hat w_j)^2
  \hat c_j^2` (eq. 13: the squared correlation between composite and
  construct);
* consistent construct correlations
  :math:`\hat r(\eta_i, \eta_j) = r(\hat Y_i, \hat Y_j) /
  \sqrt{\rho_{A,i}\rho_{A,j}}` (eq. 14);
* paths and R² by OLS on the corrected correlation matrix (recursive
  models, section "Structural model").

Mode B blocks and single-indicator blocks are composites: :math:`\rho_A = 1`
and their loadings are the PLS loadings (cSEM's convention for
composites).

Admissibility (cSEM ``verify()``): iterations converged; every
:math:`|\hat\lambda| \le 1`; every :math:`\rho_A \le 1` and defined
(:math:`\hat c^2 > 0`); every corrected :math:`|r| \le 1`; the corrected
construct correlation matrix positive semi-definite; the model-implied
indicator correlation matrix positive semi-definite (cSEM ``fit()``:
:math:`\Sigma = \Lambda' V \Lambda + \Theta` with the construct matrix
implied by the structural model, :math:`V = (I - A)^{-1}\Omega(I - A)^{-T}`,
:math:`\Omega` the exogenous constructs' correlations and the endogenous
errors' variances :math:`1 - R^2`, unit diagonal; within a composite's
block the sample correlations).

References
----------
.. [1] Dijkstra, T. K., & Henseler, J. (2015). Consistent partial least
   squares path modeling. MIS Quarterly, 39(2), 297-316.
.. [2] Rademaker, M. E., & Schuberth, F. (2020). cSEM: composite-based
   structural equation modeling (R package), ``verify()``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._typing import BoolArray, FloatArray
from ._pls_kernel import Layout, pls_weights

__all__ = ["CHECKS", "PLScBatch", "plsc_batch"]

#: Admissibility checks, in the order of :attr:`PLScBatch.checks`.
CHECKS: tuple[str, ...] = (
    "converged",
    "loadings_at_most_1",
    "rho_a_at_most_1",
    "correlations_at_most_1",
    "construct_correlation_psd",
    "implied_correlation_psd",
)

#: Tolerance of the admissibility checks (cSEM uses 1e-8 for the PSD check).
TOL = 1e-8


@dataclass(frozen=True, slots=True)
class PLScBatch:
    """Consistent estimates of a batch of B fits."""

    weights: FloatArray  # (B, p) own-block weights (unit-variance composites)
    loadings: FloatArray  # (B, p)
    rho_a: FloatArray  # (B, J)
    correlation: FloatArray  # (B, J, J) corrected construct correlations
    paths: FloatArray  # (B, J, J) [source, target]
    total: FloatArray  # (B, J, J)
    r_squared: FloatArray  # (B, J), NaN for exogenous latents
    min_eigenvalue: FloatArray  # (B,) of the corrected correlation matrix
    implied_min_eigenvalue: FloatArray  # (B,) of the implied indicator matrix
    checks: BoolArray  # (B, len(CHECKS))
    iterations: FloatArray  # (B,)

    @property
    def admissible(self) -> BoolArray:
        """All checks passed, per fit (B,)."""
        return np.asarray(self.checks.all(axis=1))


def plsc_batch(
    s: FloatArray,
    lay: Layout,
    *,
    scheme: str,
    tol: float = 1e-7,
    max_iter: int = 300,
) -> PLScBatch:
    """Run PLS on each correlation matrix of ``s`` (B, p, p) and correct it."""
    b = s.shape[0]
    fit = pls_weights(s, lay, scheme=scheme, tol=tol, max_iter=max_iter)
    w = fit.weights
    sw = s @ w
    ccor = np.swapaxes(w, 1, 2) @ sw  # composite correlations (unit diagonal)
    loadings = np.sum(sw * lay.mask, axis=2)  # PLS loadings (correlations)
    w_own = w.sum(axis=2)
    rho = np.ones((b, lay.j))
    for k, idx in enumerate(lay.members):
        if lay.mode_b[k] or idx.size < 2:
            continue
        wk = w_own[:, idx]
        sub = s[:, idx[:, None], idx[None, :]]
        off = sub - sub * np.eye(idx.size)
        num = np.einsum("bi,bij,bj->b", wk, off, wk)
        ww = np.sum(wk**2, axis=1)
        den = ww**2 - np.sum(wk**4, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            c2 = num / den
            c = np.where(c2 > 0, np.sqrt(np.where(c2 > 0, c2, 1.0)), np.nan)
        loadings[:, idx] = c[:, None] * wk
        rho[:, k] = np.where(c2 > 0, ww**2 * c2, np.nan)
    q = np.sqrt(rho)
    corr = ccor / q[:, :, None] / q[:, None, :]
    eye = np.eye(lay.j)
    corr = corr * (1 - eye) + eye
    finite = np.all(np.isfinite(corr), axis=(1, 2))
    safe = np.where(finite[:, None, None], corr, eye)
    min_eig = np.where(finite, np.linalg.eigvalsh(safe)[:, 0], np.nan)
    paths = np.zeros((b, lay.j, lay.j))
    r2 = np.full((b, lay.j), np.nan)
    for k in range(lay.j):
        pred = lay.predecessors[k]
        if pred.size == 0:
            continue
        cpp = safe[:, pred[:, None], pred[None, :]]
        cpk = safe[:, pred, k]
        try:
            beta = np.linalg.solve(cpp, cpk[..., None])[..., 0]
        except np.linalg.LinAlgError:
            beta = (np.linalg.pinv(cpp) @ cpk[..., None])[..., 0]
        paths[:, pred, k] = beta
        r2[:, k] = np.sum(beta * cpk, axis=1)
    paths = np.where(finite[:, None, None], paths, np.nan)
    r2 = np.where(finite[:, None], r2, np.nan)
    with np.errstate(invalid="ignore"):
        total = np.linalg.inv(eye - np.where(np.isfinite(paths), paths, 0.0)) - eye
    total = np.where(finite[:, None, None], total, np.nan)
    implied_min = _implied_min_eigenvalue(
        s, safe, paths=paths, r2=r2, loadings=loadings, lay=lay
    )
    implied_min = np.where(finite, implied_min, np.nan)
    off_abs = np.abs(corr * (1 - eye))
    with np.errstate(invalid="ignore"):
        checks = np.stack(
            [
                fit.converged,
                np.all(np.abs(loadings) <= 1 + TOL, axis=1),
                np.all(rho <= 1 + TOL, axis=1),  # NaN (c^2 <= 0) fails
                np.all(off_abs <= 1 + TOL, axis=(1, 2)),
                min_eig >= -TOL,
                implied_min >= -TOL,
            ],
            axis=1,
        )
    return PLScBatch(
        weights=w_own,
        loadings=loadings,
        rho_a=rho,
        correlation=corr,
        paths=paths,
        total=total,
        r_squared=r2,
        min_eigenvalue=min_eig,
        implied_min_eigenvalue=implied_min,
        checks=checks,
        iterations=fit.iterations.astype(np.float64),
    )


def _implied_min_eigenvalue(
    s: FloatArray,
    corr: FloatArray,
    *,
    paths: FloatArray,
    r2: FloatArray,
    loadings: FloatArray,
    lay: Layout,
) -> FloatArray:
    """Smallest eigenvalue of the model-implied indicator correlations, (B,).

    cSEM's ``fit(.saturated = FALSE, .type_vcv = "indicator")`` (its
    ``verify()`` code 5), for recursive models.
    """
    b = s.shape[0]
    eye = np.eye(lay.j)
    a = np.swapaxes(np.where(np.isfinite(paths), paths, 0.0), 1, 2)  # [target, src]
    exo = np.array([lay.predecessors[k].size == 0 for k in range(lay.j)])
    omega = np.zeros((b, lay.j, lay.j))
    both = exo[:, None] & exo[None, :]
    omega[:, both] = corr[:, both]
    endo = np.flatnonzero(~exo)
    omega[:, endo, endo] = 1.0 - np.where(np.isfinite(r2[:, endo]), r2[:, endo], 0.0)
    inv = np.linalg.inv(eye - a)
    v = inv @ omega @ np.swapaxes(inv, 1, 2)
    v = v * (1 - eye) + eye
    lam = np.where(np.isfinite(loadings), loadings, 0.0)[:, :, None] * lay.mask
    sigma = lam @ v @ np.swapaxes(lam, 1, 2)
    p = lay.p
    idx = np.arange(p)
    sigma[:, idx, idx] = 1.0
    for k, members in enumerate(lay.members):
        if lay.mode_b[k] or members.size < 2:
            sigma[:, members[:, None], members[None, :]] = s[
                :, members[:, None], members[None, :]
            ]
    return np.asarray(np.linalg.eigvalsh(sigma)[:, 0])
