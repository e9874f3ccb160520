"""Zone of tolerance and per-dimension reliability (public functions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

import numpy as np

from .._typing import FloatArray, IntArray
from ..data import Table
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import InputError
from ..scales import Scale
from ..stats._reliability import _alpha, _alpha_if_deleted, _item_total
from ..stats.moments import Moments
from ._build import levels, table
from ._gaps import SEVEN_POINT
from ._inputs import Call, check_call, derived, per_segment, read_sets, survey
from ._kernels import _item_stats
from ._results_more import ReliabilityResult, ZoneResult, feldt_estimates
from .instrument import SERVQUAL_22, Instrument

if TYPE_CHECKING:
    from ..data._table import MomentsNeed

__all__ = ["reliability", "zone_of_tolerance"]

_MEASURES = ("msa", "mss", "width")


def zone_of_tolerance(
    data: object,
    *,
    perceived: Sequence[str] | None = None,
    adequate: Sequence[str] | None = None,
    desired: Sequence[str] | None = None,
    instrument: Instrument = SERVQUAL_22,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    scale: Scale | tuple[float, float] = Scale.likert(1, 9),  # noqa: B008 - frozen
    segments: object = None,
    columns: Sequence[str] | None = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> ZoneResult:
    r"""Zone of tolerance: adequacy and superiority gaps (PZB 1994).

    Parameters
    ----------
    data : array_like, mapping, dataframe, lazy frame or Moments
        The survey.
    perceived, adequate, desired : list of str
        Columns of the perceived service, the minimum adequate level and
        the desired level, one per item in instrument order (required).
    instrument, weights, segments, columns, confidence_level, nan_policy
        As in :func:`~satmodels.servqual.gaps`.
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.
    scale : Scale or (min, max)
        Answer scale; 1-9, as in the three-column format of Parasuraman,
        Zeithaml & Berry (1994), by default.

    Returns
    -------
    ZoneResult

    Raises
    ------
    InputError
        A column list left out, and as in :func:`~satmodels.servqual.gaps`.

    Notes
    -----
    Measure of service adequacy :math:`MSA = P - A`, measure of service
    superiority :math:`MSS = P - D` and zone width :math:`D - A`, each per
    item (paired t interval), per dimension and overall (means of item
    means, as in :func:`~satmodels.servqual.gaps`, including case
    weights). An item lies *below* its zone when the mean MSA is
    negative, *above* when the mean MSS is positive, else *inside*
    (Parasuraman, Zeithaml & Berry 1994).

    References
    ----------
    .. [1] Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1994).
       Alternative scales for measuring service quality: a comparative
       assessment based on psychometric and diagnostic criteria. Journal of
       Retailing, 70(3), 201-230.

    Examples
    --------
    >>> from satmodels.servqual import Instrument, zone_of_tolerance
    >>> inst = Instrument.define({"speed": ["s1", "s2"]})
    >>> survey = {
    ...     "p1": [5, 6, 4],
    ...     "p2": [8, 9, 8],
    ...     "a1": [6, 6, 5],
    ...     "a2": [4, 5, 4],
    ...     "d1": [8, 9, 8],
    ...     "d2": [7, 8, 7],
    ... }
    >>> res = zone_of_tolerance(
    ...     survey,
    ...     perceived=["p1", "p2"],
    ...     adequate=["a1", "a2"],
    ...     desired=["d1", "d2"],
    ...     instrument=inst,
    ... )
    >>> res.item_position
    ('below', 'above')
    """
    if design is not None:
        return fit_with_design(zone_of_tolerance, locals())
    call = check_call(
        "zone_of_tolerance",
        instrument=instrument,
        scale=scale,
        nan_policy=nan_policy,
        confidence_level=confidence_level,
    ).with_sets({"perceived": perceived, "adequate": adequate, "desired": desired})
    tab = read_sets(data, call, columns=columns, weights=weights, segments=segments)
    return per_segment(tab, lambda sub, _label: _zone_core(sub, call), call)


def _zone_core(tab: Table, call: Call) -> ZoneResult:
    inst, sc, level = call.instrument, call.scale, call.level
    sv = survey(tab, call)
    k = inst.n_items
    p_idx, a_idx, d_idx = np.arange(k), np.arange(k, 2 * k), np.arange(2 * k, 3 * k)
    parts = []
    for name, plus, minus in (
        ("msa", p_idx, a_idx),
        ("mss", p_idx, d_idx),
        ("width", d_idx, a_idx),
    ):
        mean, _, size, sigma = _item_stats(sv.moments, plus, minus)
        kinds = (f"{name}_item", f"{name}_dimension", f"{name}_overall")
        parts += levels(mean, sigma, size, inst, kinds=kinds, overall="overall")
    # table <- _zone_core <- lambda <- per_segment <- zone_of_tolerance <- caller
    est = table(
        parts,
        confidence_level=level,
        backend=tab.backend,
        where=tab.where,
        stacklevel=6,
    )
    nobs = sv.moments.nobs
    pmean = np.where(nobs > 0, np.diagonal(sv.moments.pair_mean), np.nan)

    def position(msa: FloatArray, mss: FloatArray) -> tuple[str, ...]:
        return tuple(
            "unknown"
            if not (np.isfinite(lo) and np.isfinite(hi))
            else "below"
            if lo < 0
            else "above"
            if hi > 0
            else "inside"
            for lo, hi in zip(msa, mss, strict=True)
        )

    msa, mss = parts[0], parts[3]
    msa_d, mss_d = parts[1], parts[4]
    return ZoneResult(
        estimates=est,
        instrument=inst,
        scale=sc,
        item_perceived=pmean[p_idx],
        item_adequate=pmean[a_idx],
        item_desired=pmean[d_idx],
        item_position=position(msa.estimate, mss.estimate),
        dimension_position=position(msa_d.estimate, mss_d.estimate),
        confidence_level=level,
        missing_report=sv.moments.missing_report,
        _case_weights=sv.moments.weighted,
        _backend=tab.backend,
    )


# ------------------------------------------------------------- reliability
def reliability(
    data: object,
    *,
    items: Sequence[str] | None = None,
    perceptions: Sequence[str] | None = None,
    expectations: Sequence[str] | None = None,
    instrument: Instrument = SERVQUAL_22,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    scale: Scale | tuple[float, float] = SEVEN_POINT,
    segments: object = None,
    columns: Sequence[str] | None = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> ReliabilityResult:
    r"""Cronbach's alpha per dimension, Feldt's interval, item-total r.

    Parameters
    ----------
    data : array_like, mapping, dataframe, lazy frame or Moments
        The survey.
    items : list of str, optional
        Columns of any one set of answers, one per item in instrument order.
    perceptions, expectations : list of str, optional
        Used when ``items`` is not given. With ``expectations`` the analysis
        is of the gap scores ``perceptions - expectations``, as
        Parasuraman, Zeithaml & Berry (1988) report SERVQUAL's reliability;
        without, of the perceptions (default columns ``sq_p<item id>``).
    instrument, weights, scale, segments, columns, confidence_level, nan_policy
        As in :func:`~satmodels.servqual.gaps` (one result per segment in
        ``result.segments``). Each dimension uses the
        respondents who answered all its items (listwise within the
        dimension), on a lazy frame too (one pairwise aggregation of the
        item variables, each made missing where its dimension is
        incomplete); from Moments, the pairwise covariances and the
        smallest pairwise count.
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.

    Returns
    -------
    ReliabilityResult

    Raises
    ------
    InputError
        ``items`` together with ``perceptions`` or ``expectations``, and as
        in :func:`~satmodels.servqual.gaps`.

    Notes
    -----
    :math:`\alpha = \frac{k}{k-1}(1 - \sum_i s_i^2 / s_T^2)` (Cronbach
    1951); Feldt's (1965) interval
    :math:`[1 - (1-\hat\alpha) F_{1-\gamma/2}, 1 - (1-\hat\alpha)
    F_{\gamma/2}]` with F on :math:`(n-1, (n-1)(k-1))` degrees of freedom;
    corrected item-total correlation :math:`r(x_i, T - x_i)`. With case
    weights the covariances are weighted and n is Kish's (1965) effective
    size (rounded down). Checked in the tests against a direct computation
    from the rows and against the interval formula as coded in pingouin's
    ``cronbach_alpha``.

    References
    ----------
    .. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal
       structure of tests. Psychometrika, 16(3), 297-334.
    .. [2] Feldt, L. S. (1965). The approximate sampling distribution of
       Kuder-Richardson reliability coefficient twenty. Psychometrika,
       30(3), 357-370.

    Examples
    --------
    >>> from satmodels.servqual import Instrument, reliability
    >>> inst = Instrument.define({"speed": ["s1", "s2", "s3"]})
    >>> x = {"a": [1, 3, 5, 6, 2], "b": [2, 3, 4, 6, 3], "c": [2, 4, 5, 7, 2]}
    >>> res = reliability(x, items=["a", "b", "c"], instrument=inst)
    >>> round(float(res.alpha[0]), 4)
    0.9714
    """
    if design is not None:
        return fit_with_design(reliability, locals())
    where = "reliability"
    call = check_call(
        where,
        instrument=instrument,
        scale=scale,
        nan_policy=nan_policy,
        confidence_level=confidence_level,
    )
    if items is not None:
        if perceptions is not None or expectations is not None:
            msg = (
                f"The 'items' parameter of {where} cannot be combined with "
                "'perceptions' or 'expectations'."
            )
            raise InputError(msg)
        call = call.with_sets({"items": items})
    elif expectations is None:
        call = call.with_sets({"perceptions": perceptions})
    else:
        call = call.with_sets(
            {"perceptions": perceptions, "expectations": expectations}
        )
    tab = read_sets(data, call, columns=columns, weights=weights, segments=segments)
    extra: list[MomentsNeed] = []
    if tab.kind == "lazy":
        tab = _item_variables(tab, call)
        extra.append((tuple(_item_names(call.instrument.n_items)), "pairwise", "omit"))
    return per_segment(
        tab, lambda sub, _label: _reliability_core(sub, call), call, extra=extra
    )


def _reliability_core(tab: Table, call: Call) -> ReliabilityResult:
    where = call.where
    sv = survey(tab, call)
    inst, level, sets = call.instrument, call.level, call.sets
    k = inst.n_items
    gaps_basis = "expectations" in sets
    minus = np.arange(k, 2 * k) if gaps_basis else None
    item_rows = None
    if sv.rows is not None:
        item_rows = sv.rows[:, :k] - sv.rows[:, k:] if gaps_basis else sv.rows
    elif tab.kind == "lazy":
        variables = tab.moments(_item_names(k), missing="pairwise")
    else:
        _, var, _, _ = _item_stats(sv.moments, np.arange(k), minus)
        # covariances of the item variables (pairwise), with exact variances
        cov_all = _variable_covariance(sv.moments, k, minus, var)
        size_all = _variable_size(sv.moments, k, minus)
    ids = inst.item_ids()
    dims = inst.dimensions
    alpha = np.full(len(dims), np.nan)
    n_used = np.zeros(len(dims))
    n_items = np.zeros(len(dims), dtype=np.int64)
    item_total = np.full(k, np.nan)
    if_deleted = np.full(k, np.nan)
    for j, d in enumerate(dims):
        idx = np.array([ids.index(i) for i in inst.item_ids(d)])
        n_items[j] = idx.size
        if item_rows is not None:
            block = item_rows[:, idx]
            if not np.isfinite(block).all(axis=1).any():
                continue  # nobody answered every item of this dimension
            names = [f"{d}:{i}" for i in range(idx.size)]
            m = derived(tab, block, names, missing="listwise")
            cov = m.covariance()
            n = _size(m)
        elif tab.kind == "lazy":
            # within a dimension the pairs share its complete rows (listwise)
            cov = variables.covariance()[np.ix_(idx, idx)]
            n = _size_of(variables, idx)
        else:
            cov = cov_all[np.ix_(idx, idx)]
            n = int(np.floor(size_all[np.ix_(idx, idx)].min()))
        if n < 2:
            continue
        n_used[j] = n
        alpha[j] = _alpha(cov)
        if idx.size > 1:
            item_total[idx] = _item_total(cov)
            if_deleted[idx] = _alpha_if_deleted(cov)
    est = feldt_estimates(
        dims, alpha, n_used, n_items, level, backend=tab.backend, where=where
    )
    return ReliabilityResult(
        estimates=est,
        instrument=inst,
        basis="gaps" if gaps_basis else "responses",
        n_items=n_items,
        item_total=item_total,
        alpha_if_deleted=if_deleted,
        confidence_level=level,
        missing_report=sv.moments.missing_report,
        _case_weights=sv.moments.weighted,
        _backend=tab.backend,
    )


def _item_variables(tab: Table, call: Call) -> Table:
    """Add each item's variable to a lazy frame, missing unless its dimension is.

    Column ``__item<i>`` is item i's gap ``p - e`` (or its answer),
    reverse-worded items reflected (``T - x``, so a gap changes sign) as
    :func:`~satmodels.servqual._inputs.survey` reflects the rows, plus
    ``0 *`` the sum of every variable of its dimension: missing wherever
    any item of the dimension is. Pairwise Moments of these columns are
    then, within each dimension, the listwise Moments the rows use.
    """
    import narwhals.stable.v2 as nw  # noqa: PLC0415 - lazy frames only

    inst, sets = call.instrument, call.sets
    total = call.scale.minimum + call.scale.maximum
    first = sets.get("items") or sets["perceptions"]
    minus = sets.get("expectations")
    own = []
    for i, item in enumerate(inst.items):
        if minus is not None:
            gap = nw.col(first[i]) - nw.col(minus[i])
            own.append(-gap if item.reverse else gap)
        else:
            x = nw.col(first[i])
            own.append(total - x if item.reverse else x)
    ids = inst.item_ids()
    exprs = []
    for d in inst.dimensions:
        idx = [ids.index(i) for i in inst.item_ids(d)]
        every = own[idx[0]]
        for j in idx[1:]:
            every = every + own[j]
        zero = 0.0 * every
        exprs += [(own[i] + zero).cast(nw.Float64).alias(_ITEM + str(i)) for i in idx]
    exprs.append(nw.lit(0.0, dtype=nw.Float64()).alias(_ANY))
    return replace(tab, lazy=tab.lazy.with_columns(*exprs))


#: Prefix of the item variables :func:`_item_variables` adds to a lazy frame.
_ITEM = "__item"
#: A column of zeros beside them: every row has an observed value, so a
#: survey where no dimension is complete gives NaN alphas, as the rows do,
#: not "no usable row".
_ANY = "__item_any"


def _item_names(k: int) -> list[str]:
    return [*(_ITEM + str(i) for i in range(k)), _ANY]


def _size_of(m: Moments, idx: IntArray) -> int:
    """:func:`_size` of the columns ``idx`` of pairwise Moments sharing rows."""
    if not m.weighted:
        return int(m.nobs[idx].min())
    return int(np.floor(float(np.min(m.effective_n()[idx]))))


def _size(m: Moments) -> int:
    """Respondents behind listwise Moments (Kish's effective n, weighted)."""
    if not m.weighted:
        return m.n
    return int(np.floor(float(np.min(m.effective_n()))))


def _variable_covariance(
    m: Moments,
    k: int,
    minus: np.ndarray[tuple[int], np.dtype[np.intp]] | None,
    var: FloatArray,
) -> FloatArray:
    cov = m.covariance()
    a = np.arange(k)
    if minus is None:
        return cov[np.ix_(a, a)].copy()
    b = minus
    out = cov[np.ix_(a, a)] - cov[np.ix_(a, b)] - cov[np.ix_(b, a)] + cov[np.ix_(b, b)]
    out[a, a] = var
    return out


def _variable_size(
    m: Moments, k: int, minus: np.ndarray[tuple[int], np.dtype[np.intp]] | None
) -> FloatArray:
    """Smallest pairwise count (Kish effective n with weights) per item pair."""
    if m.weighted:
        with np.errstate(divide="ignore", invalid="ignore"):
            size = np.where(m.weight_sq_sum > 0, m.weight_sum**2 / m.weight_sq_sum, 0.0)
    else:
        size = m.count.astype(np.float64)
    a = np.arange(k)
    if minus is None:
        return np.asarray(size[np.ix_(a, a)])
    b = minus
    out: FloatArray = np.minimum.reduce(
        [size[np.ix_(a, a)], size[np.ix_(a, b)], size[np.ix_(b, a)], size[np.ix_(b, b)]]
    )
    return out
