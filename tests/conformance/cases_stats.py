"""Conformance cases of the statistics layer: Moments and category counts.

These are statistics, not model results: they take ``weights`` and lazy
frames, have no resampling keywords here (``Moments.bootstrap`` is covered
by its own tests), no confidence level at fit time and no segments.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

try:
    from _harness import Case, likert
except ModuleNotFoundError:  # imported by pytest's doctest collection
    sys.path.insert(0, str(Path(__file__).parent))
    from _harness import Case, likert

from satmodels import CategoryCounts, Moments, pair_counts


def _kano(n: int = 60, seed: int = 3) -> dict[str, np.ndarray[Any, Any]]:
    return likert(n, ["f1", "d1", "f2", "d2"], lo=1, hi=5, seed=seed)


CASES: list[Case] = [
    Case(
        id="stats.Moments.from_data",
        call=Moments.from_data,
        data=likert(60, ["q1", "q2", "q3"], seed=1),
        kwargs={"missing": "listwise"},
        lazy=True,
        weights=True,
        confidence_level=False,
    ),
    Case(
        id="stats.Moments.from_data[em]",
        call=Moments.from_data,
        data=likert(60, ["q1", "q2", "q3"], seed=4),
        kwargs={"missing": "em"},
        lazy=True,
        weights=True,
        confidence_level=False,
    ),
    Case(
        id="stats.CategoryCounts.from_data",
        call=CategoryCounts.from_data,
        data=likert(60, ["nps"], lo=0, hi=10, seed=2),
        kwargs={"categories": list(range(11))},
        lazy=True,
        weights=True,
        confidence_level=False,
    ),
    Case(
        id="stats.pair_counts",
        call=pair_counts,
        data=_kano(),
        kwargs={
            "pairs": [("f1", "d1"), ("f2", "d2")],
            "categories_a": [1, 2, 3, 4, 5],
            "categories_b": [1, 2, 3, 4, 5],
        },
        lazy=True,
        weights=True,
        confidence_level=False,
    ),
]
