"""Conformance cases of value.delivered_value (a survey-based function).

``value.from_figures``, ``qfd.house`` and the retention functions take
given figures or a relationship matrix, not a survey; their signatures are
held to the vocabulary by the static walk of tests/test_conformance.py and
their numbers by tests/test_qfd.py, test_value.py and test_retention.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from satmodels.value import delivered_value

# pytest collects this file as a module (doctests); make the harness importable
sys.path.insert(0, str(Path(__file__).parent))
from _harness import Case, likert

_KW = {
    "product": ["p1", "p2"],
    "service": "s1",
    "money": "m1",
    "time": ["t1", "t2"],
}

CASES = [
    Case(
        id="value.delivered_value",
        call=delivered_value,
        data=likert(60, ["p1", "p2", "s1", "m1", "t1", "t2"], lo=1, hi=7, seed=15),
        kwargs=_KW,
        lazy=True,
        moments=True,
        segments=True,
        resample={"n_resamples": 20},
    ),
]
