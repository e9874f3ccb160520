r"""A seeded national barometer: companies, industries, sectors, two waves.

Each company is surveyed in every wave by a stratified cluster sample: two
regions per company (the strata), sampling points (the clusters, primary
sampling units) within each region, respondents within each point. Region
``north`` holds 70% of each company's customers and ``south`` 30%, but
both get half the interviews, so the design weights
:math:`w = \pi_r N_c / n_{cr}` matter: the south answers 0.7 points lower
and the north 0.3 points higher, and the customer-weighted shift
:math:`0.7 \cdot 0.3 - 0.3 \cdot 0.7 = 0` leaves the company mean at its
population value.

An answer to indicator :math:`j` of latent :math:`\ell` is

.. math::

    x = \mu_{c\ell} + \delta_r + b \tanh(\lambda f_\ell + u_k + e_j),

with the ACSI latent scores :math:`f` drawn with the correlation of
:func:`satmodels.datasets.latent_correlation`, a cluster effect
:math:`u_k \sim N(0, \sigma_u^2)` and noise :math:`e_j`. The argument of the
hyperbolic tangent is symmetric about 0, so the expected answer is exactly
:math:`\mu_{c\ell} + \delta_r`: every indicator of the satisfaction latent
has population mean :math:`\mu_c`, and whatever the (positive, normalized)
outer weights, the population 0-100 index of the company is
:math:`100 (\mu_c - 1) / 9` on the 1-10 scale. Answers stay inside
``[1, 10]`` because :math:`|\delta_r| + b \le 2.2` and
:math:`\mu \in [5, 8]`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._typing import FloatArray
from .._validation import check_count, check_rng
from ..exceptions import InputError
from ._generator import ACSI_BLOCKS, latent_correlation

__all__ = ["NationalSurvey", "make_national_survey"]

_WHERE = "make_national_survey"
_REGIONS = (("north", 0.7, 0.3), ("south", 0.3, -0.7))
_HALF_RANGE = 1.5  # b: answers span mu +- b (+ the region shift)


@dataclass(frozen=True, slots=True, kw_only=True)
class NationalSurvey:
    """A simulated two-wave national barometer with its population truth.

    Attributes
    ----------
    data : dict of str to ndarray
        One row per interview: ``wave`` (1, 2), ``company``, ``industry``,
        ``sector``, ``region`` (the strata are ``stratum`` = company and
        region), ``psu`` (sampling point labels, unique within a stratum),
        ``weight`` (design weight), and the ACSI indicators of
        :data:`ACSI_BLOCKS` (1-10, continuous).
    revenue : dict of str to float
        Revenue per company (the ``sizes`` of the aggregation).
    gdp_share : dict of str to float
        GDP share per sector (the ``level_sizes``).
    industry_of, sector_of : dict of str to str
        Company -> industry and industry -> sector.
    population_index : dict of int to dict of str to float
        The population 0-100 satisfaction index of each company by wave.
    population_national : dict of int to float
        The population national index by wave (revenue within industries
        and sectors, GDP shares across sectors).
    """

    data: dict[str, np.ndarray[Any, Any]] = field(repr=False)
    revenue: dict[str, float]
    gdp_share: dict[str, float]
    industry_of: dict[str, str]
    sector_of: dict[str, str]
    population_index: dict[int, dict[str, float]]
    population_national: dict[int, float]

    def wave(self, wave: int) -> dict[str, np.ndarray[Any, Any]]:
        """Return the rows of one wave (1 or 2)."""
        keep = self.data["wave"] == wave
        if not keep.any():
            msg = f"The survey has waves 1 and 2. Got wave={wave!r}."
            raise InputError(msg)
        return {k: v[keep] for k, v in self.data.items()}


def _national(
    index: dict[str, float],
    revenue: dict[str, float],
    industry_of: dict[str, str],
    sector_of: dict[str, str],
    gdp: dict[str, float],
) -> float:
    """Revenue-weighted industries and sectors, GDP-weighted nation."""
    sector_num: dict[str, float] = {}
    sector_den: dict[str, float] = {}
    for c, value in index.items():
        s = sector_of[industry_of[c]]
        sector_num[s] = sector_num.get(s, 0.0) + revenue[c] * value
        sector_den[s] = sector_den.get(s, 0.0) + revenue[c]
    total = sum(gdp[s] for s in sector_num)
    return sum(gdp[s] / total * sector_num[s] / sector_den[s] for s in sector_num)


def make_national_survey(
    *,
    n_companies: int = 12,
    n_industries: int = 4,
    n_sectors: int = 2,
    n_respondents: int = 240,
    n_clusters: int = 6,
    cluster_sd: float = 0.3,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
) -> NationalSurvey:
    """Simulate a two-wave national barometer with a stratified cluster design.

    Parameters
    ----------
    n_companies, n_industries, n_sectors : int
        Companies are dealt round-robin to industries and industries to
        sectors (each industry has a company, each sector an industry).
    n_respondents : int
        Interviews per company and wave (half per region), at least 8.
    n_clusters : int
        Sampling points per region (at least 2, the design's PSUs).
    cluster_sd : float
        Standard deviation of the sampling-point effect (0: no clustering).
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    NationalSurvey

    Raises
    ------
    InputError
        Counts out of range (fewer companies than industries, fewer
        industries than sectors, too few respondents or clusters).

    Examples
    --------
    >>> from satmodels.datasets import make_national_survey
    >>> s = make_national_survey(n_companies=4, n_industries=2, rng=1)
    >>> sorted(s.revenue), s.data["wave"].size
    (['c01', 'c02', 'c03', 'c04'], 1920)
    """
    k = check_count(n_companies, _WHERE, "n_companies", 1)
    m = check_count(n_industries, _WHERE, "n_industries", 1)
    q = check_count(n_sectors, _WHERE, "n_sectors", 1)
    n = check_count(n_respondents, _WHERE, "n_respondents", 8)
    g = check_count(n_clusters, _WHERE, "n_clusters", 2)
    if not (k >= m >= q):
        msg = (
            f"{_WHERE} needs n_companies >= n_industries >= n_sectors. Got "
            f"{k}, {m} and {q}."
        )
        raise InputError(msg)
    if not (np.isfinite(cluster_sd) and cluster_sd >= 0):
        msg = f"The 'cluster_sd' of {_WHERE} must be >= 0. Got {cluster_sd!r}."
        raise InputError(msg)
    gen = check_rng(rng, _WHERE)
    companies = [f"c{i + 1:02d}" for i in range(k)]
    industries = [f"i{j + 1:02d}" for j in range(m)]
    sectors = [f"s{j + 1}" for j in range(q)]
    industry_of = {c: industries[i % m] for i, c in enumerate(companies)}
    sector_of = {ind: sectors[j % q] for j, ind in enumerate(industries)}
    revenue = {c: float(np.round(gen.uniform(1.0, 20.0), 2)) for c in companies}
    raw = gen.uniform(1.0, 3.0, size=q)
    gdp_share = {s: float(v / raw.sum()) for s, v in zip(sectors, raw, strict=True)}
    latents = list(ACSI_BLOCKS)
    chol = np.linalg.cholesky(latent_correlation())
    base = gen.uniform(5.6, 7.4, size=(k, len(latents)))
    change = np.clip(gen.normal(0.0, 0.25, size=k), -0.6, 0.6)
    sat = latents.index("SAT")
    population: dict[int, dict[str, float]] = {}
    cols: dict[str, list[Any]] = {
        "wave": [],
        "company": [],
        "industry": [],
        "sector": [],
        "region": [],
        "stratum": [],
        "psu": [],
        "weight": [],
    }
    items: dict[str, list[FloatArray]] = {
        ind: [] for block in ACSI_BLOCKS.values() for ind in block
    }
    per_region = n // 2
    for wave in (1, 2):
        mu = base + (wave - 1) * change[:, None]
        population[wave] = {
            c: 100.0 * (float(mu[i, sat]) - 1.0) / 9.0 for i, c in enumerate(companies)
        }
        for i, c in enumerate(companies):
            customers = revenue[c] * 1000.0
            for region, share, shift in _REGIONS:
                psu = np.arange(per_region) % g
                u = gen.normal(0.0, cluster_sd, size=g)[psu]
                f = gen.standard_normal((per_region, len(latents))) @ chol.T
                for ell, name in enumerate(latents):
                    for ind in ACSI_BLOCKS[name]:
                        e = gen.normal(0.0, 0.6, size=per_region)
                        arg = 0.9 * f[:, ell] + u + e
                        items[ind].append(
                            mu[i, ell] + shift + _HALF_RANGE * np.tanh(arg)
                        )
                cols["wave"].append(np.full(per_region, float(wave)))
                cols["company"].append(np.full(per_region, c, dtype=object))
                cols["industry"].append(
                    np.full(per_region, industry_of[c], dtype=object)
                )
                cols["sector"].append(
                    np.full(per_region, sector_of[industry_of[c]], dtype=object)
                )
                cols["region"].append(np.full(per_region, region, dtype=object))
                cols["stratum"].append(
                    np.full(per_region, f"{c}-{region}", dtype=object)
                )
                cols["psu"].append(psu.astype(float) + 1.0)
                cols["weight"].append(
                    np.full(per_region, share * customers / per_region)
                )
    data: dict[str, np.ndarray[Any, Any]] = {
        name: np.concatenate(parts) for name, parts in cols.items()
    }
    for ind, parts in items.items():
        arr: FloatArray = np.concatenate(parts)
        data[ind] = arr
    national = {
        w: _national(population[w], revenue, industry_of, sector_of, gdp_share)
        for w in (1, 2)
    }
    return NationalSurvey(
        data=data,
        revenue=revenue,
        gdp_share=gdp_share,
        industry_of=industry_of,
        sector_of=sector_of,
        population_index=population,
        population_national=national,
    )
