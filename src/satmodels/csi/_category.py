r"""Category sums behind NPS, CSAT and CES (private helpers).

NPS, CSAT and CES need, for every answer category, the number of
respondents, the sum of their case weights and the sum of their squared
case weights. These sums merge by addition, so they come equally from rows
in memory, from a :class:`~satmodels.stats.counts.CategoryCounts` (merged chunks)
or from a lazy engine; weighted variances are the linearisation (Taylor)
variances of ratio estimators (Woodruff 1971).

References
----------
.. [1] Reichheld, F. F. (2003). The one number you need to grow. Harvard
   Business Review, 81(12), 46-54.
.. [2] Rocks, B. (2016). Interval estimation for the "net promoter score".
   The American Statistician, 70(4), 365-372.
.. [3] Wilson, E. B. (1927). Probable inference, the law of succession, and
   statistical inference. Journal of the American Statistical Association,
   22(158), 209-212.
.. [4] Kish, L. (1965). Survey Sampling. Wiley. (Effective sample size.)
.. [5] Dixon, M., Freeman, K., & Toman, N. (2010). Stop trying to delight
   your customers. Harvard Business Review, 88(7/8), 116-122. (CES.)
.. [6] Woodruff, R. S. (1971). A simple method for approximating the
   variance of a complicated estimate. JASA, 66(334), 411-414.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, TypeVar

import numpy as np

from .._typing import FloatArray
from .._validation import check_nan_policy
from ..data import _frames
from ..exceptions import InputError
from ..scales import Scale
from ..stats.counts import CategoryCounts
from ._common import column_data, segment_labels, wilson_interval

__all__ = [
    "Sums",
    "collapse",
    "gather",
    "linearised_mean",
    "share_one",
    "with_segments",
]

_R = TypeVar("_R")


def _point_sums(
    x: FloatArray, points: FloatArray, w: FloatArray | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return counts, weight sums and squared-weight sums per scale point.

    ``x`` holds finite answers on the scale (missing rows already removed).
    These three vectors are the sufficient statistics of every function in
    this module; they merge by addition.
    """
    idx = np.searchsorted(points, x)
    k = points.shape[0]
    counts = np.bincount(idx, minlength=k).astype(np.float64)
    if w is None:
        return counts, counts.copy(), counts.copy()
    wsum = np.asarray(np.bincount(idx, weights=w, minlength=k), dtype=np.float64)
    w2sum = np.asarray(np.bincount(idx, weights=w * w, minlength=k), dtype=np.float64)
    return counts, wsum, w2sum


def linearised_mean(
    values: FloatArray, wsum: FloatArray, w2sum: FloatArray, n: float
) -> tuple[float, float]:
    r"""Weighted mean of category values and its linearisation SE.

    .. math::

        \hat\mu = \sum_c W_c v_c / W, \qquad
        \widehat{V}(\hat\mu) = \frac{n}{n-1}
            \sum_c W^{(2)}_c (v_c - \hat\mu)^2 / W^2

    (Woodruff 1971); unweighted it is :math:`s^2 / n`.
    """
    total = float(wsum.sum())
    mean = float(wsum @ values) / total
    if n <= 1:
        return mean, math.nan
    var = float(w2sum @ (values - mean) ** 2) / total**2 * n / (n - 1)
    return mean, math.sqrt(var)


# ----------------------------------------------------------------- helpers
Sums = tuple[FloatArray, FloatArray, FloatArray]


def _from_counts(
    cc: CategoryCounts,
    *,
    columns: str | Sequence[str] | None,
    points: FloatArray,
    scale: Scale,
    nan_policy: str,
    where: str,
) -> tuple[Sums, int]:
    """Per-point sums of one column of a :class:`CategoryCounts`."""
    cols = [columns] if isinstance(columns, str) else list(columns or cc.columns)
    if len(cols) != 1 or cols[0] not in cc.columns:
        msg = (
            f"The 'scores' CategoryCounts of {where} must be reduced to one column "
            f"with 'columns'. Got columns={columns!r} for {list(cc.columns)}."
        )
        raise InputError(msg)
    j = cc.columns.index(cols[0])
    cats = np.asarray(cc.categories, dtype=np.float64)
    off = ~np.isin(cats, points) & (cc.counts[j] > 0)
    if off.any():
        msg = (
            f"The 'scores' parameter of {where} has answers outside the "
            f"{scale.describe()} scale in column '{cols[0]}': "
            f"{cats[off].tolist()}."
        )
        raise InputError(msg)
    if nan_policy == "raise" and cc.missing[j] > 0:
        msg = (
            f"The 'scores' parameter of {where} has {int(cc.missing[j])} missing "
            f"value(s) in column '{cols[0]}' and nan_policy='raise'."
        )
        raise InputError(msg)
    out = []
    for arr in (cc.counts[j], cc.weighted_counts[j], cc.weight_sq_sums[j]):
        vec = np.zeros(points.shape[0])
        for k, c in enumerate(cats):
            hit = np.flatnonzero(points == c)
            if hit.size:
                vec[hit[0]] = float(arr[k])
        out.append(vec)
    # rows excluded: missing answers plus zero-weight rows (as in memory)
    return (out[0], out[1], out[2]), int(cc.missing[j]) + cc.zero_weight


def gather(
    scores: object,
    *,
    columns: str | Sequence[str] | None,
    weights: object,
    segments: object,
    nan_policy: str,
    scale: Scale,
    where: str,
) -> tuple[Sums, dict[str, Sums], int, bool]:
    """Validate one answer column and reduce it to per-scale-point sums.

    Returns the sums (counts, weight sums, squared-weight sums over
    ``scale.points()``) overall and per segment, the number of missing or
    zero-weight answers and whether case weights were used. A
    :class:`~satmodels.stats.counts.CategoryCounts` or a lazy frame (counted on
    its engine) gives the same sums without the rows.
    """
    check_nan_policy(nan_policy, where, ("omit", "raise"))
    points = np.asarray(scale.points(), dtype=np.float64)
    if isinstance(scores, CategoryCounts) or _frames.is_lazy(scores):
        if segments is not None:
            msg = (
                f"The 'segments' parameter of {where} needs the rows in memory; "
                "for counts or lazy frames, count each segment separately."
            )
            raise InputError(msg)
        if isinstance(scores, CategoryCounts):
            cc = scores
            weighted = cc.weighted
        else:
            cols = [columns] if isinstance(columns, str) else columns
            cc = CategoryCounts.from_data(
                scores,
                columns=cols,
                categories=points.tolist(),
                weights=weights,
                nan_policy="omit",
            )
            weighted = weights is not None
        sums, n_missing = _from_counts(
            cc,
            columns=columns,
            points=points,
            scale=scale,
            nan_policy=nan_policy,
            where=where,
        )
        if not sums[1].sum() > 0:
            msg = (
                f"The 'scores' parameter of {where} has no usable answer (none with a "
                "positive case weight)."
            )
            raise InputError(msg)
        return sums, {}, n_missing, weighted
    x, cols_t, w, _ = column_data(
        scores,
        columns=columns,
        weights=weights,
        name="scores",
        where=where,
        single=True,
    )
    seg = segment_labels(scores, segments, x.shape[0], where)
    col = x[:, 0]
    miss = np.isnan(col)
    if nan_policy == "raise" and miss.any():
        row = int(np.flatnonzero(miss)[0])
        msg = (
            f"The 'scores' parameter of {where} has {int(miss.sum())} missing "
            f"value(s) and nan_policy='raise'; first in column '{cols_t[0]}', "
            f"row {row}."
        )
        raise InputError(msg)
    scale.check(col, columns=cols_t, name="scores", where=where)
    keep = ~miss
    if w is not None:
        keep &= w > 0
    if not keep.any():
        msg = f"The 'scores' parameter of {where} has no usable (non-missing) answer."
        raise InputError(msg)
    xk = col[keep]
    wk = None if w is None else w[keep]
    total = _point_sums(xk, points, wk)
    parts: dict[str, Sums] = {}
    if seg is not None:
        sk = seg[keep]
        for label in sorted(set(sk.tolist())):
            mask = sk == label
            parts[str(label)] = _point_sums(
                xk[mask], points, None if wk is None else wk[mask]
            )
    return total, parts, int((~keep).sum()), w is not None


def collapse(sums: Sums, groups: list[np.ndarray[Any, Any]]) -> Sums:
    """Sum the per-point sums within groups of points (boolean masks)."""
    c, ws, w2 = sums
    return (
        np.array([c[g].sum() for g in groups]),
        np.array([ws[g].sum() for g in groups]),
        np.array([w2[g].sum() for g in groups]),
    )


def with_segments(result: _R, parts: dict[str, Any]) -> _R:
    return replace(result, by_segment=parts)  # type: ignore[type-var]


def share_one(
    sums: Sums, hit: np.ndarray[Any, Any], level: float
) -> tuple[float, float, float, int, int, float]:
    """Share of hits with Wilson interval; returns (p, lo, hi, hits, n, n_eff)."""
    counts, wsum, w2sum = collapse(sums, [~hit, hit])
    total = float(wsum.sum())
    p = float(wsum[1]) / total
    n_eff = total * total / float(w2sum.sum())
    lo, hi = wilson_interval(p, n_eff, level)
    return p, lo, hi, int(counts[1]), int(counts.sum()), n_eff
