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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import field_validator

from .._typing import FloatArray, IntArray
from .._validation import (
    FiniteVector,
    FrozenModel,
    check_confidence_level,
    validated,
)
from ..data import _frames
from ..exceptions import InputError
from ..results._base import ConfidenceInterval, ResultMixin
from ..results._summary import Summary, table

__all__ = ["CategoryCounts", "PairCounts", "pair_counts"]

#: Integer categories spanning at most this many values use a lookup table.
_LUT_SPAN = 4096
#: Rows coded and counted at once (keeps the temporaries in cache).
_BLOCK_ROWS = 65_536


# ------------------------------------------------------------ input models
def _unique(arr: FloatArray) -> FloatArray:
    if arr.size == 0:
        msg = "expected at least one category"
        raise ValueError(msg)
    if np.unique(arr).size != arr.size:
        msg = f"categories must be distinct, got {arr.tolist()}"
        raise ValueError(msg)
    return arr


class CountsInput(FrozenModel):
    """Validated options of :meth:`CategoryCounts.from_data`."""

    categories: FiniteVector
    nan_policy: Literal["omit", "raise"] = "omit"

    @field_validator("categories", mode="after")
    @classmethod
    def _distinct(cls, value: FloatArray) -> FloatArray:
        return _unique(value)


class PairCountsInput(FrozenModel):
    """Validated options of :func:`pair_counts`."""

    pairs: tuple[tuple[str, str], ...]
    categories_a: FiniteVector
    categories_b: FiniteVector
    nan_policy: Literal["omit", "raise"] = "omit"

    @field_validator("categories_a", "categories_b", mode="after")
    @classmethod
    def _distinct(cls, value: FloatArray) -> FloatArray:
        return _unique(value)

    @field_validator("pairs", mode="after")
    @classmethod
    def _nonempty(
        cls, value: tuple[tuple[str, str], ...]
    ) -> tuple[tuple[str, str], ...]:
        if not value:
            msg = "expected at least one (a, b) column pair"
            raise ValueError(msg)
        return value


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
        data : array_like, dataframe, lazy frame or mapping of columns
            Respondents x questions with numeric answer codes. Lazy frames
            (Dask, PySpark, DuckDB, polars LazyFrame) are counted on their
            engine.
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
        if _frames.is_lazy(data):
            from ..engines._lazy import lazy_category_counts  # noqa: PLC0415

            if weights is not None and not isinstance(weights, str):
                msg = (
                    f"The 'weights' parameter of {where} must name a column of "
                    f"a lazy frame. Got {type(weights).__name__} instead."
                )
                raise InputError(msg)
            res = lazy_category_counts(
                data,
                columns=columns,
                categories=cats.tolist(),
                weights=weights,
                where=where,
            )
            for j, c in enumerate(res["columns"]):
                if res["other"][j]:
                    msg = (
                        f"Column '{c}' of the 'data' parameter of {where} has "
                        f"{int(res['other'][j])} answer(s) outside the "
                        f"categories {cats.tolist()}, e.g. {res['other_value'][j]!r}."
                    )
                    raise InputError(msg)
            _raise_missing(res["columns"], res["missing"], None, nan_policy, where)
            return cls(
                columns=res["columns"],
                categories=tuple(float(c) for c in cats),
                counts=res["counts"],
                weighted_counts=res["weighted"],
                weight_sq_sums=res["weighted_sq"],
                zero_weight=int(res.get("zero_weight", 0)),
                missing=res["missing"],
                rows_total=int(res["rows_total"]),
                weighted=weights is not None,
                _backend=None,
            )
        x, cols, backend = _matrix(data, columns, where)
        w = _weights(data, weights, x.shape[0], where)
        p, k = x.shape[1], len(cats)
        counts = np.zeros((p, k), dtype=np.int64)
        wc, wq = np.zeros((p, k)), np.zeros((p, k))
        missing = np.zeros(p, dtype=np.int64)
        first_missing = None
        for a in range(0, x.shape[0], _BLOCK_ROWS):
            # row blocks keep the temporaries in cache (16 columns x 64k rows)
            block = slice(a, a + _BLOCK_ROWS)
            codes = _codes(x[block], cats, cols, where, whole=x, offset=a)
            miss = codes == -1
            if w is not None:  # a zero-weight row is excluded (as in Moments),
                keep = (w[block] > 0)[:, None]  # counted in zero_weight, not
                miss &= keep  # as missing and not in any category
                codes = np.where(keep, codes, -1)
            missing += miss.sum(axis=0)
            if first_missing is None and miss.any():
                r, c = np.argwhere(miss)[0]
                first_missing = (a + int(r), int(c))
            part = _count_kernel(codes, k, None if w is None else w[block])
            counts += part[0]
            wc += part[1]
            wq += part[2]
        _raise_missing(cols, missing, first_missing, nan_policy, where)
        return cls(
            columns=cols,
            categories=tuple(float(c) for c in cats),
            counts=counts,
            weighted_counts=wc,
            weight_sq_sums=wq,
            missing=missing,
            rows_total=int(x.shape[0]),
            weighted=w is not None,
            zero_weight=0 if w is None else int((w == 0).sum()),
            _backend=backend,
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
        from scipy.stats import norm  # noqa: PLC0415

        level = check_confidence_level(
            confidence_level, "CategoryCounts.confidence_interval"
        )
        z = float(norm.ppf(0.5 + level / 2))
        share = self.proportions()
        n = self.effective_n()[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            denom = 1 + z * z / n
            centre = (share + z * z / (2 * n)) / denom
            half = z / denom * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
        return ConfidenceInterval(
            low=np.clip(centre - half, 0.0, 1.0), high=np.clip(centre + half, 0.0, 1.0)
        )

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
        return CategoryCounts(
            columns=self.columns,
            categories=self.categories,
            counts=self.counts + other.counts,
            weighted_counts=self.weighted_counts + other.weighted_counts,
            weight_sq_sums=self.weight_sq_sums + other.weight_sq_sums,
            missing=self.missing + other.missing,
            rows_total=self.rows_total + other.rows_total,
            weighted=self.weighted or other.weighted,
            zero_weight=self.zero_weight + other.zero_weight,
            _backend=self._backend,
        )

    def __add__(self, other: CategoryCounts) -> CategoryCounts:
        return self.merge(other)

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
        header = ("column", *(_label(c) for c in self.categories), "missing")
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
    missing : ndarray of int, shape (m,)
        Rows with either answer of the pair missing (in no cell).
    rows_total : int
        Rows in the input.
    weighted : bool
        Whether case weights were given.
    """

    pairs: tuple[tuple[str, str], ...]
    categories_a: tuple[float, ...]
    categories_b: tuple[float, ...]
    counts: IntArray
    weighted_counts: FloatArray
    missing: IntArray
    rows_total: int
    weighted: bool
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
        return PairCounts(
            pairs=self.pairs,
            categories_a=self.categories_a,
            categories_b=self.categories_b,
            counts=self.counts + other.counts,
            weighted_counts=self.weighted_counts + other.weighted_counts,
            missing=self.missing + other.missing,
            rows_total=self.rows_total + other.rows_total,
            weighted=self.weighted or other.weighted,
            _backend=self._backend,
        )

    def __add__(self, other: PairCounts) -> PairCounts:
        return self.merge(other)

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
        header = ("", *(_label(c) for c in self.categories_b))
        tables = tuple(
            table(
                f"{a} x {b} (missing: {int(self.missing[m])})",
                header,
                [
                    (f"{a}={_label(ca)}", *(int(v) for v in self.counts[m, i]))
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
    pairs: Sequence[tuple[str, str]],
    categories_a: Sequence[float],
    categories_b: Sequence[float],
    *,
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
    >>> pc = pair_counts(data, [("f", "d")], range(1, 6), range(1, 6))
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
    ca, cb = opts.categories_a, opts.categories_b
    cat_a = tuple(float(c) for c in ca)
    cat_b = tuple(float(c) for c in cb)
    if _frames.is_lazy(data):
        from ..engines._lazy import lazy_pair_counts  # noqa: PLC0415

        if weights is not None and not isinstance(weights, str):
            msg = (
                f"The 'weights' parameter of {where} must name a column of a "
                f"lazy frame. Got {type(weights).__name__} instead."
            )
            raise InputError(msg)
        res = lazy_pair_counts(
            data,
            pairs=opts.pairs,
            categories_a=list(cat_a),
            categories_b=list(cat_b),
            weights=weights,
            where=where,
        )
        for m, (a, b) in enumerate(opts.pairs):
            if res["other"][m]:
                col, value = res["other_value"][m]
                msg = (
                    f"Column '{col}' of the 'data' parameter of {where} (pair "
                    f"('{a}', '{b}')) has {int(res['other'][m])} row(s) with an "
                    f"answer outside the categories, e.g. {value!r}."
                )
                raise InputError(msg)
        names = [f"{a}/{b}" for a, b in opts.pairs]
        _raise_missing(names, res["missing"], None, nan_policy, where)
        return PairCounts(
            pairs=opts.pairs,
            categories_a=cat_a,
            categories_b=cat_b,
            counts=res["counts"],
            weighted_counts=res["weighted"],
            missing=res["missing"],
            rows_total=int(res["rows_total"]),
            weighted=weights is not None,
        )
    flat = list(dict.fromkeys(c for pq in opts.pairs for c in pq))
    x, cols, backend = _matrix(data, None if _is_array(data) else flat, where)
    unknown = [c for c in flat if c not in cols]
    if unknown:
        msg = (
            f"The 'pairs' parameter of {where} names column(s) {unknown} that "
            f"are not in the data. Available columns: {list(cols)}."
        )
        raise InputError(msg)
    w = _weights(data, weights, x.shape[0], where)
    ia = [cols.index(a) for a, _ in opts.pairs]
    ib = [cols.index(b) for _, b in opts.pairs]
    xa, xb = x[:, ia], x[:, ib]
    names_a = tuple(cols[i] for i in ia)
    names_b = tuple(cols[i] for i in ib)
    m, kb = len(opts.pairs), len(cb)
    counts = np.zeros((m, len(ca) * kb), dtype=np.int64)
    wc = np.zeros((m, len(ca) * kb))
    missing = np.zeros(m, dtype=np.int64)
    first = None
    for start in range(0, x.shape[0], _BLOCK_ROWS):
        block = slice(start, start + _BLOCK_ROWS)
        code_a = _codes(xa[block], ca, names_a, where, whole=xa, offset=start)
        code_b = _codes(xb[block], cb, names_b, where, whole=xb, offset=start)
        miss = (code_a == -1) | (code_b == -1)
        missing += miss.sum(axis=0)
        if first is None and miss.any():
            r, c = np.argwhere(miss)[0]
            first = (start + int(r), int(c))
        joint = np.where(miss, -1, code_a * kb + code_b)
        part = _count_kernel(joint, len(ca) * kb, None if w is None else w[block])
        counts += part[0]
        wc += part[1]
    names = [f"{a}/{b}" for a, b in opts.pairs]
    _raise_missing(names, missing, first, nan_policy, where)
    return PairCounts(
        pairs=opts.pairs,
        categories_a=cat_a,
        categories_b=cat_b,
        counts=counts.reshape(m, len(ca), kb),
        weighted_counts=wc.reshape(m, len(ca), kb),
        missing=missing,
        rows_total=int(x.shape[0]),
        weighted=w is not None,
        _backend=backend,
    )


# ----------------------------------------------------------------- helpers
def _label(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _is_array(data: object) -> bool:
    return not isinstance(data, Mapping) and not _frames.is_frame(data)


def _matrix(
    data: object, columns: Sequence[str] | None, where: str
) -> tuple[FloatArray, tuple[str, ...], str | None]:
    """Answers as a float matrix (NaN missing), with names and backend."""
    if isinstance(data, Mapping):
        names = [str(k) for k in data] if columns is None else list(columns)
        unknown = [c for c in names if c not in data]
        if unknown:
            msg = (
                f"The 'data' parameter of {where} has no column(s) {unknown}. "
                f"Available columns: {list(data)}."
            )
            raise InputError(msg)
        try:
            arrays = [np.asarray(data[c], dtype=np.float64) for c in names]
        except (TypeError, ValueError) as exc:
            msg = f"The columns of the 'data' parameter of {where} must be numeric."
            raise InputError(msg) from exc
        if not arrays or any(a.ndim != 1 for a in arrays):
            msg = f"The 'data' mapping of {where} must hold 1-D columns."
            raise InputError(msg)
        if len({a.shape[0] for a in arrays}) != 1:
            msg = f"The columns of the 'data' mapping of {where} differ in length."
            raise InputError(msg)
        return np.column_stack(arrays), tuple(names), None
    tab = _frames.as_table(data, columns=columns, name="data", where=where)
    return tab.values, tab.columns, tab.backend


def _weights(data: object, weights: object, n: int, where: str) -> FloatArray | None:
    from ._moments_kernels import _weights_vector  # noqa: PLC0415

    if isinstance(weights, str) and isinstance(data, Mapping):
        if weights not in data:
            msg = f"The weights column {weights!r} of {where} is not in the data."
            raise InputError(msg)
        weights = data[weights]
    return _weights_vector(data, weights, n, where)


def _codes(
    x: FloatArray,
    cats: FloatArray,
    cols: Sequence[str],
    where: str,
    *,
    whole: FloatArray | None = None,
    offset: int = 0,
) -> IntArray:
    """Index of each answer in ``cats``; -1 where missing.

    Integer codes spanning at most ``_LUT_SPAN`` values (Likert, NPS, Kano)
    go through a lookup table; other categories through a binary search.
    Raises InputError naming the column, the first row and the count of
    answers outside the categories; ``x`` may be a block of rows of
    ``whole`` starting at row ``offset`` (the message counts over ``whole``).
    """
    nan = np.isnan(x)
    lo, span = float(cats.min()), float(cats.max() - cats.min())
    if np.array_equal(cats, np.round(cats)) and span <= _LUT_SPAN:
        lut = np.full(int(span) + 1, -1, dtype=np.int64)
        lut[(cats - lo).astype(np.int64)] = np.arange(len(cats))
        with np.errstate(invalid="ignore"):
            idx = x - lo
            inside = (idx >= 0) & (idx <= span)
        idx_int = np.where(inside, idx, 0.0).astype(np.int64)
        codes = np.where(inside & (idx_int == idx), lut[idx_int], -1)
        hit = codes >= 0
    else:
        order = np.argsort(cats, kind="stable")
        sorted_cats = cats[order]
        pos = np.clip(np.searchsorted(sorted_cats, x), 0, len(cats) - 1)
        hit = sorted_cats[pos] == x
        codes = np.where(hit, order[pos], -1)
    bad = ~hit & ~nan
    if bad.any():
        r, c = (int(v) for v in np.argwhere(bad)[0])
        n_bad = int(bad[:, c].sum())
        if whole is not None and whole.shape[0] != x.shape[0]:
            col = whole[:, c]
            n_bad = int((~np.isin(col, cats) & ~np.isnan(col)).sum())
        msg = (
            f"Column '{cols[c]}' of the 'data' parameter of {where} has "
            f"{n_bad} answer(s) outside the categories {cats.tolist()}; first "
            f"in row {offset + r}: {float(x[r, c])!r}."
        )
        raise InputError(msg)
    return np.asarray(codes, dtype=np.int64)


def _raise_missing(
    names: Sequence[str],
    missing: IntArray,
    first: tuple[int, int] | None,
    nan_policy: str,
    where: str,
) -> None:
    if nan_policy != "raise" or not missing.any():
        return
    j = int(np.flatnonzero(missing)[0]) if first is None else first[1]
    where_row = f", first in row {first[0]}" if first is not None else ""
    msg = (
        f"The 'data' parameter of {where} has {int(missing.sum())} missing "
        f"answer(s) and nan_policy='raise'; {int(missing[j])} in column "
        f"'{names[j]}'{where_row}."
    )
    raise InputError(msg)


def _count_kernel(
    codes: IntArray, k: int, w: FloatArray | None
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Count answers, weight sums and squared-weight sums per column and code.

    One :func:`numpy.bincount` over ``column * k + code`` (missing codes -1
    are dropped).
    """
    p = codes.shape[1]
    flat = (codes + np.arange(p) * k).ravel()
    valid = (codes >= 0).ravel()
    idx = flat[valid]
    counts = np.bincount(idx, minlength=p * k).reshape(p, k).astype(np.int64)
    if w is None:
        wc = counts.astype(np.float64)
        return counts, wc, wc.copy()
    wr = np.repeat(w, p)[valid]
    wsum = np.bincount(idx, weights=wr, minlength=p * k).reshape(p, k)
    wsq = np.bincount(idx, weights=wr * wr, minlength=p * k).reshape(p, k)
    return counts, wsum.astype(np.float64), wsq.astype(np.float64)


# -------------------------------------------------------------------- demo
def demo_section(survey: Mapping[str, Any]) -> Summary:
    """Answer distributions of the sample survey: NPS and one Kano pair.

    Parameters
    ----------
    survey : mapping of str to ndarray
        Columns of the bundled sample survey (``nps``, ``kano_f1``,
        ``kano_d1``, ``weight``).
    """
    nps = CategoryCounts.from_data(
        survey, columns=["nps"], categories=range(11), weights=survey.get("weight")
    )
    pc = pair_counts(survey, [("kano_f1", "kano_d1")], range(1, 6), range(1, 6))
    share = nps.proportions()[0]
    promoters, detractors = share[9:].sum(), share[:7].sum()
    nps_tab = table(
        "NPS answers (weighted share, %)",
        ("answer", "count", "share"),
        [(k, int(nps.counts[0, k]), 100 * float(share[k])) for k in range(11)],
        digits=1,
    )
    kano = pc.summary().tables[0]
    return Summary(
        title="Category counts",
        tables=(nps_tab, kano),
        notes=(
            f"Weighted NPS = {100 * (promoters - detractors):.1f} "
            f"(promoters {100 * promoters:.1f}%, detractors {100 * detractors:.1f}%); "
            f"Kish effective n = {float(nps.effective_n()[0]):.0f} of "
            f"{int(nps.n[0])}.",
        ),
    )
