"""Conformance cases of satmodels.design (docs/conventions.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from satmodels.design import Design, mean, ratio, total

# pytest collects this file as a module (doctests); make the harness importable
sys.path.insert(0, str(Path(__file__).parent))
from _harness import Case, likert

_DATA = likert(60, ["q1", "q2"], lo=1, hi=7, seed=3) | {
    "h": np.repeat([1.0, 2.0], 30),
    "psu": np.repeat(np.arange(12, dtype=np.float64), 5),
}
_DESIGN = Design(strata="h", clusters="psu")

CASES = [
    Case(
        id=f"design.{func.__name__}",
        call=func,
        data=_DATA,
        kwargs={"design": _DESIGN, "items": ["q1", "q2"]},
        weights=False,  # the design carries the weights
        segments=False,
    )
    for func in (mean, total)
] + [
    Case(
        id="design.ratio",
        call=ratio,
        data=_DATA,
        kwargs={"design": _DESIGN, "numerator": "q1", "denominator": "q2"},
        weights=False,
        segments=False,
    )
]
