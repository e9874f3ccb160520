"""Calibration weights (satmodels.weighting.calibrate) against R's survey.

Reference: tests/golden/calibrate_survey.csv, computed by
tests/golden/calibrate_survey.R (survey::calibrate with calfun "linear",
"raking" and "logit", with and without bounds) on
tests/golden/weighting_sample.csv with its weights scaled to the population
size (the CSV's column ``w``).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels import ConvergenceWarning, EstimationError, InputError
from satmodels.weighting import WeightingResult, calibrate, rake

GOLDEN = Path(__file__).parent / "golden"
REGION: dict[Any, float] = {"E": 2500, "N": 3500, "S": 2400, "W": 1600}
SEX: dict[Any, float] = {1: 4900, 2: 5100}
AGE_TOTAL = 20000.0


def _read(name: str) -> dict[str, list[str]]:
    with (GOLDEN / name).open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {k: [r[k] for r in rows] for k in rows[0]}


@pytest.fixture(scope="module")
def reference() -> dict[str, np.ndarray[Any, Any]]:
    raw = _read("calibrate_survey.csv")
    return {k: np.array(v, dtype=np.float64) for k, v in raw.items()}


@pytest.fixture(scope="module")
def sample(reference: dict[str, np.ndarray[Any, Any]]) -> dict[str, Any]:
    raw = _read("weighting_sample.csv")
    return {
        "region": np.array(raw["region"], dtype=object),
        "age": np.array(raw["age"], dtype=np.float64),
        "sex": np.array(raw["sex"], dtype=np.float64),
        "w": reference["w"],
    }


def _weights(res: WeightingResult) -> np.ndarray[Any, Any]:
    assert res.weights is not None
    return res.weights


@pytest.mark.parametrize(
    ("method", "bounds", "column"),
    [
        ("linear", None, "linear"),
        ("linear", (0.5, 1.8), "linear_bounded"),
        ("raking", None, "raking"),
        ("logit", (0.4, 2.2), "logit"),
    ],
)
def test_calibrate_matches_survey(
    sample: dict[str, Any],
    reference: dict[str, np.ndarray[Any, Any]],
    method: str,
    bounds: tuple[float, float] | None,
    column: str,
) -> None:
    res = calibrate(
        sample,
        margins={"region": REGION, "sex": SEX},
        totals={"age": AGE_TOTAL},
        method=method,
        bounds=bounds,
        weights="w",
        max_iter=200,
    )
    np.testing.assert_allclose(_weights(res), reference[column], rtol=1e-8)
    assert res.converged
    assert res.method == f"calibrate ({method})"
    # every total met
    for name, target in res.target.items():
        assert res.estimates.value(name, kind="margin") == pytest.approx(
            target, rel=1e-9
        )
    if bounds is not None:
        g = _weights(res) / sample["w"]
        assert g.min() >= bounds[0] - 1e-9
        assert g.max() <= bounds[1] + 1e-9
    assert res.cells == ()  # a numeric total: one factor per row
    pl = pytest.importorskip("polars")
    with pytest.raises(InputError, match="own factor"):
        res.apply(pl.DataFrame({"region": sample["region"].tolist()}))


def test_raking_calibration_on_margins_equals_rake(
    sample: dict[str, Any], reference: dict[str, np.ndarray[Any, Any]]
) -> None:
    margins: dict[str, dict[Any, float]] = {"region": REGION, "sex": SEX}
    res = calibrate(sample, margins=margins, method="raking", weights="w")
    np.testing.assert_allclose(_weights(res), reference["raking_margins"], rtol=1e-8)
    raked = rake(sample, margins=margins, weights="w")
    np.testing.assert_allclose(_weights(res), _weights(raked), rtol=1e-8)
    assert len(res.cells) == len(res.factors) == 8  # one factor per cell
    assert res.factor_of("N", 2) == pytest.approx(raked.factor_of("N", 2), rel=1e-8)


def test_linear_calibration_by_hand() -> None:
    # GREG weights: g = 1 + x'lambda, lambda = (X'WX)^-1 (T - X'w)
    x = np.array([[1.0, 2.0], [1.0, 5.0], [1.0, 3.0], [1.0, 7.0]])
    w = np.array([10.0, 20.0, 15.0, 5.0])
    t = np.array([60.0, 250.0])
    lam = np.linalg.solve(x.T @ (w[:, None] * x), t - x.T @ w)
    expected = w * (1 + x @ lam)
    n = np.ones(4)
    res = calibrate(
        {"one": n, "v": x[:, 1], "w": w},
        totals={"one": 60.0, "v": 250.0},
        weights="w",
    )
    np.testing.assert_allclose(_weights(res), expected, rtol=1e-12)
    assert res.iterations == 1


def test_zero_weights_stay_zero_and_are_counted(sample: dict[str, Any]) -> None:
    w = sample["w"].copy()
    w[:4] = 0.0
    res = calibrate(sample | {"w": w}, margins={"region": REGION}, weights="w")
    assert np.all(_weights(res)[:4] == 0)
    assert res.n_zero_weight == 4
    assert res.estimates.value("region=N", kind="margin") == pytest.approx(3500)


def test_bounds_that_cannot_be_met_warn() -> None:
    data = {"r": [1, 1, 1, 2], "w": [1.0, 1.0, 1.0, 1.0]}
    with pytest.warns(ConvergenceWarning, match="converged=False"):
        res = calibrate(
            data, margins={"r": {1: 10, 2: 90}}, weights="w", bounds=(0.5, 2.0)
        )
    assert not res.converged


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, "needs population totals"),
        ({"totals": {"age": 1.0}, "method": "greg"}, "'method'"),
        ({"totals": {"age": 1.0}, "method": "logit"}, "'bounds'.*required"),
        ({"totals": {"age": 1.0}, "bounds": (1.2, 2.0)}, "'bounds'"),
        (
            {"totals": {"age": 1.0}, "method": "logit", "bounds": (0.5, np.inf)},
            "'bounds'",
        ),
        ({"totals": {"age": "many"}}, "'totals'"),
        ({"totals": {"age": 1.0}, "tolerance": 0}, "'tolerance'"),
        ({"totals": {"age": 1.0}, "max_iter": 0}, "max_iter"),
    ],
)
def test_calibrate_refuses_bad_input(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(InputError, match=match):
        calibrate({"age": [1.0, 2.0, 3.0], "w": [1.0, 1.0, 1.0]}, **kwargs)


def test_missing_numeric_values_and_lazy_frames_are_refused() -> None:
    with pytest.raises(InputError, match=r"'age'.*missing"):
        calibrate({"age": [1.0, np.nan, 3.0]}, totals={"age": 6.0})
    pl = pytest.importorskip("polars")
    with pytest.raises(InputError):
        calibrate(pl.LazyFrame({"age": [1.0, 2.0]}), totals={"age": 6.0})


def test_labels_without_respondents_and_zero_weights_are_refused() -> None:
    data = {"r": [1.0, 1.0, 2.0], "w": [1.0, 2.0, 3.0]}
    with pytest.raises(InputError, match="r='3'"):
        calibrate(data, margins={"r": {1: 5, 2: 5, 3: 5}}, weights="w")
    with pytest.raises(InputError, match="positive weight"):
        calibrate(
            data | {"w": [0.0, 0.0, 0.0]}, margins={"r": {1: 5, 2: 5}}, weights="w"
        )


def test_overflowing_newton_steps_are_refused_not_returned() -> None:
    # raking to totals a thousand times the sample's: exp overflows
    data = {"v": [1e3, 2e3, 3e3]}
    with pytest.raises((EstimationError, ConvergenceWarning)):
        calibrate(data, totals={"v": 1e9}, method="raking", max_iter=5)
