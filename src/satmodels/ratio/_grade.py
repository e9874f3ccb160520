"""The five-level grade of a satisfaction ratio c = b / a.

The founding documents grade c on five levels from "far below" to "far
above" expectation (c = 1: expectations met). The cut points are ours and
can be set by the caller (:class:`~satmodels.ratio.Thresholds`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._typing import FloatArray

__all__ = [
    "DEFAULT_THRESHOLDS",
    "GRADES",
    "GRADE_LABELS",
    "UNDETERMINED",
    "grade_codes",
    "grade_name",
]

#: The five comparison levels of the founding documents, lowest first.
GRADES: tuple[str, ...] = (
    "far below expectation",
    "below expectation",
    "meets expectation",
    "above expectation",
    "far above expectation",
)
#: The satisfaction wording of the same five levels.
GRADE_LABELS: tuple[str, ...] = (
    "very dissatisfied",
    "dissatisfied",
    "neutral",
    "satisfied",
    "very satisfied",
)
#: Default cut points of c: within 5% of 1 meets, beyond 20% is "far".
DEFAULT_THRESHOLDS: tuple[float, float, float, float] = (0.8, 0.95, 1.05, 1.2)
#: Grade of a ratio that could not be estimated (no respondent).
UNDETERMINED = "undetermined"


def grade_codes(
    c: FloatArray, cuts: Sequence[float]
) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Level index 0 ... 4 of finite ratios under validated ``cuts`` (kernel)."""
    t1, t2, t3, t4 = cuts
    # right=False: [t1, t2) below; meets is [t2, t3]; above (t3, t4]
    out = np.where(c < t1, 0, np.where(c < t2, 1, np.where(c <= t3, 2,
                   np.where(c <= t4, 3, 4))))  # fmt: skip
    return np.asarray(out, dtype=np.int64)


def grade_name(value: float, cuts: Sequence[float]) -> str:
    """Grade of one ratio; ``"undetermined"`` when it is not finite."""
    if not np.isfinite(value):
        return UNDETERMINED
    return GRADES[int(grade_codes(np.array([value]), cuts)[0])]
