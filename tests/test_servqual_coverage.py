"""Edge cases and error paths of satmodels.servqual, each checked by hand.

The hand example is the one of ``tests/test_servqual.py``: three
respondents, items s1, s2 (speed) and f1 (staff); item gaps P - E are
s1 (-2, -2, -1), s2 (-1, -1, -2), f1 (1, 0, 0), i.e. means -5/3, -4/3, 1/3
(Parasuraman, Zeithaml & Berry 1988: gap = perception - expectation).
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from adapters import pe as _pe
from scipy import stats

from satmodels import InputError, Moments, SatmodelsWarning
from satmodels.servqual import (
    Instrument,
    compare,
    five_gaps,
    gaps,
    reliability,
    servperf,
    zone_of_tolerance,
)

SMALL = Instrument.define({"speed": ["s1", "s2"], "staff": ["f1"]}, name="small")
P_HAND = np.array([[5, 6, 7], [4, 4, 6], [6, 5, 7]], dtype=float)
E_HAND = np.array([[7, 7, 6], [6, 5, 6], [7, 7, 7]], dtype=float)
ITEM_GAPS = [-5 / 3, -4 / 3, 1 / 3]
COLUMNS = ["p1", "p2", "p3", "e1", "e2", "e3"]


def _mapping() -> dict[str, Any]:
    both = np.column_stack([P_HAND, E_HAND])
    return {c: both[:, j] for j, c in enumerate(COLUMNS)}


# ------------------------------------------------------------ instrument
def test_instrument_consistency_rules() -> None:
    with pytest.raises(InputError, match=r"dimensions without items: \['b'\]"):
        Instrument.define({"a": ["x"], "b": []})
    # 1 and "1" are both the dimension "1" once turned into text
    with pytest.raises(InputError, match=r"dimension names must be unique.*\['1'\]"):
        Instrument.define({1: ["x"], "1": ["y"]})  # type: ignore[dict-item]
    # a hand-edited JSON instrument whose item names an unlisted dimension
    text = json.dumps({"items": [{"id": "x", "dimension": "b"}], "dimensions": ["a"]})
    with pytest.raises(
        ValueError, match=r"items refer to dimensions not listed.*\['b'\]"
    ):
        Instrument.model_validate_json(text)


# ------------------------------------------------------------ ingestion
def test_frame_columns_by_name_in_any_order() -> None:
    pd = pytest.importorskip("pandas")
    # columns shuffled, plus a numeric wave column that is not an item
    frame = pd.DataFrame(
        {
            "f1": P_HAND[:, 2],
            "wave": [1, 1, 2],
            "e_s2": E_HAND[:, 1],
            "s2": P_HAND[:, 1],
            "e_f1": E_HAND[:, 2],
            "s1": P_HAND[:, 0],
            "e_s1": E_HAND[:, 0],
        }
    )
    kw: dict[str, Any] = {
        "perceptions": ["s1", "s2", "f1"],
        "expectations": ["e_s1", "e_s2", "e_f1"],
        "instrument": SMALL,
    }
    with pytest.warns(SatmodelsWarning, match="fewer than 2"):
        res = gaps(frame, **kw, segments="wave")
    assert res.items.estimate == pytest.approx(ITEM_GAPS, abs=1e-12)
    assert res.segments is not None
    # wave 2 is respondent 3 alone: gaps -1, -2, 0
    assert res.segments["2"].items.estimate == pytest.approx([-1, -2, 0])
    assert res.segments["1"].items.estimate == pytest.approx([-2, -1, 0.5])
    assert isinstance(res.to_frame(), pd.DataFrame)


def test_column_lists_must_not_repeat() -> None:
    with pytest.raises(InputError, match=r"repeat column\(s\) \['p1'\]"):
        gaps(
            _mapping(),
            perceptions=["p1", "p2", "p3"],
            expectations=["p1", "e2", "e3"],
            instrument=SMALL,
        )


def test_moments_data_checks() -> None:
    m = Moments.from_data(np.column_stack([P_HAND, E_HAND]), columns=COLUMNS)
    kw: dict[str, Any] = {
        "perceptions": COLUMNS[:3],
        "expectations": COLUMNS[3:],
        "instrument": SMALL,
    }
    with pytest.raises(InputError, match=r"'segments' parameter of gaps cannot"):
        gaps(m, **kw, segments=[1, 2, 3])
    # E + 3 has mean (7 + 6 + 7) / 3 + 3 = 29/3 for e1: off the 1-7 scale
    shifted = Moments.from_data(np.column_stack([P_HAND, E_HAND + 3]), columns=COLUMNS)
    with pytest.raises(
        InputError, match=r"Column 'e1' of the data of gaps has mean 9\.666"
    ):
        gaps(shifted, **kw)


def test_nan_policy_raise_without_missing_equals_omit() -> None:
    strict = gaps(_pe(P_HAND, E_HAND, SMALL), instrument=SMALL, nan_policy="raise")
    assert strict.items.estimate == pytest.approx(ITEM_GAPS, abs=1e-12)


# ------------------------------------------------------------ weights
@pytest.mark.parametrize(
    ("weights", "pattern"),
    [
        (
            {"speed": np.full(3, 60.0), "staff": np.full(2, 40.0)},
            r"per-respondent 'importance' of gaps must have one value per respondent",
        ),
        ("lots", r"'importance' parameter of gaps must be numeric"),
        (np.full((3, 3), 100 / 3), r"2 points or an \(n, 2\) array.*\(3, 3\)"),
        (np.full((2, 2), 50.0), r"'importance' of gaps has 2 rows; the answers have 3"),
        ({"speed": 150, "staff": -50}, r"Got -50\.0 for 'staff'\.$"),
    ],
)
def test_bad_weights(weights: object, pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        gaps(_pe(P_HAND, E_HAND, SMALL), instrument=SMALL, importance=weights)


def test_per_respondent_weights_all_missing() -> None:
    w = np.array([[60.0, 40.0], [np.nan, 100.0], [50.0, np.nan]])
    w[0, 0] = np.nan
    with pytest.warns(SatmodelsWarning, match="score 'weighted'"):
        res = gaps(_pe(P_HAND, E_HAND, SMALL), instrument=SMALL, importance=w)
    # nobody has a full allocation: no weighted score, no mean points
    assert res.importance is None
    assert res.weighted_score is not None and math.isnan(res.weighted_score)
    assert (
        res.missing_report.reasons["weighted score: missing importance or dimension"]
        == 3
    )
    # the unweighted score does not depend on the weights:
    # (speed -3/2 + staff 1/3) / 2 = -7/12
    assert res.unweighted_score == pytest.approx(-7 / 12)


# ------------------------------------------------------------ reliability
X = np.array([[1, 2, 2], [3, 3, 4], [5, 4, 5], [6, 6, 7], [2, 3, 2]], dtype=float)


def _alpha_by_hand(items: np.ndarray[Any, Any]) -> float:
    # Cronbach (1951): k/(k-1) (1 - sum of item variances / variance of sum)
    k = int(items.shape[1])
    item_var = float(items.var(axis=0, ddof=1).sum())
    total_var = float(items.sum(axis=1).var(ddof=1))
    return k / (k - 1) * (1 - item_var / total_var)


def test_reliability_of_a_one_item_dimension_is_undefined() -> None:
    rel = reliability(_pe(X, None, SMALL), instrument=SMALL)
    assert rel.alpha[0] == pytest.approx(_alpha_by_hand(X[:, :2]))
    # with two items the corrected item-total r is the inter-item r
    r12 = np.corrcoef(X[:, 0], X[:, 1])[0, 1]
    assert rel.item_total[:2] == pytest.approx([r12, r12])
    # k = 1: k / (k - 1) is undefined, and so are item-total and its interval
    assert math.isnan(rel.alpha[1])
    assert math.isnan(rel.item_total[2])
    assert math.isnan(rel.ci_low[1])


def test_reliability_from_moments_equals_rows() -> None:
    cols = ["s1", "s2", "f1"]
    m = Moments.from_data(X, columns=cols)
    rel = reliability(m, items=cols, instrument=SMALL)
    assert rel.alpha[0] == pytest.approx(_alpha_by_hand(X[:, :2]), rel=1e-12)
    assert rel.n.tolist()[0] == 5


def test_reliability_needs_two_complete_respondents() -> None:
    x = X.copy()
    x[1:, 0] = np.nan  # speed complete only in row 0
    rel = reliability(_pe(x, None, SMALL), instrument=SMALL)
    assert math.isnan(rel.alpha[0])
    assert rel.n.tolist()[0] == 0


# ------------------------------------------------------------ compare
def test_compare_needs_the_same_instrument_and_rows_when_paired() -> None:
    other = Instrument.define({"speed": ["s1", "s2"], "staff": ["f1"]}, name="other")
    a = gaps(_pe(P_HAND, E_HAND, SMALL), instrument=SMALL)
    b = gaps(_pe(P_HAND, E_HAND, other), instrument=other)
    with pytest.raises(InputError, match=r"different instruments \('small' and"):
        compare(a, b)
    s = servperf(_pe(P_HAND, None, SMALL), instrument=SMALL)
    with pytest.raises(InputError, match=r"paired=True in compare needs GapsResults"):
        compare(s, s, paired=True)


def test_compare_intervals_and_weighted_summary() -> None:
    w = {"speed": 50, "staff": 50}
    a = gaps(_pe(P_HAND, E_HAND, SMALL), instrument=SMALL, importance=w)
    b = gaps(_pe(P_HAND - 1, E_HAND, SMALL), instrument=SMALL, importance=w)
    res = compare(a, b)
    # every item gap differs by exactly 1; the standard errors are equal,
    # so Welch's df is 2 (n - 1) + 2 (n - 1) = 4 for each item
    assert res.items.estimate == pytest.approx([1, 1, 1])
    se = a.items.standard_error * math.sqrt(2)
    low, high = res.confidence_interval(0.9, by="item")
    t = stats.t.ppf(0.95, 4)
    assert low == pytest.approx(1 - t * se)
    assert high == pytest.approx(1 + t * se)
    text = str(res.summary())
    assert "weighted" in text
    assert "independent samples (Welch)" in text


# ------------------------------------------------------------ five gaps
def test_five_gaps_measures_of_every_kind() -> None:
    g5 = gaps(_pe(P_HAND, E_HAND, SMALL), instrument=SMALL)
    # an Estimates is re-levelled: t interval at the new level
    res = five_gaps(g5, gap2=g5.dimensions, confidence_level=0.9)
    est = res.gaps[2]
    assert est is not None
    t = stats.t.ppf(0.95, est.df[0])
    assert est.ci_low[0] == pytest.approx(-1.5 - t * g5.dimensions.standard_error[0])
    # per-respondent (n, d) scores: one column per dimension
    scores = np.array([[-1.0, 0.5], [0.0, 0.5], [-2.0, 2.0]])
    per = five_gaps(g5, gap3=scores).gaps[3]
    assert per is not None
    assert per.name == ("speed", "staff")
    assert per.estimate == pytest.approx([-1.0, 1.0])
    assert per.standard_error[0] == pytest.approx(1.0 / math.sqrt(3))  # sd 1
    lo, hi = five_gaps(g5, gap3=scores).confidence_interval(gap=3)
    half = stats.t.ppf(0.975, 2) * math.sqrt(0.75 / 3)
    assert lo[1] == pytest.approx(1.0 - half)
    assert hi[1] == pytest.approx(1.0 + half)
    with pytest.raises(InputError, match=r"'gap' parameter.*measured gap \[3, 5\]"):
        five_gaps(g5, gap3=scores).confidence_interval(gap=2)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"gap1": {"speed": "high"}}, r"'gap1' parameter of five_gaps must map"),
        ({"gap2": "abc"}, r"'gap2' parameter of five_gaps must be numeric"),
        ({"gap4": [1.0, np.inf]}, r"'gap4' parameter of five_gaps has infinite"),
        ({"gap1": math.nan}, r"'gap1' parameter of five_gaps must give finite"),
        ({"gap3": {"staff": math.inf}}, r"'gap3'.*finite.*\{'staff': inf\}"),
    ],
)
def test_five_gaps_bad_measures(kwargs: dict[str, Any], pattern: str) -> None:
    g5 = gaps(_pe(P_HAND, E_HAND, SMALL), instrument=SMALL)
    with pytest.raises(InputError, match=pattern):
        five_gaps(g5, **kwargs)


# ------------------------------------------------------------ result objects
def test_estimates_records_summary_and_level_check() -> None:
    items = gaps(_pe(P_HAND, E_HAND, SMALL), instrument=SMALL).items
    out = items.to_dict()
    json.dumps(out)
    assert out["confidence_level"] == 0.95
    assert [r["estimate"] for r in out["rows"]] == pytest.approx(ITEM_GAPS)
    # s1: gaps -2, -2, -1 -> se 1/3 and t = (-5/3) / (1/3) = -5 on 2 df
    assert out["rows"][0]["statistic"] == pytest.approx(-5.0)
    assert out["rows"][0]["pvalue"] == pytest.approx(2 * stats.t.sf(5.0, 2))
    assert "s1" in str(items.summary())
    with pytest.raises(InputError, match=r"'confidence_level'.*Got 1\.5 instead"):
        items.confidence_interval(1.5)


def test_servperf_item_interval_is_a_one_sample_t() -> None:
    res = servperf(_pe(P_HAND, None, SMALL), instrument=SMALL)
    low, high = res.confidence_interval(0.9, by="item")
    ref = stats.ttest_1samp(P_HAND, 0.0).confidence_interval(0.9)
    assert low == pytest.approx(ref.low)
    assert high == pytest.approx(ref.high)


def test_scale_pair_array_columns_and_column_errors() -> None:
    data = _mapping()
    kw: dict[str, Any] = {
        "perceptions": COLUMNS[:3],
        "expectations": COLUMNS[3:],
        "instrument": SMALL,
    }
    ref = gaps(data, **kw)
    # (min, max) means Scale.interval(min, max)
    assert gaps(data, **kw, scale=(1, 7)).scale.name == "interval"
    # a bare array names its columns with columns=, as pandas does
    arr = np.column_stack([P_HAND, E_HAND])
    res = gaps(arr, columns=COLUMNS, **kw)
    assert res.estimates.estimate == pytest.approx(ref.estimates.estimate)
    with pytest.raises(InputError, match=r"'expectations'.*\['e9'\]"):
        gaps(data, **(kw | {"expectations": ["e1", "e2", "e9"]}))
    with pytest.raises(InputError, match="'items' parameter of reliability cannot"):
        reliability(data, items=COLUMNS[:3], perceptions=COLUMNS[:3], instrument=SMALL)
    with pytest.raises(InputError, match=r"'perceived' parameter of zone_of_toler"):
        zone_of_tolerance(data, instrument=SMALL)
