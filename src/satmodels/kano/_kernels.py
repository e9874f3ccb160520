r"""Numpy-only kernels of the Kano module (no pandas, no pydantic, no I/O).

The sufficient statistic of every per-attribute Kano result is the 6 x 6
joint count table of (functional answer, dysfunctional answer) per
attribute, answers indexed 0-4 (like, must-be, neutral, live-with, dislike)
and index 5 for a missing answer. Counts, shares, Better/Worse, strengths,
Fong's test, continuous (DuMouchel) means and variances and the missing-data
report all derive from these tables; only per-respondent output needs rows.
Tables from chunks, partitions or engines add up exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .._typing import BoolArray, FloatArray, IntArray

__all__ = [
    "CELLS",
    "MISSING",
    "category_lut",
    "encode_numeric",
    "joint_codes",
    "tables_from_joint",
]

#: Answer index used for a missing answer.
MISSING = 5
#: Cells of one attribute's joint table (6 x 6, the last row/column missing).
CELLS = 36
#: Category index of a pair with at least one missing answer.
CAT_MISSING = 6

Int8Array = npt.NDArray[np.int8]


def category_lut(
    cells: tuple[tuple[str, ...], ...], order: tuple[str, ...]
) -> Int8Array:
    """Return the 36-entry lookup joint code -> category index (6 = missing)."""
    lut = np.full(CELLS, CAT_MISSING, dtype=np.int8)
    for i in range(5):
        for j in range(5):
            lut[i * 6 + j] = order.index(cells[i][j])
    return lut


def category_matrix(
    cells: tuple[tuple[str, ...], ...], order: tuple[str, ...]
) -> FloatArray:
    """Return the (36, 6) 0/1 matrix mapping joint cells to categories."""
    out = np.zeros((CELLS, len(order)))
    for i in range(5):
        for j in range(5):
            out[i * 6 + j, order.index(cells[i][j])] = 1.0
    return out


def encode_numeric(
    x: npt.NDArray[np.generic], codes: tuple[float, ...]
) -> tuple[Int8Array, BoolArray | None]:
    """Map numeric answers to answer indices 0-4, NaN to 5.

    Returns the int8 index array and a mask of invalid entries (None when
    every entry is a valid code or missing). Consecutive integer codes take a
    subtract-and-compare fast path; other codes go through a sorted search.
    """
    c = np.asarray(codes, dtype=np.float64)
    consecutive = bool(np.all(np.diff(c) == 1.0)) and float(c[0]).is_integer()
    if np.issubdtype(x.dtype, np.integer) and consecutive:
        xi: npt.NDArray[np.integer[Any]] = np.asarray(x)
        lo = int(c[0])
        info = np.iinfo(xi.dtype)
        if info.min <= lo and lo + 4 <= info.max:
            # wrap-around of x - lo lands outside 0..4 because lo + 4 fits
            t = xi - xi.dtype.type(lo)
            ut = t.view(np.dtype(f"u{xi.dtype.itemsize}"))
            bad = ut > 4
            idx = t.astype(np.int8)
            return idx, (bad if bad.any() else None)
    if np.issubdtype(x.dtype, np.floating) and consecutive and -128 <= c[0] <= 123:
        return _encode_float_consecutive(np.asarray(x), int(c[0]))
    xf = np.asarray(x, dtype=np.float64)
    missing = np.isnan(xf)
    any_missing = bool(missing.any())
    # NaN fails every comparison (silently); missing entries are set below
    if consecutive:
        t = xf - c[0]
        ok = (t >= 0.0) & (t <= 4.0) & (t == np.floor(t))
        idx = t.astype(np.int8) if ok.all() else np.where(ok, t, 0.0).astype(np.int8)
    else:
        order = np.argsort(c)
        sorted_codes = c[order]
        pos = np.minimum(np.searchsorted(sorted_codes, xf), 4)
        ok = sorted_codes[pos] == xf
        idx = order[pos].astype(np.int8)
    if any_missing:
        idx[missing] = MISSING
        ok |= missing
    bad = ~ok
    return idx, (bad if bad.any() else None)


def _encode_float_consecutive(
    x: npt.NDArray[np.floating[Any]], lo: int
) -> tuple[Int8Array, BoolArray | None]:
    """Fast path for float answers with integer codes lo..lo+4.

    Cast to int8 (values outside int8 give arbitrary results, silenced),
    then keep only entries whose cast equals the value exactly and lies in
    lo..lo+4; NaN is looked for only when some entry failed.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        k = x.astype(np.int8)
    ok = k == x
    t = k - np.int8(lo)
    ok &= t.view(np.uint8) <= 4
    if ok.all():
        return t, None
    missing = np.isnan(x)
    t[missing] = MISSING
    bad = ~(ok | missing)
    return t, (bad if bad.any() else None)


def joint_codes(f_idx: Int8Array, d_idx: Int8Array) -> Int8Array:
    """Return joint codes ``6 f + d`` (0-35); a missing side gives row/col 5."""
    return f_idx * np.int8(6) + d_idx


def tables_from_joint(
    joint: Int8Array,
    *,
    weights: FloatArray | None = None,
    groups: IntArray | None = None,
    n_groups: int = 1,
) -> FloatArray:
    """Count joint codes into tables of shape (n_groups, p, 6, 6).

    ``joint`` is (n, p); ``groups`` (n,) gives each respondent's group index
    (segments), ``weights`` (n, p) optional non-negative cell weights.
    """
    p = joint.shape[1]
    code = joint.astype(np.intp)
    code += (np.arange(p, dtype=np.intp) * CELLS)[None, :]
    if groups is not None:
        code += (groups.astype(np.intp) * (p * CELLS))[:, None]
    w = None if weights is None else weights.ravel()
    counts = np.bincount(code.ravel(), weights=w, minlength=n_groups * p * CELLS)
    return counts.astype(np.float64).reshape(n_groups, p, 6, 6)


def category_counts(tables: FloatArray, cat_matrix: FloatArray) -> FloatArray:
    """Return category counts (..., 6) from joint tables (..., 6, 6)."""
    flat = tables.reshape(*tables.shape[:-2], CELLS)
    out: FloatArray = flat @ cat_matrix
    return out


def missing_counts(tables: FloatArray) -> FloatArray:
    """Pairs with at least one missing answer, per table (...,)."""
    out: FloatArray = tables[..., 5, :].sum(axis=-1) + tables[..., :5, 5].sum(axis=-1)
    return out


def pick_mode(counts: FloatArray, priority: IntArray) -> tuple[IntArray, BoolArray]:
    """Index of the most frequent category, ties broken by ``priority``.

    ``priority[k]`` is the rank of category ``k`` (0 = preferred). Returns
    the chosen index per row and whether the maximum was tied. Rows with no
    counts return -1.
    """
    top = counts.max(axis=-1, keepdims=True)
    tied_mask = counts == top
    rank = np.where(tied_mask, priority[None, :], priority.size + 1)
    chosen = np.argmin(rank, axis=-1).astype(np.int64)
    tied = tied_mask.sum(axis=-1) > 1
    empty = top[..., 0] <= 0
    chosen[empty] = -1
    tied[empty] = False
    return chosen, tied


def better_worse(counts: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Better = (A+O)/(A+O+M+I), Worse = -(O+M)/(A+O+M+I) (Berger et al. 1993).

    ``counts`` (..., 6) in the order A, O, M, I, R, Q. NaN when A+O+M+I = 0.
    """
    a, o, m, i = counts[..., 0], counts[..., 1], counts[..., 2], counts[..., 3]
    base = a + o + m + i
    with np.errstate(invalid="ignore", divide="ignore"):
        better = np.where(base > 0, (a + o) / base, np.nan)
        worse = np.where(base > 0, -(o + m) / base, np.nan)
    return better, worse


def fong(counts: FloatArray, z: float) -> tuple[FloatArray, FloatArray, BoolArray]:
    r"""Fong's (1996) test of the two most frequent categories.

    With ``a >= b`` the two largest counts and ``n`` all classified pairs:

    .. math:: |a - b| < z \sqrt{\frac{(a + b)(2n - a - b)}{2n}}

    means the difference is not significant (``z = 1.65`` in Fong 1996).
    Returns ``|a - b|``, the critical value and the significance flag.
    """
    srt = np.sort(counts, axis=-1)
    a, b = srt[..., -1], srt[..., -2]
    n = counts.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        crit = z * np.sqrt((a + b) * (2.0 * n - a - b) / (2.0 * n))
    diff = np.abs(a - b)
    significant = (n > 0) & (diff >= np.nan_to_num(crit, nan=np.inf))
    return diff, np.where(n > 0, crit, np.nan), significant


def score_moments(
    tables: FloatArray,
    f_scores: FloatArray,
    d_scores: FloatArray,
    n_effective: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Means, variances (ddof=1), covariance and n of scored answer pairs.

    Uses the pairs where both answers are present (the 5 x 5 block).
    Returns ``(n, mean_f, mean_d, var_f, var_d, cov)``. With weighted
    ``tables`` (sums of case weights), ``n_effective`` is Kish's effective
    size of each attribute and the variances are the weighted ones times
    ``n_eff / (n_eff - 1)`` (equal to ddof=1 without weights); ``n`` is
    then ``n_effective``.
    """
    block = tables[..., :5, :5]
    total = block.sum(axis=(-2, -1))
    if n_effective is None:
        n = total
        denom = n - 1.0
    else:
        n = n_effective
        with np.errstate(invalid="ignore", divide="ignore"):
            denom = total * (n - 1.0) / n
    f_marg = block.sum(axis=-1)
    d_marg = block.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mf = (f_marg @ f_scores) / total
        md = (d_marg @ d_scores) / total
        ef = f_scores - mf[..., None]  # (..., 5): score minus the mean
        ed = d_scores - md[..., None]
        vf = (f_marg * ef * ef).sum(axis=-1) / denom
        vd = (d_marg * ed * ed).sum(axis=-1) / denom
        cov = np.einsum("...ij,...i,...j->...", block, ef, ed) / denom
    bad = ~(n >= 2)
    vf = np.where(bad, np.nan, vf)
    vd = np.where(bad, np.nan, vd)
    cov = np.where(bad, np.nan, cov)
    return n, mf, md, vf, vd, cov
