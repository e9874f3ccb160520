"""Issue "Nothing silent": every example it lists, as a regression test.

Each test names the example it pins. The rule (docs/conventions.md): a
statistic that cannot be estimated is refused with a typed error or returned
as NaN with a SatmodelsWarning; never a number computed from an undefined
one, never a foreign exception, never a missing answer counted as zero.
"""

from __future__ import annotations

import contextlib
import json
import warnings

import numpy as np
import pandas as pd
import pytest

from satmodels import (
    EstimationError,
    InputError,
    SatmodelsError,
    SatmodelsWarning,
    acsi,
    csi,
    satisfaction_ratio,
    servqual,
)
from satmodels.datasets import load_sample_survey


def test_csm_unanswered_item_is_not_a_zero() -> None:
    # was 15.0: the unanswered item counted as 0 (the answered one averages 30)
    with pytest.warns(SatmodelsWarning):
        res = csi.csm([[30, np.nan], [0, np.nan], [60, np.nan]])
    assert res.csm == pytest.approx(30.0)


def test_servqual_nan_standard_error_gives_no_test() -> None:
    # was SE NaN, t = -inf, p = 0.0 and no warning
    survey = load_sample_survey()
    small = {k: np.asarray(v)[:3] for k, v in survey.items() if k.startswith("sq_")}
    for k in ("sq_p1", "sq_p2", "sq_p3", "sq_p4"):
        small[k] = np.array([np.nan, np.nan, 5.0])
    with pytest.warns(SatmodelsWarning):
        res = servqual.gaps(small)
    est = res.estimates
    undefined = ~np.isfinite(est.standard_error)
    assert undefined.any()
    assert np.isnan(est.statistic[undefined]).all()
    assert np.isnan(est.pvalue[undefined]).all()
    assert "-inf" not in str(res.summary())


def test_ahp_duplicate_labels_are_refused() -> None:
    with pytest.raises(InputError, match="labels"):
        csi.ahp([[1, 3], [1 / 3, 1]], labels=["a", "a"])


def test_nan_stated_importance_is_refused() -> None:
    survey = load_sample_survey()
    items = ["qual1", "qual2", "val1"]
    imp = {"qual1": 5.0, "qual2": np.nan, "val1": 3.0}
    with pytest.raises(InputError, match="importance"):
        csi.ipa(survey, items=items, importance=imp)
    points = {
        "tangibles": 10,
        "reliability": np.nan,
        "responsiveness": 30,
        "assurance": 30,
        "empathy": 30,
    }
    with pytest.raises(InputError, match="importance"):
        servqual.gaps(survey, importance=points)


def test_acsi_bootstrap_on_two_rows_is_refused() -> None:
    # was bootstrap t = 2.9e15, p = 0.0
    two = {k: np.asarray(v)[:2] for k, v in load_sample_survey().items()}
    with pytest.raises(InputError):
        acsi.fit(two, scale=(1, 10), n_resamples=50, rng=1)


def test_one_respondent_gives_no_infinite_interval() -> None:
    data = {"p": np.array([5.0]), "e": np.array([4.0])}
    with pytest.warns(SatmodelsWarning):
        res = satisfaction_ratio(data, perceived=["p"], expected=["e"])
    assert not np.isinf(res.estimates.ci_low).any()
    assert not np.isinf(res.estimates.ci_high).any()
    json.dumps(res.to_dict(), allow_nan=False)


@pytest.mark.parametrize(
    "call",
    [
        # narwhals' DuplicateError
        lambda: csi.csm(pd.DataFrame([[30, 0]], columns=["a", "a"])),
        # numpy's TypeError / ValueError for a bad rng
        lambda: csi.shapley_importance(
            load_sample_survey(),
            target="overall",
            items=["qual1", "qual2"],
            n_resamples=5,
            rng="seven",
        ),
        # JSONDecodeError / TypeError from CSITree.from_dict
        lambda: csi.CSITree.from_dict("{not json"),
        lambda: csi.CSITree.from_dict(3),  # type: ignore[arg-type]
        # OverflowError from nps with large weights: a right answer now
        lambda: csi.nps({"x": np.array([10.0, 0.0])}, weights=np.array([1e308, 1e308])),
    ],
)
def test_no_foreign_exception(call: object) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SatmodelsWarning)
        with contextlib.suppress(SatmodelsError):
            call()  # type: ignore[operator]


def test_shapley_bootstrap_on_a_tiny_sample() -> None:
    # was numpy's LinAlgError
    x = {"y": np.array([1.0, 2.0, 3.0, 4.0]), "a": np.array([1.0, 1.0, 2.0, 2.0])}
    x["b"] = x["a"] * 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SatmodelsWarning)
        with contextlib.suppress(SatmodelsError):
            csi.shapley_importance(
                x, target="y", items=["a", "b"], n_resamples=20, rng=1
            )


def test_a_long_latent_chain_is_no_recursion_error() -> None:
    lines = [f"L{i} =~ x{i}" for i in range(1200)]
    lines += [f"L{i + 1} ~ L{i}" for i in range(1199)]
    spec = acsi.ModelSpec.from_syntax("\n".join(lines))
    assert len(spec.latents) == 1200


def test_out_of_range_input_is_refused() -> None:
    frame = {
        "index": np.array([70.0, 150.0]),
        "sizes": np.array([1.0, 1.0]),
        "company": np.array(["a", "b"]),
    }
    with pytest.raises(InputError, match="150"):
        csi.aggregate(frame, index="index", sizes="sizes", by=["company"])
    dates = np.array(["2026-01-01", "2026-01-02"], dtype="datetime64[D]")
    with pytest.raises(InputError, match="real numbers"):
        csi.csm({"a": dates})
    with pytest.raises(InputError, match="complex"):
        csi.csm(np.array([[30 + 0j], [0]]))


def test_per_item_thresholds_are_kept_per_item() -> None:
    data = {
        "p1": np.array([5.0, 6.0, 5.0]),
        "e1": np.array([4.0, 4.0, 5.0]),
        "p2": np.array([3.0, 3.0, 4.0]),
        "e2": np.array([4.0, 5.0, 4.0]),
    }
    cuts = {"p1/e1": (0.5, 0.9, 1.1, 1.5), "p2/e2": (0.8, 0.95, 1.05, 1.2)}
    a = satisfaction_ratio(
        data,
        perceived=["p1", "p2"],
        expected=["e1", "e2"],
        items=["p1/e1", "p2/e2"],
        thresholds=cuts,
        nan_policy="omit",
    )
    b = satisfaction_ratio(
        data,
        perceived=["p2", "p1"],
        expected=["e2", "e1"],
        items=["p2/e2", "p1/e1"],
        thresholds=cuts,
        nan_policy="omit",
    )
    assert a.thresholds["p1/e1"] == b.thresholds["p1/e1"]
    assert a.overall_grade == b.overall_grade  # reordering changes nothing


def test_weights_by_column_name_in_the_ratio() -> None:
    data = {
        "p": np.array([5.0, 6.0]),
        "e": np.array([4.0, 4.0]),
        "w": np.array([1.0, 3.0]),
    }
    res = satisfaction_ratio(data, perceived=["p"], expected=["e"], weights="w")
    assert res.estimates.estimate[0] == pytest.approx((5 + 18) / 16)


def test_ml_honours_the_confidence_level() -> None:
    survey = load_sample_survey()
    res = acsi.fit(survey, method="ml", scale=(1, 10), confidence_level=0.9)
    assert res.confidence_level == 0.9
    assert res.estimates.confidence_level == 0.9


def test_alpha_to_frame_has_alpha_and_its_interval() -> None:
    survey = load_sample_survey()
    frame = csi.cronbach_alpha(survey, items=["sat1", "sat2", "sat3"]).to_frame()
    row = frame[frame["kind"] == "alpha"]
    assert len(row) == 1
    assert np.isfinite(row["ci_low"].iloc[0])


def test_messages_name_public_parameters_only() -> None:
    data = {"p": np.array([5.0, 6.0]), "e": np.array([0.0, 4.0])}
    with pytest.raises(InputError) as err:
        satisfaction_ratio(data, perceived=["p"], expected=["e"])
    text = str(err.value)
    assert "grade" not in text and "'c' parameter" not in text
    assert "expected" in text


def test_a_block_whose_items_cancel_is_refused_by_name() -> None:
    # two items perfectly negatively correlated: the equally weighted start
    # composite has variance 0 and numpy warned from inside the kernel
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=50), rng.normal(size=50)
    data = {
        "a1": a,
        "a2": -a,
        "b1": b + rng.normal(size=50),
        "b2": b + rng.normal(size=50),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning, no ConvergenceWarning
        with pytest.raises(EstimationError, match=r"\['A'\].*cancel out"):
            acsi.fit(data, model="A =~ a1 + a2; B =~ b1 + b2; B ~ A", scale=(-5, 5))


def test_prca_with_collinear_dummies_is_refused() -> None:
    # the same respondents are low (high) on a and b: the dummies are
    # collinear and numpy took the root of a negative variance before
    a = [6, 6, 6, 6, 6, 1, 1, 1, 1, 5, 6, 6]
    b = [5, 5, 5, 5, 5, 2, 2, 2, 2, 2, 5, 5]
    y = [4, 4, 4, 4, 4, 1, 1, 1, 1, 3, 4, 4]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(EstimationError, match="collinear"):
            csi.prca(
                {"a": a, "b": b, "y": y},
                items=["a", "b"],
                target="y",
                scale=(1, 6),
                low=[1, 2],
                high=[5, 6],
            )


def test_prca_exact_fit_warns_and_gives_no_tests() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.integers(1, 7, 40), rng.integers(1, 7, 40)
    y = -1.0 * (a <= 2) + 1.0 * (a >= 5) - 2.0 * (b <= 2) + 0.5 * (b >= 5)
    with pytest.warns(SatmodelsWarning, match="exactly"):
        res = csi.prca(
            {"a": a, "b": b, "y": y},
            items=["a", "b"],
            target="y",
            scale=(1, 6),
            low=[1, 2],
            high=[5, 6],
        )
    assert res.penalty["b"] == pytest.approx(-2.0)
    assert np.all(np.isnan(res.estimates.pvalue))
