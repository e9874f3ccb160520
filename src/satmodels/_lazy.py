"""Sufficient statistics computed on lazy engines (placeholder)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .exceptions import InputError

if TYPE_CHECKING:
    import numpy as np

    from .moments import Moments


def lazy_moments(data: object, **kwargs: object) -> Moments:
    """Compute Moments on a lazy engine."""
    msg = "lazy frames are not supported yet"
    raise InputError(msg)


def lazy_poisson_bootstrap(
    data: object, *, rng: np.random.Generator, **kwargs: object
) -> Moments:
    """Poisson bootstrap on a lazy engine."""
    msg = "lazy frames are not supported yet"
    raise InputError(msg)
