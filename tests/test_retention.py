"""Retention economics against published figures and hand computations."""

from __future__ import annotations

import json

import numpy as np
import pytest

from satmodels import InputError, SatmodelsWarning, retention


@pytest.mark.parametrize(
    ("r", "d", "printed"),
    [
        # Gupta & Lehmann (2003): the margin multiple r / (1 + i - r) as
        # tabulated to two decimals for retention 60-90 % and discount
        # rates 10-16 %.
        (0.6, 0.10, 1.20),
        (0.7, 0.12, 1.67),
        (0.8, 0.12, 2.50),
        (0.9, 0.10, 4.50),
        (0.9, 0.16, 3.46),
    ],
)
def test_margin_multiple_gupta_lehmann(r: float, d: float, printed: float) -> None:
    res = retention.lifetime_value(margin=100.0, retention=r, discount=d)
    assert round(res.margin_multiple, 2) == printed
    assert res.margin_multiple == pytest.approx(r / (1.0 + d - r), rel=1e-14)
    assert res.clv == pytest.approx(100.0 * res.margin_multiple, rel=1e-14)
    assert res.expected_lifetime == pytest.approx(1.0 / (1.0 - r), rel=1e-14)


def test_zero_margin_and_numpy_scalars() -> None:
    with pytest.warns(SatmodelsWarning, match="margin multiple"):
        res = retention.lifetime_value(margin=0.0, retention=0.5, discount=0.1)
    assert res.clv == 0.0
    assert np.isnan(res.margin_multiple)
    res = retention.lifetime_value(
        margin=np.float64(10.0), retention=np.float64(0.5), discount=0.0,
        periods=np.int64(3),  # type: ignore[arg-type]
    )  # fmt: skip
    assert res.clv == pytest.approx(8.75)
    with pytest.raises(InputError, match="periods"):
        retention.lifetime_value(margin=1.0, retention=0.5, discount=0.0, periods=2.5)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="periods"):
        retention.lifetime_value(margin=1.0, retention=0.5, discount=0.0, periods=True)


def test_start_timing_and_growth_by_hand() -> None:
    # first margin at once: m (1 + d) / (1 + d - r) = 100 * 1.1 / 0.3
    res = retention.lifetime_value(
        margin=100.0, retention=0.8, discount=0.1, timing="start"
    )
    assert res.clv == pytest.approx(110.0 / 0.3, rel=1e-12)
    # growing margin: m r / (1 + d - r (1 + g)) = 100 * 0.8 / (1.1 - 0.84)
    grown = retention.lifetime_value(
        margin=100.0, retention=0.8, discount=0.1, margin_growth=0.05
    )
    assert grown.clv == pytest.approx(80.0 / 0.26, rel=1e-12)


def test_cohort_sum_converges_to_the_closed_form() -> None:
    for timing in ("end", "start"):
        closed = retention.lifetime_value(
            margin=50.0, retention=0.85, discount=0.08, margin_growth=0.02,
            timing=timing,
        )  # fmt: skip
        summed = retention.lifetime_value(
            margin=50.0, retention=0.85, discount=0.08, margin_growth=0.02,
            timing=timing, periods=2000,
        )  # fmt: skip
        assert summed.clv == pytest.approx(closed.clv, rel=1e-12)


def test_cohort_table_by_hand() -> None:
    # 1000 customers, r = 0.5, m = 10, d = 0: survivors 500, 250, 125
    res = retention.lifetime_value(
        margin=10.0, retention=0.5, discount=0.0, periods=3, customers=1000.0
    )
    assert res.cohort is not None
    np.testing.assert_allclose(res.cohort["survivors"], [500.0, 250.0, 125.0])
    np.testing.assert_allclose(res.cohort["cumulative"], [5000.0, 7500.0, 8750.0])
    assert res.clv == pytest.approx(8.75)
    assert res.expected_lifetime == pytest.approx(1.75)  # 1 + 0.5 + 0.25
    assert res.customer_equity == pytest.approx(8750.0)


def test_retention_effect_reichheld_sasser() -> None:
    # Reichheld & Sasser (1990): 90 % -> 95 % retention doubles the
    # average customer life from 10 to 20 years.
    res = retention.retention_effect(
        margin=100.0, retention=0.90, new_retention=0.95, discount=0.10
    )
    assert res.before.expected_lifetime == pytest.approx(10.0)
    assert res.after.expected_lifetime == pytest.approx(20.0)
    # by hand: 4.5 -> 6.3333 margins, +40.74 %
    assert res.relative_change == pytest.approx((0.95 / 0.15) / 4.5 - 1.0)
    assert res.estimates.value("relative_change") == res.relative_change
    json.dumps(res.to_dict(), allow_nan=False)


def test_growing_margin_strengthens_the_effect() -> None:
    flat = retention.retention_effect(
        margin=100.0, retention=0.80, new_retention=0.85, discount=0.10
    )
    grown = retention.retention_effect(
        margin=100.0, retention=0.80, new_retention=0.85, discount=0.10,
        margin_growth=0.1,
    )  # fmt: skip
    assert grown.relative_change > flat.relative_change > 0


def test_acquisition_vs_retention_blattberg_deighton_by_hand() -> None:
    res = retention.acquisition_vs_retention(
        margin=100.0, retention=0.75, discount=0.2,
        acquisition_cost=30.0, acquisition_rate=0.1, retention_cost=15.0,
        prospects=1000.0,
    )  # fmt: skip
    assert res.cost_per_acquired == pytest.approx(300.0)
    assert res.cost_per_retained == pytest.approx(20.0)
    assert res.cost_ratio == pytest.approx(15.0)
    # (m - R/r) r / (1 + d - r) = 80 * 0.75 / 0.45
    assert res.retained_value == pytest.approx(80.0 * 0.75 / 0.45)
    # a m - A + a (m - R/r) r / (1 + d - r)
    equity = 0.1 * 100.0 - 30.0 + 0.1 * 80.0 * 0.75 / 0.45
    assert res.equity_per_prospect == pytest.approx(equity)
    assert res.customer_equity == pytest.approx(1000.0 * equity)


def test_six_times_is_a_ratio_not_a_constant() -> None:
    res = retention.acquisition_vs_retention(
        margin=100.0, retention=0.8, discount=0.1,
        acquisition_cost=600.0, retention_cost=80.0,
    )  # fmt: skip
    assert res.cost_ratio == pytest.approx(6.0)
    with pytest.warns(SatmodelsWarning, match="retention_cost is 0"):
        no_cost = retention.acquisition_vs_retention(
            margin=100.0, retention=0.8, discount=0.1, acquisition_cost=600.0
        )
    assert np.isnan(no_cost.cost_ratio)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"retention": 1.0}, "retention"),
        ({"retention": -0.1}, "retention"),
        ({"discount": 1.0}, "discount"),
        ({"margin": float("nan")}, "margin"),
        ({"margin": "100"}, "margin"),
        ({"periods": 0}, "periods"),
        ({"timing": "middle"}, "timing"),
        ({"margin_growth": 0.3, "retention": 0.9}, "margin_growth"),
    ],
)
def test_inputs_are_validated(kwargs: dict[str, object], word: str) -> None:
    call = {"margin": 100.0, "retention": 0.8, "discount": 0.1} | kwargs
    with pytest.raises(InputError, match=word):
        retention.lifetime_value(**call)  # type: ignore[arg-type]


def test_new_retention_is_named_and_zero_clv_refused() -> None:
    with pytest.raises(InputError, match="new_retention"):
        retention.retention_effect(
            margin=1.0, retention=0.5, new_retention=1.0, discount=0.1
        )
    with pytest.raises(InputError, match="retention"):
        retention.retention_effect(
            margin=1.0, retention=0.0, new_retention=0.5, discount=0.1
        )
    with pytest.raises(InputError, match="acquisition_rate"):
        retention.acquisition_vs_retention(
            margin=1.0, retention=0.5, discount=0.1, acquisition_cost=1.0,
            acquisition_rate=0.0,
        )  # fmt: skip


def test_results_render() -> None:
    for res in (
        retention.lifetime_value(margin=1.0, retention=0.5, discount=0.1, periods=4),
        retention.retention_effect(
            margin=1.0, retention=0.5, new_retention=0.6, discount=0.1
        ),
        retention.acquisition_vs_retention(
            margin=1.0,
            retention=0.5,
            discount=0.1,
            acquisition_cost=1.0,
            retention_cost=0.5,
        ),
    ):
        assert len(repr(res)) < 300
        assert "<table" in res._repr_html_()
        assert str(res.summary()).strip()
        json.dumps(res.to_dict(), allow_nan=False)
        assert list(res.to_frame()["interval"].unique()) == ["none"]
        low, _ = res.confidence_interval()
        assert np.isnan(low).all()
