"""Weighted PLS (WPLS; Becker & Ismail 2016): acsi.fit with case weights.

References: tests/golden/wpls.json, written by tests/golden/wpls.R:

* integer weights equal repeated respondents -- cSEM (R sources) on the
  mobi data with row i repeated 1 + (i - 1) mod 3 times;
* non-integer weights -- an independent R implementation of Becker &
  Ismail's (2016) algorithm on the raw data (weighted standardization,
  weighted covariances and weighted least squares, cov.wt correlations),
  on the mobi data and on the sample survey's own 'weight' column.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels import acsi
from satmodels.acsi import PLSResult
from satmodels.datasets import load_sample_survey

MOBI = Path("/work/shared/data/ecsi/mobi.csv")
GOLDEN: dict[str, Any] = json.loads(
    (Path(__file__).parent / "golden" / "wpls.json").read_text()
)
ATOL = GOLDEN["tolerance"]["estimates_atol"]


@pytest.fixture(scope="module")
def mobi() -> Any:
    if not MOBI.exists():
        pytest.skip("ECSI mobi data not available at /work/shared/data")
    import pandas as pd

    return pd.read_csv(MOBI)


def _check(res: PLSResult, ref: dict[str, Any]) -> None:
    w = dict(zip(res.indicators, res.outer_weights, strict=True))
    ld = dict(zip(res.indicators, res.loadings, strict=True))
    for item, value in ref["weights"].items():
        assert w[item] == pytest.approx(value, abs=ATOL), item
        assert ld[item] == pytest.approx(ref["loadings"][item], abs=ATOL), item
    for name, value in ref["paths"].items():
        src, tgt = name.split(" -> ")
        assert res.path(src, tgt) == pytest.approx(value, abs=ATOL), name
    assert len(ref["paths"]) == len(res.spec.paths)
    r2 = dict(zip(res.latents, res.r_squared, strict=True))
    for lv, value in ref["r2"].items():
        assert r2[lv] == pytest.approx(value, abs=ATOL), lv


def _fit(data: Any, model: str, weights: Any) -> PLSResult:
    return acsi.fit(
        data, model=model, weights=weights, scale=(1, 10), tol=1e-12, max_iter=1000
    )


def test_integer_weights_equal_repeated_rows_in_csem(mobi: Any) -> None:
    w = 1.0 + np.arange(len(mobi)) % 3
    res = _fit(mobi, "ecsi", w)
    _check(res, GOLDEN["mobi_integer"])
    assert GOLDEN["mobi_integer"]["rows"] == int(w.sum())
    # and the R WPLS implementation agrees with cSEM on the repeated rows
    _check(res, GOLDEN["mobi_integer_wpls"])


def test_non_integer_weights_match_becker_ismail(mobi: Any) -> None:
    w = 0.5 + (np.arange(len(mobi)) % 7) / 3.0
    _check(_fit(mobi, "ecsi", w), GOLDEN["mobi_real"])


def test_survey_weights_match_becker_ismail() -> None:
    survey = load_sample_survey()
    res = _fit(survey, "acsi", "weight")
    assert res.n == GOLDEN["survey_weight"]["n"]
    _check(res, GOLDEN["survey_weight"])


def test_weights_matter(mobi: Any) -> None:
    """The weighted fit differs from the unweighted one (the test can fail)."""
    w = 0.5 + (np.arange(len(mobi)) % 7) / 3.0
    a = _fit(mobi, "ecsi", w)
    b = _fit(mobi, "ecsi", None)
    assert np.max(np.abs(a.outer_weights - b.outer_weights)) > 1e-3
