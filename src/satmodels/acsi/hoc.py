r"""Higher-order constructs in PLS path models (``acsi.higher_order``).

A higher-order construct (HOC) is a latent whose "indicators" are other
latents, its lower-order components (LOCs): ``QUAL =~ PROD + SERV`` with
``PROD`` and ``SERV`` first-order blocks (reflective-reflective), or
``QUAL <~ PROD + SERV`` (reflective-formative; Jarvis et al. 2003 types I
and II). PLS has no direct estimator for them; three approaches turn the
model into first-order models (Becker et al. 2012; Sarstedt et al. 2019):

* ``"repeated_indicators"``: the HOC is measured by all the LOCs'
  indicators (repeated as ``item.HOC``); the LOCs are linked to the HOC by
  structural paths, HOC -> LOC when reflective, LOC -> HOC when formative
  (Becker et al. 2012; the HOC's mode is that of its block);
* ``"embedded_two_stage"`` (Sarstedt et al. 2019, the default): stage 1 is
  the repeated-indicators model; stage 2 measures the HOC by the stage-1
  LOC composites, the LOCs leave the model;
* ``"disjoint_two_stage"`` (Agarwal & Karahanna 2000; seminr's
  ``higher_composite``): stage 1 drops the HOC and links its LOCs directly
  to the HOC's antecedents and consequences; stage 2 as above.

Everything runs on moments (:mod:`._hoc_kernel`): the second-stage
variables are linear combinations of the indicators, so their means and
covariances are exact linear transforms of the indicators' (a lazy frame
or Moments suffice), and the bootstrap re-runs both stages in every
replicate (as cSEM's ``resamplecSEMResults`` does).

Checked against cSEM and seminr (R sources, ``tests/golden/csem_hoc.R``)
on the ECSI mobi data.

References
----------
.. [1] Becker, J.-M., Klein, K., & Wetzels, M. (2012). Hierarchical latent
   variable models in PLS-SEM: guidelines for using reflective-formative
   type models. Long Range Planning, 45(5-6), 359-394.
.. [2] Sarstedt, M., Hair, J. F., Cheah, J.-H., Becker, J.-M., & Ringle,
   C. M. (2019). How to specify, estimate, and validate higher-order
   constructs in PLS-SEM. Australasian Marketing Journal, 27(3), 197-211.
.. [3] Agarwal, R., & Karahanna, E. (2000). Time flies when you're having
   fun: cognitive absorption and beliefs about information technology
   usage. MIS Quarterly, 24(4), 665-694.
.. [4] Jarvis, C. B., MacKenzie, S. B., & Podsakoff, P. M. (2003). A
   critical review of construct indicators and measurement model
   misspecification. Journal of Consumer Research, 30(2), 199-218.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .._typing import FloatArray
from .._validation import check_confidence_level, check_count, check_rng, validated
from ..data import Table, read
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import AdmissibilityWarning, EstimationError, InputError
from ..results._base import EstimatesResult, jsonable
from ..results._estimates import Estimates, concat
from ..results._summary import Summary, table
from ..scales import Scale, as_scale
from ..stats.moments import MissingReport, Moments
from . import _hoc_kernel as hk
from ._common import MIN_ROWS_FIT, as_spec, check_scale, index_scale, rows_of
from ._pls_boot import Transform, bootstrap, labels, stat_vector
from ._pls_derived import PLSDerived, _Inputs
from ._pls_kernel import layout
from ._pls_options import PLSOptions
from .result import PLSResult
from .spec import ModelSpec

__all__ = ["HigherOrderResult", "higher_order"]

_WHERE = "acsi.higher_order"
Approach = Literal["repeated_indicators", "embedded_two_stage", "disjoint_two_stage"]
_APPROACHES = ("repeated_indicators", "embedded_two_stage", "disjoint_two_stage")


@dataclass(frozen=True, slots=True, kw_only=True)
class HigherOrderResult(EstimatesResult):
    """A PLS path model with higher-order constructs.

    Attributes
    ----------
    approach : str
        ``"repeated_indicators"``, ``"embedded_two_stage"`` or
        ``"disjoint_two_stage"``.
    spec : ModelSpec
        The model as given (with its higher-order blocks).
    higher_order : tuple of str
        The higher-order latents.
    components : dict of str to tuple of str
        The lower-order components of each higher-order latent.
    fit : PLSResult
        The final model: the repeated-indicators model, or the second stage
        (each higher-order latent measured by its components' composites,
        whose weights and loadings are the ``"weight"`` / ``"loading"`` rows
        named by the components).
    first_stage : PLSResult or None
        The first stage of a two-stage approach (the components' weights,
        loadings and indices), None for repeated indicators.
    n : int
        Respondents used.
    missing_report : MissingReport
    estimates : Estimates
        The final model's rows, then (two-stage) the first stage's
        ``"weight"``, ``"loading"`` and ``"index"`` rows of the components
        (with bootstrap columns when ``n_resamples`` > 0).
    confidence_level : float
    """

    approach: str
    spec: ModelSpec
    higher_order: tuple[str, ...]
    components: dict[str, tuple[str, ...]]
    fit: PLSResult
    first_stage: PLSResult | None
    n: int
    missing_report: MissingReport
    estimates: Estimates
    confidence_level: float
    _backend: str | None = field(default=None, repr=False)

    @property
    def index(self) -> dict[str, float]:
        """0-100 index of every latent: the final model's and the components'."""
        out = dict(self.fit.index)
        if self.first_stage is not None:
            first = self.first_stage.index
            for comps in self.components.values():
                out.update({c: first[c] for c in comps})
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: the approach, the model and the estimates."""
        out: dict[str, Any] = jsonable(
            {
                "approach": self.approach,
                "model": self.spec.to_dict(),
                "higher_order": list(self.higher_order),
                "components": {k: list(v) for k, v in self.components.items()},
                "n": self.n,
                "confidence_level": self.confidence_level,
                "index": self.index,
                "estimates": self.estimates.to_dict(),
            }
        )
        return out

    def __repr__(self) -> str:
        hocs = ", ".join(
            f"{h} <- {' + '.join(self.components[h])}" for h in self.higher_order
        )
        return (
            f"HigherOrderResult(approach={self.approach!r}, n={self.n}, "
            f"higher_order=[{hocs}])"
        )

    def summary(self) -> Summary:
        """Return the higher-order measurement, the structural paths and R²."""
        est = self.estimates
        nan = float("nan")
        rows = []
        for h in self.higher_order:
            reflective = self.spec.block(h).mode == "A"
            for c in self.components[h]:
                if self.first_stage is not None:  # two-stage: c is an indicator
                    w, ld, path = (
                        _value(est, c, "weight"),
                        _value(est, c, "loading"),
                        nan,
                    )
                else:  # repeated indicators: c is linked by a structural path
                    w, ld = nan, nan
                    path = self.fit.path(h, c) if reflective else self.fit.path(c, h)
                rows.append((h, c, w, ld, path))
        paths = est.select("path")
        path_rows = [
            (paths.name[i], paths.estimate[i], paths.standard_error[i], paths.pvalue[i])
            for i in range(len(paths))
        ]
        r2 = est.select("r2")
        r2_rows = [(r2.name[i], r2.estimate[i]) for i in range(len(r2))]
        notes = [
            f"Approach: {self.approach} (Becker et al. 2012; Sarstedt et al. 2019).",
        ]
        if self.first_stage is None:
            notes.append(
                "Repeated indicators: components are linked to the higher-order "
                "latent by the structural paths shown (weight/loading: NaN)."
            )
        return Summary(
            title="PLS path model with higher-order constructs",
            tables=(
                table(
                    "Higher-order measurement",
                    ("latent", "component", "weight", "loading", "path"),
                    rows,
                ),
                table("Structural paths", ("path", "estimate", "se", "p"), path_rows),
                table("R-squared", ("latent", "R2"), r2_rows),
            ),
            notes=tuple(notes),
        )


def _value(est: Estimates, name: str, kind: str) -> float:
    for i, (k, nm) in enumerate(zip(est.kind, est.name, strict=True)):
        if k == kind and nm == name:
            return float(est.estimate[i])
    return float("nan")  # pragma: no cover - every component has its rows


def _fit_stage(
    table: Table,
    m: Moments,
    *,
    n: int,
    spec: ModelSpec,
    columns: tuple[str, ...],
    fn: Transform,
    opts: PLSOptions,
    scale: Scale | None,
    gen: np.random.Generator,
    rows_map: FloatArray | None,
) -> PLSResult:
    """Fit ``spec`` on the variables ``X T`` given by the transform ``fn``.

    The fit runs on the transformed Moments; the bootstrap resamples the
    indicators' moments and applies ``fn`` in each replicate; scores use
    the rows mapped by ``rows_map`` (a p x q matrix) when rows were given.
    """
    from .pls import _scores, fit_pls  # noqa: PLC0415 - keeps import light

    lay = layout(spec)
    order = np.array([columns.index(c) for c in lay.indicators], dtype=np.int64)

    def ordered(
        s: FloatArray, mean: FloatArray, sd: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, np.ndarray[Any, Any]]:
        # the variables in the layout's order (blocks in topological order)
        s2, mean2, sd2, ok = fn(s, mean, sd)
        return (*hk.select(s2, mean2, sd2, order), ok)

    mean, sd = m.mean, m.std()
    s = m.correlation() if opts.scaled else m.covariance()
    s2, mean2, sd2, ok = ordered(s[None], mean[None], sd[None])
    if not ok[0]:
        msg = (
            f"{_WHERE}: the first stage did not converge or gave a component "
            "whose raw outer weights do not sum to a positive number (no "
            "composite on the answer scale); raise max_iter or check the blocks."
        )
        raise EstimationError(msg)
    cov2 = s2[0] * sd2[0][:, None] * sd2[0][None, :] if opts.scaled else s2[0]
    m2 = Moments.from_covariance(
        0.5 * (cov2 + cov2.T), n=n, mean=mean2[0], columns=lay.indicators
    )
    part = Table(
        kind="moments",
        columns=lay.indicators,
        roles={"model": lay.indicators},
        where=_WHERE,
        statistics=m2,
        backend=table.backend,
    )
    quiet = opts.model_copy(update={"n_resamples": 0, "scores": False})
    # composites can be perfectly collinear in degenerate samples: a block
    # whose unit-weight sum has no variance gets non-finite weights, which
    # fit_pls refuses with an EstimationError naming the block
    with np.errstate(invalid="ignore", divide="ignore"):
        res = fit_pls(
            part, spec, opts=quiet, scale=scale, declared=None, rng=gen, where=_WHERE
        )
    boot = None
    if opts.n_resamples:
        labs = labels(lay, spec, with_indices=scale is not None)
        est, _ = stat_vector(
            s2, mean2, sd2, lay=lay, labels=labs, opts=opts, scale=scale
        )
        boot = bootstrap(
            table,
            n=n,
            spec=spec,
            lay=lay,
            opts=opts,
            scale=scale,
            estimate=est[0],
            gen=gen,
            where=_WHERE,
            indicators=m.columns,
            transform=ordered,
        )
    scores = None
    if opts.scores and rows_map is not None and table.kind == "rows":
        rows = rows_of(table, m.columns)
        mapped = _mapped_rows(rows, rows_map[:, order])
        w = res._derived._in.w_own[:, None] * lay.mask
        scores = _scores(
            mapped,
            w,
            mean=res.indicator_mean,
            sd=res.indicator_std,
            lay=lay,
            scaled=opts.scaled,
            complete=not bool(np.isnan(mapped).any()),
        )
    inputs = {
        f.name: getattr(res._derived._in, f.name) for f in dataclasses.fields(_Inputs)
    }
    derived = PLSDerived(**{**inputs, "boot": boot})
    return dataclasses.replace(
        res,
        missing_report=m.missing_report,
        bootstrap=boot,
        scores=scores,
        _derived=derived,
    )


def _mapped_rows(rows: FloatArray, t: FloatArray) -> FloatArray:
    """``X T`` where each column uses only its own indicators (NaN-safe)."""
    out = np.empty((rows.shape[0], t.shape[1]))
    for k in range(t.shape[1]):
        idx = np.flatnonzero(t[:, k])
        out[:, k] = rows[:, idx] @ t[idx, k]
    return out


def higher_order(
    data: object,
    *,
    model: ModelSpec | str | Mapping[str, Any],
    approach: Approach = "embedded_two_stage",
    scale: Scale | tuple[float, float] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    missing: Literal["listwise", "pairwise"] = "listwise",
    nan_policy: Literal["omit", "raise"] = "omit",
    scores: bool = True,
    scheme: Literal["centroid", "factorial", "path"] = "path",
    scaled: bool = True,
    tol: float = 1e-7,
    max_iter: int = 300,
    n_resamples: int = 0,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    confidence_level: float = 0.95,
) -> HigherOrderResult:
    r"""Fit a PLS path model with higher-order constructs.

    Parameters
    ----------
    data : array_like, mapping, dataframe, lazy frame or Moments
        As for :func:`satmodels.acsi.fit`: every approach runs on the
        indicators' moments (no scores, no bootstrap from Moments).
    model : ModelSpec, str or dict
        A model with at least one higher-order block, a block whose
        indicators are latents: ``"QUAL =~ PROD + SERV"`` (reflective) or
        ``"QUAL <~ PROD + SERV"`` (formative); its components are
        first-order blocks without structural paths.
    approach : {"embedded_two_stage", "disjoint_two_stage", "repeated_indicators"}
        How the higher-order constructs are estimated (see Notes).
    scale, columns, weights, missing, nan_policy, scores
        As for :func:`satmodels.acsi.fit`. Case ``weights`` give weighted
        PLS (Becker & Ismail 2016) in both stages.
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights`` or ``n_resamples``; rows in memory.
    scheme, scaled, tol, max_iter
        PLS options of every stage (as :func:`satmodels.acsi.fit`).
    n_resamples : int
        Bootstrap replicates (0: none); every replicate re-runs both stages.
    rng : None, int, SeedSequence or Generator
        Randomness of the bootstrap.
    confidence_level : float
        Level of the BCa intervals.

    Returns
    -------
    HigherOrderResult

    Raises
    ------
    InputError
        An unknown ``approach``, and everything :func:`satmodels.acsi.fit`
        refuses.
    SpecificationError
        A model without higher-order blocks, a third-order block, a
        component with structural paths or in two higher-order blocks.
    EstimationError
        A first stage that does not converge or gives a component whose
        raw weights do not sum to a positive number.

    Notes
    -----
    Repeated indicators (Lohmöller 1989; Becker et al. 2012): the HOC's
    block holds every indicator of its components; the paths HOC -> LOC
    (reflective) or LOC -> HOC (formative) join the structural model. With
    a formative HOC the components explain it almost fully (R² near 1), so
    paths from its antecedents are biased towards zero (Becker et al. 2012,
    section 5; Sarstedt et al. 2019): prefer a two-stage approach there.

    Two-stage: the first stage gives each component's composite on the
    answer scale, :math:`\hat y_c = \sum_i \tilde v_{ic} x_i` (raw outer
    weights normalized to sum to one), whose moments are :math:`\tilde
    v_c' \bar x` and :math:`\tilde v_c' \Sigma \tilde v_{c'}`; the second
    stage measures the HOC by them (mode A for ``=~``, mode B for ``<~``).
    Standardized, the second stage equals the fit on the components' latent
    scores (seminr, cSEM), and the HOC's index is the weighted mean of its
    components' indices. Checked against cSEM and seminr (R sources,
    tests/golden/csem_hoc.json) on the ECSI mobi data.

    References
    ----------
    .. [1] Becker, J.-M., Klein, K., & Wetzels, M. (2012). Hierarchical
       latent variable models in PLS-SEM. Long Range Planning, 45(5-6),
       359-394.
    .. [2] Sarstedt, M., Hair, J. F., Cheah, J.-H., Becker, J.-M., &
       Ringle, C. M. (2019). How to specify, estimate, and validate
       higher-order constructs in PLS-SEM. Australasian Marketing Journal,
       27(3), 197-211.

    Examples
    --------
    >>> from satmodels import acsi
    >>> from satmodels.datasets import load_sample_survey
    >>> survey = load_sample_survey()
    >>> model = '''
    ...     CORE =~ qual1 + qual2
    ...     REL =~ qual3 + val1
    ...     QUAL =~ CORE + REL
    ...     SAT =~ sat1 + sat2 + sat3
    ...     LOY =~ loy1 + loy2
    ...     SAT ~ QUAL
    ...     LOY ~ SAT
    ... '''
    >>> res = acsi.higher_order(survey, model=model, scale=(1, 10))
    >>> res.components
    {'QUAL': ('CORE', 'REL')}
    >>> res.fit.path("QUAL", "SAT") > 0
    True
    """
    if design is not None:
        return fit_with_design(higher_order, locals())
    chosen = str(approach)
    if chosen not in _APPROACHES:
        msg = (
            f"The 'approach' parameter of {_WHERE} must be one of {_APPROACHES}. "
            f"Got {approach!r} instead."
        )
        raise InputError(msg)
    spec = as_spec(model, _WHERE, higher_order=True)
    if not spec.higher_order:
        from ..exceptions import SpecificationError  # noqa: PLC0415

        msg = (
            f"The 'model' parameter of {_WHERE} has no higher-order block (a "
            "block whose indicators are latents, e.g. 'QUAL =~ PROD + SERV'); "
            "fit a first-order model with acsi.fit."
        )
        raise SpecificationError(msg)
    level = check_confidence_level(confidence_level, _WHERE)
    reps = check_count(n_resamples, _WHERE, "n_resamples", 0)
    gen = check_rng(rng, _WHERE)
    sc = as_scale(scale, _WHERE)
    opts = validated(
        PLSOptions,
        _WHERE,
        scheme=scheme,
        scaled=scaled,
        tol=tol,
        max_iter=max_iter,
        n_resamples=reps,
        confidence_level=level,
        missing=missing,
        nan_policy=nan_policy,
        scores=scores,
    )
    pl = hk.plan(spec, chosen)
    table_ = read(
        data,
        where=_WHERE,
        columns=columns,
        roles={"model": pl.indicators},
        weights=weights,
        accept=("rows", "lazy", "moments"),
    )
    scale_ = index_scale(table_, pl.indicators, sc, _WHERE)
    m = table_.moments(pl.indicators, missing=opts.missing, nan_policy=opts.nan_policy)
    if m.n_resamples:
        msg = (
            f"The 'data' parameter of {_WHERE} is a batch of {m.n_resamples} "
            "Moments; pass a single Moments."
        )
        raise InputError(msg)
    if sc is not None:
        check_scale(table_, m, sc, _WHERE)
    n = int(m.count.min()) if m.missing == "pairwise" else m.n
    if m.missing == "pairwise" and n >= MIN_ROWS_FIT:
        with np.errstate(invalid="ignore"):
            smallest = float(np.linalg.eigvalsh(np.nan_to_num(m.correlation()))[0])
        if smallest < -1e-10:
            warnings.warn(
                f"The pairwise-complete correlation matrix in {_WHERE} is not "
                "positive semi-definite (different rows behind different pairs); "
                "R-squared values can exceed 1 and paths can be distorted. "
                "Consider missing='listwise'.",
                AdmissibilityWarning,
                stacklevel=2,
            )
    if n < MIN_ROWS_FIT:
        msg = (
            f"The 'data' parameter of {_WHERE} has {n} usable respondent(s); a "
            f"PLS fit needs at least {MIN_ROWS_FIT}."
        )
        raise InputError(msg)
    first = None
    if pl.first is not None:
        idx1 = pl.first.select

        def fn1(
            s: FloatArray, mean: FloatArray, sd: FloatArray
        ) -> tuple[FloatArray, FloatArray, FloatArray, np.ndarray[Any, Any]]:
            s1, m1, sd1 = hk.select(s, mean, sd, idx1)
            return s1, m1, sd1, np.ones(s.shape[0], dtype=bool)

        t1 = np.zeros((len(pl.indicators), idx1.size))
        t1[idx1, np.arange(idx1.size)] = 1.0
        first = _fit_stage(
            table_,
            m,
            n=n,
            spec=pl.first.spec,
            columns=pl.first.columns,
            fn=fn1,
            opts=opts,
            scale=scale_,
            gen=gen,
            rows_map=t1,
        )

    def fn(
        s: FloatArray, mean: FloatArray, sd: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, np.ndarray[Any, Any]]:
        return hk.transform(s, mean, sd, pl, opts)

    s0 = m.correlation() if opts.scaled else m.covariance()
    final = _fit_stage(
        table_,
        m,
        n=n,
        spec=pl.final.spec,
        columns=pl.final_columns,
        fn=fn,
        opts=opts,
        scale=scale_,
        gen=gen,
        rows_map=hk.row_map(pl, s0, m.std(), opts),
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        # degenerate samples (perfectly collinear composites): quality
        # criteria of such a block are NaN (0 / 0), not a foreign warning
        est = final.estimates
        if first is not None:
            first.estimates  # noqa: B018 - built here, under the same errstate
    if first is not None:
        locs = set(pl.composites)
        items = {i for c in pl.composites for i in first.spec.block(c).indicators}
        fe = first.estimates
        keep = [
            r
            for r in range(len(fe))
            if (fe.kind[r] in ("weight", "loading") and fe.name[r] in items)
            or (fe.kind[r] == "index" and fe.name[r] in locs)
        ]
        est = concat([est, fe._take(keep)])
    return HigherOrderResult(
        approach=chosen,
        spec=spec,
        higher_order=spec.higher_order,
        components=dict(pl.components),
        fit=final,
        first_stage=first,
        n=n,
        missing_report=m.missing_report,
        estimates=est,
        confidence_level=level,
        _backend=table_.backend,
    )
