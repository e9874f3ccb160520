"""Importance-performance maps: IPA (Martilla & James 1977) and IPMA.

References
----------
.. [1] Martilla, J. A., & James, J. C. (1977). Importance-performance
   analysis. Journal of Marketing, 41(1), 77-79.
.. [2] Ringle, C. M., & Sarstedt, M. (2016). Gain more insight from your
   PLS-SEM results: the importance-performance map analysis. Industrial
   Management & Data Systems, 116(9), 1865-1886.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from ..acsi.index import IPMAResult
from ..csi import IPAResult
from ..exceptions import InputError
from ._core import FloatArray, error_bars, new_axes
from ._csi import with_note

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["ipa_map", "ipma_map"]

#: Quadrant names by (important, performs well), Martilla & James (1977),
#: and the corner of the axes where each is written.
QUADRANT_CORNERS: dict[str, tuple[float, float, str, str]] = {
    "concentrate here": (0.02, 0.98, "left", "top"),
    "keep up the good work": (0.98, 0.98, "right", "top"),
    "low priority": (0.02, 0.02, "left", "bottom"),
    "possible overkill": (0.98, 0.02, "right", "bottom"),
}


def _limits(values: FloatArray, centre: float) -> tuple[float, float]:
    """Return padded limits holding every finite value and the cross-hair."""
    v = np.append(values[np.isfinite(values)], centre)
    lo, hi = float(v.min()), float(v.max())
    pad = 0.12 * (hi - lo) or 0.5
    return lo - pad, hi + pad


def _points(
    ax: Axes,
    *,
    x: FloatArray,
    y: FloatArray,
    names: Sequence[str],
    xerr: FloatArray | None = None,
    yerr: FloatArray | None = None,
) -> list[str]:
    """Labelled scatter of the finite points; returns the names left out."""
    ok = np.isfinite(x) & np.isfinite(y)
    if xerr is not None or yerr is not None:
        ax.errorbar(
            x[ok],
            y[ok],
            xerr=None if xerr is None else xerr[:, ok],
            yerr=None if yerr is None else yerr[:, ok],
            fmt="none",
            ecolor="grey",
            elinewidth=0.8,
            capsize=2,
        )
    ax.scatter(x[ok], y[ok], zorder=3)
    for nm, xi, yi, good in zip(names, x, y, ok, strict=True):
        if good:
            ax.annotate(
                nm,
                (float(xi), float(yi)),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize="small",
            )
    return [nm for nm, good in zip(names, ok, strict=True) if not good]


def ipa_map(result: IPAResult, *, ax: Axes | None = None) -> Axes:
    """Importance-performance map with its quadrants (Martilla & James 1977).

    Performance (the mean rating, on the attribute scale) runs along x and
    importance along y, as in Martilla & James's (1977) grid. The
    cross-hairs are the result's own cut points (``performance_centre``,
    ``importance_centre``: the data means or the scale midpoints, as
    fitted), and the four quadrants carry their names: *concentrate here*
    (top left), *keep up the good work* (top right), *low priority* (bottom
    left), *possible overkill* (bottom right). Each attribute is a labelled
    point with its stored intervals (the t interval of its mean rating;
    the bootstrap interval of a derived importance, when there is one).

    Parameters
    ----------
    result : IPAResult
        From :func:`satmodels.csi.ipa`.
    ax : matplotlib.axes.Axes, optional
        A Cartesian axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.collections`` holds the scatter (offsets: performance,
        importance per attribute); the cross-hairs are the last two lines.

    Raises
    ------
    InputError
        ``result`` not an IPAResult, or ``ax`` not a Cartesian axes.

    Notes
    -----
    An attribute with a NaN performance or importance is not drawn and the
    title names it.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from satmodels.csi import ipa
    >>> from satmodels.plot import ipa_map
    >>> x = np.array([[5, 2, 4], [4, 3, 5], [5, 2, 3], [3, 4, 4]], dtype=float)
    >>> r = ipa(x, columns=["a", "b", "c"], importance={"a": 0.2, "b": 0.5, "c": 0.3})
    >>> ax = ipa_map(r)
    >>> ax.collections[-1].get_offsets().tolist()[1]  # b: performance, importance
    [2.75, 0.5]
    >>> plt.close(ax.figure)
    """
    where = "satmodels.plot.ipa_map"
    given: object = result
    if not isinstance(given, IPAResult):
        msg = (
            f"The 'result' parameter of {where} must be an IPAResult. "
            f"Got {type(given).__name__} instead."
        )
        raise InputError(msg)
    ax = new_axes(ax, where=where)
    names = list(result.performance)
    est = result.estimates

    def rows(kind: str) -> tuple[FloatArray, FloatArray, FloatArray]:
        first: dict[str, int] = {}
        for i, (k, nm) in enumerate(zip(est.kind, est.name, strict=True)):
            if k == kind:
                first.setdefault(nm, i)
        idx = [first[nm] for nm in names]
        return est.estimate[idx], est.ci_low[idx], est.ci_high[idx]

    perf, p_lo, p_hi = rows("performance")
    imp, i_lo, i_hi = rows("importance")
    missing = _points(
        ax,
        x=perf,
        y=imp,
        names=names,
        xerr=error_bars(perf, p_lo, p_hi),
        yerr=error_bars(imp, i_lo, i_hi),
    )
    pc, ic = result.performance_centre, result.importance_centre
    ax.axvline(pc, color="grey", linestyle="--", linewidth=1.0)
    ax.axhline(ic, color="grey", linestyle="--", linewidth=1.0)
    ax.set_xlim(*_limits(np.concatenate([perf, p_lo, p_hi]), pc))
    ax.set_ylim(*_limits(np.concatenate([imp, i_lo, i_hi]), ic))
    for name, (tx, ty, ha, va) in QUADRANT_CORNERS.items():
        ax.text(
            tx,
            ty,
            name,
            transform=ax.transAxes,
            ha=ha,
            va=va,
            fontsize="small",
            style="italic",
            color="dimgrey",
        )
    ax.set_xlabel("performance (mean rating)")
    ax.set_ylabel(f"importance: {result.importance_source}")
    level = f"{100 * result.confidence_level:g}% intervals"
    ax.set_title(with_note(f"Importance-performance analysis ({level})", missing))
    return ax


def ipma_map(
    result: IPMAResult,
    *,
    ax: Axes | None = None,
    level: Literal["latent", "indicator"] = "latent",
) -> Axes:
    """Importance-performance map of a PLS target (Ringle & Sarstedt 2016).

    Importance, the unstandardized total effect on the target's 0-100 index,
    runs along x, and performance, the 0-100 index, along y (Ringle &
    Sarstedt 2016, Fig. 4); each latent (or indicator) is a labelled point.
    Dashed lines mark the mean importance and the mean performance of the
    points drawn, the usual reading aid (not a test): a point to the right
    of the first and below the second is where improvement pays most.

    Parameters
    ----------
    result : IPMAResult
        From :meth:`satmodels.acsi.PLSResult.ipma`.
    ax : matplotlib.axes.Axes, optional
        A Cartesian axes to draw on; default a new figure.
    level : {"latent", "indicator"}
        Map the latents (default) or their indicators.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.collections`` holds the scatter (offsets: importance,
        performance).

    Raises
    ------
    InputError
        ``result`` not an IPMAResult, ``ax`` not a Cartesian axes, or an
        unknown ``level``.

    Notes
    -----
    A point with a NaN importance or performance is not drawn and the title
    names it; the mean lines use the drawn points only.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from satmodels import acsi
    >>> from satmodels.datasets import load_sample_survey
    >>> from satmodels.plot import ipma_map
    >>> r = acsi.fit(load_sample_survey(), scale=(1, 10)).ipma("LOY")
    >>> ax = ipma_map(r)
    >>> ax.collections[-1].get_offsets()[:, 0].tolist() == r.importance.tolist()
    True
    >>> plt.close(ax.figure)
    """
    where = "satmodels.plot.ipma_map"
    given: object = result
    if not isinstance(given, IPMAResult):
        msg = (
            f"The 'result' parameter of {where} must be an IPMAResult. "
            f"Got {type(given).__name__} instead."
        )
        raise InputError(msg)
    lev: str = level
    if lev == "latent":
        names, imp, perf = result.latents, result.importance, result.performance
    elif lev == "indicator":
        names = result.indicators
        imp, perf = result.indicator_importance, result.indicator_performance
    else:
        msg = (
            f"The 'level' parameter of {where} must be 'latent' or 'indicator'. "
            f"Got {lev!r} instead."
        )
        raise InputError(msg)
    ax = new_axes(ax, where=where)
    imp = np.asarray(imp, dtype=np.float64)
    perf = np.asarray(perf, dtype=np.float64)
    missing = _points(ax, x=imp, y=perf, names=names)
    ok = np.isfinite(imp) & np.isfinite(perf)
    if ok.any():
        mi, mp = float(imp[ok].mean()), float(perf[ok].mean())
        ax.axvline(mi, color="grey", linestyle="--", linewidth=1.0)
        ax.axhline(mp, color="grey", linestyle="--", linewidth=1.0)
        ax.set_xlim(*_limits(imp, mi))
        ax.set_ylim(*_limits(perf, mp))
    ax.set_xlabel(f"importance (total effect on {result.target})")
    ax.set_ylabel("performance (0-100)")
    what = "latents" if lev == "latent" else "indicators"
    title = f"Importance-performance map for {result.target} ({what})"
    ax.set_title(with_note(title, missing))
    return ax
