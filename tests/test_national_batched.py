"""Design-based national index: batched replicates equal refitting every one.

Reference: ``satmodels.design.replicate`` of the whole pipeline, which refits
the rows of every company under every replicate weight vector (its JKn is
checked against R's survey in tests/test_design.py). The batched path
combines per-PSU sums instead (national/_batched.py); both must agree to
rounding.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats

from satmodels import EstimationError, InputError, SatmodelsWarning, national
from satmodels.datasets import NationalSurvey, make_national_survey
from satmodels.design import Design
from satmodels.national import _batched
from satmodels.national import _index as pipeline

DESIGN = Design(strata="stratum", clusters="psu", weights="weight")


@pytest.fixture(scope="module")
def survey() -> NationalSurvey:
    return make_national_survey(
        n_companies=5, n_industries=3, n_sectors=2, n_respondents=100, rng=11
    )


def _opts(s: NationalSurvey) -> dict[str, Any]:
    return {"sizes": s.revenue, "level_sizes": s.gdp_share, "scale": (1, 10)}


def _reference(s: NationalSurvey, data: Any, **kw: Any) -> national.NationalResult:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "_batched_applies", lambda *_: False)
        return national.index(data, **_opts(s), **kw)


def _same(got: national.NationalResult, ref: national.NationalResult) -> None:
    a, b = got.estimates, ref.estimates
    assert list(a.name) == list(b.name)
    np.testing.assert_allclose(a.estimate, b.estimate, rtol=1e-12)
    np.testing.assert_allclose(a.standard_error, b.standard_error, rtol=1e-10)
    above = np.array([k != "company" for k in a.kind])
    np.testing.assert_allclose(a.ci_high[above], b.ci_high[above], rtol=1e-12)
    assert (got.df, got.variance_method) == (ref.df, ref.variance_method)


@pytest.mark.parametrize("kw", [{}, {"n_resamples": 30, "rng": 4}])
def test_batched_equals_refitting(survey: NationalSurvey, kw: dict[str, Any]) -> None:
    rows = survey.wave(1)
    got = national.index(rows, design=DESIGN, **_opts(survey), **kw)
    _same(got, _reference(survey, rows, design=DESIGN, **kw))
    assert got.variance_method == ("bootstrap" if kw else "JKn")
    assert got.se > 0


def test_batched_jackknife_with_fpc(survey: NationalSurvey) -> None:
    rows = dict(survey.wave(1))
    rows["fpc"] = np.full(rows["weight"].size, 100.0)  # 100 PSUs per stratum
    spec = Design(strata="stratum", clusters="psu", fpc="fpc", weights="weight")
    got = national.index(rows, design=spec, **_opts(survey))
    _same(got, _reference(survey, rows, design=spec))
    plain = national.index(rows, design=DESIGN, **_opts(survey))
    assert got.se < plain.se  # the finite-population correction shrinks it
    with pytest.raises(InputError, match="finite-population"):
        national.index(rows, design=spec, n_resamples=10, rng=1, **_opts(survey))


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
@pytest.mark.parametrize("kw", [{}, {"n_resamples": 20, "rng": 2}])
def test_batched_on_engines(
    survey: NationalSurvey, engine: str, kw: dict[str, Any]
) -> None:
    pl = pytest.importorskip("polars")
    rows = survey.wave(1)
    frame = pl.DataFrame(
        {k: (list(v) if v.dtype == object else v) for k, v in rows.items()}
    )
    if engine == "polars":
        lazy: Any = frame.lazy()
    else:
        duckdb = pytest.importorskip("duckdb")
        con = duckdb.connect()
        con.register("survey", frame.to_arrow())
        lazy = con.sql("select * from survey")
    got = national.index(lazy, design=DESIGN, **_opts(survey), **kw)
    _same(got, _reference(survey, rows, design=DESIGN, **kw))


def test_lazy_design_needs_clusters(survey: NationalSurvey) -> None:
    pl = pytest.importorskip("polars")
    rows = survey.wave(1)
    frame = pl.DataFrame(
        {k: (list(v) if v.dtype == object else v) for k, v in rows.items()}
    )
    with pytest.raises(InputError, match="needs clusters"):
        national.index(
            frame.lazy(),
            design=Design(strata="stratum", weights="weight"),
            **_opts(survey),
        )


def test_refusals(survey: NationalSurvey, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = survey.wave(1)
    with pytest.raises(InputError, match="n_resamples"):
        national.index(rows, design=DESIGN, n_resamples=1, **_opts(survey))
    monkeypatch.setattr(_batched, "_MAX_JACKKNIFE", 3)
    with pytest.raises(InputError, match="use the bootstrap"):
        national.index(rows, design=DESIGN, **_opts(survey))


def test_a_company_in_one_psu_cannot_be_jackknifed(survey: NationalSurvey) -> None:
    rows = dict(survey.wave(1))
    company = rows["company"].astype(str)
    mine = company == "c02"
    # regions as strata, points within companies as PSUs; c02 in one PSU
    rows["region2"] = np.where(mine, "north", rows["region"].astype(str))
    rows["point"] = np.char.add(np.char.add(company, "-"), rows["psu"].astype(str))
    rows["point"][mine] = "c02-only"
    spec = Design(strata="region2", clusters="point", weights="weight")
    with pytest.raises(EstimationError, match=r"'c02'.*without respondents"):
        national.index(rows, design=spec, **_opts(survey))


def test_pairwise_takes_the_refitting_path(
    survey: NationalSurvey, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = survey.wave(1)

    def fail(*_: object, **__: object) -> None:
        raise AssertionError

    monkeypatch.setattr(_batched, "design_estimates", fail)
    got = national.index(rows, design=DESIGN, missing="pairwise", **_opts(survey))
    monkeypatch.undo()
    # complete data: the pairwise fit equals the listwise one
    _same(got, national.index(rows, design=DESIGN, **_opts(survey)))


def test_company_intervals_use_the_company_degrees_of_freedom(
    survey: NationalSurvey,
) -> None:
    # Korn & Graubard (1999, sec. 5.2): a domain's df = its PSUs minus its
    # strata; each company has 2 strata (regions) x 6 PSUs -> 10, the survey
    # 60 - 10 = 50
    rows = survey.wave(1)
    res = national.index(rows, design=DESIGN, **_opts(survey))
    e = res.estimates
    for k in range(len(e)):
        assert e.df[k] == (10.0 if e.kind[k] == "company" else 50.0)
    k = next(i for i in range(len(e)) if e.kind[i] == "company")
    half = stats.t.ppf(0.975, 10) * e.standard_error[k]
    assert e.ci_high[k] - e.estimate[k] == pytest.approx(half, rel=1e-12)
    assert res.half_width[str(e.name[k])] == pytest.approx(half, rel=1e-12)


def test_paired_change_uses_the_replicate_differences(
    survey: NationalSurvey,
) -> None:
    # a panel: the same respondents answer again, one point higher on two
    # quality items of every company, plus a little noise
    rows1 = survey.wave(1)
    rng = np.random.default_rng(3)
    rows2 = dict(rows1)
    for item in ("qual1", "qual2", "sat1"):
        shift = rng.normal(0.3, 0.2, rows1[item].size)
        rows2[item] = np.clip(rows1[item] + shift, 1, 10)
    fits = [
        national.index(r, design=DESIGN, n_resamples=40, rng=9, **_opts(survey))
        for r in (rows1, rows2)
    ]
    paired = national.compare(*fits, paired=True)
    independent = national.compare(*fits)
    np.testing.assert_allclose(
        paired.estimates.estimate, independent.estimates.estimate
    )
    # the waves are strongly correlated: the paired SE is far smaller
    assert paired.se < 0.5 * independent.se
    # by hand from the stored replicates (Rao-Wu: scale 1 / (R - 1))
    a, b = fits[0]._replicates, fits[1]._replicates
    assert a is not None
    assert b is not None
    d = b.values[:, -1] - a.values[:, -1]
    assert paired.se == pytest.approx(d.std(ddof=1), rel=1e-12)
    assert set(paired.estimates.interval) == {"t"}
    assert paired.estimates.df[-1] == fits[0].df


def test_paired_change_needs_the_same_replicates(survey: NationalSurvey) -> None:
    rows = survey.wave(1)
    a = national.index(rows, design=DESIGN, n_resamples=20, rng=1, **_opts(survey))
    b = national.index(rows, design=DESIGN, n_resamples=20, rng=2, **_opts(survey))
    with pytest.raises(InputError, match="same Design"):
        national.compare(a, b, paired=True)
    plain = national.index(rows, weights="weight", **_opts(survey))
    with pytest.raises(InputError, match="same Design"):
        national.compare(plain, plain, paired=True)
    # the same design and seed: the same replicates, a change of 0 with SE 0,
    # whose test is undefined and said to be
    with pytest.warns(SatmodelsWarning, match="no standard error"):
        same = national.compare(a, a, paired=True)
    assert same.se == 0.0
    assert np.isnan(same.estimates.pvalue).all()
