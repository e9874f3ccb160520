"""Higher-order constructs (acsi.higher_order) against cSEM and seminr.

References: tests/golden/csem_hoc.json, written by tests/golden/csem_hoc.R
from the cSEM and seminr R sources on the ECSI mobi data and on
satmodels.datasets.load_sample_survey(): repeated indicators and the
embedded two-stage approach by cSEM (the repeated indicators renamed
``item_PERF``), the disjoint two-stage approach by seminr's
higher_composite() and by cSEM run in two stages.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from satmodels import InputError, Moments, SpecificationError, acsi
from satmodels.acsi import HigherOrderResult, ModelSpec, PLSResult
from satmodels.datasets import load_sample_survey

MOBI = Path("/work/shared/data/ecsi/mobi.csv")
GOLDEN: dict[str, Any] = json.loads(
    (Path(__file__).parent / "golden" / "csem_hoc.json").read_text()
)
ATOL = GOLDEN["tolerance"]["estimates_atol"]

MOBI_BLOCKS = {
    "IMAG": [f"IMAG{i}" for i in range(1, 6)],
    "EXPE": [f"CUEX{i}" for i in range(1, 4)],
    "QUAL": [f"PERQ{i}" for i in range(1, 8)],
    "VAL": ["PERV1", "PERV2"],
    "SAT": [f"CUSA{i}" for i in range(1, 4)],
    "LOY": [f"CUSL{i}" for i in range(1, 4)],
}
SURVEY_BLOCKS = {
    "EXPE": [f"expe{i}" for i in range(1, 4)],
    "QUAL": [f"qual{i}" for i in range(1, 5)],
    "VAL": ["val1", "val2"],
    "SAT": [f"sat{i}" for i in range(1, 4)],
    "LOY": [f"loy{i}" for i in range(1, 4)],
}
RESTS = {
    "mobi": "PERF ~ EXPE\nSAT ~ IMAG + PERF\nLOY ~ IMAG + SAT",
    "survey": "PERF ~ EXPE\nSAT ~ EXPE + PERF\nLOY ~ SAT",
}
OPS = {"reflective": "=~", "formative": "<~"}
# cSEM: approach -> (final model key, first stage key)
CSEM = {
    "repeated_indicators": ("repeated_indicators", None),
    "embedded_two_stage": ("embedded_two_stage", "embedded_first_stage"),
    "disjoint_two_stage": ("disjoint_two_stage_csem", "disjoint_first_stage_csem"),
}


def _model(blocks: dict[str, list[str]], rest: str, op: str) -> str:
    lines = [f"{lv} =~ {' + '.join(items)}" for lv, items in blocks.items()]
    return "\n".join([*lines, f"PERF {op} QUAL + VAL", rest])


def _data(name: str) -> Any:
    if name == "survey":
        return load_sample_survey()
    if not MOBI.exists():
        pytest.skip("ECSI mobi data not available at /work/shared/data")
    import pandas as pd

    return pd.read_csv(MOBI)


def _fit(name: str, mode: str, approach: Any, **kw: Any) -> HigherOrderResult:
    blocks = SURVEY_BLOCKS if name == "survey" else MOBI_BLOCKS
    model = _model(blocks, RESTS[name], OPS[mode])
    return acsi.higher_order(
        _data(name), model=model, approach=approach, tol=1e-12, max_iter=1000, **kw
    )


def _check(res: PLSResult, ref: dict[str, Any], *, source_rows: bool) -> None:
    """Paths (cSEM: [target, source]; seminr: [source, target]), weights, R²."""
    lv = ref["latents"]
    p = np.array(ref["paths"])
    checked = 0
    for i, a in enumerate(lv):
        for j, b in enumerate(lv):
            if p[i, j] != 0:
                src, tgt = (a, b) if source_rows else (b, a)
                assert res.path(src, tgt) == pytest.approx(p[i, j], abs=ATOL)
                checked += 1
    assert checked == len(res.spec.paths)
    w = dict(zip(res.indicators, res.outer_weights, strict=True))
    ld = dict(zip(res.indicators, res.loadings, strict=True))
    for name, value in w.items():
        key = name.replace(".PERF", "_PERF")
        assert value == pytest.approx(ref["weights"][key], abs=ATOL)
        assert ld[name] == pytest.approx(ref["loadings"][key], abs=ATOL)
    r2 = dict(zip(res.latents, res.r_squared, strict=True))
    for k, v in ref["r2"].items():
        if k in r2 and v is not None:
            assert r2[k] == pytest.approx(v, abs=ATOL)


@pytest.mark.parametrize("name", ["mobi", "survey"])
@pytest.mark.parametrize("mode", ["reflective", "formative"])
@pytest.mark.parametrize("approach", list(CSEM))
def test_matches_csem(name: str, mode: str, approach: str) -> None:
    res = _fit(name, mode, approach)
    final, first = CSEM[approach]
    _check(res.fit, GOLDEN[name][mode][final], source_rows=False)
    if first is None:
        assert res.first_stage is None
    else:
        assert res.first_stage is not None
        _check(res.first_stage, GOLDEN[name][mode][first], source_rows=False)


@pytest.mark.parametrize("name", ["mobi", "survey"])
@pytest.mark.parametrize("mode", ["reflective", "formative"])
def test_disjoint_matches_seminr(name: str, mode: str) -> None:
    """seminr merges both stages: components' items from stage 1."""
    res = _fit(name, mode, "disjoint_two_stage")
    ref = GOLDEN[name][mode]["disjoint_two_stage_seminr"]
    lv = ref["latents"]
    p = np.array(ref["paths"])
    for i, a in enumerate(lv):
        for j, b in enumerate(lv):
            if p[i, j] != 0:
                assert res.fit.path(a, b) == pytest.approx(p[i, j], abs=ATOL)
    est = res.estimates
    for item, v in ref["weights"].items():
        assert est.value(item, kind="weight") == pytest.approx(v, abs=ATOL)
        assert est.value(item, kind="loading") == pytest.approx(
            ref["loadings"][item], abs=ATOL
        )


def test_moments_and_lazy_equal_rows() -> None:
    """Two-stage from sufficient statistics: exact linear transforms."""
    pl = pytest.importorskip("polars")
    data = load_sample_survey()
    blocks = SURVEY_BLOCKS
    cols = [c for items in blocks.values() for c in items]
    model = _model(blocks, RESTS["survey"], "=~")
    rows = {c: data[c] for c in cols}
    ok = np.all([np.isfinite(rows[c]) for c in cols], axis=0)
    rows = {c: v[ok] for c, v in rows.items()}
    approaches: list[Any] = list(CSEM)
    for approach in approaches:
        a = acsi.higher_order(rows, model=model, approach=approach, scale=(1, 10))
        b = acsi.higher_order(
            Moments.from_data(rows), model=model, approach=approach, scale=(1, 10)
        )
        c = acsi.higher_order(
            pl.DataFrame(rows).lazy(), model=model, approach=approach, scale=(1, 10)
        )
        for other in (b, c):
            np.testing.assert_allclose(
                other.estimates.estimate, a.estimates.estimate, rtol=1e-9, atol=1e-12
            )
            assert other.fit.scores is None


def test_hoc_index_is_weighted_mean_of_component_indices() -> None:
    res = _fit("survey", "reflective", "embedded_two_stage", scale=(1, 10))
    assert res.first_stage is not None
    v = res.fit.weights_of("PERF")  # on the standardized composites
    comp = res.first_stage.index
    # raw weight of a composite = standardized weight / its sd
    sd = dict(zip(res.fit.indicators, res.fit.indicator_std, strict=True))
    raw = {c: v[c] / sd[c] for c in ("QUAL", "VAL")}
    expect = sum(raw[c] * comp[c] for c in raw) / sum(raw.values())
    assert res.index["PERF"] == pytest.approx(expect, rel=1e-12)
    assert res.index["QUAL"] == comp["QUAL"]


def test_scores_reproduce_latent_correlations() -> None:
    res = _fit("survey", "reflective", "disjoint_two_stage")
    scores = res.fit.scores
    assert scores is not None
    ok = np.all(np.isfinite(scores), axis=1)
    np.testing.assert_allclose(
        np.corrcoef(scores[ok].T), res.fit.latent_correlation, atol=1e-10
    )


def test_bootstrap_reruns_both_stages() -> None:
    res = _fit("survey", "reflective", "embedded_two_stage", n_resamples=60, rng=4)
    boot = res.fit.bootstrap
    assert boot is not None
    path = res.estimates.select("path")
    k = path.name.index("PERF -> SAT")
    assert path.estimate[k] == pytest.approx(res.fit.path("PERF", "SAT"))
    assert path.ci_low[k] < path.estimate[k] < path.ci_high[k]
    assert np.isfinite(path.standard_error).all()
    assert res.estimates.interval[0] == "bca"
    # the components' stage-1 weights are bootstrapped too
    w = res.estimates.select("weight")
    assert np.isfinite(w.standard_error[w.name.index("qual1")])


def test_bootstrap_from_moments_is_refused() -> None:
    data = load_sample_survey()
    cols = [c for items in SURVEY_BLOCKS.values() for c in items]
    m = Moments.from_data({c: data[c] for c in cols})
    model = _model(SURVEY_BLOCKS, RESTS["survey"], "=~")
    with pytest.raises(InputError, match="n_resamples"):
        acsi.higher_order(m, model=model, n_resamples=20, scale=(1, 10))


def test_weights_equal_duplicated_rows() -> None:
    """WPLS (Becker & Ismail 2016): integer weights = repeated respondents."""
    data = load_sample_survey()
    cols = [c for items in SURVEY_BLOCKS.values() for c in items]
    gen = np.random.default_rng(3)
    w = gen.integers(1, 4, size=data["sat1"].size).astype(float)
    rows = {c: data[c] for c in cols}
    dup = {c: np.repeat(v, w.astype(int)) for c, v in rows.items()}
    model = _model(SURVEY_BLOCKS, RESTS["survey"], "<~")
    a = acsi.higher_order(rows, model=model, weights=w, scale=(1, 10))
    b = acsi.higher_order(dup, model=model, scale=(1, 10))
    # adjusted R² uses the number of respondents, not the weight total
    same = [k != "adjusted_r2" for k in a.estimates.kind]
    assert not all(same)
    np.testing.assert_allclose(
        a.estimates.estimate[same], b.estimates.estimate[same], rtol=1e-10, atol=1e-12
    )


def test_result_surface() -> None:
    res = _fit("survey", "formative", "repeated_indicators")
    assert "repeated_indicators" in repr(res)
    assert "QUAL" in str(res.summary())
    assert json.dumps(res.to_dict())
    assert "PERF" in res.index
    assert res.fit.spec.block("PERF").indicators[0] == "qual1.PERF"
    # formative: components -> HOC paths
    assert res.fit.path("QUAL", "PERF") != 0
    ci = res.confidence_interval()
    assert len(ci.low) == len(res.estimates)


# ----------------------------------------------------------- the spec
def test_spec_accepts_and_round_trips_higher_order() -> None:
    text = "A =~ a1 + a2; B =~ b1 + b2; H <~ A + B; Y =~ y1 + y2; Y ~ H"
    spec = ModelSpec.from_syntax(text)
    assert spec.higher_order == ("H",)
    assert spec.indicators == ("a1", "a2", "b1", "b2", "y1", "y2")
    assert ModelSpec.from_syntax(spec.to_syntax()) == spec
    assert ModelSpec.from_json(spec.to_json()) == spec


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("A =~ a1 + a2; H =~ A + h1; Y =~ y1; Y ~ H", "mixes latents"),
        ("A =~ a1; B =~ b1; H =~ A + B; G =~ H + A; Y =~ y1; Y ~ G", "two blocks"),
        ("A =~ a1; B =~ b1; H =~ A; G =~ H + B; Y =~ y1; Y ~ G", "only second-order"),
        ("A =~ a1; B =~ b1; H =~ A + B; Y =~ y1; Y ~ A", "component"),
    ],
)
def test_spec_refuses_bad_higher_order(text: str, match: str) -> None:
    with pytest.raises(SpecificationError, match=match):
        ModelSpec.from_syntax(text)


def test_fit_refuses_and_higher_order_requires_a_hoc() -> None:
    data = load_sample_survey()
    model = _model(SURVEY_BLOCKS, RESTS["survey"], "=~")
    with pytest.raises(SpecificationError, match=r"acsi\.higher_order"):
        acsi.fit(data, model=model)
    with pytest.raises(SpecificationError, match="no higher-order block"):
        acsi.higher_order(data, model="acsi")
    with pytest.raises(InputError, match="approach"):
        acsi.higher_order(data, model=model, approach="two_stage")  # type: ignore[arg-type]


def test_repeated_name_clash_is_refused() -> None:
    data = {"a1": np.arange(10.0), "a1.H": np.arange(10.0)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(SpecificationError, match="clashes"):
            acsi.higher_order(
                data,
                model="A =~ a1; B =~ a1.H; H =~ A + B; Y =~ y; Y ~ H",
                approach="repeated_indicators",
            )


# ------------------------------------------------- self-consistency
def _complete_survey() -> dict[str, Any]:
    data = load_sample_survey()
    cols = [c for items in SURVEY_BLOCKS.values() for c in items]
    return {c: np.asarray(data[c], dtype=float) for c in cols}


@pytest.mark.parametrize("scaled", [True, False])
def test_repeated_indicators_equal_a_fit_on_repeated_columns(scaled: bool) -> None:
    rows = _complete_survey()
    model = _model(SURVEY_BLOCKS, RESTS["survey"], "=~")
    res = acsi.higher_order(
        rows, model=model, approach="repeated_indicators", scaled=scaled, tol=1e-12
    )
    spec = res.fit.spec
    dup = dict(rows)
    for name in spec.block("PERF").indicators:
        dup[name] = rows[name.split(".")[0]]
    direct = acsi.fit(dup, model=spec, scaled=scaled, tol=1e-12)
    np.testing.assert_allclose(res.fit.outer_weights, direct.outer_weights, atol=1e-12)
    np.testing.assert_allclose(
        res.fit.path_coefficients, direct.path_coefficients, atol=1e-12
    )
    assert res.fit.scores is not None and direct.scores is not None
    np.testing.assert_allclose(res.fit.scores, direct.scores, atol=1e-10)


def test_embedded_two_stage_equals_two_fits_by_hand() -> None:
    rows = _complete_survey()
    model = _model(SURVEY_BLOCKS, RESTS["survey"], "<~")
    res = acsi.higher_order(rows, model=model, tol=1e-12)
    first = res.first_stage
    assert first is not None and first.scores is not None
    staged = dict(rows)
    for c in ("QUAL", "VAL"):
        staged[c] = first.scores[:, first.latents.index(c)]
    second = acsi.fit(staged, model=res.fit.spec, tol=1e-12)
    np.testing.assert_allclose(
        res.fit.path_coefficients, second.path_coefficients, atol=1e-12
    )
    np.testing.assert_allclose(res.fit.outer_weights, second.outer_weights, atol=1e-12)


def test_lazy_bootstrap_and_pairwise() -> None:
    pl = pytest.importorskip("polars")
    rows = _complete_survey()
    model = _model(SURVEY_BLOCKS, RESTS["survey"], "=~")
    res = acsi.higher_order(
        pl.DataFrame(rows).lazy(), model=model, scale=(1, 10), n_resamples=30, rng=2
    )
    assert res.fit.bootstrap is not None and res.fit.bootstrap.method == "poisson"
    holes = dict(rows)
    holes["qual1"] = holes["qual1"].copy()
    holes["qual1"][::7] = np.nan
    pw = acsi.higher_order(holes, model=model, scale=(1, 10), missing="pairwise")
    lw = acsi.higher_order(holes, model=model, scale=(1, 10))
    assert pw.n < 500 and lw.n < pw.n + 1
    assert str(pw.fit.summary()) and str(lw.first_stage.summary())  # type: ignore[union-attr]
