"""ACSI-type structural equation models: specification, PLS-PM and ML fits.

Specifications (:class:`ModelSpec`, presets :func:`acsi`, :func:`ecsi`,
:func:`scsb`, :func:`ccsi`) are validated data; :func:`fit` estimates them
by PLS path modelling or by maximum likelihood (satmodels' own Newton /
Fisher-scoring kernel, semopy as fallback) from the indicators' moments.
Higher-order constructs are fitted by :func:`higher_order`. Company
indices are aggregated into industry, sector and national indices
by :func:`satmodels.csi.aggregate`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np

from .._validation import check_confidence_level, check_count, check_rng, validated
from ..data import Table, read
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import InputError
from ..scales import Scale, as_scale
from ..stats._fourth import FourthMoments
from ._common import as_spec, index_scale
from ._pls_options import PLSOptions
from .blindfold import BlindfoldResult, blindfold
from .bootstrap_result import PLSBootstrap
from .cvpat import CVPATResult, cvpat
from .discriminant import HTMTResult, htmt
from .effects import EffectSizeResult, effect_sizes
from .fit_measures import ModelFitResult, model_fit
from .hoc import HigherOrderResult, higher_order
from .index import IPMAResult
from .mediation import MediationResult, indirect_effects
from .moderation import ModerationResult, SimpleSlopes, moderation
from .multigroup import InvarianceResult, invariance
from .plsc import PLScResult, consistent
from .predict import PredictResult, predict
from .presets import acsi, ccsi, ecsi, scsb
from .result import PLSResult
from .segment_comparison import SegmentComparison, compare_segments
from .spec import Block, ModelSpec, Path

if TYPE_CHECKING:
    from .ml import ACSIMLResult

__all__ = [
    "BlindfoldResult",
    "Block",
    "CVPATResult",
    "EffectSizeResult",
    "HTMTResult",
    "HigherOrderResult",
    "IPMAResult",
    "InvarianceResult",
    "MediationResult",
    "ModelFitResult",
    "ModelSpec",
    "ModerationResult",
    "PLSBootstrap",
    "PLSResult",
    "PLScResult",
    "Path",
    "PredictResult",
    "SegmentComparison",
    "SimpleSlopes",
    "acsi",
    "blindfold",
    "ccsi",
    "compare_segments",
    "consistent",
    "cvpat",
    "ecsi",
    "effect_sizes",
    "fit",
    "higher_order",
    "htmt",
    "indirect_effects",
    "invariance",
    "model_fit",
    "moderation",
    "predict",
    "scsb",
]

Model = ModelSpec | str | Mapping[str, Any]
_WHERE = "acsi.fit"
_PLS_ONLY = ("scheme", "scaled", "tol", "max_iter")


@overload
def fit(
    data: object,
    *,
    model: Model = ...,
    method: Literal["pls"] = ...,
    scale: Scale | tuple[float, float] | None = ...,
    columns: Sequence[str] | None = ...,
    weights: object = ...,
    design: Design | ReplicateDesign | None = ...,
    segments: object = ...,
    missing: Literal["listwise", "pairwise", "em", "fiml"] = ...,
    nan_policy: Literal["omit", "raise"] = ...,
    scores: bool = ...,
    scheme: Literal["centroid", "factorial", "path"] | None = ...,
    scaled: bool | None = ...,
    tol: float | None = ...,
    max_iter: int | None = ...,
    n_resamples: int = ...,
    rng: np.random.Generator | np.random.SeedSequence | int | None = ...,
    confidence_level: float = ...,
    robust: None = ...,
) -> PLSResult: ...


@overload
def fit(
    data: object,
    *,
    model: Model = ...,
    method: Literal["ml"],
    scale: Scale | tuple[float, float] | None = ...,
    columns: Sequence[str] | None = ...,
    weights: object = ...,
    design: Design | ReplicateDesign | None = ...,
    segments: object = ...,
    missing: Literal["listwise", "pairwise", "em", "fiml"] = ...,
    nan_policy: Literal["omit", "raise"] = ...,
    scores: bool = ...,
    scheme: Literal["centroid", "factorial", "path"] | None = ...,
    scaled: bool | None = ...,
    tol: float | None = ...,
    max_iter: int | None = ...,
    n_resamples: int = ...,
    rng: np.random.Generator | np.random.SeedSequence | int | None = ...,
    confidence_level: float = ...,
    robust: Literal["mlm", "mlr"] | None = ...,
) -> ACSIMLResult: ...


def fit(
    data: object,
    *,
    model: Model = "acsi",
    method: Literal["pls", "ml"] = "pls",
    scale: Scale | tuple[float, float] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    missing: Literal["listwise", "pairwise", "em", "fiml"] = "listwise",
    nan_policy: Literal["omit", "raise"] = "omit",
    scores: bool = True,
    scheme: Literal["centroid", "factorial", "path"] | None = None,
    scaled: bool | None = None,
    tol: float | None = None,
    max_iter: int | None = None,
    n_resamples: int = 0,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    confidence_level: float = 0.95,
    robust: Literal["mlm", "mlr"] | None = None,
) -> PLSResult | ACSIMLResult:
    r"""Fit an ACSI-type model by PLS path modelling or maximum likelihood.

    Parameters
    ----------
    data : array_like, mapping, dataframe, lazy frame, Moments or FourthMoments
        Respondents x indicators: the model's indicators are found by name
        (an array's columns are named by ``columns``, default ``x0``,
        ``x1``, ...). A lazy frame (polars, DuckDB, Dask, Spark) is reduced
        to moments on its engine; a :class:`~satmodels.stats.Moments` is used
        as is (no scores, no bootstrap); a
        :class:`~satmodels.stats.FourthMoments` too, and it also serves
        ``robust=``.
    model : ModelSpec, str or dict
        The model: ``"acsi"`` (default), ``"ecsi"``, ``"scsb"`` or
        ``"ccsi"`` (presets with their default indicator names, see
        :mod:`satmodels.acsi.presets`), a preset built with the user's names
        (:func:`acsi`, :func:`ecsi` ...), lavaan-style text
        (``"SAT =~ s1 + s2; LOY =~ l1 + l2; LOY ~ SAT"``) or a dict
        (:meth:`ModelSpec.from_dict`).
    method : {"pls", "ml"}
        PLS path modelling (Wold 1982; Lohmöller 1989) or maximum likelihood
        from the covariance matrix and n (Jöreskog 1973): satmodels' own
        kernel (exact gradient and Hessian, expected-information standard
        errors as lavaan), with semopy as the fallback when it does not
        converge.
    scale : Scale or (min, max), optional
        The answer scale of the 0-100 indices, e.g. ``(1, 10)``; answers are
        checked against it. Without it the observed minimum and maximum of
        the indicators are used and the result says so (``result.scale``,
        a note in the summary); Moments and lazy frames do not reveal them,
        so their indices are then NaN (with a warning).
    columns : sequence of str, optional
        Names of an array's columns, or the columns of a frame to use.
    weights : array_like or str, optional
        Case (survey) weights, or the name of their column.
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.
    segments : array_like or str, optional
        Segment labels per respondent, or the name of their column: one fit
        per label in ``result.segments`` (sorted labels), besides the fit on
        all respondents. Indices of every segment use the same scale.
    missing : {"listwise", "pairwise", "em", "fiml"}
        Drop incomplete rows, use pairwise-complete moments, or the EM
        estimates of the indicators' means and covariances (maximum
        likelihood under normality, missing at random; Dempster, Laird &
        Rubin 1977). ``"fiml"`` (``method="ml"`` only): full-information
        maximum likelihood of the model on the observed answers with
        saturated means (Arbuckle 1996), observed-information standard
        errors and the chi-square against the EM saturated model, as
        lavaan's ``missing = "ml"`` (see :mod:`satmodels.acsi._fiml`).
    nan_policy : {"omit", "raise"}
        ``"raise"``: any missing answer is an :class:`InputError`.
    scores : bool
        Latent scores per respondent (rows in memory only).
    scheme, scaled, tol, max_iter
        PLS options: inner weighting scheme (default ``"path"``),
        standardized indicators (default True), stop criterion (default
        1e-7, SmartPLS's) and iteration limit (default 300). Not taken by
        ``method="ml"``.
    n_resamples : int
        Bootstrap replicates (0: none), fitted as one batch; needs at
        least 10 respondents. With ``method="ml"`` the Wald intervals stay in
        ``result.estimates`` and ``result.bootstrap`` adds bootstrap standard
        errors and percentile intervals (every replicate warm-started from
        the full fit).
    rng : None, int, SeedSequence or Generator
        Randomness of the bootstrap.
    confidence_level : float
        Level of the intervals in ``result.estimates``: BCa bootstrap
        intervals (PLS) or Wald intervals (ML).
    robust : {None, "mlm", "mlr"}
        ``method="ml"`` only: standard errors and model test robust to
        non-normal answers (docs/acsi_robust.md). ``"mlm"``: Satorra-Bentler
        scaled chi-square and sandwich standard errors from the expected
        information (lavaan ``estimator = "MLM"``); ``"mlr"``:
        Yuan-Bentler scaled chi-square and Huber-White standard errors from
        the observed information (lavaan ``"MLR"``). Both add
        ``result.robust`` (scaled and robust CFI, TLI, RMSEA) and need
        unweighted rows in memory with ``missing="listwise"``, or their
        :class:`~satmodels.stats.FourthMoments` (merged over chunks).

    Returns
    -------
    PLSResult or ACSIMLResult

    Raises
    ------
    InputError
        Unknown method or indicator column, a PLS-only option with
        ``method="ml"``, answers outside ``scale``, an indicator without
        variance, too few respondents (3 for a fit, 10 for a bootstrap),
        a bootstrap on Moments.
    SpecificationError
        An invalid model or an unknown preset name.
    EstimationError
        The estimation failed (singular matrices, semopy errors, no
        converged bootstrap replicate).

    Warns
    -----
    SatmodelsWarning
        No ``scale`` for Moments or a lazy frame: the indices are NaN.
    ConvergenceWarning
        PLS iterations reached ``max_iter``, or the ML optimiser stopped.
    AdmissibilityWarning
        A pairwise matrix that is not positive semi-definite (PLS); Heywood
        cases, standardized estimates above 1 or latent correlations above
        0.95 (ML).

    Notes
    -----
    The 0-100 index of a latent is the weighted mean of its indicators'
    rescaled means, :math:`\sum_i \tilde v_i (\bar x_i - \min) / (\max -
    \min) \cdot 100`, with weights normalized within the block: PLS outer
    weights on the raw answers (Fornell et al. 1996, p. 10) or Bartlett
    factor-score weights (ML). The PLS bootstrap fits all replicates as one
    batch; intervals are BCa (Efron 1987). Checked against PyPI plspm 0.5.7,
    seminr and lavaan 0.6 (see the test suite's golden files).

    References
    ----------
    .. [1] Wold, H. (1982). Soft modeling: the basic design and some
       extensions. In K. G. Jöreskog & H. Wold (Eds.), Systems under
       indirect observation, Part II (pp. 1-54). North-Holland.
    .. [2] Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant,
       B. E. (1996). The American Customer Satisfaction Index: nature,
       purpose, and findings. Journal of Marketing, 60(4), 7-18.
    .. [3] Jöreskog, K. G. (1973). A general method for estimating a linear
       structural equation system. In A. S. Goldberger & O. D. Duncan
       (Eds.), Structural equation models in the social sciences.
    .. [4] Efron, B. (1987). Better bootstrap confidence intervals. JASA,
       82(397), 171-185.

    Examples
    --------
    >>> from satmodels import acsi
    >>> from satmodels.datasets import load_sample_survey
    >>> survey = load_sample_survey()
    >>> res = acsi.fit(survey, scale=(1, 10))  # the ACSI preset, PLS
    >>> round(res.index["SAT"], 1)
    71.6
    >>> res.estimates.value("SAT -> LOY", kind="path") > 0
    True
    >>> ml = acsi.fit(survey, method="ml", robust="mlm", scale=(1, 10))
    >>> round(ml.robust.scaling_factor, 2)  # Satorra-Bentler scaling factor
    1.03
    """
    if design is not None:
        return fit_with_design(fit, locals())
    chosen = str(method)
    if chosen not in ("pls", "ml"):
        msg = (
            f"The 'method' parameter of {_WHERE} must be 'pls' or 'ml'. "
            f"Got {method!r} instead."
        )
        raise InputError(msg)
    spec = as_spec(model, _WHERE)
    level = check_confidence_level(confidence_level, _WHERE)
    reps = check_count(n_resamples, _WHERE, "n_resamples", 0)
    gen = check_rng(rng, _WHERE)
    sc = as_scale(scale, _WHERE)
    if robust is not None and chosen != "ml":
        msg = (
            f"The 'robust' parameter of {_WHERE} applies to method='ml' only. "
            f"Got robust={robust!r} with method={chosen!r}."
        )
        raise InputError(msg)
    if chosen == "ml":
        given = {"scheme": scheme, "scaled": scaled, "tol": tol, "max_iter": max_iter}
        unknown = [k for k in _PLS_ONLY if given[k] is not None]
        if unknown:
            msg = (
                f"{_WHERE}(method='ml') does not take the PLS option(s) "
                f"{unknown}; its standard errors and Wald intervals come from "
                "the expected information (and the bootstrap, with n_resamples)."
            )
            raise InputError(msg)
    if missing not in ("listwise", "pairwise", "em", "fiml"):
        msg = (
            f"The 'missing' parameter of {_WHERE} must be 'listwise', "
            f"'pairwise', 'em' or 'fiml'. Got {missing!r} instead."
        )
        raise InputError(msg)
    fiml = missing == "fiml"
    if fiml and (chosen != "ml" or reps):
        msg = (
            f"The 'missing' parameter of {_WHERE} is 'fiml' (full-information "
            "maximum likelihood), which needs method='ml' and n_resamples=0. "
            f"Got method={method!r}, n_resamples={reps}; use missing='em' for "
            "PLS."
        )
        raise InputError(msg)
    opts = validated(
        PLSOptions,
        _WHERE,
        scheme="path" if scheme is None else scheme,
        scaled=True if scaled is None else scaled,
        tol=1e-7 if tol is None else tol,
        max_iter=300 if max_iter is None else max_iter,
        n_resamples=reps,
        confidence_level=level,
        missing="listwise" if fiml else missing,
        nan_policy=nan_policy,
        scores=scores,
    )
    fourth = data if isinstance(data, FourthMoments) else None
    if fourth is not None:  # its Moments for the fit, Gamma for robust=
        data = fourth.to_moments()
    try:
        table = read(
            data,
            where=_WHERE,
            columns=columns,
            roles={"model": spec.indicators},
            weights=weights,
            segments=segments,
            accept=("rows", "lazy", "moments"),
        )
    except InputError as exc:
        if isinstance(model, str) and "~" not in model and "'model'" in str(exc):
            msg = (
                f"{exc} The preset {model!r} uses its default indicator names; "
                f"name yours with model=acsi.{model.strip().lower()}(...)."
            )
            raise InputError(msg) from exc
        raise
    if robust is not None:  # before the scale check warns about Moments
        from ._ml_robust import check_robust  # noqa: PLC0415

        check_robust(table, robust, opts.missing, _WHERE, fourth=fourth)
    scale_ = index_scale(table, spec.indicators, sc, _WHERE)

    def one(part: Table) -> PLSResult | ACSIMLResult:
        if chosen == "pls":
            from .pls import fit_pls  # noqa: PLC0415 - keeps import light

            return fit_pls(
                part,
                spec,
                opts=opts,
                scale=scale_,
                declared=sc,
                rng=gen,
                where=_WHERE,
            )
        if fiml:
            from ._fiml import fit_fiml  # noqa: PLC0415

            return fit_fiml(
                part,
                spec,
                scale=scale_,
                declared=sc,
                confidence_level=level,
                scores=opts.scores,
                nan_policy=opts.nan_policy,
                where=_WHERE,
            )
        from .ml import fit_ml  # noqa: PLC0415 - semopy is imported lazily

        return fit_ml(
            part,
            spec,
            scale=scale_,
            declared=sc,
            confidence_level=level,
            scores=opts.scores,
            missing=opts.missing,
            nan_policy=opts.nan_policy,
            where=_WHERE,
            n_resamples=reps,
            rng=gen,
            robust=robust,
            fourth=fourth,
        )

    result = one(table)
    if segments is None:
        return result
    if table.kind == "lazy" and not reps and not fiml:
        # every segment's Moments from one grouped aggregation on the engine
        # (not one query per segment); the fits need nothing else
        grouped = table.moments_by_segment(
            spec.indicators,
            missing=opts.missing,
            nan_policy=opts.nan_policy,
        )
        by_label = {
            label: dataclasses.replace(
                table, kind="moments", statistics=m, lazy=None, segment_column=None
            )
            for label, m in grouped.items()
        }
    else:
        by_label = table.by_segment()
    parts = {label: one(part) for label, part in by_label.items()}
    return dataclasses.replace(result, segments=parts)  # type: ignore[arg-type]
