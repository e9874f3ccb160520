"""Conformance cases of satmodels.kano (one per public function of the data)."""

from __future__ import annotations

from _harness import Case, likert

from satmodels import kano

_F = ["f1", "f2", "f3"]
_D = ["d1", "d2", "d3"]
# answer codes 1 (like) ... 5 (dislike), 80 respondents
_DATA = likert(80, [*_F, *_D], lo=1, hi=5, seed=7)
_COLUMNS = {"functional": _F, "dysfunctional": _D}

CASES: list[Case] = [
    Case(
        id="kano.analyze",
        call=kano.analyze,
        data=_DATA,
        kwargs=dict(_COLUMNS),
        lazy=True,
        weights=True,
        segments=True,
        resample={"n_resamples": 20},
    ),
    Case(
        id="kano.classify",
        call=kano.classify,
        data=_DATA,
        kwargs=dict(_COLUMNS),
        weights=True,
    ),
    Case(
        id="kano.continuous",
        call=kano.continuous,
        data=_DATA,
        kwargs=dict(_COLUMNS),
        lazy=True,
        weights=True,
        segments=True,
    ),
]
