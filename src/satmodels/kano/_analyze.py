r"""Kano analysis: categories, counts, Better/Worse, strengths, Fong's test.

Every per-attribute number is computed from the attribute's 6 x 6 joint
count table of (functional, dysfunctional) answers (see
:mod:`satmodels.kano._kernels`); only the per-respondent flags need rows.

Formulas and their sources
--------------------------
* Category of an answer pair: the evaluation table (Berger et al. 1993;
  Matzler & Hinterhuber 1998), see :data:`STANDARD_TABLE`.
* Attribute category: the most frequent category (Berger et al. 1993), ties
  broken by the rule M > O > A > I (Matzler & Hinterhuber 1998), then R, Q.
* "(A+O+M) versus (I+R+Q)" rule: if A + O + M > I + R + Q the attribute is
  the most frequent of A, O, M, otherwise the most frequent of I, R, Q.
* Customer-satisfaction coefficients (Berger et al. 1993, Timko's
  contribution; Sauerwein et al. 1996):
  :math:`\text{Better} = (A+O)/(A+O+M+I)`,
  :math:`\text{Worse} = -(O+M)/(A+O+M+I)`.
* Total strength :math:`(A+O+M)/n` and category strength (share of the most
  frequent category minus the share of the second) (Lee & Newcomb 1997).
* Fong (1996): with ``a``, ``b`` the two largest category counts and ``n``
  the classified pairs, the difference is significant unless
  :math:`|a-b| < 1.65 \sqrt{(a+b)(2n-a-b)/(2n)}`.
* Case weights: see :mod:`satmodels.kano._build` (weighted counts, Kish's
  effective n for the intervals and Fong's test).

References
----------
.. [1] Berger, C., et al. (1993). Kano's methods for understanding
   customer-defined quality. Center for Quality of Management Journal, 2(4),
   3-36.
.. [2] Matzler, K., & Hinterhuber, H. H. (1998). How to make product
   development projects more successful by integrating Kano's model of
   customer satisfaction into quality function deployment. Technovation,
   18(1), 25-38.
.. [3] Lee, M. C., & Newcomb, J. F. (1997). Applying the Kano methodology to
   meet customer requirements: NASA's microgravity science program. Quality
   Management Journal, 4(3), 95-110.
.. [4] Fong, D. (1996). Using the self-stated importance questionnaire to
   interpret Kano questionnaire results. Center for Quality of Management
   Journal, 5(3), 21-24.
.. [5] Sauerwein, E., Bailom, F., Matzler, K., & Hinterhuber, H. H. (1996).
   The Kano model: how to delight your customers. IX International Working
   Seminar on Production Economics, Innsbruck, 313-327.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

from .._typing import FloatArray
from .._validation import check_count, check_rng
from ..data import Kind
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import InputError
from ..scales import Scale, as_scale
from ..stats.moments import MissingReport
from . import _kernels as K  # noqa: N812 - short kernel namespace
from ._build import build_result, share_estimates
from ._options import DEFAULT_TIE_RULE, options
from ._read import (
    Counts,
    Group,
    KanoInput,
    count_groups,
    count_rows,
    encode,
    read_pairs,
)
from ._result import KanoClassification, KanoResult
from ._table import CATEGORIES, DEFAULT_ANSWERS, STANDARD_TABLE, KanoAnswers, KanoTable

__all__ = ["analyze", "classify", "from_tables"]

ROWS: tuple[Kind, ...] = ("rows",)


def _report(
    inp: KanoInput, joint: npt.NDArray[np.int8], weights: FloatArray | None
) -> MissingReport:
    """Rows read, used (a classified pair and a positive weight), excluded."""
    n = joint.shape[0]
    classified = (joint < 6 * K.MISSING) & (joint % 6 != K.MISSING)
    positive = np.ones(n, dtype=bool) if weights is None else weights > 0
    used = classified.any(axis=1) & positive
    reasons: dict[str, int] = {}
    zero = int((~positive).sum())
    if zero:
        reasons["weight 0"] = zero
    no_pair = int((positive & ~classified.any(axis=1)).sum())
    if no_pair:
        reasons["no complete answer pair"] = no_pair
    f_miss = (joint >= 6 * K.MISSING).sum(axis=0)
    d_miss = (joint % 6 == K.MISSING).sum(axis=0)
    column_missing: dict[str, int] = {}
    for names, miss in ((inp.functional, f_miss), (inp.dysfunctional, d_miss)):
        for c, m in zip(names, miss.tolist(), strict=True):
            column_missing[c] = int(m)
    return MissingReport(
        rows_total=n,
        rows_used=int(used.sum()),
        rows_excluded=n - int(used.sum()),
        reasons=reasons,
        column_missing=column_missing,
        missing="pairwise",
    )


def _lazy_report(counts: Counts, inp: KanoInput) -> MissingReport:
    miss = np.rint(counts.tables[:, 5, 5]).astype(np.int64)
    return MissingReport(
        rows_total=counts.rows,
        rows_used=counts.rows,
        rows_excluded=0,
        reasons={},
        column_missing={
            f"{f}/{d}": int(m) for (f, d), m in zip(inp.pairs, miss, strict=True)
        },
        missing="pairwise",
    )


def analyze(
    data: object,
    *,
    functional: str | Sequence[str] | None = None,
    dysfunctional: str | Sequence[str] | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
    attributes: str | Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    importance: str | Sequence[str] | None = None,
    scale: Scale | tuple[float, float] | None = None,
    answers: KanoAnswers | Sequence[float] = DEFAULT_ANSWERS,
    table: KanoTable = STANDARD_TABLE,
    tie_rule: str | Sequence[str] = DEFAULT_TIE_RULE,
    confidence_level: float = 0.95,
    n_resamples: int = 0,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    nan_policy: Literal["omit", "raise"] = "omit",
    max_questionable: int = 1,
    fong_z: float = 1.65,
) -> KanoResult:
    r"""Kano analysis of functional/dysfunctional answer pairs per attribute.

    Parameters
    ----------
    data : array, mapping of columns, dataframe or lazy frame
        The survey, one row per respondent. A lazy frame (polars LazyFrame,
        DuckDB, Dask, PySpark) has its answer pairs counted on the engine.
    functional, dysfunctional : str or list of str
        The functional and dysfunctional question of each attribute, paired
        by list position.
    pairs : list of (str, str), optional
        ``(functional column, dysfunctional column)`` per attribute, instead
        of the two lists.
    attributes : str or list of str, optional
        Attribute names (default: the functional column names).
    columns : list of str, optional
        Names of the columns of a bare array (as in ``pandas.DataFrame``).
    weights : array_like or str, optional
        Case weights (or their column): weighted counts, shares and
        coefficients; intervals and Fong's test use Kish's effective n.
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.
    segments : array_like or str, optional
        Segment labels (or their column); the analysis is repeated per
        segment in ``result.segments``.
    importance : str or list of str, optional
        Self-stated importance columns, one per attribute (Berger et al.
        1993, section IIb). Gives ``importance_mean`` and importance-weighted
        coefficients :math:`\sum_r w_r [A,O] / \sum_r w_r [A,O,M,I]`.
    scale : Scale or (min, max), optional
        Scale of the importance ratings: answers are checked against it and
        rescaled to 0-100 before weighting (raw ratings without it).
    answers : KanoAnswers or sequence of 5 codes
        Codes of like, must-be, neutral, live-with, dislike (default 1-5).
    table : KanoTable
        Evaluation table (default :data:`STANDARD_TABLE`).
    tie_rule : str or sequence of str
        Category priority for ties of the most frequent category, e.g.
        ``"M>O>A>I"`` (default, Matzler & Hinterhuber 1998); categories not
        named follow in the default order.
    confidence_level : float
        Level of the stored Wilson intervals.
    n_resamples : int
        Bootstrap replicates for percentile intervals (0: none), read by
        ``result.confidence_interval(method="bootstrap")``.
    rng : None, int, SeedSequence or Generator
        Randomness of the bootstrap.
    nan_policy : {"omit", "raise"}
        ``omit``: pairs with a missing answer are counted in ``n_missing``
        and not classified. ``raise``: any missing answer is an error.
    max_questionable : int
        A respondent with more Q answers than this is flagged.
    fong_z : float
        Critical value of Fong's test (1.65 in Fong 1996).

    Returns
    -------
    KanoResult

    Raises
    ------
    InputError
        Answers outside the answer codes (the message names the attribute,
        column, row and value), unknown columns, bad options.

    Notes
    -----
    See the module docstring for every formula and its source. Category
    strength is computed over all six categories (stp25stat leaves Q out),
    and Fong's ``a`` and ``b`` are the two largest of the six counts.
    Checked against hand computations and the electric-cable-reel shares of
    Sauerwein et al. (1996) in ``tests/test_kano.py``.

    Examples
    --------
    Four respondents rate one attribute (1 like ... 5 dislike):

    >>> from satmodels import kano
    >>> data = {"f": [1, 1, 2, 1], "d": [5, 4, 5, 3]}
    >>> res = kano.analyze(
    ...     data, functional=["f"], dysfunctional=["d"], attributes=["fast"]
    ... )
    >>> res.category, res.counts.tolist()
    (('A',), [[2, 1, 1, 0, 0, 0]])
    >>> round(float(res.better[0]), 2), round(float(res.worse[0]), 2)
    (0.75, -0.5)
    """
    if design is not None:
        return fit_with_design(analyze, locals())
    where = "kano.analyze"
    opts = options(
        where,
        answers=answers,
        table=table,
        tie_rule=tie_rule,
        confidence_level=confidence_level,
        nan_policy=nan_policy,
        max_questionable=max_questionable,
        fong_z=fong_z,
    )
    n_res = check_count(n_resamples, where, "n_resamples")
    gen = check_rng(rng, where)
    imp_scale = as_scale(scale, where)
    inp = read_pairs(
        data,
        where=where,
        functional=functional,
        dysfunctional=dysfunctional,
        pairs=pairs,
        attributes=attributes,
        importance=importance,
        columns=columns,
        weights=weights,
        segments=segments,
        accept=("rows", "lazy"),
    )
    t = inp.table
    counted = count_groups(inp, opts, imp_scale, where)

    def result(
        group: Group,
        segments: dict[str, KanoResult] | None = None,
        report: MissingReport | None = None,
        codes: npt.NDArray[np.int8] | None = None,
    ) -> KanoResult:
        return build_result(
            group.counts,
            attributes=inp.attributes,
            opts=opts,
            n_resamples=n_res,
            rng=gen,
            importance_mean=group.importance_mean,
            codes=codes,
            segments=segments,
            missing_report=report,
            backend=t.backend,
            where=where,
            stacklevel=4,  # build_result <- result <- analyze <- the caller
        )

    segs: dict[str, KanoResult] | None = None
    if counted.segments is not None:
        segs = {}
        for label, group in counted.segments.items():  # no comprehension frame
            segs[label] = result(group)
    joint = counted.joint
    if joint is None:
        return result(counted.whole, segs, _lazy_report(counted.whole.counts, inp))
    lut = K.category_lut(opts.table.cells, CATEGORIES)
    return result(counted.whole, segs, _report(inp, joint, t.weights), lut[joint])


def from_tables(
    tables: npt.ArrayLike,
    *,
    attributes: Sequence[str] | None = None,
    n_missing: npt.ArrayLike | None = None,
    table: KanoTable = STANDARD_TABLE,
    tie_rule: str | Sequence[str] = DEFAULT_TIE_RULE,
    confidence_level: float = 0.95,
    n_resamples: int = 0,
    rng: np.random.Generator | np.random.SeedSequence | int | None = None,
    fong_z: float = 1.65,
) -> KanoResult:
    """Kano analysis from joint answer counts (no rows needed).

    For counts computed elsewhere (SQL, a streaming job, chunks added up):
    ``tables[j, i, k]`` is the number of respondents who gave functional
    answer ``i`` and dysfunctional answer ``k`` to attribute ``j`` (answers
    like, must-be, neutral, live-with, dislike). A (p, 6, 6) array with the
    missing row/column (``KanoResult.tables``) is accepted as is.

    Parameters
    ----------
    tables : array_like, shape (p, 5, 5) or (p, 6, 6)
        Non-negative integer counts.
    attributes : sequence of str, optional
        Attribute names (default ``attribute_1`` ...).
    n_missing : array_like, shape (p,), optional
        Pairs with a missing answer, for (p, 5, 5) tables.
    table, tie_rule, confidence_level, n_resamples, rng, fong_z
        As in :func:`analyze`.

    Returns
    -------
    KanoResult
        Without per-respondent fields.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels import kano
    >>> t = np.zeros((1, 5, 5))
    >>> t[0, 0, 4], t[0, 0, 3], t[0, 1, 4] = 5, 3, 2  # O, A, M
    >>> res = kano.from_tables(t, attributes=["fast"])
    >>> res.category, float(res.better[0])
    (('O',), 0.8)
    """
    where = "kano.from_tables"
    opts = options(
        where,
        table=table,
        tie_rule=tie_rule,
        confidence_level=confidence_level,
        fong_z=fong_z,
    )
    n_res = check_count(n_resamples, where, "n_resamples")
    gen = check_rng(rng, where)
    try:
        arr = np.asarray(tables, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"The 'tables' parameter of {where} must be numeric counts."
        raise InputError(msg) from exc
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[1:] not in ((5, 5), (6, 6)) or arr.shape[0] == 0:
        msg = (
            f"The 'tables' parameter of {where} must have shape (p, 5, 5) or "
            f"(p, 6, 6). Got {arr.shape}."
        )
        raise InputError(msg)
    if not np.isfinite(arr).all() or (arr < 0).any() or (arr != np.rint(arr)).any():
        msg = f"The 'tables' parameter of {where} must hold non-negative whole counts."
        raise InputError(msg)
    p = arr.shape[0]
    full = np.zeros((p, 6, 6))
    full[:, : arr.shape[1], : arr.shape[2]] = arr
    if n_missing is not None:
        if arr.shape[1] == 6:
            msg = f"{where}: n_missing is only for (p, 5, 5) tables."
            raise InputError(msg)
        miss = np.asarray(n_missing, dtype=np.float64).reshape(-1)
        if miss.shape != (p,) or (miss < 0).any() or not np.isfinite(miss).all():
            msg = (
                f"The 'n_missing' parameter of {where} must hold {p} "
                f"non-negative counts. Got {miss.tolist()}."
            )
            raise InputError(msg)
        full[:, 5, 5] = miss
    if attributes is None:
        names = tuple(f"attribute_{j + 1}" for j in range(p))
    else:
        names = (
            (attributes,)
            if isinstance(attributes, str)
            else tuple(str(a) for a in attributes)
        )
        if len(names) != p or len(set(names)) != p:
            msg = (
                f"The 'attributes' parameter of {where} must name {p} distinct "
                f"attributes. Got {list(names)}."
            )
            raise InputError(msg)
    counts = Counts(
        tables=full,
        weighted=full,
        squared=full,
        importance=None,
        rows=int(full[0].sum()),
        has_weights=False,
    )
    return build_result(
        counts,
        attributes=names,
        opts=opts,
        n_resamples=n_res,
        rng=gen,
        where=where,
    )


def classify(
    data: object,
    *,
    functional: str | Sequence[str] | None = None,
    dysfunctional: str | Sequence[str] | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
    attributes: str | Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    answers: KanoAnswers | Sequence[float] = DEFAULT_ANSWERS,
    table: KanoTable = STANDARD_TABLE,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> KanoClassification:
    """Category of every respondent x attribute through the evaluation table.

    The answers are encoded to indices 0-4 and looked up, all at once, in the
    flattened 5 x 5 table (Berger et al. 1993); a missing answer gives "".

    Parameters
    ----------
    data, functional, dysfunctional, pairs, attributes, columns, answers, table
        As in :func:`analyze`.
    weights : array_like or str, optional
        Case weights of the category shares in ``estimates``.
    confidence_level : float
        Level of the Wilson intervals of the shares.
    nan_policy : {"omit", "raise"}
        As in :func:`analyze`.

    Returns
    -------
    KanoClassification
        ``categories`` is an (n, p) array of "A", "O", "M", "I", "R", "Q", "".

    Examples
    --------
    >>> from satmodels import kano
    >>> data = {"f1": [1], "f2": [2], "d1": [5], "d2": [5]}
    >>> res = kano.classify(data, functional=["f1", "f2"], dysfunctional=["d1", "d2"])
    >>> res.categories.tolist()
    [['O', 'M']]
    """
    where = "kano.classify"
    opts = options(
        where,
        answers=answers,
        table=table,
        nan_policy=nan_policy,
        confidence_level=confidence_level,
    )
    inp = read_pairs(
        data,
        where=where,
        functional=functional,
        dysfunctional=dysfunctional,
        pairs=pairs,
        attributes=attributes,
        columns=columns,
        weights=weights,
        accept=ROWS,
    )
    joint = encode(inp, opts, where)
    lut = K.category_lut(opts.table.cells, CATEGORIES)
    labels = np.asarray([*CATEGORIES, ""])
    cats: npt.NDArray[np.str_] = labels[lut[joint]]
    c = count_rows(joint, inp.table.weights, None)[0]
    cat_matrix = K.category_matrix(opts.table.cells, CATEGORIES)
    wc = K.category_counts(c.weighted, cat_matrix)
    raw = K.category_counts(c.tables, cat_matrix)
    if c.has_weights:
        sq = K.category_counts(c.squared, cat_matrix).sum(axis=1)
        total = wc.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            n_eff = np.where(sq > 0, total * total / sq, 0.0)
        exact = None
    else:
        n_eff, exact = raw.sum(axis=1), raw
    est, _, _ = share_estimates(
        inp.attributes,
        weighted=wc,
        n_effective=n_eff,
        confidence_level=opts.confidence_level,
        backend=inp.table.backend,
        exact=exact,
    )
    return KanoClassification(
        attributes=inp.attributes,
        categories=cats,
        estimates=est,
        confidence_level=opts.confidence_level,
        _backend=inp.table.backend,
    )
