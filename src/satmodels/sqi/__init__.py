"""Service quality indicator: FedEx's weighted "hierarchy of horrors".

Failure types weighted by how much customers hate them, counted per period
(:func:`index`), charted for special causes (:func:`u_chart`,
:func:`ewma`), with weights given or derived from a survey
(:func:`severity`). See docs/sqi.md and the tutorial docs/tutorials/sqi.md.
"""

from __future__ import annotations

from ._index import ewma, index, u_chart
from ._results import ControlChartResult, SeverityResult, SQIResult
from ._severity import severity

__all__ = [
    "ControlChartResult",
    "SQIResult",
    "SeverityResult",
    "ewma",
    "index",
    "severity",
    "u_chart",
]
