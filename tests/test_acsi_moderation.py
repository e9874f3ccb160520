"""Moderation (acsi.moderation) against seminr and by simulation.

Reference: tests/golden/csem_hoc.json ("moderation"), written by
tests/golden/csem_hoc.R from seminr's R sources: interaction_term(iv =
"SAT", moderator = "IMAG", method = two_stage / orthogonal /
product_indicator) on the ECSI mobi data, LOY ~ SAT + IMAG + SAT*IMAG;
seminr reports the interaction path in the product's metric
(adjust_interaction) and its slope_analysis draws beta_X + beta_XZ * z.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels import InputError, Moments, SpecificationError, acsi
from satmodels.acsi import ModerationResult

MOBI = Path("/work/shared/data/ecsi/mobi.csv")
GOLDEN: dict[str, Any] = json.loads(
    (Path(__file__).parent / "golden" / "csem_hoc.json").read_text()
)["moderation"]
ATOL = 1e-10
MODEL = (
    "IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5; SAT =~ CUSA1 + CUSA2 + CUSA3; "
    "LOY =~ CUSL1 + CUSL2 + CUSL3; LOY ~ SAT + IMAG"
)
SMALL = "A =~ a1 + a2 + a3; B =~ b1 + b2 + b3; C =~ c1 + c2 + c3; C ~ A + B"


@pytest.fixture(scope="module")
def mobi() -> Any:
    if not MOBI.exists():
        pytest.skip("ECSI mobi data not available at /work/shared/data")
    import pandas as pd

    return pd.read_csv(MOBI)


def _moderate(data: Any, approach: Any = "two_stage", **kw: Any) -> ModerationResult:
    return acsi.moderation(
        data,
        model=MODEL,
        predictor="SAT",
        moderator="IMAG",
        outcome="LOY",
        approach=approach,
        tol=1e-12,
        max_iter=1000,
        **kw,
    )


@pytest.mark.parametrize("approach", ["two_stage", "orthogonal", "product_indicator"])
def test_matches_seminr(mobi: Any, approach: str) -> None:
    ref = GOLDEN["mobi"][approach]
    res = _moderate(mobi, approach)
    lv = ref["latents"]
    p = np.array(ref["paths"])  # seminr: [source, target]
    to_y = {lv[i]: p[i, lv.index("LOY")] for i in range(len(lv))}
    assert res.fit.path("SAT", "LOY") == pytest.approx(to_y["SAT"], abs=ATOL)
    assert res.fit.path("IMAG", "LOY") == pytest.approx(to_y["IMAG"], abs=ATOL)
    assert res.interaction_effect == pytest.approx(to_y["SAT*IMAG"], abs=ATOL)
    w = dict(zip(res.fit.indicators, res.fit.outer_weights, strict=True))
    ld = dict(zip(res.fit.indicators, res.fit.loadings, strict=True))
    names = {"SAT*IMAG_intxn": "SAT.IMAG.product"}
    for item, value in ref["weights"].items():
        ours = names.get(item, item.replace("*", "."))
        assert w[ours] == pytest.approx(value, abs=ATOL)
        if "*" not in item:  # seminr's interaction loadings use its rescaled scores
            assert ld[ours] == pytest.approx(ref["loadings"][item], abs=ATOL)
    assert res.fit.r_squared[res.fit.latents.index("LOY")] == pytest.approx(
        ref["r2"][0],
        abs=ATOL,  # seminr: R² of its one endogenous latent
    )
    np.testing.assert_allclose(
        res.simple_slopes.slope, ref["simple_slopes"]["slope"], atol=ATOL
    )
    np.testing.assert_allclose(
        res.simple_slopes.intercept, ref["simple_slopes"]["intercept"], atol=ATOL
    )


def test_two_stage_scale_is_the_product_sd(mobi: Any) -> None:
    res = _moderate(mobi)
    first = res.first_stage
    assert first is not None and first.scores is not None
    sat, imag = (first.scores[:, first.latents.index(k)] for k in ("SAT", "IMAG"))
    assert res.interaction_scale == pytest.approx(np.std(sat * imag, ddof=1))
    std = res.fit.path("SAT.IMAG", "LOY")
    assert res.interaction_effect == pytest.approx(std / res.interaction_scale)


def test_bootstrap_slopes(mobi: Any) -> None:
    res = acsi.moderation(
        mobi,
        model=MODEL,
        predictor="SAT",
        moderator="IMAG",
        outcome="LOY",
        n_resamples=120,
        rng=8,
    )
    sl = res.simple_slopes
    assert np.all(sl.ci_low < sl.slope) and np.all(sl.slope < sl.ci_high)
    # at the moderator's mean the slope is the path SAT -> LOY, replicate by
    # replicate: the same bootstrap standard error
    path = res.estimates.select("path")
    k = path.name.index("SAT -> LOY")
    assert sl.slope[1] == pytest.approx(path.estimate[k])
    assert sl.standard_error[1] == pytest.approx(path.standard_error[k], rel=1e-12)
    eff = res.estimates.select("interaction_effect")
    assert eff.interval == ("bca",)
    assert np.isfinite(eff.standard_error[0]) and eff.standard_error[0] > 0
    frame = sl.to_frame()
    assert list(frame["moderator_level"]) == [-1.0, 0.0, 1.0]


def test_simulated_interaction_is_recovered() -> None:
    """Y = 0.4 X + 0.2 Z + 0.3 X Z + e (var 1): beta_XZ ~ 0.3 (two-stage)."""
    gen = np.random.default_rng(2010)
    n = 20_000
    x, z = gen.normal(size=n), gen.normal(size=n)
    y = 0.4 * x + 0.2 * z + 0.3 * x * z + np.sqrt(0.71) * gen.normal(size=n)
    data = {}
    for name, lat in (("a", x), ("b", z), ("c", y / y.std())):
        for k in (1, 2, 3):
            data[f"{name}{k}"] = 0.95 * lat + np.sqrt(1 - 0.95**2) * gen.normal(size=n)
    for approach in ("two_stage", "orthogonal", "product_indicator"):
        res = acsi.moderation(
            data,
            model=SMALL,
            predictor="A",
            moderator="B",
            outcome="C",
            approach=approach,
        )
        assert res.interaction_effect == pytest.approx(0.3, abs=0.03), approach
        assert res.fit.path("A", "C") == pytest.approx(0.4, abs=0.03)


def test_integer_weights_equal_repeated_rows() -> None:
    """Weighted PLS (Becker & Ismail 2016) with the weighted products."""
    gen = np.random.default_rng(5)
    n = 150
    lat = gen.normal(size=(n, 3))
    lat[:, 2] += 0.5 * lat[:, 0] + 0.3 * lat[:, 1] - 0.2 * lat[:, 0] * lat[:, 1]
    data = {
        f"{nm}{k}": lat[:, j] + 0.6 * gen.normal(size=n)
        for j, nm in enumerate("abc")
        for k in (1, 2, 3)
    }
    w = gen.integers(1, 4, size=n)
    dup = {c: np.repeat(v, w) for c, v in data.items()}
    for approach in ("two_stage", "orthogonal"):
        kw: dict[str, Any] = {
            "model": SMALL,
            "predictor": "A",
            "moderator": "B",
            "outcome": "C",
            "approach": approach,
            "tol": 1e-12,
        }
        a = acsi.moderation(data, weights=w.astype(float), **kw)
        b = acsi.moderation(dup, **kw)
        kinds = a.estimates.kind
        same = [k not in ("adjusted_r2", "interaction_effect") for k in kinds]
        same[-3:] = [False, True, False]  # the slope at the mean is b_X
        np.testing.assert_allclose(
            a.estimates.estimate[same], b.estimates.estimate[same], atol=1e-9
        )
        # the product's metric: sds with numpy's aweights divisor W - sum w²/W
        # (Moments), n - 1 for the repeated rows
        big_w = w.sum()
        factor = np.sqrt((big_w - 1.0) / (big_w - (w @ w) / big_w))
        assert a.interaction_effect == pytest.approx(
            b.interaction_effect * factor, rel=1e-9
        )


def test_rows_are_required(mobi: Any) -> None:
    pl = pytest.importorskip("polars")
    with pytest.raises(InputError, match="Product terms need the respondents' rows"):
        _moderate(Moments.from_data(mobi))
    with pytest.raises(InputError, match="fourth moments"):
        _moderate(pl.from_pandas(mobi).lazy())


def test_refusals(mobi: Any) -> None:
    with pytest.raises(SpecificationError, match="main effects"):
        acsi.moderation(
            mobi,
            model=MODEL.replace("LOY ~ SAT + IMAG", "LOY ~ SAT"),
            predictor="SAT",
            moderator="IMAG",
            outcome="LOY",
        )
    with pytest.raises(InputError, match="'moderator'"):
        acsi.moderation(
            mobi, model=MODEL, predictor="SAT", moderator="VAL", outcome="LOY"
        )
    with pytest.raises(InputError, match="three different"):
        acsi.moderation(
            mobi, model=MODEL, predictor="SAT", moderator="SAT", outcome="LOY"
        )
    with pytest.raises(InputError, match="approach"):
        _moderate(mobi, "sequential")


def test_result_surface(mobi: Any) -> None:
    res = _moderate(mobi, "orthogonal")
    assert "SAT.IMAG -> LOY" in repr(res)
    text = str(res.summary())
    assert "Simple slopes" in text
    assert json.dumps(res.to_dict())
    assert "SimpleSlopes(SAT -> LOY" in repr(res.simple_slopes)
    assert "index" not in res.estimates.kind
    assert np.isnan(res.simple_slopes.ci_low).all()
    assert res.estimates.select("simple_slope").interval == ("none",) * 3


def test_scores_follow_the_input_rows(mobi: Any) -> None:
    data = mobi.copy()
    data.loc[3, "CUSA1"] = np.nan
    res = _moderate(data)
    assert res.n == len(data) - 1
    assert res.fit.scores is not None and res.first_stage is not None
    assert res.fit.scores.shape[0] == len(data)
    assert np.isnan(res.fit.scores[3]).all()
    assert np.isfinite(res.fit.scores[4]).all()
    assert res.missing_report.rows_used == len(data) - 1
