"""Consistent PLS (acsi.consistent) against cSEM, and by simulation recovery.

cSEM numbers: tests/golden/csem_mobi.json, produced by
tests/golden/csem_mobi.R (cSEM's GitHub sources, PLSc is its default for
common factors) on the ECSI mobi data.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels import acsi
from satmodels.exceptions import AdmissibilityWarning, EstimationError, InputError
from satmodels.stats.moments import Moments

# ../shared/data relative to the repository root (a worktree's lives in /work)
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
    (Path(__file__).parent / "golden" / "csem_mobi.json").read_text()
)
RTOL = GOLDEN["tolerance"]["estimates_rtol"]
SMALL = """IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
EXPE =~ CUEX1 + CUEX2 + CUEX3
VAL =~ PERV1 + PERV2
SAT =~ CUSA1 + CUSA2 + CUSA3
SAT ~ IMAG + EXPE + VAL"""


@pytest.fixture(scope="module")
def mobi() -> Any:
    if not MOBI.exists():
        pytest.skip("ECSI mobi data not available at ../shared/data/ecsi")
    import pandas as pd

    return pd.read_csv(MOBI)


def _check(res: acsi.PLScResult, ref: dict[str, Any]) -> None:
    lv = ref["latents"]
    paths = np.array(ref["paths"])  # cSEM: [target, source]
    for t, target in enumerate(lv):
        for s, source in enumerate(lv):
            assert res.path(source, target) == pytest.approx(
                paths[t, s], rel=RTOL, abs=1e-9
            )
    for ind, val in ref["loadings"].items():
        i = res.indicators.index(ind)
        assert res.loadings[i] == pytest.approx(val, rel=RTOL)
        assert res.outer_weights[i] == pytest.approx(ref["weights"][ind], rel=RTOL)
    for name, val in ref["reliabilities"].items():
        assert res.rho_a[res.latents.index(name)] == pytest.approx(val, rel=RTOL)
    order = [res.latents.index(name) for name in lv]
    np.testing.assert_allclose(
        res.construct_correlation[np.ix_(order, order)],
        np.array(ref["construct_vcv"]),
        rtol=RTOL,
    )
    for name, val in ref["r2"].items():
        assert res.r_squared[res.latents.index(name)] == pytest.approx(val, rel=RTOL)
    assert res.min_eigenvalue == pytest.approx(ref["min_eigenvalue"], rel=1e-5)
    # cSEM fit(.saturated = FALSE, .type_vcv = "indicator"): verify() code 5
    assert res.implied_min_eigenvalue == pytest.approx(
        ref["implied_min_eigenvalue"], rel=1e-6
    )
    assert (
        res.admissibility["implied_correlation_psd"] is not ref["verify_problem"]["5"]
    )


def test_small_model_matches_csem(mobi: Any) -> None:
    res = acsi.consistent(mobi, model=SMALL)
    _check(res, GOLDEN["small"])
    assert res.admissible
    assert not any(GOLDEN["small"]["verify_problem"].values())


def test_ecsi_is_inadmissible_as_in_csem(mobi: Any) -> None:
    """On mobi the corrected construct correlation matrix is not PSD."""
    ref = GOLDEN["ecsi"]
    with pytest.warns(AdmissibilityWarning, match="construct_correlation_psd"):
        res = acsi.consistent(mobi, model="ecsi")
    _check(res, ref)
    assert not res.admissible
    assert res.admissibility["construct_correlation_psd"] is False
    assert res.min_eigenvalue < 0
    # cSEM verify(): status 3 "Construct VCV is not positive semi-definite"
    assert ref["verify_problem"] == {
        "1": False,
        "2": False,
        "3": True,
        "4": False,
        "5": False,
    }
    for name, val in ref["indirect_effect"].items():
        target, source = (x.strip() for x in name.split("~"))
        assert res.estimates.value(
            f"{source} -> {target}", kind="indirect_effect"
        ) == pytest.approx(val, rel=RTOL, abs=1e-9)
    assert "inadmissible" in str(res.summary())


def test_bootstrap_counts_inadmissible_replicates(mobi: Any) -> None:
    with pytest.warns(AdmissibilityWarning):
        dropped = acsi.consistent(mobi, model="ecsi", n_resamples=60, rng=3)
    with pytest.warns(AdmissibilityWarning):
        kept = acsi.consistent(
            mobi, model="ecsi", n_resamples=60, rng=3, inadmissible="keep"
        )
    assert 0 < dropped.n_inadmissible < 60
    assert dropped.n_inadmissible == kept.n_inadmissible
    assert dropped._boot is not None
    assert kept._boot is not None
    assert dropped._boot.replicates.shape[0] == 60 - dropped.n_inadmissible
    assert kept._boot.replicates.shape[0] == 60


def _population(n: int, rng: np.random.Generator) -> tuple[Any, dict[str, float]]:
    """X -> M -> Y plus X -> Y with loadings 0.6-0.8 (reliability well below 1)."""
    b_xm, b_my, b_xy = 0.5, 0.4, 0.3
    x = rng.standard_normal(n)
    m = b_xm * x + np.sqrt(1 - b_xm**2) * rng.standard_normal(n)
    var_y = b_my**2 + b_xy**2 + 2 * b_my * b_xy * b_xm
    y = b_xy * x + b_my * m + np.sqrt(1 - var_y) * rng.standard_normal(n)
    data = {}
    for name, eta in (("x", x), ("m", m), ("y", y)):
        for k, lam in enumerate((0.8, 0.7, 0.6), start=1):
            data[f"{name}{k}"] = lam * eta + np.sqrt(1 - lam**2) * rng.standard_normal(
                n
            )
    return data, {"X -> M": b_xm, "M -> Y": b_my, "X -> Y": b_xy}


MODEL = """X =~ x1 + x2 + x3
M =~ m1 + m2 + m3
Y =~ y1 + y2 + y3
M ~ X
Y ~ X + M"""


def test_simulation_recovers_population_paths() -> None:
    data, truth = _population(200_000, np.random.default_rng(11))
    res = acsi.consistent(data, model=MODEL)
    pls = acsi.fit(data, model=MODEL, scale=(-10, 10))
    for name, value in truth.items():
        src, tgt = name.split(" -> ")
        assert res.path(src, tgt) == pytest.approx(value, abs=0.01)
    # plain PLS is biased (attenuated) for X -> M; PLSc is not
    assert abs(pls.path("X", "M") - 0.5) > 0.05
    lam = np.array([0.8, 0.7, 0.6] * 3)
    np.testing.assert_allclose(res.loadings, lam, atol=0.01)


def test_moments_and_rows_agree() -> None:
    data, _ = _population(500, np.random.default_rng(2))
    rows = np.column_stack(list(data.values()))
    m = Moments.from_data(rows, columns=list(data))
    a = acsi.consistent(data, model=MODEL)
    b = acsi.consistent(m, model=MODEL)
    np.testing.assert_allclose(a.path_coefficients, b.path_coefficients, atol=1e-12)
    with pytest.raises(InputError, match="n_resamples"):
        acsi.consistent(m, model=MODEL, n_resamples=10)


def test_result_protocol_and_bad_options() -> None:
    data, _ = _population(300, np.random.default_rng(5))
    res = acsi.consistent(
        data, model=MODEL, n_resamples=50, rng=1, interval="percentile"
    )
    assert res.estimates.interval[0] == "percentile"
    lo, _ = res.confidence_interval()
    assert np.all(lo[:3] < res.estimates.estimate[:3])
    assert "PLScResult" in repr(res)
    assert json.dumps(res.to_dict())
    assert len(res.to_frame()) == len(res.estimates)
    normal = acsi.consistent(
        data, model=MODEL, n_resamples=50, rng=1, interval="normal"
    )
    assert normal.estimates.interval[0] == "normal"
    with pytest.raises(InputError, match="interval"):
        acsi.consistent(data, model=MODEL, interval="wald")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        acsi.consistent(data, model=MODEL, scheme="nope")  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert acsi.consistent(data, model=MODEL).admissible


@pytest.mark.parametrize(
    "engine", ["polars_lazy", pytest.param("duckdb", marks=pytest.mark.engine)]
)
def test_lazy_engines_give_the_same_fit(engine: str) -> None:
    """Only the correlation matrix comes back from the engine."""
    data, _ = _population(400, np.random.default_rng(9))
    if engine == "polars_lazy":
        pl = pytest.importorskip("polars")
        lazy: object = pl.DataFrame(data).lazy()
    else:
        duckdb = pytest.importorskip("duckdb")
        pa = pytest.importorskip("pyarrow")
        lazy = duckdb.connect().from_arrow(pa.table(data))
    eager = acsi.consistent(data, model=MODEL)
    res = acsi.consistent(lazy, model=MODEL, n_resamples=30, rng=2)
    np.testing.assert_allclose(
        res.path_coefficients, eager.path_coefficients, atol=1e-10
    )
    assert res._boot is not None
    assert res._boot.method == "poisson"
    assert res._boot.jackknife_groups == 0
    h = acsi.htmt(lazy, model=MODEL, correlations="absolute")
    np.testing.assert_allclose(
        h.htmt, acsi.htmt(data, model=MODEL, correlations="absolute").htmt, atol=1e-10
    )


def test_undefined_rho_a_is_inadmissible_not_silent() -> None:
    """A block whose items correlate negatively has c^2 < 0: rho_A is NaN."""
    rng = np.random.default_rng(0)
    n = 300
    x = rng.standard_normal(n)
    y = 0.5 * x + rng.standard_normal(n)
    data = {
        "x1": x + rng.standard_normal(n),
        "x2": x + rng.standard_normal(n),
        "y1": y + 0.5 * rng.standard_normal(n),
        "y2": -0.3 * y + rng.standard_normal(n) + 0.8 * x,
    }
    model = "X =~ x1 + x2\nY =~ y1 + y2\nY ~ X"
    with pytest.warns(AdmissibilityWarning, match=r"rho_A undefined for \['Y'\]"):
        res = acsi.consistent(
            data, model=model, n_resamples=30, rng=1, inadmissible="keep"
        )
    assert np.isnan(res.rho_a[1])
    assert np.isnan(res.path("X", "Y"))
    assert np.isnan(res.estimates.select("path").ci_low[0])
    assert res.n_inadmissible == 30
    assert res.n_failed == 0
    with (
        pytest.warns(AdmissibilityWarning),
        pytest.raises(EstimationError, match="30 inadmissible"),
    ):
        acsi.consistent(data, model=model, n_resamples=30, rng=1)
