"""satmodels: customer-satisfaction measurement models.

The c = b/a satisfaction ratio, CSI/CSM indicators, the Kano model, SERVQUAL
gap analysis and the ACSI structural equation model, all fitted from
mergeable sufficient statistics (:class:`Moments`) so that the same call
works on a numpy array, a pandas/polars frame or a table on a lazy engine.
"""

from __future__ import annotations

from ._results import ConfidenceInterval
from ._summary import Summary
from ._version import __version__
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
from .moments import MissingReport, Moments
from .ratio import RatioResult, satisfaction_ratio
from .scales import CSM_SEVEN, FIVE_LEVEL, Scale

__all__ = [
    "CSM_SEVEN",
    "FIVE_LEVEL",
    "AdmissibilityWarning",
    "ConfidenceInterval",
    "ConvergenceWarning",
    "EstimationError",
    "InputError",
    "MissingReport",
    "Moments",
    "RatioResult",
    "SatmodelsError",
    "SatmodelsWarning",
    "Scale",
    "SmallSampleWarning",
    "SpecificationError",
    "Summary",
    "__version__",
    "satisfaction_ratio",
]
