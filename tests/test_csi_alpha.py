"""Cronbach's alpha with Feldt's interval."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats

from satmodels import EstimationError, InputError, Moments
from satmodels.csi import cronbach_alpha

GOLDEN = json.loads(
    (Path(__file__).parent / "golden" / "csi_r_reference.json").read_text()
)


def test_alpha_against_r_psych() -> None:
    # R psych::alpha on datasets::attitude (tests/golden/csi_r_reference.R).
    att = GOLDEN["attitude"]
    df = pd.DataFrame(np.array(att["data"], dtype=float), columns=att["columns"])
    r = cronbach_alpha(df)
    assert r.alpha == pytest.approx(att["alpha"], abs=att["tolerance"])
    assert r.ci_low == pytest.approx(att["feldt_lower"], abs=att["tolerance"])
    assert r.ci_high == pytest.approx(att["feldt_upper"], abs=att["tolerance"])
    d = r.to_dict()
    head = d["estimates"]["rows"][0]
    assert head["name"] == "alpha" and head["interval"] == "feldt"
    json.dumps(d)
    # Regression: to_frame() used to leave out alpha and its interval.
    frame = r.to_frame()
    row = frame[frame["kind"] == "alpha"].iloc[0]
    assert (row["estimate"], row["ci_low"], row["ci_high"]) == pytest.approx(
        (att["alpha"], att["feldt_lower"], att["feldt_upper"]), abs=att["tolerance"]
    )


def test_alpha_hand_and_feldt_formula() -> None:
    x = np.array([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 4], [5, 4, 5]], dtype=float)
    k, n = 3, 5
    total_var = x.sum(axis=1).var(ddof=1)
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var)
    r = cronbach_alpha(x)
    assert r.alpha == pytest.approx(alpha)
    # Feldt (1965): (1 - alpha) / (1 - a_hat) ~ F(n - 1, (n - 1)(k - 1))
    df1, df2 = n - 1, (n - 1) * (k - 1)
    assert r.ci_low == pytest.approx(1 - (1 - alpha) * stats.f.ppf(0.975, df1, df2))
    assert r.ci_high == pytest.approx(1 - (1 - alpha) * stats.f.ppf(0.025, df1, df2))
    lo, hi = r.confidence_interval(0.8)
    assert r.ci_low < lo[0] < r.alpha < hi[0] < r.ci_high
    assert lo[0] == pytest.approx(1 - (1 - alpha) * stats.f.ppf(0.9, df1, df2))
    stored = r.confidence_interval()
    assert (stored.low[0], stored.high[0]) == (r.ci_low, r.ci_high)
    assert r.alpha_if_deleted["x0"] == pytest.approx(cronbach_alpha(x[:, 1:]).alpha)


def test_alpha_feldt_coverage_simulation() -> None:
    # Parallel items with true reliability rho: alpha's population value is
    # k rho / (1 + (k - 1) rho); Feldt's interval should cover it ~95%.
    rng = np.random.default_rng(12)
    k, n, rho = 4, 60, 0.4
    truth = k * rho / (1 + (k - 1) * rho)
    hits = 0
    reps = 300
    for _ in range(reps):
        t = rng.normal(size=(n, 1))
        x = np.sqrt(rho) * t + np.sqrt(1 - rho) * rng.normal(size=(n, k))
        r = cronbach_alpha(x)
        hits += r.ci_low <= truth <= r.ci_high
    assert 0.91 <= hits / reps <= 0.99


def test_alpha_from_moments_and_errors() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(50, 4)) + rng.normal(size=(50, 1))
    assert cronbach_alpha(Moments.from_data(x)).alpha == pytest.approx(
        cronbach_alpha(x).alpha
    )
    x[0, 0] = np.nan
    r = cronbach_alpha(x)
    assert r.n == 49
    assert r.missing_report is not None and r.missing_report.rows_excluded == 1
    with pytest.raises(InputError):
        cronbach_alpha(x, nan_policy="raise")
    with pytest.raises(InputError, match="at least 2 items"):
        cronbach_alpha(x[:, :1])
    with pytest.raises(EstimationError, match="no variance"):
        cronbach_alpha(np.ones((5, 3)))


@settings(deadline=None, max_examples=40)
@given(hnp.arrays(np.float64, (12, 4), elements=st.integers(1, 5).map(float)))
def test_alpha_at_most_one(x: np.ndarray[Any, Any]) -> None:
    assume(x.sum(axis=1).var() > 0)
    r = cronbach_alpha(x)
    assert r.alpha <= 1.0 + 1e-12
    assert r.ci_low <= r.alpha <= r.ci_high


def test_alpha_items_by_name_and_weights() -> None:
    # Columns by keyword: the same alpha from a mapping with an extra column.
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 3)) + rng.normal(size=(40, 1))
    data = {"a": x[:, 0], "b": x[:, 1], "c": x[:, 2], "other": rng.normal(size=40)}
    r = cronbach_alpha(data, items=["a", "b", "c"])
    assert r.alpha == pytest.approx(cronbach_alpha(x).alpha)
    # integer case weights equal replicated rows (numpy, by hand)
    w = rng.integers(1, 4, size=40).astype(float)
    rep = np.repeat(x, w.astype(int), axis=0)
    k = 3
    want = k / (k - 1) * (1 - rep.var(axis=0, ddof=1).sum() / rep.sum(1).var(ddof=1))
    got = cronbach_alpha(data, items=["a", "b", "c"], weights=w)
    assert got.alpha == pytest.approx(want, rel=1e-10)
    assert len(repr(got)) < 200


def test_alpha_pairwise_uses_the_fewest_pairs_for_feldt() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(50, 4)) + rng.normal(size=(50, 1))
    x[0, 0] = x[1, 1] = np.nan
    r = cronbach_alpha(x, missing="pairwise")
    # alpha from pandas' pairwise covariance (an independent computation)
    cov = pd.DataFrame(x).cov().to_numpy()
    k = 4
    assert r.alpha == pytest.approx(k / (k - 1) * (1 - np.trace(cov) / cov.sum()))
    assert r.n == 48  # x0 and x1 are observed together in 48 rows
    df1, df2 = 47, 47 * 3
    low = 1 - (1 - r.alpha) * stats.f.ppf(0.975, df1, df2)
    assert r.ci_low == pytest.approx(low)
