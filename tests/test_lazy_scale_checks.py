"""Lazy frames: every answer is checked against the scale, as rows are.

An answer off the scale whose item mean stays on it was once accepted on a
lazy frame (only the means were checked there) and refused on rows: a
silent wrong number. Each model now checks every answer on the engine in
one query (``satmodels.data._checks.lazy_on_scale``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from satmodels import InputError, acsi, csi, servqual
from satmodels.datasets import load_sample_survey
from satmodels.servqual import Instrument

pl = pytest.importorskip("polars")

SURVEY = load_sample_survey()
INST = Instrument.define({"speed": ["1", "2"], "staff": ["3"]}, name="three")


def _tree() -> Any:
    return {
        "name": "t",
        "scale": {"kind": "likert", "minimum": 1, "maximum": 10},
        "root": {
            "name": "CSI",
            "children": [{"name": "qual1"}, {"name": "qual2"}, {"name": "val1"}],
        },
    }


CALLS: dict[str, tuple[str, Callable[[object], object]]] = {
    "csi_index": ("qual1", lambda d: csi.csi_index(d, tree=_tree())),
    "ipa": (
        "qual2",
        lambda d: csi.ipa(d, items=["qual1", "qual2"], target="overall", scale=(1, 10)),
    ),
    "acsi.fit": ("sat1", lambda d: acsi.fit(d, model="acsi", scale=(1, 10))),
    "servqual.gaps": (
        "sq_p2",
        lambda d: servqual.gaps(
            d,
            perceptions=["sq_p1", "sq_p2", "sq_p3"],
            expectations=["sq_e1", "sq_e2", "sq_e3"],
            instrument=INST,
            scale=(1, 7),
        ),
    ),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_an_answer_off_the_scale_is_refused_on_a_lazy_frame(name: str) -> None:
    column, call = CALLS[name]
    data = {k: np.array(v, copy=True) for k, v in SURVEY.items()}
    call(pl.DataFrame(data).lazy())  # the clean survey fits
    data[column][0] = 0.0  # one answer below the scale; the mean stays on it
    with pytest.raises(InputError):
        call(data)
    with pytest.raises(
        InputError,
        match=rf"{column}.* 1 answer\(s\) outside|1 answer\(s\) outside .*{column}",
    ):
        call(pl.DataFrame(data).lazy())
