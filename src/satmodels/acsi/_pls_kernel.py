r"""Batched PLS path modelling on correlation (or covariance) matrices.

Private, numpy-only kernels. Everything works on a stack of B indicator
correlation matrices ``S`` of shape ``(B, p, p)`` (B = 1 for a plain fit,
B = number of bootstrap or jackknife replicates otherwise); the PLS
iterations run on all replicates at once with batched matrix products and
solves, so a bootstrap never loops over full fits.

The algorithm is Wold's (1982) PLS path modelling in the formulation of
Lohmöller (1989, ch. 2) and Tenenhaus et al. (2005, section 2), written in
moments: with ``W`` the p x J block-diagonal matrix of outer weights
(latent scores ``Y = X W``),

* latent covariances ``C = W' S W``; weights are scaled so that
  ``diag(C) = 1`` (standardized latent scores);
* inner weights ``E`` (J x J): centroid ``sign(C_jk)``, factorial
  ``C_jk``, path (Lohmöller): for the predecessors of j the coefficients of
  the regression of Y_j on them, for its successors ``C_jk``; all only
  between adjacent latents;
* inner estimates ``Z = Y E``, so ``cov(X, Z) = S W E``;
* outer update: mode A ``w_j = cov(X_j, Z_j)``, mode B
  ``w_j = S_jj^{-1} cov(X_j, Z_j)``; rescale; stop when the largest change
  of any outer weight is below ``tol``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._typing import BoolArray, FloatArray, IntArray
from .spec import ModelSpec

__all__ = ["Layout", "PLSFit", "layout", "pls_outputs", "pls_weights"]


@dataclass(frozen=True, slots=True)
class Layout:
    """The numeric structure of a :class:`ModelSpec` (indices and masks)."""

    latents: tuple[str, ...]
    indicators: tuple[str, ...]
    block: IntArray  # (p,) latent index of each indicator
    mask: BoolArray  # (p, J) indicator i belongs to latent j
    mode_b: tuple[bool, ...]  # (J,)
    structure: BoolArray  # (J, J) structure[s, t]: path s -> t
    adjacency: BoolArray  # (J, J) symmetric
    predecessors: tuple[IntArray, ...]
    successors: tuple[IntArray, ...]
    members: tuple[IntArray, ...]  # indicator indices per latent

    @property
    def p(self) -> int:
        """Number of indicators."""
        return len(self.indicators)

    @property
    def j(self) -> int:
        """Number of latents."""
        return len(self.latents)


def layout(spec: ModelSpec) -> Layout:
    """Index the spec: latents in topological order, indicators block by block."""
    latents = spec.latents
    indicators = spec.indicators
    pos = {lv: k for k, lv in enumerate(latents)}
    block = np.array(
        [pos[lv] for lv in latents for _ in spec.block(lv).indicators], dtype=np.int64
    )
    p, nj = len(indicators), len(latents)
    mask = np.zeros((p, nj), dtype=bool)
    mask[np.arange(p), block] = True
    structure = np.zeros((nj, nj), dtype=bool)
    for path in spec.paths:
        structure[pos[path.source], pos[path.target]] = True
    return Layout(
        latents=latents,
        indicators=indicators,
        block=block,
        mask=mask,
        mode_b=tuple(spec.block(lv).mode == "B" for lv in latents),
        structure=structure,
        adjacency=structure | structure.T,
        predecessors=tuple(np.flatnonzero(structure[:, k]) for k in range(nj)),
        successors=tuple(np.flatnonzero(structure[k, :]) for k in range(nj)),
        members=tuple(np.flatnonzero(block == k) for k in range(nj)),
    )


def _solve(a: FloatArray, b: FloatArray) -> FloatArray:
    """Batched ``solve(a, b)``, falling back to the pseudo-inverse if singular."""
    try:
        out = np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        out = np.linalg.pinv(a) @ b
    return np.asarray(out, dtype=np.float64)


def _normalize(w: FloatArray, s: FloatArray) -> FloatArray:
    """Scale each column of W so that ``diag(W' S W) = 1``."""
    var = np.sum(w * (s @ w), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = 1.0 / np.sqrt(var)
    return np.asarray(w * scale[:, None, :], dtype=np.float64)


def _inner_weights(c: FloatArray, lay: Layout, scheme: str) -> FloatArray:
    """Inner weights E (B, J, J): ``Z_k = sum_j Y_j E[j, k]``.

    A latent without any structural path has no inner estimate; it uses
    its own score (``E[k, k] = 1``), so a mode A block converges to its
    first principal component and a mode B block keeps equal weights.
    """
    adj = lay.adjacency
    isolated = np.diag(~adj.any(axis=0)).astype(np.float64)
    if scheme == "centroid":
        return np.sign(c) * adj + isolated
    if scheme == "factorial":
        return c * adj + isolated
    e = np.broadcast_to(isolated, c.shape).copy()
    for k in range(lay.j):
        pred = lay.predecessors[k]
        if pred.size:
            cpp = c[:, pred[:, None], pred[None, :]]
            cpk = c[:, pred, k]
            e[:, pred, k] = _solve(cpp, cpk[..., None])[..., 0]
        succ = lay.successors[k]
        if succ.size:
            e[:, succ, k] = c[:, succ, k]
    return e


@dataclass(frozen=True, slots=True)
class PLSFit:
    """Outer weights of a batch of PLS fits."""

    weights: FloatArray  # (B, p, J) block-diagonal, diag(W'SW) = 1
    converged: BoolArray  # (B,)
    iterations: IntArray  # (B,)


def pls_weights(
    s: FloatArray,
    lay: Layout,
    *,
    scheme: str = "path",
    tol: float = 1e-7,
    max_iter: int = 300,
) -> PLSFit:
    """Run the PLS outer/inner iterations on every matrix of the batch ``s``.

    All replicates iterate together; one that has converged keeps its
    weights (frozen) while the others go on. The loop stops when all have
    converged or after ``max_iter`` iterations. Signs are then fixed so that
    most loadings of each block are positive (ties: the sign of their sum).
    """
    b = s.shape[0]
    mask = lay.mask.astype(np.float64)
    w = _normalize(np.broadcast_to(mask, (b, *mask.shape)).copy(), s)
    converged = np.zeros(b, dtype=bool)
    iterations = np.full(b, max_iter, dtype=np.int64)
    blocks_b = [k for k in range(lay.j) if lay.mode_b[k] and lay.members[k].size > 1]
    for it in range(1, max_iter + 1):
        sw = s @ w  # (B, p, J) = cov(X, Y)
        c = np.swapaxes(w, 1, 2) @ sw  # latent covariances
        e = _inner_weights(c, lay, scheme)
        new = (sw @ e) * mask  # mode A: cov(X_j, Z_j)
        for k in blocks_b:
            idx = lay.members[k]
            sjj = s[:, idx[:, None], idx[None, :]]
            new[:, idx, k] = _solve(sjj, new[:, idx, k][..., None])[..., 0]
        new = _normalize(new, s)
        delta = np.max(np.abs(new - w), axis=(1, 2))
        # replicates that converged earlier keep their weights (frozen)
        w = np.where(converged[:, None, None], w, new)
        done = (delta < tol) & ~converged
        iterations[done] = it
        converged |= done
        if converged.all():
            break
    w = _fix_signs(w, s, lay)
    return PLSFit(weights=w, converged=converged, iterations=iterations)


def _fix_signs(w: FloatArray, s: FloatArray, lay: Layout) -> FloatArray:
    """Flip blocks whose loadings are mostly negative (ties: negative sum)."""
    load = np.sum((s @ w) * lay.mask, axis=2)  # covariance with own latent
    signs = np.sign(load)
    votes = np.stack([signs[:, m].sum(axis=1) for m in lay.members], axis=1)
    sums = np.stack([load[:, m].sum(axis=1) for m in lay.members], axis=1)
    flip = (votes < 0) | ((votes == 0) & (sums < 0))
    return w * np.where(flip, -1.0, 1.0)[:, None, :]


def pls_outputs(s: FloatArray, w: FloatArray, lay: Layout) -> dict[str, FloatArray]:
    """Compute loadings, latent correlations, paths, effects and R² of a batch.

    Path coefficients are the OLS regressions of each endogenous latent on
    its predecessors, computed from the latent correlation matrix
    (Tenenhaus et al. 2005, section 2.5); total effects are
    :math:`(I - B)^{-1} - I` for the path matrix B (Lohmöller 1989,
    section 2.4).
    """
    b = s.shape[0]
    sd = np.sqrt(np.diagonal(s, axis1=1, axis2=2))  # (B, p)
    sw = s @ w
    cross = sw / sd[:, :, None]  # cor(X_i, Y_j)
    loadings = np.sum(cross * lay.mask, axis=2)
    lcor = np.swapaxes(w, 1, 2) @ sw
    dg = np.sqrt(np.diagonal(lcor, axis1=1, axis2=2))
    lcor = lcor / dg[:, :, None] / dg[:, None, :]
    nj = lay.j
    paths = np.zeros((b, nj, nj))
    r2 = np.full((b, nj), np.nan)
    for k in range(nj):
        pred = lay.predecessors[k]
        if pred.size == 0:
            continue
        cpp = lcor[:, pred[:, None], pred[None, :]]
        cpk = lcor[:, pred, k]
        beta = _solve(cpp, cpk[..., None])[..., 0]
        paths[:, pred, k] = beta
        r2[:, k] = np.sum(beta * cpk, axis=1)
    eye = np.eye(nj)
    total = np.linalg.inv(eye - paths) - eye
    return {
        "cross_loadings": cross,
        "loadings": loadings,
        "latent_correlation": lcor,
        "paths": paths,
        "total": total,
        "indirect": total - paths,
        "r_squared": r2,
    }
