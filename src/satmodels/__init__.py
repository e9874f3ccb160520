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

from typing import TYPE_CHECKING

from ._lazy import attach
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

if TYPE_CHECKING:  # the names below load on first use (PEP 562)
    from . import (
        acsi,
        csi,
        datasets,
        design,
        kano,
        national,
        plot,
        qfd,
        retention,
        servqual,
        sqi,
        study,
        tracking,
        value,
        weighting,
    )
    from .acsi import (
        ModelSpec,
        PLSResult,
    )
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
    from .ratio import (
        RatioResult,
        satisfaction_ratio,
    )
    from .results._base import (
        ConfidenceInterval,
    )
    from .results._estimates import (
        Estimates,
    )
    from .results._summary import (
        Summary,
    )
    from .scales import (
        CSM_SEVEN,
        FIVE_LEVEL,
        Scale,
    )
    from .servqual import (
        SERVQUAL_22,
        Instrument,
    )
    from .stats.counts import (
        CategoryCounts,
        PairCounts,
        pair_counts,
    )
    from .stats.moments import (
        MissingReport,
        Moments,
    )

#: Public name -> module that defines it (loaded on first access).
_LAZY: dict[str, str] = {
    "AHPResult": ".csi",
    "AlphaResult": ".csi",
    "CESResult": ".csi",
    "CSATResult": ".csi",
    "CSIResult": ".csi",
    "CSITree": ".csi",
    "CSMResult": ".csi",
    "CSM_SEVEN": ".scales",
    "CategoryCounts": ".stats.counts",
    "ConfidenceInterval": ".results._base",
    "Estimates": ".results._estimates",
    "FIVE_LEVEL": ".scales",
    "IPAResult": ".csi",
    "ImportanceResult": ".csi",
    "Instrument": ".servqual",
    "MissingReport": ".stats.moments",
    "ModelSpec": ".acsi",
    "Moments": ".stats.moments",
    "NPSDifferenceResult": ".csi",
    "NPSResult": ".csi",
    "PLSResult": ".acsi",
    "PRCAResult": ".csi",
    "PairCounts": ".stats.counts",
    "RatioResult": ".ratio",
    "SERVQUAL_22": ".servqual",
    "Scale": ".scales",
    "Summary": ".results._summary",
    "acsi": ".acsi",
    "ahp": ".csi",
    "ces": ".csi",
    "cronbach_alpha": ".csi",
    "csat": ".csi",
    "csi": ".csi",
    "csi_index": ".csi",
    "csm": ".csi",
    "customer_orientation": ".csi",
    "datasets": ".datasets",
    "design": ".design",
    "plot": ".plot",
    "study": ".study",
    "weighting": ".weighting",
    "ipa": ".csi",
    "kano": ".kano",
    "national": ".national",
    "key_drivers": ".csi",
    "nps": ".csi",
    "nps_difference": ".csi",
    "pair_counts": ".stats.counts",
    "prca": ".csi",
    "qfd": ".qfd",
    "relative_weights": ".csi",
    "retention": ".retention",
    "satisfaction_ratio": ".ratio",
    "servqual": ".servqual",
    "shapley_importance": ".csi",
    "value": ".value",
    "sqi": ".sqi",
    "tracking": ".tracking",
}


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
    "Estimates",
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
    "design",
    "ipa",
    "kano",
    "key_drivers",
    "national",
    "nps",
    "nps_difference",
    "pair_counts",
    "plot",
    "prca",
    "qfd",
    "relative_weights",
    "retention",
    "satisfaction_ratio",
    "servqual",
    "shapley_importance",
    "sqi",
    "study",
    "tracking",
    "value",
    "weighting",
]

if not TYPE_CHECKING:  # mypy sees the imports above, and flags unknown names
    __getattr__, __dir__ = attach(__name__, _LAZY, __all__)
