"""satmodels.tracking.waves: changes, trend and limits over waves.

Hand computations (difference / sqrt(se1^2 + se2^2), Holm 1979), statsmodels'
``multipletests(method="holm")`` and scipy's ``linregress`` as references;
individuals-chart limits as in Montgomery (2009), sec. 6.4, eq. 6.33.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from scipy import stats

from satmodels import InputError, SatmodelsWarning, csi, sqi, tracking
from satmodels.datasets import load_sample_survey


def _nps_waves() -> dict[str, csi.NPSResult]:
    gen = np.random.default_rng(2)
    probs = [
        [0.1, 0.3, 0.6],  # detractor, passive, promoter shares
        [0.15, 0.3, 0.55],
        [0.3, 0.3, 0.4],
        [0.1, 0.2, 0.7],
    ]
    out = {}
    for k, p in enumerate(probs):
        cat = gen.choice(3, size=150, p=p)
        answers = np.where(cat == 0, 4.0, np.where(cat == 1, 7.0, 9.0))
        out[f"W{k + 1}"] = csi.nps(answers)
    return out


def test_changes_trend_and_limits_by_hand() -> None:
    waves = _nps_waves()
    res = tracking.waves(waves, significance_level=0.05)
    v = np.array([r.nps for r in waves.values()])
    se = np.array([r.standard_error for r in waves.values()])
    np.testing.assert_array_equal(res.values, v)
    est = res.estimates
    assert res.labels == ("W1", "W2", "W3", "W4")
    assert est.name[4:7] == ("W1 -> W2", "W2 -> W3", "W3 -> W4")
    diff = np.diff(v)
    dse = np.sqrt(se[1:] ** 2 + se[:-1] ** 2)
    ch = est.select("change")
    np.testing.assert_allclose(ch.estimate, diff)
    np.testing.assert_allclose(ch.standard_error, dse)
    np.testing.assert_allclose(ch.statistic, diff / dse)
    raw = 2 * stats.norm.sf(np.abs(diff / dse))
    np.testing.assert_allclose(res.unadjusted_pvalues, raw)
    # Holm by hand: sort, multiply by (m - rank), running maximum, cap at 1
    order = np.argsort(raw)
    adj = np.empty(3)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (3 - rank) * raw[i]))
        adj[i] = running
    np.testing.assert_allclose(ch.pvalue, adj)
    mt = pytest.importorskip("statsmodels.stats.multitest")
    np.testing.assert_allclose(ch.pvalue, mt.multipletests(raw, method="holm")[1])
    np.testing.assert_array_equal(res.changed, adj < 0.05)
    lr = stats.linregress(np.arange(4.0), v)
    assert est.value("slope", "trend") == pytest.approx(lr.slope)
    assert est.standard_error[est._row("trend", "slope")] == pytest.approx(lr.stderr)
    sigma = np.mean(np.abs(np.diff(v))) / 1.128
    assert res.center == pytest.approx(v.mean())
    assert (res.lcl, res.ucl) == pytest.approx(
        (v.mean() - 3 * sigma, v.mean() + 3 * sigma)
    )
    # the wave rows are the results' own headline rows, as stored
    for i, r in enumerate(waves.values()):
        assert est.ci_low[i] == r.ci_low
        assert est.ci_high[i] == r.ci_high
        assert est.pvalue[i] == r.estimates.pvalue[0]


def test_every_index_has_a_headline() -> None:
    data = load_sample_survey()
    a, b = {k: v[:250] for k, v in data.items()}, {k: v[250:] for k, v in data.items()}
    tree = {
        "scale": {"kind": "likert", "minimum": 1, "maximum": 10},
        "root": {"name": "CSI", "children": [{"name": c} for c in ("sat1", "sat2")]},
    }
    fits: dict[str, Callable[[dict[str, Any]], object]] = {
        "csat": lambda d: csi.csat(d, items="sat1", scale=(1, 10)),
        "ces": lambda d: csi.ces(d, items="sat1", scale=(1, 10)),
        "csi": lambda d: csi.csi_index(d, tree=tree),
        "sqi": lambda d: sqi.index({"x": d["sat1"][:20]}),
    }
    for name, fit in fits.items():
        assert callable(fit)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SatmodelsWarning)
            first, second = fit(a), fit(b)
            res = tracking.waves([first, second], labels=["a", "b"])
        assert res.labels == ("a", "b"), name
        assert np.isfinite(res.values).all(), name
        assert np.isfinite(res.estimates.standard_error[:3]).all(), name


def test_acsi_and_servqual_headlines() -> None:
    from satmodels import acsi, servqual

    data = load_sample_survey()
    halves = [
        {k: v[:250] for k, v in data.items()},
        {k: v[250:] for k, v in data.items()},
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SatmodelsWarning)
        fits = [acsi.fit(h, scale=(1, 10)) for h in halves]
    with pytest.warns(SatmodelsWarning, match="without a standard error"):
        res = tracking.waves(fits)  # PLS indices have no SE without bootstrap
    assert math.isnan(res.estimates.select("change").pvalue[0])
    assert not res.changed.any()
    assert res.values[0] == fits[0].estimates.value("SAT", "index")
    assert "ACSI" in res.statistic
    p = [f"sq_p{i}" for i in range(1, 23)]
    e = [f"sq_e{i}" for i in range(1, 23)]
    gaps = [servqual.gaps(h, perceptions=p, expectations=e) for h in halves]
    res = tracking.waves(gaps)
    assert res.values[1] == gaps[1].estimates.value("unweighted", "score")
    chosen = tracking.waves(gaps, statistic=("dimension", "empathy"))
    assert chosen.values[0] == gaps[0].estimates.value("empathy", "dimension")


def test_a_shift_is_flagged_and_plain_waves_are_not() -> None:
    steady = [sqi.index({"c": np.full(30, 10.0 + k % 2)}) for k in range(8)]
    res = tracking.waves(steady)
    assert not res.signals.any()
    shifted = [*steady, sqi.index({"c": np.full(30, 30.0)})]
    assert tracking.waves(shifted).waves_out_of_control == ("9",)
    assert tracking.waves(shifted).changed[-1]


def test_bad_waves_are_refused() -> None:
    a, b = csi.nps([9.0, 10, 3]), csi.nps([9.0, 10, 7])
    with pytest.raises(InputError, match="at least 2"):
        tracking.waves([a])
    with pytest.raises(InputError, match="one type"):
        tracking.waves([a, csi.ces([1.0, 2.0, 3.0])])
    with pytest.raises(InputError, match="one type"):
        tracking.waves([a, csi.nps([9.0, 10, 7], confidence_level=0.9)])
    with pytest.raises(InputError, match="labels"):
        tracking.waves({"x": a, "y": b}, labels=["p", "q"])
    with pytest.raises(InputError, match="labels"):
        tracking.waves([a, b], labels=["p"])
    with pytest.raises(InputError, match="must hold"):
        tracking.waves([1, 2])
    with pytest.raises(InputError, match="statistic"):
        tracking.waves([a, b], statistic="nps")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="statistic"):
        tracking.waves([a, b], statistic=("index", "nope"))
    with pytest.raises(InputError, match="significance_level"):
        tracking.waves([a, b], significance_level=0.0)
    with pytest.raises(InputError, match="results"):
        tracking.waves("ab")


def test_csat_changes_use_the_wald_standard_error() -> None:
    a = csi.csat([10.0, 9, 8, 7, 10, 2, 9, 9], scale=(1, 10))
    b = csi.csat([10.0, 3, 4, 7, 10, 2, 5, 9], scale=(1, 10))
    res = tracking.waves([a, b])
    se = [math.sqrt(p * (100 - p) / 8) for p in (a.csat, b.csat)]
    assert res.estimates.standard_error[:2] == pytest.approx(se)
    assert res.estimates.ci_low[0] == a.ci_low  # Wilson's bound, as stored


def test_results_render() -> None:
    res = tracking.waves(_nps_waves())
    assert "Tracking over waves" in str(res.summary())
    assert repr(res).startswith("WavesResult('NPS', waves=4")
