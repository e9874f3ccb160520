"""Tests of acsi.invariance (multigroup ML, measurement invariance).

Sources of the expected numbers:

* lavaan 0.6.14 (R), script tests/golden/lavaan_invariance.R:
  ``sem(..., group=, group.equal=)`` at the four levels and ``lavTestLRT``
  on the ECSI measurement model of the mobile-phone survey split by row
  parity (rows 1, 3, ... "half1"; 2, 4, ... "half2"; skipped when
  /work/shared/data/ecsi/mobi.csv is absent) and on the ACSI model of the
  bundled sample survey grouped by its 'segment' column. Tolerances: fit
  statistics 1e-6 relative (SRMR 1e-5), estimates 5e-4 absolute, standard
  errors 2e-4 relative: lavaan's optimiser stops with gradients near 1e-5
  (the golden file's 'tolerance' entry);
* satmodels' single-group ML fit (itself checked against lavaan and
  semopy): the configural model is the segments fitted separately;
* finite differences of the multigroup discrepancy (gradient, Hessian);
* simulation recovery of latent mean differences and rejection of
  non-invariant intercepts.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels import acsi
from satmodels.acsi import ModelSpec, ecsi
from satmodels.acsi._mg_fit import build_maps, start
from satmodels.acsi._mg_ml_kernel import (
    GroupData,
    MGDerivs,
    _local_derivatives,
    _local_objective,
    mg_derivatives,
    mg_objective,
)
from satmodels.acsi._ml_kernel import compile_structure
from satmodels.acsi._ml_optim import start_values
from satmodels.acsi.multigroup import InvarianceFit
from satmodels.datasets import load_sample_survey
from satmodels.exceptions import (
    AdmissibilityWarning,
    InputError,
    SpecificationError,
)

GOLDEN = json.loads(
    (Path(__file__).parent / "golden" / "lavaan_invariance.json").read_text()
)
# beside the repository (docs/conventions), or the machine's shared copy
MOBI = next(
    (
        p
        for p in (
            Path(__file__).resolve().parents[1] / "../shared/data/ecsi/mobi.csv",
            Path("/work/shared/data/ecsi/mobi.csv"),
        )
        if p.exists()
    ),
    Path("/work/shared/data/ecsi/mobi.csv"),
)
TOL = GOLDEN["tolerance"]
FIT_KEYS = {
    "chi2": "chisq",
    "df": "df",
    "pvalue": "pvalue",
    "cfi": "cfi",
    "tli": "tli",
    "rmsea": "rmsea",
    "rmsea_ci_low": "rmsea.ci.lower",
    "rmsea_ci_high": "rmsea.ci.upper",
    "loglik": "logl",
    "aic": "aic",
    "bic": "bic",
    "baseline_chi2": "baseline.chisq",
    "baseline_df": "baseline.df",
    "n_parameters": "npar",
}
CFA = "A =~ a1 + a2 + a3; B =~ b1 + b2 + b3"


def _quiet(data: Any, **kwargs: Any) -> acsi.InvarianceResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AdmissibilityWarning)
        return acsi.invariance(data, **kwargs)


@pytest.fixture(scope="module")
def sample_result() -> acsi.InvarianceResult:
    return _quiet(load_sample_survey(), model="acsi", segments="segment")


@pytest.fixture(scope="module")
def mobi_result() -> acsi.InvarianceResult:
    if not MOBI.exists():
        pytest.skip("mobi.csv not available")
    import pandas as pd

    mobi = pd.read_csv(MOBI)
    mobi["half"] = np.where(np.arange(len(mobi)) % 2 == 0, "half1", "half2")
    spec = ModelSpec(blocks=ecsi().blocks, paths=())
    return _quiet(mobi, model=spec, segments="half")


def _check_against_lavaan(res: acsi.InvarianceResult, gold: dict[str, Any]) -> None:
    labels = list(res.n_by_segment)
    assert sorted(gold["groups"]) == labels
    n_gold = dict(zip(gold["groups"], gold["n"], strict=True))
    assert res.n_by_segment == n_gold
    for level in res.levels:
        fit = res.fits[level]
        ref = gold["levels"][level]
        for ours, theirs in FIT_KEYS.items():
            np.testing.assert_allclose(
                getattr(fit, ours), ref["fit"][theirs], rtol=TOL["fit_rtol"], atol=1e-12
            )
        np.testing.assert_allclose(fit.srmr, ref["fit"]["srmr"], rtol=TOL["srmr_rtol"])
        by_group = dict(zip(gold["groups"], ref["chisq_group"], strict=True))
        for label, chi2 in fit.chi2_by_segment.items():
            # a share of chi2 moves with the estimates: first order, as SRMR
            np.testing.assert_allclose(chi2, by_group[label], rtol=TOL["srmr_rtol"])
        # our optimum is at least as good as lavaan's
        assert fit.chi2 <= ref["fit"]["chisq"] * (1 + 1e-12)
        _check_estimates(res, fit, ref["estimates"], gold["groups"])


def _check_estimates(
    res: acsi.InvarianceResult,
    fit: InvarianceFit,
    gold_rows: list[dict[str, Any]],
    groups: list[str],
) -> None:
    est = fit.estimates
    table: dict[tuple[str, str, str], tuple[float, float]] = {}
    for k, name, seg, e, s in zip(
        est.kind, est.name, est.segment, est.estimate, est.standard_error, strict=True
    ):
        table[(str(seg), k, name)] = (float(e), float(s))
    spec = res.spec
    checked = 0
    for row in gold_rows:
        seg = groups[row["group"] - 1]
        lhs, op, rhs = row["lhs"], row["op"], row["rhs"]
        if op == "=~":
            key = (seg, "loading", rhs)
        elif op == "~":
            key = (seg, "path", f"{rhs} -> {lhs}")
        elif op == "~1":
            kind = "latent_intercept" if lhs in spec.latents else "intercept"
            key = (seg, kind, lhs)
        elif lhs in spec.latents:
            if lhs == rhs:
                key = (seg, "variance", lhs)
            else:
                key = (seg, "covariance", f"{lhs} ~~ {rhs}")
                if key not in table:
                    key = (seg, "covariance", f"{rhs} ~~ {lhs}")
        else:
            key = (seg, "residual_variance", lhs)
        e, s = table[key]
        assert abs(e - row["est"]) <= TOL["estimate_atol"] * max(1.0, abs(row["est"]))
        if row["se"] and row["se"] > 0:
            assert s == pytest.approx(row["se"], rel=TOL["se_rtol"])
        else:
            assert math.isnan(s)
        checked += 1
    assert checked == len(gold_rows)


def test_sample_survey_matches_lavaan(sample_result: acsi.InvarianceResult) -> None:
    _check_against_lavaan(sample_result, GOLDEN["sample"])


def test_mobi_matches_lavaan(mobi_result: acsi.InvarianceResult) -> None:
    _check_against_lavaan(mobi_result, GOLDEN["mobi"])


@pytest.mark.parametrize("key", ["sample", "mobi"])
def test_difference_tests_match_lavtestlrt(
    key: str, request: pytest.FixtureRequest
) -> None:
    res = request.getfixturevalue(f"{key}_result")
    lrt = GOLDEN[key]["lrt"]
    assert [c.nested for c in res.comparisons] == ["metric", "scalar", "strict"]
    for k, c in enumerate(res.comparisons, start=1):
        assert c.delta_df == lrt["df_diff"][k]
        np.testing.assert_allclose(c.delta_chi2, lrt["chisq_diff"][k], rtol=1e-6)
        np.testing.assert_allclose(c.pvalue, lrt["pvalue"][k], rtol=1e-5)
        fits = GOLDEN[key]["levels"]
        d_cfi = fits[c.nested]["fit"]["cfi"] - fits[c.base]["fit"]["cfi"]
        d_rmsea = fits[c.nested]["fit"]["rmsea"] - fits[c.base]["fit"]["rmsea"]
        assert c.delta_cfi == pytest.approx(d_cfi, abs=1e-8)
        assert c.delta_rmsea == pytest.approx(d_rmsea, abs=1e-8)


def test_estimates_table_has_every_level_and_comparison(
    sample_result: acsi.InvarianceResult,
) -> None:
    est = sample_result.estimates
    assert est.value("chi2", kind="metric") == sample_result.fits["metric"].chi2
    assert est.value("delta_chi2", kind="scalar vs metric") == pytest.approx(
        sample_result.comparisons[1].delta_chi2
    )
    row = list(zip(est.kind, est.name, strict=True)).index(
        ("metric vs configural", "delta_chi2")
    )
    assert est.pvalue[row] == sample_result.comparisons[0].pvalue
    frame = sample_result.to_frame()
    assert set(frame["kind"]) >= {"configural", "strict", "strict vs scalar"}
    assert "segments: north (n=230)" in str(sample_result.summary())


def test_equal_flags_follow_the_levels(sample_result: acsi.InvarianceResult) -> None:
    for level, shared_kinds in (
        ("configural", set()),
        ("metric", {"loading"}),
        ("scalar", {"loading", "intercept"}),
        ("strict", {"loading", "intercept", "residual_variance"}),
    ):
        fit = sample_result.fits[level]
        free = ~np.isnan(fit.estimates.standard_error)
        kinds = {
            k
            for k, eq, f in zip(fit.estimates.kind, fit.equal, free, strict=True)
            if eq and f
        }
        assert kinds == shared_kinds
        # shared parameters have the same estimate in every segment
        est = fit.estimates
        for kind in shared_kinds:
            rows = [i for i, k in enumerate(est.kind) if k == kind and fit.equal[i]]
            by_name: dict[str, set[float]] = {}
            for i in rows:
                by_name.setdefault(est.name[i], set()).add(float(est.estimate[i]))
            assert all(len(v) == 1 for v in by_name.values())


def test_latent_intercepts_free_only_beyond_the_reference() -> None:
    data = _simulate(800, shift=0.5, seed=3)
    res = acsi.invariance(data, model=CFA, segments="g", levels=("scalar",))
    est = res.fits["scalar"].estimates
    rows = [
        (seg, name, e, s)
        for k, seg, name, e, s in zip(
            est.kind,
            est.segment,
            est.name,
            est.estimate,
            est.standard_error,
            strict=True,
        )
        if k == "latent_intercept"
    ]
    for seg, _, e, s in rows:
        if seg == "g0":
            assert e == 0.0
            assert math.isnan(s)
        else:
            assert math.isfinite(s)


def _simulate(
    n: int,
    *,
    shift: float = 0.0,
    intercept_shift: float = 0.0,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Two-factor CFA in two segments; segment g1's latent means move by shift."""
    gen = np.random.default_rng(seed)
    g = np.repeat(["g0", "g1"], n)
    phi = np.array([[1.0, 0.5], [0.5, 1.0]])
    eta = gen.multivariate_normal([0.0, 0.0], phi, size=2 * n)
    eta[g == "g1"] += np.array([shift, -shift])
    lam = {"a1": 1.0, "a2": 0.8, "a3": 1.2, "b1": 1.0, "b2": 0.7, "b3": 0.9}
    nu = {"a1": 3.0, "a2": 2.5, "a3": 3.5, "b1": 4.0, "b2": 3.0, "b3": 2.0}
    out: dict[str, Any] = {"g": g}
    for name, load in lam.items():
        latent = eta[:, 0] if name.startswith("a") else eta[:, 1]
        x = nu[name] + load * latent + 0.6 * gen.normal(size=2 * n)
        if name == "a3":
            x[g == "g1"] += intercept_shift
        out[name] = x
    return out


def test_simulation_recovers_latent_mean_differences() -> None:
    res = acsi.invariance(_simulate(20_000, shift=0.4, seed=1), model=CFA, segments="g")
    est = res.fits["scalar"].estimates
    alpha = {
        name: e
        for k, seg, name, e in zip(
            est.kind, est.segment, est.name, est.estimate, strict=True
        )
        if k == "latent_intercept" and seg == "g1"
    }
    assert alpha["A"] == pytest.approx(0.4, abs=0.03)
    assert alpha["B"] == pytest.approx(-0.4, abs=0.03)
    # invariance holds in the population: no level is rejected
    assert all(c.pvalue > 0.001 for c in res.comparisons)


def test_non_invariant_intercept_is_rejected_at_the_scalar_level() -> None:
    res = acsi.invariance(
        _simulate(2_000, shift=0.3, intercept_shift=0.5, seed=2),
        model=CFA,
        segments="g",
    )
    by = {c.nested: c for c in res.comparisons}
    assert by["metric"].pvalue > 0.001
    assert by["scalar"].pvalue < 1e-10
    assert by["scalar"].delta_cfi < -0.01  # Cheung & Rensvold (2002) flag it


def test_configural_is_the_segments_fitted_separately() -> None:
    data = _simulate(300, shift=0.2, seed=4)
    res = acsi.invariance(data, model=CFA, segments="g", levels=("configural",))
    single = acsi.fit(data, model=CFA, method="ml", segments="g", scale=None)
    parts = single.segments
    assert parts is not None
    total = sum(parts[s].fit.chi2 for s in ("g0", "g1"))
    assert res.fits["configural"].chi2 == pytest.approx(total, rel=1e-8)
    for seg in ("g0", "g1"):
        ref = parts[seg].estimates
        mine = res.fits["configural"].estimates
        for name in ("a2", "a3", "b2", "b3"):
            want = ref.value(name, kind="loading")
            got = [
                e
                for k, s, nm, e in zip(
                    mine.kind, mine.segment, mine.name, mine.estimate, strict=True
                )
                if k == "loading" and s == seg and nm == name
            ]
            assert got[0] == pytest.approx(want, rel=1e-6)


def test_subset_of_levels_is_compared_pairwise(
    sample_result: acsi.InvarianceResult,
) -> None:
    res = _quiet(
        load_sample_survey(),
        model="acsi",
        segments="segment",
        levels=("configural", "scalar"),
    )
    assert res.levels == ("configural", "scalar")
    (c,) = res.comparisons
    assert (c.base, c.nested) == ("configural", "scalar")
    full = sample_result.fits
    assert c.delta_chi2 == pytest.approx(full["scalar"].chi2 - full["configural"].chi2)
    assert c.delta_df == 40


def test_rescaling_an_indicator_changes_no_fit_statistic() -> None:
    data = _simulate(400, shift=0.3, seed=5)
    moved = dict(data)
    moved["a2"] = 10.0 * data["a2"] + 5.0
    a = acsi.invariance(data, model=CFA, segments="g")
    b = acsi.invariance(moved, model=CFA, segments="g")
    for level in a.levels:
        assert b.fits[level].chi2 == pytest.approx(a.fits[level].chi2, rel=1e-8)
        ea, eb = a.fits[level].estimates, b.fits[level].estimates
        i = list(ea.name).index("a2")
        assert eb.estimate[i] == pytest.approx(10.0 * ea.estimate[i], rel=1e-6)


def test_heywood_case_is_warned() -> None:
    with pytest.warns(AdmissibilityWarning, match="val1 in 'west'"):
        res = acsi.invariance(
            load_sample_survey(), model="acsi", segments="segment", levels=("metric",)
        )
    assert res.admissibility


# ---------------------------------------------------------------- kernel
def _point(seed: int) -> tuple[Any, np.ndarray, GroupData]:
    st = compile_structure(acsi.acsi())
    gen = np.random.default_rng(seed)
    p, m = st.p, st.m
    a = gen.normal(size=(p, p))
    s = a @ a.T / p + np.eye(p)
    mean = gen.normal(size=p)
    data = GroupData(s, mean, 100.0, float(np.linalg.slogdet(s)[1]))
    sd = np.sqrt(np.diag(s))
    x = np.concatenate(
        [
            start_values(st, s / np.outer(sd, sd)),
            mean + 0.3 * gen.normal(size=p),
            0.5 * gen.normal(size=m),
        ]
    )
    return st, x, data


def _derivs(st: Any, x: np.ndarray, data: GroupData) -> MGDerivs:
    got = _local_derivatives(st, x, data)
    assert got is not None
    return got


def test_local_gradient_and_hessian_match_finite_differences() -> None:
    st, x, data = _point(1)
    _, grad, _, hess = _derivs(st, x, data)
    eps = 1e-6
    eye = np.eye(x.size)
    num_g = np.array(
        [
            (
                _local_objective(st, x + eps * e, data)
                - _local_objective(st, x - eps * e, data)
            )
            / (2 * eps)
            for e in eye
        ]
    )
    np.testing.assert_allclose(num_g, grad, rtol=1e-6, atol=1e-6 * np.abs(grad).max())
    num_h = np.array(
        [
            (_derivs(st, x + eps * e, data)[1] - _derivs(st, x - eps * e, data)[1])
            / (2 * eps)
            for e in eye
        ]
    )
    np.testing.assert_allclose(num_h, hess, atol=1e-6 * np.abs(hess).max())


def test_shared_parameters_sum_the_groups_derivatives() -> None:
    st, x, d1 = _point(2)
    _, _, d2 = _point(3)
    d2 = GroupData(d2.cov, d2.mean, 50.0, d2.logdet)
    maps = build_maps(st, 2, "strict")
    theta = np.zeros(1 + int(maps[1].index.max()))
    for gm in reversed(maps):  # group 1's values where shared
        theta[gm.index[gm.free]] = x[gm.free]
    f, grad, _, hess = mg_derivatives(st, theta, (d1, d2), maps)  # type: ignore[misc]
    assert f == pytest.approx(mg_objective(st, theta, (d1, d2), maps))
    eps = 1e-6
    num = np.array(
        [
            (
                mg_objective(st, theta + eps * e, (d1, d2), maps)
                - mg_objective(st, theta - eps * e, (d1, d2), maps)
            )
            / (2 * eps)
            for e in np.eye(theta.size)
        ]
    )
    np.testing.assert_allclose(num, grad, atol=1e-6 * np.abs(grad).max())
    assert np.allclose(hess, hess.T)


def test_levels_share_the_right_number_of_parameters() -> None:
    st = compile_structure(acsi.acsi())
    p, m, q = st.p, st.m, st.q
    n_load = st.spans[0]
    n_theta = q - st.spans[2]
    free = {
        lv: 1 + int(build_maps(st, 3, lv)[2].index.max())
        for lv in ("configural", "metric", "scalar", "strict")
    }
    assert free["configural"] == 3 * (q + p)
    assert free["metric"] == free["configural"] - 2 * n_load
    assert free["scalar"] == free["metric"] - 2 * p + 2 * m
    assert free["strict"] == free["scalar"] - 2 * n_theta


def test_an_indefinite_start_falls_back_to_the_next_candidate() -> None:
    st, x, d1 = _point(4)
    maps = build_maps(st, 2, "strict")
    bad = x.copy()
    bad[st.spans[2] : st.q] = -50.0  # residual variances far below 0
    wts = np.array([0.5, 0.5])
    got = start(st, ([bad, bad], [x, x]), maps, wts, (d1, d1))
    assert math.isfinite(mg_objective(st, got, (d1, d1), maps))
    assert math.isinf(
        mg_objective(st, start(st, ([bad, bad],), maps, wts, (d1, d1)), (d1, d1), maps)
    )


# ---------------------------------------------------------------- errors
def test_input_errors_name_the_parameter() -> None:
    data = _simulate(50, seed=6)
    with pytest.raises(InputError, match="'segments'"):
        acsi.invariance(data, model=CFA, segments=None)
    one = dict(data, g=np.repeat("x", 100))
    with pytest.raises(InputError, match="at least two segments"):
        acsi.invariance(one, model=CFA, segments="g")
    for bad in (
        "metric",
        ("metric", "configural"),
        ("metric", "metric"),
        ("weak",),
        (),
    ):
        with pytest.raises(InputError, match="'levels'"):
            acsi.invariance(data, model=CFA, segments="g", levels=bad)  # type: ignore[arg-type]
    small = dict(data, g=np.array(["a"] * 97 + ["b"] * 3))
    with pytest.raises(InputError, match="segment 'b'"):
        acsi.invariance(small, model=CFA, segments="g")
    with pytest.raises(InputError, match="nan_policy"):
        acsi.invariance(data, model=CFA, segments="g", nan_policy="bad")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="confidence_level"):
        acsi.invariance(data, model=CFA, segments="g", confidence_level=2.0)


def test_formative_block_is_refused() -> None:
    data = _simulate(50, seed=7)
    spec = ModelSpec.from_dict(
        {
            "blocks": [
                {"latent": "A", "indicators": ["a1", "a2", "a3"], "mode": "B"},
                {"latent": "B", "indicators": ["b1", "b2", "b3"]},
            ],
            "paths": [{"source": "A", "target": "B"}],
        }
    )
    with pytest.raises(SpecificationError):
        acsi.invariance(data, model=spec, segments="g")


def test_constant_indicator_in_a_segment_is_refused() -> None:
    data = _simulate(50, seed=8)
    data["b2"] = data["b2"].copy()
    data["b2"][data["g"] == "g1"] = 3.0
    with pytest.raises(InputError, match="b2"):
        acsi.invariance(data, model=CFA, segments="g")


def test_polars_lazy_frame_gives_the_same_numbers() -> None:
    pl = pytest.importorskip("polars")
    data = _simulate(200, shift=0.2, seed=9)
    eager = acsi.invariance(data, model=CFA, segments="g")
    lazy = acsi.invariance(pl.DataFrame(data).lazy(), model=CFA, segments="g")
    # the RMSEA bounds are roots found to 1e-12 in the noncentrality
    np.testing.assert_allclose(
        lazy.estimates.estimate, eager.estimates.estimate, rtol=1e-7
    )
    assert type(lazy.to_frame()).__module__.split(".")[0] == "polars"


def test_latent_covariance_not_positive_definite_is_warned() -> None:
    if not MOBI.exists():
        pytest.skip("mobi.csv not available")
    import pandas as pd

    mobi = pd.read_csv(MOBI)
    mobi["half"] = np.where(np.arange(len(mobi)) % 2 == 0, "half1", "half2")
    spec = ModelSpec(blocks=ecsi().blocks, paths=())
    # lavaan: "covariance matrix of latent variables is not positive
    # definite in group 1" (and 2) at every level
    with pytest.warns(AdmissibilityWarning, match=r"\['half1', 'half2'\]"):
        acsi.invariance(mobi, model=spec, segments="half", levels=("configural",))
