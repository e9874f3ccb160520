"""HTMT and HTMT2 (acsi.htmt) against cSEM's calculateHTMT and seminr's HTMT.

References: tests/golden/csem_mobi.json (script tests/golden/csem_mobi.R),
on the ECSI mobi data and on the same data with CUEX3 reversed
(11 - CUEX3), where signed and absolute averages differ.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels import acsi
from satmodels.exceptions import InputError, SatmodelsWarning

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


@pytest.fixture(scope="module")
def mobi() -> Any:
    if not MOBI.exists():
        pytest.skip("ECSI mobi data not available at ../shared/data/ecsi")
    import pandas as pd

    return pd.read_csv(MOBI)


def _lower(ref: list[list[float | None]]) -> np.ndarray[Any, Any]:
    """cSEM's lower-triangular matrix (NaN for null) as a symmetric matrix."""
    m = np.array([[np.nan if v is None else v for v in row] for row in ref])
    low = np.tril(m, -1)
    out = low + low.T
    out[np.isnan(m) | np.isnan(m.T)] = np.nan
    np.fill_diagonal(out, np.nan)
    return np.asarray(out, dtype=np.float64)


def _fit(data: Any, correlations: str) -> acsi.HTMTResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SatmodelsWarning)
        return acsi.htmt(data, model="ecsi", correlations=correlations)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", ["htmt", "htmt_reversed"])
def test_matches_csem_and_seminr(mobi: Any, case: str) -> None:
    data = mobi.copy()
    if case == "htmt_reversed":
        data["CUEX3"] = 11 - data["CUEX3"]
    ref = GOLDEN[case]
    order = [acsi.ecsi().latents.index(n) for n in ref["latents"]]
    signed = _fit(data, "signed")
    absolute = _fit(data, "absolute")
    ix = np.ix_(order, order)
    # cSEM .absolute=TRUE: |ratio of signed means|
    np.testing.assert_allclose(
        np.abs(signed.htmt[ix]), _lower(ref["csem_htmt_abs"]), rtol=1e-10
    )
    np.testing.assert_allclose(
        signed.htmt[ix], _lower(ref["csem_htmt_signed"]), rtol=1e-10
    )
    # cSEM's HTMT2 is prod(r)^(1/m) of signed correlations: equal to ours
    # where every correlation is positive; where an even number are negative
    # cSEM's product is positive and it returns the geometric mean of the
    # absolute values (our correlations="absolute"), where ours is NaN
    csem2 = _lower(ref["csem_htmt2_signed"])
    ours2 = signed.htmt2[ix]
    both = np.isfinite(ours2)
    np.testing.assert_allclose(ours2[both], csem2[both], rtol=1e-10)
    quirk = np.isfinite(csem2) & ~both
    np.testing.assert_allclose(absolute.htmt2[ix][quirk], csem2[quirk], rtol=1e-10)
    assert quirk.any() == (case == "htmt_reversed")
    # seminr: means of absolute correlations (upper triangle, NA elsewhere)
    sm = np.array([[np.nan if v is None else v for v in r] for r in ref["seminr_htmt"]])
    upper = np.triu(np.nan_to_num(sm), 1)
    np.testing.assert_allclose(
        absolute.htmt[ix], (upper + upper.T) + np.diag([np.nan] * 7), rtol=1e-10
    )


def test_reversed_item_separates_signed_and_absolute(mobi: Any) -> None:
    data = mobi.copy()
    data["CUEX3"] = 11 - data["CUEX3"]
    with pytest.warns(SatmodelsWarning) as record:
        signed = acsi.htmt(data, model="ecsi")
    messages = " ".join(str(w.message) for w in record)
    assert "negative indicator correlations" in messages
    assert "htmt2(IMAG ~ EXPE)" in messages
    absolute = acsi.htmt(data, model="ecsi", correlations="absolute")
    k, j = 0, 1  # IMAG, EXPE
    assert signed.htmt[k, j] > 4  # cSEM prints 4.61: a near-zero monotrait mean
    assert absolute.htmt[k, j] == pytest.approx(0.888, abs=1e-3)
    assert np.isnan(signed.htmt2[k, j])  # geometric mean of negative numbers


def test_same_as_fit_and_one_sided_tests(mobi: Any) -> None:
    fit = acsi.fit(mobi, model="ecsi", scale=(1, 10))
    np.testing.assert_allclose(_fit(mobi, "signed").htmt, fit.htmt, rtol=1e-12)
    res = _fit_boot(mobi)
    est = res.estimates.select("htmt")
    reps = np.asarray(est.estimate)
    assert np.all(np.isfinite(res.upper_htmt))
    assert np.all(res.upper_htmt >= reps - 1e-12)
    p85, p90 = res.pvalues["htmt < 0.85"], res.pvalues["htmt < 0.9"]
    assert np.all(p85 >= p90)  # harder to be below the lower threshold
    # upper bound below the threshold <=> p below 1 - confidence_level
    below = res.upper_htmt < 0.85
    assert np.all(p85[below] <= 0.05 + 1e-12)
    assert "HTMT2" in str(res.summary())
    assert json.dumps(res.to_dict())
    lo, hi = res.confidence_interval()
    ok = np.isfinite(lo)
    assert np.all(lo[ok] <= hi[ok])


def _fit_boot(data: Any) -> acsi.HTMTResult:
    return acsi.htmt(
        data, model="ecsi", correlations="absolute", n_resamples=200, rng=7
    )


def test_signed_htmt2_bootstrap_keeps_defined_replicates(mobi: Any) -> None:
    with pytest.warns(SatmodelsWarning):
        res = acsi.htmt(mobi, model="ecsi", n_resamples=100, rng=3)
    h2 = res.estimates.select("htmt2")
    ok = np.isfinite(h2.estimate)
    assert np.all(np.isfinite(h2.standard_error[ok]))
    assert res.n_failed == 0


def test_bad_options() -> None:
    data = {"a1": [1.0, 2, 3, 4], "a2": [2.0, 1, 4, 3], "b1": [1.0, 3, 2, 4]}
    model = "A =~ a1 + a2\nB =~ b1\nB ~ A"
    with pytest.raises(InputError, match="correlations"):
        acsi.htmt(data, model=model, correlations="abs")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="thresholds"):
        acsi.htmt(data, model=model, thresholds=(0.0,))
    with pytest.raises(InputError, match="thresholds"):
        acsi.htmt(data, model=model, thresholds="x")  # type: ignore[arg-type]
    with pytest.warns(SatmodelsWarning, match="not defined"):
        res = acsi.htmt(data, model=model)  # a2 ~ b1 correlate negatively
    assert "HTMTResult" in repr(res)
