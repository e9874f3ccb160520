"""The ratio section of the ``satmodels demo`` report: c = b / a."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..ratio import satisfaction_ratio
from ..results._summary import Summary

__all__ = ["section"]

#: The SERVQUAL items of each dimension in the sample survey (Parasuraman,
#: Zeithaml & Berry 1988): perceived ``sq_p<i>``, expected ``sq_e<i>``.
DIMENSIONS: dict[str, range] = {
    "tangibles": range(1, 5),
    "reliability": range(5, 10),
    "responsiveness": range(10, 14),
    "assurance": range(14, 18),
    "empathy": range(18, 23),
}


def section(survey: Mapping[str, object]) -> Summary:
    """Compute c = b / a per SERVQUAL dimension: perceived over expected service.

    Parameters
    ----------
    survey : mapping of str to array
        Columns of :func:`satmodels.datasets.load_sample_survey`
        (``sq_p1`` ... ``sq_p22``, ``sq_e1`` ... ``sq_e22``, ``weight``).

    Returns
    -------
    Summary

    Examples
    --------
    >>> from satmodels.datasets import load_sample_survey
    >>> from satmodels.demo.ratio import section
    >>> "Satisfaction ratio" in str(section(load_sample_survey()))
    True
    """
    data: dict[str, object] = {"weight": survey["weight"]}
    for dim, items in DIMENSIONS.items():
        for side in ("p", "e"):
            cols = [
                np.asarray(survey[f"sq_{side}{i}"], dtype=np.float64) for i in items
            ]
            data[f"{dim}_{side}"] = np.mean(cols, axis=0)
    res = satisfaction_ratio(
        data,
        perceived=[f"{d}_p" for d in DIMENSIONS],
        expected=[f"{d}_e" for d in DIMENSIONS],
        items=list(DIMENSIONS),
        scale=(1, 7),
        weights="weight",
    )
    s = res.summary()
    return Summary(
        title="Satisfaction ratio c = b / a (SERVQUAL dimension means, weighted)",
        tables=s.tables,
        notes=s.notes,
    )
