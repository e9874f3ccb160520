r"""Cronbach's alpha with Feldt's confidence interval, from Moments.

.. math::

    \alpha = \frac{k}{k-1}\Bigl(1 - \frac{\sum_i s_i^2}{\sum_{ij} s_{ij}}\Bigr)

(Cronbach 1951). Under normal theory
:math:`(1-\alpha)/(1-\hat\alpha) \sim F(n-1, (n-1)(k-1))` (Feldt 1965),
which gives the interval
:math:`[1 - (1-\hat\alpha) F_{1-\gamma/2},\; 1 - (1-\hat\alpha) F_{\gamma/2}]`.

References
----------
.. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal structure
   of tests. Psychometrika, 16(3), 297-334.
.. [2] Feldt, L. S. (1965). The approximate sampling distribution of
   Kuder-Richardson reliability coefficient twenty. Psychometrika, 30(3),
   357-370.
.. [3] Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical
   inference for coefficient alpha. Applied Psychological Measurement,
   11(1), 93-103.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .._validation import check_confidence_level, check_nan_policy
from ..data import Table, read
from ..design._keyword import fit_with_design
from ..design._spec import Design, ReplicateDesign
from ..exceptions import EstimationError, InputError
from ..results._estimates import Estimates, estimates
from ..stats._reliability import _alpha, _alpha_if_deleted, _feldt_interval, _item_total
from ..stats.moments import MissingReport, Moments
from ._estimated import (
    EstimatedResult,
    Refit,
    check_choice,
    fit_segments,
    fmt,
    segment_note,
)

__all__ = ["AlphaResult", "cronbach_alpha"]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class AlphaResult(EstimatedResult):
    """Cronbach's alpha with Feldt's interval.

    Attributes
    ----------
    estimates : Estimates
        Row ``("alpha", "alpha")`` with Feldt's (1965) interval; rows
        ``("alpha_if_deleted", item)`` (k >= 3) and
        ``("item_total_correlation", item)`` (corrected: the item against
        the sum of the others).
    confidence_level : float
    k : int
        Number of items.
    n : int
        Respondents used (listwise; pairwise: the fewest behind any
        covariance).
    missing_report : MissingReport or None
    alpha, ci_low, ci_high : float
        The headline row (properties).
    alpha_if_deleted, item_total_correlation : dict of str to float
        The item rows (properties).
    segments : dict of str to AlphaResult or None
        One result per segment label (sorted), when ``segments`` was given.
    """

    estimates: Estimates
    confidence_level: float
    k: int
    n: int
    missing_report: MissingReport | None = None
    segments: dict[str, AlphaResult] | None = field(default=None, repr=False)
    _refit: Refit | None = field(default=None, repr=False)

    @property
    def alpha(self) -> float:
        """Cronbach's alpha."""
        return float(self.estimates.estimate[0])

    @property
    def ci_low(self) -> float:
        """Lower Feldt bound."""
        return float(self.estimates.ci_low[0])

    @property
    def ci_high(self) -> float:
        """Upper Feldt bound."""
        return float(self.estimates.ci_high[0])

    def _items(self, kind: str) -> dict[str, float]:
        sub = self.estimates.select(kind)
        return dict(zip(sub.name, sub.estimate.tolist(), strict=True))

    @property
    def alpha_if_deleted(self) -> dict[str, float]:
        """Alpha of the remaining items when each item is dropped."""
        return self._items("alpha_if_deleted")

    @property
    def item_total_correlation(self) -> dict[str, float]:
        """Corrected item-total correlation per item."""
        return self._items("item_total_correlation")

    def _title(self) -> str:
        return "Cronbach's alpha"

    def _notes(self) -> tuple[str, ...]:
        return (
            f"k = {self.k} items, n = {self.n}; Feldt (1965) interval (Cronbach 1951).",
        )

    def __repr__(self) -> str:
        pct = f"{100 * self.confidence_level:g}%"
        return (
            f"AlphaResult(alpha={fmt(self.alpha, 4)}, {pct} CI "
            f"[{fmt(self.ci_low, 4)}, {fmt(self.ci_high, 4)}], k={self.k}, "
            f"n={self.n}{segment_note(self.segments)})"
        )


def cronbach_alpha(
    data: object,
    *,
    items: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    weights: object = None,
    design: Design | ReplicateDesign | None = None,
    segments: object = None,
    missing: Literal["listwise", "pairwise", "em"] = "listwise",
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> AlphaResult:
    r"""Cronbach's alpha of an item set with Feldt's (1965) interval.

    Parameters
    ----------
    data : array_like, mapping, dataframe, lazy frame or Moments
        Respondents x items (at least 2 items), or their Moments. A lazy
        frame is reduced to Moments on its engine.
    items : sequence of str, optional
        The item columns (default: every column not used for weights).
    columns : sequence of str, optional
        Names of an array's columns, or the columns of a frame to use.
    weights : array_like or str, optional
        Case weights (the interval then uses the unweighted n).
    design : Design or ReplicateDesign, optional
        A survey design (strata, PSUs, fpc and weights, or replicate
        weights): design-based standard errors with a ``design_effect``
        column, t intervals on the design's df (docs/design.md). Not
        with ``weights``; rows in memory.
    segments : array_like or str, optional
        Segment label per row (or its column); one alpha per segment in
        ``result.segments`` (on a lazy engine from one grouped
        aggregation).
    missing : {"listwise", "pairwise", "em"}
        How the covariance matrix treats missing answers. Pairwise, Feldt's
        interval uses the smallest number of respondents behind any entry
        of the matrix (and ``n`` reports it). EM: alpha from the maximum
        likelihood covariance matrix under MAR (Enders 2003, Psychological
        Methods 8(3), 322-337); Feldt's interval, conservatively, from the
        fewest respondents observing both items of any pair.
    confidence_level : float
    nan_policy : {"omit", "raise"}
        Exclusion (counted in ``missing_report``) or raise.

    Returns
    -------
    AlphaResult

    Raises
    ------
    InputError
        Fewer than 2 items or 3 (complete) respondents: the minimum sample.
    EstimationError
        Zero total variance (alpha undefined).

    Notes
    -----
    Checked against R ``psych::alpha`` and against the Feldt formula written
    out with ``scipy.stats.f`` in ``tests/test_csi_alpha.py``. Alpha if
    deleted needs k >= 3 (NaN otherwise).

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.csi import cronbach_alpha
    >>> x = np.array([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 4], [5, 4, 5]])
    >>> round(cronbach_alpha(x).alpha, 4)
    0.9333
    """
    if design is not None:
        return fit_with_design(cronbach_alpha, locals())
    where = "cronbach_alpha"
    level = check_confidence_level(confidence_level, where)
    check_nan_policy(nan_policy, where, ("omit", "raise"))
    how = check_choice(missing, ("listwise", "pairwise", "em"), "missing", where)
    miss: Literal["listwise", "pairwise", "em"] = (
        "pairwise" if how == "pairwise" else "em" if how == "em" else "listwise"
    )
    table = read(
        data,
        where=where,
        columns=columns,
        roles={"items": items},
        weights=weights,
        segments=segments,
        accept=("rows", "lazy", "moments"),
    )
    cols = table.role("items")

    def fit(part: Table, _segment: str | None) -> AlphaResult:
        m = part.moments(cols, missing=miss, nan_policy=nan_policy, name="items")
        return _fit(m, miss, level, table.backend, where)

    return fit_segments(table, fit, [(cols, miss, nan_policy)])


def _fit(
    m: Moments, miss: str, level: float, backend: str | None, where: str
) -> AlphaResult:
    """Alpha, Feldt's interval and the item rows from one set of Moments."""
    k = m.p
    if k < 2:
        msg = f"The 'items' parameter of {where} needs at least 2 items. Got {k}."
        raise InputError(msg)
    if m.n < 3:
        msg = (
            f"The 'items' parameter of {where} needs at least 3 complete respondents. "
            f"Got {m.n}."
        )
        raise InputError(msg)
    S = m.covariance()
    if not S.sum() > 0:
        msg = f"{where}: the total score has no variance; alpha is undefined."
        raise EstimationError(msg)
    a = _alpha(S)
    if_deleted = _alpha_if_deleted(S)
    item_total = _item_total(S)
    names = list(m.columns)
    # pairwise: Feldt's df from the fewest respondents behind any covariance
    n = m.n if miss == "listwise" else int(np.min(m.count))

    def build(lv: float) -> Estimates:
        lo, hi = _feldt_interval(a, n, k, lv)
        nan = np.full(k, np.nan)
        return estimates(
            kind=("alpha",)
            + ("alpha_if_deleted",) * k
            + ("item_total_correlation",) * k,
            name=["alpha", *names, *names],
            estimate=np.concatenate([[a], if_deleted, item_total]),
            ci_low=np.concatenate([[lo], nan, nan]),
            ci_high=np.concatenate([[hi], nan, nan]),
            n=n,
            interval=("feldt",) + ("none",) * (2 * k),
            confidence_level=lv,
            backend=backend,
        )

    return AlphaResult(
        estimates=build(level),
        confidence_level=level,
        k=k,
        n=n,
        missing_report=m.missing_report,
        _refit=build,
    )
