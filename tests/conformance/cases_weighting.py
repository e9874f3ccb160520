"""Conformance cases of satmodels.weighting (docs/conventions.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from satmodels.weighting import calibrate, poststratify, rake

# pytest collects this file as a module (doctests); make the harness importable
sys.path.insert(0, str(Path(__file__).parent))
from _harness import Case

_rng = np.random.default_rng(5)
_DATA = {
    "region": _rng.integers(1, 4, 60).astype(np.float64),
    "sex": _rng.integers(1, 3, 60).astype(np.float64),
    "visits": _rng.integers(0, 6, 60).astype(np.float64),
}

CASES = [
    Case(
        id="weighting.rake",
        call=rake,
        data=_DATA,
        kwargs={
            "margins": {
                "region": {1: 300, 2: 400, 3: 300},
                "sex": {1: 480, 2: 520},
            }
        },
        lazy=True,
        moments=False,
        weights=True,
        segments=False,
        confidence_level=False,
    ),
    Case(
        id="weighting.poststratify",
        call=poststratify,
        data=_DATA,
        kwargs={"strata": "region", "population": {1: 300, 2: 400, 3: 300}},
        lazy=True,
        moments=False,
        weights=True,
        segments=False,
        confidence_level=False,
    ),
    Case(
        id="weighting.calibrate",
        call=calibrate,
        data=_DATA,
        kwargs={
            "margins": {"region": {1: 300, 2: 400, 3: 300}},
            "totals": {"visits": 2600.0},
        },
        lazy=False,
        moments=False,
        weights=True,
        segments=False,
        confidence_level=False,
    ),
]
