"""Tests of satmodels.kano against hand computations and published numbers."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from adapters import an as _an
from adapters import cl as _cl
from adapters import co as _co
from adapters import kano_columns
from scipy import stats

from satmodels import InputError, SatmodelsWarning, kano
from satmodels.datasets import KANO_CATEGORIES, make_survey
from satmodels.kano import STANDARD_TABLE, KanoTable

GOLDEN = json.loads(
    (Path(__file__).parent / "golden" / "kano_published.json").read_text()
)
ANSWERS = ("like", "must-be", "neutral", "live-with", "dislike")


def _pairs_for(counts: dict[str, int]) -> tuple[list[int], list[int]]:
    """Answer pairs (codes 1-5) that produce the given category counts."""
    cell = {
        "A": (1, 4),
        "O": (1, 5),
        "M": (2, 5),
        "I": (3, 3),
        "R": (5, 1),
        "Q": (1, 1),
    }
    f: list[int] = []
    d: list[int] = []
    for cat, k in counts.items():
        f += [cell[cat][0]] * k
        d += [cell[cat][1]] * k
    return f, d


# ------------------------------------------------------------ evaluation table
@pytest.mark.parametrize(("fi", "di"), list(itertools.product(range(5), range(5))))
def test_every_cell_of_the_evaluation_table(fi: int, di: int) -> None:
    # Berger et al. (1993) evaluation table, typed in independently here.
    expected = GOLDEN["standard_table"]["rows"][fi][di]
    res = _cl([[fi + 1]], [[di + 1]])
    assert res.categories[0, 0] == expected
    assert STANDARD_TABLE.category(ANSWERS[fi], ANSWERS[di]) == expected


def test_like_like_is_questionable_not_one_dimensional() -> None:
    # PEERS.md: stp25stat's documentation prints O for like/like; it is Q.
    assert _cl([[1]], [[1]]).categories[0, 0] == "Q"


def test_user_table_replaces_the_standard_one() -> None:
    rows = [list(r) for r in STANDARD_TABLE.cells]
    rows[0][0] = "O"
    custom = KanoTable(cells=tuple(tuple(r) for r in rows), source="custom")
    assert _cl([[1]], [[1]], table=custom).categories[0, 0] == "O"
    res = _an([[1], [1]], [[1], [5]], table=custom)
    assert res.counts[0].tolist() == [0, 2, 0, 0, 0, 0]


def test_bad_table_is_an_input_error() -> None:
    with pytest.raises(InputError, match="table"):
        _an([[1]], [[1]], table={"cells": [["A"] * 5] * 4})
    with pytest.raises(ValueError, match="5 rows"):
        KanoTable(cells=(("A",) * 5,) * 4)


# ------------------------------------------------------------ hand computations
def test_hand_computed_attribute() -> None:
    counts = {"A": 12, "O": 9, "M": 5, "I": 3, "R": 1, "Q": 2}
    f, d = _pairs_for(counts)
    res = _an(np.array(f)[:, None], np.array(d)[:, None], attributes=["x"])
    a, o, m, i, r, q = 12, 9, 5, 3, 1, 2
    n = a + o + m + i + r + q  # 32
    assert res.counts[0].tolist() == [a, o, m, i, r, q]
    assert res.n[0] == n
    assert res.category == ("A",)
    assert res.better[0] == pytest.approx((a + o) / (a + o + m + i), rel=1e-12)
    assert res.worse[0] == pytest.approx(-(o + m) / (a + o + m + i), rel=1e-12)
    # Lee & Newcomb (1997): total strength = (A+O+M)/n; category strength =
    # highest share minus second highest share.
    assert res.total_strength[0] == pytest.approx((a + o + m) / n)
    assert res.category_strength[0] == pytest.approx((a - o) / n)
    # Fong (1996): |a-b| < 1.65 sqrt((a+b)(2n-a-b)/(2n)) -> not significant.
    crit = 1.65 * math.sqrt((12 + 9) * (2 * 32 - 12 - 9) / (2 * 32))  # 6.13
    assert res.fong_critical[0] == pytest.approx(crit)
    assert res.fong_difference[0] == 3
    assert not res.fong_significant[0]
    assert res.category_aom == ("A",)  # A+O+M = 26 > I+R+Q = 6


def test_fong_significant_case() -> None:
    f, d = _pairs_for({"M": 30, "O": 10, "A": 5, "I": 5})
    res = _an(np.array(f)[:, None], np.array(d)[:, None])
    crit = 1.65 * math.sqrt(40 * (100 - 40) / 100)  # 8.08 < 20
    assert res.fong_critical[0] == pytest.approx(crit)
    assert res.fong_significant[0]


def test_published_cable_reel_example() -> None:
    gold = GOLDEN["sauerwein_1996_cable_reel"]
    shares = gold["shares_percent"]
    counts = {k: round(v * 10) for k, v in shares.items()}  # per mille
    f, d = _pairs_for(counts)
    res = _an(np.array(f)[:, None], np.array(d)[:, None])
    tol = gold["published_tolerance"]
    assert res.category[0] == gold["published"]["category"]
    assert res.worse[0] == pytest.approx(gold["published"]["worse"], abs=tol)
    assert res.better[0] == pytest.approx(gold["hand_computed"]["better"], rel=1e-10)
    assert res.worse[0] == pytest.approx(gold["hand_computed"]["worse"], rel=1e-10)


def test_tie_rule_default_and_custom() -> None:
    # Matzler & Hinterhuber (1998): M > O > A > I when the mode is tied.
    f, d = _pairs_for({"A": 4, "O": 4, "M": 4, "I": 1})
    res = _an(np.array(f)[:, None], np.array(d)[:, None])
    assert res.category == ("M",)
    assert res.tied[0]
    res2 = _an(np.array(f)[:, None], np.array(d)[:, None], tie_rule="A>O")
    assert res2.category == ("A",)
    assert res2.tie_rule[:2] == ("A", "O")
    with pytest.raises(InputError, match="tie_rule"):
        _an([[1]], [[5]], tie_rule="A>A")
    with pytest.raises(InputError, match="tie_rule"):
        _an([[1]], [[5]], tie_rule="X>A")


def test_aom_rule_differs_from_mode() -> None:
    # I is the single most frequent category, but A+O+M (9) > I+R+Q (7):
    # the (A+O+M) vs (I+R+Q) rule picks the largest of A, O, M.
    f, d = _pairs_for({"A": 4, "O": 3, "M": 2, "I": 6, "R": 1})
    res = _an(np.array(f)[:, None], np.array(d)[:, None])
    assert res.category == ("I",)
    assert res.category_aom == ("A",)


def test_wilson_interval_matches_statsmodels() -> None:
    proportion_confint = pytest.importorskip(
        "statsmodels.stats.proportion"
    ).proportion_confint
    f, d = _pairs_for({"A": 7, "O": 5, "M": 9, "I": 4, "R": 2})
    res = _an(np.array(f)[:, None], np.array(d)[:, None], confidence_level=0.9)
    lo, hi = proportion_confint(12, 25, alpha=0.1, method="wilson")
    assert res.better_low[0] == pytest.approx(lo, rel=1e-10)
    assert res.better_high[0] == pytest.approx(hi, rel=1e-10)
    lo, hi = proportion_confint(14, 25, alpha=0.1, method="wilson")
    assert res.worse_low[0] == pytest.approx(-hi, rel=1e-10)
    assert res.worse_high[0] == pytest.approx(-lo, rel=1e-10)
    ci = res.confidence_interval()
    np.testing.assert_array_equal(ci.low, res.estimates.ci_low)
    assert ci.low[6] == res.better_low[0]  # rows: 6 shares, Better, Worse
    assert ci.high[7] == res.worse_high[0]
    # another level is recomputed (Wilson), not refused
    lo, hi = proportion_confint(12, 25, alpha=0.2, method="wilson")
    ci80 = res.confidence_interval(0.8)
    assert ci80.low[6] == pytest.approx(lo, rel=1e-10)
    assert ci80.high[6] == pytest.approx(hi, rel=1e-10)
    lo, hi = proportion_confint(7, 27, alpha=0.2, method="wilson")
    assert ci80.low[0] == pytest.approx(lo, rel=1e-10)  # share of A, n = 27


def test_bootstrap_is_seeded_and_agrees_with_wilson_at_large_n() -> None:
    f, d = _pairs_for({"A": 400, "O": 300, "M": 200, "I": 100, "Q": 10})
    fa, da = np.array(f)[:, None], np.array(d)[:, None]
    r1 = _an(fa, da, n_resamples=2000, rng=7)
    r2 = _an(fa, da, n_resamples=2000, rng=7)
    b1 = r1.confidence_interval(method="bootstrap")
    b2 = r2.confidence_interval(method="bootstrap")
    np.testing.assert_array_equal(b1.low, b2.low)
    w = r1.confidence_interval()
    np.testing.assert_allclose(b1.low, w.low, atol=0.01)
    np.testing.assert_allclose(b1.high, w.high, atol=0.01)
    with pytest.raises(InputError, match="n_resamples"):
        _an(fa, da).confidence_interval(method="bootstrap")
    with pytest.raises(InputError, match="method"):
        r1.confidence_interval(method="delta")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="confidence_level"):
        r1.confidence_interval(1.5)


def test_wilson_coverage_by_simulation() -> None:
    # Simulation: the 95% interval for Better covers the population value.
    rng = np.random.default_rng(11)
    p = np.array([0.3, 0.2, 0.25, 0.2, 0.03, 0.02])
    true_better = (p[0] + p[1]) / p[:4].sum()
    hits = 0
    reps = 400
    cell_f = np.array([1, 1, 2, 3, 5, 1])
    cell_d = np.array([4, 5, 5, 3, 1, 1])
    for _ in range(reps):
        cats = rng.choice(6, size=(60, 1), p=p)
        res = _an(cell_f[cats], cell_d[cats])
        hits += int(res.better_low[0] <= true_better <= res.better_high[0])
    assert 0.92 <= hits / reps <= 0.98


# ------------------------------------------------------------ importance
def test_importance_weighted_coefficients_by_hand() -> None:
    f = np.array([[1], [1], [2], [3]])
    d = np.array([[5], [4], [5], [3]])  # O, A, M, I
    imp = np.array([[9.0], [3.0], [6.0], [2.0]])
    res = _an(f, d, importance=imp)
    assert res.better_weighted is not None
    assert res.worse_weighted is not None
    assert res.importance_mean is not None
    assert res.better_weighted[0] == pytest.approx((9 + 3) / (9 + 3 + 6 + 2))
    assert res.worse_weighted[0] == pytest.approx(-(9 + 6) / 20)
    assert res.importance_mean[0] == pytest.approx(5.0)
    scale = _an(
        f,
        d,
        importance=imp,
        scale=__import__("satmodels").Scale.likert(1, 10),
    )
    assert scale.better_weighted is not None
    w = (imp[:, 0] - 1) / 9 * 100
    assert scale.better_weighted[0] == pytest.approx((w[0] + w[1]) / w.sum())
    with pytest.raises(InputError, match="importance"):
        _an(f, d, importance=-imp)
    same = _an(f, d, importance=imp, scale=(1, 10))  # (min, max) = Scale.interval
    assert same.better_weighted is not None
    assert same.better_weighted[0] == pytest.approx(scale.better_weighted[0])
    data, cols = kano_columns(f, d, imp)
    with pytest.raises(InputError, match="importance"):
        kano.analyze(data, **{**cols, "importance": ["imp_1", "imp_1"]})


# ------------------------------------------------------------ respondents, missing
def test_respondent_flags_and_missing_counts() -> None:
    f = np.array([[1, 1, 1], [5, 5, 2], [1, np.nan, 3], [2, 2, 2]])
    d = np.array([[1, 1, 5], [5, 1, 5], [4, 5, np.nan], [5, 5, 5]])
    res = _an(f, d, max_questionable=1)
    assert res.respondent_q is not None and res.flagged is not None
    assert res.respondent_q.tolist() == [2, 1, 0, 0]
    assert res.respondent_r is not None and res.respondent_missing is not None
    assert res.respondent_r.tolist() == [0, 1, 0, 0]
    assert res.respondent_missing.tolist() == [0, 0, 2, 0]
    assert res.flagged.tolist() == [True, False, False, False]
    assert res.n_missing.tolist() == [0, 1, 1]
    assert (res.n + res.n_missing == 4).all()
    assert res.to_dict()["respondents"]["flagged_rows"] == [1]  # 1-based
    cats = res.respondent_categories()
    assert cats[2].tolist() == ["A", "", ""]
    with pytest.raises(
        InputError, match="missing 'functional' or 'dysfunctional' answer"
    ):
        _an(f, d, nan_policy="raise")


# ------------------------------------------------------------ bad input
def test_code_outside_answers_names_attribute_row_and_value() -> None:
    f = np.array([[1, 2], [1, 7]])
    d = np.array([[5, 5], [4, 5]])
    with pytest.raises(InputError, match=r"'safety'.*row 2.*7"):
        _an(f, d, attributes=["speed", "safety"])
    with pytest.raises(InputError, match=r"'speed'.*dysfunctional"):
        _an(f[:, :1], np.array([[0], [5]]), attributes=["speed"])
    with pytest.raises(InputError, match="'a2'"):
        _an(np.array([[1.0, 2.5]]), np.array([[5, 5]]), attributes=["a1", "a2"])


def test_shape_mismatch_and_option_errors() -> None:
    data, cols = kano_columns(np.ones((3, 2)), np.ones((3, 2)))
    with pytest.raises(InputError, match="as many columns"):
        kano.analyze(data, functional=cols["functional"], dysfunctional=["dys_1"])
    with pytest.raises(InputError, match="not both"):
        kano.analyze(data, **cols, pairs=[("attribute_1", "dys_1")])
    with pytest.raises(InputError, match="needs the answer columns"):
        kano.analyze(data, functional=cols["functional"])
    with pytest.raises(InputError, match="does not have"):
        kano.analyze(data, functional=["nope"], dysfunctional=["dys_1"])
    with pytest.raises(InputError, match="rng"):
        _an([[1]], [[1]], rng=1.5)
    with pytest.raises(InputError, match="n_resamples"):
        _an([[1]], [[1]], n_resamples=-1)
    with pytest.raises(InputError, match="scale"):
        _an([[1]], [[1]], importance=[[1.0]], scale=(3, 1))
    with pytest.raises(InputError, match="attributes"):
        _an(np.ones((3, 2)), np.ones((3, 2)), attributes=["a"])
    with pytest.raises(InputError, match="distinct"):
        _an(np.ones((3, 2)), np.ones((3, 2)), attributes=["a", "a"])
    with pytest.raises(InputError, match="answers"):
        _an([[1]], [[1]], answers=(1, 1, 2, 3, 4))
    with pytest.raises(InputError, match="confidence_level"):
        _an([[1]], [[1]], confidence_level=1.0)
    with pytest.raises(InputError, match="nan_policy"):
        _an([[1]], [[1]], nan_policy="propagate")
    with pytest.raises(InputError, match="at least 1 row"):
        _an(np.empty((0, 2)), np.empty((0, 2)))
    with pytest.raises(InputError, match="real numbers"):
        _an(np.array([["x"]], dtype=object), [[1]])


def test_custom_numeric_codes() -> None:
    # Answers coded 5 (like) ... 1 (dislike), i.e. reversed.
    f = np.array([[5], [5], [4]])
    d = np.array([[1], [2], [1]])
    res = _an(f, d, answers=(5, 4, 3, 2, 1))
    assert res.counts[0].tolist() == [1, 1, 1, 0, 0, 0]  # A, O, M
    res2 = _an(f * 10.0, d * 10.0, answers=(50, 40, 30, 20, 10))
    np.testing.assert_array_equal(res.counts, res2.counts)


# ------------------------------------------------------------ frames
def _survey_columns(n: int = 120, seed: int = 5) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray[Any, Any]] = {}
    for a in range(3):
        f = rng.integers(1, 6, size=n).astype(np.float64)
        d = rng.integers(1, 6, size=n).astype(np.float64)
        f[rng.random(n) < 0.05] = np.nan
        cols[f"f{a}"] = f
        cols[f"d{a}"] = d
    return cols


def test_numpy_pandas_polars_pyarrow_agree(
    constructor_eager: Callable[[dict[str, np.ndarray[Any, Any]]], object],
) -> None:
    cols = _survey_columns()
    pairs = [(f"f{a}", f"d{a}") for a in range(3)]
    ref = _an(
        np.column_stack([cols[p[0]] for p in pairs]),
        np.column_stack([cols[p[1]] for p in pairs]),
        attributes=["f0", "f1", "f2"],
    )
    frame = constructor_eager(cols)
    names = list(cols) if isinstance(frame, np.ndarray) else None
    res = kano.analyze(
        frame,
        functional=["f0", "f1", "f2"],
        dysfunctional=["d0", "d1", "d2"],
        columns=names,
    )
    assert res.attributes == ("f0", "f1", "f2")
    np.testing.assert_array_equal(res.tables, ref.tables)
    np.testing.assert_array_equal(res.better, ref.better)
    assert res.category == ref.category
    res2 = kano.analyze(frame, pairs=pairs, columns=names)
    np.testing.assert_array_equal(res2.tables, ref.tables)
    assert res2.attributes == ("f0", "f1", "f2")


def test_pairs_mode_with_mapping_and_segments_column() -> None:
    pd = pytest.importorskip("pandas")
    cols = _survey_columns()
    seg = np.where(np.arange(120) % 3 == 0, "north", "south")
    frame = pd.DataFrame({**cols, "segment": seg})
    pairs = [(f"f{a}", f"d{a}") for a in range(3)]
    res = kano.analyze(frame, pairs=pairs, segments="segment")
    assert res.segments is not None
    assert set(res.segments) == {"north", "south"}
    sub = kano.analyze(frame[seg == "north"], pairs=pairs)
    np.testing.assert_array_equal(res.segments["north"].tables, sub.tables)
    np.testing.assert_allclose(res.segments["north"].better, sub.better)
    total = sum(r.tables for r in res.segments.values())
    np.testing.assert_array_equal(total, res.tables)
    with pytest.raises(InputError, match="segments"):
        kano.analyze(frame, pairs=pairs, segments=seg[:5])
    with pytest.raises(InputError, match="pairs"):
        kano.analyze(frame, functional=["f0"], pairs=pairs)
    with pytest.raises(InputError, match="does not have"):
        kano.analyze(cols, pairs=[("f0", "nope")])
    out = res.attribute_table()
    assert set(out["segment"]) == {"all", "north", "south"}
    assert list(res.segments) == ["north", "south"]  # sorted labels


def test_lazy_polars_frame_counts_on_the_engine() -> None:
    pl = pytest.importorskip("polars")
    pytest.importorskip("satmodels.stats.counts")
    cols = _survey_columns()
    pairs = [(f"f{a}", f"d{a}") for a in range(3)]
    eager = kano.analyze(cols, pairs=pairs)
    lazy = pl.DataFrame(cols, nan_to_null=True).lazy()
    res = kano.analyze(lazy, pairs=pairs)
    np.testing.assert_array_equal(res.counts, eager.counts)
    np.testing.assert_array_equal(res.n_missing, eager.n_missing)
    np.testing.assert_allclose(res.better, eager.better)
    assert res.respondent_q is None
    assert res.n_respondents == 120
    with pytest.raises(InputError, match="lazy"):
        kano.analyze(lazy, pairs=pairs, segments=np.zeros(120))
    with pytest.raises(InputError, match="lazy"):
        kano.analyze(lazy, pairs=pairs, importance=["f0", "f1", "f2"])


# ------------------------------------------------------------ continuous
def test_continuous_dumouchel_by_hand() -> None:
    # DuMouchel scores (Berger et al. 1993): functional 4, 2, 0, -1, -2;
    # dysfunctional -2, -1, 0, 2, 4.
    f = np.array([[1], [1], [2], [3], [np.nan]])
    d = np.array([[5], [4], [5], [3], [5]])
    res = _co(f, d)
    fs = np.array([4.0, 4.0, 2.0, 0.0])
    ds = np.array([4.0, 2.0, 4.0, 0.0])
    assert res.n[0] == 4
    assert res.functional_mean[0] == pytest.approx(fs.mean())
    assert res.dysfunctional_mean[0] == pytest.approx(ds.mean())
    assert res.functional_sd[0] == pytest.approx(fs.std(ddof=1))
    assert res.dysfunctional_sd[0] == pytest.approx(ds.std(ddof=1))
    assert res.covariance[0] == pytest.approx(np.cov(fs, ds)[0, 1])
    assert res.quadrant == ("O",)  # both means 2.5 >= 2
    assert res.distance[0] == pytest.approx(math.hypot(2.5, 2.5))
    ci = res.confidence_interval(0.95)
    t = stats.t.ppf(0.975, 3)
    assert ci.low[0] == pytest.approx(2.5 - t * fs.std(ddof=1) / 2)
    assert ci.low[0] == res.estimates.ci_low[0]  # the stored interval


def test_continuous_quadrants_and_presets() -> None:
    f = np.array([[1, 2, 3, 5], [1, 2, 3, 5]])
    d = np.array([[3, 5, 3, 1], [4, 5, 3, 1]])
    res = _co(f, d)
    # A: (4, 0/2) -> f 4, d 1; M: f 2, d 4; I: 0, 0; reverse: f -2, d -2.
    assert res.quadrant == ("A", "M", "I", "R")
    sym = _co(f, d, scores="symmetric")
    assert sym.functional_mean[0] == pytest.approx(2.0)
    custom = _co(f, d, scores=((1, 0, 0, 0, 0), (0, 0, 0, 0, 1)), threshold=0.5)
    assert custom.scores == "custom"
    assert custom.quadrant[0] == "A"
    with pytest.raises(InputError, match="scores"):
        _co(f, d, scores="nope")
    with pytest.raises(InputError, match="scores"):
        _co(f, d, scores=((1, 2), (1, 2)))
    json.dumps(res.to_dict())
    assert "quadrant" in str(res.summary())


def test_continuous_equals_moments_of_scored_answers() -> None:
    cols = _survey_columns(300, seed=9)
    pairs = [(f"f{a}", f"d{a}") for a in range(3)]
    res = kano.continuous(cols, pairs=pairs)
    fmap = dict(zip(range(1, 6), (4, 2, 0, -1, -2), strict=True))
    dmap = dict(zip(range(1, 6), (-2, -1, 0, 2, 4), strict=True))
    for j, (fc, dc) in enumerate(pairs):
        ok = ~np.isnan(cols[fc]) & ~np.isnan(cols[dc])
        fs = np.array([fmap[int(v)] for v in cols[fc][ok]])
        ds = np.array([dmap[int(v)] for v in cols[dc][ok]])
        assert res.functional_mean[j] == pytest.approx(fs.mean(), rel=1e-12)
        assert res.dysfunctional_sd[j] == pytest.approx(ds.std(ddof=1), rel=1e-12)


# ------------------------------------------------------------ waves
def _counts_result(counts: list[dict[str, int]], names: list[str]) -> kano.KanoResult:
    cols_f: list[list[int]] = []
    cols_d: list[list[int]] = []
    for c in counts:
        f, d = _pairs_for(c)
        cols_f.append(f)
        cols_d.append(d)
    n = max(len(c) for c in cols_f)
    F = np.full((n, len(counts)), np.nan)
    D = np.full((n, len(counts)), np.nan)
    for j, (f, d) in enumerate(zip(cols_f, cols_d, strict=True)):
        F[: len(f), j] = f
        D[: len(d), j] = d
    return _an(F, D, attributes=names)


def test_compare_waves_chi2_and_life_cycle() -> None:
    w1 = _counts_result(
        [{"A": 60, "O": 25, "M": 15, "I": 20}, {"O": 50, "M": 40, "A": 10, "I": 20}],
        ["wifi", "price"],
    )
    w2 = _counts_result(
        [{"A": 25, "O": 60, "M": 20, "I": 15}, {"O": 30, "M": 70, "A": 5, "I": 15}],
        ["wifi", "price"],
    )
    cmp = kano.compare_waves(w1, w2)
    assert cmp.direction == ("life-cycle", "life-cycle")
    assert cmp.life_cycle.all()
    assert cmp.method == ("chi2", "chi2")
    tab = np.array([[60, 25, 15, 20], [25, 60, 20, 15]], dtype=float)
    expected = np.outer(tab.sum(1), tab.sum(0)) / tab.sum()
    x2 = ((tab - expected) ** 2 / expected).sum()
    assert cmp.statistic[0] == pytest.approx(x2)
    assert cmp.p_value[0] == pytest.approx(stats.chi2.sf(x2, 3))
    assert cmp.transitions[0, 1] == 1  # A -> O
    assert cmp.transitions[1, 2] == 1  # O -> M
    assert cmp.significant.all()
    json.dumps(cmp.to_dict())
    assert "life-cycle" in str(cmp.summary())
    back = kano.compare_waves(w2, w1)
    assert back.direction == ("reverse", "reverse")


def _exact_p(tab: np.ndarray[Any, Any]) -> float:
    """Freeman-Halton exact p of Pearson's X2, by enumerating 2 x k tables."""
    rows = tab.sum(1)
    cols = tab.sum(0)
    total = tab.sum()
    expected = np.outer(rows, cols) / total
    x2_obs = ((tab - expected) ** 2 / expected).sum()
    p = 0.0
    for first in itertools.product(*(range(int(c) + 1) for c in cols)):
        if sum(first) != rows[0]:
            continue
        t = np.array([first, cols - np.array(first)], dtype=float)
        ways = math.prod(
            math.comb(int(c), int(x)) for c, x in zip(cols, first, strict=True)
        )
        prob = ways / math.comb(int(total), int(rows[0]))
        x2 = ((t - expected) ** 2 / expected).sum()
        if x2 >= x2_obs - 1e-9:
            p += prob
    return p


def test_compare_waves_monte_carlo_matches_exact_enumeration() -> None:
    w1 = _counts_result([{"A": 5, "O": 2, "M": 1, "I": 1}], ["x"])
    w2 = _counts_result([{"A": 1, "O": 4, "M": 3, "I": 2}], ["x"])
    cmp = kano.compare_waves(w1, w2, rng=3, n_resamples=40000)
    assert cmp.method == ("monte_carlo",)
    exact = _exact_p(np.array([[5, 2, 1, 1], [1, 4, 3, 2]], dtype=float))
    assert cmp.p_value[0] == pytest.approx(exact, abs=0.01)
    with pytest.raises(InputError, match="method"):
        kano.compare_waves(w1, w2, method="fisher")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="share no attribute"):
        kano.compare_waves(w1, _counts_result([{"A": 1}], ["y"]))
    with pytest.raises(InputError, match="data"):
        kano.compare_waves(w1, "w2", functional=["x"], dysfunctional=["y"])


# ------------------------------------------------------------ recovery, results
def test_simulation_recovers_population_categories() -> None:
    survey = make_survey(20000, rng=2)
    pairs = [(f"kano_f{a}", f"kano_d{a}") for a in range(1, 7)]
    res = kano.analyze(survey.data, pairs=pairs)
    for j, (cat, share) in enumerate(KANO_CATEGORIES):
        assert res.category[j] == cat
        k = kano.CATEGORIES.index(cat)
        assert res.shares[j, k] == pytest.approx(share, abs=0.03)


def test_result_api() -> None:
    f, d = _pairs_for({"A": 3, "O": 2, "M": 1})
    res = _an(np.array(f)[:, None], np.array(d)[:, None], attributes=["x"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.n_respondents = 3  # type: ignore[misc]
    out = res.to_dict()
    json.dumps(out)
    rec = out["attributes"][0]
    for key in (
        "name",
        "counts",
        "category",
        "better",
        "worse",
        "total_strength",
        "category_strength",
        "fong_significant",
    ):
        assert key in rec
    assert rec["counts"] == {"A": 3, "O": 2, "M": 1, "I": 0, "R": 0, "Q": 0}
    assert "Kano analysis" in str(res.summary())
    assert "<table>" in res._repr_html_()
    assert list(res.attribute_table()["A"]) == [3]
    frame = res.to_frame()
    assert list(frame["kind"]) == ["share"] * 6 + ["better", "worse"]
    assert list(frame["estimate"])[6] == pytest.approx(5 / 6)
    assert len(repr(res)) < 600
    pytest.importorskip("polars")
    assert res.to_frame("polars")["name"].to_list()[6:] == ["x", "x"]
    cls = _cl(np.array(f)[:, None], np.array(d)[:, None])
    assert cls.counts()["attribute_1"]["A"] == 3
    assert len(cls.to_frame()) == 6
    json.dumps(cls.to_dict())
    assert "Counts" in str(cls.summary())


def test_empty_attribute_gives_nan_not_error() -> None:
    with pytest.warns(SatmodelsWarning, match="no A, O, M or I"):
        res = _an(np.array([[np.nan], [np.nan]]), np.array([[1.0], [2.0]]))
    assert res.n[0] == 0
    assert res.category == ("",)
    assert np.isnan(res.better[0])
    json.dumps(res.to_dict())


def test_demo_section() -> None:
    survey = make_survey(200, rng=4)
    from satmodels.demo.kano import section

    s = section(survey.data)
    text = str(s)
    assert "attribute 6" in text
    assert "By segment" in text


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.int64, np.float32])
@pytest.mark.parametrize("bad", [0, 6, 100])
def test_out_of_range_integers_are_caught_for_every_dtype(dtype: Any, bad: int) -> None:
    f = np.array([[1], [bad]], dtype=dtype)
    d = np.array([[5], [5]], dtype=dtype)
    with pytest.raises(InputError, match=r"row 2"):
        _an(f, d)
    assert _an(f[:1], d[:1]).counts[0, 1] == 1


def test_negative_int8_codes() -> None:
    with pytest.raises(InputError, match="-1"):
        _an(np.array([[-1]], dtype=np.int8), np.array([[5]], dtype=np.int8))


# ------------------------------------------------------------ from_tables
def test_from_tables_round_trip_and_checks() -> None:
    cols = _survey_columns(200, seed=13)
    pairs = [(f"f{a}", f"d{a}") for a in range(3)]
    res = kano.analyze(cols, pairs=pairs)
    again = kano.from_tables(res.tables, attributes=res.attributes)
    np.testing.assert_array_equal(again.counts, res.counts)
    np.testing.assert_array_equal(again.n_missing, res.n_missing)
    np.testing.assert_allclose(again.better_low, res.better_low)
    assert again.category == res.category
    five = kano.from_tables(res.tables[:, :5, :5], n_missing=res.n_missing)
    np.testing.assert_array_equal(five.n_missing, res.n_missing)
    assert five.n_respondents == 200
    assert five.attributes[0] == "attribute_1"
    with pytest.raises(InputError, match="shape"):
        kano.from_tables(np.ones((2, 4, 4)))
    with pytest.raises(InputError, match="whole counts"):
        kano.from_tables(np.full((1, 5, 5), 0.5))
    with pytest.raises(InputError, match="n_missing"):
        kano.from_tables(np.ones((1, 5, 5)), n_missing=[-1])
    with pytest.raises(InputError, match="attributes"):
        kano.from_tables(np.ones((1, 5, 5)), attributes=["a", "b"])


def test_lazy_duckdb_relation() -> None:
    duckdb = pytest.importorskip("duckdb")
    pd = pytest.importorskip("pandas")
    pytest.importorskip("satmodels.stats.counts")
    cols = _survey_columns(90, seed=21)
    pairs = [(f"f{a}", f"d{a}") for a in range(3)]
    eager = kano.analyze(cols, pairs=pairs)
    frame = pd.DataFrame(cols)  # noqa: F841 - read by duckdb's replacement scan
    con = duckdb.connect()
    rel = con.sql("select * from frame")
    res = kano.analyze(rel, pairs=pairs)
    np.testing.assert_array_equal(res.counts, eager.counts)
    np.testing.assert_array_equal(res.n_missing, eager.n_missing)


def test_lazy_continuous_matches_eager() -> None:
    pl = pytest.importorskip("polars")
    pytest.importorskip("satmodels.stats.counts")
    cols = _survey_columns(150, seed=4)
    pairs = [(f"f{a}", f"d{a}") for a in range(3)]
    eager = kano.continuous(cols, pairs=pairs)
    lazy = kano.continuous(pl.DataFrame(cols, nan_to_null=True).lazy(), pairs=pairs)
    np.testing.assert_allclose(lazy.functional_mean, eager.functional_mean)
    np.testing.assert_allclose(lazy.dysfunctional_sd, eager.dysfunctional_sd)
    assert lazy.quadrant == eager.quadrant


def test_importance_error_names_the_attribute() -> None:
    imp = np.array([[1.0, 2.0], [3.0, -4.0]])
    with pytest.raises(InputError, match=r"'imp_2'.*row 2"):
        _an([[1, 1], [1, 1]], [[5, 5], [5, 5]], attributes=["a", "b"], importance=imp)


def test_label_answers_are_refused_naming_the_column() -> None:
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame({"wifi": ["like", None], "wifi_d": ["dislike", "like"]})
    with pytest.raises(InputError, match="wifi"):
        kano.analyze(frame, functional="wifi", dysfunctional="wifi_d")
    with pytest.raises(InputError, match="answers"):
        _an([[1]], [[5]], answers=ANSWERS)


def test_importance_all_missing_for_one_attribute() -> None:
    imp = np.array([[np.nan, 2.0], [np.nan, 4.0]])
    res = _an([[1, 1], [1, 2]], [[5, 5], [4, 5]], importance=imp, segments=["a", "b"])
    assert res.importance_mean is not None
    assert np.isnan(res.importance_mean[0])
    assert res.importance_mean[1] == pytest.approx(3.0)
    assert res.better_weighted is not None
    assert np.isnan(res.better_weighted[0])  # no weight at all
    assert res.better_weighted[1] == pytest.approx(2.0 / 6.0)
    cont = _co([[1, 1], [1, 2]], [[5, 5], [4, 5]], importance=imp)
    assert cont.importance_mean is not None
    assert np.isnan(cont.importance_mean[0])


def test_importance_by_column_names_in_pairs_mode() -> None:
    data = {
        "f1": np.array([1, 1, 2]),
        "d1": np.array([5, 4, 5]),
        "imp1": np.array([5.0, 1.0, 4.0]),
    }
    res = kano.analyze(data, pairs=[("f1", "d1")], importance=["imp1"])
    assert res.better_weighted is not None
    assert res.better_weighted[0] == pytest.approx((5 + 1) / 10)


@pytest.mark.parametrize(
    "bad", [1e300, -1e300, np.inf, -np.inf, 129.0, -127.0, 257.0, 1.5, 0.0]
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_float_fast_path_rejects_every_non_code(bad: float, dtype: Any) -> None:
    if dtype is np.float32 and abs(bad) == 1e300:
        bad = np.copysign(np.inf, bad)
    f = np.array([[1.0], [np.nan], [bad]], dtype=dtype)
    d = np.array([[5.0], [5.0], [5.0]], dtype=dtype)
    with pytest.raises(InputError, match="row 3"):
        _an(f, d)
    ok = _an(f[:2], d[:2])
    assert ok.counts[0].tolist() == [0, 1, 0, 0, 0, 0]
    assert ok.n_missing.tolist() == [1]
