"""Tests of satmodels.acsi PLS path modelling (fit_pls / acsi.fit).

Independent checks:
* PyPI plspm 0.5.7 on the ECSI mobi data (tests/golden/plspm_mobi.json,
  produced by bench/plspm_golden.py);
* population values computed analytically for a reflective model (mode A
  weights are proportional to the population loadings, Wold 1982) and their
  recovery from a large simulated sample;
* hand computations written out below.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from satmodels import Moments
from satmodels import acsi as acsi_mod
from satmodels.acsi import ModelSpec, PLSResult, ecsi
from satmodels.acsi import fit as acsi_fit
from satmodels.exceptions import (
    ConvergenceWarning,
    EstimationError,
    InputError,
    SatmodelsWarning,
    SpecificationError,
)

MOBI = Path("/work/shared/data/ecsi/mobi.csv")
GOLDEN = Path(__file__).parent / "golden" / "plspm_mobi.json"

BLOCKS = {
    "IMAG": [f"IMAG{i}" for i in range(1, 6)],
    "EXPE": ["CUEX1", "CUEX2", "CUEX3"],
    "QUAL": [f"PERQ{i}" for i in range(1, 8)],
    "VAL": ["PERV1", "PERV2"],
    "SAT": ["CUSA1", "CUSA2", "CUSA3"],
    "COMP": ["CUSCO"],
    "LOY": ["CUSL1", "CUSL2", "CUSL3"],
}


def _mobi_spec(modes: dict[str, str] | None = None) -> ModelSpec:
    spec = ecsi(
        image=BLOCKS["IMAG"],
        expectations=BLOCKS["EXPE"],
        quality=BLOCKS["QUAL"],
        value=BLOCKS["VAL"],
        satisfaction=BLOCKS["SAT"],
        complaints=BLOCKS["COMP"],
        loyalty=BLOCKS["LOY"],
    )
    if not modes:
        return spec
    d = spec.to_dict()
    for b in d["blocks"]:
        b["mode"] = modes.get(b["latent"], "A")
    return ModelSpec.from_dict(d)


def _mobi() -> Any:
    if not MOBI.exists():
        pytest.skip("ECSI mobi data not available at /work/shared/data")
    import pandas as pd

    return pd.read_csv(MOBI)


# ------------------------------------------------------------ plspm golden
GOLDEN_FITS = [
    "standardized_path",
    "standardized_centroid",
    "standardized_factorial",
    "standardized_path_imag_mode_b",
    "unscaled_path",
]


@pytest.mark.parametrize("name", GOLDEN_FITS)
def test_matches_plspm_on_mobi(name: str) -> None:
    # Golden numbers: PyPI plspm 0.5.7 (bench/plspm_golden.py)
    df = _mobi()
    golden = json.loads(GOLDEN.read_text())
    g = golden["fits"][name]
    rtol, atol = golden["tolerance"]["rtol"], golden["tolerance"]["atol"]
    scaled = name.startswith("standardized")
    res = acsi_fit(
        df,
        model=_mobi_spec(g["modes"]),
        scheme=g["scheme"],
        scaled=scaled,
        tol=1e-13,
        max_iter=1000,
    )
    n = golden["n"]
    # plspm: unit *population* variance of scores; on centred raw data its
    # weights are sqrt(n / (n - 1)) times ours (see the golden file's notes)
    factor = 1.0 if scaled else math.sqrt((n - 1) / n)
    for lv, items in BLOCKS.items():
        mine = np.array([res.weights_of(lv)[i] for i in items])
        theirs = np.array([g["weights"][i] for i in items]) * factor
        sign = np.sign(mine @ theirs)  # plspm reports weights before its sign fix
        np.testing.assert_allclose(mine, sign * theirs, rtol=rtol, atol=atol)
    for i, ind in enumerate(res.indicators):
        assert res.loadings[i] == pytest.approx(g["loadings"][ind], rel=rtol, abs=atol)
    for p in g["paths"]:
        assert res.path(p["source"], p["target"]) == pytest.approx(
            p["estimate"], rel=rtol, abs=atol
        )
    r2 = res.to_dict()["r_squared"]
    adj = res.to_dict()["adjusted_r_squared"]
    assert set(r2) == set(g["r_squared"])
    for lv, val in g["r_squared"].items():
        assert r2[lv] == pytest.approx(val, rel=rtol, abs=atol)
        assert adj[lv] == pytest.approx(g["adjusted_r_squared"][lv], rel=rtol, abs=atol)
    for rec in g["total_effects"]:
        s, t = res.latents.index(rec["source"]), res.latents.index(rec["target"])
        assert res.total_effects[s, t] == pytest.approx(
            rec["estimate"], rel=rtol, abs=atol
        )
    for rec in g["indirect_effects"]:
        s, t = res.latents.index(rec["source"]), res.latents.index(rec["target"])
        assert res.indirect_effects[s, t] == pytest.approx(
            rec["estimate"], rel=rtol, abs=atol
        )
    for lv, val in g["ave"].items():
        assert res.ave[res.latents.index(lv)] == pytest.approx(val, rel=rtol)
    if scaled:
        for lv, val in g["cronbach_alpha"].items():
            k = res.latents.index(lv)
            assert res.cronbach_alpha[k] == pytest.approx(val, rel=rtol)
    assert res.gof == pytest.approx(g["gof"], rel=rtol)


def test_mobi_from_moments_and_frames_agree() -> None:
    df = _mobi()
    import polars as pl

    spec = _mobi_spec()
    a = acsi_fit(df, model=spec, scale=(1, 10))
    b = acsi_fit(pl.from_pandas(df), model=spec, scale=(1, 10))
    c = acsi_fit(Moments.from_data(df), model=spec, scale=(1, 10))
    x = df[list(spec.indicators)].to_numpy()
    d = acsi_fit(x, model=spec, scale=(1, 10), columns=spec.indicators)
    for other in (b, c, d):
        np.testing.assert_allclose(other.outer_weights, a.outer_weights, rtol=1e-12)
        np.testing.assert_allclose(other.path_coefficients, a.path_coefficients)
        assert other.indices is not None and a.indices is not None
        np.testing.assert_allclose(other.indices, a.indices, rtol=1e-12)
    assert c.scores is None and a.scores is not None
    assert b.to_frame().__class__.__module__.startswith("polars")
    assert a.to_frame().__class__.__module__.startswith("pandas")


# -------------------------------------------------- population / recovery
LAM = {"A": [0.8, 0.7, 0.6], "B": [0.9, 0.8], "C": [0.7, 0.7, 0.8]}
MODEL = """
A =~ a1 + a2 + a3
B =~ b1 + b2
C =~ c1 + c2 + c3
B ~ A
C ~ A + B
"""


def _population() -> tuple[np.ndarray, np.ndarray]:
    """Indicator covariance of B = .6 A + z, C = .4 A + .3 B + z (unit variances)."""
    phi = np.array(
        [[1.0, 0.6, 0.4 + 0.3 * 0.6], [0.6, 1.0, 0.4 * 0.6 + 0.3], [0.58, 0.54, 1.0]]
    )
    phi[0, 2] = phi[2, 0] = 0.58
    lam = np.zeros((8, 3))
    lam[0:3, 0], lam[3:5, 1], lam[5:8, 2] = LAM["A"], LAM["B"], LAM["C"]
    theta = np.diag(1.0 - (lam**2).sum(axis=1))
    return lam @ phi @ lam.T + theta, phi


def _population_pls(sigma: np.ndarray, phi: np.ndarray) -> dict[str, np.ndarray]:
    """PLS population values by hand (Wold 1982): mode A weights ∝ loadings.

    The inner estimate of a block is a combination of *other* blocks'
    composites, whose covariance with block j's indicators is
    lambda_j * cov(eta_j, Y_k); hence w_j = lambda_j / sqrt(l' S_jj l).
    """
    blocks = [range(0, 3), range(3, 5), range(5, 8)]
    w = np.zeros(8)
    qual = np.zeros(3)  # corr(Y_j, eta_j) = w_j' lambda_j
    for j, (name, idx) in enumerate(zip("ABC", blocks, strict=True)):
        lam = np.array(LAM[name])
        sjj = sigma[np.ix_(list(idx), list(idx))]
        wj = lam / math.sqrt(lam @ sjj @ lam)
        w[list(idx)] = wj
        qual[j] = wj @ lam
    ycor = np.outer(qual, qual) * phi
    np.fill_diagonal(ycor, 1.0)
    beta_b = ycor[0, 1]
    beta_c = np.linalg.solve(ycor[:2, :2], ycor[:2, 2])
    return {"weights": w, "paths": np.array([beta_b, *beta_c])}


def test_population_values_exact() -> None:
    sigma, phi = _population()
    truth = _population_pls(sigma, phi)
    m = Moments.from_covariance(
        sigma, n=1000, columns=[*["a1", "a2", "a3", "b1", "b2", "c1", "c2", "c3"]]
    )
    for scheme in ("path", "centroid", "factorial"):
        res = acsi_fit(m, model=MODEL, scheme=scheme, tol=1e-12, scale=(-5, 5))
        np.testing.assert_allclose(res.outer_weights, truth["weights"], rtol=1e-8)
        got = [res.path("A", "B"), res.path("A", "C"), res.path("B", "C")]
        np.testing.assert_allclose(got, truth["paths"], rtol=1e-8)


def test_simulation_recovery_large_n() -> None:
    sigma, phi = _population()
    truth = _population_pls(sigma, phi)
    rng = np.random.default_rng(7)
    x = rng.multivariate_normal(np.zeros(8), sigma, size=200_000)
    res = acsi_fit(
        x,
        model=MODEL,
        columns=["a1", "a2", "a3", "b1", "b2", "c1", "c2", "c3"],
        scores=False,
    )
    np.testing.assert_allclose(res.outer_weights, truth["weights"], atol=0.01)
    got = [res.path("A", "B"), res.path("A", "C"), res.path("B", "C")]
    np.testing.assert_allclose(got, truth["paths"], atol=0.01)


# ------------------------------------------------------------- properties
def _small(n: int = 300, seed: int = 3) -> tuple[np.ndarray, list[str]]:
    sigma, _ = _population()
    x = np.random.default_rng(seed).multivariate_normal(np.zeros(8), sigma, size=n)
    return x, ["a1", "a2", "a3", "b1", "b2", "c1", "c2", "c3"]


def test_scores_unit_variance_and_reproduce_latent_correlation() -> None:
    x, cols = _small()
    res = acsi_fit(x * 2.0 + 5.0, model=MODEL, columns=cols)
    assert res.scores is not None
    np.testing.assert_allclose(res.scores.std(axis=0, ddof=1), 1.0, rtol=1e-10)
    np.testing.assert_allclose(
        np.corrcoef(res.scores, rowvar=False), res.latent_correlation, atol=1e-10
    )
    # cross-loadings are correlations of indicators with the scores
    for i in range(8):
        for j in range(3):
            r = np.corrcoef(x[:, i], res.scores[:, j])[0, 1]
            assert res.cross_loadings[i, j] == pytest.approx(r, abs=1e-10)
    # paths: OLS of the scores (statsmodels-free hand regression)
    z = res.scores
    beta, *_ = np.linalg.lstsq(
        np.column_stack([np.ones(len(z)), z[:, :2]]), z[:, 2], rcond=None
    )
    assert beta[1:] == pytest.approx([res.path("A", "C"), res.path("B", "C")])


def test_sign_fix_majority_of_loadings_positive() -> None:
    x, cols = _small()
    base = acsi_fit(x, model=MODEL, columns=cols)
    flipped = x.copy()
    flipped[:, 3:5] *= -1.0  # both indicators of B reverse-coded
    res = acsi_fit(flipped, model=MODEL, columns=cols)
    # the latent is re-oriented so that its loadings are positive ...
    assert np.all(res.loadings[3:5] > 0)
    np.testing.assert_allclose(res.loadings, base.loadings, atol=1e-10)
    # ... so B now measures the opposite pole and its paths change sign
    assert res.path("A", "B") == pytest.approx(-base.path("A", "B"))
    # one of two indicators reversed: tie in votes, the loading sum decides
    one = x.copy()
    one[:, 4] *= -1.0
    # (a reversed indicator makes block B's mean within-block correlation
    # negative: its HTMT is not defined, and says so)
    with pytest.warns(SatmodelsWarning, match="HTMT"):
        res1 = acsi_fit(one, model=MODEL, columns=cols)
    assert res1.loadings[3] + res1.loadings[4] > 0


def test_scaled_false_uses_covariance_and_raw_weights() -> None:
    x, cols = _small()
    xs = x * np.array([1, 2, 3, 1, 5, 1, 1, 0.5]) + 3
    res = acsi_fit(xs, model=MODEL, columns=cols, scaled=False)
    # weights apply to centred raw indicators and give unit-variance scores
    assert res.scores is not None
    centred = xs - xs.mean(axis=0)
    for j, idx in enumerate([range(0, 3), range(3, 5), range(5, 8)]):
        y = centred[:, list(idx)] @ res.outer_weights[list(idx)]
        np.testing.assert_allclose(y, res.scores[:, j], atol=1e-10)
        assert y.std(ddof=1) == pytest.approx(1.0)


def test_pairwise_missing_uses_pairwise_correlations_and_reports() -> None:
    import pandas as pd

    x, cols = _small(400)
    x[::7, 0] = np.nan
    x[::11, 6] = np.nan
    df = pd.DataFrame(x, columns=cols)
    res = acsi_fit(df, model=MODEL, missing="pairwise")
    with pytest.warns(SatmodelsWarning, match="no 'scale'"):
        ref = acsi_fit(
            Moments.from_covariance(df.corr().to_numpy(), n=400, columns=cols),
            model=MODEL,
        )
    assert np.isnan(ref.index["A"])  # Moments reveal no min and max
    np.testing.assert_allclose(res.outer_weights, ref.outer_weights, rtol=1e-10)
    assert res.missing_report.missing == "pairwise"
    assert res.missing_report.column_missing["a1"] == len(range(0, 400, 7))
    listwise = acsi_fit(df, model=MODEL)
    complete = df.dropna()
    assert listwise.n == len(complete)
    assert listwise.missing_report.rows_excluded == 400 - len(complete)
    ref2 = acsi_fit(complete.to_numpy(), model=MODEL, columns=cols)
    np.testing.assert_allclose(listwise.outer_weights, ref2.outer_weights, rtol=1e-10)
    d = listwise.to_dict()
    assert d["missing_report"]["rows_excluded"] == 400 - len(complete)


def test_mode_b_weights_are_regression_of_inner_estimate() -> None:
    # Mode B outer weights: w = S_jj^{-1} cov(x_j, Z_j) (Tenenhaus et al.
    # 2005, eq. 19); at convergence the scores satisfy it.
    x, cols = _small()
    res = acsi_fit(x, model=MODEL.replace("A =~", "A <~"), columns=cols, tol=1e-12)
    assert res.scores is not None
    z = (x - x.mean(0)) / x.std(0, ddof=1)
    # path scheme: A's inner estimate is a combination of its successors B, C
    e = res.latent_correlation[0, [1, 2]]
    inner = res.scores[:, [1, 2]] @ e
    coef, *_ = np.linalg.lstsq(z[:, :3], inner, rcond=None)
    coef = coef / np.sqrt(coef @ np.corrcoef(z[:, :3], rowvar=False) @ coef)
    np.testing.assert_allclose(res.outer_weights[:3], coef, rtol=1e-6)


@settings(deadline=None, max_examples=15)
@given(st.integers(0, 2**31 - 1), st.floats(0.5, 20.0), st.floats(-50, 50))
def test_affine_rescaling_and_row_order_invariance(
    seed: int, a: float, b: float
) -> None:
    x, cols = _small(150, seed % 1000)
    base = acsi_fit(x, model=MODEL, columns=cols, scores=False)
    perm = np.random.default_rng(seed).permutation(len(x))
    other = acsi_fit(x[perm] * a + b, model=MODEL, columns=cols, scores=False)
    np.testing.assert_allclose(other.outer_weights, base.outer_weights, atol=1e-8)
    np.testing.assert_allclose(
        other.path_coefficients, base.path_coefficients, atol=1e-8
    )


# ---------------------------------------------------------- outputs, API
def test_result_is_frozen_and_serialises() -> None:
    x, cols = _small()
    res = acsi_fit(x + 5, model=MODEL, columns=cols, scale=(0, 10))
    assert isinstance(res, PLSResult)
    with pytest.raises(AttributeError):
        res.gof = 1.0  # type: ignore[misc]
    d = res.to_dict()
    json.dumps(d)
    assert {"paths", "loadings", "weights", "r_squared", "indices"} <= set(d)
    assert d["paths"][0].keys() >= {"source", "target", "estimate"}
    assert d["weights"][0].keys() >= {"latent", "indicator", "estimate"}
    assert set(d["r_squared"]) == {"B", "C"}
    assert set(d["indices"]) == {"A", "B", "C"}
    text = str(res.summary())
    assert "Path coefficients" in text and "HTMT" in text
    assert "<table>" in res._repr_html_()
    for backend in ("pandas", "polars"):
        frame = res.to_frame(backend)
        assert len(frame) == len(res._records())


def test_fit_dispatch_and_model_forms() -> None:
    x, cols = _small()
    spec = ModelSpec.from_syntax(MODEL)
    a = acsi_mod.fit(x, model=MODEL, columns=cols)
    b = acsi_mod.fit(x, model=spec.to_dict(), columns=cols, method="pls")
    assert isinstance(a, PLSResult) and isinstance(b, PLSResult)
    np.testing.assert_allclose(a.outer_weights, b.outer_weights)
    with pytest.raises(InputError, match="'method'"):
        acsi_mod.fit(x, model=MODEL, columns=cols, method="gls")  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        acsi_mod.fit(x, model=MODEL, columns=cols, n_boot=10)  # type: ignore[call-overload]
    with pytest.raises(TypeError):  # model is keyword-only
        acsi_mod.fit(x, MODEL, columns=cols)  # type: ignore[call-overload]
    with pytest.raises(SpecificationError, match="no preset"):
        acsi_fit(x, model="acsii", columns=cols)
    with pytest.raises(InputError, match="'model'"):
        acsi_fit(x, model=3, columns=cols)  # type: ignore[call-overload]
    with pytest.raises(SpecificationError):
        acsi_fit(x, model="A =~ a1; B ~ A", columns=cols)


def test_fit_ml_dispatch() -> None:
    x, cols = _small(500)
    res = acsi_mod.fit(x, model=MODEL, columns=cols, method="ml", scale=None)
    assert res.__class__.__name__ == "ACSIMLResult"
    with pytest.raises(InputError, match=r"PLS option\(s\) \['scheme'\]"):
        acsi_mod.fit(x, model=MODEL, columns=cols, method="ml", scheme="path")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"scheme": "mode"}, "scheme"),
        ({"tol": -1.0}, "tol"),
        ({"max_iter": 0}, "max_iter"),
        ({"n_resamples": -5}, "n_resamples"),
        ({"confidence_level": 1.5}, "confidence_level"),
        ({"missing": "mean"}, "missing"),
        ({"scale": (5, 1)}, "'scale'"),
        ({"scale": "1-10"}, "'scale'"),
    ],
)
def test_bad_options(kwargs: dict[str, Any], match: str) -> None:
    x, cols = _small()
    with pytest.raises(InputError, match=match):
        acsi_fit(x, model=MODEL, columns=cols, **kwargs)


def test_bad_data() -> None:
    x, cols = _small()
    with pytest.raises(InputError, match="columns"):
        acsi_fit(x[:, :5], model=MODEL)
    with pytest.raises(InputError, match=r"'model' .* names column\(s\) \['c3'\]"):
        acsi_fit(x[:, :7], model=MODEL, columns=cols[:7])
    const = x.copy()
    const[:, 4] = 2.0
    with pytest.raises(InputError, match=r"'b2' .* zero"):
        acsi_fit(const, model=MODEL, columns=cols)
    with pytest.raises(InputError, match="outside"):
        acsi_fit(x, model=MODEL, columns=cols, scale=(1, 10))
    with pytest.raises(InputError, match="mean of indicator 'a1'"):
        acsi_fit(Moments.from_data(x, columns=cols), model=MODEL, scale=(1, 10))
    nan = x.copy()
    nan[3, 2] = np.nan
    with pytest.raises(InputError):
        acsi_fit(nan, model=MODEL, columns=cols, nan_policy="raise")
    with pytest.raises(InputError, match="no usable row"):
        acsi_fit(np.full((5, 8), np.nan), model=MODEL, columns=cols)
    with pytest.raises(InputError, match="batch"):
        acsi_fit(
            Moments.bootstrap(x, n_resamples=3, columns=cols, rng=1),
            model=MODEL,
            scale=(-10, 10),
        )
    import pandas as pd

    # 'columns' selects a frame's columns (pandas.DataFrame(..., columns=))
    framed = acsi_fit(pd.DataFrame(x, columns=cols), model=MODEL, columns=cols)
    np.testing.assert_allclose(
        framed.outer_weights, acsi_fit(x, model=MODEL, columns=cols).outer_weights
    )
    with pytest.raises(InputError, match="'columns'"):
        acsi_fit(pd.DataFrame(x, columns=cols), model=MODEL, columns=["zz"])


def test_convergence_warning() -> None:
    x, cols = _small()
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        res = acsi_fit(x, model=MODEL, columns=cols, max_iter=1)
    assert not res.converged
    assert "did not converge" in str(res.summary())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert acsi_fit(x, model=MODEL, columns=cols).converged


def test_undefined_pairwise_correlation_is_estimation_error() -> None:
    x, cols = _small(40)
    x[:20, 0] = np.nan
    x[20:, 3] = np.nan
    with pytest.raises(EstimationError, match="'a1' and 'b1'"):
        acsi_fit(x, model=MODEL, columns=cols, missing="pairwise")


def test_demo_section_runs_on_sample_survey() -> None:
    from satmodels.datasets import load_sample_survey
    from satmodels.demo.acsi import section

    summary = section(load_sample_survey())
    text = summary.as_text()
    assert "SAT -> LOY" in text and "Indices" in text and "CFI" in text
    with pytest.raises(InputError, match="does not have"):
        section({"expe1": np.ones(3)})


def test_scores_with_missing_answers_only_miss_their_block() -> None:
    x, cols = _small(60)
    x[3, 1] = np.nan  # block A
    x[5, 6] = np.nan  # block C
    res = acsi_fit(x, model=MODEL, columns=cols, missing="pairwise")
    assert res.scores is not None
    assert np.isnan(res.scores[3, 0]) and not np.isnan(res.scores[3, 1:]).any()
    assert np.isnan(res.scores[5, 2]) and not np.isnan(res.scores[5, :2]).any()
    mean = np.nanmean(x, axis=0)
    sd = np.nanstd(x, axis=0, ddof=1)
    want = ((x[5, 3:5] - mean[3:5]) / sd[3:5]) @ res.outer_weights[3:5]
    assert res.scores[5, 1] == pytest.approx(want)


def test_isolated_block_is_first_principal_component() -> None:
    # a latent without paths has no inner estimate: it uses its own score,
    # so the mode A iteration is the power method on its correlation matrix
    x, cols = _small()
    res = acsi_fit(x[:, :3], model="A =~ a1 + a2 + a3", columns=cols[:3], tol=1e-12)
    vals, vecs = np.linalg.eigh(np.corrcoef(x[:, :3], rowvar=False))
    v = vecs[:, -1] / math.sqrt(vals[-1])
    np.testing.assert_allclose(res.outer_weights, v * np.sign(v.sum()), rtol=1e-8)
    assert math.isnan(res.gof)
    json.dumps(res.to_dict())
    assert "HTMT" not in str(res.summary())


def test_case_weights_equal_row_duplication() -> None:
    import pandas as pd

    x, cols = _small(150)
    w = np.random.default_rng(4).integers(1, 4, size=150).astype(float)
    weighted = acsi_fit(x, model=MODEL, columns=cols, weights=w, scale=(-10, 10))
    repeated = acsi_fit(np.repeat(x, w.astype(int), axis=0), model=MODEL, columns=cols)
    np.testing.assert_allclose(weighted.outer_weights, repeated.outer_weights)
    np.testing.assert_allclose(weighted.path_coefficients, repeated.path_coefficients)
    df = pd.DataFrame(x, columns=cols).assign(wt=w)
    by_name = acsi_fit(df, model=MODEL, weights="wt", n_resamples=20, rng=0)
    np.testing.assert_allclose(by_name.outer_weights, weighted.outer_weights)
    assert by_name.bootstrap is not None and by_name.bootstrap.n_failed == 0


def test_non_psd_pairwise_matrix_warns() -> None:
    from satmodels.exceptions import AdmissibilityWarning

    # three variables observed in disjoint pairs can give an impossible
    # correlation pattern: a ~ b and b ~ c strongly positive, a ~ c negative
    rng = np.random.default_rng(0)
    n = 300
    t = rng.normal(size=n)
    x = np.full((3 * n, 3), np.nan)
    x[:n, 0], x[:n, 1] = t, t + 0.1 * rng.normal(size=n)
    t = rng.normal(size=n)
    x[n : 2 * n, 1], x[n : 2 * n, 2] = t, t + 0.1 * rng.normal(size=n)
    t = rng.normal(size=n)
    x[2 * n :, 0], x[2 * n :, 2] = t, -t + 0.1 * rng.normal(size=n)
    with pytest.warns(AdmissibilityWarning, match="not positive semi-definite"):
        acsi_fit(
            x,
            model="A =~ a1 + a2; B =~ b1; B ~ A",
            columns=["a1", "a2", "b1"],
            missing="pairwise",
        )


def test_undefined_outer_weights_are_refused_not_nan() -> None:
    """A matrix that is not positive semi-definite can leave a composite
    with no positive variance: the weights (1 / sqrt(w'Sw)) are undefined,
    and the fit says so instead of returning NaN estimates (found by
    mutation testing of _normalize)."""
    r = np.array(
        [
            [1.0, -0.95, -0.34, -0.18],
            [-0.95, 1.0, -0.26, 0.58],
            [-0.34, -0.26, 1.0, 0.36],
            [-0.18, 0.58, 0.36, 1.0],
        ]
    )
    assert np.linalg.eigvalsh(r)[0] < 0
    m = Moments.from_covariance(r, n=200, mean=[5, 5, 5, 5], columns=list("abcd"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(EstimationError, match=r"not positive semi-definite"):
            acsi_mod.fit(m, model="X =~ a + b + c; Y =~ d; Y ~ X", scale=(1, 10))
