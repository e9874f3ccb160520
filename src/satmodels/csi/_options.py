"""Validated options of the public CSI functions (pydantic, frozen).

Each public function builds one of these models once at its boundary with
:func:`satmodels._validation.validated`, which turns pydantic errors into
:class:`~satmodels.InputError` messages that name the option and the value
(STYLE.md section 1, "Validated inputs").
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .._validation import ConfidenceLevel, FrozenModel

__all__ = [
    "AHPOptions",
    "AlphaOptions",
    "CESOptions",
    "CSATOptions",
    "CSIOptions",
    "CSMOptions",
    "DriverOptions",
    "IPAOptions",
    "NPSOptions",
    "PRCAOptions",
]

OmitOrRaise = Literal["omit", "raise"]
OnInconsistent = Literal["warn", "raise", "ignore"]
DriverMethod = Literal["shapley", "relative_weights", "correlation", "regression"]


class _Common(FrozenModel):
    confidence_level: ConfidenceLevel = 0.95
    nan_policy: OmitOrRaise = "omit"


class NPSOptions(_Common):
    """Options of :func:`~satmodels.csi.nps`."""

    method: Literal["wald", "adjusted_wald"] = "wald"


class CSATOptions(_Common):
    """Options of :func:`~satmodels.csi.csat`."""

    top_box: int = Field(default=2, ge=1)


class CESOptions(_Common):
    """Options of :func:`~satmodels.csi.ces`."""

    agree_from: float | None = None


class CSMOptions(_Common):
    """Options of :func:`~satmodels.csi.csm`."""


class CSIOptions(_Common):
    """Options of :func:`~satmodels.csi.csi_index`."""

    on_inconsistent: OnInconsistent = "warn"


class AHPOptions(FrozenModel):
    """Options of :func:`~satmodels.csi.ahp`."""

    max_ratio: float = Field(default=0.10, gt=0.0, lt=1.0)
    on_inconsistent: OnInconsistent = "warn"
    tolerance: float = Field(default=0.01, gt=0.0, lt=1.0)


class DriverOptions(_Common):
    """Options of :func:`~satmodels.csi.key_drivers`."""

    method: DriverMethod = "shapley"
    n_bootstrap: int = Field(default=0, ge=0)


class IPAOptions(FrozenModel):
    """Options of :func:`~satmodels.csi.ipa`."""

    method: DriverMethod = "shapley"
    centre: Literal["data", "scale"] = "data"
    nan_policy: OmitOrRaise = "omit"


class PRCAOptions(_Common):
    """Options of :func:`~satmodels.csi.prca`."""


class AlphaOptions(_Common):
    """Options of :func:`~satmodels.csi.cronbach_alpha`."""
