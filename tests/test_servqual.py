"""Tests of satmodels.servqual: gaps, SERVPERF, comparisons, five gaps, input checks."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from adapters import by_name as _map
from adapters import pe as _pe
from adapters import zone_columns as _zt
from scipy import stats

from satmodels import InputError, Moments, SatmodelsWarning, Scale
from satmodels.demo.servqual import section as demo_section
from satmodels.servqual import (
    SERVQUAL_22,
    TEN_DETERMINANTS,
    Estimates,
    GapsResult,
    Instrument,
    compare,
    five_gaps,
    gaps,
    reliability,
    servperf,
    zone_of_tolerance,
)

GOLDEN = json.loads(
    (Path(__file__).parent / "golden" / "servqual_published.json").read_text()
)
SMALL = Instrument.define({"speed": ["s1", "s2"], "staff": ["f1"]}, name="small")
# Hand example: 3 respondents x 3 items (s1, s2 -> speed; f1 -> staff).
P_HAND = np.array([[5, 6, 7], [4, 4, 6], [6, 5, 7]], dtype=float)
E_HAND = np.array([[7, 7, 6], [6, 5, 6], [7, 7, 7]], dtype=float)


def _survey(
    n: int = 60, seed: int = 0, k: int = 22
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    e = rng.integers(4, 8, size=(n, k)).astype(float)
    p = np.clip(e - rng.integers(-1, 3, size=(n, k)), 1, 7)
    return p, e


# ---------------------------------------------------------------- numbers
def test_hand_example() -> None:
    # Item gaps P - E per respondent:
    #   s1: 5-7=-2, 4-6=-2, 6-7=-1 -> mean -5/3
    #   s2: 6-7=-1, 4-5=-1, 5-7=-2 -> mean -4/3
    #   f1: 7-6=+1, 6-6=0,  7-7=0  -> mean 1/3
    # speed = (-5/3 + -4/3) / 2 = -3/2; staff = 1/3
    # unweighted = (-3/2 + 1/3) / 2 = -7/12
    # weighted (speed 60, staff 40) = 0.6 * -3/2 + 0.4 * 1/3 = -0.9 + 2/15 = -23/30
    res = gaps(
        _pe(P_HAND, E_HAND, SMALL),
        instrument=SMALL,
        importance={"speed": 60, "staff": 40},
    )
    gold = GOLDEN["hand_example"]
    assert res.items.estimate == pytest.approx([-5 / 3, -4 / 3, 1 / 3], abs=1e-12)
    assert _map(res.items) == pytest.approx(gold["item_gaps"], abs=1e-12)
    assert res.to_dict()["dimensions"] == pytest.approx(
        {"speed": -1.5, "staff": 1 / 3}, abs=1e-12
    )
    assert res.unweighted_score == pytest.approx(-7 / 12, abs=1e-12)
    assert res.weighted_score == pytest.approx(-23 / 30, abs=1e-12)
    assert res.unweighted_score == pytest.approx(gold["unweighted_score"], abs=1e-12)
    # P and E means per item: s1 P = 15/3 = 5, E = 20/3
    assert res.item_perception[0] == pytest.approx(5.0)
    assert res.item_expectation[0] == pytest.approx(20 / 3)
    # Item s1 standard error by hand: gaps -2, -2, -1; mean -5/3;
    # deviations -1/3, -1/3, 2/3; s^2 = (1/9 + 1/9 + 4/9) / 2 = 1/3;
    # se = sqrt(1/3 / 3) = 1/3.
    assert res.items.standard_error[0] == pytest.approx(1 / 3, abs=1e-12)
    assert res.items.df[0] == 2


def test_published_unweighted_average() -> None:
    # 12manage.com forum answer (see golden file): dimension gaps
    # -0.65, -1.10, -0.83, -0.70, -1.01 give an unweighted score of -0.86.
    gold = GOLDEN["unweighted_from_dimension_means"]
    dims = gold["dimension_gaps"]
    # respondents whose item gaps equal the dimension gap on every item,
    # plus/minus a symmetric spread so the means are exact
    gap_row = np.array([dims[i.dimension] for i in SERVQUAL_22.items], dtype=float)
    e = np.full((2, 22), 5.0)
    # an interval scale, since the gaps are not whole numbers
    p = np.vstack([e[0] + gap_row + 0.5, e[1] + gap_row - 0.5])
    res = gaps(_pe(p, e), scale=Scale.interval(1, 7))
    assert res.to_dict()["dimensions"] == pytest.approx(dims, abs=1e-12)
    assert res.unweighted_score == pytest.approx(
        gold["unweighted_score_printed"], abs=gold["tolerance_printed"]
    )
    assert res.unweighted_score == pytest.approx(
        gold["unweighted_score_exact"], abs=1e-12
    )


def test_item_interval_matches_scipy_ttest_rel() -> None:
    p, e = _survey(n=40, seed=3)
    res = gaps(_pe(p, e), confidence_level=0.9)
    for i in range(22):
        ref = stats.ttest_rel(p[:, i], e[:, i])
        ci = ref.confidence_interval(confidence_level=0.9)
        assert res.items.statistic[i] == pytest.approx(ref.statistic, rel=1e-10)
        assert res.items.pvalue[i] == pytest.approx(ref.pvalue, rel=1e-8)
        assert res.items.ci_low[i] == pytest.approx(ci.low, rel=1e-10)
        assert res.items.ci_high[i] == pytest.approx(ci.high, rel=1e-10)


def test_dimension_and_scores_match_respondent_level_ttests() -> None:
    # With complete data the Moments-based dimension interval equals the
    # paired t-test of the per-respondent dimension means (scipy).
    p, e = _survey(n=35, seed=4)
    w = np.array([20.0, 30.0, 15.0, 15.0, 20.0])
    res = gaps(_pe(p, e), importance=w)
    for j, d in enumerate(SERVQUAL_22.dimensions):
        cols = [int(i) - 1 for i in SERVQUAL_22.item_ids(d)]
        ref = stats.ttest_rel(p[:, cols].mean(axis=1), e[:, cols].mean(axis=1))
        ci = ref.confidence_interval()
        assert res.dimensions.statistic[j] == pytest.approx(ref.statistic, rel=1e-9)
        assert res.dimensions.ci_low[j] == pytest.approx(ci.low, rel=1e-9)
        assert res.dimensions.ci_high[j] == pytest.approx(ci.high, rel=1e-9)
    per = res.respondent_scores()
    ref_u = stats.ttest_1samp(per.mean(axis=1), 0.0)
    assert res.unweighted.statistic[0] == pytest.approx(ref_u.statistic, rel=1e-9)
    ref_w = stats.ttest_1samp(per @ (w / 100), 0.0)
    assert res.weighted is not None
    assert res.weighted.pvalue[0] == pytest.approx(ref_w.pvalue, rel=1e-8)
    low, high = res.confidence_interval(by="weighted")
    ci_w = ref_w.confidence_interval()
    assert (float(low[0]), float(high[0])) == pytest.approx((ci_w.low, ci_w.high))


def test_per_respondent_weights_by_hand() -> None:
    # Respondent dimension gaps (from the hand example):
    #   r0: speed (-2 + -1)/2 = -1.5, staff 1
    #   r1: speed (-2 + -1)/2 = -1.5, staff 0
    #   r2: speed (-1 + -2)/2 = -1.5, staff 0
    # points: r0 (50, 50), r1 (80, 20), r2 (100, 0)
    #   scores: r0 0.5*-1.5 + 0.5*1 = -0.25; r1 0.8*-1.5 = -1.2; r2 -1.5
    w = np.array([[50, 50], [80, 20], [100, 0]], dtype=float)
    res = gaps(_pe(P_HAND, E_HAND, SMALL), instrument=SMALL, importance=w)
    scores = np.array([-0.25, -1.2, -1.5])
    assert res.weighted_score == pytest.approx(scores.mean(), abs=1e-12)
    ref = stats.ttest_1samp(scores, 0.0)
    assert res.weighted is not None
    assert res.weighted.statistic[0] == pytest.approx(ref.statistic, rel=1e-10)
    assert res.importance == pytest.approx({"speed": 230 / 3, "staff": 70 / 3})
    # the same allocations given as a mapping of dimension to arrays
    res2 = gaps(
        _pe(P_HAND, E_HAND, SMALL),
        instrument=SMALL,
        importance={"speed": w[:, 0], "staff": w[:, 1]},
    )
    assert res2.weighted_score == pytest.approx(res.weighted_score)


def test_missing_answers_are_counted_and_pairwise() -> None:
    p, e = _survey(n=30, seed=5)
    p[[0, 4], 2] = np.nan
    e[7, 2] = np.nan
    e[9, 10] = np.nan
    res = gaps(_pe(p, e))
    keep = np.isfinite(p[:, 2]) & np.isfinite(e[:, 2])
    ref = stats.ttest_rel(p[keep, 2], e[keep, 2])
    assert res.items.n[2] == 27
    assert res.items.statistic[2] == pytest.approx(ref.statistic, rel=1e-10)
    assert res.items.n[10] == 29
    assert res.items.n[0] == 30
    miss = res.missing_report.column_missing
    assert miss["sq_p3"] == 2
    assert miss["sq_e3"] == 1
    assert sum(miss.values()) == 4
    # dimension gap with missing data = mean of its item gaps
    cols = [int(i) - 1 for i in SERVQUAL_22.item_ids("tangibles")]
    assert res.dimensions.value("tangibles") == pytest.approx(
        res.items.estimate[cols].mean()
    )
    with pytest.raises(InputError, match=r"nan_policy='raise'.*'sq_p3', row 1"):
        gaps(_pe(p, e), nan_policy="raise")


def test_reverse_items_are_reflected() -> None:
    inst = Instrument.define({"d": ["a", "b"]}, reverse=["b"])
    p = np.array([[6, 2], [5, 3], [7, 1]], dtype=float)
    e = np.array([[7, 1], [6, 2], [7, 1]], dtype=float)
    res = gaps(_pe(p, e, inst), instrument=inst)
    # item b reflected on 1..7: x' = 8 - x, so its gap is E - P = -1, -1, 0
    assert res.items.value("b") == pytest.approx(-2 / 3)
    assert res.items.value("a") == pytest.approx(-2 / 3)
    assert res.item_perception[1] == pytest.approx(8 - 2.0)


def test_servperf_matches_one_sample_t() -> None:
    p, _ = _survey(n=25, seed=6)
    res = servperf(_pe(p), importance=dict.fromkeys(SERVQUAL_22.dimensions, 20))
    for i in (0, 10, 21):
        ref = stats.ttest_1samp(p[:, i], 0.0)
        assert res.items.statistic[i] == pytest.approx(ref.statistic, rel=1e-10)
    cols = [int(i) - 1 for i in SERVQUAL_22.item_ids("empathy")]
    assert res.dimensions.value("empathy") == pytest.approx(p[:, cols].mean())
    assert res.weighted_score == pytest.approx(res.unweighted_score)
    d = res.to_dict()
    assert {"dimensions", "items", "unweighted_score", "weighted_score"} <= set(d)
    json.dumps(d)


# ------------------------------------------------------------ comparisons
def test_compare_independent_matches_welch() -> None:
    p1, e1 = _survey(n=30, seed=7)
    p2, e2 = _survey(n=45, seed=8)
    a, b = gaps(_pe(p1, e1)), gaps(_pe(p2, e2))
    res = compare(a, b, labels=("A", "B"))
    for i in (0, 5, 21):
        ref = stats.ttest_ind(p1[:, i] - e1[:, i], p2[:, i] - e2[:, i], equal_var=False)
        assert res.items.statistic[i] == pytest.approx(ref.statistic, rel=1e-9)
        assert res.items.pvalue[i] == pytest.approx(ref.pvalue, rel=1e-8)
    assert res.dimensions.estimate == pytest.approx(
        a.dimensions.estimate - b.dimensions.estimate
    )
    assert not res.paired
    json.dumps(res.to_dict())


def test_compare_paired_matches_ttest_rel_of_gaps() -> None:
    p1, e1 = _survey(n=30, seed=9)
    p2 = np.clip(p1 + np.random.default_rng(1).integers(-1, 2, p1.shape), 1, 7)
    a, b = gaps(_pe(p2, e1)), gaps(_pe(p1, e1))
    res = compare(a, b, paired=True)
    g2, g1 = p2 - e1, p1 - e1
    for i in (1, 12):
        ref = stats.ttest_rel(g2[:, i], g1[:, i])
        assert res.items.statistic[i] == pytest.approx(ref.statistic, rel=1e-9)
    ref_u = stats.ttest_rel(
        a.respondent_scores().mean(axis=1), b.respondent_scores().mean(axis=1)
    )
    assert res.unweighted.statistic[0] == pytest.approx(ref_u.statistic, rel=1e-9)
    with pytest.raises(InputError, match="same respondents"):
        compare(a, gaps(_pe(p1[:10], e1[:10])), paired=True)
    with pytest.raises(InputError, match="GapsResult"):
        compare(a, servperf(_pe(p1)))


def test_five_gaps_side_by_side() -> None:
    g5 = gaps(_pe(P_HAND, E_HAND, SMALL), instrument=SMALL)
    staff = np.array([-1.0, 0.0, -0.5, -0.5])
    res = five_gaps(g5, gap1={"speed": -0.4, "overall": -0.2}, gap3=staff, gap4=0.3)
    assert res.gaps[2] is None
    gap1 = res.gaps[1]
    assert gap1 is not None
    assert _map(gap1) == {"speed": -0.4, "overall": -0.2}
    gap3 = res.gaps[3]
    assert gap3 is not None
    ref = stats.ttest_1samp(staff, 0.0)
    assert gap3.statistic[0] == pytest.approx(ref.statistic)
    gap5 = res.gaps[5]
    assert gap5 is not None
    assert gap5.value("overall") == pytest.approx(-7 / 12)
    assert gap5.value("speed") == pytest.approx(-1.5)
    d = res.to_dict()
    assert d["gaps"]["2"] is None
    json.dumps(d)
    assert "Five-gap model" in str(res.summary())
    with pytest.raises(InputError, match="unknown dimension"):
        five_gaps(g5, gap2={"tangibles": 1.0})
    with pytest.raises(InputError, match="shape"):
        five_gaps(g5, gap2=np.zeros((3, 4)))
    with pytest.raises(InputError, match="GapsResult"):
        five_gaps(servperf(_pe(P_HAND, None, SMALL), instrument=SMALL))  # type: ignore[arg-type]


# --------------------------------------------------------------- segments
def test_segments_equal_subset_results() -> None:
    p, e = _survey(n=50, seed=10)
    seg = np.array(["north", "south"] * 25, dtype=object)
    res = gaps(_pe(p, e), segments=seg)
    assert res.segments is not None
    assert sorted(res.segments) == ["north", "south"]
    mask = seg == "south"
    sub = gaps(_pe(p[mask], e[mask]))
    assert res.segments["south"].dimensions.estimate == pytest.approx(
        sub.dimensions.estimate
    )
    with pytest.raises(InputError, match="missing label"):
        gaps(_pe(p, e), segments=[None if i == 3 else s for i, s in enumerate(seg)])
    assert "Dimension gaps by segment" in str(res.summary())


# ---------------------------------------------------------------- inputs
def test_frames_give_the_numpy_result(
    constructor_eager: Callable[[dict[str, np.ndarray[Any, Any]]], object],
) -> None:
    p, e = _survey(n=20, seed=11)
    p[2, 3] = np.nan
    ref = gaps(_pe(p, e))
    frame = constructor_eager(_pe(p, e))
    names = list(_pe(p, e)) if isinstance(frame, np.ndarray) else None
    res = gaps(frame, columns=names)
    assert res.items.estimate == pytest.approx(ref.items.estimate)
    assert res.items.standard_error == pytest.approx(ref.items.standard_error)
    # a bare array with columns named by columns=
    both = np.hstack([p, e])
    names = [f"p{i}" for i in range(22)] + [f"e{i}" for i in range(22)]
    res2 = gaps(both, columns=names, perceptions=names[:22], expectations=names[22:])
    assert res2.dimensions.estimate == pytest.approx(ref.dimensions.estimate)


def test_lazy_frame_and_moments_input() -> None:
    pl = pytest.importorskip("polars")
    p, e = _survey(n=40, seed=12, k=3)
    p[5, 0] = np.nan
    cols = {f"p{i}": p[:, i - 1] for i in range(1, 4)}
    cols |= {f"e{i}": e[:, i - 1] for i in range(1, 4)}
    pc, ec = ["p1", "p2", "p3"], ["e1", "e2", "e3"]
    ref = gaps(_pe(p, e, SMALL), instrument=SMALL)
    kw: dict[str, Any] = {"perceptions": pc, "expectations": ec, "instrument": SMALL}
    lazy = gaps(pl.LazyFrame(cols), **kw)
    assert lazy.items.standard_error == pytest.approx(
        ref.items.standard_error, rel=1e-10
    )
    assert lazy.unweighted_score == pytest.approx(ref.unweighted_score, rel=1e-12)
    m = Moments.from_data(pl.DataFrame(cols), columns=pc + ec, missing="pairwise")
    from_m = gaps(m, **kw, importance=[50, 50])
    assert from_m.dimensions.standard_error == pytest.approx(
        ref.dimensions.standard_error
    )
    with pytest.raises(InputError, match="respondent_scores needs the rows"):
        from_m.respondent_scores()
    with pytest.raises(InputError, match="Per-respondent"):
        gaps(m, **kw, importance=np.full((40, 2), 50.0))
    with pytest.raises(InputError, match="segments"):
        gaps(pl.LazyFrame(cols), **kw, segments=np.zeros(40))
    with pytest.raises(InputError, match="missing"):
        gaps(pl.LazyFrame(cols), **kw, nan_policy="raise")


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"importance": {"speed": 50, "staff": 40}}, "allocate 100 points.*Got 90"),
        ({"importance": {"speed": 100}}, r"missing: \['staff'\]"),
        ({"importance": {"speed": 50, "staff": 50, "x": 0}}, r"Unknown: \['x'\]"),
        ({"importance": {"speed": 120, "staff": -20}}, "non-negative.*'staff'"),
        ({"importance": np.array([[50, 50], [60, 50], [100, 0]])}, "Row 2 sums to 110"),
        ({"importance": [100.0]}, "must give 2 points"),
        ({"confidence_level": 1.5}, "confidence_level"),
        ({"nan_policy": "propagate"}, "nan_policy"),
        ({"scale": "1-7"}, "'scale' parameter"),
        ({"instrument": {"speed": ["s1"]}}, "'instrument' parameter"),
        ({"segments": ["a", "b"]}, "one label per row"),
        ({"importance": [50.0, np.nan]}, "'importance'.*finite.*'staff'"),
        ({"weights": [1.0, -1.0, 1.0]}, "'weights'.*non-negative.*row 2"),
    ],
)
def test_bad_options(kwargs: dict[str, Any], pattern: str) -> None:
    base: dict[str, Any] = {"instrument": SMALL}
    base.update(kwargs)
    with pytest.raises(InputError, match=pattern):
        gaps(_pe(P_HAND, E_HAND, SMALL), **base)


def test_bad_data() -> None:
    data = _pe(P_HAND, E_HAND, SMALL)
    with pytest.raises(InputError, match=r"'perceptions'.*one column per item.*Got 2"):
        gaps(data, instrument=SMALL, perceptions=["sq_ps1", "sq_ps2"])
    off = P_HAND.copy()
    off[1, 2] = 9
    with pytest.raises(InputError, match=r"'perceptions'.*column 'sq_pf1', row \d: 9"):
        gaps(_pe(off, E_HAND, SMALL), instrument=SMALL)
    with pytest.raises(InputError, match="list of 3 column names"):
        gaps(data, perceptions="p1", instrument=SMALL)
    with pytest.raises(InputError, match=r"'perceptions'.*\['a', 'b', 'c'\]"):
        gaps(data, perceptions=["a", "b", "c"], instrument=SMALL)
    with pytest.raises(InputError, match=r"'perceptions'.*\['sq_ps1'.*\['x0', 'x1'"):
        gaps(Moments.from_data(np.hstack([P_HAND, E_HAND])), instrument=SMALL)


def test_instrument_validation() -> None:
    assert SERVQUAL_22.n_items == 22
    sizes = [len(SERVQUAL_22.item_ids(d)) for d in SERVQUAL_22.dimensions]
    assert sizes == [4, 5, 4, 4, 5]
    assert [d.name for d in TEN_DETERMINANTS][:3] == [
        "tangibles",
        "reliability",
        "responsiveness",
    ]
    assert len(TEN_DETERMINANTS) == 10
    assert {d.dimension for d in TEN_DETERMINANTS} <= set(SERVQUAL_22.dimensions)
    with pytest.raises(InputError, match="unique"):
        Instrument.define({"a": ["x"], "b": ["x"]})
    with pytest.raises(InputError, match="reverse"):
        Instrument.define({"a": ["x"]}, reverse=["y"])
    with pytest.raises(InputError, match="Unknown dimension"):
        SERVQUAL_22.item_ids("courtesy")
    round_trip = Instrument.model_validate_json(SERVQUAL_22.model_dump_json())
    assert round_trip == SERVQUAL_22


# ---------------------------------------------------------------- results
def test_result_contract() -> None:
    p, e = _survey(n=30, seed=13)
    res = gaps(_pe(p, e), importance=dict.fromkeys(SERVQUAL_22.dimensions, 20))
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.confidence_level = 0.9  # type: ignore[misc]
    d = res.to_dict()
    text = json.dumps(d)
    assert "NaN" not in text
    assert set(d["dimensions"]) == set(SERVQUAL_22.dimensions)
    assert len(d["items"]) == 22
    assert {"unweighted_score", "weighted_score", "missing_report"} <= set(d)
    frame = res.to_frame()
    assert len(frame) == 22 + 5 + 2
    pl = pytest.importorskip("polars")
    assert isinstance(res.to_frame("polars"), pl.DataFrame)
    assert "SERVQUAL scores" in str(res.summary())
    assert "<table>" in res._repr_html_()
    low, high = res.confidence_interval(0.99, by="item")
    low95, high95 = res.confidence_interval(by="item")
    assert np.all(low < low95)
    assert np.all(high > high95)
    with pytest.raises(InputError, match="'by' parameter"):
        res.confidence_interval(by="segment")
    assert isinstance(res.items, Estimates)
    with pytest.raises(InputError, match="No estimate"):
        res.items.value("99")
    unweighted = gaps(_pe(p, e))
    assert "weighted_score" not in unweighted.to_dict()
    assert unweighted.weighted_score is None


def test_mapping_data_with_named_weight_and_segment_columns() -> None:
    p, e = _survey(n=24, seed=14, k=3)
    data: dict[str, Any] = {"p1": p[:, 0], "p2": p[:, 1], "p3": p[:, 2]}
    data |= {"e1": e[:, 0], "e2": e[:, 1], "e3": e[:, 2]}
    data["w_speed"] = np.full(24, 70.0)
    data["w_staff"] = np.full(24, 30.0)
    data["seg"] = np.array(["a", "b", "c"] * 8)
    kw: dict[str, Any] = {
        "perceptions": ["p1", "p2", "p3"],
        "expectations": ["e1", "e2", "e3"],
        "instrument": SMALL,
    }
    res = gaps(
        data, **kw, importance={"speed": "w_speed", "staff": "w_staff"}, segments="seg"
    )
    ref = gaps(
        _pe(p, e, SMALL), instrument=SMALL, importance={"speed": 70, "staff": 30}
    )
    assert res.weighted_score == pytest.approx(ref.weighted_score)
    assert res.segments is not None
    assert sorted(res.segments) == ["a", "b", "c"]
    with pytest.raises(InputError, match="'nope'"):
        gaps(data, **(kw | {"expectations": ["e1", "e2", "nope"]}))
    with pytest.raises(InputError, match=r"'segments'.*column 'seg'"):
        gaps(_pe(P_HAND, E_HAND, SMALL), instrument=SMALL, segments="seg")


def test_demo_section_on_bundled_sample() -> None:
    datasets = pytest.importorskip("satmodels.datasets")
    survey = datasets.load_sample_survey()
    text = str(demo_section(survey))
    assert "Cronbach's alpha" in text
    assert "north" in text


def test_demo_section() -> None:
    rng = np.random.default_rng(2)
    survey: dict[str, Any] = {
        f"sq_e{i}": rng.integers(4, 8, 90).astype(float) for i in range(1, 23)
    }
    survey |= {f"sq_p{i}": rng.integers(3, 8, 90).astype(float) for i in range(1, 23)}
    survey["segment"] = rng.choice(["north", "south", "west"], 90)
    out = demo_section(survey)
    text = str(out)
    assert "Cronbach's alpha" in text
    assert "Dimension gaps by segment" in text
    one = Instrument.define({"x": ["1"]})
    assert isinstance(gaps(survey, instrument=one), GapsResult)


def test_unanswered_item_and_tiny_segments_give_nan_not_zero() -> None:
    p = np.array([[1, 2, np.nan], [4, 5, np.nan], [7, 7, np.nan]])
    e = np.array([[2, 2, 2], [3, 3, 3], [4, 4, 4]], dtype=float)
    with pytest.warns(SatmodelsWarning, match=r"dimension 'staff' \(no respondent"):
        res = gaps(_pe(p, e, SMALL), instrument=SMALL)
    # item f1 has no pair: its gap, its dimension and the overall score are
    # not estimable; the speed dimension still is: ((1-2 + 2-2) + ...)/...
    assert res.items.n.tolist() == [3, 3, 0]
    assert np.isnan(res.items.value("f1"))
    assert np.isnan(res.dimensions.value("staff"))
    assert np.isnan(res.unweighted_score)
    # speed gaps: s1 (-1, 1, 3) -> 1; s2 (0, 2, 3) -> 5/3; mean 4/3
    assert res.dimensions.value("speed") == pytest.approx(4 / 3)
    assert res.dimension_perception[0] == pytest.approx((4 + 14 / 3) / 2)
    assert res.to_dict()["dimensions"]["staff"] is None
    zdata, zkw = _zt(p, e, e, SMALL)
    with pytest.warns(SatmodelsWarning, match="msa_item 'f1'"):
        z = zone_of_tolerance(zdata, **zkw, scale=Scale.likert(1, 9))
    assert z.item_position[2] == "unknown"
    rel = reliability(_pe(p, None, SMALL), instrument=SMALL)
    assert np.isnan(rel.alpha[1])
    assert rel.n.tolist()[1] == 0
    # a one-respondent segment: estimates, but no interval (and a warning)
    with pytest.warns(SatmodelsWarning, match="fewer than 2 respondents"):
        seg = gaps(
            _pe(P_HAND, E_HAND, SMALL), instrument=SMALL, segments=["x", "x", "y"]
        )
    assert seg.segments is not None
    y = seg.segments["y"]
    assert y.items.estimate == pytest.approx(P_HAND[2] - E_HAND[2])
    assert np.isnan(y.items.standard_error).all()
    json.dumps(seg.to_dict())


def test_nan_standard_error_is_reported_not_printed_as_a_test() -> None:
    # Regression (issue "Nothing silent"): a small sample with missing
    # answers gave a dimension SE NaN, t = -inf and p = 0.0 without a word.
    p = P_HAND.copy()
    p[1:, 2] = np.nan  # f1 (staff) answered by one respondent only
    with pytest.warns(SatmodelsWarning, match=r"dimension 'staff' \(fewer than 2"):
        res = gaps(_pe(p, E_HAND, SMALL), instrument=SMALL)
    staff = res.dimensions
    j = staff.name.index("staff")
    assert staff.estimate[j] == pytest.approx(1.0)
    assert np.isnan(staff.standard_error[j])
    assert np.isnan(staff.statistic[j])
    assert np.isnan(staff.pvalue[j])
    assert np.isnan(staff.ci_low[j])
    assert np.isnan(staff.ci_high[j])


def test_nan_importance_points_are_refused() -> None:
    # Regression: NaN points made the weighted score NaN without an error.
    with pytest.raises(InputError, match=r"'importance'.*finite.*'speed'"):
        gaps(
            _pe(P_HAND, E_HAND, SMALL),
            instrument=SMALL,
            importance={"speed": np.nan, "staff": 100.0},
        )


@pytest.mark.parametrize("segments", [None, ["x", "x", "y"]])
@pytest.mark.parametrize("model", ["gaps", "servperf", "zone_of_tolerance"])
def test_warnings_name_the_callers_line(model: str, segments: Any) -> None:
    # The whole sample and every segment are fitted at the same stack depth,
    # so each "standard error" warning points at this file, not at servqual.
    p = P_HAND.copy()
    p[1:, 2] = np.nan  # f1 answered by one respondent: warnings in every fit
    data, kw = _zt(p, E_HAND - 1, E_HAND + 1, SMALL)
    kw["scale"] = Scale.likert(0, 9)
    fit: Callable[..., object] = zone_of_tolerance
    if model != "zone_of_tolerance":
        data = _pe(p, E_HAND if model == "gaps" else None, SMALL)
        kw = {"instrument": SMALL}
        fit = gaps if model == "gaps" else servperf
    with pytest.warns(SatmodelsWarning) as record:
        fit(data, segments=segments, **kw)
    assert {w.filename for w in record} == {__file__}
