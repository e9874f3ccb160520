"""satmodels PLS vs seminr (R) on the mobi data (tests/golden/seminr_mobi.json).

The numbers are seminr's own regression fixtures (sem-in-r/seminr,
tests/fixtures, commits listed in the golden file) for the model of its
tests/testthat/test-summary.R: reliability (alpha, rho_C, AVE, rho_A),
cross-loadings, antecedent VIFs, paths and HTMT, plus the bootstrap
standard deviations of its 500-replicate bootstrap.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels.acsi import PLSResult
from satmodels.acsi import fit as acsi_fit

MOBI = Path("/work/shared/data/ecsi/mobi.csv")
GOLDEN = json.loads((Path(__file__).parent / "golden" / "seminr_mobi.json").read_text())
NAME: dict[str, str] = GOLDEN["latent_names"]
RTOL: float = GOLDEN["tolerance"]["estimates_rtol"]


@pytest.fixture(scope="module")
def fitted() -> PLSResult:
    if not MOBI.exists():
        pytest.skip("ECSI mobi data not available at /work/shared/data")
    import pandas as pd

    df: Any = pd.read_csv(MOBI)
    return acsi_fit(df, model=GOLDEN["syntax"], n_resamples=2000, rng=123)


def test_reliability_matches_seminr(fitted: PLSResult) -> None:
    for lv, vals in GOLDEN["reliability"].items():
        k = fitted.latents.index(NAME[lv])
        assert fitted.cronbach_alpha[k] == pytest.approx(vals["alpha"], rel=RTOL)
        assert fitted.rho_c[k] == pytest.approx(vals["rhoC"], rel=RTOL)
        assert fitted.ave[k] == pytest.approx(vals["AVE"], rel=RTOL)
        assert fitted.rho_a[k] == pytest.approx(vals["rhoA"], rel=RTOL)


def test_cross_loadings_match_seminr(fitted: PLSResult) -> None:
    cols = [fitted.latents.index(NAME[c]) for c in GOLDEN["cross_loadings"]["columns"]]
    for ind, row in GOLDEN["cross_loadings"]["rows"].items():
        i = fitted.indicators.index(ind)
        np.testing.assert_allclose(fitted.cross_loadings[i, cols], row, rtol=RTOL)


def test_paths_vif_and_htmt_match_seminr(fitted: PLSResult) -> None:
    sat = fitted.latents.index("SAT")
    for lv, vif in GOLDEN["vif_antecedents_satisfaction"].items():
        k = fitted.latents.index(NAME[lv])
        assert fitted.inner_vif[k, sat] == pytest.approx(vif, rel=RTOL)
    for p in GOLDEN["paths"]:
        est = fitted.path(NAME[p["source"]], NAME[p["target"]])
        assert est == pytest.approx(p["estimate"], rel=RTOL)
    for h in GOLDEN["htmt"]:
        a, b = fitted.latents.index(NAME[h["a"]]), fitted.latents.index(NAME[h["b"]])
        assert fitted.htmt[a, b] == pytest.approx(h["estimate"], rel=RTOL)


def test_bootstrap_sd_close_to_seminr(fitted: PLSResult) -> None:
    # different resamples: agreement only within resampling noise
    boot = fitted.bootstrap
    assert boot is not None
    tol = GOLDEN["tolerance"]["bootstrap_sd_rtol"]
    se = dict(zip(boot.label, boot.se.tolist(), strict=True))
    for p in GOLDEN["paths"]:
        label = f"{NAME[p['source']]} -> {NAME[p['target']]}"
        assert se[label] == pytest.approx(p["bootstrap_sd"], rel=tol)
    order = list(fitted.latents)
    for h in GOLDEN["htmt"]:
        a, b = sorted((NAME[h["a"]], NAME[h["b"]]), key=order.index)
        assert se[f"{a} ~ {b}"] == pytest.approx(h["bootstrap_sd"], rel=tol)
