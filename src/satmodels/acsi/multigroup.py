r"""Measurement invariance of an ACSI-type model across segments (multigroup ML).

:func:`invariance` fits a reflective :class:`~satmodels.acsi.spec.ModelSpec`
in every segment at once by maximum likelihood with a mean structure, at up
to four nested levels (Meredith 1993; Vandenberg & Lance 2000): configural
(same pattern), metric (equal loadings), scalar (equal loadings and
intercepts, latent means free in segments 2..G) and strict (also equal
residual variances), and tests each level against the one before by the
chi-square difference, with the changes of CFI and RMSEA (Cheung &
Rensvold 2002; Chen 2007). Only each segment's covariance matrix, means and
size are used: on a lazy engine they come from one grouped aggregation.
The kernel is :mod:`satmodels.acsi._mg_ml_kernel`; the levels and fit
statistics are :mod:`satmodels.acsi._mg_fit`.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._validation import check_confidence_level
from ..data import read
from ..exceptions import (
    AdmissibilityWarning,
    ConvergenceWarning,
    EstimationError,
    InputError,
)
from ..results._estimates import Estimates, concat, estimates
from ._common import MIN_ROWS_FIT, as_spec
from ._invariance_result import (
    LEVELS,
    InvarianceFit,
    InvarianceResult,
    InvarianceTest,
)
from .spec import ModelSpec

if TYPE_CHECKING:
    from ._mg_fit import LevelFit

__all__ = [
    "InvarianceFit",
    "InvarianceResult",
    "InvarianceTest",
    "invariance",
]

_WHERE = "acsi.invariance"
Level = Literal["configural", "metric", "scalar", "strict"]
_FIT_ROWS = (
    "chi2",
    "df",
    "pvalue",
    "cfi",
    "tli",
    "rmsea",
    "rmsea_ci_low",
    "rmsea_ci_high",
    "srmr",
    "aic",
    "bic",
)


def invariance(
    data: object,
    *,
    model: ModelSpec | str | Mapping[str, Any] = "acsi",
    segments: object,
    levels: Sequence[Level] = ("configural", "metric", "scalar", "strict"),
    columns: Sequence[str] | None = None,
    weights: object = None,
    nan_policy: Literal["omit", "raise"] = "omit",
    confidence_level: float = 0.95,
) -> InvarianceResult:
    r"""Test measurement invariance of a model across segments.

    Parameters
    ----------
    data : array_like, mapping, dataframe or lazy frame
        Respondents x indicators (and the segment column). A lazy frame
        (polars, DuckDB, Spark) is reduced to each segment's moments on its
        engine in one grouped aggregation.
    model : ModelSpec, str or dict
        A reflective model as in :func:`satmodels.acsi.fit`: a preset name
        (``"acsi"``, ``"ecsi"``, ...), a preset with the user's names, model
        text (``"SAT =~ s1 + s2 + s3; LOY =~ l1 + l2"``: without paths, a
        confirmatory factor model with correlated latents) or a dict.
    segments : array_like or str
        Segment label of each respondent, or the name of their column; at
        least two segments. The first label in sorted order is the
        reference group (latent means 0).
    levels : sequence of str
        The levels to fit, in their nested order: any of ``"configural"``,
        ``"metric"``, ``"scalar"``, ``"strict"`` (default all four). Each is
        compared with the one before it in this sequence.
    columns : sequence of str, optional
        Names of an array's columns, or the columns of a frame to use.
    weights : array_like or str, optional
        Case weights, or the name of their column. Each segment's sample
        size is then Kish's effective size; standard errors are model-based.
    nan_policy : {"omit", "raise"}
        Incomplete rows are dropped within each segment (listwise, as
        lavaan), or any missing answer is an :class:`InputError`.
    confidence_level : float
        Level of the parameters' Wald intervals (``result.fits[...]``).

    Returns
    -------
    InvarianceResult

    Raises
    ------
    InputError
        No segments or a single one, an unknown or repeated level, a
        segment with no more respondents than indicators (or fewer than 3),
        an indicator without variance in a segment.
    SpecificationError
        An invalid model, or a formative (mode B) block.
    EstimationError
        A segment's implied covariance matrix is singular at the start.

    Warns
    -----
    ConvergenceWarning
        The optimiser stopped before the gradient vanished at some level.
    AdmissibilityWarning
        A negative variance estimate (Heywood case), or a latent covariance
        matrix that is not positive definite in a segment (lavaan warns of
        both). As lavaan, variances are not bounded at 0, so the fit
        statistics are those of the unrestricted maximum.

    Notes
    -----
    Segment :math:`g` has :math:`\mu_g = \nu_g + \Lambda_g (I - B_g)^{-1}
    \alpha_g` and :math:`\Sigma_g = \Lambda_g (I - B_g)^{-1} \Psi_g
    (I - B_g)^{-\top} \Lambda_g^\top + \Theta_g`, and the segments are fitted
    together by minimising

    .. math::

        F = \sum_g \frac{n_g}{N}\Big[\log|\Sigma_g| +
        \operatorname{tr}(S_g\Sigma_g^{-1}) - \log|S_g| - p +
        (m_g - \mu_g)^\top\Sigma_g^{-1}(m_g - \mu_g)\Big]

    (Jöreskog 1971; Sörbom 1974), :math:`S_g` with divisor :math:`n_g`.
    Levels share parameters across segments: metric the loadings (markers
    are 1 everywhere), scalar also the intercepts :math:`\nu` (the latent
    intercepts :math:`\alpha_g` are then free in segments 2..G), strict also
    the residual variances :math:`\Theta`; paths and latent (co)variances
    stay free. :math:`\chi^2 = N F` on :math:`G(p(p+3)/2) - q` degrees of
    freedom; the difference test of a level against the previous one is
    :math:`\Delta\chi^2` on :math:`\Delta df`. CFI and TLI use the
    independence model of every segment; RMSEA is lavaan's multigroup
    :math:`\sqrt{G}\sqrt{\max(\chi^2 - df, 0)/(df\,N)}` (Steiger 1998);
    SRMR the :math:`n_g/N` weighted mean of the segments' SRMR with mean
    residuals (Bentler). Standard errors come from the expected
    information, :math:`(N \sum_g \frac{n_g}{N} \mathcal I_g)^{-1}`, as
    lavaan's defaults (``likelihood = "normal"``, ``information =
    "expected"``). Checked against lavaan 0.6 (``group.equal``,
    ``lavTestLRT``) on the ECSI mobile-phone survey split in two and on the
    bundled sample survey by segment: fit statistics agree to 1e-7
    (tests/golden/lavaan_invariance.json).

    Each segment needs more respondents than indicators, and at least 3.

    References
    ----------
    .. [1] Jöreskog, K. G. (1971). Simultaneous factor analysis in several
       populations. Psychometrika, 36(4), 409-426.
    .. [2] Sörbom, D. (1974). A general method for studying differences in
       factor means and factor structure between groups. British Journal of
       Mathematical and Statistical Psychology, 27(2), 229-239.
    .. [3] Meredith, W. (1993). Measurement invariance, factor analysis and
       factorial invariance. Psychometrika, 58(4), 525-543.
    .. [4] Vandenberg, R. J., & Lance, C. E. (2000). A review and synthesis
       of the measurement invariance literature. Organizational Research
       Methods, 3(1), 4-70.
    .. [5] Cheung, G. W., & Rensvold, R. B. (2002). Evaluating
       goodness-of-fit indexes for testing measurement invariance.
       Structural Equation Modeling, 9(2), 233-255.
    .. [6] Chen, F. F. (2007). Sensitivity of goodness of fit indexes to
       lack of measurement invariance. Structural Equation Modeling, 14(3),
       464-504.
    .. [7] Steiger, J. H. (1998). A note on multiple sample extensions of
       the RMSEA fit index. Structural Equation Modeling, 5(4), 411-419.

    Examples
    --------
    >>> from satmodels import acsi
    >>> from satmodels.datasets import load_sample_survey
    >>> import warnings
    >>> survey = load_sample_survey()
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     res = acsi.invariance(survey, model="acsi", segments="segment")
    >>> # val1's residual variance is negative in 'west' (metric, scalar)
    >>> sorted({w.category.__name__ for w in caught})
    ['AdmissibilityWarning']
    >>> res.levels
    ('configural', 'metric', 'scalar', 'strict')
    >>> # lavaan 0.6: sem(..., group = "segment", group.equal = "loadings")
    >>> round(res.fits["metric"].chi2, 2), res.fits["metric"].df
    (354.35, 308.0)
    >>> round(res.comparisons[0].pvalue, 3)  # metric vs configural
    0.439
    """
    from ._mg_fit import fit_levels, fit_statistics  # noqa: PLC0415 - scipy, lazily

    spec = as_spec(model, _WHERE)
    level = check_confidence_level(confidence_level, _WHERE)
    chosen = _check_levels(levels)
    from ._semopy_backend import to_semopy_syntax  # noqa: PLC0415

    to_semopy_syntax(spec)  # rejects formative blocks
    if segments is None:
        msg = (
            f"The 'segments' parameter of {_WHERE} is required: invariance "
            "compares the model across segments (labels per respondent or "
            "the name of their column)."
        )
        raise InputError(msg)
    if nan_policy not in ("omit", "raise"):
        msg = (
            f"The 'nan_policy' parameter of {_WHERE} must be 'omit' or "
            f"'raise'. Got {nan_policy!r} instead."
        )
        raise InputError(msg)
    table = read(
        data,
        where=_WHERE,
        columns=columns,
        roles={"model": spec.indicators},
        weights=weights,
        segments=segments,
        accept=("rows", "lazy"),
    )
    grouped = table.moments_by_segment(
        spec.indicators, missing="listwise", nan_policy=nan_policy
    )
    if len(grouped) < 2:
        msg = (
            f"The 'segments' parameter of {_WHERE} must give at least two "
            f"segments. Got {len(grouped)}: {sorted(grouped)}."
        )
        raise InputError(msg)
    covs, means, ns = _segment_moments(spec, grouped)
    try:
        fits = fit_levels(spec, covs, means, [float(n) for n in ns], chosen)
    except np.linalg.LinAlgError as exc:
        msg = f"{_WHERE}: a fitted covariance matrix is singular ({exc})."
        raise EstimationError(msg) from exc
    labels = tuple(grouped)
    out_fits: dict[str, InvarianceFit] = {}
    problems: list[str] = []
    for lv in chosen:
        lf = fits[lv]
        if not math.isfinite(lf.objective):
            msg = (
                f"{_WHERE}: the implied covariance matrix of the {lv} model is "
                "not positive definite at the starting values."
            )
            raise EstimationError(msg)
        stats = fit_statistics(covs, means, [float(n) for n in ns], lf)
        out_fits[lv] = _fit_record(
            spec, lv, lf, stats, labels, ns, level, table.backend
        )
        if not lf.converged:
            warnings.warn(
                f"{_WHERE}: the {lv} model did not converge ({lf.message}); its "
                "estimates and fit statistics may not be at the maximum of the "
                "likelihood.",
                ConvergenceWarning,
                stacklevel=2,
            )
        problems.extend(_heywood(lv, lf, labels))
    for m in problems:
        warnings.warn(m, AdmissibilityWarning, stacklevel=2)
    tests = tuple(
        _compare(out_fits[a], out_fits[b]) for a, b in itertools.pairwise(chosen)
    )
    report = None
    for mom in grouped.values():
        rep = mom.missing_report
        report = rep if report is None else report.merge(rep)
    return InvarianceResult(
        spec=spec,
        levels=chosen,
        fits=out_fits,
        comparisons=tests,
        n=int(sum(ns)),
        n_by_segment=dict(zip(labels, ns, strict=True)),
        estimates=_summary_table(out_fits, tests, sum(ns), level, table.backend),
        confidence_level=level,
        converged=all(f.converged for f in out_fits.values()),
        admissibility=tuple(problems),
        missing_report=report,
        _backend=table.backend,
    )


# ---------------------------------------------------------------- helpers
def _check_levels(levels: object) -> tuple[str, ...]:
    """Return the requested levels, validated: known, unique, nested order."""
    if isinstance(levels, str) or not isinstance(levels, Sequence) or not levels:
        msg = (
            f"The 'levels' parameter of {_WHERE} must be a non-empty sequence of "
            f"level names from {list(LEVELS)}. Got {levels!r} instead."
        )
        raise InputError(msg)
    names = [str(x) for x in levels]
    unknown = [x for x in names if x not in LEVELS]
    if unknown:
        msg = (
            f"The 'levels' parameter of {_WHERE} has unknown level(s) {unknown}; "
            f"the levels are {list(LEVELS)}."
        )
        raise InputError(msg)
    ranks = [LEVELS.index(x) for x in names]
    if ranks != sorted(set(ranks)):
        msg = (
            f"The 'levels' parameter of {_WHERE} must list each level once, in "
            f"the nested order {list(LEVELS)}. Got {names}."
        )
        raise InputError(msg)
    return tuple(names)


def _segment_moments(
    spec: ModelSpec, grouped: Mapping[str, Any]
) -> tuple[list[np.ndarray], list[np.ndarray], list[int]]:
    """Covariance (divisor n), means and n of each segment, checked."""
    from .ml import _check_covariance, _sample_size  # noqa: PLC0415

    p = len(spec.indicators)
    covs, means, ns = [], [], []
    for label, mom in grouped.items():
        n, _ = _sample_size(mom)
        if n <= p or n < MIN_ROWS_FIT:
            msg = (
                f"The 'data' parameter of {_WHERE} gives segment {label!r} "
                f"n = {n} complete observations for {p} indicators; maximum "
                "likelihood needs more observations than indicators in every "
                "segment."
            )
            raise InputError(msg)
        cov = mom.covariance(ddof=0)
        try:
            _check_covariance(cov, spec.indicators, f"{_WHERE} (segment {label!r})")
        except np.linalg.LinAlgError as exc:
            msg = (
                f"The covariance matrix of segment {label!r} in the 'data' of "
                f"{_WHERE} is not usable: {exc}."
            )
            raise InputError(msg) from exc
        covs.append(cov)
        means.append(np.asarray(mom.mean, dtype=np.float64))
        ns.append(int(n))
    return covs, means, ns


_KIND = {"=~": "loading", "~": "path", "~1": "intercept"}


def _kind(spec: ModelSpec, lhs: str, op: str, rhs: str) -> str:
    if op == "~1":
        return "latent_intercept" if lhs in spec.latents else "intercept"
    if op in _KIND:
        return _KIND[op]
    if lhs in spec.latents:
        return "variance" if lhs == rhs else "covariance"
    return "residual_variance"


def _name(kind: str, lhs: str, rhs: str) -> str:
    if kind == "path":
        return f"{rhs} -> {lhs}"
    if kind == "loading":
        return rhs
    if kind in {"residual_variance", "intercept", "latent_intercept", "variance"}:
        return lhs
    return f"{lhs} ~~ {rhs}"


def _fit_record(  # noqa: PLR0917 - private, one call site
    spec: ModelSpec,
    lv: str,
    lf: LevelFit,
    stats: dict[str, Any],
    labels: tuple[str, ...],
    ns: list[int],
    level: float,
    backend: str | None,
) -> InvarianceFit:
    """Build the public record of one level: statistics, parameter table."""
    spec_rows = lf.rows
    parts = []
    equal: list[bool] = []
    for label, n, rows, shared in zip(labels, ns, spec_rows, lf.shared, strict=True):
        kinds = [_kind(spec, r[0], r[1], r[2]) for r in rows]
        parts.append(
            estimates(
                name=[_name(k, r[0], r[2]) for k, r in zip(kinds, rows, strict=True)],
                estimate=[r[3] for r in rows],
                kind=kinds,
                confidence_level=level,
                standard_error=[r[4] if r[7] else math.nan for r in rows],
                n=float(n),
                interval=["normal" if r[7] else "none" for r in rows],
                segment=label,
                backend=backend,
            )
        )
        equal.extend(shared)
    return InvarianceFit(
        level=lv,
        chi2=stats["chi2"],
        df=stats["df"],
        pvalue=stats["pvalue"],
        cfi=stats["cfi"],
        tli=stats["tli"],
        rmsea=stats["rmsea"],
        rmsea_ci_low=stats["rmsea_ci_low"],
        rmsea_ci_high=stats["rmsea_ci_high"],
        srmr=stats["srmr"],
        loglik=stats["loglik"],
        aic=stats["aic"],
        bic=stats["bic"],
        baseline_chi2=stats["baseline_chi2"],
        baseline_df=stats["baseline_df"],
        n_parameters=lf.n_free,
        chi2_by_segment=dict(zip(labels, stats["chi2_by_segment"], strict=True)),
        converged=lf.converged,
        estimates=concat(parts),
        equal=tuple(equal),
    )


def _heywood(lv: str, lf: LevelFit, labels: tuple[str, ...]) -> list[str]:
    """Messages for negative variances and non-PD latent covariance matrices."""
    bad = [
        f"{r[0]} in {label!r} ({r[3]:.3g})"
        for label, rows in zip(labels, lf.rows, strict=True)
        for r in rows
        if r[1] == "~~" and r[0] == r[2] and r[7] and r[3] < 0
    ]
    out = []
    if bad:
        out.append(
            f"{_WHERE}: negative variance estimate(s) at the {lv} level (Heywood "
            f"case): {', '.join(bad)}. The solution is improper; its fit "
            "statistics are those of the unrestricted maximum (as lavaan)."
        )
    not_pd = [
        label
        for label, cov in zip(labels, lf.latent_cov, strict=True)
        if np.linalg.eigvalsh(cov)[0] < 0
    ]
    if not_pd:
        out.append(
            f"{_WHERE}: the latent covariance matrix is not positive definite "
            f"at the {lv} level in segment(s) {not_pd} (a latent correlation "
            "beyond 1 or a negative variance): the constructs are not "
            "distinguished there; interpret the estimates with caution."
        )
    return out


def _compare(base: InvarianceFit, nested: InvarianceFit) -> InvarianceTest:
    """Chi-square difference test and changes of CFI and RMSEA."""
    from scipy import special  # noqa: PLC0415 - keeps import light

    d_chi2 = nested.chi2 - base.chi2
    d_df = nested.df - base.df
    pval = float(special.chdtrc(d_df, max(d_chi2, 0.0))) if d_df > 0 else math.nan
    return InvarianceTest(
        base=base.level,
        nested=nested.level,
        delta_chi2=d_chi2,
        delta_df=d_df,
        pvalue=pval,
        delta_cfi=nested.cfi - base.cfi,
        delta_rmsea=nested.rmsea - base.rmsea,
    )


def _summary_table(
    fits: dict[str, InvarianceFit],
    tests: tuple[InvarianceTest, ...],
    n: int,
    level: float,
    backend: str | None,
) -> Estimates:
    """Fit rows of every level and comparison rows (no intervals)."""
    kinds: list[str] = []
    names: list[str] = []
    values: list[float] = []
    stat: list[float] = []
    pvals: list[float] = []
    for lv, f in fits.items():
        for key in _FIT_ROWS:
            kinds.append(lv)
            names.append(key)
            values.append(float(getattr(f, key)))
            stat.append(f.chi2 if key == "chi2" else math.nan)
            pvals.append(f.pvalue if key == "chi2" else math.nan)
    for t in tests:
        for key in ("delta_chi2", "delta_df", "delta_cfi", "delta_rmsea"):
            kinds.append(f"{t.nested} vs {t.base}")
            names.append(key)
            values.append(float(getattr(t, key)))
            stat.append(t.delta_chi2 if key == "delta_chi2" else math.nan)
            pvals.append(t.pvalue if key == "delta_chi2" else math.nan)
    return estimates(
        name=names,
        estimate=values,
        kind=kinds,
        confidence_level=level,
        n=float(n),
        interval="none",
        statistic=stat,
        pvalue=pvals,
        backend=backend,
    )
