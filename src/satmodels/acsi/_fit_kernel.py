r"""Model-implied correlations, fit distances and selection criteria (numpy kernels).

Private, numpy-only functions on batches: indicator correlation matrices
``S`` of shape ``(B, p, p)`` and the estimates of B fits of one model.

Model-implied indicator correlation matrix (cSEM's ``fit()``; Bollen 1989,
ch. 8 notation; Dijkstra & Henseler 2015, eq. 16): with :math:`\Lambda`
the J x p matrix of loadings (block-diagonal) and :math:`V` the construct
correlation matrix,

.. math:: \hat\Sigma = \Lambda' V \Lambda + \Theta,
   \qquad \Theta = \mathrm{diag}(1 - \lambda_i^2),

so the diagonal is 1; within the block of a *composite* the sample
correlations are kept (a composite model leaves them free: Henseler et al.
2014, Dijkstra 2017). :math:`V` is

* for the **saturated** model the estimated construct correlations (PLS:
  the composites' correlations; PLSc: the disattenuated ones);
* for the **estimated** model the correlations the structural model
  implies: with :math:`A` the path matrix ``[target, source]``,
  :math:`\Omega` holding the exogenous constructs' correlations and, for
  each endogenous construct, its error variance :math:`1 - R^2`,
  :math:`V = (I - A)^{-1}\Omega(I - A)^{-\top}` with unit diagonal (a
  recursive model).

Distances between ``S`` and :math:`\hat\Sigma` (Dijkstra & Henseler 2015,
section "Tests of model fit"; Hu & Bentler 1999):

* :math:`\mathrm{SRMR} = \sqrt{\sum_{i \le j}(s_{ij} - \hat\sigma_{ij})^2
  / (p(p+1)/2)}` (correlations; the diagonal counts, as in cSEM);
* :math:`d_{ULS} = \tfrac12 \sum_{i,j}(s_{ij} - \hat\sigma_{ij})^2`;
* :math:`d_G = \tfrac12 \sum_k (\ln \varphi_k)^2`, :math:`\varphi_k` the
  eigenvalues of :math:`S^{-1}\hat\Sigma` (the natural logarithm of the
  definition; cSEM 0.4 takes base-10 logarithms, so its d_G is ours
  divided by :math:`(\ln 10)^2`).

References
----------
.. [1] Dijkstra, T. K., & Henseler, J. (2015). Consistent and asymptotically
   normal PLS estimators for linear structural equations. Computational
   Statistics & Data Analysis, 81, 10-23.
.. [2] Henseler, J., Dijkstra, T. K., Sarstedt, M., et al. (2014). Common
   beliefs and reality about PLS: comments on Rönkkö and Evermann (2013).
   Organizational Research Methods, 17(2), 182-209.
.. [3] Bollen, K. A. (1989). Structural equations with latent variables.
   Wiley.
"""

from __future__ import annotations

import numpy as np

from .._typing import BoolArray, FloatArray, IntArray
from ._pls_kernel import Layout

__all__ = [
    "CRITERIA",
    "MEASURES",
    "criteria",
    "distances",
    "implied",
    "sqrtm_psd",
]

#: The distance measures, in the order of :func:`distances`.
MEASURES: tuple[str, ...] = ("srmr", "d_uls", "d_g")
#: Residual share 1 - R² at or below which an equation has no residual
#: variance (its selection criteria are then undefined): about 1e6 machine
#: epsilons, far above the rounding of a correlation, far below any survey.
NO_RESIDUAL = 1e-10
#: Smallest eigenvalue, relative to the largest, of a positive definite
#: matrix for d_G (a condition number above 1e12 is singular to rounding).
SINGULAR = 1e-12

#: Model-selection criteria, in the order of :func:`criteria` (cSEM names).
CRITERIA: tuple[str, ...] = (
    "aic",
    "aicc",
    "aicu",
    "bic",
    "fpe",
    "gm",
    "hq",
    "hqc",
    "mallows_cp",
)


def implied(
    s: FloatArray,
    *,
    loadings: FloatArray,
    construct: FloatArray,
    paths: FloatArray,
    r2: FloatArray,
    lay: Layout,
    composite: BoolArray,
    saturated: bool,
) -> FloatArray:
    """Model-implied indicator correlation matrices of a batch, (B, p, p).

    ``s`` (B, p, p) sample correlations, ``loadings`` (B, p), ``construct``
    (B, J, J) construct correlations, ``paths`` (B, J, J) ``[source,
    target]``, ``r2`` (B, J) (NaN for exogenous constructs), ``composite``
    (J,) the blocks whose within-block correlations stay free.
    """
    b = s.shape[0]
    nj = lay.j
    eye = np.eye(nj)
    if saturated:
        v = construct
    else:
        a = np.swapaxes(np.where(np.isfinite(paths), paths, 0.0), 1, 2)
        exo = np.array([lay.predecessors[k].size == 0 for k in range(nj)])
        omega = np.zeros((b, nj, nj))
        both = exo[:, None] & exo[None, :]
        omega[:, both] = construct[:, both]
        endo = np.flatnonzero(~exo)
        omega[:, endo, endo] = 1.0 - r2[:, endo]
        inv = np.linalg.inv(eye - a)
        v = inv @ omega @ np.swapaxes(inv, 1, 2)
    v = v * (1 - eye) + eye
    lam = loadings[:, :, None] * lay.mask  # (B, p, J)
    sigma = lam @ v @ np.swapaxes(lam, 1, 2)
    idx = np.arange(lay.p)
    sigma[:, idx, idx] = 1.0
    for k, members in enumerate(lay.members):
        if composite[k]:
            cell = (slice(None), members[:, None], members[None, :])
            sigma[cell] = s[cell]
    return np.asarray(0.5 * (sigma + np.swapaxes(sigma, 1, 2)))


def _eigen_ratio(s: FloatArray, sigma: FloatArray) -> FloatArray:
    """Eigenvalues of ``S^{-1} Sigma`` per matrix of the batch, (B, p).

    Through the Cholesky factor ``S = L L'``: the eigenvalues of the
    symmetric ``L^{-1} Sigma L^{-T}`` (real, as they must be). A batch
    member whose ``S`` is not positive definite, or with a non-finite
    matrix, gets NaN.
    """
    b, p = s.shape[0], s.shape[1]
    out = np.full((b, p), np.nan)
    finite = np.all(np.isfinite(s), axis=(1, 2)) & np.all(
        np.isfinite(sigma), axis=(1, 2)
    )
    good = np.flatnonzero(finite)
    # singular to rounding (e.g. fewer distinct respondents than indicators):
    # a Cholesky factor may still exist, its log-eigenvalues are noise
    lam = np.linalg.eigvalsh(s[good])
    good = good[lam[:, 0] > SINGULAR * np.abs(lam[:, -1])]

    def ratio(idx: IntArray) -> FloatArray:
        li = np.linalg.inv(np.linalg.cholesky(s[idx]))
        m = li @ sigma[idx] @ np.swapaxes(li, 1, 2)
        return np.asarray(np.linalg.eigvalsh(0.5 * (m + np.swapaxes(m, 1, 2))))

    try:
        out[good] = ratio(good)
    except np.linalg.LinAlgError:
        for k in good:  # one failure must not sink the batch
            try:
                out[k] = ratio(np.array([k]))[0]
            except np.linalg.LinAlgError:
                continue
    return out


def distances(s: FloatArray, sigma: FloatArray) -> FloatArray:
    """SRMR, d_ULS and d_G of every pair (S, Sigma) of the batch, (B, 3).

    d_G is NaN where ``S`` is not positive definite or an eigenvalue of
    ``S^{-1} Sigma`` is not positive (its logarithm is undefined), both
    judged relative to the largest eigenvalue (``SINGULAR``): the
    logarithm of an eigenvalue left by rounding is not a distance.
    """
    d = s - sigma
    p = s.shape[1]
    low = np.tril_indices(p)
    srmr = np.sqrt(np.mean(d[:, low[0], low[1]] ** 2, axis=1))
    d_uls = 0.5 * np.sum(d**2, axis=(1, 2))
    phi = _eigen_ratio(s, sigma)
    with np.errstate(invalid="ignore", divide="ignore"):
        pos = phi > SINGULAR * np.max(np.abs(phi), axis=1, keepdims=True)
        logs = np.where(pos, np.log(np.where(pos, phi, 1.0)), np.nan)
    d_g = 0.5 * np.sum(logs**2, axis=1)
    return np.stack([srmr, d_uls, d_g], axis=1)


def sqrtm_psd(a: FloatArray, *, inverse: bool = False) -> FloatArray:
    """Symmetric square root (or inverse square root) of a batch of PSD matrices.

    The principal square root (``expm::sqrtm`` in cSEM) by the spectral
    decomposition; eigenvalues below 0 (rounding) are set to 0. The
    inverse needs positive eigenvalues (NaN otherwise).
    """
    vals, vecs = np.linalg.eigh(0.5 * (a + np.swapaxes(a, -1, -2)))
    vals = np.where(vals > 0, vals, 0.0)
    with np.errstate(divide="ignore"):
        root = (
            np.where(vals > 0, 1.0 / np.sqrt(vals), np.nan)
            if inverse
            else (np.sqrt(vals))
        )
    return np.asarray((vecs * root[..., None, :]) @ np.swapaxes(vecs, -1, -2))


def criteria(
    r2: FloatArray, r2_saturated: FloatArray, k: FloatArray, n: int
) -> FloatArray:
    r"""Model-selection criteria of each structural equation, (9, E).

    Sharma, Sarstedt, Shmueli, Kim & Thiele (2019, JAIS), Table B1 (GM:
    Geweke & Meese 1981), as cSEM's
    ``calculateModelSelectionCriteria(.by_equation = TRUE)`` computes them:
    :math:`SSE = (1 - R^2)(n - 1)` (standardized constructs), :math:`k` the
    equation's predecessors plus one (the constant),
    :math:`MSE = 1 - R^2_{sat}` the error variance of the equation in the
    saturated structural model, and

    .. math::
       AIC &= n(\ln(SSE/n) + 2k/n), &
       AIC_c &= n(\ln(SSE/n) + (n + k)/(n - k - 2)), \\
       AIC_u &= n(\ln(SSE/(n - k)) + 2k/n), &
       BIC &= n(\ln(SSE/n) + k\ln(n)/n), \\
       FPE &= SSE/(n - k)\,(1 + k/n), &
       GM &= SSE/MSE + k\ln n, \\
       HQ &= n(\ln(SSE/n) + 2k\ln(\ln n)/n), &
       HQ_c &= n(\ln(SSE/n) + 2k\ln(\ln n)/(n - k - 2)), \\
       C_p &= SSE/MSE - (n - 2k).
    """
    sse = (1.0 - r2) * (n - 1)
    mse = 1.0 - r2_saturated
    # A residual share 1 - R² this close to 0 is rounding, not variance: an
    # equation fitted exactly (e.g. rank-deficient data) leaves 1e-15-sized
    # noise whose logarithm depends on how the sums were added.
    # (a NaN R² stays NaN: its comparison is false)
    sse = np.where(1.0 - r2 <= NO_RESIDUAL, 0.0, sse)
    mse = np.where(mse <= NO_RESIDUAL, 0.0, mse)
    ln_n = np.log(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        base = np.log(sse / n)
        lnln = np.log(ln_n) if n > 1 else np.nan
        rows = [
            n * (base + 2 * k / n),
            n * (base + (n + k) / (n - k - 2)),
            n * (np.log(sse / (n - k)) + 2 * k / n),
            n * (base + k * ln_n / n),
            sse / (n - k) * (1 + k / n),
            sse / mse + k * ln_n,
            n * (base + 2 * k * lnln / n),
            n * (base + 2 * k * lnln / (n - k - 2)),
            sse / mse - (n - 2 * k),
        ]
    out = np.stack(rows)
    # undefined where a logarithm or a ratio has no positive argument: no
    # residual variance (R² = 1), too few respondents for the denominators
    defined = np.stack(
        [
            sse > 0,
            (sse > 0) & (n - k - 2 > 0),
            (sse > 0) & (n - k > 0),
            sse > 0,
            n - k > 0,
            mse > 0,
            (sse > 0) & (n > 1),
            (sse > 0) & (n > 1) & (n - k - 2 > 0),
            mse > 0,
        ]
    )
    return np.asarray(np.where(defined & np.isfinite(out), out, np.nan))
