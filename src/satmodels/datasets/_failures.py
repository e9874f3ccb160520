"""A simulated year of daily service failures of a parcel carrier.

The failure types are those of Federal Express's Service Quality Indicator
as the course documents list them (late delivery, wrong-day delivery,
missed pickup, lost package, wrong information, billing error, staff
failure, damaged package), with weights in the spirit of FedEx's
"hierarchy of horrors" (1 for an annoyance, 5 for a broken promise, 10 for
a disaster). The counts are Poisson with known daily rates, so tutorials and
tests know the truth: a weekday cycle in the deliveries, a slow improvement
in late deliveries over the year, and one planted special cause (a week of
damaged packages from a faulty sorter).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validation import check_rng
from ..exceptions import InputError

__all__ = [
    "FAILURES_SEED",
    "FAILURE_RATES",
    "SQI_SEVERITY",
    "SimulatedFailures",
    "make_daily_failures",
]

#: Seed of the year used in docs/tutorials/sqi.md.
FAILURES_SEED = 20261130

#: Weight of each failure type (how much customers hate it).
SQI_SEVERITY: dict[str, float] = {
    "late_delivery": 1.0,
    "wrong_day_delivery": 5.0,
    "missed_pickup": 10.0,
    "lost_package": 10.0,
    "wrong_information": 1.0,
    "billing_error": 1.0,
    "staff_failure": 5.0,
    "damaged_package": 10.0,
}

#: In-control failures per 10,000 deliveries (late deliveries at the start
#: of the year; they fall by ``late_improvement`` over the year).
FAILURE_RATES: dict[str, float] = {
    "late_delivery": 60.0,
    "wrong_day_delivery": 8.0,
    "missed_pickup": 2.0,
    "lost_package": 0.5,
    "wrong_information": 15.0,
    "billing_error": 10.0,
    "staff_failure": 3.0,
    "damaged_package": 1.5,
}

_WEEKDAY_VOLUME = (1.0, 1.0, 1.0, 1.05, 1.15, 0.6, 0.25)  # Monday first


@dataclass(frozen=True, slots=True)
class SimulatedFailures:
    """A simulated run of daily failure counts with its known truth.

    Attributes
    ----------
    data : dict of str to ndarray
        ``day`` (ISO dates, text), ``deliveries`` and one count column per
        failure type (the keys of :data:`SQI_SEVERITY`).
    severity : dict of str to float
        The weights of the failure types.
    rates : ndarray, shape (days, types)
        The true expected failures per delivery of each day.
    special_days : tuple of str
        The days of the planted special cause.
    seed : object
        The ``rng`` used.
    """

    data: dict[str, np.ndarray[Any, Any]]
    severity: dict[str, float]
    rates: np.ndarray[Any, Any] = field(repr=False)
    special_days: tuple[str, ...]
    seed: object

    def to_frame(self, backend: str | None = None) -> Any:  # noqa: ANN401
        """Return the days as a pandas (default) or polars DataFrame."""
        chosen = backend or "pandas"
        if chosen == "pandas":
            import pandas as pd  # noqa: PLC0415 - optional dependency

            return pd.DataFrame(dict(self.data))
        if chosen == "polars":
            import polars as pl  # noqa: PLC0415 - optional dependency

            return pl.DataFrame(dict(self.data))
        msg = (
            "The 'backend' parameter of SimulatedFailures.to_frame must be "
            f"'pandas' or 'polars'. Got {backend!r} instead."
        )
        raise InputError(msg)


def make_daily_failures(
    n_days: int = 365,
    *,
    rng: np.random.Generator | np.random.SeedSequence | int | None = FAILURES_SEED,
    deliveries: float = 20_000.0,
    late_improvement: float = 0.3,
    special_cause: tuple[int, int, float] | None = (200, 7, 4.0),
    start: str = "2026-01-01",
) -> SimulatedFailures:
    """Simulate daily failure counts of a parcel carrier.

    Parameters
    ----------
    n_days : int, default 365
    rng : seed or Generator, default :data:`FAILURES_SEED`
        The same seed gives the same year.
    deliveries : float, default 20000
        Mean deliveries on a Monday; the weekday cycle scales it (Sunday a
        quarter), and each day's volume is Poisson around that.
    late_improvement : float, default 0.3
        Relative fall of the late-delivery rate from the first to the last
        day (a quality programme at work).
    special_cause : (first day, length, factor) or None
        Days (0-based) where damaged packages run at ``factor`` times their
        rate; default a week from day 200 at four times the rate.
    start : str
        ISO date of the first day.

    Returns
    -------
    SimulatedFailures

    Examples
    --------
    >>> from satmodels.datasets import make_daily_failures
    >>> year = make_daily_failures()
    >>> len(year.data["day"]), year.data["day"][0], year.special_days[0]
    (365, '2026-01-01', '2026-07-20')
    """
    where = "make_daily_failures"
    if (
        isinstance(n_days, bool)
        or not isinstance(n_days, int | np.integer)
        or n_days < 1
    ):
        msg = (
            f"The 'n_days' parameter of {where} must be a positive integer. "
            f"Got {n_days!r}."
        )
        raise InputError(msg)
    if not (np.isfinite(deliveries) and deliveries > 0):
        msg = f"The 'deliveries' parameter of {where} must be > 0. Got {deliveries!r}."
        raise InputError(msg)
    if not 0.0 <= late_improvement < 1.0:
        msg = (
            f"The 'late_improvement' parameter of {where} must lie in [0, 1). "
            f"Got {late_improvement!r}."
        )
        raise InputError(msg)
    gen = check_rng(rng, where)
    try:
        first = _dt.date.fromisoformat(start)
    except (TypeError, ValueError) as exc:
        msg = f"The 'start' parameter of {where} must be an ISO date. Got {start!r}."
        raise InputError(msg) from exc
    days = [first + _dt.timedelta(days=i) for i in range(int(n_days))]
    volume = deliveries * np.array([_WEEKDAY_VOLUME[d.weekday()] for d in days])
    opportunities = gen.poisson(volume).astype(np.float64)
    names = list(SQI_SEVERITY)
    base = np.array([FAILURE_RATES[f] for f in names]) / 10_000.0
    rates = np.tile(base, (len(days), 1))
    progress = np.arange(len(days)) / max(len(days) - 1, 1)
    rates[:, names.index("late_delivery")] *= 1.0 - late_improvement * progress
    special: list[int] = []
    if special_cause is not None:
        begin, length, factor = special_cause
        special = [d for d in range(begin, begin + length) if 0 <= d < len(days)]
        rates[special, names.index("damaged_package")] *= factor
    counts = gen.poisson(rates * opportunities[:, None]).astype(np.float64)
    data: dict[str, np.ndarray[Any, Any]] = {
        "day": np.array([d.isoformat() for d in days], dtype=object),
        "deliveries": opportunities,
    }
    for j, f in enumerate(names):
        data[f] = counts[:, j]
    return SimulatedFailures(
        data=data,
        severity=dict(SQI_SEVERITY),
        rates=rates,
        special_days=tuple(days[d].isoformat() for d in special),
        seed=rng if not isinstance(rng, np.random.Generator) else "Generator",
    )
