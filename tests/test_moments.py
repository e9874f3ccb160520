"""Moments: exactness of merge, missing data, weights, frames, bootstrap.

Independent references: numpy ``np.cov`` (with ``aweights``) and pandas
``DataFrame.cov``/``corr`` (pairwise-complete), and the merge formula of Chan,
Golub & LeVeque (1979) checked by splitting rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from satmodels import InputError, Moments

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


def _data(n: int = 300, p: int = 4, missing: float = 0.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, p)) @ rng.normal(size=(p, p)) + 5.0
    if missing:
        x[rng.random((n, p)) < missing] = np.nan
    return x


def test_matches_numpy_cov_and_mean() -> None:
    x = _data()
    m = Moments.from_data(x)
    np.testing.assert_allclose(m.covariance(), np.cov(x.T), rtol=1e-12)
    np.testing.assert_allclose(m.correlation(), np.corrcoef(x.T), rtol=1e-12)
    np.testing.assert_allclose(m.mean, x.mean(axis=0), rtol=1e-13)
    assert m.n == 300
    assert m.missing_report.rows_excluded == 0


def test_weighted_matches_numpy_aweights() -> None:
    x = _data()
    w = np.random.default_rng(3).uniform(0.2, 3.0, size=300)
    m = Moments.from_data(x, weights=w)
    np.testing.assert_allclose(m.covariance(), np.cov(x.T, aweights=w), rtol=1e-12)
    np.testing.assert_allclose(m.mean, np.average(x, axis=0, weights=w), rtol=1e-13)
    # Kish (1965) effective n = (sum w)^2 / sum w^2
    np.testing.assert_allclose(m.effective_n(), w.sum() ** 2 / (w @ w))


def test_unit_weights_equal_no_weights() -> None:
    x = _data(missing=0.1)
    for missing in ("listwise", "pairwise"):
        a = Moments.from_data(x, missing=missing)
        b = Moments.from_data(x, weights=np.ones(len(x)), missing=missing)
        np.testing.assert_allclose(a.covariance(), b.covariance(), rtol=1e-12)
        np.testing.assert_allclose(a.mean, b.mean, rtol=1e-13)


def test_listwise_excludes_and_counts() -> None:
    x = _data(missing=0.1)
    m = Moments.from_data(x)
    complete = ~np.isnan(x).any(axis=1)
    np.testing.assert_allclose(m.covariance(), np.cov(x[complete].T), rtol=1e-12)
    assert m.n == int(complete.sum())
    assert m.missing_report.rows_excluded == int((~complete).sum())
    assert m.missing_report.reasons == {
        "missing value (listwise)": int((~complete).sum())
    }
    assert m.missing_report.column_missing == {
        f"x{i}": int(np.isnan(x[:, i]).sum()) for i in range(4)
    }


def test_pairwise_matches_pandas() -> None:
    pd = pytest.importorskip("pandas")
    x = _data(missing=0.15)
    m = Moments.from_data(x, missing="pairwise")
    frame = pd.DataFrame(x)
    np.testing.assert_allclose(m.covariance(), frame.cov().to_numpy(), rtol=1e-11)
    np.testing.assert_allclose(m.correlation(), frame.corr().to_numpy(), rtol=1e-11)
    np.testing.assert_array_equal(m.count, frame.notna().astype(int).T @ frame.notna())


def test_zero_weight_rows_counted() -> None:
    x = _data(n=50)
    w = np.ones(50)
    w[:5] = 0.0
    m = Moments.from_data(x, weights=w)
    assert m.n == 45
    assert m.missing_report.reasons == {"zero weight": 5}
    np.testing.assert_allclose(m.covariance(), np.cov(x[5:].T), rtol=1e-12)


@given(
    arrays(
        np.float64, st.tuples(st.integers(4, 40), st.integers(1, 4)), elements=finite
    ),
    st.data(),
    st.sampled_from(["listwise", "pairwise"]),
)
def test_merge_any_split_equals_whole(
    x: np.ndarray, data: st.DataObject, missing: str
) -> None:
    n = x.shape[0]
    holes = data.draw(arrays(np.bool_, x.shape)) & (missing == "pairwise")
    x = np.where(holes, np.nan, x)
    cut = data.draw(st.integers(1, n - 1))
    try:
        whole = Moments.from_data(x, missing=missing)  # type: ignore[arg-type]
        left = Moments.from_data(x[:cut], missing=missing)  # type: ignore[arg-type]
        right = Moments.from_data(x[cut:], missing=missing)  # type: ignore[arg-type]
    except InputError:  # no usable row (all missing) cannot form Moments
        return
    merged = left.merge(right)
    scale = max(1.0, float(np.nanmax(np.abs(whole.comoment))))
    np.testing.assert_allclose(merged.comoment, whole.comoment, atol=1e-10 * scale)
    np.testing.assert_allclose(merged.pair_mean, whole.pair_mean, rtol=1e-10, atol=1e-9)
    np.testing.assert_array_equal(merged.count, whole.count)
    assert merged.missing_report.rows_total == n


@given(
    arrays(
        np.float64, st.tuples(st.integers(3, 30), st.integers(1, 3)), elements=finite
    ),
    st.randoms(),
)
def test_permuting_rows_changes_nothing(x: np.ndarray, rnd: Any) -> None:
    perm = list(range(x.shape[0]))
    rnd.shuffle(perm)
    a = Moments.from_data(x)
    b = Moments.from_data(x[perm])
    scale = max(1.0, float(np.abs(a.comoment).max()))
    np.testing.assert_allclose(a.comoment, b.comoment, atol=1e-10 * scale)
    np.testing.assert_allclose(a.mean, b.mean, rtol=1e-10, atol=1e-10)


def test_merge_relative_error_on_large_offset() -> None:
    # Chan et al. (1979): the pairwise update stays accurate with a large mean.
    x = _data(n=10_000) + 1e6
    chunks = np.array_split(x, 7)
    merged = Moments.from_data(chunks[0])
    for c in chunks[1:]:
        merged = merged + Moments.from_data(c)
    np.testing.assert_allclose(merged.covariance(), np.cov(x.T), rtol=1e-9)


def test_frames_give_identical_numbers(
    constructor_eager: Callable[[dict[str, np.ndarray]], object],
) -> None:
    x = _data(missing=0.1)
    cols = {f"c{i}": x[:, i] for i in range(4)}
    native = constructor_eager(cols)
    names = None if isinstance(native, np.ndarray) else list(cols)
    for missing in ("listwise", "pairwise"):
        ref = Moments.from_data(x, missing=missing)
        got = Moments.from_data(native, columns=names, missing=missing)
        np.testing.assert_allclose(got.covariance(), ref.covariance(), rtol=1e-12)
        np.testing.assert_allclose(got.mean, ref.mean, rtol=1e-13)
        assert got.missing_report.rows_used == ref.missing_report.rows_used


def test_weights_by_column_name() -> None:
    pd = pytest.importorskip("pandas")
    x = _data(n=80)
    w = np.linspace(0.5, 2.0, 80)
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "w": w})
    m = Moments.from_data(frame, columns=["a", "b"], weights="w")
    np.testing.assert_allclose(
        m.covariance(), np.cov(x[:, :2].T, aweights=w), rtol=1e-12
    )


def test_from_covariance_round_trip() -> None:
    x = _data()
    m = Moments.from_covariance(np.cov(x.T), n=300, mean=x.mean(axis=0))
    np.testing.assert_allclose(m.covariance(), np.cov(x.T), rtol=1e-12)
    np.testing.assert_allclose(m.correlation(), np.corrcoef(x.T), rtol=1e-12)


def test_select_and_outputs() -> None:
    x = _data()
    m = Moments.from_data(x, columns=["a", "b", "c", "d"])
    sub = m.select(["c", "a"])
    np.testing.assert_allclose(sub.covariance(), np.cov(x[:, [2, 0]].T), rtol=1e-12)
    json.dumps(m.to_dict())
    assert "mean" in str(m.summary())
    assert "<table>" in m._repr_html_()
    frame = m.to_frame("polars")  # the estimates table: one mean per column
    assert frame.height == 4
    np.testing.assert_allclose(frame["estimate"].to_numpy(), x.mean(axis=0))
    # t interval of a mean: scipy.stats.t with n - 1 df (independent check)
    stats = pytest.importorskip("scipy.stats")
    se = x.std(axis=0, ddof=1) / np.sqrt(len(x))
    half = stats.t.ppf(0.975, len(x) - 1) * se
    np.testing.assert_allclose(frame["ci_low"].to_numpy(), x.mean(axis=0) - half)
    with pytest.raises(InputError, match="unknown column"):
        m.select(["zz"])


def test_bootstrap_matches_explicit_resampling() -> None:
    # Each replicate equals the Moments of the rows drawn with the same indices.
    x = _data(n=60, missing=0.05)
    for missing in ("listwise", "pairwise"):
        reps = Moments.bootstrap(x, n_resamples=5, rng=7, missing=missing)
        gen = np.random.default_rng(7)
        for b in range(5):
            idx = gen.integers(0, 60, size=60)
            ref = Moments.from_data(x[idx], missing=missing)
            np.testing.assert_allclose(
                reps.replicate(b).covariance(), ref.covariance(), rtol=1e-10
            )
            np.testing.assert_allclose(reps.replicate(b).mean, ref.mean, rtol=1e-12)


def test_bootstrap_se_of_mean_matches_analytic() -> None:
    # Efron (1979): the bootstrap SE of a mean approaches s / sqrt(n).
    x = _data(n=400, p=2, seed=5)
    reps = Moments.bootstrap(x, n_resamples=2000, rng=11)
    se_boot = reps.mean.std(axis=0)
    se_true = x.std(axis=0, ddof=0) / np.sqrt(400)
    np.testing.assert_allclose(se_boot, se_true, rtol=0.08)
    pois = Moments.bootstrap(x, n_resamples=2000, rng=11, method="poisson")
    np.testing.assert_allclose(pois.mean.std(axis=0), se_true, rtol=0.08)


def test_bootstrap_is_seeded() -> None:
    x = _data(n=50)
    a = Moments.bootstrap(x, n_resamples=4, rng=3).covariance()
    b = Moments.bootstrap(x, n_resamples=4, rng=3).covariance()
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"data": np.empty((0, 3))}, "at least 1 row"),
        (
            {"data": np.array([[1.0, np.nan]]), "nan_policy": "raise"},
            "column 'x1', row 1\\.",  # 1-based
        ),
        ({"data": np.array([[1.0, np.inf]])}, "infinite value in column 'x1'"),
        ({"data": np.ones((3, 2)), "weights": [1, 2]}, "'weights'"),
        ({"data": np.ones((3, 2)), "weights": [1, -2, 1]}, "row 2 "),
        ({"data": np.array([[np.nan, 1.0]])}, "no usable row"),
        ({"data": np.ones((2, 2, 2))}, "1-D or 2-D"),
        ({"data": [["a", "b"]]}, "real numbers"),
        ({"data": np.ones((3, 2)), "missing": "drop"}, "'missing'"),
    ],
)
def test_bad_input(kwargs: dict[str, Any], match: str) -> None:
    kwargs = dict(kwargs)  # the parameter dict is shared between runs
    data = kwargs.pop("data")
    with pytest.raises(InputError, match=match):
        Moments.from_data(data, **kwargs)


def test_merge_rejects_mismatch() -> None:
    a = Moments.from_data(_data(), columns=list("abcd"))
    b = Moments.from_data(_data(), columns=list("abce"))
    with pytest.raises(InputError, match="same columns"):
        a.merge(b)
    c = Moments.from_data(_data(), columns=list("abcd"), missing="pairwise")
    with pytest.raises(InputError, match="missing-data method"):
        a.merge(c)


def test_frame_errors_name_the_column() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [1.0, 2.0], "s": ["x", "y"]})
    with pytest.raises(InputError, match="Column 's'"):
        Moments.from_data(frame)
    with pytest.raises(InputError, match=r"'columns'.*column\(s\) \['zz'\]"):
        Moments.from_data(frame, columns=["zz"])


def test_bootstrap_in_row_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    # Force many row blocks: the two-stage multinomial (block totals, then
    # uniform draws within blocks) must still resample exactly n rows per
    # replicate, and the bootstrap SE of a mean must approach s / sqrt(n).
    import satmodels.engines.memory as kernels

    monkeypatch.setattr(kernels, "CHUNK_ELEMENTS", 3000)
    x = _data(n=1500, p=2, seed=8)
    reps = Moments.bootstrap(x, n_resamples=600, rng=4)
    assert np.all(reps.count[:, 0, 0] == 1500)
    se_true = x.std(axis=0, ddof=0) / np.sqrt(1500)
    np.testing.assert_allclose(reps.mean.std(axis=0), se_true, rtol=0.12)
    pois = Moments.bootstrap(x, n_resamples=600, rng=4, method="poisson")
    np.testing.assert_allclose(pois.mean.std(axis=0), se_true, rtol=0.12)


# ------------------------------------------------------------ float range
HUGE = [
    # squares of 1e200 overflow float64 (max about 1.8e308): co-moment inf
    np.array([[1e200, 1.0], [3e200, 2.0], [2e200, 4.0]]),
    # the sum of two values near the limit overflows: mean inf
    np.array([[1.7e308, 1.0], [1.7e308, 2.0], [1.0e308, 3.0]]),
]


@pytest.mark.parametrize("x", HUGE)
@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_overflow_is_an_input_error_not_inf(x: np.ndarray, missing: str) -> None:
    with pytest.raises(InputError, match=r"too large for float64.*column 'x0'"):
        Moments.from_data(x, missing=missing)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"too large for float64"):
        Moments.bootstrap(x, n_resamples=3, rng=0, missing=missing)  # type: ignore[arg-type]
    # values near the limit that do not overflow are fine (one row: no sum)
    one = Moments.from_data(x[:1])
    assert np.isfinite(one.mean).all()


def test_overflowing_weights_are_an_input_error() -> None:
    x = np.array([[1.0], [2.0], [3.0]])
    with pytest.raises(InputError, match=r"'weights' parameter.*(summed|too large)"):
        Moments.from_data(x, weights=[1e200, 1e200, 1.0])


@pytest.mark.parametrize("engine", ["polars_lazy", "duckdb", "dask"])
@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_engine_overflow_is_an_input_error(engine: str, missing: str) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": HUGE[0][:, 0], "b": HUGE[0][:, 1]})
    data: object
    if engine == "polars_lazy":
        pl = pytest.importorskip("polars")
        data = pl.from_pandas(frame).lazy()
    elif engine == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        data = duckdb.connect().from_df(frame)
    else:
        dd = pytest.importorskip("dask.dataframe")
        data = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(InputError, match=r"too large for float64.*column 'a'"):
        Moments.from_data(data, missing=missing)  # type: ignore[arg-type]


def test_from_covariance_overflow() -> None:
    with pytest.raises(InputError, match="too large"):
        Moments.from_covariance(np.eye(2) * 1e308, n=100)


def test_mapping_and_moments_input() -> None:
    # A mapping of 1-D columns (e.g. datasets.load_sample_survey()) with a
    # weights column name gives the same numbers as the matrix and weights.
    x = _data(n=50, p=2)
    w = np.linspace(0.5, 1.5, 50)
    ref = Moments.from_data(x, columns=["a", "b"], weights=w)
    got = Moments.from_data({"a": x[:, 0], "b": x[:, 1], "w": w}, weights="w")
    assert got.columns == ("a", "b")
    np.testing.assert_allclose(got.covariance(), ref.covariance(), rtol=1e-12)
    assert Moments.from_data(got, columns=["b"]).columns == ("b",)
    with pytest.raises(InputError, match=r"'n_resamples'.*Got 0"):
        Moments.bootstrap(x, n_resamples=0)
    with pytest.raises(InputError, match=r"'rng' parameter of Moments.bootstrap"):
        Moments.bootstrap(x, n_resamples=2, rng=1.5)  # type: ignore[arg-type]
    # the former keyword still works while callers move to n_resamples
    old = Moments.bootstrap(x, n_resamples=3, rng=0)
    np.testing.assert_array_equal(
        old.comoment, Moments.bootstrap(x, n_resamples=3, rng=0).comoment
    )


def test_a_column_nobody_answered_has_a_nan_mean_not_zero() -> None:
    x = {
        "a": np.array([1.0, 2.0, 3.0, 4.0]),
        "b": np.full(4, np.nan),
        "c": np.array([2.0, np.nan, 4.0, 5.0]),
    }
    m = Moments.from_data(x, missing="pairwise")
    assert m.nobs.tolist() == [4, 0, 3]
    assert m.mean[0] == pytest.approx(2.5)
    assert np.isnan(m.mean[1])
    assert m.mean[2] == pytest.approx(11 / 3)
    est = m.estimates
    assert np.isnan(est.estimate[1]) and est.n[1] == 0
    # weight 0 on every answer of a column: no mean either
    w = np.array([1.0, 1.0, 0.0, 0.0])
    y = {"a": np.array([1.0, 2.0, 3.0, 4.0]), "d": np.array([np.nan, np.nan, 7.0, 8.0])}
    mw = Moments.from_data(y, weights=w, missing="pairwise")
    assert np.isnan(mw.mean[1]) and mw.mean[0] == pytest.approx(1.5)
    # the stored 0 stays the neutral value of merge: an unobserved part
    # merged with an observed one gives the observed part's mean
    part = Moments.from_data(
        {"a": [1.0, 2.0], "b": [np.nan, np.nan]}, missing="pairwise"
    )
    rest = Moments.from_data({"a": [3.0, 4.0], "b": [5.0, 7.0]}, missing="pairwise")
    merged = part.merge(rest)
    assert merged.mean.tolist() == pytest.approx([2.5, 6.0])
