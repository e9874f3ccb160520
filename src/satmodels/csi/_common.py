"""Helpers shared by the CSI modules: scale and missing-value checks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._typing import FloatArray
from ..data._checks import lazy_on_scale
from ..exceptions import InputError
from ..scales import Scale, check_answered

__all__ = ["check_no_nan", "check_on_scale", "lazy_on_scale", "means_on_scale"]


def check_on_scale(
    x: FloatArray, columns: Sequence[str], scale: Scale, where: str
) -> None:
    """Raise :class:`InputError` naming the first off-scale answer (1-based row)."""
    scale.check(x, columns=columns, name="data", where=where)


def check_no_nan(x: FloatArray, columns: Sequence[str], where: str) -> None:
    """``nan_policy="raise"``: refuse a missing answer, naming column and row."""
    check_answered(x, columns=columns, name="data", where=where)


def means_on_scale(
    columns: Sequence[str], means: FloatArray, scale: Scale, where: str
) -> None:
    """Statistics input: the item means must lie on the scale's range."""
    bad = [
        c
        for c, v in zip(columns, means, strict=True)
        if np.isfinite(v) and not scale.minimum <= v <= scale.maximum
    ]
    if bad:
        msg = (
            f"The item means of {bad} in the 'data' of {where} lie outside the "
            f"{scale.describe()} scale."
        )
        raise InputError(msg)
