"""Statistical checks of satmodels.servqual: properties, coverage, zone, alpha."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from adapters import e_columns as _e
from adapters import pe as _pe
from adapters import zone_columns as _zt
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from satmodels import InputError, Moments, Scale
from satmodels.servqual import (
    Instrument,
    gaps,
    reliability,
    servperf,
    zone_of_tolerance,
)

INST = Instrument.define({"a": ["1", "2"], "b": ["3", "4", "5"]}, name="five items")
WIDE = Scale.interval(-1000, 1000)


def _pair(n_min: int = 3) -> Any:
    return st.integers(n_min, 12).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, (n, 5), elements=st.integers(1, 7).map(float)),
            arrays(np.float64, (n, 5), elements=st.integers(1, 7).map(float)),
        )
    )


# ------------------------------------------------------------- properties
@given(_pair())
def test_gaps_are_antisymmetric(pe: tuple[np.ndarray[Any, Any], ...]) -> None:
    p, e = pe
    a = gaps(_pe(p, e, INST), instrument=INST)
    b = gaps(_pe(e, p, INST), instrument=INST)
    assert a.items.estimate == pytest.approx(-b.items.estimate, abs=1e-12)
    assert a.dimensions.estimate == pytest.approx(-b.dimensions.estimate, abs=1e-12)
    assert a.unweighted_score == pytest.approx(-b.unweighted_score, abs=1e-12)
    np.testing.assert_allclose(
        a.items.standard_error, b.items.standard_error, atol=1e-12
    )
    np.testing.assert_allclose(a.items.ci_low, -b.items.ci_high, atol=1e-10)


@given(_pair(), st.integers(-3, 3))
def test_shift_leaves_gaps_unchanged(
    pe: tuple[np.ndarray[Any, Any], ...], c: int
) -> None:
    p, e = pe
    scale = Scale.interval(-2, 10)
    a = gaps(_pe(p, e, INST), instrument=INST, scale=scale)
    b = gaps(_pe(p + c, e + c, INST), instrument=INST, scale=scale)
    assert a.items.estimate == pytest.approx(b.items.estimate, abs=1e-12)
    np.testing.assert_allclose(
        a.dimensions.standard_error, b.dimensions.standard_error, atol=1e-9
    )
    assert a.unweighted_score == pytest.approx(b.unweighted_score, abs=1e-12)


@given(_pair(n_min=2))
def test_dimension_gap_is_mean_of_items(pe: tuple[np.ndarray[Any, Any], ...]) -> None:
    p, e = pe
    res = gaps(_pe(p, e, INST), instrument=INST)
    g = p - e
    assert res.dimensions.value("a") == pytest.approx(g[:, :2].mean(), abs=1e-12)
    assert res.dimensions.value("b") == pytest.approx(g[:, 2:].mean(), abs=1e-12)
    assert res.dimensions.value("a") == pytest.approx(res.items.estimate[:2].mean())


@given(_pair(), st.randoms(use_true_random=False))
def test_shuffling_respondents_changes_nothing(
    pe: tuple[np.ndarray[Any, Any], ...],
    rnd: Any,
) -> None:
    p, e = pe
    order = list(range(p.shape[0]))
    rnd.shuffle(order)
    a = gaps(_pe(p, e, INST), instrument=INST)
    b = gaps(_pe(p[order], e[order], INST), instrument=INST)
    np.testing.assert_allclose(a.dimensions.estimate, b.dimensions.estimate, atol=1e-12)
    np.testing.assert_allclose(
        a.dimensions.standard_error, b.dimensions.standard_error, rtol=1e-8, atol=1e-12
    )


# rare pairwise samples give a negative variance: NaN SE and a warning
@pytest.mark.filterwarnings("ignore::satmodels.SatmodelsWarning")
@given(_pair(n_min=4), st.integers(0, 4), st.integers(0, 4))
def test_missing_item_uses_complete_pairs(
    pe: tuple[np.ndarray[Any, Any], ...], row: int, col: int
) -> None:
    p, e = pe
    p = p.copy()
    p[row % p.shape[0], col] = np.nan
    res = gaps(_pe(p, e, INST), instrument=INST)
    ok = np.isfinite(p[:, col])
    assert res.items.estimate[col] == pytest.approx((p[ok, col] - e[ok, col]).mean())
    assert res.items.n[col] == p.shape[0] - 1
    assert sum(res.missing_report.column_missing.values()) == 1


# -------------------------------------------------------------- coverage
def test_intervals_cover_at_nominal_rate() -> None:
    # Population: P ~ N(mu_p, S), E ~ N(mu_e, S) correlated within respondent;
    # true item gaps mu_p - mu_e, dimension gaps their means. 2000 samples of
    # n = 12; a 95% interval should cover 95% +/- 3 binomial SDs (0.0146).
    rng = np.random.default_rng(20240601)
    mu_p = np.array([4.0, 4.5, 5.0, 3.5, 4.2])
    mu_e = np.array([5.0, 5.5, 4.8, 4.0, 5.2])
    true_item = mu_p - mu_e
    true_dim = np.array([true_item[:2].mean(), true_item[2:].mean()])
    true_all = true_dim.mean()
    k = 5
    corr = 0.4 * np.ones((2 * k, 2 * k)) + 0.6 * np.eye(2 * k)
    chol = np.linalg.cholesky(corr)
    reps = 2000
    hit_item = np.zeros(k)
    hit_dim = np.zeros(2)
    hit_all = 0
    hit_w = 0
    w = np.array([30.0, 70.0])
    true_w = (w / 100) @ true_dim
    for _ in range(reps):
        z = rng.standard_normal((12, 2 * k)) @ chol.T
        p, e = mu_p + z[:, :k], mu_e + z[:, k:]
        res = gaps(_pe(p, e, INST), instrument=INST, scale=WIDE, importance=w)
        hit_item += (res.items.ci_low <= true_item) & (true_item <= res.items.ci_high)
        hit_dim += (res.dimensions.ci_low <= true_dim) & (
            true_dim <= res.dimensions.ci_high
        )
        hit_all += res.unweighted.ci_low[0] <= true_all <= res.unweighted.ci_high[0]
        assert res.weighted is not None
        hit_w += res.weighted.ci_low[0] <= true_w <= res.weighted.ci_high[0]
    tol = 3 * np.sqrt(0.95 * 0.05 / reps)
    for rate in (*hit_item / reps, *hit_dim / reps, hit_all / reps, hit_w / reps):
        assert abs(rate - 0.95) < tol


# rare pairwise samples give a negative variance: NaN SE and a warning
@pytest.mark.filterwarnings("ignore::satmodels.SatmodelsWarning")
def test_intervals_cover_with_answers_missing_at_random() -> None:
    # Same population; 15% of the P and E answers deleted completely at
    # random (about 28% of the pairs). Dimension and overall intervals use
    # the partly overlapping pairwise samples (Sigma_ij = cov n_ij / n_i n_j)
    # and must still cover at 95% within 3 binomial SDs.
    rng = np.random.default_rng(11)
    mu_p = np.array([4.0, 4.5, 5.0, 3.5, 4.2])
    mu_e = np.array([5.0, 5.5, 4.8, 4.0, 5.2])
    true_item = mu_p - mu_e
    true_dim = np.array([true_item[:2].mean(), true_item[2:].mean()])
    corr = 0.4 * np.ones((10, 10)) + 0.6 * np.eye(10)
    chol = np.linalg.cholesky(corr)
    reps = 1500
    hit_dim = np.zeros(2)
    hit_all = 0
    for _ in range(reps):
        z = rng.standard_normal((20, 10)) @ chol.T
        p, e = mu_p + z[:, :5], mu_e + z[:, 5:]
        p[rng.random(p.shape) < 0.15] = np.nan
        e[rng.random(e.shape) < 0.15] = np.nan
        res = gaps(_pe(p, e, INST), instrument=INST, scale=WIDE)
        hit_dim += (res.dimensions.ci_low <= true_dim) & (
            true_dim <= res.dimensions.ci_high
        )
        u = res.unweighted
        hit_all += u.ci_low[0] <= true_dim.mean() <= u.ci_high[0]
    tol = 3 * np.sqrt(0.95 * 0.05 / reps)
    for rate in (*hit_dim / reps, hit_all / reps):
        assert abs(rate - 0.95) < tol


def test_feldt_interval_covers_at_nominal_rate() -> None:
    # Parallel normal items with common correlation rho: population alpha is
    # k rho / (1 + (k - 1) rho) (Cronbach 1951). Feldt's interval is exact
    # for this model, so coverage is 90% within binomial error.
    rng = np.random.default_rng(7)
    k, rho, n, reps = 4, 0.5, 30, 600
    alpha_true = k * rho / (1 + (k - 1) * rho)
    corr = rho * np.ones((k, k)) + (1 - rho) * np.eye(k)
    chol = np.linalg.cholesky(corr)
    inst = Instrument.define({"d": ["1", "2", "3", "4"]})
    hits = 0
    for _ in range(reps):
        x = rng.standard_normal((n, k)) @ chol.T
        res = reliability(
            _pe(x, None, inst),
            instrument=inst,
            scale=Scale.interval(-100, 100),
            confidence_level=0.9,
        )
        hits += res.ci_low[0] <= alpha_true <= res.ci_high[0]
    assert abs(hits / reps - 0.9) < 3 * np.sqrt(0.9 * 0.1 / reps)


# ----------------------------------------------------------- reliability
def test_alpha_item_total_and_feldt_by_hand() -> None:
    rng = np.random.default_rng(3)
    base = rng.integers(2, 6, size=(40, 1))
    x = np.clip(base + rng.integers(-1, 2, size=(40, 5)), 1, 7).astype(float)
    res = reliability(_pe(x, None, INST), instrument=INST, confidence_level=0.95)
    for j, cols in enumerate(([0, 1], [2, 3, 4])):
        sub = x[:, cols]
        k = len(cols)
        # Cronbach (1951): k/(k-1) (1 - sum of item variances / total variance)
        alpha = (
            k / (k - 1) * (1 - sub.var(axis=0, ddof=1).sum() / sub.sum(1).var(ddof=1))
        )
        assert res.alpha[j] == pytest.approx(alpha, rel=1e-12)
        # Feldt (1965) as coded in pingouin.cronbach_alpha (written out here):
        #   lower = 1 - (1 - a) * f.isf(0.05 / 2, n - 1, (n - 1)(k - 1))
        #   upper = 1 - (1 - a) * f.isf(1 - 0.05 / 2, n - 1, (n - 1)(k - 1))
        df1, df2 = 39, 39 * (k - 1)
        lower = 1 - (1 - alpha) * stats.f.isf(0.025, df1, df2)
        upper = 1 - (1 - alpha) * stats.f.isf(0.975, df1, df2)
        assert res.ci_low[j] == pytest.approx(lower, rel=1e-10)
        assert res.ci_high[j] == pytest.approx(upper, rel=1e-10)
        for i, c in enumerate(cols):
            rest = sub.sum(axis=1) - x[:, c]
            r = np.corrcoef(x[:, c], rest)[0, 1]
            assert res.item_total[c] == pytest.approx(r, rel=1e-10)
            if k > 2:
                keep = [cc for cc in cols if cc != c]
                kk = len(keep)
                s = x[:, keep]
                a_del = (
                    kk
                    / (kk - 1)
                    * (1 - s.var(axis=0, ddof=1).sum() / s.sum(1).var(ddof=1))
                )
                assert res.alpha_if_deleted[c] == pytest.approx(a_del, rel=1e-10)
            del i
    low, high = res.confidence_interval(0.8)
    assert np.all(low > res.ci_low)
    assert np.all(high < res.ci_high)
    json.dumps(res.to_dict())
    assert "Cronbach's alpha" in str(res.summary())
    assert len(res.to_frame()) == 2
    assert res.confidence_interval().low == pytest.approx(res.ci_low)


def test_alpha_hand_example() -> None:
    # 5 respondents x 3 items. Item variances (ddof 1): 4.3, 2.3, 4.5 -> 11.1
    # totals 5, 10, 14, 19, 7 -> mean 11, variance (36+1+9+64+16)/4 = 31.5
    x = np.array([[1, 2, 2], [3, 3, 4], [5, 4, 5], [6, 6, 7], [2, 3, 2]], float)
    inst = Instrument.define({"d": ["1", "2", "3"]})
    # item 1: deviations -2.4, -0.4, 1.6, 2.6, -1.4 -> squares 17.2 -> /4 = 4.3
    # item 2: deviations -1.6, -0.6, 0.4, 2.4, -0.6 -> squares 9.2 -> /4 = 2.3
    # item 3: deviations -2, 0, 1, 3, -2 -> squares 18 -> /4 = 4.5
    item_var = np.array([4.3, 2.3, 4.5])
    assert x.var(axis=0, ddof=1) == pytest.approx(item_var)
    total_var = 31.5  # totals 5, 10, 14, 19, 7: deviations -6, -1, 3, 8, -4
    assert x.sum(1).var(ddof=1) == pytest.approx(total_var)
    alpha = 1.5 * (1 - item_var.sum() / total_var)  # 1.5 * (1 - 11.1/31.5)
    res = reliability(_pe(x, None, inst), instrument=inst)
    assert res.alpha[0] == pytest.approx(alpha, rel=1e-12)
    assert alpha == pytest.approx(0.9714285714, rel=1e-9)


def test_reliability_of_gaps_listwise_and_from_moments() -> None:
    rng = np.random.default_rng(4)
    e = rng.integers(4, 8, (50, 5)).astype(float)
    p = np.clip(e - rng.integers(-1, 3, (50, 5)) + rng.integers(0, 2, (50, 1)), 1, 7)
    res = reliability(_pe(p, e, INST), expectations=_e(INST), instrument=INST)
    assert res.basis == "gaps"
    g = p - e
    k = 3
    alpha_b = (
        k / (k - 1) * (1 - g[:, 2:].var(0, ddof=1).sum() / g[:, 2:].sum(1).var(ddof=1))
    )
    assert res.alpha[1] == pytest.approx(alpha_b, rel=1e-12)
    cols = [f"p{i}" for i in range(5)] + [f"e{i}" for i in range(5)]
    m = Moments.from_data(np.hstack([p, e]), columns=cols, missing="pairwise")
    res_m = reliability(m, perceptions=cols[:5], expectations=cols[5:], instrument=INST)
    assert res_m.alpha == pytest.approx(res.alpha, rel=1e-10)
    assert res_m.item_total == pytest.approx(res.item_total, rel=1e-10)
    # listwise within the dimension: a missing answer in dimension a only
    p2 = p.copy()
    p2[0, 0] = np.nan
    res2 = reliability(_pe(p2, e, INST), expectations=_e(INST), instrument=INST)
    assert res2.n.tolist() == [49, 50]
    assert res2.alpha[1] == pytest.approx(res.alpha[1])


@pytest.mark.parametrize("basis", ["gaps", "responses"])
def test_reliability_on_a_lazy_frame_is_listwise_within_each_dimension(
    basis: str,
) -> None:
    # Missing answers in both dimensions, a reverse-worded item, weights
    # and segments: the lazy frame gives the rows' numbers (listwise within
    # each dimension), where it used to give pairwise covariances.
    pl = pytest.importorskip("polars")
    inst = Instrument.define(
        {"a": ["1", "2"], "b": ["3", "4", "5"]}, name="five items", reverse=["4"]
    )
    rng = np.random.default_rng(11)
    e = rng.integers(3, 8, (80, 5)).astype(float)
    p = np.clip(e - rng.integers(-1, 3, (80, 5)) + rng.integers(0, 2, (80, 1)), 1, 7)
    p[rng.random((80, 5)) < 0.1] = np.nan
    e[rng.random((80, 5)) < 0.05] = np.nan
    data = _pe(p, e, inst) | {
        "w": rng.uniform(0.5, 2.0, 80),
        "seg": np.where(np.arange(80) % 3 == 0, "x", "y"),
    }
    kw: dict[str, Any] = {"instrument": inst, "weights": "w", "segments": "seg"}
    if basis == "gaps":
        kw["expectations"] = _e(inst)
    rows = reliability(data, **kw)
    lazy = reliability(pl.DataFrame(data).lazy(), **kw)
    assert lazy.segments is not None
    assert rows.segments is not None
    for got, ref in [
        (lazy, rows),
        *zip(lazy.segments.values(), rows.segments.values(), strict=True),
    ]:
        np.testing.assert_allclose(got.alpha, ref.alpha, rtol=1e-12)
        np.testing.assert_allclose(got.item_total, ref.item_total, rtol=1e-12)
        np.testing.assert_allclose(
            got.alpha_if_deleted, ref.alpha_if_deleted, rtol=1e-12
        )
        assert got.n.tolist() == ref.n.tolist()
    assert rows.n[0] < 80 and rows.n[1] < rows.n[0] + 20  # both dimensions lose rows


# --------------------------------------------------------------- zone
def test_zone_of_tolerance_by_hand() -> None:
    inst = Instrument.define({"speed": ["s1", "s2"], "staff": ["f1"]})
    p = np.array([[5, 8, 6], [6, 9, 6], [4, 8, 7]], float)
    a = np.array([[6, 4, 5], [6, 5, 6], [5, 4, 6]], float)
    d = np.array([[8, 7, 8], [9, 8, 8], [8, 7, 9]], float)
    data, kw = _zt(p, a, d, inst)
    res = zone_of_tolerance(data, **kw)
    # MSA = P - A: s1 (-1, 0, -1) -> -2/3; s2 (4, 4, 4) -> 4; f1 (1, 0, 1) -> 2/3
    assert res.msa_items.estimate == pytest.approx([-2 / 3, 4.0, 2 / 3])
    # MSS = P - D: s1 (-3, -3, -4) -> -10/3; s2 (1, 1, 1) -> 1; f1 (-2,-2,-2) -> -2
    assert res.mss_items.estimate == pytest.approx([-10 / 3, 1.0, -2.0])
    # width = D - A: s1 (2, 3, 3) -> 8/3; s2 (3, 3, 3) -> 3; f1 (3, 2, 3) -> 8/3
    assert res.width_items.estimate == pytest.approx([8 / 3, 3.0, 8 / 3])
    assert res.item_position == ("below", "above", "inside")
    # speed: MSA (-2/3 + 4)/2 = 5/3 >= 0, MSS (-10/3 + 1)/2 = -7/6 <= 0
    assert res.dimension_position == ("inside", "inside")
    ref = stats.ttest_rel(p[:, 0], a[:, 0])
    assert res.msa_items.statistic[0] == pytest.approx(ref.statistic)
    assert res.msa_overall.value("overall") == pytest.approx((5 / 3 + 2 / 3) / 2)
    low, high = res.confidence_interval(measure="mss", by="item")
    assert low[1] == high[1] == pytest.approx(1.0, abs=1e-12)  # a point
    d_json = res.to_dict()
    json.dumps(d_json)
    assert d_json["item_position"] == {"s1": "below", "s2": "above", "f1": "inside"}
    assert "Zone of tolerance" in str(res.summary())
    assert len(res.to_frame()) == 3 * (3 + 2 + 1)
    assert res.confidence_interval().low == pytest.approx(res.estimates.ci_low)
    with pytest.raises(InputError, match="measure"):
        res.confidence_interval(measure="gap")
    off = p.copy()
    off[0, 0] = 10
    with pytest.raises(InputError, match=r"'perceived'.*column 'p_s1'"):
        zone_of_tolerance(_zt(off, a, d, inst)[0], **kw)


# --------------------------------------------------------------- servperf
def test_servperf_segments_and_per_respondent_weights() -> None:
    rng = np.random.default_rng(9)
    p = rng.integers(1, 8, (40, 5)).astype(float)
    w = np.tile([40.0, 60.0], (40, 1))
    w[3] = np.nan
    seg = np.repeat(["x", "y"], 20)
    res = servperf(_pe(p, None, INST), instrument=INST, importance=w, segments=seg)
    dim = np.column_stack([p[:, :2].mean(1), p[:, 2:].mean(1)])
    score = (dim * w / 100).sum(1)
    ok = np.isfinite(score)
    assert res.weighted_score == pytest.approx(score[ok].mean())
    assert (
        res.missing_report.reasons["weighted score: missing importance or dimension"]
        == 1
    )
    assert res.segments is not None
    assert res.segments["y"].dimensions.estimate == pytest.approx(
        [p[20:, :2].mean(), p[20:, 2:].mean()]
    )
    assert "SERVPERF" in str(res.summary())
    json.dumps(res.to_dict())
