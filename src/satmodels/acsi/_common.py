"""Pieces shared by the PLS and ML fits: the model argument, the scale, n limits."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np

from .._typing import FloatArray
from ..data import Table
from ..exceptions import InputError, SatmodelsWarning, SpecificationError
from ..scales import Scale, observed_scale
from ..stats.moments import Moments
from .presets import preset
from .spec import ModelSpec

__all__ = [
    "MIN_ROWS_BOOTSTRAP",
    "MIN_ROWS_FIT",
    "as_spec",
    "check_scale",
    "index_scale",
    "rows_of",
    "scale_note",
]

#: Fewest respondents for any fit: with two rows every correlation is +-1.
MIN_ROWS_FIT = 3

#: Fewest respondents for a bootstrap. Replicates of a smaller sample repeat
#: the same few rows, their spread is not a standard error (with two rows
#: the replicate estimates coincide up to rounding and t reached 1e15).
MIN_ROWS_BOOTSTRAP = 10


def rows_of(table: Table, indicators: tuple[str, ...]) -> FloatArray:
    """Return the indicators' rows; no copy when the table holds just them."""
    return table.matrix() if table.columns == indicators else table.matrix(indicators)


def as_spec(model: object, where: str, *, higher_order: bool = False) -> ModelSpec:
    """Read the ``model`` argument.

    A model with higher-order latents is refused unless ``higher_order``
    (only :func:`satmodels.acsi.higher_order` fits them).

    A :class:`ModelSpec`; a preset name (``"acsi"``, ``"ecsi"``, ``"scsb"``,
    ``"ccsi"``, with their default indicator names); lavaan-style text (any
    string containing ``~``); or a mapping (:meth:`ModelSpec.from_dict`).
    """
    if isinstance(model, ModelSpec):
        spec = model
    elif isinstance(model, str):
        spec = ModelSpec.from_syntax(model) if "~" in model else preset(model)
    elif isinstance(model, Mapping):
        spec = ModelSpec.from_dict(model)
    else:
        spec = None
    if spec is not None:
        if spec.higher_order and not higher_order:
            msg = (
                f"{where} fits first-order models; the model has the "
                f"higher-order latent(s) {list(spec.higher_order)} (blocks whose "
                "indicators are latents). Fit it with acsi.higher_order(...)."
            )
            raise SpecificationError(msg)
        return spec
    msg = (
        f"The 'model' parameter of {where} must be a ModelSpec, a preset name, "
        f"model text or a dict. Got {type(model).__name__} instead."
    )
    raise InputError(msg)


def index_scale(
    table: Table, indicators: tuple[str, ...], scale: Scale | None, where: str
) -> Scale | None:
    """Return the scale of the 0-100 indices: declared, else observed min-max.

    Without a declared scale the observed minimum and maximum over all the
    indicators are used (docs/conventions.md). Moments and lazy frames carry
    no minimum and maximum: the indices are then NaN, with a warning.
    """
    if scale is not None:
        return scale
    if table.kind == "rows":
        try:
            rows = rows_of(table, indicators)
            ends = np.array(
                [np.fmin.reduce(rows, axis=None), np.fmax.reduce(rows, axis=None)]
            )
            return observed_scale(ends, where)
        except InputError:
            # no finite answer, or all equal: the fit itself refuses such
            # data (no usable row, zero variance) with a sharper message
            return None
    source = "Moments" if table.kind == "moments" else "a lazy frame"
    warnings.warn(
        f"{where} was given no 'scale' and 'data' is {source}, whose observed "
        "minimum and maximum are unknown: the 0-100 indices are NaN. Pass "
        "scale=(min, max) (e.g. scale=(1, 10)) for indices.",
        SatmodelsWarning,
        stacklevel=3,
    )
    return None


def scale_note(scale: Scale | None) -> str:
    """Summary note saying where the indices' scale came from."""
    if scale is None:
        return "No answer scale: the 0-100 indices are NaN (pass scale=(min, max))."
    if scale.name == "observed min-max":
        return (
            f"0-100 indices on the observed range {scale.minimum:g}-"
            f"{scale.maximum:g} of the indicators (no scale given); pass "
            "scale=(min, max) for the declared answer scale."
        )
    return f"0-100 indices on the declared scale {scale.describe()}."


def check_scale(table: Table, moments: Moments, scale: Scale, where: str) -> None:
    """Check the answers (rows) or their means (Moments, lazy) against ``scale``.

    For an interval scale a NaN-ignoring global minimum and maximum settle
    the common case in two vectorized passes; the per-cell check, which
    names the first offending column and row, runs only when needed (and
    always for Likert and level scales, which also need whole points).
    """
    indicators = moments.columns
    if table.kind == "rows":
        bounds = table.value_bounds
        if scale.kind == "interval" and bounds is not None:
            lo, hi = bounds  # of every value read: bounds of the indicators'
            if np.isnan(lo) or (scale.minimum <= lo and hi <= scale.maximum):
                return
        rows = rows_of(table, indicators)
        if scale.kind == "interval" and rows.size:
            lo = np.fmin.reduce(rows, axis=None)
            hi = np.fmax.reduce(rows, axis=None)
            if np.isnan(lo) or (scale.minimum <= lo and hi <= scale.maximum):
                return
        scale.check(rows, columns=indicators, name="data", where=where)
        return
    if table.kind == "lazy":  # every answer, on the engine (one query)
        from ..data._checks import lazy_on_scale  # noqa: PLC0415

        lazy_on_scale(table, indicators, scale, where)
        return
    mean = moments.mean
    out_of = (mean < scale.minimum) | (mean > scale.maximum)
    if np.any(out_of):
        k = int(np.flatnonzero(out_of)[0])
        msg = (
            f"The mean of indicator {indicators[k]!r} ({mean[k]:g}) in the 'data' "
            f"parameter of {where} lies outside the 'scale' {scale.describe()}."
        )
        raise InputError(msg)
