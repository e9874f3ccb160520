"""The one ingestion layer: every input kind becomes the same Table."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from satmodels import CategoryCounts, InputError, Moments
from satmodels.data import Kind, read

X = np.array([[1.0, 2.0, 3.0], [4.0, np.nan, 6.0], [7.0, 8.0, 9.0], [2.0, 5.0, 1.0]])
NAMES = ["a", "b", "c"]
ROWS_ONLY: tuple[Kind, ...] = ("rows",)
COUNTS_ONLY: tuple[Kind, ...] = ("counts",)
COLS = {c: X[:, i] for i, c in enumerate(NAMES)}


def _kinds() -> dict[str, Any]:
    return {
        "array": X,
        "dict": COLS,
        "pandas": pd.DataFrame(COLS),
        "polars": pl.DataFrame(COLS),
        "pyarrow": pa.table(COLS),
    }


@pytest.mark.parametrize("kind", ["array", "dict", "pandas", "polars", "pyarrow"])
def test_every_eager_kind_reads_to_the_same_matrix(kind: str) -> None:
    data = _kinds()[kind]
    cols = NAMES if kind == "array" else None
    t = read(data, where="f", columns=cols, roles={"items": ["c", "a"]})
    assert t.kind == "rows"
    assert t.columns == ("c", "a")
    np.testing.assert_array_equal(t.matrix(), X[:, [2, 0]])
    np.testing.assert_array_equal(t.column("a"), X[:, 0])
    assert t.n_rows == 4
    assert t.backend == {"pandas": "pandas", "polars": "polars"}.get(kind)


def test_columns_names_an_array_and_selects_a_frame() -> None:
    t = read(X, where="f")
    assert t.columns == ("x0", "x1", "x2")
    t = read(pd.DataFrame(COLS), where="f", columns=["b", "a"])
    assert t.columns == ("b", "a")
    with pytest.raises(InputError, match="'columns' parameter of f names 2"):
        read(X, where="f", columns=["a", "b"])
    with pytest.raises(InputError, match=r"\['zz'\]"):
        read(COLS, where="f", columns=["a", "zz"])


def test_role_errors_name_the_keyword_and_column() -> None:
    with pytest.raises(
        InputError, match=r"'perceived' parameter of f names column\(s\) \['q9'\]"
    ):
        read(COLS, where="f", roles={"perceived": ["a", "q9"]})
    with pytest.raises(InputError, match="duplicate"):
        read(COLS, where="f", roles={"items": ["a", "a"]})
    with pytest.raises(InputError, match="by string"):
        read(COLS, where="f", roles={"items": ["a", 3]})  # type: ignore[list-item]
    with pytest.raises(InputError, match="column name or a sequence"):
        read(COLS, where="f", roles={"items": 3})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    "bad",
    [
        np.array(["x", "y", "z", "w"]),
        np.array([1 + 1j, 2, 3, 4]),
        np.array(["2020-01-01"] * 4, dtype="datetime64[D]"),
    ],
)
def test_non_numeric_columns_are_refused_by_name(bad: np.ndarray) -> None:
    data = dict(COLS) | {"odd": bad}
    with pytest.raises(InputError, match="'odd'"):
        read(data, where="f")
    with pytest.raises(InputError, match="'odd'"):
        read(pd.DataFrame(data), where="f")
    # not selected: not read
    assert read(data, where="f", roles={"items": ["a"]}).columns == ("a",)


def test_complex_or_string_arrays_are_refused() -> None:
    with pytest.raises(InputError, match="complex"):
        read(np.array([[1j, 2.0]]), where="f")
    with pytest.raises(InputError, match="real numbers"):
        read([["a", "b"]], where="f")
    with pytest.raises(InputError, match="1-D or 2-D"):
        read(np.zeros((2, 2, 2)), where="f")


def test_duplicate_frame_columns_are_refused() -> None:
    frame = pd.DataFrame([[1.0, 2.0]], columns=["a", "a"])
    with pytest.raises(InputError, match="a"):
        read(frame, where="f")


def test_mapping_must_be_named_equal_length_columns() -> None:
    with pytest.raises(InputError, match="equal lengths"):
        read({"a": np.ones(3), "b": np.ones(4)}, where="f")
    with pytest.raises(InputError, match="column names"):
        read({1: np.ones(3)}, where="f")
    with pytest.raises(InputError, match="1-D"):
        read({"a": np.ones((3, 2))}, where="f")


def test_weights_by_array_or_column_and_validated() -> None:
    w = np.array([1.0, 2.0, 0.5, 1.0])
    t = read(dict(COLS) | {"w": w}, where="f", weights="w")
    assert t.columns == ("a", "b", "c")  # the weight column is not an item
    np.testing.assert_array_equal(t.weights, w)
    assert t.weighted
    np.testing.assert_array_equal(read(X, where="f", weights=w).weights, w)
    with pytest.raises(InputError, match="row 2"):
        read(X, where="f", weights=[1.0, -1.0, 1.0, 1.0])
    with pytest.raises(InputError, match="one entry per row"):
        read(X, where="f", weights=[1.0, 1.0])
    with pytest.raises(InputError, match="numeric"):
        read(X, where="f", weights=["a", "b", "c", "d"])
    with pytest.raises(InputError, match="'data' is an array"):
        read(X, where="f", weights="w")
    with pytest.raises(InputError, match="does not have"):
        read(COLS, where="f", weights="w")
    with pytest.raises(InputError, match="also one of"):
        read(dict(COLS) | {"w": w}, where="f", weights="w", roles={"i": ["a", "w"]})


def test_segments_split_rows_and_refuse_missing_labels() -> None:
    seg = np.array(["x", "y", "x", "y"], dtype=object)
    t = read(dict(COLS) | {"s": seg}, where="f", segments="s")
    assert t.segment_labels() == ("x", "y")
    parts = t.by_segment()
    np.testing.assert_array_equal(parts["x"].matrix(), X[[0, 2]])
    assert parts["x"].segments is None
    with pytest.raises(InputError, match="row 2"):
        read(X, where="f", segments=["x", None, "y", "y"])
    with pytest.raises(InputError, match="one label per row"):
        read(X, where="f", segments=["x"])
    with pytest.raises(InputError, match="no segments"):
        read(X, where="f").segment("x")
    assert read(X, where="f").segment_labels() == ()


def test_moments_from_a_table_equal_moments_from_the_data() -> None:
    w = np.array([1.0, 2.0, 0.5, 1.0])
    t = read(X, where="f", columns=NAMES, weights=w)
    ref = Moments.from_data(X, columns=NAMES, weights=w)
    got = t.moments()
    np.testing.assert_allclose(got.covariance(), ref.covariance())
    assert got.missing_report == ref.missing_report
    reps = t.bootstrap(n_resamples=5, rng=np.random.default_rng(0))
    assert reps.n_resamples == 5


def test_moments_and_counts_pass_through() -> None:
    m = Moments.from_data(X, columns=NAMES)
    t = read(m, where="f", roles={"items": ["b", "c"]})
    assert t.kind == "moments"
    assert t.moments(["b", "c"]).columns == ("b", "c")
    assert t.moments(["b", "c"]).n == m.n
    with pytest.raises(InputError, match="cannot be used"):
        read(m, where="f", weights=np.ones(4))
    with pytest.raises(InputError, match="needs the rows"):
        t.matrix()
    with pytest.raises(InputError, match="must be rows"):
        read(m, where="f", accept=ROWS_ONLY)
    cc = CategoryCounts.from_data(np.array([[1.0], [2.0]]), categories=[1, 2])
    tc = read(cc, where="f", accept=COUNTS_ONLY)
    assert tc.category_counts(categories=[1, 2]) is cc
    with pytest.raises(InputError, match="needs the rows"):
        tc.moments()


def test_lazy_frames_stay_on_the_engine() -> None:
    w = np.array([1.0, 2.0, 0.5, 1.0])
    seg = ["x", "y", "x", "y"]
    lazy = pl.DataFrame(dict(COLS) | {"w": w, "s": seg}).lazy()
    t = read(lazy, where="f", weights="w", segments="s", roles={"i": ["a", "c"]})
    assert t.kind == "lazy"
    assert t.n_rows is None
    ref = Moments.from_data(X[:, [0, 2]], columns=["a", "c"], weights=w)
    np.testing.assert_allclose(t.moments().covariance(), ref.covariance())
    assert t.segment_labels() == ("x", "y")
    part = t.segment("x").moments()
    np.testing.assert_allclose(part.mean, X[[0, 2]][:, [0, 2]].T @ w[[0, 2]] / 1.5)
    with pytest.raises(InputError, match="lazy frame"):
        t.matrix()
    with pytest.raises(InputError, match="must name a column"):
        read(lazy, where="f", weights=w)
    with pytest.raises(InputError, match="does not have"):
        read(lazy, where="f", weights="nope")
    with pytest.raises(InputError, match="must be rows"):
        read(lazy, where="f", accept=ROWS_ONLY)
    with pytest.raises(InputError, match="real numbers"):
        read(lazy, where="f", roles={"i": ["s"]})


def test_counts_through_the_table() -> None:
    ans = {"f": np.array([1.0, 2.0, 2.0, np.nan]), "d": np.array([5.0, 4.0, 5.0, 1.0])}
    t = read(ans, where="f")
    cc = t.category_counts(["f"], categories=[1, 2])
    assert cc.counts.tolist() == [[1, 2]]
    pc = t.pair_counts([("f", "d")], range(1, 6), range(1, 6))
    assert int(pc.counts.sum()) == 3
    lazy = read(pl.DataFrame(ans).lazy(), where="f")
    assert lazy.category_counts(["f"], categories=[1, 2]).counts.tolist() == [[1, 2]]
    pcl = lazy.pair_counts([("f", "d")], range(1, 6), range(1, 6))
    np.testing.assert_array_equal(pcl.counts, pc.counts)


def test_too_few_rows_and_no_columns() -> None:
    with pytest.raises(InputError, match="at least 1 row"):
        read(np.empty((0, 2)), where="f")
    with pytest.raises(InputError, match="no columns"):
        read({"w": np.ones(3)}, where="f", weights="w")
    with pytest.raises(InputError, match="needs the rows"):
        read(pl.DataFrame(COLS).lazy(), where="f").rows(np.ones(4, bool))


def test_label_columns_by_parameter() -> None:
    data = dict(COLS) | {"company": np.array(["p", "q", "r", "s"])}
    t = read(data, where="f", labels={"by": ["company"]})
    assert t.columns == ("a", "b", "c")  # a label column is not an item
    assert t.labels["company"].tolist() == ["p", "q", "r", "s"]
    assert t.rows(np.array([True, False, True, False])).labels["company"].tolist() == [
        "p",
        "r",
    ]
    with pytest.raises(InputError, match="'by' parameter of f names column"):
        read(COLS, where="f", labels={"by": ["company"]})
    with pytest.raises(InputError, match="'by' parameter of f has 1 missing"):
        read(
            COLS | {"g": np.array(["x", None, "y", "z"])},
            where="f",
            labels={"by": ["g"]},
        )
    lazy = read(pl.DataFrame(data).lazy(), where="f", labels={"by": ["company"]})
    assert lazy.label_columns == ("company",)
    assert lazy.columns == ("a", "b", "c")
    assert t.label_columns == ("company",)
    with pytest.raises(InputError, match="the rows \\(or a lazy frame\\)"):
        read(Moments.from_data(COLS), where="f", labels={"by": ["company"]})


@pytest.mark.parametrize("scale", [1e300, 1e-300])
def test_weights_that_overflow_or_underflow_are_refused(scale: float) -> None:
    with pytest.raises(InputError, match="scale-free"):
        read(X, where="f", weights=np.full(4, scale))


def test_weight_and_segment_columns_may_lie_outside_columns() -> None:
    w = np.array([1.0, 2.0, 0.5, 1.0])
    seg = np.array(["x", "y", "x", "y"])
    for data in (
        dict(COLS) | {"w": w, "s": seg},
        pd.DataFrame(dict(COLS) | {"w": w, "s": seg}),
    ):
        t = read(data, where="f", columns=["a", "b"], weights="w", segments="s")
        assert t.columns == ("a", "b")
        np.testing.assert_array_equal(t.weights, w)
        assert t.segment_labels() == ("x", "y")


def test_float_frames_are_read_without_a_copy_and_never_written() -> None:
    frame = pd.DataFrame(COLS)
    t = read(frame, where="f")
    assert not t.matrix().flags.writeable  # the frame's memory, read-only
    np.testing.assert_array_equal(t.matrix(), X)
    masked = pd.DataFrame({"a": pd.array([1.0, None], dtype="Float64")})
    np.testing.assert_array_equal(read(masked, where="f").column("a"), [1.0, np.nan])


def test_answers_whose_squares_overflow_are_refused_with_their_row() -> None:
    big = {"a": np.array([1.0, 2.0, 1e154]), "b": np.ones(3)}
    with pytest.raises(InputError, match=r"too large for float64.*'a'.*row 3"):
        read(big, where="f")
    assert read({"a": np.array([1e200])}, where="f").n_rows == 1  # nothing to sum
