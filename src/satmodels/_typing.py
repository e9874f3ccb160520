"""Type aliases shared by the package."""

from __future__ import annotations

from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
NanPolicy: TypeAlias = Literal["propagate", "omit", "raise"]
Backend: TypeAlias = Literal["pandas", "polars"]

__all__ = ["Backend", "BoolArray", "FloatArray", "IntArray", "NanPolicy"]
