"""Conformance cases of satmodels.ratio (docs/conventions.md)."""

from __future__ import annotations

import sys
from pathlib import Path

from satmodels import satisfaction_ratio

# pytest collects this file as a module (doctests); make the harness importable
sys.path.insert(0, str(Path(__file__).parent))
from _harness import Case, likert

CASES = [
    Case(
        id="ratio.satisfaction_ratio",
        call=satisfaction_ratio,
        data=likert(60, ["p1", "p2", "e1", "e2"], lo=1, hi=7, seed=11),
        kwargs={"perceived": ["p1", "p2"], "expected": ["e1", "e2"], "scale": (1, 7)},
        lazy=True,
        moments=False,
        weights=True,
        segments=True,
    ),
]
