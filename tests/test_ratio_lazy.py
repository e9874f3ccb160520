"""satisfaction_ratio on lazy frames: real engines against the rows in memory.

The in-memory path is the reference (itself checked against hand sums,
Cochran's formulas and simulation in test_ratio.py); every engine must give
the same estimates, intervals, grade counts and missing-data account to
1e-12, and refuse what the rows refuse, naming the column.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from satmodels import InputError, SmallSampleWarning, satisfaction_ratio
from satmodels.scales import Scale

pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:Dask support is moving out of Narwhals:FutureWarning"
    ),
    pytest.mark.filterwarnings(
        "ignore:PySpark does not yet fully support pandas:FutureWarning"
    ),
]

P, E = ["p1", "p2", "p3"], ["e1", "e2", "e3"]
KW: dict[str, Any] = {
    "perceived": P,
    "expected": E,
    "items": ["speed", "price", "care"],
    "scale": (1, 10),
    "weights": "w",
    "nan_policy": "omit",
}


def _data(n: int = 240, seed: int = 5) -> dict[str, Any]:
    """1-10 answers with missing cells, zero weights and three segments."""
    rng = np.random.default_rng(seed)
    out: dict[str, Any] = {}
    for j in range(3):
        a = rng.integers(3, 11, n).astype(float)
        out[E[j]] = a
        out[P[j]] = np.clip(a + rng.integers(-3, 3, n), 1, 10).astype(float)
    for c in (*P, *E):
        out[c][rng.random(n) < 0.06] = np.nan
    out["e1"][7] = out["e2"][7] = out["e3"][7] = np.nan  # no pair at all
    w = rng.uniform(0.3, 2.0, n)
    w[[4, 9, 30]] = 0.0
    out["w"] = w
    out["seg"] = np.array(["north", "south", "west"])[rng.integers(0, 3, n)]
    return out


DATA = _data()


def _polars_lazy(data: dict[str, Any], _: object) -> object:
    pl = pytest.importorskip("polars")
    return pl.DataFrame(data, nan_to_null=True).lazy()


def _duckdb(data: dict[str, Any], _: object) -> object:
    duckdb = pytest.importorskip("duckdb")
    pa = pytest.importorskip("pyarrow")
    # "p1" keeps NaN, the other columns carry nulls: both are missing
    table = pa.table({k: pa.array(v, from_pandas=k != "p1") for k, v in data.items()})
    return duckdb.connect().from_arrow(table)


def _dask(data: dict[str, Any], _: object) -> object:
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    return dd.from_pandas(pd.DataFrame(data), npartitions=3)


def _spark(data: dict[str, Any], session: object) -> object:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(data).astype(object)
    frame = frame.where(frame.notna(), None)
    return session.createDataFrame(frame)  # type: ignore[attr-defined]


ENGINES: dict[str, Callable[[dict[str, Any], object], object]] = {
    "polars_lazy": _polars_lazy,
    "duckdb": _duckdb,
    "dask": _dask,
    "pyspark": _spark,
}


@pytest.fixture(params=list(ENGINES))
def lazy(request: pytest.FixtureRequest) -> Callable[[dict[str, Any]], object]:
    """Build the columns as a lazy frame on a real engine."""
    engine: object = None
    if request.param == "dask":
        request.getfixturevalue("dask_client")
    if request.param == "pyspark":
        engine = request.getfixturevalue("spark")
    build = ENGINES[request.param]
    return lambda data: build(data, engine)


def _assert_same(got: Any, ref: Any) -> None:
    ge, re_ = got.estimates, ref.estimates
    assert list(ge.name) == list(re_.name)
    assert list(ge.kind) == list(re_.kind)
    for field in ("estimate", "standard_error", "ci_low", "ci_high", "n"):
        np.testing.assert_allclose(
            getattr(ge, field), getattr(re_, field), rtol=1e-12, atol=1e-12
        )
    np.testing.assert_allclose(got.grade_counts, ref.grade_counts, rtol=1e-12)
    assert got.item_grade == ref.item_grade
    assert got.overall_grade == ref.overall_grade
    assert got.overall_n == ref.overall_n
    assert got.n_omitted == ref.n_omitted
    assert got.missing_report == ref.missing_report
    assert got.weighted == ref.weighted


def test_engines_match_the_rows(lazy: Callable[[dict[str, Any]], object]) -> None:
    ref = satisfaction_ratio(DATA, segments="seg", **KW)
    got = satisfaction_ratio(lazy(DATA), segments="seg", **KW)
    _assert_same(got, ref)
    assert got.missing_report.rows_excluded > 0  # the account is not trivial
    assert got.ratios.shape == (0, 3)  # no per-respondent ratios on an engine
    assert got.segments is not None
    assert ref.segments is not None
    assert sorted(got.segments) == sorted(ref.segments) == ["north", "south", "west"]
    for label, part in ref.segments.items():
        _assert_same(got.segments[label], part)


@pytest.mark.parametrize("engine", ["polars_lazy", "duckdb"])
def test_unweighted_and_other_levels(engine: str) -> None:
    kw = KW | {"weights": None, "confidence_level": 0.9, "scale": Scale.likert(1, 10)}
    ref = satisfaction_ratio(DATA, **kw)
    got = satisfaction_ratio(ENGINES[engine](DATA, None), **kw)
    _assert_same(got, ref)
    assert not got.weighted


def test_large_values_do_not_cancel() -> None:
    """Shifted sums: answers near 1e8 keep their small spread exactly."""
    data = {k: v + 1e8 if k in (*P, *E) else v for k, v in DATA.items()}
    kw = KW | {"scale": None}
    ref = satisfaction_ratio(data, **kw)
    got = satisfaction_ratio(_polars_lazy(data, None), **kw)
    np.testing.assert_allclose(
        got.estimates.standard_error, ref.estimates.standard_error, rtol=1e-7
    )
    assert np.all(got.estimates.standard_error > 0)


def _with(column: str, value: float) -> dict[str, Any]:
    """DATA with ``value`` in the first row that has every answer."""
    data = {k: np.array(v, copy=True) for k, v in DATA.items()}
    complete = ~np.isnan(np.column_stack([data[c] for c in (*P, *E)])).any(axis=1)
    data[column][int(np.flatnonzero(complete & (data["w"] > 0))[0])] = value
    return data


@pytest.mark.parametrize(
    ("column", "value", "kw", "match"),
    [
        ("e2", 0.0, {"scale": None}, r"'expected' column 'e2' .* must be positive"),
        ("p3", -1.0, {"scale": None}, r"'perceived' column 'p3' .* must not be neg"),
        ("p1", 11.0, {}, r"'perceived' column 'p1' .* outside the \[1, 10\]"),
        ("e1", math.inf, {}, r"'expected' column 'e1' .* infinite"),
        ("p2", 4.5, {"scale": Scale.likert(1, 10)}, r"'p2' .* outside"),
        ("w", -1.0, {}, r"'weights' parameter .* column 'w'"),
        ("w", math.nan, {}, r"'weights' parameter .* column 'w'"),
    ],
)
def test_refuses_what_the_rows_refuse(
    column: str, value: float, kw: dict[str, Any], match: str
) -> None:
    data = _with(column, value)
    with pytest.raises(InputError):
        satisfaction_ratio(data, **(KW | kw))
    for build in (_polars_lazy, _duckdb):
        with pytest.raises(InputError, match=match):
            satisfaction_ratio(build(data, None), **(KW | kw))


def test_levels_scale_is_checked_answer_by_answer() -> None:
    scale = Scale.levels([2.0, 4.0, 6.0, 8.0, 10.0])
    data = {k: np.array(v, copy=True) for k, v in DATA.items()}
    for c in (*P, *E):
        x = data[c]
        data[c] = np.where(np.isnan(x), x, 2 * np.ceil(x / 2))
    kw = KW | {"scale": scale}
    _assert_same(
        satisfaction_ratio(_duckdb(data, None), **kw), satisfaction_ratio(data, **kw)
    )
    data["e3"][20] = 5.0  # between the levels: the mean stays on the scale
    with pytest.raises(InputError, match=r"'e3' .* 1 answer\(s\) outside"):
        satisfaction_ratio(_duckdb(data, None), **kw)


def test_missing_answers_under_raise_are_counted() -> None:
    with pytest.raises(InputError, match=r"'expected' column 'e1' .* missing cell"):
        satisfaction_ratio(_polars_lazy(DATA, None), **(KW | {"nan_policy": "raise"}))


def test_item_without_respondents() -> None:
    data = {k: np.array(v, copy=True) for k, v in DATA.items()}
    data["p2"][:] = np.nan
    with pytest.raises(InputError, match=r"Item 'price' .* no respondent"):
        satisfaction_ratio(_duckdb(data, None), **KW)


def test_one_respondent_warns_and_gives_nan() -> None:
    data = {k: np.array(v, copy=True) for k, v in DATA.items()}
    data["p2"][1:] = np.nan
    data["p2"][0], data["e2"][0], data["w"][0] = 5.0, 5.0, 1.0
    with pytest.warns(SmallSampleWarning, match=r"\['price'\] rest on one"):
        ref = satisfaction_ratio(data, **KW)
    with pytest.warns(SmallSampleWarning, match=r"\['price'\] rest on one") as rec:
        got = satisfaction_ratio(_polars_lazy(data, None), **KW)
    assert rec[0].filename == __file__  # the warning names the caller's line
    _assert_same(got, ref)
    assert math.isnan(got.ratio_of_means_se[1])


@pytest.mark.parametrize("engine", ["polars_lazy", "duckdb"])
def test_segments_take_two_grouped_queries(
    engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # seven segments: two grouped aggregations in all (the whole frame's
    # sums are the segments' merged), where each segment's own frame cost
    # two aggregations more
    from satmodels.ratio import _lazy

    calls: list[int] = []
    real = _lazy._grouped

    def spy(frame: Any, exprs: Any) -> Any:
        calls.append(len(exprs))
        return real(frame, exprs)

    def own_pass(*args: Any, **kwargs: Any) -> Any:
        pytest.fail("a segment's frame was aggregated on its own")

    monkeypatch.setattr(_lazy, "_grouped", spy)
    monkeypatch.setattr(_lazy, "_first_pass", own_pass)
    data = DATA | {"seg": np.array([f"s{i % 7}" for i in range(DATA["w"].size)])}
    got = satisfaction_ratio(ENGINES[engine](data, None), segments="seg", **KW)
    assert len(calls) == 2
    ref = satisfaction_ratio(data, segments="seg", **KW)
    _assert_same(got, ref)
    assert got.segments is not None
    assert ref.segments is not None
    assert list(got.segments) == list(ref.segments) == [f"s{i}" for i in range(7)]
    for label, part in ref.segments.items():
        _assert_same(got.segments[label], part)


@pytest.mark.parametrize("engine", ["polars_lazy", "duckdb"])
def test_a_segment_without_respondents_is_named(engine: str) -> None:
    data = {k: np.array(v, copy=True) for k, v in DATA.items()}
    data["p2"][data["seg"] == "west"] = np.nan
    with pytest.raises(InputError, match=r"Item 'price' .* \(segment 'west'\) has no"):
        satisfaction_ratio(ENGINES[engine](data, None), segments="seg", **KW)


@pytest.mark.parametrize("engine", ["polars_lazy", "duckdb"])
def test_missing_segment_labels_are_refused(engine: str) -> None:
    data = dict(DATA)
    seg = DATA["seg"].astype(object)
    seg[[3, 8]] = None
    data["seg"] = seg
    with pytest.raises(InputError, match=r"'segments' .* 2 missing label"):
        satisfaction_ratio(ENGINES[engine](data, None), segments="seg", **KW)


def test_one_respondent_in_a_segment_warns_at_the_caller() -> None:
    data = {k: np.array(v, copy=True) for k, v in DATA.items()}
    west = np.flatnonzero(data["seg"] == "west")
    data["p2"][west[1:]] = np.nan
    data["p2"][west[0]], data["e2"][west[0]], data["w"][west[0]] = 5.0, 5.0, 1.0
    with pytest.warns(SmallSampleWarning, match=r"segment 'west'.*\['price'\]") as rec:
        satisfaction_ratio(_polars_lazy(data, None), segments="seg", **KW)
    assert rec[0].filename == __file__


@pytest.mark.parametrize("engine", ["polars_lazy", "duckdb"])
def test_a_segment_far_from_the_whole_frame_is_summed_on_its_own(
    engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # one segment's answers near 1e7, the others near 5: shifted by the
    # whole frame's means (3.3e6), every segment's variances would lose
    # three digits (1e-3 off); each is summed again from its own frame
    from satmodels.ratio import _lazy

    refits: list[str] = []
    real = _lazy.lazy_sums

    def spy(*args: Any, **kwargs: Any) -> Any:
        refits.append(args[-1])
        return real(*args, **kwargs)

    monkeypatch.setattr(_lazy, "lazy_sums", spy)
    data = {k: np.array(v, copy=True) for k, v in DATA.items()}
    far = data["seg"] == "west"
    for c in (*P, *E):
        data[c] = np.where(far, data[c] + 1e7, data[c])
    kw = KW | {"scale": None}
    ref = satisfaction_ratio(data, segments="seg", **kw)
    got = satisfaction_ratio(ENGINES[engine](data, None), segments="seg", **kw)
    assert got.segments is not None
    assert ref.segments is not None
    for label, part in ref.segments.items():
        np.testing.assert_allclose(
            got.segments[label].estimates.standard_error,
            part.estimates.standard_error,
            rtol=1e-7,
        )
    assert "satisfaction_ratio (segment 'west')" in refits
    # near segments of one scale share the whole frame's shift (no refit)
    refits.clear()
    satisfaction_ratio(ENGINES[engine](DATA, None), segments="seg", **KW)
    assert refits == []
