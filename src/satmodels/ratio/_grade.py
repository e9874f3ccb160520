"""The five-level grade of a satisfaction ratio c = b / a.

The founding documents grade c on five levels from "far below" to "far
above" expectation (c = 1: expectations met). The cut points are ours and
can be set by the caller (:class:`Thresholds`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from pydantic import model_validator

from .._typing import FloatArray
from .._validation import FrozenModel, validated
from ..exceptions import InputError

__all__ = [
    "DEFAULT_THRESHOLDS",
    "GRADES",
    "GRADE_LABELS",
    "Thresholds",
    "grade",
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


class Thresholds(FrozenModel):
    """Cut points ``t1 < t2 <= 1 <= t3 < t4`` of the five-level grade.

    ``c < t1`` far below; ``t1 <= c < t2`` below; ``t2 <= c <= t3`` meets;
    ``t3 < c <= t4`` above; ``c > t4`` far above. The band around 1 must
    contain 1 (``c = 1`` means expectations met).
    """

    cuts: tuple[float, float, float, float] = DEFAULT_THRESHOLDS

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        t1, t2, t3, t4 = self.cuts
        if not all(np.isfinite(self.cuts)) or t1 <= 0:
            msg = f"cut points must be finite and positive, got {self.cuts}"
            raise ValueError(msg)
        if not (t1 < t2 <= 1.0 <= t3 < t4):
            msg = f"cut points must satisfy t1 < t2 <= 1 <= t3 < t4, got {self.cuts}"
            raise ValueError(msg)
        return self


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


def grade(
    c: object, thresholds: Sequence[float] = DEFAULT_THRESHOLDS
) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Grade ratios into the five levels: 0 (far below) ... 4 (far above).

    Parameters
    ----------
    c : array_like
        Satisfaction ratios b / a (finite).
    thresholds : sequence of 4 floats
        Cut points, see :class:`Thresholds`.

    Returns
    -------
    ndarray of int
        Level index per ratio; names are ``GRADES[k]`` / ``GRADE_LABELS[k]``.

    Raises
    ------
    InputError
        Cut points out of order, or a ratio that is not finite.

    Examples
    --------
    >>> from satmodels.ratio import grade, GRADE_LABELS
    >>> [GRADE_LABELS[k] for k in grade([0.5, 0.9, 1.0, 1.1, 1.5])]
    ['very dissatisfied', 'dissatisfied', 'neutral', 'satisfied', 'very satisfied']
    """
    cuts = validated(Thresholds, "grade", cuts=tuple(thresholds)).cuts
    arr = np.asarray(c, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        msg = "The 'c' parameter of grade must be finite."
        raise InputError(msg)
    return grade_codes(arr, cuts)
