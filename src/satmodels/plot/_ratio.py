"""The c = b/a ratio per item against its five grade bands."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Literal

import numpy as np

from ..exceptions import InputError
from ..ratio import GRADES, RatioResult
from ._core import error_bars, new_axes
from ._csi import with_note

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["grade_chart"]

#: Colour of each grade band (far below ... far above), faint.
BAND_ALPHA = 0.25


def grade_chart(
    result: RatioResult,
    *,
    ax: Axes | None = None,
    statistic: Literal["ratio_of_means", "mean_ratio"] = "ratio_of_means",
    overall: bool = True,
) -> Axes:
    """Draw the satisfaction ratio c = b/a per item against its grade bands.

    One row per item (and a last row ``"overall"``): the ratio as a point
    with its stored interval (Fieller's for the ratio of means, the t
    interval for the mean of ratios), over five shaded bands from "far
    below" to "far above expectation" cut at that row's own thresholds
    (``result.thresholds[item]``; ``thresholds["overall"]`` for the overall
    row), and the line c = 1 (expectations met).

    Parameters
    ----------
    result : RatioResult
        From :func:`satmodels.satisfaction_ratio`.
    ax : matplotlib.axes.Axes, optional
        A Cartesian axes to draw on; default a new figure.
    statistic : {"ratio_of_means", "mean_ratio"}
        R = mean(b)/mean(a) (default) or the mean of respondents' ratios.
    overall : bool, default True
        Add the overall aggregate as a last row.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.lines`` includes the points (x: ratios, y: 0, 1, ... from the
        top) and the vertical line at c = 1; ``ax.collections`` the bands.

    Raises
    ------
    InputError
        ``result`` not a RatioResult, ``ax`` not a Cartesian axes, or an
        unknown ``statistic``.

    Notes
    -----
    A Fieller interval can be unbounded (when mean(a) is not significantly
    different from zero): the bar then runs to the edge of the chart and
    the title says so. A NaN ratio is not drawn and the title names it, as
    it names a ratio without an interval (fewer than two respondents).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from satmodels import satisfaction_ratio
    >>> from satmodels.datasets import load_sample_survey
    >>> from satmodels.plot import grade_chart
    >>> r = satisfaction_ratio(
    ...     load_sample_survey(),
    ...     perceived=["sq_p1", "sq_p2", "sq_p3"],
    ...     expected=["sq_e1", "sq_e2", "sq_e3"],
    ... )
    >>> ax = grade_chart(r)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['sq_p1', 'sq_p2', 'sq_p3', 'overall']
    >>> plt.close(ax.figure)
    """
    where = "satmodels.plot.grade_chart"
    given: object = result
    if not isinstance(given, RatioResult):
        msg = (
            f"The 'result' parameter of {where} must be a RatioResult. "
            f"Got {type(given).__name__} instead."
        )
        raise InputError(msg)
    stat: str = statistic
    if stat not in ("ratio_of_means", "mean_ratio"):
        msg = (
            f"The 'statistic' parameter of {where} must be 'ratio_of_means' or "
            f"'mean_ratio'. Got {stat!r} instead."
        )
        raise InputError(msg)
    created = ax is None
    ax = new_axes(ax, where=where)
    names = [*result.items, *(["overall"] if overall else [])]
    est_table = result.estimates
    first: dict[str, int] = {}
    for i, (k, nm) in enumerate(zip(est_table.kind, est_table.name, strict=True)):
        if k == stat:
            first.setdefault(nm, i)
    rows = [first[nm] for nm in names]
    est = est_table.estimate[rows]
    low = est_table.ci_low[rows].copy()
    high = est_table.ci_high[rows].copy()
    cuts = [result.thresholds[nm] for nm in names]

    finite = np.concatenate(
        [v[np.isfinite(v)] for v in (est, low, high)] + [np.ravel(cuts), [1.0]]
    )
    lo, hi = float(finite.min()), float(finite.max())
    pad = 0.08 * (hi - lo)
    left, right = lo - pad, hi + pad
    no_interval = [
        nm
        for nm, e, a, b in zip(names, est, low, high, strict=True)
        if np.isfinite(e) and (np.isnan(a) or np.isnan(b))
    ]
    unbounded = [
        nm
        for nm, a, b in zip(names, low, high, strict=True)
        if np.isinf(a) or np.isinf(b)
    ]
    low = np.clip(low, left, right)
    high = np.clip(high, left, right)

    import matplotlib as mpl  # noqa: PLC0415 - optional dependency
    from matplotlib.figure import Figure  # noqa: PLC0415
    from matplotlib.patches import Patch  # noqa: PLC0415

    colours = mpl.colormaps["RdYlGn"](np.linspace(0.1, 0.9, len(GRADES)))
    y = np.arange(len(names), dtype=np.float64)
    for yi, (t1, t2, t3, t4) in zip(y, cuts, strict=True):
        edges = [left, t1, t2, t3, t4, right]
        spans = [(a, b - a) for a, b in itertools.pairwise(edges)]
        ax.broken_barh(
            spans, (yi - 0.5, 1.0), facecolors=colours, alpha=BAND_ALPHA, linewidth=0
        )
    ok = np.isfinite(est)
    ax.errorbar(
        est[ok],
        y[ok],
        xerr=error_bars(est, low, high)[:, ok],
        fmt="o",
        color="black",
        capsize=3,
        label=f"{stat} ({100 * result.confidence_level:g}% interval)",
    )
    ax.axvline(1.0, color="black", linestyle="--", linewidth=1.0)
    ax.set_xlim(left, right)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_yticks(y)
    ax.set_yticklabels(names)
    ax.set_xlabel("c = b / a (perceived / expected)")
    handles = [
        Patch(facecolor=c, alpha=BAND_ALPHA, label=g)
        for c, g in zip(colours, GRADES, strict=True)
    ]
    point, labels = ax.get_legend_handles_labels()
    ax.legend(
        handles=[*point, *handles],
        labels=[*labels, *GRADES],
        fontsize="x-small",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
    )
    missing = [nm for nm, v in zip(names, est, strict=True) if math.isnan(v)]
    title = "Satisfaction ratio c = b / a"
    if unbounded:
        title += f"\ninterval unbounded: {', '.join(unbounded)}"
    ax.set_title(with_note(title, missing, no_interval))
    fig = ax.figure
    if created and isinstance(fig, Figure):  # room for the legend (not a caller's)
        fig.tight_layout()
    return ax
