"""Joint answer counts of column pairs (e.g. Kano functional/dysfunctional).

:func:`pair_counts` gives the joint distribution of two columns at once as
an ``(m, Ka, Kb)`` array, in memory by one :func:`numpy.bincount` and on a
lazy engine by its own ``group_by``. Rows of weight 0 are excluded and
counted in ``zero_weight``, as in :class:`~satmodels.stats.CategoryCounts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._typing import BoolArray, FloatArray, IntArray
from .._validation import validated
from ..engines import lazy_pair_counts
from ..exceptions import InputError
from ..results._base import ResultMixin
from ..results._estimates import Estimates, estimates
from ..results._summary import Summary, table
from . import _counting as cnt
from ._counting import PairCountsInput
from ._moments_kernels import read_columns

if TYPE_CHECKING:
    from ..data._table import Table
from .intervals import wilson_interval

__all__ = ["PairCounts", "pair_counts"]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class PairCounts(ResultMixin):
    """Joint answer counts of column pairs, e.g. Kano question pairs.

    Attributes
    ----------
    pairs : tuple of (str, str)
        The (a, b) column pairs.
    categories_a, categories_b : tuple of float
        Answer codes of the first and second column of each pair.
    counts : ndarray of int, shape (m, Ka, Kb)
        ``counts[m, i, j]``: rows answering ``categories_a[i]`` to the first
        and ``categories_b[j]`` to the second column of pair m.
    weighted_counts : ndarray, shape (m, Ka, Kb)
        Sum of case weights of those rows.
    weight_sq_sums : ndarray, shape (m, Ka, Kb)
        Sum of squared case weights (for Kish's effective sample size).
    missing : ndarray of int, shape (m,)
        Rows of positive weight with either answer of the pair missing (in
        no cell).
    rows_total : int
        Rows in the input.
    weighted : bool
        Whether case weights were given.
    zero_weight : int
        Rows with case weight 0: excluded from ``counts`` and ``missing``
        (as :class:`~satmodels.stats.CategoryCounts` and
        :class:`~satmodels.stats.Moments` exclude them) and counted here.
    """

    pairs: tuple[tuple[str, str], ...]
    categories_a: tuple[float, ...]
    categories_b: tuple[float, ...]
    counts: IntArray
    weighted_counts: FloatArray
    weight_sq_sums: FloatArray
    missing: IntArray
    rows_total: int
    weighted: bool
    zero_weight: int = 0
    _backend: str | None = field(default=None, repr=False)

    @property
    def n(self) -> IntArray:
        """Rows with both answers observed, per pair, shape (m,)."""
        return np.asarray(self.counts.sum(axis=(1, 2)), dtype=np.int64)

    def merge(self, other: PairCounts) -> PairCounts:
        """Add the counts of a disjoint set of rows (exact)."""
        same = (
            other.pairs == self.pairs
            and other.categories_a == self.categories_a
            and other.categories_b == self.categories_b
        )
        if not same:
            msg = "PairCounts.merge needs the same pairs and categories."
            raise InputError(msg)
        return replace(self, **cnt.added(self, other))

    def __add__(self, other: PairCounts) -> PairCounts:
        return self.merge(other)

    def proportions(self) -> FloatArray:
        """Weighted share of each answer pair within its column pair, (m, Ka, Kb)."""
        total = self.weighted_counts.sum(axis=(1, 2), keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(total > 0, self.weighted_counts / total, np.nan)

    def effective_n(self) -> FloatArray:
        r"""Kish's (1965) effective sample size per pair, :math:`W^2/\sum w^2`."""
        w = self.weighted_counts.sum(axis=(1, 2))
        q = self.weight_sq_sums.sum(axis=(1, 2))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(q > 0, w * w / q, 0.0)

    @property
    def estimates(self) -> Estimates:
        r"""Cell shares with Wilson intervals at 0.95, one row per cell.

        ``name`` is ``"a=i,b=j"``; the standard error is the binomial
        :math:`\sqrt{p (1 - p) / n}` with Kish's effective n of the pair;
        ``n`` is the pair's rows with both answers.
        """
        share = self.proportions()
        n_eff = np.broadcast_to(self.effective_n()[:, None, None], share.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            se = np.sqrt(share * (1.0 - share) / n_eff)
        low, high = wilson_interval(share * n_eff, n_eff, 0.95)
        names = [
            f"{a}={cnt.label(ca)},{b}={cnt.label(cb)}"
            for a, b in self.pairs
            for ca in self.categories_a
            for cb in self.categories_b
        ]
        cells = len(self.categories_a) * len(self.categories_b)
        return estimates(
            name=names,
            estimate=share.ravel(),
            kind="proportion",
            confidence_level=0.95,
            standard_error=se.ravel(),
            n=np.repeat(self.n, cells),
            interval="wilson",
            ci_low=low.ravel(),
            ci_high=high.ravel(),
            backend=self._backend,
        )

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401
        """Return the estimates table (cell shares) as a frame."""
        return self.estimates.to_frame(backend)

    def __repr__(self) -> str:
        return (
            f"PairCounts(pairs={[list(pq) for pq in self.pairs]}, "
            f"categories={len(self.categories_a)}x{len(self.categories_b)}, "
            f"n={self.n.tolist()}, missing={self.missing.tolist()}, "
            f"rows_total={self.rows_total}, weighted={self.weighted})"
        )

    def _records(self) -> list[dict[str, object]]:
        return [
            {
                "column_a": a,
                "column_b": b,
                "category_a": ca,
                "category_b": cb,
                "count": int(self.counts[m, i, j]),
                "weighted_count": float(self.weighted_counts[m, i, j]),
            }
            for m, (a, b) in enumerate(self.pairs)
            for i, ca in enumerate(self.categories_a)
            for j, cb in enumerate(self.categories_b)
        ]

    def summary(self) -> Summary:
        """One cross-table per pair (rows: first column's answers)."""
        header = ("", *(cnt.label(c) for c in self.categories_b))
        tables = tuple(
            table(
                f"{a} x {b} (missing: {int(self.missing[m])})",
                header,
                [
                    (f"{a}={cnt.label(ca)}", *(int(v) for v in self.counts[m, i]))
                    for i, ca in enumerate(self.categories_a)
                ],
            )
            for m, (a, b) in enumerate(self.pairs)
        )
        return Summary(
            title="Pair counts",
            tables=tables,
            notes=(f"{self.rows_total} rows; weighted: {self.weighted}.",),
        )


def pair_counts(
    data: object,
    *,
    pairs: Sequence[tuple[str, str]],
    categories_a: Sequence[float],
    categories_b: Sequence[float],
    columns: Sequence[str] | None = None,
    weights: object = None,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> PairCounts:
    """Joint counts of the answers of column pairs (one pass over the rows).

    Parameters
    ----------
    data : array_like, dataframe, lazy frame or mapping of columns
        The answers. Arrays name their columns ``x0``, ``x1``, ...
    pairs : sequence of (str, str)
        Column pairs, e.g. Kano ``[("kano_f1", "kano_d1"), ...]``.
    categories_a, categories_b : sequence of float
        Valid answer codes of the first and second column of every pair.
    columns : sequence of str, optional
        Names of a bare array's columns (default ``x0``, ``x1``, ...), or
        the columns of a frame to read.
    weights : array_like or str, optional
        Case weights, or the name of a weight column.
    nan_policy : {"omit", "raise"}
        ``"omit"``: rows missing either answer are counted in ``missing``.

    Returns
    -------
    PairCounts

    Raises
    ------
    InputError
        An answer outside its categories (naming the column, row or value
        and count), missing answers under ``nan_policy="raise"``, bad
        weights, unknown columns.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.stats.counts import pair_counts
    >>> data = {"f": np.array([1, 1, 2, 5]), "d": np.array([5, 4, 5, 1])}
    >>> pc = pair_counts(
    ...     data, pairs=[("f", "d")], categories_a=range(1, 6), categories_b=range(1, 6)
    ... )
    >>> int(pc.counts[0, 0, 4]), int(pc.counts[0, 0, 3]), pc.counts.shape
    (1, 1, (1, 5, 5))
    """
    where = "pair_counts"
    opts = validated(
        PairCountsInput,
        where,
        pairs=tuple(tuple(pq) for pq in pairs),
        categories_a=categories_a,
        categories_b=categories_b,
        nan_policy=nan_policy,
    )
    flat = list(dict.fromkeys(c for pq in opts.pairs for c in pq))
    tab = read_columns(
        data, columns, weights, where, accept=("rows", "lazy"), roles={"pairs": flat}
    )
    return _count_pairs(tab, opts, nan_policy, where)


def _count_pairs(
    tab: Table,
    opts: PairCountsInput,
    nan_policy: Literal["omit", "raise"],
    where: str,
) -> PairCounts:
    """Count the pairs of a table read by :func:`satmodels.data.read`."""
    ca, cb = opts.categories_a, opts.categories_b
    names = [f"{a}/{b}" for a, b in opts.pairs]
    flat = list(dict.fromkeys(c for pq in opts.pairs for c in pq))
    if tab.kind == "lazy":
        # a segment's counts may come from one grouped count of all
        key = ("pairs", tuple(opts.pairs), tuple(map(float, ca)), tuple(map(float, cb)))
        res = tab.cached(key)
        if res is None:
            res = lazy_pair_counts(
                tab.lazy,
                pairs=opts.pairs,
                categories_a=ca,
                categories_b=cb,
                weights=tab.weight_column,
                where=where,
            )
        for (a, b), bad in zip(opts.pairs, res.invalid, strict=True):
            if bad is not None:
                msg = (
                    f"Column '{bad.column}' of the 'data' parameter of {where} "
                    f"(pair ('{a}', '{b}')) has {bad.count} row(s) with an "
                    f"answer outside the categories, e.g. {bad.value!r}."
                )
                raise InputError(msg)
        cells, first = res.cells, None
    else:
        x, cols = tab.matrix(flat), tuple(flat)
        ia = [cols.index(a) for a, _ in opts.pairs]
        ib = [cols.index(b) for _, b in opts.pairs]
        xa, xb = x[:, ia], x[:, ib]
        names_a = tuple(cols[i] for i in ia)
        names_b = tuple(cols[i] for i in ib)

        def coded(block: slice) -> tuple[IntArray, BoolArray]:
            at = block.start
            code_a = cnt.codes(xa[block], ca, names_a, where, whole=xa, offset=at)
            code_b = cnt.codes(xb[block], cb, names_b, where, whole=xb, offset=at)
            miss = (code_a == -1) | (code_b == -1)
            return np.where(miss, -1, code_a * len(cb) + code_b), miss

        cells, first = cnt.tally(
            x.shape[0], len(opts.pairs), len(ca) * len(cb), tab.weights, coded
        )
    return PairCounts(
        pairs=opts.pairs,
        categories_a=tuple(float(c) for c in ca),
        categories_b=tuple(float(c) for c in cb),
        **cnt.checked_fields(
            cells.reshaped(len(ca), len(cb)),
            first,
            names,
            nan_policy,
            where,
            weighted=tab.weighted,
            backend=tab.backend,
        ),
    )
