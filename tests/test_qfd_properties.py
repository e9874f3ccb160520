"""Hypothesis properties of the house of quality, delivered value and CLV."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from satmodels import SatmodelsWarning, qfd, retention, value

LEVEL = st.sampled_from([0.0, 1.0, 3.0, 9.0])


@st.composite
def houses(draw: st.DrawFn) -> dict[str, Any]:
    m = draw(st.integers(1, 6))
    n = draw(st.integers(1, 5))
    rel = draw(hnp.arrays(np.float64, (m, n), elements=LEVEL))
    assume(rel.any(axis=1).all())
    assume(rel.any(axis=0).all())
    positive = st.floats(0.5, 10.0, allow_nan=False)
    imp = np.asarray(draw(st.lists(positive, min_size=m, max_size=m)))
    perf = np.asarray(draw(st.lists(positive, min_size=m, max_size=m)))
    goal = np.asarray(draw(st.lists(positive, min_size=m, max_size=m)))
    return {"rel": rel, "imp": imp, "perf": perf, "goal": goal}


def _house(h: dict[str, Any], **kwargs: Any) -> qfd.HouseResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SatmodelsWarning)
        return qfd.house(h["rel"], importance=h["imp"], **kwargs)


@settings(deadline=None, max_examples=80)
@given(houses(), st.floats(0.01, 100.0))
def test_shares_sum_to_one_and_ignore_the_importance_unit(
    h: dict[str, Any], c: float
) -> None:
    res = _house(h)
    shares = np.array(list(res.technical_share.values()))
    assert np.isclose(shares.sum(), 1.0)
    assert (shares >= 0).all()
    scaled = qfd.house(h["rel"], importance=c * h["imp"])
    np.testing.assert_allclose(
        list(scaled.technical_share.values()), shares, rtol=1e-10
    )
    np.testing.assert_allclose(
        list(scaled.technical_importance.values()),
        c * np.array(list(res.technical_importance.values())),
        rtol=1e-10,
    )


@settings(deadline=None, max_examples=80)
@given(houses(), st.randoms(use_true_random=False))
def test_the_order_of_requirements_does_not_matter(h: dict[str, Any], rnd: Any) -> None:
    m = h["rel"].shape[0]
    order = list(range(m))
    rnd.shuffle(order)
    res = _house(h, performance=h["perf"], planned=h["goal"])
    shuffled = {
        "rel": h["rel"][order],
        "imp": h["imp"][order],
    }
    other = _house(shuffled, performance=h["perf"][order], planned=h["goal"][order])
    np.testing.assert_allclose(
        list(other.technical_importance.values()),
        list(res.technical_importance.values()),
        rtol=1e-10,
    )


@settings(deadline=None, max_examples=80)
@given(houses())
def test_kano_one_dimensional_everywhere_is_no_adjustment(h: dict[str, Any]) -> None:
    m = h["rel"].shape[0]
    plain = _house(h, performance=h["perf"], planned=h["goal"])
    ones = _house(h, performance=h["perf"], planned=h["goal"], kano=["O"] * m)
    assert ones.normalized_weight == plain.normalized_weight
    attractive = _house(h, performance=h["perf"], planned=h["goal"], kano=["A"] * m)
    must = _house(h, performance=h["perf"], planned=h["goal"], kano=["M"] * m)
    assert plain.improvement_ratio is not None
    for r, ratio in plain.improvement_ratio.items():
        a = attractive.adjusted_ratio[r]  # type: ignore[index]
        mb = must.adjusted_ratio[r]  # type: ignore[index]
        # A amplifies and M damps a ratio's distance from 1, in either direction
        if ratio > 1:
            assert a >= ratio >= mb >= 1
        elif ratio < 1:
            assert a <= ratio <= mb <= 1


@settings(deadline=None, max_examples=60)
@given(
    hnp.arrays(np.float64, (12, 4), elements=st.integers(1, 7).map(float)),
    st.randoms(use_true_random=False),
    st.floats(-3.0, 3.0),
)
def test_delivered_value_shuffle_and_shift(x: Any, rnd: Any, c: float) -> None:
    cols = ["v1", "v2", "c1", "c2"]
    data = {k: x[:, j] for j, k in enumerate(cols)}
    kw: dict[str, Any] = {"product": "v1", "image": "v2", "money": "c1", "energy": "c2"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SatmodelsWarning)
        res = value.delivered_value(data, **kw)
        order = list(range(12))
        rnd.shuffle(order)
        same = value.delivered_value({k: v[order] for k, v in data.items()}, **kw)
        shifted = value.delivered_value(
            data | {"v1": data["v1"] + c, "v2": data["v2"] + c}, **kw
        )
    np.testing.assert_allclose(
        same.estimates.estimate, res.estimates.estimate, rtol=1e-12, equal_nan=True
    )
    # two value components shifted by c move the total value by 2c, not its SE
    assert np.isclose(shifted.total_value, res.total_value + 2 * c)
    assert np.isclose(shifted.delivered_value, res.delivered_value + 2 * c)
    assert np.isclose(
        shifted.se["delivered_value"], res.se["delivered_value"], equal_nan=True
    )


@settings(deadline=None, max_examples=100)
@given(
    st.floats(0.0, 0.99),
    st.floats(0.0, 0.99),
    st.floats(0.0, 0.3),
)
def test_clv_rises_with_retention_and_falls_with_discount(
    r: float, r2: float, d: float
) -> None:
    lo, hi = sorted((r, r2))
    a = retention.lifetime_value(margin=10.0, retention=lo, discount=d)
    b = retention.lifetime_value(margin=10.0, retention=hi, discount=d)
    assert b.clv >= a.clv
    c = retention.lifetime_value(margin=10.0, retention=hi, discount=d + 0.05)
    assert c.clv <= b.clv
