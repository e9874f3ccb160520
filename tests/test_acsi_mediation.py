"""Specific indirect effects (acsi.indirect_effects).

Independent references: cSEM's path and total indirect effect estimates of
the PLSc fit of the ECSI model on the mobi data (tests/golden/csem_mobi.json,
script tests/golden/csem_mobi.R): every chain is the product of cSEM's
paths and each pair's chains sum to cSEM's indirect effect. The Sobel
standard error is recomputed by hand from an OLS fit (numpy lstsq).
"""

from __future__ import annotations

import itertools
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels import acsi
from satmodels.exceptions import AdmissibilityWarning, InputError

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
)["ecsi"]


@pytest.fixture(scope="module")
def mobi() -> Any:
    if not MOBI.exists():
        pytest.skip("ECSI mobi data not available at ../shared/data/ecsi")
    import pandas as pd

    return pd.read_csv(MOBI)


def test_chains_are_products_of_csem_paths_and_sum_to_its_indirect(
    mobi: Any,
) -> None:
    with pytest.warns(AdmissibilityWarning):
        fit = acsi.consistent(mobi, model="ecsi")
    med = acsi.indirect_effects(fit)
    lv = GOLDEN["latents"]
    paths = np.array(GOLDEN["paths"])  # [target, source]
    # the number of chains of two or more paths: the sum of the entries of
    # A^2 + A^3 + ... for the adjacency matrix A (counts walks; acyclic)
    adj = (paths.T != 0).astype(int)
    walks, power = 0, adj
    for _ in range(len(lv)):
        power = power @ adj
        walks += int(power.sum())
    assert len(med.chains) == walks == 49
    for chain, value in zip(med.chains, med.effect, strict=True):
        expected = np.prod(
            [paths[lv.index(b), lv.index(a)] for a, b in itertools.pairwise(chain)]
        )
        assert value == pytest.approx(expected, rel=1e-6)
    tot = med.estimates.select("total_indirect")
    assert len(tot) == len(GOLDEN["indirect_effect"])
    for name, value in GOLDEN["indirect_effect"].items():
        target, source = (x.strip() for x in name.split("~"))
        assert tot.estimate[tot.name.index(f"{source} -> {target}")] == pytest.approx(
            value, rel=1e-6, abs=1e-9
        )


def test_pls_bootstrap_percentile_and_bca(mobi: Any) -> None:
    fit = acsi.fit(mobi, model="ecsi", scale=(1, 10), n_resamples=300, rng=4)
    med = acsi.indirect_effects(fit)
    assert med.n_resamples == 300 - fit.bootstrap.n_failed  # type: ignore[union-attr]
    # total indirect: our sum of chains equals the fit's own indirect effect
    # and its bootstrap SE equals the fit's (same replicates)
    tot = med.estimates.select("total_indirect")
    for i, name in enumerate(tot.name):
        assert tot.estimate[i] == pytest.approx(
            fit.estimates.value(name, kind="indirect_effect"), abs=1e-12
        )
        row = fit.estimates._row("indirect_effect", name)
        assert tot.standard_error[i] == pytest.approx(
            fit.estimates.standard_error[row], rel=1e-9
        )
        assert tot.ci_low[i] == pytest.approx(fit.estimates.ci_low[row], rel=1e-9)
    assert np.all(med.percentile_low <= med.percentile_high)
    assert np.all(med.bca_low <= med.bca_high)
    assert np.all((med.bca_low <= med.effect) & (med.effect <= med.bca_high))
    perc = acsi.indirect_effects(fit, interval="percentile")
    spec = perc.estimates.select("specific_indirect")
    np.testing.assert_allclose(spec.ci_low, med.percentile_low)
    sob = med.estimates.select("specific_indirect_sobel")
    assert set(sob.interval) == {"normal"}
    assert "Sobel" in str(med.summary())
    assert json.dumps(med.to_dict())


def _chain_data(n: int, seed: int) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    m = 0.4 * x + rng.standard_normal(n)
    y = 0.3 * m + 0.2 * x + rng.standard_normal(n)
    return {"x": x, "m": m, "y": y}


MODEL = "X =~ x\nM =~ m\nY =~ y\nM ~ X\nY ~ M + X"


def test_sobel_standard_error_by_hand() -> None:
    data = _chain_data(400, 1)
    fit = acsi.fit(data, model=MODEL, scale=(-10, 10))
    med = acsi.indirect_effects(fit)
    assert med.names == ("X -> M -> Y",)
    z = {k: (v - v.mean()) / v.std(ddof=1) for k, v in data.items()}
    n = 400

    def ols(y: np.ndarray[Any, Any], *xs: np.ndarray[Any, Any]) -> tuple[Any, Any]:
        design = np.column_stack([np.ones(n), *xs])
        beta, rss, *_ = np.linalg.lstsq(design, y, rcond=None)
        s2 = rss[0] / (n - design.shape[1])
        se = np.sqrt(np.diag(s2 * np.linalg.inv(design.T @ design)))
        return beta[1:], se[1:]

    (a,), (sa,) = ols(z["m"], z["x"])
    (b, _), (sb, _) = ols(z["y"], z["m"], z["x"])
    assert med.effect[0] == pytest.approx(a * b, rel=1e-10)
    sobel = np.sqrt(b**2 * sa**2 + a**2 * sb**2)  # Sobel (1982)
    assert med.sobel_se[0] == pytest.approx(sobel, rel=1e-10)
    row = med.estimates.select("specific_indirect_sobel")
    assert row.pvalue[0] < 1e-3
    assert np.isnan(med.bootstrap_se[0])  # no bootstrap in the fit
    assert med.estimates.select("specific_indirect").interval[0] == "none"


def test_bootstrap_se_close_to_sobel_at_large_n() -> None:
    data = _chain_data(3000, 2)
    fit = acsi.fit(data, model=MODEL, scale=(-10, 10), n_resamples=400, rng=5)
    med = acsi.indirect_effects(fit)
    assert med.bootstrap_se[0] == pytest.approx(med.sobel_se[0], rel=0.2)


def test_plsc_bootstrap_and_bad_input() -> None:
    rng = np.random.default_rng(3)
    n = 400
    x = rng.standard_normal(n)
    m = 0.5 * x + 0.8 * rng.standard_normal(n)
    y = 0.5 * m + 0.8 * rng.standard_normal(n)
    data = {
        f"{k}{i}": v + 0.6 * rng.standard_normal(n)
        for k, v in (("x", x), ("m", m), ("y", y))
        for i in (1, 2, 3)
    }
    model = "X =~ x1 + x2 + x3\nM =~ m1 + m2 + m3\nY =~ y1 + y2 + y3\nM ~ X\nY ~ M"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = acsi.consistent(data, model=model, n_resamples=200, rng=1)
    med = acsi.indirect_effects(fit, interval="normal")
    assert med.n_resamples == 200 - fit.n_failed - fit.n_inadmissible
    spec = med.estimates.select("specific_indirect")
    assert spec.interval[0] == "normal"
    assert spec.ci_low[0] < med.effect[0] < spec.ci_high[0]
    assert "MediationResult" in repr(med)
    with pytest.raises(InputError, match="result"):
        acsi.indirect_effects(data)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="interval"):
        acsi.indirect_effects(fit, interval="bc")  # type: ignore[arg-type]
