"""The validated cut points of the five-level grade, and :func:`grade`.

Kept apart from :mod:`satmodels.ratio._grade` (the levels and the numpy
kernels), which a result needs without pydantic.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from pydantic import model_validator

from .._validation import FrozenModel, validated
from ..exceptions import InputError
from ._grade import DEFAULT_THRESHOLDS, grade_codes

__all__ = ["Thresholds", "grade"]


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
