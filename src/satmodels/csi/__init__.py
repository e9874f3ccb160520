"""CSI / CSM indicators: CSM, weighted indices with AHP, NPS/CSAT/CES, drivers.

MISSION.md section 2. Every statistic is computed from sufficient statistics
(:class:`~satmodels.Moments` or category sums), so it also runs where only
those can be computed (merged partitions, lazy engines).
"""

from __future__ import annotations

from ._aggregate import AggregateResult, aggregate
from ._ahp import RANDOM_INDEX, AHPResult, InconsistencyWarning, ahp
from ._csat import CESResult, CSATResult, ces, csat
from ._csm import CSMResult, csm
from ._drivers import (
    ImportanceResult,
    key_drivers,
    relative_weights,
    shapley_importance,
)
from ._hierarchy import CSIResult, NodeScore, csi_index
from ._ipa import IPAResult, ipa
from ._nps import NPSDifferenceResult, NPSResult, nps, nps_difference
from ._orientation import (
    CUSTOMER_ORIENTATION,
    customer_orientation,
    customer_orientation_tree,
)
from ._prca import PRCAResult, prca
from ._reliability import AlphaResult, cronbach_alpha
from ._tree import CSINode, CSITree

__all__ = [
    "CUSTOMER_ORIENTATION",
    "RANDOM_INDEX",
    "AHPResult",
    "AggregateResult",
    "AlphaResult",
    "CESResult",
    "CSATResult",
    "CSINode",
    "CSIResult",
    "CSITree",
    "CSMResult",
    "IPAResult",
    "ImportanceResult",
    "InconsistencyWarning",
    "NPSDifferenceResult",
    "NPSResult",
    "NodeScore",
    "PRCAResult",
    "aggregate",
    "ahp",
    "ces",
    "cronbach_alpha",
    "csat",
    "csi_index",
    "csm",
    "customer_orientation",
    "customer_orientation_tree",
    "ipa",
    "key_drivers",
    "nps",
    "nps_difference",
    "prca",
    "relative_weights",
    "shapley_importance",
]
