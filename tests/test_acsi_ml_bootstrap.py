"""ML bootstrap through acsi.fit(method="ml", n_resamples=...).

Reference for each replicate: an independent ML fit (cold start) of the
replicate's own covariance matrix and means, built with
Moments.from_covariance; the bootstrap only adds warm starts and batching.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import satmodels
from satmodels import Moments
from satmodels.data import read
from satmodels.datasets import load_sample_survey

pytestmark = pytest.mark.filterwarnings("ignore::satmodels.SatmodelsWarning")


@pytest.fixture(scope="module")
def fitted() -> Any:
    survey = load_sample_survey()
    return satmodels.acsi.fit(
        survey, model="acsi", method="ml", scale=(1, 10), n_resamples=40, rng=7
    )


def test_each_replicate_is_an_independent_fit(fitted: Any) -> None:
    spec = fitted.spec
    survey = load_sample_survey()
    table = read(survey, where="t", roles={"model": spec.indicators})
    reps = table.bootstrap(
        spec.indicators, n_resamples=40, rng=np.random.default_rng(7)
    )
    boot = fitted.bootstrap
    for r in (0, 17, 39):
        n = round(float(reps.count[r, 0, 0]))
        one = Moments.from_covariance(
            reps.covariance(ddof=1)[r],
            n=n,
            mean=reps.mean[r],
            columns=spec.indicators,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = satmodels.acsi.fit(one, model=spec, method="ml", scale=(1, 10))
        std = {
            (
                f"std_{e.kind}",
                e.rhs if e.kind == "loading" else f"{e.rhs} -> {e.lhs}",
            ): (e.std_estimate)
            for e in (*ref.loadings, *ref.paths)
        }
        for i, (kind, name) in enumerate(
            zip(boot.estimates.kind, boot.estimates.name, strict=True)
        ):
            want = (
                std[(kind, name)]
                if kind.startswith("std_")
                else ref.estimates.value(name, kind=kind)
            )
            got = boot.replicates[r, i]
            if np.isfinite(want):
                assert got == pytest.approx(want, rel=1e-5, abs=1e-7), (kind, name)


def test_bootstrap_rows_summarise_the_replicates(fitted: Any) -> None:
    boot = fitted.bootstrap
    assert boot.n_resamples == 40
    assert boot.n_failed == 0
    values = boot.replicates
    j = boot.estimates.name.index("SAT -> LOY")
    col = values[:, j]
    assert boot.estimates.standard_error[j] == pytest.approx(col.std(ddof=1))
    assert boot.percentile_low[j] == pytest.approx(np.percentile(col, 2.5))
    assert boot.percentile_high[j] == pytest.approx(np.percentile(col, 97.5))
    assert boot.estimates.estimate[j] == fitted.estimates.value("SAT -> LOY", "path")
    assert set(boot.estimates.interval) == {"bca"}
    assert boot.jackknife_groups == 200
    # the standardized rows carry the full fit's completely standardized values
    k = boot.estimates.name.index("SAT -> LOY", boot.estimates.kind.index("std_path"))
    path = next(e for e in fitted.paths if (e.rhs, e.lhs) == ("SAT", "LOY"))
    assert boot.estimates.estimate[k] == pytest.approx(path.std_estimate)
    # the Wald SE from the expected information is near the bootstrap SE
    wald = fitted.estimates.standard_error[fitted.estimates.name.index("SAT -> LOY")]
    assert boot.estimates.standard_error[j] == pytest.approx(wald, rel=0.35)
    assert "ML bootstrap" in str(boot.summary())
    assert "n_failed=0" in repr(boot)
    assert boot.to_frame().shape[0] == len(boot.estimates)


def test_seeded_and_on_a_lazy_frame() -> None:
    pl = pytest.importorskip("polars")
    survey = load_sample_survey()
    a = satmodels.acsi.fit(survey, method="ml", scale=(1, 10), n_resamples=10, rng=3)
    b = satmodels.acsi.fit(survey, method="ml", scale=(1, 10), n_resamples=10, rng=3)
    assert a.bootstrap is not None
    assert b.bootstrap is not None
    np.testing.assert_array_equal(a.bootstrap.replicates, b.bootstrap.replicates)
    lazy = pl.DataFrame({k: np.asarray(v) for k, v in survey.items()}).lazy()
    c = satmodels.acsi.fit(lazy, method="ml", scale=(1, 10), n_resamples=10, rng=3)
    assert c.bootstrap is not None
    assert c.bootstrap.n_resamples == 10
    assert np.isfinite(c.bootstrap.estimates.standard_error[:5]).all()
    assert satmodels.acsi.fit(survey, method="ml", scale=(1, 10)).bootstrap is None


def test_bca_intervals_use_an_independent_grouped_jackknife(fitted: Any) -> None:
    """BCa (Efron & Tibshirani 1993, eq. 14.9-14.15) from cold-start refits of
    the same 200 leave-one-group-out samples (groups drawn after the
    bootstrap's draws from the same generator)."""
    from satmodels.stats.intervals import bca_interval

    spec = fitted.spec
    survey = load_sample_survey()
    table = read(survey, where="t", roles={"model": spec.indicators})
    gen = np.random.default_rng(7)
    table.bootstrap(spec.indicators, n_resamples=40, rng=gen)
    n = int(table.n_rows or 0)
    assign = gen.permutation(n) % 200
    boot = fitted.bootstrap
    names = ["SAT -> LOY", "QUAL -> SAT"]
    cols = [boot.estimates.name.index(nm) for nm in names]
    jack = np.empty((200, len(names)))
    for g in range(200):
        part = table.rows(assign != g).moments(spec.indicators)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = satmodels.acsi.fit(part, model=spec, method="ml", scale=(1, 10))
        jack[g] = [res.estimates.value(nm, kind="path") for nm in names]
    low, high = bca_interval(
        boot.replicates[:, cols], boot.estimates.estimate[cols], jack, 0.95
    )
    np.testing.assert_allclose(boot.estimates.ci_low[cols], low, rtol=1e-6)
    np.testing.assert_allclose(boot.estimates.ci_high[cols], high, rtol=1e-6)
