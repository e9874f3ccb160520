"""c = b / a: aggregates, intervals, grades and bad input.

References checked here:
- Cochran (1977), Sampling Techniques, eq. 6.9: delta-method variance of a
  ratio of means, recomputed independently with numpy below;
- Fieller (1954): the interval is the set of theta whose t statistic for
  ``mean(b) - theta * mean(a) = 0`` is below the critical value; the test
  inverts that t test numerically with scipy's brentq;
- coverage by simulation from a population with known E[b] / E[a].
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import optimize, stats

from satmodels import InputError, RatioResult, SmallSampleWarning
from satmodels import satisfaction_ratio as _satisfaction_ratio
from satmodels.ratio import GRADE_LABELS, GRADES, grade
from satmodels.ratio._kernels import aggregates


def satisfaction_ratio(
    b: object, a: object, *, items: list[str] | None = None, **kwargs: object
) -> RatioResult:
    """Call the one-data API with perceived b and expected a as paired columns."""
    bb = np.asarray(b, dtype=float)
    aa = np.asarray(a, dtype=float)
    if bb.ndim == 1:
        bb = bb[:, None]
    if aa.ndim == 1:
        aa = aa[:, None]
    names = items or [f"x{j}" for j in range(bb.shape[1])]
    data = {f"p_{nm}": bb[:, j] for j, nm in enumerate(names)}
    data |= {f"e_{nm}": aa[:, j] for j, nm in enumerate(names[: aa.shape[1]])}
    return _satisfaction_ratio(
        data,
        perceived=[f"p_{nm}" for nm in names],
        expected=[f"e_{nm}" for nm in names[: aa.shape[1]]],
        items=names,
        **kwargs,  # type: ignore[arg-type]
    )


def _survey(n: int = 120, k: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(3, 8, size=(n, k)).astype(float)
    b = np.clip(a + rng.integers(-2, 3, size=(n, k)), 1, 7).astype(float)
    return b, a


def test_hand_computed_example() -> None:
    # a = (5, 6, 4), b = (6, 6, 5): ratios 1.2, 1, 1.25; R = 17/15.
    a = np.array([[5.0], [6.0], [4.0]])
    b = np.array([[6.0], [6.0], [5.0]])
    res = satisfaction_ratio(b, a)
    np.testing.assert_allclose(res.ratios[:, 0], [1.2, 1.0, 1.25])
    np.testing.assert_allclose(res.mean_ratio, [(1.2 + 1.0 + 1.25) / 3])
    np.testing.assert_allclose(res.ratio_of_means, [17 / 15])
    sd = np.std([1.2, 1.0, 1.25], ddof=1)
    np.testing.assert_allclose(res.mean_ratio_se, [sd / np.sqrt(3)])
    assert res.item_grade == ("above expectation",)


def test_delta_method_se_cochran_6_9() -> None:
    b, a = _survey()
    res = satisfaction_ratio(b, a)
    n = len(a)
    for j in range(3):
        r = b[:, j].mean() / a[:, j].mean()
        d = b[:, j] - r * a[:, j]
        se = np.sqrt(d.var(ddof=1) / n) / a[:, j].mean()  # Cochran (1977) eq. 6.9
        np.testing.assert_allclose(res.ratio_of_means_se[j], se, rtol=1e-12)


def test_fieller_inverts_the_t_test() -> None:
    b, a = _survey(n=40, seed=4)
    res = satisfaction_ratio(b, a, confidence_level=0.9)
    low, high = res.confidence_interval()
    n = len(a)
    tcrit = stats.t.ppf(0.95, n - 1)
    for j in range(3):
        abar, bbar = a[:, j].mean(), b[:, j].mean()
        cov = np.cov(a[:, j], b[:, j]) / n

        def excess(
            theta: float,
            j: int = j,
            abar: float = abar,
            bbar: float = bbar,
            cov: np.ndarray = cov,
        ) -> float:
            var = cov[1, 1] - 2 * theta * cov[0, 1] + theta**2 * cov[0, 0]
            return float(abs(bbar - theta * abar) / np.sqrt(var) - tcrit)

        r = bbar / abar
        lo = optimize.brentq(excess, r - 5, r)
        hi = optimize.brentq(excess, r, r + 5)
        np.testing.assert_allclose([low[j], high[j]], [lo, hi], rtol=1e-9)


def test_fieller_unbounded_when_expectation_not_significant() -> None:
    a = np.array([[0.01], [0.02], [5.0]])
    b = np.array([[1.0], [2.0], [1.0]])
    res = satisfaction_ratio(b, a, confidence_level=0.99)
    low, high = res.confidence_interval()
    assert np.isinf(low[0]) and np.isinf(high[0])
    json.dumps(res.to_dict())  # infinite ends become null


def test_coverage_of_fieller_and_delta() -> None:
    # Population: a ~ N(5, 1), b = 0.9 a + N(0, 0.5)  =>  E[b]/E[a] = 0.9.
    rng = np.random.default_rng(123)
    reps, n = 600, 60
    hits_f = hits_d = 0
    for _ in range(reps):
        a = rng.normal(5.0, 1.0, size=(n, 1))
        b = 0.9 * a + rng.normal(0.0, 0.5, size=(n, 1))
        res = satisfaction_ratio(b, a)
        lo, hi = res.confidence_interval()
        hits_f += int(lo[0] <= 0.9 <= hi[0])
        lo, hi = res.confidence_interval(method="delta")
        hits_d += int(lo[0] <= 0.9 <= hi[0])
    # binomial tolerance: 0.95 +- 3 * sqrt(.95 * .05 / 600) = +-0.027
    assert abs(hits_f / reps - 0.95) < 0.027
    assert abs(hits_d / reps - 0.95) < 0.027


def test_weights_equal_replicated_rows() -> None:
    b, a = _survey(n=30)
    w = np.random.default_rng(1).integers(1, 4, size=30)
    res_w = satisfaction_ratio(b, a, weights=w)
    res_r = satisfaction_ratio(np.repeat(b, w, axis=0), np.repeat(a, w, axis=0))
    np.testing.assert_allclose(res_w.ratio_of_means, res_r.ratio_of_means, rtol=1e-12)
    np.testing.assert_allclose(res_w.mean_ratio, res_r.mean_ratio, rtol=1e-12)
    np.testing.assert_allclose(res_w.grade_counts, res_r.grade_counts)
    unit = satisfaction_ratio(b, a, weights=np.ones(30))
    plain = satisfaction_ratio(b, a)
    np.testing.assert_allclose(unit.ratio_of_means_se, plain.ratio_of_means_se)


@given(st.floats(0.1, 100.0), st.randoms())
def test_invariances(factor: float, rnd: object) -> None:
    b, a = _survey(n=25, k=2, seed=9)
    base = satisfaction_ratio(b, a)
    scaled = satisfaction_ratio(b * factor, a * factor)
    np.testing.assert_allclose(scaled.ratio_of_means, base.ratio_of_means, rtol=1e-12)
    np.testing.assert_allclose(scaled.mean_ratio_se, base.mean_ratio_se, rtol=1e-9)
    perm = list(range(25))
    rnd.shuffle(perm)  # type: ignore[attr-defined]
    shuffled = satisfaction_ratio(b[perm], a[perm])
    np.testing.assert_allclose(shuffled.ratio_of_means, base.ratio_of_means, rtol=1e-12)
    swapped = satisfaction_ratio(a, b)
    np.testing.assert_allclose(
        swapped.ratio_of_means, 1 / base.ratio_of_means, rtol=1e-12
    )


def test_grade_boundaries() -> None:
    cuts = (0.8, 0.95, 1.05, 1.2)
    values = [0.79, 0.8, 0.949, 0.95, 1.0, 1.05, 1.051, 1.2, 1.21]
    assert grade(values, cuts).tolist() == [0, 1, 1, 2, 2, 2, 3, 3, 4]
    assert GRADES[2] == "meets expectation" and GRADE_LABELS[0] == "very dissatisfied"
    with pytest.raises(InputError, match="t1 < t2 <= 1 <= t3 < t4"):
        grade([1.0], (0.8, 1.1, 1.2, 1.3))


def test_per_item_thresholds() -> None:
    a = np.full((4, 2), 5.0)
    b = np.full((4, 2), 5.5)  # c = 1.1
    res = satisfaction_ratio(
        b, a, items=["x", "y"], thresholds={"y": (0.5, 0.9, 1.15, 1.5)}
    )
    assert res.item_grade == ("above expectation", "meets expectation")
    with pytest.raises(InputError, match="unknown item"):
        satisfaction_ratio(
            b, a, items=["x", "y"], thresholds={"z": (0.5, 0.9, 1.1, 1.5)}
        )


def test_nan_omit_counts_pairs() -> None:
    b, a = _survey(n=20, k=2)
    a[3, 1] = np.nan
    b[5, 0] = np.nan
    # row numbers in messages are 1-based: the NaN is in the 4th row
    with pytest.raises(InputError, match=r"'expected' column 'e_x1'.*row 4"):
        satisfaction_ratio(b, a)
    res = satisfaction_ratio(b, a, nan_policy="omit")
    assert res.n_omitted == {"x0": 1, "x1": 1}
    assert res.n.tolist() == [19, 19]
    assert res.overall_n == 18
    assert np.isnan(res.ratios[5, 0])
    assert res.missing_report.rows_total == 20
    assert res.missing_report.column_missing["e_x1"] == 1


@pytest.mark.parametrize(
    ("b", "a", "kwargs", "match"),
    [
        ([[1.0, 2.0]], [[1.0, 0.0]], {}, "'expected' column 'e_x1'.*positive.*row 1"),
        ([[1.0, -2.0]], [[1.0, 1.0]], {}, "'perceived' column 'p_x1'.*negative"),
        ([[1.0, 2.0]], [[1.0]], {}, "paired one to one"),
        ([[1.0, 9.0]], [[1.0, 2.0]], {"scale": (1, 7)}, "'p_x1'.*row 1: 9.0"),
        ([[1.0, np.inf]], [[1.0, 2.0]], {}, "infinite"),
        ([[1.0]], [[1.0]], {"confidence_level": 1.5}, "confidence_level"),
        ([[1.0]], [[1.0]], {"nan_policy": "propagate"}, "nan_policy"),
        ([[1.0]], [[1.0]], {"weights": [1.0, 2.0]}, "'weights'"),
        ([[1.0]], [[1.0]], {"scale": 7}, "'scale' parameter of satisfaction_ratio"),
        (np.empty((0, 2)), np.empty((0, 2)), {}, "at least 1 row"),
    ],
)
def test_bad_input(b: object, a: object, kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(InputError, match=match):
        satisfaction_ratio(b, a, **kwargs)  # type: ignore[arg-type]


def test_columns_are_paired_by_name_not_position() -> None:
    # the frame's column order is irrelevant: perceived[k] / expected[k]
    data = {"e2": [4.0, 5.0], "p1": [6.0, 6.0], "p2": [4.0, 3.0], "e1": [5.0, 6.0]}
    res = _satisfaction_ratio(data, perceived=["p1", "p2"], expected=["e1", "e2"])
    np.testing.assert_allclose(res.ratio_of_means, [12 / 11, 7 / 9])
    assert res.items == ("p1", "p2")
    with pytest.raises(InputError, match=r"'perceived' parameter.*'nope'"):
        _satisfaction_ratio(data, perceived=["nope"], expected=["e1"])
    with pytest.raises(InputError, match="'items' parameter"):
        _satisfaction_ratio(data, perceived=["p1"], expected=["e1"], items=["a", "b"])
    with pytest.raises(InputError, match=r"'items' parameter.*unique"):
        _satisfaction_ratio(
            data, perceived=["p1", "p2"], expected=["e1", "e2"], items=["a", "a"]
        )
    # a bare array: columns names its columns
    x = np.array([[6.0, 5.0], [6.0, 6.0]])
    arr = _satisfaction_ratio(x, columns=["p", "e"], perceived=["p"], expected=["e"])
    np.testing.assert_allclose(arr.ratio_of_means, [12 / 11])


def test_weights_by_column_name_and_segments() -> None:
    b, a = _survey(n=60, k=2)
    w = np.random.default_rng(5).uniform(0.5, 2.0, size=60)
    seg = np.where(np.arange(60) % 3 == 0, "north", "south")
    data = {"p0": b[:, 0], "p1": b[:, 1], "e0": a[:, 0], "e1": a[:, 1], "w": w}
    data_s = data | {"seg": seg}
    cols = {"perceived": ["p0", "p1"], "expected": ["e0", "e1"]}
    by_name = _satisfaction_ratio(data, weights="w", **cols)  # type: ignore[arg-type]
    by_array = _satisfaction_ratio(data, weights=w, **cols)  # type: ignore[arg-type]
    np.testing.assert_allclose(by_name.estimates.estimate, by_array.estimates.estimate)
    # independent: the weighted ratio of means sum(w b) / sum(w a)
    np.testing.assert_allclose(by_name.ratio_of_means, (w @ b) / (w @ a), rtol=1e-12)
    res = _satisfaction_ratio(data_s, weights="w", segments="seg", **cols)  # type: ignore[arg-type]
    assert res.segments is not None and list(res.segments) == ["north", "south"]
    north = seg == "north"
    np.testing.assert_allclose(
        res.segments["north"].ratio_of_means,
        (w[north] @ b[north]) / (w[north] @ a[north]),
        rtol=1e-12,
    )
    assert res.segments["south"].estimates.segment[0] == "south"
    assert "Overall R by segment" in str(res.summary())


def test_zero_weights_are_excluded_and_counted() -> None:
    b, a = _survey(n=10, k=1)
    w = np.ones(10)
    w[[2, 7]] = 0.0
    res = satisfaction_ratio(b, a, weights=w)
    ref = satisfaction_ratio(np.delete(b, [2, 7], 0), np.delete(a, [2, 7], 0))
    np.testing.assert_allclose(res.ratio_of_means_se, ref.ratio_of_means_se)
    assert res.n.tolist() == [8]
    assert res.missing_report.reasons == {"zero weight": 2}


def test_scale_pair_is_an_interval_scale() -> None:
    # (1, 10) means Scale.interval(1, 10): non-integer answers are on it
    res = satisfaction_ratio([[2.5], [7.25]], [[5.0], [5.0]], scale=(1, 10))
    assert res.ratio_of_means[0] == pytest.approx(9.75 / 10)
    with pytest.raises(InputError, match="outside"):
        satisfaction_ratio([[10.5]], [[5.0]], scale=(1, 10))


def test_per_item_thresholds_overall_grade_is_defined() -> None:
    # regression: the overall grade, result.thresholds and the summary used
    # the first item's cut points. Now each item keeps its own, and the
    # overall uses thresholds["overall"] (given, common, or the default).
    a = np.full((4, 2), 5.0)
    b = np.full((4, 2), 5.5)  # c = 1.1 everywhere
    per_item = {"x": (0.5, 0.9, 1.15, 1.5)}
    res = satisfaction_ratio(b, a, items=["x", "y"], thresholds=per_item)
    assert res.item_grade == ("meets expectation", "above expectation")
    assert res.thresholds["x"] == (0.5, 0.9, 1.15, 1.5)
    assert res.thresholds["y"] == (0.8, 0.95, 1.05, 1.2)
    assert res.thresholds["overall"] == (0.8, 0.95, 1.05, 1.2)
    assert res.overall_grade == "above expectation"
    text = str(res.summary())
    assert "Grades of x" in text and "Grades of overall" in text
    own = satisfaction_ratio(
        b, a, items=["x", "y"], thresholds={**per_item, "overall": (0.5, 0.9, 1.2, 1.5)}
    )
    assert own.overall_grade == "meets expectation"
    same = satisfaction_ratio(
        b, a, items=["x", "y"], thresholds={"x": (0.5, 0.9, 1.15, 1.5),
                                            "y": (0.5, 0.9, 1.15, 1.5)}
    )  # fmt: skip
    assert same.overall_grade == "meets expectation"


def test_one_respondent_gives_nan_and_a_warning() -> None:
    # regression: one respondent gave SE NaN and a (-inf, inf) interval
    with pytest.warns(SmallSampleWarning, match="at least 2"):
        res = satisfaction_ratio([[6.0]], [[5.0]])
    assert res.ratio_of_means[0] == pytest.approx(1.2)
    low, high = res.confidence_interval()
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert np.isnan(res.estimates.pvalue).all()
    assert not np.isinf(res.estimates.ci_low).any()
    json.dumps(res.to_dict(), allow_nan=False)


def test_error_messages_name_public_parameters() -> None:
    # regression: "the 'c' parameter of grade" leaked from an internal call
    b, a = _survey(n=5, k=1)
    with pytest.raises(InputError) as info:
        satisfaction_ratio(b, a, weights=np.zeros(5))
    assert "grade" not in str(info.value)
    assert "satisfaction_ratio" in str(info.value)


def test_confidence_interval_is_the_stored_one() -> None:
    b, a = _survey(n=40, k=2, seed=3)
    res = satisfaction_ratio(b, a, confidence_level=0.9)
    low, high = res.confidence_interval()
    rom = res.estimates.select("ratio_of_means")
    np.testing.assert_array_equal(low, rom.ci_low[:2])
    np.testing.assert_array_equal(high, rom.ci_high[:2])
    lo_m, _ = res.confidence_interval(statistic="mean_ratio")
    mr = res.estimates.select("mean_ratio")
    np.testing.assert_array_equal(lo_m, mr.ci_low[:2])
    olo, ohi = res.overall_confidence_interval()
    assert (olo, ohi) == (rom.ci_low[2], rom.ci_high[2])
    # another level is recomputed: it agrees with a fit at that level
    other = satisfaction_ratio(b, a, confidence_level=0.95)
    np.testing.assert_allclose(
        res.confidence_interval(0.95).low, other.confidence_interval().low
    )
    np.testing.assert_allclose(
        res.overall_confidence_interval(0.95), other.overall_confidence_interval()
    )
    with pytest.raises(InputError, match="'statistic'"):
        res.confidence_interval(statistic="median")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="'method'"):
        res.confidence_interval(method="boot")  # type: ignore[arg-type]


def test_frames_identical(
    constructor_eager: Callable[[dict[str, np.ndarray]], object],
) -> None:
    b, a = _survey(n=50, k=2)
    ref = satisfaction_ratio(b, a, items=["speed", "price"])
    cols = {"p_speed": b[:, 0], "p_price": b[:, 1], "e_speed": a[:, 0]}
    cols["e_price"] = a[:, 1]
    native = constructor_eager(cols)
    got = _satisfaction_ratio(
        native,
        columns=list(cols),  # names a bare array's columns, selects a frame's
        perceived=["p_speed", "p_price"],
        expected=["e_speed", "e_price"],
        items=["speed", "price"],
    )
    np.testing.assert_allclose(got.ratio_of_means, ref.ratio_of_means, rtol=1e-14)
    np.testing.assert_allclose(got.ratio_of_means_se, ref.ratio_of_means_se, rtol=1e-12)
    assert got.items == ("speed", "price")


def test_outputs_render() -> None:
    b, a = _survey()
    res = satisfaction_ratio(b, a, scale=(1, 7))
    text = str(res.summary())
    assert "Fieller" in text and "overall" in text
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["overall"]["n"] == 120
    assert len(res.to_frame()) == 4 * 4  # 3 items + overall, 4 kinds
    assert res.to_frame("polars").height == 16
    assert len(repr(res)) < 600
    with pytest.raises(AttributeError):
        res.n = np.zeros(3, dtype=np.int64)  # type: ignore[misc]
    import polars as pl

    frame = pl.DataFrame({"p": b[:, 0], "e": a[:, 0]})
    pol = _satisfaction_ratio(frame, perceived=["p"], expected=["e"])
    assert type(pol.to_frame()).__module__.startswith("polars")


def test_weighted_intervals_cover_by_simulation() -> None:
    # The linearisation variance with case weights (Cochran 1977 eq. 6.13;
    # Wolter 2007 ch. 6) has no closed-form reference here, so check its
    # purpose: with random survey weights independent of the answers, the
    # weighted delta-method interval for E[b]/E[a] = 0.9 and the weighted
    # t interval for E[b/a] (computed by Monte Carlo below) cover at 95%.
    rng = np.random.default_rng(2026)
    big_a = rng.normal(5.0, 1.0, 2_000_000)
    big_b = 0.9 * big_a + rng.normal(0.0, 0.5, 2_000_000)
    true_mean_ratio = float(np.mean(big_b / big_a))
    reps, n = 500, 80
    hits_r = hits_c = 0
    for _ in range(reps):
        a = rng.normal(5.0, 1.0, size=(n, 1))
        b = 0.9 * a + rng.normal(0.0, 0.5, size=(n, 1))
        w = rng.uniform(0.3, 3.0, size=n)
        res = satisfaction_ratio(b, a, weights=w)
        lo, hi = res.confidence_interval(method="delta")
        hits_r += int(lo[0] <= 0.9 <= hi[0])
        lo, hi = res.confidence_interval(statistic="mean_ratio")
        hits_c += int(lo[0] <= true_mean_ratio <= hi[0])
    # binomial tolerance: 0.95 +- 3 * sqrt(.95 * .05 / 500) = +-0.029
    assert abs(hits_r / reps - 0.95) < 0.03
    assert abs(hits_c / reps - 0.95) < 0.03


def test_single_item_names_may_be_strings() -> None:
    data = {"p": [6.0, 6.0, 5.0], "e": [5.0, 6.0, 4.0]}
    res = _satisfaction_ratio(data, perceived="p", expected="e", items="speed")
    assert res.items == ("speed",)
    assert res.ratio_of_means[0] == pytest.approx(17 / 15)


def test_aggregates_equal_exact_sums_per_column() -> None:
    # the kernels sum masked columns with matrix-vector products; each
    # aggregate must equal its formula (Cochran 1977, eqs. 6.9 and 6.13)
    # summed exactly (math.fsum) over the used cells of its column
    rng = np.random.default_rng(8)
    n, k = 20_000, 3
    a = rng.integers(1, 11, (n, k)).astype(float)
    b = rng.integers(1, 11, (n, k)).astype(float)
    a[rng.random((n, k)) < 0.05] = np.nan
    w = rng.uniform(0.2, 3.0, n)
    w[::13] = 0.0
    used_b = ~np.isnan(a) & (w > 0)[:, None]
    c = np.where(used_b, b / np.where(used_b, a, 1.0), np.nan)
    got = aggregates(a, b, c, used_b.astype(float), w)
    for j in range(k):
        m = used_b[:, j]
        wj, aj, bj, cj = w[m], a[m, j], b[m, j], c[m, j]
        sw, nj = math.fsum(wj), int(m.sum())
        abar = math.fsum(wj * aj) / sw
        bbar = math.fsum(wj * bj) / sw
        cbar = math.fsum(wj * cj) / sw
        rom = bbar / abar

        def var(z: np.ndarray) -> float:
            return nj / (nj - 1) * math.fsum((wj * z) ** 2) / sw**2  # noqa: B023

        assert got.abar[j] == pytest.approx(abar, rel=1e-14)
        assert got.cbar[j] == pytest.approx(cbar, rel=1e-14)
        assert got.se_c[j] == pytest.approx(math.sqrt(var(cj - cbar)), rel=1e-12)
        assert got.se_r[j] == pytest.approx(
            math.sqrt(var((bj - rom * aj) / abar)), rel=1e-12
        )
        vab = nj / (nj - 1) * math.fsum(wj**2 * (aj - abar) * (bj - bbar)) / sw**2
        assert got.vab[j] == pytest.approx(vab, rel=1e-11)
        assert got.n[j] == nj
