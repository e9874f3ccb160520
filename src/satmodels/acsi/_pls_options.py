"""Validated options of the PLS fit (see ``acsi.fit``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .._validation import ConfidenceLevel, FrozenModel

__all__ = ["PLSOptions"]


class PLSOptions(FrozenModel):
    """Options of ``acsi.fit(method="pls")``, checked once at the boundary."""

    scheme: Literal["centroid", "factorial", "path"] = "path"
    scaled: bool = True
    tol: Annotated[float, Field(gt=0, lt=1)] = 1e-7
    max_iter: Annotated[int, Field(ge=1, le=100_000)] = 300
    n_resamples: Annotated[int, Field(ge=0)] = 0
    confidence_level: ConfidenceLevel = 0.95
    missing: Literal["listwise", "pairwise", "em"] = "listwise"
    nan_policy: Literal["omit", "raise"] = "omit"
    scores: bool = True
