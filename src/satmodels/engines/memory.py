"""The in-memory engine: numpy kernels for moments, bootstrap sums and counts.

Listwise moments take one BLAS pass for the means (which also shows
whether every value is finite) and one pass of centred blocks that stay in
cache, each one BLAS product (less than ``np.cov``, which centres a copy of
the whole matrix); pairwise moments come from masked products centred by a pilot
mean; bootstrap replicates are (B x n multiplicities) @ (n x q row products)
in bounded blocks; category counts are one :func:`numpy.bincount`. The Dask
engine runs the same kernels on each partition. Everything returns the
typed arrays of :mod:`satmodels.engines._protocol`. See
:mod:`satmodels.stats.moments` for the formulas and sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._typing import FloatArray, IntArray
from ..exceptions import InputError
from ._protocol import Account, Missing, MomentSums, PairMoments

__all__ = [
    "bootstrap",
    "count_kernel",
    "match",
    "moments",
    "pairs_from_sums",
    "row_products",
]

#: Doubles processed at once by the bootstrap kernels (rows x replicates).
CHUNK_ELEMENTS = 4_000_000
#: Doubles of one centred block of the listwise kernel (512 KB: in cache,
#: and each block's product small enough for one BLAS thread).
BLOCK_ELEMENTS = 65_536


def _no_usable_row(name: str, where: str, n_rows: int, reasons: object) -> InputError:
    msg = (
        f"The '{name}' parameter of {where} has no usable row: all "
        f"{n_rows} row(s) were excluded ({reasons or 'empty input'})."
    )
    return InputError(msg)


def moments(
    x: FloatArray,
    columns: tuple[str, ...],
    w: FloatArray | None,
    *,
    missing: Missing,
    nan_policy: str,
    where: str,
    name: str = "data",
) -> MomentSums:
    """Validate the matrix (NaN = missing) and compute its moments.

    ``name`` and ``where`` are the user-facing parameter and function named
    in error messages. Row numbers in messages are 1-based.
    """
    n_rows = x.shape[0]
    # One pass decides the common case: the (weighted) column sums are
    # finite exactly when every value is (NaN and inf propagate, even
    # through a zero weight), unless finite values overflow; only data with
    # NaN or inf pay for the detailed masks. The sums are the means' too.
    with np.errstate(over="ignore", invalid="ignore"):
        sums: FloatArray = (np.ones(n_rows) if w is None else w) @ x
    total = sums if bool(np.isfinite(sums).all()) else None
    all_observed = total is not None or bool(np.isfinite(x).all())
    observed = None if all_observed else ~np.isnan(x)
    if not all_observed and np.isinf(x).any():
        row, col = (int(v) for v in np.argwhere(np.isinf(x))[0])
        msg = (
            f"The '{name}' parameter of {where} has an infinite value in column "
            f"'{columns[col]}', row {row + 1}."
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
                f"nan_policy='raise'; first in column '{columns[col]}', "
                f"row {row + 1}."
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
        ws = w if w is None or keep is None else w[keep]
        used = xs.shape[0]
        if used == 0:
            raise _no_usable_row(name, where, n_rows, reasons)
        arrays = _listwise_kernel(xs, ws, total=total if keep is None else None)
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
            raise _no_usable_row(name, where, n_rows, reasons)
        arrays = _pairwise_kernel(x, obs_f, w)
    account = Account(
        rows_total=n_rows,
        rows_used=used,
        reasons=reasons,
        column_missing=col_missing,
    )
    return MomentSums(
        columns=columns,
        missing=missing,
        weighted=w is not None,
        moments=arrays,
        account=account,
    )


def _listwise_kernel(
    x: FloatArray, w: FloatArray | None, *, total: FloatArray | None = None
) -> PairMoments:
    """Moments of complete rows: the means, then centred blocks' products.

    The two-pass algorithm (Chan, Golub & LeVeque 1983): the (weighted)
    column sums give the means (``total``, when the caller has them), then
    ``sum_i w_i (x_i - mean)(x_i - mean)'`` is accumulated over blocks of
    ``BLOCK_ELEMENTS`` doubles, so that no centred copy of the whole matrix
    is made.
    """
    n, p = x.shape
    with np.errstate(over="ignore", invalid="ignore"):
        if w is None:
            wsum = wsq = float(n)
            s = np.ones(n) @ x if total is None else total
        else:
            wsum = float(w.sum())
            wsq = float(w @ w)
            s = w @ x if total is None else total
        mean = s / wsum
        com = np.zeros((p, p))
        step = max(256, BLOCK_ELEMENTS // max(1, p))
        for lo in range(0, n, step):
            d = x[lo : lo + step] - mean
            dw = d if w is None else d * w[lo : lo + step, None]
            com += dw.T @ d
        com = 0.5 * (com + com.T)
    ones = np.ones((p, p))
    return PairMoments(
        count=np.full((p, p), n, dtype=np.int64),
        weight_sum=ones * wsum,
        weight_sq_sum=ones * wsq,
        pair_mean=np.repeat(mean[:, None], p, axis=1),
        comoment=com,
        pair_sumsq=np.repeat(np.diag(com)[:, None], p, axis=1),
    )


def _pairwise_kernel(
    x: FloatArray, obs: FloatArray, w: FloatArray | None
) -> PairMoments:
    """Per-pair moments from masked products, centred by a pilot shift."""
    with np.errstate(over="ignore", invalid="ignore"):
        n_obs = obs.sum(axis=0)
        total = np.where(obs > 0, x, 0.0).sum(axis=0)
        shift = np.divide(total, n_obs, out=np.zeros_like(total), where=n_obs > 0)
        x0 = np.where(obs > 0, x - shift, 0.0)
        ow = obs if w is None else obs * w[:, None]
        count = (obs.T @ obs).round().astype(np.int64)
        wsum = ow.T @ obs
        wsq = wsum.copy() if w is None else (obs * (w * w)[:, None]).T @ obs
        s = (x0 * (1.0 if w is None else w[:, None])).T @ obs  # sum w x_i o_j
        xw = x0 if w is None else x0 * w[:, None]
        prod = xw.T @ x0
        sq = (x0 * xw).T @ obs
    return pairs_from_sums(count, wsum, wsq, s, prod, sq, shift)


def pairs_from_sums(  # noqa: PLR0917 - six sums of one kernel
    count: IntArray,
    wsum: FloatArray,
    wsq: FloatArray,
    s: FloatArray,
    prod: FloatArray,
    sq: FloatArray,
    shift: FloatArray,
) -> PairMoments:
    """Turn shifted raw sums per pair into per-pair means and co-moments.

    ``s[i, j]`` sums ``w (x_i - shift_i)`` over the rows observing i and j,
    ``prod[i, j]`` the products and ``sq[i, j]`` the squares of column i
    there (the corrected two-pass algorithm, Chan, Golub & LeVeque 1983).
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        m = s / wsum  # NaN where wsum = 0, masked in pmean below
        com = np.where(wsum > 0, prod - s * np.swapaxes(s, -1, -2) / wsum, 0.0)
        pss = np.where(wsum > 0, sq - s * s / wsum, 0.0)
        pss = np.maximum(pss, 0.0)
        com = 0.5 * (com + np.swapaxes(com, -1, -2))
        # Cells of pairs never observed together hold 0 (merge treats them
        # as empty).
        pmean = np.where(wsum > 0, m + shift[..., :, None], 0.0)
    return PairMoments(
        count=count,
        weight_sum=wsum,
        weight_sq_sum=wsq,
        pair_mean=pmean,
        comoment=com,
        pair_sumsq=pss,
    )


# --------------------------------------------------------------- bootstrap
def _chunk_multiplicities(
    size: int,
    totals: IntArray | None,
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


def row_products(
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


def centred_rows(
    x: FloatArray, w: FloatArray | None, shift: FloatArray, *, listwise: bool
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Rows centred by ``shift`` (0 where unused), the use mask and weights."""
    n, p = x.shape
    if listwise:
        obs_row = np.asarray(~np.isnan(x).any(axis=1), dtype=np.float64)
        obs = np.repeat(obs_row[:, None], p, axis=1)
    else:
        obs = (~np.isnan(x)).astype(np.float64)
    wcase = np.ones(n) if w is None else np.where(w > 0, w, 0.0)
    obs = obs * (wcase > 0)[:, None]
    x0 = np.where(obs > 0, x - shift, 0.0)
    return x0, obs, wcase


def sums_to_moments(
    out: FloatArray, p: int, shift: FloatArray, *, listwise: bool
) -> PairMoments:
    """Replicate moments from the column sums of :func:`row_products`.

    ``out`` has shape ``(B, q)``. Listwise every pair shares the rows, so the
    per-pair arrays are broadcast views of per-replicate scalars and vectors
    (no B x p x p copies except the co-moment itself).
    """
    n_rep = out.shape[0]
    if listwise:
        c, ws, wq = out[:, 0], out[:, 1], out[:, 2]
        s1 = out[:, 3 : 3 + p]
        prod = out[:, 3 + p :].reshape(n_rep, p, p)
        shape = (n_rep, p, p)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            m1 = np.where(ws[:, None] > 0, s1 / ws[:, None], 0.0)
            com = prod - s1[:, :, None] * m1[:, None, :]
            com = 0.5 * (com + np.swapaxes(com, 1, 2))
            diag = np.maximum(np.diagonal(com, axis1=1, axis2=2), 0.0)
            pmean = np.where(ws[:, None] > 0, m1 + shift, 0.0)
        return PairMoments(
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
    return pairs_from_sums(count, wsum, wsq, s, prod, sq, shift)


def bootstrap(  # noqa: PLR0917
    x: FloatArray,
    shift: FloatArray,
    w: FloatArray | None,
    n_rep: int,
    method: str,
    gen: np.random.Generator,
    *,
    listwise: bool,
) -> PairMoments:
    """Replicate moments as (B x n multiplicities) @ (n x q row products).

    Rows and replicates are processed in blocks so that memory stays bounded
    (about ``CHUNK_ELEMENTS`` doubles per block) whatever n and B are.
    ``shift`` is the full-sample mean, which centres every replicate.
    """
    n, p = x.shape
    x0, obs, wcase = centred_rows(x, w, shift, listwise=listwise)
    q = 3 + p + p * p if listwise else 6 * p * p
    rows = max(1, min(CHUNK_ELEMENTS // q, CHUNK_ELEMENTS // max(n_rep, 1)))
    blocks = [(a, min(n, a + rows)) for a in range(0, n, rows)]
    totals = None
    if method == "multinomial" and len(blocks) > 1:
        sizes = np.array([b - a for a, b in blocks], dtype=np.float64)
        totals = gen.multinomial(n, sizes / n, size=n_rep)
    out = np.zeros((n_rep, q))
    with np.errstate(over="ignore", invalid="ignore"):
        for k, (a, b) in enumerate(blocks):
            z = row_products(x0[a:b], obs[a:b], wcase[a:b], listwise)
            block_totals = None if totals is None else totals[:, k]
            out += _chunk_multiplicities(b - a, block_totals, n_rep, method, gen) @ z
    return sums_to_moments(out, p, shift, listwise=listwise)


# ------------------------------------------------------------------ counts
def match(x: FloatArray, cats: FloatArray) -> tuple[IntArray, Any, Any]:
    """Category index of each value (-1 if none), and the invalid/missing masks."""
    order = np.argsort(cats, kind="stable")
    ordered = cats[order]
    # searchsorted returns 0..len; NaN compares unequal without a warning
    pos = np.minimum(np.searchsorted(ordered, x), len(cats) - 1)
    hit = ordered[pos] == x
    nan = np.isnan(x)
    codes = np.where(hit, order[pos], -1).astype(np.int64)
    return codes, ~hit & ~nan, nan


def count_kernel(
    codes: IntArray, k: int, w: FloatArray | None
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Count answers, weight sums and squared-weight sums per column and code.

    One :func:`numpy.bincount` over ``column * k + code`` (missing codes -1
    are dropped).
    """
    p = codes.shape[1]
    flat = (codes + np.arange(p) * k).ravel()
    valid = (codes >= 0).ravel()
    idx = flat[valid]
    counts = np.bincount(idx, minlength=p * k).reshape(p, k).astype(np.int64)
    if w is None:
        wc = counts.astype(np.float64)
        return counts, wc, wc.copy()
    wr = np.repeat(w, p)[valid]
    wsum = np.bincount(idx, weights=wr, minlength=p * k).reshape(p, k)
    with np.errstate(over="ignore"):  # squares of huge weights overflow to inf
        wsq = np.bincount(idx, weights=wr * wr, minlength=p * k).reshape(p, k)
    return counts, wsum.astype(np.float64), wsq.astype(np.float64)


def values_of_columns(part: Any, cols: Sequence[str]) -> FloatArray:  # noqa: ANN401
    """Return a pandas partition's columns as float64 (NA as NaN)."""
    return np.asarray(part[list(cols)].to_numpy(dtype=np.float64, na_value=np.nan))
