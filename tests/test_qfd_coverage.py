"""Edges of qfd, value and retention: every refusal and every rendering branch."""

from __future__ import annotations

import json
import warnings
from typing import Any

import numpy as np
import pytest

from satmodels import InputError, SatmodelsWarning, SmallSampleWarning, qfd, retention
from satmodels import value as dv


def test_house_label_and_input_refusals() -> None:
    rel = [[9, 0], [0, 9]]
    for bad in ("ab", 3, ["a", ""], ["a", 1]):
        with pytest.raises(InputError, match="requirements"):
            qfd.house(rel, importance=[1, 1], requirements=bad)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="importance"):
        qfd.house(rel, importance=[1, "x"])
    with pytest.raises(InputError, match="importance"):
        qfd.house(rel, importance=[1, float("inf")])
    with pytest.raises(InputError, match="importance"):
        qfd.house(rel, importance=3.0)
    with pytest.raises(InputError, match="importance"):
        qfd.house(rel, importance={"x": 1, "y": 2, "z": 3})
    with pytest.raises(InputError, match="roof"):
        qfd.house(rel, importance=[1, 1], roof=[["a", "b"], ["c", "d"]])
    with pytest.raises(InputError, match="relationships"):
        qfd.house([[[9]]], importance=[1])


def test_kano_categories_given_three_ways() -> None:
    rel = [[9, 0], [0, 9]]
    kw: dict[str, Any] = {
        "importance": [1, 1],
        "performance": [1, 1],
        "planned": [2, 2],
    }
    with pytest.raises(InputError, match="no category"):
        qfd.house(rel, **kw, kano={"r1": "A"})
    with pytest.raises(InputError, match="3 categories"):
        qfd.house(rel, **kw, kano=["A", "O", "M"])
    with pytest.raises(InputError, match="kano"):
        qfd.house(rel, **kw, kano="AO")
    for bad in ([1], "x", {"I": "x"}, {"A": -1.0}):
        with pytest.raises(InputError, match="kano_exponents"):
            qfd.house(rel, **kw, kano=("A", "M"), kano_exponents=bad)  # type: ignore[arg-type]
    res = qfd.house(rel, **kw, kano=("A", "M"), kano_exponents={"A": 3.0})
    assert res.adjusted_ratio == pytest.approx({"r1": 8.0, "r2": 2**0.5})


def test_lower_triangle_roof_and_rendering() -> None:
    rel = np.eye(6) * 9
    lower = np.zeros((6, 6))
    lower[3, 1] = -1
    res = qfd.house(
        rel, importance=np.arange(1.0, 7.0), roof=lower, performance=np.ones(6),
        kano=["O"] * 6,
    )  # fmt: skip
    assert res.tradeoffs == (("x1", "x3", -1.0),)
    assert res.roof is not None and res.roof[1, 3] == -1
    assert "..." in repr(res)
    text = str(res.summary())
    assert "kano" in text and "Trade-offs" in text
    json.dumps(res.to_dict(), allow_nan=False)
    low, _ = res.confidence_interval()
    assert np.isnan(low).all()


def test_zero_matrix_warns_and_is_listed() -> None:
    with pytest.warns(SatmodelsWarning) as caught:
        res = qfd.house([[0, 0], [0, 0]], importance=[1, 1])
    assert any("relative importance is NaN" in str(w.message) for w in caught)
    assert res.unaddressed == ("r1", "r2") and res.unused == ("x0", "x1")
    assert np.isnan(list(res.technical_share.values())).all()
    text = str(res.summary())
    assert "no characteristic addresses" in text and "related to no" in text
    json.dumps(res.to_dict(), allow_nan=False)


def test_value_bootstrap_with_too_few_finite_replicates() -> None:
    data = {"p": np.array([5.0, 5.0]), "c": np.array([0.0, 0.0])}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = dv.delivered_value(data, product="p", money="c", n_resamples=20, rng=1)
    kinds = {type(w.message) for w in caught}
    assert SmallSampleWarning in kinds and SatmodelsWarning in kinds
    assert np.isnan(res.value_ratio)
    assert np.isnan(res.se["value_ratio"])
    assert res.se["delivered_value"] == 0.0


def test_value_no_complete_rows_and_levels() -> None:
    data = {"p": np.array([5.0, np.nan]), "c": np.array([np.nan, 2.0])}
    with pytest.raises(InputError, match="no usable row"):
        dv.delivered_value(data, product="p", money="c")
    rng = np.random.default_rng(0)
    ok = {"p": rng.normal(7, 1, 30), "c": rng.normal(4, 1, 30)}
    t = dv.delivered_value(ok, product="p", money="c")
    low, high = t.confidence_interval(0.5)
    assert (high - low < t.estimates.ci_high - t.estimates.ci_low).all()
    assert type(t.to_frame("polars")).__module__.startswith("polars")
    boot = dv.delivered_value(ok, product="p", money="c", n_resamples=30, rng=2)
    with pytest.raises(InputError, match="confidence_level"):
        boot.confidence_interval(0.5)
    with pytest.raises(InputError, match="n_resamples"):
        dv.delivered_value(ok, product="p", money="c", n_resamples=-1)


def test_retention_result_rendering() -> None:
    res = retention.lifetime_value(
        margin=10.0, retention=0.5, discount=0.1, periods=3, timing="start"
    )
    assert "Sum over 3 periods" in str(res.summary())
    start = retention.lifetime_value(
        margin=10.0, retention=0.5, discount=0.1, timing="start"
    )
    assert "m (1 + d)" in str(start.summary())
    assert type(start.to_frame("polars")).__module__.startswith("polars")


def test_overflowing_weights_are_refused() -> None:
    with pytest.raises(InputError, match="overflow"):
        qfd.house([[9, 9]], importance=[1e308])
    with pytest.raises(InputError, match="overflow"):
        qfd.house([[1]], importance=[1e308], performance=[1e-10], planned=[1e10])


def test_overflowing_figures_and_bad_component_weights() -> None:
    with pytest.raises(InputError, match="overflow"):
        retention.lifetime_value(margin=1e308, retention=0.99, discount=0.0)
    with pytest.raises(InputError, match="overflow"):
        retention.lifetime_value(
            margin=1e308, retention=0.5, discount=0.1, periods=3, customers=1e308
        )
    with pytest.raises(InputError, match="overflow"):
        retention.acquisition_vs_retention(
            margin=1e308, retention=0.99, discount=0.0, acquisition_cost=1.0,
            retention_cost=1.0, prospects=1e308,
        )  # fmt: skip
    data = {"a": np.arange(5.0), "b": np.arange(5.0) + 1}
    with pytest.raises(InputError, match="component_weights"):
        dv.delivered_value(data, product="a", money="b", component_weights="x")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="overflow"):
        dv.delivered_value(
            data, product="a", money="b", component_weights={"product": 1e308}
        )
    with pytest.raises(InputError, match="overflow"):
        dv.from_figures(value={"product": 1e308, "image": 1e308}, cost={"money": 1})


WEIRD: list[object] = [
    None, "x", [], [[]], [1], [[1, 2], [3]], {"a": [1]}, np.array([[np.nan]]),
    [[1e308, 1e308]], object(), [[True, False]], 3, [["a"]], np.zeros((0, 2)),
]  # fmt: skip
OPTIONS: dict[str, list[object]] = {
    "performance": [[[1, 2]], "x", {"r1": 1}, [np.inf, 1], object()],
    "planned": ["worst", [0, 1], [1]],
    "sales_points": ["x", {"r1": 1, "r2": 2}, [0, 1]],
    "competitors": [{"b": "x"}, [1], {"b": {"r1": 1}}],
    "kano": ["AO", {"r1": "A"}, [1, 2], ["A"]],
    "roof": ["x", [[0, 5], [0, 0]], [[0, np.nan], [0, 0]], [[1, 2, 3]]],
    "scale": [(9, 0), "x", (1, 2, 3)],
    "roof_scale": ["x", (1,)],
    "requirements": ["ab", [1, 2], ["a", "a"]],
    "characteristics": [["x"], "xy"],
}


def _house_or_input_error(relationships: object, **kw: Any) -> None:
    """A house or an InputError; nothing foreign, no infinite number."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SatmodelsWarning)
        try:
            res = qfd.house(relationships, **kw)
        except InputError:
            return
    assert not np.isinf(res.estimates.estimate).any()
    json.dumps(res.to_dict(), allow_nan=False)


@pytest.mark.parametrize("relationships", WEIRD, ids=range(len(WEIRD)))
def test_no_foreign_exception_from_odd_matrices(relationships: object) -> None:
    for importance in ([1], [1, 2], {"a": 1}, [[1, 2]], "x", object()):
        _house_or_input_error(relationships, importance=importance)


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_no_foreign_exception_from_odd_options(option: str) -> None:
    for bad in OPTIONS[option]:
        kw: dict[str, Any] = {"importance": [1, 2], "performance": [1, 2]}
        kw[option] = bad
        _house_or_input_error([[9, 3], [0, 1]], **kw)
