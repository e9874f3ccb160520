r"""Per-PSU (or per-stratum) weighted sums for design-based variances.

Taylor linearisation needs only totals per primary sampling unit (Woodruff
1971; Wolter 2007, ch. 6): for each estimated item (or numerator /
denominator pair) the weighted sums :math:`\sum w`, :math:`\sum w y` and
:math:`\sum w y^2` over the respondents who answered, per PSU. One
``group_by(stratum, cluster)`` on the engine returns them for every item
at once, and they merge exactly across partitions. Without clusters every
respondent is a PSU; the rows are then grouped by stratum and the sums of
squared weights are added (:math:`\sum w^2`, :math:`\sum w^2 y`,
:math:`\sum w^2 y^2`), from which the within-stratum sum of squares of the
linearised values follows.

Only elementary aggregations (``sum``, ``min``, ``max``, ``len``) of
precomputed columns are used, so every narwhals lazy backend can run it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np

from .._typing import FloatArray, IntArray
from ..exceptions import InputError
from ._frame import W, bad_weight, num, raise_bad_weights

__all__ = ["DesignSums", "design_sums"]

_G = "__g"


@dataclass(frozen=True, slots=True)
class DesignSums:
    """Sums per group (PSU, or stratum without clusters) and statistic.

    ``sums[name]`` is a (groups, statistics) array; ``keys`` holds each
    group's labels as strings (stratum first, then cluster).
    """

    keys: tuple[tuple[str, ...], ...]
    rows: IntArray
    fpc_low: FloatArray | None
    fpc_high: FloatArray | None
    sums: dict[str, FloatArray]


def _clean(column: str) -> nw.Expr:
    return nw.col(column).cast(nw.Float64).fill_nan(None)


def _products(
    y: nw.Expr, b: nw.Expr | None, *, squares: bool
) -> dict[str, tuple[nw.Expr, nw.Expr]]:
    """Named products: (value if answered, otherwise 0) before the sums."""
    w = nw.col(W)
    out = {"wo": (w, w), "wy": (w * y, w), "wyy": (w * y * y, w), "n": (w, w)}
    if b is not None:
        out |= {"wb": (w * b, w), "wbb": (w * b * b, w), "wyb": (w * y * b, w)}
    if squares:
        ww = w * w
        out |= {"sq_o": (ww, w), "sq_y": (ww * y, w), "sq_yy": (ww * y * y, w)}
        if b is not None:
            out |= {"sq_b": (ww * b, w), "sq_bb": (ww * b * b, w)}
            out |= {"sq_yb": (ww * y * b, w)}
    return out


def design_sums(
    frame: nw.LazyFrame[Any],
    *,
    keys: Sequence[str],
    weight: str | None,
    fpc: str | None,
    numerators: Sequence[str],
    denominators: Sequence[str] | None,
    squares: bool,
    where: str,
    shift: Sequence[float] | None = None,
) -> DesignSums:
    """Weighted sums per group of ``keys`` by one grouped aggregation.

    ``n`` counts the answers of positive weight. A missing key label, or a
    missing, infinite or negative weight, is an :class:`InputError`.
    ``shift`` (one value per numerator) is subtracted from the numerators
    before the products, so that sums of squares of answers far from zero
    keep their digits (the shifted-data algorithm of Chan, Golub & LeVeque
    1983); the sums are then those of ``y - shift``.
    """
    names = [f"__k{i}" for i in range(len(keys))]
    weight_expr = (
        nw.lit(1.0, dtype=nw.Float64) if weight is None else _clean(weight)
    ).alias(W)
    base = frame.select(
        *(nw.col(k).cast(nw.String).alias(n) for k, n in zip(keys, names, strict=True)),
        weight_expr,
        *([] if fpc is None else [_clean(fpc).alias("__fpc")]),
        *(
            (_clean(c) - (0.0 if shift is None else float(shift[j]))).alias(f"__y{j}")
            for j, c in enumerate(numerators)
        ),
        *(_clean(c).alias(f"__b{j}") for j, c in enumerate(denominators or ())),
    )
    columns: list[nw.Expr] = [
        nw.when(bad_weight(nw.col(W))).then(1).otherwise(0).alias("__bad")
    ]
    labels: list[str] = []
    for j in range(len(numerators)):
        y = nw.col(f"__y{j}")
        b = None if denominators is None else nw.col(f"__b{j}")
        answered = ~y.is_null() if b is None else ~(y.is_null() | b.is_null())
        for label, (value, w) in _products(y, b, squares=squares).items():
            name = f"__{label}_{j}"
            labels.append(name)
            if label == "n":
                expr = nw.when(answered & (w > 0)).then(1.0).otherwise(0.0)
            else:
                expr = nw.when(answered).then(value).otherwise(0.0)
            columns.append(expr.alias(name))
    aggs = [nw.len().alias("__rows"), nw.col("__bad").sum().alias("__bad")]
    aggs += [nw.col(c).sum().alias(c) for c in labels]
    if fpc is not None:
        aggs += [
            nw.col("__fpc").min().alias("__lo"),
            nw.col("__fpc").max().alias("__hi"),
        ]
    part = base.with_columns(*columns)
    out = (part.group_by(*names).agg(*aggs) if names else part.select(*aggs)).collect()
    raise_bad_weights(
        int(sum(num(v) for v in out.get_column("__bad").to_list())), weight, where
    )
    key_values = [out.get_column(n).to_list() for n in names]
    for k, values in zip(keys, key_values, strict=True):
        if any(v is None for v in values):
            msg = (
                f"The design column {k!r} of {where} has missing labels: every "
                "respondent needs a stratum and a cluster."
            )
            raise InputError(msg)
    n_groups = len(out.get_column("__rows").to_list())
    unordered = [tuple(str(col[g]) for col in key_values) for g in range(n_groups)]
    # the order of the rows in memory (np.unique of "stratum\0cluster"), so
    # that a random draw over the PSUs is the same on every engine
    order = sorted(range(n_groups), key=lambda g: "\x00".join(unordered[g]))
    group_keys = tuple(unordered[g] for g in order)
    p = len(numerators)
    kinds = {name.rsplit("_", 1)[0][2:] for name in labels}
    sums = {
        label: np.array(
            [
                [num(v) for v in out.get_column(f"__{label}_{j}").to_list()]
                for j in range(p)
            ],
            dtype=np.float64,
        ).T.reshape(n_groups, p)[order]
        for label in kinds
    }

    def bounds(name: str) -> FloatArray | None:
        if fpc is None:
            return None
        values = out.get_column(name).to_list()
        return np.array([np.nan if v is None else float(v) for v in values])[order]

    return DesignSums(
        keys=group_keys,
        rows=np.array(out.get_column("__rows").to_list(), dtype=np.int64)[order],
        fpc_low=bounds("__lo"),
        fpc_high=bounds("__hi"),
        sums=sums,
    )
