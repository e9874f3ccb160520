"""Conformance cases of satmodels.national (docs/conventions.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from satmodels import national
from satmodels.datasets import ACSI_BLOCKS

# pytest collects this file as a module (doctests); make the harness importable
sys.path.insert(0, str(Path(__file__).parent))
from _harness import Case, likert

_ITEMS = [i for block in ACSI_BLOCKS.values() for i in block]
_N = 120
# the indicators first (the harness spoils the first column), then the
# company codes and a revenue column constant within each company
_DATA = likert(_N, _ITEMS, lo=1, hi=10, seed=5) | {
    "company": np.repeat([1.0, 2.0, 3.0], _N // 3),
    "revenue": np.repeat([5.0, 3.0, 2.0], _N // 3),
}

CASES = [
    Case(
        id="national.index",
        call=national.index,
        data=_DATA,
        kwargs={
            "industry": {"1": "cars", "2": "cars", "3": "banks"},
            "sector": {"cars": "manufacturing", "banks": "finance"},
            "level_sizes": {"manufacturing": 0.4, "finance": 0.6},
            "scale": (1, 10),
        },
        lazy=True,
        resample={"n_resamples": 20},
    )
]
