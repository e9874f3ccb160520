r"""Customer delivered value from survey items or given figures.

Kotler's customer delivered value: the total customer value (product,
service, personnel and image value) less the total customer cost
(monetary, time, energy and physical/psychic cost), or their ratio. Each
component is scored by the mean of its survey items; the totals are
linear combinations of the item means (the ratio a ratio of two), so
everything is computed from :class:`~satmodels.Moments` (listwise), on
lazy engines too, and merges across partitions.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from .._typing import FloatArray
from .._validation import (
    ConfidenceLevel,
    FrozenModel,
    check_confidence_level,
    check_count,
    check_rng,
    validated,
)
from ..data import Table, read
from ..data._checks import as_names
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import InputError, SatmodelsWarning, SmallSampleWarning
from ..results._estimates import estimates
from ..stats.intervals import percentile_interval
from ..stats.moments import Moments
from ._result import TOTALS, DeliveredValueResult

__all__ = ["COST_COMPONENTS", "VALUE_COMPONENTS", "delivered_value", "from_figures"]

#: Kotler's four sources of total customer value.
VALUE_COMPONENTS = ("product", "service", "personnel", "image")
#: Kotler's four costs: money, time, energy and physical effort.
COST_COMPONENTS = ("money", "time", "energy", "effort")
_WHERE = "delivered_value"


Weight = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]


class ValueOptions(FrozenModel):
    """Options of :func:`delivered_value`."""

    confidence_level: ConfidenceLevel = 0.95
    nan_policy: Literal["omit", "raise"] = "omit"
    component_weights: dict[str, Weight] = Field(default_factory=dict)


def _refuse_overflow(point: FloatArray, names: Sequence[str], where: str) -> None:
    if np.isinf(point).any():
        bad = [n for n, v in zip(names, point, strict=True) if np.isinf(v)]
        msg = (
            f"The totals of {where} overflow: {bad} would be infinite. Rescale "
            "the answers, amounts or 'component_weights'."
        )
        raise InputError(msg)


def _mapping_or_none(value: object) -> bool:
    return value is None or isinstance(value, Mapping)


def _components(
    given: Mapping[str, str | Sequence[str] | None], where: str
) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for comp, cols in given.items():
        if cols is not None:
            out[comp] = tuple(as_names(cols, comp, where))
    if not any(c in out for c in VALUE_COMPONENTS) or not any(
        c in out for c in COST_COMPONENTS
    ):
        msg = (
            f"{where} needs at least one value component "
            f"({', '.join(VALUE_COMPONENTS)}) and one cost component "
            f"({', '.join(COST_COMPONENTS)}), each naming its item column(s). "
            f"Got {sorted(out) or 'none'}."
        )
        raise InputError(msg)
    return out


def _loadings(
    comps: Mapping[str, tuple[str, ...]],
    columns: Sequence[str],
    lam: Mapping[str, float],
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per component, value and cost: weights of the item means."""
    pos = {c: i for i, c in enumerate(columns)}
    comp = np.zeros((len(comps), len(columns)))
    for k, cols in enumerate(comps.values()):
        for c in cols:
            comp[k, pos[c]] += 1.0 / len(cols)
    names = list(comps)
    value = sum(
        (
            lam.get(n, 1.0) * comp[k]
            for k, n in enumerate(names)
            if n in VALUE_COMPONENTS
        ),
        np.zeros(len(columns)),
    )
    cost = sum(
        (
            lam.get(n, 1.0) * comp[k]
            for k, n in enumerate(names)
            if n in COST_COMPONENTS
        ),
        np.zeros(len(columns)),
    )
    return comp, np.asarray(value), np.asarray(cost)


def _stats(
    mean: FloatArray, comp: FloatArray, a: FloatArray, b: FloatArray
) -> FloatArray:
    """Components, total value, total cost, difference and ratio (last axis)."""
    # an overflow is refused by the caller (_refuse_overflow), not warned here
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        comps = mean @ comp.T
        tv, tc = mean @ a, mean @ b
        ratio = np.where(tc != 0, tv / np.where(tc != 0, tc, 1.0), np.nan)
        diff = tv - tc
    return np.concatenate([comps, np.stack([tv, tc, diff, ratio], axis=-1)], axis=-1)


def _fit(  # noqa: PLR0917 - one fit from the parts read once
    tab: Table,
    comps: Mapping[str, tuple[str, ...]],
    lam: Mapping[str, float],
    level: float,
    n_resamples: int,
    rng: np.random.Generator | None,
    nan_policy: Literal["omit", "raise"],
    segment: str | None,
) -> DeliveredValueResult:
    cols = tuple(dict.fromkeys(c for cs in comps.values() for c in cs))
    m = tab.moments(cols, missing="listwise", nan_policy=nan_policy, name="data")
    comp, a, b = _loadings(comps, cols, lam)
    n = int(m.missing_report.rows_used)
    point = _stats(m.mean, comp, a, b) if n > 0 else np.full(len(comps) + 4, np.nan)
    names = [*comps, *TOTALS]
    kinds = ["component"] * len(comps) + list(TOTALS)
    _refuse_overflow(point, names, _WHERE)
    if n == 0:  # pragma: no cover - Moments refuse data without a usable row
        msg = f"{_WHERE}: no respondent answered every item; every estimate is NaN."
        warnings.warn(msg, SmallSampleWarning, stacklevel=4)
    elif point[-3] == 0:
        msg = f"{_WHERE}: the total cost is 0, so the value ratio is NaN."
        warnings.warn(msg, SatmodelsWarning, stacklevel=4)
    if n_resamples > 0 and n > 0:
        assert rng is not None  # noqa: S101 - typing aid only
        reps_m = tab.bootstrap(
            cols, n_resamples=n_resamples, rng=rng, missing="listwise"
        )
        se, low, high = _bootstrap_summary(_stats(reps_m.mean, comp, a, b), level)
        est = estimates(
            name=names, estimate=point, kind=kinds, standard_error=se,
            ci_low=low, ci_high=high, n=n, interval="percentile",
            confidence_level=level, segment=segment, backend=tab.backend,
        )  # fmt: skip
    else:
        se = _delta_se(m, point, comp, a, b) if n > 1 else np.full(len(names), np.nan)
        if n == 1:
            msg = (
                f"{_WHERE}: one respondent; no standard errors or intervals "
                "(use from_figures for given figures)."
            )
            warnings.warn(msg, SmallSampleWarning, stacklevel=4)
        est = estimates(
            name=names, estimate=point, kind=kinds, standard_error=se,
            n=n, df=n - 1, interval="t", confidence_level=level,
            null=[0.0] * (len(names) - 1) + [1.0],  # a ratio is tested against 1
            segment=segment, backend=tab.backend,
        )  # fmt: skip
    return DeliveredValueResult(
        estimates=est,
        confidence_level=level,
        components={c: float(v) for c, v in zip(comps, point, strict=False)},
        value_components=tuple(c for c in comps if c in VALUE_COMPONENTS),
        cost_components=tuple(c for c in comps if c in COST_COMPONENTS),
        total_value=float(point[-4]),
        total_cost=float(point[-3]),
        delivered_value=float(point[-2]),
        value_ratio=float(point[-1]),
        se=dict(zip(names, se.tolist(), strict=True)),
        n=n,
        n_resamples=n_resamples,
        missing_report=m.missing_report,
        _backend=tab.backend,
    )


def _bootstrap_summary(
    reps: FloatArray, level: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per statistic: SE and percentile bounds over its finite replicates.

    A replicate whose total cost is 0 has no ratio but still counts for the
    other statistics; a statistic with fewer than 2 finite replicates gets
    NaN (a warning says so).
    """
    k = reps.shape[1]
    se, low, high = np.full(k, np.nan), np.full(k, np.nan), np.full(k, np.nan)
    for j in range(k):
        col = reps[:, j][np.isfinite(reps[:, j])]
        if col.shape[0] >= 2:
            se[j] = col.std(ddof=1)
            lo, hi = percentile_interval(col[:, None], level)
            low[j], high[j] = lo[0], hi[0]
    if np.isnan(se).any():
        msg = (
            f"{_WHERE}: fewer than 2 bootstrap replicates gave a finite value "
            "for some statistic; its standard error and interval are NaN."
        )
        warnings.warn(msg, SmallSampleWarning, stacklevel=5)
    return se, low, high


def _delta_se(
    m: Moments, point: FloatArray, comp: FloatArray, a: FloatArray, b: FloatArray
) -> FloatArray:
    r"""Return SEs of the linear statistics and (delta method) of the ratio.

    :math:`\mathrm{Var}(c^\top \bar x) = c^\top V c` with :math:`V = S
    \sum w^2 / W^2` the covariance of the weighted means (listwise);
    :math:`\mathrm{Var}(\bar v / \bar c) \approx (\mathrm{Var}\,\bar v - 2R
    \,\mathrm{Cov} + R^2 \mathrm{Var}\,\bar c) / \bar c^2`.
    """
    w = np.diagonal(m.weight_sum)
    w2 = np.diagonal(m.weight_sq_sum)
    ratio, tc = point[-1], point[-3]
    lin = np.vstack([comp, a, b, a - b])
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        v = m.covariance() * float(w2[0]) / float(w[0]) ** 2
        var = np.einsum("ij,jk,ik->i", lin, v, lin)
        var_r = (a @ v @ a - 2.0 * ratio * (a @ v @ b) + ratio**2 * (b @ v @ b)) / tc**2
        out = np.sqrt(np.clip(np.append(var, var_r), 0.0, None))
    out = np.where(np.isfinite(out), out, np.nan)
    lost = [i for i, o in enumerate(out) if np.isnan(o)]
    if lost and not (lost == [out.shape[0] - 1] and tc == 0):  # tc = 0 warned
        msg = (
            f"{_WHERE}: {len(lost)} standard error(s) are not finite (values "
            "too large or degenerate); they and their intervals are NaN."
        )
        warnings.warn(msg, SatmodelsWarning, stacklevel=5)
    return out


def delivered_value(
    data: object,
    *,
    product: str | Sequence[str] | None = None,
    service: str | Sequence[str] | None = None,
    personnel: str | Sequence[str] | None = None,
    image: str | Sequence[str] | None = None,
    money: str | Sequence[str] | None = None,
    time: str | Sequence[str] | None = None,
    energy: str | Sequence[str] | None = None,
    effort: str | Sequence[str] | None = None,
    component_weights: Mapping[str, float] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    confidence_level: float = 0.95,
    n_resamples: int = 0,
    rng: object = None,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> DeliveredValueResult:
    r"""Compute customer delivered value: total customer value minus total cost.

    Parameters
    ----------
    data : array_like, mapping, dataframe, lazy frame or Moments
        Respondents x items: ratings of what the offer gives (value) and
        of what it costs the customer (cost), on one common scale.
    product, service, personnel, image : str or sequence of str, optional
        Item column(s) of each value component (at least one component).
    money, time, energy, effort : str or sequence of str, optional
        Item column(s) of each cost component (at least one component).
    component_weights : mapping of str to float, optional
        Weight of each component in its total (default 1: Kotler's sums).
    columns : sequence of str, optional
        Names of a bare array's columns.
    weights : array_like or str, optional
        Case weights (or their column).
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.
    segments : array_like or str, optional
        Segment (e.g. brand rated) per row: one result per segment in
        ``result.segments``; ``result.compare(reference)`` compares them.
    confidence_level : float
        Level of the stored intervals.
    n_resamples : int
        0: t intervals (delta method for the ratio); more: bootstrap
        percentile intervals from that many replicates (needs the rows or
        a lazy frame).
    rng : None, int, SeedSequence or Generator
        Randomness of the bootstrap.
    nan_policy : {"omit", "raise"}
        Rows with a missing item are excluded (listwise, counted) or raise.

    Returns
    -------
    DeliveredValueResult

    Raises
    ------
    InputError
        No value or no cost component, unknown or non-numeric columns,
        bad weights, a missing answer under ``nan_policy="raise"``.

    Warns
    -----
    SmallSampleWarning
        Fewer than two complete respondents: no standard errors.

    Notes
    -----
    Component :math:`c` scores :math:`\bar x_c`, the mean of its items;
    :math:`TCV = \sum_{c \in V} \lambda_c \bar x_c`,
    :math:`TCC = \sum_{c \in C} \lambda_c \bar x_c`, delivered value
    :math:`TCV - TCC` and ratio :math:`TCV / TCC` (Kotler 1991, ch. 2; the
    ratio of means, not the mean of per-respondent ratios). Standard
    errors from the covariance of the weighted item means (listwise),
    the ratio's by the delta method; t intervals with n - 1 degrees of
    freedom. Minimum: 2 complete respondents for an interval.

    References
    ----------
    1. Kotler, P. (1991). Marketing Management: Analysis, Planning,
       Implementation and Control (7th ed.). Prentice Hall.

    Examples
    --------
    >>> from satmodels import value
    >>> data = {
    ...     "prod": [8, 9, 7, 8],
    ...     "serv": [7, 8, 6, 7],
    ...     "price": [6, 5, 6, 7],
    ...     "wait": [3, 2, 4, 3],
    ... }
    >>> res = value.delivered_value(
    ...     data, product="prod", service="serv", money="price", time="wait"
    ... )
    >>> res.total_value, res.total_cost, res.delivered_value
    (15.0, 9.0, 6.0)
    """
    if design is not None:
        return fit_with_design(delivered_value, locals())
    where = _WHERE
    check_confidence_level(confidence_level, where)
    if not _mapping_or_none(component_weights):
        msg = (
            f"The 'component_weights' parameter of {where} must map components to "
            f"weights, e.g. {{'product': 2.0}}. Got {component_weights!r} instead."
        )
        raise InputError(msg)
    opts = validated(
        ValueOptions,
        where,
        confidence_level=confidence_level,
        nan_policy=nan_policy,
        component_weights=dict(component_weights or {}),
    )
    unknown = sorted(
        set(opts.component_weights) - set(VALUE_COMPONENTS + COST_COMPONENTS)
    )
    if unknown:
        msg = (
            f"The 'component_weights' parameter of {where} names unknown "
            f"component(s) {unknown}."
        )
        raise InputError(msg)
    n_res = check_count(n_resamples, where, "n_resamples")
    gen = check_rng(rng, where) if n_res > 0 or rng is not None else None
    comps = _components(
        {
            "product": product, "service": service, "personnel": personnel,
            "image": image, "money": money, "time": time, "energy": energy,
            "effort": effort,
        },
        where,
    )  # fmt: skip
    items = list(dict.fromkeys(c for cs in comps.values() for c in cs))
    tab = read(
        data,
        where=where,
        columns=columns,
        roles={"items": items},
        weights=weights,
        segments=segments,
        accept=("rows", "lazy", "moments"),
        min_rows=1,
    )
    if tab.kind == "rows" and nan_policy == "raise":
        from ..scales import check_answered  # noqa: PLC0415

        check_answered(
            tab.matrix(tuple(items)), columns=items, name="data", where=where
        )
    level = opts.confidence_level

    def fit(t: Table, seg: str | None) -> DeliveredValueResult:
        return _fit(
            t, comps, opts.component_weights, level, n_res, gen, nan_policy, seg
        )

    result = fit(tab, None)
    labels = tab.segment_labels()
    if not labels:
        return result
    import dataclasses  # noqa: PLC0415

    parts = {s: fit(t, s) for s, t in tab.by_segment().items()}
    return dataclasses.replace(result, segments=parts)


def from_figures(
    *,
    value: Mapping[str, float],
    cost: Mapping[str, float],
) -> DeliveredValueResult:
    r"""Compute customer delivered value from given figures (no survey, no interval).

    Parameters
    ----------
    value : mapping of str to float
        Amount per value component (``product``, ``service``,
        ``personnel``, ``image``), e.g. in money.
    cost : mapping of str to float
        Amount per cost component (``money``, ``time``, ``energy``,
        ``effort``).

    Returns
    -------
    DeliveredValueResult
        With ``n`` 0 and no intervals (``interval == "none"``).

    Raises
    ------
    InputError
        An unknown component, an empty side, or an amount that is not finite.

    Examples
    --------
    >>> from satmodels import value
    >>> res = value.from_figures(
    ...     value={"product": 20000, "service": 3000, "personnel": 2000, "image": 5000},
    ...     cost={"money": 20000, "time": 2000, "energy": 1000, "effort": 1000},
    ... )
    >>> res.delivered_value, round(res.value_ratio, 4)
    (6000.0, 1.25)
    """
    where = "from_figures"
    amounts: dict[str, float] = {}
    for param, side, allowed in (
        ("value", value, VALUE_COMPONENTS),
        ("cost", cost, COST_COMPONENTS),
    ):
        if not isinstance(side, Mapping) or not side:
            msg = (
                f"The '{param}' parameter of {where} must map at least one of "
                f"{list(allowed)} to an amount. Got {side!r} instead."
            )
            raise InputError(msg)
        for comp, amount in side.items():
            if comp not in allowed:
                msg = (
                    f"The '{param}' parameter of {where} names {comp!r}; its "
                    f"components are {list(allowed)}."
                )
                raise InputError(msg)
            if (
                isinstance(amount, bool)
                or not isinstance(amount, int | float | np.number)
                or not math.isfinite(float(amount))
            ):
                msg = (
                    f"The '{param}' parameter of {where} must give a finite "
                    f"number for {comp!r}. Got {amount!r} instead."
                )
                raise InputError(msg)
            amounts[comp] = float(amount)
    tv = sum(v for k, v in amounts.items() if k in VALUE_COMPONENTS)
    tc = sum(v for k, v in amounts.items() if k in COST_COMPONENTS)
    ratio = tv / tc if tc != 0 else math.nan
    if tc == 0:
        msg = f"{where}: the total cost is 0, so the value ratio is NaN."
        warnings.warn(msg, SatmodelsWarning, stacklevel=2)
    point = [*amounts.values(), tv, tc, tv - tc, ratio]
    names = [*amounts, *TOTALS]
    _refuse_overflow(np.asarray(point), names, where)
    est = estimates(
        name=names,
        estimate=point,
        kind=["component"] * len(amounts) + list(TOTALS),
        interval="none",
        confidence_level=0.95,
    )
    return DeliveredValueResult(
        estimates=est,
        confidence_level=0.95,
        components=dict(amounts),
        value_components=tuple(k for k in amounts if k in VALUE_COMPONENTS),
        cost_components=tuple(k for k in amounts if k in COST_COMPONENTS),
        total_value=tv,
        total_cost=tc,
        delivered_value=tv - tc,
        value_ratio=ratio,
        se=dict.fromkeys(names, math.nan),
        n=0,
    )
