"""The house of quality against hand computations and the Tan & Shen rule."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from satmodels import InputError, SatmodelsWarning, Scale, qfd

REL = [[9, 3, 0], [0, 9, 1], [3, 0, 9]]
REQ = ["easy to close", "quiet", "no leaks"]
CHR = ["closing force", "seal", "insulation"]


def test_technical_importance_by_hand() -> None:
    # Hauser & Clausing (1988): t_j = sum_i I_i r_ij
    res = qfd.house(REL, importance=[5, 3, 2], requirements=REQ, characteristics=CHR)
    # 5*9 + 0 + 2*3 = 51; 5*3 + 3*9 = 42; 3*1 + 2*9 = 21
    assert res.technical_importance == {
        "closing force": 51.0,
        "seal": 42.0,
        "insulation": 21.0,
    }
    assert res.technical_share["seal"] == pytest.approx(42.0 / 114.0)
    assert res.normalized_weight == {
        "easy to close": 0.5,
        "quiet": 0.3,
        "no leaks": 0.2,
    }
    assert res.priority == ("closing force", "seal", "insulation")
    assert res.estimates.value("seal", "technical_importance") == 42.0
    assert res.performance is None
    json.dumps(res.to_dict(), allow_nan=False)


def test_planning_matrix_cohen_by_hand() -> None:
    # Cohen (1995), ch. 8: raw weight = importance x improvement ratio x sales
    # point; normalised weight = raw / sum(raw).
    res = qfd.house(
        REL,
        importance=[5, 3, 2],
        requirements=REQ,
        characteristics=CHR,
        performance=[3, 4, 2],
        competitors={"B": [4, 3, 4], "C": [2, 5, 3]},
        sales_points=[1.5, 1.0, 1.2],
    )
    # target "best": 4, 5, 4 -> ratios 4/3, 5/4, 2
    assert res.planned == {"easy to close": 4.0, "quiet": 5.0, "no leaks": 4.0}
    raw = np.array([5 * 4 / 3 * 1.5, 3 * 1.25 * 1.0, 2 * 2.0 * 1.2])
    np.testing.assert_allclose(list(res.raw_weight.values()), raw, rtol=1e-14)
    np.testing.assert_allclose(
        list(res.normalized_weight.values()), raw / raw.sum(), rtol=1e-14
    )
    tech = raw @ np.array(REL, dtype=float)
    np.testing.assert_allclose(
        list(res.technical_importance.values()), tech, rtol=1e-14
    )
    assert res.improvement_ratio == res.adjusted_ratio  # no Kano
    assert res.competitors["C"]["quiet"] == 5.0


def test_kano_adjustment_tan_shen() -> None:
    # Tan & Shen (2000): the improvement ratio is raised to the power of the
    # category's exponent, A 2, O 1, M 1/2. Hand computation with ratios
    # 1.5 (A), 1.5 (O) and 1.44 (M): 2.25, 1.5 and 1.2.
    res = qfd.house(
        REL,
        importance=[4, 4, 4],
        requirements=REQ,
        characteristics=CHR,
        performance=[2.0, 2.0, 2.5],
        planned=[3.0, 3.0, 3.6],
        kano={"easy to close": "A", "quiet": "O", "no leaks": "M"},
    )
    adj = res.adjusted_ratio
    assert adj is not None
    assert adj["easy to close"] == pytest.approx(2.25, rel=1e-14)
    assert adj["quiet"] == pytest.approx(1.5, rel=1e-14)
    assert adj["no leaks"] == pytest.approx(1.2, rel=1e-14)
    raw = 4.0 * np.array([2.25, 1.5, 1.2])
    np.testing.assert_allclose(list(res.raw_weight.values()), raw, rtol=1e-14)
    assert res.kano_exponent == {"easy to close": 2.0, "quiet": 1.0, "no leaks": 0.5}
    # the Kano adjustment reorders requirements the plain ratio ties
    assert (
        res.normalized_weight["easy to close"]
        > res.normalized_weight["quiet"]
        > res.normalized_weight["no leaks"]
    )


def test_kano_damps_a_must_be_worse_than_target_ratio_below_one() -> None:
    # IR < 1 (already better than target): must-be 0.64 -> 0.8, attractive -> 0.4096
    res = qfd.house(
        [[9], [9]],
        importance=[1, 1],
        performance=[5.0, 5.0],
        planned=[3.2, 3.2],
        kano=["M", "A"],
    )
    assert res.adjusted_ratio == pytest.approx({"r1": 0.8, "r2": 0.64**2})


def test_kano_from_a_kano_result_and_unadjusted_categories() -> None:
    from satmodels import kano

    data = {
        "f1": [1, 1, 1, 2, 1],
        "d1": [5, 5, 4, 3, 5],
        "f2": [2, 2, 3, 1, 3],
        "d2": [5, 5, 5, 3, 3],
    }
    k = kano.analyze(
        data, functional=["f1", "f2"], dysfunctional=["d1", "d2"],
        attributes=["speed", "safety"],
    )  # fmt: skip
    assert k.category == ("O", "M")
    res = qfd.house(
        [[9, 1], [3, 9]],
        importance={"speed": 3, "safety": 5},
        performance=[2, 4],
        planned=[4, 4],
        kano=k,
    )
    assert res.kano_category == {"speed": "O", "safety": "M"}
    assert res.adjusted_ratio == {"speed": 2.0, "safety": 1.0}
    with pytest.raises(InputError, match="kano_exponents"):
        qfd.house([[9]], importance=[1], performance=[1], planned=[2], kano=["I"])
    res_i = qfd.house(
        [[9]], importance=[1], performance=[1], planned=[2], kano=["I"],
        kano_exponents={"I": 1.0},
    )  # fmt: skip
    assert res_i.adjusted_ratio == {"r1": 2.0}


def test_importance_from_an_ipa_result_and_cascade() -> None:
    from satmodels import ipa

    rng = np.random.default_rng(1)
    x = rng.integers(1, 8, size=(80, 3)).astype(float)
    data = {"a": x[:, 0], "b": x[:, 1], "c": x[:, 2]}
    res_ipa = ipa(data, items=["a", "b", "c"], importance={"a": 6, "b": 4, "c": 5})
    house1 = qfd.house(
        [[9, 0], [3, 3], [0, 9]], importance=res_ipa, characteristics=["h1", "h2"]
    )
    assert house1.requirements == ("a", "b", "c")
    assert house1.importance == pytest.approx(res_ipa.importance)
    plan = qfd.house(
        [[9, 0], [3, 3], [0, 9]],
        importance=res_ipa,
        performance=res_ipa,
        planned=[7, 7, 7],
    )
    assert plan.performance == pytest.approx(res_ipa.performance)
    # phase 2: the hows of phase 1 become the whats
    house2 = qfd.house([[1, 9], [9, 3]], importance=house1, characteristics=["p", "q"])
    assert house2.requirements == ("h1", "h2")
    assert house2.importance == house1.technical_importance
    assert "cascade" in house2.importance_source


def test_roof_and_tradeoffs() -> None:
    upper = [[0, -2, 1], [0, 0, -1], [0, 0, 0]]
    res = qfd.house(REL, importance=[1, 1, 1], characteristics=CHR, roof=upper)
    assert res.roof is not None
    np.testing.assert_array_equal(res.roof, res.roof.T)
    assert res.tradeoffs == (
        ("closing force", "seal", -2.0),
        ("seal", "insulation", -1.0),
    )
    with pytest.raises(InputError, match="symmetric"):
        qfd.house(REL, importance=[1, 1, 1], roof=[[0, -2, 1], [2, 0, 0], [1, 0, 0]])
    with pytest.raises(InputError, match="roof"):
        qfd.house(REL, importance=[1, 1, 1], roof=[[0, 5, 0], [0, 0, 0], [0, 0, 0]])
    with pytest.raises(InputError, match="3 x 3"):
        qfd.house(REL, importance=[1, 1, 1], roof=[[0, 1], [1, 0]])


def test_frames_and_mappings_give_the_same_house() -> None:
    import pandas as pd
    import polars as pl

    cols = {c: [row[j] for row in REL] for j, c in enumerate(CHR)}
    ref = qfd.house(REL, importance=[5, 3, 2], characteristics=CHR)
    for data, backend in (
        (cols, "pandas"),
        (pd.DataFrame(cols), "pandas"),
        (pl.DataFrame(cols), "polars"),
    ):
        got = qfd.house(data, importance=[5, 3, 2])
        assert got.characteristics == tuple(CHR)
        assert got.technical_importance == ref.technical_importance
        # to_frame follows the input's library
        assert type(got.to_frame()).__module__.split(".")[0] == backend


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"relationships": [[9, 2, 0], [0, 9, 1], [3, 0, 9]]}, "quiet|easy"),
        ({"relationships": [[9, np.nan, 0], [0, 9, 1], [3, 0, 9]]}, "relationships"),
        ({"requirements": ["a", "a", "b"]}, "requirements"),
        ({"requirements": ["a", "b"]}, "requirements"),
        ({"characteristics": ["x", "y"]}, "characteristics"),
        ({"importance": [1, 2]}, "importance"),
        ({"importance": [1, -2, 3]}, "importance"),
        ({"importance": [0, 0, 0]}, "importance"),
        ({"importance": {"easy to close": 1, "quiet": 2}}, "no leaks"),
        ({"importance": "high"}, "importance"),
        ({"performance": [1, 0, 2]}, "performance"),
        ({"planned": [1, 2, 3]}, "performance"),
        ({"kano": ["A", "O", "M"]}, "performance"),
        ({"performance": [1, 2, 3], "kano": ["A", "X", "M"]}, "kano"),
        ({"performance": [1, 2, 3], "sales_points": [1, 0, 1]}, "sales_points"),
        ({"performance": [1, 2, 3], "competitors": [1, 2, 3]}, "competitors"),
        ({"scale": (1, 1)}, "scale"),
        ({"scale": (0, 3)}, "9.0 for ..easy to close"),  # (min, max): [0, 3]
        ({"roof_scale": "wide"}, "roof_scale"),
        ({"kano_exponents": {"Z": 1.0}}, "kano_exponents"),
        ({"relationships": [["9", "3", "0"]] * 3}, "relationships"),
    ],
)
def test_validated_input(kwargs: dict[str, object], word: str) -> None:
    call: dict[str, object] = {
        "relationships": REL,
        "importance": [5, 3, 2],
        "requirements": REQ,
        "characteristics": CHR,
    } | kwargs
    rel = call.pop("relationships")
    with pytest.raises(InputError, match=word):
        qfd.house(rel, **call)  # type: ignore[arg-type]


def test_user_scale_and_empty_rows_warn() -> None:
    res = qfd.house(
        [[5, 0], [2, 4]], importance=[1, 1], scale=Scale.levels((0, 1, 2, 3, 4, 5))
    )
    assert res.technical_importance == {"x0": 7.0, "x1": 4.0}
    with pytest.warns(SatmodelsWarning, match="no relationship"):
        res = qfd.house([[9, 0], [0, 0]], importance=[1, 1])
    assert res.unaddressed == ("r2",)
    assert res.unused == ("x1",)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        qfd.house([[2.5, 0.7]], importance=[1], scale=None)
        between = qfd.house([[2.5, 0.7]], importance=[2], scale=(0, 5))
    assert between.technical_importance == {"x0": 5.0, "x1": 1.4}


def test_importance_from_csi_tree_drivers_and_kano() -> None:
    from satmodels import CSITree, csi_index, kano, key_drivers

    rng = np.random.default_rng(2)
    common = rng.normal(size=120)
    data = {
        f"q{i}": np.clip(np.round(3 + common + rng.normal(size=120)), 1, 5)
        for i in range(1, 5)
    }
    tree = CSITree.from_dict(
        {
            "scale": {"kind": "likert", "minimum": 1, "maximum": 5},
            "root": {
                "name": "CSI",
                "pairwise": [[1, 2], [1 / 2, 1]],
                "children": [
                    {"name": "a", "children": [{"name": "q1"}, {"name": "q2"}]},
                    {"name": "b", "children": [{"name": "q3"}, {"name": "q4"}]},
                ],
            },
        }
    )
    index = csi_index(data, tree=tree)
    res = qfd.house([[9, 1], [1, 9]], importance=index, requirements=["a", "b"])
    assert res.importance == pytest.approx({"a": 2 / 3, "b": 1 / 3})
    assert res.importance_source == "CSI tree (global weights)"
    with pytest.raises(InputError, match="requirements"):
        qfd.house([[9, 1], [1, 9]], importance=index)  # six nodes, two rows
    drivers = key_drivers(data | {"sat": common}, target="sat", items=["q1", "q2"])
    res = qfd.house([[9], [3]], importance=drivers)
    assert res.requirements == ("q1", "q2")
    assert res.importance == pytest.approx(drivers.importance)
    pairs = {"f1": [1, 1, 2], "d1": [5, 4, 5], "i1": [5, 4, 3]}
    k = kano.analyze(pairs, functional=["f1"], dysfunctional=["d1"], importance=["i1"])
    res = qfd.house([[9]], importance=k)
    assert res.importance == {k.attributes[0]: 4.0}
    plain = kano.analyze(pairs, functional=["f1"], dysfunctional=["d1"])
    with pytest.raises(InputError, match="stated importance"):
        qfd.house([[9]], importance=plain)
