r"""Robust maximum likelihood: Satorra-Bentler (MLM) and Yuan-Bentler (MLR).

``acsi.fit(data, method="ml", robust="mlm")`` or ``robust="mlr"`` keeps the
normal-theory ML estimates and replaces their standard errors and the
model test by versions that stay valid when the indicators are not
multivariate normal (skewed, heavy-tailed survey answers). Both need,
besides :math:`S`, the ADF matrix :math:`\Gamma` of the sample covariances
(fourth-order moments, :class:`~satmodels.stats.FourthMoments`).

Notation (all per observation, vech coordinates, :math:`p^* = p(p+1)/2`):
:math:`\Delta = \partial\operatorname{vech}\Sigma/\partial\theta^\top`
(:math:`p^* \times q`), the normal-theory weight
:math:`W = \tfrac12 D_p^\top(\Sigma^{-1}\otimes\Sigma^{-1})D_p` at
:math:`\hat\Sigma` (Browne 1974), the expected information
:math:`\mathcal I = \Delta^\top W \Delta` and
:math:`U = W - W\Delta\mathcal I^{-1}\Delta^\top W`.

**MLM** (Satorra & Bentler 1994; lavaan ``estimator = "MLM"``: expected
information, ``se = "robust.sem"``, ``test = "satorra.bentler"``):

.. math::

    \widehat{\operatorname{Var}}(\hat\theta) = \tfrac1n\,\mathcal I^{-1}
    \Delta^\top W \Gamma W \Delta\,\mathcal I^{-1}, \qquad
    c = \operatorname{tr}(U\Gamma)/df, \qquad T_{SB} = T_{ML}/c

(Satorra & Bentler 1994, eqs. 16.9-16.11; Satorra 1989).

**MLR** (Yuan & Bentler 2000; lavaan ``estimator = "MLR"``: observed
information, ``se = "robust.huber.white"``, ``test =
"yuan.bentler.mplus"``): with :math:`H = \tfrac12\,\partial^2 F/\partial
\theta\partial\theta^\top` the observed information (the exact Hessian of
the kernel, :func:`~satmodels.acsi._ml_kernel.derivatives`) and the
first-order information of the casewise scores
:math:`g_i = \Delta^\top W (d_i - \hat\sigma)`,

.. math::

    B_0 = \tfrac1n\textstyle\sum_i g_i g_i^\top
        = \Delta^\top W\,[\Gamma + (s - \hat\sigma)(s - \hat\sigma)^\top]\,
          W\Delta,

    \widehat{\operatorname{Var}}(\hat\theta) = \tfrac1n H^{-1} B_0 H^{-1},
    \qquad c = \frac{\operatorname{tr}(W_S\Gamma) - \operatorname{tr}
    (H^{-1}B_0)}{df}, \qquad T_{YB} = T_{ML}/c,

where :math:`W_S` is :math:`W` at :math:`S` (the unstructured saturated
model; Yuan & Bentler 2000, eq. 11; the "Mplus variant" of Asparouhov &
Muthén 2005, as lavaan's ``lav_test_yuan_bentler_mplus_trace``). The
identity for :math:`B_0` holds because, for complete data and a saturated
mean structure, :math:`\hat\mu = \bar x` and the scores of the covariance
parameters depend on the rows only through :math:`d_i`: the
Huber-White sandwich needs :math:`\Gamma`, :math:`S` and
:math:`\hat\Sigma`, not the rows (lavaan 0.6 fits MLM and MLR without a
mean structure; the means block would not change the covariance
parameters' part of either sandwich).

**Fit indices.** The baseline (independence) model
:math:`\Sigma_0 = \operatorname{diag}(S)` gets its own scaling factor
:math:`c_0` by the same formulas. *Scaled* indices put the scaled
statistics in the usual formulas: :math:`CFI = 1 - \max(T/c - df, 0) /
\max(T/c - df, T_0/c_0 - df_0, 0)`, TLI likewise,
:math:`RMSEA = \sqrt{\max(T/c - df, 0)/(n\,df)}`. *Robust* indices
(Brosseau-Liard, Savalei & Li 2012; Brosseau-Liard & Savalei 2014) correct
the noncentrality instead: :math:`RMSEA = \sqrt{\max(T - c\,df, 0)/
(n\,df)}`, :math:`CFI = 1 - \max(T - c\,df, 0)/\max(T - c\,df, T_0 -
c_0 df_0, 0)`, :math:`TLI = 1 - (T - c\,df)\,df_0 / ((T_0 - c_0 df_0)\,
df)`; the robust RMSEA interval is :math:`\sqrt{c\,\lambda/(n\,df)}` with
:math:`\lambda` inverting the noncentral chi-square at :math:`T/c`
(lavaan 0.6-14 ``lav_fit_rmsea_lavobject``, ``lav_fit_cfi``,
``lav_fit_tli``). Checked against lavaan 0.6.14
(tests/golden/lavaan_robust.json).

References
----------
.. [1] Satorra, A., & Bentler, P. M. (1994). Corrections to test statistics
   and standard errors in covariance structure analysis. In A. von Eye &
   C. C. Clogg (Eds.), Latent variables analysis (pp. 399-419). Sage.
.. [2] Yuan, K.-H., & Bentler, P. M. (2000). Three likelihood-based methods
   for mean and covariance structure analysis with nonnormal missing data.
   Sociological Methodology, 30, 165-200.
.. [3] Asparouhov, T., & Muthén, B. (2005). Multivariate statistical
   modeling with survey data. Proceedings of the FCSM Research Conference.
.. [4] Browne, M. W. (1974). Generalized least squares estimators in the
   analysis of covariance structures. South African Statistical Journal, 8,
   1-24.
.. [5] Brosseau-Liard, P. E., Savalei, V., & Li, L. (2012). An investigation
   of the sample performance of two nonnormality corrections for RMSEA.
   Multivariate Behavioral Research, 47(6), 904-930.
.. [6] Brosseau-Liard, P. E., & Savalei, V. (2014). Adjusting incremental
   fit indices for nonnormality. Multivariate Behavioral Research, 49(5),
   460-470.
.. [7] Rosseel, Y. (2012). lavaan: an R package for structural equation
   modeling. Journal of Statistical Software, 48(2), 1-36.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from .._typing import FloatArray
from ..data import Table
from ..exceptions import EstimationError, InputError, SatmodelsWarning
from ..results._base import jsonable
from ..results._estimates import concat, estimates
from ..stats._fourth import FourthMoments, from_rows, vech_indices
from ._common import rows_of
from ._ml_kernel import Structure, _parts, compile_structure, derivatives
from ._ml_optim import parameter_labels
from ._ml_result import ACSIMLResult, MLEstimate
from ._ml_stats import _rmsea_interval

__all__ = ["ROBUST", "MLRobust", "apply_robust", "check_robust", "robust_parts"]

#: The robust estimators and lavaan's names of their tests.
ROBUST = {"mlm": "satorra.bentler", "mlr": "yuan.bentler.mplus"}


@dataclass(frozen=True, slots=True, kw_only=True)
class MLRobust:
    r"""Robust test and fit indices of an ML fit (``robust="mlm"`` or ``"mlr"``).

    Attributes
    ----------
    estimator : {"mlm", "mlr"}
        Satorra-Bentler (expected information) or Yuan-Bentler / Huber-White
        (observed information).
    test : str
        lavaan's name of the scaled test (``"satorra.bentler"``,
        ``"yuan.bentler.mplus"``).
    information : {"expected", "observed"}
        The information matrix of the sandwich's bread.
    chi2, df : float, int
        Normal-theory statistic :math:`T = nF_{ML}` and its df.
    chi2_scaled, p_scaled : float
        :math:`T/c` and its upper-tail chi-square p-value on ``df``.
    scaling_factor : float
        :math:`c = \operatorname{tr}(U\Gamma)/df` (NaN for ``df = 0``).
    baseline_chi2_scaled, baseline_scaling_factor : float
        The same for the independence model.
    cfi_scaled, tli_scaled, rmsea_scaled : float
        Fit indices from the scaled statistics.
    cfi_robust, tli_robust, rmsea_robust : float
        Brosseau-Liard & Savalei's robust indices.
    rmsea_robust_ci_low, rmsea_robust_ci_high : float
        90% interval of the robust RMSEA.
    """

    estimator: str
    test: str
    information: str
    chi2: float
    df: int
    chi2_scaled: float
    p_scaled: float
    scaling_factor: float
    baseline_chi2_scaled: float
    baseline_scaling_factor: float
    cfi_scaled: float
    tli_scaled: float
    rmsea_scaled: float
    cfi_robust: float
    tli_robust: float
    rmsea_robust: float
    rmsea_robust_ci_low: float
    rmsea_robust_ci_high: float

    def to_dict(self) -> dict[str, Any]:
        """Return the statistics as a JSON-safe dictionary."""
        return {k: jsonable(getattr(self, k)) for k in self.__dataclass_fields__}


# ---------------------------------------------------------------- boundary
def check_robust(
    table: Table,
    robust: str,
    missing: str,
    where: str,
    *,
    fourth: FourthMoments | None = None,
) -> None:
    """Refuse what robust ML cannot use: statistics, lazy frames, weights, pairwise.

    Moments are accepted when they came from ``fourth`` (a FourthMoments).
    """
    if robust not in ROBUST:
        msg = (
            f"The 'robust' parameter of {where} must be None, 'mlm' or 'mlr'. "
            f"Got {robust!r} instead."
        )
        raise InputError(msg)
    if table.kind != "rows" and fourth is None:
        source = {"lazy": "a lazy frame", "moments": "Moments"}.get(
            table.kind, table.kind
        )
        msg = (
            f"{where}(robust={robust!r}) needs the rows in memory (fourth-order "
            f"moments); the 'data' parameter is {source}. Collect the rows, "
            "pass their satmodels.stats.FourthMoments, or fit with robust=None."
        )
        raise InputError(msg)
    if table.weighted:
        msg = (
            f"The 'weights' parameter of {where} cannot be combined with "
            f"robust={robust!r}: the Satorra-Bentler and Yuan-Bentler "
            "corrections are implemented for unweighted data (use a "
            "satmodels.design for design-based standard errors)."
        )
        raise InputError(msg)
    if missing != "listwise":
        msg = (
            f"The 'missing' parameter of {where} must be 'listwise' with "
            f"robust={robust!r}. Got {missing!r} instead."
        )
        raise InputError(msg)


def apply_robust(
    result: ACSIMLResult,
    table: Table,
    robust: str,
    where: str,
    fourth: FourthMoments | None = None,
) -> ACSIMLResult:
    """Replace the standard errors of ``result`` by robust ones and add the test.

    Gamma comes from ``fourth`` when given, else from the rows of ``table``.
    """
    from .ml import _estimates_table  # noqa: PLC0415 - ml imports this module

    spec = result.spec
    if fourth is None:
        fourth = from_rows(
            rows_of(table, spec.indicators), spec.indicators, where=where
        )
    else:
        fourth = fourth.select(spec.indicators)
    st = compile_structure(spec)
    free = _free_vector(result, st)
    try:
        se, rob = robust_parts(
            robust,
            st,
            free,
            result.sample_covariance,
            result.n,
            fourth,
            chi2=result.fit.chi2,
            baseline_chi2=result.fit.baseline_chi2,
        )
    except np.linalg.LinAlgError as exc:  # pragma: no cover - Sigma and S are PD
        msg = f"{where} (robust={robust!r}): a singular matrix ({exc})."
        raise EstimationError(msg) from exc
    labels = parameter_labels(spec, st)
    se_of = {lab: float(s) for lab, s in zip(labels, se, strict=True)}

    def redo(e: MLEstimate) -> MLEstimate:
        s = _lookup(se_of, e.lhs, e.op, e.rhs) if e.free else math.nan
        z = e.estimate / s if s > 0 else math.nan
        p = float(2.0 * special.ndtr(-abs(z))) if math.isfinite(z) else math.nan
        return dataclasses.replace(e, se=s, z=z, p=p)

    paths = tuple(redo(e) for e in result.paths)
    loadings = tuple(redo(e) for e in result.loadings)
    variances = tuple(redo(e) for e in result.variances)
    ests = _in_table_order(result, paths, loadings, variances)
    level = result.confidence_level
    base = _estimates_table(
        ests,
        result.r_squared,
        result.indices,
        result.fit,
        result.n,
        level,
        result._backend,
    )
    extra_names = (
        "chi2_scaled",
        "scaling_factor",
        "cfi_robust",
        "tli_robust",
        "rmsea_robust",
    )
    extra = estimates(
        name=extra_names,
        estimate=[float(getattr(rob, k)) for k in extra_names],
        kind="fit",
        confidence_level=level,
        standard_error=math.nan,
        n=float(result.n),
        interval="none",
        backend=result._backend,
    )
    return dataclasses.replace(
        result,
        paths=paths,
        loadings=loadings,
        variances=variances,
        estimates=concat([base, extra]),
        robust=rob,
    )


# ---------------------------------------------------------------- kernel
def robust_parts(  # noqa: PLR0917 - private, one call site and tests
    robust: str,
    st: Structure,
    x: FloatArray,
    s: FloatArray,
    n: int,
    fourth: FourthMoments,
    *,
    chi2: float,
    baseline_chi2: float,
) -> tuple[FloatArray, MLRobust]:
    """Robust standard errors of the free parameters and the robust test.

    ``x`` are the free parameters (order of ``st``, original metric), ``s``
    the sample covariance (divisor n); formulas in the module docstring.
    """
    p = st.p
    r, c = vech_indices(p)
    sigma, la, lc, *_ = _parts(st, x)
    basis = np.concatenate([np.eye(p), la, lc], axis=1)
    au, av = basis[:, st.u], basis[:, st.v]
    delta = st.c * (au[r] * av[c] + av[r] * au[c])  # p* x q
    w = weight_matrix(_inv(sigma))
    gamma = fourth.gamma()
    wd = w @ delta
    info = delta.T @ wd
    info_inv = _inverse(info)
    resid = s[r, c] - sigma[r, c]
    df = p * (p + 1) // 2 - st.q
    if robust == "mlm":
        bread_inv = info_inv
        meat = wd.T @ gamma @ wd
        u = w - wd @ info_inv @ wd.T
        trace = float(np.sum(u * gamma))
    else:
        _, logdet_s = np.linalg.slogdet(s)
        got = derivatives(st, x, s, float(logdet_s), hessian=True)
        hess = got[3] if got is not None else None
        bread_inv = (
            _inverse(0.5 * hess) if hess is not None else np.full_like(info, np.nan)
        )
        meat = wd.T @ (gamma + np.outer(resid, resid)) @ wd
        w_s = weight_matrix(_inv(s))
        trace = float(np.sum(w_s * gamma)) - float(np.sum(bread_inv * meat.T))
    cov = bread_inv @ meat @ bread_inv / n
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.where(np.diag(cov) >= 0, np.diag(cov), np.nan))
    c0, df0 = _baseline_scaling(robust, s, gamma, r, c)
    scaling = trace / df if df > 0 else math.nan
    if not scaling > 0:
        scaling = math.nan
    return se, _indices(robust, chi2, df, scaling, baseline_chi2, df0, c0, n)


def weight_matrix(a: FloatArray) -> FloatArray:
    r"""Return :math:`\tfrac12 D_p^\top (A \otimes A) D_p` for symmetric ``a``.

    Entry :math:`((i,j),(k,l))` is :math:`f_{ij} f_{kl} (a_{ik}a_{jl} +
    a_{il}a_{jk})` with :math:`f = 1` off the diagonal and :math:`1/2` on
    it (from :math:`D_p \operatorname{vech} E = \operatorname{vec} E`;
    Magnus & Neudecker 1999, ch. 3).
    """
    r, c = vech_indices(a.shape[0])
    f = np.where(r == c, 0.5, 1.0)
    t = a[np.ix_(r, r)] * a[np.ix_(c, c)] + a[np.ix_(r, c)] * a[np.ix_(c, r)]
    return np.asarray(t * np.outer(f, f), dtype=np.float64)


def _baseline_scaling(
    robust: str,
    s: FloatArray,
    gamma: FloatArray,
    r: np.ndarray[Any, Any],
    c: np.ndarray[Any, Any],
) -> tuple[float, int]:
    """Scaling factor of the independence model diag(S) and its df."""
    p = s.shape[0]
    df0 = p * (p - 1) // 2
    if df0 == 0:
        return math.nan, 0
    diag = np.flatnonzero(r == c)
    sigma0 = np.diag(np.diag(s))
    w0 = weight_matrix(np.diag(1.0 / np.diag(s)))
    wd0 = w0[:, diag]  # W0 Delta0, Delta0 = the unit columns of the variances
    e0_inv = np.linalg.inv(wd0[diag])
    if robust == "mlm":
        u0 = w0 - wd0 @ e0_inv @ wd0.T
        trace = float(np.sum(u0 * gamma))
    else:
        resid = s[r, c] - sigma0[r, c]
        b0 = wd0.T @ (gamma + np.outer(resid, resid)) @ wd0
        w_s = weight_matrix(_inv(s))
        trace = float(np.sum(w_s * gamma)) - float(np.sum(e0_inv * b0.T))
    c0 = trace / df0
    return (c0 if c0 > 0 else math.nan), df0


def _indices(  # noqa: PLR0917 - private
    robust: str,
    chi2: float,
    df: int,
    c: float,
    chi2_0: float,
    df0: int,
    c0: float,
    n: int,
) -> MLRobust:
    """Scaled and robust CFI, TLI and RMSEA (lavaan 0.6-14 formulas)."""
    t_sc = chi2 / c
    t0_sc = chi2_0 / c0
    p_sc = (
        float(special.chdtrc(df, t_sc)) if df > 0 and math.isfinite(t_sc) else math.nan
    )
    if df > 0 and math.isfinite(c):
        rmsea_sc = math.sqrt(max((t_sc - df) / (n * df), 0.0))
        rmsea_rb = math.sqrt(max((chi2 - c * df) / (n * df), 0.0))
        lo, hi = _rmsea_interval(t_sc, df, n, 0.90)
        lo, hi = math.sqrt(c) * lo, math.sqrt(c) * hi
    else:
        rmsea_sc = rmsea_rb = lo = hi = math.nan
    return MLRobust(
        estimator=robust,
        test=ROBUST[robust],
        information="expected" if robust == "mlm" else "observed",
        chi2=chi2,
        df=df,
        chi2_scaled=t_sc,
        p_scaled=p_sc,
        scaling_factor=c,
        baseline_chi2_scaled=t0_sc,
        baseline_scaling_factor=c0,
        cfi_scaled=_cfi(t_sc, df, t0_sc, df0, 1.0, 1.0),
        tli_scaled=_tli(t_sc, df, t0_sc, df0, 1.0, 1.0),
        rmsea_scaled=rmsea_sc,
        cfi_robust=_cfi(chi2, df, chi2_0, df0, c, c0),
        tli_robust=_tli(chi2, df, chi2_0, df0, c, c0),
        rmsea_robust=rmsea_rb,
        rmsea_robust_ci_low=lo,
        rmsea_robust_ci_high=hi,
    )


def _cfi(  # noqa: PLR0917 - private
    t: float, df: int, t0: float, df0: int, c: float, c0: float
) -> float:
    """CFI with noncentralities ``T - c df`` (Brosseau-Liard & Savalei 2014)."""
    if not all(math.isfinite(v) for v in (t, t0, c, c0)):
        return math.nan
    t1 = max(t - c * df, 0.0)
    t2 = max(t - c * df, t0 - c0 * df0, 0.0)
    return 1.0 if t2 == 0 else 1.0 - t1 / t2


def _tli(  # noqa: PLR0917 - private
    t: float, df: int, t0: float, df0: int, c: float, c0: float
) -> float:
    """TLI with noncentralities ``T - c df`` (lavaan ``lav_fit_tli``)."""
    if not all(math.isfinite(v) for v in (t, t0, c, c0)):
        return math.nan
    t1 = (t - c * df) * df0
    t2 = (t0 - c0 * df0) * df
    return 1.0 - t1 / t2 if df > 0 and t2 != 0 else 1.0


def _inv(a: FloatArray) -> FloatArray:
    return np.asarray(np.linalg.inv(a), dtype=np.float64)


def _inverse(a: FloatArray) -> FloatArray:
    """Inverse, or NaN (with a warning) where ``a`` is singular."""
    eig = np.linalg.eigvalsh(0.5 * (a + a.T))
    if not np.all(np.isfinite(eig)) or abs(eig[0]) <= 1e-12 * max(abs(eig[-1]), 1e-300):
        warnings.warn(
            "the information matrix of the robust standard errors is singular "
            "(an unidentified model): the robust standard errors are NaN.",
            SatmodelsWarning,
            stacklevel=4,
        )
        return np.full_like(a, np.nan)
    return np.asarray(np.linalg.inv(a), dtype=np.float64)


# ---------------------------------------------------------------- helpers
def _lookup(
    table: dict[tuple[str, str, str], float], lhs: str, op: str, rhs: str
) -> float:
    got = table.get((lhs, op, rhs))
    if got is None and op == "~~":
        got = table.get((rhs, op, lhs))
    return math.nan if got is None else got


def _free_vector(result: ACSIMLResult, st: Structure) -> FloatArray:
    """Return the free parameters of ``result`` in ``st`` order (original metric)."""
    est = {
        (e.lhs, e.op, e.rhs): e.estimate
        for e in (*result.loadings, *result.paths, *result.variances)
        if e.free
    }
    labels = parameter_labels(result.spec, st)
    return np.array([_lookup(est, *lab) for lab in labels])


def _in_table_order(
    result: ACSIMLResult,
    paths: tuple[MLEstimate, ...],
    loadings: tuple[MLEstimate, ...],
    variances: tuple[MLEstimate, ...],
) -> list[MLEstimate]:
    """Return the parameters in the row order of ``result.estimates``."""
    new = {(e.kind, e.lhs, e.op, e.rhs): e for e in (*paths, *loadings, *variances)}
    old = sorted(
        (*result.loadings, *result.paths, *result.variances),
        key=lambda e: _row_position(result, e),
    )
    return [new[(e.kind, e.lhs, e.op, e.rhs)] for e in old]


def _row_position(result: ACSIMLResult, e: MLEstimate) -> int:
    from .ml import _name  # noqa: PLC0415

    tab = result.estimates
    for k, (kind, name) in enumerate(zip(tab.kind, tab.name, strict=True)):
        if kind == e.kind and name == _name(e):
            return k
    return len(tab.kind)  # pragma: no cover - every parameter has a row
