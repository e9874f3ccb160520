"""Key-driver importance, IPA and PRCA against independent computations."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from satmodels import EstimationError, InputError, Moments, SatmodelsWarning, Scale
from satmodels.csi import (
    ipa,
    key_drivers,
    prca,
    relative_weights,
    shapley_importance,
)

GOLDEN = json.loads(
    (Path(__file__).parent / "golden" / "csi_r_reference.json").read_text()
)


def _r2_lstsq(
    x: np.ndarray[Any, Any], y: np.ndarray[Any, Any], cols: tuple[int, ...]
) -> float:
    if not cols:
        return 0.0
    design = np.column_stack([np.ones(len(y)), x[:, list(cols)]])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ beta
    return float(1 - resid @ resid / ((y - y.mean()) @ (y - y.mean())))


def _lmg_bruteforce(
    x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """LMG written out: average sequential R2 gain over all p! orders
    (Lindeman, Merenda & Gold 1980), each R2 by least squares on the rows."""
    p = x.shape[1]
    total = np.zeros(p)
    orders = list(itertools.permutations(range(p)))
    for order in orders:
        prev = 0.0
        for k in range(p):
            cur = _r2_lstsq(x, y, tuple(sorted(order[: k + 1])))
            total[order[k]] += cur - prev
            prev = cur
    return total / len(orders)


def _data(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> dict[str, Any]:
    """Drivers x0, x1, ... and the outcome y as named columns."""
    return {f"x{j}": x[:, j] for j in range(x.shape[1])} | {"y": y}


def _correlated(n: int = 300, p: int = 4, seed: int = 0) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, p))
    x = z @ np.linalg.cholesky(0.4 * np.eye(p) + 0.6).T
    y = x @ np.linspace(0.6, 0.1, p) + rng.normal(size=n)
    return x, y


def test_shapley_equals_bruteforce_permutations() -> None:
    x, y = _correlated()
    r = shapley_importance(_data(x, y), target="y")
    np.testing.assert_allclose(
        list(r.importance.values()), _lmg_bruteforce(x, y), rtol=1e-10
    )
    assert sum(r.importance.values()) == pytest.approx(_r2_lstsq(x, y, (0, 1, 2, 3)))


def test_shapley_against_r_on_swiss() -> None:
    # Independent implementation: R, lm() over all 120 orders on the swiss
    # data (tests/golden/csi_r_reference.R); the data of Groemping (2006).
    sw = GOLDEN["swiss"]
    data = np.array(sw["data"], dtype=float)
    cols = sw["columns"]
    df = pd.DataFrame(data, columns=cols)
    r = shapley_importance(df, target="Fertility")
    for k, v in sw["lmg"].items():
        assert r.importance[k] == pytest.approx(v, rel=1e-9)
    assert r.r_squared == pytest.approx(sw["r_squared"], rel=1e-12)
    rw = relative_weights(df, target="Fertility")
    for k, v in sw["relative_weights"].items():
        assert rw.importance[k] == pytest.approx(v, rel=1e-9)


@settings(deadline=None, max_examples=25)
@given(st.integers(2, 7), st.integers(0, 10_000))
def test_weights_sum_to_r_squared(p: int, seed: int) -> None:
    x, y = _correlated(n=80, p=p, seed=seed)
    sh = shapley_importance(_data(x, y), target="y")
    rw = relative_weights(_data(x, y), target="y")
    assert sum(sh.importance.values()) == pytest.approx(sh.r_squared, abs=1e-10)
    assert sum(rw.importance.values()) == pytest.approx(rw.r_squared, abs=1e-10)
    assert all(v >= -1e-12 for v in rw.importance.values())


def test_orthogonal_drivers_give_squared_correlations() -> None:
    rng = np.random.default_rng(8)
    q, _ = np.linalg.qr(rng.normal(size=(200, 4)) - rng.normal(size=(200, 4)).mean(0))
    x = q - q.mean(axis=0)
    x, _ = np.linalg.qr(x)  # orthonormal, and still centred
    x = x - x.mean(axis=0)
    corr = np.corrcoef(x, rowvar=False)
    assert np.allclose(corr, np.eye(4), atol=1e-10)
    y = x @ np.array([3.0, 2.0, 1.0, 0.0]) + rng.normal(size=200) * 0.1
    r2 = np.array([np.corrcoef(x[:, j], y)[0, 1] ** 2 for j in range(4)])
    for fn in (shapley_importance, relative_weights):
        got = fn(_data(x, y), target="y").importance
        np.testing.assert_allclose(list(got.values()), r2, atol=1e-10)


def test_regression_and_correlation_methods() -> None:
    x, y = _correlated(seed=2)
    zx = (x - x.mean(0)) / x.std(0)
    zy = (y - y.mean()) / y.std()
    beta, *_ = np.linalg.lstsq(zx, zy, rcond=None)
    r = key_drivers(_data(x, y), target="y", method="regression")
    np.testing.assert_allclose(list(r.importance.values()), beta, rtol=1e-10)
    c = key_drivers(_data(x, y), target="y", method="correlation")
    np.testing.assert_allclose(
        list(c.importance.values()), [np.corrcoef(x[:, j], y)[0, 1] for j in range(4)]
    )


def test_inputs_agree_and_moments_path() -> None:
    x, y = _correlated(seed=3)
    cols = ["a", "b", "c", "d"]
    df = pd.DataFrame(x, columns=cols).assign(sat=y)
    base = shapley_importance(
        np.column_stack([x, y]), columns=[*cols, "sat"], target="sat"
    )
    for r in (
        shapley_importance(df, target="sat"),
        shapley_importance(pl.from_pandas(df), target="sat", items=cols),
        shapley_importance(Moments.from_data(df), target="sat"),
        shapley_importance(df[["sat", "d", "c", "b", "a"]], target="sat", items=cols),
    ):
        np.testing.assert_allclose(
            list(r.importance.values()), list(base.importance.values())
        )
    assert list(base.importance) == cols


def test_bootstrap_intervals_seeded() -> None:
    x, y = _correlated(seed=4)
    a = shapley_importance(_data(x, y), target="y", n_resamples=60, rng=1)
    b = shapley_importance(_data(x, y), target="y", n_resamples=60, rng=1)
    assert a.ci_low == b.ci_low
    assert a.n_resamples == 60
    for k, v in a.importance.items():
        assert a.ci_low[k] <= v <= a.ci_high[k]
    lo, hi = a.confidence_interval(0.5)
    assert np.all(a.estimates.ci_low <= lo) and np.all(hi <= a.estimates.ci_high)
    # the percentile interval of the stored replicates (Efron & Tibshirani
    # 1993, eq. 13.5): numpy quantiles of the same replicates agree
    assert a.estimates.interval[0] == "percentile"
    none = shapley_importance(_data(x, y), target="y").confidence_interval()
    assert np.all(np.isnan(none.low))
    with pytest.raises(InputError, match="rng"):
        shapley_importance(_data(x, y), target="y", n_resamples=5, rng=1.5)


def test_weighted_drivers_match_replicated_rows() -> None:
    x, y = _correlated(n=60, seed=5)
    w = np.tile([1.0, 2.0, 3.0], 20)
    rep = np.repeat(np.arange(60), w.astype(int))
    a = shapley_importance(_data(x, y), target="y", weights=w)
    b = shapley_importance(_data(x[rep], y[rep]), target="y")
    np.testing.assert_allclose(
        list(a.importance.values()), list(b.importance.values()), rtol=1e-8
    )


def test_driver_errors() -> None:
    x, y = _correlated(seed=6)
    x[:, 3] = x[:, 0] + x[:, 1]
    with pytest.raises(EstimationError, match="collinear"):
        shapley_importance(_data(x, y), target="y")
    wide = np.random.default_rng(0).normal(size=(50, 22))
    with pytest.raises(InputError, match="exceeds the limit of 20"):
        shapley_importance(_data(wide[:, :21], wide[:, 21]), target="y")
    with pytest.raises(InputError, match="method"):
        key_drivers(_data(x, y), target="y", method="magic")  # type: ignore[arg-type]
    missing = x.copy()
    missing[0, 0] = np.nan
    r = relative_weights(_data(missing[:, :3], y), target="y")
    assert r.missing_report is not None and r.missing_report.rows_excluded == 1
    assert r.n == len(y) - 1
    json.dumps(r.to_dict())


# --------------------------------------------------------------------- IPA
def test_ipa_stated_quadrants_by_hand() -> None:
    x = np.array([[5, 2, 4, 1], [4, 3, 5, 2], [5, 2, 3, 2], [3, 4, 4, 1]], dtype=float)
    imp = {"a": 0.1, "b": 0.5, "c": 0.3, "d": 0.1}
    r = ipa(x, columns=["a", "b", "c", "d"], importance=imp)
    # performance means 4.25, 2.75, 4.0, 1.5 -> centre 3.125; importance centre 0.25
    assert r.performance_centre == pytest.approx(3.125)
    assert r.importance_centre == pytest.approx(0.25)
    assert r.quadrant == {
        "a": "possible overkill",
        "b": "concentrate here",
        "c": "keep up the good work",
        "d": "low priority",
    }
    s = ipa(
        x,
        columns=["a", "b", "c", "d"],
        importance=imp,
        centre="scale",
        scale=Scale.likert(1, 5),
    )
    assert s.performance_centre == 3.0
    assert s.performance_100["a"] == pytest.approx(81.25)


def test_ipa_derived_and_stated_columns() -> None:
    x, y = _correlated(seed=7)
    df = pd.DataFrame(x, columns=["a", "b", "c", "d"]).assign(overall=y)
    r = ipa(
        df,
        items=["a", "b", "c", "d"],
        target="overall",
        method="relative_weights",
    )
    ref = relative_weights(df, target="overall")
    assert r.importance == pytest.approx(ref.importance)
    assert r.drivers is not None
    df = df.assign(imp_a=7.0, imp_b=5.0, imp_c=2.0, imp_d=1.0)
    stated = ipa(
        df,
        items=["a", "b", "c", "d"],
        importance={"a": "imp_a", "b": "imp_b", "c": "imp_c", "d": "imp_d"},
        centre="scale",
        importance_scale=Scale.likert(1, 7),
    )
    assert stated.importance == {"a": 7.0, "b": 5.0, "c": 2.0, "d": 1.0}
    assert stated.importance_centre == 4.0
    with pytest.raises(InputError, match="one entry per item"):
        ipa(df, items=["a", "b"], importance={"a": 1.0})
    assert len(stated.to_frame()) == 8  # performance and importance rows


# -------------------------------------------------------------------- PRCA
def test_prca_matches_least_squares_on_dummies() -> None:
    rng = np.random.default_rng(9)
    x = rng.integers(1, 6, size=(300, 3)).astype(float)
    y = (
        6
        - 1.5 * (x[:, 0] <= 2)
        + 0.2 * (x[:, 0] >= 4)
        + 1.5 * (x[:, 1] >= 4)
        - 0.1 * (x[:, 1] <= 2)
        - 0.8 * (x[:, 2] <= 2)
        + 0.8 * (x[:, 2] >= 4)
        + rng.normal(size=300) * 0.8
    )
    data = np.column_stack([x, y])
    r = prca(data, columns=["a", "b", "c", "y"], target="y", scale=Scale.likert(1, 5))
    design = np.column_stack([np.ones(300), x <= 2, x >= 4]).astype(float)
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    np.testing.assert_allclose(list(r.penalty.values()), beta[1:4], rtol=1e-9)
    np.testing.assert_allclose(list(r.reward.values()), beta[4:7], rtol=1e-9)
    resid = y - design @ beta
    sigma2 = resid @ resid / (300 - 7)
    cov = sigma2 * np.linalg.inv(design.T @ design)
    pen = r.estimates.select("penalty")
    assert pen.standard_error[0] == pytest.approx(math.sqrt(cov[1, 1]), rel=1e-8)
    # the coefficient t tests are statsmodels' OLS ones (t = b / se, df n - 7)
    t = beta[1] / math.sqrt(cov[1, 1])
    assert pen.pvalue[0] == pytest.approx(2 * stats.t.sf(abs(t), 300 - 7), rel=1e-8)
    assert r.factor == {"a": "basic", "b": "excitement", "c": "performance"}
    assert r.low_values == (1.0, 2.0) and r.high_values == (4.0, 5.0)
    json.dumps(r.to_dict())
    assert "basic" in str(r.summary())


def test_prca_errors() -> None:
    x = np.column_stack([np.full(20, 5.0), np.arange(20.0)])
    with pytest.raises(EstimationError, match="no variation"):
        prca(x, columns=["a", "y"], target="y", scale=Scale.likert(1, 5))
    with pytest.raises(InputError, match="disjoint"):
        prca(
            x,
            columns=["a", "y"],
            target="y",
            scale=Scale.likert(1, 5),
            low=[1, 2],
            high=[2],
        )


def test_lazy_frame_uses_engine_moments() -> None:
    x, y = _correlated(seed=10)
    cols = ["a", "b", "c", "d"]
    df = pl.DataFrame(x, schema=cols).with_columns(sat=pl.Series(y))
    lazy = shapley_importance(df.lazy(), target="sat", items=cols)
    eager = shapley_importance(df, target="sat")
    assert lazy.importance == pytest.approx(eager.importance)
    assert shapley_importance(df.lazy(), target="sat").importance == pytest.approx(
        eager.importance
    )
    # the Poisson bootstrap runs on the engine
    boot = shapley_importance(df.lazy(), target="sat", n_resamples=20, rng=3)
    assert boot.n_resamples == 20
    assert np.all(np.isfinite(boot.estimates.standard_error))


MOBI = Path("/work/shared/data/ecsi/mobi.csv")


def test_real_ecsi_mobi_against_r() -> None:
    # Real survey (ECSI mobile phone, n = 250); R values from lm() over all
    # 2^9 subsets and psych::alpha (tests/golden/csi_r_reference.R).
    if not MOBI.exists():
        pytest.skip("real ECSI data not available")
    from satmodels.csi import cronbach_alpha

    ref = GOLDEN["mobi"]
    df = pd.read_csv(MOBI)
    r = shapley_importance(df, target=ref["outcome"], items=ref["drivers"])
    for k, v in ref["lmg"].items():
        assert r.importance[k] == pytest.approx(v, rel=1e-9)
    assert r.r_squared == pytest.approx(ref["r_squared"], rel=1e-12)
    a = cronbach_alpha(df, items=ref["alpha_items"])
    assert a.alpha == pytest.approx(ref["alpha"], abs=1e-10)
    assert a.ci_low == pytest.approx(ref["feldt_lower"], abs=1e-10)
    assert a.ci_high == pytest.approx(ref["feldt_upper"], abs=1e-10)


def test_shapley_recovers_population_values() -> None:
    # Simulation recovery: the population Shapley values of a known
    # correlation structure (computed from the population R and r) are
    # recovered at large n.
    from satmodels.csi._drivers import shapley_from_r2, subset_r2

    p = 4
    cov = 0.5 * np.eye(p) + 0.5
    beta = np.array([0.6, 0.3, 0.2, 0.0])
    var_y = float(beta @ cov @ beta) + 1.0
    r_pop = (cov @ beta) / np.sqrt(var_y)
    truth = shapley_from_r2(subset_r2(cov, r_pop), p)
    rng = np.random.default_rng(23)
    x = rng.multivariate_normal(np.zeros(p), cov, size=40_000)
    y = x @ beta + rng.normal(size=40_000)
    est = shapley_importance(_data(x, y), target="y")
    np.testing.assert_allclose(list(est.importance.values()), truth, atol=0.006)
    assert truth.sum() == pytest.approx(1 - 1 / var_y)


def test_ipa_from_moments_and_lazy() -> None:
    x, y = _correlated(seed=12)
    cols = ["a", "b", "c", "d"]
    df = pl.DataFrame(x + 3.0, schema=cols).with_columns(overall=pl.Series(y))
    eager = ipa(df, items=cols, target="overall")
    for r in (
        ipa(Moments.from_data(df), items=cols, target="overall"),
        ipa(df.lazy(), items=cols, target="overall"),
        ipa(df, target="overall"),
    ):
        assert r.performance == pytest.approx(eager.performance)
        assert r.importance == pytest.approx(eager.importance)
        assert r.quadrant == eager.quadrant


# ------------------------------------------------ nothing silent (issue 9)
def test_ipa_refuses_nan_stated_importance() -> None:
    # Regression: a NaN importance was accepted; the mean importance (the
    # cross-hair) became NaN and every comparison False, which moved the
    # other attributes' quadrants. Now it is refused, naming the item.
    x = np.array([[5, 2, 4], [4, 3, 5], [5, 2, 3], [3, 4, 4]], dtype=float)
    with pytest.raises(InputError, match=r"'importance' .* for item 'b'"):
        ipa(x, columns=["a", "b", "c"], importance={"a": 0.2, "b": np.nan, "c": 0.3})
    with pytest.raises(InputError, match=r"'importance' .* for item 'c'"):
        ipa(x, columns=["a", "b", "c"], importance={"a": 1, "b": 2, "c": True})
    # a stated-importance column without any observed value is refused too
    data = {"a": x[:, 0], "b": x[:, 1], "ia": np.full(4, np.nan), "ib": np.ones(4)}
    with pytest.raises(InputError, match=r"column 'ia' for item 'a'"):
        ipa(data, importance={"a": "ia", "b": "ib"})


def test_ipa_performance_rows_are_t_intervals() -> None:
    # Performance row: the item mean with the t interval of scipy.
    x, y = _correlated(n=40, seed=13)
    data = _data(x, y)
    r = ipa(data, target="y", confidence_level=0.9)
    perf = r.estimates.select("performance")
    for j, name in enumerate(perf.name):
        ci = stats.ttest_1samp(data[name], 0).confidence_interval(0.9)
        assert (perf.ci_low[j], perf.ci_high[j]) == pytest.approx((ci.low, ci.high))
    imp = r.estimates.select("importance")
    assert list(imp.estimate) == pytest.approx(list(r.importance.values()))
    assert len(repr(r)) < 400


def test_shapley_bootstrap_on_a_tiny_sample_warns() -> None:
    # Regression: numpy's LinAlgError escaped from bootstrap replicates with
    # a constant (or collinear) resampled column. Those replicates are left
    # out with a SatmodelsWarning; with too few left the intervals are NaN.
    rng = np.random.default_rng(0)
    x = rng.integers(1, 3, size=(6, 2)).astype(float)
    x[:, 1] = [1.0, 2.0, 1.0, 2.0, 2.0, 1.0]
    x[:, 0] = [1.0, 1.0, 2.0, 2.0, 1.0, 2.0]
    y = x @ [1.0, 0.5] + rng.normal(size=6)
    with pytest.warns(SatmodelsWarning, match="bootstrap replicates"):
        r = shapley_importance(_data(x, y), target="y", n_resamples=200, rng=2)
    assert r.n_resamples < 200
    assert np.all(np.isfinite(list(r.importance.values())))


def test_drivers_refuse_a_singular_sample() -> None:
    # p + 2 respondents are needed: three rows cannot separate two drivers.
    data = {"a": [1.0, 2.0, 3.0], "b": [2.0, 1.0, 3.0], "y": [1.0, 2.0, 2.0]}
    with pytest.raises(EstimationError, match="cannot be separated"):
        shapley_importance(data, target="y")


def test_a_driver_named_overall_is_an_ordinary_column() -> None:
    x, y = _correlated(n=50, seed=14)
    data = {"overall": x[:, 0], "price": x[:, 1], "sat": y}
    r = key_drivers(data, target="sat", method="correlation")
    assert r.target == "sat"
    assert r.importance["overall"] == pytest.approx(np.corrcoef(x[:, 0], y)[0, 1])


def test_ipa_item_with_one_answer_warns() -> None:
    x = np.array([[5.0, 2.0], [4.0, np.nan], [3.0, np.nan]])
    with pytest.warns(SatmodelsWarning, match=r"\['b'\] have fewer than 2"):
        r = ipa(x, columns=["a", "b"], importance={"a": 1.0, "b": 2.0})
    perf = r.estimates.select("performance")
    assert np.isfinite(perf.ci_low[0]) and np.isnan(perf.ci_low[1])
    assert r.performance["b"] == 2.0


def test_bootstrap_standard_error_matches_simulation() -> None:
    # Simulation recovery: the bootstrap SE of a Shapley value from one
    # sample is close to the spread of the estimate over repeated samples
    # from the population.
    rng = np.random.default_rng(31)
    cov = 0.5 * np.eye(3) + 0.5
    beta = np.array([0.6, 0.3, 0.1])

    def sample(n: int) -> dict[str, Any]:
        x = rng.multivariate_normal(np.zeros(3), cov, size=n)
        return _data(x, x @ beta + rng.normal(size=n))

    sims = [
        shapley_importance(sample(150), target="y").importance["x0"] for _ in range(300)
    ]
    boot = shapley_importance(sample(150), target="y", n_resamples=400, rng=5)
    se = boot.estimates.standard_error[0]
    assert se == pytest.approx(np.std(sims, ddof=1), rel=0.3)
