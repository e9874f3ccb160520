"""The shared vocabulary on acsi.fit: one read, presets, scale, levels, segments.

Independent checks: segment fits equal fits on the subset of rows; the ML
Wald intervals equal estimate +- z * se at the fitted level; the preset
names equal the presets built with the same indicator names.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from scipy import stats

from satmodels import acsi
from satmodels.acsi import ModelSpec
from satmodels.datasets import load_sample_survey
from satmodels.exceptions import InputError, SpecificationError

MODEL = "A =~ a1 + a2 + a3; B =~ b1 + b2; C =~ c1 + c2; B ~ A; C ~ A + B"
COLS = ["a1", "a2", "a3", "b1", "b2", "c1", "c2"]


def _data(n: int = 200, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = 0.6 * a + 0.8 * rng.normal(size=n)
    c = 0.4 * a + 0.3 * b + 0.8 * rng.normal(size=n)
    lat = np.column_stack([a, a, a, b, b, c, c])
    return np.clip(
        np.round(4 + 1.5 * (0.8 * lat + 0.6 * rng.normal(size=(n, 7)))), 1, 7
    )


def _quiet_ml(data: object, **kw: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return acsi.fit(data, method="ml", **kw)


def test_default_model_is_the_acsi_preset_on_the_sample_survey() -> None:
    survey = load_sample_survey()
    res = acsi.fit(survey, scale=(1, 10))
    spec = acsi.acsi(
        expectations=["expe1", "expe2", "expe3"],
        quality=["qual1", "qual2", "qual3", "qual4"],
        value=["val1", "val2"],
        satisfaction=["sat1", "sat2", "sat3"],
        complaints=["comp1"],
        loyalty=["loy1", "loy2", "loy3"],
    )
    ref = acsi.fit(survey, model=spec, scale=(1, 10))
    np.testing.assert_array_equal(res.outer_weights, ref.outer_weights)
    assert res.spec == spec == acsi.acsi()
    assert acsi.fit(survey, model="ACSI", scale=(1, 10)).spec == spec
    assert 0 < res.index["SAT"] < 100


def test_without_scale_the_observed_range_is_used_and_said() -> None:
    survey = load_sample_survey()
    res = acsi.fit(survey)
    assert res.scale is not None and res.scale.name == "observed min-max"
    x = np.column_stack([survey[c] for c in res.indicators])
    lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    ref = acsi.fit(survey, scale=(lo, hi))
    assert res.index["SAT"] == pytest.approx(ref.index["SAT"], rel=1e-14)
    assert "observed range" in " ".join(res.summary().notes)
    assert res.to_dict()["scale"]["name"] == "observed min-max"
    ml = _quiet_ml(survey)
    assert ml.scale.name == "observed min-max" and math.isfinite(ml.indices["SAT"])


def test_confidence_level_honoured_by_ml() -> None:
    x = _data(400)
    res = _quiet_ml(x, model=MODEL, columns=COLS, confidence_level=0.9)
    assert res.confidence_level == 0.9 and res.estimates.confidence_level == 0.9
    z = stats.norm.ppf(0.95)
    for e in res.paths:
        name = f"{e.rhs} -> {e.lhs}"
        k = next(
            i
            for i, (kd, nm) in enumerate(
                zip(res.estimates.kind, res.estimates.name, strict=True)
            )
            if kd == "path" and nm == name
        )
        assert res.estimates.ci_low[k] == pytest.approx(e.estimate - z * e.se)
        assert res.estimates.ci_high[k] == pytest.approx(e.estimate + z * e.se)
    low, high = res.confidence_interval()
    np.testing.assert_array_equal(low, res.estimates.ci_low)
    np.testing.assert_array_equal(high, res.estimates.ci_high)


def test_segments_equal_fits_on_the_subsets() -> None:
    x = _data(240)
    seg = np.array(["north", "south"] * 120)
    res = acsi.fit(x, model=MODEL, columns=COLS, segments=seg, scale=(1, 7))
    assert res.segments is not None and list(res.segments) == ["north", "south"]
    for label, sub in res.segments.items():
        ref = acsi.fit(x[seg == label], model=MODEL, columns=COLS, scale=(1, 7))
        np.testing.assert_allclose(sub.outer_weights, ref.outer_weights, rtol=1e-12)
        np.testing.assert_allclose(sub.indices, ref.indices, rtol=1e-12)
    whole = acsi.fit(x, model=MODEL, columns=COLS, scale=(1, 7))
    np.testing.assert_allclose(res.outer_weights, whole.outer_weights, rtol=1e-14)
    ml = _quiet_ml(x, model=MODEL, columns=COLS, segments=seg, scale=(1, 7))
    assert ml.segments is not None and set(ml.segments) == {"north", "south"}


def test_segments_share_the_observed_scale() -> None:
    x = _data(240)
    x[:10, 0] = 7.0
    seg = np.where(np.arange(240) < 120, "a", "b")
    res = acsi.fit(x, model=MODEL, columns=COLS, segments=seg)
    assert res.segments is not None
    assert {s.scale for s in res.segments.values()} == {res.scale}


def test_weights_by_column_name_and_array_agree() -> None:
    pd = pytest.importorskip("pandas")
    x = _data()
    w = np.random.default_rng(1).uniform(0.5, 2.0, size=len(x))
    df = pd.DataFrame(x, columns=COLS).assign(w=w)
    a = acsi.fit(df, model=MODEL, weights="w", scale=(1, 7))
    b = acsi.fit(x, model=MODEL, columns=COLS, weights=w, scale=(1, 7))
    np.testing.assert_allclose(a.outer_weights, b.outer_weights, rtol=1e-12)
    np.testing.assert_allclose(a.indices, b.indices, rtol=1e-12)
    # weighted means behind the index: the indices move with the weights
    plain = acsi.fit(x, model=MODEL, columns=COLS, scale=(1, 7))
    assert not np.allclose(a.indices, plain.indices)


def test_to_frame_follows_the_input_backend() -> None:
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    x = _data()
    frame = pd.DataFrame(x, columns=COLS)
    res_pd = acsi.fit(frame, model=MODEL, scale=(1, 7))
    res_pl = acsi.fit(pl.from_pandas(frame), model=MODEL, scale=(1, 7))
    assert type(res_pd.to_frame()).__module__.startswith("pandas")
    assert type(res_pl.to_frame()).__module__.startswith("polars")
    assert type(res_pl.ipma("C").to_frame()).__module__.startswith("polars")
    assert type(res_pl.to_frame(backend="pandas")).__module__.startswith("pandas")
    kinds = set(res_pd.estimates.kind)
    assert {"path", "loading", "weight", "index", "total_effect", "r2"} <= kinds


def test_reprs_are_short() -> None:
    survey = load_sample_survey()
    res = acsi.fit(survey, scale=(1, 10), n_resamples=20, rng=1)
    ml = _quiet_ml(survey, scale=(1, 10))
    for obj in (res, ml, res.ipma("LOY"), res.bootstrap, res.estimates):
        assert len(repr(obj)) < 600, type(obj).__name__


def test_too_few_rows_are_refused() -> None:
    x = _data(40)
    # issue "Nothing silent": 2 rows and 50 resamples gave t = 2.9e15, p = 0
    with pytest.raises(InputError, match="needs at least 3"):
        acsi.fit(x[:2], model=MODEL, columns=COLS, n_resamples=50, rng=1)
    with pytest.raises(InputError, match="at least 10 respondents"):
        acsi.fit(x[:9], model=MODEL, columns=COLS, n_resamples=50, rng=1)
    with pytest.raises(InputError, match="needs at least 3"):
        acsi.fit(x[:2], model=MODEL, columns=COLS)


def test_fixed_statistics_get_no_t() -> None:
    # a single-indicator block has loading 1 in every replicate: its
    # standard error is rounding noise and no t or p is reported for it
    x = _data(80)
    res = acsi.fit(
        x,
        model="A =~ a1 + a2 + a3; B =~ b1; B ~ A",
        columns=COLS,
        n_resamples=30,
        rng=2,
    )
    k = next(
        i
        for i, (kd, nm) in enumerate(
            zip(res.estimates.kind, res.estimates.name, strict=True)
        )
        if kd == "loading" and nm == "b1"
    )
    assert math.isnan(res.estimates.statistic[k])
    assert math.isnan(res.estimates.pvalue[k])
    assert np.all(np.abs(np.nan_to_num(res.estimates.statistic)) < 1e6)


def test_long_latent_chain_has_no_recursion_error() -> None:
    j = 1500
    lines = [f"L{k} =~ x{k}" for k in range(j)]
    lines += [f"L{k + 1} ~ L{k}" for k in range(j - 1)]
    spec = ModelSpec.from_syntax("\n".join(lines))
    assert spec.latents[0] == "L0" and spec.latents[-1] == f"L{j - 1}"
    cyc = "\n".join([*lines, f"L0 ~ L{j - 1}"])
    with pytest.raises(SpecificationError, match="cycle"):
        ModelSpec.from_syntax(cyc)


def test_unknown_preset_and_bad_options() -> None:
    x = _data()
    with pytest.raises(SpecificationError, match="no preset"):
        acsi.fit(x, model="nope", columns=COLS)
    with pytest.raises(InputError, match="'rng'"):
        acsi.fit(x, model=MODEL, columns=COLS, rng=1.5)  # type: ignore[call-overload]
    with pytest.raises(InputError, match="'n_resamples'"):
        acsi.fit(x, model=MODEL, columns=COLS, n_resamples=-1)
    with pytest.raises(InputError, match="'segments'"):
        acsi.fit(x, model=MODEL, columns=COLS, segments=["a"])


def test_ecsi_preset_on_mobi() -> None:
    from pathlib import Path

    mobi = Path("/work/shared/data/ecsi/mobi.csv")
    if not mobi.exists():
        pytest.skip("ECSI mobi data not available")
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(mobi)
    res = acsi.fit(df, model="ecsi", scale=(1, 10))
    assert res.spec == acsi.ecsi()
    assert res.path("SAT", "LOY") > 0


def test_foreign_linear_algebra_errors_are_wrapped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from satmodels.acsi import pls
    from satmodels.exceptions import EstimationError

    def singular(*_: object, **__: object) -> None:
        msg = "SVD did not converge"
        raise np.linalg.LinAlgError(msg)

    monkeypatch.setattr(pls, "pls_weights", singular)
    with pytest.raises(EstimationError, match="SVD did not converge"):
        acsi.fit(_data(), model=MODEL, columns=COLS)


def test_ml_case_weights_equal_row_duplication() -> None:
    # integer case weights and duplicated rows give the same covariance
    # matrix, hence the same ML estimates (n differs: Kish's effective n)
    x = _data(300)
    w = np.random.default_rng(5).integers(1, 4, size=len(x)).astype(float)
    weighted = _quiet_ml(x, model=MODEL, columns=COLS, weights=w, scale=(1, 7))
    dup = np.repeat(x, w.astype(int), axis=0)
    ref = _quiet_ml(dup, model=MODEL, columns=COLS, scale=(1, 7))
    got = [e.estimate for e in weighted.paths]
    want = [e.estimate for e in ref.paths]
    np.testing.assert_allclose(got, want, rtol=1e-5)
    assert weighted.indices["C"] == pytest.approx(ref.indices["C"], rel=1e-5)
    assert weighted.n == math.floor(w.sum() ** 2 / (w**2).sum())


def test_lazy_segments_and_bootstrap_match_rows() -> None:
    pl = pytest.importorskip("polars")
    x = _data(240)
    seg = np.array(["a", "b", "c"] * 80)
    frame = pl.DataFrame(dict(zip(COLS, x.T, strict=True))).with_columns(
        pl.Series("seg", seg)
    )
    lazy = acsi.fit(frame.lazy(), model=MODEL, segments="seg", scale=(1, 7))
    rows = acsi.fit(frame, model=MODEL, segments="seg", scale=(1, 7))
    assert lazy.segments is not None and rows.segments is not None
    for label in ("a", "b", "c"):
        np.testing.assert_allclose(
            lazy.segments[label].estimates.estimate,
            rows.segments[label].estimates.estimate,
            rtol=1e-9,
        )
    boot = acsi.fit(
        frame, model=MODEL, segments="seg", scale=(1, 7), n_resamples=30, rng=4
    )
    assert boot.segments is not None
    assert all(s.bootstrap is not None for s in boot.segments.values())


def test_preset_name_on_other_columns_says_how_to_name_them() -> None:
    with pytest.raises(InputError, match=r"default indicator names.*acsi\.acsi"):
        acsi.fit(_data(), columns=COLS)
