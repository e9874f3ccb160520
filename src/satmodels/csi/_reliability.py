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
from dataclasses import dataclass
from typing import Literal

from .._validation import check_confidence_level, validated
from ..data import _frames
from ..exceptions import EstimationError, InputError
from ..results._base import ConfidenceInterval, ResultMixin
from ..results._summary import Summary, table
from ..stats._reliability import _alpha, _alpha_if_deleted, _feldt_interval, _item_total
from ..stats.moments import Moments, moments_of
from ._options import AlphaOptions

__all__ = ["AlphaResult", "cronbach_alpha"]


@dataclass(frozen=True, slots=True, kw_only=True)
class AlphaResult(ResultMixin):
    """Cronbach's alpha with Feldt's interval.

    Attributes
    ----------
    alpha : float
    ci_low, ci_high : float
        Feldt (1965) interval.
    n : int
        Respondents used (listwise).
    n_missing : int
    k : int
        Number of items.
    alpha_if_deleted : dict of str to float
        Alpha of the remaining items when each item is dropped (k >= 3).
    item_total_correlation : dict of str to float
        Corrected item-total correlation (item vs the sum of the others).
    confidence_level : float
    """

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    n_missing: int
    k: int
    alpha_if_deleted: dict[str, float]
    item_total_correlation: dict[str, float]
    confidence_level: float

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Feldt interval at another level."""
        level = check_confidence_level(
            confidence_level, "AlphaResult.confidence_interval"
        )
        lo, hi = _feldt_interval(self.alpha, self.n, self.k, level)
        return ConfidenceInterval(lo, hi)

    def _records(self) -> list[dict[str, object]]:
        return [
            {
                "item": k,
                "alpha_if_deleted": v,
                "item_total_correlation": self.item_total_correlation[k],
            }
            for k, v in self.alpha_if_deleted.items()
        ]

    def summary(self) -> Summary:
        """Alpha, interval and item statistics."""
        rows = [
            [r["item"], r["alpha_if_deleted"], r["item_total_correlation"]]
            for r in self._records()
        ]
        return Summary(
            title="Cronbach's alpha",
            tables=(
                table("", ["item", "alpha if deleted", "item-total r"], rows, digits=3),
            ),
            notes=(
                f"alpha = {self.alpha:.4f}, {self.confidence_level:.0%} Feldt interval "
                f"[{self.ci_low:.4f}, {self.ci_high:.4f}], k = {self.k}, n = {self.n}.",
            ),
        )


def cronbach_alpha(
    items: object,
    *,
    columns: Sequence[str] | None = None,
    weights: object = None,
    confidence_level: float = 0.95,
    nan_policy: Literal["omit", "raise"] = "omit",
) -> AlphaResult:
    r"""Cronbach's alpha of an item set with Feldt's (1965) interval.

    Parameters
    ----------
    items : array_like, dataframe or Moments
        Respondents x items (at least 2 items), or their Moments.
    columns : sequence of str, optional
    weights : array_like or str, optional
        Case weights (the interval then uses the unweighted n).
    confidence_level : float
    nan_policy : {"omit", "raise"}
        Listwise exclusion (counted) or raise.

    Returns
    -------
    AlphaResult

    Raises
    ------
    InputError
        Fewer than 2 items or 3 respondents.
    EstimationError
        Zero total variance.

    Notes
    -----
    Checked against R ``psych::alpha`` and against the Feldt formula written
    out with ``scipy.stats.f`` in ``tests/test_csi_alpha.py``.

    Examples
    --------
    >>> import numpy as np
    >>> from satmodels.csi import cronbach_alpha
    >>> x = np.array([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 4], [5, 4, 5]])
    >>> round(cronbach_alpha(x).alpha, 4)
    0.9333
    """
    where = "cronbach_alpha"
    level = validated(
        AlphaOptions, where, confidence_level=confidence_level, nan_policy=nan_policy
    ).confidence_level
    if isinstance(items, Moments):
        m = items.select(columns) if columns is not None else items
    elif _frames.is_lazy(items):
        m = moments_of(
            items,
            columns=columns,
            weights=weights,
            nan_policy=nan_policy,
            name="items",
            where=where,
        )
    else:
        m = moments_of(
            items,
            columns=columns,
            weights=weights,
            nan_policy=nan_policy,
            name="items",
            where=where,
        )
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
    lo, hi = _feldt_interval(a, m.n, k, level)
    if_deleted = _alpha_if_deleted(S)
    item_total = _item_total(S)
    deleted = {name: float(v) for name, v in zip(m.columns, if_deleted, strict=True)}
    itc = {name: float(v) for name, v in zip(m.columns, item_total, strict=True)}
    return AlphaResult(
        alpha=a,
        ci_low=lo,
        ci_high=hi,
        n=m.n,
        n_missing=m.missing_report.rows_excluded,
        k=k,
        alpha_if_deleted=deleted,
        item_total_correlation=itc,
        confidence_level=level,
    )
