"""Shared helpers of the lazy engines: wrapping, column checks, clean columns."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import narwhals.stable.v2 as nw

from ..exceptions import InputError

__all__ = [
    "CANCEL",
    "W",
    "bad_weight",
    "cleaned",
    "engine_name",
    "num",
    "off_scale",
    "off_scale_counts",
    "raise_bad_weights",
    "resolve_columns",
    "to_lazy",
    "tree",
    "xcol",
]

INF = float("inf")
#: A sum of squares (raw, or shifted by a mean other than its own) over
#: this many times its centred value loses more than six of a double's
#: sixteen digits when centred: answers near 1e7 with a rating scale's
#: spread lost 1e-3 of a standard error. Grouped Moments, the ratio's
#: grouped segments and design means then read the data again, shifted by
#: the data's own means (Chan, Golub & LeVeque 1983).
CANCEL = 1e6
#: Internal name of the cleaned weight column.
W = "__w"


def to_lazy(data: object) -> nw.LazyFrame[Any]:
    """Wrap a native lazy frame in narwhals (quietly for Dask)."""
    with warnings.catch_warnings():
        # narwhals announces that Dask support moves to a plug-in package;
        # the built-in support still works and is what we use.
        warnings.simplefilter("ignore", FutureWarning)
        frame = nw.from_native(data, pass_through=True)
    if not isinstance(frame, nw.LazyFrame):
        msg = f"Expected a lazy frame. Got {type(data).__name__} instead."
        raise InputError(msg)
    return frame


def engine_name(frame: nw.LazyFrame[Any]) -> str:
    """Lower-case engine name: "dask", "duckdb", "polars", "pyspark", ..."""
    return str(frame.implementation).rsplit(".", 1)[-1].lower()


def resolve_columns(
    frame: nw.LazyFrame[Any],
    columns: Sequence[str] | None,
    weights: object,
    where: str,
    *,
    name: str = "data",
) -> tuple[tuple[str, ...], str | None]:
    """Check the selected columns (numeric) and the weights column name."""
    schema = dict(frame.collect_schema())
    names = list(schema)
    if isinstance(columns, str):
        columns = [columns]
    cols = tuple(str(c) for c in columns) if columns is not None else tuple(names)
    unknown = [c for c in cols if c not in schema]
    if unknown:
        msg = (
            f"The '{name}' data of {where} has no column(s) {unknown}. "
            f"Available columns: {names}."
        )
        raise InputError(msg)
    if not cols:
        msg = f"The '{name}' parameter of {where} has no columns."
        raise InputError(msg)
    for c in cols:
        dtype = schema[c]
        if not (dtype.is_numeric() or dtype == nw.Boolean):
            msg = (
                f"Column '{c}' of the '{name}' parameter of {where} must be "
                f"numeric. Got dtype {dtype} instead."
            )
            raise InputError(msg)
    if weights is None:
        return cols, None
    if not isinstance(weights, str):
        msg = (
            f"The 'weights' parameter of {where} must name a column of a "
            f"lazy frame (rows of a lazy frame have no fixed order to align "
            f"an array with). Got {type(weights).__name__} instead."
        )
        raise InputError(msg)
    if weights not in schema:
        msg = (
            f"The 'weights' column {weights!r} of {where} is not in the "
            f"data. Available columns: {names}."
        )
        raise InputError(msg)
    if not schema[weights].is_numeric():
        msg = (
            f"The weights column {weights!r} of {where} must be numeric. "
            f"Got dtype {schema[weights]} instead."
        )
        raise InputError(msg)
    if weights in cols:
        msg = f"The weights column {weights!r} is also listed in 'columns'."
        raise InputError(msg)
    return cols, weights


def clean(column: str) -> nw.Expr:
    """Return the column as float64 with NaN turned into null (both missing)."""
    e = nw.col(column).cast(nw.Float64)
    return nw.when(~e.is_nan()).then(e)


def xcol(i: int) -> nw.Expr:
    """Return internal column i: float64, null where missing."""
    return nw.col(f"__x{i}")


def cleaned(
    frame: nw.LazyFrame[Any],
    cols: Sequence[str],
    weight: str | None,
    keep: Sequence[str] = (),
) -> nw.LazyFrame[Any]:
    """Select ``__x{i}`` (float64, NaN and null both null), ``__w`` and ``keep``."""
    exprs = [clean(c).alias(f"__x{i}") for i, c in enumerate(cols)]
    if weight is not None:
        exprs.append(clean(weight).alias(W))
    exprs += [nw.col(k) for k in keep]
    return frame.select(*exprs)


def off_scale(
    x: nw.Expr, kind: str, minimum: float, maximum: float, points: Sequence[float]
) -> nw.Expr:
    """Return true for a finite answer off a scale (null where ``x`` is null).

    ``kind`` is a :class:`~satmodels.scales.Scale`'s: an interval checks the
    range, a Likert scale also whole numbers, a levels scale its points.
    """
    if kind == "levels":
        out = ~x.is_in(list(points))
    else:
        out = (x < minimum) | (x > maximum)
        if kind == "likert":
            out = out | (x.floor() != x)
    return out & (x.abs() != INF)


def off_scale_counts(
    frame: nw.LazyFrame[Any],
    cols: Sequence[str],
    kind: str,
    bounds: tuple[float, float],
    points: Sequence[float],
) -> list[tuple[str, int, float]]:
    """Count each column's answers off a scale, and their smallest: one query.

    Returns (column, count, smallest) of every column with such answers;
    NaN is missing, not off the scale; an infinite value is counted.
    """
    exprs: list[nw.Expr] = []
    for i, c in enumerate(cols):
        x = clean(c)
        bad = off_scale(x, kind, bounds[0], bounds[1], points) | (x.abs() == INF)
        exprs += [
            bad.cast(nw.Int64).sum().alias(f"n{i}"),
            nw.when(bad).then(x).min().alias(f"v{i}"),
        ]
    row = frame.select(*exprs).collect().row(0)
    return [
        (c, int(num(row[2 * i])), num(row[2 * i + 1]))
        for i, c in enumerate(cols)
        if num(row[2 * i])
    ]


def bad_weight(w: nw.Expr) -> nw.Expr:
    """Missing, infinite or negative weights."""
    return w.is_null() | (w.abs() == INF) | (w < 0)


def num(value: object) -> float:
    """Convert an engine's scalar (None, Decimal, numpy, Python) to float."""
    if value is None:
        return 0.0
    if isinstance(value, Decimal):
        return float(value)
    f = float(value)  # type: ignore[arg-type]
    return 0.0 if math.isnan(f) else f


def raise_bad_weights(n_bad: int, weight: str | None, where: str) -> None:
    """Refuse missing, infinite or negative weights, naming the column."""
    if n_bad:
        msg = (
            f"The 'weights' parameter of {where} must be finite and "
            f"non-negative. Got {n_bad} missing, infinite or "
            f"negative value(s) in column {weight!r}."
        )
        raise InputError(msg)


def tree(dk: Any, pieces: list[Any], func: Callable[..., Any]) -> Any:  # noqa: ANN401
    """Reduce delayed pieces pairwise (a binary tree of ``func`` tasks)."""
    combine = dk.delayed(func, pure=True)
    while len(pieces) > 1:
        nxt = [combine(pieces[k], pieces[k + 1]) for k in range(0, len(pieces) - 1, 2)]
        if len(pieces) % 2:
            nxt.append(pieces[-1])
        pieces = nxt
    return pieces[0]
