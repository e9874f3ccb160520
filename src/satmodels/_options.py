"""Plain checks of the options every public function shares.

``confidence_level``, ``nan_policy``, ``rng`` and counts such as
``n_resamples``: numpy only, no pydantic, so that the modules a result
needs (and the command line's fast path) stay quick to import.
:mod:`satmodels._validation` re-exports them beside the pydantic types.
"""

from __future__ import annotations

import numpy as np

from .exceptions import InputError

__all__ = [
    "check_confidence_level",
    "check_count",
    "check_nan_policy",
    "check_rng",
]


def check_confidence_level(value: float, where: str) -> float:
    """Check that ``confidence_level`` lies in (0, 1)."""
    if not isinstance(value, (int, float)) or not 0.0 < float(value) < 1.0:
        msg = (
            f"The 'confidence_level' parameter of {where} must lie strictly "
            f"between 0 and 1. Got {value!r} instead."
        )
        raise InputError(msg)
    return float(value)


def check_nan_policy(
    value: str, where: str, allowed: tuple[str, ...] = ("propagate", "omit", "raise")
) -> str:
    """Check a ``nan_policy`` option against the allowed spellings."""
    if value not in allowed:
        msg = (
            f"The 'nan_policy' parameter of {where} must be one of {allowed}. "
            f"Got {value!r} instead."
        )
        raise InputError(msg)
    return value


def check_rng(rng: object, where: str) -> np.random.Generator:
    """Read an ``rng`` argument: None, an int seed, a SeedSequence or a Generator.

    Raises
    ------
    InputError
        Anything else (a float, a negative seed, a legacy ``RandomState``).
    """
    if isinstance(rng, np.random.Generator):
        return rng
    ok = (
        rng is None
        or isinstance(rng, np.random.SeedSequence)
        or (isinstance(rng, int | np.integer) and not isinstance(rng, bool))
    )
    if ok:
        try:
            return np.random.default_rng(rng)  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            msg = (
                f"The 'rng' parameter of {where} must be None, a non-negative "
                f"int, a numpy SeedSequence or a Generator. Got {rng!r} ({exc})."
            )
            raise InputError(msg) from exc
    msg = (
        f"The 'rng' parameter of {where} must be None, a non-negative int, a "
        f"numpy SeedSequence or a Generator. Got {type(rng).__name__} {rng!r}."
    )
    raise InputError(msg)


def check_count(value: object, where: str, name: str, minimum: int = 0) -> int:
    """Read an integer option such as ``n_resamples`` (at least ``minimum``)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or int(value) < minimum
    ):
        msg = (
            f"The '{name}' parameter of {where} must be an integer >= {minimum}. "
            f"Got {value!r} instead."
        )
        raise InputError(msg)
    return int(value)
