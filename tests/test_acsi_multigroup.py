"""Multigroup PLS (acsi.compare_segments) against cSEM, kernels and simulation.

cSEM numbers: tests/golden/csem_mga.json, produced by tests/golden/csem_mga.R
(cSEM's GitHub sources: ``testMICOM`` and ``testMGD(.approach_mgd =
c("Chin", "Henseler"))``) on the ECSI mobi data split into rows 1-125 ("g1")
and rows 126-250 ("g2"). Differences, c and MICOM step-3 statistics are
deterministic and compared to 1e-8; permutation and PLS-MGA p-values are
Monte-Carlo numbers and are compared within their Monte-Carlo error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels import Moments, acsi
from satmodels.acsi._permutation import (
    holm_columns,
    mga_probability,
    permutation_pvalue,
    permuted_moments,
)
from satmodels.engines._protocol import PairMoments
from satmodels.exceptions import InputError

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
    (Path(__file__).parent / "golden" / "csem_mga.json").read_text()
)
RTOL = GOLDEN["tolerance"]["deterministic_rtol"]
ECSI = """IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
EXPE =~ CUEX1 + CUEX2 + CUEX3
QUAL =~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5 + PERQ6 + PERQ7
VAL =~ PERV1 + PERV2
SAT =~ CUSA1 + CUSA2 + CUSA3
COMP =~ CUSCO
LOY =~ CUSL1 + CUSL2 + CUSL3
EXPE ~ IMAG
QUAL ~ EXPE
VAL ~ EXPE + QUAL
SAT ~ IMAG + EXPE + QUAL + VAL
COMP ~ SAT
LOY ~ IMAG + SAT + COMP"""
SMALL = "A =~ a1 + a2 + a3; B =~ b1 + b2 + b3; C =~ c1 + c2 + c3; B ~ A; C ~ A + B"


@pytest.fixture(scope="module")
def mobi() -> Any:
    if not MOBI.exists():
        pytest.skip("ECSI mobi data not available at ../shared/data/ecsi")
    import pandas as pd

    return pd.read_csv(MOBI)


@pytest.fixture(scope="module")
def compared(mobi: Any) -> acsi.SegmentComparison:
    """The deterministic part, iterated as far as cSEM (.tolerance 1e-12)."""
    seg = np.repeat(["g1", "g2"], 125)
    return acsi.compare_segments(
        mobi,
        model=ECSI,
        segments=seg,
        scale=(1, 10),
        tol=1e-12,
        max_iter=1000,
        n_permutations=0,
    )


@pytest.fixture(scope="module")
def tested(mobi: Any) -> acsi.SegmentComparison:
    """Permutation and PLS-MGA p-values (default tolerance)."""
    seg = np.repeat(["g1", "g2"], 125)
    return acsi.compare_segments(
        mobi,
        model=ECSI,
        segments=seg,
        scale=(1, 10),
        n_permutations=1000,
        n_resamples=300,
        rng=20261130,
    )


def _value(res: acsi.SegmentComparison, kind: str, name: str) -> float:
    return res.estimates.value(name, kind=kind)


def _row(res: acsi.SegmentComparison, kind: str, name: str) -> int:
    est = res.estimates
    return next(
        i
        for i, (k, n) in enumerate(zip(est.kind, est.name, strict=True))
        if k == kind and n == name
    )


def _csem_name(name: str) -> tuple[str, str]:
    """cSEM's "SAT ~ QUAL" / "IMAG =~ IMAG1" -> satmodels' kind and name."""
    if "=~" in name:
        return "loading_difference", name.split("=~")[1].strip()
    target, source = (x.strip() for x in name.split("~"))
    return "path_difference", f"{source} -> {target}"


# ------------------------------------------------ deterministic against cSEM
def test_differences_match_csem(compared: acsi.SegmentComparison) -> None:
    for name, value in GOLDEN["chin"]["difference"].items():
        kind, ours = _csem_name(name)
        assert _value(compared, kind, ours) == pytest.approx(
            value[0], rel=RTOL, abs=1e-10
        )
    g1, g2 = GOLDEN["g1"]["weights"], GOLDEN["g2"]["weights"]
    for ind in g1:
        assert _value(compared, "weight_difference", ind) == pytest.approx(
            g1[ind] - g2[ind], rel=RTOL, abs=1e-10
        )


def test_segment_fits_match_csem(compared: acsi.SegmentComparison) -> None:
    for label in ("g1", "g2"):
        fit = compared.segments[label]
        for ind, w in GOLDEN[label]["weights"].items():
            assert fit.outer_weights[fit.indicators.index(ind)] == pytest.approx(
                w, rel=RTOL, abs=1e-10
            )


def test_micom_statistics_match_csem(compared: acsi.SegmentComparison) -> None:
    micom = GOLDEN["micom"]
    for lv, c in micom["c_std"].items():
        assert _value(compared, "composite_correlation", lv) == pytest.approx(
            c, rel=RTOL, abs=1e-10
        )
    for lv, d in micom["mean_difference"].items():
        assert _value(compared, "composite_mean_difference", lv) == pytest.approx(
            d, rel=RTOL, abs=1e-10
        )
    for lv, d in micom["log_variance_ratio"].items():
        assert _value(compared, "composite_log_variance_ratio", lv) == pytest.approx(
            d, rel=RTOL, abs=1e-10
        )


def test_csem_c_uses_the_raw_pooled_data(
    compared: acsi.SegmentComparison, mobi: Any
) -> None:
    # cSEM's testMICOM multiplies the unstandardized pooled data by each
    # group's (standardized-indicator) weights; satmodels standardizes the
    # pooled data first (Henseler et al. 2016 work on standardized
    # indicators). The segment weights reproduce cSEM's number that way.
    fits = compared.segments
    inds = fits["g1"].indicators
    x = mobi[list(inds)].to_numpy(dtype=float)
    lay_mask = np.array([[b == lv for lv in fits["g1"].latents] for b in _blocks(fits)])
    s1 = x @ (fits["g1"].outer_weights[:, None] * lay_mask)
    s2 = x @ (fits["g2"].outer_weights[:, None] * lay_mask)
    for k, lv in enumerate(fits["g1"].latents):
        c_raw = np.corrcoef(s1[:, k], s2[:, k])[0, 1]
        assert c_raw == pytest.approx(GOLDEN["micom"]["c_raw"][lv], rel=1e-8)
        if lv != "COMP":
            assert abs(c_raw - _value(compared, "composite_correlation", lv)) > 1e-6


def _blocks(fits: dict[str, acsi.PLSResult]) -> list[str]:
    spec = fits["g1"].spec
    owner = {i: b.latent for b in spec.blocks for i in b.indicators}
    return [owner[i] for i in fits["g1"].indicators]


# ------------------------------------------- Monte-Carlo numbers against cSEM
def _within_mc(ours: float, theirs: float, b_ours: int, b_theirs: int) -> bool:
    """Two independent Monte-Carlo p-values agree within 4.5 standard errors."""
    p = min(max((ours + theirs) / 2, 0.01), 0.99)
    se = np.sqrt(p * (1 - p) * (1 / b_ours + 1 / b_theirs))
    return bool(abs(ours - theirs) <= 4.5 * se + 1.0 / b_theirs)


def test_permutation_pvalues_agree_with_csem(tested: acsi.SegmentComparison) -> None:
    b_csem = GOLDEN["n_permutations"]
    for name, p in GOLDEN["chin"]["pvalue"].items():
        kind, ours = _csem_name(name)
        got = tested.estimates.pvalue[_row(tested, kind, ours)]
        if ours == "CUSCO":  # a single-indicator block: no test
            assert np.isnan(got)
            continue
        assert _within_mc(got, p[0], tested.n_permutations, b_csem), name
    micom = GOLDEN["micom"]
    for kind, key in (
        ("composite_mean_difference", "mean_pvalue"),
        ("composite_log_variance_ratio", "variance_pvalue"),
        ("composite_correlation", "c_pvalue"),
    ):
        for lv, p in micom[key].items():
            got = tested.estimates.pvalue[_row(tested, kind, lv)]
            if kind == "composite_correlation":
                if lv == "COMP":
                    assert np.isnan(got)
                    continue
                # cSEM's c differs slightly from ours (raw vs standardized
                # pooled data), so only the decision at 5% must agree
                assert (got < 0.05) == (p < 0.05), lv
                continue
            assert _within_mc(got, p, tested.n_permutations, b_csem), (kind, lv)


def test_mga_probabilities_agree_with_csem(tested: acsi.SegmentComparison) -> None:
    b_csem = GOLDEN["n_resamples"]
    for name, p in GOLDEN["henseler"].items():
        kind, ours = _csem_name(name)
        got = tested.mga_probability[_row(tested, kind, ours)]
        if ours == "CUSCO":
            assert np.isnan(got)
            continue
        assert _within_mc(got, p[0], tested.n_resamples, b_csem), name


# ------------------------------------------------------------------ kernels
def test_mga_probability_matches_csem_calculate_pr() -> None:
    fixed = GOLDEN["pr_fixed"]
    a, b = np.array(fixed["a"]), np.array(fixed["b"])
    got = mga_probability(
        a, b, np.array(fixed["estimate_a"]), np.array(fixed["estimate_b"])
    )
    want = [fixed["probability"][k] for k in ("x", "y", "z")]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_mga_probability_counts_ties_as_half() -> None:
    a = np.array([[1.0], [2.0]])
    b = np.array([[1.0], [2.0]])
    # centred at equal estimates: pairs (1,1), (2,2) tie, (1,2) above, (2,1) not
    assert mga_probability(a, b, np.array([1.5]), np.array([1.5]))[0] == 0.5


def test_holm_matches_r_p_adjust() -> None:
    fixed = GOLDEN["holm_fixed"]
    p = np.array([np.nan if v is None else v for v in fixed["p"]])
    want = np.array([np.nan if v is None else v for v in fixed["adjusted"]])
    got = holm_columns(p[:, None])[:, 0]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_permutation_pvalue_counts_the_observed_permutation() -> None:
    obs = np.array([0.5, 0.0, np.nan])
    perm = np.array([[0.1, 0.2, 0.1], [-0.6, -0.1, 0.2], [0.2, np.nan, 0.3]])
    got = permutation_pvalue(obs, perm)
    assert got[0] == pytest.approx(2 / 4)  # |-0.6| >= 0.5, plus one
    assert got[1] == pytest.approx(3 / 3)  # every valid |d*| >= 0; NaN left out
    assert np.isnan(got[2])


def _direct(x: np.ndarray, w: np.ndarray | None, rows: np.ndarray) -> Moments:
    return Moments.from_data(x[rows], weights=None if w is None else w[rows])


@pytest.mark.parametrize("weighted", [False, True])
def test_permuted_moments_are_the_permuted_segments_moments(weighted: bool) -> None:
    gen = np.random.default_rng(4)
    x = gen.normal(size=(60, 4)) + 3.0
    w = gen.uniform(0.5, 2.0, size=60) if weighted else None
    codes = np.repeat([0, 1, 2], [25, 20, 15])
    z = x * 2.0 - 1.0
    batches, doubled = permuted_moments(
        (x, z), w, codes, 3, 7, np.random.default_rng(9), listwise=True
    )
    labels = np.random.default_rng(9).permuted(np.tile(codes, (7, 1)), axis=1)
    for g, pm in enumerate(batches):
        assert isinstance(pm, PairMoments)
        for b in range(7):
            want = _direct(x, w, labels[b] == g)
            cov = pm.comoment[b] / (
                pm.weight_sum[b, 0, 0]
                - pm.weight_sq_sum[b, 0, 0] / pm.weight_sum[b, 0, 0]
            )
            np.testing.assert_allclose(np.diag(pm.pair_mean[b]), want.mean, rtol=1e-12)
            np.testing.assert_allclose(cov, want.covariance(), rtol=1e-10)
            np.testing.assert_allclose(
                doubled[g].comoment[b], 4.0 * pm.comoment[b], rtol=1e-10
            )


def test_permuted_moments_pairwise_with_missing_cells() -> None:
    gen = np.random.default_rng(5)
    x = gen.normal(size=(40, 3))
    x[gen.uniform(size=x.shape) < 0.1] = np.nan
    codes = np.repeat([0, 1], 20)
    (batches,) = permuted_moments(
        (x,), None, codes, 2, 3, np.random.default_rng(2), listwise=False
    )
    labels = np.random.default_rng(2).permuted(np.tile(codes, (3, 1)), axis=1)
    for g, pm in enumerate(batches):
        for b in range(3):
            want = Moments.from_data(x[labels[b] == g], missing="pairwise")
            np.testing.assert_allclose(pm.comoment[b], want.comoment, atol=1e-10)
            np.testing.assert_array_equal(pm.count[b], want.count)


# --------------------------------------------------------------- behaviour
def _survey(n: int, gen: np.random.Generator, beta: float = 0.5) -> dict[str, Any]:
    a = gen.normal(size=n)
    b = beta * a + np.sqrt(1 - beta**2) * gen.normal(size=n)
    c = 0.3 * a + 0.3 * b + 0.8 * gen.normal(size=n)
    out: dict[str, Any] = {}
    for name, lat in (("a", a), ("b", b), ("c", c)):
        for i in range(1, 4):
            out[f"{name}{i}"] = 0.8 * lat + 0.6 * gen.normal(size=n)
    return out


def test_segment_fits_equal_separate_fits() -> None:
    data = _survey(160, np.random.default_rng(1))
    seg = np.where(np.arange(160) % 3 == 0, "b", "a")
    res = acsi.compare_segments(data, model=SMALL, segments=seg, n_permutations=50)
    for label in ("a", "b"):
        alone = acsi.fit({k: v[seg == label] for k, v in data.items()}, model=SMALL)
        np.testing.assert_allclose(
            res.segments[label].path_coefficients, alone.path_coefficients, atol=1e-12
        )
    ab = res.estimates.value("A -> B", kind="path_difference")
    want = res.segments["a"].path("A", "B") - res.segments["b"].path("A", "B")
    assert ab == pytest.approx(want, abs=1e-12)
    assert res.configural
    assert res.n_by_segment == {"a": 106, "b": 54}


def test_batched_permutations_equal_a_loop_of_fits() -> None:
    """p-values from the batch = those of refitting every permutation alone.

    Paths are permuted on the answers standardized within each segment.
    """
    data = _survey(90, np.random.default_rng(12))
    data["a1"] = data["a1"] + np.repeat([0.0, 1.0], 45)  # segments' means differ
    seg = np.repeat(["a", "b"], 45)
    std = {
        k: np.concatenate(
            [(v[seg == g] - v[seg == g].mean()) / v[seg == g].std(ddof=1) for g in "ab"]
        )
        for k, v in data.items()
    }
    n_perm = 30
    res = acsi.compare_segments(
        data, model=SMALL, segments=seg, n_permutations=n_perm, rng=4
    )
    # the same permutations: n_resamples=0 leaves the generator to them
    codes = (seg == "b").astype(np.int64)
    labels = np.random.default_rng(4).permuted(np.tile(codes, (n_perm, 1)), axis=1)
    paths = [
        f"{p.source} -> {p.target}" for p in acsi.ModelSpec.from_syntax(SMALL).paths
    ]
    observed = res.estimates.select("path_difference").estimate
    permuted = np.empty((n_perm, len(paths)))
    for b in range(n_perm):
        fits = [
            acsi.fit({k: v[labels[b] == g] for k, v in std.items()}, model=SMALL)
            for g in (0, 1)
        ]
        for k, name in enumerate(paths):
            src, tgt = name.split(" -> ")
            permuted[b, k] = fits[0].path(src, tgt) - fits[1].path(src, tgt)
    want = (1 + np.sum(np.abs(permuted) >= np.abs(observed) - 1e-12, axis=0)) / (
        1 + n_perm
    )
    np.testing.assert_allclose(
        res.estimates.select("path_difference").pvalue, want, rtol=1e-12
    )


def test_pairwise_missing_answers() -> None:
    gen = np.random.default_rng(13)
    data = _survey(120, gen)
    for col in ("a1", "b2", "c3"):
        data[col][gen.choice(120, size=8, replace=False)] = np.nan
    seg = np.repeat(["a", "b"], 60)
    both = acsi.compare_segments(
        data, model=SMALL, segments=seg, missing="pairwise", n_permutations=40, rng=1
    )
    alone = acsi.fit(
        {k: v[seg == "a"] for k, v in data.items()}, model=SMALL, missing="pairwise"
    )
    np.testing.assert_allclose(
        both.segments["a"].path_coefficients, alone.path_coefficients, atol=1e-12
    )
    assert np.isfinite(both.estimates.select("path_difference").pvalue).all()
    listwise = acsi.compare_segments(data, model=SMALL, segments=seg, n_permutations=0)
    assert listwise.n < both.n


def test_a_real_difference_is_found() -> None:
    gen = np.random.default_rng(2)
    one, two = _survey(150, gen, beta=0.8), _survey(150, gen, beta=0.1)
    data = {k: np.concatenate([one[k], two[k]]) for k in one}
    seg = np.repeat(["strong", "weak"], 150)
    res = acsi.compare_segments(
        data, model=SMALL, segments=seg, n_permutations=500, n_resamples=200, rng=3
    )
    row = _row(res, "path_difference", "A -> B")
    assert res.estimates.estimate[row] > 0.4  # 0.7 in the latents, attenuated
    assert res.estimates.pvalue[row] < 0.01
    assert res.mga_probability[row] < 0.01  # P(strong <= weak)
    assert res.estimates.ci_low[row] > 0
    assert res.estimates.interval[row] == "percentile"


def test_three_segments_are_compared_pairwise_with_holm() -> None:
    data = _survey(240, np.random.default_rng(6))
    seg = np.repeat(["x", "y", "z"], 80)
    res = acsi.compare_segments(
        data, model=SMALL, segments=seg, n_permutations=99, rng=1
    )
    assert res.pairs == ("x vs y", "x vs z", "y vs z")
    assert set(res.estimates.segment) == set(res.pairs)
    ok = np.isfinite(res.unadjusted_pvalue)
    assert np.all(res.estimates.pvalue[ok] >= res.unadjusted_pvalue[ok] - 1e-15)
    assert len(res.estimates.select("path_difference")) == 3 * 3  # 3 paths x 3 pairs
    frame = res.to_frame()
    assert {"segment", "mga_probability", "unadjusted_pvalue"} <= set(frame.columns)
    assert len(res.micom()) == 3 * 3 * 3


def test_reproducible_and_swapping_labels_negates() -> None:
    data = _survey(120, np.random.default_rng(8))
    seg = np.repeat(["a", "b"], 60)
    one = acsi.compare_segments(
        data, model=SMALL, segments=seg, n_permutations=60, rng=5
    )
    two = acsi.compare_segments(
        data, model=SMALL, segments=seg, n_permutations=60, rng=5
    )
    np.testing.assert_array_equal(one.estimates.pvalue, two.estimates.pvalue)
    swapped = np.where(seg == "a", "c", "a")  # "a" rows become "c" (second)
    three = acsi.compare_segments(data, model=SMALL, segments=swapped, n_permutations=0)
    diffs = [k for k in one.estimates.kind if k.endswith("difference")]
    rows = [i for i, k in enumerate(one.estimates.kind) if k in diffs]
    np.testing.assert_allclose(
        one.estimates.estimate[rows], -three.estimates.estimate[rows], atol=1e-12
    )
    assert np.isnan(three.estimates.pvalue).all()


def test_bad_calls_are_refused() -> None:
    data = _survey(60, np.random.default_rng(0))
    with pytest.raises(InputError, match="segments"):
        acsi.compare_segments(data, model=SMALL, segments=None)
    with pytest.raises(InputError, match="at least two"):
        acsi.compare_segments(data, model=SMALL, segments=np.repeat("x", 60))
    tiny = np.where(np.arange(60) < 2, "few", "many")
    with pytest.raises(InputError, match="few"):
        acsi.compare_segments(data, model=SMALL, segments=tiny)
    with pytest.raises(InputError, match="n_permutations"):
        acsi.compare_segments(data, model=SMALL, segments=tiny, n_permutations=-1)
    with pytest.raises(InputError):
        acsi.compare_segments(Moments.from_data(data), model=SMALL, segments="g")
    import polars as pl

    with pytest.raises(InputError):
        acsi.compare_segments(
            pl.DataFrame(data | {"g": np.repeat(["a", "b"], 30)}).lazy(),
            model=SMALL,
            segments="g",
        )


# --------------------------------------------------------------- simulation
@pytest.mark.slow
def test_type_one_error_of_the_permutation_test() -> None:
    """Equal paths: path tests reject at about 5%, also when means differ.

    Every other data set shifts and stretches the second segment's answers
    (x -> 1.5 x + 1: equal correlation structure, different means and
    variances); paths are permuted on answers standardized within segments,
    so their test keeps its level there. MICOM's mean test is counted on
    the unshifted sets only.
    """
    gen = np.random.default_rng(20261130)
    counts = {"path_difference": [0, 0], "composite_mean_difference": [0, 0]}
    for rep in range(150):
        data = _survey(200, gen)
        shifted = rep % 2 == 1
        if shifted:
            data = {
                k: np.concatenate([v[:100], 1.5 * v[100:] + 1.0])
                for k, v in data.items()
            }
        seg = np.repeat(["a", "b"], 100)
        res = acsi.compare_segments(
            data, model=SMALL, segments=seg, n_permutations=99, rng=gen
        )
        for kind, count in counts.items():
            if shifted and kind == "composite_mean_difference":
                continue
            p = res.estimates.select(kind).pvalue
            count[0] += int(np.sum(p <= 0.05))
            count[1] += p.size
    # 450 path tests and 225 mean tests (3 per data set, correlated within a
    # set): inside a generous binomial band around 5%
    for kind, (rejected, total) in counts.items():
        assert 0.015 <= rejected / total <= 0.09, (kind, rejected / total)
