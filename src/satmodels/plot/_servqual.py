"""SERVQUAL charts: gap bars with intervals and the zone of tolerance.

:func:`gap_bars` draws the mean gap (perception - expectation) of each
dimension or item with its stored interval (or, for SERVPERF, the mean
perception); :func:`zone_of_tolerance` draws each item's band from the
adequate to the desired level with the perceived level as a point
(Zeithaml, Berry & Parasuraman 1993; Parasuraman, Zeithaml & Berry 1994).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from .._typing import BoolArray
from ..exceptions import InputError
from ._core import error_bars, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..servqual import GapsResult, ServperfResult, ZoneResult
    from ..servqual.instrument import Instrument

__all__ = ["gap_bars", "zone_of_tolerance"]

_POSITION_STYLE = {
    "below": ("C3", "v", "below the zone"),
    "inside": ("C2", "o", "inside the zone"),
    "above": ("C0", "^", "above the zone"),
}


def _dimension_groups(ax: Axes, instrument: Instrument, top: float) -> None:
    """Separate the items of each dimension and name the dimension on top."""
    dims = [it.dimension for it in instrument.items]
    start = 0
    for k in range(1, len(dims) + 1):
        if k == len(dims) or dims[k] != dims[start]:
            if k < len(dims):
                ax.axvline(k - 0.5, color="0.75", linewidth=0.8, zorder=0)
            ax.text(
                (start + k - 1) / 2,
                top,
                dims[start],
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize="small",
                color="0.3",
                gid="dimension",
            )
            start = k


def _constrained(ax: Axes) -> None:
    """Constrained layout for a figure the chart made itself."""
    from matplotlib.figure import Figure  # noqa: PLC0415

    fig = ax.figure
    if isinstance(fig, Figure):
        fig.set_layout_engine("constrained")


def _not_drawn(names: Sequence[str], ok: BoolArray, why: str = "no estimate") -> str:
    gone = [n for n, k in zip(names, ok.tolist(), strict=True) if not k]
    return "" if not gone else f"\nnot drawn ({why}): " + ", ".join(gone)


def gap_bars(
    result: GapsResult | ServperfResult,
    *,
    ax: Axes | None = None,
    level: Literal["dimension", "item"] = "dimension",
) -> Axes:
    """SERVQUAL gaps (or SERVPERF scores) per dimension or item, with intervals.

    Parameters
    ----------
    result : GapsResult or ServperfResult
        From :func:`satmodels.servqual.gaps` (bars are the mean gaps P - E,
        from 0; negative gaps, service below expectations, in a second
        colour) or :func:`satmodels.servqual.servperf` (bars are mean
        perceptions, from the bottom of the answer scale).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when omitted.
    level : {"dimension", "item"}
        One bar per dimension, or per item grouped by dimension.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on. Error bars are the stored intervals at the
        result's ``confidence_level``; a row without an estimate has no
        bar, and the title names it.

    Raises
    ------
    InputError
        ``result`` is not a GapsResult or ServperfResult, ``level`` is not
        "dimension" or "item", or ``ax`` is not Cartesian Axes.

    Notes
    -----
    The dimension gap is the mean of its item gaps (Parasuraman, Zeithaml
    & Berry 1988; Zeithaml, Parasuraman & Berry 1990, appendix); SERVPERF
    after Cronin & Taylor (1992).

    Examples
    --------
    >>> from satmodels.datasets import load_sample_survey
    >>> from satmodels.servqual import SERVQUAL_22, gaps
    >>> import satmodels.plot as splot
    >>> ids = SERVQUAL_22.item_ids()
    >>> res = gaps(
    ...     load_sample_survey(),
    ...     perceptions=[f"sq_p{i}" for i in ids],
    ...     expectations=[f"sq_e{i}" for i in ids],
    ... )
    >>> ax = splot.gap_bars(res)
    >>> [t.get_text() for t in ax.get_xticklabels()][:2]
    ['tangibles', 'reliability']
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    from ..servqual import GapsResult, ServperfResult  # noqa: PLC0415

    where = "satmodels.plot.gap_bars"
    given: object = result
    if not isinstance(given, GapsResult | ServperfResult):
        msg = (
            f"The 'result' parameter of {where} must be a GapsResult or "
            f"ServperfResult. Got {type(given).__name__} instead."
        )
        raise InputError(msg)
    chosen: str = level
    if chosen not in ("dimension", "item"):
        msg = (
            f"The 'level' parameter of {where} must be 'dimension' or 'item'. "
            f"Got {level!r} instead."
        )
        raise InputError(msg)
    est = result.dimensions if level == "dimension" else result.items
    fresh = ax is None
    ax = new_axes(ax, where=where, figsize=(6.4 if level == "dimension" else 9.6, 4.8))
    if fresh:
        _constrained(ax)
    value = est.estimate
    ok = np.isfinite(value)
    pos = np.arange(len(value), dtype=np.float64)
    gap = isinstance(result, GapsResult)
    base = 0.0 if gap else float(result.scale.minimum)
    colors = ["C3" if gap and v < 0 else "C0" for v in value[ok]]
    ax.bar(
        pos[ok],
        value[ok] - base,
        bottom=base,
        color=colors,
        yerr=error_bars(value[ok], est.ci_low[ok], est.ci_high[ok]),
        capsize=3,
        error_kw={"elinewidth": 0.8, "ecolor": "0.2"},
        gid="bars",
    )
    if gap:
        ax.axhline(0.0, color="0.2", linewidth=0.8)
    else:
        ax.set_ylim(base, float(result.scale.maximum))
    if level == "dimension":
        ax.set_xticks(pos, est.name, rotation=25, ha="right", rotation_mode="anchor")
    else:
        ax.set_xticks(pos, est.name)
        ax.set_xlabel("item")
        ax.set_xlim(-0.6, len(value) - 0.4)
        _dimension_groups(ax, result.instrument, 1.01)
    pct = f"{result.confidence_level:.0%}"
    what = "gap (perception - expectation)" if gap else "perception (mean)"
    ax.set_ylabel(what)
    title = (
        f"SERVQUAL gaps by {level} ({pct} intervals)"
        if gap
        else f"SERVPERF scores by {level} ({pct} intervals)"
    )
    ax.set_title(
        title + _not_drawn(est.name, ok),
        pad=16 if level == "item" else None,
    )
    return ax


def zone_of_tolerance(result: ZoneResult, *, ax: Axes | None = None) -> Axes:
    """Zone of tolerance per item: adequate-to-desired band and perceived level.

    Each item's band runs from the mean adequate (minimum acceptable) to
    the mean desired service level, with the desired level marked; the
    point is the mean perceived level, coloured and shaped by the item's
    position (below, inside or above its zone, from the mean measures of
    service adequacy and superiority).

    Parameters
    ----------
    result : ZoneResult
        From :func:`satmodels.servqual.zone_of_tolerance`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on. The band of an item without answers is not
        drawn, and the title names it.

    Raises
    ------
    InputError
        ``result`` is not a ZoneResult or ``ax`` is not Cartesian Axes.

    Notes
    -----
    The zone of tolerance separates desired from adequate service
    (Zeithaml, Berry & Parasuraman 1993); an item lies below it when the
    mean MSA = P - A is negative, above when the mean MSS = P - D is
    positive (Parasuraman, Zeithaml & Berry 1994). The intervals of MSA,
    MSS and the width are in ``result.estimates``; they are differences,
    not levels, so they are not drawn here.

    References
    ----------
    .. [1] Zeithaml, V. A., Berry, L. L., & Parasuraman, A. (1993). The
       nature and determinants of customer expectations of service.
       Journal of the Academy of Marketing Science, 21(1), 1-12.
    .. [2] Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1994).
       Alternative scales for measuring service quality. Journal of
       Retailing, 70(3), 201-230.

    Examples
    --------
    >>> from satmodels.servqual import Instrument, zone_of_tolerance
    >>> import satmodels.plot as splot
    >>> inst = Instrument.define({"speed": ["s1", "s2"]})
    >>> survey = {
    ...     "p1": [5, 6, 4],
    ...     "p2": [8, 9, 8],
    ...     "a1": [6, 6, 5],
    ...     "a2": [4, 5, 4],
    ...     "d1": [8, 9, 8],
    ...     "d2": [7, 8, 7],
    ... }
    >>> res = zone_of_tolerance(
    ...     survey,
    ...     perceived=["p1", "p2"],
    ...     adequate=["a1", "a2"],
    ...     desired=["d1", "d2"],
    ...     instrument=inst,
    ... )
    >>> ax = splot.zone_of_tolerance(res)
    >>> ax.get_ylabel()
    'service level (mean)'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    from ..servqual import ZoneResult  # noqa: PLC0415

    where = "satmodels.plot.zone_of_tolerance"
    given: object = result
    if not isinstance(given, ZoneResult):
        msg = (
            f"The 'result' parameter of {where} must be a ZoneResult. "
            f"Got {type(given).__name__} instead."
        )
        raise InputError(msg)
    k = len(result.item_perceived)
    fresh = ax is None
    ax = new_axes(ax, where=where, figsize=(max(6.4, 0.4 * k + 2.0), 4.8))
    if fresh:
        _constrained(ax)
    names = list(result.instrument.item_ids())
    lo, hi, p = result.item_adequate, result.item_desired, result.item_perceived
    pos = np.arange(k, dtype=np.float64)
    band = np.isfinite(lo) & np.isfinite(hi)
    ax.bar(
        pos[band],
        hi[band] - lo[band],
        bottom=lo[band],
        width=0.6,
        color="C7",
        alpha=0.35,
        label="zone of tolerance (adequate to desired)",
        gid="zone",
    )
    ax.hlines(
        hi[band],
        pos[band] - 0.3,
        pos[band] + 0.3,
        color="0.25",
        linewidth=1.5,
        label="desired level",
        gid="desired",
    )
    seen = np.isfinite(p)
    for position, (color, marker, label) in _POSITION_STYLE.items():
        sel = seen & np.array([q == position for q in result.item_position])
        if sel.any():
            ax.scatter(
                pos[sel],
                p[sel],
                color=color,
                marker=marker,
                zorder=3,
                label=f"perceived, {label}",
                gid=f"perceived_{position}",
            )
    ax.set_xticks(pos, names)
    ax.set_xlim(-0.6, k - 0.4)
    ax.set_ylim(float(result.scale.minimum), float(result.scale.maximum))
    ax.set_xlabel("item")
    ax.set_ylabel("service level (mean)")
    _dimension_groups(ax, result.instrument, 1.01)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=2,
        fontsize="small",
        frameon=False,
    )
    ax.set_title(
        "Zone of tolerance" + _not_drawn(names, band & seen, "no answers"),
        pad=16,
    )
    return ax
