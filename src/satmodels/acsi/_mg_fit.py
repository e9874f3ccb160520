r"""Invariance levels as parameter sharing, their fits and fit statistics.

Private helpers of :mod:`satmodels.acsi.multigroup`. The four levels of
measurement invariance (Meredith 1993; Vandenberg & Lance 2000) are the
multigroup model of :mod:`._mg_ml_kernel` with more and more local
parameters shared by all groups:

=============  ===========================================================
configural     same pattern; intercepts free, latent intercepts 0
metric         + loadings equal
scalar         + indicator intercepts equal; latent intercepts free in
               groups 2..G (0 in group 1, the reference)
strict         + residual variances equal
=============  ===========================================================

which is lavaan's ``group.equal`` (``"loadings"``, ``"intercepts"``,
``"residuals"``) with its defaults: marker loadings 1 in every group,
structural paths and latent (co)variances free in every group (Rosseel
2012). Fit statistics follow lavaan for multiple groups: :math:`\chi^2 = N
F = \sum_g n_g F_g`; baseline the independence model of every group
(:math:`df_0 = G\,p(p-1)/2`); CFI (Bentler 1990) and TLI (Tucker & Lewis
1973) from them; RMSEA :math:`\sqrt{G}\sqrt{\max(\chi^2 - df, 0)/(df\,N)}`
with its 90% interval scaled the same way (Steiger 1998, whose multigroup
correction lavaan applies: ``lav_fit_rmsea``); SRMR the :math:`n_g/N`
weighted mean of the groups' SRMR with the mean residuals included
(Bentler's, lavaan's default with a mean structure).

References
----------
.. [1] Meredith, W. (1993). Measurement invariance, factor analysis and
   factorial invariance. Psychometrika, 58(4), 525-543.
.. [2] Vandenberg, R. J., & Lance, C. E. (2000). A review and synthesis of
   the measurement invariance literature. Organizational Research Methods,
   3(1), 4-70.
.. [3] Steiger, J. H. (1998). A note on multiple sample extensions of the
   RMSEA fit index. Structural Equation Modeling, 5(4), 411-419.
.. [4] Rosseel, Y. (2012). lavaan: an R package for structural equation
   modeling. Journal of Statistical Software, 48(2), 1-36.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from .._typing import FloatArray
from ._blas import one_blas_thread
from ._invariance_result import LEVELS
from ._mg_ml_kernel import (
    GroupData,
    GroupMap,
    group_parts,
    local_parameters,
    mg_objective,
    minimize_mg,
)
from ._ml_kernel import Structure, _parts, compile_structure
from ._ml_optim import (
    _rows,
    fit_kernel,
    metric_factors,
    parameter_labels,
    standard_errors,
)
from ._ml_stats import _rmsea_interval
from .spec import ModelSpec

__all__ = [
    "LEVELS",
    "LevelFit",
    "build_maps",
    "fit_levels",
    "fit_statistics",
    "start",
]


Row = tuple[str, str, str, float, float, float, float, bool]


@dataclass(frozen=True, slots=True, kw_only=True)
class LevelFit:
    """Plain numbers of one level's multigroup fit (original metric)."""

    level: str
    rows: tuple[tuple[Row, ...], ...]  # per group, with the '~1' rows
    shared: tuple[tuple[bool, ...], ...]  # per group and row: held equal
    sigma: tuple[FloatArray, ...]
    mu: tuple[FloatArray, ...]
    latent_cov: tuple[FloatArray, ...]
    objective: float
    n_free: int
    converged: bool
    message: str
    n_iterations: int


def build_maps(st: Structure, n_groups: int, level: str) -> tuple[GroupMap, ...]:
    """Index arrays of each group's local parameters into the global vector."""
    q, p, m = st.q, st.p, st.m
    a, _, c, _ = st.spans
    rank = LEVELS.index(level)
    shared = np.zeros(q + p + m, dtype=bool)
    if rank >= 1:
        shared[:a] = True
    if rank >= 2:
        shared[q : q + p] = True
    if rank >= 3:
        shared[c:q] = True
    fixed_alpha_all = rank < 2
    out = []
    nxt = 0
    first = np.full(q + p + m, -1, dtype=np.intp)
    for g in range(n_groups):
        idx = np.full(q + p + m, -1, dtype=np.intp)
        for k in range(q + p + m):
            if k >= q + p and (fixed_alpha_all or g == 0):
                continue
            if shared[k] and g > 0:
                idx[k] = first[k]
            else:
                idx[k] = nxt
                nxt += 1
        if g == 0:
            first = idx.copy()
        out.append(GroupMap(index=idx))
    return tuple(out)


def _gather(
    locals_: list[FloatArray], maps: tuple[GroupMap, ...], weights: FloatArray
) -> FloatArray:
    """Global vector from per-group local vectors (weighted mean of shared)."""
    size = 1 + max(int(gm.index.max()) for gm in maps)
    num = np.zeros(size)
    den = np.zeros(size)
    for x, gm, w in zip(locals_, maps, weights, strict=True):
        free = gm.free
        np.add.at(num, gm.index[free], w * x[free])
        np.add.at(den, gm.index[free], w)
    return num / den


def fit_levels(
    spec: ModelSpec,
    covs: list[FloatArray],
    means: list[FloatArray],
    ns: list[float],
    levels: tuple[str, ...],
) -> dict[str, LevelFit]:
    """Fit every requested level, each starting from the one before."""
    st = compile_structure(spec)
    total = float(sum(ns))
    wts = np.array(ns) / total
    centre = sum(w * mu for w, mu in zip(wts, means, strict=True))
    pooled = sum(w * s for w, s in zip(wts, covs, strict=True))
    sd = np.sqrt(np.diag(np.asarray(pooled)))
    scale = np.outer(sd, sd)
    groups = tuple(
        GroupData(
            cov=s / scale,
            mean=(mu - centre) / sd,
            n=n,
            logdet=float(np.linalg.slogdet(s / scale)[1]),
        )
        for s, mu, n in zip(covs, means, ns, strict=True)
    )
    q, m = st.q, st.m
    with one_blas_thread():
        locals_ = []
        for gd in groups:
            single = fit_kernel(spec, gd.cov, max(int(gd.n), 1), structure=st)
            x0 = single.parameters if single.parameters is not None else np.zeros(q)
            locals_.append(np.concatenate([x0, gd.mean, np.zeros(m)]))
        initial = list(locals_)  # the segments' own (bounded) fits
        out: dict[str, LevelFit] = {}
        for level in LEVELS[: 1 + max(LEVELS.index(lv) for lv in levels)]:
            maps = build_maps(st, len(groups), level)
            if level == "scalar":
                locals_ = _scalar_start(st, locals_, groups)
                initial = _scalar_start(st, initial, groups)
            theta0 = start(st, (locals_, initial), maps, wts, groups)
            theta, f, ok, it, msg, info = minimize_mg(st, theta0, groups, maps)
            locals_ = [local_parameters(theta, gm) for gm in maps]
            if level in levels:
                out[level] = _level_fit(
                    spec,
                    st,
                    level,
                    theta,
                    maps,
                    (f, ok, it, msg, info),
                    sd,
                    centre,
                    total,
                )
    return out


def start(
    st: Structure,
    candidates: tuple[list[FloatArray], ...],
    maps: tuple[GroupMap, ...],
    weights: FloatArray,
    groups: tuple[GroupData, ...],
) -> FloatArray:
    """Return the first candidate start whose implied Sigmas are all PD.

    The previous level's solution, averaged over the segments where the
    next level shares a parameter, can leave a Sigma indefinite (a negative
    residual variance shared at the strict level); the segments' own fits
    (variances bounded at 0) are then the start. The last candidate is
    returned when none is PD (the optimiser then reports it).
    """
    theta = _gather(candidates[0], maps, weights)
    for cand in candidates:
        theta = _gather(cand, maps, weights)
        if math.isfinite(mg_objective(st, theta, groups, maps)):
            break
    return theta


def _scalar_start(
    st: Structure, locals_: list[FloatArray], groups: tuple[GroupData, ...]
) -> list[FloatArray]:
    r"""Latent intercepts from the marker means' shifts against group 1.

    :math:`\kappa_g = m_g[\text{markers}] - m_1[\text{markers}]` is the
    latent mean shift, :math:`\alpha_g = (I - B_g)\kappa_g` its intercept,
    and :math:`\nu_g = m_g - \Lambda_g A_g \alpha_g`, so every group starts
    near common intercepts.
    """
    q, p = st.q, st.p
    base = groups[0].mean[st.markers]
    out = []
    for g, (x, gd) in enumerate(zip(locals_, groups, strict=True)):
        y = x.copy()
        if g > 0:
            kappa = gd.mean[st.markers] - base
            _, _, la, a, _ = group_parts(
                st, np.concatenate([x[:q], gd.mean, 0 * kappa])
            )
            alpha = np.linalg.solve(a, kappa)
            y[q + p :] = alpha
            y[q : q + p] = gd.mean - la @ alpha
        out.append(y)
    return out


def _level_fit(  # noqa: PLR0917 - private, one call site
    spec: ModelSpec,
    st: Structure,
    level: str,
    theta: FloatArray,
    maps: tuple[GroupMap, ...],
    opt: tuple[float, bool, int, str, FloatArray | None],
    sd: FloatArray,
    centre: FloatArray,
    total: float,
) -> LevelFit:
    """Estimates, standard errors and implied moments in the original metric."""
    f, ok, it, msg, info = opt
    q, p = st.q, st.p
    se = (
        standard_errors(info * total, 1)
        if info is not None
        else np.full(theta.size, np.nan)
    )
    local_factor = np.concatenate([metric_factors(st, sd), sd, sd[st.markers]])
    counts = np.zeros(theta.size, dtype=np.intp)
    for gm in maps:
        np.add.at(counts, gm.index[gm.free], 1)
    rows_all, shared_all, sigmas, mus, lcovs = [], [], [], [], []
    dm = sd[st.markers]
    for gm in maps:
        x = local_parameters(theta, gm)
        s = np.where(
            gm.free, np.append(se, np.nan)[np.where(gm.free, gm.index, -1)], np.nan
        )
        xo = x * local_factor
        xo[q : q + p] += centre
        so = s * local_factor
        cov_rows = _rows(spec, st, xo[:q], so[:q])
        sig, mu, *_ = group_parts(st, x)
        sigmas.append(sig * np.outer(sd, sd))
        lcovs.append(_parts(st, x[:q])[5] * np.outer(dm, dm))
        mus.append(centre + sd * mu)
        mean_rows = [
            _mean_row(name, xo[q + i], so[q + i], free=True)
            for i, name in enumerate(spec.indicators)
        ] + [
            _mean_row(name, xo[q + p + j], so[q + p + j], free=bool(gm.free[q + p + j]))
            for j, name in enumerate(spec.latents)
        ]
        rows = tuple(cov_rows) + tuple(mean_rows)
        # which rows are held equal: map each free row back to its local slot
        is_shared = _shared_flags(spec, st, gm, counts)
        rows_all.append(rows)
        shared_all.append(tuple(is_shared.get((r[0], r[1], r[2]), False) for r in rows))
    return LevelFit(
        level=level,
        rows=tuple(rows_all),
        shared=tuple(shared_all),
        sigma=tuple(sigmas),
        mu=tuple(mus),
        latent_cov=tuple(lcovs),
        objective=float(f),
        n_free=int(theta.size),
        converged=bool(ok),
        message=msg,
        n_iterations=int(it),
    )


def _mean_row(name: str, est: float, se: float, *, free: bool) -> Row:
    if not free:
        nan = math.nan
        return (name, "~1", "", 0.0, nan, nan, nan, False)
    z = est / se if se > 0 else math.nan
    pv = float(2.0 * special.ndtr(-abs(z))) if math.isfinite(z) else math.nan
    return (name, "~1", "", float(est), float(se), z, pv, True)


def _shared_flags(
    spec: ModelSpec, st: Structure, gm: GroupMap, counts: np.ndarray
) -> dict[tuple[str, str, str], bool]:
    """``(lhs, op, rhs)`` -> whether that free parameter is shared by groups."""
    out = {
        label: bool(counts[gm.index[k]] > 1)
        for k, label in enumerate(parameter_labels(spec, st))
    }
    for i, name in enumerate(spec.indicators):
        out[(name, "~1", "")] = bool(counts[gm.index[st.q + i]] > 1)
    return out


def fit_statistics(
    covs: list[FloatArray],
    means: list[FloatArray],
    ns: list[float],
    fit: LevelFit,
) -> dict[str, Any]:
    """Multigroup chi2, df, CFI, TLI, RMSEA (sqrt(G) convention), SRMR, logL."""
    n_groups = len(covs)
    p = covs[0].shape[0]
    total = float(sum(ns))
    chi2_g, base, loglik, srmr = [], 0.0, 0.0, 0.0
    for s, mbar, n, sig, mu in zip(covs, means, ns, fit.sigma, fit.mu, strict=True):
        _, logdet_s = np.linalg.slogdet(s)
        _, logdet_m = np.linalg.slogdet(sig)
        w = np.linalg.inv(sig)
        d = mbar - mu
        tr = float(np.sum(s * w))
        quad = float(d @ w @ d)
        chi2_g.append(n * max(logdet_m + tr + quad - logdet_s - p, 0.0))
        var = np.diag(s)
        base += n * (float(np.sum(np.log(var))) - logdet_s)
        loglik += -0.5 * n * (p * math.log(2 * math.pi) + logdet_m + tr + quad)
        iu = np.triu_indices(p)
        rc = (s - sig) / np.sqrt(np.outer(var, var))
        rm = d / np.sqrt(var)
        e = p * (p + 1) / 2 + p
        srmr += (
            n
            / total
            * math.sqrt((float(np.sum(rc[iu] ** 2)) + float(np.sum(rm**2))) / e)
        )
    chi2 = float(sum(chi2_g))
    q = fit.n_free
    df = n_groups * (p * (p + 1) // 2 + p) - q
    df0 = n_groups * p * (p - 1) // 2
    pval = float(special.chdtrc(df, chi2)) if df > 0 else math.nan
    d_model = max(chi2 - df, 0.0)
    denom = max(chi2 - df, base - df0, 0.0)
    cfi = 1.0 - d_model / denom if denom > 0 else 1.0
    if df > 0 and base / df0 != 1.0:
        tli = (base / df0 - chi2 / df) / (base / df0 - 1.0)
    else:
        tli = math.nan
    root_g = math.sqrt(n_groups)
    if df > 0:
        rmsea = math.sqrt(d_model / (df * total)) * root_g
        lo, hi = _rmsea_interval(chi2, df, round(total), 0.90)
        lo, hi = lo * root_g, hi * root_g
    else:
        rmsea, lo, hi = 0.0, 0.0, 0.0
    return {
        "chi2": chi2,
        "df": float(df),
        "pvalue": pval,
        "cfi": cfi,
        "tli": tli,
        "rmsea": rmsea,
        "rmsea_ci_low": lo,
        "rmsea_ci_high": hi,
        "srmr": srmr,
        "loglik": loglik,
        "aic": -2.0 * loglik + 2.0 * q,
        "bic": -2.0 * loglik + q * math.log(total),
        "baseline_chi2": base,
        "baseline_df": float(df0),
        "n_parameters": float(q),
        "chi2_by_segment": tuple(chi2_g),
    }
