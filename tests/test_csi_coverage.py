"""CSI edge cases and error paths, each checked against a hand computation,
an independent implementation (scipy, numpy) or the documented rule.

Complements test_csi_{scores,index,drivers,alpha,conformance}.py: every
error test matches the message naming the parameter/column and the value.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from scipy import stats

from satmodels import (
    CSM_SEVEN,
    EstimationError,
    InputError,
    Moments,
    SatmodelsWarning,
    Scale,
)
from satmodels.csi import (
    CSITree,
    aggregate,
    ahp,
    ces,
    cronbach_alpha,
    csat,
    csi_index,
    csm,
    customer_orientation_tree,
    ipa,
    key_drivers,
    nps,
    prca,
)
from satmodels.csi import _category as category_module
from satmodels.stats.counts import CategoryCounts

SCORES = [10, 9, 9, 10, 9, 7, 8, 8, 3, 6]  # 5 promoters, 3 passives, 2 detractors
Z90 = float(stats.norm.ppf(0.95))  # two-sided 90% normal critical value

SMALL_TREE: dict[str, Any] = {
    "scale": {"kind": "likert", "minimum": 1, "maximum": 5},
    "root": {
        "name": "CSI",
        "children": [
            {"name": "a", "weight": 0.6, "children": [{"name": "q1"}, {"name": "q2"}]},
            {"name": "b", "weight": 0.4, "children": [{"name": "q3"}]},
        ],
    },
}


# ------------------------------------------------------ shared input helpers
def test_weights_column_may_not_be_a_data_column() -> None:
    df = pd.DataFrame({"a": [1.0, 2.0], "w": [1.0, 1.0]})
    with pytest.raises(InputError, match=r"'weights' column 'w' of csm is also one"):
        csm(df, items=["a", "w"], weights="w", scale=Scale.likert(1, 5))


def test_single_answer_column_required() -> None:
    two = np.array([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(InputError, match=r"'items' parameter of csat must name one"):
        csat(two)


def test_segments_need_one_label_per_row() -> None:
    with pytest.raises(
        InputError, match=r"one label per row \(10\)\. Got shape \(3,\)"
    ):
        nps(SCORES, segments=["a", "b", "c"])


@pytest.mark.parametrize("gap", [None, math.nan])
def test_segments_may_not_be_missing(gap: object) -> None:
    labels: list[object] = ["a"] * 10
    labels[4] = gap
    with pytest.raises(InputError, match=r"1 missing label\(s\); first in row 5"):
        nps(SCORES, segments=labels)


# ------------------------------------------------------- NPS / CSAT / CES
def test_nps_interval_at_another_level_by_hand() -> None:
    # Rocks (2016, eq. 2): Var = (pP + pD - (pP - pD)^2) / n; Wald interval
    # centred at the NPS, clipped to [-100, 100].
    r = nps(SCORES)
    se = math.sqrt((0.5 + 0.2 - 0.3**2) / 10)
    lo, hi = r.confidence_interval(0.90)
    assert lo[0] == pytest.approx(100 * (0.3 - Z90 * se))
    assert hi[0] == pytest.approx(100 * (0.3 + Z90 * se))
    stored = r.confidence_interval()
    assert (stored.low[0], stored.high[0]) == (r.ci_low, r.ci_high)
    # Adjusted Wald (Rocks 2016): centred at (5.75 - 2.75) / 13, not at the NPS.
    a = nps(SCORES, method="adjusted_wald")
    centre = 3.0 / 13.0
    lo_a, hi_a = a.confidence_interval(0.90)
    assert (lo_a[0] + hi_a[0]) / 2 == pytest.approx(100 * centre)
    assert hi_a[0] - lo_a[0] == pytest.approx(2 * Z90 * a.standard_error)
    # All promoters: the upper limit is clipped at 100.
    top = nps([10] * 5, method="adjusted_wald")
    assert top.confidence_interval(0.99).high[0] == 100.0


def test_ces_single_answer_has_no_mean_interval() -> None:
    # n = 1: the variance n/(n-1) * ... is undefined (Woodruff 1971), so the
    # mean interval is NaN; the share agreeing keeps Wilson's interval, which
    # for p = 1, n = 1 is [1 / (1 + z^2), 1] (Wilson 1927, by hand).
    with pytest.warns(SatmodelsWarning, match="no standard error"):
        r = ces([6])
    assert r.mean == 6.0
    lo, hi = r.confidence_interval()
    assert math.isnan(lo[0]) and math.isnan(hi[0])
    z = stats.norm.ppf(0.975)
    assert r.agree == 100.0
    assert lo[1] == pytest.approx(100 / (1 + z * z))
    assert hi[1] == pytest.approx(100.0)


def test_ces_interval_at_another_level_against_scipy() -> None:
    x = np.array([7, 6, 5, 4, 2, 6, 7, 3], dtype=float)
    r = ces(x)
    ci = stats.t.interval(0.90, x.size - 1, loc=x.mean(), scale=stats.sem(x))
    got = r.confidence_interval(0.90)
    assert got.low[0] == pytest.approx(ci[0])
    assert got.high[0] == pytest.approx(ci[1])


def test_top_box_and_effort_on_an_interval_scale() -> None:
    # On [0, 10] the top 2 boxes are the answers above 8 (by hand: 8.5, 10),
    # agreeing starts at the first whole number above the midpoint (6).
    cont = Scale.interval(0, 10)
    x = [1.0, 2.5, 8.0, 8.5, 10.0, 6.0]
    assert csat(x, scale=cont).csat == pytest.approx(100 * 2 / 6)
    r = ces(x, scale=cont)
    assert r.agree_from == 6.0
    assert r.agree == pytest.approx(100 * 4 / 6)
    assert r.mean == pytest.approx(np.mean(x))
    with pytest.raises(InputError, match=r"'top_box' parameter of csat"):
        csat(x, scale=cont, top_box=10)
    # a lazy frame counts its distinct answers (one DISTINCT on the engine)
    lazy = pl.DataFrame({"q": x}).lazy()
    assert csat(lazy, scale=cont).csat == pytest.approx(100 * 2 / 6, rel=1e-14)
    assert ces(lazy, scale=cont).agree == pytest.approx(100 * 4 / 6, rel=1e-14)
    assert csat(lazy).scale == csat(x).scale  # no scale: the observed range


def test_interval_scale_on_a_lazy_frame_is_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cont = Scale.interval(0, 10)
    frame = pl.DataFrame({"q": [1.0, 2.5, 11.0, None], "w": [1.0, 2.0, 1.0, 1.0]})
    with pytest.raises(InputError, match=r"outside the \[0, 10\] .* 'q': \[11.0\]"):
        csat(frame.lazy(), items="q", scale=cont)
    with pytest.raises(InputError, match="infinite value in column 'q'"):
        csat(pl.DataFrame({"q": [1.0, math.inf]}).lazy())
    # an answer seen only with weight 0 is no point to count (as the rows)
    ok = pl.DataFrame({"q": [9.5, 2.5, 1.0], "w": [1.0, 0.0, 1.0]})
    got = csat(ok.lazy(), items="q", scale=cont, weights="w", top_box=1)
    want = csat(ok, items="q", scale=cont, weights="w", top_box=1)
    assert got.csat == pytest.approx(want.csat, rel=1e-14)
    assert want.csat == 50.0  # 9.5 is in the top box (above 9), 1.0 is not
    monkeypatch.setattr(category_module, "MAX_OBSERVED_POINTS", 2)
    many = pl.DataFrame({"q": np.linspace(0, 10, 9)}).lazy()
    with pytest.raises(InputError, match="more than 2 distinct answers"):
        csat(many, scale=cont)


def test_no_usable_answer_in_memory() -> None:
    with pytest.raises(InputError, match=r"'items' parameter of csat has no usable"):
        csat([math.nan, math.nan])
    # zero case weights make an answer unusable, too (documented in gather)
    with pytest.raises(InputError, match=r"'items' parameter of nps has no usable"):
        nps([10.0, 3.0], weights=[0.0, 0.0])


def test_counts_with_zero_weights_only_is_an_input_error() -> None:
    # Regression: CategoryCounts whose answers all carry zero case weight
    # used to divide by zero (ZeroDivisionError) inside the share.
    cc = CategoryCounts.from_data(
        np.array([[4.0], [5.0], [2.0]]), categories=[1, 2, 3, 4, 5], weights=[0, 0, 0]
    )
    with pytest.raises(InputError, match=r"'items' parameter of csat has no usable"):
        csat(cc)
    empty = CategoryCounts.from_data(np.array([[math.nan]]), categories=[1, 2])
    with pytest.raises(InputError, match=r"'items' parameter of ces has no usable"):
        ces(empty, scale=Scale.likert(1, 2))


def test_counts_must_be_reduced_to_one_column() -> None:
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    cc = CategoryCounts.from_data(x, columns=["q1", "q2"], categories=[1, 2, 3, 4, 5])
    with pytest.raises(InputError, match=r"one answer column\. Got \['q1', 'q2'\]"):
        csat(cc)
    with pytest.raises(InputError, match=r"'items' .* \['q9'\]"):
        csat(cc, items="q9")
    # naming the column works and equals the in-memory answer for that column
    sc = Scale.likert(1, 5)
    assert csat(cc, items="q2", scale=sc).csat == pytest.approx(
        csat(x[:, 1], scale=sc).csat
    )


def test_counts_off_scale_and_missing() -> None:
    x = np.array([[1.0], [7.0], [math.nan]])
    cc = CategoryCounts.from_data(x, columns=["q"], categories=[1, 2, 3, 4, 5, 6, 7])
    sc = Scale.likert(1, 5)
    with pytest.raises(InputError, match=r"outside the .* scale in column 'q': \[7"):
        csat(cc, scale=sc)
    ok = CategoryCounts.from_data(x[[0, 2]], columns=["q"], categories=[1, 2, 3])
    with pytest.raises(InputError, match=r"1 missing value\(s\) in column 'q'"):
        csat(ok, scale=sc, nan_policy="raise")


def test_counts_with_unused_off_scale_categories_match_rows() -> None:
    # Categories 6 and 7 exist in the counts but nobody chose them: the
    # result equals the one from the rows (same Wilson interval).
    x = np.array([5.0, 4.0, 1.0, 2.0, 5.0, 3.0])
    cc = CategoryCounts.from_data(x[:, None], categories=[1, 2, 3, 4, 5, 6, 7])
    got, want = csat(cc), csat(x)
    assert (got.csat, got.ci_low, got.ci_high) == pytest.approx(
        (want.csat, want.ci_low, want.ci_high)
    )
    assert got.satisfied == 3 == want.satisfied


# -------------------------------------------------------------------- CSM
def test_csm_interval_at_another_level() -> None:
    # Overall CSM = mean of item means; with complete rows its SE is that of
    # the per-respondent row means (same identity as test_csi_index).
    x = np.array([[30, 0, -30], [60, 30, 0], [0, 0, 30], [90, 60, 30]], dtype=float)
    r = csm(x)
    row = x.mean(axis=1)
    se = row.std(ddof=1) / math.sqrt(len(row))
    lo, hi = r.confidence_interval(0.90)
    assert lo == pytest.approx(row.mean() - Z90 * se)
    assert hi == pytest.approx(row.mean() + Z90 * se)


def test_csm_needs_a_discrete_scale_or_codes() -> None:
    with pytest.raises(InputError, match=r"'scale' parameter of csm must be a disc"):
        csm([[1.0, 2.0]], scale=Scale.interval(0, 10))


def test_csm_moments_means_must_lie_on_the_scale() -> None:
    m = Moments.from_covariance(np.eye(2), n=10, mean=[100.0, 0.0], columns=["a", "b"])
    with pytest.raises(InputError, match=r"item means of \['a'\] in the 'data'"):
        csm(m, scale=CSM_SEVEN)


# -------------------------------------------------------------------- AHP
def test_ahp_matrix_shape_and_content_errors() -> None:
    with pytest.raises(InputError, match=r"'matrix' parameter of ahp must be numeric"):
        ahp([["a", "b"], ["c", "d"]])
    with pytest.raises(InputError, match=r"must be square\. Got shape \(1, 3\)"):
        ahp([[1, 2, 3]])
    with pytest.raises(InputError, match=r"'labels' .* names 3 items but the matrix"):
        ahp([[1, 2], [0.5, 1]], labels=["a", "b", "c"])
    # Saaty's random index is tabulated for n <= 15 only.
    with pytest.raises(InputError, match=r"at most 15 items .* Got 16"):
        ahp(np.ones((16, 16)))


def test_ahp_fifteen_items_uses_tabulated_random_index() -> None:
    # A consistent matrix a_ij = v_i / v_j has weights v / sum(v) and
    # lambda_max = n (Saaty 1980, ch. 1), so CI = CR = 0 at n = 15.
    v = np.arange(1.0, 16.0)
    r = ahp(np.outer(v, 1 / v))
    assert list(r.weights.values()) == pytest.approx((v / v.sum()).tolist())
    assert r.lambda_max == pytest.approx(15.0)
    assert r.random_index == 1.59
    assert r.consistent


# -------------------------------------------------------------- CSI tree
def _spec(**root: Any) -> dict[str, Any]:
    return {"scale": {"kind": "likert", "minimum": 1, "maximum": 5}, "root": root}


@pytest.mark.parametrize(
    ("root", "message"),
    [
        (
            {
                "name": "r",
                "children": [{"name": "a", "column": "c", "children": [{"name": "x"}]}],
            },
            r"node 'a' has children and so cannot name a column \('c'\)",
        ),
        (
            {"name": "r", "children": [{"name": "x", "weight": 1.0}, {"name": "y"}]},
            r"children of 'r' must all have weights or none; missing for \['y'\]",
        ),
        (
            {
                "name": "r",
                "pairwise": [[1, 2], [0.5, 1]],
                "children": [
                    {"name": "x", "weight": 0.5},
                    {"name": "y", "weight": 0.5},
                ],
            },
            r"node 'r' has both child weights and a pairwise matrix",
        ),
        (
            {
                "name": "r",
                "pairwise": [[1, 2, 3]],
                "children": [{"name": "x"}, {"name": "y"}],
            },
            r"pairwise matrix of 'r' must be 2 x 2",
        ),
        (
            {"name": "r", "children": [{"name": "x", "pairwise": [[1.0]]}]},
            r"leaf 'x' cannot have a pairwise matrix",
        ),
        ({"name": "r"}, r"the root must have at least one child"),
        (
            {"name": "r", "children": [{"name": "x", "column": "q"}, {"name": "q"}]},
            r"each data column may appear in one leaf only; repeated: \['q'\]",
        ),
    ],
)
def test_tree_validation_names_node(root: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        CSITree.from_dict(_spec(**root))


def test_with_weights_needs_all_siblings_and_positive_sum() -> None:
    tree = CSITree.from_dict(SMALL_TREE)
    with pytest.raises(InputError, match=r"children of 'CSI'; missing \['b'\]"):
        tree.with_weights({"a": 1.0})
    with pytest.raises(InputError, match=r"children of 'CSI' sum to 0\.0"):
        tree.with_weights({"a": 0.0, "b": 0.0})


def test_with_weights_keeps_untouched_pairwise_matrix() -> None:
    # The root's AHP matrix stays; only the re-weighted siblings change.
    pw = [[1.0, 3.0], [1 / 3, 1.0]]
    spec = _spec(
        name="CSI",
        pairwise=pw,
        children=[
            {"name": "a", "children": [{"name": "q1"}, {"name": "q2"}]},
            {"name": "b", "children": [{"name": "q3"}]},
        ],
    )
    tree = CSITree.from_dict(spec).with_weights({"q1": 3.0, "q2": 1.0})
    assert tree.root.pairwise == ((1.0, 3.0), (1 / 3, 1.0))
    x = np.array([[5, 1, 3], [4, 2, 3], [3, 1, 5]], dtype=float)
    r = csi_index(x, tree=tree)
    s = (x.mean(axis=0) - 1) / 4 * 100
    # consistent 2 x 2 matrix: weights 3/4, 1/4 (Saaty 1980)
    want = 0.75 * (0.75 * s[0] + 0.25 * s[1]) + 0.25 * s[2]
    assert r.index == pytest.approx(want)


def test_csi_interval_at_another_level_is_clipped() -> None:
    x = np.array([[5, 4, 3], [4, 4, 5], [3, 5, 4], [5, 5, 5]], dtype=float)
    r = csi_index(x, tree=SMALL_TREE)
    lo, hi = r.confidence_interval(0.90)
    assert lo == pytest.approx(r.index - Z90 * r.se)
    assert hi == pytest.approx(min(r.index + Z90 * r.se, 100.0))
    # every answer at the top: score 100, interval clipped at 100
    top = csi_index(np.array([[5, 5, 5], [5, 5, 4], [5, 5, 5]]), tree=SMALL_TREE)
    assert top.confidence_interval(0.99).high == 100.0


def test_csi_moments_need_leaves_on_the_scale() -> None:
    m = Moments.from_covariance(np.eye(2), n=9, mean=[3.0, 3.0], columns=["q1", "q2"])
    with pytest.raises(InputError, match=r"column\(s\) \['q3'\] that 'data' does not"):
        csi_index(m, tree=SMALL_TREE)
    m3 = Moments.from_covariance(
        np.eye(3), n=9, mean=[3.0, 6.0, 3.0], columns=["q1", "q2", "q3"]
    )
    with pytest.raises(InputError, match=r"item means of \['q2'\] .* outside"):
        csi_index(m3, tree=SMALL_TREE)


def test_csi_array_columns_must_cover_the_leaves() -> None:
    x = np.full((3, 3), 3.0)
    with pytest.raises(
        InputError, match=r"\['q3'\] that 'data' does not have.*\['q1', 'q2', 'z'\]"
    ):
        csi_index(x, tree=SMALL_TREE, columns=["q1", "q2", "z"])
    # named columns in another order are matched by name
    y = np.array([[5, 4, 3], [4, 4, 5], [3, 5, 4]], dtype=float)
    r = csi_index(y[:, ::-1], tree=SMALL_TREE, columns=["q3", "q2", "q1"])
    assert r.index == pytest.approx(csi_index(y, tree=SMALL_TREE).index)


def test_customer_orientation_tree_column_count() -> None:
    with pytest.raises(InputError, match=r"'columns' .* must name 40 items\. Got 3"):
        customer_orientation_tree(columns=["a", "b", "c"])


# -------------------------------------------------------------- aggregate
AGG: dict[str, list[Any]] = {
    "company": ["a", "b", "c"],
    "industry": ["cars", "cars", "banks"],
    "sector": ["m", "m", "f"],
    "index": [80.0, 70.0, 60.0],
    "revenue": [3.0, 1.0, 4.0],
    "se": [2.0, 2.0, 1.0],
}


def test_aggregate_interval_at_another_level_by_hand() -> None:
    # national = (3*80 + 70 + 4*60) / 8; SE^2 = sum (w_i / W)^2 SE_i^2
    # (Fornell et al. 1996, independent companies).
    r = aggregate(AGG, sizes="revenue", se="se")
    nat = (3 * 80 + 70 + 4 * 60) / 8
    se = math.sqrt((3 / 8 * 2) ** 2 + (1 / 8 * 2) ** 2 + (4 / 8 * 1) ** 2)
    assert (r.national, r.se) == pytest.approx((nat, se))
    lo, hi = r.confidence_interval(0.90)
    assert lo == pytest.approx(nat - Z90 * se)
    assert hi == pytest.approx(nat + Z90 * se)


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        ({}, {"index": "score"}, r"\['score'\] that 'data' does not have"),
        (
            {"index": ["x", "y", "z"]},
            {},
            r"Column 'index' of the 'data' parameter of aggregate must hold real",
        ),
        (
            {"index": [80.0, math.nan, 60.0]},
            {},
            r"'index' .* 0 and 100\. Got nan in row 2",
        ),
        ({}, {"by": []}, r"'by' parameter of aggregate must name distinct"),
        ({}, {"by": ["company", "company"]}, r"Got \['company', 'company'\]"),
        ({}, {"by": ["company", "national"]}, r"\(not 'national'\)"),
        (
            {"sector": ["m", "m"]},
            {},
            r"columns of the 'data' parameter of aggregate must have equal",
        ),
        (
            {"se": [1.0, -1.0, 1.0]},
            {"se": "se"},
            r"'se' column 'se' .* at least 0\. Got -1\.0 in row 2",
        ),
        ({"company": ["a", "a", "c"]}, {}, r"unit column 'company' .* each unit once"),
        (
            {},
            {"level_sizes": {"company": {"a": 1.0}}},
            r"'level_sizes' .* unknown or unit levels \['company'\]",
        ),
        (
            {},
            {"level_sizes": {"sector": {"m": -1.0, "f": 1.0}}},
            r"'level_sizes' of aggregate for 'sector' must be finite and non-neg",
        ),
        (
            {"revenue": [0.0, 0.0, 4.0]},
            {},
            r"sizes of the company units in industry 'cars' sum to zero",
        ),
        (
            {"sector": ["m", None, "f"]},
            {},
            r"'by' parameter of aggregate has 1 missing",
        ),
    ],
)
def test_aggregate_errors_name_the_column(
    change: dict[str, Any], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        aggregate({**AGG, **change}, **({"sizes": "revenue"} | kwargs))


def test_aggregate_from_polars_and_equal_sizes() -> None:
    # sizes=None gives every company size 1; a higher unit enters with the
    # sum of its members' sizes, so the nation is the company mean.
    r = aggregate(pl.DataFrame(AGG))
    assert r.index["industry"] == pytest.approx({"cars": 75.0, "banks": 60.0})
    assert r.share["industry"] == pytest.approx({"cars": 1.0, "banks": 1.0})
    assert r.share["sector"] == pytest.approx({"m": 2 / 3, "f": 1 / 3})
    assert r.national == pytest.approx((80.0 + 70.0 + 60.0) / 3)
    assert math.isnan(r.se)
    assert type(r.to_frame()).__module__.startswith("polars")
    assert np.isnan(r.estimates.ci_low).all()


# ---------------------------------------------------------------- drivers
def _xy(
    n: int = 80, seed: int = 5
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    return x, x @ np.array([0.7, 0.2]) + rng.normal(size=n)


def test_drivers_moments_need_the_outcome_column() -> None:
    x, y = _xy()
    m = Moments.from_data(np.column_stack([x, y]), columns=["a", "b", "y"])
    with pytest.raises(
        InputError, match=r"'target' parameter .* \['sat'\] .* \['a', 'b', 'y'\]"
    ):
        key_drivers(m, target="sat")
    # with the right name the Moments route equals the rows (Pearson r, numpy)
    r = key_drivers(m, target="y", method="correlation")
    assert r.importance["a"] == pytest.approx(np.corrcoef(x[:, 0], y)[0, 1])


def test_drivers_target_must_be_a_column_of_the_data() -> None:
    x, _ = _xy()
    with pytest.raises(InputError, match=r"'target' .* \['y'\] .* \['x0', 'x1'\]"):
        key_drivers(x, target="y")


def test_drivers_target_must_be_a_name() -> None:
    x, y = _xy(n=3)
    with pytest.raises(InputError, match=r"'target' parameter of key_drivers must be"):
        key_drivers(x, target=y)  # type: ignore[arg-type]


def test_drivers_need_one_driver_and_variance() -> None:
    x, y = _xy()
    with pytest.raises(InputError, match=r"'items' .* at least one driver"):
        key_drivers(pd.DataFrame({"y": y}), target="y")
    flat = np.column_stack([x[:, 0], np.full(len(y), 3.0), y])
    with pytest.raises(EstimationError, match=r"column\(s\) \['x1'\] have no variance"):
        key_drivers(flat, columns=["x0", "x1", "y"], target="y")


def test_bootstrap_needs_rows() -> None:
    x, y = _xy()
    m = Moments.from_data(np.column_stack([x, y]), columns=["a", "b", "y"])
    with pytest.raises(InputError, match=r"rows in memory for bootstrap"):
        key_drivers(m, target="y", n_resamples=10)


# -------------------------------------------------------------- IPA / PRCA
def test_ipa_argument_errors() -> None:
    x = np.array([[5, 2], [4, 3], [3, 4]], dtype=float)
    with pytest.raises(InputError, match=r"'items' parameter of ipa must name"):
        ipa(x, items=[], importance={})
    with pytest.raises(
        InputError, match=r"ipa needs stated 'importance' or a 'target'"
    ):
        ipa(x, columns=["a", "b"])
    with pytest.raises(InputError, match=r"'target' .* \['y'\] .* \['a', 'b'\]"):
        ipa(x, columns=["a", "b"], target="y")


def test_ipa_lazy_frame_with_stated_importance() -> None:
    # Stated importance: quadrants from the attribute means and the given
    # importances, cross-hairs at their means (Martilla & James 1977).
    df = pl.DataFrame({"a": [5.0, 4.0, 5.0, 3.0], "b": [2.0, 3.0, 2.0, 4.0]})
    r = ipa(df.lazy(), items=["a", "b"], importance={"a": 0.2, "b": 0.8})
    assert r.performance == pytest.approx({"a": 4.25, "b": 2.75})
    assert r.performance_centre == pytest.approx(3.5)
    assert r.importance_centre == pytest.approx(0.5)
    assert (
        r.quadrant["a"]
        == ipa(df, items=["a", "b"], importance={"a": 0.2, "b": 0.8}).quadrant["a"]
    )
    assert r.importance_source == "stated"


def test_prca_scale_and_sample_size_errors() -> None:
    x = np.array([[1.0, 2.0], [2.0, 3.0]])
    with pytest.raises(InputError, match=r"at least 3 points, or 'low' and 'high'"):
        prca(x, columns=["a", "y"], target="y", scale=Scale.likert(1, 2))
    with pytest.raises(InputError, match=r"'low' parameter of prca must be"):
        prca(x, columns=["a", "y"], target="y", scale=(1, 5), low=["x"], high=[5])  # type: ignore[list-item]
    # one attribute: 2 dummies + intercept need more than 3 complete rows
    three = np.array([[1.0, 2.0], [3.0, 3.0], [5.0, 5.0]])
    with pytest.raises(
        EstimationError, match=r"more than 3 complete respondents; got 3"
    ):
        prca(three, columns=["a", "y"], target="y", scale=Scale.likert(1, 5))


# ----------------------------------------------------------- reliability
def test_alpha_needs_three_complete_respondents() -> None:
    x = np.array([[1.0, 2.0], [2.0, 3.0], [math.nan, 1.0]])
    with pytest.raises(InputError, match=r"at least 3 complete respondents\. Got 2"):
        cronbach_alpha(x)
