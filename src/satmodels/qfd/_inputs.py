"""Validated inputs of the house of quality: scales, exponents, per-requirement figures.

The relationship and roof scales are :class:`~satmodels.Scale` levels;
:class:`HouseOptions` is the pydantic model of the Kano exponents; the
helpers read the per-requirement inputs (a sequence in requirement order, a
mapping by label, or a result of another satmodels model) into float
vectors, naming the parameter and the label in every refusal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Annotated

import numpy as np
from pydantic import Field, field_validator

from .._typing import FloatArray
from .._validation import FrozenModel
from ..exceptions import InputError
from ..scales import Scale

__all__ = [
    "DEFAULT_KANO_EXPONENTS",
    "RELATIONSHIP_SCALE",
    "ROOF_SCALE",
    "HouseOptions",
    "labels",
    "vector",
]

#: Exponent of the improvement ratio per Kano category (Tan & Shen 2000):
#: attractive requirements' ratios are amplified, must-be ones damped.
DEFAULT_KANO_EXPONENTS: dict[str, float] = {"A": 2.0, "O": 1.0, "M": 0.5}

_KANO = ("A", "O", "M", "I", "R", "Q")

#: The customary relationship strengths: none, weak, medium, strong.
RELATIONSHIP_SCALE = Scale.levels(
    (0, 1, 3, 9), labels=("none", "weak", "medium", "strong"), name="0-1-3-9"
)
#: Roof correlations: strong negative ... strong positive.
ROOF_SCALE = Scale.levels(
    (-2, -1, 0, 1, 2),
    labels=("strong negative", "negative", "none", "positive", "strong positive"),
    name="roof -2..2",
)


class HouseOptions(FrozenModel):
    """Validated options of :func:`~satmodels.qfd.house` (the Kano exponents)."""

    kano_exponents: dict[str, Annotated[float, Field(ge=0.0, allow_inf_nan=False)]]

    @field_validator("kano_exponents")
    @classmethod
    def _categories(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(_KANO))
        if unknown:
            msg = f"categories must be among {list(_KANO)}, got {unknown}"
            raise ValueError(msg)
        return value


def labels(
    value: Sequence[str] | None, size: int, param: str, where: str, prefix: str
) -> tuple[str, ...]:
    """Return ``size`` unique non-empty labels (default ``prefix1``, ...)."""
    if value is None:
        return tuple(f"{prefix}{i + 1}" for i in range(size))
    if isinstance(value, str) or not isinstance(value, Sequence):
        msg = (
            f"The '{param}' parameter of {where} must be a sequence of names. "
            f"Got {value!r} instead."
        )
        raise InputError(msg)
    names = list(value)
    bad = [v for v in names if not isinstance(v, str) or not v]
    if bad:
        msg = (
            f"The '{param}' parameter of {where} must hold non-empty strings. "
            f"Got {bad[0]!r}."
        )
        raise InputError(msg)
    if len(names) != size:
        msg = (
            f"The '{param}' parameter of {where} names {len(names)} label(s) but "
            f"the relationship matrix has {size}."
        )
        raise InputError(msg)
    dup = sorted({v for v in names if names.count(v) > 1})
    if dup:
        msg = f"The '{param}' parameter of {where} repeats label(s) {dup}."
        raise InputError(msg)
    return tuple(names)


def _number(value: object, param: str, label: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        msg = (
            f"The '{param}' parameter of {where} must give a number for "
            f"{label!r}. Got {value!r} instead."
        )
        raise InputError(msg)
    out = float(value)
    if not math.isfinite(out):
        msg = (
            f"The '{param}' parameter of {where} must be finite for {label!r}. "
            f"Got {out!r} instead."
        )
        raise InputError(msg)
    return out


def vector(
    value: object,
    names: Sequence[str],
    param: str,
    where: str,
    *,
    minimum: float | None = None,
    strict: bool = False,
) -> FloatArray:
    """One finite number per label: a sequence in label order or a mapping.

    ``minimum`` refuses smaller values (``strict``: equal ones too).
    """
    if isinstance(value, Mapping):
        keys = [str(k) for k in value]
        unknown = [k for k in keys if k not in names]
        missing = [n for n in names if n not in keys]
        if unknown or missing:
            msg = (
                f"The '{param}' parameter of {where} must give one value per "
                f"label {list(names)}."
                + (f" Unknown: {unknown}." if unknown else "")
                + (f" Missing: {missing}." if missing else "")
            )
            raise InputError(msg)
        by_name = {str(k): v for k, v in value.items()}
        raw = [by_name[n] for n in names]
    else:
        try:
            arr = np.asarray(value, dtype=object)
        except (TypeError, ValueError) as exc:  # pragma: no cover - ragged input
            msg = f"The '{param}' parameter of {where} could not be read: {exc}"
            raise InputError(msg) from exc
        if arr.ndim != 1 or arr.shape[0] != len(names):
            msg = (
                f"The '{param}' parameter of {where} must give one value per "
                f"label ({len(names)}), in order, or a mapping by label. Got "
                f"{value!r}."
            )
            raise InputError(msg)
        raw = list(arr)
    out = np.array(
        [_number(v, param, n, where) for v, n in zip(raw, names, strict=True)]
    )
    if minimum is not None:
        bad = out < minimum if not strict else out <= minimum
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            rule = "greater than" if strict else "at least"
            msg = (
                f"The '{param}' parameter of {where} must be {rule} {minimum} for "
                f"every label. Got {float(out[i])!r} for {names[i]!r}."
            )
            raise InputError(msg)
    return out
