r"""Tracking an index over survey waves: changes, trend and control limits.

Any satmodels result with a headline row (CSI, CSM, NPS, CSAT, CES, ACSI,
SERVQUAL, SQI; see :func:`~satmodels.tracking._headline.headline`) can be
tracked. Between consecutive waves, from independent samples,

.. math:: z = \frac{\hat\theta_{k+1} - \hat\theta_k}
    {\sqrt{\widehat{se}_k^2 + \widehat{se}_{k+1}^2}},

with Holm's (1979) step-down adjustment across the pairs; the trend is the
least-squares slope over the wave number; the control limits are those of
an individuals chart of the wave estimates,
:math:`\bar\theta \pm L\,\overline{MR}/d_2` with :math:`d_2 = 1.128`
(Montgomery 2009, sec. 6.4, eq. 6.33).

References
----------
.. [1] Holm, S. (1979). A simple sequentially rejective multiple test
   procedure. Scandinavian Journal of Statistics, 6(2), 65-70.
.. [2] Montgomery, D. C. (2009). Introduction to Statistical Quality
   Control (6th ed.). Wiley.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .._typing import FloatArray
from ..csi._estimated import EstimatedResult, Refit, fmt
from ..exceptions import InputError, SatmodelsWarning
from ..results._estimates import Estimates, concat, estimates
from ..results._summary import Summary
from ..sqi._inputs import check_positive
from ..sqi._kernels import d2_moving_range, holm, ols_slope
from ._headline import Headline, as_pair, headline

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["WavesResult", "waves"]

BoolArray = np.ndarray[tuple[int], np.dtype[np.bool_]]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class WavesResult(EstimatedResult):
    """An index tracked over waves.

    Attributes
    ----------
    estimates : Estimates
        One ``("wave", label)`` row per wave (the headline row of that
        wave's result, as stored); one ``("change", "a -> b")`` row per
        consecutive pair: the difference with its SE, z statistic, normal
        interval and **Holm-adjusted** p-value; ``("trend", "slope")``: the
        least-squares change per wave (t interval, ``df`` = waves - 2);
        ``("center", "center")``: the mean of the wave estimates.
    confidence_level : float
        The results' common level.
    labels : tuple of str
    statistic : str
        What is tracked (the axis label).
    values : ndarray
        The wave estimates.
    unadjusted_pvalues : ndarray
        The change tests' p-values before Holm's adjustment.
    changed : ndarray of bool
        Changes with a Holm-adjusted p-value below ``significance_level``.
    significance_level : float
    center : float
    lcl, ucl : float
        Individuals-chart limits of the wave estimates (NaN below 2 waves).
    signals : ndarray of bool
        Waves outside the limits.
    n_sigmas : float
    """

    estimates: Estimates
    confidence_level: float
    labels: tuple[str, ...]
    statistic: str
    values: FloatArray = field(repr=False)
    unadjusted_pvalues: FloatArray = field(repr=False)
    changed: BoolArray = field(repr=False)
    significance_level: float
    center: float
    lcl: float
    ucl: float
    signals: BoolArray = field(repr=False)
    n_sigmas: float
    _refit: Refit | None = field(default=None, repr=False)

    @property
    def waves_out_of_control(self) -> tuple[str, ...]:
        """Labels of the waves outside the control limits."""
        return tuple(lb for lb, s in zip(self.labels, self.signals, strict=True) if s)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Draw the series, its interval band and control limits.

        Calls :func:`satmodels.plot.wave_chart`.
        """
        from .. import plot as charts  # noqa: PLC0415 - matplotlib on demand

        return charts.wave_chart(self, ax=ax)

    def summary(self) -> Summary:
        """Return the estimates table and notes."""
        flagged = ", ".join(self.waves_out_of_control) or "none"
        notes = (
            f"Tracked: {self.statistic}.",
            "Changes between consecutive waves: z tests from independent samples, "
            "Holm-adjusted p-values (intervals unadjusted).",
            f"Control limits (individuals chart, L = {self.n_sigmas:g}): "
            f"[{fmt(self.lcl, 3)}, {fmt(self.ucl, 3)}]; outside: {flagged}.",
        )
        return Summary(
            title="Tracking over waves",
            tables=self.estimates.summary().tables,
            notes=notes,
        )

    def __repr__(self) -> str:
        return (
            f"WavesResult({self.statistic!r}, waves={len(self.labels)}, "
            f"changed={int(self.changed.sum())}, "
            f"out_of_control={len(self.waves_out_of_control)})"
        )


def _items(
    results: Mapping[str, object] | Sequence[object],
    labels: Sequence[str] | None,
    where: str,
) -> tuple[list[str], list[object]]:
    if isinstance(results, Mapping):
        if labels is not None:
            msg = (
                f"The 'labels' parameter of {where} must be None when 'results' "
                "is a mapping (its keys are the labels)."
            )
            raise InputError(msg)
        return [str(k) for k in results], list(results.values())
    if isinstance(results, str) or not isinstance(results, Sequence):
        msg = (
            f"The 'results' parameter of {where} must be a mapping of wave label "
            f"to result or a sequence of results. Got {type(results).__name__}."
        )
        raise InputError(msg)
    items = list(results)
    names = (
        [str(i + 1) for i in range(len(items))]
        if labels is None
        else [str(v) for v in labels]
    )
    if len(names) != len(items):
        msg = (
            f"The 'labels' parameter of {where} must have one label per result "
            f"({len(items)}). Got {len(names)} instead."
        )
        raise InputError(msg)
    return names, items


def waves(
    results: Mapping[str, object] | Sequence[object],
    *,
    labels: Sequence[str] | None = None,
    statistic: tuple[str, str] | None = None,
    significance_level: float = 0.05,
    n_sigmas: float = 3.0,
) -> WavesResult:
    """Track one index over waves: changes, trend and control limits.

    Parameters
    ----------
    results : mapping of label to result, or sequence of results
        One result per wave, in time order, all of one type and fitted at
        one ``confidence_level``.
    labels : sequence of str, optional
        Wave labels of a sequence (default ``"1"``, ``"2"``, ...).
    statistic : (kind, name), optional
        The estimates row to track; default each result's headline (the
        rule of :func:`satmodels.plot.trend`).
    significance_level : float, default 0.05
        Holm-adjusted p-values below it flag a change.
    n_sigmas : float, default 3.0
        Width of the control limits.

    Returns
    -------
    WavesResult

    Raises
    ------
    InputError
        Fewer than 2 results, mixed types or levels, a result without a
        headline (and no ``statistic``), bad labels or levels.

    Notes
    -----
    Waves are taken as independent samples; a panel (the same respondents)
    needs the covariance between waves, which this test ignores. The trend
    SE and the limits treat the wave estimates as the observations (their
    sampling error is inside the residual and moving-range variation).
    Checked by hand computation in ``tests/test_tracking.py``.

    Examples
    --------
    >>> from satmodels import csi, tracking
    >>> q1 = csi.nps([9, 10, 3, 8, 9, 6])  # 3 promoters, 2 detractors of 6
    >>> q2 = csi.nps([9, 10, 7, 8, 10, 9])  # 4 promoters, no detractor
    >>> res = tracking.waves({"Q1": q1, "Q2": q2})
    >>> (
    ...     [round(float(v), 2) for v in res.values],
    ...     round(res.estimates.value("Q1 -> Q2"), 2),
    ... )
    ([16.67, 66.67], 50.0)
    """
    where = "tracking.waves"
    names, items = _items(results, labels, where)
    if len(items) < 2:
        msg = (
            f"The 'results' parameter of {where} needs at least 2 waves. "
            f"Got {len(items)}."
        )
        raise InputError(msg)
    pair = as_pair(statistic, where)
    alpha = check_positive(significance_level, "significance_level", where, at_most=1.0)
    width = check_positive(n_sigmas, "n_sigmas", where)
    heads: list[Headline] = [headline(r, where=where, statistic=pair) for r in items]
    kinds = sorted({type(r).__name__ for r in items})
    levels = sorted({float(getattr(r, "confidence_level", np.nan)) for r in items})
    if len(kinds) > 1 or len(levels) > 1:
        msg = (
            f"The 'results' parameter of {where} must hold results of one type "
            f"fitted at one confidence_level. Got {kinds} at {levels}."
        )
        raise InputError(msg)
    level = levels[0]
    value = np.array([h.estimate for h in heads])
    se = np.array([h.standard_error for h in heads])
    if not np.isfinite(se).all():
        warnings.warn(
            f"{where}: wave(s) without a standard error "
            f"{[n for n, s in zip(names, se, strict=True) if not np.isfinite(s)]}; "
            "their changes are not tested.",
            SatmodelsWarning,
            stacklevel=2,
        )
    wave_rows = estimates(
        name=names,
        estimate=value,
        standard_error=se,
        ci_low=[h.ci_low for h in heads],
        ci_high=[h.ci_high for h in heads],
        df=[h.df for h in heads],
        interval=[h.interval for h in heads],
        statistic=[h.statistic for h in heads],
        pvalue=[h.pvalue for h in heads],
        n=[h.n for h in heads],
        kind="wave",
        confidence_level=level,
    )
    diff = np.diff(value)
    diff_se = np.sqrt(se[1:] ** 2 + se[:-1] ** 2)
    pairs = [f"{a} -> {b}" for a, b in itertools.pairwise(names)]
    raw = estimates(
        name=pairs,
        estimate=diff,
        standard_error=diff_se,
        kind="change",
        interval="normal",
        n=[heads[i].n + heads[i + 1].n for i in range(len(diff))],
        confidence_level=level,
    )
    adjusted = holm(raw.pvalue)
    change_rows = estimates(
        name=pairs,
        estimate=diff,
        standard_error=diff_se,
        pvalue=adjusted,
        kind="change",
        interval="normal",
        n=raw.n,
        confidence_level=level,
    )
    ok = np.isfinite(value)
    slope, slope_se, df = ols_slope(value) if ok.all() else (float("nan"),) * 3
    trend_row = estimates(
        name=["slope"],
        estimate=slope,
        standard_error=slope_se,
        df=df,
        kind="trend",
        interval="t",
        n=float(len(value)),
        confidence_level=level,
    )
    center = float(value[ok].mean()) if ok.any() else float("nan")
    sigma = d2_moving_range(value[ok])
    lcl, ucl = center - width * sigma, center + width * sigma
    center_row = estimates(
        name=["center"],
        estimate=center,
        kind="center",
        interval="none",
        n=float(ok.sum()),
        confidence_level=level,
    )
    signals = np.asarray((value > ucl) | (value < lcl), dtype=bool)
    with np.errstate(invalid="ignore"):
        changed = np.asarray(np.nan_to_num(adjusted, nan=1.0) < alpha, dtype=bool)
    return WavesResult(
        estimates=concat([wave_rows, change_rows, trend_row, center_row]),
        confidence_level=level,
        labels=tuple(names),
        statistic=heads[0].label,
        values=value,
        unadjusted_pvalues=raw.pvalue,
        changed=changed,
        significance_level=alpha,
        center=center,
        lcl=lcl,
        ucl=ucl,
        signals=signals,
        n_sigmas=width,
    )
