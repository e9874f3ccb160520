r"""c = b / a of a lazy frame (DuckDB, polars lazy, PySpark, Dask): engine sums.

:func:`~satmodels.ratio.satisfaction_ratio` on a lazy frame never collects
the rows. Two aggregations run on the engine:

1. the checks the in-memory path makes (infinite answers, answers off the
   scale, ``a <= 0``, ``b < 0``, missing answers under
   ``nan_policy="raise"``, bad weights), the missing-data account and the
   weighted sums of a, b and c = b / a of every item (and of the
   respondents' item-averaged a, b, c over those who answered every item);
2. the sums of :mod:`satmodels._ratio_scan` (``_SUMS``) of the values
   shifted by the exact weighted means of the first pass, and the weighted
   grade counts (c < t1, c < t2, c <= t3, c <= t4).

:func:`satmodels.ratio._engine.result_from_sums` turns them into the
result with the variances of :func:`~satmodels.ratio._kernels.aggregates`
(Cochran 1977, eqs. 6.9 and 6.13). Shifting by the means first is the
shifted-data algorithm of Chan, Golub & LeVeque (1983): no large sums
cancel. With segments, each pass runs once grouped by segment
(:func:`lazy_sums_by_segment`: two queries whatever the number of
segments; Dask, whose grouped aggregation takes no conditional sum, fits
each segment's frame). The tests check agreement with the rows to 1e-12
on DuckDB, polars lazy, Dask and PySpark.

References
----------
.. [1] Cochran, W. G. (1977). Sampling Techniques (3rd ed.), ch. 6. Wiley.
.. [2] Chan, T. F., Golub, G. H., & LeVeque, R. J. (1983). Algorithms for
   computing the sample variance: analysis and recommendations. The
   American Statistician, 37(3), 242-247.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np

from .._ratio_scan import _SUMS, Sums
from ..data import Table
from ..engines._frame import (
    CANCEL,
    INF,
    W,
    bad_weight,
    cleaned,
    engine_name,
    num,
    off_scale,
    raise_bad_weights,
)
from ..exceptions import InputError
from ..scales import Scale

__all__ = ["lazy_sums", "lazy_sums_by_segment"]

_WHERE = "satisfaction_ratio"


def _off_scale(x: nw.Expr, scale: Scale) -> nw.Expr:
    """Return true for a finite answer not on ``scale`` (null where x is)."""
    return off_scale(x, scale.kind, scale.minimum, scale.maximum, scale.points())


def _count(expr: nw.Expr, name: str) -> nw.Expr:
    return expr.cast(nw.Int64).sum().alias(name)


def _prepared(frame: nw.LazyFrame[Any], k: int) -> nw.LazyFrame[Any]:
    """Add the row flags and derived values the two passes sum.

    ``__o{j}`` (pair j observed), ``__u{j}`` (observed with a positive
    weight), ``__c{j}`` (b / a), ``__any`` (some pair observed), ``__used``
    (some pair used), ``__full`` (every pair used) and ``__fa``, ``__fb``,
    ``__fc`` (the row's item-averaged a, b and c). Computed once a row,
    they keep every aggregate a small expression (as
    :mod:`satmodels.engines.expressions` does; Dask evaluates no horizontal
    expression inside an aggregation).
    """
    x = [nw.col(f"__x{i}") for i in range(2 * k)]  # a..., b...
    obs = [~x[j].is_null() & ~x[k + j].is_null() for j in range(k)]
    frame = frame.with_columns(
        *(o.alias(f"__o{j}") for j, o in enumerate(obs)),
        *((o & (nw.col(W) > 0)).alias(f"__u{j}") for j, o in enumerate(obs)),
        *((x[k + j] / x[j]).alias(f"__c{j}") for j in range(k)),
    )
    observed = [nw.col(f"__o{j}") for j in range(k)]
    used = [nw.col(f"__u{j}") for j in range(k)]
    ratios = [nw.col(f"__c{j}") for j in range(k)]
    return frame.with_columns(
        nw.any_horizontal(*observed, ignore_nulls=True).alias("__any"),
        nw.any_horizontal(*used, ignore_nulls=True).alias("__used"),
        nw.all_horizontal(*used, ignore_nulls=True).alias("__full"),
        (nw.sum_horizontal(*x[:k]) / k).alias("__fa"),
        (nw.sum_horizontal(*x[k:]) / k).alias("__fb"),
        (nw.sum_horizontal(*ratios) / k).alias("__fc"),
    )


def _triples(k: int) -> list[tuple[nw.Expr, nw.Expr, nw.Expr, nw.Expr]]:
    """Return (used, a, b, c) of every item, then of the row means."""
    out = [
        (nw.col(f"__u{j}"), nw.col(f"__x{j}"), nw.col(f"__x{k + j}"), nw.col(f"__c{j}"))
        for j in range(k)
    ]
    out.append((nw.col("__full"), nw.col("__fa"), nw.col("__fb"), nw.col("__fc")))
    return out


def _first_pass(
    frame: nw.LazyFrame[Any], k: int, scale: Scale | None, *, weighted: bool
) -> dict[str, float]:
    """Return the checks, account and raw weighted sums: one aggregation."""
    out = frame.select(*_first_exprs(k, scale, weighted=weighted)).collect()
    return {
        key: float("nan") if v is None else float(v)
        for key, v in zip(out.columns, out.row(0), strict=True)
    }


def _first_exprs(k: int, scale: Scale | None, *, weighted: bool) -> list[nw.Expr]:
    """Return the aggregates of :func:`_first_pass`: counts, sums, minima."""
    x = [nw.col(f"__x{i}") for i in range(2 * k)]  # a..., b...
    w = nw.col(W)
    exprs: list[nw.Expr] = [nw.len().alias("rows")]
    for i, xi in enumerate(x):
        exprs += [
            _count(xi.is_null(), f"miss{i}"),
            _count(xi.abs() == INF, f"inf{i}"),
        ]
        if scale is not None:
            bad = _off_scale(xi, scale)
            exprs += [
                _count(bad, f"off{i}"),
                nw.when(bad).then(xi).min().alias(f"offv{i}"),
            ]
    for j in range(k):
        a, b, o = x[j], x[k + j], nw.col(f"__o{j}")
        exprs += [
            _count(o & (a <= 0), f"nonpos{j}"),
            nw.when(o & (a <= 0)).then(a).min().alias(f"nonposv{j}"),
            _count(o & (b < 0), f"neg{j}"),
            nw.when(o & (b < 0)).then(b).min().alias(f"negv{j}"),
        ]
    for j, (u, a, b, c) in enumerate(_triples(k)):
        exprs += [
            _count(u, f"n{j}"),
            nw.when(u).then(w).sum().alias(f"sw{j}"),
            nw.when(u).then(w * a).sum().alias(f"sa{j}"),
            nw.when(u).then(w * b).sum().alias(f"sb{j}"),
            nw.when(u).then(w * c).sum().alias(f"sc{j}"),
        ]
    any_obs = nw.col("__any")
    exprs += [_count(~any_obs, "no_pair"), _count(nw.col("__used"), "rows_used")]
    if weighted:
        exprs += [
            _count(bad_weight(w), "badw"),
            _count(any_obs & (w == 0), "zero_w"),
        ]
    return exprs


def _check(  # noqa: PLR0917 - the pieces of one check
    row: dict[str, float],
    p_cols: Sequence[str],
    e_cols: Sequence[str],
    scale: Scale | None,
    nan_policy: str,
    weight: str | None,
) -> None:
    """Raise what the in-memory checks raise (counts instead of rows)."""
    k = len(e_cols)
    raise_bad_weights(int(row.get("badw", 0)), weight, _WHERE)
    for label, cols, start in (("expected", e_cols, 0), ("perceived", p_cols, k)):
        for j, col in enumerate(cols):
            i = start + j
            if row[f"inf{i}"]:
                msg = (
                    f"The '{label}' column {col!r} of {_WHERE} has "
                    f"{int(row[f'inf{i}'])} infinite value(s)."
                )
                raise InputError(msg)
            if scale is not None and row[f"off{i}"]:
                msg = (
                    f"The '{label}' column {col!r} of {_WHERE} has "
                    f"{int(row[f'off{i}'])} answer(s) outside the "
                    f"{scale.describe()} scale (the smallest of them: "
                    f"{row[f'offv{i}']!r})."
                )
                raise InputError(msg)
            if nan_policy == "raise" and row[f"miss{i}"]:
                msg = (
                    f"The '{label}' column {col!r} of {_WHERE} has "
                    f"{int(row[f'miss{i}'])} missing cell(s); pass "
                    "nan_policy='omit' to drop and count those pairs."
                )
                raise InputError(msg)
    rules = (
        ("nonpos", "expected", e_cols, "must be positive (c = b / a)"),
        ("neg", "perceived", p_cols, "must not be negative"),
    )
    for key, label, cols, rule in rules:
        for j, col in enumerate(cols):
            if row[f"{key}{j}"]:
                msg = (
                    f"The '{label}' column {col!r} of {_WHERE} {rule}; "
                    f"{int(row[f'{key}{j}'])} value(s) break this, the "
                    f"smallest {row[f'{key}v{j}']!r}."
                )
                raise InputError(msg)


def _second_pass(
    frame: nw.LazyFrame[Any],
    k: int,
    shift: list[tuple[float, float, float]],
    cuts: Sequence[Sequence[float]],
) -> list[float]:
    """Return the shifted sums (``_SUMS`` order) of every triple, then grades."""
    out = frame.select(*_second_exprs(k, shift, cuts)).collect()
    return [num(v) for v in out.row(0)]


def _second_exprs(
    k: int,
    shift: list[tuple[float, float, float]],
    cuts: Sequence[Sequence[float]],
) -> list[nw.Expr]:
    """Return the sums of :func:`_second_pass` (each additive over rows)."""
    w = nw.col(W)
    ww = w * w
    triples = _triples(k)
    exprs: list[nw.Expr] = []
    for j, (u, a_raw, b_raw, c_raw) in enumerate(triples):
        sa, sb, sc = shift[j]
        a, b, c = a_raw - sa, b_raw - sb, c_raw - sc

        def s(e: nw.Expr, name: str, u: nw.Expr = u, j: int = j) -> nw.Expr:
            return nw.when(u).then(e).sum().alias(f"{name}_{j}")

        exprs += [
            _count(u, f"n_{j}"),
            s(w, "sw"), s(ww, "sww"),
            s(w * a, "sa"), s(w * b, "sb"), s(w * c, "sc"),
            s(ww * a, "qa"), s(ww * b, "qb"), s(ww * c, "qc"),
            s(ww * a * a, "paa"), s(ww * b * b, "pbb"), s(ww * c * c, "pcc"),
            s(ww * a * b, "pab"),
        ]  # fmt: skip
    for j in range(k):
        t1, t2, t3, t4 = (float(t) for t in cuts[j])
        u, c = triples[j][0], triples[j][3]
        exprs += [
            nw.when(u & (c < t1)).then(w).sum().alias(f"g0_{j}"),
            nw.when(u & (c < t2)).then(w).sum().alias(f"g1_{j}"),
            nw.when(u & (c <= t3)).then(w).sum().alias(f"g2_{j}"),
            nw.when(u & (c <= t4)).then(w).sum().alias(f"g3_{j}"),
        ]
    return exprs


def lazy_sums(  # noqa: PLR0917 - the pieces of one fit
    table: Table,
    items: Sequence[str],
    cuts: Sequence[Sequence[float]],
    scale: Scale | None,
    nan_policy: str,
    where: str,
) -> Sums:
    """Check a lazy table and return its sums (:class:`~satmodels._ratio_scan.Sums`).

    Raises
    ------
    InputError
        As the in-memory checks: infinite answers, answers off ``scale``,
        missing answers under ``nan_policy="raise"``, ``a <= 0``,
        ``b < 0``, bad weights, an item without respondents (counts in
        place of rows: a lazy frame has no row order).
    """
    p_cols, e_cols = table.role("perceived"), table.role("expected")
    k = len(e_cols)
    weight = table.weight_column
    frame = _frame(table)
    row = _first_pass(frame, k, scale, weighted=weight is not None)
    _check(row, p_cols, e_cols, scale, nan_policy, weight)
    shift = _shift(row, items, k, where)
    return _assemble(row, _second_pass(frame, k, shift, cuts), shift, k, weight)


def lazy_sums_by_segment(  # noqa: PLR0917 - the pieces of one fit
    table: Table,
    items: Sequence[str],
    cuts: Sequence[Sequence[float]],
    scale: Scale | None,
    nan_policy: str,
    where: str,
) -> tuple[Sums, dict[str, Sums]] | None:
    """Return the sums of the whole table and of every segment: two queries.

    Each pass runs once, grouped by segment; the whole table's first pass
    is the segments' merged (counts and sums add, minima take the
    least), and the second pass shifts every segment by the whole table's
    means, so the segments' shifted sums add up to the whole table's
    (:mod:`satmodels.engines.grouped_moments` does the same: the
    variances of :mod:`satmodels.ratio._engine` are exact for any shift,
    and one near every segment's mean, one survey scale, keeps the
    rounding small; a segment whose mean is too far for that, see
    :data:`~satmodels.engines._frame.CANCEL`, is summed again from its own
    frame). Two engine queries whatever the number of segments, where
    fitting each segment's filtered frame costs two per segment.
    None on Dask, whose grouped aggregation takes no conditional sum (the
    caller fits the segments' frames).

    Raises
    ------
    InputError
        As :func:`lazy_sums`; and for rows without a segment label, or a
        segment with an item that has no respondent.
    """
    if table.lazy is None or table.segment_column is None:
        return None
    if engine_name(table.lazy) == "dask":
        return None
    p_cols, e_cols = table.role("perceived"), table.role("expected")
    k = len(e_cols)
    weight = table.weight_column
    frame = _frame(table, group=table.segment_column)
    rows = _grouped(frame, _first_exprs(k, scale, weighted=weight is not None))
    if None in rows:
        msg = (
            f"The 'segments' parameter of {where} has "
            f"{round(rows[None]['rows'])} missing label(s)."
        )
        raise InputError(msg)
    first = next(iter(rows.values()))
    row = {
        key: float(
            (np.fmin.reduce if _MINIMUM.match(key) else np.nansum)(
                np.array([r[key] for r in rows.values()])
            )
        )
        for key in first
    }
    _check(row, p_cols, e_cols, scale, nan_policy, weight)
    shift = _shift(row, items, k, where)
    labels = sorted(str(label) for label in rows)
    for label in labels:
        _shift(rows[label], items, k, f"{where} (segment {label!r})")
    sums = _grouped(frame, _second_exprs(k, shift, cuts))
    vals = {label: [num(v) for v in sums[label].values()] for label in labels}
    total = np.sum(np.array(list(vals.values())), axis=0).tolist()
    whole = _assemble(row, total, shift, k, weight)
    parts = {}
    for label in labels:
        part = _assemble(rows[label], vals[label], shift, k, weight)
        if _far_from_shift(part):  # its own frame, shifted by its own means
            part = lazy_sums(
                table.segment(label), items, cuts, scale, nan_policy,
                f"{where} (segment {label!r})",
            )  # fmt: skip
        parts[label] = part
    return whole, parts


def _far_from_shift(sums: Sums) -> bool:
    """Whether a segment's sums, shifted by the whole frame's means, cancel.

    (mean - shift)^2 sum w^2 against its centred sum of squares, for a,
    b and c of every triple (see ``CANCEL``); such a segment is summed
    again from its own frame (two more queries).
    """
    for s in sums.blocks:
        if not s["sw"] > 0:
            continue
        for x in "abc":
            d = s[f"s{x}"] / s["sw"]
            centred = s[f"p{x}{x}"] - 2.0 * d * s[f"q{x}"] + d * d * s["sww"]
            if d * d * s["sww"] > CANCEL * max(centred, 0.0):
                return True
    return False


#: First-pass aggregates that are minima (of offending values), not sums.
_MINIMUM = re.compile(r"^(offv|nonposv|negv)\d+$")
_G = "__segment"


def _frame(table: Table, group: str | None = None) -> nw.LazyFrame[Any]:
    """Return the cleaned answers, weight (1 when unweighted) and row flags."""
    p_cols, e_cols = table.role("perceived"), table.role("expected")
    weight = table.weight_column
    frame = cleaned(
        table.lazy, [*e_cols, *p_cols], weight, keep=[] if group is None else [group]
    )
    if group is not None:
        frame = frame.with_columns(nw.col(group).cast(nw.String).alias(_G))
    if weight is None:  # a column of ones: engines sum no bare literal
        frame = frame.with_columns(nw.lit(1.0).alias(W))
    return _prepared(frame, len(e_cols))


def _grouped(
    frame: nw.LazyFrame[Any], exprs: list[nw.Expr]
) -> dict[str | None, dict[str, float]]:
    """One aggregation grouped by segment: each label's values (NaN if null)."""
    out = frame.group_by(_G).agg(*exprs).collect()
    names = [str(c) for c in out.columns if c != _G]
    labels = out.get_column(_G).to_list()
    return {
        None if label is None else str(label): {
            c: float("nan") if v is None else float(v)
            for c, v in zip(names, r, strict=True)
        }
        for label, r in zip(labels, out.select(*names).iter_rows(), strict=True)
    }


def _shift(
    row: dict[str, float], items: Sequence[str], k: int, where: str
) -> list[tuple[float, float, float]]:
    """Return the means that shift the second pass; refuse an empty item."""
    for j in range(k):
        if not row[f"n{j}"] > 0 or not row[f"sw{j}"] > 0:
            msg = (
                f"Item {items[j]!r} of {where} has no respondent with both a "
                "and b and a positive weight."
            )
            raise InputError(msg)
    return [
        (_mean(row, f"sa{j}", f"sw{j}"), _mean(row, f"sb{j}", f"sw{j}"),
         _mean(row, f"sc{j}", f"sw{j}"))
        for j in range(k + 1)
    ]  # fmt: skip


def _assemble(
    row: dict[str, float],
    vals: list[float],
    shift: list[tuple[float, float, float]],
    k: int,
    weight: str | None,
) -> Sums:
    """Return the Sums of a first pass's account and second pass's sums."""
    per = len(_SUMS)
    blocks = [
        dict(zip(_SUMS, vals[j * per : (j + 1) * per], strict=True))
        for j in range(k + 1)
    ]
    below = np.array(vals[(k + 1) * per :]).reshape(k, 4)
    total = np.array([blocks[j]["sw"] for j in range(k)])[:, None]
    grades = np.diff(np.concatenate([np.zeros((k, 1)), below, total], axis=1))
    return Sums(
        blocks=blocks,
        shift=shift,
        grades=grades,
        n_rows=int(row["rows"]),
        no_pair=int(row["no_pair"]),
        zero_w=int(row.get("zero_w", 0)),
        rows_used=int(row["rows_used"]),
        missing=[int(row[f"miss{k + j}"]) for j in range(k)]
        + [int(row[f"miss{j}"]) for j in range(k)],
        weighted=weight is not None,
    )


def _mean(row: dict[str, float], num_key: str, den_key: str) -> float:
    den = row[den_key]
    return row[num_key] / den if den > 0 else 0.0
