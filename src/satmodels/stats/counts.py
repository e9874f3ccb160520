r"""Category counts of discrete answers: mergeable, weighted, on any engine.

NPS, CSAT top-box and the Kano model need only how many respondents gave
each answer (DESIGN.md, "what each model needs"). :class:`CategoryCounts`
holds, per column and per declared category, the number of answers, their
sum of case weights and sum of squared weights, plus the missing cells; two
counts of disjoint rows merge by addition. :func:`pair_counts` gives the
joint distribution of two columns at once (a Kano functional and
dysfunctional question pair) as an ``(m, Ka, Kb)`` array.

In memory the answers are coded against the categories and counted with one
:func:`numpy.bincount`; on a lazy engine (Dask, PySpark, DuckDB, polars
LazyFrame) every count is a sum of boolean expressions evaluated by the
engine, and only one row comes back.

With case weights :math:`w_r`, the weighted count of category k in column j
is :math:`W_{jk} = \sum_r w_r [x_{rj} = c_k]`, and Kish's (1965) effective
sample size of the column is :math:`(\sum_k W_{jk})^2 / \sum_k Q_{jk}` with
:math:`Q_{jk} = \sum_r w_r^2 [x_{rj} = c_k]`.

References
----------
.. [1] Kish, L. (1965). Survey Sampling. New York: Wiley. (Section 11.7,
   effective sample size of a weighted sample.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._typing import BoolArray, FloatArray, IntArray
from .._validation import check_confidence_level, validated
from ..engines import lazy_category_counts
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin
from ..results._estimates import Estimates, estimates
from ..results._summary import Summary, table
from . import _counting as cnt
from ._counting import CountsInput
from ._moments_kernels import read_columns

if TYPE_CHECKING:
    from ..data._table import Table
from .intervals import wilson_interval
from .pairs import PairCounts, pair_counts

__all__ = ["CategoryCounts", "PairCounts", "pair_counts"]


# ----------------------------------------------------------------- results
@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class CategoryCounts(ResultMixin):
    """Answers per column and category, weighted and unweighted.

    Attributes
    ----------
    columns : tuple of str
        Column names.
    categories : tuple of float
        The declared answer codes, in the order given.
    counts : ndarray of int, shape (p, K)
        Number of answers of each category per column.
    weighted_counts : ndarray, shape (p, K)
        Sum of case weights of those answers (equals ``counts`` unweighted).
    weight_sq_sums : ndarray, shape (p, K)
        Sum of squared case weights (for Kish's effective sample size).
    missing : ndarray of int, shape (p,)
        Missing (NaN or null) answers per column among rows of positive
        weight; they are in no category.
    rows_total : int
        Rows in the input.
    weighted : bool
        Whether case weights were given.
    zero_weight : int
        Rows with case weight 0: excluded from ``counts`` (as
        :class:`~satmodels.stats.moments.Moments` excludes them) and counted here.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.stats.counts import CategoryCounts
    >>> x = np.array([[1, 2], [2, 2], [3, np.nan], [1, 3]])
    >>> cc = CategoryCounts.from_data(x, columns=["q1", "q2"], categories=[1, 2, 3])
    >>> cc.counts.tolist(), cc.missing.tolist()
    ([[2, 1, 1], [0, 2, 1]], [0, 1])
    >>> cc.proportions()[0].round(2).tolist()
    [0.5, 0.25, 0.25]
    """

    columns: tuple[str, ...]
    categories: tuple[float, ...]
    counts: IntArray
    weighted_counts: FloatArray
    weight_sq_sums: FloatArray
    missing: IntArray
    rows_total: int
    weighted: bool
    zero_weight: int = 0
    _backend: str | None = field(default=None, repr=False)

    @classmethod
    def from_data(
        cls,
        data: object,
        *,
        columns: Sequence[str] | None = None,
        categories: Sequence[float],
        weights: object = None,
        nan_policy: Literal["omit", "raise"] = "omit",
    ) -> CategoryCounts:
        """Count the answers of each category in each column.

        Parameters
        ----------
        data : array_like, mapping of columns, dataframe, lazy frame or CategoryCounts
            Respondents x questions with numeric answer codes. Lazy frames
            (Dask, PySpark, DuckDB, polars LazyFrame) are counted on their
            engine, by its own grouping. CategoryCounts are returned as they
            are (their categories must match).
        columns : sequence of str, optional
            Columns to count (frames, mappings) or names of the array's
            columns.
        categories : sequence of float
            The valid answer codes, e.g. ``range(11)`` for NPS.
        weights : array_like or str, optional
            Non-negative case weights, or the name of a weight column
            (a column name only, for lazy frames).
        nan_policy : {"omit", "raise"}
            ``"omit"``: missing answers are counted in ``missing`` and in no
            category; ``"raise"``: any missing answer is an error.

        Returns
        -------
        CategoryCounts

        Raises
        ------
        InputError
            An answer outside ``categories`` (naming the column, the row
            (in memory) or value (lazy), and how many), a missing answer
            under ``nan_policy="raise"``, bad weights, unknown columns.
        """
        where = "CategoryCounts.from_data"
        opts = validated(
            CountsInput, where, categories=categories, nan_policy=nan_policy
        )
        cats = opts.categories
        tab = read_columns(
            data, columns, weights, where, accept=("rows", "lazy", "counts")
        )
        return cls._from_table(tab, tab.columns, cats, nan_policy, where)

    @classmethod
    def _from_table(
        cls,
        tab: Table,
        cols: tuple[str, ...],
        cats: FloatArray,
        nan_policy: Literal["omit", "raise"],
        where: str,
    ) -> CategoryCounts:
        """Count ``cols`` of a table read by :func:`satmodels.data.read`.

        ``where`` names the public function in messages.
        """
        if tab.kind == "counts":
            given: CategoryCounts = tab.statistics
            if given.categories != tuple(float(c) for c in cats):
                msg = (
                    f"The 'categories' parameter of {where} must equal those of "
                    f"the CategoryCounts given as 'data' ({list(given.categories)}). "
                    f"Got {cats.tolist()} instead."
                )
                raise InputError(msg)
            return given
        if tab.kind == "lazy":
            # a segment's counts may come from one grouped count of all
            res = tab.cached(("counts", cols, tuple(float(c) for c in cats)))
            if res is None:
                res = lazy_category_counts(
                    tab.lazy,
                    columns=cols,
                    categories=cats,
                    weights=tab.weight_column,
                    where=where,
                )
            for bad in res.invalid:
                if bad is not None:
                    msg = (
                        f"Column '{bad.column}' of the 'data' parameter of {where} "
                        f"has {bad.count} answer(s) outside the categories "
                        f"{cats.tolist()}, e.g. {bad.value!r}."
                    )
                    raise InputError(msg)
            cells, first = res.cells, None
            cols = res.columns
        else:
            x = tab.matrix(cols)

            def coded(block: slice) -> tuple[IntArray, BoolArray]:
                at = block.start
                codes = cnt.codes(x[block], cats, cols, where, whole=x, offset=at)
                return codes, codes == -1

            cells, first = cnt.tally(
                x.shape[0], x.shape[1], len(cats), tab.weights, coded
            )
        return cls(
            columns=cols,
            categories=tuple(float(c) for c in cats),
            **cnt.checked_fields(
                cells,
                first,
                cols,
                nan_policy,
                where,
                weighted=tab.weighted,
                backend=tab.backend,
            ),
        )

    # ------------------------------------------------------------ queries
    @property
    def n(self) -> IntArray:
        """Observed (non-missing) answers per column, shape (p,)."""
        return np.asarray(self.counts.sum(axis=1), dtype=np.int64)

    def proportions(self) -> FloatArray:
        """Weighted share of each category per column, shape (p, K).

        Rows of a column without any answer are NaN.
        """
        total = self.weighted_counts.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(total > 0, self.weighted_counts / total, np.nan)

    def effective_n(self) -> FloatArray:
        r"""Kish's (1965) effective sample size per column, :math:`W^2/\sum w^2`."""
        w = self.weighted_counts.sum(axis=1)
        q = self.weight_sq_sums.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(q > 0, w * w / q, 0.0)

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        r"""Wilson score intervals of the category shares, shape (p, K) each.

        For a share :math:`\hat p` of a column with (effective) size n and
        :math:`z = \Phi^{-1}((1 + \text{level}) / 2)` (Wilson 1927):

        .. math::

            \frac{\hat p + z^2 / 2n}{1 + z^2/n} \pm
            \frac{z}{1 + z^2/n}\sqrt{\frac{\hat p (1 - \hat p)}{n}
            + \frac{z^2}{4 n^2}}

        With case weights, :math:`\hat p` is the weighted share and n is
        Kish's effective sample size of the column (Dean & Pagano 2015
        evaluate this Wilson interval for weighted survey proportions).
        Checked against statsmodels ``proportion_confint(method="wilson")``.

        References
        ----------
        .. [1] Wilson, E. B. (1927). Probable inference, the law of
           succession, and statistical inference. JASA, 22(158), 209-212.
        .. [2] Dean, N., & Pagano, M. (2015). Evaluating confidence interval
           methods for binomial proportions in clustered surveys. Journal
           of Survey Statistics and Methodology, 3(4), 484-503.
        """
        level = check_confidence_level(
            confidence_level, "CategoryCounts.confidence_interval"
        )
        n = np.broadcast_to(self.effective_n()[:, None], self.counts.shape)
        low, high = wilson_interval(self.proportions() * n, n, level)
        return ConfidenceInterval(low=low, high=high)

    @property
    def estimates(self) -> Estimates:
        r"""Category shares with Wilson intervals at 0.95, one row per cell.

        ``name`` is ``"column=category"``; the standard error is the
        binomial :math:`\sqrt{p (1 - p) / n}` with Kish's effective n of
        the column; ``n`` is the column's observed answers.
        """
        share = self.proportions()
        n_eff = np.broadcast_to(self.effective_n()[:, None], share.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            se = np.sqrt(share * (1.0 - share) / n_eff)
        ci = self.confidence_interval(0.95)
        names = [
            f"{col}={cnt.label(cat)}" for col in self.columns for cat in self.categories
        ]
        return estimates(
            name=names,
            estimate=share.ravel(),
            kind="proportion",
            confidence_level=0.95,
            standard_error=se.ravel(),
            n=np.repeat(self.n, len(self.categories)),
            interval="wilson",
            ci_low=ci.low.ravel(),
            ci_high=ci.high.ravel(),
            backend=self._backend,
        )

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401
        """Return the estimates table (category shares) as a frame."""
        return self.estimates.to_frame(backend)

    def merge(self, other: CategoryCounts) -> CategoryCounts:
        """Add the counts of a disjoint set of rows (exact).

        Raises
        ------
        InputError
            Different columns or categories.
        """
        if other.columns != self.columns or other.categories != self.categories:
            msg = (
                "CategoryCounts.merge needs the same columns and categories. "
                f"Got {self.columns}/{self.categories} and "
                f"{other.columns}/{other.categories}."
            )
            raise InputError(msg)
        return replace(self, **cnt.added(self, other))

    def __add__(self, other: CategoryCounts) -> CategoryCounts:
        return self.merge(other)

    def __repr__(self) -> str:
        cats = [cnt.label(c) for c in self.categories]
        return (
            f"CategoryCounts(columns={list(self.columns)}, categories={cats}, "
            f"n={self.n.tolist()}, missing={self.missing.tolist()}, "
            f"rows_total={self.rows_total}, weighted={self.weighted})"
        )

    # ------------------------------------------------------------- output
    def _records(self) -> list[dict[str, object]]:
        prop = self.proportions()
        return [
            {
                "column": col,
                "category": cat,
                "count": int(self.counts[j, k]),
                "weighted_count": float(self.weighted_counts[j, k]),
                "proportion": float(prop[j, k]),
            }
            for j, col in enumerate(self.columns)
            for k, cat in enumerate(self.categories)
        ]

    def summary(self) -> Summary:
        """Tabulate the counts per column and category, with missing answers."""
        header = ("column", *(cnt.label(c) for c in self.categories), "missing")
        rows = [
            (col, *(int(v) for v in self.counts[j]), int(self.missing[j]))
            for j, col in enumerate(self.columns)
        ]
        tables = [table("counts", header, rows)]
        if self.weighted:
            wrows = [
                (col, *(float(v) for v in self.weighted_counts[j]))
                for j, col in enumerate(self.columns)
            ]
            tables.append(table("weighted counts", header[:-1], wrows, digits=1))
        return Summary(
            title="Category counts",
            tables=tuple(tables),
            notes=(f"{self.rows_total} rows; weighted: {self.weighted}.",),
        )
