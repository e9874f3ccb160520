"""Moments and the Poisson bootstrap on real lazy engines.

Each engine is started by the tests themselves: a Dask ``distributed``
LocalCluster with two workers, a PySpark ``local[2]`` session, an in-memory
DuckDB connection and polars LazyFrames. Every engine must reproduce the
in-memory numbers (numpy kernel, rtol 1e-10) and the same missing-data
account; the in-memory numbers are in turn checked against ``np.cov`` with
``aweights`` and pandas' pairwise-complete ``DataFrame.corr``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from satmodels import InputError, Moments
from satmodels.engines.poisson import POISSON_MAX, poisson_thresholds

pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:Dask support is moving out of Narwhals:FutureWarning"
    ),
    pytest.mark.filterwarnings(
        "ignore:PySpark does not yet fully support pandas:FutureWarning"
    ),
]

COLS = ["a", "b", "c"]
FIELDS = (
    "count",
    "weight_sum",
    "weight_sq_sum",
    "pair_mean",
    "comoment",
    "pair_sumsq",
)


def _data(n: int = 300, seed: int = 7) -> dict[str, np.ndarray[Any, Any]]:
    """Correlated 1-10-like answers with NaNs and zero weights."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 3)) @ np.array(
        [[1.0, 0.6, 0.3], [0.0, 0.8, 0.4], [0.0, 0.0, 0.7]]
    )
    x = np.round(5.5 + 1.5 * z, 1)
    x[rng.random((n, 3)) < 0.08] = np.nan
    x[3] = np.nan  # a row with nothing observed
    w = rng.uniform(0.2, 2.5, n)
    w[[5, 11, 17]] = 0.0
    return {"a": x[:, 0], "b": x[:, 1], "c": x[:, 2], "w": w}


DATA = _data()


# ------------------------------------------------------------------ engines
def _to_dask(data: dict[str, np.ndarray[Any, Any]], _: object) -> object:
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    return dd.from_pandas(pd.DataFrame(data), npartitions=3)


def _to_polars_lazy(data: dict[str, np.ndarray[Any, Any]], _: object) -> object:
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(data, nan_to_null=False)
    # column "a" keeps NaN, the others use null: both are missing values
    return frame.lazy().with_columns(pl.col("b", "c").fill_nan(None))


def _to_duckdb(data: dict[str, np.ndarray[Any, Any]], _: object) -> object:
    duckdb = pytest.importorskip("duckdb")
    pa = pytest.importorskip("pyarrow")
    table = pa.table(
        {k: pa.array(v, from_pandas=k != "a") for k, v in data.items()}
    )  # "a" keeps NaN, the other columns carry nulls
    con = duckdb.connect()
    return con.from_arrow(table)


def _to_spark(data: dict[str, np.ndarray[Any, Any]], session: object) -> object:
    from pyspark.sql.types import DoubleType, StructField, StructType

    names = list(data)
    rows = [
        tuple(
            None if (k != "a" and math.isnan(float(data[k][r]))) else float(data[k][r])
            for k in names
        )
        for r in range(len(data[names[0]]))
    ]  # "a" keeps NaN, the other columns carry nulls
    schema = StructType([StructField(k, DoubleType(), True) for k in names])
    return session.createDataFrame(rows, schema=schema)  # type: ignore[attr-defined]


LAZY: dict[str, Callable[[dict[str, np.ndarray[Any, Any]], object], object]] = {
    "polars_lazy": _to_polars_lazy,
    "duckdb": _to_duckdb,
    "dask": _to_dask,
    "pyspark": _to_spark,
}


@pytest.fixture(params=list(LAZY))
def lazy(
    request: pytest.FixtureRequest,
) -> Callable[[dict[str, np.ndarray[Any, Any]]], object]:
    """Build the same columns as a lazy frame on a real engine."""
    name = request.param
    engine: object = None
    if name == "dask":
        request.getfixturevalue("dask_client")
    if name == "pyspark":
        engine = request.getfixturevalue("spark")
    build = LAZY[name]
    return lambda data: build(data, engine)


@pytest.fixture(params=[k for k in LAZY if k != "pyspark"])
def lazy_fast(
    request: pytest.FixtureRequest,
) -> Callable[[dict[str, np.ndarray[Any, Any]]], object]:
    """As ``lazy`` without Spark, for checks that Spark adds nothing to."""
    if request.param == "dask":
        request.getfixturevalue("dask_client")
    build = LAZY[request.param]
    return lambda data: build(data, None)


def _assert_same(got: Moments, ref: Moments) -> None:
    assert got.columns == ref.columns
    for f in FIELDS:
        np.testing.assert_allclose(
            getattr(got, f), getattr(ref, f), rtol=1e-10, atol=1e-9, err_msg=f
        )
    assert got.missing_report == ref.missing_report
    assert got.missing == ref.missing
    assert got.weighted == ref.weighted


# ------------------------------------------------------------ equivalence
# Spark runs the weighted cases only: each Spark job costs seconds, and the
# unweighted expressions are the weighted ones without the weight factor.
MATCH_CASES = [
    (engine, missing, weighted)
    for engine in LAZY
    for missing in ("listwise", "pairwise")
    for weighted in (False, True)
    if weighted or engine != "pyspark"
]


@pytest.mark.engine
@pytest.mark.parametrize(
    ("lazy", "missing", "weighted"), MATCH_CASES, indirect=["lazy"]
)
def test_engine_matches_in_memory(
    lazy: Callable[[dict[str, np.ndarray[Any, Any]]], object],
    missing: str,
    weighted: bool,
) -> None:
    x = np.column_stack([DATA[c] for c in COLS])
    ref = Moments.from_data(
        x,
        columns=COLS,
        weights=DATA["w"] if weighted else None,
        missing=missing,  # type: ignore[arg-type]
    )
    got = Moments.from_data(
        lazy(DATA),
        columns=COLS,
        weights="w" if weighted else None,
        missing=missing,  # type: ignore[arg-type]
    )
    _assert_same(got, ref)
    np.testing.assert_allclose(got.covariance(), ref.covariance(), rtol=1e-10)
    np.testing.assert_allclose(got.correlation(), ref.correlation(), rtol=1e-10)


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_eager_frames_match_numpy(
    constructor_eager: Callable[[dict[str, np.ndarray[Any, Any]]], object],
    missing: str,
) -> None:
    data = {c: DATA[c] for c in COLS}
    ref = Moments.from_data(
        np.column_stack(list(data.values())),
        columns=COLS,
        missing=missing,  # type: ignore[arg-type]
    )
    got = Moments.from_data(
        constructor_eager(data),
        columns=COLS,
        missing=missing,  # type: ignore[arg-type]
    )
    _assert_same(got, ref)


@pytest.mark.engine
def test_engine_listwise_against_np_cov(
    lazy_fast: Callable[[dict[str, np.ndarray[Any, Any]]], object],
) -> None:
    # Independent reference: numpy's np.cov with aweights on the complete,
    # positive-weight rows (its divisor is V1 - V2/V1, the unbiased weighted
    # covariance), and np.average for the means.
    x = np.column_stack([DATA[c] for c in COLS])
    w = DATA["w"]
    keep = ~np.isnan(x).any(axis=1) & (w > 0)
    got = Moments.from_data(lazy_fast(DATA), columns=COLS, weights="w")
    np.testing.assert_allclose(
        got.covariance(), np.cov(x[keep].T, aweights=w[keep]), rtol=1e-10
    )
    np.testing.assert_allclose(
        got.mean, np.average(x[keep], axis=0, weights=w[keep]), rtol=1e-12
    )
    assert got.n == int(keep.sum())
    assert got.missing_report.reasons == {
        "missing value (listwise)": int(np.isnan(x).any(axis=1).sum()),
        "zero weight": int((~np.isnan(x).any(axis=1) & (w == 0)).sum()),
    }
    assert got.missing_report.column_missing == {
        c: int(np.isnan(DATA[c]).sum()) for c in COLS
    }


@pytest.mark.engine
def test_engine_pairwise_against_pandas(
    lazy_fast: Callable[[dict[str, np.ndarray[Any, Any]]], object],
) -> None:
    # Independent reference: pandas' DataFrame.cov/corr use pairwise-complete
    # observations, each entry from the rows where both columns are observed.
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({c: DATA[c] for c in COLS})
    got = Moments.from_data(lazy_fast(DATA), columns=COLS, missing="pairwise")
    np.testing.assert_allclose(got.covariance(), frame.cov().to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(got.correlation(), frame.corr().to_numpy(), rtol=1e-10)
    np.testing.assert_array_equal(
        got.count, frame.notna().T.astype(int) @ frame.notna()
    )
    assert got.missing_report.reasons == {"no observed value": 1}


# -------------------------------------------------------------- bad input
def _polars_lazy(data: dict[str, Any]) -> object:
    pl = pytest.importorskip("polars")
    return pl.LazyFrame(data)


def test_lazy_nan_policy_raise_names_column() -> None:
    lf = _polars_lazy({"a": [1.0, 2.0, 3.0], "b": [1.0, None, float("nan")]})
    with pytest.raises(InputError, match=r"2 missing value.*column 'b'"):
        Moments.from_data(lf, nan_policy="raise")
    assert Moments.from_data(lf, columns=["a"], nan_policy="raise").n == 3


def test_lazy_null_and_nan_both_missing() -> None:
    lf = _polars_lazy({"a": [1.0, 2.0, 3.0, 4.0], "b": [1.0, None, float("nan"), 5.0]})
    m = Moments.from_data(lf)
    assert m.missing_report.column_missing == {"a": 0, "b": 2}
    assert m.missing_report.reasons == {"missing value (listwise)": 2}
    np.testing.assert_allclose(m.mean, [2.5, 3.0])


def test_pairwise_without_missing_values_is_summed_listwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nothing missing: every pair has the same rows, so listwise sums serve."""
    from satmodels.engines import expressions

    sizes: list[int] = []
    real = expressions.sum_all  # type: ignore[attr-defined]

    def spy(frame: Any, terms: Any) -> Any:
        sizes.append(len(terms))
        return real(frame, terms)

    monkeypatch.setattr(expressions, "sum_all", spy)
    full = {k: np.nan_to_num(v, nan=5.0) for k, v in DATA.items()}
    for data, p_terms in ((full, 3 + 3 * 4 // 2), (DATA, None)):
        sizes.clear()
        got = Moments.from_data(_polars_lazy(data), weights="w", missing="pairwise")
        want = Moments.from_data(data, weights="w", missing="pairwise")
        _assert_same(got, want)
        assert got.missing_report == want.missing_report
        if p_terms is not None:
            assert sizes == [p_terms]  # the sums and products of 3 columns
        else:
            assert sizes[0] > 3 * 3 * 3  # missing values: the pairwise sums


@pytest.mark.parametrize(
    ("data", "kwargs", "pattern"),
    [
        ({"a": [1.0, float("inf"), 2.0]}, {}, r"1 infinite value.*column 'a'"),
        ({"a": [1.0, 2.0], "w": [1.0, -1.0]}, {"weights": "w"}, r"'weights'.*'w'"),
        (
            {"a": [1.0, 2.0], "w": [1.0, None]},
            {"weights": "w"},
            r"'weights'.*1 missing",
        ),
        ({"a": [1.0, 2.0]}, {"weights": [1.0, 2.0]}, r"'weights'.*name a column"),
        ({"a": [1.0, 2.0]}, {"columns": ["zz"]}, r"'columns'.*\['zz'\].*not have"),
        ({"a": [1.0, 2.0]}, {"weights": "zz"}, r"weights.*'zz'"),
        ({"a": ["x", "y"]}, {}, r"Column 'a'.*real numbers"),
        ({"a": [None, None]}, {}, r"no usable row"),
        ({"a": [1.0, 2.0], "w": [0.0, 0.0]}, {"weights": "w"}, r"no usable row"),
        (
            {"a": [1.0, 2.0], "w": [1.0, 1.0]},
            {"weights": "w", "columns": ["a", "w"]},
            r"'weights' column 'w'.*also one of the 'columns'",
        ),
    ],
)
@pytest.mark.parametrize("engine", ["polars_lazy", "dask"])
def test_lazy_bad_input(
    data: dict[str, Any], kwargs: dict[str, Any], pattern: str, engine: str
) -> None:
    # Dask has its own single-pass path (per-partition kernels), so both the
    # narwhals path (polars) and the Dask path are checked. Dask runs on its
    # default local scheduler here.
    pl = pytest.importorskip("polars")
    kwargs = {"columns": ["a"], **kwargs}
    frame = pl.DataFrame(
        data, schema_overrides={"a": pl.Float64} if data["a"][0] is None else None
    )
    if engine == "dask":
        dd = pytest.importorskip("dask.dataframe")
        lf: object = dd.from_pandas(frame.to_pandas(), npartitions=2)
    else:
        lf = frame.lazy()
    with pytest.raises(InputError, match=pattern):
        Moments.from_data(lf, **kwargs)


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_dask_partition_without_usable_rows(missing: str) -> None:
    # One partition has nothing usable: its rows are still counted in the
    # report, exactly as in memory.
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    x = np.array([[np.nan, np.nan], [np.nan, 1.0], [1.0, 2.0], [2.0, 2.5], [3.0, 5.0]])
    w = np.array([1.0, 0.0, 1.0, 2.0, 1.0])
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "w": w})
    ddf = dd.from_pandas(frame, npartitions=1).repartition(divisions=[0, 2, 4])
    assert ddf.npartitions == 2
    ref = Moments.from_data(
        x,
        columns=["a", "b"],
        weights=w,
        missing=missing,  # type: ignore[arg-type]
    )
    got = Moments.from_data(
        ddf,
        columns=["a", "b"],
        weights="w",
        missing=missing,  # type: ignore[arg-type]
    )
    _assert_same(got, ref)
    with pytest.raises(InputError, match=r"missing value.*column 'a'"):
        Moments.from_data(ddf, columns=["a", "b"], nan_policy="raise")


def test_lazy_empty_frame() -> None:
    pl = pytest.importorskip("polars")
    lf = pl.LazyFrame({"a": []}, schema={"a": pl.Float64})
    with pytest.raises(InputError, match="no usable row"):
        Moments.from_data(lf)


def test_lazy_bootstrap_rejects_multinomial() -> None:
    lf = _polars_lazy({"a": [1.0, 2.0, 3.0]})
    with pytest.raises(InputError, match="method='poisson'"):
        Moments.bootstrap(lf, n_resamples=5, rng=0)


# ---------------------------------------------------------------- Poisson
def test_poisson_thresholds_are_the_poisson_cdf() -> None:
    # Independent reference: scipy.stats.poisson(1).cdf.
    stats = pytest.importorskip("scipy.stats")
    np.testing.assert_allclose(
        poisson_thresholds(), stats.poisson(1.0).cdf(np.arange(POISSON_MAX)), rtol=1e-14
    )
    assert 1.0 - poisson_thresholds()[-1] < 1e-12


@pytest.mark.engine
def test_poisson_sql_ladder_draws_as_the_sum_of_steps() -> None:
    # The two renderings of k = #{j : u >= F(j)}: DuckDB's CASE ladder and
    # the narwhals sum of steps (polars, Spark), on every threshold, just
    # below each, 0 and the largest double below 1.
    duckdb = pytest.importorskip("duckdb")
    pl = pytest.importorskip("polars")
    import narwhals.stable.v2 as nw

    from satmodels.engines.poisson import _poisson_expr, _poisson_sql

    t = np.array(poisson_thresholds())
    u = np.concatenate([t, np.nextafter(t, 0.0), [0.0, np.nextafter(1.0, 0.0)]])
    con = duckdb.connect()
    con.register("grid", pl.DataFrame({"u": u}).to_arrow())
    ladder = [
        r[0] for r in con.execute(f"SELECT {_poisson_sql('u')} FROM grid").fetchall()
    ]
    steps = (
        nw.from_native(pl.LazyFrame({"u": u}))
        .select(_poisson_expr(nw.col("u")).alias("k"))
        .collect()
        .get_column("k")
        .to_list()
    )
    assert ladder == [int(k) for k in steps]
    assert ladder[: t.size] == list(range(1, POISSON_MAX + 1))
    assert max(ladder) == POISSON_MAX and min(ladder) == 0


def _boot(data: object, seed: int, b: int, **kw: Any) -> Moments:
    return Moments.bootstrap(
        data, columns=COLS, n_resamples=b, method="poisson", rng=seed, **kw
    )


@pytest.mark.engine
def test_bootstrap_reproducible_and_seeded(
    lazy_fast: Callable[[dict[str, np.ndarray[Any, Any]]], object],
) -> None:
    frame = lazy_fast(DATA)
    one = _boot(frame, 11, 40, weights="w")
    two = _boot(frame, 11, 40, weights="w")
    other = _boot(frame, 12, 40, weights="w")
    assert one.n_resamples == 40
    # The multiplicities are the same; parallel engines may add the rows in
    # a different order, so the sums agree to rounding, not bit for bit.
    for f in FIELDS:
        np.testing.assert_allclose(getattr(one, f), getattr(two, f), rtol=1e-12)
    assert not np.allclose(one.comoment, other.comoment)


B_STAT = 400


def _check_bootstrap_statistics(reps: Moments, missing: str) -> None:
    """Simulation checks of a Poisson(1) bootstrap of the test data.

    Tolerances (all at about 4 standard errors, so a correct implementation
    fails with probability below 1e-3 per check):

    - the replicate count :math:`\\sum_r k_{rb}` is Poisson(n) (a sum of n
      independent Poisson(1)); its mean over B replicates lies within
      4 sqrt(n / B) of n and its variance within 30% of n (the sample
      variance of B = 400 draws has a relative SD of about sqrt(2 / B) = 7%);
    - the average replicate mean lies within 4 SE / sqrt(B) of the sample
      mean;
    - the bootstrap SE of a mean estimates the analytic SE s / sqrt(n): its
      relative sampling error is about 1 / sqrt(2 (B - 1)) = 3.5% at B = 400
      (plus O(1/n) from the random total of the Poisson scheme, Hanley &
      MacGibbon 2006), so 15% is about 4 SE.
    """
    ref = Moments.from_data(
        np.column_stack([DATA[c] for c in COLS]),
        columns=COLS,
        missing=missing,  # type: ignore[arg-type]
    )
    assert reps.n_resamples == B_STAT
    n = ref.nobs.astype(float)
    counts = np.diagonal(reps.count, axis1=1, axis2=2).astype(float)  # (B, p)
    assert np.all(np.abs(counts.mean(axis=0) - n) < 4 * np.sqrt(n / B_STAT))
    ratio = counts.var(axis=0, ddof=1) / n
    assert np.all((ratio > 0.7) & (ratio < 1.3)), ratio
    se = np.sqrt(ref.variance() / n)
    assert np.all(
        np.abs(reps.mean.mean(axis=0) - ref.mean) < 4 * se / math.sqrt(B_STAT)
    )
    boot_se = reps.mean.std(axis=0, ddof=1)
    np.testing.assert_allclose(boot_se, se, rtol=0.15)


@pytest.mark.engine
@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_bootstrap_statistics(
    lazy_fast: Callable[[dict[str, np.ndarray[Any, Any]]], object], missing: str
) -> None:
    reps = _boot(lazy_fast(DATA), 2024, B_STAT, missing=missing)
    _check_bootstrap_statistics(reps, missing)


@pytest.mark.engine
def test_spark_bootstrap(spark: object) -> None:
    # One test, to keep the number of Spark jobs small: reproducible for a
    # seed on the same partitioning (rand(seed) is per partition), and the
    # simulation checks above, listwise and pairwise.
    frame = _to_spark(DATA, spark)
    one = _boot(frame, 2024, B_STAT)
    two = _boot(frame, 2024, B_STAT)
    for f in FIELDS:
        np.testing.assert_allclose(getattr(one, f), getattr(two, f), rtol=1e-12)
    _check_bootstrap_statistics(one, "listwise")
    _check_bootstrap_statistics(_boot(frame, 7, B_STAT, missing="pairwise"), "pairwise")


@pytest.mark.engine
def test_dask_bootstrap_replicates_exact(dask_client: object) -> None:
    """Each Dask replicate equals numpy moments under the same multiplicities.

    The multiplicities are regenerated here from the documented scheme (one
    numpy generator per partition, spawned from a SeedSequence drawn from
    ``rng``); the replicate's weighted mean and co-moment are then computed
    directly with np.average and a centred product (no satmodels code).
    """
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    x = np.column_stack([np.nan_to_num(DATA[c], nan=5.0) for c in COLS])
    w = np.where(DATA["w"] > 0, DATA["w"], 1.0)
    frame = pd.DataFrame(x, columns=COLS).assign(w=w)
    ddf = dd.from_pandas(frame, npartitions=3)
    sizes = ddf.map_partitions(len).compute().tolist()
    b = 30
    reps = Moments.bootstrap(
        ddf, columns=COLS, weights="w", n_resamples=b, method="poisson", rng=99
    )
    gen = np.random.default_rng(99)
    seeds = np.random.SeedSequence(int(gen.integers(0, 2**63 - 1))).spawn(len(sizes))
    k = np.concatenate(
        [
            np.random.default_rng(s).poisson(1.0, size=(b, m))
            for s, m in zip(seeds, sizes, strict=True)
        ],
        axis=1,
    ).astype(float)
    for r in range(b):
        kw = k[r] * w
        mean = np.average(x, axis=0, weights=kw)
        d = x - mean
        np.testing.assert_allclose(reps.mean[r], mean, rtol=1e-10)
        np.testing.assert_allclose(
            reps.comoment[r], (d * kw[:, None]).T @ d, rtol=1e-10
        )
        assert reps.count[r, 0, 0] == int(k[r].sum())
        np.testing.assert_allclose(reps.weight_sq_sum[r, 0, 0], k[r] @ (w * w))


@pytest.mark.engine
@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_duckdb_bootstrap_replicates_exact(missing: str) -> None:
    """Each DuckDB replicate equals numpy moments under the same multiplicities.

    The documented scheme, regenerated here: one numpy generator seeded
    from ``rng``, the rows' multiplicities drawn row by row in the
    relation's order (``poisson(1, size=(n, B))``). The replicate's
    weighted means and co-moments over the rows each pair observes are
    then computed directly (no satmodels code), NaN and null alike
    missing, zero weights and the unanswered row included.
    """
    frame = _to_duckdb(DATA, None)
    b = 25
    reps = Moments.bootstrap(
        frame, columns=COLS, weights="w", n_resamples=b, method="poisson",
        rng=99, missing=missing,  # type: ignore[arg-type]
    )  # fmt: skip
    gen = np.random.default_rng(99)
    seed = int(gen.integers(0, 2**63 - 1))
    n = len(DATA["w"])
    k = np.random.default_rng(seed).poisson(1.0, size=(n, b)).T.astype(float)
    x = np.column_stack([DATA[c] for c in COLS])
    obs = ~np.isnan(x)
    if missing == "listwise":
        obs = np.repeat(obs.all(axis=1, keepdims=True), len(COLS), axis=1)
    for r in range(b):
        kw = k[r] * DATA["w"]
        for i in range(len(COLS)):
            for j in range(len(COLS)):
                use = obs[:, i] & obs[:, j] & (kw > 0)
                wi = kw[use]
                mi = np.average(x[use, i], weights=wi)
                mj = np.average(x[use, j], weights=wi)
                com = wi @ ((x[use, i] - mi) * (x[use, j] - mj))
                np.testing.assert_allclose(reps.pair_mean[r, i, j], mi, rtol=1e-10)
                np.testing.assert_allclose(
                    reps.comoment[r, i, j], com, rtol=1e-9, atol=1e-9
                )
                assert reps.count[r, i, j] == int(k[r][use].sum())
                np.testing.assert_allclose(reps.weight_sum[r, i, j], wi.sum())


@pytest.mark.engine
def test_duckdb_bootstrap_draws_do_not_depend_on_the_batches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Arrow batches of 64 rows and blocks of 5 rows (instead of one batch
    # and one block for these 300 rows): the same multiplicities (drawn
    # row by row), so the same replicates.
    from satmodels.engines import poisson

    frame = _to_duckdb(DATA, None)
    one = _boot(frame, 3, 30, weights="w", missing="pairwise")
    monkeypatch.setattr(poisson, "_BATCH_ROWS", 64)
    monkeypatch.setattr(poisson, "_BLOCK_VALUES", 6 * 9 * 5)  # q = 54 pairwise
    two = _boot(frame, 3, 30, weights="w", missing="pairwise")
    for f in FIELDS:
        np.testing.assert_allclose(getattr(two, f), getattr(one, f), rtol=1e-12)


@pytest.mark.engine
@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_duckdb_bootstrap_without_pyarrow_hashes_on_the_engine(
    missing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The SQL path (rows cross-joined with the replicates, rows drawn 0
    # times filtered out): reproducible, seeded, and the simulation checks.
    from satmodels.engines import poisson

    frame = _to_duckdb(DATA, None)
    monkeypatch.setattr(poisson, "_has_pyarrow", lambda: False)
    one = _boot(frame, 11, 40, weights="w", missing=missing)
    two = _boot(frame, 11, 40, weights="w", missing=missing)
    for f in FIELDS:
        np.testing.assert_allclose(getattr(one, f), getattr(two, f), rtol=1e-12)
    assert not np.allclose(one.comoment, _boot(frame, 12, 40, weights="w").comoment)
    _check_bootstrap_statistics(_boot(frame, 2024, B_STAT, missing=missing), missing)


@pytest.mark.engine
@pytest.mark.parametrize("pyarrow", [True, False])
def test_duckdb_bootstrap_keeps_replicates_that_drew_no_row(
    pyarrow: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two rows: a replicate draws neither with probability exp(-2), about
    # 1 in 7. Such a replicate has no rows left after the filter; it must
    # still be there, with count 0 and zero sums, in its place (and no
    # mean: NaN, as a replicate drawing no row has in memory).
    from satmodels.engines import poisson

    monkeypatch.setattr(poisson, "_has_pyarrow", lambda: pyarrow)
    data = {c: np.array([1.0, 2.0]) for c in COLS}
    reps = _boot(_to_duckdb(data, None), 5, 60)
    counts = reps.count[:, 0, 0]
    assert reps.n_resamples == 60
    assert (counts == 0).sum() >= 2
    assert np.all(reps.weight_sum[counts == 0] == 0.0)
    assert np.all(reps.comoment[counts == 0] == 0.0)
    assert np.all(np.isnan(reps.mean[counts == 0]))
    # a replicate that drew rows: its mean is that of the rows drawn
    mean = reps.mean[counts > 0][:, 0]
    assert np.all((mean >= 1.0) & (mean <= 2.0))
    assert len(np.unique(mean)) > 1


def test_lazy_result_protocol() -> None:
    import json

    pl = pytest.importorskip("polars")
    lf = _polars_lazy({"a": [1.0, 2.0, 4.0, None], "b": [2.0, 1.0, 5.0, 3.0]})
    m = Moments.from_data(lf)
    assert isinstance(m.to_frame(), pl.DataFrame)  # the input's library
    assert json.loads(json.dumps(m.to_dict()))["n"] == 3
    assert "3 of 4 rows used" in str(m.summary())


@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(3, 30), st.integers(1, 4)),
        elements=st.one_of(
            st.floats(-50, 50, allow_nan=False, allow_infinity=False),
            st.just(np.nan),
        ),
    ),
    st.sampled_from(["listwise", "pairwise"]),
    st.booleans(),
)
def test_polars_lazy_equals_numpy_property(
    x: np.ndarray[Any, Any], missing: str, weighted: bool
) -> None:
    # Differential property (narwhals-style): any matrix with NaNs gives the
    # same Moments on the engine as in memory, or the same error.
    pl = pytest.importorskip("polars")
    cols = [f"c{i}" for i in range(x.shape[1])]
    w = np.linspace(0.0, 2.0, x.shape[0])  # includes a zero weight
    data = {c: x[:, i] for i, c in enumerate(cols)} | {"w": w}
    lf = pl.DataFrame(data).lazy()
    kw: dict[str, Any] = {"columns": cols, "missing": missing}
    try:
        ref = Moments.from_data(x, weights=w if weighted else None, **kw)
    except InputError:
        with pytest.raises(InputError, match="no usable row"):
            Moments.from_data(lf, weights="w" if weighted else None, **kw)
        return
    got = Moments.from_data(lf, weights="w" if weighted else None, **kw)
    assert got.missing_report == ref.missing_report
    for f in FIELDS:
        np.testing.assert_allclose(
            getattr(got, f), getattr(ref, f), rtol=1e-9, atol=1e-8, err_msg=f
        )


def test_engines_import_no_statistics_or_model_module() -> None:
    # The arrows point down: stats builds Moments/CategoryCounts from the
    # engines' typed arrays; the engines never import stats, data or a model
    # (only the leaf modules: types, errors, and the tally of reasons).
    import ast
    from pathlib import Path

    from satmodels import engines

    allowed = {"_typing", "_tally", "exceptions", "engines"}
    for path in Path(engines.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:
                top = (node.module or "").split(".")[0]
                assert top in allowed, f"{path.name} imports ..{node.module}"
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("satmodels"), path.name
