"""Engines: where the sums are computed. One module per engine family.

- :mod:`~satmodels.engines.memory`: numpy kernels for rows in memory
  (moments, bootstrap replicate sums, category counts);
- :mod:`~satmodels.engines.dask`: the same kernels on every Dask partition,
  merged exactly;
- :mod:`~satmodels.engines.expressions`: PySpark, DuckDB and polars lazy
  through narwhals expressions (moments in two passes);
- :mod:`~satmodels.engines.grouped`: category and pair counts by the
  engine's own ``group_by``;
- :mod:`~satmodels.engines.poisson`: the Poisson bootstrap on any engine.

Every engine returns the typed arrays of :mod:`~satmodels.engines._protocol`
(:class:`MomentSums`, :class:`CountSums`, :class:`PairSums`); the statistics
layer (:mod:`satmodels.stats`) builds ``Moments`` and ``CategoryCounts``
from them. Engines import neither the statistics layer nor any model. The
functions below take a lazy frame (native or narwhals), check its columns
and dispatch to the engine that holds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._typing import FloatArray
from ._frame import engine_name, resolve_columns, to_lazy
from ._protocol import (
    Account,
    Cells,
    CellTotals,
    CountSums,
    Invalid,
    Missing,
    MomentsRequest,
    MomentSums,
    PairMoments,
    PairSums,
    check_finite,
)

__all__ = [
    "Account",
    "CellTotals",
    "Cells",
    "CountSums",
    "Invalid",
    "MomentSums",
    "MomentsRequest",
    "PairMoments",
    "PairSums",
    "check_finite",
    "engine_name",
    "lazy_bootstrap",
    "lazy_category_counts",
    "lazy_grouped_category_counts",
    "lazy_grouped_moments",
    "lazy_grouped_pair_counts",
    "lazy_moments",
    "lazy_pair_counts",
    "to_lazy",
]


def lazy_moments(
    data: object,
    *,
    columns: Sequence[str] | None,
    weights: object,
    missing: Missing,
    nan_policy: str,
    where: str,
    name: str = "data",
) -> MomentSums:
    """Moments of a lazy frame, aggregated on its engine."""
    frame = to_lazy(data)
    cols, weight = resolve_columns(frame, columns, weights, where, name=name)
    req = MomentsRequest(cols, weight, missing, nan_policy, where, name)
    if engine_name(frame) == "dask":
        from . import dask  # noqa: PLC0415 - optional engine

        return dask.moments(frame, req)
    from . import expressions  # noqa: PLC0415

    return expressions.moments(frame, req)


def lazy_grouped_moments(
    data: object,
    *,
    columns: Sequence[str] | None,
    weights: object,
    missing: Missing,
    nan_policy: str,
    where: str,
    group: str,
    name: str = "data",
) -> dict[str, MomentSums] | None:
    """Moments of every label of ``group`` in one grouped aggregation.

    None for Dask, whose grouped aggregations take no expressions: the
    caller fits each group from a filtered frame instead.
    """
    frame = to_lazy(data)
    if engine_name(frame) == "dask":
        return None
    cols, weight = resolve_columns(frame, columns, weights, where, name=name)
    req = MomentsRequest(cols, weight, missing, nan_policy, where, name)
    from .grouped_moments import grouped_moments  # noqa: PLC0415

    return grouped_moments(frame, req, group)


def lazy_bootstrap(
    data: object,
    *,
    columns: Sequence[str] | None,
    weights: object,
    missing: Missing,
    n_resamples: int,
    rng: np.random.Generator,
    where: str,
) -> MomentSums:
    """Poisson(1) bootstrap replicates of the moments of a lazy frame."""
    from .poisson import poisson_bootstrap  # noqa: PLC0415

    frame = to_lazy(data)
    cols, weight = resolve_columns(frame, columns, weights, where)
    req = MomentsRequest(cols, weight, missing, "omit", where)
    return poisson_bootstrap(frame, req, n_resamples=n_resamples, rng=rng)


def lazy_category_counts(
    data: object,
    *,
    columns: Sequence[str] | None,
    categories: FloatArray,
    weights: object,
    where: str,
) -> CountSums:
    """Per-column category counts on the engine."""
    frame = to_lazy(data)
    cols, weight = resolve_columns(frame, columns, weights, where)
    if engine_name(frame) == "dask":
        from . import dask  # noqa: PLC0415

        return dask.category_counts(frame, cols, weight, categories, where=where)
    from . import grouped  # noqa: PLC0415

    return grouped.category_counts(frame, cols, weight, categories, where=where)


def lazy_grouped_category_counts(
    data: object,
    *,
    columns: Sequence[str] | None,
    categories: FloatArray,
    weights: object,
    where: str,
    group: str,
) -> dict[str, CountSums] | None:
    """Category counts of every label of ``group`` in one grouped aggregation.

    None for Dask (the caller counts each group's filtered frame).
    """
    frame = to_lazy(data)
    if engine_name(frame) == "dask":
        return None
    cols, weight = resolve_columns(frame, columns, weights, where)
    from . import grouped  # noqa: PLC0415

    return grouped.grouped_category_counts(
        frame, cols, weight, categories, group, where=where
    )


def lazy_grouped_pair_counts(
    data: object,
    *,
    pairs: Sequence[tuple[str, str]],
    categories_a: FloatArray,
    categories_b: FloatArray,
    weights: object,
    where: str,
    group: str,
) -> dict[str, PairSums] | None:
    """Joint counts of every label of ``group`` in one grouped aggregation.

    None for Dask (the caller counts each group's filtered frame).
    """
    frame = to_lazy(data)
    if engine_name(frame) == "dask":
        return None
    flat = list(dict.fromkeys(c for pair in pairs for c in pair))
    _, weight = resolve_columns(frame, flat, weights, where)
    from . import grouped  # noqa: PLC0415

    return grouped.grouped_pair_counts(
        frame, pairs, weight, categories_a, categories_b, group, where=where
    )


def lazy_pair_counts(
    data: object,
    *,
    pairs: Sequence[tuple[str, str]],
    categories_a: FloatArray,
    categories_b: FloatArray,
    weights: object,
    where: str,
) -> PairSums:
    """Joint counts of column pairs on the engine."""
    frame = to_lazy(data)
    flat = list(dict.fromkeys(c for pair in pairs for c in pair))
    _, weight = resolve_columns(frame, flat, weights, where)
    module: Any
    if engine_name(frame) == "dask":
        from . import dask as module  # noqa: PLC0415
    else:
        from . import grouped as module  # noqa: PLC0415
    result: PairSums = module.pair_counts(
        frame, pairs, weight, categories_a, categories_b, where=where
    )
    return result


def lazy_cell_totals(
    data: object, *, keys: Sequence[str], weights: str | None, where: str
) -> CellTotals:
    """Rows and weight per combination of label columns, on the engine.

    The caller (the data layer) has checked that ``keys`` and the weights
    column exist; label columns may have any type.
    """
    from . import grouped  # noqa: PLC0415

    return grouped.cell_totals(to_lazy(data), keys, weights, where=where)
