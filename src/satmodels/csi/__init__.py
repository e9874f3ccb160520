"""CSI / CSM indicators: CSM, weighted indices with AHP, NPS/CSAT/CES, drivers.

MISSION.md section 2. Every statistic is computed from sufficient statistics
(:class:`~satmodels.Moments` or category sums), so it also runs where only
those can be computed (lazy engines, merged partitions).
"""

from __future__ import annotations

from ._ahp import RANDOM_INDEX, AHPResult, InconsistencyWarning, ahp
from ._scores import (
    CESResult,
    CSATResult,
    NPSDifferenceResult,
    NPSResult,
    ces,
    csat,
    nps,
    nps_difference,
)

__all__ = [
    "RANDOM_INDEX",
    "AHPResult",
    "CESResult",
    "CSATResult",
    "InconsistencyWarning",
    "NPSDifferenceResult",
    "NPSResult",
    "ahp",
    "ces",
    "csat",
    "nps",
    "nps_difference",
]
