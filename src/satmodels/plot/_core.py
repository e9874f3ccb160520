"""What every chart shares: the lazy matplotlib import, new axes, intervals.

matplotlib is an optional dependency (the ``plot`` extra). It is imported
inside the functions that draw, never at module import, so ``import
satmodels`` and ``import satmodels.plot`` stay fast and work without it.

Conventions (docs/conventions.md, "Plots"): every chart is a function of a
result, ``satmodels.plot.<chart>(result, *, ax=None, ...)``, and every result
with a natural picture has ``result.plot(ax=None, ...)`` calling it. The
function draws on ``ax`` when given, otherwise on a new figure, and returns
the :class:`matplotlib.axes.Axes` it drew on (``ax.figure`` is the figure).
The numbers drawn are the result's own, unrounded, so tests read them back
from the artists.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ..exceptions import InputError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "error_bars",
    "new_axes",
    "require_matplotlib",
    "stars",
]

FloatArray = npt.NDArray[np.float64]


def require_matplotlib(where: str) -> ModuleType:
    """Import matplotlib or raise an :class:`ImportError` naming the extra.

    Parameters
    ----------
    where : str
        The public function or method that needs it, for the message.
    """
    try:
        import matplotlib  # noqa: PLC0415 - optional dependency
    except ImportError as exc:  # pragma: no cover - matplotlib is in the CI
        msg = (
            f"{where} draws with matplotlib, which is not installed. "
            'Install the plot extra: pip install "satmodels[plot]".'
        )
        raise ImportError(msg) from exc
    return matplotlib


def new_axes(
    ax: Axes | None,
    *,
    where: str,
    polar: bool = False,
    figsize: tuple[float, float] = (6.4, 4.8),
) -> Axes:
    """Return ``ax``, or the axes of a new figure when ``ax`` is None.

    A new figure comes from :func:`matplotlib.pyplot.figure`, so notebooks
    show it as usual. A given ``ax`` must be polar exactly when the chart is
    (radar charts): anything else is an :class:`InputError` naming ``ax``.
    """
    require_matplotlib(where)
    if ax is None:
        import matplotlib.pyplot as plt  # noqa: PLC0415 - optional dependency

        fig = plt.figure(figsize=figsize)
        return fig.add_subplot(projection="polar" if polar else None)
    from matplotlib.axes import Axes as _Axes  # noqa: PLC0415
    from matplotlib.projections.polar import PolarAxes  # noqa: PLC0415

    given: object = ax
    if not isinstance(given, _Axes):
        msg = (
            f"The 'ax' parameter of {where} must be a matplotlib Axes. "
            f"Got {type(given).__name__} instead."
        )
        raise InputError(msg)
    if polar != isinstance(ax, PolarAxes):
        kind = "a polar" if polar else "a Cartesian (not polar)"
        msg = f"The 'ax' parameter of {where} must be {kind} Axes."
        raise InputError(msg)
    return ax


def error_bars(
    estimate: Sequence[float] | FloatArray,
    low: Sequence[float] | FloatArray,
    high: Sequence[float] | FloatArray,
) -> FloatArray:
    """Return the (2, k) distances below and above each estimate.

    Suitable for ``yerr=``/``xerr=`` of :meth:`~matplotlib.axes.Axes.errorbar`
    and :meth:`~matplotlib.axes.Axes.bar`. A missing (NaN) bound draws no bar
    (distance 0) rather than a wrong one; the caller says so in the legend or
    title when it matters.
    """
    est = np.asarray(estimate, dtype=np.float64)
    below = est - np.asarray(low, dtype=np.float64)
    above = np.asarray(high, dtype=np.float64) - est
    out = np.vstack([below, above])
    return np.where(np.isfinite(out), out, 0.0)


def stars(pvalue: float) -> str:
    """Significance stars: ``***`` p < 0.001, ``**`` < 0.01, ``*`` < 0.05.

    A NaN p-value (a statistic that could not be tested) gets no star.
    """
    if not math.isfinite(pvalue):
        return ""
    if pvalue < 0.001:
        return "***"
    if pvalue < 0.01:
        return "**"
    if pvalue < 0.05:
        return "*"
    return ""
