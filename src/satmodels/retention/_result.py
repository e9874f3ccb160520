"""Result classes of the retention-economics functions.

They are computed from given figures, not sampled, so their estimates
table has no standard errors and no intervals (``interval == "none"``,
NaN bounds); ``confidence_level`` is the table's nominal level only.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..results._base import ConfidenceInterval, ResultMixin, jsonable
from ..results._estimates import Estimates
from ..results._summary import Summary, table

if TYPE_CHECKING:
    from .._typing import FloatArray

__all__ = [
    "AcquisitionResult",
    "LifetimeValueResult",
    "RetentionEffectResult",
]


class _FiguresResult(ResultMixin):
    """``to_frame``, ``to_dict``, ``confidence_interval``, ``summary``."""

    __slots__ = ()

    if TYPE_CHECKING:
        estimates: Estimates
        confidence_level: float

    def to_frame(self, backend: Literal["pandas", "polars"] | None = None) -> Any:  # noqa: ANN401 - a pandas or polars DataFrame
        """Return the estimates as a long table (pandas unless ``backend``)."""
        return self.estimates.to_frame(backend)

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """NaN bounds: figures given, not sampled, have no interval."""
        return self.estimates.confidence_interval(confidence_level)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: the public fields, the estimates as rows."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if f.name.startswith("_"):
                continue
            value = getattr(self, f.name)
            out[f.name] = value.to_dict() if isinstance(value, Estimates) else value
        return dict(jsonable(out))

    def _title(self) -> str:
        return type(self).__name__

    def _notes(self) -> tuple[str, ...]:
        return ()

    def summary(self) -> Summary:
        """Return the estimates (name and value) and the formula used."""
        est = self.estimates
        rows = [
            (k, n, float(v))
            for k, n, v in zip(est.kind, est.name, est.estimate, strict=True)
        ]
        return Summary(
            title=self._title(),
            tables=(table("", ("kind", "name", "value"), rows, digits=4),),
            notes=self._notes(),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class LifetimeValueResult(_FiguresResult):
    """Customer lifetime value under a constant retention rate.

    Attributes
    ----------
    estimates : Estimates
        Rows ``clv``, ``margin_multiple``, ``expected_lifetime``,
        ``net_clv`` and ``customer_equity`` (kind ``"retention"``), no
        intervals.
    confidence_level : float
        Nominal level of the table (no interval is computed).
    clv : float
        Lifetime value of one customer (discounted margins).
    margin_multiple : float
        ``clv / margin`` (Gupta & Lehmann 2003's multiple).
    expected_lifetime : float
        Expected number of periods a customer stays (``1 / (1 - r)``
        infinite horizon, truncated at ``periods`` otherwise).
    net_clv : float
        ``clv - acquisition_cost``.
    customer_equity : float
        ``customers * net_clv``.
    margin, retention, discount, margin_growth : float
    periods : int or None
        Horizon (None: infinite, closed form).
    timing : {"end", "start"}
    cohort : dict of str to ndarray or None
        With ``periods``: per period ``t``, the cohort's ``survivors``
        (``customers * r**t``), ``margin`` per survivor, ``discount_factor``,
        ``contribution`` (discounted cohort margin) and ``cumulative``.
    """

    estimates: Estimates
    confidence_level: float
    clv: float
    margin_multiple: float
    expected_lifetime: float
    net_clv: float
    customer_equity: float
    margin: float
    retention: float
    discount: float
    margin_growth: float
    periods: int | None
    timing: str
    cohort: dict[str, FloatArray] | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        horizon = "infinite" if self.periods is None else f"{self.periods} periods"
        return (
            f"LifetimeValueResult(clv={self.clv:.4g}, margin_multiple="
            f"{self.margin_multiple:.4g}, expected_lifetime="
            f"{self.expected_lifetime:.4g}, horizon={horizon})"
        )

    def _title(self) -> str:
        return "Customer lifetime value"

    def _notes(self) -> tuple[str, ...]:
        if self.periods is None:
            form = (
                "CLV = m r / (1 + d - r (1 + g))"
                if self.timing == "end"
                else "CLV = m (1 + d) / (1 + d - r (1 + g))"
            )
            return (f"Closed form (Gupta & Lehmann 2003): {form}.",)
        return (f"Sum over {self.periods} periods of the cohort's discounted margins.",)


@dataclass(frozen=True, slots=True, kw_only=True)
class RetentionEffectResult(_FiguresResult):
    """The profit effect of a change in the retention rate.

    Attributes
    ----------
    estimates : Estimates
        Rows ``clv_before``, ``clv_after``, ``clv_change``,
        ``relative_change``, ``lifetime_before``, ``lifetime_after`` and
        ``equity_change`` (kind ``"retention"``), no intervals.
    confidence_level : float
    before, after : LifetimeValueResult
        The lifetime value at ``retention`` and at ``new_retention``.
    clv_change : float
        ``after.clv - before.clv``.
    relative_change : float
        ``clv_change / before.clv`` (the profit effect per customer, as a
        share: 0.41 means +41 %).
    equity_change : float
        ``customers * clv_change``.
    """

    estimates: Estimates
    confidence_level: float
    before: LifetimeValueResult = field(repr=False)
    after: LifetimeValueResult = field(repr=False)
    clv_change: float
    relative_change: float
    equity_change: float

    def __repr__(self) -> str:
        return (
            f"RetentionEffectResult(retention {self.before.retention:g} -> "
            f"{self.after.retention:g}, clv {self.before.clv:.4g} -> "
            f"{self.after.clv:.4g}, relative_change={self.relative_change:+.1%})"
        )

    def _title(self) -> str:
        return "Profit effect of a retention change"

    def _notes(self) -> tuple[str, ...]:
        return (
            "relative_change = CLV(new retention) / CLV(retention) - 1; "
            "expected lifetime 1 / (1 - r) (Reichheld & Sasser 1990).",
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AcquisitionResult(_FiguresResult):
    """Acquisition against retention spending (Blattberg & Deighton 1996).

    Attributes
    ----------
    estimates : Estimates
        Rows ``cost_per_acquired``, ``cost_per_retained``, ``cost_ratio``,
        ``retained_value``, ``value_per_acquired``, ``equity_per_prospect``
        and ``customer_equity`` (kind ``"retention"``), no intervals.
    confidence_level : float
    cost_per_acquired : float
        ``acquisition_cost / acquisition_rate``: spending per customer won.
    cost_per_retained : float
        ``retention_cost / retention``: spending per customer kept, per
        period.
    cost_ratio : float
        ``cost_per_acquired / cost_per_retained`` (how many times more a
        customer costs to win than to keep; NaN without retention cost).
    retained_value : float
        Value of a customer after the first period, net of retention
        spending: ``(m - R / r) r / (1 + d - r)``.
    value_per_acquired : float
        ``m - cost_per_acquired + retained_value``.
    equity_per_prospect : float
        Blattberg & Deighton's customer equity per prospect,
        ``a m - A + a (m - R / r) r / (1 + d - r)``.
    customer_equity : float
        ``prospects * equity_per_prospect``.
    """

    estimates: Estimates
    confidence_level: float
    cost_per_acquired: float
    cost_per_retained: float
    cost_ratio: float
    retained_value: float
    value_per_acquired: float
    equity_per_prospect: float
    customer_equity: float

    def __repr__(self) -> str:
        return (
            f"AcquisitionResult(cost_per_acquired={self.cost_per_acquired:.4g}, "
            f"cost_per_retained={self.cost_per_retained:.4g}, cost_ratio="
            f"{self.cost_ratio:.3g}, equity_per_prospect="
            f"{self.equity_per_prospect:.4g})"
        )

    def _title(self) -> str:
        return "Acquisition against retention (customer equity)"

    def _notes(self) -> tuple[str, ...]:
        return (
            "Customer equity per prospect = a m - A + a (m - R/r) r / (1 + d - r) "
            "(Blattberg & Deighton 1996).",
        )
