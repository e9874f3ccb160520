"""Tracking any satmodels index over survey waves.

:func:`waves` takes one result per wave (CSI, CSM, NPS, CSAT, CES, ACSI,
SERVQUAL, SQI) and returns the changes between consecutive waves (Holm-
adjusted tests), a linear trend and control limits. See docs/tracking.md.
"""

from __future__ import annotations

from ._waves import WavesResult, waves

__all__ = ["WavesResult", "waves"]
