r"""Satisfaction as a ratio: c = b / a (perceived over expected value).

The founding documents define satisfaction ``c`` as the perceived value
``b`` divided by the expected value ``a``: ``c > 1`` delighted, ``c = 1``
met, ``c < 1`` dissatisfied, graded on five levels from "far below" to "far
above" expectation. :func:`satisfaction_ratio` computes ``c`` per respondent
and item, aggregates it two ways (mean of ratios, ratio of means with
Fieller's interval) and grades it.
"""

from __future__ import annotations

from ._fit import satisfaction_ratio
from ._grade import DEFAULT_THRESHOLDS, GRADE_LABELS, GRADES, Thresholds, grade
from ._result import RatioResult

__all__ = [
    "DEFAULT_THRESHOLDS",
    "GRADES",
    "GRADE_LABELS",
    "RatioResult",
    "Thresholds",
    "grade",
    "satisfaction_ratio",
]
