r"""Customer lifetime value, the profit effect of retention, customer equity.

Pure functions of given figures (no survey, no sampling): each validates
its inputs once (rates in [0, 1), finite money) and returns a frozen result
whose estimates table has no intervals.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .._typing import FloatArray
from .._validation import validated
from ..exceptions import InputError, SatmodelsWarning
from ..results._estimates import Estimates, estimates
from ._inputs import AcquisitionInput, LifetimeInput, Timing
from ._result import AcquisitionResult, LifetimeValueResult, RetentionEffectResult

__all__ = ["acquisition_vs_retention", "lifetime_value", "retention_effect"]

_LEVEL = 0.95


def _periods(periods: object) -> object:
    """Let a numpy integer through the strict ``periods`` check."""
    if isinstance(periods, np.integer):
        return int(periods)
    return periods


def _warn_nan(what: str, why: str, where: str, stacklevel: int = 3) -> None:
    msg = f"{where}: {what} is NaN because {why}."
    warnings.warn(msg, SatmodelsWarning, stacklevel=stacklevel)


def _table(names: list[str], values: list[float], where: str) -> Estimates:
    finite = [math.isfinite(v) or math.isnan(v) for v in values]
    if not all(finite):
        bad = [n for n, ok in zip(names, finite, strict=True) if not ok]
        msg = (
            f"The figures given to {where} overflow: {bad} would be infinite. "
            "Give the money amounts in larger units (thousands, millions)."
        )
        raise InputError(msg)
    return estimates(
        name=names,
        estimate=values,
        kind="retention",
        interval="none",
        confidence_level=_LEVEL,
    )


def _cohort(spec: LifetimeInput) -> dict[str, FloatArray]:
    """Per-period cohort table over ``spec.periods`` periods."""
    periods = int(spec.periods or 0)
    start = spec.timing == "start"
    t = np.arange(periods, dtype=np.float64) + (0.0 if start else 1.0)
    survivors = spec.customers * spec.retention**t
    margin = spec.margin * (1.0 + spec.margin_growth) ** (t - (0.0 if start else 1.0))
    factor = (1.0 + spec.discount) ** -t
    with np.errstate(over="ignore", invalid="ignore"):  # refused in _table
        contribution = survivors * margin * factor
        cumulative = np.cumsum(contribution)
    return {
        "period": t,
        "survivors": survivors,
        "margin": margin,
        "discount_factor": factor,
        "contribution": contribution,
        "cumulative": cumulative,
    }


def _closed_form(margin: float, r: float, d: float, g: float, timing: Timing) -> float:
    """Infinite-horizon CLV (Gupta & Lehmann 2003, eq. 2; growth as eq. 4)."""
    denominator = 1.0 + d - r * (1.0 + g)
    return margin * (r if timing == "end" else 1.0 + d) / denominator


def _lifetime(spec: LifetimeInput, where: str) -> LifetimeValueResult:
    r = spec.retention
    cohort = None
    if spec.periods is None:
        clv = _closed_form(
            spec.margin, r, spec.discount, spec.margin_growth, spec.timing
        )
        lifetime = 1.0 / (1.0 - r)
    else:
        cohort = _cohort(spec)
        clv = float(cohort["cumulative"][-1]) / spec.customers
        lifetime = float(np.sum(r ** np.arange(spec.periods, dtype=np.float64)))
    multiple = clv / spec.margin if spec.margin != 0 else math.nan
    if spec.margin == 0:
        _warn_nan("the margin multiple", "the margin is 0", where, 4)
    net = clv - spec.acquisition_cost
    equity = spec.customers * net
    est = _table(
        ["clv", "margin_multiple", "expected_lifetime", "net_clv", "customer_equity"],
        [clv, multiple, lifetime, net, equity],
        where,
    )
    return LifetimeValueResult(
        estimates=est,
        confidence_level=_LEVEL,
        clv=clv,
        margin_multiple=multiple,
        expected_lifetime=lifetime,
        net_clv=net,
        customer_equity=equity,
        margin=spec.margin,
        retention=r,
        discount=spec.discount,
        margin_growth=spec.margin_growth,
        periods=spec.periods,
        timing=spec.timing,
        cohort=cohort,
    )


def lifetime_value(
    *,
    margin: float,
    retention: float,
    discount: float,
    margin_growth: float = 0.0,
    periods: int | None = None,
    timing: Timing = "end",
    acquisition_cost: float = 0.0,
    customers: float = 1.0,
) -> LifetimeValueResult:
    r"""Compute customer lifetime value under a constant retention rate.

    Parameters
    ----------
    margin : float
        Margin per customer and period (of the first period when it grows).
    retention : float
        Share of customers kept from one period to the next, in [0, 1).
    discount : float
        Discount rate per period, in [0, 1).
    margin_growth : float
        Growth of the margin per period of tenure, in (-1, 1) (Reichheld's
        observation that older customers buy more; 0 by default).
    periods : int, optional
        Horizon in periods: the per-cohort sum over ``periods`` periods
        (``result.cohort``). None: infinite horizon, closed form.
    timing : {"end", "start"}
        ``"end"``: the margin of period t is earned at its end by the
        customers retained, the first after one period of retention
        (Gupta & Lehmann 2003). ``"start"``: earned at the start of each
        period by the customers present, the first at once, undiscounted.
    acquisition_cost : float
        Cost of winning the customer, subtracted in ``net_clv``.
    customers : float
        Size of the cohort, for ``customer_equity`` and the cohort table.

    Returns
    -------
    LifetimeValueResult

    Raises
    ------
    InputError
        A rate outside [0, 1), a money amount that is not finite, or an
        infinite horizon whose sum diverges (``r (1 + g) >= 1 + d``).

    Notes
    -----
    With margin m, retention r, discount d and margin growth g, the
    infinite-horizon value with margins at the end of each period is

    .. math:: \mathrm{CLV} = \sum_{t=1}^{\infty}
              \frac{m (1+g)^{t-1} r^t}{(1+d)^t} = \frac{m r}{1 + d - r (1+g)}

    (Gupta & Lehmann 2003, eq. 2, for g = 0; Gupta, Lehmann & Stuart 2004),
    and :math:`m (1+d) / (1 + d - r (1+g))` with margins at the start of
    each period. The expected lifetime is :math:`1 / (1 - r)` periods
    (Reichheld & Sasser 1990). With ``periods`` the sum is truncated and
    computed per period for the cohort. Tested against Gupta & Lehmann's
    margin multiples and by hand.

    References
    ----------
    1. Gupta, S. & Lehmann, D. R. (2003). Customers as assets. Journal of
       Interactive Marketing, 17(1), 9-24.
    2. Gupta, S., Lehmann, D. R. & Stuart, J. A. (2004). Valuing customers.
       Journal of Marketing Research, 41(1), 7-18.
    3. Reichheld, F. F. & Sasser, W. E. (1990). Zero defections: quality
       comes to services. Harvard Business Review, 68(5), 105-111.

    Examples
    --------
    >>> from satmodels import retention
    >>> # Gupta & Lehmann (2003): r = 0.8, d = 0.12 gives a multiple of 2.5
    >>> res = retention.lifetime_value(margin=100.0, retention=0.8, discount=0.12)
    >>> (
    ...     round(res.clv, 6),
    ...     round(res.margin_multiple, 6),
    ...     round(res.expected_lifetime, 6),
    ... )
    (250.0, 2.5, 5.0)
    """
    spec = validated(
        LifetimeInput,
        "lifetime_value",
        margin=margin,
        retention=retention,
        discount=discount,
        margin_growth=margin_growth,
        periods=_periods(periods),
        timing=timing,
        acquisition_cost=acquisition_cost,
        customers=customers,
    )
    return _lifetime(spec, "lifetime_value")


def retention_effect(
    *,
    margin: float,
    retention: float,
    new_retention: float,
    discount: float,
    margin_growth: float = 0.0,
    periods: int | None = None,
    timing: Timing = "end",
    customers: float = 1.0,
) -> RetentionEffectResult:
    r"""Compute the profit effect of moving the retention rate.

    Computes the lifetime value at ``retention`` and at ``new_retention``
    (all else equal) and the change, making the claim that "small
    retention gains raise profit strongly" computable for the caller's
    figures instead of quoting it.

    Parameters
    ----------
    margin, retention, discount, margin_growth, periods, timing, customers
        As in :func:`lifetime_value`.
    new_retention : float
        The retention rate after the change, in [0, 1).

    Returns
    -------
    RetentionEffectResult

    Raises
    ------
    InputError
        As :func:`lifetime_value`, for either rate; a zero ``clv`` before
        the change (no relative change).

    Notes
    -----
    :math:`\Delta = \mathrm{CLV}(r') / \mathrm{CLV}(r) - 1`. With
    :math:`\mathrm{CLV} = m r / (1 + d - r)` the effect grows as r nears 1:
    the expected lifetime :math:`1/(1-r)` doubles from 10 to 20 periods
    when r moves from 0.90 to 0.95 (the arithmetic behind Reichheld &
    Sasser's 1990 "5 points of retention, 25 % to 85 % more profit", which
    also counts margins that grow with tenure: ``margin_growth``).

    Examples
    --------
    >>> from satmodels import retention
    >>> res = retention.retention_effect(
    ...     margin=100.0, retention=0.90, new_retention=0.95, discount=0.10
    ... )
    >>> round(res.before.expected_lifetime, 6), round(res.after.expected_lifetime, 6)
    (10.0, 20.0)
    >>> round(res.relative_change, 4)  # 4.5 -> 6.3333 margins
    0.4074
    """
    where = "retention_effect"
    common = {
        "margin": margin,
        "discount": discount,
        "margin_growth": margin_growth,
        "periods": _periods(periods),
        "timing": timing,
        "customers": customers,
    }
    before = _lifetime(
        validated(LifetimeInput, where, retention=retention, **common), where
    )
    try:
        spec_after = validated(LifetimeInput, where, retention=new_retention, **common)
    except ValueError as exc:
        msg = str(exc).replace("'retention'", "'new_retention'")
        raise type(exc)(msg) from exc
    after = _lifetime(spec_after, where)
    change = after.clv - before.clv
    if before.clv == 0:
        msg = (
            f"The lifetime value at 'retention'={retention} is 0 in {where}, so "
            "it has no relative change (is 'margin' 0 or 'retention' 0?)."
        )
        raise InputError(msg)
    relative = change / before.clv
    equity = before.estimates.value("customer_equity")
    equity_change = after.estimates.value("customer_equity") - equity
    est = _table(
        [
            "clv_before",
            "clv_after",
            "clv_change",
            "relative_change",
            "lifetime_before",
            "lifetime_after",
            "equity_change",
        ],
        [
            before.clv,
            after.clv,
            change,
            relative,
            before.expected_lifetime,
            after.expected_lifetime,
            equity_change,
        ],
        where,
    )
    return RetentionEffectResult(
        estimates=est,
        confidence_level=_LEVEL,
        before=before,
        after=after,
        clv_change=change,
        relative_change=relative,
        equity_change=equity_change,
    )


def acquisition_vs_retention(
    *,
    margin: float,
    retention: float,
    discount: float,
    acquisition_cost: float,
    acquisition_rate: float = 1.0,
    retention_cost: float = 0.0,
    prospects: float = 1.0,
) -> AcquisitionResult:
    r"""Compare spending to win customers with spending to keep them.

    Parameters
    ----------
    margin : float
        Margin per customer and period.
    retention : float
        Retention rate per period, in (0, 1).
    discount : float
        Discount rate per period, in [0, 1).
    acquisition_cost : float
        Acquisition spending per prospect approached (A).
    acquisition_rate : float
        Share of prospects won, in (0, 1] (a: 1 when ``acquisition_cost``
        is already per customer won).
    retention_cost : float
        Retention spending per existing customer and period (R).
    prospects : float
        Prospects approached, for ``customer_equity``.

    Returns
    -------
    AcquisitionResult

    Raises
    ------
    InputError
        A rate outside its range or a negative cost.

    Notes
    -----
    Blattberg & Deighton (1996) value a prospect at

    .. math:: \mathrm{CE} = a m - A + a \left(m - \frac{R}{r}\right)
              \frac{r}{1 + d - r},

    the first-period margin of the customers won less the acquisition
    spending, plus the discounted margins (net of retention spending per
    retained customer, R / r) of those kept. The cost of winning a customer
    is A / a and of keeping one R / r per period; their ratio is the
    quantity behind the often-quoted "winning a customer costs about six
    times keeping one" (a worked example, not a constant).

    References
    ----------
    1. Blattberg, R. C. & Deighton, J. (1996). Manage marketing by the
       customer equity test. Harvard Business Review, 74(4), 136-144.

    Examples
    --------
    >>> from satmodels import retention
    >>> res = retention.acquisition_vs_retention(
    ...     margin=200.0,
    ...     retention=0.8,
    ...     discount=0.1,
    ...     acquisition_cost=90.0,
    ...     acquisition_rate=0.15,
    ...     retention_cost=20.0,
    ... )
    >>> round(res.cost_per_acquired, 2), round(res.cost_per_retained, 2)
    (600.0, 25.0)
    >>> round(res.cost_ratio, 2)
    24.0
    """
    spec = validated(
        AcquisitionInput,
        "acquisition_vs_retention",
        margin=margin,
        retention=retention,
        discount=discount,
        acquisition_cost=acquisition_cost,
        acquisition_rate=acquisition_rate,
        retention_cost=retention_cost,
        prospects=prospects,
    )
    m, r, d, a = spec.margin, spec.retention, spec.discount, spec.acquisition_rate
    per_acquired = spec.acquisition_cost / a
    per_retained = spec.retention_cost / r
    ratio = per_acquired / per_retained if per_retained > 0 else math.nan
    if per_retained == 0:
        _warn_nan("the cost ratio", "retention_cost is 0", "acquisition_vs_retention")
    retained_value = (m - per_retained) * r / (1.0 + d - r)
    value_acquired = m - per_acquired + retained_value
    equity = a * m - spec.acquisition_cost + a * retained_value
    total = spec.prospects * equity
    est = _table(
        [
            "cost_per_acquired",
            "cost_per_retained",
            "cost_ratio",
            "retained_value",
            "value_per_acquired",
            "equity_per_prospect",
            "customer_equity",
        ],
        [
            per_acquired,
            per_retained,
            ratio,
            retained_value,
            value_acquired,
            equity,
            total,
        ],
        "acquisition_vs_retention",
    )
    return AcquisitionResult(
        estimates=est,
        confidence_level=_LEVEL,
        cost_per_acquired=per_acquired,
        cost_per_retained=per_retained,
        cost_ratio=ratio,
        retained_value=retained_value,
        value_per_acquired=value_acquired,
        equity_per_prospect=equity,
        customer_equity=total,
    )
