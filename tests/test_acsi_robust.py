"""Robust ML (``acsi.fit(method="ml", robust="mlm" | "mlr")``) and FourthMoments.

References (tests/golden/lavaan_robust.R, lavaan 0.6.14, R 4.2.2):

* ``sem(model, data, estimator = "MLM")`` (Satorra-Bentler) and ``"MLR"``
  (Yuan-Bentler, Mplus variant) on robust_sample.csv (non-normal ACSI
  answers, tests/golden/robust_sample.py, n = 400) and on the ECSI
  mobile-phone survey (Tenenhaus et al. 2005, n = 250; skipped when
  /work/shared/data/ecsi/mobi.csv is absent).
* Evaluated at lavaan's own estimates, the formulas agree to 1e-12 (MLM) and
  1e-6 (MLR: lavaan's observed information is a numerical Hessian). The
  end-to-end fits differ by lavaan's optimiser tolerance (nlminb's default
  stops about 5e-6 from the optimum), hence rtol 2e-5 there; on mobi the
  Expectation/Quality/Image paths are empirically unidentified and MLR's
  observed information differs along that ridge (rtol 1e-3).
"""

from __future__ import annotations

import itertools
import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from satmodels import InputError, Moments, acsi
from satmodels.acsi import ModelSpec
from satmodels.acsi._ml_kernel import _parts, compile_structure, derivatives
from satmodels.acsi._ml_optim import parameter_labels
from satmodels.acsi._ml_robust import robust_parts, weight_matrix
from satmodels.acsi._ml_stats import _fit_statistics
from satmodels.acsi.ml import ACSIMLResult
from satmodels.stats import FourthMoments
from satmodels.stats._fourth import from_rows, vech_indices

GOLDEN = Path(__file__).parent / "golden"
MOBI = Path("/work/shared/data/ecsi/mobi.csv")
REF = json.loads((GOLDEN / "lavaan_robust.json").read_text())

FIT = {
    "chisq.scaled": "chi2_scaled",
    "chisq.scaling.factor": "scaling_factor",
    "baseline.chisq.scaled": "baseline_chi2_scaled",
    "baseline.chisq.scaling.factor": "baseline_scaling_factor",
    "cfi.scaled": "cfi_scaled",
    "tli.scaled": "tli_scaled",
    "rmsea.scaled": "rmsea_scaled",
    "cfi.robust": "cfi_robust",
    "tli.robust": "tli_robust",
    "rmsea.robust": "rmsea_robust",
}


def _spec(name: str) -> ModelSpec:
    """The golden model text without its ``x ~~ 0*x`` line (our default)."""
    text = REF[name]["model"]
    return ModelSpec.from_syntax(
        "\n".join(line for line in text.splitlines() if "~~" not in line)
    )


def _data(name: str) -> Any:
    pd = pytest.importorskip("pandas")
    if name == "mobi":
        if not MOBI.exists():
            pytest.skip("ECSI mobi data not available")
        return pd.read_csv(MOBI).astype(float)
    return pd.read_csv(GOLDEN / "robust_sample.csv")


def _fit(data: object, spec: ModelSpec | str, **kw: Any) -> ACSIMLResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mobi's collinearity warnings
        return acsi.fit(data, model=spec, method="ml", **kw)


def _lavaan_se(ref: dict[str, Any]) -> dict[tuple[str, str, str], float]:
    return {(e["lhs"], e["op"], e["rhs"]): e["se"] for e in ref["estimates"]}


def _get(table: dict[tuple[str, str, str], Any], key: tuple[str, str, str]) -> Any:
    return table[key] if key in table else table[(key[2], key[1], key[0])]


# ---------------------------------------------------------------- FourthMoments
def _skewed(n: int, p: int, seed: int) -> np.ndarray:
    gen = np.random.default_rng(seed)
    return gen.exponential(size=(n, p)) * np.arange(1, p + 1) + gen.normal(size=p)


def test_fourth_moments_merge_is_exact() -> None:
    # Pébay (2008) pairwise update: parts merged in any grouping = the whole
    x = _skewed(301, 4, 1)
    whole = FourthMoments.from_data(x)
    parts = [from_rows(x[a:b], whole.columns) for a, b in ((0, 1), (1, 90), (90, 301))]
    left = parts[0].merge(parts[1]).merge(parts[2])
    right = parts[0].merge(parts[1].merge(parts[2]))
    for merged in (left, right):
        assert merged.n == 301
        for name in ("mean", "comoment2", "comoment3", "comoment4"):
            np.testing.assert_allclose(
                getattr(merged, name), getattr(whole, name), rtol=1e-11, atol=1e-9
            )
    assert left.missing_report.rows_used == 301


@given(
    cuts=st.lists(st.integers(1, 59), min_size=1, max_size=4, unique=True),
    shift=st.floats(-1e3, 1e3),
    seed=st.integers(0, 2**16),
)
def test_merge_of_any_split_equals_the_whole(
    cuts: list[int], shift: float, seed: int
) -> None:
    # any partition of the rows, merged left to right, gives the whole's
    # co-moments (Pébay 2008) even when the means are far from zero
    x = _skewed(60, 3, seed) + shift
    whole = FourthMoments.from_data(x)
    bounds = [0, *sorted(cuts), 60]
    parts = [from_rows(x[a:b], whole.columns) for a, b in itertools.pairwise(bounds)]
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.merge(part)
    np.testing.assert_allclose(merged.gamma(), whole.gamma(), rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(merged.mean, whole.mean, rtol=1e-12)


def test_gamma_is_lavaans_nacov_formula() -> None:
    # lavaan lav_samplestats_Gamma: Z = Yc[, vech pairs] products, Zc centred,
    # Gamma = crossprod(Zc) / N (gamma.n.minus.one = FALSE)
    x = _skewed(250, 5, 2)
    yc = x - x.mean(axis=0)
    r, c = vech_indices(5)
    z = yc[:, r] * yc[:, c]
    zc = z - z.mean(axis=0)
    expected = zc.T @ zc / 250
    got = FourthMoments.from_data(x).gamma()
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_third_moments_by_hand() -> None:
    x = _skewed(40, 3, 3)
    e = x - x.mean(axis=0)
    fm = FourthMoments.from_data(x)
    r, c = vech_indices(3)
    for i in range(3):
        for k in range(r.size):
            assert fm.comoment3[i, k] == pytest.approx(
                float(np.sum(e[:, i] * e[:, r[k]] * e[:, c[k]])), rel=1e-10, abs=1e-10
            )


def test_fourth_moments_agree_with_moments() -> None:
    x = _skewed(120, 4, 4)
    x[3, 1] = np.nan
    fm = FourthMoments.from_data(x, columns=["a", "b", "c", "d"])
    m = Moments.from_data(x, columns=["a", "b", "c", "d"])
    assert fm.n == m.n == 119
    assert fm.missing_report.reasons == {"missing value (listwise)": 1}
    np.testing.assert_allclose(fm.covariance(), m.covariance(ddof=0), rtol=1e-12)
    np.testing.assert_allclose(fm.mean, m.mean, rtol=1e-13)
    assert json.dumps(fm.to_dict(), allow_nan=False)
    assert "n=119" in repr(fm)


def test_fourth_moments_refusals() -> None:
    x = _skewed(20, 2, 5)
    with pytest.raises(InputError, match="columns"):
        FourthMoments.from_data(x).merge(FourthMoments.from_data(x, columns=["u", "v"]))
    x[0, 0] = np.nan
    with pytest.raises(InputError, match="nan_policy"):
        FourthMoments.from_data(x, nan_policy="raise")
    with pytest.raises(InputError, match="complete row"):
        FourthMoments.from_data(np.full((3, 2), np.nan))
    with pytest.raises(InputError, match="overflow"):
        FourthMoments.from_data(np.array([[1e100, 1.0], [-1e100, 2.0], [0.0, 3.0]]))
    pl = pytest.importorskip("polars")
    with pytest.raises(InputError):
        FourthMoments.from_data(pl.LazyFrame({"a": [1.0, 2.0], "b": [3.0, 1.0]}))


# ---------------------------------------------------------------- the algebra
def test_weight_matrix_is_half_dup_kron_dup() -> None:
    # W = 1/2 D'(A kron A) D with the duplication matrix D (Magnus & Neudecker)
    gen = np.random.default_rng(6)
    b = gen.normal(size=(4, 4))
    a = b @ b.T + np.eye(4)
    r, c = vech_indices(4)
    dup = np.zeros((16, r.size))
    for k in range(r.size):
        dup[r[k] * 4 + c[k], k] = 1.0
        dup[c[k] * 4 + r[k], k] = 1.0
    np.testing.assert_allclose(
        weight_matrix(a), 0.5 * dup.T @ np.kron(a, a) @ dup, rtol=1e-12
    )


@pytest.fixture(scope="module")
def sample_fit() -> tuple[ModelSpec, np.ndarray, ACSIMLResult]:
    spec = _spec("sample")
    df = _data("sample")
    return spec, df[list(spec.indicators)].to_numpy(float), _fit(df, spec)


def test_casewise_scores_give_the_gamma_meat(
    sample_fit: tuple[ModelSpec, np.ndarray, Any],
) -> None:
    # MLR's first-order information from the rows' scores
    # g_i = Delta' W (d_i - sigma) equals Delta' W [Gamma + (s - sigma)(.)'] W Delta
    spec, x, res = sample_fit
    st = compile_structure(spec)
    est = {
        (e.lhs, e.op, e.rhs): e.estimate
        for e in (*res.loadings, *res.paths, *res.variances)
    }
    free = np.array([_get(est, lab) for lab in parameter_labels(spec, st)])
    sigma, la, lc, *_ = _parts(st, free)
    r, c = vech_indices(st.p)
    basis = np.concatenate([np.eye(st.p), la, lc], axis=1)
    au, av = basis[:, st.u], basis[:, st.v]
    delta = st.c * (au[r] * av[c] + av[r] * au[c])
    w = weight_matrix(np.asarray(np.linalg.inv(sigma), dtype=np.float64))
    e = x - x.mean(axis=0)
    scores = (e[:, r] * e[:, c] - sigma[r, c]) @ w @ delta
    b0_rows = scores.T @ scores / x.shape[0]
    fm = from_rows(x, spec.indicators)
    s = fm.covariance()
    resid = s[r, c] - sigma[r, c]
    b0 = delta.T @ w @ (fm.gamma() + np.outer(resid, resid)) @ w @ delta
    np.testing.assert_allclose(b0, b0_rows, rtol=1e-9, atol=1e-12)
    # and Delta' W Delta is the kernel's expected information
    _, logdet = np.linalg.slogdet(s)
    got = derivatives(st, free, s, float(logdet), hessian=False)
    assert got is not None
    np.testing.assert_allclose(delta.T @ w @ delta, got[2], rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- lavaan
CASES = [(d, e) for d in ("sample", "mobi") for e in ("MLM", "MLR")]


@pytest.mark.parametrize(("data", "estimator"), CASES)
def test_formulas_match_lavaan_at_its_estimates(data: str, estimator: str) -> None:
    # robust SEs, scaling factors and indices evaluated at lavaan's estimates
    ref = REF[data][estimator]
    spec = _spec(data)
    st = compile_structure(spec)
    labels = parameter_labels(spec, st)
    lav = {(e["lhs"], e["op"], e["rhs"]): e for e in ref["estimates"]}
    free = np.array([_get(lav, lab)["est"] for lab in labels])
    fm = from_rows(_data(data)[list(spec.indicators)].to_numpy(float), spec.indicators)
    s = fm.covariance()
    stats = _fit_statistics(s, _parts(st, free)[0], fm.n, st.q)
    se, rob = robust_parts(
        estimator.lower(),
        st,
        free,
        s,
        fm.n,
        fm,
        chi2=stats["chi2"],
        baseline_chi2=stats["baseline_chi2"],
    )
    rtol = 1e-9 if estimator == "MLM" else 1e-6
    np.testing.assert_allclose(se, [_get(lav, lab)["se"] for lab in labels], rtol=rtol)
    for lav_key, ours in FIT.items():
        assert getattr(rob, ours) == pytest.approx(
            ref["fit"][lav_key], rel=rtol, abs=1e-12
        ), lav_key
    assert rob.test == ref["options"]["test"]
    assert rob.information == ref["options"]["information"]


@pytest.mark.parametrize(("data", "estimator"), CASES)
def test_acsi_fit_matches_lavaan(data: str, estimator: str) -> None:
    ref = REF[data][estimator]
    res = _fit(_data(data), _spec(data), robust=estimator.lower())
    rob = res.robust
    assert rob is not None
    rtol = 1e-3 if (data, estimator) == ("mobi", "MLR") else 2e-5
    for lav_key, ours in FIT.items():
        assert getattr(rob, ours) == pytest.approx(ref["fit"][lav_key], rel=rtol), (
            lav_key
        )
    for lav_key, ours in (
        ("rmsea.ci.lower.robust", "rmsea_robust_ci_low"),
        ("rmsea.ci.upper.robust", "rmsea_robust_ci_high"),
    ):  # lavaan's uniroot() tolerance
        assert getattr(rob, ours) == pytest.approx(
            ref["fit"][lav_key], rel=1e-3, abs=1e-6
        )
    lav_se = _lavaan_se(ref)
    inds = set(res.spec.indicators)
    for e in (*res.loadings, *res.paths, *res.variances):
        # mobi: the structural paths and latent variances are not identified
        # (lavaan_mobi.json); its loadings and residual variances are
        if not e.free or (data == "mobi" and e.op != "=~" and e.lhs not in inds):
            continue
        ref_se = _get(lav_se, (e.lhs, e.op, e.rhs))
        assert e.se == pytest.approx(ref_se, rel=SE_RTOL[data, estimator]), e


SE_RTOL = {
    ("sample", "MLM"): 2e-5,
    ("sample", "MLR"): 2e-5,
    ("mobi", "MLM"): 2e-5,
    ("mobi", "MLR"): 5e-3,
}


# ---------------------------------------------------------------- the result
def test_result_carries_the_robust_numbers(
    sample_fit: tuple[ModelSpec, np.ndarray, Any],
) -> None:
    spec, _, normal = sample_fit
    res = _fit(_data("sample"), spec, robust="mlm")
    assert normal.robust is None
    # same estimates, robust standard errors in every view
    for a, b in zip(res.loadings, normal.loadings, strict=True):
        assert a.estimate == b.estimate
        assert (a.se != b.se) if a.free else math.isnan(a.se)
    for e in (*res.loadings, *res.paths):
        if e.free:
            name = e.rhs if e.kind == "loading" else f"{e.rhs} -> {e.lhs}"
            row = res.estimates.value(name, kind=e.kind)
            assert row == e.estimate
            k = next(
                i
                for i, (kd, nm) in enumerate(
                    zip(res.estimates.kind, res.estimates.name, strict=True)
                )
                if kd == e.kind and nm == name
            )
            assert res.estimates.standard_error[k] == e.se
            assert res.estimates.statistic[k] == pytest.approx(e.z)
    assert res.robust is not None
    assert res.estimates.value("chi2_scaled", kind="fit") == res.robust.chi2_scaled
    assert res.estimates.value("chi2", kind="fit") == normal.fit.chi2
    d = res.to_dict()
    assert d["robust"]["estimator"] == "mlm"
    json.dumps(d, allow_nan=False)
    text = str(res.summary())
    assert "Robust test (MLM: satorra.bentler)" in text
    assert "robust sandwich" in text


def test_segments_get_robust_fits() -> None:
    df = _data("sample")
    seg = np.where(np.arange(len(df)) % 2 == 0, "a", "b")
    res = _fit(df, "acsi", robust="mlr", segments=seg)
    assert res.segments is not None
    for part in res.segments.values():
        assert part.robust is not None
        assert part.n == 200


def test_normal_data_scale_by_about_one() -> None:
    # Satorra & Bentler (1994): under normality c -> 1 and robust SE -> normal SE
    # (not for the misspecified baseline: W at diag(S) is not Gamma's inverse)
    gen = np.random.default_rng(11)
    n = 4000
    a = gen.normal(size=n)
    b = 0.5 * a + 0.8 * gen.normal(size=n)
    x = np.column_stack([lat + 0.6 * gen.normal(size=n) for lat in (a, a, a, b, b, b)])
    model = "A =~ x0 + x1 + x2; B =~ x3 + x4 + x5; B ~ A"
    normal = _fit(x, model)
    for est in ("mlm", "mlr"):
        res = _fit(x, model, robust=est)
        assert res.robust is not None
        assert res.robust.scaling_factor == pytest.approx(1.0, abs=0.15)
        for e, f in zip(res.loadings, normal.loadings, strict=True):
            if e.free:
                assert e.se == pytest.approx(f.se, rel=0.1)


def test_scaled_test_holds_its_level_under_kurtosis() -> None:
    # Multivariate t (8 df: excess kurtosis 1.5) from a true model: the
    # normal-theory chi2 rejects far above 5%; the Satorra-Bentler and
    # Yuan-Bentler scaled chi2 stay near 5% (Satorra & Bentler 1994; Curran,
    # West & Finch 1996). Seeded: 80 replicates of n = 300; measured rates
    # 0.24 (normal theory), 0.06 (MLM), 0.075 (MLR).
    gen = np.random.default_rng(2026)
    spec = ModelSpec.from_syntax("A =~ x0 + x1 + x2; B =~ x3 + x4 + x5; B ~ A")
    st = compile_structure(spec)
    labels = parameter_labels(spec, st)
    n, reps, nu = 300, 80, 8.0
    crit = 15.507313055865453  # chi2(8) 95% quantile
    rejected = {"normal": 0, "mlm": 0, "mlr": 0}
    for _ in range(reps):
        a = gen.normal(size=n)
        b = 0.5 * a + 0.8 * gen.normal(size=n)
        y = np.column_stack(
            [lat + 0.6 * gen.normal(size=n) for lat in (a, a, a, b, b, b)]
        )
        x = y * np.sqrt((nu - 2.0) / gen.chisquare(nu, size=n))[:, None]
        res = _fit(x, spec, robust="mlm")
        assert res.robust is not None
        assert res.fit.df == 8
        rejected["normal"] += res.fit.chi2 > crit
        rejected["mlm"] += res.robust.chi2_scaled > crit
        # MLR at the same estimates (what robust="mlr" computes after the fit)
        est = {
            (e.lhs, e.op, e.rhs): e.estimate
            for e in (*res.loadings, *res.paths, *res.variances)
        }
        free = np.array([_get(est, lab) for lab in labels])
        fm = from_rows(x, spec.indicators)
        _, mlr = robust_parts(
            "mlr",
            st,
            free,
            fm.covariance(),
            n,
            fm,
            chi2=res.fit.chi2,
            baseline_chi2=res.fit.baseline_chi2,
        )
        rejected["mlr"] += mlr.chi2_scaled > crit
    rate = {k: v / reps for k, v in rejected.items()}
    assert rate["normal"] > 0.15
    assert rate["mlm"] < 0.11
    assert rate["mlr"] < 0.11
    assert abs(rate["mlm"] - 0.05) < abs(rate["normal"] - 0.05)


def test_fourth_moments_of_chunks_fit_like_the_rows(
    sample_fit: tuple[ModelSpec, np.ndarray, ACSIMLResult],
) -> None:
    # FourthMoments per chunk, merged, then acsi.fit: the same robust fit as
    # from the rows (extra columns are dropped by name)
    spec, x, _ = sample_fit
    names = (*spec.indicators, "extra")
    rows = np.column_stack([x, np.arange(len(x), dtype=float)])
    chunks = [
        from_rows(rows[a:b], names) for a, b in ((0, 150), (150, 151), (151, 400))
    ]
    merged = chunks[0].merge(chunks[1]).merge(chunks[2])
    for est in ("mlm", "mlr"):
        whole = _fit(x, spec, robust=est, columns=list(spec.indicators))
        parts = _fit(merged, spec, robust=est)
        assert whole.robust is not None
        assert parts.robust is not None
        assert parts.n == whole.n == 400
        assert parts.robust.chi2_scaled == pytest.approx(
            whole.robust.chi2_scaled, rel=1e-8
        )
        assert parts.robust.cfi_robust == pytest.approx(
            whole.robust.cfi_robust, rel=1e-8
        )
        for a, b in zip(parts.loadings, whole.loadings, strict=True):
            assert a.se == pytest.approx(b.se, rel=1e-7, nan_ok=True)
    sub = merged.select(["sat2", "expe1"])
    assert sub.columns == ("sat2", "expe1")
    np.testing.assert_allclose(
        sub.gamma(), FourthMoments.from_data(x[:, [10, 0]]).gamma(), rtol=1e-10
    )
    with pytest.raises(InputError, match="'columns'"):
        merged.select(["nope"])


# ---------------------------------------------------------------- refusals
def test_refusals_name_the_parameter() -> None:
    df = _data("sample")
    with pytest.raises(InputError, match=r"'robust'.*method='ml' only"):
        acsi.fit(df, model="acsi", robust="mlm")  # type: ignore[call-overload]
    with pytest.raises(InputError, match=r"'robust'.*'mlm' or 'mlr'"):
        acsi.fit(df, model="acsi", method="ml", robust="MLX")  # type: ignore[call-overload]
    with pytest.raises(InputError, match="rows in memory"):
        acsi.fit(Moments.from_data(df), model="acsi", method="ml", robust="mlm")
    with pytest.raises(InputError, match="'weights'"):
        acsi.fit(df, model="acsi", method="ml", robust="mlr", weights=np.ones(len(df)))
    with pytest.raises(InputError, match="'missing'"):
        acsi.fit(df, model="acsi", method="ml", robust="mlr", missing="pairwise")
    pl = pytest.importorskip("polars")
    with pytest.raises(InputError, match="lazy frame"):
        acsi.fit(pl.from_pandas(df).lazy(), model="acsi", method="ml", robust="mlm")
