"""Shared pieces of the category and pair counts: options, coding, checks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol

import numpy as np
from pydantic import field_validator

from .._typing import BoolArray, FloatArray, IntArray
from .._validation import FiniteVector, FrozenModel
from ..engines import Cells, check_finite
from ..engines.memory import count_kernel
from ..exceptions import InputError

__all__ = ["CountsInput", "PairCountsInput"]

LUT_SPAN = 4096
#: Rows coded and counted at once (keeps the temporaries in cache).
BLOCK_ROWS = 65_536


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


# ----------------------------------------------------------------- helpers
def label(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def codes(
    x: FloatArray,
    cats: FloatArray,
    cols: Sequence[str],
    where: str,
    *,
    whole: FloatArray | None = None,
    offset: int = 0,
) -> IntArray:
    """Index of each answer in ``cats``; -1 where missing.

    Integer codes spanning at most ``LUT_SPAN`` values (Likert, NPS, Kano)
    go through a lookup table; other categories through a binary search.
    Raises InputError naming the column, the first row and the count of
    answers outside the categories; ``x`` may be a block of rows of
    ``whole`` starting at row ``offset`` (the message counts over ``whole``).
    """
    nan = np.isnan(x)
    lo, span = float(cats.min()), float(cats.max() - cats.min())
    if np.array_equal(cats, np.round(cats)) and span <= LUT_SPAN:
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
            f"in row {offset + r + 1}: {float(x[r, c])!r}."
        )
        raise InputError(msg)
    return np.asarray(codes, dtype=np.int64)


def raise_missing(
    names: Sequence[str],
    missing: IntArray,
    first: tuple[int, int] | None,
    nan_policy: str,
    where: str,
) -> None:
    if nan_policy != "raise" or not missing.any():
        return
    j = int(np.flatnonzero(missing)[0]) if first is None else first[1]
    where_row = f", first in row {first[0] + 1}" if first is not None else ""
    msg = (
        f"The 'data' parameter of {where} has {int(missing.sum())} missing "
        f"answer(s) and nan_policy='raise'; {int(missing[j])} in column "
        f"'{names[j]}'{where_row}."
    )
    raise InputError(msg)


def check_weighted(
    names: Sequence[str], weighted: FloatArray, weighted_sq: FloatArray, where: str
) -> None:
    """Refuse weighted counts that overflowed float64."""
    check_finite(
        {"sum of weights": weighted.T, "sum of squared weights": weighted_sq.T},
        tuple(names),
        where=where,
        name="weights",
    )


# ------------------------------------------------ counting rows in memory
def tally(
    n_rows: int,
    width: int,
    cells: int,
    w: FloatArray | None,
    coded: Callable[[slice], tuple[IntArray, BoolArray]],
) -> tuple[Cells, tuple[int, int] | None]:
    """Count coded answers in blocks of rows, as the engines count theirs.

    ``coded(block)`` returns, for the rows of ``block``, the cell code of
    each of the ``width`` units (``0 .. cells - 1``, or -1 where not
    counted) and the mask of missing answers. Rows of weight 0 are excluded
    (as in Moments): counted in ``zero_weight``, not as missing and in no
    cell. Also returns (row, unit) of the first missing answer, or None.
    """
    counts = np.zeros((width, cells), dtype=np.int64)
    wc, wq = np.zeros((width, cells)), np.zeros((width, cells))
    missing = np.zeros(width, dtype=np.int64)
    first = None
    for a in range(0, n_rows, BLOCK_ROWS):
        # row blocks keep the temporaries in cache (16 columns x 64k rows)
        block = slice(a, a + BLOCK_ROWS)
        codes, miss = coded(block)
        if w is not None:
            keep = (w[block] > 0)[:, None]
            miss &= keep
            codes = np.where(keep, codes, -1)
        missing += miss.sum(axis=0)
        if first is None and miss.any():
            r, c = np.argwhere(miss)[0]
            first = (a + int(r), int(c))
        part = count_kernel(codes, cells, None if w is None else w[block])
        counts += part[0]
        wc += part[1]
        wq += part[2]
    zero = 0 if w is None else int((w == 0).sum())
    return Cells(counts, wc, wq, missing, n_rows, zero), first


def checked_fields(
    cells: Cells,
    first: tuple[int, int] | None,
    names: Sequence[str],
    nan_policy: str,
    where: str,
    *,
    weighted: bool,
    backend: str | None,
) -> dict[str, Any]:
    """Check the counts of any engine; return them as result fields.

    Refuses missing answers under ``nan_policy="raise"`` (``first``: the
    (row, unit) of the first, when known) and weighted counts that
    overflowed.
    """
    raise_missing(names, cells.missing, first, nan_policy, where)
    check_weighted(names, cells.weighted, cells.weighted_sq, where)
    return {
        "counts": cells.counts,
        "weighted_counts": cells.weighted,
        "weight_sq_sums": cells.weighted_sq,
        "missing": cells.missing,
        "rows_total": cells.rows_total,
        "weighted": weighted,
        "zero_weight": cells.zero_weight,
        "_backend": backend,
    }


class Counted(Protocol):
    """What CategoryCounts and PairCounts share: mergeable counts."""

    @property
    def counts(self) -> IntArray: ...
    @property
    def weighted_counts(self) -> FloatArray: ...
    @property
    def weight_sq_sums(self) -> FloatArray: ...
    @property
    def missing(self) -> IntArray: ...
    @property
    def rows_total(self) -> int: ...
    @property
    def weighted(self) -> bool: ...
    @property
    def zero_weight(self) -> int: ...


def added(a: Counted, b: Counted) -> dict[str, Any]:
    """Return the fields of the counts of two disjoint sets of rows, summed."""
    return {
        "counts": a.counts + b.counts,
        "weighted_counts": a.weighted_counts + b.weighted_counts,
        "weight_sq_sums": a.weight_sq_sums + b.weight_sq_sums,
        "missing": a.missing + b.missing,
        "rows_total": a.rows_total + b.rows_total,
        "weighted": a.weighted or b.weighted,
        "zero_weight": a.zero_weight + b.zero_weight,
    }
