r"""The national index pipeline: company ACSI fits -> industry -> sector -> nation.

A national barometer (ACSI, EPSI, the Swedish SCSB) fits one ACSI model
per company and aggregates the companies' satisfaction indices: revenue
within industries and sectors, GDP shares across sectors (Fornell et al.
1996, p. 9; ACSI 2020). :func:`index` reads the survey once, computes the
Moments of every company from one grouped aggregation (one pass on polars,
DuckDB or Spark; rows split in memory), fits each company from its Moments,
and aggregates with :func:`satmodels.csi.aggregate`. Standard errors come
from a bootstrap of each company's respondents (companies are independent
samples) or from the design's replicates, which refit the whole pipeline
per replicate weight vector (:func:`satmodels.design.replicate`), so that
every level's variance is design-based.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .._validation import check_confidence_level, check_count, check_rng
from ..acsi import ModelSpec, PLSResult
from ..acsi import fit as acsi_fit
from ..acsi._common import as_spec, index_scale
from ..csi import aggregate
from ..csi._aggregate import AggregateResult
from ..data import Table, read
from ..data._checks import canonical_label
from ..design._spec import Design
from ..exceptions import EstimationError, InputError, SatmodelsWarning
from ..results._estimates import Estimates, estimates
from ..scales import Scale, as_scale
from ..stats.moments import Moments
from ._bootstrap import _bootstrap_se
from ._result import NationalResult, Replicates

__all__ = ["index"]

_WHERE = "national.index"
_LEVELS = ("company", "industry", "sector")
Model = ModelSpec | str | Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class _Setup:
    spec: ModelSpec
    latent: str
    company: object
    industry: str | Mapping[str, str]
    sector: str | Mapping[str, str]
    sizes: str | Mapping[str, float]
    level_sizes: dict[str, Mapping[str, float]] | None
    scale: Scale | None  # None only while reading
    missing: Literal["listwise", "pairwise"]
    nan_policy: Literal["omit", "raise"]


@dataclass(frozen=True, slots=True)
class _Point:
    """The full pipeline's output (``design.replicate`` reads ``estimates``)."""

    estimates: Estimates
    aggregate: AggregateResult
    fits: dict[str, PLSResult]
    n: dict[str, int]
    backend: str | None


def _read(
    data: object,
    setup: _Setup,
    weights: object,
    columns: Sequence[str] | None,
    design: object = None,
) -> Table:
    roles: dict[str, Any] = {"model": setup.spec.indicators}
    if isinstance(setup.sizes, str):
        roles["sizes"] = [setup.sizes]
    labels = [c for c in (setup.industry, setup.sector) if isinstance(c, str)]
    by_design = [getattr(design, k, None) for k in ("strata", "clusters")]
    labels += [c for c in by_design if isinstance(c, str) and c not in labels]
    fpc = getattr(design, "fpc", None)
    if isinstance(fpc, str):
        roles["design"] = [fpc]
    named = isinstance(setup.company, str)
    if named:
        # a label column (also of a bare array named by 'columns'), made the
        # segments below: read refuses a segment column name for an array
        labels.insert(0, str(setup.company))
    table = read(
        data,
        where=_WHERE,
        columns=columns,
        roles=roles,
        weights=weights,
        segments=None if named else setup.company,
        labels={"company": labels} if labels else None,
        accept=("rows", "lazy"),
        min_rows=3,
    )
    if not named:
        return table
    key = str(setup.company)
    if table.kind == "lazy":
        return dataclasses.replace(table, segment_column=key)
    return dataclasses.replace(table, segments=table.labels[key])


def _unit_columns(
    table: Table, setup: _Setup
) -> tuple[dict[str, str], dict[str, str], dict[str, float]]:
    """Industry, sector and size of each company (one value per company)."""
    names: dict[str, object] = {
        "industry": setup.industry,
        "sector": setup.sector,
        "sizes": setup.sizes,
    }
    cols = [c for c in names.values() if isinstance(c, str)]
    found: dict[str, dict[str, Any]] = {c: {} for c in cols}
    if cols and table.kind == "lazy":
        import narwhals.stable.v2 as nw  # noqa: PLC0415 - engines only

        key = str(setup.company)
        frame = (
            table.lazy.select(nw.col(key).cast(nw.String), *[nw.col(c) for c in cols])
            .unique()
            .collect()
        )
        keys = frame.get_column(key).to_list()
        values = {c: frame.get_column(c).to_list() for c in cols}
    elif cols:
        assert table.segments is not None  # noqa: S101 - read with segments
        keys = table.segments.tolist()
        values = {
            c: (table.column(c) if c == setup.sizes else table.labels[c]).tolist()
            for c in cols
        }
    else:
        keys, values = [], {}
    canon = {r: canonical_label(r) for r in set(keys)}
    for c in cols:
        # distinct (company, value) pairs first: one check per pair, not row
        pairs = sorted(set(zip(keys, values[c], strict=True)), key=str)
        for raw, v in pairs:
            k = canon[raw]
            if found[c].setdefault(k, v) != v:
                msg = (
                    f"The column {c!r} of {_WHERE} must hold one value per "
                    f"company; company {k!r} has {found[c][k]!r} and {v!r}."
                )
                raise InputError(msg)
    out: list[dict[str, Any]] = []
    for param, given in names.items():
        if isinstance(given, str):
            out.append(dict(found[given].items()))
        elif isinstance(given, Mapping):
            out.append({canonical_label(k): v for k, v in given.items()})
        else:
            msg = (
                f"The '{param}' parameter of {_WHERE} must be a column name or a "
                f"mapping. Got {type(given).__name__} instead."
            )
            raise InputError(msg)
    industry_of, sector_map, size_of = out
    if not isinstance(setup.sector, str):
        # a mapping gives each industry's sector
        sector_of = {
            c: str(sector_map.get(str(industry_of.get(c)), "")) for c in industry_of
        }
        missing = sorted({str(i) for i in industry_of.values()} - set(sector_map))
        if missing:
            msg = f"The 'sector' mapping of {_WHERE} misses the industr(ies) {missing}."
            raise InputError(msg)
    else:
        sector_of = {c: str(v) for c, v in sector_map.items()}
    return (
        {c: str(v) for c, v in industry_of.items()},
        sector_of,
        # a missing size (None on an engine, NaN in memory) stays missing
        {c: float("nan") if v is None else float(v) for c, v in size_of.items()},
    )


def _company_moments(table: Table, setup: _Setup) -> dict[str, Moments]:
    """Moments of every company: one grouped aggregation on an engine."""
    return table.moments_by_segment(
        setup.spec.indicators, missing=setup.missing, nan_policy=setup.nan_policy
    )


def _point(
    data: object,
    *,
    weights: object = None,
    confidence_level: float = 0.95,
    columns: Sequence[str] | None = None,
    setup: _Setup,
    company_se: Mapping[str, float] | None = None,
    fits: Mapping[str, PLSResult] | None = None,
) -> _Point:
    """Company fits from one grouped pass, then the aggregation."""
    table = _read(data, setup, weights, columns)
    industry_of, sector_of, size_of = _unit_columns(table, setup)
    if fits is None:
        moments = _company_moments(table, setup)
        fitted: dict[str, PLSResult] = {}
        for c, m in moments.items():
            fitted[c] = acsi_fit(m, model=setup.spec, scale=setup.scale)
        fits = fitted
    fits = {canonical_label(c): f for c, f in fits.items()}
    n_of = {c: int(f.n) for c, f in fits.items()}
    companies = sorted(fits)
    for param, known in (("industry", industry_of), ("sizes", size_of)):
        lost = [c for c in companies if c not in known]
        if lost:
            msg = f"The '{param}' of {_WHERE} misses the compan(ies) {lost}."
            raise InputError(msg)
    values = []
    for c in companies:
        v = fits[c].index[setup.latent]
        if not math.isfinite(v):
            msg = f"{_WHERE}: the {setup.latent} index of company {c!r} is undefined."
            raise EstimationError(msg)
        values.append(v)
    agg = _aggregate(
        companies,
        values,
        industry_of,
        sector_of,
        size_of,
        setup,
        confidence_level,
        company_se,
    )
    return _Point(agg.estimates, agg, dict(fits), n_of, table.backend)


def _aggregate(  # noqa: PLR0917 - private
    companies: Sequence[str],
    values: Sequence[float],
    industry_of: Mapping[str, str],
    sector_of: Mapping[str, str],
    size_of: Mapping[str, float],
    setup: _Setup,
    confidence_level: float,
    company_se: Mapping[str, float] | None = None,
) -> AggregateResult:
    """Company indices -> industry -> sector -> nation (csi.aggregate)."""
    cols: dict[str, Any] = {
        "company": list(companies),
        "industry": [industry_of[c] for c in companies],
        "sector": [sector_of[c] for c in companies],
        "index": np.array(values),
        "revenue": np.array([size_of[c] for c in companies]),
    }
    if company_se is not None:
        cols["se"] = np.array([company_se[c] for c in companies])
    return aggregate(
        cols,
        sizes="revenue",
        se=None if company_se is None else "se",
        by=_LEVELS,
        level_sizes=setup.level_sizes,
        confidence_level=confidence_level,
    )


def _level_sizes(value: object) -> dict[str, Mapping[str, float]] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        msg = (
            f"The 'level_sizes' parameter of {_WHERE} must map sectors to GDP "
            f"shares (or levels to such maps). Got {type(value).__name__}."
        )
        raise InputError(msg)
    if all(isinstance(v, Mapping) for v in value.values()):
        return {str(k): v for k, v in value.items()}
    return {"sector": {str(k): v for k, v in value.items()}}


def _check_precision(value: object) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not (math.isfinite(float(value)) and float(value) > 0):  # type: ignore[arg-type]
        msg = (
            f"The 'precision' parameter of {_WHERE} must be a positive number of "
            f"index points. Got {value!r} instead."
        )
        raise InputError(msg)
    return float(value)  # type: ignore[arg-type]


def index(
    data: object,
    *,
    model: Model = "acsi",
    latent: str = "SAT",
    company: object = "company",
    industry: str | Mapping[str, str] = "industry",
    sector: str | Mapping[str, str] = "sector",
    sizes: str | Mapping[str, float] = "revenue",
    level_sizes: Mapping[str, Any] | None = None,
    scale: Scale | tuple[float, float] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: object = None,
    missing: Literal["listwise", "pairwise"] = "listwise",
    nan_policy: Literal["omit", "raise"] = "omit",
    n_resamples: int = 0,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    precision: float = 2.0,
    confidence_level: float = 0.95,
) -> NationalResult:
    r"""Build a national satisfaction index from a multi-company survey.

    Parameters
    ----------
    data : mapping, dataframe or lazy frame
        One row per respondent: the model's indicators, the company label
        and (when given as column names) the industry, sector and size
        columns. A lazy frame (polars, DuckDB, Spark) is reduced to the
        Moments of every company in one grouped aggregation on its engine.
    model : ModelSpec, str or dict
        The ACSI-type model of :func:`satmodels.acsi.fit` (default the ACSI
        preset with its default indicator names).
    latent : str
        The latent whose 0-100 index is aggregated (``"SAT"``: the ACSI).
    company : str or array_like
        Column of the company labels, or the labels themselves (one per
        respondent).
    industry : str or mapping
        Column of the industry of each company, or a mapping company ->
        industry.
    sector : str or mapping
        Column of the sector of each company, or a mapping industry ->
        sector.
    sizes : str or mapping
        Revenue of each company (a column constant within a company, or a
        mapping company -> revenue): companies enter their industry, and
        industries their sector, in proportion to it.
    level_sizes : mapping, optional
        GDP shares by sector (``{"manufacturing": 0.3, ...}``), or
        ``{"sector": {...}, "industry": {...}}``, replacing the summed
        revenue; see :func:`satmodels.csi.aggregate`.
    scale : Scale or (min, max), optional
        Answer scale of the 0-100 indices, e.g. ``(1, 10)``. Without it the
        observed minimum and maximum of all indicators (rows in memory
        only; a lazy frame needs it).
    columns : sequence of str, optional
        Names of a bare array's columns (labels then are numeric codes), or
        the columns of a frame to use.
    weights : array_like or str, optional
        Case weights (or take them from ``design``).
    design : Design or ReplicateDesign, optional
        The survey design (rows in memory): the whole pipeline is refitted
        per replicate weight vector (:func:`satmodels.design.replicate`):
        the stratified jackknife JKn for a ``Design`` (the Rao-Wu
        bootstrap when ``n_resamples`` > 0), the given replicate columns
        for a ``ReplicateDesign``.
    missing : {"listwise", "pairwise"}
    nan_policy : {"omit", "raise"}
    n_resamples : int
        Without ``design``: bootstrap replicates of each company's
        respondents (0: no standard errors); with a ``Design``: Rao-Wu
        bootstrap replicates.
    rng : None, int, SeedSequence or Generator
        Randomness of the bootstraps.
    precision : float
        The programme's target half-width of a company's interval, in
        index points (European programmes: about 2 points from 250
        interviews). Companies above it are listed in ``imprecise``.
    confidence_level : float

    Returns
    -------
    NationalResult

    Raises
    ------
    InputError
        Unknown columns, a company with two industries or sizes, a company
        missing from a mapping, incomplete ``level_sizes``, a lazy frame
        without ``scale`` or with a bootstrap or design, both ``weights``
        and ``design``, a bad ``precision``.
    EstimationError
        A company whose index cannot be estimated.

    Notes
    -----
    Company :math:`c`'s index is the PLS 0-100 index of ``latent``
    (Fornell et al. 1996, p. 10). Aggregates are
    :math:`I_g = \sum_{c \in g} (s_c / S_g) I_c` (revenue :math:`s_c`;
    sectors by GDP share). With company bootstrap standard errors the
    aggregates' follow from independence across companies,
    :math:`\mathrm{SE}(I_g)^2 = \sum (s_c/S_g)^2 \mathrm{SE}(I_c)^2`; with a
    design, every level's variance is the replication variance of the
    whole pipeline (Wolter 2007), which also covers clusters shared by
    companies. The company interval's half-width is
    :math:`z_{1-\alpha/2}\,\mathrm{SE}` (t with the design's df).

    References
    ----------
    .. [1] Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant,
       B. E. (1996). The American Customer Satisfaction Index: nature,
       purpose, and findings. Journal of Marketing, 60(4), 7-18.
    .. [2] Wolter, K. M. (2007). Introduction to variance estimation (2nd
       ed.). Springer.

    Examples
    --------
    >>> from satmodels import national
    >>> from satmodels.datasets import make_national_survey
    >>> s = make_national_survey(n_companies=4, n_industries=2, rng=3)
    >>> res = national.index(
    ...     s.wave(1),
    ...     sizes=s.revenue,
    ...     level_sizes=s.gdp_share,
    ...     weights="weight",
    ...     scale=(1, 10),
    ...     n_resamples=50,
    ...     rng=1,
    ... )
    >>> sorted(res.index["industry"]), res.levels[-1]
    (['i01', 'i02'], 'national')
    """
    level = check_confidence_level(confidence_level, _WHERE)
    reps = check_count(n_resamples, _WHERE, "n_resamples", 0)
    gen = check_rng(rng, _WHERE)
    target = _check_precision(precision)
    spec = as_spec(model, _WHERE)
    if latent not in spec.latents:
        msg = (
            f"The 'latent' parameter of {_WHERE} must be one of the model's "
            f"latents {list(spec.latents)}. Got {latent!r} instead."
        )
        raise InputError(msg)
    if design is not None and weights is not None:
        msg = (
            f"{_WHERE} takes the weights from the 'design' parameter; pass "
            "either 'weights' or 'design'."
        )
        raise InputError(msg)
    declared = as_scale(scale, _WHERE)
    pre = _Setup(
        spec, latent, company, industry, sector, sizes, None, None, missing,
        nan_policy,
    )  # fmt: skip
    design_weights = getattr(design, "weights", None)
    table = _read(
        data, pre, weights if design is None else design_weights, columns, design
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SatmodelsWarning)
        chosen = index_scale(table, spec.indicators, declared, _WHERE)
    if chosen is None:
        msg = (
            f"The 'scale' parameter of {_WHERE} is needed for a lazy frame (its "
            "minimum and maximum are unknown): pass e.g. scale=(1, 10)."
        )
        raise InputError(msg)
    setup = _Setup(
        spec=spec,
        latent=latent,
        company=company,
        industry=industry,
        sector=sector,
        sizes=sizes,
        level_sizes=_level_sizes(level_sizes),
        scale=chosen,
        missing=missing,
        nan_policy=nan_policy,
    )
    df = math.inf
    point: _Point
    kept: Replicates | None = None
    if isinstance(design, Design) and _batched_applies(table, setup):
        from ._batched import design_estimates  # noqa: PLC0415 - a cycle

        point, est, method, df, kept = design_estimates(
            data,
            table,
            setup,
            design,
            method="bootstrap" if reps else "JKn",
            n_resamples=reps,
            rng=gen,
            level=level,
            columns=columns,
        )
    elif design is not None:
        from ..design import replicate  # noqa: PLC0415 - scipy on demand

        if table.kind != "rows":
            msg = f"The 'design' parameter of {_WHERE} needs the respondent rows."
            raise InputError(msg)
        func = functools.partial(_point, setup=setup)
        rep = replicate(
            func,
            data,
            design=design,
            method="bootstrap" if reps else "JKn",
            n_resamples=reps or 200,
            rng=gen,
            confidence_level=level,
            columns=columns,
        )
        point = rep.result
        est, method, df = rep.estimates, rep.variance_method, rep.df
    elif reps:
        fits, se = _bootstrap_se(table, setup, reps, gen, level)
        point = _point(
            data, weights=weights, confidence_level=level, columns=columns,
            setup=setup, company_se=se, fits=fits,
        )  # fmt: skip
        est, method = point.estimates, "bootstrap"
    else:
        point = _point(
            data, weights=weights, confidence_level=level, columns=columns,
            setup=setup,
        )  # fmt: skip
        est, method = point.estimates, "none"
    return _assemble(point, est, setup, target, level, method, df, kept)


def _batched_applies(table: Table, setup: _Setup) -> bool:
    """Tell whether a Design's replicates can be batched (complete rows)."""
    return table.kind in {"rows", "lazy"} and setup.missing == "listwise"


def _assemble(  # noqa: PLR0917 - private
    point: _Point,
    est: Estimates,
    setup: _Setup,
    target: float,
    level: float,
    method: str,
    df: float,
    kept: Replicates | None = None,
) -> NationalResult:
    agg = point.aggregate
    by_level: dict[str, dict[str, float]] = {}
    se_by: dict[str, dict[str, float]] = {}
    half: dict[str, float] = {}
    for k in range(len(est)):
        lev, unit = str(est.kind[k]), str(est.name[k])
        by_level.setdefault(lev, {})[unit] = float(est.estimate[k])
        se_by.setdefault(lev, {})[unit] = float(est.standard_error[k])
        if lev == "company":
            half[unit] = float(est.ci_high[k] - est.ci_low[k]) / 2.0
    n_rows = [
        point.n.get(str(est.name[k]), 0) if est.kind[k] == "company" else int(est.n[k])
        for k in range(len(est))
    ]
    table_out = estimates(
        name=list(est.name),
        kind=list(est.kind),
        estimate=est.estimate,
        standard_error=est.standard_error,
        ci_low=est.ci_low,
        ci_high=est.ci_high,
        n=n_rows,
        df=np.full(len(est), df) if math.isinf(df) else est.df,
        interval="normal" if math.isinf(df) else "t",
        confidence_level=level,
        backend=point.backend,
    )
    last = len(est) - 1
    return NationalResult(
        estimates=table_out,
        confidence_level=level,
        national=float(est.estimate[last]),
        se=float(est.standard_error[last]),
        ci_low=float(table_out.ci_low[last]),
        ci_high=float(table_out.ci_high[last]),
        levels=agg.levels,
        index=by_level,
        se_by_unit=se_by,
        share=agg.share,
        parent=agg.parent,
        fits=point.fits,
        latent=setup.latent,
        half_width=half,
        precision=target,
        imprecise=tuple(sorted(c for c, h in half.items() if h > target)),
        variance_method=method,
        df=df,
        _replicates=kept,
    )
