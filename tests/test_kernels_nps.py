"""NPS kernels against hand computations (kills mutants of ``csi/_nps.py``).

Every expected number is recomputed here from the answers with the formulas
of Rocks (2016): Wald ``(p_P + p_D - (p_P - p_D)^2) / n`` and the adjusted
Wald interval (3/4 added to promoters and detractors, 3 to n).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from satmodels import InputError
from satmodels.csi import nps, nps_difference


def _adjusted(x: list[int]) -> tuple[float, float, float]:
    """(NPS, adjusted centre, adjusted SE), all in percent, by hand."""
    n = len(x)
    pro = sum(v >= 9 for v in x)
    det = sum(v <= 6 for v in x)
    n_adj = n + 3.0
    pp, pd_ = (pro + 0.75) / n_adj, (det + 0.75) / n_adj
    centre = pp - pd_
    se = math.sqrt((pp + pd_ - centre**2) / n_adj)
    return 100.0 * (pro - det) / n, 100.0 * centre, 100.0 * se


A = [10, 9, 9, 8, 3, 10, 6, 9, 2, 10]
B = [10, 6, 5, 8, 3, 7, 9, 1, 0, 4, 9]


def test_adjusted_wald_difference_is_centred_on_the_adjusted_estimates() -> None:
    (n1, c1, s1), (n2, c2, s2) = _adjusted(A), _adjusted(B)
    se = math.hypot(s1, s2)
    d = nps_difference(A, B, method="adjusted_wald")
    assert d.difference == pytest.approx(n1 - n2, rel=1e-12)
    assert d.standard_error == pytest.approx(se, rel=1e-12)
    # the statistic and the interval use the adjusted centre, not n1 - n2
    z = (c1 - c2) / se
    assert d.statistic == pytest.approx(z, rel=1e-12)
    assert d.pvalue == pytest.approx(2.0 * stats.norm.sf(abs(z)), rel=1e-12)
    q = stats.norm.ppf(0.975)
    assert d.ci_low == pytest.approx(c1 - c2 - q * se, rel=1e-12)
    assert d.ci_high == pytest.approx(c1 - c2 + q * se, rel=1e-12)
    low, high = d.confidence_interval(0.8)
    q80 = stats.norm.ppf(0.9)
    assert (low[0], high[0]) == pytest.approx(
        (c1 - c2 - q80 * se, c1 - c2 + q80 * se), rel=1e-12
    )
    est = d.estimates
    assert est.n[0] == len(A) + len(B)
    assert (est.kind[0], est.name[0], est.interval[0]) == (
        "difference",
        "nps",
        "normal",
    )


def test_difference_interval_is_clipped_to_200() -> None:
    # one detractor against one promoter: the 99.99% interval passes -200
    (_, c1, s1), (_, c2, s2) = _adjusted([0]), _adjusted([10])
    se = math.hypot(s1, s2)
    q = stats.norm.ppf(0.99995)
    assert c1 - c2 - q * se < -200.0 < c1 - c2 + q * se < 200.0
    d = nps_difference([0], [10], method="adjusted_wald", confidence_level=0.9999)
    assert d.ci_low == -200.0
    assert d.ci_high == pytest.approx(c1 - c2 + q * se, rel=1e-12)
    r = nps_difference([10], [0], method="adjusted_wald", confidence_level=0.9999)
    assert r.ci_high == 200.0
    assert r.ci_low == pytest.approx(c2 - c1 - q * se, rel=1e-12)


def test_difference_passes_items_and_weights_to_both_samples() -> None:
    rng = np.random.default_rng(5)
    first = {
        "x": rng.integers(0, 11, 40).astype(float),
        "y": rng.integers(0, 11, 40).astype(float),
        "w": rng.uniform(0.5, 2.0, 40),
    }
    second = {
        "x": rng.integers(0, 11, 30).astype(float),
        "y": rng.integers(0, 11, 30).astype(float),
        "w": rng.uniform(0.5, 2.0, 30),
    }
    d = nps_difference(first, second, items="x", weights="w")

    def weighted_nps(s: dict[str, np.ndarray]) -> float:
        z = np.where(s["x"] >= 9, 1.0, np.where(s["x"] <= 6, -1.0, 0.0))
        return 100.0 * float(np.average(z, weights=s["w"]))

    assert d.difference == pytest.approx(
        weighted_nps(first) - weighted_nps(second), rel=1e-12
    )
    assert d.first.weighted and d.second.weighted


def test_difference_names_itself_in_errors() -> None:
    with pytest.raises(InputError, match="of nps_difference must lie"):
        nps_difference(A, B, confidence_level=1.5)


def test_nps_result_text() -> None:
    text = str(nps(A, method="adjusted_wald").summary())
    assert text.startswith("Net Promoter Score\n")
    assert text.endswith(
        "\nadjusted_wald interval; promoters answer 9-10, detractors 0-6 "
        "(Reichheld 2003; Rocks 2016)."
    )


def _wald(x: list[int], level: float) -> tuple[float, float, float]:
    """(NPS, low, high) in percent, Wald, by hand."""
    n = len(x)
    pp, pd_ = sum(v >= 9 for v in x) / n, sum(v <= 6 for v in x) / n
    se = math.sqrt((pp + pd_ - (pp - pd_) ** 2) / n)
    q = stats.norm.ppf(0.5 + level / 2.0)
    return 100 * (pp - pd_), 100 * (pp - pd_ - q * se), 100 * (pp - pd_ + q * se)


def test_reprs_spell_out_the_headline_numbers() -> None:
    x = [10, 9, 9, 10, 9, 7, 8, 8, 3, 6]
    score, lo, hi = _wald(x, 0.95)
    assert repr(nps(x)) == (
        f"NPSResult(nps={score:.2f}, 95% CI [{lo:.2f}, {hi:.2f}], n=10, method='wald')"
    )
    score, lo, hi = _wald(x, 0.9)
    seg = nps(x, segments=list("aabbaabbab"), confidence_level=0.9)
    assert repr(seg) == (
        f"NPSResult(nps={score:.2f}, 90% CI [{lo:.2f}, {hi:.2f}], n=10, "
        "method='wald', segments=2)"
    )
    a, b = [10, 9, 9, 8, 3], [10, 6, 5, 8, 3]
    (s1, l1, h1), (s2, l2, h2) = _wald(a, 0.95), _wald(b, 0.95)
    q = stats.norm.ppf(0.975)
    se = math.hypot((h1 - l1) / (2 * q), (h2 - l2) / (2 * q))
    diff = s1 - s2
    p = 2 * stats.norm.sf(abs(diff / se))
    d = nps_difference(a, b)
    assert repr(d) == (
        f"NPSDifferenceResult(difference={diff:.2f}, 95% CI "
        f"[{diff - q * se:.2f}, {diff + q * se:.2f}], p={p:.4f})"
    )
    text = str(d.summary())
    assert text.startswith("Difference of two NPS\n")
    assert (
        f"first: NPS {s1:.2f} (n = 5); second: NPS {s2:.2f} (n = 5); "
        "independent samples (Rocks 2016, sec. 5)."
    ) in text


def test_difference_fits_both_samples_at_its_level() -> None:
    d = nps_difference(A, B, confidence_level=0.9)
    for side, x in ((d.first, A), (d.second, B)):
        score, lo, hi = _wald(x, 0.9)
        assert side.confidence_level == 0.9
        assert (side.nps, side.ci_low, side.ci_high) == pytest.approx(
            (score, lo, hi), rel=1e-12
        )


def _wilson(x: float, m: float, level: float) -> tuple[float, float]:
    """Wilson (1927) score interval of x successes in m trials, by hand."""
    z = stats.norm.ppf(0.5 + level / 2.0)
    centre = (x + z * z / 2.0) / (m + z * z)
    half = z / (m + z * z) * math.sqrt(x * (m - x) / m + z * z / 4.0)
    return max(centre - half, 0.0), min(centre + half, 1.0)


@pytest.mark.parametrize("method", ["wald", "adjusted_wald"])
@pytest.mark.parametrize("weighted", [False, True])
def test_the_whole_estimates_table_by_hand(method: str, weighted: bool) -> None:
    rng = np.random.default_rng(8)
    x = rng.integers(0, 11, 37).astype(float)
    w = rng.uniform(0.3, 3.0, 37) if weighted else np.ones(37)
    level = 0.9
    r = nps(
        x,
        weights=w if weighted else None,
        method=method,  # type: ignore[arg-type]
        confidence_level=level,
    )
    group = np.where(x >= 9, 2, np.where(x <= 6, 0, 1))
    big_w = w.sum()
    shares = np.array([w[group == g].sum() / big_w for g in range(3)])
    n_eff = big_w**2 / (w @ w)
    score = shares[2] - shares[0]
    z = stats.norm.ppf(0.95)
    if method == "wald":
        zc = np.array([-1.0, 0.0, 1.0])[group]
        var = float(np.sum(w * w * (zc - score) ** 2) / big_w**2)
        centre = score
    else:
        n_adj = n_eff + 3.0
        pp = (shares[2] * n_eff + 0.75) / n_adj
        pd_ = (shares[0] * n_eff + 0.75) / n_adj
        centre = pp - pd_
        var = (pp + pd_ - centre**2) / n_adj
    se = math.sqrt(var)
    est = r.estimates
    assert est.kind == ("nps", "share", "share", "share")
    assert est.name == ("nps", "promoters", "passives", "detractors")
    assert est.interval == ("normal", "wilson", "wilson", "wilson")
    assert est.n.tolist() == [37.0] * 4
    assert r.effective_n == pytest.approx(n_eff, rel=1e-12)
    np.testing.assert_allclose(
        est.estimate, 100.0 * np.array([score, *shares[::-1]]), rtol=1e-12
    )
    assert est.standard_error[0] == pytest.approx(100.0 * se, rel=1e-12)
    assert np.isnan(est.standard_error[1:]).all()
    assert est.statistic[0] == pytest.approx(centre / se, rel=1e-12)
    assert est.pvalue[0] == pytest.approx(
        2 * stats.norm.sf(abs(centre / se)), rel=1e-10
    )
    assert np.isnan(est.statistic[1:]).all()
    assert np.isnan(est.pvalue[1:]).all()
    assert est.ci_low[0] == pytest.approx(100.0 * (centre - z * se), rel=1e-12)
    assert est.ci_high[0] == pytest.approx(100.0 * (centre + z * se), rel=1e-12)
    for row, g in zip((1, 2, 3), (2, 1, 0), strict=True):
        lo, hi = _wilson(shares[g] * n_eff, n_eff, level)
        assert est.ci_low[row] == pytest.approx(100.0 * lo, rel=1e-12)
        assert est.ci_high[row] == pytest.approx(100.0 * hi, rel=1e-12)
    assert (r.promoters, r.passives, r.detractors) == tuple(
        int((group == g).sum()) for g in (2, 1, 0)
    )


def test_a_standard_error_below_one_point_still_gets_a_test() -> None:
    # 9999 promoters and 1 detractor: SE = 100 sqrt(4e-4 / 1e4) = 0.02 points
    x = [10] * 9999 + [0]
    r = nps(x)
    se = 100.0 * math.sqrt((1.0 - (0.9998) ** 2) / 10000)
    assert r.standard_error == pytest.approx(se, rel=1e-9)
    assert r.estimates.statistic[0] == pytest.approx(99.98 / se, rel=1e-9)
    assert r.estimates.pvalue[0] == 0.0
