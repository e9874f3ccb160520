"""The ``design`` keyword of every estimate (docs/design.md).

References: ``f(data, design=D, ...)`` is defined as
:func:`satmodels.design.replicate` of ``f`` (JKn for a Design, the given
replicate columns for a ReplicateDesign), checked against R's survey in
tests/test_design.py; here the keyword reproduces tests/golden/design_survey.csv
(design_survey.R: ``svymean`` on ``as.svrepdesign(type = "JKn")`` and on
``svrepdesign`` of the given JK1, BRR, Fay and bootstrap weights) for the
NPS, and every function of the conformance cases equals replicate to 1e-12.
"""

from __future__ import annotations

import functools
import inspect
import math
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels import InputError, Moments
from satmodels.csi import ces, csat, csm, key_drivers, nps
from satmodels.design import Design, ReplicateDesign, mean, ratio, replicate
from satmodels.ratio import satisfaction_ratio

sys.path.insert(0, str(Path(__file__).parent / "conformance"))
sys.path.insert(0, str(Path(__file__).parent))

from _harness import Case, load_cases
from test_design import DESIGNS, _csv, _num, _replicate_design

DESIGN = Design(strata="_st", clusters="_psu", weights="_wt")
#: Functions whose rows are means of codings: Taylor under a Design.
TAYLOR = {"csi.nps", "csi.csat", "csi.ces", "ratio.satisfaction_ratio"}
CASES = [
    c
    for c in load_cases()
    if "design" in inspect.signature(c.call).parameters
    and c.weights
    and not c.id.startswith("national.")  # national's own design (Taylor)
]


#: JK1 replicate weights of 8 random groups (Wolter 2007, sec. 4.2)
REPLICATES = ReplicateDesign(
    replicates=tuple(f"_r{k}" for k in range(8)), method="JK1", weights="_wt"
)


def _with_design(case: Case, design: Design | ReplicateDesign) -> dict[str, Any]:
    """The case's answers and the design's columns (and no other column)."""
    n = len(next(iter(case.data.values())))
    gen = np.random.default_rng(5)
    wt = gen.uniform(0.5, 2.0, size=n)
    if isinstance(design, ReplicateDesign):
        group = np.arange(n) % 8
        reps = {f"_r{k}": wt * (group != k) * 8.0 / 7.0 for k in range(8)}
        return dict(case.data) | {"_wt": wt} | reps
    strata = (np.arange(n) < n // 2).astype(float)
    return dict(case.data) | {"_st": strata, "_psu": np.arange(n) % 8.0, "_wt": wt}


def _kwargs(case: Case) -> dict[str, Any]:
    return {k: v for k, v in case.kwargs.items() if k not in {"n_resamples", "rng"}}


def _same(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> None:
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("design", [DESIGN, REPLICATES], ids=["JKn", "JK1"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_keyword_is_replicate_and_keeps_the_result_type(
    case: Case, design: Design | ReplicateDesign
) -> None:
    data = _with_design(case, design)
    got = case.call(data, design=design, **_kwargs(case))
    if isinstance(design, Design) and case.id in TAYLOR:
        design = REPLICATES  # Taylor rows: test_taylor_rows_are_design_mean
        data = _with_design(case, design)
        got = case.call(data, design=design, **_kwargs(case))
    # the function's own options bound first: its 'method' is not replicate's
    ref = replicate(functools.partial(case.call, **_kwargs(case)), data, design=design)
    assert type(got) is type(ref.result)
    est, want = got.estimates, ref.estimates
    assert est.name == want.name
    assert est.kind == want.kind
    for col in ("estimate", "standard_error", "ci_low", "ci_high", "df", "pvalue"):
        _same(getattr(est, col), getattr(want, col))
    assert est.design_effect is not None
    _same(est.design_effect, ref.design_effect)
    assert set(est.interval) == {"t"}
    # 16 PSUs in 2 strata; 8 JK1 replicates of rank 8
    assert np.all(est.df == (14.0 if design is DESIGN else 7.0))
    # the point estimates are the fit with the design's weights
    alone = case.call(data, weights="_wt", columns=list(case.data), **_kwargs(case))
    _same(est.estimate, alone.estimates.estimate)
    assert "design_effect" in list(got.to_frame().columns)


# ------------------------------------------------------------ R references
@pytest.fixture(scope="module")
def survey() -> dict[str, np.ndarray[Any, Any]]:
    rows = _csv("design_sample.csv")
    data = {k: np.array([_num(r[k]) for r in rows]) for k in rows[0]}
    reps = _csv("design_replicates.csv")
    for key in reps[0]:
        if key != "row":
            data[key] = data["w"] * np.array([float(r[key]) for r in reps])
    return data


@pytest.fixture(scope="module")
def expected() -> dict[tuple[str, str, str], dict[str, float]]:
    return {
        (r["design"], r["statistic"], r["item"]): {
            k: _num(r[k]) for k in ("estimate", "se", "deff", "df")
        }
        for r in _csv("design_survey.csv")
    }


def _answers(survey: dict[str, Any], extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """The score column with the design's columns only (no other answers)."""
    keep = ("score", "stratum", "psu", "fpc", "w", *extra)
    return {k: v for k, v in survey.items() if k in keep or re.search(r"_\d+$", k)}


@pytest.mark.parametrize(
    ("reference", "design"),
    [
        ("taylor", Design(strata="stratum", clusters="psu", weights="w")),
        (
            "taylor_fpc",
            Design(strata="stratum", clusters="psu", fpc="fpc", weights="w"),
        ),
        ("unclustered", Design(strata="stratum", weights="w")),
    ],
)
def test_nps_under_a_design_matches_survey_taylor(
    reference: str, design: Design, survey: dict[str, Any], expected: Any
) -> None:
    res = nps(_answers(survey), items="score", design=design)
    ref = expected[(reference, "mean", "nps")]
    assert res.nps == pytest.approx(ref["estimate"], rel=1e-12)
    assert res.standard_error == pytest.approx(ref["se"], rel=1e-9)
    assert res.estimates.df[0] == ref["df"]


@pytest.mark.parametrize("name", ["JK1", "JKn", "bootstrap", "BRR", "Fay"])
def test_nps_under_replicate_weights_matches_survey(
    name: str, survey: dict[str, Any], expected: Any
) -> None:
    design = _replicate_design(name, survey)
    res = nps(survey, items="score", design=design)
    ref = expected[(name, "mean", "nps")]
    assert res.nps == pytest.approx(ref["estimate"], rel=1e-12)
    assert res.standard_error == pytest.approx(ref["se"], rel=1e-9)
    assert res.estimates.df[0] == ref["df"]


def _coded(survey: dict[str, Any], column: str, values: np.ndarray[Any, Any]) -> Any:
    return {k: v for k, v in survey.items() if k != "score"} | {column: values}


@pytest.mark.parametrize("name", ["taylor_fpc", "unclustered", "JK1", "BRR", "Fay"])
def test_means_of_codings_equal_design_mean(name: str, survey: dict[str, Any]) -> None:
    """NPS, its shares, CSAT top-box and the CES mean are design.mean of codings
    (Taylor under a Design, replication under replicate weights)."""
    design = DESIGNS.get(name) or _replicate_design(name, survey)
    score = survey["score"]
    answers = np.clip(np.round(score), 0, 10)
    base = _coded(survey, "ltr", answers)
    res = nps(base, items="ltr", design=design)
    codings = {
        ("nps", "nps"): np.select([answers >= 9, answers <= 6], [100.0, -100.0], 0.0),
        ("share", "promoters"): 100.0 * (answers >= 9),
        ("share", "detractors"): 100.0 * (answers <= 6),
    }
    for (kind, row), code in codings.items():
        coded = np.where(np.isnan(answers), np.nan, code)  # missing stays out
        ref = mean(_coded(survey, "y", coded), design=design, items=["y"])
        i = list(zip(res.estimates.kind, res.estimates.name, strict=True)).index(
            (kind, row)
        )
        assert res.estimates.estimate[i] == pytest.approx(
            ref.estimates.value("y", kind="mean"), rel=1e-12
        )
        assert res.estimates.standard_error[i] == pytest.approx(
            ref.estimates.select("mean").standard_error[0], rel=1e-10
        )
    five = np.clip(np.round(score / 2.0), 1, 5)
    top = csat(_coded(survey, "sat", five), items="sat", design=design, scale=(1, 5))
    top_box = np.where(np.isnan(five), np.nan, 100.0 * (five >= 4))
    ref = mean(_coded(survey, "y", top_box), design=design, items=["y"])
    assert top.estimates.standard_error[0] == pytest.approx(
        ref.estimates.select("mean").standard_error[0], rel=1e-10
    )
    effort = ces(
        _coded(survey, "effort", five), items="effort", design=design, scale=(1, 5)
    )
    ref = mean(_coded(survey, "y", five), design=design, items=["y"])
    i = effort.estimates.kind.index("mean")
    assert effort.estimates.estimate[i] == pytest.approx(
        ref.estimates.value("y", kind="mean"), rel=1e-12
    )
    assert effort.estimates.standard_error[i] == pytest.approx(
        ref.estimates.select("mean").standard_error[0], rel=1e-10
    )


# ------------------------------------------------------------ the surface
def _small() -> dict[str, Any]:
    gen = np.random.default_rng(0)
    return {
        "region": np.repeat([1.0, 2.0], 60),
        "branch": np.repeat(np.arange(8.0), 15),
        "ltr": gen.integers(0, 11, 120).astype(float),
        "w": gen.uniform(1.0, 3.0, 120),
        "seg": np.where(np.arange(120) % 3 == 0, "a", "b"),
    }


SMALL = Design(strata="region", clusters="branch", weights="w")


def test_segments_and_levels_are_design_based() -> None:
    res = nps(_small(), items="ltr", segments="seg", design=SMALL)
    assert res.segments is not None
    assert res.estimates.design_effect is not None
    for label, sub in res.segments.items():
        rows = [i for i, s in enumerate(res.estimates.segment) if s == label]
        _same(sub.estimates.standard_error, res.estimates.standard_error[rows])
        assert sub.estimates.design_effect is not None
    low, high = res.confidence_interval(0.9)
    again = nps(
        _small(), items="ltr", segments="seg", design=SMALL, confidence_level=0.9
    )
    _same(np.asarray(low), again.estimates.ci_low)
    _same(np.asarray(high), again.estimates.ci_high)
    assert math.isfinite(res.estimates.design_effect[0])
    assert "deff" in str(res.summary())
    # a segment's NPS is a domain mean: answers outside it missing, PSUs kept
    data = _small()
    y = data["ltr"]
    code = np.select([y >= 9, y <= 6], [100.0, -100.0], 0.0)
    domain = np.where(data["seg"] == "a", code, np.nan)
    plain = {k: v for k, v in data.items() if k not in {"seg", "ltr"}}
    ref = mean(plain | {"y": domain}, design=SMALL, items=["y"])
    assert res.segments["a"].standard_error == pytest.approx(
        ref.estimates.select("mean").standard_error[0], rel=1e-12
    )
    assert res.segments["a"].nps == pytest.approx(ref.estimates.value("y", "mean"))


def test_without_a_design_nothing_changes() -> None:
    res = nps(_small(), items="ltr", weights="w")
    assert res.estimates.design_effect is None
    assert "design_effect" not in list(res.to_frame().columns)


@pytest.mark.parametrize("name", ["taylor_fpc", "JK1"])
def test_a_ratio_of_means_is_design_ratio(name: str, survey: dict[str, Any]) -> None:
    """c = b/a: the ratio of means is design.ratio, the means design.mean."""
    design = DESIGNS.get(name) or _replicate_design(name, survey)
    pairs = np.isfinite(survey["perceived"]) & np.isfinite(survey["expected"])
    data = {k: v[pairs] for k, v in survey.items() if k != "score"}
    got = satisfaction_ratio(
        data, perceived=["perceived"], expected=["expected"], design=design
    )
    est = got.estimates
    ref = ratio(data, design=design, numerator="perceived", denominator="expected")
    i = list(zip(est.kind, est.name, strict=True)).index(
        ("ratio_of_means", "perceived")
    )
    assert est.estimate[i] == pytest.approx(ref.estimates.estimate[0], rel=1e-12)
    assert est.standard_error[i] == pytest.approx(
        ref.estimates.standard_error[0], rel=1e-10
    )
    # the result's stored standard errors are the table's
    assert got.ratio_of_means_se[0] == est.standard_error[i]
    means = mean(data, design=design, items=["perceived", "expected"])
    for kind, item in (("perceived_mean", "perceived"), ("expected_mean", "expected")):
        row = list(zip(est.kind, est.name, strict=True)).index((kind, "perceived"))
        j = list(means.estimates.name).index(item)
        assert est.standard_error[row] == pytest.approx(
            means.estimates.standard_error[j], rel=1e-10
        )


def test_a_coding_that_misses_the_estimate_falls_back_to_replication(
    survey: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard: missing answers coded 0 miss the NPS, so rows replicate."""
    import satmodels.design._taylor as taylor

    design = DESIGNS["taylor"]
    monkeypatch.setattr(taylor, "_code", lambda y, hit: np.where(hit, 100.0, 0.0))
    got = nps(survey, items="score", design=design)
    ref = replicate(nps, survey, design=design, items="score")
    _same(got.estimates.standard_error, ref.estimates.standard_error)


def test_refusals_name_the_parameters() -> None:
    data = _small()
    with pytest.raises(InputError, match="'weights' and 'design'"):
        nps(data, items="ltr", weights="w", design=SMALL)
    drivers = data | {"y": data["ltr"] + 1.0, "x": data["w"] * 2}
    with pytest.raises(InputError, match="'n_resamples' and 'design'"):
        key_drivers(
            drivers, items=["ltr", "x"], target="y", n_resamples=9, design=SMALL
        )
    with pytest.raises(InputError, match="design"):
        nps(data, items="ltr", design="region")  # type: ignore[arg-type]
    import polars as pl

    frame = pl.DataFrame({k: v for k, v in data.items() if k != "seg"})
    with pytest.raises(InputError, match="rows in memory"):
        nps(frame.lazy(), items="ltr", design=SMALL)  # Taylor rows
    with pytest.raises(InputError, match="rows in memory"):
        csm(frame.lazy(), items=["ltr"], scale=(0, 10), design=SMALL)  # replicated
    with pytest.raises(InputError, match="rows"):
        csm(Moments.from_data({"ltr": data["ltr"]}), scale=(0, 10), design=SMALL)
    lonely = data | {"region": np.r_[np.ones(119), 2.0]}
    with pytest.raises(InputError, match="single PSU"):
        nps(lonely, items="ltr", design=SMALL)


def test_a_segmented_pls_fit_replicates_each_segment() -> None:
    """A PLS fit's segments are not rows of its table: each is replicated."""
    from cases_acsi import MODEL, _two_segments

    from satmodels import acsi

    n = 240
    data = _two_segments(n) | {
        "st": (np.arange(n) % 2).astype(float),
        "psu": np.arange(n) % 12.0,
        "w": np.random.default_rng(1).uniform(1.0, 2.0, n),
    }
    design = Design(strata="st", clusters="psu", weights="w")
    res = acsi.fit(data, model=MODEL, segments="grp", design=design)
    assert res.segments is not None

    def one_segment(frame: Any, weights: Any = None) -> Any:
        fit = acsi.fit(frame, weights=weights, model=MODEL, segments="grp")
        assert fit.segments is not None
        return fit.segments["1.0"]

    ref = replicate(one_segment, data, design=design)
    sub = res.segments["1.0"]
    _same(sub.estimates.standard_error, ref.estimates.standard_error)
    assert sub.estimates.design_effect is not None
    assert len(res.estimates) == len(ref.estimates)  # its own rows only
