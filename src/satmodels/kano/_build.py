r"""Per-attribute Kano statistics from joint count tables, with case weights.

Every number comes from the attribute's joint tables (:class:`Counts`):
respondent counts, sums of case weights :math:`W_c` and of squared weights
:math:`W^{(2)}_c` per category :math:`c`.

Case weights (rule of this module, documented in docs/kano.md)
---------------------------------------------------------------
* Shares, the modal category, the (A+O+M) vs (I+R+Q) rule, Better, Worse,
  total and category strength use the weighted counts :math:`W_c`
  (a share is :math:`W_c / \sum_c W_c`).
* Intervals are Wilson (1927) score intervals with the number of trials set
  to Kish's (1965) effective sample size of the respondents behind the
  share, :math:`n_{\text{eff}} = (\sum w)^2 / \sum w^2`, and successes
  ``share * n_eff``: over the classified pairs for the shares, over the
  A, O, M and I pairs for Better and Worse.
* Fong's (1996) test uses the weighted counts rescaled to sum to the
  effective n, :math:`W_c \, n_{\text{eff}} / \sum_c W_c`.
* Bootstrap: without weights the category counts (and the missing cell) of
  each attribute are redrawn from the multinomial distribution of the
  observed shares, which is exactly what resampling respondents does to
  one attribute's counts. With weights the replicates are multinomial with
  the weighted shares and ``round(n_eff)`` trials.

Without weights every rule reduces to the unweighted statistic
(:math:`n_{\text{eff}} = n`).

References
----------
.. [1] Kish, L. (1965). Survey sampling. Wiley (section 11.7, the design
   effect of weighting).
.. [2] Wilson, E. B. (1927). Probable inference, the law of succession, and
   statistical inference. JASA, 22(158), 209-212.
.. [3] Fong, D. (1996). Using the self-stated importance questionnaire to
   interpret Kano questionnaire results. Center for Quality of Management
   Journal, 5(3), 21-24.
"""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt

from .._typing import FloatArray
from ..exceptions import SatmodelsWarning
from ..results._estimates import Estimates, estimates
from ..stats.intervals import wilson_interval
from ..stats.moments import MissingReport
from . import _kernels as K  # noqa: N812 - short kernel namespace
from ._options import KanoOptions
from ._read import Counts
from ._result import KanoResult
from ._table import CATEGORIES

__all__ = ["build_result", "share_estimates"]


def _kish(total: FloatArray, squared: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(squared > 0, total * total / squared, 0.0)


def _bootstrap(
    counts: FloatArray,
    n_missing: FloatArray,
    n_resamples: int,
    rng: np.random.Generator,
) -> FloatArray:
    """Replicates (B, p, 8): the six shares, Better and Worse.

    ``counts`` (p, 6) and ``n_missing`` (p,) are the multinomial cells and
    their sizes (see the module docstring).
    """
    full = np.column_stack([counts, n_missing])
    total = full.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        probs = np.where(total[:, None] > 0, full / total[:, None], 1.0 / full.shape[1])
    draws = rng.multinomial(
        np.rint(total).astype(np.int64), probs, size=(n_resamples, counts.shape[0])
    ).astype(np.float64)
    cats = draws[..., :6]
    better, worse = K.better_worse(cats)
    n = cats.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(n > 0, cats / n, np.nan)
    return np.concatenate([shares, better[..., None], worse[..., None]], axis=-1)


def _wilson_estimates(
    names: list[str],
    kinds: str | list[str],
    *,
    part: FloatArray,
    whole: FloatArray,
    trials: FloatArray,
    exact: FloatArray | None,
    sign: FloatArray | None = None,
    confidence_level: float,
    backend: str | None,
) -> tuple[Estimates, FloatArray, FloatArray]:
    """Estimates of the shares ``part / whole`` with Wilson intervals.

    ``trials`` is the (effective) sample size of each share; the successes
    are ``exact`` (unweighted counts, no rounding) or ``share * trials``.
    A row with ``sign`` -1 reports the negated share and interval (Worse).
    Returns the table and the successes and trials of its intervals.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(whole > 0, part / whole, np.nan)
    succ = exact if exact is not None else np.nan_to_num(share) * trials
    low, high = wilson_interval(succ, trials, confidence_level)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.where(trials > 0, np.sqrt(share * (1.0 - share) / trials), np.nan)
    if sign is not None:
        neg = sign < 0
        share = np.where(neg, -share, share)
        low, high = np.where(neg, -high, low), np.where(neg, -low, high)
    est = estimates(
        name=names,
        estimate=share.ravel(),
        kind=kinds,
        confidence_level=confidence_level,
        standard_error=se.ravel(),
        n=trials.ravel(),
        interval="wilson",
        ci_low=low.ravel(),
        ci_high=high.ravel(),
        backend=backend,
    )
    return est, np.asarray(succ, dtype=np.float64).ravel(), trials.ravel()


def share_estimates(
    attributes: tuple[str, ...],
    *,
    weighted: FloatArray,
    n_effective: FloatArray,
    confidence_level: float,
    backend: str | None,
    exact: FloatArray | None = None,
) -> tuple[Estimates, FloatArray, FloatArray]:
    """Estimates of the six category shares per attribute (Wilson intervals).

    Returns the table and the successes and trials of its Wilson intervals.
    ``exact`` (unweighted counts) gives the successes without rounding.
    """
    return _wilson_estimates(
        [f"{a}: {c}" for a in attributes for c in CATEGORIES],
        "share",
        part=weighted,
        whole=weighted.sum(axis=1, keepdims=True),
        trials=np.broadcast_to(n_effective[:, None], weighted.shape),
        exact=exact,
        confidence_level=confidence_level,
        backend=backend,
    )


def _table_rows(
    attributes: tuple[str, ...],
    *,
    wc: FloatArray,
    n_eff: FloatArray,
    n_eff_bw: FloatArray,
    exact: FloatArray | None,
    opts: KanoOptions,
    backend: str | None,
) -> tuple[Estimates, FloatArray, FloatArray, FloatArray]:
    """Build the estimates table: 6 shares, Better, Worse per attribute.

    Better is (A + O) / (A + O + M + I), Worse (O + M) over the same base,
    negated with its interval (Berger et al. 1993). Returns the table,
    Wilson successes and trials per row, and the sign of each row (-1 for
    Worse, whose interval is the negated one of O+M).
    """
    p = len(attributes)

    def with_better_worse(x: FloatArray) -> FloatArray:
        return np.column_stack([x, x[:, 0] + x[:, 1], x[:, 1] + x[:, 2]])

    base = wc[:, :4].sum(axis=1)
    sign = np.ones((p, 8))
    sign[:, 7] = -1.0
    table, succ, trials = _wilson_estimates(
        [n for a in attributes for n in (*(f"{a}: {c}" for c in CATEGORIES), a, a)],
        [k for _ in attributes for k in ("share",) * 6 + ("better", "worse")],
        part=with_better_worse(wc),
        whole=np.column_stack(
            [np.repeat(wc.sum(axis=1)[:, None], 6, axis=1), base, base]
        ),
        trials=np.column_stack(
            [np.repeat(n_eff[:, None], 6, axis=1), n_eff_bw, n_eff_bw]
        ),
        exact=None if exact is None else with_better_worse(exact),
        sign=sign,
        confidence_level=opts.confidence_level,
        backend=backend,
    )
    return table, succ, trials, sign.ravel()


def build_result(
    counts: Counts,
    *,
    attributes: tuple[str, ...],
    opts: KanoOptions,
    n_resamples: int,
    rng: np.random.Generator | None,
    importance_mean: FloatArray | None = None,
    codes: npt.NDArray[np.int8] | None = None,
    segments: dict[str, KanoResult] | None = None,
    missing_report: MissingReport | None = None,
    backend: str | None = None,
    where: str = "kano.analyze",
    stacklevel: int = 3,
) -> KanoResult:
    """Compute every per-attribute statistic of one group of respondents.

    ``stacklevel`` of a warning is counted from this function: 3 names the
    line that called the public function calling this one.
    """
    cat_matrix = K.category_matrix(opts.table.cells, CATEGORIES)
    raw = K.category_counts(counts.tables, cat_matrix)
    count_int = np.rint(raw).astype(np.int64)
    n = count_int.sum(axis=1)
    n_missing = np.rint(K.missing_counts(counts.tables)).astype(np.int64)
    weighted = counts.has_weights
    wc = K.category_counts(counts.weighted, cat_matrix) if weighted else raw
    total = wc.sum(axis=1)
    if weighted:
        sq = K.category_counts(counts.squared, cat_matrix)
        n_eff = _kish(total, sq.sum(axis=1))
        n_eff_bw = _kish(wc[:, :4].sum(axis=1), sq[:, :4].sum(axis=1))
        with np.errstate(invalid="ignore", divide="ignore"):
            scaled = np.where(total[:, None] > 0, wc * (n_eff / total)[:, None], 0.0)
    else:
        n_eff = n.astype(np.float64)
        n_eff_bw = raw[:, :4].sum(axis=1)
        scaled = raw
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(total[:, None] > 0, wc / total[:, None], np.nan)
    priority = np.asarray([opts.tie_rule.index(c) for c in CATEGORIES])
    mode, tied = K.pick_mode(wc, priority)
    category = tuple(CATEGORIES[k] if k >= 0 else "" for k in mode)
    aom = wc[:, :3].sum(axis=1)
    irq = wc[:, 3:].sum(axis=1)
    masked = np.where(
        (aom > irq)[:, None],
        np.where(np.arange(6) < 3, wc, -1.0),
        np.where(np.arange(6) >= 3, wc, -1.0),
    )
    aom_mode, _ = K.pick_mode(masked, priority)
    category_aom = tuple(
        CATEGORIES[k] if k >= 0 and total[j] > 0 else "" for j, k in enumerate(aom_mode)
    )
    better, worse = K.better_worse(wc)
    empty = [a for a, b in zip(attributes, better, strict=True) if np.isnan(b)]
    if empty:
        warnings.warn(
            f"{where}: attribute(s) {empty} have no A, O, M or I answers; their "
            "Better and Worse coefficients are NaN.",
            SatmodelsWarning,
            stacklevel=stacklevel,
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        total_strength = np.where(total > 0, aom / total, np.nan)
        srt = np.sort(shares, axis=1)
        category_strength = np.where(total > 0, srt[:, -1] - srt[:, -2], np.nan)
    fdiff, fcrit, fsig = K.fong(scaled, opts.fong_z)
    better_w = worse_w = None
    if counts.importance is not None:
        better_w, worse_w = K.better_worse(
            K.category_counts(counts.importance, cat_matrix)
        )
    table, succ, trials, sign = _table_rows(
        attributes,
        wc=wc,
        n_eff=n_eff,
        n_eff_bw=n_eff_bw,
        exact=None if weighted else raw,
        opts=opts,
        backend=backend,
    )
    boot = None
    if n_resamples > 0 and rng is not None:
        if weighted:
            with np.errstate(invalid="ignore", divide="ignore"):
                probs = np.where(total[:, None] > 0, wc / total[:, None], 0.0)
            cells = probs * np.rint(n_eff)[:, None]
            boot = _bootstrap(cells, np.zeros(len(attributes)), n_resamples, rng)
        else:
            boot = _bootstrap(raw, n_missing.astype(np.float64), n_resamples, rng)
        boot = boot.reshape(n_resamples, -1)
    resp_q = resp_r = resp_m = flagged = None
    if codes is not None:
        resp_q = np.count_nonzero(codes == CATEGORIES.index("Q"), axis=1)
        resp_r = np.count_nonzero(codes == CATEGORIES.index("R"), axis=1)
        resp_m = np.count_nonzero(codes == K.CAT_MISSING, axis=1)
        resp_q, resp_r, resp_m = (a.astype(np.int64) for a in (resp_q, resp_r, resp_m))
        flagged = resp_q > opts.max_questionable
    return KanoResult(
        attributes=attributes,
        estimates=table,
        tables=counts.tables,
        counts=count_int,
        weighted_counts=wc,
        n=n,
        n_effective=n_eff,
        n_missing=n_missing,
        n_respondents=int(counts.rows),
        weighted=weighted,
        shares=shares,
        category=category,
        tied=tied,
        category_aom=category_aom,
        better=better,
        worse=worse,
        better_low=table.select("better").ci_low,
        better_high=table.select("better").ci_high,
        worse_low=table.select("worse").ci_low,
        worse_high=table.select("worse").ci_high,
        total_strength=total_strength,
        category_strength=category_strength,
        fong_difference=fdiff,
        fong_critical=fcrit,
        fong_significant=fsig,
        importance_mean=importance_mean,
        better_weighted=better_w,
        worse_weighted=worse_w,
        respondent_q=resp_q,
        respondent_r=resp_r,
        respondent_missing=resp_m,
        flagged=flagged,
        segments=segments,
        missing_report=missing_report,
        confidence_level=opts.confidence_level,
        n_resamples=n_resamples if boot is not None else 0,
        tie_rule=opts.tie_rule,
        max_questionable=opts.max_questionable,
        evaluation_table=opts.table,
        _boot=boot,
        _successes=succ,
        _trials=trials,
        _sign=sign,
        _codes=codes,
        _backend=backend,
    )
