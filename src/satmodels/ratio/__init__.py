r"""Satisfaction as a ratio: c = b / a (perceived over expected value).

The founding documents define satisfaction ``c`` as the perceived value
``b`` divided by the expected value ``a``: ``c > 1`` delighted, ``c = 1``
met, ``c < 1`` dissatisfied, graded on five levels from "far below" to "far
above" expectation. :func:`satisfaction_ratio` computes ``c`` per respondent
and item, aggregates it two ways (mean of ratios, ratio of means with
Fieller's interval) and grades it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:  # the names below load on first use (PEP 562)
    from ._fit import satisfaction_ratio
    from ._grade import DEFAULT_THRESHOLDS, GRADE_LABELS, GRADES
    from ._result import RatioResult
    from ._thresholds import Thresholds, grade

#: Public name -> module that defines it. The result and the grades load
#: without the fitting function's modules (pydantic, the data layer), so
#: that the command line's fast path builds its result quickly.
_LAZY: dict[str, str] = {
    "DEFAULT_THRESHOLDS": "._grade",
    "GRADES": "._grade",
    "GRADE_LABELS": "._grade",
    "RatioResult": "._result",
    "Thresholds": "._thresholds",
    "grade": "._thresholds",
    "satisfaction_ratio": "._fit",
}


__all__ = [
    "DEFAULT_THRESHOLDS",
    "GRADES",
    "GRADE_LABELS",
    "RatioResult",
    "Thresholds",
    "grade",
    "satisfaction_ratio",
]

if not TYPE_CHECKING:  # mypy sees the imports above, and flags unknown names
    __getattr__, __dir__ = attach(__name__, _LAZY, __all__)
