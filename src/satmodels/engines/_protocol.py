r"""The typed protocol between the engines and the statistics layer.

Every engine (numpy in memory, Dask, the expression engines, the Poisson
bootstrap) returns one of the small frozen dataclasses below: arrays of
sums, counts and co-moments plus the account of the rows. The statistics
layer (:mod:`satmodels.stats.moments`, :mod:`satmodels.stats.counts`) turns
them into the public :class:`~satmodels.stats.Moments` and
:class:`~satmodels.stats.CategoryCounts`; the engines never import it.

:meth:`PairMoments.merge` is the one implementation of the exact pairwise
update of Chan, Golub & LeVeque (1979, eq. 2.1, generalised to co-moments
and case weights):

.. math::

    W = W_a + W_b, \qquad \delta = \bar x_b - \bar x_a, \qquad
    \bar x = \bar x_a + \delta \, W_b / W, \qquad
    C = C_a + C_b + \delta \delta^\top \, W_a W_b / W.

References
----------
.. [1] Chan, T. F., Golub, G. H., & LeVeque, R. J. (1979). Updating formulae
   and a pairwise algorithm for computing sample variances. Technical Report
   STAN-CS-79-773, Stanford University.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from .._tally import summed
from .._typing import FloatArray, IntArray
from ..exceptions import InputError

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
    "summed",
]

Missing = Literal["listwise", "pairwise"]


@dataclass(frozen=True, slots=True)
class MomentsRequest:
    """What the caller asks an engine for: moments of which columns, and how.

    ``where`` and ``name`` (the public function and its data parameter) are
    named in every message; the checks below are shared by the engines.
    """

    columns: tuple[str, ...]
    weight: str | None
    missing: Missing
    nan_policy: str
    where: str
    name: str = "data"

    @property
    def listwise(self) -> bool:
        """Whether rows with any missing value are dropped."""
        return self.missing == "listwise"

    def check_infinite(self, counts: Sequence[int]) -> None:
        """Refuse infinite values, given their count per column."""
        for col, k in zip(self.columns, counts, strict=True):
            if k:
                msg = (
                    f"The '{self.name}' parameter of {self.where} has {k} "
                    f"infinite value(s) in column '{col}'."
                )
                raise InputError(msg)

    def check_missing(self, column_missing: dict[str, int]) -> None:
        """Refuse missing values under ``nan_policy="raise"``."""
        total = sum(column_missing.values())
        if total and self.nan_policy == "raise":
            first = next(c for c in self.columns if column_missing[c])
            msg = (
                f"The '{self.name}' parameter of {self.where} has {total} missing "
                f"value(s) and nan_policy='raise'; {column_missing[first]} in "
                f"column '{first}'."
            )
            raise InputError(msg)

    def no_usable_row(self, account: Account) -> InputError:
        """Return the error for a data set whose rows were all excluded."""
        return InputError(
            f"The '{self.name}' parameter of {self.where} has no usable row: "
            f"all {account.rows_total} row(s) were excluded "
            f"({account.reasons or 'empty input'})."
        )


@dataclass(frozen=True, slots=True)
class Account:
    """Rows read, used and excluded (by reason), and missing cells per column."""

    rows_total: int
    rows_used: int
    reasons: dict[str, int]
    column_missing: dict[str, int]

    def merge(self, other: Account) -> Account:
        """Sum the accounts of two disjoint parts of one data set."""
        return Account(
            rows_total=self.rows_total + other.rows_total,
            rows_used=self.rows_used + other.rows_used,
            reasons=summed(self.reasons, other.reasons),
            column_missing=summed(self.column_missing, other.column_missing),
        )


@dataclass(frozen=True, slots=True)
class PairMoments:
    """Per-pair moments, shape ``(p, p)`` or ``(B, p, p)`` for B replicates.

    ``count[i, j]`` rows observe both columns i and j; ``weight_sum`` and
    ``weight_sq_sum`` sum their case weights and squared weights;
    ``pair_mean[i, j]`` is the mean of column i over those rows,
    ``comoment[i, j]`` the centred cross-product and ``pair_sumsq[i, j]``
    the centred sum of squares of column i over them.
    """

    count: IntArray
    weight_sum: FloatArray
    weight_sq_sum: FloatArray
    pair_mean: FloatArray
    comoment: FloatArray
    pair_sumsq: FloatArray

    def merge(self, other: PairMoments) -> PairMoments:
        """Exact moments of the union of two disjoint row sets (Chan et al.)."""
        wa, wb = self.weight_sum, other.weight_sum
        w = wa + wb
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            frac_b = np.where(w > 0, wb / w, 0.0)
            cross = np.where(w > 0, wa * wb / w, 0.0)
            delta = other.pair_mean - self.pair_mean
            delta_t = np.swapaxes(delta, -1, -2)
            return PairMoments(
                count=self.count + other.count,
                weight_sum=w,
                weight_sq_sum=self.weight_sq_sum + other.weight_sq_sum,
                pair_mean=self.pair_mean + delta * frac_b,
                comoment=self.comoment + other.comoment + delta * delta_t * cross,
                pair_sumsq=self.pair_sumsq + other.pair_sumsq + delta * delta * cross,
            )


@dataclass(frozen=True, slots=True)
class MomentSums:
    """What an engine returns for Moments: the arrays and the row account."""

    columns: tuple[str, ...]
    missing: Missing
    weighted: bool
    moments: PairMoments
    account: Account
    #: Column means of the full sample (the bootstrap's centring).
    shift: FloatArray | None = field(default=None, repr=False)

    def merge(self, other: MomentSums) -> MomentSums:
        """Merge the sums of two disjoint row sets (same columns)."""
        return replace(
            self,
            moments=self.moments.merge(other.moments),
            account=self.account.merge(other.account),
            weighted=self.weighted or other.weighted,
        )


@dataclass(frozen=True, slots=True)
class Invalid:
    """Answers outside the declared categories: where, an example, how many."""

    column: str
    value: float | None
    count: int


@dataclass(frozen=True, slots=True)
class Cells:
    """Answer counts per unit (a column or a column pair) and cell.

    ``counts``, ``weighted`` (sums of case weights) and ``weighted_sq``
    (sums of squared weights) have shape ``(units, *cells)``; ``missing``
    counts, per unit, the rows of positive weight with an answer missing.
    Rows of weight 0 are in no cell and counted in ``zero_weight``.
    """

    counts: IntArray
    weighted: FloatArray
    weighted_sq: FloatArray
    missing: IntArray
    rows_total: int
    zero_weight: int

    def merge(self, other: Cells) -> Cells:
        """Add the counts of a disjoint set of rows (exact)."""
        return Cells(
            self.counts + other.counts,
            self.weighted + other.weighted,
            self.weighted_sq + other.weighted_sq,
            self.missing + other.missing,
            self.rows_total + other.rows_total,
            self.zero_weight + other.zero_weight,
        )

    def reshaped(self, *cells: int) -> Cells:
        """Return the counts with each unit's cells in shape ``cells``."""
        shape = (self.counts.shape[0], *cells)
        return replace(
            self,
            counts=self.counts.reshape(shape),
            weighted=self.weighted.reshape(shape),
            weighted_sq=self.weighted_sq.reshape(shape),
        )


@dataclass(frozen=True, slots=True)
class CountSums:
    """Per-column category counts, cells of shape ``(p, K)``, from any engine."""

    columns: tuple[str, ...]
    cells: Cells
    invalid: tuple[Invalid | None, ...]


@dataclass(frozen=True, slots=True)
class PairSums:
    """Joint counts of column pairs, cells of shape ``(m, Ka, Kb)``, any engine."""

    cells: Cells
    invalid: tuple[Invalid | None, ...]


def _first_bad(arrays: dict[str, np.ndarray[Any, Any]]) -> tuple[str, int] | None:
    for label, arr in arrays.items():
        a = np.asarray(arr, dtype=np.float64)
        bad = ~np.isfinite(a)
        if bad.any():
            idx = np.argwhere(bad)[0]
            return label, int(idx[-1] if a.ndim >= 2 else idx[0])
    return None


@dataclass(frozen=True, slots=True)
class CellTotals:
    """Respondents and weight per combination of label columns (one group each).

    ``labels`` has one tuple of labels (None where missing) per group;
    ``weight_class`` is 1 (positive weight), 0 (zero) or -1 (missing,
    infinite or negative); ``n`` counts rows; ``weight_sum``,
    ``weight_sq_sum``, ``weight_min`` and ``weight_max`` describe their
    weights (1 for each row without weights).
    """

    labels: tuple[tuple[str | None, ...], ...]
    weight_class: IntArray
    n: IntArray
    weight_sum: FloatArray
    weight_sq_sum: FloatArray
    weight_min: FloatArray
    weight_max: FloatArray


def check_finite(
    arrays: dict[str, np.ndarray[Any, Any]],
    columns: tuple[str, ...],
    *,
    where: str,
    name: str = "data",
) -> None:
    """Raise InputError when a sum overflowed float64 (inf or NaN).

    Sums of values near the float64 limits (about 1.8e308) or of their
    squares (values beyond about 1.3e154) overflow to ``inf``; a statistic
    built on them would be meaningless, so it is refused by name.
    """
    hit = _first_bad(arrays)
    if hit is None:
        return
    label, j = hit
    col = columns[j] if 0 <= j < len(columns) else "?"
    msg = (
        f"The '{name}' parameter of {where} has values too large for float64 "
        f"arithmetic: the {label} involving column '{col}' overflows (values "
        "or weights beyond about 1e154 cannot be squared and summed). Rescale "
        "the column (e.g. to thousands) before computing."
    )
    raise InputError(msg)
