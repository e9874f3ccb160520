"""The result of computing survey weights from population margins."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .._typing import FloatArray
from ..data._checks import canonical_label as canonical
from ..exceptions import InputError
from ..results._base import ResultMixin
from ..results._estimates import Estimates
from ..results._summary import Summary, table

__all__ = ["WeightingResult"]


@dataclass(frozen=True, slots=True, kw_only=True)
class WeightingResult(ResultMixin):
    """Weights calibrated to population margins, and how far they spread.

    Attributes
    ----------
    method : str
        How the weights were computed: ``"rake"``, ``"poststratify"`` or
        ``"calibrate (linear)"`` (``raking``, ``logit``).
    weights : ndarray or None
        The new weight of every row (rows in memory, in the input's order;
        zero-weight rows stay 0). None for a lazy frame: use
        :attr:`factors` (one per cell) on the engine.
    margins : tuple of str
        The label columns the weights were calibrated on.
    cells : tuple of tuple of str
        The combinations of labels present among the respondents.
    factors : ndarray
        The factor applied to the starting weight of each cell's rows.
    estimates : Estimates
        Rows of kind ``"margin"`` (name ``"column=label"``: the weighted
        total achieved, beside its ``target``), ``"weights"``
        (``effective_n``, ``design_effect``, ``min``, ``max``, ``sum``).
        No sampling intervals: these are descriptions of the weights.
    target : dict of str to float
        The population total of each ``"column=label"``.
    effective_n : float
        Kish's effective sample size of the new weights.
    design_effect : float
        Kish's design effect of weighting, ``n / effective_n``.
    n : int
        Respondents weighted (positive starting weight).
    n_zero_weight : int
        Rows left out because their starting weight is 0.
    iterations : int
        Raking cycles run (1 for post-stratification).
    converged : bool
        Whether every margin was met within ``tolerance``.
    trimmed : int
        Weights moved to a bound by ``trim`` (0 without trimming).
    confidence_level : float
        Stored for the estimates table (its rows have no interval).
    """

    method: str
    weights: FloatArray | None = field(repr=False)
    margins: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...] = field(repr=False)
    factors: FloatArray = field(repr=False)
    estimates: Estimates = field(repr=False)
    target: dict[str, float] = field(repr=False)
    effective_n: float
    design_effect: float
    n: int
    n_zero_weight: int
    iterations: int
    converged: bool
    trimmed: int
    confidence_level: float = 0.95
    _backend: str | None = field(default=None, repr=False)
    _weight_column: str | None = field(default=None, repr=False)
    _array_weights: bool = field(default=False, repr=False)

    def __repr__(self) -> str:
        return (
            f"WeightingResult(method={self.method!r}, margins={list(self.margins)}, "
            f"n={self.n}, effective_n={self.effective_n:.1f}, "
            f"design_effect={self.design_effect:.3f}, converged={self.converged})"
        )

    def to_frame(self, backend: str | None = None) -> Any:  # noqa: ANN401 - a frame
        """Return the estimates table (margins achieved and weight spread)."""
        return self.estimates.to_frame(backend or self._backend)  # type: ignore[arg-type]

    def _records(self) -> list[dict[str, object]]:
        return self.estimates._records()

    def summary(self) -> Summary:
        """Margins achieved against their targets, and the weights' spread."""
        rows: list[list[object]] = []
        margin = self.estimates.select("margin")
        for name, value in zip(margin.name, margin.estimate, strict=True):
            rows.append([name, self.target[name], float(value)])
        spread = self.estimates.select("weights")
        stats = [
            [name, float(v)]
            for name, v in zip(spread.name, spread.estimate, strict=True)
        ]
        notes = [
            "Kish (1965): effective n = (sum w)^2 / sum w^2; design effect = "
            "n / effective n.",
        ]
        if not self.converged:
            notes.append("Raking did NOT converge: margins are not all met.")
        if self.trimmed:
            notes.append(
                f"{self.trimmed} weight(s) trimmed: margins are met only "
                "approximately after trimming."
            )
        return Summary(
            title=f"Weights by {self.method} on {', '.join(self.margins)}",
            tables=(
                table("margins", ["margin", "target", "achieved"], rows, digits=3),
                table("weights", ["statistic", "value"], stats, digits=3),
            ),
            notes=tuple(notes),
        )

    def apply(self, data: object, *, name: str = "weight") -> Any:  # noqa: ANN401
        """Add the new weights to a frame, computed by its own engine.

        For a lazy frame (DuckDB, Spark, polars, Dask) or an eager frame with
        the label columns (and the starting weights column, when one was
        used): the new column ``name`` is the starting weight times the
        factor of the row's cell, written as one engine expression, so the
        rows never leave the engine. Returns the same kind of (native)
        frame.

        Raises
        ------
        InputError
            When ``data`` is not a frame, or lacks a label or weights column.
        """
        import narwhals.stable.v2 as nw  # noqa: PLC0415 - frames only

        from ..engines.grouped import with_cell_factors  # noqa: PLC0415

        frame = nw.from_native(data, pass_through=True)
        if not isinstance(frame, nw.DataFrame | nw.LazyFrame):
            msg = (
                "The 'data' parameter of WeightingResult.apply must be a "
                f"dataframe or lazy frame. Got {type(data).__name__} instead."
            )
            raise InputError(msg)
        if not self.cells:
            msg = (
                "WeightingResult.apply cannot write these weights by cell: "
                "calibration to numeric totals gives every row its own factor. "
                "Use result.weights."
            )
            raise InputError(msg)
        if self.trimmed:
            msg = (
                "WeightingResult.apply cannot write trimmed weights: trimming acts "
                "on each row, not on the cells' factors. Use result.weights, or "
                "fit without 'trim'."
            )
            raise InputError(msg)
        if self._array_weights:
            msg = (
                "WeightingResult.apply cannot rebuild the weights: the starting "
                "'weights' were given as an array, not a column. Use "
                "result.weights, or fit with weights='<column>'."
            )
            raise InputError(msg)
        names = set(frame.collect_schema().names())
        need = [*self.margins, *([self._weight_column] if self._weight_column else [])]
        absent = [c for c in need if c not in names]
        if absent:
            msg = (
                "The 'data' parameter of WeightingResult.apply lacks column(s) "
                f"{absent} used to compute the weights."
            )
            raise InputError(msg)
        out = with_cell_factors(
            frame,
            self.margins,
            self.cells,
            self.factors,
            weight=self._weight_column,
            name=name,
        )
        return out.to_native()

    def factor_of(self, *labels: object) -> float:
        """Return the factor of the cell with these labels (one per margin).

        Numeric labels match however they are stored (``1`` matches
        ``"1.0"``). A combination no respondent has is an
        :class:`~satmodels.InputError`.
        """
        key = tuple(canonical(v) for v in labels)
        for cell, f in zip(self.cells, self.factors, strict=True):
            if cell == key:
                return float(f)
        msg = (
            f"The 'labels' of factor_of name no cell of this result: {key!r}. "
            f"Cells: {list(self.cells)[:10]}."
        )
        raise InputError(msg)
