r"""Bootstrap of an ML fit: replicate covariances, one compiled model, warm starts.

The naive nonparametric bootstrap of an ML SEM (Bollen & Stine 1992;
Efron & Tibshirani 1993, ch. 6) refits the model on the covariance matrix of
each replicate. The replicate Moments come in one batch
(:meth:`~satmodels.data.Table.bootstrap`: all replicate weights at once in
memory, Poisson weights in one pass on an engine) and the replicates are
fitted together by :func:`~satmodels.acsi._ml_boot.fit_replicates`, each
starting from the full-sample estimate. Each replicate's parameters go
through the same matrices as the full fit, so its R² and 0-100 indices are
the replicate's own.

Intervals are BCa intervals (Efron & Tibshirani 1993, eqs. 14.9-14.15)
when the rows are in memory: the acceleration comes from a grouped
jackknife (at most 200 leave-one-group-out fits, the same groups as the PLS
bootstrap's; sec. 11.5), fitted as one more batch; on a lazy frame (no
rows to leave out) they are percentile intervals. The completely
standardized loadings and paths (lavaan's ``std.all``; Bollen 1989, p. 349)
are bootstrapped beside the unstandardized ones. A replicate whose
optimiser did not converge is left out and counted (``n_failed``), with a
warning.

References
----------
.. [1] Bollen, K. A., & Stine, R. A. (1992). Bootstrapping goodness-of-fit
   measures in structural equation models. Sociological Methods &
   Research, 21(2), 205-229.
.. [2] Bollen, K. A. (1989). Structural equations with latent variables.
   Wiley.
.. [3] Efron, B., & Tibshirani, R. J. (1993). An introduction to the
   bootstrap. Chapman & Hall.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._typing import FloatArray
from ..exceptions import SatmodelsWarning
from ..results._base import ResultMixin
from ..results._estimates import Estimates, estimates
from ..results._summary import Summary, table
from ..scales import Scale
from ..stats.intervals import bca_interval
from ._ml_boot import fit_replicates
from ._ml_stats import Row, _block_weights, _implied, _matrices
from .spec import ModelSpec

__all__ = ["MLBootstrap", "ml_bootstrap"]


@dataclass(frozen=True, slots=True, kw_only=True)
class MLBootstrap(ResultMixin):
    """Bootstrap standard errors and percentile intervals of an ML fit.

    Attributes
    ----------
    estimates : Estimates
        One row per free parameter (the full fit's ``kind`` and ``name``,
        unstandardized), per completely standardized loading and path
        (kinds ``"std_loading"`` and ``"std_path"``), per R² and per 0-100
        index: the full-sample estimate, the bootstrap standard error and
        the BCa interval at ``confidence_level`` (``interval == "bca"``;
        percentile on a lazy frame, ``interval == "percentile"``).
    percentile_low, percentile_high : ndarray
        The percentile interval of every row.
    jackknife_groups : int
        Leave-one-group-out fits behind the BCa acceleration (0: none, the
        intervals are percentile intervals).
    n_resamples : int
        Replicates drawn.
    n_failed : int
        Replicates whose optimiser did not converge (left out of every row).
        A statistic undefined in a replicate (an index whose block has a
        residual variance at or below 0) is left out of its own row only,
        with a warning naming it.
    replicates : ndarray, shape (n_resamples, rows)
        The replicate values of the rows of ``estimates`` (NaN for a failed
        replicate).
    confidence_level : float
    """

    estimates: Estimates = field(repr=False)
    n_resamples: int
    n_failed: int
    replicates: FloatArray = field(repr=False)
    confidence_level: float
    percentile_low: FloatArray = field(repr=False)
    percentile_high: FloatArray = field(repr=False)
    jackknife_groups: int = 0
    _backend: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return (
            f"MLBootstrap(n_resamples={self.n_resamples}, n_failed={self.n_failed}, "
            f"rows={len(self.estimates)}, confidence_level={self.confidence_level})"
        )

    def to_frame(self, backend: str | None = None) -> Any:  # noqa: ANN401 - a frame
        """Return the bootstrap estimates table."""
        return self.estimates.to_frame(backend or self._backend)  # type: ignore[arg-type]

    def _records(self) -> list[dict[str, object]]:
        return self.estimates._records()

    def summary(self) -> Summary:
        """Bootstrap standard errors and percentile intervals."""
        e = self.estimates
        rows: list[list[object]] = [
            [
                e.kind[i],
                e.name[i],
                e.estimate[i],
                e.standard_error[i],
                e.ci_low[i],
                e.ci_high[i],
            ]
            for i in range(len(e))
        ]
        pct = f"{100 * self.confidence_level:g}%"
        kind = "BCa" if self.jackknife_groups else "percentile"
        return Summary(
            title=f"ML bootstrap ({self.n_resamples} replicates)",
            tables=(
                table(
                    "",
                    ["kind", "name", "estimate", "se", "ci_low", "ci_high"],
                    rows,
                    digits=4,
                ),
            ),
            notes=(
                f"{pct} {kind} intervals; {self.n_failed} replicate(s) did not "
                "converge and are left out.",
            ),
        )


def _values(  # noqa: PLR0917 - private
    spec: ModelSpec,
    base: tuple[Row, ...],
    free: list[int],
    params: FloatArray,
    means: FloatArray,
    scale: Scale | None,
) -> tuple[list[float], list[float], dict[str, float], dict[str, float]]:
    """Free parameters, standardized loadings and paths, R², indices."""
    rows = list(base)
    for k, row_index in enumerate(free):
        r = rows[row_index]
        rows[row_index] = (r[0], r[1], r[2], float(params[k]), *r[4:])
    lam, beta, psi, theta, _ = _matrices(spec, tuple(rows))
    sigma, cov_eta = _implied(lam, beta, psi, theta)
    var_eta = np.diag(cov_eta)
    sd_eta = np.sqrt(np.clip(var_eta, 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        std_lam = lam * sd_eta[None, :] / np.sqrt(np.diag(sigma))[:, None]
        std_beta = beta * sd_eta[None, :] / sd_eta[:, None]
    std = [
        float(std_lam[i, j]) if kind == "std_loading" else float(std_beta[i, j])
        for kind, i, j in _std_cells(spec)
    ]
    r2 = {
        lv: float(1.0 - psi[j, j] / var_eta[j]) if var_eta[j] > 0 else math.nan
        for j, lv in enumerate(spec.latents)
        if lv in set(spec.endogenous)
    }
    indices: dict[str, float] = {}
    if scale is not None:
        scaled = scale.rescale(means)
        weights = _block_weights(spec, lam, theta)
        inds = spec.indicators
        for lv, wts in weights.items():
            indices[lv] = (
                float(sum(w * scaled[inds.index(i)] for i, w in wts.items()))
                if wts
                else math.nan
            )
    return [float(params[k]) for k in range(len(free))], std, r2, indices


def _std_cells(spec: ModelSpec) -> list[tuple[str, int, int]]:
    """(kind, row, column) of each standardized loading and path."""
    lat, inds = spec.latents, spec.indicators
    cells = [
        ("std_loading", inds.index(i), lat.index(b.latent))
        for b in spec.blocks
        for i in b.indicators
    ]
    cells += [
        ("std_path", lat.index(p.target), lat.index(p.source)) for p in spec.paths
    ]
    return cells


def _std_names(spec: ModelSpec) -> list[tuple[str, str]]:
    names = [("std_loading", i) for b in spec.blocks for i in b.indicators]
    return names + [("std_path", f"{p.source} -> {p.target}") for p in spec.paths]


def _replicate_values(  # noqa: PLR0917 - private
    spec: ModelSpec,
    base: tuple[Row, ...],
    free: list[int],
    fitted: Any,  # noqa: ANN401 - MLReplicates
    means: FloatArray,
    scale: Scale | None,
    width: int,
) -> tuple[FloatArray, np.ndarray[Any, np.dtype[np.bool_]]]:
    """Every statistic of every replicate (B, K) and which replicates failed."""
    b = fitted.estimates.shape[0]
    values = np.full((b, width), np.nan)
    failed = ~fitted.converged | ~np.all(np.isfinite(fitted.estimates), axis=1)
    for r in np.flatnonzero(~failed):
        p, std, r2, idx = _values(
            spec, base, free, fitted.estimates[r], means[r], scale
        )
        values[r] = [*p, *std, *r2.values(), *idx.values()]
    return values, failed


def ml_bootstrap(
    *,
    spec: ModelSpec,
    base: tuple[Row, ...],
    parameters: FloatArray | None,
    replicates: Any,  # noqa: ANN401 - a batch of Moments
    jackknife: tuple[FloatArray, FloatArray] | None = None,
    n: int,
    full: Estimates,
    standardized: dict[tuple[str, str], float],
    scale: Scale | None,
    confidence_level: float,
    where: str,
) -> MLBootstrap:
    """Refit every replicate and summarise the rows of the full estimates table."""
    covs = replicates.covariance(ddof=0)
    means = replicates.mean
    fitted = fit_replicates(spec, covs, n, start=parameters)
    label_of = {(r[0], r[1], r[2]): i for i, r in enumerate(base)}
    free = [label_of[label] for label in fitted.labels]
    # names of the free rows, as the full table names them
    kinds = {"=~": "loading", "~": "path"}
    names: list[tuple[str, str]] = []
    for lhs, op, rhs in fitted.labels:
        if op in kinds:
            kind = kinds[op]
            names.append((kind, f"{rhs} -> {lhs}" if op == "~" else rhs))
        elif lhs == rhs and lhs in spec.indicators:
            names.append(("residual_variance", lhs))
        else:
            kind = "variance" if lhs == rhs else "covariance"
            names.append((kind, f"{lhs} ~~ {rhs}"))
    b = covs.shape[0]
    first = _values(spec, base, free, fitted.estimates[0], means[0], scale)
    extra = [("r2", k) for k in first[2]] + [("index", k) for k in first[3]]
    keys = names + _std_names(spec) + extra
    values, failed = _replicate_values(
        spec, base, free, fitted, means, scale, len(keys)
    )
    n_failed = int(failed.sum())
    if n_failed:
        warnings.warn(
            f"{where} (method='ml'): {n_failed} of {b} bootstrap replicates did not "
            "converge; the standard errors and intervals use the others.",
            SatmodelsWarning,
            stacklevel=4,
        )
    usable = values[~failed]
    undefined = (~np.isfinite(usable)).sum(axis=0)
    partly = [
        f"{keys[j][0]} {keys[j][1]!r} ({int(undefined[j])})"
        for j in np.flatnonzero(undefined)
    ]
    if partly:
        warnings.warn(
            f"{where} (method='ml'): some statistics are not defined in some "
            f"bootstrap replicates (a residual variance at or below 0 leaves a "
            f"block without index): {', '.join(partly)}; each interval uses the "
            "replicates where its statistic is defined.",
            SatmodelsWarning,
            stacklevel=4,
        )
    full_value = np.array(
        [
            standardized[(kind, name)]
            if kind.startswith("std_")
            else full.value(name, kind=kind)
            for kind, name in keys
        ]
    )
    jack = None
    if jackknife is not None:
        jcovs, jmeans = jackknife
        jfit = fit_replicates(spec, jcovs, n, start=parameters)
        jvals, jfailed = _replicate_values(
            spec, base, free, jfit, jmeans, scale, len(keys)
        )
        jack = jvals[~jfailed] if (~jfailed).sum() >= 3 else None
    count = np.isfinite(usable).sum(axis=0)
    se = np.full(len(keys), np.nan)
    low, high = np.full(len(keys), np.nan), np.full(len(keys), np.nan)
    p_low, p_high = low.copy(), high.copy()
    alpha = (1.0 - confidence_level) / 2.0
    for j in np.flatnonzero(count >= 2):
        col = usable[np.isfinite(usable[:, j]), j]
        se[j] = col.std(ddof=1)
        p_low[j], p_high[j] = np.percentile(col, [100 * alpha, 100 * (1 - alpha)])
        low[j], high[j] = p_low[j], p_high[j]
        if jack is not None:
            jcol = jack[np.isfinite(jack[:, j]), j]
            if jcol.size >= 3 and np.isfinite(full_value[j]):
                bl, bh = bca_interval(
                    col[:, None], full_value[j : j + 1], jcol[:, None], confidence_level
                )
                low[j], high[j] = float(bl[0]), float(bh[0])
    table_out = estimates(
        name=[k[1] for k in keys],
        estimate=full_value,
        kind=[k[0] for k in keys],
        confidence_level=confidence_level,
        standard_error=se,
        n=float(n),
        interval="percentile" if jack is None else "bca",
        ci_low=low,
        ci_high=high,
        backend=full._backend,
    )
    return MLBootstrap(
        estimates=table_out,
        n_resamples=b,
        n_failed=n_failed,
        replicates=values,
        confidence_level=confidence_level,
        percentile_low=p_low,
        percentile_high=p_high,
        jackknife_groups=0 if jack is None else int(jack.shape[0]),
        _backend=full._backend,
    )
