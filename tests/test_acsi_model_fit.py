"""Overall model fit of PLS / PLSc path models (acsi.model_fit).

References: tests/golden/csem_fit.json (script tests/golden/csem_fit.R):
cSEM's fit(), calculateSRMR/DL/DG, calculateModelSelectionCriteria and
testOMF on the ECSI mobi data, composite model (PLS mode A) and PLSc. cSEM
takes base-10 logarithms in d_G (ours: natural, larger by ln(10)^2); its
testOMF(.saturated = TRUE) computes the *estimated* model's distances
(its golden statistic equals the estimated one), so only the test of the
estimated model is compared with it; the saturated test is checked
against explicit refits of transformed rows and by simulation.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import linalg, stats

from satmodels import Moments, acsi
from satmodels.acsi._fit_parts import exact_test, parts_of
from satmodels.datasets import load_sample_survey, make_survey
from satmodels.exceptions import (
    AdmissibilityWarning,
    EstimationError,
    InputError,
    SatmodelsWarning,
)

_REL = Path("shared") / "data" / "ecsi" / "mobi.csv"
MOBI = next(
    (
        p
        for p in (Path(__file__).resolve().parents[2] / _REL, Path("/work") / _REL)
        if p.exists()
    ),
    Path(__file__).resolve().parents[2] / _REL,
)
GOLDEN: dict[str, Any] = json.loads(
    (Path(__file__).parent / "golden" / "csem_fit.json").read_text()
)
SMALL = (
    "IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5; EXPE =~ CUEX1 + CUEX2 + CUEX3; "
    "VAL =~ PERV1 + PERV2; SAT =~ CUSA1 + CUSA2 + CUSA3; SAT ~ IMAG + EXPE + VAL"
)
LN10 = np.log(10.0) ** 2
CSEM = {"srmr": "SRMR", "d_uls": "dL", "d_g": "dG"}
CHAIN = "A =~ a1 + a2 + a3; B =~ b1 + b2 + b3; C =~ c1 + c2 + c3; B ~ A; C ~ B"
CHAIN_NAMES = [f"{b}{i}" for b in "abc" for i in (1, 2, 3)]


@pytest.fixture(scope="module")
def mobi() -> Any:
    if not MOBI.exists():
        pytest.skip("ECSI mobi data not available at ../shared/data/ecsi")
    import pandas as pd

    return pd.read_csv(MOBI)


@pytest.fixture(scope="module")
def fits(mobi: Any) -> dict[str, Any]:
    with pytest.warns(AdmissibilityWarning):
        plsc = acsi.consistent(mobi, model="ecsi")
    return {
        "composite": acsi.fit(mobi, model="ecsi", tol=1e-12, max_iter=1000),
        "plsc": plsc,
        "plsc_small": acsi.consistent(mobi, model=SMALL),
    }


def _model_fit(result: Any) -> acsi.ModelFitResult:
    """model_fit; the inadmissible ECSI PLSc fit has R2 > 1 for LOY in its
    saturated structural model, so GM and Cp of LOY are NaN (cSEM: a
    negative error variance, numbers without meaning)."""
    if isinstance(result, acsi.PLScResult) and not result.admissible:
        with pytest.warns(SatmodelsWarning, match=r"gm\(LOY\)"):
            return acsi.model_fit(result)
    return acsi.model_fit(result)


def _order(result: Any, golden: dict[str, Any]) -> list[int]:
    inds = list(result.indicators)
    return [inds.index(i) for i in golden["indicators"]]


# ------------------------------------------------------- deterministic parts
@pytest.mark.parametrize(
    ("case", "rtol"),
    # the composite fit iterated to 1e-12 as cSEM; PLSc fits stop at 1e-7
    [("composite", 1e-10), ("plsc", 1e-7), ("plsc_small", 1e-7)],
)
def test_implied_matrices_and_distances_match_csem(
    fits: dict[str, Any], case: str, rtol: float
) -> None:
    g = GOLDEN[case]
    res = _model_fit(fits[case])
    o = _order(fits[case], g)
    for mine, ref in (
        (res.implied_correlation, g["implied"]),
        (res.implied_correlation_saturated, g["implied_saturated"]),
    ):
        np.testing.assert_allclose(mine[np.ix_(o, o)], np.array(ref), atol=10 * rtol)
    theirs = np.array([g["srmr"], g["dl"], g["dg"] * LN10])
    theirs_sat = np.array(
        [g["srmr_saturated"], g["dl_saturated"], g["dg_saturated"] * LN10]
    )
    np.testing.assert_allclose(res.estimated, theirs, rtol=rtol)
    np.testing.assert_allclose(res.saturated, theirs_sat, rtol=rtol)
    assert res.estimates.value("srmr", kind="fit") == res.estimated[0]
    assert res.estimates.value("d_g", kind="fit_saturated") == res.saturated[2]


@pytest.mark.parametrize(
    ("case", "rtol"), [("composite", 1e-10), ("plsc", 1e-7), ("plsc_small", 1e-7)]
)
def test_selection_criteria_match_csem(
    fits: dict[str, Any], case: str, rtol: float
) -> None:
    res = _model_fit(fits[case])
    crit = GOLDEN[case]["criteria"]
    assert {c.lower() for c in crit} == set(res.criteria)
    for name, per_eq in crit.items():
        assert set(per_eq) == set(res.endogenous)
        mine = dict(zip(res.endogenous, res.criteria[name.lower()], strict=True))
        for lv, ref in per_eq.items():
            if np.isnan(mine[lv]):
                assert case == "plsc"
                assert name in ("GM", "Mallows_Cp")
                assert lv == "LOY"
                continue
            # Mallows' Cp is a difference of numbers of order n: absolute
            assert mine[lv] == pytest.approx(ref, rel=rtol, abs=1e3 * rtol), (name, lv)
            assert res.estimates.value(lv, kind=name.lower()) == mine[lv]


# -------------------------------------------------------- the exact fit test
@pytest.mark.parametrize("case", ["composite", "plsc_small"])
def test_reference_distribution_agrees_with_csem_testomf(
    fits: dict[str, Any], mobi: Any, case: str
) -> None:
    g = GOLDEN[case]["test"]
    res = acsi.model_fit(fits[case], data=mobi, n_resamples=499, rng=20261130)
    assert res.n_resamples == 499
    # cSEM's PLSc replicates are inadmissible as often as ours (binomial)
    assert abs(res.n_used - g["admissible"]) <= 4 * np.sqrt(499 * 0.25) + 1
    for k, m in enumerate(res.measures):
        theirs = np.array(g["reference"][CSEM[m]]) * (LN10 if m == "d_g" else 1.0)
        ours = res.reference[:, k]
        se = np.sqrt(ours.var() / ours.size + theirs.var() / theirs.size)
        assert abs(ours.mean() - theirs.mean()) < 4 * se, m
        assert stats.ks_2samp(ours, theirs).pvalue > 1e-3, m
        # our 95% critical value sits at cSEM's 95% quantile up to the
        # Monte-Carlo error of two quantiles of ~500 draws (4 sigma)
        share = np.mean(theirs <= res.critical_values[0, k])
        assert 0.95 - 0.06 < share < 0.95 + 0.04, (m, share)
        crit95 = g["critical_95"][CSEM[m]] * (LN10 if m == "d_g" else 1.0)
        assert np.mean(ours <= crit95) > 0.89, m
    # the composite ECSI model is rejected (cSEM: statistic above HI99)
    if case == "composite":
        # cSEM's "saturated" test reports the estimated model's distance
        # (were it fixed, its numbers could be compared with ours)
        sat = GOLDEN[case]["test_saturated"]["statistic"]["SRMR"]
        assert sat == g["statistic"]["SRMR"] != GOLDEN[case]["srmr_saturated"]
        assert g["statistic"]["SRMR"] > g["critical_99"]["SRMR"]
        assert res.pvalues[0] < 0.01
        assert res.estimated[0] > res.critical_values[1, 0]


@pytest.mark.parametrize("scaled", [True, False])
def test_replicates_are_refits_of_transformed_resampled_rows(scaled: bool) -> None:
    """Moments route (T' C_b T) == rows route (resample X S^-1/2 Sigma^1/2).

    With ``scaled=False`` PLS runs on covariances: the rows are moved to
    the implied covariance matrix D Sigma D (D the standard deviations).
    """
    survey = make_survey(300, rng=5, discrete=False, missing_rate=0.0)
    names = list(acsi.acsi().indicators)
    x = np.column_stack([survey.data[c] for c in names])
    opts: dict[str, Any] = {"tol": 1e-12, "max_iter": 1000, "scaled": scaled}
    fit = acsi.fit(x, columns=names, **opts)
    res = acsi.model_fit(fit)
    parts = parts_of(fit)
    gen = np.random.default_rng(0)
    idx = gen.integers(0, x.shape[0], size=(5, x.shape[0]))
    cov_b = np.stack([np.cov(x[i].T) for i in idx])
    sd = x.std(axis=0, ddof=1)
    centred = x - x.mean(axis=0)
    for saturated, sigma in (
        (False, res.implied_correlation),
        (True, res.implied_correlation_saturated),
    ):
        test, _ = exact_test(
            parts,
            None,
            sd=sd,
            sigma=sigma,
            saturated=saturated,
            n_resamples=5,
            rng=gen,
            cov_b=cov_b,
        )
        # the rows, transformed with scipy's matrix square root
        if scaled:
            z, s, target = centred / sd, np.corrcoef(x.T), sigma
        else:
            z, s, target = centred, np.cov(x.T), sd[:, None] * sigma * sd
        t = np.real(linalg.inv(linalg.sqrtm(s)) @ linalg.sqrtm(target))
        zt = z @ t
        np.testing.assert_allclose(np.cov(zt.T), target, atol=1e-9)
        for b, rows in enumerate(idx):
            refit = acsi.fit(zt[rows], columns=names, **opts)
            want = acsi.model_fit(refit)
            got = test.replicates[b]
            np.testing.assert_allclose(
                got, want.saturated if saturated else want.estimated, rtol=1e-7
            )


def test_correct_model_from_datasets_is_not_rejected_a_wrong_one_is() -> None:
    survey = make_survey(1000, rng=3, discrete=False, missing_rate=0.0)
    right = acsi.consistent(survey.data)
    res = acsi.model_fit(right, data=survey.data, n_resamples=199, rng=1)
    assert res.method == "plsc"
    assert np.all(res.pvalues > 0.05)
    assert np.all(res.pvalues_saturated > 0.05)
    wrong = acsi.consistent(
        survey.data,
        model=acsi.acsi().to_syntax().replace("SAT ~ EXPE + QUAL + VAL", "SAT ~ VAL"),
    )
    bad = acsi.model_fit(wrong, data=survey.data, n_resamples=199, rng=1)
    assert np.all(bad.pvalues[:2] < 0.01)
    # the measurement model is right: the saturated model still fits
    assert np.all(bad.pvalues_saturated > 0.05)


def _chain_population(kind: str, r_ac: float = 0.3) -> np.ndarray[Any, Any]:
    """Correlations of a chain A -> B -> C that the model reproduces exactly.

    ``"factor"``: congeneric common factors (PLSc is consistent);
    ``"composite"``: equal-weight composites of compound-symmetric blocks
    (the weights are the blocks' leading eigenvectors: mode A is
    consistent), composite correlations r_AC = r_AB r_BC (``r_ac`` other
    than 0.3 breaks the chain).
    """
    rho = np.array([[1.0, 0.5, r_ac], [0.5, 1.0, 0.6], [r_ac, 0.6, 1.0]])
    if kind == "factor":
        lam = np.zeros((9, 3))
        for j, vals in enumerate(((0.8, 0.7, 0.6), (0.75, 0.6, 0.7), (0.8, 0.65, 0.7))):
            lam[3 * j : 3 * j + 3, j] = vals
        s = lam @ rho @ lam.T
        np.fill_diagonal(s, 1.0)
        return np.asarray(s)
    s = np.zeros((9, 9))
    w = np.zeros((9, 3))
    for j, r in enumerate((0.5, 0.4, 0.6)):
        blk = slice(3 * j, 3 * j + 3)
        s[blk, blk] = r + (1 - r) * np.eye(3)
        w[blk, j] = 1.0 / np.sqrt(np.sum(s[blk, blk]))
    lam = s @ w  # composite loadings
    full = lam @ rho @ lam.T
    for j in range(3):
        blk = slice(3 * j, 3 * j + 3)
        full[blk, blk] = s[blk, blk]
    return np.asarray(full)


def _rejection_rates(
    kind: str, sims: int, n: int, n_resamples: int, seed: int
) -> np.ndarray[Any, Any]:
    chol = np.linalg.cholesky(_chain_population(kind))
    gen = np.random.default_rng(seed)
    rejected = []
    for _ in range(sims):
        x = gen.normal(size=(n, 9)) @ chol.T
        if kind == "factor":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", AdmissibilityWarning)
                fit: Any = acsi.consistent(x, columns=CHAIN_NAMES, model=CHAIN)
            if not fit.admissible:
                continue
        else:
            fit = acsi.fit(x, columns=CHAIN_NAMES, model=CHAIN, scores=False)
        res = acsi.model_fit(
            fit, data=x, columns=CHAIN_NAMES, n_resamples=n_resamples, rng=gen
        )
        rejected.append(np.r_[res.pvalues, res.pvalues_saturated] < 0.05)
    return np.asarray(np.mean(rejected, axis=0))


@pytest.mark.parametrize("kind", ["composite", "factor"])
def test_exact_test_holds_its_level_under_a_correct_model(kind: str) -> None:
    # 60 samples x 49 replicates: a few seconds; the rate of 5% has a
    # binomial sd of 2.8 points here (the slow test below is tighter)
    rates = _rejection_rates(kind, sims=60, n=200, n_resamples=49, seed=11)
    assert np.all(rates <= 0.15), rates


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["composite", "factor"])
def test_exact_test_rejection_rate_near_five_percent(kind: str) -> None:
    # 200 samples x 99 replicates (~20 s); binomial sd of 5%: 1.5 points
    rates = _rejection_rates(kind, sims=200, n=300, n_resamples=99, seed=12)
    assert np.all(rates <= 0.10), rates
    assert np.all(rates >= 0.01), rates


def test_exact_test_has_power_against_a_wrong_structural_model() -> None:
    # the chain A -> B -> C implies r_AC = r_AB r_BC = 0.3; the population
    # has r_AC = 0: the estimated model is wrong, the saturated one right
    pop = _chain_population("composite", r_ac=0.0)
    gen = np.random.default_rng(2)
    x = gen.normal(size=(500, 9)) @ np.linalg.cholesky(pop).T
    fit = acsi.fit(x, columns=CHAIN_NAMES, model=CHAIN, scores=False)
    res = acsi.model_fit(fit, data=x, columns=CHAIN_NAMES, n_resamples=99, rng=1)
    assert np.all(res.pvalues < 0.05)
    assert np.all(res.pvalues_saturated > 0.05)


# ---------------------------------------------------------- inputs and API
def test_moments_and_lazy_fits_give_the_same_distances() -> None:
    survey = load_sample_survey()
    names = list(acsi.acsi().indicators)
    rows = acsi.model_fit(acsi.fit(survey, scale=(1, 10)))
    complete = ~np.isnan(np.column_stack([survey[c] for c in names])).any(axis=1)
    data = {c: np.asarray(survey[c])[complete] for c in names}
    from_moments = acsi.model_fit(acsi.fit(Moments.from_data(data), scale=(1, 10)))
    np.testing.assert_allclose(from_moments.estimated, rows.estimated, rtol=1e-10)
    np.testing.assert_allclose(from_moments.saturated, rows.saturated, rtol=1e-10)
    for name in ("gm", "bic", "aic"):
        np.testing.assert_allclose(
            from_moments.criteria[name], rows.criteria[name], rtol=1e-10
        )
    import polars as pl

    lazy = pl.DataFrame(data).lazy()
    res = acsi.model_fit(
        acsi.fit(lazy, scale=(1, 10)), data=lazy, n_resamples=49, rng=3
    )
    np.testing.assert_allclose(res.estimated, rows.estimated, rtol=1e-10)
    assert res.n_used == 49
    assert np.all((res.pvalues > 0) & (res.pvalues <= 1))


def test_seeded_and_reproducible() -> None:
    survey = load_sample_survey()
    fit = acsi.fit(survey, scale=(1, 10))
    a = acsi.model_fit(fit, data=survey, n_resamples=30, rng=5)
    b = acsi.model_fit(fit, data=survey, n_resamples=30, rng=5)
    np.testing.assert_array_equal(a.reference, b.reference)
    np.testing.assert_array_equal(a.critical_values, b.critical_values)
    c = acsi.model_fit(fit, data=survey, n_resamples=30, rng=6)
    assert not np.array_equal(a.reference, c.reference)


def test_a_saturated_structural_model_has_equal_estimated_and_saturated_fit() -> None:
    survey = load_sample_survey()
    model = "EXPE =~ expe1 + expe2 + expe3; SAT =~ sat1 + sat2 + sat3; SAT ~ EXPE"
    for fit in (acsi.fit(survey, model=model), acsi.consistent(survey, model=model)):
        res = acsi.model_fit(fit)
        np.testing.assert_allclose(res.estimated, res.saturated, rtol=1e-12)
        # GM: the saturated equation is the equation itself
        sse = (1 - fit.r_squared[1]) * (fit.n - 1)
        assert res.criteria["gm"][0] == pytest.approx(
            sse / (1 - fit.r_squared[1]) + 2 * np.log(fit.n), rel=1e-6
        )


def test_refusals_name_the_parameter() -> None:
    survey = load_sample_survey()
    fit = acsi.fit(survey, scale=(1, 10))
    with pytest.raises(InputError, match="'result'"):
        acsi.model_fit(acsi.htmt(survey, correlations="absolute"))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="data="):
        acsi.model_fit(fit, n_resamples=10)
    names = list(acsi.acsi().indicators)
    with pytest.raises(InputError, match="rows"):
        acsi.model_fit(
            fit, data=Moments.from_data({c: survey[c] for c in names}), n_resamples=10
        )
    other = make_survey(300, rng=1).data
    with pytest.raises(InputError, match="not the sample"):
        acsi.model_fit(fit, data=other, n_resamples=10)
    for bad in (-1, 1.5, "ten"):
        with pytest.raises(InputError, match="n_resamples"):
            acsi.model_fit(fit, data=survey, n_resamples=bad)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="rng"):
        acsi.model_fit(fit, data=survey, n_resamples=10, rng="x")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="confidence_level"):
        acsi.model_fit(fit, confidence_level=1.5)
    pairwise = acsi.fit(survey, scale=(1, 10), missing="pairwise")
    with pytest.raises(InputError, match="listwise"):
        acsi.model_fit(pairwise, data=survey, n_resamples=10)


def test_inadmissible_plsc_has_distances_but_no_test(
    fits: dict[str, Any], mobi: Any
) -> None:
    res = _model_fit(fits["plsc"])
    assert np.all(np.isfinite(res.estimated))
    with pytest.raises(EstimationError, match="inadmissible"):
        acsi.model_fit(fits["plsc"], data=mobi, n_resamples=10)


def test_result_renders_and_serializes() -> None:
    survey = load_sample_survey()
    fit = acsi.fit(survey, scale=(1, 10))
    res = acsi.model_fit(fit, data=survey, n_resamples=20, rng=1, confidence_level=0.9)
    assert res.quantile_levels == (0.9, 0.95, 0.99)
    assert res.critical_values.shape == (3, 3)
    assert np.all(np.diff(res.critical_values, axis=0) >= 0)
    kinds = set(res.estimates.kind)
    assert {"fit", "fit_saturated", "critical_value", "gm", "bic", "aic"} <= kinds
    assert (
        res.estimates.value("srmr (95%)", kind="critical_value")
        == (res.critical_values[1, 0])
    )
    json.dumps(res.to_dict(), allow_nan=False)
    text = str(res.summary())
    assert "HI95" in text
    assert "GM" in text or "gm" in text
    assert "srmr" in repr(res)
    frame = res.to_frame()
    assert len(frame) == len(res.estimates)
    assert acsi.model_fit(fit).n_resamples == 0


# ------------------------------------------- decisions of rounding, not data
def test_criteria_of_an_exact_fit_are_nan_not_the_log_of_rounding() -> None:
    # 1 - R² of 1e-15 is what an equation fitted exactly leaves in float64:
    # its log (about -34.5) depends on how the sums were added, so AIC and
    # the rest are NaN; 1e-6 is a (tiny) real residual and stays finite.
    from satmodels.acsi._fit_kernel import criteria

    r2 = np.array([1.0 - 1e-15, 1.0 - 1e-6, 0.5])
    out = criteria(r2, np.array([0.9, 0.9, 1.0 - 1e-15]), np.full(3, 2.0), 50)
    assert np.all(np.isnan(out[[0, 1, 2, 3, 6, 7], 0]))  # logarithms of SSE
    assert np.all(np.isfinite(out[:, 1]))
    # GM and Mallows' Cp divide by the saturated model's 1 - R² (1e-15: NaN)
    assert np.all(np.isnan(out[[5, 8], 2]))
    assert np.all(np.isfinite(out[[0, 4], 2]))
    # a NaN R² (an equation not estimated) gives NaN criteria, never FPE = 0
    nan = criteria(np.array([np.nan]), np.array([np.nan]), np.array([2.0]), 50)
    assert np.all(np.isnan(nan))


def test_d_g_of_a_sample_matrix_singular_to_rounding_is_nan() -> None:
    # A rank-1 correlation matrix perturbed by 1e-16: Cholesky may succeed,
    # but the log-eigenvalues of S^-1 Sigma would be about -37, noise.
    from satmodels.acsi._fit_kernel import distances

    rng = np.random.default_rng(3)
    v = np.ones((4, 1))
    s = v @ v.T + 1e-16 * np.diag(rng.uniform(1.0, 2.0, 4))
    sigma = np.eye(4) * 0.5 + 0.5
    good = np.eye(4) * 0.4 + 0.6
    out = distances(np.stack([s, good]), np.stack([sigma, sigma]))
    assert np.isnan(out[0, 2])
    assert np.isfinite(out[1, 2]) and out[1, 2] > 0


def test_model_fit_on_rank_deficient_rows_warns_and_gives_nan() -> None:
    # Twelve respondents, seven of them identical (found by the lazy fuzz
    # test: d_G 1888.9 from the rows, NaN from an engine's sums).
    data = {
        "a1": [2, 2, 2, 2, 2, 6, 5, 4, 4, 4, 2, 2],
        "a2": [3, 3, 3, 3, 3, 6, 5, 3, 4, 3, 3, 3],
        "a3": [5, 5, 5, 5, 5, 4, 6, 3, 4, 3, 5, 5],
        "b1": [4, 4, 4, 4, 4, 3, 5, 6, 3, 4, 4, 4],
        "b2": [6, 6, 6, 6, 6, 4, 5, 5, 4, 6, 6, 6],
        "c1": [4, 4, 4, 4, 4, 5, 3, 5, 5, 2, 4, 4],
        "c2": [5, 5, 5, 5, 5, 4, 5, 6, 6, 1, 5, 5],
        "c3": [4, 4, 4, 4, 4, 3, 3, 5, 6, 1, 4, 4],
    }
    x = {k: np.asarray(v, dtype=float) for k, v in data.items()}
    model = "A =~ a1 + a2 + a3; B =~ b1 + b2; C =~ c1 + c2 + c3; B ~ A; C ~ A + B"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SatmodelsWarning)
        fit = acsi.fit(x, model=model, scale=(1, 7))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SatmodelsWarning)
        res = acsi.model_fit(fit)
    said = " ".join(str(w.message) for w in caught)
    assert "d_G of the estimated model is undefined" in said
    assert "singular to rounding" in said
    d_g = res.estimates.estimate[list(res.estimates.name).index("d_g")]
    assert np.isnan(d_g)
