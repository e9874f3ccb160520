"""SERVQUAL: gap scores, zone of tolerance, SERVPERF and the gaps model.

Service quality as the gap between perceived and expected service on the
five SERVQUAL dimensions (Parasuraman, Zeithaml & Berry 1988), with
intervals for every mean gap, 100-point importance weighting, the zone of
tolerance (1994), perception-only SERVPERF (Cronin & Taylor 1992),
per-dimension reliability, the five-gap model (1985) and comparisons of
providers or waves. Every statistic is computed from the means and
covariances of the answer columns (:class:`~satmodels.Moments`), so the
same calls run on arrays, data frames and lazy frames.

Examples
--------
>>> import numpy as np
>>> from satmodels.servqual import SERVQUAL_22, gaps
>>> rng = np.random.default_rng(0)
>>> e = rng.integers(5, 8, size=(50, 22))
>>> p = np.clip(e - rng.integers(0, 3, size=(50, 22)), 1, 7)
>>> res = gaps(p, e)
>>> sorted(res.to_dict()["dimensions"]) == sorted(SERVQUAL_22.dimensions)
True
"""

from __future__ import annotations

from collections.abc import Mapping

from ..results._summary import Summary
from ._api import (
    SEVEN_POINT,
    compare,
    five_gaps,
    gaps,
    reliability,
    servperf,
    zone_of_tolerance,
)
from ._results import (
    CompareResult,
    Estimates,
    FiveGapsResult,
    GapsResult,
    ReliabilityResult,
    ServperfResult,
    ZoneResult,
)
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
    "demo_section",
    "five_gaps",
    "gaps",
    "reliability",
    "servperf",
    "zone_of_tolerance",
]


def demo_section(survey: Mapping[str, object]) -> Summary:
    """SERVQUAL section of the ``satmodels demo`` report.

    Parameters
    ----------
    survey : mapping of str to array
        Columns ``sq_p1`` ... ``sq_p22`` (perceptions) and ``sq_e1`` ...
        ``sq_e22`` (expectations) on 1-7; ``segment`` is used when present.

    Returns
    -------
    Summary
        Dimension gaps with intervals, the SERVQUAL score and the
        reliability of the gap scores, with gaps by segment when present.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> survey = {f"sq_e{i}": rng.integers(4, 8, 30) for i in range(1, 23)}
    >>> survey |= {f"sq_p{i}": rng.integers(3, 8, 30) for i in range(1, 23)}
    >>> demo_section(survey).title
    'SERVQUAL gap analysis'
    """
    p_cols = [f"sq_p{i}" for i in range(1, 23)]
    e_cols = [f"sq_e{i}" for i in range(1, 23)]
    seg = "segment" if "segment" in survey else None
    res = gaps(p_cols, e_cols, data=survey, segments=seg)
    rel = reliability(p_cols, e_cols, data=survey)
    base = res.summary()
    alpha_rows = rel.summary().tables[0]
    return Summary(
        title=base.title,
        tables=(base.tables[0], base.tables[1], alpha_rows, *base.tables[3:]),
        notes=base.notes,
    )
