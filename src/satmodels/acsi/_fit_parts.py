r"""What the fit measures need from a PLS or PLSc fit, and the exact fit test.

:func:`parts_of` takes what a fitted result holds (the indicator
correlation matrix, the estimates) and a batched refit of the same model
(same scheme and modes) for the bootstrap and the saturated structural
model. :func:`exact_test` is the bootstrap test of exact overall fit
(Beran & Srivastava 1985; Bollen & Stine 1992; Dijkstra & Henseler 2015):
the data are transformed to have the model-implied correlation matrix,

.. math:: X^\ast = X S^{-1/2}\hat\Sigma^{1/2},

resampled and refitted; the reference distribution of each distance is
that of the refits. Because :math:`X^\ast` is a linear map of the
(standardized) data, the covariance matrix of any bootstrap replicate of
:math:`X^\ast` is :math:`T' C_b T` with :math:`T = S^{-1/2}\hat\Sigma^{1/2}`
and :math:`C_b` the replicate's covariance matrix of the standardized
original data: the replicates' moments are drawn from the survey once
(:meth:`satmodels.data.Table.bootstrap`, in memory or Poisson weights on a
lazy engine) and transformed, never the rows.

References
----------
.. [1] Beran, R., & Srivastava, M. S. (1985). Bootstrap tests and
   confidence regions for functions of a covariance matrix. The Annals of
   Statistics, 13(1), 95-115.
.. [2] Bollen, K. A., & Stine, R. A. (1992). Bootstrapping goodness-of-fit
   measures in structural equation models. Sociological Methods &
   Research, 21(2), 205-229.
.. [3] Davison, A. C., & Hinkley, D. V. (1997). Bootstrap methods and their
   application. Cambridge University Press.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._typing import BoolArray, FloatArray
from ..data import Table
from ..exceptions import EstimationError
from ._fit_kernel import distances, implied, sqrtm_psd
from ._pls_kernel import Layout, layout, pls_outputs, pls_weights
from ._plsc_kernel import plsc_batch
from .plsc import PLScResult
from .result import PLSResult
from .spec import ModelSpec, Path

__all__ = [
    "Estimates4",
    "Parts",
    "Reference",
    "exact_test",
    "implied_of",
    "parts_of",
    "saturated_r2",
]

#: Stop criterion and iteration limit of the refits (bootstrap replicates,
#: saturated structural model): tighter than the fit's default, so a refit
#: is never the looser of two numbers compared.
REFIT_TOL = 1e-10
REFIT_MAX_ITER = 1000


@dataclass(frozen=True, slots=True)
class Estimates4:
    """Loadings, construct correlations, paths and R² of a batch, and flags."""

    loadings: FloatArray  # (B, p)
    construct: FloatArray  # (B, J, J)
    paths: FloatArray  # (B, J, J) [source, target]
    r2: FloatArray  # (B, J)
    ok: BoolArray  # (B,) converged and finite
    admissible: BoolArray  # (B,)


Refit = Callable[[FloatArray, Layout], Estimates4]


@dataclass(frozen=True, slots=True)
class Parts:
    """The fitted model's matrices and a refit of its kind."""

    method: str  # "pls" or "plsc"
    spec: ModelSpec
    lay: Layout
    corr: FloatArray  # (p, p) the indicators' correlation matrix
    s_fit: FloatArray  # (p, p) the matrix PLS ran on (correlation or covariance)
    scaled: bool
    composite: BoolArray  # (J,)
    fitted: Estimates4  # the result's own estimates (B = 1)
    refit: Refit
    n: int
    missing: str


def _pls_refit(scheme: str) -> Refit:
    """PLS on a batch of the matrices PLS runs on (correlation or covariance)."""

    def refit(s: FloatArray, lay: Layout) -> Estimates4:
        fit = pls_weights(s, lay, scheme=scheme, tol=REFIT_TOL, max_iter=REFIT_MAX_ITER)
        out = pls_outputs(s, fit.weights, lay)
        finite = np.all(np.isfinite(fit.weights), axis=(1, 2))
        return Estimates4(
            loadings=out["loadings"],
            construct=out["latent_correlation"],
            paths=out["paths"],
            r2=out["r_squared"],
            ok=fit.converged & finite,
            admissible=np.ones(s.shape[0], dtype=bool),
        )

    return refit


def _plsc_refit(scheme: str) -> Refit:
    """PLSc on a batch of correlation matrices."""

    def refit(s: FloatArray, lay: Layout) -> Estimates4:
        r = plsc_batch(s, lay, scheme=scheme, tol=REFIT_TOL, max_iter=REFIT_MAX_ITER)
        return Estimates4(
            loadings=r.loadings,
            construct=r.correlation,
            paths=r.paths,
            r2=r.r_squared,
            ok=np.asarray(r.checks[:, 0]),
            admissible=np.asarray(r.admissible),
        )

    return refit


def parts_of(result: PLSResult | PLScResult) -> Parts:
    """Collect the matrices of a PLS or PLSc fit (no data needed)."""
    lay = layout(result.spec)
    one = np.ones(1, dtype=bool)
    if isinstance(result, PLSResult):
        inputs = result._derived._in
        return Parts(
            method="pls",
            spec=result.spec,
            lay=lay,
            corr=inputs.corr,
            s_fit=inputs.s,
            scaled=result.scaled,
            composite=np.ones(lay.j, dtype=bool),
            fitted=Estimates4(
                loadings=result.loadings[None],
                construct=result.latent_correlation[None],
                paths=result.path_coefficients[None],
                r2=result.r_squared[None],
                ok=one,
                admissible=one,
            ),
            refit=_pls_refit(result.scheme),
            n=result.n,
            missing=result.missing_report.missing,
        )
    corr = result._corr
    if corr is None:  # pragma: no cover - every PLScResult built by consistent()
        msg = "the PLSc result does not hold its indicator correlation matrix"
        raise EstimationError(msg)
    composite = np.array(
        [lay.mode_b[k] or lay.members[k].size < 2 for k in range(lay.j)]
    )
    return Parts(
        method="plsc",
        spec=result.spec,
        lay=lay,
        corr=corr,
        s_fit=corr,
        scaled=True,
        composite=composite,
        fitted=Estimates4(
            loadings=result.loadings[None],
            construct=result.construct_correlation[None],
            paths=result.path_coefficients[None],
            r2=result.r_squared[None],
            ok=one,
            admissible=np.array([result.admissible]),
        ),
        refit=_plsc_refit(result.scheme),
        n=result.n,
        missing=result.missing_report.missing,
    )


def implied_of(
    parts: Parts, s: FloatArray, est: Estimates4, *, saturated: bool
) -> FloatArray:
    """Model-implied indicator correlations of a batch of estimates."""
    return implied(
        s,
        loadings=est.loadings,
        construct=est.construct,
        paths=est.paths,
        r2=est.r2,
        lay=parts.lay,
        composite=parts.composite,
        saturated=saturated,
    )


def saturated_r2(parts: Parts) -> FloatArray:
    """R² of each construct in the saturated structural model, (J,).

    Every construct is regressed on every construct before it in the
    fit's (topological) order (cSEM: the lower triangle of the structural
    matrix set to 1), the model refitted by the same method on the same
    matrix.
    """
    lv = parts.lay.latents
    spec = ModelSpec(
        blocks=tuple(parts.spec.block(name) for name in lv),
        paths=tuple(
            Path(source=lv[i], target=lv[j]) for j in range(len(lv)) for i in range(j)
        ),
    )
    lay_sat = layout(spec)
    est = parts.refit(parts.s_fit[None], lay_sat)
    pos = {name: k for k, name in enumerate(lay_sat.latents)}
    return np.array([est.r2[0, pos[name]] for name in lv])


@dataclass(frozen=True, slots=True)
class Reference:
    """Reference distribution of the distances under exact fit."""

    replicates: FloatArray  # (B_used, 3)
    n_failed: int
    n_inadmissible: int


def _cov2cor(c: FloatArray) -> FloatArray:
    d = np.sqrt(np.diagonal(c, axis1=-2, axis2=-1))
    return np.asarray(c / d[..., :, None] / d[..., None, :])


def exact_test(
    parts: Parts,
    table: Table | None,
    *,
    sd: FloatArray,
    sigma: FloatArray,
    saturated: bool,
    n_resamples: int,
    rng: np.random.Generator,
    cov_b: FloatArray | None = None,
) -> tuple[Reference, FloatArray]:
    """Bollen-Stine bootstrap of the three distances for one implied matrix.

    ``sigma`` is the fit's model-implied correlation matrix, ``sd`` the
    indicators' standard deviations in the sample, ``cov_b`` (optional)
    the replicate covariance matrices already drawn (shared by the tests
    of the estimated and the saturated model). Returns the test and the
    replicate covariances.

    Raises
    ------
    EstimationError
        ``sigma`` is not positive semi-definite or ``S`` is singular (no
        transformation exists).
    """
    if cov_b is None:
        if table is None:  # pragma: no cover - callers pass one of the two
            msg = "exact_test needs the survey table or the replicate covariances"
            raise ValueError(msg)
        reps = table.bootstrap(
            parts.lay.indicators,
            n_resamples=n_resamples,
            rng=rng,
            missing="listwise",
        )
        cov_b = np.asarray(reps.covariance(), dtype=np.float64)
    smallest = float(np.linalg.eigvalsh(sigma)[0])
    if smallest < -1e-8:
        which = "saturated" if saturated else "estimated"
        msg = (
            f"acsi.model_fit: the model-implied correlation matrix of the {which} "
            f"model is not positive semi-definite (smallest eigenvalue "
            f"{smallest:.3g}); no data have it, so the exact fit test does not "
            "exist (cSEM refuses inadmissible solutions too)."
        )
        raise EstimationError(msg)
    if parts.scaled:
        c_fit = cov_b / sd[:, None] / sd[None, :]
        sig_fit = sigma
    else:
        c_fit = cov_b
        sig_fit = sd[:, None] * sigma * sd[None, :]
    inv_half = sqrtm_psd(parts.s_fit, inverse=True)
    if not np.all(np.isfinite(inv_half)):
        msg = (
            "acsi.model_fit: the indicators' correlation matrix is singular; the "
            "exact fit test cannot transform the data to the implied matrix."
        )
        raise EstimationError(msg)
    t = inv_half @ sqrtm_psd(sig_fit)
    s_b = np.swapaxes(t, 0, 1)[None] @ c_fit @ t[None]
    s_b = 0.5 * (s_b + np.swapaxes(s_b, 1, 2))
    corr_b = _cov2cor(s_b)
    run = corr_b if parts.scaled else s_b
    est = parts.refit(run, parts.lay)
    sig_b = implied_of(parts, corr_b, est, saturated=saturated)
    values = distances(corr_b, sig_b)
    ok = est.ok & np.all(np.isfinite(values[:, :2]), axis=1)
    keep = ok & est.admissible
    return (
        Reference(
            replicates=values[keep],
            n_failed=int((~ok).sum()),
            n_inadmissible=int((ok & ~est.admissible).sum()),
        ),
        cov_b,
    )
