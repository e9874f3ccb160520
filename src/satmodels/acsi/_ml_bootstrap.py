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

Intervals are percentile intervals; a replicate whose optimiser did not
converge is left out and counted (``n_failed``), with a warning.

References
----------
.. [1] Bollen, K. A., & Stine, R. A. (1992). Bootstrapping goodness-of-fit
   measures in structural equation models. Sociological Methods &
   Research, 21(2), 205-229.
.. [2] Efron, B., & Tibshirani, R. J. (1993). An introduction to the
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
        unstandardized), per R² and per 0-100 index: the full-sample
        estimate, the bootstrap standard error and the percentile interval
        at ``confidence_level``.
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
                f"{pct} percentile intervals; {self.n_failed} replicate(s) did not "
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
) -> tuple[list[float], dict[str, float], dict[str, float]]:
    """Free parameters, R² and indices of one replicate's parameter vector."""
    rows = list(base)
    for k, row_index in enumerate(free):
        r = rows[row_index]
        rows[row_index] = (r[0], r[1], r[2], float(params[k]), *r[4:])
    lam, beta, psi, theta, _ = _matrices(spec, tuple(rows))
    _, cov_eta = _implied(lam, beta, psi, theta)
    var_eta = np.diag(cov_eta)
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
    return [float(params[k]) for k in range(len(free))], r2, indices


def ml_bootstrap(
    *,
    spec: ModelSpec,
    base: tuple[Row, ...],
    parameters: FloatArray | None,
    replicates: Any,  # noqa: ANN401 - a batch of Moments
    n: int,
    full: Estimates,
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
    extra = [("r2", k) for k in first[1]] + [("index", k) for k in first[2]]
    keys = names + extra
    values = np.full((b, len(keys)), np.nan)
    for r in range(b):
        if not fitted.converged[r] or not np.all(np.isfinite(fitted.estimates[r])):
            continue
        p, r2, idx = _values(spec, base, free, fitted.estimates[r], means[r], scale)
        values[r] = [*p, *r2.values(), *idx.values()]
    failed = ~fitted.converged | ~np.all(np.isfinite(fitted.estimates), axis=1)
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
    full_value = np.array([full.value(name, kind=kind) for kind, name in keys])
    count = np.isfinite(usable).sum(axis=0)
    se = np.full(len(keys), np.nan)
    low = np.full(len(keys), np.nan)
    high = np.full(len(keys), np.nan)
    alpha = (1.0 - confidence_level) / 2.0
    for j in np.flatnonzero(count >= 2):
        col = usable[np.isfinite(usable[:, j]), j]
        se[j] = col.std(ddof=1)
        low[j], high[j] = np.percentile(col, [100 * alpha, 100 * (1 - alpha)])
    table_out = estimates(
        name=[k[1] for k in keys],
        estimate=full_value,
        kind=[k[0] for k in keys],
        confidence_level=confidence_level,
        standard_error=se,
        n=float(n),
        interval="percentile",
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
        _backend=full._backend,
    )
