"""Conformance of every public CSI function (STYLE.md section 7)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from satmodels import InputError, Scale
from satmodels.csi import (
    CSITree,
    aggregate,
    ahp,
    ces,
    cronbach_alpha,
    csat,
    csi_index,
    csm,
    customer_orientation,
    ipa,
    key_drivers,
    nps,
    nps_difference,
    prca,
    relative_weights,
    shapley_importance,
)

COLS = ["a", "b", "c", "y"]
RNG = np.random.default_rng(0)
X5 = RNG.integers(1, 6, size=(60, 4)).astype(float)
Y = X5 @ [0.5, 0.3, 0.2, 0.1] + RNG.normal(size=60)
TREE = CSITree.from_dict(
    {
        "scale": {"kind": "likert", "minimum": 1, "maximum": 5},
        "root": {
            "name": "CSI",
            "children": [
                {"name": "a", "children": [{"name": "x0"}, {"name": "x1"}]},
                {"name": "b", "children": [{"name": "x2"}, {"name": "x3"}]},
            ],
        },
    }
)

# name -> (call on data, data, whether NaN + nan_policy="raise" applies)
CASES: dict[str, tuple[Callable[..., Any], Any]] = {
    "nps": (nps, RNG.integers(0, 11, 40).astype(float)),
    "csat": (csat, X5[:, 0].copy()),
    "ces": (lambda d, **k: ces(d, scale=Scale.likert(1, 5), **k), X5[:, 0].copy()),
    "csm": (lambda d, **k: csm(d, scale=Scale.likert(1, 5), **k), X5.copy()),
    "csi_index": (lambda d, **k: csi_index(d, tree=TREE, **k), X5.copy()),
    "cronbach_alpha": (cronbach_alpha, X5.copy()),
    "shapley_importance": (
        lambda d, **k: shapley_importance(d, columns=COLS, target="y", **k),
        np.column_stack([X5[:, :3], Y]),
    ),
    "relative_weights": (
        lambda d, **k: relative_weights(d, columns=COLS, target="y", **k),
        np.column_stack([X5[:, :3], Y]),
    ),
    "key_drivers": (
        lambda d, **k: key_drivers(
            d, columns=COLS, target="y", method="regression", **k
        ),
        np.column_stack([X5[:, :3], Y]),
    ),
    "ipa": (
        lambda d, **k: ipa(
            d, columns=COLS[:3], importance={"a": 1, "b": 2, "c": 3}, **k
        ),
        X5[:, :3].copy(),
    ),
    "prca": (
        lambda d, **k: prca(d, columns=COLS, target="y", scale=Scale.likert(1, 5), **k),
        np.column_stack([X5[:, :3], Y]),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_result_protocol(name: str) -> None:
    fn, data = CASES[name]
    r = fn(data)
    is_dc = dataclasses.is_dataclass(r)
    assert is_dc
    field = dataclasses.fields(r)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(r, field, 0)
    json.dumps(r.to_dict())
    assert len(r.to_frame("pandas")) >= 1
    assert r.to_frame("polars").height >= 1
    assert str(r.summary())
    assert "<table>" in r._repr_html_()
    assert repr(r)


@pytest.mark.parametrize("name", sorted(CASES))
def test_nan_raise_and_empty(name: str) -> None:
    fn, data = CASES[name]
    bad = np.array(data, dtype=float, copy=True)
    bad.flat[0] = np.nan
    with pytest.raises(InputError):
        fn(bad, nan_policy="raise")
    with pytest.raises(InputError):
        fn(np.empty((0, *np.shape(data)[1:])))


def test_other_results_protocol() -> None:
    for r in (
        ahp([[1, 2], [0.5, 1]]),
        nps_difference([10, 9, 3], [1, 9, 8]),
        customer_orientation(np.full((2, 40), 3.0)),
        aggregate(
            {
                "company": ["a"],
                "industry": ["i"],
                "sector": ["s"],
                "index": [70.0],
                "revenue": [1.0],
            }
        ),
    ):
        json.dumps(r.to_dict())
        assert len(r.to_frame()) >= 1
        assert str(r.summary())
