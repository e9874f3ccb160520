"""ACSI-type structural equation models: specification, PLS-PM and ML fits.

Specifications (:class:`ModelSpec`, presets :func:`acsi`, :func:`ecsi`,
:func:`scsb`, :func:`ccsi`) are validated data; :func:`fit` estimates them
by PLS path modelling or maximum likelihood from :class:`~satmodels.Moments`.
"""

from __future__ import annotations

from .spec import Block, ModelSpec, Path, acsi, ccsi, ecsi, scsb

__all__ = ["Block", "ModelSpec", "Path", "acsi", "ccsi", "ecsi", "scsb"]
