r"""Numbers about an ML fit, computed from its estimates, S and Sigma.

Private helpers of :mod:`satmodels.acsi.ml`: the LISREL matrices from the
parameter table, the model-implied covariance (Joreskog 1973), completely
standardized estimates (Bollen 1989, p. 349), the global fit statistics
(Joreskog 1969; Bentler 1990; Tucker & Lewis 1973; Steiger 1990;
MacCallum, Browne & Sugawara 1996; Hu & Bentler 1999), admissibility checks
(Dillon, Kumar & Mulani 1987; Fornell & Larcker 1981) and the Bartlett
(1937) block weights behind the 0-100 indices. Full references are in
:mod:`satmodels.acsi.ml`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import optimize, special

from .._typing import FloatArray
from ..exceptions import EstimationError
from ..scales import Scale
from ._ml_result import MLEstimate
from .spec import ModelSpec

#: Latent correlations above this (in absolute value) are flagged.
_COLLINEAR = 0.95


Row = tuple[str, str, str, float, float, float, float, bool]


def _matrices(
    spec: ModelSpec, estimates: tuple[Row, ...]
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, list[tuple[str, Row]]]:
    """Put the parameter table (kernel or semopy) into Lambda, B, Psi, diag(Theta)."""
    latents = spec.latents
    inds = spec.indicators
    m, p = len(latents), len(inds)
    lam = np.zeros((p, m))
    beta = np.zeros((m, m))
    psi = np.zeros((m, m))
    theta = np.zeros(p)
    kinds: list[tuple[str, Row]] = []
    for row in estimates:
        lhs, op, rhs, est = row[0], row[1], row[2], row[3]
        if op == "=~":
            lam[inds.index(rhs), latents.index(lhs)] = est
            kinds.append(("loading", row))
        elif op == "~":
            beta[latents.index(lhs), latents.index(rhs)] = est
            kinds.append(("path", row))
        elif op == "~~" and lhs in latents:
            a, b = latents.index(lhs), latents.index(rhs)
            psi[a, b] = psi[b, a] = est
            kinds.append(("variance" if a == b else "covariance", row))
        elif op == "~~" and lhs == rhs and lhs in inds:
            theta[inds.index(lhs)] = est
            kinds.append(("residual_variance", row))
        else:  # pragma: no cover - neither route adds anything else
            msg = f"unexpected parameter {lhs} {op} {rhs} in the ML estimates"
            raise EstimationError(msg)
    # Order: loadings by block, paths, latent (co)variances by spec.latents,
    # then residual variances by spec.indicators.
    order = {
        "loading": 0,
        "path": 1,
        "variance": 2,
        "covariance": 2,
        "residual_variance": 3,
    }

    def key(kr: tuple[str, Row]) -> tuple[int, int, int]:
        kind, (lhs, _, rhs, *_rest) = kr
        names = inds if kind == "residual_variance" else latents
        first = latents.index(lhs) if kind != "residual_variance" else 0
        second = names.index(rhs) if rhs in names else inds.index(rhs)
        return order[kind], first, second

    kinds.sort(key=key)
    return lam, beta, psi, theta, kinds


def _implied(
    lam: FloatArray, beta: FloatArray, psi: FloatArray, theta: FloatArray
) -> tuple[FloatArray, FloatArray]:
    r"""Model-implied covariances of the indicators and of the latents.

    :math:`\mathrm{Cov}(\eta) = (I - B)^{-1} \Psi (I - B)^{-\top}` and
    :math:`\Sigma = \Lambda\,\mathrm{Cov}(\eta)\,\Lambda^\top + \Theta`
    (Jöreskog 1973; Bollen 1989, eq. 8.17 without exogenous x).
    """
    m = beta.shape[0]
    inv = np.linalg.inv(np.eye(m) - beta)
    cov_eta = inv @ psi @ inv.T
    sigma = lam @ cov_eta @ lam.T + np.diag(theta)
    return sigma, cov_eta


def _cov_to_corr(c: FloatArray) -> FloatArray:
    d = np.sqrt(np.clip(np.diag(c), 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(c / np.outer(d, d), dtype=np.float64)


def _standardize(
    spec: ModelSpec,
    rows: list[tuple[str, Row]],
    cov_eta: FloatArray,
    sigma: FloatArray,
) -> list[MLEstimate]:
    """Completely standardized estimates (lavaan ``std.all``; Bollen 1989, p. 349)."""
    latents, inds = spec.latents, spec.indicators
    var_eta = np.diag(cov_eta)
    var_x = np.diag(sigma)
    out = []
    for kind, (lhs, op, rhs, est, se, z, p, free) in rows:
        with np.errstate(divide="ignore", invalid="ignore"):
            if kind == "loading":
                s = (
                    est
                    * math.sqrt(max(var_eta[latents.index(lhs)], 0.0))
                    / math.sqrt(var_x[inds.index(rhs)])
                )
            elif kind == "path":
                vt = var_eta[latents.index(lhs)]
                vs = var_eta[latents.index(rhs)]
                s = est * math.sqrt(vs / vt) if vt > 0 and vs >= 0 else math.nan
            elif kind in {"variance", "covariance"}:
                va = var_eta[latents.index(lhs)]
                vb = var_eta[latents.index(rhs)]
                s = est / math.sqrt(va * vb) if va > 0 and vb > 0 else math.nan
            else:
                s = est / var_x[inds.index(lhs)]
        out.append(
            MLEstimate(
                kind=kind,
                lhs=lhs,
                op=op,
                rhs=rhs,
                estimate=est,
                se=se,
                z=z,
                p=p,
                std_estimate=float(s),
                free=free,
            )
        )
    return out


def _fit_statistics(S: FloatArray, sigma: FloatArray, n: int, q: int) -> dict[str, Any]:
    r"""Global fit statistics from the sample and implied covariance matrices.

    * :math:`F_{ML} = \log|\Sigma| - \log|S| + \mathrm{tr}(S\Sigma^{-1}) - p`
      (Jöreskog 1969, eq. 9), :math:`\chi^2 = n F_{ML}`,
      :math:`df = p(p+1)/2 - q`.
    * Baseline (independence) model :math:`\Sigma_0 = \mathrm{diag}(S)`:
      :math:`\chi^2_0 = n(\sum_i \log s_{ii} - \log|S|)`,
      :math:`df_0 = p(p-1)/2`.
    * :math:`CFI = 1 - \max(\chi^2 - df, 0) / \max(\chi^2 - df,
      \chi^2_0 - df_0, 0)` (Bentler 1990, eq. 6).
    * :math:`TLI = (\chi^2_0/df_0 - \chi^2/df) / (\chi^2_0/df_0 - 1)`
      (Tucker & Lewis 1973; Bentler & Bonett 1980).
    * :math:`RMSEA = \sqrt{\max(\chi^2 - df, 0) / (df\,n)}` (Steiger &
      Lind 1980; with N = n as lavaan); 90% interval from the
      noncentrality parameters :math:`\lambda` solving
      :math:`P(\chi^2_{df}(\lambda) \le \chi^2) = 0.95` and 0.05,
      :math:`\sqrt{\lambda / (df\,n)}` (Steiger 1990; MacCallum et al. 1996).
    * :math:`SRMR = \sqrt{\sum_{i \le j} ((s_{ij} - \sigma_{ij}) /
      \sqrt{s_{ii}s_{jj}})^2 / (p(p+1)/2)}` (Bentler 1995; Hu & Bentler 1999).
    * :math:`\log L = -\tfrac{n}{2}(p\log 2\pi + \log|\Sigma| +
      \mathrm{tr}(S\Sigma^{-1}))`, AIC :math:`= -2\log L + 2q` (Akaike 1974),
      BIC :math:`= -2\log L + q\log n` (Schwarz 1978).
    """
    p = S.shape[0]
    sign_s, logdet_s = np.linalg.slogdet(S)
    sign_m, logdet_m = np.linalg.slogdet(sigma)
    if sign_s <= 0 or sign_m <= 0:
        msg = "the implied covariance matrix is not positive definite"
        raise EstimationError(msg)
    tr = float(np.trace(np.linalg.solve(sigma, S)))
    f_ml = max(float(logdet_m - logdet_s + tr - p), 0.0)
    chi2 = n * f_ml
    df = p * (p + 1) // 2 - q
    pval = float(special.chdtrc(df, chi2)) if df > 0 else math.nan
    var = np.diag(S)
    chi2_0 = n * float(np.sum(np.log(var)) - logdet_s)
    df_0 = p * (p - 1) // 2
    d_model = max(chi2 - df, 0.0)
    denom = max(chi2 - df, chi2_0 - df_0, 0.0)
    cfi = 1.0 - d_model / denom if denom > 0 else 1.0
    if df > 0 and df_0 > 0 and chi2_0 / df_0 != 1.0:
        tli = (chi2_0 / df_0 - chi2 / df) / (chi2_0 / df_0 - 1.0)
    else:
        tli = math.nan
    if df > 0:
        rmsea = math.sqrt(max(chi2 - df, 0.0) / (df * n))
        lo, hi = _rmsea_interval(chi2, df, n, 0.90)
    else:
        rmsea, lo, hi = 0.0, 0.0, 0.0
    iu = np.triu_indices(p)
    resid = (S - sigma) / np.sqrt(np.outer(var, var))
    srmr = math.sqrt(float(np.mean(resid[iu] ** 2)))
    loglik = -0.5 * n * (p * math.log(2 * math.pi) + float(logdet_m) + tr)
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
        "aic": -2.0 * loglik + 2.0 * q,
        "bic": -2.0 * loglik + q * math.log(n),
        "loglik": loglik,
        "baseline_chi2": chi2_0,
        "baseline_df": df_0,
        "n_parameters": q,
        "n": n,
    }


def _rmsea_interval(chi2: float, df: int, n: int, level: float) -> tuple[float, float]:
    """RMSEA interval by inverting the noncentral chi-square cdf in lambda.

    Steiger (1990); MacCallum, Browne & Sugawara (1996, eq. 12-13): the lower
    (upper) noncentrality solves ``ncx2.cdf(chi2, df, lam) = (1 + level) / 2``
    (``(1 - level) / 2``); a bound is 0 when the cdf at ``lam = 0`` is already
    below the target.
    """

    def cdf(lam: float) -> float:
        # scipy.special's chdtr/chndtr are the functions behind
        # stats.chi2.cdf and stats.ncx2.cdf, without their per-call overhead
        # (about 0.5 ms each, most of an ML fit of 16 indicators).
        if lam <= 0:
            return float(special.chdtr(df, chi2))
        return float(special.chndtr(chi2, df, lam))

    def solve(target: float) -> float:
        if cdf(0.0) < target:
            return 0.0
        hi = max(chi2, 1.0)
        while cdf(hi) > target:
            hi *= 2.0
        root = optimize.brentq(lambda lam: cdf(lam) - target, 0.0, hi, xtol=1e-12)
        return float(root)

    lam_lo = solve((1.0 + level) / 2.0)
    lam_hi = solve((1.0 - level) / 2.0)
    return math.sqrt(lam_lo / (df * n)), math.sqrt(lam_hi / (df * n))


def _admissibility(
    spec: ModelSpec,
    estimates: list[MLEstimate],
    corr: FloatArray,
    var_eta: FloatArray,
    var_x: FloatArray,
) -> list[str]:
    """Messages for inadmissible or near-unidentified solutions.

    Heywood cases (Dillon, Kumar & Mulani 1987): a free variance below zero,
    or at zero (the kernel and semopy bound variances below by 0, so one that
    wants to be negative stops there; a free variance under 1e-6 of its
    variable's variance counts as such a boundary solution). Standardized
    paths or loadings beyond 1, and latent correlations above 0.95
    (Fornell & Larcker 1981: discriminant validity fails).
    """
    out = []
    latents, inds = spec.latents, spec.indicators
    negative = []
    for e in estimates:
        if not e.free or e.kind not in {"variance", "residual_variance"}:
            continue
        ref = (
            var_x[inds.index(e.lhs)]
            if e.kind == "residual_variance"
            else var_eta[latents.index(e.lhs)]
        )
        if e.estimate < 1e-6 * abs(ref):
            negative.append(e)
    if negative:
        names = ", ".join(f"{e.lhs} ({e.estimate:.3g})" for e in negative)
        out.append(
            f"variance estimate(s) negative or stuck at the lower bound 0 "
            f"(Heywood case): {names}. The solution is improper: an error or "
            "disturbance variance of zero means a latent or indicator is "
            "explained perfectly (R-squared 1), which real survey data do not "
            "support; the model is misspecified or empirically under-identified "
            "(too few indicators, a small sample, or nearly collinear latents). "
            "Do not interpret its estimates as they stand."
        )
    big = [
        e
        for e in estimates
        if e.kind in {"path", "loading"} and abs(e.std_estimate) > 1.0
    ]
    if big:
        names = ", ".join(
            (f"{e.rhs} -> {e.lhs}" if e.kind == "path" else f"{e.lhs} =~ {e.rhs}")
            + f" ({e.std_estimate:.2f})"
            for e in big
        )
        out.append(
            f"standardized estimate(s) above 1 in absolute value: {names}. "
            "This happens when predictors of the same latent are nearly "
            "collinear: the individual paths are not separately identified by "
            "the data (their standard errors are huge and another ML program "
            "may return very different values with the same chi2). Interpret "
            "total effects or combine the collinear constructs instead."
        )
    latents = spec.latents
    iu = np.triu_indices(len(latents), k=1)
    pairs = [
        (latents[i], latents[j], float(corr[i, j]))
        for i, j in zip(*iu, strict=True)
        if abs(corr[i, j]) > _COLLINEAR
    ]
    if pairs:
        names = ", ".join(f"{a} and {b} ({r:.3f})" for a, b, r in pairs)
        out.append(
            f"latent correlation(s) above {_COLLINEAR}: {names}. At this level "
            "respondents do not distinguish the constructs (no discriminant "
            "validity), and paths between or out of them are empirically "
            "unidentified: they can exceed 1, flip sign, and differ between "
            "ML programs at the same chi2. Report them with caution, merge the "
            "constructs, or rely on PLS estimates and total effects."
        )
    return out


def _block_weights(
    spec: ModelSpec, lam: FloatArray, theta: FloatArray
) -> dict[str, dict[str, float]]:
    """Within-block Bartlett weights ``lambda_i / theta_i``, normalised to sum to 1."""
    inds = spec.indicators
    out: dict[str, dict[str, float]] = {}
    for j, lv in enumerate(spec.latents):
        block = spec.block(lv).indicators
        idx = [inds.index(i) for i in block]
        if len(idx) == 1:
            out[lv] = {block[0]: 1.0}
            continue
        th = theta[idx]
        if np.any(th <= 0):
            out[lv] = {}
            continue
        raw = lam[idx, j] / th
        total = float(raw.sum())
        out[lv] = (
            {i: float(w / total) for i, w in zip(block, raw, strict=True)}
            if total > 0
            else {}
        )
    return out


def _scores(
    x: FloatArray,
    columns: tuple[str, ...],
    spec: ModelSpec,
    weights: dict[str, dict[str, float]],
    scale: Scale | None,
) -> FloatArray:
    """Per-respondent weighted composites (0-100 when a scale is given)."""
    if scale is not None:
        x = scale.rescale(x)
    out = np.full((x.shape[0], len(spec.latents)), np.nan)
    for j, lv in enumerate(spec.latents):
        wts = weights[lv]
        if wts:
            cols = [columns.index(i) for i in wts]
            out[:, j] = x[:, cols] @ np.array(list(wts.values()))
    return out
