"""satmodels: customer-satisfaction measurement models.

The c = b/a satisfaction ratio, CSI/CSM indicators, the Kano model, SERVQUAL
gap analysis and the ACSI structural equation model, all fitted from
mergeable sufficient statistics (:class:`Moments`) so that the same call
works on a numpy array, a pandas/polars frame or a table on a lazy engine.

Modules: :mod:`satmodels.ratio` (c = b/a), :mod:`satmodels.csi` (CSM, CSI
trees, AHP, NPS/CSAT/CES, drivers, IPA, PRCA, alpha), :mod:`satmodels.kano`,
:mod:`satmodels.servqual`, :mod:`satmodels.acsi` (PLS-PM and ML),
:mod:`satmodels.stats.moments` and :mod:`satmodels.stats.counts` (sufficient
statistics), :mod:`satmodels.scales`, :mod:`satmodels.datasets`.
"""

from __future__ import annotations

from . import acsi, csi, datasets, kano, servqual
from ._version import __version__
from .acsi import ModelSpec, PLSResult
from .csi import (
    AHPResult,
    AlphaResult,
    CESResult,
    CSATResult,
    CSIResult,
    CSITree,
    CSMResult,
    ImportanceResult,
    IPAResult,
    NPSDifferenceResult,
    NPSResult,
    PRCAResult,
    ahp,
    ces,
    cronbach_alpha,
    csat,
    csi_index,
    csm,
    customer_orientation,
    ipa,
    key_drivers,
    nps,
    nps_difference,
    prca,
    relative_weights,
    shapley_importance,
)
from .exceptions import (
    AdmissibilityWarning,
    ConvergenceWarning,
    EstimationError,
    InputError,
    SatmodelsError,
    SatmodelsWarning,
    SmallSampleWarning,
    SpecificationError,
)
from .ratio import RatioResult, satisfaction_ratio
from .results._base import ConfidenceInterval
from .results._summary import Summary
from .scales import CSM_SEVEN, FIVE_LEVEL, Scale
from .servqual import SERVQUAL_22, Instrument
from .stats.counts import CategoryCounts, PairCounts, pair_counts
from .stats.moments import MissingReport, Moments

__all__ = [
    "CSM_SEVEN",
    "FIVE_LEVEL",
    "SERVQUAL_22",
    "AHPResult",
    "AdmissibilityWarning",
    "AlphaResult",
    "CESResult",
    "CSATResult",
    "CSIResult",
    "CSITree",
    "CSMResult",
    "CategoryCounts",
    "ConfidenceInterval",
    "ConvergenceWarning",
    "EstimationError",
    "IPAResult",
    "ImportanceResult",
    "InputError",
    "Instrument",
    "MissingReport",
    "ModelSpec",
    "Moments",
    "NPSDifferenceResult",
    "NPSResult",
    "PLSResult",
    "PRCAResult",
    "PairCounts",
    "RatioResult",
    "SatmodelsError",
    "SatmodelsWarning",
    "Scale",
    "SmallSampleWarning",
    "SpecificationError",
    "Summary",
    "__version__",
    "acsi",
    "ahp",
    "ces",
    "cronbach_alpha",
    "csat",
    "csi",
    "csi_index",
    "csm",
    "customer_orientation",
    "datasets",
    "ipa",
    "kano",
    "key_drivers",
    "nps",
    "nps_difference",
    "pair_counts",
    "prca",
    "relative_weights",
    "satisfaction_ratio",
    "servqual",
    "shapley_importance",
]
