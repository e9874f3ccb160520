"""Coverage of design-based intervals of PLS paths and of the 0-100 index.

No other implementation gives design-based intervals for PLS path models, so
the check is a simulation (issue 14): samples are drawn by
``satmodels.datasets.make_national_survey``, a stratified two-stage design
(two regions as strata, sampling points as clusters, unequal weights), and
each sample's ACSI fit gets stratified delete-one-PSU jackknife intervals
through ``design.replicate``. The population truth is exact for the 0-100
index (the generator's ``population_index``) and, for the paths, the PLS
estimate of a sample of 200,000 respondents in 1,000 sampling points per
region from the same generator (its own sampling error, about 0.002, is a
twentieth of a sample's standard error).

bench/design_coverage.py runs the same study with more replications and
writes bench/results/design_coverage.txt.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from satmodels import acsi, design
from satmodels.datasets import make_national_survey
from satmodels.design import Design

DESIGN = Design(strata="stratum", clusters="psu", weights="weight")
PATHS = ("QUAL -> SAT", "SAT -> LOY")
_DESIGN_COLUMNS = ("stratum", "psu", "weight")


def _items(rows: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in rows.items() if k[-1].isdigit() or k in _DESIGN_COLUMNS}


def _row(res: Any, kind: str, name: str) -> tuple[float, float]:
    e = res.estimates
    k = next(i for i in range(len(e)) if e.kind[i] == kind and e.name[i] == name)
    return float(e.ci_low[k]), float(e.ci_high[k])


def coverage(replications: int, seed: int = 0) -> dict[str, float]:
    """Share of replications whose 95% JKn interval covers the truth."""
    big = make_national_survey(
        n_companies=1,
        n_industries=1,
        n_sectors=1,
        n_respondents=200_000,
        n_clusters=1_000,
        rng=seed + 10_000,
    )
    census = acsi.fit(_items(big.wave(1)), weights="weight", scale=(1, 10))
    truth = {p: census.estimates.value(p, kind="path") for p in PATHS}
    hits = dict.fromkeys((*PATHS, "SAT index"), 0)
    for r in range(replications):
        s = make_national_survey(
            n_companies=1,
            n_industries=1,
            n_sectors=1,
            n_respondents=240,
            n_clusters=6,
            rng=seed + r,
        )
        res = design.replicate(
            acsi.fit, _items(s.wave(1)), design=DESIGN, scale=(1, 10)
        )
        low, high = _row(res, "index", "SAT")
        hits["SAT index"] += low <= s.population_index[1]["c01"] <= high
        for p in PATHS:
            low, high = _row(res, "path", p)
            hits[p] += low <= truth[p] <= high
    return {k: v / replications for k, v in hits.items()}


def test_jackknife_intervals_cover_at_nominal() -> None:
    got = coverage(100)
    # 95% nominal over 100 replications: below 0.87 has probability < 0.001
    for name, share in got.items():
        assert 0.87 <= share <= 1.0, (name, share)
    assert np.mean(list(got.values())) >= 0.9, got


@pytest.mark.parametrize("name", PATHS)
def test_census_paths_are_estimated_precisely(name: str) -> None:
    # the truth used above: two halves of the census agree to about 0.01
    parts = [
        acsi.fit(
            _items(
                make_national_survey(
                    n_companies=1,
                    n_industries=1,
                    n_sectors=1,
                    n_respondents=100_000,
                    n_clusters=500,
                    rng=seed,
                ).wave(1)
            ),
            weights="weight",
            scale=(1, 10),
        ).estimates.value(name, kind="path")
        for seed in (1, 2)
    ]
    assert abs(parts[0] - parts[1]) < 0.015
