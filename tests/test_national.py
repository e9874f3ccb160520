"""The national index pipeline: hand computations, recovery, engines, errors."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

from satmodels import InputError, acsi, national
from satmodels.datasets import NationalSurvey, make_national_survey
from satmodels.design import Design
from satmodels.national._compare import holm

DESIGN = Design(strata="stratum", clusters="psu", weights="weight")


@pytest.fixture(scope="module")
def survey() -> NationalSurvey:
    return make_national_survey(
        n_companies=5, n_industries=3, n_sectors=2, n_respondents=100, rng=11
    )


def _fit(s: NationalSurvey, wave: int, **kw: Any) -> national.NationalResult:
    opts: dict[str, Any] = {
        "sizes": s.revenue,
        "level_sizes": s.gdp_share,
        "scale": (1, 10),
    }
    opts.update(kw)
    if "design" not in opts:
        opts.setdefault("weights", "weight")
    return national.index(s.wave(wave), **opts)


@pytest.fixture(scope="module")
def boot(survey: NationalSurvey) -> tuple[Any, Any]:
    return (
        _fit(survey, 1, n_resamples=40, rng=1),
        _fit(survey, 2, n_resamples=40, rng=2),
    )


def test_company_index_is_the_acsi_fit_of_its_rows(survey: NationalSurvey) -> None:
    res = _fit(survey, 1)
    rows = survey.wave(1)
    for c in ("c01", "c04"):
        keep = rows["company"] == c
        part = {k: v[keep] for k, v in rows.items() if k[-1].isdigit()}
        one = acsi.fit(part, weights=rows["weight"][keep], scale=(1, 10))
        assert res.index["company"][c] == pytest.approx(one.index["SAT"], abs=1e-10)
    assert res.variance_method == "none"
    assert math.isnan(res.se)
    assert res.imprecise == ()


def test_aggregation_by_hand(boot: tuple[Any, Any], survey: NationalSurvey) -> None:
    res = boot[0]
    comp, se_c = res.index["company"], res.se_by_unit["company"]
    # industry: revenue-weighted mean; SE^2 = sum share^2 SE^2 (independence)
    ind_num: dict[str, float] = {}
    ind_var: dict[str, float] = {}
    ind_rev: dict[str, float] = {}
    for c, v in comp.items():
        i = survey.industry_of[c]
        ind_num[i] = ind_num.get(i, 0.0) + survey.revenue[c] * v
        ind_rev[i] = ind_rev.get(i, 0.0) + survey.revenue[c]
    for c in comp:
        i = survey.industry_of[c]
        share = survey.revenue[c] / ind_rev[i]
        ind_var[i] = ind_var.get(i, 0.0) + share**2 * se_c[c] ** 2
    for i, num in ind_num.items():
        assert res.index["industry"][i] == pytest.approx(num / ind_rev[i], abs=1e-12)
        assert res.se_by_unit["industry"][i] == pytest.approx(
            math.sqrt(ind_var[i]), abs=1e-12
        )
    # sectors by the revenue of their industries; the nation by GDP shares
    sec_num: dict[str, float] = {}
    sec_rev: dict[str, float] = {}
    for i, rev in ind_rev.items():
        s = survey.sector_of[i]
        sec_num[s] = sec_num.get(s, 0.0) + rev * res.index["industry"][i]
        sec_rev[s] = sec_rev.get(s, 0.0) + rev
    gdp = survey.gdp_share
    total = sum(gdp[s] for s in sec_num)
    nat = sum(gdp[s] / total * sec_num[s] / sec_rev[s] for s in sec_num)
    assert res.national == pytest.approx(nat, abs=1e-12)
    var = sum((gdp[s] / total) ** 2 * res.se_by_unit["sector"][s] ** 2 for s in sec_num)
    assert res.se == pytest.approx(math.sqrt(var), abs=1e-12)
    z = stats.norm.ppf(0.975)
    assert (res.ci_low, res.ci_high) == pytest.approx(
        (nat - z * res.se, nat + z * res.se), abs=1e-10
    )
    assert res.confidence_interval() == (res.ci_low, res.ci_high)


def test_company_se_is_its_pls_bootstrap(survey: NationalSurvey) -> None:
    res = _fit(survey, 1, n_resamples=30, rng=7)
    fit = res.fits["c02"]
    row = fit.estimates.kind.index("index") + list(fit.latents).index("SAT")
    assert res.se_by_unit["company"]["c02"] == fit.estimates.standard_error[row]
    z = stats.norm.ppf(0.975)
    assert res.half_width["c02"] == pytest.approx(
        z * res.se_by_unit["company"]["c02"], rel=1e-12
    )


def test_precision_flags(survey: NationalSurvey, boot: tuple[Any, Any]) -> None:
    res = boot[0]
    widths = res.half_width
    cut = sorted(widths.values())[2]
    flagged = _fit(survey, 1, n_resamples=40, rng=1, precision=cut)
    assert flagged.imprecise == tuple(sorted(c for c, h in widths.items() if h > cut))
    assert len(flagged.imprecise) == 2
    assert _fit(survey, 1, n_resamples=40, rng=1, precision=1e-6).imprecise == tuple(
        sorted(widths)
    )
    assert "wide" in str(flagged.summary())


def test_holm_matches_p_adjust() -> None:
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.20), "holm") = 0.04 0.09 0.09 0.20
    got = holm(np.array([0.01, 0.04, 0.03, 0.20]))
    assert got == pytest.approx([0.04, 0.09, 0.09, 0.20], abs=1e-15)
    nan = holm(np.array([0.02, math.nan, 0.01]))
    assert nan[0] == pytest.approx(0.02)
    assert math.isnan(nan[1])
    assert nan[2] == pytest.approx(0.02)


def test_compare_by_hand(boot: tuple[Any, Any]) -> None:
    a, b = boot
    ch = national.compare(a, b)
    e = ch.estimates
    for k in range(len(e)):
        lev, unit = e.kind[k], e.name[k]
        d = b.index[lev][unit] - a.index[lev][unit]
        se = math.sqrt(a.se_by_unit[lev][unit] ** 2 + b.se_by_unit[lev][unit] ** 2)
        assert e.estimate[k] == pytest.approx(d, abs=1e-12)
        assert e.standard_error[k] == pytest.approx(se, abs=1e-12)
        assert e.statistic[k] == pytest.approx(d / se, rel=1e-12)
        assert e.pvalue[k] == pytest.approx(2 * stats.norm.sf(abs(d / se)), rel=1e-9)
    kinds = np.array(e.kind)
    for lev in a.levels:
        rows = np.flatnonzero(kinds == lev)
        assert ch.pvalue_holm[rows] == pytest.approx(holm(e.pvalue[rows]))
    assert list(ch.significant) == list(ch.pvalue_holm < 0.05)
    assert ch.national == pytest.approx(b.national - a.national)
    assert ch.to_dict()["units"][-1]["unit"] == "national"


def test_design_replicates_the_whole_pipeline(survey: NationalSurvey) -> None:
    from satmodels.design import replicate

    res = _fit(survey, 1, design=DESIGN)
    assert res.variance_method == "JKn"
    n_psu = len(
        {
            (s, p)
            for s, p in zip(
                *(survey.wave(1)[k] for k in ("stratum", "psu")), strict=True
            )
        }
    )
    assert res.df == n_psu - len(set(survey.wave(1)["stratum"]))
    # the company's replication SE equals design.replicate of its own fit
    rows = survey.wave(1)
    keep = rows["company"] == "c03"
    part = {k: v[keep] for k, v in rows.items()}
    own = replicate(
        acsi.fit, part, design=DESIGN, model=acsi.acsi(), scale=(1, 10), scores=False
    )
    e = own.estimates
    row = next(k for k in range(len(e)) if e.kind[k] == "index" and e.name[k] == "SAT")
    # replicates of other companies leave c03's fit unchanged; its own are
    # fitted from rows there and from Moments here: equal to PLS's tol (1e-7)
    assert res.se_by_unit["company"]["c03"] == pytest.approx(
        e.standard_error[row], rel=1e-4
    )
    assert res.index["company"]["c03"] == pytest.approx(e.estimate[row], abs=1e-10)


def test_recovery_of_the_population_index() -> None:
    """The national 95% interval covers the generator's population index."""
    covered = 0
    reps = 40
    for seed in range(reps):
        s = make_national_survey(
            n_companies=3,
            n_industries=2,
            n_sectors=2,
            n_respondents=80,
            n_clusters=2,
            rng=1000 + seed,
        )
        res = _fit(s, 1, design=DESIGN)
        truth = s.population_national[1]
        covered += res.ci_low <= truth <= res.ci_high
    # 95% nominal: fewer than 33 of 40 has probability < 0.01 under 0.95
    assert covered >= 33, covered


@pytest.mark.parametrize("engine", ["polars_lazy", "duckdb"])
def test_grouped_engine_equals_memory(survey: NationalSurvey, engine: str) -> None:
    pl = pytest.importorskip("polars")
    rows = survey.wave(1)
    frame = pl.DataFrame(
        {k: list(v) if v.dtype == object else v for k, v in rows.items()}
    )
    memory = _fit(survey, 1)
    if engine == "polars_lazy":
        lazy: Any = frame.lazy()
    else:
        duckdb = pytest.importorskip("duckdb")
        con = duckdb.connect()
        con.register("survey", frame.to_arrow())
        lazy = con.sql("select * from survey")
    got = national.index(
        lazy,
        sizes=survey.revenue,
        level_sizes=survey.gdp_share,
        weights="weight",
        scale=(1, 10),
    )
    for lev in memory.levels:
        for unit, v in memory.index[lev].items():
            assert got.index[lev][unit] == pytest.approx(v, abs=1e-10)
    # industry and sector read from the engine's columns equal the mappings
    assert got.parent == memory.parent


def test_mappings_equal_columns(survey: NationalSurvey) -> None:
    by_cols = _fit(survey, 1)
    rows = dict(survey.wave(1))
    rows.pop("industry")
    rows.pop("sector")
    by_maps = national.index(
        rows,
        industry=survey.industry_of,
        sector=survey.sector_of,
        sizes=survey.revenue,
        level_sizes={"sector": survey.gdp_share},
        weights="weight",
        scale=(1, 10),
    )
    assert by_maps.index == by_cols.index


def test_errors(survey: NationalSurvey) -> None:
    rows = survey.wave(1)
    with pytest.raises(InputError, match="'design'"):
        _fit(survey, 1, design=DESIGN, weights="weight")
    with pytest.raises(InputError, match="'precision'"):
        _fit(survey, 1, precision=0)
    with pytest.raises(InputError, match="'latent'"):
        _fit(survey, 1, latent="XYZ")
    bad = dict(rows)
    bad["industry"] = bad["industry"].copy()
    bad["industry"][0] = "other"
    with pytest.raises(InputError, match="one value per"):
        national.index(bad, sizes=survey.revenue, weights="weight", scale=(1, 10))
    with pytest.raises(InputError, match="'sizes'"):
        national.index(rows, sizes={"c01": 1.0}, weights="weight", scale=(1, 10))
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(
        {k: list(v) if v.dtype == object else v for k, v in rows.items()}
    )
    with pytest.raises(InputError, match="'scale'"):
        national.index(frame.lazy(), sizes=survey.revenue, weights="weight")
    with pytest.raises(InputError, match="'first'"):
        national.compare(object(), object())  # type: ignore[arg-type]
    res = _fit(survey, 1)
    with pytest.raises(InputError, match="'significance_level'"):
        national.compare(res, res, significance_level=1.5)


def test_generator_truth(survey: NationalSurvey) -> None:
    idx = survey.population_index[1]
    assert set(idx) == set(survey.revenue)
    rows = survey.wave(2)
    assert rows["sat1"].min() >= 1
    assert rows["sat1"].max() <= 10
    assert sum(survey.gdp_share.values()) == pytest.approx(1.0)
    assert repr(_fit(survey, 1)).startswith("NationalResult(SAT")


def test_replicate_columns_equal_the_design_jackknife() -> None:
    from satmodels.design import ReplicateDesign, jackknife_weights

    s = make_national_survey(
        n_companies=3, n_industries=2, n_respondents=40, n_clusters=2, rng=4
    )
    rows = s.wave(1)
    by_design = _fit(s, 1, design=DESIGN)
    strata = np.unique(rows["stratum"].astype(str), return_inverse=True)[1]
    pairs = np.char.add(rows["stratum"].astype(str), rows["psu"].astype(str))
    psu = np.unique(pairs, return_inverse=True)[1]
    stratum_of_psu = np.zeros(psu.max() + 1, dtype=np.int64)
    stratum_of_psu[psu] = strata
    reps, rscales = jackknife_weights(
        rows["weight"], psu, stratum_of_psu, np.zeros(strata.max() + 1)
    )
    names = [f"r{j}" for j in range(reps.shape[1])]
    data = dict(rows) | dict(zip(names, reps.T, strict=True))
    given = ReplicateDesign(
        replicates=tuple(names),
        method="JKn",
        weights="weight",
        rscales=tuple(float(r) for r in rscales),
    )
    by_columns = national.index(
        data, sizes=s.revenue, level_sizes=s.gdp_share, design=given, scale=(1, 10)
    )
    assert by_columns.variance_method == "JKn"
    for lev in by_design.levels:
        for unit, se in by_design.se_by_unit[lev].items():
            assert by_columns.se_by_unit[lev][unit] == pytest.approx(se, rel=1e-9)
