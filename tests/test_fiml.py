"""Full-information ML: ``acsi.fit(data, method="ml", missing="fiml")``.

References: lavaan 0.6 ``sem(model, data, missing = "ml")`` (FIML with
saturated intercepts, observed information; tests/golden/lavaan_missing.R,
.json) on a seeded MAR pattern (tests/golden/missing_data.py) imposed on
satmodels' sample survey and the ECSI mobi data. lavaan's optimiser
(nlminb) stops with a gradient of about 1e-3, so its estimates are matched
to 1e-5 and ours are checked to be at least as good (a lower objective);
the standard errors are compared at lavaan's own estimates, where our
analytic observed information must reproduce its numerical one.
"""

from __future__ import annotations

import importlib.util
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels import InputError, Moments, acsi
from satmodels.acsi import ModelSpec
from satmodels.acsi._fiml import _standard_errors
from satmodels.acsi._fiml_kernel import (
    fiml_fit,
    fiml_gradient,
    fiml_hessian,
    numeric_hessian,
    patterns,
)
from satmodels.acsi._ml_kernel import compile_structure
from satmodels.acsi._ml_optim import fit_kernel, parameter_labels
from satmodels.engines import MomentsRequest
from satmodels.engines.patterns import memory_patterns
from satmodels.stats._em import em_fit

GOLDEN_DIR = Path(__file__).parent / "golden"
GOLDEN: dict[str, Any] = json.loads((GOLDEN_DIR / "lavaan_missing.json").read_text())

_spec = importlib.util.spec_from_file_location(
    "missing_data", GOLDEN_DIR / "missing_data.py"
)
assert _spec is not None and _spec.loader is not None
missing_data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(missing_data)

FIT_KEYS = {
    "chi2": "chisq",
    "df": "df",
    "loglik": "logl",
    "baseline_chi2": "baseline.chisq",
    "baseline_df": "baseline.df",
    "cfi": "cfi",
    "tli": "tli",
    "rmsea": "rmsea",
    "aic": "aic",
    "bic": "bic",
    "n_parameters": "npar",
    "n": "ntotal",
}


def _model(name: str) -> ModelSpec:
    text = GOLDEN["fiml"][name]["model"]
    # lavaan's 'comp1 ~~ 0*comp1' is satmodels' default for one indicator
    return ModelSpec.from_syntax(
        "\n".join(line for line in text.splitlines() if "0*" not in line)
    )


def _data(name: str) -> np.ndarray[Any, Any]:
    if name == "survey_acsi":
        from satmodels.datasets import load_sample_survey

        survey = load_sample_survey()
        items = missing_data.SURVEY_ITEMS
        x = np.column_stack([np.asarray(survey[c], dtype=float) for c in items])
        out: np.ndarray[Any, Any] = missing_data.impose_mar(
            x, items, missing_data.SURVEY_ANCHORS
        )
        return out
    mobi = Path("/work/shared/data/ecsi/mobi.csv")
    if not mobi.exists():
        pytest.skip("ECSI mobi data not available at /work/shared/data/ecsi")
    lines = mobi.read_text().splitlines()
    cols = [c.strip('"') for c in lines[0].split(",")]
    x = np.array([[float(v) for v in line.split(",")] for line in lines[1:]])
    mar: np.ndarray[Any, Any] = missing_data.impose_mar(
        x, cols, missing_data.MOBI_ANCHORS
    )
    return mar


def _columns(name: str) -> list[str]:
    if name == "survey_acsi":
        return list(missing_data.SURVEY_ITEMS)
    return list(GOLDEN["em"]["mobi"]["columns"])


def _fit(name: str, **kw: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # admissibility notes of the models
        return acsi.fit(
            _data(name),
            columns=_columns(name),
            model=_model(name),
            method="ml",
            missing="fiml",
            **kw,
        )


def _lavaan_vector(name: str, spec: ModelSpec) -> tuple[np.ndarray[Any, Any], ...]:
    """lavaan's estimates and SEs in the kernel's parameter order, then intercepts."""
    gold = {
        (e["lhs"], e["op"], e["rhs"]): (e["est"], e["se"])
        for e in GOLDEN["fiml"][name]["estimates"]
    }
    st = compile_structure(spec)

    def look(lab: tuple[str, str, str]) -> tuple[float, float]:
        return gold.get(lab) or gold[(lab[2], lab[1], lab[0])]

    rows = [look(lab) for lab in parameter_labels(spec, st)]
    rows += [gold[(i, "~1", "")] for i in spec.indicators]
    return np.array([r[0] for r in rows]), np.array([r[1] for r in rows])


CASES = ["survey_acsi", "mobi_small"]


def _se(table: Any, name: str, kind: str) -> float:
    rows = table.select(kind)
    return float(rows.standard_error[rows.name.index(name)])


@pytest.mark.parametrize("name", CASES)
def test_fit_statistics_match_lavaan(name: str) -> None:
    res = _fit(name)
    fm = GOLDEN["fiml"][name]["fit"]
    for ours, theirs in FIT_KEYS.items():
        assert getattr(res.fit, ours) == pytest.approx(fm[theirs], rel=1e-7, abs=1e-9)
    assert res.fit.srmr == pytest.approx(fm["srmr"], rel=2e-6)
    assert res.fit.rmsea_ci_high == pytest.approx(fm["rmsea.ci.upper"], rel=1e-6)
    assert res.converged
    assert res.missing_report.missing == "fiml"
    assert res.missing_report.cells_imputed == 0
    assert "FIML" in str(res.summary())
    assert "observed information" in str(res.summary())


@pytest.mark.parametrize("name", CASES)
def test_estimates_match_lavaan_and_are_at_least_as_good(name: str) -> None:
    res = _fit(name)
    spec = _model(name)
    est_l, _ = _lavaan_vector(name, spec)
    table = res.estimates
    ours = {(e.lhs, e.op, e.rhs): e.estimate for e in (*res.loadings, *res.paths)}
    ours |= {(e.lhs, e.op, e.rhs): e.estimate for e in res.variances}
    for e in GOLDEN["fiml"][name]["estimates"]:
        key = (e["lhs"], e["op"], e["rhs"])
        if e["op"] == "~1":
            if e["lhs"] in spec.latents:
                continue  # latent means fixed at 0
            value = table.value(e["lhs"], kind="intercept")
        else:
            value = ours.get(key, ours.get((key[2], key[1], key[0])))
        # lavaan's nlminb stops with a gradient near 1e-3: 1.2e-5 at worst
        assert value == pytest.approx(e["est"], rel=3e-5, abs=1e-6), key
    # our optimum is at least as low as lavaan's
    x = _data(name)
    cols = _columns(name)
    idx = [cols.index(i) for i in spec.indicators]
    ps = memory_patterns(
        x[:, idx], None, MomentsRequest(spec.indicators, None, "pairwise", "omit", "t")
    )
    st = compile_structure(spec)
    pats = patterns(ps)
    h1 = em_fit(ps)
    start = fit_kernel(spec, h1.covariance, ps.account.rows_used, structure=st)
    assert start.parameters is not None
    sol = fiml_fit(st, pats, np.concatenate([start.parameters, h1.mean]))
    f_lavaan, g_lavaan = fiml_gradient(st, pats, est_l)
    f_ours, g_ours = fiml_gradient(st, pats, np.concatenate([sol.x, sol.nu]))
    assert f_ours <= f_lavaan
    assert np.max(np.abs(g_ours)) < np.max(np.abs(g_lavaan))


@pytest.mark.parametrize("name", CASES)
def test_observed_information_reproduces_lavaan_standard_errors(name: str) -> None:
    spec = _model(name)
    est_l, se_l = _lavaan_vector(name, spec)
    x = _data(name)
    cols = _columns(name)
    idx = [cols.index(i) for i in spec.indicators]
    ps = memory_patterns(
        x[:, idx], None, MomentsRequest(spec.indicators, None, "pairwise", "omit", "t")
    )
    st = compile_structure(spec)
    se = _standard_errors(fiml_hessian(st, patterns(ps), est_l), 1.0)
    np.testing.assert_allclose(se, se_l, rtol=1e-7)
    # and the fitted result's SEs, at our (slightly better) optimum
    res = _fit(name)
    table = res.estimates
    for i, item in enumerate(spec.indicators):
        got = _se(table, item, "intercept")
        assert got == pytest.approx(se_l[st.q + i], rel=1e-4)


def test_analytic_hessian_equals_differences() -> None:
    spec = _model("survey_acsi")
    x = _data("survey_acsi")
    ps = memory_patterns(
        x, None, MomentsRequest(spec.indicators, None, "pairwise", "omit", "t")
    )
    st = compile_structure(spec)
    pats = patterns(ps)
    h1 = em_fit(ps)
    start = fit_kernel(spec, h1.covariance, 500, structure=st)
    assert start.parameters is not None
    theta = np.concatenate([start.parameters * 1.02, h1.mean + 0.05])  # off-optimum
    analytic = fiml_hessian(st, pats, theta)
    numeric = numeric_hessian(st, pats, theta)
    np.testing.assert_allclose(analytic, numeric, atol=1e-6 * np.abs(numeric).max())


def test_complete_data_fiml_equals_ml() -> None:
    """Without missing values FIML is ML on S (divisor n) with the means free."""
    x = _data("survey_acsi")
    cols = _columns("survey_acsi")
    complete = x[~np.isnan(x).any(axis=1)]
    spec = _model("survey_acsi")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ml = acsi.fit(complete, columns=cols, model=spec, method="ml")
        fiml = acsi.fit(complete, columns=cols, model=spec, method="ml", missing="fiml")
    a = {(e.lhs, e.op, e.rhs): e.estimate for e in (*ml.loadings, *ml.paths)}
    b = {(e.lhs, e.op, e.rhs): e.estimate for e in (*fiml.loadings, *fiml.paths)}
    for key, value in a.items():
        assert b[key] == pytest.approx(value, rel=1e-6, abs=1e-8)
    assert fiml.fit.chi2 == pytest.approx(ml.fit.chi2, rel=1e-7)
    assert fiml.fit.df == ml.fit.df
    means = Moments.from_data(complete, columns=cols).mean
    for i, item in enumerate(cols):
        assert fiml.estimates.value(item, kind="intercept") == pytest.approx(
            means[i], rel=1e-8
        )


def test_frequency_weights_equal_repeated_rows() -> None:
    x = _data("survey_acsi")[:200]
    cols = _columns("survey_acsi")
    spec = ModelSpec.from_syntax(
        "SAT =~ sat1 + sat2 + sat3\nLOY =~ loy1 + loy2 + loy3\nLOY ~ SAT"
    )
    freq = np.random.default_rng(2).integers(1, 4, size=200)
    a = acsi.fit(
        x, columns=cols, model=spec, method="ml", missing="fiml", weights=freq * 1.0
    )
    b = acsi.fit(
        np.repeat(x, freq, axis=0),
        columns=cols,
        model=spec,
        method="ml",
        missing="fiml",
    )
    for ea, eb in zip((*a.loadings, *a.paths), (*b.loadings, *b.paths), strict=True):
        assert ea.estimate == pytest.approx(eb.estimate, rel=1e-7, abs=1e-9)


def test_polars_lazy_equals_rows() -> None:
    pl = pytest.importorskip("polars")
    x = _data("survey_acsi")
    cols = _columns("survey_acsi")
    spec = ModelSpec.from_syntax(
        "SAT =~ sat1 + sat2 + sat3\nLOY =~ loy1 + loy2 + loy3\nLOY ~ SAT"
    )
    frame = pl.DataFrame(
        {c: x[:, i] for i, c in enumerate(cols)}, nan_to_null=True
    ).lazy()
    a = acsi.fit(x, columns=cols, model=spec, method="ml", missing="fiml")
    b = acsi.fit(frame, model=spec, method="ml", missing="fiml", scale=(1, 10))
    assert b.fit.chi2 == pytest.approx(a.fit.chi2, rel=1e-10)
    assert b.scores is None


def test_fiml_refusals() -> None:
    x = _data("survey_acsi")
    cols = _columns("survey_acsi")
    with pytest.raises(InputError, match="method='ml'"):
        acsi.fit(x, columns=cols, missing="fiml")
    with pytest.raises(InputError, match="n_resamples=0"):
        acsi.fit(x, columns=cols, method="ml", missing="fiml", n_resamples=20, rng=0)
    m = Moments.from_data(x, columns=cols, missing="em")
    with pytest.raises(InputError, match="rows or a lazy frame"):
        acsi.fit(m, method="ml", missing="fiml", scale=(1, 10))
    with pytest.raises(InputError, match="'missing' parameter"):
        acsi.fit(x, columns=cols, missing="ml")  # type: ignore[call-overload]


def test_mar_recovery_of_a_two_factor_model() -> None:
    """MAR on a known two-factor model: FIML recovers the path, listwise not.

    Population: SAT -> LOY with path 0.6, loadings 1, 0.8, 0.9, residual
    variances 0.5; LOY items are missing with probability 0.5 when the
    first (always observed) SAT item is below its mean.
    """
    rng = np.random.default_rng(20261130)
    n = 4000
    sat = rng.normal(size=n)
    loy = 0.6 * sat + rng.normal(scale=0.8, size=n)
    lam = np.array([1.0, 0.8, 0.9])
    noise = rng.normal(scale=np.sqrt(0.5), size=(n, 6))
    x = np.hstack([sat[:, None] * lam, loy[:, None] * lam]) + noise
    low = x[:, 0] < 0
    for j in (3, 4, 5):
        x[low & (rng.random(n) < 0.5), j] = np.nan
    cols = ["s1", "s2", "s3", "l1", "l2", "l3"]
    spec = ModelSpec.from_syntax("SAT =~ s1 + s2 + s3\nLOY =~ l1 + l2 + l3\nLOY ~ SAT")
    fiml = acsi.fit(x, columns=cols, model=spec, method="ml", missing="fiml")
    path = fiml.paths[0]
    assert abs(path.estimate - 0.6) < 3 * path.se
    for item, mean in zip(cols, np.zeros(6), strict=True):
        est = fiml.estimates.value(item, kind="intercept")
        se = _se(fiml.estimates, item, "intercept")
        assert abs(est - mean) < 4 * se
    listwise = acsi.fit(x, columns=cols, model=spec, method="ml")
    means = Moments.from_data(x, columns=cols).mean
    assert means[3] > 0.1  # listwise LOY means biased up
    assert listwise.n < fiml.n
