"""Helpers shared by the CSI modules: scale and missing-value checks.

``column_data``, ``segment_labels`` and ``case_weights`` are the old private
ingestion (superseded by :func:`satmodels.data.read`); they stay only while
modules of :mod:`satmodels.csi` still import them. ``normal_quantile`` and
``wilson_interval`` delegate to :mod:`satmodels.stats.intervals`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._typing import FloatArray
from ..data import _frames
from ..exceptions import InputError
from ..scales import Scale
from ..stats import intervals as _intervals
from ..stats._moments_kernels import _weights_vector

__all__ = [
    "case_weights",
    "check_no_nan",
    "check_on_scale",
    "column_data",
    "means_on_scale",
    "normal_quantile",
    "segment_labels",
    "wilson_interval",
]


def normal_quantile(confidence_level: float) -> float:
    """Two-sided standard-normal critical value (the shared implementation).

    Kept for the modules that still import it from here; new code imports
    :func:`satmodels.stats.intervals.normal_quantile`.
    """
    return _intervals.normal_quantile(confidence_level)


def column_data(
    data: object,
    *,
    columns: str | Sequence[str] | None,
    weights: object,
    name: str,
    where: str,
    single: bool = False,
) -> tuple[FloatArray, tuple[str, ...], FloatArray | None, str | None]:
    """Read ``data`` into a float matrix plus validated case weights.

    Returns the values (n, p), the column names, the weights (or None) and
    the preferred ``to_frame`` backend. With ``single=True`` the data must
    have exactly one column (after selection).
    """
    if isinstance(columns, str):
        columns = [columns]
    weight_col = weights if isinstance(weights, str) else None
    tab = _frames.as_table(data, columns=columns, name=name, where=where)
    if weight_col is not None and weight_col in tab.columns:
        msg = (
            f"The weights column {weight_col!r} of {where} is also one of the "
            f"'{name}' columns."
        )
        raise InputError(msg)
    if single and tab.values.shape[1] != 1:
        msg = (
            f"The '{name}' parameter of {where} must hold one column (pass "
            f"'columns' to pick it). Got {tab.values.shape[1]} columns: "
            f"{list(tab.columns)}."
        )
        raise InputError(msg)
    w = case_weights(data, weights, tab.values.shape[0], where)
    return tab.values, tab.columns, w, tab.backend


def segment_labels(
    data: object, segments: object, n_rows: int, where: str
) -> np.ndarray[Any, Any] | None:
    """Segment label per row (a column name of ``data`` or an array), as str."""
    if segments is None:
        return None
    if isinstance(segments, str):
        raw = _frames.values_of(data, segments, name="data", where=where)
    else:
        raw = np.asarray(segments, dtype=object)  # keep NaN/None as missing
    if raw.ndim != 1 or raw.shape[0] != n_rows:
        msg = (
            f"The 'segments' parameter of {where} must have one label per row "
            f"({n_rows}). Got shape {raw.shape} instead."
        )
        raise InputError(msg)
    labels = np.array([str(v) for v in raw.tolist()], dtype=object)
    missing = np.array(
        [v is None or (isinstance(v, float) and math.isnan(v)) for v in raw.tolist()]
    )
    if missing.any():
        row = int(np.flatnonzero(missing)[0])
        msg = (
            f"The 'segments' parameter of {where} has {int(missing.sum())} "
            f"missing label(s); first in row {row}."
        )
        raise InputError(msg)
    return labels


def wilson_interval(p: float, n: float, confidence_level: float) -> tuple[float, float]:
    """Wilson (1927) interval of one proportion ``p`` of (effective) size ``n``.

    A scalar front for the modules that still import it from here; the
    formula lives once, in :func:`satmodels.stats.intervals.wilson_interval`.
    """
    low, high = _intervals.wilson_interval(
        np.array([p * n]), np.array([float(n)]), confidence_level
    )
    return float(low[0]), float(high[0])


def case_weights(
    data: object, weights: object, n_rows: int, where: str
) -> FloatArray | None:
    """Validate case weights: one finite non-negative value per row.

    ``weights`` is an array or the name of a column of ``data``; the rules
    are those of :meth:`satmodels.Moments.from_data` (shared kernel).
    """
    return _weights_vector(data, weights, n_rows, where)


def check_on_scale(
    x: FloatArray, columns: Sequence[str], scale: Scale, where: str
) -> None:
    """Raise :class:`InputError` naming the first off-scale answer (1-based row)."""
    bad = scale.invalid_mask(x)
    if bad.any():
        row, col = (int(v) for v in np.argwhere(bad)[0])
        msg = (
            f"The 'data' parameter of {where} has {int(bad.sum())} answer(s) "
            f"outside the {scale.describe()} scale; first in column "
            f"'{columns[col]}', row {row + 1}: {float(x[row, col])!r}."
        )
        raise InputError(msg)


def check_no_nan(x: FloatArray, columns: Sequence[str], where: str) -> None:
    """``nan_policy="raise"``: refuse a missing answer, naming column and row."""
    miss = np.isnan(x)
    if miss.any():
        row, col = (int(v) for v in np.argwhere(miss)[0])
        msg = (
            f"The 'data' parameter of {where} has {int(miss.sum())} missing "
            f"value(s) and nan_policy='raise': first in column '{columns[col]}', "
            f"row {row + 1}."
        )
        raise InputError(msg)


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
