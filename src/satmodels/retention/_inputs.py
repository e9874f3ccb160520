"""Validated inputs of the retention-economics functions (pydantic, frozen).

Rates are per period and lie in [0, 1) (a retention rate of 1 has no
finite lifetime value); money amounts are finite. A rule across fields
(a growing margin must not outgrow retention and discount together) is a
``model_validator``. :func:`satmodels._validation.validated` turns every
failure into an :class:`~satmodels.InputError` naming the parameter and
the value.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, Strict, model_validator

from .._validation import FrozenModel

__all__ = [
    "AcquisitionInput",
    "LifetimeInput",
    "Money",
    "Rate",
    "Timing",
]

#: A per-period rate in [0, 1).
Rate = Annotated[float, Strict(), Field(ge=0.0, lt=1.0, allow_inf_nan=False)]
#: A finite amount of money per customer and period (may be negative).
Money = Annotated[float, Strict(), Field(allow_inf_nan=False)]
#: When a period's margin is earned: at its end by the customers retained
#: (Gupta & Lehmann 2003), or at its start by the customers present.
Timing = Literal["end", "start"]


class LifetimeInput(FrozenModel):
    """Inputs of :func:`~satmodels.retention.lifetime_value`."""

    margin: Money
    retention: Rate
    discount: Rate
    margin_growth: Annotated[
        float, Strict(), Field(gt=-1.0, lt=1.0, allow_inf_nan=False)
    ] = 0.0
    periods: Annotated[int, Strict(), Field(ge=1, le=10_000)] | None = None
    timing: Timing = "end"
    acquisition_cost: Annotated[float, Strict(), Field(ge=0.0, allow_inf_nan=False)] = (
        0.0
    )
    customers: Annotated[float, Strict(), Field(gt=0.0, allow_inf_nan=False)] = 1.0

    @model_validator(mode="after")
    def _finite_value(self) -> Self:
        """Refuse an infinite horizon unless r (1 + g) < 1 + d (else CLV diverges)."""
        if self.periods is None and self.retention * (1.0 + self.margin_growth) >= (
            1.0 + self.discount
        ):
            msg = (
                "with periods=None (an infinite horizon) the lifetime value is "
                "finite only when retention * (1 + margin_growth) < 1 + discount. "
                f"Got retention={self.retention}, margin_growth="
                f"{self.margin_growth}, discount={self.discount}; give 'periods'."
            )
            raise ValueError(msg)
        return self


class AcquisitionInput(FrozenModel):
    """Inputs of :func:`~satmodels.retention.acquisition_vs_retention`."""

    margin: Money
    retention: Annotated[float, Strict(), Field(gt=0.0, lt=1.0, allow_inf_nan=False)]
    discount: Rate
    acquisition_cost: Annotated[float, Strict(), Field(ge=0.0, allow_inf_nan=False)]
    acquisition_rate: Annotated[
        float, Strict(), Field(gt=0.0, le=1.0, allow_inf_nan=False)
    ]
    retention_cost: Annotated[float, Strict(), Field(ge=0.0, allow_inf_nan=False)] = 0.0
    prospects: Annotated[float, Strict(), Field(gt=0.0, allow_inf_nan=False)] = 1.0
