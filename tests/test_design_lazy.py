"""Taylor variances on lazy engines, from one grouped pass of PSU sums.

Reference: the same estimators on the rows in memory, which
tests/test_design.py checks against R's survey package (svymean, svytotal,
svyratio; tests/golden/design_survey.R) on the same sample.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels import InputError, design
from satmodels.design import Design, DesignResult, ReplicateDesign

pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning",
    "ignore:Dask support is moving out of Narwhals",
)

SAMPLE = Path(__file__).parent / "golden" / "design_sample.csv"

DESIGNS = {
    "strata+clusters": Design(strata="stratum", clusters="psu", weights="w"),
    "strata+clusters+fpc": Design(
        strata="stratum", clusters="psu", fpc="fpc", weights="w"
    ),
    "strata": Design(strata="stratum", weights="w"),
    "strata+fpc": Design(strata="stratum", fpc="rows_in_stratum", weights="w"),
    "weights": Design(weights="w"),
    "srs": Design(),
}

CALLS: dict[str, tuple[Any, dict[str, Any]]] = {
    "mean": (design.mean, {"items": ["score", "top"]}),
    "total": (design.total, {"items": ["score", "top"]}),
    "ratio": (design.ratio, {"numerator": "perceived", "denominator": "expected"}),
}


def _frame() -> Any:
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(SAMPLE)
    # a population of 500 respondents per stratum, for unclustered sampling
    return frame.assign(rows_in_stratum=500.0)


def _lazy(kind: str, frame: Any, spark: Any = None) -> Any:
    if kind == "polars":
        pl = pytest.importorskip("polars")
        return pl.from_pandas(frame).lazy()
    if kind == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        return duckdb.from_df(frame)
    if kind == "dask":
        dd = pytest.importorskip("dask.dataframe")
        return dd.from_pandas(frame, npartitions=3)
    return spark.createDataFrame(frame)


def _same(got: DesignResult, ref: DesignResult) -> None:
    a, b = got.estimates, ref.estimates
    assert list(a.kind) == list(b.kind)
    assert list(a.name) == list(b.name)
    np.testing.assert_allclose(a.estimate, b.estimate, rtol=1e-11)
    np.testing.assert_allclose(a.standard_error, b.standard_error, rtol=1e-10)
    np.testing.assert_allclose(a.ci_low, b.ci_low, rtol=1e-10)
    np.testing.assert_array_equal(a.n, b.n)
    assert got.df == ref.df
    assert (got.n, got.n_psu, got.n_strata) == (ref.n, ref.n_psu, ref.n_strata)
    assert got.variance_method == ref.variance_method == "taylor"
    assert got.design_effect == pytest.approx(ref.design_effect, rel=1e-10)


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize("name", list(DESIGNS))
@pytest.mark.parametrize("kind", ["polars", "duckdb"])
def test_lazy_equals_rows(kind: str, name: str, call: str) -> None:
    frame = _frame()
    func, kwargs = CALLS[call]
    ref = func(frame, design=DESIGNS[name], **kwargs)
    got = func(_lazy(kind, frame), design=DESIGNS[name], **kwargs)
    _same(got, ref)


@pytest.mark.engine
def test_spark_equals_rows(spark: Any) -> None:
    frame = _frame()
    spec = DESIGNS["strata+clusters+fpc"]
    for func, kwargs in CALLS.values():
        _same(
            func(_lazy("spark", frame, spark), design=spec, **kwargs),
            func(frame, design=spec, **kwargs),
        )


@pytest.mark.engine
def test_dask_equals_rows(dask_client: object) -> None:
    frame = _frame()
    for spec in (DESIGNS["strata+clusters"], DESIGNS["strata"]):
        func, kwargs = CALLS["ratio"]
        _same(
            func(_lazy("dask", frame), design=spec, **kwargs),
            func(frame, design=spec, **kwargs),
        )


def test_lazy_refuses_what_the_rows_refuse() -> None:
    pl = pytest.importorskip("polars")
    frame = _frame()
    # a stratum with a single PSU
    lonely = frame.copy()
    lonely.loc[lonely["stratum"] == lonely["stratum"].iloc[0], "psu"] = 999
    with pytest.raises(InputError, match="single PSU"):
        design.mean(
            pl.from_pandas(lonely).lazy(),
            design=DESIGNS["strata+clusters"],
            items=["score"],
        )
    # an fpc that varies within a stratum
    varying = frame.copy()
    varying.loc[0, "fpc"] = varying["fpc"].iloc[0] + 1
    with pytest.raises(InputError, match="one positive value per stratum"):
        design.mean(
            pl.from_pandas(varying).lazy(),
            design=DESIGNS["strata+clusters+fpc"],
            items=["score"],
        )
    # a missing stratum label
    unlabelled = frame.copy().astype({"stratum": object})
    unlabelled.loc[3, "stratum"] = None
    with pytest.raises(InputError, match=r"'stratum'.*missing labels"):
        design.mean(
            pl.from_pandas(unlabelled).lazy(), design=DESIGNS["strata"], items=["score"]
        )
    # a negative weight
    negative = frame.copy()
    negative.loc[5, "w"] = -1.0
    with pytest.raises(InputError, match=r"'weights'.*'w'"):
        design.mean(
            pl.from_pandas(negative).lazy(), design=DESIGNS["weights"], items=["score"]
        )


def test_replicate_designs_need_the_rows() -> None:
    pl = pytest.importorskip("polars")
    frame = _frame().assign(r1=1.0, r2=2.0)
    with pytest.raises(InputError, match=r"ReplicateDesign.*Collect"):
        design.mean(
            pl.from_pandas(frame).lazy(),
            design=ReplicateDesign(replicates=["r1", "r2"], method="JK1"),
            items=["score"],
        )


def test_item_without_answers_on_the_engine() -> None:
    pl = pytest.importorskip("polars")
    frame = _frame().assign(empty=np.nan)
    with pytest.raises(InputError, match=r"'empty'.*no answer"):
        design.mean(
            pl.from_pandas(frame).lazy(), design=DESIGNS["strata"], items=["empty"]
        )


@pytest.mark.parametrize("name", list(DESIGNS))
@pytest.mark.parametrize("kind", ["polars", "duckdb"])
def test_means_far_from_zero_keep_their_digits(
    kind: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # answers near 1e7 with the spread of a rating scale: raw sums of
    # squares lost 1e-3 of the standard error without clusters; the PSU
    # sums are read again, shifted by the means (one more query)
    from satmodels.design import _lazy as lazy_fit
    from satmodels.engines.design_sums import design_sums as real

    frame = _frame().assign(score=lambda f: f["score"] + 1e7)
    reads: list[object] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        reads.append(kwargs.get("shift"))
        return real(*args, **kwargs)

    monkeypatch.setattr(lazy_fit, "design_sums", spy)
    ref = design.mean(frame, design=DESIGNS[name], items=["score", "top"])
    got = design.mean(_lazy(kind, frame), design=DESIGNS[name], items=["score", "top"])
    a, b = got.estimates, ref.estimates
    assert list(a.name) == list(b.name)
    for field in ("estimate", "standard_error", "ci_low"):
        np.testing.assert_allclose(getattr(a, field), getattr(b, field), rtol=1e-9)
    assert got.design_effect == pytest.approx(ref.design_effect, rel=1e-9)
    assert len(reads) == 2
    assert reads[0] is None
    assert reads[1] == pytest.approx(
        [ref.estimates.estimate[0], ref.estimates.estimate[1]]
    )
