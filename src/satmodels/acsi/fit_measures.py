r"""Overall fit of a PLS or PLSc path model: SRMR, d_ULS, d_G, exact test, criteria.

``acsi.model_fit(result)`` compares the indicators' sample correlation
matrix S with the correlation matrix the fitted model implies
(:mod:`._fit_kernel`): for the **estimated** model (constructs correlated
as the structural model implies) and the **saturated** model (constructs
correlated freely, so only the measurement model is tested). A PLS fit
(:func:`satmodels.acsi.fit`) is a composite model: within each block the
indicators correlate freely; a PLSc fit (:func:`satmodels.acsi.consistent`)
is a common-factor model for its reflective blocks (Dijkstra & Henseler
2015). Both need only the correlation matrix the fit kept, so a fit from
Moments or a lazy frame is assessed the same way.

With ``n_resamples > 0`` and the survey as ``data``, the bootstrap test of
exact fit (Beran & Srivastava 1985; Bollen & Stine 1992; Dijkstra &
Henseler 2015) gives each distance's reference distribution under the
model, its quantiles (critical values HI95, HI99) and a p-value
:math:`(1 + \#\{d^\ast_b \ge d\}) / (B + 1)` (Davison & Hinkley 1997,
eq. 4.11). The model-selection criteria per structural equation (AIC,
AICc, AICu, BIC, FPE, the Geweke-Meese GM, HQ, HQc, Mallows' Cp) follow
Sharma et al. (2019, Table B1) as cSEM computes them.

References
----------
.. [1] Henseler, J., Dijkstra, T. K., Sarstedt, M., Ringle, C. M.,
   Diamantopoulos, A., Straub, D. W., Ketchen, D. J., Hair, J. F., Hult,
   G. T. M., & Calantone, R. J. (2014). Common beliefs and reality about
   PLS: comments on Rönkkö and Evermann (2013). Organizational Research
   Methods, 17(2), 182-209.
.. [2] Dijkstra, T. K., & Henseler, J. (2015). Consistent and asymptotically
   normal PLS estimators for linear structural equations. Computational
   Statistics & Data Analysis, 81, 10-23.
.. [3] Bollen, K. A., & Stine, R. A. (1992). Bootstrapping goodness-of-fit
   measures in structural equation models. Sociological Methods &
   Research, 21(2), 205-229.
.. [4] Sharma, P. N., Sarstedt, M., Shmueli, G., Kim, K. H., & Thiele,
   K. O. (2019). PLS-based model selection: the role of alternative
   explanations in information systems research. Journal of the
   Association for Information Systems, 20(4), 346-397.
.. [5] Davison, A. C., & Hinkley, D. V. (1997). Bootstrap methods and their
   application. Cambridge University Press.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._typing import FloatArray
from .._validation import check_confidence_level, check_count, check_rng
from ..data import read
from ..exceptions import EstimationError, InputError, SatmodelsWarning
from ..results._base import EstimatesResult, jsonable
from ..results._estimates import Estimates, concat, estimates
from ..results._summary import Summary, table
from ._common import MIN_ROWS_BOOTSTRAP
from ._fit_kernel import CRITERIA, MEASURES, criteria, distances
from ._fit_parts import Parts, exact_test, implied_of, parts_of, saturated_r2
from .plsc import PLScResult
from .result import PLSResult
from .spec import ModelSpec

__all__ = ["ModelFitResult", "model_fit"]

_WHERE = "acsi.model_fit"
#: Quantiles of the reference distribution always reported (SmartPLS's
#: HI95 and HI99); the fit's ``confidence_level`` is added when different.
_LEVELS = (0.95, 0.99)


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelFitResult(EstimatesResult):
    """Overall fit of a PLS or PLSc path model.

    Attributes
    ----------
    spec : ModelSpec
        The model.
    method : str
        ``"pls"`` (composite model) or ``"plsc"`` (common factors for the
        reflective blocks).
    n : int
        Respondents of the fit.
    measures : tuple of str
        ``("srmr", "d_uls", "d_g")``, the order of the arrays below.
    estimated, saturated : ndarray, (3,)
        The distances of the estimated and of the saturated model.
    implied_correlation, implied_correlation_saturated : ndarray, (p, p)
        The model-implied indicator correlation matrices.
    quantile_levels : tuple of float
        Levels of :attr:`critical_values` (0.95, 0.99 and the fitted
        ``confidence_level``).
    critical_values, critical_values_saturated : ndarray, (levels, 3)
        Quantiles of the bootstrap reference distributions (NaN without a
        bootstrap).
    pvalues, pvalues_saturated : ndarray, (3,)
        Bootstrap p-values of exact fit (NaN without a bootstrap).
    endogenous : tuple of str
        The structural equations of :attr:`criteria`.
    criteria : dict of str to ndarray
        ``"aic"``, ``"aicc"``, ``"aicu"``, ``"bic"``, ``"fpe"``, ``"gm"``,
        ``"hq"``, ``"hqc"``, ``"mallows_cp"``: one value per endogenous
        construct.
    n_resamples : int
        Bootstrap replicates drawn (0: no test).
    n_used, n_used_saturated : int
        Replicates in each reference distribution (failed and
        inadmissible replicates are dropped, as cSEM's default).
    reference, reference_saturated : ndarray, (n_used, 3)
        The reference distributions: the distances of the replicates
        (empty without a bootstrap).
    estimates : Estimates
        Kinds ``"fit"`` and ``"fit_saturated"`` (names ``srmr``, ``d_uls``,
        ``d_g``; the p-value of the exact test), ``"critical_value"`` and
        ``"critical_value_saturated"`` (names ``"srmr (95%)"`` ...), and
        one kind per criterion (names: the endogenous constructs).
    confidence_level : float
        Level whose quantile is stored besides 0.95 and 0.99.
    """

    spec: ModelSpec
    method: str
    n: int
    measures: tuple[str, ...]
    estimated: FloatArray
    saturated: FloatArray
    implied_correlation: FloatArray
    implied_correlation_saturated: FloatArray
    quantile_levels: tuple[float, ...]
    critical_values: FloatArray
    critical_values_saturated: FloatArray
    pvalues: FloatArray
    pvalues_saturated: FloatArray
    endogenous: tuple[str, ...]
    criteria: dict[str, FloatArray]
    n_resamples: int
    n_used: int
    n_used_saturated: int
    reference: FloatArray
    reference_saturated: FloatArray
    estimates: Estimates
    confidence_level: float
    _backend: str | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: settings, the distances, the test, the table."""
        out: dict[str, Any] = jsonable(
            {
                "method": self.method,
                "n": self.n,
                "measures": self.measures,
                "estimated": dict(
                    zip(self.measures, self.estimated.tolist(), strict=True)
                ),
                "saturated": dict(
                    zip(self.measures, self.saturated.tolist(), strict=True)
                ),
                "quantile_levels": self.quantile_levels,
                "n_resamples": self.n_resamples,
                "n_used": self.n_used,
                "n_used_saturated": self.n_used_saturated,
                "confidence_level": self.confidence_level,
                "estimates": self.estimates.to_dict(),
            }
        )
        return out

    def __repr__(self) -> str:
        vals = ", ".join(
            f"{m}={v:.4g}" for m, v in zip(self.measures, self.estimated, strict=True)
        )
        test = ""
        if self.n_resamples:
            test = f", p(srmr)={self.pvalues[0]:.3f}"
        return (
            f"ModelFitResult(method={self.method!r}, n={self.n}, {vals}, "
            f"n_resamples={self.n_resamples}{test})"
        )

    def summary(self) -> Summary:
        """Distances with their critical values and p-values; the criteria."""
        levels = [f"HI{100 * q:g}" for q in self.quantile_levels]
        head = ("model", "measure", "value", *levels, "p")
        rows = []
        for label, vals, crit, pv in (
            ("estimated", self.estimated, self.critical_values, self.pvalues),
            (
                "saturated",
                self.saturated,
                self.critical_values_saturated,
                self.pvalues_saturated,
            ),
        ):
            for k, m in enumerate(self.measures):
                rows.append((label, m, vals[k], *crit[:, k], pv[k]))
        crit_rows = [
            (lv, *(self.criteria[c][e] for c in CRITERIA))
            for e, lv in enumerate(self.endogenous)
        ]
        notes = [
            f"{self.method.upper()} fit of {self.n} respondents; model-implied "
            + (
                "correlations of the composite model."
                if self.method == "pls"
                else "correlations of the common-factor model (reflective blocks)."
            ),
            "d_G uses natural logarithms (cSEM 0.4: base 10, smaller by "
            "(ln 10)^2 = 5.30).",
        ]
        if self.n_resamples:
            notes.append(
                f"Exact fit test: {self.n_resamples} Bollen-Stine replicates "
                f"({self.n_used} and {self.n_used_saturated} usable); H0: the "
                "model-implied matrix is the population's; a small p rejects it."
            )
        else:
            notes.append("No exact fit test: pass data= and n_resamples > 0.")
        return Summary(
            title="Overall model fit (Henseler et al. 2014; Dijkstra & Henseler 2015)",
            tables=(
                table("Distances and exact fit test", head, rows, digits=4),
                table(
                    "Model selection criteria (Sharma et al. 2019)",
                    ("equation", *CRITERIA),
                    crit_rows,
                ),
            ),
            notes=tuple(notes),
        )


def _pvalues(reps: FloatArray, observed: FloatArray) -> FloatArray:
    """(1 + #{d* >= d}) / (B + 1) per column over the finite replicates."""
    out = np.full(observed.shape, np.nan)
    for k in range(observed.size):
        col = reps[:, k][np.isfinite(reps[:, k])]
        if col.size >= 2 and np.isfinite(observed[k]):
            out[k] = (1.0 + np.sum(col >= observed[k])) / (col.size + 1.0)
    return out


def _quantiles(reps: FloatArray, levels: Sequence[float]) -> FloatArray:
    """R's type-7 quantiles per column over the finite replicates."""
    out = np.full((len(levels), reps.shape[1]), np.nan)
    for k in range(reps.shape[1]):
        col = reps[:, k][np.isfinite(reps[:, k])]
        if col.size >= 2:
            out[:, k] = np.quantile(col, levels)
    return out


def _check_sample(parts: Parts, data: object, **read_kw: Any) -> Any:  # noqa: ANN401
    """Read ``data`` and check that it is the sample the result was fitted on."""
    table = read(
        data,
        where=_WHERE,
        roles={"model": parts.lay.indicators},
        accept=("rows", "lazy", "moments"),
        **read_kw,
    )
    if table.kind == "moments":
        msg = (
            f"The 'data' parameter of {_WHERE} must hold the respondents' rows "
            "(an array, a dataframe or a lazy frame) for the exact fit test "
            "(n_resamples > 0): replicates resample rows, which Moments do not "
            "have. The distances and criteria need no data."
        )
        raise InputError(msg)
    if parts.missing == "pairwise":
        m_pair = table.moments(parts.lay.indicators, missing="pairwise")
        if any(m_pair.missing_report.column_missing.values()):
            msg = (
                f"The exact fit test of {_WHERE} resamples complete rows; the "
                "result was fitted with missing='pairwise' on data with missing "
                "answers. Fit with missing='listwise' to test it."
            )
            raise InputError(msg)
    m = table.moments(parts.lay.indicators, missing="listwise")
    corr = np.asarray(m.correlation(), dtype=np.float64)
    if m.n != parts.n or not np.allclose(corr, parts.corr, rtol=0, atol=1e-8):
        msg = (
            f"The 'data' parameter of {_WHERE} is not the sample the result was "
            f"fitted on ({m.n} usable rows, the fit had {parts.n}, or different "
            "correlations); pass the same data, columns and weights."
        )
        raise InputError(msg)
    if m.n < MIN_ROWS_BOOTSTRAP:
        msg = (
            f"The 'n_resamples' parameter of {_WHERE} needs at least "
            f"{MIN_ROWS_BOOTSTRAP} respondents; the data have {m.n}."
        )
        raise InputError(msg)
    return table, np.asarray(m.std(), dtype=np.float64)


def model_fit(
    result: PLSResult | PLScResult,
    *,
    data: object = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    n_resamples: int = 0,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    confidence_level: float = 0.95,
) -> ModelFitResult:
    r"""Overall fit of a PLS or PLSc path model, with the exact fit test.

    Parameters
    ----------
    result : PLSResult or PLScResult
        A fit by :func:`satmodels.acsi.fit` (``method="pls"``; composite
        model) or :func:`satmodels.acsi.consistent` (common-factor model
        for reflective blocks), from rows, a lazy frame or Moments.
    data : array, dataframe or lazy frame, optional
        The survey the result was fitted on; needed only for the exact fit
        test (``n_resamples > 0``). Checked to give the fit's correlation
        matrix.
    columns, weights
        As given to the fit (to read ``data`` the same way).
    n_resamples : int
        Bollen-Stine bootstrap replicates of the exact fit test (0: no
        test; 499 or more for a test); at least 10 respondents.
    rng : None, int, SeedSequence or Generator
        Randomness of the bootstrap.
    confidence_level : float
        A further quantile level of the reference distributions (0.95 and
        0.99 are always reported).

    Returns
    -------
    ModelFitResult

    Raises
    ------
    InputError
        ``result`` is not a PLS or PLSc fit; a test without ``data``, on
        Moments, on other data than the fit's, on a pairwise fit with
        missing answers or on fewer than 10 respondents; bad options.
    EstimationError
        A test of an inadmissible PLSc solution or of a model-implied
        matrix that is not positive semi-definite (no data have it), or
        fewer than two usable replicates.

    Warns
    -----
    SatmodelsWarning
        d_G is undefined (an implied matrix that is not positive
        definite), or a selection criterion is (R² >= 1 in the model or its
        saturated structural model, too few respondents); they are NaN.

    Notes
    -----
    Formulas in :mod:`satmodels.acsi._fit_kernel` and the module notes.
    Checked against cSEM's ``calculateSRMR``, ``calculateDL``,
    ``calculateDG`` (times :math:`(\ln 10)^2`: cSEM takes base-10
    logarithms), ``calculateModelSelectionCriteria`` and ``testOMF`` on the
    ECSI mobi data, PLS and PLSc (tests/golden/csem_fit.R), and by the
    test's rejection rate under a correctly specified model.

    Examples
    --------
    >>> from satmodels import acsi
    >>> from satmodels.datasets import load_sample_survey
    >>> survey = load_sample_survey()
    >>> fit = acsi.fit(survey, scale=(1, 10))
    >>> res = acsi.model_fit(fit)
    >>> res.measures
    ('srmr', 'd_uls', 'd_g')
    >>> bool(res.saturated[0] <= res.estimated[0])
    True
    >>> tested = acsi.model_fit(fit, data=survey, n_resamples=99, rng=1)
    >>> bool(0 < tested.pvalues[0] <= 1)
    True
    """
    if not isinstance(result, PLSResult | PLScResult):
        msg = (  # type: ignore[unreachable]  # untyped callers
            f"The 'result' parameter of {_WHERE} must be a PLSResult (acsi.fit, "
            f"method='pls') or a PLScResult (acsi.consistent). Got "
            f"{type(result).__name__} instead."
        )
        raise InputError(msg)
    level = check_confidence_level(confidence_level, _WHERE)
    reps = check_count(n_resamples, _WHERE, "n_resamples", 0)
    gen = check_rng(rng, _WHERE)
    if reps and data is None:
        msg = (
            f"The exact fit test of {_WHERE} (n_resamples={reps}) needs the "
            "survey: pass data= (the rows the result was fitted on)."
        )
        raise InputError(msg)
    parts = parts_of(result)
    lay = parts.lay
    corr = parts.corr[None]
    sig_est = implied_of(parts, corr, parts.fitted, saturated=False)
    sig_sat = implied_of(parts, corr, parts.fitted, saturated=True)
    est_vals = distances(corr, sig_est)[0]
    sat_vals = distances(corr, sig_sat)[0]
    for label, vals in (("estimated", est_vals), ("saturated", sat_vals)):
        if not np.isfinite(vals[2]):
            warnings.warn(
                f"{_WHERE}: d_G of the {label} model is undefined (the sample "
                "or the model-implied correlation matrix is not positive "
                "definite, or singular to rounding); it is NaN.",
                SatmodelsWarning,
                stacklevel=2,
            )
    levels = tuple(sorted({*_LEVELS, level}))
    crit = np.full((len(levels), 3), np.nan)
    crit_sat = crit.copy()
    pv = np.full(3, np.nan)
    pv_sat = pv.copy()
    n_used = n_used_sat = 0
    ref = ref_sat = np.zeros((0, 3))
    if reps and isinstance(result, PLScResult) and not result.admissible:
        failed = [c for c, ok in result.admissibility.items() if not ok]
        msg = (
            f"{_WHERE}: the PLSc solution is inadmissible ({', '.join(failed)}); "
            "the exact fit test resamples its model-implied matrix and is not "
            "defined for it (cSEM's testOMF refuses it too). The distances and "
            "criteria are returned with n_resamples=0."
        )
        raise EstimationError(msg)
    if reps:
        table, sd = _check_sample(parts, data, columns=columns, weights=weights)
        test, cov_b = exact_test(
            parts,
            table,
            sd=sd,
            sigma=sig_est[0],
            saturated=False,
            n_resamples=reps,
            rng=gen,
        )
        test_sat, _ = exact_test(
            parts,
            table,
            sd=sd,
            sigma=sig_sat[0],
            saturated=True,
            n_resamples=reps,
            rng=gen,
            cov_b=cov_b,
        )
        for t in (test, test_sat):
            if t.replicates.shape[0] < 2:
                msg = (
                    f"Only {t.replicates.shape[0]} of {reps} replicates of the exact "
                    f"fit test of {_WHERE} were usable ({t.n_failed} failed, "
                    f"{t.n_inadmissible} inadmissible)."
                )
                raise EstimationError(msg)
        crit, crit_sat = (
            _quantiles(test.replicates, levels),
            _quantiles(test_sat.replicates, levels),
        )
        pv, pv_sat = (
            _pvalues(test.replicates, est_vals),
            _pvalues(test_sat.replicates, sat_vals),
        )
        n_used, n_used_sat = test.replicates.shape[0], test_sat.replicates.shape[0]
        ref, ref_sat = test.replicates, test_sat.replicates
    endo = tuple(lay.latents[k] for k in range(lay.j) if lay.predecessors[k].size)
    idx = [lay.latents.index(e) for e in endo]
    r2 = parts.fitted.r2[0, idx]
    r2_sat = saturated_r2(parts)[idx]
    k = np.array([lay.predecessors[i].size + 1.0 for i in idx])
    crits = criteria(r2, r2_sat, k, parts.n)
    undefined = [
        f"{c}({e})"
        for i, c in enumerate(CRITERIA)
        for j, e in enumerate(endo)
        if np.isnan(crits[i, j])
    ]
    if undefined:
        warnings.warn(
            f"{_WHERE}: the selection criteria {undefined} are not defined (no "
            "residual variance: R2 within 1e-10 of 1 in the model or in its "
            "saturated structural model, an exact fit or an inadmissible "
            "solution; or too few respondents, "
            f"n = {parts.n}, for the equation's predictors); they are NaN.",
            SatmodelsWarning,
            stacklevel=2,
        )
    crit_dict = {c: crits[i] for i, c in enumerate(CRITERIA)}
    backend = result._backend
    parts_tab = [
        estimates(
            name=MEASURES,
            estimate=vals,
            kind=kind,
            confidence_level=level,
            pvalue=p,
            n=float(parts.n),
            interval="none",
            backend=backend,
        )
        for kind, vals, p in (
            ("fit", est_vals, pv),
            ("fit_saturated", sat_vals, pv_sat),
        )
    ]
    for kind, cv in (("critical_value", crit), ("critical_value_saturated", crit_sat)):
        parts_tab.append(
            estimates(
                name=[f"{m} ({100 * q:g}%)" for q in levels for m in MEASURES],
                estimate=cv.reshape(-1),
                kind=kind,
                confidence_level=level,
                n=float(parts.n),
                interval="none",
                backend=backend,
            )
        )
    if endo:
        parts_tab.append(
            estimates(
                name=[e for _ in CRITERIA for e in endo],
                estimate=crits.reshape(-1),
                kind=[c for c in CRITERIA for _ in endo],
                confidence_level=level,
                n=float(parts.n),
                interval="none",
                backend=backend,
            )
        )
    return ModelFitResult(
        spec=parts.spec,
        method=parts.method,
        n=parts.n,
        measures=MEASURES,
        estimated=est_vals,
        saturated=sat_vals,
        implied_correlation=sig_est[0],
        implied_correlation_saturated=sig_sat[0],
        quantile_levels=levels,
        critical_values=crit,
        critical_values_saturated=crit_sat,
        pvalues=pv,
        pvalues_saturated=pv_sat,
        endogenous=endo,
        criteria=crit_dict,
        n_resamples=reps,
        n_used=n_used,
        n_used_saturated=n_used_sat,
        reference=ref,
        reference_saturated=ref_sat,
        estimates=concat(parts_tab),
        confidence_level=level,
        _backend=backend,
    )
