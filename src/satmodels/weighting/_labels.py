"""Label text shared by the weighting functions and their result."""

from __future__ import annotations

import math

__all__ = ["canonical"]


def canonical(value: object) -> str:
    """Label text that matches a numeric code however it was stored.

    ``1``, ``1.0``, ``np.int64(1)`` and ``"1.0"`` all become ``"1"``, so a
    margin given as ``{1: 400}`` matches a region column of floats or ints.
    """
    text = str(value)
    try:
        number = float(text)
    except ValueError:
        return text
    if math.isfinite(number) and number.is_integer():
        return str(int(number))
    return text
