"""Tests of the ACSI maximum-likelihood fit (satmodels.acsi.ml, _semopy_backend).

Sources of the expected numbers:

* lavaan 0.6.14 (R 4.2.2), script tests/golden/lavaan_mobi.R: the Bollen
  (1989) political-democracy SEM (covariance stored in the golden file) and
  the ECSI model on the real mobile-phone survey (skipped when
  /work/shared/data/ecsi/mobi.csv is absent);
* semopy 2.3.11 fitted on the raw rows (the same estimator from the rows
  instead of Moments);
* scipy.stats.multivariate_normal for the log-likelihood, chi-square and
  AIC/BIC written out from their definitions;
* simulation recovery from a known population ACSI model.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from satmodels import Moments
from satmodels import acsi as acsi_module
from satmodels.acsi import ModelSpec, _ml_optim, _semopy_backend, acsi, ecsi
from satmodels.acsi._semopy_backend import to_semopy_syntax
from satmodels.acsi.ml import ACSIMLResult
from satmodels.exceptions import (
    AdmissibilityWarning,
    ConvergenceWarning,
    EstimationError,
    InputError,
    SpecificationError,
)

GOLDEN = Path(__file__).parent / "golden"
MOBI = Path("/work/shared/data/ecsi/mobi.csv")

ACSI_ITEMS = {
    "EXPE": ("expe1", "expe2", "expe3"),
    "QUAL": ("qual1", "qual2", "qual3", "qual4"),
    "VAL": ("val1", "val2"),
    "SAT": ("sat1", "sat2", "sat3"),
    "COMP": ("comp1",),
    "LOY": ("loy1", "loy2", "loy3"),
}
SPEC = acsi(
    expectations=ACSI_ITEMS["EXPE"],
    quality=ACSI_ITEMS["QUAL"],
    value=ACSI_ITEMS["VAL"],
    satisfaction=ACSI_ITEMS["SAT"],
    complaints=ACSI_ITEMS["COMP"],
    loyalty=ACSI_ITEMS["LOY"],
)
# Population model (marker loadings 1; unstandardized paths).
TRUE_PATHS = {
    ("QUAL", "EXPE"): 0.6,
    ("VAL", "EXPE"): 0.2,
    ("VAL", "QUAL"): 0.5,
    ("SAT", "EXPE"): 0.1,
    ("SAT", "QUAL"): 0.5,
    ("SAT", "VAL"): 0.3,
    ("COMP", "SAT"): -0.4,
    ("LOY", "SAT"): 0.6,
    ("LOY", "COMP"): -0.2,
}
TRUE_DISTURBANCE = {
    "EXPE": 1.0,
    "QUAL": 0.64,
    "VAL": 0.6,
    "SAT": 0.4,
    "COMP": 0.8,
    "LOY": 0.5,
}
TRUE_LOADINGS = (1.0, 0.8, 1.2, 0.9)
THETA = 0.5


def simulate_acsi(n: int, rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    """Rows from the population ACSI model above (comp1 measured without error)."""
    eta: dict[str, np.ndarray] = {}
    for lv in SPEC.latents:
        z = rng.normal(scale=math.sqrt(TRUE_DISTURBANCE[lv]), size=n)
        for (target, source), b in TRUE_PATHS.items():
            if target == lv:
                z = z + b * eta[source]
        eta[lv] = z
    cols: list[np.ndarray] = []
    names: list[str] = []
    for lv, items in ACSI_ITEMS.items():
        for k, item in enumerate(items):
            noise = (
                0.0 if len(items) == 1 else rng.normal(scale=math.sqrt(THETA), size=n)
            )
            cols.append(5.0 + TRUE_LOADINGS[k] * eta[lv] + noise)
            names.append(item)
    return np.column_stack(cols), names


def fit_ml(data: object, spec: ModelSpec | str, **kw: Any) -> ACSIMLResult:
    """``acsi.fit(method="ml")``; Moments without a scale give NaN indices."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*no 'scale'")
        return acsi_module.fit(data, model=spec, method="ml", **kw)


def fit_semopy(data: Moments, spec: ModelSpec) -> ACSIMLResult:
    """The semopy route of ``fit_ml`` (the reference optimiser), forced."""
    from satmodels.acsi.ml import fit_ml as route
    from satmodels.data import read

    table = read(data, where="acsi.fit", roles={"model": spec.indicators})
    return route(
        table,
        spec,
        scale=None,
        declared=None,
        confidence_level=0.95,
        scores=False,
        optimizer="semopy",
    )


def quiet_fit(moments: Moments, spec: ModelSpec, **kw: Any) -> ACSIMLResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AdmissibilityWarning)
        return fit_ml(moments, spec, **kw)


@pytest.fixture(scope="module")
def sim() -> tuple[np.ndarray, list[str], ACSIMLResult]:
    x, names = simulate_acsi(20_000, np.random.default_rng(7))
    res = fit_ml(Moments.from_data(x, columns=names), SPEC, scale=(0, 10))
    return x, names, res


# ------------------------------------------------------------------ syntax
def test_syntax_of_acsi_preset() -> None:
    text = to_semopy_syntax(SPEC)
    assert text.splitlines() == [
        "EXPE =~ expe1 + expe2 + expe3",
        "QUAL =~ qual1 + qual2 + qual3 + qual4",
        "VAL =~ val1 + val2",
        "SAT =~ sat1 + sat2 + sat3",
        "COMP =~ comp1",
        "LOY =~ loy1 + loy2 + loy3",
        "QUAL ~ EXPE",
        "VAL ~ EXPE + QUAL",
        "SAT ~ EXPE + QUAL + VAL",
        "COMP ~ SAT",
        "LOY ~ SAT + COMP",
        "comp1 ~~ 0*comp1",
    ]


def test_syntax_covaries_exogenous_latents() -> None:
    spec = ModelSpec.from_syntax("A =~ a1 + a2; B =~ b1 + b2; C =~ c1 + c2; C ~ A + B")
    assert to_semopy_syntax(spec).splitlines()[-1] == "A ~~ B"


def test_formative_block_is_a_specification_error() -> None:
    spec = ModelSpec.from_syntax("IMG <~ i1 + i2; SAT =~ s1 + s2; SAT ~ IMG")
    with pytest.raises(SpecificationError, match=r"formative.*'IMG'"):
        to_semopy_syntax(spec)


@given(
    sizes=st.lists(st.integers(1, 4), min_size=2, max_size=5),
    data=st.data(),
)
def test_syntax_round_trips_through_the_spec_parser(
    sizes: list[int], data: st.DataObject
) -> None:
    # The '=~' and '~' lines of the semopy text are lavaan syntax that
    # ModelSpec.from_syntax parses back to the same model.
    blocks = [
        {"latent": f"L{j}", "indicators": tuple(f"x{j}_{k}" for k in range(s))}
        for j, s in enumerate(sizes)
    ]
    pairs = [(a, b) for b in range(len(sizes)) for a in range(b)]
    chosen = data.draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    spec = ModelSpec(
        blocks=tuple(blocks),
        paths=tuple({"source": f"L{a}", "target": f"L{b}"} for a, b in chosen),
    )
    text = to_semopy_syntax(spec)
    core = "\n".join(line for line in text.splitlines() if "~~" not in line)
    back = ModelSpec.from_syntax(core)
    assert back.latents == spec.latents
    assert {(p.source, p.target) for p in back.paths} == {
        (p.source, p.target) for p in spec.paths
    }
    singles = sum(1 for s in sizes if s == 1)
    assert text.count("~~ 0*") == singles


# ------------------------------------------------------------------ lavaan
def load_golden(name: str) -> dict[str, Any]:
    return json.loads((GOLDEN / f"lavaan_{name}.json").read_text())  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def poldem() -> tuple[dict[str, Any], ACSIMLResult]:
    g = load_golden("politicaldemocracy")
    n = int(g["n"])
    cov = np.array(g["covariance"]["matrix"]) * n / (n - 1)  # divisor n -> n - 1
    m = Moments.from_covariance(
        cov, n=n, mean=g["mean"], columns=g["covariance"]["names"]
    )
    return g, quiet_fit(m, ModelSpec.from_syntax(g["model"]))


FIT_KEYS = {
    "chi2": "chisq",
    "df": "df",
    "p": "pvalue",
    "baseline_chi2": "baseline.chisq",
    "baseline_df": "baseline.df",
    "cfi": "cfi",
    "tli": "tli",
    "rmsea": "rmsea",
    "rmsea_ci_low": "rmsea.ci.lower",
    "rmsea_ci_high": "rmsea.ci.upper",
    "srmr": "srmr",
    "loglik": "logl",
    "aic": "aic",
    "bic": "bic",
    "n_parameters": "npar",
}


def test_fit_indices_match_lavaan_political_democracy(
    poldem: tuple[dict[str, Any], ACSIMLResult],
) -> None:
    # lavaan 0.6.14 fitMeasures() on Bollen (1989); tests/golden/lavaan_mobi.R
    g, res = poldem
    ours = res.fit.to_dict()
    for key, lav in FIT_KEYS.items():
        assert ours[key] == pytest.approx(g["fit"][lav], rel=1e-4), key


def test_estimates_match_lavaan_political_democracy(
    poldem: tuple[dict[str, Any], ACSIMLResult],
) -> None:
    # lavaan parameterEstimates(standardized = TRUE): est, se, std.all
    g, res = poldem
    lav = {(e["lhs"], e["op"], e["rhs"]): e for e in g["estimates"]}
    ours = (*res.loadings, *res.paths, *res.variances)
    assert len(ours) == len(lav)
    for e in ours:
        ref = lav[(e.lhs, e.op, e.rhs)]
        assert e.estimate == pytest.approx(ref["est"], rel=1e-3, abs=1e-4)
        assert e.std_estimate == pytest.approx(ref["std_all"], rel=1e-3, abs=1e-4)
        if e.free:
            assert e.se == pytest.approx(ref["se"], rel=1e-3)
            assert e.p == pytest.approx(ref["pvalue"], rel=1e-2, abs=1e-6)
        else:
            assert ref["se"] == 0
    for lv, r2 in res.r_squared.items():
        assert r2 == pytest.approx(g["r_squared"][lv], rel=1e-3)


@pytest.fixture(scope="module")
def mobi() -> tuple[dict[str, Any], ACSIMLResult, list[Any]]:
    if not MOBI.exists():
        pytest.skip("ECSI mobi data not available")
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(MOBI).astype(float)
    spec = ecsi(
        image=[f"IMAG{i}" for i in range(1, 6)],
        expectations=["CUEX1", "CUEX2", "CUEX3"],
        quality=[f"PERQ{i}" for i in range(1, 8)],
        value=["PERV1", "PERV2"],
        satisfaction=["CUSA1", "CUSA2", "CUSA3"],
        complaints=["CUSCO"],
        loyalty=["CUSL1", "CUSL2", "CUSL3"],
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = fit_ml(Moments.from_data(df), spec, scale=(1, 10))
    return load_golden("mobi"), res, list(caught)


LAVAAN_MOBI_NAMES = {
    "Image": "IMAG",
    "Expectation": "EXPE",
    "Quality": "QUAL",
    "Value": "VAL",
    "Satisfaction": "SAT",
    "Complaints": "COMP",
    "Loyalty": "LOY",
}


def test_fit_indices_match_lavaan_on_real_ecsi_data(
    mobi: tuple[dict[str, Any], ACSIMLResult, list[Any]],
) -> None:
    # lavaan 0.6.14 on the ECSI mobile-phone survey (Tenenhaus et al. 2005).
    # The optimum is flat along the collinear latents, but chi2 (and so every
    # index) is the same wherever the two programs stop.
    g, res, _ = mobi
    ours = res.fit.to_dict()
    for key, lav in FIT_KEYS.items():
        if key == "p":
            continue  # lavaan prints 0 for 2e-29
        assert ours[key] == pytest.approx(g["fit"][lav], rel=1e-3), key


def test_loadings_match_lavaan_on_real_ecsi_data(
    mobi: tuple[dict[str, Any], ACSIMLResult, list[Any]],
) -> None:
    g, res, _ = mobi
    lav = {
        (LAVAAN_MOBI_NAMES[e["lhs"]], e["rhs"]): e
        for e in g["estimates"]
        if e["op"] == "=~"
    }
    for e in res.loadings:
        ref = lav[(e.lhs, e.rhs)]
        assert e.std_estimate == pytest.approx(ref["std_all"], abs=0.02)


def test_near_collinearity_warning_fires_on_real_ecsi_data(
    mobi: tuple[dict[str, Any], ACSIMLResult, list[Any]],
) -> None:
    # PEERS.md: expectations and quality (and image) correlate > 0.95 at the
    # latent level in mobi; lavaan agrees (golden latent_correlation).
    g, res, caught = mobi
    messages = [str(w.message) for w in caught if w.category is AdmissibilityWarning]
    assert any("EXPE and QUAL" in m and "above 0.95" in m for m in messages)
    assert any("standardized estimate(s) above 1" in m for m in messages)
    assert res.admissibility == tuple(messages)
    names = [LAVAAN_MOBI_NAMES[v] for v in g["latent_correlation"]["names"]]
    lav = np.array(g["latent_correlation"]["matrix"])
    i, j = names.index("EXPE"), names.index("QUAL")
    k, m = res.spec.latents.index("EXPE"), res.spec.latents.index("QUAL")
    assert lav[i, j] > 0.95
    assert res.latent_correlation[k, m] > 0.95


# ------------------------------------------------------------------ semopy
def test_agrees_with_semopy_on_raw_rows() -> None:
    # semopy fitted on the rows estimates the covariance itself (divisor n):
    # the same ML problem, so the same estimates and chi2.
    pd = pytest.importorskip("pandas")
    semopy = pytest.importorskip("semopy")
    x, names = simulate_acsi(3000, np.random.default_rng(11))
    res = quiet_fit(Moments.from_data(x, columns=names), SPEC)
    model = semopy.Model(to_semopy_syntax(SPEC))
    threadpoolctl = pytest.importorskip("threadpoolctl")
    # single-threaded BLAS, as fit_ml runs semopy (see _one_blas_thread)
    with warnings.catch_warnings(), threadpoolctl.threadpool_limits(1, "blas"):
        warnings.simplefilter("ignore")
        model.fit(pd.DataFrame(x, columns=names), options={"ftol": 1e-10})
        table = model.inspect()
    ref = {
        (r["lval"], r["op"], r["rval"]): float(r["Estimate"])
        for r in table.to_dict("records")
    }
    for e in res.loadings:
        assert e.estimate == pytest.approx(ref[(e.rhs, "~", e.lhs)], rel=1e-3)
    for e in (*res.paths, *res.variances):
        assert e.estimate == pytest.approx(
            ref[(e.lhs, e.op, e.rhs)], rel=1e-3, abs=1e-5
        )
    assert res.fit.chi2 == pytest.approx(3000 * model.last_result.fun, rel=1e-4)


# ------------------------------------------------------- independent formulas
def test_loglik_chi2_aic_bic_from_scipy_densities() -> None:
    # Written out from definitions with scipy.stats.multivariate_normal: the
    # model log-likelihood is sum_i log N(x_i; xbar, Sigma_hat); chi2 is the
    # likelihood ratio against the saturated model N(xbar, S) (Joreskog 1969).
    x, names = simulate_acsi(400, np.random.default_rng(3))
    res = quiet_fit(Moments.from_data(x, columns=names), SPEC)
    xbar = x.mean(axis=0)
    s = np.cov(x, rowvar=False, bias=True)
    ll_model = stats.multivariate_normal(xbar, res.implied_covariance).logpdf(x).sum()
    ll_sat = stats.multivariate_normal(xbar, s).logpdf(x).sum()
    q = res.fit.n_parameters
    assert res.fit.loglik == pytest.approx(ll_model, rel=1e-9)
    assert res.fit.chi2 == pytest.approx(2 * (ll_sat - ll_model), rel=1e-6)
    assert res.fit.aic == pytest.approx(-2 * ll_model + 2 * q, rel=1e-9)
    assert res.fit.bic == pytest.approx(-2 * ll_model + q * math.log(400), rel=1e-9)
    # baseline: independence model N(xbar, diag(S))
    ll_ind = stats.norm(xbar, np.sqrt(np.diag(s))).logpdf(x).sum()
    assert res.fit.baseline_chi2 == pytest.approx(2 * (ll_sat - ll_ind), rel=1e-6)
    # free parameters counted by hand: 10 loadings + 9 paths + 6 latent
    # variances + 15 residual variances (comp1 fixed at 0)
    assert q == 40
    assert res.fit.df == 16 * 17 // 2 - 40


def test_rmsea_interval_inverts_the_noncentral_chi2() -> None:
    # MacCallum, Browne & Sugawara (1996, eq. 12-13): at the bounds,
    # P(chi2_df(lambda) <= chi2) is 0.95 and 0.05 with lambda = n df RMSEA^2.
    x, names = simulate_acsi(300, np.random.default_rng(5))
    x[:, 0] += 0.8 * x[:, 4]  # misfit: a cross-loading the model omits
    f = quiet_fit(Moments.from_data(x, columns=names), SPEC).fit
    assert f.rmsea_ci_low < f.rmsea < f.rmsea_ci_high
    for bound, target in ((f.rmsea_ci_low, 0.95), (f.rmsea_ci_high, 0.05)):
        lam = f.n * f.df * bound**2
        assert stats.ncx2.cdf(f.chi2, f.df, lam) == pytest.approx(target, abs=1e-6)
    # closed forms (Bentler 1990 eq. 6; Tucker & Lewis 1973; Steiger 1990)
    d, d0 = f.chi2 - f.df, f.baseline_chi2 - f.baseline_df
    assert f.cfi == pytest.approx(1 - d / d0)
    r0, r = f.baseline_chi2 / f.baseline_df, f.chi2 / f.df
    assert f.tli == pytest.approx((r0 - r) / (r0 - 1))
    assert f.rmsea == pytest.approx(math.sqrt(d / (f.df * f.n)))


def test_srmr_by_hand(sim: tuple[np.ndarray, list[str], ACSIMLResult]) -> None:
    # Hu & Bentler (1999): residuals scaled by sqrt(s_ii s_jj), mean over the
    # p(p+1)/2 non-duplicated elements, square root; written as a double loop.
    _, _, res = sim
    s, sig = res.sample_covariance, res.implied_covariance
    p = s.shape[0]
    total = 0.0
    for i in range(p):
        for j in range(i + 1):
            total += ((s[i, j] - sig[i, j]) / math.sqrt(s[i, i] * s[j, j])) ** 2
    assert res.fit.srmr == pytest.approx(math.sqrt(total / (p * (p + 1) / 2)))


_SCALE_X, _SCALE_NAMES = simulate_acsi(300, np.random.default_rng(21))
_SCALE_REF = quiet_fit(Moments.from_data(_SCALE_X, columns=_SCALE_NAMES), SPEC)


@settings(max_examples=8)
@given(factors=st.lists(st.floats(0.2, 5.0, allow_nan=False), min_size=16, max_size=16))
def test_ml_fit_is_scale_invariant(factors: list[float]) -> None:
    # ML with marker scaling is scale invariant (Browne 1982; Cudeck 1989):
    # rescaling indicators leaves chi2, every fit index and every
    # completely standardized estimate unchanged.
    c = np.array(factors)
    res = quiet_fit(Moments.from_data(_SCALE_X * c, columns=_SCALE_NAMES), SPEC)
    ref = _SCALE_REF
    for key in ("chi2", "cfi", "tli", "rmsea", "rmsea_ci_high", "srmr"):
        assert getattr(res.fit, key) == pytest.approx(getattr(ref.fit, key), rel=1e-4)
    for a, b in zip(
        (*res.paths, *res.loadings), (*ref.paths, *ref.loadings), strict=True
    ):
        assert a.std_estimate == pytest.approx(b.std_estimate, rel=1e-3, abs=1e-4)


# ------------------------------------------------------------- simulation
def test_recovers_population_parameters(
    sim: tuple[np.ndarray, list[str], ACSIMLResult],
) -> None:
    _, _, res = sim
    for e in res.paths:
        truth = TRUE_PATHS[(e.lhs, e.rhs)]
        assert abs(e.estimate - truth) < 4.5 * e.se, (e.lhs, e.rhs)
        assert e.se < 0.03
    for e in res.loadings:
        truth = TRUE_LOADINGS[ACSI_ITEMS[e.lhs].index(e.rhs)]
        if e.free:
            assert abs(e.estimate - truth) < 4.5 * e.se, (e.lhs, e.rhs)
    for e in res.variances:
        if e.kind == "residual_variance" and e.free:
            assert abs(e.estimate - THETA) < 4.5 * e.se
        if e.kind == "variance":
            assert abs(e.estimate - TRUE_DISTURBANCE[e.lhs]) < 4.5 * e.se
    assert res.fit.rmsea < 0.01
    assert res.fit.cfi > 0.999
    assert res.admissibility == ()
    assert res.converged


def test_chi2_of_a_correct_model_averages_its_df() -> None:
    # Under a correct model chi2 ~ chi2(df): E = df, sd = sqrt(2 df) ~ 5.7;
    # the mean of 8 replicates has sd ~ 2, so +-8 is a 4-sd band.
    rng = np.random.default_rng(2026)
    chi2 = []
    for _ in range(8):
        x, names = simulate_acsi(600, rng)
        chi2.append(quiet_fit(Moments.from_data(x, columns=names), SPEC).fit.chi2)
    df = 16 * 17 // 2 - 40
    assert abs(np.mean(chi2) - df) < 8


def test_index_and_scores_from_block_weights(
    sim: tuple[np.ndarray, list[str], ACSIMLResult],
) -> None:
    # Bartlett (1937) weights lambda_i / theta_i within a block, normalised;
    # index = sum_i w_i (xbar_i - min) / (max - min) * 100 (Fornell et al. 1996).
    x, names, res = sim
    assert res.indices is not None
    for lv in res.spec.latents:
        lam = {e.rhs: e.estimate for e in res.loadings if e.lhs == lv}
        theta = {
            e.lhs: e.estimate for e in res.variances if e.kind == "residual_variance"
        }
        items = ACSI_ITEMS[lv]
        raw = (
            np.array([lam[i] / theta[i] for i in items])
            if len(items) > 1
            else np.ones(1)
        )
        w = raw / raw.sum()
        assert list(res.index_weights[lv].values()) == pytest.approx(list(w))
        means = x[:, [names.index(i) for i in items]].mean(axis=0)
        assert res.indices[lv] == pytest.approx(float(w @ means) / 10 * 100)
        assert 0 <= res.indices[lv] <= 100
    scored = fit_ml(x[:500], SPEC, scale=(-5, 15), columns=names)
    assert scored.scores is not None and scored.indices is not None
    assert scored.scores.shape == (500, 6)
    # the mean of the respondents' scores is the index (linearity)
    for j, lv in enumerate(SPEC.latents):
        assert scored.scores[:, j].mean() == pytest.approx(scored.indices[lv])


# ------------------------------------------------------------- admissibility
def test_heywood_case_warns() -> None:
    # An indicator equal to its latent (no error): theta -> 0 at the bound.
    rng = np.random.default_rng(1)
    f = rng.normal(size=2000)
    g = 0.5 * f + rng.normal(size=2000)
    x = np.column_stack(
        [
            f,
            f + rng.normal(size=2000),
            f + rng.normal(size=2000),
            g + 0.3 * rng.normal(size=2000),
            g + rng.normal(size=2000),
        ]
    )
    spec = ModelSpec.from_syntax("A =~ a1 + a2 + a3; B =~ b1 + b2; B ~ A")
    with pytest.warns(AdmissibilityWarning, match="Heywood case.*a1"):
        fit_ml(Moments.from_data(x, columns=["a1", "a2", "a3", "b1", "b2"]), spec)


def test_collinear_latents_warn_without_real_data() -> None:
    rng = np.random.default_rng(9)
    n = 3000
    e = rng.normal(size=n)
    q = 0.99 * e + math.sqrt(1 - 0.99**2) * rng.normal(size=n)
    s = 0.5 * e + 0.4 * q + 0.6 * rng.normal(size=n)
    cols = [lv + 0.6 * rng.normal(size=n) for lv in (e, e, e, q, q, q, s, s, s)]
    names = ["e1", "e2", "e3", "q1", "q2", "q3", "s1", "s2", "s3"]
    spec = ModelSpec.from_syntax(
        "E =~ e1 + e2 + e3; Q =~ q1 + q2 + q3; S =~ s1 + s2 + s3; Q ~ E; S ~ E + Q"
    )
    with pytest.warns(AdmissibilityWarning, match=r"E and Q \(0\.9"):
        fit_ml(Moments.from_data(np.column_stack(cols), columns=names), spec)


# ------------------------------------------------------------------ errors
def test_non_convergence_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    # Both routes stopped early: the numpy kernel, then semopy as its fallback.
    monkeypatch.setattr(_ml_optim, "MAX_ITER", 2)
    monkeypatch.setattr(_semopy_backend, "_OPTIONS", {"maxiter": 2})
    x, names = simulate_acsi(300, np.random.default_rng(0))
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        res = quiet_fit(Moments.from_data(x, columns=names), SPEC)
    assert not res.converged
    assert "converged           False" in str(res.summary()).replace(" False", "False")


def test_saturated_model_has_zero_df() -> None:
    # One factor, three indicators: q = 6 = p(p+1)/2, so chi2 = 0 on 0 df,
    # CFI = 1, RMSEA = 0 and TLI undefined (0/0), reported as NaN / None.
    x, names = simulate_acsi(500, np.random.default_rng(1))
    spec = ModelSpec.from_syntax("E =~ expe1 + expe2 + expe3")
    res = fit_ml(Moments.from_data(x, columns=names), spec)
    assert res.fit.df == 0
    assert res.fit.chi2 == pytest.approx(0.0, abs=1e-5)
    assert res.fit.cfi == pytest.approx(1.0)
    assert res.fit.rmsea == 0.0
    assert math.isnan(res.fit.tli)
    assert json.loads(json.dumps(res.to_dict()))["fit"]["tli"] is None
    assert res.r_squared == {}
    assert res.paths == ()


def test_semopy_failures_become_estimation_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    semopy = pytest.importorskip("semopy")
    x, names = simulate_acsi(300, np.random.default_rng(0))
    m = Moments.from_data(x, columns=names)

    def boom(*_: object, **__: object) -> None:
        msg = "Either data or cov must be provided."
        raise Exception(msg)  # noqa: TRY002

    def singular(*_: object, **__: object) -> None:
        msg = "Singular matrix"
        raise np.linalg.LinAlgError(msg)

    for bad in (boom, singular):
        monkeypatch.setattr(semopy.Model, "fit", bad)
        with pytest.raises(EstimationError, match="semopy failed"):
            fit_semopy(m, SPEC)


def test_input_errors() -> None:
    x, names = simulate_acsi(300, np.random.default_rng(0))
    m = Moments.from_data(x, columns=names)
    with pytest.raises(InputError, match="'model'"):
        fit_ml(m, 3)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"'model' .*\['loy3'\]"):
        fit_ml(m.select(names[:-1]), SPEC)
    with pytest.raises(InputError, match="n = 10 observations for 16"):
        fit_ml(Moments.from_data(x[:10], columns=names), SPEC)
    dup = np.column_stack([x, x[:, 0] + x[:, 1]])
    spec2 = ModelSpec.from_syntax("A =~ expe1 + expe2 + extra; B =~ sat1 + sat2; B ~ A")
    with pytest.raises(InputError, match="not positive definite"):
        fit_ml(Moments.from_data(dup, columns=[*names, "extra"]), spec2)
    with pytest.raises(InputError, match="'scale'"):
        fit_ml(m, SPEC, scale=(10, 1))
    with pytest.raises(InputError, match="'scale'"):
        fit_ml(m, SPEC, scale="1-10")
    boot = Moments.bootstrap(
        x, n_resamples=2, columns=names, rng=np.random.default_rng(0)
    )
    with pytest.raises(InputError, match="batch of 2"):
        fit_ml(boot, SPEC)
    const = x.copy()
    const[:, 0] = 3.0
    with pytest.raises(InputError, match="'expe1' with zero variance"):
        fit_ml(Moments.from_data(const, columns=names), SPEC)
    # messages name the public function and parameter, not internals
    with pytest.raises(InputError) as info:
        fit_ml(Moments.from_data(x[:10], columns=names), SPEC)
    assert "acsi.fit" in str(info.value) and "fit_ml" not in str(info.value)
    assert "'moments'" not in str(info.value)


# ------------------------------------------------------------------ result
def test_result_is_frozen_and_serialises(
    sim: tuple[np.ndarray, list[str], ACSIMLResult],
) -> None:
    _, _, res = sim
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.n = 3  # type: ignore[misc]
    d = res.to_dict()
    json.dumps(d)
    assert set(d["fit"]) >= {
        "chi2", "df", "p", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high",
        "srmr", "aic", "bic",
    }  # fmt: skip
    assert d["paths"][0].keys() >= {"source", "target", "estimate", "se", "p"}
    assert {(r["source"], r["target"]) for r in d["paths"]} == {
        (s, t) for (t, s) in TRUE_PATHS
    }
    assert d["loadings"][0].keys() >= {"latent", "indicator", "estimate"}
    assert set(d["r_squared"]) == {"QUAL", "VAL", "SAT", "COMP", "LOY"}
    assert set(d["indices"]) == set(SPEC.latents)


@pytest.mark.parametrize("backend", ["pandas", "polars"])
def test_to_frame(
    sim: tuple[np.ndarray, list[str], ACSIMLResult], backend: str
) -> None:
    pytest.importorskip(backend)
    _, _, res = sim
    frame = res.to_frame(backend)  # type: ignore[arg-type]
    params = len(res.loadings) + len(res.paths) + len(res.variances)
    fit_rows = 8  # chi2, df, cfi, tli, rmsea, srmr, aic, bic
    assert frame.shape[0] == params + len(res.r_squared) + 6 + fit_rows
    assert list(frame.columns)[:3] == ["kind", "name", "estimate"]
    assert len(res.estimates) == frame.shape[0]


def test_summary_and_confidence_interval(
    sim: tuple[np.ndarray, list[str], ACSIMLResult],
) -> None:
    _, _, res = sim
    text = str(res.summary())
    for word in (
        "chi2",
        "RMSEA 90% low",
        "SRMR",
        "SAT ~ QUAL",
        "LOY =~ loy2",
        "0-100 indices",
    ):
        assert word in text
    assert "<table>" in res._repr_html_()
    rows = [k for k, kind in enumerate(res.estimates.kind) if kind == "path"]
    # the fitted level (0.95) is stored; another is recomputed (Wald)
    stored = res.confidence_interval()
    np.testing.assert_array_equal(stored.low, res.estimates.ci_low)
    ci = res.confidence_interval(0.90)
    z = stats.norm.ppf(0.95)
    for k, e in zip(rows, res.paths, strict=True):
        assert ci.low[k] == pytest.approx(e.estimate - z * e.se)
        assert ci.high[k] == pytest.approx(e.estimate + z * e.se)
        assert res.estimates.pvalue[k] == pytest.approx(e.p, abs=1e-12)
    with pytest.raises(InputError, match="confidence_level"):
        res.confidence_interval(1.5)


# --------------------------------------------------------------- moments in
def test_frames_give_identical_fits(constructor_eager: Any) -> None:
    x, names = simulate_acsi(400, np.random.default_rng(4))
    frame = constructor_eager(dict(zip(names, x.T, strict=True)))
    res = quiet_fit(Moments.from_data(frame, columns=names), SPEC)
    ref = quiet_fit(Moments.from_data(x, columns=names), SPEC)
    assert res.fit.chi2 == pytest.approx(ref.fit.chi2, rel=1e-10)
    assert [e.estimate for e in res.paths] == pytest.approx(
        [e.estimate for e in ref.paths], rel=1e-8
    )


def test_missing_and_weighted_moments_set_n() -> None:
    x, names = simulate_acsi(500, np.random.default_rng(8))
    x[:20, 3] = np.nan
    listwise = quiet_fit(Moments.from_data(x, columns=names), SPEC)
    assert listwise.n == 480
    assert listwise.missing_report.rows_excluded == 20
    assert "listwise" in listwise.n_note
    pairwise = quiet_fit(Moments.from_data(x, columns=names, missing="pairwise"), SPEC)
    assert pairwise.n == 480
    assert "pairwise" in pairwise.n_note
    w = np.where(np.arange(500) % 2 == 0, 1.0, 3.0)
    weighted = quiet_fit(Moments.from_data(x[20:], columns=names, weights=w[20:]), SPEC)
    assert weighted.n == math.floor(w[20:].sum() ** 2 / (w[20:] ** 2).sum())
    assert "Kish" in weighted.n_note


def test_import_satmodels_does_not_import_semopy() -> None:
    code = (
        "import sys, satmodels, satmodels.acsi, satmodels.acsi.ml; "
        "print('semopy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_semopy_logging_does_not_leak() -> None:
    root = logging.getLogger()
    handlers, filters = list(root.handlers), list(root.filters)
    x, names = simulate_acsi(200, np.random.default_rng(12))
    quiet_fit(Moments.from_data(x, columns=names), SPEC)
    assert root.handlers == handlers
    assert root.filters == filters
    assert _semopy_backend.run_semopy.__module__.endswith("_semopy_backend")


def test_demo_section_on_sample_survey() -> None:
    from satmodels.datasets import load_sample_survey
    from satmodels.demo.acsi import section

    survey = load_sample_survey()
    s = section(survey)
    text = str(s)
    assert "maximum likelihood" in text
    assert "CFI" in text
    assert "0-100 indices" in text


def test_ml_fit_survives_extreme_indicator_scales() -> None:
    # Regression: semopy's optimiser stopped at chi2 = 180.5 instead of 95.8
    # (factors below) or did not converge when indicators were on very
    # different scales. ML is scale invariant (Browne 1982), so chi2 and the
    # standardized estimates must equal the unscaled fit's, and a loading
    # must scale by d_i / d_marker (Bollen 1989, ch. 7).
    for factors in (
        np.array([1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 0.5, 0.25], dtype=float),
        np.geomspace(0.01, 100.0, 16),
    ):
        res = quiet_fit(
            Moments.from_data(_SCALE_X * factors, columns=_SCALE_NAMES), SPEC
        )
        assert res.converged
        assert res.fit.chi2 == pytest.approx(_SCALE_REF.fit.chi2, rel=1e-6)
        for a, b in zip(res.paths, _SCALE_REF.paths, strict=True):
            assert a.std_estimate == pytest.approx(b.std_estimate, abs=1e-6)
        ratio = res.loadings[1].estimate / _SCALE_REF.loadings[1].estimate
        assert ratio == pytest.approx(factors[1] / factors[0], rel=1e-4)
