"""Conformance cases of satmodels.sqi (docs/conventions.md)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from satmodels.sqi import ewma, index, severity, u_chart

# pytest collects this file as a module (doctests); make the harness importable
sys.path.insert(0, str(Path(__file__).parent))
from _harness import Case

_gen = np.random.default_rng(15)
_N = 40
#: One row per day: failure counts and the deliveries of the day.
_DAYS = {
    "late": _gen.poisson(12.0, _N).astype(np.float64),
    "lost": _gen.poisson(0.8, _N).astype(np.float64),
    "damaged": _gen.poisson(1.5, _N).astype(np.float64),
    "deliveries": _gen.poisson(900.0, _N).astype(np.float64) + 1.0,
}
_SEVERITY = {"late": 1.0, "lost": 10.0, "damaged": 5.0}
_DAY_KWARGS = {"severity": _SEVERITY, "opportunities": "deliveries"}

_late = _gen.binomial(1, 0.3, 80).astype(np.float64)
_lost = _gen.binomial(1, 0.2, 80).astype(np.float64)
#: One row per respondent: satisfaction and the failures experienced.
_SURVEY = {
    "sat": np.clip(
        np.round(8 - 1.5 * _late - 3 * _lost + _gen.normal(0, 1, 80)), 0, 10
    ),
    "late": _late,
    "lost": _lost,
}


def _per_period(name: str, call: Callable[..., Any]) -> Case:
    """A function of daily counts: no case weights, segments or engines."""
    return Case(
        id=f"sqi.{name}",
        call=call,
        data=_DAYS,
        kwargs=_DAY_KWARGS,
        weights=False,
        segments=False,
        lazy=False,
        moments=False,
    )


CASES = [
    _per_period("index", index),
    _per_period("u_chart", u_chart),
    _per_period("ewma", ewma),
    Case(
        id="sqi.severity",
        call=severity,
        data=_SURVEY,
        kwargs={"target": "sat"},
        weights=True,
        segments=True,
        lazy=False,
        moments=False,
    ),
]
