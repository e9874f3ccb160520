r"""Derived-importance kernels: subset R-squared, Shapley / LMG, relative weights.

Numpy-only functions of the correlation matrix of the drivers and the
outcome (outcome last); see :mod:`satmodels.csi._drivers` for the public
functions and the references.

References
----------
.. [1] Johnson, J. W. (2000). A heuristic method for estimating the relative
   weight of predictor variables in multiple regression. Multivariate
   Behavioral Research, 35(1), 1-19.
.. [2] Lipovetsky, S., & Conklin, M. (2001). Analysis of regression in game
   theory approach. Applied Stochastic Models in Business and Industry,
   17(4), 319-330.
"""

from __future__ import annotations

import math

import numpy as np

from .._typing import FloatArray

__all__ = [
    "MAX_SHAPLEY",
    "importance_kernel",
    "relative_weights_kernel",
    "shapley_from_r2",
    "subset_r2",
]

#: Most drivers for the 2^p subset regressions of the Shapley value.
MAX_SHAPLEY = 20
#: Elements of the batched (m, k, k) subset matrices solved at once.
_CHUNK = 2_000_000


def _popcount(
    masks: np.ndarray[tuple[int], np.dtype[np.int64]], p: int
) -> np.ndarray[tuple[int], np.dtype[np.int64]]:
    """Count the set bits of each mask (O(2^p) memory)."""
    sizes = np.zeros(masks.shape[0], dtype=np.int64)
    for j in range(p):
        sizes += (masks >> j) & 1
    return sizes


def subset_r2(R: FloatArray, r: FloatArray) -> FloatArray:
    r"""R-squared of every subset of drivers, indexed by bitmask.

    :math:`R^2(S) = r_S^\top R_{SS}^{-1} r_S` for the correlation matrix
    :math:`R` of the drivers and their correlations :math:`r` with the
    outcome. Subsets are processed by size k in batches of (m, k, k)
    systems solved at once by ``numpy.linalg.solve``.
    """
    p = R.shape[0]
    masks = np.arange(1 << p, dtype=np.int64)
    sizes = _popcount(masks, p)
    out = np.zeros(1 << p)
    positions = np.arange(p)
    for k in range(1, p + 1):
        ks = masks[sizes == k]
        step = max(1, _CHUNK // (k * k))
        for start in range(0, ks.shape[0], step):
            block = ks[start : start + step]
            bits = ((block[:, None] >> positions) & 1).astype(bool)
            idx = np.nonzero(bits)[1].reshape(block.shape[0], k)
            sub = R[idx[:, :, None], idx[:, None, :]]
            rs = r[idx]
            sol = np.linalg.solve(sub, rs[:, :, None])[:, :, 0]
            out[block] = np.einsum("mk,mk->m", rs, sol)
    return out


def shapley_from_r2(r2: FloatArray, p: int) -> FloatArray:
    r"""Return the Shapley values of the subset R-squared function.

    :math:`\phi_j = \sum_{S \not\ni j} \frac{|S|!(p-|S|-1)!}{p!}
    (R^2(S \cup j) - R^2(S))` (Lipovetsky & Conklin 2001, eq. 9), evaluated
    as :math:`\phi_j = \sum_{S \ni j} c_{|S|-1} R^2(S) - \sum_{S \not\ni j}
    c_{|S|} R^2(S)` with :math:`c_s = s!(p-s-1)!/p!`: one masked sum over
    the :math:`2^p` subsets per driver.
    """
    masks = np.arange(1 << p, dtype=np.int64)
    sizes = _popcount(masks, p)
    c = np.array(
        [
            math.factorial(s) * math.factorial(p - s - 1) / math.factorial(p)
            for s in range(p)
        ]
    )
    weighted_in = np.concatenate([[0.0], c])[sizes] * r2  # c_{|S|-1} R2(S)
    weighted_out = np.concatenate([c, [0.0]])[sizes] * r2  # c_{|S|} R2(S)
    phi = np.empty(p)
    for j in range(p):
        member = ((masks >> j) & 1).astype(bool)
        phi[j] = weighted_in[member].sum() - weighted_out[~member].sum()
    return phi


def relative_weights_kernel(R: FloatArray, r: FloatArray) -> FloatArray:
    r"""Johnson's (2000) relative weights.

    With :math:`R_{xx} = P \Lambda P^\top`, :math:`\Lambda^* = P \Lambda^{1/2}
    P^\top` (correlations of X with its best orthonormal approximation Z),
    :math:`\beta = \Lambda^{*-1} r_{xy}` and
    :math:`\epsilon_j = \sum_k \Lambda^{*2}_{jk} \beta_k^2` (Johnson 2000,
    eqs. 1-5); the weights sum to :math:`R^2`.
    """
    vals, vecs = np.linalg.eigh(R)
    lam_half = (vecs * np.sqrt(np.clip(vals, 0.0, None))) @ vecs.T
    beta = np.linalg.solve(lam_half, r)
    return np.asarray((lam_half**2) @ (beta**2))


def importance_kernel(C: FloatArray, method: str) -> tuple[FloatArray, float]:
    """Return importance and R-squared from the correlation matrix (outcome last)."""
    R = C[:-1, :-1]
    r = C[:-1, -1]
    p = R.shape[0]
    beta = np.linalg.solve(R, r)
    r2 = float(r @ beta)
    if method == "correlation":
        return r.copy(), r2
    if method == "regression":
        return np.asarray(beta, dtype=np.float64), r2
    if method == "relative_weights":
        return relative_weights_kernel(R, r), r2
    return shapley_from_r2(subset_r2(R, r), p), r2
