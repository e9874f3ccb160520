"""Charts of satmodels results, drawn with matplotlib (the ``plot`` extra).

Every chart is a function of a result that returns the
:class:`matplotlib.axes.Axes` it drew on; results with a natural picture
call it from their ``plot(ax=None, ...)`` method::

    result = satmodels.csi.ipa(survey, ...)
    ax = result.plot()  # same as satmodels.plot.ipa_map(result)
    ax.figure.savefig("ipa.svg")

matplotlib is imported only when something is drawn. Without it, drawing
raises an :class:`ImportError` that names the extra to install:
``pip install "satmodels[plot]"``.

Charts
------
- :func:`radar`: CSI node or dimension scores, several segments overlaid.
- :func:`bars`: items, dimensions or NPS categories with their intervals.
- :func:`trend`: an index over waves with its interval band.
- :func:`grade_chart`: the c = b/a ratio per item against its grade bands.
- :func:`ipa_map`, :func:`ipma_map`: importance-performance maps.
- :func:`kano_map`: Better/Worse quadrant plot; :func:`kano_continuous`:
  the DuMouchel functional/dysfunctional plot.
- :func:`gap_bars`: SERVQUAL gaps; :func:`zone_of_tolerance`: adequate and
  desired levels with the perceived point per item.
- :func:`path_diagram`: the ACSI/ECSI path diagram.
- :func:`sqi_pareto`, :func:`sqi_series`: the service quality indicator;
  :func:`control_chart`: its u or EWMA chart; :func:`wave_chart`: any index
  tracked over waves with control limits.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._core import require_matplotlib, stars

if TYPE_CHECKING:  # the charts' signatures for type checkers (loaded lazily)
    from ._csi import bars, radar, trend
    from ._kano import kano_continuous, kano_map
    from ._maps import ipa_map, ipma_map
    from ._path import path_diagram
    from ._ratio import grade_chart
    from ._servqual import gap_bars, zone_of_tolerance
    from ._sqi import control_chart, sqi_pareto, sqi_series, wave_chart

# public chart -> private module that defines it (loaded on first use)
_CHARTS: dict[str, str] = {
    "radar": "_csi",
    "bars": "_csi",
    "trend": "_csi",
    "grade_chart": "_ratio",
    "ipa_map": "_maps",
    "ipma_map": "_maps",
    "kano_map": "_kano",
    "kano_continuous": "_kano",
    "gap_bars": "_servqual",
    "zone_of_tolerance": "_servqual",
    "path_diagram": "_path",
    "sqi_pareto": "_sqi",
    "sqi_series": "_sqi",
    "control_chart": "_sqi",
    "wave_chart": "_sqi",
}

__all__ = [  # noqa: RUF022 - helpers first, then the charts
    "require_matplotlib",
    "stars",
    "bars",
    "gap_bars",
    "grade_chart",
    "ipa_map",
    "ipma_map",
    "kano_continuous",
    "kano_map",
    "path_diagram",
    "radar",
    "trend",
    "zone_of_tolerance",
    "control_chart",
    "sqi_pareto",
    "sqi_series",
    "wave_chart",
]


def __getattr__(name: str) -> Any:  # noqa: ANN401 - a chart function
    module = _CHARTS.get(name)
    if module is None:
        msg = f"module 'satmodels.plot' has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(f".{module}", __name__), name)
