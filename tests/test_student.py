"""Student's t for many degrees of freedom, computed without scipy.

References: 40-digit mpmath values (tests/golden/student_t_mpmath.py, an
implementation independent of both) and scipy.special (Boost).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
from scipy import special

from satmodels.stats import _student
from satmodels.stats._student import DF_LARGE, t_cdf, t_quantile

GOLDEN = json.loads(
    (Path(__file__).parent / "golden" / "student_t_mpmath.json").read_text()
)


@pytest.mark.parametrize("row", GOLDEN["cdf"], ids=lambda r: f"{r['df']}-{r['t']}")
def test_cdf_matches_mpmath(row: dict[str, str]) -> None:
    df, t, lower = float(row["df"]), float(row["t"]), float(row["lower"])
    # relative error about |ln p| units in the last place (as scipy's)
    assert t_cdf(df, -t) == pytest.approx(lower, rel=2e-13, abs=0)
    assert t_cdf(df, t) == pytest.approx(1.0 - lower, rel=3e-15, abs=0)


@pytest.mark.parametrize("row", GOLDEN["quantile"], ids=lambda r: f"{r['df']}-{r['q']}")
def test_quantile_matches_mpmath(row: dict[str, str]) -> None:
    df, q, t = float(row["df"]), float(row["q"]), float(row["t"])
    if abs(NormalDist().inv_cdf(q)) > _student._Z_MAX:  # scipy's value
        assert t_quantile(df, q) == special.stdtrit(df, q)
    else:
        assert t_quantile(df, q) == pytest.approx(t, rel=4e-15, abs=0)


def test_quantile_matches_scipy_on_a_grid() -> None:
    dfs = np.geomspace(DF_LARGE, 1e14, 23)[:, None]
    qs = np.concatenate([np.geomspace(1e-280, 0.4, 40), np.linspace(0.41, 0.999, 40)])
    ours = t_quantile(dfs, qs)
    assert ours.shape == (23, 80)
    # within 0.01 of q = 1/2 scipy's quantile is off by up to 1e-13
    # (relative); there ours is held to mpmath (0.49, 0.50001, 0.5006)
    away = np.abs(qs - 0.5) > 0.01
    np.testing.assert_allclose(
        ours[:, away], special.stdtrit(dfs, qs[away]), rtol=4e-15, atol=2e-16
    )
    # the expansion is odd in z: symmetric to the last bit
    np.testing.assert_array_equal(t_quantile(dfs, 1 - 2**-7), -t_quantile(dfs, 2**-7))


def test_cdf_matches_scipy_on_a_grid() -> None:
    dfs = np.geomspace(DF_LARGE, 1e14, 23)[:, None]
    ts = np.concatenate([-np.geomspace(1e-6, 38, 60), np.geomspace(1e-6, 8, 30)])
    ours = t_cdf(dfs, ts)
    want = special.stdtr(dfs, ts)
    # where scipy underflows to 0, ours may keep a subnormal tail
    np.testing.assert_allclose(ours, want, rtol=2e-13, atol=1e-300)
    # the two forms of the tail meet at t^2 = 3 without a step
    edge = np.sqrt(3.0)
    np.testing.assert_allclose(
        t_cdf(1e6, -np.array([np.nextafter(edge, 0), edge])),
        special.stdtr(1e6, -np.array([np.nextafter(edge, 0), edge])),
        rtol=2e-14,
    )


def test_fewer_df_are_scipys_exactly() -> None:
    dfs = np.array([0.5, 1.0, 3.0, 29.5, 250.0, DF_LARGE * (1 - 1e-12)])
    np.testing.assert_array_equal(t_quantile(dfs, 0.975), special.stdtrit(dfs, 0.975))
    np.testing.assert_array_equal(t_cdf(dfs, -2.5), special.stdtr(dfs, -2.5))


def test_edges_follow_scipy() -> None:
    big = 1e6
    assert t_cdf(big, 0.0) == 0.5
    assert t_cdf(big, np.inf) == 1.0
    assert t_cdf(big, -np.inf) == 0.0
    assert np.isnan(t_cdf(big, np.nan))
    assert np.isnan(t_cdf(np.nan, 1.0))
    assert np.isnan(t_cdf(-1.0, 1.0))
    assert t_quantile(big, 0.5) == 0.0
    for q in (0.0, 1.0, -0.1, 1.5, np.nan):
        assert np.array_equal(
            t_quantile(big, q), special.stdtrit(big, q), equal_nan=True
        ), q
    # |z| > 9: beyond the expansion's proven range, scipy's value
    assert t_quantile(big, 1e-300) == special.stdtrit(big, 1e-300)
    # infinite df: the normal distribution (scipy)
    assert t_quantile(np.inf, 0.975) == special.stdtrit(np.inf, 0.975)
    # scalars in, 0-d arrays out; shapes broadcast
    assert t_cdf(big, 1.0).shape == ()
    assert t_quantile([[big, 2 * big]], [0.9]).shape == (1, 2)


def test_gamma_ratio_excess_against_exact_values() -> None:
    # Gamma(n + 1/2) / Gamma(n) = C(2n, n) n sqrt(pi) / 4^n exactly, so
    # the excess ln(ratio) - ln(n) / 2 is log1p(C(2n, n) n / 4^n
    # sqrt(pi / n) - 1): a double rounding or two, about 2e-16 absolute
    for n in (50, 64, 200, 1_000, 5_000):
        ratio = Fraction(math.comb(2 * n, n) * n, 4**n)
        want = math.log1p(float(ratio) * math.sqrt(math.pi / n) - 1.0)
        assert _student._gamma_ratio_excess(float(n)) == pytest.approx(
            want, rel=0, abs=5e-16
        )


def test_large_df_needs_no_scipy() -> None:
    code = (
        "import sys\n"
        "from satmodels.stats._student import t_cdf, t_quantile\n"
        "t_quantile([1e5, 4e6], 0.975); t_cdf([1e5, 4e6], [-2.0, 30.0])\n"
        "print(any(m.startswith('scipy') for m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
