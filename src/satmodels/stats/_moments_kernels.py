"""Numeric kernels behind :class:`satmodels.stats.moments.Moments` (numpy only).

Listwise moments take one centring pass and one BLAS product (the cost of
``np.cov``); pairwise moments come from masked products centred by a pilot
mean; bootstrap replicates are (B x n multiplicities) @ (n x q row products)
in bounded blocks. See :mod:`satmodels.stats.moments` for the formulas and sources.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._typing import FloatArray
from ..data import _frames
from ..exceptions import InputError

if TYPE_CHECKING:
    from .moments import Moments

Missing = Literal["listwise", "pairwise"]

#: Rows of the design matrix processed at once by the bootstrap kernels.
_CHUNK_ELEMENTS = 4_000_000


def _weights_vector(
    data: object, weights: object, n_rows: int, where: str
) -> FloatArray | None:
    """Validate case weights: one finite non-negative value per row."""
    if weights is None:
        return None
    if isinstance(weights, str):
        raw = _frames.values_of(data, weights, name="data", where=where)
        try:
            w = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            msg = f"The weights column {weights!r} of {where} must be numeric."
            raise InputError(msg) from exc
    else:
        try:
            w = np.asarray(weights, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            msg = f"The 'weights' parameter of {where} must be numeric."
            raise InputError(msg) from exc
    if w.ndim != 1 or w.shape[0] != n_rows:
        msg = (
            f"The 'weights' parameter of {where} must have one entry per row "
            f"({n_rows}). Got shape {w.shape} instead."
        )
        raise InputError(msg)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        msg = (
            f"The 'weights' parameter of {where} must be finite and non-negative. "
            f"Got {float(w[row])!r} in row {row} ({int(bad.sum())} such row(s))."
        )
        raise InputError(msg)
    return w


def _moments_from_values(
    x: FloatArray,
    columns: tuple[str, ...],
    w: FloatArray | None,
    *,
    missing: Missing,
    nan_policy: str,
    backend: str | None,
    where: str,
    name: str = "data",
) -> Moments:
    """Kernel entry: validate the matrix and compute its Moments.

    ``name`` and ``where`` are the user-facing parameter and function named
    in error messages (a model function passes its own, e.g. ``'items'`` of
    ``cronbach_alpha``).
    """
    n_rows, p = x.shape
    # One pass decides the common case (every value finite); only data with
    # NaN or inf pays for the detailed masks.
    all_observed = bool(np.isfinite(x).all())
    observed = None if all_observed else ~np.isnan(x)
    if not all_observed and np.isinf(x).any():
        row, col = (int(v) for v in np.argwhere(np.isinf(x))[0])
        msg = (
            f"The '{name}' parameter of {where} has an infinite value in column "
            f"'{columns[col]}', row {row}."
        )
        raise InputError(msg)
    if observed is None:
        col_missing = dict.fromkeys(columns, 0)
    else:
        missing_per_col = n_rows - observed.sum(axis=0)
        col_missing = {c: int(v) for c, v in zip(columns, missing_per_col, strict=True)}
        if nan_policy == "raise":
            row, col = (int(v) for v in np.argwhere(~observed)[0])
            msg = (
                f"The '{name}' parameter of {where} has "
                f"{int(missing_per_col.sum())} missing value(s) and "
                f"nan_policy='raise'; first in column '{columns[col]}', row {row}."
            )
            raise InputError(msg)
    reasons: dict[str, int] = {}
    if missing == "listwise":
        keep = None if observed is None else observed.all(axis=1)
        if keep is not None:
            n_drop = int((~keep).sum())
            if n_drop:
                reasons["missing value (listwise)"] = n_drop
        if w is not None:
            zero = w == 0
            if keep is not None:
                zero &= keep
            if zero.any():
                reasons["zero weight"] = int(zero.sum())
                keep = ~zero if keep is None else keep & ~zero
        xs = x if keep is None else x[keep]
        ws = None if w is None or keep is None else w[keep]
        if w is not None and keep is None:
            ws = w
        used = xs.shape[0]
        if used == 0:
            msg = (
                f"The '{name}' parameter of {where} has no usable row: all "
                f"{n_rows} row(s) were excluded ({reasons or 'empty input'})."
            )
            raise InputError(msg)
        count, wsum, wsq, pmean, com, pss = _listwise_kernel(xs, ws)
    else:
        obs_f = np.ones(x.shape) if observed is None else observed.astype(np.float64)
        if w is not None:
            zero = w == 0
            if zero.any():
                reasons["zero weight"] = int(zero.sum())
                obs_f[zero] = 0.0
        any_obs = obs_f.any(axis=1)
        empty = int((~any_obs).sum()) - reasons.get("zero weight", 0)
        if empty > 0:
            reasons["no observed value"] = empty
        used = int(any_obs.sum())
        if used == 0:
            msg = (
                f"The '{name}' parameter of {where} has no usable row: all "
                f"{n_rows} row(s) were excluded ({reasons or 'empty input'})."
            )
            raise InputError(msg)
        count, wsum, wsq, pmean, com, pss = _pairwise_kernel(x, obs_f, w)
    from .moments import MissingReport, Moments  # noqa: PLC0415 - circular

    report = MissingReport(
        rows_total=n_rows,
        rows_used=used,
        rows_excluded=n_rows - used,
        reasons=reasons,
        column_missing=col_missing,
        missing=missing,
    )
    del p
    return Moments(
        columns=columns,
        count=count,
        weight_sum=wsum,
        weight_sq_sum=wsq,
        pair_mean=pmean,
        comoment=com,
        pair_sumsq=pss,
        missing=missing,
        weighted=w is not None,
        missing_report=report,
        _backend=backend,
    )


_Arrays = tuple[
    np.ndarray[Any, np.dtype[np.int64]],
    FloatArray,
    FloatArray,
    FloatArray,
    FloatArray,
    FloatArray,
]


def _listwise_kernel(x: FloatArray, w: FloatArray | None) -> _Arrays:
    """Moments of complete rows: one centring pass and one BLAS product."""
    n, p = x.shape
    if w is None:
        mean = x.mean(axis=0)
        d = x - mean
        com = d.T @ d
        wsum = float(n)
        wsq = float(n)
    else:
        wsum = float(w.sum())
        wsq = float(w @ w)
        mean = (w @ x) / wsum
        d = x - mean
        com = (d * w[:, None]).T @ d
    com = 0.5 * (com + com.T)
    ones = np.ones((p, p))
    return (
        np.full((p, p), n, dtype=np.int64),
        ones * wsum,
        ones * wsq,
        np.repeat(mean[:, None], p, axis=1),
        com,
        np.repeat(np.diag(com)[:, None], p, axis=1),
    )


def _pairwise_kernel(x: FloatArray, obs: FloatArray, w: FloatArray | None) -> _Arrays:
    """Per-pair moments from masked products, centred by a pilot shift."""
    n_obs = obs.sum(axis=0)
    total = np.where(obs > 0, x, 0.0).sum(axis=0)
    shift = np.divide(total, n_obs, out=np.zeros_like(total), where=n_obs > 0)
    x0 = np.where(obs > 0, x - shift, 0.0)
    ow = obs if w is None else obs * w[:, None]
    count = (obs.T @ obs).round().astype(np.int64)
    wsum = ow.T @ obs
    wsq = wsum.copy() if w is None else (obs * (w * w)[:, None]).T @ obs
    s = (x0 * (1.0 if w is None else w[:, None])).T @ obs  # s[i,j]=sum w x_i o_j
    xw = x0 if w is None else x0 * w[:, None]
    prod = xw.T @ x0
    sq = (x0 * xw).T @ obs
    return _pairs_from_sums(count, wsum, wsq, s, prod, sq, shift)


def _pairs_from_sums(  # noqa: PLR0917 - six sums of one kernel
    count: np.ndarray[Any, np.dtype[np.int64]],
    wsum: FloatArray,
    wsq: FloatArray,
    s: FloatArray,
    prod: FloatArray,
    sq: FloatArray,
    shift: FloatArray,
) -> _Arrays:
    """Turn shifted raw sums per pair into per-pair means and co-moments."""
    with np.errstate(divide="ignore", invalid="ignore"):
        m = np.where(wsum > 0, s / wsum, 0.0)
        com = np.where(wsum > 0, prod - s * np.swapaxes(s, -1, -2) / wsum, 0.0)
        pss = np.where(wsum > 0, sq - s * s / wsum, 0.0)
    pss = np.maximum(pss, 0.0)
    com = 0.5 * (com + np.swapaxes(com, -1, -2))
    # Cells of pairs never observed together hold 0 (merge treats them as empty).
    pmean = np.where(wsum > 0, m + shift[..., :, None], 0.0)
    return count, wsum, wsq, pmean, com, pss


def _chunk_multiplicities(
    size: int,
    totals: np.ndarray[Any, np.dtype[np.int64]] | None,
    n_rep: int,
    method: str,
    gen: np.random.Generator,
) -> FloatArray:
    """B x size resampling multiplicities of one block of rows.

    Poisson(1) multiplicities are independent per row (Hanley & MacGibbon
    2006). Multinomial(n, 1/n) ones are drawn exactly in two stages: the
    block totals ``totals[b] ~ Multinomial(n, sizes / n)`` (drawn once for
    all blocks by the caller), then ``totals[b]`` uniform draws within the
    block; with one block this is ``n`` uniform draws over all rows (Efron
    1979).
    """
    if method == "poisson":
        return gen.poisson(1.0, size=(n_rep, size)).astype(np.float64)
    out = np.empty((n_rep, size))
    for k in range(n_rep):
        draws = size if totals is None else int(totals[k])
        out[k] = np.bincount(gen.integers(0, size, size=draws), minlength=size)
    return out


def _row_products(
    x0: FloatArray,
    obs: FloatArray,
    w: FloatArray,
    listwise: bool,  # noqa: FBT001
) -> FloatArray:
    """Per-row terms whose weighted column sums give a replicate's raw sums.

    Listwise the layout is ``[c, w c, w^2 c, w x0 (p), w x0 x0' (p*p)]`` with
    c the complete-row indicator; pairwise it is six p*p blocks (counts,
    weight sums, squared weights, s, products, squares) per pair.
    """
    n, p = x0.shape
    if listwise:
        c = obs[:, 0]
        xw = x0 * w[:, None]
        return np.concatenate(
            [
                c[:, None],
                (w * c)[:, None],
                (w * w * c)[:, None],
                xw,
                (xw[:, :, None] * x0[:, None, :]).reshape(n, p * p),
            ],
            axis=1,
        )
    oo = obs[:, :, None] * obs[:, None, :]
    xo = x0[:, :, None] * obs[:, None, :]
    wv = w[:, None, None]
    return np.concatenate(
        [
            oo.reshape(n, p * p),
            (wv * oo).reshape(n, p * p),
            (wv * wv * oo).reshape(n, p * p),
            (wv * xo).reshape(n, p * p),
            (wv * x0[:, :, None] * x0[:, None, :]).reshape(n, p * p),
            (wv * x0[:, :, None] * xo).reshape(n, p * p),
        ],
        axis=1,
    )


def _bootstrap_values(  # noqa: PLR0917
    x: FloatArray,
    base: Moments,
    w: FloatArray | None,
    n_rep: int,
    method: str,
    gen: np.random.Generator,
) -> Moments:
    """Replicate moments as (B x n multiplicities) @ (n x q row products).

    Rows and replicates are processed in blocks so that memory stays bounded
    (about ``_CHUNK_ELEMENTS`` doubles per block) whatever n and B are.
    """
    n, p = x.shape
    listwise = base.missing == "listwise"
    if listwise:
        obs_row = np.asarray(~np.isnan(x).any(axis=1), dtype=np.float64)
        obs = np.repeat(obs_row[:, None], p, axis=1)
    else:
        obs = (~np.isnan(x)).astype(np.float64)
    wcase = np.ones(n) if w is None else w
    obs = obs * (wcase > 0)[:, None]
    shift = base.mean
    x0 = np.where(obs > 0, x - shift, 0.0)
    q = 3 + p + p * p if listwise else 6 * p * p
    # Row blocks: each block's products are computed once and multiplied by
    # the B x rows multiplicities of that block; both stay near
    # _CHUNK_ELEMENTS doubles whatever n and B are.
    rows = max(1, min(_CHUNK_ELEMENTS // q, _CHUNK_ELEMENTS // max(n_rep, 1)))
    blocks = [(a, min(n, a + rows)) for a in range(0, n, rows)]
    totals = None
    if method == "multinomial" and len(blocks) > 1:
        sizes = np.array([b - a for a, b in blocks], dtype=np.float64)
        totals = gen.multinomial(n, sizes / n, size=n_rep)
    out = np.zeros((n_rep, q))
    for k, (a, b) in enumerate(blocks):
        z = _row_products(x0[a:b], obs[a:b], wcase[a:b], listwise)
        block_totals = None if totals is None else totals[:, k]
        out += _chunk_multiplicities(b - a, block_totals, n_rep, method, gen) @ z
    if listwise:
        # Listwise: every pair shares the rows, so per-pair arrays are
        # broadcast views of per-replicate scalars and vectors (no B x p x p
        # copies except the co-moment itself).
        c, ws, wq = out[:, 0], out[:, 1], out[:, 2]
        s1 = out[:, 3 : 3 + p]
        prod = out[:, 3 + p :].reshape(n_rep, p, p)
        shape = (n_rep, p, p)
        with np.errstate(divide="ignore", invalid="ignore"):
            m1 = np.where(ws[:, None] > 0, s1 / ws[:, None], 0.0)
        com = prod - s1[:, :, None] * m1[:, None, :]
        com = 0.5 * (com + np.swapaxes(com, 1, 2))
        diag = np.maximum(np.diagonal(com, axis1=1, axis2=2), 0.0)
        pmean = np.where(ws[:, None] > 0, m1 + shift, 0.0)
        return replace(
            base,
            count=np.broadcast_to(c.round().astype(np.int64)[:, None, None], shape),
            weight_sum=np.broadcast_to(ws[:, None, None], shape),
            weight_sq_sum=np.broadcast_to(wq[:, None, None], shape),
            pair_mean=np.broadcast_to(pmean[:, :, None], shape),
            comoment=com,
            pair_sumsq=np.broadcast_to(diag[:, :, None], shape),
        )
    parts = out.reshape(n_rep, 6, p, p)
    count = parts[:, 0].round().astype(np.int64)
    wsum, wsq, s, prod, sq = (parts[:, k] for k in range(1, 6))
    res = _pairs_from_sums(count, wsum, wsq, s, prod, sq, shift)
    return replace(
        base,
        count=res[0],
        weight_sum=res[1],
        weight_sq_sum=res[2],
        pair_mean=res[3],
        comoment=res[4],
        pair_sumsq=res[5],
    )
