r"""Wave-to-wave change of a national index at every level, with z tests."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

from .._typing import FloatArray
from .._validation import check_confidence_level
from ..exceptions import InputError, SatmodelsWarning
from ..results._estimates import estimates
from ._result import ChangeResult, NationalResult

__all__ = ["compare", "holm"]

_WHERE = "national.compare"


def holm(pvalues: FloatArray) -> FloatArray:
    r"""Holm's (1979) step-down adjusted p-values (NaN entries stay NaN).

    With the :math:`m` finite p-values sorted, :math:`p_{(1)} \le \dots \le
    p_{(m)}`, the adjusted value is :math:`\max_{j \le i} \min(1, (m - j +
    1) p_{(j)})` (Holm 1979; R's ``p.adjust(method = "holm")``).
    """
    p = np.asarray(pvalues, dtype=np.float64)
    out = np.full(p.shape, math.nan)
    ok = np.flatnonzero(np.isfinite(p))
    m = ok.size
    if m == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    factor = m - np.arange(m)
    adjusted = np.maximum.accumulate(np.minimum(1.0, factor * p[order]))
    out[order] = adjusted
    return out


def _rows(result: NationalResult) -> dict[tuple[str, str], int]:
    e = result.estimates
    return {(str(e.kind[i]), str(e.name[i])): i for i in range(len(e))}


def _paired_replicates(
    first: NationalResult, second: NationalResult
) -> Callable[[str, str], float]:
    """SE of a unit's change from the replicate differences of both waves."""
    a, b = first._replicates, second._replicates
    same = (
        a is not None
        and b is not None
        and a.psus == b.psus
        and a.factors.shape == b.factors.shape
        and bool(np.array_equal(a.factors, b.factors))
    )
    if not same or a is None or b is None:
        msg = (
            f"The 'paired' parameter of {_WHERE} needs both waves fitted with "
            "the same Design (the same PSUs and, for the bootstrap, the same "
            "rng), so that their replicate weights are the same; these waves "
            "have different or no design replicates."
        )
        raise InputError(msg)
    row_a = {
        (str(k), str(n)): i
        for i, (k, n) in enumerate(
            zip(first.estimates.kind, first.estimates.name, strict=True)
        )
    }
    row_b = {
        (str(k), str(n)): i
        for i, (k, n) in enumerate(
            zip(second.estimates.kind, second.estimates.name, strict=True)
        )
    }

    def se(level: str, unit: str) -> float:
        d = b.values[:, row_b[level, unit]] - a.values[:, row_a[level, unit]]
        var = a.scale * float(np.sum(a.rscales * (d - d.mean()) ** 2))
        return math.sqrt(var)

    return se


def compare(
    first: NationalResult,
    second: NationalResult,
    *,
    paired: bool = False,
    significance_level: float = 0.05,
    confidence_level: float = 0.95,
) -> ChangeResult:
    r"""Test the change of every unit's index between two waves.

    Parameters
    ----------
    first, second : NationalResult
        The two waves (:func:`satmodels.national.index`); units present in
        both are compared, level by level.
    paired : bool, default False
        The waves share their PSUs (a panel of sampling points, or of
        respondents): the change's variance comes from the replicate
        differences, which carry the covariance of the two waves. Both waves
        must have been fitted with the same ``Design`` (and, for the
        bootstrap, the same ``rng``), so that their replicate factors are
        identical. False: independent samples.
    significance_level : float
        Level below which a Holm-adjusted p-value flags a change.
    confidence_level : float
        Level of the stored normal intervals of the changes.

    Returns
    -------
    ChangeResult

    Raises
    ------
    InputError
        A wave that is not a NationalResult, waves with different levels,
        a level outside (0, 1), or ``paired`` waves without the same design
        replicates.

    Notes
    -----
    :math:`\Delta = I_2 - I_1`, :math:`\mathrm{SE}(\Delta) =
    \sqrt{\mathrm{SE}_1^2 + \mathrm{SE}_2^2}` (independent samples in the
    two waves), :math:`z = \Delta / \mathrm{SE}(\Delta)`, two-sided normal
    p-value. Paired waves (Wolter 2007, sec. 2.7): with the replicate values
    :math:`I_{1r}`, :math:`I_{2r}` of the same replicate weights,
    :math:`\Delta_r = I_{2r} - I_{1r}` and :math:`\mathrm{SE}(\Delta)^2 =
    s \sum_r c_r (\Delta_r - \bar\Delta)^2`, so the covariance of the waves
    is accounted for; the test is then t on the design's degrees of freedom.
    Within each level (all companies, all industries, ...) the
    p-values are adjusted by Holm's (1979) step-down method, which controls
    the family-wise error rate of the level. A unit without a standard
    error in either wave gets NaN test columns, with a warning naming it.

    References
    ----------
    .. [2] Wolter, K. M. (2007). Introduction to Variance Estimation (2nd
       ed.). Springer.
    .. [1] Holm, S. (1979). A simple sequentially rejective multiple test
       procedure. Scandinavian Journal of Statistics, 6(2), 65-70.

    Examples
    --------
    >>> from satmodels import national
    >>> from satmodels.datasets import make_national_survey
    >>> s = make_national_survey(n_companies=4, n_industries=2, rng=3)
    >>> fit = lambda k: national.index(
    ...     s.wave(k),
    ...     sizes=s.revenue,
    ...     level_sizes=s.gdp_share,
    ...     weights="weight",
    ...     scale=(1, 10),
    ...     n_resamples=50,
    ...     rng=k,
    ... )
    >>> change = national.compare(fit(1), fit(2))
    >>> change.estimates.kind[-1]
    'national'
    """
    given: tuple[tuple[str, object], ...] = (("first", first), ("second", second))
    for name, wave in given:
        if not isinstance(wave, NationalResult):
            msg = (
                f"The '{name}' parameter of {_WHERE} must be a NationalResult "
                f"(satmodels.national.index). Got {type(wave).__name__} instead."
            )
            raise InputError(msg)
    if first.levels != second.levels:
        msg = (
            f"The waves of {_WHERE} have different levels: {first.levels} and "
            f"{second.levels}."
        )
        raise InputError(msg)
    level = check_confidence_level(confidence_level, _WHERE)
    ok = isinstance(significance_level, int | float) and not isinstance(
        significance_level, bool
    )
    if not ok or not 0.0 < float(significance_level) < 1.0:
        msg = (
            f"The 'significance_level' parameter of {_WHERE} must be in (0, 1). "
            f"Got {significance_level!r} instead."
        )
        raise InputError(msg)
    alpha = float(significance_level)
    pairs = _paired_replicates(first, second) if paired else None
    kinds: list[str] = []
    names: list[str] = []
    change: list[float] = []
    se: list[float] = []
    for lev in first.levels:
        for unit in sorted(set(first.index[lev]) & set(second.index[lev])):
            kinds.append(lev)
            names.append(unit)
            change.append(second.index[lev][unit] - first.index[lev][unit])
            if pairs is None:
                se.append(
                    math.hypot(
                        first.se_by_unit[lev][unit], second.se_by_unit[lev][unit]
                    )
                )
            else:
                se.append(pairs(lev, unit))
    untested = [
        f"{k} {u}" for k, u, v in zip(kinds, names, se, strict=True) if not v > 0
    ]
    if untested:
        warnings.warn(
            f"{_WHERE}: no standard error for the change of {untested[:5]}"
            f"{' ...' if len(untested) > 5 else ''} (a wave without standard "
            "errors, or paired waves whose replicates give identical values): "
            "their tests and intervals are NaN.",
            SatmodelsWarning,
            stacklevel=2,
        )
    est = estimates(
        name=names,
        kind=kinds,
        estimate=np.array(change),
        standard_error=np.array(se),
        n=None,
        df=first.df if paired else None,
        interval="t" if paired else "normal",
        confidence_level=level,
        backend=first.estimates._backend,
    )
    adjusted = np.full(len(est), math.nan)
    kind_arr = np.array(kinds, dtype=object)
    for lev in first.levels:
        rows = np.flatnonzero(kind_arr == lev)
        adjusted[rows] = holm(est.pvalue[rows])
    significant = np.isfinite(adjusted) & (adjusted < alpha)
    last = len(est) - 1
    return ChangeResult(
        estimates=est,
        confidence_level=level,
        significance_level=alpha,
        pvalue_holm=adjusted,
        significant=significant,
        national=float(est.estimate[last]),
        se=float(est.standard_error[last]),
        ci_low=float(est.ci_low[last]),
        ci_high=float(est.ci_high[last]),
    )
