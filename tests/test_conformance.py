"""One conformance test over every public function (sklearn estimator_checks style).

For each public entry point it checks that empty input, NaN under
``nan_policy="raise"``, wrong shapes and off-scale answers raise
``InputError`` with a message naming the parameter, that the result is
frozen, JSON-safe (``to_dict``), converts to pandas and polars frames, and
renders its repr, text summary and HTML.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from satmodels import (
    InputError,
    Moments,
    Scale,
    acsi,
    cronbach_alpha,
    csat,
    csm,
    kano,
    nps,
    satisfaction_ratio,
    servqual,
    shapley_importance,
)

Fn = Callable[[np.ndarray], Any]


@dataclass(frozen=True)
class Case:
    """How to call one public function with a respondents x items matrix."""

    call: Fn
    good: np.ndarray
    parameter: str  # the parameter name the messages must mention
    off_scale: np.ndarray | None = None
    wrong_shape: Fn | None = None


def _likert(
    n: int = 40, k: int = 3, lo: int = 1, hi: int = 7, seed: int = 0
) -> np.ndarray:
    return np.random.default_rng(seed).integers(lo, hi + 1, size=(n, k)).astype(float)


def _with(x: np.ndarray, row: int, col: int, value: float) -> np.ndarray:
    y = x.copy()
    y[row, col] = value
    return y


_CSM = np.array([-90.0, -60.0, -30.0, 0.0, 30.0, 60.0, 90.0])
_TWO_BLOCKS = "A =~ x0 + x1 + x2\nB =~ x3 + x4 + x5\nB ~ A"


def _correlated(n: int = 60, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = 0.6 * a + 0.8 * rng.normal(size=n)
    cols = [a + 0.7 * rng.normal(size=n) for _ in range(3)]
    cols += [b + 0.7 * rng.normal(size=n) for _ in range(3)]
    return np.clip(np.round(np.column_stack(cols) * 1.5 + 5.5), 1, 10)


CASES: dict[str, Case] = {
    "Moments.from_data": Case(
        call=lambda x: Moments.from_data(x, nan_policy="raise"),
        good=_likert(),
        parameter="'data'",
        wrong_shape=lambda x: Moments.from_data(x[None]),
    ),
    "satisfaction_ratio": Case(
        call=lambda x: satisfaction_ratio(
            np.hstack([x, x + 1.0]),
            columns=[f"c{j}" for j in range(2 * x.shape[1])],
            perceived=[f"c{j}" for j in range(x.shape[1])],
            expected=[f"c{j}" for j in range(x.shape[1], 2 * x.shape[1])],
            scale=(1, 8),
        ),
        good=_likert(),
        parameter="'(perceived|expected|data)'",
        off_scale=_with(_likert(), 2, 1, 9.0),
        wrong_shape=lambda x: satisfaction_ratio(
            x, perceived=["x0", "x1"], expected=["x2"]
        ),
    ),
    "csm": Case(
        call=lambda x: csm(x, nan_policy="raise"),
        good=_CSM[_likert(lo=0, hi=6).astype(int)],
        parameter="'data'",
        off_scale=_with(_CSM[_likert(lo=0, hi=6).astype(int)], 0, 0, 45.0),
    ),
    "nps": Case(
        call=lambda x: nps(x, nan_policy="raise"),
        good=_likert(k=1, lo=0, hi=10),
        parameter="'scores'",
        off_scale=_with(_likert(k=1, lo=0, hi=10), 3, 0, 11.0),
    ),
    "csat": Case(
        call=lambda x: csat(x, scale=Scale.likert(1, 5), nan_policy="raise"),
        good=_likert(k=1, hi=5),
        parameter="'scores'",
        off_scale=_with(_likert(k=1, hi=5), 0, 0, 6.0),
    ),
    "cronbach_alpha": Case(
        call=lambda x: cronbach_alpha(x, nan_policy="raise"),
        good=_correlated(),
        parameter="'items'",
        wrong_shape=lambda x: cronbach_alpha(x[:, :1]),
    ),
    "shapley_importance": Case(
        call=lambda x: shapley_importance(x[:, :-1], x[:, -1], nan_policy="raise"),
        good=_correlated(),
        parameter="'(drivers|overall)'",
        wrong_shape=lambda x: shapley_importance(x[:, :-1], x[:-3, -1]),
    ),
    "kano.analyze": Case(
        call=lambda x: kano.analyze(x[:, :3], x[:, 3:], nan_policy="raise"),
        good=_likert(k=6, hi=5),
        parameter="'(functional|dysfunctional)'",
        off_scale=_with(_likert(k=6, hi=5), 4, 2, 6.0),
        wrong_shape=lambda x: kano.analyze(x[:, :3], x[:, 3:5]),
    ),
    "servqual.gaps": Case(
        call=lambda x: servqual.gaps(x[:, :22], x[:, 22:], nan_policy="raise"),
        good=_likert(k=44),
        parameter="'(perceptions|expectations)'",
        off_scale=_with(_likert(k=44), 1, 3, 8.0),
        wrong_shape=lambda x: servqual.gaps(x[:, :22], x[:, 22:40]),
    ),
    "acsi.fit": Case(
        call=lambda x: acsi.fit(x, _TWO_BLOCKS, scale=(1, 10), nan_policy="raise"),
        good=_correlated(),
        parameter="'data'",
        off_scale=_with(_correlated(), 2, 2, 11.0),
        wrong_shape=lambda x: acsi.fit(x[:, :4], _TWO_BLOCKS, scale=(1, 10)),
    ),
}


@pytest.fixture(params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return CASES[request.param]


def test_empty_input_raises(case: Case) -> None:
    with pytest.raises(InputError, match=case.parameter):
        case.call(case.good[:0])


def test_nan_raises_under_raise_policy(case: Case) -> None:
    with pytest.raises(InputError, match=case.parameter):
        case.call(_with(case.good, 1, 0, np.nan))


def test_wrong_shape_raises(case: Case) -> None:
    if case.wrong_shape is None:
        pytest.skip("function takes a single matrix of any shape")
    with pytest.raises(InputError):
        case.wrong_shape(case.good)


def test_off_scale_raises(case: Case) -> None:
    if case.off_scale is None:
        pytest.skip("function has no declared answer scale")
    with pytest.raises(InputError, match=case.parameter):
        case.call(case.off_scale)


def test_result_contract(case: Case) -> None:
    res: Any = case.call(case.good)
    is_instance = dataclasses.is_dataclass(res) and not isinstance(res, type)
    assert is_instance
    field = next(iter(res.__dataclass_fields__))
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(res, field, None)
    json.dumps(res.to_dict())
    assert len(res.to_frame("pandas")) > 0
    assert res.to_frame("polars").height > 0
    assert repr(res)
    assert str(res.summary())
    assert "<table>" in res._repr_html_()
    with pytest.raises(TypeError):
        iter(res)
