r"""Multigroup PLS: do segments differ in paths, weights, loadings or indices.

:func:`compare_segments` fits the model in every segment and tests every
difference between two segments (each pair, when there are more):

* **Permutation test** (Chin & Dibbern 2010; cSEM ``testMGD(.approach_mgd =
  "Chin")``): the segment labels are shuffled ``n_permutations`` times,
  the model is refitted in the permuted segments, and the p-value of a
  difference :math:`d` is :math:`(1 + \#\{|d^*| \ge |d|\}) / (1 + B)`.
  A permutation is a 0/1 weight vector per segment, so the permuted
  segments' moments of all B permutations are one matrix product
  (:mod:`._permutation`) and the B fits run as one batch
  (:mod:`._pls_kernel`), as the bootstrap does. Weights, loadings and
  paths are permuted on the answers standardized within their segment
  (as cSEM does; segments differing only in indicator means or variances
  stay exchangeable), the indices and MICOM on the answers themselves.
  With more than two segments the p-values of one statistic over the
  pairs are Holm-adjusted (Holm 1979).
* **PLS-MGA** (Henseler 2007; Henseler, Ringle & Sinkovics 2009; cSEM
  ``.approach_mgd = "Henseler"``), with ``n_resamples``: from each
  segment's bootstrap replicates, the probability
  :math:`P(\theta^{(a)} \le \theta^{(b)})` (``mga_probability``); a value
  below :math:`(1-\gamma)/2` or above :math:`(1+\gamma)/2` says the
  segments differ. The bootstrap also gives the difference's standard
  error and percentile interval.
* **MICOM** (Henseler, Ringle & Sarstedt 2016): step 1, configural
  invariance, holds by construction (one specification, one treatment of
  the data, one algorithm; ``configural``); step 2, compositional
  invariance: the correlation c of each composite formed with the two
  segments' weights on the pooled standardized data, with the lower-tail
  permutation p-value (invariance is rejected when c is below the
  permutation distribution's :math:`(1-\gamma)` quantile,
  ``permutation_low``); step 3: differences of the pooled composites'
  means and log variances between segments, with permutation p-values
  and acceptance intervals (``permutation_low``, ``permutation_high``).

Checked against cSEM's ``testMICOM`` and ``testMGD`` on the ECSI mobile
phone data (tests/golden/csem_mga.json): the differences, c values and
MICOM step-3 statistics to ~1e-10, the permutation and PLS-MGA
p-values within Monte-Carlo error.

References
----------
.. [1] Chin, W. W., & Dibbern, J. (2010). An introduction to a permutation
   based procedure for multi-group PLS analysis. In V. Esposito Vinzi et
   al. (Eds.), Handbook of partial least squares (pp. 171-193). Springer.
.. [2] Henseler, J. (2007). A new and simple approach to multi-group
   analysis in partial least squares path modeling. In H. Martens & T.
   Næs (Eds.), PLS'07 (pp. 104-107).
.. [3] Henseler, J., Ringle, C. M., & Sinkovics, R. R. (2009). The use of
   partial least squares path modeling in international marketing.
   Advances in International Marketing, 20, 277-319.
.. [4] Henseler, J., Ringle, C. M., & Sarstedt, M. (2016). Testing
   measurement invariance of composites using partial least squares.
   International Marketing Review, 33(3), 405-431.
.. [5] Holm, S. (1979). A simple sequentially rejective multiple test
   procedure. Scandinavian Journal of Statistics, 6(2), 65-70.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from .._typing import FloatArray
from .._validation import check_confidence_level, check_count, check_rng, validated
from ..data import Table, read
from ..engines._protocol import Account, MomentSums, PairMoments
from ..exceptions import InputError
from ..scales import Scale, as_scale
from ..stats._moments_kernels import moments_fields
from ..stats.moments import Moments
from ._common import as_spec, index_scale
from ._multigroup_result import SegmentComparison, assemble
from ._multigroup_stats import (
    Pooled,
    SegmentStats,
    composite_correlation,
    segment_stats,
)
from ._permutation import (
    permuted_moments,
)
from ._pls_kernel import layout
from ._pls_options import PLSOptions
from .pls import fit_pls
from .result import PLSResult
from .spec import ModelSpec

__all__ = ["SegmentComparison", "compare_segments"]

_WHERE = "acsi.compare_segments"
_ROWS: tuple[Literal["rows"]] = ("rows",)


def compare_segments(
    data: object,
    *,
    model: ModelSpec | str | Mapping[str, Any] = "acsi",
    segments: object,
    scale: Scale | tuple[float, float] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    missing: Literal["listwise", "pairwise"] = "listwise",
    nan_policy: Literal["omit", "raise"] = "omit",
    scheme: Literal["centroid", "factorial", "path"] = "path",
    tol: float = 1e-7,
    max_iter: int = 300,
    n_permutations: int = 1000,
    n_resamples: int = 0,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    confidence_level: float = 0.95,
) -> SegmentComparison:
    r"""Compare a PLS path model between segments: permutation test, PLS-MGA, MICOM.

    Parameters
    ----------
    data : array_like, mapping or dataframe
        Respondents x indicators (rows in memory: permutations shuffle
        respondents).
    model : ModelSpec, str or dict
        The model, as in :func:`satmodels.acsi.fit`.
    segments : array_like or str
        Segment label per respondent, or the name of its column: at least
        two labels, each with at least three usable respondents (ten with
        ``n_resamples``).
    scale : Scale or (min, max), optional
        Answer scale of the 0-100 indices (default: the observed minimum
        and maximum of all respondents, the same for every segment).
    columns, weights, missing, nan_policy, scheme, tol, max_iter
        As in :func:`satmodels.acsi.fit` (indicators standardized).
    n_permutations : int
        Label permutations of the permutation test and MICOM (0: none;
        Henseler et al. 2016 advise at least 5,000).
    n_resamples : int
        Bootstrap replicates per segment for PLS-MGA, the difference's
        standard error and percentile interval (0: none).
    rng : None, int, SeedSequence or Generator
        Randomness of permutations and bootstrap.
    confidence_level : float
        Level of the bootstrap intervals, of the permutation acceptance
        intervals, and of the PLS-MGA decision.

    Returns
    -------
    SegmentComparison
        ``estimates`` has one row per compared statistic and pair of
        segments (``segment`` ``"a vs b"``, estimate = a minus b; for
        ``composite_correlation`` the value of c), ``pvalue`` the
        permutation p-value (Holm-adjusted over the pairs with more than
        two segments); ``segments`` the per-segment fits, ``pooled`` the
        fit on all respondents.

    Raises
    ------
    InputError
        No or a single segment label, a segment with too few respondents,
        a lazy frame or Moments (the test needs the rows), bad options.
    EstimationError
        A segment's fit failed.

    Notes
    -----
    The permutation p-value counts :math:`|d^*| \ge |d|` over the
    permutations whose fit converged (``n_failed`` the others), plus one
    (Phipson & Smyth 2010). Statistics that are fixed by construction (the
    weight and loading of a single-indicator block, its c = 1) get no
    p-value. Weights, loadings and paths are permuted on the answers
    standardized within their own segment (their null hypothesis is the
    same correlation structure; cSEM's ``testMGD`` does the same), the
    indices and MICOM's statistics on the answers themselves (cSEM's
    ``testMICOM``), with the same permutations. Rows with a missing
    indicator are left out before permuting (``missing="listwise"``), so
    every permutation keeps the segment sizes.

    References
    ----------
    .. [1] Chin, W. W., & Dibbern, J. (2010). In Handbook of partial least
       squares (pp. 171-193). Springer.
    .. [2] Henseler, J., Ringle, C. M., & Sinkovics, R. R. (2009). Advances
       in International Marketing, 20, 277-319.
    .. [3] Henseler, J., Ringle, C. M., & Sarstedt, M. (2016).
       International Marketing Review, 33(3), 405-431.
    .. [4] Phipson, B., & Smyth, G. K. (2010). Statistical Applications in
       Genetics and Molecular Biology, 9(1), 39.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels import acsi
    >>> from satmodels.datasets import load_sample_survey
    >>> survey = load_sample_survey()
    >>> half = np.where(np.arange(len(survey["sat1"])) % 2 == 0, "even", "odd")
    >>> res = acsi.compare_segments(
    ...     survey, segments=half, scale=(1, 10), n_permutations=200, rng=1
    ... )
    >>> res.labels
    ('even', 'odd')
    >>> bool(res.estimates.select("path_difference").pvalue.min() > 0)
    True
    """
    spec = as_spec(model, _WHERE)
    level = check_confidence_level(confidence_level, _WHERE)
    n_perm = check_count(n_permutations, _WHERE, "n_permutations", 0)
    reps = check_count(n_resamples, _WHERE, "n_resamples", 0)
    gen = check_rng(rng, _WHERE)
    sc = as_scale(scale, _WHERE)
    if segments is None:
        msg = (
            f"The 'segments' parameter of {_WHERE} is required: the segment "
            "label of every respondent, or the name of its column."
        )
        raise InputError(msg)
    opts = validated(
        PLSOptions,
        _WHERE,
        scheme=scheme,
        tol=tol,
        max_iter=max_iter,
        n_resamples=reps,
        confidence_level=level,
        missing=missing,
        nan_policy=nan_policy,
        scores=False,
    )
    table = read(
        data,
        where=_WHERE,
        columns=columns,
        roles={"model": spec.indicators},
        weights=weights,
        segments=segments,
        accept=_ROWS,
    )
    labels = table.segment_labels()
    if len(labels) < 2:
        msg = (
            f"The 'segments' parameter of {_WHERE} must hold at least two "
            f"labels. Got {list(labels)}."
        )
        raise InputError(msg)
    scale_ = index_scale(table, spec.indicators, sc, _WHERE)
    plain = opts.model_copy(update={"n_resamples": 0})
    pooled_fit = fit_pls(
        table, spec, opts=plain, scale=scale_, declared=sc, rng=gen, where=_WHERE
    )
    parts = table.by_segment()
    fits = {
        label: _segment_fit(part, label, spec, opts, scale_, gen)
        for label, part in parts.items()
    }
    lay = layout(spec)
    inds = lay.indicators
    pooled_m = table.moments(inds, missing=opts.missing, nan_policy=opts.nan_policy)
    pooled = Pooled(
        mean=pooled_fit.indicator_mean,
        sd=pooled_fit.indicator_std,
        corr=np.asarray(pooled_m.correlation(), dtype=np.float64),
        weights=pooled_fit.outer_weights[:, None] * lay.mask,
    )
    pos = {lv: k for k, lv in enumerate(lay.latents)}
    path_idx = tuple((pos[p.source], pos[p.target]) for p in spec.paths)

    def stats_of(m: Moments) -> SegmentStats:
        one = m.n_resamples == 0

        def batch(a: FloatArray) -> FloatArray:
            arr = np.asarray(a, dtype=np.float64)
            return arr[None] if one else arr

        return segment_stats(
            batch(m.correlation()),
            batch(m.covariance()),
            batch(m.mean),
            batch(m.std()),
            lay=lay,
            paths=path_idx,
            opts=opts,
            scale=scale_,
            pooled=pooled,
        )

    seg_moments = {
        label: part.moments(inds, missing=opts.missing) for label, part in parts.items()
    }
    observed = {label: stats_of(m) for label, m in seg_moments.items()}
    pairs = list(itertools.combinations(labels, 2))
    obs_rows = np.stack(
        [_pair_vector(observed[a], observed[b], pooled.corr, lay) for a, b in pairs]
    )[:, 0, :]
    n_failed = 0
    perm_rows: FloatArray | None = None
    if n_perm:
        permuted, n_failed = _permutations(
            table, labels, seg_moments, opts.missing, n_perm, gen, stats_of
        )
        perm_rows = np.stack(
            [_pair_vector(permuted[a], permuted[b], pooled.corr, lay) for a, b in pairs]
        )  # (pairs, B, K)
    return assemble(
        spec=spec,
        lay=lay,
        labels=labels,
        pairs=pairs,
        fits=fits,
        pooled_fit=pooled_fit,
        obs_rows=obs_rows,
        perm_rows=perm_rows,
        n_perm=n_perm,
        n_failed=n_failed,
        level=level,
        scale=scale_,
        table=table,
    )


def _segment_fit(  # noqa: PLR0917 - one segment's fit
    part: Table,
    label: str,
    spec: ModelSpec,
    opts: PLSOptions,
    scale: Scale | None,
    gen: np.random.Generator,
) -> PLSResult:
    """Fit one segment; its errors name the segment."""
    try:
        return fit_pls(
            part, spec, opts=opts, scale=scale, declared=None, rng=gen, where=_WHERE
        )
    except InputError as exc:
        msg = f"Segment {label!r} of the 'segments' parameter of {_WHERE}: {exc}"
        raise InputError(msg) from exc


def _permutations(  # noqa: PLR0917
    table: Table,
    labels: tuple[str, ...],
    observed: dict[str, Moments],
    missing: str,
    n_perm: int,
    gen: np.random.Generator,
    stats_of: Any,  # noqa: ANN401 - the closure above
) -> tuple[dict[str, SegmentStats], int]:
    """Every segment's statistics under ``n_perm`` permutations of the labels.

    Two matrices are permuted with the same labels: the answers (for the
    0-100 indices and MICOM, whose statistics live in the answers' means
    and variances) and the answers standardized within their own segment
    (for weights, loadings and paths, whose null hypothesis is the same
    correlation structure: segments that differ only in indicator means or
    variances then stay exchangeable; cSEM's ``testMGD`` permutes its
    groups' standardized data the same way).
    """
    inds = observed[labels[0]].columns
    x = table.matrix(inds)
    w = table.weights
    seg = np.asarray(table.segments).astype(str)
    keep = np.ones(x.shape[0], dtype=bool) if w is None else w > 0
    if missing == "listwise":
        keep &= ~np.isnan(x).any(axis=1)
    else:
        keep &= ~np.isnan(x).all(axis=1)
    x = x[keep]
    codes = np.searchsorted(np.asarray(labels), seg[keep])
    z = np.empty_like(x)
    for g, label in enumerate(labels):
        rows = codes == g
        m = observed[label]
        z[rows] = (x[rows] - m.mean) / m.std()
    raw, std = permuted_moments(
        (x, z),
        None if w is None else w[keep],
        codes,
        len(labels),
        n_perm,
        gen,
        listwise=missing == "listwise",
    )
    out: dict[str, SegmentStats] = {}
    ok = np.ones(n_perm, dtype=bool)
    for g, label in enumerate(labels):
        n_g = int((codes == g).sum())
        on_raw, on_std = (
            stats_of(_moments(pm, inds, missing, n_g, weighted=w is not None))
            for pm in (raw[g], std[g])
        )
        out[label] = dataclasses.replace(
            on_raw,
            weights=on_std.weights,
            loadings=on_std.loadings,
            paths=on_std.paths,
            ok=on_raw.ok & on_std.ok,
        )
        ok &= out[label].ok
    # a permutation whose fit failed in any segment is left out of every test
    for st in out.values():
        for arr in (
            st.weights,
            st.loadings,
            st.paths,
            st.indices,
            st.composite_weights,
            st.score_mean,
            st.score_log_variance,
        ):
            arr[~ok] = np.nan
    return out, int((~ok).sum())


def _moments(
    pm: PairMoments, inds: tuple[str, ...], missing: str, n: int, *, weighted: bool
) -> Moments:
    """Return a batch of permuted moments as :class:`Moments`."""
    sums = MomentSums(
        columns=inds,
        missing="listwise" if missing == "listwise" else "pairwise",
        weighted=weighted,
        moments=pm,
        account=Account(rows_total=n, rows_used=n, reasons={}, column_missing={}),
    )
    return Moments(**moments_fields(sums, where=_WHERE, name="data"))


def _pair_vector(
    a: SegmentStats,
    b: SegmentStats,
    corr: FloatArray,
    lay: Any,  # noqa: ANN401
) -> FloatArray:
    """Return the compared statistics of one pair, (B, K) in :data:`_KINDS` order."""
    return np.concatenate(
        [
            a.weights - b.weights,
            a.loadings - b.loadings,
            a.paths - b.paths,
            a.indices - b.indices,
            composite_correlation(a.composite_weights, b.composite_weights, corr, lay),
            a.score_mean - b.score_mean,
            a.score_log_variance - b.score_log_variance,
        ],
        axis=1,
    )
