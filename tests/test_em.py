"""EM means and covariances (``missing="em"``) from per-pattern statistics.

References: lavaan 0.6 ``lavCor(data, missing = "ml")`` and its EM run to
convergence (tests/golden/lavaan_missing.R, .json) on a seeded MAR pattern
(tests/golden/missing_data.py) imposed on satmodels' sample survey and the
ECSI mobi data; exact identities (complete data, merging, frequency
weights); a simulation (MAR: EM consistent where listwise is biased).
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels import InputError, Moments, acsi
from satmodels.datasets import load_sample_survey
from satmodels.engines import MomentsRequest
from satmodels.engines.patterns import memory_patterns
from satmodels.stats._em import em_fit, pattern_loglik

GOLDEN_DIR = Path(__file__).parent / "golden"
GOLDEN: dict[str, Any] = json.loads((GOLDEN_DIR / "lavaan_missing.json").read_text())
MOBI = Path("/work/shared/data/ecsi/mobi.csv")

_spec = importlib.util.spec_from_file_location(
    "missing_data", GOLDEN_DIR / "missing_data.py"
)
assert _spec is not None and _spec.loader is not None
missing_data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(missing_data)


def survey_mar() -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The sample survey's ACSI items with the golden MAR cells, and weights."""
    survey = load_sample_survey()
    items = missing_data.SURVEY_ITEMS
    x = np.column_stack([np.asarray(survey[c], dtype=float) for c in items])
    mar = missing_data.impose_mar(x, items, missing_data.SURVEY_ANCHORS)
    return mar, np.asarray(survey["weight"], dtype=float)


def mobi_mar() -> tuple[np.ndarray[Any, Any], list[str]]:
    """The ECSI mobi data with the golden MAR cells (skip when absent)."""
    if not MOBI.exists():
        pytest.skip("ECSI mobi data not available at /work/shared/data/ecsi")
    lines = MOBI.read_text().splitlines()
    cols = [c.strip('"') for c in lines[0].split(",")]
    x = np.array([[float(v) for v in line.split(",")] for line in lines[1:]])
    return missing_data.impose_mar(x, cols, missing_data.MOBI_ANCHORS), cols


def _request(p: int) -> MomentsRequest:
    return MomentsRequest(
        tuple(f"x{i}" for i in range(p)), None, "pairwise", "omit", "t"
    )


# ------------------------------------------------------------ lavaan
def test_survey_matches_lavaan_em() -> None:
    x, _ = survey_mar()
    gold = GOLDEN["em"]["survey"]
    m = Moments.from_data(x, columns=gold["columns"], missing="em")
    tight = gold["tight"]
    np.testing.assert_allclose(m.covariance(ddof=0), tight["covariance"], atol=1e-9)
    np.testing.assert_allclose(m.mean, tight["mean"], atol=1e-9)
    # lavCor's own stop (no change above 1e-5) leaves it within 1e-4
    default = gold["default"]
    np.testing.assert_allclose(m.covariance(ddof=0), default["covariance"], atol=1e-4)
    np.testing.assert_allclose(m.mean, default["mean"], atol=1e-4)
    assert m.missing == "em"
    assert m.missing_report.missing == "em"
    assert m.missing_report.cells_imputed == int(np.isnan(x).sum())


def test_weighted_survey_matches_lavaan_em() -> None:
    x, w = survey_mar()
    gold = GOLDEN["em"]["survey"]
    m = Moments.from_data(x, columns=gold["columns"], weights=w, missing="em")
    ref = gold["weighted_tight"]
    np.testing.assert_allclose(m.covariance(ddof=0), ref["covariance"], atol=1e-9)
    np.testing.assert_allclose(m.mean, ref["mean"], atol=1e-9)
    assert m.weighted


def test_mobi_matches_lavaan_em() -> None:
    x, cols = mobi_mar()
    gold = GOLDEN["em"]["mobi"]
    assert gold["columns"] == cols
    m = Moments.from_data(x, columns=cols, missing="em")
    tight = gold["tight"]
    np.testing.assert_allclose(m.covariance(ddof=0), tight["covariance"], atol=1e-8)
    np.testing.assert_allclose(m.mean, tight["mean"], atol=1e-9)
    # listwise keeps 32 of 250 rows here: the reason EM exists
    assert Moments.from_data(x, columns=cols).n == 32


# ------------------------------------------------------------ identities
def test_complete_data_em_is_the_sample_moments() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 4)) @ rng.normal(size=(4, 4))
    em = Moments.from_data(x, missing="em")
    lw = Moments.from_data(x)
    np.testing.assert_allclose(em.covariance(ddof=0), lw.covariance(ddof=0), rtol=1e-12)
    np.testing.assert_allclose(em.covariance(), lw.covariance(), rtol=1e-12)
    np.testing.assert_allclose(em.correlation(), lw.correlation(), rtol=1e-12)
    np.testing.assert_allclose(em.mean, lw.mean, rtol=1e-12)
    assert em.missing_report.cells_imputed == 0
    assert em.n == 200


def test_pattern_statistics_merge_exactly() -> None:
    x, w = survey_mar()
    req = _request(x.shape[1])
    whole = memory_patterns(x, w, req)
    merged = memory_patterns(x[:180], w[:180], req).merge(
        memory_patterns(x[180:], w[180:], req)
    )
    np.testing.assert_array_equal(merged.observed, whole.observed)
    np.testing.assert_array_equal(merged.count, whole.count)
    np.testing.assert_allclose(merged.weight_sum, whole.weight_sum, rtol=1e-13)
    np.testing.assert_allclose(merged.mean, whole.mean, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(merged.comoment, whole.comoment, rtol=1e-10, atol=1e-9)
    a, b = em_fit(whole), em_fit(merged)
    np.testing.assert_allclose(a.covariance, b.covariance, atol=1e-10)
    assert merged.account.rows_total == whole.account.rows_total


def test_frequency_weights_equal_repeated_rows() -> None:
    x, _ = survey_mar()
    x = x[:120, :6]
    freq = np.random.default_rng(1).integers(1, 4, size=120).astype(float)
    weighted = Moments.from_data(x, weights=freq, missing="em")
    repeated = Moments.from_data(np.repeat(x, freq.astype(int), axis=0), missing="em")
    np.testing.assert_allclose(
        weighted.covariance(ddof=0), repeated.covariance(ddof=0), atol=1e-10
    )
    np.testing.assert_allclose(weighted.mean, repeated.mean, atol=1e-10)


def test_em_maximises_the_observed_likelihood() -> None:
    x, _ = survey_mar()
    ps = memory_patterns(x[:, :5], None, _request(5))
    fit = em_fit(ps)
    rng = np.random.default_rng(0)
    for _ in range(5):
        e = rng.normal(scale=1e-3, size=(5, 5))
        nearby = fit.covariance + (e + e.T) / 2
        assert pattern_loglik(ps, fit.mean, nearby) < fit.loglik
        assert pattern_loglik(ps, fit.mean + 1e-3, fit.covariance) < fit.loglik


# ------------------------------------------------------------ account
def test_report_counts_exclusions_and_filled_cells() -> None:
    x = np.array(
        [
            [1.0, 2.0, np.nan],
            [np.nan, np.nan, np.nan],  # nothing observed
            [2.0, np.nan, 1.0],
            [3.0, 4.0, 2.0],
            [4.0, 3.0, 5.0],
            [5.0, 7.0, 4.0],
            [1.5, 1.0, 0.5],
        ]
    )
    w = np.array([1.0, 1.0, 0.0, 1.0, 2.0, 1.0, 1.0])  # row 2: zero weight
    m = Moments.from_data(x, weights=w, missing="em")
    rep = m.missing_report
    assert rep.rows_total == 7
    assert rep.rows_used == 5
    assert rep.reasons == {"zero weight": 1, "no observed value": 1}
    assert rep.column_missing == {"x0": 1, "x1": 2, "x2": 2}
    assert rep.cells_imputed == 1  # row 0's x2 (row 2 has weight 0)
    assert "cells imputed (EM)" in str(rep.summary())
    assert rep.to_dict()["cells_imputed"] == 1


def test_em_moments_do_not_merge_and_do_not_bootstrap() -> None:
    x, _ = survey_mar()
    a = Moments.from_data(x[:100], missing="em")
    b = Moments.from_data(x[100:], missing="em")
    with pytest.raises(InputError, match="missing='em'"):
        a.merge(b)
    with pytest.raises(InputError, match="missing='em'"):
        Moments.bootstrap(x, missing="em", n_resamples=5, rng=0)


def test_nan_policy_raise_and_bad_method() -> None:
    x, _ = survey_mar()
    with pytest.raises(InputError, match="nan_policy='raise'"):
        Moments.from_data(x, missing="em", nan_policy="raise")
    with pytest.raises(InputError, match="'missing' parameter"):
        Moments.from_data(x, missing="ml")  # type: ignore[arg-type]


def test_constant_and_unobserved_columns_do_not_break_em() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(60, 3))
    x[:, 1] = 4.0  # constant
    x[rng.random((60, 3)) < 0.2] = np.nan
    m = Moments.from_data(x, missing="em")
    assert m.variance(ddof=0)[1] == pytest.approx(0.0, abs=1e-12)
    assert np.all(np.isfinite(m.covariance()))


# ------------------------------------------------------------ engines
def _frames(x: np.ndarray[Any, Any], w: np.ndarray[Any, Any]) -> dict[str, object]:
    pl = pytest.importorskip("polars")
    data = {f"c{i}": x[:, i] for i in range(x.shape[1])} | {"w": w}
    return {"polars_lazy": pl.DataFrame(data, nan_to_null=True).lazy()}


def test_polars_lazy_equals_memory() -> None:
    x, w = survey_mar()
    cols = [f"c{i}" for i in range(x.shape[1])]
    ref = Moments.from_data(x, columns=cols, weights=w, missing="em")
    for frame in _frames(x, w).values():
        m = Moments.from_data(frame, columns=cols, weights="w", missing="em")
        np.testing.assert_allclose(m.covariance(), ref.covariance(), atol=1e-12)
        np.testing.assert_allclose(m.mean, ref.mean, atol=1e-12)
        assert m.missing_report == ref.missing_report


@pytest.mark.engine
@pytest.mark.filterwarnings("ignore:Dask support is moving out of Narwhals")
def test_duckdb_and_dask_equal_memory() -> None:
    duckdb = pytest.importorskip("duckdb")
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    x, w = survey_mar()
    cols = [f"c{i}" for i in range(x.shape[1])]
    frame = pd.DataFrame(x, columns=cols).assign(w=w)
    ref = Moments.from_data(frame, columns=cols, weights="w", missing="em")
    con = duckdb.connect()
    for data in (con.from_df(frame), dd.from_pandas(frame, npartitions=3)):
        m = Moments.from_data(data, columns=cols, weights="w", missing="em")
        np.testing.assert_allclose(m.covariance(), ref.covariance(), atol=1e-12)
        assert m.missing_report.cells_imputed == ref.missing_report.cells_imputed


# ------------------------------------------------------------ models
def test_pls_and_ml_accept_em() -> None:
    x, _ = survey_mar()
    cols = list(missing_data.SURVEY_ITEMS)
    pls = acsi.fit(x, columns=cols, missing="em", scale=(1, 10))
    assert pls.missing_report.missing == "em"
    assert pls.missing_report.cells_imputed == int(np.isnan(x).sum())
    assert pls.n == 500
    listwise = acsi.fit(x, columns=cols, scale=(1, 10))
    assert listwise.n < 500
    ml = acsi.fit(x, columns=cols, method="ml", missing="em", scale=(1, 10))
    assert ml.n == 500
    assert "EM" in ml.n_note
    with pytest.raises(InputError, match="missing='em'"):
        acsi.fit(x, columns=cols, missing="em", n_resamples=20, rng=0)


# ------------------------------------------------------------ simulation
def test_mar_recovery_em_consistent_listwise_biased() -> None:
    """MAR: y is missing more often when x is low; EM recovers E[y], listwise not.

    Population: (x, y) normal, means (0, 0), var 1, corr 0.6;
    P(y missing) = 0.6 for x < 0, 0.1 otherwise (depends on observed x only).
    """
    rng = np.random.default_rng(20261130)
    n = 20_000
    cov = np.array([[1.0, 0.6], [0.6, 1.0]])
    xy = rng.multivariate_normal([0.0, 0.0], cov, size=n)
    miss = rng.random(n) < np.where(xy[:, 0] < 0, 0.6, 0.1)
    xy[miss, 1] = np.nan
    em = Moments.from_data(xy, missing="em")
    lw = Moments.from_data(xy)
    se = 1.0 / math.sqrt(n * 0.65)  # about the SE of a mean from the observed y
    assert abs(em.mean[1]) < 4 * se
    assert abs(em.covariance()[0, 1] - 0.6) < 0.03
    assert abs(em.covariance()[1, 1] - 1.0) < 0.04
    assert lw.mean[1] > 20 * se  # listwise keeps the high-x rows: biased up
    assert abs(lw.covariance()[0, 1] - 0.6) > 0.05
    pairwise = Moments.from_data(xy, missing="pairwise")
    assert pairwise.mean[1] > 20 * se  # so does pairwise for y


def test_alpha_and_plsc_accept_em() -> None:
    from satmodels.csi import cronbach_alpha

    x, _ = survey_mar()
    cols = list(missing_data.SURVEY_ITEMS)
    sat = [cols.index(c) for c in ("sat1", "sat2", "sat3")]
    res = cronbach_alpha(x[:, sat], missing="em")
    cov = Moments.from_data(x[:, sat], missing="em").covariance()
    k = 3
    expected = k / (k - 1) * (1 - np.trace(cov) / cov.sum())  # Cronbach (1951)
    assert res.alpha == pytest.approx(expected, rel=1e-12)
    pairs = (~np.isnan(x[:, sat])).astype(int)
    assert res.n == int((pairs.T @ pairs).min())  # Feldt's n: conservative
    plsc = acsi.consistent(x, columns=cols, model="acsi", missing="em")
    assert plsc.missing_report.missing == "em"


def test_em_means_standard_errors_use_the_observed_rows() -> None:
    """Filled-in cells carry no information in the means' intervals."""
    x, _ = survey_mar()
    m = Moments.from_data(x, missing="em")
    nobs = (~np.isnan(x)).sum(axis=0)
    np.testing.assert_array_equal(m.nobs, nobs)
    se = m.estimates.standard_error
    np.testing.assert_allclose(se, np.sqrt(m.variance() / nobs), rtol=1e-12)
    both = (~np.isnan(x[:, 0]) & ~np.isnan(x[:, 1])).sum()
    assert m.count[0, 1] == both
    np.testing.assert_allclose(m.correlation(), _corr(m.covariance(ddof=0)))


def _corr(c: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    d = np.sqrt(np.diag(c))
    out: np.ndarray[Any, Any] = c / np.outer(d, d)
    return out


@pytest.mark.engine
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")
def test_spark_equals_memory(spark: Any) -> None:
    pd = pytest.importorskip("pandas")
    x, w = survey_mar()
    cols = [f"c{i}" for i in range(x.shape[1])]
    frame = pd.DataFrame(x[:200], columns=cols).assign(w=w[:200])
    ref = Moments.from_data(frame, columns=cols, weights="w", missing="em")
    sdf = spark.createDataFrame(frame)  # NaN cells stay NaN: both are missing
    m = Moments.from_data(sdf, columns=cols, weights="w", missing="em")
    np.testing.assert_allclose(m.covariance(), ref.covariance(), atol=1e-11)
    assert m.missing_report == ref.missing_report


def test_a_column_observed_in_fewer_than_two_rows_is_refused() -> None:
    x = np.random.default_rng(0).normal(size=(30, 3))
    x[1:, 2] = np.nan  # one observed value
    with pytest.raises(InputError, match="'x2' observed in 1 row"):
        Moments.from_data(x, missing="em")
    x[:, 2] = np.nan
    with pytest.raises(InputError, match="observed in 0 row"):
        acsi.fit(
            x,
            model="A =~ x0 + x1 + x2",
            method="ml",
            missing="fiml",
            scale=(-5, 5),
        )
