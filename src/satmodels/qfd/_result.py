"""The house of quality as a frozen result."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from .._typing import FloatArray
from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates
from ..results._summary import Summary, table

__all__ = ["HouseResult"]


@dataclass(frozen=True, slots=True, kw_only=True)
class HouseResult(ResultMixin):
    """A house of quality: requirement weights and technical priorities.

    Attributes
    ----------
    estimates : Estimates
        Rows of kind ``"normalized_weight"`` (requirement weights summing
        to 1),
        ``"raw_weight"``, ``"improvement_ratio"`` and ``"adjusted_ratio"``
        (with a planning matrix) per requirement, and
        ``"technical_importance"`` (absolute) and ``"technical_share"``
        (relative) per characteristic. No intervals: the house is computed
        from given figures (an importance's own intervals stay in the
        result it came from).
    confidence_level : float
        Nominal level of the table (no interval is computed).
    requirements, characteristics : tuple of str
        Row and column labels (the "whats" and the "hows").
    relationships : ndarray, shape (m, n)
        The relationship matrix as given (levels of ``scale``).
    importance : dict of str to float
        Customer importance per requirement.
    importance_source : str
        Where it came from (``"given"``, ``"IPA (derived: shapley)"``, ...).
    performance, planned, improvement_ratio, adjusted_ratio, sales_points :
    dict of str to float or None
        The planning matrix (None without ``performance``):
        ``improvement_ratio = planned / performance``; ``adjusted_ratio`` the
        Kano-adjusted ratio (equal to it without ``kano``).
    competitors : dict of str to dict of str to float
        Competitors' performance per requirement.
    kano_category, kano_exponent : dict of str or None
        Category and exponent per requirement, when ``kano`` was given.
    raw_weight : dict of str to float
        ``importance * adjusted_ratio * sales_point`` (``importance``
        without a planning matrix).
    normalized_weight : dict of str to float
        ``raw_weight / sum(raw_weight)``.
    technical_importance : dict of str to float
        Absolute technical importance, ``sum_i raw_weight_i * r_ij``.
    technical_share : dict of str to float
        Relative technical importance (shares summing to 1).
    priority : tuple of str
        Characteristics from the highest technical importance down.
    roof : ndarray or None
        Symmetric correlation matrix among characteristics (diagonal 0).
    tradeoffs : tuple of (str, str, float)
        Pairs of characteristics with a negative roof correlation, strongest
        first: improving one works against the other.
    unaddressed : tuple of str
        Requirements no characteristic relates to (a row of zeros).
    unused : tuple of str
        Characteristics related to no requirement (a column of zeros).
    """

    estimates: Estimates
    confidence_level: float
    requirements: tuple[str, ...]
    characteristics: tuple[str, ...]
    relationships: FloatArray = field(repr=False)
    importance: dict[str, float] = field(repr=False)
    importance_source: str
    performance: dict[str, float] | None = field(default=None, repr=False)
    planned: dict[str, float] | None = field(default=None, repr=False)
    improvement_ratio: dict[str, float] | None = field(default=None, repr=False)
    adjusted_ratio: dict[str, float] | None = field(default=None, repr=False)
    sales_points: dict[str, float] | None = field(default=None, repr=False)
    competitors: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)
    kano_category: dict[str, str] | None = field(default=None, repr=False)
    kano_exponent: dict[str, float] | None = field(default=None, repr=False)
    raw_weight: dict[str, float] = field(repr=False)
    normalized_weight: dict[str, float] = field(repr=False)
    technical_importance: dict[str, float] = field(repr=False)
    technical_share: dict[str, float] = field(repr=False)
    priority: tuple[str, ...]
    roof: FloatArray | None = field(default=None, repr=False)
    tradeoffs: tuple[tuple[str, str, float], ...] = ()
    unaddressed: tuple[str, ...] = ()
    unused: tuple[str, ...] = ()

    def __repr__(self) -> str:
        top = ", ".join(f"{c}={self.technical_share[c]:.3f}" for c in self.priority[:5])
        more = ", ..." if len(self.priority) > 5 else ""
        kano = "" if self.kano_category is None else ", kano-adjusted"
        plan = "" if self.performance is None else ", planning matrix"
        return (
            f"HouseResult({len(self.requirements)} requirements x "
            f"{len(self.characteristics)} characteristics{plan}{kano})\n"
            f"  priority: {top}{more}"
        )

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """Return the estimates as a long table (pandas unless ``backend``)."""
        return self.estimates.to_frame(backend)

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """NaN bounds: the house is computed, not sampled."""
        return self.estimates.confidence_interval(confidence_level)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: the public fields, the estimates as rows."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.to_dict() if isinstance(value, Estimates) else value
        return dict(jsonable(out))

    def summary(self) -> Summary:
        """Return the planning matrix, the technical priorities, the trade-offs."""
        head = ["requirement", "importance"]
        plan = self.performance is not None
        if plan:
            head += ["performance", "planned", "ratio", "adjusted", "sales point"]
        if self.kano_category is not None:
            head.append("kano")
        head += ["raw weight", "normalized"]
        rows: list[list[object]] = []
        for r in self.requirements:
            row: list[object] = [r, self.importance[r]]
            if plan:
                row += [
                    self.performance[r],  # type: ignore[index]
                    self.planned[r],  # type: ignore[index]
                    self.improvement_ratio[r],  # type: ignore[index]
                    self.adjusted_ratio[r],  # type: ignore[index]
                    self.sales_points[r],  # type: ignore[index]
                ]
            if self.kano_category is not None:
                row.append(self.kano_category[r])
            row += [self.raw_weight[r], self.normalized_weight[r]]
            rows.append(row)
        tech = [
            [i + 1, c, self.technical_importance[c], self.technical_share[c]]
            for i, c in enumerate(self.priority)
        ]
        notes = [f"Importance: {self.importance_source}."]
        if self.tradeoffs:
            notes.append(
                "Trade-offs (negative roof): "
                + ", ".join(f"{a} / {b} ({v:g})" for a, b, v in self.tradeoffs)
                + "."
            )
        if self.unaddressed:
            notes.append(
                f"Requirements no characteristic addresses: {list(self.unaddressed)}."
            )
        if self.unused:
            notes.append(
                f"Characteristics related to no requirement: {list(self.unused)}."
            )
        return Summary(
            title="House of quality",
            tables=(
                table("Planning matrix", head, rows),
                table(
                    "Technical priorities",
                    ["rank", "characteristic", "absolute", "relative"],
                    tech,
                ),
            ),
            notes=tuple(notes),
        )
