"""Conformance cases of csm, csi_index, customer_orientation and aggregate.

``ahp`` takes a pairwise-comparison matrix, not a survey, and is checked in
tests/test_csi_index.py instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from satmodels.csi import (
    CUSTOMER_ORIENTATION,
    CSITree,
    aggregate,
    csi_index,
    csm,
    customer_orientation,
)

# pytest collects this file as a module (doctests); make the harness importable
sys.path.insert(0, str(Path(__file__).parent))
from _harness import Case, likert

_TREE = CSITree.from_dict(
    {
        "scale": {"kind": "likert", "minimum": 1, "maximum": 5},
        "root": {
            "name": "CSI",
            "pairwise": [[1, 2], [1 / 2, 1]],
            "children": [
                {"name": "a", "children": [{"name": "q1"}, {"name": "q2"}]},
                {"name": "b", "children": [{"name": "q3"}, {"name": "q4"}]},
            ],
        },
    }
)

_CSM = {k: v * 30.0 for k, v in likert(60, ["q1", "q2", "q3"], lo=-3, hi=3).items()}

_rng = np.random.default_rng(4)
_UNITS = {
    "index": _rng.uniform(55.0, 90.0, size=30),
    "company": np.arange(30.0),
    "industry": np.arange(30.0) // 5,
    "sector": np.arange(30.0) // 10,
    "revenue": _rng.uniform(1.0, 10.0, size=30),
    "se": _rng.uniform(0.5, 2.0, size=30),
}

CASES = [
    Case(
        id="csi.csm",
        call=csm,
        data=_CSM,
        lazy=True,
        moments=True,
        segments=True,
    ),
    Case(
        id="csi.csi_index",
        call=csi_index,
        data=likert(60, ["q1", "q2", "q3", "q4"], lo=1, hi=5, seed=2),
        kwargs={"tree": _TREE},
        lazy=True,
        moments=True,
        segments=True,
    ),
    Case(
        id="csi.customer_orientation",
        call=customer_orientation,
        data=likert(60, list(CUSTOMER_ORIENTATION.columns()), lo=1, hi=5, seed=3),
        lazy=True,
        moments=True,
        segments=True,
    ),
    Case(
        id="csi.aggregate",
        call=aggregate,
        data=_UNITS,
        kwargs={"sizes": "revenue", "se": "se"},
        weights=False,  # units enter by their 'sizes', not case weights
        segments=False,
    ),
]
