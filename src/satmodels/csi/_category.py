r"""Category sums behind NPS, CSAT and CES (private helpers).

NPS, CSAT and CES need, for every answer category, the number of
respondents, the sum of their case weights and the sum of their squared
case weights. These sums merge by addition, so they come equally from rows
in memory, from a :class:`~satmodels.stats.counts.CategoryCounts` (merged
chunks) or from a lazy engine; weighted variances are the linearisation
(Taylor) variances of ratio estimators (Woodruff 1971).

The statistics are ratios of weighted sums, so they do not change when
every weight is multiplied by one constant; the sums are kept on the scale
of the largest weight (weights divided by it) so that very large weights
cannot overflow.

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
.. [5] Woodruff, R. S. (1971). A simple method for approximating the
   variance of a complicated estimate. JASA, 66(334), 411-414.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np

from .._typing import FloatArray
from .._validation import check_confidence_level, check_nan_policy
from ..data import Table, read
from ..exceptions import InputError, SatmodelsWarning
from ..results._estimates import Estimates
from ..scales import Scale, as_scale, observed_scale
from ..stats.counts import CategoryCounts
from ..stats.intervals import wilson_interval
from ..stats.moments import MissingReport
from ._estimated import EstimatedResult, with_segment_rows

__all__ = [
    "Gathered",
    "Sums",
    "assemble",
    "check_on_scale",
    "collapse",
    "gather",
    "linearised_mean",
    "read_answers",
    "share_one",
]

Sums = tuple[FloatArray, FloatArray, FloatArray]
_R = TypeVar("_R", bound=EstimatedResult)


@dataclass(frozen=True, slots=True, kw_only=True)
class Gathered:
    """Per-point sums of one answer column, overall and per segment."""

    total: Sums
    points: FloatArray
    parts: dict[str, Sums]
    report: MissingReport
    weighted: bool
    column: str
    segmented: bool
    scale: Scale


def assemble(
    gathered: Gathered,
    one: Callable[[Sums, MissingReport | None, float], _R],
    level: float,
) -> _R:
    """Overall result, segment results and the refit at another level.

    ``one(sums, report, level)`` builds the result of one set of sums; the
    overall result gets the segments' rows, the segment results and a refit
    that rebuilds all of them.
    """
    head = one(gathered.total, gathered.report, level)

    def refit(lv: float) -> Estimates:
        return assemble(gathered, one, lv).estimates

    if not gathered.segmented:
        return replace(head, _refit=refit)  # type: ignore[type-var]
    parts = {k: one(v, None, level) for k, v in gathered.parts.items()}
    rows = with_segment_rows(head.estimates, {k: r.estimates for k, r in parts.items()})
    return replace(head, estimates=rows, segments=parts, _refit=refit)  # type: ignore[type-var]


def _point_sums(x: FloatArray, points: FloatArray, w: FloatArray | None) -> Sums:
    """Return counts, weight sums and squared-weight sums per scale point.

    ``x`` holds finite answers on the scale (missing rows already removed).
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

    (Woodruff 1971); unweighted it is :math:`s^2 / n`. NaN SE for n < 2.
    """
    total = float(wsum.sum())
    mean = float(wsum @ values) / total
    if n <= 1:
        return mean, math.nan
    var = float(w2sum @ (values - mean) ** 2) / total**2 * n / (n - 1)
    return mean, math.sqrt(var)


def collapse(sums: Sums, groups: list[np.ndarray[Any, Any]]) -> Sums:
    """Sum the per-point sums within groups of points (boolean masks)."""
    c, ws, w2 = sums
    return (
        np.array([c[g].sum() for g in groups]),
        np.array([ws[g].sum() for g in groups]),
        np.array([w2[g].sum() for g in groups]),
    )


def share_one(
    sums: Sums, hit: np.ndarray[Any, Any], level: float
) -> tuple[float, float, float, int, int, float]:
    """Share of hits with Wilson interval; returns (p, lo, hi, hits, n, n_eff)."""
    counts, wsum, w2sum = collapse(sums, [~hit, hit])
    total = float(wsum.sum())
    p = float(wsum[1]) / total
    n_eff = total * total / float(w2sum.sum())
    lo, hi = wilson_interval(np.array([p * n_eff]), np.array([n_eff]), level)
    return p, float(lo[0]), float(hi[0]), int(counts[1]), int(counts.sum()), n_eff


# ------------------------------------------------------------------ reading
def read_answers(
    data: object,
    where: str,
    *,
    items: str | Sequence[str] | None,
    columns: Sequence[str] | None,
    weights: object,
    segments: object,
    confidence_level: float,
    nan_policy: str,
    scale: object = None,
) -> tuple[float, Scale | None, Table]:
    """Check the shared options and read one answer column (rows, lazy, counts).

    Returns the confidence level, the declared scale (None when not given)
    and the table.
    """
    level = check_confidence_level(confidence_level, where)
    check_nan_policy(nan_policy, where, ("omit", "raise"))
    sc = as_scale(scale, where)
    table = read(
        data,
        where=where,
        columns=columns,
        roles={"items": items},
        weights=weights,
        segments=segments,
        accept=("rows", "lazy", "counts"),
    )
    return level, sc, table


def _column(table: Table, where: str) -> str:
    cols = table.role("items")
    if len(cols) != 1:
        msg = (
            f"The 'items' parameter of {where} must name one answer column. "
            f"Got {list(cols)}."
        )
        raise InputError(msg)
    return cols[0]


def check_on_scale(
    x: FloatArray,
    scale: Scale,
    columns: Sequence[str],
    where: str,
    name: str = "items",
) -> None:
    """Refuse answers off ``scale`` in ``x`` (n,) or (n, p); 1-based row."""
    mat = x[:, None] if x.ndim == 1 else x
    bad = scale.invalid_mask(mat)
    if bad.any():
        row, col = (int(v) for v in np.argwhere(bad)[0])
        msg = (
            f"The '{name}' parameter of {where} has {int(bad.sum())} answer(s) "
            f"outside the {scale.describe()} scale; first in column "
            f"'{columns[col]}', row {row + 1}: {float(mat[row, col])!r}."
        )
        raise InputError(msg)


def _no_usable(where: str) -> InputError:
    """Return the error for an answer column with no usable answer."""
    return InputError(
        f"The 'items' parameter of {where} has no usable answer (none "
        "non-missing with a positive case weight)."
    )


def _scaled(sums: Sums, unit: float) -> Sums:
    """Divide weight sums by ``unit`` (squared sums by its square)."""
    c, ws, w2 = sums
    return c, ws / unit, w2 / unit / unit


def _usable(sums: Sums, where: str) -> None:
    if not all(np.all(np.isfinite(a)) for a in sums):
        msg = (
            f"The 'weights' parameter of {where} gives weight sums that are not "
            "finite (too large to add up); divide the weights by a constant."
        )
        raise InputError(msg)
    if not sums[1].sum() > 0:
        raise _no_usable(where)


def _from_counts(
    cc: CategoryCounts,
    column: str,
    scale: Scale,
    nan_policy: str,
    where: str,
    *,
    points: FloatArray | None = None,
) -> tuple[Sums, FloatArray, int, int]:
    """Per-point sums of one column of a CategoryCounts (+ missing, zero weight).

    ``points``: the points to sum at (default: the scale's, or for an
    interval scale the counted categories).
    """
    j = cc.columns.index(column)
    cats = np.asarray(cc.categories, dtype=np.float64)
    used = cc.counts[j] > 0
    off = scale.invalid_mask(cats) & used
    if off.any():
        msg = (
            f"The 'items' parameter of {where} has answers outside the "
            f"{scale.describe()} scale in column '{column}': "
            f"{cats[off].tolist()}."
        )
        raise InputError(msg)
    if nan_policy == "raise" and cc.missing[j] > 0:
        msg = (
            f"The 'items' parameter of {where} has {int(cc.missing[j])} missing "
            f"value(s) in column '{column}' and nan_policy='raise'."
        )
        raise InputError(msg)
    pts = np.asarray(scale.points() if points is None else points, dtype=np.float64)
    if pts.size == 0:  # interval scale: the counted categories are the points
        order = np.argsort(cats)
        pts = cats[order][used[order]]
    out = []
    for arr in (cc.counts[j], cc.weighted_counts[j], cc.weight_sq_sums[j]):
        vec = np.zeros(pts.shape[0])
        for k, c in enumerate(cats):
            hit = np.flatnonzero(pts == c)
            if hit.size:
                vec[hit[0]] = float(arr[k])
        out.append(vec)
    return (out[0], out[1], out[2]), pts, int(cc.missing[j]), int(cc.zero_weight)


def _report(
    column: str, total: int, used: int, n_missing: int, n_zero: int
) -> MissingReport:
    reasons = {}
    if n_missing:
        reasons["missing value"] = n_missing
    if n_zero:
        reasons["zero weight"] = n_zero
    return MissingReport(
        rows_total=total,
        rows_used=used,
        rows_excluded=total - used,
        reasons=reasons,
        column_missing={column: n_missing},
        missing="listwise",
    )


def _counts_scale(cc: CategoryCounts, column: str, where: str) -> Scale:
    """Observed scale of a CategoryCounts column (categories with answers)."""
    j = cc.columns.index(column)
    cats = np.asarray(cc.categories, dtype=np.float64)
    used = (cc.counts[j] > 0) & (cc.weighted_counts[j] > 0)
    if not used.any():
        raise _no_usable(where)
    return observed_scale(cats[used], where)


def gather(
    table: Table, *, scale: Scale | None, nan_policy: str, where: str
) -> Gathered:
    """Reduce the one answer column of ``table`` to per-scale-point sums.

    Rows in memory, a lazy frame (counted on its engine, per segment) and
    :class:`~satmodels.stats.counts.CategoryCounts` give the same sums. An
    interval scale uses the observed answers as its points (a lazy frame
    finds them with one DISTINCT on its engine, up to
    ``MAX_OBSERVED_POINTS``). Without a scale, the observed minimum and
    maximum are used
    (:func:`~satmodels.scales.observed_scale`).
    """
    column = _column(table, where)
    if table.kind == "counts":
        cc: CategoryCounts = table.statistics
        sc = scale if scale is not None else _counts_scale(cc, column, where)
        sums, pts, miss, zero = _from_counts(cc, column, sc, nan_policy, where)
        unit = float(sums[1].max()) if sums[1].size else 1.0
        total = _scaled(sums, unit) if unit > 0 else sums
        _usable(total, where)
        used = int(total[0].sum())
        report = _report(column, used + miss + zero, used, miss, zero)
        return Gathered(
            total=total,
            points=pts,
            parts={},
            report=report,
            weighted=cc.weighted,
            column=column,
            segmented=False,
            scale=sc,
        )
    if table.kind == "lazy":
        return _gather_lazy(table, column, scale, nan_policy, where)
    return _gather_rows(table, column, scale, nan_policy, where)


def _gather_rows(
    table: Table, column: str, scale: Scale | None, nan_policy: str, where: str
) -> Gathered:
    col = table.column(column)
    miss = np.isnan(col)
    if nan_policy == "raise" and miss.any():
        row = int(np.flatnonzero(miss)[0])
        msg = (
            f"The 'items' parameter of {where} has {int(miss.sum())} missing "
            f"value(s) and nan_policy='raise'; first in column '{column}', "
            f"row {row + 1}."
        )
        raise InputError(msg)
    w = table.weights
    keep = ~miss
    if w is not None:
        keep &= w > 0
        top = float(w.max())
        w = w / top if top > 0 else w
    if scale is not None:
        check_on_scale(col, scale, [column], where)
    if not keep.any():
        raise _no_usable(where)
    xk = col[keep]
    sc = scale if scale is not None else observed_scale(xk, where)
    discrete = np.asarray(sc.points(), dtype=np.float64)
    pts = discrete if discrete.size else np.unique(xk)
    wk = None if w is None else w[keep]
    total = _point_sums(xk, pts, wk)
    _usable(total, where)
    parts: dict[str, Sums] = {}
    if table.segments is not None:
        sk = table.segments[keep]
        for label in table.segment_labels():
            mask = sk == label
            parts[label] = _point_sums(xk[mask], pts, None if wk is None else wk[mask])
    # counted as CategoryCounts does: a weight-0 row is a zero-weight row
    # (missing or not), so rows and counts give the same report
    n_zero = 0 if w is None else int((w == 0).sum())
    n_miss = int((~keep).sum()) - n_zero
    report = _report(column, col.shape[0], int(keep.sum()), n_miss, n_zero)
    return Gathered(
        total=total,
        points=pts,
        parts=_nonempty(parts, where),
        report=report,
        weighted=w is not None,
        column=column,
        segmented=table.segments is not None,
        scale=sc,
    )


def _gather_lazy(
    table: Table, column: str, scale: Scale | None, nan_policy: str, where: str
) -> Gathered:
    discrete = np.asarray(() if scale is None else scale.points(), dtype=np.float64)
    points = discrete
    if scale is None or discrete.size == 0:
        # an interval scale (or none): the observed answers are the points,
        # found by one DISTINCT on the engine
        discrete, points, scale = _observed_points(table, column, scale, where)
    # every segment counted by one grouped aggregation on the engine
    need = ((column,), tuple(float(c) for c in discrete))
    by_seg = table.by_segment(counts=[need]) if table.segment_column is not None else {}
    found: dict[str, tuple[Sums, int, int]] = {}
    for label, tab in ({"": table} | by_seg).items():
        counts = tab.category_counts(
            [column],
            categories=discrete.tolist(),
            nan_policy="raise" if nan_policy == "raise" else "omit",
        )
        s, _, miss, zero = _from_counts(
            counts, column, scale, nan_policy, where, points=points
        )
        found[label] = (s, miss, zero)
    unit = float(found[""][0][1].max())
    scaled = {k: _scaled(v[0], unit) if unit > 0 else v[0] for k, v in found.items()}
    _usable(scaled[""], where)
    _, miss, zero = found[""]
    used = int(scaled[""][0].sum())
    report = _report(column, used + miss + zero, used, miss, zero)
    parts = _nonempty({k: v for k, v in scaled.items() if k}, where)
    return Gathered(
        total=scaled[""],
        points=points,
        parts=parts,
        report=report,
        weighted=table.weighted,
        column=column,
        segmented=bool(by_seg),
        scale=scale,
    )


#: Distinct answers a lazy frame may have under an interval scale (or none):
#: more are not categories to count (rows in memory take any number).
MAX_OBSERVED_POINTS = 10_000


def _observed_points(
    table: Table, column: str, scale: Scale | None, where: str
) -> tuple[FloatArray, FloatArray, Scale]:
    """Return a lazy frame's distinct answers, the points and the scale.

    As the rows do: every answer is checked against ``scale``; the points
    are the answers of rows with a positive weight (the other answers are
    counted, with no weight); without a scale, the points' observed range
    is the scale (:func:`~satmodels.scales.observed_scale`).
    """
    import narwhals.stable.v2 as nw  # noqa: PLC0415 - engines only

    from ..engines._frame import clean  # noqa: PLC0415

    w = table.weight_column
    keep = nw.lit(value=True) if w is None else clean(w) > 0
    found = (
        table.lazy.select(clean(column).alias("x"), keep.alias("keep"))
        .filter(~nw.col("x").is_null())
        .unique()
        .head(2 * MAX_OBSERVED_POINTS + 1)
        .collect()
    )
    x = np.asarray(found.get_column("x").to_list(), dtype=np.float64)
    kept = np.asarray(found.get_column("keep").to_list(), dtype=bool)
    if x.size > 2 * MAX_OBSERVED_POINTS:
        msg = (
            f"The 'items' column '{column}' of {where} has more than "
            f"{MAX_OBSERVED_POINTS} distinct answers: on a lazy frame an interval "
            "scale counts its observed answers, so pass a discrete Scale (Likert "
            "or levels) or the rows in memory."
        )
        raise InputError(msg)
    bad = np.isinf(x) if scale is None else scale.invalid_mask(x)
    if bad.any():
        shown = "an infinite value" if scale is None else scale.describe() + " scale"
        msg = (
            f"The 'items' parameter of {where} has answer(s) outside the {shown} "
            f"in column '{column}': {sorted(x[bad].tolist())[:5]}."
        )
        raise InputError(msg)
    pts = np.unique(x[kept])
    if pts.size == 0:
        raise _no_usable(where)
    sc = scale if scale is not None else observed_scale(pts, where)
    return np.unique(x), pts, sc


def _nonempty(parts: dict[str, Sums], where: str) -> dict[str, Sums]:
    """Drop segments without a usable answer, with a warning naming them."""
    empty = [k for k, v in parts.items() if not v[1].sum() > 0]
    if empty:
        msg = (
            f"{where}: segment(s) {empty} have no usable answer (all missing or "
            "zero weight) and are left out of 'segments'."
        )
        warnings.warn(msg, SatmodelsWarning, stacklevel=4)
    return {k: v for k, v in parts.items() if k not in empty}
