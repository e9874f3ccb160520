"""Moments of every segment from one grouped aggregation on the engine.

Reference: the same segments' Moments from the rows in memory (split by
label), which test_moments.py checks against numpy and pandas.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from satmodels import InputError
from satmodels.data import read

pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)


def _survey(seed: int = 0, n: int = 300) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    data: dict[str, Any] = {
        "a": rng.normal(1e4, 1, n),  # a large mean: the shift must be right
        "b": rng.normal(3, 2, n),
        "c": rng.integers(1, 8, n).astype(float),
        "w": rng.uniform(0.5, 2, n),
        "g": rng.choice(["x", "y", "z"], n),
    }
    data["a"][:10] = np.nan
    data["b"][5:15] = np.nan
    data["w"][20:25] = 0.0
    return data


def _lazy(kind: str, data: dict[str, Any], spark: Any = None) -> Any:
    pd = pytest.importorskip("pandas")
    if kind == "polars":
        pl = pytest.importorskip("polars")
        return pl.DataFrame(data).lazy()
    if kind == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        return duckdb.from_df(pd.DataFrame(data))
    return spark.createDataFrame(pd.DataFrame(data))


def _compare(got: dict[str, Any], ref: dict[str, Any]) -> None:
    assert list(got) == list(ref)
    for label, m in ref.items():
        g = got[label]
        np.testing.assert_allclose(g.mean, m.mean, rtol=1e-12)
        np.testing.assert_allclose(g.comoment, m.comoment, rtol=1e-9, atol=1e-9)
        np.testing.assert_array_equal(g.count, m.count)
        np.testing.assert_allclose(g.weight_sum, m.weight_sum, rtol=1e-12)
        assert g.missing_report.rows_total == m.missing_report.rows_total
        assert g.missing_report.rows_used == m.missing_report.rows_used
        assert g.missing_report.reasons == m.missing_report.reasons
        assert g.missing_report.column_missing == m.missing_report.column_missing


@pytest.mark.parametrize("kind", ["polars", "duckdb"])
@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
@pytest.mark.parametrize("weighted", [True, False])
def test_grouped_equals_split_rows(kind: str, missing: str, weighted: bool) -> None:
    data = _survey()
    w = "w" if weighted else None
    lazy = read(_lazy(kind, data), where="f", weights=w, segments="g")
    rows = read(data, where="f", weights=w, segments="g")
    names = ["a", "b", "c"]
    _compare(
        lazy.moments_by_segment(names, missing=missing),  # type: ignore[arg-type]
        rows.moments_by_segment(names, missing=missing),  # type: ignore[arg-type]
    )


@pytest.mark.engine
def test_spark_groups_in_one_aggregation(spark: Any) -> None:
    data = _survey(1)
    lazy = read(_lazy("spark", data, spark), where="f", weights="w", segments="g")
    rows = read(data, where="f", weights="w", segments="g")
    _compare(lazy.moments_by_segment(["a", "b"]), rows.moments_by_segment(["a", "b"]))


def test_numeric_segment_labels_and_merge_back() -> None:
    pl = pytest.importorskip("polars")
    data = _survey(2)
    data["g"] = np.where(data["g"] == "x", 1, 2)
    lazy = read(pl.DataFrame(data).lazy(), where="f", segments="g")
    parts = lazy.moments_by_segment(["b", "c"])
    assert list(parts) == ["1", "2"]
    whole = read(data, where="f").moments(["b", "c"])
    merged = parts["1"].merge(parts["2"])
    np.testing.assert_allclose(merged.mean, whole.mean, rtol=1e-12)
    np.testing.assert_allclose(merged.comoment, whole.comoment, rtol=1e-10)


def test_missing_labels_and_empty_groups_are_refused() -> None:
    pl = pytest.importorskip("polars")
    data = _survey(3)
    frame = pl.DataFrame(data).with_columns(
        pl.when(pl.int_range(pl.len()) < 3).then(None).otherwise(pl.col("g")).alias("g")
    )
    table = read(frame.lazy(), where="f", segments="g")
    with pytest.raises(InputError, match="'segments' parameter of f has 3 missing"):
        table.moments_by_segment(["b"])
    data = _survey(4)
    data["b"][data["g"] == "z"] = np.nan
    table = read(pl.DataFrame(data).lazy(), where="f", segments="g")
    with pytest.raises(InputError, match="no usable row"):
        table.moments_by_segment(["b"])


def test_rows_in_memory_split_by_label() -> None:
    data = _survey(5)
    parts = read(data, where="f", segments="g").moments_by_segment(["b"])
    for label in ("x", "y", "z"):
        mine = data["g"] == label
        sub = {k: v[mine] for k, v in data.items() if k != "g"}
        ref = read(sub, where="f").moments(["b"])
        np.testing.assert_allclose(parts[label].mean, ref.mean, rtol=1e-14)


@pytest.mark.filterwarnings("ignore::satmodels.SatmodelsWarning")
@pytest.mark.parametrize("kind", ["polars", "duckdb"])
def test_acsi_segments_on_an_engine_come_from_one_grouped_pass(kind: str) -> None:
    """acsi.fit(lazy, segments=...) fits each segment from the grouped
    Moments; the numbers equal the fit of the rows in memory."""
    import satmodels
    from satmodels.datasets import load_sample_survey

    survey = {k: np.asarray(v) for k, v in load_sample_survey().items()}
    eager = satmodels.acsi.fit(
        survey, scale=(1, 10), segments="segment", weights="weight"
    )
    lazy = satmodels.acsi.fit(
        _lazy(kind, survey), scale=(1, 10), segments="segment", weights="weight"
    )
    assert eager.segments is not None
    assert lazy.segments is not None
    assert list(lazy.segments) == list(eager.segments)
    for label, part in eager.segments.items():
        np.testing.assert_allclose(
            lazy.segments[label].estimates.estimate,
            part.estimates.estimate,
            rtol=1e-10,
            atol=1e-12,
        )


@pytest.mark.parametrize("kind", ["polars", "duckdb"])
@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_groups_on_another_scale_are_fitted_on_their_own(
    kind: str, missing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # one group's answers near 1e7, the others' near 5: shifted by the
    # overall means, the small groups' sums of squares would cancel (3rd
    # digit of alpha off); the grouped read gives way to one fit per group
    from satmodels.engines import grouped_moments

    data = _survey(4)
    far = data["g"] == "z"
    data["b"] = np.where(far, data["b"] + 1e7, data["b"])
    data["c"] = np.where(far, data["c"] + 1e7, data["c"])
    lazy = read(_lazy(kind, data), where="f", weights="w", segments="g")
    rows = read(data, where="f", weights="w", segments="g")
    seen: list[object] = []
    real = grouped_moments.grouped_moments

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(out := real(*args, **kwargs))
        return out

    monkeypatch.setattr(grouped_moments, "grouped_moments", spy)
    names = ["a", "b", "c"]
    _compare(
        lazy.moments_by_segment(names, missing=missing),  # type: ignore[arg-type]
        rows.moments_by_segment(names, missing=missing),  # type: ignore[arg-type]
    )
    assert seen == [None]  # the grouped read declined
