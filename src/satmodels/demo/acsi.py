"""The ACSI section of ``satmodels demo``: PLS and ML fits of the sample survey."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from ..acsi import fit
from ..exceptions import SatmodelsWarning
from ..results._summary import Summary

__all__ = ["section"]


def section(survey: Mapping[str, Any]) -> Summary:
    """Fit the ACSI preset on the sample survey by PLS and by ML.

    The preset's default indicators are the survey's ``expe1-3``,
    ``qual1-4``, ``val1-2``, ``sat1-3``, ``comp1`` and ``loy1-3`` (1-10
    answers): PLS path modelling with the path scheme, 0-100 indices, a
    200-replicate seeded bootstrap and the importance-performance map of
    loyalty, then maximum likelihood (semopy) with its fit indices.

    Parameters
    ----------
    survey : mapping of str to array
        The sample survey's columns (:func:`satmodels.datasets.load_sample_survey`).

    Returns
    -------
    Summary
    """
    pls = fit(survey, scale=(1, 10), n_resamples=200, rng=2024, scores=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ml = fit(survey, method="ml", scale=(1, 10), scores=False)
    base, ipma, mls = pls.summary(), pls.ipma("LOY").summary(), ml.summary()
    extra = tuple(
        f"Warning (ML): {w.message}"
        for w in caught
        if issubclass(w.category, SatmodelsWarning)
    )
    return Summary(
        title=(
            "ACSI: PLS path modelling (0-100 indices, 200 bootstrap replicates) "
            "and maximum likelihood"
        ),
        tables=base.tables + ipma.tables[:1] + mls.tables,
        notes=base.notes + mls.notes + extra,
    )
