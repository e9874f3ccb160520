r"""ACSI-type SEMs by full-information ML: ``acsi.fit(method="ml", missing="fiml")``.

The model is fitted to every observed answer (Arbuckle 1996; Enders 2010),
not to a covariance matrix: the likelihood of :mod:`._fiml_kernel` sums
over the missing-data patterns, with one free intercept per indicator
(saturated means), as lavaan's ``sem(model, data, missing = "ml")``
(Rosseel 2012). The pattern statistics come from one pass over the rows or
one grouped aggregation on a lazy engine
(:mod:`satmodels.engines.patterns`), so FIML, like the complete-data fit,
costs nothing that grows with n once they are computed.

What is reported, following lavaan 0.6 under ``missing = "ml"``:

* standard errors from the **observed** information (lavaan's default
  there: ``information = "observed"``, ``observed.information =
  "hessian"``), :math:`\sqrt{\operatorname{diag}((\tfrac12 H)^{-1})}`
  with :math:`H` the Hessian of :math:`-2\log L`;
* :math:`\chi^2 = 2(\log L_1 - \log L_0)` against the saturated model
  :math:`H_1` (unrestricted means and covariance) estimated by EM
  (:mod:`satmodels.stats._em`), :math:`df = p(p+1)/2 - q`;
* the baseline (independence) model with free means and variances, whose
  FIML estimates are each column's observed mean and variance (the
  likelihood factorises over the columns): :math:`\chi^2_0 = 2(\log L_1 -
  \log L_B)`, :math:`df_0 = p(p-1)/2`; CFI, TLI and RMSEA from these with
  :math:`N` the rows used (Bentler 1990; Tucker & Lewis 1973; Steiger 1990);
* SRMR from the residuals of the covariances *and means* against the
  :math:`H_1` estimates, each standardized by the :math:`H_1` standard
  deviations (lavaan's ``srmr`` with a mean structure);
* :math:`\log L`, AIC :math:`= -2\log L + 2(q + p)`, BIC
  :math:`= -2\log L + (q + p)\log N` (the intercepts count).

With case weights the likelihood is the weighted pseudo-likelihood and the
information is scaled to Kish's effective sample size; the standard errors
are then model-based, not design-based (as for the complete-data fit).
Checked against lavaan 0.6 (tests/golden/lavaan_missing.json).

References
----------
.. [1] Arbuckle, J. L. (1996). Full information estimation in the presence
   of incomplete data. In G. A. Marcoulides & R. E. Schumacker (Eds.),
   Advanced structural equation modeling (pp. 243-277). Erlbaum.
.. [2] Enders, C. K. (2010). Applied missing data analysis. Guilford.
.. [3] Rosseel, Y. (2012). lavaan: an R package for structural equation
   modeling. Journal of Statistical Software, 48(2), 1-36.
.. [4] Savalei, V. (2010). Expected versus observed information in SEM with
   incomplete normal and nonnormal data. Psychological Methods, 15(4),
   352-367.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from typing import Any

import numpy as np
from scipy import special

from .._typing import FloatArray
from ..data import Table
from ..engines.patterns import PatternSums
from ..exceptions import (
    AdmissibilityWarning,
    ConvergenceWarning,
    EstimationError,
    InputError,
)
from ..results._estimates import Estimates
from ..scales import Scale
from ..stats._em import check_observed, em_fit, moments_from_patterns, pattern_sums
from ._blas import one_blas_thread
from ._common import MIN_ROWS_FIT, check_scale, rows_of
from ._fiml_kernel import fiml_fit, patterns
from ._ml_kernel import compile_structure
from ._ml_optim import _rows, fit_kernel
from ._ml_result import ACSIMLResult, MLEstimate, MLFitIndices
from ._ml_stats import (
    _admissibility,
    _block_weights,
    _cov_to_corr,
    _implied,
    _matrices,
    _rmsea_interval,
    _scores,
    _standardize,
)
from .ml import _check_covariance
from .spec import ModelSpec

__all__ = ["fit_fiml"]


def fit_fiml(
    table: Table,
    spec: ModelSpec,
    *,
    scale: Scale | None,
    declared: Scale | None,
    confidence_level: float,
    scores: bool,
    nan_policy: str = "omit",
    where: str = "acsi.fit",
) -> ACSIMLResult:
    """Fit ``spec`` by FIML (module docstring); rows or a lazy frame."""
    from ._semopy_backend import to_semopy_syntax  # noqa: PLC0415

    if table.kind not in {"rows", "lazy"}:
        msg = (
            f"{where}(missing='fiml') needs the rows or a lazy frame: the "
            "likelihood uses every respondent's observed answers, which "
            "Moments do not keep."
        )
        raise InputError(msg)
    to_semopy_syntax(spec)  # rejects formative blocks
    inds = spec.indicators
    ps = pattern_sums(table, inds, nan_policy=nan_policy)  # type: ignore[arg-type]
    p = len(inds)
    n = int(ps.count.sum())
    n_eff = _effective_n(ps)
    if n_eff <= p or n < MIN_ROWS_FIT:
        msg = (
            f"The 'data' parameter of {where} gives n = {n} rows for {p} "
            "indicators; maximum likelihood needs more rows than indicators."
        )
        raise InputError(msg)
    check_observed(ps, where)
    h1 = em_fit(ps)
    moments = moments_from_patterns(ps, backend=table.backend, where=where, fit=h1)
    if declared is not None:
        check_scale(table, moments, declared, where)
    s_h1 = h1.covariance
    try:
        # the saturated model must be regular: finite, no zero variance,
        # positive definite (else its log-likelihood, chi2 and RMSEA are not)
        _check_covariance(s_h1, inds, where)
    except np.linalg.LinAlgError as exc:
        msg = f"The EM covariance matrix of the 'data' of {where} is not usable: {exc}."
        raise InputError(msg) from exc
    if not math.isfinite(h1.loglik):
        msg = (
            f"The 'data' parameter of {where} gives a singular saturated model "
            "(EM covariance matrix); FIML cannot test the model against it."
        )
        raise InputError(msg)
    st = compile_structure(spec)
    pats = patterns(ps)
    with one_blas_thread():
        start = fit_kernel(spec, s_h1, max(n, p + 1), structure=st)
        if start.parameters is None:  # pragma: no cover - the kernel sets it
            msg = f"{where}: no starting values for FIML."
            raise EstimationError(msg)
        sol = fiml_fit(st, pats, np.concatenate([start.parameters, h1.mean]))
        se_all = _standard_errors(sol.hessian, n_eff / float(ps.weight_sum.sum()))
    if not math.isfinite(sol.f):  # pragma: no cover - start is PD
        msg = f"{where} (missing='fiml'): the implied covariance is singular."
        raise EstimationError(msg)
    q = st.q
    rows = _rows(spec, st, sol.x, se_all[:q])
    try:
        lam, beta, psi, theta, table_ = _matrices(spec, tuple(rows))
        sigma, cov_eta = _implied(lam, beta, psi, theta)
        fit = MLFitIndices(**_fit_statistics(ps, h1, sol.f, sigma, sol.nu, n, q))
    except np.linalg.LinAlgError as exc:
        msg = f"{where} (missing='fiml'): the fitted model is singular ({exc})."
        raise EstimationError(msg) from exc
    ests = _standardize(spec, table_, cov_eta, sigma)
    intercepts = _intercepts(inds, sol.nu, se_all[q:], sigma)
    var_eta = np.diag(cov_eta)
    endogenous = set(spec.endogenous)
    r2 = {
        lv: float(1.0 - psi[j, j] / var_eta[j]) if var_eta[j] > 0 else math.nan
        for j, lv in enumerate(spec.latents)
        if lv in endogenous
    }
    corr = _cov_to_corr(cov_eta)
    problems = _admissibility(spec, ests, corr, var_eta, np.diag(s_h1))
    weights = _block_weights(spec, lam, theta)
    indices = _indices(spec, weights, scale, sol.nu)
    score_arr = None
    if scores and table.kind == "rows":
        score_arr = _scores(rows_of(table, inds), inds, spec, weights, scale)
    if not sol.converged:
        warnings.warn(
            f"the FIML optimiser did not converge: {sol.message}. The estimates "
            "may not be at the maximum of the likelihood.",
            ConvergenceWarning,
            stacklevel=3,
        )
    for m in problems:
        warnings.warn(m, AdmissibilityWarning, stacklevel=3)
    return ACSIMLResult(
        spec=spec,
        n=n,
        n_note="rows with an observed answer (FIML, missing='fiml')",
        paths=tuple(e for e in ests if e.kind == "path"),
        loadings=tuple(e for e in ests if e.kind == "loading"),
        variances=tuple(e for e in ests if e.kind not in {"path", "loading"}),
        r_squared=r2,
        latent_correlation=corr,
        fit=fit,
        estimates=_table(
            [*ests, *intercepts], r2, indices, fit, n, confidence_level, table.backend
        ),
        confidence_level=confidence_level,
        scale=scale,
        indices=indices,
        index_weights=weights,
        scores=score_arr,
        converged=sol.converged,
        admissibility=tuple(problems),
        missing_report=dataclasses.replace(
            moments.missing_report, missing="fiml", cells_imputed=0
        ),
        _implied=sigma,
        _sample=s_h1,
        _backend=table.backend,
    )


def _effective_n(ps: PatternSums) -> float:
    """Kish's effective sample size of the rows used (n without weights)."""
    w, w2 = float(ps.weight_sum.sum()), float(ps.weight_sq_sum.sum())
    return w * w / w2 if w2 > 0 else 0.0


def _standard_errors(hessian: FloatArray, scale: float) -> FloatArray:
    r"""Square roots of the diagonal of :math:`(\tfrac12 H\,s)^{-1}` (NaN: singular)."""
    info = 0.5 * hessian * scale
    eig, vec = np.linalg.eigh(info)
    if eig[0] <= 1e-12 * max(eig[-1], 0.0):
        return np.full(info.shape[0], np.nan)
    d = np.einsum("ij,j,ij->i", vec, 1.0 / eig, vec)
    with np.errstate(invalid="ignore"):
        return np.where(d >= 0, np.sqrt(np.abs(d)), np.nan)


def _intercepts(
    inds: tuple[str, ...], nu: FloatArray, se: FloatArray, sigma: FloatArray
) -> list[MLEstimate]:
    """Intercept rows (lavaan ``x ~1``; ``std.all`` = intercept / implied SD)."""
    out = []
    sd = np.sqrt(np.diag(sigma))
    for i, name in enumerate(inds):
        z = float(nu[i] / se[i]) if se[i] > 0 else math.nan
        out.append(
            MLEstimate(
                kind="intercept",
                lhs=name,
                op="~1",
                rhs="",
                estimate=float(nu[i]),
                se=float(se[i]),
                z=z,
                p=float(2.0 * special.ndtr(-abs(z))) if math.isfinite(z) else math.nan,
                std_estimate=float(nu[i] / sd[i]),
                free=True,
            )
        )
    return out


def _indices(
    spec: ModelSpec,
    weights: dict[str, dict[str, float]],
    scale: Scale | None,
    nu: FloatArray,
) -> dict[str, float]:
    """0-100 indices from the FIML intercepts (the indicators' estimated means)."""
    if scale is None:
        return dict.fromkeys(spec.latents, math.nan)
    scaled = scale.rescale(nu)
    inds = spec.indicators
    return {
        lv: float(sum(w * scaled[inds.index(i)] for i, w in wts.items()))
        if wts
        else math.nan
        for lv, wts in weights.items()
    }


def _baseline_loglik(ps: PatternSums) -> float:
    """Log-likelihood of the independence model (each column's observed moments)."""
    total = 0.0
    for j in range(ps.observed.shape[1]):
        on = ps.observed[:, j]
        w = ps.weight_sum[on]
        wj = float(w.sum())
        mean = float(w @ ps.mean[on, j]) / wj
        ss = float(np.sum(ps.comoment[on, j, j]) + w @ (ps.mean[on, j] - mean) ** 2)
        total += -0.5 * wj * (math.log(2 * math.pi) + math.log(ss / wj) + 1.0)
    return total


def _fit_statistics(  # noqa: PLR0917 - private, one call site
    ps: PatternSums,
    h1: Any,  # noqa: ANN401 - an EMFit
    f: float,
    sigma: FloatArray,
    nu: FloatArray,
    n: int,
    q: int,
) -> dict[str, Any]:
    """Fit statistics of a FIML fit against the EM saturated model (docstring)."""
    p = sigma.shape[0]
    const = float(np.sum(ps.weight_sum * ps.observed.sum(axis=1))) * math.log(
        2 * math.pi
    )
    loglik = -0.5 * (f + const)
    chi2 = max(2.0 * (h1.loglik - loglik), 0.0)
    df = p * (p + 1) // 2 - q
    pval = float(special.chdtrc(df, chi2)) if df > 0 else math.nan
    chi2_0 = 2.0 * (h1.loglik - _baseline_loglik(ps))
    df_0 = p * (p - 1) // 2
    d_model = max(chi2 - df, 0.0)
    denom = max(chi2 - df, chi2_0 - df_0, 0.0)
    cfi = 1.0 - d_model / denom if denom > 0 else 1.0
    if df > 0 and df_0 > 0 and chi2_0 / df_0 != 1.0:
        tli = (chi2_0 / df_0 - chi2 / df) / (chi2_0 / df_0 - 1.0)
    else:
        tli = math.nan
    if df > 0:
        rmsea = math.sqrt(d_model / (df * n))
        lo, hi = _rmsea_interval(chi2, df, n, 0.90)
    else:
        rmsea, lo, hi = 0.0, 0.0, 0.0
    s = h1.covariance
    sd = np.sqrt(np.diag(s))
    iu = np.triu_indices(p)
    resid = ((s - sigma) / np.outer(sd, sd))[iu]
    mres = (h1.mean - nu) / sd
    srmr = math.sqrt(
        (float(np.sum(resid**2)) + float(np.sum(mres**2))) / (resid.size + p)
    )
    n_par = q + p
    return {
        "chi2": chi2,
        "df": df,
        "p": pval,
        "cfi": cfi,
        "tli": tli,
        "rmsea": rmsea,
        "rmsea_ci_low": lo,
        "rmsea_ci_high": hi,
        "srmr": srmr,
        "aic": -2.0 * loglik + 2.0 * n_par,
        "bic": -2.0 * loglik + n_par * math.log(n),
        "loglik": loglik,
        "baseline_chi2": chi2_0,
        "baseline_df": df_0,
        "n_parameters": n_par,
        "n": n,
    }


def _table(  # noqa: PLR0917 - private, one call site
    ests: list[MLEstimate],
    r2: dict[str, float],
    indices: dict[str, float],
    fit: MLFitIndices,
    n: int,
    level: float,
    backend: str | None,
) -> Estimates:
    """Return the ML estimates table (intercepts named by their indicator)."""
    from .ml import _estimates_table  # noqa: PLC0415 - ml imports this module

    return _estimates_table(ests, r2, indices, fit, n, level, backend)
