r"""Category and pair counts on expression engines by the engine's own grouping.

The answers of every counted column (or column pair) are stacked into one
long frame ``(k, a[, b], g, w)``: ``k`` the column's (pair's) index, ``a``
and ``b`` the cleaned answers (null = missing), ``g`` the weight class
(1 positive, 0 zero, -1 missing, infinite or negative) and ``w`` the case
weight. One ``group_by(k, a, b, g).agg(len, sum w, sum w^2)`` on the engine
gives every cell; only the distinct answer combinations come back (a few
hundred rows for 20 Kano pairs), and numpy places them into the tables.
This replaces one engine expression per table cell, which made DuckDB and
polars plan thousands of aggregates.

Rows of weight 0 are excluded from the counts and from ``missing`` and
counted in ``zero_weight``, as :class:`~satmodels.stats.Moments` excludes
them; answers outside the categories are reported (column, an example
value, how many rows) whatever the weight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np

from .._typing import FloatArray, IntArray
from ..exceptions import InputError
from ._frame import W, bad_weight, engine_name, num, raise_bad_weights
from ._protocol import Cells, CellTotals, CountSums, Invalid, PairSums
from .memory import match

__all__ = [
    "category_counts",
    "cell_totals",
    "grouped_category_counts",
    "grouped_pair_counts",
    "pair_counts",
    "with_cell_factors",
]

_K, _A, _B, _G, _S = "__k", "__a", "__b", "__g", "__s"


@dataclass(frozen=True, slots=True)
class _Groups:
    """The engine's groups: unit (column or pair), answers, weight class, sums."""

    unit: IntArray
    wclass: IntArray
    n: IntArray
    ws: FloatArray
    wq: FloatArray
    a: FloatArray
    b: FloatArray
    label: np.ndarray[Any, Any] | None = None  # segment label per group

    def split(self, where: str) -> dict[str, _Groups]:
        """Return the groups of each segment label, in sorted label order."""
        labels = self.label
        assert labels is not None  # noqa: S101 - only grouped counts split
        absent = np.array([v is None for v in labels.tolist()], dtype=bool)
        if absent.any():
            rows = int(self.n[(self.unit == 0) & absent].sum())
            msg = f"The 'segments' parameter of {where} has {rows} missing label(s)."
            raise InputError(msg)
        out: dict[str, _Groups] = {}
        for label in sorted({str(v) for v in labels.tolist()}):
            mine = labels == label
            out[label] = _Groups(
                unit=self.unit[mine],
                wclass=self.wclass[mine],
                n=self.n[mine],
                ws=self.ws[mine],
                wq=self.wq[mine],
                a=self.a[mine],
                b=self.b[mine],
            )
        return out


def _clean(column: str) -> nw.Expr:
    """Float64 with NaN as null (``fill_nan`` is cheaper than when/then)."""
    return nw.col(column).cast(nw.Float64).fill_nan(None)


def _weight_class(weight: str | None) -> nw.Expr:
    if weight is None:
        return nw.lit(1, dtype=nw.Int64)
    w = nw.col(W)
    positive = nw.when(w > 0).then(nw.lit(1)).otherwise(nw.lit(0))
    return nw.when(bad_weight(w)).then(nw.lit(-1)).otherwise(positive).cast(nw.Int64)


def _names(weight: str | None) -> list[str]:
    return ["__n", "__ws", "__wq"] if weight is not None else ["__n"]


def _grouped(
    frame: nw.LazyFrame[Any],
    flat: Sequence[str],
    weight: str | None,
    groups: Sequence[Sequence[int]],
    segment: str | None = None,
) -> _Groups:
    """Stack ``groups`` (column indices per counted unit) and count by group.

    Each part reads only its own columns (and the weight), cleaned there, so
    no engine computes a cleaned copy of every column once per part. With
    ``segment`` (a label column) every segment is counted in the same
    aggregation, its label (as a string) one more grouping key.
    """
    keys = [_A, _B][: len(groups[0])]
    extra = [] if weight is None else [_clean(weight).alias(W)]
    if segment is not None:
        extra.append(nw.col(segment).cast(nw.String).alias(_S))
    parts = [
        frame.select(
            nw.lit(k, dtype=nw.Int64).alias(_K),
            *(_clean(flat[i]).alias(key) for i, key in zip(idx, keys, strict=True)),
            *extra,
        ).with_columns(_weight_class(weight).alias(_G))
        for k, idx in enumerate(groups)
    ]
    aggs = [nw.len().alias("__n")]
    if weight is not None:
        aggs += [
            nw.col(W).sum().alias("__ws"),
            (nw.col(W) * nw.col(W)).sum().alias("__wq"),
        ]
    by = [_K, *keys, _G] + ([] if segment is None else [_S])
    if engine_name(frame) == "polars":
        # polars runs one small query per unit in parallel (collect_all)
        # faster than over their long union
        import polars as pl  # noqa: PLC0415 - this engine only

        queries = [part.group_by(*by).agg(*aggs).to_native() for part in parts]
        outs = [nw.from_native(o) for o in pl.collect_all(queries)]
        out = nw.concat([o.select(*by, *_names(weight)) for o in outs])
    else:  # one query over the stacked units (DuckDB, Spark: one job)
        long = nw.concat(parts, how="vertical")
        out = long.group_by(*by).agg(*aggs).collect()

    def values(name: str) -> FloatArray:
        return np.array(
            [np.nan if v is None else float(v) for v in out.get_column(name).to_list()],
            dtype=np.float64,
        )

    n = values("__n").astype(np.int64)
    if weight is None:
        ws = wq = n.astype(np.float64)
    else:
        ws = np.array([num(v) for v in out.get_column("__ws").to_list()])
        wq = np.array([num(v) for v in out.get_column("__wq").to_list()])
    return _Groups(
        unit=values(_K).astype(np.int64),
        wclass=values(_G).astype(np.int64),
        n=n,
        ws=ws,
        wq=wq,
        a=values(_A),
        b=values(_B) if len(keys) > 1 else values(_A),
        label=None
        if segment is None
        else np.array(
            [None if v is None else str(v) for v in out.get_column(_S).to_list()],
            dtype=object,
        ),
    )


def _cells(
    g: _Groups,
    shape: tuple[int, ...],
    cell: tuple[IntArray, ...],
    miss: np.ndarray[Any, Any],
    *,
    weight: str | None,
    where: str,
) -> Cells:
    """Add the groups' counts into their cells (``cell``: index per group).

    Groups of weight class 1 (positive weight) count in their cell when
    ``cell`` is valid for them and as missing where ``miss``.
    """
    first = g.unit == 0
    raise_bad_weights(int(g.n[first & (g.wclass < 0)].sum()), weight, where)
    use = (g.wclass == 1) & ~miss & np.all([c >= 0 for c in cell], axis=0)
    idx = (g.unit[use], *(c[use] for c in cell))
    counts = np.zeros(shape, dtype=np.int64)
    weighted, weighted_sq = np.zeros(shape), np.zeros(shape)
    np.add.at(counts, idx, g.n[use])
    np.add.at(weighted, idx, g.ws[use])
    np.add.at(weighted_sq, idx, g.wq[use])
    missing = np.zeros(shape[0], dtype=np.int64)
    gone = miss & (g.wclass == 1)
    np.add.at(missing, g.unit[gone], g.n[gone])
    rows_total = int(g.n[first].sum())
    zero = int(g.n[first & (g.wclass == 0)].sum())
    return Cells(counts, weighted, weighted_sq, missing, rows_total, zero)


def _invalid(
    column: str, bad: np.ndarray[Any, Any], values: FloatArray, n: IntArray
) -> Invalid | None:
    if not bad.any():
        return None
    return Invalid(
        column=column, value=float(values[bad].min()), count=int(n[bad].sum())
    )


def category_counts(
    frame: nw.LazyFrame[Any],
    cols: tuple[str, ...],
    weight: str | None,
    categories: FloatArray,
    *,
    where: str,
) -> CountSums:
    """Per-column counts of each category by one grouped aggregation."""
    g = _grouped(frame, cols, weight, [[i] for i in range(len(cols))])
    return _category_sums(g, cols, weight, categories, where)


def grouped_category_counts(
    frame: nw.LazyFrame[Any],
    cols: tuple[str, ...],
    weight: str | None,
    categories: FloatArray,
    segment: str,
    *,
    where: str,
) -> dict[str, CountSums]:
    """Per-column counts of every segment label by one grouped aggregation."""
    g = _grouped(frame, cols, weight, [[i] for i in range(len(cols))], segment)
    return {
        label: _category_sums(part, cols, weight, categories, where)
        for label, part in g.split(where).items()
    }


def _category_sums(
    g: _Groups,
    cols: tuple[str, ...],
    weight: str | None,
    categories: FloatArray,
    where: str,
) -> CountSums:
    codes, bad, nan = match(g.a, categories)
    cells = _cells(
        g, (len(cols), len(categories)), (codes,), nan, weight=weight, where=where
    )
    invalid = tuple(
        _invalid(c, bad & (g.unit == j), g.a, g.n) for j, c in enumerate(cols)
    )
    return CountSums(columns=cols, cells=cells, invalid=invalid)


def pair_counts(
    frame: nw.LazyFrame[Any],
    pairs: Sequence[tuple[str, str]],
    weight: str | None,
    categories_a: FloatArray,
    categories_b: FloatArray,
    *,
    where: str,
) -> PairSums:
    """Joint counts per column pair by one grouped aggregation."""
    flat = list(dict.fromkeys(c for pair in pairs for c in pair))
    groups = [[flat.index(a), flat.index(b)] for a, b in pairs]
    g = _grouped(frame, flat, weight, groups)
    return _pair_sums(g, pairs, weight, categories_a, categories_b, where)


def grouped_pair_counts(  # noqa: PLR0917 - mirrors pair_counts
    frame: nw.LazyFrame[Any],
    pairs: Sequence[tuple[str, str]],
    weight: str | None,
    categories_a: FloatArray,
    categories_b: FloatArray,
    segment: str,
    *,
    where: str,
) -> dict[str, PairSums]:
    """Joint counts per column pair of every segment label, one aggregation."""
    flat = list(dict.fromkeys(c for pair in pairs for c in pair))
    groups = [[flat.index(a), flat.index(b)] for a, b in pairs]
    g = _grouped(frame, flat, weight, groups, segment)
    return {
        label: _pair_sums(part, pairs, weight, categories_a, categories_b, where)
        for label, part in g.split(where).items()
    }


def _pair_sums(  # noqa: PLR0917 - private
    g: _Groups,
    pairs: Sequence[tuple[str, str]],
    weight: str | None,
    categories_a: FloatArray,
    categories_b: FloatArray,
    where: str,
) -> PairSums:
    shape = (len(pairs), len(categories_a), len(categories_b))
    ca, bad_a, nan_a = match(g.a, categories_a)
    cb, bad_b, nan_b = match(g.b, categories_b)
    cells = _cells(g, shape, (ca, cb), nan_a | nan_b, weight=weight, where=where)
    invalid: list[Invalid | None] = []
    for k, (a, b) in enumerate(pairs):
        mine = g.unit == k
        rows = int(g.n[mine & (bad_a | bad_b)].sum())
        first = _invalid(a, mine & bad_a, g.a, g.n) or _invalid(
            b, mine & bad_b, g.b, g.n
        )
        invalid.append(
            None
            if first is None
            else Invalid(column=first.column, value=first.value, count=rows)
        )
    return PairSums(cells=cells, invalid=tuple(invalid))


def cell_totals(
    frame: nw.LazyFrame[Any],
    keys: Sequence[str],
    weight: str | None,
    *,
    where: str,
) -> CellTotals:
    """Rows and weight per combination of ``keys`` by one grouped aggregation.

    The key columns are compared as strings (their labels); a missing key
    comes back as None. Rows are split by weight class as in the counts, so
    the caller refuses bad weights and leaves zero weights out.
    """
    names = [f"__k{i}" for i in range(len(keys))]
    extra = [] if weight is None else [_clean(weight).alias(W)]
    part = frame.select(
        *(nw.col(k).cast(nw.String).alias(n) for k, n in zip(keys, names, strict=True)),
        *extra,
    ).with_columns(_weight_class(weight).alias(_G))
    aggs = [nw.len().alias("__n")]
    if weight is not None:
        # elementary aggregations only (Dask's group_by takes no expressions)
        part = part.with_columns((nw.col(W) * nw.col(W)).alias("__w2"))
        w = nw.col(W)
        aggs += [
            w.sum().alias("__ws"),
            nw.col("__w2").sum().alias("__wq"),
            w.min().alias("__wmin"),
            w.max().alias("__wmax"),
        ]
    out = part.group_by(*names, _G).agg(*aggs).collect()
    n = np.array(out.get_column("__n").to_list(), dtype=np.int64)
    wclass = np.array(out.get_column(_G).to_list(), dtype=np.int64)
    raise_bad_weights(int(n[wclass < 0].sum()), weight, where)

    def sums(name: str) -> FloatArray:
        if weight is None:
            return n.astype(np.float64) if name in {"__ws", "__wq"} else np.ones(n.size)
        return np.array([num(v) for v in out.get_column(name).to_list()])

    columns = [out.get_column(name).to_list() for name in names]
    labels = tuple(
        tuple(None if v is None else str(v) for v in row)
        for row in zip(*columns, strict=True)
    )
    return CellTotals(
        labels=labels,
        weight_class=wclass,
        n=n,
        weight_sum=sums("__ws"),
        weight_sq_sum=sums("__wq"),
        weight_min=sums("__wmin"),
        weight_max=sums("__wmax"),
    )


def _spellings(label: str) -> list[str]:
    """Return the texts an engine may give a label cast to a string."""
    try:
        number = float(label)
    except ValueError:
        return [label]
    if number.is_integer():
        return [label, f"{label}.0"]
    return [label]


def with_cell_factors(
    frame: Any,  # noqa: ANN401 - a narwhals DataFrame or LazyFrame
    keys: Sequence[str],
    cells: Sequence[Sequence[str]],
    factors: FloatArray,
    *,
    weight: str | None,
    name: str,
) -> Any:  # noqa: ANN401 - the same kind of narwhals frame
    """Add column ``name`` = starting weight x the factor of the row's cell.

    A row in no listed cell gets a null weight (the caller checks there are
    none). One expression of nested ``when``/``then``, evaluated by the
    engine: the rows never leave it.
    """
    factor: nw.Expr = nw.lit(None, dtype=nw.Float64)
    for cell, f in zip(reversed(cells), reversed(factors.tolist()), strict=True):
        match = nw.all_horizontal(
            *(
                nw.col(k).cast(nw.String).is_in(_spellings(label))
                for k, label in zip(keys, cell, strict=True)
            ),
            ignore_nulls=False,
        )
        factor = nw.when(match).then(nw.lit(f)).otherwise(factor)
    start = nw.lit(1.0) if weight is None else nw.col(weight).cast(nw.Float64)
    return frame.with_columns((start * factor).alias(name))
