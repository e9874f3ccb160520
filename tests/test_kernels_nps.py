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
