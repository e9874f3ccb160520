"""Kano charts: the Better/Worse quadrant map and DuMouchel's continuous plot.

:func:`kano_map` draws the satisfaction (Better) against the absolute
dissatisfaction (Worse) coefficient of each attribute (Berger et al. 1993),
:func:`kano_continuous` the mean functional against the mean dysfunctional
score (DuMouchel, in Berger et al. 1993, section IVb). Both draw the
result's stored intervals as error bars and label every attribute.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .._typing import BoolArray, FloatArray
from ..exceptions import InputError
from ._core import error_bars, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.transforms import Bbox

    from ..kano import ContinuousKanoResult, KanoResult

__all__ = ["kano_continuous", "kano_map"]

# (label, x side, y side) of the four quadrants: side 1 = above the split
_MAP_QUADRANTS = (
    ("attractive (A)", 0, 1),
    ("one-dimensional (O)", 1, 1),
    ("must-be (M)", 1, 0),
    ("indifferent (I)", 0, 0),
)

# candidate label offsets (points), tried in order: right, left, above, ...
_OFFSETS = (
    (6, 4),
    (-6, 4),
    (6, -10),
    (-6, -10),
    (0, 9),
    (0, -13),
    (12, 12),
    (-12, 12),
    (12, -16),
    (-12, -16),
)


def _check_result(result: object, kind: type, where: str) -> None:
    if not isinstance(result, kind):
        msg = (
            f"The 'result' parameter of {where} must be a {kind.__name__}. "
            f"Got {type(result).__name__} instead."
        )
        raise InputError(msg)


def label_points(
    ax: Axes, x: Sequence[float], y: Sequence[float], names: Sequence[str]
) -> None:
    """Write ``names`` beside the points, avoiding each other and the points.

    Greedy placement: each label takes the first of a few offsets whose box
    overlaps no label placed before it and no other point (Imhof's (1975)
    positions in order of preference, simplified); when none is free, the
    least crowded one.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    pts: FloatArray = ax.transData.transform(np.column_stack([x, y]).reshape(-1, 2))
    placed: list[Bbox] = []
    for k, name in enumerate(names):
        best = None
        for dx, dy in _OFFSETS:
            text = ax.annotate(
                name,
                (x[k], y[k]),
                xytext=(dx, dy),
                textcoords="offset points",
                ha="left" if dx > 0 else "right" if dx < 0 else "center",
                fontsize="small",
            )
            box = text.get_window_extent(renderer).expanded(1.05, 1.1)
            clash = sum(box.overlaps(b) for b in placed)
            clash += sum(
                box.contains(px, py) for j, (px, py) in enumerate(pts) if j != k
            )
            if best is None or clash < best[0]:
                if best is not None:
                    best[1].remove()
                best = (clash, text, box)
            else:
                text.remove()
            if clash == 0:
                break
        assert best is not None  # noqa: S101 - at least one offset was tried
        placed.append(best[2])


def _missing_note(names: Sequence[str], missing: BoolArray) -> str:
    gone = [n for n, m in zip(names, missing.tolist(), strict=True) if m]
    return "" if not gone else "\nnot drawn (no estimate): " + ", ".join(gone)


def kano_map(
    result: KanoResult,
    *,
    ax: Axes | None = None,
    threshold: float = 0.5,
    intervals: bool = True,
) -> Axes:
    r"""Better/Worse quadrant map of a Kano analysis (Berger et al. 1993).

    Each attribute is a point at (\|Worse\|, Better): the share of
    respondents whose dissatisfaction the attribute's absence causes
    against the share whose satisfaction its presence raises. Lines at
    ``threshold`` split the square into the attractive (high Better, low
    \|Worse\|), one-dimensional (both high), must-be (high \|Worse\|) and
    indifferent (both low) quadrants.

    Parameters
    ----------
    result : KanoResult
        From :func:`satmodels.kano.analyze`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when omitted.
    threshold : float
        Position of the quadrant lines on both axes, in (0, 1); 0.5 as in
        Berger et al. (1993).
    intervals : bool
        Draw the stored Wilson intervals of Better and Worse (at the
        result's ``confidence_level``) as error bars.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on. An attribute without a coefficient (no A, O, M
        or I answer) is not drawn; the title names it.

    Raises
    ------
    InputError
        ``result`` is not a KanoResult, ``ax`` is not Cartesian Axes, or
        ``threshold`` is outside (0, 1).

    Notes
    -----
    :math:`Better = (A + O)/(A + O + M + I)` and :math:`Worse = -(O + M)/(A
    + O + M + I)` (Berger et al. 1993, p. 26); the horizontal axis shows
    :math:`|Worse|` so that both axes run from 0 to 1.

    References
    ----------
    .. [1] Berger, C., Blauth, R., Boger, D., et al. (1993). Kano's methods
       for understanding customer-defined quality. Center for Quality of
       Management Journal, 2(4), 3-36.

    Examples
    --------
    >>> from satmodels import kano
    >>> from satmodels.datasets import load_sample_survey
    >>> import satmodels.plot as splot
    >>> res = kano.analyze(
    ...     load_sample_survey(),
    ...     functional=[f"kano_f{a}" for a in range(1, 7)],
    ...     dysfunctional=[f"kano_d{a}" for a in range(1, 7)],
    ... )
    >>> ax = splot.kano_map(res)
    >>> ax.get_xlabel()
    '|Worse| (dissatisfaction coefficient)'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    from ..kano import KanoResult  # noqa: PLC0415 - no cycle at import

    where = "satmodels.plot.kano_map"
    _check_result(result, KanoResult, where)
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not 0.0 < threshold < 1.0
    ):
        msg = (
            f"The 'threshold' parameter of {where} must be in (0, 1). "
            f"Got {threshold!r} instead."
        )
        raise InputError(msg)
    ax = new_axes(ax, where=where)
    x = np.abs(result.worse)
    y = result.better
    ok = np.isfinite(x) & np.isfinite(y)
    names = [a for a, k in zip(result.attributes, ok.tolist(), strict=True) if k]
    if intervals and ok.any():
        ax.errorbar(
            x[ok],
            y[ok],
            xerr=error_bars(
                x[ok], np.abs(result.worse_high[ok]), np.abs(result.worse_low[ok])
            ),
            yerr=error_bars(y[ok], result.better_low[ok], result.better_high[ok]),
            fmt="none",
            ecolor="0.6",
            elinewidth=0.8,
            capsize=2,
            zorder=2,
        )
    ax.scatter(x[ok], y[ok], zorder=3, gid="attributes")
    ax.axvline(threshold, color="0.3", linewidth=0.8, zorder=1)
    ax.axhline(threshold, color="0.3", linewidth=0.8, zorder=1)
    for label, sx, sy in _MAP_QUADRANTS:
        ax.text(
            0.02 if sx == 0 else 0.98,
            0.98 if sy == 1 else 0.02,
            label,
            transform=ax.transAxes,
            ha="left" if sx == 0 else "right",
            va="top" if sy == 1 else "bottom",
            color="0.35",
            fontstyle="italic",
            gid="quadrant",
        )
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel("|Worse| (dissatisfaction coefficient)")
    ax.set_ylabel("Better (satisfaction coefficient)")
    level = f"{result.confidence_level:.0%} Wilson intervals" if intervals else ""
    ax.set_title(
        "Kano Better-Worse map"
        + (f" ({level})" if level else "")
        + _missing_note(result.attributes, ~ok)
    )
    label_points(ax, x[ok].tolist(), y[ok].tolist(), names)
    return ax


def kano_continuous(
    result: ContinuousKanoResult,
    *,
    ax: Axes | None = None,
    intervals: bool = True,
) -> Axes:
    """DuMouchel's continuous Kano plot (in Berger et al. 1993, section IVb).

    Each attribute is a point at (mean dysfunctional score, mean functional
    score) with the stored Student t intervals of both means as error bars.
    Lines at the result's ``threshold`` mark the category regions:
    attractive (high functional, low dysfunctional score), one-dimensional
    (both high), must-be (high dysfunctional only) and indifferent (both
    low). When a mean or an interval bound is negative, the grey area of
    negative scores is marked as the reverse (R) region.

    Parameters
    ----------
    result : ContinuousKanoResult
        From :func:`satmodels.kano.continuous`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when omitted.
    intervals : bool
        Draw the t intervals of the two means (at the result's
        ``confidence_level``).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on. An attribute without pairs of answers is not
        drawn; the title names it.

    Raises
    ------
    InputError
        ``result`` is not a ContinuousKanoResult or ``ax`` is not Cartesian
        Axes.

    References
    ----------
    .. [1] Berger, C., Blauth, R., Boger, D., et al. (1993). Kano's methods
       for understanding customer-defined quality. Center for Quality of
       Management Journal, 2(4), 3-36 (section IVb, after W. DuMouchel).

    Examples
    --------
    >>> from satmodels import kano
    >>> import satmodels.plot as splot
    >>> data = {"f": [1, 1, 2, 1], "d": [5, 4, 5, 3]}
    >>> res = kano.continuous(data, functional="f", dysfunctional="d")
    >>> ax = splot.kano_continuous(res)
    >>> ax.get_ylabel()
    'functional score (mean)'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    from ..kano import ContinuousKanoResult  # noqa: PLC0415 - no cycle at import

    where = "satmodels.plot.kano_continuous"
    _check_result(result, ContinuousKanoResult, where)
    ax = new_axes(ax, where=where)
    x, y = result.dysfunctional_mean, result.functional_mean
    ok = np.isfinite(x) & np.isfinite(y)
    names = [a for a, k in zip(result.attributes, ok.tolist(), strict=True) if k]
    f_est = result.estimates.select("functional_mean")
    d_est = result.estimates.select("dysfunctional_mean")
    drawn = [x[ok], y[ok]]
    if intervals and ok.any():
        xlo, xhi = d_est.ci_low[ok], d_est.ci_high[ok]
        ylo, yhi = f_est.ci_low[ok], f_est.ci_high[ok]
        ax.errorbar(
            x[ok],
            y[ok],
            xerr=error_bars(x[ok], xlo, xhi),
            yerr=error_bars(y[ok], ylo, yhi),
            fmt="none",
            ecolor="0.6",
            elinewidth=0.8,
            capsize=2,
            zorder=2,
        )
        drawn += [xlo, xhi, ylo, yhi]
    ax.scatter(x[ok], y[ok], zorder=3, gid="attributes")
    thr = float(result.threshold)
    scores = (*result.functional_scores, *result.dysfunctional_scores)
    finite = np.concatenate([v[np.isfinite(v)] for v in drawn])
    negative = bool(finite.size) and float(finite.min()) < 0.0
    lo = min(0.0, float(finite.min()) if finite.size else 0.0)
    hi = max(*scores, thr, float(finite.max()) if finite.size else 0.0)
    pad = 0.05 * (hi - lo)
    lo, hi = lo - pad, hi + pad
    if negative:
        ax.axvspan(lo, 0.0, color="0.92", zorder=0)
        ax.axhspan(lo, 0.0, color="0.92", zorder=0)
        ax.text(lo + pad / 2, lo + pad / 2, "R", color="0.35", fontstyle="italic")
    ax.axvline(thr, color="0.3", linewidth=0.8, zorder=1)
    ax.axhline(thr, color="0.3", linewidth=0.8, zorder=1)
    corners = {
        "attractive (A)": (max(lo, 0.0), hi, "left", "top"),
        "one-dimensional (O)": (hi, hi, "right", "top"),
        "must-be (M)": (hi, max(lo, 0.0), "right", "bottom"),
        "indifferent (I)": (max(lo, 0.0), max(lo, 0.0), "left", "bottom"),
    }
    for label, (cx, cy, ha, va) in corners.items():
        ax.text(
            cx + (pad / 2 if ha == "left" else -pad / 2),
            cy + (pad / 2 if va == "bottom" else -pad / 2),
            label,
            ha=ha,
            va=va,
            color="0.35",
            fontstyle="italic",
            gid="quadrant",
        )
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_xlabel("dysfunctional score (mean)")
    ax.set_ylabel("functional score (mean)")
    level = f"{result.confidence_level:.0%} t intervals" if intervals else ""
    ax.set_title(
        f"Continuous Kano (DuMouchel; {result.scores} scores"
        + (f", {level}" if level else "")
        + ")"
        + _missing_note(result.attributes, ~ok)
    )
    label_points(ax, x[ok].tolist(), y[ok].tolist(), names)
    return ax
