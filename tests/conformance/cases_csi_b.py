"""Conformance cases of the CSI scores, drivers, IPA, PRCA and alpha functions."""

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

from satmodels import Scale
from satmodels.csi import (
    NPSDifferenceResult,
    ces,
    cronbach_alpha,
    csat,
    ipa,
    key_drivers,
    nps,
    nps_difference,
    prca,
    relative_weights,
    shapley_importance,
)

N = 60
_DRIVERS = likert(N, ["a", "b", "c", "y"], seed=3)
_OTHER = np.random.default_rng(9).integers(0, 11, 40).astype(float)


def _difference(data: object, **kwargs: Any) -> NPSDifferenceResult:
    """NPS of ``data`` against a fixed second sample (independent)."""
    level = kwargs.get("confidence_level", 0.95)
    return nps_difference(nps(data, **kwargs), _OTHER, confidence_level=level)


CASES: list[Case] = [
    Case(
        id="csi.nps",
        call=nps,
        data=likert(N, ["ltr"], lo=0, hi=10, seed=1),
        kwargs={"items": "ltr"},
        lazy=True,
        segments=True,
    ),
    Case(
        id="csi.nps_difference",
        call=_difference,
        data=likert(N, ["ltr"], lo=0, hi=10, seed=2),
        kwargs={"items": "ltr"},
        lazy=True,
    ),
    Case(
        id="csi.csat",
        call=csat,
        data=likert(N, ["sat"], lo=1, hi=5, seed=4),
        kwargs={"items": "sat", "scale": Scale.likert(1, 5)},
        lazy=True,
        segments=True,
    ),
    Case(
        id="csi.ces",
        call=ces,
        data=likert(N, ["effort"], lo=1, hi=7, seed=5),
        kwargs={"items": "effort"},
        lazy=True,
        segments=True,
    ),
    Case(
        id="csi.key_drivers",
        call=key_drivers,
        data=_DRIVERS,
        kwargs={"items": ["a", "b", "c"], "target": "y", "method": "regression"},
        lazy=True,
        moments=True,
        resample={"n_resamples": 20},
        segments=True,
    ),
    Case(
        id="csi.shapley_importance",
        call=shapley_importance,
        data=_DRIVERS,
        kwargs={"items": ["a", "b", "c"], "target": "y"},
        lazy=True,
        moments=True,
        resample={"n_resamples": 20},
        segments=True,
    ),
    Case(
        id="csi.relative_weights",
        call=relative_weights,
        data=_DRIVERS,
        kwargs={"items": ["a", "b", "c"], "target": "y"},
        lazy=True,
        moments=True,
        resample={"n_resamples": 20},
        segments=True,
    ),
    Case(
        id="csi.ipa",
        call=ipa,
        data=_DRIVERS,
        kwargs={"items": ["a", "b", "c"], "target": "y", "scale": (1, 7)},
        lazy=True,
        moments=True,
        segments=True,
    ),
    Case(
        id="csi.prca",
        call=prca,
        data=likert(N * 2, ["a", "b", "y"], seed=6),
        kwargs={"items": ["a", "b"], "target": "y", "scale": Scale.likert(1, 7)},
        segments=True,
    ),
    Case(
        id="csi.cronbach_alpha",
        call=cronbach_alpha,
        data=_DRIVERS,
        kwargs={"items": ["a", "b", "c"]},
        lazy=True,
        moments=True,
        segments=True,
    ),
]
