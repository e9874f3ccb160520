r"""Moderation (interaction effects) in PLS path models (``acsi.moderation``).

A moderator Z changes the effect of a predictor X on an outcome Y: the
structural equation of Y gains the interaction construct ``X.Z``,

.. math:: Y = \beta_X X + \beta_Z Z + \beta_{XZ}\,(X\cdot Z) + \dots,

and the *simple slope* of X at the moderator level z (in standard
deviations) is :math:`\beta_X + \beta_{XZ}\,z` (Aiken & West 1991;
Henseler & Fassott 2010, section 4). The interaction construct is measured
by the product of the stage-1 scores (``"two_stage"``; Henseler & Chin
2010), by products of the standardized indicators (``"product_indicator"``)
or by their residuals on the indicators of X and Z (``"orthogonal"``;
Little et al. 2006); :mod:`._moderation_kernel` builds them.

Products need the respondents' rows (their moments are fourth moments of
the indicators): lazy frames and Moments are refused. The bootstrap
resamples respondents and re-runs the whole procedure (first stage,
products, orthogonalization) in every replicate, as seminr's
``bootstrap_model`` does.

Checked against seminr's ``interaction_term`` (R sources,
``tests/golden/csem_hoc.R``) on the ECSI mobi data.

References
----------
.. [1] Henseler, J., & Chin, W. W. (2010). A comparison of approaches for
   the analysis of interaction effects between latent variables using
   partial least squares path modeling. Structural Equation Modeling,
   17(1), 82-109.
.. [2] Little, T. D., Bovaird, J. A., & Widaman, K. F. (2006). On the
   merits of orthogonalizing powered and product terms. Structural
   Equation Modeling, 13(4), 497-519.
.. [3] Henseler, J., & Fassott, G. (2010). Testing moderating effects in
   PLS path models: an illustration of available procedures. In V.
   Esposito Vinzi et al. (Eds.), Handbook of partial least squares (pp.
   713-735). Springer.
.. [4] Aiken, L. S., & West, S. G. (1991). Multiple regression: testing
   and interpreting interactions. Sage.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from .._typing import FloatArray
from .._validation import check_confidence_level, check_count, check_rng, validated
from ..data import Table, read
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import InputError, SpecificationError
from ..results._estimates import concat
from . import _moderation_kernel as mk
from . import _moderation_result as mr
from ._common import MIN_ROWS_BOOTSTRAP, MIN_ROWS_FIT, as_spec
from ._moderation_result import ModerationResult, SimpleSlopes
from ._pls_boot import JACKKNIFE_GROUPS, labels, stat_vector, summarize_replicates
from ._pls_derived import PLSDerived, _Inputs
from ._pls_kernel import layout
from ._pls_options import PLSOptions
from .spec import Block, ModelSpec, Path

__all__ = ["ModerationResult", "SimpleSlopes", "moderation"]

_WHERE = "acsi.moderation"
_ROWS: tuple[Literal["rows"]] = ("rows",)
Approach = Literal["two_stage", "orthogonal", "product_indicator"]
_APPROACHES = ("two_stage", "orthogonal", "product_indicator")


def _spec_with_interaction(
    spec: ModelSpec, x: str, z: str, y: str, names: tuple[str, ...]
) -> tuple[ModelSpec, str]:
    name = f"{x}.{z}"
    taken = set(spec.indicators) | set(spec.latents)
    clash = sorted(taken & {name, *names})
    if clash:
        msg = (
            f"The interaction's name {clash[0]!r} ({_WHERE}) is already used in "
            "the model; rename that latent or indicator."
        )
        raise SpecificationError(msg)
    blocks = (*spec.blocks, Block(latent=name, indicators=names, mode="A"))
    paths = (*spec.paths, Path(source=name, target=y))
    return ModelSpec(blocks=blocks, paths=paths), name


def _check_roles(spec: ModelSpec, x: str, z: str, y: str) -> None:
    for param, lv in (("predictor", x), ("moderator", z), ("outcome", y)):
        if lv not in spec.latents:
            msg = (
                f"The '{param}' parameter of {_WHERE} must name a latent of the "
                f"model {spec.latents}. Got {lv!r} instead."
            )
            raise InputError(msg)
    if len({x, z, y}) < 3:
        msg = (
            f"The 'predictor', 'moderator' and 'outcome' of {_WHERE} must be three "
            f"different latents. Got {x!r}, {z!r}, {y!r}."
        )
        raise InputError(msg)
    missing = [f"{s} -> {y}" for s in (x, z) if s not in spec.predecessors(y)]
    if missing:
        msg = (
            f"{_WHERE}: the model needs the main effects {missing}: an interaction "
            "is tested with both main effects in the model (Aiken & West 1991)."
        )
        raise SpecificationError(msg)


def _read(data: object, spec: ModelSpec, columns: Any, weights: object) -> Table:  # noqa: ANN401 - columns as given
    try:
        return read(
            data,
            where=_WHERE,
            columns=columns,
            roles={"model": spec.indicators},
            weights=weights,
            accept=_ROWS,
        )
    except InputError as exc:
        if "'data' parameter" in str(exc) and "must be" in str(exc):
            msg = (
                f"{exc} Product terms need the respondents' rows: their moments "
                "are fourth moments of the indicators, which Moments and the "
                "engines' sums of squares and cross-products do not hold."
            )
            raise InputError(msg) from exc
        raise


def _stats(
    rows: FloatArray, w: FloatArray | None, d: mk.Design, opts: PLSOptions
) -> tuple[FloatArray, FloatArray, FloatArray, bool]:
    """Return the fitted variables' matrix, means and sds of a row sample."""
    extra, ok = mk.derive(rows, w, d, opts)
    mean, cov, sd = mk.weighted_moments(np.column_stack([rows, extra]), w)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = cov / sd[:, None] / sd[None, :] if opts.scaled else cov
    ok = ok and bool(np.all(np.isfinite(s))) and bool(np.all(sd > 0))
    return np.nan_to_num(s), mean, np.where(sd > 0, sd, 1.0), ok


def _replicates(
    rows: FloatArray,
    w: FloatArray | None,
    d: mk.Design,
    opts: PLSOptions,
    samples: list[np.ndarray[Any, Any]],
) -> tuple[FloatArray, FloatArray, FloatArray, np.ndarray[Any, Any]]:
    """Stack the variables' moments of every row sample (indices into rows)."""
    out = [_stats(rows[idx], None if w is None else w[idx], d, opts) for idx in samples]
    return (
        np.stack([o[0] for o in out]),
        np.stack([o[1] for o in out]),
        np.stack([o[2] for o in out]),
        np.array([o[3] for o in out]),
    )


def moderation(
    data: object,
    *,
    model: ModelSpec | str | Mapping[str, Any],
    predictor: str,
    moderator: str,
    outcome: str,
    approach: Approach = "two_stage",
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    nan_policy: Literal["omit", "raise"] = "omit",
    scheme: Literal["centroid", "factorial", "path"] = "path",
    scaled: bool = True,
    tol: float = 1e-7,
    max_iter: int = 300,
    n_resamples: int = 0,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    confidence_level: float = 0.95,
) -> ModerationResult:
    r"""Fit a PLS path model with the interaction of two latents.

    Parameters
    ----------
    data : array_like, mapping or dataframe
        Respondents x indicators, rows in memory (products need rows).
    model : ModelSpec, str or dict
        The main-effects model: it must hold the paths ``predictor ->
        outcome`` and ``moderator -> outcome``.
    predictor, moderator, outcome : str
        The latents X, Z and Y: the interaction latent ``"X.Z"`` is added
        with the path ``X.Z -> Y``.
    approach : {"two_stage", "orthogonal", "product_indicator"}
        How ``X.Z`` is measured (see :mod:`satmodels.acsi.moderation`).
    columns, weights, nan_policy
        As for :func:`satmodels.acsi.fit`; incomplete rows are dropped (and
        counted in ``missing_report``).
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights`` or ``n_resamples``; rows in memory.
    scheme, scaled, tol, max_iter
        PLS options of every stage.
    n_resamples : int
        Bootstrap replicates (0: none; at least 10 respondents); each one
        re-runs the whole procedure.
    rng : None, int, SeedSequence or Generator
    confidence_level : float
        Level of the BCa intervals.

    Returns
    -------
    ModerationResult

    Raises
    ------
    InputError
        A lazy frame or Moments (products need rows), an unknown latent,
        fewer than 3 complete rows (10 for a bootstrap).
    SpecificationError
        A missing main effect, a name clash with ``"X.Z"``.
    EstimationError
        The first stage or the fit failed.

    Notes
    -----
    PLS standardizes the interaction latent; its path is reported both
    standardized (in :attr:`ModerationResult.fit`) and in the metric of
    the product, :math:`\beta_{XZ} = \beta^{std}_{XZ} / s` with :math:`s`
    the standard deviation of the product (seminr's ``adjust_interaction``;
    for several product indicators their loading-weighted mean standard
    deviation). The simple slope of X at z SDs of Z is then :math:`\beta_X
    + \beta_{XZ} z` (Aiken & West 1991; Henseler & Fassott 2010; seminr's
    ``slope_analysis``), exact for the two-stage product of standardized
    scores. Checked against seminr (tests/golden/csem_hoc.json): paths,
    weights and slopes to 1e-10.

    References
    ----------
    .. [1] Henseler, J., & Chin, W. W. (2010). Structural Equation
       Modeling, 17(1), 82-109.
    .. [2] Little, T. D., Bovaird, J. A., & Widaman, K. F. (2006).
       Structural Equation Modeling, 13(4), 497-519.

    Examples
    --------
    >>> from satmodels import acsi
    >>> from satmodels.datasets import load_sample_survey
    >>> survey = load_sample_survey()
    >>> res = acsi.moderation(
    ...     survey,
    ...     model="SAT =~ sat1 + sat2 + sat3; VAL =~ val1 + val2; "
    ...     "LOY =~ loy1 + loy2 + loy3; LOY ~ SAT + VAL",
    ...     predictor="SAT",
    ...     moderator="VAL",
    ...     outcome="LOY",
    ... )
    >>> res.interaction
    'SAT.VAL'
    >>> res.simple_slopes.moderator_level.tolist()
    [-1.0, 0.0, 1.0]
    """
    if design is not None:
        return fit_with_design(moderation, locals())
    chosen = str(approach)
    if chosen not in _APPROACHES:
        msg = (
            f"The 'approach' parameter of {_WHERE} must be one of {_APPROACHES}. "
            f"Got {approach!r} instead."
        )
        raise InputError(msg)
    spec = as_spec(model, _WHERE)
    x, z, y = str(predictor), str(moderator), str(outcome)
    _check_roles(spec, x, z, y)
    level = check_confidence_level(confidence_level, _WHERE)
    reps = check_count(n_resamples, _WHERE, "n_resamples", 0)
    gen = check_rng(rng, _WHERE)
    opts = validated(
        PLSOptions,
        _WHERE,
        scheme=scheme,
        scaled=scaled,
        tol=tol,
        max_iter=max_iter,
        n_resamples=reps,
        confidence_level=level,
        missing="listwise",
        nan_policy=nan_policy,
        scores=True,
    )
    tab = _read(data, spec, columns, weights)
    inds = spec.indicators
    m = tab.moments(inds, missing="listwise", nan_policy=opts.nan_policy)
    raw = tab.matrix(inds)
    keep = np.all(np.isfinite(raw), axis=1)
    if tab.weights is not None:
        keep &= tab.weights > 0
    rows = raw[keep]
    w = None if tab.weights is None else tab.weights[keep]
    n = int(rows.shape[0])
    if n < MIN_ROWS_FIT:
        msg = (
            f"The 'data' parameter of {_WHERE} has {n} complete respondent(s); a "
            f"PLS fit needs at least {MIN_ROWS_FIT}."
        )
        raise InputError(msg)
    lay0 = layout(spec)
    pos = {c: k for k, c in enumerate(inds)}
    x_items = np.array([pos[i] for i in spec.block(x).indicators], dtype=np.int64)
    z_items = np.array([pos[i] for i in spec.block(z).indicators], dtype=np.int64)
    if chosen == "two_stage":
        names: tuple[str, ...] = (f"{x}.{z}.product",)
    else:
        names = tuple(
            f"{a}.{b}"
            for a in spec.block(x).indicators
            for b in spec.block(z).indicators
        )
    spec2, inter = _spec_with_interaction(spec, x, z, y, names)
    # layout of the first stage in the indicators' order (spec.indicators)
    d = mk.Design(
        approach=chosen,
        x_items=x_items,
        z_items=z_items,
        lay=_layout_in(spec, inds),
        x_latent=lay0.latents.index(x),
        z_latent=lay0.latents.index(z),
        names=names,
    )
    from .pls import fit_pls  # noqa: PLC0415 - keeps import light

    first = None
    quiet = opts.model_copy(update={"n_resamples": 0})
    if chosen == "two_stage":
        part = dataclasses.replace(
            tab, values=rows, weights=w, columns=inds, value_bounds=None
        )
        first = fit_pls(
            part, spec, opts=quiet, scale=None, declared=None, rng=gen, where=_WHERE
        )
    extra, ok = mk.derive(rows, w, d, opts)
    if not ok:
        msg = (
            f"{_WHERE}: the interaction term of {x} and {z} is not defined on these "
            "data (a first stage that did not converge, or an indicator without "
            "variance)."
        )
        from ..exceptions import EstimationError  # noqa: PLC0415

        raise EstimationError(msg)
    cols2 = (*inds, *names)
    part2 = Table(
        kind="rows",
        columns=cols2,
        roles={"model": cols2},
        where=_WHERE,
        values=np.column_stack([rows, extra]),
        weights=w,
        backend=tab.backend,
    )
    res = fit_pls(
        part2, spec2, opts=quiet, scale=None, declared=None, rng=gen, where=_WHERE
    )
    lay2 = layout(spec2)
    boot = None
    scale_reps: tuple[FloatArray, FloatArray | None] | None = None
    if reps:
        boot, s_reps, s_jack = _bootstrap(
            rows, w, d, spec2, lay2, opts, cols2, gen, n, tab.backend
        )
        scale_reps = (s_reps, s_jack)
        inputs = {
            f.name: getattr(res._derived._in, f.name)
            for f in dataclasses.fields(_Inputs)
        }
        res = dataclasses.replace(
            res, bootstrap=boot, _derived=PLSDerived(**{**inputs, "boot": boot})
        )
    # scores of the input rows (NaN for the rows left out)
    res = dataclasses.replace(
        res, missing_report=m.missing_report, scores=_all_rows(res.scores, keep)
    )
    if first is not None:
        first = dataclasses.replace(
            first, missing_report=m.missing_report, scores=_all_rows(first.scores, keep)
        )
    k_items = [res.indicators.index(c) for c in names]
    scale_ = float(
        product_scale(res.loadings[None, k_items], res.indicator_std[None, k_items])[0]
    )
    slopes, effect = mr.slopes(
        res, x, z, y, inter, scale_, scale_reps, level, tab.backend
    )
    fe = res.estimates
    body = fe._take([r for r in range(len(fe)) if fe.kind[r] != "index"])
    est = concat([body, effect, mr.slope_rows(slopes, n, reps, tab.backend)])
    return ModerationResult(
        approach=chosen,
        predictor=x,
        moderator=z,
        outcome=y,
        interaction=inter,
        fit=res,
        first_stage=first,
        interaction_effect=float(effect.estimate[0]),
        interaction_scale=scale_,
        simple_slopes=slopes,
        n=n,
        missing_report=m.missing_report,
        estimates=est,
        confidence_level=level,
        _backend=tab.backend,
    )


def _all_rows(
    scores: FloatArray | None, keep: np.ndarray[Any, Any]
) -> FloatArray | None:
    """Scores aligned with the input rows: NaN in the rows not used."""
    if scores is None:
        return None
    out = np.full((keep.size, scores.shape[1]), np.nan)
    out[keep] = scores
    return out


def _layout_in(spec: ModelSpec, inds: tuple[str, ...]) -> Any:  # noqa: ANN401 - a Layout
    """Return the main-effects layout (indicators in ``spec.indicators`` order)."""
    lay = layout(spec)
    if lay.indicators != inds:  # pragma: no cover - spec.indicators is layout order
        msg = "internal: indicator order differs from the layout's"
        raise AssertionError(msg)
    return lay


def _bootstrap(  # noqa: PLR0917 - the pieces of one bootstrap
    rows: FloatArray,
    w: FloatArray | None,
    d: mk.Design,
    spec2: ModelSpec,
    lay2: Any,  # noqa: ANN401 - a Layout
    opts: PLSOptions,
    cols2: tuple[str, ...],
    gen: np.random.Generator,
    n: int,
    backend: str | None,
) -> tuple[Any, FloatArray, FloatArray | None]:
    """Resample respondents; every replicate re-derives the interaction.

    Returns the PLS bootstrap of the fit and, for its usable replicates and
    jackknife samples, the interaction's scale (:func:`product_scale`).
    """
    if n < MIN_ROWS_BOOTSTRAP:
        msg = (
            f"The 'n_resamples' parameter of {_WHERE} needs at least "
            f"{MIN_ROWS_BOOTSTRAP} respondents to bootstrap; the data have {n}."
        )
        raise InputError(msg)
    order = np.array([cols2.index(c) for c in lay2.indicators], dtype=np.int64)
    ix = np.ix_(order, order)
    labs = labels(lay2, spec2, with_indices=False)

    load = [k for k, f in enumerate(labs.family) if f == "loadings"]
    items = [load[lay2.indicators.index(c)] for c in d.names]
    cols = [cols2.index(c) for c in d.names]

    def stats(
        samples: list[np.ndarray[Any, Any]],
    ) -> tuple[FloatArray, Any, FloatArray]:
        s, mean, sd, pre = _replicates(rows, w, d, opts, samples)
        s = s[:, ix[0], ix[1]]
        with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            vals, ok = stat_vector(
                s,
                mean[:, order],
                sd[:, order],
                lay=lay2,
                labels=labs,
                opts=opts,
                scale=None,
            )
        return vals, ok & pre, product_scale(vals[:, items], sd[:, cols])

    full, _, _ = stats([np.arange(n)])
    samples = [gen.integers(0, n, size=n) for _ in range(opts.n_resamples)]
    values, ok, scales = stats(samples)
    groups = min(n, JACKKNIFE_GROUPS)
    assign = gen.permutation(n) % groups
    jvals, jok, jscales = stats([np.flatnonzero(assign != g) for g in range(groups)])
    use_jack = jok.sum() >= 3
    jack = jvals[jok] if use_jack else None
    boot = summarize_replicates(
        values,
        ok,
        full[0],
        jack,
        labs=labs,
        opts=opts,
        n=n,
        method="multinomial",
        backend=backend,
        where=_WHERE,
    )
    return boot, scales[ok], (jscales[jok] if use_jack else None)


def product_scale(loadings: FloatArray, sd: FloatArray) -> FloatArray:
    r"""Return the interaction term's standard deviation in the product's metric.

    seminr's ``adjust_interaction`` (library.R): the loading-weighted mean
    of the standard deviations of the interaction's indicators,
    :math:`s = \sum_i |\lambda_i| \mathrm{sd}_i / \sum_i |\lambda_i|`; for
    the two-stage approach (one indicator) the standard deviation of the
    product of the standardized scores, so that :math:`\beta_{XZ} / s` is
    the coefficient of the product itself. Batched: (B, k) -> (B,).
    """
    lam = np.abs(loadings)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray((lam * sd).sum(axis=1) / lam.sum(axis=1))
