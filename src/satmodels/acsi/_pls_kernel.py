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

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._typing import BoolArray, FloatArray, IntArray
from .spec import ModelSpec

__all__ = [
    "Layout",
    "PLSFit",
    "Regressions",
    "layout",
    "pls_outputs",
    "pls_weights",
    "regress",
]


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
    regressions: Regressions  # every structural regression, padded

    @property
    def p(self) -> int:
        """Number of indicators."""
        return len(self.indicators)

    @property
    def j(self) -> int:
        """Number of latents."""
        return len(self.latents)


@dataclass(frozen=True, slots=True)
class Regressions:
    """The K structural regressions of a model as one padded batch.

    Regression k explains latent ``target[k]`` by its ``size[k]``
    predecessors. Each system is padded to the largest number of
    predecessors m: the padded matrix ``[[C_pp, 0], [0, I]]`` with right-hand
    side ``[C_pk, 0]`` has the solution ``[C_pp^{-1} C_pk, 0]`` (the padding
    never takes part in the pivoting of the block), so one batched solve
    replaces K small ones.
    """

    target: IntArray  # (K,)
    isolated: FloatArray  # (J, J) diagonal: 1 for a latent without any path
    # flat gathers of the padded systems from [C.ravel(), 1, 0] (K, m, m), (K, m)
    take_a: IntArray
    take_b: IntArray
    valid_flat: IntArray  # positions of the real coefficients in (K * m)
    e_flat: IntArray  # their positions in E.ravel() (pred * J + target)
    succ_flat: IntArray  # successor * J + latent of every path


def _regressions(
    predecessors: tuple[IntArray, ...], structure: BoolArray
) -> Regressions:
    targets = [k for k, pred in enumerate(predecessors) if pred.size]
    m = max((predecessors[k].size for k in targets), default=0)
    nk = len(targets)
    rhs = np.zeros((nk, m), dtype=np.int64)
    valid = np.zeros((nk, m), dtype=bool)
    for r, k in enumerate(targets):
        pred = predecessors[k]
        rhs[r, : pred.size] = pred
        valid[r, : pred.size] = True
    pad = ~(valid[:, :, None] & valid[:, None, :])
    eye = np.where(pad, np.eye(m), 0.0)
    tgt = np.asarray(targets, dtype=np.int64)
    nj = structure.shape[0]
    one, zero = nj * nj, nj * nj + 1  # the two constants appended to C.ravel()
    rows = np.broadcast_to(rhs[:, :, None], (nk, m, m))
    cols = np.broadcast_to(rhs[:, None, :], (nk, m, m))
    take_a = np.where(pad, np.where(eye > 0, one, zero), rows * nj + cols)
    take_b = np.where(valid, rhs * nj + tgt[:, None], zero)
    flat_pred = rhs[valid]
    flat_target = np.broadcast_to(tgt[:, None], (nk, m))[valid]
    succ, lat = np.nonzero(structure.T)
    return Regressions(
        target=tgt,
        isolated=np.diag(~(structure | structure.T).any(axis=0)).astype(np.float64),
        take_a=take_a.astype(np.int64),
        take_b=take_b.astype(np.int64),
        valid_flat=np.flatnonzero(valid.ravel()),
        e_flat=flat_pred * nj + flat_target,
        succ_flat=succ * nj + lat,
    )


def regress(c: FloatArray, reg: Regressions) -> FloatArray:
    """Coefficients of every structural regression on the covariances ``c``.

    ``c`` is a batch (B, J, J) of latent covariance (or correlation)
    matrices; the result (B, K, m) holds, for regression k, the OLS
    coefficients of ``target[k]`` on its predecessors (0 in padded cells):
    ``C_pp^{-1} C_pk`` (the normal equations in moments).
    """
    a, rhs = _padded(c, reg)
    return _solve(a, rhs[..., None])[..., 0]


def _padded(c: FloatArray, reg: Regressions) -> tuple[FloatArray, FloatArray]:
    """Gather the padded systems ``[[C_pp, 0], [0, I]]`` and sides ``[C_pk, 0]``.

    Two gathers from ``C`` (flattened, followed by the constants 1 and 0).
    """
    b_size = c.shape[0]
    ext = np.empty((b_size, c.shape[1] * c.shape[2] + 2))
    ext[:, :-2] = c.reshape(b_size, -1)
    ext[:, -2:] = (1.0, 0.0)
    return ext[:, reg.take_a], ext[:, reg.take_b]


def layout(spec: ModelSpec) -> Layout:
    """Index the spec: latents in topological order, indicators block by block.

    A spec is immutable (a frozen, hashable model), so its layout is
    computed once and kept in a small memo (its arrays are read-only):
    indexing a spec cost more than the PLS iterations of a small survey.
    """
    return _layout(spec)


@functools.lru_cache(maxsize=64)
def _layout(spec: ModelSpec) -> Layout:
    latents = spec.latents
    by_latent = {b.latent: b for b in spec.blocks}
    indicators = tuple(i for lv in latents for i in by_latent[lv].indicators)
    pos = {lv: k for k, lv in enumerate(latents)}
    block = np.array(
        [pos[lv] for lv in latents for _ in by_latent[lv].indicators], dtype=np.int64
    )
    p, nj = len(indicators), len(latents)
    mask = np.zeros((p, nj), dtype=bool)
    mask[np.arange(p), block] = True
    structure = np.zeros((nj, nj), dtype=bool)
    for path in spec.paths:
        structure[pos[path.source], pos[path.target]] = True
    predecessors = tuple(np.flatnonzero(structure[:, k]) for k in range(nj))
    out = Layout(
        latents=latents,
        indicators=indicators,
        block=block,
        mask=mask,
        mode_b=tuple(by_latent[lv].mode == "B" for lv in latents),
        structure=structure,
        adjacency=structure | structure.T,
        predecessors=predecessors,
        successors=tuple(np.flatnonzero(structure[k, :]) for k in range(nj)),
        members=tuple(np.flatnonzero(block == k) for k in range(nj)),
        regressions=_regressions(predecessors, structure),
    )
    for value in (*_arrays(out), *_arrays(out.regressions)):
        value.flags.writeable = False
    return out


def _arrays(obj: object) -> list[np.ndarray[Any, Any]]:
    """Return the arrays a layout holds (directly or in tuples)."""
    found: list[np.ndarray[Any, Any]] = []
    for name in obj.__slots__:  # type: ignore[attr-defined]
        value = getattr(obj, name)
        items = value if isinstance(value, tuple) else (value,)
        found += [v for v in items if isinstance(v, np.ndarray)]
    return found


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
    # a composite of zero variance (items that cancel) gives NaN weights,
    # which the callers refuse (never a silent number)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(var > 0, 1.0 / np.sqrt(np.where(var > 0, var, 1.0)), np.nan)
        return np.asarray(w * scale[:, None, :], dtype=np.float64)


def _inner_weights(c: FloatArray, lay: Layout, scheme: str) -> FloatArray:
    """Inner weights E (B, J, J): ``Z_k = sum_j Y_j E[j, k]``.

    A latent without any structural path has no inner estimate; it uses
    its own score (``E[k, k] = 1``), so a mode A block converges to its
    first principal component and a mode B block keeps equal weights.
    """
    adj = lay.adjacency
    isolated = lay.regressions.isolated
    if scheme == "centroid":
        return np.sign(c) * adj + isolated
    if scheme == "factorial":
        return c * adj + isolated
    b = c.shape[0]
    e = np.broadcast_to(isolated, c.shape).copy()
    flat = e.reshape(b, -1)  # a view: E by [source * J + target]
    reg = lay.regressions
    if reg.target.size:
        # predecessors: the regression of Y_k on them (one batched solve)
        beta = regress(c, reg).reshape(b, -1)
        flat[:, reg.e_flat] = beta[:, reg.valid_flat]
    # successors: their covariance with Y_k
    flat[:, reg.succ_flat] = c.reshape(b, -1)[:, reg.succ_flat]
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
    blocks_b = [k for k in range(lay.j) if lay.mode_b[k] and lay.members[k].size > 1]
    if b == 1 and not blocks_b:
        w, converged, iterations = _iterate_one(s, w, lay, scheme, tol, max_iter)
        w = _fix_signs(w, s, lay)
        return PLSFit(weights=w, converged=converged, iterations=iterations)
    converged = np.zeros(b, dtype=bool)
    iterations = np.full(b, max_iter, dtype=np.int64)
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


def _iterate_one(  # noqa: PLR0917 - the loop's state
    s: FloatArray,
    w: FloatArray,
    lay: Layout,
    scheme: str,
    tol: float,
    max_iter: int,
) -> tuple[FloatArray, BoolArray, IntArray]:
    """Run the iterations of one fit of mode A blocks (a batch of one).

    The same arithmetic as the batched loop of :func:`pls_weights` (the
    same products on the same operands), without the bookkeeping that
    freezes converged replicates: a plain fit spent most of its time there.
    """
    mask = lay.mask.astype(np.float64)
    wt = w[0]
    s2 = s[0]
    iterations = max_iter
    converged = False
    for it in range(1, max_iter + 1):
        sw = s2 @ wt
        c = wt.T @ sw
        e = _inner_weights(c[None], lay, scheme)[0]
        new = (sw @ e) * mask
        var = np.sum(new * (s2 @ new), axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            new = new * (1.0 / np.sqrt(var))
        delta = np.max(np.abs(new - wt))
        wt = new
        if delta < tol:
            iterations, converged = it, True
            break
    return (
        wt[None],
        np.array([converged]),
        np.array([iterations], dtype=np.int64),
    )


def _fix_signs(w: FloatArray, s: FloatArray, lay: Layout) -> FloatArray:
    """Flip blocks whose loadings are mostly negative (ties: negative sum)."""
    maskf = lay.mask.astype(np.float64)
    load = np.sum((s @ w) * lay.mask, axis=2)  # covariance with own latent
    votes = np.sign(load) @ maskf  # counts of +1 and -1: exact
    sums = load @ maskf
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
    reg = lay.regressions
    if reg.target.size:
        beta = regress(lcor, reg)  # (B, K, m), 0 in padded cells
        paths.reshape(b, -1)[:, reg.e_flat] = beta.reshape(b, -1)[:, reg.valid_flat]
        cpk = _padded(lcor, reg)[1]  # 0 in padded cells
        r2[:, reg.target] = np.sum(beta * cpk, axis=2)
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
