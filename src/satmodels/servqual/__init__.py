"""SERVQUAL: gap scores, zone of tolerance, SERVPERF and the gaps model.

Service quality as the gap between perceived and expected service on the
five SERVQUAL dimensions (Parasuraman, Zeithaml & Berry 1988), with
intervals for every mean gap, 100-point importance points, the zone of
tolerance (1994), perception-only SERVPERF (Cronin & Taylor 1992),
per-dimension reliability, the five-gap model (1985) and comparisons of
providers or waves. Every statistic is computed from the (case-weighted)
means and covariances of the answer columns
(:class:`~satmodels.Moments`), so the same calls run on arrays, data
frames, lazy frames and Moments.

Examples
--------
>>> from satmodels.datasets import load_sample_survey
>>> from satmodels.servqual import SERVQUAL_22, gaps
>>> res = gaps(load_sample_survey())  # columns sq_p1..sq_p22, sq_e1..sq_e22
>>> sorted(res.to_dict()["dimensions"]) == sorted(SERVQUAL_22.dimensions)
True
"""

from __future__ import annotations

from ..results._estimates import Estimates
from ._compare import compare, five_gaps
from ._gaps import SEVEN_POINT, gaps, servperf
from ._results import GapsResult, ServperfResult
from ._results_more import CompareResult, FiveGapsResult, ReliabilityResult, ZoneResult
from ._zone import reliability, zone_of_tolerance
from .instrument import SERVQUAL_22, TEN_DETERMINANTS, Determinant, Instrument, Item

__all__ = [
    "SERVQUAL_22",
    "SEVEN_POINT",
    "TEN_DETERMINANTS",
    "CompareResult",
    "Determinant",
    "Estimates",
    "FiveGapsResult",
    "GapsResult",
    "Instrument",
    "Item",
    "ReliabilityResult",
    "ServperfResult",
    "ZoneResult",
    "compare",
    "five_gaps",
    "gaps",
    "reliability",
    "servperf",
    "zone_of_tolerance",
]
