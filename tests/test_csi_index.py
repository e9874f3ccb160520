"""CSM, weighted CSI trees, AHP, the customer-orientation tree and aggregation."""

from __future__ import annotations

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
from hypothesis.extra import numpy as hnp

from satmodels import (
    CSM_SEVEN,
    FIVE_LEVEL,
    InputError,
    Moments,
    SatmodelsWarning,
    Scale,
)
from satmodels.csi import (
    CUSTOMER_ORIENTATION,
    RANDOM_INDEX,
    CSITree,
    InconsistencyWarning,
    aggregate,
    ahp,
    csi_index,
    csm,
    customer_orientation,
    customer_orientation_tree,
)

GOLDEN = Path(__file__).parent / "golden"

# ---------------------------------------------------------------------- CSM
# The four-car-brand example of the founding documents (MISSION.md section 2)
# gives only the sums over six items (60, 120, 150, 240) and the resulting
# CSM A = 10, B = 20, C = 25, D = 40. The item scores below are invented by
# us on the seven-level -90..90 scale so as to reproduce exactly those sums.
CAR_ITEMS = np.array(
    [
        [30, 0, -30, 30, 0, 30],  # A: sum 60
        [30, 30, 0, 30, 0, 30],  # B: sum 120
        [30, 30, 30, 30, 0, 30],  # C: sum 150
        [60, 30, 60, 30, 30, 30],  # D: sum 240
    ],
    dtype=float,
)


def test_car_brand_example() -> None:
    assert CAR_ITEMS.sum(axis=1).tolist() == [60, 120, 150, 240]
    r = csm(CAR_ITEMS, segments=["A", "B", "C", "D"], scale=CSM_SEVEN)
    assert r.segments is not None
    got = {k: v.csm for k, v in r.segments.items()}
    assert got == {"A": 10.0, "B": 20.0, "C": 25.0, "D": 40.0}
    assert r.segments["D"].label == "fairly satisfied"  # 40 is nearest 30
    assert r.segments["A"].label == "acceptable"  # 10 is nearest 0
    for brand, row in zip("ABCD", CAR_ITEMS, strict=True):
        assert csm(row[None, :]).csm == pytest.approx(row.sum() / 6)
        assert r.segments[brand].label == CSM_SEVEN.label(row.sum() / 6)
    json.dumps(r.to_dict())
    assert "csm" in r.to_dict()
    assert "items" in r.to_dict()


def test_csm_overall_se_is_se_of_row_means() -> None:
    rng = np.random.default_rng(4)
    x = rng.choice(np.array(CSM_SEVEN.points()), size=(80, 5))
    r = csm(x)
    rows = x.mean(axis=1)
    assert r.csm == pytest.approx(rows.mean())
    assert r.se == pytest.approx(rows.std(ddof=1) / math.sqrt(80))
    assert r.item_se["x0"] == pytest.approx(x[:, 0].std(ddof=1) / math.sqrt(80))


def test_csm_missing_answers_per_item() -> None:
    x = np.array([[30.0, np.nan], [60.0, 90.0], [0.0, 30.0]])
    r = csm(x, columns=["a", "b"])
    assert r.items == {"a": 30.0, "b": 60.0}
    assert r.item_n == {"a": 3, "b": 2}
    assert r.n_missing["b"] == 1
    with pytest.raises(InputError, match="nan_policy"):
        csm(x, nan_policy="raise")


def test_csm_five_level_codes_and_custom_scale() -> None:
    # Five-level scoring 100/80/60/30/0 from raw codes 1..5.
    r = csm([[1, 5], [5, 4]], scale=FIVE_LEVEL, codes=(1, 2, 3, 4, 5))
    assert r.items == {"x0": 50.0, "x1": 90.0}
    custom = Scale.levels([-2, -1, 0, 1, 2], labels=["--", "-", "0", "+", "++"])
    assert csm([[2, 1], [1, 1]], scale=custom).label == "+"
    with pytest.raises(InputError, match=r"column 'q2', row 2"):  # 1-based
        csm([[30, 30], [30, 45]], columns=["q1", "q2"])
    with pytest.raises(InputError, match="codes"):
        csm([[1]], scale=FIVE_LEVEL, codes=(1, 2))


def test_csm_weighted_and_frames() -> None:
    x = np.array([[30, 60], [90, 0], [-30, 30]], dtype=float)
    w = np.array([1.0, 2.0, 3.0])
    r = csm(x, weights=w)
    assert r.items["x0"] == pytest.approx(np.average(x[:, 0], weights=w))
    df = pd.DataFrame(x, columns=["a", "b"])
    assert csm(df).csm == pytest.approx(csm(pl.from_pandas(df)).csm)
    assert csm(df).csm == pytest.approx(x.mean())


# --------------------------------------------------------------------- AHP
def _saaty() -> list[dict[str, Any]]:
    data = json.loads((GOLDEN / "csi_ahp_saaty.json").read_text())
    return list(data["examples"])


@pytest.mark.parametrize("example", _saaty(), ids=lambda e: e["name"])
def test_ahp_published_examples(example: dict[str, Any]) -> None:
    r = ahp(example["matrix"], labels=example["labels"], on_inconsistent="ignore")
    np.testing.assert_allclose(
        list(r.weights.values()), example["weights"], atol=example["weights_tolerance"]
    )
    assert r.lambda_max == pytest.approx(
        example["lambda_max"], abs=example["lambda_tolerance"]
    )
    assert r.consistency_index == pytest.approx(
        example["consistency_index"], abs=example["ci_tolerance"]
    )
    if "consistency_ratio" in example:
        assert r.consistency_ratio == pytest.approx(
            example["consistency_ratio"], abs=example["cr_tolerance"]
        )
    assert sum(r.weights.values()) == pytest.approx(1.0)


def test_ahp_consistent_matrix_and_random_index() -> None:
    w = np.array([0.5, 0.3, 0.2])
    r = ahp(w[:, None] / w[None, :])
    np.testing.assert_allclose(list(r.weights.values()), w)
    assert r.lambda_max == pytest.approx(3.0)
    assert r.consistency_ratio == pytest.approx(0.0, abs=1e-12)
    # Saaty (1980), Table 1.2
    assert [RANDOM_INDEX[n] for n in range(3, 11)] == [
        0.58,
        0.90,
        1.12,
        1.24,
        1.32,
        1.41,
        1.45,
        1.49,
    ]


def test_ahp_inconsistency_policy() -> None:
    bad = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    with pytest.warns(InconsistencyWarning, match="consistency ratio"):
        r = ahp(bad)
    assert not r.consistent
    with pytest.raises(InputError, match="inconsistent"):
        ahp(bad, on_inconsistent="raise")


def test_ahp_rejects_non_reciprocal() -> None:
    with pytest.raises(InputError, match=r"not reciprocal: a\[b, c\] = 3"):
        ahp([[1, 2, 1], [0.5, 1, 3], [1, 1, 1]], labels=["a", "b", "c"])
    with pytest.raises(InputError, match="diagonal"):
        ahp([[2, 1], [1, 1]])
    with pytest.raises(InputError, match="positive"):
        ahp([[1, -1], [-1, 1]])


# ---------------------------------------------------------------- CSI tree
TREE_SPEC: dict[str, Any] = {
    "name": "CSI",
    "scale": {"kind": "likert", "minimum": 1, "maximum": 5},
    "root": {
        "name": "CSI",
        "children": [
            {
                "name": "product",
                "weight": 0.5,
                "children": [
                    {"name": "q1", "weight": 0.7},
                    {"name": "q2", "weight": 0.3},
                ],
            },
            {
                "name": "service",
                "weight": 0.3,
                "children": [
                    {
                        "name": "staff",
                        "children": [{"name": "q3"}, {"name": "q4"}],
                    },
                    {"name": "q5"},
                ],
            },
            {"name": "price", "weight": 0.2, "children": [{"name": "q6"}]},
        ],
    },
}


def _data(n: int = 120, seed: int = 0) -> np.ndarray[Any, Any]:
    rng = np.random.default_rng(seed)
    base = rng.integers(2, 5, size=(n, 1))
    noise = rng.integers(-1, 2, size=(n, 6))
    return np.asarray(np.clip(base + noise, 1, 5), dtype=np.float64)


def test_csi_tree_hand_computation() -> None:
    tree = CSITree.from_dict(TREE_SPEC)
    x = _data()
    r = csi_index(x, tree=tree)
    s = (x.mean(axis=0) - 1) / 4 * 100
    product = 0.7 * s[0] + 0.3 * s[1]
    staff = (s[2] + s[3]) / 2
    service = (staff + s[4]) / 2
    index = 0.5 * product + 0.3 * service + 0.2 * s[5]
    assert r.scores["product"] == pytest.approx(product)
    assert r.scores["staff"] == pytest.approx(staff)
    assert r.scores["service"] == pytest.approx(service)
    assert r.index == pytest.approx(index)
    # SE: the index is the mean of each respondent's composite score.
    a = np.array([0.35, 0.15, 0.075, 0.075, 0.15, 0.2])
    per_person = ((x - 1) / 4 * 100) @ a
    assert per_person.mean() == pytest.approx(index)
    assert r.se == pytest.approx(per_person.std(ddof=1) / math.sqrt(len(x)))
    node = next(n for n in r.nodes if n.name == "q3")
    assert node.global_weight == pytest.approx(0.075)
    json.dumps(r.to_dict())


def test_csi_inputs_agree() -> None:
    tree = CSITree.from_dict(TREE_SPEC)
    x = _data()
    cols = list(tree.columns())
    df = pd.DataFrame(x, columns=cols)
    r_np = csi_index(x, tree=tree)
    r_pd = csi_index(df.iloc[:, ::-1], tree=tree)  # column order does not matter
    r_pl = csi_index(pl.from_pandas(df), tree=TREE_SPEC)
    r_m = csi_index(Moments.from_data(df), tree=tree)
    for r in (r_pd, r_pl, r_m):
        assert r.index == pytest.approx(r_np.index)
        assert r.se == pytest.approx(r_np.se)


def test_csi_tree_validation_messages() -> None:
    bad = json.loads(json.dumps(TREE_SPEC))
    bad["root"]["children"][0]["weight"] = 0.43
    with pytest.raises(InputError, match=r"children of 'CSI' must sum to 1; got 0\.93"):
        CSITree.from_dict(bad)
    dup = json.loads(json.dumps(TREE_SPEC))
    dup["root"]["children"][2]["children"][0]["name"] = "q1"
    with pytest.raises(InputError, match="unique"):
        CSITree.from_dict(dup)
    with pytest.raises(InputError, match="outside"):
        csi_index(np.full((3, 6), 7.0), tree=CSITree.from_dict(TREE_SPEC))


def test_csi_with_ahp_node_and_missing() -> None:
    spec = json.loads(json.dumps(TREE_SPEC))
    for child in spec["root"]["children"]:
        child.pop("weight")
    spec["root"]["pairwise"] = [[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]
    tree = CSITree.from_dict(spec)
    x = _data()
    x[0, 2] = np.nan
    r = csi_index(x, tree=tree)
    w = ahp(spec["root"]["pairwise"]).weights
    assert r.ahp["CSI"].consistency_ratio < 0.1
    got = {n.name: n.weight for n in r.nodes if n.depth == 1}
    np.testing.assert_allclose(list(got.values()), list(w.values()))
    assert r.n == len(x) - 1 and r.n_missing == 1
    spec["root"]["pairwise"] = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    with pytest.warns(InconsistencyWarning):
        csi_index(x, tree=CSITree.from_dict(spec))
    with pytest.raises(InputError, match="inconsistent"):
        csi_index(x, tree=CSITree.from_dict(spec), on_inconsistent="raise")


def test_with_weights_renormalises() -> None:
    tree = CSITree.from_dict(TREE_SPEC).with_weights(
        {"product": 2.0, "service": 1.0, "price": 1.0}
    )
    r = csi_index(_data(), tree=tree)
    got = {n.name: n.weight for n in r.nodes if n.depth == 1}
    assert got == pytest.approx({"product": 0.5, "service": 0.25, "price": 0.25})
    with pytest.raises(InputError, match="unknown"):
        CSITree.from_dict(TREE_SPEC).with_weights({"nope": 1.0})


@settings(deadline=None, max_examples=40)
@given(
    hnp.arrays(np.float64, (15, 6), elements=st.integers(1, 5).map(float)),
    st.lists(st.floats(0.01, 10.0), min_size=3, max_size=3),
)
def test_csi_in_0_100(x: np.ndarray[Any, Any], raw: list[float]) -> None:
    tree = CSITree.from_dict(TREE_SPEC).with_weights(
        dict(zip(["product", "service", "price"], raw, strict=True))
    )
    r = csi_index(x, tree=tree)
    assert all(0.0 <= v <= 100.0 + 1e-9 for v in r.scores.values())
    perm = csi_index(x[::-1], tree=tree)
    assert perm.index == pytest.approx(r.index)


# ---------------------------------------------------- customer orientation
def test_customer_orientation_tree() -> None:
    tree = CUSTOMER_ORIENTATION
    assert len(tree.columns()) == 40
    rng = np.random.default_rng(5)
    x = rng.integers(1, 6, size=(30, 40)).astype(float)
    r = customer_orientation(x)
    cats = [n for n in r.nodes if n.depth == 1]
    assert [n.maximum for n in cats] == [35, 25, 20, 35, 20, 35, 30]
    start = 0
    for node in cats:
        k = int(node.maximum // 5)
        total = x[:, start : start + k].sum(axis=1).mean()
        assert node.total == pytest.approx(total)
        assert node.percent == pytest.approx(100 * total / node.maximum)
        start += k
    assert r.nodes[0].maximum == 200
    assert r.index == pytest.approx(((x - 1) / 4 * 100).mean())
    named = customer_orientation_tree(categories=[f"c{i}" for i in range(7)])
    assert named.root.children[0].name == "c0"
    with pytest.raises(InputError, match="7 categories"):
        customer_orientation_tree(categories=["a"])


# --------------------------------------------------------------- aggregate
def test_aggregate_hand_computation() -> None:
    data = {
        "company": ["a", "b", "c", "d"],
        "industry": ["cars", "cars", "banks", "telecom"],
        "sector": ["manufacturing", "manufacturing", "finance", "services"],
        "index": [80.0, 70.0, 60.0, 50.0],
        "revenue": [3.0, 1.0, 4.0, 2.0],
        "se": [1.0, 2.0, 1.5, 1.0],
    }
    r = aggregate(data, sizes="revenue", se="se")
    assert r.index["industry"]["cars"] == pytest.approx((3 * 80 + 70) / 4)
    assert r.se_by_unit["industry"]["cars"] == pytest.approx(
        math.sqrt((0.75 * 1) ** 2 + (0.25 * 2) ** 2)
    )
    nat = (3 * 80 + 70 + 4 * 60 + 2 * 50) / 10
    assert r.national == pytest.approx(nat)
    user = aggregate(
        data,
        sizes="revenue",
        level_sizes={"sector": {"manufacturing": 0.5, "finance": 0.3, "services": 0.2}},
    )
    assert user.national == pytest.approx(0.5 * 77.5 + 0.3 * 60 + 0.2 * 50)
    json.dumps(r.to_dict(), allow_nan=False)
    assert len(r.to_frame()) == 4 + 3 + 3 + 1
    assert aggregate(pd.DataFrame(data), sizes="revenue").national == pytest.approx(nat)
    # the estimates table: one row per unit, the national row last
    assert r.estimates.kind[-1] == "national"
    assert r.estimates.value("cars", "industry") == pytest.approx(77.5)
    assert r.confidence_interval() == (r.ci_low, r.ci_high)


def test_aggregate_covers_the_acsi_scheme() -> None:
    # The example of acsi.aggregate_indices (removed): companies by revenue
    # within an industry, industries by revenue within a sector, sectors by
    # user sizes (shares of GDP) in the national index.
    data = {
        "company": ["a", "b", "c", "d"],
        "industry": ["air", "air", "bank", "shop"],
        "sector": ["transport", "transport", "finance", "retail"],
        "index": [80.0, 70.0, 60.0, 90.0],
        "revenue": [3.0, 1.0, 2.0, 2.0],
    }
    agg = aggregate(data, sizes="revenue")
    assert agg.index["industry"] == {"air": 77.5, "bank": 60.0, "shop": 90.0}
    assert agg.index["sector"] == {"transport": 77.5, "finance": 60.0, "retail": 90.0}
    assert agg.national == pytest.approx((77.5 * 4 + 60 * 2 + 90 * 2) / 8)
    gdp = aggregate(
        data,
        sizes="revenue",
        level_sizes={"sector": {"transport": 0.2, "finance": 0.3, "retail": 0.5}},
    )
    assert gdp.national == pytest.approx(0.2 * 77.5 + 0.3 * 60 + 0.5 * 90)


def test_aggregate_errors() -> None:
    data: dict[str, Any] = {
        "company": ["a", "b"],
        "industry": ["x", "x"],
        "sector": ["s", "t"],
        "index": [1.0, 2.0],
        "revenue": [1.0, 1.0],
    }
    with pytest.raises(InputError, match="belongs to two"):
        aggregate(data, sizes="revenue")
    data["sector"] = ["s", "s"]
    with pytest.raises(InputError, match="miss"):
        aggregate(data, sizes="revenue", level_sizes={"industry": {"y": 1.0}})
    data["revenue"] = [-1.0, 1.0]
    with pytest.raises(InputError, match=r"'sizes' column 'revenue'.*row 1"):
        aggregate(data, sizes="revenue")


def test_aggregate_refuses_an_index_off_0_100() -> None:
    # regression: an index of 150 was aggregated silently
    data = {"company": ["a", "b"], "index": [150.0, 70.0]}
    with pytest.raises(InputError, match=r"'index' column 'index'.*0 and 100.*row 1"):
        aggregate(data, by=["company"])


def test_csi_and_alpha_on_lazy_frame() -> None:
    from satmodels.csi import cronbach_alpha

    tree = CSITree.from_dict(TREE_SPEC)
    x = _data()
    df = pl.DataFrame(x, schema=list(tree.columns()))
    assert csi_index(df.lazy(), tree=tree).index == pytest.approx(
        csi_index(x, tree=tree).index
    )
    assert cronbach_alpha(df.lazy()).alpha == pytest.approx(cronbach_alpha(x).alpha)


def test_tree_weights_from_driver_importance() -> None:
    from satmodels.csi import shapley_importance

    x = _data(seed=3)
    y = x @ np.array([0.6, 0.3, 0.1, 0.0, 0.2, 0.1]) + np.random.default_rng(1).normal(
        size=len(x)
    )
    spec = {
        "scale": {"kind": "likert", "minimum": 1, "maximum": 5},
        "root": {"name": "CSI", "children": [{"name": f"q{i}"} for i in range(1, 7)]},
    }
    cols = [f"q{i}" for i in range(1, 7)]
    imp = shapley_importance(np.column_stack([x, y]), columns=[*cols, "y"], target="y")
    tree = CSITree.from_dict(spec).with_weights(imp.share)
    r = csi_index(x, tree=tree)
    s = (x.mean(axis=0) - 1) / 4 * 100
    assert r.index == pytest.approx(float(np.dot(list(imp.share.values()), s)))


def test_csi_interval_coverage_simulation() -> None:
    # Simulation recovery: items with known population means; the index's
    # 95% interval should cover the population index about 95% of the time.
    rng = np.random.default_rng(17)
    tree = CSITree.from_dict(TREE_SPEC)
    probs = np.array([0.1, 0.2, 0.3, 0.25, 0.15])  # answers 1..5 per item
    item_mean = float(probs @ np.arange(1, 6))
    truth = (item_mean - 1) / 4 * 100  # every item has this mean
    hits, reps = 0, 300
    for _ in range(reps):
        base = rng.choice(5, size=(80, 1), p=probs)
        shuffle = rng.random((80, 6)) < 0.5
        other = rng.choice(5, size=(80, 6), p=probs)
        x = np.where(shuffle, base, other) + 1.0  # correlated items, same margins
        r = csi_index(x, tree=tree)
        hits += r.ci_low <= truth <= r.ci_high
    assert 0.91 <= hits / reps <= 0.99


def test_csm_from_moments_and_lazy() -> None:
    rng = np.random.default_rng(30)
    x = rng.choice(np.array(CSM_SEVEN.points()), size=(50, 3))
    x[0, 1] = np.nan
    df = pl.DataFrame(x, schema=["a", "b", "c"]).with_columns(
        pl.col("b").fill_nan(None)
    )
    eager = csm(x, columns=["a", "b", "c"])
    for r in (
        csm(Moments.from_data(df, missing="pairwise")),
        csm(df.lazy()),
    ):
        assert r.csm == pytest.approx(eager.csm)
        assert r.se == pytest.approx(eager.se)
        assert r.item_n == eager.item_n
    with pytest.raises(InputError, match="segments"):
        csm(df.lazy(), segments=["x"] * 50)


def test_csm_codes_and_scale_checks_on_lazy_frames() -> None:
    duckdb = pytest.importorskip("duckdb")
    rng = np.random.default_rng(31)
    raw = rng.integers(1, 6, size=(80, 2)).astype(float)
    raw[3, 0] = np.nan
    df = pl.DataFrame(raw, schema=["q1", "q2"]).with_columns(
        pl.col("q1").fill_nan(None)
    )
    eager = csm(raw, columns=["q1", "q2"], scale=FIVE_LEVEL, codes=(1, 2, 3, 4, 5))
    rel = duckdb.connect().from_arrow(df.to_arrow())
    for lazy in (df.lazy(), rel):  # codes mapped to 0..100 on the engine
        r = csm(lazy, scale=FIVE_LEVEL, codes=(1, 2, 3, 4, 5))
        assert r.items == pytest.approx(eager.items, rel=1e-14)
        assert r.se == pytest.approx(eager.se, rel=1e-12)
        assert r.item_n == eager.item_n
    bad = df.with_columns(pl.col("q2").replace(3.0, 7.0))
    codes_off = (
        r"'data' parameter of csm has \d+ answer\(s\) outside the .* \(codes\) "
        r"scale; first in column 'q2' .* 7\.0"
    )
    with pytest.raises(InputError, match=codes_off):
        csm(bad.lazy(), scale=FIVE_LEVEL, codes=(1, 2, 3, 4, 5))
    # an off-scale answer whose item mean stays on the scale is still refused
    pts = np.array(FIVE_LEVEL.points())
    scored = pl.DataFrame(
        {c: pts[np.nan_to_num(raw[:, j], nan=1).astype(int) - 1] for j, c in
         enumerate(["q1", "q2"])}
    )  # fmt: skip
    assert csm(scored.lazy(), scale=FIVE_LEVEL).csm == pytest.approx(
        csm(scored, scale=FIVE_LEVEL).csm, rel=1e-14
    )
    off = (
        r"'data' parameter of csm has 21 answer\(s\) outside .* column 'q1' "
        r"\(21 of them, the smallest: 40\.0\)"
    )
    with pytest.raises(InputError, match=off):
        csm(scored.with_columns(pl.col("q1").replace(60.0, 40.0)).lazy(),
            scale=FIVE_LEVEL)  # fmt: skip


def test_zero_weight_leaf_still_counts_in_totals() -> None:
    spec = json.loads(json.dumps(TREE_SPEC))
    spec["root"]["children"][0]["children"][0]["weight"] = 0.0
    spec["root"]["children"][0]["children"][1]["weight"] = 1.0
    x = _data()
    r = csi_index(x, tree=CSITree.from_dict(spec))
    product = next(n for n in r.nodes if n.name == "product")
    assert product.n_items == 2
    assert product.total == pytest.approx(x[:, :2].mean(axis=0).sum())
    assert product.score == pytest.approx((x[:, 1].mean() - 1) / 4 * 100)


def test_csm_unanswered_item_is_nan_not_zero() -> None:
    # regression: an item nobody answered counted as 0 (csm was 15.0)
    x = [[30.0, np.nan], [0.0, np.nan], [60.0, np.nan]]
    with pytest.warns(SatmodelsWarning, match="nobody answered"):
        r = csm(x)
    assert math.isnan(r.items["x1"])
    assert r.csm == pytest.approx(30.0)  # the mean of the answered item only
    assert r.se == pytest.approx(np.std([30, 0, 60], ddof=1) / math.sqrt(3))
    json.dumps(r.to_dict(), allow_nan=False)
    # also within a segment: segment "b" never answered item x1
    y = np.array([[30.0, 60.0], [0.0, 30.0], [60.0, np.nan], [30.0, np.nan]])
    with pytest.warns(SatmodelsWarning, match="nobody answered"):
        seg = csm(y, segments=["a", "a", "b", "b"])
    assert seg.segments is not None
    assert seg.segments["b"].csm == pytest.approx(45.0)
    assert math.isnan(seg.segments["b"].items["x1"])


def test_csm_weights_by_name_segments_and_backend() -> None:
    rng = np.random.default_rng(8)
    x = rng.choice(np.array(CSM_SEVEN.points()), size=(40, 3))
    w = rng.uniform(0.5, 2.0, size=40)
    seg = np.where(np.arange(40) % 2 == 0, "a", "b")
    frame = pl.DataFrame({"q1": x[:, 0], "q2": x[:, 1], "q3": x[:, 2], "w": w})
    r = csm(frame.with_columns(pl.Series("seg", seg)), weights="w", segments="seg")
    # independent: the weighted mean of each item, averaged over items
    assert r.csm == pytest.approx(float(np.mean(w @ x / w.sum())))
    assert r.segments is not None
    a = seg == "a"
    assert r.segments["a"].csm == pytest.approx(
        float(np.mean(w[a] @ x[a] / w[a].sum()))
    )
    assert type(r.to_frame()).__module__.startswith("polars")
    assert r.confidence_interval() == (r.ci_low, r.ci_high)
    assert r.estimates.value("overall", "csm") == pytest.approx(r.csm)
    picked = csm(frame, items=["q1", "q2"], weights="w")
    assert list(picked.items) == ["q1", "q2"]
    assert len(repr(r)) < 600


def test_csi_index_reads_columns_segments_and_weights() -> None:
    tree = CSITree.from_dict(TREE_SPEC)
    x = _data()
    cols = list(tree.columns())
    df = pd.DataFrame(x, columns=cols).assign(extra=1.0)
    # 'columns' selects a frame's columns: a leaf left out is an error
    with pytest.raises(InputError, match="'q6'"):
        csi_index(df, tree=tree, columns=cols[:-1])
    r = csi_index(df, tree=tree, columns=cols)
    assert r.index == pytest.approx(csi_index(x, tree=tree).index)
    w = np.random.default_rng(2).uniform(0.5, 2.0, size=len(x))
    seg = np.where(np.arange(len(x)) % 3 == 0, "b", "a")
    res = csi_index(df.assign(w=w, seg=seg), tree=tree, weights="w", segments="seg")
    assert res.segments is not None and list(res.segments) == ["a", "b"]
    alone = csi_index(x[seg == "b"], tree=tree, weights=w[seg == "b"])
    assert res.segments["b"].index == pytest.approx(alone.index)
    # independent: weighted item means, then the tree's global weights
    a = np.array([0.35, 0.15, 0.075, 0.075, 0.15, 0.2])
    s = ((w @ x / w.sum()) - 1) / 4 * 100
    assert res.index == pytest.approx(float(a @ s))
    assert res.estimates.value("CSI", "index") == pytest.approx(res.index)
    lo, hi = res.confidence_interval()
    assert (lo, hi) == (res.ci_low, res.ci_high)
    assert type(csi_index(pl.from_pandas(df), tree=tree).to_frame()).__module__ == (
        "polars.dataframe.frame"
    )
    assert len(repr(res)) < 600


def test_tree_from_bad_json_is_an_input_error() -> None:
    # regression: JSONDecodeError / TypeError escaped CSITree.from_dict
    with pytest.raises(InputError, match="not valid JSON"):
        CSITree.from_dict("{not json")
    with pytest.raises(InputError, match="mapping"):
        CSITree.from_dict("[1, 2]")
    with pytest.raises(InputError, match="mapping"):
        CSITree.from_dict({1: "x"})  # type: ignore[dict-item]
    assert CSITree.from_dict(json.dumps(TREE_SPEC)).columns()[0] == "q1"


def test_ahp_duplicate_labels_are_refused() -> None:
    # regression: ahp([[1, 3], [1/3, 1]], labels=["a", "a"]) lost a weight
    with pytest.raises(InputError, match=r"'labels' parameter of ahp.*\['a'\]"):
        ahp([[1, 3], [1 / 3, 1]], labels=["a", "a"])
    r = ahp([[1, 3], [1 / 3, 1]], labels=["a", "b"])
    assert r.estimates.value("a", "weight") == pytest.approx(0.75)
    assert len(r.to_frame()) == 3
    json.dumps(r.to_dict(), allow_nan=False)


def test_aggregate_from_an_array_with_named_columns() -> None:
    x = np.array([[80.0, 0, 0, 3.0], [70.0, 1, 0, 1.0], [60.0, 2, 1, 4.0]])
    cols = ["index", "company", "industry", "revenue"]
    r = aggregate(x, columns=cols, by=["company", "industry"], sizes="revenue")
    assert r.index["industry"] == pytest.approx({"0.0": 77.5, "1.0": 60.0})
    with pytest.raises(InputError, match="'columns' parameter of aggregate names 2"):
        aggregate(x, columns=cols[:2], by=["company"])


@pytest.mark.parametrize("bad", ["0.9", 0.0, 1.0])
def test_confidence_level_is_a_number_in_0_1(bad: object) -> None:
    with pytest.raises(InputError, match="confidence_level"):
        csm([[30.0], [60.0]], confidence_level=bad)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="confidence_level"):
        csi_index(_data(), tree=TREE_SPEC, confidence_level=bad)  # type: ignore[arg-type]
