"""Charts of satisfaction indices: radar, bars with intervals, trends.

:func:`radar` and :func:`bars` draw the scores of one result or of several
overlaid (a result's ``segments``, or a mapping label -> result, e.g.
brands); :func:`trend` draws the headline estimate of a series of results
(waves) with its interval band. Every number drawn is the result's own: the
0-100 node scores of a :class:`~satmodels.csi.CSIResult`, the item CSMs of a
:class:`~satmodels.csi.CSMResult`, the unit indices of an
:class:`~satmodels.csi.AggregateResult`, the category shares of an
:class:`~satmodels.csi.NPSResult`, and the stored interval bounds
(``ci_low`` / ``ci_high``) at the result's ``confidence_level``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

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
from ._core import FloatArray, error_bars, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["bars", "radar", "trend"]

#: Results with one score per node, item or unit (radar spokes, bars).
Scored: TypeAlias = CSIResult | CSMResult | AggregateResult
#: Everything :func:`bars` draws.
Barred: TypeAlias = Scored | NPSResult | CSATResult | CESResult
#: NPS categories in the order drawn (worst first).
NPS_CATEGORIES = ("detractors", "passives", "promoters")


@dataclass(frozen=True, slots=True)
class _Rows:
    """What one result contributes to a chart: names, values, interval."""

    names: tuple[str, ...]
    estimate: FloatArray
    low: FloatArray
    high: FloatArray
    axis: str
    confidence_level: float


# ------------------------------------------------------------ shared helpers
def missing_note(missing: Sequence[str], no_interval: Sequence[str] = ()) -> str:
    """Name what is not drawn: ``"not drawn (no estimate): a, b"``.

    ``no_interval`` adds ``"no interval: c"``; ``""`` when all is drawn.
    """
    parts = []
    if missing:
        parts.append(f"not drawn (no estimate): {', '.join(missing)}")
    if no_interval:
        parts.append(f"no interval: {', '.join(no_interval)}")
    return "; ".join(parts)


def with_note(
    title: str, missing: Sequence[str], no_interval: Sequence[str] = ()
) -> str:
    """Return ``title`` with :func:`missing_note` on a second line when needed."""
    note = missing_note(missing, no_interval)
    return f"{title}\n{note}" if note else title


def without_interval(
    names: Sequence[str], estimate: FloatArray, low: FloatArray, high: FloatArray
) -> list[str]:
    """Names whose estimate is drawn but whose interval is not (NaN bound)."""
    bad = np.isfinite(estimate) & ~(np.isfinite(low) & np.isfinite(high))
    return [nm for nm, b in zip(names, bad, strict=True) if b]


def _lookup(result: Any, kind: str, names: Sequence[str]) -> list[int]:  # noqa: ANN401 - any result with estimates
    """First row of ``kind`` for each name (the overall rows come first)."""
    est = result.estimates
    first: dict[str, int] = {}
    for i, (k, nm) in enumerate(zip(est.kind, est.name, strict=True)):
        if k == kind:
            first.setdefault(nm, i)
    return [first[nm] for nm in names]


def _from_estimates(
    result: Any,  # noqa: ANN401 - any result with estimates
    kind: str,
    names: Sequence[str],
    axis: str,
) -> _Rows:
    rows = _lookup(result, kind, names)
    est = result.estimates
    return _Rows(
        tuple(names),
        est.estimate[rows],
        est.ci_low[rows],
        est.ci_high[rows],
        axis,
        float(result.confidence_level),
    )


def _check_level(level: str | None, res: AggregateResult, where: str) -> str:
    lev = res.levels[0] if level is None else level
    if lev not in res.levels:
        msg = (
            f"The 'level' parameter of {where} must be one of {list(res.levels)}. "
            f"Got {level!r} instead."
        )
        raise InputError(msg)
    return lev


def _scored_rows(
    res: object, *, depth: int, level: str | None, where: str, extra: str = ""
) -> _Rows:
    """Node scores (CSI), item CSMs (CSM) or unit indices (aggregate)."""
    if isinstance(res, CSIResult):
        nodes = [s for s in res.nodes if s.depth == depth]
        if not nodes:
            deepest = max(s.depth for s in res.nodes)
            msg = (
                f"The 'depth' parameter of {where} must be between 0 and "
                f"{deepest} (the depth of the tree). Got {depth!r} instead."
            )
            raise InputError(msg)
        return _Rows(
            tuple(s.name for s in nodes),
            np.array([s.score for s in nodes]),
            np.array([s.ci_low for s in nodes]),
            np.array([s.ci_high for s in nodes]),
            f"{res.name} score (0-100)",
            res.confidence_level,
        )
    if isinstance(res, CSMResult):
        return _from_estimates(res, "item", list(res.items), "CSM")
    if isinstance(res, AggregateResult):
        lev = _check_level(level, res, where)
        return _from_estimates(res, lev, list(res.index[lev]), f"{lev} index")
    msg = (
        f"The 'result' parameter of {where} must be a CSIResult, CSMResult, "
        f"AggregateResult{extra} or a mapping of labels to them. "
        f"Got {type(res).__name__} instead."
    )
    raise InputError(msg)


def _bar_rows(res: object, *, depth: int, level: str | None, where: str) -> _Rows:
    if isinstance(res, NPSResult):
        return _from_estimates(res, "share", NPS_CATEGORIES, "share of respondents (%)")
    if isinstance(res, CSATResult):
        return _from_estimates(res, "share", ["csat"], "satisfied (%)")
    if isinstance(res, CESResult):
        return _from_estimates(res, "mean", ["mean"], "mean answer")
    return _scored_rows(
        res,
        depth=depth,
        level=level,
        where=where,
        extra=", NPSResult, CSATResult, CESResult",
    )


def _series(result: object, *, segments: bool, where: str) -> list[tuple[str, Any]]:
    """``[(label, result), ...]``: a mapping's items, or all + segments."""
    if isinstance(result, Mapping):
        if not result:
            msg = f"The 'result' parameter of {where} is an empty mapping."
            raise InputError(msg)
        return [(str(k), v) for k, v in result.items()]
    parts = getattr(result, "segments", None)
    if segments and parts:
        return [("all", result), *((str(k), v) for k, v in parts.items())]
    return [("", result)]


def _same_names(rows: Sequence[_Rows], labels: Sequence[str], where: str) -> None:
    first = rows[0].names
    for label, r in zip(labels, rows, strict=True):
        if r.names != first:
            msg = (
                f"The 'result' parameter of {where}: {label!r} has "
                f"{list(r.names)}, the first has {list(first)}; overlaid results "
                "must score the same nodes, items or units."
            )
            raise InputError(msg)


def _headline(res: object) -> tuple[float, float, float, str]:
    """Return the headline estimate, its stored interval and the axis label.

    The rule lives in :func:`satmodels.tracking._headline.headline`, shared
    with :func:`satmodels.tracking.waves`.
    """
    from ..tracking._headline import headline  # noqa: PLC0415 - one rule

    head = headline(res, where="satmodels.plot.trend")
    return head.estimate, head.ci_low, head.ci_high, head.label


def _labelled(
    label: str, missing: Sequence[str], no_interval: Sequence[str] = ()
) -> str:
    note = missing_note(missing, no_interval)
    return f"{label} ({note})" if note else label


# ------------------------------------------------------------------- charts
def radar(
    result: Scored | Mapping[str, Scored],
    *,
    ax: Axes | None = None,
    depth: int = 1,
    level: str | None = None,
    segments: bool = True,
) -> Axes:
    """Radar (spider) chart of CSI node, CSM item or aggregate unit scores.

    One spoke per node at ``depth`` of a :class:`~satmodels.csi.CSIResult`
    (1: the dimensions), per item of a :class:`~satmodels.csi.CSMResult`,
    or per unit at ``level`` of an :class:`~satmodels.csi.AggregateResult`.
    A result fitted with ``segments`` draws the whole sample (``"all"``) and
    every segment overlaid; a mapping label -> result (brands, waves)
    overlays its results, which must have the same spokes.

    Parameters
    ----------
    result : CSIResult, CSMResult, AggregateResult or mapping of str to them
        What to draw.
    ax : matplotlib.axes.Axes, optional
        A *polar* axes to draw on; default a new figure.
    depth : int, default 1
        Depth of the CSI nodes drawn (0 is the index itself).
    level : str, optional
        Level of an aggregate result (default its lowest, e.g. companies).
    segments : bool, default True
        Overlay the segments of a segmented result.

    Returns
    -------
    matplotlib.axes.Axes
        The polar axes: one closed line per series, whose y-data are the
        scores in spoke order (the first repeated at the end).

    Raises
    ------
    InputError
        Another result type, ``ax`` not polar, fewer than three spokes, an
        unknown ``depth`` / ``level``, or overlaid results with different
        spokes.

    Notes
    -----
    CSI and aggregate scores are drawn on a fixed 0-100 radius; CSM scores
    (which may be negative) on the range of the data. A NaN score is not
    drawn (the line breaks there) and the title or the legend says so.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from satmodels.csi import csm
    >>> from satmodels.plot import radar
    >>> x = np.array([[30, 0, -30, 30], [60, 30, 0, 30], [30, 60, 30, 0]])
    >>> ax = radar(csm(x, columns=["price", "staff", "speed", "range"]))
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['price', 'staff', 'speed', 'range']
    >>> plt.close(ax.figure)
    """
    where = "satmodels.plot.radar"
    created = ax is None
    ax = new_axes(ax, where=where, polar=True)
    series = _series(result, segments=segments, where=where)
    labels = [label for label, _ in series]
    rows = [_scored_rows(r, depth=depth, level=level, where=where) for _, r in series]
    _same_names(rows, labels, where)
    names = rows[0].names
    k = len(names)
    if k < 3:  # a polygon needs three corners
        msg = (
            f"The 'result' parameter of {where} has {k} score(s) "
            f"({list(names)}); a radar chart needs at least three. Use "
            "satmodels.plot.bars instead."
        )
        raise InputError(msg)
    theta = np.linspace(0.0, 2.0 * math.pi, k, endpoint=False)
    closed = np.append(theta, theta[0])
    title_missing: list[str] = []
    for label, r in zip(labels, rows, strict=True):
        missing = [nm for nm, v in zip(names, r.estimate, strict=True) if math.isnan(v)]
        values = np.append(r.estimate, r.estimate[0])
        (line,) = ax.plot(closed, values, marker="o", label=_labelled(label, missing))
        if not missing:
            ax.fill(closed, values, color=line.get_color(), alpha=0.1)
        if not label:
            title_missing = missing
    from matplotlib.projections.polar import PolarAxes  # noqa: PLC0415

    if isinstance(ax, PolarAxes):  # always (new_axes checked): for the types
        ax.set_theta_offset(math.pi / 2.0)  # first spoke at the top, clockwise
        ax.set_theta_direction(-1)
    ax.set_xticks(theta)
    ax.set_xticklabels(names)
    ax.tick_params(axis="x", pad=6)
    if all(isinstance(r, CSIResult | AggregateResult) for _, r in series):
        ax.set_ylim(0.0, 100.0)
    else:
        allv = np.concatenate([r.estimate for r in rows])
        finite = allv[np.isfinite(allv)]
        if finite.size:
            lo, hi = min(0.0, float(finite.min())), max(0.0, float(finite.max()))
            pad = 0.1 * (hi - lo) or 1.0
            ax.set_ylim(lo - pad if lo < 0 else 0.0, hi + pad)
    if any(labels):
        ax.legend(loc="upper right", bbox_to_anchor=(1.35, 1.1), fontsize="small")
    ax.set_title(with_note(rows[0].axis, title_missing), pad=14)
    if created:  # room for the title, labels and legend (not a caller's figure)
        ax.figure.subplots_adjust(top=0.85, bottom=0.08)
    return ax


def bars(
    result: Barred | Mapping[str, Barred],
    *,
    ax: Axes | None = None,
    depth: int = 1,
    level: str | None = None,
    segments: bool = True,
) -> Axes:
    """Bars of scores or shares with their stored interval as error bars.

    What is drawn, per result type:

    - :class:`~satmodels.csi.CSIResult`: the 0-100 score of every node at
      ``depth`` with its normal interval;
    - :class:`~satmodels.csi.CSMResult`: the CSM of every item;
    - :class:`~satmodels.csi.AggregateResult`: the index of every unit at
      ``level``;
    - :class:`~satmodels.csi.NPSResult`: the shares of detractors, passives
      and promoters (percent) with their Wilson intervals;
    - :class:`~satmodels.csi.CSATResult`: the top-box share (Wilson);
    - :class:`~satmodels.csi.CESResult`: the mean answer (t interval).

    A result fitted with ``segments`` draws grouped bars, the whole sample
    (``"all"``) first; so does a mapping label -> result.

    Parameters
    ----------
    result : result or mapping of str to results of one type
        What to draw.
    ax : matplotlib.axes.Axes, optional
        A Cartesian axes to draw on; default a new figure.
    depth : int, default 1
        Depth of the CSI nodes drawn.
    level : str, optional
        Level of an aggregate result (default its lowest).
    segments : bool, default True
        Group the segments of a segmented result.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.patches`` are the bars, series after series; their heights
        are the estimates and the error bars reach the stored ``ci_low`` /
        ``ci_high``.

    Raises
    ------
    InputError
        Another result type, ``ax`` not a Cartesian axes, an unknown
        ``depth`` / ``level``, or grouped results with different names.

    Notes
    -----
    A NaN estimate gets no bar and the title or the legend names it; a NaN
    interval bound draws no error bar on that side, and the title or the
    legend says ``no interval: ...``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from satmodels.csi import nps
    >>> from satmodels.plot import bars
    >>> r = nps([0, 3, 7, 8, 9, 9, 10, 10, 6, 9])
    >>> ax = bars(r)
    >>> [float(bar.get_height()) for bar in ax.patches]
    [30.0, 20.0, 50.0]
    >>> plt.close(ax.figure)
    """
    where = "satmodels.plot.bars"
    ax = new_axes(ax, where=where)
    series = _series(result, segments=segments, where=where)
    labels = [label for label, _ in series]
    rows = [_bar_rows(r, depth=depth, level=level, where=where) for _, r in series]
    kinds = {type(r) for _, r in series}
    if len(kinds) > 1:
        msg = (
            f"The 'result' parameter of {where} must map labels to results of "
            f"one type. Got {sorted(t.__name__ for t in kinds)}."
        )
        raise InputError(msg)
    _same_names(rows, labels, where)
    names = rows[0].names
    x = np.arange(len(names), dtype=np.float64)
    width = 0.8 / len(rows)
    title_missing: list[str] = []
    title_no_interval: list[str] = []
    for j, (label, r) in enumerate(zip(labels, rows, strict=True)):
        ok = np.isfinite(r.estimate)
        missing = [nm for nm, good in zip(names, ok, strict=True) if not good]
        no_interval = without_interval(names, r.estimate, r.low, r.high)
        err = error_bars(r.estimate, r.low, r.high)[:, ok]
        ax.bar(
            x[ok] + (j - (len(rows) - 1) / 2) * width,
            r.estimate[ok],
            width,
            yerr=err,
            capsize=3,
            label=_labelled(label, missing, no_interval),
        )
        if not label:
            title_missing, title_no_interval = missing, no_interval
    ax.set_xticks(x)
    ax.set_xticklabels(names)
    ax.set_ylabel(rows[0].axis)
    ax.axhline(0.0, color="black", linewidth=0.8)
    if any(labels):
        ax.legend(fontsize="small")
    # the headline of the result drawn (of "all" with segments), not of a
    # mapping's first entry
    head = rows[0].axis if isinstance(result, Mapping) else _bar_title(result)
    level_note = f"{100 * rows[0].confidence_level:g}% intervals"
    ax.set_title(with_note(f"{head} ({level_note})", title_missing, title_no_interval))
    return ax


def _bar_title(res: object) -> str:
    value, low, high, what = _headline(res)
    if isinstance(res, CSIResult):
        what = res.name
    return f"{what} = {value:.1f} [{low:.1f}, {high:.1f}]"


def trend(
    results: Mapping[str, Barred] | Sequence[Barred],
    *,
    ax: Axes | None = None,
    labels: Sequence[str] | None = None,
) -> Axes:
    """Draw an index over waves with its interval band.

    The headline estimate of each result is drawn, in order, as a line
    over the waves, and its stored interval (``ci_low`` / ``ci_high`` at
    the result's ``confidence_level``) as a shaded band. The headline is:
    the index of a :class:`~satmodels.csi.CSIResult` (the root row of its
    estimates), the overall CSM (row ``("csm", "overall")``), the national
    index of an :class:`~satmodels.csi.AggregateResult`, the NPS (row
    ``("nps", "nps")``), the CSAT share (row ``("share", "csat")``) or the
    CES mean (row ``("mean", "mean")``).

    Parameters
    ----------
    results : mapping of str to result, or sequence of results
        One result per wave, all of one type and fitted at one
        ``confidence_level``; a mapping's keys label the waves.
    ax : matplotlib.axes.Axes, optional
        A Cartesian axes to draw on; default a new figure.
    labels : sequence of str, optional
        Wave labels for a sequence (default ``"1"``, ``"2"``, ...).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.lines[0]`` holds the estimates (y) at x = 0, 1, ...; the band
        is ``ax.collections[0]``.

    Raises
    ------
    InputError
        No results, mixed result types or confidence levels, ``labels`` of
        the wrong length or given with a mapping, or another result type.

    Notes
    -----
    A wave without an estimate breaks the line (nothing drawn there) and
    the title names it; a wave without an interval has no band there and
    the title says ``no interval: ...``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from satmodels.csi import nps
    >>> from satmodels.plot import trend
    >>> waves = {"Q1": nps([9, 10, 3, 8, 9]), "Q2": nps([9, 10, 7, 8, 10])}
    >>> ax = trend(waves)
    >>> [float(y) for y in ax.lines[0].get_ydata()]
    [40.0, 60.0]
    >>> plt.close(ax.figure)
    """
    where = "satmodels.plot.trend"
    if isinstance(results, Mapping):
        if labels is not None:
            msg = (
                f"The 'labels' parameter of {where} must be None when 'results' "
                "is a mapping (its keys are the labels)."
            )
            raise InputError(msg)
        names = [str(k) for k in results]
        items = list(results.values())
    else:
        items = list(results)
        names = (
            [str(i + 1) for i in range(len(items))]
            if labels is None
            else [str(v) for v in labels]
        )
        if len(names) != len(items):
            msg = (
                f"The 'labels' parameter of {where} must have one label per "
                f"result ({len(items)}). Got {len(names)} instead."
            )
            raise InputError(msg)
    if not items:
        msg = f"The 'results' parameter of {where} holds no result."
        raise InputError(msg)
    heads = [_headline(r) for r in items]
    kinds = sorted({type(r).__name__ for r in items})
    levels = sorted({float(r.confidence_level) for r in items})
    if len(kinds) > 1 or len(levels) > 1:
        msg = (
            f"The 'results' parameter of {where} must hold results of one type "
            f"fitted at one confidence_level. Got {kinds} at {levels}."
        )
        raise InputError(msg)
    ax = new_axes(ax, where=where)
    x = np.arange(len(items), dtype=np.float64)
    est = np.array([h[0] for h in heads])
    low = np.array([h[1] for h in heads])
    high = np.array([h[2] for h in heads])
    (line,) = ax.plot(x, est, marker="o", label="estimate")
    band = np.isfinite(low) & np.isfinite(high)
    ax.fill_between(
        x,
        np.where(band, low, 0.0),
        np.where(band, high, 0.0),
        where=band,
        color=line.get_color(),
        alpha=0.2,
        label=f"{100 * levels[0]:g}% interval",
    )
    ax.set_xticks(x)
    ax.set_xticklabels(names)
    ax.set_ylabel(heads[0][3])
    ax.legend(fontsize="small")
    missing = [nm for nm, v in zip(names, est, strict=True) if math.isnan(v)]
    no_band = without_interval(names, est, low, high)
    ax.set_title(with_note(f"{heads[0][3]} by wave", missing, no_band))
    return ax
