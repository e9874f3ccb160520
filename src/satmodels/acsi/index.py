r"""0-100 satisfaction indices, their aggregation, and IPMA.

**Index of a latent** (Fornell et al. 1996, p. 10; the ACSI methodology
report, ACSI 2020, "Calculating the indices"): the standardized PLS outer
weights are turned into weights for the *unstandardized* indicators,
:math:`v_i = w_i / s_i`, normalized to sum to one within the block, and
applied to the indicator means rescaled by the declared answer scale:

.. math::

    \mathrm{index} = \sum_i \frac{v_i}{\sum_k v_k}\,
        \frac{\bar x_i - \min}{\max - \min} \times 100 .

With an unscaled fit (``scaled=False``) the weights already refer to the
raw indicators and are used as they are. The minimum and maximum come from
the declared scale, never from the data, so the index of a block whose
answers all sit at the top of the scale is 100. Negative weights (possible
in formative blocks) can push an index outside [0, 100]; the result then
says so.

**Aggregation** (Fornell et al. 1996, p. 10; ACSI 2020): company indices
are averaged into industry indices weighted by company revenue, industry
into sector indices weighted by industry revenue, and sectors into the
national index weighted by each sector's share of GDP (or any user-given
weights).

**IPMA** (Ringle & Sarstedt 2016, section "IPMA procedure"): the importance
of a predecessor for a target latent is its *unstandardized* total effect
on the target when all latent scores are on the 0-100 scale; performance is
its 0-100 index. An indicator's importance is its normalized unstandardized
weight times its latent's unstandardized total effect; its performance is
its rescaled mean.

References
----------
.. [1] Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant,
   B. E. (1996). The American Customer Satisfaction Index: nature, purpose,
   and findings. Journal of Marketing, 60(4), 7-18.
.. [2] American Customer Satisfaction Index (2020). ACSI methodology
   report. Ann Arbor, MI.
.. [3] Ringle, C. M., & Sarstedt, M. (2016). Gain more insight from your
   PLS-SEM results: the importance-performance map analysis. Industrial
   Management & Data Systems, 116(9), 1865-1886.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .._typing import FloatArray
from ..exceptions import InputError
from ..results._base import ResultMixin
from ..results._summary import Summary, table
from ._pls_kernel import Layout

__all__ = ["IndexAggregation", "aggregate_indices"]


def raw_weights(w: FloatArray, sd: FloatArray, *, scaled: bool) -> FloatArray:
    """Own-block weights on the raw indicators, (..., p): ``w / sd`` if scaled."""
    return w / sd if scaled else w


def block_sums(v: FloatArray, lay: Layout) -> FloatArray:
    """Sum of ``v`` (..., p) within each block, (..., J)."""
    return v @ lay.mask.astype(np.float64)


def indices(
    v: FloatArray, mean: FloatArray, lo: float, hi: float, lay: Layout
) -> FloatArray:
    """0-100 index of each latent, batched: ``v`` and ``mean`` are (..., p)."""
    perf = (mean - lo) / (hi - lo) * 100.0
    mask = lay.mask.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return ((v * perf) @ mask) / (v @ mask)


def normalized_weights(v: FloatArray, lay: Layout) -> FloatArray:
    """Raw weights normalized to sum to one within each block, (..., p)."""
    sums = block_sums(v, lay)
    return v / sums[..., lay.block]


def ipma(
    total: FloatArray, v: FloatArray, lo: float, hi: float, lay: Layout
) -> tuple[FloatArray, FloatArray]:
    """Unstandardized total effects on the 0-100 scale, and indicator importances.

    The 0-100 score of latent k is ``a_k Y_k + const`` with
    ``a_k = 100 / (hi - lo) / |sum_i v_i|`` because ``Y_k = sum_i v_i x_i``
    (raw weights ``v``) has unit variance; an unstandardized total effect
    is therefore ``total[s, t] * a_t / a_s``.

    Returns
    -------
    unstd_total : ndarray, (J, J)
        ``[source, target]`` total effects between 0-100 latent scores.
    indicator_total : ndarray, (p, J)
        ``[indicator, target]``: normalized weight times its latent's
        unstandardized total effect on the target.
    """
    sums = block_sums(v, lay)
    a = 100.0 / (hi - lo) / np.abs(sums)
    unstd = total * a[None, :] / a[:, None]
    norm = normalized_weights(v, lay)
    return unstd, norm[:, None] * unstd[lay.block, :]


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexAggregation(ResultMixin):
    """Company, industry, sector and national indices.

    Attributes
    ----------
    companies : dict of str to float
        The company indices given.
    industries : dict of str to float
        Revenue-weighted mean of each industry's companies.
    sectors : dict of str to float
        Weighted mean of each sector's industries (weights: the industries'
        total revenue, or ``industry_weights``).
    national : float
        Weighted mean of the sectors (weights: the sectors' total revenue,
        or ``sector_weights``, e.g. shares of GDP).
    industry_weight : dict of str to float
        Weight each industry received within its sector.
    sector_weight : dict of str to float
        Weight each sector received in the national index.
    """

    companies: dict[str, float]
    industries: dict[str, float]
    sectors: dict[str, float]
    national: float
    industry_weight: dict[str, float]
    sector_weight: dict[str, float]

    def _records(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = [
            {"level": "company", "name": k, "index": v}
            for k, v in self.companies.items()
        ]
        rows += [
            {"level": "industry", "name": k, "index": v}
            for k, v in self.industries.items()
        ]
        rows += [
            {"level": "sector", "name": k, "index": v} for k, v in self.sectors.items()
        ]
        rows.append({"level": "national", "name": "national", "index": self.national})
        return rows

    def summary(self) -> Summary:
        """Return the four levels as one table."""
        rows = [(r["level"], r["name"], r["index"]) for r in self._records()]
        return Summary(
            title="Satisfaction indices by level (0-100)",
            tables=(table("", ("level", "name", "index"), rows, digits=1),),
            notes=("Aggregation as in Fornell et al. (1996): revenue-weighted means.",),
        )


def _positive(values: Mapping[str, float], name: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, val in values.items():
        f = float(val)
        if not np.isfinite(f) or f < 0:
            msg = (
                f"The '{name}' parameter of aggregate_indices must hold finite, "
                f"non-negative weights. Got {val!r} for {key!r}."
            )
            raise InputError(msg)
        out[str(key)] = f
    return out


def _weighted(
    values: Mapping[str, float], weights: Mapping[str, float], what: str
) -> float:
    total = sum(weights[k] for k in values)
    if total <= 0:
        msg = f"aggregate_indices: the weights of {what} sum to zero."
        raise InputError(msg)
    return sum(values[k] * weights[k] for k in values) / total


def aggregate_indices(
    indices: Mapping[str, float],
    *,
    revenue: Mapping[str, float],
    industry: Mapping[str, str],
    sector: Mapping[str, str],
    industry_weights: Mapping[str, float] | None = None,
    sector_weights: Mapping[str, float] | None = None,
) -> IndexAggregation:
    """Aggregate company indices to industry, sector and national indices.

    Each level is a weighted mean of the level below (Fornell et al. 1996,
    p. 10): companies by ``revenue`` within an industry; industries by
    their total revenue (or ``industry_weights``) within a sector; sectors
    by their total revenue (or ``sector_weights``, e.g. shares of GDP) in
    the national index.

    Parameters
    ----------
    indices : mapping of str to float
        0-100 index of each company (e.g. ``result.indices["SAT"]`` of one
        fit per company).
    revenue : mapping of str to float
        Non-negative weight (revenue, customers) of each company.
    industry : mapping of str to str
        Industry of each company.
    sector : mapping of str to str
        Sector of each industry.
    industry_weights, sector_weights : mapping of str to float, optional
        Override the revenue-based weights of industries / sectors.

    Returns
    -------
    IndexAggregation

    Raises
    ------
    InputError
        A company without revenue or industry, an industry without sector,
        negative or non-finite weights, an index that is not finite.

    Examples
    --------
    >>> from satmodels.acsi import aggregate_indices
    >>> agg = aggregate_indices(
    ...     {"A": 80.0, "B": 70.0, "C": 60.0},
    ...     revenue={"A": 3.0, "B": 1.0, "C": 1.0},
    ...     industry={"A": "airlines", "B": "airlines", "C": "banks"},
    ...     sector={"airlines": "transport", "banks": "finance"},
    ... )
    >>> agg.industries["airlines"], round(agg.national, 2)
    (77.5, 74.0)
    """
    comp = {str(k): float(v) for k, v in indices.items()}
    if not comp:
        msg = "The 'indices' parameter of aggregate_indices is empty."
        raise InputError(msg)
    for key, val in comp.items():
        if not np.isfinite(val):
            msg = f"aggregate_indices: the index of company {key!r} is {val!r}."
            raise InputError(msg)
    rev = _positive(revenue, "revenue")
    for name, mapping in (("revenue", rev), ("industry", industry)):
        missing = [c for c in comp if c not in mapping]
        if missing:
            msg = (
                f"The '{name}' parameter of aggregate_indices has no entry for "
                f"company {missing[0]!r}."
            )
            raise InputError(msg)
    inds: dict[str, list[str]] = {}
    for c in comp:
        inds.setdefault(str(industry[c]), []).append(c)
    missing = [i for i in inds if i not in sector]
    if missing:
        msg = (
            "The 'sector' parameter of aggregate_indices has no entry for "
            f"industry {missing[0]!r}."
        )
        raise InputError(msg)
    industries = {
        i: _weighted({c: comp[c] for c in cs}, rev, f"industry {i!r}")
        for i, cs in inds.items()
    }
    ind_w = (
        {i: sum(rev[c] for c in cs) for i, cs in inds.items()}
        if industry_weights is None
        else _positive(industry_weights, "industry_weights")
    )
    secs: dict[str, list[str]] = {}
    for i in inds:
        if i not in ind_w:
            msg = f"The 'industry_weights' parameter has no entry for {i!r}."
            raise InputError(msg)
        secs.setdefault(str(sector[i]), []).append(i)
    sectors = {
        s: _weighted({i: industries[i] for i in is_}, ind_w, f"sector {s!r}")
        for s, is_ in secs.items()
    }
    sec_w = (
        {s: sum(ind_w[i] for i in is_) for s, is_ in secs.items()}
        if sector_weights is None
        else _positive(sector_weights, "sector_weights")
    )
    for s in secs:
        if s not in sec_w:
            msg = f"The 'sector_weights' parameter has no entry for {s!r}."
            raise InputError(msg)
    national = _weighted(sectors, sec_w, "the sectors")
    return IndexAggregation(
        companies=comp,
        industries=industries,
        sectors=sectors,
        national=national,
        industry_weight={i: ind_w[i] for i in inds},
        sector_weight={s: sec_w[s] for s in secs},
    )
