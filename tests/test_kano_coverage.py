"""Edge cases and error paths of satmodels.kano, each checked by hand.

Every expected number is written out from the evaluation table of Berger et
al. (1993) (answers 1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike):
(1, 4) A, (1, 5) O, (2, 5) M, (3, 3) I, (5, 1) R, (1, 1) Q.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from adapters import an as _an
from adapters import co as _co
from adapters import kano_columns
from scipy import stats

from satmodels import InputError, SatmodelsWarning, Scale, kano
from satmodels.kano import KanoAnswers

LABELS = ("like", "must-be", "neutral", "live-with", "dislike")


# ------------------------------------------------------------ ingestion
def test_one_dimensional_answers_are_one_attribute() -> None:
    # (1,5) O, (1,4) A, (2,5) M, (3,3) I -> counts A O M I R Q = 1 1 1 1 0 0
    res = _an([1, 1, 2, 3], [5, 4, 5, 3])
    assert res.attributes == ("attribute_1",)
    assert res.counts.tolist() == [[1, 1, 1, 1, 0, 0]]
    assert res.better[0] == pytest.approx(2 / 4)  # (A+O)/(A+O+M+I)
    assert res.worse[0] == pytest.approx(-2 / 4)  # -(O+M)/(A+O+M+I)


def test_mapping_without_columns_or_with_ragged_columns() -> None:
    with pytest.raises(InputError, match=r"names column\(s\) \['a'\]"):
        kano.analyze({}, functional=["a"], dysfunctional=["b"])
    ragged = {"a": np.array([1, 2]), "b": np.array([1])}
    with pytest.raises(InputError, match=r"equal lengths"):
        kano.analyze(ragged, functional=["a"], dysfunctional=["b"])


def test_boolean_answers_are_the_integers_0_and_1() -> None:
    # numpy (and Python) treat False/True as 0/1: with codes 0-4, False is
    # like and True is must-be; against dislike (4) they are O and M.
    f = np.array([[False], [True]])
    res = _an(f, [[4], [4]], answers=(0, 1, 2, 3, 4))
    assert res.counts.tolist() == [[0, 1, 1, 0, 0, 0]]
    # with the default codes 1-5, True is like and False (0) is no code
    with pytest.raises(InputError, match=r"'functional' answer in row 2.* is 0\.0,"):
        _an(np.array([[True], [False]]), [[5], [5]])


def test_object_and_text_columns_are_refused_naming_the_column() -> None:
    # answers are numeric codes; text (or Python objects) is named, not guessed
    f = np.array([["1"], [None], [2]], dtype=object)
    with pytest.raises(InputError, match=r"'attribute_1'.*real numbers"):
        _an(f, [[5], [5], [5]])
    with pytest.raises(InputError, match=r"'attribute_1'.*real numbers"):
        _an(np.array([["1"], ["y"]]), [[5], [5]])


def test_integer_too_large_for_a_float_is_an_input_error() -> None:
    # Regression: float(10**400) raises OverflowError, which escaped as is.
    huge = np.array([[1], [10**400]], dtype=object)
    with pytest.raises(InputError, match=r"'attribute_1'.*real numbers"):
        _an(huge, [[5], [5]])


def test_codes_that_do_not_fit_the_integer_dtype() -> None:
    # codes 124-128: 128 does not fit int8, so int8 answers take the general
    # path; 124 like and 125 must-be against 128 dislike are O and M.
    f = np.array([[124], [125]], dtype=np.int8)
    d = np.array([[128], [128]], dtype=np.int16)
    res = _an(f, d, answers=(124, 125, 126, 127, 128))
    assert res.counts.tolist() == [[0, 1, 1, 0, 0, 0]]


def test_float_codes_above_the_int8_fast_path() -> None:
    # codes 200-204 as floats: 200 like, 204 dislike, 202 neutral
    codes = (200, 201, 202, 203, 204)
    f = np.array([[200.0], [np.nan], [202.0], [204.0]])
    d = np.array([[204.0], [204.0], [202.0], [200.0]])
    res = _an(f, d, answers=codes)
    # (like, dislike) O; missing; (neutral, neutral) I; (dislike, like) R
    assert res.counts.tolist() == [[0, 1, 0, 1, 1, 0]]
    assert res.n_missing.tolist() == [1]
    with pytest.raises(InputError, match=r"row 2.* is 200\.5,"):
        _an(np.array([[200.0], [200.5]]), d[:2], answers=codes)


# ------------------------------------------------------------ options
def test_answers_as_a_string_or_a_kano_answers_object() -> None:
    with pytest.raises(InputError, match=r"answers"):
        _an([[1]], [[5]], answers="12345")
    reversed_codes = KanoAnswers(codes=(5, 4, 3, 2, 1))
    # 5 like and 1 dislike: (5, 1) is O
    res = _an([[5]], [[1]], answers=reversed_codes)
    assert res.counts.tolist() == [[0, 1, 0, 0, 0, 0]]


def test_attributes_given_as_one_string() -> None:
    res = _an([[1], [2]], [[5], [5]], attributes="speed")
    assert res.attributes == ("speed",)


def test_pairs_must_be_a_non_empty_list_of_pairs() -> None:
    data = {"f": np.array([1]), "d": np.array([5])}
    for bad in ([], [("f",)], [("f", "d", "x")]):
        with pytest.raises(InputError, match=r"'pairs' parameter of kano\.analyze"):
            kano.analyze(data, pairs=bad)  # type: ignore[arg-type]


def test_nan_policy_raise_without_missing_equals_omit() -> None:
    f, d = [[1], [1], [2]], [[5], [4], [5]]
    strict = _an(f, d, nan_policy="raise")
    # (1,5) O, (1,4) A, (2,5) M
    assert strict.counts.tolist() == [[1, 1, 1, 0, 0, 0]]
    np.testing.assert_array_equal(strict.tables, _an(f, d).tables)


def test_segment_column_of_mappings_is_not_an_attribute() -> None:
    data = {
        "wifi": np.array([1, 1, 2, 3]),
        "wifi_d": np.array([5, 4, 5, 3]),
        "seg": np.array(["a", "a", "b", "b"]),
    }
    res = kano.analyze(data, functional="wifi", dysfunctional="wifi_d", segments="seg")
    assert res.attributes == ("wifi",)
    assert res.segments is not None
    # segment a: (1,5) O and (1,4) A; segment b: (2,5) M and (3,3) I
    assert res.segments["a"].counts.tolist() == [[1, 1, 0, 0, 0, 0]]
    assert res.segments["b"].counts.tolist() == [[0, 0, 1, 1, 0, 0]]
    assert res.counts.tolist() == [[1, 1, 1, 1, 0, 0]]


# ------------------------------------------------------------ importance
def test_importance_must_be_numeric() -> None:
    data = {"f": np.array([1]), "d": np.array([5]), "imp": np.array(["high"])}
    with pytest.raises(InputError, match=r"'imp'.*real numbers"):
        kano.analyze(data, functional="f", dysfunctional="d", importance="imp")


def test_importance_off_its_declared_scale() -> None:
    with pytest.raises(
        InputError,
        match=(
            r"'importance' parameter of kano\.analyze has 1 answer\(s\) outside the "
            r"1\.\.10 .* scale; first in column 'imp_1', row 2: 11\.0\.$"
        ),
    ):
        _an(
            [[1], [2]],
            [[5], [5]],
            attributes=["x"],
            importance=[[5.0], [11.0]],
            scale=Scale.likert(1, 10),
        )
    # Regression: the value was shown as np.float64(...) in both messages.
    with pytest.raises(InputError, match=r"Column 'imp_1', row 1 is -2\.0\.$"):
        _an([[1]], [[5]], attributes=["x"], importance=[[-2.0]])


def test_records_carry_importance_and_weighted_coefficients() -> None:
    # O (w 9), A (w 3), M (w 6), I (w 2): Better_w = (9+3)/20, Worse_w = -(9+6)/20
    res = _an(
        [[1], [1], [2], [3]],
        [[5], [4], [5], [3]],
        attributes=["x"],
        importance=[[9.0], [3.0], [6.0], [2.0]],
    )
    rec = res.to_dict()["attributes"][0]
    assert rec["importance_mean"] == pytest.approx(20 / 4)
    assert rec["better_weighted"] == pytest.approx(12 / 20)
    assert rec["worse_weighted"] == pytest.approx(-15 / 20)
    row = res.attribute_table().iloc[0]
    assert row["better_weighted"] == pytest.approx(12 / 20)


# ------------------------------------------------------------ results without rows
def _tables() -> np.ndarray[Any, Any]:
    t = np.zeros((1, 5, 5))
    t[0, 0, 4], t[0, 0, 3], t[0, 1, 4] = 5, 3, 2  # O 5, A 3, M 2
    return t


def test_results_without_rows_have_no_respondent_output() -> None:
    res = kano.from_tables(_tables())
    with pytest.raises(InputError, match=r"not available for lazy frames or segments"):
        res.respondent_categories()
    assert "respondents" not in res.to_dict()
    assert "Q answer" not in str(res.summary())
    seg = _an([[1], [2]], [[5], [5]], segments=["a", "b"])
    assert seg.segments is not None
    with pytest.raises(InputError, match=r"not available"):
        seg.segments["a"].respondent_categories()
    # the full result has the respondents: none has a Q answer
    assert "more than 1 Q answer(s): 0 of 2." in str(seg.summary())


def test_from_tables_two_dimensional_and_bad_input() -> None:
    one = kano.from_tables(_tables()[0])
    # O 5, A 3, M 2: Better = 8/10, Worse = -7/10
    assert one.counts.tolist() == [[3, 5, 2, 0, 0, 0]]
    assert one.better[0] == pytest.approx(0.8)
    assert one.worse[0] == pytest.approx(-0.7)
    with pytest.raises(InputError, match=r"'tables' parameter of kano\.from_tables"):
        kano.from_tables([["a", "b"]])
    with pytest.raises(InputError, match=r"n_missing is only for \(p, 5, 5\) tables"):
        kano.from_tables(np.zeros((1, 6, 6)), n_missing=[1])


# ------------------------------------------------------------ lazy frames
def test_lazy_frame_option_errors() -> None:
    pl = pytest.importorskip("polars")
    pytest.importorskip("satmodels.stats.counts")
    lazy = pl.DataFrame({"f": [1, 2], "d": [5, 5]}).lazy()
    with pytest.raises(
        InputError, match=r"'attributes' parameter of kano\.analyze names 2 attribute"
    ):
        kano.analyze(lazy, pairs=[("f", "d")], attributes=["a", "b"])
    with pytest.raises(
        InputError, match=r"'importance' parameter of kano\.continuous needs the rows"
    ):
        kano.continuous(lazy, pairs=[("f", "d")], importance=["f"])
    with pytest.raises(
        InputError, match=r"'attributes' parameter of kano\.continuous names 2"
    ):
        kano.continuous(lazy, pairs=[("f", "d")], attributes=["a", "b"])
    # one attribute named by a plain string (not split into its characters);
    # answers (1, 5) and (2, 5) are O and M by Berger et al. (1993)
    res = kano.analyze(lazy, pairs=[("f", "d")], attributes="speed")
    record = res.to_dict()["attributes"][0]
    assert record["name"] == "speed"
    assert record["counts"]["O"] == 1
    assert record["counts"]["M"] == 1


# ------------------------------------------------------------ continuous
def test_continuous_options_and_records() -> None:
    with pytest.raises(InputError, match=r"'scores' parameter of kano\.continuous"):
        _co([[1]], [[5]], scores=(1, 2))
    with pytest.raises(InputError, match=r"'threshold'.*Got inf"):
        _co([[1]], [[5]], threshold=math.inf)
    # DuMouchel scores: (1,5) -> f 4, d 4; (2,5) -> f 2, d 4
    res = _co([[1], [2]], [[5], [5]], importance=[[3.0], [5.0]])
    rec = res.to_dict()["attributes"][0]
    assert rec["importance_mean"] == pytest.approx(4.0)
    assert rec["functional_mean"] == pytest.approx(3.0)
    with pytest.raises(InputError, match=r"'confidence_level' parameter"):
        res.confidence_interval(1.0)
    # t interval of the functional scores 4, 2: mean 3, sd sqrt(2), df 1
    ci = res.confidence_interval(0.9)
    half = stats.t.ppf(0.95, 1) * math.sqrt(2) / math.sqrt(2)
    assert ci.low[0] == pytest.approx(3.0 - half)  # rows: functional, dysfunctional


def test_continuous_attribute_without_pairs_has_no_quadrant() -> None:
    res = _co(np.array([[np.nan, 1.0]]), np.array([[5.0, 5.0]]))
    assert res.n.tolist() == [0, 1]
    assert res.quadrant == ("", "O")  # (1,5): f 4 > 2 and d 4 > 2
    json.dumps(res.to_dict())
    assert res.to_dict()["attributes"][0]["functional_mean"] is None


# ------------------------------------------------------------ waves
def _wave(f: list[int], d: list[int], names: tuple[str, ...] = ("x",)) -> Any:
    arr_f = np.array(f, dtype=float).reshape(-1, len(names))
    arr_d = np.array(d, dtype=float).reshape(-1, len(names))
    return _an(arr_f, arr_d, attributes=list(names))


def test_waves_with_one_category_cannot_be_tested() -> None:
    w = _wave([1] * 6, [4] * 6)  # six A answers in both waves
    cmp = kano.compare_waves(w, w)
    assert cmp.method == ("none",)
    assert np.isnan(cmp.statistic[0]) and np.isnan(cmp.p_value[0])
    assert cmp.dof.tolist() == [0]
    assert not cmp.significant[0]
    assert cmp.direction == ("unchanged",)
    assert cmp.transitions[0, 0] == 1  # A -> A


def test_waves_forced_methods_match_pearson_by_hand() -> None:
    # wave 1: A 3, O 1; wave 2: A 1, O 3 -> expected 2 in each cell,
    # X2 = 4 * (1^2 / 2) = 2 with 1 dof (below 5: "auto" would use MC)
    w1 = _wave([1, 1, 1, 1], [4, 4, 4, 5])
    w2 = _wave([1, 1, 1, 1], [4, 5, 5, 5])
    chi = kano.compare_waves(w1, w2, method="chi2")
    assert chi.method == ("chi2",)
    assert chi.statistic[0] == pytest.approx(2.0)
    assert chi.p_value[0] == pytest.approx(stats.chi2.sf(2.0, 1))
    mc = kano.compare_waves(w1, w2, method="monte_carlo", n_resamples=2000, rng=1)
    assert mc.method == ("monte_carlo",)
    assert mc.statistic[0] == pytest.approx(2.0)
    # exact: first row ~ hypergeometric(8, 4 A, 4 drawn); X2 >= 2 unless the
    # row has exactly 2 A -> p = 1 - C(4,2)^2 / C(8,4) = 1 - 36/70
    assert mc.p_value[0] == pytest.approx(1 - 36 / 70, abs=0.03)
    assert chi.direction == ("life-cycle",)  # A -> O


def test_waves_option_errors() -> None:
    w = _wave([1, 2], [4, 5])
    with pytest.raises(
        InputError, match=r"'significance_level' parameter of kano.compare_waves"
    ):
        kano.compare_waves(w, w, significance_level=1.0)
    with pytest.raises(InputError, match=r"'n_resamples'.*integer >= 1. Got 0"):
        kano.compare_waves(w, w, n_resamples=0)


def test_waves_other_moves_and_empty_attributes() -> None:
    # attribute x: I (3,3) in wave 1, A (1,4) in wave 2 -> "other";
    # attribute y: answered in wave 1 (O), never in wave 2 -> no category
    w1 = _wave([3, 1, 3, 1], [3, 5, 3, 5], names=("x", "y"))
    f2 = np.array([[1, np.nan], [1, np.nan]])
    d2 = np.array([[4, 5], [4, 5]])
    with pytest.warns(SatmodelsWarning, match=r"\['y'\]"):
        w2 = _an(f2, d2, attributes=["x", "y"])
    cmp = kano.compare_waves(w1, w2)
    assert cmp.first_category == ("I", "O")
    assert cmp.second_category == ("A", "")
    assert cmp.direction == ("other", "other")
    assert cmp.transitions.sum() == 1  # only x has a category in both
    assert cmp.transitions[3, 0] == 1  # I -> A
    assert cmp.method[1] == "none"  # wave 2 has no pair for y


def test_warnings_name_the_callers_line_with_and_without_segments() -> None:
    # Attribute 2 has only Q answers (1, 1): no Better/Worse in any group.
    data, kw = kano_columns(
        [[1, 1], [1, 1], [2, 1], [3, 1]], [[4, 1], [5, 1], [5, 1], [3, 1]]
    )
    data["seg"] = np.array(["a", "a", "b", "b"])
    for segments in (None, "seg"):
        with pytest.warns(SatmodelsWarning, match="no A, O, M or I") as record:
            kano.analyze(data, **kw, segments=segments)
        assert len(record) == (1 if segments is None else 3)
        assert {w.filename for w in record} == {__file__}


def test_mode_is_the_least_preferred_category_when_it_is_the_unique_maximum() -> None:
    # the tie-break ranks only the tied maxima: a unique maximum wins even
    # when the tie rule ranks it last (mutation testing found this untested)
    from satmodels.kano._kernels import pick_mode

    counts = np.array([[1.0, 0.0, 0.0, 0.0, 0.0, 5.0], [2.0, 2.0, 0.0, 0.0, 0.0, 0.0]])
    chosen, tied = pick_mode(counts, np.arange(6))
    assert chosen.tolist() == [5, 0]
    assert tied.tolist() == [False, True]
    chosen, _ = pick_mode(counts, np.array([5, 4, 3, 2, 1, 0]))
    assert chosen.tolist() == [5, 1]
