"""The headline row of a result: the one number tracked over waves.

One rule, shared by :func:`satmodels.tracking.waves` and
:func:`satmodels.plot.trend` (moved here from ``plot/_csi.py`` so that both
read the same row): the index of a :class:`~satmodels.csi.CSIResult`, the
overall CSM, the national index of an
:class:`~satmodels.csi.AggregateResult`, the NPS, the CSAT share, the CES
mean, the ``SAT`` index of an ACSI fit, the (weighted, else unweighted)
SERVQUAL score and the SQI per period. Any other row is chosen with
``statistic=(kind, name)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..csi import (
    AggregateResult,
    CESResult,
    CSATResult,
    CSIResult,
    CSMResult,
    NPSResult,
)
from ..exceptions import InputError

__all__ = ["Headline", "headline"]

_KNOWN = (
    "CSIResult, CSMResult, AggregateResult, NPSResult, CSATResult, CESResult, "
    "PLSResult, GapsResult, ServperfResult or SQIResult"
)


@dataclass(frozen=True, slots=True)
class Headline:
    """One result's headline: value, SE, stored interval, n and axis label."""

    estimate: float
    standard_error: float
    ci_low: float
    ci_high: float
    n: float
    label: str
    interval: str = "none"
    df: float = float("nan")
    statistic: float = float("nan")
    pvalue: float = float("nan")


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _from_row(res: object, row: int, label: str) -> Headline:
    est = res.estimates  # type: ignore[attr-defined]
    return Headline(
        estimate=float(est.estimate[row]),
        standard_error=float(est.standard_error[row]),
        ci_low=float(est.ci_low[row]),
        ci_high=float(est.ci_high[row]),
        n=float(est.n[row]),
        label=label,
        interval=str(est.interval[row]),
        df=float(est.df[row]),
        statistic=float(est.statistic[row]),
        pvalue=float(est.pvalue[row]),
    )


def _matching(
    res: object, value: float, low: float, high: float, label: str
) -> Headline:
    """Find the estimates row holding a property's headline (its SE and n)."""
    est = getattr(res, "estimates", None)
    if est is not None:
        for i in range(len(est)):
            if (
                _same(float(est.estimate[i]), value)
                and _same(float(est.ci_low[i]), low)
                and _same(float(est.ci_high[i]), high)
            ):
                return _from_row(res, i, label)
    return Headline(value, float("nan"), low, high, float("nan"), label)


def _share_se(percent: float, effective_n: float) -> float:
    r"""Wald SE of a percentage, :math:`\sqrt{p(100 - p)/n}` (Kish n if weighted).

    CSAT's stored interval is Wilson's, which has no standard error; the
    change tests between waves need one.
    """
    if not (effective_n > 0 and math.isfinite(percent)):
        return float("nan")
    return math.sqrt(percent * (100.0 - percent) / effective_n)


def _row_of(res: object, kind: str, names: Sequence[str]) -> int | None:
    est = getattr(res, "estimates", None)
    if est is None:
        return None
    for name in names:
        for i, (k, nm) in enumerate(zip(est.kind, est.name, strict=True)):
            if k == kind and nm == name and est.segment[i] is None:
                return i
    return None


def headline(
    res: object,
    *,
    where: str,
    statistic: tuple[str, str] | None = None,
) -> Headline:
    """Return the headline of ``res`` (or its ``statistic`` row).

    Raises
    ------
    InputError
        A result type without a headline rule and no ``statistic``, or a
        ``statistic`` row the result does not have.
    """
    if statistic is not None:
        kind, name = statistic
        row = _row_of(res, kind, [name])
        if row is None:
            msg = (
                f"The 'statistic' parameter of {where} names the row "
                f"({kind!r}, {name!r}), which a {type(res).__name__} does not have."
            )
            raise InputError(msg)
        return _from_row(res, row, f"{name} ({kind})")
    if isinstance(res, CSIResult):
        label = f"{res.name} index (0-100)"
        return _matching(res, res.index, res.ci_low, res.ci_high, label)
    if isinstance(res, CSMResult):
        return _matching(res, res.csm, res.ci_low, res.ci_high, "CSM")
    if isinstance(res, AggregateResult):
        return _matching(res, res.national, res.ci_low, res.ci_high, "national index")
    if isinstance(res, NPSResult):
        return _matching(res, res.nps, res.ci_low, res.ci_high, "NPS")
    if isinstance(res, CSATResult):
        label = "CSAT (% satisfied)"
        head = _matching(res, res.csat, res.ci_low, res.ci_high, label)
        return replace(head, standard_error=_share_se(res.csat, res.effective_n))
    if isinstance(res, CESResult):
        return _from_row(res, 0, "CES (mean answer)")
    found = _other(res)
    if found is not None:
        return found
    msg = (
        f"The 'results' parameter of {where} must hold {_KNOWN} objects "
        f"(or name a row with statistic=(kind, name)). Got {type(res).__name__} "
        "instead."
    )
    raise InputError(msg)


def _other(res: object) -> Headline | None:
    """Headlines of the ACSI, SERVQUAL and SQI results (imported on demand)."""
    module = type(res).__module__
    if module.startswith("satmodels.sqi"):
        from ..sqi import SQIResult  # noqa: PLC0415 - loaded on demand

        if isinstance(res, SQIResult):
            return _from_row(res, 0, "SQI (weighted failures per period)")
    if module.startswith("satmodels.acsi"):
        row = _row_of(res, "index", ["SAT"])
        if row is not None:
            return _from_row(res, row, "ACSI satisfaction index (0-100)")
    if module.startswith("satmodels.servqual"):
        row = _row_of(res, "score", ["weighted", "unweighted"])
        if row is not None:
            name = res.estimates.name[row]  # type: ignore[attr-defined]
            return _from_row(res, row, f"SERVQUAL {name} score")
    return None


def as_pair(statistic: object, where: str) -> tuple[str, str] | None:
    """Read ``statistic``: None, a row name, or a ``(kind, name)`` pair."""
    if statistic is None:
        return None
    if isinstance(statistic, tuple) and len(statistic) == 2:
        kind, name = statistic
        if isinstance(kind, str) and isinstance(name, str):
            return kind, name
    msg = (
        f"The 'statistic' parameter of {where} must be None or a (kind, name) "
        f"pair of an estimates row. Got {statistic!r} instead."
    )
    raise InputError(msg)


def finite(values: Sequence[float]) -> np.ndarray[tuple[int], np.dtype[np.bool_]]:
    """Mask of finite values."""
    return np.isfinite(np.asarray(values, dtype=np.float64))
