"""The internal table: one survey, read once, handed to every model.

:func:`~satmodels.data.read` builds a :class:`Table` at the public boundary;
models ask it for the matrix of the columns they need, or for the
sufficient statistics (:class:`~satmodels.stats.Moments`, category counts)
of those columns, computed in memory or on the lazy engine that holds the
data. Nothing below the boundary looks at a dataframe again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._typing import BoolArray, FloatArray
from ..exceptions import InputError

if TYPE_CHECKING:
    from ..engines import CellTotals
    from ..stats.counts import CategoryCounts, PairCounts
    from ..stats.moments import Moments

__all__ = ["CountsNeed", "Kind", "MomentsNeed", "PairsNeed", "Table"]

Kind = Literal["rows", "lazy", "moments", "counts"]
Missing = Literal["listwise", "pairwise", "em"]
#: The Moments a model asks of each segment: columns, missing, nan_policy.
MomentsNeed = tuple[tuple[str, ...], Missing, Literal["omit", "raise"]]
#: The category counts a model asks of each segment: columns, categories.
CountsNeed = tuple[tuple[str, ...], tuple[float, ...]]
#: The joint counts a model asks of each segment: pairs, categories a and b.
PairsNeed = tuple[tuple[tuple[str, str], ...], tuple[float, ...], tuple[float, ...]]


@dataclass(frozen=True, slots=True, eq=False)
class Table:
    """One survey as the library sees it after :func:`read`.

    Attributes
    ----------
    kind : {"rows", "lazy", "moments", "counts"}
        Rows in memory, a lazy frame on an engine, or statistics given by
        the caller.
    columns : tuple of str
        The numeric columns read (only those the function needs).
    roles : dict of str to tuple of str
        The columns of each column keyword of the public function, e.g.
        ``{"perceived": ("p1", "p2"), "expected": ("e1", "e2")}``.
    values : ndarray or None
        ``(n, len(columns))`` float64 matrix (``kind == "rows"``); NaN marks
        a missing answer.
    weights : ndarray or None
        Validated case weights, one per row (rows only).
    segments : ndarray of str or None
        Segment label per row (rows only).
    labels : dict of str to ndarray of str
        Further label columns by name (e.g. aggregation levels; rows only).
    label_columns : tuple of str
        The names of the label columns read (rows and lazy frames).
    lazy : narwhals LazyFrame or None
        The engine's frame (``kind == "lazy"``).
    weight_column, segment_column : str or None
        Names of the weight and segment columns (lazy frames).
    statistics : Moments or CategoryCounts or None
        The statistics the caller passed (``kind`` ``"moments"`` or
        ``"counts"``).
    backend : {"pandas", "polars"} or None
        Default ``to_frame`` backend of results: the input's library.
    where : str
        The public function, named in every error message.
    grouped : tuple of (key, statistics)
        Statistics of this (segment) table already taken by one grouped
        aggregation of the whole frame (:meth:`by_segment` with
        ``moments=``, ``counts=`` or ``pairs=``): keys
        ``("moments", columns, missing, nan_policy)`` give Moments,
        ``("counts", columns, categories)`` and ``("pairs", pairs,
        categories_a, categories_b)`` the engine's count sums; they are
        answered without a query (:meth:`cached`).
    value_bounds : tuple of float or None
        Bounds that hold every value of ``values``: the NaN-ignoring
        minimum and maximum the ingestion checks found (NaN when nothing is
        observed), kept by a subset of rows or columns, where they still
        bound the values. None when not known.
    """

    kind: Kind
    columns: tuple[str, ...]
    roles: dict[str, tuple[str, ...]]
    where: str
    values: FloatArray | None = field(default=None, repr=False)
    weights: FloatArray | None = field(default=None, repr=False)
    segments: np.ndarray[Any, Any] | None = field(default=None, repr=False)
    labels: dict[str, np.ndarray[Any, Any]] = field(default_factory=dict, repr=False)
    lazy: Any = field(default=None, repr=False)
    weight_column: str | None = None
    segment_column: str | None = None
    statistics: Any = field(default=None, repr=False)
    label_columns: tuple[str, ...] = ()
    backend: str | None = None
    grouped: tuple[tuple[tuple[Any, ...], Any], ...] = field(default=(), repr=False)
    value_bounds: tuple[float, float] | None = field(default=None, repr=False)

    # ----------------------------------------------------------- columns
    @property
    def n_rows(self) -> int | None:
        """Rows in memory (None for a lazy frame or given statistics)."""
        return None if self.values is None else int(self.values.shape[0])

    @property
    def weighted(self) -> bool:
        """Whether case weights were given."""
        return self.weights is not None or self.weight_column is not None

    def role(self, role: str) -> tuple[str, ...]:
        """Return the columns given for one column keyword."""
        return self.roles[role]

    def _index(self, names: Sequence[str]) -> list[int]:
        pos = {c: i for i, c in enumerate(self.columns)}
        return [pos[n] for n in names]

    def _need_rows(self, what: str) -> FloatArray:
        if self.values is None:
            source = {
                "lazy": "a lazy frame",
                "moments": "Moments",
                "counts": "CategoryCounts",
            }[self.kind]
            msg = (
                f"{self.where} needs the rows in memory for {what}; the 'data' "
                f"parameter is {source}. Collect the rows first, or use a "
                "function that works from sufficient statistics."
            )
            raise InputError(msg)
        return self.values

    def matrix(self, names: Sequence[str] | None = None) -> FloatArray:
        """Return the rows of ``names`` (default all), float64, NaN = missing."""
        values = self._need_rows("this statistic")
        if names is None or tuple(names) == self.columns:
            return values  # no reordering copy
        return values[:, self._index(names)]

    def column(self, name: str) -> FloatArray:
        """One column's rows."""
        return self.matrix([name])[:, 0]

    # ------------------------------------------------------------ subsets
    def segment_labels(self) -> tuple[str, ...]:
        """Return the distinct segment labels, sorted (empty without segments)."""
        if self.segments is not None:
            return tuple(sorted({str(s) for s in self.segments.tolist()}))
        if self.segment_column is not None and self.lazy is not None:
            import narwhals.stable.v2 as nw  # noqa: PLC0415 - engines only

            col = self.segment_column
            uniq = self.lazy.select(nw.col(col).cast(nw.String)).unique().collect()
            return tuple(sorted(str(v) for v in uniq.get_column(col).to_list()))
        return ()

    def rows(self, mask: BoolArray) -> Table:
        """Return the rows where ``mask`` is true (in-memory tables)."""
        return self._take(np.flatnonzero(mask))

    def segment(self, label: str) -> Table:
        """Return the table of one segment (rows or lazy frame)."""
        if self.segments is not None:
            sub = self.rows(self.segments == label)
            return replace(sub, segments=None)
        if self.segment_column is not None and self.lazy is not None:
            import narwhals.stable.v2 as nw  # noqa: PLC0415 - engines only

            col = self.segment_column
            frame = self.lazy.filter(nw.col(col).cast(nw.String) == label)
            return replace(self, lazy=frame, segment_column=None)
        msg = f"{self.where} was given no segments."
        raise InputError(msg)

    def by_segment(
        self,
        moments: Sequence[MomentsNeed] = (),
        *,
        counts: Sequence[CountsNeed] = (),
        pairs: Sequence[PairsNeed] = (),
    ) -> dict[str, Table]:
        """One table per segment label, in sorted label order.

        Rows in memory are split with one stable sort of the labels (cost
        n log n whatever the number of segments, where one mask per label
        costs n times the labels); each part keeps the rows' order.

        A lazy frame is split into filtered frames. ``moments``, ``counts``
        and ``pairs`` name the statistics the model will ask of every
        segment: each is taken for all segments at once by one grouped
        aggregation on the engine (:meth:`moments_by_segment`, the grouped
        counts of :mod:`satmodels.engines.grouped`) and kept in the
        segment's table, so fitting the segments costs a fixed number of
        engine queries whatever their number (any other statistic is still
        computed from the segment's filtered frame; Dask counts each
        segment's frame).
        """
        if self.segments is None:
            lazy = self.kind == "lazy" and self.segment_column is not None
            if lazy and (moments or counts or pairs):
                return self._grouped_parts(moments, counts, pairs)
            return {s: self.segment(s) for s in self.segment_labels()}
        labels, inverse = np.unique(self.segments.astype(str), return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[order], np.arange(labels.size + 1))
        parts: dict[str, Table] = {}
        for k, label in enumerate(labels.tolist()):
            rows = order[bounds[k] : bounds[k + 1]]
            parts[str(label)] = replace(self._take(rows), segments=None)
        return parts

    def _grouped_parts(
        self,
        moments: Sequence[MomentsNeed],
        counts: Sequence[CountsNeed],
        pairs: Sequence[PairsNeed],
    ) -> dict[str, Table]:
        """Return filtered segment tables holding their grouped statistics."""
        from ..engines import (  # noqa: PLC0415
            lazy_grouped_category_counts,
            lazy_grouped_pair_counts,
        )

        taken: dict[tuple[Any, ...], dict[str, Any]] = {}
        for names, missing, nan_policy in dict.fromkeys(moments):
            taken[("moments", tuple(names), missing, nan_policy)] = (
                self.moments_by_segment(names, missing=missing, nan_policy=nan_policy)
            )
        for names, cats in dict.fromkeys(counts):
            got = lazy_grouped_category_counts(
                self.lazy,
                columns=list(names),
                categories=np.asarray(cats, dtype=np.float64),
                weights=self.weight_column,
                where=self.where,
                group=str(self.segment_column),
            )
            if got is not None:
                taken[("counts", tuple(names), tuple(cats))] = got
        for pq, cats_a, cats_b in dict.fromkeys(pairs):
            joint = lazy_grouped_pair_counts(
                self.lazy,
                pairs=list(pq),
                categories_a=np.asarray(cats_a, dtype=np.float64),
                categories_b=np.asarray(cats_b, dtype=np.float64),
                weights=self.weight_column,
                where=self.where,
                group=str(self.segment_column),
            )
            if joint is not None:
                taken[("pairs", tuple(pq), tuple(cats_a), tuple(cats_b))] = joint
        if taken:
            labels = sorted({label for got in taken.values() for label in got})
        else:  # Dask: no grouped counts
            labels = list(self.segment_labels())
        return {
            label: replace(
                self.segment(label),
                grouped=tuple(
                    (key, got[label]) for key, got in taken.items() if label in got
                ),
            )
            for label in labels
        }

    def cached(self, key: tuple[Any, ...]) -> Any:  # noqa: ANN401 - the statistic
        """Return the grouped statistics stored under ``key`` (None if absent)."""
        for got_key, got in self.grouped:
            if got_key == key:
                return got
        return None

    def _take(self, rows: np.ndarray[Any, Any]) -> Table:
        """Return the given rows (indices, in order) of an in-memory table."""
        values = self._need_rows("a subset of rows")
        return replace(
            self,
            values=values[rows],
            weights=None if self.weights is None else self.weights[rows],
            segments=None if self.segments is None else self.segments[rows],
            labels={k: v[rows] for k, v in self.labels.items()},
        )

    def moments_by_segment(
        self,
        names: Sequence[str] | None = None,
        *,
        missing: Missing = "listwise",
        nan_policy: Literal["omit", "raise"] = "omit",
    ) -> dict[str, Moments]:
        """Return the Moments of every segment by label (sorted), from one read.

        Rows in memory are split by label; a lazy frame (polars, DuckDB,
        Spark) is grouped on its engine in one aggregation (Dask: one query
        per segment).
        """
        from ..engines import lazy_grouped_moments  # noqa: PLC0415
        from ..stats.moments import Moments  # noqa: PLC0415

        if self.kind == "lazy" and self.segment_column is not None and missing != "em":
            cols = list(self.columns if names is None else names)
            sums = lazy_grouped_moments(
                self.lazy,
                columns=cols,
                weights=self.weight_column,
                missing=missing,
                nan_policy=nan_policy,
                where=self.where,
                group=self.segment_column,
            )
            if sums is not None:
                return {
                    label: Moments._from_sums(s, backend=self.backend, where=self.where)
                    for label, s in sums.items()
                }
        return {
            label: part.moments(names, missing=missing, nan_policy=nan_policy)
            for label, part in self.by_segment().items()
        }

    def counts_by_segment(
        self,
        names: Sequence[str] | None = None,
        *,
        categories: Sequence[float],
        nan_policy: Literal["omit", "raise"] = "omit",
    ) -> dict[str, CategoryCounts]:
        """Return the CategoryCounts of every segment by label (sorted), one read.

        Rows in memory are split by label; a lazy frame (polars, DuckDB,
        Spark) is counted on its engine in one grouped aggregation (Dask:
        one query per segment).
        """
        cols = tuple(self.columns if names is None else names)
        need: CountsNeed = (cols, tuple(float(c) for c in categories))
        return {
            label: part.category_counts(
                cols, categories=categories, nan_policy=nan_policy
            )
            for label, part in self.by_segment(counts=[need]).items()
        }

    # --------------------------------------------------------- statistics
    def moments(
        self,
        names: Sequence[str] | None = None,
        *,
        missing: Missing = "listwise",
        nan_policy: Literal["omit", "raise"] = "omit",
        name: str = "data",
    ) -> Moments:
        """Compute the Moments of ``names`` in memory, on the engine, or select."""
        from ..stats._entry import _moments_from_values  # noqa: PLC0415
        from ..stats.moments import Moments  # noqa: PLC0415

        cols = tuple(self.columns if names is None else names)
        taken = self.cached(("moments", cols, missing, nan_policy))
        if taken is not None:
            given: Moments = taken
            return given
        if self.kind == "moments":
            stats: Moments = self.statistics
            return stats if cols == stats.columns else stats.select(cols)
        if self.kind == "lazy" and missing != "em":
            from ..stats._entry import lazy_moments  # noqa: PLC0415

            return lazy_moments(
                self.lazy,
                columns=list(cols),
                weights=self.weight_column,
                missing=missing,
                nan_policy=nan_policy,
                where=self.where,
                name=name,
                backend=self.backend,
            )
        if self.kind == "counts":
            self._need_rows("moments")
        if missing == "em":
            from ..stats._em import em_moments  # noqa: PLC0415

            return em_moments(self, cols, nan_policy=nan_policy, name=name)
        m = _moments_from_values(
            self.matrix(cols),
            cols,
            self.weights,
            missing=missing,
            nan_policy=nan_policy,
            backend=self.backend,
            where=self.where,
            name=name,
        )
        assert isinstance(m, Moments)  # noqa: S101 - typing aid only
        return m

    def bootstrap(
        self,
        names: Sequence[str] | None = None,
        *,
        n_resamples: int,
        rng: np.random.Generator,
        missing: Missing = "listwise",
        method: Literal["multinomial", "poisson"] = "multinomial",
    ) -> Moments:
        """Compute the Moments of ``n_resamples`` bootstrap replicates."""
        from ..stats._entry import (  # noqa: PLC0415
            _bootstrap_values,
            _moments_from_values,
        )

        cols = tuple(self.columns if names is None else names)
        if missing == "em":
            msg = (
                f"{self.where} cannot bootstrap with missing='em' (EM would "
                "run once per replicate); use missing='listwise' or "
                "'pairwise' for the bootstrap, or n_resamples=0."
            )
            raise InputError(msg)
        if self.kind == "lazy":
            from ..stats._entry import lazy_poisson_bootstrap  # noqa: PLC0415

            return lazy_poisson_bootstrap(
                self.lazy,
                n_resamples=n_resamples,
                columns=list(cols),
                weights=self.weight_column,
                missing=missing,
                rng=rng,
            )
        x = self._need_rows("bootstrap resamples")
        x = x[:, self._index(cols)]
        base = _moments_from_values(
            x,
            cols,
            self.weights,
            missing=missing,
            nan_policy="omit",
            backend=self.backend,
            where=self.where,
        )
        return _bootstrap_values(x, base, self.weights, n_resamples, method, rng)

    def cell_totals(
        self, keys: Sequence[str]
    ) -> tuple[CellTotals, np.ndarray[Any, Any] | None]:
        """Rows and weight per combination of the label columns ``keys``.

        Returns the groups (labels as strings, None where missing; weight
        class 1 positive, 0 zero) and, for rows in memory, each row's group
        index; a lazy frame is grouped on its engine in one aggregation and
        has no row index.
        """
        from ..engines import CellTotals, lazy_cell_totals  # noqa: PLC0415

        if self.kind == "lazy":
            totals = lazy_cell_totals(
                self.lazy,
                keys=list(keys),
                weights=self.weight_column,
                where=self.where,
            )
            return totals, None
        n_rows = self._need_rows("cell totals").shape[0]
        w = np.ones(n_rows) if self.weights is None else self.weights
        wclass = (w > 0).astype(np.int64)
        codes, levels = [], []
        for k in keys:
            uniq, inverse = np.unique(self.labels[k].astype(str), return_inverse=True)
            codes.append(inverse)
            levels.append(uniq)
        codes.append(wclass)
        shape = (*(len(u) for u in levels), 2)
        flat = np.ravel_multi_index(tuple(codes), shape)
        cells, row_cell = np.unique(flat, return_inverse=True)
        parts = np.unravel_index(cells, shape)
        labels = tuple(
            tuple(str(levels[j][parts[j][c]]) for j in range(len(keys)))
            for c in range(cells.size)
        )
        low = np.full(cells.size, np.inf)
        high = np.full(cells.size, -np.inf)
        np.minimum.at(low, row_cell, w)
        np.maximum.at(high, row_cell, w)
        totals = CellTotals(
            labels=labels,
            weight_class=parts[-1].astype(np.int64),
            n=np.bincount(row_cell, minlength=cells.size).astype(np.int64),
            weight_sum=np.asarray(
                np.bincount(row_cell, weights=w, minlength=cells.size),
                dtype=np.float64,
            ),
            weight_sq_sum=np.asarray(
                np.bincount(row_cell, weights=w * w, minlength=cells.size),
                dtype=np.float64,
            ),
            weight_min=low,
            weight_max=high,
        )
        return totals, row_cell

    def category_counts(
        self,
        names: Sequence[str] | None = None,
        *,
        categories: Sequence[float],
        nan_policy: Literal["omit", "raise"] = "omit",
    ) -> CategoryCounts:
        """Count each answer category in each of ``names``."""
        from ..stats._entry import category_counts  # noqa: PLC0415

        cols = list(self.columns if names is None else names)
        return category_counts(self, cols, categories=categories, nan_policy=nan_policy)

    def pair_counts(
        self,
        pairs: Sequence[tuple[str, str]],
        categories_a: Sequence[float],
        categories_b: Sequence[float],
        *,
        nan_policy: Literal["omit", "raise"] = "omit",
    ) -> PairCounts:
        """Count the joint answers of column pairs (e.g. Kano question pairs)."""
        from ..stats._entry import pair_counts  # noqa: PLC0415

        return pair_counts(
            self, pairs, categories_a, categories_b, nan_policy=nan_policy
        )
