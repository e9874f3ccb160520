"""Charts of the service quality indicator, its control charts and waves.

:func:`sqi_pareto` draws the contributions of the failure types to the
weighted index (largest first, with the cumulative share), :func:`sqi_series`
the index per period, :func:`control_chart` a u or EWMA chart with its
limits and signals, and :func:`wave_chart` a tracked index over waves with
its interval band and control limits (:func:`trend` plus limits). Every
number drawn is the result's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..exceptions import InputError
from ._core import error_bars, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..sqi import ControlChartResult, SQIResult
    from ..tracking import WavesResult

__all__ = ["control_chart", "sqi_pareto", "sqi_series", "wave_chart"]


def _tight(ax: Axes) -> None:
    """Fit long tick labels on a figure this module created."""
    from matplotlib.figure import Figure  # noqa: PLC0415 - optional dependency

    fig = ax.figure
    if isinstance(fig, Figure):
        fig.tight_layout()


def _require(result: object, name: str, where: str) -> None:
    if type(result).__name__ != name:
        msg = (
            f"The 'result' parameter of {where} must be a {name}. "
            f"Got {type(result).__name__} instead."
        )
        raise InputError(msg)


def sqi_pareto(result: SQIResult, *, ax: Axes | None = None) -> Axes:
    """Pareto chart: each failure type's weighted points per period.

    Bars (largest first) are the ``("contribution", type)`` estimates with
    their stored intervals; the line on the right axis is the cumulative
    share of the index (percent).

    Parameters
    ----------
    result : SQIResult
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.patches`` are the bars in drawn order; the cumulative line is
        ``ax.figure.axes[-1].lines[0]`` (a twin axis).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from satmodels import sqi
    >>> from satmodels.plot import sqi_pareto
    >>> days = {"late": [3, 5, 4], "lost": [1, 0, 0]}
    >>> res = sqi.index(days, severity={"late": 1, "lost": 10})
    >>> ax = sqi_pareto(res)
    >>> [round(float(p.get_height()), 3) for p in ax.patches]  # 12/3, 10/3
    [4.0, 3.333]
    >>> plt.close(ax.figure)
    """
    where = "satmodels.plot.sqi_pareto"
    _require(result, "SQIResult", where)
    est = result.estimates.select("contribution")
    order = np.argsort(-np.nan_to_num(est.estimate, nan=-np.inf), kind="stable")
    names = [est.name[i] for i in order]
    values = est.estimate[order]
    created = ax is None
    ax = new_axes(ax, where=where)
    x = np.arange(len(names), dtype=np.float64)
    ax.bar(
        x,
        values,
        yerr=error_bars(values, est.ci_low[order], est.ci_high[order]),
        capsize=3,
    )
    ax.set_xticks(x)
    ax.set_xticklabels(names, rotation=30, ha="right")
    ax.set_ylabel("weighted failure points per period")
    total = float(np.nansum(values))
    cumulative = (
        100.0 * np.cumsum(np.nan_to_num(values)) / total
        if total > 0
        else values * np.nan
    )
    right = ax.twinx()
    right.plot(x, cumulative, marker="o", color="black", linewidth=1.0)
    right.set_ylim(0.0, 105.0)
    right.set_ylabel("cumulative share (%)")
    pct = f"{100 * result.confidence_level:g}%"
    ax.set_title(f"SQI = {result.sqi:.2f} per period: contributions ({pct} intervals)")
    if created:  # long period or type labels: keep them on the figure
        _tight(ax)
    return ax


def sqi_series(result: SQIResult, *, ax: Axes | None = None) -> Axes:
    """Draw the weighted index of each period, with its mean.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.lines[0]`` is the index per period (x = 0, 1, ...),
        ``ax.lines[1]`` the mean (the headline).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from satmodels import sqi
    >>> from satmodels.plot import sqi_series
    >>> ax = sqi_series(sqi.index({"late": [3, 5, 4]}))
    >>> [float(y) for y in ax.lines[0].get_ydata()]
    [3.0, 5.0, 4.0]
    >>> plt.close(ax.figure)
    """
    where = "satmodels.plot.sqi_series"
    _require(result, "SQIResult", where)
    created = ax is None
    ax = new_axes(ax, where=where, figsize=(9.0, 4.0))
    x = np.arange(result.n_periods, dtype=np.float64)
    ax.plot(x, result.series, linewidth=0.8, label="index per period")
    ax.axhline(result.sqi, color="black", linewidth=1.0, label="mean")
    _period_ticks(ax, result.periods)
    ax.set_ylabel("weighted failure points")
    ax.legend(fontsize="small")
    ax.set_title("Service quality indicator per period")
    if created:  # long period or type labels: keep them on the figure
        _tight(ax)
    return ax


def _period_ticks(ax: Axes, periods: tuple[str, ...]) -> None:
    n = len(periods)
    step = max(1, n // 12)
    ticks = np.arange(0, n, step)
    ax.set_xticks(ticks.astype(np.float64))
    ax.set_xticklabels([periods[i] for i in ticks], rotation=30, ha="right")


def control_chart(result: ControlChartResult, *, ax: Axes | None = None) -> Axes:
    """Draw a u or EWMA chart: points, center line, limits and signals.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.lines``: [0] the charted points, [1] the center line, [2] the
        upper and [3] the lower limit (per period), [4] the signals (red
        crosses at the out-of-control periods).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from satmodels import sqi
    >>> from satmodels.plot import control_chart
    >>> res = sqi.u_chart({"c": [2, 3, 1, 12]}, failures=["c"])
    >>> ax = control_chart(res)
    >>> [float(x) for x in ax.lines[4].get_xdata()]  # the fourth period
    [3.0]
    >>> plt.close(ax.figure)
    """
    where = "satmodels.plot.control_chart"
    _require(result, "ControlChartResult", where)
    created = ax is None
    ax = new_axes(ax, where=where, figsize=(9.0, 4.0))
    x = np.arange(len(result.periods), dtype=np.float64)
    name = {"ewma": "EWMA", "laney_u": "u'"}.get(result.chart, "u")
    ax.plot(x, result.statistic, marker="o", markersize=3, linewidth=0.8, label=name)
    ax.plot(
        x, np.full(x.shape, result.center), color="black", linewidth=1.0, label="center"
    )
    ax.plot(
        x,
        result.ucl,
        color="tab:red",
        linewidth=1.0,
        drawstyle="steps-mid",
        label="limits",
    )
    ax.plot(x, result.lcl, color="tab:red", linewidth=1.0, drawstyle="steps-mid")
    flagged = np.flatnonzero(result.signals)
    ax.plot(
        x[flagged],
        result.statistic[flagged],
        linestyle="none",
        marker="x",
        markersize=9,
        color="tab:red",
        label="out of control",
    )
    _period_ticks(ax, result.periods)
    ax.legend(fontsize="small")
    if result.chart == "ewma":
        what = f"EWMA chart (lambda = {result.smoothing:g}, L = {result.n_sigmas:g})"
    elif result.chart == "laney_u":
        what = f"Laney u'-chart (L = {result.n_sigmas:g}, sigma_Z = {result.sigma:.3g})"
    else:
        what = f"u-chart (L = {result.n_sigmas:g})"
    ax.set_title(f"{what}: {len(flagged)} period(s) out of control")
    if created:  # long period or type labels: keep them on the figure
        _tight(ax)
    return ax


def wave_chart(result: WavesResult, *, ax: Axes | None = None) -> Axes:
    """Draw a tracked index over waves: line, interval band, control limits.

    Drawn as :func:`trend` draws a series of results, plus the center line
    and the individuals-chart limits of :func:`satmodels.tracking.waves`.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.lines[0]`` the wave estimates, ``ax.collections[0]`` the band,
        ``ax.lines[1]`` the center line, ``ax.lines[2]`` / ``[3]`` the upper
        and lower limits.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from satmodels import csi, tracking
    >>> from satmodels.plot import wave_chart
    >>> res = tracking.waves([csi.nps([9, 10, 3]), csi.nps([9, 10, 7])])
    >>> ax = wave_chart(res)
    >>> [round(float(y), 2) for y in ax.lines[0].get_ydata()]
    [33.33, 66.67]
    >>> plt.close(ax.figure)
    """
    where = "satmodels.plot.wave_chart"
    _require(result, "WavesResult", where)
    ax = new_axes(ax, where=where)
    rows = result.estimates.select("wave")
    x = np.arange(len(result.labels), dtype=np.float64)
    (line,) = ax.plot(x, rows.estimate, marker="o", label="estimate")
    band = np.isfinite(rows.ci_low) & np.isfinite(rows.ci_high)
    ax.fill_between(
        x,
        np.where(band, rows.ci_low, 0.0),
        np.where(band, rows.ci_high, 0.0),
        where=band,
        color=line.get_color(),
        alpha=0.2,
        label=f"{100 * result.confidence_level:g}% interval",
    )
    ax.plot(
        x, np.full(x.shape, result.center), color="black", linewidth=1.0, label="center"
    )
    ax.plot(
        x,
        np.full(x.shape, result.ucl),
        color="tab:red",
        linestyle="--",
        label="control limits",
    )
    ax.plot(x, np.full(x.shape, result.lcl), color="tab:red", linestyle="--")
    ax.set_xticks(x)
    ax.set_xticklabels(result.labels)
    ax.set_ylabel(result.statistic)
    ax.legend(fontsize="small")
    missing = [lb for lb, ok in zip(result.labels, band, strict=True) if not ok]
    note = f"\nno interval: {', '.join(missing)}" if missing else ""
    ax.set_title(f"{result.statistic} by wave{note}")
    return ax
