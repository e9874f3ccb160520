r"""Indicator correlations of a sample and of its bootstrap replicates.

Shared by the consistent PLS fit (:mod:`.plsc`), the HTMT ratios
(:mod:`.discriminant`) and the specific indirect effects (:mod:`.mediation`): every
statistic there is a function of the indicators' correlation matrix, so it
is computed from :class:`~satmodels.stats.moments.Moments` (in memory, or
aggregated on Dask, Spark, DuckDB or polars lazy) and, for the bootstrap,
from the stack of replicate correlation matrices drawn in one step
(:meth:`satmodels.data.Table.bootstrap`: multinomial counts in memory,
Poisson(1) weights on a lazy engine). The BCa acceleration comes from the
grouped jackknife of :func:`._pls_boot.jackknife` (Efron & Tibshirani 1993,
section 11.5); intervals from :func:`satmodels.stats.intervals.summarize`.

References
----------
.. [1] Efron, B., & Tibshirani, R. J. (1993). An introduction to the
   bootstrap. Chapman & Hall.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .._typing import BoolArray, FloatArray
from .._validation import check_confidence_level, check_count, check_rng, validated
from ..data import Table, read
from ..exceptions import EstimationError, InputError
from ..results._estimates import Estimates, estimates
from ..stats.intervals import Intervals, summarize
from ..stats.moments import MissingReport
from ._common import MIN_ROWS_BOOTSTRAP, MIN_ROWS_FIT, as_spec
from ._pls_boot import jackknife
from ._pls_kernel import Layout, layout
from ._pls_options import PLSOptions
from .spec import ModelSpec

__all__ = [
    "Boot",
    "Columns",
    "Interval",
    "Sample",
    "boot",
    "check_interval",
    "columns_of",
    "read_sample",
    "segment_samples",
    "table_of",
]

#: A batch statistic: correlation matrices (B, p, p) -> values (B, K), ok (B,).
Statistic = Callable[[FloatArray], tuple[FloatArray, BoolArray]]


@dataclass(frozen=True, slots=True)
class Sample:
    """The model, its layout and the indicators' correlation matrix."""

    spec: ModelSpec
    lay: Layout
    table: Table
    corr: FloatArray  # (p, p)
    n: int
    opts: PLSOptions
    rng: np.random.Generator
    missing_report: MissingReport

    @property
    def backend(self) -> str | None:
        """Default ``to_frame`` backend (the input's library)."""
        return self.table.backend


def read_sample(
    data: object,
    *,
    model: object,
    where: str,
    columns: Sequence[str] | None,
    weights: object,
    missing: str,
    nan_policy: str,
    scheme: str,
    n_resamples: int,
    rng: object,
    confidence_level: float,
    segments: object = None,
) -> Sample:
    """Read the survey once and compute the indicators' correlation matrix.

    Raises
    ------
    InputError
        Bad options, fewer than three respondents, an indicator without
        variance.
    EstimationError
        An undefined pairwise correlation.
    """
    spec = as_spec(model, where)
    level = check_confidence_level(confidence_level, where)
    reps = check_count(n_resamples, where, "n_resamples", 0)
    gen = check_rng(rng, where)
    opts = validated(
        PLSOptions,
        where,
        scheme=scheme,
        n_resamples=reps,
        confidence_level=level,
        missing=missing,
        nan_policy=nan_policy,
        scores=False,
    )
    table = read(
        data,
        where=where,
        columns=columns,
        roles={"model": spec.indicators},
        weights=weights,
        segments=segments,
        accept=("rows", "lazy", "moments"),
    )
    return _sample_of(table, spec, opts, gen, where)


def segment_samples(sample: Sample, where: str) -> dict[str, Sample]:
    """One sample per segment label (sorted; empty without segments).

    On a lazy engine every segment's Moments come from one grouped
    aggregation (:meth:`~satmodels.data.Table.by_segment`); the segments
    share the sample's random generator.
    """
    table, spec, opts = sample.table, sample.spec, sample.opts
    if table.segments is None and table.segment_column is None:
        return {}
    need = (tuple(spec.indicators), opts.missing, opts.nan_policy)
    parts = table.by_segment([need])
    return {
        label: _sample_of(part, spec, opts, sample.rng, where)
        for label, part in parts.items()
    }


def _sample_of(
    table: Table,
    spec: ModelSpec,
    opts: PLSOptions,
    gen: np.random.Generator,
    where: str,
) -> Sample:
    """Take the indicators' Moments and correlation matrix of one table."""
    m = table.moments(spec.indicators, missing=opts.missing, nan_policy=opts.nan_policy)
    n = int(m.count.min()) if m.missing == "pairwise" else m.n
    if n < MIN_ROWS_FIT:
        msg = (
            f"The 'data' parameter of {where} has {n} usable respondent(s); at "
            f"least {MIN_ROWS_FIT} are needed."
        )
        raise InputError(msg)
    sd = m.std()
    bad = ~(np.isfinite(sd) & (sd > 0))
    if np.any(bad):
        col = m.columns[int(np.flatnonzero(bad)[0])]
        msg = (
            f"The indicator {col!r} of {where} has zero (or undefined) variance; "
            "every indicator must vary."
        )
        raise InputError(msg)
    corr = np.asarray(m.correlation(), dtype=np.float64)
    if not np.all(np.isfinite(corr)):
        i, j = (int(v) for v in np.argwhere(~np.isfinite(corr))[0])
        msg = (
            f"The correlation of indicators {m.columns[i]!r} and {m.columns[j]!r} "
            f"in {where} is undefined (no row observes both)."
        )
        raise EstimationError(msg)
    return Sample(
        spec=spec,
        lay=layout(spec),
        table=table,
        corr=corr,
        n=n,
        opts=opts,
        rng=gen,
        missing_report=m.missing_report,
    )


def _summarize(
    reps: FloatArray, estimate: FloatArray, jack: FloatArray | None, level: float
) -> Intervals:
    """:func:`summarize`, column by column where some replicates are NaN.

    A statistic undefined in some replicates (HTMT2 of signed correlations
    near 0) is summarized over the replicates where it is defined; one
    undefined in fewer than two replicates is NaN.
    """
    iv = summarize(reps, estimate, jack, level)
    ragged = np.flatnonzero(~np.all(np.isfinite(reps), axis=0))
    if ragged.size == 0:
        return iv
    arrays = {f: getattr(iv, f).copy() for f in Intervals.__dataclass_fields__}
    for k in ragged:
        col = reps[:, k][np.isfinite(reps[:, k])]
        if col.size < 2 or not np.isfinite(estimate[k]):
            for a in arrays.values():
                a[k] = np.nan
            continue
        jk = None
        if jack is not None:
            jcol = jack[:, k][np.isfinite(jack[:, k])]
            jk = jcol[:, None] if jcol.size >= 3 else None
        one = summarize(col[:, None], estimate[k : k + 1], jk, level)
        for f, a in arrays.items():
            a[k] = getattr(one, f)[0]
    return Intervals(**arrays)


@dataclass(frozen=True, slots=True)
class Boot:
    """Bootstrap summaries of K statistics, and the replicates behind them."""

    n_resamples: int
    n_failed: int
    n_inadmissible: int
    method: Literal["multinomial", "poisson"]
    jackknife_groups: int
    intervals: Intervals
    replicates: FloatArray  # (B_kept, K)
    jackknife: FloatArray | None  # (G, K) leave-group-out values


def boot(
    sample: Sample,
    statistic: Statistic,
    estimate: FloatArray,
    *,
    where: str,
    admissible: Callable[[FloatArray], BoolArray] | None = None,
    drop_inadmissible: bool = True,
) -> Boot:
    """Bootstrap ``statistic`` on replicate correlation matrices.

    Replicates whose statistic failed (``ok`` False: not converged, not
    finite) are excluded and counted in ``n_failed``; replicates that
    ``admissible`` rejects are counted in ``n_inadmissible`` and excluded
    when ``drop_inadmissible`` (cSEM's ``.handle_inadmissibles = "drop"``).

    Raises
    ------
    InputError
        Moments (no rows to resample) or fewer than ten respondents.
    EstimationError
        Fewer than two usable replicates.
    """
    table, opts = sample.table, sample.opts
    if table.kind == "moments":
        msg = (
            f"The 'n_resamples' parameter of {where} needs the respondent rows "
            "(an array or a dataframe, or a lazy frame), not Moments: "
            "replicates resample rows."
        )
        raise InputError(msg)
    if sample.n < MIN_ROWS_BOOTSTRAP:
        msg = (
            f"The 'n_resamples' parameter of {where} needs at least "
            f"{MIN_ROWS_BOOTSTRAP} respondents to bootstrap; the data have "
            f"{sample.n}."
        )
        raise InputError(msg)
    inds = sample.spec.indicators
    method: Literal["multinomial", "poisson"] = (
        "poisson" if table.kind == "lazy" else "multinomial"
    )
    reps = table.bootstrap(
        inds, n_resamples=opts.n_resamples, rng=sample.rng, missing=opts.missing
    )
    values, ok = statistic(np.asarray(reps.correlation(), dtype=np.float64))
    adm = np.ones_like(ok) if admissible is None else admissible(values)
    n_inadm = int((ok & ~adm).sum())
    keep = ok & adm if drop_inadmissible else ok
    good = values[keep]
    if good.shape[0] < 2:
        msg = (
            f"Only {good.shape[0]} of {opts.n_resamples} bootstrap replicates of "
            f"{where} were usable ({int((~ok).sum())} failed, {n_inadm} "
            "inadmissible); no interval can be formed."
        )
        raise EstimationError(msg)
    jack = None
    if table.kind != "lazy":
        parts = jackknife(table, inds, opts, sample.rng)
        if parts:
            js = np.stack([np.asarray(mo.correlation()) for mo in parts])
            jv, jok = statistic(js)
            jack = jv[jok] if jok.sum() >= 3 else None
    iv = _summarize(good, estimate, jack, opts.confidence_level)
    fixed = iv.se <= 1e-10 * np.maximum(np.abs(estimate), 1.0)
    iv = Intervals(
        se=iv.se,
        t=np.where(fixed, np.nan, iv.t),
        p_value=np.where(fixed, np.nan, iv.p_value),
        percentile_low=iv.percentile_low,
        percentile_high=iv.percentile_high,
        bca_low=iv.bca_low,
        bca_high=iv.bca_high,
    )
    return Boot(
        n_resamples=opts.n_resamples,
        n_failed=int((~ok).sum()),
        n_inadmissible=n_inadm,
        method=method,
        jackknife_groups=0 if jack is None else int(jack.shape[0]),
        intervals=iv,
        replicates=good,
        jackknife=jack,
    )


Interval = Literal["bca", "percentile", "normal"]


@dataclass(frozen=True, slots=True)
class Columns:
    """Standard error, statistic, p-value and interval columns of a table."""

    se: FloatArray
    t: FloatArray
    p: FloatArray
    low: FloatArray
    high: FloatArray
    method: list[str]


def columns_of(result: Boot | None, size: int, interval: Interval) -> Columns:
    """Columns of the first ``size`` statistics; NaN and "none" without a bootstrap.

    ``interval`` picks the stored bounds: BCa, percentile, or the normal
    interval ``estimate -/+ z se`` (filled by :func:`estimates`).
    """
    nan = np.full(size, np.nan)
    if result is None:
        return Columns(nan, nan, nan, nan, nan.copy(), ["none"] * size)
    iv = result.intervals
    if interval == "bca":
        low, high = iv.bca_low[:size], iv.bca_high[:size]
    elif interval == "percentile":
        low, high = iv.percentile_low[:size], iv.percentile_high[:size]
    else:
        low, high = nan, nan.copy()
    if interval == "normal":
        t, p = nan, nan.copy()  # recomputed by estimates() from the SE
    else:
        t, p = iv.t[:size], iv.p_value[:size]
    return Columns(iv.se[:size], t, p, low, high, [interval] * size)


def check_interval(value: object, where: str) -> Interval:
    """Read the ``interval`` option."""
    if value not in ("bca", "percentile", "normal"):
        msg = (
            f"The 'interval' parameter of {where} must be 'bca', 'percentile' or "
            f"'normal'. Got {value!r} instead."
        )
        raise InputError(msg)
    return value


def table_of(
    *,
    names: Sequence[str],
    kinds: Sequence[str],
    estimate: FloatArray,
    cols: Columns,
    level: float,
    n: int,
    backend: str | None,
) -> Estimates:
    """Build the estimates table from the bootstrap columns."""
    normal = cols.method and cols.method[0] == "normal"
    return estimates(
        name=names,
        estimate=estimate,
        kind=list(kinds),
        confidence_level=level,
        standard_error=cols.se,
        statistic=None if normal else cols.t,
        pvalue=None if normal else cols.p,
        ci_low=None if normal else cols.low,
        ci_high=None if normal else cols.high,
        n=float(n),
        interval=cols.method,
        backend=backend,
    )
