"""Moments for :class:`satmodels.data.Table`: rows in memory and lazy frames.

The internal table calls these after :func:`satmodels.data.read` has
checked the input; they hand the rows or the lazy frame to the engines and
build :class:`~satmodels.stats.moments.Moments` from the typed sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from .. import engines
from .._typing import FloatArray
from .._validation import validated
from ..engines import lazy_bootstrap, memory
from ..engines._protocol import Missing
from ._counting import CountsInput, PairCountsInput
from ._moments_kernels import check_options, replicate_sums
from .counts import CategoryCounts
from .moments import Moments
from .pairs import PairCounts, _count_pairs

if TYPE_CHECKING:
    from ..data._table import Table

__all__ = [
    "_bootstrap_values",
    "_moments_from_values",
    "category_counts",
    "lazy_moments",
    "lazy_poisson_bootstrap",
    "pair_counts",
]


def _moments_from_values(
    x: FloatArray,
    columns: tuple[str, ...],
    w: FloatArray | None,
    *,
    missing: Missing,
    nan_policy: Literal["omit", "raise"],
    backend: str | None,
    where: str,
    name: str = "data",
) -> Moments:
    """Moments of a validated matrix in memory (NaN = missing)."""
    sums = memory.moments(
        x, columns, w, missing=missing, nan_policy=nan_policy, where=where, name=name
    )
    return Moments._from_sums(sums, backend=backend, where=where, name=name)


def _bootstrap_values(  # noqa: PLR0917
    x: FloatArray,
    base: Moments,
    w: FloatArray | None,
    n_resamples: int,
    method: str,
    rng: np.random.Generator,
) -> Moments:
    """Bootstrap replicates of a matrix in memory, centred by ``base``."""
    reps = replicate_sums(x, base._sums(), w, n_resamples, method, rng)
    return Moments._from_sums(reps, backend=base._backend, where="bootstrap")


def lazy_moments(
    data: object,
    *,
    columns: Sequence[str] | None = None,
    weights: object = None,
    missing: Missing = "listwise",
    nan_policy: Literal["omit", "raise"] = "omit",
    where: str = "Moments.from_data",
    name: str = "data",
    backend: str | None = None,
) -> Moments:
    """Moments of a lazy frame, aggregated on its engine.

    Examples
    --------
    >>> import polars as pl
    >>> from satmodels import Moments
    >>> lf = pl.LazyFrame({"a": [1.0, 2.0, None, 4.0], "b": [2.0, 4.0, 5.0, 9.0]})
    >>> m = Moments.from_data(lf)
    >>> m.mean.round(3).tolist(), m.missing_report.reasons
    ([2.333, 5.0], {'missing value (listwise)': 1})
    """
    check_options(missing, nan_policy, where)
    sums = engines.lazy_moments(
        data,
        columns=columns,
        weights=weights,
        missing=missing,
        nan_policy=nan_policy,
        where=where,
        name=name,
    )
    return Moments._from_sums(sums, backend=backend, where=where, name=name)


def lazy_poisson_bootstrap(
    data: object,
    *,
    n_resamples: int,
    rng: np.random.Generator,
    columns: Sequence[str] | None = None,
    weights: str | None = None,
    missing: Missing = "listwise",
    where: str = "Moments.bootstrap",
) -> Moments:
    """Poisson(1) bootstrap replicates of the Moments of a lazy frame.

    Examples
    --------
    >>> import numpy as np
    >>> import polars as pl
    >>> from satmodels import Moments
    >>> x = np.random.default_rng(0).normal(size=(300, 2))
    >>> lf = pl.LazyFrame({"a": x[:, 0], "b": x[:, 1]})
    >>> reps = Moments.bootstrap(lf, n_resamples=20, method="poisson", rng=1)
    >>> reps.covariance().shape
    (20, 2, 2)
    """
    sums = lazy_bootstrap(
        data,
        columns=columns,
        weights=weights,
        missing=missing,
        n_resamples=n_resamples,
        rng=rng,
        where=where,
    )
    return Moments._from_sums(sums, backend=None, where=where)


def category_counts(
    table: Table,
    names: Sequence[str],
    *,
    categories: Sequence[float],
    nan_policy: Literal["omit", "raise"],
) -> CategoryCounts:
    """Category counts of a model's table; messages name the model."""
    if table.kind == "counts":
        given: CategoryCounts = table.statistics
        return given
    opts = validated(
        CountsInput, table.where, categories=categories, nan_policy=nan_policy
    )
    cols = tuple(names)
    return CategoryCounts._from_table(
        table, cols, opts.categories, opts.nan_policy, table.where
    )


def pair_counts(
    table: Table,
    pairs: Sequence[tuple[str, str]],
    categories_a: Sequence[float],
    categories_b: Sequence[float],
    *,
    nan_policy: Literal["omit", "raise"],
) -> PairCounts:
    """Joint counts of a model's table; messages name the model."""
    opts = validated(
        PairCountsInput,
        table.where,
        pairs=tuple(tuple(pq) for pq in pairs),
        categories_a=categories_a,
        categories_b=categories_b,
        nan_policy=nan_policy,
    )
    return _count_pairs(table, opts, opts.nan_policy, table.where)
