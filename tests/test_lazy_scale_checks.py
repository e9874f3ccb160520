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
from satmodels.scales import Scale
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


def _off(**columns: list[float]) -> dict[str, Any]:
    """SURVEY with the given values in the first rows of each named column."""
    data = {k: np.array(v, copy=True) for k, v in SURVEY.items()}
    for column, values in columns.items():
        data[column][: len(values)] = values
    return data


SAME_SHAPE: dict[str, tuple[dict[str, Any], Callable[[object], object], str]] = {
    "csi_index": (
        _off(qual1=[0.0, 11.0, -2.0]),
        lambda d: csi.csi_index(d, tree=_tree()),
        "The 'data' parameter of csi_index has 3 answer(s) outside the 1..10 "
        "(scale) scale; first in column 'qual1' (3 of them, the smallest: -2.0).",
    ),
    "csm with codes": (
        _off(qual2=[0.0, 11.0]),
        lambda d: csi.csm(
            d,
            items=["qual1", "qual2"],
            scale=Scale.levels([float(v) for v in range(10)]),
            codes=list(range(1, 11)),
        ),
        "The 'data' parameter of csm has 2 answer(s) outside the {1, 2, 3, 4, 5, "
        "6, 7, 8, 9, 10} (codes) scale; first in column 'qual2' (2 of them, the "
        "smallest: 0.0).",
    ),
    "servqual.gaps": (
        _off(sq_e1=[0.0], sq_e3=[8.0, 9.0]),
        lambda d: servqual.gaps(
            d,
            perceptions=["sq_p1", "sq_p2", "sq_p3"],
            expectations=["sq_e1", "sq_e2", "sq_e3"],
            instrument=INST,
            scale=(1, 7),
        ),
        "The 'expectations' parameter of gaps has 3 answer(s) outside the [1, 7] "
        "(interval) scale; first in column 'sq_e1' (1 of them, the smallest: 0.0).",
    ),
}


@pytest.mark.parametrize("name", list(SAME_SHAPE))
def test_the_lazy_callers_word_an_answer_off_the_scale_alike(name: str) -> None:
    # one function (lazy_on_scale), one wording: the public parameter (the
    # item set for SERVQUAL), the count, the scale (or the codes as one),
    # the first column, its count and the smallest of its answers off it (the
    # count of the parameter sums its columns: 'sq_e1' and 'sq_e3' for SERVQUAL)
    data, call, message = SAME_SHAPE[name]
    with pytest.raises(InputError) as lazy:
        call(pl.DataFrame(data).lazy())
    assert str(lazy.value) == message
    # the rows' message reads the same up to the column, then its row and value
    with pytest.raises(InputError) as rows:
        call(data)
    up_to_column = message[: message.index("' (") + 1]
    assert str(rows.value) == f"{up_to_column}, row 1: 0.0."
