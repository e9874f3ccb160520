"""Sums over a lazy frame: each term written once, sent as narwhals or SQL.

The moment kernels of the expression engines ask for thousands of sums
(pairwise moments of 44 columns: about 7,800). Through narwhals every
engine evaluates them in one aggregation, but on DuckDB the Python client
then checks each expression against every column name, and narwhals'
grouped aggregation ends with a ``select`` renaming every output column:
the cost grows with the square of the number of sums (53 s for the 7,800
sums of one grouped aggregation). A DuckDB relation therefore gets the same
terms as SQL text in one ``aggregate`` call (1.5 s); other engines get the
narwhals expressions. Terms are small trees (a column, the literal 1, a
product or sum of two terms), so both renderings come from one definition
and compute the same numbers: NULL propagates through ``+`` and ``*`` and
sums skip it in both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np

from .._typing import FloatArray
from ._frame import num

__all__ = ["ONE", "Term", "add", "col", "mul", "sum_all", "sum_by", "to_expr"]

#: A term: ``("col", name)``, ``("one",)``, ``("mul", a, b)`` or ``("add", a, b)``.
Term = tuple[Any, ...]
ONE: Term = ("one",)


def col(name: str) -> Term:
    """Return the term of a column."""
    return ("col", name)


def mul(a: Term, b: Term) -> Term:
    """Return the product of two terms."""
    return ("mul", a, b)


def add(a: Term, b: Term) -> Term:
    """Return the sum of two terms."""
    return ("add", a, b)


def to_expr(term: Term, one: nw.Expr | None = None) -> nw.Expr:
    """Render a term as a narwhals expression (``one``: what 1 is, a literal)."""
    kind = term[0]
    if kind == "col":
        return nw.col(term[1])
    if kind == "one":
        return nw.lit(1.0) if one is None else one
    left, right = to_expr(term[1], one), to_expr(term[2], one)
    return left * right if kind == "mul" else left + right


def to_sql(term: Term) -> str:
    """Render a term as DuckDB SQL (our own column names, quoted)."""
    kind = term[0]
    if kind == "col":
        return '"' + str(term[1]).replace('"', '""') + '"'
    if kind == "one":
        return "1.0"
    op = "*" if kind == "mul" else "+"
    return f"({to_sql(term[1])} {op} {to_sql(term[2])})"


def _duckdb(frame: nw.LazyFrame[Any]) -> Any:  # noqa: ANN401 - a DuckDB relation
    """Return the DuckDB relation under ``frame``, or None for other engines."""
    if frame.implementation is nw.Implementation.DUCKDB:
        return frame.to_native()
    return None


def _narwhals_sums(
    frame: nw.LazyFrame[Any], terms: Sequence[Term]
) -> tuple[nw.LazyFrame[Any], list[nw.Expr]]:
    """Return the frame with a column of ones and the terms' sums ``__a{k}``.

    An aggregation takes no sum of a bare literal, so 1 is that column.
    """
    one = nw.col("__sums_one")
    exprs = [to_expr(t, one).sum().alias(f"__a{k}") for k, t in enumerate(terms)]
    return frame.with_columns(nw.lit(1.0).alias("__sums_one")), exprs


def sum_all(frame: nw.LazyFrame[Any], terms: Sequence[Term]) -> FloatArray:
    """Sum every term over all rows: one aggregation, a float per term."""
    rel = _duckdb(frame)
    if rel is not None:
        (row,) = rel.aggregate(", ".join(f"sum({to_sql(t)})" for t in terms)).fetchall()
        return np.array([num(v) for v in row], dtype=np.float64)
    with_one, exprs = _narwhals_sums(frame, terms)
    out = with_one.select(*exprs).collect()
    return np.array([num(v) for v in out.row(0)], dtype=np.float64)


def sum_by(
    frame: nw.LazyFrame[Any], key: str, terms: Sequence[Term]
) -> list[tuple[Any, FloatArray]]:
    """Sum every term per value of column ``key``, in sorted key order."""
    rel = _duckdb(frame)
    if rel is not None:
        k = to_sql(col(key))
        aggs = ", ".join(f"sum({to_sql(t)})" for t in terms)
        rows = [tuple(r) for r in rel.aggregate(f"{k}, {aggs}", k).fetchall()]
    else:
        with_one, exprs = _narwhals_sums(frame, terms)
        out = with_one.group_by(key).agg(*exprs).collect()
        names = [key, *(f"__a{j}" for j in range(len(terms)))]
        rows = list(out.select(*names).iter_rows())
    return [
        (r[0], np.array([num(v) for v in r[1:]], dtype=np.float64))
        for r in sorted(rows, key=lambda r: (r[0] is None, r[0]))
    ]
