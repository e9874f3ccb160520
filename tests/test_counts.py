"""Category counts and pair counts: every input type, engines, references.

References are independent implementations: ``collections.Counter`` and
``pandas.crosstab`` for the counts, a pandas ``groupby(...).sum()`` for the
weighted counts, and Kish's (1965) effective sample size written out by hand.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from satmodels import InputError
from satmodels.demo.counts import section as demo_section
from satmodels.stats.counts import CategoryCounts, pair_counts

pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:Dask support is moving out of Narwhals:FutureWarning"
    ),
    pytest.mark.filterwarnings(
        "ignore:PySpark does not yet fully support pandas:FutureWarning"
    ),
]

KANO = list(range(1, 6))
COLS = ["f1", "d1", "f2", "d2"]


def _answers(n: int = 240, seed: int = 3) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray[Any, Any]] = {}
    for c in COLS:
        x = rng.integers(1, 6, size=n).astype(float)
        x[rng.random(n) < 0.07] = np.nan
        out[c] = x
    w = rng.uniform(0.3, 2.0, n)
    w[[4, 9]] = 0.0
    out["w"] = w
    return out


DATA = _answers()


def _counter_counts(x: np.ndarray[Any, Any], cats: list[int]) -> list[int]:
    c = Counter(float(v) for v in x if not np.isnan(v))
    return [c[float(k)] for k in cats]


# ------------------------------------------------------------------ eager
def test_counts_match_counter(
    constructor_eager: Callable[[dict[str, np.ndarray[Any, Any]]], object],
) -> None:
    data = {c: DATA[c] for c in COLS}
    cc = CategoryCounts.from_data(
        constructor_eager(data), columns=COLS, categories=KANO
    )
    assert cc.columns == tuple(COLS)
    for j, c in enumerate(COLS):
        assert cc.counts[j].tolist() == _counter_counts(DATA[c], KANO)
        assert int(cc.missing[j]) == int(np.isnan(DATA[c]).sum())
    np.testing.assert_array_equal(cc.weighted_counts, cc.counts)
    assert cc.rows_total == len(DATA["w"])
    assert not cc.weighted


def test_mapping_input_and_category_order() -> None:
    cc = CategoryCounts.from_data(DATA, columns=["f1"], categories=[5, 4, 3, 2, 1])
    assert cc.counts[0].tolist() == _counter_counts(DATA["f1"], [5, 4, 3, 2, 1])
    assert cc.categories == (5.0, 4.0, 3.0, 2.0, 1.0)


@pytest.mark.parametrize(
    "cats",
    [
        [1.0, 2.0, 3.0],  # integer codes: lookup table
        [0.5, 1.5, 2.25],  # non-integer levels: binary search
        [-20000.0, 0.0, 20000.0],  # integers too far apart for a table
    ],
)
def test_coding_paths_agree_with_counter(cats: list[float]) -> None:
    rng = np.random.default_rng(5)
    x = rng.choice(np.array([*cats, np.nan]), size=(200, 2))
    cc = CategoryCounts.from_data(x, categories=cats)
    for j in range(2):
        c = Counter(float(v) for v in x[:, j] if not np.isnan(v))
        assert cc.counts[j].tolist() == [c[k] for k in cats]
    bad = x.copy()
    bad[17, 1] = cats[0] + 0.1
    with pytest.raises(InputError, match=r"Column 'x1'.*1 answer.*row 18:"):
        CategoryCounts.from_data(bad, categories=cats)


def test_row_blocks_give_the_same_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    import satmodels.stats._counting as counts_module

    whole = CategoryCounts.from_data(DATA, columns=COLS, categories=KANO, weights="w")
    pairs = [("f1", "d1"), ("f2", "d2")]
    pwhole = pair_counts(
        DATA, pairs=pairs, categories_a=KANO, categories_b=KANO, weights="w"
    )
    monkeypatch.setattr(counts_module, "BLOCK_ROWS", 7)
    blocked = CategoryCounts.from_data(DATA, columns=COLS, categories=KANO, weights="w")
    np.testing.assert_array_equal(blocked.counts, whole.counts)
    np.testing.assert_allclose(blocked.weighted_counts, whole.weighted_counts)
    np.testing.assert_array_equal(blocked.missing, whole.missing)
    pblocked = pair_counts(
        DATA, pairs=pairs, categories_a=KANO, categories_b=KANO, weights="w"
    )
    np.testing.assert_array_equal(pblocked.counts, pwhole.counts)
    np.testing.assert_array_equal(pblocked.missing, pwhole.missing)
    bad = {k: v.copy() for k, v in DATA.items()}
    bad["d1"][[100, 200]] = 9.0
    # the message names the global row and counts over all blocks
    with pytest.raises(InputError, match=r"Column 'd1'.*2 answer.*row 101: 9.0"):
        CategoryCounts.from_data(bad, columns=COLS, categories=KANO)
    with pytest.raises(InputError, match=r"Column 'd1'.*2 answer.*row 101: 9.0"):
        pair_counts(bad, pairs=pairs, categories_a=KANO, categories_b=KANO)
    first_nan = int(np.flatnonzero(np.isnan(DATA["f1"]))[0]) + 1  # 1-based
    with pytest.raises(InputError, match=rf"column 'f1', first in row {first_nan}"):
        CategoryCounts.from_data(
            DATA, columns=["f1"], categories=KANO, nan_policy="raise"
        )


def test_weighted_counts_match_pandas_groupby() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(DATA)
    cc = CategoryCounts.from_data(frame, columns=COLS, categories=KANO, weights="w")
    for j, c in enumerate(COLS):
        ref = frame.groupby(c)["w"].sum().reindex([float(k) for k in KANO])
        np.testing.assert_allclose(cc.weighted_counts[j], ref.to_numpy(), rtol=1e-12)
        ref_sq = (
            frame.assign(w2=frame["w"] ** 2)
            .groupby(c)["w2"]
            .sum()
            .reindex([float(k) for k in KANO])
        )
        np.testing.assert_allclose(cc.weight_sq_sums[j], ref_sq.to_numpy(), rtol=1e-12)
    # zero-weight rows are excluded (as Moments excludes them) and counted
    positive = DATA["w"] > 0
    assert cc.counts[0].tolist() == _counter_counts(DATA["f1"][positive], KANO)
    assert cc.zero_weight == int((~positive).sum())
    # an array of weights gives the same as the column name
    arr = CategoryCounts.from_data(
        frame[COLS], columns=COLS, categories=KANO, weights=DATA["w"]
    )
    np.testing.assert_allclose(arr.weighted_counts, cc.weighted_counts)


def test_proportions_and_kish_effective_n() -> None:
    x = np.array([1.0, 1.0, 2.0, 3.0, np.nan])
    w = np.array([1.0, 2.0, 3.0, 2.0, 5.0])
    cc = CategoryCounts.from_data(x, categories=[1, 2, 3], weights=w)
    # by hand: W = 1 + 2 + 3 + 2 = 8 over observed rows; shares 3/8, 3/8, 2/8
    np.testing.assert_allclose(cc.proportions()[0], [3 / 8, 3 / 8, 2 / 8])
    # Kish (1965): (sum w)^2 / sum w^2 = 64 / (1 + 4 + 9 + 4) = 64 / 18
    np.testing.assert_allclose(cc.effective_n(), [64 / 18])
    assert cc.n.tolist() == [4]
    assert cc.missing.tolist() == [1]


def test_wilson_interval_matches_statsmodels() -> None:
    # Independent reference: statsmodels proportion_confint(method="wilson").
    smp = pytest.importorskip("statsmodels.stats.proportion")
    cc = CategoryCounts.from_data(DATA, columns=COLS, categories=KANO)
    ci = cc.confidence_interval(confidence_level=0.9)
    for j in range(len(COLS)):
        for k in range(len(KANO)):
            low, high = smp.proportion_confint(
                int(cc.counts[j, k]), int(cc.n[j]), alpha=0.1, method="wilson"
            )
            np.testing.assert_allclose(ci.low[j, k], low, rtol=1e-12)
            np.testing.assert_allclose(ci.high[j, k], high, rtol=1e-12)
    with pytest.raises(InputError, match="confidence_level"):
        cc.confidence_interval(confidence_level=1.5)


def test_weighted_wilson_uses_kish_n() -> None:
    # By hand: weighted share 3/8 of category 1, Kish n = 64/18, z = 1.96.
    x = np.array([1.0, 1.0, 2.0, 3.0])
    w = np.array([1.0, 2.0, 3.0, 2.0])
    cc = CategoryCounts.from_data(x, categories=[1, 2, 3], weights=w)
    p, n, z = 3 / 8, 64 / 18, 1.959963984540054
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    ci = cc.confidence_interval()
    np.testing.assert_allclose(
        [ci.low[0, 0], ci.high[0, 0]], [centre - half, centre + half], rtol=1e-12
    )


def test_pair_counts_match_crosstab() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(DATA)
    pairs = [("f1", "d1"), ("f2", "d2")]
    pc = pair_counts(
        frame, pairs=pairs, categories_a=KANO, categories_b=KANO, weights="w"
    )
    assert pc.counts.shape == (2, 5, 5)
    idx = [float(k) for k in KANO]
    assert pc.zero_weight == int((frame["w"] == 0).sum())
    frame = frame[frame["w"] > 0]  # zero-weight rows are excluded and counted
    for m, (a, b) in enumerate(pairs):
        ref = pd.crosstab(frame[a], frame[b]).reindex(
            index=idx, columns=idx, fill_value=0
        )
        np.testing.assert_array_equal(pc.counts[m], ref.to_numpy())
        wref = pd.crosstab(frame[a], frame[b], values=frame["w"], aggfunc="sum")
        wref = wref.reindex(index=idx, columns=idx).fillna(0.0)
        np.testing.assert_allclose(pc.weighted_counts[m], wref.to_numpy(), rtol=1e-12)
        both_missing = frame[a].isna() | frame[b].isna()
        assert int(pc.missing[m]) == int(both_missing.sum())
        assert int(pc.n[m]) + int(pc.missing[m]) == len(frame)
    unweighted = pair_counts(
        pd.DataFrame(DATA), pairs=pairs, categories_a=KANO, categories_b=KANO
    )
    assert unweighted.zero_weight == 0
    assert int(unweighted.n[0] + unweighted.missing[0]) == len(DATA["w"])


def test_pair_counts_array_input_names() -> None:
    x = np.array([[1, 5], [1, 5], [2, 3]])
    pc = pair_counts(x, pairs=[("x0", "x1")], categories_a=KANO, categories_b=KANO)
    assert int(pc.counts[0, 0, 4]) == 2
    assert int(pc.counts[0, 1, 2]) == 1
    with pytest.raises(InputError, match=r"'pairs'.*'zz'"):
        pair_counts(x, pairs=[("x0", "zz")], categories_a=KANO, categories_b=KANO)


# ------------------------------------------------------------ properties
@given(
    st.lists(st.sampled_from([1.0, 2.0, 3.0, np.nan]), min_size=2, max_size=40),
    st.integers(min_value=1),
    st.data(),
)
def test_merge_of_any_split_equals_whole(
    values: list[float], seed: int, data: st.DataObject
) -> None:
    x = np.array(values)
    cut = data.draw(st.integers(min_value=1, max_value=len(x) - 1))
    w = np.random.default_rng(seed % 2**32).uniform(0.1, 3.0, len(x))
    whole = CategoryCounts.from_data(x, categories=[1, 2, 3], weights=w)
    parts = CategoryCounts.from_data(
        x[:cut], categories=[1, 2, 3], weights=w[:cut]
    ) + CategoryCounts.from_data(x[cut:], categories=[1, 2, 3], weights=w[cut:])
    np.testing.assert_array_equal(parts.counts, whole.counts)
    np.testing.assert_allclose(parts.weighted_counts, whole.weighted_counts, rtol=1e-12)
    np.testing.assert_allclose(parts.weight_sq_sums, whole.weight_sq_sums, rtol=1e-12)
    np.testing.assert_array_equal(parts.missing, whole.missing)
    assert parts.rows_total == whole.rows_total
    # counts and missing answers add up to the rows
    assert int(whole.counts.sum() + whole.missing.sum()) == len(x)


@given(st.permutations(list(range(30))))
def test_permuting_rows_changes_nothing(order: list[int]) -> None:
    x = np.column_stack([DATA["f1"][:30], DATA["d1"][:30]])
    a = pair_counts(x, pairs=[("x0", "x1")], categories_a=KANO, categories_b=KANO)
    b = pair_counts(
        x[order], pairs=[("x0", "x1")], categories_a=KANO, categories_b=KANO
    )
    np.testing.assert_array_equal(a.counts, b.counts)
    merged = a + b
    np.testing.assert_array_equal(merged.counts, 2 * a.counts)


# --------------------------------------------------------------- bad input
def test_answer_outside_categories_names_column_row_and_count() -> None:
    x = {"q": np.array([1.0, 2.0, 7.0, 9.0, 2.0])}
    with pytest.raises(InputError, match=r"Column 'q'.*2 answer.*row 3: 7.0"):
        CategoryCounts.from_data(x, categories=[1, 2, 3])
    y = {"a": np.array([1.0, 2.0]), "b": np.array([1.0, 6.0])}
    with pytest.raises(InputError, match=r"Column 'b'.*row 2: 6.0"):
        pair_counts(y, pairs=[("a", "b")], categories_a=KANO, categories_b=KANO)


def test_nan_policy_raise() -> None:
    x = np.array([[1.0, 2.0], [np.nan, 2.0]])
    with pytest.raises(InputError, match=r"1 missing.*column 'x0'.*row 2\."):
        CategoryCounts.from_data(x, categories=[1, 2], nan_policy="raise")
    with pytest.raises(InputError, match=r"missing.*'x0/x1'"):
        pair_counts(
            x,
            pairs=[("x0", "x1")],
            categories_a=[1, 2],
            categories_b=[1, 2],
            nan_policy="raise",
        )
    ok = CategoryCounts.from_data(x[:1], categories=[1, 2], nan_policy="raise")
    assert ok.counts.tolist() == [[1, 0], [0, 1]]


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"categories": []}, r"'categories'"),
        ({"categories": [1, 1, 2]}, r"'categories'.*distinct"),
        ({"categories": [1, np.nan]}, r"'categories'.*finite"),
        ({"categories": [1, 2], "nan_policy": "propagate"}, r"'nan_policy'"),
        ({"categories": [1, 2], "weights": [1.0]}, r"'weights'.*one entry per row"),
        ({"categories": [1, 2], "weights": [1.0, -1.0, 1.0]}, r"'weights'.*-1.0"),
        ({"categories": [1, 2], "columns": ["zz"]}, r"'zz'"),
    ],
)
def test_bad_options(kwargs: dict[str, Any], pattern: str) -> None:
    data = {"q": np.array([1.0, 2.0, 1.0])}
    with pytest.raises(InputError, match=pattern):
        CategoryCounts.from_data(data, **kwargs)


def test_bad_pair_options() -> None:
    with pytest.raises(InputError, match=r"'pairs'"):
        pair_counts(
            {"a": np.array([1.0])}, pairs=[], categories_a=KANO, categories_b=KANO
        )
    with pytest.raises(InputError, match=r"'categories_b'"):
        pair_counts(
            {"a": np.array([1.0])},
            pairs=[("a", "a")],
            categories_a=KANO,
            categories_b=[],
        )


def test_merge_rejects_other_categories() -> None:
    a = CategoryCounts.from_data(np.array([1.0]), categories=[1, 2])
    b = CategoryCounts.from_data(np.array([1.0]), categories=[1, 2, 3])
    with pytest.raises(InputError, match="same columns and categories"):
        a.merge(b)
    p1 = pair_counts(
        np.array([[1, 1]]),
        pairs=[("x0", "x1")],
        categories_a=[1, 2],
        categories_b=[1, 2],
    )
    p2 = pair_counts(
        np.array([[1, 1]]),
        pairs=[("x0", "x1")],
        categories_a=[1, 2],
        categories_b=[1, 2, 3],
    )
    with pytest.raises(InputError, match="same pairs"):
        p1.merge(p2)


# ------------------------------------------------------------------ output
def test_result_protocol() -> None:
    cc = CategoryCounts.from_data(DATA, columns=COLS, categories=KANO, weights="w")
    pc = pair_counts(
        DATA, pairs=[("f1", "d1")], categories_a=KANO, categories_b=KANO, weights="w"
    )
    for res in (cc, pc):
        json.dumps(res.to_dict())
        assert "<table" in res._repr_html_()
        assert str(res.summary())
        with pytest.raises(FrozenInstanceError):
            res.rows_total = 0  # type: ignore[misc]
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    frame = cc.to_frame()  # the estimates table: one share per cell
    assert isinstance(frame, pd.DataFrame)
    assert len(frame) == len(COLS) * len(KANO)
    shares = frame["estimate"].to_numpy().reshape(len(COLS), len(KANO))
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    assert frame["name"].iloc[0] == "f1=1"
    ci = cc.confidence_interval()
    np.testing.assert_allclose(frame["ci_low"], ci.low.ravel(), rtol=1e-12)
    assert isinstance(pc.to_frame("polars"), pl.DataFrame)
    assert len(pc.to_frame()) == 25
    np.testing.assert_allclose(pc.to_frame()["estimate"].sum(), 1.0)
    assert cc.to_dict()["counts"][0] == cc.counts[0].tolist()


def test_demo_section() -> None:
    datasets = pytest.importorskip("satmodels.datasets")
    survey = datasets.load_sample_survey()
    text = str(demo_section(survey))
    assert "Weighted NPS" in text
    assert "kano_f1" in text


# ------------------------------------------------------------------ engines
def _engine_frame(name: str, request: pytest.FixtureRequest, bad: bool) -> object:
    data = {k: v.copy() for k, v in DATA.items()}
    if bad:
        data["d2"][7] = 8.0
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(data)
    if name == "polars_lazy":
        pl = pytest.importorskip("polars")
        return pl.from_pandas(frame).lazy()
    if name == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        return duckdb.connect().from_df(frame)
    if name == "dask":
        request.getfixturevalue("dask_client")
        dd = pytest.importorskip("dask.dataframe")
        return dd.from_pandas(frame, npartitions=3)
    session = request.getfixturevalue("spark")
    from pyspark.sql.types import DoubleType, StructField, StructType

    names = list(data)
    rows = [
        tuple(None if np.isnan(data[k][r]) else float(data[k][r]) for k in names)
        for r in range(len(data["w"]))
    ]
    schema = StructType([StructField(k, DoubleType(), True) for k in names])
    return session.createDataFrame(rows, schema=schema)


ENGINES = ["polars_lazy", "duckdb", "dask", "pyspark"]


@pytest.mark.engine
@pytest.mark.parametrize("engine", ENGINES)
def test_engine_counts_match_in_memory(
    engine: str, request: pytest.FixtureRequest
) -> None:
    frame = _engine_frame(engine, request, bad=False)
    ref = CategoryCounts.from_data(DATA, columns=COLS, categories=KANO, weights="w")
    got = CategoryCounts.from_data(frame, columns=COLS, categories=KANO, weights="w")
    np.testing.assert_array_equal(got.counts, ref.counts)
    np.testing.assert_allclose(got.weighted_counts, ref.weighted_counts, rtol=1e-10)
    np.testing.assert_allclose(got.weight_sq_sums, ref.weight_sq_sums, rtol=1e-10)
    np.testing.assert_array_equal(got.missing, ref.missing)
    assert got.rows_total == ref.rows_total
    pairs = [("f1", "d1"), ("f2", "d2")]
    pref = pair_counts(
        DATA, pairs=pairs, categories_a=KANO, categories_b=KANO, weights="w"
    )
    pgot = pair_counts(
        frame, pairs=pairs, categories_a=KANO, categories_b=KANO, weights="w"
    )
    np.testing.assert_array_equal(pgot.counts, pref.counts)
    np.testing.assert_allclose(pgot.weighted_counts, pref.weighted_counts, rtol=1e-10)
    np.testing.assert_array_equal(pgot.missing, pref.missing)
    assert pgot.zero_weight == pref.zero_weight == int((DATA["w"] == 0).sum())
    unweighted = pair_counts(
        frame, pairs=pairs[:1], categories_a=KANO, categories_b=KANO
    )
    np.testing.assert_array_equal(
        unweighted.counts,
        pair_counts(DATA, pairs=pairs[:1], categories_a=KANO, categories_b=KANO).counts,
    )


@pytest.mark.engine
@pytest.mark.parametrize("engine", ["polars_lazy", "duckdb", "dask"])
def test_engine_bad_answers_name_column_value_and_count(
    engine: str, request: pytest.FixtureRequest
) -> None:
    frame = _engine_frame(engine, request, bad=True)
    with pytest.raises(InputError, match=r"Column 'd2'.*1 answer.*8.0"):
        CategoryCounts.from_data(frame, columns=COLS, categories=KANO)
    with pytest.raises(InputError, match=r"Column 'd2'.*\('f2', 'd2'\).*1 row.*8.0"):
        pair_counts(frame, pairs=[("f2", "d2")], categories_a=KANO, categories_b=KANO)
    with pytest.raises(InputError, match=r"missing.*column 'f1'"):
        CategoryCounts.from_data(
            frame, columns=COLS, categories=[*KANO, 8], nan_policy="raise"
        )
    with pytest.raises(InputError, match=r"'weights'.*name a column"):
        CategoryCounts.from_data(frame, columns=COLS, categories=KANO, weights=[1.0])


def test_zero_weight_rows_are_excluded_like_moments() -> None:
    # Moments excludes rows of weight 0 and counts them; CategoryCounts must
    # do the same on every path, so NPS/CSAT/CES from counts equal those from
    # rows (regression: counts used to include them in n).
    from satmodels import Scale, ces, csat

    pl = pytest.importorskip("polars")
    x = np.array([5.0, 4.0, 1.0, 2.0, 5.0, 3.0, np.nan, np.nan])
    w = np.array([1.0, 0.0, 2.0, 1.0, 0.0, 1.0, 1.0, 0.0])
    eager = CategoryCounts.from_data(
        x, columns=["x"], categories=range(1, 6), weights=w
    )
    # rows 1 and 4 (and the NaN in row 7) have weight 0: by hand
    assert eager.counts.tolist() == [[1, 1, 1, 0, 1]]
    assert eager.zero_weight == 3
    assert eager.missing.tolist() == [1]
    lazy = CategoryCounts.from_data(
        pl.DataFrame({"x": x, "w": w}).lazy(),
        columns=["x"],
        categories=range(1, 6),
        weights="w",
    )
    assert lazy.counts.tolist() == eager.counts.tolist()
    assert lazy.zero_weight == 3
    assert lazy.missing.tolist() == [1]
    assert eager.merge(lazy).zero_weight == 6
    scale = Scale.likert(1, 5)
    for fn in (csat, ces):
        rows = fn(x, columns=["x"], scale=scale, weights=w).to_dict()
        counted = fn(eager, scale=scale).to_dict()
        assert counted.keys() == rows.keys()
        for key, value in rows.items():
            if isinstance(value, float):
                assert counted[key] == pytest.approx(value, rel=1e-12), key
            else:
                assert counted[key] == value, key


@pytest.mark.parametrize("engine", ["memory", "polars_lazy", "duckdb"])
def test_pair_counts_exclude_zero_weight_rows_like_category_counts(
    engine: str,
) -> None:
    # Regression: pair_counts counted rows of weight 0 (in its cells and in
    # 'missing') that CategoryCounts and Moments exclude. By hand: rows 2
    # and 5 have weight 0; row 4 misses its second answer.
    a = np.array([1.0, 2.0, 1.0, 3.0, 2.0, 1.0])
    b = np.array([2.0, 2.0, 1.0, np.nan, np.nan, 2.0])
    w = np.array([1.0, 0.0, 2.0, 1.0, 0.0, 0.5])
    data: object = {"a": a, "b": b, "w": w}
    if engine == "polars_lazy":
        pl = pytest.importorskip("polars")
        data = pl.DataFrame(data, nan_to_null=True).lazy()
    elif engine == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        pd = pytest.importorskip("pandas")
        data = duckdb.connect().from_df(pd.DataFrame(data))
    pc = pair_counts(
        data,
        pairs=[("a", "b")],
        categories_a=[1, 2, 3],
        categories_b=[1, 2, 3],
        weights="w",
    )
    expected = np.zeros((3, 3), dtype=int)
    expected[0, 1] = 2  # rows 1 and 6: (1, 2)
    expected[0, 0] = 1  # row 3: (1, 1)
    np.testing.assert_array_equal(pc.counts[0], expected)
    np.testing.assert_allclose(pc.weighted_counts[0, 0, 1], 1.5)
    assert pc.missing.tolist() == [1]  # row 4 only; row 5 has weight 0
    assert pc.zero_weight == 2
    cc = CategoryCounts.from_data(
        data, columns=["a"], categories=[1, 2, 3], weights="w"
    )
    assert int(pc.counts[0].sum(axis=1)[0]) + 0 == int(cc.counts[0, 0])
    assert cc.zero_weight == pc.zero_weight


@pytest.mark.parametrize("engine", ["memory", "polars_lazy", "duckdb"])
def test_overflowing_weighted_counts_are_an_input_error(engine: str) -> None:
    # Squared weights of 1e200 overflow float64: refused, never inf.
    data: object = {"a": np.array([1.0, 2.0, 1.0]), "w": np.array([1e200, 1.0, 1.0])}
    if engine == "polars_lazy":
        pl = pytest.importorskip("polars")
        data = pl.DataFrame(data).lazy()
    elif engine == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        pd = pytest.importorskip("pandas")
        data = duckdb.connect().from_df(pd.DataFrame(data))
    # refused by the reader (satmodels.data.read) or by the counts themselves
    with pytest.raises(InputError, match=r"'weights' parameter.*(summed|too large)"):
        CategoryCounts.from_data(data, columns=["a"], categories=[1, 2], weights="w")
    big = {"a": np.array([1.0, 1.0]), "b": np.array([1.0, 1.0]), "w": np.full(2, 1e308)}
    with pytest.raises(InputError, match=r"'weights' parameter.*(summed|too large)"):
        pair_counts(
            big,
            pairs=[("a", "b")],
            categories_a=[1, 2],
            categories_b=[1, 2],
            weights="w",
        )


def test_short_reprs_and_mapping_input_everywhere() -> None:
    # Every statistic reads what satmodels.data.read reads (here a mapping of
    # columns with a weights column name), and its repr stays a line.
    cc = CategoryCounts.from_data(DATA, columns=COLS, categories=KANO, weights="w")
    pc = pair_counts(
        DATA,
        pairs=[("f1", "d1"), ("f2", "d2")],
        categories_a=KANO,
        categories_b=KANO,
        weights="w",
    )
    for res in (cc, pc):
        text = repr(res)
        assert len(text) < 300 and "\n" not in text
    assert "rows_total=240" in repr(cc)
    assert CategoryCounts.from_data(cc, categories=KANO) is cc
    with pytest.raises(InputError, match=r"'categories'.*must equal"):
        CategoryCounts.from_data(cc, categories=[1, 2])
