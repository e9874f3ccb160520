r"""Satisfaction as a ratio: c = b / a (perceived over expected value).

The founding documents define satisfaction ``c`` as the perceived value
``b`` divided by the expected value ``a``: ``c > 1`` delighted, ``c = 1``
met, ``c < 1`` dissatisfied, graded on five levels from "far below" to "far
above" expectation.

Two aggregates
--------------
*Mean of ratios* :math:`\bar c = \frac{1}{n}\sum_r b_r / a_r` is the average
customer's own satisfaction ratio; its standard error is that of a mean.

*Ratio of means* :math:`R = \bar b / \bar a` is the consistent estimator of
:math:`E[b]/E[a]`, not dominated by customers with small expectations
(Cochran 1977, ch. 6). Its standard error comes from the delta method
:math:`\widehat{\mathrm{Var}}(R) = \frac{1}{n \bar a^2} s^2_{b - R a}`
(Cochran 1977, eq. 6.9), its interval from Fieller's (1954) theorem.

References
----------
.. [1] Cochran, W. G. (1977). Sampling Techniques (3rd ed.), chapter 6,
   "Ratio estimators". Wiley.
.. [2] Fieller, E. C. (1954). Some problems in interval estimation. Journal
   of the Royal Statistical Society B, 16(2), 175-185.
.. [3] Franz, V. H. (2007). Ratios: a short guide to confidence limits and
   proper use. arXiv:0710.2024.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

import numpy as np

from .._typing import BoolArray, FloatArray
from .._validation import check_confidence_level, validated
from ..data import Kind, Table, read
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import InputError, SmallSampleWarning
from ..scales import Scale, as_scale
from ..stats.moments import MissingReport
from ._grade import DEFAULT_THRESHOLDS, grade_codes, grade_name
from ._kernels import aggregates
from ._result import RatioResult
from ._table import estimates_table
from ._thresholds import Thresholds

if TYPE_CHECKING:
    from .._ratio_scan import Sums

__all__ = ["satisfaction_ratio"]

_WHERE = "satisfaction_ratio"
Cuts = dict[str, tuple[float, ...]]
_ACCEPT: tuple[Kind, ...] = ("rows", "lazy")


def satisfaction_ratio(
    data: object,
    *,
    perceived: Sequence[str],
    expected: Sequence[str],
    items: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    scale: Scale | tuple[float, float] | None = None,
    thresholds: Sequence[float] | Mapping[str, Sequence[float]] = DEFAULT_THRESHOLDS,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["raise", "omit"] = "raise",
) -> RatioResult:
    r"""Satisfaction ratio c = b / a per respondent and item, aggregated.

    Parameters
    ----------
    data : array_like, mapping of columns or dataframe
        One row per respondent; holds the perceived and the expected
        columns (and optionally weights and segments).
    perceived : sequence of str
        Columns of perceived value b, one per item.
    expected : sequence of str
        Columns of expected value a (positive), paired with ``perceived``
        by position in the two lists: ``perceived[k] / expected[k]``.
    items : sequence of str, optional
        Names of the item pairs (default: the ``perceived`` names).
    columns : sequence of str, optional
        Names of a bare array's columns, or the columns of a frame to use.
    scale : Scale or (min, max), optional
        Declared answer scale (a pair means ``Scale.interval(min, max)``);
        answers off it raise :class:`InputError`.
    thresholds : 4 floats, or mapping item -> 4 floats
        Cut points of the five-level grade (:class:`Thresholds`); a mapping
        sets them per item (items not listed use the default) and, under the
        key ``"overall"``, for the overall grade.
    weights : array_like or str, optional
        Non-negative case weights, or the name of their column; rows with
        weight 0 are excluded and counted.
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.
    segments : array_like or str, optional
        Segment label per respondent (or its column); one result per label
        in ``result.segments``.
    confidence_level : float
        Level of the stored intervals.
    nan_policy : {"raise", "omit"}
        ``"raise"`` (default): a missing a or b is an error, as the founding
        documents require. ``"omit"``: drop that respondent-item pair and
        count it in ``n_omitted`` and ``missing_report``.

    Returns
    -------
    RatioResult

    Raises
    ------
    InputError
        Unknown or unpaired columns; ``a <= 0`` or ``b < 0``; NaN (under
        ``"raise"``) or infinite values; answers off ``scale``; bad
        thresholds or weights. Messages name the column and the (1-based)
        row.

    Warns
    -----
    SmallSampleWarning
        An item (or the overall aggregate) rests on one respondent: its
        standard errors and intervals are NaN (at least two are needed).

    Notes
    -----
    With weights :math:`w_r` the aggregates are
    :math:`\bar c_w = \sum w c / \sum w` and
    :math:`R = \sum w b / \sum w a`; standard errors use the linearisation
    variance :math:`\frac{n}{n-1}\sum w_r^2 z_r^2 / (\sum w)^2` with
    :math:`z_r = c_r - \bar c_w` or :math:`z_r = (b_r - R a_r)/\bar a_w`
    (Cochran 1977, eqs. 6.9 and 6.13; Wolter 2007, ch. 6). Fieller's
    interval solves :math:`(\bar b - \theta \bar a)^2 \le t^2 (v_{bb} -
    2\theta v_{ab} + \theta^2 v_{aa})` (Fieller 1954; Franz 2007, eq. 6),
    with t on n - 1 degrees of freedom.

    The overall aggregates use the respondents who answered every item,
    with each respondent's item-averaged a, b and c. The overall grade uses
    the cut points under ``thresholds["overall"]``; when that key is
    absent, the common cut points of the items if they all share them, else
    the default ones (the result stores what was used in
    ``thresholds["overall"]``).

    Examples
    --------
    >>> from satmodels import satisfaction_ratio
    >>> survey = {
    ...     "speed_e": [5.0, 6.0, 4.0],
    ...     "price_e": [4.0, 5.0, 5.0],
    ...     "speed_p": [6.0, 6.0, 5.0],
    ...     "price_p": [4.0, 3.0, 4.0],
    ... }
    >>> res = satisfaction_ratio(
    ...     survey,
    ...     perceived=["speed_p", "price_p"],
    ...     expected=["speed_e", "price_e"],
    ...     items=["speed", "price"],
    ...     scale=(1, 7),
    ... )
    >>> res.ratio_of_means.round(3).tolist()
    [1.133, 0.786]
    >>> res.item_grade
    ('above expectation', 'far below expectation')
    """
    if design is not None:
        return fit_with_design(satisfaction_ratio, locals())
    level = check_confidence_level(confidence_level, _WHERE)
    if nan_policy not in ("raise", "omit"):
        msg = (
            f"The 'nan_policy' parameter of {_WHERE} must be 'raise' or 'omit'. "
            f"Got {nan_policy!r} instead."
        )
        raise InputError(msg)
    pairs: tuple[tuple[str, object], ...] = (
        ("perceived", perceived),
        ("expected", expected),
    )
    for param, value in pairs:
        if value is None:
            msg = (
                f"The '{param}' parameter of {_WHERE} must name the "
                f"{param} columns (one per item)."
            )
            raise InputError(msg)
    sc = as_scale(scale, _WHERE)
    table = read(
        data,
        where=_WHERE,
        columns=columns,
        roles={"perceived": perceived, "expected": expected},
        weights=weights,
        segments=segments,
        accept=_ACCEPT,
    )
    p_cols, e_cols = table.role("perceived"), table.role("expected")
    if len(p_cols) != len(e_cols):
        msg = (
            f"The 'perceived' and 'expected' parameters of {_WHERE} are paired one "
            f"to one. Got {len(p_cols)} perceived and {len(e_cols)} expected "
            "column(s)."
        )
        raise InputError(msg)
    names = _item_names(items, p_cols)
    cuts = _thresholds(thresholds, names)
    if table.kind == "lazy":
        result, parts = _fit_lazy_segments(table, names, cuts, level, sc, nan_policy)
    else:
        _check_values(table, p_cols, e_cols, sc, nan_policy)
        result = _fit(table, names, cuts, level, segment=None)
        parts = {
            s: _fit(t, names, cuts, level, segment=s)
            for s, t in table.by_segment().items()
        }
    return replace(result, segments=parts) if parts else result


# --------------------------------------------------------------- checks
def _item_names(
    items: Sequence[str] | None, perceived: Sequence[str]
) -> tuple[str, ...]:
    if isinstance(items, str):
        items = [items]
    names = tuple(perceived) if items is None else tuple(str(i) for i in items)
    if len(names) != len(perceived):
        msg = (
            f"The 'items' parameter of {_WHERE} names {len(names)} item(s) but "
            f"'perceived' names {len(perceived)} column(s)."
        )
        raise InputError(msg)
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        msg = f"The 'items' parameter of {_WHERE} must be unique. Got {dup} twice."
        raise InputError(msg)
    if "overall" in names:
        msg = (
            f"The 'items' parameter of {_WHERE} cannot use the name 'overall' "
            "(it names the overall aggregate)."
        )
        raise InputError(msg)
    return names


def _thresholds(
    thresholds: Sequence[float] | Mapping[str, Sequence[float]],
    names: tuple[str, ...],
) -> Cuts:
    def cut(value: Sequence[float]) -> tuple[float, ...]:
        try:
            raw = tuple(float(v) for v in value)
        except (TypeError, ValueError) as exc:
            msg = (
                f"The 'thresholds' parameter of {_WHERE} must hold 4 numbers. "
                f"Got {value!r} instead."
            )
            raise InputError(msg) from exc
        return tuple(validated(Thresholds, _WHERE, cuts=raw).cuts)

    if isinstance(thresholds, Mapping):
        unknown = [key for key in thresholds if key not in (*names, "overall")]
        if unknown:
            msg = (
                f"The 'thresholds' parameter of {_WHERE} names unknown item(s) "
                f"{unknown}. Items: {list(names)} (and 'overall')."
            )
            raise InputError(msg)
        out = {nm: cut(thresholds.get(nm, DEFAULT_THRESHOLDS)) for nm in names}
        if "overall" in thresholds:
            out["overall"] = cut(thresholds["overall"])
        else:
            distinct = set(out.values())
            out["overall"] = (
                next(iter(distinct)) if len(distinct) == 1 else DEFAULT_THRESHOLDS
            )
        return out
    one = cut(thresholds)
    return {**dict.fromkeys(names, one), "overall": one}


def _first(mask: BoolArray, cols: Sequence[str]) -> tuple[int, str]:
    r, c = (int(v) for v in np.argwhere(mask)[0])
    return r + 1, cols[c]


def _check_values(
    table: Table,
    p_cols: Sequence[str],
    e_cols: Sequence[str],
    sc: Scale | None,
    nan_policy: str,
) -> None:
    b, a = table.matrix(p_cols), table.matrix(e_cols)
    for arr, label, cols in ((a, "expected", e_cols), (b, "perceived", p_cols)):
        inf = np.isinf(arr)
        if inf.any():
            row, col = _first(inf, cols)
            msg = f"The '{label}' column {col!r} of {_WHERE} is infinite in row {row}."
            raise InputError(msg)
        if sc is not None:
            bad = sc.invalid_mask(arr)
            if bad.any():
                row, col = _first(bad, cols)
                r0 = row - 1
                value = float(arr[r0, list(cols).index(col)])
                msg = (
                    f"The '{label}' column {col!r} of {_WHERE} has "
                    f"{int(bad.sum())} answer(s) outside the {sc.describe()} "
                    f"scale; first in row {row}: {value!r}."
                )
                raise InputError(msg)
        nan = np.isnan(arr)
        if nan.any() and nan_policy == "raise":
            row, col = _first(nan, cols)
            msg = (
                f"The '{label}' column {col!r} of {_WHERE} has a missing value in "
                f"row {row} ({int(nan.sum())} missing cell(s)); pass "
                "nan_policy='omit' to drop and count those pairs."
            )
            raise InputError(msg)
    missing = np.isnan(a) | np.isnan(b)
    bad_a = ~missing & (a <= 0)
    if bad_a.any():
        row, col = _first(bad_a, e_cols)
        value = float(a[row - 1, list(e_cols).index(col)])
        msg = (
            f"The 'expected' column {col!r} of {_WHERE} must be positive (c = b / a);"
            f" row {row} is {value!r} ({int(bad_a.sum())} such value(s))."
        )
        raise InputError(msg)
    bad_b = ~missing & (b < 0)
    if bad_b.any():
        row, col = _first(bad_b, p_cols)
        value = float(b[row - 1, list(p_cols).index(col)])
        msg = (
            f"The 'perceived' column {col!r} of {_WHERE} must not be negative; "
            f"row {row} is {value!r}."
        )
        raise InputError(msg)


# ------------------------------------------------------------------ fit
def _fit(
    table: Table,
    names: tuple[str, ...],
    cuts: Cuts,
    level: float,
    *,
    segment: str | None,
) -> RatioResult:
    p_cols, e_cols = table.role("perceived"), table.role("expected")
    b, a = table.matrix(p_cols), table.matrix(e_cols)
    n_rows = a.shape[0]
    w = np.ones(n_rows) if table.weights is None else table.weights
    observed = ~(np.isnan(a) | np.isnan(b))
    used_b = observed & (w > 0)[:, None]
    where = _WHERE if segment is None else f"{_WHERE} (segment {segment!r})"
    empty = ~used_b.any(axis=0)
    if empty.any():
        nm = names[int(np.flatnonzero(empty)[0])]
        msg = (
            f"Item {nm!r} of {where} has no respondent with both a and b and a "
            "positive weight."
        )
        raise InputError(msg)
    used = used_b.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(used_b, b / np.where(used_b, a, 1.0), np.nan)
    item = aggregates(a, b, c, used, w)
    counts = np.zeros((len(names), 5))
    for j, nm in enumerate(names):
        g = grade_codes(c[used_b[:, j], j], cuts[nm])
        counts[j] = np.bincount(g, weights=w[used_b[:, j]], minlength=5)
    full = used_b.all(axis=1)
    one = np.ones((int(full.sum()), 1))
    overall = aggregates(
        a[full].mean(axis=1)[:, None],
        b[full].mean(axis=1)[:, None],
        c[full].mean(axis=1)[:, None],
        one,
        w[full],
    )
    _warn_small(item.n, overall.n[0], names, where)
    est = estimates_table(item, overall, names, level, table.backend, segment)
    report = _missing_report(table, observed, used_b, w, (*p_cols, *e_cols))
    return RatioResult(
        estimates=est,
        confidence_level=level,
        items=names,
        perceived=tuple(p_cols),
        expected=tuple(e_cols),
        n=item.n.astype(np.int64),
        expected_mean=item.abar,
        perceived_mean=item.bbar,
        mean_ratio=item.cbar,
        mean_ratio_se=item.se_c,
        ratio_of_means=item.rom,
        ratio_of_means_se=item.se_r,
        grade_counts=counts,
        item_grade=tuple(
            grade_name(float(r), cuts[nm])
            for r, nm in zip(item.rom, names, strict=True)
        ),
        overall_n=int(full.sum()),
        overall_expected_mean=float(overall.abar[0]),
        overall_perceived_mean=float(overall.bbar[0]),
        overall_mean_ratio=float(overall.cbar[0]),
        overall_mean_ratio_se=float(overall.se_c[0]),
        overall_ratio_of_means=float(overall.rom[0]),
        overall_ratio_of_means_se=float(overall.se_r[0]),
        overall_grade=grade_name(float(overall.rom[0]), cuts["overall"]),
        ratios=c,
        n_omitted={
            nm: int(v) for nm, v in zip(names, (~used_b).sum(axis=0), strict=True)
        },
        thresholds=dict(cuts),
        weighted=table.weights is not None,
        missing_report=report,
        _item_var=(item.vaa, item.vbb, item.vab),
        _overall_var=(
            float(overall.abar[0]),
            float(overall.bbar[0]),
            float(overall.vaa[0]),
            float(overall.vbb[0]),
            float(overall.vab[0]),
        ),
    )


def _fit_lazy_segments(  # noqa: PLR0917 - the pieces of one fit
    table: Table,
    names: tuple[str, ...],
    cuts: Cuts,
    level: float,
    sc: Scale | None,
    nan_policy: str,
) -> tuple[RatioResult, dict[str, RatioResult]]:
    """Fit a lazy frame and its segments: two grouped queries, or two each.

    The segments of a polars, DuckDB or PySpark frame come from one grouped
    aggregation per pass (:func:`~satmodels.ratio._lazy.lazy_sums_by_segment`);
    Dask's segments, and a frame without segments, from their own frames.
    """
    from ._lazy import lazy_sums_by_segment  # noqa: PLC0415 - narwhals, engines only

    grouped = None
    if table.segment_column is not None:
        grouped = lazy_sums_by_segment(
            table, names, [cuts[nm] for nm in names], sc, nan_policy, _WHERE
        )
    if grouped is None:
        result = _fit_lazy(table, names, cuts, level, sc, nan_policy, segment=None)
        parts = {
            s: _fit_lazy(t, names, cuts, level, sc, nan_policy, segment=s)
            for s, t in table.by_segment().items()
        }
        return result, parts
    whole, by_label = grouped
    result = _lazy_result(table, whole, names, cuts, level, segment=None)
    _warn_small(result.n, result.overall_n, names, _WHERE)
    parts = {}
    for s, sums in by_label.items():
        parts[s] = _lazy_result(table, sums, names, cuts, level, segment=s)
        where = f"{_WHERE} (segment {s!r})"
        _warn_small(parts[s].n, parts[s].overall_n, names, where)
    return result, parts


def _fit_lazy(  # noqa: PLR0917 - the pieces of one fit
    table: Table,
    names: tuple[str, ...],
    cuts: Cuts,
    level: float,
    sc: Scale | None,
    nan_policy: str,
    *,
    segment: str | None,
) -> RatioResult:
    """Fit a lazy frame from two aggregations on its engine."""
    from ._lazy import lazy_sums  # noqa: PLC0415 - narwhals, engines only

    where = _WHERE if segment is None else f"{_WHERE} (segment {segment!r})"
    sums = lazy_sums(table, names, [cuts[nm] for nm in names], sc, nan_policy, where)
    res = _lazy_result(table, sums, names, cuts, level, segment=segment)
    # the caller's line: _fit_lazy_segments, then satisfaction_ratio
    _warn_small(res.n, res.overall_n, names, where, stacklevel=5)
    return res


def _lazy_result(
    table: Table,
    sums: Sums,
    names: tuple[str, ...],
    cuts: Cuts,
    level: float,
    *,
    segment: str | None,
) -> RatioResult:
    """Turn a lazy frame's (or a segment's) sums into the result."""
    from ._engine import result_from_sums  # noqa: PLC0415 - it imports this module

    p_cols, e_cols = table.role("perceived"), table.role("expected")
    return result_from_sums(
        sums, names, cuts, p_cols, e_cols, level,
        backend=table.backend, segment=segment,
    )  # fmt: skip


def _warn_small(
    item_n: object,
    overall_n: float,
    names: tuple[str, ...],
    where: str,
    *,
    stacklevel: int = 4,
) -> None:
    """Warn at the caller of satisfaction_ratio (``stacklevel`` frames up)."""
    few = [nm for nm, k in zip(names, np.asarray(item_n), strict=True) if k < 2]
    if few:
        msg = (
            f"{where}: item(s) {few} rest on one respondent; a standard error and "
            "an interval need at least 2, so they are NaN."
        )
        warnings.warn(msg, SmallSampleWarning, stacklevel=stacklevel)
    elif overall_n < 2:
        msg = (
            f"{where}: {int(overall_n)} respondent(s) answered every item; the "
            "overall aggregates need at least 2 for a standard error (NaN)."
        )
        warnings.warn(msg, SmallSampleWarning, stacklevel=stacklevel)


def _missing_report(
    table: Table,
    observed: BoolArray,
    used: BoolArray,
    w: FloatArray,
    cols: Sequence[str],
) -> MissingReport:
    n_rows = observed.shape[0]
    rows_used = int(used.any(axis=1).sum())
    no_pair = int((~observed.any(axis=1)).sum())
    zero_w = int((observed.any(axis=1) & (w <= 0)).sum())
    reasons = {
        k: v for k, v in (("no complete pair", no_pair), ("zero weight", zero_w)) if v
    }
    x = table.matrix(cols)
    column_missing = {c: int(np.isnan(x[:, i]).sum()) for i, c in enumerate(cols)}
    return MissingReport(
        rows_total=n_rows,
        rows_used=rows_used,
        rows_excluded=n_rows - rows_used,
        reasons=reasons,
        column_missing=column_missing,
        missing="pairwise",
    )
