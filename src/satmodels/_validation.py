"""Reusable validated types and the pydantic-to-InputError boundary.

Array types follow torax's ``pydantic_types.py``: a ``BeforeValidator``
turns the input into float64 with :func:`numpy.asarray`, and
``AfterValidator`` s check dimension and finiteness. Validation happens once,
at the public boundary, never inside kernels.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

import numpy as np
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Strict
from pydantic import ValidationError as _PydanticValidationError

from ._options import check_confidence_level, check_count, check_nan_policy, check_rng
from ._typing import FloatArray
from .exceptions import InputError

__all__ = [
    "ConfidenceLevel",
    "FiniteVector",
    "FrozenModel",
    "NanPolicy",
    "check_confidence_level",
    "check_count",
    "check_nan_policy",
    "check_rng",
    "validated",
]

NanPolicy = Literal["propagate", "omit", "raise"]

M = TypeVar("M", bound=BaseModel)


class FrozenModel(BaseModel):
    """Base of every validated input model (torax ``BaseModelFrozen``)."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        validate_default=True,
        arbitrary_types_allowed=True,
    )


def _as_float_array(value: Any) -> FloatArray:  # noqa: ANN401 - any array-like
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"expected numbers, got {value!r}"
        raise ValueError(msg) from exc


def _is_vector(arr: FloatArray) -> FloatArray:
    if arr.ndim != 1:
        msg = f"expected a 1-D array, got shape {arr.shape}"
        raise ValueError(msg)
    return arr


def _is_finite(arr: FloatArray) -> FloatArray:
    if not np.all(np.isfinite(arr)):
        bad = np.flatnonzero(~np.isfinite(arr.ravel()))[0]
        msg = (
            f"expected finite values, got {float(arr.ravel()[bad])!r} at position {bad}"
        )
        raise ValueError(msg)
    return arr


FiniteVector = Annotated[
    FloatArray,
    BeforeValidator(_as_float_array),
    AfterValidator(_is_vector),
    AfterValidator(_is_finite),
]


def _check_level(value: float) -> float:
    if not 0.0 < value < 1.0:
        msg = f"must lie strictly between 0 and 1, got {value!r}"
        raise ValueError(msg)
    return value


ConfidenceLevel = Annotated[float, Strict(), AfterValidator(_check_level)]


def validated(model: type[M], where: str, **values: Any) -> M:  # noqa: ANN401
    """Build ``model(**values)``; re-raise pydantic errors as :class:`InputError`.

    The message keeps pydantic's field path, e.g. ``"Invalid input to
    satisfaction_ratio: 'thresholds': ..."``.
    """
    try:
        return model(**values)
    except _PydanticValidationError as exc:
        parts = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            if loc:
                parts.append(f"'{loc}': {err['msg']} (got {err.get('input')!r})")
            else:  # a rule across fields: the message names the values
                parts.append(str(err["msg"]))
        msg = f"Invalid input to {where}: " + "; ".join(parts)
        raise InputError(msg) from exc
