r"""Design-based standard errors of any satmodels estimate, by replication.

:func:`replicate` refits a satmodels function once per replicate weight
vector and takes the spread of each row of its estimates table (Wolter
2007): for a :class:`~satmodels.design.ReplicateDesign` the replicate
columns given; for a :class:`~satmodels.design.Design` replicate weights it
builds itself, the stratified delete-one-PSU jackknife (JKn; Wolter 2007,
sec. 4.5; ``survey::as.svrepdesign(type = "JKn")``) or the Rao & Wu (1988)
rescaled bootstrap of PSUs. Every estimate of the library (CSI indices,
Kano shares, SERVQUAL gaps, PLS and ML paths, the 0-100 index) gets a
design-based standard error this way.

References
----------
.. [1] Rao, J. N. K., & Wu, C. F. J. (1988). Resampling inference with
   complex survey data. JASA, 83(401), 231-241.
.. [2] Wolter, K. M. (2007). Introduction to Variance Estimation (2nd ed.).
   Springer.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .._typing import FloatArray, IntArray
from .._validation import check_confidence_level, check_count, check_rng
from ..exceptions import EstimationError, InputError, SatmodelsError, SatmodelsWarning
from ..results._base import ConfidenceInterval, ResultMixin
from ..results._estimates import Estimates, concat, estimates
from ..results._summary import Summary, table
from ._kernels import replicate_variance
from ._prepare import Prepared, prepare, without_design_columns
from ._spec import Design, ReplicateDesign

__all__ = [
    "ReplicatedResult",
    "bootstrap_factors",
    "design_factors",
    "jackknife_factors",
    "jackknife_weights",
    "need_rows",
    "replicate",
    "replicated_table",
    "run_replicate",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplicatedResult(ResultMixin):
    """A result with design-based (replication) standard errors.

    Attributes
    ----------
    result : object
        The full-sample result of the function (its own fields, plots and
        model-based standard errors).
    estimates : Estimates
        The result's estimates with replication standard errors and t
        intervals on ``df`` degrees of freedom.
    design_effect : ndarray
        Per row: replication variance over the result's own (model-based)
        variance; NaN where the result has no standard error.
    df : float
    variance_method : str
        ``"JKn"``, ``"bootstrap"`` or the replicate design's method.
    n_replicates : int
    confidence_level : float
    """

    result: Any = field(repr=False)
    estimates: Estimates = field(repr=False)
    design_effect: FloatArray = field(repr=False)
    df: float
    variance_method: str
    n_replicates: int
    confidence_level: float
    _backend: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return (
            f"ReplicatedResult({type(self.result).__name__}, "
            f"variance={self.variance_method}, replicates={self.n_replicates}, "
            f"df={self.df:g}, rows={len(self.estimates)})"
        )

    def confidence_interval(
        self, confidence_level: float | None = None
    ) -> ConfidenceInterval:
        """Return the replication intervals (stored at the fitted level)."""
        if confidence_level is None or confidence_level == self.confidence_level:
            return ConfidenceInterval(self.estimates.ci_low, self.estimates.ci_high)
        return self.estimates.confidence_interval(confidence_level)

    def to_frame(self, backend: str | None = None) -> Any:  # noqa: ANN401 - a frame
        """Return the estimates table with the design-based columns."""
        return self.estimates.to_frame(backend or self._backend)  # type: ignore[arg-type]

    def _records(self) -> list[dict[str, object]]:
        return self.estimates._records()

    def summary(self) -> Summary:
        """Estimates with replication standard errors and design effects."""
        e = self.estimates
        rows: list[list[object]] = [
            [
                e.kind[i],
                e.name[i],
                e.estimate[i],
                e.standard_error[i],
                e.ci_low[i],
                e.ci_high[i],
                self.design_effect[i],
            ]
            for i in range(len(e))
        ]
        return Summary(
            title=(
                f"{type(self.result).__name__} with design-based standard errors "
                f"({self.variance_method}, {self.n_replicates} replicates)"
            ),
            tables=(
                table(
                    "",
                    ["kind", "name", "estimate", "se", "ci_low", "ci_high", "deff"],
                    rows,
                    digits=4,
                ),
            ),
            notes=(
                f"{100 * self.confidence_level:g}% t intervals on {self.df:g} "
                "degrees of freedom; deff = replication variance / the model's "
                "own variance.",
            ),
        )


def jackknife_factors(
    stratum_of_psu: IntArray, fraction: FloatArray
) -> tuple[FloatArray, FloatArray]:
    r"""Factors of the stratified delete-one-PSU jackknife, (PSUs, replicates).

    Replicate :math:`r` drops PSU :math:`r` (factor 0) and multiplies the
    other PSUs of its stratum :math:`h` by :math:`n_h / (n_h - 1)`; its
    variance multiplier (rscale) is :math:`(1 - f_h)(n_h - 1) / n_h`
    (Wolter 2007, eq. 4.5.3; ``survey::jknweights``). A respondent's
    replicate weight is its weight times its PSU's factor.
    """
    n_h = np.bincount(stratum_of_psu).astype(np.float64)
    h = stratum_of_psu
    same = h[:, None] == h[None, :]
    factors = np.where(same, (n_h / (n_h - 1.0))[h][:, None], 1.0)
    np.fill_diagonal(factors, 0.0)
    rscales = (1.0 - fraction[h]) * (n_h[h] - 1.0) / n_h[h]
    return factors, rscales


def jackknife_weights(
    weights: FloatArray, psu: IntArray, stratum_of_psu: IntArray, fraction: FloatArray
) -> tuple[FloatArray, FloatArray]:
    r"""Stratified delete-one-PSU jackknife (JKn) weights and their rscales.

    The weights times :func:`jackknife_factors` of each row's PSU (Wolter
    2007, eq. 4.5.3; ``survey::jknweights``).
    """
    factors, rscales = jackknife_factors(stratum_of_psu, fraction)
    reps: FloatArray = weights[:, None] * factors[psu]
    return reps, rscales


def bootstrap_factors(
    stratum_of_psu: IntArray, n_resamples: int, rng: np.random.Generator
) -> FloatArray:
    """Rao & Wu (1988) bootstrap factors, (PSUs, replicates).

    Each stratum draws :math:`n_h - 1` of its PSUs with replacement; a PSU
    drawn :math:`m` times gets the factor :math:`m n_h / (n_h - 1)`.
    """
    n_psu = stratum_of_psu.size
    factors = np.zeros((n_psu, n_resamples))
    for h in range(int(stratum_of_psu.max()) + 1):
        members = np.flatnonzero(stratum_of_psu == h)
        n_h = members.size
        draws = rng.integers(0, n_h, size=(n_h - 1, n_resamples))
        counts = np.zeros((n_h, n_resamples))
        np.add.at(counts, (draws, np.arange(n_resamples)[None, :]), 1.0)
        factors[members] = counts * n_h / (n_h - 1)
    return factors


def design_factors(
    spec: Design,
    stratum_of_psu: IntArray,
    fraction: FloatArray,
    *,
    method: str,
    n_resamples: int,
    rng: object,
    where: str,
    fpc_hint: str,
) -> tuple[FloatArray, float, FloatArray]:
    """PSU factors (PSUs, R), scale and rscales of JKn or the Rao-Wu bootstrap.

    The bootstrap takes no finite-population correction (an ``fpc`` is
    refused, ``fpc_hint`` says what to use instead).
    """
    if method == "JKn":
        factors, rscales = jackknife_factors(stratum_of_psu, fraction)
        return factors, 1.0, rscales
    if spec.fpc:
        msg = (
            f"The bootstrap of {where} does not apply a finite-population "
            f"correction; use {fpc_hint} with an fpc."
        )
        raise InputError(msg)
    count = check_count(n_resamples, where, "n_resamples", 2)
    factors = bootstrap_factors(stratum_of_psu, count, check_rng(rng, where))
    return factors, 1.0 / (count - 1), np.ones(count)


def replicated_table(  # noqa: PLR0917 - private, two callers
    base: Estimates,
    values: FloatArray,
    scale: float,
    rscales: FloatArray,
    df: float | FloatArray,
    level: float,
    *,
    mse: bool,
) -> tuple[Estimates, FloatArray]:
    """Return the table with replication SEs and t intervals, and deff."""
    var = replicate_variance(base.estimate, values, scale, rscales, mse=mse)
    own = base.standard_error
    with np.errstate(invalid="ignore", divide="ignore"):
        deff = np.where(np.isfinite(own) & (own > 0), var / own**2, math.nan)
    table_out = estimates(
        name=list(base.name),
        estimate=base.estimate,
        kind=list(base.kind),
        confidence_level=level,
        standard_error=np.sqrt(var),
        n=base.n,
        df=np.broadcast_to(np.asarray(df, dtype=np.float64), (len(base),)),
        interval="t",
        segment=list(base.segment),
        design_effect=deff,
        backend=base._backend,
    )
    return table_out, deff


def _keywords(func: object, where: str) -> set[str]:
    """Return the keyword parameters ``func`` accepts (all, with ``**kwargs``)."""
    if not callable(func):
        msg = (
            f"The 'func' parameter of {where} must be a satmodels function. "
            f"Got {type(func).__name__} instead."
        )
        raise InputError(msg)
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):  # builtins without a signature
        return {"weights", "confidence_level"}
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return {"weights", "confidence_level"}
    return {p.name for p in params}


def _own_table(result: Any) -> Estimates:  # noqa: ANN401 - any result
    out: Estimates = result.estimates
    return out


def _with_segment_rows(result: Any) -> Estimates:  # noqa: ANN401 - any result
    """Return the result's table, then the segment rows it does not carry."""
    own: Estimates = result.estimates
    parts = getattr(result, "segments", None)
    if not isinstance(parts, dict):
        return own
    extra = [
        dataclasses.replace(sub.estimates, segment=(str(label),) * len(sub.estimates))
        for label, sub in parts.items()
        if str(label) not in own.segment
    ]
    return concat([own, *extra]) if extra else own


def _row_keys(est: Estimates) -> list[tuple[str, str, str | None]]:
    return list(zip(est.kind, est.name, est.segment, strict=True))


def replicate(
    func: Callable[..., Any],
    data: object,
    *,
    design: object,
    method: Literal["JKn", "bootstrap"] = "JKn",
    n_resamples: int = 200,
    rng: object = None,
    confidence_level: float = 0.95,
    **options: Any,  # noqa: ANN401 - the function's own options
) -> ReplicatedResult:
    r"""Refit ``func`` per replicate weight vector: design-based standard errors.

    ``func(data, weights=..., confidence_level=..., **options)`` is called
    once with the design's weights and once per replicate; the variance of
    each row of its estimates table is
    ``scale * sum_r rscales[r] * (theta_r - mean(theta))^2`` (Wolter 2007).

    Parameters
    ----------
    func : callable
        A satmodels function taking ``weights=`` (e.g. ``satmodels.csi.nps``,
        ``satmodels.acsi.fit``, ``satmodels.kano.analyze``).
    data : mapping of columns or DataFrame
        The respondents with the design's columns (rows in memory).
    design : Design or ReplicateDesign
        A stratified cluster design (replicates built here, ``method``) or
        replicate-weight columns.
    method : {"JKn", "bootstrap"}, default "JKn"
        For a ``Design``: the stratified delete-one-PSU jackknife (one
        replicate per PSU; with the fpc), or the Rao-Wu bootstrap of PSUs
        (``n_resamples`` replicates; no fpc).
    n_resamples : int, default 200
        Bootstrap replicates.
    rng : None, int, SeedSequence or Generator
        Randomness of the bootstrap.
    confidence_level : float, default 0.95
    **options
        The function's own keyword arguments (its columns, scale, ...).

    Returns
    -------
    ReplicatedResult

    Raises
    ------
    InputError
        A bad design, or ``weights`` among ``options`` (the design carries
        them).
    EstimationError
        When a replicate fit fails or gives a different table (a replicate
        is never silently dropped).

    Notes
    -----
    With ``func`` a weighted mean, JKn reproduces ``survey::svymean`` on
    ``as.svrepdesign(type = "JKn")`` (tests/golden/design_survey.R).

    Examples
    --------
    >>> import numpy as np
    >>> import satmodels
    >>> from satmodels.design import Design
    >>> rng = np.random.default_rng(0)
    >>> survey = {
    ...     "region": np.repeat([1.0, 2.0], 60),
    ...     "branch": np.repeat(np.arange(8.0), 15),
    ...     "recommend": rng.integers(0, 11, 120).astype(float),
    ... }
    >>> res = satmodels.design.replicate(
    ...     satmodels.csi.nps,
    ...     survey,
    ...     design=Design(strata="region", clusters="branch"),
    ...     items="recommend",
    ... )
    >>> res.variance_method, res.n_replicates, res.df
    ('JKn', 8, 6.0)
    """
    where = "design.replicate"
    level = check_confidence_level(confidence_level, where)
    if "weights" in options:
        msg = (
            f"{where} takes the weights from the 'design' parameter; remove "
            "'weights' from the function's options."
        )
        raise InputError(msg)
    return run_replicate(
        func,
        data,
        design=design,
        method=method,
        n_resamples=n_resamples,
        rng=rng,
        level=level,
        options=options,
        where=where,
    )


def need_rows(prep: Prepared, where: str) -> None:
    """Refuse a lazy frame: the estimate is refitted on the rows."""
    if prep.table.kind == "lazy":
        msg = (
            f"The 'design' parameter of {where} needs the rows in memory: the "
            "estimate is refitted with the design's weights. Collect the lazy "
            "frame first (design.mean, total and ratio run on the engine)."
        )
        raise InputError(msg)


def run_replicate(
    func: Callable[..., Any],
    data: object,
    *,
    design: object,
    method: str,
    n_resamples: int,
    rng: object,
    level: float,
    options: dict[str, Any],
    where: str,
    segment_rows: bool = False,
) -> ReplicatedResult:
    """:func:`replicate` after its checks; ``where`` names the caller.

    With ``segment_rows``, the rows of each segment's sub-result that its
    overall table does not carry (a PLS fit) are replicated too, labelled
    with their segment (domain estimates, each replicate's segments).
    """
    table_of = _with_segment_rows if segment_rows else _own_table
    takes = _keywords(func, where)
    if "weights" not in takes:
        msg = (
            f"The 'func' parameter of {where} must take case weights "
            f"('weights='); {getattr(func, '__name__', func)!r} does not."
        )
        raise InputError(msg)
    level_kw = {"confidence_level": level} if "confidence_level" in takes else {}
    if method not in {"JKn", "bootstrap"}:
        msg = (
            f"The 'method' parameter of {where} must be 'JKn' or 'bootstrap'. "
            f"Got {method!r} instead."
        )
        raise InputError(msg)
    prep = prepare(
        data, where=where, columns=options.get("columns"), roles={}, design=design
    )
    need_rows(prep, where)
    data, seen = without_design_columns(data, options.get("columns"), prep.reserved)
    if seen is not None and "columns" in takes:
        options = {**options, "columns": seen}
    spec = prep.design
    if isinstance(spec, ReplicateDesign):
        assert prep.replicates is not None  # noqa: S101
        reps = prep.replicates
        scale, rscales_t = spec.factors()
        rscales = np.asarray(rscales_t)
        mse = spec.mse
        df = float(np.linalg.matrix_rank(reps, tol=1e-5) - 1)
        name: str = spec.method
    else:
        assert isinstance(spec, Design)  # noqa: S101
        assert prep.psu is not None  # noqa: S101
        assert prep.stratum_of_psu is not None  # noqa: S101
        assert prep.fraction is not None  # noqa: S101
        df = float(prep.stratum_of_psu.size - prep.fraction.size)
        mse, name = False, method
        factors, scale, rscales = design_factors(
            spec,
            prep.stratum_of_psu,
            prep.fraction,
            method=method,
            n_resamples=n_resamples,
            rng=rng,
            where=where,
            fpc_hint="method='JKn'",
        )
        reps = prep.weights[:, None] * factors[prep.psu]
    full = func(data, weights=prep.weights, **level_kw, **options)
    base = table_of(full)
    keys = _row_keys(base)
    values = np.empty((reps.shape[1], len(base)))
    with warnings.catch_warnings():
        # the replicates repeat the full fit's warnings, once per replicate
        warnings.simplefilter("ignore", SatmodelsWarning)
        for r in range(reps.shape[1]):
            try:
                got = func(data, weights=reps[:, r], **level_kw, **options)
            except SatmodelsError as exc:
                msg = f"Replicate {r + 1} of {where} could not be fitted: {exc}"
                raise EstimationError(msg) from exc
            got_table = table_of(got)
            if _row_keys(got_table) != keys:
                msg = (
                    f"Replicate {r + 1} of {where} gave a different estimates "
                    "table than the full sample (a segment or row went missing)."
                )
                raise EstimationError(msg)
            values[r] = got_table.estimate
    table_out, deff = replicated_table(base, values, scale, rscales, df, level, mse=mse)
    return ReplicatedResult(
        result=full,
        estimates=table_out,
        design_effect=deff,
        df=df,
        variance_method=name,
        n_replicates=int(reps.shape[1]),
        confidence_level=level,
        _backend=base._backend,
    )
